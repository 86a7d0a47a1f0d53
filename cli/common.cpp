#include "common.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "sgym/agents.hpp"
#include "sgym/error.hpp"

namespace sgym::cli {

std::string opt_text(const std::optional<double>& v, int precision) {
  if (!v) return "n/a";
  std::ostringstream ss;
  ss << std::fixed << std::setprecision(precision) << *v;
  return ss.str();
}

std::string fixed(double v, int precision) { return std::isfinite(v) ? opt_text(v, precision) : "n/a"; }

void print_options(const std::vector<OptionDoc>& docs) {
  if (docs.empty()) {
    std::cout << "  (none)\n";
    return;
  }
  std::size_t w = 0;
  for (const auto& d : docs) w = std::max(w, d.key.size() + d.default_value.size() + d.unit.size() + 2);
  for (const auto& d : docs) {
    const std::string lhs = d.key + "=" + d.default_value + (d.unit.empty() ? "" : " " + d.unit);
    std::cout << "  " << std::left << std::setw(static_cast<int>(w)) << lhs << "  " << d.type << " "
              << d.valid << "\n      " << d.doc << "\n";
    for (const auto& old : d.deprecated_names)
      std::cout << "      (former name " << old << ": deprecated, still accepted with a warning)\n";
  }
}

std::vector<std::string> split_commas(const std::vector<std::string>& items, const std::string& flag) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::stringstream ss(item);
    std::string part;
    while (std::getline(ss, part, ','))
      if (!part.empty()) {
        if (std::find(out.begin(), out.end(), part) != out.end())
          throw UsageError(flag + ": '" + part + "' is named twice; name each once");
        out.push_back(part);
      }
  }
  return out;
}

KeyValues key_values(const std::vector<std::string>& items, const std::string& flag) {
  const KeyValues kv = parse_key_values(items, flag);
  for (std::size_t i = 0; i < kv.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (kv[i].first == kv[j].first)
        throw UsageError(flag + ": key '" + kv[i].first + "' is given twice ('" + items[j] + "' and '" + items[i] +
                         "'); give each key once");
  return kv;
}

namespace {

// the user's text in a message: at most 20 characters (2^64 has 20 digits)
std::string shown(const std::string& text) {
  return "'" + (text.size() <= 20 ? text : text.substr(0, 16) + "...") + "'";
}

std::string bounds(long long lo, long long hi) { return "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]"; }

template <class T>
bool parse_whole(const std::string& text, T& x) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, x);
  return !text.empty() && ec == std::errc() && p == end;
}

}  // namespace

CLI::Validator integer_in(long long lo, long long hi) {
  const std::string range = bounds(lo, hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        long long x = 0;
        if (!parse_whole(text, x)) {
          // an integer too long for 64 bits is still "out of range", not "not an integer"
          const bool digits = !text.empty() && text.find_first_not_of("-0123456789") == std::string::npos &&
                              text.find('-', 1) == std::string::npos && text != "-";
          return shown(text) + (digits ? " is out of range" : " is not an integer") + "; expected an integer in " + range;
        }
        if (x < lo || x > hi) return shown(text) + " is out of range; expected an integer in " + range;
        return "";
      },
      "in " + range);
}

CLI::Validator seed_value() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t x = 0;
        if (text.find_first_not_of("0123456789") == std::string::npos && parse_whole(text, x)) return "";
        const bool number = !text.empty() && text.find_first_not_of("-0123456789") == std::string::npos;
        return shown(text) + (number ? " is out of range" : " is not an integer") +
               "; a seed is an integer in [0, 18446744073709551615] (2^64 - 1)";
      },
      "in [0, 2^64-1]");
}

CLI::Validator number_in(double lo, double hi) {
  const std::string range = "[" + format_number(lo) + ", " + format_number(hi) + "]";
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        double x = 0;
        if (!parse_whole(text, x) || !std::isfinite(x))
          return shown(text) + " is not a finite number; expected a number in " + range;
        if (x < lo || x > hi) return shown(text) + " is out of range; expected a number in " + range;
        return "";
      },
      "in " + range);
}

std::uint64_t parse_seed(const std::string& text, const std::string& flag) {
  std::string t = text;
  if (const std::string why = seed_value()(t); !why.empty()) throw UsageError(flag + ": " + why);
  std::uint64_t x = 0;
  parse_whole(text, x);
  return x;
}

void add_plugin_option(CLI::App& sub, std::vector<std::string>& paths) {
  sub.add_option("--agent-plugin", paths, "shared library adding agents (built with SGYM_AGENT_PLUGIN; repeatable)");
}

void load_plugins(const std::vector<std::string>& paths) {
  std::set<std::string> seen;
  for (const auto& p : paths) {
    if (!seen.insert(std::filesystem::weakly_canonical(p).string()).second)
      throw UsageError("--agent-plugin: " + p + " is given twice; load each plugin once");
    load_agent_plugin(p);
  }
}

}  // namespace sgym::cli
