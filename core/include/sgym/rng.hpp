// Random numbers that are the same on every standard library: xoshiro256** seeded through SplitMix64,
// and the few distributions the suite needs written here (std:: distributions differ between
// implementations, which would break bit-for-bit reproducibility across toolchains).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace sgym {

__extension__ using Uint128 = unsigned __int128;  // GCC/Clang; the multiply-high of Lemire's method

/// One step of SplitMix64 (Steele, Lea & Flood 2014): advances `state` and returns a well-mixed word.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// A seed for member `index` of a family derived from `seed` (vector envs, agent vs env, eval):
/// mixed, so that neighbouring seeds do not give correlated streams as seed + i would.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t s = seed;
  std::uint64_t a = splitmix64(s);
  std::uint64_t t = a ^ (index * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL);
  return splitmix64(t);
}

/// xoshiro256** 1.0 (Blackman & Vigna 2018): fast, 256-bit state, passes BigCrush.
class Rng {
 public:
  using State = std::array<std::uint64_t, 4>;

  /// Seeds deterministically from a 64-bit seed.
  explicit Rng(std::uint64_t seed = 0) { this->seed(seed); }

  /// Reseeds; the same seed always gives the same stream.
  void seed(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& w : s_) w = splitmix64(sm);
  }

  /// Next raw 64-bit word.
  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  /// Uniform integer in [0, n), unbiased (Lemire 2019); n must be > 0.
  std::uint64_t below(std::uint64_t n) {
    Uint128 m = static_cast<Uint128>(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(next_u64()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  /// True with probability p.
  bool bernoulli(double p) { return uniform() < p; }

  /// Standard normal by the Marsaglia polar method (no cached spare, so the stream position is
  /// a function of the number of calls only).
  double normal() {
    for (;;) {
      const double u = 2.0 * uniform() - 1.0;
      const double v = 2.0 * uniform() - 1.0;
      const double s = u * u + v * v;
      if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
    }
  }

  /// Normal with mean mu and standard deviation sd.
  double normal(double mu, double sd) { return mu + sd * normal(); }

  /// The full state, for save/restore.
  const State& state() const { return s_; }
  /// Restores a state returned by state().
  void set_state(const State& s) { s_ = s; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  State s_{};
};

/// The layers of the ziggurat for the standard normal (Marsaglia & Tsang 2000, J Stat Softw 5(8)),
/// 256 layers of equal area v under f(x) = exp(-x²/2) for x >= 0: x[0] = v / f(r) is the width of
/// the base strip (the rectangle under f(r) plus the tail beyond r), x[1] = r = 3.6541528853610088,
/// x[i+1] = f⁻¹(f(x[i]) + v / x[i]), x[256] = 0; f[i] = f(x[i]).
struct ZigguratTable {
  static constexpr int kLayers = 256;
  static constexpr double kR = 3.6541528853610088;   // Marsaglia & Tsang 2000, 256 layers
  static constexpr double kV = 4.92867323399e-3;     // the area of each layer
  std::array<double, kLayers + 1> x{};
  std::array<double, kLayers + 1> f{};
};

/// The table, built once (thread-safe) from kR and kV.
const ZigguratTable& ziggurat_table();

namespace detail {
/// The sign of a ziggurat draw: bit 8 of its word moved to the sign bit (no branch: the sign is a
/// coin flip that a branch would mispredict half the time). −0 for a negative zero, as −x gives.
inline double ziggurat_signed(double x, std::uint64_t u) {
  std::uint64_t b;
  static_assert(sizeof b == sizeof x);
  __builtin_memcpy(&b, &x, sizeof b);
  b ^= ((u >> 8) & 1u) << 63;
  __builtin_memcpy(&x, &b, sizeof b);
  return x;
}

/// The rare rest of ziggurat_normal (1.5 % of draws), out of line so that the accepted draw's
/// path keeps the generator in registers: draw `u` (layer `i`, abscissa `x`) was not under the
/// layer's rectangle; the wedge or tail test decides it, and a refused draw starts over with the
/// next word (ziggurat_normal again), exactly as one loop over draws would.
double ziggurat_rejected(Rng& rng, const ZigguratTable& t, std::uint64_t u, std::size_t i, double x);
}  // namespace detail

/// Standard normal by the ziggurat method (Marsaglia & Tsang 2000), for hot loops that draw many
/// normals (an env's input noise): one 64-bit draw gives the layer (its low 8 bits), the sign (bit 8)
/// and the abscissa (its top 53 bits, disjoint from the others, as Doornik 2005 advises), and 98.5 %
/// of draws are accepted at once, against two uniforms, a logarithm, a square root and a 21 %
/// rejection rate for Rng::normal's polar method. Rejected draws fall to the wedge test (one
/// exp) or, in the base layer, to Marsaglia's (1964) tail method. A different stream from
/// Rng::normal: switching a caller from one to the other changes its trajectories.
inline double ziggurat_normal(Rng& rng, const ZigguratTable& t) {
  const std::uint64_t u = rng.next_u64();
  const auto i = static_cast<std::size_t>(u & 0xFFu);
  const double x = static_cast<double>(u >> 11) * 0x1.0p-53 * t.x[i];
  if (x < t.x[i + 1]) [[likely]]
    return detail::ziggurat_signed(x, u);
  return detail::ziggurat_rejected(rng, t, u, i, x);
}

}  // namespace sgym
