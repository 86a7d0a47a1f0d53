// Runs that survive interruption (issue 15): a used --out is refused, a stopped or killed run resumes
// from its checkpoint bit for bit, logs hold whole records only.
#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/runner.hpp"
#include "support.hpp"

using namespace sgym;
using Catch::Matchers::Contains;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) { return test::fresh_path("resume", name); }

// every output file of a finished run; summary.json without its timing fields
std::map<std::string, std::string> outputs(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name == "summary.json") {
      json j = json::parse(read_file(e.path()));
      for (const char* k : {"wall_seconds", "env_steps_per_second"}) j.erase(k);
      j["provenance"].erase("finished_at");
      out[name] = j.dump(1);
    } else {
      out[name] = e.is_directory() ? "(directory)" : read_file(e.path());
    }
  }
  return out;
}

RunSummary run_it(const RunConfig& c) { return run(c, env_entry(c.env_id), agent_entry(c.agent_id)); }

// a trial-based run with signals, trials, evaluations and a criterion: every part of the state
RunConfig dmc_run(const std::string& name) {
  RunConfig c;
  c.env_id = "DelayMatchCategory-v0";
  c.agent_id = "augment";
  c.env_options = {{"trials_per_episode", "3"}};
  c.episodes = 24;
  c.seed = 5;
  c.eval_every = 5;
  c.eval_episodes = 2;
  c.record = {"rpe"};
  c.criterion = Criterion::parse("accuracy:0.2:10");
  c.checkpoint_every = 4;
  c.out_dir = fresh_dir(name);
  return c;
}

}  // namespace

TEST_CASE("run refuses a used output directory unless --resume or --overwrite", "[runner][resume]") {
  RunConfig c = dmc_run("used");
  c.episodes = 3;
  c.eval_every = 0;
  run_it(c);
  // a second run into the same folder would mix two runs' files
  // (the core names the configuration's fields, not command-line flags: the Python front raises it too)
  REQUIRE_THROWS_WITH(run_it(c), Contains("out_dir") && Contains("is not empty") && Contains("set resume") && Contains("overwrite") &&
                                     !Contains("--"));
  // --overwrite replaces the run's files, stale ones included
  write_file_atomic(c.out_dir / "signals.csv.partial", "stale");
  write_file_atomic(c.out_dir / "notes.txt", "mine");
  c.record.clear();
  c.overwrite = true;
  run_it(c);
  REQUIRE_FALSE(fs::exists(c.out_dir / "signals.csv"));
  REQUIRE_FALSE(fs::exists(c.out_dir / "signals.csv.partial"));
  REQUIRE(read_file(c.out_dir / "notes.txt") == "mine");  // not the run's: kept
  // resuming a finished run is refused too
  c.overwrite = false;
  c.resume = true;
  REQUIRE_THROWS_WITH(run_it(c), Contains("finished run"));
  c.resume = false;
  REQUIRE_THROWS_AS(run_it(c), UsageError);
}

TEST_CASE("A run stopped at any point resumes bit for bit", "[runner][resume]") {
  RunConfig ref = dmc_run("whole");
  run_it(ref);
  const auto expected = outputs(ref.out_dir);
  REQUIRE_FALSE(fs::exists(ref.out_dir / "checkpoint"));  // a finished run keeps no checkpoint

  // stops: before the first checkpoint, in an evaluation, right after a checkpoint, late, twice
  struct Stop { int episode, step; bool training; };
  const std::vector<std::vector<Stop>> plans = {{{2, 2, true}}, {{1, 2, false}}, {{8, 0, true}},
                                                {{22, 1, true}}, {{6, 2, true}, {17, 1, true}}};
  for (const auto& plan : plans) {
    RunConfig c = dmc_run("stopped");
    std::string label;
    for (const auto& st : plan) label += std::to_string(st.episode) + "/" + std::to_string(st.step) + " ";
    INFO("stops at " << label);
    for (std::size_t k = 0; k <= plan.size(); ++k) {
      if (k < plan.size()) {
        const Stop st = plan[k];
        c.observer = [st](const StepView& v) {
          return !(v.training == st.training && v.episode == st.episode && v.step == st.step);
        };
      } else {
        c.observer = nullptr;
      }
      const RunSummary s = run_it(c);
      REQUIRE(s.stopped_early == (k < plan.size()));
      c.resume = true;
    }
    REQUIRE(outputs(c.out_dir) == expected);
  }

  {
    // a checkpoint written before the action logs were narrowed (each discrete index 8 bytes, no
    // "index_bytes") resumes bit for bit, and goes on writing 8-byte indices
    RunConfig c = dmc_run("wide-actions");
    c.observer = [](const StepView& v) { return !(v.training && v.episode == 9 && v.step == 1); };
    REQUIRE(run_it(c).stopped_early);
    const fs::path ck_dir = c.out_dir / "checkpoint";
    json ck = json::parse(read_file(ck_dir / "checkpoint.json"));
    REQUIRE(ck.at("actions").at("index_bytes") == 1);  // 3 actions: one byte each
    for (const char* phase : {"train", "eval"}) {
      fs::path f = ck_dir / (std::string(phase) + "-actions.bin");
      if (!fs::exists(f)) f += ".partial";
      const std::string narrow = read_file(f);
      const std::size_t used = ck.at("actions").at(phase);
      REQUIRE(narrow.size() >= used);
      REQUIRE(used > 0);
      std::string wide;
      for (std::size_t i = 0; i < used; ++i) {
        const std::int64_t index = static_cast<unsigned char>(narrow[i]);
        wide.append(reinterpret_cast<const char*>(&index), sizeof index);
      }
      write_file_atomic(f, wide);
      ck["actions"][phase] = wide.size();
    }
    ck["actions"].erase("index_bytes");
    REQUIRE(ck.at("version") == 2);
    ck["version"] = 1;
    write_file_atomic(ck_dir / "checkpoint.json", ck.dump());
    c.observer = [](const StepView& v) { return !(v.training && v.episode == 14 && v.step == 0); };
    c.resume = true;
    REQUIRE(run_it(c).stopped_early);
    const json again = json::parse(read_file(ck_dir / "checkpoint.json"));
    REQUIRE(again.at("version") == 2);
    REQUIRE(again.at("actions").at("index_bytes") == 8);
    c.observer = nullptr;
    run_it(c);
    REQUIRE(outputs(c.out_dir) == expected);
  }

  {
    // a checkpoint naming an impossible index width is refused, naming the valid ones
    RunConfig c = dmc_run("bad-width");
    c.observer = [](const StepView& v) { return !(v.training && v.episode == 9 && v.step == 1); };
    REQUIRE(run_it(c).stopped_early);
    const fs::path ck_file = c.out_dir / "checkpoint" / "checkpoint.json";
    json ck = json::parse(read_file(ck_file));
    ck["actions"]["index_bytes"] = 3;
    write_file_atomic(ck_file, ck.dump());
    c.observer = nullptr;
    c.resume = true;
    REQUIRE_THROWS_WITH(run_it(c), Contains("index width of 3") && Contains("1, 2, 4 and 8"));
  }

  // a different configuration does not resume
  RunConfig c = dmc_run("other");
  c.observer = [](const StepView& v) { return !(v.training && v.episode == 10); };
  run_it(c);
  c.observer = nullptr;
  c.resume = true;
  c.seed = 6;
  REQUIRE_THROWS_WITH(run_it(c), Contains("seed") && Contains("same configuration"));
}

TEST_CASE("sgym run survives kill -9 and SIGINT: whole records, resume bit for bit", "[runner][resume][cli]") {
  const std::string bin = SGYM_BINARY;
  const fs::path ref = fresh_dir("cli-ref"), dir = fresh_dir("cli-killed");
  const std::string args = " run --env DelayMatchCategory-v0 --agent augment --env-opt trials_per_episode=3 --episodes 6000"
                           " --seed 3 --eval-every 500 --eval-episodes 3 --record rpe --checkpoint-every 50 --no-progress";
  REQUIRE(std::system((bin + args + " --out " + ref.string() + " > " + ref.string() + ".log 2>&1").c_str()) == 0);
  auto expected = outputs(ref);

  // starts the run, waits until it has written a new checkpoint, then sends `sig`; returns the
  // wait status (the child is the sgym process itself)
  const fs::path ck = dir / "checkpoint" / "checkpoint.json";
  auto interrupt = [&](int sig, bool resume) {
    const std::string before = fs::exists(ck) ? read_file(ck) : "";
    const pid_t pid = ::fork();
    if (pid == 0) {
      const std::string cmd = "exec " + bin + args + " --out " + dir.string() + (resume ? " --resume" : "") + " > /dev/null 2>&1";
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    for (int k = 0; k < 3000; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      try {
        if (fs::exists(ck) && read_file(ck) != before) break;
      } catch (const std::exception&) {
      }
    }
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
  };
  // kill -9 mid-run: the logs end in whole lines, and JSON Lines and CSV agree but for the one
  // episode that may have been in writing at the kill
  int status = interrupt(SIGKILL, false);
  REQUIRE(WIFSIGNALED(status));
  const std::string a = read_file(dir / "episodes.jsonl.partial"), b = read_file(dir / "episodes.csv.partial");
  REQUIRE((a.empty() || a.back() == '\n'));
  REQUIRE((b.empty() || b.back() == '\n'));
  const long na = std::count(a.begin(), a.end(), '\n'), nb = std::count(b.begin(), b.end(), '\n') - 1;
  REQUIRE(std::abs(na - nb) <= 1);
  // SIGINT during the resumed run: it stops after the step, writes everything, exits 130
  status = interrupt(SIGINT, true);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 130);
  REQUIRE(json::parse(read_file(dir / "summary.json"))["stopped_early"] == true);
  // killed again, then resumed to the end: every file as in the uninterrupted run
  REQUIRE(WIFSIGNALED(interrupt(SIGKILL, true)));
  REQUIRE(std::system((bin + args + " --out " + dir.string() + " --resume > /dev/null 2>&1").c_str()) == 0);
  auto got = outputs(dir);
  // the command names the other --out
  for (auto* m : {&got, &expected}) {
    json j = json::parse((*m)["summary.json"]);
    j["provenance"].erase("command");
    (*m)["summary.json"] = j.dump(1);
  }
  REQUIRE(got == expected);
}

TEST_CASE("Every learning agent resumes bit for bit", "[runner][resume]") {
  // an agent whose saved state missed something it carries across episodes would differ here
  struct Case { std::string agent, env; int episodes; KeyValues env_options; };
  const std::vector<Case> cases = {
      {"td-critic", "Pavlovian-v0", 12, {}},
      {"td-actor-critic", "SaccadeAntisaccade-v0", 12, {{"trials_per_episode", "2"}}},
      {"agrel", "SaccadeAntisaccade-v0", 12, {}},
      {"augment-recurrent", "CurveTracing-v0", 8, {}},
      {"np-actor-critic", "BCINeurofeedback-v0", 6, {{"trial_ms", "2000"}}},
      {"cerebellar-reach", "ArmReach-v0", 12, {{"trials_per_episode", "2"}}},
      {"cerebellum+np-actor-critic", "ArmReach-v0", 6, {}},
      {"bg-cerebellum-walker", "BipedalWalker-v3", 4, {}},
      {"random", "CurveTracing-v0", 12, {}},
  };
  for (const auto& k : cases) {
    INFO(k.agent << " on " << k.env);
    RunConfig c;
    c.agent_id = k.agent;
    c.env_id = k.env;
    c.env_options = k.env_options;
    c.episodes = k.episodes;
    c.seed = 2;
    c.eval_every = k.episodes / 2;
    c.eval_episodes = 1;
    c.checkpoint_every = 2;
    c.out_dir = fresh_dir("agent-whole");
    run_it(c);
    const auto expected = outputs(c.out_dir);
    c.out_dir = fresh_dir("agent-stopped");
    const int stop_at = k.episodes - 1;
    c.observer = [stop_at](const StepView& v) { return !(v.training && v.episode == stop_at && v.step == 1); };
    REQUIRE(run_it(c).stopped_early);
    c.observer = nullptr;
    c.resume = true;
    run_it(c);
    REQUIRE(outputs(c.out_dir) == expected);
  }
}
