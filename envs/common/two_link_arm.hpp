// Analytic rigid-body dynamics of a planar two-joint arm (shoulder, elbow) moving in the horizontal
// plane (no gravity), with viscous joint damping and an optional force applied at the hand:
//
//   M(q) q̈ + c(q, q̇) + B q̇ = τ + Jᵀ(q) F_hand
//
//   M = [[a1 + 2 a2 cos q2,  a3 + a2 cos q2],      a1 = I1 + I2 + m1 r1² + m2 (l1² + r2²)
//        [a3 + a2 cos q2,    a3           ]]       a2 = m2 l1 r2,   a3 = I2 + m2 r2²
//   c = a2 sin q2 · [−(2 q̇1 q̇2 + q̇2²), q̇1²]     (Coriolis and centripetal torques)
//
// q1 is the shoulder angle from the +x axis, q2 the elbow angle relative to the upper arm; I1, I2 are
// the links' moments of inertia about their centres of mass, which lie r1, r2 from the proximal joint.
// The hand force is a velocity-dependent curl field F = k [[0, 1], [−1, 0]] ẋ plus, optionally, a
// stiff spring-damper "force channel" that holds the hand on a line (error-clamp trials).
// Integration: classical fourth-order Runge–Kutta with a fixed substep, the torque held constant
// over the substeps of one env step (zero-order hold). Everything is double precision.
#pragma once

#include <cmath>

namespace sgym::arm {

/// Segment parameters and joint viscosity of the two-link arm (SI units).
struct ArmParams {
  double l1 = 0.33, l2 = 0.34;       ///< link lengths, m
  double m1 = 1.93, m2 = 1.52;       ///< link masses, kg
  double r1 = 0.165, r2 = 0.19;      ///< joint-to-centre-of-mass distances, m
  double i1 = 0.0141, i2 = 0.0188;   ///< moments of inertia about the centres of mass, kg·m²
  double b11 = 0.05, b12 = 0.025, b22 = 0.05;  ///< joint viscosity matrix, N·m·s/rad
};

/// Joint angles (rad) and angular velocities (rad/s).
struct ArmState {
  double q1 = 0, q2 = 0, dq1 = 0, dq2 = 0;
};

/// A force acting on the hand: curl field plus optional channel (all off by default).
struct HandField {
  double curl_gain = 0;        ///< k of F = k [[0, 1], [−1, 0]] ẋ, N·s/m (k > 0 pushes clockwise)
  bool channel = false;        ///< spring-damper perpendicular to the line through (px, py) along (ux, uy)
  double px = 0, py = 0;       ///< a point on the channel line, m
  double ux = 1, uy = 0;       ///< unit vector along the channel
  double stiffness = 0;        ///< channel stiffness, N/m
  double damping = 0;          ///< channel damping, N·s/m
};

/// A 2-vector.
struct V2 {
  double x = 0, y = 0;
};

/// Hand position of joint angles (q1, q2), m.
inline V2 hand_position(const ArmParams& p, double q1, double q2) {
  return {p.l1 * std::cos(q1) + p.l2 * std::cos(q1 + q2), p.l1 * std::sin(q1) + p.l2 * std::sin(q1 + q2)};
}

/// The Jacobian ∂x/∂q as {j11, j12, j21, j22}.
struct Jac {
  double j11, j12, j21, j22;
};

/// Jacobian of the hand position at (q1, q2).
inline Jac jacobian(const ArmParams& p, double q1, double q2) {
  const double s1 = std::sin(q1), c1 = std::cos(q1), s12 = std::sin(q1 + q2), c12 = std::cos(q1 + q2);
  return {-p.l1 * s1 - p.l2 * s12, -p.l2 * s12, p.l1 * c1 + p.l2 * c12, p.l2 * c12};
}

/// Hand velocity, m/s.
inline V2 hand_velocity(const ArmParams& p, const ArmState& s) {
  const Jac j = jacobian(p, s.q1, s.q2);
  return {j.j11 * s.dq1 + j.j12 * s.dq2, j.j21 * s.dq1 + j.j22 * s.dq2};
}

/// Inertia matrix entries {m11, m12, m22} at elbow angle q2.
struct Inertia {
  double m11, m12, m22;
};

/// The configuration-dependent inertia matrix.
inline Inertia inertia(const ArmParams& p, double q2) {
  const double a1 = p.i1 + p.i2 + p.m1 * p.r1 * p.r1 + p.m2 * (p.l1 * p.l1 + p.r2 * p.r2);
  const double a2 = p.m2 * p.l1 * p.r2;
  const double a3 = p.i2 + p.m2 * p.r2 * p.r2;
  const double c2 = std::cos(q2);
  return {a1 + 2.0 * a2 * c2, a3 + a2 * c2, a3};
}

/// Coriolis and centripetal torques.
inline V2 coriolis(const ArmParams& p, const ArmState& s) {
  const double h = p.m2 * p.l1 * p.r2 * std::sin(s.q2);
  return {-h * (2.0 * s.dq1 * s.dq2 + s.dq2 * s.dq2), h * s.dq1 * s.dq1};
}

/// Kinetic energy ½ q̇ᵀ M q̇ (the total mechanical energy: the plane is horizontal), J.
inline double kinetic_energy(const ArmParams& p, const ArmState& s) {
  const Inertia m = inertia(p, s.q2);
  return 0.5 * (m.m11 * s.dq1 * s.dq1 + 2.0 * m.m12 * s.dq1 * s.dq2 + m.m22 * s.dq2 * s.dq2);
}

/// Force of `f` on the hand of an arm in state `s`, N.
inline V2 hand_force(const ArmParams& p, const ArmState& s, const HandField& f) {
  const V2 v = hand_velocity(p, s);
  V2 F{f.curl_gain * v.y, -f.curl_gain * v.x};
  if (f.channel) {
    // perpendicular distance and velocity relative to the channel line
    const V2 x = hand_position(p, s.q1, s.q2);
    const double nx = -f.uy, ny = f.ux;
    const double d = (x.x - f.px) * nx + (x.y - f.py) * ny;
    const double dv = v.x * nx + v.y * ny;
    const double mag = -f.stiffness * d - f.damping * dv;
    F.x += mag * nx;
    F.y += mag * ny;
  }
  return F;
}

/// Joint accelerations for torques (t1, t2) under the hand field `f`.
inline V2 acceleration(const ArmParams& p, const ArmState& s, double t1, double t2, const HandField& f) {
  const Inertia m = inertia(p, s.q2);
  const V2 c = coriolis(p, s);
  const Jac j = jacobian(p, s.q1, s.q2);
  const V2 F = hand_force(p, s, f);
  const double r1 = t1 + j.j11 * F.x + j.j21 * F.y - c.x - p.b11 * s.dq1 - p.b12 * s.dq2;
  const double r2 = t2 + j.j12 * F.x + j.j22 * F.y - c.y - p.b12 * s.dq1 - p.b22 * s.dq2;
  const double det = m.m11 * m.m22 - m.m12 * m.m12;  // > 0 for every q2 (M is positive definite)
  return {(m.m22 * r1 - m.m12 * r2) / det, (m.m11 * r2 - m.m12 * r1) / det};
}

/// One classical RK4 step of length h (s) with constant torques.
inline void rk4_step(const ArmParams& p, ArmState& s, double t1, double t2, const HandField& f, double h) {
  auto deriv = [&](const ArmState& x) {
    const V2 a = acceleration(p, x, t1, t2, f);
    return ArmState{x.dq1, x.dq2, a.x, a.y};
  };
  auto add = [](const ArmState& x, const ArmState& k, double w) {
    return ArmState{x.q1 + w * k.q1, x.q2 + w * k.q2, x.dq1 + w * k.dq1, x.dq2 + w * k.dq2};
  };
  const ArmState k1 = deriv(s);
  const ArmState k2 = deriv(add(s, k1, 0.5 * h));
  const ArmState k3 = deriv(add(s, k2, 0.5 * h));
  const ArmState k4 = deriv(add(s, k3, h));
  s.q1 += h / 6.0 * (k1.q1 + 2.0 * k2.q1 + 2.0 * k3.q1 + k4.q1);
  s.q2 += h / 6.0 * (k1.q2 + 2.0 * k2.q2 + 2.0 * k3.q2 + k4.q2);
  s.dq1 += h / 6.0 * (k1.dq1 + 2.0 * k2.dq1 + 2.0 * k3.dq1 + k4.dq1);
  s.dq2 += h / 6.0 * (k1.dq2 + 2.0 * k2.dq2 + 2.0 * k3.dq2 + k4.dq2);
}

}  // namespace sgym::arm
