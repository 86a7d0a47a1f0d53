#include "sgym/options.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

namespace sgym {

KeyValues parse_key_values(const std::vector<std::string>& items, const std::string& what) {
  KeyValues kv;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(what + ": expected key=value, got '" + item + "'");
    kv.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return kv;
}

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  // shortest text that reads back to the same double ("0.1", "3000", "1e-05")
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

namespace {

struct Deprecations {
  std::mutex mutex;
  DeprecationHandler handler;     // empty: print once per message to stderr
  std::set<std::string> printed;  // the default handler's messages so far
};

Deprecations& deprecations() {
  static Deprecations d;
  return d;
}

}  // namespace

void set_deprecation_handler(DeprecationHandler handler) {
  Deprecations& d = deprecations();
  const std::lock_guard<std::mutex> lock(d.mutex);
  d.handler = std::move(handler);
}

void warn_deprecated(const std::string& message) {
  Deprecations& d = deprecations();
  DeprecationHandler handler;
  {
    const std::lock_guard<std::mutex> lock(d.mutex);
    if (!d.handler) {
      if (d.printed.insert(message).second) std::fprintf(stderr, "sgym: warning: %s\n", message.c_str());
      return;
    }
    handler = d.handler;
  }
  // called outside the lock: a handler may take other locks (Python's GIL) or throw
  handler(message);
}

KeyValues canonical_options(const std::string& owner, const std::vector<OptionDoc>& docs, const KeyValues& kv) {
  KeyValues out;
  out.reserve(kv.size());
  std::vector<std::string> given_as;  // the name each entry of `out` was given under
  for (const auto& [k, v] : kv) {
    std::string key = k;
    for (const auto& d : docs)
      if (std::find(d.deprecated_names.begin(), d.deprecated_names.end(), k) != d.deprecated_names.end()) {
        key = d.key;
        break;
      }
    for (std::size_t i = 0; i < out.size(); ++i)
      if (out[i].first == key && given_as[i] != k)
        throw UsageError(owner + ": option " + key + " is given twice, as '" + given_as[i] + "' and as '" + k +
                         "' (" + (given_as[i] == key ? k : given_as[i]) + " is its deprecated former name); give only " +
                         key);
    out.emplace_back(std::move(key), v);
    given_as.push_back(k);
  }
  // a deprecated option with its own meaning, given together with the option that replaces it
  for (std::size_t i = 0; i < out.size(); ++i)
    for (const auto& d : docs)
      if (d.key == out[i].first && !d.replaced_by.empty()) {
        for (const auto& [k, v] : out)
          if (k == d.replaced_by)
            throw UsageError(owner + ": options '" + d.key + "' and '" + d.replaced_by + "' set the same thing (" + d.key +
                             " is deprecated, replaced by " + d.replaced_by + "); give only " + d.replaced_by);
      }
  // warned only once the options are known not to conflict (a replaced option keeps its key and its
  // meaning: the factory that reads it warns, once per build, e.g. learning::resolve_steps)
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].first != given_as[i])
      warn_deprecated(owner + ": option '" + given_as[i] + "' is deprecated, use '" + out[i].first +
                      "' (the old name is still accepted, and will be removed in the next release)");
  return out;
}


bool given(const KeyValues& kv, const std::string& key) {
  for (const auto& [k, v] : kv)
    if (k == key) return true;
  return false;
}

namespace detail {

namespace {
std::string valid_keys(const std::vector<OptionDoc>& docs) {
  std::string s;
  for (const auto& d : docs) s += "\n  " + d.key + "=" + d.default_value + (d.unit.empty() ? "" : " " + d.unit) + "  (" + d.valid + ")";
  return s.empty() ? " (none: it takes no options)" : s;
}
}  // namespace

std::string unknown_option(const std::string& owner, const std::string& key,
                           const std::vector<OptionDoc>& docs) {
  return owner + ": unknown option '" + key + "'; valid options (with defaults):" + valid_keys(docs);
}

double parse_double(const std::string& owner, const std::string& key, const std::string& v,
                    double lo, double hi, const std::string& valid) {
  double x = 0;
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, x);
  if (v.empty() || ec != std::errc() || p != end || std::isnan(x))
    throw UsageError(owner + ": option " + key + " must be a number in " + valid + ", got '" + v + "'");
  if (x < lo || x > hi)
    throw UsageError(owner + ": option " + key + " must be in " + valid + ", got " + v);
  return x;
}

long long parse_int(const std::string& owner, const std::string& key, const std::string& v,
                    long long lo, long long hi, const std::string& valid) {
  long long x = 0;
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, x);
  if (v.empty() || ec != std::errc() || p != end)
    throw UsageError(owner + ": option " + key + " must be an integer in " + valid + ", got '" + v + "'");
  if (x < lo || x > hi)
    throw UsageError(owner + ": option " + key + " must be in " + valid + ", got " + v);
  return x;
}

bool parse_bool(const std::string& owner, const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "on" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "off" || v == "no") return false;
  throw UsageError(owner + ": option " + key + " must be true or false, got '" + v + "'");
}

void check_choice(const std::string& owner, const std::string& key, const std::string& v,
                  const std::vector<std::string>& choices, const std::string& valid) {
  for (const auto& c : choices)
    if (c == v) return;
  throw UsageError(owner + ": option " + key + " must be one of " + valid + ", got '" + v + "'");
}

}  // namespace detail
}  // namespace sgym
