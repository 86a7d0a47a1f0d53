// Fuzz target: trajectory files (RecordTrajectory's JSON Lines, versions 1 and 2), as `sgym replay`
// reads them.
#include "fuzz_common.hpp"
#include "sgym/wrappers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sgym;
  const auto path = fuzz::scratch_file(std::string_view(reinterpret_cast<const char*>(data), size), ".jsonl");
  try {
    (void)read_trajectory_file(path);
  } catch (const FileFormatError&) {
  }
  return 0;
}
