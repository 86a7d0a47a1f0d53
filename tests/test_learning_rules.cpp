// Reusable learning pieces: TD error, eligibility traces, action selection.
#include <catch2/catch.hpp>
#include <vector>

#include "learning/selection.hpp"
#include "learning/td.hpp"

using namespace sgym;
using namespace sgym::learning;

TEST_CASE("TD error and eligibility traces follow their equations", "[learning]") {
  REQUIRE(td_error(1.0, 0.5, 2.0, 0.9, false) == Approx(1.0 + 0.9 * 2.0 - 0.5));
  REQUIRE(td_error(1.0, 0.5, 2.0, 0.9, true) == Approx(0.5));  // terminal: no bootstrap
  EligibilityTrace acc(2, EligibilityTrace::Kind::kAccumulating), rep(2, EligibilityTrace::Kind::kReplacing);
  Eigen::VectorXd x(2);
  x << 1.0, 0.0;
  acc.update(0.5, x);
  acc.update(0.5, x);
  rep.update(0.5, x);
  rep.update(0.5, x);
  REQUIRE(acc.values()(0) == Approx(1.5));  // 0.5 * 1 + 1
  REQUIRE(rep.values()(0) == Approx(1.0));  // max(0.5 * 1, 1)
  REQUIRE(acc.values()(1) == 0.0);
  acc.reset();
  REQUIRE(acc.values().norm() == 0.0);
}

TEST_CASE("Action selection rules", "[learning]") {
  const std::vector<double> q = {0.0, 1.0, 0.5};
  std::vector<double> p(3);
  REQUIRE(argmax(q) == 1);
  softmax(q, 1.0, p);
  const double z = 1.0 + std::exp(1.0) + std::exp(0.5);
  REQUIRE(p[1] == Approx(std::exp(1.0) / z));
  Rng rng(3);
  // empirical frequencies match the stated probabilities
  std::vector<int> counts(3, 0);
  const int n = 60000;
  for (int i = 0; i < n; ++i) ++counts[max_boltzmann(q, 0.2, 1.0, p, rng)];
  for (int k = 0; k < 3; ++k) REQUIRE(counts[k] / double(n) == Approx(p[k]).margin(0.01));
  REQUIRE(p[1] == Approx(0.8 + 0.2 * std::exp(1.0) / z));
  std::fill(counts.begin(), counts.end(), 0);
  for (int i = 0; i < n; ++i) ++counts[epsilon_greedy(q, 0.3, p, rng)];
  REQUIRE(p[0] == Approx(0.1));
  for (int k = 0; k < 3; ++k) REQUIRE(counts[k] / double(n) == Approx(p[k]).margin(0.01));
  std::fill(counts.begin(), counts.end(), 0);
  for (int i = 0; i < n; ++i) ++counts[softmax_choice(q, 0.5, p, rng)];
  for (int k = 0; k < 3; ++k) REQUIRE(counts[k] / double(n) == Approx(p[k]).margin(0.01));
}
