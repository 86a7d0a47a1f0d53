// bg-cerebellum-walker: a basal-ganglia + cerebellum controller for BipedalWalker (issue 7, item 3).
// The basal ganglia learn *what* (which gait parameters pay) from reward; the cerebellum learns *how*
// the body responds to commands (a forward model) and corrects commands from its sensory prediction
// error (Roelfsema & Holtmaat 2018, Nat Rev Neurosci 19:166; docs/science.md). Full equations and sources: docs/agents/bg-cerebellum-walker.md.
//
// CPG (learning/oscillators.hpp): one phase oscillator per leg, coupled toward antiphase,
//   dφ_i/dt = 2π f + K sin(φ_j − φ_i − Δ_ij),  Δ_10 = −Δ_01 = Δ (π),  Euler at dt = 1/50 s.
// Each cycle has four quarters: early swing [0, π/2), late swing [π/2, π), support [π, 3π/2),
// push-off [3π/2, 2π). Sensory gates (reflexes) move or hold the phase:
//   early swing → late swing  when the other (stance) hip is extended past h_back; held at π/2⁻ until then
//   late swing  → support     at touchdown (lower-leg contact); held at π⁻ until the foot lands
//   support     → push-off    when the other foot touches down (double support); held at 3π/2⁻ until then
//   push-off    → swing       when the knee has extended past k_lift or the hull speed exceeds v_lift
// Targets per quarter, tracked by PD (obs units: q hip/knee angle, q̇ speed, θ, ω hull angle/rate):
//   early swing: hip h_swing, knee k_swing;   late swing: hip h_land, knee k_land;
//   support: knee k_stance;   push-off: knee k_push;   (stance hips have no target: posture only)
//   u_hip  = [swing] (k_p^h (h* − q_h) − k_d^h q̇_h) + k_θ θ + k_ω ω     (vestibular posture reflex)
//   u_knee = k_p^k (k* − q_k) − k_d^k q̇_k − k_vy v_y                     (vertical-bounce damping)
// These are biped-heuristic's rules and gains (Gymnasium's demo controller) recast as a gated
// oscillator; without the CPG (cpg=false) the learner tunes a reactive linear policy u = W [obs 0..13; 1].
// Cerebellar forward model (learning/cerebellum.hpp): predicts the proprioceptive / vestibular slice
// s = (θ, ω, v_x, v_y, q_h0, q̇_h0, q_k0, q̇_k0, q_h1, q̇_h1, q_k1, q̇_k1) one step ahead from s and the
// efference copy u, ŝ_{t+1} = s_t + W [1; x; p(x)], trained by normalised LMS on ε_t = s_t − ŝ_t
// (climbing fibres). The error corrects the next command:
//   u_hip,i += c_θ ε_θ + c_ω ε_ω − c_h ε_q̇h,i        u_knee,i −= c_k ε_q̇k,i
// That is the "correct" role. The "estimate" role (used by default when feedback_delay_steps = d > 0,
// i.e. the observation arrives d steps late, e.g. through the ObservationDelay wrapper) is a Smith
// predictor (Miall, Weir, Wolpert & Stein 1993): from the delayed slice s_{t−d} the model rolls forward
// through the efference copies of the last d commands, ŝ_{k+1} = ŝ_k + W [1; x_k; p(x_k)] with
// x_k = (ŝ_k, u_k, contacts_{t−d}), k = t−d … t−1, and the CPG gates, reflexes and PD act on ŝ_t; the
// model learns one-step predictions from the delayed true states as they arrive (s_{t−d}, u_{t−d} →
// s_{t−d+1}). Early in an episode (t < d) the roll starts from the reset observation, t steps back.
// With estimate_contacts the two foot contacts join the predicted state (rolled forward with it, and
// the touchdown gates act on the estimate) instead of being held at their delayed values.
// Basal ganglia (weight perturbation with a TD critic; Williams 1992, Fiete & Seung 2006): the learned
// parameters are p_k = clip(p0_k + scale_k (z_k + ξ_k)); ξ ~ N(0, σ² I) is drawn anew every K steps
// (a segment) and held for it. At each segment's end
//   δ = Σ_{k<K} γ^k r_{t+k} + γ^K V(s_{t+K}) − V(s_t),   V(s) = v · [obs 0..13; 1]   (V(terminal) = 0)
//   v ← v + α_c δ φ_t / |φ_t|²                       (critic, normalised LMS)
//   σ_δ² ← σ_δ² + α_v (δ² − σ_δ²),   d = clip(δ / σ_δ, −d_max, d_max)   (dopamine, in units of its sd)
//   e ← γ^K λ e + ξ / σ,              z ← z + α d e  (the perturbation's eligibility times dopamine)
// Evaluation (training off): no perturbation; the forward model and all parameters are frozen.
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "learning/biped_model.hpp"
#include "learning/cerebellum.hpp"
#include "learning/oscillators.hpp"
#include "learning/timing.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

constexpr double kDt = 1.0 / 50.0;  // BipedalWalker's control step (FPS = 50): the CPG's step when the env's dt is unknown
// the time constants' defaults: exactly the former per-step defaults gamma = 0.99 per 20 ms step and
// lambda = 0.8 per 100-step (2 s) segment, as time constants (exp(-dt/tau) gives them back bit for bit)
const double kDefaultDiscountMs = -20.0 / std::log(0.99);  // 1989.98 ms
const double kDefaultTraceMs = -2000.0 / std::log(0.8);    // 8962.84 ms
constexpr double kPi = std::numbers::pi;

struct BgCerebellumWalkerConfig {
  // structure (ablations)
  bool cpg = true;         // central pattern generator on; off = a reactive linear policy
  bool cerebellum = true;  // cerebellar prediction-error correction on
  // basal-ganglia learner
  double perturbation_sd = 0.1; // perturbation sd, in units of each parameter's scale [choice]
  double alpha = 0.01;          // actor learning rate per segment, in parameter-scale units [choice]
  double alpha_critic = 0.1;    // critic learning rate (normalised LMS) per segment [choice]
  double alpha_var = 0.01;      // rate of the running RPE variance [choice]
  double discount_ms = kDefaultDiscountMs;  // discount time constant: gamma = exp(-dt/discount_ms) per step [choice]
  double trace_ms = kDefaultTraceMs;        // eligibility time constant: lambda = exp(-K dt/trace_ms) per segment [choice]
  double gamma = 0.99;          // per-step twin of discount_ms (the default when the env's dt is unknown)
  double lambda = 0.8;          // per-segment twin of trace_ms, on top of gamma^K (likewise)
  int segment_steps = 100;      // K: steps a perturbation is held (2 s at 50 Hz) [choice]
  double rpe_clip = 2.0;        // bound on the normalised RPE that drives the actor [choice]
  // CPG: initial gait = biped-heuristic's targets, thresholds and gains (its gains × its 0.5 output
  // scale); f and K [choice] from a small grid (docs/agents/bg-cerebellum-walker.md)
  double freq_hz = 1.0;         // stride frequency (Hz)
  double coupling = 5.0;        // coupling strength K (1/s)
  double phase_lag_rad = kPi;   // Δ, phase lag between the legs (rad)
  double hip_swing_rad = 1.1;   // hip target, early swing (rad; biped-heuristic 1.1)
  double hip_land_rad = 0.1;    // hip target, late swing (rad; biped-heuristic 0.1)
  double knee_swing = -0.6;     // knee target, early swing (obs = angle + 1; biped-heuristic -0.6)
  double knee_land = 0.1;       // knee target, late swing (biped-heuristic SUPPORT_KNEE_ANGLE 0.1)
  double knee_stance = 0.1;     // knee target, early stance (biped-heuristic 0.1)
  double knee_push = 1.0;       // knee target, late stance: push-off (biped-heuristic 1.0)
  double hip_back_rad = 0.1;    // h_back: stance hip extension that ends the other leg's early swing (biped-heuristic 0.1)
  double knee_lift = 0.88;      // k_lift: push-off knee extension that starts the swing (biped-heuristic 0.88)
  double speed_lift = 0.348;    // v_lift: hull speed (obs units) that also starts the swing (biped-heuristic 1.2 x SPEED 0.29)
  double kp_hip = 0.45, kd_hip = 0.125, kp_knee = 2.0, kd_knee = 0.125;
  double k_pitch = 0.45, k_pitch_rate = 0.75, k_vy = 7.5;
  // cerebellum
  int n_granule_cells = 600;        // granule cells of the forward model [choice]
  int fan_in = 4;                   // mossy inputs per granule cell (Eccles et al. 1967: ~4 dendrites)
  double granule_threshold = 0.3;   // threshold on the mean mossy input [choice]
  double fm_rate = 0.05;            // normalised LMS rate of the forward model [choice]
  double spe_pitch = 0.0, spe_rate = 0.0, spe_hip = 0.0, spe_knee = 0.0;  // initial correction gains
  int wiring_seed = 0;              // mossy-to-granule wiring seed; 0 = the agent's seed
  // sensory feedback delay (the observation arrives this many steps late) and the cerebellum's role
  double feedback_delay_ms = 0.0;   // the feedback delay; d = round(feedback_delay_ms / dt) steps; 0 = undelayed
  int feedback_delay_steps = 0;     // deprecated: d in steps (set by the factory from feedback_delay_ms)
  double step_s = kDt;              // the env's step, s (set by the factory from the env's dt)
  std::string cerebellum_role = "auto";  // auto: correct when d = 0, estimate when d > 0
  bool estimate_contacts = false;   // estimate role: the model also predicts the two foot contacts
};

const OptionSet<BgCerebellumWalkerConfig>& options() {
  static const OptionSet<BgCerebellumWalkerConfig> set = [] {
    using C = BgCerebellumWalkerConfig;
    OptionSet<C> s("bg-cerebellum-walker");
    s.add("cpg", &C::cpg, "central pattern generator on (false: the learner tunes a reactive linear policy u = W [obs 0..13; 1], the CPG ablation)")
        .add("cerebellum", &C::cerebellum, "cerebellar forward model and its prediction-error correction on (false: the cerebellum ablation)")
        .add("perturbation_sd", &C::perturbation_sd, "", "sd of the Gaussian perturbation of the learned parameters, in units of each parameter's scale (weight perturbation, Williams 1992) [choice]", 0.0, 10.0)
        .deprecated_alias("sigma")
        .add("alpha", &C::alpha, "", "actor learning rate per segment, in units of each parameter's scale [choice]", 0.0, 10.0)
        .add("alpha_critic", &C::alpha_critic, "", "critic learning rate per segment (normalised LMS) [choice]", 0.0, 2.0)
        .add("alpha_var", &C::alpha_var, "", "rate of the running RPE variance that normalises the actor's step [choice]", 1e-6, 1.0)
        .add("discount_ms", &C::discount_ms, "ms", "discount as a time constant: gamma = exp(-dt/discount_ms) per env step (default: gamma 0.99 at BipedalWalker's 20 ms step) [choice]", 1.0, 1e7)
        .add("gamma", &C::gamma, "per step", "discount per step instead of discount_ms (used when the env's dt is unknown) [choice]", 0.0, 1.0)
        .add("trace_ms", &C::trace_ms, "ms", "time constant of the perturbation's eligibility: it decays by exp(-K dt/trace_ms) per segment of K = segment_steps steps, on top of gamma^K (default: 0.8 per 2 s segment) [choice]", 1.0, 1e8)
        .add("lambda", &C::lambda, "per segment", "eligibility decay per segment instead of trace_ms, on top of gamma^K (used when the env's dt is unknown) [choice]", 0.0, 1.0)
        .add("rpe_clip", &C::rpe_clip, "", "bound on the RPE in units of its running sd, as it drives the actor (dopamine responses saturate) [choice]", 0.1, 1000.0)
        .add("segment_steps", &C::segment_steps, "steps", "steps for which one perturbation is held (a TD update at the end of each) [choice]", 1, 2000)
        .add("freq_hz", &C::freq_hz, "Hz", "initial CPG frequency [choice]", 0.2, 3.0)
        .add("coupling", &C::coupling, "1/s", "initial coupling strength K between the leg oscillators [choice]", 0.0, 50.0)
        .add("phase_lag_rad", &C::phase_lag_rad, "rad", "initial phase lag between the legs (pi = antiphase) [choice]", 0.0, 2 * kPi)
        .deprecated_alias("phase_lag")
        .add("hip_swing_rad", &C::hip_swing_rad, "rad", "initial hip target in early swing (biped-heuristic 1.1; hip range -0.8..1.1)", -0.8, 1.1)
        .deprecated_alias("hip_swing")
        .add("hip_land_rad", &C::hip_land_rad, "rad", "initial hip target in late swing (biped-heuristic 0.1)", -0.8, 1.1)
        .deprecated_alias("hip_land")
        .add("knee_swing", &C::knee_swing, "obs", "initial knee target in early swing, obs units = knee angle + 1 (biped-heuristic -0.6; range -0.6..0.9)", -0.6, 0.9)
        .add("knee_land", &C::knee_land, "obs", "initial knee target in late swing (biped-heuristic SUPPORT_KNEE_ANGLE 0.1)", -0.6, 0.9)
        .add("knee_stance", &C::knee_stance, "obs", "initial knee target in early stance (biped-heuristic 0.1)", -0.6, 0.9)
        .add("knee_push", &C::knee_push, "obs", "initial knee target in late stance, the push-off (biped-heuristic 1.0, beyond the joint limit: full extension)", -0.6, 1.5)
        .add("hip_back_rad", &C::hip_back_rad, "rad", "initial stance hip angle below which the other leg's early swing ends (biped-heuristic's 0.1, 'supporting leg is behind'; the hip-extension rule of Grillner & Rossignol 1978)", -0.8, 1.1)
        .deprecated_alias("hip_back")
        .add("knee_lift", &C::knee_lift, "obs", "initial push-off knee extension that starts the swing (biped-heuristic 0.88)", -0.6, 1.0)
        .add("speed_lift", &C::speed_lift, "obs", "initial hull speed (vx of the hull_velocity slice, obs units) that also ends the push-off (biped-heuristic 1.2 x SPEED = 0.348)", 0.0, 2.0)
        .add("kp_hip", &C::kp_hip, "", "initial hip P gain (biped-heuristic 0.9 x its 0.5 output scale)", 0.0, 5.0)
        .add("kd_hip", &C::kd_hip, "", "initial hip D gain (biped-heuristic 0.25 x 0.5)", 0.0, 2.0)
        .add("kp_knee", &C::kp_knee, "", "initial knee P gain (biped-heuristic 4 x 0.5)", 0.0, 5.0)
        .add("kd_knee", &C::kd_knee, "", "initial knee D gain (biped-heuristic 0.25 x 0.5)", 0.0, 2.0)
        .add("k_pitch", &C::k_pitch, "", "initial hull-angle reflex gain on the hips (biped-heuristic 0.9 x 0.5)", -3.0, 3.0)
        .add("k_pitch_rate", &C::k_pitch_rate, "", "initial hull angular-velocity reflex gain on the hips (biped-heuristic 1.5 x 0.5)", -3.0, 3.0)
        .add("k_vy", &C::k_vy, "", "initial vertical-velocity damping gain on the knees (biped-heuristic 15 x 0.5)", -30.0, 30.0)
        .add("n_granule_cells", &C::n_granule_cells, "", "granule cells of the forward model's expansion recoding", 1, 100000)
        .deprecated_alias("granule_cells")
        .add("fan_in", &C::fan_in, "", "mossy inputs per granule cell (about 4 dendrites, Eccles, Ito & Szentagothai 1967)", 1, 32)
        .add("granule_threshold", &C::granule_threshold, "", "granule threshold on the mean mossy input (Golgi inhibition) [choice]", 0.0, 1.0)
        .add("fm_rate", &C::fm_rate, "", "normalised LMS learning rate of the forward model [choice]", 0.0, 1.9)
        .add("wiring_seed", &C::wiring_seed, "", "seed of the forward model's random mossy-to-granule wiring; 0 = the agent's seed (saved with the agent)", 0, 2147483647)
        .add("spe_pitch", &C::spe_pitch, "", "initial gain c_theta of the hull-angle prediction error on the hips [choice]", -10.0, 10.0)
        .add("spe_rate", &C::spe_rate, "", "initial gain c_omega of the hull angular-velocity prediction error on the hips [choice]", -10.0, 10.0)
        .add("spe_hip", &C::spe_hip, "", "initial gain c_h of a hip's speed prediction error on its command [choice]", -10.0, 10.0)
        .add("spe_knee", &C::spe_knee, "", "initial gain c_k of a knee's speed prediction error on its command [choice]", -10.0, 10.0)
        .add("feedback_delay_ms", &C::feedback_delay_ms, "ms", "how late the observation arrives; d = round(feedback_delay_ms / dt) env steps (set it to the env's delay, e.g. 40 ms for benchmarks' --obs-delay 2 / the ObservationDelay wrapper at 20 ms steps; the agent does not delay anything itself); 0 = undelayed", 0.0, 1000.0)
        .add("feedback_delay_steps", &C::feedback_delay_steps, "steps", "deprecated, use feedback_delay_ms: d in env steps", 0, 50)
        .deprecated_for("feedback_delay_ms")
        .add_choice("cerebellum_role", &C::cerebellum_role, {"auto", "correct", "estimate"},
                    "what the forward model does: correct = its one-step prediction error corrects the command; estimate = Smith predictor, it rolls the delayed observation forward through the last d efference copies and the CPG and PD act on that estimate of the current state (Miall et al. 1993); auto = correct when the feedback delay is 0, estimate otherwise")
        .add("estimate_contacts", &C::estimate_contacts, "estimate role: the forward model also predicts the two foot-contact signals (a cutaneous forward model) and the touchdown gates act on the estimate (false: they act on the delayed contacts)");
    return s;
  }();
  return set;
}

// the options with the time constants and the delay in ms turned into per-step (per-segment) factors and
// steps of the env's dt; without a known dt the per-step options (and their defaults) apply
BgCerebellumWalkerConfig resolved(const KeyValues& kv, const AgentContext& context) {
  const std::string id = "bg-cerebellum-walker";
  BgCerebellumWalkerConfig c = options().parse(kv);
  const double dt = context.dt_ms;
  c.gamma = learning::resolve_decay(id, kv, "gamma", c.gamma, "discount_ms", c.discount_ms, kDefaultDiscountMs, dt);
  c.lambda = learning::resolve_decay(id, kv, "lambda", c.lambda, "trace_ms", c.trace_ms, kDefaultTraceMs,
                                     c.segment_steps * dt);
  c.feedback_delay_steps = learning::resolve_steps(id, kv, "feedback_delay_steps", c.feedback_delay_steps,
                                                   "feedback_delay_ms", c.feedback_delay_ms, 0, 0, dt);
  if (dt > 0.0) c.step_s = dt / 1000.0;
  return c;
}

// the learned parameters of the CPG controller: initial value, scale (one unit of z), physical range
enum CpgParam {
  kFreq, kCoupling, kLag, kHipSwing, kHipLand, kKneeSwing, kKneeLand, kKneeStance, kKneePush,
  kHipBack, kKneeLift, kSpeedLift, kKpHip, kKdHip, kKpKnee, kKdKnee, kPitch, kPitchRate, kVy, kCpgCount
};
enum CerebParam { kSpePitch, kSpeRate, kSpeHip, kSpeKnee, kCerebCount };

struct ParamSpec {
  const char* name;
  double init, scale, lo, hi;
};

// the body state the forward model predicts (θ, ω, v_x, v_y, then per leg hip, hip speed, knee, knee
// speed), and the estimate role's state with the two lower-leg contacts after it: their positions in
// the observation come from its named slices (learning::BipedObs)
constexpr std::size_t kSliceSize = 12, kStateSize = 14;
std::array<std::size_t, kStateSize> state_indices(const learning::BipedObs& o) {
  return {o.hull_angle, o.hull_rate, o.vx, o.vy, o.hip(0), o.hip_speed(0), o.knee(0), o.knee_speed(0),
          o.hip(1), o.hip_speed(1), o.knee(1), o.knee_speed(1), o.contact(0), o.contact(1)};
}
constexpr int kReactiveInputs = 15;  // obs 0..13 and a bias
constexpr int kCriticFeatures = 15;  // obs 0..13 and a bias

class BgCerebellumWalker final : public Agent {
 public:
  BgCerebellumWalker(const Space& obs, const Space& act, const BgCerebellumWalkerConfig& c, std::uint64_t seed)
      : Agent("bg-cerebellum-walker", obs, act, seed),
        cfg_(c),
        o_(learning::BipedObs::of(obs, "bg-cerebellum-walker")),
        state_idx_(state_indices(o_)),
        body_idx_(o_.body()),
        cpg_(2),
        wiring_seed_(c.wiring_seed != 0 ? static_cast<std::uint64_t>(c.wiring_seed) : seed),
        fm_(make_forward_model(c, wiring_seed_)),
        estimate_(is_estimate(c)),
        delay_(c.feedback_delay_steps),
        commands_(static_cast<std::size_t>(c.feedback_delay_steps + 1)),
        est_obs_(obs.flat_size(), 0.0f),
        action_(Action::box(std::vector<float>(4, 0.0f))) {
    // the parameter table: the controller's part, then the cerebellar gains
    if (c.cpg) {
      specs_ = {{"freq_hz", c.freq_hz, 0.1, 0.2, 3.0},
                {"coupling", c.coupling, 1.0, 0.0, 50.0},
                {"phase_lag_rad", c.phase_lag_rad, 0.2, 0.0, 2 * kPi},
                {"hip_swing_rad", c.hip_swing_rad, 0.2, -0.8, 1.5},
                {"hip_land_rad", c.hip_land_rad, 0.2, -0.8, 1.5},
                {"knee_swing", c.knee_swing, 0.2, -1.0, 1.5},
                {"knee_land", c.knee_land, 0.2, -1.0, 1.5},
                {"knee_stance", c.knee_stance, 0.2, -1.0, 1.5},
                {"knee_push", c.knee_push, 0.2, -1.0, 1.5},
                {"hip_back_rad", c.hip_back_rad, 0.1, -0.8, 1.1},
                {"knee_lift", c.knee_lift, 0.05, -0.6, 1.0},
                {"speed_lift", c.speed_lift, 0.05, 0.0, 2.0},
                {"kp_hip", c.kp_hip, 0.1, 0.0, 5.0},
                {"kd_hip", c.kd_hip, 0.05, 0.0, 2.0},
                {"kp_knee", c.kp_knee, 0.4, 0.0, 5.0},
                {"kd_knee", c.kd_knee, 0.05, 0.0, 2.0},
                {"k_pitch", c.k_pitch, 0.1, -3.0, 3.0},
                {"k_pitch_rate", c.k_pitch_rate, 0.15, -3.0, 3.0},
                {"k_vy", c.k_vy, 1.5, -30.0, 30.0}};
    } else {
      // the reactive policy's weights start at zero (standing still), one scale unit = 0.5
      for (int j = 0; j < 4; ++j)
        for (int i = 0; i < kReactiveInputs; ++i) specs_.push_back({"w", 0.0, 0.5, -10.0, 10.0});
    }
    n_ctrl_ = static_cast<int>(specs_.size());
    if (c.cerebellum && !estimate_) {
      specs_.push_back({"spe_pitch", c.spe_pitch, 0.5, -10.0, 10.0});
      specs_.push_back({"spe_rate", c.spe_rate, 0.5, -10.0, 10.0});
      specs_.push_back({"spe_hip", c.spe_hip, 0.5, -10.0, 10.0});
      specs_.push_back({"spe_knee", c.spe_knee, 0.5, -10.0, 10.0});
    }
    const auto n = static_cast<Eigen::Index>(specs_.size());
    z_ = Eigen::VectorXd::Zero(n);
    xi_ = Eigen::VectorXd::Zero(n);
    trace_ = Eigen::VectorXd::Zero(n);
    v_ = Eigen::VectorXd::Zero(kCriticFeatures);
    phi_start_ = Eigen::VectorXd::Zero(kCriticFeatures);
    phi_next_ = Eigen::VectorXd::Zero(kCriticFeatures);
    p_ = Eigen::VectorXd::Zero(n);
    cpg_.set_lag(0, 1, c.phase_lag_rad);
    set_parameters();
  }

  void begin_episode() override {
    trace_.setZero();
    new_segment();
    static const std::vector<double> kStartPhases = {0.0, kPi};  // antiphase; static: no allocation per episode
    cpg_.reset(kStartPhases);
    contact_ = {false, false};
    have_prediction_ = false;
    first_ = true;
    spe_.fill(0.0);
    fm_error_sum_ = 0.0;
    fm_error_steps_ = 0;
    last_fm_error_ = 0.0;
    delta_ = 0.0;
    step_ = 0;
    for (auto& u : commands_) u.fill(0.0);
  }

  const Action& act(std::span<const float> obs) override {
    const auto s = [&](std::size_t k) { return static_cast<double>(obs[k]); };
    // a segment starts: the critic's features of its first state
    if (seg_steps_ == 0) {
      features(obs, phi_start_);
      value_ = v_.dot(phi_start_);
    }
    // sensory prediction error of this step: the last prediction against the observed slice
    if (have_prediction_) {
      const Eigen::VectorXd& e = fm_.error();
      for (std::size_t i = 0; i < kSliceSize; ++i) spe_[i] = e[static_cast<Eigen::Index>(i)];
    }
    // the state the controller acts on: the observation, or (estimate role) the forward model's
    // estimate of the current state from the delayed one
    std::span<const float> state = obs;
    if (estimate_) {
      estimate_state(obs);
      state = est_obs_;
    } else {
      for (std::size_t i = 0; i < kStateSize; ++i) est_slice_[i] = s(state_idx_[i]);
    }
    std::array<double, 4> u{};
    // as in biped-heuristic (Gymnasium's demo loop), the first action of an episode is zero
    if (first_) first_ = false;
    else if (cfg_.cpg) cpg_command(state, u);
    else reactive_command(state, u);
    // cerebellar correction from the prediction error (ε = observed − predicted)
    if (cfg_.cerebellum && !estimate_) {
      const double hull = p_[n_ctrl_ + kSpePitch] * spe_[0] + p_[n_ctrl_ + kSpeRate] * spe_[1];
      u[0] += hull - p_[n_ctrl_ + kSpeHip] * spe_[5];
      u[2] += hull - p_[n_ctrl_ + kSpeHip] * spe_[9];
      u[1] -= p_[n_ctrl_ + kSpeKnee] * spe_[7];
      u[3] -= p_[n_ctrl_ + kSpeKnee] * spe_[11];
    }
    for (std::size_t j = 0; j < 4; ++j) {
      const double v = std::isfinite(u[j]) ? std::clamp(u[j], -1.0, 1.0) : 0.0;
      action_.values[j] = static_cast<float>(v);
    }
    // efference copy: kept for the roll forward (estimate role), or predicts the next slice (correct role)
    if (estimate_) {
      for (std::size_t j = 0; j < 4; ++j) commands_[index(step_)][j] = action_.values[j];
      for (std::size_t i = 0; i < kStateSize; ++i) delayed_slice_[i] = s(state_idx_[i]);
      delayed_contacts_ = {s(o_.contact(0)), s(o_.contact(1))};
    } else if (cfg_.cerebellum) {
      for (std::size_t i = 0; i < kSliceSize; ++i) slice_[i] = s(state_idx_[i]);
      // mossy input besides the slice: the efference copy and the two foot-contact (cutaneous) signals
      for (std::size_t j = 0; j < 4; ++j) copy_[j] = action_.values[j];
      copy_[4] = s(o_.contact(0));
      copy_[5] = s(o_.contact(1));
      fm_.predict(slice_, copy_);
      have_prediction_ = true;
    }
    // contact memory for the touchdown reflex
    contact_ = {s(o_.contact(0)) > 0.5, s(o_.contact(1)) > 0.5};
    return action_;
  }

  void observe(double reward, std::span<const float> next_obs, bool terminated, bool truncated) override {
    // estimate role: when the delayed observation is a new true state (step t >= d), learn the step
    // that led to it, s_{t−d} and u_{t−d} → s_{t−d+1}
    if (estimate_ && step_ >= delay_) {
      for (std::size_t j = 0; j < 4; ++j) copy_[j] = commands_[index(step_ - delay_)][j];
      copy_[4] = delayed_contacts_[0];
      copy_[5] = delayed_contacts_[1];
      fm_.predict(delayed_slice_, copy_);
      for (std::size_t i = 0; i < kStateSize; ++i) next_state_[i] = next_obs[state_idx_[i]];
      last_fm_error_ = fm_.update(next_state_, training());
      fm_error_sum_ += last_fm_error_;
      ++fm_error_steps_;
    }
    ++step_;
    if (cfg_.cerebellum && !estimate_ && have_prediction_) {
      for (std::size_t i = 0; i < kSliceSize; ++i) slice_[i] = next_obs[state_idx_[i]];
      last_fm_error_ = fm_.update(slice_, training());
      fm_error_sum_ += last_fm_error_;
      ++fm_error_steps_;
    }
    seg_return_ += seg_discount_ * reward;
    seg_discount_ *= cfg_.gamma;
    ++seg_steps_;
    if (!terminated && !truncated && seg_steps_ < cfg_.segment_steps) return;
    // end of a segment: the TD error over it, δ = Σ γ^k r + γ^K V(s') − V(s)
    double v_next = 0.0;
    if (!terminated) {
      features(next_obs, phi_next_);
      v_next = v_.dot(phi_next_);
    }
    delta_ = seg_return_ + seg_discount_ * v_next - value_;
    if (training()) {
      // critic: normalised LMS toward the segment's TD target
      v_ += (cfg_.alpha_critic * delta_ / phi_start_.squaredNorm()) * phi_start_;
      // actor: the perturbations' eligibility times the normalised dopamine signal
      rpe_var_ += cfg_.alpha_var * (delta_ * delta_ - rpe_var_);
      if (cfg_.perturbation_sd > 0.0) {
        trace_ = (seg_discount_ * cfg_.lambda) * trace_ + xi_ / cfg_.perturbation_sd;
        // the dopamine signal in units of its running sd, bounded (a fall's -100 would otherwise dominate)
        const double da = std::clamp(delta_ / std::sqrt(rpe_var_), -cfg_.rpe_clip, cfg_.rpe_clip);
        z_ += (cfg_.alpha * da) * trace_;
      }
    }
    new_segment();
  }

  std::vector<std::string> signal_names() const override {
    return {"phase", "rpe", "critic", "prediction_error", "mean_prediction_error", "parameters", "state_estimate"};
  }
  std::vector<Signal> introspect() const override {
    std::vector<float> params(static_cast<std::size_t>(p_.size()));
    for (Eigen::Index k = 0; k < p_.size(); ++k) params[static_cast<std::size_t>(k)] = static_cast<float>(p_[k]);
    const double mean_err = fm_error_steps_ > 0 ? fm_error_sum_ / fm_error_steps_ : 0.0;
    return {{"phase", {static_cast<float>(cpg_.phase(0)), static_cast<float>(cpg_.phase(1))}},
            {"rpe", {static_cast<float>(delta_)}},
            {"critic", {static_cast<float>(value_)}},
            {"prediction_error", {static_cast<float>(last_fm_error_)}},
            {"mean_prediction_error", {static_cast<float>(mean_err)}},
            {"parameters", params},
            {"state_estimate", std::vector<float>(est_slice_.begin(), est_slice_.end())}};
  }

 protected:
  void save_state(StateWriter& w) const override {
    w.doubles({z_.data(), static_cast<std::size_t>(z_.size())});
    w.doubles({v_.data(), static_cast<std::size_t>(v_.size())});
    w.f64(rpe_var_);
    w.u64(wiring_seed_);
    w.doubles({fm_.weights().data(), static_cast<std::size_t>(fm_.weights().size())});
  }
  void load_state(StateReader& r) override {
    std::vector<double> z, fw;
    r.doubles(z, static_cast<std::size_t>(z_.size()), "bg-cerebellum-walker learned parameters");
    std::vector<double> critic;
    r.doubles(critic, static_cast<std::size_t>(v_.size()), "bg-cerebellum-walker critic weights");
    const double var = r.f64();
    const std::uint64_t wiring = r.u64();
    if (wiring != wiring_seed_) {
      fm_ = make_forward_model(cfg_, wiring);
      wiring_seed_ = wiring;
    }
    r.doubles(fw, static_cast<std::size_t>(fm_.weights().size()), "bg-cerebellum-walker forward-model weights");
    z_ = Eigen::Map<const Eigen::VectorXd>(z.data(), z_.size());
    v_ = Eigen::Map<const Eigen::VectorXd>(critic.data(), v_.size());
    rpe_var_ = var;
    fm_.weights() = Eigen::Map<const Eigen::MatrixXd>(fw.data(), fm_.weights().rows(), fm_.weights().cols());
    set_parameters();
  }

 private:
  // the forward model with its mossy-to-granule wiring drawn from `wiring_seed`; the slice's scales
  // put each value near [-1, 1] (hull angle, rates and velocities are small in obs units)
  // (with estimate_contacts in the estimate role, the contacts move from the inputs to the predicted
  // state: the same 18 inputs and scales, in the same order)
  static learning::ForwardModel make_forward_model(const BgCerebellumWalkerConfig& c, std::uint64_t wiring_seed) {
    Rng wiring(wiring_seed);
    const bool contacts = is_estimate(c) && c.estimate_contacts;
    return learning::ForwardModel(static_cast<int>(contacts ? kStateSize : kSliceSize), contacts ? 4 : 6,
                                  {0.5, 0.5, 0.5, 0.3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, c.n_granule_cells, c.fan_in,
                                  c.granule_threshold, c.fm_rate, wiring);
  }

  // a new perturbation ξ for the next segment (none when training is off)
  void new_segment() {
    for (Eigen::Index k = 0; k < xi_.size(); ++k) xi_[k] = training() ? cfg_.perturbation_sd * rng_.normal() : 0.0;
    set_parameters();
    seg_return_ = 0.0;
    seg_discount_ = 1.0;
    seg_steps_ = 0;
  }

  // the critic's features: the 14 body and joint observations and a bias
  void features(std::span<const float> obs, Eigen::VectorXd& phi) const {
    for (std::size_t i = 0; i < body_idx_.size(); ++i) phi[static_cast<Eigen::Index>(i)] = static_cast<double>(obs[body_idx_[i]]);
    phi[kCriticFeatures - 1] = 1.0;
  }

  // p = clip(p0 + scale ⊙ (z + ξ), lo, hi)
  void set_parameters() {
    for (std::size_t k = 0; k < specs_.size(); ++k) {
      const ParamSpec& sp = specs_[k];
      const auto i = static_cast<Eigen::Index>(k);
      p_[i] = std::clamp(sp.init + sp.scale * (z_[i] + xi_[i]), sp.lo, sp.hi);
    }
    if (cfg_.cpg) cpg_.set_lag(0, 1, p_[kLag]);
  }

  // true when the forward model's role is the Smith predictor
  static bool is_estimate(const BgCerebellumWalkerConfig& c) {
    return c.cerebellum && (c.cerebellum_role == "estimate" || (c.cerebellum_role == "auto" && c.feedback_delay_steps > 0));
  }

  // slot of step t's command in the ring of the last d + 1 commands
  std::size_t index(long long t) const { return static_cast<std::size_t>(t % (delay_ + 1)); }

  // Smith predictor: roll the delayed slice forward through the commands issued since it was sensed
  // (min(t, d) steps: before step d the delayed observation is the reset one), into est_obs_
  void estimate_state(std::span<const float> obs) {
    for (std::size_t i = 0; i < kStateSize; ++i) est_slice_[i] = obs[state_idx_[i]];
    const auto n = static_cast<std::size_t>(fm_.state_size());
    const long long back = std::min<long long>(step_, delay_);
    copy_[4] = obs[o_.contact(0)];
    copy_[5] = obs[o_.contact(1)];
    for (long long k = step_ - back; k < step_; ++k) {
      for (std::size_t j = 0; j < 4; ++j) copy_[j] = commands_[index(k)][j];
      const Eigen::VectorXd& next = fm_.predict(est_slice_, copy_);
      for (std::size_t i = 0; i < n; ++i) est_slice_[i] = next[static_cast<Eigen::Index>(i)];
    }
    std::copy(obs.begin(), obs.end(), est_obs_.begin());
    for (std::size_t i = 0; i < n; ++i) est_obs_[state_idx_[i]] = static_cast<float>(est_slice_[i]);
  }

  // the quarter of the cycle a phase is in: early swing, late swing, support, push-off
  static int segment(double phi) { return std::min(3, static_cast<int>(phi / (0.5 * kPi))); }

  void cpg_command(std::span<const float> obs, std::array<double, 4>& u) {
    const auto s = [&](std::size_t k) { return static_cast<double>(obs[k]); };
    const auto hip = [&](int leg) { return s(o_.hip(leg)); };
    const auto knee = [&](int leg) { return s(o_.knee(leg)); };
    const auto loaded = [&](int leg) { return s(o_.contact(leg)) > 0.5; };
    // the rhythm: both oscillators advance and pull toward antiphase
    const std::array<int, 2> seg_before = {segment(cpg_.phase(0)), segment(cpg_.phase(1))};
    cpg_.step(cfg_.step_s, p_[kFreq], p_[kCoupling]);
    // sensory gating of the phase transitions (Ekeberg & Pearson 2005-style rules; see the header):
    // swing legs first, so that a touchdown this step is seen by the stance leg
    std::array<bool, 2> touchdown{false, false};
    for (int leg = 0; leg < 2; ++leg) {
      const int was = seg_before[static_cast<std::size_t>(leg)], now = segment(cpg_.phase(leg));
      if (was == 0) {
        if (hip(1 - leg) < p_[kHipBack]) cpg_.set_phase(leg, 0.5 * kPi);  // the stance leg is behind: put the swing leg down
        else if (now >= 1) cpg_.set_phase(leg, 0.5 * kPi - 1e-9);         // not yet: keep the leg forward
      } else if (was == 1) {
        touchdown[static_cast<std::size_t>(leg)] = loaded(leg);
        if (loaded(leg)) cpg_.set_phase(leg, kPi);           // touchdown: stance
        else if (now >= 2) cpg_.set_phase(leg, kPi - 1e-9);  // no ground yet: keep reaching
      }
    }
    for (int leg = 0; leg < 2; ++leg) {
      const int was = seg_before[static_cast<std::size_t>(leg)], now = segment(cpg_.phase(leg));
      if (was == 2) {
        if (touchdown[static_cast<std::size_t>(1 - leg)]) cpg_.set_phase(leg, 1.5 * kPi);  // double support: push
        else if (now >= 3) cpg_.set_phase(leg, 1.5 * kPi - 1e-9);  // support until the other foot lands
      } else if (was == 3) {
        if (knee(leg) > p_[kKneeLift] || s(o_.vx) > p_[kSpeedLift]) cpg_.set_phase(leg, 0.0);  // lift off
      }
    }
    // vestibular posture reflex on both hips, vertical-bounce damping on both knees
    const double hull = p_[kPitch] * s(o_.hull_angle) + p_[kPitchRate] * s(o_.hull_rate);
    for (int leg = 0; leg < 2; ++leg) {
      const std::size_t b = o_.hip(leg);  // hip angle, hip speed, knee angle, knee speed follow
      double u_hip = hull, knee_target = p_[kKneeStance];
      switch (segment(cpg_.phase(leg))) {
        case 0:  // early swing: hip forward, knee flexed
          u_hip += p_[kKpHip] * (p_[kHipSwing] - s(b)) - p_[kKdHip] * s(b + 1);
          knee_target = p_[kKneeSwing];
          break;
        case 1:  // late swing: hip to the landing angle, knee extended
          u_hip += p_[kKpHip] * (p_[kHipLand] - s(b)) - p_[kKdHip] * s(b + 1);
          knee_target = p_[kKneeLand];
          break;
        case 2:  // support: the hip serves posture only
          knee_target = p_[kKneeStance];
          break;
        default:  // push-off
          knee_target = p_[kKneePush];
          break;
      }
      u[static_cast<std::size_t>(2 * leg)] = u_hip;
      u[static_cast<std::size_t>(2 * leg + 1)] =
          p_[kKpKnee] * (knee_target - s(b + 2)) - p_[kKdKnee] * s(b + 3) - p_[kVy] * s(o_.vy);
    }
  }

  void reactive_command(std::span<const float> obs, std::array<double, 4>& u) const {
    for (int j = 0; j < 4; ++j) {
      const Eigen::Index row = static_cast<Eigen::Index>(j) * kReactiveInputs;
      double a = p_[row + kReactiveInputs - 1];  // bias
      for (int i = 0; i < kReactiveInputs - 1; ++i) a += p_[row + i] * static_cast<double>(obs[body_idx_[static_cast<std::size_t>(i)]]);
      u[static_cast<std::size_t>(j)] = a;
    }
  }

  BgCerebellumWalkerConfig cfg_;
  learning::BipedObs o_;                          // where the observation's slices are
  std::array<std::size_t, kStateSize> state_idx_; // the forward model's state (first kSliceSize) and the contacts
  std::array<std::size_t, 14> body_idx_;          // hull and legs: the critic's and the reactive policy's inputs
  std::vector<ParamSpec> specs_;
  int n_ctrl_ = 0;
  Eigen::VectorXd z_, xi_, p_;
  learning::PhaseOscillatorBank cpg_;
  std::uint64_t wiring_seed_;
  learning::ForwardModel fm_;
  bool estimate_;                                // the forward model's role is the Smith predictor
  int delay_;                                    // d, the feedback delay in steps
  std::vector<std::array<double, 4>> commands_;  // the last d + 1 commands, slot index(t)
  std::vector<float> est_obs_;                   // the observation with the slice replaced by the estimate
  long long step_ = 0;                           // steps of this episode so far
  std::array<double, kSliceSize> slice_{}, spe_{};
  std::array<double, kStateSize> est_slice_{}, delayed_slice_{}, next_state_{};
  std::array<double, 2> delayed_contacts_{};
  std::array<double, 6> copy_{};
  std::array<bool, 2> contact_{};
  Action action_;
  bool have_prediction_ = false, first_ = true;
  Eigen::VectorXd v_, phi_start_, phi_next_, trace_;
  double seg_return_ = 0.0, seg_discount_ = 1.0, value_ = 0.0, rpe_var_ = 100.0, delta_ = 0.0;
  int seg_steps_ = 0;
  double last_fm_error_ = 0.0, fm_error_sum_ = 0.0;
  long long fm_error_steps_ = 0;
};

}  // namespace

AgentEntry bg_cerebellum_walker_entry() {
  return {"bg-cerebellum-walker",
          "CPG gait (coupled phase oscillators + PD + reflexes) tuned by basal-ganglia weight perturbation, "
          "with a cerebellar forward model that corrects the command from its prediction error or, with delayed "
          "feedback, estimates the current state (Smith predictor)",
          "BipedalWalker's spaces: a Box observation with the slices hull_angle, hull_angular_velocity, hull_velocity, leg0, leg1; Box(-1, 1, (4,)) torques",
          options().docs(),
          learning::bipedal_walker_incompatibility,
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            return std::make_unique<BgCerebellumWalker>(obs, act, resolved(kv, AgentContext{}), seed);
          },
          {"BipedalWalker-v3", "BipedalWalkerHardcore-v3"},
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed,
             const AgentContext& context) -> std::unique_ptr<Agent> {
            return std::make_unique<BgCerebellumWalker>(obs, act, resolved(kv, context), seed);
          }};
}

}  // namespace sgym
