// CurveTracing-v0: the curve-tracing task of the Roelfsema lab (Roelfsema, Lamme & Spekreijse 1998;
// reviewed in Roelfsema & Holtmaat 2018, Nat Rev Neurosci 19:166, Fig. 4), on a small retina as in
// the RELEARNN model (Brosch-like grid stimuli; "Recurrent neural networks that learn multi-step
// visual routines with reinforcement learning", PLoS Comput Biol 2024, doi 10.1371/journal.pcbi.1012030).
//
// The subject fixates a fixation point (FP); curves appear while it holds fixation: the target curve
// starts at the FP, each distractor curve starts elsewhere, and every curve ends in a saccade target.
// When the FP goes off the subject makes a saccade to the target at the end of the target curve.
// The only way to know which target that is, is to trace the curve from the FP.
//
// The action is the pixel the eye looks at (Discrete(grid²)): fixating is looking at the FP pixel and
// the saccade is a look at another pixel. Targets move from trial to trial, so a location code is
// what a saccade is; a "target index" would need an ordering of the targets that the retina does not
// give. Looking anywhere but the FP before it goes off breaks fixation and aborts the trial.
#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "common/trial.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

constexpr const char* kId = "CurveTracing-v0";

/// Every option, its default and unit.
struct CurveTracingConfig {
  int grid = 15;                   // retina side, pixels (issue default; a small RELEARNN-like grid)
  double dt_ms = 50.0;             // simulation step [unverified]
  double fixate_ms = 300.0;        // fixation before the curves appear, ~300 ms (SCIENCE.md) [unverified]
  double curves_ms = 600.0;        // curves shown while fixation is held, ~600 ms (SCIENCE.md) [unverified]
  double response_ms = 500.0;      // window for the saccade after the FP goes off [unverified]
  int min_length = 3;              // shortest curve, pixels including both ends
  int max_length = 9;              // longest curve, pixels; RELEARNN trained on curves up to 9 px
  int distractors = 1;             // distractor curves, 1 as in the classic task (1-10)
  std::string contact = "none";    // none: curves keep >= 1 empty pixel apart; touch; cross
  std::string split = "all";       // curve shapes used: all, train or heldout
  double heldout_fraction = 0.2;   // fraction of target-curve shapes held out [choice]
  int split_seed = 0;              // seed of the shape split (independent of the trial stream)
  double correct_reward = 1.0;     // saccade to the target of the target curve
  double wrong_reward = 0.0;       // saccade anywhere else
  double fixation_reward = 0.0;    // paid when the FP goes off with fixation held (shaping; 0 = off)
  double abort_penalty = 0.0;      // reward when fixation is broken before the FP goes off
  int trials_per_episode = 1;      // trials per episode
};

const OptionSet<CurveTracingConfig>& options() {
  static const OptionSet<CurveTracingConfig> set = [] {
    using C = CurveTracingConfig;
    OptionSet<C> s(kId);
    s.add("grid", &C::grid, "pixels", "retina side (grid x grid pixels)", 5, 64)
        .add("dt_ms", &C::dt_ms, "ms", "simulation step [unverified]", 1.0, 1000.0)
        .add("fixate_ms", &C::fixate_ms, "ms", "fixation before the curves appear, ~300 ms as in the Roelfsema-lab task [unverified]", 0.0, 10000.0)
        .add("curves_ms", &C::curves_ms, "ms", "curves shown while fixation is held, ~600 ms [unverified]", 0.0, 10000.0)
        .add("response_ms", &C::response_ms, "ms", "window for the saccade after the FP goes off [unverified]", 1.0, 10000.0)
        .add("min_length", &C::min_length, "pixels", "shortest curve, pixels including both ends", 2, 200)
        .add("max_length", &C::max_length, "pixels", "longest curve; RELEARNN (PLoS CB 2024) trained on curves up to 9 px", 2, 200)
        .add("distractors", &C::distractors, "curves", "number of distractor curves; 1 in the classic task, RELEARNN also tested 10", 1, 10)
        .add_choice("contact", &C::contact, {"none", "touch", "cross"},
                    "none: different curves never share or neighbour a pixel (8-neighbourhood), so tracing is unambiguous; touch: they may neighbour; cross: they may share pixels (never an end)")
        .add_choice("split", &C::split, {"all", "train", "heldout"},
                    "target-curve shapes used: all, the training set, or the held-out set (shape = the step sequence from the FP)")
        .add("heldout_fraction", &C::heldout_fraction, "", "fraction of target-curve shapes in the held-out set [choice]", 0.0, 1.0)
        .add("split_seed", &C::split_seed, "", "seed of the train/held-out split of shapes", 0, 1000000000)
        .add("correct_reward", &C::correct_reward, "", "reward for the saccade to the target at the end of the target curve", -100.0, 100.0)
        .add("wrong_reward", &C::wrong_reward, "", "reward for a saccade to any other pixel", -100.0, 100.0)
        .add("fixation_reward", &C::fixation_reward, "", "reward when the FP goes off with fixation held (shaping; 0 = off)", -100.0, 100.0)
        .add("abort_penalty", &C::abort_penalty, "", "reward when fixation is broken before the FP goes off", -100.0, 100.0)
        .add("trials_per_episode", &C::trials_per_episode, "trials", "trials per episode", 1, 100000);
    return s;
  }();
  return set;
}

/// Stimulus generator: non-allocating after construction.
class CurveGenerator {
 public:
  CurveGenerator(const CurveTracingConfig& c)
      : cfg_(c), g_(c.grid), owner_(static_cast<std::size_t>(g_ * g_), -1) {
    curves_.resize(static_cast<std::size_t>(c.distractors + 1));
    for (auto& cv : curves_) cv.reserve(static_cast<std::size_t>(c.max_length));
  }

  /// Draws a stimulus; false when no valid one was found in many attempts.
  bool generate(Rng& rng) {
    for (int attempt = 0; attempt < 2000; ++attempt) {
      std::fill(owner_.begin(), owner_.end(), -1);
      bool ok = true;
      for (int c = 0; c < static_cast<int>(curves_.size()) && ok; ++c) ok = place_curve(c, rng);
      if (ok) return true;
    }
    return false;
  }

  /// Pixels of curve c in order (curve 0 is the target curve; its first pixel is the FP).
  const std::vector<int>& curve(int c) const { return curves_[static_cast<std::size_t>(c)]; }
  int count() const { return static_cast<int>(curves_.size()); }

  /// True when the step sequence of `pixels` belongs to the held-out shapes.
  static bool heldout_shape(const std::vector<int>& pixels, int grid, int split_seed, double fraction) {
    std::uint64_t h = mix_seed(static_cast<std::uint64_t>(split_seed), pixels.size());
    for (std::size_t k = 1; k < pixels.size(); ++k) {
      const int d = pixels[k] - pixels[k - 1];
      const std::uint64_t dir = d == 1 ? 0 : d == -1 ? 1 : d == grid ? 2 : 3;
      h = mix_seed(h, dir + 1);
    }
    return static_cast<double>(h >> 11) * 0x1.0p-53 < fraction;
  }

 private:
  // places curve c with up to 100 tries; the target curve also respects the shape split
  bool place_curve(int c, Rng& rng) {
    auto& cv = curves_[static_cast<std::size_t>(c)];
    const int length = cfg_.min_length + static_cast<int>(rng.below(static_cast<std::uint64_t>(cfg_.max_length - cfg_.min_length + 1)));
    for (int tries = 0; tries < 100; ++tries) {
      cv.clear();
      const int start = static_cast<int>(rng.below(static_cast<std::uint64_t>(g_ * g_)));
      if (!allowed(c, start, cv, true)) continue;
      cv.push_back(start);
      while (static_cast<int>(cv.size()) < length) {
        const int last = cv.back(), r = last / g_, col = last % g_;
        std::array<int, 4> cand{};
        int n = 0;
        const int nb[4][2] = {{0, 1}, {0, -1}, {1, 0}, {-1, 0}};
        for (const auto& d : nb) {
          const int rr = r + d[0], cc = col + d[1];
          if (rr < 0 || rr >= g_ || cc < 0 || cc >= g_) continue;
          const int p = rr * g_ + cc;
          const bool end = static_cast<int>(cv.size()) + 1 == length;
          if (allowed(c, p, cv, end)) cand[static_cast<std::size_t>(n++)] = p;
        }
        if (n == 0) break;
        cv.push_back(cand[rng.below(static_cast<std::uint64_t>(n))]);
      }
      if (static_cast<int>(cv.size()) < length) continue;
      if (c == 0 && cfg_.split != "all") {
        const bool held = heldout_shape(cv, g_, cfg_.split_seed, cfg_.heldout_fraction);
        if (held != (cfg_.split == "heldout")) continue;
      }
      for (int p : cv) if (owner_[static_cast<std::size_t>(p)] < 0) owner_[static_cast<std::size_t>(p)] = c;
      return true;
    }
    return false;
  }

  // may pixel p join curve c (whose pixels so far are cv)? `end` marks a curve end (FP or target)
  bool allowed(int c, int p, const std::vector<int>& cv, bool end) const {
    const int r = p / g_, col = p % g_;
    const int own = owner_[static_cast<std::size_t>(p)];
    if (own >= 0 && (cfg_.contact != "cross" || end || is_end(c, p))) return false;
    for (std::size_t k = 0; k < cv.size(); ++k) if (cv[k] == p) return false;
    const std::size_t n = cv.size();
    for (int dr = -1; dr <= 1; ++dr)
      for (int dc = -1; dc <= 1; ++dc) {
        if (dr == 0 && dc == 0) continue;
        const int rr = r + dr, cc = col + dc;
        if (rr < 0 || rr >= g_ || cc < 0 || cc >= g_) continue;
        const int q = rr * g_ + cc;
        // the curve itself: only the previous pixel may be a 4-neighbour, and only the previous
        // two may be 8-neighbours (a corner), so a curve never touches itself
        for (std::size_t k = 0; k < n; ++k) {
          if (cv[k] != q) continue;
          const bool four = dr == 0 || dc == 0;
          if (k + 1 == n) continue;
          if (k + 2 == n && !four) continue;
          return false;
        }
        // other curves: no neighbours unless touching or crossing is allowed
        const int o = owner_[static_cast<std::size_t>(q)];
        if (o >= 0 && o != c && cfg_.contact == "none") return false;
      }
    return true;
  }

  // is p an end of a curve placed before curve c?
  bool is_end(int c, int p) const {
    for (int k = 0; k < c; ++k) {
      const auto& cv = curves_[static_cast<std::size_t>(k)];
      if (cv.front() == p || cv.back() == p) return true;
    }
    return false;
  }

  const CurveTracingConfig& cfg_;
  int g_;
  std::vector<int> owner_;                 // curve that first claimed each pixel, -1 = empty
  std::vector<std::vector<int>> curves_;   // pixel indices (row * grid + col) per curve
};

class CurveTracing final : public Env {
 public:
  static constexpr const char* kEpochs[] = {"fixate", "curves", "go"};

  CurveTracing(const CurveTracingConfig& c, const trial::EpochSchedule& schedule)
      : Env(make_spec(c, schedule.total()), Space::box(0.0f, 1.0f, {3, c.grid, c.grid}),
            Space::discrete(static_cast<std::int64_t>(c.grid) * c.grid)),
        cfg_(c), g_(c.grid), schedule_(schedule), gen_(cfg_), mask_(static_cast<std::size_t>(g_ * g_), 0.0f),
        along_(static_cast<std::size_t>(g_ * g_), -1.0f),
        go_start_(schedule.start_of("go")) {}

  static EnvSpec make_spec(const CurveTracingConfig& c, int trial_steps) {
    EnvSpec s;
    s.id = kId;
    s.max_episode_steps = trial_steps * c.trials_per_episode;
    s.dt_ms = c.dt_ms;
    s.reward_min = std::min({0.0, c.correct_reward, c.wrong_reward, c.abort_penalty,
                             c.fixation_reward, c.fixation_reward + c.correct_reward,
                             c.fixation_reward + c.wrong_reward});
    s.reward_max = std::max({0.0, c.correct_reward, c.wrong_reward, c.abort_penalty,
                             c.fixation_reward, c.fixation_reward + c.correct_reward,
                             c.fixation_reward + c.wrong_reward});
    s.render_fps = 1000.0 / c.dt_ms;
    s.trial_based = true;
    s.epochs.assign(std::begin(kEpochs), std::end(kEpochs));
    const auto n = static_cast<std::size_t>(c.grid * c.grid);
    s.obs_layout = {{"curves", 0, n, "1 at every curve pixel (target and distractor curves, ends included), row-major"},
                    {"fixation_point", n, n, "1 at the fixation point while it is on (fixate and curves epochs)"},
                    {"targets", 2 * n, n, "1 at the saccade target at the end of every curve"}};
    s.source = "Roelfsema, Lamme & Spekreijse 1998, Nature 395:376 (curve tracing); Roelfsema & Holtmaat 2018, "
               "Nat Rev Neurosci 19:166, Fig. 4; grid version as in RELEARNN, PLoS Comput Biol 2024, "
               "doi:10.1371/journal.pcbi.1012030";
    return s;
  }

  void draw(DrawList& out) const override {
    const float G = static_cast<float>(g_);
    out.camera = {-0.5f, -1.5f, G + 0.5f, G + 0.5f};
    out.background = {90, 90, 90, 255};
    auto center = [&](int p) { return Vec2{(p % g_) + 0.5f, G - 1.0f - (p / g_) + 0.5f}; };
    auto square = [&](int p, Color col) {
      const Vec2 c = center(p);
      out.polygons.push_back({{{c.x - 0.45f, c.y - 0.45f}, {c.x + 0.45f, c.y - 0.45f},
                               {c.x + 0.45f, c.y + 0.45f}, {c.x - 0.45f, c.y + 0.45f}}, col});
    };
    // the retina as the subject sees it: curves, targets, fixation point
    out.polygons.push_back({{{0, 0}, {G, 0}, {G, G}, {0, G}}, {110, 110, 110, 255}});
    const std::size_t n = static_cast<std::size_t>(g_ * g_);
    for (std::size_t p = 0; p < n; ++p)
      if (obs_[p] > 0.5f) square(static_cast<int>(p), {235, 235, 235, 255});
    for (std::size_t p = 0; p < n; ++p)
      if (obs_[2 * n + p] > 0.5f) out.circles.push_back({center(static_cast<int>(p)), 0.45f, {230, 40, 40, 255}, {0, 0, 0, 255}, 0.05f});
    for (std::size_t p = 0; p < n; ++p)
      if (obs_[n + p] > 0.5f) out.circles.push_back({center(static_cast<int>(p)), 0.25f, {20, 20, 20, 255}, {255, 255, 255, 255}, 0.05f});
    // where the eye looks
    if (gaze_ >= 0) out.circles.push_back({center(gaze_), 0.6f, {0, 0, 0, 0}, {255, 220, 0, 255}, 0.12f});
    out.texts.push_back({{0.0f, -1.2f}, std::string(epoch_) + "  trial " + std::to_string(trial_) +
                                             (last_outcome_.empty() ? "" : "  " + last_outcome_), 0.6f, {255, 255, 255, 255}});
  }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t>) override {
    trial_ = 0;
    gaze_ = -1;
    last_outcome_.clear();
    start_trial();
    outcome_ = "";
    fill_info();
    return reset_result();
  }

  StepResult do_step(const Action& a) override {
    const int look = static_cast<int>(a.index);
    gaze_ = look;
    double reward = 0.0;
    outcome_ = "";
    const std::string_view epoch = schedule_.at(t_);
    if (epoch != "go") {
      // fixation must be held until the FP goes off
      if (look != fp_) {
        outcome_ = "aborted";
        reward = cfg_.abort_penalty;
      } else if (++t_ == go_start_) {
        reward = cfg_.fixation_reward;
      }
    } else if (look != fp_) {
      // a saccade away from the FP is the choice
      const bool hit = look == target_;
      outcome_ = hit ? "correct" : "wrong";
      reward = hit ? cfg_.correct_reward : cfg_.wrong_reward;
    } else if (++t_ >= schedule_.total()) {
      outcome_ = "timeout";
    }
    if (*outcome_ == '\0') {
      render();
      fill_info();
      return step_result(reward, false);
    }
    // the trial ended: info describes it; the observation is the next trial's first frame
    fill_info();
    info_.set(info_keys::kGroundTruth, std::int64_t{-1});
    last_outcome_ = outcome_;
    const bool done = trial_ >= cfg_.trials_per_episode;
    if (!done) {
      start_trial();
    } else {
      std::fill(obs_.begin(), obs_.end(), 0.0f);
    }
    return step_result(reward, done);
  }

 private:
  void start_trial() {
    ++trial_;
    t_ = 0;
    if (!gen_.generate(rng_))
      throw std::runtime_error(std::string(kId) + ": could not draw a stimulus (grid too small for the curves?)");
    const auto& tc = gen_.curve(0);
    fp_ = tc.front();
    target_ = tc.back();
    condition_ = "length_";
    condition_ += std::to_string(tc.size());
    std::fill(mask_.begin(), mask_.end(), 0.0f);
    std::fill(along_.begin(), along_.end(), -1.0f);
    for (std::size_t k = 0; k < tc.size(); ++k) {
      mask_[static_cast<std::size_t>(tc[k])] = 1.0f;
      along_[static_cast<std::size_t>(tc[k])] = static_cast<float>(k);
    }
    render();
  }

  // draws the retina for the current epoch
  void render() {
    std::fill(obs_.begin(), obs_.end(), 0.0f);
    const std::size_t n = static_cast<std::size_t>(g_ * g_);
    epoch_ = schedule_.at(t_);
    if (epoch_ != "go") obs_[n + static_cast<std::size_t>(fp_)] = 1.0f;
    if (epoch_ == "fixate") return;
    for (int c = 0; c < gen_.count(); ++c) {
      for (int p : gen_.curve(c)) obs_[static_cast<std::size_t>(p)] = 1.0f;
      obs_[2 * n + static_cast<std::size_t>(gen_.curve(c).back())] = 1.0f;
    }
  }

  void fill_info() {
    info_.set(info_keys::kEpoch, epoch_);
    info_.set(info_keys::kGroundTruth, std::int64_t{epoch_ == "go" ? target_ : fp_});
    info_.set(info_keys::kTrial, std::int64_t{trial_});
    info_.set(info_keys::kTrialOutcome, outcome_);
    info_.set("condition", condition_);
    info_.set("split", cfg_.split);
    info_.set("fixation_point", std::int64_t{fp_});
    info_.set("target", std::int64_t{target_});
    info_.set("target_length", std::int64_t{static_cast<std::int64_t>(gen_.curve(0).size())});
    info_.set("gaze", std::int64_t{gaze_});
    info_.set("target_mask", mask_);
    info_.set("target_curve_index", along_);
  }

  CurveTracingConfig cfg_;
  int g_;
  trial::EpochSchedule schedule_;
  CurveGenerator gen_;
  std::vector<float> mask_;       // 1 on the target curve's pixels
  std::vector<float> along_;      // distance along the target curve from the FP (pixels), -1 off it
  int go_start_;                  // first step of the go epoch
  int t_ = 0, trial_ = 0, fp_ = 0, target_ = 0, gaze_ = -1;
  std::string_view epoch_ = "fixate";
  const char* outcome_ = "";
  std::string last_outcome_;
  std::string condition_;         // trial type: "length_<pixels of the target curve>"
};

std::unique_ptr<Env> make(const KeyValues& kv) {
  const CurveTracingConfig c = options().parse(kv);
  if (c.min_length > c.max_length)
    throw UsageError(std::string(kId) + ": min_length = " + std::to_string(c.min_length) +
                     " must be <= max_length = " + std::to_string(c.max_length));
  if (c.split != "all" && (c.heldout_fraction <= 0.0 || c.heldout_fraction >= 1.0))
    throw UsageError(std::string(kId) + ": split = " + c.split + " needs heldout_fraction in (0, 1), got " +
                     format_number(c.heldout_fraction));
  trial::EpochSchedule s;
  s.add("fixate", trial::steps_of(kId, "fixate_ms", c.fixate_ms, c.dt_ms));
  s.add("curves", trial::steps_of(kId, "curves_ms", c.curves_ms, c.dt_ms));
  s.add("go", trial::steps_of(kId, "response_ms", c.response_ms, c.dt_ms));
  if (s.end_of("curves") == s.start_of("curves"))
    throw UsageError(std::string(kId) + ": curves_ms = " + format_number(c.curves_ms) +
                     " must be at least one step (the curves appear while fixation is held)");
  if (s.end_of("go") == s.start_of("go"))
    throw UsageError(std::string(kId) + ": response_ms = " + format_number(c.response_ms) + " must be at least one step");
  // the stimulus must be drawable: probe a few draws with a fixed stream
  {
    CurveGenerator probe(c);
    Rng rng(12345);
    for (int i = 0; i < 20; ++i)
      if (!probe.generate(rng))
        throw UsageError(std::string(kId) + ": " + std::to_string(c.distractors + 1) + " curves of " +
                         std::to_string(c.min_length) + "-" + std::to_string(c.max_length) +
                         " pixels (contact = " + c.contact + ", split = " + c.split +
                         ") could not be drawn on a grid of " + std::to_string(c.grid) + " x " + std::to_string(c.grid) +
                         ": they do not fit, or no target shape of these lengths is in the " + c.split +
                         " set; use a larger grid, other lengths or fewer distractors");
  }
  return std::make_unique<CurveTracing>(c, s);
}

}  // namespace

EnvEntry curve_tracing_entry() {
  return {kId,
          "curve tracing: saccade to the target at the end of the curve that starts at the fixation point",
          CurveTracing::make_spec(CurveTracingConfig{}, 1).source,
          options().docs(),
          make,
          {{{"distractors", "3"}, {"trials_per_episode", "3"}, {"fixation_reward", "0.2"}, {"abort_penalty", "-0.1"}},
           {{"split", "heldout"}, {"contact", "cross"}, {"grid", "9"}, {"max_length", "6"}}}};
}

}  // namespace sgym
