// N copies of one env stepped together into caller-owned contiguous buffers, serially or on a
// thread pool, with bit-identical results either way. Member i is seeded with mix_seed(seed, i).
//
// Threads: worker w (the calling thread is worker 0) owns the contiguous slice of members
// [n·w/T, n·(w+1)/T) for the life of the vector env. A split batch costs one synchronisation: the
// caller publishes a generation number, each worker steps its slice and publishes that it is done.
// Workers write in place only to cache lines that lie wholly inside their own rows of each output
// buffer; the few rows at a slice's edges go to the worker's padded staging area and the calling
// thread copies them after the join, so no two threads ever write the same cache line. Whether a
// batch is split at all is decided from measured costs (see Split and stats()).
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sgym/env.hpp"

namespace sgym {

class ThreadPool;

/// What the vector env writes each step; every span is owned by the caller.
struct VectorBuffers {
  std::span<float> obs;                ///< num_envs × obs_size, row i = member i
  std::span<double> rewards;           ///< num_envs
  std::span<std::uint8_t> terminated;  ///< num_envs, 0/1
  std::span<std::uint8_t> truncated;   ///< num_envs, 0/1
  /// Same-step autoreset only (may be empty otherwise): num_envs × obs_size; row i holds member
  /// i's last observation of the episode that ended on this step (untouched for other members).
  std::span<float> final_obs;
};

/// What VectorEnv throws when a member env throws during its reset() or step(): names the member,
/// the call and what it threw, whose exception is nested (std::rethrow_if_nested gets it). The
/// batch it was part of is incomplete (some members stepped, some did not, and the output buffers
/// hold part of it), so the vector env must be reset() before it steps again.
class MemberError : public std::runtime_error {
 public:
  MemberError(const std::string& what, int member) : std::runtime_error(what), member_(member) {}
  int member() const { return member_; }

 private:
  int member_;
};

/// A batch of independent envs.
class VectorEnv {
 public:
  /// When a member's episode ends, kNextStep (Gymnasium's default) resets it on the following
  /// step(), ignoring that step's action and returning the reset observation with reward 0 and
  /// both flags false; kSameStep resets it within the same step(), returning the reset observation
  /// and putting the final one in VectorBuffers::final_obs.
  enum class Autoreset { kNextStep, kSameStep };

  /// kAuto (the default) splits a step's batch over the workers only when the measured cost says
  /// that is faster: with c the measured cost of stepping one member and s the measured cost of one
  /// synchronisation, a batch of n members on T workers is split when ⌈n/T⌉·c + s < n·c / 1.1
  /// (the 10 % margin keeps a borderline batch inline). kAlways splits every batch (tests of the
  /// threaded path, benchmarks of the synchronisation itself). Results are the same either way.
  enum class Split { kAuto, kAlways };

  /// Where a split batch's actions are validated: kAuto (the default) by the rule in step();
  /// kWorkers always by the workers (tests of that path). Results and errors are the same either way.
  enum class Check { kAuto, kWorkers };

  /// Makes `num_envs` >= 1 members with `make`; `threads` >= 1 workers (1 = serial; more workers
  /// than members are not started).
  VectorEnv(const std::function<std::unique_ptr<Env>()>& make, int num_envs,
            Autoreset mode = Autoreset::kNextStep, int threads = 1);
  ~VectorEnv();
  VectorEnv(const VectorEnv&) = delete;
  VectorEnv& operator=(const VectorEnv&) = delete;

  int num_envs() const { return static_cast<int>(envs_.size()); }
  std::size_t obs_size() const { return obs_size_; }
  const Space& single_observation_space() const { return envs_[0]->observation_space(); }
  const Space& single_action_space() const { return envs_[0]->action_space(); }
  Autoreset autoreset() const { return mode_; }

  /// Resets every member, member i with mix_seed(seed, i), writing observations into out.obs
  /// (rewards 0, flags 0).
  void reset(std::uint64_t seed, const VectorBuffers& out);
  /// Steps every member with actions[i]; throws (naming the member) when a buffer has the wrong
  /// size or an action is invalid. Every action is validated before any member steps, so a bad one
  /// leaves every member untouched: on the calling thread, or, in a split batch whose serial check
  /// would cost more than two synchronisations (both measured), by the workers, each its own
  /// slice, who step only when every slice is valid. Throws ResetNeeded before the first reset()
  /// and after a MemberError (a member that threw: the lowest such member is named), until reset().
  void step(std::span<const Action> actions, const VectorBuffers& out);

  /// The info of member i after the last reset/step.
  const Info& info(int i) const { return *members_[static_cast<std::size_t>(i)].info; }
  /// Member i itself (e.g. to draw it).
  const Env& member(int i) const { return *envs_[static_cast<std::size_t>(i)]; }

  /// Number of workers, the calling thread included (1 = serial).
  int threads() const { return static_cast<int>(slices_.size()); }
  void set_split(Split s) { split_ = s; }
  Split split() const { return split_; }
  void set_check(Check c) { check_ = c; }

  /// What the split rule has measured so far (all zero with one thread).
  struct Stats {
    std::int64_t inline_batches = 0;  ///< steps run on the calling thread alone
    std::int64_t split_batches = 0;   ///< steps split over the workers
    double member_ns = 0;             ///< cost of stepping one member (moving average), ns
    double sync_ns = 0;               ///< cost of one synchronisation (moving average), ns
    std::int64_t sync_samples = 0;    ///< split batches sync_ns has learned from (timed, after a split batch)
    double check_ns = 0;              ///< cost of validating one action on the calling thread (moving average), ns
    std::int64_t parallel_checks = 0; ///< split batches whose actions the workers validated (see step())
    double wake_ns = 0;               ///< what a probe's first split batch, its workers asleep, costs
                                      ///< more than stepping inline (moving average), ns
    std::int64_t probes = 0;          ///< probes started while the rule said inline
  };
  Stats stats() const { return stats_; }

 private:
  // per-member state, one cache line each: written by the member's worker only
  struct alignas(64) Member {
    const Info* info = nullptr;
    bool needs_reset = false;
  };
  // one worker's slice and its staging area for rows on shared cache lines
  struct alignas(64) Slice {
    std::size_t lo = 0, hi = 0;
    std::vector<std::byte> stage;  // padded by a cache line at both ends
    std::exception_ptr error;
    double ns = 0;                 // time the slice took (timed batches, calling thread only)
  };
  struct Job;

  void check(const VectorBuffers& out, bool need_final) const;
  void run(Job& job, bool split);
  void run_slice(const Job& job, std::size_t w, bool split);
  void flush(const Job& job, std::size_t w);
  // from a catch block: throws MemberError for member i, whose `call` threw the current exception
  [[noreturn]] void member_failed(std::size_t i, const char* call) const;

  std::vector<std::unique_ptr<Env>> envs_;
  std::vector<Member> members_;
  std::vector<Slice> slices_;
  std::size_t obs_size_;
  Autoreset mode_;
  Split split_ = Split::kAuto;
  Check check_ = Check::kAuto;
  Stats stats_;
  std::int64_t batches_ = 0, next_probe_ = 0, probe_gap_ = 64;
  bool probe_second_ = false;  // a probe's second split batch is due (the first woke the workers)
  bool last_split_ = false;    // the previous batch was split (its workers are awake)
  std::unique_ptr<ThreadPool> pool_;
  // step() is allowed: a reset() completed, and no member has thrown since (the message of
  // ResetNeeded otherwise)
  bool ready_ = false;
  std::string not_ready_ = "step() called before reset()";
};

/// A fixed set of worker threads; worker w runs the w-th part of each job, the calling thread part 0.
/// A job costs one synchronisation: a generation number published by the caller, a done number by
/// each worker. Idle workers poll for about 50 µs, then sleep until the next job.
class ThreadPool {
 public:
  /// `threads` >= 1; with 1 no thread is started and run() executes inline.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  int threads() const { return threads_; }
  /// Calls fn(i) for i in [0, n), split into contiguous chunks over the workers and the caller;
  /// returns when all are done. The first exception thrown by any fn is rethrown here.
  void run(std::size_t n, const std::function<void(std::size_t)>& fn);
  /// Calls part(ctx, w) for every worker w in [0, threads()) (w = 0 on the calling thread) and
  /// returns when all have returned; `part` must not throw.
  void run_parts(void (*part)(void* ctx, std::size_t w), void* ctx);

 private:
  struct State;
  int threads_;
  std::unique_ptr<State> state_;
};

}  // namespace sgym
