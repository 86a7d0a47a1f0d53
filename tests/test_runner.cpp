// The runner: output files, summary keys, reproducibility, criterion, evaluation, usage errors.
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <variant>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/runner.hpp"
#include "sgym/wrappers.hpp"

using namespace sgym;
using Catch::Matchers::Contains;
using json = nlohmann::json;

namespace {
std::filesystem::path out_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("sgym-run-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(p);
  return p;
}
RunConfig pavlovian_run(const std::string& name) {
  RunConfig c;
  c.env_id = "Pavlovian-v0";
  c.env_options = {{"probe_every", "5"}};
  c.agent_id = "td-critic";
  c.episodes = 200;
  c.seed = 4;
  c.out_dir = out_dir(name);
  c.record = {"rpe", "value"};
  return c;
}
}  // namespace

TEST_CASE("A run writes its outputs and a complete summary", "[runner]") {
  RunConfig c = pavlovian_run("a");
  c.eval_every = 50;
  c.eval_episodes = 5;
  c.command = "sgym run (test)";
  const RunSummary s = run(c, env_entry(c.env_id), agent_entry(c.agent_id));
  for (const char* f : {"episodes.jsonl", "episodes.csv", "signals.csv", "agent.sgym", "summary.json"})
    REQUIRE(std::filesystem::exists(c.out_dir / f));
  for (const auto& e : std::filesystem::directory_iterator(c.out_dir))
    REQUIRE(e.path().extension() != ".partial");

  const json j = json::parse(read_file(c.out_dir / "summary.json"));
  for (const char* k : {"env", "agent", "seed", "episodes", "mean_return", "final_mean_return", "success_rate",
                        "final_success_rate", "trials_to_criterion", "env_steps_per_second", "provenance"})
    REQUIRE(j.contains(k));
  REQUIRE(j["episodes"] == 200);
  REQUIRE(j["success_rate"].is_null());  // Pavlovian trials are not choices
  REQUIRE(j["trials_to_criterion"].is_null());
  REQUIRE(j["provenance"]["env_options"]["probe_every"] == "5");
  REQUIRE(j["provenance"]["env_options"]["dt_ms"] == "100");  // defaults are resolved too
  REQUIRE(j["provenance"]["agent_options"]["gamma"] == "0.98");
  REQUIRE(j["provenance"]["command"] == "sgym run (test)");
  REQUIRE(j["evaluations"].size() == 4);
  // every 5th trial is omitted: returns average 0.8
  REQUIRE(s.mean_return == Approx(0.8));
  REQUIRE(s.total_steps == 200 * 30 + 4 * 5 * 30);

  // one JSON line per training and evaluation episode; one CSV row too
  const std::string lines = read_file(c.out_dir / "episodes.jsonl");
  REQUIRE(std::count(lines.begin(), lines.end(), '\n') == 200 + 20);
  const std::string sig = read_file(c.out_dir / "signals.csv");
  REQUIRE(sig.rfind("episode,step,condition,epoch,rpe,value\n", 0) == 0);
  REQUIRE(std::count(sig.begin(), sig.end(), '\n') == 1 + 200 * 30);

  // the summary table shows the classic result: RPE at the CS grows, RPE on omission is negative
  auto cell = [&](const std::string& cond, const std::string& epoch) {
    for (const auto& x : s.signal_cells)
      if (x.signal == "rpe" && x.condition == cond && x.epoch == epoch) return x;
    FAIL("no cell " << cond << "/" << epoch);
    return SignalCell{};
  };
  REQUIRE(cell("normal", "cs").late_mean > cell("normal", "cs").early_mean + 0.3);
  REQUIRE(cell("normal", "us").late_mean < cell("normal", "us").early_mean);
  REQUIRE(cell("omission", "us").late_mean < -0.5);
}

TEST_CASE("Same seed, same outputs bit for bit; another seed differs", "[runner][determinism]") {
  auto files = [](const std::string& name, std::uint64_t seed) {
    RunConfig c = pavlovian_run(name);
    c.env_options = {{"omission_prob", "0.2"}};
    c.episodes = 100;
    c.seed = seed;
    run(c, env_entry(c.env_id), agent_entry(c.agent_id));
    return read_file(c.out_dir / "episodes.jsonl") + read_file(c.out_dir / "signals.csv") +
           read_file(c.out_dir / "agent.sgym");
  };
  const std::string a = files("d1", 8);
  REQUIRE(a == files("d2", 8));
  REQUIRE(a != files("d3", 9));
}

TEST_CASE("Criterion parsing and trials to criterion", "[runner]") {
  REQUIRE(Criterion::parse("accuracy:0.9:50").window == 50);
  REQUIRE(Criterion::parse("return:0.5:10").measure == Criterion::Measure::kReturn);
  REQUIRE_THROWS_WITH(Criterion::parse("accuracy:0.9"), Contains("MEASURE:THRESHOLD:WINDOW"));
  REQUIRE_THROWS_WITH(Criterion::parse("speed:1:2"), Contains("accuracy or return"));
  REQUIRE_THROWS_AS(Criterion::parse("accuracy:1.5:10"), UsageError);
  REQUIRE_THROWS_AS(Criterion::parse("return:1:0"), UsageError);

  RunConfig c = pavlovian_run("crit");
  c.record.clear();
  c.env_options = {{"probe_every", "4"}};
  c.episodes = 40;
  c.criterion = Criterion::parse("return:0.75:8");  // met at the first full window
  RunSummary s = run(c, env_entry(c.env_id), agent_entry(c.agent_id));
  REQUIRE(s.trials_to_criterion == 8);
  c.criterion = Criterion::parse("return:0.9:8");  // never: every 4th trial pays nothing
  c.out_dir = out_dir("crit2");
  s = run(c, env_entry(c.env_id), agent_entry(c.agent_id));
  REQUIRE_FALSE(s.trials_to_criterion.has_value());
}

TEST_CASE("Usage errors are found before anything is written", "[runner]") {
  RunConfig c = pavlovian_run("bad");
  c.record = {"dopamine"};
  REQUIRE_THROWS_WITH(run(c, env_entry(c.env_id), agent_entry(c.agent_id)),
                      Contains("no signal 'dopamine'") && Contains("rpe, value"));
  c.record = {};
  c.agent_options = {{"alpha", "2"}};
  REQUIRE_THROWS_AS(run(c, env_entry(c.env_id), agent_entry(c.agent_id)), UsageError);
  c.agent_options = {};
  c.env_options = {{"colour", "red"}};
  REQUIRE_THROWS_WITH(run(c, env_entry(c.env_id), agent_entry(c.agent_id)), Contains("unknown option 'colour'"));
  c.env_options = {};
  c.episodes = 0;
  REQUIRE_THROWS_AS(run(c, env_entry(c.env_id), agent_entry(c.agent_id)), UsageError);
  REQUIRE_FALSE(std::filesystem::exists(c.out_dir));
}

TEST_CASE("Blocks an env marks as not a trial (a calibration baseline) are logged, not counted", "[runner]") {
  // BCINeurofeedback-v0 opens with baseline blocks (trial_outcome "baseline" = kNotATrial): they
  // are in trials.jsonl, but total_trials, episode_trials and trials_to_criterion leave them out
  RunConfig c;
  c.env_id = "BCINeurofeedback-v0";
  c.agent_id = "random";
  c.env_options = {{"baseline_trials", "3"}, {"trial_ms", "2000"}};
  c.episodes = 10;
  c.seed = 3;
  c.criterion = Criterion::parse("accuracy:0:1");  // met by the first scored trial
  c.out_dir = out_dir("not-a-trial");
  const RunSummary s = run(c, env_entry(c.env_id), agent_entry(c.agent_id));
  REQUIRE(s.total_trials == 7);
  REQUIRE(s.trials_to_criterion == 1);
  const std::string trials = read_file(c.out_dir / "trials.jsonl");
  REQUIRE(std::count(trials.begin(), trials.end(), '\n') == 10);
  REQUIRE(json::parse(trials.substr(0, trials.find('\n')))["info"]["trial_outcome"] == kNotATrial);
  const std::string episodes = read_file(c.out_dir / "episodes.jsonl");
  std::size_t at = 0;
  for (int ep = 0; ep < 10; ++ep) {
    const std::size_t end = episodes.find('\n', at);
    const auto e = json::parse(episodes.substr(at, end - at));
    INFO("episode " << ep);
    REQUIRE(e["trials"] == (ep < 3 ? 0 : 1));
    at = end + 1;
  }
}

TEST_CASE("Trial-based runs write every trial's info; vector signals get one column per element", "[runner]") {
  RunConfig c;
  c.env_id = "SaccadeAntisaccade-v0";
  c.agent_id = "td-actor-critic";
  c.episodes = 30;
  c.seed = 2;
  c.out_dir = out_dir("trials");
  c.record = {"rpe", "action_probs"};
  const RunSummary s = run(c, env_entry(c.env_id), agent_entry(c.agent_id));
  const std::string trials = read_file(c.out_dir / "trials.jsonl");
  REQUIRE(std::count(trials.begin(), trials.end(), '\n') == s.total_trials);
  const auto first = json::parse(trials.substr(0, trials.find('\n')));
  REQUIRE(first["info"].contains("trial_outcome"));
  REQUIRE(first["info"]["trial_outcome"] != "");
  // the logs are written by hand: each line is byte for byte what was written before with nlohmann's
  // dump() (an episode record and a trial's info: keys in alphabetical order, shortest round-trip
  // numbers; a trial record: episode, step, info in this order)
  for (const std::string f : {"trials.jsonl", "episodes.jsonl"}) {
    const std::string text = read_file(c.out_dir / f);
    std::size_t lines = 0;
    for (std::size_t a = 0, b; (b = text.find('\n', a)) != std::string::npos; a = b + 1, ++lines) {
      const std::string line = text.substr(a, b - a);
      INFO(f << " line " << lines + 1);
      const json j = json::parse(line);
      if (f == "trials.jsonl")
        REQUIRE(line == "{\"episode\":" + j["episode"].dump() + ",\"step\":" + j["step"].dump() + ",\"info\":" +
                            j["info"].dump() + "}");
      else
        REQUIRE(j.dump() == line);
    }
    REQUIRE(lines > 0);
  }
  const std::string sig = read_file(c.out_dir / "signals.csv");
  REQUIRE(sig.rfind("episode,step,condition,epoch,rpe,action_probs[0],action_probs[1],action_probs[2]\n", 0) == 0);
  // Pavlovian trials are trial-based too; a run on a non-trial env writes no trials.jsonl
  RunConfig b = pavlovian_run("no-trials");
  b.env_id = "BipedalWalker-v3";
  b.agent_id = "random";
  b.env_options = {};
  b.record = {};
  b.episodes = 1;
  run(b, env_entry(b.env_id), agent_entry(b.agent_id));
  REQUIRE_FALSE(std::filesystem::exists(b.out_dir / "trials.jsonl"));
}

TEST_CASE("The per-step observer sees every reset and step and can stop the run cleanly", "[runner][observer]") {
  RunConfig c = pavlovian_run("observer");
  c.episodes = 6;
  c.eval_every = 3;
  c.eval_episodes = 2;
  // Pavlovian-v0 trials are 30 steps: an observer that watches everything
  long long calls = 0, resets = 0, eval_calls = 0, last_total = -1;
  bool ordered = true, signals_seen = true;
  c.observer = [&](const StepView& v) {
    ++calls;
    resets += v.step == 0;
    eval_calls += !v.training;
    ordered = ordered && v.total_steps >= last_total && (v.step == 0) == (v.action == nullptr);
    last_total = v.total_steps;
    signals_seen = signals_seen && v.agent.introspect().size() == 2 && v.env.spec().id == "Pavlovian-v0";
    return true;
  };
  const RunSummary full = run(c, env_entry(c.env_id), agent_entry(c.agent_id));
  REQUIRE(resets == 6 + 2 * 2);
  REQUIRE(calls == full.total_steps + resets);
  REQUIRE(eval_calls == 2 * 2 * 31);
  REQUIRE(ordered);
  REQUIRE(signals_seen);
  REQUIRE_FALSE(full.stopped_early);
  REQUIRE(full.episodes_completed == 6);

  // stop at step 10 of training episode 4 (0-based 3, after the first evaluation)
  c.out_dir = out_dir("observer-stop");
  c.observer = [](const StepView& v) { return !(v.training && v.episode == 3 && v.step == 10); };
  const RunSummary s = run(c, env_entry(c.env_id), agent_entry(c.agent_id));
  REQUIRE(s.stopped_early);
  REQUIRE(s.episodes_completed == 3);
  REQUIRE(s.total_steps == 3 * 30 + 2 * 30 + 10);
  for (const auto& e : std::filesystem::directory_iterator(c.out_dir)) REQUIRE(e.path().extension() != ".partial");
  for (const char* f : {"episodes.jsonl", "episodes.csv", "signals.csv", "agent.sgym", "summary.json"})
    REQUIRE(std::filesystem::exists(c.out_dir / f));
  const json j = json::parse(read_file(c.out_dir / "summary.json"));
  REQUIRE(j["stopped_early"] == true);
  REQUIRE(j["episodes"] == 6);
  REQUIRE(j["episodes_completed"] == 3);
  REQUIRE(j["evaluations"].size() == 1);
  // the completed episodes only: 3 training rows and 2 evaluation rows; the mean is theirs
  const std::string csv = read_file(c.out_dir / "episodes.csv");
  REQUIRE(std::count(csv.begin(), csv.end(), '\n') == 1 + 3 + 2);
  REQUIRE(j["mean_return"].get<double>() == Approx(s.mean_return));
  // the last 10 % (episode 6) was never reached
  REQUIRE(j["final_mean_return"].is_null());
  // signals.csv holds the steps taken, the interrupted episode's included
  const std::string sig = read_file(c.out_dir / "signals.csv");
  REQUIRE(std::count(sig.begin(), sig.end(), '\n') == 1 + 3 * 30 + 10);

  // stopping at the very first reset leaves a valid, empty run
  c.out_dir = out_dir("observer-stop0");
  c.observer = [](const StepView&) { return false; };
  const RunSummary z = run(c, env_entry(c.env_id), agent_entry(c.agent_id));
  REQUIRE(z.stopped_early);
  REQUIRE(z.total_steps == 0);
  REQUIRE(json::parse(read_file(c.out_dir / "summary.json"))["mean_return"].is_null());
}

TEST_CASE("Observation delay and noise in a run: the agent senses the env late or noisily; recorded; bad values refused",
          "[runner]") {
  // late RPE at the CS epoch: the CS burst with on-time sensing, nothing when the CS is sensed 2 steps
  // late (the burst moves into the delay epoch); the env's epochs and reward are not delayed
  std::filesystem::path last_out;
  auto cs_rpe = [&](int delay, const std::string& name) {
    RunConfig c = pavlovian_run(name);
    c.obs_delay_steps = delay;
    last_out = c.out_dir;
    const RunSummary s = run(c, env_entry(c.env_id), agent_entry(c.agent_id));
    for (const auto& cell : s.signal_cells)
      if (cell.signal == "rpe" && cell.condition == "normal" && cell.epoch == "cs") return cell.late_mean;
    FAIL("no rpe cell for normal/cs");
    return 0.0;
  };
  CHECK(cs_rpe(0, "delay0") > 0.5);
  CHECK(std::abs(cs_rpe(2, "delay2")) < 0.05);
  const json summary = json::parse(read_file(last_out / "summary.json"));
  CHECK(summary["provenance"]["obs_delay_steps"] == 2);
  CHECK(summary["provenance"]["obs_noise_sd"] == 0.0);

  RunConfig noisy = pavlovian_run("noisy");
  noisy.obs_noise_sd = 0.5;
  noisy.episodes = 5;
  run(noisy, env_entry(noisy.env_id), agent_entry(noisy.agent_id));
  CHECK(json::parse(read_file(noisy.out_dir / "summary.json"))["provenance"]["obs_noise_sd"] == 0.5);

  RunConfig bad = pavlovian_run("bad-sensing");
  bad.obs_delay_steps = -1;
  REQUIRE_THROWS_WITH(run(bad, env_entry(bad.env_id), agent_entry(bad.agent_id)), Contains("obs_delay_steps"));
  bad.obs_delay_steps = 0;
  bad.obs_noise_sd = -0.1;
  REQUIRE_THROWS_WITH(run(bad, env_entry(bad.env_id), agent_entry(bad.agent_id)), Contains("obs_noise_sd"));
  REQUIRE_FALSE(std::filesystem::exists(bad.out_dir));
}

namespace {

// A trial-based env whose info is random: keys with quotes, escapes and UTF-8, values of every type
// (a key may change type), keys added mid-episode and the whole info cleared at some resets (a new
// layout), NaN and infinities, now and then a key of the episode figures EpisodeStatistics adds
// (episode_return, ...) with a value of any type; a trial ends on about half the steps
class RandomInfoEnv final : public Env {
 public:
  RandomInfoEnv() : Env(make_spec(), Space::box(0.0f, 1.0f, {1}), Space::discrete(2)) {}
  void draw(DrawList&) const override {}

 protected:
  ResetResult do_reset(std::optional<std::uint64_t>) override {
    if (rng_.uniform() < 0.2) info_.clear();
    length_ = 1 + static_cast<int>(rng_.below(6));
    t_ = 0;
    fill();
    info_.set("trial_outcome", "");
    return reset_result();
  }
  StepResult do_step(const Action& a) override {
    ++t_;
    fill();
    const char* outcomes[] = {"", "correct", "wrong", "timeout", "baseline"};
    info_.set("trial_outcome", outcomes[rng_.below(std::size(outcomes))]);
    obs_[0] = static_cast<float>(rng_.uniform());
    return step_result(a.index == 1 ? rng_.uniform(-1, 1) : 0.0, t_ >= length_);
  }

 private:
  static EnvSpec make_spec() {
    EnvSpec s;
    s.id = "RandomInfo-v0";
    s.trial_based = true;
    return s;
  }
  void fill() {
    const char* words[] = {"", "correct", "a\"quote", "back\\slash", "tab\there", "new\nline", "\x01ctl", "del\x7f",
                           "caf\xc3\xa9", "Zeta", "_under", "a longer string than the short string buffer holds"};
    const double doubles[] = {0.0, -0.0, 0.1, 1e21, 4.9e-324, 1.0 / 3.0, std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::quiet_NaN()};
    const int n = static_cast<int>(rng_.below(6));
    for (int k = 0; k < n; ++k) {
      const std::string key = words[rng_.below(std::size(words))] + std::to_string(rng_.below(3));
      switch (rng_.below(5)) {
        case 0: info_.set(key, rng_.uniform() < 0.5); break;
        case 1: info_.set(key, static_cast<std::int64_t>(rng_.next_u64())); break;
        case 2: info_.set(key, doubles[rng_.below(std::size(doubles))]); break;
        case 3: info_.set(key, std::string_view(words[rng_.below(std::size(words))])); break;
        default: {
          std::vector<float> v(rng_.below(4));
          for (float& x : v) x = static_cast<float>(rng_.uniform(-1e3, 1e3));
          info_.set(key, v);
        }
      }
    }
    if (rng_.uniform() < 0.05) {
      const std::string_view key = EpisodeStatistics::kEndKeys[rng_.below(4)];
      if (rng_.uniform() < 0.5) info_.set(key, std::string_view("own value"));
      else info_.set(key, static_cast<std::int64_t>(-1));
    }
  }
  int length_ = 1, t_ = 0;
};

}  // namespace

TEST_CASE("The run's logs, formatted on the writer's thread, are each record as dump() writes it", "[runner][resume]") {
  // episode() and trial() copy the values into batches that a thread of the writer's own formats:
  // over many batches, changing layouts, awkward keys and values, checkpoints (which wait for the
  // thread) and a stop and resume, trials.jsonl holds exactly each trial's info as nlohmann's dump()
  // writes it, and the resumed run's files are the uninterrupted run's
  EnvEntry entry;
  entry.id = "RandomInfo-v0";
  entry.make = [](const KeyValues&) { return std::make_unique<RandomInfoEnv>(); };
  auto dumped = [](const Info& info) {
    json j = json::object();
    for (const auto& item : info.items()) std::visit([&](const auto& x) { j[item.first] = x; }, item.second);
    return j.dump();
  };
  RunConfig c;
  c.env_id = entry.id;
  c.agent_id = "random";
  c.episodes = 1500;
  c.seed = 4;
  c.eval_every = 100;
  c.eval_episodes = 3;
  c.checkpoint_every = 170;
  c.out_dir = out_dir("random-info");
  std::string expected;
  long long trial_steps = 0;
  c.observer = [&](const StepView& v) {
    const InfoValue* o = v.result.info.find("trial_outcome");
    if (v.training && v.action != nullptr && o != nullptr && !std::get<std::string>(*o).empty()) {
      expected += "{\"episode\":" + std::to_string(v.episode) + ",\"step\":" + std::to_string(v.step) +
                  ",\"info\":" + dumped(v.result.info) + "}\n";
      ++trial_steps;
    }
    return true;
  };
  const RunSummary s = run(c, entry, agent_entry(c.agent_id));
  REQUIRE(trial_steps > 2500);  // more than two batches of records
  const std::string trials = read_file(c.out_dir / "trials.jsonl");
  REQUIRE(trials == expected);
  const std::string episodes = read_file(c.out_dir / "episodes.jsonl");
  REQUIRE(std::count(episodes.begin(), episodes.end(), '\n') == 1500 + 15 * 3);
  for (std::size_t a = 0, b; (b = episodes.find('\n', a)) != std::string::npos; a = b + 1)
    REQUIRE(json::parse(episodes.substr(a, b - a)).dump() == episodes.substr(a, b - a));

  // stopped mid-batch after several checkpoints, then resumed: the same files
  RunConfig r = c;
  r.out_dir = out_dir("random-info-resumed");
  r.observer = [](const StepView& v) { return !(v.training && v.episode == 1111 && v.step == 1); };
  REQUIRE(run(r, entry, agent_entry(r.agent_id)).stopped_early);
  r.observer = nullptr;
  r.resume = true;
  const RunSummary rs = run(r, entry, agent_entry(r.agent_id));
  REQUIRE(rs.resumed_from == 1020);
  REQUIRE(rs.total_trials == s.total_trials);
  for (const char* f : {"trials.jsonl", "episodes.jsonl", "episodes.csv", "agent.sgym"})
    REQUIRE(read_file(r.out_dir / f) == read_file(c.out_dir / f));
}

TEST_CASE("Without an observer a run's trials.jsonl is the same: the writer adds the episode figures itself", "[runner]") {
  // without an observer EpisodeStatistics returns the env's own info at an episode's end and the
  // writer adds episode_return, episode_length, episode_trials (and episode_accuracy) to the last
  // trial's record; with one, the wrapper's end info is written as it is. Same bytes, for scored
  // trials (accuracy), unscored ones (Pavlovian) and infos that hold those keys themselves
  EnvEntry random_info;
  random_info.id = "RandomInfo-v0";
  random_info.make = [](const KeyValues&) { return std::make_unique<RandomInfoEnv>(); };
  for (const EnvEntry* e : std::vector<const EnvEntry*>{&random_info, &env_entry("SaccadeAntisaccade-v0"), &env_entry("Pavlovian-v0")}) {
    INFO(e->id);
    RunConfig c;
    c.env_id = e->id;
    c.agent_id = "random";
    c.episodes = e == &random_info ? 600 : 60;
    c.seed = 9;
    c.eval_every = 20;
    c.eval_episodes = 2;
    c.out_dir = out_dir("end-info-observed");
    long long ends = 0;
    c.observer = [&](const StepView& v) {
      ends += v.result.info.has("episode_length") && (v.result.terminated || v.result.truncated);
      return true;
    };
    run(c, *e, agent_entry(c.agent_id));
    REQUIRE(ends > 0);
    RunConfig q = c;
    q.observer = nullptr;
    q.out_dir = out_dir("end-info-unobserved");
    run(q, *e, agent_entry(q.agent_id));
    const std::string trials = read_file(c.out_dir / "trials.jsonl");
    REQUIRE(trials.find("\"episode_length\"") != std::string::npos);
    REQUIRE(read_file(q.out_dir / "trials.jsonl") == trials);
    REQUIRE(read_file(q.out_dir / "episodes.jsonl") == read_file(c.out_dir / "episodes.jsonl"));
  }
}
