"""run, sweep, presets: the command line's subcommands as functions."""

import json
import os
import re
import tempfile

from ._binary import MetaxbarError, call
from .results import Result, SweepResult


def _json_file(document, folder, name):
    """A dict becomes a JSON file (relative paths inside it stay relative to the caller's
    working directory, as for a file the user wrote)."""
    if isinstance(document, dict):
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            json.dump(document, f, indent=2)
        return path
    return os.fspath(document)


def _set_args(overrides):
    args = []
    for key, value in (overrides or {}).items():
        # JSON for every value, so strings, numbers, lists and objects all mean what they say.
        args += ["--set", f"{key}={json.dumps(value)}"]
    return args


def _wrote(stdout, name):
    match = re.search(r"^wrote (.*)/" + re.escape(name) + r"$", stdout, re.MULTILINE)
    return match.group(1) if match else None


def run(config, seed=None, mode=None, set=None, out=None):
    """Runs one experiment: `metaxbar run CONFIG [--seed] [--mode] [--set k=v]... [--out]`.

    config: a path to a JSON config, or a dict (written to a scratch file).
    set: {key: value} overrides, e.g. {"adc.bits": 6, "task.pairs": [[0, 1], [2, 3]]}.
    out: the output folder; by default the command line's own choice.
    Returns a Result; raises MetaxbarError with the command line's message on failure."""
    with tempfile.TemporaryDirectory(prefix="metaxbar-") as scratch:
        args = ["run", _json_file(config, scratch, "config.json")]
        if seed is not None:
            args += ["--seed", int(seed)]
        if mode is not None:
            args += ["--mode", mode]
        args += _set_args(set)
        if out is not None:
            args += ["--out", os.fspath(out)]
        stdout = call(args)
    folder = os.fspath(out) if out is not None else _wrote(stdout, "summary.json")
    if folder is None:
        raise MetaxbarError("run: the command did not say where it wrote summary.json", args, 0, stdout)
    return Result(folder, stdout=stdout)


def sweep(spec, out, jobs=None, shard=None, allow_mixed=False):
    """Runs a design-space sweep: `metaxbar sweep SWEEP.json --out OUT [-j N] [--shard I/N]
    [--allow-mixed]`.

    spec: a path to a sweep file, or a dict (written to OUT/sweep-spec.json); its "base" is a
    path relative to the working directory or a preset path.
    allow_mixed: resume a folder whose finished points another metaxbar build computed
    (the table's "build" column says which); by default such a folder is refused.
    A sweep with failed points raises MetaxbarError; the folder still holds what finished
    (metaxbar.load(out))."""
    out = os.fspath(out)
    args = ["sweep", _json_file(spec, out, "sweep-spec.json"), "--out", out]
    if jobs is not None:
        args += ["-j", int(jobs)]
    if shard is not None:
        args += ["--shard", shard]
    if allow_mixed:
        args += ["--allow-mixed"]
    stdout = call(args)
    return SweepResult(out, stdout=stdout)


def _preset_listing():
    text = call(["presets"])
    match = re.match(r"^presets in (.*) \(run:", text)
    folder = match.group(1) if match else None
    listing = {}
    for line in text.splitlines():
        entry = re.match(r"^  (\S+\.json)\s+(.*)$", line)
        if entry:
            listing[entry.group(1)] = entry.group(2)
    return folder, listing


def presets():
    """The presets installed beside the binary: {relative path: description}."""
    return _preset_listing()[1]


def preset(name):
    """The full path of a preset, by its relative path ("paper/split_mnist_prob_nmem7.json"),
    for run() or a sweep's "base"."""
    folder, listing = _preset_listing()
    if name not in listing:
        raise MetaxbarError(f"no preset '{name}' (metaxbar.presets() lists {len(listing)})")
    return os.path.join(folder, name)
