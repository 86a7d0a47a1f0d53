#include "sgym/vector_env.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "sgym/error.hpp"
#include "sgym/rng.hpp"

namespace sgym {

// ---------------------------------------------------------------------------------------------
// Workers spin briefly on the generation counter before sleeping on the condition variable: a
// batch of cheap envs is stepped in microseconds, and a sleep/wake per step costs tens of them.
struct ThreadPool::State {
  static constexpr int kSpins = 4000;  // about 10-40 us of polling before a worker sleeps
  std::mutex mu;
  std::condition_variable wake, done;
  std::vector<std::thread> workers;
  const std::function<void(std::size_t)>* fn = nullptr;
  std::size_t n = 0;
  std::atomic<std::uint64_t> generation{0};
  std::atomic<int> pending{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;

  // chunk c of `parts` contiguous chunks of [0, n)
  void run_chunk(int c, int parts) {
    const std::size_t lo = n * static_cast<std::size_t>(c) / static_cast<std::size_t>(parts);
    const std::size_t hi = n * static_cast<std::size_t>(c + 1) / static_cast<std::size_t>(parts);
    try {
      for (std::size_t i = lo; i < hi; ++i) (*fn)(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!error) error = std::current_exception();
    }
  }
};

ThreadPool::ThreadPool(int threads) : threads_(threads), state_(std::make_unique<State>()) {
  if (threads < 1) throw std::invalid_argument("ThreadPool: threads must be >= 1, got " + std::to_string(threads));
  // the caller runs chunk 0; workers run chunks 1..threads-1
  for (int w = 1; w < threads; ++w) {
    state_->workers.emplace_back([this, w] {
      State& s = *state_;
      std::uint64_t seen = 0;
      for (;;) {
        // wait for a new generation: poll a little, then sleep
        int spins = 0;
        while (s.generation.load(std::memory_order_acquire) == seen && !s.stop.load(std::memory_order_acquire)) {
          if (++spins < State::kSpins) continue;
          std::unique_lock<std::mutex> lock(s.mu);
          s.wake.wait(lock, [&] { return s.stop.load() || s.generation.load() != seen; });
        }
        if (s.stop.load(std::memory_order_acquire)) return;
        seen = s.generation.load(std::memory_order_acquire);
        s.run_chunk(w, threads_);
        if (s.pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
          std::lock_guard<std::mutex> lock(s.mu);
          s.done.notify_one();
        }
      }
    });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop.store(true);
  }
  state_->wake.notify_all();
  for (auto& t : state_->workers) t.join();
}

void ThreadPool::run(std::size_t n, const std::function<void(std::size_t)>& fn) {
  State& s = *state_;
  if (threads_ == 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  {
    // under the mutex, so a worker that is about to sleep sees the new generation
    std::lock_guard<std::mutex> lock(s.mu);
    s.fn = &fn;
    s.n = n;
    s.error = nullptr;
    s.pending.store(threads_ - 1, std::memory_order_relaxed);
    s.generation.fetch_add(1, std::memory_order_release);
  }
  s.wake.notify_all();
  s.run_chunk(0, threads_);
  int spins = 0;
  while (s.pending.load(std::memory_order_acquire) != 0 && ++spins < State::kSpins) {
  }
  std::unique_lock<std::mutex> lock(s.mu);
  s.done.wait(lock, [&] { return s.pending.load(std::memory_order_acquire) == 0; });
  if (s.error) std::rethrow_exception(s.error);
}

// ---------------------------------------------------------------------------------------------
VectorEnv::VectorEnv(const std::function<std::unique_ptr<Env>()>& make, int num_envs, Autoreset mode,
                     int threads)
    : mode_(mode) {
  if (num_envs < 1) throw std::invalid_argument("VectorEnv: num_envs must be >= 1, got " + std::to_string(num_envs));
  for (int i = 0; i < num_envs; ++i) {
    envs_.push_back(make());
    if (!(envs_.back()->observation_space() == envs_[0]->observation_space()) ||
        !(envs_.back()->action_space() == envs_[0]->action_space()))
      throw std::invalid_argument("VectorEnv: member " + std::to_string(i) + " has other spaces than member 0");
  }
  obs_size_ = envs_[0]->observation_space().flat_size();
  infos_.assign(envs_.size(), nullptr);
  needs_reset_.assign(envs_.size(), 0);
  pool_ = std::make_unique<ThreadPool>(std::max(1, std::min(threads, num_envs)));
}

VectorEnv::~VectorEnv() = default;

void VectorEnv::check(const VectorBuffers& out, bool need_final) const {
  const std::size_t n = envs_.size();
  auto bad = [&](const char* what, std::size_t got, std::size_t want) {
    throw std::invalid_argument("VectorEnv(" + envs_[0]->spec().id + " x " + std::to_string(n) + "): buffer " +
                                what + " has " + std::to_string(got) + " elements, needs " + std::to_string(want));
  };
  if (out.obs.size() != n * obs_size_) bad("obs", out.obs.size(), n * obs_size_);
  if (out.rewards.size() != n) bad("rewards", out.rewards.size(), n);
  if (out.terminated.size() != n) bad("terminated", out.terminated.size(), n);
  if (out.truncated.size() != n) bad("truncated", out.truncated.size(), n);
  if (need_final && out.final_obs.size() != n * obs_size_) bad("final_obs", out.final_obs.size(), n * obs_size_);
}

void VectorEnv::reset(std::uint64_t seed, const VectorBuffers& out) {
  check(out, false);
  pool_->run(envs_.size(), [&, seed](std::size_t i) {
    ResetResult r = envs_[i]->reset(mix_seed(seed, i));
    std::copy(r.obs.begin(), r.obs.end(), out.obs.begin() + static_cast<std::ptrdiff_t>(i * obs_size_));
    infos_[i] = &r.info;
    out.rewards[i] = 0.0;
    out.terminated[i] = out.truncated[i] = 0;
    needs_reset_[i] = 0;
  });
}

void VectorEnv::step_one(std::size_t i, const Action& a, const VectorBuffers& out) {
  Env& e = *envs_[i];
  const auto row = static_cast<std::ptrdiff_t>(i * obs_size_);
  if (needs_reset_[i]) {
    // next-step autoreset: this step is the reset
    ResetResult r = e.reset();
    std::copy(r.obs.begin(), r.obs.end(), out.obs.begin() + row);
    infos_[i] = &r.info;
    out.rewards[i] = 0.0;
    out.terminated[i] = out.truncated[i] = 0;
    needs_reset_[i] = 0;
    return;
  }
  StepResult r = e.step(a);
  out.rewards[i] = r.reward;
  out.terminated[i] = r.terminated;
  out.truncated[i] = r.truncated;
  infos_[i] = &r.info;
  const bool ended = r.terminated || r.truncated;
  if (ended && mode_ == Autoreset::kSameStep) {
    std::copy(r.obs.begin(), r.obs.end(), out.final_obs.begin() + row);
    ResetResult rr = e.reset();
    std::copy(rr.obs.begin(), rr.obs.end(), out.obs.begin() + row);
    // the reset's info replaces the final one; the final step's info is gone with its episode
    infos_[i] = &rr.info;
    return;
  }
  std::copy(r.obs.begin(), r.obs.end(), out.obs.begin() + row);
  needs_reset_[i] = ended;
}

void VectorEnv::step(std::span<const Action> actions, const VectorBuffers& out) {
  check(out, mode_ == Autoreset::kSameStep);
  if (actions.size() != envs_.size())
    throw std::invalid_argument("VectorEnv(" + envs_[0]->spec().id + "): got " + std::to_string(actions.size()) +
                                " actions for " + std::to_string(envs_.size()) + " envs");
  // validate every action first, so a bad one leaves every member untouched
  const Space& as = single_action_space();
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string why = as.why_not(actions[i]);
    if (!why.empty())
      throw InvalidAction(envs_[0]->spec().id + " (vector member " + std::to_string(i) +
                          "): action outside action space " + as.describe() + ": " + why);
  }
  // one captured pointer keeps the std::function in its small buffer: no allocation per step
  struct Ctx {
    VectorEnv* self;
    std::span<const Action> actions;
    const VectorBuffers* out;
  } ctx{this, actions, &out};
  pool_->run(envs_.size(), [c = &ctx](std::size_t i) { c->self->step_one(i, c->actions[i], *c->out); });
}

}  // namespace sgym
