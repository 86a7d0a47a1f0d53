// inverse-dynamics: a scripted reaching controller for ArmReach-v0 that knows the arm model and
// does not learn. At the go cue (observation time 0) it plans a minimum-jerk hand path (Flash &
// Hogan 1985) that would move the cursor from where it is to the target, believing the cursor is the
// hand (no rotation). Each step it maps the planned hand state through inverse kinematics to joint
// angles, velocities and accelerations and commands
//   τ = M(q_d) q̈_d + c(q_d, q̇_d) + B q̇_d  +  K (q_d − q) + V (q̇_d − q̇)
//       (feedforward: inverse dynamics)      (feedback: joint stiffness and viscosity)
// the controller of Shadmehr & Mussa-Ivaldi 1994 (Eq. 9) without an adaptive field model. Under a
// visuomotor rotation its hand goes straight to the target and the cursor misses by the rotation;
// in a curl field the feedback only partly resists the push. It reads only the observation; its
// feedback torque is exposed as a signal (the teaching signal of feedback-error learning).
#include <algorithm>
#include <cmath>

#include "learning/arm_model.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

/// Every option, its default and source.
struct InverseDynamicsConfig {
  double movement_ms = 500.0;  // planned movement duration [unverified: typical of 10 cm reaches]
  // joint stiffness and viscosity of the feedback, Shadmehr & Mussa-Ivaldi 1994 (as reproduced in
  // public re-implementations) [unverified against the paper]
  double k11 = 15.0, k12 = 6.0, k22 = 16.0;  // N·m/rad
  double v11 = 2.3, v12 = 0.9, v22 = 2.4;    // N·m·s/rad
  // the arm as the agent believes it to be: ArmReach-v0's defaults
  double l1 = 0.33, l2 = 0.34, m1 = 1.93, m2 = 1.52, r1 = 0.165, r2 = 0.19, i1 = 0.0141, i2 = 0.0188;
  double b11 = 0.05, b12 = 0.025, b22 = 0.05;
};

const OptionSet<InverseDynamicsConfig>& options() {
  static const OptionSet<InverseDynamicsConfig> set = [] {
    using C = InverseDynamicsConfig;
    OptionSet<C> s("inverse-dynamics");
    const std::string sm = "; Shadmehr & Mussa-Ivaldi 1994 [unverified]";
    const std::string belief = "believed arm parameter (ArmReach-v0's default)";
    s.add("movement_ms", &C::movement_ms, "ms", "planned minimum-jerk movement duration [unverified: typical of 10 cm reaches]", 50.0, 5000.0)
        .add("k11", &C::k11, "N*m/rad", "shoulder stiffness of the feedback" + sm, 0.0, 1000.0)
        .add("k12", &C::k12, "N*m/rad", "cross stiffness of the feedback" + sm, -1000.0, 1000.0)
        .add("k22", &C::k22, "N*m/rad", "elbow stiffness of the feedback" + sm, 0.0, 1000.0)
        .add("v11", &C::v11, "N*m*s/rad", "shoulder viscosity of the feedback" + sm, 0.0, 100.0)
        .add("v12", &C::v12, "N*m*s/rad", "cross viscosity of the feedback" + sm, -100.0, 100.0)
        .add("v22", &C::v22, "N*m*s/rad", "elbow viscosity of the feedback" + sm, 0.0, 100.0)
        .add("l1", &C::l1, "m", belief, 0.05, 1.0)
        .add("l2", &C::l2, "m", belief, 0.05, 1.0)
        .add("m1", &C::m1, "kg", belief, 0.01, 100.0)
        .add("m2", &C::m2, "kg", belief, 0.01, 100.0)
        .add("r1", &C::r1, "m", belief, 0.0, 1.0)
        .add("r2", &C::r2, "m", belief, 0.0, 1.0)
        .add("i1", &C::i1, "kg*m^2", belief, 0.0, 10.0)
        .add("i2", &C::i2, "kg*m^2", belief, 0.0, 10.0)
        .add("b11", &C::b11, "N*m*s/rad", belief, 0.0, 100.0)
        .add("b12", &C::b12, "N*m*s/rad", belief, -100.0, 100.0)
        .add("b22", &C::b22, "N*m*s/rad", belief, 0.0, 100.0);
    return s;
  }();
  return set;
}

class InverseDynamics final : public Agent {
 public:
  InverseDynamics(const Space& obs, const Space& act, const InverseDynamicsConfig& c, std::uint64_t seed)
      : Agent("inverse-dynamics", obs, act, seed), cfg_(c), at_(learning::ArmObs::of(obs, "inverse-dynamics")),
        action_(Action::box({0.0f, 0.0f})) {
    model_.l1 = c.l1; model_.l2 = c.l2; model_.m1 = c.m1; model_.m2 = c.m2;
    model_.r1 = c.r1; model_.r2 = c.r2; model_.i1 = c.i1; model_.i2 = c.i2;
    model_.b11 = c.b11; model_.b12 = c.b12; model_.b22 = c.b22;
  }

  void begin_episode() override {
    last_time_ = -1.0;
    step_s_ = 0.0;
  }

  const Action& act(std::span<const float> obs) override {
    const double q[2] = {obs[at_.q], obs[at_.q + 1]};
    const double dq[2] = {obs[at_.dq], obs[at_.dq + 1]};
    const double t = obs[at_.time];
    // a new trial starts when the clock restarts: plan from the current hand to the aimed point
    if (last_time_ < 0.0 || t <= last_time_) {
      model_.forward(q, from_);
      to_[0] = from_[0] + (obs[at_.target] - obs[at_.cursor]);
      to_[1] = from_[1] + (obs[at_.target + 1] - obs[at_.cursor + 1]);
    } else if (step_s_ == 0.0) {
      step_s_ = t - last_time_;  // the env step, learned from the clock
    }
    last_time_ = t;

    // the planned hand state half a step ahead (the torque is held over the step)
    const double T = cfg_.movement_ms / 1000.0;
    double p, v, a;
    learning::minimum_jerk((t + 0.5 * step_s_) / T, p, v, a);
    double xd[2], vd[2], ad[2];
    for (int i = 0; i < 2; ++i) {
      const double d = to_[i] - from_[i];
      xd[i] = from_[i] + d * p;
      vd[i] = d * v / T;
      ad[i] = d * a / (T * T);
    }
    double qd[2], dqd[2], ddqd[2];
    if (!model_.inverse(xd, qd)) {
      // out of reach: hold the current posture
      qd[0] = q[0]; qd[1] = q[1];
      vd[0] = vd[1] = ad[0] = ad[1] = 0.0;
    }
    model_.joint_rates(qd, vd, ad, dqd, ddqd);
    model_.torques(qd, dqd, ddqd, ff_);
    const double e0 = qd[0] - q[0], e1 = qd[1] - q[1];
    const double de0 = dqd[0] - dq[0], de1 = dqd[1] - dq[1];
    fb_[0] = cfg_.k11 * e0 + cfg_.k12 * e1 + cfg_.v11 * de0 + cfg_.v12 * de1;
    fb_[1] = cfg_.k12 * e0 + cfg_.k22 * e1 + cfg_.v12 * de0 + cfg_.v22 * de1;
    // the muscles saturate at the action bounds
    for (std::size_t i = 0; i < 2; ++i) {
      const double u = ff_[i] + fb_[i];
      action_.values[i] = static_cast<float>(std::clamp(u, static_cast<double>(act_space_.low()[i]),
                                                        static_cast<double>(act_space_.high()[i])));
    }
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

  std::vector<std::string> signal_names() const override { return {"feedforward", "feedback"}; }
  std::vector<Signal> introspect() const override {
    return {{"feedforward", {static_cast<float>(ff_[0]), static_cast<float>(ff_[1])}},
            {"feedback", {static_cast<float>(fb_[0]), static_cast<float>(fb_[1])}}};
  }

 private:
  InverseDynamicsConfig cfg_;
  learning::ArmObs at_;  // where the observation's slices are
  learning::ArmModel model_;
  Action action_;
  double from_[2] = {0, 0}, to_[2] = {0, 0};
  double ff_[2] = {0, 0}, fb_[2] = {0, 0};
  double last_time_ = -1.0, step_s_ = 0.0;
};

}  // namespace

AgentEntry inverse_dynamics_entry() {
  return {"inverse-dynamics",
          "scripted reaching: minimum-jerk hand plan, inverse kinematics + inverse dynamics, joint PD feedback; does not learn",
          "ArmReach-v0 observations (a Box with the slices joint_angles, joint_velocities, hand, cursor, target, in_target, time) and 2 joint torques",
          options().docs(),
          learning::arm_reach_incompatibility,
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            return std::make_unique<InverseDynamics>(obs, act, options().parse(kv), seed);
          },
          {"ArmReach-v0"}};
}

}  // namespace sgym
