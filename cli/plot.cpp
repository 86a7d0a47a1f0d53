#include "plot.hpp"

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/wrappers.hpp"

namespace sgym::plot {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// a CSV as written by the runner: a header line, then comma-separated fields without quoting
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::stringstream ss(line);
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

Csv read_csv(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  Csv c;
  std::string line;
  if (!std::getline(in, line)) throw FileFormatError(path.string() + " is empty");
  c.header = split(line);
  while (std::getline(in, line))
    if (!line.empty()) {
      c.rows.push_back(split(line));
      c.rows.back().resize(c.header.size());
    }
  return c;
}

double to_double(const std::string& s) {
  if (s.empty()) return kNaN;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  return end == s.c_str() ? kNaN : v;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "NaN";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// gnuplot string literal (single quotes: only '' needs escaping)
std::string gp_str(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string safe_name(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return s;
}

// learning curve of one run: training returns and accuracies in episode order
struct Curve {
  std::vector<double> returns, accuracy;
};

Curve read_curve(const fs::path& run) {
  const Csv c = read_csv(run / "episodes.csv");
  const int phase = c.column("phase"), ret = c.column("return"), acc = c.column("accuracy");
  if (phase < 0 || ret < 0) throw FileFormatError((run / "episodes.csv").string() + " lacks the phase/return columns");
  Curve k;
  for (const auto& r : c.rows)
    if (r[phase] == "train") {
      k.returns.push_back(to_double(r[ret]));
      k.accuracy.push_back(acc >= 0 ? to_double(r[acc]) : kNaN);
    }
  return k;
}

bool any_finite(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

std::string title_of(const fs::path& run) {
  const fs::path s = run / "summary.json";
  if (!fs::exists(s)) return run.filename().string();
  try {
    const json j = json::parse(read_file(s));
    return j.at("env").get<std::string>() + " / " + j.at("agent").get<std::string>() + ", seed " +
           std::to_string(j.at("seed").get<std::uint64_t>());
  } catch (const std::exception&) {
    return run.filename().string();
  }
}

class Plotter {
 public:
  Plotter(fs::path out, std::string format) : out_(std::move(out)), format_(std::move(format)) {
    if (format_ != "png" && format_ != "svg") throw UsageError("--format must be png or svg, got '" + format_ + "'");
    fs::create_directories(out_);
  }

  // the terminal line and output path for figure `name`
  std::string preamble(const std::string& name, int w = 900, int h = 540) const {
    const std::string size = std::to_string(w) + "," + std::to_string(h);
    std::string t = format_ == "png" ? "set terminal pngcairo size " + size + " enhanced font 'DejaVu Sans,11'\n"
                                     : "set terminal svg size " + size + " dynamic enhanced font 'DejaVu Sans,11'\n";
    return t + "set output " + gp_str((out_ / (name + "." + format_)).string()) + "\n" +
           "set grid lc rgb '#dddddd'\nset border lc rgb '#444444'\nset key top left box opaque\n";
  }

  fs::path data_path(const std::string& name) const { return out_ / (name + ".dat"); }

  // writes NAME.gp, runs gnuplot on it, and records the figure
  void render(const std::string& name, const std::string& script) {
    const fs::path gp = out_ / (name + ".gp");
    write_file_atomic(gp, script);
    const std::string cmd = "gnuplot " + gp_str(gp.string()) + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) throw std::runtime_error("cannot run gnuplot");
    std::string msg;
    char buf[512];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) msg.append(buf, n);
    const int status = ::pclose(p);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 127)
      throw std::runtime_error("gnuplot is not installed (Debian: apt-get install gnuplot-nox); the data and script "
                               "are in " + out_.string());
    if (code != 0) throw std::runtime_error("gnuplot failed on " + gp.string() + ":\n" + msg);
    figures_.push_back(out_ / (name + "." + format_));
  }

  const std::vector<fs::path>& figures() const { return figures_; }

 private:
  fs::path out_;
  std::string format_;
  std::vector<fs::path> figures_;
};

// smoothing window: about 2 % of the episodes, at least 1
int window_for(std::size_t n) { return std::max(1, static_cast<int>(std::lround(static_cast<double>(n) * 0.02))); }

void plot_run_curves(Plotter& pl, const fs::path& run, const std::string& prefix) {
  const Curve k = read_curve(run);
  if (k.returns.empty()) return;
  const int w = window_for(k.returns.size());
  const auto ma = moving_average(k.returns, w);
  const bool has_acc = any_finite(k.accuracy);
  const auto acc_ma = moving_average(k.accuracy, std::max(w, 10));
  std::ostringstream d;
  d << "# episode return moving_average accuracy accuracy_moving_average\n";
  for (std::size_t i = 0; i < k.returns.size(); ++i)
    d << i << " " << num(k.returns[i]) << " " << num(ma[i]) << " " << num(k.accuracy[i]) << " " << num(acc_ma[i]) << "\n";
  const std::string name = prefix + "learning";
  write_file_atomic(pl.data_path(name), d.str());
  std::string s = pl.preamble(name);
  s += "set title " + gp_str("Learning curve: " + title_of(run)) + " noenhanced\n" +
       "set xlabel 'training episode'\nset ylabel 'return'\n";
  s += "plot " + gp_str(pl.data_path(name).string()) + " using 1:2 with points pt 7 ps 0.3 lc rgb '#9ecae1' title 'episode return', \\\n"
       "     '' using 1:3 with lines lw 2 lc rgb '#08519c' title 'moving average (" + std::to_string(w) + " episodes)'\n";
  pl.render(name, s);
  if (!has_acc) return;
  const std::string an = prefix + "accuracy";
  std::string a = pl.preamble(an);
  a += "set title " + gp_str("Accuracy: " + title_of(run)) + " noenhanced\n" +
       "set xlabel 'training episode'\nset ylabel 'fraction correct (scored trials)'\nset yrange [0:1.05]\n";
  a += "plot " + gp_str(pl.data_path(name).string()) + " using 1:5 with lines lw 2 lc rgb '#006d2c' title 'moving average (" +
       std::to_string(std::max(w, 10)) + " episodes)'\n";
  pl.render(an, a);
}

// signals.csv: per signal, its course within an episode at several points of training (the
// Pavlovian RPE figure: the response moves from the reward to the CS), and an episode x step map
void plot_signals(Plotter& pl, const fs::path& run, const std::string& prefix) {
  const fs::path path = run / "signals.csv";
  if (!fs::exists(path)) return;
  const Csv c = read_csv(path);
  const int ep_col = c.column("episode"), step_col = c.column("step"), cond_col = c.column("condition"),
            epoch_col = c.column("epoch");
  if (ep_col < 0 || step_col < 0 || c.header.size() <= 4 || c.rows.empty()) return;

  // the most common condition is the reference trial type; others are drawn late in training
  std::map<std::string, std::set<int>> episodes_of;
  for (const auto& r : c.rows) episodes_of[cond_col >= 0 ? r[cond_col] : ""].insert(std::stoi(r[ep_col]));
  std::string main_cond;
  std::size_t most = 0;
  for (const auto& [cond, eps] : episodes_of)
    if (eps.size() > most) {
      most = eps.size();
      main_cond = cond;
    }
  const std::vector<int> main_eps(episodes_of[main_cond].begin(), episodes_of[main_cond].end());
  std::vector<int> picks;
  for (double f : {0.0, 0.1, 0.25, 0.5, 1.0}) {
    const int e = main_eps[std::min(main_eps.size() - 1, static_cast<std::size_t>(f * static_cast<double>(main_eps.size() - 1) + 0.5))];
    if (std::find(picks.begin(), picks.end(), e) == picks.end()) picks.push_back(e);
  }
  std::vector<std::pair<std::string, int>> others;  // last episode of each other condition
  for (const auto& [cond, eps] : episodes_of)
    if (cond != main_cond && !eps.empty()) others.emplace_back(cond, *eps.rbegin());

  // epoch boundaries of the reference trial (the last picked episode)
  std::vector<std::pair<int, std::string>> epochs;
  if (epoch_col >= 0)
    for (const auto& r : c.rows)
      if (std::stoi(r[ep_col]) == picks.back() && (epochs.empty() || epochs.back().second != r[epoch_col]))
        epochs.emplace_back(std::stoi(r[step_col]), r[epoch_col]);

  const int last_ep = std::stoi(c.rows.back()[ep_col]);
  for (std::size_t sc = 4; sc < c.header.size(); ++sc) {
    const std::string sig = c.header[sc];
    const std::string name = prefix + "signal-" + safe_name(sig);
    std::map<int, std::vector<std::pair<int, double>>> series;  // episode -> (step, value)
    for (const auto& r : c.rows) series[std::stoi(r[ep_col])].emplace_back(std::stoi(r[step_col]), to_double(r[sc]));
    std::ostringstream d;
    std::vector<std::string> titles;
    auto block = [&](int ep, const std::string& label) {
      d << "# " << label << "\n";
      for (const auto& [st, v] : series[ep]) d << st << " " << num(v) << "\n";
      d << "\n\n";
      titles.push_back(label);
    };
    for (int ep : picks) block(ep, main_cond + (main_cond.empty() ? "" : ", ") + "episode " + std::to_string(ep + 1));
    for (const auto& [cond, ep] : others) block(ep, cond + ", episode " + std::to_string(ep + 1));
    write_file_atomic(pl.data_path(name), d.str());
    std::string s = pl.preamble(name);
    s += "set title " + gp_str(sig + " within an episode across training: " + title_of(run)) + " noenhanced\n" +
         "set xlabel 'step within the episode'\nset ylabel " + gp_str(sig) + " noenhanced\nset key outside right top\n";
    for (std::size_t i = 0; i < epochs.size(); ++i) {
      s += "set arrow from " + std::to_string(epochs[i].first) + ", graph 0 to " + std::to_string(epochs[i].first) +
           ", graph 1 nohead dt 3 lc rgb '#999999'\n";
      s += "set label " + gp_str(epochs[i].second) + " at " + std::to_string(epochs[i].first) +
           ", graph 0.97 offset 0.3,0 font ',9' tc rgb '#666666' noenhanced\n";
    }
    s += "plot ";
    for (std::size_t i = 0; i < titles.size(); ++i) {
      const bool other = i >= picks.size();
      // reference trials from light to dark blue as training goes on; other conditions dashed
      const double shade = picks.size() > 1 ? static_cast<double>(i) / static_cast<double>(picks.size() - 1) : 1.0;
      char color[16];
      std::snprintf(color, sizeof color, "#%02x%02x%02x", static_cast<int>(190 - 182 * shade), static_cast<int>(215 - 167 * shade),
                    static_cast<int>(240 - 133 * shade));
      s += std::string(i ? ", \\\n     " : "") + gp_str(pl.data_path(name).string()) + " index " + std::to_string(i) +
           " using 1:2 with linespoints pt 7 ps 0.5 lw 2 " +
           (other ? "dt 2 lc rgb '#d6604d'" : "lc rgb '" + std::string(color) + "'") + " title " + gp_str(titles[i]) +
           " noenhanced";
    }
    s += "\n";
    pl.render(name, s);

    // the map: every episode (rows) by step (columns)
    const std::string mname = prefix + "signal-" + safe_name(sig) + "-map";
    std::ostringstream m;
    for (const auto& [ep, pts] : series)
      for (const auto& [st, v] : pts) m << st << " " << ep << " " << num(v) << "\n";
    write_file_atomic(pl.data_path(mname), m.str());
    std::string ms = pl.preamble(mname);
    ms += "set title " + gp_str(sig + " over steps and episodes: " + title_of(run)) + " noenhanced\n" +
          "set xlabel 'step within the episode'\nset ylabel 'episode'\nset cblabel " + gp_str(sig) + " noenhanced\n" +
          "set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')\nset yrange [-0.5:" + std::to_string(last_ep) +
          ".5]\nset grid front\nunset key\n";
    // a symmetric colour range keeps zero white
    double lim = 0;
    for (const auto& [ep, pts] : series)
      for (const auto& [st, v] : pts)
        if (std::isfinite(v)) lim = std::max(lim, std::abs(v));
    ms += "set cbrange [" + num(-std::max(lim, 1e-9)) + ":" + num(std::max(lim, 1e-9)) + "]\n";
    int max_step = 0;
    for (const auto& [ep, pts] : series)
      for (const auto& [st, v] : pts) max_step = std::max(max_step, st);
    ms += "set xrange [-0.5:" + std::to_string(max_step) + ".5]\n";
    ms += "plot " + gp_str(pl.data_path(mname).string()) + " using 1:2:(0.5):(0.5):3 with boxxyerror fs solid noborder lc palette\n";
    pl.render(mname, ms);
  }
}

// ---------------------------------------------------------------------------------------------
// per-task figures from trials.jsonl (every trial's info on the step that ended it)


// the env id of a run (summary.json), "" when unknown
std::string env_of(const fs::path& run) {
  try {
    return json::parse(read_file(run / "summary.json")).at("env").get<std::string>();
  } catch (const std::exception&) {
    return "";
  }
}

// the env options of a run as the summary resolved them (empty when unknown)
KeyValues env_options_of(const fs::path& run) {
  KeyValues kv;
  try {
    const json j = json::parse(read_file(run / "summary.json"));
    for (const auto& [k, v] : j.at("provenance").at("env_options").items())
      if (v.is_string()) kv.emplace_back(k, v.get<std::string>());
  } catch (const std::exception&) {
    return {};
  }
  return kv;
}

// every trial's info (trials.jsonl), in order
std::vector<TrialRecord> read_trials(const fs::path& run) {
  std::vector<TrialRecord> out;
  std::ifstream in(run / "trials.jsonl");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    try {
      out.push_back(info_from_json(json::parse(line).at("info").dump()));
    } catch (const std::exception& e) {
      throw FileFormatError((run / "trials.jsonl").string() + ": line " + std::to_string(n) + ": " + e.what());
    }
  }
  return out;
}

// the data file of tables over seeds: x, then per column its median, q25, q75, then the seeds
// with a value in the first column (one table: median = q25 = q75 = the value)
void write_table(const fs::path& path, const std::vector<TrialTable>& seeds) {
  std::set<double> xs;
  for (const auto& t : seeds)
    for (const auto& [x, r] : t.rows) xs.insert(x);
  std::ostringstream d;
  d << "# x";
  for (const auto& c : seeds.front().columns) d << " " << c << "_median " << c << "_q25 " << c << "_q75";
  d << " seeds\n";
  for (double x : xs) {
    d << num(x);
    int n = 0;
    for (std::size_t c = 0; c < seeds.front().columns.size(); ++c) {
      std::vector<double> v;
      for (const auto& t : seeds)
        if (const auto it = t.rows.find(x); it != t.rows.end() && std::isfinite(it->second[c])) v.push_back(it->second[c]);
      if (c == 0) n = static_cast<int>(v.size());
      if (v.empty()) d << " NaN NaN NaN";
      else d << " " << num(quantile(v, 0.5)) << " " << num(quantile(v, 0.25)) << " " << num(quantile(v, 0.75));
    }
    d << " " << n << "\n";
  }
  write_file_atomic(path, d.str());
}

// gnuplot columns of table column k (0-based): median, q25, q75
std::string col(std::size_t k, int which) { return std::to_string(2 + 3 * k + static_cast<std::size_t>(which)); }

// a median line with its interquartile band when there are several seeds
std::string series(const std::string& dat, std::size_t k, const std::string& color, const std::string& title, bool band,
                   const std::string& style = "linespoints pt 7 ps 0.8", bool right_axis = false) {
  const std::string axes = right_axis ? " axes x1y2" : "";
  std::string s;
  if (band)
    s += dat + " using 1:" + col(k, 1) + ":" + col(k, 2) + axes + " with filledcurves fc rgb '" + color +
         "' fs transparent solid 0.25 noborder notitle, \\\n     ";
  return s + dat + " using 1:" + col(k, 0) + axes + " with " + style + " lw 2 lc rgb '" + color + "' title " + gp_str(title) +
         " noenhanced";
}

// the gnuplot style of a series (a median line; points as the style says)
std::string style_of(FigureSeries::Style st) {
  using S = FigureSeries::Style;
  switch (st) {
    case S::kLinesPoints: return "linespoints pt 7 ps 0.8";
    case S::kDashed: return "linespoints pt 5 ps 0.8 dt 2";
    case S::kSmallPoints: return "linespoints pt 7 ps 0.5";
    case S::kOpenPoints: return "linespoints pt 6 ps 0.4";
    case S::kSteps: return "histeps";
    case S::kDotted: return "lines";
  }
  return "lines";
}

std::string range(const std::optional<std::array<double, 2>>& r) {
  return "[" + num((*r)[0]) + ":" + num((*r)[1]) + "]";
}

// the gnuplot script of one analysis figure over the data file `dat` (a gnuplot string)
std::string figure_script(const FigureSpec& f, const std::string& dat, const std::string& title, bool band) {
  std::string s = "set title " + gp_str(f.title + ": " + title) + " noenhanced\n" + "set xlabel " + gp_str(f.xlabel) + "\n" +
                  "set ylabel " + gp_str(f.ylabel) + "\n";
  if (!f.y2label.empty()) s += "set y2label " + gp_str(f.y2label) + "\nset y2tics\nset ytics nomirror\n";
  if (f.yrange) s += "set yrange " + range(f.yrange) + "\n";
  if (f.y2range) s += "set y2range " + range(f.y2range) + "\n";
  if (f.xrange) s += "set xrange " + range(f.xrange) + "\n";
  if (f.xtics > 0) s += "set xtics " + num(f.xtics) + "\n";
  s += "set key " + f.legend + "\n";
  if (f.unit_line) s += "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 3 lc rgb '#999999'\n";
  for (const auto& m : f.markers)
    s += "set arrow from " + num(m.x) + ", graph 0 to " + num(m.x) + ", graph 1 nohead dt 3 lw 2 lc rgb '#999999'\n" +
         "set label " + gp_str(m.label) + " at " + num(m.x) + ", graph 0.04 offset 0.3,0 font ',9' tc rgb '#666666'\n";
  // spans: one shade per distinct label, named at the span's start
  static const char* kShades[] = {"#f0f0f0", "#fde0dd", "#deebf7", "#e5f5e0", "#fff7bc", "#efedf5", "#fee6ce"};
  std::map<std::string, int> shade_of;
  int obj = 1;
  for (const auto& sp : f.spans) {
    const int k = shade_of.emplace(sp.label, static_cast<int>(shade_of.size())).first->second;
    s += "set object " + std::to_string(obj++) + " rect from " + num(sp.first - 0.5) + ", graph 0 to " + num(sp.last + 0.5) +
         ", graph 1 behind fc rgb '" + kShades[k % 7] + "' fs solid 1.0 noborder\n";
    s += "set label " + gp_str(sp.label) + " at " + num(sp.first) + ", graph 0.97 font ',9' tc rgb '#555555' noenhanced\n";
  }
  s += "plot ";
  for (std::size_t i = 0; i < f.series.size(); ++i) {
    const FigureSeries& x = f.series[i];
    if (i > 0) s += ", \\\n     ";
    using S = FigureSeries::Style;
    if (x.style == S::kSteps || x.style == S::kDotted) {
      s += dat + " using 1:" + col(x.column, 0) + (x.right_axis ? " axes x1y2" : "") + " with " + style_of(x.style) +
           " lw 1.5 " + (x.style == S::kSteps ? "dt 2" : "dt 3") + " lc rgb '" + x.color + "' title " + gp_str(x.title) +
           " noenhanced";
      continue;
    }
    s += series(dat, x.column, x.color, x.title, band && x.band, style_of(x.style), x.right_axis);
  }
  return s + "\n";
}

// one figure over its tables (one per seed): the data file, the script and the picture
void draw_tables(Plotter& pl, const std::string& name, const FigureSpec& f, const std::vector<TrialTable>& tables,
                 const std::string& title, bool band) {
  write_table(pl.data_path(name), tables);
  pl.render(name, pl.preamble(name, f.width > 0 ? f.width : 900, f.height > 0 ? f.height : 540) +
                      figure_script(f, gp_str(pl.data_path(name).string()), title, band));
}

// the task's own figures of one run (`runs` = its seeds in a bench), by the analyses of its env
void plot_task(Plotter& pl, const std::vector<fs::path>& runs, const std::string& prefix, const std::string& title,
               const AnalysesOf& analyses_of) {
  if (!analyses_of || runs.empty() || !fs::exists(runs.front() / "trials.jsonl")) return;
  const std::vector<TaskAnalysis> analyses = analyses_of(env_of(runs.front()));
  if (analyses.empty()) return;
  std::vector<std::vector<TrialRecord>> trials;
  for (const auto& r : runs)
    if (fs::exists(r / "trials.jsonl")) trials.push_back(read_trials(r));
  const bool band = trials.size() > 1;
  const std::string over = band ? " (median and interquartile range over " + std::to_string(trials.size()) + " seeds)" : "";
  const KeyValues options = env_options_of(runs.front());
  for (const auto& a : analyses) {
    std::vector<TrialTable> tables;
    for (const auto& tr : trials) tables.push_back(a.table(tr));
    if (std::all_of(tables.begin(), tables.end(), [](const TrialTable& x) { return x.rows.empty(); })) continue;
    draw_tables(pl, prefix + a.name, a.figure(trials, options), tables, title + over, band);
  }
}

// figures whose tables are made (an experiment's): median and IQR over the tables when there are several
void plot_tables(Plotter& pl, const std::vector<TableFigure>& figures, const std::string& title) {
  for (const TableFigure& f : figures) {
    if (f.seeds.empty() || std::all_of(f.seeds.begin(), f.seeds.end(), [](const TrialTable& t) { return t.rows.empty(); })) continue;
    const bool band = f.seeds.size() > 1;
    const std::string over = band ? " (median and interquartile range over " + std::to_string(f.seeds.size()) + ")" : "";
    draw_tables(pl, f.name, f.spec, f.seeds, title + over, band);
  }
}

void plot_bench(Plotter& pl, const fs::path& dir, const AnalysesOf& analyses_of) {
  std::map<std::string, std::vector<fs::path>> seeds;
  for (const auto& r : fs::directory_iterator(dir / "runs")) {
    if (!r.is_directory()) continue;
    for (const auto& s : fs::directory_iterator(r.path()))
      if (s.is_directory() && fs::exists(s.path() / "episodes.csv")) seeds[r.path().filename().string()].push_back(s.path());
  }
  if (seeds.empty()) throw UsageError(dir.string() + "/runs holds no finished run (no runs/NAME/seed-S/episodes.csv)");
  std::vector<std::string> summary_blocks;
  std::ostringstream all;
  for (auto& [name, paths] : seeds) {
    std::sort(paths.begin(), paths.end());
    std::vector<std::vector<double>> rows, acc_rows;
    int w = 1;
    std::string env_agent;
    for (const auto& p : paths) {
      const Curve k = read_curve(p);
      w = std::max(w, window_for(k.returns.size()));
      rows.push_back(k.returns);
      acc_rows.push_back(k.accuracy);
      if (env_agent.empty()) {
        env_agent = title_of(p);
        env_agent = env_agent.substr(0, env_agent.rfind(", seed"));
      }
    }
    for (auto& r : rows) r = moving_average(r, w);
    const bool has_acc = std::any_of(acc_rows.begin(), acc_rows.end(), [](const auto& v) { return any_finite(v); });
    for (auto& r : acc_rows) r = moving_average(r, std::max(w, 10));
    const Band b = band(rows), ba = band(acc_rows);
    const std::string fname = "learning-" + safe_name(name);
    std::ostringstream d;
    d << "# episode median q25 q75 seeds acc_median acc_q25 acc_q75\n";
    for (std::size_t i = 0; i < b.median.size(); ++i)
      d << i << " " << num(b.median[i]) << " " << num(b.q25[i]) << " " << num(b.q75[i]) << " " << b.n[i] << " "
        << num(i < ba.median.size() ? ba.median[i] : kNaN) << " " << num(i < ba.q25.size() ? ba.q25[i] : kNaN) << " "
        << num(i < ba.q75.size() ? ba.q75[i] : kNaN) << "\n";
    write_file_atomic(pl.data_path(fname), d.str());
    all << "# " << name << "\n" << d.str() << "\n\n";
    summary_blocks.push_back(name);
    const std::string dat = gp_str(pl.data_path(fname).string());
    std::string s = pl.preamble(fname);
    s += "set title " + gp_str(name + " (" + env_agent + "): median and interquartile range over " +
                               std::to_string(paths.size()) + " seeds") + " noenhanced\n" +
         "set xlabel 'training episode'\nset ylabel 'return (moving average, " + std::to_string(w) + " episodes)'\n";
    s += "plot " + dat + " using 1:3:4 with filledcurves fc rgb '#9ecae1' fs transparent solid 0.5 noborder title 'interquartile range', \\\n"
         "     " + dat + " using 1:2 with lines lw 2 lc rgb '#08519c' title 'median'\n";
    pl.render(fname, s);
    if (has_acc) {
      const std::string an = "accuracy-" + safe_name(name);
      std::string a = pl.preamble(an);
      a += "set title " + gp_str(name + ": accuracy, median and interquartile range over " + std::to_string(paths.size()) +
                                 " seeds") + " noenhanced\n" +
           "set xlabel 'training episode'\nset ylabel 'fraction correct'\nset yrange [0:1.05]\n";
      a += "plot " + dat + " using 1:7:8 with filledcurves fc rgb '#a1d99b' fs transparent solid 0.5 noborder title 'interquartile range', \\\n"
           "     " + dat + " using 1:6 with lines lw 2 lc rgb '#006d2c' title 'median'\n";
      pl.render(an, a);
    }
    plot_signals(pl, paths.front(), safe_name(name) + "-" + paths.front().filename().string() + "-");
    plot_task(pl, paths, safe_name(name) + "-", name + " (" + env_agent + ")", analyses_of);
  }
  if (summary_blocks.size() > 1) {
    write_file_atomic(pl.data_path("learning-all"), all.str());
    std::string s = pl.preamble("learning-all");
    s += "set title 'Median learning curves over seeds'\nset xlabel 'training episode'\nset ylabel 'return (moving average)'\nset key outside right top\n";
    s += "plot ";
    for (std::size_t i = 0; i < summary_blocks.size(); ++i)
      s += std::string(i ? ", \\\n     " : "") + gp_str(pl.data_path("learning-all").string()) + " index " + std::to_string(i) +
           " using 1:2 with lines lw 2 title " + gp_str(summary_blocks[i]) + " noenhanced";
    s += "\n";
    pl.render("learning-all", s);
  }
}

}  // namespace

Band band(const std::vector<std::vector<double>>& rows) {
  std::size_t n = 0;
  for (const auto& r : rows) n = std::max(n, r.size());
  Band b;
  std::vector<double> col;
  for (std::size_t i = 0; i < n; ++i) {
    col.clear();
    for (const auto& r : rows)
      if (i < r.size() && std::isfinite(r[i])) col.push_back(r[i]);
    b.n.push_back(static_cast<int>(col.size()));
    if (col.empty()) {
      b.median.push_back(kNaN);
      b.q25.push_back(kNaN);
      b.q75.push_back(kNaN);
      continue;
    }
    b.median.push_back(quantile(col, 0.5));
    b.q25.push_back(quantile(col, 0.25));
    b.q75.push_back(quantile(col, 0.75));
  }
  return b;
}

std::vector<double> moving_average(const std::vector<double>& v, int window) {
  std::vector<double> out(v.size(), kNaN);
  double sum = 0;
  int count = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isfinite(v[i])) { sum += v[i]; ++count; }
    if (i >= static_cast<std::size_t>(window) && std::isfinite(v[i - window])) { sum -= v[i - window]; --count; }
    if (count > 0) out[i] = sum / count;
  }
  return out;
}

std::vector<fs::path> plot_dir(const fs::path& dir, const fs::path& out, const std::string& format,
                              const AnalysesOf& analyses_of, const ExperimentFigures& experiment_figures) {
  if (!fs::is_directory(dir)) throw UsageError("plot: no directory " + dir.string());
  const bool is_run = fs::exists(dir / "episodes.csv");
  const bool is_bench = fs::is_directory(dir / "runs");
  const bool is_experiment = fs::exists(dir / "experiment.json");
  if (!is_run && !is_bench && !is_experiment)
    throw UsageError("plot: " + dir.string() + " is neither a run directory (episodes.csv, from sgym run), a bench "
                     "directory (runs/NAME/seed-S/, from sgym bench) nor an experiment directory (experiment.json, "
                     "from sgym experiment)");
  Plotter pl(out, format);
  if (is_experiment) {
    if (!experiment_figures) throw UsageError("plot: " + dir.string() + " is an experiment directory; this build cannot draw experiments");
    const auto figures = experiment_figures(dir);
    if (figures.empty())
      throw UsageError("plot: " + dir.string() + " is an experiment that draws no figures; its results are summary.md and its CSV files");
    plot_tables(pl, figures, dir.filename().string());
  } else if (is_run) {
    plot_run_curves(pl, dir, "");
    plot_signals(pl, dir, "");
    plot_task(pl, {dir}, "", title_of(dir), analyses_of);
  } else {
    plot_bench(pl, dir, analyses_of);
  }
  return pl.figures();
}

}  // namespace sgym::plot
