// sgym record: an agent in an env written offscreen as GIF, MP4 or PNG frames.
#include "commands.hpp"
#include "show.hpp"

namespace sgym::cli {

void add_record_command(CLI::App& app) {
  auto o = std::make_shared<ShowOptions>();
  auto* sub = app.add_subcommand("record", "record an agent in an env as GIF, MP4 or PNG frames (offscreen)");
  sub->add_option("--env", o->env, "env id")->required();
  sub->add_option("--agent", o->agent, "agent id")->required();
  sub->add_option("--out", o->out, "NAME.gif, NAME.mp4 (needs ffmpeg; else a GIF) or DIR/ for PNG frames")->required();
  add_show_options(*sub, *o);
  sub->add_option("--every", o->every, "show only episodes 0, K, 2K, ... (the others run unseen)")->check(CLI::PositiveNumber);
  sub->add_flag("--overlay", o->overlay, "draw episode, step, reward and agent signals on the frames");
  on_chosen(*sub, [o](const std::string&) { return show(*o, "record"); });
}

}  // namespace sgym::cli
