// Shortcut subjects of OrientationDiscrimination-v0 (docs/science.md). Each plays the task as the
// oracle does (fixates while the fixation point is on, reports when it goes off) but decides from
// what the paradigm says must not suffice:
//   untrained-location  the grating at the other (untrained, unattended) location: decodes its
//                       orientation and reports its side of the reference. The distractor's
//                       orientation is drawn independently of the answer, so this scores 50 %.
//   summed-activity     the overall activity (contrast, energy) at the trained location, not the
//                       orientation: anticlockwise iff the summed activity exceeds its mean over the
//                       trials before. Scores 50 % unless the stimulus's strength leaks its side.
#include "population_vector.hpp"
#include "shortcut.hpp"

namespace sgym {

AgentEntry orientation_discrimination_oracle_entry();

namespace {

struct OdShortcutConfig {
  double reference_deg = 45.0;  // the trained reference orientation (env default)
};

void add_options(OptionSet<OdShortcutConfig>& s) {
  s.add("reference_deg", &OdShortcutConfig::reference_deg, "deg", "reference orientation the subject knows (set it to the env's reference_deg)", 0.0, 180.0);
}

enum class Uses { kUntrainedLocation, kSummedActivity };

class OdShortcut final : public ShortcutSubject {
 public:
  static constexpr int kFixate = 0, kClockwise = 1, kAnticlockwise = 2;

  OdShortcut(const std::string& id, const Space& obs, const Space& act, const OdShortcutConfig& c, Uses uses,
             std::uint64_t seed)
      : ShortcutSubject(id, obs, act, seed), cfg_(c), uses_(uses), action_(Action::discrete(kFixate)),
        fixation_(obs.slice("fixation", 1, id).offset), trained_at_(obs.slice("trained_location", 0, id)),
        other_at_(obs.slice("other_location", 0, id)), other_(static_cast<int>(other_at_.size), 180.0) {}

  void begin_episode() override { forget(); }

  const Action& act(std::span<const float> obs) override {
    const bool fixation_on = obs[fixation_] > 0.5f;
    action_.index = kFixate;
    if (fixation_on) {
      if (responded_) forget();  // the fixation point is back: a new trial
      other_.add(obs.subspan(other_at_.offset, other_at_.size));
      for (std::size_t i = 0; i < trained_at_.size; ++i) energy_ += obs[trained_at_.offset + i];
      return action_;
    }
    bool anticlockwise = false;
    if (uses_ == Uses::kUntrainedLocation) {
      // relative orientation in (-90, 90]: positive = anticlockwise of the reference
      const double rel = std::fmod(other_.decoded_deg() - cfg_.reference_deg + 270.0, 180.0) - 90.0;
      anticlockwise = rel > 0.0;
    } else {
      anticlockwise = trials_ > 0 && energy_ > energy_sum_ / static_cast<double>(trials_);
      energy_sum_ += energy_;
      ++trials_;
    }
    action_.index = anticlockwise ? kAnticlockwise : kClockwise;
    responded_ = true;
    return action_;
  }

 protected:
  // the running reference is what the subject has learned about the stimulus's strength
  void save_state(StateWriter& w) const override {
    w.f64(energy_sum_);
    w.u64(static_cast<std::uint64_t>(trials_));
  }
  void load_state(StateReader& r) override {
    const double sum = r.f64();
    const auto trials = static_cast<long long>(r.u64());
    energy_sum_ = sum;
    trials_ = trials;
  }

 private:
  void forget() {
    other_.clear();
    energy_ = 0.0;
    responded_ = false;
  }

  OdShortcutConfig cfg_;
  Uses uses_;
  Action action_;
  std::size_t fixation_;             // the observation's fixation input
  ObsSlice trained_at_, other_at_;   // and its two populations
  PopulationVector other_;
  double energy_ = 0.0;      // summed trained-location activity this trial
  double energy_sum_ = 0.0;  // over the trials reported so far (the subject's running reference)
  long long trials_ = 0;
  bool responded_ = false;
};

}  // namespace

AgentEntry orientation_discrimination_shortcut_untrained_location_entry() {
  return shortcut_entry<OdShortcut>(orientation_discrimination_oracle_entry(), "untrained-location",
               "OrientationDiscrimination-v0 shortcut: judges the grating at the untrained location instead of the trained one; chance on a fair task",
               Uses::kUntrainedLocation, add_options);
}

AgentEntry orientation_discrimination_shortcut_summed_activity_entry() {
  return shortcut_entry<OdShortcut>(orientation_discrimination_oracle_entry(), "summed-activity",
               "OrientationDiscrimination-v0 shortcut: the trained location's overall activity (contrast), not its orientation; chance on a fair task",
               Uses::kSummedActivity, add_options);
}

}  // namespace sgym
