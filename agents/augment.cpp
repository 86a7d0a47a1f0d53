// augment: AuGMEnT, Attention-Gated MEmory Tagging (Rombouts, Bohte & Roelfsema 2015, PLoS Comput
// Biol 11:e1004060). A three-layer network learns Q values by SARSA with a biologically plausible
// rule: the dopamine-like RPE δ steers every synapse, and feedback from the selected action's Q unit
// gates which association synapses are tagged (Δw = β δ Tag; equation 3 of Roelfsema & Holtmaat 2018, Nat Rev Neurosci 19:166). Memory
// units integrate on/off transient input without leak, so the network learns what to remember.
// The network and its equations are in learning/augment_network.hpp; this file adds max-Boltzmann
// action selection, the per-trial resets and the agent contract.
//
// Trials are independent: memory, traces and tags are reset at every trial end (trial_ended, also
// inside a multi-trial episode) and at episode start and end.
#include <array>
#include <memory>
#include <string_view>
#include <utility>

#include "learning/attention_map.hpp"
#include "learning/augment_network.hpp"
#include "learning/selection.hpp"
#include "sgym/agents.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

/// Every option and its published default.
struct AugmentConfig {
  double beta = 0.15;         // learning rate (Rombouts et al. 2015; ReScience replication beta = 0.15)
  double lambda = 0.2;        // tag decay; tags decay by λγ per step (paper; replication lambda_ = 0.2)
  double gamma = 0.9;         // discount (paper; replication gamma = 0.9)
  double epsilon = 0.025;     // max-Boltzmann exploration rate (paper; replication epsilon = 0.025)
  double temperature = 1.0;   // softmax temperature of exploratory choices (the replication's Boltzmann draw uses exp(q), i.e. 1)
  double theta = 2.5;         // sigmoid offset σ(a) = 1/(1+exp(θ−a)) (paper; replication theta = 2.5)
  int n_regular_units = 3;    // regular association units (paper; replication n_regular_units = 3)
  int n_memory_units = 4;     // memory association units (paper; replication n_memory_units = 4)
  double init_range = 0.25;   // initial weights U(−r, r) (paper; replication weights_range = (−0.25, 0.25))
  bool gate = true;           // attention gate on; off = every association unit learns with FB = 1 (ablation)
  std::string feedback = "symmetric";  // feedback weights: symmetric (= forward weights) or random (fixed)
  std::string attention_map;  // input-level attention gate: action:first-last,... ("" = off, the published rule)
  bool attention_gate = true; // with attention_map: A_i gates the input → association tags; off = A_i = 1 (the control)
  bool silent_location_synapses = false;  // with attention_map: the mapped units' synapses onto association units start at 0
};

const OptionSet<AugmentConfig>& options() {
  static const OptionSet<AugmentConfig> set = [] {
    using C = AugmentConfig;
    OptionSet<C> s("augment");
    s.add("beta", &C::beta, "", "learning rate β (Rombouts et al. 2015; ReScience replication beta = 0.15)", 0.0, 10.0)
        .add("lambda", &C::lambda, "per step", "tag decay λ: tags decay by λγ per step; the paper fixes it per step (Rombouts et al. 2015: 0.2), so it is not converted from ms", 0.0, 1.0)
        .add("gamma", &C::gamma, "per step", "discount factor γ per step; the paper fixes it per step (Rombouts et al. 2015: 0.9)", 0.0, 1.0)
        .add("epsilon", &C::epsilon, "", "max-Boltzmann exploration: probability of a softmax draw instead of the greedy action (Rombouts et al. 2015: 0.025)", 0.0, 1.0)
        .add("temperature", &C::temperature, "", "softmax temperature of exploratory draws (1 in Rombouts et al. 2015 and the ReScience replication)", 1e-6, 1e6)
        .add("theta", &C::theta, "", "sigmoid offset θ of the association units, σ(a) = 1/(1+exp(θ−a)) (Rombouts et al. 2015: 2.5)", -100.0, 100.0)
        .add("n_regular_units", &C::n_regular_units, "units", "regular (sigmoid) association units, fed by the instantaneous sensory units (Rombouts et al. 2015: 3)", 0, 100000)
        .deprecated_alias("regular_units")
        .add("n_memory_units", &C::n_memory_units, "units", "memory association units, integrating on/off transient input without leak (Rombouts et al. 2015: 4)", 0, 100000)
        .deprecated_alias("memory_units")
        .add("init_range", &C::init_range, "", "initial weights drawn from U(−r, r) (Rombouts et al. 2015: 0.25)", 0.0, 100.0)
        .deprecated_alias("weight_range")
        .add("gate", &C::gate, "attention gate: association tags are gated by feedback from the selected Q unit; false = every unit learns from δ with FB = 1 (un-gated three-factor ablation)")
        .add_choice("feedback", &C::feedback, {"symmetric", "random"},
                    "feedback weights of the gate: symmetric (equal to the forward weights, as in the paper) or random (fixed, drawn like the initial weights: feedback alignment)")
        .add_text("attention_map", &C::attention_map, "", "action:first-last,... (0-based inclusive input indices; empty = off)", "input-level attention gate, 'action:first-last,...' (0-based inclusive input indices): selecting an action attends the sensory units of its range, whose input-to-association tags keep A_i = 1, while the other listed ranges get A_i = 0 until the trial ends; empty = off (the published rule). E.g. 1:4-6,2:7-9 for RedundantRelevantCue-v0 with its defaults")
        .add("attention_gate", &C::attention_gate, "with attention_map: the attended location's gate A_i multiplies the presynaptic factor of the input-to-association tags; false = the attention actions are selected as before but every A_i = 1 in the tags (the un-gated control of the redundant-relevant cue contrast: it differs from the gated learner only in this factor, and the association-level gate FB_j of option gate stays)")
        .add("silent_location_synapses", &C::silent_location_synapses,
             "with attention_map: the synapses from the mapped (location-specific) sensory units onto the association units start at 0 instead of U(−r, r), as silent synapses that only plasticity makes effective (Isaac, Nicoll & Malenka 1995, Neuron 15:427; Liao, Hessler & Malinow 1995, Nature 375:400); every other weight and every random draw as without it. false = the published random initial weights");
    return s;
  }();
  return set;
}

/// The agent around an AugmentNetwork of the given (fixed or Eigen::Dynamic) sizes.
template <int NI, int NR, int NM, int NA>
class Augment final : public Agent {
 public:
  using Network = learning::AugmentNetwork<NI, NR, NM, NA>;

  Augment(const Space& obs, const Space& act, const AugmentConfig& c, std::uint64_t seed)
      : Agent("augment", obs, act, seed),
        cfg_(c),
        n_in_(static_cast<int>(obs.flat_size())),
        n_act_(static_cast<int>(act.n())),
        net_(n_in_, c.n_regular_units, c.n_memory_units, n_act_, params(c)),
        action_(Action::discrete(0)),
        attention_(c.attention_map, n_in_, n_act_, "augment: attention_map") {
    net_.set_input_gating(!attention_.empty() && c.attention_gate);
    reset_attention();
    p_.setZero(n_act_);
    net_.randomize(c.init_range, rng_);
    if (c.silent_location_synapses)  // after the draws: every other weight is the one drawn without it
      for (int i = 0; i < n_in_; ++i)
        if (attention_.mapped(i)) {
          net_.v_regular().col(1 + i).setZero();  // (column 0 is the bias)
          net_.v_memory().col(i).setZero();       // on transient
          net_.v_memory().col(n_in_ + i).setZero();  // off transient
        }
  }

  void begin_episode() override {
    net_.reset_trial();
    reset_attention();
    ready_ = false;
    trial_end_ = false;
  }

  const Action& act(std::span<const float> obs) override {
    // the action for this observation was chosen in observe(), unless the episode just began
    if (!ready_) {
      net_.forward(obs);
      choose();
      attend();
      net_.step(static_cast<int>(action_.index), 0.0, training());
    }
    ready_ = false;
    return action_;
  }

  // trials are independent (the paper's protocol): the step that ends one is terminal for learning,
  // even when the episode goes on with the next trial
  void trial_ended(std::string_view) override { trial_end_ = true; }

  void observe(double reward, std::span<const float> next_obs, bool terminated, bool truncated) override {
    if (std::exchange(trial_end_, false) || terminated) {
      net_.terminal(reward, training());
      net_.reset_trial();
      reset_attention();
      return;
    }
    net_.forward(next_obs);
    if (truncated) {
      // SARSA at a time-limit cut: bootstrap from q of the action the policy selects at the next
      // state (drawn, never taken: the episode ends here), then the trial's tags are discarded
      choose();
      net_.truncated(static_cast<int>(action_.index), reward, training());
      net_.reset_trial();
      reset_attention();
      return;
    }
    // SARSA: the next action is chosen now, so δ can use its q
    choose();
    attend();
    net_.step(static_cast<int>(action_.index), reward, training());
    ready_ = true;
  }

  void end_episode() override {
    net_.reset_trial();
    reset_attention();
    ready_ = false;
  }

  std::vector<std::string> signal_names() const override { return {"q", "rpe", "regular", "memory", "tag_norm"}; }
  std::vector<Signal> introspect() const override {
    auto vec = [](const auto& v) {
      std::vector<float> out(static_cast<std::size_t>(v.size()));
      for (Eigen::Index i = 0; i < v.size(); ++i) out[static_cast<std::size_t>(i)] = static_cast<float>(v(i));
      return out;
    };
    return {{"q", vec(net_.q())},
            {"rpe", {static_cast<float>(net_.delta())}},
            {"regular", vec(net_.regular())},
            {"memory", vec(net_.memory())},
            {"tag_norm", {static_cast<float>(net_.tag_norm())}}};
  }

 protected:
  void save_state(StateWriter& w) const override {
    const Network& net = net_;
    put(w, net.v_regular());
    put(w, net.v_memory());
    put(w, net.w_regular());
    put(w, net.w_memory());
    put(w, net.b_regular());
    put(w, net.b_memory());
  }

  void load_state(StateReader& r) override {
    // read everything first, so a bad file leaves the network unchanged
    std::array<std::vector<double>, 6> buf;
    auto& n = net_;
    get(r, buf[0], n.v_regular(), "input-to-regular weights");
    get(r, buf[1], n.v_memory(), "transient-to-memory weights");
    get(r, buf[2], n.w_regular(), "regular-to-Q weights");
    get(r, buf[3], n.w_memory(), "memory-to-Q weights");
    get(r, buf[4], n.b_regular(), "feedback weights to regular units");
    get(r, buf[5], n.b_memory(), "feedback weights to memory units");
    set(buf[0], n.v_regular());
    set(buf[1], n.v_memory());
    set(buf[2], n.w_regular());
    set(buf[3], n.w_memory());
    set(buf[4], n.b_regular());
    set(buf[5], n.b_memory());
    n.reset_trial();
    reset_attention();
    ready_ = false;
  }

 private:
  static learning::AugmentParams params(const AugmentConfig& c) {
    learning::AugmentParams p;
    p.beta = c.beta;
    p.lambda = c.lambda;
    p.gamma = c.gamma;
    p.theta = c.theta;
    p.gate = c.gate;
    p.random_feedback = c.feedback == "random";
    return p;
  }

  // max-Boltzmann while training (Rombouts et al. 2015), greedy when training is off
  void choose() {
    const std::span<const double> q(net_.q().data(), static_cast<std::size_t>(n_act_));
    const std::span<double> p(p_.data(), static_cast<std::size_t>(n_act_));
    // the probabilities are not needed: the softmax is computed only on exploratory draws
    action_.index = training() ? static_cast<std::int64_t>(learning::max_boltzmann_choice(q, cfg_.epsilon, cfg_.temperature, p, rng_))
                               : static_cast<std::int64_t>(learning::argmax(q));
  }

  // the selected action shifts attention when it is an attention action of the map; the gate then
  // holds until the trial ends
  void attend() {
    const int site = attention_.site_of(action_.index);
    if (site < 0 || site == site_) return;
    site_ = site;
    attention_.fill(site_, net_.input_gate());
  }
  void reset_attention() {
    site_ = -1;
    if (!attention_.empty()) attention_.fill(-1, net_.input_gate());
  }

  template <typename M>
  static void put(StateWriter& w, const M& m) {
    w.doubles({m.data(), static_cast<std::size_t>(m.size())});
  }
  template <typename M>
  static void get(StateReader& r, std::vector<double>& out, const M& m, const char* what) {
    r.doubles(out, static_cast<std::size_t>(m.size()), what);
  }
  template <typename M>
  static void set(const std::vector<double>& in, M& m) {
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = in[static_cast<std::size_t>(i)];
  }

  AugmentConfig cfg_;
  int n_in_, n_act_;
  Network net_;
  Action action_;
  learning::AttentionMap attention_;  // input-level attention gate (empty = off)
  int site_ = -1;                     // attended site this trial (-1 = none yet)
  Eigen::Matrix<double, NA, 1> p_;  // softmax scratch of exploratory choices
  bool trial_end_ = false;          // trial_ended() came before this observe()
  bool ready_ = false;              // observe() already chose the action for the next act()
};

std::string incompatibility(const Space& obs, const Space& act) {
  if (!obs.is_box()) return "needs a Box observation space (the sensory units read real values)";
  if (obs.flat_size() == 0) return "needs at least one observation value";
  if (!act.is_discrete()) return "needs a Discrete action space (one Q unit per action)";
  return "";
}

std::unique_ptr<Agent> make(const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) {
  const AugmentConfig c = options().parse(kv);
  if (c.silent_location_synapses && c.attention_map.empty())
    throw UsageError("augment: silent_location_synapses = true needs an attention_map (it silences the mapped units' synapses; without a map there are none)");
  if (!c.attention_gate && c.attention_map.empty())
    throw UsageError("augment: attention_gate = false needs an attention_map (without one no input is gated, so there is nothing to turn off)");
  if (c.n_regular_units + c.n_memory_units == 0)
    throw UsageError("augment: n_regular_units = 0 and n_memory_units = 0 leave no association unit; set at least one of them to 1 or more");
  // the saccade/antisaccade benchmark network (4 inputs, 3 + 4 units, 3 actions) is fixed-size
  if (obs.flat_size() == 4 && act.n() == 3 && c.n_regular_units == 3 && c.n_memory_units == 4)
    return std::make_unique<Augment<4, 3, 4, 3>>(obs, act, c, seed);
  constexpr int D = Eigen::Dynamic;
  return std::make_unique<Augment<D, D, D, D>>(obs, act, c, seed);
}

}  // namespace

AgentEntry augment_entry() {
  return {"augment",
          "AuGMEnT (Rombouts, Bohte & Roelfsema 2015): SARSA Q network with memory units; RPE-steered, attention-gated synaptic tags",
          "Box observations (flattened; any shape); Discrete actions",
          options().docs(),
          incompatibility,
          make};
}

}  // namespace sgym
