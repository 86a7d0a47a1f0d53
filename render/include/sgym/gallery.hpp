// Pictures of every registered env for the documentation: `sgym gallery docs` writes
// docs/gallery/<Id>.png (a frame from the middle of a first episode), docs/gallery/<Id>.gif (that
// episode, half as wide) and docs/gallery.md showing them.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sgym/agent.hpp"
#include "sgym/env.hpp"

namespace sgym::render {

/// One env's pictures.
struct GalleryEntry {
  std::string env, agent, description;
  std::filesystem::path png, gif;  ///< relative to the gallery's root
  int frame = 0, frames = 0;       ///< which frame the picture is, of how many
};

/// An env to picture and the agent shown acting in it (the CLI chooses them from the registries).
struct GallerySubject {
  std::string env, agent, description;
  std::function<std::unique_ptr<Env>()> make_env;
  std::function<std::unique_ptr<Agent>(const Env&)> make_agent;  ///< seeded as `sgym run --seed 1`
};

/// Renders each subject (seed 1, first episode) into `root`/gallery/ and writes
/// `root`/gallery.md; returns the entries.
std::vector<GalleryEntry> write_gallery(const std::filesystem::path& root, const std::vector<GallerySubject>& subjects,
                                        int width = 480);

}  // namespace sgym::render
