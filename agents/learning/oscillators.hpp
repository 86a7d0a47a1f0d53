// A central pattern generator as a bank of coupled phase oscillators (Kuramoto-type phase model of
// coupled limb oscillators; Cohen, Holmes & Rand 1982, J Math Biol 13:345; Ijspeert 2008, Neural
// Networks 21:642, eq. for "phase oscillators"):
//
//   dφ_i/dt = 2π f + Σ_j K sin(φ_j − φ_i − ψ_ij)                 ψ_ij = desired phase of i behind j
//
// With two oscillators and ψ_01 = −ψ_10 = π the locked state is antiphase (a walking gait). Sensory
// feedback enters as phase resetting: at a trigger (e.g. a foot's touchdown) the phase is pulled
// toward a target phase, φ_i ← φ_i + g sin(φ_target − φ_i) (Aoi & Tsuchiya 2005, Auton Robots 19:219,
// phase resetting at foot contact). Integrated by forward Euler; phases are kept in [0, 2π).
#pragma once

#include <cmath>
#include <numbers>
#include <vector>

#include "sgym/error.hpp"

namespace sgym::learning {

/// N phase oscillators with all-to-all coupling of strength K toward the phase lags ψ_ij.
class PhaseOscillatorBank {
 public:
  /// `n` ≥ 1 oscillators, all at phase 0 and with zero lags until set_lag / reset.
  explicit PhaseOscillatorBank(int n)
      : n_(n), phase_(static_cast<std::size_t>(n), 0.0), lag_(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), 0.0),
        dphase_(static_cast<std::size_t>(n), 0.0) {
    if (n < 1) throw UsageError("PhaseOscillatorBank: need at least one oscillator");
  }

  int size() const { return n_; }

  /// Sets ψ_ij, the phase by which oscillator i should lag oscillator j (ψ_ji is set to −ψ_ij).
  void set_lag(int i, int j, double psi) {
    lag_[idx(i, j)] = psi;
    lag_[idx(j, i)] = -psi;
  }

  /// Sets every phase (e.g. at the start of an episode).
  void reset(const std::vector<double>& phases) {
    if (static_cast<int>(phases.size()) != n_) throw UsageError("PhaseOscillatorBank::reset: one phase per oscillator");
    for (int i = 0; i < n_; ++i) phase_[static_cast<std::size_t>(i)] = wrap(phases[static_cast<std::size_t>(i)]);
  }

  /// One Euler step of dt seconds at frequency `freq_hz` (Hz) and coupling strength `coupling` (1/s).
  void step(double dt, double freq_hz, double coupling) {
    for (int i = 0; i < n_; ++i) {
      double d = 2.0 * std::numbers::pi * freq_hz;
      for (int j = 0; j < n_; ++j)
        if (j != i) d += coupling * std::sin(phase_[static_cast<std::size_t>(j)] - phase_[static_cast<std::size_t>(i)] - lag_[idx(i, j)]);
      dphase_[static_cast<std::size_t>(i)] = d;
    }
    for (int i = 0; i < n_; ++i)
      phase_[static_cast<std::size_t>(i)] = wrap(phase_[static_cast<std::size_t>(i)] + dt * dphase_[static_cast<std::size_t>(i)]);
  }

  /// Phase resetting: φ_i ← φ_i + gain · sin(target − φ_i) (gain 1 moves most of the way for small gaps).
  void reset_toward(int i, double target, double gain) {
    auto& p = phase_[static_cast<std::size_t>(i)];
    p = wrap(p + gain * std::sin(target - p));
  }

  /// Sets the phase of oscillator i (a sensory gate holding or triggering a phase transition).
  void set_phase(int i, double phi) { phase_[static_cast<std::size_t>(i)] = wrap(phi); }

  /// Phase of oscillator i, in [0, 2π).
  double phase(int i) const { return phase_[static_cast<std::size_t>(i)]; }
  /// Instantaneous angular velocity of oscillator i at the last step (rad/s).
  double angular_velocity(int i) const { return dphase_[static_cast<std::size_t>(i)]; }

  /// Wraps an angle into [0, 2π).
  static double wrap(double a) {
    constexpr double kTwoPi = 2.0 * std::numbers::pi;
    a = std::fmod(a, kTwoPi);
    return a < 0.0 ? a + kTwoPi : a;
  }

 private:
  std::size_t idx(int i, int j) const { return static_cast<std::size_t>(i) * static_cast<std::size_t>(n_) + static_cast<std::size_t>(j); }

  int n_;
  std::vector<double> phase_, lag_, dphase_;
};

}  // namespace sgym::learning
