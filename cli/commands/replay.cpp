// sgym replay FILE: re-run a recorded trajectory exactly, checking every step against the recording.
#include "commands.hpp"
#include "show.hpp"

namespace sgym::cli {

namespace {
struct ReplayOptions {
  ShowOptions show;
  std::string file;
};
}  // namespace

void add_replay_command(CLI::App& app) {
  auto o = std::make_shared<ReplayOptions>();
  auto* sub = app.add_subcommand("replay", "re-run a trajectory file exactly, in a window or to GIF/MP4/PNG frames");
  sub->add_option("file", o->file, "trajectory written by sgym record --trajectory (or RecordTrajectory)")->required();
  sub->add_option("--out", o->show.out, "NAME.gif, NAME.mp4 or DIR/ (default: a window)");
  sub->add_option("--width", o->show.width, "frame width in pixels")->check(CLI::Range(16, 8192));
  sub->add_flag("--overlay", o->show.overlay, "draw episode, step and reward on the frames");
  sub->add_option("--seed", o->show.seed_text, "reset seed, when the trajectory has no sidecar .meta.json");
  sub->add_option("--env-opt", o->show.env_opts, "env option key=value, when the trajectory has no sidecar");
  on_chosen(*sub, [o](const std::string&) { return show(o->show, "replay", o->file); });
}

}  // namespace sgym::cli
