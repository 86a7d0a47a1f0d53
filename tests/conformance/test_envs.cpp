// Every registered env (with its default options and each declared test variant) passes the
// conformance harness, and its 1000-step trajectory hash matches the one pinned in tests/golden/.
// Set SGYM_UPDATE_GOLDEN=1 to rewrite the pinned hashes after an intended change.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "sgym/agents.hpp"
#include "sgym/conformance.hpp"
#include "sgym/envs.hpp"
#include "sgym/io.hpp"
#include "sgym/rng.hpp"

using namespace sgym;

namespace {
std::string describe(const KeyValues& kv) {
  std::string s;
  for (const auto& [k, v] : kv) s += (s.empty() ? "" : " ") + k + "=" + v;
  return s.empty() ? "defaults" : s;
}

// compares `hash` with the one pinned in tests/golden/<file> (SGYM_UPDATE_GOLDEN=1 rewrites it)
void require_pinned(const std::string& file, std::uint64_t hash) {
  std::ostringstream hex;
  hex << std::hex << std::setw(16) << std::setfill('0') << hash;
  const std::filesystem::path golden = std::filesystem::path(SGYM_GOLDEN_DIR) / file;
  if (std::getenv("SGYM_UPDATE_GOLDEN") != nullptr) write_file_atomic(golden, hex.str() + "\n");
  INFO("pinned in " << golden.string() << " (rerun with SGYM_UPDATE_GOLDEN=1 after an intended change)");
  REQUIRE(std::filesystem::exists(golden));
  std::string pinned = read_file(golden);
  pinned.erase(pinned.find_last_not_of(" \n") + 1);
  REQUIRE(pinned == hex.str());
}
}  // namespace

TEST_CASE("Every registered env passes the conformance harness", "[conformance][envs]") {
  const auto& reg = env_registry();
  const auto i = GENERATE_COPY(range<std::size_t>(0, reg.size()));
  const EnvEntry& entry = reg[i];
  std::vector<KeyValues> variants = {{}};
  variants.insert(variants.end(), entry.test_variants.begin(), entry.test_variants.end());
  for (const auto& options : variants) {
    INFO(entry.id << " with " << describe(options));
    const CheckReport report = check_env([&] { return make_env(entry, options); });
    for (const auto& c : report.checks) {
      INFO(c.name << ": " << c.detail);
      CHECK(c.passed);
    }
    REQUIRE(report.checks.size() >= 10);

    if (options.empty()) require_pinned(entry.id + ".hash", report.golden_hash);
  }
}

// README's "Add an environment or an agent": every env has its page, docs/envs/<id>.md, or the page
// its entry names (EnvEntry::docs_page, for envs one page describes together).
TEST_CASE("Every env has its documentation page in docs/envs/", "[conformance][envs][docs]") {
  const std::filesystem::path dir = std::filesystem::path(SGYM_SOURCE_DIR) / "docs" / "envs";
  for (const EnvEntry& entry : env_registry()) {
    const std::string page = (entry.docs_page.empty() ? entry.id : entry.docs_page) + ".md";
    INFO(entry.id << ": docs/envs/" << page << (entry.docs_page.empty() ? "" : " (EnvEntry::docs_page)"));
    CHECK(std::filesystem::is_regular_file(dir / page));
  }
}

// Random actions break fixation within a few steps, so the golden hash above never sees what a
// trial task shows after its fixation epoch (stimuli, their noise, feedback). The oracle plays the
// task as intended: its rollout, 40 judged trials at the defaults, is pinned too.
TEST_CASE("Every choice task's oracle rollout matches its pinned hash", "[conformance][envs][golden]") {
  int pinned = 0;
  for (const EnvEntry& entry : env_registry()) {
    if (!entry.chance) continue;
    const std::string oracle_id = shortcut_stem(entry.id) + "-oracle";
    INFO(entry.id << " played by " << oracle_id);
    const SubjectScore s = score_subject(agent_entry(oracle_id), entry, {}, 40, kBatterySeed, true);
    REQUIRE(s.correct + s.wrong >= 40);
    REQUIRE(s.trajectory_hash != 0);
    require_pinned(entry.id + ".oracle.hash", s.trajectory_hash);
    ++pinned;
  }
  REQUIRE(pinned >= 6);
}

TEST_CASE("Every env's analyses read keys its trials really carry, and draw columns their tables have",
          "[conformance][envs][analysis]") {
  for (const EnvEntry& entry : env_registry()) {
    if (entry.analyses.empty()) continue;
    std::set<std::string> names;
    for (const auto& a : entry.analyses) {
      INFO(entry.id << " analysis " << a.name);
      REQUIRE(names.insert(a.name).second);  // one file stem per analysis
      REQUIRE(a.table);
      REQUIRE(a.figure);
    }
    // random actions over the defaults and the test variants; the trial-ending infos of each
    std::vector<KeyValues> variants = {{}};
    variants.insert(variants.end(), entry.test_variants.begin(), entry.test_variants.end());
    std::map<std::string, std::size_t> rows_seen;
    for (const auto& options : variants) {
      auto env = make_env(entry, options);
      Rng rng(7);
      std::vector<TrialRecord> trials;
      env->reset(1);
      for (int t = 0; t < 6000; ++t) {
        const StepResult r = env->step(env->action_space().sample(rng));
        if (!r.info.string_or_empty(info_keys::kTrialOutcome).empty()) trials.push_back(r.info);
        if (r.terminated || r.truncated) env->reset();
      }
      for (const auto& a : entry.analyses) {
        INFO(entry.id << " with " << describe(options) << ", analysis " << a.name);
        const TrialTable tb = a.table(trials);
        REQUIRE_FALSE(tb.columns.empty());
        for (const auto& [x, row] : tb.rows) REQUIRE(row.size() == tb.columns.size());
        rows_seen[a.name] += tb.rows.size();
        const FigureSpec f = a.figure({trials}, options);
        REQUIRE_FALSE(f.series.empty());
        for (const auto& s : f.series) REQUIRE(s.column < tb.columns.size());
      }
    }
    for (const auto& a : entry.analyses) {
      INFO(entry.id << " analysis " << a.name << ": no row from 6000 random steps of any option set");
      CHECK(rows_seen[a.name] > 0);
    }
  }
}

TEST_CASE("The task-agnostic layers name no env: core, cli, render, the bench engine and the Python module", "[conformance][architecture]") {
  namespace fs = std::filesystem;
  std::vector<std::string> ids;
  for (const auto& e : env_registry()) ids.push_back(e.id);
  int files = 0;
  std::vector<fs::path> sources;
  for (const char* dir : {"core", "cli", "render", "python/src"}) {
    const fs::path root = fs::path(SGYM_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& f : fs::recursive_directory_iterator(root)) sources.push_back(f.path());
  }
  for (const char* file : {"benchmarks/bench.cpp", "benchmarks/bench.hpp"}) sources.push_back(fs::path(SGYM_SOURCE_DIR) / file);
  for (const fs::path& path : sources) {
    const fs::directory_entry f(path);
    const std::string ext = f.path().extension().string();
    if (!f.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    ++files;
    std::ifstream in(f.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      const auto start = line.find_first_not_of(" \t");
      if (start == std::string::npos || line.compare(start, 2, "//") == 0) continue;  // comments may give examples
      const std::string code = line.substr(0, line.find("//"));
      for (const auto& id : ids) {
        INFO(f.path().string() << ":" << n << ": " << line);
        CHECK(code.find(id) == std::string::npos);
      }
    }
  }
  REQUIRE(files > 20);
}
