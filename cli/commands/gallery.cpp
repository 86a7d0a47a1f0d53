// sgym gallery ROOT: a picture and a GIF of every registered env, and the Markdown index.
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "show.hpp"
#ifdef SGYM_WITH_RENDER
#include "sgym/gallery.hpp"
#endif

namespace sgym::cli {

namespace {
struct GalleryOptions {
  std::string root;
  int width = 640;
};

int gallery(const GalleryOptions& o) {
#ifdef SGYM_WITH_RENDER
  for (const auto& g : render::write_gallery(o.root, o.width))
    std::cout << g.env << ": " << (std::filesystem::path(o.root) / g.png).string() << ", "
              << (std::filesystem::path(o.root) / g.gif).string() << "\n";
  std::cout << "index: " << (std::filesystem::path(o.root) / "gallery.md").string() << "\n";
  return 0;
#else
  (void)o;
  return no_renderer();
#endif
}
}  // namespace

void add_gallery_command(CLI::App& app) {
  auto o = std::make_shared<GalleryOptions>();
  auto* sub = app.add_subcommand("gallery", "pictures of every registered env: ROOT/gallery/<Id>.png, .gif and ROOT/gallery.md");
  sub->add_option("root", o->root, "where gallery.md and gallery/ go, e.g. docs")->required();
  sub->add_option("--width", o->width, "picture width in pixels")->check(CLI::Range(16, 8192));
  on_chosen(*sub, [o](const std::string&) { return gallery(*o); });
}

}  // namespace sgym::cli
