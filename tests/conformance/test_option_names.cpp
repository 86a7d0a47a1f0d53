// Every option of every registered env and agent follows the vocabulary of docs/vocabulary.md: lower
// snake case, the unit as a suffix, counts as n_<things>, rewards as <event>_reward, noise as
// <what>_sd and node or weight perturbation as perturbation_sd, epoch durations as <epoch>_ms with one
// spelling per kind of epoch, British spelling. An option that does not is listed below with its reason, or marked
// "pending rename" with the name it is to get; an entry that no longer matches a violation fails, so
// the list shrinks as renames land.
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "experiment.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"

using namespace sgym;

namespace {

std::vector<std::string> tokens(const std::string& key) {
  std::vector<std::string> out;
  std::stringstream ss(key);
  std::string t;
  while (std::getline(ss, t, '_')) out.push_back(t);
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// the unit column of a numeric option -> the suffix its name must end with
const std::map<std::string, std::string> kUnitSuffix = {
    {"ms", "_ms"}, {"s", "_s"}, {"deg", "_deg"}, {"rad", "_rad"}, {"Hz", "_hz"},
    {"m", "_m"},   {"pixels", "_px"}, {"px", "_px"}, {"steps", "_steps"},
};
// units that count things: an int option in one of them is a count, named n_<things>
const std::set<std::string> kCountUnits = {"units", "cells", "curves", "locations", "iterations", "cues", "targets"};
// plural nouns that make an int option a count whatever its unit column says
const std::set<std::string> kCountNouns = {"units", "cells", "bins", "curves", "cues", "locations", "iterations",
                                           "features", "directions", "targets", "bumps", "neurons", "distractors",
                                           "responses", "levels", "reversals", "neighbours"};
// nouns of an arrangement whose int size is a count of its elements: the units along one side of a
// grid are n_<things>_per_axis (a grid's side as a length is grid_px)
const std::set<std::string> kArrangementNouns = {"grid", "lattice", "side", "axis"};
// epochs: the duration of an epoch is <epoch>_ms with one spelling per kind of epoch, whatever the
// env's own epoch label (info "epoch") says; spelling -> the option's name
const std::map<std::string, std::string> kEpochSpellings = {
    {"fixate", "fixation_ms"}, {"fix", "fixation_ms"}, {"fixating", "fixation_ms"},
    {"respond", "response_ms"}, {"go", "response_ms"}, {"report", "response_ms"}, {"choice", "response_ms"},
    {"resp", "response_ms"},
};
// an _ms option whose description opens with one of these times that kind of epoch
const std::vector<std::pair<std::regex, std::string>> kEpochDocs = {
    {std::regex("^([a-z]+ )?fixation (epoch|before|period)\\b", std::regex::icase), "fixation_ms"},
    {std::regex("^([a-z]+ )?(response|report|choice) (window|epoch|period)\\b", std::regex::icase), "response_ms"},
};
// tokens the vocabulary replaces: token -> what to use instead
const std::map<std::string, std::string> kBannedTokens = {
    {"penalty", "<event>_reward (signed: a penalty is a negative reward)"},
    {"sigma", "<what>_sd (noise_sd, perturbation_sd)"},
    {"std", "<what>_sd"}, {"stdev", "<what>_sd"},
    {"normalized", "normalise"}, {"normalize", "normalise"}, {"normalization", "normalisation"},
    {"initialize", "initialise"}, {"initialized", "initialised"},
    {"neighbor", "neighbour"}, {"neighbors", "neighbours"}, {"color", "colour"}, {"center", "centre"},
    {"behavior", "behaviour"},
    {"num", "n_<things>"}, {"nb", "n_<things>"}, {"count", "n_<things>"},
    {"sec", "_s or _ms"}, {"secs", "_s or _ms"}, {"seconds", "_s or _ms"}, {"msec", "_ms"},
    {"degrees", "_deg"}, {"radians", "_rad"}, {"pixels", "_px"}, {"hertz", "_hz"},
};
// whole names the vocabulary replaces
const std::map<std::string, std::string> kBannedNames = {
    {"reward", "<event>_reward (correct_reward, us_reward, ...)"},
    {"units", "n_units"},
    {"noise", "noise_sd"},
    {"weight_range", "init_range"},
};

// why `d` breaks the vocabulary ("" when it does not)
std::string violation(const OptionDoc& d) {
  const std::string& k = d.key;
  static const std::regex snake("^[a-z][a-z0-9]*(_[a-z0-9]+)*$");
  if (!std::regex_match(k, snake)) return "not lower snake case";
  if (auto it = kBannedNames.find(k); it != kBannedNames.end()) return "name '" + k + "': use " + it->second;
  const auto t = tokens(k);
  for (const auto& tok : t)
    if (auto it = kBannedTokens.find(tok); it != kBannedTokens.end()) return "word '" + tok + "': use " + it->second;
  // rewards: <event>_reward, or reward_<...>_<time unit> for the timing of the reward event
  if (std::find(t.begin(), t.end(), "reward") != t.end()) {
    const bool event_reward = t.back() == "reward" && t.size() >= 2 && t.front() != "final" && t.front() != "end";
    const bool reward_timing = t.front() == "reward" && (ends_with(k, "_ms") || ends_with(k, "_s"));
    if (!event_reward && !reward_timing) return "a reward is named <event>_reward";
  }
  // noise: <what>_sd; node or weight perturbation (noise a learning rule correlates with the reward) is
  // perturbation_sd, and its description says "perturbation"
  if (t.back() == "noise") return "noise is named by its sd: <what>_noise_sd or noise_sd";
  if (t.back() == "sd" && d.doc.find("perturbation") != std::string::npos && !ends_with(k, "perturbation_sd"))
    return "the description says perturbation: node or weight perturbation is perturbation_sd, noise_sd is noise no rule learns from";
  if (ends_with(k, "perturbation_sd") && d.doc.find("perturbation") == std::string::npos)
    return "perturbation_sd is node or weight perturbation, and its description says so; other noise is <what>_sd";
  // epoch durations: one spelling per kind of epoch
  if (ends_with(k, "_ms")) {
    for (const auto& tok : t)
      if (auto it = kEpochSpellings.find(tok); it != kEpochSpellings.end() && k != it->second)
        return "epoch '" + tok + "': its duration is " + it->second;
    for (const auto& [re, name] : kEpochDocs)
      if (std::regex_search(d.doc, re) && k != name) return "the description times that epoch: its duration is " + name;
  }
  const bool numeric = d.type == "float" || d.type == "int";
  if (numeric) {
    if (auto it = kUnitSuffix.find(d.unit); it != kUnitSuffix.end() && !ends_with(k, it->second))
      return "unit " + d.unit + ": the name ends in " + it->second;
    if (d.unit == "trials" && !ends_with(k, "_trials") && !starts_with(k, "trials_per_") && !ends_with(k, "_every"))
      return "unit trials: the name ends in _trials or _every, or reads trials_per_<x>";
    const bool count = d.type == "int" && (kCountUnits.count(d.unit) > 0 || kCountNouns.count(t.back()) > 0 ||
                                           kArrangementNouns.count(t.back()) > 0);
    if (count && !starts_with(k, "n_")) return "a count is named n_<things>";
  }
  // a unit suffix must agree with the unit column
  for (const auto& [unit, suffix] : kUnitSuffix)
    if (ends_with(k, suffix) && numeric && d.unit != unit && !(suffix == "_px" && d.unit == "pixels") &&
        !(suffix == "_px" && d.unit == "px"))
      return "suffix " + suffix + " but unit column '" + d.unit + "'";
  // per-step quantities only where the source fixes them per step (listed below with it)
  if (ends_with(k, "_steps")) return "a per-step quantity: a time is _ms unless its source fixes it per step";
  return "";
}

struct Exemption {
  std::string owner, key, reason;
};

// Options that break a rule, each with its reason. "pending rename -> X": the vocabulary's name is X,
// and the rename (with the old name kept as a deprecated alias) waits for its file to be free.
const std::vector<Exemption> kExemptions = {
    // _steps where the source fixes the quantity per step
    {"SaccadeAntisaccade-v0", "blank_steps", "per-step by source: the AuGMEnT task counts abstract time steps (Rombouts et al. 2015; ReScience replication), no durations are published"},
    {"SaccadeAntisaccade-v0", "max_wait_steps", "per-step by source (as blank_steps)"},
    {"SaccadeAntisaccade-v0", "hold_steps", "per-step by source (as blank_steps)"},
    {"SaccadeAntisaccade-v0", "cue_steps", "per-step by source (as blank_steps)"},
    {"SaccadeAntisaccade-v0", "delay_steps", "per-step by source (as blank_steps)"},
    {"SaccadeAntisaccade-v0", "max_go_steps", "per-step by source (as blank_steps)"},
    {"experiment bg-cerebellum-walker", "delays_steps", "per-step by design: ObservationDelay(D) holds whole env steps back (the agent is told feedback_delay_ms = D x dt)"},
    {"bg-cerebellum-walker", "segment_steps", "per-step by design: the learner's update segment counts env steps of BipedalWalker's fixed 50 Hz step"},
    // names from the source's literature
    {"ArmReach-v0", "l1", "the symbol of Shadmehr & Mussa-Ivaldi 1994 Table 1: the arm's parameters keep the table's names (m1, i1, ... likewise), the unit is in the unit column"},
    {"ArmReach-v0", "l2", "the symbol of Shadmehr & Mussa-Ivaldi 1994 Table 1: the arm's parameters keep the table's names (m1, i1, ... likewise), the unit is in the unit column"},
    {"ArmReach-v0", "r1", "the symbol of Shadmehr & Mussa-Ivaldi 1994 Table 1: the arm's parameters keep the table's names (m1, i1, ... likewise), the unit is in the unit column"},
    {"ArmReach-v0", "r2", "the symbol of Shadmehr & Mussa-Ivaldi 1994 Table 1: the arm's parameters keep the table's names (m1, i1, ... likewise), the unit is in the unit column"},
    {"inverse-dynamics", "l1", "the symbol of Shadmehr & Mussa-Ivaldi 1994 Table 1: the arm's parameters keep the table's names (m1, i1, ... likewise), the unit is in the unit column"},
    {"inverse-dynamics", "l2", "the symbol of Shadmehr & Mussa-Ivaldi 1994 Table 1: the arm's parameters keep the table's names (m1, i1, ... likewise), the unit is in the unit column"},
    {"inverse-dynamics", "r1", "the symbol of Shadmehr & Mussa-Ivaldi 1994 Table 1: the arm's parameters keep the table's names (m1, i1, ... likewise), the unit is in the unit column"},
    {"inverse-dynamics", "r2", "the symbol of Shadmehr & Mussa-Ivaldi 1994 Table 1: the arm's parameters keep the table's names (m1, i1, ... likewise), the unit is in the unit column"},
    {"OrientationDiscrimination-v0", "staircase_down", "the n of Levitt's (1971) n-down/1-up staircase, named as in that literature"},
};

struct Owner {
  std::string id;
  const std::vector<OptionDoc>* options;
};

std::vector<Owner> owners() {
  std::vector<Owner> out;
  for (const EnvEntry& e : env_registry()) out.push_back({e.id, &e.options});
  for (const AgentEntry& a : agent_registry()) out.push_back({a.id, &a.options});
  // an experiment's parameters (sgym experiment NAME --set key=value) follow the same vocabulary
  for (const experiment::Entry& e : experiment::registry()) out.push_back({"experiment " + e.name, &e.params});
  return out;
}

const Exemption* exemption(const std::string& owner, const std::string& key) {
  for (const auto& x : kExemptions)
    if (x.owner == owner && x.key == key) return &x;
  return nullptr;
}

}  // namespace

TEST_CASE("Every option name follows the vocabulary (docs/vocabulary.md)", "[conformance][options]") {
  for (const Owner& o : owners())
    for (const OptionDoc& d : *o.options) {
      if (!d.replaced_by.empty()) {
        // a deprecated option kept with its own meaning (OptionSet::deprecated_for): its replacement
        // is a current option of the same owner, which the check covers
        INFO(o.id << ": option " << d.key << " is deprecated for " << d.replaced_by << ", which it does not have");
        bool found = false;
        for (const OptionDoc& r : *o.options) found = found || (r.key == d.replaced_by && r.replaced_by.empty());
        CHECK(found);
        continue;
      }
      const std::string why = violation(d);
      const Exemption* x = exemption(o.id, d.key);
      INFO(o.id << ": option " << d.key << " (" << d.type << ", unit '" << d.unit << "')");
      if (x != nullptr) {
        INFO("listed as an exemption (" << x->reason << ") but it follows the vocabulary: remove the entry");
        CHECK_FALSE(why.empty());
      } else {
        INFO(why << "; rename it (keeping the old name with OptionSet::deprecated_alias) or list it with its reason");
        CHECK(why.empty());
      }
      // former names are other names of this option, never another option's
      for (const auto& old_key : d.deprecated_names)
        for (const OptionDoc& other : *o.options) {
          INFO("former name " << old_key);
          CHECK(other.key != old_key);
        }
    }
}

TEST_CASE("An experiment's replicate count is n_seeds (docs/vocabulary.md)", "[conformance][options]") {
  for (const experiment::Entry& e : experiment::registry()) {
    int replicate_counts = 0;
    for (const OptionDoc& d : e.params)
      if (d.doc.find("mix_seed(seed, i)") != std::string::npos && d.replaced_by.empty()) {
        INFO("experiment " << e.name << ": parameter " << d.key << " counts the replicates (its description gives their seeds)");
        CHECK(d.key == "n_seeds");
        ++replicate_counts;
      }
    INFO("experiment " << e.name);
    CHECK(replicate_counts == 1);
  }
}

TEST_CASE("Every exemption names a registered option", "[conformance][options]") {
  const auto all = owners();
  for (const auto& x : kExemptions) {
    INFO(x.owner << ": " << x.key << " is listed as an exemption but no registered env or agent has it");
    bool found = false;
    for (const Owner& o : all)
      if (o.id == x.owner)
        for (const OptionDoc& d : *o.options) found = found || d.key == x.key;
    CHECK(found);
    CHECK_FALSE(x.reason.empty());
  }
}

TEST_CASE("The vocabulary check catches each kind of slip", "[conformance][options]") {
  auto why = [](std::string key, std::string type = "float", std::string unit = "") {
    return violation(OptionDoc{std::move(key), std::move(type), "0", std::move(unit), "", ""});
  };
  CHECK(why("dt_ms", "float", "ms").empty());
  CHECK(why("n_units", "int", "units").empty());
  CHECK(why("correct_reward").empty());
  CHECK(why("reward_delay_ms", "float", "ms").empty());
  CHECK(why("noise_sd").empty());
  CHECK(why("trials_per_episode", "int", "trials").empty());
  CHECK(why("probe_every", "int", "trials").empty());
  CHECK(why("normalise", "bool").empty());
  CHECK_FALSE(why("dtMs").empty());
  CHECK_FALSE(why("trial", "float", "ms").empty());        // unit without its suffix
  CHECK_FALSE(why("hip_swing", "float", "rad").empty());
  CHECK_FALSE(why("size_px", "float", "deg").empty());     // suffix and unit disagree
  CHECK_FALSE(why("units", "int", "units").empty());
  CHECK_FALSE(why("granule_cells", "int").empty());        // a count without n_
  CHECK_FALSE(why("abort_penalty").empty());
  CHECK_FALSE(why("final_reward").empty());
  CHECK_FALSE(why("reward_hit").empty());
  CHECK_FALSE(why("reward").empty());
  CHECK_FALSE(why("sigma").empty());
  CHECK_FALSE(why("input_noise").empty());
  CHECK_FALSE(why("normalized", "bool").empty());
  CHECK_FALSE(why("num_targets", "int").empty());
  CHECK_FALSE(why("delay_sec").empty());
  CHECK_FALSE(why("delay_steps", "int", "steps").empty());  // allowed only as a listed exemption
}

TEST_CASE("The vocabulary check catches counts, perturbations and epochs named otherwise", "[conformance][options]") {
  auto why = [](std::string key, std::string type, std::string unit, std::string doc) {
    return violation(OptionDoc{std::move(key), std::move(type), "0", std::move(unit), "", std::move(doc)});
  };
  // a count of units along a grid's side (cerebellar-reach's former state_grid)
  CHECK_FALSE(why("state_grid", "int", "", "Gaussian units per axis").empty());
  CHECK(why("n_state_units_per_axis", "int", "", "Gaussian units per axis").empty());
  CHECK(why("grid_px", "int", "pixels", "side of the square grid").empty());
  // node perturbation named as noise (np-actor-critic's former noise_sd)
  CHECK_FALSE(why("noise_sd", "float", "", "sd of the noise in each motor unit (node perturbation)").empty());
  CHECK_FALSE(why("exploration_sd", "float", "", "weight perturbation").empty());
  CHECK_FALSE(why("perturbation_sd", "float", "", "sd of the input noise").empty());
  CHECK(why("perturbation_sd", "float", "", "sd of the node perturbation").empty());
  CHECK(why("noise_sd", "float", "", "sd of the Gaussian noise on the feature units").empty());
  // epochs (CurveTracing's former fixate_ms)
  CHECK_FALSE(why("fixate_ms", "float", "ms", "the FP alone before the curves").empty());
  CHECK_FALSE(why("respond_ms", "float", "ms", "time to respond").empty());
  CHECK_FALSE(why("go_ms", "float", "ms", "time to saccade").empty());
  CHECK_FALSE(why("hold_ms", "float", "ms", "fixation before the curves appear").empty());
  CHECK_FALSE(why("window_ms", "float", "ms", "central fixation epoch").empty());
  CHECK_FALSE(why("saccade_ms", "float", "ms", "response window after the FP goes off").empty());
  CHECK(why("fixation_ms", "float", "ms", "fixation before the curves appear").empty());
  CHECK(why("response_ms", "float", "ms", "report window after the fixation point goes off").empty());
  CHECK(why("hold_ms", "float", "ms", "time the cursor must stay in the target").empty());
  CHECK(why("fixation_reward", "float", "", "shaping reward for holding fixation").empty());
}

namespace {

// "BCINeurofeedback-v0" -> "bci_neurofeedback", "ArmReach-v0" -> "arm_reach"
std::string env_file_stem(const std::string& id) {
  const std::string name = id.substr(0, id.rfind("-v"));
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool upper = c >= 'A' && c <= 'Z';
    const bool prev_lower = i > 0 && ((name[i - 1] >= 'a' && name[i - 1] <= 'z') || (name[i - 1] >= '0' && name[i - 1] <= '9'));
    const bool next_lower = i + 1 < name.size() && name[i + 1] >= 'a' && name[i + 1] <= 'z';
    const bool prev_upper = i > 0 && name[i - 1] >= 'A' && name[i - 1] <= 'Z';
    if (upper && i > 0 && (prev_lower || (prev_upper && next_lower))) out += '_';
    out += upper ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::string snake(std::string id) {
  std::replace(id.begin(), id.end(), '-', '_');
  return id;
}

}  // namespace

TEST_CASE("Every env and agent id lives in the file its name gives (docs/vocabulary.md)", "[conformance][options]") {
  namespace fs = std::filesystem;
  const fs::path src = SGYM_SOURCE_DIR;
  // one file registers variants of one env
  const std::map<std::string, std::string> env_variants = {{"BipedalWalkerHardcore-v3", "bipedal_walker"}};
  for (const EnvEntry& e : env_registry()) {
    const auto it = env_variants.find(e.id);
    const fs::path file = src / "envs" / ((it != env_variants.end() ? it->second : env_file_stem(e.id)) + ".cpp");
    INFO(e.id << " -> " << file);
    CHECK(fs::exists(file));
  }
  CHECK(env_file_stem("BCINeurofeedback-v0") == "bci_neurofeedback");
  for (const AgentEntry& a : agent_registry()) {
    std::string stem = snake(a.id);
    if (const auto s = a.id.find("-shortcut-"); s != std::string::npos) stem = snake(a.id.substr(0, s)) + "_shortcuts";
    const fs::path file = src / "agents" / (stem + ".cpp");
    INFO(a.id << " -> " << file);
    CHECK(fs::exists(file));
  }
}
