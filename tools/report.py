#!/usr/bin/python3
"""Figures (PNG and SVG) and an index.html for metaxbar run and sweep directories.

Usage: metaxbar report RUN_OR_SWEEP_DIR... [--out DIR]
       /usr/bin/python3 tools/report.py RUN_OR_SWEEP_DIR... [--out DIR]

A run directory holds summary.json (`metaxbar run`); a sweep directory holds sweep.json or
results.jsonl (`metaxbar sweep`). The default output is RUN_DIR/report/ for one directory and
traces/report/ for several. The page needs no network: images are relative paths beside it,
styles and the one script are inline. Exit status 2 names a directory that is neither a run
nor a sweep, or a summary that cannot be read.
"""
import argparse
import csv
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Every figure this report shows is computed by metaxbar and read from summary.json /
# pareto.csv (with the arithmetic beside it); this script only lays them out and draws.
PHASE_COLOURS = {"inference": "tab:blue", "learning": "tab:orange"}
COMPONENT_COLOURS = {
    "rng": "tab:purple", "p_table": "tab:cyan", "sram_m": "tab:green", "sram_acc": "tab:red",
    "write_pulses": "tab:orange", "verify_reads": "tab:brown", "total": "0.35",
    "digital_unit": "tab:pink", "sram_hidden": "tab:olive", "sram_optimizer": "tab:gray", "sram_gradient": "tab:blue",
}
class ReportError(Exception):
    """A problem with the inputs the user should fix; reported with exit status 2."""


# ---------------------------------------------------------------------------------------------
# Formatting

def group_digits(value):
    """157200 -> '157 200' (space-grouped, as the SPEC writes counts)."""
    return f"{int(value):,}".replace(",", " ")


def energy_text(pj):
    """A pJ figure in the unit that keeps it readable: '7.062 µJ'."""
    if pj is None:
        return "—"
    magnitude = abs(pj)
    for scale, unit in ((1e9, "mJ"), (1e6, "µJ"), (1e3, "nJ")):
        if magnitude >= scale:
            return f"{pj / scale:.4g} {unit}"
    return f"{pj:.4g} pJ"


def number_text(value, digits=4):
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        return group_digits(value)
    if 1e3 <= abs(value) < 1e15:
        return group_digits(round(value))  # cycles, bits: the fraction is noise at this size
    return f"{value:.{digits}g}"


def pj_text(pj, decimals=3):
    """An exact pJ figure with grouped digits: '7 061 640.782 pJ'."""
    return f"{pj:,.{decimals}f}".replace(",", " ") + " pJ"


def percent_text(fraction):
    return "—" if fraction is None else f"{100 * fraction:.2f} %"


def ratio(numerator, denominator):
    return numerator / denominator if numerator is not None and denominator else None


def dig(document, *keys, default=None):
    """document[k0][k1]... or `default` when any level is missing."""
    for key in keys:
        if not isinstance(document, dict) or key not in document:
            return default
        document = document[key]
    return document


def system_of(summary):
    """'B' for the quantized perceptron (network.kind "qnn"), else 'A': summaries written before
    System B existed name no kind, and are all the spiking network."""
    return "B" if dig(summary, "network", "kind") == "qnn" else "A"


def system_text(summary):
    return "System B (quantized perceptron)" if system_of(summary) == "B" else "System A (spiking network)"


def update_components(summary):
    """The ledger components the chip counts as the parameter update (metaxbar's list)."""
    return list(dig(summary, "energy_pj", "update_components", default={}))


def slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "run"


# ---------------------------------------------------------------------------------------------
# Inputs

class MissingKey(ReportError):
    """A key the report needs is absent from an input file: named with its file and dotted path."""


class Document(dict):
    """A JSON object that remembers where it sits, so that a key the report needs and the file
    lacks is reported as 'FILE: missing key a.b.c' instead of a traceback."""

    def __init__(self, items, origin, path):
        super().__init__(items)
        self.origin, self.path = origin, path

    def __missing__(self, key):
        raise MissingKey(f"{self.origin}: missing key '{'.'.join(self.path + [str(key)])}'")


def tracked(value, origin, path=()):
    """JSON as loaded, every object a Document carrying its file and path."""
    if isinstance(value, dict):
        return Document({k: tracked(v, origin, list(path) + [str(k)]) for k, v in value.items()}, origin, list(path))
    if isinstance(value, list):
        return [tracked(v, origin, list(path) + [str(i)]) for i, v in enumerate(value)]
    return value


def read_json(path, what):
    try:
        with open(path) as f:
            return tracked(json.load(f), path)
    except OSError as error:
        raise ReportError(f"{path}: cannot read {what}: {error.strerror}")
    except ValueError as error:
        raise ReportError(f"{path}: {what} is not valid JSON ({error})")


def load_run(directory):
    path = os.path.join(directory, "summary.json")
    summary = read_json(path, "the run summary")
    # The fields every figure needs; a summary without them is from something else.
    for keys in (("accuracy", "matrix"), ("network", "rule"), ("seed",), ("mode",)):
        if dig(summary, *keys) is None:
            raise ReportError(f"{path}: not a metaxbar run summary (no '{'.'.join(keys)}')")
    return {"kind": "run", "path": directory, "summary": summary}


def read_results(directory):
    """The sweep's results table as a list of dicts, from results.jsonl (typed) or results.csv."""
    jsonl = os.path.join(directory, "results.jsonl")
    if os.path.exists(jsonl):
        rows = []
        with open(jsonl) as f:
            for number, line in enumerate(f, 1):
                if line.strip():
                    try:
                        rows.append(tracked(json.loads(line), f"{jsonl}:{number}"))
                    except ValueError:
                        raise ReportError(f"{jsonl}:{number}: not valid JSON")
        return rows
    table = os.path.join(directory, "results.csv")
    if os.path.exists(table):
        with open(table, newline="") as f:
            return [tracked({k: parse_cell(v) for k, v in row.items()}, f"{table}:{number}")
                    for number, row in enumerate(csv.DictReader(f), 2)]
    raise ReportError(f"{directory}: a sweep directory without results.jsonl or results.csv (has the sweep run?)")


def parse_cell(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        pass
    try:
        return float(text)
    except (TypeError, ValueError):
        return text if text != "" else None


def load_sweep(directory):
    manifest_path = os.path.join(directory, "sweep.json")
    manifest = read_json(manifest_path, "the sweep manifest") if os.path.exists(manifest_path) else {}
    rows = read_results(directory)
    axes = [axis["key"] for axis in manifest.get("axes", []) if "key" in axis]
    if not axes and rows:
        # Without a manifest the axis columns sit between 'index' and 'seed'.
        keys = list(rows[0])
        if "index" in keys and "seed" in keys:
            axes = keys[keys.index("index") + 1:keys.index("seed")]
    return {"kind": "sweep", "path": directory, "manifest": manifest, "rows": rows, "axes": axes}


def load_input(directory):
    if not os.path.isdir(directory):
        raise ReportError(f"{directory}: no such directory")
    if os.path.exists(os.path.join(directory, "sweep.json")) or os.path.exists(os.path.join(directory, "results.jsonl")):
        return load_sweep(directory)
    if not os.path.exists(os.path.join(directory, "summary.json")):
        raise ReportError(f"{directory}: no summary.json (not a run directory) and no sweep.json or results.jsonl "
                          "(not a sweep directory)")
    return load_run(directory)


def assign_labels(items):
    """A short unique label per input (its directory name) and a file-name prefix from it."""
    seen = {}
    for item in items:
        base = os.path.basename(os.path.normpath(item["path"])) or item["path"]
        if base in ("report", "."):
            base = os.path.basename(os.path.dirname(os.path.abspath(item["path"])))
        count = seen.get(base, 0)
        seen[base] = count + 1
        item["label"] = base if count == 0 else f"{base}-{count + 1}"
        item["slug"] = slug(item["label"])


def load_tech(summary):
    """The tech table the run was priced with, as metaxbar recorded it (timed runs)."""
    return summary.get("tech_table", {})


# ---------------------------------------------------------------------------------------------
# The arithmetic behind the update energy and the memory figures

def update_energy_lines(summary, tech=None):
    """The update energy as metaxbar priced it: each component's counts x prices, from summary.json."""
    if summary.get("mode") != "timed":
        return ["functional run: no energy ledger (run with --mode timed for energy and latency)"]
    energy = summary.get("energy_pj", {})
    arithmetic = energy.get("arithmetic", {})
    components = update_components(summary)
    width = max([len(c) for c in components] + [len("per sample")])
    lines = [f"{c:>{width}}: {arithmetic.get(c, pj_text(dig(energy, 'update_components', c, default=0.0)) + ' pJ')}"
             for c in components]
    lines.append(f"{'update':>{width}}: {energy_text(energy.get('update'))} (energy_pj.update, the learning phase of "
                 "the components above)")
    train = dig(summary, "samples", "train", default=0)
    if train:
        lines.append(f"{'per sample':>{width}}: {energy_text(energy.get('update'))} over {train} training samples")
    return lines


def writes_per_synapse(summary):
    """(mean device write pulses per synapse, devices per synapse): the endurance load of one
    synapse, comparable across systems whose synapses hold different numbers of devices."""
    synapses = dig(summary, "memory_bits", "synapses")
    return (ratio(dig(summary, "updates", "write_pulses"), synapses),
            ratio(dig(summary, "endurance", "devices"), synapses))


def system_a_same_size_ratios(memory):
    """System B's hidden weights and whole digital unit against what System A's controller keeps
    for the same synapses: prob_meta's m, grad_acc's m and accumulator."""
    same = memory.get("system_a_same_size", {})
    hidden, unit = memory.get("consolidation_total"), memory.get("digital_unit_total")
    return {
        "hidden_to_prob_meta": ratio(hidden, same.get("prob_meta_total")),
        "unit_to_prob_meta": ratio(unit, same.get("prob_meta_total")),
        "unit_to_grad_acc": ratio(unit, same.get("grad_acc_total")),
    }


def times_text(value):
    return "—" if value is None else f"{value:.2f}x"


def system_b_memory_lines(summary):
    memory = summary.get("memory_bits", {})
    widths, same = memory.get("widths", {}), memory.get("system_a_same_size", {})
    synapses = memory.get("synapses")
    hidden, optimizer, gradient = (memory.get(k) for k in ("consolidation_total", "optimizer_state_total",
                                                           "gradient_buffer_total"))
    ratios = system_a_same_size_ratios(memory)
    b = number_text
    lines = [
        f"widths: hidden weight {widths.get('hidden_bits')} b, device state {widths.get('device_level_bits')} b per "
        f"device; per synapse {b(ratio(optimizer, synapses))} b optimizer state + {b(ratio(gradient, synapses))} b "
        "gradient buffer",
        f"hidden weights (the metaplastic storage) per synapse = {b(hidden)} b / {b(synapses)} synapses = "
        f"{b(memory.get('consolidation_per_synapse'))} b",
        f"digital unit = hidden weights {b(hidden)} b + optimizer state {b(optimizer)} b + gradient buffer "
        f"{b(gradient)} b = {b(memory.get('digital_unit_total'))} b = {b(memory.get('digital_unit_per_synapse'))} b "
        "per synapse",
        f"System A on the same {b(same.get('synapses'))} synapses: prob_meta {b(same.get('prob_meta_total'))} b, "
        f"grad_acc {b(same.get('grad_acc_total'))} b ({same.get('arithmetic', 'no arithmetic in this summary')})",
        f"  hidden weights / System A prob_meta = {b(hidden)} b / {b(same.get('prob_meta_total'))} b = "
        f"{times_text(ratios['hidden_to_prob_meta'])}",
        f"  digital unit / System A prob_meta = {b(memory.get('digital_unit_total'))} b / "
        f"{b(same.get('prob_meta_total'))} b = {times_text(ratios['unit_to_prob_meta'])}",
        f"  digital unit / System A grad_acc = {b(memory.get('digital_unit_total'))} b / "
        f"{b(same.get('grad_acc_total'))} b = {times_text(ratios['unit_to_grad_acc'])}",
    ]
    updates = summary.get("updates", {})
    mean_per_synapse, devices_per_synapse = writes_per_synapse(summary)
    lines.append(f"device writes per synapse (endurance) = {b(updates.get('write_pulses'))} write pulses / "
                 f"{b(synapses)} synapses = {b(mean_per_synapse)} (devices per synapse: {b(devices_per_synapse)}); "
                 f"max {b(updates.get('max_writes_per_device'))} on one device")
    for index, layer in enumerate(updates.get("by_layer", [])):
        lines.append(f"  layer {index}: {b(layer.get('write_pulses'))} write pulses over {b(layer.get('devices'))} "
                     f"devices, mean {b(layer.get('mean_writes_per_device'))}, max "
                     f"{b(layer.get('max_writes_per_device'))} per device")
    lines.append(f"  {b(updates.get('reprogram_events'))} reprogram events, {b(updates.get('verify_reads'))} verify "
                 f"reads, {b(updates.get('verify_failures'))} verify failures, {b(updates.get('optimizer_steps'))} "
                 f"optimizer steps, {b(updates.get('meta_attenuations'))} metaplastic attenuations")
    return lines


def memory_lines(summary):
    memory = summary.get("memory_bits", {})
    rule = dig(summary, "network", "rule", default="?")
    widths = memory.get("widths", {})
    lines = [f"{rule}: {memory.get('arithmetic', '(no arithmetic in this summary)')}"]
    if system_of(summary) == "B":
        lines += system_b_memory_lines(summary)
    else:
        lines += [f"widths: m {widths.get('m_bits')} b, accumulator {widths.get('acc_bits')} b, "
                  f"hidden weight {widths.get('hidden_bits')} b, device state {widths.get('device_level_bits')} b "
                  "per device",
                  f"consolidation per synapse = {number_text(memory.get('consolidation_total'))} b / "
                  f"{number_text(memory.get('synapses'))} synapses = "
                  f"{number_text(memory.get('consolidation_per_synapse'))} b"]
    lines += [f"warning: {w}" for w in memory.get("warnings", [])]
    return lines


def data_signature(summary):
    """What a run trained and tested on: runs with equal signatures saw the same samples' counts."""
    return tuple((t.get("dataset"), t.get("train_samples"), t.get("test_samples")) for t in summary.get("tasks", []))


def grad_acc_reference(run, runs):
    """The grad_acc run `run` is compared with: itself if it is one, else one with the same data and
    seed, else the same data, else the first grad_acc run. None for System B, whose update has
    none of grad_acc's parts and whose network differs in size: no ratio against it means anything."""
    if system_of(run["summary"]) == "B":
        return None
    if dig(run["summary"], "network", "rule") == "grad_acc":
        return run
    candidates = [r for r in runs if dig(r["summary"], "network", "rule") == "grad_acc"
                  and system_of(r["summary"]) == "A"]
    same_data = [r for r in candidates if data_signature(r["summary"]) == data_signature(run["summary"])]
    same_seed = [r for r in same_data if r["summary"].get("seed") == run["summary"].get("seed")]
    for group in (same_seed, same_data, candidates):
        if group:
            return group[0]
    return None


SYSTEM_B_NOT_COMPARED = ("System B: no grad_acc reference, so no update-energy ratio (only System A runs are "
                         "compared); its memory is set against System A on the same synapses")


def comparisons(runs):
    """Per run: its grad_acc reference, the update-energy ratio (total and per training sample)
    and the consolidation-memory saving against it (None where a figure is missing)."""
    rows = []
    for run in runs:
        reference = grad_acc_reference(run, runs)
        s, ref = run["summary"], (reference or {}).get("summary", {})
        energy, ref_energy = dig(s, "energy_pj", "update"), dig(ref, "energy_pj", "update")
        train, ref_train = dig(s, "samples", "train", default=0), dig(ref, "samples", "train", default=0)
        memory, ref_memory = dig(s, "memory_bits", "consolidation_total"), dig(ref, "memory_bits", "consolidation_total")
        rows.append({
            "run": run, "reference": reference, "energy": energy, "ref_energy": ref_energy,
            "energy_ratio": ratio(ref_energy, energy),
            "per_sample": ratio(energy, train), "ref_per_sample": ratio(ref_energy, ref_train),
            "per_sample_ratio": ratio(ratio(ref_energy, ref_train), ratio(energy, train)),
            "memory": memory, "ref_memory": ref_memory,
            "saving": 1 - memory / ref_memory if ref_memory and memory is not None else None,
        })
    return rows


def comparison_lines(runs):
    """The arithmetic of each run's update-energy ratio and memory saving against its grad_acc run."""
    lines = []
    rows = comparisons(runs)
    if not any(row["reference"] for row in rows):
        lines.append("no System A grad_acc run among the inputs: no update-energy ratios to show")
    for row in rows:
        run, reference = row["run"], row["reference"]
        if system_of(run["summary"]) == "B":
            lines.append(f"[{run['label']}] {SYSTEM_B_NOT_COMPARED}")
            continue
        if reference is None or reference is run:
            continue
        rule = dig(run["summary"], "network", "rule")
        lines.append(f"[{run['label']} vs {reference['label']}]")
        if row["energy_ratio"] is not None:
            lines.append(f"  update energy ratio = grad_acc / {rule} = {pj_text(row['ref_energy'])} / "
                         f"{pj_text(row['energy'])} = {row['energy_ratio']:.2f}x")
        if row["per_sample_ratio"] is not None:
            lines.append(f"  per training sample = {pj_text(row['ref_per_sample'], 1)} / {pj_text(row['per_sample'], 1)}"
                         f" = {row['per_sample_ratio']:.2f}x")
        if row["saving"] is not None:
            lines.append(f"  memory saving = 1 - {rule} / grad_acc = 1 - {group_digits(row['memory'])} b / "
                         f"{group_digits(row['ref_memory'])} b = {100 * row['saving']:.1f} %")
    return lines


# ---------------------------------------------------------------------------------------------
# Output files: written under a temporary name beside the target, then renamed

def atomic_write_text(path, text):
    partial = f"{path}.tmp.{os.getpid()}"
    with open(partial, "w") as f:
        f.write(text)
    os.replace(partial, path)


class FigureWriter:
    """Saves matplotlib figures as NAME.png and NAME.svg in the output directory."""

    def __init__(self, out_dir, plt):
        self.out_dir = out_dir
        self.plt = plt

    def save(self, figure, name):
        for extension in ("png", "svg"):
            target = os.path.join(self.out_dir, f"{name}.{extension}")
            partial = f"{target}.tmp.{os.getpid()}"
            figure.savefig(partial, format=extension, dpi=110)
            os.replace(partial, target)
        self.plt.close(figure)
        return name

    def adopt(self, source_png, name):
        """Copies an image pair drawn elsewhere (the sweep's Pareto figure) into the output."""
        for extension in ("png", "svg"):
            source = os.path.splitext(source_png)[0] + "." + extension
            target = os.path.join(self.out_dir, f"{name}.{extension}")
            partial = f"{target}.tmp.{os.getpid()}"
            shutil.copyfile(source, partial)
            os.replace(partial, target)
        return name


# ---------------------------------------------------------------------------------------------
# Figures of one run

def task_names(summary, count):
    names = [t.get("name", str(i)) for i, t in enumerate(summary.get("tasks", []))]
    return (names + [str(i) for i in range(len(names), count)])[:count]


def figure_accuracy_matrix(plt, summary, title):
    matrix = summary["accuracy"]["matrix"]
    size = len(matrix)
    values = [[(100 * v if v is not None else math.nan) for v in row] for row in matrix]
    names = task_names(summary, size)
    figure, axes = plt.subplots(figsize=(1.1 * size + 2.8, 0.9 * size + 2.0))
    image = axes.imshow(values, vmin=0, vmax=100, cmap="viridis")
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if not math.isnan(value):
                axes.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=9,
                          color="black" if value > 60 else "white")
    axes.set_xticks(range(size), names)
    axes.set_yticks(range(size), [f"after {n}" for n in names])
    axes.set_xlabel("tested task")
    axes.set_title(f"{title}\naccuracy % R[i][j] (blank: not yet trained)", fontsize=9)
    figure.colorbar(image, ax=axes, label="accuracy %")
    figure.tight_layout()
    return figure


def figure_task_accuracy(plt, summary, title):
    matrix = summary["accuracy"]["matrix"]
    size = len(matrix)
    names = task_names(summary, size)
    figure, axes = plt.subplots(figsize=(6.4, 4.0))
    for j in range(size):
        xs = [i for i in range(j, size) if matrix[i][j] is not None]
        axes.plot(xs, [100 * matrix[i][j] for i in xs], "o-", label=f"task {names[j]}")
    means = [100 * sum(v for v in row if v is not None) / max(1, sum(v is not None for v in row)) for row in matrix]
    axes.plot(range(size), means, "k--", linewidth=2, label="mean of tasks seen")
    axes.set_xticks(range(size), [f"after {n}" for n in names])
    axes.set_ylim(0, 100)
    axes.set_ylabel("accuracy %")
    axes.set_title(f"{title}\neach task's accuracy across the sequence", fontsize=9)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="lower left")
    figure.tight_layout()
    return figure


def share_bars(axis, items, unit, colour):
    """Horizontal bars of (label, value) on a linear axis, each labelled with its share."""
    items = sorted(items, key=lambda item: item[1])
    total = sum(v for _, v in items)
    axis.barh([k for k, _ in items], [v for _, v in items], color=colour)
    for i, (_, value) in enumerate(items):
        axis.annotate(f" {100 * value / total:.1f} %" if total else "", (value, i), va="center", fontsize=7)
    axis.set_xlim(0, max([v for _, v in items] + [1]) * 1.25)  # room for the share labels
    axis.set_xlabel(unit)
    axis.tick_params(axis="y", labelsize=8)


def figure_energy(plt, summary, title):
    """Energy by component (the ledger's and the static leakage, linear, with shares), by phase,
    and the parameter-update components."""
    energy = summary["energy_pj"]
    static_pj = dig(summary, "static_energy_pj", "total_pj")
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(14, 4.4), gridspec_kw={"width_ratios": [3, 1.2, 2.4]})
    items = [(c, v) for c, v in energy.get("by_component", {}).items() if v > 0]
    if static_pj:
        items.append(("static (leakage)", static_pj))
    share_bars(left, items, "energy (pJ)", "tab:blue")
    left.set_title("by component, share of the total" + (" incl. leakage" if static_pj else ""), fontsize=9)

    phases = energy.get("by_phase", {})
    middle.bar(list(phases), [v / 1e6 for v in phases.values()], color=[PHASE_COLOURS.get(p, "0.5") for p in phases])
    middle.set_ylabel("energy (µJ)")
    middle.set_title("by phase (ledger)", fontsize=9)

    update = energy.get("update_components", {})
    share_bars(right, [(c, update[c]) for c in update_components(summary) if c in update], "energy (pJ)", "tab:orange")
    right.set_title(f"parameter update: {energy_text(energy.get('update'))}", fontsize=9)
    figure.suptitle(f"{title}: energy {energy_text(energy.get('total'))}"
                    + (f" + {energy_text(static_pj)} leakage" if static_pj else ""), fontsize=10)
    figure.tight_layout()
    return figure


def figure_endurance(plt, summary, title):
    endurance = summary.get("endurance", {})
    histogram = endurance.get("histogram", {})
    edges, counts = histogram.get("bin_edges", []), histogram.get("counts", [])
    figure, axes = plt.subplots(figsize=(6.4, 4.0))
    if counts and len(edges) == len(counts) + 1:
        # Trailing empty bins only stretch the axis.
        last = max((i for i, c in enumerate(counts) if c > 0), default=0)
        edges, counts = edges[:last + 2], counts[:last + 1]
        widths = [edges[i + 1] - edges[i] for i in range(len(counts))]
        axes.bar(edges[:-1], [max(c, 0) for c in counts], width=widths, align="edge", color="tab:blue",
                 edgecolor="white")
        axes.set_yscale("log")
    axes.set_xlabel("write pulses per device")
    axes.set_ylabel("devices (log scale)")
    lifetime = endurance.get("projected_lifetime_years")
    lifetime_text = "unbounded (no writes)" if lifetime is None else f"{lifetime:.3g} years"
    axes.set_title(f"{title}: write counts of {number_text(endurance.get('devices'))} devices\n"
                   f"max {endurance.get('max_writes_per_device')}, mean {number_text(endurance.get('mean_writes_per_device'))}; "
                   f"lifetime at {number_text(endurance.get('rated_cycles'))} cycles and "
                   f"{number_text(endurance.get('samples_per_s'))} samples/s: {lifetime_text}", fontsize=8)
    axes.grid(alpha=0.3, axis="y")
    figure.tight_layout()
    return figure


def figure_architect(plt, summary, title):
    """Latency per sample, area by component, and per-tile area and leakage (busy fraction and
    energy per tile when the chip records them)."""
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(14, 4.4), gridspec_kw={"width_ratios": [1.2, 2.4, 2.4]})
    latency = dig(summary, "throughput", "latency_us", default={})
    left.bar(list(latency), list(latency.values()), color=["tab:orange", "tab:blue"][:len(latency)])
    left.set_ylabel("chip latency per sample (µs)")
    left.set_title(f"latency; {number_text(dig(summary, 'throughput', 'samples_per_s'))} samples/s", fontsize=9)
    area = dig(summary, "area_mm2", "by_component", default={})
    share_bars(middle, [(c, v) for c, v in area.items() if v > 0], "area (mm²)", "tab:green")
    middle.set_title(f"area by component: {number_text(dig(summary, 'area_mm2', 'total'))} mm²", fontsize=9)
    tiles = summary.get("per_tile", {})
    names = list(tiles)
    right.bar(range(len(names)), [tiles[n]["leakage_mw"] for n in names], color="tab:purple", label="leakage (mW)")
    busy = [tiles[n].get("busy_fraction") for n in names]
    if any(b is not None for b in busy):
        twin = right.twinx()
        twin.plot(range(len(names)), [b if b is not None else math.nan for b in busy], "o", color="black",
                  label="busy fraction")
        twin.set_ylim(0, 1.05)
        twin.set_ylabel("busy fraction")
    right.set_xticks(range(len(names)), names, fontsize=7, rotation=30, ha="right")
    right.set_ylabel("leakage per tile (mW)")
    right.set_title("per tile" + ("" if any(b is not None for b in busy) else " (no busy times recorded)"), fontsize=9)
    figure.suptitle(f"{title}: {number_text(dig(summary, 'power_mw', 'total'))} mW, "
                    f"{number_text(dig(summary, 'efficiency', 'tops_per_w'))} TOPS/W, "
                    f"{number_text(dig(summary, 'efficiency', 'pj_per_synop'))} pJ per synaptic op", fontsize=10)
    figure.tight_layout()
    return figure


# ---------------------------------------------------------------------------------------------
# Figures across runs

def figure_update_comparison(plt, runs):
    """Grouped bars of update-energy components per System A run, and consolidation bits per
    synapse of every run (System B's stacked with its optimizer state and gradient buffer)."""
    rows = comparisons(runs)
    timed = [row for row in rows
             if row["run"]["summary"].get("mode") == "timed" and system_of(row["run"]["summary"]) == "A"]
    width_in = max(13.0, 4.0 + 1.3 * len(runs))  # room for seven bars per run
    figure, (left, right) = plt.subplots(1, 2, figsize=(width_in, 4.8), gridspec_kw={"width_ratios": [3, 1.4]})
    series = (update_components(timed[0]["run"]["summary"]) if timed else []) + ["total"]
    width = 0.8 / len(series)
    for s_index, component in enumerate(series):
        values = []
        for row in timed:
            energy = row["run"]["summary"]["energy_pj"]
            value = energy.get("update") if component == "total" else dig(energy, "update_components", component)
            values.append(value if value else math.nan)  # no bar for zero on the log axis
        positions = [i + (s_index - (len(series) - 1) / 2) * width for i in range(len(timed))]
        left.bar(positions, values, width=width, label=component, color=COMPONENT_COLOURS.get(component, "0.5"))
        if component == "total":
            for x, value, row in zip(positions, values, timed):
                if row["energy_ratio"] is not None and row["reference"] is not row["run"]:
                    left.annotate(f"{row['energy_ratio']:.1f}x\nless" if row["energy_ratio"] > 1
                                  else f"x{1 / row['energy_ratio']:.2f}", (x, value), textcoords="offset points",
                                  xytext=(0, 3), ha="center", fontsize=7)
    left.set_xticks(range(len(timed)),
                    [f"{row['run']['label']}\n{dig(row['run']['summary'], 'network', 'rule')}" for row in timed],
                    fontsize=7, rotation=30 if len(timed) > 3 else 0, ha="right" if len(timed) > 3 else "center")
    left.set_yscale("log")
    bottom, top = left.get_ylim()
    left.set_ylim(bottom, top * 100)  # headroom for the legend and the ratio labels
    left.set_ylabel("update energy (pJ, log scale; no bar = 0)")
    left.set_title("System A parameter-update energy by component (label: its grad_acc run's energy / this run's)",
                   fontsize=9)
    left.legend(fontsize=7, ncol=len(series), loc="upper left")
    if not timed:
        left.text(0.5, 0.5, "no timed System A run: energy needs --mode timed", ha="center", transform=left.transAxes)

    bits = [dig(row["run"]["summary"], "memory_bits", "consolidation_per_synapse", default=0) for row in rows]
    # System B's digital unit keeps more than its hidden weights; stacking the rest keeps the
    # consolidation bars comparable while not hiding it.
    learning_state = [dig(row["run"]["summary"], "memory_bits", "digital_unit_per_synapse", default=bits[i]) - bits[i]
                      for i, row in enumerate(rows)]
    right.bar(range(len(rows)), bits, color="tab:green", label="consolidation (System B: hidden weights)")
    if any(learning_state):
        right.bar(range(len(rows)), learning_state, bottom=bits, color="tab:gray",
                  label="System B optimizer state + gradient buffer")
        right.legend(fontsize=7, loc="upper left")
    for i, row in enumerate(rows):
        note = f"{bits[i]:g} b" + (f" + {learning_state[i]:g} b" if learning_state[i] else "")
        note += f"\n{100 * row['saving']:.0f} % less" if row["saving"] else ""
        right.annotate(note, (i, bits[i] + learning_state[i]), textcoords="offset points", xytext=(0, 3), ha="center",
                       fontsize=7)
    right.set_xticks(range(len(rows)), [row["run"]["label"] for row in rows], fontsize=7, rotation=30, ha="right")
    right.set_ylabel("bits per synapse")
    right.set_ylim(0, max([b + extra for b, extra in zip(bits, learning_state)] + [1]) * 1.35)
    right.set_title("consolidation memory", fontsize=9)
    figure.tight_layout()
    return figure


# ---------------------------------------------------------------------------------------------
# Sweeps

def draw_sweep_pareto(writer, sweep):
    """The sweep's Pareto figure: tools/plot_pareto.py on a copy of its tables (metaxbar computes the front)."""
    script = os.path.join(REPO, "tools", "plot_pareto.py")
    tables = [os.path.join(sweep["path"], name) for name in ("pareto.csv", "results.csv")]
    name = f"{sweep['slug']}_pareto"
    if os.path.exists(script) and all(os.path.exists(t) for t in tables):
        # A scratch copy, so drawing never writes into the sweep directory others may be using.
        with tempfile.TemporaryDirectory(prefix="mx-report-") as scratch:
            for table in tables:
                shutil.copy(table, scratch)
            proc = subprocess.run([sys.executable, script, scratch], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
            drawn = os.path.join(scratch, "pareto.png")
            if proc.returncode == 0 and os.path.exists(drawn) and os.path.exists(os.path.join(scratch, "pareto.svg")):
                return writer.adopt(drawn, name), "tools/plot_pareto.py"
            print(f"report: plot_pareto.py failed ({proc.stderr.strip() or proc.returncode})", file=sys.stderr)
    return None, None


def sweep_front_rows(sweep):
    """The front as metaxbar wrote it (pareto.csv); none without it."""
    path = os.path.join(sweep["path"], "pareto.csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------------------------------------
# HTML

STYLE = """
body { font-family: sans-serif; margin: 1.5em; max-width: 1400px; color: #222; }
h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ccc; padding-top: 0.5em; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
th { background: #f0f0f0; } td.text, th.text { text-align: left; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
figure { margin: 0.8em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
.figures figure { flex: 1 1 560px; max-width: 100%; } .figures figure.wide { flex-basis: 100%; }
figcaption { font-size: 0.85em; color: #555; }
.note { color: #8a4b00; } #images-loaded { font-size: 0.8em; color: #888; }
"""

# Counts the images that actually decoded, so a headless browser (and a person) can check the
# page shows every figure without a network.
LOAD_CHECK = """
function countLoadedImages() {
  var images = document.images, loaded = 0;
  for (var i = 0; i < images.length; i++) {
    if (images[i].complete && images[i].naturalWidth > 0) loaded++;
  }
  document.getElementById('images-loaded').textContent = loaded + '/' + images.length;
}
if (document.readyState === 'complete') countLoadedImages(); else window.addEventListener('load', countLoadedImages);
"""


def esc(value):
    return html.escape(str(value))


def html_table(header, rows, text_columns=()):
    """Rows of already-formatted cells; columns named in text_columns are left-aligned."""
    def cell(tag, column, value):
        cls = ' class="text"' if column in text_columns else ""
        return f"<{tag}{cls}>{esc(value)}</{tag}>"
    head = "".join(cell("th", i, h) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def html_figure(name, caption, wide=False):
    # Multi-panel figures get the page's full width; the others sit two to a row.
    style = ' class="wide"' if wide else ""
    return (f'<figure{style}><a href="{esc(name)}.svg"><img src="{esc(name)}.png" alt="{esc(caption)}"></a>'
            f'<figcaption>{esc(caption)} (<a href="{esc(name)}.svg">SVG</a>)</figcaption></figure>')


def html_pre(lines):
    return "<pre>" + esc("\n".join(lines)) + "</pre>"


def memory_rows(summary):
    """Key-number rows of the memory the learning keeps beside the devices."""
    memory = summary.get("memory_bits", {})
    b = number_text
    if system_of(summary) == "A":
        return [("consolidation memory", f"{b(memory.get('consolidation_total'))} b "
                                         f"({b(memory.get('consolidation_per_synapse'))} b per synapse)")]
    same = memory.get("system_a_same_size", {})
    ratios = system_a_same_size_ratios(memory)
    mean_per_synapse, devices_per_synapse = writes_per_synapse(summary)
    return [
        ("hidden weights (consolidation memory)", f"{b(memory.get('consolidation_total'))} b "
                                                  f"({b(memory.get('consolidation_per_synapse'))} b per synapse)"),
        ("optimizer state / gradient buffer", f"{b(memory.get('optimizer_state_total'))} b / "
                                              f"{b(memory.get('gradient_buffer_total'))} b"),
        ("digital unit total", f"{b(memory.get('digital_unit_total'))} b "
                               f"({b(memory.get('digital_unit_per_synapse'))} b per synapse)"),
        ("System A on the same synapses", f"prob_meta {b(same.get('prob_meta_total'))} b, grad_acc "
                                          f"{b(same.get('grad_acc_total'))} b over {b(same.get('synapses'))} synapses; "
                                          f"hidden weights {times_text(ratios['hidden_to_prob_meta'])} prob_meta, "
                                          f"digital unit {times_text(ratios['unit_to_prob_meta'])} prob_meta, "
                                          f"{times_text(ratios['unit_to_grad_acc'])} grad_acc"),
        ("device writes per synapse (mean)", f"{b(mean_per_synapse)} (devices per synapse: {b(devices_per_synapse)})"),
    ]


def key_numbers(run):
    s = run["summary"]
    energy, latency, endurance, memory = (s.get(k, {}) for k in ("energy_pj", "latency", "endurance", "memory_bits"))
    timed = s.get("mode") == "timed"
    lifetime = endurance.get("projected_lifetime_years")
    rows = [
        ("seed", s.get("seed")), ("mode", s.get("mode")), ("network", system_text(s)),
        ("rule", dig(s, "network", "rule")),
        ("dataset", ", ".join(sorted({t.get("dataset", "?") for t in s.get("tasks", [])}))),
        ("tasks", len(s.get("tasks", []))),
        ("training / test samples", f"{number_text(dig(s, 'samples', 'train'))} / {number_text(dig(s, 'samples', 'test'))}"),
        ("final mean accuracy", percent_text(dig(s, "accuracy", "final_mean"))),
        ("backward transfer (bwt)", f"{100 * dig(s, 'accuracy', 'bwt', default=0):+.2f} points"),
        ("write pulses", number_text(dig(s, "updates", "write_pulses"))),
    ]
    if timed:
        rows += [
            ("energy total", energy_text(energy.get("total"))),
            ("energy inference / learning", f"{energy_text(dig(energy, 'by_phase', 'inference'))} / "
                                            f"{energy_text(dig(energy, 'by_phase', 'learning'))}"),
            ("parameter-update energy", energy_text(energy.get("update"))),
            ("energy per sample (train / test)", f"{energy_text(dig(energy, 'per_sample', 'train'))} / "
                                                 f"{energy_text(dig(energy, 'per_sample', 'test'))}"),
            ("cycles per sample (train / test)", f"{number_text(dig(latency, 'cycles_per_sample', 'train'))} / "
                                                 f"{number_text(dig(latency, 'cycles_per_sample', 'test'))}"),
            ("chip time", f"{number_text(latency.get('sim_time_s'))} s at {latency.get('clock_hz', 0) / 1e9:g} GHz"),
        ]
        if "area_mm2" in s:
            rows += [
                ("latency per sample (train / test)", f"{number_text(dig(s, 'throughput', 'latency_us', 'train'))} / "
                                                      f"{number_text(dig(s, 'throughput', 'latency_us', 'test'))} µs"),
                ("area", f"{number_text(dig(s, 'area_mm2', 'total'))} mm²"),
                ("power (static / dynamic, simulated rate)",
                 f"{number_text(dig(s, 'power_mw', 'static'))} / {number_text(dig(s, 'power_mw', 'dynamic'))} mW"),
                ("static (leakage) energy", energy_text(dig(s, "static_energy_pj", "total_pj"))),
                ("pJ per synaptic op; TOPS/W; TOPS/mm²",
                 f"{number_text(dig(s, 'efficiency', 'pj_per_synop'))}; {number_text(dig(s, 'efficiency', 'tops_per_w'))}; "
                 f"{number_text(dig(s, 'efficiency', 'tops_per_mm2'))}"),
                ("synaptic op", dig(s, "efficiency", "synaptic_op", default="—")),
            ]
    else:
        rows.append(("energy, latency", "functional run: none (run with --mode timed)"))
    rows += memory_rows(s)
    rows += [
        ("device state", f"{number_text(memory.get('device_state_total'))} b"),
        ("memory arithmetic", memory.get("arithmetic", "—")),
        ("max / mean writes per device", f"{endurance.get('max_writes_per_device')} / "
                                         f"{number_text(endurance.get('mean_writes_per_device'))}"),
        ("projected lifetime", "unbounded (no writes)" if lifetime is None else
         f"{lifetime:.3g} years at {number_text(endurance.get('rated_cycles'))} rated cycles, "
         f"{number_text(endurance.get('samples_per_s'))} training samples/s"),
        ("devices past rated cycles", number_text(endurance.get("devices_past_rated_cycles"))),
    ]
    return html_table(["quantity", "value"], rows, text_columns=(0, 1))


def component_table(summary):
    """Every ledger component: energy, operations charged and metaxbar's arithmetic for it."""
    energy = summary["energy_pj"]
    rows = []
    for component, pj in energy.get("by_component", {}).items():
        rows.append((component, pj_text(pj), number_text(dig(energy, "operations", component, default=0)),
                     dig(energy, "arithmetic", component, default="—")))
    return html_table(["component", "energy pJ", "operations", "counts x prices"], rows, text_columns=(0, 3))


def tech_table(tech, names):
    rows = []
    for name in names:
        entry = tech.get(name, {})
        figure = entry.get("energy_pj", entry.get("value"))
        unit = "pJ" if "energy_pj" in entry else ""

        def shown(key):
            return f"{entry[key]:g}" if key in entry else "—"
        rows.append((name, f"{figure:g} {unit}".strip() if figure is not None else "—", shown("latency_ns"),
                     shown("area_um2"), shown("leakage_uw"), shown("node_nm"), entry.get("source", "")))
    return html_table(["entry", "energy / value", "latency ns", "area µm²", "leakage µW", "node nm", "source"], rows,
                      text_columns=(0, 6))


def run_section(run, figures):
    s, tech = run["summary"], run["tech"]
    parts = [f'<h2 id="run-{esc(run["slug"])}">Run {esc(run["label"])}</h2>',
             f'<p class="text">{esc(os.path.abspath(run["path"]))}</p>', key_numbers(run)]
    for warning in dig(s, "memory_bits", "warnings", default=[]):
        parts.append(f'<p class="note">memory warning: {esc(warning)}</p>')
    parts.append('<div class="figures">' + "".join(
        html_figure(name, caption, wide=name.endswith("_energy")) if name else f'<p class="note">{esc(caption)}</p>'
        for name, caption in figures)
        + "</div>")
    parts.append("<h3>Memory: the arithmetic</h3>" + html_pre(memory_lines(s)))
    parts.append("<h3>Parameter-update energy: counts x constants</h3>" + html_pre(update_energy_lines(s, tech)))
    if s.get("mode") == "timed":
        parts.append("<h3>Energy ledger by component</h3>" + component_table(s))
    if tech:
        parts.append("<details><summary>The tech table this run was priced with</summary>" +
                     tech_table(tech, sorted(tech)) + "</details>")
    return "\n".join(parts)


def learning_state_bits(summary):
    """The bits the learning keeps beside the devices: System A's consolidation memory (m, and
    grad_acc's accumulators); System B's digital unit (hidden weights, optimizer state, gradients)."""
    memory = summary.get("memory_bits", {})
    return memory.get("digital_unit_total" if system_of(summary) == "B" else "consolidation_total")


def system_memory_table(runs):
    """System B's memory and device writes beside System A's, with each System B run's own count
    of System A on the same synapses (the System A runs given may be another size)."""
    rows = []
    for run in runs:
        s = run["summary"]
        memory, same = s.get("memory_bits", {}), dig(s, "memory_bits", "system_a_same_size", default={})
        synapses, bits = memory.get("synapses"), learning_state_bits(s)
        mean_per_synapse, _ = writes_per_synapse(s)
        rows.append((run["label"], system_text(s), dig(s, "network", "rule"), number_text(synapses),
                     number_text(memory.get("consolidation_per_synapse")), number_text(ratio(bits, synapses)),
                     number_text(bits),
                     f"{number_text(same.get('prob_meta_total'))} / {number_text(same.get('grad_acc_total'))}"
                     if same else "—",
                     times_text(system_a_same_size_ratios(memory)["unit_to_prob_meta"]) if same else "—",
                     number_text(mean_per_synapse), number_text(dig(s, "updates", "max_writes_per_device"))))
    header = ["run", "network", "rule", "synapses", "consolidation b / synapse", "learning state b / synapse",
              "learning state b", "System A on the same synapses: prob_meta / grad_acc b",
              "learning state / that prob_meta", "device writes / synapse (mean)", "max writes / device"]
    return html_table(header, rows, text_columns=(0, 1, 2))


def comparison_section(runs, figure_name):
    table = []
    for row in comparisons(runs):
        s, reference = row["run"]["summary"], row["reference"]
        system_b = system_of(s) == "B"
        table.append((row["run"]["label"], dig(s, "network", "rule") + (" (System B)" if system_b else ""),
                      s.get("mode"), percent_text(dig(s, "accuracy", "final_mean")), energy_text(row["energy"]),
                      energy_text(row["per_sample"]),
                      reference["label"] if reference else ("none (System B)" if system_b else "—"),
                      f"{row['energy_ratio']:.2f}x" if row["energy_ratio"] else "—",
                      number_text(dig(s, "memory_bits", "consolidation_per_synapse")), number_text(row["memory"]),
                      percent_text(row["saving"])))
    header = ["run", "rule", "mode", "final mean accuracy", "update energy", "update energy / training sample",
              "grad_acc run compared with", "grad_acc / run (update energy)", "consolidation b / synapse",
              "consolidation b total", "memory saving vs grad_acc"]
    parts = ['<h2 id="compare">Compared rules</h2>',
             "<p>Each run is compared with the grad_acc run of the same data and seed (else the same data, "
             "else the first grad_acc run).</p>", html_table(header, table, text_columns=(0, 1, 2, 6))]
    if figure_name:
        parts.append(html_figure(figure_name, "update energy by component per run, and consolidation memory", wide=True))
    parts.append(html_pre(comparison_lines(runs)))
    if {system_of(run["summary"]) for run in runs} == {"A", "B"}:
        parts.append("<h3>System B vs System A memory</h3>"
                     "<p>Learning state: System A's consolidation memory (m, and grad_acc's accumulators); System "
                     "B's digital unit (hidden weights, optimizer state, gradient buffer).</p>" +
                     system_memory_table(runs))
    return "\n".join(parts)


def sweep_section(sweep, pareto_name, drawn_by):
    parts = [f'<h2 id="sweep-{esc(sweep["slug"])}">Sweep {esc(sweep["label"])}</h2>',
             f'<p class="text">{esc(os.path.abspath(sweep["path"]))}: {esc(sweep["manifest"].get("description", ""))}</p>']
    rows = sweep["rows"]
    ok = sum(r.get("status") == "ok" for r in rows)
    parts.append(f"<p>{len(rows)} points, {ok} ok, {len(rows) - ok} not ok; axes: {esc(', '.join(sweep['axes']) or 'none')}</p>")
    if pareto_name:
        parts.append(html_figure(pareto_name, f"accuracy vs energy, Pareto fronts (drawn by {drawn_by})"))
    else:
        parts.append('<p class="note">no finished point has both an accuracy and an energy: no Pareto figure '
                     "(energy needs mode timed)</p>")
    front = sweep_front_rows(sweep)
    if front:
        header = list(front[0])
        parts.append("<h3>Pareto front</h3>" + html_table(header, [[number_text(parse_cell(r.get(h))) if isinstance(
            r.get(h), str) else number_text(r.get(h)) for h in header] for r in front], text_columns=(0,)))
    if rows:
        header = [h for h in rows[0] if h != "point"]
        shown = rows[:500]
        table_rows = [[number_text(r.get(h)) if not isinstance(r.get(h), (list, dict)) else json.dumps(r.get(h))
                       for h in header] for r in shown]
        parts.append("<h3>Results</h3>" + html_table(header, table_rows, text_columns=(header.index("status"),)
                                                     if "status" in header else ()))
        if len(rows) > len(shown):
            parts.append(f"<p>first {len(shown)} of {len(rows)} rows; the whole table is results.csv</p>")
    return "\n".join(parts)


def page(runs, sweeps, body):
    links = [f'<a href="#run-{esc(r["slug"])}">{esc(r["label"])}</a>' for r in runs]
    links += [f'<a href="#sweep-{esc(s["slug"])}">{esc(s["label"])}</a>' for s in sweeps]
    if len(runs) > 1:
        links.insert(0, '<a href="#compare">compared rules</a>')
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>metaxbar report</title>"
            f"<style>{STYLE}</style></head><body>\n<h1>metaxbar report</h1>\n"
            f"<p>{len(runs)} run(s), {len(sweeps)} sweep(s): {' · '.join(links)}</p>\n{body}\n"
            f'<p id="images-loaded">images not counted (scripts off)</p>\n<script>{LOAD_CHECK}</script>\n'
            "</body></html>\n")


# ---------------------------------------------------------------------------------------------

def default_out(directories):
    if len(directories) == 1:
        return os.path.join(directories[0], "report")
    return os.path.join("traces", "report")


def build(items, out_dir, plt):
    writer = FigureWriter(out_dir, plt)
    runs = [i for i in items if i["kind"] == "run"]
    sweeps = [i for i in items if i["kind"] == "sweep"]
    sections, printed = [], []
    if len(runs) > 1:
        name = writer.save(figure_update_comparison(plt, runs), "compare_update_energy")
        sections.append(comparison_section(runs, name))
        printed += ["== compared rules"] + comparison_lines(runs)
    for run in runs:
        s, title = run["summary"], f"{run['label']} ({dig(run['summary'], 'network', 'rule')}, seed {run['summary']['seed']})"
        run["tech"] = load_tech(s)
        figures = [
            (writer.save(figure_accuracy_matrix(plt, s, title), f"{run['slug']}_accuracy_matrix"),
             "accuracy matrix: R[i][j] after training task i, tested on task j"),
            (writer.save(figure_task_accuracy(plt, s, title), f"{run['slug']}_task_accuracy"),
             "accuracy of each task across the sequence"),
        ]
        if s.get("mode") == "timed" and "energy_pj" in s:
            figures.append((writer.save(figure_energy(plt, s, title), f"{run['slug']}_energy"),
                            "energy by component (linear, with shares), by phase, and the parameter-update components"))
            if "area_mm2" in s:
                figures.append((writer.save(figure_architect(plt, s, title), f"{run['slug']}_architect"),
                                "latency per sample, area by component, leakage per tile"))
        else:
            figures.append((None, "functional run: no energy breakdown (energy needs --mode timed)"))
        figures.append((writer.save(figure_endurance(plt, s, title), f"{run['slug']}_endurance"),
                        "write-count histogram (endurance)"))
        sections.append(run_section(run, figures))
        printed += [f"== {run['label']}"] + memory_lines(s) + update_energy_lines(s, run["tech"])
    for sweep in sweeps:
        pareto_name, drawn_by = draw_sweep_pareto(writer, sweep)
        sections.append(sweep_section(sweep, pareto_name, drawn_by))
    atomic_write_text(os.path.join(out_dir, "index.html"), page(runs, sweeps, "\n".join(sections)))
    return printed


def main(argv):
    parser = argparse.ArgumentParser(prog="metaxbar report", description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="+", metavar="RUN_OR_SWEEP_DIR")
    parser.add_argument("--out", help="output directory (default: RUN_DIR/report for one input, traces/report)")
    args = parser.parse_args(argv)
    try:
        items = [load_input(d) for d in args.directories]
    except ReportError as error:
        print(f"report: error: {error}", file=sys.stderr)
        return 2
    assign_labels(items)
    try:
        import matplotlib
        matplotlib.use("Agg")  # no display on build machines and cluster nodes
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"report: error: matplotlib is missing for {sys.executable} "
              "(Debian: apt-get install python3-matplotlib; run with /usr/bin/python3)", file=sys.stderr)
        return 3
    out_dir = args.out or default_out(args.directories)
    os.makedirs(out_dir, exist_ok=True)
    try:
        printed = build(items, out_dir, plt)
    except ReportError as error:
        print(f"report: error: {error}", file=sys.stderr)
        return 2
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        # A value of the wrong kind (a string where a number belongs, a short list): the
        # inputs are named, as the key path is not known here.
        inputs = ", ".join(os.path.join(i["path"], "summary.json" if i["kind"] == "run" else "") for i in items)
        print(f"report: error: {inputs}: malformed input ({type(error).__name__}: {error})", file=sys.stderr)
        return 2
    print("\n".join(printed))
    print(f"wrote {os.path.join(out_dir, 'index.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
