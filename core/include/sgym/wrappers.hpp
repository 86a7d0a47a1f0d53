// Wrappers: TimeLimit, EpisodeStatistics, ObservationNoise, ObservationDelay, RecordTrajectory. Each is an Env, so
// they stack, and each goes through the same validating step().
#pragma once

#include <array>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sgym/env.hpp"
#include "sgym/options.hpp"

namespace sgym {

/// Truncates an episode after `max_steps` steps (truncated = true; terminated is kept as the env
/// said, so both may be true).
class TimeLimit final : public Wrapper {
 public:
  /// max_steps must be >= 1.
  TimeLimit(std::unique_ptr<Env> inner, int max_steps);
  int elapsed_steps() const { return elapsed_; }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override;
  StepResult do_step(const Action& a) override;

 private:
  int max_steps_;
  int elapsed_ = 0;
};

/// Per-episode statistics of the wrapped env.
struct EpisodeStats {
  double episode_return = 0;  ///< sum of rewards
  int length = 0;             ///< steps
  int trials = 0;             ///< trials that ended (info trial_outcome set); 1 per episode for
                              ///< envs that are not trial-based
  int scored_trials = 0;      ///< trials with outcome correct/wrong/aborted/timeout
  int correct_trials = 0;     ///< trials with outcome "correct"
  std::optional<bool> success;///< info is_success at the episode end, when the env reports it
  /// correct / scored trials, or the success flag; empty when neither applies.
  std::optional<double> accuracy() const;
};

/// Accumulates return, length, trial outcomes and success; at the end of each episode it adds
/// The trial_outcome of a block that is not a trial of the task (a calibration or baseline block
/// before training): runners log it in trials.jsonl but neither count it as a trial (total_trials,
/// trials_to_criterion, episode_trials) nor score it.
inline constexpr std::string_view kNotATrial = "baseline";

/// episode_return, episode_length, episode_trials and (when defined) episode_accuracy to info.
class EpisodeStatistics final : public Wrapper {
 public:
  explicit EpisodeStatistics(std::unique_ptr<Env> inner);
  /// Statistics of the episode in progress.
  const EpisodeStats& current() const { return cur_; }
  /// Statistics of the last finished episode.
  const EpisodeStats& last() const { return last_; }
  /// Outcomes of trials that ended on the last step ("" when none ended).
  const std::string& last_trial_outcome() const { return last_outcome_; }
  /// What last_trial_outcome() says, decided once per trial (readers on the hot path need not
  /// compare the word again): none ended, a block that is not a trial, a trial not scored, a
  /// scored trial correct or not.
  enum class TrialKind : std::uint8_t { kNone, kNotATrial, kUnscored, kCorrect, kIncorrect };
  TrialKind last_trial_kind() const { return last_kind_; }

  /// The keys added to the info of an episode's last step, in this order (accuracy only when
  /// defined): episode_return (double), episode_length, episode_trials (integers), episode_accuracy
  /// (double).
  static constexpr std::array<std::string_view, 4> kEndKeys = {"episode_return", "episode_length", "episode_trials",
                                                                "episode_accuracy"};
  /// With false, the episode's last step returns the wrapped env's info as it is, without the
  /// episode figures (they are in last() all the same): for a caller that writes them itself and
  /// would otherwise pay for a copy of the whole info at every episode end (`sgym run` without an
  /// observer). True by default.
  void set_end_info(bool on) { end_info_on_ = on; }
  bool end_info() const { return end_info_on_; }

  /// True for an outcome word that counts towards accuracy.
  static bool is_scored_outcome(std::string_view outcome);
  /// False for the outcome of a block that is not a trial of the task (kNotATrial: a
  /// calibration or baseline block), which is neither counted as a trial nor scored.
  static bool counts_as_trial(std::string_view outcome) { return outcome != kNotATrial; }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override;
  StepResult do_step(const Action& a) override;

 private:
  EpisodeStats cur_, last_;
  std::string last_outcome_;
  TrialKind last_kind_ = TrialKind::kNone;
  bool end_info_on_ = true;
  Info end_info_;
  InfoLookup outcome_{info_keys::kTrialOutcome}, is_success_{"is_success"};
  // the layouts of the env's info and of end_info_ when end_info_ was last built from it: while both
  // hold, the end info is overwritten value by value
  std::uint64_t merged_from_ = 0, merged_to_ = 0;
  std::size_t merged_n_end_ = 0;  // the figures' count then
  // the episode figures' fields in end_info_, declared when it was last built
  InfoField<double> end_return_, end_accuracy_;
  InfoField<std::int64_t> end_length_, end_trials_;
};

/// Adds Gaussian noise of standard deviation `sd` to every observation element. The observation
/// space widens to (-inf, inf) unless `clip` is true, in which case noisy values are clipped to the
/// original bounds (an explicit choice, never a silent one). The noise stream is seeded from the
/// reset seed, mixed, so it is independent of the task's own draws.
class ObservationNoise final : public Wrapper {
 public:
  ObservationNoise(std::unique_ptr<Env> inner, double sd, bool clip = false);

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override;
  StepResult do_step(const Action& a) override;

 private:
  void add_noise(std::span<const float> clean);
  double sd_;
  bool clip_;
  std::vector<float> lo_, hi_;
};

/// Delivers each observation `steps` steps late, as a sensory feedback delay: step t returns the
/// observation of step t − steps, and the first `steps` steps of an episode repeat the reset
/// observation. Reward, flags and info are not delayed. steps = 0 is the identity.
class ObservationDelay final : public Wrapper {
 public:
  /// steps must be >= 0 (UsageError otherwise).
  ObservationDelay(std::unique_ptr<Env> inner, int steps);
  int delay_steps() const { return steps_; }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override;
  StepResult do_step(const Action& a) override;

 private:
  int steps_;
  std::vector<float> ring_;  ///< steps + 1 observations, oldest first from head_ + 1
  int head_ = 0;             ///< slot of the newest observation
};

/// One recorded step (reset is step 0 with no action and reward 0).
struct TrajectoryStep {
  int episode = 0;
  int step = 0;
  std::vector<float> obs;
  std::optional<Action> action;  ///< empty for the reset record
  double reward = 0;
  bool terminated = false;
  bool truncated = false;
  std::string info_json;  ///< the info dictionary as a JSON object
  /// Reset records of version-2 files: the seed reset() was given (empty: none, the stream went on).
  std::optional<std::uint64_t> reset_seed;
  bool has_reset_seed = false;  ///< false for steps and for reset records of version-1 files
};

/// The first line of a trajectory file.
struct TrajectoryHeader {
  int version = 2;                        ///< 1: no env options, no reset seeds; 2: both
  std::string env;                        ///< env id, with its version suffix ("Pavlovian-v0")
  std::optional<KeyValues> env_options;   ///< the options the env was made with (empty: unknown)
  std::string observation_space, action_space;
  std::string sgym_version;               ///< build_version() of the recording build ("" in v1)
};

/// A whole trajectory file.
struct Trajectory {
  TrajectoryHeader header;
  std::vector<TrajectoryStep> steps;
};

/// Writes every reset (with its seed) and step (observation, action, reward, flags, info) as JSON
/// Lines, after a header naming the env, its options and the build, so the file alone rebuilds the
/// env for an exact replay. The file appears under its name only when closed (close(), or
/// destruction other than by an exception unwinding the stack): until then, and after a failure, it
/// is "<path>.partial", so a reader never sees a half-written trajectory.
class RecordTrajectory final : public Wrapper {
 public:
  /// `env_options`: the options `inner` was made with (make_env's), kept in the header; leave empty
  /// when unknown (a replay must then be given them).
  RecordTrajectory(std::unique_ptr<Env> inner, std::filesystem::path path,
                   std::optional<KeyValues> env_options = std::nullopt);
  ~RecordTrajectory() override;
  /// Flushes and moves the file into place; further steps are an error.
  void close();

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override;
  StepResult do_step(const Action& a) override;

 private:
  void write(const std::span<const float>& obs, const Action* a, double reward, bool term,
             bool trunc, const Info& info, const std::optional<std::uint64_t>* reset_seed);
  std::filesystem::path path_, partial_;
  std::ofstream out_;
  int episode_ = -1;
  int step_ = 0;
  bool closed_ = false;
  int uncaught_ = std::uncaught_exceptions();  // at construction: more at destruction = unwinding
};

/// Reads a file written by RecordTrajectory (version 1 or 2); throws FileFormatError naming the
/// line on bad input.
Trajectory read_trajectory_file(const std::filesystem::path& path);

/// The steps of read_trajectory_file().
std::vector<TrajectoryStep> read_trajectory(const std::filesystem::path& path);

/// Serialises an Info to a JSON object (floats round-trip exactly).
std::string info_to_json(const Info& info);

/// The Info of a JSON object written by info_to_json (integers stay integers, arrays become float
/// vectors); throws nlohmann's parse error or std::invalid_argument naming the key of a value no
/// Info can hold.
Info info_from_json(std::string_view text);

}  // namespace sgym
