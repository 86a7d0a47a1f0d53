// Core contract: RNG, spaces, info, options, agent files, wrappers.
#include <catch2/catch.hpp>
#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "sgym/agents.hpp"
#include "sgym/conformance.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/runner.hpp"
#include "sgym/wrappers.hpp"

using namespace sgym;
using Catch::Matchers::Contains;
using json = nlohmann::json;

namespace {
std::filesystem::path scratch(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("sgym-test-" + std::to_string(::getpid())) / name;
  std::filesystem::create_directories(p.parent_path());
  std::filesystem::remove_all(p);
  return p;
}
}  // namespace

TEST_CASE("Rng streams are reproducible and well spread", "[core][rng]") {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    REQUIRE(x == b.next_u64());
    differs = differs || x != c.next_u64();
  }
  REQUIRE(differs);
  // known first output pins the generator itself (xoshiro256** seeded by SplitMix64 of 0)
  Rng z(0);
  const auto first = z.next_u64();
  Rng z2(0);
  REQUIRE(first == z2.next_u64());

  double sum = 0, sq = 0;
  const int n = 200000;
  Rng r(7);
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    const auto k = r.below(7);
    REQUIRE(k < 7);
    const double g = r.normal();
    sum += g;
    sq += g * g;
  }
  CHECK(sum / n == Approx(0.0).margin(0.01));
  CHECK(sq / n == Approx(1.0).margin(0.02));
}

TEST_CASE("ziggurat_normal: the standard normal, its layers, tails and a KS test", "[core][rng]") {
  const ZigguratTable& t = ziggurat_table();
  // the layers close: the top layer's bottom plus one layer's height reaches the mode
  const double top = t.f[ZigguratTable::kLayers - 1] + ZigguratTable::kV / t.x[ZigguratTable::kLayers - 1];
  CHECK(top == Approx(1.0).margin(1e-9));
  for (int i = 0; i < ZigguratTable::kLayers; ++i) REQUIRE(t.x[static_cast<std::size_t>(i)] > t.x[static_cast<std::size_t>(i) + 1]);
  Rng r(2024);
  constexpr int n = 400000;
  std::vector<double> xs(n);
  double sum = 0, sq = 0, q4 = 0;
  int beyond_r = 0, beyond_2 = 0, negative = 0;
  for (auto& x : xs) {
    x = ziggurat_normal(r, t);
    sum += x;
    sq += x * x;
    q4 += x * x * x * x;
    beyond_r += std::fabs(x) > ZigguratTable::kR;  // drawn by the tail method
    beyond_2 += std::fabs(x) > 2.0;
    negative += x < 0;
  }
  CHECK(sum / n == Approx(0.0).margin(0.006));
  CHECK(sq / n == Approx(1.0).margin(0.008));
  CHECK(q4 / n == Approx(3.0).margin(0.06));
  CHECK(negative == Approx(n / 2.0).margin(5 * std::sqrt(n / 4.0)));
  const double p2 = std::erfc(2.0 / std::sqrt(2.0)), pr = std::erfc(ZigguratTable::kR / std::sqrt(2.0));
  CHECK(beyond_2 == Approx(n * p2).margin(5 * std::sqrt(n * p2)));
  CHECK(beyond_r == Approx(n * pr).margin(5 * std::sqrt(n * pr) + 2));
  CHECK(beyond_r > 0);  // the tail is reached
  // Kolmogorov-Smirnov against Φ: D·sqrt(n) < 1.63 at the 1 % level
  std::sort(xs.begin(), xs.end());
  double d = 0;
  for (int i = 0; i < n; ++i) {
    const double cdf = 0.5 * std::erfc(-xs[static_cast<std::size_t>(i)] / std::sqrt(2.0));
    d = std::max({d, std::fabs(cdf - static_cast<double>(i) / n), std::fabs(cdf - static_cast<double>(i + 1) / n)});
  }
  CHECK(d * std::sqrt(static_cast<double>(n)) < 1.63);
  // the same seed gives the same stream
  Rng a(5), b(5);
  for (int i = 0; i < 1000; ++i) REQUIRE(ziggurat_normal(a, t) == ziggurat_normal(b, t));
}

TEST_CASE("ziggurat_normal: the split fast path draws what the one-loop algorithm draws, bit for bit", "[core][rng]") {
  // the ziggurat written as one loop (Marsaglia & Tsang 2000; the form ziggurat_normal had before
  // its rare branches moved out of line): every value and the generator's state must agree
  const ZigguratTable& t = ziggurat_table();
  const auto reference = [&t](Rng& rng, int& wedges, int& tails) {
    for (;;) {
      const std::uint64_t u = rng.next_u64();
      const auto i = static_cast<std::size_t>(u & 0xFFu);
      const bool negative = ((u >> 8) & 1u) != 0;
      const double x = static_cast<double>(u >> 11) * 0x1.0p-53 * t.x[i];
      if (x < t.x[i + 1]) return negative ? -x : x;
      if (i == 0) {
        ++tails;
        for (;;) {
          const double e = -std::log(1.0 - rng.uniform()) / ZigguratTable::kR;
          const double y = -std::log(1.0 - rng.uniform());
          if (2.0 * y > e * e) return negative ? -(ZigguratTable::kR + e) : ZigguratTable::kR + e;
        }
      }
      ++wedges;
      const double y = t.f[i] + rng.uniform() * (t.f[i + 1] - t.f[i]);
      if (y < std::exp(-0.5 * x * x)) return negative ? -x : x;
    }
  };
  int wedges = 0, tails = 0;
  for (const std::uint64_t seed : {1ULL, 77ULL, 20261207ULL}) {
    Rng a(seed), b(seed);
    for (int k = 0; k < 200000; ++k) {
      const double x = ziggurat_normal(a, t), y = reference(b, wedges, tails);
      REQUIRE(std::signbit(x) == std::signbit(y));
      REQUIRE(x == y);
    }
    REQUIRE(a.state() == b.state());
  }
  CHECK(wedges > 1000);  // both rare branches were taken
  CHECK(tails > 10);
}

TEST_CASE("mix_seed decorrelates neighbouring members", "[core][rng]") {
  REQUIRE(mix_seed(1, 0) != mix_seed(1, 1));
  REQUIRE(mix_seed(1, 1) != mix_seed(2, 0));
  REQUIRE(mix_seed(5, 3) == mix_seed(5, 3));
  REQUIRE(mix_seed(5, 3) != 5 + 3);
}

TEST_CASE("Discrete space", "[core][space]") {
  const Space s = Space::discrete(3);
  REQUIRE(s.describe() == "Discrete(3)");
  REQUIRE(s.contains(Action::discrete(0)));
  REQUIRE(s.contains(Action::discrete(2)));
  REQUIRE_FALSE(s.contains(Action::discrete(3)));
  REQUIRE_FALSE(s.contains(Action::discrete(-1)));
  REQUIRE_FALSE(s.contains(Action::box({1.0f})));
  REQUIRE_THAT(s.why_not(Action::discrete(5)), Contains("index 5 is outside 0..2"));
  Rng r(1);
  for (int i = 0; i < 100; ++i) REQUIRE(s.contains(s.sample(r)));
  REQUIRE_THROWS_AS(Space::discrete(0), std::invalid_argument);
}

TEST_CASE("Box space: sample_into draws each element as the one general loop does, bit for bit", "[core][space]") {
  // the draws written out once for every kind of bound (sample_into has a faster loop for boxes
  // whose bounds are all finite): values and the generator's state must agree
  const float inf = std::numeric_limits<float>::infinity();
  const auto reference = [](const Space& s, Rng& rng) {
    std::vector<float> out;
    for (std::size_t i = 0; i < s.low().size(); ++i) {
      const double lo = s.low()[i], hi = s.high()[i];
      double v;
      if (std::isfinite(lo) && std::isfinite(hi)) v = lo + (hi - lo) * rng.uniform();
      else if (std::isfinite(lo)) v = lo + std::fabs(rng.normal());
      else if (std::isfinite(hi)) v = hi - std::fabs(rng.normal());
      else v = rng.normal();
      auto f = static_cast<float>(v);
      if (f > s.high()[i]) f = s.high()[i];
      if (f < s.low()[i]) f = s.low()[i];
      out.push_back(f);
    }
    return out;
  };
  for (const Space& s : {Space::box(0.0f, 1.0f, {64}), Space::box({-1.0f, 0.0f, 1e-30f, -3.0f}, {1.0f, 2.0f, 2e-30f, -3.0f}, {4}),
                         Space::box({-inf, 0.0f, -inf, -1.0f}, {inf, inf, 5.0f, 1.0f}, {4})}) {
    Rng a(9), b(9);
    Action act;
    for (int k = 0; k < 2000; ++k) {
      s.sample_into(a, act);
      const std::vector<float> want = reference(s, b);
      REQUIRE(act.values.size() == want.size());
      for (std::size_t i = 0; i < want.size(); ++i) REQUIRE(std::bit_cast<std::uint32_t>(act.values[i]) == std::bit_cast<std::uint32_t>(want[i]));
    }
    REQUIRE(a.state() == b.state());
  }
}

TEST_CASE("Box space", "[core][space]") {
  const Space s = Space::box({-1.0f, 0.0f}, {1.0f, 2.0f}, {2});
  REQUIRE(s.describe() == "Box([-1..0], [1..2], (2,), float32)");
  REQUIRE(Space::box(0.0f, 1.0f, {3, 4}).describe() == "Box(0, 1, (3, 4), float32)");
  REQUIRE(Space::box(0.0f, 1.0f, {3, 4}).flat_size() == 12);
  REQUIRE(s.contains(Action::box({0.5f, 2.0f})));
  REQUIRE_THAT(s.why_not(Action::box({0.5f})), Contains("expected 2 values, got 1"));
  REQUIRE_THAT(s.why_not(Action::box({0.5f, 2.5f})), Contains("element 1 = 2.5 is outside [0, 2]"));
  REQUIRE_THAT(s.why_not(Action::box({std::nanf(""), 0.0f})), Contains("element 0 is NaN"));
  Rng r(2);
  for (int i = 0; i < 1000; ++i) REQUIRE(s.contains(s.sample(r)));
  const float inf = std::numeric_limits<float>::infinity();
  const Space open = Space::box(-inf, inf, {4});
  REQUIRE_FALSE(open.bounded());
  for (int i = 0; i < 100; ++i) REQUIRE(open.contains(open.sample(r)));
  REQUIRE_THROWS_AS(Space::box({1.0f}, {0.0f}, {1}), std::invalid_argument);
  REQUIRE_THROWS_AS(Space::box(std::vector<float>{0.0f}, std::vector<float>{1.0f}, {2}), std::invalid_argument);
}

TEST_CASE("Space::first_outside finds the first action contains() refuses", "[core][space]") {
  // a batch check must agree with contains() action by action, for each way an action can fail
  const Space d = Space::discrete(3);
  std::vector<Action> batch(6, Action::discrete(1));
  REQUIRE(d.first_outside(batch) == batch.size());
  REQUIRE(d.first_outside({}) == 0);
  for (const Action& bad : {Action::discrete(3), Action::discrete(-1), Action::box({1.0f})}) {
    for (std::size_t at : {std::size_t{0}, std::size_t{3}, std::size_t{5}}) {
      std::vector<Action> b = batch;
      b[at] = bad;
      b[5] = bad;  // a later bad action does not hide the first
      REQUIRE(d.first_outside(b) == at);
    }
  }
  const Space box = Space::box({-1.0f, 0.0f}, {1.0f, 2.0f}, {2});
  std::vector<Action> cont(4, Action::box({0.5f, 1.0f}));
  REQUIRE(box.first_outside(cont) == cont.size());
  for (const Action& bad : {Action::box({0.5f}), Action::box({0.5f, 2.5f}), Action::box({std::nanf(""), 0.0f}), Action::discrete(0)}) {
    std::vector<Action> b = cont;
    b[2] = bad;
    REQUIRE_FALSE(box.contains(bad));
    REQUIRE(box.first_outside(b) == 2);
  }
}

TEST_CASE("Info overwrites in place and types its getters", "[core][info]") {
  Info info;
  info.set("epoch", "fixation");
  info.set("t", 3);
  info.set("x", 0.5);
  info.set("epoch", "delay");
  REQUIRE(info.items().size() == 3);
  REQUIRE(info.get_string("epoch") == "delay");
  REQUIRE(info.get_int("t") == 3);
  REQUIRE(info.get_double("t") == 3.0);
  REQUIRE(info.get_double("x") == 0.5);
  REQUIRE(info.string_or_empty("missing").empty());
  REQUIRE_THROWS_AS(info.get_bool("t"), std::out_of_range);
  REQUIRE_THROWS_WITH(info.get_int("missing"), Contains("missing"));
}

TEST_CASE("Info fields: declared once by name and type, written by index", "[core][info]") {
  Info info;
  const auto epoch = info.declare<std::string>("epoch");
  const auto t = info.declare<std::int64_t>("t");
  const auto x = info.declare<double>("x");
  const auto ok = info.declare<bool>("ok");
  const auto v = info.declare<std::vector<float>>("v");
  // declared in order, with zero values
  REQUIRE(info.items().size() == 5);
  REQUIRE(info.items()[0].first == "epoch");
  REQUIRE(info.items()[4].first == "v");
  REQUIRE(info.get_string("epoch").empty());
  REQUIRE(info.get_int("t") == 0);
  info.set(epoch, "fixation");
  info.set(t, 7);
  info.set(x, 0.25);
  info.set(ok, true);
  info.set(v, std::vector<float>{1.0f, 2.0f});
  REQUIRE(info.get_string("epoch") == "fixation");
  REQUIRE(info.get_int("t") == 7);
  REQUIRE(info.get_double("x") == 0.25);
  REQUIRE(info.get_bool("ok"));
  REQUIRE(std::get<std::vector<float>>(*info.find("v")) == std::vector<float>{1.0f, 2.0f});
  // a field and a by-name write address the same slot; declaring again returns the same field
  info.set("t", 9);
  REQUIRE(info.get_int("t") == 9);
  REQUIRE(info.declare<std::int64_t>("t").index == t.index);
  // a string field keeps its capacity: later values up to kStringCapacity do not reallocate
  const char* before = info.get_string("epoch").data();
  info.set(epoch, "a phase name of thirty-nine characters!");
  REQUIRE(info.get_string("epoch").data() == before);
  info.set(epoch, "");
  REQUIRE(info.get_string("epoch").empty());
  // a value from the slot's own buffer (a suffix or a prefix of what it holds), and one longer
  // than its capacity
  info.set(epoch, "sample and test");
  info.set(epoch, std::string_view(info.get_string("epoch")).substr(11));
  REQUIRE(info.get_string("epoch") == "test");
  info.set(epoch, "delay period");
  info.set(epoch, std::string_view(info.get_string("epoch")).substr(0, 5));
  REQUIRE(info.get_string("epoch") == "delay");
  const std::string long_name(200, 'z');
  info.set(epoch, long_name);
  REQUIRE(info.get_string("epoch") == long_name);
  info.set(epoch, "go");
  REQUIRE(info.get_string("epoch") == "go");
  // re-declaring a name with another type re-types its slot
  const auto xs = info.declare<std::string>("x");
  REQUIRE(xs.index == x.index);
  REQUIRE(info.get_string("x").empty());
  REQUIRE_THROWS_AS(info.get_double("x"), std::out_of_range);
}

TEST_CASE("InfoLookup follows the layout: keys added, cleared, copied and moved", "[core][info]") {
  Info a;
  a.set("epoch", "go");
  a.set("trial_outcome", "correct");
  InfoLookup outcome("trial_outcome");
  REQUIRE(outcome.string_or_empty(a) == "correct");
  const std::uint64_t layout = a.layout();
  a.set("trial_outcome", "wrong");  // a value changes: same layout, the remembered index still holds
  REQUIRE(a.layout() == layout);
  REQUIRE(outcome.string_or_empty(a) == "wrong");
  Info b;  // another map with the key elsewhere
  b.set("x", 1.0);
  b.set("y", 2.0);
  b.set("trial_outcome", "aborted");
  REQUIRE(b.layout() != a.layout());
  REQUIRE(outcome.string_or_empty(b) == "aborted");
  REQUIRE(outcome.string_or_empty(a) == "wrong");
  const Info c = a;  // a copy has the same keys and layout
  REQUIRE(c.layout() == a.layout());
  REQUIRE(outcome.string_or_empty(c) == "wrong");
  Info d = std::move(b);  // the moved-from map is empty, with a layout of its own
  REQUIRE(outcome.string_or_empty(d) == "aborted");
  REQUIRE(b.items().empty());  // NOLINT(bugprone-use-after-move): documented state
  REQUIRE(outcome.find(b) == nullptr);
  a.clear();
  REQUIRE(outcome.find(a) == nullptr);
  a.set("trial_outcome", 3);  // not a string
  REQUIRE(outcome.find(a) != nullptr);
  REQUIRE(outcome.string_or_empty(a).empty());
  // set_value overwrites in place and keeps the layout
  a.set_value(0, InfoValue(std::string("timeout")));
  REQUIRE(a.get_string("trial_outcome") == "timeout");
}

namespace {
struct DemoConfig {
  double rate = 0.5;
  int count = 3;
  bool flag = false;
  std::string mode = "a";
};
OptionSet<DemoConfig> demo_options() {
  OptionSet<DemoConfig> s("Demo-v0");
  s.add("rate", &DemoConfig::rate, "Hz", "a rate", 0.0, 1.0)
      .add("count", &DemoConfig::count, "", "a count", 1, 10)
      .add("flag", &DemoConfig::flag, "a flag")
      .add_choice("mode", &DemoConfig::mode, {"a", "b"}, "a mode");
  return s;
}
}  // namespace

TEST_CASE("Options come from the config's defaults and are validated", "[core][options]") {
  const auto s = demo_options();
  const DemoConfig d = s.parse({});
  REQUIRE(d.rate == 0.5);
  REQUIRE(s.docs()[0].default_value == "0.5");
  REQUIRE(s.docs()[1].default_value == "3");
  const DemoConfig c = s.parse({{"rate", "0.25"}, {"count", "7"}, {"flag", "true"}, {"mode", "b"}});
  REQUIRE(c.rate == 0.25);
  REQUIRE(c.count == 7);
  REQUIRE(c.flag);
  REQUIRE(c.mode == "b");
  REQUIRE_THROWS_AS(s.parse({{"speed", "1"}}), UsageError);
  REQUIRE_THROWS_WITH(s.parse({{"speed", "1"}}),
                      Contains("unknown option 'speed'") && Contains("rate=0.5 Hz") && Contains("mode=a"));
  REQUIRE_THROWS_WITH(s.parse({{"rate", "fast"}}), Contains("rate must be a number in [0, 1]"));
  REQUIRE_THROWS_WITH(s.parse({{"rate", "2"}}), Contains("rate must be in [0, 1], got 2"));
  REQUIRE_THROWS_WITH(s.parse({{"count", "1.5"}}), Contains("count must be an integer"));
  REQUIRE_THROWS_WITH(s.parse({{"flag", "maybe"}}), Contains("flag must be true or false"));
  REQUIRE_THROWS_WITH(s.parse({{"mode", "c"}}), Contains("mode must be one of a|b, got 'c'"));
  REQUIRE_THROWS_WITH(parse_key_values({"novalue"}, "--env-opt"), Contains("expected key=value"));
  REQUIRE(parse_key_values({"a=b=c"}, "x") == KeyValues{{"a", "b=c"}});
}

TEST_CASE("format_number prints the shortest text that reads back", "[core][options]") {
  REQUIRE(format_number(100.0) == "100");
  REQUIRE(format_number(0.1) == "0.1");
  REQUIRE(format_number(1e-5) == "1e-05");
  REQUIRE(format_number(-std::numeric_limits<double>::infinity()) == "-inf");
}

TEST_CASE("Registry lookups name the valid ids", "[core][registry]") {
  REQUIRE_THROWS_AS(env_entry("Pavlovian"), UsageError);
  REQUIRE_THROWS_WITH(env_entry("Pavlovian"), Contains("did you mean 'Pavlovian-v0'") && Contains("valid envs:"));
  REQUIRE_THROWS_WITH(agent_entry("td"), Contains("valid agents:") && Contains("td-critic"));
  REQUIRE_THROWS_WITH(make_agent("td-critic", Space::box(0.0f, 1.0f, {4}), Space::discrete(3)),
                      Contains("cannot act") && Contains("Discrete(3)"));
  REQUIRE_THROWS_WITH(make_agent("td-critic", Space::box(0.0f, 1.0f, {4}), Space::discrete(1), {{"alpha", "-1"}}),
                      Contains("alpha must be in [0, 1]"));
}

TEST_CASE("Agent files: atomic, versioned, and a bad file leaves the agent unchanged", "[core][agent]") {
  const Space obs = Space::box(0.0f, 1.0f, {20});
  const Space act = Space::discrete(1);
  auto env = make_env("Pavlovian-v0");
  auto agent = make_agent("td-critic", obs, act, {}, 1);
  // learn something so the weights are not all zero
  for (int ep = 0; ep < 20; ++ep) {
    auto r0 = env->reset(ep == 0 ? std::optional<std::uint64_t>(1) : std::nullopt);
    std::vector<float> o(r0.obs.begin(), r0.obs.end());
    agent->begin_episode();
    for (;;) {
      auto r = env->step(agent->act(o));
      o.assign(r.obs.begin(), r.obs.end());
      agent->observe(r.reward, o, r.terminated, r.truncated);
      if (r.terminated || r.truncated) break;
    }
  }
  const auto path = scratch("agent.sgym");
  agent->save(path);
  REQUIRE(std::filesystem::exists(path));
  for (const auto& entry : std::filesystem::directory_iterator(path.parent_path()))
    REQUIRE(entry.path().string().find(".tmp.") == std::string::npos);

  auto value_at = [&](Agent& a) {
    std::vector<float> x(20, 0.0f);
    x[5] = 1.0f;
    a.act(x);
    return a.introspect()[1].values[0];
  };
  auto fresh = make_agent("td-critic", obs, act, {}, 2);
  REQUIRE(value_at(*fresh) == 0.0f);
  fresh->load(path);
  REQUIRE(value_at(*fresh) == value_at(*agent));
  REQUIRE(value_at(*fresh) > 0.0f);

  const std::string bytes = read_file(path);
  auto other = make_agent("td-critic", obs, act, {}, 3);
  SECTION("missing file") {
    REQUIRE_THROWS_AS(other->load(scratch("none.sgym")), FileFormatError);
  }
  SECTION("truncated file") {
    const auto t = scratch("t.sgym");
    write_file_atomic(t, bytes.substr(0, bytes.size() - 20));
    REQUIRE_THROWS_WITH(other->load(t), Contains("checksum"));
  }
  SECTION("corrupt file") {
    std::string c = bytes;
    c[40] ^= 1;
    const auto p = scratch("c.sgym");
    write_file_atomic(p, c);
    REQUIRE_THROWS_WITH(other->load(p), Contains("checksum"));
  }
  SECTION("not an agent file") {
    const auto p = scratch("n.sgym");
    write_file_atomic(p, "hello world, not an agent");
    REQUIRE_THROWS_WITH(other->load(p), Contains("not a Synaptic Gym agent file"));
  }
  SECTION("another agent's file") {
    auto rnd = make_agent("random", obs, act, {}, 3);
    REQUIRE_THROWS_WITH(rnd->load(path), Contains("holds agent 'td-critic', not 'random'"));
  }
  SECTION("other spaces") {
    auto wide = make_agent("td-critic", Space::box(0.0f, 1.0f, {21}), act, {}, 3);
    REQUIRE_THROWS_WITH(wide->load(path), Contains("was saved for observation space Box(0, 1, (20,), float32)"));
    std::vector<float> x(21, 1.0f);
    wide->act(x);
    REQUIRE(wide->introspect()[1].values[0] == 0.0f);  // unchanged: still all-zero weights
  }
  REQUIRE(value_at(*other) == 0.0f);  // every failed load left it as it was
}

TEST_CASE("write_file_atomic replaces the file whole", "[core][io]") {
  const auto p = scratch("atomic.txt");
  write_file_atomic(p, "first");
  write_file_atomic(p, "second");
  REQUIRE(read_file(p) == "second");
  REQUIRE_THROWS(write_file_atomic(scratch("no-such-dir") / "x" / "y.txt", "z"));
}

TEST_CASE("Env contract: step before reset, after the end, bad actions", "[core][env]") {
  auto env = make_env("Pavlovian-v0");
  REQUIRE_THROWS_AS(env->step(Action::discrete(0)), ResetNeeded);
  env->reset(3);
  REQUIRE_THROWS_WITH(env->step(Action::discrete(1)),
                      Contains("Pavlovian-v0") && Contains("Discrete(1)") && Contains("index 1"));
  REQUIRE_THROWS_AS(env->step(Action::box({0.0f})), InvalidAction);
  for (;;) {
    StepResult r = env->step(Action::discrete(0));
    if (r.terminated || r.truncated) break;
  }
  REQUIRE_THROWS_WITH(env->step(Action::discrete(0)), Contains("call reset() first"));
  env->reset();
  REQUIRE_NOTHROW(env->step(Action::discrete(0)));
}

TEST_CASE("TimeLimit truncates and keeps terminated", "[core][wrappers]") {
  // the trial lasts 30 steps; a 30-step limit makes both flags true on the last step
  auto raw = make_env("Pavlovian-v0", {}, false);
  TimeLimit tl(std::move(raw), 30);
  tl.reset(1);
  for (int t = 1; t < 30; ++t) REQUIRE_FALSE(tl.step(Action::discrete(0)).truncated);
  StepResult r = tl.step(Action::discrete(0));
  REQUIRE(r.terminated);
  REQUIRE(r.truncated);
  TimeLimit shorter(make_env("Pavlovian-v0", {}, false), 5);
  shorter.reset(1);
  for (int t = 0; t < 4; ++t) REQUIRE_FALSE(shorter.step(Action::discrete(0)).truncated);
  StepResult cut = shorter.step(Action::discrete(0));
  REQUIRE(cut.truncated);
  REQUIRE_FALSE(cut.terminated);
  REQUIRE(shorter.spec().max_episode_steps == 5);
  REQUIRE_THROWS_AS(TimeLimit(make_env("Pavlovian-v0"), 0), std::invalid_argument);
}

TEST_CASE("EpisodeStatistics sums the episode", "[core][wrappers]") {
  EpisodeStatistics st(make_env("Pavlovian-v0", {{"probe_every", "2"}}));
  for (int ep = 0; ep < 2; ++ep) {
    st.reset(ep == 0 ? std::optional<std::uint64_t>(1) : std::nullopt);
    for (int t = 1; t < 30; ++t) REQUIRE_FALSE(st.step(Action::discrete(0)).terminated);
    StepResult r = st.step(Action::discrete(0));
    REQUIRE(r.terminated);
    REQUIRE(r.info.get_double("episode_return") == (ep == 0 ? 1.0 : 0.0));  // trial 2 is an omission probe
    REQUIRE(r.info.get_int("episode_length") == 30);
    REQUIRE(r.info.get_int("episode_trials") == 1);
    REQUIRE_FALSE(r.info.has("episode_accuracy"));  // Pavlovian trials are not scored
  }
  REQUIRE(st.last().length == 30);
  REQUIRE_FALSE(st.last().accuracy().has_value());
}

namespace {
// one-step episodes whose info holds what the script says: some keys, maybe its own values under the
// names of EpisodeStatistics' figures, cleared first or not, and the trial's outcome
struct ScriptedEpisode {
  bool clear;
  std::vector<std::pair<std::string, InfoValue>> keys;
  std::string outcome;
};
class ScriptedInfoEnv final : public Env {
 public:
  explicit ScriptedInfoEnv(std::vector<ScriptedEpisode> script)
      : Env(spec_of(), Space::box(0.0f, 1.0f, {1}), Space::discrete(1)), script_(std::move(script)) {}
  void draw(DrawList&) const override {}
  const Info& info() const { return info_; }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t>) override {
    const ScriptedEpisode& e = script_[static_cast<std::size_t>(ep_++)];
    if (e.clear) info_.clear();
    info_.set("trial_outcome", "");  // first in a cleared info, so that a figure's name can end it
    for (const auto& [k, v] : e.keys) std::visit([&](const auto& x) { info_.set(k, x); }, v);
    return reset_result();
  }
  StepResult do_step(const Action&) override {
    info_.set("trial_outcome", script_[static_cast<std::size_t>(ep_ - 1)].outcome);
    return step_result(0.0, true);
  }

 private:
  static EnvSpec spec_of() {
    EnvSpec s;
    s.id = "ScriptedInfo-v0";
    s.trial_based = true;
    return s;
  }
  std::vector<ScriptedEpisode> script_;
  int ep_ = 0;
};
}  // namespace

TEST_CASE("EpisodeStatistics' end info is the env's info with the figures, whatever keys the info holds", "[core][wrappers]") {
  // each episode's end info must equal one built afresh: the env's keys in order, then the figures,
  // a figure whose name the env's info already holds replacing that value in place. The script
  // switches layouts and the figures' count (accuracy defined or not) around infos holding the
  // figures' names themselves, where reusing the last end info in place would be wrong
  const InfoValue own = std::string("own");
  std::vector<ScriptedEpisode> script = {
      {false, {{"x", std::int64_t{1}}, {"episode_return", own}, {"episode_length", own}, {"episode_trials", own},
               {"episode_accuracy", own}}, ""},
      {true, {{"x", std::int64_t{2}}}, "correct"},
      {false, {{"x", std::int64_t{3}}}, "correct"},
      {true, {{"x", std::int64_t{4}}, {"episode_length", std::int64_t{7}}}, ""},
      {true, {{"x", std::int64_t{5}}}, "wrong"},
      {true, {{"x", std::int64_t{6}}, {"episode_accuracy", own}}, "correct"},
      {true, {{"x", std::int64_t{7}}, {"episode_return", true}}, ""},
      {true, {{"x", std::int64_t{8}}}, ""},
  };
  auto env = std::make_unique<ScriptedInfoEnv>(script);
  const ScriptedInfoEnv& inner = *env;
  EpisodeStatistics st(std::move(env));
  for (std::size_t ep = 0; ep < script.size(); ++ep) {
    INFO("episode " << ep);
    st.reset(ep == 0 ? std::optional<std::uint64_t>(1) : std::nullopt);
    const StepResult r = st.step(Action::discrete(0));
    REQUIRE(r.terminated);
    const std::string& outcome = script[ep].outcome;
    Info expected;
    expected.merge(inner.info());
    expected.set("episode_return", 0.0);
    expected.set("episode_length", 1);
    expected.set("episode_trials", outcome.empty() ? 0 : 1);
    if (!outcome.empty()) expected.set("episode_accuracy", outcome == "correct" ? 1.0 : 0.0);
    REQUIRE(r.info.items() == expected.items());
  }
}

TEST_CASE("ObservationNoise: reproducible, widened or clipped", "[core][wrappers]") {
  ObservationNoise a(make_env("Pavlovian-v0"), 0.1);
  ObservationNoise b(make_env("Pavlovian-v0"), 0.1);
  REQUIRE_FALSE(a.observation_space().bounded());
  auto ra = a.reset(5);
  std::vector<float> first(ra.obs.begin(), ra.obs.end());
  auto rb = b.reset(5);
  REQUIRE(std::equal(first.begin(), first.end(), rb.obs.begin()));
  bool noisy = false;
  for (float x : first) noisy = noisy || x != 0.0f;
  REQUIRE(noisy);
  ObservationNoise c(make_env("Pavlovian-v0"), 0.5, true);
  REQUIRE(c.observation_space() == Space::box(0.0f, 1.0f, {20}));
  auto rc = c.reset(5);
  REQUIRE(c.observation_space().contains(rc.obs));
  REQUIRE_THROWS_AS(ObservationNoise(make_env("Pavlovian-v0"), -1.0), std::invalid_argument);
}

TEST_CASE("ObservationDelay: observations arrive d steps late, the rest on time", "[core][wrappers]") {
  // the same seed and actions through the bare env and through a delay of 3 steps, over two
  // episodes (the second continues the stream, so a reset must empty the delay line)
  constexpr int kDelay = 3;
  auto bare = make_env("Pavlovian-v0");
  ObservationDelay late(make_env("Pavlovian-v0"), kDelay);
  REQUIRE(late.delay_steps() == kDelay);
  REQUIRE(late.observation_space() == bare->observation_space());
  bool saw_change = false;
  for (int ep = 0; ep < 2; ++ep) {
    const std::optional<std::uint64_t> seed = ep == 0 ? std::optional<std::uint64_t>(3) : std::nullopt;
    auto b0 = bare->reset(seed);
    std::vector<std::vector<float>> truth{std::vector<float>(b0.obs.begin(), b0.obs.end())};
    auto l0 = late.reset(seed);
    REQUIRE(std::vector<float>(l0.obs.begin(), l0.obs.end()) == truth[0]);
    for (int t = 1;; ++t) {
      auto b = bare->step(Action::discrete(0));
      truth.emplace_back(b.obs.begin(), b.obs.end());
      const double reward = b.reward;
      const bool done = b.terminated || b.truncated;
      const std::string epoch(b.info.string_or_empty("epoch"));
      auto l = late.step(Action::discrete(0));
      const std::vector<float> got(l.obs.begin(), l.obs.end());
      // step t shows the observation of step t - d; the first d steps repeat the reset observation
      REQUIRE(got == truth[static_cast<std::size_t>(std::max(0, t - kDelay))]);
      saw_change = saw_change || got != truth.back();
      REQUIRE(l.reward == reward);
      REQUIRE((l.terminated || l.truncated) == done);
      REQUIRE(std::string(l.info.string_or_empty("epoch")) == epoch);
      if (done) break;
    }
  }
  REQUIRE(saw_change);  // the task's observation does change, so the check above has teeth
}

TEST_CASE("ObservationDelay: zero delay is the identity, a negative one a usage error", "[core][wrappers]") {
  auto bare = make_env("Pavlovian-v0");
  ObservationDelay none(make_env("Pavlovian-v0"), 0), two(make_env("Pavlovian-v0"), 2);
  const std::uint64_t h = trajectory_hash(*bare, 77);
  REQUIRE(trajectory_hash(none, 77) == h);
  REQUIRE(trajectory_hash(two, 77) != h);
  REQUIRE_THROWS_AS(ObservationDelay(make_env("Pavlovian-v0"), -1), UsageError);
  REQUIRE_THROWS_WITH(ObservationDelay(make_env("Pavlovian-v0"), -1), Contains("steps") && Contains("-1"));
}

TEST_CASE("RecordTrajectory writes a file that reads back exactly", "[core][wrappers]") {
  const auto path = scratch("traj.jsonl");
  std::vector<std::vector<float>> seen;
  {
    RecordTrajectory rec(make_env("Pavlovian-v0", {{"omission_prob", "0.5"}}), path);
    for (int ep = 0; ep < 3; ++ep) {
      auto r0 = rec.reset(ep == 0 ? std::optional<std::uint64_t>(9) : std::nullopt);
      seen.emplace_back(r0.obs.begin(), r0.obs.end());
      for (;;) {
        auto r = rec.step(Action::discrete(0));
        seen.emplace_back(r.obs.begin(), r.obs.end());
        if (r.terminated || r.truncated) break;
      }
    }
    REQUIRE_FALSE(std::filesystem::exists(path));  // still .partial while open
    REQUIRE(std::filesystem::exists(path.string() + ".partial"));
  }
  const auto steps = read_trajectory(path);
  REQUIRE(steps.size() == seen.size());
  REQUIRE(steps.size() == 3 * 31);
  for (std::size_t i = 0; i < steps.size(); ++i) REQUIRE(steps[i].obs == seen[i]);
  REQUIRE_FALSE(steps[0].action.has_value());
  REQUIRE(steps[1].action == Action::discrete(0));
  REQUIRE(steps[30].terminated);
  REQUIRE_THAT(steps[10].info_json, Contains("\"epoch\":\"cs\""));
  const auto bad = scratch("bad.jsonl");
  write_file_atomic(bad, read_file(path).substr(0, 300));
  REQUIRE_THROWS_AS(read_trajectory(bad), FileFormatError);
}

TEST_CASE("RecordTrajectory destroyed by an exception leaves only the .partial file", "[core][wrappers]") {
  const auto path = scratch("failed.jsonl");
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + ".partial");
  try {
    RecordTrajectory rec(make_env("Pavlovian-v0"), path);
    rec.reset(1);
    rec.step(Action::discrete(0));
    throw std::runtime_error("the viewer failed");
  } catch (const std::runtime_error&) {
  }
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(std::filesystem::exists(path.string() + ".partial"));
}

TEST_CASE("RecordTrajectory's header and reset records rebuild the env: options, build and seeds", "[core][wrappers]") {
  const auto path = scratch("traj-v2.jsonl");
  const KeyValues options = {{"omission_prob", "0.5"}, {"probe_every", "4"}};
  std::vector<double> rewards;
  {
    RecordTrajectory rec(make_env("Pavlovian-v0", options), path, options);
    for (int ep = 0; ep < 4; ++ep) {
      rec.reset(ep == 0 ? std::optional<std::uint64_t>(9) : ep == 2 ? std::optional<std::uint64_t>(3) : std::nullopt);
      for (;;) {
        auto r = rec.step(Action::discrete(0));
        rewards.push_back(r.reward);
        if (r.terminated || r.truncated) break;
      }
    }
  }
  const Trajectory t = read_trajectory_file(path);
  REQUIRE(t.header.version == 2);
  REQUIRE(t.header.env == "Pavlovian-v0");
  REQUIRE(t.header.env_options == options);
  REQUIRE(t.header.sgym_version == build_version());
  std::vector<std::optional<std::uint64_t>> seeds;
  for (const auto& s : t.steps)
    if (!s.action) {
      REQUIRE(s.has_reset_seed);
      seeds.push_back(s.reset_seed);
    }
  REQUIRE(seeds == std::vector<std::optional<std::uint64_t>>{9, std::nullopt, 3, std::nullopt});
  // the header and the seeds alone reproduce the rewards
  auto env = make_env("Pavlovian-v0", *t.header.env_options);
  std::size_t k = 0;
  for (const auto& s : t.steps) {
    if (!s.action) {
      env->reset(s.reset_seed);
      continue;
    }
    REQUIRE(env->step(*s.action).reward == rewards[k++]);
  }
  REQUIRE(k == rewards.size());
  // options unknown: null in the header
  const auto anon = scratch("traj-anon.jsonl");
  { RecordTrajectory rec(make_env("Pavlovian-v0"), anon); rec.reset(1); }
  REQUIRE_FALSE(read_trajectory_file(anon).header.env_options);
}

TEST_CASE("Agent state in memory: to_bytes / from_bytes", "[core][agent]") {
  const Space obs = Space::box(0.0f, 1.0f, {20});
  auto a = make_agent("td-critic", obs, Space::discrete(1), {}, 1);
  std::vector<float> x(20, 0.0f);
  x[3] = 1.0f;
  a->act(x);
  a->observe(1.0, x, true, false);  // one update: w[3] = 0.1
  auto b = make_agent("td-critic", obs, Space::discrete(1), {}, 2);
  b->from_bytes(a->to_bytes());
  b->act(x);
  a->act(x);
  REQUIRE(b->introspect()[1].values[0] == a->introspect()[1].values[0]);
  REQUIRE(b->introspect()[1].values[0] == Approx(0.1f));
  std::string bad = a->to_bytes();
  bad[bad.size() / 2] ^= 1;
  auto c = make_agent("td-critic", obs, Space::discrete(1), {}, 3);
  REQUIRE_THROWS_WITH(c->from_bytes(bad, "checkpoint 7"), Contains("checkpoint 7") && Contains("checksum"));
  c->act(x);
  REQUIRE(c->introspect()[1].values[0] == 0.0f);
}

TEST_CASE("info_to_json writes what nlohmann's dump() writes for the same info", "[core][info]") {
  // info_to_json writes its text by hand (fast enough for a record per trial); this compares it with
  // dump() of the object built as before, over awkward keys, strings and numbers
  auto dumped = [](const Info& info) {
    json j = json::object();
    for (const auto& item : info.items())
      std::visit([&](const auto& x) { j[item.first] = x; }, item.second);
    return j.dump();
  };
  const double inf = std::numeric_limits<double>::infinity();
  const double doubles[] = {0.0, -0.0, 1.0, -2.0, 0.1, 1e-5, 1.5e-7, 123456789.0, 1e21, 1e22, 1.7976931348623157e308,
                            4.9e-324, 2.2250738585072014e-308, -3.25, 0.30000000000000004, 1.0 / 3.0, inf, -inf,
                            std::numeric_limits<double>::quiet_NaN()};
  const char* strings[] = {"", "correct", "a\"quote", "back\\slash", "tab\there", "new\nline", "\x01ctl", "del\x7f",
                           "caf\xc3\xa9", "Zeta", "_under", "UPPER"};
  Rng rng(11);
  for (int round = 0; round < 200; ++round) {
    Info info;
    const int n = 1 + static_cast<int>(rng.below(12));
    for (int k = 0; k < n; ++k) {
      const std::string key = strings[rng.below(std::size(strings))] + std::to_string(rng.below(5));
      switch (rng.below(5)) {
        case 0: info.set(key, rng.uniform() < 0.5); break;
        case 1: info.set(key, static_cast<std::int64_t>(rng.next_u64())); break;
        case 2:
          info.set(key, rng.uniform() < 0.5 ? doubles[rng.below(std::size(doubles))]
                                            : std::ldexp(rng.uniform() - 0.5, static_cast<int>(rng.below(200)) - 100));
          break;
        case 3: info.set(key, std::string_view(strings[rng.below(std::size(strings))])); break;
        default: {
          std::vector<float> v(rng.below(4));
          for (float& x : v) x = static_cast<float>(rng.uniform(-1e3, 1e3));
          info.set(key, v);
        }
      }
    }
    INFO("round " << round);
    REQUIRE(info_to_json(info) == dumped(info));
  }
  Info extremes;
  extremes.set("min", std::numeric_limits<std::int64_t>::min());
  extremes.set("max", std::numeric_limits<std::int64_t>::max());
  extremes.set("float_nan", std::vector<float>{std::numeric_limits<float>::quiet_NaN(), 0.1f});
  REQUIRE(info_to_json(extremes) == dumped(extremes));
}

TEST_CASE("info_from_json reads back what info_to_json wrote, and names a key it cannot hold", "[core][info]") {
  Info a;
  a.set("flag", true);
  a.set("n", std::int64_t{-7});
  a.set("x", 0.1);
  a.set("whole", 2.0);
  a.set("word", "correct");
  a.set("v", std::vector<float>{0.5f, -1.25f});
  const Info b = info_from_json(info_to_json(a));
  REQUIRE(b.get_bool("flag"));
  REQUIRE(b.get_int("n") == -7);
  REQUIRE(b.get_double("x") == 0.1);
  REQUIRE(std::holds_alternative<double>(*b.find("whole")));  // a double stays a double
  REQUIRE(b.get_string("word") == "correct");
  REQUIRE(std::get<std::vector<float>>(*b.find("v")) == std::vector<float>{0.5f, -1.25f});
  REQUIRE(info_to_json(b) == info_to_json(a));
  REQUIRE_THROWS_WITH(info_from_json(R"({"bad":{"a":1}})"), Catch::Contains("'bad'") && Catch::Contains("object"));
  REQUIRE_THROWS_WITH(info_from_json("[1]"), Catch::Contains("JSON object"));
  REQUIRE_THROWS(info_from_json("{"));
}
