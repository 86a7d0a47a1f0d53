// curve-tracing-oracle: a scripted solver of CurveTracing-v0 that reads only the current retina. It
// looks at the fixation point while it is on; when the FP goes off the eye is still where the FP was
// (the gaze channel), so it traces the curve that starts under the eye, pixel by pixel along its
// 4-neighbours, going straight on through a crossing (a pixel with four curve neighbours), and
// saccades to the target at its end. It keeps no memory between frames. It is exact for every
// `contact` setting, since the env keeps curves unambiguous; it proves the task is solvable from
// what the agent sees now.
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
        action_(Action::discrete(0)) {}

  const Action& act(std::span<const float> obs) override {
    const std::size_t n = static_cast<std::size_t>(g_ * g_);
    // while the fixation point is on: look at it
    for (std::size_t p = 0; p < n; ++p)
      if (obs[n + p] > 0.5f) {
        action_.index = static_cast<std::int64_t>(p);
        return action_;
      }
    // FP off: the eye is on the start of the target curve; stay there unless a target is found
    int start = -1;
    for (std::size_t p = 0; p < n; ++p)
      if (obs[3 * n + p] > 0.5f) start = static_cast<int>(p);
    action_.index = std::max(start, 0);
    if (start < 0 || obs[static_cast<std::size_t>(start)] <= 0.5f) return action_;
    // trace: the one curve neighbour that is not the previous pixel, or straight on at a crossing
    int prev = -1, cur = start;
    for (std::size_t steps = 0; steps < n; ++steps) {
      if (cur != start && obs[2 * n + static_cast<std::size_t>(cur)] > 0.5f) {
        action_.index = cur;
        break;
      }
      const int r = cur / g_, c = cur % g_;
      const int nb[4][2] = {{0, 1}, {0, -1}, {1, 0}, {-1, 0}};
      int next = -1, neighbours = 0;
      for (const auto& d : nb) {
        const int rr = r + d[0], cc = c + d[1];
        if (rr < 0 || rr >= g_ || cc < 0 || cc >= g_) continue;
        const int q = rr * g_ + cc;
        if (obs[static_cast<std::size_t>(q)] <= 0.5f) continue;
        ++neighbours;
        if (q != prev && next < 0) next = q;
      }
      if (neighbours == 4 && prev >= 0) next = 2 * cur - prev;
      if (next < 0) break;
      prev = cur;
      cur = next;
    }
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

 private:
  int g_;
  Action action_;
};

const OptionSet<CurveTracingOracleConfig>& options() {
  static const OptionSet<CurveTracingOracleConfig> set("curve-tracing-oracle");
  return set;
}

}  // namespace

AgentEntry curve_tracing_oracle_entry() {
  return {"curve-tracing-oracle",
          "scripted CurveTracing-v0 solver: fixates the FP, then traces the curve under the eye (straight on through crossings) to its target",
          "Box observation of shape (4, g, g) (curves, fixation point, targets, gaze); action Discrete(g*g) (gaze pixel)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (!obs.is_box() || obs.shape().size() != 3 || obs.shape()[0] != 4 || obs.shape()[1] != obs.shape()[2])
              return "needs a (4, g, g) retinal observation: curves, fixation point, targets, gaze";
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
