#include "sgym/vector_env.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <mutex>
#include <tuple>
#include <stdexcept>
#include <string>
#include <thread>

#include "sgym/error.hpp"
#include "sgym/rng.hpp"

namespace sgym {

namespace {

constexpr std::size_t kLine = 64;  // cache line size assumed for layout (x86-64, most ARM cores)
constexpr auto kPoll = std::chrono::microseconds(50);  // polling before a thread sleeps

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

using Clock = std::chrono::steady_clock;
double ns_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::nano>(b - a).count();
}

// Waits until pred() holds: polls for about kPoll, then sleeps on `word` (whose value changes, with
// a notify when `sleeping` was seen set, when pred may have become true).
template <class Pred>
void await(std::atomic<std::uint32_t>& word, std::atomic<int>& sleeping, Pred pred) {
  const auto start = Clock::now();
  for (unsigned k = 1;; ++k) {
    if (pred()) return;
    cpu_relax();
    if ((k & 255u) == 0 && Clock::now() - start > kPoll) break;
  }
  sleeping.fetch_add(1, std::memory_order_seq_cst);
  for (;;) {
    const std::uint32_t v = word.load(std::memory_order_seq_cst);
    if (pred()) break;
    word.wait(v, std::memory_order_seq_cst);
  }
  sleeping.fetch_sub(1, std::memory_order_seq_cst);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
struct ThreadPool::State {
  // what the caller publishes (generation last); its own cache line, read by every worker
  alignas(kLine) std::atomic<std::uint32_t> generation{0};
  std::atomic<int> sleepers{0};  // workers asleep on `generation`
  std::atomic<bool> stop{false};
  void (*part)(void*, std::size_t) = nullptr;
  void* ctx = nullptr;
  // what each worker publishes, one cache line each
  struct alignas(kLine) Done {
    std::atomic<std::uint32_t> generation{0};
    std::atomic<int> caller_sleeps{0};
  };
  std::unique_ptr<Done[]> done;
  std::vector<std::thread> workers;
  // run() over an index range, as parts
  const std::function<void(std::size_t)>* fn = nullptr;
  std::size_t n = 0;
  std::exception_ptr error;
  std::mutex mu;
};

ThreadPool::ThreadPool(int threads) : threads_(threads), state_(std::make_unique<State>()) {
  if (threads < 1) throw std::invalid_argument("ThreadPool: threads must be >= 1, got " + std::to_string(threads));
  state_->done = std::make_unique<State::Done[]>(static_cast<std::size_t>(threads));
  for (int w = 1; w < threads; ++w) {
    state_->workers.emplace_back([s = state_.get(), w] {
      std::uint32_t seen = 0;
      State::Done& done = s->done[static_cast<std::size_t>(w)];
      for (;;) {
        await(s->generation, s->sleepers, [&] {
          return s->generation.load(std::memory_order_acquire) != seen || s->stop.load(std::memory_order_acquire);
        });
        if (s->stop.load(std::memory_order_acquire)) return;
        seen = s->generation.load(std::memory_order_acquire);
        s->part(s->ctx, static_cast<std::size_t>(w));
        done.generation.store(seen, std::memory_order_seq_cst);
        if (done.caller_sleeps.load(std::memory_order_seq_cst) != 0) done.generation.notify_one();
      }
    });
  }
}

ThreadPool::~ThreadPool() {
  State& s = *state_;
  s.stop.store(true, std::memory_order_seq_cst);
  s.generation.fetch_add(1, std::memory_order_seq_cst);
  s.generation.notify_all();
  for (auto& t : s.workers) t.join();
}

void ThreadPool::run_parts(void (*part)(void*, std::size_t), void* ctx) {
  if (threads_ == 1) {
    part(ctx, 0);
    return;
  }
  State& s = *state_;
  s.part = part;
  s.ctx = ctx;
  const std::uint32_t g = s.generation.load(std::memory_order_relaxed) + 1;
  s.generation.store(g, std::memory_order_seq_cst);  // the one synchronisation out
  if (s.sleepers.load(std::memory_order_seq_cst) != 0) s.generation.notify_all();
  part(ctx, 0);
  for (std::size_t w = 1; w < static_cast<std::size_t>(threads_); ++w) {  // and back
    State::Done& d = s.done[w];
    await(d.generation, d.caller_sleeps, [&] { return d.generation.load(std::memory_order_acquire) == g; });
  }
}

void ThreadPool::run(std::size_t n, const std::function<void(std::size_t)>& fn) {
  if (threads_ == 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  State& s = *state_;
  s.fn = &fn;
  s.n = n;
  s.error = nullptr;
  run_parts(
      [](void* ctx, std::size_t w) {
        State& st = *static_cast<State*>(ctx);
        const std::size_t parts = st.workers.size() + 1;
        const std::size_t lo = st.n * w / parts, hi = st.n * (w + 1) / parts;
        try {
          for (std::size_t i = lo; i < hi; ++i) (*st.fn)(i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(st.mu);
          if (!st.error) st.error = std::current_exception();
        }
      },
      &s);
  if (s.error) std::rethrow_exception(s.error);
}

// ---------------------------------------------------------------------------------------------
// The output arrays, in the order of a slice's staging area.
namespace {
enum Array : std::size_t { kObs, kFinal, kRewards, kTerminated, kTruncated, kArrays };

// Rows [a, b) of a slice's rows [lo, hi) in an array at `base` with `row` bytes per row lie on cache
// lines wholly inside the slice's bytes [base + lo·row, base + hi·row): they are written in place.
// The rows before a and from b on touch a line that another writer may touch too: they are staged.
std::pair<std::size_t, std::size_t> inner_rows(const void* base, std::size_t row, std::size_t lo, std::size_t hi) {
  if (row == 0) return {lo, hi};
  const auto b0 = reinterpret_cast<std::uintptr_t>(base);
  const std::uintptr_t start = b0 + lo * row, end = b0 + hi * row;
  const std::uintptr_t first = (start + kLine - 1) / kLine * kLine, last = end / kLine * kLine;
  if (first >= last) return {hi, hi};
  const std::size_t a = (first - b0 + row - 1) / row, b = (last - b0) / row;
  if (b <= a) return {hi, hi};
  return {a, b};
}

// the most rows inner_rows() leaves outside [a, b) for rows of `row` bytes
std::size_t max_staged(std::size_t row) { return 2 * (kLine / row + 2); }

// Where row i of one output array goes for one slice: in place or into the staging area.
template <class T>
struct Rows {
  T* out = nullptr;
  T* stage = nullptr;
  std::size_t width = 1, lo = 0, a = 0, b = 0;
  T* row(std::size_t i) const {
    if (i >= a && i < b) return out + i * width;
    return stage + (i < a ? i - lo : (a - lo) + (i - b)) * width;
  }
};
}  // namespace

struct VectorEnv::Job {
  VectorEnv* self;
  bool reset;
  std::uint64_t seed;
  std::span<const Action> actions;
  const VectorBuffers* out;
  bool split;
  bool timed = false;
  // A split step validates its actions in parallel: each worker checks its own slice, then waits
  // until every worker has (`arrived`), and no member steps if any action was bad (`bad`: the
  // lowest bad member, kNoBad if none). So the caller no longer reads every action alone before
  // the batch is split (a serial pass over the whole batch, memory-bound when the actions are not
  // in its cache: throughput.md), and a bad action still leaves every member untouched.
  static constexpr std::int64_t kNoBad = std::numeric_limits<std::int64_t>::max();
  bool validate = false;
  alignas(kLine) mutable std::atomic<std::size_t> arrived{0};
  mutable std::atomic<std::int64_t> bad{kNoBad};
  mutable Clock::time_point checked_at{};  // slice 0, timed batches: when the check was over (its stepping starts)
};

// the byte layout of a slice's staging area: array k's rows start at offset[k] (cache-line aligned)
namespace {
struct StageLayout {
  std::size_t offset[kArrays];
  std::size_t bytes;
};
StageLayout stage_layout(std::size_t obs_size, std::size_t rows) {
  const std::size_t row_bytes[kArrays] = {obs_size * sizeof(float), obs_size * sizeof(float), sizeof(double), 1, 1};
  StageLayout l{};
  std::size_t at = kLine;  // a line of padding before
  for (std::size_t k = 0; k < kArrays; ++k) {
    l.offset[k] = at;
    at += (std::min(rows, max_staged(row_bytes[k])) * row_bytes[k] + kLine - 1) / kLine * kLine;
  }
  l.bytes = at + kLine;  // and after
  return l;
}
}  // namespace

// ---------------------------------------------------------------------------------------------
VectorEnv::VectorEnv(const std::function<std::unique_ptr<Env>()>& make, int num_envs, Autoreset mode,
                     int threads)
    : mode_(mode) {
  if (num_envs < 1) throw std::invalid_argument("VectorEnv: num_envs must be >= 1, got " + std::to_string(num_envs));
  if (threads < 1) throw std::invalid_argument("VectorEnv: threads must be >= 1, got " + std::to_string(threads));
  for (int i = 0; i < num_envs; ++i) {
    envs_.push_back(make());
    if (!(envs_.back()->observation_space() == envs_[0]->observation_space()) ||
        !(envs_.back()->action_space() == envs_[0]->action_space()))
      throw std::invalid_argument("VectorEnv: member " + std::to_string(i) + " has other spaces than member 0");
  }
  obs_size_ = envs_[0]->observation_space().flat_size();
  members_.resize(envs_.size());
  const std::size_t n = envs_.size(), t = static_cast<std::size_t>(std::min(threads, num_envs));
  slices_.resize(t);
  for (std::size_t w = 0; w < t; ++w) {
    Slice& s = slices_[w];
    s.lo = n * w / t;
    s.hi = n * (w + 1) / t;
    if (t > 1) s.stage.resize(stage_layout(obs_size_, s.hi - s.lo).bytes + kLine);
  }
  pool_ = std::make_unique<ThreadPool>(static_cast<int>(t));
  if (t > 1) {
    // calibration of the split rule's synchronisation cost: the median of empty jobs
    std::vector<double> ns;
    for (int k = 0; k < 15; ++k) {
      const auto t0 = Clock::now();
      pool_->run_parts([](void*, std::size_t) {}, nullptr);
      ns.push_back(ns_between(t0, Clock::now()));
    }
    std::nth_element(ns.begin(), ns.begin() + 7, ns.end());
    stats_.sync_ns = ns[7];
  }
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

namespace {
// the Rows of every output array for slice [lo, hi): all in place when not split
struct SliceRows {
  Rows<float> obs, final;
  Rows<double> rewards;
  Rows<std::uint8_t> terminated, truncated;
};
template <class T>
Rows<T> rows_of(std::span<T> out, std::size_t width, std::size_t lo, std::size_t hi, std::byte* stage,
                bool split) {
  Rows<T> r;
  r.out = out.data();
  r.width = width;
  r.lo = lo;
  if (!split || out.empty()) {
    r.a = lo;
    r.b = hi;
    return r;
  }
  std::tie(r.a, r.b) = inner_rows(out.data(), width * sizeof(T), lo, hi);
  r.stage = reinterpret_cast<T*>(stage);
  return r;
}
std::byte* aligned_stage(std::vector<std::byte>& v) {
  const auto p = reinterpret_cast<std::uintptr_t>(v.data());
  return v.data() + ((kLine - p % kLine) % kLine);
}
SliceRows slice_rows(const VectorBuffers& out, std::size_t obs_size, std::size_t lo, std::size_t hi,
                     std::vector<std::byte>& stage, bool split) {
  std::byte* base = split ? aligned_stage(stage) : nullptr;
  const StageLayout l = split ? stage_layout(obs_size, hi - lo) : StageLayout{};
  auto at = [&](Array k) { return split ? base + l.offset[k] : nullptr; };
  return {rows_of(out.obs, obs_size, lo, hi, at(kObs), split),
          rows_of(out.final_obs, obs_size, lo, hi, at(kFinal), split),
          rows_of(out.rewards, 1, lo, hi, at(kRewards), split),
          rows_of(out.terminated, 1, lo, hi, at(kTerminated), split),
          rows_of(out.truncated, 1, lo, hi, at(kTruncated), split)};
}
template <class T>
void copy_row(std::span<const float> from, T* to) {
  std::memcpy(to, from.data(), from.size() * sizeof(float));
}
}  // namespace

void VectorEnv::run_slice(const Job& job, std::size_t w, bool split) {
  Slice& s = slices_[w];
  const std::size_t lo = split ? s.lo : 0, hi = split ? s.hi : envs_.size();
  if (job.validate) {
    if (const std::size_t i = lo + single_action_space().first_outside(job.actions.subspan(lo, hi - lo)); i < hi) {
      const auto i64 = static_cast<std::int64_t>(i);
      for (std::int64_t b = job.bad.load(std::memory_order_relaxed); i64 < b && !job.bad.compare_exchange_weak(b, i64);) {
      }
    }
    // wait for every slice's check: poll for about kPoll, then sleep (a worker that is not running,
    // e.g. on a machine with more threads than free cores, must not cost a spinning core); the
    // last to arrive wakes the sleepers
    if (job.arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == slices_.size()) {
      job.arrived.notify_all();
    } else {
      const auto start = Clock::now();
      for (unsigned k = 1;; ++k) {
        const std::size_t seen = job.arrived.load(std::memory_order_acquire);
        if (seen >= slices_.size()) break;
        cpu_relax();
        if ((k & 255u) == 0 && Clock::now() - start > kPoll) job.arrived.wait(seen, std::memory_order_acquire);
      }
    }
    if (job.bad.load(std::memory_order_acquire) != Job::kNoBad) return;
    if (w == 0 && job.timed) job.checked_at = Clock::now();  // the caller's stepping time excludes the check
  }
  const SliceRows rows = slice_rows(*job.out, obs_size_, lo, hi, s.stage, split);
  std::size_t i = lo;
  const char* call = "step()";  // what member i is doing, for the error if it throws
  try {
    for (; i < hi; ++i) {
      Member& m = members_[i];
      Env& e = *envs_[i];
      const bool reset = job.reset || m.needs_reset;
      call = reset ? "reset()" : "step()";
      if (!reset) {
        const StepResult r = Env::step_checked(e, job.actions[i]);  // checked in step() for the whole batch
        *rows.rewards.row(i) = r.reward;
        *rows.terminated.row(i) = r.terminated;
        *rows.truncated.row(i) = r.truncated;
        m.info = &r.info;
        const bool ended = r.terminated || r.truncated;
        if (!(ended && mode_ == Autoreset::kSameStep)) {
          copy_row(r.obs, rows.obs.row(i));
          m.needs_reset = ended;
          continue;
        }
        // same-step autoreset: keep the final observation, return the reset one; the reset's info
        // replaces the final one (the final step's info is gone with its episode)
        copy_row(r.obs, rows.final.row(i));
        call = "reset() (same-step autoreset)";
        const ResetResult rr = e.reset();
        copy_row(rr.obs, rows.obs.row(i));
        m.info = &rr.info;
        continue;
      }
      // reset() of the vector env, or next-step autoreset: this step is the reset
      const ResetResult r = job.reset ? e.reset(mix_seed(job.seed, i)) : e.reset();
      copy_row(r.obs, rows.obs.row(i));
      m.info = &r.info;
      *rows.rewards.row(i) = 0.0;
      *rows.terminated.row(i) = 0;
      *rows.truncated.row(i) = 0;
      m.needs_reset = false;
    }
  } catch (...) {
    member_failed(i, call);
  }
}

void VectorEnv::member_failed(std::size_t i, const char* call) const {
  std::string what;
  try {
    throw;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an exception not derived from std::exception";
  }
  std::throw_with_nested(MemberError(envs_[0]->spec().id + " (vector member " + std::to_string(i) + "): its " +
                                         call + " threw: " + what +
                                         "; the batch is incomplete, so the vector env needs reset()",
                                     static_cast<int>(i)));
}

void VectorEnv::flush(const Job& job, std::size_t w) {
  Slice& s = slices_[w];
  const SliceRows rows = slice_rows(*job.out, obs_size_, s.lo, s.hi, s.stage, true);
  // the staged rows [lo, a) and [b, hi) lie one after the other in the staging area: two copies
  // per array (a row at a time, the 1-byte flags of a split 256-member batch were up to ~250 calls
  // of memcpy and ~15 % of a split SaccadeAntisaccade batch)
  auto copy_back = [&](const auto& r) {
    const std::size_t head = r.a - s.lo, width = r.width * sizeof(*r.out);
    if (head > 0) std::memcpy(r.out + s.lo * r.width, r.row(s.lo), head * width);
    if (r.b < s.hi) std::memcpy(r.out + r.b * r.width, r.row(r.b), (s.hi - r.b) * width);
  };
  copy_back(rows.obs);
  copy_back(rows.rewards);
  copy_back(rows.terminated);
  copy_back(rows.truncated);
  // final rows were written only for the members whose episode ended on this step (the others
  // keep what the caller's buffer held): row by row
  if (!job.reset && mode_ == Autoreset::kSameStep) {
    const auto& r = rows.final;
    for (std::size_t i = s.lo; i < s.hi; ++i) {
      if (i == r.a) i = r.b;
      if (i >= s.hi) break;
      if (job.out->terminated[i] || job.out->truncated[i]) std::memcpy(r.out + i * r.width, r.row(i), r.width * sizeof(*r.out));
    }
  }
}

void VectorEnv::run(Job& job, bool split) {
  job.split = split;
  // a member that throws leaves the batch incomplete: no step() until reset() (the lowest failed
  // member is named; in a split batch every slice has run to its end or its own failed member)
  auto failed = [&](std::exception_ptr e) {
    ready_ = false;
    try {
      std::rethrow_exception(e);
    } catch (const MemberError& m) {
      not_ready_ = "member " + std::to_string(m.member()) + " threw in the last batch";
    } catch (...) {
      not_ready_ = "a member threw in the last batch";
    }
    std::rethrow_exception(e);
  };
  if (!split) {
    try {
      run_slice(job, 0, false);
    } catch (...) {
      failed(std::current_exception());
    }
    return;
  }
  pool_->run_parts(
      [](void* ctx, std::size_t w) {
        Job& j = *static_cast<Job*>(ctx);
        VectorEnv& v = *j.self;
        const auto t0 = (w == 0 && j.timed) ? Clock::now() : Clock::time_point{};
        try {
          v.run_slice(j, w, true);
        } catch (...) {
          v.slices_[w].error = std::current_exception();
        }
        if (w == 0 && j.timed) v.slices_[0].ns = ns_between(j.validate ? j.checked_at : t0, Clock::now());
      },
      &job);
  for (std::size_t w = 0; w < slices_.size(); ++w) {
    if (slices_[w].error) {
      std::exception_ptr e = slices_[w].error;
      for (Slice& s : slices_) s.error = nullptr;
      failed(e);
    }
  }
  if (job.bad.load(std::memory_order_acquire) != Job::kNoBad) return;  // nothing stepped: the staging areas are stale
  for (std::size_t w = 0; w < slices_.size(); ++w) flush(job, w);
}

void VectorEnv::reset(std::uint64_t seed, const VectorBuffers& out) {
  check(out, false);
  // reset() is called once per run, so it is not timed: with workers it is always split
  Job job{this, true, seed, {}, &out, false};
  run(job, slices_.size() > 1);
  ready_ = true;  // run() throws when a member's reset() did
}

void VectorEnv::step(std::span<const Action> actions, const VectorBuffers& out) {
  if (!ready_)
    throw ResetNeeded("VectorEnv(" + envs_[0]->spec().id + " x " + std::to_string(envs_.size()) + "): " + not_ready_ +
                      "; call reset() first");
  check(out, mode_ == Autoreset::kSameStep);
  if (actions.size() != envs_.size())
    throw std::invalid_argument("VectorEnv(" + envs_[0]->spec().id + "): got " + std::to_string(actions.size()) +
                                " actions for " + std::to_string(envs_.size()) + " envs");
  // every action is validated before any member steps, so a bad one leaves every member untouched:
  // here for a batch stepped on this thread, by the workers for a split one (Job::validate)
  // A refused batch leaves the split and check rules' state as it was (a bad action changes nothing).
  const Space& as = single_action_space();
  const auto probe_second = probe_second_, last_split = last_split_;
  const auto next_probe = next_probe_, probe_gap = probe_gap_, batches = batches_, parallel_checks = stats_.parallel_checks,
             probes = stats_.probes;
  auto refused = [&](std::size_t i) {
    probe_second_ = probe_second;
    last_split_ = last_split;
    next_probe_ = next_probe;
    probe_gap_ = probe_gap;
    batches_ = batches;
    stats_.parallel_checks = parallel_checks;
    stats_.probes = probes;
    return InvalidAction(envs_[0]->spec().id + " (vector member " + std::to_string(i) +
                         "): action outside action space " + as.describe() + ": " + as.why_not(actions[i]));
  };
  auto validate = [&] {
    if (const std::size_t i = as.first_outside(actions); i < actions.size()) throw refused(i);
  };
  Job job{this, false, 0, actions, &out, false};
  if (slices_.size() == 1) {
    validate();
    run(job, false);
    return;
  }
  // the split rule (see Split): c and s are moving averages of measured costs; a batch is timed when
  // it is one of the first 8 of its mode, one in 16 of all batches, or a probe's split batch that
  // follows a split one (s learns from it), or a probe's first; while the rule says inline, a probe
  // is split now and then (after 64 batches, the gap doubling up to a bound, see below) so that s
  // follows the machine. A probe is
  // two split batches (one when the batch before was split already) and s learns only from a split
  // batch that follows another: the first wakes workers that slept through the inline stretch,
  // which costs ~100 µs once and says nothing of a split batch's cost while splitting (measured:
  // with that wake-up in s, cheap envs at 256 members were never split although splitting made
  // them 1.3-1.7x faster).
  // A single sample (a preemption) moves s by at most 4x its current value.
  const double n = static_cast<double>(envs_.size());
  const double part = static_cast<double>(slices_[0].hi - slices_[0].lo);
  const double longest = static_cast<double>(slices_.back().hi - slices_.back().lo);
  bool split = true;
  // a probe's warm batch (s learns from it): its second, or its only one after a split batch
  bool probe_end = split_ == Split::kAuto && probe_second_ && last_split_;
  bool cold_probe = false;  // a probe's first batch, its workers asleep (timed: wake_ns learns from it)
  if (split_ == Split::kAuto) {
    const double c = stats_.member_ns;
    split = c > 0 && (longest * c + stats_.sync_ns) * 1.1 < n * c;
    if (split) {
      // clearly faster split (by a quarter): after a slow stretch sends the rule inline, probe
      // again soon. A marginal split keeps the gap: there the rule flips with the noise of c, and
      // each flip back to 64 meant hundreds of probes a second, each waking the workers
      if ((longest * c + stats_.sync_ns) * 1.25 < n * c) probe_gap_ = 64;
    } else if (probe_second_) {
      split = true;
    } else if (c > 0 && batches_ >= next_probe_) {
      split = true;
      probe_second_ = true;
      probe_end = last_split_;
      cold_probe = !last_split_;
      ++stats_.probes;
      next_probe_ = batches_ + probe_gap_;
      // the gap doubles up to 4096 batches, or further, to where probes would cost about 1 % of the
      // stepping time (a target, not a bound: a clearly faster split resets the gap to 64): a probe
      // costs about wake_ns + sync_ns more than its two batches inline (n·c each; wake_ns holds one
      // synchronisation already, so this errs towards fewer probes). Measured at 16
      // Pavlovian members (≈ 0.4 µs a batch): with this bound but a gap reset by every split, 283
      // probes in 0.4 s, each waking the workers for ≈ 60 µs (≈ 4 % of the run; the old rule
      // probed at least as often); with the marginal split's kept gap too, 48-135 probes of
      // 27-145 µs (0.8-1.9 %)
      const double budget = 100.0 * (stats_.wake_ns + stats_.sync_ns) / (n * c);
      const auto most = static_cast<std::int64_t>(std::clamp(budget, 4096.0, 4194304.0));
      probe_gap_ = std::min<std::int64_t>(2 * probe_gap_, most);
    }
    if (split && last_split_) probe_second_ = false;
  }
  // where the actions are checked: a serial pass here costs n·k (k measured per action), a check
  // by the workers an extra wait for all of them at the start of the batch (≈ a synchronisation):
  // measured, the serial pass over 1,024 DelayMatchCategory actions not in cache was ~8 % of a
  // batch (workers: 1.5 → 1.8×), while for 256 SaccadeAntisaccade members the wait cost more than
  // the pass saved (1.7 → 1.3×; benchmarks/results/throughput.md). A split batch whose batch count
  // (batches_, inline ones included) is a multiple of 64 checks here, timed, so k follows the
  // machine and the caller's data.
  job.validate = split && (check_ == Check::kWorkers ||
                           (stats_.check_ns > 0 && stats_.check_ns * n > 2.0 * stats_.sync_ns && (batches_ & 63) != 0));
  if (!job.validate) {
    const bool time_check = stats_.check_ns == 0 || (batches_ & 63) == 0;
    const auto c0 = time_check ? Clock::now() : Clock::time_point{};
    validate();
    if (time_check) {
      const double k = ns_between(c0, Clock::now()) / n;
      stats_.check_ns = stats_.check_ns == 0 ? k : stats_.check_ns + (k - stats_.check_ns) / 8;
    }
  } else {
    ++stats_.parallel_checks;
  }
  const bool warm = last_split_;
  last_split_ = split;
  ++batches_;
  // timed: the first 8 batches of each mode, then one in 16, and a probe's warm batch. When every
  // split batch was timed, with its serial check, it read the clock six times (≈ 125 ns here, ≈ 2 %
  // of a split 256-member SaccadeAntisaccade batch)
  job.timed = (split ? stats_.split_batches < 8 || probe_end || cold_probe : stats_.inline_batches < 8) ||
              (batches_ & 15) == 0;
  const auto t0 = job.timed ? Clock::now() : Clock::time_point{};
  run(job, split);
  if (const std::int64_t bad = job.bad.load(std::memory_order_acquire); bad != Job::kNoBad) throw refused(static_cast<std::size_t>(bad));
  ++(split ? stats_.split_batches : stats_.inline_batches);
  if (!job.timed) return;
  const double wall = ns_between(t0, Clock::now());
  auto average = [](double& avg, double x) { avg = avg == 0 ? x : avg + (x - avg) / 8; };
  if (cold_probe) {
    // like s: a single sample (a preemption) counts at most 4x the current value
    const double x = std::max(0.0, wall - n * stats_.member_ns);
    average(stats_.wake_ns, stats_.wake_ns > 0 ? std::min(x, 4.0 * stats_.wake_ns) : x);
  }
  if (split) {
    const double caller_ns = slices_[0].ns;
    average(stats_.member_ns, caller_ns / part);
    if (warm) {
      const double x = std::max(0.0, wall - caller_ns);
      average(stats_.sync_ns, stats_.sync_ns > 0 ? std::min(x, 4.0 * stats_.sync_ns) : x);
      ++stats_.sync_samples;
    }
  } else {
    average(stats_.member_ns, wall / n);
  }
}

}  // namespace sgym
