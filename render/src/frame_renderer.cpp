#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "draw_sfml.hpp"
#include "sgym/render.hpp"

namespace sgym::render {

std::pair<int, int> frame_size_for(const DrawList::Camera& cam, int width) {
  if (width < 16) throw std::invalid_argument("frame width must be >= 16 pixels, got " + std::to_string(width));
  const double w = cam.x_max - cam.x_min, h = cam.y_max - cam.y_min;
  if (!(w > 0) || !(h > 0)) throw std::runtime_error("DrawList camera rectangle is empty");
  const auto even = [](double v) { const int i = static_cast<int>(std::ceil(v)); return i + (i & 1); };
  const double height = std::clamp(width * h / w, 64.0, 4.0 * width);
  return {even(width), even(height)};
}

struct FrameRenderer::Impl {
  sf::RenderTexture texture;
  Frame frame;
};

namespace {

// SFML aborts the process when it cannot open the display (any GL resource opens it): say so first
void require_display() {
  const char* display = std::getenv("DISPLAY");
  if (display == nullptr || *display == '\0')
    throw std::runtime_error("offscreen rendering needs an X display and DISPLAY is not set; run the command under "
                             "`xvfb-run -a` (Debian package xvfb)");
}

}  // namespace

FrameRenderer::FrameRenderer(int width, int height) : impl_((require_display(), std::make_unique<Impl>())) {
  if (width < 1 || height < 1)
    throw std::invalid_argument("frame size must be positive, got " + std::to_string(width) + "x" + std::to_string(height));
  // 4x multisampling for smooth edges; the software rasteriser under Xvfb is deterministic
  sf::ContextSettings settings;
  settings.antialiasingLevel = 4;
  if (!impl_->texture.create(static_cast<unsigned>(width), static_cast<unsigned>(height), settings))
    throw std::runtime_error("cannot create an offscreen OpenGL surface of " + std::to_string(width) + "x" +
                             std::to_string(height) + " (no X display? run under `xvfb-run -a`)");
  impl_->frame.width = width;
  impl_->frame.height = height;
}

FrameRenderer::~FrameRenderer() = default;

int FrameRenderer::width() const { return impl_->frame.width; }
int FrameRenderer::height() const { return impl_->frame.height; }

const Frame& FrameRenderer::render(const DrawList& scene, const Overlay* overlay) {
  const bool with_overlay = overlay != nullptr && !overlay->empty();
  detail::draw_scene(impl_->texture, scene, with_overlay ? detail::bands_for(*overlay) : detail::Bands{});
  if (with_overlay) detail::draw_overlay(impl_->texture, *overlay);
  impl_->texture.display();
  const sf::Image img = impl_->texture.getTexture().copyToImage();
  const std::size_t n = static_cast<std::size_t>(impl_->frame.width) * impl_->frame.height * 4;
  impl_->frame.rgba.resize(n);
  std::memcpy(impl_->frame.rgba.data(), img.getPixelsPtr(), n);
  return impl_->frame;
}

void save_png(const Frame& frame, const std::filesystem::path& path) {
  sf::Image img;
  img.create(static_cast<unsigned>(frame.width), static_cast<unsigned>(frame.height), frame.rgba.data());
  if (!img.saveToFile(path.string())) throw std::runtime_error("cannot write " + path.string());
}

Frame load_image(const std::filesystem::path& path) {
  sf::Image img;
  if (!img.loadFromFile(path.string())) throw std::runtime_error("cannot read the image " + path.string());
  Frame f;
  f.width = static_cast<int>(img.getSize().x);
  f.height = static_cast<int>(img.getSize().y);
  f.rgba.assign(img.getPixelsPtr(), img.getPixelsPtr() + static_cast<std::size_t>(f.width) * f.height * 4);
  return f;
}

std::pair<int, int> frame_size_with(const DrawList::Camera& camera, int width, const Overlay& overlay) {
  auto [w, h] = frame_size_for(camera, width);
  const detail::Bands b = detail::bands_for(overlay);
  const int extra = static_cast<int>(std::ceil(b.top + b.bottom));
  return {w, h + extra + (extra & 1)};
}

}  // namespace sgym::render
