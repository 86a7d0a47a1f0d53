// ArmReach-v0 and the inverse-dynamics agent: the arm's physics conserves energy without damping and
// loses it with damping; the scripted controller reaches every target in baseline; the first rotated
// trial shows a direction error of the rotation angle; a curl field pushes the unadapted hand to the
// side its sign implies; error clamps keep the cursor (or the hand) on the straight line; schedule
// mistakes are clear usage errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "common/two_link_arm.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

namespace {

// per-trial measures read from the info of the step that ended the trial
struct TrialResult {
  std::string outcome, phase;
  long long trial = 0;
  int target = 0;
  double direction_error = 0, hand_direction_error = 0, lateral = 0, endpoint = 0, movement_ms = 0;
  double channel_force = 0, max_abs_torque = 0, max_cursor_off_line = 0;
};

// runs `trials` one-trial episodes of `agent` on `env`; the first reset uses `seed`
std::vector<TrialResult> run_trials(Env& env, Agent& agent, int trials, std::uint64_t seed) {
  std::vector<TrialResult> out;
  for (int i = 0; i < trials; ++i) {
    auto r0 = env.reset(i == 0 ? std::optional<std::uint64_t>(seed) : std::nullopt);
    std::vector<float> obs(r0.obs.begin(), r0.obs.end());
    agent.begin_episode();
    TrialResult tr;
    for (;;) {
      const Action& a = agent.act(obs);
      tr.max_abs_torque = std::max({tr.max_abs_torque, std::fabs(double(a.values[0])), std::fabs(double(a.values[1]))});
      auto r = env.step(a);
      obs.assign(r.obs.begin(), r.obs.end());
      // distance of the cursor from the straight start-to-target line
      const double tx = obs[8], ty = obs[9], n = std::hypot(tx, ty);
      tr.max_cursor_off_line = std::max(tr.max_cursor_off_line, std::fabs((tx * obs[7] - ty * obs[6]) / n));
      agent.observe(r.reward, obs, r.terminated, r.truncated);
      if (!r.info.string_or_empty("trial_outcome").empty()) {
        tr.outcome = r.info.get_string("trial_outcome");
        tr.phase = r.info.get_string("phase");
        tr.trial = r.info.get_int("trial");
        tr.target = static_cast<int>(r.info.get_int("target"));
        tr.direction_error = r.info.get_double("direction_error_deg");
        tr.hand_direction_error = r.info.get_double("hand_direction_error_deg");
        tr.lateral = r.info.get_double("lateral_deviation_m");
        tr.endpoint = r.info.get_double("endpoint_error_m");
        tr.movement_ms = r.info.get_double("movement_time_ms");
        tr.channel_force = r.info.get_double("channel_force_n");
      }
      if (r.terminated || r.truncated) break;
    }
    agent.end_episode();
    out.push_back(tr);
  }
  return out;
}

std::vector<TrialResult> run_id(const KeyValues& env_opts, int trials, std::uint64_t seed = 5) {
  auto env = make_env("ArmReach-v0", env_opts);
  auto agent = make_agent("inverse-dynamics", env->observation_space(), env->action_space(), {}, 1);
  return run_trials(*env, *agent, trials, seed);
}

}  // namespace

TEST_CASE("Arm physics: energy is conserved without damping and decays with it", "[arm_reach]") {
  arm::ArmParams p;
  p.b11 = p.b12 = p.b22 = 0.0;
  arm::ArmState s{0.5, 1.2, 2.0, -3.0};
  const double e0 = arm::kinetic_energy(p, s);
  double worst = 0.0;
  for (int k = 0; k < 2000; ++k) {  // 2 s of free motion in 1 ms RK4 steps
    arm::rk4_step(p, s, 0.0, 0.0, arm::HandField{}, 1e-3);
    worst = std::max(worst, std::fabs(arm::kinetic_energy(p, s) - e0) / e0);
  }
  INFO("initial energy " << e0 << " J, worst relative drift " << worst);
  REQUIRE(e0 > 0.1);
  REQUIRE(worst < 1e-7);

  // with the default viscosity the energy falls at every step (dE/dt = -dq' B dq < 0)
  arm::ArmParams damped;
  arm::ArmState d{0.5, 1.2, 2.0, -3.0};
  double prev = arm::kinetic_energy(damped, d);
  for (int k = 0; k < 2000; ++k) {
    arm::rk4_step(damped, d, 0.0, 0.0, arm::HandField{}, 1e-3);
    const double e = arm::kinetic_energy(damped, d);
    REQUIRE(e < prev);
    prev = e;
  }
  INFO("energy after 2 s with damping " << prev << " J of " << e0);
  REQUIRE(prev < 0.5 * e0);

  // a curl field does no work on the hand (F ⊥ v): without damping the energy is still conserved
  arm::HandField curl;
  curl.curl_gain = 13.0;
  arm::ArmState c{0.5, 1.2, 2.0, -3.0};
  for (int k = 0; k < 2000; ++k) arm::rk4_step(p, c, 0.0, 0.0, curl, 1e-3);
  REQUIRE(arm::kinetic_energy(p, c) == Approx(e0).epsilon(1e-6));
}

TEST_CASE("Arm physics: zero torque at rest stays at rest", "[arm_reach]") {
  auto env = make_env("ArmReach-v0");
  auto r0 = env->reset(1);
  const std::vector<float> start(r0.obs.begin(), r0.obs.end());
  for (int k = 0; k < 50; ++k) {
    StepResult r = env->step(Action::box({0.0f, 0.0f}));
    for (int i = 0; i < 6; ++i) REQUIRE(r.obs[i] == start[i]);
    REQUIRE(r.reward == 0.0);
  }
}

TEST_CASE("inverse-dynamics reaches every target in baseline", "[arm_reach][agent]") {
  const auto trials = run_id({{"schedule", "baseline:16"}}, 16);
  std::set<int> hit;
  for (const auto& t : trials) {
    INFO("trial " << t.trial << " target " << t.target << " outcome " << t.outcome << " endpoint error "
                  << t.endpoint << " m, direction error " << t.direction_error << " deg, movement "
                  << t.movement_ms << " ms, peak torque " << t.max_abs_torque << " N*m");
    REQUIRE(t.phase == "baseline");
    REQUIRE(t.outcome == "correct");
    REQUIRE(t.endpoint < 0.01);
    REQUIRE(std::fabs(t.direction_error) < 2.0);
    REQUIRE(std::fabs(t.lateral) < 0.003);
    REQUIRE(t.movement_ms > 200.0);
    REQUIRE(t.movement_ms < 1000.0);
    hit.insert(t.target);
  }
  REQUIRE(hit.size() == 8);
}

TEST_CASE("inverse-dynamics: the first rotated trial errs by the rotation angle", "[arm_reach][agent]") {
  const double rotation = GENERATE(30.0, -45.0);
  const auto trials = run_id({{"schedule", "baseline:8,rotation:8"}, {"rotation_deg", std::to_string(rotation)}}, 9);
  const TrialResult& first = trials[8];
  INFO("rotation " << rotation << " deg: cursor direction error " << first.direction_error
                   << " deg, hand direction error " << first.hand_direction_error << " deg, baseline before "
                   << trials[7].direction_error);
  REQUIRE(first.phase == "rotation");
  REQUIRE(first.trial == 9);
  REQUIRE(first.direction_error == Approx(rotation).margin(3.0));
  REQUIRE(std::fabs(first.hand_direction_error) < 2.0);  // the hand went where it was sent
  REQUIRE(std::fabs(trials[7].direction_error) < 2.0);
  REQUIRE(first.outcome == "timeout");  // the agent has no visual feedback loop, so it misses
}

TEST_CASE("A curl field deflects the unadapted hand to the side its sign implies", "[arm_reach][agent]") {
  const double k = GENERATE(13.0, -13.0);
  const auto trials = run_id({{"schedule", "curl:8"}, {"curl_gain", std::to_string(k)}}, 8);
  std::set<int> targets;
  for (const auto& t : trials) {
    INFO("k " << k << " target " << t.target << ": lateral deviation at peak speed " << t.lateral
              << " m, hand direction error " << t.hand_direction_error << " deg");
    // F = k [[0, 1], [-1, 0]] v turns the hand clockwise (negative, to the right of the reach) for k > 0
    REQUIRE(t.phase == "curl");
    REQUIRE(t.lateral * k < 0.0);
    REQUIRE(std::fabs(t.lateral) > 0.002);
    REQUIRE(t.hand_direction_error * k < 0.0);
    targets.insert(t.target);
  }
  REQUIRE(targets.size() == 8);
}

TEST_CASE("Error clamp: the cursor stays on the straight line; a channel holds the hand", "[arm_reach]") {
  // visual clamp under random torques: the hand wanders, the cursor does not leave the line
  auto env = make_env("ArmReach-v0", {{"schedule", "clamp:4"}});
  auto agent = make_agent("random", env->observation_space(), env->action_space(), {}, 3);
  const auto clamped = run_trials(*env, *agent, 4, 9);
  for (const auto& t : clamped) {
    INFO("cursor off the line by " << t.max_cursor_off_line << " m, hand direction error " << t.hand_direction_error);
    REQUIRE(t.phase == "clamp");
    REQUIRE(t.max_cursor_off_line < 1e-6);
  }
  // without the clamp the same random torques take the cursor off the line
  auto free_env = make_env("ArmReach-v0", {{"schedule", "baseline:4"}});
  auto agent2 = make_agent("random", env->observation_space(), env->action_space(), {}, 3);
  const auto unclamped = run_trials(*free_env, *agent2, 4, 9);
  REQUIRE(unclamped[0].max_cursor_off_line > 0.01);

  // force channel after a curl field: the unadapted hand stays near the line, the channel takes the
  // lateral force; a curl-adapted controller would push the other way
  const auto channel = run_id({{"schedule", "clamp:8"}, {"clamp", "channel"}}, 8);
  for (const auto& t : channel) {
    INFO("channel: lateral " << t.lateral << " m, force on the wall " << t.channel_force << " N");
    REQUIRE(std::fabs(t.lateral) < 0.001);
    REQUIRE(t.outcome == "correct");
  }
}

TEST_CASE("The schedule runs across episodes and restarts with reset(seed)", "[arm_reach]") {
  auto env = make_env("ArmReach-v0", {{"schedule", "baseline:2,rotation:2"}, {"trials_per_episode", "1"}});
  auto agent = make_agent("inverse-dynamics", env->observation_space(), env->action_space(), {}, 1);
  auto a = run_trials(*env, *agent, 5, 4);
  const std::vector<std::string> want = {"baseline", "baseline", "rotation", "rotation", "rotation"};
  for (int i = 0; i < 5; ++i) {
    REQUIRE(a[i].phase == want[i]);
    REQUIRE(a[i].trial == i + 1);
  }
  auto b = run_trials(*env, *agent, 1, 4);
  REQUIRE(b[0].phase == "baseline");
  REQUIRE(b[0].trial == 1);
  REQUIRE(b[0].target == a[0].target);

  // several trials in one episode
  auto multi = make_env("ArmReach-v0", {{"trials_per_episode", "3"}, {"target_order", "sequential"}});
  auto id = make_agent("inverse-dynamics", multi->observation_space(), multi->action_space(), {}, 1);
  auto r0 = multi->reset(1);
  std::vector<float> obs(r0.obs.begin(), r0.obs.end());
  id->begin_episode();
  int ended = 0, correct = 0;
  for (;;) {
    auto r = multi->step(id->act(obs));
    obs.assign(r.obs.begin(), r.obs.end());
    if (!r.info.string_or_empty("trial_outcome").empty()) {
      ++ended;
      correct += r.info.get_string("trial_outcome") == "correct";
      REQUIRE(r.info.get_int("target") == ended - 1);
    }
    if (r.terminated || r.truncated) break;
  }
  REQUIRE(ended == 3);
  REQUIRE(correct == 3);
}

TEST_CASE("ArmReach-v0 option mistakes are clear usage errors", "[arm_reach]") {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "is empty"},
      {"baseline", "has no ':'"},
      {"foo:3", "unknown phase \"foo\""},
      {"baseline:0", "not a positive integer"},
      {"baseline:x", "not a positive integer"},
      {"baseline:-4", "not a positive integer"},
      {"baseline:40,,clamp:3", "empty item"}};
  for (const auto& [value, why] : bad) {
    INFO("schedule=" << value);
    REQUIRE_THROWS_AS(make_env("ArmReach-v0", {{"schedule", value}}), UsageError);
    REQUIRE_THROWS_WITH(make_env("ArmReach-v0", {{"schedule", value}}),
                        Contains("schedule") && Contains(why) && Contains("baseline|rotation|counter_rotation"));
  }
  REQUIRE_THROWS_WITH(make_env("ArmReach-v0", {{"hold_ms", "2000"}}), Contains("hold_ms") && Contains("timeout_ms"));
  REQUIRE_THROWS_WITH(make_env("ArmReach-v0", {{"hold_ms", "15"}}), Contains("hold_ms") && Contains("whole number"));
  REQUIRE_THROWS_WITH(make_env("ArmReach-v0", {{"clamp", "wall"}}), Contains("clamp") && Contains("visual|channel"));
  REQUIRE_THROWS_WITH(make_env("ArmReach-v0", {{"r1", "0.5"}}), Contains("r1"));
}

TEST_CASE("ArmReach-v0 draws the arm, start, targets, hand and cursor", "[arm_reach]") {
  auto env = make_env("ArmReach-v0");
  env->reset(2);
  DrawList dl;
  env->draw(dl);
  REQUIRE(dl.lines.size() == 2);                // upper arm and forearm
  REQUIRE(dl.circles.size() == 8 + 1 + 2 + 2);  // targets, start, shoulder and elbow, hand and cursor
  REQUIRE(dl.texts.size() == 1);
}

TEST_CASE("Sign conventions: a leftward push deviates the hand left and loads the channel positively", "[arm_reach]") {
  // inverse-dynamics plus a constant 2 N hand force to the left of the reach, added through J^T
  auto run = [](const KeyValues& opts) {
    auto env = make_env("ArmReach-v0", opts);
    auto id = make_agent("inverse-dynamics", env->observation_space(), env->action_space(), {}, 1);
    std::vector<TrialResult> out;
    for (int i = 0; i < 8; ++i) {
      auto r0 = env->reset(i == 0 ? std::optional<std::uint64_t>(3) : std::nullopt);
      std::vector<float> obs(r0.obs.begin(), r0.obs.end());
      id->begin_episode();
      Action push = Action::box({0.0f, 0.0f});
      for (;;) {
        const Action& a = id->act(obs);
        const double n = std::hypot(obs[8], obs[9]);
        const double fx = -2.0 * obs[9] / n, fy = 2.0 * obs[8] / n;
        const arm::Jac j = arm::jacobian(arm::ArmParams{}, obs[0], obs[1]);
        push.values[0] = static_cast<float>(a.values[0] + j.j11 * fx + j.j21 * fy);
        push.values[1] = static_cast<float>(a.values[1] + j.j12 * fx + j.j22 * fy);
        auto r = env->step(push);
        obs.assign(r.obs.begin(), r.obs.end());
        if (!r.info.string_or_empty("trial_outcome").empty()) {
          TrialResult t;
          t.lateral = r.info.get_double("lateral_deviation_m");
          t.channel_force = r.info.get_double("channel_force_n");
          t.hand_direction_error = r.info.get_double("hand_direction_error_deg");
          out.push_back(t);
        }
        if (r.terminated || r.truncated) break;
      }
    }
    return out;
  };
  for (const auto& t : run({{"schedule", "baseline:8"}})) {
    INFO("free: lateral " << t.lateral << " m, hand direction error " << t.hand_direction_error << " deg");
    REQUIRE(t.lateral > 0.001);
    REQUIRE(t.hand_direction_error > 0.0);
  }
  for (const auto& t : run({{"schedule", "clamp:8"}, {"clamp", "channel"}})) {
    INFO("channel: force on the wall " << t.channel_force << " N, lateral " << t.lateral << " m");
    REQUIRE(t.channel_force == Approx(2.0).margin(0.3));
    REQUIRE(std::fabs(t.lateral) < 0.001);
  }
}

TEST_CASE("visual_delay_ms: the cursor and in_target observations lag the screen by whole steps", "[arm_reach]") {
  // the same open-loop torques on an env without and with a 120 ms (12-step) visual latency, over three
  // rotated trials in one episode: only the visual elements differ, and they are the undelayed env's of
  // 12 steps earlier in the same trial (the go-cue view before that); rewards and measures are the same
  const int d = 12;
  KeyValues base = {{"schedule", "rotation:3"}, {"target_order", "sequential"}, {"trials_per_episode", "3"}};
  KeyValues delayed = base;
  delayed.emplace_back("visual_delay_ms", "120");
  auto e0 = make_env("ArmReach-v0", base);
  auto e1 = make_env("ArmReach-v0", delayed);
  auto r0 = e0->reset(4);
  auto r1 = e1->reset(4);
  std::vector<std::vector<float>> seen0{std::vector<float>(r0.obs.begin(), r0.obs.end())};
  std::vector<float> o1(r1.obs.begin(), r1.obs.end());
  REQUIRE(o1 == seen0.back());
  int in_trial = 0, lagged = 0, ended = 0;
  for (int t = 0; t < 450; ++t) {
    // a smooth push toward the target and back, the same for both envs
    const float s = static_cast<float>(std::sin(0.06 * in_trial));
    const Action a = Action::box({1.2f * s, -0.8f * s});
    auto s0 = e0->step(a);
    auto s1 = e1->step(a);
    REQUIRE(s0.reward == s1.reward);
    REQUIRE(s0.terminated == s1.terminated);
    REQUIRE(s0.info.get_double("direction_error_deg") == s1.info.get_double("direction_error_deg"));
    const bool ended_now = !s0.info.string_or_empty("trial_outcome").empty();
    if (ended_now) ++ended;
    // inside the episode the next trial's first moment is shown at once; the last step shows the end
    const bool new_trial = ended_now && !s0.terminated;
    in_trial = new_trial ? 0 : in_trial + 1;
    if (new_trial) seen0.clear();
    seen0.emplace_back(s0.obs.begin(), s0.obs.end());
    o1.assign(s1.obs.begin(), s1.obs.end());
    const auto& now = seen0.back();
    const auto& then = seen0[static_cast<std::size_t>(std::max(0, in_trial - d))];
    for (int i : {0, 1, 2, 3, 4, 5, 8, 9, 11}) REQUIRE(o1[static_cast<std::size_t>(i)] == now[static_cast<std::size_t>(i)]);
    INFO("step " << t << ", step in trial " << in_trial << ", trials ended " << ended);
    for (int i : {6, 7, 10}) REQUIRE(o1[static_cast<std::size_t>(i)] == then[static_cast<std::size_t>(i)]);
    if (in_trial > d && (o1[6] != now[6] || o1[7] != now[7])) ++lagged;
    if (s0.terminated || s0.truncated) break;
  }
  INFO("trials ended " << ended << ", steps where the seen cursor differs from the screen's " << lagged);
  REQUIRE(ended >= 1);
  REQUIRE(lagged > 50);  // the arm moved, so the lag is visible
  REQUIRE_THROWS_WITH(make_env("ArmReach-v0", {{"visual_delay_ms", "115"}}),
                      Contains("visual_delay_ms") && Contains("whole number"));
  REQUIRE_THROWS_WITH(make_env("ArmReach-v0", {{"visual_delay_ms", "-10"}}), Contains("visual_delay_ms"));
}
