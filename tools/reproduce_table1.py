#!/usr/bin/python3
"""Reproduce System A's published grid (SPEC §1.7): every preset over N seeds, in parallel
processes, then a markdown table of ours (mean ± std) beside the paper's figures.

Usage: tools/reproduce_table1.py [--seeds 1 2 3] [-j 2] [--out traces/table1] [--only SUBSTRING]
                                 [--mode timed|functional] [--metaxbar build/metaxbar] [--set key=value ...]
Runs that already have a summary.json in their folder are not run again. The default mode is
timed, so the table has the parameter-update energy beside the accuracy and the memory.
"""
import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys

# (preset, dataset, column, paper mean %, paper std %): SPEC §1.7, mean ± std over 5 runs.
GRID = [
    ("split_mnist_prob_nmem1", "split-MNIST", "prob. n_mem 1", 81.14, 1.54),
    ("split_mnist_prob_nmem2", "split-MNIST", "prob. n_mem 2", 82.67, 1.21),
    ("split_mnist_prob_nmem7", "split-MNIST", "prob. n_mem 7", 83.70, 0.78),
    ("split_mnist_gradacc_nmem7", "split-MNIST", "grad-acc n_mem 7", 83.18, 0.42),
    ("split_mnist_none_nmem7", "split-MNIST", "none n_mem 7", None, None),
    ("split_fmnist_prob_nmem1", "split-Fashion-MNIST", "prob. n_mem 1", 92.56, 1.49),
    ("split_fmnist_prob_nmem2", "split-Fashion-MNIST", "prob. n_mem 2", 92.42, 0.63),
    ("split_fmnist_prob_nmem7", "split-Fashion-MNIST", "prob. n_mem 7", 93.23, 0.14),
    ("split_fmnist_gradacc_nmem7", "split-Fashion-MNIST", "grad-acc n_mem 7", 92.33, 0.27),
    ("split_fmnist_none_nmem7", "split-Fashion-MNIST", "none n_mem 7", None, None),
]
PAPER_CLAIMS = ("Paper (SPEC §1): prob. metaplasticity needs ~67 % less memory for the consolidation parameters and "
                "up to ~60x less parameter-update energy than grad-acc, at equal accuracy.")


def run_directory(preset, seed, out_root, mode):
    # The mode is in the folder name: a functional run has no energy to reuse for a timed table.
    return os.path.join(out_root, f"{preset}-{mode}-seed{seed}")


def run(metaxbar, preset, seed, out_root, overrides, mode):
    out = run_directory(preset, seed, out_root, mode)
    summary_path = os.path.join(out, "summary.json")
    if not os.path.exists(summary_path):
        cmd = [metaxbar, "run", f"configs/paper/{preset}.json", "--seed", str(seed), "--out", out, "--mode", mode]
        for assignment in overrides:
            cmd += ["--set", assignment]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{preset} seed {seed}: {proc.stderr.strip()}")
    with open(summary_path) as f:
        return json.load(f)


def mean_std(values):
    if not values:
        return float("nan"), float("nan")
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def update_energy_per_sample(summary):
    """Parameter-update energy per training sample in nJ, or None for a functional run."""
    update = summary.get("energy_pj", {}).get("update")
    return update / 1e3 / max(1, summary["samples"]["train"]) if update is not None else None


def memory_cells(runs):
    """Consolidation bits per synapse and in total (the same for every seed of a preset)."""
    if not runs:
        return "—", "—"
    memory = runs[0]["memory_bits"]
    return f"{memory['consolidation_per_synapse']:g}", f"{memory['consolidation_total']:,}".replace(",", " ")


def run_grid(metaxbar, grid, seeds, out, jobs, overrides, mode, collect_only=False):
    """Runs every (preset, seed) of `grid` in `jobs` processes; returns ({preset: [summary]}, [failure]).
    collect_only: run nothing, take the runs that have a summary."""
    todo = [(row, seed) for row in grid for seed in seeds
            if not collect_only or os.path.exists(os.path.join(run_directory(row[0], seed, out, mode), "summary.json"))]
    results = {row[0]: [] for row in grid}
    failures = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run, metaxbar, row[0], seed, out, overrides, mode): (row, seed) for row, seed in todo}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            row, seed = futures[future]
            try:
                summary = future.result()
                results[row[0]].append(summary)
                print(f"[{done}/{len(todo)}] {row[0]} seed {seed}: "
                      f"{summary['accuracy']['final_mean']:.4f}", file=sys.stderr)
            except RuntimeError as error:
                failures.append(str(error))
                print(f"[{done}/{len(todo)}] FAILED {error}", file=sys.stderr)
    for runs in results.values():
        runs.sort(key=lambda summary: summary["seed"])
    return results, failures


def full_table(grid, results, seeds, mode):
    lines = ["| dataset | rule | ours: final mean accuracy % (mean ± std, seeds "
             + " ".join(map(str, seeds)) + ") | paper % | consolidation b/synapse | consolidation b total "
             "| update energy nJ / training sample | max writes/device | wall s/run |",
             "|---|---|---|---|---|---|---|---|---|"]
    for preset, dataset, column, paper_mean, paper_std in grid:
        runs = results[preset]
        if not runs:
            lines.append(f"| {dataset} | {column} | missing (no run) | | | | | | |")
            continue
        accuracy = mean_std([100 * r["accuracy"]["final_mean"] for r in runs])
        writes = max((r["updates"]["max_writes_per_device"] for r in runs), default=0)
        wall = mean_std([r["wall_s"] for r in runs])[0]
        paper = f"{paper_mean:.2f} ± {paper_std:.2f}" if paper_mean is not None else "—"
        per_synapse, total = memory_cells(runs)
        energies = [e for e in map(update_energy_per_sample, runs) if e is not None]
        energy = f"{statistics.mean(energies):,.1f}".replace(",", " ") if energies else f"— ({mode})"
        lines.append(f"| {dataset} | {column} | {accuracy[0]:.2f} ± {accuracy[1]:.2f} (n={len(runs)}) "
                     f"| {paper} | {per_synapse} | {total} | {energy} | {writes} | {wall:.0f} |")
    lines += ["", PAPER_CLAIMS + " Ours: memory from memory.m_bits / memory.acc_bits, update energy from the "
              "timed ledger (energy_pj.update); tools/compare_update_energy.py compares them across sizes."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default="traces/table1")
    parser.add_argument("--only", default="", help="run only presets whose name contains this")
    parser.add_argument("--metaxbar", default="build/metaxbar")
    parser.add_argument("--set", action="append", default=[], help="override for every run")
    parser.add_argument("--mode", choices=["timed", "functional"], default="timed",
                        help="timed (default) records energy; functional is faster and has none")
    args = parser.parse_args()
    grid = [row for row in GRID if args.only in row[0]]
    results, failures = run_grid(args.metaxbar, grid, args.seeds, args.out, args.j, args.set, args.mode)
    table = full_table(grid, results, args.seeds, args.mode)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "table1.md.tmp"), "w") as f:
        f.write(table)
    os.replace(os.path.join(args.out, "table1.md.tmp"), os.path.join(args.out, "table1.md"))
    print(table)
    if failures:
        sys.exit("reproduce_table1: failed runs:\n" + "\n".join(failures))


if __name__ == "__main__":
    main()
