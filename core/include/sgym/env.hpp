// The environment contract. Gymnasium semantics: reset(seed) reseeds and reset() continues the
// stream; `terminated` marks a terminal state of the task and `truncated` a cut by a time limit
// (applied by the TimeLimit wrapper; both may be true); step() after the episode ended is an error
// until reset(). Actions are validated in one place, the public non-virtual step().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sgym/draw.hpp"
#include "sgym/info.hpp"
#include "sgym/rng.hpp"
#include "sgym/space.hpp"

namespace sgym {

/// Static facts about an env instance.
struct EnvSpec {
  std::string id;                  ///< registry id with version suffix, e.g. "Pavlovian-v0"
  int max_episode_steps = 0;       ///< time limit applied by TimeLimit; 0 = none
  double dt_ms = 0;                ///< simulated time per step, ms (0 when not time-based)
  double reward_min = 0;           ///< lower bound of a single step's reward
  double reward_max = 0;           ///< upper bound of a single step's reward
  double render_fps = 30;          ///< frames per second for real-time display
  bool deterministic = false;      ///< true when trajectories do not depend on the seed
  bool trial_based = false;        ///< true when info carries epoch / ground truth / trial outcome
  std::vector<std::string> epochs; ///< epoch names in order, for trial-based tasks
  std::vector<ObsSlice> obs_layout;///< named slices of the observation (sgym/space.hpp; the Env base
                                   ///< attaches them to observation_space(), where agents find them)
  std::string source;              ///< the paradigm's source (citation)

  /// The version number parsed from the id suffix "-vN" (-1 when absent).
  int version() const;
};

/// What reset() returns; views into buffers owned by the env, valid until the next reset/step.
struct ResetResult {
  std::span<const float> obs;
  const Info& info;
};

/// What step() returns; views into buffers owned by the env, valid until the next reset/step.
struct StepResult {
  std::span<const float> obs;
  double reward;
  bool terminated;
  bool truncated;
  const Info& info;
};

/// Base class of every environment and wrapper.
class Env {
 public:
  virtual ~Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  /// Starts an episode. With a seed the env's RNG is reseeded; without, the stream continues
  /// (the first reset without any seed draws one from std::random_device, as Gymnasium does).
  ResetResult reset(std::optional<std::uint64_t> seed = std::nullopt);

  /// Advances one step. Throws ResetNeeded before the first reset or after the episode ended,
  /// and InvalidAction (naming the env, the space and the offending value) for an action outside
  /// the action space. Nothing is clamped.
  StepResult step(const Action& action);

  const Space& observation_space() const { return obs_space_; }
  const Space& action_space() const { return act_space_; }
  const EnvSpec& spec() const { return spec_; }

  /// Appends the current scene, as a subject would see it, to `out` (world coordinates).
  virtual void draw(DrawList& out) const = 0;

  /// True after terminated or truncated, until reset().
  bool needs_reset() const { return needs_reset_; }
  /// True once reset() has been called.
  bool started() const { return started_; }

 protected:
  Env(EnvSpec spec, Space observation_space, Space action_space);

  /// Env-specific reset; the RNG has already been seeded when `seed` is set.
  virtual ResetResult do_reset(std::optional<std::uint64_t> seed) = 0;
  /// Env-specific step with an action already known to be valid.
  virtual StepResult do_step(const Action& action) = 0;

  /// step() for an action the caller has already checked against an equal action space (a
  /// wrapper, whose own step() checked it; VectorEnv, which checks a whole batch first): the same
  /// call without checking the action again, so an action is validated once however deeply the
  /// env is wrapped.
  static StepResult step_checked(Env& env, const Action& action) { return env.advance(action); }

  /// Helpers for leaf envs that keep their observation in obs_ and info in info_.
  ResetResult reset_result() const { return {obs_, info_}; }
  StepResult step_result(double reward, bool terminated) const {
    return {obs_, reward, terminated, false, info_};
  }

  EnvSpec spec_;
  Space obs_space_;
  Space act_space_;
  Rng rng_;
  std::vector<float> obs_;  ///< sized to observation_space().flat_size() by the constructor
  Info info_;

 private:
  friend class VectorEnv;
  StepResult advance(const Action& action);  // step() after the action check

  bool started_ = false;
  bool needs_reset_ = false;
  bool seeded_ = false;
};

/// Base class of wrappers: forwards everything to the wrapped env unless overridden.
class Wrapper : public Env {
 public:
  explicit Wrapper(std::unique_ptr<Env> inner);
  void draw(DrawList& out) const override { inner_->draw(out); }
  Env& inner() { return *inner_; }
  const Env& inner() const { return *inner_; }
  /// The innermost env (the task itself).
  const Env& unwrapped() const;

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override { return inner_->reset(seed); }
  StepResult do_step(const Action& a) override { return step_inner(a); }
  /// Steps the wrapped env with an action this wrapper's step() has already checked (checked
  /// again only if the wrapped env's action space differs from this wrapper's).
  StepResult step_inner(const Action& a) { return same_action_space_ ? step_checked(*inner_, a) : inner_->step(a); }
  std::unique_ptr<Env> inner_;

 private:
  bool same_action_space_ = true;
};

}  // namespace sgym
