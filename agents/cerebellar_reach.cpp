// cerebellar-reach: reaching on ArmReach-v0 with a crude "cortical" controller plus a cerebellar
// feed-forward module trained by feedback-error learning (Kawato, Furukawa & Suzuki 1987; Kawato &
// Gomi 1992), in two modules with different learning rates and retentions (the fast and slow
// processes of Smith, Ghazizadeh & Shadmehr 2006).
//
// Cortex (does not learn). At the go cue it plans a minimum-jerk path (Flash & Hogan 1985) that would
// take the cursor from where it is to the target, believing the cursor is the hand, and commands
//   u_plan = M(q_d) q̈_d + c(q_d, q̇_d) + B q̇_d        inverse dynamics of the planned hand path, for
//                                                    the arm as it believes it to be (arm_model.hpp)
//   u_fb   = J(q)ᵀ [K_p (c_d(t−Δ) − c) + K_d (ċ_d(t−Δ) − ċ)]   visual feedback: the seen cursor c, which
//                                                    shows the screen of Δ ago (the env's visual delay,
//                                                    measured from movement onsets, + feedback_delay_ms),
//                                                    pulled to the planned cursor path of that moment
//   u_prop = g (K (q_d − q) + V (q̇_d − q̇))            weak joint feedback around the planned path; it
//                                                    steadies the hand when vision has no lateral
//                                                    information (error clamps) and teaches nothing
// This is the inverse-dynamics agent's planner with most of its joint feedback replaced by feedback on
// what the subject sees. It is legitimate as the baseline: with the unperturbed arm the plan is right
// and u_fb ≈ 0, so the cerebellum has nothing to learn; under a rotation or a curl field the plan is
// wrong in a way the cortex never corrects, and only the cerebellum learns the correction.
//
// Cerebellum. Mossy fibres carry the aimed direction (von Mises population code) and the time since
// the go cue (raised-cosine temporal basis) — or, with mossy_input=desired_state, the planned hand
// displacement, velocity and acceleration (Kawato's desired state); a granule layer recodes them into
// sparse conjunctions p; two Purkinje modules read out torques u_f = W_f p (fast) and u_s = W_s p
// (slow). The command is
//   u = u_plan + u_f + u_s + u_fb + u_prop
// and the feedback command is the climbing-fibre teaching signal (e = −u_fb), paired with the granule
// activity of the moment the seen error belongs to, p(t−Δ):
//   W_f ← W_f + β_f u_fb p(t−Δ)ᵀ (every step),   W_f ← A_f W_f (every trial);   likewise W_s with β_s, A_s
// A forward model predicts the next joint velocities from the current ones and the efference copy
// u; its sensory prediction error is a signal (it is not used for control).
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>

#include "learning/arm_model.hpp"
#include "learning/cerebellum.hpp"
#include "sgym/agents.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

/// Every option, its default and source.
struct CerebellarReachConfig {
  double movement_ms = 500.0;  // planned minimum-jerk duration, as inverse-dynamics [unverified: typical of 10 cm reaches]
  // visual feedback gains [unverified: design choice]: chosen (seeds 101-103) so that with the 120 ms
  // visual delay of the agent's experiments both the rotation and the curl field are learned; with the
  // earlier kp 40, kd 5, proprio_gain 0.3 the delayed loop oscillated (timeouts) and the curl field was
  // not learned (docs/agents/cerebellar-reach.md)
  double kp = 20.0;            // visual feedback stiffness on the cursor, N/m
  double kd = 3.0;             // visual feedback viscosity on the cursor, N·s/m
  // extra visual latency inside the agent, on top of the env's (ArmReach-v0 visual_delay_ms, which the
  // agent measures; see docs/agents/cerebellar-reach.md). 0: the latency is the env's alone
  double feedback_delay_ms = 0.0;
  // hand and cursor movement onset: the first step either is this far from the start; the difference
  // of the two onsets is the measured visual latency
  double onset_m = 0.001;
  // proprioceptive feedback: a fraction of inverse-dynamics' joint stiffness K = [[15, 6], [6, 16]]
  // N·m/rad and viscosity V = [[2.3, 0.9], [0.9, 2.4]] N·m·s/rad (Shadmehr & Mussa-Ivaldi 1994 as
  // reproduced publicly [unverified]) around the planned joint path; it stabilises the hand when
  // vision says nothing (error clamps) and is not a teaching signal
  double proprio_gain = 0.6;
  // mossy fibres and granule layer. direction_time: the aimed direction and the time since the go cue
  // (a motor program per direction); desired_state: the planned hand displacement, velocity and
  // acceleration (the desired state of Kawato's inverse-dynamics model)
  std::string mossy_input = "direction_time";
  int n_state_units_per_axis = 5;   // desired_state: Gaussian units per axis of each 2-D state group
  double state_reach_m = 0.1;       // desired_state: the reach length the grids span (10 cm targets)
  int fan_in_state = 2;             // desired_state: fibres per granule cell from each state group
  int n_direction_units = 8;        // von Mises units over the aimed direction
  double direction_kappa = 2.0;     // their concentration (broad tuning: adaptation generalises to neighbours)
  int n_time_bumps = 16;            // raised-cosine bumps over time since the go cue
  double time_span_ms = 750.0;      // span of the temporal basis
  int n_granule_cells = 1500;       // granule cells
  int fan_in_direction = 2;         // direction fibres per granule cell (granule cells have ~4 dendrites)
  int fan_in_time = 2;              // time fibres per granule cell
  double granule_threshold = 0.35;  // threshold on the mean input (Golgi inhibition)
  // two Purkinje modules: per-step learning rates β, per-trial retentions A
  double fast_rate = 0.1, fast_retention = 0.9;     // [unverified: chosen so the fast module learns most per trial and forgets most]
  double slow_rate = 0.015, slow_retention = 0.998; // [unverified: chosen so the slow module learns least and retains most]
  double forward_rate = 0.2;        // normalised LMS rate of the forward model
  int wiring_seed = 0;              // mossy-to-granule wiring seed; 0 = the agent's seed
};

const OptionSet<CerebellarReachConfig>& options() {
  static const OptionSet<CerebellarReachConfig> set = [] {
    using C = CerebellarReachConfig;
    OptionSet<C> s("cerebellar-reach");
    s.add("movement_ms", &C::movement_ms, "ms", "planned minimum-jerk movement duration [unverified: typical of 10 cm reaches]", 50.0, 5000.0)
        .add("kp", &C::kp, "N/m", "visual feedback stiffness pulling the cursor to the planned path [unverified: design choice]", 0.0, 5000.0)
        .add("kd", &C::kd, "N*s/m", "visual feedback viscosity on the cursor velocity [unverified: design choice]", 0.0, 500.0)
        .add("feedback_delay_ms", &C::feedback_delay_ms, "ms", "extra visual latency inside the agent, added to the env's (ArmReach-v0 visual_delay_ms, measured by the agent from the felt and seen movement onsets); the feedback compares the cursor it sees with the planned cursor of the moment the view shows, and teaches the granule activity of that moment", 0.0, 1000.0)
        .add("onset_m", &C::onset_m, "m", "movement onset threshold: the visual latency is measured each trial as the steps between the hand (proprioception) and the cursor (vision) first leaving the start by this distance", 0.0001, 0.05)
        .add("proprio_gain", &C::proprio_gain, "", "joint-space feedback around the planned path as a fraction of inverse-dynamics' stiffness and viscosity (Shadmehr & Mussa-Ivaldi 1994 [unverified]); stabilises, does not teach", 0.0, 10.0)
        .add_choice("mossy_input", &C::mossy_input, {"direction_time", "desired_state"}, "what the mossy fibres code: the aimed direction and the time since the go cue (a learned motor program per direction), or the planned hand displacement, velocity and acceleration (a state-dependent inverse-dynamics correction, as the cerebellar model of Kawato, Furukawa & Suzuki 1987)")
        .add("n_state_units_per_axis", &C::n_state_units_per_axis, "", "desired_state: Gaussian units per axis of each 2-D state group (displacement, velocity, acceleration), spaced evenly over +-1.2 x the reach's peak value; a group has this number squared", 2, 20)
        .deprecated_alias("state_grid")
        .add("state_reach_m", &C::state_reach_m, "m", "desired_state: the reach length the grids are scaled to (peak speed 1.875 L/T, peak acceleration 5.77 L/T^2 of a minimum-jerk reach)", 0.01, 1.0)
        .add("fan_in_state", &C::fan_in_state, "", "desired_state: mossy fibres per granule cell from each of the three state groups", 0, 400)
        .add("n_direction_units", &C::n_direction_units, "", "mossy fibres coding the aimed direction (von Mises tuning)", 2, 64)
        .deprecated_alias("direction_units")
        .add("direction_kappa", &C::direction_kappa, "", "von Mises concentration of the direction units (small = broad generalisation)", 0.0, 100.0)
        .add("n_time_bumps", &C::n_time_bumps, "", "mossy fibres coding time since the go cue (raised-cosine bumps)", 2, 200)
        .deprecated_alias("time_bumps")
        .add("time_span_ms", &C::time_span_ms, "ms", "time covered by the temporal basis", 10.0, 10000.0)
        .add("n_granule_cells", &C::n_granule_cells, "", "granule cells (expansion recoding)", 1, 100000)
        .deprecated_alias("granule_cells")
        .add("fan_in_direction", &C::fan_in_direction, "", "direction mossy fibres per granule cell (granule cells have about 4 dendrites)", 0, 64)
        .add("fan_in_time", &C::fan_in_time, "", "time mossy fibres per granule cell", 0, 200)
        .add("granule_threshold", &C::granule_threshold, "", "granule threshold on the mean mossy input (Golgi inhibition)", 0.0, 1.0)
        .add("fast_rate", &C::fast_rate, "per step", "learning rate beta of the fast module, per update (one per env step; a step size, not a time constant) [unverified: design choice]", 0.0, 10.0)
        .add("fast_retention", &C::fast_retention, "per trial", "retention A of the fast module, per trial as in the two-state model (Smith, Ghazizadeh & Shadmehr 2006 give A per trial) [unverified: design choice]", 0.0, 1.0)
        .add("slow_rate", &C::slow_rate, "per step", "learning rate beta of the slow module, per update (one per env step) [unverified: design choice]", 0.0, 10.0)
        .add("slow_retention", &C::slow_retention, "per trial", "retention A of the slow module, per trial as in the two-state model (Smith et al. 2006) [unverified: design choice]", 0.0, 1.0)
        .add("forward_rate", &C::forward_rate, "", "normalised LMS rate of the forward model, per update (one per env step)", 0.0, 1.9)
        .add("wiring_seed", &C::wiring_seed, "", "seed of the random mossy-to-granule wiring; 0 = the agent's seed", 0,
             std::numeric_limits<int>::max());
    return s;
  }();
  return set;
}

class CerebellarReach final : public Agent {
 public:
  CerebellarReach(const Space& obs, const Space& act, const CerebellarReachConfig& c, std::uint64_t seed)
      : Agent("cerebellar-reach", obs, act, seed), cfg_(c), at_(learning::ArmObs::of(obs, "cerebellar-reach")), basis_(c.n_time_bumps, c.time_span_ms / 1000.0),
        action_(Action::box({0.0f, 0.0f})) {
    build(c.wiring_seed != 0 ? static_cast<std::uint64_t>(c.wiring_seed) : seed);
  }

  void begin_episode() override {
    last_time_ = -1.0;
    step_s_ = 0.0;
    prediction_error_ = 0.0;
  }

  const Action& act(std::span<const float> obs) override {
    const double q[2] = {obs[at_.q], obs[at_.q + 1]};
    const double dq[2] = {obs[at_.dq], obs[at_.dq + 1]};
    const double c[2] = {obs[at_.cursor], obs[at_.cursor + 1]};
    const double t = obs[at_.time];
    const bool new_trial = last_time_ < 0.0 || t <= last_time_;
    if (new_trial) start_trial(obs, q);
    else if (step_s_ == 0.0) step_s_ = t - last_time_;  // the env step, learned from the clock
    last_time_ = t;

    // the plan: hand path (for inverse dynamics, half a step ahead) and cursor path (for feedback, now)
    const double T = cfg_.movement_ms / 1000.0;
    double p, v, a;
    learning::minimum_jerk((t + 0.5 * step_s_) / T, p, v, a);
    double xd[2], vd[2], ad[2];
    for (int i = 0; i < 2; ++i) {
      xd[i] = from_[i] + disp_[i] * p;
      vd[i] = disp_[i] * v / T;
      ad[i] = disp_[i] * a / (T * T);
    }
    double qd[2], dqd[2], ddqd[2];
    if (!model_.inverse(xd, qd)) {
      // out of reach: hold the current posture
      qd[0] = q[0]; qd[1] = q[1];
      vd[0] = vd[1] = ad[0] = ad[1] = 0.0;
    }
    model_.joint_rates(qd, vd, ad, dqd, ddqd);
    model_.torques(qd, dqd, ddqd, plan_);

    // visual feedback on the cursor as seen now, compared with the planned cursor of the moment the view
    // shows (the latency: measured from the env plus the agent's own), through the Jacobian transpose
    if (new_trial) step_in_trial_ = 0;
    else ++step_in_trial_;
    cursor_hist_[static_cast<std::size_t>(step_in_trial_) % kHistory] = {c[0], c[1]};
    measure_latency(obs);
    const int own = step_s_ > 0.0 ? static_cast<int>(std::lround(cfg_.feedback_delay_ms / 1000.0 / step_s_)) : 0;
    const int seen = step_in_trial_ - own;  // the observation step whose cursor is seen now
    const int d = own + latency_;           // the seen cursor shows the hand of step step_in_trial_ - d
    const int shown = step_in_trial_ - d;
    double f[2] = {0.0, 0.0};
    if (shown >= 1 && seen >= 1 && own < static_cast<int>(kHistory) - 1) {
      const double ts = shown * step_s_;
      learning::minimum_jerk(ts / T, p, v, a);
      const auto& now = cursor_hist_[static_cast<std::size_t>(seen) % kHistory];
      const auto& before = cursor_hist_[static_cast<std::size_t>(seen - 1) % kHistory];
      for (int i = 0; i < 2; ++i) {
        const double cd = cursor0_[i] + disp_[i] * p, cvd = disp_[i] * v / T;
        f[i] = cfg_.kp * (cd - now[static_cast<std::size_t>(i)]) +
               cfg_.kd * (cvd - (now[static_cast<std::size_t>(i)] - before[static_cast<std::size_t>(i)]) / step_s_);
      }
    }
    double j[4];
    model_.jacobian(q, j);
    fb_[0] = j[0] * f[0] + j[2] * f[1];
    fb_[1] = j[1] * f[0] + j[3] * f[1];
    // proprioceptive joint feedback around the planned joint path
    const double e0 = qd[0] - q[0], e1 = qd[1] - q[1], de0 = dqd[0] - dq[0], de1 = dqd[1] - dq[1], g = cfg_.proprio_gain;
    pfb_[0] = g * (15.0 * e0 + 6.0 * e1 + 2.3 * de0 + 0.9 * de1);
    pfb_[1] = g * (6.0 * e0 + 16.0 * e1 + 0.9 * de0 + 2.4 * de1);

    // the cerebellum: mossy fibres (direction and time, or desired state) → granule cells → fast and
    // slow Purkinje modules
    code_mossy(t);
    granule_->encode(mossy_, p_);
    if (d == 0) {
      p_teach_ = p_;
    } else {
      // the granule activity of the moment the seen error belongs to: the teacher's eligible synapses
      code_mossy(std::max(0.0, t - d * step_s_));
      granule_->encode(mossy_, p_teach_);
    }
    fast_->output(p_, u_fast_);
    slow_->output(p_, u_slow_);

    for (std::size_t i = 0; i < 2; ++i) {
      const double u = plan_[i] + u_fast_[static_cast<Eigen::Index>(i)] + u_slow_[static_cast<Eigen::Index>(i)] + fb_[i] + pfb_[i];
      action_.values[i] = static_cast<float>(std::clamp(u, static_cast<double>(act_space_.low()[i]),
                                                        static_cast<double>(act_space_.high()[i])));
    }
    // the forward model predicts the next joint state from this one and the efference copy
    forward_->predict(obs.subspan(at_.dq, 2), action_.values);
    return action_;
  }

  void observe(double, std::span<const float> next_obs, bool, bool) override {
    // feedback-error learning: the feedback command is the climbing-fibre teaching signal (e = −u_fb)
    if (training()) {
      fb_err_[0] = -fb_[0];
      fb_err_[1] = -fb_[1];
      fast_->learn(p_teach_, fb_err_);
      slow_->learn(p_teach_, fb_err_);
    }
    // the next observation belongs to the same trial unless its clock restarted
    if (next_obs[at_.time] > last_time_) prediction_error_ = forward_->update(next_obs.subspan(at_.dq, 2), training());
  }

  std::vector<std::string> signal_names() const override {
    return {"fast", "slow", "feedback", "plan", "prediction_error", "visual_latency_ms"};
  }
  std::vector<Signal> introspect() const override {
    return {{"fast", {static_cast<float>(u_fast_[0]), static_cast<float>(u_fast_[1])}},
            {"slow", {static_cast<float>(u_slow_[0]), static_cast<float>(u_slow_[1])}},
            {"feedback", {static_cast<float>(fb_[0]), static_cast<float>(fb_[1])}},
            {"plan", {static_cast<float>(plan_[0]), static_cast<float>(plan_[1])}},
            {"prediction_error", {static_cast<float>(prediction_error_)}},
            {"visual_latency_ms", {static_cast<float>(latency_ * step_s_ * 1000.0)}}};
  }

 protected:
  // version 2: the measured visual latency follows the wiring seed (files of version 1 are refused
  // with a message naming both versions)
  std::uint32_t state_version() const override { return 2; }
  void save_state(StateWriter& w) const override {
    w.u64(wiring_seed_);
    w.u64(static_cast<std::uint64_t>(latency_));
    w.doubles({fast_->weights().data(), static_cast<std::size_t>(fast_->weights().size())});
    w.doubles({slow_->weights().data(), static_cast<std::size_t>(slow_->weights().size())});
    w.doubles({forward_->weights().data(), static_cast<std::size_t>(forward_->weights().size())});
  }
  void load_state(StateReader& r) override {
    const std::uint64_t wiring = r.u64();
    const std::uint64_t latency = r.u64();
    if (latency > static_cast<std::uint64_t>(kHistory))
      throw FileFormatError("cerebellar-reach: saved visual latency of " + std::to_string(latency) + " steps exceeds the " +
                            std::to_string(kHistory) + " steps of history the agent keeps");
    std::vector<double> wf, ws, wm;
    r.doubles(wf, static_cast<std::size_t>(fast_->weights().size()), "cerebellar-reach fast weights");
    r.doubles(ws, static_cast<std::size_t>(slow_->weights().size()), "cerebellar-reach slow weights");
    r.doubles(wm, static_cast<std::size_t>(forward_->weights().size()), "cerebellar-reach forward-model weights");
    // everything read: the wiring the weights were learned on, then the weights
    if (wiring != wiring_seed_) build(wiring);
    std::copy(wf.begin(), wf.end(), fast_->weights().data());
    std::copy(ws.begin(), ws.end(), slow_->weights().data());
    std::copy(wm.begin(), wm.end(), forward_->weights().data());
    latency_ = static_cast<int>(latency);
  }

 private:
  // allocates the granule wiring, the modules and the buffers (construction and load only)
  void build(std::uint64_t wiring_seed) {
    wiring_seed_ = wiring_seed;
    Rng wiring(wiring_seed);
    const int g2 = cfg_.n_state_units_per_axis * cfg_.n_state_units_per_axis;
    granule_ = state_input()
                   ? std::make_unique<learning::GranuleLayer>(std::vector<int>{g2, g2, g2},
                                                              std::vector<int>{cfg_.fan_in_state, cfg_.fan_in_state, cfg_.fan_in_state},
                                                              cfg_.n_granule_cells, cfg_.granule_threshold, wiring)
                   : std::make_unique<learning::GranuleLayer>(std::vector<int>{cfg_.n_direction_units, cfg_.n_time_bumps},
                                                              std::vector<int>{cfg_.fan_in_direction, cfg_.fan_in_time},
                                                              cfg_.n_granule_cells, cfg_.granule_threshold, wiring);
    fast_ = std::make_unique<learning::PurkinjeModule>(cfg_.n_granule_cells, 2, cfg_.fast_rate, cfg_.fast_retention);
    slow_ = std::make_unique<learning::PurkinjeModule>(cfg_.n_granule_cells, 2, cfg_.slow_rate, cfg_.slow_retention);
    // forward model of the joint velocities from them and the torques; scales: rad/s, N·m
    forward_ = std::make_unique<learning::ForwardModel>(2, 2, std::vector<double>{3.0, 3.0, 2.0, 2.0}, 400, 3, 0.3,
                                                        cfg_.forward_rate, wiring);
    mossy_ = Eigen::VectorXd::Zero(state_input() ? 3 * g2 : cfg_.n_direction_units + cfg_.n_time_bumps);
    p_ = Eigen::VectorXd::Zero(cfg_.n_granule_cells);
    p_teach_ = Eigen::VectorXd::Zero(cfg_.n_granule_cells);
    u_fast_ = Eigen::VectorXd::Zero(2);
    u_slow_ = Eigen::VectorXd::Zero(2);
    fb_err_ = Eigen::VectorXd::Zero(2);
  }

  bool state_input() const { return cfg_.mossy_input == "desired_state"; }

  // the mossy fibres at time t of the trial. direction_time: the direction units (set at the go cue)
  // and the temporal basis at t. desired_state: three 2-D grids of Gaussian units, exp(−|z − c_k|² /
  // (2 σ²)) with σ the grid spacing, coding the planned hand displacement from the start, velocity and
  // acceleration at t, each grid spanning ±1.2 × the peak of a minimum-jerk reach of state_reach_m
  void code_mossy(double t) {
    if (!state_input()) {
      basis_.evaluate(t, mossy_.tail(basis_.size()));
      return;
    }
    const double T = cfg_.movement_ms / 1000.0, L = cfg_.state_reach_m;
    double p, v, a;
    learning::minimum_jerk(t / T, p, v, a);
    const double z[3][2] = {{disp_[0] * p, disp_[1] * p},
                            {disp_[0] * v / T, disp_[1] * v / T},
                            {disp_[0] * a / (T * T), disp_[1] * a / (T * T)}};
    const double peak[3] = {L, 1.875 * L / T, 5.7735 * L / (T * T)};
    const int n = cfg_.n_state_units_per_axis;
    Eigen::Index k = 0;
    for (int g = 0; g < 3; ++g) {
      const double span = 1.2 * peak[g], spacing = 2.0 * span / (n - 1);
      for (int iy = 0; iy < n; ++iy)
        for (int ix = 0; ix < n; ++ix) {
          const double dx = (z[g][0] - (-span + ix * spacing)) / spacing, dy = (z[g][1] - (-span + iy * spacing)) / spacing;
          mossy_[k++] = std::exp(-0.5 * (dx * dx + dy * dy));
        }
    }
  }

  // the visual latency in steps: the hand (felt) and the cursor (seen) leave the start together, so the
  // steps between their onsets are the env's visual delay. A rotation or a clamp keeps the cursor's
  // distance from the start equal to the hand's, so the measure holds in every phase. While the hand has
  // moved and the cursor not yet, the latency is at least the steps since the hand's onset.
  void measure_latency(std::span<const float> obs) {
    if (step_in_trial_ == 0) hand_onset_ = cursor_onset_ = -1;
    if (cursor_onset_ >= 0) return;
    const double th = cfg_.onset_m;
    if (hand_onset_ < 0 && std::hypot(obs[at_.hand], obs[at_.hand + 1]) >= th) hand_onset_ = step_in_trial_;
    if (hand_onset_ < 0) return;
    if (std::hypot(obs[at_.cursor], obs[at_.cursor + 1]) >= th) {
      cursor_onset_ = step_in_trial_;
      latency_ = std::min(cursor_onset_ - hand_onset_, static_cast<int>(kHistory) / 2);
    } else {
      latency_ = std::max(latency_, std::min(step_in_trial_ - hand_onset_, static_cast<int>(kHistory) / 2));
    }
  }

  // a new trial: forget a little (retention), plan from the hand to the aimed point, code the direction
  void start_trial(std::span<const float> obs, const double q[2]) {
    if (training()) {
      fast_->retain();
      slow_->retain();
    }
    model_.forward(q, from_);
    for (int i = 0; i < 2; ++i) {
      cursor0_[i] = obs[at_.cursor + i];
      disp_[i] = obs[at_.target + i] - obs[at_.cursor + i];
    }
    if (state_input()) return;
    const double aim = std::atan2(disp_[1], disp_[0]);
    for (int k = 0; k < cfg_.n_direction_units; ++k) {
      const double pref = 2.0 * std::numbers::pi * k / cfg_.n_direction_units;
      mossy_[k] = std::exp(cfg_.direction_kappa * (std::cos(aim - pref) - 1.0));
    }
  }

  CerebellarReachConfig cfg_;
  learning::ArmObs at_;  // where the observation's slices are
  learning::ArmModel model_;
  learning::TemporalBasis basis_;
  std::unique_ptr<learning::GranuleLayer> granule_;
  std::unique_ptr<learning::PurkinjeModule> fast_, slow_;
  std::unique_ptr<learning::ForwardModel> forward_;
  std::uint64_t wiring_seed_ = 0;
  Eigen::VectorXd mossy_, p_, p_teach_, u_fast_, u_slow_, fb_err_;
  Action action_;
  double from_[2] = {0, 0}, disp_[2] = {0, 0}, cursor0_[2] = {0, 0};
  static constexpr std::size_t kHistory = 256;  // cursor positions of the trial's last steps
  std::array<std::array<double, 2>, kHistory> cursor_hist_{};
  int step_in_trial_ = 0;
  int latency_ = 0, hand_onset_ = -1, cursor_onset_ = -1;  // measured visual latency (steps), onsets
  double plan_[2] = {0, 0}, fb_[2] = {0, 0}, pfb_[2] = {0, 0};
  double last_time_ = -1.0, step_s_ = 0.0, prediction_error_ = 0.0;
};

}  // namespace

AgentEntry cerebellar_reach_entry() {
  return {"cerebellar-reach",
          "reaching by a minimum-jerk plan + visual feedback, with fast and slow cerebellar modules learning the "
          "feed-forward correction by feedback-error learning",
          "ArmReach-v0 observations (a Box with the slices joint_angles, joint_velocities, hand, cursor, target, in_target, time) and 2 joint torques",
          options().docs(),
          learning::arm_reach_incompatibility,
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            const CerebellarReachConfig c = options().parse(kv);
            // cross-field checks: a granule cell draws distinct fibres from each group
            if (c.fan_in_direction > c.n_direction_units)
              throw UsageError("cerebellar-reach: fan_in_direction = " + std::to_string(c.fan_in_direction) +
                               " exceeds n_direction_units = " + std::to_string(c.n_direction_units) +
                               "; need fan_in_direction <= n_direction_units");
            if (c.fan_in_time > c.n_time_bumps)
              throw UsageError("cerebellar-reach: fan_in_time = " + std::to_string(c.fan_in_time) + " exceeds n_time_bumps = " +
                               std::to_string(c.n_time_bumps) + "; need fan_in_time <= n_time_bumps");
            if (c.mossy_input == "direction_time" && c.fan_in_direction + c.fan_in_time < 1)
              throw UsageError("cerebellar-reach: fan_in_direction + fan_in_time = 0; a granule cell needs at least one input");
            if (c.mossy_input == "desired_state" && (c.fan_in_state < 1 || c.fan_in_state > c.n_state_units_per_axis * c.n_state_units_per_axis))
              throw UsageError("cerebellar-reach: fan_in_state = " + std::to_string(c.fan_in_state) +
                               " must be between 1 and n_state_units_per_axis^2 = " + std::to_string(c.n_state_units_per_axis * c.n_state_units_per_axis) +
                               " (the units of one state group) with mossy_input=desired_state");
            return std::make_unique<CerebellarReach>(obs, act, c, seed);
          }};
}

}  // namespace sgym
