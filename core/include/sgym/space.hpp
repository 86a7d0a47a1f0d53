// Spaces as data: Discrete(n) and Box(low, high, shape) with float32 elements, named slices of the
// flat buffer, and the Action value that crosses the env/agent boundary.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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

/// A named slice of a flat observation: elements [offset, offset + size). An env declares its
/// observation's slices in EnvSpec::obs_layout; the Env base attaches them to its observation space,
/// so an agent looks them up by name (Space::slice) instead of hard-coding offsets.
struct ObsSlice {
  std::string name;     ///< e.g. "csc"
  std::size_t offset;   ///< first element
  std::size_t size;     ///< number of elements
  std::string meaning;  ///< one sentence
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
  /// The position of the first action in `actions` that is not a member (as contains() decides),
  /// or actions.size() when all are: one call for a batch (a vector env's check).
  std::size_t first_outside(std::span<const Action> actions) const;
  /// Why `a` is not a member, or "" when it is; names the offending element and value.
  std::string why_not(const Action& a) const;
  /// Why the buffer is not a member, or "".
  std::string why_not(std::span<const float> x) const;

  /// Draws a member uniformly (unbounded Box dimensions draw a standard normal).
  Action sample(Rng& rng) const;
  /// Same as sample() into existing storage (no allocation once sized).
  void sample_into(Rng& rng, Action& out) const;

  /// "Discrete(3)" or "Box(0, 1, (25,), float32)" with per-element bounds summarised (slices are
  /// not part of it).
  std::string describe() const;
  /// Equal as sets: kind, n, shape and bounds. Slice names are annotations and do not count.
  bool operator==(const Space& o) const {
    return kind_ == o.kind_ && n_ == o.n_ && shape_ == o.shape_ && low_ == o.low_ && high_ == o.high_;
  }

  /// This space with named slices of its flat buffer (any order, gaps allowed). Throws
  /// std::invalid_argument when a name is empty or repeated, or a slice is empty or runs past
  /// flat_size().
  Space with_slices(std::vector<ObsSlice> slices) const;
  /// The named slices ({} when none were declared).
  const std::vector<ObsSlice>& slices() const { return slices_; }
  /// The slice called `name`, or nullptr.
  const ObsSlice* find_slice(std::string_view name) const;
  /// "" when the space has a slice called `name` of `size` elements (size 0: any size), else why
  /// not, naming the slices it has.
  std::string why_no_slice(std::string_view name, std::size_t size = 0) const;
  /// The same for several (name, size) slices: "" when the space has them all, else the first reason.
  std::string why_no_slices(std::initializer_list<std::pair<std::string_view, std::size_t>> wanted) const;
  /// The slice called `name` (of `size` elements unless size is 0); throws UsageError with
  /// why_no_slice's reason, prefixed by `who` (e.g. the agent id).
  const ObsSlice& slice(std::string_view name, std::size_t size = 0, std::string_view who = "") const;

 private:
  Kind kind_ = Kind::kDiscrete;
  std::int64_t n_ = 0;
  std::vector<std::int64_t> shape_;
  std::vector<float> low_, high_;
  bool finite_ = false;  // a box whose every bound is finite (sample_into's common case)
  std::vector<ObsSlice> slices_;
};

}  // namespace sgym
