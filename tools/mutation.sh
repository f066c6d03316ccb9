#!/usr/bin/env bash
# Mutation testing of the physics/analysis modules with mutmut 3 (not a CI step: it takes minutes per module).
#
#   pip install mutmut              # not in the `test` extra; CI does not run this
#   bash tools/mutation.sh          # every group of tools/mutation.toml, one after the other
#   bash tools/mutation.sh thermo   # one group (thermo, kinetics, ccd, drt, interlayer)
#   MUTATION_CHILDREN=2 bash tools/mutation.sh ...   # parallel workers (default 1)
#
# Each group runs in its own scratch copy .mutation/GROUP/ (git-ignored: src, tests, pyproject.toml with a
# [tool.mutmut] section appended), so mutmut's mutants/ folder never touches the checkout. The summary line
# per group (total, killed, survived, other, surviving %) is appended to .mutation/summary.txt; the
# survivors are listed in .mutation/GROUP/survivors.txt (`cd .mutation/GROUP && mutmut show NAME` shows a diff).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python}
CHILDREN=${MUTATION_CHILDREN:-1}
GROUPS_ALL=$($PY -c "import tomllib; print(' '.join(tomllib.load(open('tools/mutation.toml','rb'))))")
GROUPS_RUN=${*:-$GROUPS_ALL}
MUTMUT=$(dirname "$(command -v "$PY")")/mutmut
[ -x "$MUTMUT" ] || MUTMUT=mutmut
mkdir -p .mutation
export MPLBACKEND=Agg

for g in $GROUPS_RUN; do
  work=.mutation/$g
  rm -rf "$work" && mkdir -p "$work"
  cp -r src tests pyproject.toml "$work"/
  find "$work" -name __pycache__ -type d -prune -exec rm -rf {} +
  $PY - "$g" "$work/pyproject.toml" <<'PYEOF'
import sys, tomllib, json
g, target = sys.argv[1], sys.argv[2]
cfg = tomllib.load(open("tools/mutation.toml", "rb"))[g]
with open(target, "a") as fh:
    fh.write("\n[tool.mutmut]\n")
    fh.write('source_paths = ["src"]\n')
    fh.write(f"only_mutate = {json.dumps(cfg['mutate'])}\n")
    fh.write(f"pytest_add_cli_args_test_selection = {json.dumps(cfg['tests'])}\n")
    fh.write('pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n')
PYEOF
  start=$(date +%s)
  (cd "$work" && "$MUTMUT" run --max-children "$CHILDREN" > run.log 2>&1) || echo "mutmut run ended with status $? (see $work/run.log)"
  (cd "$work" && "$MUTMUT" results --all true > results.txt 2>&1 || "$MUTMUT" results > results.txt 2>&1 || true)
  (cd "$work" && "$MUTMUT" export-cicd-stats > /dev/null 2>&1 || true)
  $PY - "$g" "$work" "$(( $(date +%s) - start ))" <<'PYEOF'
import json, sys, pathlib
g, work, secs = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
s = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
lines = (work / "results.txt").read_text().splitlines()
surv = [l.split(":")[0].strip() for l in lines if l.strip().endswith(": survived")]
(work / "survivors.txt").write_text("\n".join(surv) + "\n")
other = s["total"] - s["killed"] - s["survived"]
rate = 100.0 * s["survived"] / max(s["killed"] + s["survived"], 1)
untested = s.get("no_tests", 0)
rate_all = 100.0 * (s["survived"] + untested) / max(s["killed"] + s["survived"] + untested + s.get("timeout", 0), 1)
line = (f"{g}: total {s['total']}, killed {s['killed']}, survived {s['survived']}, other {other} "
        f"(timeout {s.get('timeout', 0)}, no tests {untested}, skipped {s.get('skipped', 0)}, suspicious {s.get('suspicious', 0)}) "
        f"-> surviving {rate:.1f} % of killed+survived ({rate_all:.1f} % counting untested mutants as surviving); {secs} s")
print(line)
with open(pathlib.Path(".mutation") / "summary.txt", "a") as fh:
    fh.write(line + "\n")
PYEOF
done
