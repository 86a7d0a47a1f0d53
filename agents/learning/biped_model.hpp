// What the walking agents need to know of BipedalWalker's spaces (Gymnasium's layout): shared by the
// scripted and the learning walkers so the check is written once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sgym/space.hpp"

namespace sgym::learning {

/// Where the walking agents find what they read in BipedalWalker's observation, looked up by slice
/// name in the observation space (the env's obs_layout, Gymnasium's order): the hull's angle, angular
/// velocity and velocity (vx, vy), and per leg five values (hip angle, hip speed, knee angle, knee
/// speed, lower-leg ground contact). The lidar is not read.
struct BipedObs {
  std::size_t hull_angle, hull_rate, vx, vy;
  std::array<std::size_t, 2> leg;  ///< first of each leg's five values (hip angle at +0 ... contact at +4)

  /// The slices' names and sizes.
  static constexpr std::pair<std::string_view, std::size_t> kSlices[] = {
      {"hull_angle", 1}, {"hull_angular_velocity", 1}, {"hull_velocity", 2}, {"leg0", 5}, {"leg1", 5}};

  /// The offsets in `obs`; throws UsageError (prefixed by `who`) naming a missing slice and the
  /// slices the space has.
  static BipedObs of(const Space& obs, std::string_view who) {
    const std::size_t v = obs.slice("hull_velocity", 2, who).offset;
    return {obs.slice("hull_angle", 1, who).offset, obs.slice("hull_angular_velocity", 1, who).offset, v, v + 1,
            {obs.slice("leg0", 5, who).offset, obs.slice("leg1", 5, who).offset}};
  }

  std::size_t hip(int l) const { return leg[static_cast<std::size_t>(l)]; }
  std::size_t hip_speed(int l) const { return leg[static_cast<std::size_t>(l)] + 1; }
  std::size_t knee(int l) const { return leg[static_cast<std::size_t>(l)] + 2; }
  std::size_t knee_speed(int l) const { return leg[static_cast<std::size_t>(l)] + 3; }
  std::size_t contact(int l) const { return leg[static_cast<std::size_t>(l)] + 4; }

  /// The 14 body values (hull and legs, no lidar) in Gymnasium's order.
  std::array<std::size_t, 14> body() const {
    return {hull_angle, hull_rate, vx, vy, hip(0), hip_speed(0), knee(0), knee_speed(0), contact(0),
            hip(1), hip_speed(1), knee(1), knee_speed(1), contact(1)};
  }
};

/// "" when the spaces are BipedalWalker's (a Box observation with the slices BipedObs reads; four
/// torques in [-1, 1]), else the reason they are not.
inline std::string bipedal_walker_incompatibility(const Space& obs, const Space& act) {
  if (!obs.is_box()) return "needs BipedalWalker's Box observation, got " + obs.describe();
  for (const auto& [name, size] : BipedObs::kSlices) {
    const std::string why = obs.why_no_slice(name, size);
    if (!why.empty()) return why + " (BipedalWalker's observation has them)";
  }
  if (!act.is_box() || act.shape() != std::vector<std::int64_t>{4})
    return "needs a Box action of 4 joint torques (hip, knee, hip, knee)";
  for (std::size_t k = 0; k < 4; ++k)
    if (act.low()[k] != -1.0f || act.high()[k] != 1.0f) return "needs torque actions bounded by [-1, 1]";
  return "";
}

}  // namespace sgym::learning
