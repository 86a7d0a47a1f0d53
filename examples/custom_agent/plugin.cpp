// The plugin entry point: `sgym run --agent-plugin librescorla_wagner.so --agent rescorla-wagner`.
#include "rescorla_wagner.hpp"
#include "sgym/plugin.hpp"

SGYM_AGENT_PLUGIN(rescorla_wagner) { entries.push_back(rescorla_wagner_entry()); }
