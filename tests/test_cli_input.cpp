// Hostile and careless input to the sgym command (issue 15 items 3-6): every case exits 2 with a
// message that names the input, never a crash, a silent clamp or silently ignored input.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli_support.hpp"
#include "sgym/io.hpp"

using Catch::Matchers::Contains;
using sgym::test::run_sgym;
using sgym::test::tmp;
namespace fs = std::filesystem;

namespace {

const std::string kRun = "run --env Pavlovian-v0 --agent td-critic --episodes 2 ";

// exit 2 and every one of `parts` in the message
void refused(const std::string& args, const std::vector<std::string>& parts) {
  const auto r = run_sgym(args);
  INFO("sgym " << args << "\n" << r.out);
  REQUIRE(r.code == 2);
  for (const auto& p : parts) REQUIRE_THAT(r.out, Contains(p));
  // readable: no number of more than 20 digits (the old range messages printed DBL_MAX in full)
  REQUIRE_FALSE(std::regex_search(r.out, std::regex("[0-9]{21,}")));
}

std::string plugin(const std::string& variant) { return std::string(SGYM_TEST_PLUGIN_DIR) + "/" + variant + ".so"; }

// a two-seed suite of a few episodes, written to DIR/NAME.toml
std::string small_suite(const std::string& dir, const std::string& agent = "random") {
  fs::create_directories(dir);
  const std::string path = dir + "/small.toml";
  sgym::write_file_atomic(path, "name = 'small'\n[budget.quick]\nepisodes = 3\nseeds = 2\n[[runs]]\nname = 'r'\n"
                                "env = 'Pavlovian-v0'\nagent = '" + agent + "'\n");
  return path;
}

}  // namespace

TEST_CASE("Numeric flags have bounds and readable messages", "[cli][input]") {
  const std::string out = " --out " + tmp("numbers");
  refused(kRun + "--seed -1" + out, {"--seed", "'-1' is out of range", "2^64 - 1"});
  refused(kRun + "--seed 18446744073709551616" + out, {"--seed", "'18446744073709551616' is out of range"});
  refused(kRun + "--seed abc" + out, {"--seed", "'abc' is not an integer"});
  refused(kRun + "--seed 1e3" + out, {"--seed", "not an integer"});
  refused(kRun + "--obs-delay 1000000000" + out, {"--obs-delay", "out of range", "[0, 100000]"});
  // within the flag's bound but longer than the episode: named by the wrapper, with the env's limit
  refused(kRun + "--obs-delay 5000" + out, {"max_episode_steps", "Pavlovian-v0", "5000"});
  refused(kRun + "--obs-noise nan" + out, {"--obs-noise", "not a finite number"});
  refused(kRun + "--obs-noise 1e400" + out, {"--obs-noise", "not a finite number"});
  refused("run --env Pavlovian-v0 --agent td-critic --episodes 0" + out, {"--episodes", "'0' is out of range", "[1, 100000000]"});
  refused("run --env Pavlovian-v0 --agent td-critic --episodes abc" + out, {"--episodes", "'abc' is not an integer"});
  refused("run --env Pavlovian-v0 --agent td-critic --episodes " + std::string(300, '9') + out,
          {"--episodes", "is out of range", "..."});
  refused(kRun + "--eval-episodes 0" + out, {"--eval-episodes", "out of range"});
  refused("bench --throughput --seconds 0", {"--seconds", "out of range"});
  refused("bench x.toml --jobs 0", {"--jobs", "'0' is out of range"});
  refused("replay x.jsonl --seed -3", {"--seed", "'-3' is out of range"});
  refused("record --env Pavlovian-v0 --agent random --out x.gif --width 99999", {"--width", "[16, 8192]"});
  refused("gallery d --width abc", {"--width", "not an integer"});
  REQUIRE_FALSE(fs::exists(tmp("numbers")));
  // the largest seed is still a seed
  const std::string max_seed = tmp("max-seed");
  const auto r = run_sgym(kRun + "--seed 18446744073709551615 --no-progress --out " + max_seed);
  INFO(r.out);
  REQUIRE(r.code == 0);
  REQUIRE(nlohmann::json::parse(sgym::read_file(max_seed + "/summary.json"))["seed"] == 18446744073709551615ull);
}

TEST_CASE("Input that would be silently ignored is refused", "[cli][input]") {
  const std::string out = " --out " + tmp("ignored");
  refused(kRun + "--env-opt omission_prob=0.1 --env-opt omission_prob=0.5" + out,
          {"--env-opt", "'omission_prob' is given twice", "omission_prob=0.1", "omission_prob=0.5"});
  refused(kRun + "--agent-opt alpha=0.1 --agent-opt alpha=0.2" + out, {"--agent-opt", "'alpha' is given twice"});
  refused("check Pavlovian-v0 --env-opt dt_ms=100 --env-opt dt_ms=50", {"'dt_ms' is given twice"});
  refused(kRun + "--render-out x.gif" + out, {"--render-out", "--render"});
  refused(kRun + "--render-width 100" + out, {"--render-width", "--render"});
  refused(kRun + "--render human --render-out x.gif" + out, {"--render-out", "--render rgb"});
  refused(kRun + "--record rpe,rpe" + out, {"--record", "'rpe' is named twice"});
  refused(kRun + "--record rpe --record value,rpe" + out, {"--record", "'rpe' is named twice"});
  refused("bench --seconds 2", {"--seconds", "--throughput"});
  refused("bench --throughput --jobs 2", {"--throughput", "--jobs"});
  refused("bogus", {"'bogus' is not a subcommand", "list, describe, check, run, bench"});
  refused("rn --env Pavlovian-v0", {"'rn' is not a subcommand"});
  REQUIRE_FALSE(fs::exists(tmp("ignored")));
}

TEST_CASE("Broken agent plugins are refused naming the file, and --agent-plugin works everywhere", "[cli][input][plugin]") {
  const std::string out = " --out " + tmp("plugin");
  for (const auto& [variant, message] : std::vector<std::pair<std::string, std::string>>{
           {"null_info", "returned no PluginInfo"},
           {"null_register", "no registration function"},
           {"no_factory", "agent 'plugin-no-factory' has no factory"},
           {"empty_id", "registers an agent with an empty id"},
           {"slash_id", "registers agent '../evil'"}}) {
    const std::string file = plugin(variant);
    REQUIRE(fs::exists(file));
    refused("run --agent-plugin " + file + " --env Pavlovian-v0 --agent random --episodes 2" + out, {file, message});
    refused("list --agent-plugin " + file, {file, message});
  }
  refused("run --agent-plugin " + plugin("good") + " --agent-plugin " + plugin("good") +
              " --env Pavlovian-v0 --agent plugin-random" + out,
          {plugin("good"), "given twice"});
  REQUIRE_FALSE(fs::exists(tmp("plugin")));

  const std::string good = " --agent-plugin " + plugin("good");
  auto r = run_sgym("list agents" + good);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("plugin-random"));
  r = run_sgym("describe plugin-random" + good);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("compatible envs: Pavlovian-v0"));
  r = run_sgym(kRun.substr(0, kRun.find("td-critic")) + "plugin-random --episodes 3 --no-progress" + good +
               " --out " + tmp("plugin-run"));
  REQUIRE(r.code == 0);
  // a suite that names a plugin agent
  const std::string suite = small_suite(tmp("plugin-suite"), "plugin-random");
  r = run_sgym("bench " + suite + " --quick --jobs 1" + good + " --out " + tmp("plugin-bench"));
  INFO(r.out);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("| r | Pavlovian-v0 | plugin-random | 2 |"));
  refused("bench " + suite + " --quick --out " + tmp("plugin-bench2"), {"unknown agent 'plugin-random'"});
  // record and play load plugins before any window or file (in a build with the renderer)
  for (const std::string& cmd : {"record --out " + tmp("p.gif"), std::string("play")}) {
    r = run_sgym(cmd + " --env Pavlovian-v0 --agent plugin-random --agent-plugin " + plugin("null_info"));
    if (r.out.find("no renderer") != std::string::npos) continue;
    INFO(r.out);
    REQUIRE(r.code == 2);
    REQUIRE_THAT(r.out, Contains(plugin("null_info")));
  }
}

TEST_CASE("bench --resume reruns a seed whose summary.json is damaged, and says so", "[cli][input][bench]") {
  const std::string suite = small_suite(tmp("damaged-suite"));
  const std::string out = tmp("damaged");
  auto r = run_sgym("bench " + suite + " --quick --jobs 1 --out " + out);
  REQUIRE(r.code == 0);
  const fs::path summary = fs::path(out) / "runs" / "r" / "seed-1" / "summary.json";
  const std::string whole = sgym::read_file(summary);
  // cut mid-file, as a kill during a non-atomic copy or a full disk would leave it
  sgym::write_file_atomic(summary, whole.substr(0, whole.size() / 2));
  r = run_sgym("bench " + suite + " --quick --jobs 1 --resume --out " + out);
  INFO(r.out);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains(summary.string() + " is damaged") && Contains("running r seed 1 again") &&
                          Contains("ran 1 runs now"));
  // the same run again (timing fields aside)
  const auto before = nlohmann::json::parse(whole), after = nlohmann::json::parse(sgym::read_file(summary));
  REQUIRE(after["final_mean_return"] == before["final_mean_return"]);
  REQUIRE(after["total_steps"] == before["total_steps"]);
}
