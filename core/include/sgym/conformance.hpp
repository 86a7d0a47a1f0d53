// The conformance harness every registered env passes (tests/conformance and `sgym check`), and
// the agent checks (an episode on every compatible env; save/load reproduces the next actions).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sgym/agent.hpp"
#include "sgym/env.hpp"
#include "sgym/registry.hpp"

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

// ---- the shortcut battery of choice tasks ----------------------------------------------------
// A choice task (an EnvEntry with `chance`) measures what it claims only if it cannot be solved
// with information its paradigm says must not suffice. Each such task registers scripted *shortcut
// subjects* that play the task correctly (fixate, wait, respond in the response epoch) but decide
// from forbidden information only (e.g. the cue without the rule). The battery runs each of them,
// and the task's oracle, for at least kBatteryTrials judged trials at every battery option set.

inline constexpr int kBatteryTrials = 2000;              ///< judged trials per subject and option set
inline constexpr double kShortcutMargin = 0.05;          ///< a shortcut may score <= chance + this
inline constexpr double kOracleMinAccuracy = 0.98;       ///< the oracle must score >= this
inline constexpr double kMinCompleted = 0.90;            ///< share of trials not aborted or timed out
inline constexpr std::uint64_t kBatterySeed = 20261206;  ///< env seed of the battery (agent seed 1)

/// The id stem of a task's subjects: "DelayMatchCategory-v0" -> "delay-match-category",
/// "BCINeurofeedback-v0" -> "bci-neurofeedback". Shortcuts are `<stem>-shortcut-<name>`, the oracle
/// `<stem>-oracle`.
std::string shortcut_stem(const std::string& env_id);

/// One subject's trials at one option set, by outcome.
struct SubjectScore {
  std::string agent_id;
  long long correct = 0, wrong = 0;
  long long aborted = 0;  ///< broken fixation or a response out of its epoch
  long long timeout = 0;  ///< no response in time (an episode cut by its time limit counts here)
  long long other = 0;    ///< task-specific outcomes (e.g. conflict trials), neither right nor wrong
  /// With `hash_trajectory`: FNV-1a over every reset and step the subject played (observations,
  /// rewards, flags and info, bit for bit, as trajectory_hash); 0 otherwise.
  std::uint64_t trajectory_hash = 0;
  long long trials() const { return correct + wrong + aborted + timeout + other; }
  /// correct / (correct + wrong); NaN before any judged trial.
  double accuracy() const;
  /// Share of trials that were not aborted or timed out; NaN before any trial.
  double completed() const;
};

/// The battery at one option set of one task.
struct BatteryScores {
  std::string env_id;
  KeyValues options;
  double chance = 0.0;
  std::optional<SubjectScore> oracle;  ///< empty when no `<stem>-oracle` is registered
  std::vector<SubjectScore> shortcuts;
};

/// Runs `agent` (training off, seed 1) on fresh episodes of `env` at `options`, starting from
/// reset(env_seed), until `min_judged` trials ended correct or wrong or 2 x min_judged trials ended.
/// With `hash_trajectory` the score also carries the hash of everything the subject saw: the
/// oracle's rollout is pinned beside the random-action golden hash (tests/golden/<id>.oracle.hash),
/// because random actions break fixation within a few steps and so never reach the stimulus, the
/// noise or the feedback of a task whose stimulus follows a fixation epoch.
SubjectScore score_subject(const AgentEntry& agent, const EnvEntry& env, const KeyValues& options,
                           int min_judged = kBatteryTrials, std::uint64_t env_seed = kBatterySeed,
                           bool hash_trajectory = false);

/// The battery of a choice task: chance, oracle and every registered shortcut subject of `env`
/// (found among `agents` by id) at each of its battery option sets. Throws std::invalid_argument
/// naming the env when it has no chance level (it is not a choice task).
std::vector<BatteryScores> score_battery(const EnvEntry& env, const std::vector<AgentEntry>& agents,
                                         int min_judged = kBatteryTrials);

/// The battery's checks: at least one shortcut subject; each shortcut <= chance + kShortcutMargin
/// with >= kMinCompleted of its trials completed; the oracle registered, >= kOracleMinAccuracy and
/// completing. A task without `chance` gives no checks (it is not a choice task).
CheckReport check_battery(const std::vector<BatteryScores>& scores);

}  // namespace sgym
