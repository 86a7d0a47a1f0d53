#include "sgym/space.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "sgym/error.hpp"
#include "sgym/options.hpp"

namespace sgym {

namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    s += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) s += ",";
    if (i + 1 < shape.size()) s += " ";
  }
  return s + ")";
}

std::string bound_text(const std::vector<float>& v) {
  // one number when all elements share the bound, else the range of bounds
  bool same = true;
  for (float x : v) same = same && (x == v.front() || (std::isnan(x) && std::isnan(v.front())));
  if (same) return format_number(v.front());
  float lo = v.front(), hi = v.front();
  for (float x : v) { lo = std::min(lo, x); hi = std::max(hi, x); }
  return "[" + format_number(lo) + ".." + format_number(hi) + "]";
}

}  // namespace

Space Space::discrete(std::int64_t n) {
  if (n < 1) throw std::invalid_argument("Discrete space: n must be >= 1, got " + std::to_string(n));
  Space s;
  s.kind_ = Kind::kDiscrete;
  s.n_ = n;
  return s;
}

Space Space::box(std::vector<float> low, std::vector<float> high, std::vector<std::int64_t> shape) {
  std::size_t size = 1;
  for (auto d : shape) {
    if (d < 1) throw std::invalid_argument("Box space: every dimension must be >= 1, got " + shape_text(shape));
    size *= static_cast<std::size_t>(d);
  }
  if (shape.empty()) throw std::invalid_argument("Box space: shape must have at least one dimension");
  if (low.size() != size || high.size() != size)
    throw std::invalid_argument("Box space: low and high need " + std::to_string(size) +
                                " elements for shape " + shape_text(shape) + ", got " +
                                std::to_string(low.size()) + " and " + std::to_string(high.size()));
  for (std::size_t i = 0; i < size; ++i)
    if (std::isnan(low[i]) || std::isnan(high[i]) || low[i] > high[i])
      throw std::invalid_argument("Box space: need low <= high at element " + std::to_string(i) +
                                  ", got low " + format_number(low[i]) + ", high " + format_number(high[i]));
  Space s;
  s.kind_ = Kind::kBox;
  s.shape_ = std::move(shape);
  s.low_ = std::move(low);
  s.high_ = std::move(high);
  s.finite_ = s.bounded();
  return s;
}

Space Space::box(float low, float high, std::vector<std::int64_t> shape) {
  std::size_t size = 1;
  for (auto d : shape) size *= static_cast<std::size_t>(std::max<std::int64_t>(d, 0));
  return box(std::vector<float>(size, low), std::vector<float>(size, high), std::move(shape));
}

std::size_t Space::flat_size() const { return is_discrete() ? 1 : low_.size(); }

bool Space::bounded() const {
  if (is_discrete()) return true;
  for (std::size_t i = 0; i < low_.size(); ++i)
    if (!std::isfinite(low_[i]) || !std::isfinite(high_[i])) return false;
  return true;
}

std::string Space::why_not(const Action& a) const {
  if (is_discrete()) {
    if (!a.values.empty())
      return "expected a discrete index, got a vector of " + std::to_string(a.values.size()) + " values";
    if (a.index < 0 || a.index >= n_)
      return "index " + std::to_string(a.index) + " is outside 0.." + std::to_string(n_ - 1);
    return "";
  }
  return why_not(std::span<const float>(a.values));
}

std::string Space::why_not(std::span<const float> x) const {
  if (is_discrete()) {
    if (x.size() != 1) return "expected 1 element, got " + std::to_string(x.size());
    const float v = x[0];
    if (!(v >= 0) || v >= static_cast<float>(n_) || v != std::floor(v))
      return "element 0 = " + format_number(v) + " is not an index in 0.." + std::to_string(n_ - 1);
    return "";
  }
  if (x.size() != low_.size())
    return "expected " + std::to_string(low_.size()) + " values, got " + std::to_string(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) return "element " + std::to_string(i) + " is NaN";
    if (x[i] < low_[i] || x[i] > high_[i])
      return "element " + std::to_string(i) + " = " + format_number(x[i]) + " is outside [" +
             format_number(low_[i]) + ", " + format_number(high_[i]) + "]";
  }
  return "";
}

// the same tests as why_not(), without building a message (hot path: every step validates)
bool Space::contains(const Action& a) const {
  if (is_discrete()) return a.values.empty() && a.index >= 0 && a.index < n_;
  return contains(std::span<const float>(a.values));
}
bool Space::contains(std::span<const float> x) const {
  if (is_discrete())
    return x.size() == 1 && x[0] >= 0 && x[0] < static_cast<float>(n_) && x[0] == std::floor(x[0]);
  if (x.size() != low_.size()) return false;
  // every element, with an integer reduction and no early exit, so that the compiler vectorises it
  // (a valid action, the common case, is read whole anyway); NaN fails both comparisons
  const float* v = x.data();
  const float* lo = low_.data();
  const float* hi = high_.data();
  unsigned outside = 0;
  for (std::size_t i = 0; i < x.size(); ++i) outside |= static_cast<unsigned>(!(v[i] >= lo[i])) | static_cast<unsigned>(!(v[i] <= hi[i]));
  return outside == 0;
}

std::size_t Space::first_outside(std::span<const Action> actions) const {
  const std::size_t n = actions.size();
  if (is_discrete()) {
    // the discrete test in one loop (a call of contains() per action cost as much as the test)
    const Action* a = actions.data();
    for (std::size_t i = 0; i < n; ++i)
      if (!(a[i].values.empty() && a[i].index >= 0 && a[i].index < n_)) return i;
    return n;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!contains(std::span<const float>(actions[i].values))) return i;
  return n;
}

void Space::sample_into(Rng& rng, Action& out) const {
  if (is_discrete()) {
    out.values.clear();
    out.index = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n_)));
    return;
  }
  out.index = 0;
  out.values.resize(low_.size());
  // a local copy of the generator (its state stays in registers through the loop; the same draws)
  // and plain pointers: the loop is the whole cost of a random action for a wide box
  Rng r = rng;
  const float* low = low_.data();
  const float* high = high_.data();
  float* o = out.values.data();
  if (finite_) {
    // every bound finite: the uniform draws alone, as below
    for (std::size_t i = 0, n = low_.size(); i < n; ++i) {
      const double lo = low[i], hi = high[i];
      const auto f = static_cast<float>(r.uniform(lo, hi));
      o[i] = f > high[i] ? high[i] : f < low[i] ? low[i] : f;
    }
    rng = r;
    return;
  }
  for (std::size_t i = 0, n = low_.size(); i < n; ++i) {
    const double lo = low[i], hi = high[i];
    double v;
    if (std::isfinite(lo) && std::isfinite(hi)) [[likely]] v = r.uniform(lo, hi);
    else if (std::isfinite(lo)) v = lo + std::fabs(r.normal());
    else if (std::isfinite(hi)) v = hi - std::fabs(r.normal());
    else v = r.normal();
    auto f = static_cast<float>(v);
    // rounding to float may land on an open upper end: keep the sample inside the closed box
    if (f > high[i]) f = high[i];
    if (f < low[i]) f = low[i];
    o[i] = f;
  }
  rng = r;
}

Action Space::sample(Rng& rng) const {
  Action a;
  sample_into(rng, a);
  return a;
}

std::string Space::describe() const {
  if (is_discrete()) return "Discrete(" + std::to_string(n_) + ")";
  return "Box(" + bound_text(low_) + ", " + bound_text(high_) + ", " + shape_text(shape_) + ", float32)";
}

Space Space::with_slices(std::vector<ObsSlice> slices) const {
  const std::size_t n = flat_size();
  for (std::size_t i = 0; i < slices.size(); ++i) {
    const ObsSlice& s = slices[i];
    if (s.name.empty()) throw std::invalid_argument("observation slice " + std::to_string(i) + " has no name");
    for (std::size_t j = 0; j < i; ++j)
      if (slices[j].name == s.name) throw std::invalid_argument("observation slice '" + s.name + "' is declared twice");
    if (s.size == 0) throw std::invalid_argument("observation slice '" + s.name + "' is empty");
    if (s.offset > n || s.size > n - s.offset)
      throw std::invalid_argument("observation slice '" + s.name + "' = [" + std::to_string(s.offset) + ", " +
                                  std::to_string(s.offset + s.size) + ") runs past the " + std::to_string(n) +
                                  " elements of " + describe());
  }
  Space out = *this;
  out.slices_ = std::move(slices);
  return out;
}

const ObsSlice* Space::find_slice(std::string_view name) const {
  for (const ObsSlice& s : slices_)
    if (s.name == name) return &s;
  return nullptr;
}

std::string Space::why_no_slice(std::string_view name, std::size_t size) const {
  const ObsSlice* s = find_slice(name);
  if (s == nullptr) {
    if (slices_.empty())
      return "needs the observation slice '" + std::string(name) + "', and the observation space " + describe() +
             " declares no slices (an env declares them in EnvSpec::obs_layout)";
    std::string names;
    for (const ObsSlice& x : slices_) names += (names.empty() ? "" : ", ") + x.name;
    return "needs the observation slice '" + std::string(name) + "', which the observation space has not; its slices: " +
           names;
  }
  if (size != 0 && s->size != size)
    return "needs the observation slice '" + std::string(name) + "' of " + std::to_string(size) + " elements, got " +
           std::to_string(s->size);
  return "";
}

std::string Space::why_no_slices(std::initializer_list<std::pair<std::string_view, std::size_t>> wanted) const {
  for (const auto& [name, size] : wanted)
    if (std::string why = why_no_slice(name, size); !why.empty()) return why;
  return "";
}

const ObsSlice& Space::slice(std::string_view name, std::size_t size, std::string_view who) const {
  const std::string why = why_no_slice(name, size);
  if (!why.empty()) throw UsageError((who.empty() ? std::string() : std::string(who) + ": ") + why);
  return *find_slice(name);
}

}  // namespace sgym
