#include "bench.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <toml++/toml.h>

#include "sgym/agents.hpp"
#include "sgym/analysis.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/interact.hpp"
#include "sgym/vector_env.hpp"

namespace sgym::bench {

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// toml -> json, so both file kinds are read by one code path
json to_json(const toml::node& n) {
  if (const auto* t = n.as_table()) {
    json j = json::object();
    for (const auto& [k, v] : *t) j[std::string(k.str())] = to_json(v);
    return j;
  }
  if (const auto* a = n.as_array()) {
    json j = json::array();
    for (const auto& v : *a) j.push_back(to_json(v));
    return j;
  }
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* i = n.as_integer()) return i->get();
  if (const auto* f = n.as_floating_point()) return f->get();
  if (const auto* b = n.as_boolean()) return b->get();
  throw UsageError("suite: dates and times are not valid values");
}

void only_keys(const json& j, const std::string& where, const std::vector<std::string>& valid) {
  for (const auto& [k, v] : j.items()) {
    if (std::find(valid.begin(), valid.end(), k) != valid.end()) continue;
    std::string list;
    for (const auto& x : valid) list += (list.empty() ? "" : ", ") + x;
    throw UsageError("suite: unknown key '" + k + "' in " + where + "; valid keys: " + list);
  }
}

template <class T>
T get(const json& j, const std::string& key, const std::string& where, T fallback) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw UsageError("suite: " + where + "." + key + " has the wrong type: " + j.at(key).dump());
  }
}

KeyValues options_of(const json& j, const std::string& where) {
  KeyValues kv;
  if (!j.is_object()) throw UsageError("suite: " + where + " must be a table of key = value");
  for (const auto& [k, v] : j.items()) {
    if (v.is_string()) kv.emplace_back(k, v.get<std::string>());
    else if (v.is_boolean()) kv.emplace_back(k, v.get<bool>() ? "true" : "false");
    else if (v.is_number_integer()) kv.emplace_back(k, std::to_string(v.get<long long>()));
    else if (v.is_number()) kv.emplace_back(k, format_number(v.get<double>()));
    else throw UsageError("suite: " + where + "." + k + " must be a string, number or boolean");
  }
  return kv;
}

std::vector<std::uint64_t> seeds_of(const json& v, std::uint64_t base, const std::string& where) {
  std::vector<std::uint64_t> s;
  if (v.is_number_integer()) {
    const auto n = v.get<long long>();
    if (n < 1) throw UsageError("suite: " + where + ".seeds must be >= 1, got " + std::to_string(n));
    if (n > 100000) throw UsageError("suite: " + where + ".seeds (a count) must be <= 100000, got " + std::to_string(n));
    for (long long i = 0; i < n; ++i) s.push_back(base + static_cast<std::uint64_t>(i));
  } else if (v.is_array() && !v.empty()) {
    for (const auto& x : v) {
      if (!x.is_number_integer() || x.get<long long>() < 0)
        throw UsageError("suite: " + where + ".seeds lists non-negative integers, got " + x.dump());
      const auto seed = static_cast<std::uint64_t>(x.get<long long>());
      // a seed listed twice would run twice into one folder (a write race with --jobs > 1)
      if (std::find(s.begin(), s.end(), seed) != s.end())
        throw UsageError("suite: " + where + ".seeds lists seed " + std::to_string(seed) + " twice; list each seed once");
      s.push_back(seed);
    }
  } else {
    throw UsageError("suite: " + where + ".seeds must be a count or a list of seeds");
  }
  return s;
}

json spread(const std::vector<double>& v) {
  if (v.empty()) return nullptr;
  return {{"median", quantile(v, 0.5)}, {"q1", quantile(v, 0.25)}, {"q3", quantile(v, 0.75)}, {"n", v.size()}};
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string fmt(const json& v, int precision = 3) {
  if (v.is_null()) return "n/a";
  std::ostringstream ss;
  ss.setf(std::ios::fixed);
  ss.precision(precision);
  ss << v.get<double>();
  return ss.str();
}

// suite and run names become folder names (runs/bench/NAME-BUDGET, runs/NAME/seed-N): one plain
// path component each, never '..', '/' or anything a shell or another file system would mangle
void check_name(const std::string& name, const std::string& what) {
  const bool plain = !name.empty() && name.size() <= 100 && name != "." && name != ".." && name.front() != '-' &&
                     name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-") ==
                         std::string::npos;
  if (!plain)
    throw UsageError("suite: " + what + " '" + (name.size() <= 40 ? name : name.substr(0, 37) + "...") +
                     "' is not a plain folder name: use 1 to 100 letters, digits, '.', '_', '+' and '-' "
                     "(not starting with '-', not '.' or '..')");
}

// a per-seed summary.json that aggregation can use: whole JSON with the fields it reads; else why not
std::optional<json> usable_summary(const fs::path& file, std::string& why) {
  try {
    json j = json::parse(read_file(file));
    if (!j.is_object()) {
      why = "not a JSON object";
      return std::nullopt;
    }
    for (const char* key : {"env", "agent", "final_mean_return", "final_success_rate", "criterion",
                            "trials_to_criterion", "env_steps_per_second"})
      if (!j.contains(key)) {
        why = std::string("no \"") + key + "\" field";
        return std::nullopt;
      }
    if (!j["final_mean_return"].is_number() || !j["env_steps_per_second"].is_number()) {
      why = "final_mean_return or env_steps_per_second is not a number";
      return std::nullopt;
    }
    return j;
  } catch (const std::exception& e) {
    why = e.what();
    return std::nullopt;
  }
}

fs::path job_dir(const fs::path& out, const std::string& run, std::uint64_t seed) {
  return out / "runs" / run / ("seed-" + std::to_string(seed));
}

}  // namespace

std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw UsageError("shard: expected i/N with 0 <= i < N, got '" + text + "'");
  const int i = static_cast<int>(detail::parse_int("shard", "i", text.substr(0, slash), 0, 1000000, ">= 0"));
  const int n = static_cast<int>(detail::parse_int("shard", "N", text.substr(slash + 1), 1, 1000000, ">= 1"));
  if (i >= n) throw UsageError("shard: need i < N, got " + text);
  return {i, n};
}

Suite load_suite(const fs::path& path, const std::string& budget) {
  if (budget != "quick" && budget != "full")
    throw UsageError("bench: budget must be quick or full, got '" + budget + "'");
  std::string text;
  try {
    text = read_file(path);
  } catch (const FileFormatError& e) {
    throw UsageError(std::string("bench: ") + e.what());
  }
  json j;
  const std::string ext = path.extension().string();
  try {
    if (ext == ".toml") j = to_json(toml::parse(text, path.string()));
    else if (ext == ".json") j = json::parse(text);
    else throw UsageError("bench: a suite is a .toml or .json file, got " + path.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream ss;
    ss << "bench: " << path.string() << ": " << e.description() << " (line " << e.source().begin.line << ")";
    throw UsageError(ss.str());
  } catch (const json::parse_error& e) {
    throw UsageError("bench: " + path.string() + ": " + e.what());
  }
  only_keys(j, "the suite", {"name", "description", "seed", "budget", "runs"});
  Suite s;
  s.name = get<std::string>(j, "name", "suite", path.stem().string());
  check_name(s.name, "the suite name");
  s.description = get<std::string>(j, "description", "suite", "");
  s.budget = budget;
  const auto base_seed = get<std::uint64_t>(j, "seed", "suite", 0);
  if (!j.contains("budget") || !j["budget"].contains(budget))
    throw UsageError("bench: suite " + path.string() + " defines no [budget." + budget + "] table");
  for (const auto& [k, b] : j["budget"].items()) {
    if (k != "quick" && k != "full") throw UsageError("suite: budgets are quick and full, got '" + k + "'");
    only_keys(b, "budget." + k, {"episodes", "seeds", "eval_every", "eval_episodes"});
  }
  const json& bud = j["budget"][budget];
  if (!j.contains("runs") || !j["runs"].is_array() || j["runs"].empty())
    throw UsageError("bench: suite " + path.string() + " lists no [[runs]]");

  std::set<std::string> names;
  json canonical = {{"name", s.name}, {"budget", budget}, {"runs", json::array()}};
  for (std::size_t r = 0; r < j["runs"].size(); ++r) {
    const json& rj = j["runs"][r];
    const std::string where = "runs[" + std::to_string(r) + "]";
    only_keys(rj, where, {"name", "env", "agent", "env_options", "agent_options", "criterion", "episodes",
                          "seeds", "eval_every", "eval_episodes", "record"});
    SuiteRun run;
    RunConfig& c = run.config;
    c.env_id = get<std::string>(rj, "env", where, "");
    c.agent_id = get<std::string>(rj, "agent", where, "");
    if (c.env_id.empty() || c.agent_id.empty()) throw UsageError("suite: " + where + " needs env and agent");
    run.name = get<std::string>(rj, "name", where, c.env_id + "__" + c.agent_id);
    check_name(run.name, where + ".name");
    if (!names.insert(run.name).second)
      throw UsageError("suite: two runs are named '" + run.name + "'; give each a unique name");
    if (rj.contains("env_options")) c.env_options = options_of(rj["env_options"], where + ".env_options");
    if (rj.contains("agent_options")) c.agent_options = options_of(rj["agent_options"], where + ".agent_options");
    c.episodes = get<int>(rj, "episodes", where, get<int>(bud, "episodes", "budget." + budget, 100));
    c.eval_every = get<int>(rj, "eval_every", where, get<int>(bud, "eval_every", "budget." + budget, 0));
    c.eval_episodes = get<int>(rj, "eval_episodes", where, get<int>(bud, "eval_episodes", "budget." + budget, 10));
    c.record = get<std::vector<std::string>>(rj, "record", where, {});
    for (std::size_t i = 0; i < c.record.size(); ++i)
      for (std::size_t k = 0; k < i; ++k)
        if (c.record[i] == c.record[k])
          throw UsageError("suite: " + where + ".record names '" + c.record[i] + "' twice; name each signal once");
    if (rj.contains("criterion")) c.criterion = Criterion::parse(get<std::string>(rj, "criterion", where, ""));
    const json seeds = rj.contains("seeds") ? rj["seeds"] : bud.contains("seeds") ? bud["seeds"] : json(1);
    run.seeds = seeds_of(seeds, base_seed, where);
    if (c.episodes < 1) throw UsageError("suite: " + where + ": episodes must be >= 1");

    // validate ids, options and compatibility now, not in the middle of the bench
    const EnvEntry& e = env_entry(c.env_id);
    const AgentEntry& a = agent_entry(c.agent_id);
    // the canonical suite records options under their current names (deprecated ones warn once)
    c.env_options = canonical_options(e.id, e.options, c.env_options);
    c.agent_options = canonical_options(a.id, a.options, c.agent_options);
    auto env = make_env(e, c.env_options);
    if (const std::string why = agent_env_mismatch(a, e.id, env->observation_space(), env->action_space()); !why.empty())
      throw UsageError("suite: " + where + ": agent " + a.id + " cannot run on " + e.id + ": " + why);
    make_agent(a, env->observation_space(), env->action_space(), c.agent_options, 0, {env->spec().dt_ms});

    json cr = {{"name", run.name}, {"env", c.env_id}, {"agent", c.agent_id}, {"episodes", c.episodes},
               {"eval_every", c.eval_every}, {"eval_episodes", c.eval_episodes}, {"record", c.record},
               {"criterion", c.criterion ? json(c.criterion->to_string()) : json(nullptr)}, {"seeds", run.seeds},
               {"env_options", json(c.env_options)}, {"agent_options", json(c.agent_options)}};
    canonical["runs"].push_back(cr);
    s.runs.push_back(std::move(run));
  }
  s.canonical = canonical.dump(2);
  return s;
}

int run_suite(const Suite& suite, const BenchOptions& o) {
  // the jobs of this shard, in a fixed order
  struct Job { std::size_t run; std::uint64_t seed; };
  std::vector<Job> all, todo;
  for (std::size_t r = 0; r < suite.runs.size(); ++r)
    for (auto seed : suite.runs[r].seeds) all.push_back({r, seed});
  const fs::path marker = o.out_dir / "suite.json";
  if (fs::exists(o.out_dir) && !fs::is_empty(o.out_dir)) {
    if (!o.resume)
      throw UsageError("bench: out_dir " + o.out_dir.string() + " already holds results; set resume to continue it, "
                       "or choose another out_dir");
    if (!fs::exists(marker) || read_file(marker) != suite.canonical + "\n")
      throw UsageError("bench: " + o.out_dir.string() + " holds another suite or budget; resume needs the same suite file and budget");
  }
  fs::create_directories(o.out_dir);
  write_file_atomic(marker, suite.canonical + "\n");
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (static_cast<int>(k % static_cast<std::size_t>(o.shard_count)) != o.shard_index) continue;
    const fs::path dir = job_dir(o.out_dir, suite.runs[all[k].run].name, all[k].seed);
    if (fs::exists(dir / "summary.json")) {
      std::string why;
      if (usable_summary(dir / "summary.json", why)) continue;  // completed before: kept, not run again
      // a damaged summary (cut by a kill, a full disk) would stop aggregation: run that seed again
      std::fprintf(stderr, "[bench %s] %s is damaged (%s); running %s seed %llu again\n", suite.name.c_str(),
                   (dir / "summary.json").string().c_str(), why.c_str(), suite.runs[all[k].run].name.c_str(),
                   static_cast<unsigned long long>(all[k].seed));
    }
    fs::remove_all(dir);                              // an interrupted job starts over
    todo.push_back(all[k]);
  }

  int workers = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  workers = std::max(1, std::min<int>(workers, static_cast<int>(todo.size())));
  std::atomic<std::size_t> next{0};
  std::atomic<int> done{0};
  std::mutex mu;
  std::exception_ptr error;
  const auto t0 = std::chrono::steady_clock::now();
  auto report = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mu);
    ++done;
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const int d = done.load();
    const double eta = d > 0 ? el * static_cast<double>(todo.size() - d) / d : 0.0;
    if (o.progress)
      std::fprintf(stderr, "\r[bench %s] %d/%zu runs done, %.0f s elapsed, ETA %.0f s   ", suite.name.c_str(), d,
                   todo.size(), el, eta);
    else
      std::fprintf(stderr, "[bench %s] %d/%zu %s\n", suite.name.c_str(), d, todo.size(), line.c_str());
    std::fflush(stderr);
  };
  auto worker = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (error) return;
      }
      const SuiteRun& run = suite.runs[todo[k].run];
      RunConfig c = run.config;
      c.seed = todo[k].seed;
      c.out_dir = job_dir(o.out_dir, run.name, c.seed);
      c.command = o.command + "  # run " + run.name + " seed " + std::to_string(c.seed);
      c.checkpoint_every = 0;  // a bench resumes whole runs: an interrupted one starts over
      try {
        const RunSummary s = sgym::run(c, env_entry(c.env_id), agent_entry(c.agent_id));
        std::ostringstream line;
        line << run.name << " seed " << c.seed << ": final mean return " << s.final_mean_return << " ("
             << s.wall_seconds << " s)";
        report(line.str());
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (o.progress) std::fputc('\n', stderr);
  if (error) std::rethrow_exception(error);
  aggregate(o.out_dir, o.command);
  return static_cast<int>(todo.size());
}

void aggregate(const fs::path& dir, const std::string& command) {
  json suite = fs::exists(dir / "suite.json") ? json::parse(read_file(dir / "suite.json")) : json::object();
  // completed runs, grouped by run name, in the suite's order when known
  std::vector<std::string> order;
  if (suite.contains("runs"))
    for (const auto& r : suite["runs"]) order.push_back(r["name"]);
  std::map<std::string, std::vector<json>> groups;
  if (fs::exists(dir / "runs"))
    for (const auto& run : fs::directory_iterator(dir / "runs"))
      for (const auto& seed : fs::directory_iterator(run.path()))
        if (fs::exists(seed.path() / "summary.json")) {
          std::string why;
          auto j = usable_summary(seed.path() / "summary.json", why);
          if (!j)
            throw UsageError("bench: " + (seed.path() / "summary.json").string() + " is damaged (" + why +
                             "); rerun that seed's bench with resume set, or delete its folder");
          groups[run.path().filename().string()].push_back(std::move(*j));
          if (std::find(order.begin(), order.end(), run.path().filename().string()) == order.end())
            order.push_back(run.path().filename().string());
        }
  json out = {{"suite", suite.value("name", "")}, {"budget", suite.value("budget", "")}, {"groups", json::array()},
              {"machine", {{"cpu", cpu_model()}, {"cores", std::thread::hardware_concurrency()}}},
              {"version", build_version()}, {"command", command}};
  std::ostringstream md;
  md << "# " << suite.value("name", dir.filename().string()) << " (" << suite.value("budget", "?") << " budget)\n\n"
     << "Median [interquartile range] over seeds; final = last 10 % of training episodes.\n\n"
     << "| run | env | agent | seeds | final mean return | final success rate | reached criterion | median trials to criterion | env steps/s |\n"
     << "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& name : order) {
    const auto it = groups.find(name);
    if (it == groups.end()) continue;
    const auto& runs = it->second;
    std::vector<double> ret, succ, ttc, sps;
    int reached = 0;
    bool has_criterion = false;
    for (const auto& r : runs) {
      ret.push_back(r["final_mean_return"]);
      if (!r["final_success_rate"].is_null()) succ.push_back(r["final_success_rate"]);
      has_criterion = has_criterion || !r["criterion"].is_null();
      if (!r["trials_to_criterion"].is_null()) {
        ++reached;
        ttc.push_back(r["trials_to_criterion"].get<double>());
      }
      sps.push_back(r["env_steps_per_second"]);
    }
    json g = {{"name", name}, {"env", runs[0]["env"]}, {"agent", runs[0]["agent"]}, {"seeds", runs.size()},
              {"final_mean_return", spread(ret)}, {"final_success_rate", spread(succ)},
              {"criterion", runs[0]["criterion"]},
              {"reached_fraction", has_criterion ? json(static_cast<double>(reached) / runs.size()) : json(nullptr)},
              {"trials_to_criterion", spread(ttc)}, {"env_steps_per_second", spread(sps)}};
    // recorded signals: the median over seeds of each (signal, condition, epoch) late mean
    std::map<std::string, std::vector<double>> late;
    std::vector<std::string> cell_order;
    for (const auto& r : runs)
      for (const auto& c : r.value("signals_by_epoch", json::array())) {
        const std::string key = c["signal"].get<std::string>() + " | " + c["condition"].get<std::string>() + " | " +
                                c["epoch"].get<std::string>();
        if (!late.count(key)) cell_order.push_back(key);
        late[key].push_back(c["late_mean"]);
      }
    json sig = json::array();
    for (const auto& key : cell_order) sig.push_back({{"cell", key}, {"late_mean", spread(late[key])}});
    g["signals_late"] = sig;
    out["groups"].push_back(g);
    auto cell = [&](const json& s, int p = 3) {
      if (s.is_null()) return std::string("n/a");
      return fmt(s["median"], p) + " [" + fmt(s["q1"], p) + ", " + fmt(s["q3"], p) + "]";
    };
    md << "| " << name << " | " << runs[0]["env"].get<std::string>() << " | " << runs[0]["agent"].get<std::string>()
       << " | " << runs.size() << " | " << cell(g["final_mean_return"]) << " | " << cell(g["final_success_rate"])
       << " | " << (has_criterion ? fmt(g["reached_fraction"]) + " (" + runs[0]["criterion"].get<std::string>() + ")" : "n/a")
       << " | " << (ttc.empty() ? "n/a" : fmt(json(quantile(ttc, 0.5)), 0)) << " | "
       << fmt(json(quantile(sps, 0.5)), 0) << " |\n";
  }
  // a second table for the recorded signals (e.g. the RPE per epoch after training)
  bool any_signal = false;
  for (const auto& g : out["groups"]) any_signal = any_signal || !g["signals_late"].empty();
  if (any_signal) {
    md << "\nRecorded signals, mean over the last 10 % of training episodes per (signal | condition | epoch):"
          " median [IQR] over seeds.\n\n| run | signal | condition | epoch | late mean |\n|---|---|---|---|---|\n";
    for (const auto& g : out["groups"])
      for (const auto& c : g["signals_late"])
        md << "| " << g["name"].get<std::string>() << " | " << c["cell"].get<std::string>() << " | "
           << fmt(c["late_mean"]["median"]) << " [" << fmt(c["late_mean"]["q1"]) << ", " << fmt(c["late_mean"]["q3"]) << "] |\n";
  }
  md << "\nMachine: " << cpu_model() << ", " << std::thread::hardware_concurrency() << " cores; sgym "
     << build_version() << ".\nCommand: `" << command << "`\n";
  write_file_atomic(dir / "summary.json", out.dump(2) + "\n");
  write_file_atomic(dir / "summary.md", md.str());
}

void merge(const std::vector<fs::path>& inputs, const fs::path& out_dir, const std::string& command) {
  if (inputs.empty()) throw UsageError("bench merge: name at least one bench output directory");
  std::string suite;
  for (const auto& in : inputs) {
    if (!fs::exists(in / "suite.json")) throw UsageError("bench merge: " + in.string() + " is not a bench output (no suite.json)");
    const std::string s = read_file(in / "suite.json");
    if (suite.empty()) suite = s;
    else if (s != suite) throw UsageError("bench merge: " + in.string() + " ran another suite or budget than " + inputs[0].string());
  }
  if (fs::exists(out_dir) && !fs::is_empty(out_dir))
    throw UsageError("bench merge: " + out_dir.string() + " is not empty");
  // check for duplicates before copying anything
  std::map<std::string, fs::path> seen;
  for (const auto& in : inputs) {
    if (!fs::exists(in / "runs")) continue;
    for (const auto& run : fs::directory_iterator(in / "runs"))
      for (const auto& seed : fs::directory_iterator(run.path())) {
        if (!fs::exists(seed.path() / "summary.json")) continue;
        const std::string key = run.path().filename().string() + "/" + seed.path().filename().string();
        if (auto it = seen.find(key); it != seen.end())
          throw UsageError("bench merge: " + key + " is in both " + it->second.string() + " and " + in.string());
        seen[key] = in;
      }
  }
  fs::create_directories(out_dir / "runs");
  write_file_atomic(out_dir / "suite.json", suite);
  for (const auto& [key, in] : seen) {
    fs::create_directories(out_dir / "runs" / fs::path(key).parent_path());
    fs::copy(in / "runs" / key, out_dir / "runs" / key, fs::copy_options::recursive);
  }
  aggregate(out_dir, command);
}

namespace {

using Clock = std::chrono::steady_clock;

// an action inside the space that does nothing in particular: index 0, or 0 clipped into the box
Action null_action(const Space& s) {
  if (s.is_discrete()) return Action::discrete(0);
  std::vector<float> v(s.flat_size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::min(std::max(0.0f, s.low()[i]), s.high()[i]);
  return Action::box(v);
}

// steps/s of `step_fn` (returning steps done per call) measured for about `seconds`
template <class F>
double rate(double seconds, F&& step_fn) {
  long long steps = 0;
  const auto t0 = Clock::now();
  double el = 0;
  do {
    for (int k = 0; k < 64; ++k) steps += step_fn();
    el = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (el < seconds);
  return static_cast<double>(steps) / el;
}

// plays episodes of `agent` in `env` (the first reset seeded) for about `seconds` of wall time;
// returns the env steps taken and sets `elapsed`
long long play_for(Env& env, Agent& agent, double seconds, std::uint64_t seed, double& elapsed) {
  std::vector<float> obs;
  long long steps = 0;
  const auto t0 = Clock::now();
  elapsed = 0;
  EpisodeHooks hooks;
  hooks.on_step = [&](const EpisodeStep& st) {
    if (st.action != nullptr && ++steps % 64 == 0) elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    return elapsed < seconds;
  };
  for (bool first = true; elapsed < seconds; first = false) {
    play_episode(env, agent, first ? std::optional<std::uint64_t>(seed) : std::nullopt, obs, hooks);
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return steps;
}

// an agent whose act() and observe() are timed (the agent's share of a step)
class TimedAgent final : public Agent {
 public:
  explicit TimedAgent(Agent& inner) : Agent(inner.id(), inner.observation_space(), inner.action_space(), 0), inner_(inner) {}
  double seconds = 0;
  void begin_episode() override { inner_.begin_episode(); }
  const Action& act(std::span<const float> obs) override {
    const auto t = Clock::now();
    const Action& a = inner_.act(obs);
    seconds += std::chrono::duration<double>(Clock::now() - t).count();
    return a;
  }
  void observe(double reward, std::span<const float> next_obs, bool terminated, bool truncated) override {
    const auto t = Clock::now();
    inner_.observe(reward, next_obs, terminated, truncated);
    seconds += std::chrono::duration<double>(Clock::now() - t).count();
  }
  void trial_ended(std::string_view outcome) override { inner_.trial_ended(outcome); }
  void end_episode() override { inner_.end_episode(); }

 private:
  Agent& inner_;
};

std::string si(double v) {
  char buf[32];
  if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M", v / 1e6);
  else if (v >= 1e3) std::snprintf(buf, sizeof buf, "%.1f k", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

}  // namespace

std::string throughput(double seconds) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::ostringstream md;
  md << "# Throughput\n\nMeasured by `sgym bench --throughput` (about " << seconds
     << " s per figure, Release build, default options).\n\n"
     << "| env | null action, 1 thread (steps/s) | random agent, 1 thread (steps/s) | VectorEnv " << 8 * cores
     << " envs, 1 thread (steps/s) | VectorEnv " << 8 * cores << " envs, " << cores
     << " threads (steps/s) |\n|---|---|---|---|---|\n";
  for (const EnvEntry& e : env_registry()) {
    auto env = make_env(e);
    const Action null = null_action(env->action_space());
    env->reset(1);
    const double null_rate = rate(seconds, [&] {
      StepResult r = env->step(null);
      if (r.terminated || r.truncated) env->reset();
      return 1;
    });
    auto agent = make_agent(agent_entry("random"), env->observation_space(), env->action_space(), {}, 1);
    double random_seconds = 0;
    const double random_rate = static_cast<double>(play_for(*env, *agent, seconds, 2, random_seconds)) / random_seconds;
    const int n = 8 * cores;
    auto vector_rate = [&](int threads) {
      VectorEnv vec([&] { return make_env(e); }, n, VectorEnv::Autoreset::kNextStep, threads);
      std::vector<float> vobs(n * vec.obs_size());
      std::vector<double> rew(n);
      std::vector<std::uint8_t> term(n), trunc(n);
      const VectorBuffers buf{vobs, rew, term, trunc, {}};
      std::vector<Action> actions(n, null);
      vec.reset(3, buf);
      return rate(seconds / 8, [&] {
        vec.step(actions, buf);
        return n;
      });
    };
    const double serial_rate = vector_rate(1);
    const double vec_rate = vector_rate(cores);
    md << "| " << e.id << " | " << si(null_rate) << " | " << si(random_rate) << " | " << si(serial_rate) << " | "
       << si(vec_rate) << " |\n";
  }
  md << "\n| agent | reference env | act + observe (calls/s, agent time only) |\n|---|---|---|\n";
  for (const AgentEntry& a : agent_registry()) {
    // the reference env: one the agent is written for, else the first it handles that has a
    // choice to make (not Discrete(1)), else the first it handles
    const EnvEntry* ref = nullptr;
    int ref_rank = 0;
    for (const EnvEntry& e : env_registry()) {
      auto probe = make_env(e);
      if (!agent_env_mismatch(a, e.id, probe->observation_space(), probe->action_space()).empty()) continue;
      const bool listed = std::find(a.envs.begin(), a.envs.end(), e.id) != a.envs.end();
      const bool choice = !(probe->action_space().is_discrete() && probe->action_space().n() == 1);
      const int rank = listed ? 3 : choice ? 2 : 1;
      if (rank > ref_rank) {
        ref = &e;
        ref_rank = rank;
      }
    }
    std::unique_ptr<Env> env = ref != nullptr ? make_env(*ref) : nullptr;
    if (ref == nullptr) {
      md << "| " << a.id << " | none registered | n/a |\n";
      continue;
    }
    auto agent = make_agent(a, env->observation_space(), env->action_space(), {}, 1);
    TimedAgent timed(*agent);
    double el = 0;
    const long long calls = play_for(*env, timed, seconds, 4, el);
    const double agent_seconds = timed.seconds;
    md << "| " << a.id << " | " << ref->id << " | " << si(static_cast<double>(calls) / agent_seconds) << " |\n";
  }
  md << "\nMachine: " << cpu_model() << ", " << cores << " cores, Debian 12, g++ " << __VERSION__ << "; sgym "
     << build_version() << ".\n";
  return md.str();
}

}  // namespace sgym::bench
