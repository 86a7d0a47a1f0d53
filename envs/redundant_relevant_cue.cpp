// RedundantRelevantCue-v0: the redundant-relevant cue paradigm (Trabasso & Bower 1968; reviewed in
// Roelfsema & Holtmaat 2018, Nat Rev Neurosci 19:166): several stimuli, each from its own feature
// dimension and each alone fully predictive of the correct response, are shown together; the subject
// attends one of them and learns about the attended one only. Test blocks show each cue alone and the
// cues in conflict, revealing what was learned. A weak (low-contrast) stimulus escapes attentional
// suppression and can be learned without attention (task-irrelevant perceptual learning).
//
// Attention is overt here: the agent chooses a cue location to look at and then sees that location
// in detail (its feature value at full gain); the others stay visible at the unattended gain
// `peripheral_acuity` (0.8 by default, V4's attentional modulation), so what attention does to
// learning must come from the learner, not from hiding the other cues. Then it responds.
// Actions: 0 = look at the centre, 1..K = look at cue location k, K+1..K+R = response r.
#include <algorithm>
#include <cmath>

#include "common/trial.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

constexpr const char* kId = "RedundantRelevantCue-v0";

/// Every option, its default and unit.
struct RedundantRelevantCueConfig {
  int n_cues = 2;                     // cue locations, each its own feature dimension (colour, shape, ...)
  int n_responses = 2;                // responses; every dimension has one value per response
  double dt_ms = 100.0;               // simulation step [unverified]
  double fixation_ms = 200.0;         // central fixation before the cues appear [unverified]
  double attend_ms = 500.0;           // window to choose a cue location [unverified]
  double response_ms = 500.0;         // window to respond after attending [unverified]
  std::string schedule = "train";     // train (redundant cues), test (test block) or train_then_test
  int train_trials = 200;             // training trials before the test block (train_then_test) [choice]
  std::string test_conditions = "all";// test trial types: all (each cue alone + conflict), single, conflict
  bool test_feedback = false;         // reward test trials; test trials are usually unrewarded [unverified]
  double peripheral_acuity = 0.8;     // fraction of an unattended cue's feature signal that is seen: the
                                      // unattended/attended response ratio in V4, 1/1.26 ≈ 0.8 (median
                                      // attentional gain +26 %, McAdams & Maunsell 1999, J Neurosci 19:431)
  int weak_cue = -1;                  // location (0-based) of a weak, low-contrast cue; -1 = none
  double weak_contrast = 0.1;         // contrast of the weak cue (full contrast = 1) [unverified]
  double noise_sd = 0.0;              // Gaussian noise on the feature units
  double correct_reward = 1.0;        // correct response
  double wrong_reward = 0.0;          // wrong response
  double fixation_reward = 0.0;       // paid when the cues appear with fixation held (shaping)
  double abort_reward = 0.0;          // broken fixation, or a response before attending a cue (signed: a penalty is negative)
  int trials_per_episode = 1;         // trials per episode
};

const OptionSet<RedundantRelevantCueConfig>& options() {
  static const OptionSet<RedundantRelevantCueConfig> set = [] {
    using C = RedundantRelevantCueConfig;
    OptionSet<C> s(kId);
    s.add("n_cues", &C::n_cues, "locations", "cue locations, each showing a stimulus from its own feature dimension; 2 as in Trabasso & Bower 1968 (e.g. colour and shape)", 1, 8)
        .deprecated_alias("cues")
        .add("n_responses", &C::n_responses, "", "responses; each feature dimension has one value per response", 2, 8)
        .deprecated_alias("responses")
        .add("dt_ms", &C::dt_ms, "ms", "simulation step [unverified]", 1.0, 1000.0)
        .add("fixation_ms", &C::fixation_ms, "ms", "central fixation before the cues appear [unverified]", 0.0, 10000.0)
        .add("attend_ms", &C::attend_ms, "ms", "window to choose a cue location to attend [unverified]", 1.0, 10000.0)
        .add("response_ms", &C::response_ms, "ms", "response window (info epoch 'respond'): time to respond after attending [unverified]", 1.0, 10000.0)
        .add_choice("schedule", &C::schedule, {"train", "test", "train_then_test"},
                    "train: redundant cues; test: a test block; train_then_test: train_trials of training, then test (restarts at reset(seed))")
        .add("train_trials", &C::train_trials, "trials", "training trials before the test block (train_then_test) [choice]", 0, 100000000)
        .add_choice("test_conditions", &C::test_conditions, {"all", "single", "conflict"},
                    "test trial types: each cue alone and cues in conflict (all), only single cues, only conflicts")
        .add("test_feedback", &C::test_feedback, "reward test trials (test trials are usually unrewarded) [unverified]")
        .add("peripheral_acuity", &C::peripheral_acuity, "", "fraction of an unattended cue's feature signal that is seen (0 = only that a stimulus is there); as covert attention the unattended/attended response ratio: V4 responses are a median 26 % larger when attended (McAdams & Maunsell 1999, J Neurosci 19:431), 1/1.26 ≈ 0.8 (default)", 0.0, 1.0)
        .add("weak_cue", &C::weak_cue, "", "location of a weak low-contrast cue whose features are seen unattended (task-irrelevant perceptual learning); -1 = none", -1, 7)
        .add("weak_contrast", &C::weak_contrast, "", "contrast of the weak cue (full = 1) [unverified]", 0.0, 1.0)
        .add("noise_sd", &C::noise_sd, "", "standard deviation of Gaussian noise on the feature units", 0.0, 10.0)
        .add("correct_reward", &C::correct_reward, "", "reward for the correct response", -100.0, 100.0)
        .add("wrong_reward", &C::wrong_reward, "", "reward for a wrong response", -100.0, 100.0)
        .add("fixation_reward", &C::fixation_reward, "", "reward when the cues appear with fixation held (shaping; 0 = off)", -100.0, 100.0)
        .add("abort_reward", &C::abort_reward, "", "reward for broken fixation or a response before a cue was attended, signed (a penalty is negative, e.g. -0.2); the former name abort_penalty took the same signed value", -100.0, 100.0)
        .deprecated_alias("abort_penalty")
        .add("trials_per_episode", &C::trials_per_episode, "trials", "trials per episode", 1, 100000);
    return s;
  }();
  return set;
}

class RedundantRelevantCue final : public Env {
 public:
  static constexpr const char* kEpochs[] = {"fixation", "attend", "respond"};

  RedundantRelevantCue(const RedundantRelevantCueConfig& c, int fix_steps, int attend_steps, int respond_steps)
      : Env(make_spec(c, fix_steps + attend_steps + respond_steps), obs_space(c),
            Space::discrete(1 + c.n_cues + c.n_responses)),
        cfg_(c), k_(c.n_cues), r_(c.n_responses), fix_steps_(fix_steps), attend_steps_(attend_steps),
        respond_steps_(respond_steps), values_(static_cast<std::size_t>(c.n_cues), 0),
        values_f_(static_cast<std::size_t>(c.n_cues), 0.0f) {}

  static std::size_t obs_size(const RedundantRelevantCueConfig& c) {
    return static_cast<std::size_t>(c.n_cues + 2 + c.n_cues * (1 + c.n_responses));
  }
  static Space obs_space(const RedundantRelevantCueConfig& c) {
    const auto n = static_cast<std::int64_t>(obs_size(c));
    if (c.noise_sd > 0.0) return Space::box(-INFINITY, INFINITY, {n});
    return Space::box(0.0f, 1.0f, {n});
  }

  static EnvSpec make_spec(const RedundantRelevantCueConfig& c, int trial_steps) {
    EnvSpec s;
    s.id = kId;
    s.max_episode_steps = trial_steps * c.trials_per_episode;
    s.dt_ms = c.dt_ms;
    const double f = c.fixation_reward;
    s.reward_min = std::min({0.0, f, c.correct_reward, c.wrong_reward, c.abort_reward});
    s.reward_max = std::max({0.0, f, c.correct_reward, c.wrong_reward, c.abort_reward});
    s.render_fps = 1000.0 / c.dt_ms;
    s.trial_based = true;
    s.epochs.assign(std::begin(kEpochs), std::end(kEpochs));
    const auto K = static_cast<std::size_t>(c.n_cues), R = static_cast<std::size_t>(c.n_responses);
    s.obs_layout = {{"gaze", 0, K + 1, "one-hot: where the eye is (0 = centre, k = cue location k)"},
                    {"fixation_point", K + 1, 1, "1 while the central fixation point is on"}};
    for (std::size_t k = 0; k < K; ++k)
      s.obs_layout.push_back({"cue_" + std::to_string(k), K + 2 + k * (1 + R), 1 + R,
                              "location " + std::to_string(k) + ": contrast of the stimulus there (presence), then " +
                              std::to_string(R) + " feature units, one per value of dimension " + std::to_string(k) +
                              " (full signal when attended, peripheral_acuity x signal when not)"});
    s.source = "Trabasso & Bower 1968, Attention in Learning (redundant relevant cues); Roelfsema & Holtmaat 2018, "
               "Nat Rev Neurosci 19:166 (attention gates learning; weak stimuli escape attentional suppression)";
    return s;
  }

  void draw(DrawList& out) const override {
    // cue locations on a circle around the centre, the eye as a ring
    out.camera = {-3.0f, -3.5f, 3.0f, 3.0f};
    out.background = {40, 40, 40, 255};
    if (fp_on_) out.circles.push_back({{0, 0}, 0.12f, {255, 255, 255, 255}, {255, 255, 255, 255}, 0});
    for (int k = 0; k < k_; ++k) {
      const Vec2 p = location(k);
      const std::size_t base = static_cast<std::size_t>(k_ + 2 + k * (1 + r_));
      const float contrast = obs_[base];
      if (contrast <= 0.0f) continue;
      // the detail the subject sees: the value's hue when seen, grey when only coarsely seen
      int seen = -1;
      float best = 0.25f * contrast;
      for (int v = 0; v < r_; ++v)
        if (obs_[base + 1 + static_cast<std::size_t>(v)] > best) { best = obs_[base + 1 + static_cast<std::size_t>(v)]; seen = v; }
      const auto a = static_cast<std::uint8_t>(std::clamp(contrast, 0.0f, 1.0f) * 255);
      Color col{150, 150, 150, a};
      if (seen >= 0) col = Color{static_cast<std::uint8_t>(60 + 190 * seen / std::max(1, r_ - 1)), 90,
                                 static_cast<std::uint8_t>(250 - 190 * seen / std::max(1, r_ - 1)), a};
      if (k % 2 == 0) out.circles.push_back({p, 0.5f, col, {0, 0, 0, 0}, 0});
      else out.polygons.push_back({{{p.x - 0.45f, p.y - 0.45f}, {p.x + 0.45f, p.y - 0.45f}, {p.x + 0.45f, p.y + 0.45f}, {p.x - 0.45f, p.y + 0.45f}}, col});
    }
    const Vec2 eye = gaze_ == 0 ? Vec2{0, 0} : location(gaze_ - 1);
    out.circles.push_back({eye, 0.7f, {0, 0, 0, 0}, {255, 220, 0, 255}, 0.08f});
    std::string text = std::string(epoch_) + "  " + condition_;
    if (response_ >= 0) text += "  response " + std::to_string(response_);
    out.texts.push_back({{-2.9f, -3.2f}, text, 0.3f, {255, 255, 255, 255}});
  }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override {
    if (seed) trials_done_ = 0;  // a reseed restarts the train/test schedule with the stream
    trial_ = 0;
    start_trial();
    outcome_ = "";
    fill_info();
    return reset_result();
  }

  StepResult do_step(const Action& a) override {
    const int act = static_cast<int>(a.index);
    const bool is_response = act > k_;
    double reward = 0.0;
    outcome_ = "";
    response_ = -1;
    ++t_;
    if (epoch_ == std::string_view("fixation")) {
      // hold central fixation until the cues appear
      if (act != 0) {
        outcome_ = "aborted";
        reward = cfg_.abort_reward;
      } else if (t_ >= fix_steps_) {
        set_epoch("attend");
        reward = cfg_.fixation_reward;
      }
    } else if (epoch_ == std::string_view("attend")) {
      // choose a location; responding before attending aborts
      if (is_response) {
        outcome_ = "aborted";
        reward = cfg_.abort_reward;
      } else if (act > 0) {
        attended_ = act - 1;
        gaze_ = act;
        set_epoch("respond");
      } else if (t_ >= fix_steps_ + attend_steps_) {
        outcome_ = "timeout";
      }
    } else if (is_response) {
      // the response ends the trial
      response_ = act - k_ - 1;
      const bool test = phase_ == std::string_view("test");
      if (conflict_) {
        outcome_ = "conflict";
      } else {
        const bool ok = response_ == correct_;
        outcome_ = ok ? "correct" : "wrong";
        if (!test || cfg_.test_feedback) reward = ok ? cfg_.correct_reward : cfg_.wrong_reward;
      }
    } else if (t_ >= respond_end_) {
      outcome_ = "timeout";
    }
    if (*outcome_ == '\0') {
      render();
      fill_info();
      return step_result(reward, false);
    }
    // the trial ended: info describes it; the observation is the next trial's first frame
    ++trials_done_;
    fill_info();
    info_.set(f_.core.ground_truth, -1);
    const bool done = trial_ >= cfg_.trials_per_episode;
    if (!done) start_trial();
    else std::fill(obs_.begin(), obs_.end(), 0.0f);
    return step_result(reward, done);
  }

 private:
  Vec2 location(int k) const {
    const double a = 1.5707963267948966 + 6.283185307179586 * k / k_;
    return {static_cast<float>(2.0 * std::cos(a)), static_cast<float>(2.0 * std::sin(a))};
  }

  void set_epoch(const char* e) {
    epoch_ = e;
    if (e == std::string_view("respond")) respond_end_ = t_ + respond_steps_;
  }

  // draws the trial type and the cue values
  void start_trial() {
    ++trial_;
    t_ = 0;
    gaze_ = 0;
    attended_ = -1;
    response_ = -1;
    set_epoch(fix_steps_ > 0 ? "fixation" : "attend");
    const bool test = cfg_.schedule == "test" || (cfg_.schedule == "train_then_test" && trials_done_ >= cfg_.train_trials);
    phase_ = test ? "test" : "train";
    correct_ = static_cast<int>(rng_.below(static_cast<std::uint64_t>(r_)));
    std::fill(values_.begin(), values_.end(), correct_);
    conflict_ = false;
    single_ = -1;
    condition_ = "redundant";
    if (test) {
      // test block: each cue alone, or cues in conflict, equally often
      const int n_single = cfg_.test_conditions == "conflict" ? 0 : k_;
      const int n_conflict = cfg_.test_conditions == "single" || k_ < 2 ? 0 : 1;
      const int pick = static_cast<int>(rng_.below(static_cast<std::uint64_t>(n_single + n_conflict)));
      if (pick < n_single) {
        single_ = pick;
        condition_ = "single_" + std::to_string(pick);
      } else {
        conflict_ = true;
        condition_ = "conflict";
        // values drawn until at least two cues disagree
        do {
          for (auto& v : values_) v = static_cast<int>(rng_.below(static_cast<std::uint64_t>(r_)));
        } while (std::all_of(values_.begin(), values_.end(), [&](int v) { return v == values_[0]; }));
        correct_ = -1;
      }
    }
    for (std::size_t k = 0; k < values_.size(); ++k) values_f_[k] = static_cast<float>(values_[k]);
    render();
  }

  bool present(int k) const { return single_ < 0 || single_ == k; }

  // the observation for the current epoch and gaze
  void render() {
    std::fill(obs_.begin(), obs_.end(), 0.0f);
    obs_[static_cast<std::size_t>(gaze_)] = 1.0f;
    fp_on_ = epoch_ == std::string_view("fixation");
    obs_[static_cast<std::size_t>(k_ + 1)] = fp_on_ ? 1.0f : 0.0f;
    if (fp_on_) return;
    for (int k = 0; k < k_; ++k) {
      const auto base = static_cast<std::size_t>(k_ + 2 + k * (1 + r_));
      const std::span<float> features(obs_.data() + base + 1, static_cast<std::size_t>(r_));
      if (present(k)) {
        const bool weak = k == cfg_.weak_cue;
        const double contrast = weak ? cfg_.weak_contrast : 1.0;
        // attended: the full signal; unattended: a coarse view, except a weak cue that escapes suppression
        const double seen = (k == attended_ || weak) ? 1.0 : cfg_.peripheral_acuity;
        obs_[base] = static_cast<float>(contrast);
        features[static_cast<std::size_t>(values_[static_cast<std::size_t>(k)])] = static_cast<float>(contrast * seen);
      }
      trial::add_noise(features, cfg_.noise_sd, rng_);
    }
  }

  void fill_info() {
    // epoch_, outcome_ and phase_ only ever point at string literals (trial::set_static)
    trial::set_static(info_, f_.core.epoch, written_.epoch, epoch_);
    std::int64_t truth = -1;
    if (epoch_ == std::string_view("fixation")) truth = 0;
    else if (epoch_ == std::string_view("attend")) truth = 1 + (single_ >= 0 ? single_ : 0);
    else if (!conflict_) truth = 1 + k_ + correct_;
    info_.set(f_.core.ground_truth, truth);
    info_.set(f_.core.trial, trial_ - 1);  // 0-based index; trial_ counts trials started
    trial::set_static(info_, f_.core.outcome, written_.outcome, outcome_);
    info_.set(f_.condition, condition_);
    trial::set_static(info_, f_.phase, written_phase_, phase_);
    info_.set(f_.attended_cue, attended_);
    info_.set(f_.response, response_);
    info_.set(f_.correct_response, correct_);
    info_.set(f_.cue_values, values_f_);
    // in conflict trials: did the response follow the attended cue?
    info_.set(f_.followed_attended, conflict_ && attended_ >= 0 && response_ >= 0 &&
                                        response_ == values_[static_cast<std::size_t>(attended_)]);
  }

  // the info fields, declared once in the order they are written
  struct Fields {
    explicit Fields(Info& i)
        : core(i), condition(i.declare<std::string>("condition")), phase(i.declare<std::string>("phase")),
          attended_cue(i.declare<std::int64_t>("attended_cue")), response(i.declare<std::int64_t>("response")),
          correct_response(i.declare<std::int64_t>("correct_response")), cue_values(i.declare<std::vector<float>>("cue_values")),
          followed_attended(i.declare<bool>("followed_attended")) {}
    trial::TrialFields core;  // epoch, ground_truth, trial, trial_outcome
    InfoField<std::string> condition, phase;
    InfoField<std::int64_t> attended_cue, response, correct_response;
    InfoField<std::vector<float>> cue_values;
    InfoField<bool> followed_attended;
  };

  RedundantRelevantCueConfig cfg_;
  Fields f_{info_};
  int k_, r_, fix_steps_, attend_steps_, respond_steps_;
  std::vector<int> values_;        // feature value shown at each location
  std::vector<float> values_f_;    // the same, for info
  int t_ = 0, respond_end_ = 0, trial_ = 0, gaze_ = 0, attended_ = -1, response_ = -1, correct_ = 0, single_ = -1;
  long long trials_done_ = 0;      // trials since the last reseed (drives the train/test schedule)
  bool conflict_ = false, fp_on_ = true;
  const char* epoch_ = "fixation";
  const char* phase_ = "train";
  const char* outcome_ = "";
  std::string condition_ = "redundant";
  trial::WrittenStrings written_;          // the string fields' texts as last written (trial::set_static)
  const char* written_phase_ = nullptr;    // idem, the phase field
};

std::unique_ptr<Env> make(const KeyValues& kv) {
  const RedundantRelevantCueConfig c = options().parse(kv);
  if (c.weak_cue >= c.n_cues)
    throw UsageError(std::string(kId) + ": weak_cue = " + std::to_string(c.weak_cue) + " must be -1 or a location in [0, " +
                     std::to_string(c.n_cues - 1) + "] (n_cues = " + std::to_string(c.n_cues) + ")");
  if (c.n_cues < 2 && c.schedule != "train" && c.test_conditions == "conflict")
    throw UsageError(std::string(kId) + ": test_conditions = conflict needs n_cues >= 2, got n_cues = " + std::to_string(c.n_cues));
  const int fix = trial::steps_of(kId, "fixation_ms", c.fixation_ms, c.dt_ms);
  const int att = trial::steps_of(kId, "attend_ms", c.attend_ms, c.dt_ms);
  const int resp = trial::steps_of(kId, "response_ms", c.response_ms, c.dt_ms);
  if (att < 1 || resp < 1)
    throw UsageError(std::string(kId) + ": attend_ms and response_ms must be at least one step (dt_ms = " +
                     format_number(c.dt_ms) + "), got " + format_number(c.attend_ms) + " and " + format_number(c.response_ms));
  return std::make_unique<RedundantRelevantCue>(c, fix, att, resp);
}

}  // namespace

EnvEntry redundant_relevant_cue_entry() {
  return {kId,
          "redundant-relevant cues: attend one of several fully predictive cues, respond; test with single and conflicting cues",
          RedundantRelevantCue::make_spec(RedundantRelevantCueConfig{}, 1).source,
          options().docs(),
          make,
          {{{"schedule", "train_then_test"}, {"train_trials", "3"}, {"trials_per_episode", "4"}, {"noise_sd", "0.1"}},
           {{"schedule", "test"}, {"n_cues", "3"}, {"n_responses", "3"}, {"weak_cue", "2"}, {"test_feedback", "true"},
            {"fixation_reward", "0.1"}, {"abort_reward", "-0.2"}}},
          // chance: the correct response is uniform over the responses
          [](const KeyValues& kv) { return 1.0 / options().parse(kv).n_responses; },
          // the battery: training (redundant cues) and a test block of single cues, one of them weak
          {{}, {{"schedule", "test"}, {"test_conditions", "single"}, {"weak_cue", "1"}}}};
}

}  // namespace sgym
