// td-critic: a TD(λ) critic, the textbook model of midbrain dopamine neurons (Montague, Dayan &
// Sejnowski 1996; Schultz, Dayan & Montague 1997). A linear value V(s) = w·x over the observation
// features x (with a complete serial compound this is a table over time since the CS):
//   δ_t = r_{t+1} + γ V(x_{t+1}) − V(x_t)        the reward-prediction error (dopamine)
//   e_t = γλ e_{t−1} + x_t                       eligibility trace (or replacing)
//   w  ← w + α δ_t e_t                           three-factor form: pre (e) × RPE (δ)
// It makes no choices: it is built for prediction tasks whose action space is Discrete(1).
#include <Eigen/Core>

#include "learning/td.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct TdCriticConfig {
  double alpha = 0.1;                  // learning rate per step
  double gamma = 0.98;                 // discount per step
  double lambda = 0.0;                 // trace decay; 0 = TD(0), the one-step backup of the 1997 model
  std::string trace = "accumulating";  // accumulating or replacing eligibility trace
};

const OptionSet<TdCriticConfig>& options() {
  static const OptionSet<TdCriticConfig> set = [] {
    OptionSet<TdCriticConfig> s("td-critic");
    s.add("alpha", &TdCriticConfig::alpha, "", "learning rate per step", 0.0, 1.0)
        .add("gamma", &TdCriticConfig::gamma, "", "discount factor per step", 0.0, 1.0)
        .add("lambda", &TdCriticConfig::lambda, "", "eligibility-trace decay (0 = TD(0))", 0.0, 1.0)
        .add_choice("trace", &TdCriticConfig::trace, {"accumulating", "replacing"}, "eligibility trace kind");
    return s;
  }();
  return set;
}

class TdCritic final : public Agent {
 public:
  TdCritic(const Space& obs, const Space& act, const TdCriticConfig& c, std::uint64_t seed)
      : Agent("td-critic", obs, act, seed),
        cfg_(c),
        n_(static_cast<Eigen::Index>(obs.flat_size())),
        w_(Eigen::VectorXd::Zero(n_)),
        x_(Eigen::VectorXd::Zero(n_)),
        x_next_(Eigen::VectorXd::Zero(n_)),
        trace_(n_, learning::EligibilityTrace::parse_kind(c.trace)),
        action_(Action::discrete(0)) {}

  void begin_episode() override {
    trace_.reset();
    rpe_ = 0.0;
  }

  const Action& act(std::span<const float> obs) override {
    load(obs, x_);
    value_ = w_.dot(x_);
    return action_;
  }

  void observe(double reward, std::span<const float> next_obs, bool terminated, bool) override {
    load(next_obs, x_next_);
    const double v = w_.dot(x_);
    const double v_next = terminated ? 0.0 : w_.dot(x_next_);
    rpe_ = learning::td_error(reward, v, v_next, cfg_.gamma, terminated);
    if (training()) {
      trace_.update(cfg_.gamma * cfg_.lambda, x_);
      w_ += cfg_.alpha * rpe_ * trace_.values();
    }
    value_ = v_next;
    x_.swap(x_next_);
  }

  std::vector<std::string> signal_names() const override { return {"rpe", "value"}; }
  std::vector<Signal> introspect() const override {
    return {{"rpe", {static_cast<float>(rpe_)}}, {"value", {static_cast<float>(value_)}}};
  }

 protected:
  void save_state(StateWriter& w) const override { w.doubles({w_.data(), static_cast<std::size_t>(n_)}); }
  void load_state(StateReader& r) override {
    std::vector<double> w;
    r.doubles(w, static_cast<std::size_t>(n_), "td-critic weights");
    w_ = Eigen::Map<const Eigen::VectorXd>(w.data(), n_);
  }

 private:
  void load(std::span<const float> obs, Eigen::VectorXd& out) const {
    out = Eigen::Map<const Eigen::VectorXf>(obs.data(), n_).cast<double>();
  }

  TdCriticConfig cfg_;
  Eigen::Index n_;
  Eigen::VectorXd w_, x_, x_next_;
  learning::EligibilityTrace trace_;
  Action action_;
  double rpe_ = 0.0, value_ = 0.0;
};

}  // namespace

AgentEntry td_critic_entry() {
  return {"td-critic",
          "TD(lambda) critic: linear value over the observation; its TD error is the dopamine RPE",
          "1-D Box observations; action space Discrete(1) (prediction tasks without choices)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (!obs.is_box() || obs.shape().size() != 1) return "needs a 1-D Box observation space";
            if (!act.is_discrete() || act.n() != 1)
              return "it only predicts value and makes no choices, so the action space must be Discrete(1)";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            return std::make_unique<TdCritic>(obs, act, options().parse(kv), seed);
          }};
}

}  // namespace sgym
