"""Helpers shared by CLI subcommands: quantity options (the unit rule) and human output.

Human output (what a command prints without ``--json``) formats every number with :func:`fmt`
(meaningful digits, no float noise such as 7.500000000000001); :func:`render_auto` renders any result
for a command that has no ``render`` of its own, and :func:`table` lays out rows.
"""

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



def fmt(x: object, digits: int = 5) -> str:
    """A value for human output: numbers to ``digits`` significant digits, without float noise.

    ``fmt(7.500000000000001) -> '7.5'``, ``fmt(0.000123456789) -> '0.00012346'``, ``fmt(20.0) -> '20'``,
    ``fmt(5.8e-17) -> '5.8e-17'``; ints print whole, ``None`` as ``-``, booleans as yes/no, NaN as ``nan``.
    Lists of numbers print comma-separated (the first ten, then a count).
    """
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if x != x:
            return "nan"
        if x in (float("inf"), float("-inf")):
            return "inf" if x > 0 else "-inf"
        if x == 0:
            return "0"
        return f"{x:.{digits}g}"
    if hasattr(x, "item") and getattr(x, "ndim", 0) == 0:  # a numpy scalar
        return fmt(x.item(), digits)
    if hasattr(x, "tolist"):
        return fmt(x.tolist(), digits)
    if isinstance(x, (list, tuple)):
        head = ", ".join(fmt(v, digits) for v in x[:10])
        return head + (f", ... ({len(x)} values)" if len(x) > 10 else "")
    return str(x)


def render_auto(result: Any, indent: str = "") -> str:
    """Human text for any result (dicts, lists of dicts, scalars): aligned ``key  value`` lines.

    Used for commands without a ``render`` of their own, so that nothing prints JSON unless ``--json``
    is given. Keys keep their unit suffix (``critical_radius_nm``); nested results are indented.
    """
    if isinstance(result, dict):
        flat = {k: v for k, v in result.items() if not _nested(v)}
        width = max((len(str(k)) for k in flat), default=0)
        lines = [f"{indent}{str(k).ljust(width)}  {fmt(v)}" for k, v in flat.items()]
        for k, v in result.items():
            if _nested(v):
                lines.append(f"{indent}{k}:")
                lines.append(render_auto(v, indent + "  "))
        return "\n".join(line for line in lines if line)
    if isinstance(result, (list, tuple)):
        if result and all(isinstance(r, dict) and not any(_nested(v) for v in r.values()) for r in result):
            header = list(dict.fromkeys(k for r in result for k in r))
            return "\n".join(indent + line for line in table([[r.get(h) for h in header] for r in result], header).splitlines())
        if any(_nested(v) for v in result):
            return "\n".join(render_auto(v, indent) + ("\n" if isinstance(v, dict) else "") for v in result).rstrip()
        return indent + fmt(list(result))
    return indent + fmt(result)


def _nested(v: Any) -> bool:
    return isinstance(v, dict) or (isinstance(v, (list, tuple)) and any(isinstance(x, (dict, list, tuple)) for x in v))


def table(rows: Iterable[Sequence[object]], header: Sequence[str]) -> str:
    """A plain-text table with left-aligned columns; cells are formatted with :func:`fmt`."""
    cells = [[c if isinstance(c, str) else fmt(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(out)


def progress_bar_for(args: Any, total: int | None, desc: str, unit: str = "it", leave: bool = False) -> Any:
    """A progress bar for a long step of a command: on a terminal stderr only, never under ``--json``.

    Library code reports through a ``progress(done, total)`` callback
    (:func:`lisse.io.progress.progress_callback` of this bar); use it as a context manager.
    """
    from lisse.io.progress import progress_bar

    return progress_bar(total, desc=desc, unit=unit, enabled=False if getattr(args, "json", False) else None, leave=leave)
