// The motor-adaptation protocol on ArmReach-v0, run through the C++ API so that the per-trial
// measures in the env's info (direction errors at peak speed) can be read: episodes.jsonl of
// `sgym run` has only returns and outcomes. Used by `sgym experiment cerebellar-reach-adaptation`
// (benchmarks/arm_adaptation.cpp) and the tests.
//
// Per trial it records the hand and cursor direction errors and turns them into the adaptation x
// (degrees, positive = compensating the perturbation) and the error e = f − x of the two-state model
// (Smith, Ghazizadeh & Shadmehr 2006):
//   rotation by +ρ:  the cursor is the hand rotated by ρ, so x = −(hand direction error) and f = ρ
//                    (−ρ in counter_rotation, 0 in baseline / washout; clamp trials have e = 0)
//   curl field:      the field pushes the hand; f = the direction error of the naive hand in the field
//                    with the sign flipped (measured per target with learning off), and
//                    x = hand direction error + f (in field-free trials x = hand direction error)
//   channel clamps:  (clamp=channel) the hand is held on the line, so x is not measured there (NaN,
//                    left out of the fit); the adaptation shows in the channel force instead
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "learning/two_state.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/interact.hpp"

namespace sgym::arm_adaptation {

/// The measures of one trial.
struct Trial {
  long long trial = 0;
  std::string phase, outcome;
  int target = 0;
  double direction_error = 0, hand_direction_error = 0, lateral = 0;
  double channel_force = 0;  ///< N, in channel clamps (+ = leftwards, compensating a k > 0 curl field)
  double f = 0;           ///< perturbation in degrees of the two-state model
  bool clamp = false;     ///< error-clamp trial
  double adaptation = 0;  ///< x, degrees
};

/// Trials in a schedule string "name:n,name:n,...".
inline long long schedule_trials(const std::string& schedule) {
  long long n = 0;
  std::size_t pos = 0;
  while ((pos = schedule.find(':', pos)) != std::string::npos) n += std::stoll(schedule.substr(++pos));
  return n;
}

/// Runs `agent` through one-trial episodes of `env` for `trials` trials (first reset seeded) and
/// returns the info of each trial's last step.
inline std::vector<Trial> run_trials(Env& env, Agent& agent, long long trials, std::uint64_t seed) {
  std::vector<Trial> out;
  out.reserve(static_cast<std::size_t>(trials));
  std::vector<float> obs;
  for (long long i = 0; i < trials; ++i) {
    Trial t;
    EpisodeHooks hooks;
    hooks.on_step = [&](const EpisodeStep& st) {
      const Info& info = st.result.info;
      if (!info.string_or_empty("trial_outcome").empty()) {
        t.trial = info.get_int("trial");
        t.phase = info.get_string("phase");
        t.outcome = info.get_string("trial_outcome");
        t.target = static_cast<int>(info.get_int("target"));
        t.direction_error = info.get_double("direction_error_deg");
        t.hand_direction_error = info.get_double("hand_direction_error_deg");
        t.lateral = info.get_double("lateral_deviation_m");
        t.channel_force = info.get_double("channel_force_n");
      }
      return true;
    };
    play_episode(env, agent, i == 0 ? std::optional<std::uint64_t>(seed) : std::nullopt, obs, hooks);
    out.push_back(t);
  }
  return out;
}

/// The visual latency of the protocol's env unless its options set visual_delay_ms: 120 ms, within the
/// ~117 ms after which people correct a shifted visual hand (Saunders & Knill 2005, Exp Brain Res
/// 162:458) and a whole number of the env's 10 ms steps.
inline constexpr const char* kVisualDelayMs = "120";

/// One protocol: the perturbation kind, the schedule and the options of env and agent.
struct Protocol {
  std::string perturbation = "rotation";  ///< rotation or curl
  std::string schedule;
  KeyValues env_options, agent_options;   ///< env options without visual_delay_ms get kVisualDelayMs
  std::string agent = "cerebellar-reach";
  std::uint64_t seed = 1;
  bool learning = true;                   ///< false: the agent runs with learning off (the control)
};

/// The env options of a protocol: its own, plus visual_delay_ms = kVisualDelayMs unless given.
inline KeyValues protocol_env_options(const Protocol& p) {
  KeyValues o = p.env_options;
  if (std::none_of(o.begin(), o.end(), [](const auto& kv) { return kv.first == "visual_delay_ms"; }))
    o.emplace_back("visual_delay_ms", kVisualDelayMs);
  return o;
}

/// Runs a protocol and fills f, clamp and the adaptation x of every trial.
inline std::vector<Trial> run_protocol(const Protocol& p) {
  const KeyValues env_base = protocol_env_options(p);
  KeyValues env_opts = env_base;
  env_opts.emplace_back("schedule", p.schedule);
  auto env = make_env("ArmReach-v0", env_opts);
  auto agent = make_agent(p.agent, env->observation_space(), env->action_space(), p.agent_options, p.seed);
  agent->set_training(p.learning);
  std::vector<Trial> trials = run_trials(*env, *agent, schedule_trials(p.schedule), p.seed);

  double rotation = 30.0;
  for (const auto& [k, v] : p.env_options)
    if (k == "rotation_deg") rotation = std::stod(v);
  // the naive hand's direction error in the field, per target: the same agent with learning off,
  // one reach to each target in each field
  std::map<int, double> naive_curl, naive_counter;
  if (p.perturbation == "curl") {
    for (const char* phase : {"curl", "counter_curl"}) {
      KeyValues o = env_base;
      o.emplace_back("schedule", std::string(phase) + ":1");
      o.emplace_back("target_order", "sequential");
      auto e = make_env("ArmReach-v0", o);
      auto a = make_agent(p.agent, e->observation_space(), e->action_space(), p.agent_options, p.seed);
      a->set_training(false);
      auto& naive = std::string(phase) == "curl" ? naive_curl : naive_counter;
      for (const Trial& t : run_trials(*e, *a, 8, p.seed)) naive[t.target] = t.hand_direction_error;
    }
  }
  bool channel = false;
  for (const auto& [k, v] : p.env_options)
    if (k == "clamp") channel = v == "channel";
  for (Trial& t : trials) {
    t.clamp = t.phase == "clamp";
    if (p.perturbation == "rotation") {
      t.f = t.phase == "rotation" ? rotation : t.phase == "counter_rotation" ? -rotation : 0.0;
      t.adaptation = -t.hand_direction_error;
    } else {
      t.f = t.phase == "curl" ? -naive_curl[t.target] : t.phase == "counter_curl" ? -naive_counter[t.target] : 0.0;
      t.adaptation = t.hand_direction_error + t.f;
    }
    if (t.clamp && channel) t.adaptation = std::numeric_limits<double>::quiet_NaN();
  }
  return trials;
}

/// Mean of `value` over trials [from, to) (0-based, clipped).
template <class F>
double mean_over(const std::vector<Trial>& t, long long from, long long to, F value) {
  from = std::max(0LL, from);
  to = std::min(static_cast<long long>(t.size()), to);
  double s = 0;
  for (long long i = from; i < to; ++i) s += value(t[static_cast<std::size_t>(i)]);
  return to > from ? s / static_cast<double>(to - from) : 0.0;
}

/// The error e = f − x of a trial (0 in clamp trials, where the error is clamped).
inline double error_of(const Trial& t) { return t.clamp ? 0.0 : t.f - t.adaptation; }

/// 0-based index of the first trial of the k-th (0-based) block of `phase`, or -1.
inline long long phase_start(const std::vector<Trial>& t, const std::string& phase, int k = 0) {
  int seen = 0;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t[i].phase == phase && (i == 0 || t[i - 1].phase != phase)) {
      if (seen == k) return static_cast<long long>(i);
      ++seen;
    }
  return -1;
}

/// The two-state fit to the adaptation of every trial.
inline learning::TwoStateFit fit(const std::vector<Trial>& trials) {
  std::vector<learning::TwoStateTrial> s;
  s.reserve(trials.size());
  for (const Trial& t : trials) s.push_back({t.f, t.clamp, t.adaptation});
  return learning::fit_two_state(s);
}

}  // namespace sgym::arm_adaptation
