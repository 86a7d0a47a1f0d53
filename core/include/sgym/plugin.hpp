// Runtime agent plugins: a shared library that registers agents through one entry point.
//
//   #include "sgym/plugin.hpp"
//   SGYM_AGENT_PLUGIN(my_agents) {          // a function body that fills `entries`
//     entries.push_back(my_agent_entry());
//   }
//
// Load it with `sgym run --agent-plugin path/to/libmine.so --agent my-agent ...`.
#pragma once

#include <vector>

#include "sgym/registry.hpp"

namespace sgym {

/// Version of the plugin interface; a plugin built against another version is refused.
inline constexpr int kPluginApiVersion = 3;  // 2: Agent::trial_ended; 3: AgentEntry::make_in_context

/// What a plugin's entry point returns.
struct PluginInfo {
  int api_version;                                     ///< kPluginApiVersion the plugin was built with
  const char* compiler;                                ///< __VERSION__ of the plugin's compiler
  const char* name;                                    ///< the plugin's name, for messages
  void (*register_agents)(std::vector<AgentEntry>& entries);  ///< appends the plugin's agents
};

}  // namespace sgym

/// The symbol sgym looks up in a plugin.
#define SGYM_PLUGIN_ENTRY_POINT "sgym_plugin_info"

/// Defines the entry point and opens the body of a function that appends AgentEntry values to
/// `entries`.
#define SGYM_AGENT_PLUGIN(plugin_name)                                                          \
  static void sgym_plugin_register_(std::vector<::sgym::AgentEntry>& entries);                 \
  extern "C" __attribute__((visibility("default"))) const ::sgym::PluginInfo* sgym_plugin_info() { \
    static const ::sgym::PluginInfo info{::sgym::kPluginApiVersion, __VERSION__, #plugin_name,  \
                                         &sgym_plugin_register_};                               \
    return &info;                                                                              \
  }                                                                                            \
  static void sgym_plugin_register_(std::vector<::sgym::AgentEntry>& entries)
