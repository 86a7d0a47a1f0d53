// The conformance harness every registered env passes (tests/conformance and `sgym check`), and
// the agent checks (an episode on every compatible env; save/load reproduces the next actions).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sgym/agent.hpp"
#include "sgym/env.hpp"

namespace sgym {

/// The outcome of one check.
struct CheckResult {
  std::string name;
  bool passed = false;
  std::string detail;  ///< what was measured, or what went wrong
};

/// All checks of one env (or agent) plus the trajectory hash to pin.
struct CheckReport {
  std::vector<CheckResult> checks;
  std::uint64_t golden_hash = 0;  ///< hash of a 1000-step trajectory (envs only)
  bool all_passed() const;
};

/// Makes a fresh env (wrapped in TimeLimit, as make_env does).
using EnvMaker = std::function<std::unique_ptr<Env>()>;

/// Hash of `steps` steps of `env` from reset(seed) under a fixed seeded stream of random actions,
/// resetting (without a seed) whenever an episode ends. Covers observations, rewards, flags and
/// info, bit for bit.
std::uint64_t trajectory_hash(Env& env, std::uint64_t seed, int steps = 1000);

/// Runs every env check: spaces, observations in space, rewards finite and in range, reset(seed)
/// reproducibility, seed divergence (or, for envs declared deterministic, seed independence),
/// episodes ending within max_episode_steps, step after the end and before reset rejected, bad
/// actions rejected with a clear message and without side effects, trial info, and drawing.
CheckReport check_env(const EnvMaker& make, std::uint64_t seed = 20261125);

/// Makes a fresh agent for the given spaces with the given seed.
using AgentMaker = std::function<std::unique_ptr<Agent>(std::uint64_t seed)>;

/// Runs an agent on an env: one training episode, then save, load into a fresh agent built with a
/// different seed, and compare the next episode's actions and signals of both, bit for bit; and a
/// corrupt or truncated file is rejected leaving the agent unchanged.
CheckReport check_agent(const AgentMaker& make_agent, const EnvMaker& make_env,
                        const std::filesystem::path& scratch_dir, std::uint64_t seed = 7);

}  // namespace sgym
