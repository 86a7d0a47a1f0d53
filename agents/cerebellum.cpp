// cerebellum: a forward-model wrapper around any agent. The wrapper's cerebellar forward model
// (agents/learning/cerebellum.hpp: granule expansion + normalised LMS) learns online to predict the
// next observation from the current one and the efference copy of the action the inner agent chose;
// the inner agent sees the observation extended by the model's prediction of it and by the last
// sensory prediction error (Wolpert, Miall & Kawato 1998: the cerebellum as a forward model whose
// prediction and prediction error are available to the rest of the motor system).
//
//   o_t                     the env's observation (n numbers)
//   ô_t = o_{t−1} + W f(o_{t−1}, a_{t−1})     the forward model's prediction of o_t (ô = o at a trial start)
//   ε_t = o_t − ô_t                           sensory prediction error (climbing fibres); W learns from it
//   inner agent's observation: [o_t, ô_t, ε_t]  (3n numbers)
//
// The inner agent and its options are chosen with `inner=<agent id>` and `inner.<key>=<value>`; it
// must handle the extended observation space (a Box of 3n numbers) and the env's action space. The
// efference copy is the Box action's values, or a one-hot code of a Discrete action.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <string_view>

#include "learning/cerebellum.hpp"
#include "sgym/agents.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"

namespace sgym {
namespace {

/// Every option of the wrapper itself (the inner agent's go through inner.<key>).
struct CerebellumWrapperConfig {
  int n_granule_cells = 200;        // granule cells of the forward model's expansion
  int fan_in = 3;                   // inputs per granule cell
  double granule_threshold = 0.3;   // threshold on the mean input (Golgi inhibition)
  double rate = 0.2;                // normalised LMS rate of the forward model
  double input_scale = 1.0;         // scale of unbounded observations and actions
  int wiring_seed = 0;              // mossy-to-granule wiring seed; 0 = the agent's seed
};

const OptionSet<CerebellumWrapperConfig>& options() {
  static const OptionSet<CerebellumWrapperConfig> set = [] {
    using C = CerebellumWrapperConfig;
    OptionSet<C> s("cerebellum");
    s.add("n_granule_cells", &C::n_granule_cells, "", "granule cells of the forward model's expansion recoding", 1, 100000)
        .deprecated_alias("granule_cells")
        .add("fan_in", &C::fan_in, "", "mossy inputs per granule cell (granule cells have about 4 dendrites)", 1, 64)
        .add("granule_threshold", &C::granule_threshold, "", "granule threshold on the mean mossy input (Golgi inhibition)", 0.0, 1.0)
        .add("rate", &C::rate, "", "normalised LMS learning rate of the forward model", 0.0, 1.9)
        .add("input_scale", &C::input_scale, "", "divides unbounded observation and action values (bounded ones are scaled by their half range)", 1e-6, 1e6)
        .add("wiring_seed", &C::wiring_seed, "", "seed of the random mossy-to-granule wiring; 0 = the agent's seed", 0,
             std::numeric_limits<int>::max());
    return s;
  }();
  return set;
}

constexpr const char* kInnerKey = "inner";
constexpr const char* kInnerPrefix = "inner.";
constexpr const char* kDefaultInner = "random";

// the observation the inner agent sees: the env's, the prediction and the prediction error. The env's
// named slices keep their names and offsets; their prediction and error are "predicted_<name>" and
// "prediction_error_<name>", n and 2n elements further
Space extended_space(const Space& obs) {
  const std::size_t n = obs.flat_size();
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> lo(3 * n, -inf), hi(3 * n, inf);
  if (obs.is_box())
    for (std::size_t i = 0; i < n; ++i) { lo[i] = obs.low()[i]; hi[i] = obs.high()[i]; }
  std::vector<ObsSlice> slices = obs.slices();
  for (const ObsSlice& s : obs.slices()) {
    slices.push_back({"predicted_" + s.name, n + s.offset, s.size, "the forward model's prediction of " + s.name});
    slices.push_back({"prediction_error_" + s.name, 2 * n + s.offset, s.size, "the sensory prediction error of " + s.name});
  }
  return Space::box(lo, hi, {static_cast<std::int64_t>(3 * n)}).with_slices(std::move(slices));
}

// the number of efference-copy channels of an action space
std::size_t action_size(const Space& act) { return act.is_discrete() ? static_cast<std::size_t>(act.n()) : act.flat_size(); }

// a scale per input: half the range of bounded elements, input_scale otherwise
std::vector<double> input_scales(const Space& obs, const Space& act, double fallback) {
  std::vector<double> s;
  auto add = [&](const Space& sp) {
    if (sp.is_discrete()) return;
    for (std::size_t i = 0; i < sp.flat_size(); ++i) {
      const double lo = sp.low()[i], hi = sp.high()[i];
      s.push_back(std::isfinite(lo) && std::isfinite(hi) && hi > lo ? 0.5 * (hi - lo) : fallback);
    }
  };
  if (obs.is_discrete()) s.push_back(std::max(1.0, static_cast<double>(obs.n()) / 2.0));
  else add(obs);
  if (act.is_discrete()) s.insert(s.end(), static_cast<std::size_t>(act.n()), 1.0);
  else add(act);
  return s;
}

class CerebellumWrapper final : public Agent {
 public:
  CerebellumWrapper(const Space& obs, const Space& act, const CerebellumWrapperConfig& c, std::string inner_id,
                    const KeyValues& inner_options, std::uint64_t seed)
      : Agent("cerebellum", obs, act, seed), cfg_(c), n_(obs.flat_size()), na_(action_size(act)),
        inner_id_(std::move(inner_id)),
        inner_(make_agent(inner_id_, extended_space(obs), act, inner_options, seed)),
        ext_(3 * n_, 0.0f), efference_(na_, 0.0f), scales_(input_scales(obs, act, c.input_scale)) {
    // each input is a push-pull pair of mossy fibres
    if (static_cast<std::size_t>(c.fan_in) > 2 * (n_ + na_))
      throw UsageError("cerebellum: fan_in = " + std::to_string(c.fan_in) + " exceeds the " + std::to_string(2 * (n_ + na_)) +
                       " mossy fibres of this env (2 per observation and action element)");
    build(c.wiring_seed != 0 ? static_cast<std::uint64_t>(c.wiring_seed) : seed);
  }

  void begin_episode() override {
    have_prediction_ = false;
    error_norm_ = 0.0;
    inner_->set_training(training());
    inner_->begin_episode();
  }

  const Action& act(std::span<const float> obs) override {
    // at the first step of an episode there is no prediction yet: ô = o, ε = 0
    if (!have_prediction_) fill_extended(obs, obs);
    const Action& a = inner_->act(ext_);
    // efference copy of the chosen action, then the prediction of the next observation
    if (act_space_.is_discrete()) {
      std::fill(efference_.begin(), efference_.end(), 0.0f);
      efference_[static_cast<std::size_t>(a.index)] = 1.0f;
    } else {
      std::copy(a.values.begin(), a.values.end(), efference_.begin());
    }
    forward_->predict(obs, efference_);
    return a;
  }

  void observe(double reward, std::span<const float> next_obs, bool terminated, bool truncated) override {
    error_norm_ = forward_->update(next_obs, training());
    const Eigen::VectorXd& pred = forward_->prediction();
    for (std::size_t i = 0; i < n_; ++i) {
      ext_[i] = next_obs[i];
      ext_[n_ + i] = static_cast<float>(pred[static_cast<Eigen::Index>(i)]);
      ext_[2 * n_ + i] = next_obs[i] - static_cast<float>(pred[static_cast<Eigen::Index>(i)]);
    }
    have_prediction_ = true;
    inner_->observe(reward, ext_, terminated, truncated);
  }

  void trial_ended(std::string_view outcome) override { inner_->trial_ended(outcome); }
  void end_episode() override { inner_->end_episode(); }

  std::vector<std::string> signal_names() const override {
    std::vector<std::string> names = {"prediction_error", "prediction"};
    for (const auto& s : inner_->signal_names()) names.push_back(inner_id_ + "." + s);
    return names;
  }
  std::vector<Signal> introspect() const override {
    std::vector<Signal> out = {{"prediction_error", {static_cast<float>(error_norm_)}},
                               {"prediction", std::vector<float>(ext_.begin() + static_cast<std::ptrdiff_t>(n_),
                                                                 ext_.begin() + static_cast<std::ptrdiff_t>(2 * n_))}};
    for (auto& s : inner_->introspect()) out.push_back({inner_id_ + "." + s.name, std::move(s.values)});
    return out;
  }

 protected:
  void save_state(StateWriter& w) const override {
    w.u64(wiring_seed_);
    w.doubles({forward_->weights().data(), static_cast<std::size_t>(forward_->weights().size())});
    // the inner agent's own versioned, checksummed state, carried as bytes
    w.str(inner_->to_bytes());
  }
  void load_state(StateReader& r) override {
    const std::uint64_t wiring = r.u64();
    std::vector<double> wm;
    r.doubles(wm, static_cast<std::size_t>(forward_->weights().size()), "cerebellum forward-model weights");
    const std::string inner_bytes = r.str();
    // the inner agent first: it throws and stays unchanged on a bad file, before anything here changes
    inner_->from_bytes(inner_bytes, "cerebellum's inner agent " + inner_id_);
    if (wiring != wiring_seed_) build(wiring);
    std::copy(wm.begin(), wm.end(), forward_->weights().data());
  }

 private:
  void build(std::uint64_t wiring_seed) {
    wiring_seed_ = wiring_seed;
    Rng wiring(wiring_seed);
    forward_ = std::make_unique<learning::ForwardModel>(static_cast<int>(n_), static_cast<int>(na_), scales_,
                                                        cfg_.n_granule_cells, cfg_.fan_in, cfg_.granule_threshold, cfg_.rate,
                                                        wiring);
  }

  void fill_extended(std::span<const float> obs, std::span<const float> pred) {
    for (std::size_t i = 0; i < n_; ++i) {
      ext_[i] = obs[i];
      ext_[n_ + i] = pred[i];
      ext_[2 * n_ + i] = obs[i] - pred[i];
    }
  }

  CerebellumWrapperConfig cfg_;
  std::size_t n_, na_;
  std::string inner_id_;
  std::unique_ptr<Agent> inner_;
  std::vector<float> ext_, efference_;
  std::vector<double> scales_;
  std::unique_ptr<learning::ForwardModel> forward_;
  std::uint64_t wiring_seed_ = 0;
  bool have_prediction_ = false;
  double error_norm_ = 0.0;
};

}  // namespace

AgentEntry cerebellum_entry() {
  std::vector<OptionDoc> docs = options().docs();
  docs.push_back({kInnerKey, "string", kDefaultInner, "", "agent id",
                  "the wrapped agent; it sees [observation, prediction, prediction error]. Its options: inner.<key>=<value>"});
  return {"cerebellum",
          "forward-model wrapper: a cerebellar forward model predicts the next observation from the efference copy; "
          "the wrapped agent (inner=ID) sees the observation, the prediction and the prediction error",
          "any observation (flattened) and any action space the inner agent handles (extended to 3x the observation)",
          docs,
          [](const Space& obs, const Space& act) -> std::string {
            // the default inner agent handles any space; another inner agent is checked when built
            if (obs.flat_size() == 0) return "needs a non-empty observation";
            (void)act;
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            // take inner and inner.* out, validate the rest with the option set
            KeyValues own, inner_opts;
            std::string inner = kDefaultInner;
            const std::string prefix = kInnerPrefix;
            for (const auto& [k, v] : kv) {
              if (k == kInnerKey) inner = v;
              else if (k.rfind(prefix, 0) == 0) inner_opts.emplace_back(k.substr(prefix.size()), v);
              else own.emplace_back(k, v);
            }
            if (inner == "cerebellum") throw UsageError("cerebellum: option inner = \"cerebellum\": a wrapper cannot wrap itself");
            return std::make_unique<CerebellumWrapper>(obs, act, options().parse(own), inner, inner_opts, seed);
          }};
}

}  // namespace sgym
