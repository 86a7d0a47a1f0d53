// RedundantRelevantCue-v0: redundant training, single-cue and conflict test trials, detail only at
// the attended location (except a weak cue), the oracle near perfect and the random agent at the
// computed chance level.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "support.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

namespace {

// a step's results, copied (StepResult holds views)
struct Out {
  std::vector<float> obs;
  double reward;
  bool terminated;
  Info info;
};

Out step(Env& env, int action) {
  auto r = env.step(Action::discrete(action));
  return {{r.obs.begin(), r.obs.end()}, r.reward, r.terminated, r.info};
}

// features seen at location k (K cues, R responses)
std::vector<float> features(std::span<const float> obs, int K, int R, int k) {
  const auto base = static_cast<std::size_t>(K + 2 + k * (1 + R) + 1);
  return {obs.begin() + static_cast<long>(base), obs.begin() + static_cast<long>(base + static_cast<std::size_t>(R))};
}

}  // namespace

TEST_CASE("RedundantRelevantCue: the oracle is >= 98 % correct in training and test", "[redundant_relevant_cue]") {
  const KeyValues opts = GENERATE(KeyValues{}, KeyValues{{"schedule", "test"}, {"test_conditions", "single"}},
                                  KeyValues{{"n_cues", "3"}, {"n_responses", "4"}, {"noise_sd", "0.1"}},
                                  KeyValues{{"schedule", "test"}, {"weak_cue", "1"}});
  auto env = make_env("RedundantRelevantCue-v0", opts);
  auto oracle = make_agent("redundant-relevant-cue-oracle", env->observation_space(), env->action_space());
  const test::Tally c = test::play_trials(*env, *oracle, 400, 8);
  const int scored = c.outcome.at("correct") + (c.outcome.count("wrong") ? c.outcome.at("wrong") : 0) + (c.outcome.count("aborted") ? c.outcome.at("aborted") : 0) +
                     (c.outcome.count("timeout") ? c.outcome.at("timeout") : 0);
  INFO("correct " << c.outcome.at("correct") << " of " << scored);
  REQUIRE(scored > 0);
  REQUIRE(c.outcome.at("correct") >= 0.98 * scored);
}

TEST_CASE("RedundantRelevantCue: the random agent is at the computed chance level", "[redundant_relevant_cue]") {
  // Chance with the defaults: N = 1 + K + R = 5 actions drawn uniformly each step (dt 100 ms).
  //   fixation, F = 2 steps, each must be "centre":      (1/5)^2                     = 0.04
  //   attend, up to A = 5 steps; per step: wait 1/5, attend K/5 = 2/5, respond (abort) R/5 = 2/5:
  //     P(attend before abort or timeout) = (2/5) · (1 − (1/5)^5) / (1 − 1/5)      = 0.49984
  //   respond, up to W = 5 steps; per step: respond R/5 = 2/5, else wait:
  //     P(respond before timeout) = 1 − (3/5)^5                                    = 0.92224
  //   correct response: 1/R                                                        = 0.5
  // chance accuracy = 0.04 · 0.49984 · 0.92224 · 0.5 = 0.0092194 (aborts and timeouts count as errors)
  const double N = 5, F = 2, A = 5, W = 5, K = 2, R = 2;
  const double chance = std::pow(1 / N, F) * (K / N) * (1 - std::pow(1 / N, A)) / (1 - 1 / N) *
                        (1 - std::pow(1 - R / N, W)) / R;
  REQUIRE(chance == Approx(0.0092194).epsilon(1e-4));
  auto env = make_env("RedundantRelevantCue-v0");
  auto random = make_agent("random", env->observation_space(), env->action_space(), {}, 2);
  const int trials = 20000;
  const test::Tally c = test::play_trials(*env, *random, trials, 6);
  const double acc = c.outcome.at("correct") / static_cast<double>(trials);
  INFO("random accuracy " << acc << ", chance " << chance);
  REQUIRE(std::abs(acc - chance) < 4 * std::sqrt(chance * (1 - chance) / trials));
  REQUIRE(c.outcome.at("aborted") > c.outcome.at("correct"));
}

TEST_CASE("RedundantRelevantCue: timeline, detail at the attended cue only, rewards", "[redundant_relevant_cue]") {
  auto env = make_env("RedundantRelevantCue-v0", {{"fixation_reward", "0.1"}, {"abort_reward", "-1"}});
  auto r0 = env->reset(3);
  REQUIRE(r0.info.get_string("epoch") == "fixation");
  REQUIRE(r0.info.get_string("condition") == "redundant");
  REQUIRE(r0.obs[3] == 1.0f);  // fixation point
  REQUIRE(r0.obs[0] == 1.0f);  // gaze at the centre
  const int correct = static_cast<int>(r0.info.get_int("correct_response"));
  Out r = step(*env, 0);
  REQUIRE(r.reward == 0.0);
  REQUIRE(r.info.get_string("epoch") == "fixation");
  r = step(*env, 0);
  REQUIRE(r.reward == 0.1);
  REQUIRE(r.info.get_string("epoch") == "attend");
  REQUIRE(r.obs[3] == 0.0f);
  // both cues present, neither attended: by default each is seen at the unattended gain 0.8
  // (V4, McAdams & Maunsell 1999)
  REQUIRE(r.obs[4] == 1.0f);
  REQUIRE(r.obs[7] == 1.0f);
  std::vector<float> unattended = {0, 0};
  unattended[static_cast<std::size_t>(correct)] = 0.8f;
  REQUIRE(features(r.obs, 2, 2, 0) == unattended);
  REQUIRE(features(r.obs, 2, 2, 1) == unattended);
  r = step(*env, 0);  // waiting is allowed
  r = step(*env, 2);  // look at location 1
  REQUIRE(r.info.get_string("epoch") == "respond");
  REQUIRE(r.info.get_int("attended_cue") == 1);
  REQUIRE(r.obs[2] == 1.0f);
  auto seen = features(r.obs, 2, 2, 1);
  REQUIRE(seen[static_cast<std::size_t>(correct)] == 1.0f);
  REQUIRE(seen[static_cast<std::size_t>(1 - correct)] == 0.0f);
  REQUIRE(features(r.obs, 2, 2, 0) == unattended);
  REQUIRE(r.info.get_int("ground_truth") == 3 + correct);
  r = step(*env, 3 + correct);
  REQUIRE(r.terminated);
  REQUIRE(r.reward == 1.0);
  REQUIRE(r.info.get_string("trial_outcome") == "correct");
  REQUIRE(r.info.get_int("attended_cue") == 1);

  // a response before a cue is attended aborts
  env->reset(4);
  env->step(Action::discrete(0));
  env->step(Action::discrete(0));
  r = step(*env, 3);
  REQUIRE(r.info.get_string("trial_outcome") == "aborted");
  REQUIRE(r.reward == -1.0);
  // breaking fixation aborts
  env->reset(4);
  r = step(*env, 1);
  REQUIRE(r.info.get_string("trial_outcome") == "aborted");
  // no choice: timeout after 2 + 5 steps
  env->reset(4);
  int steps = 0;
  do { r = step(*env, 0); ++steps; } while (!r.terminated);
  REQUIRE(steps == 7);
  REQUIRE(r.info.get_string("trial_outcome") == "timeout");

  // peripheral acuity shows part of the unattended signal; a weak cue is seen unattended
  auto weak = make_env("RedundantRelevantCue-v0", {{"weak_cue", "1"}, {"weak_contrast", "0.2"}, {"peripheral_acuity", "0.3"}});
  auto w0 = weak->reset(5);
  const auto v = static_cast<std::size_t>(w0.info.get_int("correct_response"));
  weak->step(Action::discrete(0));
  auto w = weak->step(Action::discrete(0));
  REQUIRE(w.obs[7] == Approx(0.2f));                               // contrast of the weak cue
  REQUIRE(features(w.obs, 2, 2, 1)[v] == Approx(0.2f));             // seen without attention
  REQUIRE(features(w.obs, 2, 2, 0)[v] == Approx(0.3f));             // coarse view of the strong cue
}

TEST_CASE("RedundantRelevantCue: test blocks show single cues and conflicts", "[redundant_relevant_cue]") {
  auto env = make_env("RedundantRelevantCue-v0", {{"schedule", "train_then_test"}, {"train_trials", "50"}});
  auto oracle = make_agent("redundant-relevant-cue-oracle", env->observation_space(), env->action_space());
  test::Tally train = test::play_trials(*env, *oracle, 50, 1);
  REQUIRE(train.condition["redundant"] == 50);
  test::Tally probe = test::play_trials(*env, *oracle, 600, 1);  // reseeded: the schedule restarts
  REQUIRE(probe.condition["redundant"] == 50);
  // then 550 test trials: single_0, single_1 and conflict equally likely
  for (const char* c : {"single_0", "single_1", "conflict"}) {
    INFO(c << ": " << probe.condition[c]);
    REQUIRE(std::abs(probe.condition[c] - 550.0 / 3) < 4 * std::sqrt(550 * (1.0 / 3) * (2.0 / 3)));
  }
  REQUIRE(probe.outcome["conflict"] == probe.condition["conflict"]);

  // conflict trials: cues disagree, no reward without test feedback, the followed cue is reported
  auto conflict = make_env("RedundantRelevantCue-v0", {{"schedule", "test"}, {"test_conditions", "conflict"}});
  auto c0 = conflict->reset(2);
  REQUIRE(c0.info.get_string("condition") == "conflict");
  REQUIRE(c0.info.get_int("correct_response") == -1);
  const auto vals = std::get<std::vector<float>>(*c0.info.find("cue_values"));
  REQUIRE(vals[0] != vals[1]);
  conflict->step(Action::discrete(0));
  conflict->step(Action::discrete(0));
  conflict->step(Action::discrete(1));  // attend cue 0
  Out r = step(*conflict, 3 + static_cast<int>(vals[0]));
  REQUIRE(r.info.get_string("trial_outcome") == "conflict");
  REQUIRE(r.info.get_bool("followed_attended"));
  REQUIRE(r.reward == 0.0);

  // single-cue test trials: only one stimulus, unrewarded unless test_feedback
  for (const std::string fb : {"false", "true"}) {
    auto single = make_env("RedundantRelevantCue-v0", {{"schedule", "test"}, {"test_conditions", "single"}, {"test_feedback", fb}});
    auto s0 = single->reset(7);
    const std::string cond = s0.info.get_string("condition");
    const int k = cond == "single_0" ? 0 : 1;
    single->step(Action::discrete(0));
    Out s = step(*single, 0);
    REQUIRE(s.obs[static_cast<std::size_t>(4 + 3 * k)] == 1.0f);
    REQUIRE(s.obs[static_cast<std::size_t>(4 + 3 * (1 - k))] == 0.0f);
    const int v = static_cast<int>(s.info.get_int("correct_response"));
    single->step(Action::discrete(1 + k));
    s = step(*single, 3 + v);
    REQUIRE(s.info.get_string("trial_outcome") == "correct");
    REQUIRE(s.reward == (fb == "true" ? 1.0 : 0.0));
  }
}

TEST_CASE("RedundantRelevantCue: options are validated", "[redundant_relevant_cue]") {
  REQUIRE_THROWS_WITH(make_env("RedundantRelevantCue-v0", {{"weak_cue", "2"}}), Contains("weak_cue = 2"));
  REQUIRE_THROWS_WITH(make_env("RedundantRelevantCue-v0", {{"n_responses", "1"}}), Contains("n_responses"));
  REQUIRE_THROWS_WITH(make_env("RedundantRelevantCue-v0", {{"attend_ms", "150"}}), Contains("not a whole number"));
  REQUIRE_THROWS_WITH(make_env("RedundantRelevantCue-v0", {{"schedule", "block"}}), Contains("train|test|train_then_test"));
  REQUIRE_THROWS_WITH(make_env("RedundantRelevantCue-v0", {{"n_cues", "1"}, {"schedule", "test"}, {"test_conditions", "conflict"}}),
                      Contains("n_cues >= 2"));
  auto noisy = make_env("RedundantRelevantCue-v0", {{"noise_sd", "0.1"}});
  REQUIRE(!noisy->observation_space().bounded());
  auto env = make_env("RedundantRelevantCue-v0", {{"trials_per_episode", "5"}});
  auto oracle = make_agent("redundant-relevant-cue-oracle", env->observation_space(), env->action_space());
  REQUIRE(test::play_trials(*env, *oracle, 3, 1).outcome.at("correct") == 15);
}
