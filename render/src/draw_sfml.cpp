#include "draw_sfml.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace sgym::render {

std::filesystem::path font_path() {
  if (const char* env = std::getenv("SGYM_FONT"); env != nullptr && *env != '\0') {
    if (std::filesystem::exists(env)) return env;
  }
  // Debian's fonts-dejavu-core (scripts/install-deps.sh installs it)
  const std::filesystem::path dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::filesystem::exists(dejavu)) return dejavu;
  return {};
}

namespace detail {

namespace {

sf::Color to_sf(Color c) { return {c.r, c.g, c.b, c.a}; }

// a segment as a quad (two triangles) of `width` pixels
void add_segment(sf::VertexArray& tris, sf::Vector2f a, sf::Vector2f b, float width, sf::Color c) {
  const sf::Vector2f d = b - a;
  const float len = std::sqrt(d.x * d.x + d.y * d.y);
  if (len <= 0.0f) return;
  const sf::Vector2f n{-d.y / len * width * 0.5f, d.x / len * width * 0.5f};
  const sf::Vector2f p0 = a + n, p1 = b + n, p2 = b - n, p3 = a - n;
  for (const sf::Vector2f& p : {p0, p1, p2, p0, p2, p3}) tris.append(sf::Vertex(p, c));
}

// twice the signed area (positive when counter-clockwise in pixel coordinates)
float cross(sf::Vector2f o, sf::Vector2f a, sf::Vector2f b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

bool in_triangle(sf::Vector2f p, sf::Vector2f a, sf::Vector2f b, sf::Vector2f c, float sign) {
  return sign * cross(a, b, p) >= 0 && sign * cross(b, c, p) >= 0 && sign * cross(c, a, p) >= 0;
}

// fills a simple (possibly concave) polygon by ear clipping; a self-intersecting remainder is
// filled as a fan so that something sensible is always drawn
void add_polygon(sf::VertexArray& tris, const std::vector<sf::Vector2f>& pts, sf::Color c) {
  std::vector<std::size_t> idx(pts.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  float area = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const auto& p = pts[i];
    const auto& q = pts[(i + 1) % pts.size()];
    area += p.x * q.y - q.x * p.y;
  }
  const float sign = area >= 0 ? 1.0f : -1.0f;
  while (idx.size() > 3) {
    bool clipped = false;
    for (std::size_t k = 0; k < idx.size(); ++k) {
      const std::size_t ia = idx[(k + idx.size() - 1) % idx.size()], ib = idx[k], ic = idx[(k + 1) % idx.size()];
      if (sign * cross(pts[ia], pts[ib], pts[ic]) <= 0) continue;  // reflex or degenerate corner
      bool ear = true;
      for (std::size_t j : idx)
        if (j != ia && j != ib && j != ic && in_triangle(pts[j], pts[ia], pts[ib], pts[ic], sign)) {
          ear = false;
          break;
        }
      if (!ear) continue;
      for (std::size_t j : {ia, ib, ic}) tris.append(sf::Vertex(pts[j], c));
      idx.erase(idx.begin() + static_cast<std::ptrdiff_t>(k));
      clipped = true;
      break;
    }
    if (!clipped) break;
  }
  for (std::size_t k = 1; k + 1 < idx.size(); ++k)
    for (std::size_t j : {idx[0], idx[k], idx[k + 1]}) tris.append(sf::Vertex(pts[j], c));
}

}  // namespace

const sf::Font* font() {
  static const std::unique_ptr<sf::Font> loaded = [] {
    auto f = std::make_unique<sf::Font>();
    const auto path = font_path();
    if (path.empty() || !f->loadFromFile(path.string())) {
      std::cerr << "sgym: warning: no font found (install Debian's fonts-dejavu-core or set SGYM_FONT); "
                   "texts are not drawn\n";
      f.reset();
    }
    return f;
  }();
  return loaded.get();
}

Mapping fit(const DrawList::Camera& cam, sf::Vector2u size) {
  const float w = cam.x_max - cam.x_min, h = cam.y_max - cam.y_min;
  if (!(w > 0) || !(h > 0))
    throw std::runtime_error("DrawList camera rectangle is empty: x [" + std::to_string(cam.x_min) + ", " +
                             std::to_string(cam.x_max) + "], y [" + std::to_string(cam.y_min) + ", " +
                             std::to_string(cam.y_max) + "]");
  Mapping m;
  m.scale = std::min(static_cast<float>(size.x) / w, static_cast<float>(size.y) / h);
  m.ox = (static_cast<float>(size.x) - w * m.scale) * 0.5f;
  m.oy = (static_cast<float>(size.y) - h * m.scale) * 0.5f;
  m.x_min = cam.x_min;
  m.y_max = cam.y_max;
  return m;
}

Bands bands_for(const Overlay& ov) {
  Bands b;
  if (!ov.lines.empty()) b.top = static_cast<float>(ov.lines.size()) * (kTextPx + 3.0f) + 6.0f;
  if (!ov.traces.empty()) b.bottom += kStripPx;
  if (!ov.bars.empty()) b.bottom += kBarsPx;
  return b;
}

void draw_scene(sf::RenderTarget& target, const DrawList& scene, const Bands& bands) {
  target.clear(to_sf(scene.background));
  const sf::Vector2f view = target.getView().getSize();
  const float area_h = std::max(1.0f, view.y - bands.top - bands.bottom);
  Mapping m = fit(scene.camera, {static_cast<unsigned>(view.x), static_cast<unsigned>(area_h)});
  m.oy += bands.top;
  const auto px = [&](float world) { return std::max(1.0f, world * m.scale); };

  // filled areas, strokes and markers; one vertex array per kind keeps draw calls few
  sf::VertexArray tris(sf::Triangles);
  std::vector<sf::Vector2f> pts;
  for (const auto& p : scene.polygons) {
    if (p.points.size() < 3) continue;
    pts.clear();
    for (const auto& v : p.points) pts.push_back(m(v));
    add_polygon(tris, pts, to_sf(p.fill));
  }
  for (const auto& pl : scene.polylines)
    for (std::size_t i = 1; i < pl.points.size(); ++i)
      add_segment(tris, m(pl.points[i - 1]), m(pl.points[i]), px(pl.width), to_sf(pl.color));
  for (const auto& l : scene.lines) add_segment(tris, m(l.a), m(l.b), px(l.width), to_sf(l.color));
  target.draw(tris);

  for (const auto& c : scene.circles) {
    const float r = c.radius * m.scale;
    const bool outline = c.outline_width > 0 && c.outline.a > 0;
    const float t = outline ? px(c.outline_width) : 0.0f;
    // the outline is centred on the radius, as in Box2D's debug draw
    const float inner = std::max(0.5f, r - t * 0.5f);
    sf::CircleShape s(inner, static_cast<std::size_t>(std::clamp(r, 12.0f, 90.0f)));
    s.setOrigin(inner, inner);
    s.setPosition(m(c.center));
    s.setFillColor(to_sf(c.fill));
    if (outline) {
      s.setOutlineColor(to_sf(c.outline));
      s.setOutlineThickness(t);
    }
    target.draw(s);
  }

  // texts: position is the left end of the baseline, size the character height (world units)
  if (!scene.texts.empty()) {
    if (const sf::Font* f = font()) {
      for (const auto& tx : scene.texts) {
        const unsigned size = static_cast<unsigned>(std::clamp(std::lround(tx.size * m.scale), 6L, 256L));
        sf::Text t(sf::String::fromUtf8(tx.text.begin(), tx.text.end()), *f, size);
        t.setFillColor(to_sf(tx.color));
        const sf::Vector2f p = m(tx.position);
        t.setPosition(std::round(p.x), std::round(p.y - static_cast<float>(size)));
        target.draw(t);
      }
    }
  }
}

namespace {

// vector signals: one group of bars per signal side by side, on [0, 1] when every value lies in it
// (probabilities, masks), else on [-m, m] with m the largest magnitude
void draw_bars(sf::RenderTarget& target, const std::vector<Overlay::Bars>& groups, float top, const sf::Font* f) {
  static const sf::Color kBarColors[] = {{250, 200, 80}, {120, 220, 200}, {200, 150, 255}, {255, 140, 170}};
  const float width = target.getView().getSize().x;
  sf::RectangleShape bg({width, kBarsPx});
  bg.setPosition(0.0f, top);
  bg.setFillColor(sf::Color(10, 10, 10, 235));
  target.draw(bg);
  const float group_w = width / static_cast<float>(groups.size());
  const float label_h = f != nullptr ? kTextPx + 4.0f : 2.0f;
  const float plot_top = top + label_h, plot_h = kBarsPx - label_h - 4.0f;
  sf::VertexArray quads(sf::Triangles);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& values = groups[g].values;
    bool unit = true;
    float m = 0;
    for (float v : values)
      if (std::isfinite(v)) {
        unit = unit && v >= 0.0f && v <= 1.0f;
        m = std::max(m, std::abs(v));
      }
    const float lo = unit ? 0.0f : -std::max(m, 1e-6f), hi = unit ? 1.0f : std::max(m, 1e-6f);
    const auto y_of = [&](float v) { return plot_top + (hi - v) / (hi - lo) * plot_h; };
    const float x0 = static_cast<float>(g) * group_w + 6.0f, span = group_w - 12.0f;
    // bars at most 24 pixels wide, so a few values do not fill the strip
    const float bar_w = values.empty() ? 0.0f : std::min(24.0f, span / static_cast<float>(values.size()));
    const sf::Color c = kBarColors[g % 4];
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(values[i])) continue;
      const float a = y_of(0.0f), b = y_of(values[i]);
      const float x = x0 + static_cast<float>(i) * bar_w, w = std::max(1.0f, bar_w * 0.8f);
      const sf::Vector2f p0{x, std::min(a, b)}, p1{x + w, std::min(a, b)}, p2{x + w, std::max(a, b) + 1.0f},
          p3{x, std::max(a, b) + 1.0f};
      for (const sf::Vector2f& p : {p0, p1, p2, p0, p2, p3}) quads.append(sf::Vertex(p, c));
    }
    // the zero line of the group
    const sf::Color grey(110, 110, 110);
    for (const sf::Vector2f& p : {sf::Vector2f{x0, y_of(0.0f)}, sf::Vector2f{x0 + span, y_of(0.0f)},
                                  sf::Vector2f{x0 + span, y_of(0.0f) + 1.0f}, sf::Vector2f{x0, y_of(0.0f)},
                                  sf::Vector2f{x0 + span, y_of(0.0f) + 1.0f}, sf::Vector2f{x0, y_of(0.0f) + 1.0f}})
      quads.append(sf::Vertex(p, grey));
    if (f != nullptr) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s [%.3g, %.3g]", groups[g].name.c_str(), static_cast<double>(lo),
                    static_cast<double>(hi));
      sf::Text t(buf, *f, static_cast<unsigned>(kTextPx));
      t.setFillColor(c);
      t.setPosition(x0, top + 2.0f);
      target.draw(t);
    }
  }
  target.draw(quads);
}

}  // namespace

void draw_overlay(sf::RenderTarget& target, const Overlay& ov) {
  const sf::Vector2f size = target.getView().getSize();
  const sf::Font* f = font();
  const unsigned text_px = static_cast<unsigned>(kTextPx);

  // status lines on a translucent box
  if (!ov.lines.empty() && f != nullptr) {
    float w = 0;
    std::vector<sf::Text> texts;
    for (std::size_t i = 0; i < ov.lines.size(); ++i) {
      sf::Text t(ov.lines[i], *f, text_px);
      t.setFillColor(sf::Color(235, 235, 235));
      t.setPosition(6.0f, 4.0f + static_cast<float>(i) * (static_cast<float>(text_px) + 3.0f));
      w = std::max(w, t.getLocalBounds().width);
      texts.push_back(std::move(t));
    }
    // a band across the top, wide enough for the longest line
    sf::RectangleShape box({std::max(size.x, w + 12.0f), bands_for(ov).top});
    box.setPosition(0.0f, 0.0f);
    box.setFillColor(sf::Color(0, 0, 0, 190));
    target.draw(box);
    for (const auto& t : texts) target.draw(t);
  }

  static const sf::Color kColors[] = {{255, 120, 90}, {110, 200, 255}, {140, 230, 120}, {230, 180, 255}};
  if (!ov.bars.empty()) draw_bars(target, ov.bars, size.y - kBarsPx, f);

  // traces: a strip below the scene (above the bars), all signals on one shared range, zero line
  // in grey
  if (ov.traces.empty()) return;
  const float strip_h = kStripPx;
  const float top = size.y - strip_h - (ov.bars.empty() ? 0.0f : kBarsPx);
  sf::RectangleShape bg({size.x, strip_h});
  bg.setPosition(0.0f, top);
  bg.setFillColor(sf::Color(0, 0, 0, 220));
  target.draw(bg);
  float lo = 0, hi = 0;
  for (const auto& tr : ov.traces)
    for (float v : tr.values)
      if (std::isfinite(v)) { lo = std::min(lo, v); hi = std::max(hi, v); }
  const float span = hi - lo > 1e-6f ? hi - lo : 1.0f;
  const auto y_of = [&](float v) { return top + 4.0f + (hi - v) / span * (strip_h - 8.0f); };
  sf::VertexArray zero(sf::Lines);
  zero.append(sf::Vertex({0.0f, y_of(0.0f)}, sf::Color(120, 120, 120)));
  zero.append(sf::Vertex({size.x, y_of(0.0f)}, sf::Color(120, 120, 120)));
  target.draw(zero);
  for (std::size_t k = 0; k < ov.traces.size(); ++k) {
    const auto& tr = ov.traces[k];
    const sf::Color c = kColors[k % 4];
    sf::VertexArray line(sf::LineStrip);
    const std::size_t n = tr.values.size();
    for (std::size_t i = 0; i < n; ++i)
      if (std::isfinite(tr.values[i]))
        line.append(sf::Vertex({size.x * static_cast<float>(i + 1) / static_cast<float>(std::max<std::size_t>(n, 2)),
                                y_of(tr.values[i])}, c));
    target.draw(line);
    if (f != nullptr) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s %.3f", tr.name.c_str(), n > 0 ? static_cast<double>(tr.values.back()) : 0.0);
      sf::Text t(buf, *f, text_px);
      t.setFillColor(c);
      t.setPosition(6.0f + static_cast<float>(k) * 120.0f, top + 2.0f);
      target.draw(t);
    }
  }
  if (f != nullptr) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "[%.3g, %.3g]", static_cast<double>(lo), static_cast<double>(hi));
    sf::Text t(buf, *f, text_px);
    t.setFillColor(sf::Color(160, 160, 160));
    t.setPosition(size.x - t.getLocalBounds().width - 6.0f, top + 2.0f);
    target.draw(t);
  }
}

}  // namespace detail
}  // namespace sgym::render
