#include "sgym/video.hpp"

#include <gif_lib.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "sgym/error.hpp"

namespace sgym::render {

namespace {

void check_size(const Frame& first, const Frame& f, const std::string& what) {
  if (f.width != first.width || f.height != first.height)
    throw std::runtime_error(what + ": frame size changed from " + std::to_string(first.width) + "x" +
                             std::to_string(first.height) + " to " + std::to_string(f.width) + "x" +
                             std::to_string(f.height));
  if (f.rgba.size() != static_cast<std::size_t>(f.width) * f.height * 4)
    throw std::runtime_error(what + ": frame buffer has the wrong size");
}

std::string gif_error(int code) {
  const char* s = GifErrorString(code);
  return s != nullptr ? s : "giflib error " + std::to_string(code);
}

// ---------------------------------------------------------------------------------------------
class GifSink final : public FrameSink {
 public:
  GifSink(std::filesystem::path path, double fps)
      : path_(std::move(path)), partial_(path_.string() + ".partial"), fps_(fps) {
    if (!(fps > 0)) throw std::invalid_argument("GIF: fps must be > 0");
  }
  ~GifSink() override {
    // an unfinished recording stays as NAME.partial for inspection
    if (gif_ != nullptr) {
      int err = 0;
      EGifCloseFile(gif_, &err);
    }
  }

  void add(const Frame& f) override {
    if (closed_) throw std::logic_error("GIF " + path_.string() + " is already closed");
    if (gif_ == nullptr) open(f);
    check_size(first_, f, "GIF " + path_.string());
    // only the rectangle that changed since the previous frame is stored (the rest stays on
    // screen: disposal "do not dispose"), which keeps recordings of small moving scenes small
    Rect r = changed_rect(f);
    crop_.width = r.w;
    crop_.height = r.h;
    crop_.rgba.resize(static_cast<std::size_t>(r.w) * r.h * 4);
    for (int y = 0; y < r.h; ++y)
      std::memcpy(&crop_.rgba[static_cast<std::size_t>(y) * r.w * 4],
                  &f.rgba[(static_cast<std::size_t>(r.y + y) * f.width + r.x) * 4], static_cast<std::size_t>(r.w) * 4);
    previous_ = f.rgba;
    const std::size_t n = static_cast<std::size_t>(r.w) * r.h;
    indices_.resize(n);
    ColorMapObject* cmap = GifMakeMapObject(256, nullptr);
    if (cmap == nullptr) throw std::runtime_error("GIF: out of memory");
    if (!exact_palette(crop_, cmap)) quantize(crop_, cmap);

    // per-frame delay: whole centiseconds that keep the average rate (cumulative rounding)
    const auto at = [&](long i) { return std::lround(100.0 * static_cast<double>(i) / fps_); };
    const int delay = static_cast<int>(std::max(2L, at(count_ + 1) - at(count_)));
    GraphicsControlBlock gcb{};
    gcb.DisposalMode = DISPOSE_DO_NOT;
    gcb.UserInputFlag = false;
    gcb.DelayTime = delay;
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    GifByteType ext[4];
    const std::size_t len = EGifGCBToExtension(&gcb, ext);
    bool ok = EGifPutExtension(gif_, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(len), ext) == GIF_OK &&
              EGifPutImageDesc(gif_, r.x, r.y, r.w, r.h, false, cmap) == GIF_OK;
    for (int y = 0; ok && y < r.h; ++y)
      ok = EGifPutLine(gif_, indices_.data() + static_cast<std::size_t>(y) * r.w, r.w) == GIF_OK;
    GifFreeMapObject(cmap);
    if (!ok) throw std::runtime_error("GIF " + partial_.string() + ": " + gif_error(gif_->Error));
    ++count_;
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    if (gif_ == nullptr) throw std::runtime_error("GIF " + path_.string() + ": no frames were recorded");
    int err = 0;
    const int rc = EGifCloseFile(gif_, &err);
    gif_ = nullptr;
    if (rc != GIF_OK) throw std::runtime_error("GIF " + partial_.string() + ": " + gif_error(err));
    std::filesystem::rename(partial_, path_);
  }

  void set_fps(double fps) override {
    if (fps > 0 && count_ == 0) fps_ = fps;
  }
  long frames() const override { return count_; }
  std::string describe() const override { return "animated GIF " + path_.string(); }

 private:
  void open(const Frame& f) {
    if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path());
    int err = 0;
    const int fd = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) throw std::runtime_error("GIF: cannot write " + partial_.string());
    gif_ = EGifOpenFileHandle(fd, &err);
    if (gif_ == nullptr) ::close(fd);
    if (gif_ == nullptr) throw std::runtime_error("GIF: cannot write " + partial_.string() + ": " + gif_error(err));
    first_ = {f.width, f.height, {}};
    EGifSetGifVersion(gif_, true);
    // no global colour map: each frame carries its own
    bool ok = EGifPutScreenDesc(gif_, f.width, f.height, 8, 0, nullptr) == GIF_OK;
    // NETSCAPE2.0 application extension: loop forever (count 0)
    static const char kApp[] = "NETSCAPE2.0";
    const GifByteType loop[3] = {1, 0, 0};
    ok = ok && EGifPutExtensionLeader(gif_, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
         EGifPutExtensionBlock(gif_, 11, kApp) == GIF_OK && EGifPutExtensionBlock(gif_, 3, loop) == GIF_OK &&
         EGifPutExtensionTrailer(gif_) == GIF_OK;
    if (!ok) throw std::runtime_error("GIF " + partial_.string() + ": " + gif_error(gif_->Error));
  }

  struct Rect {
    int x, y, w, h;
  };

  // bounding box of the pixels that differ from the previous frame (the whole first frame; one
  // pixel when nothing changed, since a GIF image cannot be empty)
  Rect changed_rect(const Frame& f) const {
    if (previous_.size() != f.rgba.size()) return {0, 0, f.width, f.height};
    int x0 = f.width, y0 = f.height, x1 = -1, y1 = -1;
    for (int y = 0; y < f.height; ++y) {
      const std::uint8_t* a = &f.rgba[static_cast<std::size_t>(y) * f.width * 4];
      const std::uint8_t* b = &previous_[static_cast<std::size_t>(y) * f.width * 4];
      if (std::memcmp(a, b, static_cast<std::size_t>(f.width) * 4) == 0) continue;
      for (int x = 0; x < f.width; ++x)
        if (std::memcmp(a + x * 4, b + x * 4, 3) != 0) {
          x0 = std::min(x0, x);
          x1 = std::max(x1, x);
        }
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
    if (x1 < 0) return {0, 0, 1, 1};
    return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
  }

  // exact colours when the frame has at most 256 of them (flat scenes without antialiasing)
  bool exact_palette(const Frame& f, ColorMapObject* cmap) {
    palette_.clear();
    const std::size_t n = indices_.size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t* p = &f.rgba[i * 4];
      const std::uint32_t key = (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
      auto it = palette_.find(key);
      if (it == palette_.end()) {
        if (palette_.size() == 256) return false;
        it = palette_.emplace(key, static_cast<GifPixelType>(palette_.size())).first;
        cmap->Colors[it->second] = {p[0], p[1], p[2]};
      }
      indices_[i] = it->second;
    }
    for (std::size_t k = palette_.size(); k < 256; ++k) cmap->Colors[k] = {0, 0, 0};
    return true;
  }

  void quantize(const Frame& f, ColorMapObject* cmap) {
    const std::size_t n = indices_.size();
    r_.resize(n);
    g_.resize(n);
    b_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      r_[i] = f.rgba[i * 4];
      g_[i] = f.rgba[i * 4 + 1];
      b_[i] = f.rgba[i * 4 + 2];
    }
    int size = 256;
    if (GifQuantizeBuffer(static_cast<unsigned>(f.width), static_cast<unsigned>(f.height), &size, r_.data(), g_.data(),
                          b_.data(), indices_.data(), cmap->Colors) != GIF_OK)
      throw std::runtime_error("GIF: colour quantisation failed for " + path_.string());
    for (int k = size; k < 256; ++k) cmap->Colors[k] = {0, 0, 0};
  }

  std::filesystem::path path_, partial_;
  double fps_;
  GifFileType* gif_ = nullptr;
  Frame first_;
  long count_ = 0;
  bool closed_ = false;
  std::vector<GifPixelType> indices_;
  std::vector<std::uint8_t> previous_;
  Frame crop_;
  std::vector<GifByteType> r_, g_, b_;
  std::unordered_map<std::uint32_t, GifPixelType> palette_;
};

// ---------------------------------------------------------------------------------------------
class PngDirSink final : public FrameSink {
 public:
  explicit PngDirSink(std::filesystem::path dir) : dir_(std::move(dir)) {}
  void add(const Frame& f) override {
    if (closed_) throw std::logic_error("PNG directory " + dir_.string() + " is already closed");
    if (count_ == 0) {
      std::filesystem::create_directories(dir_);
      first_ = {f.width, f.height, {}};
    }
    check_size(first_, f, "PNG directory " + dir_.string());
    std::ostringstream name;
    name << "frame-" << std::setw(6) << std::setfill('0') << count_ << ".png";
    // each PNG is written under a temporary name and renamed, so no half-written frame is seen
    const auto final_path = dir_ / name.str();
    const auto tmp = dir_ / (".partial-" + name.str());
    save_png(f, tmp);
    std::filesystem::rename(tmp, final_path);
    ++count_;
  }
  void close() override {
    if (!closed_ && count_ == 0) {
      closed_ = true;
      throw std::runtime_error("PNG directory " + dir_.string() + ": no frames were recorded");
    }
    closed_ = true;
  }
  long frames() const override { return count_; }
  std::string describe() const override {
    const std::string d = dir_.string();
    return "PNG frames in " + d + (d.back() == '/' ? "" : "/");
  }

 private:
  std::filesystem::path dir_;
  Frame first_;
  long count_ = 0;
  bool closed_ = false;
};

// ---------------------------------------------------------------------------------------------
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class Mp4Sink final : public FrameSink {
 public:
  Mp4Sink(std::filesystem::path path, double fps, std::string program)
      : path_(std::move(path)), partial_(path_.string() + ".partial"), fps_(fps), program_(std::move(program)) {
    if (!(fps > 0)) throw std::invalid_argument("MP4: fps must be > 0");
  }
  ~Mp4Sink() override {
    if (pipe_ != nullptr) ::pclose(pipe_);
    if (old_sigpipe_ != SIG_ERR) std::signal(SIGPIPE, old_sigpipe_);
  }

  void add(const Frame& f) override {
    if (closed_) throw std::logic_error("MP4 " + path_.string() + " is already closed");
    if (pipe_ == nullptr) open(f);
    check_size(first_, f, "MP4 " + path_.string());
    if (std::fwrite(f.rgba.data(), 1, f.rgba.size(), pipe_) != f.rgba.size())
      throw std::runtime_error("MP4: " + program_ + " stopped reading frames (see its message above)");
    ++count_;
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    if (pipe_ == nullptr) throw std::runtime_error("MP4 " + path_.string() + ": no frames were recorded");
    const int status = ::pclose(pipe_);
    pipe_ = nullptr;
    if (status != 0)
      throw std::runtime_error("MP4: " + program_ + " failed (exit status " + std::to_string(status) + ") writing " +
                               partial_.string());
    std::filesystem::rename(partial_, path_);
  }

  void set_fps(double fps) override {
    if (fps > 0 && pipe_ == nullptr) fps_ = fps;
  }
  long frames() const override { return count_; }
  std::string describe() const override { return "MP4 " + path_.string() + " (via " + program_ + ")"; }

 private:
  void open(const Frame& f) {
    if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path());
    first_ = {f.width, f.height, {}};
    std::ostringstream fps;
    fps << std::setprecision(10) << fps_;
    // raw RGBA on stdin; H.264 in yuv420p plays everywhere (needs even sizes, which frames have)
    const std::string cmd = shell_quote(program_) + " -hide_banner -loglevel error -y -f rawvideo -pix_fmt rgba -s " +
                            std::to_string(f.width) + "x" + std::to_string(f.height) + " -framerate " + fps.str() +
                            " -i - -an -pix_fmt yuv420p -movflags +faststart -f mp4 " + shell_quote(partial_.string());
    // a dying encoder must give a write error here, not kill the process
    old_sigpipe_ = std::signal(SIGPIPE, SIG_IGN);
    pipe_ = ::popen(cmd.c_str(), "w");
    if (pipe_ == nullptr) throw std::runtime_error("MP4: cannot start " + program_);
  }

  std::filesystem::path path_, partial_;
  double fps_;
  std::string program_;
  FILE* pipe_ = nullptr;
  void (*old_sigpipe_)(int) = SIG_ERR;
  Frame first_;
  long count_ = 0;
  bool closed_ = false;
};

bool executable(const std::filesystem::path& p) {
  return ::access(p.c_str(), X_OK) == 0 && !std::filesystem::is_directory(p);
}

std::optional<std::string> search_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return executable(name) ? std::optional<std::string>(name) : std::nullopt;
  const char* path = std::getenv("PATH");
  std::stringstream ss(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':'))
    if (!dir.empty() && executable(std::filesystem::path(dir) / name)) return (std::filesystem::path(dir) / name).string();
  return std::nullopt;
}

}  // namespace

std::unique_ptr<FrameSink> make_gif_sink(const std::filesystem::path& path, double fps) {
  return std::make_unique<GifSink>(path, fps);
}

std::unique_ptr<FrameSink> make_png_dir_sink(const std::filesystem::path& dir) {
  return std::make_unique<PngDirSink>(dir);
}

std::unique_ptr<FrameSink> make_mp4_sink(const std::filesystem::path& path, double fps, const std::string& program) {
  return std::make_unique<Mp4Sink>(path, fps, program);
}

std::optional<std::string> find_ffmpeg() {
  if (const char* env = std::getenv("SGYM_FFMPEG"); env != nullptr) {
    if (*env == '\0') return std::nullopt;
    return search_path(env);
  }
  return search_path("ffmpeg");
}

std::unique_ptr<FrameSink> make_sink(const std::filesystem::path& out, double fps, std::ostream& messages) {
  if (out.empty()) throw UsageError("--out: an output path is required (NAME.gif, NAME.mp4 or a directory)");
  const std::string text = out.string();
  std::string ext = out.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text.back() == '/' || std::filesystem::is_directory(out) || ext.empty()) return make_png_dir_sink(out);
  if (ext == ".gif") return make_gif_sink(out, fps);
  if (ext == ".mp4") {
    if (auto ffmpeg = find_ffmpeg()) return make_mp4_sink(out, fps, *ffmpeg);
    auto gif = out;
    gif.replace_extension(".gif");
    messages << "sgym: ffmpeg is not installed (Debian: apt-get install ffmpeg, or set SGYM_FFMPEG to its path), "
                "so MP4 cannot be written; writing "
             << gif.string() << " instead\n";
    return make_gif_sink(gif, fps);
  }
  throw UsageError("--out '" + text + "': unknown output form '" + ext +
                   "'; use NAME.gif (animated GIF), NAME.mp4 (needs ffmpeg) or a directory (PNG frames)");
}

GifContents read_gif(const std::filesystem::path& path) {
  int err = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &err);
  if (gif == nullptr) throw std::runtime_error("cannot open the GIF " + path.string() + ": " + gif_error(err));
  struct Closer {
    GifFileType* g;
    ~Closer() { int e = 0; DGifCloseFile(g, &e); }
  } closer{gif};
  if (DGifSlurp(gif) != GIF_OK) throw std::runtime_error("cannot decode the GIF " + path.string() + ": " + gif_error(gif->Error));
  GifContents c;
  c.width = gif->SWidth;
  c.height = gif->SHeight;
  const auto is_loop = [](const ExtensionBlock& b) {
    return b.Function == APPLICATION_EXT_FUNC_CODE && b.ByteCount == 11 && std::memcmp(b.Bytes, "NETSCAPE2.0", 11) == 0;
  };
  for (int k = 0; k < gif->ExtensionBlockCount; ++k) c.loops = c.loops || is_loop(gif->ExtensionBlocks[k]);
  // frames are composed onto a canvas, so a partial frame still decodes to the full picture
  Frame canvas{c.width, c.height, std::vector<std::uint8_t>(static_cast<std::size_t>(c.width) * c.height * 4, 0)};
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& im = gif->SavedImages[i];
    for (int k = 0; k < im.ExtensionBlockCount; ++k) c.loops = c.loops || is_loop(im.ExtensionBlocks[k]);
    GraphicsControlBlock gcb{};
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    DGifSavedExtensionToGCB(gif, i, &gcb);
    c.delays_cs.push_back(gcb.DelayTime);
    const ColorMapObject* cmap = im.ImageDesc.ColorMap != nullptr ? im.ImageDesc.ColorMap : gif->SColorMap;
    if (cmap == nullptr) throw std::runtime_error(path.string() + ": frame " + std::to_string(i) + " has no colour map");
    const GifImageDesc& d = im.ImageDesc;
    for (int y = 0; y < d.Height; ++y)
      for (int x = 0; x < d.Width; ++x) {
        const int cx = d.Left + x, cy = d.Top + y;
        if (cx < 0 || cy < 0 || cx >= c.width || cy >= c.height) continue;
        const int idx = im.RasterBits[static_cast<std::size_t>(y) * d.Width + x];
        if (idx == gcb.TransparentColor) continue;
        if (idx >= cmap->ColorCount) throw std::runtime_error(path.string() + ": colour index out of range");
        std::uint8_t* p = &canvas.rgba[(static_cast<std::size_t>(cy) * c.width + cx) * 4];
        p[0] = cmap->Colors[idx].Red;
        p[1] = cmap->Colors[idx].Green;
        p[2] = cmap->Colors[idx].Blue;
        p[3] = 255;
      }
    c.frames.push_back(canvas);
  }
  return c;
}

}  // namespace sgym::render
