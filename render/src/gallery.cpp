#include "sgym/gallery.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "sgym/io.hpp"
#include "sgym/record.hpp"
#include "sgym/video.hpp"

namespace sgym::render {

std::vector<GalleryEntry> write_gallery(const std::filesystem::path& root, const std::vector<GallerySubject>& subjects,
                                        int width) {
  const auto dir = root / "gallery";
  std::filesystem::create_directories(dir);
  std::vector<GalleryEntry> out;
  for (const auto& e : subjects) {
    RecordConfig cfg;
    cfg.episodes = 1;
    cfg.seed = 1;
    // one episode recorded twice (a fresh env and agent each time): frames, then the GIF
    auto record_into = [&](Viewer& viewer) {
      auto env = e.make_env();
      auto agent = e.make_agent(*env);
      const double fps = env->spec().render_fps;
      record(cfg, std::move(env), *agent, viewer);
      return fps;
    };
    MemorySink frames;
    SinkViewer viewer(frames, width, false);
    const double fps = record_into(viewer);
    GalleryEntry g;
    g.env = e.env;
    g.agent = e.agent;
    g.description = e.description;
    g.frames = static_cast<int>(frames.frames());
    // a frame 60 % into the episode: past the cue of most trial structures, before the end
    g.frame = static_cast<int>(0.6 * (g.frames - 1));
    g.png = std::filesystem::path("gallery") / (e.env + ".png");
    g.gif = std::filesystem::path("gallery") / (e.env + ".gif");
    save_png(frames.all()[static_cast<std::size_t>(g.frame)], root / g.png);
    // the episode at half the width keeps the animation small enough to commit
    auto gif = make_gif_sink(root / g.gif, fps);
    SinkViewer small(*gif, std::max(16, width / 2), false);
    small.set_fps(fps);
    record_into(small);
    gif->close();
    out.push_back(std::move(g));
  }
  std::ostringstream md;
  md << "# Gallery\n\n"
     << "Every registered environment as `sgym record` renders it (offscreen, SFML): a frame from the middle of the\n"
     << "first episode (seed 1) and, linked, the whole episode as an animated GIF (half the width). Regenerate with\n"
     << "`xvfb-run -a build/release/cli/sgym gallery docs` (without `xvfb-run` when a display is available).\n\n";
  for (const auto& g : out)
    md << "## " << g.env << "\n\n" << g.description << "\n\n"
       << "![" << g.env << "](" << g.png.generic_string() << ")\n\n"
       << "Frame " << g.frame << " of " << g.frames << ", agent `" << g.agent << "`; the episode: ["
       << g.gif.filename().string() << "](" << g.gif.generic_string() << "). Record it yourself:\n\n"
       << "```sh\nsgym record --env " << g.env << " --agent " << g.agent << " --seed 1 --out " << g.env << ".gif\n```\n\n";
  write_file_atomic(root / "gallery.md", md.str());
  return out;
}

}  // namespace sgym::render
