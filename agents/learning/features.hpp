// State encodings for linear learners: the observation itself plus a bias unit, Gaussian radial
// basis functions at random centres, or random Fourier features (Rahimi & Recht 2007). Centres and
// projections are drawn once from the agent's Rng; encode() allocates nothing.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "sgym/rng.hpp"

namespace sgym::learning {

/// φ(x) for x the observation divided element-wise by `scale`: linear = [x; 1];
/// rbf = [exp(−‖x − c_i‖² / (2 width²)); 1] with centres c_i ~ U(−1, 1) per element;
/// random = [√(2/n) cos(ω_i · x / width + b_i); 1] with ω_i ~ N(0, I), b_i ~ U(0, 2π).
class FeatureEncoder {
 public:
  enum class Kind { kLinear, kRbf, kRandom };

  /// "linear", "rbf" or "random".
  static Kind parse_kind(const std::string& s) {
    if (s == "rbf") return Kind::kRbf;
    if (s == "random") return Kind::kRandom;
    return Kind::kLinear;
  }

  /// `n_obs` inputs; `n_features` basis functions (ignored for linear); `scale` per input (empty = 1).
  FeatureEncoder(Kind kind, Eigen::Index n_obs, Eigen::Index n_features, double width, std::vector<double> scale,
                 Rng& rng)
      : kind_(kind), n_obs_(n_obs), width_(width), x_(Eigen::VectorXd::Zero(n_obs)),
        scale_(Eigen::VectorXd::Ones(n_obs)) {
    for (Eigen::Index i = 0; i < n_obs && static_cast<std::size_t>(i) < scale.size(); ++i)
      scale_(i) = scale[static_cast<std::size_t>(i)];
    const Eigen::Index m = kind == Kind::kLinear ? n_obs : n_features;
    size_ = m + 1;
    if (kind == Kind::kLinear) return;
    proj_ = Eigen::MatrixXd(m, n_obs);
    offset_ = Eigen::VectorXd(m);
    for (Eigen::Index j = 0; j < m; ++j) {
      for (Eigen::Index i = 0; i < n_obs; ++i)
        proj_(j, i) = kind == Kind::kRbf ? rng.uniform(-1.0, 1.0) : rng.normal();
      offset_(j) = kind == Kind::kRbf ? 0.0 : rng.uniform(0.0, 2.0 * std::numbers::pi);
    }
  }

  /// The drawn centres / projections and offsets, flattened (empty for linear), for saving.
  std::vector<double> parameters() const {
    std::vector<double> out(proj_.data(), proj_.data() + proj_.size());
    out.insert(out.end(), offset_.data(), offset_.data() + offset_.size());
    return out;
  }
  /// Number of values parameters() returns.
  std::size_t parameter_count() const { return static_cast<std::size_t>(proj_.size() + offset_.size()); }
  /// Restores what parameters() returned (p.size() == parameter_count()).
  void set_parameters(const std::vector<double>& p) {
    std::copy(p.begin(), p.begin() + proj_.size(), proj_.data());
    std::copy(p.begin() + proj_.size(), p.end(), offset_.data());
  }

  /// Number of features, the bias unit included.
  Eigen::Index size() const { return size_; }

  /// Writes φ(obs) into out (size()).
  void encode(std::span<const float> obs, Eigen::Ref<Eigen::VectorXd> out) {
    for (Eigen::Index i = 0; i < n_obs_; ++i) x_(i) = static_cast<double>(obs[static_cast<std::size_t>(i)]) / scale_(i);
    const Eigen::Index m = size_ - 1;
    if (kind_ == Kind::kLinear) {
      out.head(m) = x_;
    } else if (kind_ == Kind::kRbf) {
      for (Eigen::Index j = 0; j < m; ++j)
        out(j) = std::exp(-(proj_.row(j).transpose() - x_).squaredNorm() / (2.0 * width_ * width_));
    } else {
      const double norm = std::sqrt(2.0 / static_cast<double>(m));
      for (Eigen::Index j = 0; j < m; ++j) out(j) = norm * std::cos(proj_.row(j).dot(x_) / width_ + offset_(j));
    }
    out(m) = 1.0;
  }

 private:
  Kind kind_;
  Eigen::Index n_obs_, size_ = 0;
  double width_;
  Eigen::VectorXd x_, scale_;
  Eigen::MatrixXd proj_;
  Eigen::VectorXd offset_;
};

}  // namespace sgym::learning
