// sgym plot: the statistics behind the figures (median and interquartile band, moving average),
// the figures gnuplot draws from run and bench directories, and the usage errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "plot.hpp"
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
