// ArmReach-v0: center-out reaching with a planar two-joint arm under visuomotor and force-field
// perturbations, the paradigm of cerebellar motor adaptation (Shadmehr & Mussa-Ivaldi 1994,
// J Neurosci 14:3208; Smith, Ghazizadeh & Shadmehr 2006, PLoS Biol 4:e179).
//
// The arm is analytic rigid-body dynamics (envs/common/two_link_arm.hpp) with the segment parameters
// of Shadmehr & Mussa-Ivaldi 1994 and joint viscosity of Li & Todorov 2004. Each trial starts with
// the hand at rest on the start point and one of n targets on a circle around it; the agent applies
// shoulder and elbow torques. What the subject sees is a cursor: the hand itself, the hand rotated
// about the start point (visuomotor rotation), or, in error-clamp trials, a cursor forced onto the
// straight line to the target. A velocity-dependent curl field can push on the hand. A perturbation
// schedule lists phases by trial number; the trial counter runs across episodes and reset(seed)
// restarts it. A trial ends when the cursor has stayed in the target for the hold time (correct) or
// at the timeout.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "common/trial.hpp"
#include "common/two_link_arm.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

/// Every option, its default, unit and source.
struct ArmReachConfig {
  double dt_ms = 10.0;            // env step; torques are held constant over a step
  double physics_dt_ms = 1.0;     // RK4 substep (dt_ms must be a whole number of substeps)
  // segment parameters: Shadmehr & Mussa-Ivaldi 1994 Table 1 (masses, inertias, centres of mass as
  // reproduced in public re-implementations; link lengths differ between those, 0.30-0.33 m and
  // 0.33-0.34 m) [unverified against the paper]
  double l1 = 0.33, l2 = 0.34;    // upper arm, forearm length, m
  double m1 = 1.93, m2 = 1.52;    // masses, kg
  double r1 = 0.165, r2 = 0.19;   // joint to centre of mass, m
  double i1 = 0.0141, i2 = 0.0188;  // inertia about the centre of mass, kg·m²
  // joint viscosity B = [[0.05, 0.025], [0.025, 0.05]] N·m·s/rad: Li & Todorov 2004 (ICINCO, iLQR
  // arm model)
  double b11 = 0.05, b12 = 0.025, b22 = 0.05;
  double shoulder_deg = 45.0;     // start posture: shoulder angle from +x (hand ≈ 47 cm in front)
  double elbow_deg = 90.0;        // start posture: elbow angle (as in Shadmehr & Mussa-Ivaldi 1994 re-implementations) [unverified]
  double target_distance_m = 0.10;  // 10 cm reaches, Shadmehr & Mussa-Ivaldi 1994; Smith et al. 2006
  int n_targets = 8;              // targets evenly spaced on the circle, the first at 0° (+x)
  double target_radius_m = 0.01;  // cursor-in-target tolerance [unverified: design choice]
  double hold_ms = 100.0;         // time in the target that ends a trial [unverified: design choice]
  double timeout_ms = 1500.0;     // trial time limit [unverified: design choice]
  // latency of vision: the cursor and in_target observations lag the screen by this much. Human
  // corrections to a shifted visual hand begin within ~117 ms (Saunders & Knill 2005, Exp Brain Res
  // 162:458). 0 by default (the observation is the screen now), as before this option existed.
  double visual_delay_ms = 0.0;
  std::string schedule = "baseline:40,rotation:80,washout:40,clamp:40";
  double rotation_deg = 30.0;     // cursor rotation about the start point, + = counter-clockwise
  double curl_gain = 13.0;        // k of the curl field B = [[0, k], [-k, 0]] N·s/m [unverified]
  std::string clamp = "visual";   // error clamp: visual (cursor on the line) or channel (force channel)
  double channel_stiffness = 6000.0;  // force-channel wall stiffness, N/m [unverified]
  double channel_damping = 150.0;     // force-channel wall damping, N·s/m [unverified]
  std::string target_order = "blocks";  // blocks (random permutation per n trials), random, sequential
  int trials_per_episode = 1;     // trials in one episode
  double max_torque = 10.0;       // action bound per joint, N·m: ~5x the peak torque of a 10 cm, 500 ms
                                  // reach (<= 1.8 N·m measured with inverse-dynamics), room for faster
                                  // and corrective movements
  double correct_reward = 1.0;    // reward when a trial ends correct
  double effort_cost = 0.01;      // per-step cost × Σ (τ_i / max_torque)²
};

const OptionSet<ArmReachConfig>& options() {
  static const OptionSet<ArmReachConfig> set = [] {
    using C = ArmReachConfig;
    OptionSet<C> s("ArmReach-v0");
    s.add_text("schedule", &C::schedule, "trials", "name:trials,...",
               "perturbation phases by trial number, as name:trials,name:trials,... with names "
               "baseline|rotation|counter_rotation|curl|counter_curl|washout|clamp; after the last phase its "
               "perturbation continues")
        .add("dt_ms", &C::dt_ms, "ms", "env step; torques are held constant over a step", 1.0, 100.0)
        .add("physics_dt_ms", &C::physics_dt_ms, "ms", "RK4 integration substep; dt_ms must be a whole number of substeps", 0.05, 10.0)
        .add("l1", &C::l1, "m", "upper-arm length; Shadmehr & Mussa-Ivaldi 1994 Table 1 [unverified]", 0.05, 1.0)
        .add("l2", &C::l2, "m", "forearm length; Shadmehr & Mussa-Ivaldi 1994 Table 1 [unverified]", 0.05, 1.0)
        .add("m1", &C::m1, "kg", "upper-arm mass; Shadmehr & Mussa-Ivaldi 1994 Table 1", 0.01, 100.0)
        .add("m2", &C::m2, "kg", "forearm mass; Shadmehr & Mussa-Ivaldi 1994 Table 1", 0.01, 100.0)
        .add("r1", &C::r1, "m", "shoulder to upper-arm centre of mass; Shadmehr & Mussa-Ivaldi 1994 Table 1", 0.0, 1.0)
        .add("r2", &C::r2, "m", "elbow to forearm centre of mass; Shadmehr & Mussa-Ivaldi 1994 Table 1", 0.0, 1.0)
        .add("i1", &C::i1, "kg*m^2", "upper-arm inertia about its centre of mass; Shadmehr & Mussa-Ivaldi 1994 Table 1", 0.0, 10.0)
        .add("i2", &C::i2, "kg*m^2", "forearm inertia about its centre of mass; Shadmehr & Mussa-Ivaldi 1994 Table 1", 0.0, 10.0)
        .add("b11", &C::b11, "N*m*s/rad", "shoulder joint viscosity; Li & Todorov 2004", 0.0, 100.0)
        .add("b12", &C::b12, "N*m*s/rad", "shoulder-elbow cross viscosity; Li & Todorov 2004", -100.0, 100.0)
        .add("b22", &C::b22, "N*m*s/rad", "elbow joint viscosity; Li & Todorov 2004", 0.0, 100.0)
        .add("shoulder_deg", &C::shoulder_deg, "deg", "start posture: shoulder angle from the +x axis", -180.0, 180.0)
        .add("elbow_deg", &C::elbow_deg, "deg", "start posture: elbow angle [unverified]", 1.0, 179.0)
        .add("target_distance_m", &C::target_distance_m, "m", "start-to-target distance; 10 cm as in Shadmehr & Mussa-Ivaldi 1994 and Smith et al. 2006", 0.01, 0.3)
        .add("n_targets", &C::n_targets, "", "targets evenly spaced on the circle, the first at 0 deg (+x)", 1, 64)
        .add("target_radius_m", &C::target_radius_m, "m", "the cursor is in the target within this distance [unverified: design choice]", 0.001, 0.1)
        .add("hold_ms", &C::hold_ms, "ms", "time the cursor must stay in the target to end the trial correct [unverified: design choice]", 0.0, 10000.0)
        .add("timeout_ms", &C::timeout_ms, "ms", "trial time limit; a trial not held by then ends as timeout [unverified: design choice]", 10.0, 60000.0)
        .add("visual_delay_ms", &C::visual_delay_ms, "ms", "latency of vision: the cursor and in_target observations show the screen as it was this long ago within the trial (before that, as at the go cue); the trial's measures and ending use the screen now. Human corrections to a shifted visual hand begin within ~117 ms (Saunders & Knill 2005, Exp Brain Res 162:458); 0 = no delay. A whole number of dt_ms steps", 0.0, 1000.0)
        .add("rotation_deg", &C::rotation_deg, "deg", "visuomotor rotation of the cursor about the start point in rotation trials (+ = counter-clockwise; counter_rotation uses the opposite sign); 30 deg, a standard size", -180.0, 180.0)
        .add("curl_gain", &C::curl_gain, "N*s/m", "k of the curl field F = [[0, k], [-k, 0]] v at the hand (k > 0 pushes clockwise; counter_curl uses -k) [unverified]", -100.0, 100.0)
        .add_choice("clamp", &C::clamp, {"visual", "channel"}, "error-clamp trials: visual (cursor forced onto the straight line at the hand's distance from the start) or channel (also a stiff force channel holds the hand on the line, as in Smith et al. 2006)")
        .add("channel_stiffness", &C::channel_stiffness, "N/m", "force-channel wall stiffness [unverified]", 0.0, 20000.0)
        .add("channel_damping", &C::channel_damping, "N*s/m", "force-channel wall damping [unverified]", 0.0, 500.0)
        .add_choice("target_order", &C::target_order, {"blocks", "random", "sequential"}, "target order: a random permutation in each block of n_targets trials, independent draws, or 0,1,2,...")
        .add("trials_per_episode", &C::trials_per_episode, "trials", "trials in one episode", 1, 100000)
        .add("max_torque", &C::max_torque, "N*m", "action bound per joint; about 5x the peak torque of the inverse-dynamics agent's 10 cm, 500 ms reaches (<= 1.8 N*m, measured)", 0.1, 100.0)
        .add("correct_reward", &C::correct_reward, "", "reward on the step a trial ends correct", 0.0, 100.0)
        .deprecated_alias("reward_hit")
        .add("effort_cost", &C::effort_cost, "", "per-step cost times the sum of squared normalised torques", 0.0, 10.0);
    return s;
  }();
  return set;
}


enum class Phase { kBaseline, kRotation, kCounterRotation, kCurl, kCounterCurl, kWashout, kClamp };
constexpr std::array<const char*, 7> kPhaseNames = {"baseline", "rotation", "counter_rotation", "curl",
                                                    "counter_curl", "washout", "clamp"};

/// One schedule entry: a phase and the trial number (1-based) of its last trial.
struct PhaseBlock {
  Phase phase;
  long long last_trial;
};

std::string phase_choices() {
  std::string v;
  for (const char* n : kPhaseNames) v += (v.empty() ? "" : "|") + std::string(n);
  return v;
}

/// Parses "name:trials,..."; every mistake is a UsageError naming the option, the item and the syntax.
std::vector<PhaseBlock> parse_schedule(const std::string& text) {
  const std::string where = std::string("ArmReach-v0: option schedule = \"") + text + "\": ";
  const std::string syntax = "; expected name:trials,name:trials,... with name one of " + phase_choices() +
                             " and trials a positive integer, e.g. baseline:40,rotation:80,washout:40,clamp:40";
  std::vector<PhaseBlock> out;
  if (text.empty()) throw UsageError(where + "is empty" + syntax);
  long long total = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t colon = item.find(':');
    if (item.empty()) throw UsageError(where + "has an empty item" + syntax);
    if (colon == std::string::npos) throw UsageError(where + "item \"" + item + "\" has no ':'" + syntax);
    const std::string name = item.substr(0, colon), count = item.substr(colon + 1);
    const auto it = std::find_if(kPhaseNames.begin(), kPhaseNames.end(), [&](const char* n) { return name == n; });
    if (it == kPhaseNames.end())
      throw UsageError(where + "unknown phase \"" + name + "\"; valid phases: " + phase_choices());
    const bool digits = !count.empty() && count.size() <= 9 &&
                        std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; });
    const long long n = digits ? std::stoll(count) : 0;
    if (n < 1)
      throw UsageError(where + "phase \"" + name + "\" has trial count \"" + count +
                       "\", which is not a positive integer (at most 999999999)" + syntax);
    total += n;
    out.push_back({static_cast<Phase>(it - kPhaseNames.begin()), total});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

class ArmReach final : public Env {
 public:
  static constexpr const char* kEpochs[] = {"reach", "hold"};
  static constexpr std::size_t kObsSize = 12;

  ArmReach(const ArmReachConfig& c, std::vector<PhaseBlock> schedule, int substeps, int hold_steps,
           int timeout_steps, int delay_steps)
      : Env(make_spec(c, timeout_steps), make_obs_space(), Space::box(static_cast<float>(-c.max_torque), static_cast<float>(c.max_torque), {2})),
        cfg_(c), schedule_(std::move(schedule)), substeps_(substeps), hold_steps_(hold_steps),
        timeout_steps_(timeout_steps), seen_(static_cast<std::size_t>(delay_steps) + 1) {
    arm_.l1 = c.l1; arm_.l2 = c.l2; arm_.m1 = c.m1; arm_.m2 = c.m2;
    arm_.r1 = c.r1; arm_.r2 = c.r2; arm_.i1 = c.i1; arm_.i2 = c.i2;
    arm_.b11 = c.b11; arm_.b12 = c.b12; arm_.b22 = c.b22;
    q0_ = {c.shoulder_deg * kDeg, c.elbow_deg * kDeg, 0.0, 0.0};
    start_ = arm::hand_position(arm_, q0_.q1, q0_.q2);
    order_.resize(static_cast<std::size_t>(c.n_targets));
  }

  static Space make_obs_space() {
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> lo(kObsSize, -inf), hi(kObsSize, inf);
    lo[10] = 0.0f; hi[10] = 1.0f;  // in_target flag
    lo[11] = 0.0f;                 // time since the go cue
    return Space::box(lo, hi, {static_cast<std::int64_t>(kObsSize)});
  }

  static EnvSpec make_spec(const ArmReachConfig& c, int timeout_steps) {
    EnvSpec s;
    s.id = "ArmReach-v0";
    s.max_episode_steps = c.trials_per_episode * timeout_steps;
    s.dt_ms = c.dt_ms;
    s.reward_min = -2.0 * c.effort_cost;
    s.reward_max = c.correct_reward;
    s.render_fps = 1000.0 / c.dt_ms;
    s.deterministic = c.target_order == "sequential";
    s.trial_based = true;
    s.epochs.assign(std::begin(kEpochs), std::end(kEpochs));
    s.obs_layout = {
        {"joint_angles", 0, 2, "shoulder angle from +x and elbow angle, rad"},
        {"joint_velocities", 2, 2, "shoulder and elbow angular velocity, rad/s"},
        {"hand", 4, 2, "hand position relative to the start point, m (proprioception)"},
        {"cursor", 6, 2, "cursor position relative to the start point, m (vision: rotated or clamped in those phases)"},
        {"target", 8, 2, "target position relative to the start point, m"},
        {"in_target", 10, 1, "1 while the cursor is inside the target (the target lights up), else 0"},
        {"time", 11, 1, "time since the target appeared (the go cue), s"}};
    s.source = "Shadmehr & Mussa-Ivaldi 1994, J Neurosci 14:3208 (arm model, curl field); Smith, "
               "Ghazizadeh & Shadmehr 2006, PLoS Biol 4:e179 (adaptation, washout, error-clamp protocol)";
    return s;
  }

  void draw(DrawList& out) const override {
    const float sx = static_cast<float>(start_.x), sy = static_cast<float>(start_.y);
    out.camera = {sx - 0.4f, -0.08f, sx + 0.4f, sy + 0.2f};
    out.background = {15, 15, 22, 255};
    const arm::V2 e{arm_.l1 * std::cos(s_.q1), arm_.l1 * std::sin(s_.q1)};
    const arm::V2 h = arm::hand_position(arm_, s_.q1, s_.q2);
    const Vec2 shoulder{0.0f, 0.0f}, elbow{static_cast<float>(e.x), static_cast<float>(e.y)};
    const Vec2 hand{static_cast<float>(h.x), static_cast<float>(h.y)};
    // targets: all dim, the current one bright (green while the cursor is inside)
    for (int k = 0; k < cfg_.n_targets; ++k) {
      const double a = 2.0 * std::numbers::pi * k / cfg_.n_targets;
      const Vec2 c{sx + static_cast<float>(cfg_.target_distance_m * std::cos(a)),
                   sy + static_cast<float>(cfg_.target_distance_m * std::sin(a))};
      const bool cur = k == target_;
      const Color fill = !cur ? Color{50, 50, 60, 255} : in_target_ ? Color{60, 200, 90, 255} : Color{220, 200, 60, 255};
      out.circles.push_back({c, static_cast<float>(cfg_.target_radius_m), fill, {120, 120, 120, 255}, 0.001f});
    }
    out.circles.push_back({{sx, sy}, 0.006f, {90, 90, 110, 255}, {200, 200, 200, 255}, 0.001f});
    // the arm: links, joints, hand
    out.lines.push_back({shoulder, elbow, {190, 150, 120, 255}, 0.02f});
    out.lines.push_back({elbow, hand, {190, 150, 120, 255}, 0.016f});
    out.circles.push_back({shoulder, 0.014f, {130, 130, 140, 255}, {220, 220, 220, 255}, 0.002f});
    out.circles.push_back({elbow, 0.011f, {130, 130, 140, 255}, {220, 220, 220, 255}, 0.002f});
    out.circles.push_back({hand, 0.006f, {200, 120, 90, 255}, {0, 0, 0, 0}, 0.0f});
    // the cursor (what the subject sees)
    out.circles.push_back({{static_cast<float>(cursor_.x), static_cast<float>(cursor_.y)}, 0.004f,
                           {240, 240, 255, 255}, {0, 0, 0, 0}, 0.0f});
    out.texts.push_back({{sx - 0.38f, sy + 0.17f},
                         std::string(kPhaseNames[static_cast<int>(phase_)]) + "  trial " + std::to_string(trial_) +
                             "  t=" + std::to_string(t_ * cfg_.dt_ms / 1000.0).substr(0, 4) + " s",
                         0.02f, {220, 220, 220, 255}});
  }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override {
    if (seed) trial_ = 0;  // a reseed restarts the perturbation schedule with the stream
    trials_in_episode_ = 0;
    clear_trial_measures();
    start_trial();
    fill_obs();
    fill_info("");
    return reset_result();
  }

  StepResult do_step(const Action& a) override {
    const double t1 = a.values[0], t2 = a.values[1];
    const double h = cfg_.physics_dt_ms / 1000.0;
    for (int k = 0; k < substeps_; ++k) arm::rk4_step(arm_, s_, t1, t2, field_, h);
    ++t_;
    update_cursor();
    seen_[static_cast<std::size_t>(t_) % seen_.size()] = {cursor_, in_target_};
    track_trial();

    const double u1 = t1 / cfg_.max_torque, u2 = t2 / cfg_.max_torque;
    double reward = -cfg_.effort_cost * (u1 * u1 + u2 * u2);
    const char* outcome = "";
    if (hold_ >= hold_steps_ && in_target_) outcome = "correct";
    else if (t_ >= timeout_steps_) outcome = "timeout";
    const bool trial_end = *outcome != '\0';
    if (trial_end) {
      if (*outcome == 'c') reward += cfg_.correct_reward;
      finish_trial(outcome[0] == 'c');
    }
    fill_obs();
    fill_info(outcome);  // describes the trial that just ended when it ended
    bool terminated = false;
    if (trial_end) {
      ++trials_in_episode_;
      terminated = trials_in_episode_ >= cfg_.trials_per_episode;
      if (!terminated) {
        // the next trial starts at once: the observation shows its first moment
        start_trial();
        fill_obs();
      }
    }
    return step_result(reward, terminated);
  }

 private:
  // the schedule phase of 1-based trial n (the last phase continues after the list)
  Phase phase_of(long long n) const {
    for (const auto& b : schedule_)
      if (n <= b.last_trial) return b.phase;
    return schedule_.back().phase;
  }

  int next_target() {
    const std::size_t n = order_.size();
    if (cfg_.target_order == "sequential") return static_cast<int>((trial_ - 1) % static_cast<long long>(n));
    if (cfg_.target_order == "random") return static_cast<int>(rng_.below(n));
    // blocks: a fresh random permutation (Fisher–Yates) every n trials of the schedule
    const std::size_t pos = static_cast<std::size_t>((trial_ - 1) % static_cast<long long>(n));
    if (pos == 0) {
      for (std::size_t i = 0; i < n; ++i) order_[i] = static_cast<int>(i);
      for (std::size_t i = n - 1; i > 0; --i) std::swap(order_[i], order_[rng_.below(i + 1)]);
    }
    return order_[pos];
  }

  void start_trial() {
    ++trial_;
    phase_ = phase_of(trial_);
    target_ = next_target();
    const double a = 2.0 * std::numbers::pi * target_ / cfg_.n_targets;
    dir_ = {std::cos(a), std::sin(a)};
    target_pos_ = {start_.x + cfg_.target_distance_m * dir_.x, start_.y + cfg_.target_distance_m * dir_.y};
    rotation_ = phase_ == Phase::kRotation ? cfg_.rotation_deg * kDeg
              : phase_ == Phase::kCounterRotation ? -cfg_.rotation_deg * kDeg : 0.0;
    field_ = arm::HandField{};
    field_.curl_gain = phase_ == Phase::kCurl ? cfg_.curl_gain : phase_ == Phase::kCounterCurl ? -cfg_.curl_gain : 0.0;
    clamped_ = phase_ == Phase::kClamp;
    if (clamped_ && cfg_.clamp == "channel") {
      field_.channel = true;
      field_.px = start_.x; field_.py = start_.y;
      field_.ux = dir_.x; field_.uy = dir_.y;
      field_.stiffness = cfg_.channel_stiffness;
      field_.damping = cfg_.channel_damping;
    }
    s_ = q0_;  // the hand is brought back to the start point, at rest
    t_ = 0;
    hold_ = 0;
    entered_step_ = 0;
    peak_speed_ = 0.0;
    peak_hand_ = {0.0, 0.0};
    peak_cursor_ = {0.0, 0.0};
    peak_channel_force_ = 0.0;
    update_cursor();
    // vision of the trial's first moment: what is seen until the latency has passed
    std::fill(seen_.begin(), seen_.end(), Seen{cursor_, in_target_});
  }

  // the cursor from the hand: rotated about the start point, or clamped onto the target line
  void update_cursor() {
    const arm::V2 h = arm::hand_position(arm_, s_.q1, s_.q2);
    const double dx = h.x - start_.x, dy = h.y - start_.y;
    if (clamped_) {
      const double r = std::sqrt(dx * dx + dy * dy);
      cursor_ = {start_.x + r * dir_.x, start_.y + r * dir_.y};
    } else {
      const double c = std::cos(rotation_), s = std::sin(rotation_);
      cursor_ = {start_.x + c * dx - s * dy, start_.y + s * dx + c * dy};
    }
    const double ex = cursor_.x - target_pos_.x, ey = cursor_.y - target_pos_.y;
    in_target_ = ex * ex + ey * ey <= cfg_.target_radius_m * cfg_.target_radius_m;
  }

  // per-step bookkeeping of the trial measures
  void track_trial() {
    if (in_target_) {
      if (hold_ == 0) entered_step_ = t_;
      ++hold_;
    } else {
      hold_ = 0;
    }
    const arm::V2 v = arm::hand_velocity(arm_, s_);
    const double speed = std::sqrt(v.x * v.x + v.y * v.y);
    if (speed > peak_speed_) {
      peak_speed_ = speed;
      const arm::V2 h = arm::hand_position(arm_, s_.q1, s_.q2);
      peak_hand_ = {h.x - start_.x, h.y - start_.y};
      peak_cursor_ = {cursor_.x - start_.x, cursor_.y - start_.y};
      if (field_.channel) {
        // the hand pushes on the wall with the opposite of the wall's force; + = left of the reach
        const arm::V2 f = arm::hand_force(arm_, s_, field_);
        peak_channel_force_ = -(f.x * -dir_.y + f.y * dir_.x);
      }
    }
  }

  // signed angle (deg, + = counter-clockwise) from the target direction to displacement d
  double angle_from_target(const arm::V2& d) const {
    if (d.x == 0.0 && d.y == 0.0) return 0.0;
    const double cross = dir_.x * d.y - dir_.y * d.x, dot = dir_.x * d.x + dir_.y * d.y;
    return std::atan2(cross, dot) / kDeg;
  }

  void finish_trial(bool correct) {
    direction_error_ = angle_from_target(peak_cursor_);
    hand_direction_error_ = angle_from_target(peak_hand_);
    lateral_deviation_ = -dir_.y * peak_hand_.x + dir_.x * peak_hand_.y;
    endpoint_error_ = std::hypot(cursor_.x - target_pos_.x, cursor_.y - target_pos_.y);
    movement_time_ = correct ? entered_step_ * cfg_.dt_ms : -1.0;
    channel_force_ = peak_channel_force_;
    ended_phase_ = phase_;
  }

  void clear_trial_measures() {
    direction_error_ = hand_direction_error_ = lateral_deviation_ = endpoint_error_ = 0.0;
    movement_time_ = peak_speed_ = channel_force_ = 0.0;
  }

  void fill_obs() {
    const arm::V2 h = arm::hand_position(arm_, s_.q1, s_.q2);
    obs_[0] = static_cast<float>(s_.q1);
    obs_[1] = static_cast<float>(s_.q2);
    obs_[2] = static_cast<float>(s_.dq1);
    obs_[3] = static_cast<float>(s_.dq2);
    obs_[4] = static_cast<float>(h.x - start_.x);
    obs_[5] = static_cast<float>(h.y - start_.y);
    // vision lags: the cursor and the target light as they were visual_delay_ms ago (slot t − d of the
    // ring of d + 1 entries, which is the slot after t's)
    const Seen& v = seen_[static_cast<std::size_t>(t_ + 1) % seen_.size()];
    obs_[6] = static_cast<float>(v.cursor.x - start_.x);
    obs_[7] = static_cast<float>(v.cursor.y - start_.y);
    obs_[8] = static_cast<float>(target_pos_.x - start_.x);
    obs_[9] = static_cast<float>(target_pos_.y - start_.y);
    obs_[10] = v.in_target ? 1.0f : 0.0f;
    obs_[11] = static_cast<float>(t_ * cfg_.dt_ms / 1000.0);
  }

  void fill_info(const char* outcome) {
    const bool ended = *outcome != '\0';
    const Phase ph = ended ? ended_phase_ : phase_;
    info_.set(f_.core.epoch, in_target_ ? "hold" : "reach");
    info_.set(f_.core.ground_truth, -1);
    info_.set(f_.core.trial, trial_);
    info_.set(f_.core.outcome, outcome);
    info_.set(f_.condition, kPhaseNames[static_cast<std::size_t>(ph)]);
    info_.set(f_.phase, kPhaseNames[static_cast<std::size_t>(ph)]);
    info_.set(f_.target, target_);
    info_.set(f_.t_ms, t_ * cfg_.dt_ms);
    info_.set(f_.rotation_deg, rotation_ / kDeg);
    info_.set(f_.curl_gain, field_.curl_gain);
    info_.set(f_.clamped, clamped_);
    // per-trial measures: meaningful on the step where trial_outcome is set, 0 before
    info_.set(f_.direction_error_deg, ended ? direction_error_ : 0.0);
    info_.set(f_.hand_direction_error_deg, ended ? hand_direction_error_ : 0.0);
    info_.set(f_.lateral_deviation_m, ended ? lateral_deviation_ : 0.0);
    info_.set(f_.endpoint_error_m, ended ? endpoint_error_ : 0.0);
    info_.set(f_.movement_time_ms, ended ? movement_time_ : 0.0);
    info_.set(f_.peak_speed_m_s, ended ? peak_speed_ : 0.0);
    info_.set(f_.channel_force_n, ended ? channel_force_ : 0.0);
  }

  // the info fields, declared once in the order they are written
  struct Fields {
    explicit Fields(Info& i)
        : core(i), condition(i.declare<std::string>("condition")), phase(i.declare<std::string>("phase")),
          target(i.declare<std::int64_t>("target")), t_ms(i.declare<double>("t_ms")),
          rotation_deg(i.declare<double>("rotation_deg")), curl_gain(i.declare<double>("curl_gain")),
          clamped(i.declare<bool>("clamped")), direction_error_deg(i.declare<double>("direction_error_deg")),
          hand_direction_error_deg(i.declare<double>("hand_direction_error_deg")),
          lateral_deviation_m(i.declare<double>("lateral_deviation_m")), endpoint_error_m(i.declare<double>("endpoint_error_m")),
          movement_time_ms(i.declare<double>("movement_time_ms")), peak_speed_m_s(i.declare<double>("peak_speed_m_s")),
          channel_force_n(i.declare<double>("channel_force_n")) {}
    trial::TrialFields core;  // epoch, ground_truth, trial, trial_outcome
    InfoField<std::string> condition, phase;
    InfoField<std::int64_t> target;
    InfoField<double> t_ms, rotation_deg, curl_gain;
    InfoField<bool> clamped;
    InfoField<double> direction_error_deg, hand_direction_error_deg, lateral_deviation_m, endpoint_error_m,
        movement_time_ms, peak_speed_m_s, channel_force_n;
  };

  ArmReachConfig cfg_;
  Fields f_{info_};
  std::vector<PhaseBlock> schedule_;
  int substeps_, hold_steps_, timeout_steps_;
  // what the subject sees, per step of the trial: a ring of visual_delay_ms / dt_ms + 1 entries
  struct Seen {
    arm::V2 cursor;
    bool in_target = false;
  };
  std::vector<Seen> seen_;
  arm::ArmParams arm_;
  arm::ArmState q0_, s_;
  arm::V2 start_, dir_, target_pos_, cursor_;
  arm::HandField field_;
  std::vector<int> order_;
  std::int64_t trial_ = 0;
  int trials_in_episode_ = 0;
  int target_ = 0, t_ = 0, hold_ = 0, entered_step_ = 0;
  Phase phase_ = Phase::kBaseline, ended_phase_ = Phase::kBaseline;
  double rotation_ = 0.0;
  bool clamped_ = false, in_target_ = false;
  double peak_speed_ = 0.0, peak_channel_force_ = 0.0;
  arm::V2 peak_hand_, peak_cursor_;
  double direction_error_ = 0, hand_direction_error_ = 0, lateral_deviation_ = 0, endpoint_error_ = 0;
  double movement_time_ = 0, channel_force_ = 0;
};

std::unique_ptr<Env> make(const KeyValues& kv) {
  ArmReachConfig c = options().parse(kv);
  std::vector<PhaseBlock> schedule = parse_schedule(c.schedule);
  const int substeps = trial::steps_of("ArmReach-v0", "dt_ms (in physics_dt_ms substeps)", c.dt_ms, c.physics_dt_ms);
  const int hold = trial::steps_of("ArmReach-v0", "hold_ms", c.hold_ms, c.dt_ms);
  const int timeout = trial::steps_of("ArmReach-v0", "timeout_ms", c.timeout_ms, c.dt_ms);
  const int delay = trial::steps_of("ArmReach-v0", "visual_delay_ms", c.visual_delay_ms, c.dt_ms);
  if (substeps < 1)
    throw UsageError("ArmReach-v0: physics_dt_ms = " + format_number(c.physics_dt_ms) +
                     " must not exceed dt_ms = " + format_number(c.dt_ms));
  if (hold >= timeout)
    throw UsageError("ArmReach-v0: hold_ms = " + format_number(c.hold_ms) + " must be shorter than timeout_ms = " +
                     format_number(c.timeout_ms) + " so that a trial can end correct");
  if (c.r1 > c.l1 || c.r2 > c.l2)
    throw UsageError("ArmReach-v0: a centre of mass lies beyond its link (r1 = " + format_number(c.r1) +
                     ", l1 = " + format_number(c.l1) + ", r2 = " + format_number(c.r2) + ", l2 = " + format_number(c.l2) +
                     "); need r1 <= l1 and r2 <= l2");
  if (c.b11 * c.b22 < c.b12 * c.b12)
    throw UsageError("ArmReach-v0: the viscosity matrix [[b11, b12], [b12, b22]] must be positive semi-definite "
                     "(b11*b22 >= b12^2), got b11 = " + format_number(c.b11) + ", b12 = " + format_number(c.b12) +
                     ", b22 = " + format_number(c.b22));
  if (c.target_radius_m >= c.target_distance_m)
    throw UsageError("ArmReach-v0: target_radius_m = " + format_number(c.target_radius_m) +
                     " must be smaller than target_distance_m = " + format_number(c.target_distance_m) +
                     " (the start point would be inside the target)");
  return std::make_unique<ArmReach>(c, std::move(schedule), substeps, hold, timeout, delay);
}


// ---- analyses (sgym plot) ----

// the trial's x: its number in the perturbation schedule (info trial), else its rank among the reaches
template <typename F>
void for_each_reach(const std::vector<TrialRecord>& trials, F f) {
  double n = 0;
  for (const auto& t : trials) {
    if (!t.has("direction_error_deg")) continue;
    n += 1;
    const double x = info_number(t, "trial");
    f(std::isnan(x) ? n : x, t);
  }
}

TrialTable adaptation_table(const std::vector<TrialRecord>& trials) {
  TrialTable tb{{"direction_error_deg", "lateral_deviation_m", "rotation_deg", "curl_gain", "hand_direction_error_deg"}, {}};
  for_each_reach(trials, [&](double x, const TrialRecord& t) {
    tb.rows[x] = {info_number(t, "direction_error_deg"), info_number(t, "lateral_deviation_m"), info_number(t, "rotation_deg"),
                  info_number(t, "curl_gain"), info_number(t, "hand_direction_error_deg")};
  });
  return tb;
}

FigureSpec adaptation_figure(const std::vector<std::vector<TrialRecord>>& runs, const KeyValues&) {
  using S = FigureSeries::Style;
  FigureSpec f;
  f.title = "Adaptation per trial";
  f.xlabel = "trial (perturbation schedule)";
  f.ylabel = "initial direction error (deg)";
  f.legend = "outside right top";
  f.width = 1000;
  f.height = 540;
  // the schedule of the first run: consecutive trials of one phase (info phase) as one span
  if (!runs.empty())
    for_each_reach(runs.front(), [&](double x, const TrialRecord& t) {
      const std::string ph(t.string_or_empty("phase"));
      if (f.spans.empty() || f.spans.back().label != ph) f.spans.push_back({x, x, ph});
      else f.spans.back().last = x;
    });
  // the cursor error is 0 by construction in visual error clamps; the hand's direction is what
  // shows the adaptation there (under a rotation the adaptation is minus the hand's error)
  f.series = {{0, "cursor direction error", "#08519c", S::kSmallPoints},
              {4, "hand direction error", "#31a354", S::kOpenPoints},
              {2, "imposed rotation (deg)", "#d6604d", S::kSteps, false}};
  return f;
}

}  // namespace

EnvEntry arm_reach_entry() {
  EnvEntry e{"ArmReach-v0",
          "two-joint arm reaching to 8 targets; visuomotor rotation, curl force field, washout and error-clamp phases",
          ArmReach::make_spec(ArmReachConfig{}, 150).source,
          options().docs(),
          make,
          {{{"schedule", "curl:3,counter_curl:2,clamp:3,rotation:2"}, {"clamp", "channel"}, {"trials_per_episode", "3"}},
           {{"target_order", "sequential"}, {"schedule", "rotation:5,counter_rotation:5,clamp:5"}}}};
  e.analyses = {{"adaptation", "initial direction errors of cursor and hand per trial of the perturbation schedule",
                 adaptation_table, adaptation_figure}};
  return e;
}

}  // namespace sgym
