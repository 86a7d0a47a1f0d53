// VectorEnv: mixed seeds, both autoreset modes, serial == threaded bit for bit, clear errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/vector_env.hpp"
#include "sgym/wrappers.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

namespace {
struct Buffers {
  std::vector<float> obs, final_obs;
  std::vector<double> rewards;
  std::vector<std::uint8_t> terminated, truncated;
  Buffers(const VectorEnv& v, bool with_final)
      : obs(v.num_envs() * v.obs_size()), final_obs(with_final ? v.num_envs() * v.obs_size() : 0),
        rewards(v.num_envs()), terminated(v.num_envs()), truncated(v.num_envs()) {}
  VectorBuffers view() { return {obs, rewards, terminated, truncated, final_obs}; }
};

// appends everything a step wrote to the trace
void append(std::vector<double>& trace, const VectorBuffers& out) {
  trace.insert(trace.end(), out.obs.begin(), out.obs.end());
  trace.insert(trace.end(), out.rewards.begin(), out.rewards.end());
  trace.insert(trace.end(), out.terminated.begin(), out.terminated.end());
  trace.insert(trace.end(), out.truncated.begin(), out.truncated.end());
  trace.insert(trace.end(), out.final_obs.begin(), out.final_obs.end());
}

// a trace of everything the vector env wrote over `steps` steps; with threads, every batch is split
// (the measured rule would keep this cheap env on one thread)
std::vector<double> rollout(int threads, VectorEnv::Autoreset mode, std::uint64_t seed, int steps = 200,
                            int members = 5) {
  VectorEnv v([] { return make_env("Pavlovian-v0", {{"omission_prob", "0.5"}, {"unexpected_prob", "0.2"}}); },
              members, mode, threads);
  v.set_split(VectorEnv::Split::kAlways);
  Buffers b(v, mode == VectorEnv::Autoreset::kSameStep);
  std::vector<Action> actions(static_cast<std::size_t>(members), Action::discrete(0));
  std::vector<double> trace;
  v.reset(seed, b.view());
  for (int t = 0; t < steps; ++t) {
    v.step(actions, b.view());
    append(trace, b.view());
  }
  return trace;
}
}  // namespace

TEST_CASE("VectorEnv: serial and threaded give identical results", "[vector]") {
  for (auto mode : {VectorEnv::Autoreset::kNextStep, VectorEnv::Autoreset::kSameStep}) {
    const auto serial = rollout(1, mode, 3);
    REQUIRE(serial == rollout(2, mode, 3));
    REQUIRE(serial == rollout(4, mode, 3));
    REQUIRE(serial != rollout(1, mode, 4));
  }
}

namespace {
// `count` elements of T starting `offset` bytes (rounded down to T's size) past a cache line
template <class T>
std::span<T> placed(std::vector<std::byte>& storage, std::size_t count, int offset) {
  storage.assign(count * sizeof(T) + 128, std::byte{0});
  const auto p = reinterpret_cast<std::uintptr_t>(storage.data());
  const std::size_t skip = (64 - p % 64) % 64 + static_cast<std::size_t>(offset) / sizeof(T) * sizeof(T);
  return {reinterpret_cast<T*>(storage.data() + skip), count};
}

// rollout() with every output buffer at `offset` from a cache line, members whose trials last 25 to
// 29 steps (so episodes end on different steps) and observation noise (so no two rows are alike),
// and final_obs filled with -7 first (rows of members that did not end must keep it)
std::vector<double> rollout_at(int threads, VectorEnv::Autoreset mode, int members, int offset, int steps = 90) {
  int made = 0;
  auto make = [&]() -> std::unique_ptr<Env> {
    const int k = made++ % 5;
    return std::make_unique<ObservationNoise>(
        make_env("Pavlovian-v0", {{"omission_prob", "0.5"}, {"trial_ms", std::to_string(2500 + 100 * k)},
                                  {"cs_onset_ms", std::to_string(1000 + 100 * k)}}),
        0.1);
  };
  VectorEnv v(make, members, mode, threads);
  v.set_split(VectorEnv::Split::kAlways);
  const auto n = static_cast<std::size_t>(members);
  std::vector<std::byte> obs, rewards, terminated, truncated, final_obs;
  const bool same = mode == VectorEnv::Autoreset::kSameStep;
  const VectorBuffers out{placed<float>(obs, n * v.obs_size(), offset), placed<double>(rewards, n, offset),
                          placed<std::uint8_t>(terminated, n, offset), placed<std::uint8_t>(truncated, n, offset),
                          same ? placed<float>(final_obs, n * v.obs_size(), offset) : std::span<float>{}};
  std::fill(out.final_obs.begin(), out.final_obs.end(), -7.0f);
  std::vector<Action> actions(n, Action::discrete(0));
  std::vector<double> trace;
  v.reset(3, out);
  for (int t = 0; t < steps; ++t) {
    v.step(actions, out);
    append(trace, out);
  }
  return trace;
}
}  // namespace

TEST_CASE("VectorEnv: every slice layout and buffer offset gives the serial result", "[vector]") {
  // sizes whose slices end mid cache line in every output array (staged edge rows), slices smaller
  // than a line (all staged), and buffers at offsets from a line that move which rows are staged;
  // same-step mode also checks that the final rows of members that did not end stay untouched
  for (auto mode : {VectorEnv::Autoreset::kNextStep, VectorEnv::Autoreset::kSameStep})
    for (int members : {2, 7, 37, 130})
      for (int offset : {0, 1, 8, 12, 24, 32, 40, 56, 63}) {
        INFO(members << " members, offset " << offset << ", same-step " << (mode == VectorEnv::Autoreset::kSameStep));
        const auto serial = rollout_at(1, mode, members, offset);
        for (int threads : {2, 3, 4}) {
          INFO(threads << " threads");
          REQUIRE(serial == rollout_at(threads, mode, members, offset));
        }
      }
}

TEST_CASE("VectorEnv: the split rule's choices are counted", "[vector]") {
  for (auto split : {VectorEnv::Split::kAuto, VectorEnv::Split::kAlways}) {
    VectorEnv v([] { return make_env("Pavlovian-v0"); }, 16, VectorEnv::Autoreset::kNextStep, 2);
    REQUIRE(v.threads() == 2);
    v.set_split(split);
    Buffers b(v, false);
    std::vector<Action> a(16, Action::discrete(0));
    v.reset(0, b.view());
    for (int t = 0; t < 100; ++t) v.step(a, b.view());
    const auto s = v.stats();
    REQUIRE(s.inline_batches + s.split_batches == 100);
    REQUIRE(s.member_ns > 0);
    REQUIRE(s.sync_ns > 0);
    REQUIRE(s.sync_samples >= 1);
    if (split == VectorEnv::Split::kAlways) REQUIRE(s.split_batches == 100);
    else REQUIRE(s.inline_batches >= 1);  // the first batch is timed on the calling thread
  }
  // the estimate keeps learning from probes once the first 8 split batches (timed for that alone)
  // are spent: the 5th probe, near batch 960, must still give a sample (split throughout, the
  // first 8 split batches alone give 7)
  {
    VectorEnv v([] { return make_env("Pavlovian-v0"); }, 16, VectorEnv::Autoreset::kNextStep, 2);
    Buffers b(v, false);
    std::vector<Action> a(16, Action::discrete(0));
    v.reset(0, b.view());
    for (int t = 0; t < 1100; ++t) v.step(a, b.view());
    const auto s = v.stats();
    INFO(s.split_batches << " split batches, " << s.sync_samples << " samples");
    REQUIRE(s.sync_samples >= 5);  // kept inline: probes at batches 1, 65, 193, 449 and 961
  }
  VectorEnv one([] { return make_env("Pavlovian-v0"); }, 4, VectorEnv::Autoreset::kNextStep, 8);
  REQUIRE(one.threads() == 4);  // never more workers than members
}

TEST_CASE("VectorEnv: member i is seeded with mix_seed(seed, i)", "[vector]") {
  const KeyValues opts = {{"omission_prob", "0.5"}};
  VectorEnv v([&] { return make_env("Pavlovian-v0", opts); }, 3);
  Buffers b(v, false);
  v.reset(10, b.view());
  for (int i = 0; i < 3; ++i) {
    auto single = make_env("Pavlovian-v0", opts);
    auto r = single->reset(mix_seed(10, static_cast<std::uint64_t>(i)));
    REQUIRE(r.info.get_string("condition") == v.info(i).get_string("condition"));
  }
}

TEST_CASE("VectorEnv: next-step autoreset returns the reset observation one step later", "[vector]") {
  VectorEnv v([] { return make_env("Pavlovian-v0"); }, 2);
  Buffers b(v, false);
  std::vector<Action> a(2, Action::discrete(0));
  v.reset(1, b.view());
  for (int t = 0; t < 29; ++t) {
    v.step(a, b.view());
    REQUIRE(b.terminated[0] == 0);
  }
  v.step(a, b.view());  // step 30 ends the trial
  REQUIRE(b.terminated[0] == 1);
  REQUIRE(v.info(0).get_string("trial_outcome") == "rewarded");
  v.step(a, b.view());  // the reset step
  REQUIRE(b.terminated[0] == 0);
  REQUIRE(b.rewards[0] == 0.0);
  REQUIRE(v.info(0).get_int("t") == 0);
  REQUIRE(v.info(0).get_int("trial") == 2);
}

TEST_CASE("VectorEnv: same-step autoreset keeps the final observation", "[vector]") {
  // noisy observations make every row distinct, so the final and reset rows can be told apart
  auto make = [] { return std::make_unique<ObservationNoise>(make_env("Pavlovian-v0"), 0.1); };
  VectorEnv v(make, 2, VectorEnv::Autoreset::kSameStep);
  Buffers b(v, true);
  std::vector<Action> a(2, Action::discrete(0));
  v.reset(1, b.view());
  for (int t = 0; t < 30; ++t) v.step(a, b.view());
  REQUIRE(b.terminated[0] == 1);
  REQUIRE(v.info(0).get_int("t") == 0);  // already reset

  auto single = make();
  single->reset(mix_seed(1, 0));
  std::vector<float> last;
  for (int t = 0; t < 30; ++t) {
    auto r = single->step(Action::discrete(0));
    last.assign(r.obs.begin(), r.obs.end());
  }
  auto next = single->reset();
  const auto n = static_cast<std::ptrdiff_t>(v.obs_size());
  REQUIRE(std::vector<float>(b.final_obs.begin(), b.final_obs.begin() + n) == last);
  REQUIRE(std::vector<float>(b.obs.begin(), b.obs.begin() + n) == std::vector<float>(next.obs.begin(), next.obs.end()));
}

TEST_CASE("VectorEnv: bad buffers and actions are clear errors", "[vector]") {
  VectorEnv v([] { return make_env("Pavlovian-v0"); }, 3, VectorEnv::Autoreset::kNextStep, 2);
  Buffers b(v, false);
  v.reset(0, b.view());
  std::vector<Action> a(3, Action::discrete(0));
  a[2] = Action::discrete(4);
  REQUIRE_THROWS_AS(v.step(a, b.view()), InvalidAction);
  REQUIRE_THROWS_WITH(v.step(a, b.view()), Contains("vector member 2") && Contains("Discrete(1)"));
  a.pop_back();
  REQUIRE_THROWS_WITH(v.step(a, b.view()), Contains("got 2 actions for 3 envs"));
  std::vector<double> short_rewards(2);
  VectorBuffers bad = b.view();
  bad.rewards = short_rewards;
  REQUIRE_THROWS_WITH(v.reset(0, bad), Contains("rewards has 2 elements, needs 3"));
  REQUIRE_THROWS_AS(VectorEnv([] { return make_env("Pavlovian-v0"); }, 0), std::invalid_argument);
}

TEST_CASE("VectorEnv: a bad action in a split batch leaves every member untouched and names the lowest bad member", "[vector]") {
  // With Check::kWorkers the workers validate their own slices in parallel and step only when
  // every slice is valid (the twin keeps the default rule).
  // With 40 members on 2 threads (slices 0-19 and 20-39), a bad action in the calling thread's
  // slice, in the worker's, or in both is refused naming the lowest bad member; the output buffers
  // and every member stay as they were, so the next good batch matches a twin that never saw the bad one.
  auto make = [] { return make_env("DelayMatchCategory-v0", {{"noise_sd", "0.3"}}); };
  for (const std::vector<int>& bad_members : {std::vector<int>{3}, std::vector<int>{33}, std::vector<int>{37, 5}, std::vector<int>{19, 20}}) {
    INFO("bad members " << bad_members[0] << (bad_members.size() > 1 ? " and " + std::to_string(bad_members[1]) : ""));
    VectorEnv v(make, 40, VectorEnv::Autoreset::kNextStep, 2), twin(make, 40, VectorEnv::Autoreset::kNextStep, 2);
    v.set_split(VectorEnv::Split::kAlways);
    v.set_check(VectorEnv::Check::kWorkers);
    twin.set_split(VectorEnv::Split::kAlways);
    Buffers b(v, false), bt(twin, false);
    v.reset(7, b.view());
    twin.reset(7, bt.view());
    std::vector<Action> good(40, Action::discrete(0)), bad = good;
    for (int m : bad_members) bad[static_cast<std::size_t>(m)] = Action::discrete(9);
    for (int t = 0; t < 5; ++t) {
      v.step(good, b.view());
      twin.step(good, bt.view());
    }
    // the refused batch gets fresh buffers full of a sentinel: nothing may be written to them (a
    // flush of the stale staging areas would write the edge rows)
    Buffers fresh(v, false);
    std::fill(fresh.obs.begin(), fresh.obs.end(), -7.0f);
    std::fill(fresh.rewards.begin(), fresh.rewards.end(), -7.0);
    std::fill(fresh.terminated.begin(), fresh.terminated.end(), std::uint8_t{7});
    std::fill(fresh.truncated.begin(), fresh.truncated.end(), std::uint8_t{7});
    const auto stats = v.stats();
    const int lowest = *std::min_element(bad_members.begin(), bad_members.end());
    REQUIRE_THROWS_WITH(v.step(bad, fresh.view()), Contains("vector member " + std::to_string(lowest) + ")"));
    CHECK(std::all_of(fresh.obs.begin(), fresh.obs.end(), [](float x) { return x == -7.0f; }));
    CHECK(std::all_of(fresh.rewards.begin(), fresh.rewards.end(), [](double x) { return x == -7.0; }));
    CHECK(std::all_of(fresh.terminated.begin(), fresh.terminated.end(), [](std::uint8_t x) { return x == 7; }));
    CHECK(std::all_of(fresh.truncated.begin(), fresh.truncated.end(), [](std::uint8_t x) { return x == 7; }));
    CHECK(v.stats().parallel_checks == stats.parallel_checks);  // a refused batch changes no statistic
    CHECK(v.stats().split_batches == stats.split_batches);
    for (int t = 0; t < 20; ++t) {
      v.step(good, b.view());
      twin.step(good, bt.view());
    }
    CHECK(b.obs == bt.obs);
    CHECK(b.rewards == bt.rewards);
    CHECK(v.stats().parallel_checks == 25);  // every good batch, on the workers
    for (int i = 0; i < 40; ++i) CHECK(v.info(i).get_int("t") == twin.info(i).get_int("t"));
  }
}

namespace {
// Pavlovian whose step (or reset) throws once, at its `at`-th call, when `fail` is set: a member
// env with a bug, or one that meets a condition it cannot handle
class Faulty final : public Wrapper {
 public:
  Faulty(bool fail, bool in_reset, int at)
      : Wrapper(make_env("Pavlovian-v0", {{"omission_prob", "0.5"}})), fail_(fail), in_reset_(in_reset), at_(at) {}

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override {
    if (fail_ && in_reset_ && ++calls_ == at_) throw std::runtime_error("sensor cable unplugged");
    return Wrapper::do_reset(seed);
  }
  StepResult do_step(const Action& a) override {
    if (fail_ && !in_reset_ && ++calls_ == at_) throw std::runtime_error("sensor cable unplugged");
    return Wrapper::do_step(a);
  }

 private:
  bool fail_, in_reset_;
  int at_, calls_ = 0;
};
}  // namespace

TEST_CASE("VectorEnv: a member that throws is named, and the vector env needs reset() after it", "[vector]") {
  // 40 members on 1 thread (inline) and on 2 (every batch split: slices 0-19 and 20-39); the
  // members in `faulty` throw at their 4th step (or at their 2nd reset, the first autoreset, with
  // trials of 30 steps); the error names the lowest of them and nests what it threw; step() is
  // refused until reset(), after which the vector env runs as a twin that never failed
  // Which call throws: the member's own step(), the next-step autoreset's reset() (its 2nd reset,
  // after 30 steps), the same-step autoreset's reset() inside step(), or the vector env's first
  // reset() itself
  enum class Where { kStep, kAutoreset, kSameStep, kFirstReset };
  struct Case {
    std::vector<int> faulty;
    Where where;
    int threads;
  };
  for (const Case& c : {Case{{5}, Where::kStep, 1}, Case{{33}, Where::kStep, 2}, Case{{37, 5}, Where::kStep, 2},
                        Case{{20}, Where::kAutoreset, 2}, Case{{19}, Where::kAutoreset, 1},
                        Case{{26, 3}, Where::kSameStep, 2}, Case{{8}, Where::kSameStep, 1},
                        Case{{2, 39}, Where::kFirstReset, 2}, Case{{17}, Where::kFirstReset, 1}}) {
    // (one faulty member on one thread: the batch stops at the first that throws, so a later one
    // would throw at the next reset() instead; on two threads both slices run to their end)
    INFO("faulty member " << c.faulty[0] << (c.faulty.size() > 1 ? " and more" : "") << ", threads " << c.threads
                          << ", where " << static_cast<int>(c.where));
    const bool in_reset = c.where != Where::kStep;
    const auto mode = c.where == Where::kSameStep ? VectorEnv::Autoreset::kSameStep : VectorEnv::Autoreset::kNextStep;
    int made = 0;
    auto make = [&]() -> std::unique_ptr<Env> {
      const int i = made++;
      const bool fail = std::find(c.faulty.begin(), c.faulty.end(), i) != c.faulty.end();
      return std::make_unique<Faulty>(fail, in_reset, c.where == Where::kStep ? 4 : c.where == Where::kFirstReset ? 1 : 2);
    };
    VectorEnv v(make, 40, mode, c.threads);
    made = 0;
    VectorEnv twin([&]() -> std::unique_ptr<Env> { return std::make_unique<Faulty>(false, false, 0); }, 40, mode,
                   c.threads);
    v.set_split(VectorEnv::Split::kAlways);
    twin.set_split(VectorEnv::Split::kAlways);
    const bool same_step = mode == VectorEnv::Autoreset::kSameStep;
    Buffers b(v, same_step), bt(twin, same_step);
    std::vector<Action> actions(40, Action::discrete(0));
    REQUIRE_THROWS_AS(v.step(actions, b.view()), ResetNeeded);  // before any reset()
    REQUIRE_THROWS_WITH(v.step(actions, b.view()), Contains("before reset()"));
    const int lowest = *std::min_element(c.faulty.begin(), c.faulty.end());
    bool threw = false;
    auto check = [&](const MemberError& e, int t) {
      threw = true;
      CHECK(e.member() == lowest);
      const std::string what = e.what();
      const std::string call = c.where == Where::kStep       ? "step()"
                               : c.where == Where::kSameStep ? "reset() (same-step autoreset)"
                                                             : "reset()";
      CHECK_THAT(what, Contains("(vector member " + std::to_string(lowest) + "): its " + call +
                                " threw: sensor cable unplugged"));
      CHECK_THAT(what, Contains("needs reset()"));
      CHECK_THROWS_WITH(std::rethrow_if_nested(e), "sensor cable unplugged");  // the original, nested
      CHECK(t == (c.where == Where::kStep ? 3 : c.where == Where::kAutoreset ? 30 : c.where == Where::kSameStep ? 29 : -1));
    };
    try {
      v.reset(11, b.view());
    } catch (const MemberError& e) {
      check(e, -1);
    }
    for (int t = 0; t < 40 && !threw; ++t) {
      try {
        v.step(actions, b.view());
      } catch (const MemberError& e) {
        check(e, t);
      }
    }
    REQUIRE(threw);
    REQUIRE_THROWS_AS(v.step(actions, b.view()), ResetNeeded);
    REQUIRE_THROWS_WITH(v.step(actions, b.view()), Contains("member " + std::to_string(lowest) + " threw"));
    v.reset(11, b.view());
    twin.reset(11, bt.view());
    for (int t = 0; t < 70; ++t) {  // through the next autoresets: each Faulty throws once only
      v.step(actions, b.view());
      twin.step(actions, bt.view());
    }
    CHECK(b.obs == bt.obs);
    CHECK(b.rewards == bt.rewards);
    CHECK(b.terminated == bt.terminated);
    CHECK(b.final_obs == bt.final_obs);
  }
}
