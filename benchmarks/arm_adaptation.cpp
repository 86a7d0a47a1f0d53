// The motor-adaptation experiment of cerebellar-reach on ArmReach-v0 (benchmarks/arm_adaptation.hpp;
// benchmarks/results/arm_adaptation.md). One schedule per perturbation: baseline, adaptation,
// washout (after-effect), re-exposure (savings), brief opposite perturbation, error clamp
// (spontaneous recovery; Smith, Ghazizadeh & Shadmehr 2006), run as up to seven protocols:
//   rotation, curl            the agent's defaults: signatures and two-state fit per seed, the
//                             adaptation curve in 8-trial bins, timeouts per phase
//   rotation-off, curl-off    the same with learning off (the control: what online feedback alone does)
//   rotation-state, curl-state  desired-state mossy input (the desired_state_options parameter)
//   curl-channel              the curl schedule with force-channel clamps (clamp=channel): the clamp
//                             columns are the channel force (N), with its curve over the clamp
// The env's visual_delay_ms is 120 unless env_options sets it (arm_adaptation.hpp).
//
//   sgym experiment cerebellar-reach-adaptation [--quick] [--jobs 2] [--seed 1] [--out DIR]
//        [--set n_seeds=10 --set protocols="rotation curl ..." --set rotation_schedule=... --set curl_schedule=...
//         --set desired_state_options="..." --set env_options="..."]
// Seed i (row i of every table) uses mix_seed(seed, i) for the agent and the env's first reset, the
// same in every protocol. Writes PROTOCOL.csv per protocol (every trial of every seed, with the
// fitted two-state model) and summary.md; sgym plot draws the adaptation and the fit per trial.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "arm_adaptation.hpp"
#include "experiment.hpp"
#include "sgym/error.hpp"
#include "sgym/rng.hpp"

namespace {

namespace aa = sgym::arm_adaptation;
using sgym::experiment::say;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// the signatures of one run (NaN where the schedule lacks the phase)
struct Signatures {
  double first5 = kNaN, last5 = kNaN;        // error, first and last 5 trials of the first exposure
  double first8_x = kNaN;                    // adaptation, first 8 trials of the first exposure
  double after_effect = kNaN;                // adaptation, first 5 washout trials
  double exposure1_10 = kNaN, exposure2_10 = kNaN;  // error, first 10 trials of each exposure
  double counter_end = kNaN;                 // adaptation, last 3 trials before the clamp (the opposite perturbation)
  double clamp_peak = kNaN;                  // adaptation, max over clamp of the 5-trial running mean
  double clamp_peak_trial = kNaN;            // clamp trial (1-based) at the centre of that window
  double clamp_end = kNaN;                   // adaptation, last 10 clamp trials
  sgym::learning::TwoStateFit fit;
};

Signatures measure(const std::vector<aa::Trial>& t, const std::string& exposure) {
  Signatures s;
  const long long e1 = aa::phase_start(t, exposure, 0), e2 = aa::phase_start(t, exposure, 1);
  const long long w = aa::phase_start(t, "washout"), k = aa::phase_start(t, "clamp");
  auto err = [](const aa::Trial& x) { return aa::error_of(x); };
  // in channel clamps the adaptation shows in the channel force (N), not in x
  const bool channel = k >= 0 && std::isnan(t[static_cast<std::size_t>(k)].adaptation);
  auto ad = [](const aa::Trial& x) { return x.adaptation; };
  auto clamp_measure = [channel](const aa::Trial& x) { return channel ? x.channel_force : x.adaptation; };
  if (e1 >= 0) {
    s.first5 = aa::mean_over(t, e1, e1 + 5, err);
    s.first8_x = aa::mean_over(t, e1, e1 + 8, ad);
    s.exposure1_10 = aa::mean_over(t, e1, e1 + 10, err);
  }
  if (e1 >= 0 && w > e1) s.last5 = aa::mean_over(t, w - 5, w, err);
  if (w >= 0) s.after_effect = aa::mean_over(t, w, w + 5, ad);
  if (e2 >= 0) s.exposure2_10 = aa::mean_over(t, e2, e2 + 10, err);
  if (k >= 3) s.counter_end = aa::mean_over(t, k - 3, k, ad);
  if (k >= 0) {
    s.clamp_peak = -1e9;
    for (long long i = k; i + 5 <= static_cast<long long>(t.size()); ++i) {
      const double m = aa::mean_over(t, i, i + 5, clamp_measure);
      if (m > s.clamp_peak) {
        s.clamp_peak = m;
        s.clamp_peak_trial = static_cast<double>(i - k + 3);
      }
    }
    s.clamp_end = aa::mean_over(t, static_cast<long long>(t.size()) - 10, static_cast<long long>(t.size()), clamp_measure);
  }
  s.fit = aa::fit(t);
  return s;
}

// what a protocol's section reports besides its table of signatures
enum class Extra { kCurve, kNone, kTimeouts, kChannel };

struct ProtocolDef {
  const char* name;          // the protocols parameter's word and the CSV's stem
  const char* perturbation;  // rotation or curl
  bool learning;
  bool desired_state;        // agent options from desired_state_options
  bool channel;              // clamp=channel
  Extra extra;
};

constexpr ProtocolDef kProtocols[] = {
    {"rotation", "rotation", true, false, false, Extra::kCurve},
    {"curl", "curl", true, false, false, Extra::kCurve},
    {"rotation-off", "rotation", false, false, false, Extra::kNone},
    {"curl-off", "curl", false, false, false, Extra::kNone},
    {"rotation-state", "rotation", true, true, false, Extra::kTimeouts},
    {"curl-state", "curl", true, true, false, Extra::kTimeouts},
    {"curl-channel", "curl", true, false, true, Extra::kChannel},
};

std::string protocol_names() {
  std::string s;
  for (const ProtocolDef& p : kProtocols) s += (s.empty() ? "" : " ") + std::string(p.name);
  return s;
}

/// The experiment's parameters (sgym experiment describe cerebellar-reach-adaptation).
struct Params {
  int seeds = 10;
  std::string protocols = protocol_names();
  // adaptation 120, washout 40, re-exposure 120, opposite 15, clamp 100
  std::string rotation_schedule = "baseline:40,rotation:120,washout:40,rotation:120,counter_rotation:15,clamp:100";
  std::string curl_schedule = "baseline:40,curl:120,washout:40,curl:120,counter_curl:15,clamp:100";
  std::string desired_state_options = "mossy_input=desired_state fast_rate=0.04 slow_rate=0.006";
  std::string env_options;
};

const sgym::OptionSet<Params>& params() {
  static const sgym::OptionSet<Params> set = [] {
    sgym::OptionSet<Params> o("experiment cerebellar-reach-adaptation");
    o.add("n_seeds", &Params::seeds, "", "seeds per protocol; seed i uses mix_seed(seed, i) (agent and target order), the same in every protocol", 1, 100000)
        .deprecated_alias("seeds")
        .add_text("protocols", &Params::protocols, "", "names separated by spaces",
                  "the protocols to run, reported in this order: " + protocol_names())
        .add_text("rotation_schedule", &Params::rotation_schedule, "", "phase:trials,...",
                  "ArmReach-v0 schedule of the rotation protocols (the signatures read the first two rotation blocks, washout, the 3 trials before the clamp and the clamp)")
        .add_text("curl_schedule", &Params::curl_schedule, "", "phase:trials,...", "ArmReach-v0 schedule of the curl protocols (read as the rotation's)")
        .add_text("desired_state_options", &Params::desired_state_options, "", "key=value ...",
                  "cerebellar-reach options of the *-state protocols (Kawato's desired-state mossy input; docs/agents/cerebellar-reach.md)")
        .add_text("env_options", &Params::env_options, "", "key=value ...",
                  "further ArmReach-v0 options of every protocol (visual_delay_ms is 120 unless given here)");
    return o;
  }();
  return set;
}

std::vector<const ProtocolDef*> chosen_protocols(const std::string& text) {
  std::vector<const ProtocolDef*> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    const auto it = std::find_if(std::begin(kProtocols), std::end(kProtocols), [&](const ProtocolDef& p) { return w == p.name; });
    if (it == std::end(kProtocols))
      throw sgym::UsageError("experiment cerebellar-reach-adaptation: protocols: no protocol '" + w.substr(0, 40) + "'; the protocols are " +
                             protocol_names());
    if (std::find(out.begin(), out.end(), &*it) != out.end())
      throw sgym::UsageError("experiment cerebellar-reach-adaptation: protocols: '" + w + "' is given twice");
    out.push_back(&*it);
  }
  if (out.empty()) throw sgym::UsageError("experiment cerebellar-reach-adaptation: protocols: give at least one of " + protocol_names());
  return out;
}

aa::Protocol protocol_of(const ProtocolDef& d, const Params& prm, const sgym::KeyValues& env_opts, const sgym::KeyValues& state_opts) {
  aa::Protocol p;
  p.perturbation = d.perturbation;
  p.schedule = std::string(d.perturbation) == "rotation" ? prm.rotation_schedule : prm.curl_schedule;
  p.env_options = env_opts;
  if (d.channel) p.env_options.emplace_back("clamp", "channel");
  if (d.desired_state) p.agent_options = state_opts;
  p.learning = d.learning;
  return p;
}

// one run: a protocol with one seed
struct Run {
  std::vector<aa::Trial> trials;
  Signatures sig;
  std::vector<double> x, xf, xs;  // the fitted two-state model per trial
};

constexpr const char* kCsvHeader =
    "seed,trial,phase,target,outcome,direction_error_deg,hand_direction_error_deg,f_deg,clamp,adaptation_deg,"
    "fit_adaptation_deg,fit_fast_deg,fit_slow_deg,channel_force_n";

// the CSV rows of one run (numbers at the stream's default 6 significant digits; the curves below are
// computed from these rows, as the experiment's shell script did before it became an entry)
void write_rows(std::ostream& out, std::uint64_t seed, const Run& r) {
  for (std::size_t i = 0; i < r.trials.size(); ++i) {
    const aa::Trial& t = r.trials[i];
    out << seed << ',' << t.trial << ',' << t.phase << ',' << t.target << ',' << t.outcome << ',' << t.direction_error << ','
        << t.hand_direction_error << ',' << t.f << ',' << (t.clamp ? 1 : 0) << ',' << t.adaptation << ',' << r.x[i] << ','
        << r.xf[i] << ',' << r.xs[i] << ',' << t.channel_force << '\n';
  }
}

enum Col : std::size_t { kSeed, kTrial, kPhase, kTarget, kOutcome, kDirErr, kHandErr, kF, kClamp, kX, kFitX, kFitF, kFitS, kForce, kCols };

std::string cell(const std::vector<double>& v, const char* f) {
  char m[32], a[32], b[32], buf[128];
  std::snprintf(m, sizeof m, f, sgym::quantile(v, 0.5));
  std::snprintf(a, sizeof a, f, sgym::quantile(v, 0.25));
  std::snprintf(b, sizeof b, f, sgym::quantile(v, 0.75));
  std::snprintf(buf, sizeof buf, "%s [%s, %s]", m, a, b);
  return buf;
}

void signature_table(std::ostream& md, const std::vector<Run>& runs) {
  say(md, "| i | first 8 x | first 5 e | last 5 e | after-effect x | first 10 e (1st / 2nd exposure) | end of opposite x | "
          "clamp peak x (trial) | clamp end x | A_f | B_f | A_s | B_s | R² |\n");
  say(md, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::vector<std::vector<double>> col(15);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Signatures& s = runs[i].sig;
    const auto& f = s.fit.params;
    say(md, "| %zu | %.1f | %.1f | %.1f | %.1f | %.1f / %.1f | %.1f | %.1f (%.0f) | %.1f | %.3f | %.3f | %.4f | %.4f | %.3f |\n", i,
        s.first8_x, s.first5, s.last5, s.after_effect, s.exposure1_10, s.exposure2_10, s.counter_end, s.clamp_peak,
        s.clamp_peak_trial, s.clamp_end, f.a_f, f.b_f, f.a_s, f.b_s, s.fit.r2);
    const double row[15] = {s.first8_x, s.first5, s.last5, s.after_effect, s.exposure1_10, s.exposure2_10, s.counter_end,
                            s.clamp_peak, s.clamp_peak_trial, s.clamp_end, f.a_f, f.b_f, f.a_s, f.b_s, s.fit.r2};
    for (std::size_t c = 0; c < 15; ++c) col[c].push_back(row[c]);
  }
  if (runs.size() < 2) return;
  say(md, "| median [IQR] | %s | %s | %s | %s | %s / %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s |\n", cell(col[0], "%.1f").c_str(),
      cell(col[1], "%.1f").c_str(), cell(col[2], "%.1f").c_str(), cell(col[3], "%.1f").c_str(), cell(col[4], "%.1f").c_str(),
      cell(col[5], "%.1f").c_str(), cell(col[6], "%.1f").c_str(), cell(col[7], "%.1f").c_str(), cell(col[8], "%.0f").c_str(),
      cell(col[9], "%.1f").c_str(), cell(col[10], "%.3f").c_str(), cell(col[11], "%.3f").c_str(), cell(col[12], "%.4f").c_str(),
      cell(col[13], "%.4f").c_str(), cell(col[14], "%.3f").c_str());
}

// the CSV text split into rows of cells (header dropped)
std::vector<std::vector<std::string>> rows_of(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    if (cells.size() == kCols) rows.push_back(std::move(cells));
  }
  return rows;
}

// the adaptation curve: 8-trial bins inside each phase block, means over seeds
void curve_table(std::ostream& md, const std::vector<std::vector<std::string>>& rows) {
  struct Bin {
    std::string phase;
    long long lo = 0, hi = 0;
    double n = 0, e = 0, x = 0, fit = 0, fast = 0, slow = 0;
  };
  std::map<std::pair<int, long long>, Bin> bins;  // (block, bin)
  std::string seed, prev;
  int block = 0;
  long long start = 0;
  for (const auto& r : rows) {
    const long long trial = std::stoll(r[kTrial]);
    if (r[kSeed] != seed) {
      seed = r[kSeed];
      block = 0;
      prev.clear();
    }
    if (r[kPhase] != prev) {
      ++block;
      start = trial;
      prev = r[kPhase];
    }
    Bin& b = bins[{block, (trial - start) / 8}];
    if (b.n == 0) b.lo = b.hi = trial;
    b.phase = r[kPhase];
    b.lo = std::min(b.lo, trial);
    b.hi = std::max(b.hi, trial);
    const double x = std::stod(r[kX]);
    b.e += r[kClamp] == "1" ? 0.0 : std::stod(r[kF]) - x;
    b.x += x;
    b.fit += std::stod(r[kFitX]);
    b.fast += std::stod(r[kFitF]);
    b.slow += std::stod(r[kFitS]);
    ++b.n;
  }
  say(md, "| phase | trials | error e (deg) | adaptation x (deg) | two-state fit x | fit fast x_f | fit slow x_s |\n");
  say(md, "|---|---|---|---|---|---|---|\n");
  for (const auto& [key, b] : bins)
    say(md, "| %s | %lld-%lld | %.1f | %.1f | %.1f | %.1f | %.1f |\n", b.phase.c_str(), b.lo, b.hi, b.e / b.n, b.x / b.n, b.fit / b.n,
        b.fast / b.n, b.slow / b.n);
}

// timeouts per phase over all seeds, phases in the order they first occur
std::string timeouts(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> order;
  std::map<std::string, std::pair<int, int>> count;  // phase -> (timeouts, trials)
  for (const auto& r : rows) {
    if (!count.count(r[kPhase])) order.push_back(r[kPhase]);
    auto& c = count[r[kPhase]];
    c.first += r[kOutcome] == "timeout";
    ++c.second;
  }
  std::string s;
  for (const std::string& p : order) s += p + " " + std::to_string(count[p].first) + "/" + std::to_string(count[p].second) + "; ";
  return s;
}

// the channel force over the clamp in 8-trial bins, mean over seeds
void channel_table(std::ostream& md, const std::vector<std::vector<std::string>>& rows) {
  std::vector<double> n, f;
  std::string seed;
  long long start = 0, last = 0;
  for (const auto& r : rows) {
    if (r[kPhase] != "clamp") continue;
    const long long trial = std::stoll(r[kTrial]);
    if (r[kSeed] != seed) {
      seed = r[kSeed];
      start = trial;
    }
    const auto bin = static_cast<std::size_t>((trial - start) / 8);
    if (bin >= n.size()) n.resize(bin + 1, 0.0), f.resize(bin + 1, 0.0);
    ++n[bin];
    f[bin] += std::stod(r[kForce]);
    last = std::max(last, trial - start + 1);
  }
  say(md, "| clamp trials | channel force (N), mean over seeds |\n|---|---|\n");
  for (std::size_t b = 0; b < n.size(); ++b)
    say(md, "| %zu-%lld | %.2f |\n", 8 * b + 1, std::min(static_cast<long long>(8 * b + 8), last), f[b] / n[b]);
}

void run(const sgym::experiment::Context& ctx) {
  const Params prm = params().parse(ctx.params);
  const std::vector<const ProtocolDef*> chosen = chosen_protocols(prm.protocols);
  const sgym::KeyValues env_opts = sgym::experiment::key_values(prm.env_options, "env_options");
  const sgym::KeyValues state_opts = sgym::experiment::key_values(prm.desired_state_options, "desired_state_options");
  sgym::experiment::refuse_keys(env_opts, {"schedule", "clamp", "target_order"}, "cerebellar-reach-adaptation", "env_options",
                                "schedule from rotation_schedule / curl_schedule, clamp=channel in curl-channel only, "
                                "target_order by the curl protocols' naive reaches");
  // validate every protocol's env and agent once before starting threads
  for (const ProtocolDef* d : chosen) {
    const aa::Protocol p = protocol_of(*d, prm, env_opts, state_opts);
    sgym::KeyValues o = aa::protocol_env_options(p);
    o.emplace_back("schedule", p.schedule);
    auto env = sgym::make_env("ArmReach-v0", o);
    sgym::make_agent(p.agent, env->observation_space(), env->action_space(), p.agent_options, 1);
  }
  const auto n = static_cast<std::size_t>(prm.seeds);
  auto seed_of = [&](std::size_t i) { return sgym::mix_seed(ctx.seed, i); };
  // slot (protocol, seed), in that order
  std::vector<Run> runs(chosen.size() * n);
  sgym::experiment::parallel_for(static_cast<int>(runs.size()), ctx.jobs, [&](int k) {
    const auto slot = static_cast<std::size_t>(k);
    aa::Protocol p = protocol_of(*chosen[slot / n], prm, env_opts, state_opts);
    p.seed = seed_of(slot % n);
    Run& r = runs[slot];
    r.trials = aa::run_protocol(p);
    r.sig = measure(r.trials, p.perturbation);
    std::vector<sgym::learning::TwoStateTrial> st;
    for (const aa::Trial& t : r.trials) st.push_back({t.f, t.clamp, t.adaptation});
    sgym::learning::simulate_two_state(r.sig.fit.params, st, r.x, &r.xf, &r.xs);
  });

  std::ostream& md = ctx.md();
  for (std::size_t c = 0; c < chosen.size(); ++c) {
    const ProtocolDef& d = *chosen[c];
    const std::vector<Run> mine(runs.begin() + static_cast<std::ptrdiff_t>(c * n), runs.begin() + static_cast<std::ptrdiff_t>((c + 1) * n));
    std::ostringstream csv;
    csv << kCsvHeader << '\n';
    for (std::size_t i = 0; i < n; ++i) write_rows(csv, seed_of(i), mine[i]);
    ctx.write(std::string(d.name) + ".csv", csv.str());
    const auto rows = rows_of(csv.str());

    say(md, "## %s", d.perturbation);
    if (!d.learning) say(md, ", learning off (control)");
    if (d.desired_state) say(md, ", desired-state mossy input (%s)", prm.desired_state_options.c_str());
    if (d.channel) say(md, ", channel clamps (clamp=channel, as Smith et al. 2006): clamp columns are the channel force in N");
    say(md, "\n\n");
    signature_table(md, mine);
    say(md, "\n");
    if (d.extra == Extra::kCurve) {
      curve_table(md, rows);
      say(md, "\nTimeouts (trials not held in the target), all seeds: %s\n\n", timeouts(rows).c_str());
    } else if (d.extra == Extra::kTimeouts) {
      say(md, "Timeouts, all seeds: %s\n\n", timeouts(rows).c_str());
    } else if (d.extra == Extra::kChannel) {
      channel_table(md, rows);
      say(md, "\n");
    }
  }
  std::string opts;
  aa::Protocol shown;
  shown.env_options = env_opts;
  for (const auto& [k, v] : aa::protocol_env_options(shown)) opts += " " + k + "=" + v;
  say(md, "%zu seeds per protocol (row i: seed mix_seed(%llu, i), the same in every protocol); ArmReach-v0%s; cerebellar-reach defaults "
          "unless stated; rotation schedule %s, curl schedule %s\n",
      n, static_cast<unsigned long long>(ctx.seed), opts.c_str(), prm.rotation_schedule.c_str(), prm.curl_schedule.c_str());
}

/// Figures: the adaptation x per trial with the fitted two-state model and its fast and slow states,
/// median and IQR over seeds, one per perturbation (rotation.csv and curl.csv, when run), the phases shaded.
std::vector<sgym::experiment::Figure> figures(const std::filesystem::path& dir) {
  std::vector<sgym::experiment::Figure> out;
  for (const char* pert : {"rotation", "curl"}) {
    const std::filesystem::path file = dir / (std::string(pert) + ".csv");
    if (!std::filesystem::exists(file)) continue;
    const auto rows = sgym::experiment::read_csv(file);
    std::map<std::string, sgym::TrialTable> per_seed;
    std::vector<sgym::FigureSpan> spans;
    std::string first_seed;
    for (std::size_t r = 1; r < rows.size(); ++r) {
      if (rows[r].size() != kCols) continue;
      const auto& c = rows[r];
      sgym::TrialTable& t = per_seed[c[kSeed]];
      if (t.columns.empty()) t.columns = {"x", "fit", "fast", "slow", "f"};
      const double trial = std::stod(c[kTrial]);
      t.rows[trial] = {std::stod(c[kX]), std::stod(c[kFitX]), std::stod(c[kFitF]), std::stod(c[kFitS]), std::stod(c[kF])};
      if (first_seed.empty()) first_seed = c[kSeed];
      if (c[kSeed] != first_seed || c[kPhase] == "baseline" || c[kPhase] == "washout") continue;
      if (!spans.empty() && spans.back().label == c[kPhase] && spans.back().last + 1 == trial) spans.back().last = trial;
      else spans.push_back({trial, trial, c[kPhase]});
    }
    sgym::experiment::Figure f{std::string(pert) + "-adaptation", {}, {}};
    for (auto& [s, t] : per_seed) f.seeds.push_back(std::move(t));
    f.spec.title = std::string("cerebellar-reach on ArmReach-v0, ") + (std::string(pert) == "rotation" ? "30 deg rotation" : "curl field") + ": adaptation per trial";
    f.spec.xlabel = "trial";
    f.spec.ylabel = "adaptation x (deg)";
    f.spec.legend = "bottom right";
    f.spec.spans = spans;
    f.spec.series = {{0, "adaptation x", "#3070c0", sgym::FigureSeries::Style::kSmallPoints},
                     {1, "two-state fit x", "#c03030", sgym::FigureSeries::Style::kDashed, false},
                     {2, "fit: fast x_f", "#e08020", sgym::FigureSeries::Style::kDotted},
                     {3, "fit: slow x_s", "#60a060", sgym::FigureSeries::Style::kDotted},
                     {4, "perturbation f", "#606060", sgym::FigureSeries::Style::kSteps}};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

sgym::experiment::Entry cerebellar_reach_adaptation_experiment() {
  sgym::experiment::Entry e;
  e.name = "cerebellar-reach-adaptation";
  e.reproduces = "Smith, Ghazizadeh & Shadmehr 2006 (PLoS Biol 4:e179): adaptation, after-effect, savings, spontaneous recovery and the two-state fit, visuomotor rotation and curl field";
  e.results = "benchmarks/results/arm_adaptation.md";
  e.description = "cerebellar-reach on ArmReach-v0: signatures and two-state fit per seed, adaptation curves, learning-off control, desired-state input, force channels";
  e.params = params().docs();
  e.quick = {{"n_seeds", "2"},
             {"rotation_schedule", "baseline:4,rotation:12,washout:6,rotation:6,counter_rotation:3,clamp:8"},
             {"curl_schedule", "baseline:4,curl:12,washout:6,curl:6,counter_curl:3,clamp:8"}};
  e.run = run;
  e.figures = figures;
  return e;
}
