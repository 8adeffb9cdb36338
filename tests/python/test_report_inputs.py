"""tools/report.py on summaries that are partial or malformed (a run killed mid-write by an
older build, a file edited by hand): one line naming the file and the missing key, a non-zero
exit, never a Python traceback.

ctest runs this with METAXBAR_BINARY set to the build's binary and PYTHONPATH to python/."""

import copy
import json
import os
import subprocess
import tempfile
import unittest

import metaxbar

REPORT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools", "report.py")
FASHION = "/usr/share/datasets/fashion-mnist"


class ReportInputsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.TemporaryDirectory(prefix="mx_report_inputs_")
        config = {"data": {"dir": FASHION, "train_samples": 200, "test_samples": 100}, "task": {"pairs": [[0, 1]]}}
        run = metaxbar.run(config, mode="timed", out=os.path.join(cls.scratch.name, "run"))
        cls.summary = run.summary

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def report_on(self, name, text):
        folder = os.path.join(self.scratch.name, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "summary.json"), "w") as f:
            f.write(text)
        proc = subprocess.run(["/usr/bin/python3", REPORT, folder, "--out", os.path.join(folder, "report")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("Traceback", proc.stderr)
        lines = proc.stderr.splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertTrue(lines[0].startswith("report: error: " + os.path.join(folder, "summary.json") + ": "), lines[0])
        return lines[0]

    def mutated(self, change):
        summary = copy.deepcopy(self.summary)
        change(summary)
        return json.dumps(summary)

    def test_the_real_summary_reports(self):
        folder = os.path.join(self.scratch.name, "whole")
        os.makedirs(folder)
        with open(os.path.join(folder, "summary.json"), "w") as f:
            json.dump(self.summary, f)
        proc = subprocess.run(["/usr/bin/python3", REPORT, folder], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_a_missing_key_deep_inside_is_named_with_its_path(self):
        def drop_tile_leakage(summary):
            tile = next(iter(summary["per_tile"]))
            del summary["per_tile"][tile]["leakage_mw"]
            self.tile = tile
        line = self.report_on("no_leakage", self.mutated(drop_tile_leakage))
        self.assertIn(f"missing key 'per_tile.{self.tile}.leakage_mw'", line)

    def test_a_summary_without_the_fields_every_figure_needs(self):
        line = self.report_on("no_matrix", self.mutated(lambda s: s["accuracy"].pop("matrix")))
        self.assertIn("accuracy.matrix", line)

    def test_a_value_of_the_wrong_kind(self):
        line = self.report_on("tasks_text", self.mutated(lambda s: s.__setitem__("tasks", "two")))
        self.assertIn("malformed input", line)

    def test_a_truncated_file(self):
        line = self.report_on("truncated", json.dumps(self.summary)[:500])
        self.assertIn("not valid JSON", line)


if __name__ == "__main__":
    unittest.main()
