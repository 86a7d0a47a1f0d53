#include "sgym/gallery.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/io.hpp"
#include "sgym/record.hpp"
#include "sgym/video.hpp"

namespace sgym::render {

std::vector<GalleryEntry> write_gallery(const std::filesystem::path& root, int width) {
  const auto dir = root / "gallery";
  std::filesystem::create_directories(dir);
  std::vector<GalleryEntry> out;
  for (const auto& e : env_registry()) {
    auto probe = make_env(e, {});
    // the chance baseline when it applies, so the picture shows the task rather than a skill
    // the agent written for this env (an oracle, a scripted controller) shows the task as a subject
    // performs it; otherwise the random agent
    std::string agent;
    for (const auto& a : agent_registry()) {
      const bool fits = agent_env_mismatch(a, e.id, probe->observation_space(), probe->action_space()).empty();
      const bool written_for = std::find(a.envs.begin(), a.envs.end(), e.id) != a.envs.end();
      if (fits && written_for) { agent = a.id; break; }
      if (fits && (agent.empty() || a.id == "random")) agent = a.id;
    }
    if (agent.empty()) throw std::runtime_error("gallery: no registered agent can act in " + e.id);
    RecordConfig cfg;
    cfg.env_id = e.id;
    cfg.agent_id = agent;
    cfg.episodes = 1;
    cfg.seed = 1;
    MemorySink frames;
    SinkViewer viewer(frames, width, false);
    record(cfg, viewer);
    GalleryEntry g;
    g.env = e.id;
    g.agent = agent;
    g.description = e.description;
    g.frames = static_cast<int>(frames.frames());
    // a frame 60 % into the episode: past the cue of most trial structures, before the end
    g.frame = static_cast<int>(0.6 * (g.frames - 1));
    g.png = std::filesystem::path("gallery") / (e.id + ".png");
    g.gif = std::filesystem::path("gallery") / (e.id + ".gif");
    save_png(frames.all()[static_cast<std::size_t>(g.frame)], root / g.png);
    // the episode at half the width keeps the animation small enough to commit
    auto gif = make_gif_sink(root / g.gif, probe->spec().render_fps);
    SinkViewer small(*gif, std::max(16, width / 2), false);
    small.set_fps(probe->spec().render_fps);
    record(cfg, small);
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
