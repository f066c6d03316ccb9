"""The estimator convention of lisse: settings in the constructor, data in ``fit``.

``DRT(lambda_=1e-3).fit(spectrum)``, ``Circuit("R0-p(R1,CPE1)").fit(spectrum)``,
``CCDDetector(collapse_ratio=0.3).fit(record)``, ``ShortDetector().fit(record)`` (as scikit-learn and
impedance.py). Functions such as ``lin_kk(spectrum)`` take the data directly. Passing the data to an
estimator's constructor is a common slip; the checks here turn it into a :class:`~lisse.errors.ParameterError`
that shows the right call, instead of a numpy ``TypeError`` from deep inside.
"""

from __future__ import annotations

import dataclasses
import numbers
import os
from typing import Any

import numpy as np

from lisse.errors import ParameterError
from lisse.records.cycling import CyclingRecord
from lisse.records.spectrum import EISSpectrum

__all__ = ["data_kind", "refuse_data", "check_dataclass_settings", "read_hint", "check_record", "check_spectra"]


def read_hint(obj: Any, reader: str) -> str:
    """For a file path passed where loaded data is expected: the call that reads it first (empty text otherwise).

    Parameters
    ----------
    obj : object
        What the caller passed.
    reader : str
        The dotted name of the reader, e.g. ``"lisse.io.read_cycling"``.

    Returns
    -------
    str
        ``" (a path: read it first, lisse.io.read_cycling('cell.mpr'))"`` for a path, else ``""``.
    """
    if isinstance(obj, (str, bytes, os.PathLike)):
        return f" (a path: read it first, {reader}({os.fsdecode(obj)!r}))"
    return ""


def data_kind(value: Any) -> str | None:
    """What kind of measured data ``value`` is (``"EISSpectrum"``, ``"CyclingRecord"``, ``"DataFrame"``, ...), or None.

    Lists and tuples of records or spectra count as data too.
    """
    if isinstance(value, (EISSpectrum, CyclingRecord)):
        return type(value).__name__
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (EISSpectrum, CyclingRecord)) for v in value):
        return f"{type(value).__name__} of {type(value[0]).__name__}"
    module = type(value).__module__.split(".")[0]
    if module in ("pandas", "polars", "pyarrow"):
        return f"{module} {type(value).__name__}"
    return None


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.ndim >= 1


def refuse_data(estimator: str, data: str, example: str, *, scalars: tuple[str, ...] = (), **settings: Any) -> None:
    """Raise :class:`~lisse.errors.ParameterError` when a constructor setting holds measured data.

    Parameters
    ----------
    estimator : str
        Class name for the message (``"DRT"``).
    data : str
        What ``fit`` takes (``"spectrum"``, ``"record"``).
    example : str
        The right call, e.g. ``"DRT(lambda_=...).fit(spectrum)"``.
    scalars : tuple of str
        Settings that are single values: an array there is data too (``DRT(frequency, ...)``).
    **settings
        The constructor's arguments, by name.

    Raises
    ------
    ParameterError
        "DRT takes its settings in the constructor and the spectrum in fit(): DRT(lambda_=...).fit(spectrum)
        (found an EISSpectrum as lambda_)".
    """
    for name, value in settings.items():
        kind = data_kind(value)
        if kind is None and name in scalars and _is_array(value):
            kind = f"an array of shape {np.shape(value)}"
        elif kind is not None:
            kind = f"{'an' if kind[0] in 'AEIOU' else 'a'} {kind}"
        if kind is not None:
            raise ParameterError(f"{estimator} takes its settings in the constructor and the {data} in fit(): {example} "
                                 f"(found {kind} as {name})")


_NUMBER_TYPES = {"float": False, "int": False, "float | None": True, "int | None": True}


def check_dataclass_settings(obj: Any, data: str) -> None:
    """Check an estimator dataclass's fields after construction (its ``__post_init__``).

    A field holding measured data raises the message of :func:`refuse_data`; a field annotated as a
    number (``float``, ``int``, optionally ``| None``) must hold a real number (``bool`` is refused).

    Parameters
    ----------
    obj : dataclass instance
        The estimator (``CCDDetector``, ``ShortDetector``).
    data : str
        What its ``fit`` takes (``"record"``).
    """
    name = type(obj).__name__
    fields = dataclasses.fields(obj)
    values = {f.name: getattr(obj, f.name) for f in fields}
    first = fields[0].name if fields else "..."
    numeric = tuple(f.name for f in fields if str(f.type) in _NUMBER_TYPES)
    refuse_data(name, data, f"{name}({first}=...).fit({data})", scalars=numeric, **values)
    for f in fields:
        optional = _NUMBER_TYPES.get(str(f.type))
        if optional is None:
            continue
        v = values[f.name]
        if v is None and optional:
            continue
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            expected = "a number or None" if optional else "a number"
            raise ParameterError(f"{name}.{f.name}: expected {expected} (SI units unless the name says otherwise); "
                                 f"found {type(v).__name__} {v!r:.60}")


def check_record(obj: Any, who: str) -> CyclingRecord:
    """``obj`` if it is a :class:`~lisse.records.CyclingRecord`, else a :class:`~lisse.errors.ParameterError`.

    Parameters
    ----------
    obj : object
        What the caller passed.
    who : str
        The function named in the message.

    Returns
    -------
    CyclingRecord
        ``obj``.
    """
    if not isinstance(obj, CyclingRecord):
        raise ParameterError(f"{who}: expected a CyclingRecord; found {type(obj).__name__}{read_hint(obj, 'lisse.io.read_cycling')}")
    return obj


def check_spectra(obj: Any, who: str) -> list[EISSpectrum]:
    """``obj`` as a list of :class:`~lisse.records.EISSpectrum`, else a :class:`~lisse.errors.ParameterError`.

    Parameters
    ----------
    obj : object
        What the caller passed: a sequence of spectra.
    who : str
        The function named in the message.

    Returns
    -------
    list of EISSpectrum
        The spectra.
    """
    if isinstance(obj, (str, bytes, os.PathLike, EISSpectrum)) or not hasattr(obj, "__iter__"):
        raise ParameterError(f"{who}: expected a list of EISSpectrum; found {type(obj).__name__}"
                             f"{read_hint(obj, 'lisse.io.read_spectra')}")
    items = list(obj)
    for k, item in enumerate(items):
        if not isinstance(item, EISSpectrum):
            raise ParameterError(f"{who}: expected a list of EISSpectrum; item {k} is {type(item).__name__}"
                                 f"{read_hint(item, 'lisse.io.read_spectrum')}")
    return items
