// NumPy's default random stream, bit for bit: SeedSequence (O'Neill's seed_seq-style entropy
// mixing, as in numpy.random.SeedSequence), the PCG64 bit generator (128-bit LCG, XSL-RR output;
// O'Neill 2014, "PCG: A Family of Simple Fast Space-Efficient Statistically Good Algorithms for Random
// Number Generation", HMC-CS-2014-0905) and the three Generator draws Gymnasium's envs use: random(),
// uniform(low, high) and integers(low, high) (Lemire's bounded method, Lemire 2019, ACM TOMACS 29:3).
// Gymnasium seeds an env with np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed))), so
// `NumpyGenerator(seed)` reproduces the numbers a Gymnasium env draws from `reset(seed=seed)`. The test
// vectors in tests/golden/numpy_pcg64.txt come from NumPy itself (tests/golden/make_numpy_pcg64.py).
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>

namespace sgym {

/// numpy.random.SeedSequence(seed) for a non-negative integer seed (no spawn key), pool size 4.
class NumpySeedSequence {
 public:
  explicit NumpySeedSequence(std::uint64_t seed) {
    // the seed as little-endian 32-bit words (0 is one word)
    std::array<std::uint32_t, 2> entropy{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
    const std::size_t n_entropy = (seed >> 32) != 0 ? 2 : 1;
    std::uint32_t hash_const = kInitA;
    for (std::size_t i = 0; i < kPool; ++i) pool_[i] = hashmix(i < n_entropy ? entropy[i] : 0u, hash_const);
    for (std::size_t src = 0; src < kPool; ++src)
      for (std::size_t dst = 0; dst < kPool; ++dst)
        if (src != dst) pool_[dst] = mix(pool_[dst], hashmix(pool_[src], hash_const));
  }

  /// generate_state(N, np.uint64): N 64-bit words, each two 32-bit words, low word first.
  template <std::size_t N>
  std::array<std::uint64_t, N> generate_state_u64() const {
    std::array<std::uint64_t, N> out{};
    std::uint32_t hash_const = kInitB;
    for (std::size_t i = 0; i < 2 * N; ++i) {
      std::uint32_t v = pool_[i % kPool];
      v ^= hash_const;
      hash_const *= kMultB;
      v *= hash_const;
      v ^= v >> 16;
      out[i / 2] |= static_cast<std::uint64_t>(v) << (32 * (i % 2));
    }
    return out;
  }

 private:
  static constexpr std::size_t kPool = 4;
  static constexpr std::uint32_t kInitA = 0x43b0d7e5u, kMultA = 0x931e8875u, kInitB = 0x8b51f9ddu,
                                 kMultB = 0x58f38dedu, kMixL = 0xca01f9ddu, kMixR = 0x4973f715u;
  static std::uint32_t hashmix(std::uint32_t value, std::uint32_t& hash_const) {
    value ^= hash_const;
    hash_const *= kMultA;
    value *= hash_const;
    return value ^ (value >> 16);
  }
  static std::uint32_t mix(std::uint32_t x, std::uint32_t y) {
    const std::uint32_t r = kMixL * x - kMixR * y;
    return r ^ (r >> 16);
  }
  std::array<std::uint32_t, kPool> pool_{};
};

/// numpy.random.Generator(numpy.random.PCG64(numpy.random.SeedSequence(seed))).
class NumpyGenerator {
 public:
  explicit NumpyGenerator(std::uint64_t seed) { this->seed(seed); }

  void seed(std::uint64_t seed) {
    const auto s = NumpySeedSequence(seed).generate_state_u64<4>();
    const u128 init_state = (static_cast<u128>(s[0]) << 64) | s[1];
    const u128 init_seq = (static_cast<u128>(s[2]) << 64) | s[3];
    state_ = 0;
    inc_ = (init_seq << 1) | 1u;
    step();
    state_ += init_state;
    step();
    has_u32_ = false;
  }

  /// PCG64's next 64-bit output (bit_generator.random_raw()).
  std::uint64_t next_u64() {
    step();
    const auto hi = static_cast<std::uint64_t>(state_ >> 64), lo = static_cast<std::uint64_t>(state_);
    const unsigned rot = static_cast<unsigned>(state_ >> 122);
    const std::uint64_t x = hi ^ lo;
    return (x >> rot) | (x << ((64u - rot) & 63u));
  }
  /// The next 32 bits: the low half of a fresh 64-bit output, then its high half.
  std::uint32_t next_u32() {
    if (has_u32_) {
      has_u32_ = false;
      return saved_u32_;
    }
    const std::uint64_t v = next_u64();
    has_u32_ = true;
    saved_u32_ = static_cast<std::uint32_t>(v >> 32);
    return static_cast<std::uint32_t>(v);
  }
  /// Generator.random(): a double in [0, 1) from the top 53 bits.
  double random() { return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0); }
  /// Generator.uniform(low, high).
  double uniform(double low, double high) { return low + (high - low) * random(); }
  /// Generator.integers(low, high): an int64 in [low, high), for ranges below 2^32 (all Gymnasium's
  /// draws); Lemire's method on 32-bit draws as NumPy does for such ranges.
  std::int64_t integers(std::int64_t low, std::int64_t high) {
    if (high <= low) throw std::invalid_argument("NumpyGenerator::integers: need low < high");
    const auto rng = static_cast<std::uint64_t>(high - low - 1);  // inclusive range
    if (rng >= 0xFFFFFFFFull) throw std::invalid_argument("NumpyGenerator::integers: ranges of 2^32 or more are not ported");
    if (rng == 0) return low;
    const auto excl = static_cast<std::uint32_t>(rng + 1);
    std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * excl;
    auto leftover = static_cast<std::uint32_t>(m);
    if (leftover < excl) {
      const std::uint32_t threshold = (0xFFFFFFFFu - static_cast<std::uint32_t>(rng)) % excl;
      while (leftover < threshold) {
        m = static_cast<std::uint64_t>(next_u32()) * excl;
        leftover = static_cast<std::uint32_t>(m);
      }
    }
    return low + static_cast<std::int64_t>(m >> 32);
  }

 private:
  __extension__ typedef unsigned __int128 u128;  // GCC and clang; __extension__: no -Wpedantic warning
  static constexpr u128 kMult = (static_cast<u128>(2549297995355413924ull) << 64) | 4865540595714422341ull;
  void step() { state_ = state_ * kMult + inc_; }
  u128 state_ = 0, inc_ = 0;
  bool has_u32_ = false;
  std::uint32_t saved_u32_ = 0;
};

}  // namespace sgym
