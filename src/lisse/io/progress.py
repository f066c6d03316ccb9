"""Progress bars for long work: one rule for when they show.

A bar is drawn on standard error only when it is a terminal and progress has not been switched off
(the CLI switches it off under ``--json`` and ``--quiet``). Physics and analysis code never draws: it
takes a ``progress`` callback ``progress(done, total)`` and the layer above turns it into a bar with
:func:`progress_callback`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["progress_bar", "progress_callback", "progress_enabled"]


def progress_enabled(enabled: bool | None = None) -> bool:
    """Whether to draw: ``enabled`` when given, else only when standard error is a terminal.

    Parameters
    ----------
    enabled : bool, optional
        Force drawing on (True) or off (False); None decides from standard error.

    Returns
    -------
    bool
        Whether a bar should be drawn.
    """
    if enabled is not None:
        return bool(enabled)
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


class _SilentBar:
    """What :func:`progress_bar` returns when nothing is drawn: tqdm's interface, no output, no tqdm import."""

    def __init__(self, total: int | None = None) -> None:
        self.total = total
        self.n = 0

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def set_description(self, desc: str | None = None, refresh: bool = True) -> None:
        pass

    def refresh(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _SilentBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self):  # pragma: no cover - tqdm parity
        return iter(())


def progress_bar(total: int | None = None, desc: str = "", unit: str = "it", *, enabled: bool | None = None,
                 leave: bool = True) -> Any:
    """A tqdm bar (rate and ETA) on standard error, or a silent one when not :func:`progress_enabled`.

    Parameters
    ----------
    total : int, optional
        Number of work items, if known.
    desc : str, default ""
        Label shown before the bar.
    unit : str, default "it"
        Name of one work item (``"file"``, ``"step"``).
    enabled : bool, optional
        See :func:`progress_enabled`.
    leave : bool, default True
        Keep the finished bar on screen.

    Returns
    -------
    tqdm.tqdm or _SilentBar
        The bar; when progress is off, a silent stand-in with the same methods (``update``,
        ``set_postfix_str``, ``close``, context manager) that does not import tqdm (a tenth of a second
        at every ``--json`` or piped run). Close it or use it as a context manager.
    """
    if not progress_enabled(enabled):
        return _SilentBar(total)
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, leave=leave, file=sys.stderr, dynamic_ncols=True)


def progress_callback(bar: Any) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback for library code that moves ``bar`` to ``done`` of ``total``.

    Parameters
    ----------
    bar : tqdm.tqdm
        The bar to move.

    Returns
    -------
    callable
        ``progress(done, total)`` with ``done`` and ``total`` counts of work items.
    """

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    return update
