// The agent contract: begin_episode, act, observe (where learning happens), trial_ended,
// end_episode (sgym/interact.hpp calls them in order); training on/off; versioned, atomic save/load; and introspect() exposing named internal signals (rpe, value,
// unit activities) for analysis and plots.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sgym/io.hpp"
#include "sgym/rng.hpp"
#include "sgym/space.hpp"

namespace sgym {

/// A named internal signal: a scalar is a vector of one element.
struct Signal {
  std::string name;
  std::vector<float> values;
};

/// What an agent may know of the env it is built for, beyond its spaces (make_agent passes it at
/// construction; every field defaults to "not known").
struct AgentContext {
  /// The env's step duration in ms (EnvSpec::dt_ms): agents derive per-step factors of time
  /// constants given in ms from it. 0 = unknown (the env has no dt, or the caller did not pass it).
  double dt_ms = 0.0;
};

/// Base class of every agent. An agent is built for one pair of spaces (the factory checks that
/// it can handle them before the first step) and owns its RNG.
class Agent {
 public:
  virtual ~Agent() = default;
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  /// Registry id, e.g. "td-critic".
  const std::string& id() const { return id_; }
  const Space& observation_space() const { return obs_space_; }
  const Space& action_space() const { return act_space_; }

  /// Called after env.reset(), before the first act() of an episode.
  virtual void begin_episode() {}
  /// Chooses an action for `obs`; the reference stays valid until the next act().
  virtual const Action& act(std::span<const float> obs) = 0;
  /// Receives the outcome of the last action; learning happens here when training() is on.
  virtual void observe(double reward, std::span<const float> next_obs, bool terminated,
                       bool truncated) = 0;
  /// Called once after the last observe() of an episode.
  virtual void end_episode() {}
  /// Called when the env step just taken ended a trial (its info's trial_outcome is set, see
  /// info_keys), before that step's observe(). In a multi-trial episode this is the only sign of a
  /// trial boundary: agents that treat trials as independent (reset memory and traces, no
  /// bootstrapping from the next trial) treat the coming observe() as terminal.
  virtual void trial_ended(std::string_view outcome) { (void)outcome; }

  /// Training on: observe() learns and actions explore. Off: parameters are frozen.
  void set_training(bool on) { training_ = on; }
  bool training() const { return training_; }

  /// Named internal signals after the last act()/observe() (empty when the agent has none).
  virtual std::vector<Signal> introspect() const { return {}; }
  /// Names of the signals introspect() returns, known before the first step.
  virtual std::vector<std::string> signal_names() const { return {}; }

  /// Reseeds the agent's RNG.
  void seed(std::uint64_t s) { rng_.seed(s); }

  /// Writes parameters, RNG state and training flag to a versioned file, atomically.
  void save(const std::filesystem::path& path) const;
  /// Reads a file written by save() for the same agent id and spaces. A missing, corrupt,
  /// truncated or mismatched file throws FileFormatError and leaves the agent unchanged.
  void load(const std::filesystem::path& path);
  /// The bytes save() writes, in memory (for agents that carry other agents, checkpoints).
  std::string to_bytes() const { return serialize(); }
  /// Restores from to_bytes() output; like load(), a bad buffer throws FileFormatError (naming
  /// `where`) and leaves the agent unchanged.
  void from_bytes(std::string_view bytes, const std::string& where = "agent bytes");

 protected:
  Agent(std::string id, Space observation_space, Space action_space, std::uint64_t seed);

  /// Version of the derived class's state layout; bump when save_state changes.
  virtual std::uint32_t state_version() const { return 1; }
  /// Writes the parameters (not per-episode state). The default writes nothing: an agent without
  /// learned parameters (random, oracles, heuristics) need not override it; the base still saves
  /// its id, spaces, RNG state and training flag.
  virtual void save_state(StateWriter&) const {}
  /// Reads what save_state wrote; may throw FileFormatError (the base then restores the agent).
  virtual void load_state(StateReader&) {}

  Rng rng_;
  Space obs_space_;
  Space act_space_;

 private:
  std::string serialize() const;
  void deserialize(std::string_view bytes, const std::string& where);
  std::string id_;
  bool training_ = true;
};

}  // namespace sgym
