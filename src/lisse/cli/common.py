"""Helpers shared by CLI subcommands: quantity options (the unit rule) and plain-text tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lisse.errors import LisseError


class OptionValueError(LisseError):
    """A quantity option's value is invalid (reported by ``lisse`` as one line, exit 2).

    Deliberately not a ``ValueError``: argparse would swallow that into a generic "invalid value".
    """


def quantity(unit: str, name: str) -> Callable[[str], float]:
    """An argparse ``type=`` converting option text to an SI float.

    A quantity with a unit is always accepted; a bare number means ``unit``, the display unit that
    the option's help states (see :func:`add_quantity`). Errors suggest ``unit``.
    """

    def convert(text: str) -> float:
        from lisse.units import parse_quantity

        try:
            return parse_quantity(text, unit, name)
        except LisseError as exc:
            raise OptionValueError(str(exc)) from None

    convert.__name__ = f"quantity in {unit}"
    convert.unit = unit  # type: ignore[attr-defined]  # the display unit, for --help audits
    return convert


def bare_unit_note(unit: str) -> str:
    """The help suffix that states what a bare number means."""
    return "" if unit.strip() in ("", "1", "-") else f" (bare number: {unit})"


def add_quantity(parser: Any, flag: str, unit: str, help: str, **kwargs: Any) -> Any:
    """Add an option that takes a quantity; its parsed value is an SI float (or None).

    Parameters
    ----------
    parser : argparse.ArgumentParser or argument group
    flag : str
        The option, e.g. ``"--ccd"``.
    unit : str
        Display unit: the help says "(bare number: UNIT)", bare numbers mean it, hints show it.
    help : str
        Help text without the bare-number note.
    **kwargs
        Passed to ``add_argument`` (``default`` as text with a unit, ``dest``, ``nargs``, ...).
    """
    kwargs.setdefault("metavar", "Q")
    if kwargs.get("nargs") is not None and kwargs.get("default") is not None:
        raise ValueError(f"{flag}: argparse does not convert list defaults; give the default in the command's code")
    return parser.add_argument(flag, type=quantity(unit, flag), help=help + bare_unit_note(unit), **kwargs)



def table(rows: Iterable[Sequence[object]], header: Sequence[str]) -> str:
    """A plain-text table with left-aligned columns."""
    cells = [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(out)


def _fmt(x: object) -> str:
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)
