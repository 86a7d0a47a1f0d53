// curve_tracing: augment-recurrent on CurveTracing-v0 (benchmarks/results/curve-tracing.md).
// For every seed, two networks that differ only in the horizontal connections (lateral on: the
// recurrent net; off: the same net without recurrence between positions) go through the same
// curriculum on curve length (benchmarks/curve_tracing.hpp), then are tested greedily on held-out
// shapes: accuracy per target-curve length (trained and never-trained lengths), 1 vs 10 distractors,
// and, for the recurrent net, the latency of the map enhancement as a function of the distance
// along the target curve from the fixation point (docs/science.md).
//
//   curve_tracing [--seeds 10] [--first-seed 1] [--test-trials 200] [--max-test-length 15]
//                 [--stage-cap 20000] [--first-length 2] [--last-length 9] [--fixate-ms 0]
//                 [--curves-ms 50] [--agent-opt key=value ...] [--csv out.csv] [--threads 1]
//                 [--recurrent-only]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include "curve_tracing.hpp"
#include "sgym/error.hpp"

namespace {

using namespace sgym;
using namespace sgym::curve_bench;

/// Everything measured for one network.
struct NetResult {
  Trained trained;
  std::vector<double> acc_by_length;  // index: length - 3
  double acc_mixed_1 = 0.0, acc_mixed_10 = 0.0;
  double acc3_9 = 0.0, acc3_13 = 0.0;  // 3 distractors (balanced ranks), 9 and 13 px
  // latency (iterations) of target-curve pixels by distance from the FP, summed with counts
  std::vector<double> latency_sum, latency_n;
  // enhancement: map activity on the target curve minus the distractor curve, at the same distance
  // from each curve's start (the FP / the distractor's free end), summed with counts
  std::vector<double> enh_sum, enh_n;
  double map_target = 0.0, map_distractor = 0.0;  // mean final map activity on target / distractor curves
  double seconds = 0.0;
};

/// Median and quartiles (linear interpolation) of a sample.
std::array<double, 3> quartiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double f) {
    const double pos = f * static_cast<double>(v.size() - 1);
    const auto i = static_cast<std::size_t>(pos);
    const double frac = pos - static_cast<double>(i);
    return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
  };
  return {at(0.25), at(0.5), at(0.75)};
}

NetResult run_network(const Protocol& p, bool lateral, std::uint64_t seed, int test_trials, int max_len) {
  const auto t0 = std::chrono::steady_clock::now();
  NetResult res;
  KeyValues opts = p.agent_options;
  opts.push_back({"lateral", lateral ? "true" : "false"});
  auto probe = make_curve_env(p, {});
  auto agent = make_agent("augment-recurrent", probe->observation_space(), probe->action_space(), opts, seed);
  res.trained = train(*agent, p, seed);
  for (int L = 2; L <= max_len; ++L)
    res.acc_by_length.push_back(accuracy_at(*agent, p, L, 1, test_trials, mix_seed(seed, 1000 + static_cast<std::uint64_t>(L))));
  res.acc_mixed_1 = test_accuracy(*agent, p, {{"n_distractors", "1"}}, 2 * test_trials, mix_seed(seed, 2001));
  res.acc_mixed_10 = test_accuracy(*agent, p, {{"n_distractors", "10"}}, 2 * test_trials, mix_seed(seed, 2002));
  res.acc3_9 = accuracy_at(*agent, p, 9, 3, test_trials, mix_seed(seed, 2003));
  res.acc3_13 = accuracy_at(*agent, p, 13, 3, test_trials, mix_seed(seed, 2004));
  // latency of the enhancement along the target curve, on the first frame of the go epoch
  res.latency_sum.assign(static_cast<std::size_t>(max_len), 0.0);
  res.latency_n.assign(static_cast<std::size_t>(max_len), 0.0);
  res.enh_sum.assign(static_cast<std::size_t>(max_len), 0.0);
  res.enh_n.assign(static_cast<std::size_t>(max_len), 0.0);
  {
    auto env = make_curve_env(p, {{"min_length_px", "9"}, {"max_length_px", std::to_string(std::min(max_len, 13))}, {"split", "heldout"}});
    env->reset(mix_seed(seed, 3001));
    std::vector<float> obs;
    double tsum = 0, tn = 0, dsum = 0, dn = 0;
    for (int i = 0; i < test_trials; ++i) {
      run_trial(*env, *agent, obs, [&](const Info& info) {
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
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"augment-recurrent on CurveTracing-v0: curriculum, generalisation to longer curves, distractors"};
  int seeds = 10, first_seed = 1, test_trials = 200, max_len = 15, threads = 1;
  long long stage_cap = 20000;
  std::vector<std::string> agent_opts;
  std::string csv;
  app.add_option("--seeds", seeds, "networks per condition")->check(CLI::Range(1, 100000));
  app.add_option("--first-seed", first_seed, "seed of the first network");
  app.add_option("--test-trials", test_trials, "greedy test trials per length")->check(CLI::Range(10, 1000000));
  app.add_option("--max-test-length", max_len, "longest target curve tested")->check(CLI::Range(9, 40));
  app.add_option("--stage-cap", stage_cap, "training trials per curriculum stage at most")->check(CLI::Range(100, 100000000));
  app.add_option("--agent-opt", agent_opts, "augment-recurrent option key=value (repeatable)");
  app.add_option("--csv", csv, "write accuracy per length (median, quartiles; both nets) here");
  int first_length = 2, last_length = 9;
  double fixate_ms = 0.0, curves_ms = 50.0;
  app.add_option("--fixate-ms", fixate_ms, "env fixate_ms (FP alone before the curves; env default 300)")->check(CLI::Range(0.0, 10000.0));
  app.add_option("--curves-ms", curves_ms, "env curves_ms (curves with the FP, fixation held; env default 600)")->check(CLI::Range(50.0, 10000.0));
  app.add_option("--first-length", first_length, "longest curve of the first curriculum stage")->check(CLI::Range(2, 40));
  app.add_option("--last-length", last_length, "longest curve of the last curriculum stage (RELEARNN: 9)")->check(CLI::Range(2, 40));
  app.add_option("--threads", threads, "parallel networks")->check(CLI::Range(1, 64));
  bool recurrent_only = false;
  app.add_flag("--recurrent-only", recurrent_only, "train only the recurrent networks (no feedforward control)");
  double onset_ms = 130.0, ms_per_iteration = 10.0;
  app.add_option("--onset-ms", onset_ms, "latency reported for the FP pixel, ms after the curves appear (V1 tracing onset, ~130 ms: Roelfsema, Lamme & Spekreijse 1998)")->check(CLI::Range(0.0, 10000.0));
  app.add_option("--ms-per-iteration", ms_per_iteration, "duration of one recurrent iteration [assumption: of the order of a cortical membrane time constant]")->check(CLI::Range(0.01, 1000.0));
  CLI11_PARSE(app, argc, argv);
  try {
    Protocol p;
    p.stage_cap = stage_cap;
    p.first_length = first_length;
    p.last_length = last_length;
    p.fixate_ms = fixate_ms;
    p.curves_ms = curves_ms;
    p.agent_options = parse_key_values(agent_opts, "--agent-opt");
    const auto t0 = std::chrono::steady_clock::now();
    const int jobs = 2 * seeds;
    std::vector<NetResult> results(static_cast<std::size_t>(jobs));
    std::atomic<int> next{0};
    auto worker = [&] {
      for (int j; (j = next++) < jobs;)
        if (!recurrent_only || j % 2 == 0)
          results[static_cast<std::size_t>(j)] =
            run_network(p, j % 2 == 0, static_cast<std::uint64_t>(first_seed + j / 2), test_trials, max_len);
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const char* names[2] = {"recurrent (lateral on)", "feedforward (lateral off)"};
    for (int net = 0; net < (recurrent_only ? 1 : 2); ++net) {
      std::printf("== %s, %d seeds (%d..%d)\n", names[net], seeds, first_seed, first_seed + seeds - 1);
      std::vector<double> trials, stage;
      int passed = 0;
      for (int s = 0; s < seeds; ++s) {
        const auto& r = results[static_cast<std::size_t>(2 * s + net)];
        trials.push_back(static_cast<double>(r.trained.trials));
        stage.push_back(r.trained.stage_reached);
        passed += r.trained.passed && r.trained.stage_reached == p.last_length ? 1 : 0;
        std::printf("  seed %d: stage %d%s after %lld trials, %.1f s; acc L9 %.3f L13 %.3f; mixed 1 distr %.3f, 10 distr %.3f; 3 distr L9 %.3f L13 %.3f\n",
                    first_seed + s, r.trained.stage_reached, r.trained.passed ? " passed" : " failed", r.trained.trials,
                    r.seconds, r.acc_by_length[7], r.acc_by_length.size() > 11 ? r.acc_by_length[11] : -1.0,
                    r.acc_mixed_1, r.acc_mixed_10, r.acc3_9, r.acc3_13);
      }
      const auto tq = quartiles(trials);
      std::printf("  curriculum completed (criterion met at %d px): %d / %d; training trials median %.0f (IQR %.0f-%.0f)\n",
                  p.last_length, passed, seeds, tq[1], tq[0], tq[2]);
      std::printf("  accuracy by target-curve length (held-out shapes, 1 distractor, %d greedy trials each): median [Q1, Q3]\n", test_trials);
      for (int L = 2; L <= max_len; ++L) {
        std::vector<double> a;
        for (int s = 0; s < seeds; ++s) a.push_back(results[static_cast<std::size_t>(2 * s + net)].acc_by_length[static_cast<std::size_t>(L - 2)]);
        const auto q = quartiles(a);
        std::printf("    L=%2d%s  %.3f [%.3f, %.3f]\n", L, L > p.last_length ? " (never trained)" : "", q[1], q[0], q[2]);
      }
      std::vector<double> m1, m10, mt, md;
      for (int s = 0; s < seeds; ++s) {
        const auto& r = results[static_cast<std::size_t>(2 * s + net)];
        m1.push_back(r.acc_mixed_1);
        m10.push_back(r.acc_mixed_10);
        mt.push_back(r.map_target);
        md.push_back(r.map_distractor);
      }
      const auto q1 = quartiles(m1), q10 = quartiles(m10), qt = quartiles(mt), qd = quartiles(md);
      std::printf("  lengths 5-9 mixed, %d trials: 1 distractor %.3f [%.3f, %.3f]; 10 distractors %.3f [%.3f, %.3f]\n",
                  2 * test_trials, q1[1], q1[0], q1[2], q10[1], q10[0], q10[2]);
      std::vector<double> a39, a313;
      for (int s = 0; s < seeds; ++s) {
        a39.push_back(results[static_cast<std::size_t>(2 * s + net)].acc3_9);
        a313.push_back(results[static_cast<std::size_t>(2 * s + net)].acc3_13);
      }
      const auto q39 = quartiles(a39), q313 = quartiles(a313);
      std::printf("  3 distractors (balanced ranks, chance 0.25), %d trials: 9 px %.3f [%.3f, %.3f]; 13 px %.3f [%.3f, %.3f]\n",
                  test_trials, q39[1], q39[0], q39[2], q313[1], q313[0], q313[2]);
      std::printf("  final map activity at go onset (lengths 9-13): target curve %.3f [%.3f, %.3f], distractor curve %.3f [%.3f, %.3f]\n",
                  qt[1], qt[0], qt[2], qd[1], qd[0], qd[2]);
      std::printf("  modulation latency (iteration at which the activity above the first iteration's reaches half its final value) by distance from the FP, mean over modulated pixels of all seeds:\n   ");
      std::vector<double> latency;
      for (int d = 0; d < std::min(max_len, 13); ++d) {
        double s = 0, n = 0;
        for (int k = 0; k < seeds; ++k) {
          s += results[static_cast<std::size_t>(2 * k + net)].latency_sum[static_cast<std::size_t>(d)];
          n += results[static_cast<std::size_t>(2 * k + net)].latency_n[static_cast<std::size_t>(d)];
        }
        latency.push_back(n > 0 ? s / n : 0.0);
        std::printf(" d%d:%.2f", d, latency.back());
      }
      // in ms: the latency nearest the FP placed at the V1 onset, each further iteration ms_per_iteration
      std::size_t ref = 0;
      while (ref + 1 < latency.size() && latency[ref] <= 0.0) ++ref;
      std::printf("\n  latency in ms (d%zu at %.0f ms after the curves appear, %.0f ms per iteration):\n   ", ref, onset_ms, ms_per_iteration);
      for (std::size_t d = ref; d < latency.size(); ++d)
        std::printf(" d%zu:%.0f", d, onset_ms + ms_per_iteration * (latency[d] - latency[ref]));
      // the speed of the spread: least-squares slope of latency on distance (iterations per pixel)
      double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
      for (std::size_t d = ref; d < latency.size(); ++d)
        if (latency[d] > 0.0) {
          sx += static_cast<double>(d);
          sy += latency[d];
          sxx += static_cast<double>(d * d);
          sxy += static_cast<double>(d) * latency[d];
          ++m;
        }
      if (m >= 2) std::printf("\n  slope %.2f iterations per pixel", (m * sxy - sx * sy) / (m * sxx - sx * sx));
      std::printf("\n  enhancement (map on the target curve minus the distractor curve, same distance from each curve's start):\n   ");
      for (int d = 0; d < std::min(max_len, 13); ++d) {
        double s = 0, n = 0;
        for (int k = 0; k < seeds; ++k) {
          s += results[static_cast<std::size_t>(2 * k + net)].enh_sum[static_cast<std::size_t>(d)];
          n += results[static_cast<std::size_t>(2 * k + net)].enh_n[static_cast<std::size_t>(d)];
        }
        std::printf(" d%d:%.2g", d, n > 0 ? s / n : 0.0);
      }
      std::printf("\n");
    }
    std::printf("total %.1f s with %d thread(s)\n", secs, threads);
    if (!csv.empty()) {
      std::ofstream f(csv);
      f << "# length rec_median rec_q1 rec_q3 ff_median ff_q1 ff_q3\n";
      for (int L = 2; L <= max_len; ++L) {
        f << L;
        for (int net = 0; net < 2; ++net) {
          if (recurrent_only && net == 1) {
            f << " nan nan nan";
            continue;
          }
          std::vector<double> a;
          for (int s = 0; s < seeds; ++s) a.push_back(results[static_cast<std::size_t>(2 * s + net)].acc_by_length[static_cast<std::size_t>(L - 2)]);
          const auto q = quartiles(a);
          f << ' ' << q[1] << ' ' << q[0] << ' ' << q[2];
        }
        f << '\n';
      }
    }
  } catch (const sgym::UsageError& e) {
    std::fprintf(stderr, "curve_tracing: %s\n", e.what());
    return 2;
  }
  return 0;
}
