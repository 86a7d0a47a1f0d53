// curve-tracing-oracle: a scripted solver of CurveTracing-v0 that reads only the current retina. It
// looks at the fixation point while it is on; when the FP goes off the eye is still where the FP was
// (the gaze channel), so it traces the curve that starts under the eye, pixel by pixel along its
// 4-neighbours, going straight on through a crossing (a pixel with four curve neighbours), and
// saccades to the target at its end. In the composite routines it first searches the marker of the
// cue's colour and traces from there (search_trace), or traces from the eye to a marker and then
// searches the target of the marker's colour (trace_search). It keeps no memory between frames. It is exact for every
// `contact` setting, since the env keeps curves unambiguous; it proves the task is solvable from
// what the agent sees now.
#include <algorithm>

#include "curve_tracing_retina.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct CurveTracingOracleConfig {};

class CurveTracingOracle final : public Agent {
 public:
  CurveTracingOracle(const Space& obs, const Space& act, std::uint64_t seed)
      : Agent("curve-tracing-oracle", obs, act, seed),
        ch_(curve_retina::channels(obs)),
        action_(Action::discrete(0)) {}

  const Action& act(std::span<const float> obs) override {
    const curve_retina::Frame f{obs, ch_};
    // while the fixation point is on: look at it
    if (const int fp = f.first(1); fp >= 0) {
      action_.index = fp;
      return action_;
    }
    // FP off: the eye is where the FP was; stay there unless a target is found
    const int eye = f.first(3);
    action_.index = std::max(eye, 0);
    int choice = -1;
    switch (curve_retina::routine(f, eye)) {
      case curve_retina::Routine::kTrace: {  // trace the curve under the eye to its target
        const int end = curve_retina::trace(f, eye).end;
        if (end != eye && f.target(end)) choice = end;
        break;
      }
      case curve_retina::Routine::kSearchTrace: {  // search the marker of the cue's colour, trace its curve
        const int m = curve_retina::marker(f, f.colour(eye), eye);
        const int end = m >= 0 ? curve_retina::trace(f, m).end : -1;
        if (end != m && end >= 0 && f.target(end)) choice = end;
        break;
      }
      case curve_retina::Routine::kTraceSearch: {  // trace to the marker, search the target of its colour
        const int end = curve_retina::trace(f, eye).end;
        if (end != eye && f.colour(end) >= 0) choice = curve_retina::coloured_target(f, f.colour(end));
        break;
      }
    }
    if (choice >= 0) action_.index = choice;
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

 private:
  curve_retina::Channels ch_;  // where each channel of the retina starts
  Action action_;
};

const OptionSet<CurveTracingOracleConfig>& options() {
  static const OptionSet<CurveTracingOracleConfig> set("curve-tracing-oracle");
  return set;
}

}  // namespace

AgentEntry curve_tracing_oracle_entry() {
  AgentEntry e{"curve-tracing-oracle",
          "scripted CurveTracing-v0 solver: fixates the FP, then traces the curve under the eye (straight on through crossings) to its target; in the composite routines searches the cued marker and traces from it, or traces to a marker and searches the target of its colour",
          "Box observation of shape (4 + colours, g, g) (curves, fixation point, targets, gaze, colours); action Discrete(g*g) (gaze pixel)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            std::string why;
            if (curve_retina::channels(obs, &why).g == 0)
              return "needs CurveTracing-v0's retina (slices curves, fixation_point, targets, gaze, colour_k): " + why;
            if (!act.is_discrete() || act.n() != obs.shape()[1] * obs.shape()[2])
              return "needs a Discrete(g*g) gaze action";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            options().parse(kv);
            return std::make_unique<CurveTracingOracle>(obs, act, seed);
          },
          {"CurveTracing-v0"}};
  e.allocates_per_act = kCurveTracingBatteryAllocates;
  return e;
}

}  // namespace sgym
