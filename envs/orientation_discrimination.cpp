// OrientationDiscrimination-v0: orientation discrimination around a trained reference (Schoups,
// Vogels, Qian & Orban 2001, Nature 412:549). While the subject fixates, a grating near the reference
// orientation (45°) appears at the trained location and a distractor grating at another location; when
// the fixation point goes off the subject reports whether the grating was rotated clockwise or
// anticlockwise from the reference. The offset comes from an adaptive staircase (its threshold is
// reported in info) or from a fixed list of offsets (method of constant stimuli).
//
// Observation: a fixation input and two orientation-tuned populations (von Mises tuning with period
// 180°), one per location, with Gaussian noise while the gratings are on. Angles follow the
// mathematical convention: anticlockwise = larger orientation.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>

#include "common/trial.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/wrappers.hpp"

namespace sgym {
namespace {

/// Every option, its default and unit.
struct OrientationDiscriminationConfig {
  double dt_ms = 50.0;              // simulation step
  double fixation_ms = 300.0;       // fixation before the gratings [unverified]
  double stimulus_ms = 500.0;       // gratings on, fixation held [unverified]
  double response_ms = 500.0;       // fixation point off: report window [unverified]
  double reference_deg = 45.0;      // trained reference orientation (Schoups et al. 2001: 45°)
  std::string offset_mode = "staircase";  // staircase (adaptive) or list (constant stimuli)
  double initial_offset_deg = 10.0; // staircase start; untrained thresholds ≈ 10° [unverified]
  double min_offset_deg = 0.1;      // smallest offset (staircase floor and list start)
  double max_offset_deg = 20.0;     // largest offset (staircase ceiling and list end)
  int staircase_down = 2;           // consecutive correct reports that shrink the offset
                                    // (2-down/1-up: converges to 70.7 % correct, Levitt 1971)
  double staircase_factor = 1.25;   // offset ×/÷ this per staircase step [unverified]
  int n_threshold_reversals = 6;    // threshold = geometric mean of the last k reversal offsets
  int n_list_levels = 5;            // list mode: offsets log-spaced from min to max offset
  bool distractor = true;           // a second grating at the untrained location
  std::string target_location = "trained";  // where the judged grating appears (untrained = transfer test)
  int n_units = 16;                 // orientation-tuned units per location (model choice)
  double kappa = 2.0;               // von Mises concentration (period 180°; HWHH ≈ 25°) (model choice)
  double noise_sd = 0.1;            // per-step input noise while the gratings are on (model choice)
  double correct_reward = 1.0;      // correct report
  double wrong_reward = 0.0;        // wrong report
  double abort_reward = -0.1;       // breaking fixation before the response window (NeuroGym convention)
  double timeout_reward = 0.0;      // no report in the response window
  int trials_per_episode = 1;       // trials per episode
};

const OptionSet<OrientationDiscriminationConfig>& options() {
  using C = OrientationDiscriminationConfig;
  static const OptionSet<C> set = [] {
    OptionSet<C> s("OrientationDiscrimination-v0");
    s.add("dt_ms", &C::dt_ms, "ms", "simulation step", 1.0, 1000.0)
        .add("fixation_ms", &C::fixation_ms, "ms", "fixation before the gratings appear [unverified]", 0.0, 60000.0)
        .add("stimulus_ms", &C::stimulus_ms, "ms", "gratings on while fixating [unverified]", 1.0, 60000.0)
        .add("response_ms", &C::response_ms, "ms", "report window after the fixation point goes off [unverified]", 1.0, 60000.0)
        .add("reference_deg", &C::reference_deg, "deg", "reference orientation (Schoups et al. 2001: 45°)", 0.0, 180.0)
        .add_choice("offset_mode", &C::offset_mode, {"staircase", "list"}, "staircase: adaptive 2-down/1-up offset, threshold in info; list: offsets drawn uniformly from list_levels log-spaced values")
        .add("initial_offset_deg", &C::initial_offset_deg, "deg", "staircase start (untrained thresholds are about 10° [unverified])", 0.0, 89.0)
        .add("min_offset_deg", &C::min_offset_deg, "deg", "smallest offset: staircase floor and first list value", 0.0, 89.0)
        .add("max_offset_deg", &C::max_offset_deg, "deg", "largest offset: staircase ceiling and last list value (< 90 so the sign is unambiguous)", 0.0, 89.0)
        .add("staircase_down", &C::staircase_down, "trials", "consecutive correct reports that shrink the offset (2 = 2-down/1-up, 70.7 % correct; Levitt 1971)", 1, 10)
        .add("staircase_factor", &C::staircase_factor, "", "offset is multiplied/divided by this per staircase step [unverified]", 1.0001, 10.0)
        .add("n_threshold_reversals", &C::n_threshold_reversals, "", "threshold = geometric mean of the offsets at the last k staircase reversals", 1, 1000)
        .deprecated_alias("threshold_reversals")
        .add("n_list_levels", &C::n_list_levels, "", "list mode: number of log-spaced offsets from min_offset_deg to max_offset_deg", 1, 100)
        .deprecated_alias("list_levels")
        .add("distractor", &C::distractor, "show a distractor grating of random orientation at the other location")
        .add_choice("target_location", &C::target_location, {"trained", "untrained"}, "location of the judged grating (untrained: the transfer test; the distractor then takes the trained location)")
        .add("n_units", &C::n_units, "", "orientation-tuned units per location, preferred orientations 180·i/n (model choice)", 3, 1000)
        .add("kappa", &C::kappa, "", "von Mises concentration of orientation tuning, period 180° (model choice)", 0.0, 100.0)
        .add("noise_sd", &C::noise_sd, "", "Gaussian input noise per step while the gratings are on (model choice)", 0.0, 100.0)
        .add("correct_reward", &C::correct_reward, "", "reward for a correct report", -100.0, 100.0)
        .add("wrong_reward", &C::wrong_reward, "", "reward for a wrong report", -100.0, 100.0)
        .add("abort_reward", &C::abort_reward, "", "reward for breaking fixation before the response window (ends the trial)", -100.0, 100.0)
        .add("timeout_reward", &C::timeout_reward, "", "reward when no report is made in the response window", -100.0, 100.0)
        .add("trials_per_episode", &C::trials_per_episode, "trials", "trials per episode", 1, 1000000);
    return s;
  }();
  return set;
}

constexpr int kFixate = 0, kClockwise = 1, kAnticlockwise = 2;
constexpr std::array<const char*, 3> kEpochs = {"fixation", "stimulus", "response"};
constexpr int kStimulusEpoch = 1, kResponseEpoch = 2;  // positions in kEpochs
constexpr std::array<const char*, 3> kActionNames = {"fixate", "clockwise", "anticlockwise"};
/// Grating positions in draw(), degrees of visual angle (a display choice): trained lower right.
constexpr Vec2 kTrainedPos{4.0f, -4.0f}, kOtherPos{-4.0f, -4.0f};

class OrientationDiscrimination final : public Env {
 public:
  OrientationDiscrimination(const OrientationDiscriminationConfig& c, int fix, int stim, int resp)
      : Env(make_spec(c, fix + stim + resp), obs_space(c), Space::discrete(3)), cfg_(c) {
    schedule_.add(kEpochs[0], fix);
    schedule_.add(kEpochs[1], stim);
    schedule_.add(kEpochs[2], resp);
    target_trained_ = c.target_location == "trained";
    reversal_offsets_.reserve(static_cast<std::size_t>(c.n_threshold_reversals));
    clean_.resize(2 * static_cast<std::size_t>(c.n_units));
  }

  static Space obs_space(const OrientationDiscriminationConfig& c) {
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> lo(1 + 2 * c.n_units, -inf), hi(1 + 2 * c.n_units, inf);
    lo[0] = 0.0f;
    hi[0] = 1.0f;
    return Space::box(lo, hi, {1 + 2 * c.n_units});
  }

  static EnvSpec make_spec(const OrientationDiscriminationConfig& c, int trial_steps) {
    EnvSpec s;
    s.id = "OrientationDiscrimination-v0";
    s.max_episode_steps = trial_steps * c.trials_per_episode;
    s.dt_ms = c.dt_ms;
    s.reward_min = std::min({0.0, c.abort_reward, c.correct_reward, c.wrong_reward, c.timeout_reward});
    s.reward_max = std::max({0.0, c.abort_reward, c.correct_reward, c.wrong_reward, c.timeout_reward});
    s.render_fps = 1000.0 / c.dt_ms;
    s.trial_based = true;
    s.epochs.assign(kEpochs.begin(), kEpochs.end());
    const auto n = static_cast<std::size_t>(c.n_units);
    s.obs_layout = {{"fixation", 0, 1, "1 while the fixation point is on (fixation, stimulus); 0 = report"},
                    {"trained_location", 1, n, "orientation-tuned units at the trained location, preferred 180·i/n_units°, noisy while gratings are on"},
                    {"other_location", 1 + n, n, "orientation-tuned units at the other (distractor) location, same tuning"}};
    s.source = "Schoups, Vogels, Qian & Orban 2001, Nature 412:549 (orientation discrimination at 45°, trained "
               "location); staircase: Levitt 1971, J Acoust Soc Am 49:467";
    return s;
  }

  void draw(DrawList& out) const override {
    // the screen in degrees: fixation point, the two gratings as oriented line patches, the report
    out.camera = {-10.0f, -9.0f, 10.0f, 5.0f};
    out.background = {128, 128, 128, 255};
    const std::string_view ep = schedule_.at(t_);
    if (ep != "response") out.circles.push_back({{0.0f, 0.0f}, 0.2f, {255, 0, 0, 255}, {}, 0.0f});
    if (ep == "stimulus") {
      grating(out, target_trained_ ? kTrainedPos : kOtherPos, orientation_deg_);
      if (cfg_.distractor) grating(out, target_trained_ ? kOtherPos : kTrainedPos, distractor_deg_);
    }
    out.texts.push_back({{-9.5f, 4.0f}, std::string(ep) + "  offset " + std::to_string(trial_offset_deg_).substr(0, 5) + "°", 0.5f, {20, 20, 20, 255}});
    if (last_action_ >= 0)
      out.texts.push_back({{-9.5f, -8.5f}, std::string("agent: ") + kActionNames[last_action_], 0.5f, {20, 20, 20, 255}});
  }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override {
    if (seed || !staircase_started_) {
      // a reseed restarts the staircase with the stream
      offset_deg_ = cfg_.initial_offset_deg;
      run_correct_ = 0;
      last_direction_ = 0;
      reversal_offsets_.clear();
      reversals_ = 0;
      staircase_started_ = true;
      threshold_deg_ = threshold();
    }
    trial_ = 0;
    last_action_ = -1;
    start_trial();
    fill("");
    return reset_result();
  }

  StepResult do_step(const Action& a) override {
    const int act = static_cast<int>(a.index);
    last_action_ = act;
    double reward = 0.0;
    const char* outcome = "";
    if (schedule_.index_at(t_) != kResponseEpoch) {
      if (act != kFixate) { outcome = "aborted"; reward = cfg_.abort_reward; }
    } else if (act != kFixate) {
      const bool ok = act == (anticlockwise_ ? kAnticlockwise : kClockwise);
      outcome = ok ? "correct" : "wrong";
      reward = ok ? cfg_.correct_reward : cfg_.wrong_reward;
      update_staircase(ok);
    }
    ++t_;
    if (*outcome == '\0' && t_ >= schedule_.total()) { outcome = "timeout"; reward = cfg_.timeout_reward; }
    bool terminated = false;
    if (*outcome != '\0') {
      // the ending step's info describes the trial that ended, whole; its observation already
      // shows the next trial's first frame (or the blank screen after the last trial)
      fill_info(outcome);
      ++trial_;
      terminated = trial_ >= cfg_.trials_per_episode;
      if (!terminated) start_trial();
      else screen_off_ = true;
      fill_obs();
    } else {
      fill("");
    }
    return step_result(reward, terminated);
  }

 private:
  // one grating: parallel bars at `deg` inside a 1.5° radius aperture
  static void grating(DrawList& out, Vec2 c, double deg) {
    const double r = deg * 3.141592653589793 / 180.0;
    const float ux = static_cast<float>(std::cos(r)), uy = static_cast<float>(std::sin(r));
    for (int k = -3; k <= 3; ++k) {
      const float off = 0.4f * static_cast<float>(k);
      const float half = std::sqrt(std::max(0.0f, 1.5f * 1.5f - off * off));
      const Vec2 m{c.x - uy * off, c.y + ux * off};
      out.lines.push_back({{m.x - ux * half, m.y - uy * half}, {m.x + ux * half, m.y + uy * half},
                           k % 2 == 0 ? Color{240, 240, 240, 255} : Color{20, 20, 20, 255}, 0.2f});
    }
  }

  // 2-down/1-up (k-down/1-up) on a log scale; reversals are direction changes
  void update_staircase(bool correct) {
    if (cfg_.offset_mode != "staircase") return;
    int direction = 0;
    if (correct) {
      if (++run_correct_ >= cfg_.staircase_down) { direction = -1; run_correct_ = 0; }
    } else {
      direction = +1;
      run_correct_ = 0;
    }
    if (direction == 0) return;
    if (last_direction_ != 0 && direction != last_direction_) {
      ++reversals_;
      if (static_cast<int>(reversal_offsets_.size()) == cfg_.n_threshold_reversals)
        reversal_offsets_.erase(reversal_offsets_.begin());
      reversal_offsets_.push_back(offset_deg_);
    }
    last_direction_ = direction;
    offset_deg_ = direction < 0 ? offset_deg_ / cfg_.staircase_factor : offset_deg_ * cfg_.staircase_factor;
    offset_deg_ = std::clamp(offset_deg_, cfg_.min_offset_deg, cfg_.max_offset_deg);  // documented bounds
    threshold_deg_ = threshold();
  }

  double threshold() const {
    if (reversal_offsets_.empty()) return offset_deg_;
    double s = 0.0;
    for (double o : reversal_offsets_) s += std::log(o);
    return std::exp(s / static_cast<double>(reversal_offsets_.size()));
  }

  void start_trial() {
    if (cfg_.offset_mode == "staircase") {
      trial_offset_deg_ = offset_deg_;
    } else {
      const int k = static_cast<int>(rng_.below(static_cast<std::uint64_t>(cfg_.n_list_levels)));
      trial_offset_deg_ = cfg_.n_list_levels == 1 ? cfg_.min_offset_deg
          : cfg_.min_offset_deg * std::pow(cfg_.max_offset_deg / cfg_.min_offset_deg, static_cast<double>(k) / (cfg_.n_list_levels - 1));
    }
    anticlockwise_ = rng_.bernoulli(0.5);
    orientation_deg_ = cfg_.reference_deg + (anticlockwise_ ? trial_offset_deg_ : -trial_offset_deg_);
    distractor_deg_ = cfg_.distractor ? rng_.uniform(0.0, 180.0) : 0.0;
    t_ = 0;
    screen_off_ = false;
    clean_ready_ = false;
  }

  // the trial's noiseless population responses, computed when the stimulus epoch first shows them
  // (a trial aborted during fixation never needs them)
  void compute_clean() {
    const auto n = static_cast<std::size_t>(cfg_.n_units);
    std::span<float> trained(clean_.data(), n), other(clean_.data() + n, n);
    std::span<float> target = target_trained_ ? trained : other, distract = target_trained_ ? other : trained;
    trial::population_code(target, orientation_deg_, 180.0, cfg_.kappa, 1.0);
    if (cfg_.distractor) trial::population_code(distract, distractor_deg_, 180.0, cfg_.kappa, 1.0);
    else std::fill(distract.begin(), distract.end(), 0.0f);
    clean_ready_ = true;
  }

  // observation and info for step t_ of the current trial
  void fill(const char* outcome) {
    fill_obs();
    fill_info(outcome);
  }

  void fill_obs() {
    const int ep = schedule_.index_at(t_);
    const auto n = static_cast<std::size_t>(cfg_.n_units);
    obs_[0] = (!screen_off_ && ep != kResponseEpoch) ? 1.0f : 0.0f;
    if (!screen_off_ && ep == kStimulusEpoch) {
      if (!clean_ready_) compute_clean();
      std::copy(clean_.begin(), clean_.end(), obs_.begin() + 1);
      trial::add_noise(std::span<float>(obs_.data() + 1, 2 * n), cfg_.noise_sd, rng_);
    } else {
      std::fill(obs_.begin() + 1, obs_.end(), 0.0f);
    }
  }

  // info for step t_ of the current trial; on a trial's ending step (outcome set) nothing is due
  void fill_info(const char* outcome) {
    const int ep = schedule_.index_at(t_);
    const int gt = (screen_off_ || *outcome != '\0') ? -1 : ep == kResponseEpoch ? (anticlockwise_ ? kAnticlockwise : kClockwise) : kFixate;
    trial::set_static(info_, f_.core.epoch, written_.epoch, kEpochs[static_cast<std::size_t>(ep)]);
    info_.set(f_.core.ground_truth, gt);
    info_.set(f_.core.trial, trial_);
    trial::set_static(info_, f_.core.outcome, written_.outcome, outcome);
    trial::set_static(info_, f_.condition, written_.condition, anticlockwise_ ? "anticlockwise" : "clockwise");
    info_.set(f_.offset_deg, trial_offset_deg_);
    info_.set(f_.orientation_deg, orientation_deg_);
    info_.set(f_.distractor_deg, distractor_deg_);
    info_.set(f_.staircase_offset_deg, offset_deg_);
    info_.set(f_.threshold_deg, threshold_deg_);
    info_.set(f_.reversals, reversals_);
    info_.set(f_.t, t_);
  }

  // the info fields, declared once in the order they are written
  struct Fields {
    explicit Fields(Info& i)
        : core(i), condition(i.declare<std::string>("condition")), offset_deg(i.declare<double>("offset_deg")),
          orientation_deg(i.declare<double>("orientation_deg")), distractor_deg(i.declare<double>("distractor_deg")),
          staircase_offset_deg(i.declare<double>("staircase_offset_deg")), threshold_deg(i.declare<double>("threshold_deg")),
          reversals(i.declare<std::int64_t>("reversals")), t(i.declare<std::int64_t>("t")) {}
    trial::TrialFields core;  // epoch, ground_truth, trial, trial_outcome
    InfoField<std::string> condition;
    InfoField<double> offset_deg, orientation_deg, distractor_deg, staircase_offset_deg, threshold_deg;
    InfoField<std::int64_t> reversals, t;
  };

  OrientationDiscriminationConfig cfg_;
  Fields f_{info_};
  trial::EpochSchedule schedule_;
  trial::WrittenStrings written_;  // the string fields' texts as last written (trial::set_static)
  std::vector<float> clean_;  // this trial's noiseless responses: trained location, then the other
  bool clean_ready_ = false;
  bool target_trained_ = true;
  int t_ = 0;
  bool screen_off_ = false;
  std::int64_t trial_ = 0;
  double trial_offset_deg_ = 0.0, orientation_deg_ = 45.0, distractor_deg_ = 0.0;
  bool anticlockwise_ = true;
  int last_action_ = -1;
  // staircase state (persists across episodes until reset(seed))
  bool staircase_started_ = false;
  double offset_deg_ = 10.0;
  int run_correct_ = 0, last_direction_ = 0;
  std::int64_t reversals_ = 0;
  std::vector<double> reversal_offsets_;
  double threshold_deg_ = 10.0;  // threshold(), kept up to date by the staircase
};

std::unique_ptr<Env> make(const KeyValues& kv) {
  const OrientationDiscriminationConfig c = options().parse(kv);
  const char* id = "OrientationDiscrimination-v0";
  const int fix = trial::steps_of(id, "fixation_ms", c.fixation_ms, c.dt_ms);
  const int stim = trial::steps_of(id, "stimulus_ms", c.stimulus_ms, c.dt_ms);
  const int resp = trial::steps_of(id, "response_ms", c.response_ms, c.dt_ms);
  if (stim < 1) throw UsageError(std::string(id) + ": stimulus_ms must be at least one step (dt_ms = " + format_number(c.dt_ms) + ")");
  if (resp < 1) throw UsageError(std::string(id) + ": response_ms must be at least one step (dt_ms = " + format_number(c.dt_ms) + ")");
  if (!(c.min_offset_deg > 0.0) || !(c.min_offset_deg <= c.max_offset_deg))
    throw UsageError(std::string(id) + ": need 0 < min_offset_deg <= max_offset_deg, got min_offset_deg = " +
                     format_number(c.min_offset_deg) + ", max_offset_deg = " + format_number(c.max_offset_deg));
  if (c.offset_mode == "staircase" && (c.initial_offset_deg < c.min_offset_deg || c.initial_offset_deg > c.max_offset_deg))
    throw UsageError(std::string(id) + ": initial_offset_deg = " + format_number(c.initial_offset_deg) +
                     " must lie in [min_offset_deg, max_offset_deg] = [" + format_number(c.min_offset_deg) + ", " +
                     format_number(c.max_offset_deg) + "]");
  return std::make_unique<OrientationDiscrimination>(c, fix, stim, resp);
}

// ---- analyses (sgym plot) ----

// the staircase over training: every kBlock scored trials, the threshold estimate then (info
// threshold_deg: geometric mean of the reversal offsets so far), the offset shown, and the
// fraction correct in that block
constexpr int kBlock = 50;

TrialTable staircase_table(const std::vector<TrialRecord>& trials) {
  TrialTable tb{{"threshold_deg", "staircase_offset_deg", "block_accuracy"}, {}};
  OutcomeCounts block;
  double n = 0;
  for (const auto& t : trials) {
    const std::string_view o = t.string_or_empty(info_keys::kTrialOutcome);
    if (!EpisodeStatistics::is_scored_outcome(o)) continue;
    block.add(o);
    n += 1;
    if (block.trials < kBlock) continue;
    tb.rows[n] = {info_number(t, "threshold_deg"), info_number(t, "staircase_offset_deg"), block.accuracy()};
    block = {};
  }
  return tb;
}

// the psychometric function: fraction correct of the choices by the trial's offset from 45°
TrialTable psychometric_table(const std::vector<TrialRecord>& trials) {
  std::map<double, OutcomeCounts> c;
  for (const auto& t : trials)
    if (const double off = info_number(t, "offset_deg"); !std::isnan(off))
      c[std::round(off * 1000.0) / 1000.0].add(t.string_or_empty(info_keys::kTrialOutcome));
  TrialTable tb{{"trials", "choice_accuracy"}, {}};
  for (const auto& [x, k] : c) tb.rows[x] = {k.trials, k.choice_accuracy()};
  return tb;
}

std::vector<TaskAnalysis> analyses() {
  TaskAnalysis staircase{"staircase", "threshold estimate and offset of the staircase over training (every 50 scored trials)",
                         staircase_table, [](const std::vector<std::vector<TrialRecord>>&, const KeyValues&) {
                           FigureSpec f;
                           f.title = "Staircase threshold over training";
                           f.xlabel = "scored trials";
                           f.ylabel = "offset from 45° (deg)";
                           f.y2label = "fraction correct per block of 50";
                           f.y2range = {{0, 1.05}};
                           f.legend = "top right";
                           f.series = {{0, "threshold (geometric mean of reversal offsets)", "#08519c"},
                                       {1, "offset shown", "#6baed6", FigureSeries::Style::kSteps},
                                       {2, "fraction correct (right axis)", "#9467bd", FigureSeries::Style::kDotted, false, true}};
                           return f;
                         }};
  TaskAnalysis psychometric{"psychometric", "fraction correct against the orientation offset",
                            psychometric_table, [](const std::vector<std::vector<TrialRecord>>&, const KeyValues&) {
                              FigureSpec f;
                              f.title = "Psychometric function";
                              f.xlabel = "offset from 45° (deg)";
                              f.ylabel = "fraction correct (choices)";
                              f.yrange = {{0, 1.05}};
                              f.legend = "bottom right";
                              f.series = {{1, "correct / (correct + wrong)", "#006d2c"}};
                              return f;
                            }};
  return {staircase, psychometric};
}

}  // namespace

EnvEntry orientation_discrimination_entry() {
  EnvEntry e{"OrientationDiscrimination-v0",
          "orientation discrimination at 45° (Schoups et al. 2001): clockwise or anticlockwise of the reference, "
          "distractor at another location, adaptive staircase",
          OrientationDiscrimination::make_spec(OrientationDiscriminationConfig{}, 26).source,
          options().docs(),
          make,
          {{{"offset_mode", "list"}, {"trials_per_episode", "3"}, {"target_location", "untrained"}},
           {{"distractor", "false"}, {"noise_sd", "0"}, {"fixation_ms", "0"}}},
          // chance: clockwise and anticlockwise are equally likely
          [](const KeyValues& kv) {
            options().parse(kv);
            return 0.5;
          },
          // the battery: fixed offsets above the oracle's threshold (a staircase holds any subject,
          // the oracle too, near 71 % correct by design)
          {{{"offset_mode", "list"}, {"min_offset_deg", "5"}}}};
  e.analyses = analyses();
  return e;
}

}  // namespace sgym
