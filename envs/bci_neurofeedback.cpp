// BCINeurofeedback-v0: the neurofeedback brain-computer-interface task of Francioni et al. 2026
// ("Vectorized instructive signals in cortical dendrites", Nature, doi:10.1038/s41586-026-10190-7).
// Mice controlled the angle of a visual grating with two small, intermingled populations of layer-5
// neurons: activity in P+ rotated it towards the rewarded 90°, activity in P− back towards 0°.
//
// Here the agent's own population is the controller: the action is the activity of its N units.
// The env designates P+ and P− units (drawn at reset(seed) and kept until the next reseed; the rest
// are P0), and each frame maps c = mean(P+) − mean(P−) linearly onto 7 angle bins 15° apart
// (0°–90°). Reaching 90° within 28 s is a success: the 90° grating stays for 2 s, the reward comes
// 1 s after the target was reached, then 1 s of black screen. A failure is followed by 3 s of black.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/trial.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

constexpr const char* kId = "BCINeurofeedback-v0";

/// Every option, its default and unit.
struct BciNeurofeedbackConfig {
  int units = 64;                    // N, the agent's population (the action size) [choice]
  int p_plus = 5;                    // P+ units; "four or five neurons each" (Francioni et al. 2026)
  int p_minus = 5;                   // P− units; idem
  double frame_rate_hz = 15.0;       // imaging and feedback rate, 15 Hz (Francioni et al. 2026)
  double trial_ms = 28000.0;         // time allowed to reach the target, 28 s (ibid., Fig. 1c)
  double reward_delay_ms = 1000.0;   // target reached -> reward, 1 s (ibid., Fig. 1c)
  double success_grating_ms = 2000.0;// 90° grating after success, 2 s (ibid., Fig. 1c)
  double success_black_ms = 1000.0;  // black screen after the success grating, 1 s (ibid.)
  double failure_black_ms = 3000.0;  // black screen after a failure, 3 s (ibid.)
  int angle_bins = 7;                // angle bins, 7 (ibid., Fig. 1b)
  double bin_deg = 15.0;             // bin spacing, 15°: 0°-90° (ibid., Fig. 1b)
  double gain = 3.5;                 // bins per unit of c = mean(P+) - mean(P-); 3.5 maps c in [-1, 1] onto the 7 bins [choice]
  double baseline = 3.5;             // bin position at c = 0 (the middle bin) [choice]
  int angle_units = 12;              // orientation-tuned units coding the grating angle [choice]
  double kappa = 2.0;                // von Mises concentration of their tuning [choice]
  double noise_sd = 0.0;             // Gaussian noise on the angle units
  double reward = 1.0;               // reward (water drop) per success
  int trials_per_episode = 1;        // trials per episode
};

const OptionSet<BciNeurofeedbackConfig>& options() {
  static const OptionSet<BciNeurofeedbackConfig> set = [] {
    using C = BciNeurofeedbackConfig;
    OptionSet<C> s(kId);
    s.add("units", &C::units, "units", "the agent's population size N (the action is their activity, each in [0, 1])", 2, 100000)
        .add("p_plus", &C::p_plus, "units", "P+ units (rotate towards 90 deg); four or five in Francioni et al. 2026", 1, 1000)
        .add("p_minus", &C::p_minus, "units", "P- units (rotate towards 0 deg); four or five in Francioni et al. 2026", 1, 1000)
        .add("frame_rate_hz", &C::frame_rate_hz, "Hz", "frame (step) rate; 15 Hz imaging and feedback in Francioni et al. 2026", 0.1, 1000.0)
        .add("trial_ms", &C::trial_ms, "ms", "time allowed to reach the target; 28 s (Francioni et al. 2026, Fig. 1c)", 1.0, 3600000.0)
        .add("reward_delay_ms", &C::reward_delay_ms, "ms", "target reached to reward; 1 s (ibid.)", 0.0, 600000.0)
        .add("success_grating_ms", &C::success_grating_ms, "ms", "90 deg grating shown after a success; 2 s (ibid.)", 0.0, 600000.0)
        .add("success_black_ms", &C::success_black_ms, "ms", "black screen after the success grating; 1 s (ibid.)", 0.0, 600000.0)
        .add("failure_black_ms", &C::failure_black_ms, "ms", "black screen after a failure; 3 s (ibid.)", 0.0, 600000.0)
        .add("angle_bins", &C::angle_bins, "bins", "angle bins; 7 (ibid., Fig. 1b); the last one is the target", 2, 1000)
        .add("bin_deg", &C::bin_deg, "deg", "angle between bins; 15 deg, so 7 bins span 0-90 deg (ibid.)", 0.01, 180.0)
        .add("gain", &C::gain, "bins", "bins per unit of c = mean(P+) - mean(P-): bin = floor(baseline + gain c), clipped [choice: 3.5 maps c in [-1, 1] onto the 7 bins]", -1000.0, 1000.0)
        .add("baseline", &C::baseline, "bins", "bin position at c = 0 [choice: 3.5, the middle bin]", -1000.0, 1000.0)
        .add("angle_units", &C::angle_units, "units", "orientation-tuned units coding the grating angle (preferred angles 180/n apart) [choice]", 2, 1000)
        .add("kappa", &C::kappa, "", "von Mises concentration of the angle units' tuning [choice]", 0.0, 100.0)
        .add("noise_sd", &C::noise_sd, "", "standard deviation of Gaussian noise on the angle units", 0.0, 10.0)
        .add("reward", &C::reward, "", "reward per success (the water drop)", -100.0, 100.0)
        .add("trials_per_episode", &C::trials_per_episode, "trials", "trials per episode", 1, 100000);
    return s;
  }();
  return set;
}

/// Durations of one configuration in frames.
struct Frames {
  int control, reward_delay, grating, success_black, failure_black;
};

class BciNeurofeedback final : public Env {
 public:
  static constexpr const char* kEpochs[] = {"control", "target", "black"};

  BciNeurofeedback(const BciNeurofeedbackConfig& c, const Frames& f)
      : Env(make_spec(c, f), obs_space(c), Space::box(0.0f, 1.0f, {c.units})),
        cfg_(c), f_(f), role_(static_cast<std::size_t>(c.units), 0), role_f_(static_cast<std::size_t>(c.units), 0.0f),
        order_(static_cast<std::size_t>(c.units)) {}

  static Space obs_space(const BciNeurofeedbackConfig& c) {
    const std::int64_t n = c.angle_units + 2;
    if (c.noise_sd > 0.0) return Space::box(-INFINITY, INFINITY, {n});
    return Space::box(0.0f, 1.0f, {n});
  }

  static EnvSpec make_spec(const BciNeurofeedbackConfig& c, const Frames& f) {
    EnvSpec s;
    s.id = kId;
    const int longest = std::max(f.control + f.failure_black, f.control + f.grating + f.success_black);
    s.max_episode_steps = (longest + 1) * c.trials_per_episode;
    s.dt_ms = 1000.0 / c.frame_rate_hz;
    s.reward_min = std::min(0.0, c.reward);
    s.reward_max = std::max(0.0, c.reward);
    s.render_fps = c.frame_rate_hz;
    s.trial_based = true;
    s.epochs.assign(std::begin(kEpochs), std::end(kEpochs));
    const auto m = static_cast<std::size_t>(c.angle_units);
    s.obs_layout = {{"grating", 0, m, "grating angle, population-coded by orientation-tuned units (von Mises, period 180 deg); 0 on black screens"},
                    {"reward", m, 1, "1 on the frame the reward is delivered"},
                    {"black_screen", m + 1, 1, "1 while the screen is black (inter-trial)"}};
    s.source = "Francioni, Tang, Toloza, Ding, Brown, ..., Harnett 2026, Vectorized instructive signals in cortical "
               "dendrites, Nature, doi:10.1038/s41586-026-10190-7 (Fig. 1: P+/P- BCI, 7 bins 15 deg apart, 15 Hz, 28 s, "
               "reward 1 s later, 2 s grating + 1 s black after success, 3 s black after failure)";
    return s;
  }

  void draw(DrawList& out) const override {
    out.camera = {-2.2f, -2.8f, 2.2f, 1.6f};
    out.background = {0, 0, 0, 255};
    // the grating as the mouse sees it (nothing on a black screen)
    if (epoch_ != std::string_view("black")) {
      const double th = angle_deg() * 3.141592653589793 / 180.0;
      const float ux = static_cast<float>(std::cos(th)), uy = static_cast<float>(std::sin(th));
      out.circles.push_back({{0, 0.2f}, 1.2f, {128, 128, 128, 255}, {0, 0, 0, 0}, 0});
      for (int k = -4; k <= 4; ++k) {
        const float o = 0.25f * static_cast<float>(k), h = std::sqrt(std::max(0.0f, 1.44f - o * o));
        const Vec2 c{-uy * o, 0.2f + ux * o};
        out.lines.push_back({{c.x - ux * h, c.y - uy * h}, {c.x + ux * h, c.y + uy * h}, {235, 235, 235, 255}, 0.1f});
      }
    }
    if (reward_flag_) out.circles.push_back({{1.7f, 1.2f}, 0.2f, {80, 160, 255, 255}, {0, 0, 0, 0}, 0});
    // the agent's population: P+ red, P- blue, P0 grey, brightness = activity
    const int n = cfg_.units;
    const int cols = std::min(n, 32);
    for (int i = 0; i < n; ++i) {
      const float x = -2.0f + 4.0f * (static_cast<float>(i % cols) + 0.5f) / static_cast<float>(cols);
      const float y = -1.4f - 0.14f * static_cast<float>(i / cols);
      const auto a = static_cast<std::uint8_t>(40 + 215 * std::clamp(last_activity_.empty() ? 0.0f : last_activity_[static_cast<std::size_t>(i)], 0.0f, 1.0f));
      const int r = role_[static_cast<std::size_t>(i)];
      const Color col = r > 0 ? Color{a, 30, 30, 255} : r < 0 ? Color{30, 30, a, 255} : Color{a, a, a, 255};
      out.circles.push_back({{x, y}, 0.05f, col, {0, 0, 0, 0}, 0});
    }
    out.texts.push_back({{-2.1f, -2.7f}, std::string(epoch_) + "  angle " + std::to_string(static_cast<int>(angle_deg())) +
                                             " deg  trial " + std::to_string(trial_), 0.2f, {255, 255, 255, 255}});
  }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override {
    // the controlling units are drawn with the seed and kept until the next reseed
    if (seed) draw_roles();
    trial_ = 0;
    steps_ = 0;
    rewards_ = 0;
    start_trial();
    fill_info();
    return reset_result();
  }

  StepResult do_step(const Action& a) override {
    ++steps_;
    if (between_trials_) {
      // the action on the last black frame is ignored; the next trial begins
      start_trial();
      fill_info();
      return step_result(0.0, false);
    }
    ++frame_;
    // the activity of the last control frame moves the cursor
    if (target_frame_ < 0 && frame_ <= f_.control) {
      last_activity_.assign(a.values.begin(), a.values.end());
      double sp = 0, sm = 0, s0 = 0;
      for (std::size_t i = 0; i < a.values.size(); ++i) {
        const double v = a.values[i];
        (role_[i] > 0 ? sp : role_[i] < 0 ? sm : s0) += v;
      }
      sum_plus_ += sp / cfg_.p_plus;
      sum_minus_ += sm / cfg_.p_minus;
      sum_zero_ += cfg_.units > cfg_.p_plus + cfg_.p_minus ? s0 / (cfg_.units - cfg_.p_plus - cfg_.p_minus) : 0.0;
      ++control_frames_;
      cursor_ = sp / cfg_.p_plus - sm / cfg_.p_minus;
      bin_ = static_cast<int>(std::clamp(std::floor(cfg_.baseline + cfg_.gain * cursor_), 0.0, cfg_.angle_bins - 1.0));
      if (bin_ == cfg_.angle_bins - 1) target_frame_ = frame_;
    }
    // epoch of this frame, reward and trial end
    double reward = 0.0;
    const bool success = target_frame_ >= 0;
    int end_frame;
    if (success) {
      const int k = target_frame_;
      epoch_ = frame_ < k + f_.grating ? "target" : "black";
      reward_flag_ = frame_ == k + f_.reward_delay;
      end_frame = k + f_.grating + f_.success_black - 1;
    } else {
      epoch_ = frame_ <= f_.control ? "control" : "black";
      reward_flag_ = false;
      end_frame = f_.control + f_.failure_black;
    }
    if (reward_flag_) {
      reward = cfg_.reward;
      ++rewards_;
    }
    outcome_ = "";
    if (frame_ >= end_frame) outcome_ = success ? "correct" : "timeout";
    render();
    fill_info();
    if (*outcome_ == '\0') return step_result(reward, false);
    const bool done = trial_ >= cfg_.trials_per_episode;
    between_trials_ = !done;
    return step_result(reward, done);
  }

 private:
  void draw_roles() {
    std::iota(order_.begin(), order_.end(), 0);
    // partial Fisher-Yates: the first p_plus + p_minus indices are a uniform random subset
    const int m = cfg_.p_plus + cfg_.p_minus;
    for (int i = 0; i < m; ++i) {
      const auto j = static_cast<std::size_t>(i) + rng_.below(static_cast<std::uint64_t>(cfg_.units - i));
      std::swap(order_[static_cast<std::size_t>(i)], order_[j]);
    }
    std::fill(role_.begin(), role_.end(), 0);
    for (int i = 0; i < m; ++i) role_[static_cast<std::size_t>(order_[static_cast<std::size_t>(i)])] = i < cfg_.p_plus ? 1 : -1;
    for (std::size_t i = 0; i < role_.size(); ++i) role_f_[i] = static_cast<float>(role_[i]);
  }

  void start_trial() {
    ++trial_;
    frame_ = 0;
    target_frame_ = -1;
    between_trials_ = false;
    reward_flag_ = false;
    outcome_ = "";
    epoch_ = "control";
    cursor_ = 0.0;
    bin_ = static_cast<int>(std::clamp(std::floor(cfg_.baseline), 0.0, cfg_.angle_bins - 1.0));
    sum_plus_ = sum_minus_ = sum_zero_ = 0.0;
    control_frames_ = 0;
    render();
  }

  double angle_deg() const {
    return (target_frame_ >= 0 ? cfg_.angle_bins - 1 : bin_) * cfg_.bin_deg;
  }

  void render() {
    const auto m = static_cast<std::size_t>(cfg_.angle_units);
    const std::span<float> grating(obs_.data(), m);
    if (epoch_ == std::string_view("black")) std::fill(grating.begin(), grating.end(), 0.0f);
    else trial::population_code(grating, angle_deg(), 180.0, cfg_.kappa, 1.0);
    trial::add_noise(grating, cfg_.noise_sd, rng_);
    obs_[m] = reward_flag_ ? 1.0f : 0.0f;
    obs_[m + 1] = epoch_ == std::string_view("black") ? 1.0f : 0.0f;
  }

  void fill_info() {
    const double dt_s = 1.0 / cfg_.frame_rate_hz;
    info_.set(info_keys::kEpoch, epoch_);
    info_.set(info_keys::kGroundTruth, std::int64_t{-1});
    info_.set(info_keys::kTrial, std::int64_t{trial_ - 1});  // 0-based index; trial_ counts trials started
    info_.set(info_keys::kTrialOutcome, outcome_);
    info_.set("condition", "bci");
    info_.set("cursor", cursor_);
    info_.set("angle_bin", std::int64_t{target_frame_ >= 0 ? cfg_.angle_bins - 1 : bin_});
    info_.set("angle_deg", angle_deg());
    info_.set("reward_delivered", reward_flag_);
    // per-trial summaries (over the control frames so far)
    const double n = std::max(1, control_frames_);
    info_.set("success", target_frame_ >= 0);
    info_.set("time_to_target_s", target_frame_ >= 0 ? target_frame_ * dt_s : -1.0);
    info_.set("mean_p_plus", sum_plus_ / n);
    info_.set("mean_p_minus", sum_minus_ / n);
    info_.set("mean_p0", sum_zero_ / n);
    info_.set("unit_roles", role_f_);
    info_.set("rewards_per_minute", steps_ > 0 ? rewards_ / (steps_ * dt_s / 60.0) : 0.0);
  }

  BciNeurofeedbackConfig cfg_;
  Frames f_;
  std::vector<int> role_;          // +1 P+, -1 P-, 0 P0, per unit
  std::vector<float> role_f_;      // the same, for info
  std::vector<int> order_;         // scratch for the draw of roles
  std::vector<float> last_activity_;
  int trial_ = 0, frame_ = 0, target_frame_ = -1, bin_ = 0, control_frames_ = 0;
  long long steps_ = 0, rewards_ = 0;
  double cursor_ = 0.0, sum_plus_ = 0.0, sum_minus_ = 0.0, sum_zero_ = 0.0;
  bool reward_flag_ = false, between_trials_ = false;
  const char* epoch_ = "control";
  const char* outcome_ = "";
};

std::unique_ptr<Env> make(const KeyValues& kv) {
  const BciNeurofeedbackConfig c = options().parse(kv);
  if (c.p_plus + c.p_minus > c.units)
    throw UsageError(std::string(kId) + ": p_plus + p_minus = " + std::to_string(c.p_plus + c.p_minus) +
                     " must be <= units = " + std::to_string(c.units));
  const double dt = 1000.0 / c.frame_rate_hz;
  Frames f{trial::steps_of(kId, "trial_ms", c.trial_ms, dt), trial::steps_of(kId, "reward_delay_ms", c.reward_delay_ms, dt),
           trial::steps_of(kId, "success_grating_ms", c.success_grating_ms, dt),
           trial::steps_of(kId, "success_black_ms", c.success_black_ms, dt),
           trial::steps_of(kId, "failure_black_ms", c.failure_black_ms, dt)};
  if (f.grating + f.success_black < 1 || f.failure_black < 1)
    throw UsageError(std::string(kId) + ": success_grating_ms + success_black_ms and failure_black_ms must each be at least one frame");
  if (f.reward_delay >= f.grating + f.success_black)
    throw UsageError(std::string(kId) + ": reward_delay_ms = " + format_number(c.reward_delay_ms) +
                     " must be shorter than success_grating_ms + success_black_ms = " +
                     format_number(c.success_grating_ms + c.success_black_ms) + " (the reward comes within the trial)");
  if (std::floor(c.baseline) >= c.angle_bins - 1)
    throw UsageError(std::string(kId) + ": baseline = " + format_number(c.baseline) + " puts c = 0 on the target bin " +
                     std::to_string(c.angle_bins - 1) + "; use a baseline below it");
  return std::make_unique<BciNeurofeedback>(c, f);
}

}  // namespace

EnvEntry bci_neurofeedback_entry() {
  return {kId,
          "BCI neurofeedback: the agent's own P+/P- units rotate a grating to 90 deg within 28 s for a reward",
          BciNeurofeedback::make_spec(BciNeurofeedbackConfig{}, Frames{1, 0, 1, 1, 1}).source,
          options().docs(),
          make,
          {{{"trials_per_episode", "3"}, {"gain", "6"}, {"trial_ms", "2000"}, {"noise_sd", "0.05"}},
           {{"units", "12"}, {"p_plus", "4"}, {"p_minus", "4"}, {"frame_rate_hz", "10"}, {"trial_ms", "3000"}}}};
}

}  // namespace sgym
