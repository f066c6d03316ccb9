"""Parameters with units and sources, and parameter sets validated on construction.

A :class:`Param` is a value with its unit and where it came from. A model declares its parameters as
a schema (``{name: ParamSpec}``); :func:`validate` turns input (SI numbers, strings with units, pint
quantities, unit-less number strings in the declared display unit, or :class:`Param`) into a mapping
of SI floats and raises
:class:`~lisse.errors.ParameterError` for unknown keys (with a close-match suggestion), missing keys,
wrong units and values outside the physical range. Nothing is ever silently ignored.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lisse.errors import ParameterError
from lisse.units import as_si, from_si, to_si

__all__ = ["Param", "ParamSpec", "validate", "unknown_key_error", "user_values", "check_temperature", "check_positive",
           "check_open_fraction", "check_count"]


@dataclass(frozen=True)
class Param:
    """A parameter value with its unit and source.

    Attributes
    ----------
    value : float
        Value in ``unit`` (not SI: as printed in the source).
    unit : str
        Unit of ``value`` (pint syntax; "" for dimensionless).
    source : str
        A citation key plus table/figure ("Wang2024 Fig. 2b"), a DOI, or "assumed: <reason>".
    temperature_K : float or None
        Temperature the value refers to, if it depends on temperature.
    note : str
        Free text (method, conditions).
    """

    value: float
    unit: str
    source: str
    temperature_K: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.value, (int, float)) or isinstance(self.value, bool) or not math.isfinite(self.value):
            raise ParameterError(f"Param value must be a finite number; got {self.value!r} (source {self.source!r})")
        if not self.source or not self.source.strip():
            raise ParameterError(f"Param {self.value} {self.unit} has no source; give a citation or 'assumed: <reason>'")

    @property
    def si(self) -> float:
        """The value in SI base units."""
        return to_si(self.value, self.unit, "Param")

    @property
    def assumed(self) -> bool:
        return self.source.lower().startswith("assumed")


@dataclass(frozen=True)
class ParamSpec:
    """Declaration of one model parameter.

    Attributes
    ----------
    unit : str
        Display unit: every value must have its dimensions, and a string holding only a number
        (CLI text, a study-file number passed as text) is taken in it. Python numbers are SI.
    doc : str
        One-line meaning.
    default : Any
        Default value (string with unit, SI number, or Param); ``None`` means required.
    low, high : float or None
        Allowed SI range.
    low_inclusive, high_inclusive : bool
        Whether the bounds are allowed.
    """

    unit: str
    doc: str
    default: Any = None
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    source: str = ""
    extra: dict = field(default_factory=dict)

    def convert(self, name: str, value: Any) -> float:
        """Convert and range-check one value; return it in SI.

        ``value`` is an SI number, a string with a unit, a pint quantity, a :class:`Param`, or a
        string holding only a number (taken in :attr:`unit`).
        """
        if isinstance(value, Param):
            x = as_si(f"{value.value!r} {value.unit}" if value.unit else value.value, self.unit, name)
        else:
            x = as_si(value, self.unit, name)
        got = repr(value) if isinstance(value, str) else _fmt(x, self.unit)  # numbers are SI: show them in the display unit
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            raise ParameterError(
                f"parameter '{name}' must be {'≥' if self.low_inclusive else '>'} {_fmt(self.low, self.unit)}; got {got}"
            )
        if self.high is not None and (x > self.high or (x == self.high and not self.high_inclusive)):
            raise ParameterError(
                f"parameter '{name}' must be {'≤' if self.high_inclusive else '<'} {_fmt(self.high, self.unit)}; got {got}"
            )
        return x


def _fmt(x: float, unit: str) -> str:
    return f"{from_si(x, unit):g} {unit}".strip()


def unknown_key_error(key: str, allowed: Any, what: str = "parameter") -> ParameterError:
    """Build the error for an unknown key, suggesting close matches."""
    allowed = sorted(allowed)
    close = difflib.get_close_matches(key, allowed, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else f"; known: {', '.join(allowed)}"
    return ParameterError(f"unknown {what} '{key}'{hint}")


def user_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Prepare user input (a study-file table) for :func:`validate` or ``from_inputs``.

    A bare number typed by a user means the declared display unit (``li_thickness = 20`` is 20 um),
    whereas a Python number means SI. This turns int/float values into their text (``"20"``), which
    :meth:`ParamSpec.convert` takes in the display unit; everything else is passed unchanged.
    """
    return {k: repr(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in values.items()}


def validate(schema: Mapping[str, ParamSpec], values: Mapping[str, Any], context: str = "") -> dict[str, float]:
    """Validate ``values`` against ``schema`` and return SI floats for every declared key.

    Unknown keys raise with a close-match suggestion; missing keys without default raise.
    """
    where = f" of {context}" if context else ""
    for key in values:
        if key not in schema:
            raise unknown_key_error(key, schema, f"parameter{where}")
    out: dict[str, float] = {}
    for key, spec in schema.items():
        if key in values and values[key] is not None:
            out[key] = spec.convert(key, values[key])
        elif spec.default is not None:
            out[key] = spec.convert(key, spec.default)
        else:
            raise ParameterError(f"parameter '{key}'{where} is required ({spec.doc}, in {spec.unit}); it was not given")
    return out


# --- physical checks shared by the library functions -------------------------------------------------
# Each takes an SI float, returns it as float, and raises ParameterError naming the parameter, what was
# expected and what was found. ``not (inside)`` tests make NaN fail every check.


#: Absolute temperatures lisse accepts [K]. 0 K divides by zero in every k_B T or RT/F, and a tiny positive T
#: underflows k_B T to 0 all the same; 1 K to 10 000 K spans every cell and furnace with room to spare.
TEMPERATURE_RANGE = (1.0, 10_000.0)


def check_temperature(value: float, name: str = "temperature") -> float:
    """An absolute temperature [K] within :data:`TEMPERATURE_RANGE` (so > 0 K, and k_B T never underflows)."""
    lo, hi = TEMPERATURE_RANGE
    if not lo <= value <= hi:
        raise ParameterError(f"parameter '{name}' must be an absolute temperature between {lo:g} K and {hi:g} K (above 0 K); got {value!r} K")
    return float(value)


def check_positive(value: float, name: str, unit: str = "", *, allow_zero: bool = False) -> float:
    """A finite SI number > 0 (``allow_zero``: >= 0).

    ``unit`` is the display unit of the message (e.g. ``"mA/cm2"``): the value found is shown converted
    from SI into it, as the CLI and study files show that quantity.
    """
    ok = (0.0 <= value < math.inf) if allow_zero else (0.0 < value < math.inf)
    if not ok:
        rel = "≥ 0" if allow_zero else "> 0"
        found = f"{from_si(value, unit):g} {unit}" if unit and isinstance(value, numbers.Real) else repr(value)
        raise ParameterError(f"parameter '{name}' must be a finite number {rel}{' ' + unit if unit else ''}; got {found}")
    return float(value)


def check_open_fraction(value: float, name: str) -> float:
    """A number strictly between 0 and 1 (e.g. a transfer coefficient alpha)."""
    if not 0.0 < value < 1.0:
        raise ParameterError(f"parameter '{name}' must be between 0 and 1 (exclusive); got {value!r}")
    return float(value)


def check_count(value: Any, name: str, low: int, high: int, why: str = "") -> int:
    """An integer in [low, high]; ``why`` explains the upper limit in the message."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or int(value) != value:
        raise ParameterError(f"parameter '{name}' must be a whole number between {low} and {high}; got {value!r}")
    if not low <= int(value) <= high:
        reason = f" ({why})" if why else ""
        raise ParameterError(f"parameter '{name}' must be between {low} and {high}{reason}; got {int(value)}")
    return int(value)
