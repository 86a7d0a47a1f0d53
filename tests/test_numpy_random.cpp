// NumpyGenerator against NumPy itself: SeedSequence states, PCG64 raw outputs and a mixed sequence of
// uniform / integers / random draws in the order Gymnasium's envs make them, for seeds from 0 to
// 2^64 − 1 (tests/golden/numpy_pcg64.txt, written by tests/golden/make_numpy_pcg64.py with NumPy 2.4).
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sgym/numpy_random.hpp"

namespace {

struct Line {
  std::uint64_t seed = 0;
  std::string kind;
  std::vector<std::string> values;
};

std::vector<Line> vectors() {
  std::ifstream in(std::string(SGYM_GOLDEN_DIR) + "/numpy_pcg64.txt");
  REQUIRE(in);
  std::vector<Line> out;
  for (std::string text; std::getline(in, text);) {
    std::istringstream ss(text);
    std::string word;
    Line l;
    ss >> word >> l.seed >> l.kind;
    for (std::string v; ss >> v;) l.values.push_back(v);
    out.push_back(l);
  }
  return out;
}

}  // namespace

TEST_CASE("NumpyGenerator reproduces NumPy's SeedSequence, PCG64 and Generator draws bit for bit") {
  const auto lines = vectors();
  REQUIRE(lines.size() == 15);
  for (const Line& l : lines) {
    INFO("seed " << l.seed << " " << l.kind);
    if (l.kind == "state") {
      const auto s = sgym::NumpySeedSequence(l.seed).generate_state_u64<4>();
      for (std::size_t i = 0; i < 4; ++i) CHECK(s[i] == std::stoull(l.values[i]));
    } else if (l.kind == "raw") {
      sgym::NumpyGenerator g(l.seed);
      for (const auto& v : l.values) CHECK(g.next_u64() == std::stoull(v));
    } else {
      sgym::NumpyGenerator g(l.seed);
      for (std::size_t k = 0; k < l.values.size(); ++k) {
        const std::string& v = l.values[k];
        const double x = std::stod(v.substr(2));
        // the same call sequence as the generating script: uniform(-1,1), integers(3,5), random(),
        // integers(1,3), uniform(0, 5·14/30), integers(10,20)
        switch (k % 6) {
          case 0: CHECK(g.uniform(-1, 1) == x); break;
          case 1: CHECK(g.integers(3, 5) == static_cast<std::int64_t>(x)); break;
          case 2: CHECK(g.random() == x); break;
          case 3: CHECK(g.integers(1, 3) == static_cast<std::int64_t>(x)); break;
          case 4: CHECK(g.uniform(0, 5 * 14 / 30.0) == x); break;
          default: CHECK(g.integers(10, 20) == static_cast<std::int64_t>(x)); break;
        }
      }
    }
  }
  sgym::NumpyGenerator g(0);
  CHECK_THROWS_AS(g.integers(3, 3), std::invalid_argument);
}
