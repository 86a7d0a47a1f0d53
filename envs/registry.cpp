#include "sgym/envs.hpp"

namespace sgym {

#define SGYM_ENV(fn) EnvEntry fn();
#include "env_list.inc"
#undef SGYM_ENV

const std::vector<EnvEntry>& env_registry() {
  static const std::vector<EnvEntry> entries = {
#define SGYM_ENV(fn) fn(),
#include "env_list.inc"
#undef SGYM_ENV
  };
  return entries;
}

const EnvEntry& env_entry(const std::string& id) {
  std::vector<std::string> ids;
  for (const auto& e : env_registry()) ids.push_back(e.id);
  return env_registry()[find_id(ids, id, "env")];
}

std::vector<TaskAnalysis> env_analyses(const std::string& id) {
  for (const auto& e : env_registry())
    if (e.id == id) return e.analyses;
  return {};
}

std::unique_ptr<Env> make_env(const std::string& id, const KeyValues& options, bool time_limit) {
  return make_env(env_entry(id), options, time_limit);
}

}  // namespace sgym
