// Small helpers shared by the sgym subcommands (text formatting, lists on the command line).
#pragma once
#include <CLI/CLI.hpp>
#include <iostream>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sgym/options.hpp"

namespace sgym::cli {

/// A number with `precision` decimals, or "n/a" when it is absent.
std::string opt_text(const std::optional<double>& v, int precision = 3);

/// A number, or n/a when it is not finite (the means of a run stopped before any episode).
std::string fixed(double v, int precision = 3);

/// The options table of `sgym describe`.
void print_options(const std::vector<OptionDoc>& docs);

/// "a,b" "c" -> a, b, c (empty parts dropped); a name given twice is a UsageError naming `flag`.
std::vector<std::string> split_commas(const std::vector<std::string>& items, const std::string& flag);

/// key=value items of a repeatable option (`flag`, e.g. "--env-opt"); a key given twice is a
/// UsageError naming both items (the last would otherwise silently win).
KeyValues key_values(const std::vector<std::string>& items, const std::string& flag);

// The bounds of the numeric flags: generous for any real use, small enough that nothing overflows or
// allocates without end.
inline constexpr long long kMaxEpisodes = 100'000'000;    ///< --episodes, --eval-every, --every, ...
inline constexpr long long kMaxEvalEpisodes = 1'000'000;  ///< --eval-episodes
inline constexpr double kMaxObsNoise = 1000;              ///< --obs-noise (sd, in observation units)
inline constexpr long long kMaxObsDelay = 100'000;        ///< --obs-delay steps (ObservationDelay's own bound)
inline constexpr long long kMinWidth = 16, kMaxWidth = 8192;  ///< frame widths in pixels
inline constexpr long long kMaxJobs = 1024;               ///< bench --jobs
inline constexpr double kMinSeconds = 0.001, kMaxSeconds = 3600;  ///< bench --throughput --seconds

// Checks of numeric flags, run by CLI11 on the text before it is converted (so "-1" never wraps to
// 2^64 - 1 and "1e999" never saturates); the message names the text (shortened) and the bounds.

/// A decimal integer in [lo, hi].
CLI::Validator integer_in(long long lo, long long hi);
/// A seed: a decimal integer in [0, 2^64 - 1].
CLI::Validator seed_value();
/// A finite number in [lo, hi].
CLI::Validator number_in(double lo, double hi);

/// The seed text of a flag checked by seed_value() (replay keeps --seed as text: empty = none).
std::uint64_t parse_seed(const std::string& text, const std::string& flag);

/// --agent-plugin PATH (repeatable) on `sub`, into `paths`.
void add_plugin_option(CLI::App& sub, std::vector<std::string>& paths);
/// Loads each plugin (exit 2 naming the file when one is unusable).
void load_plugins(const std::vector<std::string>& paths);

/// An old name of `flag`, kept for one release: sets the same variable and warns on stderr that
/// `old_flag` is deprecated. Hidden from --help.
template <class T>
CLI::Option* add_deprecated_alias(CLI::App& sub, const std::string& old_flag, CLI::Option* flag, T& target) {
  const std::string name = flag->get_name();
  return sub.add_option(old_flag, target, "deprecated: use " + name)
      ->group("")
      ->excludes(flag)
      ->each([old_flag, name](const std::string&) {
        std::cerr << "sgym: warning: " << old_flag << " is deprecated and will be removed; use " << name << "\n";
      });
}

}  // namespace sgym::cli
