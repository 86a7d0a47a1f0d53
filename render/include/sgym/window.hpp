// The interactive window: shows each frame at the env's rate with the overlay, and keys to pause,
// single-step, go faster or slower, and quit (closing the window stops the loop cleanly).
#pragma once

#include <memory>
#include <string>

#include "sgym/record.hpp"

namespace sgym::render {

/// What the keys do; also callable directly (tests, scripted demos).
enum class WindowCommand {
  kTogglePause,  ///< space or P
  kStep,         ///< right arrow or N: one frame while paused
  kFaster,       ///< up arrow or +: twice the rate
  kSlower,       ///< down arrow or -: half the rate
  kQuit,         ///< Escape, Q or closing the window
};

/// A Viewer that draws into an SFML window.
class WindowViewer final : public Viewer {
 public:
  /// Opens a window `width` pixels wide (its height follows the first scene's camera); throws
  /// std::runtime_error when there is no display.
  WindowViewer(std::string title, int width);
  ~WindowViewer() override;
  bool show(const DrawList& scene, const Overlay& overlay) override;
  bool wants_overlay() const override { return true; }
  void set_fps(double fps) override;
  /// Applies a command as its key would.
  void command(WindowCommand c);
  bool paused() const;
  /// Frames per second shown (the env's rate times the speed factor).
  double rate() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A WindowViewer behind the Viewer interface.
std::unique_ptr<Viewer> make_window_viewer(const std::string& title, int width);

}  // namespace sgym::render
