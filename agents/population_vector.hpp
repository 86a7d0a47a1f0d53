// Population-vector read-out of a ring of tuned units with evenly spaced preferences (unit i of n
// prefers period·i/n), as the scripted subjects of DelayMatchCategory-v0 and
// OrientationDiscrimination-v0 read their inputs: accumulate activity-weighted unit vectors, decode
// the angle (Georgopoulos, Schwartz & Kettner 1986, Science 233:1416).
#pragma once

#include <cmath>
#include <span>
#include <vector>

namespace sgym {

class PopulationVector {
 public:
  /// `n` units over one period of `period_deg` (360 for direction, 180 for orientation).
  PopulationVector(int n, double period_deg) : period_(period_deg), cos_(n), sin_(n) {
    for (int i = 0; i < n; ++i) {
      const double a = 2.0 * kPi * i / n;
      cos_[i] = std::cos(a);
      sin_[i] = std::sin(a);
    }
  }
  /// Adds one step of the population's activity.
  void add(std::span<const float> units) {
    for (std::size_t i = 0; i < cos_.size(); ++i) {
      x_ += units[i] * cos_[i];
      y_ += units[i] * sin_[i];
    }
  }
  void clear() { x_ = y_ = 0.0; }
  /// The decoded value in [0, period).
  double decoded_deg() const {
    const double a = std::atan2(y_, x_) * period_ / (2.0 * kPi);
    return a < 0.0 ? a + period_ : a;
  }

 private:
  static constexpr double kPi = 3.141592653589793;
  double period_;
  std::vector<double> cos_, sin_;
  double x_ = 0.0, y_ = 0.0;
};

}  // namespace sgym
