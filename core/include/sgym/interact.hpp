// The agent-environment loop, the only place that fixes the order of the agent's calls: reset,
// begin_episode, then per step act, env step, trial_ended (when the step ended a trial), observe;
// end_episode. Every caller (the runner, recording, benchmarks, throughput) plays episodes through
// play_episode() and adds what it needs through hooks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "sgym/agent.hpp"
#include "sgym/env.hpp"

namespace sgym {

/// What one exchange produced: the action taken and the env's step result.
struct Interaction {
  const Action& action;
  StepResult result;
};

/// One step of play_episode(): the agent acts on `obs`, `env` steps, the agent is told of a trial
/// end and observes the outcome; `obs` then holds the next observation. The env must have been
/// reset and the episode begun. `action` refers to the agent's own, which an agent may already
/// have replaced by its next choice inside observe().
Interaction interact(Env& env, Agent& agent, std::vector<float>& obs);

/// What an episode hook sees after the reset and after every step (views valid during the call).
struct EpisodeStep {
  const StepResult& result;  ///< after the reset: its observation and info, reward 0, flags false
  const Action* action;      ///< the action the env received (a copy); nullptr after the reset
  int step;                  ///< steps taken in this episode (0 right after the reset)
};

/// Optional hooks of play_episode().
struct EpisodeHooks {
  /// After the reset (and begin_episode) and after every step (the agent has observed): recording,
  /// rendering, per-step measures. Returning false stops the episode there (end_episode is called).
  std::function<bool(const EpisodeStep&)> on_step;
  /// After the agent acted, before the env steps: returns the action the env receives instead of
  /// the agent's (an experimenter's forced choice), or nullptr to keep the agent's. `step` counts
  /// the steps taken before this one.
  std::function<const Action*(const Action& chosen, int step)> on_act;
  /// Once, after the step that ended the episode (terminated or truncated; the agent has observed,
  /// on_step has run), before end_episode: for callers that read only how an episode ended, without
  /// a call at every step. Its EpisodeStep's action is nullptr. Not called when on_step stopped the
  /// episode before it ended.
  std::function<void(const EpisodeStep&)> on_end;
};

/// How an episode went.
struct EpisodeEnd {
  double episode_return = 0;
  int steps = 0;
  bool stopped = false;  ///< on_step returned false (possibly on the episode's last step)
};

/// Plays one episode: env.reset(seed), agent.begin_episode(), interact() until terminated or
/// truncated (or a hook stops it), agent.end_episode(). `obs` is the caller's buffer (reused across
/// episodes to avoid allocations).
EpisodeEnd play_episode(Env& env, Agent& agent, std::optional<std::uint64_t> seed, std::vector<float>& obs,
                        const EpisodeHooks& hooks = {});

}  // namespace sgym
