// np-actor-critic on the calibrated BCINeurofeedback-v0, session by session, against the paper's
// comparison (Francioni et al. 2026, Fig. 1i): activity of P+, P-, P0 per session normalised to
// session 1; P- down-regulated relative to P+ and to P0, P+ and P0 alike on average, and only the
// activity-matched P0 in between. Each seed is one subject: its own P+/P- draw, its own baseline
// block and calibration, then `sessions` sessions of the env's trials_per_session task trials.
// Prints markdown: per session the median [interquartile range] over seeds of accuracy,
// rewards/min and the normalised activities, then the three pairwise comparisons (and the matched
// P0) over seeds, on the last session and on the mean of sessions 2..S: median difference [IQR],
// the number of seeds with the first larger, and a two-sided sign test.
// Usage: sgym_bci_population [seeds=20] [sessions=14] [noise_sd=0.8] [activity_cost=0] [env key=value ...]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/rng.hpp"

namespace {

// median and quartiles (linear interpolation, as numpy's default)
struct Quartiles {
  double q1, median, q3;
};

Quartiles quartiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto q = [&](double p) {
    const double h = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(h);
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  return {q(0.25), q(0.5), q(0.75)};
}

std::string fmt(const std::vector<double>& v) {
  const Quartiles q = quartiles(v);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.3f [%.3f, %.3f]", q.median, q.q1, q.q3);
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

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 20;
  const int sessions = argc > 2 ? std::atoi(argv[2]) : 14;
  const std::string noise = argc > 3 ? argv[3] : "0.8";
  const std::string cost = argc > 4 ? argv[4] : "0";
  sgym::KeyValues env_opts;
  for (int i = 5; i < argc; ++i) {
    const std::string kv = argv[i];
    const auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "env option '%s' is not key=value\n", kv.c_str());
      return 2;
    }
    env_opts.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (seeds < 1 || sessions < 1) {
    std::fprintf(stderr, "usage: sgym_bci_population [seeds>=1] [sessions>=1] [noise_sd] [activity_cost] [env key=value ...]\n");
    return 2;
  }
  enum { kAcc, kRpm, kPlus, kMinus, kZero, kMatched, kN };
  static const char* kGroups[] = {"p_plus", "p_minus", "p0", "p0_matched"};
  // per measure, per session: one value per seed
  std::vector<std::vector<std::vector<double>>> m(kN, std::vector<std::vector<double>>(static_cast<std::size_t>(sessions)));
  std::vector<double> calib_chance, target_z, reach_minus, reach_plus;
  std::vector<float> obs;
  try {
    for (int s = 1; s <= seeds; ++s) {
      auto env = sgym::make_env("BCINeurofeedback-v0", env_opts);
      const double dt_min = env->spec().dt_ms / 60000.0;
      auto agent = sgym::make_agent("np-actor-critic", env->observation_space(), env->action_space(),
                                    {{"noise_sd", noise}, {"activity_cost", cost}}, sgym::mix_seed(static_cast<std::uint64_t>(s), 1),
                                    {env->spec().dt_ms});
      int session = 0;
      double steps = 0, correct = 0;  // task steps and successes in the current session
      for (bool first = true; session < sessions; first = false) {
        sgym::EpisodeHooks hooks;
        hooks.on_step = [&](const sgym::EpisodeStep& st) {
          if (st.action == nullptr) return true;  // the reset
          const sgym::StepResult& r = st.result;
          const bool task = r.info.get_bool("calibrated") && r.info.string_or_empty("condition") == "bci";
          if (task) ++steps;
          const auto outcome = r.info.string_or_empty("trial_outcome");
          if (outcome == "baseline" && r.info.get_bool("calibrated")) {
            calib_chance.push_back(r.info.get_double("calibration_chance"));
            target_z.push_back(r.info.get_double("target_z"));
            reach_minus.push_back(r.info.get_double("calibration_reach_lower_p_minus"));
            reach_plus.push_back(r.info.get_double("calibration_reach_raise_p_plus"));
          }
          correct += outcome == "correct";
          if (r.info.get_bool("session_end") && session < sessions) {
            const auto i = static_cast<std::size_t>(session++);
            m[kAcc][i].push_back(r.info.get_double("session_accuracy"));
            m[kRpm][i].push_back(correct / (steps * dt_min));
            for (int g = 0; g < 4; ++g)
              m[static_cast<std::size_t>(kPlus + g)][i].push_back(r.info.get_double(std::string("activity_norm_") + kGroups[g]));
            steps = correct = 0;
          }
          return true;
        };
        sgym::play_episode(*env, *agent, first ? std::optional<std::uint64_t>(s) : std::nullopt, obs, hooks);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }

  std::printf("| session | accuracy | rewards/min | P+ | P- | P0 | P0 matched |\n|---|---|---|---|---|---|---|\n");
  for (int session = 0; session < sessions; ++session) {
    std::printf("| %d", session + 1);
    for (int k = 0; k < kN; ++k) std::printf(" | %s", fmt(m[static_cast<std::size_t>(k)][static_cast<std::size_t>(session)]).c_str());
    std::printf(" |\n");
  }
  std::printf("\nCalibration over seeds: baseline chance %s, target %s baseline sd above the baseline mean; baseline "
              "windows reaching it with P- silenced alone %s, with P+ saturated alone %s.\n",
              fmt(calib_chance).c_str(), fmt(target_z).c_str(), fmt(reach_minus).c_str(), fmt(reach_plus).c_str());

  // comparisons over seeds: last session, and the mean over sessions 2..S
  auto per_seed = [&](int k, bool last) {
    std::vector<double> v(static_cast<std::size_t>(seeds), 0.0);
    for (int s = 0; s < seeds; ++s) {
      if (last) { v[static_cast<std::size_t>(s)] = m[static_cast<std::size_t>(k)][static_cast<std::size_t>(sessions - 1)][static_cast<std::size_t>(s)]; continue; }
      double sum = 0;
      for (int i = 1; i < sessions; ++i) sum += m[static_cast<std::size_t>(k)][static_cast<std::size_t>(i)][static_cast<std::size_t>(s)];
      v[static_cast<std::size_t>(s)] = sessions > 1 ? sum / (sessions - 1) : m[static_cast<std::size_t>(k)][0][static_cast<std::size_t>(s)];
    }
    return v;
  };
  struct Pair {
    const char* name;
    int a, b;
  };
  const Pair pairs[] = {{"P+ - P-", kPlus, kMinus}, {"P+ - P0", kPlus, kZero}, {"P- - P0", kMinus, kZero},
                        {"P+ - P0 matched", kPlus, kMatched}, {"P0 matched - P-", kMatched, kMinus}};
  std::printf("\n| comparison (normalised activity) | session %d: median [IQR] | first larger | sign test p | sessions 2-%d mean: median [IQR] | first larger | sign test p |\n|---|---|---|---|---|---|---|\n",
              sessions, sessions);
  for (const Pair& p : pairs) {
    std::printf("| %s", p.name);
    for (bool last : {true, false}) {
      const auto a = per_seed(p.a, last), b = per_seed(p.b, last);
      std::vector<double> d(a.size());
      int pos = 0, nonzero = 0;
      for (std::size_t i = 0; i < a.size(); ++i) {
        d[i] = a[i] - b[i];
        pos += d[i] > 0;
        nonzero += d[i] != 0;
      }
      std::printf(" | %s | %d of %d | %.2g", fmt(d).c_str(), pos, seeds, sign_test(pos, nonzero));
    }
    std::printf(" |\n");
  }
  std::string opts;
  for (const auto& [k, v] : env_opts) opts += " " + k + "=" + v;
  std::printf("\n%d seeds, %d sessions, np-actor-critic noise_sd=%s activity_cost=%s (other options default), BCINeurofeedback-v0%s\n",
              seeds, sessions, noise.c_str(), cost.c_str(), opts.empty() ? " defaults" : opts.c_str());
  return 0;
}
