// Turning an env's DrawList into pixels: an offscreen renderer (SFML RenderTexture, which needs an X
// display: a real one or Xvfb) and the frame type the video writers consume. The simulation never
// depends on this library; envs only fill a DrawList.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sgym/draw.hpp"

namespace sgym::render {

/// An RGBA image, 8 bits per channel, rows from the top.
struct Frame {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;  ///< width * height * 4 bytes

  bool operator==(const Frame&) const = default;
};

/// What is drawn around the scene: status lines (episode, step, reward, signal values) in a band
/// above it, scrolling traces of scalar agent signals in a strip below it, and vector signals
/// (action probabilities, attention, gaze) as bar groups in a strip below the traces.
struct Overlay {
  /// A signal's recent history, oldest first.
  struct Trace {
    std::string name;
    std::vector<float> values;
  };
  /// A vector signal's current values, one bar each.
  struct Bars {
    std::string name;
    std::vector<float> values;
  };
  std::vector<std::string> lines;
  std::vector<Trace> traces;
  std::vector<Bars> bars;

  bool empty() const { return lines.empty() && traces.empty() && bars.empty(); }
};

/// Frame size in pixels for a camera rectangle: `width` wide and as high as the camera's aspect
/// ratio asks (at least 64, at most 4 * width), both rounded up to even numbers (video codecs need
/// even sizes).
std::pair<int, int> frame_size_for(const DrawList::Camera& camera, int width);

/// Frame size for a camera with room for `overlay`: the scene keeps the size frame_size_for()
/// gives, the overlay's status lines go above it and its traces and bars below it.
std::pair<int, int> frame_size_with(const DrawList::Camera& camera, int width, const Overlay& overlay);

/// Renders DrawLists offscreen into Frames of a fixed size. The camera rectangle is scaled to fit
/// the frame with its aspect ratio kept (letterboxed when the frame's ratio differs). Rendering the
/// same DrawList twice gives the same pixels.
class FrameRenderer {
 public:
  /// Throws std::runtime_error when no offscreen OpenGL context can be made (no X display: run
  /// under `xvfb-run -a`).
  FrameRenderer(int width, int height);
  ~FrameRenderer();
  FrameRenderer(const FrameRenderer&) = delete;
  FrameRenderer& operator=(const FrameRenderer&) = delete;

  /// Draws `scene` (and `overlay`, when given: status lines in a band above the scene, traces and
  /// bars in bands below it) and returns the pixels; the reference stays valid until the next call.
  const Frame& render(const DrawList& scene, const Overlay* overlay = nullptr);
  int width() const;
  int height() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes a frame as a PNG file; throws std::runtime_error when it cannot.
void save_png(const Frame& frame, const std::filesystem::path& path);

/// Reads a PNG (or any format SFML reads) back into a Frame; throws std::runtime_error.
Frame load_image(const std::filesystem::path& path);

/// The font used for DrawList texts and overlays: $SGYM_FONT, else DejaVu Sans from Debian's
/// fonts-dejavu-core. Empty when neither exists (texts are then skipped with one warning).
std::filesystem::path font_path();

}  // namespace sgym::render
