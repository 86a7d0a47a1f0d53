#!/usr/bin/env bash
# Installs the build in BUILD_DIR to a staging prefix, builds examples/custom_agent against it as
# an out-of-tree project, runs its program, and loads its plugin into the installed sgym command,
# including the plugin error paths. Run by ctest (test "example: out-of-tree agent and plugin").
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
work="$build/example-test"
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/stage" >/dev/null
# a sanitizer build's libraries need the sanitizer runtime in whatever links them
flags=()
if grep -q "^SGYM_SANITIZE:BOOL=ON" "$build/CMakeCache.txt"; then
  san="-fsanitize=address,undefined -fno-omit-frame-pointer"
  flags=(-DCMAKE_CXX_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san" -DCMAKE_MODULE_LINKER_FLAGS="$san")
fi
cmake -S "$src/examples/custom_agent" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$work/stage" "${flags[@]}" >/dev/null
cmake --build "$work/build" -j2 >/dev/null

"$work/build/rescorla_wagner_demo" "$work/run" | tee "$work/demo.txt"
grep -q "PASS save/load reproduces the next episode" "$work/demo.txt"
test -f "$work/run/summary.json"

sgym="$work/stage/bin/sgym"
"$sgym" run --agent-plugin "$work/build/librescorla_wagner.so" --env Pavlovian-v0 --agent rescorla-wagner \
  --episodes 50 --seed 2 --out "$work/plugin-run" | grep -q "| Pavlovian-v0 | rescorla-wagner |"

# a missing file, a library without the entry point: clear usage errors (exit 2), no crash
expect_usage_error() {
  local what=$1; shift
  set +e
  out=$("$@" 2>&1); code=$?
  set -e
  if [ "$code" -ne 2 ] || ! grep -q -- "$what" <<<"$out"; then
    echo "expected exit 2 and '$what', got $code: $out" >&2
    exit 1
  fi
}
expect_usage_error "no such file" "$sgym" run --agent-plugin "$work/nothing.so" --env Pavlovian-v0 --agent random --out "$work/x"
expect_usage_error "has no entry point" "$sgym" run --agent-plugin "$(ls /usr/lib/x86_64-linux-gnu/libz.so.1 2>/dev/null || ls /lib/*/libz.so.1 | head -1)" --env Pavlovian-v0 --agent random --out "$work/x"
echo "example: out-of-tree agent and plugin OK"
