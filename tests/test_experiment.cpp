// sgym experiment: the registry, the one flag vocabulary (quick, jobs, seed, out, set), the output
// layout (experiment.json, summary.md, CSV files), results independent of the thread count, and the
// figures sgym plot draws from an experiment directory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unistd.h>

#include "curve_tracing.hpp"
#include "experiment.hpp"
#include "plot.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/interact.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/rng.hpp"

using Catch::Matchers::Contains;
namespace fs = std::filesystem;
namespace ex = sgym::experiment;

namespace {

fs::path scratch(const std::string& name) {
  auto p = fs::temp_directory_path() / ("sgym-experiment-" + std::to_string(::getpid())) / name;
  fs::remove_all(p);
  return p;
}

/// The invocation of an experiment's quick budget into out (for inputs that must be refused).
ex::Invocation quick_invocation(const std::string& name, const fs::path& out) {
  ex::Invocation inv;
  inv.name = name;
  inv.quick = true;
  inv.out = out;
  return inv;
}

fs::path run_quick(const std::string& name, const fs::path& out, int jobs, std::uint64_t seed = 7) {
  ex::Invocation inv;
  inv.name = name;
  inv.quick = true;
  inv.jobs = jobs;
  inv.seed = seed;
  inv.out = out;
  inv.command = "test";
  std::ostringstream report;
  return ex::run(inv, report);
}

}  // namespace

TEST_CASE("experiment registry: unique names, documented parameters, valid quick values", "[experiment]") {
  std::set<std::string> names;
  REQUIRE_FALSE(ex::registry().empty());
  for (const ex::Entry& e : ex::registry()) {
    INFO(e.name);
    CHECK(names.insert(e.name).second);
    CHECK_FALSE(e.reproduces.empty());
    CHECK(fs::exists(fs::path(SGYM_SOURCE_DIR) / e.results));
    CHECK_FALSE(e.params.empty());
    CHECK(e.run);
    for (const auto& [k, v] : e.quick) {
      INFO(k);
      CHECK(std::any_of(e.params.begin(), e.params.end(), [&](const sgym::OptionDoc& d) { return d.key == k; }));
    }
  }
  CHECK_THROWS_WITH(ex::find("augment-dmcc"), Contains("augment-dmc") && Contains("sgym experiment list"));
}

TEST_CASE("experiment: every experiment's quick budget runs, writes the layout and draws figures", "[experiment]") {
  for (const ex::Entry& e : ex::registry()) {
    INFO(e.name);
    const fs::path out = scratch(e.name);
    run_quick(e.name, out, 2);
    REQUIRE(fs::exists(out / "experiment.json"));
    const auto j = nlohmann::json::parse(sgym::read_file(out / "experiment.json"));
    CHECK(j["experiment"] == e.name);
    CHECK(j["seed"] == 7);
    CHECK(j["quick"] == true);
    for (const sgym::OptionDoc& d : e.params) CHECK(j["params"].contains(d.key));  // every parameter as run
    for (const auto& [k, v] : e.quick) CHECK(j["params"][k] == v);
    CHECK(sgym::read_file(out / "summary.md").size() > 100);
    const auto figures = ex::figures_of(out);
    CHECK_FALSE(figures.empty());
    for (const auto& f : figures) {
      INFO(f.name);
      CHECK_FALSE(f.seeds.empty());
      for (const auto& t : f.seeds) CHECK_FALSE(t.rows.empty());
    }
  }
}

TEST_CASE("experiment: results do not depend on --jobs, and depend on --seed", "[experiment]") {
  for (const std::string name : {"augment-dmc", "perceptual-learner-orientation", "np-actor-critic-bci", "cerebellar-reach-adaptation"}) {
    INFO(name);
    const fs::path a = scratch(name + "-j1"), b = scratch(name + "-j2"), c = scratch(name + "-s8");
    run_quick(name, a, 1);
    run_quick(name, b, 2);
    run_quick(name, c, 1, 8);
    int files = 0;
    for (const auto& f : fs::directory_iterator(a)) {
      if (f.path().extension() != ".csv") continue;
      ++files;
      INFO(f.path().filename().string());
      CHECK(sgym::read_file(f.path()) == sgym::read_file(b / f.path().filename()));
    }
    CHECK(files >= 2);
    bool differs = false;
    for (const auto& f : fs::directory_iterator(a))
      if (f.path().extension() == ".csv") differs = differs || sgym::read_file(f.path()) != sgym::read_file(c / f.path().filename());
    CHECK(differs);
  }
}

TEST_CASE("experiment: figures are drawn with the parameters the run was made with", "[experiment]") {
  const fs::path out = scratch("saccade-params");
  run_quick("augment-saccade", out, 2);
  const auto figures = ex::figures_of(out);
  REQUIRE(figures.size() == 1);
  REQUIRE(figures[0].seeds.size() == 1);
  // the x axis ends at the run's trial cap (the quick value), not at the default 25,000
  CHECK(figures[0].seeds[0].rows.rbegin()->first == 10000);
  CHECK_THAT(figures[0].spec.series[0].title, Contains("shaping on"));
}

TEST_CASE("experiment augment-rrc: the quick budget writes one row per gain, learner and network", "[experiment]") {
  const fs::path a = scratch("rrc-j1"), b = scratch("rrc-j2"), c = scratch("rrc-s8");
  run_quick("augment-rrc", a, 1);
  const std::string summary = sgym::read_file(a / "summary.md");
  for (const char* learner : {"| attention-gated |", "| un-gated control (attention_gate=false) |", "| no feedback gate (gate=false, no map) |"})
    CHECK_THAT(summary, Contains(learner));
  CHECK_THAT(summary, Contains("unattended gain (peripheral_acuity) = 0.8") && Contains("mix_seed(7, i)"));
  const auto rows = ex::read_csv(a / "networks.csv");
  REQUIRE(rows.size() == 1 + 3 * 3);  // header, then 1 gain x 3 learners x 3 networks
  CHECK(rows[0].size() == 12);
  CHECK(rows[1][3] == std::to_string(sgym::mix_seed(7, 0)));  // network i uses mix_seed(seed, i)
  CHECK(rows[2][3] == std::to_string(sgym::mix_seed(7, 1)));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == 12);
    CHECK(rows[r][0] == "0.8");
    for (std::size_t k = 4; k < 9; ++k) {  // accuracies and shares are fractions
      CHECK(std::stod(rows[r][k]) >= 0.0);
      CHECK(std::stod(rows[r][k]) <= 1.0);
    }
  }
  // results do not depend on --jobs, and depend on --seed
  run_quick("augment-rrc", b, 2);
  run_quick("augment-rrc", c, 1, 8);
  CHECK(sgym::read_file(a / "networks.csv") == sgym::read_file(b / "networks.csv"));
  CHECK(sgym::read_file(a / "networks.csv") != sgym::read_file(c / "networks.csv"));
  const auto figures = ex::figures_of(a);
  REQUIRE(figures.size() == 1);
  CHECK(figures[0].seeds.size() == 3);  // one table per network
  // bad gains and options set by the experiment are refused before any work
  ex::Invocation inv;
  inv.name = "augment-rrc";
  inv.quick = true;
  inv.out = scratch("rrc-refused");
  std::ostringstream report;
  inv.set = {{"gains", "0.8 high"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("gains") && Contains("high"));
  inv.set = {{"gains", "1.5"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("[0, 1]"));
  inv.set = {{"env_options", "n_cues=3"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("n_cues") && Contains("set by the experiment"));
  CHECK_FALSE(fs::exists(inv.out));
}

TEST_CASE("experiment bg-cerebellum-walker: one row per episode, delayed-only conditions skipped at D = 0", "[experiment]") {
  const fs::path a = scratch("walker-j1"), b = scratch("walker-j2"), c = scratch("walker-s8");
  run_quick("bg-cerebellum-walker", a, 1);
  const auto train = ex::read_csv(a / "train.csv"), eval = ex::read_csv(a / "eval.csv");
  // quick: 2 walkers, 2 training and 1 evaluation episodes; delays 0 and 2; initial, full,
  // correct-role (the last only at D = 2; initial trains nothing)
  CHECK(train.size() == 1 + 2 * 2 * 3);  // (D0 full, D2 full, D2 correct-role) x 2 walkers x 2 episodes
  REQUIRE(eval.size() == 1 + 2 * 5);     // 5 arms x 2 walkers x 1 episode
  CHECK(train[0].size() == 9);
  for (std::size_t r = 1; r < eval.size(); ++r) {
    REQUIRE(eval[r].size() == 9);
    CHECK((eval[r][8] == "finished" || eval[r][8] == "fell" || eval[r][8] == "time-limit"));
    CHECK_FALSE((eval[r][0] == "0" && eval[r][1] == "correct-role"));
    CHECK(eval[r][3] == std::to_string(sgym::mix_seed(7, std::stoull(eval[r][2]))));  // walker i: mix_seed(seed, i)
    CHECK(std::stoi(eval[r][6]) >= 1);
  }
  const std::string summary = sgym::read_file(a / "summary.md");
  CHECK_THAT(summary, Contains("observation delay 0 steps") && Contains("observation delay 2 steps") &&
                          Contains("cerebellum corrects (cerebellum_role=correct)"));
  run_quick("bg-cerebellum-walker", b, 2);
  run_quick("bg-cerebellum-walker", c, 1, 8);
  for (const char* f : {"train.csv", "eval.csv"}) {
    CHECK(sgym::read_file(a / f) == sgym::read_file(b / f));
    CHECK(sgym::read_file(a / f) != sgym::read_file(c / f));
  }
  CHECK(ex::figures_of(a).size() == 2);  // a learning curve per delay
  ex::Invocation inv;
  inv.name = "bg-cerebellum-walker";
  inv.quick = true;
  inv.out = scratch("walker-refused");
  std::ostringstream report;
  inv.set = {{"conditions", "full no-legs"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("no-legs") && Contains("no-cerebellum"));
  inv.set = {{"delays_steps", "0 -1"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("delays_steps") && Contains("-1"));
  inv.set = {{"agent_options", "cpg=false"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("cpg") && Contains("set by the experiment"));
  inv.set = {{"env", "CurveTracing-v0"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("BipedalWalker-v3"));
  CHECK_FALSE(fs::exists(inv.out));
}

TEST_CASE("experiment biped-heuristic: episode i of each walker is reset(seed = mix_seed(seed, i))", "[experiment]") {
  const fs::path a = scratch("biped-j1"), b = scratch("biped-j2"), c = scratch("biped-s8");
  run_quick("biped-heuristic", a, 1);
  const auto rows = ex::read_csv(a / "episodes.csv");
  REQUIRE(rows.size() == 1 + 2 * 2);  // quick: 2 episodes on each of the two walkers
  for (std::size_t r = 1; r < rows.size(); ++r) {
    INFO(r);
    REQUIRE(rows[r].size() == 6);
    const std::uint64_t seed = sgym::mix_seed(7, std::stoull(rows[r][1]));
    CHECK(rows[r][2] == std::to_string(seed));
    // the same episode played directly: a fresh env and agent, the env reset with that seed
    auto env = sgym::make_env(rows[r][0]);
    auto agent = sgym::make_agent("biped-heuristic", env->observation_space(), env->action_space(), {}, seed);
    std::vector<float> obs;
    const auto end = sgym::play_episode(*env, *agent, seed, obs);
    CHECK_THAT(std::stod(rows[r][3]), Catch::Matchers::WithinRel(end.episode_return, 1e-5));
    CHECK(std::stoi(rows[r][4]) == end.steps);
    CHECK((rows[r][5] == "finished" || rows[r][5] == "fell" || rows[r][5] == "time-limit"));
    CHECK((rows[r][5] == "time-limit") == (end.steps == env->spec().max_episode_steps));
  }
  run_quick("biped-heuristic", b, 2);
  run_quick("biped-heuristic", c, 1, 8);
  CHECK(sgym::read_file(a / "episodes.csv") == sgym::read_file(b / "episodes.csv"));
  CHECK(sgym::read_file(a / "episodes.csv") != sgym::read_file(c / "episodes.csv"));
  // the figure: each walker's sorted returns; a reference CSV beside them adds its columns
  REQUIRE(ex::figures_of(a).size() == 1);
  CHECK(ex::figures_of(a)[0].seeds[0].columns.size() == 2);
  sgym::write_file_atomic(a / "gymnasium.csv", sgym::read_file(a / "episodes.csv"));
  CHECK(ex::figures_of(a)[0].seeds[0].columns.size() == 4);
  CHECK(ex::figures_of(a)[0].spec.series.size() == 4);
  ex::Invocation inv = quick_invocation("biped-heuristic", scratch("biped-refused"));
  std::ostringstream report;
  inv.set = {{"envs", "BipedalWalker-v3 BipedalWalker-v3"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("given twice"));
  inv.set = {{"envs", "CurveTracing-v0"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("biped-heuristic"));
  inv.set = {{"envs", "Walker-v9"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("Walker-v9") && Contains("BipedalWalker-v3"));
  CHECK_FALSE(fs::exists(inv.out));
}

TEST_CASE("experiment augment-recurrent-curve-tracing: one row per arm and network, latency per distance", "[experiment]") {
  const fs::path a = scratch("curve-j1"), b = scratch("curve-j2"), c = scratch("curve-s8");
  run_quick("augment-recurrent-curve-tracing", a, 1);
  const auto rows = ex::read_csv(a / "networks.csv");
  REQUIRE(rows.size() == 1 + 3 * 2);  // relearnn, bptt, feedforward (relearnn) x 2 networks
  CHECK(rows[1][1] == "relearnn");
  CHECK(rows[3][1] == "bptt");
  CHECK(rows[5][2] == "0");  // the feedforward control, under the first rule
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == rows[0].size());
    CHECK(rows[r][4] == std::to_string(sgym::mix_seed(7, std::stoull(rows[r][3]))));  // network i: mix_seed(seed, i)
    std::size_t clean = 0, clean_hits = 0;
    for (std::size_t k = 0; k < rows[0].size(); ++k) {
      const std::string& col = rows[0][k];
      if (col.rfind("acc_", 0) == 0 || col.rfind("map_", 0) == 0 || col == "clean_ceiling_10" || col == "clean_best_rank_acc_10") {  // accuracies, activities, chance levels
        CHECK(std::stod(rows[r][k]) >= 0.0);
        CHECK(std::stod(rows[r][k]) <= 1.0);
      }
      if (col == "clean_10") clean = k;
      if (col == "clean_hits_10") clean_hits = k;
    }
    REQUIRE(clean > 0);
    REQUIRE(clean_hits > 0);
    CHECK(std::stoi(rows[r][clean_hits]) <= std::stoi(rows[r][clean]));
    CHECK(std::stoi(rows[r][clean]) <= 20);  // of the quick run's 2 x test_trials 10-distractor trials
  }
  CHECK(ex::read_csv(a / "latency.csv").size() == 1 + 3 * 13);  // every arm, distances 0..12
  CHECK_THAT(sgym::read_file(a / "summary.md"), Contains("Modulation latency along the target curve: recurrent, relearnn"));
  run_quick("augment-recurrent-curve-tracing", b, 2);
  run_quick("augment-recurrent-curve-tracing", c, 1, 8);
  CHECK(sgym::read_file(a / "networks.csv") == sgym::read_file(b / "networks.csv"));
  CHECK(sgym::read_file(a / "latency.csv") == sgym::read_file(b / "latency.csv"));
  CHECK(sgym::read_file(a / "networks.csv") != sgym::read_file(c / "networks.csv"));
  CHECK(ex::figures_of(a).size() >= 1);
  ex::Invocation inv;
  inv.name = "augment-recurrent-curve-tracing";
  inv.quick = true;
  inv.out = scratch("curve-refused");
  std::ostringstream report;
  inv.set = {{"rules", "relearnn hebb"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("hebb") && Contains("bptt"));
  inv.set = {{"agent_options", "lateral=false"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("lateral") && Contains("set by the experiment"));
  inv.set = {{"last_length_px", "2"}, {"first_length_px", "5"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("last_length_px"));
  CHECK_FALSE(fs::exists(inv.out));
}

TEST_CASE("experiment augment-recurrent-routines: tracing to the marker first, with its own options, or not at all", "[experiment]") {
  const fs::path a = scratch("routines-marker"), b = scratch("routines-none");
  run_quick("augment-recurrent-routines", a, 2);
  const auto rows = ex::read_csv(a / "networks.csv");
  REQUIRE(rows.size() == 1 + 2 * 2);  // search_trace, trace_search x 2 networks
  auto col = [&](const char* name) {
    const auto it = std::find(rows[0].begin(), rows[0].end(), name);
    REQUIRE(it != rows[0].end());
    return static_cast<std::size_t>(it - rows[0].begin());
  };
  const std::size_t pre = col("pretrain_trials"), pre_stage = col("pretrain_stage_reached");
  for (std::size_t r = 1; r < rows.size(); ++r) CHECK(std::stoll(rows[r][pre]) > 0);  // both routines trace first
  CHECK_THAT(sgym::read_file(a / "summary.md"), Contains("tracing to the marker") && Contains("noise_sd=0.3"));
  ex::Invocation inv = quick_invocation("augment-recurrent-routines", b);
  inv.jobs = 2;
  inv.seed = 7;
  inv.command = "test";
  inv.set = {{"pretrain", "none"}};
  std::ostringstream report;
  ex::run(inv, report);
  const auto none = ex::read_csv(b / "networks.csv");
  REQUIRE(none.size() == rows.size());
  for (std::size_t r = 1; r < none.size(); ++r) {
    CHECK(none[r][pre] == "0");
    CHECK(none[r][pre_stage] == "0");
  }
  CHECK(sgym::read_file(a / "networks.csv") != sgym::read_file(b / "networks.csv"));
  // options that make a network the routine's agent cannot continue are refused before any work
  inv.out = scratch("routines-refused");
  inv.set = {{"pretrain_agent_options", "colour_units=false"}};  // another network, not another way of learning
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("pretrain_agent_options") && Contains("colour_units") && Contains("noise_sd"));
  inv.set = {{"pretrain", "none"}, {"pretrain_agent_options", "fixed_readout=false"}};  // checked even when unused
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("fixed_readout"));
  inv.set = {{"pretrain", "always"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("pretrain") && Contains("marker|none"));
  CHECK_FALSE(fs::exists(inv.out));
}

TEST_CASE("experiment augment-recurrent-routines: the routine's network is the tracing stage's, with the routine's options", "[experiment]") {
  // one network whose tracing stage completes (one 2-px stage), replayed by hand from the protocol's
  // parts: the tracing network trained with pretrain_agent_options, its weights and random state then
  // trained on the routine with agent_options. A run that skipped the hand-over, or kept the tracing
  // stage's options, trains another network (other trials and accuracies)
  const fs::path out = scratch("routines-handover");
  ex::Invocation inv;
  inv.name = "augment-recurrent-routines";
  inv.out = out;
  inv.seed = 7;
  inv.command = "test";
  inv.set = {{"n_seeds", "1"}, {"routines", "trace_search"}, {"first_length_px", "2"}, {"last_length_px", "2"},
             {"max_stage_trials", "6000"}, {"test_trials", "10"}};
  std::ostringstream report;
  ex::run(inv, report);
  const auto rows = ex::read_csv(out / "networks.csv");
  REQUIRE(rows.size() == 2);
  std::map<std::string, std::string> row;
  for (std::size_t k = 0; k < rows[0].size(); ++k) row[rows[0][k]] = rows[1][k];
  REQUIRE(row["pretrain_passed"] == "1");  // else this network says nothing about the hand-over
  using namespace sgym::curve_bench;
  const std::uint64_t seed = sgym::mix_seed(7, 0);
  Protocol p = make_protocol(6000, 2, 2, 0.0, 50.0, {{"beta", "0.025"}, {"noise_sd", "0.05"}});
  p.routine = "trace_search";
  Protocol first = p;
  first.routine = "trace_marker";
  first.agent_options = {{"beta", "0.025"}, {"noise_sd", "0.3"}};
  auto probe = make_curve_env(p, {});
  auto tracer = sgym::make_agent("augment-recurrent", probe->observation_space(), probe->action_space(), first.agent_options, seed);
  const Trained pre = train(*tracer, first, sgym::mix_seed(seed, 0x7ace));
  auto agent = sgym::make_agent("augment-recurrent", probe->observation_space(), probe->action_space(), p.agent_options, seed);
  agent->from_bytes(tracer->to_bytes());
  const Trained t = train(*agent, p, seed);
  CHECK(row["pretrain_trials"] == std::to_string(pre.trials));
  CHECK(row["training_trials"] == std::to_string(t.trials));
  CHECK(row["stage_reached"] == std::to_string(t.stage_reached));
  CHECK(std::stod(row["acc_9"]) == accuracy_at(*agent, p, 9, 1, 10, sgym::mix_seed(seed, 1009)));
}

TEST_CASE("experiment: bad input is refused before any work, nothing is overwritten", "[experiment]") {
  const fs::path out = scratch("refused");
  ex::Invocation inv;
  inv.name = "augment-dmc";
  inv.quick = true;
  inv.out = out;
  std::ostringstream report;
  inv.set = {{"netwroks", "3"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("netwroks") && Contains("n_seeds"));
  CHECK_FALSE(fs::exists(out));
  inv.set = {{"n_seeds", "0"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("n_seeds") && Contains("[1, 1000000]"));
  inv.set = {{"networks", "0"}};  // the former name, still accepted (deprecated): the same check
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("n_seeds") && Contains("[1, 1000000]"));
  CHECK_FALSE(fs::exists(out));  // the directory it made for the run is removed again
  inv.set = {{"env_options", "noise_sd"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("env_options"));
  inv.set = {{"env_options", "boundary_deg=10"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("boundary_deg") && Contains("set by the experiment"));
  inv.set = {{"train_trials", "1234"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("multiples of probe_every"));
  inv.set = {};
  inv.jobs = 0;
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("jobs"));
  // an existing, non-empty directory is never written into
  fs::create_directories(out);
  sgym::write_file_atomic(out / "keep.txt", "mine");
  inv.jobs = 1;
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("not empty") && Contains(out.string()));
  CHECK(sgym::read_file(out / "keep.txt") == "mine");
  CHECK_FALSE(fs::exists(out / "experiment.json"));
  CHECK_THROWS_WITH(ex::figures_of(out), Contains("experiment.json"));
}

TEST_CASE("sgym plot draws an experiment directory's figures", "[experiment][plot]") {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    WARN("gnuplot is not installed: the experiment figure test is skipped");
    return;
  }
  const fs::path out = scratch("plotted");
  run_quick("perceptual-learner-orientation", out, 1);
  const auto figs = sgym::plot::plot_dir(out, out / "plots", "png", {}, ex::figures_of);
  std::set<std::string> names;
  for (const auto& f : figs) {
    CHECK(fs::file_size(f) > 1000);
    names.insert(f.stem().string());
  }
  CHECK(names.count("threshold-per-session") == 1);
  CHECK(names.count("slope-change-by-preference") == 1);
  CHECK_THROWS_WITH(sgym::plot::plot_dir(out, out / "p2", "png", {}, {}), Contains("experiment"));
}

TEST_CASE("experiment np-actor-critic-bci: the quick budget writes one row per subject and session", "[experiment]") {
  const fs::path a = scratch("bci");
  run_quick("np-actor-critic-bci", a, 1);
  const std::string summary = sgym::read_file(a / "summary.md");
  CHECK_THAT(summary, Contains("| session | accuracy | rewards/min | P+ | P- | P0 | P0 matched |") && Contains("| P+ - P- |") &&
                          Contains("mix_seed(7, i)") && Contains("np-actor-critic perturbation_sd=0.8 activity_cost=0"));
  const auto rows = ex::read_csv(a / "sessions.csv");
  REQUIRE(rows.size() == 1 + 2 * 2);  // header, then 2 subjects x 2 sessions
  CHECK(rows[1][1] == std::to_string(sgym::mix_seed(7, 0)));  // subject i uses mix_seed(seed, i)
  CHECK(rows[3][1] == std::to_string(sgym::mix_seed(7, 1)));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == 9);
    CHECK(std::stod(rows[r][3]) >= 0.0);  // accuracy
    CHECK(std::stod(rows[r][3]) <= 1.0);
    if (rows[r][2] == "1")  // activity is normalised to session 1
      for (std::size_t k = 5; k < 9; ++k) CHECK(std::stod(rows[r][k]) == 1.0);
  }
  CHECK(ex::read_csv(a / "subjects.csv").size() == 1 + 2);  // one calibration per subject
  // (results do not depend on --jobs and depend on --seed: the test of every experiment above)
  const auto figures = ex::figures_of(a);
  REQUIRE(figures.size() == 1);
  CHECK(figures[0].seeds.size() == 2);  // one table per subject
  // a bad env option is refused before any work
  ex::Invocation inv = quick_invocation("np-actor-critic-bci", scratch("bci-refused"));
  std::ostringstream report;
  inv.set = {{"env_options", "n_unitz=64"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("n_unitz"));
  inv.set = {{"perturbation_sd", "-1"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("perturbation_sd"));
  CHECK_FALSE(fs::exists(inv.out));
}

TEST_CASE("experiment cerebellar-reach-adaptation: the quick budget runs every protocol", "[experiment]") {
  const fs::path a = scratch("arm");
  run_quick("cerebellar-reach-adaptation", a, 2);
  const std::string summary = sgym::read_file(a / "summary.md");
  for (const char* section : {"## rotation\n", "## curl\n", "## rotation, learning off (control)", "## curl, learning off (control)",
                              "## rotation, desired-state mossy input", "## curl, desired-state mossy input", "## curl, channel clamps"})
    CHECK_THAT(summary, Contains(section));
  CHECK_THAT(summary, Contains("| median [IQR] |") && Contains("| clamp trials | channel force (N)") && Contains("| washout | 17-22 |") &&
                          Contains("mix_seed(7, i)") && Contains("visual_delay_ms=120"));
  const char* protocols[] = {"rotation", "curl", "rotation-off", "curl-off", "rotation-state", "curl-state", "curl-channel"};
  for (const char* p : protocols) {
    INFO(p);
    const auto rows = ex::read_csv(a / (std::string(p) + ".csv"));
    REQUIRE(rows.size() == 1 + 2 * 39);  // header, then 2 seeds x the 39 trials of the quick schedule
    CHECK(rows[0].size() == 14);
    CHECK(rows[1][0] == std::to_string(sgym::mix_seed(7, 0)));  // seed i uses mix_seed(seed, i)
    CHECK(rows[40][0] == std::to_string(sgym::mix_seed(7, 1)));
  }
  // learning off: the adaptation x over the rotated trials is the online correction only (< 2 deg, as
  // the test of cerebellar-reach's control), learning on it grows
  auto mean_x = [&](const char* p, const char* phase) {
    double s = 0;
    int n = 0;
    for (const auto& r : ex::read_csv(a / (std::string(p) + ".csv")))
      if (r.size() == 14 && r[2] == phase) s += std::stod(r[9]), ++n;
    return s / n;
  };
  CHECK(std::fabs(mean_x("rotation-off", "rotation")) < 2.0);
  CHECK(mean_x("rotation", "rotation") > 5.0);
  // channel clamps: x is not measured in the clamp, the channel force is
  for (const auto& r : ex::read_csv(a / "curl-channel.csv"))
    if (r.size() == 14 && r[2] == "clamp") CHECK(r[9] == "nan");
  const auto figures = ex::figures_of(a);
  REQUIRE(figures.size() == 2);  // rotation and curl
  CHECK(figures[0].seeds.size() == 2);
  CHECK(figures[0].seeds[0].rows.size() == 39);
  // unknown protocols and options set by the experiment are refused before any work
  ex::Invocation inv = quick_invocation("cerebellar-reach-adaptation", scratch("arm-refused"));
  std::ostringstream report;
  inv.set = {{"protocols", "rotation curl-of"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("curl-of") && Contains("curl-off"));
  inv.set = {{"env_options", "clamp=channel"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("clamp") && Contains("set by the experiment"));
  inv.set = {{"desired_state_options", "mossy_inputt=desired_state"}};
  CHECK_THROWS_WITH(ex::run(inv, report), Contains("mossy_inputt"));
  CHECK_FALSE(fs::exists(inv.out));
}
