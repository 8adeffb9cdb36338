#!/usr/bin/env python3
"""Timed mode against functional mode on the same config and seed: wall time of each (runs
alternate, so load on a shared machine hits both alike), the median ratio, and a check that
both computed the same accuracies, write counts and spike counts bit for bit.

Usage: tools/bench_modes.py [--repeat N] [--metaxbar build/metaxbar] CONFIG [-- extra run args]
"""
import statistics
import sys

from bench_run import parse_bench_args, run_once

# What both modes must compute identically; a network reports the sections it has (spikes:
# System A; digital_unit: System B).
SAME = ["accuracy", "updates", "spikes", "digital_unit", "samples"]


def main():
    args, extra = parse_bench_args(__doc__)
    extra += ["--set", "trace.window_samples=0"]
    walls = {"functional": [], "timed": []}
    cpus = {"functional": [], "timed": []}
    summaries = {}
    for i in range(args.repeat):
        for mode in ("functional", "timed"):
            wall, cpu, peak_kib, summary = run_once(args.metaxbar, args.config, extra + ["--mode", mode])
            walls[mode].append(wall)
            cpus[mode].append(cpu)
            summaries[mode] = summary
            print(f"run {i + 1} {mode:10s}: wall {wall:6.1f} s, CPU {cpu:6.1f} s, peak RSS {peak_kib / 1024:.0f} MiB, "
                  f"final mean accuracy {summary['accuracy']['final_mean']:.4f}, seed {summary['seed']}")
    f, t = statistics.median(walls["functional"]), statistics.median(walls["timed"])
    print(f"median wall: functional {f:.1f} s, timed {t:.1f} s, ratio timed/functional {t / f:.2f}")
    f, t = statistics.median(cpus["functional"]), statistics.median(cpus["timed"])
    print(f"median CPU:  functional {f:.1f} s, timed {t:.1f} s, ratio timed/functional {t / f:.2f}")
    # Each timed run follows its functional run, so a pair shares the machine's load of the
    # moment: on a shared host the median of the pairs' ratios moves less than the ratio of
    # the medians.
    pairs = [t / f for f, t in zip(cpus["functional"], cpus["timed"])]
    print(f"CPU ratio per pair: {', '.join(f'{r:.2f}' for r in pairs)}; median {statistics.median(pairs):.2f}")
    timed = summaries["timed"]
    print(f"timed: {timed['energy_pj']['per_sample']['train'] / 1e6:.3f} uJ and "
          f"{timed['latency']['cycles_per_sample']['train']:.0f} cycles per training sample, "
          f"{timed['energy_pj']['per_sample']['test'] / 1e6:.3f} uJ and "
          f"{timed['latency']['cycles_per_sample']['test']:.0f} cycles per test sample")
    functional = summaries["functional"]
    compared = [key for key in SAME if key in functional or key in timed]
    mismatches = [key for key in compared if functional.get(key) != timed.get(key)]
    if mismatches:
        sys.exit(f"bench_modes: timed and functional differ in {', '.join(mismatches)}")
    print(f"timed and functional agree bit for bit on {', '.join(compared)}")


if __name__ == "__main__":
    main()
