// The curve-tracing protocol of benchmarks/results/curve-tracing.md, shared by the experiment
// `sgym experiment augment-recurrent-curve-tracing` (benchmarks/curve_tracing.cpp) and its fast test
// (tests/test_augment_recurrent.cpp).
//
// Curriculum on curve length (as RELEARNN, PLoS Comput Biol 2024, doi:10.1371/journal.pcbi.1012030:
// trained on curves up to 9 px with a curriculum, tested up to 13 px): stage L trains on target and
// distractor curves of min_length..L pixels drawn from the *training* shapes (split = train), one
// distractor; the next stage starts when the network chose correctly on >= 85 % of the last 100
// trials *with a target curve of the stage's new length L* in which it made a choice (correct, wrong
// or timeout; trials aborted by breaking fixation are not counted, they are mostly exploration), or
// the curriculum fails after `stage_cap` trials in a stage (the network then stays at that stage).
// A window that meets the criterion is then confirmed by a greedy check (learning and exploration
// off, `check_trials` trials of length L on training shapes, >= 85 % correct), as AuGMEnT's
// saccade benchmark confirms its criterion; if the check fails, training goes on with a new window. Tests run greedily (learning and exploration off) on the
// *held-out* shapes (split = heldout), one trial per episode; accuracy = correct / trials.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/interact.hpp"
#include "sgym/rng.hpp"

namespace sgym::curve_bench {

/// The env options common to training and testing (timeline and rewards of CurveTracing-v0).
struct Protocol {
  int grid = 15;                // retina side (env default)
  int first_length = 2;         // curriculum: longest curve of the first stage
  int last_length = 9;          // and of the last (RELEARNN: curves up to 9 px)
  int min_length = 2;           // shortest curve in every stage (env default)
  int window = 100;             // choices judged for the stage criterion
  double criterion = 0.85;      // fraction correct to advance (RELEARNN's 85 % criterion)
  long long stage_cap = 20000;  // trials per stage at most
  int check_trials = 100;       // greedy check of a stage's criterion
  double fixation_reward = 0.2; // shaping reward at FP offset with fixation held (AuGMEnT's 0.2 on saccade/antisaccade)
  double abort_penalty = -1.0;  // reward for breaking fixation [choice]: with 225 actions the FP must beat every empty pixel
  double fixate_ms = 0.0;       // the env's fixation_ms: FP alone before the curves [choice: shortened; the map is recomputed every step]
  double curves_ms = 50.0;      // curves with the FP: one step of fixation before the go signal [choice]
  std::string routine = "trace"; // the env's routine: trace, search_trace or trace_search (composite routines)
  KeyValues agent_options;      // options of augment-recurrent
};

/// The protocol of an experiment's parameters (the rest at the Protocol defaults).
inline Protocol make_protocol(int stage_cap, int first_length, int last_length, double fixate_ms, double curves_ms,
                              KeyValues agent_options) {
  Protocol p;
  p.stage_cap = stage_cap;
  p.first_length = first_length;
  p.last_length = last_length;
  p.fixate_ms = fixate_ms;
  p.curves_ms = curves_ms;
  p.agent_options = std::move(agent_options);
  return p;
}

/// What one network did.
struct Trained {
  int stage_reached = 0;        // longest curve length of the last stage entered
  bool passed = false;          // criterion met at the last stage
  long long trials = 0;         // training trials over all stages
};

/// Outcome of one trial (= one episode) and its info at the end.
struct TrialResult {
  std::string outcome;
  std::int64_t length = 0;
};

/// An env of the protocol with extra options.
inline std::unique_ptr<Env> make_curve_env(const Protocol& p, KeyValues extra) {
  KeyValues kv = {{"grid_px", std::to_string(p.grid)}, {"fixation_reward", format_number(p.fixation_reward)},
                 {"abort_reward", format_number(p.abort_penalty)},
                 {"fixation_ms", format_number(p.fixate_ms)}, {"curves_ms", format_number(p.curves_ms)}};
  if (p.routine != "trace") kv.push_back({"routine", p.routine});
  for (auto& e : extra) kv.push_back(std::move(e));
  return make_env("CurveTracing-v0", kv);
}

/// The stimulus balance a stage or test of curves of `min_length`..`max_length` pixels with
/// `distractors` distractors can have: the ranks (no distance or direction cue to the correct
/// target) from 5 px on and with up to 3 distractors; below that, or with more distractors, the
/// env cannot lay the ranks out and the stimuli are unbalanced (docs/envs/CurveTracing-v0.md).
inline std::string balance_for(int min_length, int distractors) {
  return min_length >= 5 && distractors <= 3 ? "ranks" : "none";
}

/// Runs one episode through sgym::interact (so the agent hears of the trial's end); `on_go` (when
/// set) is called after the agent observed the first frame of the go epoch, with that step's info.
template <typename F>
TrialResult run_trial(Env& env, Agent& agent, std::vector<float>& obs, F&& on_go) {
  const ResetResult r0 = env.reset();
  obs.assign(r0.obs.begin(), r0.obs.end());
  agent.begin_episode();
  bool seen_go = false;
  for (;;) {
    const StepResult r = interact(env, agent, obs).result;
    if (r.terminated || r.truncated) {
      agent.end_episode();
      return {r.info.get_string(info_keys::kTrialOutcome), r.info.get_int("target_length")};
    }
    if (!seen_go && r.info.get_string(info_keys::kEpoch) == "go") {
      seen_go = true;
      on_go(r.info);
    }
  }
}

inline TrialResult run_trial(Env& env, Agent& agent, std::vector<float>& obs) {
  return run_trial(env, agent, obs, [](const Info&) {});
}

/// Trains `agent` through the curriculum; env seeds derive from `seed`.
inline Trained train(Agent& agent, const Protocol& p, std::uint64_t seed) {
  Trained t;
  std::vector<float> obs;
  agent.set_training(true);
  for (int L = p.first_length; L <= p.last_length; ++L) {
    t.stage_reached = L;
    // from 5 px on, stages draw 5..L px with balanced stimuli; shorter stages p.min_length..L px
    const int lo = L >= 5 ? std::max(5, p.min_length) : std::min(p.min_length, L);
    auto env = make_curve_env(p, {{"min_length_px", std::to_string(lo)},
                                  {"max_length_px", std::to_string(L)},
                                  {"split", "train"}, {"balance", balance_for(lo, 1)}});
    env->reset(mix_seed(seed, static_cast<std::uint64_t>(100 + L)));
    std::deque<int> recent;
    int hits = 0;
    bool passed = false;
    for (long long n = 0; n < p.stage_cap && !passed; ++n) {
      const TrialResult r = run_trial(*env, agent, obs);
      ++t.trials;
      if (r.outcome == "aborted" || r.length != L) continue;
      const int hit = r.outcome == "correct" ? 1 : 0;
      recent.push_back(hit);
      hits += hit;
      if (static_cast<int>(recent.size()) > p.window) {
        hits -= recent.front();
        recent.pop_front();
      }
      if (static_cast<int>(recent.size()) == p.window && hits >= p.criterion * p.window) {
        // confirm greedily on fresh trials of the new length, then go on training if it fails
        auto check = make_curve_env(p, {{"min_length_px", std::to_string(L)}, {"max_length_px", std::to_string(L)}, {"split", "train"},
                                        {"balance", balance_for(L, 1)}});
        check->reset(mix_seed(seed, static_cast<std::uint64_t>(1000 * L) + static_cast<std::uint64_t>(n)));
        agent.set_training(false);
        int ok = 0;
        for (int i = 0; i < p.check_trials; ++i) ok += run_trial(*check, agent, obs).outcome == "correct" ? 1 : 0;
        agent.set_training(true);
        passed = ok >= p.criterion * p.check_trials;
        recent.clear();
        hits = 0;
      }
    }
    t.passed = passed;
    if (!passed) break;
  }
  agent.set_training(false);
  return t;
}

/// The test env of these extra options, reset with `seed`: held-out shapes, balance as balance_for.
inline std::unique_ptr<Env> make_test_env(const Protocol& p, KeyValues extra, std::uint64_t seed) {
  auto get = [&](const std::string& key, int fallback) {
    for (const auto& [k, v] : extra)
      if (k == key) return std::stoi(v);
    return fallback;
  };
  extra.push_back({"split", "heldout"});
  extra.push_back({"balance", balance_for(get("min_length_px", 5), get("n_distractors", 1))});
  auto env = make_curve_env(p, std::move(extra));
  env->reset(seed);
  return env;
}

/// Greedy accuracy over `trials` trials of an env with these extra options (held-out shapes;
/// curves of 5-9 px and one distractor unless `extra` says otherwise; balance as balance_for).
inline double test_accuracy(Agent& agent, const Protocol& p, KeyValues extra, int trials, std::uint64_t seed) {
  auto env = make_test_env(p, std::move(extra), seed);
  std::vector<float> obs;
  const bool was = agent.training();
  agent.set_training(false);
  int hits = 0;
  for (int i = 0; i < trials; ++i) hits += run_trial(*env, agent, obs).outcome == "correct" ? 1 : 0;
  agent.set_training(was);
  return static_cast<double>(hits) / trials;
}

/// A test with stimuli on which the geometric shortcuts are not at chance (10 distractors, which
/// `balance = ranks` cannot lay out): the accuracy over all trials, and over the *clean* trials, on
/// which no rule of the task's geometric shortcut subjects ranks the correct target best (nearest,
/// farthest, near-end, longest, shortest, direction; their `choice_set` signal, ties included). A
/// subject that avoids every rule's choice and guesses among the targets left would score
/// 1 / (targets left) on a clean trial: `ceiling` is that, averaged over the clean trials (the
/// chance level of the clean subset for a subject that knows the rules' choices but does not trace).
/// The rules choose on the go frame, so a trial the agent ends before it (by breaking fixation) is
/// in neither subset (counted in `before_go`; an error in the all-trial accuracy).
struct CleanTest {
  int trials = 0, hits = 0;        // all trials
  int before_go = 0;               // trials ended before the go frame (fixation broken): neither clean nor not
  int clean = 0, clean_hits = 0;   // the clean trials
  double ceiling_sum = 0.0;        // sum over clean trials of 1 / (targets not chosen by any rule)
  // over the clean trials: how often a subject that saccades to the k-th nearest target (ties
  // broken at random) would be correct, k = 0, 1, ... (the nearest rule's k = 0 is 0 by definition)
  std::vector<double> rank_hits;
  double accuracy() const { return trials > 0 ? static_cast<double>(hits) / trials : 0.0; }
  double clean_accuracy() const { return clean > 0 ? static_cast<double>(clean_hits) / clean : 0.0; }
  double clean_fraction() const { return trials > 0 ? static_cast<double>(clean) / trials : 0.0; }
  double ceiling() const { return clean > 0 ? ceiling_sum / clean : 0.0; }
  /// The best "k-th nearest target" subject on the clean trials: its k and its accuracy there.
  std::pair<int, double> best_rank() const {
    std::pair<int, double> best{-1, 0.0};
    for (std::size_t k = 0; k < rank_hits.size(); ++k)
      if (clean > 0 && rank_hits[k] / clean > best.second) best = {static_cast<int>(k), rank_hits[k] / clean};
    return best;
  }
};

/// The geometric shortcut rules whose choices define the clean trials (CurveTracing-v0's shortcut
/// subjects `curve-tracing-shortcut-<name>`; the composite-routine ones do not apply to `trace`).
inline constexpr std::array<const char*, 6> kCleanRules = {"nearest", "farthest", "near-end", "longest", "shortest", "direction"};

/// test_accuracy (same env, seed and trials, so the same accuracy), with the clean-trial split.
inline CleanTest test_clean(Agent& agent, const Protocol& p, KeyValues extra, int trials, std::uint64_t seed) {
  auto env = make_test_env(p, std::move(extra), seed);
  std::vector<std::unique_ptr<Agent>> rules;
  std::vector<std::size_t> signal;  // index of each rule's choice_set signal
  for (const char* name : kCleanRules) {
    rules.push_back(make_agent(std::string("curve-tracing-shortcut-") + name, env->observation_space(), env->action_space(), {},
                               mix_seed(seed, rules.size() + 1)));
    const auto names = rules.back()->signal_names();
    const auto it = std::find(names.begin(), names.end(), "choice_set");
    if (it == names.end())
      throw std::logic_error(rules.back()->id() + " has no signal choice_set (the clean-trial test reads it)");
    signal.push_back(static_cast<std::size_t>(it - names.begin()));
  }
  const std::size_t n = static_cast<std::size_t>(p.grid) * static_cast<std::size_t>(p.grid);
  const std::size_t targets_at = env->observation_space().slice("targets", n, "the clean-trial test").offset;
  std::vector<float> obs;
  std::vector<char> chosen(n);
  std::vector<double> dist;  // the targets' distances from the fixation point
  const bool was = agent.training();
  agent.set_training(false);
  CleanTest out;
  for (int i = 0; i < trials; ++i) {
    bool clean = false, go = false;
    double ceiling = 0.0;
    std::size_t nearer = 0, level = 0;  // targets strictly nearer the FP than the correct one, and at its distance (itself included)
    const TrialResult r = run_trial(*env, agent, obs, [&](const Info& info) {
      const auto correct = static_cast<std::size_t>(info.get_int("target"));  // the correct saccade target (pixel)
      const auto fp = static_cast<std::size_t>(info.get_int("fixation_point"));
      std::fill(chosen.begin(), chosen.end(), 0);
      for (std::size_t k = 0; k < rules.size(); ++k) {
        rules[k]->act(obs);
        const auto set = rules[k]->introspect()[signal[k]].values;
        for (std::size_t q = 0; q < n; ++q) chosen[q] = chosen[q] || set[q] > 0.5f;
      }
      int left = 0;  // targets no rule chose
      auto distance = [&](std::size_t q) {
        const double dr = static_cast<double>(q / static_cast<std::size_t>(p.grid)) - static_cast<double>(fp / static_cast<std::size_t>(p.grid));
        const double dc = static_cast<double>(q % static_cast<std::size_t>(p.grid)) - static_cast<double>(fp % static_cast<std::size_t>(p.grid));
        return std::hypot(dr, dc);
      };
      const double d0 = distance(correct);
      for (std::size_t q = 0; q < n; ++q)
        if (obs[targets_at + q] > 0.5f) {
          left += chosen[q] ? 0 : 1;
          const double d = distance(q);
          nearer += d < d0 - 1e-9 ? 1 : 0;
          level += std::abs(d - d0) <= 1e-9 ? 1 : 0;
        }
      go = true;
      clean = !chosen[correct];
      ceiling = left > 0 ? 1.0 / left : 0.0;
    });
    const bool hit = r.outcome == "correct";
    ++out.trials;
    out.hits += hit ? 1 : 0;
    out.before_go += go ? 0 : 1;
    if (clean) {
      ++out.clean;
      out.clean_hits += hit ? 1 : 0;
      out.ceiling_sum += ceiling;
      // a k-th nearest subject with k in [nearer, nearer + level) picks among the `level` tied targets
      if (out.rank_hits.size() < nearer + level) out.rank_hits.resize(nearer + level, 0.0);
      for (std::size_t k = nearer; k < nearer + level; ++k) out.rank_hits[k] += 1.0 / static_cast<double>(level);
    }
  }
  agent.set_training(was);
  return out;
}

/// Greedy accuracy on target curves of exactly `length` pixels, with `distractors` distractors.
inline double accuracy_at(Agent& agent, const Protocol& p, int length, int distractors, int trials, std::uint64_t seed) {
  return test_accuracy(agent, p,
                       {{"min_length_px", std::to_string(length)}, {"max_length_px", std::to_string(length)},
                        {"n_distractors", std::to_string(distractors)}},
                       trials, seed);
}

}  // namespace sgym::curve_bench
