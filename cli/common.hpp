// Small helpers shared by the sgym subcommands (text formatting, lists on the command line).
#pragma once
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

/// "a,b" "c" -> a, b, c (empty parts dropped).
std::vector<std::string> split_commas(const std::vector<std::string>& items);

}  // namespace sgym::cli
