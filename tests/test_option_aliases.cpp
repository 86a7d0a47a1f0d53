// Deprecated option names (docs/vocabulary.md, "Renaming an option"): a former name still sets the
// option and builds the same env or agent as the current name, warns once naming the current name,
// is refused together with it, and every output records the current name.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unistd.h>

#include "cli_support.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/options.hpp"
#include "sgym/runner.hpp"
#include "support.hpp"

using namespace sgym;
using Catch::Matchers::Contains;
using json = nlohmann::json;

namespace {

// collects the deprecation messages while alive; the default handler is restored afterwards
struct CaughtWarnings {
  std::vector<std::string> messages;
  CaughtWarnings() { set_deprecation_handler([this](const std::string& m) { messages.push_back(m); }); }
  ~CaughtWarnings() { set_deprecation_handler({}); }
  CaughtWarnings(const CaughtWarnings&) = delete;
  CaughtWarnings& operator=(const CaughtWarnings&) = delete;
};

struct ToyConfig {
  double noise_sd = 1.0;
  int n_units = 4;
  double gain = 2.0;
};

OptionSet<ToyConfig> toy_options() {
  OptionSet<ToyConfig> s("Toy-v0");
  s.add("noise_sd", &ToyConfig::noise_sd, "", "input noise sd", 0.0, 10.0)
      .deprecated_alias("sigma")
      .add("n_units", &ToyConfig::n_units, "", "input units", 1, 100)
      .deprecated_alias("units")
      .deprecated_alias("size")
      .add("gain", &ToyConfig::gain, "", "gain", 0.0, 10.0);
  return s;
}

// observations and rewards of two episodes of the random agent (seed 1) from reset(seed 5)
std::vector<double> trajectory(Env& env) {
  auto agent = make_agent("random", env.observation_space(), env.action_space(), {}, 1);
  std::vector<double> out;
  test::play(env, *agent, 2, 5, [&](int, const StepResult& r) {
    out.insert(out.end(), r.obs.begin(), r.obs.end());
    out.push_back(r.reward);
  });
  return out;
}

// observations and rewards of one episode of `agent` on `env` from reset(seed 5)
std::vector<double> trajectory(Env& env, Agent& agent) {
  std::vector<double> out;
  test::play(env, agent, 1, 5, [&](int, const StepResult& r) {
    out.insert(out.end(), r.obs.begin(), r.obs.end());
    out.push_back(r.reward);
  });
  return out;
}

bool names(const std::string& message, const std::string& old_key, const std::string& new_key) {
  return message.find("'" + old_key + "'") != std::string::npos && message.find("'" + new_key + "'") != std::string::npos;
}

}  // namespace

TEST_CASE("A deprecated option name sets the option, warns naming the current name, and is refused with it",
          "[options]") {
  const OptionSet<ToyConfig> s = toy_options();
  REQUIRE(s.docs()[0].deprecated_names == std::vector<std::string>{"sigma"});
  REQUIRE(s.docs()[1].deprecated_names == std::vector<std::string>{"units", "size"});
  REQUIRE(s.docs()[2].deprecated_names.empty());
  {
    CaughtWarnings w;
    const ToyConfig c = s.parse({{"sigma", "0.5"}, {"gain", "3"}, {"units", "7"}});
    REQUIRE(c.noise_sd == 0.5);
    REQUIRE(c.n_units == 7);
    REQUIRE(c.gain == 3.0);
    REQUIRE(w.messages.size() == 2);
    REQUIRE(names(w.messages[0], "sigma", "noise_sd"));
    REQUIRE_THAT(w.messages[0], Contains("Toy-v0") && Contains("deprecated"));
    REQUIRE(names(w.messages[1], "units", "n_units"));
  }
  {
    CaughtWarnings w;
    const ToyConfig c = s.parse({{"noise_sd", "0.25"}});
    REQUIRE(c.noise_sd == 0.25);
    REQUIRE(w.messages.empty());  // the current name warns nothing
  }
  // old and new together, or two old names of one option: an error naming both
  CaughtWarnings w;
  REQUIRE_THROWS_MATCHES(s.parse({{"sigma", "0.5"}, {"noise_sd", "0.2"}}), UsageError,
                         Catch::Matchers::Message(
                             "Toy-v0: option noise_sd is given twice, as 'sigma' and as 'noise_sd' (sigma is its "
                             "deprecated former name); give only noise_sd"));
  REQUIRE_THROWS_WITH(s.parse({{"noise_sd", "0.2"}, {"sigma", "0.5"}}), Contains("'noise_sd'") && Contains("'sigma'"));
  REQUIRE_THROWS_WITH(s.parse({{"units", "3"}, {"size", "3"}}), Contains("'units'") && Contains("'size'"));
  // an unknown key is still refused by the parser, with the valid keys
  REQUIRE_THROWS_WITH(s.parse({{"sigmaa", "1"}}), Contains("unknown option 'sigmaa'") && Contains("noise_sd="));
}

TEST_CASE("canonical_options renames in place and leaves unknown keys to the parser", "[options]") {
  const OptionSet<ToyConfig> s = toy_options();
  CaughtWarnings w;
  const KeyValues kv = canonical_options("Toy-v0", s.docs(), {{"gain", "1"}, {"sigma", "0"}, {"inner.sigma", "2"}});
  REQUIRE(kv == KeyValues{{"gain", "1"}, {"noise_sd", "0"}, {"inner.sigma", "2"}});
  REQUIRE(w.messages.size() == 1);
}

TEST_CASE("deprecated_alias refuses a name that already names an option", "[options]") {
  OptionSet<ToyConfig> s("Toy-v0");
  REQUIRE_THROWS_AS(s.deprecated_alias("sigma"), std::logic_error);  // no option yet
  s.add("noise_sd", &ToyConfig::noise_sd, "", "sd", 0.0, 1.0).add("gain", &ToyConfig::gain, "", "gain", 0.0, 1.0);
  REQUIRE_THROWS_AS(s.deprecated_alias("noise_sd"), std::logic_error);
  s.deprecated_alias("g");
  REQUIRE_THROWS_AS(s.deprecated_alias("g"), std::logic_error);
}

TEST_CASE("The default deprecation handler prints each message once per process to stderr", "[options]") {
  set_deprecation_handler({});
  const auto path = test::fresh_path("aliases", "stderr.txt");
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f != nullptr);
  ::dup2(::fileno(f), STDERR_FILENO);
  // messages no other test issues, so these are their first uses in this process
  warn_deprecated("Once-v0: option 'a' is deprecated, use 'b'");
  warn_deprecated("Once-v0: option 'a' is deprecated, use 'b'");
  warn_deprecated("Once-v0: option 'c' is deprecated, use 'd'");
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(f);
  REQUIRE(read_file(path) ==
          "sgym: warning: Once-v0: option 'a' is deprecated, use 'b'\n"
          "sgym: warning: Once-v0: option 'c' is deprecated, use 'd'\n");
}

TEST_CASE("Every deprecated env option name builds the same env as its current name", "[options]") {
  int aliases = 0;
  for (const EnvEntry& e : env_registry())
    for (const OptionDoc& d : e.options)
      for (const std::string& old_key : d.deprecated_names) {
        INFO(e.id << ": " << old_key << " -> " << d.key);
        ++aliases;
        CaughtWarnings w;
        auto by_old = make_env(e, {{old_key, d.default_value}});
        REQUIRE(w.messages.size() == 1);
        REQUIRE(names(w.messages[0], old_key, d.key));
        auto by_new = make_env(e, {{d.key, d.default_value}});
        REQUIRE(w.messages.size() == 1);
        REQUIRE(trajectory(*by_old) == trajectory(*by_new));
        REQUIRE_THROWS_WITH(make_env(e, {{old_key, d.default_value}, {d.key, d.default_value}}),
                            Contains("'" + old_key + "'") && Contains("'" + d.key + "'"));
      }
  REQUIRE(aliases >= 10);  // the renames of docs/vocabulary.md
}

TEST_CASE("Every deprecated agent option name builds the same agent as its current name", "[options]") {
  int aliases = 0;
  for (const AgentEntry& a : agent_registry()) {
    // the first env the agent can act in
    const EnvEntry* env = nullptr;
    for (const EnvEntry& e : env_registry()) {
      auto probe = make_env(e);
      if (agent_env_mismatch(a, e.id, probe->observation_space(), probe->action_space()).empty()) {
        env = &e;
        break;
      }
    }
    for (const OptionDoc& d : a.options)
      for (const std::string& old_key : d.deprecated_names) {
        INFO(a.id << ": " << old_key << " -> " << d.key);
        REQUIRE(env != nullptr);
        ++aliases;
        CaughtWarnings w;
        auto env_old = make_env(*env), env_new = make_env(*env);
        const AgentContext ctx{env_old->spec().dt_ms};
        auto by_old = make_agent(a, env_old->observation_space(), env_old->action_space(), {{old_key, d.default_value}}, 3, ctx);
        REQUIRE(w.messages.size() == 1);
        REQUIRE(names(w.messages[0], old_key, d.key));
        auto by_new = make_agent(a, env_new->observation_space(), env_new->action_space(), {{d.key, d.default_value}}, 3, ctx);
        REQUIRE(trajectory(*env_old, *by_old) == trajectory(*env_new, *by_new));
        REQUIRE_THROWS_WITH(make_agent(a, env_old->observation_space(), env_old->action_space(),
                                       {{d.key, d.default_value}, {old_key, d.default_value}}, 3, ctx),
                            Contains("'" + old_key + "'") && Contains("'" + d.key + "'"));
      }
  }
  REQUIRE(aliases >= 10);
}

TEST_CASE("A renamed option given a non-default value under its old name acts as under its new name",
          "[options]") {
  // (env, old name, new name, a value other than the default)
  const std::vector<std::array<std::string, 4>> cases = {
      {"Pavlovian-v0", "reward", "us_reward", "2"},
      {"SaccadeAntisaccade-v0", "final_reward", "correct_reward", "3"},
      {"DelayMatchCategory-v0", "sigma", "noise_sd", "0"},
      {"BCINeurofeedback-v0", "units", "n_units", "24"},
      {"BCINeurofeedback-v0", "p_plus", "n_p_plus", "3"},
      {"BCINeurofeedback-v0", "p_minus", "n_p_minus", "4"},
      {"BCINeurofeedback-v0", "angle_bins", "n_angle_bins", "6"},
      {"BCINeurofeedback-v0", "angle_units", "n_angle_units", "8"},
      {"BCINeurofeedback-v0", "reward", "correct_reward", "2"},
      {"RedundantRelevantCue-v0", "cues", "n_cues", "3"},
      {"RedundantRelevantCue-v0", "responses", "n_responses", "3"},
      {"RedundantRelevantCue-v0", "abort_penalty", "abort_reward", "-0.5"},  // the same signed value
      {"ArmReach-v0", "reward_hit", "correct_reward", "2"},
      {"CurveTracing-v0", "fixate_ms", "fixation_ms", "100"},
  };
  CaughtWarnings w;
  for (const auto& [id, old_key, new_key, value] : cases) {
    INFO(id << ": " << old_key << "=" << value);
    auto by_old = make_env(id, {{old_key, value}});
    auto by_new = make_env(id, {{new_key, value}});
    REQUIRE(by_old->observation_space().describe() == by_new->observation_space().describe());
    REQUIRE(by_old->action_space().describe() == by_new->action_space().describe());
    REQUIRE(trajectory(*by_old) == trajectory(*by_new));
  }
  // the value takes effect: the first Pavlovian trial pays 2 instead of 1
  auto pav = make_env("Pavlovian-v0", {{"reward", "2"}});
  const auto t = trajectory(*pav);
  REQUIRE(*std::max_element(t.begin(), t.end()) == 2.0);
}

TEST_CASE("A renamed agent option given a non-default value under its old name acts as under its new name",
          "[options]") {
  struct Case {
    std::string agent, env;
    KeyValues common;  // options both agents get
    std::string old_key, new_key, value;
  };
  const std::vector<Case> cases = {
      {"np-actor-critic", "ArmReach-v0", {}, "noise_sd", "perturbation_sd", "0.5"},
      {"cerebellar-reach", "ArmReach-v0", {{"mossy_input", "desired_state"}}, "state_grid", "n_state_units_per_axis", "3"},
  };
  for (const Case& c : cases) {
    INFO(c.agent << ": " << c.old_key << "=" << c.value);
    auto env_old = make_env(c.env), env_new = make_env(c.env), env_default = make_env(c.env);
    const AgentContext ctx{env_old->spec().dt_ms};
    KeyValues old_opts = c.common, new_opts = c.common;
    old_opts.push_back({c.old_key, c.value});
    new_opts.push_back({c.new_key, c.value});
    CaughtWarnings w;
    auto by_old = make_agent(c.agent, env_old->observation_space(), env_old->action_space(), old_opts, 3, ctx);
    REQUIRE(w.messages.size() == 1);
    REQUIRE(names(w.messages[0], c.old_key, c.new_key));
    auto by_new = make_agent(c.agent, env_new->observation_space(), env_new->action_space(), new_opts, 3, ctx);
    auto by_default = make_agent(c.agent, env_default->observation_space(), env_default->action_space(), c.common, 3, ctx);
    const auto t = trajectory(*env_old, *by_old);
    REQUIRE(t == trajectory(*env_new, *by_new));
    REQUIRE(t != trajectory(*env_default, *by_default));  // the value took effect
  }
}

TEST_CASE("An option replaced by one in other units keeps its meaning, warns, and is refused with its replacement",
          "[options]") {
  // (agent, env, old option and value, its replacement and value at the env's default dt)
  struct Case {
    std::string agent, env, old_key, old_value, new_key, new_value;
  };
  const std::vector<Case> cases = {
      {"delay-match-category-oracle", "DelayMatchCategory-v0", "test_steps", "4", "test_ms", "200"},
      {"delay-match-category-shortcut-test-only", "DelayMatchCategory-v0", "test_steps", "2", "test_ms", "100"},
      {"bg-cerebellum-walker", "BipedalWalker-v3", "feedback_delay_steps", "2", "feedback_delay_ms", "40"},
  };
  for (const Case& c : cases) {
    INFO(c.agent << ": " << c.old_key << "=" << c.old_value << " vs " << c.new_key << "=" << c.new_value);
    const AgentEntry& a = agent_entry(c.agent);
    bool documented = false;
    for (const OptionDoc& d : a.options) documented = documented || (d.key == c.old_key && d.replaced_by == c.new_key);
    REQUIRE(documented);
    auto env_old = make_env(c.env), env_new = make_env(c.env);
    const AgentContext ctx{env_old->spec().dt_ms};
    CaughtWarnings w;
    auto by_old = make_agent(a, env_old->observation_space(), env_old->action_space(), {{c.old_key, c.old_value}}, 3, ctx);
    REQUIRE(w.messages.size() == 1);
    REQUIRE(names(w.messages[0], c.old_key, c.new_key));
    auto by_new = make_agent(a, env_new->observation_space(), env_new->action_space(), {{c.new_key, c.new_value}}, 3, ctx);
    REQUIRE(w.messages.size() == 1);
    REQUIRE(trajectory(*env_old, *by_old) == trajectory(*env_new, *by_new));
    REQUIRE_THROWS_WITH(make_agent(a, env_old->observation_space(), env_old->action_space(),
                                   {{c.old_key, c.old_value}, {c.new_key, c.new_value}}, 3, ctx),
                        Contains("'" + c.old_key + "'") && Contains("'" + c.new_key + "'"));
    // in steps the old option needs no dt; in ms the new one does, and says so
    REQUIRE_NOTHROW(make_agent(a, env_old->observation_space(), env_old->action_space(), {{c.old_key, c.old_value}}, 3));
    REQUIRE_THROWS_WITH(make_agent(a, env_old->observation_space(), env_old->action_space(), {{c.new_key, c.new_value}}, 3),
                        Contains(c.new_key) && Contains("step duration") && Contains(c.old_key));
  }
  // the time converts with the env's dt: at 25 ms steps 200 ms are 8 steps, not 4
  auto fine = make_env("DelayMatchCategory-v0", {{"dt_ms", "25"}}), fine2 = make_env("DelayMatchCategory-v0", {{"dt_ms", "25"}});
  auto fine3 = make_env("DelayMatchCategory-v0", {{"dt_ms", "25"}});
  const AgentEntry& oracle = agent_entry("delay-match-category-oracle");
  const AgentContext ctx{25.0};
  CaughtWarnings w;
  auto by_ms = make_agent(oracle, fine->observation_space(), fine->action_space(), {{"test_ms", "200"}}, 3, ctx);
  auto by_8 = make_agent(oracle, fine2->observation_space(), fine2->action_space(), {{"test_steps", "8"}}, 3, ctx);
  auto by_4 = make_agent(oracle, fine3->observation_space(), fine3->action_space(), {{"test_steps", "4"}}, 3, ctx);
  const auto t_ms = trajectory(*fine, *by_ms);
  REQUIRE(t_ms == trajectory(*fine2, *by_8));
  REQUIRE(t_ms != trajectory(*fine3, *by_4));
}

TEST_CASE("A run given a deprecated option name records the current name", "[options][runner]") {
  CaughtWarnings w;
  RunConfig c;
  c.env_id = "Pavlovian-v0";
  c.env_options = {{"reward", "2"}};
  c.agent_id = "td-critic";
  c.episodes = 3;
  c.out_dir = test::fresh_path("aliases", "run");
  run(c, env_entry(c.env_id), agent_entry(c.agent_id));
  const json j = json::parse(read_file(c.out_dir / "summary.json"));
  REQUIRE(j["provenance"]["env_options"]["us_reward"] == "2");
  REQUIRE_FALSE(j["provenance"]["env_options"].contains("reward"));
  REQUIRE(j["mean_return"] == Approx(2.0));

  c.env_options = {{"reward", "2"}, {"us_reward", "2"}};
  c.out_dir = test::fresh_path("aliases", "run-both");
  REQUIRE_THROWS_WITH(run(c, env_entry(c.env_id), agent_entry(c.agent_id)), Contains("'reward'") && Contains("'us_reward'"));

  // an agent option under its former name, likewise
  RunConfig a;
  a.env_id = "OrientationDiscrimination-v0";
  a.env_options = {{"trials_per_episode", "1"}};
  a.agent_id = "perceptual-learner";
  a.agent_options = {{"units", "12"}};
  a.episodes = 2;
  a.out_dir = test::fresh_path("aliases", "run-agent");
  run(a, env_entry(a.env_id), agent_entry(a.agent_id));
  const json k = json::parse(read_file(a.out_dir / "summary.json"));
  REQUIRE(k["provenance"]["agent_options"]["n_units"] == "12");
  REQUIRE_FALSE(k["provenance"]["agent_options"].contains("units"));
}

TEST_CASE("sgym warns once about a deprecated option, describes former names and refuses both names", "[options][cli]") {
  const std::string out = test::tmp("aliases-run");
  auto r = test::run_sgym("run --env Pavlovian-v0 --agent td-critic --episodes 3 --env-opt reward=2 --out " + out);
  INFO(r.out);
  REQUIRE(r.code == 0);
  const std::string warning =
      "sgym: warning: Pavlovian-v0: option 'reward' is deprecated, use 'us_reward' (the old name is still "
      "accepted, and will be removed in the next release)\n";
  REQUIRE_THAT(r.out, Contains(warning));
  REQUIRE(r.out.find(warning) == r.out.rfind(warning));  // once, though the env is built more than once
  REQUIRE(json::parse(read_file(out + "/summary.json"))["provenance"]["env_options"]["us_reward"] == "2");

  r = test::run_sgym("run --env Pavlovian-v0 --agent td-critic --episodes 3 --env-opt reward=2 --env-opt us_reward=2 --out " +
                     test::tmp("aliases-both"));
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains("'reward'") && Contains("'us_reward'"));

  r = test::run_sgym("describe DelayMatchCategory-v0");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("noise_sd=1") && Contains("former name sigma"));
}
