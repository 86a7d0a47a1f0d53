// BipedalWalker-v3 and BipedalWalkerHardcore-v3: the 4-joint walker of Gymnasium's
// gymnasium/envs/box2d/bipedal_walker.py (created by Oleg Klimov for OpenAI Gym), ported to C++ on
// Box2D 2.4.1. This file is the thin adapter between sgym::Env and the physics core
// (biped_physics.hpp): spaces, spec, reward, termination and drawing.
//
// Reward (ref step): shaping = 130·x/SCALE − 5·|hull angle|; reward = shaping − previous shaping
// − 0.00035·MOTORS_TORQUE·Σ clip(|a_j|, 0, 1); a fall (hull touches the ground) or x < 0 replaces the
// step's reward by −100 and terminates; passing x > (TERRAIN_LENGTH − TERRAIN_GRASS)·TERRAIN_STEP
// terminates. Time limits (1600 / 2000 steps) come from the TimeLimit wrapper, as in Gymnasium's
// registration. reset() performs one zero-action step and returns its observation (ref reset).
// Random draws come from NumPy's default generator seeded as Gymnasium's reset(seed=S) seeds it
// (sgym/numpy_random.hpp), so seed S gives Gymnasium's terrain, clouds and initial push.
#include <cmath>
#include <numbers>

#include "biped_physics.hpp"
#include "sgym/bipedal_walker.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

using namespace biped;

constexpr const char* kNormalId = "BipedalWalker-v3";
constexpr const char* kHardcoreId = "BipedalWalkerHardcore-v3";
constexpr const char* kSource =
    "Gymnasium gymnasium/envs/box2d/bipedal_walker.py (Farama Foundation; created by Oleg Klimov for "
    "OpenAI Gym), BipedalWalker-v3; C++ port on Box2D 2.4.1 cross-checked with EnvPool "
    "(envpool/box2d/bipedal_walker_env.cc)";

/// The env has no options: every number is a constant of the benchmark (biped_physics.hpp).
struct BipedConfig {};

const OptionSet<BipedConfig>& options(const char* id) {
  static const OptionSet<BipedConfig> normal(kNormalId), hard(kHardcoreId);
  return std::string_view(id) == kNormalId ? normal : hard;
}

// Per-step reward bound (not a fall). The shaping difference is 130/SCALE·Δx − 5·Δ|angle|, and Box2D
// caps a body's motion per step at b2_maxTranslation = 2 m and b2_maxRotation = π/2 rad (integration
// clamp, b2_common.h); the torque cost adds at most 4·0.028. The position solver may add corrections
// of at most b2_maxLinearCorrection = 0.2 m and b2_maxAngularCorrection = 8° per contact and
// iteration; one such correction each is added as margin (measured steps stay below ±2, see the docs).
constexpr double kMaxStepMove = 2.0 + 0.2;                           // m
constexpr double kMaxStepTurn = std::numbers::pi / 2 + 8.0 / 180.0 * std::numbers::pi;  // rad
constexpr double kRewardMax = kShapingPerX * kMaxStepMove + kShapingPerAngle * kMaxStepTurn;
constexpr double kRewardMin = kFallReward;  // non-fall steps are >= -(kRewardMax + 4·0.028) > -100
static_assert(-(kRewardMax + 4 * kTorqueCost) > kFallReward);

class BipedalWalker final : public Env {
 public:
  explicit BipedalWalker(bool hardcore)
      : Env(make_spec(hardcore), Space::box(-INFINITY, INFINITY, {kObsSize}), Space::box(-1.0f, 1.0f, {4})),
        phys_(hardcore) {}

  static EnvSpec make_spec(bool hardcore) {
    EnvSpec s;
    s.id = hardcore ? kHardcoreId : kNormalId;
    // Gymnasium registration: max_episode_steps 1600 (v3) and 2000 (hardcore)
    s.max_episode_steps = hardcore ? 2000 : 1600;
    s.dt_ms = 1000.0 / kFps;
    s.reward_min = kRewardMin;
    s.reward_max = kRewardMax;
    s.render_fps = kFps;
    s.deterministic = false;  // terrain and the initial push are random
    s.trial_based = false;
    s.obs_layout = {
        {"hull_angle", 0, 1, "hull angle, rad"},
        {"hull_angular_velocity", 1, 1, "2·ω/FPS (ω in rad/s)"},
        {"hull_velocity", 2, 2, "0.3·(vx, vy)·(VIEWPORT_W, VIEWPORT_H)/SCALE/FPS, about -1..1"},
        {"leg0", 4, 5, "left leg: hip angle (rad, 0 at rest), hip speed/4, knee angle + 1, knee speed/6, "
                       "lower-leg ground contact (0/1)"},
        {"leg1", 9, 5, "right leg: same five values"},
        {"lidar", 14, 10, "fraction of the 160/SCALE range to the closest ground hit, rays at 1.5·i/10 rad "
                          "from straight down (1 = nothing hit)"},
    };
    s.source = kSource;
    return s;
  }

  void draw(DrawList& out) const override {
    // camera: the reference's 600x400-pixel viewport in world units, scrolled so the hull sits at 1/5
    const float w = static_cast<float>(kViewportW / kScale), h = static_cast<float>(kViewportH / kScale);
    const float scroll = phys_.hull().GetPosition().x - w / 5.0f;
    out.camera = {scroll, 0.0f, scroll + w, h};
    out.background = {215, 215, 255, 255};
    // clouds with half-speed parallax, as the reference draws them
    for (const Poly& c : phys_.clouds()) {
      DrawList::Polygon p{{}, {255, 255, 255, 255}};
      for (const b2Vec2& v : c) p.points.push_back({v.x + scroll / 2.0f, v.y});
      out.polygons.push_back(std::move(p));
    }
    // ground: filled strips under the surface, then the grass line, then obstacles
    const auto& tx = phys_.terrain_x();
    const auto& ty = phys_.terrain_y();
    for (std::size_t i = 0; i + 1 < tx.size(); ++i) {
      if (tx[i + 1] < scroll || tx[i] > scroll + w) continue;
      const Vec2 a{static_cast<float>(tx[i]), static_cast<float>(ty[i])};
      const Vec2 b{static_cast<float>(tx[i + 1]), static_cast<float>(ty[i + 1])};
      out.polygons.push_back({{a, b, {b.x, 0.0f}, {a.x, 0.0f}}, {102, 153, 76, 255}});
      out.lines.push_back({a, b, {76, static_cast<std::uint8_t>(i % 2 == 0 ? 255 : 204), 76, 255}, 0.05f});
    }
    for (const Poly& o : phys_.obstacles()) {
      DrawList::Polygon p{{}, {255, 255, 255, 255}};
      for (const b2Vec2& v : o) p.points.push_back({v.x, v.y});
      DrawList::Polyline edge{p.points, {153, 153, 153, 255}, 0.03f};
      edge.points.push_back(p.points.front());
      out.polygons.push_back(std::move(p));
      out.polylines.push_back(std::move(edge));
    }
    // start flag at 3 terrain steps
    const float fx = static_cast<float>(3 * kTerrainStep), fy1 = static_cast<float>(kTerrainHeight);
    const float fy2 = fy1 + 50.0f / static_cast<float>(kScale);
    out.lines.push_back({{fx, fy1}, {fx, fy2}, {0, 0, 0, 255}, 0.03f});
    out.polygons.push_back({{{fx, fy2}, {fx, fy2 - 10.0f / 30.0f}, {fx + 25.0f / 30.0f, fy2 - 5.0f / 30.0f}}, {230, 51, 0, 255}});
    // lidar rays to their closest hits
    for (int i = 0; i < kLidarRays; ++i) {
      const b2Vec2 a = phys_.lidar_start(i), b = phys_.lidar_end(i);
      out.lines.push_back({{a.x, a.y}, {b.x, b.y}, {255, 0, 0, 255}, 0.02f});
    }
    // legs (far leg first, darker), then the hull, with the reference's colours
    for (int i : {0, 1, 2, 3}) {
      const int s = i < 2 ? -1 : 1;
      const Color fill{static_cast<std::uint8_t>(153 - s * 25), static_cast<std::uint8_t>(76 - s * 25),
                       static_cast<std::uint8_t>(127 - s * 25), 255};
      const Color edge{static_cast<std::uint8_t>(102 - s * 25), static_cast<std::uint8_t>(51 - s * 25),
                       static_cast<std::uint8_t>(76 - s * 25), 255};
      add_body(out, phys_.leg(i), fill, edge);
    }
    add_body(out, phys_.hull(), {127, 51, 229, 255}, {76, 76, 127, 255});
  }

  /// The physics core (tests inspect it).
  const BipedPhysics& physics() const { return phys_; }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override {
    // Gymnasium: reset(seed=S) replaces np_random by Generator(PCG64(SeedSequence(S))); a reset
    // without a seed continues the stream (the base class hands over a fresh seed on the first)
    if (seed) np_rng_.seed(*seed);
    // ref reset: build the world, then `return self.step(np.array([0, 0, 0, 0]))[0], {}` — one
    // zero-action physics step whose observation is the reset observation (its reward is discarded)
    phys_.reset(np_rng_);
    const float zero[4] = {0, 0, 0, 0};
    phys_.step(zero);
    phys_.observe(obs_.data());
    prev_shaping_ = phys_.shaping();
    // the episode's terrain surface heights (x = i·TERRAIN_STEP), kept in the info until the next reset
    for (std::size_t i = 0; i < terrain_y_.size(); ++i) terrain_y_[i] = static_cast<float>(phys_.terrain_y()[i]);
    info_.set("terrain_y", terrain_y_);
    fill_info();
    return reset_result();
  }

  StepResult do_step(const Action& action) override {
    const float* a = action.values.data();
    phys_.step(a);
    phys_.observe(obs_.data());
    // reward in double: shaping difference minus the torque cost
    const double shaping = phys_.shaping();
    double reward = shaping - prev_shaping_;
    prev_shaping_ = shaping;
    for (int j = 0; j < 4; ++j) reward -= kTorqueCost * std::min(std::fabs(static_cast<double>(a[j])), 1.0);
    // termination: a fall or leaving the world on the left replaces the reward; passing the finish ends
    const double x = phys_.hull().GetPosition().x;
    bool terminated = false;
    if (phys_.game_over() || x < 0.0) {
      reward = kFallReward;
      terminated = true;
    }
    if (x > BipedPhysics::finish_x()) terminated = true;
    fill_info();
    return step_result(reward, terminated);
  }

 private:
  void fill_info() {
    info_.set("hull_x", static_cast<double>(phys_.hull().GetPosition().x));
    info_.set("game_over", phys_.game_over());
  }

  static void add_body(DrawList& out, const b2Body& body, Color fill, Color edge) {
    for (const b2Fixture* f = body.GetFixtureList(); f != nullptr; f = f->GetNext()) {
      const auto* shape = static_cast<const b2PolygonShape*>(f->GetShape());
      DrawList::Polygon p{{}, fill};
      for (int k = 0; k < shape->m_count; ++k) {
        const b2Vec2 v = b2Mul(body.GetTransform(), shape->m_vertices[k]);
        p.points.push_back({v.x, v.y});
      }
      DrawList::Polyline line{p.points, edge, 0.02f};
      line.points.push_back(p.points.front());
      out.polygons.push_back(std::move(p));
      out.polylines.push_back(std::move(line));
    }
  }

  BipedPhysics phys_;
  NumpyGenerator np_rng_{0};  // Gymnasium's np_random (the base class's rng_ is unused here)
  std::vector<float> terrain_y_ = std::vector<float>(kTerrainLength);
  double prev_shaping_ = 0.0;
};

EnvEntry entry(const char* id, bool hardcore, const char* description) {
  return {id, description, kSource, options(id).docs(),
          [id, hardcore](const KeyValues& kv) -> std::unique_ptr<Env> {
            options(id).parse(kv);
            return std::make_unique<BipedalWalker>(hardcore);
          },
          {}};
}

}  // namespace

WalkerEnd walker_end(const StepResult& step) {
  if (step.terminated) {
    // do_step's rules: a fall (game_over) or leaving the world on the left ends with -100; any other
    // termination is passing the finish
    return step.info.get_bool("game_over") || step.info.get_double("hull_x") < 0.0 ? WalkerEnd::fell : WalkerEnd::finished;
  }
  return step.truncated ? WalkerEnd::time_limit : WalkerEnd::running;
}

const char* walker_end_name(WalkerEnd end) {
  switch (end) {
    case WalkerEnd::finished: return "finished";
    case WalkerEnd::fell: return "fell";
    case WalkerEnd::time_limit: return "time-limit";
    case WalkerEnd::running: break;
  }
  return "running";
}

EnvEntry bipedal_walker_entry() {
  return entry(kNormalId, false,
               "Gymnasium's 4-joint biped on gently uneven grass (Box2D): walk right, 24-dim obs with lidar, "
               "4 torques");
}

EnvEntry bipedal_walker_hardcore_entry() {
  EnvEntry e = entry(kHardcoreId, true, "BipedalWalker with stumps, stairs and pits (Box2D), 2000-step limit");
  e.docs_page = kNormalId;  // one page describes both
  return e;
}

}  // namespace sgym
