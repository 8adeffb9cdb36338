#!/usr/bin/python3
"""Accuracy against deployed time for one or more lifetime runs (summary.json with a
`lifetime` section, from `metaxbar run configs/life/*.json`): the mean accuracy over the
tasks learned so far at every evaluation, log time axis, task arrivals marked.

    tools/plot_lifetime.py RUN_DIR... [--out FIGURE.png] [--no-plot]

It also prints, per run, the mean accuracy at every evaluation and the energy figures of the
`lifetime` section (energy per day, average power, battery life). The numbers are the
simulator's; this script only prints and draws them."""
import argparse
import json
import os
import sys


def load(run_dir):
    path = os.path.join(run_dir, "summary.json")
    try:
        with open(path) as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"plot_lifetime: {path}: {e}")
    if "lifetime" not in summary:
        sys.exit(f"plot_lifetime: {path}: no lifetime section (run a config with schedule.task_times)")
    return summary


def print_table(run, s):
    life = s["lifetime"]
    print(f'{run}: rule {s["network"].get("rule", "?")}')
    for e in life["evaluations"]:
        accuracy = " ".join(f"{a:.4f}" for a in e["accuracy"])
        print(f'  {e["time_days"]:9.2f} d  tasks {e["after_tasks"]}  mean {e["mean"]:.4f}  per task {accuracy}')
    energy = life["energy"]
    if "per_day_j" in energy:
        life_days = energy.get("battery_life_days")
        print(f'  energy per day {energy["per_day_j"]:.6g} J, average power {energy["average_power_uw"]:.6g} uW, '
              f'battery {energy["battery_mwh"]:g} mWh lasts '
              + (f"{life_days:.6g} d" if life_days is not None else "forever"))
    else:
        print(f'  energy: {energy.get("note", "not known")}')
    wear = life["wear"]
    print(f'  max writes per device {wear["max_writes_per_device"]}, first device past its rated cycles after '
          f'{wear["first_device_past_rated_days"]} d')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--out", default="lifetime.png")
    parser.add_argument("--no-plot", action="store_true", help="print the table only")
    args = parser.parse_args()
    for run in args.runs:
        print_table(run, load(run))
    if args.no_plot:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    day = 86400.0
    arrivals = None
    for run in args.runs:
        s = load(run)
        life = s["lifetime"]
        times = [e["time_s"] / day for e in life["evaluations"] if e["after_tasks"] > 0]
        means = [e["mean"] for e in life["evaluations"] if e["after_tasks"] > 0]
        # The accuracy right after each task's training belongs on the curve too.
        matrix = s["accuracy"]["matrix"]
        for i, end in enumerate(life["task_end_s"]):
            row = matrix[i][: i + 1]
            times.append(end / day)
            means.append(sum(row) / len(row))
        points = sorted(zip(times, means))
        label = f'{s["network"].get("rule", "?")} ({os.path.basename(os.path.normpath(run))})'
        ax.plot([t for t, _ in points], [m for _, m in points], marker="o", label=label)
        arrivals = arrivals or life["task_start_s"]
    for i, start in enumerate(arrivals or []):
        t = max(start / day, 1e-3)
        ax.axvline(t, color="grey", lw=0.8, ls=":")
        ax.text(t, 0.02, f"task {i + 1}", rotation=90, fontsize=7, color="grey", va="bottom")
    ax.set_xscale("log")
    ax.set_xlabel("deployed time (days, log)")
    ax.set_ylabel("mean accuracy over the tasks learned so far")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
