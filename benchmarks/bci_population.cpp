// np-actor-critic on the calibrated BCINeurofeedback-v0, session by session, against the paper's
// comparison (Francioni et al. 2026, Fig. 1i): activity of P+, P-, P0 per session normalised to
// session 1; P- down-regulated relative to P+ and to P0, P+ and P0 alike on average, and only the
// activity-matched P0 in between. Each subject is one seed: its own P+/P- draw, its own baseline
// block and calibration, then `sessions` sessions of the env's trials_per_session task trials.
// Reports markdown: per session the median [interquartile range] over subjects of accuracy,
// rewards/min and the normalised activities, then the three pairwise comparisons (and the matched
// P0) over subjects, on the last session and on the mean of sessions 2..S: median difference [IQR],
// the number of subjects with the first larger, and a two-sided sign test.
//
//   sgym experiment np-actor-critic-bci [--quick] [--jobs 2] [--seed 1] [--out DIR] [--set n_seeds=20
//        --set n_sessions=14 --set perturbation_sd=0.8 --set activity_cost=0 --set env_options="key=value ..."]
// Subject i uses seed mix_seed(seed, i): the env's first reset (its P+/P- draw and noise) gets that
// seed, the agent mix_seed(that seed, 1). Writes sessions.csv (one row per subject and session) and
// subjects.csv (each subject's calibration); sgym plot draws the normalised activities per session.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/rng.hpp"

namespace {

using sgym::experiment::say;

std::string fmt(const std::vector<double>& v) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.3f [%.3f, %.3f]", sgym::quantile(v, 0.5), sgym::quantile(v, 0.25), sgym::quantile(v, 0.75));
  return buf;
}

// two-sided sign test: k of n positive (ties dropped beforehand)
double sign_test(int k, int n) {
  if (n == 0) return 1.0;
  auto tail = [&](int from, int to) {
    double s = 0;
    for (int i = from; i <= to; ++i) s += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) - n * std::log(2.0));
    return s;
  };
  return std::min(1.0, 2.0 * std::min(tail(0, k), tail(k, n)));
}

// the per-session measures, in table order
enum Measure : std::size_t { kAcc, kRpm, kPlus, kMinus, kZero, kMatched, kMeasures };
constexpr const char* kGroups[] = {"p_plus", "p_minus", "p0", "p0_matched"};  // the env's activity_norm_<group>
constexpr const char* kColumns = "subject,seed,session,accuracy,rewards_per_min,p_plus,p_minus,p0,p0_matched";

// the calibration the env reports on the baseline block that completes it
enum Calibration : std::size_t { kChance, kTargetZ, kReachMinus, kReachPlus, kCalibrations };

struct Subject {
  std::vector<std::array<double, kMeasures>> sessions;  // one row per session
  std::vector<std::array<double, kCalibrations>> calibrations;  // one per calibration (one per subject)
};

/// The experiment's parameters (sgym experiment describe np-actor-critic-bci).
struct Params {
  int subjects = 20, sessions = 14;
  double noise_sd = 0.8, activity_cost = 0.0;
  std::string env_options;
};

const sgym::OptionSet<Params>& params() {
  static const sgym::OptionSet<Params> set = [] {
    sgym::OptionSet<Params> o("experiment np-actor-critic-bci");
    o.add("n_seeds", &Params::subjects, "", "subjects (seeds); subject i uses mix_seed(seed, i): its own P+/P- draw, baseline block and calibration", 1, 1000000)
        .deprecated_alias("subjects")
        .add("n_sessions", &Params::sessions, "", "task sessions per subject (the env's trials_per_session trials each)", 1, 100000)
        .deprecated_alias("sessions")
        .add("perturbation_sd", &Params::noise_sd, "", "np-actor-critic's perturbation_sd (its own default is 0.2; the results page uses 0.8)", 0.0, 1e6)
        .deprecated_alias("noise_sd")
        .add("activity_cost", &Params::activity_cost, "", "np-actor-critic's activity_cost kappa (0: none)", 0.0, 1e6)
        .add_text("env_options", &Params::env_options, "", "key=value ...", "BCINeurofeedback-v0 options (default: the env's defaults)");
    return o;
  }();
  return set;
}

/// A number as the agent option it sets (round-trips exactly).
std::string option_value(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

Subject run_subject(const Params& prm, const sgym::KeyValues& env_opts, std::uint64_t seed) {
  Subject out;
  auto env = sgym::make_env("BCINeurofeedback-v0", env_opts);
  const double dt_min = env->spec().dt_ms / 60000.0;
  auto agent = sgym::make_agent("np-actor-critic", env->observation_space(), env->action_space(),
                                {{"perturbation_sd", option_value(prm.noise_sd)}, {"activity_cost", option_value(prm.activity_cost)}},
                                sgym::mix_seed(seed, 1), {env->spec().dt_ms});
  std::vector<float> obs;
  int session = 0;
  double steps = 0, correct = 0;  // task steps and successes in the current session
  sgym::EpisodeHooks hooks;
  hooks.on_step = [&](const sgym::EpisodeStep& st) {
    if (st.action == nullptr) return true;  // the reset
    const sgym::StepResult& r = st.result;
    const bool task = r.info.get_bool("calibrated") && r.info.string_or_empty("condition") == "bci";
    if (task) ++steps;
    const auto outcome = r.info.string_or_empty("trial_outcome");
    if (outcome == "baseline" && r.info.get_bool("calibrated"))
      out.calibrations.push_back({r.info.get_double("calibration_chance"), r.info.get_double("target_z"),
                                  r.info.get_double("calibration_reach_lower_p_minus"), r.info.get_double("calibration_reach_raise_p_plus")});
    correct += outcome == "correct";
    if (r.info.get_bool("session_end") && session < prm.sessions) {
      ++session;
      std::array<double, kMeasures> row{};
      row[kAcc] = r.info.get_double("session_accuracy");
      row[kRpm] = correct / (steps * dt_min);
      for (std::size_t g = 0; g < 4; ++g) row[kPlus + g] = r.info.get_double(std::string("activity_norm_") + kGroups[g]);
      out.sessions.push_back(row);
      steps = correct = 0;
    }
    return true;
  };
  for (bool first = true; session < prm.sessions; first = false)
    sgym::play_episode(*env, *agent, first ? std::optional<std::uint64_t>(seed) : std::nullopt, obs, hooks);
  return out;
}

void run(const sgym::experiment::Context& ctx) {
  const Params prm = params().parse(ctx.params);
  const sgym::KeyValues env_opts = sgym::experiment::key_values(prm.env_options, "env_options");
  sgym::make_env("BCINeurofeedback-v0", env_opts);  // validate the options once before starting threads
  const int n = prm.subjects, sessions = prm.sessions;
  auto subject_seed = [&](int i) { return sgym::mix_seed(ctx.seed, static_cast<std::uint64_t>(i)); };
  std::vector<Subject> subjects(static_cast<std::size_t>(n));
  sgym::experiment::parallel_for(n, ctx.jobs, [&](int i) {
    subjects[static_cast<std::size_t>(i)] = run_subject(prm, env_opts, subject_seed(i));
  });

  // per measure, per session: one value per subject; the calibrations of all subjects, in order
  std::vector<std::vector<std::vector<double>>> m(kMeasures, std::vector<std::vector<double>>(static_cast<std::size_t>(sessions)));
  std::vector<std::vector<double>> calib(kCalibrations);
  std::ostringstream csv, calib_csv;
  csv << kColumns << '\n';
  calib_csv << "subject,seed,calibration_chance,target_z,reach_lower_p_minus,reach_raise_p_plus\n";
  for (int i = 0; i < n; ++i) {
    const Subject& s = subjects[static_cast<std::size_t>(i)];
    for (std::size_t k = 0; k < s.sessions.size(); ++k) {
      csv << i << ',' << subject_seed(i) << ',' << k + 1;
      for (std::size_t j = 0; j < kMeasures; ++j) {
        m[j][k].push_back(s.sessions[k][j]);
        csv << ',' << s.sessions[k][j];
      }
      csv << '\n';
    }
    for (const auto& c : s.calibrations) {
      calib_csv << i << ',' << subject_seed(i);
      for (std::size_t j = 0; j < kCalibrations; ++j) {
        calib[j].push_back(c[j]);
        calib_csv << ',' << c[j];
      }
      calib_csv << '\n';
    }
  }
  ctx.write("sessions.csv", csv.str());
  ctx.write("subjects.csv", calib_csv.str());

  std::ostream& md = ctx.md();
  say(md, "| session | accuracy | rewards/min | P+ | P- | P0 | P0 matched |\n|---|---|---|---|---|---|---|\n");
  for (std::size_t k = 0; k < static_cast<std::size_t>(sessions); ++k) {
    say(md, "| %zu", k + 1);
    for (std::size_t j = 0; j < kMeasures; ++j) say(md, " | %s", fmt(m[j][k]).c_str());
    say(md, " |\n");
  }
  say(md, "\nCalibration over subjects: baseline chance %s, target %s baseline sd above the baseline mean; baseline "
          "windows reaching it with P- silenced alone %s, with P+ saturated alone %s.\n",
      fmt(calib[kChance]).c_str(), fmt(calib[kTargetZ]).c_str(), fmt(calib[kReachMinus]).c_str(), fmt(calib[kReachPlus]).c_str());

  // comparisons over subjects: last session, and the mean over sessions 2..S
  auto per_subject = [&](std::size_t j, bool last) {
    std::vector<double> v(static_cast<std::size_t>(n), 0.0);
    for (std::size_t s = 0; s < v.size(); ++s) {
      if (last) {
        v[s] = m[j][static_cast<std::size_t>(sessions - 1)][s];
        continue;
      }
      double sum = 0;
      for (std::size_t k = 1; k < static_cast<std::size_t>(sessions); ++k) sum += m[j][k][s];
      v[s] = sessions > 1 ? sum / (sessions - 1) : m[j][0][s];
    }
    return v;
  };
  struct Pair {
    const char* name;
    Measure a, b;
  };
  const Pair pairs[] = {{"P+ - P-", kPlus, kMinus}, {"P+ - P0", kPlus, kZero}, {"P- - P0", kMinus, kZero},
                        {"P+ - P0 matched", kPlus, kMatched}, {"P0 matched - P-", kMatched, kMinus}};
  say(md, "\n| comparison (normalised activity) | session %d: median [IQR] | first larger | sign test p | sessions 2-%d mean: median [IQR] | first larger | sign test p |\n|---|---|---|---|---|---|---|\n",
      sessions, sessions);
  for (const Pair& p : pairs) {
    say(md, "| %s", p.name);
    for (bool last : {true, false}) {
      const auto a = per_subject(p.a, last), b = per_subject(p.b, last);
      std::vector<double> d(a.size());
      int pos = 0, nonzero = 0;
      for (std::size_t i = 0; i < a.size(); ++i) {
        d[i] = a[i] - b[i];
        pos += d[i] > 0;
        nonzero += d[i] != 0;
      }
      say(md, " | %s | %d of %d | %.2g", fmt(d).c_str(), pos, n, sign_test(pos, nonzero));
    }
    say(md, " |\n");
  }
  std::string opts;
  for (const auto& [k, v] : env_opts) opts += " " + k + "=" + v;
  say(md, "\n%d subjects (subject i: seed mix_seed(%llu, i)), %d sessions, np-actor-critic perturbation_sd=%g activity_cost=%g (other options default), BCINeurofeedback-v0%s\n",
      n, static_cast<unsigned long long>(ctx.seed), sessions, prm.noise_sd, prm.activity_cost, opts.empty() ? " defaults" : opts.c_str());
}

/// Figure: P+, P-, P0 and matched-P0 activity per session, normalised to session 1, median and IQR
/// over subjects (Francioni et al. 2026, Fig. 1i).
std::vector<sgym::experiment::Figure> figures(const std::filesystem::path& dir) {
  const auto rows = sgym::experiment::read_csv(dir / "sessions.csv");
  std::map<int, sgym::TrialTable> per_subject;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() < 9) continue;
    sgym::TrialTable& t = per_subject[std::stoi(rows[r][0])];
    if (t.columns.empty()) t.columns = {"P+", "P-", "P0", "P0 matched", "accuracy"};
    t.rows[std::stod(rows[r][2])] = {std::stod(rows[r][5]), std::stod(rows[r][6]), std::stod(rows[r][7]), std::stod(rows[r][8]),
                                     std::stod(rows[r][3])};
  }
  sgym::experiment::Figure f{"activity-per-session", {}, {}};
  for (auto& [i, t] : per_subject) f.seeds.push_back(std::move(t));
  f.spec.title = "np-actor-critic, BCI neurofeedback: population activity per session";
  f.spec.xlabel = "session";
  f.spec.ylabel = "activity / session 1";
  f.spec.y2label = "session accuracy";
  f.spec.y2range = std::array<double, 2>{0.0, 1.05};
  f.spec.xtics = 1;
  f.spec.legend = "top left";
  f.spec.unit_line = true;
  f.spec.series = {{0, "P+ (raise the cursor)", "#c03030"},
                   {1, "P- (lower the cursor)", "#3070c0"},
                   {2, "P0 (not read out)", "#606060"},
                   {3, "P0 activity-matched", "#60a060", sgym::FigureSeries::Style::kDashed},
                   {4, "accuracy (right axis)", "#e08020", sgym::FigureSeries::Style::kDotted, false, true}};
  return {f};
}

}  // namespace

sgym::experiment::Entry np_actor_critic_bci_experiment() {
  sgym::experiment::Entry e;
  e.name = "np-actor-critic-bci";
  e.reproduces = "Francioni et al. 2026, Fig. 1i: P+, P- and P0 activity per session normalised to session 1 in BCI neurofeedback (P- down-regulated, P+ like P0)";
  e.results = "benchmarks/results/np-actor-critic.md";
  e.description = "np-actor-critic on the calibrated BCINeurofeedback-v0: accuracy, rewards/min and P+/P-/P0 activity per session, pairwise sign tests over subjects";
  e.params = params().docs();
  e.quick = {{"n_seeds", "2"}, {"n_sessions", "2"}};
  e.run = run;
  e.figures = figures;
  return e;
}
