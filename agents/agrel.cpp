// agrel: attention-gated reinforcement learning (Roelfsema & van Ooyen 2005, Neural Computation
// 17:2176), the feedforward form for tasks without memory. A sigmoid hidden layer and linear output
// units compete in a stochastic winner-take-all; only the winner's weights change, and the input →
// hidden weights change only where the winner's feedback reaches (the attention gate):
//   h = σ(W x),   Z = V [h; 1],   a ~ softmax(Z / τ)           (stochastic winner-take-all)
//   at the step that ends a trial (rpe = agrel, the paper's rule):
//     δ = −1 when unrewarded (r ≤ 0);  f(δ) = δ/(1 − δ) with δ = 1 − π(a) when rewarded: f = (1 − π_a)/π_a
//   at any other step, and always with rpe = td:
//     δ_t = r_{t+1} + γ Σ_b π(b | x_{t+1}) Z_b(x_{t+1}) − Z_a(x_t)   (γ = 0 or a terminal step: δ = r − Z_a)
//   V_a ← V_a + β δ [h; 1]                                    (winner only: rule 2)
//   W_j ← W_j + β δ · h_j (1 − h_j) · FB_{a j} · x            (rule 3, FB = V_a symmetric, or fixed random)
// Why the paper's δ: the winner a is drawn with probability π_a, so over trials
//   E[ΔV_k] = β [π_c (1 − π_c)/π_c · 1(k = c) − π_k · 1(k ≠ c)] h̃ = β (1(k = c) − π_k) h̃,
// which is τ times the gradient of log π_c (the negative cross-entropy) for π = softmax(Z/τ); through
// the gate the same holds for W (backpropagation of that error through the winner's feedback). The
// td variant (δ = r − Z_a) treats Z as reward predictions and has no such identity. γ > 0 bootstraps
// across the steps of a multi-step trial (fixate, then choose) with the expected winner activity at
// the next step (expected SARSA) — outside the paper, whose trials are one step.
#include <string_view>
#include <utility>

#include <Eigen/Core>

#include "learning/gated_update.hpp"
#include "learning/selection.hpp"
#include "learning/td.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct AgrelConfig {
  int n_hidden = 20;                   // hidden units [choice]
  double beta = 0.1;                   // learning rate [choice: with the paper's error, 0.05 and 0.2 learned worse; see docs]
  std::string rpe = "agrel";           // agrel: the paper's −1 / f(δ) at a trial's end; td: r + γ E[Z'] − Z_a throughout
  double gamma = 0.9;                  // discount per step; 0 = the one-step rule of the 2005 paper (AuGMEnT's 0.9 otherwise)
  std::string selection = "softmax";   // softmax (stochastic WTA) or max_boltzmann
  double temperature = 1.0;            // softmax temperature: 1 = π_a = exp(Z_a) / Σ exp(Z_b), the paper's winner-take-all
  double epsilon = 0.025;              // max_boltzmann exploration (AuGMEnT's 0.025, Rombouts et al. 2015)
  std::string feedback = "symmetric";  // symmetric (FB = V) or random (fixed random feedback weights)
  double init_range = 0.25;            // weights U(−r, r) (AuGMEnT's 0.25, Rombouts et al. 2015)
};

const OptionSet<AgrelConfig>& options() {
  static const OptionSet<AgrelConfig> set = [] {
    using C = AgrelConfig;
    OptionSet<C> s("agrel");
    s.add("n_hidden", &C::n_hidden, "units", "sigmoid hidden units [choice]", 1, 100000)
        .deprecated_alias("hidden")
        .add("beta", &C::beta, "", "learning rate [choice]", 0.0, 10.0)
        .add_choice("rpe", &C::rpe, {"agrel", "td"},
                    "reward-prediction error at the step that ends a trial: agrel = Roelfsema & van Ooyen 2005 (-1 unrewarded, (1 - p_a)/p_a rewarded: the expected update is the cross-entropy gradient); td = r - Z_a (+ gamma E[Z'] within a trial)")
        .add("gamma", &C::gamma, "per step", "discount per step (a published per-step value, not converted from ms); 0 = the one-step rule of Roelfsema & van Ooyen 2005 (0.9 as in AuGMEnT)", 0.0, 1.0)
        .add_choice("selection", &C::selection, {"softmax", "max_boltzmann"},
                    "softmax: stochastic winner-take-all (Roelfsema & van Ooyen 2005); max_boltzmann: greedy with prob 1-epsilon")
        .add("temperature", &C::temperature, "", "softmax temperature; 1 = the paper's selection probability exp(Z_a) / sum_b exp(Z_b)", 1e-6, 1e6)
        .add("epsilon", &C::epsilon, "", "max_boltzmann exploration probability (0.025 as in AuGMEnT, Rombouts et al. 2015)", 0.0, 1.0)
        .add_choice("feedback", &C::feedback, {"symmetric", "random"},
                    "feedback weights from the winner to the hidden units: its feedforward weights, or fixed random (feedback alignment)")
        .add("init_range", &C::init_range, "", "initial weights U(-r, r) (0.25 as in AuGMEnT, Rombouts et al. 2015)", 0.0, 100.0);
    return s;
  }();
  return set;
}

class Agrel final : public Agent {
 public:
  Agrel(const Space& obs, const Space& act, const AgrelConfig& c, std::uint64_t seed)
      : Agent("agrel", obs, act, seed),
        cfg_(c),
        n_obs_(static_cast<Eigen::Index>(obs.flat_size())),
        n_(n_obs_ + 1),
        nh_(c.n_hidden),
        k_(static_cast<Eigen::Index>(act.n())),
        w_(nh_, n_),
        v_(k_, nh_ + 1),
        fb_(k_, nh_),
        x_(Eigen::VectorXd::Zero(n_)),
        x_next_(Eigen::VectorXd::Zero(n_)),
        h_(Eigen::VectorXd::Zero(nh_ + 1)),
        h_next_(Eigen::VectorXd::Zero(nh_ + 1)),
        z_(Eigen::VectorXd::Zero(k_)),
        z_next_(Eigen::VectorXd::Zero(k_)),
        p_(Eigen::VectorXd::Zero(k_)),
        p_next_(Eigen::VectorXd::Zero(k_)),
        gate_(Eigen::VectorXd::Zero(nh_)),
        fb_row_(Eigen::VectorXd::Zero(nh_)),
        act_(Eigen::VectorXd::Zero(nh_)),
        action_(Action::discrete(0)) {
    // weights from the agent's own stream, so the seed fixes the network
    for (Eigen::Index i = 0; i < w_.size(); ++i) w_.data()[i] = rng_.uniform(-c.init_range, c.init_range);
    for (Eigen::Index i = 0; i < v_.size(); ++i) v_.data()[i] = rng_.uniform(-c.init_range, c.init_range);
    for (Eigen::Index i = 0; i < fb_.size(); ++i) fb_.data()[i] = rng_.uniform(-c.init_range, c.init_range);
  }

  void begin_episode() override {
    rpe_ = 0.0;
    trial_end_ = false;
  }

  // trials are independent: the step that ends one is terminal, also when the episode goes on
  void trial_ended(std::string_view) override { trial_end_ = true; }

  const Action& act(std::span<const float> obs) override {
    forward(obs, x_, h_, z_);
    const std::span<const double> q(z_.data(), static_cast<std::size_t>(k_));
    const std::span<double> p(p_.data(), static_cast<std::size_t>(k_));
    std::size_t a = 0;
    if (!training()) {
      a = learning::argmax(q);
      policy(z_, p_);
    } else if (cfg_.selection == "softmax") {
      a = learning::softmax_choice(q, cfg_.temperature, p, rng_);
    } else {
      a = learning::max_boltzmann(q, cfg_.epsilon, cfg_.temperature, p, rng_);
    }
    action_.index = static_cast<std::int64_t>(a);
    return action_;
  }

  void observe(double reward, std::span<const float> next_obs, bool episode_terminated, bool) override {
    const bool terminated = std::exchange(trial_end_, false) || episode_terminated;
    const auto a = static_cast<Eigen::Index>(action_.index);
    double next_value = 0.0;
    if (!terminated) {
      forward(next_obs, x_next_, h_next_, z_next_);
      policy(z_next_, p_next_);
      next_value = p_next_.dot(z_next_);
    }
    if (terminated && cfg_.rpe == "agrel") {
      // the paper's error: −1 unrewarded; f(δ) = δ/(1 − δ) of δ = 1 − π_a rewarded
      const double pa = p_(a);
      rpe_ = reward > 0.0 ? (1.0 - pa) / pa : -1.0;
    } else {
      rpe_ = learning::td_error(reward, z_(a), next_value, cfg_.gamma, terminated);
    }
    if (!training()) return;
    // the gate uses the winner's feedback weights before this step's change
    const auto h = h_.head(nh_);
    if (cfg_.feedback == "symmetric") fb_row_ = v_.row(a).head(nh_).transpose();
    else fb_row_ = fb_.row(a).transpose();
    learning::attention_gate(h, fb_row_, gate_);
    v_.row(a) += (cfg_.beta * rpe_) * h_.transpose();
    learning::attention_gated_update(w_, cfg_.beta, rpe_, gate_, x_);
  }

  std::vector<std::string> signal_names() const override { return {"rpe", "output", "action_probs", "hidden"}; }
  std::vector<Signal> introspect() const override {
    return {{"rpe", {static_cast<float>(rpe_)}},
            {"output", to_floats(z_)},
            {"action_probs", to_floats(p_)},
            {"hidden", to_floats(h_.head(nh_))}};
  }

 protected:
  void save_state(StateWriter& w) const override {
    w.doubles({w_.data(), static_cast<std::size_t>(w_.size())});
    w.doubles({v_.data(), static_cast<std::size_t>(v_.size())});
    w.doubles({fb_.data(), static_cast<std::size_t>(fb_.size())});
  }
  void load_state(StateReader& r) override {
    std::vector<double> w, v, fb;
    r.doubles(w, static_cast<std::size_t>(w_.size()), "agrel input->hidden weights");
    r.doubles(v, static_cast<std::size_t>(v_.size()), "agrel hidden->output weights");
    r.doubles(fb, static_cast<std::size_t>(fb_.size()), "agrel feedback weights");
    w_ = Eigen::Map<const Eigen::MatrixXd>(w.data(), nh_, n_);
    v_ = Eigen::Map<const Eigen::MatrixXd>(v.data(), k_, nh_ + 1);
    fb_ = Eigen::Map<const Eigen::MatrixXd>(fb.data(), k_, nh_);
  }

 private:
  static std::vector<float> to_floats(const Eigen::Ref<const Eigen::VectorXd>& v) {
    std::vector<float> out(static_cast<std::size_t>(v.size()));
    for (Eigen::Index i = 0; i < v.size(); ++i) out[static_cast<std::size_t>(i)] = static_cast<float>(v(i));
    return out;
  }

  // x = [obs; 1], h = [σ(W x); 1], z = V h
  void forward(std::span<const float> obs, Eigen::VectorXd& x, Eigen::VectorXd& h, Eigen::VectorXd& z) {
    x.head(n_obs_) = Eigen::Map<const Eigen::VectorXf>(obs.data(), n_obs_).cast<double>();
    x(n_obs_) = 1.0;
    act_.noalias() = w_ * x;
    learning::sigmoid(act_, h.head(nh_));
    h(nh_) = 1.0;
    z.noalias() = v_ * h;
  }

  // the selection probabilities the agent acts with (for the expected next value)
  void policy(const Eigen::VectorXd& z, Eigen::VectorXd& p) const {
    const std::span<const double> q(z.data(), static_cast<std::size_t>(k_));
    const std::span<double> out(p.data(), static_cast<std::size_t>(k_));
    learning::softmax(q, cfg_.temperature, out);
    if (cfg_.selection == "max_boltzmann") {
      const auto best = static_cast<Eigen::Index>(learning::argmax(q));
      p *= cfg_.epsilon;
      p(best) += 1.0 - cfg_.epsilon;
    }
  }

  AgrelConfig cfg_;
  Eigen::Index n_obs_, n_, nh_, k_;
  Eigen::MatrixXd w_, v_, fb_;
  Eigen::VectorXd x_, x_next_, h_, h_next_, z_, z_next_, p_, p_next_, gate_, fb_row_, act_;
  Action action_;
  double rpe_ = 0.0;
  bool trial_end_ = false;  // trial_ended() came before this observe()
};

}  // namespace

AgentEntry agrel_entry() {
  return {"agrel",
          "AGREL (Roelfsema & van Ooyen 2005): sigmoid hidden layer, stochastic winner-take-all, attention-gated RPE learning",
          "1-D Box observations; Discrete actions (tasks without memory)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (!obs.is_box() || obs.shape().size() != 1) return "needs a 1-D Box observation space";
            if (!act.is_discrete()) return "needs a Discrete action space";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            return std::make_unique<Agrel>(obs, act, options().parse(kv), seed);
          }};
}

}  // namespace sgym
