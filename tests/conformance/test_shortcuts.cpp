// The shortcut battery (sgym/conformance.hpp): every registered choice task (an env with a chance
// level) has shortcut subjects, each scoring <= chance + 5 points over >= 2000 judged trials while
// completing >= 90 % of its trials, and an oracle >= 98 %; a choice task without a shortcut subject
// fails; every registered shortcut subject belongs to a registered choice task.
#include <catch2/catch.hpp>

#include "sgym/agents.hpp"
#include "sgym/conformance.hpp"
#include "sgym/envs.hpp"

using namespace sgym;

TEST_CASE("Every choice task's shortcut subjects stay at chance and its oracle solves it", "[conformance][shortcuts]") {
  int choice_tasks = 0;
  for (const EnvEntry& env : env_registry()) {
    if (!env.chance) continue;
    ++choice_tasks;
    const CheckReport report = check_battery(score_battery(env, agent_registry()));
    for (const auto& c : report.checks) {
      INFO(c.name << ": " << c.detail);
      CHECK(c.passed);
    }
    INFO(env.id);
    REQUIRE(report.checks.size() >= 3);
  }
  REQUIRE(choice_tasks >= 4);
}

TEST_CASE("Every shortcut subject belongs to a registered choice task", "[conformance][shortcuts]") {
  for (const AgentEntry& a : agent_registry()) {
    const auto at = a.id.find("-shortcut-");
    if (at == std::string::npos) continue;
    INFO(a.id);
    bool owned = false;
    for (const EnvEntry& env : env_registry())
      owned = owned || (env.chance && shortcut_stem(env.id) == a.id.substr(0, at) && a.envs == std::vector<std::string>{env.id});
    CHECK(owned);
  }
}

TEST_CASE("A choice task without shortcut subjects fails the battery", "[conformance][shortcuts]") {
  EnvEntry env = env_entry("SaccadeAntisaccade-v0");
  std::vector<AgentEntry> only_oracle;
  for (const AgentEntry& a : agent_registry())
    if (a.id == "saccade-antisaccade-oracle") only_oracle.push_back(a);
  const CheckReport report = check_battery(score_battery(env, only_oracle));
  REQUIRE_FALSE(report.all_passed());
  CHECK_FALSE(report.checks.front().passed);
  CHECK_THAT(report.checks.front().detail, Catch::Matchers::Contains("saccade-antisaccade-shortcut-<name>"));
  // and a task without a chance level is not a choice task: no battery
  env.chance = {};
  CHECK_THROWS_AS(score_battery(env, agent_registry()), std::invalid_argument);
}

namespace {
// registers `subject` as SaccadeAntisaccade-v0's only shortcut: does the battery fail it with `why`?
bool battery_fails(AgentEntry subject, const std::string& why) {
  subject.id = "saccade-antisaccade-shortcut-probe";
  const AgentEntry& oracle = agent_entry("saccade-antisaccade-oracle");
  const CheckReport report = check_battery(score_battery(env_entry("SaccadeAntisaccade-v0"), {oracle, subject}));
  for (const auto& c : report.checks)
    if (c.name.find(subject.id) != std::string::npos) return !c.passed && c.detail.find(why) != std::string::npos;
  return false;
}
}  // namespace

TEST_CASE("A shortcut that reads the answer fails the battery", "[conformance][shortcuts]") {
  // the oracle registered as a "shortcut" scores far above chance: the battery must say the task leaks
  CHECK(battery_fails(agent_entry("saccade-antisaccade-oracle"), "the task leaks"));
}

TEST_CASE("A shortcut that only breaks fixation fails the battery", "[conformance][shortcuts]") {
  // random actions break fixation on most trials: at chance on the few it completes, yet it fails
  CHECK(battery_fails(agent_entry("random"), "must complete"));
}

TEST_CASE("shortcut_stem turns env ids into agent id stems", "[conformance][shortcuts]") {
  CHECK(shortcut_stem("DelayMatchCategory-v0") == "delay-match-category");
  CHECK(shortcut_stem("BCINeurofeedback-v0") == "bci-neurofeedback");
  CHECK(shortcut_stem("SaccadeAntisaccade-v0") == "saccade-antisaccade");
  CHECK(shortcut_stem("BipedalWalkerHardcore-v3") == "bipedal-walker-hardcore");
}
