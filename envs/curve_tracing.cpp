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
// give. Looking anywhere but the FP before it goes off breaks fixation and aborts the trial. A gaze
// channel shows where the eye is, so after the FP goes off the start of the target curve is still
// marked (the monkey's eye is still on it) and the task is solvable from the current frame.
//
// Option `routine` gives the two composite routines of the same paper (Fig 2): search_trace (find
// the curve whose marker has the cued colour, trace it to its target) and trace_search (trace the
// curve from the FP to a coloured marker, then saccade to the target of that colour); the monkey
// versions are Moro, Tolboom, Khayat & Roelfsema 2010, J Neurosci 30:16293. A fourth choice,
// trace_marker, is the first stage of the paper's trace_search curriculum: the stimuli of
// trace_search without the search targets, the saccade going to the marker at the end of the FP's curve.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>

#include "common/trial.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

constexpr const char* kId = "CurveTracing-v0";

/// Every option, its default and unit.
struct CurveTracingConfig {
  int grid_px = 15;                // retina side, pixels (issue default; a small RELEARNN-like grid)
  double dt_ms = 50.0;             // simulation step [unverified]
  double fixation_ms = 300.0;      // fixation before the curves appear, ~300 ms (Roelfsema, Lamme & Spekreijse 1998) [unverified]
  double curves_ms = 600.0;        // curves shown while fixation is held, ~600 ms (Roelfsema, Lamme & Spekreijse 1998) [unverified]
  double response_ms = 500.0;      // window for the saccade after the FP goes off [unverified]
  int min_length_px = 5;           // shortest curve, pixels including both ends
  int max_length_px = 9;           // longest curve, pixels; RELEARNN trained on curves up to 9 px
  int n_distractors = 1;           // distractor curves, 1 as in the classic task (1-10)
  std::string routine = "trace";   // trace | search_trace | trace_search | trace_marker (Mollard et al. 2024, Fig 2)
  std::string balance = "ranks";   // ranks: the correct target's rank by distance and direction from the FP is uniform; none: not enforced
  std::string contact = "none";    // none: curves keep >= 1 empty pixel apart; touch: corners; cross: X-crossings
  double straightness = 0.0;       // P(the curve-drawing walk goes straight on when it may) [choice]; 0 = uniform steps
  std::string split = "all";       // curve shapes used: all, train or heldout
  double heldout_fraction = 0.2;   // fraction of target-curve shapes held out [choice]
  int split_seed = 0;              // seed of the shape split (independent of the trial stream)
  double correct_reward = 1.0;     // saccade to the target of the target curve
  double wrong_reward = 0.0;       // saccade anywhere else
  double fixation_reward = 0.0;    // paid when the FP goes off with fixation held (shaping; 0 = off)
  double abort_reward = 0.0;       // reward when fixation is broken before the FP goes off (negative = a penalty)
  int trials_per_episode = 1;      // trials per episode
};

const OptionSet<CurveTracingConfig>& options() {
  static const OptionSet<CurveTracingConfig> set = [] {
    using C = CurveTracingConfig;
    OptionSet<C> s(kId);
    s.add("grid_px", &C::grid_px, "pixels", "retina side (grid_px x grid_px pixels)", 5, 64)
        .deprecated_alias("grid")
        .add("dt_ms", &C::dt_ms, "ms", "simulation step [unverified]", 1.0, 1000.0)
        .add("fixation_ms", &C::fixation_ms, "ms", "fixation epoch (info epoch 'fixate'): the FP alone before the curves appear, ~300 ms as in the Roelfsema-lab task [unverified]", 0.0, 10000.0)
        .deprecated_alias("fixate_ms")
        .add("curves_ms", &C::curves_ms, "ms", "curves shown while fixation is held, ~600 ms [unverified]", 0.0, 10000.0)
        .add("response_ms", &C::response_ms, "ms", "response window (info epoch 'go'): time for the saccade after the FP goes off [unverified]", 1.0, 10000.0)
        .add("min_length_px", &C::min_length_px, "pixels", "shortest curve, pixels including both ends", 2, 200)
        .deprecated_alias("min_length")
        .add("max_length_px", &C::max_length_px, "pixels", "longest curve; RELEARNN (PLoS CB 2024) trained on curves up to 9 px", 2, 200)
        .deprecated_alias("max_length")
        .add("n_distractors", &C::n_distractors, "curves", "number of distractor curves; 1 in the classic task, RELEARNN also tested 10", 1, 10)
        .deprecated_alias("distractors")
        .add_choice("routine", &C::routine, {"trace", "search_trace", "trace_search", "trace_marker"},
                    "trace: saccade to the target at the end of the curve connected to the FP; search_trace: find the marker of the cued colour (the FP's colour), trace its curve and saccade to the target at its end; trace_search: trace the curve connected to the FP to a coloured marker, then saccade to the target of that colour (Mollard et al. 2024, PLoS Comput Biol 20:e1012030, Fig 2; Moro et al. 2010, J Neurosci 30:16293); trace_marker: the first stage of that paper's trace_search curriculum (the authors' code trains tracing to the marker before adding the search): trace_search's curves and coloured markers without the search targets, each marker being its curve's saccade target, the correct one at the end of the curve from the FP. The composite routines (all but trace) add one colour channel per curve to the observation")
        .add_choice("balance", &C::balance, {"ranks", "none"},
                    "ranks: the correct target's rank among the targets by distance from the start of the correct curve (k distractors nearer, k uniform), and by how far its direction deviates from the direction in which that curve leaves its start (n_distractors - k better aligned; in search_trace: by distance from the FP, k nearer), are drawn once per trial and met exactly, so neither tells which target is correct (every shortcut subject at chance); takes at most 3 distractors and curves of >= 5 px, refuses what it cannot lay out. none: not enforced (for curricula of short curves and for up to 10 distractors; the nearest target is then often correct)")
        .add_choice("contact", &C::contact, {"none", "touch", "cross"},
                    "none: different curves never share or neighbour a pixel (8-neighbourhood); touch: they may meet corner to corner (diagonal neighbours), never side by side; cross: touch plus right-angle crossings, where both curves run straight through one shared pixel (never at or next to an end, never at a turn or on two consecutive pixels). Every option keeps the curves unambiguous")
        .add("straightness", &C::straightness, "", "probability that the random walk drawing a curve goes straight on when it may, else a uniform step among the allowed ones (0 = uniform) [choice]; clean crossings need straight runs, so raise it with contact = cross", 0.0, 1.0)
        .add_choice("split", &C::split, {"all", "train", "heldout"},
                    "target-curve shapes used: all, the training set, or the held-out set (shape = the step sequence from the FP)")
        .add("heldout_fraction", &C::heldout_fraction, "", "fraction of target-curve shapes in the held-out set [choice]", 0.0, 1.0)
        .add("split_seed", &C::split_seed, "", "seed of the train/held-out split of shapes", 0, 1000000000)
        .add("correct_reward", &C::correct_reward, "", "reward for the saccade to the target at the end of the target curve", -100.0, 100.0)
        .add("wrong_reward", &C::wrong_reward, "", "reward for a saccade to any other pixel", -100.0, 100.0)
        .add("fixation_reward", &C::fixation_reward, "", "reward when the FP goes off with fixation held (shaping; 0 = off)", -100.0, 100.0)
        .add("abort_reward", &C::abort_reward, "", "reward when fixation is broken before the FP goes off: negative punishes (the old name abort_penalty already took this signed reward, so values carry over unchanged)", -100.0, 100.0)
        .deprecated_alias("abort_penalty")
        .add("trials_per_episode", &C::trials_per_episode, "trials", "trials per episode", 1, 100000);
    return s;
  }();
  return set;
}

/// How curves may meet (the `contact` option); each level allows everything the previous one does.
enum class Contact { kNone, kTouch, kCross };

/// The visual routine (the `routine` option; Mollard et al. 2024, PLoS Comput Biol 20:e1012030, Fig 2).
enum class Routine { kTrace, kSearchTrace, kTraceSearch, kTraceMarker };

Routine routine_of(const std::string& r) {
  return r == "trace"          ? Routine::kTrace
         : r == "search_trace" ? Routine::kSearchTrace
         : r == "trace_search" ? Routine::kTraceSearch
                               : Routine::kTraceMarker;
}

/// Stimulus generator: non-allocating after construction.
class CurveGenerator {
 public:
  CurveGenerator(const CurveTracingConfig& c)
      : cfg_(c), g_(c.grid_px),
        contact_(c.contact == "none" ? Contact::kNone : c.contact == "touch" ? Contact::kTouch : Contact::kCross),
        balance_(c.balance == "ranks"), routine_(routine_of(c.routine)),
        owner_(static_cast<std::size_t>(g_ * g_), -1), second_(static_cast<std::size_t>(g_ * g_), -1),
        at_(static_cast<std::size_t>(g_ * g_), -1), row_(static_cast<std::size_t>(g_ * g_)), col_(row_.size()),
        nb4_(4 * row_.size(), -1), nb8_(8 * row_.size(), -1), hypot_(row_.size()),
        near_others_(static_cast<std::size_t>(g_ + 2), 0), near_old_(near_others_.size(), 0), around_(static_cast<std::size_t>(g_)) {
    if (g_ > 64) throw std::logic_error(std::string(kId) + ": the bit boards hold rows of up to 64 pixels, grid_px = " + std::to_string(g_));
    for (int col = 0; col < g_; ++col)
      for (int cc = std::max(col - 1, 0); cc <= std::min(col + 1, g_ - 1); ++cc) around_[static_cast<std::size_t>(col)] |= bit(cc);
    for (int p = 0; p < g_ * g_; ++p) {
      const auto ps = static_cast<std::size_t>(p);
      row_[ps] = p / g_;
      col_[ps] = p % g_;
      // |dr| = row, |dc| = col: hypot of integer offsets (exactly std::hypot's value; it ignores signs)
      hypot_[ps] = std::hypot(static_cast<double>(p / g_), static_cast<double>(p % g_));
      for (std::size_t i = 0; i < 4; ++i)
        nb4_[4 * ps + i] = neighbour(p, kStep4[i][0], kStep4[i][1]);
      for (std::size_t i = 0; i < 8; ++i)
        nb8_[8 * ps + i] = neighbour(p, kStep8[i][0], kStep8[i][1]);
    }
    curves_.resize(static_cast<std::size_t>(c.n_distractors + 1));
    for (auto& cv : curves_) cv.reserve(static_cast<std::size_t>(c.max_length_px));
    lengths_.resize(curves_.size());
    nearer_.resize(curves_.size());
    aligned_.resize(curves_.size());
    targets_.reserve(curves_.size());
    starts_.reserve(static_cast<std::size_t>(g_ * g_));
    colour_.resize(curves_.size());
    written_.reserve(curves_.size() * static_cast<std::size_t>(c.max_length_px));
  }

  /// Layouts tried for one stimulus before giving up (construction probes the hardest ranks with
  /// it); the lengths and which distractors are nearer / better aligned are redrawn every kRedraw.
  static constexpr int kMaxAttempts = 4000;
  static constexpr int kRedraw = 200;

  /// Draws a stimulus: first its ranks (what the distance and direction shortcuts could use), then a
  /// layout that meets them; false when none was found in kMaxAttempts layouts. `rank` fixes the
  /// number of distractors whose target is nearer the anchor than the correct one (-1: uniform).
  bool generate(Rng& rng, int rank = -1) {
    const std::size_t d = curves_.size() - 1;
    const std::size_t k = rank >= 0 ? static_cast<std::size_t>(rank) : rng.below(d + 1);
    for (int attempt = 0; attempt < kMaxAttempts; attempt += kRedraw) {
      draw_plan(rng, k);
      if (layout(rng, kRedraw)) return true;
    }
    return false;
  }

  /// The plan. The correct target's rank among the targets by distance from the anchor (the start
  /// of the correct curve: the FP, or the cued marker in search_trace) is k (k distractors nearer),
  /// drawn uniformly over 0..distractors, and its rank by direction (how much its direction from
  /// the anchor deviates from the direction in which the correct curve leaves it) is distractors - k
  /// (that many distractors better aligned). Both are drawn once per stimulus and never redrawn, so
  /// each is exactly uniform whatever layouts fail (a redraw of the ranks after failed layouts would
  /// favour the ranks that are easy to lay out, the nearest target). The ranks are coupled as the
  /// geometry couples them (a far target tends to lie in the direction the curve leaves in);
  /// independent ranks ask for layouts that hardly fit (the correct target farthest and worst
  /// aligned of four 5-px curves). In search_trace, where no curve leaves the FP, the second rank is
  /// by distance from the FP, k as well. What is redrawn after kRedraw failed layouts: each curve's length
  /// (independently from one uniform distribution) and which distractors (uniform subsets of k and
  /// distractors - k) must end nearer / be better aligned.
  void draw_plan(Rng& rng, std::size_t k) {
    for (auto& l : lengths_)
      l = cfg_.min_length_px + static_cast<int>(rng.below(static_cast<std::uint64_t>(cfg_.max_length_px - cfg_.min_length_px + 1)));
    draw_subset(rng, nearer_, k);
    draw_subset(rng, aligned_, routine_ == Routine::kSearchTrace ? k : curves_.size() - 1 - k);
  }

  /// Lays out the current plan: up to `attempts` geometries (FP and every curve redrawn each time).
  bool layout(Rng& rng, int attempts) {
    for (int attempt = 0; attempt < attempts; ++attempt) {
      for (int p : written_) owner_[static_cast<std::size_t>(p)] = second_[static_cast<std::size_t>(p)] = -1;
      written_.clear();
      std::fill(near_others_.begin(), near_others_.end(), 0);
      // the fixation point, at least two pixels from the border so that curves can start around it
      const int margin = std::min(2, (g_ - 1) / 2);
      fp_ = (margin + static_cast<int>(rng.below(static_cast<std::uint64_t>(g_ - 2 * margin)))) * g_ + margin +
            static_cast<int>(rng.below(static_cast<std::uint64_t>(g_ - 2 * margin)));
      bool ok = true;
      for (int c = 0; c < static_cast<int>(curves_.size()) && ok; ++c) ok = place_curve(c, rng);
      if (ok && routine_ == Routine::kTraceSearch) ok = place_targets(rng);
      if (!ok) continue;
      // each curve its own colour, a uniform permutation (the correct curve's colour is uniform)
      for (std::size_t c = 0; c < colour_.size(); ++c) colour_[c] = static_cast<int>(c);
      if (routine_ != Routine::kTrace)
        for (std::size_t c = colour_.size(); c > 1; --c) std::swap(colour_[c - 1], colour_[rng.below(c)]);
      return true;
    }
    return false;
  }

  /// Pixels of curve c in order (curve 0 is the correct curve: its first pixel is the FP, or the cued
  /// marker in search_trace).
  const std::vector<int>& curve(int c) const { return curves_[static_cast<std::size_t>(c)]; }
  int count() const { return static_cast<int>(curves_.size()); }
  /// The fixation point.
  int fixation_point() const { return fp_; }
  /// The colour of curve c (its marker, and in trace_search its target's): c in the plain trace task.
  int colour(int c) const { return colour_[static_cast<std::size_t>(c)]; }
  /// trace_search: the saccade target of the colour of curve c's marker (pixel), in curve order.
  int colour_target(int c) const { return targets_[static_cast<std::size_t>(c)]; }

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
    const int length = lengths_[static_cast<std::size_t>(c)];
    for (int tries = 0; tries < 40; ++tries) {
      restart(cv);
      const bool at_fp = c == 0 && routine_ != Routine::kSearchTrace;
      const int start = at_fp ? fp_ : near_start(rng, length - 1);
      // (near_start returns an allowed pixel)
      if (start < 0 || (at_fp && !allowed(start, cv, length - 1))) continue;
      extend(cv, start);
      while (static_cast<int>(cv.size()) < length) {
        const int last = cv.back();
        const int remaining = length - static_cast<int>(cv.size()) - 1;
        std::array<int, 4> cand{};
        int n = 0;
        if (owner_[static_cast<std::size_t>(last)] >= 0) {
          // the last pixel crosses another curve: the only way on is straight ahead
          const int straight = 2 * last - cv[cv.size() - 2];
          if (allowed(straight, cv, remaining)) cand[static_cast<std::size_t>(n++)] = straight;
        } else if (const int ahead = contact_ == Contact::kCross ? pending_crossing(last) : -1; ahead >= 0) {
          // the last pixel was admitted as the approach to a crossing: the crossing comes next
          if (allowed(ahead, cv, remaining)) cand[static_cast<std::size_t>(n++)] = ahead;
        } else {
          // with contact = cross, a step that leads into a crossing is taken whenever one is open
          // (a plain random walk would almost never line up with another curve to cross it)
          bool into_crossing = false;
          for (std::size_t i = 0; i < 4; ++i) {
            const int p = nb4_[4 * static_cast<std::size_t>(last) + i];
            if (p < 0 || !allowed(p, cv, remaining)) continue;
            const bool leads = contact_ == Contact::kCross && pending_crossing(p) >= 0;
            if (leads && !into_crossing) n = 0;
            if (leads || !into_crossing) cand[static_cast<std::size_t>(n++)] = p;
            into_crossing = into_crossing || leads;
          }
        }
        if (n == 0) break;
        // straight on with probability `straightness`, when that step is allowed
        const int straight = cv.size() >= 2 ? 2 * last - cv[cv.size() - 2] : -1;
        if (n > 1 && cfg_.straightness > 0.0 && std::find(cand.begin(), cand.begin() + n, straight) != cand.begin() + n &&
            rng.bernoulli(cfg_.straightness)) {
          extend(cv, straight);
          continue;
        }
        extend(cv, cand[rng.below(static_cast<std::uint64_t>(n))]);
      }
      if (static_cast<int>(cv.size()) < length) continue;
      if (c > 0 && balance_ && !ranked(c)) continue;
      if (c == 0 && cfg_.split != "all") {
        const bool held = heldout_shape(cv, g_, cfg_.split_seed, cfg_.heldout_fraction);
        if (held != (cfg_.split == "heldout")) continue;
      }
      for (int p : cv) {
        auto& own = owner_[static_cast<std::size_t>(p)];
        (own < 0 ? own : second_[static_cast<std::size_t>(p)]) = c;
        written_.push_back(p);
        mark_around(near_others_, p);
      }
      forget(cv);
      return true;
    }
    restart(cv);
    return false;
  }

  // the curve being drawn: at_ holds the index in cv of each of its pixels (-1 elsewhere), so that
  // "is q on the curve, and where" is one look-up, and near_old_ marks the pixels next to or on its
  // pixels but the last two. extend() appends p, forget() clears both, restart() also empties cv
  void extend(std::vector<int>& cv, int p) {
    at_[static_cast<std::size_t>(p)] = static_cast<int>(cv.size());
    cv.push_back(p);
    if (cv.size() >= 3) mark_around(near_old_, cv[cv.size() - 3]);
  }
  void forget(const std::vector<int>& cv) {
    for (int p : cv) {
      at_[static_cast<std::size_t>(p)] = -1;
      // near_old_ holds only what the pixels of cv marked: the rows around each
      const auto r = static_cast<std::size_t>(row_[static_cast<std::size_t>(p)]);
      near_old_[r] = near_old_[r + 1] = near_old_[r + 2] = 0;
    }
  }
  // marks on a bit board the 3 x 3 pixels around p (those on the grid)
  void mark_around(std::vector<std::uint64_t>& board, int p) const {
    const auto ps = static_cast<std::size_t>(p), r = static_cast<std::size_t>(row_[ps]);
    const std::uint64_t m = around_[static_cast<std::size_t>(col_[ps])];
    board[r] |= m;
    board[r + 1] |= m;
    board[r + 2] |= m;
  }
  void restart(std::vector<int>& cv) {
    forget(cv);
    cv.clear();
  }
  static std::uint64_t bit(int col) { return std::uint64_t{1} << col; }

  // the pixel at offset (dr, dc) from p, -1 off the grid
  int neighbour(int p, int dr, int dc) const {
    const int r = p / g_ + dr, col = p % g_ + dc;
    return r < 0 || r >= g_ || col < 0 || col >= g_ ? -1 : r * g_ + col;
  }
  // the offsets of the 4-neighbours in the order the walk lists its candidates, and of the
  // 8-neighbours in row-major order (the 4-neighbours among them are those with dr == 0 or dc == 0)
  static constexpr int kStep4[4][2] = {{0, 1}, {0, -1}, {1, 0}, {-1, 0}};
  static constexpr int kStep8[8][2] = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};
  static constexpr bool kFour8[8] = {false, true, false, true, true, false, true, false};

  // Euclidean distance of pixel p from the FP, and the cosine between its direction from the FP
  // and the direction in which the target curve leaves the FP
  double anchor_distance(int p) const { return distance(p, curves_[0][0]); }
  double alignment(int p) const {
    const auto& tc = curves_[0];
    const int a = tc[0];
    const double ur = row_[static_cast<std::size_t>(tc[1])] - row_[static_cast<std::size_t>(a)],
                 uc = col_[static_cast<std::size_t>(tc[1])] - col_[static_cast<std::size_t>(a)];
    const double pr = row_[static_cast<std::size_t>(p)] - row_[static_cast<std::size_t>(a)],
                 pc = col_[static_cast<std::size_t>(p)] - col_[static_cast<std::size_t>(a)];
    return (ur * pr + uc * pc) / distance(p, a);
  }
  // std::hypot of the row and column offsets of p from a, from the table
  double distance(int p, int a) const {
    const auto ps = static_cast<std::size_t>(p), as = static_cast<std::size_t>(a);
    return hypot_[static_cast<std::size_t>(std::abs(row_[ps] - row_[as]) * g_ + std::abs(col_[ps] - col_[as]))];
  }

  // the second ranked feature of a target (higher = `aligned_`): its alignment; in search_trace,
  // where no curve leaves the FP, its nearness to the FP (the eye), which the cued marker's curve
  // would otherwise win (it is laid out first)
  double second(int p) const {
    return routine_ == Routine::kSearchTrace ? -distance(p, fp_) : alignment(p);
  }

  // flags 1..distractors: k of them 1, a uniformly drawn subset
  void draw_subset(Rng& rng, std::vector<char>& flags, std::size_t k) const {
    const std::size_t d = curves_.size() - 1;
    std::fill(flags.begin(), flags.end(), 0);
    for (std::size_t i = 0; i < k; ++i) flags[1 + i] = 1;
    for (std::size_t i = d; i > 1; --i) std::swap(flags[i], flags[1 + rng.below(i)]);
  }

  // does distractor c's target keep its flags (strictly: it never ties with the correct target)?
  bool ranked(int c) const {
    const int t = curves_[static_cast<std::size_t>(c)].back(), t0 = curves_[0].back();
    const double d = anchor_distance(t), d0 = anchor_distance(t0), a = second(t), a0 = second(t0);
    constexpr double eps = 1e-9;
    const bool nearer = nearer_[static_cast<std::size_t>(c)] != 0, aligned = aligned_[static_cast<std::size_t>(c)] != 0;
    return (nearer ? d < d0 - eps : d > d0 + eps) && (aligned ? a > a0 + eps : a < a0 - eps);
  }

  // a free start for a distractor: uniform over the allowed pixels of the nearest ring (Chebyshev
  // distance 2, 3, ... from the fixation point) that has one; -1 if none
  int near_start(Rng& rng, int remaining) {
    const int fr = fp_ / g_, fc = fp_ % g_;
    if (contact_ == Contact::kNone) return near_start_apart(rng, fr, fc);
    for (int ring = 2; ring < g_; ++ring) {
      starts_.clear();
      // row by row: the whole first and last rows of the ring, its two ends on the rows between
      for (int r = std::max(fr - ring, 0); r <= std::min(fr + ring, g_ - 1); ++r) {
        const int stride = r == fr - ring || r == fr + ring ? 1 : 2 * ring;
        for (int col = fc - ring; col <= fc + ring; col += stride)
          if (col >= 0 && col < g_ && allowed(r * g_ + col, empty_, remaining)) starts_.push_back(r * g_ + col);
      }
      if (!starts_.empty()) return starts_[rng.below(starts_.size())];
    }
    return -1;
  }

  // near_start() for contact = none, on the bit board: a pixel of a ring (two or more pixels from the
  // FP, so search_trace's rule about the FP's neighbours never applies) is allowed when no curve's
  // pixel is in the 3 x 3 around it, so a row of the ring's free pixels is a word of near_others_
  // masked; the same count, draw and row-major order as the pixel-by-pixel scan
  int near_start_apart(Rng& rng, int fr, int fc) const {
    for (int ring = 2; ring < g_; ++ring) {
      const int r0 = std::max(fr - ring, 0), r1 = std::min(fr + ring, g_ - 1);
      // the first and last rows of the ring span its columns, the rows between hold its two ends
      const std::uint64_t span = (std::uint64_t{2} << std::min(fc + ring, g_ - 1)) - bit(std::max(fc - ring, 0));
      const std::uint64_t ends = (fc - ring >= 0 ? bit(fc - ring) : 0) | (fc + ring < g_ ? bit(fc + ring) : 0);
      auto edge = [&](int r) { return r == fr - ring || r == fr + ring; };
      auto free_in = [&](int r) { return ~near_others_[static_cast<std::size_t>(r + 1)] & (edge(r) ? span : ends); };
      int count = 0;
      for (int r = r0; r <= r1; ++r) {
        const std::uint64_t f = free_in(r);
        // (a row between holds at most two bits: counted without std::popcount, a library call
        // on the baseline x86-64 target)
        count += edge(r) ? std::popcount(f) : (f != 0) + ((f & (f - 1)) != 0);
      }
      if (count == 0) continue;
      auto k = static_cast<int>(rng.below(static_cast<std::uint64_t>(count)));
      for (int r = r0;; ++r) {
        std::uint64_t f = free_in(r);
        const int in_row = std::popcount(f);
        if (k < in_row) {
          for (; k > 0; --k) f &= f - 1;  // drop the k lowest columns
          return r * g_ + std::countr_zero(f);
        }
        k -= in_row;
      }
    }
    return -1;
  }

  // trace_search: one saccade target per curve, each uniform over the free pixels that no curve or
  // other target neighbours (8-neighbourhood) and that are not the FP's neighbours; the target of
  // curve c carries curve c's colour, so its place says nothing about which one is correct
  bool place_targets(Rng& rng) {
    targets_.clear();
    for (std::size_t c = 0; c < curves_.size(); ++c) {
      starts_.clear();
      for (int p = 0; p < g_ * g_; ++p) {
        const int r = p / g_, col = p % g_;
        if (std::max(std::abs(r - fp_ / g_), std::abs(col - fp_ % g_)) <= 1) continue;
        bool free = true;
        for (int dr = -1; dr <= 1 && free; ++dr)
          for (int dc = -1; dc <= 1 && free; ++dc) {
            const int rr = r + dr, cc = col + dc;
            if (rr < 0 || rr >= g_ || cc < 0 || cc >= g_) continue;
            const int q = rr * g_ + cc;
            free = owner_[static_cast<std::size_t>(q)] < 0 && !contains(targets_, q);
          }
        if (free) starts_.push_back(p);
      }
      if (starts_.empty()) return false;
      targets_.push_back(starts_[rng.below(starts_.size())]);
    }
    return true;
  }

  // is pixel p on the curve cv?
  static bool contains(const std::vector<int>& cv, int p) { return std::find(cv.begin(), cv.end(), p) != cv.end(); }

  // the 4-neighbour of p (the last pixel of the curve being drawn, or a candidate for the next)
  // that belongs to another curve, -1 if none
  int pending_crossing(int p) const {
    for (std::size_t i = 0; i < 4; ++i) {
      const int q = nb4_[4 * static_cast<std::size_t>(p) + i];
      if (q >= 0 && owner_[static_cast<std::size_t>(q)] >= 0 && at_[static_cast<std::size_t>(q)] < 0) return q;
    }
    return -1;
  }

  // may pixel p join the curve being placed (its pixels so far are cv, `remaining` pixels follow p)?
  // Curves are 4-connected paths. A curve never touches itself: of its own pixels only the previous
  // one may be a 4-neighbour and only the previous two 8-neighbours (a turn). Other curves:
  //   none:  no shared pixel and no 8-neighbour;
  //   touch: 8-neighbours only diagonally (corner to corner), never 4-neighbours or shared pixels;
  //   cross: as touch, plus proper crossings (see crosses()): the pixels just before and after a
  //          crossing are the only pixels that neighbour the other curve side by side.
  // So every 4-connected group of curve pixels is one curve, except that a crossing pixel joins two
  // curves that both run straight through it at right angles.
  // cv is the curve being drawn (at_ indexes it) or empty; p is a 4-neighbour of its last pixel.
  bool allowed(int p, const std::vector<int>& cv, int remaining) const {
    const auto ps = static_cast<std::size_t>(p);
    // search_trace: no curve owns the FP, where the cue is shown; none comes near it either
    if (routine_ == Routine::kSearchTrace &&
        std::max(std::abs(row_[ps] - row_[static_cast<std::size_t>(fp_)]), std::abs(col_[ps] - col_[static_cast<std::size_t>(fp_)])) <= 1)
      return false;
    return contact_ == Contact::kNone ? apart(p, cv) : allowed_contact(p, cv, remaining);
  }

  // allowed() for contact = touch or cross (kept out of line: allowed() stays small for the walk)
  [[gnu::noinline]] bool allowed_contact(int p, const std::vector<int>& cv, int remaining) const {
    const auto ps = static_cast<std::size_t>(p);
    if (on_curve(p, cv)) return false;
    const bool crossing = owner_[ps] >= 0;
    if (crossing && (cv.empty() || !crosses(p, cv.back(), static_cast<int>(cv.size()), remaining, cv))) return false;
    const int n = static_cast<int>(cv.size());
    int pending = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      const int q = nb8_[8 * ps + i];
      if (q < 0) continue;
      const bool four = kFour8[i];
      const auto qs = static_cast<std::size_t>(q);
      if (on_curve(q, cv)) {
        // the corners of a crossing stay empty, also of the curve's own crossings
        if (!four && owner_[qs] >= 0) return false;
        const int k = at_[qs];
        if (k + 1 == n) continue;
        if (k + 2 == n && !four) continue;
        return false;
      }
      if (owner_[qs] < 0) continue;
      if (contact_ == Contact::kNone) return false;
      if (!four) {
        if (second_[qs] >= 0) return false;  // the corners of a crossing stay empty
        continue;
      }
      // a crossing pixel's 4-neighbours are the crossed curve's (checked in crosses()), the
      // previous pixel and the free pixel straight ahead. Elsewhere another curve's pixel may be a
      // 4-neighbour only as the crossing that p leads into next (at most one)
      if (crossing) continue;
      if (cv.empty() || ++pending > 1 || !crosses(q, p, n + 1, remaining - 1, cv)) return false;
    }
    return true;
  }

  // allowed() for contact = none, where p is a 4-neighbour of the last pixel of cv (or cv is empty),
  // on the bit boards: no pixel of another curve in the 3 x 3 pixels around p (near_others_), and
  // of cv's pixels only the last and the one before it (near_old_ marks around the others), which
  // must not be p itself: being a 4-neighbour of the last pixel as p is, it is p or two pixels from
  // p, in line or diagonally, so never a 4-neighbour of p
  bool apart(int p, const std::vector<int>& cv) const {
    const auto ps = static_cast<std::size_t>(p), r = static_cast<std::size_t>(row_[ps] + 1);
    return ((near_others_[r] | near_old_[r]) & bit(col_[ps])) == 0 && (cv.size() < 2 || p != cv[cv.size() - 2]);
  }

  // is pixel q on cv, the curve being drawn (or empty)?
  bool on_curve(int q, const std::vector<int>& cv) const {
    const int k = at_[static_cast<std::size_t>(q)];
    return k >= 0 && k < static_cast<int>(cv.size());
  }

  // may the curve being placed (pixels cv, then prev) cross, at p, the curve that already owns p?
  // p would be its pixel number `index` with `after` pixels after it. Only where both run straight
  // through p at right angles (one horizontal, one vertical), p and its neighbours on both curves are
  // not ends (so never a turn, an end or two consecutive shared pixels), a pixel is shared by two
  // curves at most, and the four corners of p (its diagonal neighbours) are empty: a clean plus.
  bool crosses(int p, int prev, int index, int after, const std::vector<int>& cv) const {
    if (contact_ != Contact::kCross || index < 2 || after < 2) return false;
    if (second_[static_cast<std::size_t>(p)] >= 0 || owner_[static_cast<std::size_t>(prev)] >= 0) return false;
    const auto& oc = curves_[static_cast<std::size_t>(owner_[static_cast<std::size_t>(p)])];
    std::size_t k = 0;
    while (oc[k] != p) ++k;
    if (k < 2 || k + 2 >= oc.size()) return false;
    const int a = oc[k + 1] - oc[k];
    if (oc[k] - oc[k - 1] != a) return false;
    if (second_[static_cast<std::size_t>(oc[k - 1])] >= 0 || second_[static_cast<std::size_t>(oc[k + 1])] >= 0) return false;
    const int d = p - prev;
    const bool horizontal = d == 1 || d == -1;
    if (horizontal == (a == 1 || a == -1)) return false;
    const int r = p / g_, col = p % g_;
    const int rr = r + (horizontal ? 0 : d / g_), cc = col + (horizontal ? d : 0);
    if (rr < 0 || rr >= g_ || cc < 0 || cc >= g_) return false;
    if (owner_[static_cast<std::size_t>(rr * g_ + cc)] >= 0) return false;
    // p is never on the grid's border here (it has neighbours on all four sides)
    for (int dr : {-1, 1})
      for (int dc : {-1, 1}) {
        const int q = (r + dr) * g_ + col + dc;
        if (owner_[static_cast<std::size_t>(q)] >= 0 || on_curve(q, cv)) return false;
      }
    return true;
  }

  const CurveTracingConfig& cfg_;
  int g_;
  Contact contact_;
  bool balance_;                           // enforce the drawn ranks (option balance = ranks)
  Routine routine_;                        // trace, search_trace, trace_search or trace_marker
  std::vector<int> targets_;               // trace_search: the saccade target of each curve's colour
  std::vector<int> colour_;                // colour of each curve
  std::vector<int> owner_;                 // curve that first claimed each pixel, -1 = empty
  std::vector<int> second_;                // the second curve through a crossing pixel, -1 = none
  std::vector<int> written_;               // pixels claimed in this layout (owner_ / second_ to clear)
  std::vector<int> at_;                    // index of each pixel in the curve being drawn, -1 = not on it
  std::vector<int> row_, col_;             // row and column of each pixel
  std::vector<int> nb4_, nb8_;             // per pixel: its 4-neighbours (kStep4) and 8-neighbours (kStep8), -1 off the grid
  std::vector<double> hypot_;              // std::hypot(dr, dc) at dr * grid + dc (dr, dc >= 0)
  // bit boards of the pixels on or next to (8-neighbourhood) a set of pixels, one word per row
  // (bit = column) with an extra row above and below the grid
  std::vector<std::uint64_t> near_others_;  // around the curves laid out so far
  std::vector<std::uint64_t> near_old_;     // around the curve being drawn but its last two pixels
  std::vector<std::uint64_t> around_;      // per column c: the bits of columns c - 1 .. c + 1 on the grid
  std::vector<std::vector<int>> curves_;   // pixel indices (row * grid + col) per curve
  std::vector<int> starts_;                // scratch: candidate distractor starts
  const std::vector<int> empty_;           // no pixels yet
  std::vector<int> lengths_;               // pixels of each curve in this stimulus
  int fp_ = 0;                             // the fixation point (first pixel of curve 0)
  std::vector<char> nearer_, aligned_;     // per distractor: target nearer the FP / better aligned than the correct one
};

class CurveTracing final : public Env {
 public:
  static constexpr const char* kEpochs[] = {"fixate", "curves", "go"};

  CurveTracing(const CurveTracingConfig& c, const trial::EpochSchedule& schedule)
      : Env(make_spec(c, schedule.total()), Space::box(0.0f, 1.0f, {channels(c), c.grid_px, c.grid_px}),
            Space::discrete(static_cast<std::int64_t>(c.grid_px) * c.grid_px)),
        cfg_(c), g_(c.grid_px), schedule_(schedule), gen_(cfg_), mask_(static_cast<std::size_t>(g_ * g_), 0.0f),
        along_(static_cast<std::size_t>(g_ * g_), -1.0f),
        curve_pixels_(static_cast<std::size_t>((c.n_distractors + 1) * c.max_length_px), -1.0f),
        go_start_(schedule.start_of("go")), routine_(routine_of(c.routine)) {}

  /// Observation channels: curves, FP, targets, gaze, then one per colour in the composite routines.
  static int channels(const CurveTracingConfig& c) { return 4 + (c.routine == "trace" ? 0 : c.n_distractors + 1); }

  static EnvSpec make_spec(const CurveTracingConfig& c, int trial_steps) {
    EnvSpec s;
    s.id = kId;
    s.max_episode_steps = trial_steps * c.trials_per_episode;
    s.dt_ms = c.dt_ms;
    s.reward_min = std::min({0.0, c.correct_reward, c.wrong_reward, c.abort_reward,
                             c.fixation_reward, c.fixation_reward + c.correct_reward,
                             c.fixation_reward + c.wrong_reward});
    s.reward_max = std::max({0.0, c.correct_reward, c.wrong_reward, c.abort_reward,
                             c.fixation_reward, c.fixation_reward + c.correct_reward,
                             c.fixation_reward + c.wrong_reward});
    s.render_fps = 1000.0 / c.dt_ms;
    s.trial_based = true;
    s.epochs.assign(std::begin(kEpochs), std::end(kEpochs));
    const auto n = static_cast<std::size_t>(c.grid_px * c.grid_px);
    s.obs_layout = {{"curves", 0, n, "1 at every curve pixel (target and distractor curves, ends included), row-major"},
                    {"fixation_point", n, n, "1 at the fixation point while it is on (fixate and curves epochs)"},
                    {"targets", 2 * n, n, "1 at the saccade target at the end of every curve"},
                    {"gaze", 3 * n, n, "one-hot: the pixel the eye looks at (the last action); all 0 before the first look of an episode"}};
    for (int k = 0; k + 4 < channels(c); ++k)
      s.obs_layout.push_back({"colour_" + std::to_string(k), static_cast<std::size_t>(4 + k) * n, n,
                              "1 at the pixels of colour " + std::to_string(k) +
                                  (c.routine == "search_trace"   ? ": one curve's marker (its free end), and the cue at the FP's place"
                                   : c.routine == "trace_marker" ? ": one curve's marker (its far end), which is that curve's saccade target"
                                                                 : ": one curve's marker (its far end) and the saccade target of that colour")});
    s.source = "Roelfsema, Lamme & Spekreijse 1998, Nature 395:376 (curve tracing); Roelfsema & Holtmaat 2018, "
               "Nat Rev Neurosci 19:166, Fig. 4; grid version and the composite routines (search_trace, trace_search) "
               "as in Mollard et al. 2024 (RELEARNN), PLoS Comput Biol 20:e1012030, Fig 2; monkey composite tasks: "
               "Moro, Tolboom, Khayat & Roelfsema 2010, J Neurosci 30:16293";
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
    // the colours of the composite routines (markers, cue, coloured targets)
    static constexpr std::array<Color, 11> kPalette = {{{230, 40, 40, 255}, {40, 90, 230, 255}, {40, 180, 60, 255},
                                                        {240, 200, 30, 255}, {150, 60, 200, 255}, {240, 130, 30, 255},
                                                        {30, 200, 200, 255}, {230, 90, 180, 255}, {140, 90, 40, 255},
                                                        {20, 20, 20, 255}, {160, 220, 120, 255}}};
    auto colour_at = [&](std::size_t p) -> std::optional<Color> {
      for (int k = 0; k + 4 < CurveTracing::channels(cfg_); ++k)
        if (obs_[static_cast<std::size_t>(4 + k) * n + p] > 0.5f) return kPalette[static_cast<std::size_t>(k) % kPalette.size()];
      return std::nullopt;
    };
    for (std::size_t p = 0; p < n; ++p) {
      const auto col = colour_at(p);
      if (obs_[p] > 0.5f || (col && obs_[2 * n + p] < 0.5f)) square(static_cast<int>(p), col ? *col : Color{235, 235, 235, 255});
    }
    for (std::size_t p = 0; p < n; ++p)
      if (obs_[2 * n + p] > 0.5f)
        out.circles.push_back({center(static_cast<int>(p)), 0.45f, colour_at(p).value_or(Color{230, 40, 40, 255}), {0, 0, 0, 255}, 0.05f});
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
        reward = cfg_.abort_reward;
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
    info_.set(f_.core.ground_truth, -1);
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
    maps_stale_ = true;
    if (!gen_.generate(rng_))
      throw std::runtime_error(std::string(kId) + ": could not lay out a stimulus in " +
                               std::to_string(CurveGenerator::kMaxAttempts) +
                               " tries although the construction probe did (use a larger grid or fewer distractors)");
    const auto& tc = gen_.curve(0);
    fp_ = gen_.fixation_point();
    target_ = routine_ == Routine::kTraceSearch ? gen_.colour_target(0) : tc.back();
    condition_ = "length_";
    condition_ += std::to_string(tc.size());
    std::fill(mask_.begin(), mask_.end(), 0.0f);
    std::fill(along_.begin(), along_.end(), -1.0f);
    for (std::size_t k = 0; k < tc.size(); ++k) {
      mask_[static_cast<std::size_t>(tc[k])] = 1.0f;
      along_[static_cast<std::size_t>(tc[k])] = static_cast<float>(k);
    }
    std::fill(curve_pixels_.begin(), curve_pixels_.end(), -1.0f);
    for (int c = 0; c < gen_.count(); ++c) {
      const auto& cv = gen_.curve(c);
      for (std::size_t k = 0; k < cv.size(); ++k)
        curve_pixels_[static_cast<std::size_t>(c * cfg_.max_length_px) + k] = static_cast<float>(cv[k]);
    }
    render();
  }

  // draws the retina for the current epoch
  void render() {
    std::fill(obs_.begin(), obs_.end(), 0.0f);
    const std::size_t n = static_cast<std::size_t>(g_ * g_);
    epoch_ = schedule_.at(t_);
    if (gaze_ >= 0) obs_[3 * n + static_cast<std::size_t>(gaze_)] = 1.0f;
    if (epoch_ != "go") obs_[n + static_cast<std::size_t>(fp_)] = 1.0f;
    if (epoch_ == "fixate") return;
    auto colour = [&](int c, int p) { obs_[static_cast<std::size_t>(4 + gen_.colour(c)) * n + static_cast<std::size_t>(p)] = 1.0f; };
    for (int c = 0; c < gen_.count(); ++c) {
      const auto& cv = gen_.curve(c);
      for (int p : cv) obs_[static_cast<std::size_t>(p)] = 1.0f;
      switch (routine_) {
        case Routine::kTrace:
          obs_[2 * n + static_cast<std::size_t>(cv.back())] = 1.0f;
          break;
        case Routine::kSearchTrace:  // a marker at the start, the saccade target at the end
          obs_[2 * n + static_cast<std::size_t>(cv.back())] = 1.0f;
          colour(c, cv.front());
          break;
        case Routine::kTraceSearch:  // a marker at the end; the saccade targets lie apart
          colour(c, cv.back());
          obs_[2 * n + static_cast<std::size_t>(gen_.colour_target(c))] = 1.0f;
          colour(c, gen_.colour_target(c));
          break;
        case Routine::kTraceMarker:  // trace_search's marker at the end, and it is the saccade target
          obs_[2 * n + static_cast<std::size_t>(cv.back())] = 1.0f;
          colour(c, cv.back());
          break;
      }
    }
    // search_trace: the cue, the correct curve's colour at the FP's place (it stays when the FP goes off)
    if (routine_ == Routine::kSearchTrace) colour(0, fp_);
  }

  void fill_info() {
    info_.set(f_.core.epoch, epoch_);
    info_.set(f_.core.ground_truth, epoch_ == "go" ? target_ : fp_);
    info_.set(f_.core.trial, trial_ - 1);  // 0-based index; trial_ counts trials started
    info_.set(f_.core.outcome, outcome_);
    info_.set(f_.condition, condition_);
    info_.set(f_.split, cfg_.split);
    info_.set(f_.routine, cfg_.routine);
    info_.set(f_.cued_colour, routine_ == Routine::kTrace ? -1 : gen_.colour(0));
    info_.set(f_.fixation_point, fp_);
    info_.set(f_.target, target_);
    info_.set(f_.target_length, static_cast<std::int64_t>(gen_.curve(0).size()));
    info_.set(f_.gaze, gaze_);
    // the trial's pixel maps are copied once per trial (the first step after start_trial), not
    // every step: the ending step's info still holds the ended trial's maps
    if (maps_stale_) {
      info_.set(f_.target_mask, mask_);
      info_.set(f_.target_curve_index, along_);
      info_.set(f_.curve_pixels, curve_pixels_);
      maps_stale_ = false;
    }
  }

  // the info fields, declared once in the order they are written
  struct Fields {
    explicit Fields(Info& i)
        : core(i), condition(i.declare<std::string>("condition")), split(i.declare<std::string>("split")),
          routine(i.declare<std::string>("routine")), cued_colour(i.declare<std::int64_t>("cued_colour")),
          fixation_point(i.declare<std::int64_t>("fixation_point")), target(i.declare<std::int64_t>("target")),
          target_length(i.declare<std::int64_t>("target_length")), gaze(i.declare<std::int64_t>("gaze")),
          target_mask(i.declare<std::vector<float>>("target_mask")),
          target_curve_index(i.declare<std::vector<float>>("target_curve_index")),
          curve_pixels(i.declare<std::vector<float>>("curve_pixels")) {}
    trial::TrialFields core;  // epoch, ground_truth, trial, trial_outcome
    InfoField<std::string> condition, split, routine;
    InfoField<std::int64_t> cued_colour, fixation_point, target, target_length, gaze;
    InfoField<std::vector<float>> target_mask, target_curve_index, curve_pixels;
  };

  CurveTracingConfig cfg_;
  Fields f_{info_};
  int g_;
  trial::EpochSchedule schedule_;
  CurveGenerator gen_;
  std::vector<float> mask_;       // 1 on the target curve's pixels
  std::vector<float> along_;      // distance along the target curve from the FP (pixels), -1 off it
  std::vector<float> curve_pixels_;  // every curve's pixels in order, one block of max_length per curve, -1 padded
  int go_start_;                  // first step of the go epoch
  Routine routine_;
  int t_ = 0, trial_ = 0, fp_ = 0, target_ = 0, gaze_ = -1;
  bool maps_stale_ = true;  // the trial's pixel maps are not yet in the info
  std::string_view epoch_ = "fixate";
  const char* outcome_ = "";
  std::string last_outcome_;
  std::string condition_;         // trial type: "length_<pixels of the target curve>"
};

std::unique_ptr<Env> make(const KeyValues& kv) {
  const CurveTracingConfig c = options().parse(kv);
  if (c.min_length_px > c.max_length_px)
    throw UsageError(std::string(kId) + ": min_length_px = " + std::to_string(c.min_length_px) +
                     " must be <= max_length_px = " + std::to_string(c.max_length_px));
  if (c.split != "all" && (c.heldout_fraction <= 0.0 || c.heldout_fraction >= 1.0))
    throw UsageError(std::string(kId) + ": split = " + c.split + " needs heldout_fraction in (0, 1), got " +
                     format_number(c.heldout_fraction));
  trial::EpochSchedule s;
  s.add("fixate", trial::steps_of(kId, "fixation_ms", c.fixation_ms, c.dt_ms));
  s.add("curves", trial::steps_of(kId, "curves_ms", c.curves_ms, c.dt_ms));
  s.add("go", trial::steps_of(kId, "response_ms", c.response_ms, c.dt_ms));
  if (s.end_of("curves") == s.start_of("curves"))
    throw UsageError(std::string(kId) + ": curves_ms = " + format_number(c.curves_ms) +
                     " must be at least one step (the curves appear while fixation is held)");
  if (s.end_of("go") == s.start_of("go"))
    throw UsageError(std::string(kId) + ": response_ms = " + format_number(c.response_ms) + " must be at least one step");
  if (c.balance == "ranks" && c.n_distractors > 3)
    throw UsageError(std::string(kId) + ": balance = ranks takes at most 3 distractors, got n_distractors = " +
                     std::to_string(c.n_distractors) +
                     " (with more, the correct target's rank by distance and direction cannot be laid out on grids up to 25 x 25: "
                     "see docs/envs/CurveTracing-v0.md); use balance = none (the nearest target is then often correct) or fewer distractors");
  if (c.balance == "ranks" && c.routine == "search_trace" && c.n_distractors > 1 && c.min_length_px < 9)
    throw UsageError(std::string(kId) + ": routine = search_trace with balance = ranks and more than one distractor needs min_length_px >= 9, got " +
                     std::to_string(c.min_length_px) +
                     " (with shorter curves the marker nearest the FP is too often the cued one: see docs/envs/CurveTracing-v0.md)");
  // every stimulus must be drawable: probe random ones and, with balance = ranks, the hardest ranks
  // (the correct target nearest and worst aligned / farthest and best aligned), with a fixed stream
  {
    CurveGenerator probe(c);
    Rng rng(12345);
    std::string failed;
    for (int i = 0; i < 20 && failed.empty(); ++i)
      if (!probe.generate(rng)) failed = "a random stimulus";
    if (c.balance == "ranks")
      for (const int rank : {0, c.n_distractors})
        for (int i = 0; i < 3 && failed.empty(); ++i)
          if (!probe.generate(rng, rank))
            failed = std::string("a stimulus with the correct target ") + (rank == 0 ? "nearest and worst aligned" : "farthest and best aligned");
    if (!failed.empty())
      throw UsageError(std::string(kId) + ": " + std::to_string(c.n_distractors + 1) + " curves of " +
                       std::to_string(c.min_length_px) + "-" + std::to_string(c.max_length_px) +
                       " pixels (contact = " + c.contact + ", balance = " + c.balance + ", split = " + c.split +
                       ") could not be laid out on a grid of " + std::to_string(c.grid_px) + " x " + std::to_string(c.grid_px) +
                       " (" + failed + " failed " + std::to_string(CurveGenerator::kMaxAttempts) +
                       " layouts): they do not fit, the ranks cannot be met (balance = ranks needs curves of >= 5 pixels; "
                       "see docs/envs/CurveTracing-v0.md for the distractors each grid takes), or no target shape of these lengths is in the " +
                       c.split + " set; use a larger grid, other lengths, fewer distractors or balance = none");
  }
  return std::make_unique<CurveTracing>(c, s);
}

// ---- analyses (sgym plot) ----

// accuracy against the length of the target curve (info target_length)
TrialTable curve_length_table(const std::vector<TrialRecord>& trials) {
  std::map<double, OutcomeCounts> c;
  for (const auto& t : trials)
    if (const double len = info_number(t, "target_length"); !std::isnan(len)) c[len].add(t.string_or_empty(info_keys::kTrialOutcome));
  TrialTable tb{{"trials", "accuracy", "choice_accuracy"}, {}};
  for (const auto& [x, k] : c) tb.rows[x] = {k.trials, k.accuracy(), k.choice_accuracy()};
  return tb;
}

FigureSpec curve_length_figure(const std::vector<std::vector<TrialRecord>>&, const KeyValues& env_options) {
  FigureSpec f;
  f.title = "Accuracy vs target-curve length";
  for (const auto& [k, v] : env_options)
    if (k == "n_distractors" || k == "distractors") f.title += ", " + v + " distractor(s)";
  f.xlabel = "target curve length (pixels, both ends included)";
  f.ylabel = "fraction correct";
  f.yrange = {{0, 1.05}};
  f.xtics = 1;
  f.series = {{1, "all scored trials (aborts count as errors)", "#08519c"},
              {2, "choices only (correct / (correct + wrong))", "#d6604d", FigureSeries::Style::kDashed}};
  return f;
}

}  // namespace

EnvEntry curve_tracing_entry() {
  EnvEntry e{kId,
          "curve tracing: saccade to the target at the end of the curve that starts at the fixation point",
          CurveTracing::make_spec(CurveTracingConfig{}, 1).source,
          options().docs(),
          make,
          {{{"n_distractors", "3"}, {"trials_per_episode", "3"}, {"fixation_reward", "0.2"}, {"abort_reward", "-0.1"}},
           {{"split", "heldout"}, {"contact", "cross"}, {"straightness", "0.7"}, {"grid_px", "9"}, {"max_length_px", "6"}},
           {{"routine", "search_trace"}, {"n_distractors", "2"}, {"min_length_px", "9"}, {"trials_per_episode", "2"}},
           {{"routine", "trace_search"}, {"n_distractors", "2"}, {"contact", "touch"}}},
          // chance: one of the distractors + 1 targets, each equally often correct
          [](const KeyValues& kv) { return 1.0 / (options().parse(kv).n_distractors + 1); },
          // the battery: the defaults, the longest curves the benchmark tests and the two composite
          // routines (more settings in tests/test_curve_tracing.cpp)
          {{}, {{"min_length_px", "13"}, {"max_length_px", "13"}}, {{"routine", "search_trace"}}, {{"routine", "trace_search"}}}};
  e.analyses = {{"curve-length", "accuracy against the length of the target curve", curve_length_table, curve_length_figure}};
  return e;
}

}  // namespace sgym
