// BipedalWalker-v3 / BipedalWalkerHardcore-v3: the port traps of a C++ Box2D 2.4 port of Gymnasium's
// bipedal_walker.py, each checked against the physics core, and the scripted gait controller.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "biped_physics.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"

using namespace sgym;
using namespace sgym::biped;

namespace {

constexpr float kZero[4] = {0, 0, 0, 0};

// which walker bodies touch anything right now, from Box2D's own contact list
std::array<bool, 4> touching_legs(BipedPhysics& p) {
  std::array<bool, 4> t{};
  for (b2Contact* c = p.world().GetContactList(); c != nullptr; c = c->GetNext()) {
    if (!c->IsTouching()) continue;
    for (int i = 0; i < 4; ++i)
      if (c->GetFixtureA()->GetBody() == &p.leg(i) || c->GetFixtureB()->GetBody() == &p.leg(i)) t[static_cast<std::size_t>(i)] = true;
  }
  return t;
}

struct Episode {
  double ret = 0.0, x0 = 0.0, x1 = 0.0, min_r = 0.0, max_r = 0.0;
  int length = 0;
  bool terminated = false;
};

// one episode of `agent` (or zero actions when null) on a TimeLimit-wrapped env
Episode play(Env& env, Agent* agent, std::uint64_t seed) {
  Episode e;
  auto r0 = env.reset(seed);
  e.x0 = r0.info.get_double("hull_x");
  std::vector<float> obs(r0.obs.begin(), r0.obs.end());
  const Action zero = Action::box({0, 0, 0, 0});
  if (agent != nullptr) agent->begin_episode();
  e.min_r = INFINITY;
  e.max_r = -INFINITY;
  for (;;) {
    auto r = env.step(agent != nullptr ? agent->act(obs) : zero);
    obs.assign(r.obs.begin(), r.obs.end());
    if (agent != nullptr) agent->observe(r.reward, obs, r.terminated, r.truncated);
    e.ret += r.reward;
    e.min_r = std::min(e.min_r, r.reward);
    e.max_r = std::max(e.max_r, r.reward);
    ++e.length;
    e.x1 = r.info.get_double("hull_x");
    if (r.terminated || r.truncated) {
      e.terminated = r.terminated;
      break;
    }
  }
  if (agent != nullptr) agent->end_episode();
  return e;
}

// tests/golden/gymnasium_bipedal_walker.txt (tests/golden/make_gymnasium_walker.py, run with Gymnasium 1.4
// and pybox2d 2.3.10): per "variant seed", the lines of each kind, each a list of numbers
using GymLines = std::map<std::string, std::map<std::string, std::vector<std::vector<double>>>>;
GymLines gymnasium_reference() {
  std::ifstream in(std::string(SGYM_GOLDEN_DIR) + "/gymnasium_bipedal_walker.txt");
  REQUIRE(in);
  GymLines out;
  for (std::string text; std::getline(in, text);) {
    std::istringstream ss(text);
    std::string variant, seed, kind;
    ss >> variant >> seed >> kind;
    std::vector<double> v;
    for (std::string w; ss >> w;) v.push_back(std::stod(w));
    out[variant + " " + seed][kind].push_back(v);
  }
  return out;
}

}  // namespace

TEST_CASE("BipedalWalker: seed S gives Gymnasium's terrain, obstacles, clouds and push draws", "[biped]") {
  const GymLines ref = gymnasium_reference();
  REQUIRE(ref.size() == 7);
  for (const auto& [key, kinds] : ref) {
    INFO(key);
    const bool hardcore = key.rfind("hardcore", 0) == 0;
    const std::uint64_t seed = std::stoull(key.substr(key.find(' ') + 1));
    BipedPhysics p(hardcore);
    NumpyGenerator rng(seed);
    p.reset(rng);
    // terrain heights are computed in double by the same operations (no FMA contraction): equal
    const auto& ty = kinds.at("terrain_y").at(0);
    REQUIRE(ty.size() == p.terrain_y().size());
    for (std::size_t i = 0; i < ty.size(); ++i) REQUIRE(p.terrain_y()[i] == ty[i]);
    // obstacles: Box2D's float32 vertices, in creation order
    const auto obstacles = kinds.count("obstacle") != 0 ? kinds.at("obstacle") : std::vector<std::vector<double>>{};
    REQUIRE(p.obstacles().size() == obstacles.size());
    if (hardcore) CHECK(!obstacles.empty());
    // (as vertex sets: Box2D's convex hull starts the reference's list at another corner)
    for (std::size_t k = 0; k < obstacles.size(); ++k) {
      std::vector<std::pair<float, float>> ours, theirs;
      for (std::size_t v = 0; v < 4; ++v) {
        ours.emplace_back(p.obstacles()[k][v].x, p.obstacles()[k][v].y);
        theirs.emplace_back(static_cast<float>(obstacles[k][2 * v]), static_cast<float>(obstacles[k][2 * v + 1]));
      }
      std::sort(ours.begin(), ours.end());
      std::sort(theirs.begin(), theirs.end());
      REQUIRE(ours == theirs);
    }
    // clouds: doubles in the reference, float32 here
    const auto& clouds = kinds.at("cloud");
    REQUIRE(p.clouds().size() == clouds.size());
    for (std::size_t k = 0; k < clouds.size(); ++k)
      for (std::size_t v = 0; v < 5; ++v) {
        REQUIRE(p.clouds()[k][v].x == static_cast<float>(clouds[k][2 * v]));
        REQUIRE(p.clouds()[k][v].y == static_cast<float>(clouds[k][2 * v + 1]));
      }
    // the push is the last draw of reset, and the draw after it is the reference's next random(): the
    // port drew as many numbers, so its push is the reference's (python/tests/test_walker_parity.py
    // compares the resulting first observations)
    const double next = rng.random();
    CHECK(next == kinds.at("next_random").at(0).at(0));
    // and the same seed rebuilds the same world
    NumpyGenerator replay(seed);
    BipedPhysics q(hardcore);
    q.reset(replay);
    CHECK(q.terrain_y() == p.terrain_y());
    CHECK(replay.random() == next);
  }
}

TEST_CASE("BipedalWalker: hip joints carry the bodies' angle difference as reference angle", "[biped]") {
  // pybox2d sets referenceAngle = bodyB.angle - bodyA.angle; C++ Box2D's default is 0
  BipedPhysics p(false);
  NumpyGenerator rng(3);
  p.reset(rng);
  CHECK(p.joint(0).GetReferenceAngle() == -0.05f);
  CHECK(p.joint(2).GetReferenceAngle() == +0.05f);
  CHECK(p.joint(1).GetReferenceAngle() == 0.0f);
  CHECK(p.joint(3).GetReferenceAngle() == 0.0f);
  // so the hips read 0 at rest (legs splayed ±0.05), and the limits are relative to that pose
  for (int j : {0, 2}) {
    CHECK(p.joint(j).GetJointAngle() == 0.0f);
    CHECK(p.joint(j).GetLowerLimit() == -0.8f);
    CHECK(p.joint(j).GetUpperLimit() == 1.1f);
  }
  CHECK(p.leg(0).GetAngle() == -0.05f);
  CHECK(p.leg(2).GetAngle() == +0.05f);
  for (int j : {1, 3}) {
    CHECK(p.joint(j).GetLowerLimit() == -1.6f);
    CHECK(p.joint(j).GetUpperLimit() == -0.1f);
  }
}

TEST_CASE("BipedalWalker: terrain edges collide from both sides", "[biped]") {
  BipedPhysics p(true);
  NumpyGenerator rng(4);
  p.reset(rng);
  int edges = 0;
  for (b2Body* b : p.terrain_bodies()) {
    const b2Shape* s = b->GetFixtureList()->GetShape();
    if (s->GetType() != b2Shape::e_edge) continue;
    ++edges;
    CHECK_FALSE(static_cast<const b2EdgeShape*>(s)->m_oneSided);
  }
  CHECK(edges == kTerrainLength - 1);

  // a box dropped from above rests on the surface, and a box thrown up from below stays below it
  const std::size_t k = 150;  // far from the walker
  const float x = static_cast<float>(0.5 * (p.terrain_x()[k] + p.terrain_x()[k + 1]));
  const float ys = static_cast<float>(0.5 * (p.terrain_y()[k] + p.terrain_y()[k + 1]));
  b2PolygonShape box;
  box.SetAsBox(0.1f, 0.1f);
  b2BodyDef bd;
  bd.type = b2_dynamicBody;
  bd.position.Set(x, ys + 0.5f);
  b2Body* above = p.world().CreateBody(&bd);
  above->CreateFixture(&box, 1.0f);
  bd.position.Set(x, ys - 0.5f);
  bd.linearVelocity.Set(0.0f, 12.0f);
  bd.gravityScale = 0.0f;
  b2Body* below = p.world().CreateBody(&bd);
  below->CreateFixture(&box, 1.0f);
  for (int t = 0; t < 100; ++t) p.world().Step(0.02f, 180, 60);
  CHECK(above->GetPosition().y > ys);
  CHECK(above->GetPosition().y < ys + 0.5f);
  CHECK(below->GetPosition().y < ys);
}

TEST_CASE("BipedalWalker: reset performs one zero-action step and returns its observation", "[biped]") {
  const std::uint64_t seed = GENERATE(as<std::uint64_t>{}, 5, 6);
  auto env = make_env("BipedalWalker-v3");
  auto r0 = env->reset(seed);
  const std::vector<float> reset_obs(r0.obs.begin(), r0.obs.end());

  // the core, driven by NumPy's generator seeded as Env::reset(seed) (and Gymnasium) seed it
  BipedPhysics p(false);
  NumpyGenerator rng(seed);
  p.reset(rng);
  std::array<float, kObsSize> before{}, after{};
  p.observe(before.data());
  p.step(kZero);
  p.observe(after.data());
  CHECK(std::equal(after.begin(), after.end(), reset_obs.begin()));
  CHECK(before != after);                 // the step moved the walker (push, gravity) ...
  CHECK(reset_obs[2] != 0.0f);            // ... so it has a velocity ...
  CHECK(*std::min_element(reset_obs.begin() + 14, reset_obs.end()) < 1.0f);  // ... and lidar hits

  // the first real step's reward is measured from the reset step's shaping, in double
  const double shaping0 = p.shaping();
  const float a[4] = {0.5f, -0.25f, 1.0f, -0.75f};
  auto r1 = env->step(Action::box({a[0], a[1], a[2], a[3]}));
  p.step(a);
  const double expected = (p.shaping() - shaping0) - kTorqueCost * 0.5 - kTorqueCost * 0.25 -
                          kTorqueCost * 1.0 - kTorqueCost * 0.75;
  CHECK(r1.reward == expected);
}

TEST_CASE("BipedalWalker: reward is computed in double, observations in double then stored as float32", "[biped]") {
  auto env = make_env("BipedalWalker-v3");
  BipedPhysics p(false);
  NumpyGenerator rng(9);
  Rng actions(10);
  env->reset(9);
  p.reset(rng);
  p.step(kZero);
  double prev = p.shaping();
  int not_float = 0, steps = 0;
  Action act = Action::box({0, 0, 0, 0});
  std::array<float, kObsSize> obs{};
  for (; steps < 200; ++steps) {
    env->action_space().sample_into(actions, act);
    auto r = env->step(act);
    p.step(act.values.data());
    p.observe(obs.data());
    const double s = p.shaping();
    double expected = s - prev;
    prev = s;
    for (float v : act.values) expected -= kTorqueCost * std::min(std::fabs(static_cast<double>(v)), 1.0);
    if (p.game_over()) expected = kFallReward;
    REQUIRE(r.reward == expected);
    if (static_cast<double>(static_cast<float>(r.reward)) != r.reward) ++not_float;
    // the velocity scaling is done in double and rounded once
    const double vx = p.hull().GetLinearVelocity().x;
    REQUIRE(r.obs[2] == static_cast<float>(0.3 * vx * (kViewportW / kScale) / kFps));
    REQUIRE(std::equal(obs.begin(), obs.end(), r.obs.begin()));
    if (r.terminated || r.truncated) break;
  }
  CHECK(steps > 10);
  CHECK(not_float > steps / 2);  // a float32 reward would always round-trip
}

TEST_CASE("BipedalWalker: ground contact is tracked for the lower legs only", "[biped]") {
  auto env = make_env("BipedalWalker-v3");
  Rng actions(21);
  Action act = Action::box({0, 0, 0, 0});
  int upper_touching = 0, lower_touching = 0, lower_agree = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    BipedPhysics p(false);
    NumpyGenerator rng(seed);
    p.reset(rng);
    p.step(kZero);
    for (int t = 0; t < 300 && !p.game_over(); ++t) {
      env->action_space().sample_into(actions, act);
      p.step(act.values.data());
      const auto touch = touching_legs(p);
      std::array<float, kObsSize> obs{};
      p.observe(obs.data());
      REQUIRE_FALSE(p.ground_contact(0));
      REQUIRE_FALSE(p.ground_contact(2));
      REQUIRE(obs[8] == (p.ground_contact(1) ? 1.0f : 0.0f));
      REQUIRE(obs[13] == (p.ground_contact(3) ? 1.0f : 0.0f));
      upper_touching += touch[0] + touch[2];
      for (int i : {1, 3}) {
        lower_touching += touch[static_cast<std::size_t>(i)];
        lower_agree += touch[static_cast<std::size_t>(i)] == p.ground_contact(i);
      }
    }
  }
  INFO("upper-leg touching steps " << upper_touching << ", lower " << lower_touching);
  CHECK(upper_touching > 0);  // upper legs did touch the ground, and their contact was not reported
  CHECK(lower_touching > 100);
  CHECK(lower_agree > 0);
}

TEST_CASE("BipedalWalker: the hardcore terrain has obstacles, the normal one none", "[biped]") {
  int obstacles = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    BipedPhysics normal(false), hard(true);
    NumpyGenerator a(seed), b(seed);
    normal.reset(a);
    hard.reset(b);
    CHECK(normal.obstacles().empty());
    obstacles += static_cast<int>(hard.obstacles().size());
    // the start pad is flat at TERRAIN_HEIGHT in both
    for (std::size_t i = 0; i <= static_cast<std::size_t>(kTerrainStartpad); ++i) {
      CHECK(normal.terrain_y()[i] == Approx(kTerrainHeight).margin(0.05));
      CHECK(hard.terrain_y()[i] == Approx(kTerrainHeight).margin(0.05));
    }
    CHECK(normal.terrain_x().size() == static_cast<std::size_t>(kTerrainLength));
    CHECK(normal.clouds().size() == static_cast<std::size_t>(kTerrainLength / 20));
  }
  CHECK(obstacles > 5 * 5);
}

TEST_CASE("BipedalWalker: a zero-action biped makes no progress and stays in the reward range", "[biped]") {
  const std::string id = GENERATE(as<std::string>{}, "BipedalWalker-v3", "BipedalWalkerHardcore-v3");
  auto env = make_env(id);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    INFO(id << " seed " << seed);
    // with no torque the knees fold and the walker tumbles forward onto its hull (about 2.4 units
    // in ~120 steps), which ends the episode with -100: no walking, a negative return
    const Episode e = play(*env, nullptr, seed);
    CHECK(e.terminated);
    CHECK(e.length < 300);
    CHECK(std::fabs(e.x1 - e.x0) < 3.0);  // 1.5 % of the course; the heuristic covers > 10
    CHECK(e.ret < -90.0);
    CHECK(e.min_r >= env->spec().reward_min);
    CHECK(e.max_r <= env->spec().reward_max);
  }
}

TEST_CASE("biped-heuristic walks forward on the normal terrain for most seeds", "[biped][agents]") {
  auto env = make_env("BipedalWalker-v3");
  auto agent = make_agent("biped-heuristic", env->observation_space(), env->action_space());
  int walked = 0;
  const int kSeeds = 8;
  double first_return = 0.0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    const Episode e = play(*env, agent.get(), static_cast<std::uint64_t>(seed));
    INFO("seed " << seed << ": return " << e.ret << ", x " << e.x0 << " -> " << e.x1);
    CHECK(e.max_r <= env->spec().reward_max);
    CHECK(e.min_r >= env->spec().reward_min);
    if (seed == 1) first_return = e.ret;
    if (e.ret > 0.0 && e.x1 - e.x0 > 10.0) ++walked;
  }
  CHECK(walked > kSeeds / 2);
  // deterministic: the same seed gives the same return
  CHECK(play(*env, agent.get(), 1).ret == first_return);
}

TEST_CASE("BipedalWalker: motors wake the walker every step, as Box2D 2.3's SetMotorSpeed does", "[biped]") {
  // a split stance held by constant torques comes to rest; Box2D 2.4 wakes joint bodies only when the
  // motor speed or torque changes, so without the port's wake the walker falls asleep after ~80 steps
  // (velocities zeroed, frozen), where 2.3 (the reference) keeps simulating it
  BipedPhysics p(false);
  NumpyGenerator rng(1);
  p.reset(rng);
  p.step(kZero);
  const float hold[4] = {0.5f, 1.0f, -0.5f, 1.0f};
  for (int t = 0; t < 200; ++t) p.step(hold);
  REQUIRE_FALSE(p.game_over());
  CHECK(std::fabs(p.hull().GetLinearVelocity().x) < 0.01f);  // at rest
  CHECK(p.hull().IsAwake());
  for (int i = 0; i < 4; ++i) CHECK(p.leg(i).IsAwake());
}
