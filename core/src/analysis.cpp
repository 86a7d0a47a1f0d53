#include "sgym/analysis.hpp"

#include <algorithm>
#include <limits>

#include "sgym/wrappers.hpp"

namespace sgym {

void OutcomeCounts::add(std::string_view outcome) {
  ++trials;
  scored += EpisodeStatistics::is_scored_outcome(outcome);
  correct += outcome == "correct";
  choices += outcome == "correct" || outcome == "wrong";
}

double OutcomeCounts::accuracy() const { return ratio_or_nan(correct, scored); }

double OutcomeCounts::choice_accuracy() const { return ratio_or_nan(correct, choices); }

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double ratio_or_nan(double num, double den) { return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN(); }

double info_number(const TrialRecord& trial, std::string_view key) {
  const InfoValue* v = trial.find(key);
  if (v == nullptr) return std::numeric_limits<double>::quiet_NaN();
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace sgym
