"""Packaging facts that drift silently: one version source, extras with a meaning, install hints that name real
extras, lower bounds the minimum-versions job can pin, citation and changelog metadata.

References: pyproject.toml read with tomllib (what pip sees), the source tree, and cffconvert's schema
validation of CITATION.cff when cffconvert is installed.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib

import pytest

import lisse
from conftest import REPO_ROOT
from lisse.errors import OPTIONAL_PACKAGES

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
#: Developer tools: never in ``all`` (a user installing every feature gets no test runner, linter, GPL reference parser or Sphinx).
DEV_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "ruff", "import-linter", "mypy", "openpyxl", "psutil", "galvani", "newarenda",
             "impedance", "pyimpspec", "sphinx", "numpydoc", "sphinx-gallery", "pydata-sphinx-theme", "sphinx-argparse",
             "pydrttools", "yadg", "fipy"}


def _name(req: str) -> str:
    return re.match(r"[A-Za-z0-9_.\-]+", req).group(0).lower().replace("_", "-")


def _expand(extra: str) -> set[str]:
    """Distribution names an extra installs, following lisse[...] self-references."""
    out: set[str] = set()
    for req in EXTRAS[extra]:
        m = re.fullmatch(r"lisse\[([^\]]+)\]", req.strip())
        if m:
            for e in m.group(1).split(","):
                out |= _expand(e.strip())
        else:
            out.add(_name(req))
    return out


def test_one_version_source():
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "lisse.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]|rc|\.dev)?\d*", lisse.__version__)
    literal = re.compile(r"""(__version__|(?<![-\w])version)\s*[:=]\s*["']?\d+\.\d+\.\d+""")  # not cff-version
    hits = [str(p.relative_to(REPO_ROOT)) for p in [*REPO_ROOT.joinpath("src").rglob("*.py"), REPO_ROOT / "CITATION.cff"]
            if literal.search(p.read_text(encoding="utf-8"))]
    assert hits == ["src/lisse/__init__.py"], hits


def test_all_is_every_user_feature_and_no_dev_tool():
    # dft (GPAW, GPL-3) is a user feature deliberately left out of 'all' (README: licences)
    # gpu (CUDA-specific CuPy/JAX wheels) likewise stays out of 'all'; fast (scikit-sparse) builds from source against
    # the system's SuiteSparse (apt libsuitesparse-dev), so 'pip install .[all]' on a bare machine must not need it
    user_extras = set(EXTRAS) - {"all", "test", "docs", "bench", "dft", "gpu", "fast"}
    assert _expand("all") == set().union(*(_expand(e) for e in user_extras))
    assert {"gpaw", "gpaw-data"} <= _expand("dft") and not {"gpaw", "gpaw-data"} & _expand("all")
    assert {"cupy-cuda12x", "jax"} <= _expand("gpu") and not {"cupy-cuda12x", "jax"} & _expand("all")
    assert "scikit-sparse" in _expand("fast") and "scikit-sparse" not in _expand("all")
    assert not _expand("all") & DEV_TOOLS
    assert {"pytest", "ruff", "import-linter"} <= _expand("test")
    assert {"sphinx", "numpydoc", "sphinx-gallery"} <= _expand("docs")
    assert all(EXTRAS[e] for e in EXTRAS), "an extra that installs nothing"


def test_install_hints_name_real_extras():
    """Every `pip install 'lisse[X]'` lisse can print names an extra pyproject defines."""
    named = set(OPTIONAL_PACKAGES.values())
    for p in REPO_ROOT.joinpath("src").rglob("*.py"):
        named |= {e for grp in re.findall(r"lisse\[([a-z,]+)\]", p.read_text(encoding="utf-8")) for e in grp.split(",")}
        # MissingDependencyError(package, feature, extra): the third argument, when given, is an extra
        named |= set(re.findall(r"""MissingDependencyError\(\s*"[^"]*"\s*,\s*"[^"]*"\s*,\s*"([a-z]+)"\s*\)""", p.read_text(encoding="utf-8")))
    named.discard("extra")  # the placeholder in docstrings ("pip install 'lisse[extra]'")
    assert named and named <= set(EXTRAS), named - set(EXTRAS)


def test_every_base_dependency_has_a_floor_the_min_job_can_pin():
    out = subprocess.run([sys.executable, str(REPO_ROOT / "tools" / "min_constraints.py")], capture_output=True, text=True, check=True)
    pins = dict(line.split("==") for line in out.stdout.split())
    assert set(pins) == {_name(d) for d in PYPROJECT["project"]["dependencies"]}
    assert tuple(int(x) for x in pins["scipy"].split(".")) >= (1, 12)  # the phase field calls cg(rtol=), new in SciPy 1.12
    assert "pyarrow" in pins  # Parquet outputs are a base feature


def test_changelog_has_unreleased_and_the_current_version():
    text = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text
    assert re.search(rf"^## \[{re.escape(lisse.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M)


def test_citation_cff_is_valid():
    text = (REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M) and re.search(r"^license: BSD-3-Clause$", text, re.M)
    if importlib.util.find_spec("cffconvert") is None:
        pytest.skip("cffconvert not installed (pip install cffconvert) for the schema check")
    r = subprocess.run([sys.executable, "-m", "cffconvert", "--validate", "-i", str(REPO_ROOT / "CITATION.cff")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
