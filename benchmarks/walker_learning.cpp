// sgym_walker_learning: trains a learning agent on BipedalWalker for a number of episodes per seed,
// then evaluates the final policy (training off: no exploration, no learning) on fresh terrains.
// Used by benchmarks/bg_cerebellum_walker.sh (benchmarks/results/bg-cerebellum-walker.md).
//
// Seed S: the agent is built with seed S; training episode 1 starts from env.reset(seed=S) and the
// later ones continue the env's RNG (new terrain and push each episode); evaluation uses a second env
// whose first reset is seeded with 1000000 + S, so no evaluation terrain is a training terrain.
//
//   sgym_walker_learning [--env ID] [--agent ID] [--agent-opt key=value]... [--seeds N] [--first-seed S]
//                        [--train EPISODES] [--eval EPISODES] [--curve FILE.csv] [--eval-csv FILE.csv]
//                        [--obs-delay STEPS]
// --obs-delay D wraps both envs in ObservationDelay(D) (core/include/sgym/wrappers.hpp): the agent sees
// each observation D steps late (reward and info on time); tell the agent with
// --agent-opt feedback_delay_ms=D*20 (BipedalWalker's step is 20 ms). (`sgym run` has no wrapper
// options, so the delay lives here.) Agents are built with the env's context (its dt).
// Prints one line per seed and the steps/s; the CSVs hold seed,episode,return,length,hull_x.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/wrappers.hpp"

using namespace sgym;

namespace {

struct Episode {
  double ret = 0.0;
  long long length = 0;
  double hull_x = 0.0;
};

Episode run_episode(Env& env, Agent& agent, std::optional<std::uint64_t> seed) {
  Episode e;
  std::vector<float> obs;
  EpisodeHooks hooks;
  hooks.on_step = [&](const EpisodeStep& st) {
    if (st.result.terminated || st.result.truncated) e.hull_x = st.result.info.get_double("hull_x");
    return true;
  };
  const EpisodeEnd end = play_episode(env, agent, seed, obs, hooks);
  e.ret = end.episode_return;
  e.length = end.steps;
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string env_id = "BipedalWalker-v3", agent_id = "bg-cerebellum-walker", curve_path, eval_path;
    KeyValues agent_opts;
    int seeds = 10, first_seed = 1, train = 300, eval = 100, delay = 0;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw UsageError(a + " needs a value");
        return argv[++i];
      };
      if (a == "--env") env_id = next();
      else if (a == "--agent") agent_id = next();
      else if (a == "--agent-opt") {
        const std::string kv = next();
        const auto eq = kv.find('=');
        if (eq == std::string::npos) throw UsageError("--agent-opt expects key=value, got \"" + kv + "\"");
        agent_opts.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      } else if (a == "--seeds") seeds = std::stoi(next());
      else if (a == "--first-seed") first_seed = std::stoi(next());
      else if (a == "--train") train = std::stoi(next());
      else if (a == "--eval") eval = std::stoi(next());
      else if (a == "--curve") curve_path = next();
      else if (a == "--eval-csv") eval_path = next();
      else if (a == "--obs-delay") delay = std::stoi(next());
      else throw UsageError("unknown argument \"" + a + "\"; see the comment at the top of benchmarks/walker_learning.cpp");
    }
    std::ofstream curve, evals;
    if (!curve_path.empty()) {
      curve.open(curve_path);
      curve << "seed,episode,return,length,hull_x\n";
    }
    if (!eval_path.empty()) {
      evals.open(eval_path);
      evals << "seed,episode,return,length,hull_x\n";
    }
    // the env, with its observations delayed when asked (d = 0: the bare env)
    const auto make = [&]() -> std::unique_ptr<Env> {
      if (delay == 0) return make_env(env_id);
      return std::make_unique<ObservationDelay>(make_env(env_id), delay);
    };
    long long steps = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int s = first_seed; s < first_seed + seeds; ++s) {
      auto env = make();
      auto agent = make_agent(agent_id, env->observation_space(), env->action_space(), agent_opts, static_cast<std::uint64_t>(s),
                              AgentContext{env->spec().dt_ms});
      agent->set_training(true);
      double last_train = 0.0;
      for (int e = 0; e < train; ++e) {
        const Episode ep = run_episode(*env, *agent, e == 0 ? std::optional<std::uint64_t>(s) : std::nullopt);
        steps += ep.length;
        last_train += e >= train - 20 ? ep.ret / std::min(train, 20) : 0.0;
        if (curve.is_open()) curve << s << ',' << e + 1 << ',' << ep.ret << ',' << ep.length << ',' << ep.hull_x << '\n';
      }
      agent->set_training(false);
      auto eval_env = make();
      double sum = 0.0;
      for (int e = 0; e < eval; ++e) {
        const Episode ep =
            run_episode(*eval_env, *agent, e == 0 ? std::optional<std::uint64_t>(1000000 + s) : std::nullopt);
        steps += ep.length;
        sum += ep.ret;
        if (evals.is_open()) evals << s << ',' << e + 1 << ',' << ep.ret << ',' << ep.length << ',' << ep.hull_x << '\n';
      }
      std::printf("seed %d: last-20 training return %.1f, evaluation mean over %d episodes %.1f\n", s, last_train, eval,
                  eval > 0 ? sum / eval : 0.0);
      std::fflush(stdout);
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("steps %lld in %.1f s: %.0f steps/s\n", steps, secs, steps / secs);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "sgym_walker_learning: " << e.what() << '\n';
    return 2;
  }
}
