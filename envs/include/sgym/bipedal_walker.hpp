// How a BipedalWalker episode ended, read from the env's own step output: for the experiments that
// tabulate finishes and falls (defined in envs/bipedal_walker.cpp, beside the rules that end an
// episode).
#pragma once

#include "sgym/env.hpp"

namespace sgym {

enum class WalkerEnd {
  running,     ///< the step did not end the episode
  finished,    ///< the hull passed the end of the course
  fell,        ///< the hull touched the ground or the walker left the world on the left (reward -100)
  time_limit,  ///< truncated by the time limit
};

/// The end of a BipedalWalker-v3 / BipedalWalkerHardcore-v3 episode at this step's result.
WalkerEnd walker_end(const StepResult& step);

/// "finished", "fell", "time-limit" or "running".
const char* walker_end_name(WalkerEnd end);

}  // namespace sgym
