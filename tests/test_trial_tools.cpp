// Shared trial-task pieces: whole-step durations, epoch schedules, population codes.
#include <catch2/catch.hpp>
#include <vector>

#include "common/trial.hpp"
#include "sgym/error.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

TEST_CASE("Durations are whole steps or an error", "[trial]") {
  REQUIRE(trial::steps_of("T-v0", "delay_ms", 1000, 100) == 10);
  REQUIRE(trial::steps_of("T-v0", "delay_ms", 0, 100) == 0);
  REQUIRE_THROWS_AS(trial::steps_of("T-v0", "delay_ms", 1050, 100), UsageError);
  REQUIRE_THROWS_WITH(trial::steps_of("T-v0", "delay_ms", 1050, 100), Contains("T-v0: option delay_ms = 1050 ms"));
}

TEST_CASE("Epoch schedule", "[trial]") {
  trial::EpochSchedule s;
  s.add("fixation", 3);
  s.add("cue", 0);
  s.add("stimulus", 2);
  REQUIRE(s.total() == 5);
  REQUIRE(s.at(0) == "fixation");
  REQUIRE(s.at(2) == "fixation");
  REQUIRE(s.at(3) == "stimulus");
  REQUIRE(s.at(9) == "stimulus");
  REQUIRE(s.start_of("stimulus") == 3);
  REQUIRE(s.end_of("stimulus") == 5);
  REQUIRE(s.start_of("cue") == 3);
  REQUIRE(s.start_of("nothing") == -1);
}

TEST_CASE("Population code peaks at the preferred value and is periodic", "[trial]") {
  std::vector<float> r(12);
  trial::population_code(r, 90.0, 360.0, 2.0, 1.0);
  REQUIRE(r[3] == Approx(1.0f));                 // unit 3 prefers 90 degrees
  REQUIRE(r[9] == Approx(std::exp(-4.0)));       // the opposite direction
  std::vector<float> o(8);
  trial::population_code(o, 180.0, 180.0, 2.0, 1.0);
  REQUIRE(o[0] == Approx(1.0f));                 // orientation 180 = 0
  Rng rng(1);
  std::vector<float> n(r);
  trial::add_noise(n, 0.0, rng);
  REQUIRE(n == r);
  trial::add_noise(n, 0.1, rng);
  REQUIRE(n != r);
}
