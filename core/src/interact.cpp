#include "sgym/interact.hpp"

#include "sgym/info.hpp"

namespace sgym {

namespace {

// the env steps with `action` (the agent's, or one forced on it), the agent hears of a trial end
// and observes
StepResult step_and_observe(Env& env, Agent& agent, std::vector<float>& obs, const Action& action) {
  StepResult r = env.step(action);
  obs.assign(r.obs.begin(), r.obs.end());
  // the key's place is remembered per thread while the info's layout is the same (most steps)
  thread_local InfoLookup trial_outcome{info_keys::kTrialOutcome};
  if (const std::string_view outcome = trial_outcome.string_or_empty(r.info); !outcome.empty())
    agent.trial_ended(outcome);
  agent.observe(r.reward, obs, r.terminated, r.truncated);
  return r;
}

}  // namespace

Interaction interact(Env& env, Agent& agent, std::vector<float>& obs) {
  const Action& action = agent.act(obs);
  return {action, step_and_observe(env, agent, obs, action)};
}

EpisodeEnd play_episode(Env& env, Agent& agent, std::optional<std::uint64_t> seed, std::vector<float>& obs,
                        const EpisodeHooks& hooks) {
  EpisodeEnd end;
  const ResetResult r0 = env.reset(seed);
  obs.assign(r0.obs.begin(), r0.obs.end());
  agent.begin_episode();
  bool go = !hooks.on_step || hooks.on_step(EpisodeStep{StepResult{r0.obs, 0.0, false, false, r0.info}, nullptr, 0});
  Action sent;  // what the env received: agents may choose their next action inside observe()
  while (go) {
    const Action& chosen = agent.act(obs);
    const Action* forced = hooks.on_act ? hooks.on_act(chosen, end.steps) : nullptr;
    const Action& action = forced != nullptr ? *forced : chosen;
    if (hooks.on_step) {
      sent.index = action.index;
      sent.values.assign(action.values.begin(), action.values.end());
    }
    const StepResult r = step_and_observe(env, agent, obs, action);
    end.episode_return += r.reward;
    ++end.steps;
    go = !hooks.on_step || hooks.on_step(EpisodeStep{r, &sent, end.steps});
    if (r.terminated || r.truncated) {
      if (hooks.on_end) hooks.on_end(EpisodeStep{r, nullptr, end.steps});
      break;
    }
  }
  end.stopped = !go;
  agent.end_episode();
  return end;
}

}  // namespace sgym
