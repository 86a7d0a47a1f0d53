// The command line's names for configuration fields. The core's messages name the fields of its
// configuration (out_dir, resume, overwrite, shard), which the Python front raises too; a subcommand
// adds, for each field a message names, the flag that sets it on the command line.
#pragma once

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "sgym/error.hpp"

namespace sgym::cli {

/// (configuration field, command-line flag) pairs of one subcommand.
using FieldFlags = std::vector<std::pair<std::string, std::string>>;

/// `message` followed by " (on the command line: FIELD is FLAG, ...)" for each field it names as a
/// word; unchanged when it names none.
inline std::string with_flags(const std::string& message, const FieldFlags& flags) {
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; };
  std::string named;
  for (const auto& [field, flag] : flags)
    for (std::size_t at = message.find(field); at != std::string::npos; at = message.find(field, at + 1)) {
      const std::size_t end = at + field.size();
      if ((at == 0 || !word_char(message[at - 1])) && (end == message.size() || !word_char(message[end]))) {
        named += (named.empty() ? "" : ", ") + field + " is " + flag;
        break;
      }
    }
  return named.empty() ? message : message + " (on the command line: " + named + ")";
}

/// Runs f(); a UsageError or FileFormatError it throws is thrown again with the flags of the fields
/// its message names (with_flags).
template <class F>
decltype(auto) naming_flags(const FieldFlags& flags, F&& f) {
  try {
    return f();
  } catch (const UsageError& e) {
    throw UsageError(with_flags(e.what(), flags));
  } catch (const FileFormatError& e) {
    throw FileFormatError(with_flags(e.what(), flags));
  }
}

}  // namespace sgym::cli
