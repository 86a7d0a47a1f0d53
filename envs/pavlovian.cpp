// Pavlovian-v0: classical (Pavlovian) delay conditioning, the paradigm behind the dopamine
// reward-prediction-error account (Schultz, Dayan & Montague 1997, Science 275:1593).
//
// A trial is one episode: a conditioned stimulus (CS) appears at a fixed time and a reward (US)
// follows after a fixed delay. The state is a complete serial compound (CSC, a tapped delay line):
// element k is 1 exactly k steps after CS onset, so every moment after the CS has its own feature and
// nothing before the CS predicts it. With this state a TD critic's error moves over training from
// the reward to the CS, and dips below zero at the time of an omitted reward (Montague, Dayan &
// Sejnowski 1996, J Neurosci 16:1936; Schultz et al. 1997, Fig. 1 and the model figure).
//
// Probe trials test what was learned: omission (CS, no reward) and unexpected reward (reward, no CS).
// The env has no choices: its action space is Discrete(1).
#include <cmath>

#include "common/trial.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym {
namespace {

/// Every option, its default and unit.
struct PavlovianConfig {
  double dt_ms = 100.0;            // simulation step
  double trial_ms = 3000.0;        // trial length; the trial is one episode
  double cs_onset_ms = 1000.0;     // CS onset after trial start (>= one step, so it is unpredicted)
  double reward_delay_ms = 1000.0; // CS onset to reward; 1 s as in Schultz et al. 1997 Fig. 1
                                   // (light CS, juice 1 s later) [unverified]
  double us_reward = 1.0;          // reward magnitude delivered at the US
  double omission_prob = 0.0;      // probability that a CS trial's reward is withheld
  double unexpected_prob = 0.0;    // probability of a free reward with no CS
  int probe_every = 0;             // every k-th trial (k, 2k, ...) is a probe; 0 = no probes
  std::string probe = "omission";  // probe kind: omission (CS, no reward) or unexpected (reward, no CS)
};

const OptionSet<PavlovianConfig>& options() {
  static const OptionSet<PavlovianConfig> set = [] {
    OptionSet<PavlovianConfig> s("Pavlovian-v0");
    s.add("dt_ms", &PavlovianConfig::dt_ms, "ms", "simulation step", 1.0, 10000.0)
        .add("trial_ms", &PavlovianConfig::trial_ms, "ms", "trial length (one trial per episode)", 1.0, 600000.0)
        .add("cs_onset_ms", &PavlovianConfig::cs_onset_ms, "ms", "CS onset after trial start; at least one step so the CS is unpredicted", 0.0, 600000.0)
        .add("reward_delay_ms", &PavlovianConfig::reward_delay_ms, "ms", "CS onset to reward; 1 s as in Schultz, Dayan & Montague 1997 Fig. 1", 0.0, 600000.0)
        .add("us_reward", &PavlovianConfig::us_reward, "", "reward magnitude at the US", -100.0, 100.0)
        .deprecated_alias("reward")
        .add("omission_prob", &PavlovianConfig::omission_prob, "", "probability that a CS trial's reward is withheld", 0.0, 1.0)
        .add("unexpected_prob", &PavlovianConfig::unexpected_prob, "", "probability of a free reward without CS", 0.0, 1.0)
        .add("probe_every", &PavlovianConfig::probe_every, "trials", "every k-th trial is a probe (0 = none)", 0, 1000000)
        .add_choice("probe", &PavlovianConfig::probe, {"omission", "unexpected"}, "probe kind: omission (CS, no reward) or unexpected (reward, no CS)");
    return s;
  }();
  return set;
}

class Pavlovian final : public Env {
 public:
  static constexpr const char* kEpochs[] = {"pre_cs", "cs", "delay", "us", "post_us"};

  Pavlovian(const PavlovianConfig& c, int trial_steps, int cs_step, int us_step)
      : Env(make_spec(c, trial_steps, cs_step), Space::box(0.0f, 1.0f, {trial_steps - cs_step}),
            Space::discrete(1)),
        cfg_(c), trial_steps_(trial_steps), cs_step_(cs_step), us_step_(us_step) {}

  static EnvSpec make_spec(const PavlovianConfig& c, int trial_steps, int cs_step) {
    EnvSpec s;
    s.id = "Pavlovian-v0";
    s.max_episode_steps = trial_steps;
    s.dt_ms = c.dt_ms;
    s.reward_min = std::min(0.0, c.us_reward);
    s.reward_max = std::max(0.0, c.us_reward);
    s.render_fps = 1000.0 / c.dt_ms;
    s.deterministic = c.omission_prob == 0.0 && c.unexpected_prob == 0.0;
    s.trial_based = true;
    s.epochs.assign(std::begin(kEpochs), std::end(kEpochs));
    s.obs_layout = {{"csc", 0, static_cast<std::size_t>(trial_steps - cs_step),
                     "complete serial compound: element k is 1 exactly k steps after CS onset"}};
    s.source = "Schultz, Dayan & Montague 1997, Science 275:1593 (delay conditioning; CSC state as in "
               "Montague, Dayan & Sejnowski 1996, J Neurosci 16:1936)";
    return s;
  }

  void draw(DrawList& out) const override {
    // a timeline: CS lamp, reward drop and the current moment
    const float T = static_cast<float>(trial_steps_);
    out.camera = {-1.0f, -1.0f, T + 1.0f, 4.0f};
    out.background = {20, 20, 28, 255};
    out.lines.push_back({{0, 0}, {T, 0}, {160, 160, 160, 255}, 0.05f});
    const bool cs_on = has_cs_ && t_ >= cs_step_ && t_ < us_step_;
    out.circles.push_back({{static_cast<float>(cs_step_), 2.0f}, 0.6f,
                           cs_on ? Color{255, 220, 60, 255} : Color{70, 60, 30, 255}, {200, 200, 200, 255}, 0.05f});
    const bool us_now = rewarded_ && t_ == us_step_;
    out.circles.push_back({{static_cast<float>(us_step_), 2.0f}, 0.6f,
                           us_now ? Color{80, 160, 255, 255} : Color{30, 50, 80, 255}, {200, 200, 200, 255}, 0.05f});
    out.lines.push_back({{static_cast<float>(t_), -0.5f}, {static_cast<float>(t_), 3.0f}, {255, 255, 255, 255}, 0.08f});
    out.texts.push_back({{0.0f, 3.4f}, "CS", 0.4f, {255, 220, 60, 255}});
    out.texts.push_back({{static_cast<float>(us_step_), 3.4f}, "US", 0.4f, {80, 160, 255, 255}});
    out.texts.push_back({{0.0f, -0.9f}, condition_ + "  t=" + std::to_string(t_), 0.4f, {220, 220, 220, 255}});
  }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override {
    if (seed) trial_ = 0;  // a reseed restarts the probe schedule with the stream
    ++trial_;
    // draw the trial type: random omission/unexpected draws are made only when enabled, so the
    // deterministic default configuration consumes no random numbers
    const bool probe = cfg_.probe_every > 0 && trial_ % cfg_.probe_every == 0;
    bool unexpected = probe && cfg_.probe == "unexpected";
    if (!probe && cfg_.unexpected_prob > 0.0) unexpected = rng_.bernoulli(cfg_.unexpected_prob);
    bool omitted = probe && cfg_.probe == "omission";
    if (!probe && !unexpected && cfg_.omission_prob > 0.0) omitted = rng_.bernoulli(cfg_.omission_prob);
    has_cs_ = !unexpected;
    rewarded_ = !omitted;
    condition_ = unexpected ? "unexpected" : (omitted ? "omission" : "normal");
    t_ = 0;
    fill(0.0);
    return reset_result();
  }

  StepResult do_step(const Action&) override {
    ++t_;
    const double r = (t_ == us_step_ && rewarded_) ? cfg_.us_reward : 0.0;
    fill(r);
    return step_result(r, t_ >= trial_steps_);
  }

 private:
  // observation and info for the current time t_
  void fill(double reward) {
    std::fill(obs_.begin(), obs_.end(), 0.0f);
    const int k = t_ - cs_step_;
    if (has_cs_ && k >= 0 && k < static_cast<int>(obs_.size())) obs_[k] = 1.0f;
    const char* epoch = t_ < cs_step_ ? "pre_cs" : t_ == cs_step_ ? "cs" : t_ < us_step_ ? "delay"
                      : t_ == us_step_ ? "us" : "post_us";
    info_.set(f_.epoch, epoch);
    info_.set(f_.ground_truth, -1);
    info_.set(f_.trial, trial_);
    info_.set(f_.condition, condition_);
    info_.set(f_.t, t_);
    info_.set(f_.cs_step, cs_step_);
    info_.set(f_.us_step, us_step_);
    info_.set(f_.cs, has_cs_ && t_ == cs_step_);
    info_.set(f_.us, rewarded_ && t_ == us_step_ && reward != 0.0);
    const bool end = t_ >= trial_steps_;
    info_.set(f_.outcome, end ? (rewarded_ ? "rewarded" : "unrewarded") : "");
  }

  // the info fields, declared once in the order they are written (the outcome last)
  struct Fields {
    explicit Fields(Info& i)
        : epoch(i.declare<std::string>(info_keys::kEpoch)), ground_truth(i.declare<std::int64_t>(info_keys::kGroundTruth)),
          trial(i.declare<std::int64_t>(info_keys::kTrial)), condition(i.declare<std::string>("condition")),
          t(i.declare<std::int64_t>("t")), cs_step(i.declare<std::int64_t>("cs_step")),
          us_step(i.declare<std::int64_t>("us_step")), cs(i.declare<bool>("cs")), us(i.declare<bool>("us")),
          outcome(i.declare<std::string>(info_keys::kTrialOutcome)) {}
    InfoField<std::string> epoch;
    InfoField<std::int64_t> ground_truth, trial;
    InfoField<std::string> condition;
    InfoField<std::int64_t> t, cs_step, us_step;
    InfoField<bool> cs, us;
    InfoField<std::string> outcome;
  };

  PavlovianConfig cfg_;
  Fields f_{info_};
  int trial_steps_, cs_step_, us_step_;
  int t_ = 0;
  std::int64_t trial_ = 0;
  bool has_cs_ = true, rewarded_ = true;
  std::string condition_ = "normal";
};

std::unique_ptr<Env> make(const KeyValues& kv) {
  const PavlovianConfig c = options().parse(kv);
  const int trial = trial::steps_of("Pavlovian-v0", "trial_ms", c.trial_ms, c.dt_ms);
  const int cs = trial::steps_of("Pavlovian-v0", "cs_onset_ms", c.cs_onset_ms, c.dt_ms);
  const int delay = trial::steps_of("Pavlovian-v0", "reward_delay_ms", c.reward_delay_ms, c.dt_ms);
  if (cs < 1)
    throw UsageError("Pavlovian-v0: cs_onset_ms must be at least one step (dt_ms = " +
                     format_number(c.dt_ms) + ") so that the CS is not predicted, got " + format_number(c.cs_onset_ms));
  if (delay < 1)
    throw UsageError("Pavlovian-v0: reward_delay_ms must be at least one step, got " + format_number(c.reward_delay_ms));
  if (cs + delay >= trial)
    throw UsageError("Pavlovian-v0: the reward (cs_onset_ms + reward_delay_ms = " +
                     format_number(c.cs_onset_ms + c.reward_delay_ms) + " ms) must come before the trial ends (trial_ms = " +
                     format_number(c.trial_ms) + " ms)");
  return std::make_unique<Pavlovian>(c, trial, cs, cs + delay);
}

}  // namespace

EnvEntry pavlovian_entry() {
  return {"Pavlovian-v0",
          "Pavlovian delay conditioning: CS then reward, CSC state; omission and unexpected-reward probes",
          Pavlovian::make_spec(PavlovianConfig{}, 30, 10).source,
          options().docs(),
          make,
          {{{"omission_prob", "0.3"}, {"unexpected_prob", "0.1"}}, {{"probe_every", "4"}}}};
}

}  // namespace sgym
