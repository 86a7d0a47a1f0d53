#include "sgym/registry.hpp"

#include "sgym/error.hpp"
#include "sgym/wrappers.hpp"

namespace sgym {

std::size_t find_id(const std::vector<std::string>& ids, const std::string& id,
                    const std::string& kind) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return i;
  std::string msg = "unknown " + kind + " '" + id + "'";
  // a missing or wrong version suffix is the most common slip: point at the versioned id
  const std::string base = id.substr(0, id.rfind("-v"));
  for (const auto& known : ids)
    if (known.substr(0, known.rfind("-v")) == base) msg += " (did you mean '" + known + "'?)";
  msg += "; valid " + kind + "s:";
  for (const auto& known : ids) msg += " " + known;
  throw UsageError(msg);
}

std::unique_ptr<Env> make_env(const EnvEntry& entry, const KeyValues& options, bool time_limit) {
  // deprecated option names become the current ones here (warned once), so every caller, the
  // recorders of options included, sees only current names
  std::unique_ptr<Env> env = entry.make(canonical_options(entry.id, entry.options, options));
  const int limit = env->spec().max_episode_steps;
  if (time_limit && limit > 0) env = std::make_unique<TimeLimit>(std::move(env), limit);
  return env;
}

std::string agent_env_mismatch(const AgentEntry& agent, const std::string& env_id, const Space& obs,
                               const Space& act) {
  if (!agent.envs.empty()) {
    bool listed = false;
    for (const auto& e : agent.envs) listed = listed || e == env_id;
    if (!listed) {
      std::string list;
      for (const auto& e : agent.envs) list += (list.empty() ? "" : ", ") + e;
      return "it is written for " + list + " only";
    }
  }
  return agent.incompatibility(obs, act);
}

std::unique_ptr<Agent> make_agent(const AgentEntry& entry, const Space& obs, const Space& act,
                                  const KeyValues& options, std::uint64_t seed, const AgentContext& context) {
  const std::string why = entry.incompatibility(obs, act);
  if (!why.empty())
    throw UsageError("agent " + entry.id + " cannot act in an env with observation space " +
                     obs.describe() + " and action space " + act.describe() + ": " + why +
                     " (it handles " + entry.spaces + ")");
  const KeyValues current = canonical_options(entry.id, entry.options, options);
  if (entry.make_in_context) return entry.make_in_context(obs, act, current, seed, context);
  return entry.make(obs, act, current, seed);
}

}  // namespace sgym
