// OrientationDiscrimination-v0: timeline, locations and rewards, the 2-down/1-up staircase and its
// threshold, the oracle solves supra-threshold offsets from the observation, random is at chance.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <map>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

namespace {

constexpr int kFix = 0, kCw = 1, kAcw = 2;

// plays `trials` trials; `policy(obs, info)` picks the action; returns outcome counts and the
// correct flags of scored reports in order
struct Played {
  std::map<std::string, int> n;
  std::vector<int> correct;
  double last_threshold = 0;
};

template <class Policy>
Played play(Env& env, Policy policy, int trials, std::uint64_t seed, Agent* agent = nullptr) {
  Played p;
  int done = 0;
  bool first = true;
  while (done < trials) {
    auto r0 = env.reset(first ? std::optional<std::uint64_t>(seed) : std::nullopt);
    first = false;
    if (agent) agent->begin_episode();
    std::vector<float> obs(r0.obs.begin(), r0.obs.end());
    int gt = static_cast<int>(r0.info.get_int("ground_truth"));
    for (;;) {
      auto r = env.step(Action::discrete(policy(obs, gt)));
      obs.assign(r.obs.begin(), r.obs.end());
      gt = static_cast<int>(r.info.get_int("ground_truth"));
      const std::string& o = r.info.get_string("trial_outcome");
      if (!o.empty()) {
        ++p.n[o];
        ++done;
        if (o == "correct" || o == "wrong") p.correct.push_back(o == "correct");
        p.last_threshold = r.info.get_double("threshold_deg");
      }
      if (r.terminated || r.truncated) break;
    }
  }
  return p;
}

Played play_agent(Env& env, Agent& agent, int trials, std::uint64_t seed) {
  return play(env, [&](const std::vector<float>& obs, int) { return static_cast<int>(agent.act(obs).index); }, trials, seed, &agent);
}

double mean(const std::vector<int>& v, std::size_t from) {
  double s = 0;
  for (std::size_t i = from; i < v.size(); ++i) s += v[i];
  return s / static_cast<double>(v.size() - from);
}

}  // namespace

TEST_CASE("OrientationDiscrimination: the oracle is correct on >= 98 % of supra-threshold trials", "[orientation_discrimination]") {
  // constant stimuli 2°, 3.6°, 6.3°, 11.2°, 20° (log-spaced); with the default noise the oracle's
  // own threshold is well below 2° (next test case), so every level is supra-threshold
  const std::string per_episode = GENERATE(as<std::string>{}, "1", "4");
  auto env = make_env("OrientationDiscrimination-v0", {{"offset_mode", "list"}, {"min_offset_deg", "2"}, {"trials_per_episode", per_episode}});
  auto oracle = make_agent("orientation-discrimination-oracle", env->observation_space(), env->action_space());
  auto p = play_agent(*env, *oracle, 400, 3);
  const double acc = p.n["correct"] / 400.0;
  INFO("oracle accuracy " << acc);
  REQUIRE(acc >= 0.98);

  // near-threshold offsets are hard even for the oracle: this is a threshold task
  auto hard = make_env("OrientationDiscrimination-v0", {{"offset_mode", "list"}, {"min_offset_deg", "0.1"}, {"max_offset_deg", "0.1"}, {"n_list_levels", "1"}});
  auto q = play_agent(*hard, *oracle, 400, 4);
  INFO("oracle accuracy at 0.1°: " << q.n["correct"] / 400.0);
  REQUIRE(q.n["correct"] < 0.8 * 400);
  REQUIRE(q.n["correct"] > 0.45 * 400);
}

TEST_CASE("OrientationDiscrimination: the staircase converges to the oracle's 70.7 % threshold", "[orientation_discrimination]") {
  auto env = make_env("OrientationDiscrimination-v0");
  auto oracle = make_agent("orientation-discrimination-oracle", env->observation_space(), env->action_space());
  auto p = play_agent(*env, *oracle, 800, 5);
  const double late = mean(p.correct, 300);
  INFO("accuracy over trials 300-800: " << late << ", threshold " << p.last_threshold << "°");
  // 2-down/1-up tracks 70.7 % correct (Levitt 1971); 500 trials give a sd of about 2 %
  REQUIRE(late > 0.62);
  REQUIRE(late < 0.80);
  REQUIRE(p.last_threshold < 2.0);
  REQUIRE(p.last_threshold > 0.1);

  // more input noise, higher threshold
  auto noisy = make_env("OrientationDiscrimination-v0", {{"noise_sd", "0.4"}});
  auto p2 = play_agent(*noisy, *oracle, 800, 5);
  INFO("threshold with noise_sd 0.4: " << p2.last_threshold << "°");
  REQUIRE(p2.last_threshold > 2.0 * p.last_threshold);
}

TEST_CASE("OrientationDiscrimination: staircase steps and reversals", "[orientation_discrimination]") {
  auto env = make_env("OrientationDiscrimination-v0");
  // report by a script: correct, correct (10 -> 8), wrong (reversal at 8; 8 -> 10), correct,
  // correct (reversal at 10; 10 -> 8)
  const std::vector<bool> script = {true, true, false, true, true};
  const std::vector<double> offset_before = {10, 10, 8, 10, 10};
  for (std::size_t k = 0; k < script.size(); ++k) {
    auto r0 = env->reset(k == 0 ? std::optional<std::uint64_t>(1) : std::nullopt);
    REQUIRE(r0.info.get_double("offset_deg") == Approx(offset_before[k]));
    for (int t = 0; t < 16; ++t) env->step(Action::discrete(kFix));
    const int right = r0.info.get_string("condition") == "anticlockwise" ? kAcw : kCw;
    auto r = env->step(Action::discrete(script[k] ? right : (right == kCw ? kAcw : kCw)));
    REQUIRE(r.info.get_string("trial_outcome") == (script[k] ? "correct" : "wrong"));
  }
  auto r = env->reset();
  REQUIRE(r.info.get_double("offset_deg") == Approx(8.0));
  REQUIRE(r.info.get_int("reversals") == 2);
  REQUIRE(r.info.get_double("threshold_deg") == Approx(std::sqrt(8.0 * 10.0)));
  // a reseed restarts the staircase
  REQUIRE(env->reset(1).info.get_double("offset_deg") == Approx(10.0));
}

TEST_CASE("OrientationDiscrimination: the random agent is at the analytic chance level", "[orientation_discrimination]") {
  // Default timing at dt 50 ms: fixation 6 + stimulus 10 = 16 steps of required fixation, then a
  // 10-step report window. A uniform random agent fixates with p = 1/3 per step:
  //   P(correct) = (1/3)^16 · (1 − (1/3)^10) / 2 ≈ 1.2e-8, i.e. 0; every trial aborts (−0.1).
  auto env = make_env("OrientationDiscrimination-v0");
  auto random = make_agent("random", env->observation_space(), env->action_space(), {}, 3);
  auto p = play_agent(*env, *random, 2000, 8);
  REQUIRE(p.n["aborted"] == 2000);
  // given fixation until the report, a random report is correct with p = (1 − (1/3)^10) / 2 ≈ 1/2
  Rng rng(21);
  auto list = make_env("OrientationDiscrimination-v0", {{"offset_mode", "list"}});
  auto q = play(*list, [&](const std::vector<float>& obs, int) { return obs[0] > 0.5f ? kFix : static_cast<int>(rng.below(3)); }, 4000, 9);
  const double pc = (1.0 - std::pow(1.0 / 3.0, 10)) / 2.0;
  INFO("correct " << q.n["correct"] << " of 4000");
  REQUIRE(std::abs(q.n["correct"] - 4000 * pc) < 5 * std::sqrt(4000 * pc * (1 - pc)));
}

TEST_CASE("OrientationDiscrimination: timeline, locations and rewards", "[orientation_discrimination]") {
  auto env = make_env("OrientationDiscrimination-v0", {{"noise_sd", "0"}});
  REQUIRE(env->observation_space().flat_size() == 33);
  auto r0 = env->reset(2);
  const double orientation = r0.info.get_double("orientation_deg");
  const double distractor = r0.info.get_double("distractor_deg");
  REQUIRE(std::abs(orientation - 45.0) == Approx(10.0));
  const int right = static_cast<int>(orientation > 45.0 ? kAcw : kCw);
  REQUIRE(r0.info.get_string("condition") == (right == kAcw ? "anticlockwise" : "clockwise"));
  std::vector<std::string> epochs = {r0.info.get_string("epoch")};
  std::vector<std::vector<float>> obs = {{r0.obs.begin(), r0.obs.end()}};
  for (int t = 1; t < 26; ++t) {
    auto r = env->step(Action::discrete(kFix));
    REQUIRE_FALSE(r.terminated);
    epochs.push_back(r.info.get_string("epoch"));
    obs.emplace_back(r.obs.begin(), r.obs.end());
    REQUIRE(r.info.get_int("ground_truth") == (epochs.back() == "response" ? right : kFix));
  }
  REQUIRE(std::count(epochs.begin(), epochs.end(), "fixation") == 6);
  REQUIRE(std::count(epochs.begin(), epochs.end(), "stimulus") == 10);
  REQUIRE(std::count(epochs.begin(), epochs.end(), "response") == 10);
  // the trained location's most active unit prefers the orientation nearest the grating's;
  // the other location shows the distractor
  auto argmax = [](const std::vector<float>& o, int from) {
    return static_cast<int>(std::max_element(o.begin() + from, o.begin() + from + 16) - (o.begin() + from));
  };
  auto nearest_unit = [](double deg) { return static_cast<int>(std::lround(deg / 11.25)) % 16; };
  for (int t = 0; t < 26; ++t) {
    INFO("t = " << t);
    REQUIRE(obs[t][0] == (t < 16 ? 1.0f : 0.0f));
    if (epochs[t] == "stimulus") {
      REQUIRE(argmax(obs[t], 1) == nearest_unit(orientation));
      REQUIRE(argmax(obs[t], 17) == nearest_unit(distractor));
    } else {
      REQUIRE(*std::max_element(obs[t].begin() + 1, obs[t].end()) == 0.0f);
    }
  }
  auto end = env->step(Action::discrete(kFix));
  REQUIRE(end.terminated);
  REQUIRE(end.info.get_string("trial_outcome") == "timeout");
  REQUIRE(end.reward == 0.0);

  // transfer test: the grating at the untrained location, the distractor at the trained one
  auto transfer = make_env("OrientationDiscrimination-v0", {{"noise_sd", "0"}, {"target_location", "untrained"}, {"distractor", "false"}});
  auto t0 = transfer->reset(2);
  for (int t = 0; t < 6; ++t) transfer->step(Action::discrete(kFix));
  auto s = transfer->step(Action::discrete(kFix));
  REQUIRE(s.info.get_string("epoch") == "stimulus");
  REQUIRE(*std::max_element(s.obs.begin() + 1, s.obs.begin() + 17) == 0.0f);
  REQUIRE(argmax({s.obs.begin(), s.obs.end()}, 17) == nearest_unit(t0.info.get_double("orientation_deg")));

  // rewards: correct 1, wrong 0, breaking fixation -0.1 (aborted)
  for (int which = 0; which < 3; ++which) {
    auto q = env->reset(7);
    const int good = q.info.get_string("condition") == "anticlockwise" ? kAcw : kCw;
    for (int t = 0; t < (which == 2 ? 8 : 16); ++t) env->step(Action::discrete(kFix));
    auto r = env->step(Action::discrete(which == 0 ? good : which == 1 ? (good == kCw ? kAcw : kCw) : kCw));
    REQUIRE(r.terminated);
    REQUIRE(r.info.get_string("trial_outcome") == std::vector<std::string>{"correct", "wrong", "aborted"}[which]);
    REQUIRE(r.reward == Approx(std::vector<double>{1.0, 0.0, -0.1}[which]));
  }
}

TEST_CASE("OrientationDiscrimination: option validation", "[orientation_discrimination]") {
  REQUIRE_THROWS_WITH(make_env("OrientationDiscrimination-v0", {{"stimulus_ms", "520"}}), Contains("stimulus_ms = 520 ms"));
  REQUIRE_THROWS_WITH(make_env("OrientationDiscrimination-v0", {{"min_offset_deg", "5"}, {"max_offset_deg", "2"}}), Contains("min_offset_deg"));
  REQUIRE_THROWS_WITH(make_env("OrientationDiscrimination-v0", {{"initial_offset_deg", "30"}}), Contains("initial_offset_deg = 30"));
  REQUIRE_THROWS_WITH(make_env("OrientationDiscrimination-v0", {{"offset_mode", "adaptive"}}), Contains("staircase|list"));
  REQUIRE_THROWS_WITH(make_env("OrientationDiscrimination-v0", {{"max_offset_deg", "90"}}), Contains("max_offset_deg"));
  REQUIRE_THROWS_WITH(make_env("OrientationDiscrimination-v0", {{"response_ms", "0"}}), Contains("response_ms"));
  auto env = make_env("OrientationDiscrimination-v0", {{"trials_per_episode", "2"}, {"wrong_reward", "-0.5"}});
  REQUIRE(env->spec().max_episode_steps == 52);
  REQUIRE(env->spec().reward_min == -0.5);
}
