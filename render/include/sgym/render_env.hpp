// Rendering inside `sgym run`: the runner builds its envs from an EnvEntry, so an entry whose
// factory wraps each env in RenderedEnv shows every state (window or frames) without any change to
// the runner.
#pragma once

#include <memory>
#include <stdexcept>

#include "sgym/record.hpp"
#include "sgym/registry.hpp"

namespace sgym::render {

/// Thrown by a RenderedEnv when its viewer asks to stop (the window was closed).
class ViewerClosed : public std::runtime_error {
 public:
  ViewerClosed() : std::runtime_error("the window was closed") {}
};

/// A copy of `entry` whose envs show each reset and step through `viewer`: every `every`-th
/// episode of each env (1 = all), with episode, step, return and reward in the overlay.
EnvEntry rendering_entry(const EnvEntry& entry, std::shared_ptr<Viewer> viewer, int every = 1);

}  // namespace sgym::render
