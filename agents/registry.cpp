#include <dlfcn.h>
#include <filesystem>
#include <map>

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

// Besides a missing file or entry point, another API version or compiler and an id already registered,
// a plugin is refused (UsageError naming the file) for a null PluginInfo or registration function, no
// agents, an agent without a factory or incompatibility function, and an empty, malformed or duplicated id.
void load_agent_plugin(const std::string& path) {
  // every message names the plugin file: "agent plugin PATH: ..."
  const std::string where = "agent plugin " + path;
  if (!std::filesystem::exists(path)) throw UsageError(where + ": no such file");
  // RTLD_NOW: unresolved symbols are an error here, not a crash at first use
  void* handle = ::dlopen(std::filesystem::absolute(path).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) throw UsageError(where + ": cannot load it: " + ::dlerror());
  using EntryPoint = const PluginInfo* (*)();
  auto* entry = reinterpret_cast<EntryPoint>(::dlsym(handle, SGYM_PLUGIN_ENTRY_POINT));
  if (entry == nullptr)
    throw UsageError(where + " has no entry point " SGYM_PLUGIN_ENTRY_POINT
                     " (define one with SGYM_AGENT_PLUGIN from sgym/plugin.hpp)");
  const PluginInfo* info = entry();
  if (info == nullptr)
    throw UsageError(where + ": its entry point " SGYM_PLUGIN_ENTRY_POINT " returned no PluginInfo (null)");
  if (info->api_version != kPluginApiVersion)
    throw UsageError(where + " was built for plugin API version " + std::to_string(info->api_version) +
                     ", this sgym has version " + std::to_string(kPluginApiVersion) + "; rebuild it against this sgym");
  if (info->compiler == nullptr || std::string(info->compiler) != __VERSION__)
    throw UsageError(where + " was built with compiler " + (info->compiler ? info->compiler : "(none named)") +
                     ", this sgym with " + __VERSION__ + "; C++ classes cross the boundary, so rebuild it with the same compiler");
  if (info->register_agents == nullptr)
    throw UsageError(where + ": its PluginInfo has no registration function (register_agents is null)");
  std::vector<AgentEntry> added;
  info->register_agents(added);
  if (added.empty()) throw UsageError(where + " registers no agent");
  for (std::size_t i = 0; i < added.size(); ++i) {
    const AgentEntry& a = added[i];
    // an id must be usable on the command line and in a suite: no spaces, no '+' (that composes
    // wrapper+inner), no path separators (run names and folders are made from it)
    if (a.id.empty()) throw UsageError(where + " registers an agent with an empty id");
    if (a.id.find_first_of(" \t\n\r+/\\") != std::string::npos || a.id.front() == '-')
      throw UsageError(where + " registers agent '" + a.id +
                       "': an id may not start with '-' nor contain spaces, '+', '/' or '\\'");
    if (!a.make) throw UsageError(where + ": agent '" + a.id + "' has no factory (AgentEntry::make is empty)");
    if (!a.incompatibility)
      throw UsageError(where + ": agent '" + a.id +
                       "' has no incompatibility function (AgentEntry::incompatibility is empty; return \"\" for "
                       "spaces it handles)");
    for (std::size_t j = 0; j < i; ++j)
      if (added[j].id == a.id) throw UsageError(where + " registers agent '" + a.id + "' twice");
    for (const auto& known : entries())
      if (known.id == a.id) throw UsageError(where + " registers agent '" + a.id + "', which already exists");
  }
  // the library stays loaded for the life of the process: its code backs the new entries
  entries().insert(entries().end(), added.begin(), added.end());
}

void register_agent(AgentEntry entry) {
  for (const auto& known : entries())
    if (known.id == entry.id) throw UsageError("agent '" + entry.id + "' is already registered");
  entries().push_back(std::move(entry));
}

// "outer+inner" composes a wrapper agent (one with an `inner` option, such as cerebellum) with
// the agent it wraps: cerebellum+np-actor-critic = cerebellum with inner=np-actor-critic
const AgentEntry& composed_entry(const std::string& id) {
  static std::map<std::string, AgentEntry> composed;  // node-based: references stay valid
  if (auto it = composed.find(id); it != composed.end()) return it->second;
  const auto plus = id.find('+');
  const AgentEntry& outer = agent_entry(id.substr(0, plus));
  const std::string inner = id.substr(plus + 1);
  bool wraps = false;
  for (const auto& d : outer.options) wraps = wraps || d.key == "inner";
  if (!wraps)
    throw UsageError("agent id '" + id + "': " + outer.id + " does not wrap other agents (it has no inner option)");
  agent_entry(inner);  // an unknown inner id is reported here, with the valid ids
  AgentEntry e = outer;
  e.id = id;
  e.description = outer.description + " (around " + inner + ")";
  e.make = [make = outer.make, inner](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) {
    KeyValues with_inner = {{"inner", inner}};
    with_inner.insert(with_inner.end(), kv.begin(), kv.end());
    return make(obs, act, with_inner, seed);
  };
  return composed.emplace(id, std::move(e)).first->second;
}

const AgentEntry& agent_entry(const std::string& id) {
  if (id.find('+') != std::string::npos) return composed_entry(id);
  std::vector<std::string> ids;
  for (const auto& e : agent_registry()) ids.push_back(e.id);
  return agent_registry()[find_id(ids, id, "agent")];
}

std::unique_ptr<Agent> make_agent(const std::string& id, const Space& obs, const Space& act,
                                  const KeyValues& options, std::uint64_t seed, const AgentContext& context) {
  return make_agent(agent_entry(id), obs, act, options, seed, context);
}

}  // namespace sgym
