// Temporal-difference building blocks shared by the basal-ganglia learners: the TD error (the
// dopamine reward-prediction error) and eligibility traces.
#pragma once

#include <Eigen/Core>
#include <string>

namespace sgym::learning {

/// δ = r + γ V(s') − V(s); V(s') counts as 0 when s' is terminal (a time-limit truncation is not
/// terminal, so it bootstraps, as Gymnasium's semantics require).
inline double td_error(double reward, double value, double next_value, double gamma, bool terminal) {
  return reward + (terminal ? 0.0 : gamma * next_value) - value;
}

/// An eligibility trace over n synapses: e ← γλ e + x (accumulating) or e ← max(γλ e, x)
/// (replacing, Singh & Sutton 1996), reset at episode start.
class EligibilityTrace {
 public:
  enum class Kind { kAccumulating, kReplacing };

  /// "accumulating" or "replacing".
  static Kind parse_kind(const std::string& s) {
    return s == "replacing" ? Kind::kReplacing : Kind::kAccumulating;
  }

  EligibilityTrace(Eigen::Index n, Kind kind) : e_(Eigen::VectorXd::Zero(n)), kind_(kind) {}

  /// Decays by `decay` (= γλ) and adds the presynaptic activity x.
  void update(double decay, const Eigen::Ref<const Eigen::VectorXd>& x) {
    if (kind_ == Kind::kAccumulating) e_ = decay * e_ + x;
    else e_ = (decay * e_).cwiseMax(x);
  }
  void reset() { e_.setZero(); }
  const Eigen::VectorXd& values() const { return e_; }

 private:
  Eigen::VectorXd e_;
  Kind kind_;
};

}  // namespace sgym::learning
