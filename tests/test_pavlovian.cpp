// The first slice: Pavlovian conditioning and the TD dopamine critic reproduce the classic result
// of Schultz, Dayan & Montague 1997: the RPE moves from the reward to the CS over training, and dips
// below zero when an expected reward is omitted.
#include <catch2/catch.hpp>
#include <algorithm>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

namespace {

// RPE per step of one trial (index = arrival step, 1..T), and the trial's cs/us steps
struct Trace {
  std::vector<double> rpe;
  int cs = 0, us = 0;
};

Trace run_trial(Env& env, Agent& agent, std::optional<std::uint64_t> seed) {
  Trace tr;
  auto r0 = env.reset(seed);
  tr.cs = static_cast<int>(r0.info.get_int("cs_step"));
  tr.us = static_cast<int>(r0.info.get_int("us_step"));
  std::vector<float> obs(r0.obs.begin(), r0.obs.end());
  tr.rpe.push_back(0.0);  // nothing arrives at step 0
  agent.begin_episode();
  for (;;) {
    auto r = env.step(agent.act(obs));
    obs.assign(r.obs.begin(), r.obs.end());
    agent.observe(r.reward, obs, r.terminated, r.truncated);
    tr.rpe.push_back(agent.introspect()[0].values[0]);
    if (r.terminated || r.truncated) break;
  }
  agent.end_episode();
  return tr;
}

int argmax(const std::vector<double>& v) {
  return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace

TEST_CASE("TD critic: the dopamine RPE moves from reward to CS and dips on omission", "[pavlovian][learning]") {
  const std::string lambda = GENERATE(as<std::string>{}, "0", "0.9");
  INFO("lambda = " << lambda);
  auto env = make_env("Pavlovian-v0");
  auto agent = make_agent("td-critic", env->observation_space(), env->action_space(), {{"lambda", lambda}}, 1);

  // early: the first trial's RPE peaks at the reward, and the CS evokes nothing
  const Trace first = run_trial(*env, *agent, 11);
  REQUIRE(argmax(first.rpe) == first.us);
  REQUIRE(first.rpe[first.us] == Approx(1.0));
  REQUIRE(first.rpe[first.cs] == Approx(0.0).margin(1e-12));

  for (int trial = 0; trial < 400; ++trial) run_trial(*env, *agent, std::nullopt);

  // late (training off, so the probe does not change what was learned)
  agent->set_training(false);
  const Trace late = run_trial(*env, *agent, std::nullopt);
  INFO("late RPE at CS " << late.rpe[late.cs] << ", at US " << late.rpe[late.us]);
  REQUIRE(argmax(late.rpe) == late.cs);
  REQUIRE(late.rpe[late.cs] > 0.7);                       // about gamma^delay = 0.98^10
  REQUIRE(std::abs(late.rpe[late.us]) < 0.05);            // the reward is predicted
  for (std::size_t t = 0; t < late.rpe.size(); ++t)
    if (static_cast<int>(t) != late.cs) REQUIRE(std::abs(late.rpe[t]) < 0.05);

  // omission probe: same task, the reward withheld on every trial
  auto omission = make_env("Pavlovian-v0", {{"probe_every", "1"}, {"probe", "omission"}});
  const Trace om = run_trial(*omission, *agent, 3);
  INFO("omission RPE at US " << om.rpe[om.us]);
  REQUIRE(om.rpe[om.cs] > 0.7);
  REQUIRE(om.rpe[om.us] < -0.8);
  REQUIRE(std::min_element(om.rpe.begin(), om.rpe.end()) - om.rpe.begin() == om.us);

  // unexpected reward (no CS): the full RPE is back at the reward
  auto unexpected = make_env("Pavlovian-v0", {{"probe_every", "1"}, {"probe", "unexpected"}});
  const Trace un = run_trial(*unexpected, *agent, 3);
  REQUIRE(un.rpe[un.us] == Approx(1.0));
}

TEST_CASE("Pavlovian info marks the CS and US times and the trial type", "[pavlovian]") {
  auto env = make_env("Pavlovian-v0", {{"probe_every", "3"}});
  for (int trial = 1; trial <= 3; ++trial) {
    auto r0 = env->reset(trial == 1 ? std::optional<std::uint64_t>(0) : std::nullopt);
    REQUIRE(r0.info.get_string("epoch") == "pre_cs");
    REQUIRE(r0.info.get_int("trial") == trial);
    const std::string cond = trial == 3 ? "omission" : "normal";
    REQUIRE(r0.info.get_string("condition") == cond);
    int cs_seen = 0, us_seen = 0;
    double total = 0;
    for (;;) {
      auto r = env->step(Action::discrete(0));
      total += r.reward;
      const auto t = r.info.get_int("t");
      if (r.info.get_bool("cs")) { ++cs_seen; REQUIRE(t == 10); REQUIRE(r.obs[0] == 1.0f); REQUIRE(r.info.get_string("epoch") == "cs"); }
      if (r.info.get_bool("us")) { ++us_seen; REQUIRE(t == 20); REQUIRE(r.reward == 1.0); }
      if (t == 20) REQUIRE(r.info.get_string("epoch") == "us");
      if (t == 15) REQUIRE(r.obs[5] == 1.0f);
      if (r.terminated) {
        REQUIRE(t == 30);
        REQUIRE(r.info.get_string("trial_outcome") == (cond == "normal" ? "rewarded" : "unrewarded"));
        break;
      }
      REQUIRE(r.info.get_string("trial_outcome").empty());
    }
    REQUIRE(cs_seen == 1);
    REQUIRE(us_seen == (cond == "normal" ? 1 : 0));
    REQUIRE(total == (cond == "normal" ? 1.0 : 0.0));
  }
}

TEST_CASE("Pavlovian timing options: whole steps, CS before reward before the end", "[pavlovian]") {
  REQUIRE(make_env("Pavlovian-v0", {{"dt_ms", "50"}})->observation_space().flat_size() == 40);
  REQUIRE_THROWS_WITH(make_env("Pavlovian-v0", {{"dt_ms", "300"}}), Contains("not a whole number of dt_ms"));
  REQUIRE_THROWS_WITH(make_env("Pavlovian-v0", {{"cs_onset_ms", "0"}}), Contains("at least one step"));
  REQUIRE_THROWS_WITH(make_env("Pavlovian-v0", {{"reward_delay_ms", "2000"}}), Contains("must come before the trial ends"));
  REQUIRE_THROWS_WITH(make_env("Pavlovian-v0", {{"probe", "sometimes"}}), Contains("omission|unexpected"));
  REQUIRE_THROWS_AS(make_env("Pavlovian-v0", {{"omission_prob", "1.5"}}), UsageError);
}

TEST_CASE("Pavlovian random omissions follow the seed", "[pavlovian]") {
  auto count = [](std::uint64_t seed) {
    auto env = make_env("Pavlovian-v0", {{"omission_prob", "0.5"}});
    std::string pattern;
    for (int trial = 0; trial < 200; ++trial) {
      auto r0 = env->reset(trial == 0 ? std::optional<std::uint64_t>(seed) : std::nullopt);
      pattern += r0.info.get_string("condition") == "omission" ? '1' : '0';
    }
    return pattern;
  };
  const std::string a = count(1);
  REQUIRE(a == count(1));
  REQUIRE(a != count(2));
  const auto omitted = std::count(a.begin(), a.end(), '1');
  REQUIRE(omitted > 70);
  REQUIRE(omitted < 130);
}
