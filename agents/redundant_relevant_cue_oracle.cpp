// redundant-relevant-cue-oracle: a scripted solver of RedundantRelevantCue-v0 that reads only the
// current observation. It holds central fixation while the fixation point is on, then looks at the
// cue location with the highest contrast (the first one on ties), and responds with the feature
// value it sees there in detail. It needs no memory: the gaze units of the observation say where the
// eye is. It proves that the task is solvable from what the agent sees.
#include <algorithm>
#include <string>

#include "redundant_relevant_cue_layout.hpp"
#include "sgym/agents.hpp"

namespace sgym {

namespace {

struct RedundantRelevantCueOracleConfig {};

// The task's layout read from the observation's named slices: gaze (K + 1 one-hot), fixation_point,
// cue_0 .. cue_{K-1} (a contrast then R feature units each); "" or why not in `why`
RrcLayout layout(const Space& obs, const Space& act, std::string* why = nullptr) {
  RrcLayout l;
  auto fail = [&](std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return RrcLayout{};
  };
  if (!obs.is_box() || !act.is_discrete()) return fail("needs a Box observation and Discrete actions");
  if (std::string w = obs.why_no_slices({{"gaze", 0}, {"fixation_point", 1}, {"cue_0", 0}}); !w.empty()) return fail(w);
  l.k = static_cast<int>(obs.find_slice("gaze")->size) - 1;
  l.r = static_cast<int>(obs.find_slice("cue_0")->size) - 1;
  if (l.k < 1 || l.r < 2 || act.n() != 1 + l.k + l.r)
    return fail("needs K >= 1 cues of R >= 2 feature values and 1 + K + R actions");
  l.gaze = obs.find_slice("gaze")->offset;
  l.fixation = obs.find_slice("fixation_point")->offset;
  for (int k = 0; k < l.k; ++k) {
    const std::string name = "cue_" + std::to_string(k);
    if (std::string w = obs.why_no_slice(name, static_cast<std::size_t>(1 + l.r)); !w.empty()) return fail(w);
    l.cue.push_back(obs.find_slice(name)->offset);
  }
  return l;
}

class RedundantRelevantCueOracle final : public Agent {
 public:
  RedundantRelevantCueOracle(const Space& obs, const Space& act, std::uint64_t seed)
      : Agent("redundant-relevant-cue-oracle", obs, act, seed), action_(Action::discrete(0)), l_(layout(obs, act)) {}

  const Action& act(std::span<const float> obs) override {
    const auto K = static_cast<std::size_t>(l_.k), R = static_cast<std::size_t>(l_.r);
    // fixation point on: look at the centre
    action_.index = RrcLayout::fixate_action();
    if (obs[l_.fixation] > 0.5f) return action_;
    const auto g0 = obs.begin() + static_cast<long>(l_.gaze);
    const auto gaze = static_cast<std::size_t>(std::max_element(g0, g0 + static_cast<long>(K + 1)) - g0);
    if (gaze == 0) {
      // look at the most salient cue location
      std::size_t best = 0;
      for (std::size_t k = 1; k < K; ++k)
        if (obs[l_.cue[k]] > obs[l_.cue[best]]) best = k;
      action_.index = RrcLayout::look_action(best);
      return action_;
    }
    // looking at a cue: respond with the value seen there
    const std::size_t base = l_.cue[gaze - 1] + 1;
    const auto v = std::max_element(obs.begin() + static_cast<long>(base), obs.begin() + static_cast<long>(base + R)) -
                   (obs.begin() + static_cast<long>(base));
    action_.index = l_.response_action(static_cast<std::size_t>(v));
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

 private:
  Action action_;
  RrcLayout l_;
};

const OptionSet<RedundantRelevantCueOracleConfig>& options() {
  static const OptionSet<RedundantRelevantCueOracleConfig> set("redundant-relevant-cue-oracle");
  return set;
}

}  // namespace

// the layout, for the task's shortcut subjects (agents/redundant_relevant_cue_shortcuts.cpp)
RrcLayout redundant_relevant_cue_layout(const Space& obs, const Space& act) { return layout(obs, act); }

AgentEntry redundant_relevant_cue_oracle_entry() {
  return {"redundant-relevant-cue-oracle",
          "scripted RedundantRelevantCue-v0 solver: fixate, look at the most salient cue, report its value",
          "1-D Box observation of 2K + 2 + K*R elements and Discrete(1 + K + R) actions (the RedundantRelevantCue-v0 layout)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            std::string why;
            if (layout(obs, act, &why).k == 0) return "needs RedundantRelevantCue-v0's observation slices and actions: " + why;
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            options().parse(kv);
            return std::make_unique<RedundantRelevantCueOracle>(obs, act, seed);
          },
          {"RedundantRelevantCue-v0"}};
}

}  // namespace sgym
