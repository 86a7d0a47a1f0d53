// The registered environments (envs/env_list.inc).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sgym/registry.hpp"

namespace sgym {

/// Envs listed in envs/env_list.inc, in that order.
const std::vector<EnvEntry>& env_registry();
/// The entry for an env id; throws UsageError listing the valid ids.
const EnvEntry& env_entry(const std::string& id);
/// The analyses of the env with this id (EnvEntry::analyses); empty for an id not registered.
std::vector<TaskAnalysis> env_analyses(const std::string& id);
/// Builds a registered env, wrapped in TimeLimit unless time_limit is false.
std::unique_ptr<Env> make_env(const std::string& id, const KeyValues& options = {},
                              bool time_limit = true);

}  // namespace sgym
