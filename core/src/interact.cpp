#include "sgym/interact.hpp"

#include "sgym/info.hpp"

namespace sgym {

Interaction interact(Env& env, Agent& agent, std::vector<float>& obs) {
  const Action& action = agent.act(obs);
  StepResult r = env.step(action);
  obs.assign(r.obs.begin(), r.obs.end());
  if (const std::string_view outcome = r.info.string_or_empty(info_keys::kTrialOutcome); !outcome.empty())
    agent.trial_ended(outcome);
  agent.observe(r.reward, obs, r.terminated, r.truncated);
  return {action, r};
}

}  // namespace sgym
