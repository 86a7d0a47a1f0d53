// Shared pieces of trial-based tasks: durations in whole steps, a schedule of named epochs, and
// population codes of circular variables (motion direction, orientation).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sgym/info.hpp"
#include "sgym/rng.hpp"

namespace sgym::trial {

/// `ms` as a whole number of `dt_ms` steps; anything else throws UsageError naming `owner` and
/// `option` (a duration is never silently rounded).
int steps_of(std::string_view owner, std::string_view option, double ms, double dt_ms);

/// The four info fields every trial-based task writes first, in this order (core's info_keys):
/// epoch, ground_truth, trial, trial_outcome. Declared once; written by index.
struct TrialFields {
  explicit TrialFields(Info& info)
      : epoch(info.declare<std::string>(info_keys::kEpoch)),
        ground_truth(info.declare<std::int64_t>(info_keys::kGroundTruth)),
        trial(info.declare<std::int64_t>(info_keys::kTrial)),
        outcome(info.declare<std::string>(info_keys::kTrialOutcome)) {}
  InfoField<std::string> epoch;
  InfoField<std::int64_t> ground_truth, trial;
  InfoField<std::string> outcome;
};

/// Writes the string field `f` only when `text` differs from the text last written through `last`
/// (initially nullptr). `text` must be static — a literal or an entry of a table of literals — so
/// that an equal pointer means equal text: a step whose epoch, outcome or condition did not change
/// then costs one pointer comparison instead of a strlen and a compare. The field must be written
/// through `last` only.
inline void set_static(Info& info, InfoField<std::string> f, const char*& last, const char* text) {
  if (text == last) return;
  info.set(f, text);
  last = text;
}

/// The texts last written to a trial env's string fields through set_static.
struct WrittenStrings {
  const char* epoch = nullptr;
  const char* outcome = nullptr;
  const char* condition = nullptr;
};

/// Named epochs, each a whole number of steps, laid end to end from step 0.
class EpochSchedule {
 public:
  /// Removes every epoch (keeps capacity).
  void clear() {
    names_.clear();
    ends_.clear();
    at_step_.clear();
  }
  /// Appends an epoch of `steps` >= 0 steps (a 0-step epoch is skipped by at()).
  void add(std::string_view name, int steps);
  /// Total steps of all epochs.
  int total() const { return ends_.empty() ? 0 : ends_.back(); }
  /// Name of the epoch that contains step t (0-based); the last epoch's name for t >= total().
  std::string_view at(int t) const;
  /// Position (in the order of add()) of the epoch that contains step t; the last epoch's for
  /// t >= total(); -1 when there is none. For hot paths: compare positions, not names (one table
  /// look-up for a step inside the schedule).
  int index_at(int t) const {
    return t >= 0 && t < static_cast<int>(at_step_.size()) ? at_step_[static_cast<std::size_t>(t)] : index_outside(t);
  }
  /// First step of the named epoch, or -1 when absent.
  int start_of(std::string_view name) const;
  /// One past the last step of the named epoch, or -1 when absent.
  int end_of(std::string_view name) const;

 private:
  int index_outside(int t) const;  // index_at for t < 0 or t >= total()
  std::vector<std::string> names_;
  std::vector<int> ends_;
  std::vector<int> at_step_;  // index_at(t) for 0 <= t < total()
};

/// Fills `out` with the responses of out.size() units whose preferred values are evenly spaced over
/// one period [0, period_deg): r_i = amplitude · exp(kappa · (cos(2π (x − φ_i) / period) − 1)), a von
/// Mises tuning curve that peaks at `amplitude` and is periodic in `period_deg` (360 for motion
/// direction, 180 for orientation).
void population_code(std::span<float> out, double x_deg, double period_deg, double kappa,
                     double amplitude);

/// Preferred value of unit i of n over one period.
inline double preferred(int i, int n, double period_deg) { return period_deg * i / n; }

/// Adds N(0, sd²) noise to every element (no clipping; sd = 0 leaves `x` and the RNG untouched).
/// The normals come from ziggurat_normal (a fast generator for this hot loop; since 2026-12-07,
/// before that Rng::normal's polar method: trajectories with noise changed then).
void add_noise(std::span<float> x, double sd, Rng& rng);

}  // namespace sgym::trial
