// The registered agents (agents/agent_list.inc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sgym/registry.hpp"

namespace sgym {

/// Agents listed in agents/agent_list.inc, in that order.
const std::vector<AgentEntry>& agent_registry();
/// The entry for an agent id; throws UsageError listing the valid ids.
const AgentEntry& agent_entry(const std::string& id);
/// Builds a registered agent for these spaces (UsageError when it cannot handle them).
std::unique_ptr<Agent> make_agent(const std::string& id, const Space& obs, const Space& act,
                                  const KeyValues& options = {}, std::uint64_t seed = 0);

}  // namespace sgym
