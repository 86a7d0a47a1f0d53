// Zero heap allocations per step and per reset after warm-up, for every env (random actions) and every
// agent on every env it declares compatible (issue 17 item 3). A dedicated executable: it replaces
// the global operator new/delete and, on glibc, interposes malloc itself, so allocations that bypass
// operator new (Box2D's b2Alloc, which its block and stack allocators call when they grow) count too.
// Counting is armed only around the calls under test (and only while it is armed on any thread, so a
// VectorEnv's workers count as well); Catch2's own allocations fall outside the armed windows.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <new>
#include <sstream>
#include <string>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/info.hpp"
#include "sgym/vector_env.hpp"

// ---------------------------------------------------------------------------------------------
// the counting allocator
namespace {
std::atomic<bool> g_armed{false};
std::atomic<long> g_news{0};     // operator new calls while armed
std::atomic<long> g_mallocs{0};  // malloc-family calls while armed (includes those under operator new)
// SGYM_ALLOC_TRAP=1 stops at the first counted allocation, for a backtrace under a debugger
const bool g_trap = std::getenv("SGYM_ALLOC_TRAP") != nullptr;
std::atomic<bool> g_warm{false};  // armed for a measured (not a warm-up) call
void count_malloc() {
  if (!g_armed.load(std::memory_order_relaxed)) return;
  g_mallocs.fetch_add(1, std::memory_order_relaxed);
  if (g_trap && g_warm.load(std::memory_order_relaxed)) __builtin_trap();
}
}  // namespace

#if defined(__GLIBC__)
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) {
  count_malloc();
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t s) {
  count_malloc();
  return __libc_calloc(n, s);
}
void* realloc(void* p, std::size_t n) {
  count_malloc();
  return __libc_realloc(p, n);
}
void* memalign(std::size_t a, std::size_t n) {
  count_malloc();
  return __libc_memalign(a, n);
}
void* aligned_alloc(std::size_t a, std::size_t n) { return memalign(a, n); }
int posix_memalign(void** out, std::size_t a, std::size_t n) {
  void* p = memalign(a, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
void free(void* p) { __libc_free(p); }
}
#endif

namespace {
void* counted_new(std::size_t n, std::size_t align = 0) {
  if (g_armed.load(std::memory_order_relaxed)) g_news.fetch_add(1, std::memory_order_relaxed);
  if (n == 0) n = 1;
  void* p = align > alignof(std::max_align_t) ? std::aligned_alloc(align, (n + align - 1) / align * align)
                                               : std::malloc(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t n) { return counted_new(n); }
void* operator new[](std::size_t n) { return counted_new(n); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_new(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_new(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

// ---------------------------------------------------------------------------------------------
using namespace sgym;

namespace {

/// Allocations counted over the calls of one kind.
struct Tally {
  long news = 0, mallocs = 0, calls = 0;
  bool warm = true;  // false for the warm-up's scratch tallies
  /// Runs f armed and adds what it allocated.
  template <class F>
  decltype(auto) count(F&& f) {
    const long n0 = g_news.load(), m0 = g_mallocs.load();
    struct Disarm {
      ~Disarm() { g_armed.store(false); }
    } disarm;
    g_warm.store(warm);
    g_armed.store(true);
    ++calls;
    struct Add {
      Tally& t;
      long n0, m0;
      ~Add() {
        t.news += g_news.load() - n0;
        t.mallocs += g_mallocs.load() - m0;
      }
    } add{*this, n0, m0};
    return f();
  }
  bool zero() const { return news == 0 && mallocs == 0; }
};

std::ostream& operator<<(std::ostream& os, const Tally& t) {
  return os << t.news << " new / " << t.mallocs << " malloc over " << t.calls << " calls";
}

// warm-up and measured budgets: the first kWarmup episodes are free; then at least kMinEpisodes more
// (so that resets are measured) and at most kMaxSteps measured steps
constexpr int kWarmup = 2;
constexpr int kMinEpisodes = 6;
constexpr long kMaxSteps = 20000;

/// Every registered env with each test variant: (label, options).
std::vector<std::pair<const EnvEntry*, KeyValues>> env_variants() {
  std::vector<std::pair<const EnvEntry*, KeyValues>> out;
  for (const EnvEntry& e : env_registry()) {
    out.emplace_back(&e, KeyValues{});
    for (const auto& v : e.test_variants) out.emplace_back(&e, v);
  }
  return out;
}

std::string label(const EnvEntry& e, const KeyValues& options) {
  std::ostringstream os;
  os << e.id;
  for (const auto& [k, v] : options) os << " " << k << "=" << v;
  return os.str();
}

bool report_wanted() { return std::getenv("SGYM_ALLOC_REPORT") != nullptr; }

}  // namespace

TEST_CASE("Every env steps and resets without heap allocations after warm-up", "[alloc]") {
  for (const auto& [entry, options] : env_variants()) {
    auto env = make_env(*entry, options);
    Rng rng(7);
    Action a;
    Tally steps, resets;
    long measured_steps = 0;
    for (int ep = 0;; ++ep) {
      const bool measure = ep >= kWarmup;
      if (measure && ep >= kWarmup + kMinEpisodes && measured_steps >= 1000) break;
      if (measured_steps >= kMaxSteps && ep >= kWarmup + 1) break;
      Tally scratch{.warm = false};
      Tally& rt = measure ? resets : scratch;
      rt.count([&] { env->reset(ep == 0 ? std::optional<std::uint64_t>(3) : std::nullopt); });
      for (;;) {
        env->action_space().sample_into(rng, a);
        Tally& st = measure ? steps : scratch;
        const StepResult r = st.count([&] { return env->step(a); });
        if (measure) ++measured_steps;
        if (r.terminated || r.truncated) break;
      }
    }
    INFO(label(*entry, options) << ": steps " << steps << ", resets " << resets);
    if (report_wanted())
      std::printf("env %-40s steps %ld new %ld malloc /%ld; resets %ld new %ld malloc /%ld\n",
                  label(*entry, options).c_str(), steps.news, steps.mallocs, steps.calls, resets.news,
                  resets.mallocs, resets.calls);
    CHECK(steps.zero());
    CHECK(resets.zero());
  }
}

TEST_CASE("Every agent acts and learns without heap allocations after warm-up", "[alloc]") {
  for (const AgentEntry& agent : agent_registry()) {
    // issue 17 asks this of every learning agent; an agent that declares a reason in its entry
    // (AgentEntry::allocates_per_act, e.g. the CurveTracing battery's scripted subjects) is left out
    if (!agent.allocates_per_act.empty()) continue;
    for (const auto& [entry, options] : env_variants()) {
      auto env = make_env(*entry, options);
      const Space obs_space = env->observation_space(), act_space = env->action_space();
      if (!agent_env_mismatch(agent, entry->id, obs_space, act_space).empty()) continue;
      auto ag = make_agent(agent, obs_space, act_space, {}, 5);
      Tally agent_calls, env_calls;
      long measured_steps = 0;
      std::vector<float> obs;
      obs.reserve(obs_space.flat_size());
      for (int ep = 0;; ++ep) {
        const bool measure = ep >= kWarmup;
        if (measure && ep >= kWarmup + kMinEpisodes && measured_steps >= 1000) break;
        if (measured_steps >= kMaxSteps / 2 && ep >= kWarmup + 1) break;
        Tally scratch{.warm = false};
        Tally& et = measure ? env_calls : scratch;
        Tally& at = measure ? agent_calls : scratch;
        const ResetResult r0 = et.count([&] { return env->reset(ep == 0 ? std::optional<std::uint64_t>(3) : std::nullopt); });
        obs.assign(r0.obs.begin(), r0.obs.end());
        at.count([&] { ag->begin_episode(); });
        for (;;) {
          // the order of sgym::interact, each side counted on its own
          const Action& act = at.count([&]() -> const Action& { return ag->act(obs); });
          const StepResult r = et.count([&] { return env->step(act); });
          obs.assign(r.obs.begin(), r.obs.end());
          at.count([&] {
            if (const std::string_view outcome = r.info.string_or_empty(info_keys::kTrialOutcome); !outcome.empty())
              ag->trial_ended(outcome);
            ag->observe(r.reward, obs, r.terminated, r.truncated);
          });
          if (measure) ++measured_steps;
          if (r.terminated || r.truncated) break;
        }
        at.count([&] { ag->end_episode(); });
      }
      INFO(agent.id << " on " << label(*entry, options) << ": agent " << agent_calls << ", env " << env_calls);
      if (report_wanted())
        std::printf("agent %-22s on %-40s agent %ld new %ld malloc /%ld calls (%ld steps)\n", agent.id.c_str(),
                    label(*entry, options).c_str(), agent_calls.news, agent_calls.mallocs, agent_calls.calls,
                    measured_steps);
      CHECK(agent_calls.zero());
      CHECK(env_calls.zero());
    }
  }
}

TEST_CASE("VectorEnv steps on threads without heap allocations after warm-up", "[alloc][vector]") {
  for (const char* id : {"SaccadeAntisaccade-v0", "BipedalWalker-v3"}) {
    for (int threads : {1, 2}) {
      VectorEnv v([&] { return make_env(id); }, 8, VectorEnv::Autoreset::kNextStep, threads);
      std::vector<float> obs(v.num_envs() * v.obs_size());
      std::vector<double> rewards(static_cast<std::size_t>(v.num_envs()));
      std::vector<std::uint8_t> term(rewards.size()), trunc(rewards.size());
      const VectorBuffers out{obs, rewards, term, trunc, {}};
      Rng rng(1);
      std::vector<Action> actions(rewards.size());
      v.reset(1, out);
      Tally steps;
      for (int t = 0; t < 3000; ++t) {
        for (auto& a : actions) v.single_action_space().sample_into(rng, a);
        Tally scratch{.warm = false};
        (t >= 1500 ? steps : scratch).count([&] { v.step(actions, out); });
      }
      INFO(id << " x 8 on " << threads << " threads: " << steps);
      CHECK(steps.zero());
    }
  }
}
