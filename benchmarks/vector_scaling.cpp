// VectorEnv thread scaling (issue 17 item 1): steps/s of every registered env as a VectorEnv of
// 16 and 256 members on 1 and 2 threads (by default), random actions, next-step autoreset. The runs
// of one (env, size) are interleaved over the thread counts and repeated; the table gives the median
// and the range of each, the speed-up over 1 thread, and what the split rule chose (the share of
// batches it split, its measured per-member and synchronisation costs). Actions are drawn before
// the clock starts (a pool of 64 batches, cycled), so the table measures the vector env alone.
//
//   sgym_vector_scaling [--seconds 1] [--reps 3] [--sizes 16,256] [--threads 1,2] [--env ID]...
//                       [--split auto|always] [--batches N | --per-batch] [--offset BYTES]
// --batches N runs exactly N measured batches after N/10 warm-up ones instead of timing a duration:
// for instruction counts under `valgrind --tool=callgrind`, which are repeatable on a loaded machine.
// --offset places the output buffers at a chosen distance from a cache line (a split batch stages
// the rows on lines its slices share, so their number depends on it).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "sgym/envs.hpp"
#include "sgym/vector_env.hpp"

using namespace sgym;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const std::size_t m = x.size() / 2;
  return x.size() % 2 ? x[m] : (x[m - 1] + x[m]) / 2;
}

struct Run {
  double steps_per_s = 0;
  VectorEnv::Stats stats;
};

// `offset` >= 0: every output buffer starts that many bytes past a cache-line boundary (rounded
// down to its element size); -1: wherever the allocator puts it
template <class T>
std::span<T> placed(std::vector<std::byte>& storage, std::size_t count, int offset) {
  if (offset < 0) {
    storage.resize(count * sizeof(T));
    return {reinterpret_cast<T*>(storage.data()), count};
  }
  storage.resize(count * sizeof(T) + 128);
  const auto p = reinterpret_cast<std::uintptr_t>(storage.data());
  const std::size_t skip = (64 - p % 64) % 64 + static_cast<std::size_t>(offset) / sizeof(T) * sizeof(T);
  return {reinterpret_cast<T*>(storage.data() + skip), count};
}

Run measure(const EnvEntry& entry, int n, int threads, VectorEnv::Split split, double seconds, long fixed, bool per_batch,
            int offset) {
  VectorEnv v([&] { return make_env(entry); }, n, VectorEnv::Autoreset::kNextStep, threads);
  v.set_split(split);
  const auto members = static_cast<std::size_t>(n);
  std::vector<std::byte> obs_mem, reward_mem, term_mem, trunc_mem;
  const VectorBuffers out{placed<float>(obs_mem, members * v.obs_size(), offset), placed<double>(reward_mem, members, offset),
                          placed<std::uint8_t>(term_mem, members, offset), placed<std::uint8_t>(trunc_mem, members, offset), {}};
  Rng rng(1);
  std::vector<std::vector<Action>> pool(64, std::vector<Action>(members));
  for (auto& batch : pool)
    for (auto& a : batch) v.single_action_space().sample_into(rng, a);
  v.reset(1, out);
  std::size_t k = 0;
  if (fixed > 0) {
    for (long b = 0; b < fixed / 10; ++b) v.step(pool[k++ % pool.size()], out);
    const auto t0 = Clock::now();
    for (long b = 0; b < fixed; ++b) v.step(pool[k++ % pool.size()], out);
    return {static_cast<double>(fixed) * n / std::chrono::duration<double>(Clock::now() - t0).count(), v.stats()};
  }
  if (per_batch) {
    // every batch timed on its own: steps/s = members / median batch time, which a preemption or a
    // slow stretch of the VM moves far less than the mean
    for (int b = 0; b < 300; ++b) v.step(pool[k++ % pool.size()], out);
    std::vector<double> ns;
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    do {
      const auto t0 = Clock::now();
      v.step(pool[k++ % pool.size()], out);
      ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
    } while (Clock::now() < end);
    return {static_cast<double>(n) / (median(ns) * 1e-9), v.stats()};
  }
  // warm-up: a tenth of the time, at least one batch
  const auto warm_end = Clock::now() + std::chrono::duration<double>(seconds / 10);
  do v.step(pool[k++ % pool.size()], out);
  while (Clock::now() < warm_end);
  // measured: whole batches until `seconds` have passed (the clock read every 8 batches)
  long batches = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  for (;;) {
    v.step(pool[k++ % pool.size()], out);
    if ((++batches & 7) == 0 && (elapsed = std::chrono::duration<double>(Clock::now() - t0).count()) >= seconds)
      break;
  }
  return {static_cast<double>(batches) * n / elapsed, v.stats()};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"VectorEnv thread scaling: steps/s per env, size and thread count"};
  double seconds = 1.0;
  int reps = 3;
  std::vector<int> sizes = {16, 256}, threads = {1, 2};
  std::vector<std::string> ids;
  std::string split_name = "auto";
  long fixed = 0;
  bool per_batch = false;
  int offset = -1;
  app.add_option("--seconds", seconds, "measured time per run")->check(CLI::PositiveNumber);
  app.add_option("--reps", reps, "interleaved repetitions per (env, size, threads)")->check(CLI::PositiveNumber);
  app.add_option("--sizes", sizes, "numbers of members")->delimiter(',')->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "thread counts (the first is the baseline)")->delimiter(',')->check(CLI::PositiveNumber);
  app.add_option("--env", ids, "env ids (default: every registered env)");
  app.add_option("--split", split_name, "the split rule: auto (measured) or always")
      ->check(CLI::IsMember({"auto", "always"}));
  auto* batches_opt = app.add_option("--batches", fixed, "a fixed number of measured batches instead of --seconds (for callgrind)")
                          ->check(CLI::PositiveNumber);
  app.add_flag("--per-batch", per_batch,
               "time every batch and report members / median batch time (robust to a noisy machine; 300 warm-up batches; "
               "the median also hides the batches that re-measure the caller's action check)")
      ->excludes(batches_opt);
  app.add_option("--offset", offset,
                 "output buffers start this many bytes past a 64-byte boundary, rounded down to a multiple of their element "
                 "size (0-63; default: where the allocator puts them): the cost of a split batch must not depend on it")
      ->check(CLI::Range(0, 63));
  CLI11_PARSE(app, argc, argv);
  const VectorEnv::Split split = split_name == "always" ? VectorEnv::Split::kAlways : VectorEnv::Split::kAuto;

  std::vector<const EnvEntry*> envs;
  if (ids.empty())
    for (const EnvEntry& e : env_registry()) envs.push_back(&e);
  else
    for (const auto& id : ids) envs.push_back(&env_entry(id));

  std::printf("| env | members | threads | steps/s (median) | range | × %d thread | split batches | actions checked by the workers | member ns | sync ns | check ns | probes | wake ns |\n",
              threads.front());
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const EnvEntry* e : envs) {
    for (int n : sizes) {
      std::vector<std::vector<double>> rate(threads.size());
      std::vector<VectorEnv::Stats> last(threads.size());
      for (int r = 0; r < reps; ++r)
        for (std::size_t t = 0; t < threads.size(); ++t) {
          const Run run = measure(*e, n, threads[t], split, seconds, fixed, per_batch, offset);
          rate[t].push_back(run.steps_per_s);
          last[t] = run.stats;
        }
      const double base = median(rate[0]);
      for (std::size_t t = 0; t < threads.size(); ++t) {
        const auto [lo, hi] = std::minmax_element(rate[t].begin(), rate[t].end());
        const auto& s = last[t];
        const double batches = static_cast<double>(s.inline_batches + s.split_batches);
        std::printf("| %s | %d | %d | %.3g | %.3g–%.3g | %.2f | %.0f %% | %.0f %% | %.0f | %.0f | %.1f | %lld | %.0f |\n", e->id.c_str(), n,
                    threads[t], median(rate[t]), *lo, *hi, median(rate[t]) / base,
                    batches > 0 ? 100.0 * static_cast<double>(s.split_batches) / batches : 0.0,
                    s.split_batches > 0 ? 100.0 * static_cast<double>(s.parallel_checks) / static_cast<double>(s.split_batches) : 0.0,
                    s.member_ns, s.sync_ns, s.check_ns, static_cast<long long>(s.probes), s.wake_ns);
      }
      std::fflush(stdout);
    }
  }
  return 0;
}
