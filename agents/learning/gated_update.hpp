// Plasticity rules shared by the basal-ganglia learners, written as in Roelfsema & Holtmaat 2018 (Nat Rev Neurosci 19:166), eqs. 1–3: the
// three-factor update Δw_ij = β · post_j · pre_i · δ (2), its attention-gated form with a feedback
// factor FB_j from the selected output unit (3), and matrix eligibility traces that hold
// post × pre products (or the policy-gradient / node-perturbation products) until δ arrives.
// Nothing here allocates once the matrices are sized.
#pragma once

#include <Eigen/Core>
#include <cstddef>

namespace sgym::learning {

/// An eligibility trace over a weight matrix (rows = postsynaptic units, columns = presynaptic
/// inputs): E ← decay · E + post · preᵀ, reset at episode start.
class MatrixTrace {
 public:
  MatrixTrace(Eigen::Index rows, Eigen::Index cols) : e_(Eigen::MatrixXd::Zero(rows, cols)) {}

  /// E ← decay · E + post · preᵀ (the Hebbian pre × post coincidence).
  void update(double decay, const Eigen::Ref<const Eigen::VectorXd>& post,
              const Eigen::Ref<const Eigen::VectorXd>& pre) {
    e_ *= decay;
    e_.noalias() += post * pre.transpose();
  }
  /// E ← decay · E + scale · (onehot(action) − p) · preᵀ: the softmax policy-gradient eligibility
  /// ∇_θ log π(action) for π = softmax(θ · pre / τ) when scale = 1/τ.
  void update_policy_gradient(double decay, const Eigen::Ref<const Eigen::VectorXd>& p, std::size_t action,
                              const Eigen::Ref<const Eigen::VectorXd>& pre, double scale = 1.0) {
    e_ *= decay;
    e_.noalias() -= scale * p * pre.transpose();
    e_.row(static_cast<Eigen::Index>(action)) += scale * pre.transpose();
  }
  void reset() { e_.setZero(); }
  const Eigen::MatrixXd& values() const { return e_; }

 private:
  Eigen::MatrixXd e_;
};

/// Three-factor rule (2): W ← W + β · δ · post · preᵀ.
inline void three_factor_update(Eigen::Ref<Eigen::MatrixXd> w, double beta, double delta,
                                const Eigen::Ref<const Eigen::VectorXd>& post,
                                const Eigen::Ref<const Eigen::VectorXd>& pre) {
  w.noalias() += (beta * delta) * post * pre.transpose();
}

/// The attention gate of AGREL / AuGMEnT for sigmoid hidden units h: g_j = h_j (1 − h_j) · FB_j,
/// where FB_j is the feedback weight from the selected output unit to hidden unit j (the
/// feedforward weight when feedback is symmetric; a fixed random weight for feedback alignment).
inline void attention_gate(const Eigen::Ref<const Eigen::VectorXd>& h, const Eigen::Ref<const Eigen::VectorXd>& fb,
                           Eigen::Ref<Eigen::VectorXd> gate) {
  gate = h.cwiseProduct((1.0 - h.array()).matrix()).cwiseProduct(fb);
}

/// Attention-gated rule (3) for the input → hidden weights: W ← W + β · δ · gate · xᵀ, with the
/// gate of attention_gate().
inline void attention_gated_update(Eigen::Ref<Eigen::MatrixXd> w, double beta, double delta,
                                   const Eigen::Ref<const Eigen::VectorXd>& gate,
                                   const Eigen::Ref<const Eigen::VectorXd>& x) {
  three_factor_update(w, beta, delta, gate, x);
}

/// Logistic sigmoid σ(a) = 1 / (1 + exp(−a)), element-wise.
inline void sigmoid(const Eigen::Ref<const Eigen::VectorXd>& a, Eigen::Ref<Eigen::VectorXd> out) {
  out = (1.0 + (-a.array()).exp()).inverse().matrix();
}

}  // namespace sgym::learning
