// Shared pieces of the fuzz targets: what counts as a clean rejection, and the agents' test spaces.
// A target returns normally when the input is accepted or rejected with the project's own error
// types (UsageError for configuration, FileFormatError for files); any other exception escapes and
// is a finding, as are the sanitizers' reports and crashes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"

namespace sgym::fuzz {

/// The env an agent is fuzzed on: the first it names, else the first registered env it can handle
/// (nullptr when none).
inline std::unique_ptr<Env> env_for(const AgentEntry& a) {
  for (const EnvEntry& e : env_registry()) {
    if (!a.envs.empty() && std::find(a.envs.begin(), a.envs.end(), e.id) == a.envs.end()) continue;
    auto env = make_env(e, {});
    if (a.incompatibility(env->observation_space(), env->action_space()).empty()) return env;
  }
  return nullptr;
}

/// A scratch file of this process with `bytes` in it (the loaders under test read files).
inline std::filesystem::path scratch_file(std::string_view bytes, const std::string& extension) {
  static const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("sgym-fuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path p = dir / ("input" + extension);
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p;
}

}  // namespace sgym::fuzz
