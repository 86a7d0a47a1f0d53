// The registry entry of the example agent.
#pragma once

#include "sgym/registry.hpp"

/// `rescorla-wagner`: trial-level associative learning of each stimulus's reward prediction.
sgym::AgentEntry rescorla_wagner_entry();
