// Reading CurveTracing-v0's retina (channels: 0 curve pixels, 1 fixation point, 2 saccade targets,
// 3 gaze, then one channel per colour in the composite variants, each found by its slice name:
// curves, fixation_point, targets, gaze, colour_0, colour_1, ...), shared by its scripted subjects:
// the oracle (agents/curve_tracing_oracle.cpp) and the shortcut subjects
// (agents/curve_tracing_shortcuts.cpp). Everything here reads the current frame only.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "sgym/space.hpp"

namespace sgym {
/// Why the oracle and shortcut subjects of CurveTracing-v0 are exempt from the zero-allocation check
/// (AgentEntry::allocates_per_act): scripted instruments, not learners, they still build small vectors
/// per act until they are rewritten.
inline constexpr const char* kCurveTracingBatteryAllocates =
    "scripted CurveTracing-v0 battery subject (an instrument, not a learner): builds small vectors per act "
    "until it is rewritten";
}  // namespace sgym

namespace sgym::curve_retina {

/// Where each channel starts in the observation: curves, fixation_point, targets, gaze, then the
/// colours; and the retina's side g.
struct Channels {
  std::vector<std::size_t> at;
  int g = 0;
};

/// The channels of a CurveTracing-v0 observation space, by slice name; "" or why not in `why`
/// (then g = 0).
inline Channels channels(const Space& obs, std::string* why = nullptr) {
  Channels c;
  auto fail = [&](std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return Channels{};
  };
  if (!obs.is_box() || obs.shape().size() != 3 || obs.shape()[1] != obs.shape()[2])
    return fail("needs a (4 + colours, g, g) retinal observation");
  const auto n = static_cast<std::size_t>(obs.shape()[1] * obs.shape()[2]);
  for (const char* s : {"curves", "fixation_point", "targets", "gaze"}) {
    if (std::string w = obs.why_no_slice(s, n); !w.empty()) return fail(w);
    c.at.push_back(obs.find_slice(s)->offset);
  }
  for (int k = 0;; ++k) {
    const ObsSlice* colour = obs.find_slice("colour_" + std::to_string(k));
    if (colour == nullptr) break;
    if (colour->size != n) return fail("slice colour_" + std::to_string(k) + " is not one retina of g*g pixels");
    c.at.push_back(colour->offset);
  }
  c.g = static_cast<int>(obs.shape()[1]);
  return c;
}

/// One frame of the retina of side g.
struct Frame {
  std::span<const float> obs;
  const Channels& ch;
  int g = ch.g;

  std::size_t n() const { return static_cast<std::size_t>(g * g); }
  /// Is pixel p on in channel c?
  bool on(int c, int p) const { return obs[ch.at[static_cast<std::size_t>(c)] + static_cast<std::size_t>(p)] > 0.5f; }
  bool curve(int p) const { return on(0, p); }
  bool target(int p) const { return on(2, p); }
  /// The first pixel that is on in channel ch, -1 if none.
  int first(int ch) const {
    for (int p = 0; p < g * g; ++p)
      if (on(ch, p)) return p;
    return -1;
  }
  /// Every pixel that is on in channel ch.
  std::vector<int> all(int ch) const {
    std::vector<int> out;
    for (int p = 0; p < g * g; ++p)
      if (on(ch, p)) out.push_back(p);
    return out;
  }
  /// Number of colour channels after the four fixed ones (0 in the plain trace task).
  int colours() const { return static_cast<int>(ch.at.size()) - 4; }
  /// The colour of pixel p (index among the colour channels), -1 if it has none.
  int colour(int p) const {
    for (int c = 0; c < colours(); ++c)
      if (on(4 + c, p)) return c;
    return -1;
  }
  /// Euclidean distance between two pixels.
  double distance(int a, int b) const { return std::hypot(a / g - b / g, a % g - b % g); }
  /// Curve pixels that are 4-neighbours of p.
  std::vector<int> curve_neighbours(int p) const {
    std::vector<int> out;
    const int r = p / g, c = p % g;
    const int nb[4][2] = {{0, 1}, {0, -1}, {1, 0}, {-1, 0}};
    for (const auto& d : nb) {
      const int rr = r + d[0], cc = c + d[1];
      if (rr < 0 || rr >= g || cc < 0 || cc >= g) continue;
      if (curve(rr * g + cc)) out.push_back(rr * g + cc);
    }
    return out;
  }
};

/// Where a trace along a curve ended and how many pixels it covered (start and end included).
struct Trace {
  int end = -1;
  int pixels = 0;
};

/// Follows the curve from pixel `start` along curve 4-neighbours, straight on through a crossing (a
/// pixel with four curve neighbours), until it reaches a saccade target other than `start` or the
/// curve's other end. The env keeps curves unambiguous for every `contact` setting, so this is exact.
inline Trace trace(const Frame& f, int start) {
  Trace t{start, 1};
  if (start < 0 || !f.curve(start)) return t;
  int prev = -1, cur = start;
  for (int steps = 0; steps < f.g * f.g; ++steps) {
    if (cur != start && f.target(cur)) break;
    const auto nb = f.curve_neighbours(cur);
    int next = -1;
    if (nb.size() == 4 && prev >= 0) {
      next = 2 * cur - prev;
    } else {
      for (int q : nb)
        if (q != prev) {
          next = q;
          break;
        }
    }
    if (next < 0) break;
    prev = cur;
    cur = next;
    ++t.pixels;
  }
  t.end = cur;
  return t;
}

/// The visual routine a frame shows (option `routine` of CurveTracing-v0), read from the frame at
/// pixel `eye` (where the fixation point is or was): no colours, trace; the cue colour on the eye's
/// pixel, search_trace; colours elsewhere only, trace_search.
enum class Routine { kTrace, kSearchTrace, kTraceSearch };
inline Routine routine(const Frame& f, int eye) {
  if (f.colours() == 0) return Routine::kTrace;
  return eye >= 0 && f.colour(eye) >= 0 ? Routine::kSearchTrace : Routine::kTraceSearch;
}

/// The coloured curve pixel (a marker) of colour `colour` other than `except`, -1 if none.
inline int marker(const Frame& f, int colour, int except) {
  for (int p = 0; p < f.g * f.g; ++p)
    if (p != except && f.curve(p) && f.colour(p) == colour) return p;
  return -1;
}

/// The saccade target of colour `colour` (trace_search), -1 if none.
inline int coloured_target(const Frame& f, int colour) {
  for (int p = 0; p < f.g * f.g; ++p)
    if (f.target(p) && f.colour(p) == colour) return p;
  return -1;
}

}  // namespace sgym::curve_retina
