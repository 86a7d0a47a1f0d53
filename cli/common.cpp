#include "common.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

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
  }
}

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::stringstream ss(item);
    std::string part;
    while (std::getline(ss, part, ','))
      if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace sgym::cli
