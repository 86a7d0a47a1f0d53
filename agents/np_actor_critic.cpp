// np-actor-critic: a continuous actor-critic whose actor learns by node perturbation (Fiete &
// Seung 2006, PRL 97:048104; Williams 1992): Gaussian noise ξ is injected into each motor unit, and
// a synapse changes by the product of the dopamine RPE, the noise in its postsynaptic unit and its
// presynaptic activity, with a TD critic as the baseline:
//   φ = encoding of the observation (linear + bias, RBF or random features)
//   μ = m + s ⊙ (W φ)     y = clip(μ + s ⊙ ξ, low, high),   ξ ~ N(0, σ² I)    (m, s: centre, half-range)
//   ξ is the perturbation injected, before any clipping: (ξ/σ²) φᵀ = ∇_W log N(μ + s ⊙ ξ; μ, s²σ²)
//   is the score of the Gaussian the unit draws from, so the update below is unbiased for the
//   gradient of the expected reward also where the bounds clip y (Fiete & Seung 2006)
//   δ_t = r_{t+1} − κ ā_t + γ V(φ_{t+1}) − V(φ_t),   V = v · φ
//         ā_t = mean_i (y_i − low_i)/(high_i − low_i), the population's mean activity: an optional
//         metabolic cost κ (activity_cost, default 0) — "learning by sparsification, an
//         energy-efficient solution to the task" (Francioni et al. 2026, seed paper)
//   e_v ← γλ e_v + φ_t            v ← v + α_v δ_t e_v / ‖φ_t‖²
//   E_W ← γλ E_W + (ξ_t/σ²) φ_tᵀ  W ← W + α_W δ_t E_W / ‖φ_t‖²     (normalise; off: no division)
// Evaluation (training off) drops the noise: y = clip(μ).
#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "learning/features.hpp"
#include "learning/gated_update.hpp"
#include "learning/td.hpp"
#include "learning/timing.hpp"
#include "sgym/agents.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

struct NpActorCriticConfig {
  double alpha_critic = 0.1;        // critic learning rate per step [choice]
  double alpha_actor = 0.05;        // actor learning rate per step [choice]
  double gamma = 0.98;              // discount per step [choice]: the fallback without a dt
  double lambda = 0.8;              // trace decay [choice]: the fallback without a dt
  double discount_ms = 0.0;         // discount time constant, γ = exp(−dt/τ); 0 = gamma per step (see docs: 2000 failed)
  double trace_ms = 0.0;            // eligibility time constant; 0 = lambda per step (1000 diverged on ArmReach-v0)
  double perturbation_sd = 0.2;     // σ of the node perturbation, as a fraction of the action half-range [choice]
  std::string encoding = "linear";  // linear, rbf or random features
  int n_features = 100;             // basis functions for rbf / random
  double width = 0.5;               // RBF width / random-feature length scale, in observation units
  bool normalise = true;            // divide the learning rates by |phi|^2 (normalised LMS)
  double activity_cost = 0.0;       // metabolic cost per step per unit of mean normalised activity (0 = off) [choice]
};

const OptionSet<NpActorCriticConfig>& options() {
  static const OptionSet<NpActorCriticConfig> set = [] {
    using C = NpActorCriticConfig;
    OptionSet<C> s("np-actor-critic");
    s.add("alpha_critic", &C::alpha_critic, "", "critic learning rate per step [choice]", 0.0, 10.0)
        .add("alpha_actor", &C::alpha_actor, "", "actor (node perturbation) learning rate per step [choice]", 0.0, 10.0)
        .add("gamma", &C::gamma, "per step", "discount per step; used instead of discount_ms when given, or when the env has no dt [choice]", 0.0, 1.0)
        .add("lambda", &C::lambda, "per step", "eligibility-trace decay, traces decay by gamma*lambda per step; used instead of trace_ms when given, or when the env has no dt [choice]", 0.0, 1.0)
        .add("discount_ms", &C::discount_ms, "ms", "time constant of the critic's discount: gamma = exp(-dt/discount_ms) per env step; 0 = gamma per step (the default: 2000 ms with trace_ms 1000 broke learning, see the agent's docs)", 0.0, 1e7)
        .add("trace_ms", &C::trace_ms, "ms", "time constant of the eligibility traces: they decay by exp(-dt/trace_ms) per env step; synaptic tags last ~1 s (Yagishita et al. 2014; Gerstner et al. 2018), but 1000 ms broke learning here (see the agent's docs), so 0 = lambda per step is the default", 0.0, 1e7)
        .add("perturbation_sd", &C::perturbation_sd, "", "sd of the Gaussian node perturbation injected into each motor unit, as a fraction of the action half-range (Fiete & Seung 2006 node perturbation; > 0, the rule learns from the perturbation) [choice]", 1e-6, 10.0)
        .deprecated_alias("noise_sd")
        .add_choice("encoding", &C::encoding, {"linear", "rbf", "random"},
                    "state features: the observation + bias, Gaussian RBFs at random centres, or random Fourier features")
        .add("n_features", &C::n_features, "", "number of RBF / random features (encoding rbf or random)", 1, 100000)
        .deprecated_alias("features")
        .add("width", &C::width, "", "RBF width or random-feature length scale, in observation units", 1e-6, 1e6)
        .add("normalise", &C::normalise, "divide both learning rates by the squared feature norm |phi|^2 (normalised LMS), so the step does not depend on the observation's scale")
        .deprecated_alias("normalized")
        .add("activity_cost", &C::activity_cost, "", "metabolic cost kappa: the reward the agent learns from is r - kappa * mean activity of its units, each scaled to [0, 1] by its bounds (needs bounded actions; 0 = off). Francioni et al. 2026 read their BCI result as sparsification, an energy-efficient solution [choice]", 0.0, 100.0);
    return s;
  }();
  return set;
}

class NpActorCritic final : public Agent {
 public:
  NpActorCritic(const Space& obs, const Space& act, const NpActorCriticConfig& c, const learning::TdDecays& d,
                std::uint64_t seed)
      : Agent("np-actor-critic", obs, act, seed),
        cfg_(c),
        decays_(d),
        enc_(learning::FeatureEncoder::parse_kind(c.encoding), static_cast<Eigen::Index>(obs.flat_size()), c.n_features,
             c.width, {}, rng_),
        n_(enc_.size()),
        k_(static_cast<Eigen::Index>(act.flat_size())),
        v_(Eigen::VectorXd::Zero(n_)),
        w_(Eigen::MatrixXd::Zero(k_, n_)),
        phi_(Eigen::VectorXd::Zero(n_)),
        phi_next_(Eigen::VectorXd::Zero(n_)),
        mu_(Eigen::VectorXd::Zero(k_)),
        xi_(Eigen::VectorXd::Zero(k_)),
        score_(Eigen::VectorXd::Zero(k_)),
        centre_(k_),
        half_(k_),
        low_(k_),
        high_(k_),
        trace_v_(n_, learning::EligibilityTrace::Kind::kAccumulating),
        trace_w_(k_, n_),
        action_(Action::box(std::vector<float>(static_cast<std::size_t>(k_), 0.0f))) {
    // bounded dimensions are centred and scaled to their half-range; unbounded ones use 0 and 1
    for (Eigen::Index i = 0; i < k_; ++i) {
      const double lo = act.low()[static_cast<std::size_t>(i)], hi = act.high()[static_cast<std::size_t>(i)];
      const bool finite = std::isfinite(lo) && std::isfinite(hi);
      low_(i) = lo;
      high_(i) = hi;
      centre_(i) = finite ? 0.5 * (lo + hi) : 0.0;
      half_(i) = finite && hi > lo ? 0.5 * (hi - lo) : 1.0;
    }
  }

  void begin_episode() override {
    trace_v_.reset();
    trace_w_.reset();
    rpe_ = 0.0;
  }

  const Action& act(std::span<const float> obs) override {
    enc_.encode(obs, phi_);
    value_ = v_.dot(phi_);
    mu_.noalias() = w_ * phi_;
    mu_ = centre_ + half_.cwiseProduct(mu_);
    for (Eigen::Index i = 0; i < k_; ++i) {
      const double noise = training() ? cfg_.perturbation_sd * rng_.normal() : 0.0;
      const double y = std::clamp(mu_(i) + half_(i) * noise, low_(i), high_(i));
      // the perturbation injected (before clipping): a saturated unit keeps its two-sided
      // eligibility, as the score of the Gaussian it drew from requires
      xi_(i) = noise;
      action_.values[static_cast<std::size_t>(i)] = static_cast<float>(y);
    }
    if (cfg_.activity_cost > 0.0) {
      double sum = 0.0;
      for (Eigen::Index i = 0; i < k_; ++i)
        sum += (action_.values[static_cast<std::size_t>(i)] - low_(i)) / (high_(i) - low_(i));
      cost_ = cfg_.activity_cost * sum / static_cast<double>(k_);
    }
    return action_;
  }

  void observe(double reward, std::span<const float> next_obs, bool terminated, bool) override {
    enc_.encode(next_obs, phi_next_);
    const double v_next = terminated ? 0.0 : v_.dot(phi_next_);
    rpe_ = learning::td_error(reward - cost_, v_.dot(phi_), v_next, decays_.gamma, terminated);
    if (training()) {
      const double decay = decays_.trace;
      trace_v_.update(decay, phi_);
      // node perturbation's 1/σ² (Fiete & Seung 2006): ξ/σ² is ∇_μ log N(·; μ, σ²)
      score_ = xi_ / (cfg_.perturbation_sd * cfg_.perturbation_sd);
      trace_w_.update(decay, score_, phi_);
      // normalised steps (NLMS): the rates are per unit squared feature norm
      const double norm = cfg_.normalise ? 1.0 / phi_.squaredNorm() : 1.0;
      v_ += (cfg_.alpha_critic * norm * rpe_) * trace_v_.values();
      w_ += (cfg_.alpha_actor * norm * rpe_) * trace_w_.values();
    }
    value_ = v_next;
    phi_.swap(phi_next_);
  }

  std::vector<std::string> signal_names() const override { return {"rpe", "value", "activity", "noise"}; }
  std::vector<Signal> introspect() const override {
    std::vector<float> xi(static_cast<std::size_t>(k_));
    for (Eigen::Index i = 0; i < k_; ++i) xi[static_cast<std::size_t>(i)] = static_cast<float>(xi_(i));
    return {{"rpe", {static_cast<float>(rpe_)}}, {"value", {static_cast<float>(value_)}}, {"activity", action_.values},
            {"noise", xi}};
  }

 protected:
  void save_state(StateWriter& w) const override {
    w.doubles({v_.data(), static_cast<std::size_t>(v_.size())});
    w.doubles({w_.data(), static_cast<std::size_t>(w_.size())});
    const std::vector<double> enc = enc_.parameters();
    w.doubles(enc);
  }
  void load_state(StateReader& r) override {
    std::vector<double> v, w, enc;
    r.doubles(v, static_cast<std::size_t>(v_.size()), "np-actor-critic critic weights");
    r.doubles(w, static_cast<std::size_t>(w_.size()), "np-actor-critic actor weights");
    r.doubles(enc, enc_.parameter_count(), "np-actor-critic feature centres/projections");
    v_ = Eigen::Map<const Eigen::VectorXd>(v.data(), n_);
    w_ = Eigen::Map<const Eigen::MatrixXd>(w.data(), k_, n_);
    enc_.set_parameters(enc);
  }

 private:
  NpActorCriticConfig cfg_;
  learning::TdDecays decays_;  // γ and the trace decay per step (from ms with the env's dt, or per step)
  learning::FeatureEncoder enc_;
  Eigen::Index n_, k_;
  Eigen::VectorXd v_;
  Eigen::MatrixXd w_;
  Eigen::VectorXd phi_, phi_next_, mu_, xi_, score_, centre_, half_, low_, high_;
  learning::EligibilityTrace trace_v_;
  learning::MatrixTrace trace_w_;
  Action action_;
  double rpe_ = 0.0, value_ = 0.0;
  double cost_ = 0.0;  // metabolic cost of the last action (activity_cost)
};

std::unique_ptr<Agent> make(const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed,
                            const AgentContext& context) {
  const NpActorCriticConfig c = options().parse(kv);
  if (c.activity_cost > 0.0)
    for (std::size_t i = 0; i < act.flat_size(); ++i)
      if (!std::isfinite(act.low()[i]) || !std::isfinite(act.high()[i]) || act.high()[i] <= act.low()[i])
        throw UsageError("np-actor-critic: activity_cost = " + format_number(c.activity_cost) +
                         " needs bounded actions (low < high, finite); action dimension " + std::to_string(i) + " is not");
  const NpActorCriticConfig defaults;
  const learning::TdDecays d = learning::resolve_td_decays("np-actor-critic", kv, c.gamma, c.lambda, c.discount_ms,
                                                           defaults.discount_ms, c.trace_ms, defaults.trace_ms, context.dt_ms);
  return std::make_unique<NpActorCritic>(obs, act, c, d, seed);
}

}  // namespace

AgentEntry np_actor_critic_entry() {
  return {"np-actor-critic",
          "actor-critic with node perturbation: noise in the motor units x TD error x presynaptic activity",
          "1-D Box observations; 1-D Box actions (continuous commands or a population's activity)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (!obs.is_box() || obs.shape().size() != 1) return "needs a 1-D Box observation space";
            if (!act.is_box() || act.shape().size() != 1) return "needs a 1-D Box action space (use td-actor-critic for Discrete)";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            return make(obs, act, kv, seed, {});
          },
          {},
          make};
}

}  // namespace sgym
