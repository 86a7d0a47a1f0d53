// perceptual-learner: orientation perceptual learning by the attention-gated three-factor rule
// (Roelfsema & Holtmaat 2018, Nat Rev Neurosci 19:166, eq. 3; Roelfsema, van Ooyen & Watanabe 2010,
// Trends Cogn Sci 14:64), for the task of Schoups, Vogels, Qian & Orban 2001 (Nature 412:549):
// OrientationDiscrimination-v0. The env's orientation-tuned populations play the part of cortical
// layer 4 (fixed tuning; Schoups et al. found no change there); a plastic layer of "L2/3" units per
// location reads them in, and two decision units (clockwise, anticlockwise) read the attended
// location's layer. Spatial attention picks the location (the experimenter's block cue): only the
// attended location drives the decision and receives the feedback that gates plasticity.
//
//   x̄ = mean of the attended population over the stimulus epoch            (evidence)
//   y_j = σ(g · Σ_i W_ji x̄_i − θ)                                          (plastic layer)
//   Z_k = Σ_j V_kj y_j,  a ~ Max-Boltzmann(Z)                             (decision)
//   δ = r − Z_a                                                           (the trial's RPE; no bootstrap: the report ends the trial)
//   V_aj ← V_aj + β δ y_j                                                 (winner only)
//   W_ji ← W_ji + β δ · FB_j · y_j (1 − y_j) g · x̄_i,  FB_j = V_aj         (eq. 3: pre · post' · RPE · FB)
//
// Fixation is not learned (the monkeys were trained to fixate before the orientation task): the agent
// holds fixation while the fixation point is on and reports once when it goes off. Initial read-in:
// each unit j has a preferred orientation φ_j = 180·j/M and weights W_ji ∝ exp(κ (cos 2(φ_j − ψ_i) − 1))
// (normalised to sum 1) on the inputs' preferred orientations ψ_i = 180·i/n (the env's layout); the
// initial readout V_ACW,j = −V_CW,j = v0 · sin 2(φ_j − reference) is a coarse prior for "larger angle =
// anticlockwise", so the naive subject performs above chance only at large offsets.
#include <array>
#include <cmath>
#include <numbers>
#include <string_view>
#include <utility>

#include <Eigen/Core>

#include "learning/gated_update.hpp"
#include "learning/selection.hpp"
#include "sgym/agents.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

struct PerceptualLearnerConfig {
  int n_units = 36;                  // plastic units per location (preferred every 5°) [choice]
  double reference_deg = 45.0;       // the reference orientation the subject is told (Schoups et al. 2001: 45°)
  double read_in_kappa = 6.0;        // concentration of the initial read-in kernel (period 180°) [choice]
  double gain = 12.0;                // g: input gain of the plastic units [choice]
  double threshold = 8.0;            // θ: sigmoid threshold [choice]; with the env's default tuning the layer's
                                     // half-width at half-height is 18°, its steepest flank 18° from the preferred
  double prior_readout = 0.02;       // v0: initial readout gain (the naive subject's coarse prior) [choice]
  double init_range = 0.05;          // plus U(-r, r) on every initial readout weight [choice]
  double beta = 0.01;                // learning rate [choice]
  double epsilon = 0.025;            // Max-Boltzmann exploration (Rombouts et al. 2015)
  double temperature = 1.0;          // Max-Boltzmann temperature (Rombouts et al. 2015)
  std::string attend = "trained";    // attended location: trained or other (the transfer test)
  bool gate = true;                  // feedback gates read-in plasticity (false: the read-in is frozen; only V learns)
};

const OptionSet<PerceptualLearnerConfig>& options() {
  static const OptionSet<PerceptualLearnerConfig> set = [] {
    using C = PerceptualLearnerConfig;
    OptionSet<C> s("perceptual-learner");
    s.add("n_units", &C::n_units, "units", "plastic orientation-tuned units per location, preferred 180·j/n_units° [choice]", 2, 10000)
        .deprecated_alias("units")
        .add("reference_deg", &C::reference_deg, "deg", "reference orientation of the task (Schoups et al. 2001: 45°)", 0.0, 180.0)
        .add("read_in_kappa", &C::read_in_kappa, "", "concentration of the initial read-in kernel, period 180° [choice]", 0.0, 100.0)
        .add("gain", &C::gain, "", "g: input gain of the plastic units [choice]", 0.0, 1000.0)
        .add("threshold", &C::threshold, "", "θ: sigmoid threshold of the plastic units [choice]", -1000.0, 1000.0)
        .add("prior_readout", &C::prior_readout, "", "v0: initial readout V_ACW,j = -V_CW,j = v0 sin 2(φ_j - reference) [choice]", 0.0, 100.0)
        .add("init_range", &C::init_range, "", "initial readout weights get U(-r, r) added [choice]", 0.0, 100.0)
        .add("beta", &C::beta, "", "learning rate β of eq. 3 [choice]", 0.0, 10.0)
        .add("epsilon", &C::epsilon, "", "Max-Boltzmann exploration probability (0.025, Rombouts et al. 2015)", 0.0, 1.0)
        .add("temperature", &C::temperature, "", "Max-Boltzmann softmax temperature (1, Rombouts et al. 2015)", 1e-6, 1e6)
        .add_choice("attend", &C::attend, {"trained", "other"},
                    "attended location (the experimenter's cue): trained, or other for the transfer test")
        .add("gate", &C::gate, "feedback from the selected decision unit gates read-in plasticity (false: only the readout learns)");
    return s;
  }();
  return set;
}

constexpr std::int64_t kFixate = 0, kClockwise = 1, kAnticlockwise = 2;
constexpr double kDeg = std::numbers::pi / 180.0;

class PerceptualLearner final : public Agent {
 public:
  PerceptualLearner(const Space& obs, const Space& act, const PerceptualLearnerConfig& c, std::uint64_t seed)
      : Agent("perceptual-learner", obs, act, seed),
        cfg_(c),
        n_(static_cast<Eigen::Index>(obs.slice("trained_location", 0, "perceptual-learner").size)),
        m_(c.n_units),
        offset_(static_cast<Eigen::Index>(
            obs.slice(c.attend == "trained" ? "trained_location" : "other_location", static_cast<std::size_t>(n_), "perceptual-learner").offset)),
        fixation_(obs.slice("fixation", 1, "perceptual-learner").offset),
        loc_(c.attend == "trained" ? 0 : 1),
        w_{Eigen::MatrixXd(m_, n_), Eigen::MatrixXd(m_, n_)},
        v_{Eigen::MatrixXd(2, m_), Eigen::MatrixXd(2, m_)},
        sum_(Eigen::VectorXd::Zero(n_)),
        x_(Eigen::VectorXd::Zero(n_)),
        a_(Eigen::VectorXd::Zero(m_)),
        y_(Eigen::VectorXd::Zero(m_)),
        gate_(Eigen::VectorXd::Zero(m_)),
        fb_(Eigen::VectorXd::Zero(m_)),
        action_(Action::discrete(kFixate)) {
    // the same tuned read-in and coarse readout at both locations
    for (int loc = 0; loc < 2; ++loc) {
      for (Eigen::Index j = 0; j < m_; ++j) {
        const double phi = 180.0 * static_cast<double>(j) / static_cast<double>(m_);
        double total = 0.0;
        for (Eigen::Index i = 0; i < n_; ++i) {
          const double psi = 180.0 * static_cast<double>(i) / static_cast<double>(n_);
          w_[loc](j, i) = std::exp(c.read_in_kappa * (std::cos(2.0 * (phi - psi) * kDeg) - 1.0));
          total += w_[loc](j, i);
        }
        w_[loc].row(j) /= total;
        const double prior = c.prior_readout * std::sin(2.0 * (phi - c.reference_deg) * kDeg);
        v_[loc](0, j) = -prior + rng_.uniform(-c.init_range, c.init_range);  // clockwise
        v_[loc](1, j) = prior + rng_.uniform(-c.init_range, c.init_range);   // anticlockwise
      }
    }
  }

  void begin_episode() override {
    // per-episode state only: what the signals show comes from this episode
    clear_trial();
    y_.setZero();
    z_.setZero();
    p_.setZero();
    rpe_ = 0.0;
  }
  // the report ends the trial; its observe() still learns, then the next trial starts afresh
  void trial_ended(std::string_view) override { trial_over_ = true; }

  const Action& act(std::span<const float> obs) override {
    if (obs[fixation_] > 0.5f) {
      // fixation point on: hold fixation and integrate the attended population
      const auto pop = Eigen::Map<const Eigen::VectorXf>(obs.data() + offset_, n_).cast<double>();
      if (pop.cwiseAbs().maxCoeff() > 0.0) {
        sum_ += pop;
        ++samples_;
      }
      action_.index = kFixate;
      return action_;
    }
    if (reported_ || samples_ == 0) {  // nothing seen (or already reported): keep fixating
      action_.index = kFixate;
      return action_;
    }
    // the fixation point went off: report once
    x_ = sum_ / static_cast<double>(samples_);
    a_.noalias() = w_[loc()] * x_;
    a_.array() = cfg_.gain * a_.array() - cfg_.threshold;  // in place: no temporary (no allocation)
    learning::sigmoid(a_, y_);
    z_.noalias() = v_[loc()] * y_;
    const std::span<const double> q(z_.data(), 2);
    const std::span<double> p(p_.data(), 2);
    std::size_t k = learning::argmax(q);
    if (training()) k = learning::max_boltzmann(q, cfg_.epsilon, cfg_.temperature, p, rng_);
    choice_ = static_cast<Eigen::Index>(k);
    action_.index = k == 0 ? kClockwise : kAnticlockwise;
    reported_ = true;
    return action_;
  }

  void observe(double reward, std::span<const float>, bool terminated, bool truncated) override {
    if (reported_ && !learned_) learn(reward);  // learning happens only at the report
    if (trial_over_ || terminated || truncated) clear_trial();
  }

  std::vector<std::string> signal_names() const override { return {"rpe", "decision", "layer"}; }
  std::vector<Signal> introspect() const override {
    std::vector<float> layer(static_cast<std::size_t>(m_)), dec(2);
    for (Eigen::Index j = 0; j < m_; ++j) layer[static_cast<std::size_t>(j)] = static_cast<float>(y_(j));
    dec[0] = static_cast<float>(z_(0));
    dec[1] = static_cast<float>(z_(1));
    return {{"rpe", {static_cast<float>(rpe_)}}, {"decision", dec}, {"layer", layer}};
  }

 protected:
  void save_state(StateWriter& w) const override {
    for (int loc = 0; loc < 2; ++loc) {
      w.doubles({w_[loc].data(), static_cast<std::size_t>(w_[loc].size())});
      w.doubles({v_[loc].data(), static_cast<std::size_t>(v_[loc].size())});
    }
  }
  void load_state(StateReader& r) override {
    std::array<std::vector<double>, 4> buf;
    for (int loc = 0; loc < 2; ++loc) {
      r.doubles(buf[2 * loc], static_cast<std::size_t>(w_[loc].size()), "perceptual-learner read-in weights");
      r.doubles(buf[2 * loc + 1], static_cast<std::size_t>(v_[loc].size()), "perceptual-learner readout weights");
    }
    for (int loc = 0; loc < 2; ++loc) {
      w_[loc] = Eigen::Map<const Eigen::MatrixXd>(buf[2 * loc].data(), m_, n_);
      v_[loc] = Eigen::Map<const Eigen::MatrixXd>(buf[2 * loc + 1].data(), 2, m_);
    }
  }

 private:
  // δ = r − Z_a; the readout of the winner and (gated by its feedback) the read-in learn
  void learn(double reward) {
    learned_ = true;
    rpe_ = reward - z_(choice_);
    if (!training()) return;
    // the gate uses the winner's feedback weights before this trial's change
    fb_ = v_[loc()].row(choice_).transpose();
    if (cfg_.gate) {
      learning::attention_gate(y_, fb_, gate_);
      learning::attention_gated_update(w_[loc()], cfg_.beta * cfg_.gain, rpe_, gate_, x_);
    }
    v_[loc()].row(choice_) += (cfg_.beta * rpe_) * y_.transpose();
  }

  int loc() const { return loc_; }
  void clear_trial() {
    sum_.setZero();
    samples_ = 0;
    reported_ = learned_ = trial_over_ = false;
  }

  PerceptualLearnerConfig cfg_;
  Eigen::Index n_, m_, offset_;  // units per location, plastic units, where the attended population starts
  std::size_t fixation_;         // the observation's fixation input
  int loc_;                      // the attended location: 0 trained, 1 the other
  std::array<Eigen::MatrixXd, 2> w_, v_;  // per location: read-in (M × n) and readout (2 × M)
  Eigen::VectorXd sum_, x_, a_, y_, gate_, fb_;
  Eigen::Vector2d z_ = Eigen::Vector2d::Zero(), p_ = Eigen::Vector2d::Zero();
  Eigen::Index choice_ = 0;
  int samples_ = 0;
  bool reported_ = false, learned_ = false, trial_over_ = false;
  double rpe_ = 0.0;
  Action action_;
};

}  // namespace

AgentEntry perceptual_learner_entry() {
  return {"perceptual-learner",
          "orientation perceptual learning (Schoups et al. 2001) by the attention-gated three-factor rule: plastic "
          "read-in to a tuned layer, feedback from the chosen report gates plasticity at the attended location",
          "OrientationDiscrimination-v0's observation (fixation + two tuned populations); Discrete(3)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (!obs.is_box()) return "needs OrientationDiscrimination-v0's Box observation";
            if (std::string why = obs.why_no_slices({{"fixation", 1}, {"trained_location", 0}, {"other_location", 0}}); !why.empty())
              return "needs OrientationDiscrimination-v0's observation slices fixation, trained_location and other_location: " + why;
            if (obs.find_slice("other_location")->size != obs.find_slice("trained_location")->size)
              return "needs two populations of the same size (trained_location, other_location)";
            if (!act.is_discrete() || act.n() != 3) return "needs Discrete(3) actions (fixate, clockwise, anticlockwise)";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            return std::make_unique<PerceptualLearner>(obs, act, options().parse(kv), seed);
          },
          {"OrientationDiscrimination-v0"}};
}

}  // namespace sgym
