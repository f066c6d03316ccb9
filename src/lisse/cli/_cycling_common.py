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


#: Record metadata options: name -> (display unit of bare numbers, SI unit of the parsed value).
METADATA_UNITS = {"area": ("cm2", "m2"), "active_mass": ("mg", "kg"), "loading": ("mg/cm2", "kg/m2")}


def metadata_args(args: Any) -> dict:
    """The reader keywords ``area``, ``active_mass``, ``loading`` given on the command line, as text with SI units."""
    from lisse.units import si_text

    meta = {}
    for k, (_, si) in METADATA_UNITS.items():
        v = getattr(args, k, None)
        if v is not None:
            meta[k] = si_text(v, si)
    return meta
