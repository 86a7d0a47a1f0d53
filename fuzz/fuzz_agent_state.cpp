// Fuzz target: agent checkpoints (the bytes Agent::save writes). The first byte picks a registered
// agent; the rest is loaded with from_bytes, which must either restore the agent or throw
// FileFormatError and leave it unchanged. A loaded agent then acts and learns for a few steps.
#include <cstdlib>
#include <vector>

#include "fuzz_common.hpp"
#include "sgym/interact.hpp"

// With SGYM_FUZZ_SEED_DIR set, libFuzzer's start writes one valid checkpoint per registered agent
// there (its index byte + the bytes of a fresh agent), the seed corpus scripts/fuzz.sh starts from.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace sgym;
  const char* dir = std::getenv("SGYM_FUZZ_SEED_DIR");
  if (!dir) return 0;
  std::filesystem::create_directories(dir);
  const auto& agents = agent_registry();
  for (std::size_t i = 0; i < agents.size(); ++i) {
    auto env = fuzz::env_for(agents[i]);
    if (!env) continue;
    auto agent = make_agent(agents[i], env->observation_space(), env->action_space(), {}, 1);
    const std::string bytes = std::string(1, static_cast<char>(i)) + agent->to_bytes();
    std::ofstream(std::filesystem::path(dir) / ("agent-" + agents[i].id), std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sgym;
  if (size < 1) return 0;
  const auto& agents = agent_registry();
  const AgentEntry& a = agents[data[0] % agents.size()];
  static std::vector<std::unique_ptr<Env>> envs(agents.size());  // building envs is the slow part
  auto& env = envs[data[0] % agents.size()];
  if (!env) env = fuzz::env_for(a);
  if (!env) return 0;
  auto agent = make_agent(a, env->observation_space(), env->action_space(), {}, 1);
  try {
    agent->from_bytes(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), "fuzz input");
  } catch (const FileFormatError&) {
    return 0;
  }
  // the restored agent plays the first 4 steps of an episode through the one loop
  std::vector<float> obs;
  EpisodeHooks hooks;
  hooks.on_step = [](const EpisodeStep& st) { return st.step < 4; };
  play_episode(*env, *agent, 1, obs, hooks);
  return 0;
}
