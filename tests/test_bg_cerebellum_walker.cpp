// bg-cerebellum-walker: the phase-oscillator CPG locks in antiphase; on BipedalWalker-v3 with a fixed
// seed the walker goes farther after a short training than at initialisation, the forward model's
// prediction error falls with training, with delayed feedback its estimate of the current state beats
// the delayed observation, and save/load restores the learned state exactly.
#include <catch2/catch.hpp>
#include <array>
#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "learning/oscillators.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/wrappers.hpp"

using namespace sgym;

namespace {

struct Outcome {
  double ret = 0.0, hull_x = 0.0, mean_prediction_error = 0.0;
};

float signal(const Agent& a, const std::string& name, std::size_t i = 0) {
  for (const auto& s : a.introspect())
    if (s.name == name) return s.values.at(i);
  FAIL("no signal " << name);
  return 0.0f;
}

Outcome episode(Env& env, Agent& agent, std::optional<std::uint64_t> seed) {
  Outcome o;
  auto r0 = env.reset(seed);
  std::vector<float> obs(r0.obs.begin(), r0.obs.end());
  agent.begin_episode();
  for (;;) {
    const Action& a = agent.act(obs);
    auto r = env.step(a);
    obs.assign(r.obs.begin(), r.obs.end());
    agent.observe(r.reward, obs, r.terminated, r.truncated);
    o.ret += r.reward;
    if (r.terminated || r.truncated) {
      o.hull_x = r.info.get_double("hull_x");
      break;
    }
  }
  o.mean_prediction_error = signal(agent, "mean_prediction_error");
  agent.end_episode();
  return o;
}

// mean evaluation outcome (training off) over `n` terrains starting from reset(seed)
Outcome evaluate(Agent& agent, int n, std::uint64_t seed) {
  auto env = make_env("BipedalWalker-v3");
  const bool was = agent.training();
  agent.set_training(false);
  Outcome m;
  for (int e = 0; e < n; ++e) {
    const Outcome o = episode(*env, agent, e == 0 ? std::optional<std::uint64_t>(seed) : std::nullopt);
    m.ret += o.ret / n;
    m.hull_x += o.hull_x / n;
    m.mean_prediction_error += o.mean_prediction_error / n;
  }
  agent.set_training(was);
  return m;
}

}  // namespace

TEST_CASE("bg-cerebellum-walker: two coupled phase oscillators lock in antiphase", "[bg_cerebellum_walker]") {
  learning::PhaseOscillatorBank bank(2);
  bank.set_lag(0, 1, std::numbers::pi);
  bank.reset({0.0, 0.3});
  for (int t = 0; t < 500; ++t) bank.step(0.02, 1.0, 5.0);
  const double gap = learning::PhaseOscillatorBank::wrap(bank.phase(1) - bank.phase(0));
  REQUIRE(gap == Approx(std::numbers::pi).margin(1e-3));
  REQUIRE(bank.angular_velocity(0) == Approx(2.0 * std::numbers::pi).margin(1e-3));
}

TEST_CASE("bg-cerebellum-walker: short training takes the walker farther than at initialisation",
          "[bg_cerebellum_walker]") {
  // default gait, agent seed 4; 150 training episodes (about 10^5 steps) from reset(seed=4), then the
  // same five evaluation terrains (from reset(seed=1000004)) without exploration, before and after.
  // The gain is seed-dependent (benchmarks/results/bg-cerebellum-walker.md has the distribution).
  auto env = make_env("BipedalWalker-v3");
  auto agent = make_agent("bg-cerebellum-walker", env->observation_space(), env->action_space(), {}, 4);
  const Outcome before = evaluate(*agent, 5, 1000004);
  for (int e = 0; e < 150; ++e) episode(*env, *agent, e == 0 ? std::optional<std::uint64_t>(4) : std::nullopt);
  const Outcome after = evaluate(*agent, 5, 1000004);
  INFO("return " << before.ret << " -> " << after.ret << ", hull x " << before.hull_x << " -> " << after.hull_x);
  REQUIRE(after.hull_x > before.hull_x + 5.0);
  REQUIRE(after.ret > before.ret + 20.0);
}

TEST_CASE("bg-cerebellum-walker: the forward model's prediction error falls with training", "[bg_cerebellum_walker]") {
  // the gait is frozen (no perturbation, no actor learning) so that only the forward model changes;
  // mean |ε| on one terrain with the untrained model, then after 15 training episodes on other
  // terrains (both measured with the model frozen)
  auto env = make_env("BipedalWalker-v3");
  auto agent = make_agent("bg-cerebellum-walker", env->observation_space(), env->action_space(),
                          {{"perturbation_sd", "0"}, {"alpha", "0"}}, 5);
  const Outcome first = evaluate(*agent, 1, 11);
  for (int e = 0; e < 15; ++e) episode(*env, *agent, e == 0 ? std::optional<std::uint64_t>(12) : std::nullopt);
  const Outcome later = evaluate(*agent, 1, 11);
  INFO("mean |prediction error| " << first.mean_prediction_error << " -> " << later.mean_prediction_error);
  REQUIRE(first.mean_prediction_error > 0.0);
  REQUIRE(later.mean_prediction_error < 0.85 * first.mean_prediction_error);
}

TEST_CASE("bg-cerebellum-walker: with delayed feedback the forward model estimates the current state",
          "[bg_cerebellum_walker]") {
  // observations 4 steps (80 ms) late; the gait is frozen (no perturbation, no actor learning) so that
  // only the forward model learns, for 30 episodes; then, on a fresh terrain with the model frozen, the
  // estimate of step t's slice is compared with the true slice of step t (delivered at t + 4) and so is
  // the delayed observation the controller would otherwise act on
  constexpr int kDelay = 4;
  constexpr std::array<int, 12> kSlice = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12};
  ObservationDelay env(make_env("BipedalWalker-v3"), kDelay);
  auto agent = make_agent("bg-cerebellum-walker", env.observation_space(), env.action_space(),
                          {{"perturbation_sd", "0"}, {"alpha", "0"}, {"feedback_delay_ms", std::to_string(kDelay * 20)}}, 6,
                          AgentContext{env.spec().dt_ms});
  for (int e = 0; e < 30; ++e) episode(env, *agent, e == 0 ? std::optional<std::uint64_t>(6) : std::nullopt);
  agent->set_training(false);
  std::vector<std::vector<float>> delivered, estimate;
  auto r0 = env.reset(31);
  std::vector<float> obs(r0.obs.begin(), r0.obs.end());
  agent->begin_episode();
  for (int t = 0; t < 400; ++t) {
    delivered.push_back(obs);
    const Action& a = agent->act(obs);
    for (const auto& sig : agent->introspect())
      if (sig.name == "state_estimate") estimate.push_back(sig.values);
    auto r = env.step(a);
    obs.assign(r.obs.begin(), r.obs.end());
    agent->observe(r.reward, obs, r.terminated, r.truncated);
    if (r.terminated || r.truncated) break;
  }
  // steps t >= d whose true state has been delivered (at t + d)
  double err_estimate = 0.0, err_delayed = 0.0;
  int n = 0;
  for (std::size_t t = kDelay; t + kDelay < delivered.size(); ++t, ++n) {
    const std::vector<float>& truth = delivered[t + kDelay];
    double se = 0.0, sd = 0.0;
    for (std::size_t i = 0; i < kSlice.size(); ++i) {
      const auto k = static_cast<std::size_t>(kSlice[i]);
      se += std::pow(estimate[t][i] - truth[k], 2);
      sd += std::pow(delivered[t][k] - truth[k], 2);
    }
    err_estimate += std::sqrt(se);
    err_delayed += std::sqrt(sd);
  }
  INFO(n << " steps: mean |estimate - current| " << err_estimate / n << ", mean |delayed - current| " << err_delayed / n);
  REQUIRE(n >= 30);
  REQUIRE(err_estimate < 0.7 * err_delayed);
}

TEST_CASE("bg-cerebellum-walker: save/load round trip restores the behaviour", "[bg_cerebellum_walker]") {
  const std::string cond = GENERATE(std::string("full"), std::string("no-cpg"), std::string("no-cerebellum"));
  KeyValues opts;
  if (cond == "no-cpg") opts = {{"cpg", "false"}};
  if (cond == "no-cerebellum") opts = {{"cerebellum", "false"}};
  auto env = make_env("BipedalWalker-v3");
  auto trained = make_agent("bg-cerebellum-walker", env->observation_space(), env->action_space(), opts, 9);
  for (int e = 0; e < 5; ++e) episode(*env, *trained, e == 0 ? std::optional<std::uint64_t>(9) : std::nullopt);
  auto fresh = make_agent("bg-cerebellum-walker", env->observation_space(), env->action_space(), opts, 1);
  const Outcome untrained = evaluate(*fresh, 1, 21);
  fresh->from_bytes(trained->to_bytes());
  const Outcome a = evaluate(*trained, 1, 21), b = evaluate(*fresh, 1, 21);
  INFO(cond << ": trained " << a.ret << ", restored " << b.ret << ", untrained " << untrained.ret);
  REQUIRE(b.ret == a.ret);
  REQUIRE(b.hull_x == a.hull_x);
  REQUIRE(signal(*fresh, "critic") == signal(*trained, "critic"));
  REQUIRE(signal(*fresh, "parameters", 0) == signal(*trained, "parameters", 0));
}

TEST_CASE("bg-cerebellum-walker: bad options are usage errors, other envs are refused", "[bg_cerebellum_walker]") {
  auto env = make_env("BipedalWalker-v3");
  REQUIRE_THROWS_AS(make_agent("bg-cerebellum-walker", env->observation_space(), env->action_space(), {{"freq_hz", "9"}}),
                    UsageError);
  REQUIRE_THROWS_AS(make_agent("bg-cerebellum-walker", Space::box(0.0f, 1.0f, {3}), Space::box(-1.0f, 1.0f, {4})),
                    UsageError);
}
