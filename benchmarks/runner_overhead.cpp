// runner_overhead: what `sgym run`'s bookkeeping and logs cost against the bare agent-env loop
// (issue 17 item 4). The same env, agent, seeds and number of episodes are played twice:
//   bare  play_episode() alone (env with its time limit, agent learning, no hooks);
//   run   sgym::run() with the default outputs (episode logs, trials.jsonl, action log for
//         checkpoints, summary.json and agent.sgym), no progress bar.
// Both modes are timed in turn, `--repeats` times (interleaved, so machine load hits both alike);
// the median of each and the median of the per-pair ratios are printed. `--mode bare|run` plays one
// mode once, e.g. under `valgrind --tool=callgrind` for instruction counts.
//
//   sgym_runner_overhead --env SaccadeAntisaccade-v0 --agent augment --episodes 200000 --repeats 5
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/runner.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Timed {
  long long steps = 0;
  double seconds = 0;
  double rate() const { return seconds > 0 ? static_cast<double>(steps) / seconds : 0.0; }
};

// the loop `sgym run` drives, without its bookkeeping: same seeds as run() (env: the run seed at the
// first reset; agent: mix_seed(seed, 1))
Timed bare(const std::string& env_id, const std::string& agent_id, int episodes, std::uint64_t seed) {
  const sgym::EnvEntry& ee = sgym::env_entry(env_id);
  auto env = sgym::make_env(ee, {});
  auto agent = sgym::make_agent(sgym::agent_entry(agent_id), env->observation_space(), env->action_space(), {},
                                sgym::mix_seed(seed, 1), {env->spec().dt_ms});
  agent->set_training(true);
  std::vector<float> obs;
  Timed t;
  const auto t0 = Clock::now();
  for (int ep = 0; ep < episodes; ++ep)
    t.steps += sgym::play_episode(*env, *agent, ep == 0 ? std::optional<std::uint64_t>(seed) : std::nullopt, obs).steps;
  t.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return t;
}

Timed run(const std::string& env_id, const std::string& agent_id, int episodes, std::uint64_t seed,
          const std::filesystem::path& dir) {
  sgym::RunConfig cfg;
  cfg.env_id = env_id;
  cfg.agent_id = agent_id;
  cfg.episodes = episodes;
  cfg.seed = seed;
  cfg.out_dir = dir;
  cfg.overwrite = true;
  const auto t0 = Clock::now();
  const sgym::RunSummary s = sgym::run(cfg, sgym::env_entry(env_id), sgym::agent_entry(agent_id));
  Timed t;
  t.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  t.steps = s.total_steps;
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sgym run against the bare agent-env loop: steps/s of each and their ratio"};
  std::string env_id = "SaccadeAntisaccade-v0", agent_id = "augment", mode = "both",
              out = (std::filesystem::temp_directory_path() / "sgym-runner-overhead").string();
  int episodes = 100000, repeats = 5;
  std::uint64_t seed = 1;
  app.add_option("--env", env_id, "env id");
  app.add_option("--agent", agent_id, "agent id");
  app.add_option("--episodes", episodes, "training episodes per timing")->check(CLI::Range(1, 100000000));
  app.add_option("--repeats", repeats, "interleaved pairs of timings")->check(CLI::Range(1, 1000));
  app.add_option("--seed", seed, "run seed");
  app.add_option("--mode", mode, "both (interleaved pairs), bare or run (one timing, e.g. under callgrind)")
      ->check(CLI::IsMember({"both", "bare", "run"}));
  app.add_option("--out", out, "scratch directory for the run's outputs (replaced; default: sgym-runner-overhead in the system's temporary directory)");
  CLI11_PARSE(app, argc, argv);
  try {
    if (mode != "both") {
      const Timed t = mode == "bare" ? bare(env_id, agent_id, episodes, seed) : run(env_id, agent_id, episodes, seed, out);
      std::printf("%s: %lld steps in %.3f s, %.0f steps/s\n", mode.c_str(), t.steps, t.seconds, t.rate());
      return 0;
    }
    std::vector<double> b, r, ratio;
    long long steps = 0;
    for (int k = 0; k < repeats; ++k) {
      const Timed tb = bare(env_id, agent_id, episodes, seed);
      const Timed tr = run(env_id, agent_id, episodes, seed, out);
      if (tb.steps != tr.steps)
        throw std::runtime_error("the bare loop and the run took different numbers of steps (" + std::to_string(tb.steps) +
                                 " and " + std::to_string(tr.steps) + ")");
      steps = tb.steps;
      b.push_back(tb.rate());
      r.push_back(tr.rate());
      ratio.push_back(tr.rate() / tb.rate());
      std::printf("pair %d: bare %.0f steps/s, run %.0f steps/s, run/bare %.3f\n", k + 1, tb.rate(), tr.rate(), ratio.back());
    }
    std::printf("%s + %s, %d episodes (%lld steps), %d pairs: bare median %.0f steps/s, run median %.0f steps/s, "
                "run/bare median %.3f [min %.3f, max %.3f]\n",
                env_id.c_str(), agent_id.c_str(), episodes, steps, repeats, median(b),
                median(r), median(ratio), *std::min_element(ratio.begin(), ratio.end()),
                *std::max_element(ratio.begin(), ratio.end()));
  } catch (const sgym::UsageError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
