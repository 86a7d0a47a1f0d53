// saccade-antisaccade-oracle: a scripted subject for SaccadeAntisaccade-v0 that proves the task is
// solvable from the observation alone. It reads only the four inputs [fixation-pro, fixation-anti,
// cue-left, cue-right] and remembers, within a trial, what a subject could: the rule shown by the
// fixation mark and the side of the cue. Policy: fixate while the mark is on (or before anything was
// shown); when the mark goes off after a rule and a cue were seen, saccade toward the cue (pro) or
// away from it (anti), then forget both.
#include <array>

#include "sgym/agents.hpp"

namespace sgym {

/// The offsets of SaccadeAntisaccade-v0's four one-element slices (fixation_pro, fixation_anti,
/// cue_left, cue_right), looked up by name; "" / the reason one is missing (also used by its shortcuts).
std::array<std::size_t, 4> saccade_slices(const Space& obs, std::string_view who);
std::string saccade_slices_missing(const Space& obs);
namespace {

struct SaccadeOracleConfig {};

const OptionSet<SaccadeOracleConfig>& options() {
  static const OptionSet<SaccadeOracleConfig> set("saccade-antisaccade-oracle");
  return set;
}

class SaccadeAntisaccadeOracle final : public Agent {
 public:
  static constexpr int kFixate = 0, kLeft = 1, kRight = 2;

  SaccadeAntisaccadeOracle(const Space& obs, const Space& act, std::uint64_t seed)
      : Agent("saccade-antisaccade-oracle", obs, act, seed), action_(Action::discrete(kFixate)),
        at_(saccade_slices(obs, "saccade-antisaccade-oracle")) {}

  void begin_episode() override { forget(); }

  const Action& act(std::span<const float> obs) override {
    // inputs above 0.5 count as on, so moderate observation noise does not fool it
    const bool pro = obs[at_[0]] > 0.5f, anti = obs[at_[1]] > 0.5f, left = obs[at_[2]] > 0.5f, right = obs[at_[3]] > 0.5f;
    if (pro || anti) rule_ = pro ? 1 : 2;
    if (left || right) cue_ = left ? 1 : 2;
    if (pro || anti || rule_ == 0 || cue_ == 0) {
      action_.index = kFixate;
      return action_;
    }
    // the mark went off after rule and cue: the go signal
    const bool toward = rule_ == 1;
    const bool cue_left = cue_ == 1;
    action_.index = (toward == cue_left) ? kLeft : kRight;
    forget();
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

  std::vector<std::string> signal_names() const override { return {"rule", "cue"}; }
  std::vector<Signal> introspect() const override {
    return {{"rule", {static_cast<float>(rule_)}}, {"cue", {static_cast<float>(cue_)}}};
  }

 private:
  void forget() { rule_ = 0; cue_ = 0; }

  Action action_;
  std::array<std::size_t, 4> at_;  // the observation's fixation_pro, fixation_anti, cue_left, cue_right
  int rule_ = 0;  // 0 none seen, 1 pro, 2 anti
  int cue_ = 0;   // 0 none seen, 1 left, 2 right
};

}  // namespace

constexpr std::array<const char*, 4> kSaccadeSlices = {"fixation_pro", "fixation_anti", "cue_left", "cue_right"};

std::string saccade_slices_missing(const Space& obs) {
  return obs.why_no_slices({{kSaccadeSlices[0], 1}, {kSaccadeSlices[1], 1}, {kSaccadeSlices[2], 1}, {kSaccadeSlices[3], 1}});
}

std::array<std::size_t, 4> saccade_slices(const Space& obs, std::string_view who) {
  std::array<std::size_t, 4> at{};
  for (std::size_t i = 0; i < at.size(); ++i) at[i] = obs.slice(kSaccadeSlices[i], 1, who).offset;
  return at;
}

AgentEntry saccade_antisaccade_oracle_entry() {
  return {"saccade-antisaccade-oracle",
          "scripted subject for SaccadeAntisaccade-v0: remembers the rule and the cue, saccades at go",
          "Box observation of 4 elements [fixation-pro, fixation-anti, cue-left, cue-right]; Discrete(3) actions "
          "{fixate, left, right} (SaccadeAntisaccade-v0)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (!obs.is_box()) return "needs the Box observation of SaccadeAntisaccade-v0";
            if (std::string why = saccade_slices_missing(obs); !why.empty())
              return "needs SaccadeAntisaccade-v0's observation slices fixation_pro, fixation_anti, cue_left, cue_right: " + why;
            if (!act.is_discrete() || act.n() != 3) return "needs Discrete(3) actions {fixate, left, right}";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            options().parse(kv);
            return std::make_unique<SaccadeAntisaccadeOracle>(obs, act, seed);
          },
          {"SaccadeAntisaccade-v0"}};
}

}  // namespace sgym
