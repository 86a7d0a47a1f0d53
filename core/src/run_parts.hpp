// The parts of a run (internal to core): the logs it writes in whole records, the episode writer,
// the signal recorder and the criterion tracker. Each can save its state into a checkpoint and
// restore it, so that a resumed run continues bit for bit.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "sgym/agent.hpp"
#include "sgym/info.hpp"
#include "sgym/runner.hpp"
#include "sgym/wrappers.hpp"

namespace sgym::detail {

using json = nlohmann::json;

/// A log written as "<name>.partial" in whole records only: records collect in memory and reach
/// the file in one write each flush, so a killed run leaves complete lines (bar a write cut by
/// the kill itself, which a resume truncates away). commit() moves it to its name.
class RecordLog {
 public:
  /// A new log, or (`keep` set) the log of an interrupted run, found under either name and cut
  /// to its first `*keep` bytes.
  RecordLog(std::filesystem::path path, std::optional<std::uint64_t> keep);
  ~RecordLog();
  RecordLog(const RecordLog&) = delete;
  RecordLog& operator=(const RecordLog&) = delete;

  std::string& buffer() { return buf_; }  ///< append whole records only
  void flush();
  std::uint64_t bytes() const { return written_ + buf_.size(); }  ///< flushed or not
  bool empty() const { return bytes() == 0; }
  void commit();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_, partial_;
  std::FILE* f_ = nullptr;
  std::string buf_;
  std::uint64_t written_ = 0;
};

/// A double as its bit pattern, so that a checkpoint restores it exactly (NaN and infinities too).
std::uint64_t to_bits(double v);
double from_bits(std::uint64_t b);

/// episodes.jsonl and episodes.csv (one record per finished episode, training or evaluation) and
/// trials.jsonl (every trial's full info on the step that ended it, for per-trial analyses).
class EpisodeWriter {
 public:
  EpisodeWriter(const std::filesystem::path& dir, bool trial_based, const json* offsets);
  void episode(int ep, const char* phase, const EpisodeStats& st, int after_train_episodes);
  void trial(int ep, int step, const Info& info);
  void flush();
  json offsets() const;
  void commit();
  std::vector<std::string> files() const;  ///< in the summary's order, without agent and summary

 private:
  RecordLog jsonl_, csv_;
  std::optional<RecordLog> trials_;
};

/// signals.csv (the chosen agent signals at every training step) and the mean of each scalar
/// signal per (signal, condition, epoch) cell over the first episode of a condition, the first and
/// the last 10 % of training.
class SignalRecorder {
 public:
  SignalRecorder(const std::filesystem::path& dir, std::vector<std::string> names, const json* state);
  void step(const Agent& agent, const Info& info, int ep, int step, bool early, bool late);
  void flush() { log_.flush(); }
  json state() const;
  void commit() { log_.commit(); }
  /// The cells, epochs in the task's order.
  std::vector<SignalCell> cells(const std::vector<std::string>& epochs) const;

 private:
  RecordLog log_;
  std::vector<std::string> names_;
  bool header_ = false;
  // per cell: sum and count early, late, and in the first episode of the condition
  std::map<std::tuple<std::string, std::string, std::string>, std::array<double, 6>> cells_;
  std::map<std::string, int, std::less<>> first_episode_of_;
};

/// trials_to_criterion: a rolling window over the last `window` scored trials (accuracy) or
/// training episodes (return); the trial count when its mean first reaches the threshold.
class CriterionTracker {
 public:
  explicit CriterionTracker(std::optional<Criterion> c) : c_(std::move(c)) {}
  void trial(bool correct, long long trials_so_far);
  void episode(double ret, long long trials_so_far);
  std::optional<long long> reached() const { return reached_; }
  json state() const;
  void restore(const json& j);

 private:
  void push(double x, long long trials_so_far);
  std::optional<Criterion> c_;
  std::deque<double> window_;
  double sum_ = 0;  // accuracy only: a running count of 0/1 values is exact
  std::optional<long long> reached_;
};

/// The binary action log a checkpoint replays to bring an env back to an episode boundary (an env
/// is a deterministic function of its seeds and the actions it received; no env has to save
/// its state). Discrete actions take 8 bytes, Box actions 4 bytes per element.
class ActionLog {
 public:
  ActionLog(std::filesystem::path path, const Space& action_space, std::optional<std::uint64_t> keep);
  void append(const Action& a);
  void flush() { log_.flush(); }
  std::uint64_t bytes() const { return log_.bytes(); }
  /// Replays `episodes` episodes of `env` (the first reset with `first_seed`) from the first
  /// `bytes` of the file at `path`; throws FileFormatError when the log ends early or the env
  /// does not end its episodes where the log says.
  static long long replay(Env& env, const std::filesystem::path& path, std::uint64_t bytes, long long episodes,
                          std::uint64_t first_seed);

 private:
  RecordLog log_;
  bool discrete_;
};

}  // namespace sgym::detail
