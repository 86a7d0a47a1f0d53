// Options as key=value strings, validated against a schema that is built from a config struct's own
// defaults, so each default lives in exactly one place (the struct) and is printed by `describe`.
#pragma once

#include <algorithm>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sgym/error.hpp"

namespace sgym {

/// Options as given by the user, in order.
using KeyValues = std::vector<std::pair<std::string, std::string>>;

/// Splits "key=value" strings; throws UsageError for an item without '=' or with an empty key.
KeyValues parse_key_values(const std::vector<std::string>& items, const std::string& what);

/// Documentation of one option.
struct OptionDoc {
  std::string key;
  std::string type;           ///< "float", "int", "bool", "string" or "choice"
  std::string default_value;  ///< as text
  std::string unit;           ///< e.g. "ms", "" when unitless
  std::string valid;          ///< e.g. "[0, 1]" or "omission|unexpected"
  std::string doc;            ///< one sentence, with the source where the default is a published value
  /// Former names of the option, still accepted for one release: each use is reported through
  /// warn_deprecated, and giving the option under two of its names is an error.
  std::vector<std::string> deprecated_names = {};
  /// Non-empty for a deprecated option that a differently defined option replaces (e.g. a count of
  /// steps replaced by a time in ms, set with OptionSet::deprecated_for): it keeps its own meaning,
  /// each use is reported through warn_deprecated, and giving it with its replacement is an error.
  std::string replaced_by = {};
};

/// Receives the message of each use of a deprecated name (see set_deprecation_handler).
using DeprecationHandler = std::function<void(const std::string& message)>;

/// Sends every later deprecation message to `handler` (each use, not only the first; the Python
/// module turns them into DeprecationWarning). An empty handler restores the default, which prints
/// each distinct message once per process to stderr as "sgym: warning: <message>". Thread-safe.
void set_deprecation_handler(DeprecationHandler handler);

/// Reports one use of a deprecated name through the current handler. Thread-safe.
void warn_deprecated(const std::string& message);

/// `kv` with every deprecated option name replaced by the option's current name, in place and in
/// order; each replacement is reported through warn_deprecated, naming both names. Throws
/// UsageError naming both when an option is given under two of its names (e.g. the old and the new),
/// or together with the option that replaces it (OptionDoc::replaced_by; its factory warns of it);
/// keys that name no option are left for the parser to refuse. `owner` names the env or agent.
KeyValues canonical_options(const std::string& owner, const std::vector<OptionDoc>& docs, const KeyValues& kv);

/// True when `key` was given in `kv` (not just defaulted).
bool given(const KeyValues& kv, const std::string& key);

/// Formats a double so that it reads back to the same value ("0.1", "1e-05").
std::string format_number(double v);

namespace detail {
std::string unknown_option(const std::string& owner, const std::string& key,
                           const std::vector<OptionDoc>& docs);
double parse_double(const std::string& owner, const std::string& key, const std::string& v,
                    double lo, double hi, const std::string& valid);
long long parse_int(const std::string& owner, const std::string& key, const std::string& v,
                    long long lo, long long hi, const std::string& valid);
bool parse_bool(const std::string& owner, const std::string& key, const std::string& v);
void check_choice(const std::string& owner, const std::string& key, const std::string& v,
                  const std::vector<std::string>& choices, const std::string& valid);
}  // namespace detail

/// Schema for a config struct C: each option binds a key to a member.
template <class C>
class OptionSet {
 public:
  /// `owner` names the env or agent in error messages.
  explicit OptionSet(std::string owner) : owner_(std::move(owner)) {}

  OptionSet& add(std::string key, double C::*m, std::string unit, std::string doc,
                 double lo = -std::numeric_limits<double>::infinity(),
                 double hi = std::numeric_limits<double>::infinity()) {
    const C d{};
    std::string valid = "[" + format_number(lo) + ", " + format_number(hi) + "]";
    push({key, "float", format_number(d.*m), std::move(unit), valid, std::move(doc)},
         [=, owner = owner_](C& c, const std::string& v) {
           c.*m = detail::parse_double(owner, key, v, lo, hi, valid);
         });
    return *this;
  }
  OptionSet& add(std::string key, int C::*m, std::string unit, std::string doc,
                 int lo = std::numeric_limits<int>::min(), int hi = std::numeric_limits<int>::max()) {
    const C d{};
    std::string valid = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    push({key, "int", std::to_string(d.*m), std::move(unit), valid, std::move(doc)},
         [=, owner = owner_](C& c, const std::string& v) {
           c.*m = static_cast<int>(detail::parse_int(owner, key, v, lo, hi, valid));
         });
    return *this;
  }
  OptionSet& add(std::string key, bool C::*m, std::string doc) {
    const C d{};
    push({key, "bool", d.*m ? "true" : "false", "", "true|false", std::move(doc)},
         [=, owner = owner_](C& c, const std::string& v) { c.*m = detail::parse_bool(owner, key, v); });
    return *this;
  }
  OptionSet& add_choice(std::string key, std::string C::*m, std::vector<std::string> choices,
                        std::string doc) {
    const C d{};
    std::string valid;
    for (const auto& ch : choices) valid += (valid.empty() ? "" : "|") + ch;
    push({key, "choice", d.*m, "", valid, std::move(doc)},
         [=, owner = owner_](C& c, const std::string& v) {
           detail::check_choice(owner, key, v, choices, valid);
           c.*m = v;
         });
    return *this;
  }

  /// A free-form text option (e.g. a schedule); `form` describes the syntax for `describe`, and the
  /// env's factory checks the content (throwing UsageError naming the option).
  OptionSet& add_text(std::string key, std::string C::*m, std::string unit, std::string form, std::string doc) {
    const C d{};
    push({key, "string", d.*m, std::move(unit), std::move(form), std::move(doc)},
         [=](C& c, const std::string& v) { c.*m = v; });
    return *this;
  }

  /// Declares `old_key` a former name of the option added last: parse() accepts it for one
  /// release, with a deprecation warning naming the current name (see canonical_options).
  OptionSet& deprecated_alias(std::string old_key) {
    if (docs_.empty()) throw std::logic_error(owner_ + ": deprecated_alias(" + old_key + ") before any option");
    for (const auto& d : docs_)
      if (d.key == old_key || std::find(d.deprecated_names.begin(), d.deprecated_names.end(), old_key) != d.deprecated_names.end())
        throw std::logic_error(owner_ + ": deprecated alias '" + old_key + "' already names option " + d.key);
    docs_.back().deprecated_names.push_back(std::move(old_key));
    return *this;
  }

  /// Declares the option added last deprecated in favour of the option `replacement`, which says
  /// the same thing differently (in other units: `test_steps` replaced by `test_ms`), so it cannot be
  /// a plain alias: it keeps its own member and meaning for one release, giving both is an error
  /// (canonical_options), and the factory that reads it warns naming the replacement, once per build
  /// (learning::resolve_steps does both: sgym::given tells whether an option was given).
  OptionSet& deprecated_for(std::string replacement) {
    if (docs_.empty()) throw std::logic_error(owner_ + ": deprecated_for(" + replacement + ") before any option");
    docs_.back().replaced_by = std::move(replacement);
    return *this;
  }

  /// Builds a config from defaults plus `kv`; an unknown key or a bad value throws UsageError
  /// that lists the valid keys with their defaults (or the valid values of that key). Deprecated
  /// names are accepted with a warning (canonical_options).
  C parse(const KeyValues& kv) const {
    C c{};
    for (const auto& [k, v] : canonical_options(owner_, docs_, kv)) {
      std::size_t i = 0;
      while (i < docs_.size() && docs_[i].key != k) ++i;
      if (i == docs_.size()) throw UsageError(detail::unknown_option(owner_, k, docs_));
      setters_[i](c, v);
    }
    return c;
  }

  const std::vector<OptionDoc>& docs() const { return docs_; }
  const std::string& owner() const { return owner_; }

 private:
  void push(OptionDoc d, std::function<void(C&, const std::string&)> f) {
    docs_.push_back(std::move(d));
    setters_.push_back(std::move(f));
  }
  std::string owner_;
  std::vector<OptionDoc> docs_;
  std::vector<std::function<void(C&, const std::string&)>> setters_;
};


}  // namespace sgym
