#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite through ctest.
# SGYM_SANITIZE=1 builds and tests with AddressSanitizer + UndefinedBehaviorSanitizer instead.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
preset=release
[ "${SGYM_SANITIZE:-0}" = "1" ] && preset=asan
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset"
