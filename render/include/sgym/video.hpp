// Where frames go: a directory of PNGs, an animated GIF (giflib), an MP4 (raw frames piped to
// ffmpeg when it is installed), or memory. Files appear under their name only when complete.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sgym/render.hpp"

namespace sgym::render {

/// Receives the frames of a recording, all of the size of the first one.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  /// Appends one frame; throws std::runtime_error on a write failure or a size change.
  virtual void add(const Frame& frame) = 0;
  /// Finishes the output (moves it into place); further frames are an error.
  virtual void close() = 0;
  /// Frames added so far.
  virtual long frames() const = 0;
  /// Sets the playback rate (frames per second) before the first frame; ignored by outputs
  /// without timing (PNG frames, memory).
  virtual void set_fps(double) {}
  /// What is being written, for messages ("animated GIF runs/x.gif").
  virtual std::string describe() const = 0;
};

/// Keeps every frame in memory (tests, comparisons).
class MemorySink final : public FrameSink {
 public:
  void add(const Frame& frame) override { frames_.push_back(frame); }
  void close() override {}
  long frames() const override { return static_cast<long>(frames_.size()); }
  std::string describe() const override { return "memory"; }
  const std::vector<Frame>& all() const { return frames_; }

 private:
  std::vector<Frame> frames_;
};

/// Animated GIF, looping, with per-frame delays that keep `fps` on average (GIF delays are whole
/// centiseconds, at least 2). A frame with at most 256 colours is stored exactly; others are
/// reduced to 256 colours by giflib's median-cut quantiser.
std::unique_ptr<FrameSink> make_gif_sink(const std::filesystem::path& path, double fps);

/// One PNG per frame, DIR/frame-000000.png, ...; DIR is created.
std::unique_ptr<FrameSink> make_png_dir_sink(const std::filesystem::path& dir);

/// H.264 MP4 (yuv420p) written by `ffmpeg_program`, which reads raw RGBA frames on its stdin.
std::unique_ptr<FrameSink> make_mp4_sink(const std::filesystem::path& path, double fps,
                                         const std::string& ffmpeg_program);

/// The ffmpeg executable: $SGYM_FFMPEG when set (empty when that names no executable), else
/// `ffmpeg` found on PATH, else empty.
std::optional<std::string> find_ffmpeg();

/// The sink for an output path, by its form (`fps` until set_fps() changes it): NAME.gif, NAME.mp4, or a directory of PNGs (a path
/// without extension, or one ending in '/'). NAME.mp4 without ffmpeg falls back to NAME.gif with a
/// message on `messages`. Any other extension is a UsageError listing the choices.
std::unique_ptr<FrameSink> make_sink(const std::filesystem::path& out, double fps, std::ostream& messages);

/// What a GIF file holds, read back with giflib.
struct GifContents {
  int width = 0, height = 0;
  std::vector<Frame> frames;       ///< decoded RGBA frames
  std::vector<int> delays_cs;      ///< per-frame delay in centiseconds
  bool loops = false;              ///< NETSCAPE2.0 loop extension present
};

/// Decodes a GIF with giflib; throws std::runtime_error naming the file on failure.
GifContents read_gif(const std::filesystem::path& path);

}  // namespace sgym::render
