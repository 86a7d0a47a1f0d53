// sgym bench SUITE | --throughput | merge DIRS: benchmark suites over seeds and cores (the engine is
// benchmarks/bench.cpp), the throughput table, and the merge of sharded outputs.
#include <iostream>
#include <unistd.h>

#include "bench.hpp"
#include "commands.hpp"
#include "field_flags.hpp"
#include "common.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"

namespace sgym::cli {

namespace {

struct BenchCommandOptions {
  std::string suite_path, shard = "0/1";
  bench::BenchOptions bench;
  bool quick = false, throughput = false;
  std::vector<std::string> plugins;
  double throughput_seconds = 1.0;
  std::vector<std::string> merge_dirs;
  std::string merge_out;
};

// the flags of the bench options' fields that the bench's messages name
const FieldFlags kBenchFlags = {{"out_dir", "--out"}, {"resume", "--resume"}, {"shard", "--shard"}};

int bench_command(BenchCommandOptions& o, const std::string& command) {
  bench::BenchOptions& opts = o.bench;
  load_plugins(o.plugins);
  if (o.throughput) {
    const std::string md = bench::throughput(o.throughput_seconds);
    if (!opts.out_dir.empty()) {
      if (opts.out_dir.has_parent_path()) std::filesystem::create_directories(opts.out_dir.parent_path());
      write_file_atomic(opts.out_dir, md);
    }
    std::cout << md;
    return 0;
  }
  if (o.suite_path.empty()) throw UsageError("bench: name a suite file (see benchmarks/suites/)");
  const bench::Suite suite = bench::load_suite(o.suite_path, o.quick ? "quick" : "full");
  std::tie(opts.shard_index, opts.shard_count) = naming_flags(kBenchFlags, [&] { return bench::parse_shard(o.shard); });
  if (opts.out_dir.empty()) opts.out_dir = "runs/bench/" + suite.name + "-" + suite.budget;
  opts.progress = ::isatty(fileno(stderr));
  opts.command = command;
  const int ran = naming_flags(kBenchFlags, [&] { return bench::run_suite(suite, opts); });
  std::cout << "ran " << ran << " runs now\n\n" << read_file(opts.out_dir / "summary.md");
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto o = std::make_shared<BenchCommandOptions>();
  auto* bench_cmd = app.add_subcommand("bench", "run a benchmark suite (TOML/JSON) over seeds and cores");
  auto* suite = bench_cmd->add_option("suite", o->suite_path, "suite file, e.g. benchmarks/suites/pavlovian.toml");
  auto* quick = bench_cmd->add_flag("--quick", o->quick, "use the suite's quick budget instead of the full one");
  bench_cmd->add_option("--out", o->bench.out_dir, "output directory (default runs/bench/NAME-BUDGET); with --throughput, the Markdown file");
  auto* jobs = bench_cmd->add_option("--jobs", o->bench.jobs, "parallel runs (default: all cores)")->check(integer_in(1, kMaxJobs));
  auto* resume = bench_cmd->add_flag("--resume", o->bench.resume, "continue an interrupted bench in --out");
  auto* shard = bench_cmd->add_option("--shard", o->shard, "run only slice i of N (i/N, 0-based), for job arrays");
  add_plugin_option(*bench_cmd, o->plugins);
  // what the other mode would silently ignore: CLI11 refuses it, naming both flags
  auto* throughput = bench_cmd->add_flag("--throughput", o->throughput, "measure steps/s of every env and calls/s of every agent");
  for (auto* suite_only : {suite, quick, resume, shard, jobs}) throughput->excludes(suite_only);
  bench_cmd->add_option("--seconds", o->throughput_seconds, "with --throughput: seconds per figure")
      ->check(number_in(kMinSeconds, kMaxSeconds))
      ->needs(throughput);
  auto* merge_cmd = bench_cmd->add_subcommand("merge", "combine bench outputs (shards) into one summary");
  merge_cmd->add_option("dirs", o->merge_dirs, "bench output directories")->required();
  merge_cmd->add_option("--out", o->merge_out, "where to write the merged result")->required();
  bench_cmd->require_subcommand(0, 1);
  on_chosen(*merge_cmd, [o](const std::string& command) {
    naming_flags(kBenchFlags, [&] { bench::merge({o->merge_dirs.begin(), o->merge_dirs.end()}, o->merge_out, command); });
    std::cout << read_file(std::filesystem::path(o->merge_out) / "summary.md");
    return 0;
  });
  on_chosen(*bench_cmd, [o](const std::string& command) { return bench_command(*o, command); });
}

}  // namespace sgym::cli
