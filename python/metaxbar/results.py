"""What a run or a sweep wrote, as Python objects: dicts and pandas DataFrames."""

import json
import os

from ._binary import MetaxbarError


def _read_csv(path):
    import pandas  # imported on use: summary-only scripts need no pandas

    return pandas.read_csv(path)


def _optional(path):
    return path if os.path.exists(path) else None


class Result:
    """One run's folder: summary.json as .summary, energy.csv as .energy (timed runs), the
    trace files as paths (None when the run did not write them)."""

    def __init__(self, folder, stdout=""):
        self.dir = os.fspath(folder)
        self.stdout = stdout
        path = os.path.join(self.dir, "summary.json")
        try:
            with open(path) as f:
                self.summary = json.load(f)
        except OSError as e:
            raise MetaxbarError(f"{path}: cannot read ({e.strerror})") from None
        except ValueError as e:
            raise MetaxbarError(f"{path}: not valid JSON ({e})") from None
        self.timeline = _optional(os.path.join(self.dir, "timeline.json"))
        self.vcd = _optional(os.path.join(self.dir, "signals.vcd"))
        self._energy = None

    @property
    def energy(self):
        """energy.csv (one row per sample, energy per component in pJ, cycles), or None for a
        functional run."""
        path = os.path.join(self.dir, "energy.csv")
        if self._energy is None and os.path.exists(path):
            self._energy = _read_csv(path)
        return self._energy

    @property
    def accuracy(self):
        """The final mean accuracy over the tasks."""
        return self.summary["accuracy"]["final_mean"]

    @property
    def accuracy_matrix(self):
        """accuracy.matrix as a DataFrame: row i = after training task i, column j = task j."""
        import pandas

        matrix = self.summary["accuracy"]["matrix"]
        names = [t["name"] for t in self.summary.get("tasks", [])] or None
        return pandas.DataFrame(matrix, index=names, columns=names, dtype=float)

    def __repr__(self):
        return f"metaxbar.Result({self.dir!r}, accuracy={self.accuracy:.4f}, mode={self.summary.get('mode')!r})"


class SweepResult:
    """A sweep's folder: results.csv as .results, pareto.csv as .pareto, the manifest
    (sweep.json) as .manifest, each point's run as .point(id)."""

    def __init__(self, folder, stdout=""):
        self.dir = os.fspath(folder)
        self.stdout = stdout
        table = os.path.join(self.dir, "results.csv")
        if not os.path.exists(table):
            raise MetaxbarError(f"{self.dir}: no results.csv (not a sweep folder, or a shard not merged yet)")
        self.results = _read_csv(table)
        pareto = os.path.join(self.dir, "pareto.csv")
        self.pareto = _read_csv(pareto) if os.path.exists(pareto) else None
        self.figure = _optional(os.path.join(self.dir, "pareto.png"))
        manifest = os.path.join(self.dir, "sweep.json")
        self.manifest = None
        if os.path.exists(manifest):
            with open(manifest) as f:
                self.manifest = json.load(f)

    def point(self, point_id):
        """The run of one point (its `point` column) as a Result."""
        return Result(os.path.join(self.dir, "points", point_id))

    def __repr__(self):
        return f"metaxbar.SweepResult({self.dir!r}, points={len(self.results)})"


def load(folder):
    """A run folder (summary.json) as a Result, a sweep folder (results.csv) as a SweepResult."""
    folder = os.fspath(folder)
    if os.path.exists(os.path.join(folder, "summary.json")):
        return Result(folder)
    if os.path.exists(os.path.join(folder, "results.csv")):
        return SweepResult(folder)
    raise MetaxbarError(f"{folder}: neither a run folder (summary.json) nor a sweep folder (results.csv)")
