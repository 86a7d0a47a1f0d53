// CurveTracing-v0's shortcut subjects: scripted subjects that behave like a trained monkey (fixate
// the fixation point while it is on, then saccade to one saccade target on the first frame of the
// response epoch) but choose the target from information that the paradigm says must not suffice,
// i.e. without tracing the curve that is connected to the fixation point. The task measures curve
// tracing only if every one of them stays at chance, 1 / (number of targets); the test suite holds
// them to that (tests/test_curve_tracing.cpp). Ties are broken at random (the agent's seeded RNG).
//
//   nearest    the target nearest the fixation point (where the eye still is)
//   farthest   the target farthest from it
//   near-end   the target nearest the free curve end that lies nearest the fixation point: a curve
//              picked by proximity to the fixation point, not by connection
//   longest    the target of the longest curve (each target's curve followed back to its other end)
//   shortest   the target of the shortest curve
//   direction  the target whose direction from the fixation point is closest to the direction in
//              which the connected curve leaves it (its first pixel): local, no tracing
//
// The composite variants (option `task`) add the cue and marker colours; there the subjects use the
// same geometric rules, measured from the fixation point (see docs/envs/CurveTracing-v0.md).
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "curve_tracing_retina.hpp"
#include "shortcut.hpp"
#include "sgym/agents.hpp"

namespace sgym {

AgentEntry curve_tracing_oracle_entry();

namespace {

using curve_retina::Frame;

/// The rule a shortcut subject chooses its target by.
enum class Rule { kNearest, kFarthest, kNearEnd, kLongest, kShortest, kDirection };

class CurveTracingShortcut final : public ShortcutSubject {
 public:
  CurveTracingShortcut(std::string id, const Space& obs, const Space& act, const NoOptions&, Rule rule, std::uint64_t seed)
      : ShortcutSubject(std::move(id), obs, act, seed), rule_(rule), g_(static_cast<int>(obs.shape()[1])),
        action_(Action::discrete(0)) {}

  const Action& act(std::span<const float> obs) override {
    const Frame f{obs, g_};
    // fixate while the fixation point is on
    if (const int fp = f.first(1); fp >= 0) {
      action_.index = fp;
      return action_;
    }
    // response epoch: the eye is still where the fixation point was
    const int eye = f.first(3);
    action_.index = eye < 0 ? 0 : eye;
    const std::vector<int> targets = f.all(2);
    if (eye < 0 || targets.empty()) return action_;
    action_.index = choose(f, eye, targets);
    return action_;
  }

 private:
  // the candidate with the highest score; ties (within 1e-9) broken uniformly at random
  int best(const std::vector<int>& candidates, const std::function<double(int)>& score) {
    double top = -1e300;
    std::vector<int> ties;
    for (int c : candidates) {
      const double s = score(c);
      if (s > top + 1e-9) {
        top = s;
        ties.assign(1, c);
      } else if (s > top - 1e-9) {
        ties.push_back(c);
      }
    }
    return ties[rng_.below(ties.size())];
  }

  int choose(const Frame& f, int eye, const std::vector<int>& targets) {
    switch (rule_) {
      case Rule::kNearest:
        return best(targets, [&](int t) { return -f.distance(t, eye); });
      case Rule::kFarthest:
        return best(targets, [&](int t) { return f.distance(t, eye); });
      case Rule::kNearEnd: {
        std::vector<int> ends;  // free curve ends: curve pixels with at most one curve neighbour
        for (int p = 0; p < g_ * g_; ++p)
          if (p != eye && f.curve(p) && !f.target(p) && f.curve_neighbours(p).size() <= 1) ends.push_back(p);
        if (ends.empty()) return best(targets, [&](int t) { return -f.distance(t, eye); });
        const int end = best(ends, [&](int e) { return -f.distance(e, eye); });
        return best(targets, [&](int t) { return -f.distance(t, end); });
      }
      case Rule::kLongest:
        return best(targets, [&](int t) { return curve_retina::trace(f, t).pixels; });
      case Rule::kShortest:
        return best(targets, [&](int t) { return -curve_retina::trace(f, t).pixels; });
      case Rule::kDirection: {
        double ur = 0, uc = 0;
        for (int q : f.curve_neighbours(eye)) {
          ur += q / g_ - eye / g_;
          uc += q % g_ - eye % g_;
        }
        return best(targets, [&](int t) {
          const double tr = t / g_ - eye / g_, tc = t % g_ - eye % g_;
          const double norm = std::hypot(tr, tc) * std::hypot(ur, uc);
          return norm > 0 ? (tr * ur + tc * uc) / norm : 0.0;
        });
      }
    }
    return eye;
  }

  Rule rule_;
  int g_;
  Action action_;
};

AgentEntry entry(const std::string& name, Rule rule, const std::string& what) {
  return shortcut_entry<CurveTracingShortcut>(
      curve_tracing_oracle_entry(), name, "CurveTracing-v0 shortcut subject (must stay at chance): fixates, then saccades to " + what, rule);
}

}  // namespace

AgentEntry curve_tracing_shortcut_nearest_entry() {
  return entry("nearest", Rule::kNearest, "the target nearest the fixation point");
}
AgentEntry curve_tracing_shortcut_farthest_entry() {
  return entry("farthest", Rule::kFarthest, "the target farthest from the fixation point");
}
AgentEntry curve_tracing_shortcut_near_end_entry() {
  return entry("near-end", Rule::kNearEnd, "the target nearest the free curve end nearest the fixation point");
}
AgentEntry curve_tracing_shortcut_longest_entry() {
  return entry("longest", Rule::kLongest, "the target of the longest curve");
}
AgentEntry curve_tracing_shortcut_shortest_entry() {
  return entry("shortest", Rule::kShortest, "the target of the shortest curve");
}
AgentEntry curve_tracing_shortcut_direction_entry() {
  return entry("direction", Rule::kDirection,
                        "the target in the direction in which the connected curve leaves the fixation point");
}

}  // namespace sgym
