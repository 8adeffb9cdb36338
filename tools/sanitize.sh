#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer: a build with
# -DMX_SANITIZE=address,undefined in build-asan/, then ctest there. Any sanitizer report
# aborts its test (-fno-sanitize-recover), so "100% tests passed" means no report.
#
# Usage: tools/sanitize.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMX_SANITIZE=address,undefined \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
nice cmake --build build-asan -j2
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
start=$(date +%s)
ctest --test-dir build-asan --output-on-failure -j2 "$@"
echo "sanitize: suite took $(( $(date +%s) - start )) s"
