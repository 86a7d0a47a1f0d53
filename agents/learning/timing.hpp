// Biological time constants given in ms, turned into per-step decay factors with the env's step
// duration (AgentContext::dt_ms): a quantity that decays with time constant τ keeps exp(−dt/τ) of
// itself per step of dt. Each such option has a per-step twin (e.g. trace_ms and lambda): setting
// both is an error, an ms option needs a known dt, and with neither set the agent's default applies
// (in ms when the env's dt is known and the agent has an ms default, else the per-step default).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include "sgym/error.hpp"
#include "sgym/options.hpp"

namespace sgym::learning {

using sgym::given;  // (sgym/options.hpp) true when an option was given, not just defaulted

/// exp(−dt/τ): the fraction left after one step of dt ms of something that decays with time
/// constant τ ms (τ > 0).
inline double decay_per_step(double dt_ms, double tau_ms) { return std::exp(-dt_ms / tau_ms); }

/// The per-step decay factor of one time constant of agent `agent`:
///   ms_key given (tau_ms > 0)  → exp(−dt/tau_ms); UsageError when dt is unknown (0) or step_key is
///                                also given;
///   step_key given             → per_step;
///   neither                    → exp(−dt/default_tau_ms) when dt is known and default_tau_ms > 0,
///                                else per_step (the per-step default: the documented fallback).
inline double resolve_decay(const std::string& agent, const KeyValues& kv, const std::string& step_key, double per_step,
                            const std::string& ms_key, double tau_ms, double default_tau_ms, double dt_ms) {
  const bool ms = given(kv, ms_key) && tau_ms > 0.0;
  if (ms && given(kv, step_key))
    throw UsageError(agent + ": set either " + step_key + " (per step) or " + ms_key +
                     " (a time constant in ms), not both");
  if (ms) {
    if (!(dt_ms > 0.0))
      throw UsageError(agent + ": " + ms_key + " = " + format_number(tau_ms) +
                       " ms needs the env's step duration, and none is known (the env has no dt_ms, or the agent "
                       "was built without AgentContext); set " + step_key + " per step instead");
    return decay_per_step(dt_ms, tau_ms);
  }
  if (given(kv, step_key)) return per_step;
  if (dt_ms > 0.0 && default_tau_ms > 0.0) return decay_per_step(dt_ms, default_tau_ms);
  return per_step;
}

/// A duration given in ms (ms_key) or, deprecated, in steps (step_key), as a whole number of env
/// steps of dt_ms: step_key given → `steps` (with a deprecation warning naming ms_key, through
/// warn_deprecated); else round(ms / dt), at least min_steps, when dt is
/// known; else (no dt) `default_steps` unless ms_key was given, which is a UsageError naming both.
inline int resolve_steps(const std::string& agent, const KeyValues& kv, const std::string& step_key, int steps,
                         const std::string& ms_key, double ms, int default_steps, int min_steps, double dt_ms) {
  if (given(kv, step_key)) {
    warn_deprecated(agent + ": option '" + step_key + "' is deprecated, use '" + ms_key +
                    "' (the old option keeps its meaning until it is removed in the next release)");
    return steps;
  }
  if (dt_ms > 0.0) return std::max(min_steps, static_cast<int>(std::lround(ms / dt_ms)));
  if (given(kv, ms_key))
    throw UsageError(agent + ": " + ms_key + " = " + format_number(ms) +
                     " ms needs the env's step duration, and none is known (the env has no dt_ms, or the agent was "
                     "built without AgentContext); set " + step_key + " in steps instead");
  return default_steps;
}

/// The discount and the eligibility-trace decay per step of a TD(λ) learner: γ from gamma or
/// discount_ms, the trace's decay from γλ (lambda) or trace_ms (see resolve_decay). A trace that
/// would decay slower than the discount (λ = decay/γ > 1) is refused.
struct TdDecays {
  double gamma;  ///< discount per step
  double trace;  ///< eligibility-trace decay per step (γλ)
};
inline TdDecays resolve_td_decays(const std::string& agent, const KeyValues& kv, double gamma, double lambda,
                                  double discount_ms, double default_discount_ms, double trace_ms,
                                  double default_trace_ms, double dt_ms) {
  TdDecays d{};
  d.gamma = resolve_decay(agent, kv, "gamma", gamma, "discount_ms", discount_ms, default_discount_ms, dt_ms);
  d.trace = resolve_decay(agent, kv, "lambda", d.gamma * lambda, "trace_ms", trace_ms, default_trace_ms, dt_ms);
  if (d.trace > d.gamma)
    throw UsageError(agent + ": the eligibility trace would decay by " + format_number(d.trace) +
                     " per step, slower than the discount " + format_number(d.gamma) +
                     " (lambda > 1); set lambda, or a trace_ms no longer than discount_ms");
  return d;
}

}  // namespace sgym::learning
