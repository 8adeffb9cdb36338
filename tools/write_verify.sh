#!/bin/sh
# README's write-verify table: one timed run per level-table spread and verify setting, printing
# accuracy, pulses, verify reads and failures, the most-written device, cycles and energy per
# training sample.
# Usage: tools/write_verify.sh [METAXBAR] (default build/metaxbar), from the repository root.
bin=${1:-build/metaxbar}
out=$(mktemp -d)
for sigma in 0.05 0.15; do
  for verify in false true; do
    nice "$bin" run configs/default.json --mode timed --out "$out" --set data.train_samples=1000 \
      --set data.test_samples=300 --set 'task.pairs=[[0,1]]' \
      --set "device.levels={\"count\":16,\"g_min_us\":10,\"g_max_us\":100,\"sigma_frac\":$sigma,\"spacing\":\"conductance\"}" \
      --set controller.write_verify=$verify > /dev/null 2>&1 || { echo "FAILED sigma $sigma verify $verify"; continue; }
    python3 -c "
import json, sys
s = json.load(open(sys.argv[1] + '/summary.json'))
u = s['updates']
print('| %s | %s | %.4f | %d | %d | %d | %d | %.0f | %.1f |' % (sys.argv[2], sys.argv[3], s['accuracy']['matrix'][-1][-1],
      u['write_pulses'], u['verify_reads'], u['verify_failures'], u['max_writes_per_device'],
      s['latency']['cycles_per_sample']['train'], s['energy_pj']['per_sample']['train'] / 1e3))" "$out" "$sigma" "$verify"
  done
done
rm -rf "$out"
