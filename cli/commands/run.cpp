// sgym run: an agent against an env for N episodes; writes summary.json, the episode and trial logs,
// recorded signals and the trained agent, optionally shown in a window or written as frames.
#include <iostream>
#include <unistd.h>

#include "commands.hpp"
#include "field_flags.hpp"
#include "common.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/runner.hpp"
#include "sgym/stop_signals.hpp"
#ifdef SGYM_WITH_RENDER
#include "sgym/record.hpp"
#include "sgym/run_view.hpp"
#include "sgym/window.hpp"
#endif

namespace sgym::cli {

namespace {

struct RunOptions {
  RunConfig cfg;
  std::vector<std::string> env_opts, agent_opts, record, plugins, overlay_signals;
  std::string criterion, render_mode, render_out, checkpoint_every = "auto";
  bool no_progress = false;
  int render_every = 1, render_width = 640;
};

void print_summary(const RunSummary& s, const std::filesystem::path& out) {
  if (s.stopped_early)
    std::cout << "\nstopped early after " << s.episodes_completed << " of " << s.episodes
              << " training episodes (summary.json says so: \"stopped_early\": true)\n";
  std::cout << "\n"
            << "| env | agent | seed | episodes | steps | mean return | final mean return | success | final success | trials to criterion | env steps/s |\n"
            << "|---|---|---|---|---|---|---|---|---|---|---|\n"
            << "| " << s.env << " | " << s.agent << " | " << s.seed << " | " << s.episodes << " | "
            << s.total_steps << " | " << fixed(s.mean_return) << " | " << fixed(s.final_mean_return)
            << " | " << opt_text(s.success_rate) << " | " << opt_text(s.final_success_rate) << " | "
            << (s.trials_to_criterion ? std::to_string(*s.trials_to_criterion) : "n/a") << " | "
            << fixed(s.env_steps_per_second, 0) << " |\n";
  if (!s.evals.empty()) {
    std::cout << "\nevaluation (training off):\n| after episodes | mean return | success |\n|---|---|---|\n";
    for (const auto& e : s.evals)
      std::cout << "| " << e.after_episodes << " | " << fixed(e.mean_return) << " | " << opt_text(e.success_rate) << " |\n";
  }
  if (!s.signal_cells.empty()) {
    std::cout << "\nrecorded signals by condition and epoch (mean over the steps of the epoch: in the "
                 "first trial of the condition,\nover the first 10 % and over the last 10 % of training episodes):\n"
              << "| signal | condition | epoch | first trial | first 10 % | last 10 % |\n|---|---|---|---|---|---|\n";
    for (const auto& c : s.signal_cells)
      std::cout << "| " << c.signal << " | " << c.condition << " | " << c.epoch << " | "
                << (c.first_n > 0 ? fixed(c.first_mean) : "n/a") << " | "
                << (c.early_n > 0 ? fixed(c.early_mean) : "n/a") << " | "
                << (c.late_n > 0 ? fixed(c.late_mean) : "n/a") << " |\n";
  }
  std::string files;
  for (const char* f : {"summary.json", "episodes.jsonl", "episodes.csv", "trials.jsonl", "signals.csv", "agent.sgym"})
    if (std::filesystem::exists(out / f)) files += (files.empty() ? "" : ", ") + std::string(f);
  std::cout << "\noutputs in " << out.string() << "/ (" << files << ")\n";
}

// the run shown in a window (--render human) or written as frames (--render rgb)
RunSummary run_rendered(RunOptions& o, const EnvEntry& e, const AgentEntry& a) {
#ifdef SGYM_WITH_RENDER
  RunConfig& cfg = o.cfg;
  // the agent's signal names, to check --overlay-signals before anything is written
  std::vector<std::string> names;
  {
    const auto probe_env = make_env(e, cfg.env_options);
    names = make_agent(a, probe_env->observation_space(), probe_env->action_space(), cfg.agent_options, 0,
                       {probe_env->spec().dt_ms})
                ->signal_names();
  }
  const render::RunViewConfig view{o.render_every, cfg.episodes, split_commas(o.overlay_signals, "--overlay-signals")};
  std::unique_ptr<render::FrameSink> sink;
  std::shared_ptr<render::Viewer> viewer;
  render::check_signal_names(view.signals, names, cfg.agent_id, "--overlay-signals");
  if (o.render_mode == "human") {
    viewer = render::make_window_viewer("sgym run " + cfg.env_id + " / " + cfg.agent_id, o.render_width);
  } else {
    if (o.render_out.empty()) throw UsageError("--render rgb needs --render-out NAME.gif, NAME.mp4 or DIR/");
    sink = render::make_sink(o.render_out, 30.0, std::cerr);
    viewer = std::make_shared<render::SinkViewer>(*sink, o.render_width, true);
  }
  cfg.observer = render::run_observer(viewer, view, names, cfg.agent_id);
  const RunSummary s = sgym::run(cfg, e, a);
  if (sink) {
    sink->close();
    std::cout << "wrote " << sink->frames() << " frames: " << sink->describe() << "\n";
  }
  if (s.stopped_early && !(cfg.stop != nullptr && cfg.stop->load()))
    std::cout << "window closed: the run stopped early; every output was written\n";
  return s;
#else
  (void)o, (void)e, (void)a;
  throw std::runtime_error("this build has no renderer for --render: SFML 2.5 (libsfml-dev) and giflib (libgif-dev) "
                           "were not found when it was configured; install them (scripts/install-deps.sh) and rebuild");
#endif
}

// the flags of the run configuration's fields that the runner's messages name
const FieldFlags kRunFlags = {{"out_dir", "--out"}, {"resume", "--resume"}, {"overwrite", "--overwrite"}};

int run_command(RunOptions& o, const std::string& command) {
  RunConfig& cfg = o.cfg;
  load_plugins(o.plugins);
  cfg.env_options = key_values(o.env_opts, "--env-opt");
  cfg.agent_options = key_values(o.agent_opts, "--agent-opt");
  cfg.record = split_commas(o.record, "--record");
  if (!o.criterion.empty()) cfg.criterion = Criterion::parse(o.criterion);
  cfg.progress = !o.no_progress && ::isatty(fileno(stderr));
  cfg.command = command;
  if (o.checkpoint_every == "auto") cfg.checkpoint_every = RunConfig::kCheckpointAuto;
  else cfg.checkpoint_every = static_cast<int>(detail::parse_int("--checkpoint-every", "K", o.checkpoint_every, 0, 1000000000,
                                                                 "auto or an integer in [0, 1000000000]"));
  // Ctrl-C and kill stop the run as closing its window does: the step ends, every output is written
  const StopOnSignals signals;
  cfg.stop = signals.flag();
  const EnvEntry& e = env_entry(cfg.env_id);
  const AgentEntry& a = agent_entry(cfg.agent_id);
  if (o.render_mode == "human" && !o.render_out.empty())
    throw UsageError("--render-out is written by --render rgb; --render human shows a window and writes no frames");
  if (o.render_mode.empty() && !o.overlay_signals.empty())
    throw UsageError("--overlay-signals is drawn by --render human or --render rgb; add one of them");
  const RunSummary s = naming_flags(kRunFlags, [&] { return o.render_mode.empty() ? sgym::run(cfg, e, a) : run_rendered(o, e, a); });
  print_summary(s, cfg.out_dir);
  if (signals.signal() != 0) {
    std::cout << "stopped by signal " << signals.signal() << "; continue with the same command and --resume\n";
    return 128 + signals.signal();
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  RunConfig& cfg = o->cfg;
  auto* run = app.add_subcommand("run", "run an agent against an env and write results");
  run->add_option("--env", cfg.env_id, "env id")->required();
  run->add_option("--agent", cfg.agent_id, "agent id")->required();
  run->add_option("--env-opt", o->env_opts, "env option key=value (repeatable)");
  run->add_option("--agent-opt", o->agent_opts, "agent option key=value (repeatable)");
  run->add_option("--episodes", cfg.episodes, "training episodes")->default_val(100)->check(integer_in(1, kMaxEpisodes));
  run->add_option("--seed", cfg.seed, "seed for env, agent and evaluation")->default_val(0)->check(seed_value());
  run->add_option("--out", cfg.out_dir, "output directory")->required();
  run->add_option("--eval-every", cfg.eval_every, "evaluate (training off) every K episodes; 0 = never")->default_val(0)->check(integer_in(0, kMaxEpisodes));
  run->add_option("--eval-episodes", cfg.eval_episodes, "episodes per evaluation")->default_val(10)->check(integer_in(1, kMaxEvalEpisodes));
  run->add_option("--obs-noise", cfg.obs_noise_sd, "Gaussian noise (sd) added to every observation the agent senses; 0 = none")
      ->default_val(0.0)
      ->check(number_in(0, kMaxObsNoise));
  run->add_option("--obs-delay", cfg.obs_delay_steps, "the agent senses each observation this many env steps late (reward on time); 0 = none; "
                  "at most the env's max_episode_steps")
      ->default_val(0)
      ->check(integer_in(0, kMaxObsDelay));
  run->add_option("--record", o->record, "agent signals to write per step, e.g. rpe,value");
  run->add_option("--criterion", o->criterion, "learned when accuracy:THRESHOLD:WINDOW or return:THRESHOLD:WINDOW holds");
  add_plugin_option(*run, o->plugins);
  run->add_flag("--no-progress", o->no_progress, "never draw the progress bar");
  auto* resume = run->add_flag("--resume", cfg.resume, "continue the interrupted run in --out from its last checkpoint, bit for bit as if "
                               "uninterrupted (same options needed; without a checkpoint it starts again)");
  run->add_flag("--overwrite", cfg.overwrite, "replace the run in a non-empty --out (deletes the files a run writes)")->excludes(resume);
  run->add_option("--checkpoint-every", o->checkpoint_every, "checkpoint agent, logs and counters every K training episodes for "
                  "--resume; auto (default): every " + std::to_string(static_cast<int>(RunConfig::kAutoCheckpointSeconds)) +
                  " s of wall time; 0: never");
  auto* render = run->add_option("--render", o->render_mode, "human: a window (closing it stops the run cleanly: every output is written, summary.json says stopped_early); "
                  "rgb: offscreen frames to --render-out")->check(CLI::IsMember({"human", "rgb"}));
  // the render flags without --render would be silently ignored: CLI11 refuses them, naming --render
  run->add_option("--render-out", o->render_out, "with --render rgb: NAME.gif, NAME.mp4 or DIR/")->needs(render);
  run->add_option("--render-every", o->render_every, "render only episodes 0, K, 2K, ... of each env (training and evaluation)")
      ->check(integer_in(1, kMaxEpisodes))
      ->needs(render);
  run->add_option("--render-width", o->render_width, "frame or window width in pixels")
      ->check(integer_in(kMinWidth, kMaxWidth))
      ->needs(render);
  run->add_option("--overlay-signals", o->overlay_signals, "with --render: agent signals drawn in the overlay, scalars as "
                  "scrolling traces, vectors (action probabilities, attention) as bars, e.g. rpe,value,action_probs "
                  "(default: the agent's first 3 scalar signals)");
  on_chosen(*run, [o](const std::string& command) { return run_command(*o, command); });
}

}  // namespace sgym::cli
