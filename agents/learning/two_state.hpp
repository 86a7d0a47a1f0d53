// The two-state model of motor adaptation (Smith, Ghazizadeh & Shadmehr 2006, PLoS Biol 4:e179):
//   e(n)     = f(n) − x(n)            (error; 0 in error-clamp trials)
//   x_f(n+1) = A_f x_f(n) + B_f e(n)  (fast: learns quickly, forgets quickly)
//   x_s(n+1) = A_s x_s(n) + B_s e(n)  (slow: learns slowly, retains)
//   x(n)     = x_f(n) + x_s(n)
// and a least-squares fit of (A_f, B_f, A_s, B_s) to a measured adaptation curve by Nelder–Mead
// from several starts, with every parameter kept in [0, 1] and the fast state defined as the one
// with the larger B.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace sgym::learning {

/// Parameters of the two-state model.
struct TwoStateParams {
  double a_f = 0, b_f = 0, a_s = 0, b_s = 0;
};

/// One trial of a schedule: the perturbation f, whether the error is clamped to 0, and the measured
/// adaptation x (NaN when not measured: such trials still drive the model but are not fitted).
struct TwoStateTrial {
  double f = 0;
  bool clamp = false;
  double measured = 0;
};

/// Simulates the model over `trials`; x[n] is the adaptation expressed on trial n (before its update).
inline void simulate_two_state(const TwoStateParams& p, const std::vector<TwoStateTrial>& trials,
                               std::vector<double>& x, std::vector<double>* fast = nullptr,
                               std::vector<double>* slow = nullptr) {
  x.resize(trials.size());
  if (fast) fast->resize(trials.size());
  if (slow) slow->resize(trials.size());
  double xf = 0, xs = 0;
  for (std::size_t n = 0; n < trials.size(); ++n) {
    x[n] = xf + xs;
    if (fast) (*fast)[n] = xf;
    if (slow) (*slow)[n] = xs;
    const double e = trials[n].clamp ? 0.0 : trials[n].f - x[n];
    xf = p.a_f * xf + p.b_f * e;
    xs = p.a_s * xs + p.b_s * e;
  }
}

/// Sum of squared differences between model and measured adaptation over the measured trials.
inline double two_state_sse(const TwoStateParams& p, const std::vector<TwoStateTrial>& trials, std::vector<double>& x) {
  simulate_two_state(p, trials, x);
  double s = 0;
  for (std::size_t n = 0; n < trials.size(); ++n)
    if (!std::isnan(trials[n].measured)) s += (x[n] - trials[n].measured) * (x[n] - trials[n].measured);
  return s;
}

/// Result of a fit: parameters, the sum of squared errors and the fraction of variance explained.
struct TwoStateFit {
  TwoStateParams params;
  double sse = 0, r2 = 0;
};

/// Least-squares fit by Nelder–Mead (standard coefficients 1, 2, 0.5, 0.5) from a grid of starts;
/// parameters outside [0, 1] cost +inf. The state with the larger B is reported as the fast one.
inline TwoStateFit fit_two_state(const std::vector<TwoStateTrial>& trials, int iterations = 2000) {
  using P = std::array<double, 4>;
  std::vector<double> x;
  auto cost = [&](const P& v) {
    for (double c : v)
      if (c < 0.0 || c > 1.0) return std::numeric_limits<double>::infinity();
    return two_state_sse({v[0], v[1], v[2], v[3]}, trials, x);
  };
  auto nelder_mead = [&](P start) {
    std::array<P, 5> s;
    std::array<double, 5> c;
    s[0] = start;
    for (int i = 0; i < 4; ++i) {
      s[i + 1] = start;
      s[i + 1][i] += start[i] < 0.5 ? 0.05 : -0.05;
    }
    for (int i = 0; i < 5; ++i) c[i] = cost(s[i]);
    for (int it = 0; it < iterations; ++it) {
      // order the simplex by cost
      std::array<int, 5> o{0, 1, 2, 3, 4};
      std::sort(o.begin(), o.end(), [&](int a, int b) { return c[a] < c[b]; });
      std::array<P, 5> s2;
      std::array<double, 5> c2;
      for (int i = 0; i < 5; ++i) { s2[i] = s[o[i]]; c2[i] = c[o[i]]; }
      s = s2; c = c2;
      if (c[4] - c[0] <= 1e-12 * (1.0 + std::fabs(c[0]))) break;
      P centroid{};
      for (int i = 0; i < 4; ++i)
        for (int d = 0; d < 4; ++d) centroid[d] += s[i][d] / 4.0;
      auto along = [&](double t) {
        P p;
        for (int d = 0; d < 4; ++d) p[d] = centroid[d] + t * (s[4][d] - centroid[d]);
        return p;
      };
      const P r = along(-1.0);
      const double cr = cost(r);
      if (cr < c[0]) {
        const P e = along(-2.0);
        const double ce = cost(e);
        if (ce < cr) { s[4] = e; c[4] = ce; } else { s[4] = r; c[4] = cr; }
      } else if (cr < c[3]) {
        s[4] = r; c[4] = cr;
      } else {
        const P k = cr < c[4] ? along(-0.5) : along(0.5);
        const double ck = cost(k);
        if (ck < std::min(cr, c[4])) {
          s[4] = k; c[4] = ck;
        } else {
          // shrink toward the best vertex
          for (int i = 1; i < 5; ++i) {
            for (int d = 0; d < 4; ++d) s[i][d] = s[0][d] + 0.5 * (s[i][d] - s[0][d]);
            c[i] = cost(s[i]);
          }
        }
      }
    }
    const int best = static_cast<int>(std::min_element(c.begin(), c.end()) - c.begin());
    return std::pair<P, double>{s[best], c[best]};
  };
  P best{};
  double best_cost = std::numeric_limits<double>::infinity();
  for (double af : {0.5, 0.8, 0.95})
    for (double bf : {0.05, 0.2, 0.5})
      for (double as : {0.98, 0.995})
        for (double bs : {0.005, 0.02}) {
          const auto [p, cst] = nelder_mead({af, bf, as, bs});
          if (cst < best_cost) { best = p; best_cost = cst; }
        }
  TwoStateFit fit;
  fit.params = best[1] >= best[3] ? TwoStateParams{best[0], best[1], best[2], best[3]}
                                  : TwoStateParams{best[2], best[3], best[0], best[1]};
  fit.sse = best_cost;
  // fraction of the variance of the measured trials explained
  double mean = 0, n = 0;
  for (const auto& t : trials)
    if (!std::isnan(t.measured)) { mean += t.measured; n += 1; }
  mean /= std::max(1.0, n);
  double var = 0;
  for (const auto& t : trials)
    if (!std::isnan(t.measured)) var += (t.measured - mean) * (t.measured - mean);
  fit.r2 = var > 0 ? 1.0 - best_cost / var : 0.0;
  return fit;
}

}  // namespace sgym::learning
