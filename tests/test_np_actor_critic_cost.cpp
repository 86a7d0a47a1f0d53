// np-actor-critic's metabolic activity cost (option activity_cost): the RPE it learns from is
// r - kappa * mean normalised activity, checked by hand on one step; bounded actions are required.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/error.hpp"

using namespace sgym;

TEST_CASE("np-actor-critic: activity_cost enters the RPE as r - kappa * mean activity", "[np_actor_critic]") {
  // all weights 0: value 0, terminal step, so delta = r - kappa * mean_i (y_i - low) / (high - low)
  const double kappa = 0.4;
  auto agent = make_agent("np-actor-critic", Space::box(0.0f, 1.0f, {2}), Space::box(-1.0f, 1.0f, {3}),
                          {{"perturbation_sd", "0.5"}, {"activity_cost", "0.4"}}, 9);
  const std::vector<float> x = {1.0f, 0.0f};
  agent->begin_episode();
  const Action a = agent->act(x);
  double mean = 0.0;
  for (const float y : a.values) mean += (y + 1.0) / 2.0 / 3.0;
  agent->observe(1.0, x, true, false);
  float rpe = 0.0f;
  for (const auto& s : agent->introspect())
    if (s.name == "rpe") rpe = s.values.at(0);
  REQUIRE(rpe == Approx(1.0 - kappa * mean));
  REQUIRE(mean != Approx(0.5));  // the noise moved the activity, so the check is not trivial
}

TEST_CASE("np-actor-critic: activity_cost needs bounded actions", "[np_actor_critic]") {
  REQUIRE_THROWS_WITH(make_agent("np-actor-critic", Space::box(0.0f, 1.0f, {2}),
                                 Space::box(-INFINITY, INFINITY, {2}), {{"activity_cost", "0.1"}}),
                      Catch::Contains("activity_cost = 0.1"));
  REQUIRE_NOTHROW(make_agent("np-actor-critic", Space::box(0.0f, 1.0f, {2}), Space::box(-INFINITY, INFINITY, {2})));
}
