#!/usr/bin/env bash
# Long libFuzzer runs of the readers (tests/fuzz/): a clang build with -DMX_FUZZ=ON in
# build-fuzz/, then each target for SECONDS (default 600) on its seed corpus. Findings land
# in build-fuzz/findings/<target>/; the exit status is non-zero when any target found one.
#
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]   (targets: config level_table tech sweep idx)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(config level_table tech sweep idx)

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DMX_FUZZ=ON \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
nice cmake --build build-fuzz -j2 --target "${targets[@]/#/fuzz_}"

status=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/fuzz-corpus/$t" "build-fuzz/findings/$t"
  echo "fuzz: $t for ${seconds}s"
  if ! SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "build-fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=4096 \
      -artifact_prefix="build-fuzz/findings/$t/" -print_final_stats=1 \
      "build-fuzz/fuzz-corpus/$t" "tests/fuzz/corpus/$t" 2>"build-fuzz/findings/$t/log.txt"; then
    status=1
    echo "fuzz: $t FOUND something: build-fuzz/findings/$t/"
  fi
  grep -E "^stat::number_of_executed_units|^stat::new_units_added|cov: " "build-fuzz/findings/$t/log.txt" | tail -3 || true
done
exit $status
