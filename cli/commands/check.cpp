// sgym check ID: the conformance harness on one env, and its 1000-step trajectory hash; for a choice
// task also its shortcut battery (each shortcut subject's score next to chance, and the oracle's).
#include <iomanip>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "sgym/agents.hpp"
#include "sgym/conformance.hpp"
#include "sgym/envs.hpp"
#include "sgym/io.hpp"

namespace sgym::cli {

namespace {
int check(const std::string& id, const KeyValues& options) {
  const EnvEntry& e = env_entry(id);
  e.make(options);  // bad options are a usage error, reported before any check
  CheckReport report = check_env([&] { return make_env(e, options); });
  if (e.chance) {
    // a choice task: its shortcut subjects at chance, its oracle solving it (docs/science.md)
    const CheckReport battery = check_battery(score_battery(e, agent_registry()));
    report.checks.insert(report.checks.end(), battery.checks.begin(), battery.checks.end());
  }
  for (const auto& c : report.checks)
    std::cout << (c.passed ? "PASS " : "FAIL ") << c.name << (c.detail.empty() ? "" : ": " + c.detail) << "\n";
  int failed = 0;
  for (const auto& c : report.checks) failed += !c.passed;
  std::ostringstream h;
  h << std::hex << std::setw(16) << std::setfill('0') << report.golden_hash;
  std::cout << "trajectory hash (1000 steps): " << h.str() << "\n"
            << report.checks.size() - failed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

struct CheckOptions {
  std::string id;
  std::vector<std::string> env_opts;
};
}  // namespace

void add_check_command(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  auto* sub = app.add_subcommand("check", "run the conformance harness on one env (a choice task also runs its shortcut battery at its battery options)");
  sub->add_option("id", o->id, "env id")->required();
  sub->add_option("--env-opt", o->env_opts, "env option key=value (repeatable)");
  on_chosen(*sub, [o](const std::string&) { return check(o->id, parse_key_values(o->env_opts, "--env-opt")); });
}

}  // namespace sgym::cli
