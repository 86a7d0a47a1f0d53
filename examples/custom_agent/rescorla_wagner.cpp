// rescorla-wagner: the Rescorla & Wagner (1972) model as a Synaptic Gym agent, kept small as an
// example of an agent written outside the tree. The conditioned stimulus counts as present in a
// trial once any observation element has been non-zero; at the trial's end its associative
// strength moves toward the trial's total reward:  V <- V + alpha (R - V).
// Unlike a TD critic it has no notion of time within a trial: it predicts *whether* reward comes,
// not *when* (Rescorla & Wagner 1972; Sutton & Barto 1990 for the contrast with TD).
#include <vector>

#include "rescorla_wagner.hpp"

namespace {

struct Config {
  double alpha = 0.1;  // learning rate (salience x rate), per trial
};

const sgym::OptionSet<Config>& options() {
  static const sgym::OptionSet<Config> set = [] {
    sgym::OptionSet<Config> s("rescorla-wagner");
    s.add("alpha", &Config::alpha, "", "learning rate per trial", 0.0, 1.0);
    return s;
  }();
  return set;
}

class RescorlaWagner final : public sgym::Agent {
 public:
  RescorlaWagner(const sgym::Space& obs, const sgym::Space& act, const Config& c, std::uint64_t seed)
      : Agent("rescorla-wagner", obs, act, seed), cfg_(c), action_(sgym::Action::discrete(0)) {}

  void begin_episode() override {
    // per-trial state starts afresh; only the strength v_ carries over (and is saved)
    cs_seen_ = false;
    total_reward_ = error_ = 0.0;
  }
  const sgym::Action& act(std::span<const float> obs) override {
    see(obs);
    return action_;
  }
  void observe(double reward, std::span<const float> next_obs, bool terminated, bool truncated) override {
    total_reward_ += reward;
    see(next_obs);
    if (!(terminated || truncated)) return;
    error_ = total_reward_ - (cs_seen_ ? v_ : 0.0);
    if (training() && cs_seen_) v_ += cfg_.alpha * error_;
  }
  std::vector<std::string> signal_names() const override { return {"prediction", "prediction_error"}; }
  std::vector<sgym::Signal> introspect() const override {
    return {{"prediction", {static_cast<float>(cs_seen_ ? v_ : 0.0)}},
            {"prediction_error", {static_cast<float>(error_)}}};
  }

 protected:
  void save_state(sgym::StateWriter& w) const override { w.f64(v_); }
  void load_state(sgym::StateReader& r) override { v_ = r.f64(); }

 private:
  void see(std::span<const float> obs) {
    for (float x : obs) cs_seen_ = cs_seen_ || x != 0.0f;
  }
  Config cfg_;
  sgym::Action action_;
  double v_ = 0.0;
  bool cs_seen_ = false;
  double total_reward_ = 0.0, error_ = 0.0;
};

}  // namespace

sgym::AgentEntry rescorla_wagner_entry() {
  return {"rescorla-wagner", "Rescorla-Wagner (1972) trial-level associative learning (example plugin)",
          "Box observations (any non-zero element = the CS); action space Discrete(1)", options().docs(),
          [](const sgym::Space& obs, const sgym::Space& act) -> std::string {
            if (!obs.is_box()) return "needs a Box observation space";
            if (!act.is_discrete() || act.n() != 1) return "it makes no choices: the action space must be Discrete(1)";
            return "";
          },
          [](const sgym::Space& obs, const sgym::Space& act, const sgym::KeyValues& kv,
             std::uint64_t seed) -> std::unique_ptr<sgym::Agent> {
            return std::make_unique<RescorlaWagner>(obs, act, options().parse(kv), seed);
          }};
}
