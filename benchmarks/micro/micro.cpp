// sgym_micro: Google Benchmark micro-benchmarks of every registered env's step and reset and every
// registered agent's act and observe (issue 17 item 6). Not a test: timings are compared with a
// committed baseline by scripts/micro-compare.py, which flags regressions over 10 %.
//
//   build/release/benchmarks/sgym_micro [--benchmark_filter=REGEX] [--benchmark_repetitions=N] ...
//
// Names: env_step/ID (random actions drawn once beforehand and replayed, with the auto-reset at each
// episode end inside the timed loop, as a vector env steps; the counter `resets` tells how many; a
// timer pause per reset would cost more than a cheap env's step), env_reset/ID,
// agent_learn/AGENT@ENV (act + observe with training on: exploration and learning) and
// agent_frozen/AGENT@ENV (act + observe with training off: the decision alone), on the transitions
// of a random rollout of ENV (the env the agent declares, else the first registered env whose
// spaces it handles).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"

namespace {

using namespace sgym;

constexpr int kPrepared = 4096;  // actions / transitions prepared before timing

// actions drawn from the action space (a fixed seed), replayed in a cycle
std::vector<Action> random_actions(const Space& space, int n) {
  Rng rng(12345);
  std::vector<Action> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(space.sample(rng));
  return out;
}

void env_step(benchmark::State& state, const EnvEntry* entry) {
  auto env = make_env(*entry);
  const auto actions = random_actions(env->action_space(), kPrepared);
  env->reset(1);
  std::size_t i = 0;
  std::int64_t resets = 0;
  for (auto _ : state) {
    const StepResult r = env->step(actions[i]);
    benchmark::DoNotOptimize(r.reward);
    i = (i + 1) % actions.size();
    if (r.terminated || r.truncated) {
      env->reset();
      ++resets;
    }
  }
  state.counters["resets"] = static_cast<double>(resets);
}

void env_reset(benchmark::State& state, const EnvEntry* entry) {
  auto env = make_env(*entry);
  env->reset(1);  // the first episode's allocations are not what is measured
  for (auto _ : state) {
    const ResetResult r = env->reset();
    benchmark::DoNotOptimize(r.obs.data());
  }
}

// a random rollout of `env`: each observation, reward and flags, for the agent benchmarks
struct Transition {
  std::vector<float> obs, next;
  double reward;
  bool terminated, truncated;
};

std::vector<Transition> rollout(Env& env, int n) {
  const auto actions = random_actions(env.action_space(), n);
  std::vector<Transition> out;
  out.reserve(static_cast<std::size_t>(n));
  std::vector<float> obs;
  {
    const ResetResult r = env.reset(1);
    obs.assign(r.obs.begin(), r.obs.end());
  }
  for (int i = 0; i < n; ++i) {
    const StepResult r = env.step(actions[static_cast<std::size_t>(i)]);
    out.push_back({obs, {r.obs.begin(), r.obs.end()}, r.reward, r.terminated, r.truncated});
    if (r.terminated || r.truncated) {
      const ResetResult s = env.reset();
      obs.assign(s.obs.begin(), s.obs.end());
    } else {
      obs = out.back().next;
    }
  }
  return out;
}

// the env an agent is measured on: the first it declares, else the first whose spaces it handles
const EnvEntry* env_for(const AgentEntry& a) {
  for (const EnvEntry& e : env_registry()) {
    if (!a.envs.empty() && e.id != a.envs.front()) continue;
    auto env = make_env(e);
    if (agent_env_mismatch(a, e.id, env->observation_space(), env->action_space()).empty()) return &e;
  }
  return nullptr;
}

std::unique_ptr<Agent> agent_on(const AgentEntry& a, const Env& env) {
  return make_agent(a, env.observation_space(), env.action_space(), {}, 1, AgentContext{env.spec().dt_ms});
}

// one agent step per iteration: act on the next observation of the rollout, then observe its
// outcome (episode boundaries as in the rollout). `learn` on = the training step (exploration and
// learning); off = the frozen agent, whose observe() learns nothing, so the difference between the
// two is the cost of learning. No timer pauses: they cost more than many agents' steps.
void agent_step(benchmark::State& state, const AgentEntry* a, const EnvEntry* e, bool learn) {
  auto env = make_env(*e);
  const auto tr = rollout(*env, kPrepared);
  auto agent = agent_on(*a, *env);
  agent->set_training(learn);
  agent->begin_episode();
  std::size_t i = 0;
  for (auto _ : state) {
    const Transition& t = tr[i];
    benchmark::DoNotOptimize(&agent->act(t.obs));
    agent->observe(t.reward, t.next, t.terminated, t.truncated);
    if (t.terminated || t.truncated) {
      agent->end_episode();
      agent->begin_episode();
    }
    i = (i + 1) % tr.size();
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (const EnvEntry& e : env_registry()) {
    benchmark::RegisterBenchmark(("env_step/" + e.id).c_str(), env_step, &e);
    benchmark::RegisterBenchmark(("env_reset/" + e.id).c_str(), env_reset, &e);
  }
  for (const AgentEntry& a : agent_registry()) {
    const EnvEntry* e = env_for(a);
    if (e == nullptr) continue;
    benchmark::RegisterBenchmark(("agent_learn/" + a.id + "@" + e->id).c_str(), agent_step, &a, e, true);
    benchmark::RegisterBenchmark(("agent_frozen/" + a.id + "@" + e->id).c_str(), agent_step, &a, e, false);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
