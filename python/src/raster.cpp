#include "raster.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace sgym::raster {

namespace {

struct P { float x, y; };

// world -> pixel, the camera rectangle fitted into the frame with its aspect ratio kept
struct Mapping {
  float scale = 1, ox = 0, oy = 0, x_min = 0, y_max = 1;
  P operator()(Vec2 v) const { return {ox + (v.x - x_min) * scale, oy + (y_max - v.y) * scale}; }
};

Mapping fit(const DrawList::Camera& cam, int width, int height) {
  const float w = cam.x_max - cam.x_min, h = cam.y_max - cam.y_min;
  if (!(w > 0) || !(h > 0)) throw std::runtime_error("DrawList camera rectangle is empty");
  Mapping m;
  m.scale = std::min(static_cast<float>(width) / w, static_cast<float>(height) / h);
  m.ox = (static_cast<float>(width) - w * m.scale) * 0.5f;
  m.oy = (static_cast<float>(height) - h * m.scale) * 0.5f;
  m.x_min = cam.x_min;
  m.y_max = cam.y_max;
  return m;
}

// sample offsets inside a pixel (2 x 2 supersampling)
constexpr float kSub[2] = {0.25f, 0.75f};

class Canvas {
 public:
  Canvas(int w, int h, std::vector<std::uint8_t>& rgb) : w_(w), h_(h), rgb_(rgb) {}

  void clear(Color c) {
    rgb_.assign(static_cast<std::size_t>(w_) * static_cast<std::size_t>(h_) * 3, 0);
    for (std::size_t i = 0; i < rgb_.size(); i += 3) {
      rgb_[i] = c.r;
      rgb_[i + 1] = c.g;
      rgb_[i + 2] = c.b;
    }
  }

  // fills every pixel of the bounding box whose samples `inside` accepts, weighted by coverage
  template <class Inside>
  void fill(float x0, float y0, float x1, float y1, Color c, Inside inside) {
    if (c.a == 0) return;
    const int ix0 = std::max(0, static_cast<int>(std::floor(x0))), iy0 = std::max(0, static_cast<int>(std::floor(y0)));
    const int ix1 = std::min(w_ - 1, static_cast<int>(std::ceil(x1))), iy1 = std::min(h_ - 1, static_cast<int>(std::ceil(y1)));
    const float alpha = static_cast<float>(c.a) / 255.0f;
    for (int y = iy0; y <= iy1; ++y)
      for (int x = ix0; x <= ix1; ++x) {
        int hits = 0;
        for (float sy : kSub)
          for (float sx : kSub) hits += inside(static_cast<float>(x) + sx, static_cast<float>(y) + sy) ? 1 : 0;
        if (hits == 0) continue;
        const float a = alpha * static_cast<float>(hits) * 0.25f;
        std::uint8_t* px = &rgb_[(static_cast<std::size_t>(y) * static_cast<std::size_t>(w_) + static_cast<std::size_t>(x)) * 3];
        const std::uint8_t src[3] = {c.r, c.g, c.b};
        for (int k = 0; k < 3; ++k)
          px[k] = static_cast<std::uint8_t>(std::lround(static_cast<float>(px[k]) * (1.0f - a) + static_cast<float>(src[k]) * a));
      }
  }

  // a simple polygon (either orientation) by the nonzero winding rule
  void polygon(const std::vector<P>& pts, Color c) {
    if (pts.size() < 3) return;
    float x0 = pts[0].x, x1 = x0, y0 = pts[0].y, y1 = y0;
    for (const P& p : pts) {
      x0 = std::min(x0, p.x); x1 = std::max(x1, p.x);
      y0 = std::min(y0, p.y); y1 = std::max(y1, p.y);
    }
    fill(x0, y0, x1, y1, c, [&](float x, float y) {
      int winding = 0;
      for (std::size_t i = 0, j = pts.size() - 1; i < pts.size(); j = i++) {
        const P& a = pts[j];
        const P& b = pts[i];
        const float side = (b.x - a.x) * (y - a.y) - (x - a.x) * (b.y - a.y);
        if (a.y <= y) {
          if (b.y > y && side > 0) ++winding;
        } else if (b.y <= y && side < 0) {
          --winding;
        }
      }
      return winding != 0;
    });
  }

  // a stroke of `width` pixels from a to b, as the quad the SFML renderer draws
  void segment(P a, P b, float width, Color c) {
    const float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
    if (!(len > 0)) return;
    const float nx = -dy / len * width * 0.5f, ny = dx / len * width * 0.5f;
    polygon({{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}}, c);
  }

  // a ring (or disc when r0 = 0) centred on p
  void ring(P p, float r0, float r1, Color c) {
    fill(p.x - r1, p.y - r1, p.x + r1, p.y + r1, c, [&](float x, float y) {
      const float d2 = (x - p.x) * (x - p.x) + (y - p.y) * (y - p.y);
      return d2 <= r1 * r1 && (r0 <= 0 || d2 > r0 * r0);
    });
  }

 private:
  int w_, h_;
  std::vector<std::uint8_t>& rgb_;
};

}  // namespace

std::pair<int, int> frame_size(const DrawList::Camera& cam, int width) {
  if (width < 16) throw std::invalid_argument("render_width must be >= 16 pixels, got " + std::to_string(width));
  const double w = cam.x_max - cam.x_min, h = cam.y_max - cam.y_min;
  if (!(w > 0) || !(h > 0)) throw std::runtime_error("DrawList camera rectangle is empty");
  const auto even = [](double v) { const int i = static_cast<int>(std::ceil(v)); return i + (i & 1); };
  const double height = std::clamp(width * h / w, 64.0, 4.0 * width);
  return {even(width), even(height)};
}

int draw(const DrawList& scene, int width, int height, std::vector<std::uint8_t>& rgb) {
  if (width < 1 || height < 1)
    throw std::invalid_argument("frame size must be positive, got " + std::to_string(width) + "x" + std::to_string(height));
  Canvas canvas(width, height, rgb);
  canvas.clear(scene.background);
  const Mapping m = fit(scene.camera, width, height);
  const auto px = [&](float world) { return std::max(1.0f, world * m.scale); };
  std::vector<P> pts;
  for (const auto& p : scene.polygons) {
    pts.clear();
    for (const auto& v : p.points) pts.push_back(m(v));
    canvas.polygon(pts, p.fill);
  }
  for (const auto& pl : scene.polylines)
    for (std::size_t i = 1; i < pl.points.size(); ++i)
      canvas.segment(m(pl.points[i - 1]), m(pl.points[i]), px(pl.width), pl.color);
  for (const auto& l : scene.lines) canvas.segment(m(l.a), m(l.b), px(l.width), l.color);
  for (const auto& c : scene.circles) {
    const float r = c.radius * m.scale;
    const bool outline = c.outline_width > 0 && c.outline.a > 0;
    const float t = outline ? px(c.outline_width) : 0.0f;
    // as render/: the fill's radius shrinks by half the outline, which lies outside it
    const float inner = std::max(0.5f, r - t * 0.5f);
    canvas.ring(m(c.center), 0, inner, c.fill);
    if (outline) canvas.ring(m(c.center), inner, inner + t, c.outline);
  }
  return static_cast<int>(scene.texts.size());
}

}  // namespace sgym::raster
