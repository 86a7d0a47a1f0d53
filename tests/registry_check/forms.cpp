// Fixture of the registry check (cmake/registry_sources.cmake, tests/CMakeLists.txt): the forms of an
// entry function's definition the check recognises, and two it must not take for one. Never compiled.
#include "sgym/registry.hpp"

namespace sgym {

EnvEntry plain_entry() { return {}; }

sgym::EnvEntry qualified_entry() { return {}; }

  EnvEntry indented_entry() { return {}; }

EnvEntry brace_below_entry()
{
  return {};
}

EnvEntry declared_only_entry();  // a declaration, not a definition
// EnvEntry commented_out_entry() { return {}; }

}  // namespace sgym
