"""How lisse's result objects show themselves: one-line reprs, small HTML tables for Jupyter, ``.plot()``.

Kept at the bottom layer so that records, analysis and simulation results share one implementation,
and free of matplotlib: :func:`plot_with` imports the plotting function by its dotted name only when
``.plot()`` is called (the analysis layers never import :mod:`lisse.plot`, at import time or otherwise;
the call goes through :func:`importlib.import_module`, like pandas' plotting backend).

* :func:`short` — a value in a few characters (arrays as shape and range, tables as rows × columns).
* :func:`compact_repr` — class decorator giving a dataclass a one-line repr built with :func:`short`.
* :func:`html_table` — a two-column HTML table for ``_repr_html_``.
* :func:`plot_with` — call ``"lisse.plot.module:function"`` with the given arguments.
"""

from __future__ import annotations

import dataclasses
import html
import importlib
import math
from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np

__all__ = ["short", "fields_repr", "compact_repr", "estimator_params", "estimator_repr", "html_table", "plot_with", "MAX_REPR"]

#: Longest repr :func:`compact_repr` produces [characters].
MAX_REPR = 200

_T = TypeVar("_T")


def _num(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    return f"{x:.4g}"


def short(value: Any, width: int = 40) -> str:
    """Describe ``value`` in at most about ``width`` characters.

    Numbers get 4 significant digits; arrays show dtype, shape and range; DataFrames rows × columns;
    long sequences and dicts their length; everything else its repr, cut with an ellipsis.

    Parameters
    ----------
    value : object
        Anything.
    width : int
        Target length [characters].

    Returns
    -------
    str
        The short description.
    """
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _num(value)
    if isinstance(value, (complex, np.complexfloating)):
        return f"{_num(value.real)}{'+' if value.imag >= 0 else '-'}{_num(abs(value.imag))}j"
    if isinstance(value, np.ndarray):
        shape = "×".join(str(n) for n in value.shape) or "scalar"
        if value.size and value.dtype.kind in "fiu":
            finite = value[np.isfinite(value)] if value.dtype.kind == "f" else value
            rng = f" {_num(finite.min())}..{_num(finite.max())}" if finite.size else ""
            return f"<{shape} {value.dtype.name}{rng}>"
        return f"<{shape} {value.dtype.name}>"
    if hasattr(value, "shape") and hasattr(value, "columns"):  # a DataFrame, without importing pandas
        return f"<DataFrame {value.shape[0]}×{value.shape[1]}>"
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= width else text[: max(width - 2, 1)] + "…'"
    if isinstance(value, (list, tuple, dict)):
        if isinstance(value, dict):
            text = "{" + ", ".join(f"{k}: {short(v, width)}" for k, v in value.items()) + "}"
            if len(text) <= width:
                return text
            keys = f"{{{len(value)} items: {', '.join(map(str, value))}}}"
            return keys if len(keys) <= width else f"{{{len(value)} items}}"
        inner = ", ".join(short(v, width) for v in value)
        text = f"[{inner}]" if isinstance(value, list) else f"({inner})"
        return text if len(text) <= width else f"[{len(value)} items]"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        text = f"{type(value).__name__}(...)"
    else:
        text = repr(value)
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def fields_repr(obj: Any, names: Iterable[str] | None = None, limit: int = MAX_REPR) -> str:
    """One-line ``ClassName(a=1, b=<61 float64 0.1..1e+06>)`` repr built with :func:`short`.

    Parameters
    ----------
    obj : object
        The object shown.
    names : iterable of str, optional
        Attributes to show (default: the dataclass fields with ``repr=True``).
    limit : int
        Longest result [characters]; longer text is cut with an ellipsis.

    Returns
    -------
    str
        The repr.
    """
    if names is None:
        names = [f.name for f in dataclasses.fields(obj) if f.repr]
    parts = [f"{n}={short(getattr(obj, n, None), 30)}" for n in names]
    text = f"{type(obj).__name__}({', '.join(parts)})"
    return text if len(text) <= limit else text[: limit - 2] + "…)"


def compact_repr(dataclass_type: type[_T]) -> type[_T]:
    """Class decorator (above ``@dataclass``): a one-line repr with arrays and tables summarised.

    Parameters
    ----------
    dataclass_type : type
        A dataclass.

    Returns
    -------
    type
        The same class, its ``__repr__`` replaced by :func:`fields_repr`.
    """

    def __repr__(self: Any) -> str:
        return fields_repr(self)

    dataclass_type.__repr__ = __repr__  # type: ignore[method-assign]  # replacing a method on the class is the point
    return dataclass_type


def estimator_params(obj: Any) -> dict[str, Any]:
    """Find the dataclass fields of ``obj`` whose values differ from their defaults.

    Parameters
    ----------
    obj : object
        A dataclass instance.

    Returns
    -------
    dict
        Field name to value, for the changed fields.
    """
    params: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if not f.repr:
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        value = getattr(obj, f.name, None)
        try:
            same = bool(value == default)
        except (TypeError, ValueError):  # arrays
            same = False
        if not same:
            params[f.name] = value
    return params


def estimator_repr(obj: Any, params: dict[str, Any] | None = None, state: str | None = None, limit: int = MAX_REPR) -> str:
    """One-line ``Name(changed=params; fitted state)`` repr of an estimator.

    The parameters that differ from their defaults (as scikit-learn shows an estimator) and, after
    ``fit``, a short description of the result.

    Parameters
    ----------
    obj : object
        A dataclass estimator (its fields with defaults are compared), or any object with ``params``.
    params : dict, optional
        The parameters to show (default: the dataclass fields that differ from their defaults).
    state : str, optional
        The fitted state (e.g. ``"3 peaks, misfit 0.4 %"``); None before ``fit``.
    limit : int
        Longest result [characters].

    Returns
    -------
    str
        The repr.
    """
    if params is None:
        params = estimator_params(obj)
    inner = ", ".join(f"{k}={short(v, 30)}" for k, v in params.items())
    if state:
        inner = f"{inner}; {state}" if inner else state
    text = f"{type(obj).__name__}({inner})"
    return text if len(text) <= limit else text[: limit - 2] + "…)"


def html_table(title: str, rows: Iterable[tuple[str, Any]]) -> str:
    """Build a small two-column HTML table (for ``_repr_html_``).

    Parameters
    ----------
    title : str
        Caption.
    rows : iterable of (str, object)
        Name and value per row; a value that is not a str goes through :func:`short`. Everything is escaped.

    Returns
    -------
    str
        The HTML.
    """
    body = "".join(
        f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
        f"<td style='text-align:left'>{html.escape(v if isinstance(v, str) else short(v, 60))}</td></tr>"
        for k, v in rows
    )
    return f"<table><caption style='text-align:left'><b>{html.escape(title)}</b></caption>{body}</table>"


def plot_with(target: str, *args: Any, **kwargs: Any) -> Any:
    """Call the plotting function ``target`` (``"lisse.plot.eis:nyquist"``), importing it now.

    Parameters
    ----------
    target : str
        ``"module:function"``.
    *args, **kwargs
        Passed to the function.

    Returns
    -------
    matplotlib.figure.Figure
        What the plotting function returns.

    Raises
    ------
    lisse.errors.MissingDependencyError
        matplotlib is not installed.
    """
    module, _, name = target.partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] == "matplotlib":
            from lisse.errors import MissingDependencyError

            raise MissingDependencyError("matplotlib", "plotting") from exc
        raise
    return getattr(mod, name)(*args, **kwargs)
