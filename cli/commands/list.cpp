// sgym list [envs|agents]: the registered envs (with their spaces) and agents (with what they handle).
#include <algorithm>
#include <iomanip>
#include <iostream>

#include "commands.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"

namespace sgym::cli {

namespace {
int list(const std::string& what) {
  // the id column is as wide as the longest id
  std::size_t w = 0;
  for (const auto& e : env_registry()) w = std::max(w, e.id.size());
  for (const auto& a : agent_registry()) w = std::max(w, a.id.size());
  const int col = static_cast<int>(w) + 2;
  if (what.empty() || what == "envs") {
    std::cout << "envs:\n";
    for (const auto& e : env_registry()) {
      auto env = e.make({});
      std::cout << "  " << std::left << std::setw(col) << e.id << e.description << "\n"
                << std::setw(col + 2) << "" << "obs " << env->observation_space().describe() << ", action "
                << env->action_space().describe() << "\n";
    }
  }
  if (what.empty() || what == "agents") {
    std::cout << "agents:\n";
    for (const auto& a : agent_registry())
      std::cout << "  " << std::left << std::setw(col) << a.id << a.description << "\n"
                << std::setw(col + 2) << "" << "handles " << a.spaces << "\n";
  }
  return 0;
}
}  // namespace

void add_list_command(CLI::App& app) {
  auto what = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("list", "list registered envs and agents");
  sub->add_option("what", *what, "envs or agents (default: both)")->check(CLI::IsMember({"envs", "agents"}));
  on_chosen(*sub, [what](const std::string&) { return list(*what); });
}

}  // namespace sgym::cli
