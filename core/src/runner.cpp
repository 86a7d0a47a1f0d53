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
  if (b == std::string::npos) throw UsageError("--criterion: " + form);
  Criterion c;
  const std::string m = text.substr(0, a);
  if (m == "accuracy") c.measure = Measure::kAccuracy;
  else if (m == "return") c.measure = Measure::kReturn;
  else throw UsageError("--criterion: " + form);
  c.threshold = detail::parse_double("--criterion", "THRESHOLD", text.substr(a + 1, b - a - 1),
                                     -1e300, 1e300, "a finite number");
  c.window = static_cast<int>(detail::parse_int("--criterion", "WINDOW", text.substr(b + 1), 1,
                                                1000000, "[1, 1000000]"));
  if (c.measure == Measure::kAccuracy && (c.threshold < 0 || c.threshold > 1))
    throw UsageError("--criterion: an accuracy threshold must be in [0, 1], got " + format_number(c.threshold));
  return c;
}

std::string Criterion::to_string() const {
  return std::string(measure == Measure::kAccuracy ? "accuracy" : "return") + ":" +
         format_number(threshold) + ":" + std::to_string(window);
}

namespace {

// a text file written under "<name>.partial" and moved into place when the run completes
class PartialFile {
 public:
  explicit PartialFile(std::filesystem::path path)
      : path_(std::move(path)), partial_(path_.string() + ".partial"), out_(partial_, std::ios::trunc) {
    if (!out_) throw std::runtime_error("cannot write " + partial_.string());
  }
  std::ofstream& out() { return out_; }
  void commit() {
    out_.flush();
    out_.close();
    if (!out_) throw std::runtime_error("cannot write " + partial_.string());
    std::filesystem::rename(partial_, path_);
  }

 private:
  std::filesystem::path path_, partial_;
  std::ofstream out_;
};

json resolved_options(const std::vector<OptionDoc>& docs, const KeyValues& given) {
  json j = json::object();
  for (const auto& d : docs) j[d.key] = d.default_value;
  for (const auto& [k, v] : given) j[k] = v;
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

}  // namespace

RunSummary run(const RunConfig& cfg, const EnvEntry& env_entry, const AgentEntry& agent_entry) {
  if (cfg.episodes < 1) throw UsageError("--episodes must be >= 1, got " + std::to_string(cfg.episodes));
  if (cfg.eval_every < 0) throw UsageError("--eval-every must be >= 0, got " + std::to_string(cfg.eval_every));
  if (cfg.eval_episodes < 1) throw UsageError("--eval-episodes must be >= 1, got " + std::to_string(cfg.eval_episodes));
  if (cfg.out_dir.empty()) throw UsageError("--out: an output directory is required");

  if (!(cfg.obs_noise_sd >= 0) || !std::isfinite(cfg.obs_noise_sd))
    throw UsageError("--obs-noise must be a finite number >= 0, got " + format_number(cfg.obs_noise_sd));
  if (cfg.obs_delay_steps < 0)
    throw UsageError("--obs-delay must be >= 0 steps, got " + std::to_string(cfg.obs_delay_steps));
  // the env as the agent senses it: sensor noise, then conduction delay
  auto sensed_env = [&] {
    std::unique_ptr<Env> e = make_env(env_entry, cfg.env_options);
    if (cfg.obs_noise_sd > 0) {
      if (!e->observation_space().is_box())
        throw UsageError("--obs-noise needs a Box observation space; " + env_entry.id + " has " +
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
  const auto names = agent->signal_names();
  for (const auto& r : cfg.record) {
    bool known = false;
    for (const auto& n : names) known = known || n == r;
    if (!known) {
      std::string valid;
      for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
      throw UsageError("--record: agent " + agent->id() + " has no signal '" + r + "'; its signals: " +
                       (valid.empty() ? "(none)" : valid));
    }
  }

  std::filesystem::create_directories(cfg.out_dir);
  PartialFile jsonl(cfg.out_dir / "episodes.jsonl");
  PartialFile csv(cfg.out_dir / "episodes.csv");
  std::optional<PartialFile> signals;
  csv.out() << "episode,phase,return,length,trials,accuracy\n";
  if (!cfg.record.empty()) {
    // the header is written at the first recorded step, when the signals' sizes are known
    signals.emplace(cfg.out_dir / "signals.csv");
  }
  bool signals_header = false;
  // every trial's full info on the step that ended it, for per-trial analyses
  std::optional<PartialFile> trials;
  if (env.spec().trial_based) trials.emplace(cfg.out_dir / "trials.jsonl");

  RunSummary s;
  s.env = env_entry.id;
  s.agent = agent_entry.id;
  s.seed = cfg.seed;
  s.episodes = cfg.episodes;
  const int tail = std::max(1, static_cast<int>(std::ceil(cfg.episodes * 0.1)));
  std::vector<double> returns;
  returns.reserve(cfg.episodes);
  long long scored = 0, correct = 0, tail_scored = 0, tail_correct = 0;
  std::deque<int> window;  // rolling outcomes (accuracy) or returns are kept below
  std::deque<double> return_window;
  double window_sum = 0;
  // signal sums per (signal, condition, epoch), early and late
  // signal sums per (signal, condition, epoch): early, late, and the first episode of the condition
  std::map<std::tuple<std::string, std::string, std::string>, std::array<double, 6>> cells;
  std::map<std::string, int, std::less<>> first_episode_of;

  std::vector<float> obs;
  const auto t0 = Clock::now();
  auto last_draw = t0;

  auto write_episode = [&](int ep, const char* phase, const EpisodeStats& st, int block) {
    const auto acc = st.accuracy();
    json j = {{"episode", ep}, {"phase", phase}, {"return", st.episode_return},
              {"length", st.length}, {"trials", st.trials}, {"accuracy", opt(acc)}};
    if (block >= 0) j["after_train_episodes"] = block;
    if (st.success) j["success"] = *st.success;
    jsonl.out() << j.dump() << "\n";
    csv.out() << ep << "," << phase << "," << format_number(st.episode_return) << "," << st.length
              << "," << st.trials << "," << (acc ? format_number(*acc) : "") << "\n";
  };

  // counts one scored trial towards the success rates and the accuracy criterion
  auto score = [&](bool ok, bool late) {
    ++scored;
    correct += ok;
    if (late) { ++tail_scored; tail_correct += ok; }
    if (!cfg.criterion || cfg.criterion->measure != Criterion::Measure::kAccuracy || s.trials_to_criterion)
      return;
    window.push_back(ok);
    window_sum += ok;
    if (static_cast<int>(window.size()) > cfg.criterion->window) {
      window_sum -= window.front();
      window.pop_front();
    }
    if (static_cast<int>(window.size()) == cfg.criterion->window &&
        window_sum / cfg.criterion->window >= cfg.criterion->threshold)
      s.trials_to_criterion = s.total_trials;
  };

  // shows a reset or step to the observer; false (and stopped_early) when it stops the run
  auto observed = [&](const Env& e, const StepResult& r, const Action* a, int ep, int step, bool train) {
    if (!cfg.observer || cfg.observer(StepView{e, *agent, r, a, ep, step, s.total_steps, train})) return true;
    s.stopped_early = true;
    return false;
  };

  // one episode of `e`; records signals and criterion progress when training; false when the
  // observer stopped the run during it
  auto play = [&](EpisodeStatistics& e, std::optional<std::uint64_t> seed, int ep, bool train) {
    ResetResult r0 = e.reset(seed);
    obs.assign(r0.obs.begin(), r0.obs.end());
    agent->begin_episode();
    if (!observed(e, StepResult{r0.obs, 0.0, false, false, r0.info}, nullptr, ep, 0, train)) {
      agent->end_episode();
      return false;
    }
    const bool early = train && ep < tail;
    const bool late = train && ep >= cfg.episodes - tail;
    int step = 0;
    for (;;) {
      const auto [a, r] = interact(e, *agent, obs);
      ++step;
      ++s.total_steps;
      if (train) {
        const std::string& outcome = e.last_trial_outcome();
        if (!outcome.empty()) {
          ++s.total_trials;
          if (EpisodeStatistics::is_scored_outcome(outcome)) score(outcome == "correct", late);
          if (trials)
            trials->out() << "{\"episode\":" << ep << ",\"step\":" << step << ",\"info\":" << info_to_json(r.info)
                          << "}\n";
        }
        if (signals) {
          const auto sig = agent->introspect();
          const std::string_view cond = r.info.string_or_empty("condition");
          const std::string_view epoch = r.info.string_or_empty(info_keys::kEpoch);
          auto first_it = first_episode_of.find(cond);
          if (first_it == first_episode_of.end()) first_it = first_episode_of.emplace(std::string(cond), ep).first;
          const bool first = first_it->second == ep;
          auto& o = signals->out();
          if (!signals_header) {
            // a vector signal gets one column per element: name[0], name[1], ...
            o << "episode,step,condition,epoch";
            for (const auto& name : cfg.record)
              for (const auto& sg : sig)
                if (sg.name == name) {
                  if (sg.values.size() == 1) o << "," << name;
                  else for (std::size_t k = 0; k < sg.values.size(); ++k) o << "," << name << "[" << k << "]";
                }
            o << "\n";
            signals_header = true;
          }
          o << ep << "," << step << "," << cond << "," << epoch;
          for (const auto& name : cfg.record)
            for (const auto& sg : sig)
              if (sg.name == name) {
                for (float v : sg.values) o << "," << format_number(v);
                if ((early || late || first) && sg.values.size() == 1 && !epoch.empty()) {
                  auto& c = cells[{name, std::string(cond), std::string(epoch)}];
                  for (int slot : {early ? 0 : -1, late ? 2 : -1, first ? 4 : -1})
                    if (slot >= 0) { c[slot] += sg.values[0]; c[slot + 1] += 1; }
                }
              }
          o << "\n";
        }
      }
      if (!observed(e, r, &a, ep, step, train)) {
        agent->end_episode();
        return false;
      }
      if (r.terminated || r.truncated) break;
    }
    agent->end_episode();
    return true;
  };

  int evals_done = 0;
  for (int ep = 0; ep < cfg.episodes; ++ep) {
    agent->set_training(true);
    if (!play(env, ep == 0 ? std::optional<std::uint64_t>(cfg.seed) : std::nullopt, ep, true)) break;
    ++s.episodes_completed;
    const EpisodeStats& st = env.last();
    if (!env.spec().trial_based) {
      // an episode is a trial; it is scored when the env reports is_success
      ++s.total_trials;
      if (st.success) score(*st.success, ep >= cfg.episodes - tail);
    }
    returns.push_back(st.episode_return);
    write_episode(ep, "train", st, -1);
    if (cfg.criterion && cfg.criterion->measure == Criterion::Measure::kReturn && !s.trials_to_criterion) {
      return_window.push_back(st.episode_return);
      if (static_cast<int>(return_window.size()) > cfg.criterion->window) return_window.pop_front();
      double sum = 0;
      for (double x : return_window) sum += x;
      if (static_cast<int>(return_window.size()) == cfg.criterion->window &&
          sum / cfg.criterion->window >= cfg.criterion->threshold)
        s.trials_to_criterion = s.total_trials;
    }
    if (eval_env && (ep + 1) % cfg.eval_every == 0) {
      agent->set_training(false);
      double sum = 0;
      long long e_scored = 0, e_correct = 0;
      for (int k = 0; k < cfg.eval_episodes; ++k) {
        const bool first = evals_done == 0 && k == 0;
        if (!play(*eval_env, first ? std::optional<std::uint64_t>(mix_seed(cfg.seed, 2)) : std::nullopt, k, false))
          break;
        const EpisodeStats& es = eval_env->last();
        sum += es.episode_return;
        if (es.scored_trials > 0) { e_scored += es.scored_trials; e_correct += es.correct_trials; }
        else if (es.success) { ++e_scored; e_correct += *es.success; }
        write_episode(k, "eval", es, ep + 1);
      }
      ++evals_done;
      if (s.stopped_early) break;  // an evaluation cut short gives no figure
      s.evals.push_back({ep + 1, sum / cfg.eval_episodes,
                         e_scored > 0 ? std::optional<double>(static_cast<double>(e_correct) / e_scored)
                                      : std::nullopt});
    }
    if (cfg.progress) {
      const auto now = Clock::now();
      if (now - last_draw > std::chrono::milliseconds(100) || ep + 1 == cfg.episodes) {
        draw_progress(ep + 1, cfg.episodes, s.total_steps, std::chrono::duration<double>(now - t0).count());
        last_draw = now;
      }
    }
  }
  if (cfg.progress) std::fputc('\n', stderr);
  s.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  s.env_steps_per_second = s.wall_seconds > 0 ? static_cast<double>(s.total_steps) / s.wall_seconds : 0.0;

  // a run stopped early averages what it completed (NaN, written as null, when nothing)
  double sum = 0, tail_sum = 0;
  int tail_n = 0;
  for (std::size_t i = 0; i < returns.size(); ++i) {
    sum += returns[i];
    if (static_cast<int>(i) >= cfg.episodes - tail) { tail_sum += returns[i]; ++tail_n; }
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.mean_return = returns.empty() ? nan : sum / static_cast<double>(returns.size());
  s.final_mean_return = tail_n > 0 ? tail_sum / tail_n : nan;
  if (scored > 0) s.success_rate = static_cast<double>(correct) / scored;
  if (tail_scored > 0) s.final_success_rate = static_cast<double>(tail_correct) / tail_scored;
  for (const auto& [key, c] : cells) {
    const auto& [signal, cond, epoch] = key;
    s.signal_cells.push_back({signal, cond, epoch, c[5] > 0 ? c[4] / c[5] : 0.0,
                              c[1] > 0 ? c[0] / c[1] : 0.0, c[3] > 0 ? c[2] / c[3] : 0.0,
                              static_cast<int>(c[5]), static_cast<int>(c[1]), static_cast<int>(c[3])});
  }
  // epochs in the task's own order, not alphabetical
  const auto& epochs = env.spec().epochs;
  auto epoch_rank = [&](const std::string& e) {
    return std::find(epochs.begin(), epochs.end(), e) - epochs.begin();
  };
  std::stable_sort(s.signal_cells.begin(), s.signal_cells.end(), [&](const SignalCell& a, const SignalCell& b) {
    if (a.signal != b.signal) return a.signal < b.signal;
    if (a.condition != b.condition) return a.condition < b.condition;
    return epoch_rank(a.epoch) < epoch_rank(b.epoch);
  });

  // outputs: the streamed files move into place, then the agent and the summary
  jsonl.commit();
  csv.commit();
  if (signals) signals->commit();
  if (trials) trials->commit();
  agent->save(cfg.out_dir / "agent.sgym");

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
  json evals = json::array();
  for (const auto& e : s.evals)
    evals.push_back({{"after_train_episodes", e.after_episodes}, {"mean_return", e.mean_return},
                     {"success_rate", opt(e.success_rate)}});
  j["evaluations"] = evals;
  json cells_j = json::array();
  for (const auto& c : s.signal_cells)
    cells_j.push_back({{"signal", c.signal}, {"condition", c.condition}, {"epoch", c.epoch},
                       {"first_mean", c.first_mean}, {"early_mean", c.early_mean},
                       {"late_mean", c.late_mean}, {"first_n", c.first_n}, {"early_n", c.early_n},
                       {"late_n", c.late_n}});
  j["signals_by_epoch"] = cells_j;
  j["provenance"] = {{"command", cfg.command},
                     {"env_options", resolved_options(env_entry.options, cfg.env_options)},
                     {"agent_options", resolved_options(agent_entry.options, cfg.agent_options)},
                     {"seed", cfg.seed},
                     {"eval_every", cfg.eval_every},
                     {"eval_episodes", cfg.eval_episodes},
                     {"obs_noise_sd", cfg.obs_noise_sd},
                     {"obs_delay_steps", cfg.obs_delay_steps},
                     {"record", cfg.record},
                     {"version", build_version()},
                     {"build_type", SGYM_BUILD_TYPE},
                     {"compiler", __VERSION__},
                     {"finished_at", utc_now()}};
  std::vector<std::string> files = {"episodes.jsonl", "episodes.csv", "agent.sgym", "summary.json"};
  if (signals) files.insert(files.begin() + 2, "signals.csv");
  if (trials) files.insert(files.begin() + 2, "trials.jsonl");
  j["files"] = files;
  write_file_atomic(cfg.out_dir / "summary.json", j.dump(2) + "\n");
  return s;
}

}  // namespace sgym
