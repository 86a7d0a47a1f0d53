// sgym play: watch an agent in an env in a window.
#include "commands.hpp"
#include "show.hpp"

namespace sgym::cli {

void add_play_command(CLI::App& app) {
  auto o = std::make_shared<ShowOptions>();
  auto* sub = app.add_subcommand("play", "watch an agent in an env in a window (keys: space pause, right step, up/down speed, esc quit)");
  sub->add_option("--env", o->env, "env id")->required();
  sub->add_option("--agent", o->agent, "agent id (default random)");
  add_show_options(*sub, *o);
  on_chosen(*sub, [o](const std::string&) { return show(*o, "play"); });
}

}  // namespace sgym::cli
