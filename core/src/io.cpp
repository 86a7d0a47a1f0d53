#include "sgym/io.hpp"

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "sgym/error.hpp"

namespace sgym {

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path tmp =
      path.string() + ".tmp." + std::to_string(static_cast<long>(::getpid()));
  {
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (f == nullptr)
      throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() &&
                    std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
    const bool closed = std::fclose(f) == 0;
    if (!ok || !closed) {
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error("cannot move " + tmp.string() + " to " + path.string() + ": " + ec.message());
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileFormatError("cannot open " + path.string() + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

// little-endian on every platform this builds on (x86_64, aarch64); a static check keeps it so
static_assert(std::endian::native == std::endian::little, "state files assume little-endian");

void StateWriter::u32(std::uint32_t v) { buf_.append(reinterpret_cast<const char*>(&v), 4); }
void StateWriter::u64(std::uint64_t v) { buf_.append(reinterpret_cast<const char*>(&v), 8); }
void StateWriter::f64(double v) { buf_.append(reinterpret_cast<const char*>(&v), 8); }
void StateWriter::str(std::string_view s) {
  u64(s.size());
  buf_.append(s);
}
void StateWriter::floats(std::span<const float> v) {
  u64(v.size());
  if (!v.empty()) buf_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}
void StateWriter::doubles(std::span<const double> v) {
  u64(v.size());
  if (!v.empty()) buf_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
}

void StateReader::need(std::size_t n, std::string_view what) const {
  if (buf_.size() - pos_ < n)
    throw FileFormatError("truncated: " + std::string(what) + " needs " + std::to_string(n) +
                          " bytes, " + std::to_string(buf_.size() - pos_) + " left");
}
std::uint32_t StateReader::u32() {
  need(4, "u32");
  std::uint32_t v;
  std::memcpy(&v, buf_.data() + pos_, 4);
  pos_ += 4;
  return v;
}
std::uint64_t StateReader::u64() {
  need(8, "u64");
  std::uint64_t v;
  std::memcpy(&v, buf_.data() + pos_, 8);
  pos_ += 8;
  return v;
}
double StateReader::f64() {
  need(8, "f64");
  double v;
  std::memcpy(&v, buf_.data() + pos_, 8);
  pos_ += 8;
  return v;
}
bool StateReader::boolean() {
  const auto v = u32();
  if (v > 1) throw FileFormatError("corrupt: a boolean holds " + std::to_string(v));
  return v == 1;
}
std::string StateReader::str() {
  const auto n = u64();
  need(n, "string");
  std::string s(buf_.substr(pos_, n));
  pos_ += n;
  return s;
}
namespace {
// a length-prefixed array of T that must hold exactly `expected` elements
template <class T>
void read_array(StateReader& r, std::string_view buf, std::size_t& pos, std::vector<T>& out,
                std::size_t expected, std::string_view what) {
  const auto n = r.u64();
  if (n != expected)
    throw FileFormatError(std::string(what) + " has " + std::to_string(n) + " elements, expected " +
                          std::to_string(expected));
  if ((buf.size() - pos) / sizeof(T) < n)
    throw FileFormatError("truncated: " + std::string(what) + " needs " + std::to_string(n * sizeof(T)) + " bytes");
  out.resize(n);
  if (n > 0) std::memcpy(out.data(), buf.data() + pos, n * sizeof(T));  // data() may be null when empty
  pos += n * sizeof(T);
}
}  // namespace

void StateReader::floats(std::vector<float>& out, std::size_t expected, std::string_view what) {
  read_array(*this, buf_, pos_, out, expected, what);
}
void StateReader::doubles(std::vector<double>& out, std::size_t expected, std::string_view what) {
  read_array(*this, buf_, pos_, out, expected, what);
}

}  // namespace sgym
