// The registered agents (agents/agent_list.inc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sgym/registry.hpp"

namespace sgym {

/// Agents listed in agents/agent_list.inc, in that order, then those added by plugins.
const std::vector<AgentEntry>& agent_registry();
/// Loads a plugin (a shared library built with SGYM_AGENT_PLUGIN) and adds its agents. A missing
/// file, a missing entry point, another plugin API version or compiler, or an agent id that is
/// already registered throws UsageError naming the file.
void load_agent_plugin(const std::string& path);
/// Adds an agent built at run time (e.g. a Python class, from the Python module); an id that is
/// already registered throws UsageError. Add before any run starts: the registry may move.
void register_agent(AgentEntry entry);
/// The entry for an agent id; throws UsageError listing the valid ids.
const AgentEntry& agent_entry(const std::string& id);
/// Builds a registered agent for these spaces (UsageError when it cannot handle them); `context`
/// carries the env's step duration for options in ms (pass {env.spec().dt_ms}).
std::unique_ptr<Agent> make_agent(const std::string& id, const Space& obs, const Space& act,
                                  const KeyValues& options = {}, std::uint64_t seed = 0,
                                  const AgentContext& context = {});

}  // namespace sgym
