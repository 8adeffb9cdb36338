#!/usr/bin/python3
"""Draw the Pareto fronts of a sweep: DIR/pareto.png and DIR/pareto.svg.

Usage: tools/plot_pareto.py DIR

Reads DIR/pareto.csv (written by `metaxbar sweep` and `metaxbar sweep merge`) and
DIR/results.csv. One panel per front: every finished run in grey, every design point (the
mean over its seeds, as metaxbar wrote it) as a blue ring, and the front in red, labelled with
its axis values in plain words. Design points that tie (the same cost and accuracy, as tile,
mesh or clock sweeps give, since learning is identical across them) share one marker and one
label. Seed spread is drawn as error bars when pareto.csv carries it (columns
accuracy.final_mean_std / cost_std). The legend sits below the axes, so it covers no point.
Exits 3 when matplotlib is missing, so callers can skip the figure quietly (Debian: apt-get
install python3-matplotlib). Draws only: the front and its means are metaxbar's.
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


# Plain words for the keys sweeps vary and the costs they plot.
ACRONYMS = {"adc": "ADC", "dac": "DAC", "rng": "RNG", "noc": "NoC", "sram": "SRAM", "lfsr": "LFSR", "trng": "TRNG",
            "mm2": "mm²", "pj": "pJ", "mw": "mW", "us": "µs", "hz": "Hz", "nmem": "n_mem", "tops": "TOPS"}
WORDS = {"adc.columns_per_adc": "columns per ADC", "clock.frequency_hz": "clock (Hz)", "tile.rows": "tile rows",
         "tile.cols": "tile columns", "device.n_mem": "devices per synapse", "rule.kind": "rule",
         "accuracy.final_mean": "final mean accuracy", "energy_pj.total": "energy of the whole run (pJ)",
         "energy_pj.update": "update energy of the whole run (pJ)",
         "energy_pj.per_sample.train": "energy per training sample (pJ)",
         "energy_pj.update_per_sample": "update energy per training sample (pJ)",
         "area_mm2.total": "chip area (mm²)", "throughput.latency_us.train": "latency per training sample (µs)",
         "efficiency.pj_per_synop": "pJ per synaptic operation"}


def plain(key):
    """'adc.columns_per_adc' -> 'columns per ADC'; unknown keys: their words, acronyms upper-cased."""
    if key in WORDS:
        return WORDS[key]
    words = key.replace(".", " ").replace("_", " ").split()
    return " ".join(ACRONYMS.get(w.lower(), w) for w in words)


def value_text(text):
    value = number(text)
    if value is None:
        return str(text).strip('"')
    return f"{value:g}"


def design_label(row, axis_keys):
    return ", ".join(f"{plain(k)} {value_text(row[k])}" for k in axis_keys) or "base"


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

    figure, panels = plt.subplots(1, len(columns), figsize=(6.4 * len(columns), 5.4), squeeze=False)
    for panel, column in zip(panels[0], columns):
        runs = [(number(r.get(column)), number(r.get("accuracy.final_mean"))) for r in results]
        runs = [(c, a) for c, a in runs if c is not None and a is not None]
        # Rows compare on their numbers only (a tie must not fall through to the rows
        # themselves); tied points become one marker with every design's label.
        tied = {}
        for r in front_rows:
            if r["cost_column"] == column:
                tied.setdefault((float(r["cost"]), float(r["accuracy.final_mean"])), []).append(r)
        front = [(cost, accuracy, rows) for (cost, accuracy), rows in sorted(tied.items(), key=lambda item: item[0])]
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
        errors = [(number(rows[0].get("cost_std")), number(rows[0].get("accuracy.final_mean_std"))) for _, _, rows in front]
        if any(e != (None, None) for e in errors):
            panel.errorbar([c for c, _, _ in front], [a for _, a, _ in front],
                           xerr=[e[0] or 0 for e in errors], yerr=[e[1] or 0 for e in errors], fmt="none",
                           ecolor="tab:red", alpha=0.5, capsize=2, label="seed spread (std)")
        for cost, accuracy, rows in front:
            label = " = ".join(design_label(row, axis_keys) for row in rows)
            panel.annotate(label, (cost, accuracy), textcoords="offset points", xytext=(4, -10), fontsize=7)
        costs = [c for c, _ in runs] + [c for c, _, _ in front]
        if costs and min(costs) > 0 and max(costs) / min(costs) > 100:
            panel.set_xscale("log")
        notes = {r["note"] for r in front_rows if r["cost_column"] == column and r.get("note")}
        panel.set_title(f"accuracy vs {plain(column)}" + ("\n" + "; ".join(sorted(notes)) if notes else ""), fontsize=9)
        panel.set_xlabel(f"{plain(column)} (lower is better)")
        panel.set_ylabel("final mean accuracy (higher is better)")
        panel.grid(alpha=0.3)
        # Below the axes: a legend inside them would hide points.
        panel.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
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
