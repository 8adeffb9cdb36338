#!/bin/sh
# The README's chip-description table: one timed run per setting of the chip description,
# printing cycles and energy per training and test sample and the accuracy matrix.
# Usage: tools/chip_keys.sh [METAXBAR] (default build/metaxbar), from the repository root.
bin=${1:-build/metaxbar}
out=$(mktemp -d)
for s in "" "chip.cores_per_layer=2" "chip.controllers=layer" "chip.controllers=tile" "chip.rngs=tile" \
         "rng.draws_per_cycle=4" "sram.banks=4" "tile.write_drivers=2" "chip.write_budget=1" "chip.pipeline=true"; do
  set=""; [ -n "$s" ] && set="--set $s"
  nice "$bin" run configs/default.json --mode timed --out "$out" --set data.train_samples=1000 \
    --set data.test_samples=500 --set 'task.pairs=[[0,1]]' $set > /dev/null 2>&1 || { echo "FAILED $s"; continue; }
  python3 -c "
import json, sys
s = json.load(open(sys.argv[1] + '/summary.json'))
l, e = s['latency']['cycles_per_sample'], s['energy_pj']['per_sample']
print('| %-24s | %8.0f | %8.0f | %8.1f | %8.1f | %s |' % (sys.argv[2], l['train'], l['test'], e['train'] / 1e3,
                                                           e['test'] / 1e3, s['accuracy']['matrix']))" "$out" "${s:-default}"
done
rm -rf "$out"
