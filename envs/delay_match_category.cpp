// DelayMatchCategory-v0: delayed match-to-category (Freedman & Assad 2006, Nature 443:85), with the
// epoch timing, responses and rewards of NeuroGym's DelayMatchCategory (neurogym/envs/
// delaymatchcategory.py: fixation 500, sample 650, first_delay 1000, test 650 ms; actions fixation /
// match / non-match; rewards abort -0.1, correct +1, fail 0; the fixation input goes off at test).
//
// A sample motion direction (one of 12, 30° apart) is shown, then a delay, then a test direction. The
// directions are split into two categories of 6 by a boundary through the centre; the subject reports
// whether sample and test belong to the same category (match) or not (non-match). The test is a match
// with probability 1/2 and is drawn uniformly among the directions of the required category other than
// the sample's (5 on a match, 6 on a non-match), so that only category, never identity, tells the
// answer. Monkeys
// were retrained with a new boundary; a `retrain_after_trials` option switches the boundary mid-run.
//
// Observation: a fixation input (1 while the subject must fixate, 0 at test = the go signal) and a
// population of direction-tuned units (von Mises tuning, evenly spaced preferred directions), with
// Gaussian noise while a stimulus is on (sd noise_sd / sqrt(dt_ms), NeuroGym's scaling of its sigma).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "common/trial.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

/// Every option, its default and unit.
struct DelayMatchCategoryConfig {
  double dt_ms = 50.0;             // step; NeuroGym's default is 100 ms, but 650 ms is not a whole number
                                   // of 100 ms steps: 50 ms is the largest step dividing every epoch
  double fixation_ms = 500.0;      // NeuroGym timing (Freedman & Assad 2006: 500 ms fixation)
  double sample_ms = 650.0;        // NeuroGym timing (sample 650 ms)
  double delay_ms = 1000.0;        // NeuroGym timing (first_delay 1000 ms)
  double test_ms = 650.0;          // NeuroGym timing (test 650 ms); the response window
  int n_directions = 12;           // motion directions, evenly spaced (Freedman & Assad 2006)
  double boundary_deg = 45.0;      // category boundary (a line through the centre: b and b + 180)
                                   // 45°, 15° from the nearest directions [unverified]
  int retrain_after_trials = 0;    // after this many trials the boundary becomes retrain_boundary_deg
                                   // (0 = never)
  double retrain_boundary_deg = 135.0;  // boundary after retraining, orthogonal to the first [unverified]
  int n_units = 16;                // direction-tuned input units (model choice)
  double kappa = 2.0;              // von Mises concentration of their tuning (model choice)
  double noise_sd = 1.0;           // input noise; per-step sd = noise_sd / sqrt(dt_ms) (NeuroGym sigma = 1.0)
  double match_prob = 0.5;         // probability that the test matches the sample's category (NeuroGym)
  bool abort_on_break = true;      // breaking fixation before test ends the trial (NeuroGym: abort False)
  double abort_reward = -0.1;      // breaking fixation (NeuroGym rewards['abort'])
  double correct_reward = 1.0;     // correct match / non-match report (NeuroGym rewards['correct'])
  double wrong_reward = 0.0;       // wrong report (NeuroGym rewards['fail'])
  double timeout_reward = 0.0;     // no report during the test epoch
  int trials_per_episode = 1;      // trials per episode
};

const OptionSet<DelayMatchCategoryConfig>& options() {
  using C = DelayMatchCategoryConfig;
  static const OptionSet<C> set = [] {
    OptionSet<C> s("DelayMatchCategory-v0");
    s.add("dt_ms", &C::dt_ms, "ms", "simulation step; NeuroGym uses 100 ms, but the 650 ms epochs need a step dividing 650, so 50 ms", 1.0, 1000.0)
        .add("fixation_ms", &C::fixation_ms, "ms", "fixation epoch (NeuroGym DelayMatchCategory timing; Freedman & Assad 2006)", 0.0, 60000.0)
        .add("sample_ms", &C::sample_ms, "ms", "sample stimulus epoch (NeuroGym timing 650 ms; Freedman & Assad 2006)", 1.0, 60000.0)
        .add("delay_ms", &C::delay_ms, "ms", "memory delay (NeuroGym first_delay 1000 ms; Freedman & Assad 2006)", 0.0, 60000.0)
        .add("test_ms", &C::test_ms, "ms", "test stimulus epoch, also the response window (NeuroGym timing 650 ms)", 1.0, 60000.0)
        .add("n_directions", &C::n_directions, "", "motion directions, evenly spaced over 360° (Freedman & Assad 2006: 12)", 2, 360)
        .add("boundary_deg", &C::boundary_deg, "deg", "category boundary through the centre (b and b+180); must not fall on a direction [unverified: 45°]", 0.0, 360.0)
        .add("retrain_after_trials", &C::retrain_after_trials, "trials", "after this many trials since reset(seed) the boundary becomes retrain_boundary_deg (0 = never); retraining as in Freedman & Assad 2006", 0, 100000000)
        .add("retrain_boundary_deg", &C::retrain_boundary_deg, "deg", "boundary after retraining [unverified: orthogonal to the first, 135°]", 0.0, 360.0)
        .add("n_units", &C::n_units, "", "direction-tuned input units with evenly spaced preferred directions (model choice)", 3, 1000)
        .add("kappa", &C::kappa, "", "von Mises concentration of the units' direction tuning (model choice)", 0.0, 100.0)
        .add("noise_sd", &C::noise_sd, "", "sd of the input noise while a stimulus is on, at a 1 ms step; per-step sd = noise_sd / sqrt(dt_ms) (NeuroGym's sigma, default 1.0)", 0.0, 100.0)
        .deprecated_alias("sigma")
        .add("match_prob", &C::match_prob, "", "probability that the test is in the sample's category (NeuroGym: 1/2)", 0.0, 1.0)
        .add("abort_on_break", &C::abort_on_break, "breaking fixation before the test ends the trial (aborted); false = penalty only, as NeuroGym's abort = False")
        .add("abort_reward", &C::abort_reward, "", "reward for breaking fixation (NeuroGym rewards['abort'] = -0.1)", -100.0, 100.0)
        .add("correct_reward", &C::correct_reward, "", "reward for a correct report (NeuroGym rewards['correct'] = 1)", -100.0, 100.0)
        .add("wrong_reward", &C::wrong_reward, "", "reward for a wrong report (NeuroGym rewards['fail'] = 0)", -100.0, 100.0)
        .add("timeout_reward", &C::timeout_reward, "", "reward when no report is made during the test epoch", -100.0, 100.0)
        .add("trials_per_episode", &C::trials_per_episode, "trials", "trials per episode", 1, 1000000);
    return s;
  }();
  return set;
}

constexpr int kFixate = 0, kMatch = 1, kNonMatch = 2;
constexpr std::array<const char*, 4> kEpochs = {"fixation", "sample", "delay", "test"};
constexpr int kFixationEpoch = 0, kSampleEpoch = 1, kTestEpoch = 3;  // positions in kEpochs
constexpr std::array<const char*, 3> kActionNames = {"fixate", "match", "non-match"};
/// Where draw() puts the motion stimulus (degrees of visual angle; a display choice).
constexpr float kStimX = 6.0f, kStimRadius = 3.0f;

/// Steps of each epoch, validated.
struct DmcSteps {
  int fixation, sample, delay, test;
};

class DelayMatchCategory final : public Env {
 public:
  DelayMatchCategory(const DelayMatchCategoryConfig& c, DmcSteps st)
      : Env(make_spec(c, st), obs_space(c), Space::discrete(3)), cfg_(c), steps_(st) {
    schedule_.add(kEpochs[0], st.fixation);
    schedule_.add(kEpochs[1], st.sample);
    schedule_.add(kEpochs[2], st.delay);
    schedule_.add(kEpochs[3], st.test);
    noise_sd_ = c.noise_sd / std::sqrt(c.dt_ms);
    // the population's noiseless response to each direction, computed once (the values of
    // population_code for that direction, bit for bit)
    tuning_.resize(static_cast<std::size_t>(c.n_directions * c.n_units));
    for (int k = 0; k < c.n_directions; ++k)
      trial::population_code(tuning_of(k), direction(k), 360.0, c.kappa, 1.0);
  }

  static Space obs_space(const DelayMatchCategoryConfig& c) {
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> lo(1 + c.n_units, -inf), hi(1 + c.n_units, inf);
    lo[0] = 0.0f;
    hi[0] = 1.0f;
    return Space::box(lo, hi, {1 + c.n_units});
  }

  static EnvSpec make_spec(const DelayMatchCategoryConfig& c, DmcSteps st) {
    EnvSpec s;
    s.id = "DelayMatchCategory-v0";
    s.max_episode_steps = (st.fixation + st.sample + st.delay + st.test) * c.trials_per_episode;
    s.dt_ms = c.dt_ms;
    s.reward_min = std::min({0.0, c.abort_reward, c.correct_reward, c.wrong_reward, c.timeout_reward});
    s.reward_max = std::max({0.0, c.abort_reward, c.correct_reward, c.wrong_reward, c.timeout_reward});
    s.render_fps = 1000.0 / c.dt_ms;
    s.deterministic = false;
    s.trial_based = true;
    s.epochs.assign(kEpochs.begin(), kEpochs.end());
    s.obs_layout = {{"fixation", 0, 1, "1 while the fixation point is on (fixation, sample, delay); 0 at test = respond"},
                    {"direction", 1, static_cast<std::size_t>(c.n_units),
                     "direction-tuned units, preferred directions 360·i/n_units, von Mises tuning, noisy while a stimulus is on"}};
    s.source = "Freedman & Assad 2006, Nature 443:85 (delayed match-to-category); epoch timing, responses and rewards "
               "of NeuroGym DelayMatchCategory";
    return s;
  }

  void draw(DrawList& out) const override {
    // the screen in degrees: fixation point, the motion aperture with an arrow in the direction shown,
    // the agent's current report
    out.camera = {-12.0f, -8.0f, 12.0f, 8.0f};
    out.background = {30, 30, 30, 255};
    const std::string_view ep = schedule_.at(t_);
    if (ep != "test") out.circles.push_back({{0.0f, 0.0f}, 0.3f, {255, 255, 255, 255}, {}, 0.0f});
    out.circles.push_back({{kStimX, 0.0f}, kStimRadius, {0, 0, 0, 0}, {80, 80, 80, 255}, 0.05f});
    if (ep == "sample" || ep == "test") {
      const double d = (ep == "sample" ? sample_deg_ : test_deg_) * 3.141592653589793 / 180.0;
      const float dx = static_cast<float>(std::cos(d)), dy = static_cast<float>(std::sin(d));
      const Vec2 tip{kStimX + 2.4f * dx, 2.4f * dy};
      out.lines.push_back({{kStimX - 2.4f * dx, -2.4f * dy}, tip, {250, 220, 90, 255}, 0.2f});
      out.lines.push_back({tip, {tip.x - 0.8f * dx + 0.5f * dy, tip.y - 0.8f * dy - 0.5f * dx}, {250, 220, 90, 255}, 0.2f});
      out.lines.push_back({tip, {tip.x - 0.8f * dx - 0.5f * dy, tip.y - 0.8f * dy + 0.5f * dx}, {250, 220, 90, 255}, 0.2f});
    }
    out.texts.push_back({{-11.5f, 7.0f}, std::string(ep) + "  sample " + std::to_string(static_cast<int>(sample_deg_)) +
                                             "°  boundary " + std::to_string(static_cast<int>(boundary_)) + "°",
                         0.6f, {220, 220, 220, 255}});
    if (last_action_ >= 0)
      out.texts.push_back({{-11.5f, -7.0f}, std::string("agent: ") + kActionNames[last_action_], 0.6f,
                           last_action_ == kFixate ? Color{160, 160, 160, 255} : Color{90, 200, 255, 255}});
  }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override {
    if (seed) trials_seen_ = 0;  // a reseed restarts the retraining schedule with the stream
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
    if (schedule_.index_at(t_) != kTestEpoch) {
      if (act != kFixate) {
        reward = cfg_.abort_reward;
        if (cfg_.abort_on_break) outcome = "aborted";
      }
    } else if (act != kFixate) {
      const bool ok = act == (match_ ? kMatch : kNonMatch);
      reward = ok ? cfg_.correct_reward : cfg_.wrong_reward;
      outcome = ok ? "correct" : "wrong";
    }
    ++t_;
    if (*outcome == '\0' && t_ >= schedule_.total()) {
      outcome = "timeout";
      reward += cfg_.timeout_reward;
    }
    bool terminated = false;
    if (*outcome != '\0') {
      // the ending step's info describes the trial that ended, whole; its observation already
      // shows the next trial's first frame (or the blank screen after the last trial)
      fill_info(outcome);
      ++trial_;
      terminated = trial_ >= cfg_.trials_per_episode;
      if (!terminated) start_trial();
      else blank_ = true;
      fill_obs();
    } else {
      fill("");
    }
    return step_result(reward, terminated);
  }

 private:
  // category (0 or 1) of direction d under boundary b: 1 on the side (b, b + 180)
  static int category(double d, double b) {
    const double rel = std::fmod(d - b + 720.0, 360.0);
    return rel < 180.0 ? 1 : 0;
  }
  double direction(int k) const { return 360.0 * k / cfg_.n_directions; }
  int category_of(int k) const { return categories_[static_cast<std::size_t>(k)]; }

  void start_trial() {
    boundary_ = (cfg_.retrain_after_trials > 0 && trials_seen_ >= cfg_.retrain_after_trials) ? cfg_.retrain_boundary_deg
                                                                                              : cfg_.boundary_deg;
    ++trials_seen_;
    if (boundary_ != categories_boundary_) {  // the category of each direction, per boundary
      categories_.resize(static_cast<std::size_t>(cfg_.n_directions));
      for (int k = 0; k < cfg_.n_directions; ++k) categories_[static_cast<std::size_t>(k)] = category(direction(k), boundary_);
      categories_boundary_ = boundary_;
    }
    const int s = static_cast<int>(rng_.below(static_cast<std::uint64_t>(cfg_.n_directions)));
    sample_ = s;
    sample_deg_ = direction(s);
    match_ = rng_.bernoulli(cfg_.match_prob);
    const int want = match_ ? category_of(s) : 1 - category_of(s);
    // the test: uniform among the directions of the wanted category other than the sample's own, so
    // that identity never tells the answer (were the sample's direction allowed, it would repeat on
    // 1 match trial in 6 and never on a non-match, and "same direction -> match" would score 7/12)
    auto allowed = [&](int k) { return category_of(k) == want && k != s; };
    int n_want = 0;
    for (int k = 0; k < cfg_.n_directions; ++k) n_want += allowed(k);
    int pick = static_cast<int>(rng_.below(static_cast<std::uint64_t>(n_want)));
    for (int k = 0; k < cfg_.n_directions; ++k)
      if (allowed(k) && pick-- == 0) {
        test_ = k;
        test_deg_ = direction(k);
        break;
      }
    sample_category_ = category_of(sample_);
    test_category_ = category_of(test_);
    t_ = 0;
    blank_ = false;
  }

  // observation and info for step t_ of the current trial
  void fill(const char* outcome) {
    fill_obs();
    fill_info(outcome);
  }

  // the population's noiseless response to direction k
  std::span<float> tuning_of(int k) {
    const auto n = static_cast<std::size_t>(cfg_.n_units);
    return {tuning_.data() + static_cast<std::size_t>(k) * n, n};
  }

  void fill_obs() {
    const int ep = schedule_.index_at(t_);
    std::span<float> pop(obs_.data() + 1, static_cast<std::size_t>(cfg_.n_units));
    obs_[0] = (!blank_ && ep != kTestEpoch) ? 1.0f : 0.0f;
    if (!blank_ && (ep == kSampleEpoch || ep == kTestEpoch)) {
      const std::span<float> clean = tuning_of(ep == kSampleEpoch ? sample_ : test_);
      std::copy(clean.begin(), clean.end(), pop.begin());
      trial::add_noise(pop, noise_sd_, rng_);
    } else {
      std::fill(pop.begin(), pop.end(), 0.0f);
    }
  }

  // info for step t_ of the current trial; on a trial's ending step (outcome set) nothing is due
  void fill_info(const char* outcome) {
    const int ep = schedule_.index_at(t_);
    trial::set_static(info_, f_.core.epoch, written_.epoch, kEpochs[static_cast<std::size_t>(ep)]);
    const int gt = (blank_ || *outcome != '\0') ? -1 : ep == kTestEpoch ? (match_ ? kMatch : kNonMatch) : kFixate;
    info_.set(f_.core.ground_truth, gt);
    info_.set(f_.core.trial, trial_);
    trial::set_static(info_, f_.core.outcome, written_.outcome, outcome);
    trial::set_static(info_, f_.condition, written_.condition, match_ ? "match" : "non-match");
    info_.set(f_.sample_deg, sample_deg_);
    info_.set(f_.test_deg, test_deg_);
    info_.set(f_.sample_category, sample_category_);
    info_.set(f_.test_category, test_category_);
    info_.set(f_.boundary_deg, boundary_);
    info_.set(f_.correct_response, match_ ? kMatch : kNonMatch);
    info_.set(f_.t, t_);
  }

  // the info fields, declared once in the order they are written
  struct Fields {
    explicit Fields(Info& i)
        : core(i), condition(i.declare<std::string>("condition")), sample_deg(i.declare<double>("sample_deg")),
          test_deg(i.declare<double>("test_deg")), sample_category(i.declare<std::int64_t>("sample_category")),
          test_category(i.declare<std::int64_t>("test_category")), boundary_deg(i.declare<double>("boundary_deg")),
          correct_response(i.declare<std::int64_t>("correct_response")), t(i.declare<std::int64_t>("t")) {}
    trial::TrialFields core;  // epoch, ground_truth, trial, trial_outcome
    InfoField<std::string> condition;
    InfoField<double> sample_deg, test_deg;
    InfoField<std::int64_t> sample_category, test_category;
    InfoField<double> boundary_deg;
    InfoField<std::int64_t> correct_response, t;
  };

  DelayMatchCategoryConfig cfg_;
  DmcSteps steps_;
  Fields f_{info_};
  std::vector<float> tuning_;  // n_directions x n_units: the noiseless population response per direction
  int sample_ = 0, test_ = 0;  // direction indices of the sample and the test
  std::int64_t sample_category_ = 0, test_category_ = 0;
  std::vector<int> categories_;  // category of each direction under categories_boundary_
  double categories_boundary_ = std::numeric_limits<double>::quiet_NaN();
  trial::EpochSchedule schedule_;
  trial::WrittenStrings written_;  // the string fields' texts as last written (trial::set_static)
  double noise_sd_ = 0.0;
  int t_ = 0;
  bool blank_ = false;  // after the episode's last trial: the screen is off
  std::int64_t trial_ = 0, trials_seen_ = 0;
  double boundary_ = 45.0, sample_deg_ = 0.0, test_deg_ = 0.0;
  bool match_ = true;
  int last_action_ = -1;
};

// a boundary that falls on a direction leaves that direction without a category
void check_boundary(const DelayMatchCategoryConfig& c, const char* key, double b) {
  const double spacing = 360.0 / c.n_directions;
  // the boundary runs through b and b + 180: neither may fall on a direction
  const double r = std::fmod(b, spacing), r2 = std::fmod(b + 180.0, spacing);
  if (std::min(r, spacing - r) < 1e-9 || std::min(r2, spacing - r2) < 1e-9)
    throw UsageError("DelayMatchCategory-v0: option " + std::string(key) + " = " + format_number(b) +
                     "° (or its opposite end, +180°) falls on a motion direction (multiples of 360/n_directions = " + format_number(spacing) +
                     "°); choose a boundary between two directions");
  // a match test is another direction of the sample's category: each category needs two
  int in_one = 0;
  for (int k = 0; k < c.n_directions; ++k) in_one += std::fmod(360.0 * k / c.n_directions - b + 720.0, 360.0) < 180.0;
  if (std::min(in_one, c.n_directions - in_one) < 2)
    throw UsageError("DelayMatchCategory-v0: with n_directions = " + std::to_string(c.n_directions) + " and " + key + " = " +
                     format_number(b) + "° a category holds " + std::to_string(std::min(in_one, c.n_directions - in_one)) +
                     " direction(s); each needs at least 2 (a match test is a direction of the sample's category other than "
                     "the sample's own): use n_directions >= 4");
}

std::unique_ptr<Env> make(const KeyValues& kv) {
  const DelayMatchCategoryConfig c = options().parse(kv);
  const char* id = "DelayMatchCategory-v0";
  DmcSteps st{trial::steps_of(id, "fixation_ms", c.fixation_ms, c.dt_ms), trial::steps_of(id, "sample_ms", c.sample_ms, c.dt_ms),
              trial::steps_of(id, "delay_ms", c.delay_ms, c.dt_ms), trial::steps_of(id, "test_ms", c.test_ms, c.dt_ms)};
  if (st.sample < 1) throw UsageError("DelayMatchCategory-v0: sample_ms must be at least one step (dt_ms = " + format_number(c.dt_ms) + ")");
  if (st.test < 1) throw UsageError("DelayMatchCategory-v0: test_ms must be at least one step (dt_ms = " + format_number(c.dt_ms) + ")");
  check_boundary(c, "boundary_deg", c.boundary_deg);
  if (c.retrain_after_trials > 0) check_boundary(c, "retrain_boundary_deg", c.retrain_boundary_deg);
  return std::make_unique<DelayMatchCategory>(c, st);
}

// ---- analyses (sgym plot) ----

// angular distance (degrees, 0..90) of direction d from the boundary line through b and b + 180
double boundary_distance(double d, double b) {
  const double r = std::fmod(std::fabs(d - b), 180.0);
  return std::min(r, 180.0 - r);
}

// per sample direction (or its distance from the boundary): accuracy, the fraction of choices
// reporting a match, and the fraction of choices that judged the sample to be in category 1 (the
// report is correct_response when correct, the other response when wrong; on a match report the
// sample is judged in the test's category)
TrialTable category_table(const std::vector<TrialRecord>& trials, bool by_distance) {
  struct Counts {
    OutcomeCounts o;
    double match = 0, category1 = 0;
  };
  std::map<double, Counts> c;
  for (const auto& t : trials) {
    const double sample = info_number(t, "sample_deg"), boundary = info_number(t, "boundary_deg");
    if (std::isnan(sample) || std::isnan(boundary)) continue;
    const std::string_view o = t.string_or_empty(info_keys::kTrialOutcome);
    Counts& k = c[by_distance ? boundary_distance(sample, boundary) : sample];
    k.o.add(o);
    if (o != "correct" && o != "wrong") continue;
    const auto right = static_cast<int>(t.get_int("correct_response"));
    const int report = o == "correct" ? right : (right == kMatch ? kNonMatch : kMatch);
    k.match += report == kMatch;
    const auto test_cat = static_cast<int>(t.get_int("test_category"));
    k.category1 += (report == kMatch ? test_cat : 1 - test_cat) == 1;
  }
  TrialTable tb{{"trials", "accuracy", "choice_accuracy", "fraction_match", "fraction_category_1"}, {}};
  for (const auto& [x, k] : c)
    tb.rows[x] = {k.o.trials, k.o.accuracy(), k.o.choice_accuracy(), ratio_or_nan(k.match, k.o.choices),
                  ratio_or_nan(k.category1, k.o.choices)};
  return tb;
}

std::vector<TaskAnalysis> analyses() {
  using S = FigureSeries::Style;
  TaskAnalysis tuning{"category-tuning", "accuracy, match reports and category judgements per sample direction",
                      [](const std::vector<TrialRecord>& t) { return category_table(t, false); },
                      [](const std::vector<std::vector<TrialRecord>>& runs, const KeyValues&) {
                        FigureSpec f;
                        f.title = "Category tuning";
                        f.xlabel = "sample direction (deg)";
                        f.ylabel = "fraction of trials";
                        f.yrange = {{0, 1.05}};
                        f.xrange = {{-15, 345}};
                        f.xtics = 30;
                        f.legend = "outside right top";
                        std::set<double> boundaries;  // every boundary the runs used (retraining adds one)
                        for (const auto& run : runs)
                          for (const auto& t : run)
                            if (const double b = info_number(t, "boundary_deg"); !std::isnan(b)) boundaries.insert(b);
                        for (double b : boundaries)
                          for (double line : {std::fmod(b, 360.0), std::fmod(b + 180.0, 360.0)}) f.markers.push_back({line, "boundary"});
                        f.series = {{1, "correct (scored trials)", "#006d2c"},
                                    {4, "sample judged category 1", "#08519c"},
                                    {3, "report: match", "#d6604d", S::kDashed}};
                        return f;
                      }};
  TaskAnalysis distance{"category-distance", "accuracy against the sample's angular distance from the category boundary",
                        [](const std::vector<TrialRecord>& t) { return category_table(t, true); },
                        [](const std::vector<std::vector<TrialRecord>>&, const KeyValues&) {
                          FigureSpec f;
                          f.title = "Accuracy vs distance of the sample from the category boundary";
                          f.xlabel = "distance from the boundary (deg)";
                          f.ylabel = "fraction correct";
                          f.yrange = {{0, 1.05}};
                          f.xrange = {{0, 90}};
                          f.legend = "bottom right";
                          f.series = {{1, "all scored trials", "#006d2c"}, {2, "choices only", "#d6604d", S::kDashed}};
                          return f;
                        }};
  return {tuning, distance};
}

}  // namespace

EnvEntry delay_match_category_entry() {
  EnvEntry e{"DelayMatchCategory-v0",
          "delayed match-to-category (Freedman & Assad 2006): 12 motion directions, 2 categories; after a delay, "
          "report whether the test is in the sample's category",
          DelayMatchCategory::make_spec(DelayMatchCategoryConfig{}, {10, 13, 20, 13}).source,
          options().docs(),
          make,
          {{{"trials_per_episode", "4"}, {"abort_on_break", "false"}, {"retrain_after_trials", "3"}},
           {{"noise_sd", "0"}, {"dt_ms", "25"}}},
          // chance: always giving the more frequent answer
          [](const KeyValues& kv) {
            const double p = options().parse(kv).match_prob;
            return std::max(p, 1.0 - p);
          }};
  e.analyses = analyses();
  return e;
}

}  // namespace sgym
