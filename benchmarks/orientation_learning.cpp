// orientation_learning: perceptual learning of orientation discrimination (Schoups, Vogels, Qian &
// Orban 2001, Nature 412:549) by `perceptual-learner` on OrientationDiscrimination-v0. Per network
// (seed mix_seed(--seed, i)):
//   - naive thresholds, learning off: a staircase block at the trained location and one at the other
//     location (the agent attends the judged location, as the monkeys were cued by block);
//   - --sessions training sessions of --trials trials at the trained location (staircase, distractor
//     grating at the other location): the session's threshold is the geometric mean of the offsets
//     at the staircase reversals within that session;
//   - after training, learning off: the trained location's threshold and the transfer test at the
//     other location;
//   - tuning probes before and after training (learning off, no noise, no distractor): each plastic
//     unit's response at reference ± --probe-deg gives its slope at the trained orientation
//     (response per degree), reported against |preferred orientation − reference|.
// Outputs (--out DIR): thresholds.csv (network, session, threshold_deg), slopes.csv (network, unit,
// preferred_deg, distance_deg, slope_before, slope_after), summary.md.
//
//   sgym_orientation_learning [--networks 10] [--seed 1] [--sessions 12] [--trials 500]
//                             [--test-trials 500] [--probe-deg 1] [--agent-opt key=value ...] --out DIR
#include <CLI/CLI.hpp>
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
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return NAN;
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}
std::string fmt(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
std::string iqr(const std::vector<double>& v, int digits = 2) {
  return fmt(median(v), digits) + " [" + fmt(quantile(v, 0.25), digits) + ", " + fmt(quantile(v, 0.75), digits) + "]";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"orientation perceptual learning (Schoups et al. 2001) by perceptual-learner"};
  int networks = 10, sessions = 12, trials = 500, test_trials = 500;
  std::uint64_t seed = 1;
  double probe_deg = 1.0;
  std::vector<std::string> agent_opts, env_opts;
  std::string out;
  app.add_option("--networks", networks, "networks (seeds)")->check(CLI::Range(1, 10000));
  app.add_option("--seed", seed, "base seed; network i uses mix_seed(seed, i)");
  app.add_option("--sessions", sessions, "training sessions")->check(CLI::Range(1, 1000));
  app.add_option("--trials", trials, "training trials per session")->check(CLI::Range(10, 10000000));
  app.add_option("--test-trials", test_trials, "trials per test block (learning off)")->check(CLI::Range(10, 10000000));
  app.add_option("--probe-deg", probe_deg, "tuning probe offset from the reference, deg")->check(CLI::Range(0.1, 20.0));
  app.add_option("--env-opt", env_opts, "OrientationDiscrimination-v0 option key=value for training and tests (repeatable)");
  app.add_option("--agent-opt", agent_opts, "perceptual-learner option key=value (repeatable)");
  app.add_option("--out", out, "output directory")->required();
  CLI11_PARSE(app, argc, argv);

  try {
    const KeyValues agent_kv = sgym::parse_key_values(agent_opts, "--agent-opt");
    const KeyValues env_kv = sgym::parse_key_values(env_opts, "--env-opt");
    std::filesystem::create_directories(out);
    std::ostringstream thr_csv, slope_csv;
    thr_csv << "network,session,threshold_deg,accuracy\n";
    slope_csv << "network,unit,preferred_deg,distance_deg,slope_before,slope_after\n";
    std::vector<double> naive_trained, naive_other, after_trained, after_other, first_session, last_session;
    // distance of the preferred orientation from the reference (deg, rounded) -> |slope| before, after (%/deg)
    std::map<long, std::vector<double>> slope_before, slope_after, slope_change;

    for (int i = 0; i < networks; ++i) {
      const std::uint64_t s = sgym::mix_seed(seed, static_cast<std::uint64_t>(i));
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
        const Block b = play_block(*env, a, test_trials);
        a.set_training(true);
        return b.threshold;
      };
      naive_trained.push_back(test(true, 1));
      naive_other.push_back(test(false, 2));
      const std::vector<double> before = [&] {
        agent->set_training(false);
        auto v = probe_slopes(*agent, probe_deg, sgym::mix_seed(s, 3));
        agent->set_training(true);
        return v;
      }();

      train_env->reset(sgym::mix_seed(s, 4));
      for (int k = 0; k < sessions; ++k) {
        const Block b = play_block(*train_env, *agent, trials);
        thr_csv << i << "," << k + 1 << "," << b.threshold << "," << b.accuracy << "\n";
        if (k == 0) first_session.push_back(b.threshold);
        if (k == sessions - 1) last_session.push_back(b.threshold);
      }

      after_trained.push_back(test(true, 5));
      after_other.push_back(test(false, 6));
      agent->set_training(false);
      const std::vector<double> after = probe_slopes(*agent, probe_deg, sgym::mix_seed(s, 3));
      const std::size_t m = after.size();
      for (std::size_t j = 0; j < m; ++j) {
        const double pref = 180.0 * static_cast<double>(j) / static_cast<double>(m);
        double d = std::fabs(pref - 45.0);
        d = std::min(d, 180.0 - d);
        slope_csv << i << "," << j << "," << pref << "," << d << "," << before[j] << "," << after[j] << "\n";
        const long key = std::lround(d);
        slope_before[key].push_back(100.0 * std::fabs(before[j]));
        slope_after[key].push_back(100.0 * std::fabs(after[j]));
        slope_change[key].push_back(100.0 * (std::fabs(after[j]) - std::fabs(before[j])));
      }
      std::fprintf(stderr, "network %d: threshold naive %.2f -> session 1 %.2f -> session %d %.2f; transfer %.2f (naive %.2f)\n",
                   i, naive_trained.back(), first_session.back(), sessions, last_session.back(), after_other.back(),
                   naive_other.back());
    }

    std::ostringstream md;
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
    sgym::write_file_atomic(std::filesystem::path(out) / "thresholds.csv", thr_csv.str());
    sgym::write_file_atomic(std::filesystem::path(out) / "slopes.csv", slope_csv.str());
    sgym::write_file_atomic(std::filesystem::path(out) / "summary.md", md.str());
    std::printf("%s", md.str().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sgym_orientation_learning: %s\n", e.what());
    return 2;
  }
  return 0;
}
