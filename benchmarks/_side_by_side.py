"""Run a lisse command from this checkout and from a baseline, alternately, and compare their CPU time.

Shared by ``cli_cell.py`` and ``evaluate_speed.py``. The baseline is a git revision (checked out once
with ``git worktree add --detach`` into a temporary folder) or a folder holding a lisse ``src/``. Each
run is a fresh process; its CPU time (user + sys, from ``os.wait4``) is what is compared, because wall
time on a shared machine measures the neighbours. Runs alternate A B A B ... after one warm-up each, and
the ratio baseline/this is taken pair by pair (so drift of the machine's speed cancels).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def baseline_src(spec: str) -> Path:
    """``src`` folder of the baseline: a folder (holding ``src/lisse``) or a git revision."""
    p = Path(spec)
    if (p / "src" / "lisse").is_dir():
        return (p / "src").resolve()
    if (p / "lisse").is_dir():
        return p.resolve()
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{spec}^{{commit}}"], capture_output=True, text=True)
    if rev.returncode != 0:
        sys.exit(f"baseline {spec!r}: not a folder with src/lisse and not a git revision")
    sha = rev.stdout.strip()
    wt = Path(tempfile.gettempdir()) / f"lisse-baseline-{sha[:12]}"
    if not (wt / "src" / "lisse").is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt), sha], check=True, capture_output=True)
    return wt / "src"


def cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one run of ``argv`` (a child process; its output is discarded)."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {err[-2000:]}")
    return usage.ru_utime + usage.ru_stime


def _env(src: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(src), MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONSTARTUP", None)
    return env


def _stats(xs: list[float]) -> str:
    return f"min {min(xs):.3f}  median {statistics.median(xs):.3f}  max {max(xs):.3f}"


def compare(title: str, argv: Callable[[int], list[str]], repeats: int, baseline: str, cleanup: Callable[[], None] | None = None,
            extra_this: tuple[str, ...] = ()) -> dict:
    """Run ``argv(i)`` (arguments after ``python -m lisse``) from this checkout and from ``baseline``.

    ``extra_this`` are arguments only this checkout gets (options the baseline does not have).

    Prints each side's CPU seconds (min/median/max) and the pair-by-pair ratio baseline/this.
    """
    base = baseline_src(baseline)
    this = ROOT / "src"
    py = sys.executable
    sides = {"this": (_env(this), extra_this), "baseline": (_env(base), ())}
    times: dict[str, list[float]] = {"this": [], "baseline": []}
    for warm in (True, False):
        for i in range(1 if warm else repeats):
            for name, (env, extra) in sides.items():
                t = cpu_seconds([py, "-m", "lisse", *argv(i), *extra], env)
                if not warm:
                    times[name].append(t)
                if cleanup:
                    cleanup()
    ratios = [b / a for a, b in zip(times["this"], times["baseline"])]
    print(f"{title}: {repeats} runs each, CPU seconds (user+sys), alternating")
    print(f"  this checkout ({this}):  {_stats(times['this'])}")
    print(f"  baseline ({baseline}: {base}):  {_stats(times['baseline'])}")
    print(f"  ratio baseline/this (pairwise):  {_stats(ratios)}")
    return {"this": times["this"], "baseline": times["baseline"], "ratio": ratios}


def parser(description: str, repeats: int) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--baseline", default="main", help="git revision or folder with src/lisse to compare against (default: main)")
    ap.add_argument("--repeats", type=int, default=repeats, help=f"counted runs of each side (default {repeats})")
    return ap


def scratch() -> tuple[Path, Callable[[], None]]:
    """A scratch folder for outputs and a function that empties it between runs."""
    d = Path(tempfile.mkdtemp(prefix="lisse-bench-"))

    def clean() -> None:
        for p in d.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()

    return d, clean
