"""Shared helpers of the cycling CLI commands (not a subcommand: the name starts with '_')."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lisse.io import outputs as _outputs


def atomic_save_figure(fig: Any, path: str | Path) -> str:
    """Save a matplotlib figure atomically at 200 dpi (:func:`lisse.io.outputs.save_figure`); returns the path."""
    return str(_outputs.save_figure(fig, path))


def atomic_write_text(path: str | Path, text: str) -> str:
    """Write text atomically (see :mod:`lisse.io.outputs`); returns the path."""
    return str(_outputs.atomic_write_text(path, text))


def metadata_args(args: Any) -> dict:
    """The reader keywords ``area``, ``active_mass``, ``loading`` given on the command line (SI floats)."""
    return {k: v for k in ("area", "active_mass", "loading") if (v := getattr(args, k, None)) is not None}


def format_help(kind: str) -> str:
    """``--format`` help for commands reading ``kind`` (``"cycling"`` or ``"eis"``) files."""
    from lisse.io.formats import help_text

    return help_text(kind)


def units_help(kind: str) -> str:
    """``--units`` help for commands reading ``kind`` files."""
    if kind == "eis":
        return ('units of file columns whose header has none, e.g. "frequency=Hz,impedance=ohm" (impedance covers '
                "Z' and Z''); required for a plain CSV without units in its header (study key: units)")
    return ('units of file columns whose header has none, e.g. "time=s,voltage=V,current=mA" (roles time, voltage, '
            'current, charge); required for a CSV whose header is like "time,voltage,current" (study key: units)')


def declared_units(text: str | None, kind: str) -> dict[str, str] | None:
    """Parse ``--units`` (errors name the option); ``None`` when not given."""
    if text is None:
        return None
    from lisse.io.column_units import CYCLING_ROLES, EIS_ROLES, parse_units

    return parse_units(text, EIS_ROLES if kind == "eis" else CYCLING_ROLES, source="--units")
