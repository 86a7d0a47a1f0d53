// augment-recurrent on CurveTracing-v0 (benchmarks/results/curve-tracing.md): RELEARNN's four-factor
// rule against the BPTT reference, recurrent networks against the feedforward control.
// Every network goes through the curriculum on curve length (benchmarks/curve_tracing.hpp), then is
// tested greedily on held-out shapes: accuracy per target-curve length (trained and never-trained
// lengths), 1, 3 (balanced ranks) and 10 distractors, and the latency of the map enhancement as a
// function of the distance along the target curve from the fixation point (docs/science.md).
// Network i of every arm (rule x recurrent/feedforward) uses seed mix_seed(seed, i).
//
//   sgym experiment augment-recurrent-curve-tracing [--quick] [--jobs N] [--seed S] [--out DIR]
//        [--set n_seeds=16 --set rules="relearnn bptt" --set feedforward=true --set test_trials=100
//         --set max_stage_trials=30000 --set max_test_length_px=15 --set agent_options="unit=sigmoid" ...]
// Writes networks.csv (one row per arm and network: curriculum, accuracies, map activity),
// latency.csv (per arm and distance along the target curve: modulation latency and enhancement,
// summed over networks with counts) and summary.md; sgym plot draws accuracy against curve length
// and latency against distance.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "curve_tracing.hpp"
#include "experiment.hpp"
#include "sgym/error.hpp"

namespace {

namespace ex = sgym::experiment;
using ex::say;
using namespace sgym::curve_bench;

/// Everything measured for one network.
struct NetResult {
  Trained trained;
  std::vector<double> acc_by_length;  // index: length - 2
  double acc_mixed_1 = 0.0, acc_mixed_10 = 0.0;
  CleanTest ten;  // the 10-distractor test (acc_mixed_10) split by clean trials (no shortcut rule picks the correct target)
  double acc3_9 = 0.0, acc3_13 = 0.0;  // 3 distractors (balanced ranks), 9 and 13 px
  // latency (iterations) of target-curve pixels by distance from the FP, summed with counts
  std::vector<double> latency_sum, latency_n;
  // enhancement: map activity on the target curve minus the distractor curve, at the same distance
  // from each curve's start (the FP / the distractor's free end), summed with counts
  std::vector<double> enh_sum, enh_n;
  double map_target = 0.0, map_distractor = 0.0;  // mean final map activity on target / distractor curves
};

NetResult run_network(const Protocol& p, bool lateral, std::uint64_t seed, int test_trials, int max_len) {
  NetResult res;
  sgym::KeyValues opts = p.agent_options;
  opts.push_back({"lateral", lateral ? "true" : "false"});
  auto probe = make_curve_env(p, {});
  auto agent = sgym::make_agent("augment-recurrent", probe->observation_space(), probe->action_space(), opts, seed);
  res.trained = train(*agent, p, seed);
  for (int L = 2; L <= max_len; ++L)
    res.acc_by_length.push_back(accuracy_at(*agent, p, L, 1, test_trials, sgym::mix_seed(seed, 1000 + static_cast<std::uint64_t>(L))));
  res.acc_mixed_1 = test_accuracy(*agent, p, {{"n_distractors", "1"}}, 2 * test_trials, sgym::mix_seed(seed, 2001));
  res.ten = test_clean(*agent, p, {{"n_distractors", "10"}}, 2 * test_trials, sgym::mix_seed(seed, 2002));
  res.acc_mixed_10 = res.ten.accuracy();
  res.acc3_9 = accuracy_at(*agent, p, 9, 3, test_trials, sgym::mix_seed(seed, 2003));
  res.acc3_13 = accuracy_at(*agent, p, 13, 3, test_trials, sgym::mix_seed(seed, 2004));
  // latency of the enhancement along the target curve, on the first frame of the go epoch
  const auto n = static_cast<std::size_t>(max_len);
  res.latency_sum.assign(n, 0.0);
  res.latency_n.assign(n, 0.0);
  res.enh_sum.assign(n, 0.0);
  res.enh_n.assign(n, 0.0);
  auto env = make_curve_env(p, {{"min_length_px", "9"}, {"max_length_px", std::to_string(std::min(max_len, 13))}, {"split", "heldout"}});
  env->reset(sgym::mix_seed(seed, 3001));
  std::vector<float> obs;
  double tsum = 0, tn = 0, dsum = 0, dn = 0;
  for (int i = 0; i < test_trials; ++i) {
    run_trial(*env, *agent, obs, [&](const sgym::Info& info) {
      const auto sig = agent->introspect();
      const std::vector<float>& map = sig[2].values;
      const std::vector<float>& lat = sig[3].values;
      const auto& along = std::get<std::vector<float>>(*info.find("target_curve_index"));
      const auto& pixels = std::get<std::vector<float>>(*info.find("curve_pixels"));
      for (std::size_t px = 0; px < along.size(); ++px) {
        if (along[px] < 0) continue;
        tsum += map[px];
        ++tn;
        const auto d = static_cast<std::size_t>(along[px]);
        if (d < res.latency_sum.size() && lat[px] > 0) {
          res.latency_sum[d] += lat[px];
          res.latency_n[d] += 1;
        }
      }
      // distractor curves: every block after the first
      const std::size_t per = pixels.size() / 2;
      for (std::size_t d = 0; d < per && d < res.enh_sum.size(); ++d)
        if (pixels[d] >= 0 && pixels[per + d] >= 0) {
          res.enh_sum[d] += map[static_cast<std::size_t>(pixels[d])] - map[static_cast<std::size_t>(pixels[per + d])];
          res.enh_n[d] += 1;
        }
      for (std::size_t k = per; k < pixels.size(); ++k)
        if (pixels[k] >= 0) {
          dsum += map[static_cast<std::size_t>(pixels[k])];
          ++dn;
        }
    });
  }
  res.map_target = tn > 0 ? tsum / tn : 0.0;
  res.map_distractor = dn > 0 ? dsum / dn : 0.0;
  return res;
}

struct Params {
  int networks = 16, test_trials = 100, max_test_length = 15, first_length = 2, last_length = 9;
  int stage_cap = 30000;
  bool feedforward = true;
  double fixate_ms = 0.0, curves_ms = 50.0, onset_ms = 130.0, ms_per_iteration = 10.0;
  std::string rules = "relearnn bptt", agent_options;
};

const sgym::OptionSet<Params>& params() {
  static const sgym::OptionSet<Params> set = [] {
    sgym::OptionSet<Params> o("experiment augment-recurrent-curve-tracing");
    o.add("n_seeds", &Params::networks, "", "networks per arm; network i uses mix_seed(seed, i) in every arm", 1, 100000)
        .deprecated_alias("networks")
        .add_text("rules", &Params::rules, "", "names separated by spaces",
                  "augment-recurrent's rule per recurrent arm: relearnn (the four-factor rule) and/or bptt (the non-local reference)")
        .add("feedforward", &Params::feedforward, "also train the feedforward control (lateral=false) under the first rule")
        .add("test_trials", &Params::test_trials, "trials", "greedy test trials per length and test (the mixed-length tests take twice as many)", 10, 1000000)
        .add("max_test_length_px", &Params::max_test_length, "px", "longest target curve tested", 9, 40)
        .deprecated_alias("max_test_length")
        .add("max_stage_trials", &Params::stage_cap, "trials", "training trials per curriculum stage at most (the curriculum fails there)", 100, 100000000)
        .deprecated_alias("stage_cap")
        .add("first_length_px", &Params::first_length, "px", "longest curve of the first curriculum stage", 2, 40)
        .deprecated_alias("first_length")
        .add("last_length_px", &Params::last_length, "px", "longest curve of the last curriculum stage (RELEARNN: 9)", 2, 40)
        .deprecated_alias("last_length")
        .add("fixation_ms", &Params::fixate_ms, "ms", "the env's fixation_ms (formerly fixate_ms): the FP alone before the curves (env default 300)", 0.0, 10000.0)
        .deprecated_alias("fixate_ms")
        .add("curves_ms", &Params::curves_ms, "ms", "env curves_ms: the curves with the FP, fixation held (env default 600)", 50.0, 10000.0)
        .add("onset_ms", &Params::onset_ms, "ms",
             "latency given to the modulated pixel nearest the FP, ms after the curves appear (V1 tracing onset, about 130 ms: Roelfsema, Lamme & Spekreijse 1998)",
             0.0, 10000.0)
        .add("iteration_ms", &Params::ms_per_iteration, "ms",
             "duration of one recurrent iteration [assumption: of the order of a cortical membrane time constant]", 0.01, 1000.0)
        .deprecated_alias("ms_per_iteration")
        .add_text("agent_options", &Params::agent_options, "", "key=value ...", "augment-recurrent options for every arm (not rule or lateral)");
    return o;
  }();
  return set;
}

struct Arm {
  std::string rule;
  bool lateral;
  std::string name() const { return (lateral ? "recurrent, " : "feedforward, ") + rule; }
};

std::vector<Arm> arm_list(const Params& prm) {
  std::vector<Arm> arms;
  std::istringstream in(prm.rules);
  for (std::string r; in >> r;) {
    if (r != "relearnn" && r != "bptt")
      throw sgym::UsageError("experiment augment-recurrent-curve-tracing: rules: unknown \"" + r + "\"; choose relearnn and/or bptt");
    for (const Arm& a : arms)
      if (a.rule == r) throw sgym::UsageError("experiment augment-recurrent-curve-tracing: rules: " + r + " is given twice");
    arms.push_back({r, true});
  }
  if (arms.empty()) throw sgym::UsageError("experiment augment-recurrent-curve-tracing: rules is empty; give relearnn and/or bptt");
  if (prm.feedforward) arms.push_back({arms.front().rule, false});
  return arms;
}

// median and quartiles as "m [q1, q3]"
std::string mq(const std::vector<double>& v, const char* fmt = "%.3f") {
  const std::string f = std::string(fmt) + " [" + fmt + ", " + fmt + "]";
  char buf[96];
  std::snprintf(buf, sizeof buf, f.c_str(), sgym::quantile(v, 0.5), sgym::quantile(v, 0.25), sgym::quantile(v, 0.75));
  return buf;
}

void run(const ex::Context& ctx) {
  const Params prm = params().parse(ctx.params);
  if (prm.last_length < prm.first_length)
    throw sgym::UsageError("experiment augment-recurrent-curve-tracing: last_length_px " + std::to_string(prm.last_length) +
                           " is below first_length_px " + std::to_string(prm.first_length));
  if (prm.max_test_length < 13)
    throw sgym::UsageError("experiment augment-recurrent-curve-tracing: max_test_length_px must be >= 13 (the 3-distractor test uses 13-px curves)");
  const std::vector<Arm> arms = arm_list(prm);
  const Protocol p = make_protocol(prm.stage_cap, prm.first_length, prm.last_length, prm.fixate_ms, prm.curves_ms,
                                   ex::key_values(prm.agent_options, "agent_options"));
  ex::refuse_keys(p.agent_options, {"rule", "lateral"}, "augment-recurrent-curve-tracing", "agent_options", "rules, feedforward");
  {  // validate the agent options once before the threads start
    auto probe = make_curve_env(p, {});
    sgym::make_agent("augment-recurrent", probe->observation_space(), probe->action_space(), p.agent_options, 1);
  }
  const int n = prm.networks, max_len = prm.max_test_length;
  auto net_seed = [&](int i) { return sgym::mix_seed(ctx.seed, static_cast<std::uint64_t>(i)); };
  std::vector<NetResult> results(arms.size() * static_cast<std::size_t>(n));
  ex::parallel_for(static_cast<int>(results.size()), ctx.jobs, [&](int k) {
    const Arm& a = arms[static_cast<std::size_t>(k / n)];
    Protocol pa = p;
    pa.agent_options.push_back({"rule", a.rule});
    results[static_cast<std::size_t>(k)] = run_network(pa, a.lateral, net_seed(k % n), prm.test_trials, max_len);
  });
  auto at = [&](std::size_t a, int i) -> const NetResult& { return results[a * static_cast<std::size_t>(n) + static_cast<std::size_t>(i)]; };

  // data files
  std::ostringstream csv, lat;
  csv << "arm,rule,lateral,network,seed,stage_reached,passed,training_trials";
  for (int L = 2; L <= max_len; ++L) csv << ",acc_L" << L;
  csv << ",acc_mixed_1,acc_mixed_10,acc_3distr_9,acc_3distr_13,map_target,map_distractor,clean_10,clean_hits_10,clean_ceiling_10,clean_best_rank_10,clean_best_rank_acc_10\n";
  lat << "arm,rule,lateral,distance,latency_sum,latency_n,enhancement_sum,enhancement_n\n";
  for (std::size_t a = 0; a < arms.size(); ++a) {
    for (int i = 0; i < n; ++i) {
      const NetResult& r = at(a, i);
      csv << a << ',' << arms[a].rule << ',' << arms[a].lateral << ',' << i << ',' << net_seed(i) << ',' << r.trained.stage_reached << ','
          << r.trained.passed << ',' << r.trained.trials;
      for (const double x : r.acc_by_length) csv << ',' << x;
      csv << ',' << r.acc_mixed_1 << ',' << r.acc_mixed_10 << ',' << r.acc3_9 << ',' << r.acc3_13 << ',' << r.map_target << ','
          << r.map_distractor << ',' << r.ten.clean << ',' << r.ten.clean_hits << ',' << r.ten.ceiling() << ','
          << r.ten.best_rank().first + 1 << ',' << r.ten.best_rank().second << '\n';
    }
    for (int d = 0; d < max_len; ++d) {
      double ls = 0, ln = 0, es = 0, en = 0;
      for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(d);
        ls += at(a, i).latency_sum[k], ln += at(a, i).latency_n[k], es += at(a, i).enh_sum[k], en += at(a, i).enh_n[k];
      }
      lat << a << ',' << arms[a].rule << ',' << arms[a].lateral << ',' << d << ',' << ls << ',' << ln << ',' << es << ',' << en << '\n';
    }
  }
  ctx.write("networks.csv", csv.str());
  ctx.write("latency.csv", lat.str());

  // the report
  std::ostream& md = ctx.md();
  auto column = [&](std::size_t a, auto get) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back(get(at(a, i)));
    return v;
  };
  auto completed = [&](const NetResult& r) { return r.trained.passed && r.trained.stage_reached == prm.last_length; };
  say(md, "\n### Curriculum (criterion at %d px)\n\n| arm | completed | training trials, median [Q1, Q3] |\n|---|---|---|\n", prm.last_length);
  for (std::size_t a = 0; a < arms.size(); ++a) {
    const auto done = std::count_if(results.begin() + static_cast<std::ptrdiff_t>(a) * n, results.begin() + static_cast<std::ptrdiff_t>(a + 1) * n,
                                    completed);
    say(md, "| %s | %td / %d | %s |\n", arms[a].name().c_str(), done, n,
        mq(column(a, [](const NetResult& r) { return static_cast<double>(r.trained.trials); }), "%.0f").c_str());
  }
  say(md, "\n### Accuracy by target-curve length (held-out shapes, 1 distractor, %d greedy trials each; chance 0.5): median [Q1, Q3] over networks\n\n| length (px) |",
      prm.test_trials);
  for (const Arm& a : arms) say(md, " %s |", a.name().c_str());
  say(md, "\n|---|");
  for (std::size_t a = 0; a < arms.size(); ++a) say(md, "---|");
  say(md, "\n");
  for (int L = 2; L <= max_len; ++L) {
    say(md, "| %d%s |", L, L < 5 ? " (unbalanced)" : L == prm.last_length ? " (longest trained)" : L > prm.last_length ? " (never trained)" : "");
    for (std::size_t a = 0; a < arms.size(); ++a)
      say(md, " %s |", mq(column(a, [L](const NetResult& r) { return r.acc_by_length[static_cast<std::size_t>(L - 2)]; })).c_str());
    say(md, "\n");
  }
  say(md, "\n### Distractors (held-out shapes): median [Q1, Q3] over networks\n\n"
          "| arm | 1 distractor, 5-9 px, %d trials | 3 distractors (ranks), 9 px | 3 distractors (ranks), 13 px | 10 distractors, 5-9 px (balance none: not shortcut-free), %d trials | 10 distractors, clean trials only |\n|---|---|---|---|---|---|\n",
      2 * prm.test_trials, 2 * prm.test_trials);
  for (std::size_t a = 0; a < arms.size(); ++a)
    say(md, "| %s | %s | %s | %s | %s | %s |\n", arms[a].name().c_str(), mq(column(a, [](const NetResult& r) { return r.acc_mixed_1; })).c_str(),
        mq(column(a, [](const NetResult& r) { return r.acc3_9; })).c_str(), mq(column(a, [](const NetResult& r) { return r.acc3_13; })).c_str(),
        mq(column(a, [](const NetResult& r) { return r.acc_mixed_10; })).c_str(),
        mq(column(a, [](const NetResult& r) { return r.ten.clean_accuracy(); })).c_str());
  {
    // the clean trials' share and chance levels, over the networks that have clean trials (one that
    // breaks fixation on every trial has none; the stimuli are the same for every network of a seed)
    std::vector<double> share, ceiling, rank_acc;
    std::map<int, int> rank_k;  // how often each k is the best "k-th nearest" rule
    long long before_go = 0;
    for (const auto& r : results) {
      share.push_back(r.ten.clean_fraction());
      before_go += r.ten.before_go;
      if (r.ten.clean == 0) continue;
      ceiling.push_back(r.ten.ceiling());
      rank_acc.push_back(r.ten.best_rank().second);
      ++rank_k[r.ten.best_rank().first + 1];
    }
    std::string rules, ks;
    for (const char* rule : kCleanRules) rules += std::string(rules.empty() ? "" : ", ") + rule;
    for (const auto& [k, count] : rank_k) ks += (ks.empty() ? "" : ", ") + std::to_string(k) + ". nearest: " + std::to_string(count);
    say(md, "| chance | 0.5 | 0.25 | 0.25 | 0.091 | 0.091 (random guess); %s for a subject that avoids every shortcut rule's choice and guesses among the rest; %s for the best \"k-th nearest target\" subject |\n",
        mq(ceiling, "%.3f").c_str(), mq(rank_acc, "%.3f").c_str());
    say(md, "\nClean trials: the 10-distractor trials on which no geometric shortcut subject's rule ranks the correct target best "
            "(%s; ties included) — %s of the trials (median [Q1, Q3] over the networks of all arms). On them every shortcut "
            "subject scores 0. What is left of the distance cue is in the last chance level: the best subject that always "
            "saccades to the k-th nearest target (k chosen per network after the fact: %s networks) — tracing is shown by "
            "accuracy above it. Chance levels are over the %zu networks that have clean trials. The rules choose on the go "
            "frame: a trial a network ended before it (breaking fixation; %lld of %lld trials over all networks) is in neither "
            "subset.\n",
        rules.c_str(), mq(share, "%.3f").c_str(), ks.c_str(), ceiling.size(), before_go,
        static_cast<long long>(results.size()) * 2 * prm.test_trials);
  }
  for (std::size_t a = 0; a < arms.size(); ++a) {
    say(md, "\n### Per network: %s\n\n| network | seed | stage reached | training trials | 9 px | 13 px | 3 distr., 9 px | 3 distr., 13 px | 10 distr. (5-9 px) | 10 distr., clean trials (n) | map on target / distractor at go |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n",
        arms[a].name().c_str());
    for (int i = 0; i < n; ++i) {
      const NetResult& r = at(a, i);
      char clean[32];
      if (r.ten.clean > 0) std::snprintf(clean, sizeof clean, "%.2f (%d)", r.ten.clean_accuracy(), r.ten.clean);
      else std::snprintf(clean, sizeof clean, "— (0)");
      say(md, "| %d | %llu | %d, %s | %lld | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %.2f / %.2f |\n", i, static_cast<unsigned long long>(net_seed(i)),
          r.trained.stage_reached, r.trained.passed ? "passed" : "failed", r.trained.trials, r.acc_by_length[7], r.acc_by_length[11], r.acc3_9,
          r.acc3_13, r.acc_mixed_10, clean, r.map_target, r.map_distractor);
    }
  }
  // latency along the target curve
  for (std::size_t a = 0; a < arms.size(); ++a) {
    if (!arms[a].lateral) continue;
    std::vector<double> latency, enh;
    const int shown = std::min(max_len, 13);
    for (int d = 0; d < shown; ++d) {
      double ls = 0, ln = 0, es = 0, en = 0;
      for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(d);
        ls += at(a, i).latency_sum[k], ln += at(a, i).latency_n[k], es += at(a, i).enh_sum[k], en += at(a, i).enh_n[k];
      }
      latency.push_back(ln > 0 ? ls / ln : 0.0);
      enh.push_back(en > 0 ? es / en : 0.0);
    }
    std::size_t ref = 0;
    while (ref + 1 < latency.size() && latency[ref] <= 0.0) ++ref;
    double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
    for (std::size_t d = ref; d < latency.size(); ++d)
      if (latency[d] > 0.0) {
        const auto x = static_cast<double>(d);
        sx += x, sy += latency[d], sxx += x * x, sxy += x * latency[d], ++m;
      }
    say(md, "\n### Modulation latency along the target curve: %s\n\n", arms[a].name().c_str());
    say(md, "Latency: the iteration at which a pixel's activity above its first-iteration response reaches half its final value, on the first frame of the go epoch (curves of 9-%d px), mean over the modulated target-curve pixels of all networks; in ms with the pixel nearest the FP at %.0f ms after the curves appear and %.0f ms per iteration. Enhancement: map activity on the target curve minus the distractor curve at the same distance from each curve's start.\n\n",
        std::min(max_len, 13), prm.onset_ms, prm.ms_per_iteration);
    say(md, "| distance from the FP (px) | latency (iterations) | latency (ms) | enhancement |\n|---|---|---|---|\n");
    for (std::size_t d = 0; d < latency.size(); ++d) {
      if (latency[d] > 0.0 && d >= ref)
        say(md, "| %zu | %.2f | %.0f | %.2g |\n", d, latency[d], prm.onset_ms + prm.ms_per_iteration * (latency[d] - latency[ref]), enh[d]);
      else
        say(md, "| %zu | - | - | %.2g |\n", d, enh[d]);
    }
    if (m >= 2) say(md, "\nSlope (least squares, from distance %zu): %.2f iterations per pixel.\n", ref, (m * sxy - sx * sy) / (m * sxx - sx * sx));
  }
  say(md, "\n%d networks per arm (network i: seed mix_seed(%llu, i), the same in every arm); curriculum stages %d..%d px, at most %d trials each; "
          "CurveTracing-v0 grid_px=15 fixation_ms=%g curves_ms=%g fixation_reward=0.2 abort_reward=-1 (benchmarks/curve_tracing.hpp)",
      n, static_cast<unsigned long long>(ctx.seed), prm.first_length, prm.last_length, prm.stage_cap, prm.fixate_ms, prm.curves_ms);
  for (const auto& [k, v] : p.agent_options) say(md, "; agent option %s=%s", k.c_str(), v.c_str());
  say(md, "\n");
}

std::vector<ex::Figure> figures(const std::filesystem::path& dir) {
  const auto rows = ex::read_csv(dir / "networks.csv");
  std::vector<ex::Figure> out;
  if (rows.empty()) return out;
  // arms in file order; accuracy columns acc_L<k>
  std::vector<std::string> arm_names;
  std::map<int, sgym::TrialTable> per_net;
  std::vector<std::pair<std::size_t, int>> len_cols;
  for (std::size_t c = 0; c < rows[0].size(); ++c)
    if (rows[0][c].rfind("acc_L", 0) == 0) len_cols.emplace_back(c, std::stoi(rows[0][c].substr(5)));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != rows[0].size()) continue;
    const auto a = static_cast<std::size_t>(std::stoi(rows[r][0]));
    const std::string name = (rows[r][2] == "1" ? "recurrent, " : "feedforward, ") + rows[r][1];
    if (a >= arm_names.size()) arm_names.resize(a + 1);
    arm_names[a] = name;
    sgym::TrialTable& t = per_net[std::stoi(rows[r][3])];
    for (const auto& [c, L] : len_cols) {
      auto& row = t.rows[L];
      if (row.size() <= a) row.resize(a + 1, std::nan(""));
      row[a] = std::stod(rows[r][c]);
    }
  }
  static const std::vector<std::string> colours = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"};
  ex::Figure acc{"accuracy-by-length", {}, {}};
  for (auto& [net, t] : per_net) {
    t.columns = arm_names;
    for (auto& [L, row] : t.rows) row.resize(arm_names.size(), std::nan(""));
    acc.seeds.push_back(std::move(t));
  }
  acc.spec.title = "augment-recurrent, curve tracing: accuracy by target-curve length (held-out shapes, 1 distractor)";
  acc.spec.xlabel = "target-curve length (px)";
  acc.spec.ylabel = "greedy accuracy (chance 0.5)";
  acc.spec.yrange = std::array<double, 2>{0.0, 1.05};
  acc.spec.legend = "bottom right";
  for (std::size_t a = 0; a < arm_names.size(); ++a) acc.spec.series.push_back({a, arm_names[a], colours[a % colours.size()]});
  int last = 9;
  for (const auto& [k, v] : ex::params_of(dir))
    if (k == "last_length_px" || k == "last_length") last = std::stoi(v);  // (the former name in older directories)
  acc.spec.markers.push_back({static_cast<double>(last), "longest trained"});
  out.push_back(std::move(acc));

  // latency per distance: one "seed" (the pooled mean over networks), recurrent arms only
  const auto lrows = ex::read_csv(dir / "latency.csv");
  sgym::TrialTable lt;
  std::vector<std::string> lat_arms;
  std::map<std::size_t, std::size_t> col_of;
  for (std::size_t r = 1; r < lrows.size(); ++r) {
    if (lrows[r].size() < 8 || lrows[r][2] != "1") continue;
    const auto a = static_cast<std::size_t>(std::stoi(lrows[r][0]));
    if (!col_of.count(a)) {
      col_of[a] = lat_arms.size();
      lat_arms.push_back("recurrent, " + lrows[r][1]);
    }
    const double n = std::stod(lrows[r][5]);
    if (n <= 0) continue;
    auto& row = lt.rows[std::stod(lrows[r][3])];
    row.resize(lat_arms.size(), std::nan(""));
    row[col_of[a]] = std::stod(lrows[r][4]) / n;
  }
  if (!lt.rows.empty()) {
    for (auto& [d, row] : lt.rows) row.resize(lat_arms.size(), std::nan(""));
    lt.columns = lat_arms;
    ex::Figure lf{"latency-by-distance", {}, {lt}};
    lf.spec.title = "augment-recurrent, curve tracing: modulation latency along the target curve";
    lf.spec.xlabel = "distance along the target curve from the fixation point (px)";
    lf.spec.ylabel = "latency (recurrent iterations)";
    lf.spec.legend = "top left";
    for (std::size_t a = 0; a < lat_arms.size(); ++a) lf.spec.series.push_back({a, lat_arms[a], colours[a % colours.size()]});
    out.push_back(std::move(lf));
  }
  return out;
}

}  // namespace

sgym::experiment::Entry augment_recurrent_curve_tracing_experiment() {
  ex::Entry e;
  e.name = "augment-recurrent-curve-tracing";
  e.reproduces = "Mollard, Wacongne, Bohte & Roelfsema 2024 (PLoS Comput Biol 20:e1012030, Figs 5-6): curve tracing learned by RELEARNN generalises to longer curves; BPTT less; feedforward at chance";
  e.results = "benchmarks/results/curve-tracing.md";
  e.description = "augment-recurrent on CurveTracing-v0: curriculum to 9 px, accuracy on never-trained lengths and distractors, latency along the curve; RELEARNN vs BPTT vs feedforward";
  e.params = params().docs();
  e.quick = {{"n_seeds", "2"}, {"test_trials", "10"}, {"max_stage_trials", "150"}, {"last_length_px", "3"}, {"max_test_length_px", "13"}};
  e.run = run;
  e.figures = figures;
  return e;
}
