#!/usr/bin/env bash
# Build the documentation: HTML in docs/_build/html (open docs/_build/html/index.html), with every
# tutorial in docs/tutorials/ executed. Exits non-zero when a tutorial raises or Sphinx reports an error
# or a warning (-W --keep-going: every problem is listed, then the build fails). Offline: nothing is
# fetched at build time (intersphinx only with LISSE_DOCS_INTERSPHINX=1).
#
#   bash docs/build.sh                  # full build, from scratch (~35 s CPU; 2-2.5 min on a busy 2-core machine)
#   LISSE_DOCS_NO_TUTORIALS=1 bash docs/build.sh   # skip executing the tutorials (quick look at the pages)
#
# Uses `python` from PATH (CI: PATH="$PWD/.venv/bin:$PATH"), or $PYTHON; needs the `docs` extra:
# pip install -e '.[docs]'.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-$(command -v python || command -v python3)}
if ! "$PY" -c "import sphinx, numpydoc, sphinx_gallery, pydata_sphinx_theme, myst_parser" 2>/dev/null; then
  echo "docs/build.sh: the documentation tools are not installed for '$PY'; install them with: pip install -e '.[docs]'" >&2
  exit 2
fi
# From scratch: stale autosummary stubs or cached tutorial results must not hide a problem.
rm -rf _build generated auto_tutorials sg_execution_times.rst
export MPLBACKEND=Agg PYTHONHASHSEED=0
opts=()
if [ "${LISSE_DOCS_NO_TUTORIALS:-0}" = 1 ]; then opts+=(-D plot_gallery=0); fi
"$PY" -m sphinx -b html -W --keep-going -q "${opts[@]}" . _build/html
echo "docs/build.sh: HTML in $(pwd)/_build/html/index.html"
