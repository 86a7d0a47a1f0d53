// The registry entry of a shortcut subject (docs/science.md, "Shortcut subjects"): a scripted agent
// that plays a choice task correctly (fixates, waits, responds in the response epoch) but decides
// only from information the task's paradigm says must not suffice. The conformance harness holds it
// to chance (sgym/conformance.hpp, check_battery). Each task keeps its shortcut subjects in one file,
// agents/<task>_shortcuts.cpp, one line per subject in agents/agent_list.inc.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "sgym/agents.hpp"

namespace sgym {

/// Options of a shortcut subject that has none.
struct NoOptions {};

/// Base of a shortcut subject: scripted, nothing to learn and nothing to save (Agent's save_state /
/// load_state write and read nothing; a subject that keeps state across trials overrides them).
class ShortcutSubject : public Agent {
 public:
  void observe(double, std::span<const float>, bool, bool) override {}

 protected:
  using Agent::Agent;
};

/// The entry of `<stem>-shortcut-<name>`, where `oracle` is the task's oracle `<stem>-oracle`: the
/// subject reads the same observation layout, so its spaces, compatibility test and env are the
/// oracle's. It is built as Subject(id, obs, act, const C& options, mode, seed); `add_options`
/// declares its options (none by default), and `resolve`, when given, completes the parsed options
/// from the given ones and the env's context (e.g. a time in ms turned into steps of the env's dt).
template <class Subject, class C = NoOptions, class Mode>
AgentEntry shortcut_entry(const AgentEntry& oracle, const std::string& name, std::string description, Mode mode,
                          void (*add_options)(OptionSet<C>&) = nullptr,
                          void (*resolve)(C&, const std::string& id, const KeyValues&, const AgentContext&) = nullptr) {
  const std::string suffix = "-oracle";
  const std::string id = oracle.id.substr(0, oracle.id.size() - suffix.size()) + "-shortcut-" + name;
  auto options = std::make_shared<OptionSet<C>>(id);
  if (add_options != nullptr) add_options(*options);
  return {id,
          std::move(description),
          oracle.spaces,
          options->docs(),
          oracle.incompatibility,
          [options, id, mode, resolve](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            C c = options->parse(kv);
            if (resolve != nullptr) resolve(c, id, kv, AgentContext{});
            return std::make_unique<Subject>(id, obs, act, c, mode, seed);
          },
          oracle.envs,
          [options, id, mode, resolve](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed,
                                       const AgentContext& context) -> std::unique_ptr<Agent> {
            C c = options->parse(kv);
            if (resolve != nullptr) resolve(c, id, kv, context);
            return std::make_unique<Subject>(id, obs, act, c, mode, seed);
          }};
}

}  // namespace sgym
