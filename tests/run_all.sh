#!/usr/bin/env bash
# The test command: lint (ruff), the import-layer contract (import-linter), then pytest.
# Run from the repository root with the project's environment first on PATH.
set -euo pipefail
export MPLBACKEND=Agg
echo "== ruff"; ruff check src tests benchmarks
echo "== import contract"; lint-imports --no-cache
echo "== pytest"
set +e
python -m pytest -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi
exit "$rc"
