// The sgym subcommands: each file cli/commands/<name>.cpp adds one subcommand to the CLI11 app and says what
// it does once the command line has parsed; main.cpp lists them once and reports errors.
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

void add_list_command(CLI::App& app);
void add_describe_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_record_command(CLI::App& app);
void add_play_command(CLI::App& app);
void add_replay_command(CLI::App& app);
void add_gallery_command(CLI::App& app);
void add_plot_command(CLI::App& app);
void add_experiment_command(CLI::App& app);

}  // namespace sgym::cli
