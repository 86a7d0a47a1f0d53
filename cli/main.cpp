// sgym: list, describe, run and check Synaptic Gym environments and agents.
// Exit codes: 0 ok, 2 usage error (unknown id or option, bad value), 1 runtime failure.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "bench.hpp"
#include "plot.hpp"
#include "sgym/agents.hpp"
#include "sgym/conformance.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/runner.hpp"
#ifdef SGYM_WITH_RENDER
#include "sgym/record.hpp"
#include "sgym/gallery.hpp"
#include "sgym/run_view.hpp"
#include "sgym/window.hpp"
#endif

namespace {

using namespace sgym;

std::string opt_text(const std::optional<double>& v, int precision = 3) {
  if (!v) return "n/a";
  std::ostringstream ss;
  ss << std::fixed << std::setprecision(precision) << *v;
  return ss.str();
}

// a number, or n/a when it is not finite (the means of a run stopped before any episode)
std::string fixed(double v, int precision = 3) { return std::isfinite(v) ? opt_text(v, precision) : "n/a"; }

void print_options(const std::vector<OptionDoc>& docs) {
  if (docs.empty()) {
    std::cout << "  (none)\n";
    return;
  }
  std::size_t w = 0;
  for (const auto& d : docs) w = std::max(w, d.key.size() + d.default_value.size() + d.unit.size() + 2);
  for (const auto& d : docs) {
    const std::string lhs = d.key + "=" + d.default_value + (d.unit.empty() ? "" : " " + d.unit);
    std::cout << "  " << std::left << std::setw(static_cast<int>(w)) << lhs << "  " << d.type << " "
              << d.valid << "\n      " << d.doc << "\n";
  }
}

int cmd_list(const std::string& what) {
  // the id column is as wide as the longest id
  std::size_t w = 0;
  for (const auto& e : env_registry()) w = std::max(w, e.id.size());
  for (const auto& a : agent_registry()) w = std::max(w, a.id.size());
  const int col = static_cast<int>(w) + 2;
  if (what.empty() || what == "envs") {
    std::cout << "envs:\n";
    for (const auto& e : env_registry()) {
      auto env = e.make({});
      std::cout << "  " << std::left << std::setw(col) << e.id << e.description << "\n"
                << std::setw(col + 2) << "" << "obs " << env->observation_space().describe() << ", action "
                << env->action_space().describe() << "\n";
    }
  }
  if (what.empty() || what == "agents") {
    std::cout << "agents:\n";
    for (const auto& a : agent_registry())
      std::cout << "  " << std::left << std::setw(col) << a.id << a.description << "\n"
                << std::setw(col + 2) << "" << "handles " << a.spaces << "\n";
  }
  return 0;
}

int cmd_describe(const std::string& id) {
  for (const auto& e : env_registry()) {
    if (e.id != id) continue;
    auto env = e.make({});
    const EnvSpec& s = env->spec();
    std::cout << s.id << ": " << e.description << "\n"
              << "source: " << e.source << "\n"
              << "observation: " << env->observation_space().describe() << "\n";
    for (const auto& sl : s.obs_layout)
      std::cout << "  [" << sl.offset << ", " << sl.offset + sl.size << ") " << sl.name << ": " << sl.meaning << "\n";
    std::cout << "action: " << env->action_space().describe() << "\n"
              << "timing: dt " << format_number(s.dt_ms) << " ms, max_episode_steps "
              << s.max_episode_steps << ", render " << format_number(s.render_fps) << " fps\n"
              << "reward range: [" << format_number(s.reward_min) << ", " << format_number(s.reward_max) << "]\n"
              << "deterministic: " << (s.deterministic ? "yes" : "no") << " (with default options)\n";
    if (s.trial_based) {
      std::cout << "epochs:";
      for (const auto& ep : s.epochs) std::cout << " " << ep;
      std::cout << "\n";
    }
    std::cout << "options (key=default unit, type, valid range):\n";
    print_options(e.options);
    return 0;
  }
  for (const auto& a : agent_registry()) {
    if (a.id != id) continue;
    std::cout << a.id << ": " << a.description << "\nhandles: " << a.spaces
              << "\noptions (key=default unit, type, valid range):\n";
    print_options(a.options);
    std::cout << "compatible envs:";
    std::vector<std::string> signals;
    bool built = false;
    for (const auto& e : env_registry()) {
      auto env = e.make({});
      if (!agent_env_mismatch(a, e.id, env->observation_space(), env->action_space()).empty()) continue;
      std::cout << " " << e.id;
      // the signal names, from the agent built for the first compatible env
      if (!built) signals = make_agent(a, env->observation_space(), env->action_space())->signal_names();
      built = true;
    }
    std::cout << "\nsignals (introspect(); --record, --overlay-signals):";
    for (const auto& n : signals) std::cout << " " << n;
    std::cout << (signals.empty() ? " (none)\n" : "\n");
    return 0;
  }
  std::string valid;
  for (const auto& e : env_registry()) valid += " " + e.id;
  for (const auto& a : agent_registry()) valid += " " + a.id;
  throw UsageError("unknown id '" + id + "'; valid env and agent ids:" + valid);
}

int cmd_check(const std::string& id, const KeyValues& options) {
  const EnvEntry& e = env_entry(id);
  e.make(options);  // bad options are a usage error, reported before any check
  CheckReport report = check_env([&] { return make_env(e, options); });
  if (e.chance) {
    // a choice task: its shortcut subjects at chance, its oracle solving it (docs/science.md)
    const CheckReport battery = check_battery(score_battery(e, agent_registry()));
    report.checks.insert(report.checks.end(), battery.checks.begin(), battery.checks.end());
  }
  for (const auto& c : report.checks)
    std::cout << (c.passed ? "PASS " : "FAIL ") << c.name << (c.detail.empty() ? "" : ": " + c.detail) << "\n";
  int failed = 0;
  for (const auto& c : report.checks) failed += !c.passed;
  std::ostringstream h;
  h << std::hex << std::setw(16) << std::setfill('0') << report.golden_hash;
  std::cout << "trajectory hash (1000 steps): " << h.str() << "\n"
            << report.checks.size() - failed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

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

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::stringstream ss(item);
    std::string part;
    while (std::getline(ss, part, ','))
      if (!part.empty()) out.push_back(part);
  }
  return out;
}

/// Options of record, play and replay.
struct ShowOptions {
  std::string env, agent = "random", load, out, trajectory, seed_text;
  std::vector<std::string> env_opts, agent_opts, signals;
  int episodes = 1, every = 1, width = 640;
  std::uint64_t seed = 0;
  bool overlay = false, no_learning = false;
};

#ifdef SGYM_WITH_RENDER
// record / play / replay: an offscreen sink or a window, then the loop
int run_show(const ShowOptions& o, const std::string& mode, const std::string& replay_file) {
  using namespace sgym::render;
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
    if (!o.env_opts.empty()) rc.env_options = parse_key_values(o.env_opts, "--env-opt");
    if (!o.seed_text.empty()) {
      try {
        std::size_t used = 0;
        rc.seed = std::stoull(o.seed_text, &used);
        if (used != o.seed_text.size()) throw std::invalid_argument("trailing characters");
      } catch (const std::exception&) {
        throw UsageError("--seed: '" + o.seed_text + "' is not a non-negative integer");
      }
    }
    const ReplaySummary r = replay(rc, *viewer);
    if (sink) sink->close();
    std::cout << "replayed " << r.episodes << " episode(s), " << r.steps << " steps of " << r.env
              << ": every observation, reward and info equal to the recording"
              << (r.stopped ? " (stopped early by the viewer)" : "") << "\n";
    if (sink) std::cout << "wrote " << sink->frames() << " frames: " << sink->describe() << "\n";
    return 0;
  }
  RecordConfig cfg;
  cfg.env_id = o.env;
  cfg.env_options = parse_key_values(o.env_opts, "--env-opt");
  cfg.agent_id = o.agent;
  cfg.agent_options = parse_key_values(o.agent_opts, "--agent-opt");
  cfg.load = o.load;
  cfg.episodes = o.episodes;
  cfg.every = o.every;
  cfg.seed = o.seed;
  cfg.learn = !o.no_learning;
  cfg.trajectory = o.trajectory;
  cfg.signals = split_commas(o.signals);
  const RecordSummary r = record(cfg, *viewer);
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
#endif
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sgym: neuroscience tasks and biologically plausible learning agents"};
  app.require_subcommand(1);

  std::string list_what;
  auto* list = app.add_subcommand("list", "list registered envs and agents");
  list->add_option("what", list_what, "envs or agents (default: both)")->check(CLI::IsMember({"envs", "agents"}));

  std::string describe_id;
  auto* describe = app.add_subcommand("describe", "spaces, timing, epochs, options and source of an env or agent");
  describe->add_option("id", describe_id, "env or agent id")->required();

  std::string check_id;
  std::vector<std::string> check_opts;
  auto* check = app.add_subcommand("check", "run the conformance harness on one env (a choice task also runs its shortcut battery at its battery options)");
  check->add_option("id", check_id, "env id")->required();
  check->add_option("--env-opt", check_opts, "env option key=value (repeatable)");

  RunConfig cfg;
  std::vector<std::string> env_opts, agent_opts, record;
  std::string criterion;
  auto* run = app.add_subcommand("run", "run an agent against an env and write results");
  run->add_option("--env", cfg.env_id, "env id")->required();
  run->add_option("--agent", cfg.agent_id, "agent id")->required();
  run->add_option("--env-opt", env_opts, "env option key=value (repeatable)");
  run->add_option("--agent-opt", agent_opts, "agent option key=value (repeatable)");
  run->add_option("--episodes", cfg.episodes, "training episodes")->default_val(100)->check(CLI::PositiveNumber);
  run->add_option("--seed", cfg.seed, "seed for env, agent and evaluation")->default_val(0);
  run->add_option("--out", cfg.out_dir, "output directory")->required();
  run->add_option("--eval-every", cfg.eval_every, "evaluate (training off) every K episodes; 0 = never")->default_val(0)->check(CLI::NonNegativeNumber);
  run->add_option("--eval-episodes", cfg.eval_episodes, "episodes per evaluation")->default_val(10)->check(CLI::PositiveNumber);
  run->add_option("--obs-noise", cfg.obs_noise_sd, "Gaussian noise (sd) added to every observation the agent senses; 0 = none")
      ->default_val(0.0);
  run->add_option("--obs-delay", cfg.obs_delay_steps, "the agent senses each observation this many env steps late (reward on time); 0 = none")
      ->default_val(0);
  run->add_option("--record", record, "agent signals to write per step, e.g. rpe,value");
  run->add_option("--criterion", criterion, "learned when accuracy:THRESHOLD:WINDOW or return:THRESHOLD:WINDOW holds");
  std::vector<std::string> plugins;
  run->add_option("--agent-plugin", plugins, "shared library adding agents (built with SGYM_AGENT_PLUGIN)");
  bool no_progress = false;
  run->add_flag("--no-progress", no_progress, "never draw the progress bar");
  std::string render_mode, render_out;
  int render_every = 1, render_width = 640;
  run->add_option("--render", render_mode, "human: a window (closing it stops the run cleanly: every output is written, summary.json says stopped_early); "
                  "rgb: offscreen frames to --render-out")->check(CLI::IsMember({"human", "rgb"}));
  run->add_option("--render-out", render_out, "with --render rgb: NAME.gif, NAME.mp4 or DIR/");
  run->add_option("--render-every", render_every, "render only episodes 0, K, 2K, ... of each env (training and evaluation)")
      ->check(CLI::PositiveNumber);
  run->add_option("--render-width", render_width, "frame or window width in pixels")->check(CLI::Range(16, 8192));
  std::vector<std::string> overlay_signals;
  run->add_option("--overlay-signals", overlay_signals, "with --render: agent signals drawn in the overlay, scalars as "
                  "scrolling traces, vectors (action probabilities, attention) as bars, e.g. rpe,value,action_probs "
                  "(default: the agent's first 3 scalar signals)");

  std::string suite_path, shard = "0/1";
  bench::BenchOptions bench_opts;
  bool quick = false;
  std::vector<std::string> merge_dirs;
  std::string merge_out;
  auto* bench_cmd = app.add_subcommand("bench", "run a benchmark suite (TOML/JSON) over seeds and cores");
  bench_cmd->add_option("suite", suite_path, "suite file, e.g. benchmarks/suites/pavlovian.toml");
  bench_cmd->add_flag("--quick", quick, "use the suite's quick budget instead of the full one");
  bench_cmd->add_option("--out", bench_opts.out_dir, "output directory (default runs/bench/NAME-BUDGET); with --throughput, the Markdown file");
  bench_cmd->add_option("--jobs", bench_opts.jobs, "parallel runs (default: all cores)")->check(CLI::PositiveNumber);
  bench_cmd->add_flag("--resume", bench_opts.resume, "continue an interrupted bench in --out");
  bench_cmd->add_option("--shard", shard, "run only slice i of N (i/N, 0-based), for job arrays");
  bool throughput = false;
  double throughput_seconds = 1.0;
  bench_cmd->add_flag("--throughput", throughput, "measure steps/s of every env and calls/s of every agent");
  bench_cmd->add_option("--seconds", throughput_seconds, "with --throughput: seconds per figure")->check(CLI::PositiveNumber);
  auto* merge_cmd = bench_cmd->add_subcommand("merge", "combine bench outputs (shards) into one summary");
  merge_cmd->add_option("dirs", merge_dirs, "bench output directories")->required();
  merge_cmd->add_option("--out", merge_out, "where to write the merged result")->required();
  bench_cmd->require_subcommand(0, 1);

  // seeing the work (issue 8): record, replay and play need the renderer; plot needs gnuplot only
  ShowOptions show;
  auto* record_cmd = app.add_subcommand("record", "record an agent in an env as GIF, MP4 or PNG frames (offscreen)");
  record_cmd->add_option("--env", show.env, "env id")->required();
  record_cmd->add_option("--agent", show.agent, "agent id")->required();
  record_cmd->add_option("--out", show.out, "NAME.gif, NAME.mp4 (needs ffmpeg; else a GIF) or DIR/ for PNG frames")->required();
  auto* play_cmd = app.add_subcommand("play", "watch an agent in an env in a window (keys: space pause, right step, up/down speed, esc quit)");
  play_cmd->add_option("--env", show.env, "env id")->required();
  play_cmd->add_option("--agent", show.agent, "agent id (default random)");
  for (auto* c : {record_cmd, play_cmd}) {
    c->add_option("--env-opt", show.env_opts, "env option key=value (repeatable)");
    c->add_option("--agent-opt", show.agent_opts, "agent option key=value (repeatable)");
    c->add_option("--load", show.load, "agent file to start from (agent.sgym of a run)");
    c->add_option("--episodes", show.episodes, "episodes to run")->check(CLI::PositiveNumber);
    c->add_option("--seed", show.seed, "seed (as in sgym run: env reset(seed), agent mix_seed(seed, 1))");
    c->add_option("--signals", show.signals, "agent signals in the overlay: scalars as traces, vectors as bars, e.g. rpe,value,action_probs (default: the first 3 scalar ones)");
    c->add_flag("--no-learning", show.no_learning, "freeze the agent (training off)");
    c->add_option("--trajectory", show.trajectory, "also write the trajectory (JSON Lines, RecordTrajectory) for sgym replay");
    c->add_option("--width", show.width, "frame width in pixels (height from the env's camera)")->check(CLI::Range(16, 8192));
  }
  record_cmd->add_option("--every", show.every, "show only episodes 0, K, 2K, ... (the others run unseen)")->check(CLI::PositiveNumber);
  record_cmd->add_flag("--overlay", show.overlay, "draw episode, step, reward and agent signals on the frames");
  std::string replay_file;
  auto* replay_cmd = app.add_subcommand("replay", "re-run a trajectory file exactly, in a window or to GIF/MP4/PNG frames");
  replay_cmd->add_option("file", replay_file, "trajectory written by sgym record --trajectory (or RecordTrajectory)")->required();
  replay_cmd->add_option("--out", show.out, "NAME.gif, NAME.mp4 or DIR/ (default: a window)");
  replay_cmd->add_option("--width", show.width, "frame width in pixels")->check(CLI::Range(16, 8192));
  replay_cmd->add_flag("--overlay", show.overlay, "draw episode, step and reward on the frames");
  replay_cmd->add_option("--seed", show.seed_text, "reset seed, when the trajectory has no sidecar .meta.json");
  replay_cmd->add_option("--env-opt", show.env_opts, "env option key=value, when the trajectory has no sidecar");
  std::string gallery_root;
  auto* gallery_cmd = app.add_subcommand("gallery", "pictures of every registered env: ROOT/gallery/<Id>.png, .gif and ROOT/gallery.md");
  gallery_cmd->add_option("root", gallery_root, "where gallery.md and gallery/ go, e.g. docs")->required();
  gallery_cmd->add_option("--width", show.width, "picture width in pixels")->check(CLI::Range(16, 8192));
  std::string plot_dir, plot_out, plot_format = "png";
  auto* plot_cmd = app.add_subcommand("plot", "figures (gnuplot) of a run or bench output directory");
  plot_cmd->add_option("dir", plot_dir, "output directory of sgym run or sgym bench")->required();
  plot_cmd->add_option("--out", plot_out, "where the figures go (default DIR/plots)");
  plot_cmd->add_option("--format", plot_format, "png or svg")->check(CLI::IsMember({"png", "svg"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "sgym: " << e.what() << "\n(run 'sgym --help' or 'sgym COMMAND --help')\n";
    return 2;
  }

  try {
    if (*list) return cmd_list(list_what);
    if (*describe) return cmd_describe(describe_id);
    if (*check) return cmd_check(check_id, parse_key_values(check_opts, "--env-opt"));
    std::string command;
    for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
    if (*merge_cmd) {
      bench::merge({merge_dirs.begin(), merge_dirs.end()}, merge_out, command);
      std::cout << read_file(std::filesystem::path(merge_out) / "summary.md");
      return 0;
    }
    if (*bench_cmd && throughput) {
      const std::string md = bench::throughput(throughput_seconds);
      if (!bench_opts.out_dir.empty()) {
        if (bench_opts.out_dir.has_parent_path()) std::filesystem::create_directories(bench_opts.out_dir.parent_path());
        write_file_atomic(bench_opts.out_dir, md);
      }
      std::cout << md;
      return 0;
    }
    if (*bench_cmd) {
      if (suite_path.empty()) throw UsageError("bench: name a suite file (see benchmarks/suites/)");
      const bench::Suite suite = bench::load_suite(suite_path, quick ? "quick" : "full");
      std::tie(bench_opts.shard_index, bench_opts.shard_count) = bench::parse_shard(shard);
      if (bench_opts.out_dir.empty()) bench_opts.out_dir = "runs/bench/" + suite.name + "-" + suite.budget;
      bench_opts.progress = ::isatty(fileno(stderr));
      bench_opts.command = command;
      const int ran = bench::run_suite(suite, bench_opts);
      std::cout << "ran " << ran << " runs now\n\n" << read_file(bench_opts.out_dir / "summary.md");
      return 0;
    }
    if (*plot_cmd) {
      const auto figures = plot::plot_dir(plot_dir, plot_out.empty() ? std::filesystem::path(plot_dir) / "plots"
                                                                      : std::filesystem::path(plot_out),
                                          plot_format);
      for (const auto& f : figures) std::cout << f.string() << "\n";
      return 0;
    }
    if (*record_cmd || *play_cmd || *replay_cmd || *gallery_cmd) {
#ifdef SGYM_WITH_RENDER
      if (*gallery_cmd) {
        for (const auto& g : render::write_gallery(gallery_root, show.width))
          std::cout << g.env << ": " << (std::filesystem::path(gallery_root) / g.png).string() << ", "
                    << (std::filesystem::path(gallery_root) / g.gif).string() << "\n";
        std::cout << "index: " << (std::filesystem::path(gallery_root) / "gallery.md").string() << "\n";
        return 0;
      }
      return run_show(show, *record_cmd ? "record" : *play_cmd ? "play" : "replay", replay_file);
#else
      std::cerr << "sgym: this build has no renderer: SFML 2.5 (libsfml-dev) and giflib (libgif-dev) were not "
                   "found when it was configured; install them (scripts/install-deps.sh) and rebuild\n";
      return 1;
#endif
    }
    if (*run) {
      for (const auto& p : plugins) load_agent_plugin(p);
      cfg.env_options = parse_key_values(env_opts, "--env-opt");
      cfg.agent_options = parse_key_values(agent_opts, "--agent-opt");
      cfg.record = split_commas(record);
      if (!criterion.empty()) cfg.criterion = Criterion::parse(criterion);
      cfg.progress = !no_progress && ::isatty(fileno(stderr));
      cfg.command = command;
      const EnvEntry& e = env_entry(cfg.env_id);
      const AgentEntry& a = agent_entry(cfg.agent_id);
      if (render_mode.empty() && !overlay_signals.empty())
        throw UsageError("--overlay-signals is drawn by --render human or --render rgb; add one of them");
      if (render_mode.empty()) {
        const RunSummary s = sgym::run(cfg, e, a);
        print_summary(s, cfg.out_dir);
        return 0;
      }
#ifdef SGYM_WITH_RENDER
      // the agent's signal names, to check --overlay-signals before anything is written
      std::vector<std::string> names;
      {
        const auto probe_env = make_env(e, cfg.env_options);
        names = make_agent(a, probe_env->observation_space(), probe_env->action_space(), cfg.agent_options)->signal_names();
      }
      const render::RunViewConfig view{render_every, cfg.episodes, split_commas(overlay_signals)};
      std::unique_ptr<render::FrameSink> sink;
      std::shared_ptr<render::Viewer> viewer;
      render::check_signal_names(view.signals, names, cfg.agent_id, "--overlay-signals");
      if (render_mode == "human") {
        viewer = render::make_window_viewer("sgym run " + cfg.env_id + " / " + cfg.agent_id, render_width);
      } else {
        if (render_out.empty()) throw UsageError("--render rgb needs --render-out NAME.gif, NAME.mp4 or DIR/");
        sink = render::make_sink(render_out, 30.0, std::cerr);
        viewer = std::make_shared<render::SinkViewer>(*sink, render_width, true);
      }
      cfg.observer = render::run_observer(viewer, view, names, cfg.agent_id);
      const RunSummary s = sgym::run(cfg, e, a);
      if (sink) {
        sink->close();
        std::cout << "wrote " << sink->frames() << " frames: " << sink->describe() << "\n";
      }
      if (s.stopped_early) std::cout << "window closed: the run stopped early; every output was written\n";
#else
      throw std::runtime_error("this build has no renderer for --render: SFML 2.5 (libsfml-dev) and giflib (libgif-dev) "
                               "were not found when it was configured; install them (scripts/install-deps.sh) and rebuild");
      const RunSummary s;
#endif
      print_summary(s, cfg.out_dir);
      return 0;
    }
  } catch (const UsageError& e) {
    std::cerr << "sgym: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sgym: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
