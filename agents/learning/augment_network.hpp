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
//
// The saccade/antisaccade network (4 inputs, 3 regular + 4 memory units, 3 actions; the
// 10,000-network experiment of benchmarks/results/augment-saccade.md) has a hand-written kernel
// (the *_kernel methods) that computes exactly what the Eigen expressions compute, bit for bit, in
// fewer instructions (benchmarks/results/throughput.md, "AuGMEnT's 10,000-network experiment"):
// Eigen evaluates these small fixed-size products coefficient-wise, rows 0-1 as one SSE2 packet of
// two doubles summed in input order, the odd last row of a 3-row product as a pairwise tree
// (Eigen's unrolled redux), and the sigmoids with its vectorised exp on packets and std::exp on the
// unaligned first regular unit. The kernel keeps every such sum's order and calls the same exp;
// only elementwise updates are fused (tag decay with the new tag, one pass each). It is used only
// where that evaluation is what Eigen does (SSE2 without AVX or FMA: see kSaccadeKernel), and
// tests/test_augment.cpp checks it against the Eigen path bit for bit.
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

/// True when Eigen evaluates the 4-3+4-3 network's expressions with SSE2 packets of two doubles and
/// separate multiply and add (no AVX packets of four, no fused multiply-add): the evaluation the
/// hand-written kernel reproduces. Elsewhere the network stays on the Eigen expressions.
#if defined(EIGEN_VECTORIZE_SSE2) && !defined(EIGEN_VECTORIZE_AVX) && !defined(EIGEN_VECTORIZE_FMA) && \
    !defined(EIGEN_DONT_VECTORIZE)
inline constexpr bool kSaccadeKernel = true;
#else
inline constexpr bool kSaccadeKernel = false;
#endif

/// Eigen's unrolled sum of p[S] .. p[S+L-1]: halves split recursively (redux_novec_unroller), so
/// five terms sum as (p0 + p1) + (p2 + (p3 + p4)).
template <int S, int L>
inline double tree_sum(const double* p) {
  if constexpr (L == 1) {
    return p[S];
  } else {
    return tree_sum<S, L / 2>(p) + tree_sum<S + L / 2, L - L / 2>(p);
  }
}
}  // namespace detail

/// An AuGMEnT network with NI inputs, NR regular and NM memory association units and NA Q units
/// (any of them Eigen::Dynamic). Parameters (weights, feedback weights) and per-trial state
/// (memory, traces, tags, last activities) are kept apart. Kernel: the hand-written kernel of the
/// 4-3+4-3 network (on by default where it reproduces Eigen; false = the Eigen expressions).
template <int NI, int NR, int NM, int NA,
          bool Kernel = detail::kSaccadeKernel && NI == 4 && NR == 3 && NM == 4 && NA == 3>
class AugmentNetwork {
  static_assert(!Kernel || (NI == 4 && NR == 3 && NM == 4 && NA == 3),
                "the hand-written kernel is the 4-input, 3 + 4 unit, 3-action network's");

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
    // the agent resets at a trial's end, at the episode's end and at the next one's start: the
    // state is cleared once, the later calls find it clear (nothing ran since) and return
    if (trial_clear_) return;
    trial_clear_ = true;
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
    trial_clear_ = false;
    if constexpr (Kernel) return forward_kernel(in);
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
    trial_clear_ = false;
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
    if constexpr (Kernel) return apply_delta_kernel();
    const double g = p_.beta * delta_;
    v_r_ += g * tag_v_r_;
    v_m_ += g * tag_v_m_;
    w_r_ += g * tag_w_r_;
    w_m_ += g * tag_w_m_;
  }

  void update_tags(int a) {
    if constexpr (Kernel) return update_tags_kernel(a);
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


  // ---- the hand-written kernel of the 4-3+4-3 network (Kernel = true) ----
  // Matrices are column-major: element (r, c) of an R-row matrix is data()[r + R * c]. Packets are
  // Eigen's SSE2 packets of two doubles (Eigen::internal::Packet2d) and its own packet functions.
  // Eigen aligns a fixed-size member to 16 bytes when its size is a multiple of 16 bytes: every one
  // used here except the 3 x 5 v_r and its tags (120 bytes) and x (5 doubles), which are read and
  // written with unaligned packets (ploadu, pstoreu).
  using Packet = Eigen::internal::Packet2d;
  static_assert(!Kernel || (sizeof(MatMT) % 16 == 0 && sizeof(MatAR) % 16 == 0 && sizeof(MatAM) % 16 == 0 &&
                            sizeof(VecT) % 16 == 0 && sizeof(VecM) % 16 == 0 && sizeof(VecR1) % 16 == 0),
                "the kernel's aligned packets need these sizes to be multiples of 16 bytes");

  // σ(a) = 1 / (1 + exp(θ − a)) of two units at once, with Eigen's packet exp (Eigen's packet path)
  static Packet sigmoid2(Packet theta, Packet a) {
    using namespace Eigen::internal;
    const Packet one = pset1<Packet>(1.0);
    return pdiv(one, padd(one, pexp(psub(theta, a))));
  }

  const VecA& forward_kernel(std::span<const float> in) {
    using namespace Eigen::internal;
    double* x = x_.data();
    double* xp = x_prev_.data();
    double* xt = xt_.data();
    // x' on = max(x − x(t−1), 0), off = max(x(t−1) − x, 0): Eigen's pmax(a, b) is std::max(a, b)
    // lane by lane, NaN and signed zeros included (maxpd with the operands reversed)
    const Packet zero = pset1<Packet>(0.0);
    alignas(16) double xd[4] = {in[0], in[1], in[2], in[3]};
    const Packet xa = pload<Packet>(xd), xb = pload<Packet>(xd + 2);
    const Packet pa = pload<Packet>(xp), pb = pload<Packet>(xp + 2);
    const Packet on_a = pmax(psub(xa, pa), zero), on_b = pmax(psub(xb, pb), zero);
    const Packet off_a = pmax(psub(pa, xa), zero), off_b = pmax(psub(pb, xb), zero);
    pstore(xt, on_a);
    pstore(xt + 2, on_b);
    pstore(xt + 4, off_a);
    pstore(xt + 6, off_b);
    pstore(xp, xa);
    pstore(xp + 2, xb);
    x[0] = 1.0;
    pstoreu(x + 1, xa);
    pstoreu(x + 3, xb);
    // a transient unit fired (a lane != 0, NaN included)
    const bool moved = _mm_movemask_pd(_mm_or_pd(_mm_or_pd(_mm_cmpneq_pd(on_a, zero), _mm_cmpneq_pd(on_b, zero)),
                                                 _mm_or_pd(_mm_cmpneq_pd(off_a, zero), _mm_cmpneq_pd(off_b, zero)))) != 0;
    const Packet theta = pset1<Packet>(p_.theta);
    // a_r = v_r x (3 x 5): rows 0-1 a packet summed in input order, row 2 a pairwise tree; then
    // y_r: y_r(0) is the bias, unit 0 sits at an odd (unaligned) index, so Eigen computes it with
    // std::exp, and units 1-2 as one aligned packet
    const double* v = v_r_.data();
    Packet s = pmul(ploadu<Packet>(v), pset1<Packet>(x[0]));
    for (int c = 1; c < 5; ++c) s = padd(pmul(ploadu<Packet>(v + 3 * c), pset1<Packet>(x[c])), s);
    const double a2 = (v[2] * x[0] + v[5] * x[1]) + (v[8] * x[2] + (v[11] * x[3] + v[14] * x[4]));
    double* ar = a_r_.data();
    pstoreu(ar, s);
    ar[2] = a2;
    double* yr = y_r_.data();
    yr[0] = 1.0;
    yr[1] = 1.0 / (1.0 + std::exp(p_.theta - ar[0]));
    pstore(yr + 2, sigmoid2(theta, ploadu<Packet>(ar + 1)));
    // m += v_m xt (4 x 8, two packets summed in input order); without a transient every product is
    // ±0 and m (never −0: it starts at +0 and a sum is −0 only when both terms are) is unchanged
    double* m = m_.data();
    if (moved) {
      const double* vm = v_m_.data();
      Packet lo = pmul(pload<Packet>(vm), pset1<Packet>(xt[0]));
      Packet hi = pmul(pload<Packet>(vm + 2), pset1<Packet>(xt[0]));
      for (int c = 1; c < 8; ++c) {
        const Packet f = pset1<Packet>(xt[c]);
        lo = padd(pmul(pload<Packet>(vm + 4 * c), f), lo);
        hi = padd(pmul(pload<Packet>(vm + 4 * c + 2), f), hi);
      }
      pstore(m, padd(pload<Packet>(m), lo));
      pstore(m + 2, padd(pload<Packet>(m + 2), hi));
    }
    double* ms = m_seen_.data();
    double* ym = y_m_.data();
    if (!y_m_fresh_ || std::memcmp(m, ms, 4 * sizeof(double)) != 0) {
      // every trial starts at m = +0, where σ(m) is the same four values each time: computed once
      static constexpr double kZeros[4] = {0.0, 0.0, 0.0, 0.0};
      const bool at_zero = std::memcmp(m, kZeros, 4 * sizeof(double)) == 0;
      if (at_zero && y_m_zero_ready_) {
        pstore(ym, pload<Packet>(y_m_zero_));
        pstore(ym + 2, pload<Packet>(y_m_zero_ + 2));
      } else {
        pstore(ym, sigmoid2(theta, pload<Packet>(m)));
        pstore(ym + 2, sigmoid2(theta, pload<Packet>(m + 2)));
        if (at_zero) {
          std::memcpy(y_m_zero_, ym, 4 * sizeof(double));
          y_m_zero_ready_ = true;
        }
      }
      std::memcpy(ms, m, 4 * sizeof(double));
      y_m_fresh_ = true;
    }
    // q = w_r y_r, then q += w_m y_m (3 x 4 each): rows 0-1 a packet in order, row 2 a pairwise tree
    const double* wr = w_r_.data();
    const double* wm = w_m_.data();
    Packet qr = pmul(pload<Packet>(wr), pset1<Packet>(yr[0]));
    Packet qm = pmul(pload<Packet>(wm), pset1<Packet>(ym[0]));
    for (int c = 1; c < 4; ++c) {
      qr = padd(pmul(ploadu<Packet>(wr + 3 * c), pset1<Packet>(yr[c])), qr);
      qm = padd(pmul(ploadu<Packet>(wm + 3 * c), pset1<Packet>(ym[c])), qm);
    }
    double* q = q_.data();
    pstoreu(q, padd(qr, qm));
    q[2] = ((wr[2] * yr[0] + wr[5] * yr[1]) + (wr[8] * yr[2] + wr[11] * yr[3])) +
           ((wm[2] * ym[0] + wm[5] * ym[1]) + (wm[8] * ym[2] + wm[11] * ym[3]));
    return q_;
  }

  // w ← w + g t over n doubles (n even; both 16-byte aligned when Aligned)
  template <bool Aligned>
  static void add_scaled(double* w, const double* t, Packet g, int n) {
    using namespace Eigen::internal;
    for (int i = 0; i < n; i += 2) {
      if constexpr (Aligned) pstore(w + i, padd(pload<Packet>(w + i), pmul(g, pload<Packet>(t + i))));
      else pstoreu(w + i, padd(ploadu<Packet>(w + i), pmul(g, ploadu<Packet>(t + i))));
    }
  }

  void apply_delta_kernel() {
    using namespace Eigen::internal;
    const double g = p_.beta * delta_;
    const Packet gp = pset1<Packet>(g);
    double* v = v_r_.data();
    const double* t = tag_v_r_.data();
    add_scaled<false>(v, t, gp, 14);
    v[14] = v[14] + g * t[14];
    add_scaled<true>(v_m_.data(), tag_v_m_.data(), gp, 32);
    add_scaled<true>(w_r_.data(), tag_w_r_.data(), gp, 12);
    add_scaled<true>(w_m_.data(), tag_w_m_.data(), gp, 12);
  }

  void update_tags_kernel(int a) {
    using namespace Eigen::internal;
    const double decay = p_.lambda * p_.gamma;
    const Packet dp = pset1<Packet>(decay);
    const double* yr = y_r_.data();
    const double* ym = y_m_.data();
    // hidden → Q: every tag decays, the selected Q unit's row (z_a = 1) takes in the activities
    double* twr = tag_w_r_.data();
    double* twm = tag_w_m_.data();
    for (int i = 0; i < 12; i += 2) {
      pstore(twr + i, pmul(pload<Packet>(twr + i), dp));
      pstore(twm + i, pmul(pload<Packet>(twm + i), dp));
    }
    for (int c = 0; c < 12; c += 3) {
      twr[a + c] = twr[a + c] + yr[c / 3];
      twm[a + c] = twm[a + c] + ym[c / 3];
    }
    // feedback from the selected Q unit (or fixed random, or 1 with the gate off; rows of a 3-row
    // matrix: stride 3), times σ'(y) = y (1 − y)
    static constexpr double kOnes[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const double* src_r = !p_.gate ? kOnes : p_.random_feedback ? b_r_.data() + a : w_r_.data() + 3 + a;
    const double* src_m = !p_.gate ? kOnes : p_.random_feedback ? b_m_.data() + a : w_m_.data() + a;
    const double fr0 = src_r[0] * (yr[1] * (1.0 - yr[1]));
    const double fr1 = src_r[3] * (yr[2] * (1.0 - yr[2]));
    const double fr2 = src_r[6] * (yr[3] * (1.0 - yr[3]));
    double fm[4];
    for (int j = 0; j < 4; ++j) fm[j] = src_m[3 * j] * (ym[j] * (1.0 - ym[j]));
    // memory synapses: the presynaptic trace sums the transient input over the trial, no decay
    double* st = s_trace_.data();
    const double* xt = xt_.data();
    for (int i = 0; i < 8; i += 2) pstore(st + i, padd(pload<Packet>(st + i), pload<Packet>(xt + i)));
    // presynaptic factors, gated by attention at the sensory layer (not the bias unit) when on
    const double* pre_r = x_.data();
    const double* pre_m = st;
    if (input_gated_) {
      const double* x = x_.data();
      const double* g = a_in_.data();
      double* xg = xg_.data();
      double* sg = sg_.data();
      xg[0] = x[0];
      for (int i = 0; i < 4; ++i) {
        xg[i + 1] = x[i + 1] * g[i];
        sg[i] = st[i] * g[i];
        sg[4 + i] = st[4 + i] * g[i];
      }
      pre_r = xg;
      pre_m = sg;
    }
    // input → association: Tag ← λγ Tag + FB σ'(y) x (Eigen: decay, then the outer product added)
    double* tvr = tag_v_r_.data();
    alignas(16) const double fr01a[2] = {fr0, fr1};
    const Packet fr01 = pload<Packet>(fr01a);
    for (int c = 0; c < 5; ++c) {
      double* col = tvr + 3 * c;
      const double pc = pre_r[c];
      pstoreu(col, padd(pmul(ploadu<Packet>(col), dp), pmul(pset1<Packet>(pc), fr01)));
      col[2] = col[2] * decay + pc * fr2;
    }
    double* tvm = tag_v_m_.data();
    const Packet flo = ploadu<Packet>(fm), fhi = ploadu<Packet>(fm + 2);
    for (int c = 0; c < 8; ++c) {
      const Packet p = pset1<Packet>(pre_m[c]);
      double* col = tvm + 4 * c;
      pstore(col, padd(pmul(pload<Packet>(col), dp), pmul(p, flo)));
      pstore(col + 2, padd(pmul(pload<Packet>(col + 2), dp), pmul(p, fhi)));
    }
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
  alignas(16) double y_m_zero_[4] = {};  // the kernel's σ(m) at m = +0 (valid when y_m_zero_ready_)
  bool y_m_zero_ready_ = false;
  VecA q_;
  VecR fb_r_;
  VecM fb_m_;
  VecI a_in_;       // input-level attention gate A_i
  VecI1 xg_;        // gated presynaptic factors (scratch)
  VecT sg_;
  bool input_gated_ = false;
  double q_prev_ = 0.0, delta_ = 0.0;
  bool has_prev_ = false;
  bool trial_clear_ = false;  // reset_trial() ran and neither forward() nor step() since
};

}  // namespace sgym::learning
