// sgym bench: suite validation, resume without loss or duplication, shards + merge == one run.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "bench.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"

using namespace sgym;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {
fs::path tmp(const std::string& name) {
  auto p = fs::temp_directory_path() / ("sgym-bench-" + std::to_string(::getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p.parent_path());
  return p;
}

fs::path write_suite(const std::string& name, const std::string& text) {
  const fs::path p = tmp(name);
  write_file_atomic(p, text);
  return p;
}

const char* kSuite = R"(
name = "mini"
seed = 3
[budget.quick]
episodes = 20
seeds = 3
[budget.full]
episodes = 40
seeds = 2
[[runs]]
name = "td"
env = "Pavlovian-v0"
agent = "td-critic"
env_options = { omission_prob = 0.3 }
record = ["rpe"]
[[runs]]
env = "Pavlovian-v0"
agent = "random"
seeds = [7, 8]
)";
}  // namespace

TEST_CASE("Suites are validated before anything runs", "[bench]") {
  const auto s = bench::load_suite(write_suite("ok.toml", kSuite), "quick");
  REQUIRE(s.runs.size() == 2);
  REQUIRE(s.runs[0].seeds == std::vector<std::uint64_t>{3, 4, 5});
  REQUIRE(s.runs[1].seeds == std::vector<std::uint64_t>{7, 8});
  REQUIRE(s.runs[1].name == "Pavlovian-v0__random");
  REQUIRE(s.runs[0].config.episodes == 20);
  REQUIRE(bench::load_suite(write_suite("ok2.toml", kSuite), "full").runs[0].config.episodes == 40);

  auto bad = [&](const std::string& text, const std::string& message) {
    INFO(text);
    REQUIRE_THROWS_WITH(bench::load_suite(write_suite("bad.toml", text), "quick"), Contains(message));
  };
  bad("name = 'x'\n[budget.quick]\nepisodes = 1\n", "lists no [[runs]]");
  bad("[budget.full]\nepisodes = 1\n[[runs]]\nenv='Pavlovian-v0'\nagent='random'\n", "no [budget.quick]");
  bad("colour = 1\n", "unknown key 'colour'");
  bad("[budget.quick]\n[[runs]]\nenv='Pavlovian'\nagent='random'\n", "did you mean 'Pavlovian-v0'");
  bad("[budget.quick]\n[[runs]]\nenv='Pavlovian-v0'\nagent='td-critic'\nagent_options={alpha=3}\n", "alpha must be in [0, 1]");
  bad("[budget.quick]\n[[runs]]\nenv='Pavlovian-v0'\nagent='random'\n[[runs]]\nenv='Pavlovian-v0'\nagent='random'\n", "two runs are named");
  bad("[budget.quick]\n[[runs]]\nenv='Pavlovian-v0'\nagent='random'\nseeds=0\n", "seeds must be >= 1");
  bad("[budget.quick\n", "line 1");
  REQUIRE_THROWS_WITH(bench::load_suite(write_suite("s.yaml", kSuite), "quick"), Contains(".toml or .json"));
  REQUIRE_THROWS_WITH(bench::parse_shard("2/2"), Contains("i < N"));
  REQUIRE(bench::parse_shard("1/3") == std::pair{1, 3});
}

TEST_CASE("Suites refuse duplicate seeds and names that are not plain folder names", "[bench]") {
  auto bad = [&](const std::string& text, const std::string& message) {
    INFO(text);
    REQUIRE_THROWS_WITH(bench::load_suite(write_suite("bad.toml", text), "quick"), Contains(message));
  };
  const std::string run = "[budget.quick]\n[[runs]]\nenv='Pavlovian-v0'\nagent='random'\n";
  // a seed twice ran twice into one folder (a write race with --jobs 2, counted twice with --jobs 1)
  bad(run + "seeds=[7, 3, 7]\n", "runs[0].seeds lists seed 7 twice");
  bad(run + "seeds=100001\n", "must be <= 100000");
  // names become folders: nothing may point outside the output folder
  for (const std::string name : {"../escape", "a/b", "..", ".", "-x", "a\\\\b", "", "x y"})
    bad(run + "name='" + name + "'\n", "runs[0].name '" + name + "' is not a plain folder name");
  bad("name='../../tmp/x'\n" + run, "the suite name '../../tmp/x' is not a plain folder name");
  bad(run + "record=['rpe', 'rpe']\n", "record names 'rpe' twice");
  REQUIRE_NOTHROW(bench::load_suite(write_suite("ok.toml", "name='td0.v2+x_y-z'\n" + run + "name='cerebellum+td-critic'\n"), "quick"));
}

TEST_CASE("A bench resumes without losing or duplicating runs", "[bench]") {
  const auto suite = bench::load_suite(write_suite("r.toml", kSuite), "quick");
  bench::BenchOptions o;
  o.out_dir = tmp("resume");
  o.jobs = 2;
  REQUIRE(bench::run_suite(suite, o) == 5);
  const std::string first = read_file(o.out_dir / "runs/td/seed-4/episodes.jsonl");
  // an interrupted run: summary missing, a partial file left behind
  fs::remove(o.out_dir / "runs/td/seed-4/summary.json");
  write_file_atomic(o.out_dir / "runs/td/seed-4/episodes.jsonl.partial", "{\"half\":");
  REQUIRE_THROWS_WITH(bench::run_suite(suite, o), Contains("resume") && !Contains("--resume"));
  o.resume = true;
  REQUIRE(bench::run_suite(suite, o) == 1);
  REQUIRE(read_file(o.out_dir / "runs/td/seed-4/episodes.jsonl") == first);
  REQUIRE_FALSE(fs::exists(o.out_dir / "runs/td/seed-4/episodes.jsonl.partial"));
  REQUIRE(bench::run_suite(suite, o) == 0);
  const auto summary = nlohmann::json::parse(read_file(o.out_dir / "summary.json"));
  REQUIRE(summary["groups"].size() == 2);
  REQUIRE(summary["groups"][0]["seeds"] == 3);
  REQUIRE(summary["groups"][1]["seeds"] == 2);
  REQUIRE_THAT(read_file(o.out_dir / "summary.md"), Contains("| td | Pavlovian-v0 | td-critic | 3 |"));
  // another suite in the same directory is refused
  const auto other = bench::load_suite(write_suite("r2.toml", kSuite), "full");
  REQUIRE_THROWS_WITH(bench::run_suite(other, o), Contains("another suite or budget"));
}

TEST_CASE("Shards merged give the same results as one bench", "[bench]") {
  const auto suite = bench::load_suite(write_suite("m.toml", kSuite), "quick");
  bench::BenchOptions whole, a, b;
  whole.out_dir = tmp("whole");
  a.out_dir = tmp("shard0");
  a.shard_index = 0;
  a.shard_count = 2;
  b.out_dir = tmp("shard1");
  b.shard_index = 1;
  b.shard_count = 2;
  REQUIRE(bench::run_suite(suite, whole) == 5);
  REQUIRE(bench::run_suite(suite, a) == 3);
  REQUIRE(bench::run_suite(suite, b) == 2);
  const fs::path merged = tmp("merged");
  bench::merge({a.out_dir, b.out_dir}, merged, "test");
  auto groups = [](const fs::path& d) {
    auto j = nlohmann::json::parse(read_file(d / "summary.json"))["groups"];
    for (auto& g : j) g.erase("env_steps_per_second");  // timing differs run to run
    return j;
  };
  REQUIRE(groups(merged) == groups(whole.out_dir));
  REQUIRE(read_file(merged / "runs/td/seed-5/episodes.jsonl") == read_file(whole.out_dir / "runs/td/seed-5/episodes.jsonl"));
  REQUIRE_THROWS_WITH(bench::merge({a.out_dir, a.out_dir}, tmp("dup"), "test"), Contains("is in both"));
}
