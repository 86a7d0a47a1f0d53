// A topographic attention map: which sensory units lie at the location that each attention (gaze)
// action selects. Selecting such an action shifts attention there; the feedback from the selected
// action then reaches the sensory units at the attended location (A_i = 1) and not those at the
// other mapped locations (A_i = 0: their plasticity is suppressed); units outside every mapped
// location (fixation point, gaze, context) are not spatially selective and stay A_i = 1. Before any
// attention action in a trial no location is attended. This is the input-level form of the
// attention gate FB of equation 3 (Roelfsema & Holtmaat 2018, Nat Rev Neurosci 19:166:
// the gate "varies between zero (not attended) and one (fully attended)").
//
// Written as "action:first-last,action:first-last,...", input indices 0-based and inclusive, e.g.
// "1:4-6,2:7-9" for RedundantRelevantCue-v0 with 2 cues and 2 responses.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "sgym/error.hpp"

namespace sgym::learning {

/// Parsed attention map: one site per entry (the action that attends it and its input range).
class AttentionMap {
 public:
  /// Parses `spec` (empty = no map) for n_inputs sensory units and n_actions actions; throws
  /// UsageError naming `option` on a malformed entry, an index out of range or overlapping sites.
  AttentionMap(const std::string& spec, int n_inputs, int n_actions, const std::string& option) {
    if (!spec.empty() && spec.back() == ',') fail(option, spec, "it ends with ','");
    std::size_t pos = 0;
    while (pos < spec.size()) {
      const std::size_t end = std::min(spec.find(',', pos), spec.size());
      const std::string item = spec.substr(pos, end - pos);
      Site s{};
      char c1 = 0, c2 = 0;
      int used = 0;
      // digits, one ':' and one '-' only (sscanf alone would take signs, spaces and an empty entry)
      if (item.empty() || item.find_first_not_of("0123456789:-") != std::string::npos ||
          std::sscanf(item.c_str(), "%d%c%d%c%d%n", &s.action, &c1, &s.first, &c2, &s.last, &used) != 5 || c1 != ':' ||
          c2 != '-' || used != static_cast<int>(item.size()))
        fail(option, spec, "entry '" + item + "' is not action:first-last");
      if (s.action < 0 || s.action >= n_actions)
        fail(option, spec, "action " + std::to_string(s.action) + " is outside [0, " + std::to_string(n_actions - 1) + "]");
      if (s.first < 0 || s.last < s.first || s.last >= n_inputs)
        fail(option, spec, "input range " + std::to_string(s.first) + "-" + std::to_string(s.last) +
                               " is not within [0, " + std::to_string(n_inputs - 1) + "] with first <= last");
      for (const Site& o : sites_)
        if (o.action == s.action || (s.first <= o.last && o.first <= s.last))
          fail(option, spec, "sites must have distinct actions and disjoint input ranges");
      sites_.push_back(s);
      pos = end + 1;
    }
  }

  bool empty() const { return sites_.empty(); }

  /// True when input `i` lies at one of the mapped locations.
  bool mapped(int i) const {
    return std::any_of(sites_.begin(), sites_.end(), [&](const Site& s) { return i >= s.first && i <= s.last; });
  }

  /// The site that action `a` attends, or -1 if `a` is not an attention action.
  int site_of(std::int64_t a) const {
    for (std::size_t k = 0; k < sites_.size(); ++k)
      if (sites_[k].action == a) return static_cast<int>(k);
    return -1;
  }

  /// Writes A_i for attended site `site` (-1 = none attended) into `gate` (one value per input).
  template <typename Vec>
  void fill(int site, Vec& gate) const {
    gate.setOnes();
    for (std::size_t k = 0; k < sites_.size(); ++k)
      if (static_cast<int>(k) != site)
        for (int i = sites_[k].first; i <= sites_[k].last; ++i) gate(i) = 0.0;
  }

 private:
  struct Site {
    int action, first, last;
  };
  [[noreturn]] static void fail(const std::string& option, const std::string& spec, const std::string& why) {
    throw UsageError(option + " = '" + spec + "': " + why + " (expected action:first-last,... with 0-based inclusive input indices)");
  }
  std::vector<Site> sites_;
};

}  // namespace sgym::learning
