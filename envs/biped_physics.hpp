// The physics core of BipedalWalker-v3 / BipedalWalkerHardcore-v3 on Box2D 2.4: world, terrain
// generator, walker bodies and joints, lidar and contact tracking. It takes its RNG explicitly and
// knows nothing of sgym::Env (envs/bipedal_walker.cpp is the adapter).
//
// Every constant and every rule below follows Gymnasium's gymnasium/envs/box2d/bipedal_walker.py
// (Farama-Foundation/Gymnasium, commit 003c8ab9; created by Oleg Klimov for OpenAI Gym), cross-checked
// against EnvPool's C++ port (sail-sg/envpool, envpool/box2d/bipedal_walker_env.cc). Lengths are in
// the reference's world units: its pixel figures divided by SCALE = 30, i.e. Box2D metres.
#pragma once

#include <array>
#include <box2d/box2d.h>
#include <cstdint>
#include <memory>
#include <vector>

#include "sgym/numpy_random.hpp"

namespace sgym::biped {

// ---- constants of the reference (bipedal_walker.py, module level) ----
inline constexpr double kFps = 50.0;            ///< FPS: physics steps per simulated second
inline constexpr double kScale = 30.0;          ///< SCALE: pixels per world unit
inline constexpr double kMotorsTorque = 80.0;   ///< MOTORS_TORQUE: maximum motor torque, N·m
inline constexpr double kSpeedHip = 4.0;        ///< SPEED_HIP: hip motor speed at |action| > 0, rad/s
inline constexpr double kSpeedKnee = 6.0;       ///< SPEED_KNEE: knee motor speed, rad/s
inline constexpr double kLidarRange = 160.0 / kScale;  ///< LIDAR_RANGE: ray length, world units
inline constexpr double kInitialRandom = 5.0;   ///< INITIAL_RANDOM: |initial horizontal push| bound, N
inline constexpr double kLegDown = -8.0 / kScale;      ///< LEG_DOWN: hip anchor below hull centre
inline constexpr double kLegW = 8.0 / kScale;   ///< LEG_W: upper-leg width (lower leg: 0.8 of it)
inline constexpr double kLegH = 34.0 / kScale;  ///< LEG_H: length of each leg segment
inline constexpr double kViewportW = 600.0;     ///< VIEWPORT_W, pixels (used by the velocity scaling)
inline constexpr double kViewportH = 400.0;     ///< VIEWPORT_H, pixels
inline constexpr double kTerrainStep = 14.0 / kScale;  ///< TERRAIN_STEP: terrain x spacing
inline constexpr int kTerrainLength = 200;      ///< TERRAIN_LENGTH: terrain points
inline constexpr double kTerrainHeight = kViewportH / kScale / 4.0;  ///< TERRAIN_HEIGHT: mean ground y
inline constexpr int kTerrainGrass = 10;        ///< TERRAIN_GRASS: grass stretch length bound, steps
inline constexpr int kTerrainStartpad = 20;     ///< TERRAIN_STARTPAD: flat start, steps
inline constexpr double kFriction = 2.5;        ///< FRICTION of terrain fixtures
inline constexpr int kVelocityIterations = 6 * 30;  ///< world.Step(1/FPS, 6*30, 2*30)
inline constexpr int kPositionIterations = 2 * 30;
inline constexpr int kLidarRays = 10;           ///< rays at angles 1.5·i/10 rad from straight down
inline constexpr int kObsSize = 24;             ///< 14 body/joint values + 10 lidar fractions
/// HULL_POLY in pixels (divided by SCALE when the fixture is built).
inline constexpr std::array<std::array<double, 2>, 5> kHullPoly = {
    {{-30, +9}, {+6, +9}, {+34, +1}, {+34, -8}, {-30, -8}}};
/// Shaping reward per world unit of hull x: 130/SCALE (300+ points over the course).
inline constexpr double kShapingPerX = 130.0 / kScale;
/// Shaping penalty per radian of |hull angle|.
inline constexpr double kShapingPerAngle = 5.0;
/// Torque cost per unit |action| per joint: 0.00035 · MOTORS_TORQUE.
inline constexpr double kTorqueCost = 0.00035 * kMotorsTorque;
/// Reward that replaces the step's reward on a fall (hull contact) or on leaving the world (x < 0).
inline constexpr double kFallReward = -100.0;

/// A polygon of the scene in world units.
using Poly = std::vector<b2Vec2>;

/// World, terrain and walker of one BipedalWalker instance. Body creation order and random-draw order
/// follow the reference: terrain (obstacles as they are met, then the 199 surface edges), clouds,
/// then the hull (with its random push), the left leg (upper, hip joint, lower, knee joint), the right.
class BipedPhysics {
 public:
  /// A world for the normal (`hardcore` false) or the hardcore terrain.
  explicit BipedPhysics(bool hardcore);
  ~BipedPhysics();
  BipedPhysics(const BipedPhysics&) = delete;
  BipedPhysics& operator=(const BipedPhysics&) = delete;

  /// Destroys the previous bodies and builds terrain, clouds and walker, drawing from `rng` in the
  /// reference's order. Does not step: the env performs the reference's zero-action step after it.
  /// With `rng` seeded as Gymnasium seeds `reset(seed=S)` (NumpyGenerator(S)), terrain, clouds and
  /// the initial push are Gymnasium's for that seed.
  void reset(NumpyGenerator& rng);

  /// Applies the 4 actions (hip 0, knee 0, hip 1, knee 1; sign picks the direction at rated speed,
  /// |a| clipped to 1 scales the torque limit), steps the world by 1/FPS and casts the lidar.
  void step(const float* action);

  /// Writes the 24 observations (normalised as the reference does, computed in double, stored as
  /// float32) for the current state.
  void observe(float* obs) const;

  /// Shaping potential 130·x/SCALE − 5·|hull angle|, in double.
  double shaping() const;

  /// True once the hull touched the ground since reset (set by the contact listener).
  bool game_over() const { return game_over_; }
  /// Hull x beyond which the episode ends: (TERRAIN_LENGTH − TERRAIN_GRASS)·TERRAIN_STEP.
  static double finish_x() { return (kTerrainLength - kTerrainGrass) * kTerrainStep; }

  /// Ground contact flag of leg i (0, 2 upper legs: always false; 1, 3 lower legs: tracked).
  bool ground_contact(int i) const { return ground_contact_[static_cast<std::size_t>(i)]; }

  const b2Body& hull() const { return *hull_; }
  /// Leg bodies in the reference's order: upper left, lower left, upper right, lower right.
  const b2Body& leg(int i) const { return *legs_[static_cast<std::size_t>(i)]; }
  /// Joints in the reference's order: hip left, knee left, hip right, knee right.
  const b2RevoluteJoint& joint(int i) const { return *joints_[static_cast<std::size_t>(i)]; }
  /// The Box2D world (tests use it to probe edges and contacts).
  b2World& world() { return world_; }

  /// Terrain surface points (x, y), TERRAIN_LENGTH of them; the surface edges join neighbours.
  const std::vector<double>& terrain_x() const { return terrain_x_; }
  const std::vector<double>& terrain_y() const { return terrain_y_; }
  /// Obstacle polygons (stumps, stair steps, pit walls) in creation order; empty on normal terrain.
  const std::vector<Poly>& obstacles() const { return obstacles_; }
  /// Static bodies of the terrain: obstacles first, then the surface edges.
  const std::vector<b2Body*>& terrain_bodies() const { return terrain_bodies_; }
  /// Decorative clouds (5-point polygons, drawn with parallax).
  const std::vector<Poly>& clouds() const { return clouds_; }
  /// Lidar ray i: start (hull centre) and end (closest ground hit, or full range).
  b2Vec2 lidar_start(int i) const { return lidar_[static_cast<std::size_t>(i)].p1; }
  b2Vec2 lidar_end(int i) const { return lidar_[static_cast<std::size_t>(i)].p2; }
  /// Lidar ray i: fraction of the range at the closest ground hit (1 when nothing is hit).
  float lidar_fraction(int i) const { return lidar_[static_cast<std::size_t>(i)].fraction; }
  bool hardcore() const { return hardcore_; }

 private:
  // ray-cast callback keeping the closest terrain hit (fixtures without category bit 1 are ignored)
  struct Lidar final : b2RayCastCallback {
    float ReportFixture(b2Fixture* fixture, const b2Vec2& point, const b2Vec2& normal,
                        float fraction) override;
    b2Vec2 p1{0, 0}, p2{0, 0};
    float fraction = 1.0f;
  };
  // contact listener: hull contact ends the game; lower-leg contacts set their ground flags
  struct Contacts final : b2ContactListener {
    explicit Contacts(BipedPhysics& p) : phys(p) {}
    void BeginContact(b2Contact* contact) override;
    void EndContact(b2Contact* contact) override;
    BipedPhysics& phys;
  };

  void destroy();
  void generate_terrain(NumpyGenerator& rng);
  void generate_clouds(NumpyGenerator& rng);
  void create_walker(NumpyGenerator& rng);
  void add_obstacle(const std::array<b2Vec2, 4>& quad);

  bool hardcore_;
  b2World world_;
  Contacts contacts_;
  std::vector<b2Body*> terrain_bodies_;
  std::vector<double> terrain_x_, terrain_y_;
  std::vector<Poly> obstacles_, clouds_;
  // polygons of earlier terrains, kept (with their storage) for the next ones: a reset allocates
  // nothing once it has run, and on hardcore terrain the pool is filled at construction
  std::vector<Poly> spare_obstacles_;
  b2Body* hull_ = nullptr;
  std::array<b2Body*, 4> legs_{};
  std::array<b2RevoluteJoint*, 4> joints_{};
  std::array<bool, 4> ground_contact_{};
  std::array<Lidar, kLidarRays> lidar_{};
  bool game_over_ = false;
};

}  // namespace sgym::biped
