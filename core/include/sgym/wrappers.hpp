// Wrappers: TimeLimit, EpisodeStatistics, ObservationNoise, RecordTrajectory. Each is an Env, so
// they stack, and each goes through the same validating step().
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sgym/env.hpp"

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

  /// True for an outcome word that counts towards accuracy.
  static bool is_scored_outcome(std::string_view outcome);

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override;
  StepResult do_step(const Action& a) override;

 private:
  EpisodeStats cur_, last_;
  std::string last_outcome_;
  Info end_info_;
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
};

/// Writes every reset and step (observation, action, reward, flags, info) as JSON Lines. The file
/// appears under its name only when closed (close() or destruction): until then it is written as
/// "<path>.partial", so a reader never sees a half-written trajectory.
class RecordTrajectory final : public Wrapper {
 public:
  RecordTrajectory(std::unique_ptr<Env> inner, std::filesystem::path path);
  ~RecordTrajectory() override;
  /// Flushes and moves the file into place; further steps are an error.
  void close();

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override;
  StepResult do_step(const Action& a) override;

 private:
  void write(const std::span<const float>& obs, const Action* a, double reward, bool term,
             bool trunc, const Info& info);
  std::filesystem::path path_, partial_;
  std::ofstream out_;
  int episode_ = -1;
  int step_ = 0;
  bool closed_ = false;
};

/// Reads a file written by RecordTrajectory; throws FileFormatError naming the line on bad input.
std::vector<TrajectoryStep> read_trajectory(const std::filesystem::path& path);

/// Serialises an Info to a JSON object (floats round-trip exactly).
std::string info_to_json(const Info& info);

}  // namespace sgym
