// sgym describe ID: spaces, timing, epochs, options and source of an env, or options, compatible envs
// and signals of an agent.
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"

namespace sgym::cli {

namespace {
int describe(const std::string& id) {
  for (const auto& e : env_registry()) {
    if (e.id != id) continue;
    auto env = e.make({});
    const EnvSpec& s = env->spec();
    std::cout << s.id << ": " << e.description << "\n"
              << "source: " << e.source << "\n"
              << "observation: " << env->observation_space().describe() << "\n";
    for (const auto& sl : s.obs_layout)
      std::cout << "  [" << sl.offset << ", " << sl.offset + sl.size << ") " << sl.name << ": " << sl.meaning << "\n";
    std::cout << "action: " << env->action_space().describe() << "\n"
              << "timing: dt " << format_number(s.dt_ms) << " ms, max_episode_steps "
              << s.max_episode_steps << ", render " << format_number(s.render_fps) << " fps\n"
              << "reward range: [" << format_number(s.reward_min) << ", " << format_number(s.reward_max) << "]\n"
              << "deterministic: " << (s.deterministic ? "yes" : "no") << " (with default options)\n";
    if (s.trial_based) {
      std::cout << "epochs:";
      for (const auto& ep : s.epochs) std::cout << " " << ep;
      std::cout << "\n";
    }
    std::cout << "options (key=default unit, type, valid range):\n";
    print_options(e.options);
    return 0;
  }
  for (const auto& a : agent_registry()) {
    if (a.id != id) continue;
    std::cout << a.id << ": " << a.description << "\nhandles: " << a.spaces
              << "\noptions (key=default unit, type, valid range):\n";
    print_options(a.options);
    std::cout << "compatible envs:";
    std::vector<std::string> signals;
    bool built = false;
    for (const auto& e : env_registry()) {
      auto env = e.make({});
      if (!agent_env_mismatch(a, e.id, env->observation_space(), env->action_space()).empty()) continue;
      std::cout << " " << e.id;
      // the signal names, from the agent built for the first compatible env
      if (!built) signals = make_agent(a, env->observation_space(), env->action_space())->signal_names();
      built = true;
    }
    std::cout << "\nsignals (introspect(); --record, --overlay-signals):";
    for (const auto& n : signals) std::cout << " " << n;
    std::cout << (signals.empty() ? " (none)\n" : "\n");
    return 0;
  }
  std::string valid;
  for (const auto& e : env_registry()) valid += " " + e.id;
  for (const auto& a : agent_registry()) valid += " " + a.id;
  throw UsageError("unknown id '" + id + "'; valid env and agent ids:" + valid);
}
}  // namespace

void add_describe_command(CLI::App& app) {
  auto id = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("describe", "spaces, timing, epochs, options and source of an env or agent");
  sub->add_option("id", *id, "env or agent id")->required();
  on_chosen(*sub, [id](const std::string&) { return describe(*id); });
}

}  // namespace sgym::cli
