// redundant-relevant-cue-oracle: a scripted solver of RedundantRelevantCue-v0 that reads only the
// current observation. It holds central fixation while the fixation point is on, then looks at the
// cue location with the highest contrast (the first one on ties), and responds with the feature
// value it sees there in detail. It needs no memory: the gaze units of the observation say where the
// eye is. It proves that the task is solvable from what the agent sees.
#include <algorithm>

#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct RedundantRelevantCueOracleConfig {};

// (cues, responses) of the env whose spaces these are, or {0, 0} when no layout fits: the
// observation has 2K + 2 + K·R elements and the action space 1 + K + R choices
std::pair<int, int> layout(const Space& obs, const Space& act) {
  if (!obs.is_box() || obs.shape().size() != 1 || !act.is_discrete()) return {0, 0};
  const auto n_obs = static_cast<long long>(obs.flat_size());
  std::pair<int, int> found{0, 0};
  int count = 0;
  for (long long k = 1; k + 3 <= act.n(); ++k) {
    const long long r = act.n() - 1 - k;
    if (r >= 2 && 2 * k + 2 + k * r == n_obs) { found = {static_cast<int>(k), static_cast<int>(r)}; ++count; }
  }
  return count == 1 ? found : std::pair<int, int>{0, 0};
}

class RedundantRelevantCueOracle final : public Agent {
 public:
  RedundantRelevantCueOracle(const Space& obs, const Space& act, std::uint64_t seed)
      : Agent("redundant-relevant-cue-oracle", obs, act, seed), action_(Action::discrete(0)) {
    std::tie(k_, r_) = layout(obs, act);
  }

  const Action& act(std::span<const float> obs) override {
    const auto K = static_cast<std::size_t>(k_), R = static_cast<std::size_t>(r_);
    // fixation point on: look at the centre
    action_.index = 0;
    if (obs[K + 1] > 0.5f) return action_;
    const auto gaze = static_cast<std::size_t>(std::max_element(obs.begin(), obs.begin() + static_cast<long>(K + 1)) - obs.begin());
    if (gaze == 0) {
      // look at the most salient cue location
      std::size_t best = 0;
      for (std::size_t k = 1; k < K; ++k)
        if (obs[K + 2 + k * (1 + R)] > obs[K + 2 + best * (1 + R)]) best = k;
      action_.index = static_cast<std::int64_t>(1 + best);
      return action_;
    }
    // looking at a cue: respond with the value seen there
    const std::size_t base = K + 2 + (gaze - 1) * (1 + R) + 1;
    const auto v = std::max_element(obs.begin() + static_cast<long>(base), obs.begin() + static_cast<long>(base + R)) -
                   (obs.begin() + static_cast<long>(base));
    action_.index = static_cast<std::int64_t>(1 + K) + v;
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

 protected:
  void save_state(StateWriter&) const override {}
  void load_state(StateReader&) override {}

 private:
  int k_ = 0, r_ = 0;
  Action action_;
};

const OptionSet<RedundantRelevantCueOracleConfig>& options() {
  static const OptionSet<RedundantRelevantCueOracleConfig> set("redundant-relevant-cue-oracle");
  return set;
}

}  // namespace

// the layout, for the task's shortcut subjects (agents/redundant_relevant_cue_shortcuts.cpp)
std::pair<int, int> redundant_relevant_cue_layout(const Space& obs, const Space& act) { return layout(obs, act); }

AgentEntry redundant_relevant_cue_oracle_entry() {
  return {"redundant-relevant-cue-oracle",
          "scripted RedundantRelevantCue-v0 solver: fixate, look at the most salient cue, report its value",
          "1-D Box observation of 2K + 2 + K*R elements and Discrete(1 + K + R) actions (the RedundantRelevantCue-v0 layout)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (layout(obs, act).first == 0)
              return "needs the RedundantRelevantCue-v0 layout: a 1-D Box of 2K + 2 + K*R elements and Discrete(1 + K + R) actions";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            options().parse(kv);
            return std::make_unique<RedundantRelevantCueOracle>(obs, act, seed);
          },
          {"RedundantRelevantCue-v0"}};
}

}  // namespace sgym
