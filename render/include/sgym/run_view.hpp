// Showing agents at work: the agent-signal part of the overlay (scalar signals as scrolling traces,
// vector signals as bars), shared by `sgym record` / `play` and by `sgym run --render`, which shows
// the run through the runner's per-step observer.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sgym/agent.hpp"
#include "sgym/record.hpp"
#include "sgym/runner.hpp"

namespace sgym::render {

/// Scalar signals shown when none are chosen: the agent's first ones.
constexpr std::size_t kDefaultOverlaySignals = 3;

/// The overlay's first line: "ENV   EPISODE   step N   return R   reward r" (3 decimals).
std::string status_line(const std::string& env, const std::string& episode, int step, double ret, double reward);

/// Throws UsageError, naming `option`, the agent and its valid signal names, when a requested name
/// is not among `valid`.
void check_signal_names(const std::vector<std::string>& requested, const std::vector<std::string>& valid,
                        const std::string& agent_id, const std::string& option);

/// The agent signals of an overlay: a status line with the agent, whether it learns, and the current
/// value of each chosen scalar signal; a trace (the last kTraceLength values) per scalar signal;
/// bars per vector signal (action probabilities, attention, gaze). The choice and each signal's
/// kind are fixed at the first update, so every frame has the same layout.
class SignalOverlay {
 public:
  /// Steps of history in a trace.
  static constexpr std::size_t kTraceLength = 200;

  /// `chosen`: signal names, in order (already checked); empty: the first
  /// kDefaultOverlaySignals scalar signals the agent reports.
  explicit SignalOverlay(std::vector<std::string> chosen);
  /// Appends the agent line, traces and bars of `agent`'s current signals to `overlay` (its
  /// traces and bars are replaced); `advance` appends the scalars' values to their traces (true
  /// after a step, false after a reset).
  void update(const Agent& agent, bool advance, Overlay& overlay);
  /// The signals shown (empty until the first update when none were chosen).
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  bool resolved_ = false;
  std::vector<bool> scalar_;
  std::vector<std::deque<float>> history_;
  std::vector<std::vector<float>> current_;
};

/// How `sgym run --render` shows a run.
struct RunViewConfig {
  int every = 1;                     ///< show episodes 0, K, 2K, ... of training and of each evaluation
  int episodes = 0;                  ///< training episodes of the run (for "episode 3/100")
  std::vector<std::string> signals;  ///< agent signals in the overlay (empty: the first scalar ones)
};

/// A RunConfig::observer that shows every reset and step of the scheduled episodes through `viewer`
/// with the overlay (env, phase, episode, step, return, reward, agent signals) and stops the run
/// when the viewer asks (window closed). Signal names are checked against `agent_signal_names`
/// (UsageError naming --overlay-signals).
StepObserver run_observer(std::shared_ptr<Viewer> viewer, const RunViewConfig& config,
                          const std::vector<std::string>& agent_signal_names, const std::string& agent_id);

}  // namespace sgym::render
