// SaccadeAntisaccade-v0: the delayed saccade/antisaccade task of Gottlieb & Goldberg (1999, Nat
// Neurosci 2:906), in the abstract step-based form used as the benchmark of AuGMEnT (Rombouts, Bohte &
// Roelfsema 2015, PLoS Comput Biol 11:e1004060).
//
// The colour of the fixation mark tells the rule (pro- or antisaccade); a cue flashes left or right
// while the subject fixates; after a memory delay the mark goes off ("go") and the subject must look
// toward the remembered cue (pro) or away from it (anti). Four trial types: {pro, anti} x {left, right}.
//
// Timeline (steps; each epoch is what the subject sees, and its action on that observation is judged
// against that epoch), as in the public ReScience replication of AuGMEnT (Le Masson & Alexandre,
// ReScience; github.com/ReScience/ReScience-submission, code/augment.py: FixationTask constants
// max_t_init 1, max_t_wait 10, max_t_fixate 1, max_t_cue 1, max_t_delay 2, max_t_go 8,
// fixation_reward 0.2, end_reward 1.5; the same constants are in the authors' task.py: waitfix_timeout
// 10, mem_dur 2, max_dur 8, fix_reward 0.2, fin_reward 1.5):
//   blank    1 step, empty screen; the action is not judged
//   wait     fixation mark on; up to 10 steps to fixate, else the trial ends (timeout)
//   hold     mark on; fixate 1 more step, then the fixation reward 0.2 arrives with the cue (shaping)
//   cue      mark + cue, 1 step; must keep fixating
//   delay    mark only, 2 steps; must keep fixating
//   go       mark off; up to 8 steps to saccade left or right (else timeout);
//            1.5 for the correct side, 0 for the wrong side
// Breaking fixation during hold, cue or delay ends the trial (aborted, 0 reward).
//
// One difference from that code, on purpose: its loop advances a state's step counter after the state
// has changed, so of the 10 wait and 8 go observations it judges only the first 9 and 7 responses;
// here every shown step is judged (10 and 8), which is what "up to 10 / 8 steps" says.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "common/trial.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

/// Every option, its default and unit.
struct SaccadeAntisaccadeConfig {
  double dt_ms = 100.0;         // nominal duration of a step; the model's time is in abstract steps
                                // and no duration is published [unverified]; only labels time axes
  int blank_steps = 1;          // empty screen at trial start (ReScience max_t_init = 1)
  int max_wait_steps = 10;      // steps allowed to acquire fixation (max_t_wait = 10)
  int hold_steps = 1;           // fixation held before the fixation reward and the cue (max_t_fixate = 1)
  int cue_steps = 1;            // cue shown with the mark (max_t_cue = 1)
  int delay_steps = 2;          // memory delay, mark only (max_t_delay = 2)
  int max_go_steps = 8;         // steps allowed to saccade after the mark goes off (max_t_go = 8)
  bool shaping = true;          // give the fixation reward (ReScience SaccadeTask vs SaccadeNoShapingTask)
  double fixation_reward = 0.2; // shaping reward after holding fixation (fixation_reward = 0.2)
  double correct_reward = 1.5;  // saccade to the correct side (end_reward = 1.5)
  double wrong_reward = 0.0;    // saccade to the wrong side (0 in the benchmark)
  double abort_reward = 0.0;    // breaking fixation before go (0 in the benchmark)
  double timeout_reward = 0.0;  // no fixation within max_wait_steps or no saccade within max_go_steps
  std::string condition = "random";  // trial type: random (uniform over the four) or one fixed type
  int trials_per_episode = 1;   // trials per episode (one trial = one episode by default)
};

const OptionSet<SaccadeAntisaccadeConfig>& options() {
  using C = SaccadeAntisaccadeConfig;
  static const OptionSet<C> set = [] {
    OptionSet<C> s("SaccadeAntisaccade-v0");
    s.add("dt_ms", &C::dt_ms, "ms", "nominal duration of one step; the AuGMEnT model counts abstract steps, no duration is published [unverified]", 1.0, 10000.0)
        .add("blank_steps", &C::blank_steps, "steps", "empty screen at trial start (ReScience AuGMEnT replication, max_t_init = 1)", 0, 1000)
        .add("max_wait_steps", &C::max_wait_steps, "steps", "steps allowed to acquire fixation, else timeout (ReScience max_t_wait = 10; Rombouts et al. 2015)", 1, 1000)
        .add("hold_steps", &C::hold_steps, "steps", "fixation held before the fixation reward and the cue (ReScience max_t_fixate = 1)", 0, 1000)
        .add("cue_steps", &C::cue_steps, "steps", "cue shown together with the fixation mark (ReScience max_t_cue = 1)", 1, 1000)
        .add("delay_steps", &C::delay_steps, "steps", "memory delay with the mark only (ReScience max_t_delay = 2; Rombouts et al. 2015)", 0, 1000)
        .add("max_go_steps", &C::max_go_steps, "steps", "steps allowed to saccade after the mark goes off, else timeout (ReScience max_t_go = 8)", 1, 1000)
        .add("shaping", &C::shaping, "give the fixation reward after the hold (shaping; off = ReScience SaccadeNoShapingTask)")
        .add("fixation_reward", &C::fixation_reward, "", "shaping reward after holding fixation (Rombouts et al. 2015; ReScience fixation_reward = 0.2)", -100.0, 100.0)
        .add("correct_reward", &C::correct_reward, "", "reward for a saccade to the correct side (Rombouts et al. 2015; ReScience end_reward = 1.5)", -100.0, 100.0)
        .deprecated_alias("final_reward")
        .add("wrong_reward", &C::wrong_reward, "", "reward for a saccade to the wrong side (0 in the AuGMEnT benchmark)", -100.0, 100.0)
        .add("abort_reward", &C::abort_reward, "", "reward when fixation is broken before go (0 in the AuGMEnT benchmark)", -100.0, 100.0)
        .add("timeout_reward", &C::timeout_reward, "", "reward when fixation is not acquired or no saccade is made in time (0 in the benchmark)", -100.0, 100.0)
        .add_choice("condition", &C::condition, {"random", "pro_left", "pro_right", "anti_left", "anti_right"},
                    "trial type: random (each of the four with probability 1/4, as in the benchmark) or one fixed type (e.g. for the greedy check of all four)")
        .add("trials_per_episode", &C::trials_per_episode, "trials", "trials per episode", 1, 1000000);
    return s;
  }();
  return set;
}

/// Actions: Discrete(3).
constexpr int kFixate = 0, kLeft = 1, kRight = 2;
/// Horizontal eccentricity of the cue and the saccade targets in draw(), degrees of visual angle
/// (a display choice; the abstract task has no geometry).
constexpr float kTargetDeg = 10.0f;

enum class Epoch { kBlank, kWait, kHold, kCue, kDelay, kGo };
// string views: the info is written every step, and a view knows its length (no strlen)
constexpr std::array<std::string_view, 6> kEpochNames = {"blank", "wait", "hold", "cue", "delay", "go"};
constexpr std::array<std::string_view, 4> kConditions = {"pro_left", "pro_right", "anti_left", "anti_right"};

class SaccadeAntisaccade final : public Env {
 public:
  explicit SaccadeAntisaccade(const SaccadeAntisaccadeConfig& c)
      : Env(make_spec(c), Space::box(0.0f, 1.0f, {4}), Space::discrete(3)), cfg_(c) {
    for (std::size_t i = 0; i < kConditions.size(); ++i)
      if (c.condition == kConditions[i]) fixed_condition_ = static_cast<int>(i);
  }

  static EnvSpec make_spec(const SaccadeAntisaccadeConfig& c) {
    EnvSpec s;
    s.id = "SaccadeAntisaccade-v0";
    const int trial_max = c.blank_steps + c.max_wait_steps + c.hold_steps + c.cue_steps + c.delay_steps + c.max_go_steps;
    s.max_episode_steps = trial_max * c.trials_per_episode;
    s.dt_ms = c.dt_ms;
    const double fix = c.shaping ? c.fixation_reward : 0.0;
    s.reward_min = std::min({0.0, fix, c.correct_reward, c.wrong_reward, c.abort_reward, c.timeout_reward});
    s.reward_max = std::max({0.0, fix, c.correct_reward, c.wrong_reward, c.abort_reward, c.timeout_reward});
    s.render_fps = 1000.0 / c.dt_ms;
    s.deterministic = c.condition != "random";
    s.trial_based = true;
    s.epochs.assign(kEpochNames.begin(), kEpochNames.end());
    s.obs_layout = {{"fixation_pro", 0, 1, "1 while the pro-saccade fixation mark is on"},
                    {"fixation_anti", 1, 1, "1 while the anti-saccade fixation mark is on"},
                    {"cue_left", 2, 1, "1 while the left cue is on"},
                    {"cue_right", 3, 1, "1 while the right cue is on"}};
    s.source = "Gottlieb & Goldberg 1999, Nat Neurosci 2:906 (delayed saccade/antisaccade); step timeline and "
               "rewards of the AuGMEnT benchmark: Rombouts, Bohte & Roelfsema 2015, PLoS Comput Biol "
               "11:e1004060, as in its ReScience replication (Le Masson & Alexandre)";
    return s;
  }

  void draw(DrawList& out) const override {
    // the screen in degrees of visual angle: fixation mark, cue, the two saccade targets, the gaze
    out.camera = {-15.0f, -10.0f, 15.0f, 10.0f};
    out.background = {40, 40, 40, 255};
    const bool mark = epoch_ == Epoch::kWait || epoch_ == Epoch::kHold || epoch_ == Epoch::kCue || epoch_ == Epoch::kDelay;
    if (mark) {
      // pro = white square, anti = red square (the colour is the rule)
      const Color c = pro_ ? Color{240, 240, 240, 255} : Color{230, 60, 60, 255};
      const float h = 0.5f;
      out.polygons.push_back({{{-h, -h}, {h, -h}, {h, h}, {-h, h}}, c});
    }
    if (epoch_ == Epoch::kCue)
      out.circles.push_back({{cue_left_ ? -kTargetDeg : kTargetDeg, 0.0f}, 1.0f, {255, 220, 60, 255}, {}, 0.0f});
    // the possible saccade endpoints, as faint outlines (not part of the stimulus)
    for (float x : {-kTargetDeg, kTargetDeg})
      out.circles.push_back({{x, 0.0f}, 1.5f, {0, 0, 0, 0}, {90, 90, 90, 255}, 0.08f});
    if (last_action_ >= 0) {
      const float gx = last_action_ == kLeft ? -kTargetDeg : last_action_ == kRight ? kTargetDeg : 0.0f;
      out.circles.push_back({{gx, 0.0f}, 0.4f, {0, 0, 0, 0}, {60, 200, 255, 255}, 0.15f});
    }
    out.texts.push_back({{-14.5f, 9.0f}, std::string(kConditions[condition_]) + "  " + std::string(kEpochNames[static_cast<int>(epoch_)]), 0.8f, {220, 220, 220, 255}});
    if (!last_outcome_.empty()) out.texts.push_back({{-14.5f, -9.0f}, "last trial: " + last_outcome_, 0.8f, {220, 220, 220, 255}});
  }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t>) override {
    trial_ = 0;
    last_outcome_.clear();
    last_action_ = -1;
    start_trial();
    fill({});
    return reset_result();
  }

  StepResult do_step(const Action& a) override {
    const int act = static_cast<int>(a.index);
    last_action_ = act;
    ++t_;
    double reward = 0.0;
    std::string_view outcome;
    switch (epoch_) {
      case Epoch::kBlank:
        if (++epoch_t_ >= cfg_.blank_steps) reward += enter(Epoch::kWait);
        break;
      case Epoch::kWait:
        if (act == kFixate) reward += enter(Epoch::kHold);
        else if (++epoch_t_ >= cfg_.max_wait_steps) outcome = "timeout";
        break;
      case Epoch::kHold:
      case Epoch::kCue:
      case Epoch::kDelay:
        if (act != kFixate) outcome = "aborted";
        else if (++epoch_t_ >= duration(epoch_)) reward += enter(next(epoch_));
        break;
      case Epoch::kGo:
        if (act != kFixate) outcome = act == target_ ? "correct" : "wrong";
        else if (++epoch_t_ >= cfg_.max_go_steps) outcome = "timeout";
        break;
    }
    bool terminated = false;
    if (!outcome.empty()) {
      const std::string_view o = outcome;
      reward += o == "correct" ? cfg_.correct_reward : o == "wrong" ? cfg_.wrong_reward
              : o == "aborted" ? cfg_.abort_reward : cfg_.timeout_reward;
      last_outcome_ = o;
      // info of the ending step describes the trial that ended; the screen goes blank
      const int ended_condition = condition_;
      const int ended_target = target_;
      const std::int64_t ended_trial = trial_;
      const int ended_t = t_;
      ++trial_;
      terminated = trial_ >= cfg_.trials_per_episode;
      if (!terminated) start_trial();
      else epoch_ = Epoch::kBlank;
      fill(outcome);
      info_.set(f_.condition, kConditions[static_cast<std::size_t>(ended_condition)]);
      info_.set(f_.target, ended_target);
      info_.set(f_.core.trial, ended_trial);
      info_.set(f_.t, ended_t);
      info_condition_ = ended_condition;
    } else {
      fill({});
    }
    return step_result(reward, terminated);
  }

 private:
  int duration(Epoch e) const {
    switch (e) {
      case Epoch::kBlank: return cfg_.blank_steps;
      case Epoch::kHold: return cfg_.hold_steps;
      case Epoch::kCue: return cfg_.cue_steps;
      case Epoch::kDelay: return cfg_.delay_steps;
      default: return 1;  // wait and go end on the subject's action or their limit
    }
  }
  static Epoch next(Epoch e) {
    switch (e) {
      case Epoch::kBlank: return Epoch::kWait;
      case Epoch::kWait: return Epoch::kHold;
      case Epoch::kHold: return Epoch::kCue;
      case Epoch::kCue: return Epoch::kDelay;
      default: return Epoch::kGo;
    }
  }

  // enters epoch e, skipping fixed epochs of zero steps; returns the fixation reward when the hold
  // is completed on the way (it arrives with the cue)
  double enter(Epoch e) {
    double reward = 0.0;
    for (;;) {
      if (e == Epoch::kCue && cfg_.shaping) reward += cfg_.fixation_reward;
      epoch_ = e;
      epoch_t_ = 0;
      const bool fixed = e == Epoch::kBlank || e == Epoch::kHold || e == Epoch::kDelay;
      if (!fixed || duration(e) > 0) return reward;
      e = next(e);
    }
  }

  void start_trial() {
    condition_ = fixed_condition_ >= 0 ? fixed_condition_ : static_cast<int>(rng_.below(4));
    pro_ = condition_ < 2;
    cue_left_ = condition_ % 2 == 0;
    target_ = (pro_ == cue_left_) ? kLeft : kRight;
    t_ = 0;
    enter(Epoch::kBlank);
  }

  // observation and info for the current state; the strings are rewritten only when they change
  // (info_epoch_, info_condition_, info_outcome_ remember what the info holds; only this env
  // writes its info)
  void fill(std::string_view outcome) {
    const bool mark = epoch_ == Epoch::kWait || epoch_ == Epoch::kHold || epoch_ == Epoch::kCue || epoch_ == Epoch::kDelay;
    obs_[0] = mark && pro_ ? 1.0f : 0.0f;
    obs_[1] = mark && !pro_ ? 1.0f : 0.0f;
    obs_[2] = epoch_ == Epoch::kCue && cue_left_ ? 1.0f : 0.0f;
    obs_[3] = epoch_ == Epoch::kCue && !cue_left_ ? 1.0f : 0.0f;
    if (epoch_ != info_epoch_) {
      info_.set(f_.core.epoch, kEpochNames[static_cast<std::size_t>(epoch_)]);
      info_epoch_ = epoch_;
    }
    const int gt = epoch_ == Epoch::kBlank ? -1 : epoch_ == Epoch::kGo ? target_ : kFixate;
    info_.set(f_.core.ground_truth, gt);
    info_.set(f_.core.trial, trial_);
    if (!outcome.empty() || info_outcome_) {
      info_.set(f_.core.outcome, outcome);
      info_outcome_ = !outcome.empty();
    }
    if (condition_ != info_condition_) {
      info_.set(f_.condition, kConditions[static_cast<std::size_t>(condition_)]);
      info_condition_ = condition_;
    }
    info_.set(f_.target, target_);
    info_.set(f_.t, t_);
  }

  // the info fields, declared once in the order they are written
  struct Fields {
    explicit Fields(Info& i)
        : core(i), condition(i.declare<std::string>("condition")), target(i.declare<std::int64_t>("target")),
          t(i.declare<std::int64_t>("t")) {}
    trial::TrialFields core;  // epoch, ground_truth, trial, trial_outcome
    InfoField<std::string> condition;
    InfoField<std::int64_t> target, t;
  };

  SaccadeAntisaccadeConfig cfg_;
  Fields f_{info_};
  // what the info's strings hold now (declared fields start empty: no epoch, no condition)
  Epoch info_epoch_ = static_cast<Epoch>(-1);
  int info_condition_ = -1;
  bool info_outcome_ = false;  // trial_outcome is not ""
  int fixed_condition_ = -1;
  int condition_ = 0;
  bool pro_ = true, cue_left_ = true;
  int target_ = kLeft;
  Epoch epoch_ = Epoch::kBlank;
  int epoch_t_ = 0;   // steps already spent in the current epoch
  int t_ = 0;         // steps since the trial started
  std::int64_t trial_ = 0;
  int last_action_ = -1;
  std::string last_outcome_;
};

std::unique_ptr<Env> make(const KeyValues& kv) {
  return std::make_unique<SaccadeAntisaccade>(options().parse(kv));
}

}  // namespace

EnvEntry saccade_antisaccade_entry() {
  return {"SaccadeAntisaccade-v0",
          "delayed saccade/antisaccade (Gottlieb & Goldberg 1999), the AuGMEnT benchmark: the mark's colour is the rule, "
          "remember the cue through a delay, look toward or away",
          SaccadeAntisaccade::make_spec(SaccadeAntisaccadeConfig{}).source,
          options().docs(),
          make,
          {{{"trials_per_episode", "5"}, {"shaping", "false"}}, {{"condition", "anti_right"}, {"delay_steps", "0"}, {"hold_steps", "0"}}},
          // chance: the four trial types are equally likely, two per side (one fixed type: 1)
          [](const KeyValues& kv) { return options().parse(kv).condition == "random" ? 0.5 : 1.0; }};
}

}  // namespace sgym
