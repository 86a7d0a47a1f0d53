// random: samples the action space uniformly, ignoring observations. The chance baseline for
// every env.
#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct RandomConfig {};

class RandomAgent final : public Agent {
 public:
  RandomAgent(const Space& obs, const Space& act, std::uint64_t seed)
      : Agent("random", obs, act, seed) {}

  const Action& act(std::span<const float>) override {
    act_space_.sample_into(rng_, action_);
    return action_;
  }
  void observe(double, std::span<const float>, bool, bool) override {}

 private:
  Action action_;
};

const OptionSet<RandomConfig>& options() {
  static const OptionSet<RandomConfig> set("random");
  return set;
}

}  // namespace

AgentEntry random_entry() {
  return {"random",
          "uniform random actions: the chance baseline",
          "any observation space; Discrete or bounded Box actions",
          options().docs(),
          [](const Space&, const Space& act) -> std::string {
            if (act.is_box() && !act.bounded()) return "an unbounded Box action space cannot be sampled uniformly";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            options().parse(kv);
            return std::make_unique<RandomAgent>(obs, act, seed);
          }};
}

}  // namespace sgym
