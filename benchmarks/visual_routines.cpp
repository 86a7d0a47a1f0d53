// augment-recurrent on CurveTracing-v0's composite routines (benchmarks/results/visual-routines.md):
// search-then-trace and trace-then-search, learned with RELEARNN's rule, and the order in which the
// map labels the two operations' items (Mollard, Wacongne, Bohte & Roelfsema 2024, PLoS Comput Biol
// 20:e1012030, Figs 7-8; monkey V1: Moro, Tolboom, Khayat & Roelfsema 2010, J Neurosci 30:16293).
// Every network first goes through the curve-length curriculum of benchmarks/curve_tracing.hpp on
// tracing to the marker (routine trace_marker, with drive noise: as the authors' code trains
// trace_search; `pretrain`), then through it again on its routine, then is tested greedily on held-out shapes (9 and 13 px: 13 never trained), and on the
// first frame of the go epoch of test trials the modulation latency of every map unit is read (the
// agent's map_latency signal: the iteration at which its activity above its first-iteration response
// reaches half its final value). The *search* item is the cued marker (search_trace: the start of the
// correct curve) or the correct saccade target of the marker's colour (trace_search); the *trace*
// items are the other pixels of the correct curve (trace_search: the FP's pixel included in the
// modulation measure; the enhancement measure starts at the second pixel of each curve). Network i of routine r uses seed mix_seed(seed, i).
//
//   sgym experiment augment-recurrent-routines [--quick] [--jobs N] [--seed S] [--out DIR]
//        [--set n_seeds=16 --set routines="search_trace trace_search" --set test_trials=200 ...]
// Writes networks.csv (one row per routine and network), latency.csv (per routine, operation and
// latency in iterations: unit counts over the networks that completed the curriculum) and summary.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
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

constexpr const char* kName = "augment-recurrent-routines";

/// Everything measured for one network.
struct NetResult {
  Trained pretrained;  // pretrain = marker: the first curriculum, tracing to the marker
  Trained trained;
  double acc_9 = 0.0, acc_13 = 0.0;
  // robustness: 9 px with drive noise at test (the trained weights in an agent with noise_sd 0.05 / 0.3)
  double acc_9_noise_small = 0.0, acc_9_noise = 0.0;
  // latency histograms of the modulated search and trace units (index: latency in iterations)
  std::vector<double> search, trace;
  // enhancement latency histograms: the iteration at which an item's activity minus its distractor
  // counterpart's reaches half its final value (items with a positive final enhancement only), and
  // the final enhancements (sum, count, and how many were positive)
  std::vector<double> search_enh, trace_enh;
  double search_diff = 0.0, trace_diff = 0.0, search_pairs = 0.0, trace_pairs = 0.0, search_pos = 0.0, trace_pos = 0.0;
  // final map activity: the search item and its distractor counterpart (the other marker, or the
  // target of the distractor marker's colour); the correct curve and the distractor curve (means)
  double search_item = 0.0, search_other = 0.0, trace_curve = 0.0, trace_other = 0.0;
  int latency_trials = 0, latency_correct = 0;
};

double median_of(const std::vector<double>& hist) {
  double total = 0.0;
  for (double c : hist) total += c;
  if (total <= 0.0) return std::nan("");
  double seen = 0.0;
  for (std::size_t l = 0; l < hist.size(); ++l) {
    seen += hist[l];
    if (seen >= 0.5 * total) return static_cast<double>(l);
  }
  return static_cast<double>(hist.size() - 1);
}

/// Mann-Whitney U of two samples of integer values given as count histograms: the probability that
/// an item of `a` has a shorter value than one of `b` (ties count half) and the two-sided p of the
/// normal approximation with the tie correction.
struct MannWhitney {
  double p_shorter = 0.0, z = 0.0, p = 1.0, na = 0.0, nb = 0.0;
};
MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b) {
  MannWhitney m;
  const std::size_t L = std::max(a.size(), b.size());
  auto at = [](const std::vector<double>& h, std::size_t l) { return l < h.size() ? h[l] : 0.0; };
  double u = 0.0, above_b = 0.0, ties = 0.0;
  for (std::size_t l = 0; l < L; ++l) m.na += at(a, l), m.nb += at(b, l);
  for (std::size_t l = L; l-- > 0;) {  // from the longest value down: above_b = b items longer than l
    u += at(a, l) * (above_b + 0.5 * at(b, l));
    above_b += at(b, l);
    const double t = at(a, l) + at(b, l);
    ties += t * t * t - t;
  }
  const double n = m.na + m.nb;
  if (m.na <= 0 || m.nb <= 0) return m;
  m.p_shorter = u / (m.na * m.nb);
  const double var = m.na * m.nb / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
  m.z = var > 0 ? (u - 0.5 * m.na * m.nb) / std::sqrt(var) : 0.0;
  m.p = std::erfc(std::abs(m.z) / std::sqrt(2.0));
  return m;
}

/// `options` with `over`'s keys replaced (and added).
sgym::KeyValues with_options(const sgym::KeyValues& options, const sgym::KeyValues& over) {
  sgym::KeyValues out;
  for (const auto& kv : options)
    if (std::none_of(over.begin(), over.end(), [&](const auto& o) { return o.first == kv.first; })) out.push_back(kv);
  out.insert(out.end(), over.begin(), over.end());
  return out;
}

NetResult run_network(const Protocol& p, std::uint64_t seed, int test_trials, int max_iterations, bool pretrain_marker,
                      const sgym::KeyValues& pretrain_options) {
  NetResult res;
  auto probe = make_curve_env(p, {});
  auto make = [&](const sgym::KeyValues& opts) {
    return sgym::make_agent("augment-recurrent", probe->observation_space(), probe->action_space(), opts, seed);
  };
  auto agent = make(p.agent_options);
  if (pretrain_marker) {
    // first the whole length curriculum on tracing to the marker (routine trace_marker: trace_search's
    // curves and colours, the markers being the targets), with the pretraining options; then the
    // network (its weights) goes on with the routine's options and curriculum
    Protocol first = p;
    first.routine = "trace_marker";
    first.agent_options = with_options(p.agent_options, pretrain_options);
    auto tracer = make(first.agent_options);
    res.pretrained = train(*tracer, first, sgym::mix_seed(seed, 0x7ace));
    agent->from_bytes(tracer->to_bytes());
  }
  if (res.pretrained.trials == 0 || (res.pretrained.passed && res.pretrained.stage_reached == p.last_length))
    res.trained = train(*agent, p, seed);
  else
    res.trained.stage_reached = p.first_length - 1;  // stopped in the first curriculum: never entered the routine's (tested as it is)
  res.acc_9 = accuracy_at(*agent, p, 9, 1, test_trials, sgym::mix_seed(seed, 1009));
  res.acc_13 = accuracy_at(*agent, p, 13, 1, test_trials, sgym::mix_seed(seed, 1013));
  for (const char* noise : {"0.05", "0.3"}) {
    sgym::KeyValues opts;
    for (const auto& kv : p.agent_options)
      if (kv.first != "noise_sd" && kv.first != "noise") opts.push_back(kv);
    opts.push_back({"noise_sd", noise});
    auto noisy = sgym::make_agent("augment-recurrent", probe->observation_space(), probe->action_space(), opts, seed);
    noisy->from_bytes(agent->to_bytes());
    (std::string(noise) == "0.3" ? res.acc_9_noise : res.acc_9_noise_small) =
        accuracy_at(*noisy, p, 9, 1, test_trials, sgym::mix_seed(seed, 1009));
  }
  res.search.assign(static_cast<std::size_t>(max_iterations) + 1, 0.0);
  res.trace.assign(static_cast<std::size_t>(max_iterations) + 1, 0.0);
  res.search_enh = res.search;
  res.trace_enh = res.trace;
  // latency and enhancement on held-out curves of 5-9 px (the trained lengths), one distractor
  auto env = make_test_env(p, {{"min_length_px", "5"}, {"max_length_px", "9"}}, sgym::mix_seed(seed, 3001));
  const auto names = agent->signal_names();
  auto signal = [&](const char* name) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) throw std::logic_error(std::string("augment-recurrent has no signal ") + name);
    return static_cast<std::size_t>(it - names.begin());
  };
  const std::size_t s_map = signal("map"), s_lat = signal("map_latency"), s_traj = signal("map_iterations");
  const std::size_t n = static_cast<std::size_t>(p.grid) * static_cast<std::size_t>(p.grid);
  std::vector<float> obs;
  double cs = 0, cn = 0, ds = 0, dn = 0;
  agent->set_training(false);
  for (int i = 0; i < test_trials; ++i) {
    const TrialResult r = run_trial(*env, *agent, obs, [&](const sgym::Info& info) {
      const auto sig = agent->introspect();
      const std::vector<float>& map = sig[s_map].values;
      const std::vector<float>& lat = sig[s_lat].values;
      const std::vector<float>& traj = sig[s_traj].values;  // (K + 1) x n
      const std::size_t K = traj.size() / n - 1;
      const auto& pixels = std::get<std::vector<float>>(*info.find("curve_pixels"));
      // block 0: the correct curve from its start; block 1: the distractor (the protocol has one)
      if (pixels.size() % 2 != 0 || pixels.empty()) throw std::logic_error("augment-recurrent-routines: curve_pixels is not two curves");
      const std::size_t per = pixels.size() / 2;
      auto curve = [&](std::size_t block) {
        std::vector<std::size_t> c;
        for (std::size_t k = 0; k < per; ++k)
          if (pixels[block * per + k] >= 0) c.push_back(static_cast<std::size_t>(pixels[block * per + k]));
        return c;
      };
      const auto correct = curve(0), other = curve(1);
      std::size_t item = 0, item_other = 0;
      std::vector<std::size_t> traced;  // the trace operation's pixels: the correct curve but the search item
      if (p.routine == "search_trace") {
        item = correct.front(), item_other = other.front();
        traced.assign(correct.begin() + 1, correct.end());
      } else {
        // trace_search: the target of the correct colour; the distractor's counterpart is the other
        // pixel of the colour of the distractor curve's marker
        item = static_cast<std::size_t>(info.get_int("target"));
        traced = correct;
        const std::size_t marker = other.back();
        bool found = false;
        for (std::size_t ch = 4; ch * n < obs.size(); ++ch)
          if (obs[ch * n + marker] > 0.5f)
            for (std::size_t q = 0; q < n; ++q)
              if (q != marker && obs[ch * n + q] > 0.5f) item_other = q, found = true;
        if (!found) throw std::logic_error("augment-recurrent-routines: no target of the distractor marker's colour on the go frame");
      }
      auto add = [](std::vector<double>& h, float l) {
        if (l > 0) h[std::min(h.size() - 1, static_cast<std::size_t>(l))] += 1.0;
      };
      // enhancement of pixel a over pixel b through the iterations: its latency (0: no positive
      // final enhancement) and final value
      auto enhancement = [&](std::size_t a, std::size_t b, double& final_diff) {
        final_diff = static_cast<double>(traj[K * n + a]) - traj[K * n + b];
        if (!(final_diff > 0.0)) return 0.0f;
        for (std::size_t k = 1; k <= K; ++k)
          if (static_cast<double>(traj[k * n + a]) - traj[k * n + b] >= 0.5 * final_diff) return static_cast<float>(k);
        return static_cast<float>(K);
      };
      double diff = 0.0;
      const float ls = enhancement(item, item_other, diff);
      add(res.search_enh, ls);
      res.search_diff += diff, res.search_pairs += 1, res.search_pos += ls > 0 ? 1 : 0;
      // trace: each pixel of the correct curve against the distractor's pixel at the same distance
      // from its start (from 1 px on: the start itself is the seed or the search item)
      for (std::size_t d = 1; d < correct.size() && d < other.size(); ++d) {
        const float lt = enhancement(correct[d], other[d], diff);
        add(res.trace_enh, lt);
        res.trace_diff += diff, res.trace_pairs += 1, res.trace_pos += lt > 0 ? 1 : 0;
      }
      add(res.search, lat[item]);
      for (std::size_t q : traced) add(res.trace, lat[q]);
      res.search_item += map[item];
      res.search_other += map[item_other];
      for (std::size_t q : traced) cs += map[q], ++cn;
      for (std::size_t q : other) ds += map[q], ++dn;
    });
    ++res.latency_trials;
    res.latency_correct += r.outcome == "correct" ? 1 : 0;
  }
  res.search_item /= std::max(1, res.latency_trials);
  res.search_other /= std::max(1, res.latency_trials);
  res.trace_curve = cn > 0 ? cs / cn : 0.0;
  res.trace_other = dn > 0 ? ds / dn : 0.0;
  return res;
}

/// The augment-recurrent options the tracing stage may set apart from the routine's: how the network
/// learns and how noisy it is, not what it is.
constexpr std::array<const char*, 6> kPretrainKeys = {"beta", "lambda", "gamma", "epsilon", "temperature", "noise_sd"};

struct Params {
  int networks = 16, test_trials = 200, first_length = 2, last_length = 9, stage_cap = 30000;
  double fixate_ms = 0.0, curves_ms = 50.0;
  std::string routines = "search_trace trace_search";
  // the routine stage [choice, on the exploration networks; visual-routines.md]: half the agent's
  // beta (the composite observation shows each marker in two channels, which doubles the effective
  // rate of its weights) and a little drive noise
  std::string agent_options = "beta=0.025 noise_sd=0.05";
  // first trace to the marker (trace_search: as Mollard et al.'s code; search_trace: [choice]) or none
  std::string pretrain = "marker";
  // the tracing stage: the curve-tracing benchmark's drive noise (labels that noise cannot erase)
  std::string pretrain_agent_options = "noise_sd=0.3";
};

const sgym::OptionSet<Params>& params() {
  static const sgym::OptionSet<Params> set = [] {
    sgym::OptionSet<Params> o(std::string("experiment ") + kName);
    o.add("n_seeds", &Params::networks, "", "networks per routine; network i uses mix_seed(seed, i)", 1, 100000)
        .add_text("routines", &Params::routines, "", "names separated by spaces", "CurveTracing-v0 composite routines to train, one arm each: search_trace and/or trace_search")
        .add("test_trials", &Params::test_trials, "trials", "greedy test trials per test (9 px, 13 px, and the latency test on 5-9 px)", 10, 1000000)
        .add("max_stage_trials", &Params::stage_cap, "trials", "training trials per curriculum stage at most (the curriculum fails there)", 100, 100000000)
        .add("first_length_px", &Params::first_length, "px", "longest curve of the first curriculum stage", 2, 40)
        .add("last_length_px", &Params::last_length, "px", "longest curve of the last curriculum stage (Mollard et al. 2024: 9)", 2, 40)
        .add("fixation_ms", &Params::fixate_ms, "ms", "the env's fixation_ms: the FP alone before the curves (env default 300)", 0.0, 10000.0)
        .add("curves_ms", &Params::curves_ms, "ms", "the env's curves_ms: the curves with the FP, fixation held (env default 600)", 50.0, 10000.0)
        .add_choice("pretrain", &Params::pretrain, {"marker", "none"},
                    "marker = first the whole length curriculum on tracing to the marker (CurveTracing-v0 routine trace_marker: trace_search's stimuli without the search targets, with pretrain_agent_options), then the routine's curriculum (as the authors' code of Mollard et al. 2024 trains trace_search; for search_trace an addition); none = the routine's curriculum alone")
        .add_text("pretrain_agent_options", &Params::pretrain_agent_options, "", "key=value ...",
                  "augment-recurrent options of the tracing stage, replacing those of agent_options with the same keys (default: the curve-tracing benchmark's drive noise 0.3)")
        .add_text("agent_options", &Params::agent_options, "", "key=value ...", "augment-recurrent options of the routine's stage and the tests (default: half the agent's beta and drive noise 0.05; RELEARNN's networks have no noise)");
    return o;
  }();
  return set;
}

std::vector<std::string> routine_list(const Params& prm) {
  std::vector<std::string> out;
  std::istringstream in(prm.routines);
  for (std::string r; in >> r;) {
    if (r != "search_trace" && r != "trace_search")
      throw sgym::UsageError(std::string("experiment ") + kName + ": routines: \"" + r +
                             "\" is not a composite routine; choose search_trace and/or trace_search (the plain trace task: experiment augment-recurrent-curve-tracing)");
    if (std::find(out.begin(), out.end(), r) != out.end())
      throw sgym::UsageError(std::string("experiment ") + kName + ": routines: " + r + " is given twice");
    out.push_back(r);
  }
  if (out.empty()) throw sgym::UsageError(std::string("experiment ") + kName + ": routines is empty; give search_trace and/or trace_search");
  return out;
}

void run(const ex::Context& ctx) {
  const Params prm = params().parse(ctx.params);
  if (prm.last_length < prm.first_length)
    throw sgym::UsageError(std::string("experiment ") + kName + ": last_length_px " + std::to_string(prm.last_length) +
                           " is below first_length_px " + std::to_string(prm.first_length));
  const auto routines = routine_list(prm);
  const Protocol p = make_protocol(prm.stage_cap, prm.first_length, prm.last_length, prm.fixate_ms, prm.curves_ms,
                                   ex::key_values(prm.agent_options, "agent_options"));
  const sgym::KeyValues pretrain_options = ex::key_values(prm.pretrain_agent_options, "pretrain_agent_options");
  // the tracing stage may learn differently, not be another network: only the learning process's options
  for (const auto& [k, v] : pretrain_options)
    if (std::find(kPretrainKeys.begin(), kPretrainKeys.end(), k) == kPretrainKeys.end()) {
      std::string keys;
      for (const char* key : kPretrainKeys) keys += std::string(keys.empty() ? "" : ", ") + key;
      throw sgym::UsageError(std::string("experiment ") + kName + ": pretrain_agent_options: " + k +
                             " would make the tracing stage's network another network than the routine's; give only " + keys);
    }
  int max_iterations = 40;
  {  // validate the agent options once before the threads start
    auto probe = make_curve_env(p, {});
    auto a = sgym::make_agent("augment-recurrent", probe->observation_space(), probe->action_space(), p.agent_options, 1);
    for (const auto& [k, v] : p.agent_options)
      if (k == "n_iterations" || k == "iterations") max_iterations = std::stoi(v);
    // the tracing stage's options, checked whether or not it runs (kPretrainKeys keep it the same
    // network, so only their values can be wrong)
    sgym::make_agent("augment-recurrent", probe->observation_space(), probe->action_space(), with_options(p.agent_options, pretrain_options), 1);
  }
  const int n = prm.networks;
  auto net_seed = [&](int i) { return sgym::mix_seed(ctx.seed, static_cast<std::uint64_t>(i)); };
  std::vector<NetResult> results(routines.size() * static_cast<std::size_t>(n));
  ex::parallel_for(static_cast<int>(results.size()), ctx.jobs, [&](int k) {
    Protocol pr = p;
    pr.routine = routines[static_cast<std::size_t>(k / n)];
    results[static_cast<std::size_t>(k)] = run_network(pr, net_seed(k % n), prm.test_trials, max_iterations, prm.pretrain == "marker", pretrain_options);
  });
  auto at = [&](std::size_t r, int i) -> const NetResult& { return results[r * static_cast<std::size_t>(n) + static_cast<std::size_t>(i)]; };
  auto completed = [&](const NetResult& r) { return r.trained.passed && r.trained.stage_reached == prm.last_length; };

  std::ostringstream csv, lat;
  csv << "routine,network,seed,stage_reached,passed,training_trials,acc_9,acc_13,acc_9_noise_0.05,acc_9_noise_0.3,latency_trials,latency_correct,"
"search_median,trace_median,search_units,trace_units,map_search_item,map_search_other,map_trace_curve,map_distractor_curve,"
         "search_enh_median,trace_enh_median,search_enh_mean,trace_enh_mean,search_enh_positive,search_pairs,trace_enh_positive,trace_pairs,pretrain_stage_reached,pretrain_passed,pretrain_trials\n";
  lat << "routine,operation,latency,units\n";
  std::vector<std::vector<double>> pooled_search(routines.size()), pooled_trace(routines.size());
  std::vector<std::vector<double>> pooled_search_enh(routines.size()), pooled_trace_enh(routines.size());
  for (std::size_t r = 0; r < routines.size(); ++r) {
    pooled_search[r].assign(static_cast<std::size_t>(max_iterations) + 1, 0.0);
    pooled_trace[r] = pooled_search_enh[r] = pooled_trace_enh[r] = pooled_search[r];
    for (int i = 0; i < n; ++i) {
      const NetResult& x = at(r, i);
      double su = 0, tu = 0;
      for (double c : x.search) su += c;
      for (double c : x.trace) tu += c;
      csv << routines[r] << ',' << i << ',' << net_seed(i) << ',' << x.trained.stage_reached << ',' << x.trained.passed << ','
          << x.trained.trials << ',' << x.acc_9 << ',' << x.acc_13 << ',' << x.acc_9_noise_small << ',' << x.acc_9_noise << ',' << x.latency_trials << ',' << x.latency_correct << ','
          << median_of(x.search) << ',' << median_of(x.trace) << ',' << su << ',' << tu << ',' << x.search_item << ','
          << x.search_other << ',' << x.trace_curve << ',' << x.trace_other << ',' << median_of(x.search_enh) << ','
          << median_of(x.trace_enh) << ',' << x.search_diff / std::max(1.0, x.search_pairs) << ','
          << x.trace_diff / std::max(1.0, x.trace_pairs) << ',' << x.search_pos << ',' << x.search_pairs << ',' << x.trace_pos << ','
          << x.trace_pairs << ',' << x.pretrained.stage_reached << ',' << x.pretrained.passed << ',' << x.pretrained.trials << '\n';
      if (!completed(x)) continue;
      for (std::size_t l = 0; l < x.search.size(); ++l) {
        pooled_search[r][l] += x.search[l], pooled_trace[r][l] += x.trace[l];
        pooled_search_enh[r][l] += x.search_enh[l], pooled_trace_enh[r][l] += x.trace_enh[l];
      }
    }
    for (std::size_t l = 1; l < pooled_search[r].size(); ++l) {
      if (pooled_search[r][l] > 0) lat << routines[r] << ",search," << l << ',' << pooled_search[r][l] << '\n';
      if (pooled_trace[r][l] > 0) lat << routines[r] << ",trace," << l << ',' << pooled_trace[r][l] << '\n';
      if (pooled_search_enh[r][l] > 0) lat << routines[r] << ",search_enhancement," << l << ',' << pooled_search_enh[r][l] << '\n';
      if (pooled_trace_enh[r][l] > 0) lat << routines[r] << ",trace_enhancement," << l << ',' << pooled_trace_enh[r][l] << '\n';
    }
  }
  ctx.write("networks.csv", csv.str());
  ctx.write("latency.csv", lat.str());

  std::ostream& md = ctx.md();
  auto column = [&](std::size_t r, auto get, bool only_completed) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i)
      if (!only_completed || completed(at(r, i))) v.push_back(get(at(r, i)));
    return v;
  };
  auto mq = [](const std::vector<double>& v, const char* fmt) {
    if (v.empty()) return std::string("–");
    const std::string f = std::string(fmt) + " [" + fmt + ", " + fmt + "]";
    char buf[96];
    std::snprintf(buf, sizeof buf, f.c_str(), sgym::quantile(v, 0.5), sgym::quantile(v, 0.25), sgym::quantile(v, 0.75));
    return std::string(buf);
  };
  say(md, "\n### Curriculum (criterion at %d px) and accuracy (held-out shapes, 1 distractor, %d greedy trials; chance 0.5), median [Q1, Q3]\n\n",
      prm.last_length, prm.test_trials);
  say(md, "| routine | completed | training trials | 9 px (all) | 13 px (all) | 9 px (completed) | 13 px (completed) | 9 px, drive noise 0.05 at test (completed) | 9 px, noise 0.3 (completed) |\n|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t r = 0; r < routines.size(); ++r) {
    const auto done = std::count_if(results.begin() + static_cast<std::ptrdiff_t>(r) * n, results.begin() + static_cast<std::ptrdiff_t>(r + 1) * n, completed);
    auto a9 = [](const NetResult& x) { return x.acc_9; };
    auto a13 = [](const NetResult& x) { return x.acc_13; };
    say(md, "| %s | %td / %d | %s | %s | %s | %s | %s | %s | %s |\n", routines[r].c_str(), done, n,
        mq(column(r, [](const NetResult& x) { return static_cast<double>(x.pretrained.trials + x.trained.trials); }, false), "%.0f").c_str(),
        mq(column(r, a9, false), "%.2f").c_str(), mq(column(r, a13, false), "%.2f").c_str(), mq(column(r, a9, true), "%.2f").c_str(),
        mq(column(r, a13, true), "%.2f").c_str(), mq(column(r, [](const NetResult& x) { return x.acc_9_noise_small; }, true), "%.2f").c_str(),
        mq(column(r, [](const NetResult& x) { return x.acc_9_noise; }, true), "%.2f").c_str());
  }
  say(md, "\n### Order of the two operations' modulation (networks that completed the curriculum; held-out 5-9 px curves, first frame of the go epoch, %d trials each)\n\n",
      prm.test_trials);
  say(md, "Latency: the iteration at which a map unit's activity above its first-iteration response reaches half its final value (units without such a modulation are not counted). "
          "Search item: the cued marker (search_trace) or the target of the marker's colour (trace_search); trace items: the rest of the correct curve.\n\n");
  say(md, "| routine | search units | median search latency | trace units | median trace latency | P(search < trace) | Mann-Whitney z, p (two-sided) | networks with median search < trace | map: search item / its counterpart | map: correct / distractor curve |\n|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t r = 0; r < routines.size(); ++r) {
    const MannWhitney m = mann_whitney(pooled_search[r], pooled_trace[r]);
    int earlier = 0, with_both = 0;
    for (int i = 0; i < n; ++i) {
      const NetResult& x = at(r, i);
      if (!completed(x)) continue;
      const double ms = median_of(x.search), mt = median_of(x.trace);
      if (std::isnan(ms) || std::isnan(mt)) continue;
      ++with_both;
      earlier += ms < mt ? 1 : 0;
    }
    char p_text[48];
    if (m.p < 1e-300 && m.na > 0 && m.nb > 0)
      std::snprintf(p_text, sizeof p_text, "< 1e-300");
    else
      std::snprintf(p_text, sizeof p_text, "%.2g", m.p);
    say(md, "| %s | %.0f | %.0f | %.0f | %.0f | %.3f | %.1f, %s | %d / %d | %s / %s | %s / %s |\n", routines[r].c_str(), m.na, median_of(pooled_search[r]),
        m.nb, median_of(pooled_trace[r]), m.p_shorter, m.z, p_text, earlier, with_both,
        mq(column(r, [](const NetResult& x) { return x.search_item; }, true), "%.2f").c_str(),
        mq(column(r, [](const NetResult& x) { return x.search_other; }, true), "%.2f").c_str(),
        mq(column(r, [](const NetResult& x) { return x.trace_curve; }, true), "%.2f").c_str(),
        mq(column(r, [](const NetResult& x) { return x.trace_other; }, true), "%.2f").c_str());
  }
  say(md, "\n### Order of the two operations' enhancement (the paper's measure: item minus its distractor counterpart over the iterations)\n\n");
  say(md, "Enhancement latency: the iteration at which an item's activity minus its counterpart's (search: the other marker, or the target of the other marker's colour; "
          "trace: the distractor curve's pixel at the same distance from its start) reaches half its final value; only items whose final enhancement is positive. "
          "Final enhancement: mean over all items (the size of the label, in map units 0..1).\n\n");
  say(md, "| routine | search items enhanced | median search latency | trace pixels enhanced | median trace latency | P(search < trace) | Mann-Whitney z, p (two-sided) | networks with median search < trace | final enhancement, search item (median over networks) | final enhancement, trace pixel |\n|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t r = 0; r < routines.size(); ++r) {
    const MannWhitney m = mann_whitney(pooled_search_enh[r], pooled_trace_enh[r]);
    int earlier = 0, with_both = 0;
    double sp = 0, sn = 0, tp = 0, tn = 0;
    for (int i = 0; i < n; ++i) {
      const NetResult& x = at(r, i);
      if (!completed(x)) continue;
      sp += x.search_pos, sn += x.search_pairs, tp += x.trace_pos, tn += x.trace_pairs;
      const double ms = median_of(x.search_enh), mt = median_of(x.trace_enh);
      if (std::isnan(ms) || std::isnan(mt)) continue;
      ++with_both;
      earlier += ms < mt ? 1 : 0;
    }
    char p_text[48];
    std::snprintf(p_text, sizeof p_text, m.p < 1e-300 && m.na > 0 && m.nb > 0 ? "< 1e-300" : "%.2g", m.p);
    say(md, "| %s | %.0f / %.0f | %.0f | %.0f / %.0f | %.0f | %.3f | %.1f, %s | %d / %d | %s | %s |\n", routines[r].c_str(), sp, sn,
        median_of(pooled_search_enh[r]), tp, tn, median_of(pooled_trace_enh[r]), m.p_shorter, m.z, p_text, earlier, with_both,
        mq(column(r, [](const NetResult& x) { return x.search_diff / std::max(1.0, x.search_pairs); }, true), "%.2g").c_str(),
        mq(column(r, [](const NetResult& x) { return x.trace_diff / std::max(1.0, x.trace_pairs); }, true), "%.2g").c_str());
  }
  say(md, "\nProtocol: benchmarks/curve_tracing.hpp's curriculum on each routine (stages %d..%d px, 85 %% of 100 choices and a greedy check, at most %d trials a stage), one distractor, env fixation_ms %g, curves_ms %g",
      prm.first_length, prm.last_length, prm.stage_cap, prm.fixate_ms, prm.curves_ms);
  for (const auto& [k, v] : p.agent_options) say(md, "; agent option %s=%s", k.c_str(), v.c_str());
  if (prm.pretrain == "marker") {
    say(md, "; first the same curriculum on tracing to the marker (routine trace_marker), training trials of both stages counted, with");
    for (const auto& [k, v] : pretrain_options) say(md, " %s=%s", k.c_str(), v.c_str());
  }
  say(md, "\n");
}

// A figure of a table with the columns search and trace.
ex::Figure figure(std::string name, sgym::TrialTable t, std::string title, std::string xlabel, std::string ylabel) {
  ex::Figure fig{std::move(name), {}, {std::move(t)}};
  fig.spec.title = std::move(title);
  fig.spec.xlabel = std::move(xlabel);
  fig.spec.ylabel = std::move(ylabel);
  fig.spec.legend = "top right";
  fig.spec.series = {{0, "search item", "#d62728"}, {1, "trace (correct curve)", "#2ca02c"}};
  return fig;
}

// One figure per routine: the distribution of the enhancement latency of the search items and the
// trace pixels (fraction of each at each latency), pooled over the networks that completed the curriculum.
std::vector<ex::Figure> figures(const std::filesystem::path& dir) {
  const auto rows = ex::read_csv(dir / "latency.csv");
  std::map<std::string, std::map<std::string, std::map<double, double>>> hist;  // routine -> operation -> latency -> units
  for (std::size_t r = 1; r < rows.size(); ++r)
    if (rows[r].size() == 4 && rows[r][1].find("_enhancement") != std::string::npos)
      hist[rows[r][0]][rows[r][1]][std::stod(rows[r][2])] += std::stod(rows[r][3]);
  std::vector<ex::Figure> out;
  for (const auto& [routine, ops] : hist) {
    sgym::TrialTable t;
    t.columns = {"search", "trace"};
    const char* names[] = {"search_enhancement", "trace_enhancement"};
    for (std::size_t c = 0; c < 2; ++c) {
      const auto it = ops.find(names[c]);
      if (it == ops.end()) continue;
      double total = 0.0;
      for (const auto& [l, units] : it->second) total += units;
      for (const auto& [l, units] : it->second) {
        auto& row = t.rows[l];
        row.resize(2, 0.0);
        row[c] = units / total;
      }
    }
    for (auto& [l, row] : t.rows) row.resize(2, 0.0);
    out.push_back(figure("enhancement-latency-" + routine, std::move(t),
                         "augment-recurrent, " + routine + ": when the map labels the search item and the traced curve",
                         "enhancement latency (recurrent iterations)", "fraction of enhanced items"));
  }
  // per network: the median enhancement latency of the search items and of the trace pixels
  // (every network; NaN where it labelled none)
  const auto nets = ex::read_csv(dir / "networks.csv");
  if (nets.empty()) return out;
  auto col = [&](const char* name) {
    const auto it = std::find(nets[0].begin(), nets[0].end(), name);
    return it == nets[0].end() ? nets[0].size() : static_cast<std::size_t>(it - nets[0].begin());
  };
  const std::size_t c_routine = col("routine"), c_net = col("network"), c_s = col("search_enh_median"), c_t = col("trace_enh_median");
  std::map<std::string, sgym::TrialTable> per;
  for (std::size_t r = 1; r < nets.size(); ++r) {
    if (nets[r].size() != nets[0].size() || c_t >= nets[0].size()) continue;
    auto num = [](const std::string& v) { return v == "nan" || v.empty() ? std::nan("") : std::stod(v); };
    sgym::TrialTable& t = per[nets[r][c_routine]];
    t.columns = {"search", "trace"};
    t.rows[std::stod(nets[r][c_net])] = {num(nets[r][c_s]), num(nets[r][c_t])};
  }
  for (auto& [routine, t] : per) {
    out.push_back(figure("enhancement-latency-by-network-" + routine, std::move(t),
                         "augment-recurrent, " + routine + ": median enhancement latency per network", "network",
                         "median enhancement latency (iterations)"));
  }
  return out;
}

}  // namespace

sgym::experiment::Entry augment_recurrent_routines_experiment() {
  ex::Entry e;
  e.name = kName;
  e.reproduces = "Mollard, Wacongne, Bohte & Roelfsema 2024 (PLoS Comput Biol 20:e1012030, Figs 7-8): composite visual routines learned by RELEARNN; the search operation's modulation precedes the trace operation's in search-then-trace and follows it in trace-then-search, as in monkey V1 (Moro et al. 2010)";
  e.results = "benchmarks/results/visual-routines.md";
  e.description = "augment-recurrent with colour units on CurveTracing-v0's search_trace and trace_search: curriculum to 9 px, accuracy at 9 and 13 px, order of the search and trace modulation latencies";
  e.params = params().docs();
  e.quick = {{"n_seeds", "2"}, {"test_trials", "10"}, {"max_stage_trials", "150"}, {"last_length_px", "3"}};
  e.run = run;
  e.figures = figures;
  return e;
}
