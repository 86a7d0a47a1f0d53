// Published experiments as named entries: `sgym experiment NAME [--quick] [--jobs N] [--out DIR]
// [--seed S] [--set key=value ...]`. Each experiment is one file in benchmarks/ that returns its entry
// and one line in benchmarks/experiment_list.inc. An entry declares its parameters like an env's
// options (typed, with ranges and defaults; `sgym experiment describe NAME` lists them), the values its
// --quick budget uses, and the figures it draws from its own output directory, so that `sgym plot DIR`
// draws an experiment as it draws a run or a bench.
//
// One seed convention: network (or run) i of an experiment with base seed S uses mix_seed(S, i).
// One output layout: DIR/experiment.json (name, parameters, seed, jobs, build, command, wall time),
// DIR/summary.md (the report, also printed), and the experiment's data files (CSV) beside them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sgym/analysis.hpp"
#include "sgym/options.hpp"

namespace sgym::experiment {

/// What an experiment run gets.
struct Context {
  KeyValues params;             ///< the parameters given (--quick values, then --set), canonical names
  std::uint64_t seed = 1;       ///< base seed: network i uses mix_seed(seed, i)
  int jobs = 1;                 ///< worker threads (results never depend on it)
  bool quick = false;           ///< the quick budget was asked for
  std::filesystem::path out;    ///< the output directory (exists and was empty)
  std::ostream* report = nullptr;  ///< the Markdown report: printed and saved as summary.md

  std::ostream& md() const { return *report; }
  /// Writes DIR/name atomically.
  void write(const std::string& name, const std::string& bytes) const;
};

/// One figure of an experiment: a table per seed (network) and how to draw it.
using Figure = TableFigure;

struct Entry {
  std::string name;         ///< e.g. "augment-dmc"
  std::string reproduces;   ///< the published result it reproduces (paper, figure)
  std::string results;      ///< the committed results page, e.g. "benchmarks/results/augment-dmc.md"
  std::string description;  ///< one line
  std::vector<OptionDoc> params;  ///< its parameters (an OptionSet's docs)
  KeyValues quick;          ///< parameter values of --quick (a smoke-sized run, not the published budget)
  /// Runs the experiment; throws UsageError for bad parameters (before any work where possible).
  std::function<void(const Context&)> run;
  /// The figures of a finished run's output directory (empty: the experiment draws none).
  std::function<std::vector<Figure>(const std::filesystem::path& dir)> figures;
};

/// The registered experiments, in listing order (benchmarks/experiment_list.inc).
const std::vector<Entry>& registry();

/// The experiment of this name; UsageError listing the names otherwise.
const Entry& find(const std::string& name);

/// Options of one `sgym experiment NAME` invocation.
struct Invocation {
  std::string name;
  bool quick = false;
  int jobs = 1;
  std::uint64_t seed = 1;
  std::filesystem::path out;  ///< empty: runs/experiment/NAME (-quick appended with --quick)
  KeyValues set;              ///< --set key=value
  std::string command;        ///< the command line, recorded in experiment.json
};

/// Validates, creates the output directory (refusing one that exists and is not empty), runs the
/// experiment, writes experiment.json and summary.md, and returns the output directory.
std::filesystem::path run(const Invocation& inv, std::ostream& out);

/// The figures of an experiment output directory (DIR/experiment.json names the experiment);
/// UsageError when DIR holds no experiment.json.
std::vector<Figure> figures_of(const std::filesystem::path& dir);

/// The parameters an experiment directory was made with (experiment.json's params, every one).
KeyValues params_of(const std::filesystem::path& dir);

/// Runs f(i) for i in [0, n) on `jobs` threads (work is handed out in order; f must write only to
/// its own slot). Rethrows the first exception of any worker after all have stopped.
void parallel_for(int n, int jobs, const std::function<void(int)>& f);

/// printf into a stream (the reports keep the programs' printf formats).
void say(std::ostream& o, const char* format, ...) __attribute__((format(printf, 2, 3)));

/// "key=value key=value ..." (a text parameter holding env or agent options) as KeyValues;
/// UsageError naming the parameter for an item without '='.
KeyValues key_values(const std::string& text, const std::string& param);

/// Refuses options the experiment sets itself: UsageError "experiment NAME: PARAM KEY is set by the
/// experiment (WHY)" for the first key of `kv` among `reserved`.
void refuse_keys(const KeyValues& kv, std::initializer_list<std::string_view> reserved, const std::string& experiment,
                 const std::string& param, const std::string& why);

/// Refuses an env the experiment's agent is not written for: UsageError "experiment NAME: PARAM ENV:
/// AGENT <why>" from the agent's entry (its envs and its compatibility check); an unknown env id
/// is refused listing the registered ones.
void require_agent_on(const std::string& agent, const std::string& env, const std::string& experiment, const std::string& param);

/// The lines of a CSV file split at commas (header first); UsageError naming the file when missing.
std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path);

}  // namespace sgym::experiment

