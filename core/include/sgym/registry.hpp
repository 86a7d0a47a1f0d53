// Registries of envs and agents with versioned ids. The lists themselves live in envs/ and agents/
// (envs/env_list.inc, agents/agent_list.inc); the core only defines what an entry is, how lookups
// fail and how an entry is built.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sgym/agent.hpp"
#include "sgym/analysis.hpp"
#include "sgym/env.hpp"
#include "sgym/options.hpp"

namespace sgym {

/// One registered environment.
struct EnvEntry {
  std::string id;           ///< "Name-vN"
  std::string description;  ///< one line
  std::string source;       ///< paradigm source (citation)
  std::vector<OptionDoc> options;
  /// Builds the raw env (no wrappers) from validated options; throws UsageError on bad options.
  std::function<std::unique_ptr<Env>(const KeyValues&)> make;
  /// Extra option sets the conformance harness also runs (e.g. a stochastic variant).
  std::vector<KeyValues> test_variants;
  /// Choice tasks only (empty for the others): the chance accuracy at these options, i.e. the
  /// accuracy correct / (correct + wrong) of the best subject that ignores the stimulus (always the
  /// most frequent correct response). A choice task must register at least one shortcut subject
  /// (agent `<stem>-shortcut-<name>`, see shortcut_stem in sgym/conformance.hpp) and an oracle
  /// (`<stem>-oracle`); the conformance harness holds every shortcut to chance + 5 points and the
  /// oracle to >= 98 %.
  std::function<double(const KeyValues&)> chance = {};
  /// Option sets the shortcut battery runs at (each shortcut and the oracle at each); empty = the
  /// defaults only. Choose them so the oracle is above 98 % (e.g. offsets above threshold).
  std::vector<KeyValues> battery_options = {};
  /// The task's own analyses of a run's trials (sgym plot draws each; benchmarks compute the
  /// tables in-process). Empty = the generic figures only.
  std::vector<TaskAnalysis> analyses = {};
  /// The stem of the env's page, docs/envs/<docs_page>.md; empty = its id. Set it when one page
  /// describes several envs (BipedalWalkerHardcore-v3 shares BipedalWalker-v3's).
  std::string docs_page = {};
  /// The options and length of a random-action rollout in which two seeds must differ (the
  /// same-seed/other-seed test of python/tests/test_envs.py). The defaults and 60 steps suit an env
  /// whose first steps depend on the seed; one that opens with a seed-independent phase (a fixed
  /// calibration block) names options and a length that reach past it.
  struct SeedRollout {
    KeyValues options = {};
    int steps = 60;
  };
  SeedRollout seed_rollout = {};
};

/// One registered agent.
struct AgentEntry {
  std::string id;
  std::string description;  ///< one line
  std::string spaces;       ///< which spaces it handles, in words
  std::vector<OptionDoc> options;
  /// "" when the agent can act in an env with these spaces, else the reason it cannot.
  std::function<std::string(const Space& obs, const Space& act)> incompatibility;
  /// Builds the agent for these spaces; the seed fixes its RNG.
  std::function<std::unique_ptr<Agent>(const Space& obs, const Space& act, const KeyValues&,
                                       std::uint64_t seed)>
      make;
  /// Env ids the agent is written for (scripted oracles and controllers that read one task's
  /// observation layout); empty = any env whose spaces it handles.
  std::vector<std::string> envs = {};
  /// Optional: builds the agent knowing the env's context (its step duration, for options in ms);
  /// make_agent uses it instead of `make` when set.
  std::function<std::unique_ptr<Agent>(const Space& obs, const Space& act, const KeyValues&,
                                       std::uint64_t seed, const AgentContext&)>
      make_in_context = {};
  /// "" when act/observe/end_episode allocate nothing on the heap after warm-up (issue 17; held by
  /// tests/test_allocations.cpp), else the reason the agent is exempt (e.g. a scripted instrument
  /// not yet rewritten). A learning agent must leave it empty.
  std::string allocates_per_act = {};
};

/// "" when `agent` may run on the env with this id and these spaces, else the reason it may not.
std::string agent_env_mismatch(const AgentEntry& agent, const std::string& env_id, const Space& obs,
                               const Space& act);

/// Looks up `id` among `ids`; throws UsageError listing the valid ids (`kind` is "env"/"agent").
std::size_t find_id(const std::vector<std::string>& ids, const std::string& id,
                    const std::string& kind);

/// Builds the env of `entry` with its options, wrapped in TimeLimit(spec().max_episode_steps) as
/// Gymnasium's make() does (pass time_limit = false for the raw env).
std::unique_ptr<Env> make_env(const EnvEntry& entry, const KeyValues& options = {},
                              bool time_limit = true);

/// Builds the agent of `entry` for an env's spaces; an incompatible pair throws UsageError naming
/// both and the reason, before any step. `context` tells it the env's timing (pass
/// {env.spec().dt_ms}); without it, options in ms cannot be converted and are refused.
std::unique_ptr<Agent> make_agent(const AgentEntry& entry, const Space& obs, const Space& act,
                                  const KeyValues& options = {}, std::uint64_t seed = 0,
                                  const AgentContext& context = {});

}  // namespace sgym
