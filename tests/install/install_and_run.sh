#!/usr/bin/env bash
# The installed tree on its own: install into a scratch prefix, move the tree elsewhere (so
# no path written at install time can be leaned on), and from a folder outside the checkout
# run a sweep that draws its Pareto figure, a report on it, and the Python package.
#   install_and_run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$(cd "$2" && pwd -P)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mx_install.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

cmake --install "$build" --prefix "$scratch/staged" >/dev/null
mv "$scratch/staged" "$scratch/moved"
prefix=$scratch/moved
bin=$prefix/bin/metaxbar

# The binary may carry no path into the sources it could fall back on.
for folder in tools configs; do
  if grep -qaF "$source/$folder" "$bin"; then echo "FAIL: $bin refers to $source/$folder"; exit 1; fi
done

mkdir "$scratch/work"
cd "$scratch/work"
cat > base.json <<JSON
{"data": {"dir": "/usr/share/datasets/fashion-mnist", "train_samples": 200, "test_samples": 100},
 "task": {"pairs": [[0, 1], [2, 3]]}, "mode": "timed"}
JSON
cat > sweep.json <<JSON
{"base": "base.json", "axes": {"adc.bits": [0, 4]}, "seeds": [1]}
JSON
# A PATH without the build folder, and no hint at the sources in the environment.
export PATH=/usr/local/bin:/usr/bin:/bin
unset METAXBAR_BINARY PYTHONPATH MX_SOURCE_DIR || true

"$bin" --version
presets=$("$bin" presets)
grep -qF "paper/split_fmnist_prob_nmem7.json" <<<"$presets" || { echo "FAIL: presets not listed"; exit 1; }
"$bin" sweep sweep.json --out sweep -j 2
[[ -s sweep/pareto.png ]] || { echo "FAIL: the sweep drew no sweep/pareto.png"; exit 1; }
"$bin" report sweep --out report
[[ -s report/index.html ]] || { echo "FAIL: the report wrote no report/index.html"; exit 1; }

python_dir=$(find "$prefix/lib" -type d -name metaxbar -path "*-packages/*" | head -1)
[[ -n "$python_dir" ]] || { echo "FAIL: no Python package under $prefix/lib"; exit 1; }
PYTHONPATH=$(dirname "$python_dir") /usr/bin/python3 - "$bin" <<'PY'
import os, sys
import metaxbar
assert os.path.samefile(metaxbar.binary(), sys.argv[1]), (metaxbar.binary(), sys.argv[1])
r = metaxbar.run("base.json", out="py-run", set={"adc.bits": 6})
assert r.summary["config"]["adc"]["bits"] == 6 and len(r.energy) == sum(r.summary["samples"].values()), r
s = metaxbar.load("sweep")
assert len(s.results) == 2 and (s.results["status"] == "ok").all(), s.results
print("python package OK:", metaxbar.version())
PY
echo "install test passed"
