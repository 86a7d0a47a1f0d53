#include "sgym/record.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/io.hpp"
#include "sgym/run_view.hpp"
#include "sgym/wrappers.hpp"

namespace sgym::render {

using json = nlohmann::json;

namespace {

KeyValues key_values_from(const json& j) {
  KeyValues kv;
  for (const auto& p : j) kv.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
  return kv;
}

}  // namespace

SinkViewer::SinkViewer(FrameSink& sink, int width, bool overlay) : sink_(sink), width_(width), overlay_(overlay) {
  if (width < 16) throw UsageError("--render-width must be >= 16 pixels, got " + std::to_string(width));
}

bool SinkViewer::show(const DrawList& scene, const Overlay& overlay) {
  if (!renderer_) {
    const auto [w, h] = overlay_ ? frame_size_with(scene.camera, width_, overlay) : frame_size_for(scene.camera, width_);
    renderer_ = std::make_unique<FrameRenderer>(w, h);
  }
  sink_.add(renderer_->render(scene, overlay_ ? &overlay : nullptr));
  return true;
}

std::filesystem::path trajectory_meta_path(const std::filesystem::path& trajectory) {
  return trajectory.string() + ".meta.json";
}

RecordSummary record(const RecordConfig& cfg, std::unique_ptr<Env> env, Agent& agent, Viewer& viewer) {
  if (cfg.episodes < 1) throw UsageError("--episodes must be >= 1, got " + std::to_string(cfg.episodes));
  // the same overlay and schedule as sgym run --render (checks --render-every and the signal names)
  std::shared_ptr<Viewer> shown(&viewer, [](Viewer*) {});
  const StepObserver show = run_observer(shown, RunViewConfig{cfg.every, cfg.episodes, cfg.signals},
                                         agent.signal_names(), agent.id());

  // build everything before writing anything, so usage errors leave no files behind
  if (!cfg.load.empty()) agent.load(cfg.load);
  agent.set_training(cfg.learn);
  RecordTrajectory* recorder = nullptr;
  if (!cfg.trajectory.empty()) {
    if (cfg.trajectory.has_parent_path()) std::filesystem::create_directories(cfg.trajectory.parent_path());
    auto wrapped = std::make_unique<RecordTrajectory>(std::move(env), cfg.trajectory, cfg.env_options);
    recorder = wrapped.get();
    env = std::move(wrapped);
  }
  viewer.set_fps(env->spec().render_fps);

  RecordSummary sum;
  std::vector<float> obs;
  for (int ep = 0; ep < cfg.episodes; ++ep) {
    const bool seen = ep % cfg.every == 0;
    EpisodeHooks hooks;
    hooks.on_step = [&](const EpisodeStep& st) {
      if (st.action != nullptr) ++sum.steps;
      sum.frames += seen;
      // recording shows one phase: its episodes are labelled as training ones
      return show(StepView{*env, agent, st.result, st.action, ep, st.step, sum.steps, true});
    };
    const EpisodeEnd end = play_episode(*env, agent, ep == 0 ? std::optional<std::uint64_t>(cfg.seed) : std::nullopt,
                                        obs, hooks);
    if (end.stopped) {
      sum.stopped = true;
      break;
    }
    ++sum.episodes;
    sum.shown_episodes += seen;
    sum.returns.push_back(end.episode_return);
  }

  // the header carries the env, its options and the build, each reset record its seed
  if (recorder != nullptr) recorder->close();
  return sum;
}

ReplaySummary replay(const ReplayConfig& cfg, const EnvFactory& make_env, Viewer& viewer) {
  const auto& path = cfg.trajectory;
  if (!std::filesystem::exists(path)) throw UsageError("replay: no trajectory file " + path.string());
  const Trajectory traj = read_trajectory_file(path);
  const std::vector<TrajectoryStep>& steps = traj.steps;
  const std::string& env_id = traj.header.env;

  // the env options: given, else the header's (version 2), else an old file's sidecar; the first
  // reset's seed likewise (version 2 records every reset's seed)
  KeyValues options = traj.header.env_options.value_or(KeyValues{});
  std::optional<std::uint64_t> seed;
  const bool seeds_recorded = traj.header.version >= 2;
  const auto meta_path = trajectory_meta_path(path);
  if (!seeds_recorded && std::filesystem::exists(meta_path)) {
    try {
      const json meta = json::parse(read_file(meta_path));
      if (meta.at("format") != "sgym-trajectory-meta" || meta.at("version") != 1)
        throw FileFormatError(meta_path.string() + " is not an sgym trajectory sidecar (version 1)");
      if (meta.at("env").get<std::string>() != env_id)
        throw FileFormatError(meta_path.string() + " is for env " + meta.at("env").get<std::string>() + ", the trajectory for " + env_id);
      options = key_values_from(meta.at("env_options"));
      seed = meta.at("seed").get<std::uint64_t>();
    } catch (const json::exception& e) {
      throw FileFormatError(meta_path.string() + ": " + e.what());
    }
  }
  if (cfg.env_options) options = *cfg.env_options;
  if (cfg.seed) seed = cfg.seed;

  std::unique_ptr<Env> env = make_env(env_id, options);
  if (!seed && !seeds_recorded) {
    if (!env->spec().deterministic)
      throw UsageError("replay: " + path.string() + " has no sidecar " + meta_path.filename().string() +
                       " and " + env_id + " depends on its seed; pass --seed (and --env-opt) as recorded");
    seed = 0;
  }
  viewer.set_fps(env->spec().render_fps);

  ReplaySummary sum;
  sum.env = env_id;
  DrawList scene;
  Overlay overlay;
  double ret = 0;
  const auto diverged = [&](const TrajectoryStep& s, const std::string& what) {
    return std::runtime_error("replay of " + path.string() + " diverged at episode " + std::to_string(s.episode) +
                              " step " + std::to_string(s.step) + ": " + what +
                              " (the env's options, the seed or the build differ from the recording)");
  };
  for (const TrajectoryStep& s : steps) {
    std::span<const float> obs;
    if (!s.action) {
      // a reset record: with the seed it recorded (version 2; --seed overrides the first), else
      // the sidecar's seed for the first episode only, as `sgym record` seeded it
      std::optional<std::uint64_t> reset_seed = s.has_reset_seed ? s.reset_seed : std::nullopt;
      if (sum.episodes == 0 && seed) reset_seed = seed;
      ResetResult r = env->reset(reset_seed);
      obs = r.obs;
      ++sum.episodes;
      ret = 0;
      if (json::parse(info_to_json(r.info)) != json::parse(s.info_json))
        throw diverged(s, "info " + info_to_json(r.info) + ", recorded " + s.info_json);
    } else {
      if (env->needs_reset() || !env->started()) throw diverged(s, "the recording steps an episode that has ended");
      StepResult r = env->step(*s.action);
      obs = r.obs;
      ++sum.steps;
      ret += r.reward;
      if (r.reward != s.reward) throw diverged(s, "reward " + format_number(r.reward) + ", recorded " + format_number(s.reward));
      if (r.terminated != s.terminated || r.truncated != s.truncated)
        throw diverged(s, "terminated/truncated " + std::to_string(r.terminated) + "/" + std::to_string(r.truncated) +
                              ", recorded " + std::to_string(s.terminated) + "/" + std::to_string(s.truncated));
      if (json::parse(info_to_json(r.info)) != json::parse(s.info_json))
        throw diverged(s, "info " + info_to_json(r.info) + ", recorded " + s.info_json);
    }
    if (obs.size() != s.obs.size())
      throw diverged(s, "observation has " + std::to_string(obs.size()) + " elements, recorded " + std::to_string(s.obs.size()));
    for (std::size_t i = 0; i < obs.size(); ++i)
      if (obs[i] != s.obs[i])
        throw diverged(s, "observation element " + std::to_string(i) + " is " + format_number(obs[i]) + ", recorded " +
                              format_number(s.obs[i]));
    scene.clear();
    env->draw(scene);
    if (viewer.wants_overlay())
      overlay.lines = {"replay of " + path.filename().string(), status_line(env_id, "episode " + std::to_string(s.episode + 1), s.step, ret, s.reward)};
    ++sum.frames;
    if (!viewer.show(scene, overlay)) {
      sum.stopped = true;
      break;
    }
  }
  return sum;
}

}  // namespace sgym::render
