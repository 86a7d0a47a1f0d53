// A small software rasteriser for DrawLists, so that Python's render_mode="rgb_array" needs no
// display: the SFML renderer (render/) draws through an OpenGL context, which needs X (or Xvfb).
// It draws what render/ draws, in the same order and with the same camera fit (letterboxed, y up):
// polygons, then polyline and line strokes as quads, then circles with their outline centred on the
// radius, with alpha blending and 2x2 supersampling at edges. Texts are not drawn (no font
// rasteriser here); the caller is told how many were skipped.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "sgym/draw.hpp"

namespace sgym::raster {

/// Frame size for a camera rectangle at `width` pixels: the aspect ratio kept, the height clamped to
/// [64, 4 * width], both rounded up to even numbers (as render/'s frame_size_for).
std::pair<int, int> frame_size(const DrawList::Camera& camera, int width);

/// Draws `scene` into an RGB image of width x height (rows from the top, 3 bytes per pixel).
/// Returns the number of texts that were not drawn.
int draw(const DrawList& scene, int width, int height, std::vector<std::uint8_t>& rgb);

}  // namespace sgym::raster
