"""Shared helpers for the impedance tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# shared/ sits beside the checkout (CI: <clone>/../shared); a git worktree sits one level deeper
SHARED = next((c for c in (REPO_ROOT.parent / "shared", REPO_ROOT.parent.parent / "shared") if c.is_dir()), REPO_ROOT.parent / "shared")
EIS_DATA = SHARED / "data" / "eis"


def eis_file(rel: str) -> Path:
    """Path of a shared impedance file, or skip the test when shared/ is absent."""
    p = EIS_DATA / rel
    if not p.is_file():
        pytest.skip(f"shared data file {p} not available")
    return p


def three_arc(f, r0=10.0, rs=(100.0, 200.0, 500.0), taus=(1e-7, 1e-5, 1e-2), n=0.9):
    """R0 + sum of (R || CPE) arcs with characteristic time tau: Z = R/(1 + (j w tau)^n)."""
    w = 2 * np.pi * np.asarray(f)
    z = np.full(w.shape, r0, dtype=complex)
    for r, t in zip(rs, taus):
        z += r / (1 + (1j * w * t) ** n)
    return z



def freq_grid():
    """1 MHz to 0.1 Hz, 10 points per decade (71 points)."""
    return np.logspace(6, -1, 71)


def noisy(z, level, seed=0):
    """Add Gaussian noise of standard deviation level*|Z| to both Z' and Z''."""
    rng = np.random.default_rng(seed)
    return z + level * np.abs(z) * (rng.standard_normal(z.size) + 1j * rng.standard_normal(z.size))


SRC = Path(__file__).resolve().parents[2] / "src"


def eis_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run ``python -m lisse eis ARGS`` on this checkout's ``src`` (one thread), capturing its output."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("OMP_NUM_THREADS", "1")
    return subprocess.run([sys.executable, "-m", "lisse", "eis", *args], capture_output=True, text=True, env=env, timeout=timeout)
