// The AuGMEnT network (Attention-Gated MEmory Tagging; Rombouts, Bohte & Roelfsema 2015, PLoS Comput
// Biol 11:e1004060): sensory, association and Q-value layers, synaptic tags and traces, and the
// attention-gated, RPE-steered weight change Δw = β δ Tag (equation 3 of Roelfsema & Holtmaat 2018, Nat Rev Neurosci 19:166).
//
//   sensory     x_i (instantaneous, plus a bias unit x_0 = 1); x'_i⁺ = [x_i − x_i(t−1)]⁺ and
//               x'_i⁻ = [x_i(t−1) − x_i]⁺ (on/off transient units)
//   regular     y_j = σ(Σ_i v_ji x_i)                   σ(a) = 1 / (1 + exp(θ − a)), θ = 2.5
//   memory      m_j ← m_j + Σ_i v'_ji x'_i,  y_j = σ(m_j)   (no leak within a trial)
//   Q layer     q_k = Σ_j w_kj y_j (regular units with a bias unit y_0 = 1, memory units)
//   RPE         δ(t) = r(t) + γ q_a'(t) − q_a(t−1)       (SARSA; q = 0 at the terminal state)
//   weights     w ← w + β δ Tag                          for every connection
//   tags        Tag_kj ← λγ Tag_kj + y_j z_k              (z_k = 1 for the selected action only)
//               Tag_ji ← λγ Tag_ji + FB_j σ'(y_j) x_i     (regular units)
//               sTrace_i ← sTrace_i + x'_i,  Tag_ji ← λγ Tag_ji + FB_j σ'(y_j) sTrace_i   (memory)
//               FB_j = w_{a',j}, the feedback from the selected Q unit (or a fixed random B_{a',j};
//               or 1 for every unit when the gate is off); σ'(y) = y (1 − y)
//   input gate  optional: x_i and sTrace_i in the input → association tags are multiplied by an
//               attention gate A_i ∈ [0, 1] per sensory unit (attentional feedback reaching the
//               sensory layer, set by the agent; see input_gate()); off by default (A_i = 1)
// Order within a step, as in the ReScience replication (Le Masson & Alexandre, ReScience;
// ReScience-submission code/augment.py, Network.step): feedforward on the new input, select the new
// action a', δ from the reward of the previous action, weights change by β δ Tag (old tags), then
// the tags take in the new activities with feedback from the (updated) weights of a'. Bias units
// feed the regular units (from the input) and the Q layer (from the regular units) only, as there.
//
// Sizes are template parameters so that small networks use Eigen fixed-size storage; Eigen::Dynamic
// gives a network sized at construction. Nothing allocates after construction.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <span>

#include "sgym/rng.hpp"

namespace sgym::learning {

/// Hyperparameters of an AuGMEnT network (defaults: Rombouts et al. 2015, Table/Methods; the same
/// values in the ReScience replication's Network constructor).
struct AugmentParams {
  double beta = 0.15;      ///< learning rate β
  double lambda = 0.2;     ///< tag decay λ (tags decay by λγ per step)
  double gamma = 0.9;      ///< discount γ
  double theta = 2.5;      ///< sigmoid offset θ
  bool gate = true;        ///< attention gate: FB_j from the selected Q unit; off = FB_j = 1
  bool random_feedback = false;  ///< FB_j from fixed random weights B instead of the forward weights
};

namespace detail {
constexpr int plus(int n, int k) { return n == Eigen::Dynamic ? Eigen::Dynamic : n + k; }
constexpr int times(int n, int k) { return n == Eigen::Dynamic ? Eigen::Dynamic : n * k; }
}  // namespace detail

/// An AuGMEnT network with NI inputs, NR regular and NM memory association units and NA Q units
/// (any of them Eigen::Dynamic). Parameters (weights, feedback weights) and per-trial state
/// (memory, traces, tags, last activities) are kept apart.
template <int NI, int NR, int NM, int NA>
class AugmentNetwork {
 public:
  using VecI = Eigen::Matrix<double, NI, 1>;
  using VecI1 = Eigen::Matrix<double, detail::plus(NI, 1), 1>;   // input with its bias unit
  using VecT = Eigen::Matrix<double, detail::times(NI, 2), 1>;   // on and off transient units
  using VecR = Eigen::Matrix<double, NR, 1>;
  using VecR1 = Eigen::Matrix<double, detail::plus(NR, 1), 1>;   // regular units with the bias unit
  using VecM = Eigen::Matrix<double, NM, 1>;
  using VecA = Eigen::Matrix<double, NA, 1>;
  using MatRI = Eigen::Matrix<double, NR, detail::plus(NI, 1)>;  // v: input → regular
  using MatMT = Eigen::Matrix<double, NM, detail::times(NI, 2)>; // v': transient → memory
  using MatAR = Eigen::Matrix<double, NA, detail::plus(NR, 1)>;  // w: regular → Q
  using MatAM = Eigen::Matrix<double, NA, NM>;                   // w: memory → Q
  using MatARf = Eigen::Matrix<double, NA, NR>;                  // fixed random feedback to regular
  using MatAMf = Eigen::Matrix<double, NA, NM>;                  // fixed random feedback to memory

  /// A network of the given sizes (must match the fixed ones), all weights zero.
  AugmentNetwork(int n_in, int n_regular, int n_memory, int n_actions, const AugmentParams& p) : p_(p) {
    ni_ = n_in;
    v_r_.setZero(n_regular, n_in + 1);
    v_m_.setZero(n_memory, 2 * n_in);
    w_r_.setZero(n_actions, n_regular + 1);
    w_m_.setZero(n_actions, n_memory);
    b_r_.setZero(n_actions, n_regular);
    b_m_.setZero(n_actions, n_memory);
    tag_v_r_.setZero(n_regular, n_in + 1);
    tag_v_m_.setZero(n_memory, 2 * n_in);
    tag_w_r_.setZero(n_actions, n_regular + 1);
    tag_w_m_.setZero(n_actions, n_memory);
    x_.setZero(n_in + 1);
    x_prev_.setZero(n_in);
    xt_.setZero(2 * n_in);
    s_trace_.setZero(2 * n_in);
    y_r_.setZero(n_regular + 1);
    a_r_.setZero(n_regular);
    m_.setZero(n_memory);
    m_seen_.setZero(n_memory);
    y_m_.setZero(n_memory);
    q_.setZero(n_actions);
    fb_r_.setZero(n_regular);
    fb_m_.setZero(n_memory);
    a_in_.setOnes(n_in);
    xg_.setZero(n_in + 1);
    sg_.setZero(2 * n_in);
    reset_trial();
  }

  /// Draws every weight (and the fixed feedback weights) from U(−range, range), in a fixed order.
  void randomize(double range, Rng& rng) {
    auto fill = [&](auto& m) {
      for (Eigen::Index c = 0; c < m.cols(); ++c)
        for (Eigen::Index r = 0; r < m.rows(); ++r) m(r, c) = rng.uniform(-range, range);
    };
    fill(v_r_);
    fill(v_m_);
    fill(w_r_);
    fill(w_m_);
    if (p_.random_feedback) {
      fill(b_r_);
      fill(b_m_);
    }
  }

  /// Clears the per-trial state: memory, traces, tags, transient history, the previous q. The last δ
  /// stays readable (the RPE at the trial's outcome) until the next step.
  void reset_trial() {
    tag_v_r_.setZero();
    tag_v_m_.setZero();
    tag_w_r_.setZero();
    tag_w_m_.setZero();
    x_prev_.setZero();
    s_trace_.setZero();
    m_.setZero();
    has_prev_ = false;
    q_prev_ = 0.0;
  }

  /// Feedforward pass on a new input: transient units, memory integration, regular units, q.
  const VecA& forward(std::span<const float> in) {
    const Eigen::Index n = ni_;
    x_(0) = 1.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double xi = in[static_cast<std::size_t>(i)];
      x_(i + 1) = xi;
      xt_(i) = std::max(xi - x_prev_(i), 0.0);
      xt_(n + i) = std::max(x_prev_(i) - xi, 0.0);
      x_prev_(i) = xi;
    }
    y_r_(0) = 1.0;
    // the product goes into a member first: inside the sigmoid expression Eigen would evaluate it
    // into a temporary, a heap allocation per step when the sizes are dynamic
    a_r_.noalias() = v_r_ * x_;
    y_r_.tail(y_r_.size() - 1) = sigmoid(a_r_);
    m_.noalias() += v_m_ * xt_;
    // memory units change only when a transient unit fires (within a trial most steps repeat the
    // input): σ(m) is recomputed only when m changed bit for bit, so y_m is the same as always
    // recomputing it
    if (!y_m_fresh_ || (m_.size() > 0 && std::memcmp(m_.data(), m_seen_.data(), sizeof(double) * static_cast<std::size_t>(m_.size())) != 0)) {
      y_m_ = sigmoid(m_);
      m_seen_ = m_;
      y_m_fresh_ = true;
    }
    q_.noalias() = w_r_ * y_r_;
    q_.noalias() += w_m_ * y_m_;
    return q_;
  }

  /// After forward(): action a is selected. δ = r + γ q_a − q_prev (no δ on a trial's first step);
  /// with `learn`, w ← w + β δ Tag, then the tags take in this step's activities gated by the
  /// feedback from Q unit a. Returns δ.
  double step(int a, double reward, bool learn) {
    const double qa = q_(a);
    delta_ = has_prev_ ? reward + p_.gamma * qa - q_prev_ : 0.0;
    if (learn) {
      if (has_prev_) apply_delta();
      update_tags(a);
    }
    q_prev_ = qa;
    has_prev_ = true;
    return delta_;
  }

  /// The trial ended after the last action with reward r: δ = r − q_prev (q = 0 at the terminal
  /// state); with `learn`, w ← w + β δ Tag. Returns δ; call reset_trial() before the next trial.
  double terminal(double reward, bool learn) {
    delta_ = reward - q_prev_;
    if (learn && has_prev_) apply_delta();
    return delta_;
  }

  /// The episode was cut (time limit) after the last action: after forward() on the next input and
  /// the policy's choice a there, bootstrap on-policy (SARSA), δ = r + γ q_a − q_prev, and learn with
  /// the tags as they stand; returns δ. Action a is never taken and tags nothing: the caller resets
  /// the trial, so the credit later δs of the cut trial would have given is lost.
  double truncated(int a, double reward, bool learn) {
    delta_ = reward + p_.gamma * q_(a) - q_prev_;
    if (learn && has_prev_) apply_delta();
    return delta_;
  }

  /// Turns the input-level attention gate on or off (off: every A_i = 1, the published rule).
  void set_input_gating(bool on) { input_gated_ = on; }
  /// The attention gate A_i of each sensory unit (no bias unit; all 1 at construction), used by the
  /// next tag update when input gating is on: Tag_ji += FB_j σ'(y_j) A_i x_i (and A_i sTrace_i).
  VecI& input_gate() { return a_in_; }

  const AugmentParams& params() const { return p_; }
  const VecA& q() const { return q_; }
  double delta() const { return delta_; }
  /// Regular unit activities (without the bias unit).
  auto regular() const { return y_r_.tail(y_r_.size() - 1); }
  const VecM& memory() const { return y_m_; }
  /// Frobenius norm of all tags together.
  double tag_norm() const {
    return std::sqrt(tag_v_r_.squaredNorm() + tag_v_m_.squaredNorm() + tag_w_r_.squaredNorm() + tag_w_m_.squaredNorm());
  }

  // parameters, mutable for loading and for tests; rows are postsynaptic units
  MatRI& v_regular() { return v_r_; }   ///< input (bias first) → regular
  MatMT& v_memory() { return v_m_; }    ///< transient (on units, then off units) → memory
  MatAR& w_regular() { return w_r_; }   ///< regular (bias first) → Q
  MatAM& w_memory() { return w_m_; }    ///< memory → Q
  MatARf& b_regular() { return b_r_; }  ///< fixed random feedback Q → regular
  MatAMf& b_memory() { return b_m_; }   ///< fixed random feedback Q → memory
  const MatRI& v_regular() const { return v_r_; }
  const MatMT& v_memory() const { return v_m_; }
  const MatAR& w_regular() const { return w_r_; }
  const MatAM& w_memory() const { return w_m_; }
  const MatARf& b_regular() const { return b_r_; }
  const MatAMf& b_memory() const { return b_m_; }
  const MatRI& tag_v_regular() const { return tag_v_r_; }
  const MatMT& tag_v_memory() const { return tag_v_m_; }
  const MatAR& tag_w_regular() const { return tag_w_r_; }
  const MatAM& tag_w_memory() const { return tag_w_m_; }

 private:
  template <typename V>
  auto sigmoid(const V& a) const {
    return (1.0 + (p_.theta - a.array()).exp()).inverse().matrix();
  }

  void apply_delta() {
    const double g = p_.beta * delta_;
    v_r_ += g * tag_v_r_;
    v_m_ += g * tag_v_m_;
    w_r_ += g * tag_w_r_;
    w_m_ += g * tag_w_m_;
  }

  void update_tags(int a) {
    const double decay = p_.lambda * p_.gamma;
    // hidden → Q: only the selected Q unit (z_a = 1) tags its synapses
    tag_w_r_ *= decay;
    tag_w_m_ *= decay;
    tag_w_r_.row(a) += y_r_.transpose();
    tag_w_m_.row(a) += y_m_.transpose();
    // feedback from the selected Q unit gates the input → hidden tags
    if (!p_.gate) {
      fb_r_.setOnes();
      fb_m_.setOnes();
    } else if (p_.random_feedback) {
      fb_r_ = b_r_.row(a).transpose();
      fb_m_ = b_m_.row(a).transpose();
    } else {
      fb_r_ = w_r_.row(a).tail(w_r_.cols() - 1).transpose();
      fb_m_ = w_m_.row(a).transpose();
    }
    const auto yr = y_r_.tail(y_r_.size() - 1).array();
    fb_r_.array() *= yr * (1.0 - yr);
    fb_m_.array() *= y_m_.array() * (1.0 - y_m_.array());
    tag_v_r_ *= decay;
    // memory synapses: the presynaptic trace sums the transient input over the trial, no decay
    s_trace_ += xt_;
    tag_v_m_ *= decay;
    if (!input_gated_) {
      tag_v_r_.noalias() += fb_r_ * x_.transpose();
      tag_v_m_.noalias() += fb_m_ * s_trace_.transpose();
      return;
    }
    // attention at the sensory layer gates the presynaptic factor (the bias unit is not gated)
    const Eigen::Index n = ni_;
    xg_(0) = x_(0);
    xg_.tail(n) = x_.tail(n).cwiseProduct(a_in_);
    sg_.head(n) = s_trace_.head(n).cwiseProduct(a_in_);
    sg_.tail(n) = s_trace_.tail(n).cwiseProduct(a_in_);
    tag_v_r_.noalias() += fb_r_ * xg_.transpose();
    tag_v_m_.noalias() += fb_m_ * sg_.transpose();
  }

  AugmentParams p_;
  Eigen::Index ni_ = 0;
  // parameters
  MatRI v_r_;
  MatMT v_m_;
  MatAR w_r_;
  MatAM w_m_;
  MatARf b_r_;
  MatAMf b_m_;
  // per-trial state
  MatRI tag_v_r_;
  MatMT tag_v_m_;
  MatAR tag_w_r_;
  MatAM tag_w_m_;
  VecI1 x_;
  VecI x_prev_;
  VecT xt_, s_trace_;
  VecR1 y_r_;
  VecR a_r_;        // regular units' net input (scratch of forward())
  VecM m_, y_m_;
  VecM m_seen_;              // the m that y_m = σ(m) was computed from (valid when y_m_fresh_)
  bool y_m_fresh_ = false;
  VecA q_;
  VecR fb_r_;
  VecM fb_m_;
  VecI a_in_;       // input-level attention gate A_i
  VecI1 xg_;        // gated presynaptic factors (scratch)
  VecT sg_;
  bool input_gated_ = false;
  double q_prev_ = 0.0, delta_ = 0.0;
  bool has_prev_ = false;
};

}  // namespace sgym::learning
