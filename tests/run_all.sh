#!/usr/bin/env bash
# The test command: lint (ruff), the import-layer contract (import-linter), types (mypy), then pytest on the fast set
# (tests marked `slow` are deselected by the addopts in pyproject.toml; the fast set, ~6,000 tests, took 17.6 min on a
# 2-core machine shared with two DFT jobs, 2026-11-30).
#   bash tests/run_all.sh            ruff, lint-imports, mypy, pytest -m "not slow"
#   bash tests/run_all.sh --slow     only the slow tests (multi-minute ML/atomistic runs): pytest -m slow
# Extra arguments are passed to pytest. Run from the repository root with the project's environment first on PATH.
# pytest exit status 5 (no test collected) fails either step.
set -euo pipefail
export MPLBACKEND=Agg

run_pytest() {
  set +e
  python -m pytest -q -p no:cacheprovider "$@"
  local rc=$?
  set -e
  if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi
  return "$rc"
}

if [ "${1:-}" = "--slow" ]; then
  shift
  echo "== pytest (slow tests)"
  run_pytest -m slow "$@"
  exit 0
fi
echo "== ruff"; ruff check src tests benchmarks
echo "== import contract"; lint-imports --no-cache
echo "== types (mypy; files and settings in pyproject.toml)"; python -m mypy
echo "== pytest (fast set: -m 'not slow')"
run_pytest "$@"
