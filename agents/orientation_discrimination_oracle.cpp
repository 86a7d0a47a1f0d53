// orientation-discrimination-oracle: a scripted subject for OrientationDiscrimination-v0 that proves
// the task is solvable from the observation alone. It knows the reference (an option, as a trained
// monkey knows it) and which slice is the trained location, and remembers within a trial only the
// summed population vector (in doubled-angle space, orientation having period 180°) of the trained
// location's units while the fixation point is on. When the fixation point goes off it decodes the
// orientation and reports clockwise (below the reference) or anticlockwise (above).
#include <cmath>
#include <limits>

#include "population_vector.hpp"
#include "sgym/agents.hpp"

namespace sgym {
namespace {

struct OdOracleConfig {
  double reference_deg = 45.0;  // the trained reference orientation (env default)
};

const OptionSet<OdOracleConfig>& options() {
  static const OptionSet<OdOracleConfig> set = [] {
    OptionSet<OdOracleConfig> s("orientation-discrimination-oracle");
    s.add("reference_deg", &OdOracleConfig::reference_deg, "deg", "reference orientation the subject knows (set it to the env's reference_deg)", 0.0, 180.0);
    return s;
  }();
  return set;
}

class OrientationDiscriminationOracle final : public Agent {
 public:
  static constexpr int kFixate = 0, kClockwise = 1, kAnticlockwise = 2;

  OrientationDiscriminationOracle(const Space& obs, const Space& act, const OdOracleConfig& c, std::uint64_t seed)
      : Agent("orientation-discrimination-oracle", obs, act, seed), cfg_(c), action_(Action::discrete(kFixate)),
        fixation_(obs.slice("fixation", 1, "orientation-discrimination-oracle").offset),
        trained_at_(obs.slice("trained_location", 0, "orientation-discrimination-oracle")),
        trained_(static_cast<int>(trained_at_.size), 180.0) {}

  void begin_episode() override { forget(); }

  const Action& act(std::span<const float> obs) override {
    const bool fixation_on = obs[fixation_] > 0.5f;
    action_.index = kFixate;
    if (fixation_on) {
      if (responded_) forget();  // the fixation point is back: a new trial
      trained_.add(obs.subspan(trained_at_.offset, trained_at_.size));  // unit i prefers 180·i/n degrees
      return action_;
    }
    // relative orientation in (-90, 90]: positive = anticlockwise of the reference
    double rel = std::fmod(trained_.decoded_deg() - cfg_.reference_deg + 270.0, 180.0) - 90.0;
    action_.index = rel > 0.0 ? kAnticlockwise : kClockwise;
    responded_ = true;
    return action_;
  }

  void observe(double, std::span<const float>, bool, bool) override {}

  std::vector<std::string> signal_names() const override { return {"decoded_deg"}; }
  std::vector<Signal> introspect() const override { return {{"decoded_deg", {static_cast<float>(trained_.decoded_deg())}}}; }

 private:
  void forget() {
    trained_.clear();
    responded_ = false;
  }

  OdOracleConfig cfg_;
  Action action_;
  std::size_t fixation_;   // the observation's fixation input
  ObsSlice trained_at_;    // and its trained-location units
  PopulationVector trained_;  // summed population vector of the trained location while fixating
  bool responded_ = false;
};

}  // namespace

AgentEntry orientation_discrimination_oracle_entry() {
  return {"orientation-discrimination-oracle",
          "scripted subject for OrientationDiscrimination-v0: decodes the trained-location grating, compares it with 45°",
          "Box observation [fixation in [0, 1], two equal unbounded populations] and Discrete(3) actions "
          "{fixate, clockwise, anticlockwise} (OrientationDiscrimination-v0)",
          options().docs(),
          [](const Space& obs, const Space& act) -> std::string {
            const float inf = std::numeric_limits<float>::infinity();
            if (!obs.is_box()) return "needs OrientationDiscrimination-v0's Box observation";
            if (std::string why = obs.why_no_slices({{"fixation", 1}, {"trained_location", 0}, {"other_location", 0}}); !why.empty())
              return "needs OrientationDiscrimination-v0's observation slices fixation, trained_location and other_location: " + why;
            const ObsSlice& f = *obs.find_slice("fixation");
            const ObsSlice& t = *obs.find_slice("trained_location");
            if (t.size < 3 || obs.find_slice("other_location")->size != t.size)
              return "needs two equal populations of >= 3 units (trained_location, other_location)";
            if (obs.low()[f.offset] != 0.0f || obs.high()[f.offset] != 1.0f || obs.low()[t.offset] != -inf)
              return "needs OrientationDiscrimination-v0's layout: a fixation input in [0, 1], unbounded (noisy) units";
            if (!act.is_discrete() || act.n() != 3) return "needs Discrete(3) actions {fixate, clockwise, anticlockwise}";
            return "";
          },
          [](const Space& obs, const Space& act, const KeyValues& kv, std::uint64_t seed) -> std::unique_ptr<Agent> {
            return std::make_unique<OrientationDiscriminationOracle>(obs, act, options().parse(kv), seed);
          },
          {"OrientationDiscrimination-v0"}};
}

}  // namespace sgym
