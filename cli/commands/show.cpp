#include "show.hpp"

#include <iostream>

#include "common.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/options.hpp"
#ifdef SGYM_WITH_RENDER
#include "sgym/record.hpp"
#include "sgym/window.hpp"
#endif

namespace sgym::cli {

void add_show_options(CLI::App& c, ShowOptions& show) {
  c.add_option("--env-opt", show.env_opts, "env option key=value (repeatable)");
  c.add_option("--agent-opt", show.agent_opts, "agent option key=value (repeatable)");
  c.add_option("--load", show.load, "agent file to start from (agent.sgym of a run)");
  c.add_option("--episodes", show.episodes, "episodes to run")->check(integer_in(1, kMaxEpisodes));
  c.add_option("--seed", show.seed, "seed (as in sgym run: env reset(seed), agent mix_seed(seed, 1))")->check(seed_value());
  auto* signals = c.add_option("--overlay-signals", show.signals, "agent signals in the overlay: scalars as traces, vectors as bars, e.g. rpe,value,action_probs (default: the first 3 scalar ones)");
  add_deprecated_alias(c, "--signals", signals, show.signals);
  c.add_flag("--no-learning", show.no_learning, "freeze the agent (training off)");
  c.add_option("--trajectory", show.trajectory, "also write the trajectory (JSON Lines, RecordTrajectory) for sgym replay");
  add_width_option(c, show.width, "frame width in pixels (height from the env's camera)");
  add_plugin_option(c, show.plugins);
}

void add_width_option(CLI::App& c, int& width, const std::string& help) {
  auto* w = c.add_option("--render-width", width, help)->check(integer_in(kMinWidth, kMaxWidth));
  add_deprecated_alias(c, "--width", w, width)->check(integer_in(kMinWidth, kMaxWidth));
}

std::unique_ptr<Env> env_from_registry(const std::string& id, const KeyValues& options) {
  return make_env(env_entry(id), options);
}

int no_renderer() {
  std::cerr << "sgym: this build has no renderer: SFML 2.5 (libsfml-dev) and giflib (libgif-dev) were not "
               "found when it was configured; install them (scripts/install-deps.sh) and rebuild\n";
  return 1;
}

#ifdef SGYM_WITH_RENDER
int show(const ShowOptions& o, const std::string& mode, const std::string& replay_file) {
  using namespace sgym::render;
  load_plugins(o.plugins);  // a bad plugin is reported before any window or file is opened
  const bool window = mode == "play" || (mode == "replay" && o.out.empty());
  std::unique_ptr<FrameSink> sink;
  std::unique_ptr<Viewer> viewer;
  if (window) {
    viewer = make_window_viewer("sgym " + mode, o.width);
  } else {
    sink = make_sink(o.out, 30.0, std::cerr);
    viewer = std::make_unique<SinkViewer>(*sink, o.width, o.overlay);
  }
  if (mode == "replay") {
    ReplayConfig rc;
    rc.trajectory = replay_file;
    if (!o.env_opts.empty()) rc.env_options = key_values(o.env_opts, "--env-opt");
    if (!o.seed_text.empty()) rc.seed = parse_seed(o.seed_text, "--seed");
    const ReplaySummary r = replay(rc, env_from_registry, *viewer);
    if (sink) sink->close();
    std::cout << "replayed " << r.episodes << " episode(s), " << r.steps << " steps of " << r.env
              << ": every observation, reward and info equal to the recording"
              << (r.stopped ? " (stopped early by the viewer)" : "") << "\n";
    if (sink) std::cout << "wrote " << sink->frames() << " frames: " << sink->describe() << "\n";
    return 0;
  }
  RecordConfig cfg;
  cfg.env_options = key_values(o.env_opts, "--env-opt");
  cfg.load = o.load;
  cfg.episodes = o.episodes;
  cfg.every = o.every;
  cfg.seed = o.seed;
  cfg.learn = !o.no_learning;
  cfg.trajectory = o.trajectory;
  cfg.signals = split_commas(o.signals, "--overlay-signals");
  // the registry look-ups happen here; the renderer gets an env and an agent, seeded as sgym run seeds them
  const AgentEntry& agent_e = agent_entry(o.agent);
  const EnvEntry& env_e = env_entry(o.env);
  cfg.env_options = canonical_options(env_e.id, env_e.options, cfg.env_options);  // the trajectory records current names
  auto env = make_env(env_e, cfg.env_options);
  auto agent = make_agent(agent_e, env->observation_space(), env->action_space(),
                          key_values(o.agent_opts, "--agent-opt"), mix_seed(cfg.seed, 1));
  const RecordSummary r = record(cfg, std::move(env), *agent, *viewer);
  if (sink) sink->close();
  double sum = 0;
  for (double x : r.returns) sum += x;
  std::cout << r.episodes << " episode(s), " << r.steps << " steps, mean return "
            << fixed(r.returns.empty() ? 0.0 : sum / static_cast<double>(r.returns.size()))
            << (r.stopped ? " (window closed: stopped early)" : "") << "\n";
  if (sink) std::cout << "wrote " << sink->frames() << " frames of " << r.shown_episodes << " episode(s): " << sink->describe() << "\n";
  if (!o.trajectory.empty())
    std::cout << "trajectory: " << o.trajectory << " (with the env options and every reset's seed); replay it with: "
              << "sgym replay " << o.trajectory << "\n";
  return 0;
}
#else
int show(const ShowOptions&, const std::string&, const std::string&) { return no_renderer(); }
#endif

}  // namespace sgym::cli
