// DelayMatchCategory-v0: epochs and rewards of NeuroGym's timing, categories split by the boundary,
// retraining, the oracle solves it from the observation, and the random agent is at chance.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <map>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

namespace {

constexpr int kFix = 0, kMatch = 1, kNonMatch = 2;

// plays `trials` trials; `policy(obs)` picks the action; returns outcome counts
template <class Policy>
std::map<std::string, int> play(Env& env, Policy policy, int trials, std::uint64_t seed) {
  std::map<std::string, int> n;
  int done = 0;
  bool first = true;
  while (done < trials) {
    auto r0 = env.reset(first ? std::optional<std::uint64_t>(seed) : std::nullopt);
    first = false;
    std::vector<float> obs(r0.obs.begin(), r0.obs.end());
    for (;;) {
      auto r = env.step(Action::discrete(policy(obs)));
      obs.assign(r.obs.begin(), r.obs.end());
      const std::string& o = r.info.get_string("trial_outcome");
      if (!o.empty()) { ++n[o]; ++done; }
      if (r.terminated || r.truncated) break;
    }
  }
  return n;
}

std::map<std::string, int> play_agent(Env& env, Agent& agent, int trials, std::uint64_t seed) {
  agent.begin_episode();
  return play(env, [&](const std::vector<float>& obs) { return static_cast<int>(agent.act(obs).index); }, trials, seed);
}

}  // namespace

TEST_CASE("DelayMatchCategory: the oracle is correct on >= 98 % of trials", "[delay_match_category]") {
  const std::string per_episode = GENERATE(as<std::string>{}, "1", "5");
  auto env = make_env("DelayMatchCategory-v0", {{"trials_per_episode", per_episode}});
  auto oracle = make_agent("delay-match-category-oracle", env->observation_space(), env->action_space());
  // begin_episode per episode is what the runner does; the oracle also resets on the fixation input
  std::map<std::string, int> n;
  int done = 0;
  for (int ep = 0; done < 400; ++ep) {
    auto r0 = env->reset(ep == 0 ? std::optional<std::uint64_t>(4) : std::nullopt);
    std::vector<float> obs(r0.obs.begin(), r0.obs.end());
    oracle->begin_episode();
    for (;;) {
      auto r = env->step(oracle->act(obs));
      obs.assign(r.obs.begin(), r.obs.end());
      if (const auto& o = r.info.get_string("trial_outcome"); !o.empty()) { ++n[o]; ++done; }
      if (r.terminated || r.truncated) break;
    }
  }
  const double acc = static_cast<double>(n["correct"]) / done;
  INFO("oracle accuracy " << acc << " over " << done << " trials");
  REQUIRE(acc >= 0.98);
}

TEST_CASE("DelayMatchCategory: the random agent is at the analytic chance level", "[delay_match_category]") {
  // Default timing at dt 50 ms: fixation 10 + sample 13 + delay 20 = 43 steps of required fixation,
  // then a 13-step test. A uniform random agent fixates with p = 1/3 per step, so
  //   P(reaches test) = (1/3)^43 ≈ 3e-21, P(correct) = (1/3)^43 · (1 − (1/3)^13) / 2 ≈ 1.6e-21:
  // chance is 0 correct and 100 % aborted (each abort earns −0.1).
  auto env = make_env("DelayMatchCategory-v0");
  auto random = make_agent("random", env->observation_space(), env->action_space(), {}, 3);
  auto n = play_agent(*env, *random, 2000, 8);
  REQUIRE(n["aborted"] == 2000);

  // Given fixation up to the test, a random report is correct with probability
  //   (1 − (1/3)^13) / 2 ≈ 0.5 (timeout (1/3)^13 ≈ 6e-7): the category is not guessable.
  Rng rng(17);
  const int trials = 4000;
  auto m = play(*env, [&](const std::vector<float>& obs) { return obs[0] > 0.5f ? kFix : static_cast<int>(rng.below(3)); },
                trials, 9);
  const double p = (1.0 - std::pow(1.0 / 3.0, 13)) / 2.0;
  const double sd = std::sqrt(trials * p * (1 - p));
  INFO("correct " << m["correct"] << " of " << trials);
  REQUIRE(std::abs(m["correct"] - trials * p) < 5 * sd);
  REQUIRE(m["correct"] + m["wrong"] + m["timeout"] == trials);
}

TEST_CASE("DelayMatchCategory: epochs, observation and rewards", "[delay_match_category]") {
  auto env = make_env("DelayMatchCategory-v0", {{"noise_sd", "0"}});
  auto r0 = env->reset(3);
  REQUIRE(r0.info.get_string("epoch") == "fixation");
  REQUIRE(env->spec().dt_ms == 50.0);
  REQUIRE(env->observation_space().flat_size() == 17);
  const int want = static_cast<int>(r0.info.get_int("correct_response"));
  std::vector<std::string> epochs = {"fixation"};
  std::vector<float> fixation_input = {r0.obs[0]};
  std::vector<float> peak = {*std::max_element(r0.obs.begin() + 1, r0.obs.end())};
  for (int t = 1; t < 56; ++t) {
    auto r = env->step(Action::discrete(kFix));
    REQUIRE(r.reward == 0.0);
    REQUIRE_FALSE(r.terminated);
    epochs.push_back(r.info.get_string("epoch"));
    fixation_input.push_back(r.obs[0]);
    peak.push_back(*std::max_element(r.obs.begin() + 1, r.obs.end()));
    REQUIRE(r.info.get_int("ground_truth") == (epochs.back() == "test" ? want : kFix));
  }
  // 10 fixation, 13 sample, 20 delay, 13 test steps (500, 650, 1000, 650 ms at 50 ms)
  auto count = [&](const std::string& e) { return std::count(epochs.begin(), epochs.end(), e); };
  REQUIRE(count("fixation") == 10);
  REQUIRE(count("sample") == 13);
  REQUIRE(count("delay") == 20);
  REQUIRE(count("test") == 13);
  for (int t = 0; t < 56; ++t) {
    INFO("t = " << t << " " << epochs[t]);
    REQUIRE(fixation_input[t] == (t < 43 ? 1.0f : 0.0f));
    const bool stimulus = epochs[t] == "sample" || epochs[t] == "test";
    if (stimulus) REQUIRE(peak[t] > 0.9f);       // a unit near the direction fires (noise-free)
    else REQUIRE(peak[t] == 0.0f);
  }
  // waiting through the whole test is a timeout with no reward
  auto end = env->step(Action::discrete(kFix));
  REQUIRE(end.terminated);
  REQUIRE(end.info.get_string("trial_outcome") == "timeout");
  REQUIRE(end.reward == 0.0);

  // correct report: +1; wrong: 0; breaking fixation: -0.1 and the trial ends
  for (int which = 0; which < 3; ++which) {
    auto s = env->reset(5);
    const int right = static_cast<int>(s.info.get_int("correct_response"));
    for (int t = 0; t < (which == 2 ? 15 : 43); ++t) env->step(Action::discrete(kFix));
    const int a = which == 0 ? right : which == 1 ? (right == kMatch ? kNonMatch : kMatch) : kMatch;
    auto r = env->step(Action::discrete(a));
    REQUIRE(r.terminated);
    REQUIRE(r.info.get_string("trial_outcome") == std::vector<std::string>{"correct", "wrong", "aborted"}[which]);
    REQUIRE(r.reward == Approx(std::vector<double>{1.0, 0.0, -0.1}[which]));
  }
  // without abort_on_break a break costs -0.1 and the trial goes on
  auto lax = make_env("DelayMatchCategory-v0", {{"abort_on_break", "false"}});
  lax->reset(1);
  auto r = lax->step(Action::discrete(kMatch));
  REQUIRE(r.reward == Approx(-0.1));
  REQUIRE_FALSE(r.terminated);
  REQUIRE(r.info.get_string("trial_outcome").empty());
}

TEST_CASE("DelayMatchCategory: categories, match probability and retraining", "[delay_match_category]") {
  auto env = make_env("DelayMatchCategory-v0", {{"retrain_after_trials", "300"}});
  std::map<double, int> sample_dirs;
  int matches = 0;
  for (int trial = 0; trial < 600; ++trial) {
    auto r0 = env->reset(trial == 0 ? std::optional<std::uint64_t>(6) : std::nullopt);
    const double b = r0.info.get_double("boundary_deg");
    REQUIRE(b == (trial < 300 ? 45.0 : 135.0));
    const double s = r0.info.get_double("sample_deg"), t = r0.info.get_double("test_deg");
    ++sample_dirs[s];
    // category 1 is the half-plane (b, b + 180)
    const auto cat = [&](double d) { return std::fmod(d - b + 720.0, 360.0) < 180.0 ? 1 : 0; };
    REQUIRE(r0.info.get_int("sample_category") == cat(s));
    REQUIRE(r0.info.get_int("test_category") == cat(t));
    const bool match = r0.info.get_string("condition") == "match";
    REQUIRE(match == (cat(s) == cat(t)));
    // identity never tells the answer: a match test is another direction of the sample's category
    REQUIRE(t != s);
    REQUIRE(r0.info.get_int("correct_response") == (match ? kMatch : kNonMatch));
    matches += match;
  }
  REQUIRE(sample_dirs.size() == 12);
  for (const auto& [d, k] : sample_dirs) REQUIRE(std::fmod(d, 30.0) == 0.0);
  REQUIRE(matches > 300 - 5 * 12.3);
  REQUIRE(matches < 300 + 5 * 12.3);

  // after retraining an oracle that knows the new boundary solves it, one that knows the old does not
  auto retrained = make_env("DelayMatchCategory-v0", {{"retrain_after_trials", "1"}});
  auto fresh = make_agent("delay-match-category-oracle", retrained->observation_space(), retrained->action_space(), {{"boundary_deg", "135"}});
  auto stale = make_agent("delay-match-category-oracle", retrained->observation_space(), retrained->action_space());
  auto skip_first = [&](Agent& agent) {
    auto n = play_agent(*retrained, agent, 301, 12);  // trial 0 uses the old boundary
    return n["correct"];
  };
  REQUIRE(skip_first(*fresh) >= 295);
  const int stale_correct = skip_first(*stale);
  INFO("stale oracle correct " << stale_correct << " of 301");
  REQUIRE(stale_correct < 230);  // the orthogonal boundary flips the category of half the directions
}

TEST_CASE("DelayMatchCategory: option validation", "[delay_match_category]") {
  REQUIRE_THROWS_WITH(make_env("DelayMatchCategory-v0", {{"dt_ms", "100"}}), Contains("sample_ms = 650 ms is not a whole number"));
  REQUIRE_NOTHROW(make_env("DelayMatchCategory-v0", {{"dt_ms", "100"}, {"sample_ms", "600"}, {"test_ms", "700"}}));
  REQUIRE_THROWS_WITH(make_env("DelayMatchCategory-v0", {{"boundary_deg", "30"}}), Contains("boundary_deg = 30"));
  REQUIRE_THROWS_WITH(make_env("DelayMatchCategory-v0", {{"retrain_after_trials", "5"}, {"retrain_boundary_deg", "90"}}),
                      Contains("retrain_boundary_deg"));
  REQUIRE_THROWS_WITH(make_env("DelayMatchCategory-v0", {{"test_ms", "0"}}), Contains("test_ms"));
  REQUIRE_THROWS_WITH(make_env("DelayMatchCategory-v0", {{"match_prob", "2"}}), Contains("match_prob"));
  auto env = make_env("DelayMatchCategory-v0", {{"trials_per_episode", "3"}, {"abort_reward", "-1"}});
  REQUIRE(env->spec().max_episode_steps == 3 * 56);
  REQUIRE(env->spec().reward_min == -1.0);
  REQUIRE(env->spec().reward_max == 1.0);
}

TEST_CASE("DelayMatchCategory: the ending step's info describes the trial that ended", "[dmc]") {
  // three trials per episode: every key of the ending step must match the trial's first step
  auto env = make_env("DelayMatchCategory-v0", {{"trials_per_episode", "3"}});
  auto r0 = env->reset(5);
  std::vector<std::string> keys = {"sample_deg", "test_deg", "boundary_deg", "condition", "trial"};
  auto snapshot = [&](const Info& info) {
    std::string s;
    for (const auto& k : keys)
      std::visit([&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) s += k + "=" + v + ";";
        else if constexpr (std::is_arithmetic_v<T>) s += k + "=" + std::to_string(v) + ";";
      }, *info.find(k));
    return s;
  };
  std::string start = snapshot(r0.info);
  int ended = 0;
  for (int t = 0; t < 200 && ended < 3; ++t) {
    auto r = env->step(Action::discrete(0));  // hold fixation through the test: a timeout
    if (!r.info.get_string("trial_outcome").empty()) {
      REQUIRE(snapshot(r.info) == start);
      REQUIRE(r.info.get_int("ground_truth") == -1);
      ++ended;
      if (r.terminated) break;
      auto next = env->step(Action::discrete(0));
      start = snapshot(next.info);
      if (!next.info.get_string("trial_outcome").empty()) break;
    }
  }
  REQUIRE(ended >= 2);
}

TEST_CASE("DelayMatchCategory: a boundary whose opposite end falls on a direction is refused", "[dmc]") {
  REQUIRE_THROWS_WITH(make_env("DelayMatchCategory-v0", {{"n_directions", "3"}, {"boundary_deg", "60"}}),
                      Catch::Matchers::Contains("opposite end"));
}

TEST_CASE("DelayMatchCategory: a category of a single direction is refused", "[dmc]") {
  // a match test must differ from the sample: with 2 directions each category holds only one
  REQUIRE_THROWS_WITH(make_env("DelayMatchCategory-v0", {{"n_directions", "2"}, {"boundary_deg", "45"}}),
                      Catch::Matchers::Contains("at least 2"));
  REQUIRE_NOTHROW(make_env("DelayMatchCategory-v0", {{"n_directions", "4"}, {"boundary_deg", "45"}}));
}

// The golden trajectory of the conformance harness steps with random actions, which break fixation
// within a few steps and never show a stimulus, so it does not see the input noise. This pins the
// noise: a subject that holds fixation through 40 trials sees every sample and test; the noise has
// the documented sd (noise_sd / sqrt(dt_ms)) around the noiseless tuning, and its stream is pinned
// (a changed generator must be a deliberate change, named like a golden hash).
TEST_CASE("DelayMatchCategory: the input noise seen through sample and test, sd and stream pinned", "[dmc]") {
  auto env = make_env("DelayMatchCategory-v0");  // 16 units, kappa 2, noise_sd 1, dt 50 ms
  env->reset(11);
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over the observations' bytes
  double sum = 0, sq = 0;
  long n = 0;
  for (int step = 0; step < 40 * 56; ++step) {
    const StepResult r = env->step(Action::discrete(kFix));
    for (const float x : r.obs) {
      const auto* bytes = reinterpret_cast<const unsigned char*>(&x);
      for (std::size_t k = 0; k < sizeof(float); ++k) h = (h ^ bytes[k]) * 1099511628211ULL;
    }
    // a step that shows a stimulus (not the ending step, whose observation is the next trial's)
    const std::string epoch = r.info.get_string("epoch");
    if (r.info.get_string("trial_outcome").empty() && (epoch == "sample" || epoch == "test")) {
      const double theta = r.info.get_double(epoch == "sample" ? "sample_deg" : "test_deg");
      for (int i = 0; i < 16; ++i) {
        const double clean = std::exp(2.0 * (std::cos((theta - 360.0 * i / 16) * 3.141592653589793 / 180.0) - 1.0));
        const double d = r.obs[static_cast<std::size_t>(1 + i)] - clean;
        sum += d;
        sq += d * d;
        ++n;
      }
    }
    if (r.terminated || r.truncated) env->reset();
  }
  REQUIRE(n > 10000);
  const double expected_sd = 1.0 / std::sqrt(50.0);
  CHECK(sum / n == Approx(0.0).margin(4 * expected_sd / std::sqrt(static_cast<double>(n))));
  CHECK(std::sqrt(sq / n) == Approx(expected_sd).epsilon(0.03));
  // the stream of the ziggurat normals (trial::add_noise) since 2026-12-07
  INFO("stream hash " << h);
  CHECK(h == 17447374428957398990ULL);
}
