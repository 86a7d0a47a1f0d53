// Running the sgym command in tests: exit code and output (stdout and stderr together).
#pragma once

#include <catch2/catch.hpp>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace sgym::test {

struct Result {
  int code;
  std::string out;  // stdout and stderr together
};

/// Runs a shell command and collects its exit code and output (stderr joined to stdout).
inline Result run_shell(const std::string& command) {
  const std::string cmd = command + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

/// Runs `sgym ARGS` (through the shell) and collects its exit code and output.
inline Result run_sgym(const std::string& args) { return run_shell(std::string(SGYM_BINARY) + " " + args); }

/// A fresh (removed) path NAME in this process's temporary folder.
inline std::string tmp(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("sgym-cli-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(p);
  return p.string();
}

}  // namespace sgym::test
