// biped-heuristic: the scripted gait controller that Gymnasium ships with BipedalWalker as a demo
// (gymnasium/envs/box2d/bipedal_walker.py, class BipedalWalkerHeuristics and the __main__ loop; by
// Oleg Klimov). A three-state machine per stride — stay on one leg (swing the other forward),
// put the other leg down, push off — sets hip and knee targets, and PD control turns them into torques:
//   hip  = 0.9·(target − angle) − 0.25·speed      knee = 4·(target − angle) − 0.25·speed
// plus a hull-levelling term on both hips (0.9·angle + 1.5·angular velocity, subtracted with the
// reference's signs) and knee damping of vertical speed (−15·vy); actions are clip(0.5·todo, −1, 1).
// It has no notion of balance (the reference's words) and is deterministic: no RNG, no learning.
// As in the reference's demo loop, the first action of an episode is zero (the loop steps with
// a = 0 before the first call of the controller).
#include <algorithm>
#include <array>
#include <optional>

#include "learning/biped_model.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct BipedHeuristicConfig {};

const OptionSet<BipedHeuristicConfig>& options() {
  static const OptionSet<BipedHeuristicConfig> set("biped-heuristic");
  return set;
}

// constants of BipedalWalkerHeuristics
constexpr double kSpeed = 0.29;             // SPEED: hull vx above this speeds up the stride ("will
                                            // fall forward on higher speed")
constexpr double kSupportKneeAngle = +0.1;  // SUPPORT_KNEE_ANGLE (obs knee value = angle + 1)
enum GaitState { kStayOnOneLeg = 1, kPutOtherDown = 2, kPushOff = 3 };

class BipedHeuristic final : public Agent {
 public:
  BipedHeuristic(const Space& obs, const Space& act, std::uint64_t seed)
      : Agent("biped-heuristic", obs, act, seed), o_(learning::BipedObs::of(obs, "biped-heuristic")),
        action_(Action::box(std::vector<float>(4, 0.0f))) {}

  void begin_episode() override {
    state_ = kStayOnOneLeg;
    moving_leg_ = 0;
    supporting_leg_ = 1;
    supporting_knee_angle_ = kSupportKneeAngle;
    first_ = true;
  }

  const Action& act(std::span<const float> obs) override {
    if (first_) {
      // the demo's first env.step uses a = [0, 0, 0, 0]
      first_ = false;
      std::fill(action_.values.begin(), action_.values.end(), 0.0f);
      return action_;
    }
    control(obs);
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

  std::vector<std::string> signal_names() const override { return {"gait_state", "moving_leg"}; }
  std::vector<Signal> introspect() const override {
    return {{"gait_state", {static_cast<float>(state_)}}, {"moving_leg", {static_cast<float>(moving_leg_)}}};
  }

 private:
  // one call of step_heuristic(s)
  void control(std::span<const float> obs) {
    const auto s = [&](std::size_t k) { return static_cast<double>(obs[k]); };
    std::array<std::optional<double>, 2> hip_targ{}, knee_targ{};  // None in the reference
    std::array<double, 2> hip_todo{0.0, 0.0}, knee_todo{0.0, 0.0};
    const auto m = static_cast<std::size_t>(moving_leg_), sp = static_cast<std::size_t>(supporting_leg_);

    if (state_ == kStayOnOneLeg) {
      // swing the moving leg forward and up while the supporting knee straightens
      hip_targ[m] = 1.1;
      knee_targ[m] = -0.6;
      supporting_knee_angle_ += 0.03;
      if (s(o_.vx) > kSpeed) supporting_knee_angle_ += 0.03;
      supporting_knee_angle_ = std::min(supporting_knee_angle_, kSupportKneeAngle);
      knee_targ[sp] = supporting_knee_angle_;
      if (s(o_.hip(supporting_leg_)) < 0.10) state_ = kPutOtherDown;  // supporting leg is behind
    }
    if (state_ == kPutOtherDown) {
      hip_targ[m] = +0.1;
      knee_targ[m] = kSupportKneeAngle;
      knee_targ[sp] = supporting_knee_angle_;
      if (s(o_.contact(moving_leg_)) != 0.0) {  // the moving leg touches the ground
        state_ = kPushOff;
        supporting_knee_angle_ = std::min(s(o_.knee(moving_leg_)), kSupportKneeAngle);
      }
    }
    if (state_ == kPushOff) {
      knee_targ[m] = supporting_knee_angle_;
      knee_targ[sp] = +1.0;
      if (s(o_.knee(supporting_leg_)) > 0.88 || s(o_.vx) > 1.2 * kSpeed) {
        state_ = kStayOnOneLeg;
        moving_leg_ = 1 - moving_leg_;
        supporting_leg_ = 1 - moving_leg_;
      }
    }

    // PD control; Python's `if target:` also skips a target of exactly 0.0
    const auto set = [](const std::optional<double>& t) { return t.has_value() && *t != 0.0; };
    if (set(hip_targ[0])) hip_todo[0] = 0.9 * (*hip_targ[0] - s(o_.hip(0))) - 0.25 * s(o_.hip_speed(0));
    if (set(hip_targ[1])) hip_todo[1] = 0.9 * (*hip_targ[1] - s(o_.hip(1))) - 0.25 * s(o_.hip_speed(1));
    if (set(knee_targ[0])) knee_todo[0] = 4.0 * (*knee_targ[0] - s(o_.knee(0))) - 0.25 * s(o_.knee_speed(0));
    if (set(knee_targ[1])) knee_todo[1] = 4.0 * (*knee_targ[1] - s(o_.knee(1))) - 0.25 * s(o_.knee_speed(1));

    // keep the hull level (the reference's "PID to keep head straight") and damp vertical bounce
    for (std::size_t k = 0; k < 2; ++k) {
      hip_todo[k] -= 0.9 * (0 - s(o_.hull_angle)) - 1.5 * s(o_.hull_rate);
      knee_todo[k] -= 15.0 * s(o_.vy);
    }
    const double todo[4] = {hip_todo[0], knee_todo[0], hip_todo[1], knee_todo[1]};
    for (std::size_t k = 0; k < 4; ++k) action_.values[k] = static_cast<float>(std::clamp(0.5 * todo[k], -1.0, 1.0));
  }

  learning::BipedObs o_;  // where the observation's slices are
  Action action_;
  int state_ = kStayOnOneLeg;
  int moving_leg_ = 0, supporting_leg_ = 1;
  double supporting_knee_angle_ = kSupportKneeAngle;
  bool first_ = true;
};

}  // namespace

AgentEntry biped_heuristic_entry() {
  return {"biped-heuristic",
          "scripted 3-state gait controller with PD hips and knees (Gymnasium's BipedalWalker demo)",
          "BipedalWalker's spaces: a Box observation with the slices hull_angle, hull_angular_velocity, hull_velocity, leg0, leg1; Box(-1, 1, (4,)) torques",
          options().docs(),
          learning::bipedal_walker_incompatibility,
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            options().parse(kv);
            return std::make_unique<BipedHeuristic>(obs, act, seed);
          },
          {"BipedalWalker-v3", "BipedalWalkerHardcore-v3"}};
}

}  // namespace sgym
