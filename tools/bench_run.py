#!/usr/bin/env python3
"""Benchmark whole runs: wall time, training throughput and peak memory of `metaxbar run`.

Usage: tools/bench_run.py [--repeat N] [--metaxbar build/metaxbar] CONFIG [-- extra run args]

Each repetition is a separate process; the script prints every repetition and the median,
so a noisy shared machine shows up as spread instead of hiding in a single number.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(metaxbar, config, extra):
    """One `metaxbar run` in its own process: wall seconds, that process's CPU seconds and
    peak RSS in KiB (from wait4, so each run's figures are its own), and its summary."""
    out = tempfile.mkdtemp(prefix="mx-bench-")
    with tempfile.TemporaryFile(mode="w+") as errors:
        start = time.monotonic()
        proc = subprocess.Popen([metaxbar, "run", config, "--out", out] + extra,
                                stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit(f"bench_run: {config} failed:\n{errors.read()}")
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, summary


def parse_bench_args(doc):
    """CONFIG, --repeat, --metaxbar, and everything else passed on to `metaxbar run`."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("config")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--metaxbar", default="build/metaxbar")
    args, extra = parser.parse_known_args()
    return args, [a for a in extra if a != "--"]


def main():
    args, extra = parse_bench_args(__doc__)
    walls, cpus, rates = [], [], []
    peak = 0
    for i in range(args.repeat):
        wall, cpu, peak_kib, summary = run_once(args.metaxbar, args.config, extra)
        peak = max(peak, peak_kib)
        walls.append(wall)
        cpus.append(cpu)
        rates.append(summary["train_samples_per_s"])
        print(f"run {i + 1}: wall {wall:.1f} s, CPU {cpu:.1f} s, {summary['train_samples_per_s']:.0f} train samples/s, "
              f"final mean accuracy {summary['accuracy']['final_mean']:.4f}, mode {summary['mode']}, "
              f"seed {summary['seed']}")
    print(f"median wall {statistics.median(walls):.1f} s, median CPU {statistics.median(cpus):.1f} s, "
          f"median {statistics.median(rates):.0f} train samples/s, "
          f"peak RSS {peak / 1024:.0f} MiB ({args.repeat} run(s) of {args.config})")


if __name__ == "__main__":
    main()
