// Small file utilities: atomic writes, a checksum, and a binary state writer/reader for agent files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sgym {

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed, then
/// renamed over the target, so a reader never sees a half-written file. Throws std::runtime_error
/// naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

/// Reads a whole file; throws FileFormatError naming the path when it cannot be opened.
std::string read_file(const std::filesystem::path& path);

/// 64-bit FNV-1a over a byte range, continuing from `h`.
std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t h = 0xcbf29ce484222325ULL);

/// Appends little-endian binary values to a byte string.
class StateWriter {
 public:
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void f64(double v);
  void boolean(bool v) { u32(v ? 1 : 0); }
  void str(std::string_view s);
  void floats(std::span<const float> v);    ///< length-prefixed
  void doubles(std::span<const double> v);  ///< length-prefixed
  const std::string& bytes() const { return buf_; }

 private:
  std::string buf_;
};

/// Reads what StateWriter wrote; every read is bounds-checked and throws FileFormatError on a
/// truncated or inconsistent buffer.
class StateReader {
 public:
  explicit StateReader(std::string_view bytes) : buf_(bytes) {}
  std::uint32_t u32();
  std::uint64_t u64();
  double f64();
  bool boolean();
  std::string str();
  /// Reads a float array that must hold exactly `expected` elements (`what` names it in errors).
  void floats(std::vector<float>& out, std::size_t expected, std::string_view what);
  /// Reads a double array that must hold exactly `expected` elements.
  void doubles(std::vector<double>& out, std::size_t expected, std::string_view what);
  bool at_end() const { return pos_ == buf_.size(); }

 private:
  void need(std::size_t n, std::string_view what) const;
  std::string_view buf_;
  std::size_t pos_ = 0;
};

}  // namespace sgym
