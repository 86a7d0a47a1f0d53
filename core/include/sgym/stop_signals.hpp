// Ctrl-C and kill (SIGINT, SIGTERM) as a request to stop a run cleanly: the run finishes the step
// it is in, writes every output and says stopped_early, as when its render window is closed.
#pragma once

#include <atomic>
#include <csignal>

namespace sgym {

/// While an instance lives, the first SIGINT or SIGTERM sets flag() (and says so on stderr)
/// instead of ending the process; a second one ends it as usual. The previous handlers come back
/// when the instance goes. One instance at a time.
class StopOnSignals {
 public:
  StopOnSignals();
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

  /// Pass to RunConfig::stop.
  const std::atomic<bool>* flag() const;
  /// The signal received (SIGINT or SIGTERM), 0 when none.
  int signal() const;

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

}  // namespace sgym
