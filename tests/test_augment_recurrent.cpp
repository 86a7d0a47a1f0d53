// augment-recurrent: the lateral map's tags are the gradient of the selected q through the
// iterations; activity spreads one pixel per iteration along a curve and not onto another; and the
// recurrent net beats the same net without horizontal connections on a curve length it never
// trained (benchmarks/curve_tracing.hpp protocol, small budget).
#include <catch2/catch.hpp>
#include <algorithm>

#include "../benchmarks/curve_tracing.hpp"
#include "learning/lateral_map.hpp"
#include "sgym/agents.hpp"

using namespace sgym;

namespace {

// a 5 x 5 retina with one curve 6-7-8-13-18 (FP / gaze at 6, target at 18) and a lone pixel at 20
std::vector<float> small_retina() {
  std::vector<float> x(4 * 25, 0.0f);
  for (int p : {6, 7, 8, 13, 18, 20}) x[static_cast<std::size_t>(p)] = 1.0f;
  x[25 + 6] = 1.0f;   // fixation point
  x[50 + 18] = 1.0f;  // target
  x[50 + 20] = 1.0f;
  x[75 + 6] = 1.0f;   // gaze
  return x;
}

}  // namespace

TEST_CASE("augment-recurrent: tags are the gradient of the selected q through the iterations", "[augment-recurrent]") {
  for (bool clip : {false, true}) {
    learning::LateralMapParams p;
    p.iterations = 6;
    p.clip = clip;
    p.theta = clip ? 0.0 : 2.5;
    p.fixed_readout = false;  // every parameter learns, and each has its own weight, so every tag is checked
    p.isotropic = false;
    learning::LateralMap net(4, 5, p);
    Rng rng(3);
    net.randomize(1.0, rng);
    const auto x = small_retina();
    const int a = 18;
    net.forward(x);
    net.gradient(a);
    const auto gu = net.grad_u(), gw = net.grad_w(), gv = net.grad_v();
    auto check = [&](std::vector<double>& w, const std::vector<double>& g) {
      for (std::size_t i = 0; i < w.size(); ++i) {
        const double o = w[i], h = 1e-6;
        w[i] = o + h;
        net.forward(x);
        const double qp = net.q()[a];
        w[i] = o - h;
        net.forward(x);
        const double qm = net.q()[a];
        w[i] = o;
        CHECK((qp - qm) / (2 * h) == Approx(g[i]).margin(1e-5));
      }
    };
    check(net.u(), gu);
    check(net.w(), gw);
    check(net.v(), gv);
  }
}

TEST_CASE("augment-recurrent: activity spreads one pixel per iteration along the curve only", "[augment-recurrent]") {
  learning::LateralMapParams p;
  p.iterations = 8;
  p.clip = true;
  p.theta = 0.0;
  learning::LateralMap net(4, 5, p);
  // the gaze seeds the map; each unit passes its activity to its 4-neighbours (hand-set weights)
  std::fill(net.u().begin(), net.u().end(), 0.0);
  net.u()[4] = 1.0;
  std::fill(net.w().begin(), net.w().end(), 0.0);
  for (int d = 0; d <= 4; ++d) net.w()[static_cast<std::size_t>(d)] = 1.0;
  net.forward(small_retina());
  const int along[] = {6, 7, 8, 13, 18};
  for (int d = 0; d < 5; ++d) {
    // pixel d along the curve is silent until iteration d + 1, then on
    CHECK(net.map(d)[static_cast<std::size_t>(along[d])] == 0.0);
    CHECK(net.map(d + 1)[static_cast<std::size_t>(along[d])] == 1.0);
  }
  CHECK(net.map(8)[20] == 0.0);  // the other curve pixel is never reached
  // without horizontal connections the same weights do not spread
  p.lateral = false;
  learning::LateralMap ff(4, 5, p);
  Rng rng(1);
  ff.randomize(0.25, rng);
  for (double w : std::vector<double>(ff.w().begin() + 1, ff.w().end())) CHECK(w == 0.0);
}

TEST_CASE("augment-recurrent: without horizontal connections the net stays at chance on balanced stimuli", "[augment-recurrent]") {
  // the benchmark's protocol with a smaller stage cap: the feedforward control trains through the
  // curriculum (it stays in the first stage) and is tested greedily on held-out shapes of 9 px and
  // 12 px with the correct target's distance and direction ranks balanced (one distractor, chance
  // 0.5). A task that leaked a distance or direction cue would let it score above chance. (The
  // recurrent net does not learn these stimuli at all: benchmarks/results/curve-tracing.md.)
  curve_bench::Protocol p;
  p.stage_cap = 5000;
  auto env = curve_bench::make_curve_env(p, {});
  auto agent = make_agent("augment-recurrent", env->observation_space(), env->action_space(), {{"lateral", "false"}}, 1);
  const auto t = curve_bench::train(*agent, p, 1);
  CHECK_FALSE(t.passed);
  CHECK(curve_bench::accuracy_at(*agent, p, 9, 1, 400, 77) < 0.58);
  CHECK(curve_bench::accuracy_at(*agent, p, 12, 1, 400, 78) < 0.58);
}

TEST_CASE("augment-recurrent: a time-limit truncation bootstraps from the selected action's q", "[augment-recurrent]") {
  learning::LateralMapParams p;
  p.iterations = 6;
  learning::LateralMap net(4, 5, p);
  Rng rng(4);
  net.randomize(1.0, rng);
  const auto x = small_retina();
  net.forward(x);
  const double q_prev = net.q()[6];
  net.step(6, 0.0, false);
  net.forward(x);
  // the policy's choice at the cut state: here the action with the lowest q, never max q
  const auto& q = net.q();
  const auto low = static_cast<int>(std::min_element(q.begin(), q.end()) - q.begin());
  REQUIRE(q[static_cast<std::size_t>(low)] < *std::max_element(q.begin(), q.end()));
  const double delta = net.truncated(low, 0.5, false);
  REQUIRE(delta == Approx(0.5 + p.gamma * q[static_cast<std::size_t>(low)] - q_prev));
}
