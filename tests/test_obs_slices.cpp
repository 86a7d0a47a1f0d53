// Named observation slices (sgym/space.hpp): an env declares its observation's slices in
// EnvSpec::obs_layout, the Env base attaches them to its observation space, wrappers keep them, and
// agents look them up by name instead of hard-coding offsets; a missing slice is a usage error that
// names it and the slices the space has.
#include <catch2/catch.hpp>
#include <set>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/wrappers.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

TEST_CASE("Space slices: declared within the space, unique, found by name", "[core][space][slices]") {
  const Space box = Space::box(0.0f, 1.0f, {6});
  const Space s = box.with_slices({{"a", 0, 2, "first"}, {"b", 2, 3, "second"}});
  REQUIRE(s.slices().size() == 2);
  REQUIRE(s.slice("b").offset == 2);
  REQUIRE(s.slice("b", 3).size == 3);
  REQUIRE(s.find_slice("c") == nullptr);
  REQUIRE(s.why_no_slice("a", 2).empty());
  // several at once: "" when all are there, else the first reason
  REQUIRE(s.why_no_slices({{"a", 2}, {"b", 0}}).empty());
  REQUIRE_THAT(s.why_no_slices({{"a", 2}, {"c", 0}, {"b", 9}}), Contains("'c'"));
  REQUIRE_THAT(s.why_no_slices({{"b", 9}, {"c", 0}}), Contains("'b'") && Contains("9 elements"));
  // a set is a set: names do not change equality or the description
  REQUIRE(s == box);
  REQUIRE(s.describe() == box.describe());
  // a missing slice names itself and the slices there are; a wrong size says both sizes
  REQUIRE_THROWS_AS(s.slice("cursor", 0, "some-agent"), UsageError);
  REQUIRE_THROWS_WITH(s.slice("cursor", 0, "some-agent"),
                      Contains("some-agent") && Contains("'cursor'") && Contains("a, b"));
  REQUIRE_THROWS_WITH(s.slice("a", 3), Contains("'a'") && Contains("3 elements") && Contains("got 2"));
  REQUIRE_THROWS_WITH(box.slice("a"), Contains("declares no slices"));
  // bad declarations are programming errors of the env
  REQUIRE_THROWS_WITH(box.with_slices({{"a", 0, 2, ""}, {"a", 2, 2, ""}}), Contains("'a' is declared twice"));
  REQUIRE_THROWS_WITH(box.with_slices({{"a", 5, 2, ""}}), Contains("runs past the 6 elements"));
  REQUIRE_THROWS_WITH(box.with_slices({{"a", 7, 0, ""}}), Contains("'a' is empty"));
  REQUIRE_THROWS_WITH(box.with_slices({{"", 0, 1, ""}}), Contains("has no name"));
}

TEST_CASE("Every env's declared slices are on its observation space, inside it, with unique names",
          "[conformance][slices]") {
  for (const EnvEntry& e : env_registry()) {
    std::vector<KeyValues> variants = {{}};
    variants.insert(variants.end(), e.test_variants.begin(), e.test_variants.end());
    for (const KeyValues& kv : variants) {
      auto env = make_env(e, kv);
      const EnvSpec& spec = env->spec();
      const Space& obs = env->observation_space();
      INFO(e.id << " with " << kv.size() << " options set");
      REQUIRE(obs.slices().size() == spec.obs_layout.size());
      std::set<std::string> names;
      for (std::size_t i = 0; i < spec.obs_layout.size(); ++i) {
        const ObsSlice& s = spec.obs_layout[i];
        INFO("slice " << s.name);
        CHECK(names.insert(s.name).second);
        CHECK(s.size > 0);
        CHECK(s.offset + s.size <= obs.flat_size());
        const ObsSlice* found = obs.find_slice(s.name);
        REQUIRE(found != nullptr);
        CHECK(found->offset == s.offset);
        CHECK(found->size == s.size);
      }
    }
  }
}

TEST_CASE("Wrappers keep the observation's slices", "[core][wrappers][slices]") {
  auto names = [](const Space& s) {
    std::vector<std::string> out;
    for (const ObsSlice& x : s.slices()) out.push_back(x.name + "@" + std::to_string(x.offset));
    return out;
  };
  const auto want = names(make_env("ArmReach-v0", {}, false)->observation_space());  // the raw env
  REQUIRE(want.size() == 7);
  REQUIRE(names(make_env("ArmReach-v0")->observation_space()) == want);  // TimeLimit
  REQUIRE(names(ObservationDelay(make_env("ArmReach-v0"), 2).observation_space()) == want);
  REQUIRE(names(ObservationNoise(make_env("ArmReach-v0"), 0.1, false).observation_space()) == want);
  REQUIRE(names(ObservationNoise(make_env("ArmReach-v0"), 0.1, true).observation_space()) == want);
}

TEST_CASE("Agents find the env's observation by slice name and name a missing slice", "[agents][slices]") {
  auto arm = make_env("ArmReach-v0");
  auto walker = make_env("BipedalWalker-v3");
  // the same shape and bounds without the names: refused before any step, naming the slice
  const Space bare_arm = Space::box(arm->observation_space().low(), arm->observation_space().high(), {12});
  const Space bare_walker = Space::box(walker->observation_space().low(), walker->observation_space().high(), {24});
  for (const char* id : {"inverse-dynamics", "cerebellar-reach"}) {
    INFO(id);
    REQUIRE_NOTHROW(make_agent(id, arm->observation_space(), arm->action_space()));
    REQUIRE_THROWS_WITH(make_agent(id, bare_arm, arm->action_space()),
                        Contains(id) && Contains("'joint_angles'") && Contains("declares no slices"));
  }
  for (const char* id : {"biped-heuristic", "bg-cerebellum-walker"}) {
    INFO(id);
    REQUIRE_NOTHROW(make_agent(id, walker->observation_space(), walker->action_space()));
    REQUIRE_THROWS_WITH(make_agent(id, bare_walker, walker->action_space()),
                        Contains(id) && Contains("'hull_angle'") && Contains("declares no slices"));
  }
  // a layout with a slice renamed: the message names the missing one and lists those there are
  std::vector<ObsSlice> renamed = arm->observation_space().slices();
  renamed[3].name = "pointer";
  const Space other = bare_arm.with_slices(renamed);
  REQUIRE_THROWS_WITH(make_agent("cerebellar-reach", other, arm->action_space()),
                      Contains("'cursor'") && Contains("joint_angles, joint_velocities, hand, pointer, target, in_target, time"));
  // the slices are found where they are, not at fixed offsets: the same layout moved by one element
  // (an extra element in front) still builds
  const std::size_t n = arm->observation_space().flat_size();
  std::vector<float> lo(n + 1, -1.0f), hi(n + 1, 1.0f);
  std::vector<ObsSlice> moved;
  for (ObsSlice s : arm->observation_space().slices()) {
    for (std::size_t i = 0; i < s.size; ++i) {
      lo[s.offset + 1 + i] = arm->observation_space().low()[s.offset + i];
      hi[s.offset + 1 + i] = arm->observation_space().high()[s.offset + i];
    }
    s.offset += 1;
    moved.push_back(s);
  }
  const Space shifted = Space::box(lo, hi, {static_cast<std::int64_t>(n + 1)}).with_slices(moved);
  REQUIRE_NOTHROW(make_agent("inverse-dynamics", shifted, arm->action_space()));
}
