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
from typing import Any

import numpy as np

from lisse.errors import ParameterError
from lisse.records.cycling import CyclingRecord
from lisse.records.spectrum import EISSpectrum

__all__ = ["data_kind", "refuse_data", "check_dataclass_settings"]


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
