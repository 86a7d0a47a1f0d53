// An agent's internal model of a planar two-joint arm (the model ArmReach-v0 simulates): forward
// and inverse kinematics, the Jacobian and its time derivative, and inverse dynamics
//   τ = M(q) q̈ + c(q, q̇) + B q̇
// with M, c as in Shadmehr & Mussa-Ivaldi 1994 (horizontal plane, no gravity). Agents keep their own
// copy of the parameters, which they may believe wrongly; the env never shares its model.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sgym/space.hpp"

namespace sgym::learning {

/// A two-link arm as an agent believes it to be (SI units).
struct ArmModel {
  double l1 = 0.33, l2 = 0.34;      ///< link lengths, m
  double m1 = 1.93, m2 = 1.52;      ///< masses, kg
  double r1 = 0.165, r2 = 0.19;     ///< joint-to-centre-of-mass distances, m
  double i1 = 0.0141, i2 = 0.0188;  ///< inertias about the centres of mass, kg·m²
  double b11 = 0.05, b12 = 0.025, b22 = 0.05;  ///< joint viscosity, N·m·s/rad

  /// Hand position {x, y} of joint angles q (shoulder at the origin).
  void forward(const double q[2], double x[2]) const {
    x[0] = l1 * std::cos(q[0]) + l2 * std::cos(q[0] + q[1]);
    x[1] = l1 * std::sin(q[0]) + l2 * std::sin(q[0] + q[1]);
  }

  /// Joint angles of hand position x with the elbow flexed (q2 in (0, π)); false when out of reach.
  bool inverse(const double x[2], double q[2]) const {
    const double c2 = (x[0] * x[0] + x[1] * x[1] - l1 * l1 - l2 * l2) / (2.0 * l1 * l2);
    if (c2 <= -1.0 || c2 >= 1.0) return false;
    q[1] = std::acos(c2);
    q[0] = std::atan2(x[1], x[0]) - std::atan2(l2 * std::sin(q[1]), l1 + l2 * std::cos(q[1]));
    return true;
  }

  /// Jacobian ∂x/∂q, row-major {j11, j12, j21, j22}.
  void jacobian(const double q[2], double j[4]) const {
    const double s1 = std::sin(q[0]), c1 = std::cos(q[0]);
    const double s12 = std::sin(q[0] + q[1]), c12 = std::cos(q[0] + q[1]);
    j[0] = -l1 * s1 - l2 * s12;
    j[1] = -l2 * s12;
    j[2] = l1 * c1 + l2 * c12;
    j[3] = l2 * c12;
  }

  /// Time derivative of the Jacobian along joint velocity dq.
  void jacobian_dot(const double q[2], const double dq[2], double jd[4]) const {
    const double s1 = std::sin(q[0]), c1 = std::cos(q[0]);
    const double s12 = std::sin(q[0] + q[1]), c12 = std::cos(q[0] + q[1]);
    const double w = dq[0] + dq[1];
    jd[0] = -l1 * c1 * dq[0] - l2 * c12 * w;
    jd[1] = -l2 * c12 * w;
    jd[2] = -l1 * s1 * dq[0] - l2 * s12 * w;
    jd[3] = -l2 * s12 * w;
  }

  /// Joint velocity and acceleration that give hand velocity v and acceleration a at q.
  void joint_rates(const double q[2], const double v[2], const double a[2], double dq[2], double ddq[2]) const {
    double j[4], jd[4];
    jacobian(q, j);
    const double det = j[0] * j[3] - j[1] * j[2];
    dq[0] = (j[3] * v[0] - j[1] * v[1]) / det;
    dq[1] = (j[0] * v[1] - j[2] * v[0]) / det;
    jacobian_dot(q, dq, jd);
    const double r0 = a[0] - jd[0] * dq[0] - jd[1] * dq[1];
    const double r1 = a[1] - jd[2] * dq[0] - jd[3] * dq[1];
    ddq[0] = (j[3] * r0 - j[1] * r1) / det;
    ddq[1] = (j[0] * r1 - j[2] * r0) / det;
  }

  /// Inverse dynamics: the torques that produce ddq at state (q, dq).
  void torques(const double q[2], const double dq[2], const double ddq[2], double tau[2]) const {
    const double a1 = i1 + i2 + m1 * r1 * r1 + m2 * (l1 * l1 + r2 * r2);
    const double a2 = m2 * l1 * r2;
    const double a3 = i2 + m2 * r2 * r2;
    const double c2 = std::cos(q[1]), s2 = std::sin(q[1]);
    const double m11 = a1 + 2.0 * a2 * c2, m12 = a3 + a2 * c2, m22 = a3;
    tau[0] = m11 * ddq[0] + m12 * ddq[1] - a2 * s2 * (2.0 * dq[0] * dq[1] + dq[1] * dq[1]) + b11 * dq[0] + b12 * dq[1];
    tau[1] = m12 * ddq[0] + m22 * ddq[1] + a2 * s2 * dq[0] * dq[0] + b12 * dq[0] + b22 * dq[1];
  }
};

/// Minimum-jerk position, velocity and acceleration factors at phase s = t / T in [0, 1]
/// (Flash & Hogan 1985): x(t) = x0 + (x1 − x0) p, ẋ = (x1 − x0) v / T, ẍ = (x1 − x0) a / T².
inline void minimum_jerk(double s, double& p, double& v, double& a) {
  if (s <= 0.0) { p = v = a = 0.0; return; }
  if (s >= 1.0) { p = 1.0; v = a = 0.0; return; }
  const double s2 = s * s, s3 = s2 * s;
  p = 10.0 * s3 - 15.0 * s3 * s + 6.0 * s3 * s2;
  v = 30.0 * s2 - 60.0 * s3 + 30.0 * s3 * s;
  a = 60.0 * s - 180.0 * s2 + 120.0 * s3;
}

/// Where the arm agents find what they read in ArmReach's observation, looked up by slice name in the
/// observation space (the env declares them in its obs_layout): joint angles, joint velocities, hand,
/// cursor and target (2 elements each), the in_target flag and the time since the go cue (1 each).
struct ArmObs {
  std::size_t q, dq, hand, cursor, target, in_target, time;

  /// The slices' names and sizes, in the order of the fields above.
  static constexpr std::pair<std::string_view, std::size_t> kSlices[] = {
      {"joint_angles", 2}, {"joint_velocities", 2}, {"hand", 2}, {"cursor", 2}, {"target", 2}, {"in_target", 1}, {"time", 1}};

  /// The offsets in `obs`; throws UsageError (prefixed by `who`) naming a missing slice and the
  /// slices the space has.
  static ArmObs of(const Space& obs, std::string_view who) {
    std::size_t at[7];
    for (std::size_t i = 0; i < 7; ++i) at[i] = obs.slice(kSlices[i].first, kSlices[i].second, who).offset;
    return {at[0], at[1], at[2], at[3], at[4], at[5], at[6]};
  }
};

/// "" when the spaces are ArmReach-v0's (a Box observation with the slices ArmObs reads, the in_target
/// flag in [0, 1] and a trial time >= 0; two bounded joint torques), else the reason they are not.
inline std::string arm_reach_incompatibility(const Space& obs, const Space& act) {
  if (!obs.is_box()) return "needs ArmReach-v0's observation: a Box, got " + obs.describe();
  for (const auto& [name, size] : ArmObs::kSlices) {
    const std::string why = obs.why_no_slice(name, size);
    if (!why.empty()) return why + " (ArmReach-v0's observation has them)";
  }
  if (!act.is_box() || act.shape() != std::vector<std::int64_t>{2} || !act.bounded())
    return "needs two bounded joint torques: a Box of shape (2,)";
  const std::size_t flag = obs.find_slice("in_target")->offset, time = obs.find_slice("time")->offset;
  if (obs.low()[flag] != 0.0f || obs.high()[flag] != 1.0f || obs.low()[time] != 0.0f)
    return "the slice 'in_target' must be a flag in [0, 1] and 'time' a trial time >= 0, as in ArmReach-v0";
  return "";
}

}  // namespace sgym::learning
