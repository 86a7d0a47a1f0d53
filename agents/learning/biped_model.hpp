// What the walking agents need to know of BipedalWalker's spaces (Gymnasium's layout): shared by the
// scripted and the learning walkers so the check is written once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sgym/space.hpp"

namespace sgym::learning {

/// "" when the spaces are BipedalWalker's (24-dim Box observation; four torques in [-1, 1]), else
/// the reason they are not.
inline std::string bipedal_walker_incompatibility(const Space& obs, const Space& act) {
  if (!obs.is_box() || obs.shape() != std::vector<std::int64_t>{24})
    return "needs BipedalWalker's 24-dim Box observation (hull, two legs, 10 lidar rays)";
  if (!act.is_box() || act.shape() != std::vector<std::int64_t>{4})
    return "needs a Box action of 4 joint torques (hip, knee, hip, knee)";
  for (std::size_t k = 0; k < 4; ++k)
    if (act.low()[k] != -1.0f || act.high()[k] != 1.0f) return "needs torque actions bounded by [-1, 1]";
  return "";
}

}  // namespace sgym::learning
