// Fuzz target: env and agent options. The first byte picks a registered env or agent; the rest is
// read as lines "key=value", parsed as the command line's --env-opt/--agent-opt are, and the entry is
// built with them. A built env then runs a reset and a few random steps, a built agent one act and
// observe on its env, so an option accepted at construction but broken in use is found too.
#include <sstream>
#include <vector>

#include "fuzz_common.hpp"
#include "sgym/interact.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sgym;
  if (size < 1) return 0;
  const auto& envs = env_registry();
  const auto& agents = agent_registry();
  const std::size_t pick = data[0] % (envs.size() + agents.size());
  std::vector<std::string> items;
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  for (std::string line; std::getline(lines, line);) items.push_back(line);
  try {
    const KeyValues kv = parse_key_values(items, "fuzz option");
    if (pick < envs.size()) {
      auto env = make_env(envs[pick], kv);
      Rng rng(1);
      env->reset(1);
      for (int t = 0; t < 8; ++t) {
        const StepResult r = env->step(env->action_space().sample(rng));
        if (r.terminated || r.truncated) env->reset();
      }
    } else {
      const AgentEntry& a = agents[pick - envs.size()];
      auto env = fuzz::env_for(a);
      if (!env) return 0;
      auto agent = make_agent(a, env->observation_space(), env->action_space(), kv, 1);
      // one step of an episode through the one loop
      std::vector<float> obs;
      EpisodeHooks hooks;
      hooks.on_step = [](const EpisodeStep& st) { return st.step < 1; };
      play_episode(*env, *agent, 1, obs, hooks);
    }
  } catch (const UsageError&) {
  }
  return 0;
}
