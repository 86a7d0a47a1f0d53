// Error types shared by the whole suite. Each error carries a message that names the thing that was
// wrong and, where there is a finite set, the valid choices.
#pragma once

#include <stdexcept>
#include <string>

namespace sgym {

/// A mistake in what the user asked for (unknown id, unknown option, bad option value):
/// the CLI maps it to exit code 2.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// An action outside the env's action space (wrong size, NaN, out of range).
class InvalidAction : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A call out of order, such as step() after the episode ended and before reset().
class ResetNeeded : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// A file that cannot be read back: missing, truncated, corrupt, or written for something else.
class FileFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sgym
