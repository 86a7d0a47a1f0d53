// Fuzz target: bench suite files. The first byte picks TOML or JSON and the budget; the rest is the
// file. A suite is validated whole when loaded (ids, options, budgets, seeds), so loading is the
// whole parser.
#include "bench.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sgym;
  if (size < 1) return 0;
  const bool toml = (data[0] & 1) == 0;
  const std::string budget = (data[0] & 2) ? "full" : "quick";
  const auto path = fuzz::scratch_file(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1),
                                       toml ? ".toml" : ".json");
  try {
    (void)bench::load_suite(path, budget);
  } catch (const UsageError&) {
  } catch (const FileFormatError&) {
  }
  return 0;
}
