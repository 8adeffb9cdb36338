"""The Python package as a notebook user meets it: runs (functional and timed) come back as
a summary dict and pandas tables, a sweep as its results table, load() reopens both, and a
bad config raises MetaxbarError carrying the command line's own one-line message.

ctest runs this with METAXBAR_BINARY set to the build's binary and PYTHONPATH to python/."""

import json
import os
import subprocess
import tempfile
import unittest

import pandas

import metaxbar

FASHION = "/usr/share/datasets/fashion-mnist"


def tiny_config(**extra):
    config = {"data": {"dir": FASHION, "train_samples": 200, "test_samples": 100},
              "task": {"pairs": [[0, 1], [2, 3]]}}
    config.update(extra)
    return config


class PackageTest(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory(prefix="mx_python_")
        self.dir = self.scratch.name

    def tearDown(self):
        self.scratch.cleanup()

    def test_functional_run_returns_its_summary(self):
        result = metaxbar.run(tiny_config(), seed=3, set={"rule.kind": "grad_acc"}, out=os.path.join(self.dir, "a"))
        self.assertEqual(result.summary["seed"], 3)
        self.assertEqual(result.summary["config"]["rule"]["kind"], "grad_acc")
        self.assertEqual(result.summary["mode"], "functional")
        self.assertIsNone(result.energy)  # a functional run has no energy.csv
        self.assertIsNone(result.timeline)
        self.assertEqual(result.accuracy, result.summary["accuracy"]["final_mean"])
        self.assertEqual(result.accuracy_matrix.shape, (2, 2))
        self.assertTrue(pandas.isna(result.accuracy_matrix.iloc[0, 1]))  # task 2 untrained after task 1
        self.assertIn("commit", result.summary["build"])
        again = metaxbar.load(result.dir)
        self.assertEqual(again.summary, result.summary)

    def test_timed_run_gives_energy_table_and_traces(self):
        result = metaxbar.run(tiny_config(), mode="timed", set={"adc.bits": 6}, out=os.path.join(self.dir, "t"))
        energy = result.energy
        self.assertIsInstance(energy, pandas.DataFrame)
        samples = result.summary["samples"]
        self.assertEqual(len(energy), samples["train"] + samples["test"])
        self.assertIn("total_pj", energy.columns)
        self.assertGreater(energy["total_pj"].sum(), 0)
        self.assertTrue(os.path.exists(result.timeline))
        self.assertEqual(result.summary["config"]["adc"]["bits"], 6)

    def test_errors_carry_the_command_lines_message(self):
        config = os.path.join(self.dir, "bad.json")
        with open(config, "w") as f:
            f.write('{"tile": {"rowz": 4}}')
        cli = subprocess.run([metaxbar.binary(), "run", config], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        self.assertNotEqual(cli.returncode, 0)
        line = [l for l in cli.stderr.splitlines() if l.startswith("metaxbar: error: ")][0]
        with self.assertRaises(metaxbar.MetaxbarError) as caught:
            metaxbar.run(config, out=os.path.join(self.dir, "never"))
        self.assertEqual("metaxbar: error: " + str(caught.exception), line)
        self.assertIn("did you mean 'tile.rows'", str(caught.exception))
        self.assertNotEqual(caught.exception.returncode, 0)
        with self.assertRaises(metaxbar.MetaxbarError) as bad_value:
            metaxbar.run(tiny_config(), set={"adc.bits": 99}, out=os.path.join(self.dir, "never"))
        self.assertIn("adc.bits", str(bad_value.exception))
        with self.assertRaises(metaxbar.MetaxbarError):
            metaxbar.load(self.dir)  # neither a run nor a sweep folder

    def test_sweep_returns_its_results_table(self):
        base = os.path.join(self.dir, "base.json")
        with open(base, "w") as f:
            json.dump(tiny_config(), f)
        spec = {"base": base, "axes": {"rule.kind": ["prob_meta", "none"]}, "seeds": [1]}
        result = metaxbar.sweep(spec, out=os.path.join(self.dir, "sweep"), jobs=2)
        self.assertEqual(len(result.results), 2)
        self.assertEqual(sorted(result.results["rule.kind"]), ["none", "prob_meta"])
        self.assertTrue((result.results["status"] == "ok").all())
        point = result.point(result.results["point"][0])
        self.assertEqual(point.summary["seed"], 1)
        self.assertIsInstance(metaxbar.load(result.dir), metaxbar.SweepResult)
        self.assertEqual(set(result.results["build"]), {metaxbar.version()[len("metaxbar "):]})

        # A finished point from another build: refused with the command line's line naming
        # both builds, kept with allow_mixed and the mixture in the table's build column.
        summary_path = os.path.join(point.dir, "summary.json")
        with open(summary_path) as f:
            summary = json.load(f)
        summary["build"]["commit"] = "0badc0ffee00"
        with open(summary_path, "w") as f:
            json.dump(summary, f)
        with self.assertRaises(metaxbar.MetaxbarError) as refused:
            metaxbar.sweep(spec, out=result.dir, jobs=1)
        self.assertIn(point.dir + ": finished by metaxbar", str(refused.exception))
        self.assertIn("(commit 0badc0ffee00), this is " + metaxbar.version(), str(refused.exception))
        mixed = metaxbar.sweep(spec, out=result.dir, jobs=1, allow_mixed=True)
        self.assertEqual(len(set(mixed.results["build"])), 2)
        self.assertIn("points from 2 builds", mixed.stdout)

    def test_version_and_presets(self):
        self.assertTrue(metaxbar.version().startswith("metaxbar "))
        presets = metaxbar.presets()
        self.assertIn("paper/split_fmnist_prob_nmem7.json", presets)
        self.assertIn("probabilistic metaplasticity", presets["paper/split_fmnist_prob_nmem7.json"])
        path = metaxbar.preset("paper/split_fmnist_prob_nmem7.json")
        self.assertTrue(os.path.isfile(path), path)
        with self.assertRaises(metaxbar.MetaxbarError):
            metaxbar.preset("paper/no_such.json")

    def test_a_wrong_binary_is_named(self):
        saved = os.environ.get("METAXBAR_BINARY")
        os.environ["METAXBAR_BINARY"] = os.path.join(self.dir, "no-such-binary")
        try:
            with self.assertRaises(metaxbar.MetaxbarError) as caught:
                metaxbar.version()
            self.assertIn("METAXBAR_BINARY", str(caught.exception))
        finally:
            if saved is None:
                del os.environ["METAXBAR_BINARY"]
            else:
                os.environ["METAXBAR_BINARY"] = saved


if __name__ == "__main__":
    unittest.main()
