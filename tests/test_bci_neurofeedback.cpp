// BCINeurofeedback-v0: the trial structure of Francioni et al. 2026 (28 s to reach 90°, reward 1 s
// later, 2 s grating + 1 s black after success, 3 s black after failure, 15 Hz), the linear P+/P−
// cursor over 7 bins, the probing oracle near perfect and the random agent at the computed chance.
#include <catch2/catch.hpp>
#include <cmath>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "support.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

namespace {

struct Tally {
  int trials = 0, correct = 0;
  double time_to_target_s = 0;  // summed over successes
};

Tally run_trials(Env& env, Agent& agent, int trials, std::uint64_t seed) {
  Tally t;
  test::play(env, agent, trials, seed, [&](int, const StepResult& r) {
    const auto o = r.info.string_or_empty("trial_outcome");
    if (o.empty()) return;
    ++t.trials;
    if (o == "correct") { ++t.correct; t.time_to_target_s += r.info.get_double("time_to_target_s"); }
  });
  return t;
}

// a step's results, copied (StepResult holds views)
struct Out {
  std::vector<float> obs;
  double reward;
  bool terminated;
  Info info;
};

Out step(Env& env, const Action& a) {
  auto r = env.step(a);
  return {{r.obs.begin(), r.obs.end()}, r.reward, r.terminated, r.info};
}

// CDF of the Irwin-Hall distribution: the sum of n independent U(0, 1)
double irwin_hall_cdf(double x, int n) {
  double s = 0, fact = 1;
  for (int k = 1; k <= n; ++k) fact *= k;
  for (int k = 0; k <= static_cast<int>(std::floor(x)) && k <= n; ++k) {
    double binom = 1;
    for (int j = 1; j <= k; ++j) binom = binom * (n - k + j) / j;
    s += (k % 2 ? -1 : 1) * binom * std::pow(x - k, n);
  }
  return s / fact;
}

// Chance of a uniform-random agent (every unit U(0, 1) on every frame, independently). With m units
// in P+ and m in P−, c = (S+ − S−)/m where S± are sums of m uniforms; S+ + (m − S−) is a sum of 2m
// uniforms (Irwin-Hall), so P(c ≥ c*) = P(IH_2m ≤ m − m·c*). The target bin 6 needs
// floor(baseline + gain·c) ≥ 6, i.e. c ≥ c* = (6 − baseline)/gain; a trial succeeds if any of its
// `frames` control frames does: chance = 1 − (1 − p)^frames.
double chance(int m, double baseline, double gain, int frames) {
  const double c_star = (6.0 - baseline) / gain;
  const double p = irwin_hall_cdf(m - m * c_star, 2 * m);
  return 1.0 - std::pow(1.0 - p, frames);
}

}  // namespace

TEST_CASE("BCINeurofeedback: the probing oracle is >= 98 % correct", "[bci]") {
  const KeyValues opts = GENERATE(KeyValues{}, KeyValues{{"noise_sd", "0.05"}, {"trials_per_episode", "4"}},
                                  KeyValues{{"units", "128"}, {"p_plus", "4"}, {"p_minus", "4"}});
  auto env = make_env("BCINeurofeedback-v0", opts);
  auto oracle = make_agent("bci-neurofeedback-oracle", env->observation_space(), env->action_space());
  const Tally t = run_trials(*env, *oracle, 100, 3);
  INFO("correct " << t.correct << " of " << t.trials << ", mean time to target " << t.time_to_target_s / std::max(1, t.correct) << " s");
  REQUIRE(t.trials >= 100);
  REQUIRE(t.correct >= 0.98 * t.trials);
  // it needs N + 1 probe frames, then one frame to reach 90 deg: (N + 2) / 15 s
  const int n = static_cast<int>(env->action_space().flat_size());
  REQUIRE(t.time_to_target_s / t.correct == Approx((n + 2) / 15.0).margin(0.1));
}

TEST_CASE("BCINeurofeedback: the random agent is at the computed chance level", "[bci]") {
  // defaults: m = 5, baseline 3.5, gain 3.5: c* = 5/7, p = IH_10 CDF at 10/7 = 9.755e-6 per frame,
  // chance = 1 − (1 − p)^420 = 0.0041 (measured below over 2000 trials)
  const double p0 = chance(5, 3.5, 3.5, 420);
  REQUIRE(p0 == Approx(0.004089).epsilon(1e-3));
  auto env = make_env("BCINeurofeedback-v0");
  auto random = make_agent("random", env->observation_space(), env->action_space(), {}, 1);
  const Tally t = run_trials(*env, *random, 2000, 4);
  const double acc = static_cast<double>(t.correct) / t.trials;
  INFO("random accuracy " << acc << ", chance " << p0);
  REQUIRE(std::abs(acc - p0) < 4 * std::sqrt(p0 * (1 - p0) / t.trials));

  // a steeper mapping makes chance large enough to test the formula tightly: gain 5 -> 0.645
  auto steep = make_env("BCINeurofeedback-v0", {{"gain", "5"}});
  const double p1 = chance(5, 3.5, 5.0, 420);
  REQUIRE(p1 == Approx(0.645).margin(0.001));
  auto random2 = make_agent("random", steep->observation_space(), steep->action_space(), {}, 2);
  const Tally t1 = run_trials(*steep, *random2, 600, 5);
  const double acc1 = static_cast<double>(t1.correct) / t1.trials;
  INFO("random accuracy with gain 5: " << acc1 << ", chance " << p1);
  REQUIRE(std::abs(acc1 - p1) < 4 * std::sqrt(p1 * (1 - p1) / t1.trials));
}

TEST_CASE("BCINeurofeedback: cursor mapping, trial timeline and per-trial info", "[bci]") {
  auto env = make_env("BCINeurofeedback-v0", {{"trials_per_episode", "2"}});
  auto r0 = env->reset(11);
  const auto roles = std::get<std::vector<float>>(*r0.info.find("unit_roles"));
  int np = 0, nm = 0;
  for (float r : roles) { np += r > 0; nm += r < 0; }
  REQUIRE(np == 5);
  REQUIRE(nm == 5);
  REQUIRE(r0.info.get_string("epoch") == "control");
  REQUIRE(r0.info.get_double("angle_deg") == 45.0);  // c = 0 at baseline 3.5: bin 3
  auto act = [&](auto pick) {
    Action a = Action::box(std::vector<float>(64, 0.0f));
    for (std::size_t i = 0; i < 64; ++i) a.values[i] = pick(roles[i]) ? 1.0f : 0.0f;
    return a;
  };
  // one P+ unit: c = 0.2, bin floor(3.5 + 0.7) = 4 (60 deg); one P- unit: bin 2 (30 deg)
  Action one_plus = act([](float) { return false; }), one_minus = one_plus;
  for (std::size_t i = 0; i < 64; ++i) if (roles[i] > 0) { one_plus.values[i] = 1.0f; break; }
  for (std::size_t i = 0; i < 64; ++i) if (roles[i] < 0) { one_minus.values[i] = 1.0f; break; }
  Out r = step(*env, one_plus);
  REQUIRE(r.info.get_double("cursor") == Approx(0.2));
  REQUIRE(r.info.get_double("angle_deg") == 60.0);
  // the grating population peaks at the unit preferring 60 deg (12 units, 15 deg apart)
  REQUIRE(std::max_element(r.obs.begin(), r.obs.begin() + 12) - r.obs.begin() == 4);
  r = step(*env, one_minus);
  REQUIRE(r.info.get_double("angle_deg") == 30.0);

  // success on frame 3: 90 deg grating for 2 s (30 frames), reward 1 s (15 frames) after, 1 s black
  r = step(*env, act([](float x) { return x > 0; }));
  REQUIRE(r.info.get_double("angle_deg") == 90.0);
  REQUIRE(r.info.get_string("epoch") == "target");
  REQUIRE(r.info.get_double("time_to_target_s") == Approx(3 / 15.0));
  REQUIRE(r.info.get_double("mean_p_plus") == Approx((0.2 + 0 + 1) / 3));
  REQUIRE(r.info.get_double("mean_p_minus") == Approx((0 + 0.2 + 0) / 3));
  REQUIRE(r.info.get_double("mean_p0") == Approx(0.0));
  int frame = 3;
  double total = 0;
  for (;;) {
    r = step(*env, act([](float) { return true; }));  // ignored outside the control epoch
    ++frame;
    total += r.reward;
    const float black = r.obs[13], reward_flag = r.obs[12];
    REQUIRE(r.info.get_string("epoch") == (frame < 33 ? "target" : "black"));
    REQUIRE(black == (frame < 33 ? 0.0f : 1.0f));
    REQUIRE(reward_flag == (frame == 18 ? 1.0f : 0.0f));
    REQUIRE(r.reward == (frame == 18 ? 1.0 : 0.0));
    if (frame < 47) { REQUIRE(r.info.get_string("trial_outcome").empty()); continue; }
    REQUIRE(frame == 47);  // 3 + 30 + 15 - 1: the last black frame
    REQUIRE(r.info.get_string("trial_outcome") == "correct");
    REQUIRE(r.info.get_bool("success"));
    REQUIRE(!r.terminated);
    REQUIRE(r.info.get_double("rewards_per_minute") == Approx(1.0 / (47 / 15.0 / 60.0)));
    break;
  }
  REQUIRE(total == 1.0);

  // the next step starts the second trial (index 1); silence keeps the grating at 45 deg: failure after 28 s (420
  // frames), then 3 s (45 frames) of black
  r = step(*env, act([](float) { return false; }));
  REQUIRE(r.info.get_int("trial") == 1);
  REQUIRE(r.info.get_string("epoch") == "control");
  REQUIRE(r.obs[13] == 0.0f);
  frame = 0;
  for (;;) {
    r = step(*env, act([](float) { return false; }));
    ++frame;
    REQUIRE(r.reward == 0.0);
    REQUIRE(r.info.get_string("epoch") == (frame <= 420 ? "control" : "black"));
    if (r.terminated) break;
  }
  REQUIRE(frame == 465);
  REQUIRE(r.info.get_string("trial_outcome") == "timeout");
  REQUIRE(!r.info.get_bool("success"));
  REQUIRE(r.info.get_double("time_to_target_s") == -1.0);
}

TEST_CASE("BCINeurofeedback: spec and options", "[bci]") {
  auto env = make_env("BCINeurofeedback-v0");
  REQUIRE(env->spec().dt_ms == Approx(1000.0 / 15));
  REQUIRE(env->action_space().flat_size() == 64);
  REQUIRE(env->action_space().low()[0] == 0.0f);
  REQUIRE(env->action_space().high()[0] == 1.0f);
  REQUIRE(env->observation_space().flat_size() == 14);
  REQUIRE_THROWS_WITH(make_env("BCINeurofeedback-v0", {{"units", "8"}}), Contains("p_plus + p_minus = 10"));
  REQUIRE_THROWS_WITH(make_env("BCINeurofeedback-v0", {{"trial_ms", "1010"}}), Contains("not a whole number"));
  REQUIRE_THROWS_WITH(make_env("BCINeurofeedback-v0", {{"reward_delay_ms", "3000"}}), Contains("reward_delay_ms = 3000"));
  REQUIRE_THROWS_WITH(make_env("BCINeurofeedback-v0", {{"baseline", "6"}}), Contains("baseline = 6"));
  REQUIRE_THROWS_WITH(make_env("BCINeurofeedback-v0", {{"p_plus", "0"}}), Contains("p_plus"));
  // the units are drawn by the seed and kept over reset() without a seed
  auto a = make_env("BCINeurofeedback-v0");
  const auto r1 = std::get<std::vector<float>>(*a->reset(1).info.find("unit_roles"));
  const auto r1b = std::get<std::vector<float>>(*a->reset().info.find("unit_roles"));
  const auto r2 = std::get<std::vector<float>>(*a->reset(2).info.find("unit_roles"));
  REQUIRE(r1 == r1b);
  REQUIRE(r1 != r2);
}
