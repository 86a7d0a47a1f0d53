// sgym: list, describe, run and check Synaptic Gym environments and agents.
// Exit codes: 0 ok, 2 usage error (unknown id or option, bad value), 1 runtime failure.
// Each subcommand lives in its own file (cli/commands/<name>.cpp), listed once in
// cli/commands/command_list.inc, which main() adds in its order.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "sgym/error.hpp"

namespace sgym::cli {

namespace {
Action& chosen() {
  static Action action;
  return action;
}
}  // namespace

void on_chosen(CLI::App& sub, Action action) {
  // CLI11 runs the callbacks of nested subcommands before their parent's: the first one set wins
  sub.callback([action = std::move(action)] {
    if (!chosen()) chosen() = action;
  });
}

const Action& chosen_action() { return chosen(); }

}  // namespace sgym::cli

int main(int argc, char** argv) {
  using namespace sgym::cli;
  CLI::App app{"sgym: neuroscience tasks and biologically plausible learning agents"};
  app.require_subcommand(1);
#define SGYM_COMMAND(name) add_##name##_command(app);
#include "commands/command_list.inc"
#undef SGYM_COMMAND

  // a first word that is no subcommand: say so and list them (CLI11 would only say one is required)
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      known = known || sub->get_name() == argv[1];
    }
    if (!known) {
      std::cerr << "sgym: '" << argv[1] << "' is not a subcommand; the subcommands are " << names
                << "\n(run 'sgym --help' or 'sgym COMMAND --help')\n";
      return 2;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "sgym: " << e.what() << "\n(run 'sgym --help' or 'sgym COMMAND --help')\n";
    return 2;
  }

  try {
    std::string command;
    for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
    return chosen_action()(command);
  } catch (const sgym::UsageError& e) {
    std::cerr << "sgym: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sgym: error: " << e.what() << "\n";
    return 1;
  }
}
