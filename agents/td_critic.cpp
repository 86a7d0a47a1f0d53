// td-critic: a TD(λ) critic, the textbook model of midbrain dopamine neurons (Montague, Dayan &
// Sejnowski 1996; Schultz, Dayan & Montague 1997). A linear value V(s) = w·x over the observation
// features x (with a complete serial compound this is a table over time since the CS):
//   δ_t = r_{t+1} + γ V(x_{t+1}) − V(x_t)        the reward-prediction error (dopamine)
//   e_t = γλ e_{t−1} + x_t                       eligibility trace (or replacing)
//   w  ← w + α δ_t e_t                           three-factor form: pre (e) × RPE (δ)
// It makes no choices: it is built for prediction tasks whose action space is Discrete(1).
#include <Eigen/Core>

#include "learning/td.hpp"
#include "learning/timing.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct TdCriticConfig {
  double alpha = 0.1;                  // learning rate per step
  double gamma = 0.98;                 // discount per step
  double lambda = 0.0;                 // trace decay; 0 = TD(0), the one-step backup of the 1997 model
  double discount_ms = 0.0;            // discount as a time constant (0 = use gamma per step, the default)
  double trace_ms = 0.0;               // trace time constant (0 = use lambda per step, the default)
  std::string trace = "accumulating";  // accumulating or replacing eligibility trace
};

const OptionSet<TdCriticConfig>& options() {
  static const OptionSet<TdCriticConfig> set = [] {
    OptionSet<TdCriticConfig> s("td-critic");
    s.add("alpha", &TdCriticConfig::alpha, "", "learning rate per step", 0.0, 1.0)
        .add("gamma", &TdCriticConfig::gamma, "per step", "discount factor per step (the TD model of dopamine is per time bin: Schultz, Dayan & Montague 1997)", 0.0, 1.0)
        .add("lambda", &TdCriticConfig::lambda, "per step", "eligibility-trace decay, traces decay by gamma*lambda per step (0 = TD(0), the 1997 model)", 0.0, 1.0)
        .add("discount_ms", &TdCriticConfig::discount_ms, "ms", "discount as a time constant instead of gamma: gamma = exp(-dt/discount_ms) per env step (needs the env's dt; 0 = off)", 0.0, 1e7)
        .add("trace_ms", &TdCriticConfig::trace_ms, "ms", "trace time constant instead of lambda: traces decay by exp(-dt/trace_ms) per env step (needs the env's dt; 0 = off)", 0.0, 1e7)
        .add_choice("trace", &TdCriticConfig::trace, {"accumulating", "replacing"}, "eligibility trace kind");
    return s;
  }();
  return set;
}

class TdCritic final : public Agent {
 public:
  TdCritic(const Space& obs, const Space& act, const TdCriticConfig& c, const learning::TdDecays& d, std::uint64_t seed)
      : Agent("td-critic", obs, act, seed),
        cfg_(c),
        decays_(d),
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
    rpe_ = learning::td_error(reward, v, v_next, decays_.gamma, terminated);
    if (training()) {
      trace_.update(decays_.trace, x_);
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
  learning::TdDecays decays_;  // γ and the trace decay per step
  Eigen::Index n_;
  Eigen::VectorXd w_, x_, x_next_;
  learning::EligibilityTrace trace_;
  Action action_;
  double rpe_ = 0.0, value_ = 0.0;
};

// the per-step defaults hold also when the env's dt is known (no ms default)
std::unique_ptr<Agent> make(const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed,
                            const AgentContext& context) {
  const TdCriticConfig c = options().parse(kv);
  const learning::TdDecays d =
      learning::resolve_td_decays("td-critic", kv, c.gamma, c.lambda, c.discount_ms, 0.0, c.trace_ms, 0.0, context.dt_ms);
  return std::make_unique<TdCritic>(obs, act, c, d, seed);
}

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
            return make(obs, act, kv, seed, {});
          },
          {},
          make};
}

}  // namespace sgym
