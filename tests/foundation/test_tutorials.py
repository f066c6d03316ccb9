"""The executed tutorials (docs/tutorials/tutorial_NN_name.py) stay runnable, so the fast suite catches a
broken tutorial before the documentation build does.

Each tutorial runs as a user would run it, ``python tutorial_NN_name.py`` in a fresh process (with the
checkout's ``src`` on the path, in an empty working folder, under a timeout), and must exit 0 without
writing into the working folder (tutorials make their data in a temporary folder). Static rules from
the docs build: a sphinx-gallery title block, a unique number, nothing downloaded and nothing read from
``../shared``.

The docs helpers (docs/_ext/lisse_docs.py) are checked against docutils itself: a docstring written with
mathematical bars (``|V|``) must render without a reST error after clean-up, and fails without it.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TUTORIALS = sorted((REPO_ROOT / "docs" / "tutorials").glob("tutorial_*.py"))
TIMEOUT_S = 180  # each takes a few seconds alone; generous for a loaded 2-core machine


def test_there_are_tutorials():
    assert len(TUTORIALS) >= 5, [p.name for p in TUTORIALS]


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_runs_standalone(path: Path, tmp_path: Path):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert proc.returncode == 0, f"{path.name} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    assert list(tmp_path.iterdir()) == [], f"{path.name} wrote into the working folder: {sorted(p.name for p in tmp_path.iterdir())}"


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_is_a_gallery_script_that_downloads_nothing(path: Path):
    assert re.fullmatch(r"tutorial_\d{2}_[a-z0-9_]+\.py", path.name), path.name
    source = path.read_text("utf-8")
    tree = ast.parse(source)
    doc = ast.get_docstring(tree, clean=False) or ""
    lines = doc.strip("\n").splitlines()
    # sphinx-gallery: the module docstring opens with a reST title (text, then a line of "=" at least as long)
    assert len(lines) >= 2 and lines[1].strip() and set(lines[1].strip()) == {"="} and len(lines[1].strip()) >= len(lines[0].strip()), (
        f"{path.name}: the docstring must start with a title underlined with '='")
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"urllib", "requests", "httpx", "pooch", "http", "socket"}, f"{path.name} downloads: {imported}"
    assert "shared" not in {part for s in re.findall(r"[\"']([^\"']*)[\"']", source) for part in re.split(r"[\\/]", s)}, (
        f"{path.name} reads ../shared")


def test_tutorial_numbers_are_unique():
    numbers = [p.name.split("_")[1] for p in TUTORIALS]
    assert len(numbers) == len(set(numbers)), numbers


def test_docs_build_is_offline_by_default(monkeypatch):
    monkeypatch.delenv("LISSE_DOCS_INTERSPHINX", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))  # conf.py prepends docs/_ext and src
    pytest.importorskip("sphinx")
    import runpy

    conf = runpy.run_path(str(REPO_ROOT / "docs" / "conf.py"))
    assert "sphinx.ext.intersphinx" not in conf["extensions"]
    gallery = conf["sphinx_gallery_conf"]
    assert gallery["examples_dirs"] == ["tutorials"] and re.search(gallery["filename_pattern"], "tutorial_06_batch_database.py")
    assert gallery["only_warn_on_example_error"] is False  # a raising tutorial fails the build


def _render_errors(text: str) -> list[str]:
    """reST errors docutils reports for ``text`` (the independent reference)."""
    from docutils.core import publish_doctree
    from docutils.utils import Reporter

    doctree = publish_doctree(text, settings_overrides={"report_level": Reporter.SEVERE_LEVEL + 1, "halt_level": 5})
    return [m.astext() for m in doctree.findall(lambda n: n.tagname == "system_message") if int(m["level"]) >= Reporter.WARNING_LEVEL]


def test_docstring_bars_render_after_cleanup(monkeypatch):
    pytest.importorskip("sphinx")
    monkeypatch.syspath_prepend(str(REPO_ROOT / "docs" / "_ext"))
    from lisse_docs import clean_docstring

    lines = [
        "Voltage collapse when |V| < 0.3 |V_exp| and max|h''|) is reached [Wang2024].",
        "",
        "``|a|`` stays literal, and so does :math:`|x|`.",
        "",
        ".. [Wang2024] Wang et al., Nat. Energy 9 (2024).",
    ]
    assert _render_errors("\n".join(lines))  # the reference sees the problem in the raw text
    clean_docstring(None, "function", "f", None, None, lines)
    assert _render_errors("\n".join(lines)) == []
    assert "``|a|``" in lines[2] and ":math:`|x|`" in lines[2]
    assert "[Wang2024]_" in lines[0]
