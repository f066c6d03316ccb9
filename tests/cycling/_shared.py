"""Shared fixtures for the cycling tests: where the real instrument files are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
CYCLERS = SHARED / "data" / "cyclers"
if not CYCLERS.is_dir():  # worktrees live in /work/wt/<name>; the shared folder sits at /work/shared
    for up in REPO_ROOT.parents:
        if (up / "shared" / "data" / "cyclers").is_dir():
            CYCLERS = up / "shared" / "data" / "cyclers"
            break


def cycler_file(name: str) -> Path:
    p = CYCLERS / name
    if not p.is_file():
        pytest.skip(f"shared instrument file {name} not available at {CYCLERS}")
    return p


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OMP_NUM_THREADS", "1")
    return subprocess.run([sys.executable, "-m", "lisse", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
