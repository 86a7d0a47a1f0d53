// Spaces as data: Discrete(n) and Box(low, high, shape) with float32 elements, and the Action value
// that crosses the env/agent boundary.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sgym/rng.hpp"

namespace sgym {

/// An action: an index for a Discrete space, or a contiguous float32 buffer for a Box space.
/// Agents own the Action they return, so acting allocates nothing once the buffer is sized.
struct Action {
  std::int64_t index = 0;     ///< the choice, used when the action space is Discrete
  std::vector<float> values;  ///< the command, used when the action space is a Box (row-major)

  /// A discrete action.
  static Action discrete(std::int64_t i) { return Action{i, {}}; }
  /// A continuous action.
  static Action box(std::vector<float> v) { return Action{0, std::move(v)}; }
  bool operator==(const Action&) const = default;
};

/// A set of observations or actions. Observations are always a float32 buffer of `flat_size()`
/// elements (a Discrete observation is one element holding the index).
class Space {
 public:
  enum class Kind { kDiscrete, kBox };

  /// Discrete(n): the integers 0 .. n-1; n must be >= 1.
  static Space discrete(std::int64_t n);
  /// Box with per-element bounds (low.size() == high.size() == product of shape); bounds may be
  /// +-infinity, low <= high.
  static Space box(std::vector<float> low, std::vector<float> high, std::vector<std::int64_t> shape);
  /// Box with the same bounds for every element.
  static Space box(float low, float high, std::vector<std::int64_t> shape);

  Kind kind() const { return kind_; }
  bool is_discrete() const { return kind_ == Kind::kDiscrete; }
  bool is_box() const { return kind_ == Kind::kBox; }
  /// Number of choices of a Discrete space (0 for a Box).
  std::int64_t n() const { return n_; }
  /// Shape of a Box ({} for Discrete).
  const std::vector<std::int64_t>& shape() const { return shape_; }
  /// Elements in one observation or continuous action (1 for Discrete).
  std::size_t flat_size() const;
  const std::vector<float>& low() const { return low_; }
  const std::vector<float>& high() const { return high_; }
  /// True when every bound is finite (a Box that can be sampled uniformly).
  bool bounded() const;

  /// True when `a` is a member: a Discrete index in range with no values, or a Box buffer of the
  /// right size, free of NaN and inside the bounds.
  bool contains(const Action& a) const;
  /// True when the flat buffer is a member (observation check).
  bool contains(std::span<const float> x) const;
  /// Why `a` is not a member, or "" when it is; names the offending element and value.
  std::string why_not(const Action& a) const;
  /// Why the buffer is not a member, or "".
  std::string why_not(std::span<const float> x) const;

  /// Draws a member uniformly (unbounded Box dimensions draw a standard normal).
  Action sample(Rng& rng) const;
  /// Same as sample() into existing storage (no allocation once sized).
  void sample_into(Rng& rng, Action& out) const;

  /// "Discrete(3)" or "Box(0, 1, (25,), float32)" with per-element bounds summarised.
  std::string describe() const;
  bool operator==(const Space&) const = default;

 private:
  Kind kind_ = Kind::kDiscrete;
  std::int64_t n_ = 0;
  std::vector<std::int64_t> shape_;
  std::vector<float> low_, high_;
};

}  // namespace sgym
