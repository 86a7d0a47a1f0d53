#include <dlfcn.h>
#include <filesystem>

#include "sgym/agents.hpp"
#include "sgym/error.hpp"
#include "sgym/plugin.hpp"

namespace sgym {

#define SGYM_AGENT(fn) AgentEntry fn();
#include "agent_list.inc"
#undef SGYM_AGENT

namespace {
std::vector<AgentEntry>& entries() {
  static std::vector<AgentEntry> list = {
#define SGYM_AGENT(fn) fn(),
#include "agent_list.inc"
#undef SGYM_AGENT
  };
  return list;
}
}  // namespace

const std::vector<AgentEntry>& agent_registry() { return entries(); }

void load_agent_plugin(const std::string& path) {
  if (!std::filesystem::exists(path)) throw UsageError("--agent-plugin: no such file: " + path);
  // RTLD_NOW: unresolved symbols are an error here, not a crash at first use
  void* handle = ::dlopen(std::filesystem::absolute(path).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) throw UsageError("--agent-plugin: cannot load " + path + ": " + ::dlerror());
  using EntryPoint = const PluginInfo* (*)();
  auto* entry = reinterpret_cast<EntryPoint>(::dlsym(handle, SGYM_PLUGIN_ENTRY_POINT));
  if (entry == nullptr)
    throw UsageError("--agent-plugin: " + path + " has no entry point " SGYM_PLUGIN_ENTRY_POINT
                     " (define one with SGYM_AGENT_PLUGIN from sgym/plugin.hpp)");
  const PluginInfo* info = entry();
  if (info == nullptr || info->api_version != kPluginApiVersion)
    throw UsageError("--agent-plugin: " + path + " was built for plugin API version " +
                     std::to_string(info == nullptr ? -1 : info->api_version) + ", this sgym has version " +
                     std::to_string(kPluginApiVersion) + "; rebuild it against this sgym");
  if (std::string(info->compiler) != __VERSION__)
    throw UsageError("--agent-plugin: " + path + " was built with compiler " + info->compiler + ", this sgym with " +
                     __VERSION__ + "; C++ classes cross the boundary, so rebuild it with the same compiler");
  std::vector<AgentEntry> added;
  info->register_agents(added);
  for (const auto& a : added)
    for (const auto& known : entries())
      if (known.id == a.id)
        throw UsageError("--agent-plugin: " + path + " registers agent '" + a.id + "', which already exists");
  // the library stays loaded for the life of the process: its code backs the new entries
  entries().insert(entries().end(), added.begin(), added.end());
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
