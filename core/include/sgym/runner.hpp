// The agent-vs-env loop: N training episodes with periodic evaluation (training off), metrics, and
// the output files (episodes.jsonl, episodes.csv, signals.csv, summary.json, agent.sgym), with
// checkpoints from which an interrupted run resumes bit for bit.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sgym/options.hpp"
#include "sgym/registry.hpp"

namespace sgym {

/// What "learned" means for trials_to_criterion: a rolling measure over the last `window` trials
/// (accuracy) or episodes (return) reaching `threshold`.
struct Criterion {
  enum class Measure { kAccuracy, kReturn };
  Measure measure = Measure::kAccuracy;
  double threshold = 0.9;
  int window = 50;

  /// Parses "accuracy:0.9:50" or "return:200:100"; throws UsageError explaining the form.
  static Criterion parse(const std::string& text);
  std::string to_string() const;
};

/// What a run's observer sees after each reset and env step (views valid only during the call).
struct StepView {
  const Env& env;              ///< the env stepped: the training env, or the evaluation env
  const Agent& agent;
  const StepResult& result;    ///< after a reset: its observation and info, reward 0, flags false
  const Action* action;        ///< the action taken; nullptr after a reset
  int episode;                 ///< 0-based training episode, or evaluation episode within its block
  int step;                    ///< steps taken in this episode (0 right after the reset)
  long long total_steps;       ///< env steps of the run so far, training and evaluation
  bool training;               ///< false during evaluation (training off)
};

/// Called by run() after every reset and env step; returning false stops the run cleanly.
using StepObserver = std::function<bool(const StepView&)>;

/// Everything that defines a run.
struct RunConfig {
  std::string env_id;
  KeyValues env_options;
  std::string agent_id;
  KeyValues agent_options;
  int episodes = 100;               ///< training episodes, >= 1
  std::uint64_t seed = 0;           ///< fixes env, agent and evaluation streams
  std::filesystem::path out_dir;    ///< created if missing
  int eval_every = 0;               ///< evaluate after every K training episodes; 0 = never
  int eval_episodes = 10;           ///< episodes per evaluation
  double obs_noise_sd = 0;          ///< Gaussian noise on every observation (ObservationNoise); 0 = none
  int obs_delay_steps = 0;          ///< observations arrive this many steps late (ObservationDelay)
  std::vector<std::string> record;  ///< agent signals written per step to signals.csv
  std::optional<Criterion> criterion;
  bool progress = false;            ///< draw a progress bar on stderr
  std::string command;              ///< the command line that started the run
  /// An out_dir that already holds files is refused (UsageError) unless `resume` or `overwrite`.
  /// `overwrite` first deletes the files a run writes (and nothing else).
  bool overwrite = false;
  /// Continues the run in out_dir from its last checkpoint, bit for bit as if it had never stopped
  /// (every output the same but the timing fields); the configuration must be the checkpoint's.
  /// Without a checkpoint (none written yet), the run starts again from episode 0. A finished run
  /// is a UsageError.
  bool resume = false;
  /// Checkpoint (agent, logs, counters, env action log) every K training episodes; 0 = never;
  /// kCheckpointAuto = at an episode boundary once kAutoCheckpointSeconds of wall time have passed
  /// since the last (the clock is read about every millisecond, at episode boundaries; runs shorter
  /// than that write none). Removed when the run finishes.
  static constexpr int kCheckpointAuto = -1;
  static constexpr double kAutoCheckpointSeconds = 60;
  int checkpoint_every = kCheckpointAuto;
  /// When set and true (e.g. from a SIGINT handler), the run stops after the current step as if
  /// the observer had returned false (see `observer`).
  const std::atomic<bool>* stop = nullptr;
  /// Optional: sees every reset and step (after the agent's observe()), e.g. to render them.
  /// Returning false ends the run after that step and writes every output, summary.json with
  /// "stopped_early": true. The episode in progress is left out of the episode records and the
  /// return means; the trials it finished before the stop are kept (trials.jsonl, signals.csv,
  /// total_trials, success rates and the criterion count them), as they were played.
  StepObserver observer;
};

/// Mean of a recorded signal in one (condition, epoch) cell, at the start and end of training.
struct SignalCell {
  std::string signal, condition, epoch;
  double first_mean = 0;  ///< in the first training episode of this condition
  double early_mean = 0;  ///< over the first 10 % of training episodes
  double late_mean = 0;   ///< over the last 10 % of training episodes
  int first_n = 0, early_n = 0, late_n = 0;  ///< steps averaged
};

/// The figures of a finished run (also written to summary.json).
struct RunSummary {
  std::string env, agent;
  std::uint64_t seed = 0;
  int episodes = 0;                           ///< training episodes asked for
  int episodes_completed = 0;                 ///< training episodes run to their end
  bool stopped_early = false;                 ///< the observer (or `stop`) stopped the run
  int resumed_from = -1;                      ///< training episodes restored from a checkpoint
  long long total_steps = 0;
  long long total_trials = 0;
  double mean_return = 0;                     ///< over the completed training episodes
  double final_mean_return = 0;               ///< last 10 % of the training episodes asked for
                                              ///< (NaN when a run stopped before them)
  std::optional<double> success_rate;         ///< scored trials only; empty when none
  std::optional<double> final_success_rate;   ///< last 10 % of training episodes
  std::optional<long long> trials_to_criterion;
  double env_steps_per_second = 0;            ///< env steps (training + evaluation) per second of
                                              ///< the whole loop, agent included
  double wall_seconds = 0;
  struct Eval { int after_episodes; double mean_return; std::optional<double> success_rate; };
  std::vector<Eval> evals;
  std::vector<SignalCell> signal_cells;       ///< when signals were recorded on a trial-based env
};

/// Runs `config` with the given registry entries and writes the outputs under config.out_dir.
RunSummary run(const RunConfig& config, const EnvEntry& env, const AgentEntry& agent);

/// The version string of this build ("0.1.0+g<hash>" or "0.1.0"), compiler and build type.
std::string build_version();

}  // namespace sgym
