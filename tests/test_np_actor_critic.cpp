// np-actor-critic: a hand-computed node-perturbation update on a 2-input, 2-unit network, and
// learning on BCINeurofeedback-v0 (its 64-unit population drives the cursor), measured with a fixed
// seed: accuracy rises, the P- units are down-regulated.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unistd.h>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "support.hpp"

using namespace sgym;

TEST_CASE("np-actor-critic: one node-perturbation update by hand on a 2-2 network", "[np_actor_critic]") {
  // phi = [x; 1] = (1, 0, 1); all weights 0, so mu = 0 (the centre of Box(-1, 1)), y = clip(xi);
  // terminal reward 1: delta = 1; W = alpha_W * delta * (xi / sigma^2) phi^T, v = alpha_v * delta * phi
  // (divided by |phi|^2 = 2 when normalized). Evaluation (no noise):
  // y = clip(W phi) = clip(alpha_W xi / sigma^2 |phi|^2 / norm), sigma = 0.5
  const bool normalized = GENERATE(false, true);
  const double norm = normalized ? 2.0 : 1.0;
  auto agent = make_agent("np-actor-critic", Space::box(0.0f, 1.0f, {2}), Space::box(-1.0f, 1.0f, {2}),
                          {{"alpha_actor", "0.3"}, {"alpha_critic", "0.1"}, {"lambda", "0"}, {"perturbation_sd", "0.5"},
                           {"normalise", normalized ? "true" : "false"}},
                          4);
  const std::vector<float> x = {1.0f, 0.0f};
  agent->begin_episode();
  const Action a = agent->act(x);
  REQUIRE(test::signal(*agent, "value") == 0.0f);
  const double xi0 = test::signal(*agent, "noise", 0), xi1 = test::signal(*agent, "noise", 1);
  REQUIRE(a.values[0] == Approx(std::clamp(xi0, -1.0, 1.0)));  // mu = 0, half-range 1
  REQUIRE(xi0 != 0.0);
  agent->observe(1.0, x, true, false);
  REQUIRE(test::signal(*agent, "rpe") == Approx(1.0));
  agent->set_training(false);
  agent->begin_episode();
  const Action b = agent->act(x);
  REQUIRE(test::signal(*agent, "noise", 0) == 0.0f);
  REQUIRE(b.values[0] == Approx(std::clamp(0.3 * xi0 / 0.25 * 2.0 / norm, -1.0, 1.0)));
  REQUIRE(b.values[1] == Approx(std::clamp(0.3 * xi1 / 0.25 * 2.0 / norm, -1.0, 1.0)));
  REQUIRE(test::signal(*agent, "value") == Approx(0.1 * 2.0 / norm));
}

namespace {
// The mean first update of the noiseless output, ⟨Δμ⟩ / α, over `n` fresh agents (seeds 1..n) that
// each act once on x = 0 (φ = [0; 1], |φ|² = 1, all weights 0, so μ = 0 in Box(-1, 1)) and receive
// reward(y) at a terminal step. With no critic (α_v = 0, δ = r) and no traces, node perturbation
// makes this an estimate of d E[reward] / dμ (Fiete & Seung 2006); `sd` is σ.
double mean_first_update(double sd, double (*reward)(double), int n) {
  const double alpha = 0.01;
  const std::vector<float> x = {0.0f};
  double sum = 0.0;
  for (int s = 1; s <= n; ++s) {
    auto agent = make_agent("np-actor-critic", Space::box(0.0f, 1.0f, {1}), Space::box(-1.0f, 1.0f, {1}),
                            {{"alpha_actor", format_number(alpha)}, {"alpha_critic", "0"}, {"lambda", "0"},
                             {"perturbation_sd", format_number(sd)}, {"normalise", "false"}},
                            static_cast<std::uint64_t>(s));
    agent->begin_episode();
    const double y = agent->act(x).values[0];
    agent->observe(reward(y), x, true, false);
    agent->set_training(false);
    agent->begin_episode();
    sum += agent->act(x).values[0] / alpha;
  }
  return sum / n;
}
}  // namespace

TEST_CASE("np-actor-critic: the mean update is the reward gradient (1/sigma^2, unclipped noise)", "[np_actor_critic]") {
  const int n = 20000;
  // r = −(y − 0.3)², no clipping at σ = 0.1: dE[r]/dμ = −2(μ − 0.3) = 0.6. Without the 1/σ² the
  // update is σ² = 0.01 times smaller.
  const double g_quadratic = mean_first_update(0.1, [](double y) { return -(y - 0.3) * (y - 0.3); }, n);
  INFO("quadratic reward: mean update " << g_quadratic << ", gradient 0.6");
  CHECK(g_quadratic == Approx(0.6).margin(0.03));
  // r = y, clipped to [-1, 1], σ = 1.5 (half the draws saturate): dE[clip(μ + ξ)]/dμ at μ = 0 is
  // P(|ξ| < 1) = erf(1 / (1.5 √2)) = 0.495. The noise measured after clipping gives
  // E[clip(ξ)²] / σ² instead (0.29; 0.66 without the 1/σ²).
  const double g_clipped = mean_first_update(1.5, [](double y) { return y; }, n);
  const double expected = std::erf(1.0 / (1.5 * std::sqrt(2.0)));
  INFO("clipped linear reward: mean update " << g_clipped << ", gradient " << expected);
  CHECK(g_clipped == Approx(expected).margin(0.02));
}

TEST_CASE("np-actor-critic: a bad option is a usage error naming it", "[np_actor_critic]") {
  REQUIRE_THROWS_AS(make_agent("np-actor-critic", Space::box(0.0f, 1.0f, {2}), Space::box(-1.0f, 1.0f, {2}),
                               {{"encoding", "tiles"}}),
                    UsageError);
  REQUIRE_THROWS_AS(make_agent("np-actor-critic", Space::box(0.0f, 1.0f, {2}), Space::box(-1.0f, 1.0f, {2}),
                               {{"perturbation_sd", "0"}}),
                    UsageError);
  REQUIRE_THROWS_AS(make_agent("np-actor-critic", Space::box(0.0f, 1.0f, {2}), Space::discrete(2)), UsageError);
}

TEST_CASE("np-actor-critic: rbf and random encodings learn the same one-step update", "[np_actor_critic]") {
  for (const char* enc : {"rbf", "random"}) {
    auto agent = make_agent("np-actor-critic", Space::box(0.0f, 1.0f, {2}), Space::box(-1.0f, 1.0f, {1}),
                            {{"encoding", enc}, {"n_features", "8"}, {"alpha_actor", "0.125"}, {"perturbation_sd", "0.5"}}, 9);
    const std::vector<float> x = {0.3f, 0.7f};
    // a target-following bandit: reward = -|y - 0.5|; the noiseless output moves towards 0.5
    agent->set_training(false);
    const double before = std::abs(agent->act(x).values[0] - 0.5);
    agent->set_training(true);
    for (int t = 0; t < 1000; ++t) {
      agent->begin_episode();
      const double y = agent->act(x).values[0];
      agent->observe(-std::abs(y - 0.5), x, true, false);
    }
    agent->set_training(false);
    const double after = std::abs(agent->act(x).values[0] - 0.5);
    INFO(enc << ": |y - 0.5| " << before << " -> " << after);
    REQUIRE(after < 0.5 * before);
  }
}

TEST_CASE("np-actor-critic: learns BCI neurofeedback; P- down-regulated, P+ not", "[np_actor_critic]") {
  auto env = make_env("BCINeurofeedback-v0");
  auto agent = make_agent("np-actor-critic", env->observation_space(), env->action_space(), {{"perturbation_sd", "0.8"}}, 1);
  const int trials = 300, block = 100;
  int success_first = 0, success_last = 0;
  double p_plus[2] = {0, 0}, p_minus[2] = {0, 0}, p0[2] = {0, 0};
  // the env's 40 baseline blocks (one episode each, outcome "baseline") come first; t counts task trials
  int t = -1;
  test::play(*env, *agent, trials + 40, 1, [&](int, const StepResult& r) {
    const auto o = r.info.string_or_empty("trial_outcome");
    if (o != "correct" && o != "wrong") return;
    ++t;
    if (t >= block && t < trials - block) return;
    const int k = t < block ? 0 : 1;
    (k == 0 ? success_first : success_last) += r.info.get_string("trial_outcome") == "correct";
    p_plus[k] += r.info.get_double("mean_p_plus") / block;
    p_minus[k] += r.info.get_double("mean_p_minus") / block;
    p0[k] += r.info.get_double("mean_p0") / block;
  });
  INFO("accuracy " << success_first << " -> " << success_last << " of " << block << "; P+ " << p_plus[0] << " -> "
                   << p_plus[1] << ", P- " << p_minus[0] << " -> " << p_minus[1] << ", P0 " << p0[0] << " -> " << p0[1]);
  REQUIRE(success_last > 0.9 * block);
  REQUIRE(success_last > success_first + 20);
  REQUIRE(p_minus[1] < p_minus[0] - 0.1);
  // P+ is not down-regulated (it rises here; the mice kept it), P0 stays where it was
  REQUIRE(p_plus[1] > p_plus[0] - 0.05);
  REQUIRE(std::abs(p0[1] - p0[0]) < 0.05);
}

TEST_CASE("np-actor-critic: save/load carries the random features to an agent built with another seed",
          "[np_actor_critic]") {
  const Space obs = Space::box(0.0f, 1.0f, {2}), act = Space::box(-1.0f, 1.0f, {2});
  const KeyValues kv = {{"encoding", "random"}, {"n_features", "16"}};
  auto a = make_agent("np-actor-critic", obs, act, kv, 1);
  const std::vector<float> x = {0.2f, 0.9f};
  for (int t = 0; t < 50; ++t) {
    a->begin_episode();
    const double y = a->act(x).values[0];
    a->observe(y, x, true, false);
  }
  const auto path = std::filesystem::temp_directory_path() / ("sgym-np-" + std::to_string(::getpid()) + ".sgym");
  a->save(path);
  auto b = make_agent("np-actor-critic", obs, act, kv, 2);
  b->load(path);
  std::filesystem::remove(path);
  a->set_training(false);
  b->set_training(false);
  REQUIRE(a->act(x).values == b->act(x).values);
  REQUIRE(test::signal(*a, "value") == test::signal(*b, "value"));
}
