// augment's input-level attention gate (options attention_map, attention_gate) and what it changes
// on RedundantRelevantCue-v0: a hand-checked tag update, option errors, that the un-gated control
// differs from the gated learner only in that gate, and, with fixed seeds, that the gated learner
// learns the attended cue and not the unattended one, while the control learns the unattended cue
// too (benchmarks/results/augment-rrc.md has the full measurement).
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "learning/augment_network.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/rng.hpp"

using namespace sgym;

namespace {

// forced-choice single-cue probe accuracy of the attended and the unattended cue after `train`
// redundant trials (unattended cue at gain 0.8), learning off: the probe fixates, looks at the cue
// shown, and takes argmax q over the two response actions (the benchmark's protocol)
struct CueAccuracy {
  double attended = 0, unattended = 0;
  double training = 0;  // correct / trials over the last 10 % of training (exploring)
};

CueAccuracy single_cue_accuracy(const KeyValues& agent_opts, int seed, int train, int probes) {
  const KeyValues env_opts = {{"peripheral_acuity", "0.8"}, {"fixation_reward", "0.2"}, {"abort_reward", "-0.2"}};
  KeyValues test_opts = env_opts;
  test_opts.emplace_back("schedule", "test");
  test_opts.emplace_back("test_conditions", "single");
  auto train_env = make_env("RedundantRelevantCue-v0", env_opts);
  auto test_env = make_env("RedundantRelevantCue-v0", test_opts);
  auto agent = make_agent("augment", train_env->observation_space(), train_env->action_space(), agent_opts,
                          mix_seed(static_cast<std::uint64_t>(seed), 7));
  std::vector<float> obs;
  std::string epoch, outcome;
  bool done = false;
  // one step with action a (the agent sees every observation; with training off it does not learn)
  auto advance = [&](Env& env, std::int64_t a, bool own) {
    const Action& chosen = agent->act(obs);
    auto r = env.step(own ? chosen : Action::discrete(a));
    obs.assign(r.obs.begin(), r.obs.end());
    done = r.terminated || r.truncated;
    agent->observe(r.reward, obs, r.terminated, r.truncated);
    epoch = r.info.get_string("epoch");
    if (done) outcome = r.info.get_string("trial_outcome");
    return done ? r.info.get_int("attended_cue") : std::int64_t{-1};
  };
  auto start = [&](Env& env, bool first) {
    auto r0 = first ? env.reset(static_cast<std::uint64_t>(seed)) : env.reset();
    obs.assign(r0.obs.begin(), r0.obs.end());
    epoch = r0.info.get_string("epoch");
    done = false;
    agent->begin_episode();
    return Info(r0.info);
  };
  int looked[2] = {0, 0}, late_correct = 0;
  for (int t = 0; t < train; ++t) {
    start(*train_env, t == 0);
    std::int64_t attended = -1;
    while (!done) attended = advance(*train_env, 0, true);
    agent->end_episode();
    if (t < train - train / 10) continue;
    if (attended >= 0) ++looked[attended];
    late_correct += outcome == "correct";
  }
  const int dominant = looked[1] > looked[0] ? 1 : 0;
  agent->set_training(false);
  int n[2] = {0, 0}, ok[2] = {0, 0};
  for (int t = 0; t < probes; ++t) {
    const Info info = start(*test_env, t == 0);
    const auto correct = info.get_int("correct_response");
    const int shown = info.get_string("condition") == "single_1" ? 1 : 0;
    while (!done && epoch == "fixation") advance(*test_env, 0, false);
    if (!done) advance(*test_env, 1 + shown, false);
    if (!done && epoch == "respond") {
      std::vector<float> q;
      for (const auto& sig : agent->introspect())
        if (sig.name == "q") q = sig.values;
      const int k = shown == dominant ? 0 : 1;
      ++n[k];
      ok[k] += (q[4] > q[3] ? 1 : 0) == correct;  // actions 3, 4 = responses 0, 1
      advance(*test_env, 3, false);
    }
    agent->end_episode();
  }
  return {n[0] ? static_cast<double>(ok[0]) / n[0] : 0.0, n[1] ? static_cast<double>(ok[1]) / n[1] : 0.0,
          static_cast<double>(late_correct) / (train / 10)};
}

}  // namespace

TEST_CASE("augment: the input attention gate zeroes the tags of unattended inputs", "[augment_rrc]") {
  // 2 inputs, 1 regular unit, no memory units, 2 actions; all weights 0 except w(a=0, unit 1) = 0.5
  learning::AugmentParams p;
  learning::AugmentNetwork<Eigen::Dynamic, Eigen::Dynamic, Eigen::Dynamic, Eigen::Dynamic> net(2, 1, 0, 2, p);
  net.w_regular()(0, 1) = 0.5;
  net.set_input_gating(true);
  net.input_gate() << 1.0, 0.0;
  const std::vector<float> x = {0.8f, 0.6f};
  net.forward(x);
  net.step(0, 0.0, true);
  // y = σ(0) with θ = 2.5; Tag_ji = FB σ'(y) A_i x_i, FB = w(0, 1) = 0.5; the bias column is not gated
  const double y = 1.0 / (1.0 + std::exp(2.5));
  const double g = 0.5 * y * (1.0 - y);
  REQUIRE(net.tag_v_regular()(0, 0) == Approx(g * 1.0));
  REQUIRE(net.tag_v_regular()(0, 1) == Approx(g * 0.8));
  REQUIRE(net.tag_v_regular()(0, 2) == 0.0);
  // without the gate the same step tags both inputs
  learning::AugmentNetwork<Eigen::Dynamic, Eigen::Dynamic, Eigen::Dynamic, Eigen::Dynamic> open(2, 1, 0, 2, p);
  open.w_regular()(0, 1) = 0.5;
  open.forward(x);
  open.step(0, 0.0, true);
  REQUIRE(open.tag_v_regular()(0, 2) == Approx(g * 0.6));
}

TEST_CASE("augment: attention_map errors name the option and the value", "[augment_rrc]") {
  const Space obs = Space::box(0.0f, 1.0f, {10}), act = Space::discrete(5);
  for (const char* bad : {"1:4-6,2", "1:4-6,2:6-9", "1:4-6,1:7-9", "7:4-6", "1:4-10", "1:6-4", "1:4-6x", "1:4-6,", "+1:4-6", " 1:4-6", "1:4-6,,2:7-9"}) {
    INFO(bad);
    REQUIRE_THROWS_WITH(make_agent("augment", obs, act, {{"attention_map", bad}}),
                        Catch::Contains("attention_map = '" + std::string(bad) + "'"));
  }
  REQUIRE_NOTHROW(make_agent("augment", obs, act, {{"attention_map", "1:4-6,2:7-9"}}));
}

// every q value the agent computes over `trials` RedundantRelevantCue-v0 training trials (own actions)
std::vector<float> q_trace(const KeyValues& agent_opts, int seed, int trials) {
  const KeyValues env_opts = {{"fixation_reward", "0.2"}, {"abort_reward", "-0.2"}};
  auto env = make_env("RedundantRelevantCue-v0", env_opts);
  auto agent = make_agent("augment", env->observation_space(), env->action_space(), agent_opts,
                          mix_seed(static_cast<std::uint64_t>(seed), 7));
  std::vector<float> trace, obs;
  for (int t = 0; t < trials; ++t) {
    auto r0 = t == 0 ? env->reset(static_cast<std::uint64_t>(seed)) : env->reset();
    obs.assign(r0.obs.begin(), r0.obs.end());
    agent->begin_episode();
    for (bool done = false; !done;) {
      auto r = env->step(agent->act(obs));
      obs.assign(r.obs.begin(), r.obs.end());
      done = r.terminated || r.truncated;
      agent->observe(r.reward, obs, r.terminated, r.truncated);
      for (const auto& sig : agent->introspect())
        if (sig.name == "q") trace.insert(trace.end(), sig.values.begin(), sig.values.end());
    }
    agent->end_episode();
  }
  return trace;
}

TEST_CASE("augment: the un-gated control differs from the gated learner only in the attention gate on plasticity", "[augment_rrc]") {
  // gated: attention_map; control: the same map with attention_gate=false. The control keeps the
  // association-level gate FB_j (it is the published rule bit for bit: the map then changes no
  // synapse), while gate=false (FB_j = 1) is another learner
  const std::string map = "1:4-6,2:7-9";
  constexpr int kTrials = 300;
  const std::vector<float> gated = q_trace({{"attention_map", map}}, 3, kTrials);
  const std::vector<float> control = q_trace({{"attention_map", map}, {"attention_gate", "false"}}, 3, kTrials);
  const std::vector<float> published = q_trace({}, 3, kTrials);
  const std::vector<float> no_feedback = q_trace({{"gate", "false"}}, 3, kTrials);
  REQUIRE(control.size() > 1000);
  REQUIRE(control == published);
  REQUIRE(control != gated);
  REQUIRE(control != no_feedback);
  // the gate changes tags, not activity: the gated learner starts from the same network and
  // computes the same q (5 actions) until a gated tag has changed a weight
  std::size_t same = 0;
  while (same < gated.size() && same < control.size() && gated[same] == control[same]) ++same;
  REQUIRE(same >= 5);
}

TEST_CASE("augment: silent_location_synapses starts the mapped units' synapses at 0 and changes nothing else", "[augment_rrc]") {
  // 10 inputs, 5 actions, locations 4-6 and 7-9. q after two frames (a, then b), learning off: the
  // second frame's on and off transients reach the memory units, its values the regular units
  const Space obs = Space::box(0.0f, 1.0f, {10}), act = Space::discrete(5);
  const std::string map = "1:4-6,2:7-9";
  auto q_after = [&](const KeyValues& kv, const std::vector<float>& a, const std::vector<float>& b) {
    auto agent = make_agent("augment", obs, act, kv, 9);
    agent->set_training(false);
    agent->begin_episode();
    agent->act(a);
    agent->observe(0.0, b, false, false);
    for (const auto& sig : agent->introspect())
      if (sig.name == "q") return sig.values;
    FAIL("augment has no signal q");
    return std::vector<float>{};
  };
  const KeyValues silent = {{"attention_map", map}, {"silent_location_synapses", "true"}}, random = {{"attention_map", map}};
  // every input non-zero and every mapped one changed between x0 and x1 (so a column off by one shows)
  const std::vector<float> x0 = {1, 0.8f, 0.5f, 0.4f, 0.3f, 0.7f, 0.1f, 0.9f, 0.2f, 0.6f};
  std::vector<float> x1 = x0, bare = x0;
  for (int i = 4; i <= 9; ++i) {
    x1[static_cast<std::size_t>(i)] = 1.0f - x0[static_cast<std::size_t>(i)];
    bare[static_cast<std::size_t>(i)] = 0.0f;
  }
  // silenced: the mapped inputs, rising (on transients, values) or falling (off transients), reach no q
  CHECK(q_after(silent, bare, x0) == q_after(silent, bare, x1));
  CHECK(q_after(silent, x0, bare) == q_after(silent, bare, bare));
  CHECK(q_after(silent, x1, bare) == q_after(silent, bare, bare));
  CHECK(q_after(random, bare, x0) != q_after(random, bare, x1));
  CHECK(q_after(random, x0, bare) != q_after(random, bare, bare));
  // the rest as drawn: without the mapped inputs both networks compute the same q, and an unmapped
  // input still drives them
  CHECK(q_after(silent, bare, bare) == q_after(random, bare, bare));
  std::vector<float> x2 = bare;
  x2[2] = 0.9f;
  CHECK(q_after(silent, bare, x2) == q_after(random, bare, x2));
  CHECK(q_after(silent, bare, x2) != q_after(silent, bare, bare));
  REQUIRE_THROWS_WITH(make_agent("augment", obs, act, {{"silent_location_synapses", "true"}}), Catch::Contains("needs an attention_map"));
}

TEST_CASE("augment: attention_gate=false without an attention_map is refused", "[augment_rrc]") {
  const Space obs = Space::box(0.0f, 1.0f, {10}), act = Space::discrete(5);
  REQUIRE_THROWS_WITH(make_agent("augment", obs, act, {{"attention_gate", "false"}}), Catch::Contains("attention_gate = false needs an attention_map"));
}

TEST_CASE("augment: turning the attention gate off changes what is learned on RedundantRelevantCue", "[augment_rrc]") {
  // RedundantRelevantCue-v0 defaults (2 cues, 2 responses) with the unattended cue seen at gain 0.8;
  // gated = association gate + input attention gate; control = the same with the input gate off
  const std::string map = "1:4-6,2:7-9";
  const KeyValues gated = {{"attention_map", map}};
  const KeyValues ungated = {{"attention_map", map}, {"attention_gate", "false"}};
  constexpr int kSeeds = 6, kTrain = 10000, kTest = 200;
  double g_att = 0, g_un = 0, u_un = 0, g_train = 0, u_train = 0;
  for (int s = 1; s <= kSeeds; ++s) {
    const CueAccuracy g = single_cue_accuracy(gated, s, kTrain, kTest);
    const CueAccuracy u = single_cue_accuracy(ungated, s, kTrain, kTest);
    g_att += g.attended / kSeeds;
    g_un += g.unattended / kSeeds;
    u_un += u.unattended / kSeeds;
    g_train += g.training / kSeeds;
    u_train += u.training / kSeeds;
  }
  INFO("gated attended " << g_att << ", gated unattended " << g_un << ", control unattended " << u_un
                         << "; training accuracy gated " << g_train << ", control " << u_train);
  REQUIRE(g_att >= 0.9);
  // both learn the task (the old control, gate=false, did not: 0.46 in the median)
  REQUIRE(g_train >= 0.8);
  REQUIRE(u_train >= 0.8);
  REQUIRE(g_un < u_un - 0.2);
}
