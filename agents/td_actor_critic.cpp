// td-actor-critic: the basal-ganglia actor-critic (Barto 1995; Houk, Adams & Barto 1995; Sutton &
// Barto 2018 §13.5), linear over the observation features x (one-hot or population-coded already,
// plus a constant bias unit). Critic (ventral striatum) and actor (dorsal striatum) share one
// dopamine signal:
//   δ_t  = r_{t+1} + γ V(x_{t+1}) − V(x_t),     V(x) = v · x
//   e_v ← γλ e_v + x_t                          v ← v + α_v δ_t e_v
//   E_θ ← γλ E_θ + (onehot(a_t) − π_t) x_tᵀ / τ Θ ← Θ + α_θ δ_t E_θ     (actor_trace = gradient)
//         = ∇_Θ log π(a_t | x_t) for π = softmax(Θ x / τ); with ε-greedy selection there is no τ
//         and the same trace (without 1/τ) is the usual surrogate
//   E_θ ← γλ E_θ + onehot(a_t) x_tᵀ                                      (actor_trace = three_factor)
// with π = softmax(Θ x / τ) or ε-greedy over the preferences Θ x. The three-factor form is rule (2)
// of Roelfsema & Holtmaat 2018 (Nat Rev Neurosci 19:166; pre × post × δ); the gradient form subtracts the expected post activity.
#include <string_view>
#include <utility>

#include <Eigen/Core>

#include "learning/gated_update.hpp"
#include "learning/selection.hpp"
#include "learning/td.hpp"
#include "learning/timing.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct TdActorCriticConfig {
  double alpha_critic = 0.1;            // critic learning rate per step [choice]
  double alpha_actor = 0.02;            // actor learning rate per step [choice: 0.02 / τ = 0.1 per unit preference, the step of the rule before its 1/τ]
  double gamma = 0.9;                   // discount per step (AuGMEnT's 0.9, Rombouts et al. 2015): the fallback without a dt
  double lambda = 0.5;                  // trace decay [choice]: the fallback without a dt
  double discount_ms = 0.0;             // discount time constant, γ = exp(−dt/τ); 0 = gamma per step (see docs: 2000 failed)
  double trace_ms = 0.0;                // eligibility time constant, traces decay by exp(−dt/τ); 0 = lambda per step (1000 failed)
  std::string trace = "accumulating";   // critic trace kind
  std::string actor_trace = "gradient"; // gradient (policy gradient) or three_factor (pre × post)
  std::string selection = "softmax";    // softmax or epsilon_greedy
  double temperature = 0.2;             // softmax temperature [choice]
  double epsilon = 0.05;                // ε of ε-greedy [choice]
  bool bias = true;                     // append a constant input unit
};

const OptionSet<TdActorCriticConfig>& options() {
  static const OptionSet<TdActorCriticConfig> set = [] {
    using C = TdActorCriticConfig;
    OptionSet<C> s("td-actor-critic");
    s.add("alpha_critic", &C::alpha_critic, "", "critic learning rate per step [choice]", 0.0, 10.0)
        .add("alpha_actor", &C::alpha_actor, "", "actor learning rate per step; the softmax score carries 1/temperature, so the step per unit of preference is alpha_actor/temperature [choice]", 0.0, 10.0)
        .add("gamma", &C::gamma, "per step", "discount per step; used instead of discount_ms when given, or when the env has no dt (0.9 as in AuGMEnT, Rombouts et al. 2015)", 0.0, 1.0)
        .add("lambda", &C::lambda, "per step", "eligibility-trace decay, traces decay by gamma*lambda per step; used instead of trace_ms when given, or when the env has no dt [choice]", 0.0, 1.0)
        .add("discount_ms", &C::discount_ms, "ms", "time constant of the critic's discount: gamma = exp(-dt/discount_ms) per env step; 0 = gamma per step (the default: 2000 ms with trace_ms 1000 broke learning, see the agent's docs)", 0.0, 1e7)
        .add("trace_ms", &C::trace_ms, "ms", "time constant of the eligibility traces: they decay by exp(-dt/trace_ms) per env step; synaptic tags last ~1 s (Yagishita et al. 2014; Gerstner et al. 2018), but 1000 ms broke learning here (see the agent's docs), so 0 = lambda per step is the default", 0.0, 1e7)
        .add_choice("trace", &C::trace, {"accumulating", "replacing"}, "critic eligibility trace kind")
        .add_choice("actor_trace", &C::actor_trace, {"gradient", "three_factor"},
                    "actor eligibility: (onehot(a) - pi) x (policy gradient) or onehot(a) x (pre x post, rule 2)")
        .add_choice("selection", &C::selection, {"softmax", "epsilon_greedy"}, "action selection over the preferences")
        .add("temperature", &C::temperature, "", "softmax temperature [choice]", 1e-6, 1e6)
        .add("epsilon", &C::epsilon, "", "exploration probability of epsilon_greedy [choice]", 0.0, 1.0)
        .add("bias", &C::bias, "append a constant input unit (1) to the features");
    return s;
  }();
  return set;
}

class TdActorCritic final : public Agent {
 public:
  TdActorCritic(const Space& obs, const Space& act, const TdActorCriticConfig& c, const learning::TdDecays& d,
                std::uint64_t seed)
      : Agent("td-actor-critic", obs, act, seed),
        cfg_(c),
        decays_(d),
        n_obs_(static_cast<Eigen::Index>(obs.flat_size())),
        n_(n_obs_ + (c.bias ? 1 : 0)),
        k_(static_cast<Eigen::Index>(act.n())),
        v_(Eigen::VectorXd::Zero(n_)),
        theta_(Eigen::MatrixXd::Zero(k_, n_)),
        x_(Eigen::VectorXd::Zero(n_)),
        x_next_(Eigen::VectorXd::Zero(n_)),
        pref_(Eigen::VectorXd::Zero(k_)),
        p_(Eigen::VectorXd::Zero(k_)),
        trace_v_(n_, learning::EligibilityTrace::parse_kind(c.trace)),
        trace_theta_(k_, n_),
        action_(Action::discrete(0)) {}

  void begin_episode() override {
    trial_end_ = false;
    trace_v_.reset();
    trace_theta_.reset();
    rpe_ = 0.0;
  }

  const Action& act(std::span<const float> obs) override {
    load(obs, x_);
    value_ = v_.dot(x_);
    pref_.noalias() = theta_ * x_;
    const std::span<const double> q(pref_.data(), static_cast<std::size_t>(k_));
    const std::span<double> p(p_.data(), static_cast<std::size_t>(k_));
    std::size_t a = 0;
    if (!training()) {
      // evaluation: the greedy choice, probabilities still reported
      a = learning::argmax(q);
      if (cfg_.selection == "softmax") learning::softmax(q, cfg_.temperature, p);
      else learning::epsilon_greedy(q, 0.0, p, rng_);
    } else if (cfg_.selection == "softmax") {
      a = learning::softmax_choice(q, cfg_.temperature, p, rng_);
    } else {
      a = learning::epsilon_greedy(q, cfg_.epsilon, p, rng_);
    }
    action_.index = static_cast<std::int64_t>(a);
    return action_;
  }

  // trials are independent: the step that ends one is terminal (no bootstrapping from the next
  // trial) and the traces restart, also when the episode goes on
  void trial_ended(std::string_view) override { trial_end_ = true; }

  void observe(double reward, std::span<const float> next_obs, bool episode_terminated, bool) override {
    const bool trial_end = std::exchange(trial_end_, false);
    const bool terminated = episode_terminated || trial_end;
    load(next_obs, x_next_);
    const double v_next = terminated ? 0.0 : v_.dot(x_next_);
    rpe_ = learning::td_error(reward, v_.dot(x_), v_next, decays_.gamma, terminated);
    if (training()) {
      const double decay = decays_.trace;
      const auto a = static_cast<std::size_t>(action_.index);
      trace_v_.update(decay, x_);
      if (cfg_.actor_trace == "gradient") {
        // ∇_Θ log softmax(Θ x / τ)_a = (onehot(a) − π) xᵀ / τ
        const double inv_tau = cfg_.selection == "softmax" ? 1.0 / cfg_.temperature : 1.0;
        trace_theta_.update_policy_gradient(decay, p_, a, x_, inv_tau);
      } else {
        onehot_.setZero(k_);
        onehot_(static_cast<Eigen::Index>(a)) = 1.0;
        trace_theta_.update(decay, onehot_, x_);
      }
      v_ += cfg_.alpha_critic * rpe_ * trace_v_.values();
      theta_ += (cfg_.alpha_actor * rpe_) * trace_theta_.values();
    }
    value_ = v_next;
    x_.swap(x_next_);
    if (trial_end) {
      trace_v_.reset();
      trace_theta_.reset();
    }
  }

  std::vector<std::string> signal_names() const override { return {"rpe", "value", "action_probs"}; }
  std::vector<Signal> introspect() const override {
    std::vector<float> p(p_.data(), p_.data() + k_);
    return {{"rpe", {static_cast<float>(rpe_)}}, {"value", {static_cast<float>(value_)}}, {"action_probs", p}};
  }

 protected:
  void save_state(StateWriter& w) const override {
    w.doubles({v_.data(), static_cast<std::size_t>(n_)});
    w.doubles({theta_.data(), static_cast<std::size_t>(k_ * n_)});
  }
  void load_state(StateReader& r) override {
    std::vector<double> v, th;
    r.doubles(v, static_cast<std::size_t>(n_), "td-actor-critic critic weights");
    r.doubles(th, static_cast<std::size_t>(k_ * n_), "td-actor-critic actor weights");
    v_ = Eigen::Map<const Eigen::VectorXd>(v.data(), n_);
    theta_ = Eigen::Map<const Eigen::MatrixXd>(th.data(), k_, n_);
  }

 private:
  void load(std::span<const float> obs, Eigen::VectorXd& out) const {
    out.head(n_obs_) = Eigen::Map<const Eigen::VectorXf>(obs.data(), n_obs_).cast<double>();
    if (cfg_.bias) out(n_obs_) = 1.0;
  }

  TdActorCriticConfig cfg_;
  learning::TdDecays decays_;  // γ and the trace decay per step (from ms with the env's dt, or per step)
  Eigen::Index n_obs_, n_, k_;
  Eigen::VectorXd v_;
  Eigen::MatrixXd theta_;
  Eigen::VectorXd x_, x_next_, pref_, p_, onehot_;
  learning::EligibilityTrace trace_v_;
  learning::MatrixTrace trace_theta_;
  Action action_;
  double rpe_ = 0.0, value_ = 0.0;
  bool trial_end_ = false;  // trial_ended() came before this observe()
};


std::unique_ptr<Agent> make(const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed,
                            const AgentContext& context) {
  const TdActorCriticConfig c = options().parse(kv);
  const TdActorCriticConfig defaults;
  const learning::TdDecays d = learning::resolve_td_decays("td-actor-critic", kv, c.gamma, c.lambda, c.discount_ms,
                                                           defaults.discount_ms, c.trace_ms, defaults.trace_ms, context.dt_ms);
  return std::make_unique<TdActorCritic>(obs, act, c, d, seed);
}

}  // namespace

AgentEntry td_actor_critic_entry() {
  return {"td-actor-critic",
          "linear TD(lambda) actor-critic: critic and actor share the dopamine RPE; softmax or epsilon-greedy",
          "1-D Box observations (one-hot or population-coded features); Discrete actions",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (!obs.is_box() || obs.shape().size() != 1) return "needs a 1-D Box observation space";
            if (!act.is_discrete()) return "needs a Discrete action space (use np-actor-critic for Box actions)";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            return make(obs, act, kv, seed, {});
          },
          {},
          make};
}

}  // namespace sgym
