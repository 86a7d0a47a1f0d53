// sgym_arm_adaptation: the motor-adaptation benchmark of cerebellar-reach on ArmReach-v0 (see
// benchmarks/arm_adaptation.hpp and benchmarks/results/arm_adaptation.md). One schedule per
// perturbation: baseline, adaptation, washout (after-effect), re-exposure (savings), brief opposite
// perturbation, error clamp (spontaneous recovery; Smith, Ghazizadeh & Shadmehr 2006). Prints the
// signatures and the two-state fit as Markdown; --csv writes the per-trial measures.
//
// With --env-opt clamp=channel the clamp columns are the channel force (N) instead of x (deg). The env's
// visual_delay_ms is 120 unless an --env-opt sets it (arm_adaptation.hpp); --learning off runs the
// agent with learning off (the control: what online feedback alone does).
//
//   sgym_arm_adaptation --perturbation rotation|curl [--seeds N] [--schedule S] [--csv FILE]
//                       [--agent ID] [--agent-opt key=value]... [--env-opt key=value]... [--learning on|off]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "arm_adaptation.hpp"
#include "sgym/error.hpp"

using namespace sgym;
using namespace sgym::arm_adaptation;

namespace {

// the default schedules: adaptation 120, washout 40, re-exposure 120, opposite 15, clamp 100
constexpr const char* kRotationSchedule =
    "baseline:40,rotation:120,washout:40,rotation:120,counter_rotation:15,clamp:100";
constexpr const char* kCurlSchedule = "baseline:40,curl:120,washout:40,curl:120,counter_curl:15,clamp:100";

std::pair<std::string, std::string> key_value(const std::string& s) {
  const auto eq = s.find('=');
  if (eq == std::string::npos) throw UsageError("expected key=value, got \"" + s + "\"");
  return {s.substr(0, eq), s.substr(eq + 1)};
}

// the signatures of one run
struct Signatures {
  double first5 = 0, last5 = 0;        // error, first and last 5 trials of the first exposure
  double first8_x = 0;                 // adaptation, first 8 trials of the first exposure
  double after_effect = 0;             // adaptation, first 5 washout trials
  double exposure1_10 = 0, exposure2_10 = 0;  // error, first 10 trials of each exposure
  double counter_end = 0;              // adaptation, last 3 trials of the opposite perturbation
  double clamp_peak = 0;               // adaptation, max over clamp of the 5-trial running mean
  long long clamp_peak_trial = 0;      // clamp trial (1-based) of that maximum
  double clamp_end = 0;                // adaptation, last 10 clamp trials
  learning::TwoStateFit fit;
};

Signatures measure(const std::vector<Trial>& t, const std::string& exposure, const std::string& counter) {
  Signatures s;
  const long long e1 = phase_start(t, exposure, 0), e2 = phase_start(t, exposure, 1);
  const long long w = phase_start(t, "washout"), c = phase_start(t, counter), k = phase_start(t, "clamp");
  auto err = [](const Trial& x) { return error_of(x); };
  // in channel clamps the adaptation shows in the channel force (N), not in x
  const bool channel = k >= 0 && std::isnan(t[static_cast<std::size_t>(k)].adaptation);
  auto ad = [](const Trial& x) { return x.adaptation; };
  auto clamp_measure = [channel](const Trial& x) { return channel ? x.channel_force : x.adaptation; };
  const long long e1_end = w;
  s.first5 = mean_over(t, e1, e1 + 5, err);
  s.first8_x = mean_over(t, e1, e1 + 8, ad);
  s.last5 = mean_over(t, e1_end - 5, e1_end, err);
  s.after_effect = mean_over(t, w, w + 5, ad);
  s.exposure1_10 = mean_over(t, e1, e1 + 10, err);
  s.exposure2_10 = mean_over(t, e2, e2 + 10, err);
  s.counter_end = mean_over(t, k - 3, k, ad);
  s.clamp_peak = -1e9;
  for (long long i = k; i + 5 <= static_cast<long long>(t.size()); ++i) {
    const double m = mean_over(t, i, i + 5, clamp_measure);
    if (m > s.clamp_peak) { s.clamp_peak = m; s.clamp_peak_trial = i - k + 3; }
  }
  s.clamp_end = mean_over(t, static_cast<long long>(t.size()) - 10, static_cast<long long>(t.size()), clamp_measure);
  (void)c;
  s.fit = fit(t);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Protocol p;
    int seeds = 1;
    std::string csv;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw UsageError(a + " needs a value");
        return argv[++i];
      };
      if (a == "--perturbation") p.perturbation = next();
      else if (a == "--seeds") seeds = std::stoi(next());
      else if (a == "--seed") p.seed = std::stoull(next());
      else if (a == "--schedule") p.schedule = next();
      else if (a == "--csv") csv = next();
      else if (a == "--agent") p.agent = next();
      else if (a == "--agent-opt") p.agent_options.push_back(key_value(next()));
      else if (a == "--env-opt") p.env_options.push_back(key_value(next()));
      else if (a == "--learning") {
        const std::string v = next();
        if (v != "on" && v != "off") throw UsageError("--learning must be on or off, got \"" + v + "\"");
        p.learning = v == "on";
      }
      else throw UsageError("unknown argument \"" + a + "\"; see the comment at the top of benchmarks/arm_adaptation.cpp");
    }
    if (p.perturbation != "rotation" && p.perturbation != "curl")
      throw UsageError("--perturbation must be rotation or curl, got \"" + p.perturbation + "\"");
    if (p.schedule.empty()) p.schedule = p.perturbation == "rotation" ? kRotationSchedule : kCurlSchedule;
    const std::string exposure = p.perturbation, counter = "counter_" + p.perturbation;

    std::ofstream out;
    if (!csv.empty()) {
      out.open(csv);
      out << "seed,trial,phase,target,outcome,direction_error_deg,hand_direction_error_deg,f_deg,clamp,adaptation_deg,"
             "fit_adaptation_deg,fit_fast_deg,fit_slow_deg,channel_force_n\n";
    }
    std::printf("| seed | first 8 x | first 5 e | last 5 e | after-effect x | first 10 e (1st / 2nd exposure) | end of opposite x | "
                "clamp peak x (trial) | clamp end x | A_f | B_f | A_s | B_s | R² | time s |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    const std::uint64_t seed0 = p.seed;
    std::vector<std::vector<double>> columns(15);
    for (int k = 0; k < seeds; ++k) {
      p.seed = seed0 + static_cast<std::uint64_t>(k);
      const auto t0 = std::chrono::steady_clock::now();
      const std::vector<Trial> trials = run_protocol(p);
      const Signatures s = measure(trials, exposure, counter);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const auto& f = s.fit.params;
      std::printf("| %llu | %.1f | %.1f | %.1f | %.1f | %.1f / %.1f | %.1f | %.1f (%lld) | %.1f | %.3f | %.3f | %.4f | %.4f | "
                  "%.3f | %.1f |\n",
                  static_cast<unsigned long long>(p.seed), s.first8_x, s.first5, s.last5, s.after_effect, s.exposure1_10,
                  s.exposure2_10, s.counter_end, s.clamp_peak, s.clamp_peak_trial, s.clamp_end, f.a_f, f.b_f, f.a_s,
                  f.b_s, s.fit.r2, secs);
      const double row[15] = {s.first5, s.last5, s.after_effect, s.exposure1_10, s.exposure2_10, s.counter_end,
                              s.clamp_peak, static_cast<double>(s.clamp_peak_trial), s.clamp_end, f.a_f, f.b_f, f.a_s,
                              f.b_s, s.fit.r2, s.first8_x};
      for (int c = 0; c < 15; ++c) columns[static_cast<std::size_t>(c)].push_back(row[c]);
      if (out) {
        std::vector<learning::TwoStateTrial> st;
        for (const Trial& t : trials) st.push_back({t.f, t.clamp, t.adaptation});
        std::vector<double> x, xf, xs;
        learning::simulate_two_state(f, st, x, &xf, &xs);
        for (std::size_t i = 0; i < trials.size(); ++i) {
          const Trial& t = trials[i];
          out << p.seed << ',' << t.trial << ',' << t.phase << ',' << t.target << ',' << t.outcome << ','
              << t.direction_error << ',' << t.hand_direction_error << ',' << t.f << ',' << (t.clamp ? 1 : 0) << ','
              << t.adaptation << ',' << x[i] << ',' << xf[i] << ',' << xs[i] << ',' << t.channel_force << '\n';
        }
      }
    }
    if (seeds > 1) {
      // median and interquartile range over seeds
      auto q = [](std::vector<double> v, double f) {
        std::sort(v.begin(), v.end());
        const double pos = f * static_cast<double>(v.size() - 1);
        const std::size_t i = static_cast<std::size_t>(pos);
        const double w = pos - static_cast<double>(i);
        return i + 1 < v.size() ? v[i] * (1 - w) + v[i + 1] * w : v[i];
      };
      auto cell = [&](int c, const char* fmt) {
        char buf[128], a[32], b[32], m[32];
        const auto& v = columns[static_cast<std::size_t>(c)];
        std::snprintf(m, sizeof m, fmt, q(v, 0.5));
        std::snprintf(a, sizeof a, fmt, q(v, 0.25));
        std::snprintf(b, sizeof b, fmt, q(v, 0.75));
        std::snprintf(buf, sizeof buf, "%s [%s, %s]", m, a, b);
        return std::string(buf);
      };
      std::printf("| median [IQR] | %s | %s | %s | %s | %s / %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s | |\n",
                  cell(14, "%.1f").c_str(), cell(0, "%.1f").c_str(), cell(1, "%.1f").c_str(), cell(2, "%.1f").c_str(), cell(3, "%.1f").c_str(),
                  cell(4, "%.1f").c_str(), cell(5, "%.1f").c_str(), cell(6, "%.1f").c_str(), cell(7, "%.0f").c_str(),
                  cell(8, "%.1f").c_str(), cell(9, "%.3f").c_str(), cell(10, "%.3f").c_str(), cell(11, "%.4f").c_str(),
                  cell(12, "%.4f").c_str(), cell(13, "%.3f").c_str());
    }
    return 0;
  } catch (const UsageError& e) {
    std::cerr << "sgym_arm_adaptation: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sgym_arm_adaptation: " << e.what() << '\n';
    return 1;
  }
}
