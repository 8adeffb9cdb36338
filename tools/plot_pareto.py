#!/usr/bin/env python3
"""Draw the Pareto fronts of a sweep: DIR/pareto.png and DIR/pareto.svg.

Usage: tools/plot_pareto.py DIR

Reads DIR/pareto.csv (written by `metaxbar sweep` and `metaxbar sweep merge`) and
DIR/results.csv. One panel per front: every finished run in grey, every design point (the
mean over its seeds) as a blue ring, and the front in red, labelled with its axis values. Exits 3 when matplotlib is
missing, so callers can skip the figure quietly (Debian: apt-get install python3-matplotlib).
"""
import csv
import math
import os
import sys


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    directory = argv[1]
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display on build machines and cluster nodes
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_pareto: matplotlib is not installed", file=sys.stderr)
        return 3

    pareto_path = os.path.join(directory, "pareto.csv")
    with open(pareto_path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
    if not header or "cost_column" not in header or "seeds" not in header:
        print(f"plot_pareto: {pareto_path}: not a pareto table", file=sys.stderr)
        return 1
    axis_keys = header[header.index("cost_column") + 1 : header.index("seeds")]
    front_rows = read_csv(pareto_path)
    results = [r for r in read_csv(os.path.join(directory, "results.csv")) if r.get("status") == "ok"]

    columns = list(dict.fromkeys(r["cost_column"] for r in front_rows))
    if not columns:
        print("plot_pareto: no front to draw (no finished point has the accuracy and a cost)")
        return 0

    figure, panels = plt.subplots(1, len(columns), figsize=(6.4 * len(columns), 4.8), squeeze=False)
    for panel, column in zip(panels[0], columns):
        runs = [(number(r.get(column)), number(r.get("accuracy.final_mean"))) for r in results]
        runs = [(c, a) for c, a in runs if c is not None and a is not None]
        front = sorted(
            (float(r["cost"]), float(r["accuracy.final_mean"]), r) for r in front_rows if r["cost_column"] == column
        )
        designs = {}
        for r in results:
            cost, accuracy = number(r.get(column)), number(r.get("accuracy.final_mean"))
            if cost is not None and accuracy is not None:
                designs.setdefault(tuple(r.get(k) for k in axis_keys), []).append((cost, accuracy))
        means = [tuple(sum(v) / len(v) for v in zip(*points)) for points in designs.values()]
        if runs:
            panel.scatter(*zip(*runs), s=8, color="0.75", label="runs (each seed)")
        if means:
            panel.scatter(*zip(*means), s=30, facecolors="none", edgecolors="tab:blue", label="design points (seed means)")
        panel.plot([c for c, _, _ in front], [a for _, a, _ in front], "o-", color="tab:red",
                   label="Pareto front (seed means)", drawstyle="steps-post")
        for cost, accuracy, row in front:
            label = ", ".join(f"{k}={row[k]}" for k in axis_keys) or "base"
            panel.annotate(label, (cost, accuracy), textcoords="offset points", xytext=(4, -10), fontsize=7)
        costs = [c for c, _ in runs] + [c for c, _, _ in front]
        if costs and min(costs) > 0 and max(costs) / min(costs) > 100:
            panel.set_xscale("log")
        notes = {r["note"] for r in front_rows if r["cost_column"] == column and r.get("note")}
        panel.set_title(f"accuracy vs {column}" + ("\n" + "; ".join(sorted(notes)) if notes else ""), fontsize=9)
        panel.set_xlabel(f"{column} (lower is better)")
        panel.set_ylabel("accuracy.final_mean (higher is better)")
        panel.grid(alpha=0.3)
        panel.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    for extension in ("png", "svg"):
        # Drawn beside and renamed, so a crash never leaves half a figure under the real name.
        target = os.path.join(directory, f"pareto.{extension}")
        partial = f"{target}.tmp.{os.getpid()}.{extension}"
        figure.savefig(partial, dpi=150)
        os.replace(partial, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
