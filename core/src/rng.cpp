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

}  // namespace sgym
