// What record, play and replay share: their options and the loop shown in a window or written as
// frames (needs the renderer, render/).
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace sgym::cli {

/// Options of record, play and replay.
struct ShowOptions {
  std::string env, agent = "random", load, out, trajectory, seed_text;
  std::vector<std::string> env_opts, agent_opts, signals;
  int episodes = 1, every = 1, width = 640;
  std::uint64_t seed = 0;
  bool overlay = false, no_learning = false;
};

/// The options record and play share (after their own --env, --agent, --out).
void add_show_options(CLI::App& sub, ShowOptions& o);

/// record / play / replay: an offscreen sink or a window, then the loop. `mode` is "record", "play"
/// or "replay" (`replay_file` is then the trajectory).
int show(const ShowOptions& o, const std::string& mode, const std::string& replay_file = "");

/// In a build without the renderer: says so on stderr (what to install) and returns exit code 1.
int no_renderer();

}  // namespace sgym::cli
