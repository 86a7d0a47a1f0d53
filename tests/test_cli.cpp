// The sgym command: each subcommand and every error path, with the exit codes 0 / 1 / 2.
#include <catch2/catch.hpp>
#include <filesystem>

#include "cli_support.hpp"
#include "sgym/io.hpp"

using Catch::Matchers::Contains;
using sgym::test::run_sgym;
using sgym::test::tmp;

TEST_CASE("sgym list", "[cli]") {
  auto r = run_sgym("list");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("Pavlovian-v0") && Contains("td-critic") && Contains("random") && Contains("Discrete(1)"));
  r = run_sgym("list agents");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("td-critic"));
  REQUIRE(r.out.find("Pavlovian-v0") == std::string::npos);
  r = run_sgym("list things");
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains("envs") && Contains("agents"));
}

TEST_CASE("sgym describe", "[cli]") {
  auto r = run_sgym("describe Pavlovian-v0");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("Schultz") && Contains("epochs: pre_cs cs delay us post_us") &&
                      Contains("reward_delay_ms=1000 ms") && Contains("csc") && Contains("dt 100 ms"));
  r = run_sgym("describe td-critic");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("lambda=0") && Contains("compatible envs: Pavlovian-v0"));
  REQUIRE_THAT(r.out, Contains("signals (introspect(); --record, --overlay-signals): rpe value\n"));
  // which time constants are per step and which in ms
  REQUIRE_THAT(r.out, Contains("gamma=0.98 per step") && Contains("trace_ms=0 ms"));
  r = run_sgym("describe td-actor-critic");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("lambda=0.5 per step") && Contains("trace_ms=0 ms") && Contains("discount_ms=0 ms"));
  r = run_sgym("describe augment");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("lambda=0.2 per step") && Contains("gamma=0.9 per step"));
  r = run_sgym("describe Nothing-v0");
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains("unknown id 'Nothing-v0'") && Contains("Pavlovian-v0"));
}

TEST_CASE("sgym check", "[cli]") {
  auto r = run_sgym("check Pavlovian-v0");
  REQUIRE(r.code == 0);
  REQUIRE(r.out.find("PASS different seeds diverge") == std::string::npos);  // deterministic by default
  REQUIRE_THAT(r.out, Contains("PASS declared deterministic") && Contains("0 failed"));
  r = run_sgym("check Pavlovian-v0 --env-opt omission_prob=0.5");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("PASS different seeds diverge"));
  r = run_sgym("check Pavlovian");
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains("did you mean 'Pavlovian-v0'"));
  r = run_sgym("check Pavlovian-v0 --env-opt dt_ms=abc");
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains("dt_ms must be a number"));
  // a choice task: each shortcut subject's score next to chance, and the oracle's
  r = run_sgym("check DelayMatchCategory-v0");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("PASS DelayMatchCategory-v0 (defaults): shortcut delay-match-category-shortcut-test-only at chance") &&
                          Contains("chance 50.0 %") && Contains("oracle solves the task: delay-match-category-oracle: 100.0 % correct"));
  REQUIRE(run_sgym("check Pavlovian-v0").out.find("shortcut") == std::string::npos);  // not a choice task
}

TEST_CASE("sgym run", "[cli]") {
  const std::string out = tmp("ok");
  auto r = run_sgym("run --env Pavlovian-v0 --agent td-critic --episodes 50 --seed 2 --out " + out +
                " --record rpe,value --env-opt probe_every=5 --eval-every 25");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("| Pavlovian-v0 | td-critic | 2 | 50 |") && Contains("| rpe | omission | us |"));
  REQUIRE(r.out.find("ETA") == std::string::npos);  // no progress bar when not a terminal
  REQUIRE(std::filesystem::exists(out + "/summary.json"));
  REQUIRE_THAT(sgym::read_file(out + "/summary.json"), Contains("--record rpe,value"));
  // the runner's message names the configuration's fields; the command line adds their flags
  r = run_sgym("run --env Pavlovian-v0 --agent td-critic --episodes 5 --out " + out);
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains("out_dir: ") && Contains("(on the command line: out_dir is --out, resume is --resume, overwrite is --overwrite)"));

  SECTION("usage errors exit 2 and name the valid choices") {
    r = run_sgym("run --env Pavlovian-v0 --agent td --episodes 5 --out " + tmp("e1"));
    REQUIRE(r.code == 2);
    REQUIRE_THAT(r.out, Contains("unknown agent 'td'") && Contains("td-critic"));
    r = run_sgym("run --env Pavlovian-v0 --agent td-critic --agent-opt speed=3 --out " + tmp("e2"));
    REQUIRE(r.code == 2);
    REQUIRE_THAT(r.out, Contains("unknown option 'speed'") && Contains("alpha=0.1"));
    r = run_sgym("run --env Pavlovian-v0 --agent td-critic --env-opt reward --out " + tmp("e3"));
    REQUIRE(r.code == 2);
    REQUIRE_THAT(r.out, Contains("expected key=value"));
    r = run_sgym("run --env Pavlovian-v0 --agent td-critic");
    REQUIRE(r.code == 2);
    REQUIRE_THAT(r.out, Contains("--out"));
    r = run_sgym("run --env Pavlovian-v0 --agent td-critic --episodes -3 --out " + tmp("e4"));
    REQUIRE(r.code == 2);
    r = run_sgym("run --env Pavlovian-v0 --agent td-critic --record dopamine --out " + tmp("e5"));
    REQUIRE(r.code == 2);
    REQUIRE_THAT(r.out, Contains("rpe, value"));
    r = run_sgym("run --env Pavlovian-v0 --agent td-critic --criterion fast --out " + tmp("e6"));
    REQUIRE(r.code == 2);
    r = run_sgym("");
    REQUIRE(r.code == 2);
    r = run_sgym("fly");
    REQUIRE(r.code == 2);
  }
  SECTION("runtime failures exit 1 without a stack trace") {
    const std::string file = tmp("a-file");
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    sgym::write_file_atomic(file, "x");
    r = run_sgym("run --env Pavlovian-v0 --agent td-critic --episodes 2 --out " + file + "/sub");
    REQUIRE(r.code == 1);
    REQUIRE_THAT(r.out, Contains("sgym: error:"));
  }
  SECTION("help exits 0") {
    r = run_sgym("run --help");
    REQUIRE(r.code == 0);
    REQUIRE_THAT(r.out, Contains("--agent-opt"));
  }
}

TEST_CASE("sgym bench", "[cli][bench]") {
  const std::string suite = std::string(SGYM_SOURCE_DIR) + "/benchmarks/suites/pavlovian.toml";
  const std::string out = tmp("bench");
  auto r = run_sgym("bench " + suite + " --quick --jobs 2 --out " + out);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("| td0 | Pavlovian-v0 | td-critic | 4 |") && Contains("| td0 | rpe | omission | us |"));
  r = run_sgym("bench " + suite + " --quick --out " + out);
  REQUIRE(r.code == 2);
  // the bench's message names its fields; the command line adds the flags that set them
  REQUIRE_THAT(r.out, Contains("set resume") && Contains("resume is --resume") && Contains("out_dir is --out"));
  r = run_sgym("bench " + suite + " --quick --resume --out " + out);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("ran 0 runs now"));
  r = run_sgym("bench");
  REQUIRE(r.code == 2);
  r = run_sgym("bench " + suite + " --shard 3/2 --out " + tmp("b2"));
  REQUIRE(r.code == 2);
  r = run_sgym("bench merge " + out + " --out " + tmp("b3"));
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("| td-lambda |"));
}

TEST_CASE("sgym bench --throughput", "[cli][bench]") {
  const std::string out = tmp("throughput.md");
  auto r = run_sgym("bench --throughput --seconds 0.01 --out " + out);
  REQUIRE(r.code == 0);
  const std::string md = sgym::read_file(out);
  REQUIRE_THAT(md, Contains("| Pavlovian-v0 |") && Contains("| td-critic | Pavlovian-v0 |") && Contains("Machine:"));
}

TEST_CASE("sgym run with a composed agent id (wrapper+inner)", "[cli]") {
  auto r = run_sgym("run --env Pavlovian-v0 --agent cerebellum+td-critic --episodes 5 --out " + tmp("composed"));
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("| Pavlovian-v0 | cerebellum+td-critic |"));
  r = run_sgym("run --env Pavlovian-v0 --agent td-critic+random --episodes 5 --out " + tmp("composed2"));
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains("does not wrap other agents"));
  r = run_sgym("run --env Pavlovian-v0 --agent cerebellum+nothing --episodes 5 --out " + tmp("composed3"));
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains("unknown agent 'nothing'"));
}
