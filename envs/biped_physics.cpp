// Physics core of BipedalWalker: see biped_physics.hpp. Every rule cites the reference
// (Gymnasium gymnasium/envs/box2d/bipedal_walker.py, "ref" below) or EnvPool's C++ port
// (envpool/box2d/bipedal_walker_env.cc, "envpool" below).
#include "biped_physics.hpp"

#include <algorithm>
#include <cmath>

namespace sgym::biped {
namespace {

// category bits of the reference's fixtures: ground 0x0001, walker 0x0020 (colliding only with ground)
constexpr std::uint16_t kGroundCategory = 0x0001;
constexpr std::uint16_t kWalkerCategory = 0x0020;

// terrain generator states (ref: GRASS, STUMP, STAIRS, PIT, _STATES_ = range(5))
enum TerrainState { kGrass = 0, kStump = 1, kStairs = 2, kPit = 3, kStates = 4 };

// numpy's np.sign: -1, 0 or +1
double sign_of(double v) { return v > 0.0 ? 1.0 : (v < 0.0 ? -1.0 : 0.0); }

// numpy Generator.integers(lo, hi): uniform on [lo, hi); a one-value range draws nothing
int integers(NumpyGenerator& rng, int lo, int hi) { return static_cast<int>(rng.integers(lo, hi)); }

b2Vec2 vec(double x, double y) { return b2Vec2(static_cast<float>(x), static_cast<float>(y)); }

}  // namespace

float BipedPhysics::Lidar::ReportFixture(b2Fixture* fixture, const b2Vec2& point, const b2Vec2&,
                                         float frac) {
  // ref LidarCallback: ignore the walker's own fixtures, clip the ray at each hit -> closest hit
  if ((fixture->GetFilterData().categoryBits & 1) == 0) return -1.0f;
  p2 = point;
  fraction = frac;
  return frac;
}

void BipedPhysics::Contacts::BeginContact(b2Contact* contact) {
  // ref ContactDetector.BeginContact: any hull contact ends the game; only the lower legs
  // (legs[1], legs[3]) track ground contact
  const b2Body* a = contact->GetFixtureA()->GetBody();
  const b2Body* b = contact->GetFixtureB()->GetBody();
  if (phys.hull_ == a || phys.hull_ == b) phys.game_over_ = true;
  for (std::size_t i : {std::size_t{1}, std::size_t{3}})
    if (phys.legs_[i] == a || phys.legs_[i] == b) phys.ground_contact_[i] = true;
}

void BipedPhysics::Contacts::EndContact(b2Contact* contact) {
  // ref ContactDetector.EndContact: a flag, not a count (ending one of two contacts clears it)
  const b2Body* a = contact->GetFixtureA()->GetBody();
  const b2Body* b = contact->GetFixtureB()->GetBody();
  for (std::size_t i : {std::size_t{1}, std::size_t{3}})
    if (phys.legs_[i] == a || phys.legs_[i] == b) phys.ground_contact_[i] = false;
}

BipedPhysics::BipedPhysics(bool hardcore)
    : hardcore_(hardcore), world_(b2Vec2(0.0f, -10.0f)), contacts_(*this) {
  // pybox2d's b2World() default gravity is (0, -10); envpool uses the same
  terrain_bodies_.reserve(2 * kTerrainLength);
  terrain_x_.reserve(kTerrainLength);
  terrain_y_.reserve(kTerrainLength);
  obstacles_.reserve(kTerrainLength);
  clouds_.reserve(kTerrainLength / 20);
  // an obstacle takes at least one terrain step, so TERRAIN_LENGTH quads bound any terrain's
  spare_obstacles_.reserve(kTerrainLength);
  if (hardcore_)
    for (int i = 0; i < kTerrainLength; ++i) spare_obstacles_.emplace_back().reserve(4);
}

BipedPhysics::~BipedPhysics() { world_.SetContactListener(nullptr); }

void BipedPhysics::destroy() {
  // ref _destroy: the world is kept (its allocators keep their blocks), the bodies go in the
  // reference's order: its terrain list is reversed after creation (surface edges last to first, then
  // obstacles last to first), then hull, then legs. The order decides which freed broad-phase proxies
  // the next terrain reuses, hence the contact order of later episodes.
  world_.SetContactListener(nullptr);
  for (auto t = terrain_bodies_.rbegin(); t != terrain_bodies_.rend(); ++t) world_.DestroyBody(*t);
  terrain_bodies_.clear();
  if (hull_ != nullptr) world_.DestroyBody(hull_);
  hull_ = nullptr;
  for (b2Body*& l : legs_) {
    if (l != nullptr) world_.DestroyBody(l);
    l = nullptr;
  }
  joints_.fill(nullptr);  // destroyed with their bodies
}

void BipedPhysics::reset(NumpyGenerator& rng) {
  // ref reset: destroy, listener, game_over = False, terrain, clouds, walker (in this order, which is
  // also the order of random draws)
  destroy();
  world_.SetContactListener(&contacts_);
  game_over_ = false;
  ground_contact_.fill(false);
  generate_terrain(rng);
  generate_clouds(rng);
  create_walker(rng);
  for (Lidar& l : lidar_) {
    l.fraction = 1.0f;
    l.p1 = l.p2 = hull_->GetPosition();
  }
}

void BipedPhysics::add_obstacle(const std::array<b2Vec2, 4>& quad) {
  // ref fd_polygon: friction FRICTION, default filter (category 0x0001, collides with everything)
  b2BodyDef bd;
  bd.type = b2_staticBody;
  b2PolygonShape shape;
  shape.Set(quad.data(), static_cast<std::int32_t>(quad.size()));
  b2FixtureDef fd;
  fd.shape = &shape;
  fd.friction = static_cast<float>(kFriction);
  b2Body* t = world_.CreateBody(&bd);
  t->CreateFixture(&fd);
  terrain_bodies_.push_back(t);
  if (spare_obstacles_.empty()) {
    obstacles_.emplace_back(quad.begin(), quad.end());
  } else {
    obstacles_.push_back(std::move(spare_obstacles_.back()));
    spare_obstacles_.pop_back();
    obstacles_.back().assign(quad.begin(), quad.end());
  }
}

void BipedPhysics::generate_terrain(NumpyGenerator& rng) {
  // ref _generate_terrain with generated (not designed) metadata, i.e. grass variations on and
  // terrain_grass = TERRAIN_GRASS; numbers are doubles as in Python, vertices become float32 in Box2D
  for (Poly& p : obstacles_) spare_obstacles_.push_back(std::move(p));
  obstacles_.clear();
  terrain_x_.clear();
  terrain_y_.clear();
  int state = kGrass;
  double velocity = 0.0;
  double y = kTerrainHeight;
  int counter = kTerrainStartpad;
  bool oneshot = false;
  int stair_steps = 0, stair_width = 0, stair_height = 0;
  double original_y = 0.0;
  for (int i = 0; i < kTerrainLength; ++i) {
    const double x = i * kTerrainStep;
    terrain_x_.push_back(x);
    if (state == kGrass && !oneshot) {
      // grass: a damped random walk pulled back to TERRAIN_HEIGHT, flat over the start pad
      velocity = 0.8 * velocity + 0.01 * sign_of(kTerrainHeight - y);
      if (i > kTerrainStartpad) velocity += rng.uniform(-1.0, 1.0) / kScale;
      y += velocity;
    } else if (state == kPit && oneshot) {
      // pit: two 1-step-wide walls 4 steps deep, `counter` (3 or 4) steps apart
      counter = integers(rng, 3, 5);
      std::array<b2Vec2, 4> poly = {vec(x, y), vec(x + kTerrainStep, y), vec(x + kTerrainStep, y - 4 * kTerrainStep),
                                    vec(x, y - 4 * kTerrainStep)};
      add_obstacle(poly);
      const double px[4] = {x, x + kTerrainStep, x + kTerrainStep, x};
      const double py[4] = {y, y, y - 4 * kTerrainStep, y - 4 * kTerrainStep};
      for (int k = 0; k < 4; ++k) poly[static_cast<std::size_t>(k)] = vec(px[k] + kTerrainStep * counter, py[k]);
      add_obstacle(poly);
      counter += 2;
      original_y = y;
    } else if (state == kPit && !oneshot) {
      y = original_y;
      if (counter > 1) y -= 4 * kTerrainStep;
    } else if (state == kStump && oneshot) {
      // stump: a square of 1 or 2 steps
      counter = integers(rng, 1, 3);
      add_obstacle({vec(x, y), vec(x + counter * kTerrainStep, y),
                    vec(x + counter * kTerrainStep, y + counter * kTerrainStep),
                    vec(x, y + counter * kTerrainStep)});
    } else if (state == kStairs && oneshot) {
      // stairs: up or down (random() > 0.5), width integers(4, 5) = 4 (no draw), 3 or 4 steps
      stair_height = rng.random() > 0.5 ? +1 : -1;
      stair_width = integers(rng, 4, 5);
      stair_steps = integers(rng, 3, 5);
      original_y = y;
      for (int s = 0; s < stair_steps; ++s) {
        add_obstacle({vec(x + (s * stair_width) * kTerrainStep, y + (s * stair_height) * kTerrainStep),
                      vec(x + ((1 + s) * stair_width) * kTerrainStep, y + (s * stair_height) * kTerrainStep),
                      vec(x + ((1 + s) * stair_width) * kTerrainStep, y + (-1 + s * stair_height) * kTerrainStep),
                      vec(x + (s * stair_width) * kTerrainStep, y + (-1 + s * stair_height) * kTerrainStep)});
      }
      counter = stair_steps * stair_width;
    } else if (state == kStairs && !oneshot) {
      // Python 3 true division: the surface line slopes through the steps (envpool does the same)
      const int s = stair_steps * stair_width - counter - stair_height;
      const double n = static_cast<double>(s) / stair_width;
      y = original_y + (n * stair_height) * kTerrainStep;
    }
    oneshot = false;
    terrain_y_.push_back(y);
    counter -= 1;
    if (counter == 0) {
      // next stretch: integers(TERRAIN_GRASS / 2, TERRAIN_GRASS) steps; in hardcore, grass is followed
      // by an obstacle state integers(1, _STATES_), anything else by grass
      counter = integers(rng, kTerrainGrass / 2, kTerrainGrass);
      if (state == kGrass && hardcore_) {
        state = integers(rng, 1, kStates);
      } else {
        state = kGrass;
      }
      oneshot = true;
    }
  }
  // surface: TERRAIN_LENGTH - 1 edges, friction FRICTION, category 0x0001. Box2D 2.3 (pybox2d) edges
  // collide on both sides; in 2.4 that must be asked for with SetTwoSided (envpool does the same)
  for (int i = 0; i + 1 < kTerrainLength; ++i) {
    const auto k = static_cast<std::size_t>(i);
    b2BodyDef bd;
    bd.type = b2_staticBody;
    b2EdgeShape shape;
    shape.SetTwoSided(vec(terrain_x_[k], terrain_y_[k]), vec(terrain_x_[k + 1], terrain_y_[k + 1]));
    b2FixtureDef fd;
    fd.shape = &shape;
    fd.friction = static_cast<float>(kFriction);
    fd.filter.categoryBits = kGroundCategory;
    b2Body* t = world_.CreateBody(&bd);
    t->CreateFixture(&fd);
    terrain_bodies_.push_back(t);
  }
}

void BipedPhysics::generate_clouds(NumpyGenerator& rng) {
  // ref _generate_clouds: TERRAIN_LENGTH // 20 clouds; each draws its x, then per vertex an x jitter
  // and a y jitter (in that order). Decorative, but drawn from the same stream before the hull push.
  // the clouds are overwritten in place (their number and size are fixed): no allocation after the
  // first reset
  clouds_.resize(kTerrainLength / 20);
  for (Poly& poly : clouds_) {
    const double x = rng.uniform(0.0, kTerrainLength) * kTerrainStep;
    const double y = kViewportH / kScale * 3 / 4;
    poly.resize(5);
    for (std::size_t a = 0; a < 5; ++a) {
      const double px = x + 15 * kTerrainStep * std::sin(3.14 * 2 * static_cast<double>(a) / 5) + rng.uniform(0.0, 5 * kTerrainStep);
      const double py = y + 5 * kTerrainStep * std::cos(3.14 * 2 * static_cast<double>(a) / 5) + rng.uniform(0.0, 5 * kTerrainStep);
      poly[a] = vec(px, py);
    }
  }
}

void BipedPhysics::create_walker(NumpyGenerator& rng) {
  // ref reset: hull at (TERRAIN_STEP·STARTPAD/2, TERRAIN_HEIGHT + 2·LEG_H)
  const double init_x = kTerrainStep * kTerrainStartpad / 2;
  const double init_y = kTerrainHeight + 2 * kLegH;
  {
    // HULL_FD: polygon HULL_POLY/SCALE, density 5, friction 0.1, category 0x20, mask 0x001, restitution 0
    b2BodyDef bd;
    bd.type = b2_dynamicBody;
    bd.position = vec(init_x, init_y);
    b2Vec2 verts[kHullPoly.size()];
    for (std::size_t k = 0; k < kHullPoly.size(); ++k) verts[k] = vec(kHullPoly[k][0] / kScale, kHullPoly[k][1] / kScale);
    b2PolygonShape shape;
    shape.Set(verts, static_cast<std::int32_t>(kHullPoly.size()));
    b2FixtureDef fd;
    fd.shape = &shape;
    fd.density = 5.0f;
    fd.friction = 0.1f;
    fd.filter.categoryBits = kWalkerCategory;
    fd.filter.maskBits = kGroundCategory;
    fd.restitution = 0.0f;
    hull_ = world_.CreateBody(&bd);
    hull_->CreateFixture(&fd);
    // a random horizontal push, applied during the reset's zero-action step
    hull_->ApplyForceToCenter(vec(rng.uniform(-kInitialRandom, kInitialRandom), 0.0), true);
  }
  for (int side = 0; side < 2; ++side) {
    const double i = side == 0 ? -1.0 : +1.0;  // ref: for i in [-1, +1]
    const auto up = static_cast<std::size_t>(2 * side), low = up + 1;
    // LEG_FD: box LEG_W/2 x LEG_H/2, density 1, default friction 0.2, restitution 0, category 0x20, mask 1
    b2BodyDef bd;
    bd.type = b2_dynamicBody;
    bd.position = vec(init_x, init_y - kLegH / 2 - kLegDown);
    bd.angle = static_cast<float>(i * 0.05);
    b2PolygonShape shape;
    shape.SetAsBox(static_cast<float>(kLegW / 2), static_cast<float>(kLegH / 2));
    b2FixtureDef fd;
    fd.shape = &shape;
    fd.density = 1.0f;
    fd.restitution = 0.0f;
    fd.filter.categoryBits = kWalkerCategory;
    fd.filter.maskBits = kGroundCategory;
    legs_[up] = world_.CreateBody(&bd);
    legs_[up]->CreateFixture(&fd);

    // hip: anchors (0, LEG_DOWN) on the hull and (0, LEG_H/2) on the leg; motor torque 80, initial
    // speed i; limits [-0.8, 1.1] rad. pybox2d sets the reference angle to bodyB.angle - bodyA.angle
    // (= i·0.05), which C++ Box2D leaves at 0 unless told (envpool sets it explicitly, as here)
    b2RevoluteJointDef rjd;
    rjd.bodyA = hull_;
    rjd.bodyB = legs_[up];
    rjd.localAnchorA = vec(0.0, kLegDown);
    rjd.localAnchorB = vec(0.0, kLegH / 2);
    rjd.referenceAngle = legs_[up]->GetAngle() - hull_->GetAngle();
    rjd.enableMotor = true;
    rjd.enableLimit = true;
    rjd.maxMotorTorque = static_cast<float>(kMotorsTorque);
    rjd.motorSpeed = static_cast<float>(i);
    rjd.lowerAngle = -0.8f;
    rjd.upperAngle = 1.1f;
    joints_[up] = static_cast<b2RevoluteJoint*>(world_.CreateJoint(&rjd));

    // LOWER_FD: box 0.8·LEG_W/2 x LEG_H/2, otherwise as LEG_FD
    bd.position = vec(init_x, init_y - kLegH * 3 / 2 - kLegDown);
    shape.SetAsBox(static_cast<float>(0.8 * kLegW / 2), static_cast<float>(kLegH / 2));
    legs_[low] = world_.CreateBody(&bd);
    legs_[low]->CreateFixture(&fd);

    // knee: anchors (0, -LEG_H/2) and (0, LEG_H/2); initial speed 1; limits [-1.6, -0.1] rad;
    // reference angle 0 (both segments start at the same angle)
    rjd.bodyA = legs_[up];
    rjd.bodyB = legs_[low];
    rjd.localAnchorA = vec(0.0, -kLegH / 2);
    rjd.localAnchorB = vec(0.0, kLegH / 2);
    rjd.referenceAngle = legs_[low]->GetAngle() - legs_[up]->GetAngle();
    rjd.motorSpeed = 1.0f;
    rjd.lowerAngle = -1.6f;
    rjd.upperAngle = -0.1f;
    joints_[low] = static_cast<b2RevoluteJoint*>(world_.CreateJoint(&rjd));
  }
}

void BipedPhysics::step(const float* action) {
  // ref step (control_speed = False): motor speed SPEED·sign(a), torque limit MOTORS_TORQUE·clip(|a|, 0, 1).
  // Box2D 2.3's SetMotorSpeed / SetMaxMotorTorque wake both bodies on every call; 2.4's only when the
  // value changes, so a walker at rest under a constant action would fall asleep (frozen, velocities
  // zeroed). Waking them keeps 2.3's rule.
  for (std::size_t j = 0; j < 4; ++j) {
    const double a = static_cast<double>(action[j]);
    const double speed = (j % 2 == 0 ? kSpeedHip : kSpeedKnee) * sign_of(a);
    joints_[j]->SetMotorSpeed(static_cast<float>(speed));
    joints_[j]->SetMaxMotorTorque(static_cast<float>(kMotorsTorque * std::min(std::fabs(a), 1.0)));
    joints_[j]->GetBodyA()->SetAwake(true);
    joints_[j]->GetBodyB()->SetAwake(true);
  }
  world_.Step(static_cast<float>(1.0 / kFps), kVelocityIterations, kPositionIterations);

  // lidar: 10 rays from the hull centre at 1.5·i/10 rad from straight down, LIDAR_RANGE long
  const b2Vec2 pos = hull_->GetPosition();
  for (std::size_t i = 0; i < lidar_.size(); ++i) {
    Lidar& l = lidar_[i];
    l.fraction = 1.0f;
    l.p1 = pos;
    const double angle = 1.5 * static_cast<double>(i) / 10.0;
    l.p2 = vec(pos.x + std::sin(angle) * kLidarRange, pos.y - std::cos(angle) * kLidarRange);
    world_.RayCast(&l, l.p1, l.p2);
  }
}

void BipedPhysics::observe(float* obs) const {
  // ref step, `state`: computed in double from Box2D's float32 values, returned as float32
  const b2Vec2 vel = hull_->GetLinearVelocity();
  const auto j = [this](int k) { return joints_[static_cast<std::size_t>(k)]; };
  const double v[kObsSize - kLidarRays] = {
      hull_->GetAngle(),
      2.0 * hull_->GetAngularVelocity() / kFps,
      0.3 * vel.x * (kViewportW / kScale) / kFps,  // normalised to about -1..1
      0.3 * vel.y * (kViewportH / kScale) / kFps,
      j(0)->GetJointAngle(),
      j(0)->GetJointSpeed() / kSpeedHip,
      j(1)->GetJointAngle() + 1.0,
      j(1)->GetJointSpeed() / kSpeedKnee,
      ground_contact_[1] ? 1.0 : 0.0,
      j(2)->GetJointAngle(),
      j(2)->GetJointSpeed() / kSpeedHip,
      j(3)->GetJointAngle() + 1.0,
      j(3)->GetJointSpeed() / kSpeedKnee,
      ground_contact_[3] ? 1.0 : 0.0,
  };
  for (int k = 0; k < kObsSize - kLidarRays; ++k) obs[k] = static_cast<float>(v[k]);
  for (int i = 0; i < kLidarRays; ++i) obs[kObsSize - kLidarRays + i] = lidar_[static_cast<std::size_t>(i)].fraction;
}

double BipedPhysics::shaping() const {
  // ref: shaping = 130·pos.x/SCALE − 5·|hull angle| (moving forward pays ~300 over the course)
  const double x = hull_->GetPosition().x;
  return 130 * x / kScale - kShapingPerAngle * std::fabs(static_cast<double>(hull_->GetAngle()));
}

}  // namespace sgym::biped
