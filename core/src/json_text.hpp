// JSON text written by hand, byte for byte as nlohmann::json::dump() writes the same values (internal
// to core). The run logs (episodes.jsonl, trials.jsonl) are written with these: building a
// nlohmann::json object per record (a std::map of allocated nodes) cost more than the agent-env
// step itself on cheap tasks. tests/test_core.cpp checks the output against dump().
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sgym/info.hpp"

namespace sgym::detail {

inline void json_int(std::string& out, long long v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

/// A double as dump() writes it: null when not finite, otherwise the shortest text that reads back
/// to it, with ".0" on integral values. This calls the very function dump() uses for doubles
/// (nlohmann's Grisu2 to_chars, detail namespace of nlohmann/json 3.11).
inline void json_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  std::array<char, 64> buf{};  // dump()'s number buffer has 64 characters too
  const char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
}

inline void json_bool(std::string& out, bool v) { out += v ? "true" : "false"; }

/// A string in quotes; plain printable ASCII is copied, anything else (escapes, UTF-8, invalid
/// bytes, which dump() refuses) goes through dump() itself.
inline void json_string(std::string& out, std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      out += nlohmann::json(std::string(s)).dump();
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

/// `"key":` (keys are strings like any other).
inline void json_key(std::string& out, std::string_view key) {
  json_string(out, key);
  out += ':';
}

inline void json_value(std::string& out, const InfoValue& v) {
  switch (v.index()) {
    case 0: json_bool(out, std::get<bool>(v)); break;
    case 1: json_int(out, std::get<std::int64_t>(v)); break;
    case 2: json_double(out, std::get<double>(v)); break;
    case 3: json_string(out, std::get<std::string>(v)); break;
    default: {
      // floats widen to double, as nlohmann stores them
      out += '[';
      bool first = true;
      for (const float x : std::get<std::vector<float>>(v)) {
        if (!first) out += ',';
        first = false;
        json_double(out, static_cast<double>(x));
      }
      out += ']';
    }
  }
}

/// std::string's order (bytes compared as unsigned char, then the shorter first), inline: keys are
/// short and mostly differ in their first byte.
inline bool key_less(const std::string& a, const std::string& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

/// The order in which a JSON object writes the keys of an Info (std::map order, as a nlohmann::json
/// object holds them) and the text before each value (`{"key":` for the first, `,"key":` after).
struct JsonKeyOrder {
  std::vector<std::uint32_t> order;  ///< order[i]: the position in the Info of the i-th key written
  std::vector<std::string> keys;     ///< keys[i]: the i-th key written
  std::vector<std::string> prefixes;

  /// Built from n keys; key(i) gives the i-th in the Info's order.
  template <class Key>
  void build(std::size_t n, Key key) {
    order.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t j = i;
      for (; j > 0 && key_less(key(i), key(order[j - 1])); --j) order[j] = order[j - 1];
      order[j] = static_cast<std::uint32_t>(i);
    }
    keys.resize(n);
    prefixes.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      keys[i] = key(order[i]);
      prefixes[i] = i == 0 ? "{" : ",";
      json_key(prefixes[i], keys[i]);
    }
  }

  /// The object: prefixes[i] then value(order[i]) for each key, then '}' ("{}" when there is none).
  template <class Value>
  void write(std::string& out, Value value) const {
    const std::size_t n = order.size();
    if (n == 0) out += '{';
    for (std::size_t i = 0; i < n; ++i) {
      out += prefixes[i];
      value(out, order[i]);
    }
    out += '}';
  }
};

/// An Info as a JSON object, keys in std::map order (as a nlohmann::json object holds them).
inline void json_info(std::string& out, const Info& info) {
  const auto& items = info.items();
  const std::size_t n = items.size();
  // the key order and the keys' text of the last info written on this thread are reused when its
  // keys are the same: an env writes the same keys trial after trial, and comparing n keys costs a
  // fraction of sorting and escaping them
  thread_local JsonKeyOrder last;
  bool same = last.order.size() == n;
  for (std::size_t i = 0; same && i < n; ++i) same = items[last.order[i]].first == last.keys[i];
  if (!same) last.build(n, [&](std::size_t i) -> const std::string& { return items[i].first; });
  last.write(out, [&](std::string& o, std::size_t i) { json_value(o, items[i].second); });
}

}  // namespace sgym::detail
