#include "common/trial.hpp"

#include <cmath>

#include "sgym/error.hpp"
#include "sgym/options.hpp"

namespace sgym::trial {

int steps_of(std::string_view owner, std::string_view option, double ms, double dt_ms) {
  const double k = ms / dt_ms;
  const double r = std::round(k);
  if (std::fabs(k - r) > 1e-9 * std::max(1.0, std::fabs(k)))
    throw UsageError(std::string(owner) + ": option " + std::string(option) + " = " + format_number(ms) +
                     " ms is not a whole number of dt_ms = " + format_number(dt_ms) + " ms steps");
  return static_cast<int>(r);
}

void EpochSchedule::add(std::string_view name, int steps) {
  names_.emplace_back(name);
  ends_.push_back(total() + std::max(steps, 0));
  at_step_.resize(static_cast<std::size_t>(total()), static_cast<int>(ends_.size()) - 1);
}

int EpochSchedule::index_outside(int t) const {
  const int n = static_cast<int>(ends_.size());
  for (int i = 0; i < n; ++i)
    if (t < ends_[static_cast<std::size_t>(i)]) return i;
  return n - 1;
}

std::string_view EpochSchedule::at(int t) const {
  const int i = index_at(t);
  return i < 0 ? std::string_view{} : std::string_view(names_[static_cast<std::size_t>(i)]);
}

int EpochSchedule::start_of(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i == 0 ? 0 : ends_[i - 1];
  return -1;
}

int EpochSchedule::end_of(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return ends_[i];
  return -1;
}

void population_code(std::span<float> out, double x_deg, double period_deg, double kappa,
                     double amplitude) {
  const int n = static_cast<int>(out.size());
  constexpr double kTwoPi = 6.283185307179586;
  for (int i = 0; i < n; ++i) {
    const double d = kTwoPi * (x_deg - preferred(i, n, period_deg)) / period_deg;
    out[i] = static_cast<float>(amplitude * std::exp(kappa * (std::cos(d) - 1.0)));
  }
}

void add_noise(std::span<float> x, double sd, Rng& rng) {
  if (sd == 0.0) return;
  const ZigguratTable& t = ziggurat_table();
  // a local copy of the generator: its state stays in registers through the loop (through the
  // caller's reference it was stored back after every draw); the same draws in the same order
  Rng local = rng;
  for (float& v : x) v = static_cast<float>(v + sd * ziggurat_normal(local, t));
  rng = local;
}

}  // namespace sgym::trial
