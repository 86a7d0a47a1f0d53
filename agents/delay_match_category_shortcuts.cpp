// Shortcut subjects of DelayMatchCategory-v0 (docs/science.md). Each plays the task as the oracle
// does (fixates through sample and delay, integrates the test for `test_ms`, then reports)
// and knows the category boundary, but decides from what the paradigm says must not suffice:
//   test-only       the test alone: its category, with a fixed guess of the sample's (category 1):
//                   match iff the test is in category 1;
//   sample-only     the sample alone: match iff the sample is in category 1;
//   same-direction  identity instead of category: match iff test and sample have the same direction
//                   (decoded within half the 30° spacing), else non-match. On a task whose match
//                   tests may repeat the sample's direction this beats chance (7/12 with 12
//                   directions); the task therefore never repeats it.
#include <cmath>

#include "learning/timing.hpp"
#include "population_vector.hpp"
#include "shortcut.hpp"

namespace sgym {

AgentEntry delay_match_category_oracle_entry();

namespace {

struct DmcShortcutConfig {
  double boundary_deg = 45.0;  // the category boundary the subject knows (env default)
  double test_ms = 150.0;      // test time integrated before reporting (as the oracle)
  int test_steps = 3;          // deprecated: the same in steps
};

void add_options(OptionSet<DmcShortcutConfig>& s) {
  s.add("boundary_deg", &DmcShortcutConfig::boundary_deg, "deg", "category boundary the subject knows (set it to the env's boundary_deg)", 0.0, 360.0)
      .add("test_ms", &DmcShortcutConfig::test_ms, "ms", "test time integrated before reporting, in whole env steps (round(test_ms / dt), at least 1; 150 ms = 3 steps of the env's default 50 ms; 3 steps when the env's dt is unknown)", 1.0, 60000.0)
      .add("test_steps", &DmcShortcutConfig::test_steps, "steps", "deprecated, use test_ms: test steps integrated before reporting", 1, 1000)
      .deprecated_for("test_ms");
}

// test_steps from test_ms and the env's step, as the oracle (or the deprecated test_steps as given)
void resolve(DmcShortcutConfig& c, const std::string& id, const KeyValues& kv, const AgentContext& context) {
  c.test_steps = learning::resolve_steps(id, kv, "test_steps", c.test_steps, "test_ms", c.test_ms, DmcShortcutConfig{}.test_steps, 1,
                                         context.dt_ms);
}

enum class Uses { kTestOnly, kSampleOnly, kSameDirection };

class DmcShortcut final : public ShortcutSubject {
 public:
  static constexpr int kFixate = 0, kMatch = 1, kNonMatch = 2;

  DmcShortcut(const std::string& id, const Space& obs, const Space& act, const DmcShortcutConfig& c, Uses uses,
              std::uint64_t seed)
      : ShortcutSubject(id, obs, act, seed), cfg_(c), uses_(uses), action_(Action::discrete(kFixate)),
        fixation_(obs.slice("fixation", 1, id).offset), direction_(obs.slice("direction", 0, id)),
        sample_(static_cast<int>(direction_.size), 360.0), test_(static_cast<int>(direction_.size), 360.0) {}

  void begin_episode() override { forget(); }

  const Action& act(std::span<const float> obs) override {
    const bool fixation_on = obs[fixation_] > 0.5f;
    if (fixation_on && in_test_) forget();  // the fixation point is back: a new trial
    action_.index = kFixate;
    const auto units = obs.subspan(direction_.offset, direction_.size);
    if (fixation_on) {
      sample_.add(units);
      return action_;
    }
    in_test_ = true;
    test_.add(units);
    if (++test_count_ < cfg_.test_steps) return action_;
    const double s = sample_.decoded_deg(), t = test_.decoded_deg();
    bool match = false;
    switch (uses_) {
      case Uses::kTestOnly: match = category(t) == 1; break;
      case Uses::kSampleOnly: match = category(s) == 1; break;
      case Uses::kSameDirection: {
        const double d = std::fabs(std::remainder(t - s, 360.0));
        match = d < 15.0;
        break;
      }
    }
    action_.index = match ? kMatch : kNonMatch;
    return action_;
  }

 private:
  int category(double deg) const { return std::fmod(deg - cfg_.boundary_deg + 720.0, 360.0) < 180.0 ? 1 : 0; }
  void forget() {
    sample_.clear();
    test_.clear();
    test_count_ = 0;
    in_test_ = false;
  }

  DmcShortcutConfig cfg_;
  Uses uses_;
  Action action_;
  std::size_t fixation_;  // the observation's fixation input
  ObsSlice direction_;    // and its direction units
  PopulationVector sample_, test_;
  int test_count_ = 0;
  bool in_test_ = false;
};

}  // namespace

AgentEntry delay_match_category_shortcut_test_only_entry() {
  return shortcut_entry<DmcShortcut>(delay_match_category_oracle_entry(), "test-only", "DelayMatchCategory-v0 shortcut: the test alone (match iff the test is in category 1); chance on a fair task",
               Uses::kTestOnly, add_options, resolve);
}

AgentEntry delay_match_category_shortcut_sample_only_entry() {
  return shortcut_entry<DmcShortcut>(delay_match_category_oracle_entry(), "sample-only", "DelayMatchCategory-v0 shortcut: the sample alone (match iff the sample is in category 1); chance on a fair task",
               Uses::kSampleOnly, add_options, resolve);
}

AgentEntry delay_match_category_shortcut_same_direction_entry() {
  return shortcut_entry<DmcShortcut>(delay_match_category_oracle_entry(), "same-direction", "DelayMatchCategory-v0 shortcut: identity, not category (match iff the test repeats the sample's direction); chance on a fair task",
               Uses::kSameDirection, add_options, resolve);
}

}  // namespace sgym
