"""Drive metaxbar from Python and notebooks.

    import metaxbar
    r = metaxbar.run("configs/paper/split_fmnist_prob_nmem7.json", seed=2, mode="timed",
                     set={"adc.bits": 6, "data.train_samples": 2000}, out="traces/adc6")
    r.summary["accuracy"]["final_mean"]      # summary.json as a dict
    r.energy                                  # energy.csv as a pandas DataFrame (timed runs)
    s = metaxbar.sweep("configs/sweeps/adc_bits.json", out="traces/sweep-adc", jobs=2)
    s.results                                 # results.csv as a DataFrame, one row per point

Every call runs the metaxbar binary in its own process (SystemC elaborates a design once
per process), so functional and timed runs both work, any number of times. The binary is
$METAXBAR_BINARY if set, else the one installed beside this package, else `metaxbar` on
PATH. A failed command raises MetaxbarError carrying the command line's one-line message.
"""

from ._binary import MetaxbarError, binary, version
from .results import Result, SweepResult, load
from .api import preset, presets, run, sweep

__all__ = ["MetaxbarError", "Result", "SweepResult", "binary", "load", "preset", "presets", "run", "sweep", "version"]
