// Action selection shared by the basal-ganglia learners: softmax (Boltzmann), ε-greedy, and the
// max-Boltzmann rule of AuGMEnT (greedy with probability 1 − ε, a softmax draw otherwise;
// Rombouts, Bohte & Roelfsema 2015). All draw from the agent's own Rng; none allocates.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include "sgym/rng.hpp"

namespace sgym::learning {

/// Index of the largest value; ties go to the lowest index (deterministic).
inline std::size_t argmax(std::span<const double> q) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < q.size(); ++i)
    if (q[i] > q[best]) best = i;
  return best;
}

/// Fills p with softmax(q / temperature) (max-subtracted for stability); temperature > 0.
inline void softmax(std::span<const double> q, double temperature, std::span<double> p) {
  const double m = q[argmax(q)];
  double z = 0.0;
  for (std::size_t i = 0; i < q.size(); ++i) z += p[i] = std::exp((q[i] - m) / temperature);
  for (double& x : p) x /= z;
}

/// Draws an index from probabilities p (which sum to 1).
inline std::size_t sample(std::span<const double> p, Rng& rng) {
  double u = rng.uniform();
  for (std::size_t i = 0; i + 1 < p.size(); ++i) {
    if (u < p[i]) return i;
    u -= p[i];
  }
  return p.size() - 1;
}

/// Softmax choice; `p` (same size as q) receives the probabilities.
inline std::size_t softmax_choice(std::span<const double> q, double temperature, std::span<double> p, Rng& rng) {
  softmax(q, temperature, p);
  return sample(p, rng);
}

/// ε-greedy: a uniformly random index with probability ε, the argmax otherwise; `p` receives the
/// choice probabilities.
inline std::size_t epsilon_greedy(std::span<const double> q, double epsilon, std::span<double> p, Rng& rng) {
  const std::size_t best = argmax(q);
  const double n = static_cast<double>(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) p[i] = epsilon / n + (i == best ? 1.0 - epsilon : 0.0);
  return rng.uniform() < epsilon ? static_cast<std::size_t>(rng.below(q.size())) : best;
}

/// Max-Boltzmann: the argmax with probability 1 − ε, otherwise a draw from softmax(q / temperature);
/// `p` receives the choice probabilities. AuGMEnT's exploration rule (temperature 1 in the paper).
inline std::size_t max_boltzmann(std::span<const double> q, double epsilon, double temperature, std::span<double> p,
                                 Rng& rng) {
  const std::size_t best = argmax(q);
  softmax(q, temperature, p);
  const bool explore = rng.uniform() < epsilon;
  const std::size_t pick = explore ? sample(p, rng) : best;
  for (std::size_t i = 0; i < q.size(); ++i) p[i] = epsilon * p[i] + (i == best ? 1.0 - epsilon : 0.0);
  return pick;
}

/// The choice of max_boltzmann() without the probabilities: the same draws from `rng` and the same
/// pick, but the softmax (into the scratch `p`) is computed only when the draw explores.
inline std::size_t max_boltzmann_choice(std::span<const double> q, double epsilon, double temperature,
                                        std::span<double> p, Rng& rng) {
  const std::size_t best = argmax(q);
  if (!(rng.uniform() < epsilon)) return best;
  softmax(q, temperature, p);
  return sample(p, rng);
}

}  // namespace sgym::learning
