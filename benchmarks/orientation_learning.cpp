// orientation_learning: perceptual learning of orientation discrimination (Schoups, Vogels, Qian &
// Orban 2001, Nature 412:549) by `perceptual-learner` on OrientationDiscrimination-v0. Per network
// (seed mix_seed(seed, i)):
//   - naive thresholds, learning off: a staircase block at the trained location and one at the other
//     location (the agent attends the judged location, as the monkeys were cued by block);
//   - `sessions` training sessions of `trials` trials at the trained location (staircase, distractor
//     grating at the other location): the session's threshold is the geometric mean of the offsets
//     at the staircase reversals within that session;
//   - after training, learning off: the trained location's threshold and the transfer test at the
//     other location;
//   - tuning probes before and after training (learning off, no noise, no distractor): each plastic
//     unit's response at reference ± probe_deg gives its slope at the trained orientation
//     (response per degree), reported against |preferred orientation − reference|.
// Outputs (the experiment's directory): thresholds.csv (network, session, threshold_deg, accuracy),
// slopes.csv (network, unit, preferred_deg, distance_deg, slope_before, slope_after), summary.md; sgym plot
// draws the thresholds per session and the slope change by preferred orientation.
//
//   sgym experiment perceptual-learner-orientation [--quick] [--jobs N] [--seed S] [--out DIR]
//        [--set n_seeds=10 --set n_sessions=12 --set trials_per_session=500 --set test_trials=500 --set probe_deg=1
//         --set env_options="key=value ..." --set agent_options="key=value ..."]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/io.hpp"
#include "sgym/rng.hpp"
#include "experiment.hpp"

namespace {

using sgym::KeyValues;
constexpr const char* kEnv = "OrientationDiscrimination-v0";

struct Block {
  double threshold = 0.0;  // geometric mean of the reversal offsets in the block
  double accuracy = 0.0;   // correct / (correct + wrong)
  int reversals = 0;
};

// runs `trials` one-trial episodes (the env's staircase persists across them) and returns the block's
// threshold from the offsets at which the staircase reversed during this block
Block play_block(sgym::Env& env, sgym::Agent& agent, int trials) {
  std::vector<float> obs;
  double log_sum = 0.0, last_offset = -1.0;
  long long last_reversals = -1;
  int correct = 0, answered = 0, reversals = 0;
  for (int t = 0; t < trials; ++t) {
    const auto r0 = env.reset();
    obs.assign(r0.obs.begin(), r0.obs.end());
    agent.begin_episode();
    if (last_reversals < 0) last_reversals = r0.info.get_int("reversals");
    for (;;) {
      const auto step = sgym::interact(env, agent, obs);
      const auto& info = step.result.info;
      const std::string_view outcome = info.string_or_empty("trial_outcome");
      if (!outcome.empty()) {
        if (outcome == "correct" || outcome == "wrong") ++answered;
        if (outcome == "correct") ++correct;
        const long long rev = info.get_int("reversals");
        // a reversal recorded at this trial happened at the offset this trial used
        if (rev > last_reversals) {
          log_sum += std::log(info.get_double("offset_deg"));
          ++reversals;
        }
        last_reversals = rev;
        last_offset = info.get_double("offset_deg");
      }
      if (step.result.terminated || step.result.truncated) break;
    }
    agent.end_episode();
  }
  Block b;
  b.reversals = reversals;
  b.threshold = reversals > 0 ? std::exp(log_sum / reversals) : last_offset;
  b.accuracy = answered > 0 ? static_cast<double>(correct) / answered : 0.0;
  return b;
}

// each plastic unit's mean response to reference + sign · probe_deg (noise-free, no distractor)
std::vector<double> probe_slopes(sgym::Agent& agent, double probe_deg, std::uint64_t seed) {
  auto env = sgym::make_env(kEnv, {{"noise_sd", "0"}, {"distractor", "false"}, {"offset_mode", "list"},
                                   {"n_list_levels", "1"}, {"min_offset_deg", sgym::format_number(probe_deg)},
                                   {"max_offset_deg", sgym::format_number(probe_deg)}});
  std::map<int, std::vector<double>> sum;
  std::map<int, int> count;
  std::vector<float> obs;
  env->reset(seed);
  for (int t = 0; t < 40; ++t) {
    const auto r0 = env->reset();
    obs.assign(r0.obs.begin(), r0.obs.end());
    agent.begin_episode();
    for (;;) {
      const auto step = sgym::interact(*env, agent, obs);
      if (step.action.index != 0) {
        const int sign = step.result.info.get_string("condition") == "anticlockwise" ? 1 : -1;
        for (const auto& s : agent.introspect())
          if (s.name == "layer") {
            auto& acc = sum[sign];
            acc.resize(s.values.size(), 0.0);
            for (std::size_t j = 0; j < s.values.size(); ++j) acc[j] += s.values[j];
            ++count[sign];
          }
      }
      if (step.result.terminated || step.result.truncated) break;
    }
    agent.end_episode();
  }
  if (count[1] == 0 || count[-1] == 0) throw std::runtime_error("probe: both signs must occur");
  std::vector<double> slope(sum[1].size());
  for (std::size_t j = 0; j < slope.size(); ++j)
    slope[j] = (sum[1][j] / count[1] - sum[-1][j] / count[-1]) / (2.0 * probe_deg);
  return slope;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? NAN : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
using sgym::quantile;
std::string fmt(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
std::string iqr(const std::vector<double>& v, int digits = 2) {
  return fmt(median(v), digits) + " [" + fmt(quantile(v, 0.25), digits) + ", " + fmt(quantile(v, 0.75), digits) + "]";
}

/// The experiment's parameters (sgym experiment describe perceptual-learner-orientation).
struct Params {
  int networks = 10, sessions = 12, trials = 500, test_trials = 500;
  double probe_deg = 1.0;
  std::string env_options, agent_options;
};

const sgym::OptionSet<Params>& params() {
  static const sgym::OptionSet<Params> set = [] {
    sgym::OptionSet<Params> o("experiment perceptual-learner-orientation");
    o.add("n_seeds", &Params::networks, "", "networks (seeds); network i uses mix_seed(seed, i)", 1, 10000)
        .deprecated_alias("networks")
        .add("n_sessions", &Params::sessions, "", "training sessions", 1, 1000)
        .deprecated_alias("sessions")
        .add("trials_per_session", &Params::trials, "trials", "training trials per session", 10, 10000000)
        .deprecated_alias("trials")
        .add("test_trials", &Params::test_trials, "trials", "trials per test block (learning off)", 10, 10000000)
        .add("probe_deg", &Params::probe_deg, "deg", "tuning probe offset from the reference", 0.1, 20.0)
        .add_text("env_options", &Params::env_options, "", "key=value ...",
                  "OrientationDiscrimination-v0 options for training and tests")
        .add_text("agent_options", &Params::agent_options, "", "key=value ...", "perceptual-learner options");
    return o;
  }();
  return set;
}

/// One network's measures.
struct Network {
  double naive_trained = 0, naive_other = 0, after_trained = 0, after_other = 0, first_session = 0, last_session = 0;
  std::vector<Block> sessions;
  std::vector<double> before, after;  // slopes per plastic unit
};

Network run_network(std::uint64_t s, const Params& prm, const KeyValues& env_kv, const KeyValues& agent_kv) {
  Network n;
  auto train_env = sgym::make_env(kEnv, env_kv);
  auto agent = sgym::make_agent("perceptual-learner", train_env->observation_space(), train_env->action_space(), agent_kv, s);
  KeyValues other_kv = agent_kv;
  other_kv.emplace_back("attend", "other");
  auto other_agent = sgym::make_agent("perceptual-learner", train_env->observation_space(), train_env->action_space(), other_kv, s);

  // a learning-off test block at each location (fresh staircase each, its own stream)
  auto test = [&](bool trained_location, std::uint64_t stream) {
    KeyValues kv = env_kv;
    kv.emplace_back("target_location", trained_location ? "trained" : "untrained");
    auto env = sgym::make_env(kEnv, kv);
    env->reset(sgym::mix_seed(s, stream));
    sgym::Agent& a = trained_location ? *agent : *other_agent;
    if (!trained_location) other_agent->from_bytes(agent->to_bytes());
    a.set_training(false);
    const Block b = play_block(*env, a, prm.test_trials);
    a.set_training(true);
    return b.threshold;
  };
  n.naive_trained = test(true, 1);
  n.naive_other = test(false, 2);
  agent->set_training(false);
  n.before = probe_slopes(*agent, prm.probe_deg, sgym::mix_seed(s, 3));
  agent->set_training(true);

  train_env->reset(sgym::mix_seed(s, 4));
  for (int k = 0; k < prm.sessions; ++k) n.sessions.push_back(play_block(*train_env, *agent, prm.trials));
  n.first_session = n.sessions.front().threshold;
  n.last_session = n.sessions.back().threshold;

  n.after_trained = test(true, 5);
  n.after_other = test(false, 6);
  agent->set_training(false);
  n.after = probe_slopes(*agent, prm.probe_deg, sgym::mix_seed(s, 3));
  return n;
}

void run(const sgym::experiment::Context& ctx) {
  const Params prm = params().parse(ctx.params);
  const KeyValues agent_kv = sgym::experiment::key_values(prm.agent_options, "agent_options");
  const KeyValues env_kv = sgym::experiment::key_values(prm.env_options, "env_options");
  // validate the options before starting threads
  {
    auto env = sgym::make_env(kEnv, env_kv);
    sgym::make_agent("perceptual-learner", env->observation_space(), env->action_space(), agent_kv, 0);
  }
  std::vector<Network> nets(static_cast<std::size_t>(prm.networks));
  sgym::experiment::parallel_for(prm.networks, ctx.jobs, [&](int i) {
    nets[static_cast<std::size_t>(i)] = run_network(sgym::mix_seed(ctx.seed, static_cast<std::uint64_t>(i)), prm, env_kv, agent_kv);
  });

  std::ostringstream thr_csv, slope_csv;
  thr_csv << "network,session,threshold_deg,accuracy\n";
  slope_csv << "network,unit,preferred_deg,distance_deg,slope_before,slope_after\n";
  std::vector<double> naive_trained, naive_other, after_trained, after_other, first_session, last_session;
  // distance of the preferred orientation from the reference (deg, rounded) -> |slope| before, after (%/deg)
  std::map<long, std::vector<double>> slope_before, slope_after, slope_change;
  for (std::size_t i = 0; i < nets.size(); ++i) {
    const Network& n = nets[i];
    naive_trained.push_back(n.naive_trained);
    naive_other.push_back(n.naive_other);
    after_trained.push_back(n.after_trained);
    after_other.push_back(n.after_other);
    first_session.push_back(n.first_session);
    last_session.push_back(n.last_session);
    for (std::size_t k = 0; k < n.sessions.size(); ++k)
      thr_csv << i << "," << k + 1 << "," << n.sessions[k].threshold << "," << n.sessions[k].accuracy << "\n";
    const std::size_t m = n.after.size();
    for (std::size_t j = 0; j < m; ++j) {
      const double pref = 180.0 * static_cast<double>(j) / static_cast<double>(m);
      double d = std::fabs(pref - 45.0);
      d = std::min(d, 180.0 - d);
      slope_csv << i << "," << j << "," << pref << "," << d << "," << n.before[j] << "," << n.after[j] << "\n";
      const long key = std::lround(d);
      slope_before[key].push_back(100.0 * std::fabs(n.before[j]));
      slope_after[key].push_back(100.0 * std::fabs(n.after[j]));
      slope_change[key].push_back(100.0 * (std::fabs(n.after[j]) - std::fabs(n.before[j])));
    }
    std::fprintf(stderr, "network %zu: threshold naive %.2f -> session 1 %.2f -> session %d %.2f; transfer %.2f (naive %.2f)\n",
                 i, n.naive_trained, n.first_session, prm.sessions, n.last_session, n.after_other, n.naive_other);
  }

  std::ostream& md = ctx.md();
  const int networks = prm.networks, sessions = prm.sessions, trials = prm.trials, test_trials = prm.test_trials;
  md << "# Orientation perceptual learning: perceptual-learner on OrientationDiscrimination-v0\n\n"
     << networks << " networks, " << sessions << " sessions x " << trials << " trials; test blocks of " << test_trials
     << " trials with learning off. Median [IQR] over networks.\n\n"
     << "| threshold (deg) | trained location | other location (transfer) |\n|---|---|---|\n"
     << "| naive | " << iqr(naive_trained) << " | " << iqr(naive_other) << " |\n"
     << "| after training | " << iqr(after_trained) << " | " << iqr(after_other) << " |\n\n"
     << "Training sessions: threshold in session 1 " << iqr(first_session) << ", in session " << sessions << " "
     << iqr(last_session) << ".\n\n"
     << "Slope of the plastic units' tuning at the trained orientation, |dy/dθ| in % of the maximal response per "
      "degree, by the distance of the unit's preferred orientation from 45° (units of all networks pooled):\n\n"
     << "| distance | before | after | change | units |\n|---|---|---|---|---|\n";
  for (const auto& [d, v] : slope_change)
    md << "| " << d << "° | " << iqr(slope_before[d]) << " | " << iqr(slope_after[d]) << " | " << iqr(v) << " | " << v.size()
     << " |\n";
  ctx.write("thresholds.csv", thr_csv.str());
  ctx.write("slopes.csv", slope_csv.str());
}

/// Figures: the staircase threshold per training session (median and IQR over networks) and the change of tuning slope at the trained orientation by the distance of the unit's
/// preferred orientation from it (Schoups et al. 2001, Fig. 3).
std::vector<sgym::experiment::Figure> figures(const std::filesystem::path& dir) {
  using sgym::experiment::read_csv;
  std::vector<sgym::experiment::Figure> out;
  std::map<int, sgym::TrialTable> thr;
  const auto t = read_csv(dir / "thresholds.csv");
  for (std::size_t r = 1; r < t.size(); ++r) {
    if (t[r].size() < 4) continue;
    sgym::TrialTable& tab = thr[std::stoi(t[r][0])];
    tab.columns = {"threshold"};
    tab.rows[std::stod(t[r][1])] = {std::stod(t[r][2])};
  }
  sgym::experiment::Figure f1{"threshold-per-session", {}, {}};
  for (auto& [net, tab] : thr) f1.seeds.push_back(std::move(tab));
  f1.spec.title = "perceptual-learner: staircase threshold per session";
  f1.spec.xlabel = "training session";
  f1.spec.ylabel = "threshold (deg)";
  f1.spec.legend = "top right";
  f1.spec.series = {{0, "trained location", "#1f77b4"}};
  out.push_back(std::move(f1));

  // slope change (% of the maximal response per degree) by distance, averaged per network
  std::map<int, std::map<long, std::pair<double, int>>> change;
  const auto sl = read_csv(dir / "slopes.csv");
  for (std::size_t r = 1; r < sl.size(); ++r) {
    if (sl[r].size() < 6) continue;
    auto& cell = change[std::stoi(sl[r][0])][std::lround(std::stod(sl[r][3]))];
    cell.first += 100.0 * (std::fabs(std::stod(sl[r][5])) - std::fabs(std::stod(sl[r][4])));
    ++cell.second;
  }
  sgym::experiment::Figure f2{"slope-change-by-preference", {}, {}};
  for (const auto& [net, by_d] : change) {
    sgym::TrialTable tab{{"slope change"}, {}};
    for (const auto& [d, c] : by_d) tab.rows[static_cast<double>(d)] = {c.first / c.second};
    f2.seeds.push_back(std::move(tab));
  }
  f2.spec.title = "perceptual-learner: tuning-slope change at 45°";
  f2.spec.xlabel = "|preferred orientation − trained orientation| (deg)";
  f2.spec.ylabel = "slope change (% of max response / deg)";
  f2.spec.legend = "top right";
  f2.spec.markers = {{12, "Schoups et al. 2001: largest 12–20°"}, {20, ""}};
  f2.spec.series = {{0, "after − before training", "#d62728"}};
  out.push_back(std::move(f2));
  return out;
}

}  // namespace

sgym::experiment::Entry perceptual_learner_orientation_experiment() {
  sgym::experiment::Entry e;
  e.name = "perceptual-learner-orientation";
  e.reproduces = "Schoups, Vogels, Qian & Orban 2001 (Nature 412:549): thresholds fall with practice, no transfer to the untrained location, slope gain largest for units tuned 12–20° from the trained orientation";
  e.results = "benchmarks/results/orientation-learning.md";
  e.description = "perceptual-learner on OrientationDiscrimination-v0: thresholds per session, transfer, tuning slopes";
  e.params = params().docs();
  e.quick = {{"n_seeds", "2"}, {"n_sessions", "3"}, {"trials_per_session", "200"}, {"test_trials", "100"}};
  e.run = run;
  e.figures = figures;
  return e;
}
