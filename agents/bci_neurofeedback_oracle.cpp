// bci-neurofeedback-oracle: a scripted solver of BCINeurofeedback-v0 that sees only the grating and
// the reward / black-screen flags. It cannot know which of its units are P+ or P−, so it finds out
// the way an experimenter would, by probing, within each trial and with no memory across trials:
//   frame 0: all units silent; the next frame's grating angle is the reference;
//   frame i: only unit i−1 active; if the next angle is larger than the reference the unit pushes the
//            grating towards 90° (P+), if smaller it pushes towards 0° (P−);
//   then:    every unit active except those found to be P−: mean(P+) = 1, mean(P−) = 0, c = 1.
// It needs a single unit to move the cursor across a bin edge. During the env's baseline block (a
// black screen) it is silent, so the calibration gives it the floor threshold, which one fully
// active P+ unit already crosses: it usually reaches 90° while probing, within N + 2 frames
// (64 + 2 ≈ 4.4 s at 15 Hz) at the latest.
// Its memory is the probe schedule and what it saw in this trial; a black screen clears it.
#include <cmath>

#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct BciNeurofeedbackOracleConfig {};

class BciNeurofeedbackOracle final : public Agent {
 public:
  BciNeurofeedbackOracle(const Space& obs, const Space& act, std::uint64_t seed)
      : Agent("bci-neurofeedback-oracle", obs, act, seed),
        grating_(obs.slice("grating", 0, "bci-neurofeedback-oracle").offset),
        m_(obs.slice("grating", 0, "bci-neurofeedback-oracle").size),
        black_(obs.slice("black_screen", 1, "bci-neurofeedback-oracle").offset),
        n_(static_cast<int>(act.flat_size())),
        sign_(static_cast<std::size_t>(n_), 0),
        action_(Action::box(std::vector<float>(static_cast<std::size_t>(n_), 0.0f))) {}

  void begin_episode() override { forget(); }

  const Action& act(std::span<const float> obs) override {
    auto& a = action_.values;
    // black screen: the trial is over, forget it
    if (obs[black_] > 0.5f) {
      forget();
      std::fill(a.begin(), a.end(), 0.0f);
      return action_;
    }
    const double angle = decode(obs);
    // read the outcome of the last probe
    if (probe_ == -1) ref_angle_ = angle;
    else if (probe_ >= 0 && probe_ < n_)
      sign_[static_cast<std::size_t>(probe_)] = angle > ref_angle_ + kTolDeg ? 1 : angle < ref_angle_ - kTolDeg ? -1 : 0;
    // next probe, or the solution once every unit has been probed
    ++probe_;
    std::fill(a.begin(), a.end(), 0.0f);
    if (probe_ == -1) return action_;
    if (probe_ < n_) {
      a[static_cast<std::size_t>(probe_)] = 1.0f;
      return action_;
    }
    probe_ = n_;
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = sign_[i] < 0 ? 0.0f : 1.0f;
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

 private:
  static constexpr double kTolDeg = 3.0;  // angle change that counts as a move (bins are 15° apart)

  void forget() {
    probe_ = -2;
    ref_angle_ = 0.0;
    std::fill(sign_.begin(), sign_.end(), 0);
  }

  // grating angle (deg, in [-45, 135)) from the orientation population: the population vector of
  // the doubled angles
  double decode(std::span<const float> obs) const {
    double s = 0, c = 0;
    for (std::size_t i = 0; i < m_; ++i) {
      const double phi = 2.0 * 3.141592653589793 * static_cast<double>(i) / static_cast<double>(m_);
      s += obs[grating_ + i] * std::sin(phi);
      c += obs[grating_ + i] * std::cos(phi);
    }
    double deg = 0.5 * std::atan2(s, c) * 180.0 / 3.141592653589793;
    if (deg < -45.0) deg += 180.0;
    return deg;
  }

  std::size_t grating_;          // the observation's grating units start here
  std::size_t m_;                // angle units
  std::size_t black_;            // the black-screen flag
  int n_;                        // own units
  int probe_ = -2;               // -2: nothing sent this trial; -1: reference sent; i: unit i probed
  double ref_angle_ = 0.0;       // angle with all units silent
  std::vector<int> sign_;        // +1 P+, -1 P-, 0 no effect, as found in this trial
  Action action_;
};

const OptionSet<BciNeurofeedbackOracleConfig>& options() {
  static const OptionSet<BciNeurofeedbackOracleConfig> set("bci-neurofeedback-oracle");
  return set;
}

}  // namespace

AgentEntry bci_neurofeedback_oracle_entry() {
  return {"bci-neurofeedback-oracle",
          "scripted BCINeurofeedback-v0 solver: finds its P+/P- units by probing one unit per frame, then drives P+ and silences P-",
          "1-D Box observation (orientation units + reward flag + black-screen flag); Box(0, 1, (N,)) activity action",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            if (!obs.is_box()) return "needs BCINeurofeedback-v0's Box observation";
            if (std::string why = obs.why_no_slices({{"grating", 0}, {"black_screen", 1}}); !why.empty())
              return "needs BCINeurofeedback-v0's observation slices grating and black_screen: " + why;
            if (obs.find_slice("grating")->size < 2) return "needs >= 2 grating units";
            if (!act.is_box() || act.shape().size() != 1 || act.flat_size() < 2)
              return "needs a 1-D Box action: the activity of its own units";
            for (std::size_t i = 0; i < act.flat_size(); ++i)
              if (act.low()[i] != 0.0f || act.high()[i] != 1.0f) return "needs unit activities bounded in [0, 1]";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            options().parse(kv);
            return std::make_unique<BciNeurofeedbackOracle>(obs, act, seed);
          },
          {"BCINeurofeedback-v0"}};
}

}  // namespace sgym
