#include "sgym/runner.hpp"
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/io.hpp"
#include "sgym/wrappers.hpp"

#include "run_parts.hpp"

#ifndef SGYM_VERSION
#define SGYM_VERSION "0.0.0"
#endif
#ifndef SGYM_BUILD_TYPE
#define SGYM_BUILD_TYPE ""
#endif

namespace sgym {

namespace detail {
const char* git_version();  // generated at build time (cmake/version.cmake)
}  // namespace detail

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string build_version() {
  std::string v = SGYM_VERSION;
  const std::string git = detail::git_version();
  if (!git.empty()) v += "+g" + git;
  return v;
}

Criterion Criterion::parse(const std::string& text) {
  const std::string form = "expected MEASURE:THRESHOLD:WINDOW with MEASURE accuracy or return, "
                           "e.g. accuracy:0.9:50, got '" + text + "'";
  const auto a = text.find(':');
  const auto b = a == std::string::npos ? a : text.find(':', a + 1);
  if (b == std::string::npos) throw UsageError("criterion: " + form);
  Criterion c;
  const std::string m = text.substr(0, a);
  if (m == "accuracy") c.measure = Measure::kAccuracy;
  else if (m == "return") c.measure = Measure::kReturn;
  else throw UsageError("criterion: " + form);
  c.threshold = detail::parse_double("criterion", "THRESHOLD", text.substr(a + 1, b - a - 1),
                                     -1e300, 1e300, "a finite number");
  c.window = static_cast<int>(detail::parse_int("criterion", "WINDOW", text.substr(b + 1), 1,
                                                1000000, "[1, 1000000]"));
  if (c.measure == Measure::kAccuracy && (c.threshold < 0 || c.threshold > 1))
    throw UsageError("criterion: an accuracy threshold must be in [0, 1], got " + format_number(c.threshold));
  return c;
}

std::string Criterion::to_string() const {
  return std::string(measure == Measure::kAccuracy ? "accuracy" : "return") + ":" +
         format_number(threshold) + ":" + std::to_string(window);
}

namespace {

// every option with its value, under its current name (a deprecated name given is recorded as the new)
json resolved_options(const std::string& owner, const std::vector<OptionDoc>& docs, const KeyValues& given) {
  json j = json::object();
  for (const auto& d : docs) j[d.key] = d.default_value;
  for (const auto& [k, v] : canonical_options(owner, docs, given)) j[k] = v;
  return j;
}

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

void draw_progress(int done, int total, long long steps, double seconds) {
  const int width = 30;
  const int filled = total > 0 ? done * width / total : width;
  const double eta = done > 0 ? seconds * (total - done) / done : 0.0;
  std::fprintf(stderr, "\r[%.*s%*s] %d/%d episodes  %.0f steps/s  ETA %.0fs ", filled,
               "==============================", width - filled, "", done, total,
               seconds > 0 ? static_cast<double>(steps) / seconds : 0.0, eta);
  std::fflush(stderr);
}

// what a run writes into its directory (and --overwrite deletes), besides the ".partial" forms
const std::vector<std::string> kRunFiles = {"episodes.jsonl", "episodes.csv", "signals.csv", "trials.jsonl",
                                            "agent.sgym", "summary.json", "checkpoint"};

// refuses a directory that holds anything unless the run resumes or overwrites it
void prepare_out_dir(const RunConfig& cfg) {
  namespace fs = std::filesystem;
  const fs::path& dir = cfg.out_dir;
  if (fs::exists(dir) && !fs::is_directory(dir)) throw UsageError("out_dir: " + dir.string() + " is not a directory");
  if (fs::exists(dir) && !fs::is_empty(dir) && !cfg.resume) {
    if (!cfg.overwrite) {
      std::string some;
      int n = 0;
      for (const auto& e : fs::directory_iterator(dir))
        if (n++ < 3) some += (some.empty() ? "" : ", ") + e.path().filename().string();
      throw UsageError("out_dir: " + dir.string() + " is not empty (" + some + (n > 3 ? ", ..." : "") +
                       "); set resume to continue the run in it, overwrite to replace it, or choose another out_dir");
    }
    for (const auto& f : kRunFiles) {
      fs::remove_all(dir / f);
      fs::remove(dir / (f + ".partial"));
    }
  }
  fs::create_directories(dir);
}

// the settings of a run, as its provenance records them
json run_settings(const RunConfig& cfg, const EnvEntry& env, const AgentEntry& agent) {
  return {{"env_options", resolved_options(env.id, env.options, cfg.env_options)},
          {"agent_options", resolved_options(agent.id, agent.options, cfg.agent_options)},
          {"seed", cfg.seed},
          {"eval_every", cfg.eval_every},
          {"eval_episodes", cfg.eval_episodes},
          {"obs_noise_sd", cfg.obs_noise_sd},
          {"obs_delay_steps", cfg.obs_delay_steps},
          {"record", cfg.record},
          {"version", build_version()}};
}

// the fields of a configuration a checkpoint must match to be resumed
json resume_key(const RunConfig& cfg, const EnvEntry& env, const AgentEntry& agent) {
  json key = run_settings(cfg, env, agent);
  key["env"] = cfg.env_id;
  key["agent"] = cfg.agent_id;
  key["episodes"] = cfg.episodes;
  key["criterion"] = cfg.criterion ? json(cfg.criterion->to_string()) : json(nullptr);
  return key;
}

// the checkpoint of a run to resume, or null when there is none
json read_checkpoint(const RunConfig& cfg, const json& key) {
  namespace fs = std::filesystem;
  const fs::path summary = cfg.out_dir / "summary.json";
  const fs::path path = cfg.out_dir / "checkpoint" / "checkpoint.json";
  if (!fs::exists(path)) {
    if (fs::exists(summary)) {
      bool stopped = true;
      try {
        stopped = json::parse(read_file(summary)).value("stopped_early", true);
      } catch (const json::exception&) {
      }
      if (!stopped) throw UsageError("resume: " + cfg.out_dir.string() + " holds a finished run; nothing to resume");
    }
    std::fprintf(stderr, "sgym: resume: no checkpoint in %s yet; the run starts again from episode 0\n",
                 cfg.out_dir.string().c_str());
    for (const auto& f : kRunFiles) {
      fs::remove_all(cfg.out_dir / f);
      fs::remove(cfg.out_dir / (f + ".partial"));
    }
    return nullptr;
  }
  json ck;
  try {
    ck = json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw FileFormatError("resume: " + path.string() + ": " + e.what());
  }
  // version 2 (2026-12-07) names the action logs' index width; version 1 stored 8 bytes per index
  const int version = ck.value("version", 0);
  if (ck.value("format", "") != "sgym-run-checkpoint" || (version != 1 && version != 2))
    throw FileFormatError("resume: " + path.string() + " is not an sgym run checkpoint (versions 1 and 2 are read; it says " +
                          ck.value("version", json()).dump() + ")");
  const json& was = ck.at("config");
  for (const auto& [k, v] : key.items())
    if (!was.contains(k) || was.at(k) != v)
      throw UsageError("resume: " + k + " is " + v.dump() + " but the checkpoint in " + cfg.out_dir.string() +
                       " was written with " + (was.contains(k) ? was.at(k).dump() : "none") +
                       "; resume with the same configuration");
  fs::remove(summary);  // the stopped run's summary no longer describes the directory
  // what a kill left half-written (temporary files, an agent no checkpoint names) goes
  const std::string agent_file = ck.at("agent_file");
  for (const auto& e : fs::directory_iterator(path.parent_path())) {
    const std::string name = e.path().filename().string();
    if (name.find(".tmp.") != std::string::npos || (name.rfind("agent-", 0) == 0 && name != agent_file)) fs::remove(e.path());
  }
  return ck;
}

// the width of a discrete action's index in the checkpoint's action logs: named from version 2;
// 8 bytes (an int64) in version 1
int action_index_bytes(const json& ck) {
  return ck.value("version", 1) >= 2 ? ck.at("actions").at("index_bytes").get<int>() : 8;
}

}  // namespace

namespace {

// The counts behind the success rates and return means; sums run in episode order, as a loop over
// all returns at the end would add them.
struct Tally {
  long long scored = 0, correct = 0, tail_scored = 0, tail_correct = 0;
  double return_sum = 0, tail_return_sum = 0;
  int returns = 0, tail_returns = 0;

  json state() const {
    return {scored, correct, tail_scored, tail_correct, detail::to_bits(return_sum), detail::to_bits(tail_return_sum),
            returns, tail_returns};
  }
  void restore(const json& j) {
    scored = j.at(0); correct = j.at(1); tail_scored = j.at(2); tail_correct = j.at(3);
    return_sum = detail::from_bits(j.at(4)); tail_return_sum = detail::from_bits(j.at(5));
    returns = j.at(6); tail_returns = j.at(7);
  }
};

json evals_json(const std::vector<RunSummary::Eval>& evals) {
  json a = json::array();
  for (const auto& e : evals)
    a.push_back({{"after_train_episodes", e.after_episodes}, {"mean_return", e.mean_return},
                 {"success_rate", opt(e.success_rate)}});
  return a;
}

// summary.json: the figures of `s`, the configuration and the files written
json summary_json(const RunSummary& s, const RunConfig& cfg, int tail, const json& provenance,
                  const std::vector<std::string>& files) {
  json j;
  j["env"] = s.env;
  j["agent"] = s.agent;
  j["seed"] = s.seed;
  j["episodes"] = s.episodes;
  j["episodes_completed"] = s.episodes_completed;
  j["stopped_early"] = s.stopped_early;
  j["total_steps"] = s.total_steps;
  j["total_trials"] = s.total_trials;
  j["mean_return"] = s.mean_return;
  j["final_mean_return"] = s.final_mean_return;
  j["success_rate"] = opt(s.success_rate);
  j["final_success_rate"] = opt(s.final_success_rate);
  j["criterion"] = cfg.criterion ? json(cfg.criterion->to_string()) : json(nullptr);
  j["trials_to_criterion"] = s.trials_to_criterion ? json(*s.trials_to_criterion) : json(nullptr);
  j["env_steps_per_second"] = s.env_steps_per_second;
  j["wall_seconds"] = s.wall_seconds;
  j["final_window_episodes"] = tail;
  j["evaluations"] = evals_json(s.evals);
  json cells_j = json::array();
  for (const auto& c : s.signal_cells)
    cells_j.push_back({{"signal", c.signal}, {"condition", c.condition}, {"epoch", c.epoch},
                       {"first_mean", c.first_mean}, {"early_mean", c.early_mean},
                       {"late_mean", c.late_mean}, {"first_n", c.first_n}, {"early_n", c.early_n},
                       {"late_n", c.late_n}});
  j["signals_by_epoch"] = cells_j;
  j["provenance"] = provenance;
  j["files"] = files;
  return j;
}

}  // namespace

RunSummary run(const RunConfig& cfg, const EnvEntry& env_entry, const AgentEntry& agent_entry) {
  if (cfg.episodes < 1) throw UsageError("RunConfig: episodes must be >= 1, got " + std::to_string(cfg.episodes));
  if (cfg.eval_every < 0) throw UsageError("RunConfig: eval_every must be >= 0, got " + std::to_string(cfg.eval_every));
  if (cfg.eval_episodes < 1) throw UsageError("RunConfig: eval_episodes must be >= 1, got " + std::to_string(cfg.eval_episodes));
  if (cfg.out_dir.empty()) throw UsageError("RunConfig: out_dir (the output directory) is required");
  if (cfg.checkpoint_every < RunConfig::kCheckpointAuto)
    throw UsageError("RunConfig: checkpoint_every must be >= 0 episodes (or kCheckpointAuto), got " + std::to_string(cfg.checkpoint_every));
  if (cfg.resume && cfg.overwrite) throw UsageError("RunConfig: resume and overwrite exclude each other");

  if (!(cfg.obs_noise_sd >= 0) || !std::isfinite(cfg.obs_noise_sd))
    throw UsageError("RunConfig: obs_noise_sd must be a finite number >= 0, got " + format_number(cfg.obs_noise_sd));
  if (cfg.obs_delay_steps < 0)
    throw UsageError("RunConfig: obs_delay_steps must be >= 0, got " + std::to_string(cfg.obs_delay_steps));
  // the env as the agent senses it: sensor noise, then conduction delay
  auto sensed_env = [&] {
    std::unique_ptr<Env> e = make_env(env_entry, cfg.env_options);
    if (cfg.obs_noise_sd > 0) {
      if (!e->observation_space().is_box())
        throw UsageError("RunConfig: obs_noise_sd needs a Box observation space; " + env_entry.id + " has " +
                         e->observation_space().describe());
      e = std::make_unique<ObservationNoise>(std::move(e), cfg.obs_noise_sd);
    }
    if (cfg.obs_delay_steps > 0) e = std::make_unique<ObservationDelay>(std::move(e), cfg.obs_delay_steps);
    return e;
  };
  // build everything before touching the disk, so usage errors leave nothing behind
  EpisodeStatistics env(sensed_env());
  if (const std::string why = agent_env_mismatch(agent_entry, env_entry.id, env.observation_space(), env.action_space());
      !why.empty())
    throw UsageError("agent " + agent_entry.id + " cannot run on " + env_entry.id + ": " + why);
  std::unique_ptr<Agent> agent = make_agent(agent_entry, env.observation_space(), env.action_space(),
                                            cfg.agent_options, mix_seed(cfg.seed, 1), {env.spec().dt_ms});
  std::unique_ptr<EpisodeStatistics> eval_env;
  if (cfg.eval_every > 0)
    eval_env = std::make_unique<EpisodeStatistics>(sensed_env());
  // without an observer nobody reads the end-of-episode info but trials.jsonl, whose writer adds the
  // episode figures itself: the wrappers skip copying the whole info at each episode end
  const bool end_info = static_cast<bool>(cfg.observer);
  env.set_end_info(end_info);
  if (eval_env) eval_env->set_end_info(end_info);
  const auto names = agent->signal_names();
  for (const auto& r : cfg.record) {
    bool known = false;
    for (const auto& n : names) known = known || n == r;
    if (!known) {
      std::string valid;
      for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
      throw UsageError("RunConfig: record: agent " + agent->id() + " has no signal '" + r + "'; its signals: " +
                       (valid.empty() ? "(none)" : valid));
    }
  }

  prepare_out_dir(cfg);
  const json key = resume_key(cfg, env_entry, agent_entry);
  const json ck = cfg.resume ? read_checkpoint(cfg, key) : json(nullptr);
  const bool resumed = !ck.is_null();
  const std::filesystem::path ck_dir = cfg.out_dir / "checkpoint";
  const bool checkpoints = cfg.checkpoint_every != 0;

  RunSummary s;
  s.env = env_entry.id;
  s.agent = agent_entry.id;
  s.seed = cfg.seed;
  s.episodes = cfg.episodes;
  const int tail = std::max(1, static_cast<int>(std::ceil(cfg.episodes * 0.1)));
  const std::uint64_t eval_seed = mix_seed(cfg.seed, 2);
  Tally tally;
  detail::CriterionTracker criterion(cfg.criterion);
  int first_episode = 0, evals_done = 0;
  std::string agent_file;  // the checkpoint's agent, relative to ck_dir
  std::string command = cfg.command;  // a resumed run keeps the command that started it
  if (resumed) {
    // the env and the evaluation env are brought to the boundary by replaying their actions
    const json& st = ck.at("state");
    first_episode = st.at("episodes_completed");
    evals_done = st.at("evals_done");
    s.episodes_completed = first_episode;
    s.resumed_from = first_episode;
    s.total_steps = st.at("total_steps");
    s.total_trials = st.at("total_trials");
    tally.restore(st.at("tally"));
    criterion.restore(st.at("criterion"));
    for (const auto& e : st.at("evals"))
      s.evals.push_back({e.at("after_train_episodes"), e.at("mean_return"),
                         e.at("success_rate").is_null() ? std::nullopt : std::optional<double>(e.at("success_rate"))});
    detail::ActionLog::replay(env, ck_dir / "train-actions.bin", ck.at("actions").at("train"), first_episode, cfg.seed,
                              action_index_bytes(ck));
    if (eval_env)
      detail::ActionLog::replay(*eval_env, ck_dir / "eval-actions.bin", ck.at("actions").at("eval"),
                                static_cast<long long>(evals_done) * cfg.eval_episodes, eval_seed, action_index_bytes(ck));
    agent_file = ck.at("agent_file");
    command = ck.at("command");
    agent->load(ck_dir / agent_file);
  }
  const json* offsets = resumed ? &ck.at("logs") : nullptr;
  detail::EpisodeWriter writer(cfg.out_dir, env.spec().trial_based, offsets);
  std::optional<detail::SignalRecorder> signals;
  if (!cfg.record.empty()) signals.emplace(cfg.out_dir, cfg.record, resumed ? &ck.at("signals") : nullptr);
  std::optional<detail::ActionLog> train_actions, eval_actions;
  if (checkpoints) {
    std::filesystem::create_directories(ck_dir);
    auto keep = [&](const char* k) { return resumed ? std::optional<std::uint64_t>(ck.at("actions").at(k)) : std::nullopt; };
    // a resumed run keeps its logs' index width (its checkpoint's; 8 bytes before it was named)
    const std::optional<int> width = resumed ? std::optional<int>(action_index_bytes(ck)) : std::nullopt;
    train_actions.emplace(ck_dir / "train-actions.bin", env.action_space(), keep("train"), width);
    if (eval_env) eval_actions.emplace(ck_dir / "eval-actions.bin", env.action_space(), keep("eval"), width);
  }

  std::vector<float> obs;
  const auto t0 = Clock::now();
  auto last_draw = t0, last_flush = t0, last_checkpoint = t0, now = t0, last_look = t0;
  long long steps_at_look = 0, look_every = 1;

  // counts one scored trial towards the success rates and the accuracy criterion
  auto score = [&](bool ok, bool late) {
    ++tally.scored;
    tally.correct += ok;
    if (late) { ++tally.tail_scored; tally.tail_correct += ok; }
    criterion.trial(ok, s.total_trials);
  };

  // what the step hook needs to know of the episode in progress (set by play())
  struct Playing {
    EpisodeStatistics* env = nullptr;
    std::optional<detail::ActionLog>* actions = nullptr;
    int ep = 0;
    bool train = false, early = false, late = false;
  } cur;
  // records trials, signals and criterion progress when training; built once (a std::function of a
  // lambda with this many captures allocates)
  EpisodeHooks hooks;
  hooks.on_step = [&](const EpisodeStep& st) {
    if (st.action != nullptr) {
      ++s.total_steps;
      if (*cur.actions) (*cur.actions)->append(*st.action);
    }
    if (cur.train && st.action != nullptr) {
      using Kind = EpisodeStatistics::TrialKind;
      const Kind kind = cur.env->last_trial_kind();
      if (kind != Kind::kNone) {
        // a block the env marks as not a trial (calibration, baseline) is logged, not counted
        if (kind != Kind::kNotATrial) {
          ++s.total_trials;
          if (kind != Kind::kUnscored) score(kind == Kind::kCorrect, cur.late);
        }
        const bool ended = st.result.terminated || st.result.truncated;
        writer.trial(cur.ep, st.step, st.result.info, ended && !end_info ? &cur.env->last() : nullptr);
      }
      if (signals) signals->step(*agent, st.result.info, cur.ep, st.step, cur.early, cur.late);
    }
    const bool go = (!cfg.observer || cfg.observer(StepView{*cur.env, *agent, st.result, st.action, cur.ep, st.step,
                                                            s.total_steps, cur.train})) &&
                    !(cfg.stop != nullptr && cfg.stop->load());
    if (!go) s.stopped_early = true;
    return go;
  };

  // one episode of `e`; false when the observer (or a stop request) stopped the run during it
  auto play = [&](EpisodeStatistics& e, std::optional<std::uint64_t> seed, int ep, bool train) {
    cur.env = &e;
    cur.actions = train ? &train_actions : &eval_actions;
    cur.ep = ep;
    cur.train = train;
    cur.early = train && ep < tail;
    cur.late = train && ep >= cfg.episodes - tail;
    return !play_episode(e, *agent, seed, obs, hooks).stopped;
  };

  // every log written so far reaches its file (whole records); the episode and trial records
  // without `wait` only once the writer's thread has formatted them
  auto flush_all = [&](bool wait) {
    writer.flush(wait);
    if (signals) signals->flush();
    if (train_actions) train_actions->flush();
    if (eval_actions) eval_actions->flush();
    last_flush = Clock::now();
  };

  // the state at the boundary after `done` training episodes: the agent under a new name, then
  // the checkpoint naming it (atomic), then the old agent file goes
  auto checkpoint = [&](int done) {
    flush_all(true);  // the offsets below count every record so far
    const std::string file = "agent-" + std::to_string(done) + ".sgym";
    agent->save(ck_dir / file);
    json st = {{"episodes_completed", done},
               {"evals_done", evals_done},
               {"total_steps", s.total_steps},
               {"total_trials", s.total_trials},
               {"tally", tally.state()},
               {"criterion", criterion.state()},
               {"evals", evals_json(s.evals)}};
    json j = {{"format", "sgym-run-checkpoint"},
              {"version", 2},
              {"config", key},
              {"state", st},
              {"agent_file", file},
              {"command", command},
              {"logs", writer.offsets()},
              {"actions", {{"train", train_actions->bytes()},
                           {"eval", eval_actions ? eval_actions->bytes() : 0},
                           {"index_bytes", train_actions->index_bytes()}}}};
    if (signals) j["signals"] = signals->state();
    write_file_atomic(ck_dir / "checkpoint.json", j.dump() + "\n");
    if (!agent_file.empty() && agent_file != file) std::filesystem::remove(ck_dir / agent_file);
    agent_file = file;
    last_checkpoint = Clock::now();
  };

  for (int ep = first_episode; ep < cfg.episodes; ++ep) {
    agent->set_training(true);
    if (!play(env, ep == 0 ? std::optional<std::uint64_t>(cfg.seed) : std::nullopt, ep, true)) break;
    ++s.episodes_completed;
    const EpisodeStats& st = env.last();
    if (!env.spec().trial_based) {
      // an episode is a trial; it is scored when the env reports is_success
      ++s.total_trials;
      if (st.success) score(*st.success, ep >= cfg.episodes - tail);
    }
    tally.return_sum += st.episode_return;
    ++tally.returns;
    if (ep >= cfg.episodes - tail) { tally.tail_return_sum += st.episode_return; ++tally.tail_returns; }
    writer.episode(ep, "train", st, -1);
    criterion.episode(st.episode_return, s.total_trials);
    if (eval_env && (ep + 1) % cfg.eval_every == 0) {
      agent->set_training(false);
      double sum = 0;
      long long e_scored = 0, e_correct = 0;
      for (int k = 0; k < cfg.eval_episodes; ++k) {
        const bool first = evals_done == 0 && k == 0;
        if (!play(*eval_env, first ? std::optional<std::uint64_t>(eval_seed) : std::nullopt, k, false)) break;
        const EpisodeStats& es = eval_env->last();
        sum += es.episode_return;
        if (es.scored_trials > 0) { e_scored += es.scored_trials; e_correct += es.correct_trials; }
        else if (es.success) { ++e_scored; e_correct += *es.success; }
        writer.episode(k, "eval", es, ep + 1);
      }
      ++evals_done;
      if (s.stopped_early) break;  // an evaluation cut short gives no figure
      s.evals.push_back({ep + 1, sum / cfg.eval_episodes,
                         e_scored > 0 ? std::optional<double>(static_cast<double>(e_correct) / e_scored)
                                      : std::nullopt});
    }
    // the clock is read at an episode boundary once `look_every` steps have passed since it was
    // last read (and after the last episode): on a cheap task an episode is a few steps and a read
    // per episode cost ≈ 2 % of the run. The stride doubles (up to 256 steps) while reads come
    // less than a millisecond apart and halves (down to every episode) when they come more than
    // 10 ms apart, so the timed flush, checkpoint and progress bar are late by about a
    // millisecond, not by 256 slow steps (a paced --render human run reads it every episode)
    const bool look = s.total_steps - steps_at_look >= look_every || ep + 1 == cfg.episodes;
    if (look) {
      now = Clock::now();
      const auto gap = now - last_look;
      if (gap < std::chrono::milliseconds(1)) look_every = std::min<long long>(2 * look_every, 256);
      else if (gap > std::chrono::milliseconds(10)) look_every = std::max<long long>(look_every / 2, 1);
      last_look = now;
      steps_at_look = s.total_steps;
    }
    if (checkpoints && ep + 1 < cfg.episodes &&
        (cfg.checkpoint_every > 0 ? (ep + 1) % cfg.checkpoint_every == 0
                                  : look && now - last_checkpoint >= std::chrono::duration<double>(RunConfig::kAutoCheckpointSeconds)))
      checkpoint(ep + 1);
    else if (look && now - last_flush > std::chrono::seconds(1))
      flush_all(false);
    if (cfg.progress && look && (now - last_draw > std::chrono::milliseconds(100) || ep + 1 == cfg.episodes)) {
      draw_progress(ep + 1, cfg.episodes, s.total_steps, std::chrono::duration<double>(now - t0).count());
      last_draw = now;
    }
  }
  if (cfg.progress) std::fputc('\n', stderr);
  s.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  s.env_steps_per_second = s.wall_seconds > 0 ? static_cast<double>(s.total_steps) / s.wall_seconds : 0.0;

  // a run stopped early averages what it completed (NaN, written as null, when nothing)
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.mean_return = tally.returns == 0 ? nan : tally.return_sum / static_cast<double>(tally.returns);
  s.final_mean_return = tally.tail_returns > 0 ? tally.tail_return_sum / tally.tail_returns : nan;
  if (tally.scored > 0) s.success_rate = static_cast<double>(tally.correct) / tally.scored;
  if (tally.tail_scored > 0) s.final_success_rate = static_cast<double>(tally.tail_correct) / tally.tail_scored;
  s.trials_to_criterion = criterion.reached();
  if (signals) s.signal_cells = signals->cells(env.spec().epochs);

  // outputs: the streamed files move into place, then the agent and the summary; a finished run
  // needs its checkpoint no more (a stopped one keeps the one it wrote, for --resume)
  writer.commit();
  if (signals) signals->commit();
  agent->save(cfg.out_dir / "agent.sgym");
  train_actions.reset();
  eval_actions.reset();
  if (!s.stopped_early || agent_file.empty()) std::filesystem::remove_all(ck_dir);

  json provenance = run_settings(cfg, env_entry, agent_entry);
  provenance["command"] = command;
  provenance["build_type"] = SGYM_BUILD_TYPE;
  provenance["compiler"] = __VERSION__;
  provenance["finished_at"] = utc_now();
  std::vector<std::string> files = writer.files();
  if (signals) files.push_back("signals.csv");
  files.push_back("agent.sgym");
  files.push_back("summary.json");
  const json j = summary_json(s, cfg, tail, provenance, files);
  write_file_atomic(cfg.out_dir / "summary.json", j.dump(2) + "\n");
  return s;
}

}  // namespace sgym
