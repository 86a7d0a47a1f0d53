// Renderer-agnostic drawing: an env describes what a subject would see as primitives in world
// coordinates, and a backend (SFML window, offscreen frames) turns them into pixels. The simulation
// never depends on a renderer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sgym {

/// 8-bit RGBA colour.
struct Color {
  std::uint8_t r = 255, g = 255, b = 255, a = 255;
};

/// A point in world coordinates (env-defined units, y up).
struct Vec2 {
  float x = 0, y = 0;
};

/// A list of primitives for one frame, plus the world rectangle the camera shows.
struct DrawList {
  struct Line { Vec2 a, b; Color color; float width = 1; };
  struct Polyline { std::vector<Vec2> points; Color color; float width = 1; };
  struct Polygon { std::vector<Vec2> points; Color fill; };
  struct Circle { Vec2 center; float radius = 1; Color fill; Color outline; float outline_width = 0; };
  struct Text { Vec2 position; std::string text; float size = 1; Color color; };
  struct Camera { float x_min = 0, y_min = 0, x_max = 1, y_max = 1; };

  Camera camera;            ///< world rectangle to show
  Color background{0, 0, 0, 255};
  std::vector<Line> lines;
  std::vector<Polyline> polylines;
  std::vector<Polygon> polygons;
  std::vector<Circle> circles;
  std::vector<Text> texts;

  /// Empties every list (keeps capacity).
  void clear() {
    lines.clear(); polylines.clear(); polygons.clear(); circles.clear(); texts.clear();
  }
  /// Total number of primitives.
  std::size_t size() const {
    return lines.size() + polylines.size() + polygons.size() + circles.size() + texts.size();
  }
};

}  // namespace sgym
