// Shortcut subjects of BCINeurofeedback-v0: scripted activity patterns that use no knowledge of
// which units are P+ or P− and no feedback. A calibrated task must keep each of them at its chance
// level (the fraction of baseline windows that reach the target, `chance` = 30 %), since the
// paradigm says only a differential change of P+ against P− should reach the target:
//   fixed-pattern   a fixed activity pattern (each unit drawn U(0, 1) once, from the seed), on every
//                   frame, baseline included;
//   noisy-pattern   the same fixed pattern plus independent Gaussian noise on every unit and frame
//                   (sd `noise_sd`, clipped to [0, 1]), baseline included: what a subject with
//                   spontaneous variability but no learning does; the calibration places its
//                   success rate at the chance level;
//   all-equal       every unit at the same level, the level drawn U(0, 1) anew on every frame (a
//                   non-specific gain change): P+ and P− move together, so the readout never moves.
// None of them reads the observation. They are registered as `bci-neurofeedback-shortcut-<name>`.
#include <algorithm>

#include "sgym/agents.hpp"

namespace sgym {
namespace {

enum class Kind { kFixed, kNoisy, kEqual };

struct ShortcutConfig {
  double noise_sd = 0.15;  // noisy-pattern: sd of the per-frame noise on each unit [choice]
};

const OptionSet<ShortcutConfig>& options(Kind k) {
  static const OptionSet<ShortcutConfig> none("bci-neurofeedback-shortcut");
  static const OptionSet<ShortcutConfig> noisy = [] {
    OptionSet<ShortcutConfig> s("bci-neurofeedback-shortcut-noisy-pattern");
    s.add("noise_sd", &ShortcutConfig::noise_sd, "", "sd of the independent Gaussian noise on each unit and frame (clipped to [0, 1]) [choice]", 0.0, 10.0);
    return s;
  }();
  return k == Kind::kNoisy ? noisy : none;
}

class BciShortcut final : public Agent {
 public:
  BciShortcut(const char* id, Kind kind, const ShortcutConfig& c, const Space& obs, const Space& act, std::uint64_t seed)
      : Agent(id, obs, act, seed), kind_(kind), cfg_(c), pattern_(act.flat_size()),
        action_(Action::box(std::vector<float>(act.flat_size(), 0.0f))) {
    for (float& p : pattern_) p = static_cast<float>(rng_.uniform());
  }

  const Action& act(std::span<const float>) override {
    auto& a = action_.values;
    switch (kind_) {
      case Kind::kFixed:
        a = pattern_;
        break;
      case Kind::kNoisy:
        for (std::size_t i = 0; i < a.size(); ++i)
          a[i] = static_cast<float>(std::clamp(pattern_[i] + cfg_.noise_sd * rng_.normal(), 0.0, 1.0));
        break;
      case Kind::kEqual:
        std::fill(a.begin(), a.end(), static_cast<float>(rng_.uniform()));
        break;
    }
    return action_;
  }
  void observe(double, std::span<const float>, bool, bool) override {}

 protected:
  // the fixed pattern is the subject's state (the rng is saved by the base class)
  void save_state(StateWriter& w) const override {
    const std::vector<double> p(pattern_.begin(), pattern_.end());
    w.doubles(p);
  }
  void load_state(StateReader& r) override {
    std::vector<double> p;
    r.doubles(p, pattern_.size(), "bci shortcut activity pattern");
    std::copy(p.begin(), p.end(), pattern_.begin());
  }

 private:
  Kind kind_;
  ShortcutConfig cfg_;
  std::vector<float> pattern_;
  Action action_;
};

AgentEntry entry(const char* id, Kind kind, const char* description) {
  return {id,
          description,
          "any observation (ignored); Box(0, 1, (N,)) activity action",
          options(kind).docs(),
          [](const Space&, const Space& act) -> std::string {
            if (!act.is_box() || act.shape().size() != 1) return "needs a 1-D Box action: the activity of its own units";
            for (std::size_t i = 0; i < act.flat_size(); ++i)
              if (act.low()[i] != 0.0f || act.high()[i] != 1.0f) return "needs unit activities bounded in [0, 1]";
            return "";
          },
          [id, kind](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            return std::make_unique<BciShortcut>(id, kind, options(kind).parse(kv), obs, act, seed);
          },
          {"BCINeurofeedback-v0"}};
}

}  // namespace

AgentEntry bci_neurofeedback_shortcut_fixed_pattern_entry() {
  return entry("bci-neurofeedback-shortcut-fixed-pattern", Kind::kFixed,
               "BCINeurofeedback-v0 shortcut: one fixed activity pattern on every frame (no feedback, no P+/P- knowledge)");
}
AgentEntry bci_neurofeedback_shortcut_noisy_pattern_entry() {
  return entry("bci-neurofeedback-shortcut-noisy-pattern", Kind::kNoisy,
               "BCINeurofeedback-v0 shortcut: a fixed activity pattern plus independent noise, baseline included (chance by calibration)");
}
AgentEntry bci_neurofeedback_shortcut_all_equal_entry() {
  return entry("bci-neurofeedback-shortcut-all-equal", Kind::kEqual,
               "BCINeurofeedback-v0 shortcut: all units at one common level that changes every frame (non-specific gain)");
}

}  // namespace sgym
