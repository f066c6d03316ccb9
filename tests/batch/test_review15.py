"""Acceptance review of issue 15: defects found by running lisse batch / lisse db as a lab would (each test failed first)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO_ROOT, run_cli

from ._synth import fullcell_csv


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the worker processes")
def test_kill_9_of_the_parent_leaves_no_worker_process(tmp_path: Path):
    """kill -9 of a process running tasks with jobs=2: its worker processes end too (they used to sleep forever, orphaned)."""
    script = textwrap.dedent("""
        import multiprocessing, sys, time
        from lisse.parallel import iter_tasks
        if __name__ == "__main__":
            it = iter_tasks(time.sleep, [60.0] * 4, jobs=2)
            gen = iter(it)
            import threading
            threading.Thread(target=lambda: next(gen, None), daemon=True).start()
            for _ in range(600):
                kids = multiprocessing.active_children()
                if len(kids) >= 2:
                    break
                time.sleep(0.1)
            time.sleep(1.0)
            print(" ".join(str(k.pid) for k in multiprocessing.active_children()), flush=True)
            time.sleep(120)
    """)
    (tmp_path / "run.py").write_text(script)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    p = subprocess.Popen([sys.executable, str(tmp_path / "run.py")], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = p.stdout.readline()
        pids = [int(x) for x in line.split()]
        assert pids, "no worker process started"
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(q) for q in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [q for q in pids if _alive(q)]
        for q in left:  # clean up before failing
            os.kill(q, signal.SIGKILL)
        assert not left, f"worker processes {left} outlived the killed parent"
    finally:
        if p.poll() is None:
            p.kill()
