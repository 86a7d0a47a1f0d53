// td-actor-critic: a hand-computed update on a 2-input, 2-action network, and learning checks
// (Pavlovian RPE transfer; redundant-relevant-cue choices above chance), measured with fixed seeds.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "learning/timing.hpp"
#include "sgym/error.hpp"
#include "support.hpp"

using namespace sgym;

namespace {

// fraction of `trials` scored correct (aborts and timeouts count as errors) over the last `window`
double train_accuracy(Env& env, Agent& agent, int trials, int window, std::uint64_t seed) {
  return test::play_trials(env, agent, trials, seed, trials - window).accuracy();
}

}  // namespace

TEST_CASE("td-actor-critic: one update by hand on a 2-input, 2-action network", "[td_actor_critic]") {
  const Space obs = Space::box(0.0f, 1.0f, {2});
  const Space act = Space::discrete(2);
  const double ac = 0.1, aa = 0.2, g = 0.9, lam = 0.5, tau = 0.5;
  const KeyValues kv = {{"alpha_critic", "0.1"}, {"alpha_actor", "0.2"}, {"gamma", "0.9"}, {"lambda", "0.5"},
                        {"temperature", "0.5"}, {"bias", "false"}};
  auto agent = make_agent("td-actor-critic", obs, act, kv, 7);
  const std::vector<float> x1 = {1.0f, 0.0f}, x2 = {0.0f, 1.0f};
  agent->begin_episode();
  // step 1: all weights 0, so V = 0, pi = (0.5, 0.5), delta = 0 + g * 0 - 0 = 0: nothing changes
  const auto a1 = agent->act(x1).index;
  REQUIRE(test::signal(*agent, "action_probs", 0) == Approx(0.5));
  agent->observe(0.0, x2, false, false);
  REQUIRE(test::signal(*agent, "rpe") == 0.0);
  // step 2: reward 1 at the end: delta = 1 - V(x2) = 1; traces e_v = g*lam*x1 + x2,
  // E = g*lam*(onehot(a1) - 0.5) x1^T / tau + (onehot(a2) - 0.5) x2^T / tau (the softmax score)
  const auto a2 = agent->act(x2).index;
  agent->observe(1.0, x1, true, false);
  REQUIRE(test::signal(*agent, "rpe") == Approx(1.0));
  // critic: v = ac * (g*lam, 1)
  agent->act(x1);
  REQUIRE(test::signal(*agent, "value") == Approx(ac * g * lam));
  // actor: theta[b] = aa * (g*lam * G1[b] (x1 row) + G2[b] (x2 row)), G = d log pi(a) / d theta[b] at
  // theta = 0, taken here by central finite differences of log softmax(theta / tau) (= (1[b == a] - 0.5) / tau)
  const auto dlogpi = [&](bool chosen) {
    const auto logp = [&](double th) { return -std::log1p(std::exp(-th / tau)); };  // log pi(a), pref(a) - pref(b) = th
    const double h = 1e-6, d = (logp(h) - logp(-h)) / (2 * h);                        // d/d theta[a]
    return chosen ? d : -d;
  };
  const double d1 = aa * g * lam * (dlogpi(true) - dlogpi(false));  // pref(a1) - pref(other) at x1
  const double p_a1 = 1.0 / (1.0 + std::exp(-d1 / tau));
  INFO("finite-difference d log pi / d theta_a = " << dlogpi(true) << " (1/(2 tau) = " << 0.5 / tau << ")");
  REQUIRE(test::signal(*agent, "action_probs", static_cast<std::size_t>(a1)) == Approx(p_a1));
  agent->act(x2);
  REQUIRE(test::signal(*agent, "value") == Approx(ac * 1.0));
  const double p_a2 = 1.0 / (1.0 + std::exp(-aa * (dlogpi(true) - dlogpi(false)) / tau));
  REQUIRE(test::signal(*agent, "action_probs", static_cast<std::size_t>(a2)) == Approx(p_a2));
}

TEST_CASE("td-actor-critic: the three-factor actor trace is pre x post", "[td_actor_critic]") {
  const Space obs = Space::box(0.0f, 1.0f, {2});
  const KeyValues kv = {{"actor_trace", "three_factor"}, {"alpha_actor", "0.2"}, {"temperature", "1"}, {"bias", "false"}};
  auto agent = make_agent("td-actor-critic", obs, Space::discrete(2), kv, 3);
  const std::vector<float> x = {1.0f, 0.0f};
  agent->begin_episode();
  const auto a = agent->act(x).index;
  agent->observe(1.0, x, true, false);
  agent->act(x);
  // only the chosen action's weight grew, by alpha * delta * 1 * 1
  REQUIRE(test::signal(*agent, "action_probs", static_cast<std::size_t>(a)) == Approx(1.0 / (1.0 + std::exp(-0.2))));
}

TEST_CASE("td-actor-critic: Pavlovian RPE moves from the reward to the CS", "[td_actor_critic]") {
  auto env = make_env("Pavlovian-v0");
  auto agent = make_agent("td-actor-critic", env->observation_space(), env->action_space(), {{"gamma", "0.98"}, {"bias", "false"}}, 1);
  // largest RPE at the CS and at the reward, in the first and the last trial
  double cs[2] = {0, 0}, us[2] = {0, 0};
  const int trials = 300;
  test::play(*env, *agent, trials, 1, [&](int t, const StepResult& r) {
    if (t != 0 && t != trials - 1) return;
    const int k = t == 0 ? 0 : 1;
    const auto epoch = r.info.get_string("epoch");
    const double rpe = test::signal(*agent, "rpe");
    if (epoch == "cs") cs[k] = std::max(cs[k], rpe);
    if (epoch == "us") us[k] = std::max(us[k], rpe);
  });
  const double rpe_cs_first = cs[0], rpe_cs_last = cs[1], rpe_us_first = us[0], rpe_us_last = us[1];
  INFO("cs " << rpe_cs_first << " -> " << rpe_cs_last << ", us " << rpe_us_first << " -> " << rpe_us_last);
  REQUIRE(rpe_us_first > 0.9);
  REQUIRE(rpe_cs_first < 0.05);
  REQUIRE(rpe_cs_last > 0.5);
  REQUIRE(rpe_us_last < 0.2);
}

TEST_CASE("td-actor-critic: learns the redundant-relevant-cue choices far above chance", "[td_actor_critic]") {
  // chance with the defaults is 0.0092 (docs/envs/RedundantRelevantCue-v0.md)
  auto env = make_env("RedundantRelevantCue-v0");
  auto agent = make_agent("td-actor-critic", env->observation_space(), env->action_space(), {}, 1);
  const double acc = train_accuracy(*env, *agent, 1500, 300, 1);
  INFO("accuracy over trials 1201-1500: " << acc);
  REQUIRE(acc > 0.8);
}

TEST_CASE("time constants in ms: the per-step factor is exp(-dt/tau) of the env's dt", "[td_actor_critic][timing]") {
  using learning::resolve_decay;
  const KeyValues ms = {{"trace_ms", "1000"}}, step = {{"lambda", "0.3"}}, both = {{"trace_ms", "1000"}, {"lambda", "0.3"}};
  CHECK(resolve_decay("a", ms, "lambda", 0.3, "trace_ms", 1000.0, 500.0, 50.0) == Approx(std::exp(-0.05)));
  CHECK(resolve_decay("a", step, "lambda", 0.3, "trace_ms", 500.0, 500.0, 50.0) == 0.3);
  CHECK(resolve_decay("a", {}, "lambda", 0.3, "trace_ms", 500.0, 500.0, 50.0) == Approx(std::exp(-0.1)));  // ms default
  CHECK(resolve_decay("a", {}, "lambda", 0.3, "trace_ms", 500.0, 500.0, 0.0) == 0.3);  // no dt: per-step fallback
  CHECK(resolve_decay("a", {}, "lambda", 0.3, "trace_ms", 0.0, 0.0, 50.0) == 0.3);      // no ms default
  CHECK_THROWS_AS(resolve_decay("a", both, "lambda", 0.3, "trace_ms", 1000.0, 500.0, 50.0), UsageError);
  CHECK_THROWS_AS(resolve_decay("a", ms, "lambda", 0.3, "trace_ms", 1000.0, 500.0, 0.0), UsageError);
}

TEST_CASE("td-actor-critic: with the env's dt the traces decay by exp(-dt/trace_ms) per step", "[td_actor_critic][timing]") {
  // the hand-computed episode of the first test, built with dt = 100 ms, trace_ms 1000 and discount_ms
  // 2000: delta = 1 at the end, e_v = exp(-0.1) x1 + x2, so V(x1) = ac exp(-0.1)
  const Space obs = Space::box(0.0f, 1.0f, {2});
  auto agent = make_agent("td-actor-critic", obs, Space::discrete(2),
                          {{"bias", "false"}, {"trace_ms", "1000"}, {"discount_ms", "2000"}}, 7, AgentContext{100.0});
  const std::vector<float> x1 = {1.0f, 0.0f}, x2 = {0.0f, 1.0f};
  agent->begin_episode();
  agent->act(x1);
  agent->observe(0.0, x2, false, false);
  agent->act(x2);
  agent->observe(1.0, x1, true, false);
  agent->act(x1);
  CHECK(test::signal(*agent, "value") == Approx(0.1 * std::exp(-0.1)));
  // the defaults are per step (gamma 0.9, lambda 0.5), also when the dt is known
  auto fallback = make_agent("td-actor-critic", obs, Space::discrete(2), {{"bias", "false"}}, 7, AgentContext{100.0});
  fallback->begin_episode();
  fallback->act(x1);
  fallback->observe(0.0, x2, false, false);
  fallback->act(x2);
  fallback->observe(1.0, x1, true, false);
  fallback->act(x1);
  CHECK(test::signal(*fallback, "value") == Approx(0.1 * 0.9 * 0.5));
  // an ms option with no dt, or with its per-step twin, is refused with the option's name
  CHECK_THROWS_WITH(make_agent("td-actor-critic", obs, Space::discrete(2), {{"trace_ms", "500"}}, 1),
                    Catch::Contains("trace_ms") && Catch::Contains("step duration"));
  CHECK_THROWS_WITH(make_agent("td-actor-critic", obs, Space::discrete(2), {{"trace_ms", "500"}}, 1, AgentContext{0.0}),
                    Catch::Contains("trace_ms"));
  CHECK_THROWS_WITH(make_agent("td-actor-critic", obs, Space::discrete(2), {{"gamma", "0.9"}, {"discount_ms", "500"}}, 1,
                               AgentContext{50.0}),
                    Catch::Contains("not both"));
  // a trace that outlasts the discount (lambda > 1) is refused
  CHECK_THROWS_WITH(make_agent("td-actor-critic", obs, Space::discrete(2), {{"trace_ms", "5000"}, {"discount_ms", "1000"}}, 1,
                               AgentContext{50.0}),
                    Catch::Contains("lambda > 1"));
}
