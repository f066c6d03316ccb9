"""Shared helpers of the cycling CLI commands (not a subcommand: the name starts with '_')."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def atomic_save_figure(fig: Any, path: str | Path) -> str:
    """Save a matplotlib figure atomically (temp file in the same folder, then ``os.replace``).

    Private stand-in for ``lisse.io.atomic`` until it is merged.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_", suffix=p.suffix or ".png", dir=p.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=150)
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return str(p)


def atomic_write_text(path: str | Path, text: str) -> str:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_", suffix=p.suffix, dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return str(p)


def metadata_args(args: Any) -> dict:
    meta = {}
    for k in ("area", "active_mass", "loading"):
        v = getattr(args, k, None)
        if v is not None:
            meta[k] = v
    return meta
