// Pictures of every registered env for the documentation: `sgym gallery docs` writes
// docs/gallery/<Id>.png (a frame from the middle of a first episode), docs/gallery/<Id>.gif (that
// episode, half as wide) and docs/gallery.md showing them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sgym::render {

/// One env's pictures.
struct GalleryEntry {
  std::string env, agent, description;
  std::filesystem::path png, gif;  ///< relative to the gallery's root
  int frame = 0, frames = 0;       ///< which frame the picture is, of how many
};

/// Renders every registered env (seed 1, first episode, the random agent or else the first
/// compatible one) into `root`/gallery/ and writes `root`/gallery.md; returns the entries.
std::vector<GalleryEntry> write_gallery(const std::filesystem::path& root, int width = 480);

}  // namespace sgym::render
