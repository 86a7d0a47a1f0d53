// Every registered agent runs an episode on every registered env (and test variant) it declares it
// can handle, and a save/load round trip reproduces its next actions and signals exactly.
#include <catch2/catch.hpp>
#include <filesystem>

#include "sgym/agents.hpp"
#include "sgym/conformance.hpp"
#include "sgym/envs.hpp"

using namespace sgym;

TEST_CASE("Every agent passes on every env it declares compatible", "[conformance][agents]") {
  const auto& agents = agent_registry();
  const auto i = GENERATE_COPY(range<std::size_t>(0, agents.size()));
  const AgentEntry& agent = agents[i];
  const auto dir = std::filesystem::temp_directory_path() / ("sgym-agents-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  int compatible = 0;
  for (const EnvEntry& env : env_registry()) {
    std::vector<KeyValues> variants = {{}};
    variants.insert(variants.end(), env.test_variants.begin(), env.test_variants.end());
    for (const auto& options : variants) {
      auto probe = make_env(env, options);
      const Space obs = probe->observation_space(), act = probe->action_space();
      if (!agent_env_mismatch(agent, env.id, obs, act).empty()) continue;
      ++compatible;
      INFO(agent.id << " on " << env.id);
      const CheckReport report = check_agent(
          [&](std::uint64_t seed) { return make_agent(agent, obs, act, {}, seed); },
          [&] { return make_env(env, options); }, dir);
      for (const auto& c : report.checks) {
        INFO(c.name << ": " << c.detail);
        CHECK(c.passed);
      }
      REQUIRE(report.checks.size() == 4);
    }
  }
  INFO(agent.id << " declares no registered env compatible");
  REQUIRE(compatible > 0);
}
