// Runs the example agent on Pavlovian conditioning with the sgym runner and checks the
// conformance harness on it, from outside the tree.
#include <iostream>

#include "rescorla_wagner.hpp"
#include "sgym/conformance.hpp"
#include "sgym/envs.hpp"
#include "sgym/runner.hpp"

int main(int argc, char** argv) {
  const std::filesystem::path out = argc > 1 ? argv[1] : "rw-run";
  const sgym::AgentEntry agent = rescorla_wagner_entry();

  // the conformance checks every in-tree agent passes
  const sgym::EnvEntry& env = sgym::env_entry("Pavlovian-v0");
  auto probe = sgym::make_env(env);
  const auto report = sgym::check_agent(
      [&](std::uint64_t seed) {
        return sgym::make_agent(agent, probe->observation_space(), probe->action_space(), {}, seed);
      },
      [&] { return sgym::make_env(env); }, std::filesystem::temp_directory_path());
  for (const auto& c : report.checks) std::cout << (c.passed ? "PASS " : "FAIL ") << c.name << "\n";
  if (!report.all_passed()) return 1;

  sgym::RunConfig cfg;
  cfg.env_id = "Pavlovian-v0";
  cfg.env_options = {{"omission_prob", "0.25"}};
  cfg.agent_id = agent.id;
  cfg.episodes = 300;
  cfg.seed = 1;
  cfg.out_dir = out;
  cfg.record = {"prediction"};
  const sgym::RunSummary s = sgym::run(cfg, env, agent);
  // with 25 % omissions the CS's strength converges to about 0.75 (it fluctuates with alpha)
  bool learned = false;
  for (const auto& c : s.signal_cells)
    if (c.condition == "normal" && c.epoch == "delay") {
      std::cout << "learned prediction on CS trials, last 10 % of trials: " << c.late_mean
                << " (Rescorla-Wagner asymptote 0.75)\n";
      learned = c.late_mean > 0.6 && c.late_mean < 0.9;
    }
  if (!learned) return 1;
  std::cout << "mean return " << s.mean_return << ", outputs in " << out.string() << "\n";
  return 0;
}
