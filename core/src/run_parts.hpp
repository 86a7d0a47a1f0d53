// The parts of a run (internal to core): the logs it writes in whole records, the episode writer,
// the signal recorder and the criterion tracker. Each can save its state into a checkpoint and
// restore it, so that a resumed run continues bit for bit.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
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
  /// flush() once the buffer holds more than `bytes`: a long stretch between flushes then reuses one
  /// buffer instead of growing it (and touching fresh memory) to the size of the whole stretch.
  void flush_over(std::size_t bytes) {
    if (buf_.size() > bytes) flush();
  }
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
///
/// The records are formatted and written by a thread of the writer's own, so that the stepping
/// thread only copies their values: episode() and trial() append plain values to a batch (an
/// info's values, its strings and vectors into two arenas; its keys once per batch and layout),
/// which is queued for the thread when it is full or at flush(). The files hold the same bytes as
/// when each record was formatted as it came (the thread formats the batches in order).
class EpisodeWriter {
 public:
  EpisodeWriter(const std::filesystem::path& dir, bool trial_based, const json* offsets);
  /// Stops the thread; records not yet flushed are dropped (as a killed run drops them: a resume
  /// starts from the checkpoint's offsets).
  ~EpisodeWriter();
  EpisodeWriter(const EpisodeWriter&) = delete;
  EpisodeWriter& operator=(const EpisodeWriter&) = delete;

  void episode(int ep, const char* phase, const EpisodeStats& st, int after_train_episodes);
  /// A trial record of `info`; with `end` (the step ended the episode and the info came from an
  /// EpisodeStatistics without its end info), the episode figures are added as that wrapper adds them
  /// (EpisodeStatistics::kEndKeys after the info's keys, or in place of a key of the same name).
  void trial(int ep, int step, const Info& info, const EpisodeStats* end = nullptr);
  /// Every record so far goes to the thread, which writes them to the files after formatting them;
  /// with `wait`, returns once they are written (then offsets() counts them). An error of the
  /// thread's (a full disk) is thrown here or at the next record.
  void flush(bool wait);
  json offsets() const;  ///< after flush(true)
  void commit();
  std::vector<std::string> files() const;  ///< in the summary's order, without agent and summary

 private:
  struct EpisodeRecord {
    int ep;
    const char* phase;  // a string literal ("train", "eval")
    EpisodeStats st;
    int after_train_episodes;
  };
  // one info value: its InfoValue index; bool and integer in i, double in d; a string's or a vector's
  // position in the batch's text or floats in at, its length in i
  struct Value {
    std::uint32_t type;
    std::uint32_t at;
    std::int64_t i;
    double d;
  };
  struct TrialRecord {
    int ep, step;
    std::uint32_t layout;  // index into Batch::layouts
    std::uint32_t first;   // its values: Batch::values[first, first + number of keys)
  };
  struct Layout {
    std::uint64_t id;               // Info::layout()
    int figures;                    // episode figures added (0, 3 or 4: see trial())
    std::vector<std::string> keys;  // in the info's order, then the figures' keys not in the info
    std::array<std::uint32_t, 4> figure_at{};  // where each figure's value goes among the keys
  };
  struct Batch {
    std::vector<EpisodeRecord> episodes;
    std::vector<TrialRecord> trials;
    std::vector<Value> values;
    std::string text;
    std::vector<float> floats;
    std::vector<Layout> layouts;
    bool flush = false;
    std::size_t records() const { return episodes.size() + trials.size(); }
    void clear();  // keeps the capacity
  };
  static constexpr std::size_t kBatchRecords = 1024;
  // batches handed over and not yet written, at most: the stepping thread waits only beyond this
  // (or at a flush that waits), so a writer thread that waits for a core does not stop it
  static constexpr std::size_t kMaxQueued = 16;
  // a log's formatted text is written once it exceeds this between flushes
  static constexpr std::size_t kBufferBytes = std::size_t{1} << 20;

  std::uint32_t layout_index(const Info& info, int figures);
  void hand_over(bool flush);  // waits while kMaxQueued batches are queued
  void wait_idle();            // until the queue is written; rethrows the thread's error
  void work();                 // the thread's loop
  void format(const Batch& b);

  // the writer thread's while it runs (it appends to their buffers at every record)
  RecordLog jsonl_, csv_;
  std::optional<RecordLog> trials_;
  // the stepping thread's, on cache lines of their own: when filling_ shared a line with the end of
  // trials_ (its buffer's size, its engaged flag), that line moved between the cores at every
  // record, ≈ 95 ns per episode() call by perf (sgym_runner_overhead, 2-vCPU VM)
  alignas(64) Batch filling_;
  bool trials_on_ = false;  // trials_ has a value (read here instead of trials_)
  std::uint64_t last_layout_ = 0;
  int last_figures_ = 0;
  std::uint32_t last_layout_index_ = 0;
  // shared, under mutex_: handed over, in order; the writer thread formats the front one and pops
  // it when written (a deque keeps its elements in place as others are pushed)
  alignas(64) std::deque<Batch> queue_;
  std::vector<Batch> spare_;  // written batches, kept for their capacity
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts when everything it uses exists
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
/// its state). A discrete action takes index_bytes() bytes (the narrowest width for the space; 8 in
/// checkpoints of version 1), a Box action 4 bytes per element.
class ActionLog {
 public:
  /// `index_bytes`: the width of a discrete action's index in the file (1, 2, 4 or 8 bytes,
  /// little-endian); by default the narrowest that holds every index of `action_space`. A resumed
  /// run passes the width its checkpoint names (8 for checkpoints that name none).
  ActionLog(std::filesystem::path path, const Space& action_space, std::optional<std::uint64_t> keep,
            std::optional<int> index_bytes = std::nullopt);
  /// The narrowest width (1, 2, 4 or 8 bytes) that holds the indices 0..n-1.
  static int index_bytes_for(std::int64_t n);
  int index_bytes() const { return index_bytes_; }
  /// Once a step: a discrete action is copied into a small stage (no call), which goes to the log
  /// when full or at flush().
  void append(const Action& a) {
    if (discrete_ && staged_ + 8 <= stage_.size()) {
      // the index's low bytes (indices are below 2^(8·width) by construction; little-endian)
      const auto v = static_cast<std::uint64_t>(a.index);
      std::memcpy(stage_.data() + staged_, &v, sizeof v);
      staged_ += static_cast<std::size_t>(index_bytes_);
      return;
    }
    append_slow(a);
  }
  void flush() {
    unstage();
    log_.flush();
  }
  std::uint64_t bytes() const { return log_.bytes() + staged_; }
  /// Replays `episodes` episodes of `env` (the first reset with `first_seed`) from the first
  /// `bytes` of the file at `path`, its discrete actions `index_bytes` wide; throws FileFormatError
  /// when the log ends early or the env does not end its episodes where the log says.
  static long long replay(Env& env, const std::filesystem::path& path, std::uint64_t bytes, long long episodes,
                          std::uint64_t first_seed, int index_bytes);

 private:
  void append_slow(const Action& a);
  void unstage() {
    log_.buffer().append(stage_.data(), staged_);
    staged_ = 0;
  }
  static constexpr std::size_t kBufferBytes = std::size_t{1} << 20;
  RecordLog log_;
  bool discrete_;
  int index_bytes_;
  std::array<char, 4096> stage_;
  std::size_t staged_ = 0;
};

}  // namespace sgym::detail
