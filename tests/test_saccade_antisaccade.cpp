// SaccadeAntisaccade-v0: the step timeline and rewards of the AuGMEnT benchmark, the oracle solves it
// from the observation, and the random agent scores the analytically computed chance level.
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

constexpr int kFix = 0, kLeft = 1, kRight = 2;

// outcome counts over `trials` trials played by `agent`
struct Step {
  std::vector<float> obs;
  double reward;
  bool terminated;
  std::string epoch, outcome;
  std::int64_t ground_truth;
};

Step step(Env& env, int a) {
  auto r = env.step(Action::discrete(a));
  return {{r.obs.begin(), r.obs.end()}, r.reward, r.terminated, r.info.get_string("epoch"),
          r.info.get_string("trial_outcome"), r.info.get_int("ground_truth")};
}

}  // namespace

TEST_CASE("SaccadeAntisaccade: the oracle is correct on >= 98 % of trials", "[saccade_antisaccade]") {
  const std::string per_episode = GENERATE(as<std::string>{}, "1", "7");
  auto env = make_env("SaccadeAntisaccade-v0", {{"trials_per_episode", per_episode}});
  auto oracle = make_agent("saccade-antisaccade-oracle", env->observation_space(), env->action_space());
  auto n = test::play_trials(*env, *oracle, 400, 5).outcome;
  const double acc = n["correct"] / 400.0;
  INFO("oracle accuracy " << acc);
  REQUIRE(acc >= 0.98);
}

TEST_CASE("SaccadeAntisaccade: the random agent scores the analytic chance level", "[saccade_antisaccade]") {
  // A uniform random agent picks fixate with p = 1/3 each step. The blank step is not judged.
  //   timeout while waiting: P_tw = (2/3)^10                      (no fixate in 10 steps)
  //   then it must fixate on hold, cue and 2 delay steps: (1/3)^4 = 1/81, else aborted
  //   at go each step saccades with p = 2/3, half of them to the correct side; no saccade in
  //   8 steps (p = (1/3)^8) is a timeout
  // P(correct) = (1 - (2/3)^10) · (1/81) · (1 - (1/3)^8) / 2 ≈ 0.00607
  // P(aborted) = (1 - (2/3)^10) · (80/81)                      ≈ 0.9706
  // P(timeout) = (2/3)^10 + (1 - (2/3)^10) · (1/81) · (1/3)^8  ≈ 0.01734
  const double reach = 1.0 - std::pow(2.0 / 3.0, 10);
  const double p_correct = reach / 81.0 * (1.0 - std::pow(1.0 / 3.0, 8)) / 2.0;
  const double p_aborted = reach * 80.0 / 81.0;
  const double p_timeout = std::pow(2.0 / 3.0, 10) + reach / 81.0 * std::pow(1.0 / 3.0, 8);
  REQUIRE(p_correct + p_aborted + p_timeout + p_correct == Approx(1.0));  // wrong = correct by symmetry

  auto env = make_env("SaccadeAntisaccade-v0");
  auto random = make_agent("random", env->observation_space(), env->action_space(), {}, 3);
  const int trials = 40000;
  auto n = test::play_trials(*env, *random, trials, 9).outcome;
  // each count within 5 binomial standard deviations of its expectation
  auto near = [&](const std::string& k, double p) {
    const double sd = std::sqrt(trials * p * (1 - p));
    INFO(k << ": " << n[k] << " of " << trials << ", expected " << trials * p);
    CHECK(std::abs(n[k] - trials * p) < 5 * sd);
  };
  near("correct", p_correct);
  near("wrong", p_correct);
  near("aborted", p_aborted);
  near("timeout", p_timeout);
}

TEST_CASE("SaccadeAntisaccade: timeline, observations and rewards of one trial", "[saccade_antisaccade]") {
  auto env = make_env("SaccadeAntisaccade-v0", {{"condition", "anti_left"}});
  auto r0 = env->reset(1);
  REQUIRE(r0.info.get_string("epoch") == "blank");
  REQUIRE(r0.info.get_string("condition") == "anti_left");
  REQUIRE(std::vector<float>(r0.obs.begin(), r0.obs.end()) == std::vector<float>{0, 0, 0, 0});
  // the blank step is not judged: a saccade here is harmless
  Step s = step(*env, kLeft);
  REQUIRE(s.epoch == "wait");
  REQUIRE(s.obs == std::vector<float>{0, 1, 0, 0});  // anti mark
  REQUIRE(s.ground_truth == kFix);
  // two steps without fixating, then fixation is acquired
  REQUIRE(step(*env, kRight).epoch == "wait");
  REQUIRE(step(*env, kLeft).epoch == "wait");
  s = step(*env, kFix);
  REQUIRE(s.epoch == "hold");
  REQUIRE(s.reward == 0.0);
  // holding one step earns the fixation reward, which arrives with the cue
  s = step(*env, kFix);
  REQUIRE(s.epoch == "cue");
  REQUIRE(s.reward == Approx(0.2));
  REQUIRE(s.obs == std::vector<float>{0, 1, 1, 0});
  s = step(*env, kFix);
  REQUIRE(s.epoch == "delay");
  REQUIRE(s.obs == std::vector<float>{0, 1, 0, 0});
  s = step(*env, kFix);
  REQUIRE(s.epoch == "delay");
  REQUIRE(s.reward == 0.0);
  s = step(*env, kFix);
  REQUIRE(s.epoch == "go");
  REQUIRE(s.obs == std::vector<float>{0, 0, 0, 0});
  REQUIRE(s.ground_truth == kRight);  // anti: away from the left cue
  REQUIRE(s.outcome.empty());
  // waiting at go is allowed; then the correct saccade
  REQUIRE(step(*env, kFix).epoch == "go");
  s = step(*env, kRight);
  REQUIRE(s.reward == Approx(1.5));
  REQUIRE(s.terminated);
  REQUIRE(s.outcome == "correct");
}

TEST_CASE("SaccadeAntisaccade: aborts, wrong saccades and timeouts", "[saccade_antisaccade]") {
  auto env = make_env("SaccadeAntisaccade-v0", {{"condition", "pro_right"}});
  SECTION("breaking fixation in the delay aborts with no reward") {
    env->reset(1);
    for (int a : {kFix, kFix, kFix, kFix}) step(*env, a);  // blank, acquire, hold (+0.2), cue
    Step s = step(*env, kRight);                            // first delay step
    REQUIRE(s.terminated);
    REQUIRE(s.outcome == "aborted");
    REQUIRE(s.reward == 0.0);
  }
  SECTION("the wrong side earns nothing") {
    env->reset(1);
    for (int i = 0; i < 6; ++i) step(*env, kFix);
    Step s = step(*env, kLeft);
    REQUIRE(s.outcome == "wrong");
    REQUIRE(s.reward == 0.0);
  }
  SECTION("no fixation within 10 steps is a timeout") {
    env->reset(1);
    step(*env, kLeft);  // blank
    for (int i = 0; i < 9; ++i) REQUIRE_FALSE(step(*env, kLeft).terminated);
    Step s = step(*env, kLeft);
    REQUIRE(s.terminated);
    REQUIRE(s.outcome == "timeout");
  }
  SECTION("no saccade within 8 go steps is a timeout") {
    env->reset(1);
    for (int i = 0; i < 6; ++i) step(*env, kFix);  // up to the go screen
    for (int i = 0; i < 7; ++i) REQUIRE_FALSE(step(*env, kFix).terminated);
    Step s = step(*env, kFix);
    REQUIRE(s.terminated);
    REQUIRE(s.outcome == "timeout");
    REQUIRE(env->spec().max_episode_steps == 23);
  }
}

TEST_CASE("SaccadeAntisaccade: shaping off, blocks of trials, fixed and random conditions", "[saccade_antisaccade]") {
  auto env = make_env("SaccadeAntisaccade-v0", {{"shaping", "false"}, {"condition", "pro_left"}});
  env->reset(1);
  double total = 0;
  for (int i = 0; i < 6; ++i) total += step(*env, kFix).reward;
  const Step s = step(*env, kLeft);
  REQUIRE(total == 0.0);
  REQUIRE(s.reward == Approx(1.5));

  // 5 trials per episode: 5 outcomes, the episode ends with the 5th; all four types appear
  auto block = make_env("SaccadeAntisaccade-v0", {{"trials_per_episode", "5"}});
  auto oracle = make_agent("saccade-antisaccade-oracle", block->observation_space(), block->action_space());
  std::map<std::string, int> conditions;
  for (int ep = 0; ep < 40; ++ep) {
    auto r0 = block->reset(ep == 0 ? std::optional<std::uint64_t>(2) : std::nullopt);
    std::vector<float> obs(r0.obs.begin(), r0.obs.end());
    oracle->begin_episode();
    int outcomes = 0;
    for (;;) {
      auto r = block->step(oracle->act(obs));
      obs.assign(r.obs.begin(), r.obs.end());
      if (!r.info.get_string("trial_outcome").empty()) {
        REQUIRE(r.info.get_int("trial") == outcomes);
        ++outcomes;
        ++conditions[r.info.get_string("condition")];
      }
      if (r.terminated || r.truncated) break;
    }
    REQUIRE(outcomes == 5);
  }
  REQUIRE(conditions.size() == 4);
  for (const auto& [k, v] : conditions) CHECK(v > 25);  // 200 trials, 50 expected each
}

TEST_CASE("SaccadeAntisaccade: option validation", "[saccade_antisaccade]") {
  REQUIRE_THROWS_WITH(make_env("SaccadeAntisaccade-v0", {{"cue_steps", "0"}}), Contains("cue_steps"));
  REQUIRE_THROWS_WITH(make_env("SaccadeAntisaccade-v0", {{"max_wait_steps", "0"}}), Contains("max_wait_steps"));
  REQUIRE_THROWS_WITH(make_env("SaccadeAntisaccade-v0", {{"condition", "pro_up"}}), Contains("pro_left|pro_right"));
  REQUIRE_THROWS_WITH(make_env("SaccadeAntisaccade-v0", {{"trials_per_episode", "0"}}), Contains("trials_per_episode"));
  REQUIRE_THROWS_AS(make_env("SaccadeAntisaccade-v0", {{"shaping", "maybe"}}), UsageError);
  auto env = make_env("SaccadeAntisaccade-v0", {{"delay_steps", "0"}, {"correct_reward", "3"}, {"wrong_reward", "-1"}});
  REQUIRE(env->spec().reward_min == -1.0);
  REQUIRE(env->spec().reward_max == 3.0);
  REQUIRE(env->spec().max_episode_steps == 21);
}
