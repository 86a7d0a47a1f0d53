// N copies of one env stepped together into caller-owned contiguous buffers, serially or on a
// thread pool, with bit-identical results either way. Member i is seeded with mix_seed(seed, i).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
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

/// A batch of independent envs.
class VectorEnv {
 public:
  /// When a member's episode ends, kNextStep (Gymnasium's default) resets it on the following
  /// step(), ignoring that step's action and returning the reset observation with reward 0 and
  /// both flags false; kSameStep resets it within the same step(), returning the reset observation
  /// and putting the final one in VectorBuffers::final_obs.
  enum class Autoreset { kNextStep, kSameStep };

  /// Makes `num_envs` >= 1 members with `make`; `threads` >= 1 workers (1 = serial).
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
  /// size or an action is invalid.
  void step(std::span<const Action> actions, const VectorBuffers& out);

  /// The info of member i after the last reset/step.
  const Info& info(int i) const { return *infos_[static_cast<std::size_t>(i)]; }
  /// Member i itself (e.g. to draw it).
  const Env& member(int i) const { return *envs_[static_cast<std::size_t>(i)]; }

 private:
  void check(const VectorBuffers& out, bool need_final) const;
  void step_one(std::size_t i, const Action& a, const VectorBuffers& out);
  std::vector<std::unique_ptr<Env>> envs_;
  std::vector<const Info*> infos_;
  std::vector<std::uint8_t> needs_reset_;
  std::size_t obs_size_;
  Autoreset mode_;
  std::unique_ptr<ThreadPool> pool_;
};

/// A fixed set of worker threads running index ranges of a loop.
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

 private:
  struct State;
  int threads_;
  std::unique_ptr<State> state_;
};

}  // namespace sgym
