#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite: ctest (C++), then pytest (the Python
# package, installed into .venv/). SGYM_SANITIZE=1 builds and tests the C++ side with
# AddressSanitizer + UndefinedBehaviorSanitizer instead (the Python module is not built then).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
if [ "${SGYM_SANITIZE:-0}" = "1" ]; then
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  ctest --preset asan
  exit 0
fi

# the venv with the module's build tools, its dependencies and pytest (created once, refreshed)
scripts/python-venv.sh
py="$PWD/.venv/bin/python"
# one C++ build: the release preset with the module on; pip then installs from the same build
# directory, so nothing is compiled twice
cmake --preset release -DSGYM_BUILD_PYTHON=ON -DPython_EXECUTABLE="$py" \
      -Dpybind11_DIR="$("$py" -m pybind11 --cmakedir)" >/dev/null
cmake --build --preset release
ctest --preset release
"$py" -m pip install --quiet --no-build-isolation -Cbuild-dir=build/release \
  -Ccmake.define.SGYM_BUILD_TESTS=ON -Ccmake.define.SGYM_WITH_SFML=ON .
# pytest's status counts: a failure, an error or no test collected (exit 5) fails the script
"$py" -m pytest -q -p no:cacheprovider python/tests
