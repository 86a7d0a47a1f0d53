// Agent plugins for the command-line tests, one library per variant (SGYM_TEST_PLUGIN_<VARIANT>,
// tests/CMakeLists.txt): GOOD registers a working agent `plugin-random`; the others are the broken
// plugins sgym must refuse with exit 2 and a message naming the file, never a crash.
#include <cstdint>
#include <memory>
#include <span>

#include "sgym/agent.hpp"
#include "sgym/plugin.hpp"
#include "sgym/registry.hpp"

namespace {

class PluginRandom final : public sgym::Agent {
 public:
  PluginRandom(const sgym::Space& obs, const sgym::Space& act, std::uint64_t seed)
      : Agent("plugin-random", obs, act, seed) {}
  const sgym::Action& act(std::span<const float>) override {
    act_space_.sample_into(rng_, action_);
    return action_;
  }
  void observe(double, std::span<const float>, bool, bool) override {}

 private:
  sgym::Action action_;
};

[[maybe_unused]] sgym::AgentEntry entry(const std::string& id) {
  return {id, "uniform random actions, from a test plugin", "discrete or bounded Box actions", {},
          [](const sgym::Space&, const sgym::Space& act) -> std::string {
            return act.is_box() && !act.bounded() ? "unbounded Box actions" : "";
          },
          [](const sgym::Space& obs, const sgym::Space& act, const sgym::KeyValues&, std::uint64_t seed)
              -> std::unique_ptr<sgym::Agent> { return std::make_unique<PluginRandom>(obs, act, seed); }};
}

}  // namespace

#if defined(SGYM_TEST_PLUGIN_NULL_INFO)
// the entry point returns no PluginInfo
extern "C" __attribute__((visibility("default"))) const sgym::PluginInfo* sgym_plugin_info() { return nullptr; }
#elif defined(SGYM_TEST_PLUGIN_NULL_REGISTER)
// a PluginInfo without a registration function
extern "C" __attribute__((visibility("default"))) const sgym::PluginInfo* sgym_plugin_info() {
  static const sgym::PluginInfo info{sgym::kPluginApiVersion, __VERSION__, "null_register", nullptr};
  return &info;
}
#else
SGYM_AGENT_PLUGIN(test_plugin) {
#if defined(SGYM_TEST_PLUGIN_GOOD)
  entries.push_back(entry("plugin-random"));
#elif defined(SGYM_TEST_PLUGIN_NO_FACTORY)
  sgym::AgentEntry e = entry("plugin-no-factory");
  e.make = nullptr;
  entries.push_back(e);
#elif defined(SGYM_TEST_PLUGIN_EMPTY_ID)
  entries.push_back(entry(""));
#elif defined(SGYM_TEST_PLUGIN_SLASH_ID)
  entries.push_back(entry("../evil"));
#else
#error "define one SGYM_TEST_PLUGIN_<VARIANT>"
#endif
}
#endif
