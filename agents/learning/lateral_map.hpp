// A retinotopic association map with horizontal (lateral) connections, trained by AuGMEnT's
// attention-gated, RPE-steered rule (Rombouts, Bohte & Roelfsema 2015) extended through recurrent
// iterations. Built for curve tracing: enhanced activity spreads from the fixation point along the
// curve, pixel by pixel, because the lateral input of a unit is gated by the curve input at its own
// position (the "recurrent group gated by the feedforward unit with the same receptive field" of
// RELEARNN, PLoS Comput Biol 2024, doi:10.1371/journal.pcbi.1012030, Fig. 3).
//
// Input: C channels over a g x g retina, x_{c,p}; channel `gate_channel` (the curve pixels) gates.
//   drive      e_p = u_0 + Σ_c u_c x_{c,p} + ξ_p                         (shared over positions;
//              ξ_p ~ N(0, noise²) drawn every step: noisy units)
//   map        h_p^0 = 0;  z_p^k = e_p + Σ_{d∈D} w_d h_{p+d}^{k−1};  h_p^k = x_{gate,p} σ(z_p^k)
//              σ(z) = 1 / (1 + exp(θ − z)), k = 1..K, D = self and the 4 or 8 neighbours
//   context    F = max_p x_{context,p} (a global unit: "the fixation point is on"; 0 without context)
//   Q units    q_p = Σ_j (v_j + F v'_j) φ_{j,p},  φ_p = (1, x_{1..C,p}, m_p)
//              m_p = x_{r,p} (h_p^K − h̄),  h̄ = Σ_q x_{r,q} h_q^K / Σ_q x_{r,q}   (normalised; else h̄ = 0)
//              (one per position p: the local input, and the map where channel r, the saccade
//              targets, is on, relative to its mean over the targets: competition between the
//              targets; r = −1: the map everywhere)
//   RPE        δ(t) = r(t) + γ q_a'(t) − q_a(t−1)                         (SARSA; 0 at the terminal state)
//   weights    θ ← θ + β δ Tag_θ                                         (every parameter θ)
//   tags       Tag_θ ← λγ Tag_θ + c_θ        (c_θ: the credit of parameter θ for the selected q_a')
// The credit c_θ is pre × post × feedback, the feedback starting at the selected Q unit a' (the
// attention gate: FB = ∂q_a'/∂h_a' = v_m x_{r,a'} at position a'; with normalisation also
// −v_m x_{r,a'} x_{r,p} / Σ_q x_{r,q} at every target p, through the competition). Two rules carry it
// into the map (LateralMapParams::rule):
//
// RELEARNN (Mollard, Wacongne, Bohte & Roelfsema 2024, PLoS Comput Biol 20:e1012030; rule as in the
// authors' public code): an accessory network with one unit per map unit, connected by the transposed
// lateral connections and gated by the map unit at its own position, iterates N times on the map's
// final state only (local in time):
//   s_p = x_{gate,p} σ'(z_p^K)                        (the post-synaptic factor of map unit p)
//   a^0 = FB;  a_q^{n} = FB_q + Σ_d w_d s_{q−d} a_{q−d}^{n−1},  n = 1..N;  a_q = 0 where x_{gate,q} = 0
//   c_{w_d} = Σ_p a_p^N s_p h_{p+d}^{K−1},  c_{u_c} = Σ_p a_p^N s_p x_{c,p}   (pre × post × accessory)
// The accessory signal starts at the chosen target and travels back along the curve, one pixel per
// accessory iteration, only over pixels where the map is gated on; at a fixed point of the map
// (h^K = h^{K−1}) and for N → ∞ this is the gradient of q_a' at equilibrium (recurrent
// backpropagation, Almeida 1987 / Pineda 1987), with finite N a truncation of it.
//
// BPTT (the non-local reference): the feedback runs back through all K iterations of this step along
// the transposed lateral connections, ζ_p^k = FB_p^k x_{gate,p} σ'(z_p^k), FB_q^{k−1} = Σ_d w_d ζ_{q−d}^k,
// c_{w_d} = Σ_{k,p} ζ_p^k h_{p+d}^{k−1}, c_{u_c} = Σ_{k,p} ζ_p^k x_{c,p}: the exact gradient ∂q_a'/∂θ
// within the step, which needs every unit's activity at every iteration (nothing is propagated to
// earlier env steps). Weights are shared over positions (translation invariance; the authors'
// RELEARNN code uses convolutions, also shared), so the change of a shared weight is the sum of the
// credits of its copies.
//
// Options (LateralMapParams): `excitatory` keeps the map's input and lateral weights >= 0 (bias free);
// `isotropic` ties the side weights (and the corner weights) into one; `fixed_readout` fixes the
// map's weight onto the Q units at v_m = 1 (v'_m = 0); `noise` adds ξ_p; `clip` replaces σ by
// [z − θ] clipped to [0, 1] (tags then use slope 1 inside, `clip_slope` outside). With `lateral` off
// the neighbour weights stay 0 (only the self weight remains): the same network without horizontal
// connections, the feedforward comparison.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "sgym/rng.hpp"

namespace sgym::learning {

/// How the credit of the selected Q unit reaches the map's synapses (see the header comment).
enum class CreditRule {
  relearnn,  ///< accessory network on the final state, N iterations (Mollard et al. 2024): local
  bptt,      ///< exact backpropagation through the K iterations of the step: the non-local reference
};

/// Hyperparameters of a LateralMap.
struct LateralMapParams {
  CreditRule rule = CreditRule::relearnn; ///< how the credit reaches the map
  int accessory_iterations = 20; ///< N, iterations of the accessory network (rule relearnn)
  double beta = 0.15;      ///< learning rate β
  double lambda = 0.2;     ///< tag decay λ (tags decay by λγ per step)
  double gamma = 0.9;      ///< discount γ
  double theta = 2.5;      ///< sigmoid offset θ
  int iterations = 20;     ///< K, recurrent iterations per env step
  int neighbours = 8;      ///< 4 or 8 lateral neighbours
  bool lateral = true;     ///< neighbour weights present (false: fixed at 0)
  int gate_channel = 0;    ///< the channel that gates the map (curve pixels)
  double noise = 0.0;      ///< sd of Gaussian noise added to every map unit's drive e_p, drawn each step
  bool isotropic = true;   ///< one lateral weight for the 4 side neighbours (and one for the 4 corners)
  bool excitatory = true;  ///< the map's synapses (input, lateral, map → Q) kept >= 0; biases free
  bool clip = false;       ///< map units piecewise linear, [z − θ] clipped to [0, 1], instead of σ
  double clip_slope = 0.0; ///< slope the tags use where a clipped unit is flat (a pseudo-derivative; 0 = exact)
  int readout_channel = 2; ///< the channel that gates the map's input to the Q units (targets; −1: none)
  bool normalise = true;   ///< the Q units read the map relative to its mean over the gated positions
  bool fixed_readout = true; ///< the map's weight onto the Q units is fixed at 1 (v_h = 1, v'_h = 0), not learned
  int context_channel = 1; ///< the channel whose presence anywhere is the context unit F (−1: none)
  /// Colour channels, one global colour unit each (composite routines): a unit sums the map over the
  /// pixels of its colour and feeds back onto every pixel of that colour; the map is also gated on
  /// at every coloured pixel. Empty: no colour units (the plain trace task).
  std::vector<int> colour_channels;
};

/// The network: C channels over a g x g grid, one association map, one Q unit per position.
class LateralMap {
 public:
  /// Offsets (row, col) of the lateral kernel: self first, then the 4-neighbours, then the corners.
  static constexpr std::array<std::array<int, 2>, 9> kOffsets = {
      {{0, 0}, {0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}}};

  LateralMap(int channels, int grid, const LateralMapParams& p)
      : p_(p), nc_(channels), g_(grid), n_(grid * grid), nd_(1 + p.neighbours) {
    const auto n = static_cast<std::size_t>(n_);
    const auto K = static_cast<std::size_t>(p.iterations);
    u_.assign(static_cast<std::size_t>(nc_ + 1), 0.0);
    w_.assign(static_cast<std::size_t>(nd_), 0.0);
    v_.assign(static_cast<std::size_t>(2 * (nc_ + 2)), 0.0);
    tag_u_ = u_;
    tag_w_ = w_;
    tag_v_ = v_;
    grad_u_ = u_;
    grad_w_ = w_;
    grad_v_ = v_;
    v_eff_.assign(static_cast<std::size_t>(nc_ + 2), 0.0);
    x_.assign(static_cast<std::size_t>(nc_) * n, 0.0);
    e_.assign(n, 0.0);
    h_.assign((K + 1) * n, 0.0);
    s_.assign(K * n, 0.0);
    q_.assign(n, 0.0);
    fb_.assign(n, 0.0);
    fb_next_.assign(n, 0.0);
    zeta_.assign(n, 0.0);
    acc_.assign(n, 0.0);
    gate_.assign(p.colour_channels.empty() ? 0 : n, 0.0);
    const auto nk = p.colour_channels.size();
    om_.assign(nk > 0 ? 2 : 0, 0.0);
    tag_om_ = om_;
    grad_om_ = om_;
    G_.assign((K + 1) * nk, 0.0);
    S_.assign((K + 1) * nk, 0.0);
    sG_.assign(K * nk, 0.0);
    accG_.assign(nk, 0.0);
    accG_next_.assign(nk, 0.0);
    fbG_.assign(nk, 0.0);
    fbG_next_.assign(nk, 0.0);
    colour_sum_.assign(n, 0.0);
    nb_.assign(n * static_cast<std::size_t>(nd_), -1);
    for (int r = 0; r < g_; ++r)
      for (int c = 0; c < g_; ++c)
        for (int d = 0; d < nd_; ++d) {
          const int rr = r + kOffsets[static_cast<std::size_t>(d)][0], cc = c + kOffsets[static_cast<std::size_t>(d)][1];
          if (rr >= 0 && rr < g_ && cc >= 0 && cc < g_)
            nb_[static_cast<std::size_t>((r * g_ + c) * nd_ + d)] = rr * g_ + cc;
        }
    reset_trial();
  }

  /// Draws every weight from U(−range, range) in a fixed order (the map's input, lateral and output
  /// weights |U(−range, range)| when excitatory); without `lateral` the neighbour weights stay 0.
  void randomize(double range, Rng& rng) {
    for (double& x : u_) x = rng.uniform(-range, range);
    for (double& x : w_) x = rng.uniform(-range, range);
    for (double& x : v_) x = rng.uniform(-range, range);
    const std::size_t nf = static_cast<std::size_t>(nc_ + 2);
    if (p_.excitatory) {
      for (std::size_t i = 1; i < u_.size(); ++i) u_[i] = std::abs(u_[i]);
      for (double& x : w_) x = std::abs(x);
      v_[nf - 1] = std::abs(v_[nf - 1]);
      v_[2 * nf - 1] = std::abs(v_[2 * nf - 1]);
    }
    if (p_.fixed_readout) {
      v_[nf - 1] = 1.0;
      v_[2 * nf - 1] = 0.0;
    }
    if (p_.isotropic) tie(w_);
    if (!p_.lateral) std::fill(w_.begin() + 1, w_.end(), 0.0);
    // the colour units' two weights are drawn last (none without colour channels), so the other
    // weights are the same with and without them
    for (double& x : om_) x = p_.excitatory ? std::abs(rng.uniform(-range, range)) : rng.uniform(-range, range);
    tie_colours(u_, 1);
    tie_colours(v_, 1);
    tie_colours(v_, 1 + nc_ + 2);
  }

  /// Clears tags and the previous q (the per-trial state). The last δ stays readable (the RPE at
  /// the trial's outcome) until the next step.
  void reset_trial() {
    std::fill(tag_u_.begin(), tag_u_.end(), 0.0);
    std::fill(tag_w_.begin(), tag_w_.end(), 0.0);
    std::fill(tag_v_.begin(), tag_v_.end(), 0.0);
    std::fill(tag_om_.begin(), tag_om_.end(), 0.0);
    has_prev_ = false;
    q_prev_ = 0.0;
  }

  /// Forward pass on a (C, g, g) input: drive, K lateral iterations, q at every position; `rng`
  /// draws the drive noise (none without it or with noise = 0).
  const std::vector<double>& forward(std::span<const float> in, Rng* rng = nullptr) {
    const std::size_t n = static_cast<std::size_t>(n_);
    for (std::size_t i = 0; i < x_.size(); ++i) x_[i] = in[i];
    // the gate: the gate channel, and with colour units every coloured pixel too
    const std::size_t nk = p_.colour_channels.size();
    if (nk > 0) {
      std::copy_n(&x_[static_cast<std::size_t>(p_.gate_channel) * n], n, gate_.begin());
      for (std::size_t k = 0; k < nk; ++k) {
        const double* xk = colour(k);
        for (std::size_t p = 0; p < n; ++p) gate_[p] = std::max(gate_[p], xk[p]);
      }
    }
    const double* gate = gate_values();
    for (std::size_t p = 0; p < n; ++p) {
      double e = u_[0];
      for (int c = 0; c < nc_; ++c) e += u_[static_cast<std::size_t>(c + 1)] * x_[static_cast<std::size_t>(c) * n + p];
      e_[p] = e;
    }
    // noisy drive: every unit's input fluctuates from step to step
    if (rng != nullptr && p_.noise > 0.0)
      for (std::size_t p = 0; p < n; ++p)
        if (gate[p] != 0.0) e_[p] += rng->normal(0.0, p_.noise);
    // the map: activity spreads one neighbour per iteration, only over gated (curve) pixels
    std::fill(h_.begin(), h_.begin() + static_cast<std::ptrdiff_t>(n), 0.0);
    std::fill(G_.begin(), G_.begin() + static_cast<std::ptrdiff_t>(nk), 0.0);
    std::fill(S_.begin(), S_.begin() + static_cast<std::ptrdiff_t>(nk), 0.0);
    for (int k = 1; k <= p_.iterations; ++k) {
      const double* hp = &h_[static_cast<std::size_t>(k - 1) * n];
      double* hk = &h_[static_cast<std::size_t>(k) * n];
      double* sk = &s_[static_cast<std::size_t>(k - 1) * n];
      // colour units: G_k = f(ω_in S_k), S_k the map summed over colour k's pixels, both of the last iteration
      const double* Gp = G_.data() + static_cast<std::size_t>(k - 1) * nk;
      for (std::size_t c = 0; c < nk; ++c) {
        const double y = om_[0] * S_[static_cast<std::size_t>(k - 1) * nk + c];
        double& sg = sG_[static_cast<std::size_t>(k - 1) * nk + c];
        G_[static_cast<std::size_t>(k) * nk + c] = unit(y, sg);
      }
      if (nk > 0) {
        // the colour units' input to each pixel: ω_out Σ_k x_{k,p} G_k (of the last iteration)
        std::fill(colour_sum_.begin(), colour_sum_.end(), 0.0);
        for (std::size_t c = 0; c < nk; ++c)
          if (Gp[c] != 0.0) {
            const double* xk = colour(c);
            for (std::size_t p = 0; p < n; ++p) colour_sum_[p] += xk[p] * Gp[c];
          }
      }
      for (std::size_t p = 0; p < n; ++p) {
        if (gate[p] == 0.0) {
          hk[p] = 0.0;
          sk[p] = 0.0;
          continue;
        }
        double z = e_[p];
        const int* nb = &nb_[p * static_cast<std::size_t>(nd_)];
        for (int d = 0; d < nd_; ++d)
          if (nb[d] >= 0) z += w_[static_cast<std::size_t>(d)] * hp[nb[d]];
        if (nk > 0) z += om_[1] * colour_sum_[p];
        if (p_.clip) {
          // piecewise-linear unit: h = [z − θ] clipped to [0, 1]; sk keeps the slope (0 or 1)
          const double y = z - p_.theta;
          hk[p] = gate[p] * std::clamp(y, 0.0, 1.0);
          sk[p] = y > 0.0 && y < 1.0 ? 1.0 : p_.clip_slope;
        } else {
          sk[p] = 1.0 / (1.0 + std::exp(p_.theta - z));
          hk[p] = gate[p] * sk[p];
        }
      }
      for (std::size_t c = 0; c < nk; ++c) {
        const double* xk = colour(c);
        double sum = 0.0;
        for (std::size_t p = 0; p < n; ++p) sum += xk[p] * hk[p];
        S_[static_cast<std::size_t>(k) * nk + c] = sum;
      }
    }
    // the context unit, then the effective readout weights v + F v'
    context_ = 0.0;
    if (p_.context_channel >= 0)
      for (std::size_t p = 0; p < n; ++p) context_ = std::max(context_, x_[static_cast<std::size_t>(p_.context_channel) * n + p]);
    const std::size_t nf = static_cast<std::size_t>(nc_ + 2);
    for (std::size_t j = 0; j < nf; ++j) v_eff_[j] = v_[j] + context_ * v_[nf + j];
    const double* hK = &h_[static_cast<std::size_t>(p_.iterations) * n];
    mean_h_ = 0.0;
    double pool = 0.0;
    if (p_.normalise) {
      for (std::size_t p = 0; p < n; ++p) {
        mean_h_ += readout_gate(p) * hK[p];
        pool += readout_gate(p);
      }
      mean_h_ = pool > 0.0 ? mean_h_ / pool : 0.0;
    }
    pool_ = pool;
    for (std::size_t p = 0; p < n; ++p) {
      double q = v_eff_[0] + v_eff_[nf - 1] * (hK[p] - mean_h_) * readout_gate(p);
      for (int c = 0; c < nc_; ++c) q += v_eff_[static_cast<std::size_t>(c + 1)] * x_[static_cast<std::size_t>(c) * n + p];
      q_[p] = q;
    }
    return q_;
  }

  /// After forward(): action a is selected. δ = r + γ q_a − q_prev (none on a trial's first step);
  /// with `learn`, θ ← θ + β δ Tag, then the tags decay and take in ∂q_a/∂θ. Returns δ.
  double step(int a, double reward, bool learn) {
    const double qa = q_[static_cast<std::size_t>(a)];
    delta_ = has_prev_ ? reward + p_.gamma * qa - q_prev_ : 0.0;
    if (learn) {
      if (has_prev_) apply_delta();
      gradient(a);
      const double decay = p_.lambda * p_.gamma;
      for (std::size_t i = 0; i < u_.size(); ++i) tag_u_[i] = decay * tag_u_[i] + grad_u_[i];
      for (std::size_t i = 0; i < w_.size(); ++i) tag_w_[i] = decay * tag_w_[i] + grad_w_[i];
      for (std::size_t i = 0; i < v_.size(); ++i) tag_v_[i] = decay * tag_v_[i] + grad_v_[i];
      for (std::size_t i = 0; i < om_.size(); ++i) tag_om_[i] = decay * tag_om_[i] + grad_om_[i];
    }
    q_prev_ = qa;
    has_prev_ = true;
    return delta_;
  }

  /// The trial ended after the last action with reward r: δ = r − q_prev; learns with `learn`.
  double terminal(double reward, bool learn) {
    delta_ = reward - q_prev_;
    if (learn && has_prev_) apply_delta();
    return delta_;
  }

  /// The episode was cut after the last action: after forward() on the next input and the policy's
  /// choice a there, δ bootstraps on-policy (SARSA) from q_a; learns with `learn`.
  double truncated(int a, double reward, bool learn) {
    delta_ = reward + p_.gamma * q_[static_cast<std::size_t>(a)] - q_prev_;
    if (learn && has_prev_) apply_delta();
    return delta_;
  }

  /// The credit of every parameter for q_a of the last forward pass into grad_u(), grad_w(),
  /// grad_v(): the attention-gated feedback from Q unit a, carried into the map by the accessory
  /// network (rule relearnn) or back through the K iterations (rule bptt: exactly ∂q_a/∂θ).
  void gradient(int a) {
    const std::size_t n = static_cast<std::size_t>(n_);
    const auto as = static_cast<std::size_t>(a);
    std::fill(grad_u_.begin(), grad_u_.end(), 0.0);
    std::fill(grad_w_.begin(), grad_w_.end(), 0.0);
    std::fill(grad_om_.begin(), grad_om_.end(), 0.0);
    // readout: only Q unit a is tagged (z_a = 1)
    const std::size_t nf = static_cast<std::size_t>(nc_ + 2);
    grad_v_[0] = 1.0;
    for (int c = 0; c < nc_; ++c) grad_v_[static_cast<std::size_t>(c + 1)] = x_[static_cast<std::size_t>(c) * n + as];
    grad_v_[nf - 1] = (h_[static_cast<std::size_t>(p_.iterations) * n + as] - mean_h_) * readout_gate(as);
    for (std::size_t j = 0; j < nf; ++j) grad_v_[nf + j] = context_ * grad_v_[j];
    if (p_.fixed_readout) grad_v_[nf - 1] = grad_v_[2 * nf - 1] = 0.0;
    // feedback enters the map at the selected position (the attention gate); with normalisation
    // the selected unit's feedback also reaches every gated position through the pool, −1/pool
    std::fill(fb_.begin(), fb_.end(), 0.0);
    const double fa = v_eff_[nf - 1] * readout_gate(as);
    if (p_.normalise && pool_ > 0.0 && fa != 0.0)
      for (std::size_t p = 0; p < n; ++p) fb_[p] = -fa * readout_gate(p) / pool_;
    fb_[as] += fa;
    if (p_.rule == CreditRule::relearnn)
      accessory_credit();
    else
      bptt_credit();
    if (p_.isotropic) {
      // a tied weight's derivative is the sum over its copies; every copy takes it
      double sides = 0.0, corners = 0.0;
      for (int d = 1; d < nd_; ++d) (d <= 4 ? sides : corners) += grad_w_[static_cast<std::size_t>(d)];
      for (int d = 1; d < nd_; ++d) grad_w_[static_cast<std::size_t>(d)] = d <= 4 ? sides : corners;
    }
    if (!p_.lateral) std::fill(grad_w_.begin() + 1, grad_w_.end(), 0.0);
    // colour channels share their input and readout weights (colours are interchangeable): a tied
    // weight's derivative is the sum over its copies, and every copy takes it
    sum_colours(grad_u_, 1);
    sum_colours(grad_v_, 1);
    sum_colours(grad_v_, 1 + nc_ + 2);
  }

  const LateralMapParams& params() const { return p_; }
  const std::vector<double>& q() const { return q_; }
  double delta() const { return delta_; }
  /// The context unit F of the last forward pass.
  double context() const { return context_; }
  int grid() const { return g_; }
  int channels() const { return nc_; }
  /// Map activity after iteration k (0..K), one value per position.
  std::span<const double> map(int k) const {
    return {&h_[static_cast<std::size_t>(k) * static_cast<std::size_t>(n_)], static_cast<std::size_t>(n_)};
  }
  /// The accessory units a^N after the last gradient() with rule relearnn, one per position (0 where
  /// the map is gated off; all 0 with bptt).
  const std::vector<double>& accessory() const { return acc_; }
  /// The colour units after iteration k (0..K), one value per colour channel (empty without them).
  std::span<const double> colour_units(int k) const {
    const std::size_t nk = p_.colour_channels.size();
    return {G_.data() + static_cast<std::size_t>(k) * nk, nk};
  }
  /// Frobenius norm of all tags together.
  double tag_norm() const {
    double s = 0.0;
    for (double t : tag_u_) s += t * t;
    for (double t : tag_w_) s += t * t;
    for (double t : tag_v_) s += t * t;
    for (double t : tag_om_) s += t * t;
    return std::sqrt(s);
  }

  // parameters, mutable for loading and tests
  std::vector<double>& u() { return u_; }  ///< drive: bias, then one weight per channel
  std::vector<double>& w() { return w_; }  ///< lateral kernel in kOffsets order (self first)
  /// readout: (bias, one weight per channel, the gated map), then the same times F
  std::vector<double>& v() { return v_; }
  /// colour units: (ω_in, map → colour unit; ω_out, colour unit → map); empty without colour channels
  std::vector<double>& colour_weights() { return om_; }
  const std::vector<double>& colour_weights() const { return om_; }
  const std::vector<double>& grad_colour_weights() const { return grad_om_; }
  const std::vector<double>& u() const { return u_; }
  const std::vector<double>& w() const { return w_; }
  const std::vector<double>& v() const { return v_; }
  const std::vector<double>& grad_u() const { return grad_u_; }
  const std::vector<double>& grad_w() const { return grad_w_; }
  const std::vector<double>& grad_v() const { return grad_v_; }

 private:
  // isotropic kernel: every side neighbour takes the first side's weight, every corner the first corner's
  void tie(std::vector<double>& k) const {
    for (int d = 2; d < nd_; ++d) k[static_cast<std::size_t>(d)] = k[static_cast<std::size_t>(d <= 4 ? 1 : 5)];
  }

  // the weights of the colour channels in k, offset `at` (the weight of channel c is k[at + c]):
  // every one takes the first colour's
  void tie_colours(std::vector<double>& k, int at) const {
    for (std::size_t c = 1; c < p_.colour_channels.size(); ++c)
      k[static_cast<std::size_t>(at + p_.colour_channels[c])] = k[static_cast<std::size_t>(at + p_.colour_channels[0])];
  }
  // derivatives of tied colour weights: each copy takes the sum over the copies
  void sum_colours(std::vector<double>& g, int at) const {
    double sum = 0.0;
    for (int ch : p_.colour_channels) sum += g[static_cast<std::size_t>(at + ch)];
    for (int ch : p_.colour_channels) g[static_cast<std::size_t>(at + ch)] = sum;
  }

  // the map's gate per position: without colour units the gate channel of the input itself (read in
  // place), with them gate_ (the gate channel and every coloured pixel)
  const double* gate_values() const {
    return p_.colour_channels.empty() ? &x_[static_cast<std::size_t>(p_.gate_channel) * static_cast<std::size_t>(n_)] : gate_.data();
  }

  // colour channel k of the input (grid² values)
  const double* colour(std::size_t k) const {
    return &x_[static_cast<std::size_t>(p_.colour_channels[k]) * static_cast<std::size_t>(n_)];
  }

  // a colour unit's activity for input y: linear up to 1, where it saturates (so the loop through the
  // colour units stays bounded); with excitatory synapses (the default) y >= 0 always (S_k >= 0,
  // ω_in >= 0), otherwise it is linear below 1 too. Its derivative as the tags use it: 1 below
  // saturation, `clip_slope` at it
  double unit(double y, double& slope) const {
    slope = y < 1.0 ? 1.0 : p_.clip_slope;
    return std::min(y, 1.0);
  }

  // the gate of the map's input to the Q unit at p
  double readout_gate(std::size_t p) const {
    return p_.readout_channel < 0 ? 1.0 : x_[static_cast<std::size_t>(p_.readout_channel) * static_cast<std::size_t>(n_) + p];
  }

  void apply_delta() {
    const double g = p_.beta * delta_;
    for (std::size_t i = 0; i < u_.size(); ++i) {
      u_[i] += g * tag_u_[i];
      if (p_.excitatory && i > 0) u_[i] = std::max(u_[i], 0.0);
    }
    for (std::size_t i = 0; i < w_.size(); ++i) {
      w_[i] += g * tag_w_[i];
      if (p_.excitatory) w_[i] = std::max(w_[i], 0.0);
    }
    for (std::size_t i = 0; i < v_.size(); ++i) v_[i] += g * tag_v_[i];
    for (std::size_t i = 0; i < om_.size(); ++i) {
      om_[i] += g * tag_om_[i];
      if (p_.excitatory) om_[i] = std::max(om_[i], 0.0);
    }
    if (p_.excitatory) {
      // the map's synapses onto the Q units excite; v_h + F v'_h >= 0 in both contexts
      const std::size_t nf = static_cast<std::size_t>(nc_ + 2);
      v_[nf - 1] = std::max(v_[nf - 1], 0.0);
      v_[2 * nf - 1] = std::max(v_[2 * nf - 1], 0.0);
    }
  }

  // the post-synaptic factor of map unit p at iteration k (1..K): gate × σ'(z) (clip: its slope)
  double post_factor(int k, std::size_t p) const {
    const std::size_t n = static_cast<std::size_t>(n_);
    const double s = s_[static_cast<std::size_t>(k - 1) * n + p];
    return gate_values()[p] * (p_.clip ? s : s * (1.0 - s));
  }

  // credit of unit p's synapses, given its post × feedback factor z and the map before iteration k
  void add_credit(std::size_t p, double z, const double* h_before) {
    const std::size_t n = static_cast<std::size_t>(n_);
    grad_u_[0] += z;
    for (int c = 0; c < nc_; ++c) grad_u_[static_cast<std::size_t>(c + 1)] += z * x_[static_cast<std::size_t>(c) * n + p];
    const int* nb = &nb_[p * static_cast<std::size_t>(nd_)];
    for (int d = 0; d < nd_; ++d)
      if (nb[d] >= 0) grad_w_[static_cast<std::size_t>(d)] += z * h_before[nb[d]];
  }

  // colour units, map unit p with post × feedback factor z: the credit of ω_out (pre-synaptic
  // Σ_k x_{k,p} G_k before the iteration; G_before null: no credit) and the feedback to the colour
  // units of p's colours (added into fbG; null: none)
  void colour_out(std::size_t p, double z, const double* G_before, double* fbG) {
    const std::size_t n = static_cast<std::size_t>(n_);
    for (std::size_t c = 0; c < p_.colour_channels.size(); ++c) {
      const double xk = x_[static_cast<std::size_t>(p_.colour_channels[c]) * n + p];
      if (xk == 0.0) continue;
      if (G_before != nullptr) grad_om_[1] += z * xk * G_before[c];
      if (fbG != nullptr) fbG[c] += om_[1] * xk * z;
    }
  }

  // colour unit c with post × feedback factor zc: the credit of ω_in (pre-synaptic S_c before the
  // iteration; S_before null: no credit) and the feedback to the map units of colour c (into fb; null: none)
  void colour_in(std::size_t c, double zc, const double* S_before, double* fb) {
    if (S_before != nullptr) grad_om_[0] += zc * S_before[c];
    if (fb == nullptr) return;
    const double* xk = colour(c);
    for (std::size_t p = 0; p < static_cast<std::size_t>(n_); ++p)
      if (xk[p] != 0.0) fb[p] += om_[0] * xk[p] * zc;
  }

  // RELEARNN: the accessory network iterates on the final state (a = FB + Jᵀ a, N times); each
  // synapse's credit is its pre-synaptic activity × the post-synaptic factor × the accessory unit at
  // the post-synaptic position, all of the final iteration
  void accessory_credit() {
    const std::size_t n = static_cast<std::size_t>(n_);
    const int K = p_.iterations;
    const std::size_t nk = p_.colour_channels.size();
    for (std::size_t p = 0; p < n; ++p) zeta_[p] = post_factor(K, p);
    const double* sGK = sG_.data() + static_cast<std::size_t>(K - 1) * nk;  // the colour units' post factors
    acc_ = fb_;
    std::fill(accG_.begin(), accG_.end(), 0.0);  // the colour units' accessory units (no feedback enters there)
    for (int it = 0; it < p_.accessory_iterations; ++it) {
      fb_next_ = fb_;
      std::fill(accG_next_.begin(), accG_next_.end(), 0.0);
      for (std::size_t p = 0; p < n; ++p) {
        const double z = acc_[p] * zeta_[p];
        if (z == 0.0) continue;
        const int* nb = &nb_[p * static_cast<std::size_t>(nd_)];
        for (int d = 0; d < nd_; ++d)
          if (nb[d] >= 0) fb_next_[static_cast<std::size_t>(nb[d])] += w_[static_cast<std::size_t>(d)] * z;
        if (nk > 0) colour_out(p, z, nullptr, accG_next_.data());
      }
      for (std::size_t c = 0; c < nk; ++c)
        if (const double zc = accG_[c] * sGK[c]; zc != 0.0) colour_in(c, zc, nullptr, fb_next_.data());
      std::swap(acc_, fb_next_);
      std::swap(accG_, accG_next_);
    }
    // an accessory unit is silent where its map unit is gated off (it carries no credit there)
    const double* gate = gate_values();
    for (std::size_t p = 0; p < n; ++p)
      if (gate[p] == 0.0) acc_[p] = 0.0;
    const double* hp = &h_[static_cast<std::size_t>(K - 1) * n];
    const double* Gp = G_.data() + static_cast<std::size_t>(K - 1) * nk;
    const double* Sp = S_.data() + static_cast<std::size_t>(K - 1) * nk;
    for (std::size_t p = 0; p < n; ++p)
      if (const double z = acc_[p] * zeta_[p]; z != 0.0) {
        add_credit(p, z, hp);
        if (nk > 0) colour_out(p, z, Gp, nullptr);
      }
    for (std::size_t c = 0; c < nk; ++c)
      if (const double zc = accG_[c] * sGK[c]; zc != 0.0) colour_in(c, zc, Sp, nullptr);
  }

  // BPTT: the feedback runs back through the K iterations of this step (exact ∂q_a/∂θ)
  void bptt_credit() {
    const std::size_t n = static_cast<std::size_t>(n_);
    const std::size_t nk = p_.colour_channels.size();
    std::fill(acc_.begin(), acc_.end(), 0.0);
    std::fill(fbG_.begin(), fbG_.end(), 0.0);  // no feedback enters the colour units at the final state
    for (int k = p_.iterations; k >= 1; --k) {
      const double* hp = &h_[static_cast<std::size_t>(k - 1) * n];
      const double* Gp = G_.data() + static_cast<std::size_t>(k - 1) * nk;
      const double* Sp = S_.data() + static_cast<std::size_t>(k - 1) * nk;
      const double* sGk = sG_.data() + static_cast<std::size_t>(k - 1) * nk;
      std::fill(fb_next_.begin(), fb_next_.end(), 0.0);
      std::fill(fbG_next_.begin(), fbG_next_.end(), 0.0);
      bool any = false;
      for (std::size_t p = 0; p < n; ++p) {
        const double z = fb_[p] == 0.0 ? 0.0 : fb_[p] * post_factor(k, p);
        if (z == 0.0) continue;
        any = true;
        add_credit(p, z, hp);
        const int* nb = &nb_[p * static_cast<std::size_t>(nd_)];
        for (int d = 0; d < nd_; ++d)
          if (nb[d] >= 0) fb_next_[static_cast<std::size_t>(nb[d])] += w_[static_cast<std::size_t>(d)] * z;
        if (nk > 0) colour_out(p, z, Gp, fbG_next_.data());
      }
      for (std::size_t c = 0; c < nk; ++c)
        if (const double zc = fbG_[c] * sGk[c]; zc != 0.0) {
          any = true;
          colour_in(c, zc, Sp, fb_next_.data());
        }
      if (!any) break;
      std::swap(fb_, fb_next_);
      std::swap(fbG_, fbG_next_);
    }
  }

  LateralMapParams p_;
  int nc_, g_, n_, nd_;
  std::vector<double> u_, w_, v_;                 // parameters
  std::vector<double> tag_u_, tag_w_, tag_v_;     // synaptic tags
  std::vector<double> grad_u_, grad_w_, grad_v_;  // ∂q_a/∂θ of the last step
  std::vector<double> x_, e_, h_, s_, q_;         // input, drive, map per iteration, σ per iteration, q
  std::vector<double> v_eff_;                     // v + F v' of the last forward pass
  double context_ = 0.0;                          // the context unit F
  double mean_h_ = 0.0, pool_ = 0.0;              // mean map activity over the gated positions, their weight
  std::vector<double> fb_, fb_next_, zeta_;       // feedback through the iterations; post factors
  std::vector<double> acc_;                       // accessory units of the last credit (RELEARNN)
  std::vector<double> gate_;                      // with colour units: the map's gate per position (gate channel, colours)
  // colour units (empty without colour channels): weights (ω_in, ω_out), their tags and credit; per
  // iteration k the units G, their input sums S_k = Σ_p x_{k,p} h_p and derivatives; feedback/accessory
  std::vector<double> om_, tag_om_, grad_om_;
  std::vector<double> G_, S_, sG_;
  std::vector<double> accG_, accG_next_, fbG_, fbG_next_, colour_sum_;
  std::vector<int> nb_;                           // neighbour index per (position, offset), −1 off the grid
  double q_prev_ = 0.0, delta_ = 0.0;
  bool has_prev_ = false;
};

}  // namespace sgym::learning
