// agrel: hand-computed updates on a 2-input, 2-hidden, 2-output network, and learning checks (a
// one-step classification, the 2005 paper's setting; the redundant-relevant-cue task), measured with
// fixed seeds.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "support.hpp"

using namespace sgym;

namespace {

double sigmoid(double a) { return 1.0 / (1.0 + std::exp(-a)); }

}  // namespace

TEST_CASE("agrel: two updates by hand on a 2-2-2 network (rpe = td)", "[agrel]") {
  // all weights start at 0 (init_range 0), so h = sigma(0) = 0.5 and Z = 0; the input is [x; 1], the
  // hidden layer [h; 1]; gamma 0: delta = r - Z_winner
  const double beta = 0.3;
  auto agent = make_agent("agrel", Space::box(0.0f, 1.0f, {2}), Space::discrete(2),
                          {{"n_hidden", "2"}, {"init_range", "0"}, {"beta", "0.3"}, {"gamma", "0"}, {"temperature", "1"},
                           {"rpe", "td"}},
                          11);
  const std::vector<float> x = {1.0f, 0.0f};
  const std::vector<double> xb = {1.0, 0.0, 1.0};
  agent->begin_episode();
  const auto a = static_cast<std::size_t>(agent->act(x).index);
  REQUIRE(test::signal(*agent, "hidden", 0) == Approx(0.5));
  REQUIRE(test::signal(*agent, "action_probs", a) == Approx(0.5));
  agent->observe(1.0, x, true, false);
  REQUIRE(test::signal(*agent, "rpe") == Approx(1.0));
  // update 1: V_a <- beta * 1 * [0.5, 0.5, 1]; the gate h(1-h) V_a was 0, so W is unchanged
  std::vector<double> va = {beta * 0.5, beta * 0.5, beta * 1.0};
  agent->begin_episode();
  const auto b = static_cast<std::size_t>(agent->act(x).index);
  REQUIRE(test::signal(*agent, "hidden", 1) == Approx(0.5));
  const double za = va[0] * 0.5 + va[1] * 0.5 + va[2];
  REQUIRE(test::signal(*agent, "output", a) == Approx(za));
  REQUIRE(test::signal(*agent, "output", 1 - a) == Approx(0.0).margin(1e-12));
  REQUIRE(test::signal(*agent, "action_probs", a) == Approx(1.0 / (1.0 + std::exp(-za))));
  // update 2 with reward 0: delta = -Z_b; only the winner b's weights change; hidden weights change by
  // beta * delta * h_j (1 - h_j) * V_bj * x (the gate uses V_b before its change)
  agent->observe(0.0, x, true, false);
  const double zb = b == a ? za : 0.0;
  const double delta = -zb;
  REQUIRE(test::signal(*agent, "rpe") == Approx(delta));
  std::vector<double> vb = b == a ? va : std::vector<double>{0.0, 0.0, 0.0};
  std::vector<double> w_row(3, 0.0), h(2);
  for (int j = 0; j < 2; ++j) {
    const double gate = 0.25 * vb[static_cast<std::size_t>(j)];
    double act = 0.0;
    for (std::size_t i = 0; i < 3; ++i) act += beta * delta * gate * xb[i] * xb[i];
    h[static_cast<std::size_t>(j)] = sigmoid(act);
  }
  for (std::size_t j = 0; j < 3; ++j) vb[j] += beta * delta * (j < 2 ? 0.5 : 1.0);
  agent->begin_episode();
  agent->act(x);
  REQUIRE(test::signal(*agent, "hidden", 0) == Approx(h[0]));
  REQUIRE(test::signal(*agent, "hidden", 1) == Approx(h[1]));
  REQUIRE(test::signal(*agent, "output", b) == Approx(vb[0] * h[0] + vb[1] * h[1] + vb[2]));
  if (b != a) REQUIRE(test::signal(*agent, "output", a) == Approx(va[0] * h[0] + va[1] * h[1] + va[2]));
}

namespace {

// log π_c for the network of agrel's parameters (W: nh × (n+1), V: k × (nh+1), column-major as
// Eigen stores them), π = softmax(Z / τ): the supervised objective whose gradient AGREL follows.
double log_prob(const std::vector<double>& w, const std::vector<double>& v, const std::vector<double>& xb, int nh,
                int k, int c, double tau) {
  const int n = static_cast<int>(xb.size());
  std::vector<double> h(static_cast<std::size_t>(nh + 1), 1.0);
  for (int j = 0; j < nh; ++j) {
    double a = 0.0;
    for (int i = 0; i < n; ++i) a += w[static_cast<std::size_t>(j + i * nh)] * xb[static_cast<std::size_t>(i)];
    h[static_cast<std::size_t>(j)] = sigmoid(a);
  }
  std::vector<double> z(static_cast<std::size_t>(k), 0.0);
  for (int b = 0; b < k; ++b)
    for (int j = 0; j <= nh; ++j) z[static_cast<std::size_t>(b)] += v[static_cast<std::size_t>(b + j * k)] * h[static_cast<std::size_t>(j)];
  double m = z[0], sum = 0.0;
  for (double zb : z) m = std::max(m, zb);
  for (double zb : z) sum += std::exp((zb - m) / tau);
  return (z[static_cast<std::size_t>(c)] - m) / tau - std::log(sum);
}

// Relative distance ‖mean update / β − τ ∇ log π_c‖ / ‖τ ∇ log π_c‖ over `trials` one-step trials
// of a 3-input, 4-hidden, 3-output network that always restarts from the same weights (seed 21,
// init_range 1), on one input whose correct class is c = 1 (reward 1 if chosen, else 0). The
// gradient is taken by central finite differences of log_prob, independent of the agent's code.
double expected_update_error(const std::string& rule, int trials) {
  const double beta = 0.01, tau = 1.0;
  const int nh = 4, k = 3, c = 1;
  const std::vector<float> x = {0.2f, 0.9f, 0.5f};
  const std::vector<double> xb = {0.2, 0.9, 0.5, 1.0};
  for (std::size_t i = 0; i < 3; ++i) REQUIRE(xb[i] == Approx(x[i]));
  auto agent = make_agent("agrel", Space::box(0.0f, 1.0f, {3}), Space::discrete(3),
                          {{"n_hidden", "4"}, {"init_range", "1"}, {"beta", format_number(beta)}, {"gamma", "0"},
                           {"temperature", "1"}, {"rpe", rule}},
                          21);
  const std::string start = agent->to_bytes();
  const auto p0 = test::parameter_arrays(*agent);
  const std::vector<double>& w0 = p0[0];
  const std::vector<double>& v0 = p0[1];
  // τ ∇ log π_c by central differences over W and V
  std::vector<double> grad;
  const double eps = 1e-6;
  for (int which = 0; which < 2; ++which) {
    const std::size_t size = which == 0 ? w0.size() : v0.size();
    for (std::size_t i = 0; i < size; ++i) {
      std::vector<double> w = w0, v = v0;
      auto& p = which == 0 ? w : v;
      p[i] += eps;
      const double up = log_prob(w, v, xb, nh, k, c, tau);
      p[i] -= 2 * eps;
      const double down = log_prob(w, v, xb, nh, k, c, tau);
      grad.push_back(tau * (up - down) / (2 * eps));
    }
  }
  std::vector<double> mean(grad.size(), 0.0);
  for (int t = 0; t < trials; ++t) {
    agent->from_bytes(start);
    agent->seed(static_cast<std::uint64_t>(t + 1));
    agent->begin_episode();
    const auto a = agent->act(x).index;
    agent->observe(a == c ? 1.0 : 0.0, x, true, false);
    const auto p1 = test::parameter_arrays(*agent);
    std::size_t g = 0;
    for (int which = 0; which < 2; ++which)
      for (std::size_t i = 0; i < p1[static_cast<std::size_t>(which)].size(); ++i, ++g)
        mean[g] += (p1[static_cast<std::size_t>(which)][i] - p0[static_cast<std::size_t>(which)][i]) / (beta * trials);
  }
  double num = 0.0, den = 0.0;
  for (std::size_t g = 0; g < grad.size(); ++g) {
    num += (mean[g] - grad[g]) * (mean[g] - grad[g]);
    den += grad[g] * grad[g];
  }
  return std::sqrt(num / den);
}

}  // namespace

TEST_CASE("agrel: the expected update is the supervised (cross-entropy) gradient", "[agrel]") {
  // Roelfsema & van Ooyen 2005: δ = −1 unrewarded, (1 − π_a)/π_a rewarded, so E[ΔW] = β τ ∇ log π_c.
  // 20,000 trials: the sampling error of the mean is ≈ 2 % of ‖∇‖ on this network.
  const int trials = 20000;
  const double published = expected_update_error("agrel", trials);
  const double td = expected_update_error("td", trials);
  INFO("relative distance of the mean update from the gradient: agrel " << published << ", td " << td);
  CHECK(published < 0.06);
  CHECK(td > 0.5);
}

TEST_CASE("agrel: the paper's error by hand: -1 unrewarded, (1 - p)/p rewarded", "[agrel]") {
  auto agent = make_agent("agrel", Space::box(0.0f, 1.0f, {2}), Space::discrete(3), {{"temperature", "1"}}, 4);
  const std::vector<float> x = {1.0f, 0.0f};
  for (int t = 0; t < 20; ++t) {
    agent->begin_episode();
    const auto a = static_cast<std::size_t>(agent->act(x).index);
    const double pa = test::signal(*agent, "action_probs", a);
    const bool rewarded = t % 2 == 0;
    agent->observe(rewarded ? 1.0 : 0.0, x, true, false);
    REQUIRE(test::signal(*agent, "rpe") == Approx(rewarded ? (1.0 - pa) / pa : -1.0));
  }
}

TEST_CASE("agrel: learns a 3-way one-step classification (the 2005 setting)", "[agrel]") {
  auto agent = make_agent("agrel", Space::box(0.0f, 1.0f, {3}), Space::discrete(3), {{"gamma", "0"}}, 1);
  Rng rng(5);
  int correct = 0;
  const int trials = 1500, window = 300;
  for (int t = 0; t < trials; ++t) {
    const auto c = static_cast<std::int64_t>(rng.below(3));
    std::vector<float> x(3, 0.0f);
    x[static_cast<std::size_t>(c)] = 1.0f;
    agent->begin_episode();
    const auto a = agent->act(x).index;
    agent->observe(a == c ? 1.0 : 0.0, x, true, false);
    if (t >= trials - window) correct += a == c;
  }
  INFO("accuracy over the last " << window << " trials: " << correct / double(window) << " (chance 1/3)");
  REQUIRE(correct > 0.9 * window);
}

TEST_CASE("agrel: learns the redundant-relevant-cue task far above chance", "[agrel]") {
  // chance with the defaults is 0.0092 (docs/envs/RedundantRelevantCue-v0.md); unattended cues hidden
  // (peripheral_acuity 0, the env's default when this test was written; at the default 0.8 seed 3 is
  // still learning at trial 2,500: 0.776; the agrel benchmark runs the default)
  auto env = make_env("RedundantRelevantCue-v0", {{"peripheral_acuity", "0"}});
  auto agent = make_agent("agrel", env->observation_space(), env->action_space(), {}, 3);
  const int trials = 2500, window = 500;
  const test::Tally t = test::play_trials(*env, *agent, trials, 3, trials - window);
  const int scored = t.trials, correct = t.count("correct");
  INFO("accuracy over the last " << window << " trials: " << correct / double(scored));
  REQUIRE(scored == window);
  REQUIRE(correct > 0.8 * scored);
}

TEST_CASE("agrel: fixed random feedback also learns the classification", "[agrel]") {
  auto agent = make_agent("agrel", Space::box(0.0f, 1.0f, {3}), Space::discrete(3),
                          {{"gamma", "0"}, {"feedback", "random"}}, 2);
  Rng rng(6);
  int correct = 0;
  const int trials = 2000, window = 300;
  for (int t = 0; t < trials; ++t) {
    const auto c = static_cast<std::int64_t>(rng.below(3));
    std::vector<float> x(3, 0.0f);
    x[static_cast<std::size_t>(c)] = 1.0f;
    agent->begin_episode();
    const auto a = agent->act(x).index;
    agent->observe(a == c ? 1.0 : 0.0, x, true, false);
    if (t >= trials - window) correct += a == c;
  }
  INFO("accuracy over the last " << window << " trials: " << correct / double(window));
  REQUIRE(correct > 0.9 * window);
}
