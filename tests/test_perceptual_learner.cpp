// perceptual-learner on OrientationDiscrimination-v0 (Schoups et al. 2001): practice lowers the
// threshold at the trained location, leaves the other location exactly as it was, and changes the
// plastic layer only through the feedback gate.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "support.hpp"

namespace {

using sgym::KeyValues;
constexpr const char* kEnv = "OrientationDiscrimination-v0";
const KeyValues kNoisy = {{"noise_sd", "0.5"}};

// the staircase threshold after `trials` trials of a fresh env (its own seed), learning as set
double threshold(sgym::Agent& agent, bool trained_location, int trials, std::uint64_t env_seed) {
  KeyValues kv = kNoisy;
  kv.emplace_back("target_location", trained_location ? "trained" : "untrained");
  auto env = sgym::make_env(kEnv, kv);
  double thr = 0.0;
  sgym::test::play(*env, agent, trials, env_seed, [&](int, const sgym::StepResult& r) {
    if (!r.info.string_or_empty("trial_outcome").empty()) thr = r.info.get_double("threshold_deg");
  });
  return thr;
}

void train(sgym::Agent& agent, int trials, std::uint64_t env_seed) {
  auto env = sgym::make_env(kEnv, kNoisy);
  sgym::test::play(*env, agent, trials, env_seed, [](int, const sgym::StepResult&) {});
}

std::unique_ptr<sgym::Agent> make(std::uint64_t seed, KeyValues kv = {}) {
  auto env = sgym::make_env(kEnv);
  return sgym::make_agent("perceptual-learner", env->observation_space(), env->action_space(), kv, seed);
}

// the plastic layer's response to a noise-free grating 1° anticlockwise of the reference
std::vector<float> layer_at_reference(sgym::Agent& agent) {
  auto env = sgym::make_env(kEnv, {{"noise_sd", "0"}, {"distractor", "false"}, {"offset_mode", "list"},
                                   {"n_list_levels", "1"}, {"min_offset_deg", "1"}, {"max_offset_deg", "1"}});
  std::vector<float> layer;
  agent.set_training(false);
  sgym::test::play(*env, agent, 20, 5, [&](int, const sgym::StepResult& r) {
    if (layer.empty() && r.info.string_or_empty("condition") == "anticlockwise" &&
        !r.info.string_or_empty("trial_outcome").empty())
      for (const auto& s : agent.introspect())
        if (s.name == "layer") layer = s.values;
  });
  agent.set_training(true);
  REQUIRE_FALSE(layer.empty());
  return layer;
}

}  // namespace

TEST_CASE("perceptual-learner: practice lowers the discrimination threshold at the trained location") {
  std::vector<double> naive, trained;
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    auto agent = make(seed);
    agent->set_training(false);
    naive.push_back(threshold(*agent, true, 600, 100 + seed));
    agent->set_training(true);
    train(*agent, 5000, 200 + seed);
    agent->set_training(false);
    trained.push_back(threshold(*agent, true, 600, 100 + seed));
  }
  std::sort(naive.begin(), naive.end());
  std::sort(trained.begin(), trained.end());
  INFO("naive thresholds " << naive[0] << " " << naive[1] << " " << naive[2] << "; trained " << trained[0] << " "
                           << trained[1] << " " << trained[2]);
  CHECK(trained[1] < 0.6 * naive[1]);
  CHECK(trained[2] < 2.5);
}

TEST_CASE("perceptual-learner: learning is specific to the attended location") {
  // the transfer test at the other location gives the same reports, trial for trial, before and after
  // training at the trained location: nothing there changed
  auto agent = make(21);
  auto other = make(21, {{"attend", "other"}});
  other->from_bytes(agent->to_bytes());
  other->set_training(false);  // the bytes carry the training flag
  const double before = threshold(*other, false, 400, 7);
  train(*agent, 3000, 8);
  other->from_bytes(agent->to_bytes());
  other->set_training(false);
  const double after = threshold(*other, false, 400, 7);
  CHECK(after == before);
  // while the trained location did change
  agent->set_training(false);
  auto fresh = make(21);
  fresh->set_training(false);
  CHECK(threshold(*agent, true, 400, 7) != threshold(*fresh, true, 400, 7));
}

TEST_CASE("perceptual-learner: the read-in changes only through the feedback gate") {
  auto gated = make(31);
  auto ungated = make(31, {{"gate", "false"}});
  const std::vector<float> gated_before = layer_at_reference(*gated);
  const std::vector<float> ungated_before = layer_at_reference(*ungated);
  REQUIRE(gated_before == ungated_before);
  train(*gated, 2000, 9);
  train(*ungated, 2000, 9);
  CHECK(layer_at_reference(*ungated) == ungated_before);  // only the readout learned
  const std::vector<float> gated_after = layer_at_reference(*gated);
  float change = 0.0f;
  for (std::size_t j = 0; j < gated_after.size(); ++j) change = std::max(change, std::abs(gated_after[j] - gated_before[j]));
  CHECK(change > 0.01f);
}
