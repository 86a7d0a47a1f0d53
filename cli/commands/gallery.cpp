// sgym gallery ROOT: a picture and a GIF of every registered env, and the Markdown index.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "common.hpp"
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

#ifdef SGYM_WITH_RENDER
// every registered env, shown by the agent written for it (an oracle, a scripted controller: the
// task as a subject performs it), else by the random agent, else by the first that can act in it
std::vector<render::GallerySubject> gallery_subjects() {
  std::vector<render::GallerySubject> out;
  for (const auto& e : env_registry()) {
    auto probe = make_env(e, {});
    const AgentEntry* agent = nullptr;
    for (const auto& a : agent_registry()) {
      const bool fits = agent_env_mismatch(a, e.id, probe->observation_space(), probe->action_space()).empty();
      const bool written_for = std::find(a.envs.begin(), a.envs.end(), e.id) != a.envs.end();
      if (fits && written_for) { agent = &a; break; }
      if (fits && (agent == nullptr || a.id == "random")) agent = &a;
    }
    if (agent == nullptr) throw std::runtime_error("gallery: no registered agent can act in " + e.id);
    out.push_back({e.id, agent->id, e.description, [&e] { return make_env(e, {}); },
                   [agent](const Env& env) {
                     return make_agent(*agent, env.observation_space(), env.action_space(), {}, mix_seed(1, 1));
                   }});
  }
  return out;
}
#endif

int gallery(const GalleryOptions& o) {
#ifdef SGYM_WITH_RENDER
  for (const auto& g : render::write_gallery(o.root, gallery_subjects(), o.width))
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
  add_width_option(*sub, o->width, "picture width in pixels");
  on_chosen(*sub, [o](const std::string&) { return gallery(*o); });
}

}  // namespace sgym::cli
