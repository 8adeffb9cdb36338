#!/usr/bin/python3
"""ADC resolution against accuracy and energy, the way one would explore it in a notebook.

Each `# %%` block is a notebook cell (Jupyter, VS Code and Spyder run them one at a time);
as a script it runs top to bottom:

    PYTHONPATH=<prefix>/lib/python3.11/dist-packages python3 examples/adc_bits_sweep.py
    python3 examples/adc_bits_sweep.py --train-samples 1000 --seeds 1 --out traces/adc-example

It sweeps adc.bits over System A's split-Fashion-MNIST preset on the timed chip, then plots
the final mean accuracy against the chip energy per sample, one point per ADC width (mean
over seeds, with the seeds' spread), and writes the figure beside the sweep.
"""

# %% Parameters
import argparse

import matplotlib

matplotlib.use("Agg")  # a script draws to a file; in a notebook, drop this line
import matplotlib.pyplot as plt

import metaxbar

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--bits", type=int, nargs="+", default=[0, 3, 4, 5, 6, 8], help="ADC widths (0 = ideal)")
parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
parser.add_argument("--train-samples", type=int, default=2000)
parser.add_argument("--test-samples", type=int, default=500)
parser.add_argument("--jobs", type=int, default=2)
parser.add_argument("--out", default="traces/example-adc-bits")
args, _ = parser.parse_known_args()  # tolerate a notebook kernel's own arguments

# %% Run the sweep (one process per point; points already finished are reused)
spec = {
    "description": "examples/adc_bits_sweep.py: adc.bits against accuracy and energy per sample",
    "base": metaxbar.preset("paper/split_fmnist_prob_nmem7.json"),
    "axes": {"adc.bits": args.bits},
    "seeds": args.seeds,
    "set": {"mode": "timed", "data.train_samples": args.train_samples, "data.test_samples": args.test_samples},
}
sweep = metaxbar.sweep(spec, out=args.out, jobs=args.jobs)
print(sweep)

# %% Energy per sample of every point, from its own summary
table = sweep.results[sweep.results["status"] == "ok"].copy()
samples = [sum(metaxbar.load(f"{args.out}/points/{p}").summary["samples"].values()) for p in table["point"]]
table["energy_per_sample_nj"] = table["energy_pj.total"] / samples / 1000.0
by_bits = table.groupby("adc.bits").agg(accuracy=("accuracy.final_mean", "mean"),
                                        accuracy_spread=("accuracy.final_mean", "std"),
                                        energy_nj=("energy_per_sample_nj", "mean"))
print(by_bits.to_string(float_format=lambda x: f"{x:.4f}"))

# %% Accuracy against energy per sample
figure, axes = plt.subplots(figsize=(6, 4))
axes.errorbar(by_bits["energy_nj"], by_bits["accuracy"], yerr=by_bits["accuracy_spread"].fillna(0), fmt="o-",
              capsize=3)
for bits, row in by_bits.iterrows():
    axes.annotate("ideal" if bits == 0 else f"{bits} b", (row["energy_nj"], row["accuracy"]),
                  textcoords="offset points", xytext=(5, -12))
axes.set_xlabel("chip energy per sample (nJ)")
axes.set_ylabel("final mean accuracy")
axes.set_title("split-Fashion-MNIST, System A: ADC resolution")
axes.grid(alpha=0.3)
figure.tight_layout()
path = f"{args.out}/accuracy_vs_energy.png"
figure.savefig(path, dpi=150)
print("wrote", path)
