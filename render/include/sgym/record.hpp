// Recording agents as videos and replaying recorded trajectories frame for frame. Both loops show
// each step through a Viewer: offscreen into a FrameSink (GIF, MP4, PNGs, memory) or a window.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sgym/agent.hpp"
#include "sgym/env.hpp"
#include "sgym/options.hpp"
#include "sgym/render.hpp"
#include "sgym/video.hpp"

namespace sgym::render {

/// Shows the frames of a loop.
class Viewer {
 public:
  virtual ~Viewer() = default;
  /// Shows one frame; returns false when the viewer asks the loop to stop (window closed).
  virtual bool show(const DrawList& scene, const Overlay& overlay) = 0;
  /// True when show() uses the overlay (the loops skip building it otherwise).
  virtual bool wants_overlay() const = 0;
  /// Steps per second the loop should keep (0 = as fast as possible); the window paces itself.
  virtual void set_fps(double) {}
};

/// Renders offscreen into a FrameSink. The frame size is fixed by the first scene's camera
/// (`width` pixels wide); later scenes with another camera are letterboxed into it.
class SinkViewer final : public Viewer {
 public:
  SinkViewer(FrameSink& sink, int width, bool overlay);
  bool show(const DrawList& scene, const Overlay& overlay) override;
  bool wants_overlay() const override { return overlay_; }
  void set_fps(double fps) override { sink_.set_fps(fps); }

 private:
  FrameSink& sink_;
  int width_;
  bool overlay_;
  std::unique_ptr<FrameRenderer> renderer_;
};

/// An agent acting in an env, shown by a Viewer.
struct RecordConfig {
  KeyValues env_options;              ///< the env's options, for the trajectory header
  std::filesystem::path load;         ///< agent file to start from (empty: the agent as given)
  int episodes = 1;                   ///< episodes to run, >= 1
  int every = 1;                      ///< show episodes 0, k, 2k, ... (the others run unseen), >= 1
  std::uint64_t seed = 0;             ///< env reset(seed) on the first episode (build the agent
                                      ///< with mix_seed(seed, 1) to act as in `sgym run`)
  bool learn = true;                  ///< agent training on (as in `sgym run`)
  std::filesystem::path trajectory;   ///< when set, a RecordTrajectory file (header with the env
                                      ///< options, reset records with their seeds)
  std::vector<std::string> signals;   ///< agent signals in the overlay: scalars traced, vectors as
                                      ///< bars (empty: the first scalar ones)
};

/// What a recording did.
struct RecordSummary {
  int episodes = 0;          ///< episodes completed
  int shown_episodes = 0;    ///< episodes shown (rendered)
  long steps = 0;
  long frames = 0;           ///< frames shown
  std::vector<double> returns;
  bool stopped = false;      ///< the viewer asked to stop (window closed)
};

/// Plays `agent` in `env` through the one agent-env loop (play_episode), as `sgym run` does, and
/// shows every `every`-th episode through the same observer as `sgym run --render`: a frame after
/// the reset and after every step. Bad counts or signals are UsageErrors raised before anything
/// is written. The caller builds env and agent (registry look-ups happen in the CLI).
RecordSummary record(const RecordConfig& config, std::unique_ptr<Env> env, Agent& agent, Viewer& viewer);

/// Builds an env from its id and options (the CLI passes its registry look-up).
using EnvFactory = std::function<std::unique_ptr<Env>(const std::string& id, const KeyValues& options)>;

/// The sidecar of a version-1 trajectory (written by earlier builds): env options and seed, which
/// that header lacked. Replay still reads it.
std::filesystem::path trajectory_meta_path(const std::filesystem::path& trajectory);

/// A recorded trajectory re-run.
struct ReplayConfig {
  std::filesystem::path trajectory;
  std::optional<KeyValues> env_options;  ///< overrides the header's (or an old file's sidecar's)
  std::optional<std::uint64_t> seed;     ///< overrides the first reset's recorded seed (needed for
                                         ///< a version-1 file without sidecar, unless the env is
                                         ///< deterministic)
};

/// What a replay did.
struct ReplaySummary {
  std::string env;
  int episodes = 0;
  long steps = 0;
  long frames = 0;
  bool stopped = false;
};

/// Re-creates the env from the trajectory header (or an old file's sidecar), resets it with the
/// recorded seeds,
/// steps it with the recorded actions and shows every state. Every observation, reward, flag and
/// info must equal the recorded one: the first difference throws std::runtime_error naming the
/// episode, the step and the values.
ReplaySummary replay(const ReplayConfig& config, const EnvFactory& make_env, Viewer& viewer);

}  // namespace sgym::render
