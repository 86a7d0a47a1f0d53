// curve-tracing-oracle: a scripted solver of CurveTracing-v0 that reads only the retina. It looks at
// the fixation point while it is on (remembering where it was: the one thing a subject carries from
// earlier frames of the trial), and when the FP goes off it traces the curve that starts there, a
// 4-connected flood fill over curve pixels, and saccades to the target at its end. This is exact
// whenever curves do not touch (the env's default contact = none); it proves the task is solvable
// from what the agent sees.
#include <algorithm>

#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct CurveTracingOracleConfig {};

class CurveTracingOracle final : public Agent {
 public:
  CurveTracingOracle(const Space& obs, const Space& act, std::uint64_t seed)
      : Agent("curve-tracing-oracle", obs, act, seed),
        g_(static_cast<int>(obs.shape()[1])),
        seen_(static_cast<std::size_t>(g_ * g_), 0),
        action_(Action::discrete(0)) {
    stack_.reserve(static_cast<std::size_t>(g_ * g_));
  }

  void begin_episode() override { fp_ = -1; }

  const Action& act(std::span<const float> obs) override {
    const std::size_t n = static_cast<std::size_t>(g_ * g_);
    // while the fixation point is on: look at it and remember where it is
    for (std::size_t p = 0; p < n; ++p)
      if (obs[n + p] > 0.5f) {
        fp_ = static_cast<int>(p);
        action_.index = fp_;
        return action_;
      }
    if (fp_ < 0) {
      action_.index = 0;
      return action_;
    }
    // FP off: trace the curve from the remembered FP to the target at its end
    action_.index = fp_;
    std::fill(seen_.begin(), seen_.end(), 0);
    stack_.clear();
    if (obs[static_cast<std::size_t>(fp_)] > 0.5f) {
      stack_.push_back(fp_);
      seen_[static_cast<std::size_t>(fp_)] = 1;
    }
    while (!stack_.empty()) {
      const int p = stack_.back();
      stack_.pop_back();
      if (p != fp_ && obs[2 * n + static_cast<std::size_t>(p)] > 0.5f) {
        action_.index = p;
        break;
      }
      const int r = p / g_, c = p % g_;
      const int nb[4][2] = {{0, 1}, {0, -1}, {1, 0}, {-1, 0}};
      for (const auto& d : nb) {
        const int rr = r + d[0], cc = c + d[1];
        if (rr < 0 || rr >= g_ || cc < 0 || cc >= g_) continue;
        const auto q = static_cast<std::size_t>(rr * g_ + cc);
        if (seen_[q] || obs[q] <= 0.5f) continue;
        seen_[q] = 1;
        stack_.push_back(static_cast<int>(q));
      }
    }
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

 protected:
  void save_state(StateWriter&) const override {}
  void load_state(StateReader&) override {}

 private:
  int g_;
  int fp_ = -1;                  // where the fixation point was in this trial
  std::vector<char> seen_;       // flood-fill marks
  std::vector<int> stack_;       // flood-fill frontier
  Action action_;
};

const OptionSet<CurveTracingOracleConfig>& options() {
  static const OptionSet<CurveTracingOracleConfig> set("curve-tracing-oracle");
  return set;
}

}  // namespace

AgentEntry curve_tracing_oracle_entry() {
  return {"curve-tracing-oracle",
          "scripted CurveTracing-v0 solver: fixates the FP, then traces the curve from it to its target",
          "Box observation of shape (3, g, g) (curves, fixation point, targets); action Discrete(g*g) (gaze pixel)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (!obs.is_box() || obs.shape().size() != 3 || obs.shape()[0] != 3 || obs.shape()[1] != obs.shape()[2])
              return "needs a (3, g, g) retinal observation: curves, fixation point, targets";
            if (!act.is_discrete() || act.n() != obs.shape()[1] * obs.shape()[2])
              return "needs a Discrete(g*g) gaze action";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            options().parse(kv);
            return std::make_unique<CurveTracingOracle>(obs, act, seed);
          },
          {"CurveTracing-v0"}};
}

}  // namespace sgym
