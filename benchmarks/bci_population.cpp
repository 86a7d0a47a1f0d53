// np-actor-critic on BCINeurofeedback-v0, session by session: accuracy, rewards per minute and the
// mean activity of the P+, P- and P0 units (Francioni et al. 2026: P- down-regulated, P+ kept, P0 in
// between). Prints a markdown table of the median [interquartile range] over seeds per session.
// Usage: sgym_bci_population [seeds=20] [sessions=12] [trials_per_session=50] [noise_sd=0.8]
//                            [activity_cost=0] [env gain=3.5]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
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

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 20;
  const int sessions = argc > 2 ? std::atoi(argv[2]) : 12;
  const int per_session = argc > 3 ? std::atoi(argv[3]) : 50;
  const std::string noise = argc > 4 ? argv[4] : "0.8";
  const std::string cost = argc > 5 ? argv[5] : "0";
  const std::string gain = argc > 6 ? argv[6] : "3.5";
  if (seeds < 1 || sessions < 1 || per_session < 1) {
    std::fprintf(stderr, "usage: sgym_bci_population [seeds>=1] [sessions>=1] [trials_per_session>=1] [noise_sd] [activity_cost] [gain]\n");
    return 2;
  }
  enum { kAcc, kRpm, kPlus, kMinus, kZero, kN };
  // per measure, per session: one value per seed
  std::vector<std::vector<std::vector<double>>> m(kN, std::vector<std::vector<double>>(static_cast<std::size_t>(sessions)));
  std::vector<float> obs;
  for (int s = 1; s <= seeds; ++s) {
    auto env = sgym::make_env("BCINeurofeedback-v0", {{"gain", gain}});
    const double dt_min = env->spec().dt_ms / 60000.0;
    auto agent = sgym::make_agent("np-actor-critic", env->observation_space(), env->action_space(),
                                  {{"noise_sd", noise}, {"activity_cost", cost}}, sgym::mix_seed(static_cast<std::uint64_t>(s), 1),
                                  {env->spec().dt_ms});
    for (int session = 0; session < sessions; ++session) {
      double correct = 0, steps = 0, plus = 0, minus = 0, zero = 0;
      for (int t = 0; t < per_session; ++t) {
        auto r0 = session == 0 && t == 0 ? env->reset(static_cast<std::uint64_t>(s)) : env->reset();
        obs.assign(r0.obs.begin(), r0.obs.end());
        agent->begin_episode();
        for (;;) {
          const auto r = sgym::interact(*env, *agent, obs).result;
          ++steps;
          if (!r.info.string_or_empty("trial_outcome").empty()) {
            correct += r.info.get_string("trial_outcome") == "correct";
            plus += r.info.get_double("mean_p_plus");
            minus += r.info.get_double("mean_p_minus");
            zero += r.info.get_double("mean_p0");
          }
          if (r.terminated || r.truncated) break;
        }
        agent->end_episode();
      }
      const auto i = static_cast<std::size_t>(session);
      m[kAcc][i].push_back(correct / per_session);
      m[kRpm][i].push_back(correct / (steps * dt_min));
      m[kPlus][i].push_back(plus / per_session);
      m[kMinus][i].push_back(minus / per_session);
      m[kZero][i].push_back(zero / per_session);
    }
  }
  std::printf("| session | accuracy | rewards/min | mean P+ | mean P- | mean P0 |\n|---|---|---|---|---|---|\n");
  for (int session = 0; session < sessions; ++session) {
    std::printf("| %d", session + 1);
    for (int k = 0; k < kN; ++k) {
      const Quartiles q = quartiles(m[static_cast<std::size_t>(k)][static_cast<std::size_t>(session)]);
      std::printf(" | %.3f [%.3f, %.3f]", q.median, q.q1, q.q3);
    }
    std::printf(" |\n");
  }
  std::printf("\n%d seeds, %d sessions of %d trials, np-actor-critic noise_sd=%s activity_cost=%s, BCINeurofeedback-v0 gain=%s, other options default\n",
              seeds, sessions, per_session, noise.c_str(), cost.c_str(), gain.c_str());
  return 0;
}
