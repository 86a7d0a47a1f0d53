// sgym plot: the statistics behind the figures (median and interquartile band, moving average),
// the figures gnuplot draws from run and bench directories, and the usage errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "plot.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

fs::path fresh(const std::string& name) {
  auto p = fs::temp_directory_path() / ("sgym-plot-" + std::to_string(::getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// a run directory as sgym run writes it: 40 episodes whose return ramps up, an RPE that moves
// from step 5 (reward) to step 2 (cue) over training, and one omission trial
void write_run(const fs::path& dir, double offset) {
  std::ostringstream ep, sig;
  ep << "episode,phase,return,length,trials,accuracy\n";
  sig << "episode,step,condition,epoch,rpe\n";
  for (int e = 0; e < 40; ++e) {
    ep << e << ",train," << offset + e / 40.0 << ",6,1," << (e % 2 ? "1" : "0") << "\n";
    const bool omission = e == 39;
    for (int s = 1; s <= 6; ++s) {
      const double late = e / 39.0;
      const double v = s == 2 ? late : s == 5 ? (omission ? -1.0 : 1.0 - late) : 0.0;
      sig << e << "," << s << "," << (omission ? "omission" : "normal") << "," << (s < 2 ? "pre" : s < 5 ? "delay" : "us")
          << "," << v << "\n";
    }
  }
  ep << "0,eval,5,6,1,1\n";  // evaluation rows are not part of the learning curve
  sgym::write_file_atomic(dir / "episodes.csv", ep.str());
  sgym::write_file_atomic(dir / "signals.csv", sig.str());
  sgym::write_file_atomic(dir / "summary.json", R"({"env":"Task-v0","agent":"agent-x","seed":3})");
}

bool is_png(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  return in && std::string(sig + 1, 3) == "PNG" && fs::file_size(p) > 1000;
}

std::vector<std::vector<double>> read_dat(const fs::path& p) {
  std::vector<std::vector<double>> rows;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::vector<double> r;
    std::string cell;
    while (ss >> cell) r.push_back(cell == "NaN" ? std::nan("") : std::stod(cell));
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

TEST_CASE("median, interquartile band and moving average", "[plot]") {
  const auto b = sgym::plot::band({{1, 10}, {2, 20}, {3}, {4, std::nan("")}});
  REQUIRE(b.median.size() == 2);
  // column 0: 1 2 3 4 -> median 2.5, quartiles 1.75 and 3.25 (linear interpolation)
  REQUIRE(b.median[0] == Approx(2.5));
  REQUIRE(b.q25[0] == Approx(1.75));
  REQUIRE(b.q75[0] == Approx(3.25));
  REQUIRE(b.n[0] == 4);
  // column 1: 10 20 (the short row and the NaN are skipped)
  REQUIRE(b.n[1] == 2);
  REQUIRE(b.median[1] == Approx(15));
  REQUIRE(b.q25[1] == Approx(12.5));
  const auto m = sgym::plot::moving_average({1, 2, 3, 4}, 2);
  REQUIRE(m == std::vector<double>{1, 1.5, 2.5, 3.5});
}

TEST_CASE("sgym plot draws a run directory with gnuplot", "[plot]") {
  const auto run = fresh("run");
  write_run(run, 0.0);
  const auto figs = sgym::plot::plot_dir(run, run / "plots", "png");
  std::vector<std::string> names;
  for (const auto& f : figs) {
    INFO(f);
    REQUIRE(is_png(f));
    names.push_back(f.filename().string());
  }
  REQUIRE(names == std::vector<std::string>{"learning.png", "accuracy.png", "signal-rpe.png", "signal-rpe-map.png"});
  // the learning curve holds the 40 training returns (not the evaluation row)
  const auto curve = read_dat(run / "plots" / "learning.dat");
  REQUIRE(curve.size() == 40);
  REQUIRE(curve[39][1] == Approx(39 / 40.0));
  // the signal figure holds first, intermediate and last reference trials, then the omission trial
  const std::string gp = sgym::read_file(run / "plots" / "signal-rpe.gp");
  REQUIRE_THAT(gp, Contains("normal, episode 1'") && Contains("normal, episode 39'") && Contains("omission, episode 40'") &&
                   Contains("'delay'"));
  // SVG on request
  const auto svg = sgym::plot::plot_dir(run, run / "svg", "svg");
  REQUIRE(svg.size() == 4);
  REQUIRE_THAT(sgym::read_file(svg[0]), Contains("<svg"));
}

TEST_CASE("sgym plot of a bench directory: median and IQR over seeds", "[plot]") {
  const auto bench = fresh("bench");
  for (int s = 0; s < 4; ++s) {
    fs::create_directories(bench / "runs" / "a" / ("seed-" + std::to_string(s + 1)));
    write_run(bench / "runs" / "a" / ("seed-" + std::to_string(s + 1)), s);  // offsets 0, 1, 2, 3
  }
  fs::create_directories(bench / "runs" / "b" / "seed-1");
  write_run(bench / "runs" / "b" / "seed-1", 10);
  const auto figs = sgym::plot::plot_dir(bench, bench / "plots", "png");
  for (const auto& f : figs) REQUIRE(is_png(f));
  REQUIRE(fs::exists(bench / "plots" / "learning-a.png"));
  REQUIRE(fs::exists(bench / "plots" / "learning-b.png"));
  REQUIRE(fs::exists(bench / "plots" / "learning-all.png"));
  REQUIRE(fs::exists(bench / "plots" / "a-seed-1-signal-rpe.png"));
  // with a 1-episode window, episode 0 over seeds has returns 0 1 2 3: median 1.5, IQR [0.75, 2.25]
  const auto rows = read_dat(bench / "plots" / "learning-a.dat");
  REQUIRE(rows.size() == 40);
  REQUIRE(rows[0][1] == Approx(1.5));
  REQUIRE(rows[0][2] == Approx(0.75));
  REQUIRE(rows[0][3] == Approx(2.25));
  REQUIRE(rows[0][4] == 4);
}

TEST_CASE("sgym plot usage errors", "[plot]") {
  const auto empty = fresh("empty");
  REQUIRE_THROWS_AS(sgym::plot::plot_dir(empty / "missing", empty / "p", "png"), sgym::UsageError);
  REQUIRE_THROWS_WITH(sgym::plot::plot_dir(empty, empty / "p", "png"), Contains("neither a run directory"));
  const auto run = fresh("run2");
  write_run(run, 0);
  REQUIRE_THROWS_WITH(sgym::plot::plot_dir(run, run / "p", "pdf"), Contains("png or svg"));
}

namespace {

// gnuplot on PATH: the figure tests are skipped (with a warning) without it
bool has_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

// a run directory of `env` whose trials.jsonl holds `trials` (each trial's info), as sgym run writes it
void write_task_run(const fs::path& dir, const std::string& env, const std::vector<std::string>& trials,
                    const std::string& env_options = "{}") {
  fs::create_directories(dir);
  sgym::write_file_atomic(dir / "episodes.csv", "episode,phase,return,length,trials,accuracy\n0,train,1,5,3,0.5\n1,train,2,5,3,1\n");
  sgym::write_file_atomic(dir / "summary.json", R"({"env":")" + env + R"(","agent":"agent-x","seed":1,"provenance":{"env_options":)" +
                                                    env_options + "}}");
  std::string text;
  for (std::size_t i = 0; i < trials.size(); ++i)
    text += R"({"episode":0,"step":)" + std::to_string(i + 1) + R"(,"info":)" + trials[i] + "}\n";
  sgym::write_file_atomic(dir / "trials.jsonl", text);
}

std::string curve_trial(int length, const std::string& outcome) {
  return R"({"condition":"length_)" + std::to_string(length) + R"(","target_length":)" + std::to_string(length) +
         R"(,"trial_outcome":")" + outcome + R"(","epoch":"go"})";
}

// the .dat row whose first column is x
std::vector<double> row_at(const fs::path& dat, double x) {
  for (const auto& r : read_dat(dat))
    if (r.at(0) == x) return r;
  FAIL("no row x = " << x << " in " << dat);
  return {};
}

}  // namespace

TEST_CASE("sgym plot: accuracy vs curve length for CurveTracing-v0", "[plot][task]") {
  if (!has_gnuplot()) {
    WARN("gnuplot is not installed: skipped");
    return;
  }
  const auto run = fresh("curve");
  write_task_run(run, "CurveTracing-v0",
                 {curve_trial(3, "correct"), curve_trial(3, "correct"), curve_trial(3, "wrong"), curve_trial(3, "aborted"),
                  curve_trial(5, "correct"), curve_trial(5, "timeout"), curve_trial(7, "aborted")},
                 R"({"n_distractors":"2"})");
  const auto figs = sgym::plot::plot_dir(run, run / "plots", "png", sgym::env_analyses);
  REQUIRE(std::find(figs.begin(), figs.end(), run / "plots" / "curve-length.png") != figs.end());
  REQUIRE(is_png(run / "plots" / "curve-length.png"));
  // x, then median/q25/q75 of trials, accuracy (correct / scored), choice accuracy (correct / choices), seeds
  const auto dat = run / "plots" / "curve-length.dat";
  REQUIRE(read_dat(dat).size() == 3);
  const auto r3 = row_at(dat, 3);
  REQUIRE(r3.size() == 11);
  REQUIRE(r3[1] == 4);
  REQUIRE(r3[4] == Approx(0.5));
  REQUIRE(r3[7] == Approx(2.0 / 3.0));
  REQUIRE(r3[10] == 1);
  const auto r5 = row_at(dat, 5);
  REQUIRE(r5[4] == Approx(0.5));  // the timeout counts against accuracy
  REQUIRE(r5[7] == Approx(1.0));  // but is no choice
  const auto r7 = row_at(dat, 7);
  REQUIRE(r7[4] == 0);
  REQUIRE(std::isnan(r7[7]));
  REQUIRE_THAT(sgym::read_file(run / "plots" / "curve-length.gp"), Contains("2 distractor(s)"));
}

TEST_CASE("sgym plot: category tuning for DelayMatchCategory-v0", "[plot][task]") {
  if (!has_gnuplot()) {
    WARN("gnuplot is not installed: skipped");
    return;
  }
  const auto run = fresh("dmc");
  // boundary 45 deg: 0 deg is category 0, 90 deg category 1; response 1 = match, 2 = non-match
  auto trial = [](int sample, int test_cat, int right, const std::string& outcome) {
    return R"({"sample_deg":)" + std::to_string(sample) + R"(,"boundary_deg":45,"test_category":)" + std::to_string(test_cat) +
           R"(,"correct_response":)" + std::to_string(right) + R"(,"trial_outcome":")" + outcome + R"("})";
  };
  write_task_run(run, "DelayMatchCategory-v0",
                 {trial(0, 1, 2, "correct"),   // reports non-match: sample judged category 0
                  trial(0, 0, 1, "wrong"),     // reports non-match: sample judged category 1
                  trial(0, 1, 2, "aborted"),   // no report
                  trial(90, 1, 1, "correct"),  // reports match: judged category 1
                  trial(90, 0, 2, "wrong"),    // reports match: judged category 0
                  trial(30, 1, 1, "correct")});
  const auto figs = sgym::plot::plot_dir(run, run / "plots", "png", sgym::env_analyses);
  for (const char* f : {"category-tuning.png", "category-distance.png"}) {
    INFO(f);
    REQUIRE(std::find(figs.begin(), figs.end(), run / "plots" / f) != figs.end());
    REQUIRE(is_png(run / "plots" / f));
  }
  // columns: trials, accuracy, choice_accuracy, fraction_match, fraction_category_1 (each median/q25/q75)
  const auto dat = run / "plots" / "category-tuning.dat";
  const auto s0 = row_at(dat, 0);
  REQUIRE(s0.size() == 17);
  REQUIRE(s0[1] == 3);
  REQUIRE(s0[4] == Approx(1.0 / 3.0));
  REQUIRE(s0[7] == Approx(0.5));
  REQUIRE(s0[10] == Approx(0.0));
  REQUIRE(s0[13] == Approx(0.5));
  const auto s90 = row_at(dat, 90);
  REQUIRE(s90[4] == Approx(0.5));
  REQUIRE(s90[10] == Approx(1.0));
  REQUIRE(s90[13] == Approx(0.5));
  // distance from the boundary line (45 / 225 deg): 0 and 90 deg are both 45 deg away, 30 deg is 15
  const auto dd = run / "plots" / "category-distance.dat";
  REQUIRE(read_dat(dd).size() == 2);
  REQUIRE(row_at(dd, 45)[1] == 5);
  REQUIRE(row_at(dd, 45)[4] == Approx(0.4));
  REQUIRE(row_at(dd, 15)[4] == Approx(1.0));
  // the boundary is marked at 45 and 225 deg
  REQUIRE_THAT(sgym::read_file(run / "plots" / "category-tuning.gp"), Contains("from 45,") && Contains("from 225,"));
}

TEST_CASE("sgym plot: adaptation per trial for ArmReach-v0, with the schedule shaded", "[plot][task]") {
  if (!has_gnuplot()) {
    WARN("gnuplot is not installed: skipped");
    return;
  }
  const auto run = fresh("arm");
  const std::vector<std::pair<std::string, double>> phases = {{"baseline", 0}, {"baseline", 0}, {"rotation", 30},
                                                              {"rotation", 30}, {"rotation", 30}, {"washout", 0}};
  const std::vector<double> errors = {0.5, -0.5, 30, 20, 10, -25};
  std::vector<std::string> trials;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    std::ostringstream t;
    t << R"({"trial":)" << i + 1 << R"(,"phase":")" << phases[i].first << R"(","direction_error_deg":)" << errors[i]
      << R"(,"hand_direction_error_deg":)" << -0.5 * errors[i] << R"(,"rotation_deg":)" << phases[i].second
      << R"(,"curl_gain":0,"lateral_deviation_m":0.01,"trial_outcome":"correct"})";
    trials.push_back(t.str());
  }
  write_task_run(run, "ArmReach-v0", trials);
  const auto figs = sgym::plot::plot_dir(run, run / "plots", "png", sgym::env_analyses);
  REQUIRE(std::find(figs.begin(), figs.end(), run / "plots" / "adaptation.png") != figs.end());
  REQUIRE(is_png(run / "plots" / "adaptation.png"));
  const auto rows = read_dat(run / "plots" / "adaptation.dat");
  REQUIRE(rows.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) {
    REQUIRE(rows[i][0] == static_cast<double>(i + 1));
    REQUIRE(rows[i][1] == Approx(errors[i]));
    REQUIRE(rows[i][7] == Approx(phases[i].second));  // rotation_deg median
    REQUIRE(rows[i][13] == Approx(-0.5 * errors[i]));  // hand_direction_error_deg median
  }
  // one shaded rectangle per phase block, named
  const std::string gp = sgym::read_file(run / "plots" / "adaptation.gp");
  REQUIRE_THAT(gp, Contains("rect from 0.5,") && Contains("rect from 2.5,") && Contains("rect from 5.5,") &&
                   Contains("'rotation'") && Contains("'washout'"));
}

TEST_CASE("sgym plot: per-task figures of a bench directory give the median over seeds", "[plot][task]") {
  if (!has_gnuplot()) {
    WARN("gnuplot is not installed: skipped");
    return;
  }
  const auto bench = fresh("bench-task");
  write_task_run(bench / "runs" / "ct" / "seed-1", "CurveTracing-v0",
                 {curve_trial(3, "correct"), curve_trial(3, "wrong"), curve_trial(4, "correct")});
  write_task_run(bench / "runs" / "ct" / "seed-2", "CurveTracing-v0", {curve_trial(3, "correct"), curve_trial(3, "correct")});
  const auto figs = sgym::plot::plot_dir(bench, bench / "plots", "png", sgym::env_analyses);
  REQUIRE(std::find(figs.begin(), figs.end(), bench / "plots" / "ct-curve-length.png") != figs.end());
  const auto dat = bench / "plots" / "ct-curve-length.dat";
  // length 3: accuracies 0.5 and 1 over two seeds: median 0.75, quartiles 0.625 and 0.875
  const auto r3 = row_at(dat, 3);
  REQUIRE(r3[4] == Approx(0.75));
  REQUIRE(r3[5] == Approx(0.625));
  REQUIRE(r3[6] == Approx(0.875));
  REQUIRE(r3[10] == 2);
  // length 4: one seed only
  REQUIRE(row_at(dat, 4)[10] == 1);
}

TEST_CASE("sgym plot: per-session activity normalised to session 1 for BCINeurofeedback-v0", "[plot][task]") {
  if (!has_gnuplot()) {
    WARN("gnuplot is not installed: skipped");
    return;
  }
  const auto run = fresh("bci");
  auto trial = [](bool end, int session, double acc, double minus) {
    return std::string(R"({"trial_outcome":"correct","epoch":"black","session_end":)") + (end ? "true" : "false") +
           R"(,"session_index":)" + std::to_string(session) + R"(,"session_accuracy":)" + std::to_string(acc) +
           R"(,"activity_norm_p_plus":1.0,"activity_norm_p_minus":)" + std::to_string(minus) +
           R"(,"activity_norm_p0":1.0,"activity_norm_p0_matched":0.8})";
  };
  write_task_run(run, "BCINeurofeedback-v0", {trial(false, 0, 0, 0), trial(true, 1, 0.3, 1.0), trial(false, 1, 0.3, 1.0), trial(true, 2, 0.9, 0.5)});
  const auto figs = sgym::plot::plot_dir(run, run / "plots", "png", sgym::env_analyses);
  REQUIRE(std::find(figs.begin(), figs.end(), run / "plots" / "bci-sessions.png") != figs.end());
  REQUIRE(is_png(run / "plots" / "bci-sessions.png"));
  // x = session, then median/q25/q75 of accuracy, P+, P-, P0, matched P0, seeds: only session ends count
  const auto dat = run / "plots" / "bci-sessions.dat";
  REQUIRE(read_dat(dat).size() == 2);
  const auto r2 = row_at(dat, 2);
  REQUIRE(r2.size() == 17);
  REQUIRE(r2[1] == Approx(0.9));
  REQUIRE(r2[7] == Approx(0.5));
  REQUIRE(r2[13] == Approx(0.8));
}
