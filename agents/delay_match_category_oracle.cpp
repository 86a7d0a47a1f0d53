// delay-match-category-oracle: a scripted subject for DelayMatchCategory-v0 that proves the task is
// solvable from the observation alone. It knows the category rule (the boundary, an option, as a
// trained monkey knows it) and remembers within a trial only what a subject could: the summed
// population vector of the direction units while the fixation point is on (the sample), and, once
// the fixation point goes off (test), the summed population vector of the test. After `test_ms` of
// test (in whole env steps, at least one) it decodes both directions, compares their categories and
// reports match/non-match.
#include <cmath>
#include <limits>

#include "learning/timing.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct DmcOracleConfig {
  double boundary_deg = 45.0;  // the category boundary the subject was trained on (env default)
  double test_ms = 150.0;      // test time to integrate before reporting: 3 steps of the env's default 50 ms
  int test_steps = 3;          // deprecated: the same in steps (the default when the env's dt is unknown)
};

const OptionSet<DmcOracleConfig>& options() {
  static const OptionSet<DmcOracleConfig> set = [] {
    OptionSet<DmcOracleConfig> s("delay-match-category-oracle");
    s.add("boundary_deg", &DmcOracleConfig::boundary_deg, "deg", "category boundary the subject knows (set it to the env's boundary_deg)", 0.0, 360.0)
        .add("test_ms", &DmcOracleConfig::test_ms, "ms", "test time integrated before reporting, in whole env steps (round(test_ms / dt), at least 1; 150 ms = 3 steps of the env's default 50 ms; 3 steps when the env's dt is unknown)", 1.0, 60000.0)
        .add("test_steps", &DmcOracleConfig::test_steps, "steps", "deprecated, use test_ms: test steps integrated before reporting", 1, 1000)
        .deprecated_for("test_ms");
    return s;
  }();
  return set;
}

// test_steps from test_ms and the env's step (or the deprecated test_steps as given)
void dmc_resolve_test_steps(DmcOracleConfig& c, const std::string& id, const KeyValues& kv, const AgentContext& context) {
  c.test_steps = learning::resolve_steps(id, kv, "test_steps", c.test_steps, "test_ms", c.test_ms, DmcOracleConfig{}.test_steps, 1,
                                         context.dt_ms);
}

class DelayMatchCategoryOracle final : public Agent {
 public:
  static constexpr int kFixate = 0, kMatch = 1, kNonMatch = 2;

  DelayMatchCategoryOracle(const Space& obs, const Space& act, const DmcOracleConfig& c, std::uint64_t seed)
      : Agent("delay-match-category-oracle", obs, act, seed), cfg_(c), action_(Action::discrete(kFixate)),
        fixation_(obs.slice("fixation", 1, "delay-match-category-oracle").offset),
        direction_(obs.slice("direction", 0, "delay-match-category-oracle").offset) {
    // unit i prefers direction 360·i/n (the env's population layout)
    const int n = static_cast<int>(obs.find_slice("direction")->size);  // found by direction_ above
    cos_.resize(n);
    sin_.resize(n);
    for (int i = 0; i < n; ++i) {
      const double a = 2.0 * 3.141592653589793 * i / n;
      cos_[i] = std::cos(a);
      sin_[i] = std::sin(a);
    }
  }

  void begin_episode() override { forget(); }

  const Action& act(std::span<const float> obs) override {
    const bool fixation_on = obs[fixation_] > 0.5f;
    if (fixation_on && in_test_) forget();  // the fixation point is back: a new trial
    double x = 0.0, y = 0.0;
    for (std::size_t i = 0; i < cos_.size(); ++i) {
      x += obs[direction_ + i] * cos_[i];
      y += obs[direction_ + i] * sin_[i];
    }
    action_.index = kFixate;
    if (fixation_on) {
      sample_x_ += x;
      sample_y_ += y;
      return action_;
    }
    in_test_ = true;
    test_x_ += x;
    test_y_ += y;
    if (++test_count_ < cfg_.test_steps) return action_;
    const bool same = category(sample_x_, sample_y_) == category(test_x_, test_y_);
    action_.index = same ? kMatch : kNonMatch;
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

  std::vector<std::string> signal_names() const override { return {"sample_deg", "test_deg"}; }
  std::vector<Signal> introspect() const override {
    return {{"sample_deg", {static_cast<float>(angle(sample_x_, sample_y_))}},
            {"test_deg", {static_cast<float>(angle(test_x_, test_y_))}}};
  }

 private:
  static double angle(double x, double y) {
    const double a = std::atan2(y, x) * 180.0 / 3.141592653589793;
    return a < 0.0 ? a + 360.0 : a;
  }
  int category(double x, double y) const {
    return std::fmod(angle(x, y) - cfg_.boundary_deg + 720.0, 360.0) < 180.0 ? 1 : 0;
  }
  void forget() {
    sample_x_ = sample_y_ = test_x_ = test_y_ = 0.0;
    test_count_ = 0;
    in_test_ = false;
  }

  DmcOracleConfig cfg_;
  Action action_;
  std::size_t fixation_, direction_;  // offsets of the observation's slices
  std::vector<double> cos_, sin_;
  double sample_x_ = 0, sample_y_ = 0, test_x_ = 0, test_y_ = 0;
  int test_count_ = 0;
  bool in_test_ = false;
};

}  // namespace

AgentEntry delay_match_category_oracle_entry() {
  return {"delay-match-category-oracle",
          "scripted subject for DelayMatchCategory-v0: decodes sample and test directions, compares categories",
          "Box observation [fixation in [0, 1], >= 3 unbounded direction units] and Discrete(3) actions "
          "{fixate, match, non-match} (DelayMatchCategory-v0)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            const float inf = std::numeric_limits<float>::infinity();
            if (!obs.is_box()) return "needs DelayMatchCategory-v0's Box observation";
            if (std::string why = obs.why_no_slices({{"fixation", 1}, {"direction", 0}}); !why.empty())
              return "needs DelayMatchCategory-v0's observation slices fixation and direction: " + why;
            const ObsSlice& f = *obs.find_slice("fixation");
            const ObsSlice& d = *obs.find_slice("direction");
            if (d.size < 3) return "needs >= 3 direction units";
            if (obs.low()[f.offset] != 0.0f || obs.high()[f.offset] != 1.0f || obs.low()[d.offset] != -inf)
              return "needs DelayMatchCategory-v0's layout: a fixation input in [0, 1], unbounded (noisy) direction units";
            if (!act.is_discrete() || act.n() != 3) return "needs Discrete(3) actions {fixate, match, non-match}";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            DmcOracleConfig c = options().parse(kv);
            dmc_resolve_test_steps(c, "delay-match-category-oracle", kv, AgentContext{});
            return std::make_unique<DelayMatchCategoryOracle>(obs, act, c, seed);
          },
          {"DelayMatchCategory-v0"},
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed,
             const AgentContext& context) -> std::unique_ptr<Agent> {
            DmcOracleConfig c = options().parse(kv);
            dmc_resolve_test_steps(c, "delay-match-category-oracle", kv, context);
            return std::make_unique<DelayMatchCategoryOracle>(obs, act, c, seed);
          }};
}

}  // namespace sgym
