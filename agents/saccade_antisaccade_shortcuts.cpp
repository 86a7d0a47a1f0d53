// Shortcut subjects of SaccadeAntisaccade-v0 (docs/science.md). Both play the task as the oracle does
// (fixate while the mark is on, saccade when it goes off after a rule and a cue were shown) but decide
// from half of what the paradigm requires:
//   cue-only   the cue without the rule: always looks toward the cue (a pro-saccade on every trial);
//   rule-only  the rule without the cue: pro -> left, anti -> right, whatever side the cue was on.
// Each is right on half of the four trial types, so both score 50 % on a fair task.
#include <array>

#include "shortcut.hpp"

namespace sgym {

AgentEntry saccade_antisaccade_oracle_entry();
std::array<std::size_t, 4> saccade_slices(const Space& obs, std::string_view who);

namespace {

enum class Uses { kCueOnly, kRuleOnly };

class SaccadeShortcut final : public ShortcutSubject {
 public:
  static constexpr int kFixate = 0, kLeft = 1, kRight = 2;

  SaccadeShortcut(const std::string& id, const Space& obs, const Space& act, const NoOptions&, Uses uses, std::uint64_t seed)
      : ShortcutSubject(id, obs, act, seed), uses_(uses), action_(Action::discrete(kFixate)), at_(saccade_slices(obs, id)) {}

  void begin_episode() override { rule_ = cue_ = 0; }

  const Action& act(std::span<const float> obs) override {
    // inputs above 0.5 count as on; the subject sees everything, as the oracle does
    const bool pro = obs[at_[0]] > 0.5f, anti = obs[at_[1]] > 0.5f, left = obs[at_[2]] > 0.5f, right = obs[at_[3]] > 0.5f;
    if (pro || anti) rule_ = pro ? 1 : 2;
    if (left || right) cue_ = left ? 1 : 2;
    action_.index = kFixate;
    if (pro || anti || rule_ == 0 || cue_ == 0) return action_;
    // go: the decision ignores the rule (cue-only) or the cue (rule-only)
    if (uses_ == Uses::kCueOnly) action_.index = cue_ == 1 ? kLeft : kRight;
    else action_.index = rule_ == 1 ? kLeft : kRight;
    rule_ = cue_ = 0;
    return action_;
  }

 private:
  Uses uses_;
  Action action_;
  std::array<std::size_t, 4> at_;  // the observation's fixation_pro, fixation_anti, cue_left, cue_right
  int rule_ = 0;  // 0 none seen, 1 pro, 2 anti
  int cue_ = 0;   // 0 none seen, 1 left, 2 right
};

}  // namespace

AgentEntry saccade_antisaccade_shortcut_cue_only_entry() {
  return shortcut_entry<SaccadeShortcut>(saccade_antisaccade_oracle_entry(), "cue-only", "SaccadeAntisaccade-v0 shortcut: the cue without the rule (always looks toward the cue); chance on a fair task",
               Uses::kCueOnly);
}

AgentEntry saccade_antisaccade_shortcut_rule_only_entry() {
  return shortcut_entry<SaccadeShortcut>(saccade_antisaccade_oracle_entry(), "rule-only", "SaccadeAntisaccade-v0 shortcut: the rule without the cue (pro -> left, anti -> right); chance on a fair task",
               Uses::kRuleOnly);
}

}  // namespace sgym
