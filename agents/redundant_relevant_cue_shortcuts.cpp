// Shortcut subjects of RedundantRelevantCue-v0 (docs/science.md). In training every cue's value
// alone predicts the response, so reading any cue's value is the task, not a shortcut; what must not
// suffice is everything else about the cues: where they are, which is most salient, which is shown.
// Both subjects play the task as the oracle does (fixate, look at a cue location, respond) but never
// read a feature value:
//   fixed-cue     always looks at location 0 and responds from what is there without its value:
//                 response 0 if a stimulus is present at location 0, else response 1;
//   most-salient  looks at the location of highest contrast (as the oracle) and responds with that
//                 location's index (mod the number of responses), regardless of the value shown.
// Each scores 1 / responses unless location, presence or salience predict the correct response.
#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "redundant_relevant_cue_layout.hpp"
#include "shortcut.hpp"

namespace sgym {

AgentEntry redundant_relevant_cue_oracle_entry();

namespace {

enum class Uses { kFixedCue, kMostSalient };

class RrcShortcut final : public ShortcutSubject {
 public:
  RrcShortcut(const std::string& id, const Space& obs, const Space& act, const NoOptions&, Uses uses, std::uint64_t seed)
      : ShortcutSubject(id, obs, act, seed), uses_(uses), action_(Action::discrete(0)), l_(redundant_relevant_cue_layout(obs, act)) {}

  const Action& act(std::span<const float> obs) override {
    const auto K = static_cast<std::size_t>(l_.k), R = static_cast<std::size_t>(l_.r);
    auto contrast = [&](std::size_t k) { return obs[l_.cue[k]]; };
    action_.index = RrcLayout::fixate_action();
    if (obs[l_.fixation] > 0.5f) return action_;  // fixation point on: look at the centre
    const auto g0 = obs.begin() + static_cast<long>(l_.gaze);
    const auto gaze = static_cast<std::size_t>(std::max_element(g0, g0 + static_cast<long>(K + 1)) - g0);
    if (gaze == 0) {
      // choose a location: always the first (fixed-cue) or the most salient
      std::size_t look = 0;
      if (uses_ == Uses::kMostSalient)
        for (std::size_t k = 1; k < K; ++k)
          if (contrast(k) > contrast(look)) look = k;
      action_.index = RrcLayout::look_action(look);
      return action_;
    }
    // respond from the location, never from the feature units
    const std::size_t where = gaze - 1;
    const std::size_t response = uses_ == Uses::kFixedCue ? (contrast(where) > 0.0f ? 0 : 1) : where % R;
    action_.index = l_.response_action(response);
    return action_;
  }

 private:
  Uses uses_;
  Action action_;
  RrcLayout l_;
};

}  // namespace

AgentEntry redundant_relevant_cue_shortcut_fixed_cue_entry() {
  return shortcut_entry<RrcShortcut>(redundant_relevant_cue_oracle_entry(), "fixed-cue",
               "RedundantRelevantCue-v0 shortcut: always looks at location 0, responds from the presence of a stimulus there, not its value; chance on a fair task",
               Uses::kFixedCue);
}

AgentEntry redundant_relevant_cue_shortcut_most_salient_entry() {
  return shortcut_entry<RrcShortcut>(redundant_relevant_cue_oracle_entry(), "most-salient",
               "RedundantRelevantCue-v0 shortcut: looks at the most salient cue, responds with its location, not its value; chance on a fair task",
               Uses::kMostSalient);
}

}  // namespace sgym
