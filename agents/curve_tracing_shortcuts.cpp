// CurveTracing-v0's shortcut subjects: scripted subjects that behave like a trained monkey (fixate
// the fixation point while it is on, then saccade to one saccade target on the first frame of the
// response epoch) but choose the target from information that the paradigm says must not suffice,
// i.e. without tracing the curve that is connected to the fixation point. The task measures curve
// tracing only if every one of them stays at chance, 1 / (number of targets); the test suite holds
// them to that (tests/test_curve_tracing.cpp). Ties are broken at random (the agent's seeded RNG).
// After its choice, introspect() gives the signal `choice_set` (one value per pixel; all 0 after a
// frame without a choice): 1 at every target the subject's rule ranks best (all tied candidates, of which it picked one at random), so an
// analysis can tell the trials on which a rule could have found the correct target
// (benchmarks/curve_tracing.cpp, the 10-distractor test).
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
// The composite routines (option `routine`) add the cue and marker colours. There the six subjects
// above use the same geometric rules, measured from the fixation point, and two more do one of the
// two operations and replace the other by proximity or chance (see docs/envs/CurveTracing-v0.md):
//   search-only  search_trace: the target nearest the marker of the cued colour (search, no trace);
//                trace_search: the target of the colour of the marker nearest the fixation point
//                (no trace, then search); trace: the target nearest the fixation point
//   trace-only   search_trace: traces the curve of the marker nearest the fixation point, whatever
//                its colour (trace, no search); trace_search: traces to the marker, then the target
//                nearest that marker, whatever its colour (no search); trace: a target at random
// trace_marker (trace_search's tracing stage: the markers are the targets) reads as trace_search on
// the retina; there trace-only solves it (the target nearest the marker is the marker), as it should.
#include <algorithm>
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
enum class Rule { kNearest, kFarthest, kNearEnd, kLongest, kShortest, kDirection, kSearchOnly, kTraceOnly };

class CurveTracingShortcut final : public ShortcutSubject {
 public:
  CurveTracingShortcut(std::string id, const Space& obs, const Space& act, const NoOptions&, Rule rule, std::uint64_t seed)
      : ShortcutSubject(std::move(id), obs, act, seed), rule_(rule), ch_(curve_retina::channels(obs)), g_(ch_.g),
        action_(Action::discrete(0)), choice_set_(static_cast<std::size_t>(g_) * static_cast<std::size_t>(g_), 0.0f) {}

  std::vector<std::string> signal_names() const override { return {"choice_set"}; }
  std::vector<Signal> introspect() const override { return {{"choice_set", choice_set_}}; }

  const Action& act(std::span<const float> obs) override {
    const Frame f{obs, ch_};
    // the choice set describes this frame's choice only: empty on a frame without one (so that an
    // agent loaded from a save, which has made no choice yet, signals the same)
    if (chose_) std::fill(choice_set_.begin(), choice_set_.end(), 0.0f);
    chose_ = false;
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
    final_.clear();
    action_.index = choose(f, eye, targets);
    chose_ = true;
    if (final_.empty()) final_.push_back(static_cast<int>(action_.index));  // a choice made without a ranking
    for (int t : final_) choice_set_[static_cast<std::size_t>(t)] = 1.0f;
    return action_;
  }

 private:
  // the candidates with the highest score (ties within 1e-9)
  static std::vector<int> top(const std::vector<int>& candidates, const std::function<double(int)>& score) {
    double high = -1e300;
    std::vector<int> ties;
    for (int c : candidates) {
      const double s = score(c);
      if (s > high + 1e-9) {
        high = s;
        ties.assign(1, c);
      } else if (s > high - 1e-9) {
        ties.push_back(c);
      }
    }
    return ties;
  }
  // the candidate with the highest score, ties broken uniformly at random; the tied set is kept as
  // the choice set (the last call decides the subject's target)
  int best(const std::vector<int>& candidates, const std::function<double(int)>& score) {
    final_ = top(candidates, score);
    return final_[rng_.below(final_.size())];
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
        const std::vector<int> nearest_ends = top(ends, [&](int e) { return -f.distance(e, eye); });
        const int end = nearest_ends[rng_.below(nearest_ends.size())];
        const int choice = best(targets, [&](int t) { return -f.distance(t, end); });
        // the choice set: the best targets of every end the subject could have picked
        for (int e : nearest_ends)
          for (int t : top(targets, [&](int q) { return -f.distance(q, e); }))
            if (std::find(final_.begin(), final_.end(), t) == final_.end()) final_.push_back(t);
        return choice;
      }
      case Rule::kLongest:
        return best(targets, [&](int t) { return curve_retina::trace(f, t).pixels; });
      case Rule::kShortest:
        return best(targets, [&](int t) { return -curve_retina::trace(f, t).pixels; });
      case Rule::kSearchOnly:
        switch (curve_retina::routine(f, eye)) {
          case curve_retina::Routine::kSearchTrace: {
            const int m = curve_retina::marker(f, f.colour(eye), eye);
            if (m < 0) break;
            return best(targets, [&](int t) { return -f.distance(t, m); });
          }
          case curve_retina::Routine::kTraceSearch: {
            const std::vector<int> tied = top(markers(f, eye), [&](int q) { return -f.distance(q, eye); });
            const int m = tied[rng_.below(tied.size())];
            const int t = curve_retina::coloured_target(f, f.colour(m));
            if (t >= 0) {
              // the choice set: the target of every marker the subject could have picked
              final_.clear();
              for (int q : tied)
                if (const int c = curve_retina::coloured_target(f, f.colour(q)); c >= 0 && std::find(final_.begin(), final_.end(), c) == final_.end())
                  final_.push_back(c);
              return t;
            }
            break;
          }
          case curve_retina::Routine::kTrace:
            break;
        }
        return best(targets, [&](int t) { return -f.distance(t, eye); });
      case Rule::kTraceOnly:
        switch (curve_retina::routine(f, eye)) {
          case curve_retina::Routine::kSearchTrace: {
            const std::vector<int> tied = top(markers(f, eye), [&](int q) { return -f.distance(q, eye); });
            const int m = tied[rng_.below(tied.size())];
            const int end = curve_retina::trace(f, m).end;
            if (f.target(end)) {
              // the choice set: the traced end of every marker the subject could have picked
              final_.clear();
              for (int q : tied)
                if (const int e = curve_retina::trace(f, q).end; f.target(e) && std::find(final_.begin(), final_.end(), e) == final_.end())
                  final_.push_back(e);
              return end;
            }
            break;
          }
          case curve_retina::Routine::kTraceSearch: {
            const int end = curve_retina::trace(f, eye).end;
            return best(targets, [&](int t) { return -f.distance(t, end); });
          }
          case curve_retina::Routine::kTrace:
            break;
        }
        final_ = targets;  // a random target: every one is in the choice set
        return targets[rng_.below(targets.size())];
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

  // the coloured curve pixels (the markers) other than `eye`; never empty in the composite routines
  std::vector<int> markers(const Frame& f, int eye) const {
    std::vector<int> out;
    for (int p = 0; p < g_ * g_; ++p)
      if (p != eye && f.curve(p) && f.colour(p) >= 0) out.push_back(p);
    return out;
  }

  Rule rule_;
  curve_retina::Channels ch_;  // where each channel of the retina starts
  int g_;
  Action action_;
  std::vector<int> final_;         // the targets tied for the rule's best at the last choice
  std::vector<float> choice_set_;  // the same, one value per pixel (introspect); all 0 on frames without a choice
  bool chose_ = false;             // choice_set_ holds a choice (this frame's, until the next act)
};

AgentEntry entry(const std::string& name, Rule rule, const std::string& what) {
  AgentEntry e = shortcut_entry<CurveTracingShortcut>(
      curve_tracing_oracle_entry(), name, "CurveTracing-v0 shortcut subject (must stay at chance): fixates, then saccades to " + what, rule);
  e.allocates_per_act = kCurveTracingBatteryAllocates;
  return e;
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
AgentEntry curve_tracing_shortcut_search_only_entry() {
  return entry("search-only", Rule::kSearchOnly,
               "the target the search step alone points to: nearest the cued marker (search_trace), of the colour of the marker nearest the fixation point (trace_search), nearest the fixation point (trace)");
}
AgentEntry curve_tracing_shortcut_trace_only_entry() {
  return entry("trace-only", Rule::kTraceOnly,
               "the target the trace step alone points to: the end of the curve of the marker nearest the fixation point (search_trace), the target nearest the marker the connected curve leads to (trace_search), a random target (trace)");
}
AgentEntry curve_tracing_shortcut_direction_entry() {
  return entry("direction", Rule::kDirection,
                        "the target in the direction in which the connected curve leaves the fixation point");
}

}  // namespace sgym
