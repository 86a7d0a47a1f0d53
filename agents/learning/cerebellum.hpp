// Building blocks of cerebellar learners, after the adaptive-filter model of the cerebellar cortex
// (Marr 1969, Albus 1971; Dean, Porrill, Ekerot & Jörntell 2010, Nat Rev Neurosci 11:30):
//
//   mossy fibres m  →  granule layer  p = max(0, W_mg m − θ)     expansion recoding (sparse, random)
//                      [+ temporal basis b_j(t)]                  an optional bank of filters of time
//   Purkinje / deep nuclei  z = W p                               linear readout
//   climbing fibre  e  →  Δw_k = −β e p_k                         LMS / decorrelation (Dean & Porrill)
//   retention  W ← A W  once per trial                            forgetting between trials
//
// Two readouts with different (β, A) trained by the same error are the fast and slow processes of
// Smith, Ghazizadeh & Shadmehr 2006. The forward model predicts a slice of the next observation from
// the current one plus the efference copy of the action, through the same granule expansion, and
// exposes its sensory prediction error. All buffers are allocated at construction: no per-step
// allocation.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "sgym/error.hpp"
#include "sgym/rng.hpp"

namespace sgym::learning {

/// A bank of raised-cosine bumps of time, evenly spaced over [0, span]; adjacent bumps overlap by
/// half so the bank sums to 1 inside the span (a smooth tapped delay line).
class TemporalBasis {
 public:
  /// `n` bumps (n ≥ 2) covering [0, span_s] seconds; the response is 0 beyond one spacing past the span.
  TemporalBasis(int n, double span_s) : n_(n), spacing_(span_s / (n - 1)) {
    if (n < 2 || !(span_s > 0.0)) throw UsageError("TemporalBasis: need n >= 2 bumps and a positive span");
  }

  int size() const { return n_; }

  /// Writes the n bump responses at time t (s) into out[0..n).
  template <class Out>
  void evaluate(double t, Out&& out) const {
    for (int j = 0; j < n_; ++j) {
      const double u = (t - j * spacing_) / spacing_;  // in spacings from the bump's centre
      out[j] = std::fabs(u) < 1.0 ? 0.5 * (1.0 + std::cos(std::numbers::pi * u)) : 0.0;
    }
  }

 private:
  int n_;
  double spacing_;
};

/// Expansion recoding: each granule cell sums a few randomly chosen mossy fibres of each input group
/// (equal weights 1 / total fan-in) and fires by how much the sum exceeds a common threshold
/// (the Golgi-cell inhibition): p = max(0, mean of its inputs − θ).
class GranuleLayer {
 public:
  /// `group_sizes[g]` mossy fibres in group g, of which each of `n_granule` cells draws
  /// `fan_in[g]` distinct ones; `threshold` θ; wiring drawn from `rng`.
  GranuleLayer(const std::vector<int>& group_sizes, const std::vector<int>& fan_in, int n_granule, double threshold,
               Rng& rng)
      : n_granule_(n_granule), threshold_(threshold) {
    if (group_sizes.size() != fan_in.size() || group_sizes.empty() || n_granule < 1)
      throw UsageError("GranuleLayer: need one fan-in per input group and at least one granule cell");
    int offset = 0;
    for (std::size_t g = 0; g < group_sizes.size(); ++g) {
      if (fan_in[g] < 0 || fan_in[g] > group_sizes[g])
        throw UsageError("GranuleLayer: fan-in " + std::to_string(fan_in[g]) + " of group " + std::to_string(g) +
                         " exceeds its " + std::to_string(group_sizes[g]) + " mossy fibres");
      fan_total_ += fan_in[g];
      n_mossy_ += group_sizes[g];
    }
    if (fan_total_ < 1) throw UsageError("GranuleLayer: total fan-in must be at least 1");
    inputs_.resize(static_cast<std::size_t>(n_granule) * static_cast<std::size_t>(fan_total_));
    std::vector<int> pool;
    std::size_t k = 0;
    for (int c = 0; c < n_granule; ++c) {
      offset = 0;
      for (std::size_t g = 0; g < group_sizes.size(); ++g) {
        // fan_in[g] distinct fibres of the group: a partial Fisher–Yates shuffle
        pool.resize(static_cast<std::size_t>(group_sizes[g]));
        for (int i = 0; i < group_sizes[g]; ++i) pool[static_cast<std::size_t>(i)] = offset + i;
        for (int i = 0; i < fan_in[g]; ++i) {
          const std::size_t j = static_cast<std::size_t>(i) + rng.below(static_cast<std::uint64_t>(group_sizes[g] - i));
          std::swap(pool[static_cast<std::size_t>(i)], pool[j]);
          inputs_[k++] = pool[static_cast<std::size_t>(i)];
        }
        offset += group_sizes[g];
      }
    }
  }

  int size() const { return n_granule_; }
  int mossy_size() const { return n_mossy_; }

  /// Granule activities of mossy-fibre rates `m` (length mossy_size()) into `p` (length size()).
  void encode(const Eigen::Ref<const Eigen::VectorXd>& m, Eigen::Ref<Eigen::VectorXd> p) const {
    const double w = 1.0 / fan_total_;
    std::size_t k = 0;
    for (int c = 0; c < n_granule_; ++c) {
      double s = 0.0;
      for (int i = 0; i < fan_total_; ++i) s += m[inputs_[k++]];
      p[c] = std::max(0.0, w * s - threshold_);
    }
  }

 private:
  int n_granule_;
  double threshold_;
  int fan_total_ = 0, n_mossy_ = 0;
  std::vector<int> inputs_;  // n_granule × fan_total mossy-fibre indices
};

/// A Purkinje-cell population read out by the deep nuclei: z = W p, trained by the climbing-fibre
/// error with the LMS / decorrelation rule Δw = −β e p and forgetting W ← A W once per trial.
class PurkinjeModule {
 public:
  /// `n_out` outputs over `n_in` granule inputs; learning rate β and per-trial retention A in [0, 1].
  PurkinjeModule(int n_in, int n_out, double rate, double retention)
      : w_(Eigen::MatrixXd::Zero(n_out, n_in)), rate_(rate), retention_(retention) {}

  /// z = W p (the sum runs over the active granule inputs only: the code is sparse).
  void output(const Eigen::Ref<const Eigen::VectorXd>& p, Eigen::Ref<Eigen::VectorXd> z) const {
    z.setZero();
    for (Eigen::Index k = 0; k < p.size(); ++k)
      if (p[k] != 0.0) z += p[k] * w_.col(k);
  }
  /// Δw = −β e pᵀ: the climbing-fibre error e changes the synapses of the active granule inputs.
  void learn(const Eigen::Ref<const Eigen::VectorXd>& p, const Eigen::Ref<const Eigen::VectorXd>& e) {
    for (Eigen::Index k = 0; k < p.size(); ++k)
      if (p[k] != 0.0) w_.col(k) -= (rate_ * p[k]) * e;
  }
  /// W ← A W (call once per trial).
  void retain() { w_ *= retention_; }

  double rate() const { return rate_; }
  double retention() const { return retention_; }
  Eigen::MatrixXd& weights() { return w_; }
  const Eigen::MatrixXd& weights() const { return w_; }

 private:
  Eigen::MatrixXd w_;
  double rate_, retention_;
};

/// Forward model: predicts the change of a slice of the observation over one step from that slice
/// plus the efference copy of the action, ŝ' = s + W [1; x; p(x)] with x = the scaled (slice, action)
/// and p the granule expansion of x; trained by normalised LMS on the sensory prediction error
/// ε = s' − ŝ' (Δw = β ε fᵀ / (fᵀf)).
class ForwardModel {
 public:
  /// Predicts `n_state` numbers from them and `n_action` actions; `scale` (n_state + n_action)
  /// divides each input to put it near [−1, 1]; `n_granule` expansion cells, each drawing `fan_in`
  /// inputs with threshold `threshold`; normalised learning rate β in (0, 2).
  ForwardModel(int n_state, int n_action, std::vector<double> scale, int n_granule, int fan_in, double threshold,
               double rate, Rng& rng)
      : n_state_(n_state), n_in_(n_state + n_action), scale_(std::move(scale)),
        granule_({2 * (n_state + n_action)}, {fan_in}, n_granule, threshold, rng),
        w_(Eigen::MatrixXd::Zero(n_state, 1 + n_in_ + n_granule)),
        mossy_(Eigen::VectorXd::Zero(2 * n_in_)), f_(Eigen::VectorXd::Zero(1 + n_in_ + n_granule)),
        pred_(Eigen::VectorXd::Zero(n_state)), err_(Eigen::VectorXd::Zero(n_state)), rate_(rate) {
    if (static_cast<int>(scale_.size()) != n_in_) throw UsageError("ForwardModel: need one scale per input");
  }

  int state_size() const { return n_state_; }

  /// Predicts the next slice from the current slice `s` and the action `a`; returns the prediction.
  template <class S, class A>
  const Eigen::VectorXd& predict(const S& s, const A& a) {
    // mossy fibres: each scaled input as a push-pull pair of rectified rates
    for (int i = 0; i < n_in_; ++i) {
      const double x = (i < n_state_ ? double(s[i]) : double(a[i - n_state_])) / scale_[static_cast<std::size_t>(i)];
      f_[1 + i] = x;
      mossy_[2 * i] = std::max(0.0, x);
      mossy_[2 * i + 1] = std::max(0.0, -x);
    }
    f_[0] = 1.0;
    granule_.encode(mossy_, f_.tail(granule_.size()));
    pred_.noalias() = w_ * f_;
    for (int i = 0; i < n_state_; ++i) pred_[i] += double(s[i]);
    return pred_;
  }

  /// Compares the last prediction with the observed next slice; learns when `learn`; returns |ε|.
  template <class S>
  double update(const S& observed, bool learn) {
    for (int i = 0; i < n_state_; ++i) err_[i] = double(observed[i]) - pred_[i];
    if (learn) w_.noalias() += (rate_ / (f_.squaredNorm() + 1e-12)) * err_ * f_.transpose();
    return err_.norm();
  }

  const Eigen::VectorXd& prediction() const { return pred_; }
  const Eigen::VectorXd& error() const { return err_; }
  Eigen::MatrixXd& weights() { return w_; }
  const Eigen::MatrixXd& weights() const { return w_; }

 private:
  int n_state_, n_in_;
  std::vector<double> scale_;
  GranuleLayer granule_;
  Eigen::MatrixXd w_;
  Eigen::VectorXd mossy_, f_, pred_, err_;
  double rate_;
};

}  // namespace sgym::learning
