// Every registered env (with its default options and each declared test variant) passes the
// conformance harness, and its 1000-step trajectory hash matches the one pinned in tests/golden/.
// Set SGYM_UPDATE_GOLDEN=1 to rewrite the pinned hashes after an intended change.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "sgym/conformance.hpp"
#include "sgym/envs.hpp"
#include "sgym/io.hpp"

using namespace sgym;

namespace {
std::string describe(const KeyValues& kv) {
  std::string s;
  for (const auto& [k, v] : kv) s += (s.empty() ? "" : " ") + k + "=" + v;
  return s.empty() ? "defaults" : s;
}
}  // namespace

TEST_CASE("Every registered env passes the conformance harness", "[conformance][envs]") {
  const auto& reg = env_registry();
  const auto i = GENERATE_COPY(range<std::size_t>(0, reg.size()));
  const EnvEntry& entry = reg[i];
  std::vector<KeyValues> variants = {{}};
  variants.insert(variants.end(), entry.test_variants.begin(), entry.test_variants.end());
  for (const auto& options : variants) {
    INFO(entry.id << " with " << describe(options));
    const CheckReport report = check_env([&] { return make_env(entry, options); });
    for (const auto& c : report.checks) {
      INFO(c.name << ": " << c.detail);
      CHECK(c.passed);
    }
    REQUIRE(report.checks.size() >= 10);

    if (!options.empty()) continue;
    std::ostringstream hex;
    hex << std::hex << std::setw(16) << std::setfill('0') << report.golden_hash;
    const std::filesystem::path golden = std::filesystem::path(SGYM_GOLDEN_DIR) / (entry.id + ".hash");
    if (std::getenv("SGYM_UPDATE_GOLDEN") != nullptr) write_file_atomic(golden, hex.str() + "\n");
    INFO("pinned in " << golden.string() << " (rerun with SGYM_UPDATE_GOLDEN=1 after an intended change)");
    REQUIRE(std::filesystem::exists(golden));
    std::string pinned = read_file(golden);
    pinned.erase(pinned.find_last_not_of(" \n") + 1);
    REQUIRE(pinned == hex.str());
  }
}
