// dmc_category: AuGMEnT (Rombouts, Bohte & Roelfsema 2015) on delayed match-to-category (Freedman &
// Assad 2006, Nature 443:85), DelayMatchCategory-v0. For each network (seed):
//   - phase 1: train on boundary 45° (train_trials trials, one trial per episode); every
//     probe_every trials a greedy probe (learning and exploration off, probe_trials trials on a
//     separate env) gives the learning curve and the trials to reach goal;
//   - phase 2 (retraining, as the monkeys were): the same env switches the boundary to 135°
//     (its retrain_after_trials option) for retrain_trials more trials, probed the same way;
//   - at initialisation, after phase 1 and after phase 2: a larger greedy probe (final_trials) gives
//     the accuracy by the sample's angular distance from the boundary and each association unit's
//     mean activity per sample direction in the sample and delay epochs, from which its category
//     tuning index CTI = (BCD − WCD) / (BCD + WCD) (Freedman & Assad 2006), with BCD / WCD the mean
//     absolute activity difference between directions in different / the same category. Pairs are
//     matched for angular separation: BCD and WCD are each the mean over separations (30°, 60°, ...,
//     150°) of the mean difference of the pairs at that separation, so plain direction tuning
//     (far directions differ more, and between-category pairs are farther apart on average) gives
//     CTI ≈ 0. Controls: the same units at initialisation, the trained units under one random 6/6
//     split of the directions per unit (shuffled labels), and under the other boundary.
// The env runs with noise_sd=0 abort_reward=-1 unless env_options is given (it then replaces both); why, in
// benchmarks/results/augment-dmc.md. Networks run in parallel threads; results do not depend on the thread count.
//
//   sgym experiment augment-dmc [--quick] [--jobs N] [--seed S] [--out DIR]
//        [--set n_seeds=20 --set train_trials=100000 --set retrain_trials=100000 --set env_options=... ...]
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/rng.hpp"
#include "experiment.hpp"

namespace {

constexpr const char* kEnv = "DelayMatchCategory-v0";
constexpr int kDirections = 12;                 // the env's default n_directions (Freedman & Assad 2006)
constexpr std::array<double, 2> kBoundaries = {45.0, 135.0};  // the env's boundary_deg and retrain_boundary_deg
constexpr std::array<double, 3> kDistances = {15.0, 45.0, 75.0};  // distances of the 12 directions from either boundary
constexpr std::array<const char*, 2> kEpochs = {"sample", "delay"};

/// Greedy probe of one network: accuracy, accuracy by the sample's distance from the boundary, and
/// the association units' mean activity per epoch and sample direction.
struct Probe {
  double accuracy = 0.0;                        // correct / all probe trials
  std::array<double, 3> by_distance{};          // accuracy by the sample's distance (kDistances)
  std::array<std::vector<double>, 2> activity;  // [epoch][unit * kDirections + direction], mean
  std::array<int, kDirections> labels;          // each sample direction's category as the env reported it (-1: not shown)
  int n_regular = 0, n_memory = 0;
};

/// One network's results.
struct Network {
  std::vector<double> curve;           // greedy accuracy at each probe (phases 1 and 2)
  long long learned = -1;              // trials to reach the goal in phase 1 (-1: never)
  long long relearned = -1;            // trials after the switch to reach the goal on the new boundary
  double first_block_after_switch = 0; // training accuracy (correct / decided) in the first probe block after the switch
  Probe init, trained, retrained;
  Probe during;                        // the first phase-1 probe at or above --during accuracy
  bool has_during = false;
  long long steps = 0;
};

double angular_distance(double a, double b) {
  const double d = std::fmod(std::fabs(a - b), 360.0);
  return std::min(d, 360.0 - d);
}

int distance_class(double dir, double boundary) {
  const double d = std::min(angular_distance(dir, boundary), angular_distance(dir, boundary + 180.0));
  for (std::size_t k = 0; k < kDistances.size(); ++k)
    if (std::fabs(d - kDistances[k]) < 1e-6) return static_cast<int>(k);
  throw sgym::UsageError("dmc_category: a direction lies " + std::to_string(d) +
                         "° from the boundary; this benchmark assumes 12 directions and boundaries 45° / 135°");
}

/// Runs one trial (one episode); returns the outcome string of its last step. With `probe`, sums each
/// association unit's activity per epoch into `sum` / `count` (indexed by sample direction).
std::string run_trial(sgym::Env& env, sgym::Agent& agent, std::vector<float>& obs, long long& steps, double& sample_deg,
                      int& sample_category, Probe* probe, std::array<std::vector<double>, 2>* count) {
  std::string epoch, outcome;
  sgym::EpisodeHooks hooks;
  hooks.on_step = [&](const sgym::EpisodeStep& st) {
    const sgym::Info& info = st.result.info;
    if (st.step == 0) {
      sample_deg = info.get_double("sample_deg");
      sample_category = static_cast<int>(info.get_int("sample_category"));
    }
    if (st.result.terminated || st.result.truncated) outcome = info.get_string(sgym::info_keys::kTrialOutcome);
    else epoch = info.get_string(sgym::info_keys::kEpoch);
    return true;
  };
  if (probe != nullptr)
    hooks.on_act = [&](const sgym::Action&, int) -> const sgym::Action* {
      // the activities now are those for `obs`, whose epoch is `epoch`
      const int e = epoch == kEpochs[0] ? 0 : epoch == kEpochs[1] ? 1 : -1;
      if (e >= 0) {
        const int dir = static_cast<int>(std::lround(sample_deg / (360.0 / kDirections))) % kDirections;
        int u = 0;
        for (const sgym::Signal& s : agent.introspect()) {
          if (s.name != "regular" && s.name != "memory") continue;
          for (float v : s.values) {
            const std::size_t i = static_cast<std::size_t>(u * kDirections + dir);
            probe->activity[static_cast<std::size_t>(e)][i] += v;
            (*count)[static_cast<std::size_t>(e)][i] += 1.0;
            ++u;
          }
        }
      }
      return nullptr;
    };
  steps += sgym::play_episode(env, agent, std::nullopt, obs, hooks).steps;
  return outcome;
}

/// Greedy probe on boundary `boundary` (learning and exploration off; training is restored after).
/// With `units`, the trials run with abort_on_break=false, so that every trial shows its sample and
/// delay whatever the network does (its inputs do not depend on its actions otherwise); the accuracy
/// of such a probe is not the task's.
Probe probe(sgym::Agent& agent, const sgym::KeyValues& env_opts, double boundary, int trials, std::uint64_t seed,
            bool units) {
  sgym::KeyValues opts = env_opts;
  opts.emplace_back("boundary_deg", std::to_string(boundary));
  opts.emplace_back("retrain_after_trials", "0");
  if (units) opts.emplace_back("abort_on_break", "false");
  auto env = sgym::make_env(kEnv, opts);
  env->reset(seed);
  Probe p;
  p.labels.fill(-1);
  std::array<std::vector<double>, 2> count;
  if (units) {
    for (const sgym::Signal& s : agent.introspect()) {
      if (s.name == "regular") p.n_regular = static_cast<int>(s.values.size());
      if (s.name == "memory") p.n_memory = static_cast<int>(s.values.size());
    }
    for (auto* v : {&p.activity[0], &p.activity[1], &count[0], &count[1]})
      v->assign(static_cast<std::size_t>((p.n_regular + p.n_memory) * kDirections), 0.0);
  }
  agent.set_training(false);
  std::vector<float> obs;
  std::array<int, 3> n{}, ok{};
  int correct = 0;
  long long steps = 0;
  for (int t = 0; t < trials; ++t) {
    double sample = 0.0;
    int cat = -1;
    const bool c = run_trial(*env, agent, obs, steps, sample, cat, units ? &p : nullptr, &count) == "correct";
    p.labels[static_cast<std::size_t>(std::lround(sample / (360.0 / kDirections))) % kDirections] = cat;
    correct += c;
    const auto k = static_cast<std::size_t>(distance_class(sample, boundary));
    ++n[k];
    ok[k] += c;
  }
  agent.set_training(true);
  p.accuracy = static_cast<double>(correct) / trials;
  for (std::size_t k = 0; k < 3; ++k) p.by_distance[k] = n[k] > 0 ? static_cast<double>(ok[k]) / n[k] : 0.0;
  if (units)
    for (std::size_t e = 0; e < 2; ++e)
      for (std::size_t i = 0; i < p.activity[e].size(); ++i) p.activity[e][i] = count[e][i] > 0 ? p.activity[e][i] / count[e][i] : 0.0;
  return p;
}

/// The task's accuracy (a probe without units) and the units' activities (a probe with them).
Probe full_probe(sgym::Agent& agent, const sgym::KeyValues& env_opts, double boundary, int trials, std::uint64_t seed) {
  Probe p = probe(agent, env_opts, boundary, trials, seed, true);
  const Probe task = probe(agent, env_opts, boundary, trials, seed, false);
  p.accuracy = task.accuracy;
  p.by_distance = task.by_distance;
  for (std::size_t d = 0; d < kDirections; ++d)
    if (p.labels[d] < 0) p.labels[d] = task.labels[d];
  return p;
}

/// Separation-matched category tuning index of one unit's mean activity per direction `r` under the
/// labels `cat`; NaN when the unit does not vary with direction (BCD + WCD ≈ 0) or no separation has
/// both kinds of pairs.
double cti(const double* r, const std::array<int, kDirections>& cat) {
  double bcd = 0.0, wcd = 0.0;
  int used = 0;
  for (int sep = 1; sep < kDirections / 2; ++sep) {
    double b = 0.0, w = 0.0;
    int nb = 0, nw = 0;
    for (int d = 0; d < kDirections; ++d) {
      const int d2 = (d + sep) % kDirections;
      const double diff = std::fabs(r[d] - r[d2]);
      if (cat[static_cast<std::size_t>(d)] == cat[static_cast<std::size_t>(d2)]) {
        w += diff;
        ++nw;
      } else {
        b += diff;
        ++nb;
      }
    }
    if (nb == 0 || nw == 0) continue;
    bcd += b / nb;
    wcd += w / nw;
    ++used;
  }
  if (used == 0 || bcd + wcd < 1e-9) return std::nan("");
  return (bcd - wcd) / (bcd + wcd);
}

/// The category of each of the 12 directions under one boundary, as the env labelled the samples of
/// the probes made on that boundary (the task's category rule stays in the env's file).
std::array<int, kDirections> labels(const std::vector<const Probe*>& probes) {
  std::array<int, kDirections> c{};
  c.fill(-1);
  for (const Probe* p : probes)
    for (std::size_t d = 0; d < kDirections; ++d)
      if (c[d] < 0) c[d] = p->labels[d];
  for (int x : c)
    if (x < 0) throw std::runtime_error("augment-dmc: a direction was never shown as a sample in the probes; raise final_trials");
  return c;
}

/// CTIs of the units [first, last) of a probe in epoch e under labels `cat`.
std::vector<double> unit_ctis(const Probe& p, int e, int first, int last, const std::array<int, kDirections>& cat) {
  std::vector<double> out;
  for (int u = first; u < last; ++u) {
    const double c = cti(p.activity[static_cast<std::size_t>(e)].data() + u * kDirections, cat);
    if (!std::isnan(c)) out.push_back(c);
  }
  return out;
}

/// Shuffled-label control: the CTI of each unit in [first, last) under one random 6/6 split of the
/// directions.
std::vector<double> shuffled_ctis(const Probe& p, int e, int first, int last, std::uint64_t seed) {
  sgym::Rng rng(seed);
  std::array<int, kDirections> perm{};
  std::vector<double> out;
  for (int u = first; u < last; ++u) {
    std::iota(perm.begin(), perm.end(), 0);
    for (int i = kDirections - 1; i > 0; --i)
      std::swap(perm[static_cast<std::size_t>(i)], perm[rng.below(static_cast<std::uint64_t>(i + 1))]);
    std::array<int, kDirections> split{};
    for (int i = 0; i < kDirections; ++i) split[static_cast<std::size_t>(perm[static_cast<std::size_t>(i)])] = i < kDirections / 2;
    const double c = cti(p.activity[static_cast<std::size_t>(e)].data() + u * kDirections, split);
    if (!std::isnan(c)) out.push_back(c);
  }
  return out;
}

/// Benchmark settings.
struct Settings {
  sgym::KeyValues env_opts, agent_opts;
  long long train_trials = 100000, retrain_trials = 100000;
  int probe_every = 1000, probe_trials = 200, final_trials = 1200;
  double goal = 0.9, during = 0.7;
};

Network run_network(std::uint64_t seed, const Settings& s) {
  Network out;
  sgym::KeyValues opts = s.env_opts;
  opts.emplace_back("retrain_after_trials", std::to_string(s.train_trials));
  auto env = sgym::make_env(kEnv, opts);
  auto agent = sgym::make_agent("augment", env->observation_space(), env->action_space(), s.agent_opts, sgym::mix_seed(seed, 1));
  env->reset(sgym::mix_seed(seed, 2));
  const std::uint64_t probe_seed = sgym::mix_seed(seed, 3);
  out.init = full_probe(*agent, s.env_opts, kBoundaries[0], s.final_trials, probe_seed);
  std::vector<float> obs;
  long long decided = 0, correct = 0;
  const long long total = s.train_trials + s.retrain_trials;
  for (long long t = 1; t <= total; ++t) {
    double sample = 0.0;
    int cat = -1;
    const std::string o = run_trial(*env, *agent, obs, out.steps, sample, cat, nullptr, nullptr);
    decided += o == "correct" || o == "wrong";
    correct += o == "correct";
    if (t == s.train_trials) out.trained = full_probe(*agent, s.env_opts, kBoundaries[0], s.final_trials, probe_seed);
    if (t % s.probe_every != 0) continue;
    const bool phase2 = t > s.train_trials;
    if (phase2 && t - s.train_trials == s.probe_every) out.first_block_after_switch = decided > 0 ? double(correct) / decided : 0.0;
    decided = correct = 0;
    const Probe p = probe(*agent, s.env_opts, kBoundaries[phase2 ? 1 : 0], s.probe_trials, probe_seed, false);
    out.curve.push_back(p.accuracy);
    if (!phase2 && out.learned < 0 && p.accuracy >= s.goal) out.learned = t;
    if (phase2 && out.relearned < 0 && p.accuracy >= s.goal) out.relearned = t - s.train_trials;
    if (!phase2 && !out.has_during && p.accuracy >= s.during) {
      out.during = probe(*agent, s.env_opts, kBoundaries[0], s.final_trials, probe_seed, false);
      out.has_during = true;
    }
  }
  out.retrained = full_probe(*agent, s.env_opts, kBoundaries[1], s.final_trials, probe_seed);
  return out;
}

using sgym::quantile;
using sgym::experiment::say;

void print_stat(std::ostream& md, const char* what, const std::vector<double>& v, double scale = 1.0, const char* unit = "") {
  say(md, "| %s | %zu | %.3g%s [%.3g – %.3g] |\n", what, v.size(), scale * quantile(v, 0.5), unit, scale * quantile(v, 0.25),
              scale * quantile(v, 0.75));
}

/// The experiment's parameters (sgym experiment describe augment-dmc).
struct Params {
  int networks = 20;
  int train_trials = 100000, retrain_trials = 100000;
  int probe_every = 1000, probe_trials = 200, final_trials = 1200;
  double goal = 0.9;
  std::string env_options = "noise_sd=0 abort_reward=-1", agent_options;
};

const sgym::OptionSet<Params>& params() {
  static const sgym::OptionSet<Params> set = [] {
    sgym::OptionSet<Params> o("experiment augment-dmc");
    o.add("n_seeds", &Params::networks, "", "networks (seeds); network i uses mix_seed(seed, i)", 1, 1000000)
        .deprecated_alias("networks")
        .add("train_trials", &Params::train_trials, "trials", "phase-1 trials (boundary 45°)", 1, 100000000)
        .add("retrain_trials", &Params::retrain_trials, "trials", "phase-2 trials (boundary 135°); 0 = no retraining", 0, 100000000)
        .add("probe_every", &Params::probe_every, "trials", "trials between greedy probes", 1, 100000000)
        .add("probe_trials", &Params::probe_trials, "trials", "trials per periodic greedy probe", 1, 100000000)
        .add("final_trials", &Params::final_trials, "trials", "trials of the probes at initialisation and after each phase", 12, 100000000)
        .add("goal", &Params::goal, "", "greedy accuracy counted as learned", 0.0, 1.0)
        .add_text("env_options", &Params::env_options, "", "key=value ...",
                  "DelayMatchCategory-v0 options (replace the defaults noise_sd=0 abort_reward=-1; why, in benchmarks/results/augment-dmc.md)")
        .add_text("agent_options", &Params::agent_options, "", "key=value ...", "augment options");
    return o;
  }();
  return set;
}

void run(const sgym::experiment::Context& ctx) {
  const Params prm = params().parse(ctx.params);
  std::ostream& md = ctx.md();
  const int networks = prm.networks, threads = ctx.jobs;
  const std::uint64_t seed = ctx.seed;
  Settings s;
  s.train_trials = prm.train_trials;
  s.retrain_trials = prm.retrain_trials;
  s.probe_every = prm.probe_every;
  s.probe_trials = prm.probe_trials;
  s.final_trials = prm.final_trials;
  s.goal = prm.goal;
  {
    s.env_opts = sgym::experiment::key_values(prm.env_options, "env_options");
    s.agent_opts = sgym::experiment::key_values(prm.agent_options, "agent_options");
    sgym::experiment::refuse_keys(s.env_opts, {"boundary_deg", "retrain_boundary_deg", "retrain_after_trials", "n_directions", "trials_per_episode"},
                                  "augment-dmc", "env_options", "12 directions, boundaries 45° then 135°, one trial per episode");
    if (s.train_trials % s.probe_every != 0 || s.retrain_trials % s.probe_every != 0)
      throw sgym::UsageError("experiment augment-dmc: train_trials and retrain_trials must be multiples of probe_every");
    // validate the options once before starting threads
    {
      const auto env = sgym::make_env(kEnv, s.env_opts);
      sgym::make_agent("augment", env->observation_space(), env->action_space(), s.agent_opts, 0);
    }

    std::vector<Network> results(static_cast<std::size_t>(networks));
    const auto t0 = std::chrono::steady_clock::now();
    sgym::experiment::parallel_for(networks, threads, [&](int i) {
      results[static_cast<std::size_t>(i)] = run_network(sgym::mix_seed(seed, static_cast<std::uint64_t>(i)), s);
    });
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    say(md, "DelayMatchCategory-v0 (");
    for (const auto& [k, v] : s.env_opts) say(md, "%s=%s ", k.c_str(), v.c_str());
    say(md, "), augment (");
    for (const auto& [k, v] : s.agent_opts) say(md, "%s=%s ", k.c_str(), v.c_str());
    say(md, "defaults otherwise); %d networks, %lld + %lld trials\n\n", networks, s.train_trials, s.retrain_trials);

    // accuracy and learning speed
    std::vector<double> acc_init, acc1, acc2, t1, t2, switch_acc, last1, last2;
    const std::size_t n1 = static_cast<std::size_t>(s.train_trials / s.probe_every), n_last = 10;
    std::array<std::vector<double>, 3> dist1, dist2, dist_during;
    int n_learned = 0, n_relearned = 0, n_during = 0;
    long long steps = 0;
    for (const Network& n : results) {
      acc_init.push_back(n.init.accuracy);
      acc1.push_back(n.trained.accuracy);
      acc2.push_back(n.retrained.accuracy);
      if (n.learned >= 0) {
        t1.push_back(static_cast<double>(n.learned));
        ++n_learned;
      }
      if (n.relearned >= 0) {
        t2.push_back(static_cast<double>(n.relearned));
        ++n_relearned;
      }
      switch_acc.push_back(n.first_block_after_switch);
      // mean greedy accuracy over the last 10 probes of each phase
      auto tail_mean = [&](std::size_t end) {
        const std::size_t from = end >= n_last ? end - n_last : 0;
        double m = 0.0;
        for (std::size_t j = from; j < end; ++j) m += n.curve[j];
        return end > from ? m / static_cast<double>(end - from) : 0.0;
      };
      last1.push_back(tail_mean(n1));
      if (n.curve.size() > n1) last2.push_back(tail_mean(n.curve.size()));
      for (std::size_t k = 0; k < 3; ++k) {
        dist1[k].push_back(n.trained.by_distance[k]);
        dist2[k].push_back(n.retrained.by_distance[k]);
        if (n.has_during) dist_during[k].push_back(n.during.by_distance[k]);
      }
      n_during += n.has_during;
      steps += n.steps;
    }
    say(md, "| measure | n | median [IQR] |\n|---|---|---|\n");
    print_stat(md, "greedy accuracy at initialisation (%)", acc_init, 100.0);
    print_stat(md, "greedy accuracy after phase 1, boundary 45° (%)", acc1, 100.0);
    print_stat(md, "mean greedy accuracy over the last 10 probes of phase 1 (%)", last1, 100.0);
    say(md, "| networks reaching %.0f %% greedy accuracy in phase 1 | %d of %d | |\n", 100 * s.goal, n_learned, networks);
    print_stat(md, "trials to reach it (networks that did)", t1);
    print_stat(md, "training accuracy (correct / decided) in the first block after the switch to 135° (%)", switch_acc, 100.0);
    say(md, "| networks reaching %.0f %% again on the new boundary | %d of %d | |\n", 100 * s.goal, n_relearned, networks);
    print_stat(md, "trials after the switch to reach it (networks that did)", t2);
    print_stat(md, "greedy accuracy after retraining, boundary 135° (%)", acc2, 100.0);
    print_stat(md, "mean greedy accuracy over the last 10 probes of phase 2 (%)", last2, 100.0);
    say(md, "\n| sample's distance from the boundary | after phase 1 | after retraining | during learning (first probe ≥ 70 %%; %d networks) |\n|---|---|---|---|\n", n_during);
    for (std::size_t k = 0; k < 3; ++k)
      say(md, "| %.0f° | %.1f %% [%.1f – %.1f] | %.1f %% [%.1f – %.1f] | %.1f %% [%.1f – %.1f] |\n", kDistances[k], 100 * quantile(dist1[k], 0.5),
                  100 * quantile(dist1[k], 0.25), 100 * quantile(dist1[k], 0.75), 100 * quantile(dist2[k], 0.5), 100 * quantile(dist2[k], 0.25),
                  100 * quantile(dist2[k], 0.75), 100 * quantile(dist_during[k], 0.5), 100 * quantile(dist_during[k], 0.25),
                  100 * quantile(dist_during[k], 0.75));

    // category tuning: per unit kind and epoch, pooled over networks
    std::vector<const Probe*> on45, on135;
    for (const Network& n : results) {
      on45.push_back(&n.trained);
      on135.push_back(&n.retrained);
    }
    const auto c45 = labels(on45), c135 = labels(on135);
    say(md, "\nCTI (units pooled over networks; units whose mean activity does not vary with direction are left out; regular units in the delay all are)\n\n");
    say(md, "| units, epoch | network | labels | n units | median CTI [IQR] |\n|---|---|---|---|---|\n");
    struct Row {
      std::string name;
      std::vector<double> v;
    };
    std::vector<Row> rows;
    std::vector<std::string> tuned_lines;
    for (int e = 0; e < 2; ++e) {
      for (int kind = 0; kind < 2; ++kind) {
        // regular units see no stimulus in the delay: their delay activity does not depend on direction
        if (e == 1 && kind == 0) continue;
        const std::string unit = std::string(kind == 0 ? "regular" : "memory") + ", " + kEpochs[static_cast<std::size_t>(e)];
        std::array<std::vector<double>, 7> v;
        for (std::size_t i = 0; i < results.size(); ++i) {
          const Network& n = results[i];
          const int first = kind == 0 ? 0 : n.init.n_regular, last = kind == 0 ? n.init.n_regular : n.init.n_regular + n.init.n_memory;
          auto add = [](std::vector<double>& to, const std::vector<double>& from) { to.insert(to.end(), from.begin(), from.end()); };
          add(v[0], unit_ctis(n.init, e, first, last, c45));
          add(v[1], unit_ctis(n.trained, e, first, last, c45));
          add(v[2], shuffled_ctis(n.trained, e, first, last, sgym::mix_seed(seed, 1000 + i)));
          add(v[3], unit_ctis(n.trained, e, first, last, c135));
          add(v[4], unit_ctis(n.retrained, e, first, last, c135));
          add(v[5], unit_ctis(n.retrained, e, first, last, c45));
          add(v[6], unit_ctis(n.init, e, first, last, c135));
        }
        const std::array<std::pair<const char*, const char*>, 7> what = {{{"initial", "45°"},
                                                                          {"after phase 1", "45°"},
                                                                          {"after phase 1", "shuffled (one random 6/6 split of the directions per unit)"},
                                                                          {"after phase 1", "135° (untrained boundary)"},
                                                                          {"after retraining", "135°"},
                                                                          {"after retraining", "45° (old boundary)"},
                                                                          {"initial", "135°"}}};
        for (std::size_t k = 0; k < what.size(); ++k) {
          say(md, "| %s | %s | %s | %zu | %.3f [%.3f – %.3f] |\n", unit.c_str(), what[k].first, what[k].second, v[k].size(),
                      quantile(v[k], 0.5), quantile(v[k], 0.25), quantile(v[k], 0.75));
          rows.push_back({unit + "," + what[k].first + "," + what[k].second, v[k]});
        }
        // category-tuned: CTI above the 95th percentile of the initial units' CTIs under the same labels
        auto above = [](const std::vector<double>& v, double thr) {
          return std::count_if(v.begin(), v.end(), [&](double x) { return x > thr; });
        };
        const double thr45 = quantile(v[0], 0.95), thr135 = quantile(v[6], 0.95);
        char line[256];
        std::snprintf(line, sizeof line, "%s: after phase 1 %ld of %zu (45° labels, threshold %.3f); after retraining %ld of %zu (135° labels, threshold %.3f), %ld of %zu still tuned to 45°",
                      unit.c_str(), static_cast<long>(above(v[1], thr45)), v[1].size(), thr45, static_cast<long>(above(v[4], thr135)), v[4].size(), thr135,
                      static_cast<long>(above(v[5], thr45)), v[5].size());
        tuned_lines.push_back(line);
      }
    }
    say(md, "\ncategory-tuned units (CTI above the 95th percentile of the CTIs of the same units at initialisation, pooled over networks):\n");
    for (const std::string& l : tuned_lines) say(md, "- %s\n", l.c_str());
    say(md, "\nwall %.1f s on %d threads; %lld training steps\n", wall, threads, steps);

    {
      // per network: accuracy by distance; per unit: CTI per condition; the learning curves
      std::ostringstream d, c, l;
      d << "network,distance_deg,after_phase1,after_retraining,during\n";
      for (std::size_t i = 0; i < results.size(); ++i)
        for (std::size_t k = 0; k < 3; ++k)
          d << i << ',' << kDistances[k] << ',' << results[i].trained.by_distance[k] << ',' << results[i].retrained.by_distance[k] << ','
            << (results[i].has_during ? results[i].during.by_distance[k] : std::nan("")) << '\n';
      c << "units,epoch,network,labels,cti\n";
      for (const Row& r : rows)
        for (double x : r.v) c << r.name << ',' << x << '\n';
      l << "trials";
      for (std::size_t i = 0; i < results.size(); ++i) l << ",net" << i;
      l << '\n';
      for (std::size_t j = 0; j < results[0].curve.size(); ++j) {
        l << (j + 1) * static_cast<long long>(s.probe_every);
        for (const Network& n : results) l << ',' << n.curve[j];
        l << '\n';
      }
      ctx.write("distance.csv", d.str());
      ctx.write("cti.csv", c.str());
      ctx.write("curve.csv", l.str());
    }
  }
}

/// Figures: the greedy learning curve (both phases) and the accuracy by the sample's distance from the
/// boundary after each phase, median and IQR over networks.
std::vector<sgym::experiment::Figure> figures(const std::filesystem::path& dir) {
  using sgym::experiment::read_csv;
  std::vector<sgym::experiment::Figure> out;
  const auto curve = read_csv(dir / "curve.csv");
  sgym::experiment::Figure learning{"learning-curve", {}, {}};
  if (!curve.empty())
    for (std::size_t net = 1; net < curve[0].size(); ++net) {
      sgym::TrialTable t{{"greedy accuracy"}, {}};
      for (std::size_t r = 1; r < curve.size(); ++r)
        if (net < curve[r].size()) t.rows[std::stod(curve[r][0])] = {std::stod(curve[r][net])};
      learning.seeds.push_back(std::move(t));
    }
  learning.spec.title = "AuGMEnT, delayed match-to-category: greedy accuracy";
  const Params prm = params().parse(sgym::experiment::params_of(dir));
  if (prm.retrain_trials > 0) learning.spec.markers = {{static_cast<double>(prm.train_trials), "boundary 45° → 135°"}};
  learning.spec.xlabel = "training trials";
  learning.spec.ylabel = "greedy accuracy";
  learning.spec.yrange = std::array<double, 2>{0.0, 1.0};
  learning.spec.series = {{0, "greedy probe", "#1f77b4"}};
  out.push_back(std::move(learning));

  const auto dist = read_csv(dir / "distance.csv");
  std::map<int, sgym::TrialTable> per_net;
  for (std::size_t r = 1; r < dist.size(); ++r) {
    if (dist[r].size() < 4) continue;
    sgym::TrialTable& t = per_net[std::stoi(dist[r][0])];
    t.columns = {"after phase 1 (45°)", "after retraining (135°)"};
    t.rows[std::stod(dist[r][1])] = {std::stod(dist[r][2]), std::stod(dist[r][3])};
  }
  sgym::experiment::Figure by_distance{"accuracy-by-distance", {}, {}};
  for (auto& [net, t] : per_net) by_distance.seeds.push_back(std::move(t));
  by_distance.spec.title = "AuGMEnT, DMC: accuracy by distance from the boundary";
  by_distance.spec.xlabel = "distance from the boundary (deg)";
  by_distance.spec.ylabel = "greedy accuracy";
  by_distance.spec.yrange = std::array<double, 2>{0.0, 1.0};
  by_distance.spec.xtics = 15;
  by_distance.spec.series = {{0, "after phase 1 (boundary 45°)", "#1f77b4"},
                             {1, "after retraining (boundary 135°)", "#d62728", sgym::FigureSeries::Style::kDashed}};
  out.push_back(std::move(by_distance));
  return out;
}

}  // namespace

sgym::experiment::Entry augment_dmc_experiment() {
  sgym::experiment::Entry e;
  e.name = "augment-dmc";
  e.reproduces = "Freedman & Assad 2006 (Nature 443:85): accuracy by distance from the category boundary, category-tuned association units, retraining on a new boundary";
  e.results = "benchmarks/results/augment-dmc.md";
  e.description = "AuGMEnT on DelayMatchCategory-v0: learning, accuracy by distance, category tuning index, retraining";
  e.params = params().docs();
  e.quick = {{"n_seeds", "2"}, {"train_trials", "2000"}, {"retrain_trials", "1000"}, {"probe_every", "500"},
             {"probe_trials", "50"}, {"final_trials", "120"}};
  e.run = run;
  e.figures = figures;
  return e;
}
