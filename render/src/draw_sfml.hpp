// Drawing a DrawList and an Overlay onto any SFML render target (window or texture), shared by the
// offscreen renderer and the window.
#pragma once

#include <SFML/Graphics.hpp>

#include "sgym/draw.hpp"
#include "sgym/render.hpp"

namespace sgym::render::detail {

/// World (y up) to pixel (y down) mapping that fits a camera rectangle into a target, centred.
struct Mapping {
  float scale = 1;     ///< pixels per world unit
  float ox = 0, oy = 0;///< pixel offset of the camera's top-left corner
  float x_min = 0, y_max = 1;

  sf::Vector2f operator()(Vec2 p) const { return {ox + (p.x - x_min) * scale, oy + (y_max - p.y) * scale}; }
};

/// The mapping for `camera` into a target of `size` pixels; throws std::runtime_error for an empty
/// camera rectangle.
Mapping fit(const DrawList::Camera& camera, sf::Vector2u size);

/// Pixel size of overlay text lines, the height of the signal-trace strip and of the bar strip.
constexpr float kTextPx = 13.0f;
constexpr float kStripPx = 80.0f;
constexpr float kBarsPx = 64.0f;

/// Heights (pixels) the overlay takes above (status lines) and below (traces) the scene.
struct Bands {
  float top = 0, bottom = 0;
};

/// The bands `overlay` needs (zero when it has no lines / no traces and bars).
Bands bands_for(const Overlay& overlay);

/// Clears the target to the scene's background and draws every primitive (polygons, polylines,
/// lines, circles, then texts) into the area between the bands.
void draw_scene(sf::RenderTarget& target, const DrawList& scene, const Bands& bands = {});

/// Draws the overlay's status lines (top band), signal traces and bars (bottom band) in pixel space.
void draw_overlay(sf::RenderTarget& target, const Overlay& overlay);

/// The shared font, loaded once; nullptr (after one warning on stderr) when no font file exists.
const sf::Font* font();

}  // namespace sgym::render::detail
