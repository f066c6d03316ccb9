"""Shared helpers of the cycling CLI commands (not a subcommand: the name starts with '_')."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lisse.io import atomic as _atomic


def atomic_save_figure(fig: Any, path: str | Path) -> str:
    """Save a matplotlib figure atomically (see :mod:`lisse.io.atomic`); returns the path."""
    return str(_atomic.atomic_save_figure(fig, path, dpi=150))


def atomic_write_text(path: str | Path, text: str) -> str:
    """Write text atomically (see :mod:`lisse.io.atomic`); returns the path."""
    return str(_atomic.atomic_write_text(path, text))


def metadata_args(args: Any) -> dict:
    meta = {}
    for k in ("area", "active_mass", "loading"):
        v = getattr(args, k, None)
        if v is not None:
            meta[k] = v
    return meta
