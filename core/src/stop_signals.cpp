#include "sgym/stop_signals.hpp"

#include <stdexcept>
#include <unistd.h>

namespace sgym {

namespace {

std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signal = 0;
bool g_installed = false;

extern "C" void on_stop_signal(int sig) {
  if (g_stop.load()) {
    // the second request: end the process as the signal would have
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_signal = sig;
  g_stop.store(true);
  static const char msg[] = "\nsgym: stopping after this step and writing every output (send it again to end at once)\n";
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
}

}  // namespace

StopOnSignals::StopOnSignals() {
  static_assert(std::atomic<bool>::is_always_lock_free, "the stop flag is set from a signal handler");
  if (g_installed) throw std::logic_error("StopOnSignals: one instance at a time");
  g_installed = true;
  g_stop.store(false);
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

StopOnSignals::~StopOnSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  g_installed = false;
}

const std::atomic<bool>* StopOnSignals::flag() const { return &g_stop; }

int StopOnSignals::signal() const { return g_signal; }

}  // namespace sgym
