// augment-recurrent: AuGMEnT (Rombouts, Bohte & Roelfsema 2015) with a retinotopic association map
// and horizontal connections between neighbouring positions, for curve tracing (CurveTracing-v0).
// Enhanced activity spreads from the fixation point along the curve because every unit's lateral
// input is gated by the curve input at its own position (Mollard, Wacongne, Bohte & Roelfsema 2024,
// PLoS Comput Biol 20:e1012030, Fig. 3; Brosch, Neumann & Roelfsema 2015, PLoS Comput Biol
// 11:e1004489). One Q unit per retinal position reads the map there; a saccade is a choice of
// position. Learning: SARSA δ, tags from feedback of the selected Q unit only, Δθ = β δ Tag. The
// feedback reaches the map's synapses by RELEARNN's accessory network (rule = relearnn, the default:
// a four-factor rule, pre × post × accessory × δ, on the map's final state, local in time and
// space; Mollard et al. 2024) or, as the non-local reference, by exact backpropagation through the
// map's iterations (rule = bptt); learning/lateral_map.hpp. All weights are shared over positions
// (translation invariant, as the authors' convolutional code), so what is learned about one stretch
// of curve holds at every position and for curves longer than any trained one. `lateral = false` is
// the same network without the horizontal connections: the feedforward comparison.
//
// Tags are reset at every trial end (trial_ended, also inside a multi-trial episode) and episode start.
#include <algorithm>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "learning/lateral_map.hpp"
#include "learning/selection.hpp"
#include "sgym/agents.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

constexpr const char* kId = "augment-recurrent";

// how the gate, readout and context options name a channel of the (channels, g, g) observation
constexpr const char* kChannelValues =
    "a slice name of the observation (one retina of g*g elements, e.g. curves, targets, fixation_point), a channel number, or "
    "none (readout and context only; -1 also means none)";

/// Every option and its default.
struct AugmentRecurrentConfig {
  double beta = 0.05;         // learning rate [choice: tried 0.02, 0.05, 0.15 on CurveTracing-v0; 0.15 makes q oscillate, a shared weight's tag sums over positions]
  double lambda = 0.2;        // tag decay λ (Rombouts et al. 2015: 0.2)
  double gamma = 0.9;         // discount (Rombouts et al. 2015: 0.9)
  double epsilon = 0.1;       // max-Boltzmann exploration [choice: Rombouts et al. 2015 use 0.025 with 3 actions; here 225 actions]
  double temperature = 1.0;   // softmax temperature of exploratory choices (Rombouts et al. 2015: 1)
  double theta = 0.0;         // sigmoid offset [choice: Rombouts et al. 2015 use 2.5; 0 keeps the map units at their steepest, so feedback survives the iterations]
  std::string rule = "relearnn"; // credit to the map: relearnn (accessory network, local; Mollard et al. 2024) or bptt (non-local reference)
  int n_accessory_iterations = 20; // accessory iterations N [choice: the authors' code runs 7 of a two-layer loop; here one pixel per iteration, so N bounds how far back credit reaches]
  double init_range = 0.25;   // initial weights U(−r, r) (Rombouts et al. 2015: 0.25)
  int n_iterations = 40;      // recurrent iterations per env step [choice: a front of ~1 px per iteration reaches 13 px well within it; with BPTT and sigmoid units 20 were too few]
  int n_neighbours = 4;       // lateral neighbourhood: 4 or 8 [choice: curves are 4-connected; 8 was worse at 9 px and beyond]
  std::string unit = "clip";  // map units: clip, [z − θ] clipped to [0, 1] (rectified, as RELEARNN's units), or sigmoid σ(z) = 1/(1+exp(θ−z))
  double clip_slope = 0.1;    // with unit = clip: the slope the tags use where a unit is flat (pseudo-derivative) [choice]
  double noise_sd = 0.3;      // sd of Gaussian noise in every map unit's drive, each step [choice: 0, 0.1, 0.3, 0.5 tried; without noise a vanishing enhancement sufficed]
  bool isotropic = true;      // one lateral weight for all side neighbours (one for all corners) [choice]
  bool excitatory = true;     // the map's input and lateral weights kept >= 0, its bias free [choice]
  bool lateral = true;        // horizontal connections on; off = the feedforward comparison
  std::string gate = "curves";      // the observation slice (one retina) gating the map
  std::string readout = "targets";  // the slice gating the map's input to the Q units; none = the map everywhere
  bool fixed_readout = true;  // the map's weight onto the Q units is fixed at 1, not learned [choice]
  bool normalise = true;      // Q units read the map relative to its mean over the targets (competition) [choice]
  std::string context = "fixation_point";  // the slice whose presence anywhere drives the global context unit; none = no unit
  bool colour_units = true;   // one global unit per colour slice (colour_0, colour_1, ...) of the observation, if it has any
  // the three as channel numbers of the observation, and the colour channels (resolved by make(), not options)
  int gate_channel = 0, readout_channel = -1, context_channel = -1;
  std::vector<int> colour_channels;
};

const OptionSet<AugmentRecurrentConfig>& options() {
  static const OptionSet<AugmentRecurrentConfig> set = [] {
    using C = AugmentRecurrentConfig;
    OptionSet<C> s(kId);
    s.add_choice("rule", &C::rule, {"relearnn", "bptt"},
                 "how the selected Q unit's credit reaches the map's synapses: relearnn = RELEARNN's accessory network (Mollard et al. 2024, PLoS Comput Biol), units connected by the transposed lateral weights iterate on the map's final state and each synapse changes by pre × post × accessory unit × δ (local in time and space); bptt = exact backpropagation through the map's iterations of the step (needs every unit's activity at every iteration: the non-local reference)")
        .add("n_accessory_iterations", &C::n_accessory_iterations, "iterations", "with rule = relearnn: iterations N of the accessory network; its signal travels back along the curve one pixel per iteration, so N bounds how far from the chosen target credit reaches [choice: the authors' code runs 7 iterations of a loop through two hidden layers]", 0, 1000)
        .add("beta", &C::beta, "", "learning rate β [choice: 0.02, 0.05, 0.15 tried on CurveTracing-v0; AuGMEnT's 0.15 makes q oscillate here, where a shared weight's tag sums over positions]", 0.0, 10.0)
        .add("lambda", &C::lambda, "per step", "tag decay λ: tags decay by λγ per step; AuGMEnT fixes it per step (Rombouts et al. 2015: 0.2), so it is not converted from ms", 0.0, 1.0)
        .add("gamma", &C::gamma, "per step", "discount factor γ per step; AuGMEnT fixes it per step (Rombouts et al. 2015: 0.9)", 0.0, 1.0)
        .add("epsilon", &C::epsilon, "", "max-Boltzmann exploration: probability of a softmax draw instead of the greedy action [choice: Rombouts et al. 2015 use 0.025 with 3 actions; here one action per retinal position]", 0.0, 1.0)
        .add("temperature", &C::temperature, "", "softmax temperature of exploratory draws (Rombouts et al. 2015: 1)", 1e-6, 1e6)
        .add("theta", &C::theta, "", "offset θ of the map units, [z − θ] clipped to [0, 1] or σ(z) = 1/(1+exp(θ−z)) [choice: Rombouts et al. 2015 use 2.5 for association units; 0 keeps the units at their steepest so the feedback survives the iterations]", -100.0, 100.0)
        .add("init_range", &C::init_range, "", "initial weights drawn from U(−r, r) (Rombouts et al. 2015: 0.25)", 0.0, 100.0)
        .deprecated_alias("weight_range")
        .add("n_iterations", &C::n_iterations, "iterations", "recurrent iterations K of the map per env step; activity spreads at most one pixel per iteration (the learned front: about one pixel per iteration with RELEARNN and clip units, one per 2-3 with BPTT and sigmoid units), so K bounds the longest curve that can be traced [choice: 20 was too few for 13 px]", 1, 1000)
        .deprecated_alias("iterations")
        .add("n_neighbours", &C::n_neighbours, "", "lateral neighbourhood of a map unit: 4 (sides) or 8 (sides and corners) [choice]", 4, 8)
        .deprecated_alias("neighbours")
        .add_choice("unit", &C::unit, {"sigmoid", "clip"},
                    "map units: clip, [z − θ] clipped to [0, 1] (rectified and piecewise linear: silent unless driven, as the rectified units of RELEARNN's network in the authors' code; the feedback does not shrink through the iterations), or sigmoid σ(z) = 1/(1+exp(θ−z)) as AuGMEnT's association units [choice: sigmoid was the default before RELEARNN; with it neither rule learned the balanced stimuli]")
        .add("clip_slope", &C::clip_slope, "", "with unit = clip: the slope the tags use where a unit is silent or saturated, a pseudo-derivative so that silent units can still learn (0 = the exact derivative) [choice]", 0.0, 1.0)
        .add("noise_sd", &C::noise_sd, "", "sd of Gaussian noise added to every map unit's drive, drawn each step from the agent's RNG (training and testing): a tiny enhancement then no longer suffices, and learning builds a large, self-sustaining one [choice: 0, 0.1, 0.3, 0.5 tried]", 0.0, 100.0)
        .deprecated_alias("noise")
        .add("isotropic", &C::isotropic, "one lateral weight shared by the side neighbours (and one by the corners): the spread does not depend on the direction a curve takes, so curves of any shape and the same length are traced alike; false = one weight per direction [choice]")
        .add("excitatory", &C::excitatory, "the map's input and lateral weights (self included) are kept >= 0 and initialised |U(−r, r)|, its bias is free: the seed at the FP/gaze and the horizontal connections excite, so enhanced activity can only spread, not alternate in sign (without: an inverted code that does not propagate) [choice]")
        .add("lateral", &C::lateral, "horizontal connections between neighbouring positions; false = the same network without them (feedforward comparison)")
        .add_text("gate", &C::gate, "", kChannelValues,
                  "the observation channel whose value gates each map unit: the curve pixels")
        .deprecated_alias("gate_channel")
        .add_text("readout", &C::readout, "", kChannelValues,
                  "the observation channel that gates the map's input to the Q unit at each position: the saccade targets (a Q unit reads the map where there is something to look at); none = the map everywhere [choice]")
        .deprecated_alias("readout_channel")
        .add("fixed_readout", &C::fixed_readout, "the map's weight onto the Q units is fixed at 1 (each map unit drives the Q unit at its position one-to-one, like a topographic projection); false = learned, kept >= 0 when excitatory [choice: a learned weight can reach 0 and then no feedback reaches the map]")
        .add("normalise", &C::normalise, "the Q units read the map relative to its mean over the readout-gated positions (the targets compete); removes the common-mode drift of the map [choice]")
        .add_text("context", &C::context, "", kChannelValues,
                  "the observation channel whose maximum over the retina is a global context unit F that scales a second set of readout weights: 'the fixation point is on'; none = no context unit")
        .deprecated_alias("context_channel")
        .add("colour_units", &C::colour_units, "one global colour unit per colour slice of the observation (colour_0, colour_1, ...: CurveTracing-v0's composite routines; none in the plain trace task): it sums the map's activity over the pixels of its colour and excites every pixel of that colour, and the map is gated on at coloured pixels too, so enhanced activity can jump from a cue to the marker of the same colour (search, then trace) or from a traced curve's marker to the target of its colour (trace, then search). Two weights shared by all colours, map → unit and unit → map, learned by the same rule; the global connections of RELEARNN's network between the grid and its colour disks (Mollard et al. 2024) [choice: shared over colours]; false = no colour units");
    return s;
  }();
  return set;
}

class AugmentRecurrent final : public Agent {
 public:
  AugmentRecurrent(const Space& obs, const Space& act, const AugmentRecurrentConfig& c, std::uint64_t seed)
      : Agent(kId, obs, act, seed),
        cfg_(c),
        net_(static_cast<int>(obs.shape()[0]), static_cast<int>(obs.shape()[1]), params(c)),
        action_(Action::discrete(0)),
        p_(static_cast<std::size_t>(act.n()), 0.0) {
    net_.randomize(c.init_range, rng_);
  }

  void begin_episode() override {
    net_.reset_trial();
    ready_ = false;
    trial_end_ = false;
  }

  const Action& act(std::span<const float> obs) override {
    // the action for this observation was chosen in observe(), unless the episode just began
    if (!ready_) {
      net_.forward(obs, &rng_);
      choose();
      net_.step(static_cast<int>(action_.index), 0.0, training());
    }
    ready_ = false;
    return action_;
  }

  // trials are independent: the step that ends one is terminal for learning, also when the episode
  // goes on with the next trial
  void trial_ended(std::string_view) override { trial_end_ = true; }

  void observe(double reward, std::span<const float> next_obs, bool terminated, bool truncated) override {
    if (std::exchange(trial_end_, false) || terminated) {
      net_.terminal(reward, training());
      net_.reset_trial();
      return;
    }
    net_.forward(next_obs, &rng_);
    if (truncated) {
      // SARSA at a time-limit cut: bootstrap from q of the action the policy selects at the next
      // state (drawn, never taken: the episode ends here), then the trial's tags are discarded
      choose();
      net_.truncated(static_cast<int>(action_.index), reward, training());
      net_.reset_trial();
      return;
    }
    // SARSA: the next action is chosen now, so δ can use its q
    choose();
    net_.step(static_cast<int>(action_.index), reward, training());
    ready_ = true;
  }

  void end_episode() override {
    net_.reset_trial();
    ready_ = false;
  }

  std::vector<std::string> signal_names() const override {
    std::vector<std::string> names = {"q", "rpe", "map", "map_latency", "tag_norm", "accessory", "map_iterations"};
    if (!cfg_.colour_channels.empty()) names.push_back("colour_units");
    return names;
  }
  std::vector<Signal> introspect() const override {
    const auto& q = net_.q();
    const int K = net_.params().iterations;
    const auto final_map = net_.map(K);
    std::vector<float> map(final_map.begin(), final_map.end());
    // modulation latency: the first iteration at which a unit's activity above its response at the
    // first iteration (the feedforward response, before any lateral input) reaches half of its final
    // value; 0 where the final activity is not above the first response (no modulation)
    std::vector<float> latency(final_map.size(), 0.0f);
    const auto first = net_.map(1);
    for (std::size_t p = 0; p < final_map.size(); ++p) {
      const double mod = final_map[p] - first[p];
      if (mod <= 1e-9) continue;
      for (int k = 1; k <= K; ++k)
        if (net_.map(k)[p] - first[p] >= 0.5 * mod) {
          latency[p] = static_cast<float>(k);
          break;
        }
    }
    std::vector<Signal> out = {{"q", std::vector<float>(q.begin(), q.end())},
                               {"rpe", {static_cast<float>(net_.delta())}},
                               {"map", map},
                               {"map_latency", latency},
                               {"tag_norm", {static_cast<float>(net_.tag_norm())}},
                               {"accessory", std::vector<float>(net_.accessory().begin(), net_.accessory().end())}};
    // the map after every iteration 0..K, iteration-major ((K + 1) x positions): for enhancement
    // time courses (target minus distractor over the iterations)
    std::vector<float> trajectory;
    trajectory.reserve(static_cast<std::size_t>(K + 1) * final_map.size());
    for (int k = 0; k <= K; ++k) trajectory.insert(trajectory.end(), net_.map(k).begin(), net_.map(k).end());
    out.push_back({"map_iterations", std::move(trajectory)});
    if (!cfg_.colour_channels.empty()) {
      const auto g = net_.colour_units(K);  // the colour units' final activity, one per colour slice
      out.push_back({"colour_units", std::vector<float>(g.begin(), g.end())});
    }
    return out;
  }

  /// The network (for analyses: the map at every iteration).
  const learning::LateralMap& network() const { return net_; }

 protected:
  void save_state(StateWriter& w) const override {
    w.doubles(net_.u());
    w.doubles(net_.w());
    w.doubles(net_.v());
    if (!net_.colour_weights().empty()) w.doubles(net_.colour_weights());
  }

  void load_state(StateReader& r) override {
    // read everything first, so a bad file leaves the network unchanged
    std::vector<double> u, w, v, om;
    r.doubles(u, net_.u().size(), "drive weights");
    r.doubles(w, net_.w().size(), "lateral weights");
    r.doubles(v, net_.v().size(), "readout weights");
    if (!net_.colour_weights().empty()) r.doubles(om, net_.colour_weights().size(), "colour unit weights");
    net_.u() = u;
    net_.w() = w;
    net_.v() = v;
    if (!om.empty()) net_.colour_weights() = om;
    net_.reset_trial();
    ready_ = false;
  }

 private:
  static learning::LateralMapParams params(const AugmentRecurrentConfig& c) {
    learning::LateralMapParams p;
    p.beta = c.beta;
    p.lambda = c.lambda;
    p.gamma = c.gamma;
    p.theta = c.theta;
    p.rule = c.rule == "bptt" ? learning::CreditRule::bptt : learning::CreditRule::relearnn;
    p.accessory_iterations = c.n_accessory_iterations;
    p.iterations = c.n_iterations;
    p.neighbours = c.n_neighbours;
    p.lateral = c.lateral;
    p.gate_channel = c.gate_channel;
    p.context_channel = c.context_channel;
    p.readout_channel = c.readout_channel;
    p.normalise = c.normalise;
    p.fixed_readout = c.fixed_readout;
    p.clip = c.unit == "clip";
    p.excitatory = c.excitatory;
    p.isotropic = c.isotropic;
    p.noise = c.noise_sd;
    p.clip_slope = c.clip_slope;
    p.colour_channels = c.colour_channels;
    return p;
  }

  // max-Boltzmann while training (Rombouts et al. 2015), greedy when training is off
  void choose() {
    const std::span<const double> q(net_.q().data(), net_.q().size());
    action_.index = training() ? static_cast<std::int64_t>(learning::max_boltzmann(q, cfg_.epsilon, cfg_.temperature, p_, rng_))
                               : static_cast<std::int64_t>(learning::argmax(q));
  }

  AugmentRecurrentConfig cfg_;
  learning::LateralMap net_;
  Action action_;
  std::vector<double> p_;  // choice probabilities
  bool ready_ = false;     // observe() already chose the action for the next act()
  bool trial_end_ = false;  // trial_ended() came before this observe()
};

std::string incompatibility(const Space& obs, const Space& act) {
  if (!obs.is_box() || obs.shape().size() != 3 || obs.shape()[1] != obs.shape()[2] || obs.shape()[0] < 1)
    return "needs a retinotopic Box observation of shape (channels, g, g)";
  if (!act.is_discrete() || act.n() != obs.shape()[1] * obs.shape()[2])
    return "needs a Discrete(g*g) action space: one action (a saccade) per retinal position";
  return "";
}

// The channel an option names (see kChannelValues); -1 for none where allowed.
int channel_of(const Space& obs, const std::string& option, const std::string& value, bool none_allowed) {
  const auto channels = obs.shape()[0];
  const auto n = static_cast<std::size_t>(obs.shape()[1] * obs.shape()[2]);
  std::string names;
  for (const ObsSlice& s : obs.slices())
    if (s.size == n && s.offset % n == 0) names += (names.empty() ? "" : ", ") + s.name;
  const std::string valid = "a slice of one retina (" + (names.empty() ? std::string("this observation has none") : names) +
                            "), a channel number below " + std::to_string(channels) + (none_allowed ? " or none" : "");
  if (none_allowed && (value == "none" || value == "-1")) return -1;
  if (!value.empty() && std::all_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    if (value.size() > 6 || std::stoi(value) >= channels)
      throw UsageError(std::string(kId) + ": " + option + " = " + value + " must be " + valid);
    return std::stoi(value);
  }
  const ObsSlice* s = obs.find_slice(value);
  if (s == nullptr || s->size != n || s->offset % n != 0)
    throw UsageError(std::string(kId) + ": " + option + " = \"" + value + "\" must be " + valid);
  return static_cast<int>(s->offset / n);
}

// The channels of the observation's colour slices (colour_0, colour_1, ...), in slice order.
std::vector<int> colour_channels(const Space& obs) {
  const auto n = static_cast<std::size_t>(obs.shape()[1] * obs.shape()[2]);
  std::vector<int> out;
  for (const ObsSlice& s : obs.slices())
    if (s.name.rfind("colour_", 0) == 0 && s.size == n && s.offset % n == 0) out.push_back(static_cast<int>(s.offset / n));
  return out;
}

std::unique_ptr<Agent> make(const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) {
  AugmentRecurrentConfig c = options().parse(kv);
  if (c.n_neighbours != 4 && c.n_neighbours != 8)
    throw UsageError(std::string(kId) + ": n_neighbours = " + std::to_string(c.n_neighbours) + " must be 4 or 8");
  c.gate_channel = channel_of(obs, "gate", c.gate, false);
  c.readout_channel = channel_of(obs, "readout", c.readout, true);
  c.context_channel = channel_of(obs, "context", c.context, true);
  if (c.colour_units) c.colour_channels = colour_channels(obs);
  return std::make_unique<AugmentRecurrent>(obs, act, c, seed);
}

}  // namespace

AgentEntry augment_recurrent_entry() {
  return {kId,
          "AuGMEnT with a retinotopic map and gated horizontal connections (curve tracing): activity spreads along the curve; RPE-steered, attention-gated tags carried to the map by RELEARNN's accessory network (or, rule = bptt, backpropagation through the iterations)",
          "Box observation (channels, g, g) whose channels gate, readout and context name (by default its slices curves, targets and fixation_point); action Discrete(g*g) (a saccade to a position)",
          options().docs(),
          incompatibility,
          make,
          {"CurveTracing-v0"}};
}

}  // namespace sgym
