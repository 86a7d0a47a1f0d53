// Shared test helpers: reading an agent's signals, playing episodes through sgym::play_episode,
// tallying the trials that ended, fresh temporary paths.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <unistd.h>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sgym/agent.hpp"
#include "sgym/env.hpp"
#include "sgym/interact.hpp"
#include "sgym/io.hpp"

namespace sgym::test {

/// The agent's saved parameters (what save_state writes), read back as its sequence of
/// length-prefixed double arrays; for agents whose state is only such arrays.
inline std::vector<std::vector<double>> parameter_arrays(const Agent& agent) {
  const std::string bytes = agent.to_bytes();
  // magic (8 bytes) ... FNV-1a (8 bytes); the layout is Agent::serialize's
  StateReader r(std::string_view(bytes).substr(8, bytes.size() - 16));
  r.u32();  // format
  r.str();  // id
  r.u32();  // state version
  r.str();  // observation space
  r.str();  // action space
  for (int i = 0; i < 4; ++i) r.u64();  // rng
  r.boolean();  // training
  const std::string derived = r.str();
  StateReader d(derived);
  std::vector<std::vector<double>> out;
  while (!d.at_end()) {
    std::vector<double> a(d.u64());
    for (double& v : a) v = d.f64();
    out.push_back(std::move(a));
  }
  return out;
}

/// Element `i` of the agent's signal `name`; fails the test when the agent has no such signal.
inline float signal(const Agent& agent, const std::string& name, std::size_t i = 0) {
  for (const auto& s : agent.introspect())
    if (s.name == name) return s.values.at(i);
  FAIL("agent " << agent.id() << " has no signal " << name);
  return 0.0f;
}

/// Plays `episodes` episodes of `agent` on `env`, the first reset with `seed`, calling
/// on_step(episode, step_result) after every step.
template <class OnStep>
void play(Env& env, Agent& agent, int episodes, std::optional<std::uint64_t> seed, OnStep&& on_step) {
  std::vector<float> obs;
  for (int ep = 0; ep < episodes; ++ep) {
    EpisodeHooks hooks;
    hooks.on_step = [&](const EpisodeStep& st) {
      if (st.action != nullptr) on_step(ep, st.result);
      return true;
    };
    play_episode(env, agent, ep == 0 ? seed : std::nullopt, obs, hooks);
  }
}

/// A fresh temporary path `name` (removed if it exists; its parent created), per test process.
inline std::filesystem::path fresh_path(const std::string& prefix, const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("sgym-" + prefix + "-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p.parent_path());
  return p;
}

/// The trials that ended, counted by outcome and by condition.
struct Tally {
  std::map<std::string, int> outcome, condition;
  int trials = 0;

  /// Trials that ended with `o`.
  int count(const std::string& o) const {
    const auto it = outcome.find(o);
    return it == outcome.end() ? 0 : it->second;
  }
  /// Correct over all trials that ended (aborts and timeouts count as errors); 0 with no trials.
  double accuracy() const { return trials ? count("correct") / static_cast<double>(trials) : 0.0; }
};

/// Tally of the trials ending in episodes from_episode .. episodes−1 of a run of `episodes`.
inline Tally play_trials(Env& env, Agent& agent, int episodes, std::optional<std::uint64_t> seed,
                         int from_episode = 0) {
  Tally t;
  play(env, agent, episodes, seed, [&](int ep, const StepResult& r) {
    const std::string_view o = r.info.string_or_empty("trial_outcome");
    if (o.empty() || ep < from_episode) return;
    ++t.trials;
    ++t.outcome[std::string(o)];
    ++t.condition[std::string(r.info.string_or_empty("condition"))];
  });
  return t;
}

}  // namespace sgym::test
