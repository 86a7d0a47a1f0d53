#include "sgym/agents.hpp"

namespace sgym {

#define SGYM_AGENT(fn) AgentEntry fn();
#include "agent_list.inc"
#undef SGYM_AGENT

const std::vector<AgentEntry>& agent_registry() {
  static const std::vector<AgentEntry> entries = {
#define SGYM_AGENT(fn) fn(),
#include "agent_list.inc"
#undef SGYM_AGENT
  };
  return entries;
}

const AgentEntry& agent_entry(const std::string& id) {
  std::vector<std::string> ids;
  for (const auto& e : agent_registry()) ids.push_back(e.id);
  return agent_registry()[find_id(ids, id, "agent")];
}

std::unique_ptr<Agent> make_agent(const std::string& id, const Space& obs, const Space& act,
                                  const KeyValues& options, std::uint64_t seed) {
  return make_agent(agent_entry(id), obs, act, options, seed);
}

}  // namespace sgym
