// Reusable pieces of the basal-ganglia learners: three-factor and attention-gated updates, matrix
// eligibility traces, the logistic function and the state encoders, each against its equation.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include "learning/features.hpp"
#include "learning/gated_update.hpp"

using namespace sgym;
using namespace sgym::learning;

TEST_CASE("three-factor and attention-gated updates follow equations (2) and (3)", "[learning]") {
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(2, 2);
  Eigen::Vector2d post(1.0, 0.5), pre(0.2, 1.0);
  three_factor_update(w, 0.1, -2.0, post, pre);
  // dw_ij = beta * delta * post_i * pre_j
  REQUIRE(w(0, 0) == Approx(0.1 * -2.0 * 1.0 * 0.2));
  REQUIRE(w(1, 1) == Approx(0.1 * -2.0 * 0.5 * 1.0));
  Eigen::Vector2d h(0.5, 0.9), fb(2.0, -1.0), gate;
  attention_gate(h, fb, gate);
  REQUIRE(gate(0) == Approx(0.5 * 0.5 * 2.0));
  REQUIRE(gate(1) == Approx(0.9 * 0.1 * -1.0));
  Eigen::MatrixXd v = Eigen::MatrixXd::Zero(2, 2);
  attention_gated_update(v, 0.5, 1.0, gate, pre);
  REQUIRE(v(1, 0) == Approx(0.5 * gate(1) * 0.2));
  // a unit without feedback from the selected output does not learn
  fb(0) = 0.0;
  attention_gate(h, fb, gate);
  REQUIRE(gate(0) == 0.0);
  Eigen::Vector2d a(0.0, 2.0), s;
  sigmoid(a, s);
  REQUIRE(s(0) == Approx(0.5));
  REQUIRE(s(1) == Approx(1.0 / (1.0 + std::exp(-2.0))));
}

TEST_CASE("matrix eligibility traces: Hebbian and policy-gradient products, decay", "[learning]") {
  MatrixTrace e(2, 2);
  Eigen::Vector2d post(1.0, 0.0), pre(1.0, 2.0), p(0.25, 0.75);
  e.update(0.5, post, pre);
  e.update(0.5, post, pre);
  REQUIRE(e.values()(0, 1) == Approx(0.5 * 2.0 + 2.0));
  REQUIRE(e.values()(1, 1) == 0.0);
  e.reset();
  e.update_policy_gradient(0.0, p, 1, pre);
  // (onehot(1) - p) pre^T
  REQUIRE(e.values()(0, 0) == Approx(-0.25));
  REQUIRE(e.values()(1, 1) == Approx((1.0 - 0.75) * 2.0));
  REQUIRE(e.values().row(0).sum() + e.values().row(1).sum() == Approx(0.0).margin(1e-12));
}

TEST_CASE("feature encoders: linear + bias, RBF and random Fourier features", "[learning]") {
  Rng rng(1);
  const std::vector<float> x = {0.5f, -1.0f};
  FeatureEncoder lin(FeatureEncoder::Kind::kLinear, 2, 0, 1.0, {2.0, 1.0}, rng);
  Eigen::VectorXd phi(lin.size());
  REQUIRE(lin.size() == 3);
  lin.encode(x, phi);
  REQUIRE(phi(0) == Approx(0.25));  // scaled by 1/2
  REQUIRE(phi(1) == Approx(-1.0));
  REQUIRE(phi(2) == 1.0);
  FeatureEncoder rbf(FeatureEncoder::Kind::kRbf, 2, 50, 0.5, {}, rng);
  Eigen::VectorXd r(rbf.size());
  rbf.encode(x, r);
  REQUIRE(rbf.size() == 51);
  REQUIRE(r(50) == 1.0);
  REQUIRE(r.head(50).minCoeff() >= 0.0);
  REQUIRE(r.head(50).maxCoeff() <= 1.0);
  FeatureEncoder rff(FeatureEncoder::Kind::kRandom, 2, 2000, 1.0, {}, rng);
  Eigen::VectorXd f1(rff.size()), f2(rff.size());
  // random Fourier features approximate the Gaussian kernel: phi(x).phi(y) ~ exp(-|x - y|^2 / 2)
  const std::vector<float> y = {0.0f, -0.5f};
  rff.encode(x, f1);
  rff.encode(y, f2);
  const double k = f1.head(2000).dot(f2.head(2000));
  REQUIRE(k == Approx(std::exp(-(0.25 + 0.25) / 2.0)).margin(0.06));
  REQUIRE(FeatureEncoder::parse_kind("rbf") == FeatureEncoder::Kind::kRbf);
  REQUIRE(FeatureEncoder::parse_kind("random") == FeatureEncoder::Kind::kRandom);
}
