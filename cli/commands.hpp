// The sgym subcommands: each file cli/commands/<name>.cpp adds one subcommand to the CLI11 app and says what
// it does once the command line has parsed; cli/commands/command_list.inc lists them once (main.cpp adds
// them in that order and reports errors).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace sgym::cli {

/// What a subcommand does after a successful parse: returns the exit code; throws UsageError for bad
/// input (exit 2) or another exception for a runtime failure (exit 1). `command` is the whole command
/// line, written into outputs so that a result says how it was made.
using Action = std::function<int(const std::string& command)>;

/// Runs `action` when `sub` is given on the command line (the innermost given subcommand wins:
/// `sgym bench merge` runs merge's action, not bench's).
void on_chosen(CLI::App& sub, Action action);

/// The action chosen by the last parse (empty when none).
const Action& chosen_action();

/// add_<name>_command(app) of cli/commands/<name>.cpp adds the subcommand <name> to `app`.
#define SGYM_COMMAND(name) void add_##name##_command(CLI::App& app);
#include "commands/command_list.inc"
#undef SGYM_COMMAND

}  // namespace sgym::cli
