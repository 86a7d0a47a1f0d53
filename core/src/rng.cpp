#include "sgym/rng.hpp"

#include <cmath>

namespace sgym {

const ZigguratTable& ziggurat_table() {
  static const ZigguratTable table = [] {
    ZigguratTable t;
    constexpr int n = ZigguratTable::kLayers;
    const auto f = [](double x) { return std::exp(-0.5 * x * x); };
    t.x[0] = ZigguratTable::kV / f(ZigguratTable::kR);
    t.x[1] = ZigguratTable::kR;
    for (int i = 1; i < n - 1; ++i) {
      const auto k = static_cast<std::size_t>(i);
      t.x[k + 1] = std::sqrt(-2.0 * std::log(f(t.x[k]) + ZigguratTable::kV / t.x[k]));
    }
    t.x[n] = 0.0;  // the top layer reaches the mode (the recursion closes there to ~2e-11 with kR, kV)
    for (int i = 0; i <= n; ++i) t.f[static_cast<std::size_t>(i)] = f(t.x[static_cast<std::size_t>(i)]);
    return t;
  }();
  return table;
}

namespace detail {

double ziggurat_rejected(Rng& rng, const ZigguratTable& t, std::uint64_t u, std::size_t i, double x) {
  const bool negative = ((u >> 8) & 1u) != 0;
  if (i == 0) {
    // the tail beyond r: x = r + e with density ∝ exp(-(r + e)²/2), by rejection from an
    // exponential of rate r (Marsaglia 1964)
    for (;;) {
      const double e = -std::log(1.0 - rng.uniform()) / ZigguratTable::kR;
      const double y = -std::log(1.0 - rng.uniform());
      if (2.0 * y > e * e) return negative ? -(ZigguratTable::kR + e) : ZigguratTable::kR + e;
    }
  }
  // the wedge of layer i: heights between f[i] (its bottom) and f[i+1] (its top)
  const double y = t.f[i] + rng.uniform() * (t.f[i + 1] - t.f[i]);
  if (y < std::exp(-0.5 * x * x)) return negative ? -x : x;
  return ziggurat_normal(rng, t);  // refused: the next word is a new draw
}

}  // namespace detail

}  // namespace sgym
