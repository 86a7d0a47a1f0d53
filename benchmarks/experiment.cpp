// The experiment registry and the one way an experiment is run (see experiment.hpp).
#include "experiment.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <exception>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/runner.hpp"

// each experiment's file defines its entry function at global scope
#define SGYM_EXPERIMENT(fn) sgym::experiment::Entry fn();
#include "experiment_list.inc"
#undef SGYM_EXPERIMENT

namespace sgym::experiment {

namespace fs = std::filesystem;

const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries = {
#define SGYM_EXPERIMENT(fn) ::fn(),
#include "experiment_list.inc"
#undef SGYM_EXPERIMENT
  };
  return entries;
}

const Entry& find(const std::string& name) {
  std::string names;
  for (const Entry& e : registry()) {
    if (e.name == name) return e;
    names += (names.empty() ? "" : ", ") + e.name;
  }
  throw UsageError("experiment: no experiment named '" + name.substr(0, 40) + "'; the experiments are " + names +
                   " (sgym experiment list)");
}

void Context::write(const std::string& name, const std::string& bytes) const { write_file_atomic(out / name, bytes); }

namespace {

/// Checks every parameter name and value against the entry's docs by the same rules as env options:
/// an unknown name lists the valid ones. Values are checked by the experiment's own OptionSet when it
/// parses them; here only the names, so that a typo fails before the output directory is made.
KeyValues checked(const Entry& e, const KeyValues& kv) {
  const KeyValues canon = canonical_options("experiment " + e.name, e.params, kv);
  for (const auto& [k, v] : canon) {
    const bool known = std::any_of(e.params.begin(), e.params.end(), [&](const OptionDoc& d) { return d.key == k; });
    if (!known) throw UsageError(detail::unknown_option("experiment " + e.name, k, e.params));
  }
  return canon;
}

/// The quick values overridden by --set (a key given in both takes --set's value).
KeyValues merged(const KeyValues& quick, const KeyValues& set) {
  KeyValues out;
  for (const auto& [k, v] : quick)
    if (std::none_of(set.begin(), set.end(), [&](const auto& s) { return s.first == k; })) out.emplace_back(k, v);
  out.insert(out.end(), set.begin(), set.end());
  return out;
}

/// Prints to the terminal and keeps a copy for summary.md.
class TeeBuf : public std::streambuf {
 public:
  explicit TeeBuf(std::ostream& a) : a_(a) {}
  std::string text() const { return copy_.str(); }

 protected:
  int overflow(int c) override {
    if (c == EOF) return c;
    a_.put(static_cast<char>(c));
    copy_.put(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    a_.write(s, n);
    copy_.write(s, n);
    return n;
  }

 private:
  std::ostream& a_;
  std::ostringstream copy_;
};

}  // namespace

fs::path run(const Invocation& inv, std::ostream& terminal) {
  const Entry& e = find(inv.name);
  if (inv.jobs < 1) throw UsageError("experiment: jobs must be at least 1 (got " + std::to_string(inv.jobs) + ")");
  Context ctx;
  ctx.params = checked(e, merged(inv.quick ? e.quick : KeyValues{}, checked(e, inv.set)));
  ctx.seed = inv.seed;
  ctx.jobs = inv.jobs;
  ctx.quick = inv.quick;
  ctx.out = inv.out.empty() ? fs::path("runs/experiment") / (e.name + (inv.quick ? "-quick" : "")) : inv.out;
  if (fs::exists(ctx.out) && !(fs::is_directory(ctx.out) && fs::is_empty(ctx.out)))
    throw UsageError("experiment: the output directory " + ctx.out.string() +
                     " exists and is not empty; choose another out directory or remove it (nothing was overwritten)");
  const bool made_here = !fs::exists(ctx.out);
  fs::create_directories(ctx.out);

  TeeBuf tee(terminal);
  std::ostream report(&tee);
  ctx.report = &report;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    e.run(ctx);
  } catch (...) {
    // a bad parameter value is found when the experiment parses it: leave no empty directory behind
    std::error_code ec;
    if (made_here && fs::is_empty(ctx.out, ec)) fs::remove(ctx.out, ec);
    throw;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report.flush();

  nlohmann::ordered_json j;
  j["experiment"] = e.name;
  j["reproduces"] = e.reproduces;
  j["results"] = e.results;
  j["quick"] = inv.quick;
  j["seed"] = inv.seed;
  j["jobs"] = inv.jobs;
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const OptionDoc& d : e.params) params[d.key] = d.default_value;  // every parameter, as run
  for (const auto& [k, v] : ctx.params) params[k] = v;
  j["params"] = params;
  j["build"] = build_version();
  j["command"] = inv.command;
  j["wall_seconds"] = wall;
  ctx.write("summary.md", tee.text());
  ctx.write("experiment.json", j.dump(2) + "\n");
  return ctx.out;
}

namespace {
nlohmann::json meta_of(const fs::path& dir) {
  const fs::path meta = dir / "experiment.json";
  if (!fs::exists(meta)) throw UsageError("experiment: " + dir.string() + " holds no experiment.json");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(meta));
  } catch (const nlohmann::json::exception& ex) {
    throw UsageError("experiment: " + meta.string() + " is not valid JSON (" + ex.what() + ")");
  }
  if (!j.contains("experiment") || !j["experiment"].is_string() || !j.contains("params") || !j["params"].is_object())
    throw UsageError("experiment: " + meta.string() + " names no experiment or has no params");
  return j;
}
}  // namespace

KeyValues params_of(const fs::path& dir) {
  KeyValues out;
  const nlohmann::json meta = meta_of(dir);  // kept alive: the loop runs over a member of it
  for (const auto& [k, v] : meta["params"].items())
    if (v.is_string()) out.emplace_back(k, v.get<std::string>());
  return out;
}

std::vector<Figure> figures_of(const fs::path& dir) {
  const Entry& e = find(meta_of(dir)["experiment"].get<std::string>());
  return e.figures ? e.figures(dir) : std::vector<Figure>{};
}

void parallel_for(int n, int jobs, const std::function<void(int)>& f) {
  std::atomic<int> next{0};
  std::exception_ptr first;
  std::mutex m;
  auto worker = [&] {
    for (int i = next++; i < n; i = next++) {
      try {
        f(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(m);
        if (!first) first = std::current_exception();
        next = n;  // stop handing out work
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::min(jobs, n); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (first) std::rethrow_exception(first);
}

void say(std::ostream& o, const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string buf(static_cast<std::size_t>(std::max(n, 0)) + 1, '\0');
  std::vsnprintf(buf.data(), buf.size(), format, args);
  va_end(args);
  buf.resize(static_cast<std::size_t>(std::max(n, 0)));
  o << buf;
}

KeyValues key_values(const std::string& text, const std::string& param) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; in >> item;) items.push_back(item);
  return parse_key_values(items, param);
}

void refuse_keys(const KeyValues& kv, std::initializer_list<std::string_view> reserved, const std::string& experiment,
                 const std::string& param, const std::string& why) {
  for (const auto& [k, v] : kv)
    for (const std::string_view r : reserved)
      if (k == r) throw UsageError("experiment " + experiment + ": " + param + " " + k + " is set by the experiment (" + why + ")");
}

void require_agent_on(const std::string& agent, const std::string& env, const std::string& experiment, const std::string& param) {
  const auto probe = make_env(env);
  if (const std::string why = agent_env_mismatch(agent_entry(agent), env, probe->observation_space(), probe->action_space()); !why.empty())
    throw UsageError("experiment " + experiment + ": " + param + " " + env + ": " + agent + " " + why);
}

std::vector<std::vector<std::string>> read_csv(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("experiment: cannot read " + path.string());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(std::move(cells));
  }
  return rows;
}

}  // namespace sgym::experiment
