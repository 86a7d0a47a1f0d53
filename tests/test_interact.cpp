// interact(): the order of an agent's calls within a step, and trial boundaries inside multi-trial
// episodes reaching the agents that treat trials as independent.
#include <catch2/catch.hpp>
#include <algorithm>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/interact.hpp"
#include "support.hpp"

using namespace sgym;

namespace {

// an agent that always fixates and logs the calls it receives
class CallLog final : public Agent {
 public:
  CallLog(const Space& obs, const Space& act) : Agent("call-log", obs, act, 0), action_(Action::discrete(0)) {}
  const Action& act(std::span<const float>) override {
    log.emplace_back("act");
    return action_;
  }
  void trial_ended(std::string_view outcome) override { log.push_back("trial_ended:" + std::string(outcome)); }
  void observe(double, std::span<const float>, bool terminated, bool truncated) override {
    log.emplace_back(terminated || truncated ? "observe:end" : "observe");
  }
  std::vector<std::string> log;

 private:
  Action action_;
};

}  // namespace

TEST_CASE("interact: act, step, trial_ended (when a trial ended), observe; obs becomes the next observation",
          "[core][interact]") {
  auto env = make_env("SaccadeAntisaccade-v0", {{"trials_per_episode", "3"}});
  CallLog agent(env->observation_space(), env->action_space());
  const auto r0 = env->reset(5);
  std::vector<float> obs(r0.obs.begin(), r0.obs.end());
  int trials_seen_in_info = 0, steps = 0;
  for (;;) {
    const std::size_t before = agent.log.size();
    const auto [action, r] = interact(*env, agent, obs);
    ++steps;
    CHECK(std::equal(obs.begin(), obs.end(), r.obs.begin(), r.obs.end()));
    CHECK(action.index == 0);
    const std::string outcome(r.info.string_or_empty("trial_outcome"));
    // this step's calls, in order
    std::vector<std::string> expect{"act"};
    if (!outcome.empty()) {
      ++trials_seen_in_info;
      expect.push_back("trial_ended:" + outcome);
    }
    expect.emplace_back(r.terminated || r.truncated ? "observe:end" : "observe");
    REQUIRE(std::vector<std::string>(agent.log.begin() + static_cast<std::ptrdiff_t>(before), agent.log.end()) ==
            expect);
    if (r.terminated || r.truncated) break;
    REQUIRE(steps < 10000);
  }
  // never fixating, every trial times out: three trials, three boundaries, one episode
  CHECK(trials_seen_in_info == 3);
  CHECK(std::count_if(agent.log.begin(), agent.log.end(),
                      [](const std::string& s) { return s.rfind("trial_ended:", 0) == 0; }) == 3);
}

TEST_CASE("play_episode: on_end runs once, after the ending step, and not when on_step stopped the episode",
          "[interact]") {
  auto env = make_env("SaccadeAntisaccade-v0", {{"condition", "pro_left"}});
  CallLog agent(env->observation_space(), env->action_space());
  std::vector<float> obs;
  int ends = 0, steps_seen = 0;
  std::string outcome;
  EpisodeHooks hooks;
  hooks.on_step = [&](const EpisodeStep& st) {
    steps_seen = st.step;
    return true;
  };
  hooks.on_end = [&](const EpisodeStep& st) {
    ++ends;
    REQUIRE(st.action == nullptr);
    REQUIRE((st.result.terminated || st.result.truncated));
    REQUIRE(st.step == steps_seen);  // after on_step of the same step
    REQUIRE(agent.log.back() == "observe:end");  // the agent has observed, end_episode not yet called
    outcome = st.result.info.get_string(info_keys::kTrialOutcome);
  };
  const EpisodeEnd e = play_episode(*env, agent, 1, obs, hooks);
  REQUIRE(ends == 1);
  REQUIRE(e.steps == steps_seen);
  REQUIRE(outcome == "timeout");  // always fixating: the go epoch times out
  // on_step stops the episode at its second step: it did not end, so no on_end
  hooks.on_step = [](const EpisodeStep& st) { return st.step < 2; };
  const EpisodeEnd stopped = play_episode(*env, agent, 2, obs, hooks);
  REQUIRE(stopped.stopped);
  REQUIRE(stopped.steps == 2);
  REQUIRE(ends == 1);
  // on_end alone (no on_step)
  hooks.on_step = nullptr;
  play_episode(*env, agent, 3, obs, hooks);
  REQUIRE(ends == 2);
}

TEST_CASE("augment starts every trial of a multi-trial episode afresh: memory units and traces reset",
          "[augment][interact]") {
  auto env = make_env("SaccadeAntisaccade-v0", {{"trials_per_episode", "4"}});
  auto agent = make_agent("augment", env->observation_space(), env->action_space(), {}, 3);
  agent->set_training(false);  // frozen weights: only the per-trial state can make a difference
  auto q_of = [](const Agent& a) {
    for (const auto& s : a.introspect())
      if (s.name == "q") return s.values;
    FAIL("augment has no 'q' signal");
    return std::vector<float>{};
  };
  const auto r0 = env->reset(11);
  std::vector<float> obs(r0.obs.begin(), r0.obs.end());
  agent->begin_episode();
  int boundaries = 0, checked = 0;
  bool trial_start = false;
  std::vector<float> fresh_q;
  for (int step = 0; step < 10000; ++step) {
    const Action& a = agent->act(obs);
    if (trial_start) {
      // the same observation given to a copy that begins a new episode
      CHECK(q_of(*agent) == fresh_q);
      ++checked;
      trial_start = false;
    }
    const StepResult r = env->step(a);
    obs.assign(r.obs.begin(), r.obs.end());
    const std::string_view outcome = r.info.string_or_empty("trial_outcome");
    if (!outcome.empty()) agent->trial_ended(outcome);
    agent->observe(r.reward, obs, r.terminated, r.truncated);
    if (r.terminated || r.truncated) break;
    if (!outcome.empty()) {
      ++boundaries;
      auto copy = make_agent("augment", env->observation_space(), env->action_space(), {}, 99);
      copy->from_bytes(agent->to_bytes());
      copy->set_training(false);
      copy->begin_episode();
      copy->act(obs);
      fresh_q = q_of(*copy);
      trial_start = true;
    }
  }
  agent->end_episode();
  CHECK(boundaries == 3);  // the fourth trial's end ends the episode
  CHECK(checked == 3);
}

TEST_CASE("the RPE at a trial's outcome stays visible, and trial boundaries reach wrapped and recurrent agents",
          "[augment][interact]") {
  // augment: the terminal δ = r − q of the trial-ending step is what introspect() reports there
  {
    auto env = make_env("SaccadeAntisaccade-v0", {{"trials_per_episode", "5"}});
    auto agent = make_agent("augment", env->observation_space(), env->action_space(), {}, 4);
    int nonzero = 0, ends = 0;
    test::play(*env, *agent, 20, 2, [&](int, const StepResult& r) {
      if (r.info.string_or_empty("trial_outcome").empty()) return;
      ++ends;
      nonzero += test::signal(*agent, "rpe") != 0.0f;
    });
    CHECK(ends == 100);
    CHECK(nonzero > 50);
  }
  // the cerebellum wrapper passes trial_ended on: its inner augment's tags are cleared at every trial
  // end (tag norm 0 right after it), while within a trial they are not
  {
    auto env = make_env("SaccadeAntisaccade-v0", {{"trials_per_episode", "3"}});
    auto agent = make_agent("cerebellum", env->observation_space(), env->action_space(), {{"inner", "augment"}}, 5);
    int ends = 0;
    double inside = 0;
    test::play(*env, *agent, 10, 8, [&](int, const StepResult& r) {
      const float tags = test::signal(*agent, "augment.tag_norm");
      if (r.info.string_or_empty("trial_outcome").empty()) {
        inside = std::max(inside, static_cast<double>(tags));
        return;
      }
      ++ends;
      CHECK(tags == 0.0f);
    });
    CHECK(ends == 30);
    CHECK(inside > 0.0);
  }
  // augment-recurrent: its tags, too, are cleared at every trial end inside a multi-trial episode
  {
    auto env = make_env("CurveTracing-v0", {{"trials_per_episode", "3"}});
    auto agent = make_agent("augment-recurrent", env->observation_space(), env->action_space(), {}, 2);
    int ends = 0;
    test::play(*env, *agent, 4, 3, [&](int, const StepResult& r) {
      if (r.info.string_or_empty("trial_outcome").empty()) return;
      ++ends;
      CHECK(test::signal(*agent, "tag_norm") == 0.0f);
    });
    CHECK(ends == 12);
  }
}
