// `sgym bench`: suites of agent-vs-env runs over many seeds, spread over cores, resumable,
// shardable across machines, aggregated into summary.json and summary.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sgym/runner.hpp"

namespace sgym::bench {

/// One run of a suite: an env × agent pair with options, over several seeds.
struct SuiteRun {
  std::string name;  ///< unique within the suite; "<env>__<agent>" by default
  RunConfig config;  ///< everything but seed, out_dir, command
  std::vector<std::uint64_t> seeds;
};

/// A parsed suite with one budget (quick or full) applied.
struct Suite {
  std::string name, description, budget;
  std::vector<SuiteRun> runs;
  std::string canonical;  ///< the expanded suite as JSON, to detect a changed suite on --resume
};

/// Reads a suite file (.toml or .json) and applies the "quick" or "full" budget; every id and
/// option is validated here, so a bad suite fails before any run starts (UsageError).
Suite load_suite(const std::filesystem::path& path, const std::string& budget);

/// How to run a suite.
struct BenchOptions {
  std::filesystem::path out_dir;
  int jobs = 0;          ///< parallel runs; 0 = all cores
  bool resume = false;   ///< continue in an existing out_dir, skipping completed runs
  int shard_index = 0;   ///< run only jobs j with j % shard_count == shard_index
  int shard_count = 1;
  bool progress = false; ///< redraw a progress line on stderr (a terminal)
  std::string command;   ///< the command line, for provenance
};

/// Parses "i/N" (0 <= i < N); throws UsageError.
std::pair<int, int> parse_shard(const std::string& text);

/// Runs the suite's jobs (those of this shard not yet complete) and writes the aggregate.
/// Returns the number of jobs run now.
int run_suite(const Suite& suite, const BenchOptions& options);

/// Aggregates the completed runs found under the given bench output directories into out_dir
/// (copying their run directories there); a run/seed present in two inputs is an error.
void merge(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out_dir,
           const std::string& command);

/// Writes summary.json and summary.md for the completed runs under dir/runs.
void aggregate(const std::filesystem::path& dir, const std::string& command);

/// Measures, for every registered env, steps/s with a null action on one thread, with the random
/// agent, and as a VectorEnv on all cores; and for every agent, act+observe calls/s on its
/// reference env (the first registered env it can handle). Each figure runs for about
/// `seconds`. Returns a Markdown report with the machine description.
std::string throughput(double seconds);

}  // namespace sgym::bench
