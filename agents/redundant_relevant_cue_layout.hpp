// Where RedundantRelevantCue-v0's observation holds what its scripted subjects read, looked up from
// the observation's named slices (gaze, fixation_point, cue_0 .. cue_{K-1}); shared by the task's
// oracle (which defines redundant_relevant_cue_layout) and its shortcut subjects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sgym/space.hpp"

namespace sgym {

/// K cues of R values (k = 0: the spaces have no such layout), the offsets of the gaze one-hot
/// (K + 1 elements), of the fixation point and of each cue's contrast (its R feature units follow);
/// and the task's actions (docs/envs/RedundantRelevantCue-v0.md): look at the centre (fixate), look
/// at cue location k, report feature value v.
struct RrcLayout {
  int k = 0, r = 0;
  std::size_t gaze = 0, fixation = 0;
  std::vector<std::size_t> cue;

  static constexpr std::int64_t fixate_action() { return 0; }
  static constexpr std::int64_t look_action(std::size_t cue) { return 1 + static_cast<std::int64_t>(cue); }
  std::int64_t response_action(std::size_t value) const { return 1 + k + static_cast<std::int64_t>(value); }
};

/// The layout of these spaces (k = 0 when they are not RedundantRelevantCue-v0's).
RrcLayout redundant_relevant_cue_layout(const Space& obs, const Space& act);

}  // namespace sgym
