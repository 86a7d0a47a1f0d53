// One agent-environment exchange, the only place that fixes the order of the agent's calls within a
// step: act, env step, trial_ended (when the step ended a trial), observe.
#pragma once

#include <vector>

#include "sgym/agent.hpp"
#include "sgym/env.hpp"

namespace sgym {

/// What one exchange produced: the action taken and the env's step result.
struct Interaction {
  const Action& action;
  StepResult result;
};

/// The agent acts on `obs`, `env` steps, the agent is told of a trial end and observes the outcome;
/// `obs` then holds the next observation. The env must have been reset and the episode begun.
Interaction interact(Env& env, Agent& agent, std::vector<float>& obs);

}  // namespace sgym
