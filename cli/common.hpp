// Small helpers shared by the sgym subcommands (text formatting, lists on the command line).
#pragma once
#include <CLI/CLI.hpp>
#include <iostream>
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
