#include "sgym/env.hpp"

#include <random>

#include "sgym/error.hpp"

namespace sgym {

int EnvSpec::version() const {
  const auto pos = id.rfind("-v");
  if (pos == std::string::npos || pos + 2 >= id.size()) return -1;
  int v = 0;
  for (std::size_t i = pos + 2; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return -1;
    v = v * 10 + (id[i] - '0');
  }
  return v;
}

Env::Env(EnvSpec spec, Space observation_space, Space action_space)
    : spec_(std::move(spec)),
      obs_space_(std::move(observation_space)),
      act_space_(std::move(action_space)),
      obs_(obs_space_.flat_size(), 0.0f) {
  // the declared layout names the observation's slices for agents (a wrapper passes its inner env's
  // spec and space, which already carry them)
  if (!spec_.obs_layout.empty() && obs_space_.slices().empty()) obs_space_ = obs_space_.with_slices(spec_.obs_layout);
}

ResetResult Env::reset(std::optional<std::uint64_t> seed) {
  if (seed) {
    rng_.seed(*seed);
    seeded_ = true;
  } else if (!seeded_) {
    // like Gymnasium: an env never given a seed starts from fresh entropy
    std::random_device rd;
    const std::uint64_t s = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    rng_.seed(s);
    seeded_ = true;
    seed = s;
  }
  ResetResult r = do_reset(seed);
  started_ = true;
  needs_reset_ = false;
  return r;
}

StepResult Env::step(const Action& action) {
  if (!started_)
    throw ResetNeeded(spec_.id + ": step() called before reset(); call reset() first");
  if (needs_reset_)
    throw ResetNeeded(spec_.id +
                      ": step() called after the episode ended (terminated or truncated); "
                      "call reset() first");
  if (!act_space_.contains(action))
    throw InvalidAction(spec_.id + ": action outside action space " + act_space_.describe() +
                        ": " + act_space_.why_not(action));
  StepResult r = do_step(action);
  needs_reset_ = r.terminated || r.truncated;
  return r;
}

StepResult Env::advance(const Action& action) {
  if (!started_ || needs_reset_) return step(action);  // the same errors as step()
  StepResult r = do_step(action);
  needs_reset_ = r.terminated || r.truncated;
  return r;
}

Wrapper::Wrapper(std::unique_ptr<Env> inner)
    : Env(inner->spec(), inner->observation_space(), inner->action_space()),
      inner_(std::move(inner)),
      same_action_space_(action_space() == inner_->action_space()) {}

const Env& Wrapper::unwrapped() const {
  const Env* e = inner_.get();
  while (const auto* w = dynamic_cast<const Wrapper*>(e)) e = &w->inner();
  return *e;
}

}  // namespace sgym
