"""Units at the boundary, SI floats inside.

lisse uses one pint registry, created lazily on first use so that ``import lisse`` stays fast. Kernels
only ever see SI floats. Three converters, one per kind of caller (the unit rule of lisse):

- :func:`as_si` for the Python API: a bare int/float **is SI** (m, A/m2, C/m2, V, K, J/m2, ...); a
  string with a unit (``"7.54 um"``) or a :class:`pint.Quantity` is converted; a string holding only a
  number is refused for a dimensional quantity (it would hide a non-SI unit). A :class:`UserNumber`
  (made only by the CLI/study layer for a number a user typed) means the declared display unit.
- :func:`parse_quantity` for user input (CLI options, study-file values): a quantity with a unit, or a
  bare number (text or TOML number) meaning the *display unit* that ``--help`` or the study schema
  states (um, mA/cm2, mAh/cm2, cm2, mV, ...). Error hints suggest that same display unit.
- :func:`to_si` for keywords whose name carries their unit (``j_critical_mA_cm2``): a bare number is in
  ``unit``; strings without a unit are refused.

Public Python functions whose parameters are physical quantities apply :func:`as_si` at their boundary
with the decorator :func:`quantity_args` (``@quantity_args(area="cm2", thickness="um")``): a float is SI
(unchanged), a string with a unit or a pint quantity is converted to SI with its dimensions checked
(:class:`~lisse.errors.UnitError` naming the parameter), anything else is a
:class:`~lisse.errors.ParameterError`. Array parameters are declared with a ``[]`` suffix
(``currents="A/m2[]"``): a numeric array is SI, a pint array quantity or a sequence of strings/quantities
is converted element by element. The declared units are kept on the function as
``__lisse_quantities__`` (the public-API test reads them).

Unit strings follow pint's grammar plus two conveniences that battery people type: ``cm2`` means
``cm**2`` and ``mAh`` means milliampere-hour (both already pint grammar), and ``um`` is micrometre.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

from lisse.errors import ParameterError, UnitError

__all__ = [
    "ureg",
    "UserNumber",
    "to_si",
    "as_si",
    "as_si_array",
    "quantity_args",
    "parse_quantity",
    "split_lower_bound",
    "LOWER_BOUND_MARKS",
    "from_si",
    "si_unit",
    "format_quantity",
    "is_dimensionless",
]

_F = TypeVar("_F", bound=Callable[..., Any])

_OFFSET_UNITS = {"degC": 273.15, "°C": 273.15, "celsius": 273.15, "degree_Celsius": 273.15}


@lru_cache(maxsize=1)
def ureg():
    """Return the single lisse :class:`pint.UnitRegistry` (created on first call)."""
    import pint

    reg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    reg.define("fraction = [] = frac")
    reg.define("percent_ = 0.01 fraction")
    return reg


# --- a light parser for the common units (pint's import and registry cost ~0.5 s of CPU) -----------------
# Products and quotients of the atoms below with integer powers are converted without pint; anything
# else (parentheses, other names, fractional powers) goes to pint, so nothing is accepted that pint would
# refuse or read differently. tests/foundation/test_units_fast.py checks every atom and many compounds
# against pint, factor and dimensions.
_L, _M, _T, _I, _TH, _N = "[length]", "[mass]", "[time]", "[current]", "[temperature]", "[substance]"
_BASE: dict[str, tuple[float, dict[str, int]]] = {
    "m": (1.0, {_L: 1}),
    "g": (1e-3, {_M: 1}),
    "s": (1.0, {_T: 1}),
    "A": (1.0, {_I: 1}),
    "K": (1.0, {_TH: 1}),
    "mol": (1.0, {_N: 1}),
    "V": (1.0, {_M: 1, _L: 2, _T: -3, _I: -1}),
    "W": (1.0, {_M: 1, _L: 2, _T: -3}),
    "J": (1.0, {_M: 1, _L: 2, _T: -2}),
    "C": (1.0, {_I: 1, _T: 1}),
    "S": (1.0, {_I: 2, _T: 3, _M: -1, _L: -2}),
    "ohm": (1.0, {_M: 1, _L: 2, _T: -3, _I: -2}),
    "F": (1.0, {_I: 2, _T: 4, _M: -1, _L: -2}),
    "Hz": (1.0, {_T: -1}),
    "N": (1.0, {_M: 1, _L: 1, _T: -2}),
    "Pa": (1.0, {_M: 1, _L: -1, _T: -2}),
    "eV": (1.602176634e-19, {_M: 1, _L: 2, _T: -2}),
    "Ah": (3600.0, {_I: 1, _T: 1}),
    "Wh": (3600.0, {_M: 1, _L: 2, _T: -2}),
    "L": (1e-3, {_L: 3}),
}
_PREFIX = {"p": 1e-12, "n": 1e-9, "u": 1e-6, "m": 1e-3, "c": 1e-2, "k": 1e3, "M": 1e6, "G": 1e9}
_UNPREFIXED = {
    "h": (3600.0, {_T: 1}),
    "min": (60.0, {_T: 1}),
    "percent": (0.01, {}),
    "deg": (0.017453292519943295, {}),
    "rad": (1.0, {}),
    "dimensionless": (1.0, {}),
}
_ATOMS: dict[str, tuple[float, dict[str, int]]] = {
    **_BASE,
    **{p + u: (f * v, d) for u, (v, d) in _BASE.items() for p, f in _PREFIX.items()},
    **_UNPREFIXED,
}
_TOKEN = re.compile(r"\*\*|\*|/|\(|\)|-?\d+|[A-Za-z_]+|\s+|.")


class _NotCommon(Exception):
    """The unit is not a product/quotient of common atoms: pint reads it."""


def _fast_unit_info(unit: str) -> tuple[float, tuple[tuple[str, int], ...]] | None:
    """(factor to SI, dimensions) of a product/quotient of common atoms, or None to ask pint.

    Grammar (pint's, restricted): ``expr := term ((* | / | space) term)*``, ``term := (atom | '(' expr ')')
    ['**' int]``, left to right (``a/b*c`` is ``(a/b)*c``); a ``1`` may start a quotient (``1/s``). An
    implicit product after a ``/`` on the same level (``mA/cm cm``) is left to pint.
    """
    raw = [t for t in _TOKEN.findall(unit.strip().replace("^", "**"))]
    toks: list[str] = []
    for k, t in enumerate(raw):  # a space is an implicit product only between two terms
        if t.isspace():
            before, after = (raw[k - 1] if k else ""), (raw[k + 1] if k + 1 < len(raw) else "")
            if before in ("", "*", "/", "(", "**") or after in ("", "*", "/", ")", "**"):
                continue
            t = " "
        toks.append(t)
    if not toks:
        return None
    try:
        factor, dims, pos = _expr(toks, 0)
    except _NotCommon:
        return None
    if pos != len(toks):
        return None
    return factor, tuple(sorted((k, v) for k, v in dims.items() if v != 0))


def _expr(toks: list[str], pos: int) -> tuple[float, dict[str, int], int]:
    factor = 1.0
    dims: dict[str, int] = {}
    sign, seen_div, first = 1, False, True
    while True:
        f, d, pos = _term(toks, pos, first)
        first = False
        factor *= f**sign
        for k, v in d.items():
            dims[k] = dims.get(k, 0) + v * sign
        if pos == len(toks) or toks[pos] == ")":
            return factor, dims, pos
        op = toks[pos]
        if op == "/":
            sign, seen_div = -1, True
        elif op == "*" or (op == " " and not seen_div):
            sign = 1
        else:
            raise _NotCommon
        pos += 1
        if pos == len(toks):
            raise _NotCommon


def _term(toks: list[str], pos: int, first: bool) -> tuple[float, dict[str, int], int]:
    if pos >= len(toks):
        raise _NotCommon
    tok = toks[pos]
    if tok == "(":
        factor, dims, pos = _expr(toks, pos + 1)
        if pos >= len(toks) or toks[pos] != ")":
            raise _NotCommon
        pos += 1
    elif tok == "1" and first and pos + 1 < len(toks) and toks[pos + 1] == "/":
        factor, dims, pos = 1.0, {}, pos + 1
        return factor, dims, pos
    elif tok in _ATOMS:
        factor, dims = _ATOMS[tok][0], dict(_ATOMS[tok][1])
        pos += 1
    else:
        raise _NotCommon
    if pos < len(toks) and toks[pos] == "**":
        if pos + 1 >= len(toks) or not re.fullmatch(r"-?\d+", toks[pos + 1]):
            raise _NotCommon
        power = int(toks[pos + 1])
        factor, dims, pos = factor**power, {k: v * power for k, v in dims.items()}, pos + 2
    return factor, dims, pos


@lru_cache(maxsize=512)
def _unit_info(unit: str) -> tuple[float, tuple[tuple[str, Any], ...]]:
    """Return (factor to SI, dimensions as sorted ``(name, power)`` pairs) for a unit expression.

    Common units are read by a light parser; the rest by pint (imported only then).
    """
    fast = _fast_unit_info(_normalise(unit))
    if fast is not None:
        return fast
    factor, dims, _ = _pint_unit_info(unit)
    return factor, tuple(sorted((k, v) for k, v in dims.items() if v != 0))


@lru_cache(maxsize=512)
def _pint_unit_info(unit: str) -> tuple[float, Any, str]:
    """Return (factor to SI, pint dimensionality, SI unit string) for a unit expression, using pint."""
    reg = ureg()
    try:
        q = reg.Quantity(1.0, _normalise(unit))
    except Exception as exc:
        raise UnitError(f"cannot parse unit '{unit}': {exc}") from None
    try:
        base = q.to_base_units()
    except (OverflowError, ZeroDivisionError):  # e.g. 'u103' (atomic mass unit to the 103rd power)
        raise UnitError(f"cannot use unit '{unit}': its size is out of the floating-point range") from None
    return float(base.magnitude), q.dimensionality, f"{base.units:~}"


@lru_cache(maxsize=512)
def _has_offset(unit: str) -> bool:
    """True when ``unit`` is an offset scale (degC, degF, ...): converting it is not a multiplication."""
    if _fast_unit_info(_normalise(unit)) is not None:
        return False
    return not ureg().Quantity(1.0, _normalise(unit))._is_multiplicative


def _normalise(unit: str) -> str:
    u = unit.strip().replace("μ", "u").replace("µ", "u").replace("Ω", "ohm").replace("·", "*").replace("Å", "angstrom")
    u = re.sub(r"Ohms?\b", "ohm", u)  # 'Ohm cm2', 'kOhm', 'MOhm' as instruments and papers write them
    u = re.sub(r"(?<![A-Za-z])%", "percent", u)
    u = re.sub(r"(?<=[A-Za-z])\.(?=[A-Za-z])", "*", u)  # mol.m-3 -> mol*m-3
    u = re.sub(r"(?<=[A-Za-z])(-?\d+)", r"**\1", u)  # cm2 -> cm**2, m-3 -> m**-3
    return u


def si_unit(unit: str) -> str:
    """Return the SI (base) unit lisse uses internally for a quantity declared in ``unit``.

    Parameters
    ----------
    unit : str
        A pint unit expression, e.g. ``"mA/cm2"``.

    Returns
    -------
    str
        The abbreviated SI base unit, e.g. ``"A / m ** 2"``.

    Raises
    ------
    UnitError
        If ``unit`` cannot be parsed.
    """
    return _pint_unit_info(unit)[2]


def is_dimensionless(unit: str) -> bool:
    """Tell whether ``unit`` is dimensionless (e.g. ``""``, ``"1"``, ``"-"``, ``"%"``).

    Parameters
    ----------
    unit : str
        A pint unit expression.

    Returns
    -------
    bool
        True when the unit has no dimensions.

    Raises
    ------
    UnitError
        If ``unit`` cannot be parsed.
    """
    if unit.strip() in ("", "1", "-"):
        return True
    return len(_unit_info(unit)[1]) == 0


def to_si(value: Any, unit: str, name: str = "value") -> float:
    """Convert ``value`` to an SI float, checking it has the dimensions of ``unit``.

    For keywords whose name carries their unit (``j_mA_cm2``) and for data in a declared unit: a bare
    number is taken in ``unit``. A Python-API keyword without a unit in its name uses :func:`as_si`
    (numbers are SI); user input (CLI, study files) uses :func:`parse_quantity`.

    Parameters
    ----------
    value : str, pint.Quantity, int or float
        ``"7.54 um"``, a pint quantity, or a bare number taken to be in ``unit`` (a string holding
        only a number is refused: it carries no unit).
    unit : str
        The declared unit of the parameter (e.g. ``"mAh/cm2"``); only its dimensions matter for
        strings and quantities, its scale matters for bare numbers.
    name : str
        Parameter name, used in error messages.

    Returns
    -------
    float
        The magnitude in SI base units (e.g. mAh/cm2 -> C/m2).

    Raises
    ------
    UnitError
        If the value cannot be parsed, is not finite, or has the wrong dimensions.
    """
    if unit.strip() in ("", "1", "-"):
        unit = "dimensionless"
    if isinstance(value, bool):
        raise UnitError(f"parameter '{name}' expects a quantity in {unit}; got the boolean {value!r}")
    if isinstance(value, (int, float)):
        x = float(value)
        if not math.isfinite(x):
            raise UnitError(f"parameter '{name}' must be a finite number in {unit}; got {value!r}")
        if unit in _OFFSET_UNITS:
            return x + _OFFSET_UNITS[unit]
        return x * _unit_info(unit)[0]
    got_dims_text = None  # pint's wording of the found dimensions (only needed for an error)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise UnitError(f"parameter '{name}' expects {_want(unit)}; got an empty string")
        if re.match(r"[-+]?\d+,\d", text):
            raise UnitError(f"parameter '{name}': '{value}' has a decimal comma; write a decimal point (e.g. '{text.replace(',', '.', 1)}')")
        m = re.fullmatch(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)", text)
        if m is None:
            raise UnitError(f"parameter '{name}' expects {_want(unit, example=True)}; got '{value}'")
        number, ustr = float(m.group(1)), m.group(2).strip()
        if not ustr:
            if is_dimensionless(unit):
                return number * _unit_info(unit)[0]
            raise UnitError(
                f"parameter '{name}' expects a quantity in {unit}; got '{value}' without a unit "
                f"(write e.g. '{number:g} {unit}')"
            )
        if ustr in _OFFSET_UNITS:
            if unit not in ("K", "kelvin", *_OFFSET_UNITS):
                raise UnitError(f"parameter '{name}' expects {unit}; got the temperature '{value}'")
            return number + _OFFSET_UNITS[ustr]
        try:
            factor, dims = _unit_info(ustr)
        except UnitError:
            raise UnitError(f"parameter '{name}': cannot parse the unit '{ustr}' in '{value}' (expected {unit})") from None
        if _has_offset(ustr):  # e.g. degF, reaumur: an offset scale, not a factor ('77 degF' is 298.15 K)
            x = float(ureg().Quantity(number, _normalise(ustr)).to_base_units().magnitude)
        else:
            x = number * factor
    elif hasattr(value, "to_base_units") and hasattr(value, "dimensionality"):
        try:
            got_dims_text = _dimstr(value.dimensionality)
            dims = tuple(sorted((k, v) for k, v in value.dimensionality.items() if v != 0))
            x = float(value.to_base_units().magnitude)
        except Exception as exc:
            raise UnitError(f"parameter '{name}': cannot convert {value!r} to SI: {exc}") from None
    else:
        raise UnitError(f"parameter '{name}' expects a quantity in {unit} (str, pint.Quantity or number); got {type(value).__name__} {value!r}")
    want = _unit_info(unit if unit not in _OFFSET_UNITS else "K")[1]
    if dims != want:  # the message words dimensions as pint does (pint is imported only for this)
        want_text = _dimstr(_pint_unit_info(unit if unit not in _OFFSET_UNITS else "K")[1])
        if got_dims_text is None:
            got_dims_text = _dimstr(_pint_unit_info(ustr)[1])
        hint = ""
        if isinstance(value, str) and re.search(r"(?<![A-Za-z])A(?![A-Za-z])", ustr or "") and "[current]" in got_dims_text \
                and "[current]" not in want_text and re.search(r"(?<![A-Za-z])[munpc]?m(?![A-Za-z])", unit):
            # an angstrom only where the expected unit holds a length (J/m2, um, mAh/cm2, ...)
            hint = "; 'A' is the ampere: write 'angstrom' or 'Å' for the ångström"
        raise UnitError(f"parameter '{name}' expects {_want(unit)} ({want_text}); got '{value}' ({got_dims_text}){hint}")
    if not math.isfinite(x):
        raise UnitError(f"parameter '{name}' must be finite; got {value!r}")
    return x


def _want(unit: str, example: bool = False) -> str:
    """What an error says is expected: a plain number for dimensionless parameters, else a quantity in ``unit``."""
    if unit == "dimensionless":
        return "a plain number such as 0.3 (or a percentage such as '30 %')"
    return f"a quantity like '1.5 {unit}'" if example else f"a quantity in {unit}"


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def parse_quantity(value: Any, unit: str, name: str = "value") -> float:
    """Convert user input (a CLI option, a study-file value) to an SI float.

    Parameters
    ----------
    value : str, int, float or pint.Quantity
        ``"1.2 mA/cm2"``, or a bare number (``"1.2"`` or the TOML number ``1.2``) that means ``unit``.
    unit : str
        The display unit that the option's ``--help`` or the study schema states (e.g. ``"mA/cm2"``).
        Bare numbers are taken in it, and error hints suggest it.
    name : str
        Option or key name for error messages (e.g. ``"--ccd"``).

    Returns
    -------
    float
        The magnitude in SI base units.

    Raises
    ------
    UnitError
        If the value cannot be parsed, is not finite, or has the wrong dimensions.
    """
    if isinstance(value, bool):
        raise UnitError(f"parameter '{name}' expects a quantity in {unit}; got the boolean {value!r}")
    if isinstance(value, numbers.Real):
        return to_si(float(value), unit, name)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return to_si(float(value.strip()), unit, name)
    return to_si(value, unit, name)


#: Marks that make a value a lower bound ("the cell had not failed after 1500 h"), longest first.
LOWER_BOUND_MARKS = (">=", "\u2265", ">")


def split_lower_bound(value: Any) -> tuple[Any, bool]:
    """Strip a leading lower-bound mark (``">="``, ``"\u2265"`` or ``">"``) from a quantity typed by a user.

    A censored observation, such as the cycle life of a cell that had not failed when the test ended, is
    written ``">=1500 h"``: the number is a lower bound, not a measurement of the quantity itself.

    Parameters
    ----------
    value : str, int, float or pint.Quantity
        The value as typed, in any unit (a bare number in the caller's display unit); only strings can carry a mark.

    Returns
    -------
    value : str, int, float or pint.Quantity
        The value without its mark, in the unit it was typed in (unchanged when it had none).
    is_lower_bound : bool
        Whether a mark was found.
    """
    if isinstance(value, str):
        t = value.strip()
        for mark in LOWER_BOUND_MARKS:
            if t.startswith(mark):
                return t[len(mark):].strip(), True
    return value, False


class UserNumber(float):
    """A bare number a user typed (a study-file value): it means the display unit of the parameter.

    The study loader wraps TOML numbers in this type before handing them to a Python-API function,
    so that ``li_thickness = 20`` means 20 um there, while a plain Python ``20`` means 20 m
    (see :func:`as_si`).

    Parameters
    ----------
    x : float, default 0
        The number as typed, in the display unit of the parameter it is given to (not SI).
    """

    __slots__ = ()


def as_si(value: Any, unit: str, name: str = "value") -> float:
    """Convert a Python-API quantity to an SI float: bare numbers are already SI.

    Parameters
    ----------
    value : int, float, str or pint.Quantity
        An SI number (``90e-6`` for a thickness in m), a string with a unit (``"90 um"``), a pint
        quantity, or a :class:`UserNumber` (taken in ``unit``). A string holding only a number is
        accepted only for dimensionless parameters.
    unit : str
        The parameter's declared (display) unit: its dimensions are checked for strings and
        quantities; it is the unit of a :class:`UserNumber`. It does not scale plain numbers.
    name : str
        Parameter name for error messages.

    Returns
    -------
    float
        The magnitude in SI base units.

    Raises
    ------
    UnitError
        If the value cannot be parsed, is not finite, or has the wrong dimensions.
    """
    if isinstance(value, bool):
        raise UnitError(f"parameter '{name}' expects a quantity (SI number, or a string with a unit such as '1 {unit}'); got the boolean {value!r}")
    if isinstance(value, UserNumber):
        return parse_quantity(float(value), unit, name)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()) and not is_dimensionless(unit):
        raise UnitError(
            f"parameter '{name}': '{value.strip()}' has no unit; pass a string with its unit (e.g. '{value.strip()} {unit}') "
            f"or a number in SI ({si_unit(unit)})"
        )
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise UnitError(f"parameter '{name}' must be a finite number in SI ({si_unit(unit) if not is_dimensionless(unit) else '-'}); got {value!r}")
        return x
    return parse_quantity(value, unit, name)


#: Names of the dimensions lisse's quantities have, for error messages (by a unit of each).
_DIMENSION_NAMES = (("m", "a length"), ("m**2", "an area"), ("m**3", "a volume"), ("s", "a time"), ("1/s", "a rate"),
                    ("kg", "a mass"), ("K", "a temperature"), ("A", "a current"), ("V", "a voltage"), ("C", "a charge"),
                    ("J", "an energy"), ("W", "a power"), ("Pa", "a pressure"), ("ohm", "a resistance"), ("F", "a capacitance"),
                    ("S/m", "a conductivity"), ("A/m**2", "a current density"), ("C/m**2", "a charge per area"),
                    ("J/m**2", "an energy per area"), ("ohm*m**2", "an area-specific resistance"), ("kg/m**3", "a density"),
                    ("kg/m**2", "a mass per area"), ("C/kg", "a charge per mass"), ("m**2/s", "a diffusivity"),
                    ("mol", "an amount"), ("m**3/mol", "a molar volume"), ("kg/mol", "a molar mass"), ("J/mol", "a molar energy"))


@functools.lru_cache(maxsize=1)
def _dimension_names() -> dict[str, str]:
    return {str(ureg().Unit(u).dimensionality): name for u, name in _DIMENSION_NAMES}


def _dimstr(dims: Any) -> str:
    s = str(dims)
    if s in ("", "dimensionless"):
        return "dimensionless"
    name = _dimension_names().get(s)
    return f"{name}, {s}" if name else s


def from_si(x: float, unit: str) -> float:
    """Convert an SI float to ``unit`` (the inverse of :func:`to_si` for numbers).

    Parameters
    ----------
    x : float
        Magnitude in SI base units (K for temperatures).
    unit : str
        Target unit expression (``"degC"``-type offset units are handled).

    Returns
    -------
    float
        The magnitude in ``unit``.

    Raises
    ------
    UnitError
        If ``unit`` cannot be parsed.
    """
    if unit in _OFFSET_UNITS:
        return x - _OFFSET_UNITS[unit]
    if unit.strip() in ("", "1", "-"):
        return x
    return x / _unit_info(unit)[0]


def format_quantity(x: float, unit: str, digits: int = 4) -> str:
    """Format an SI float for display in ``unit``: ``format_quantity(1e-6, "um") -> '1 um'``.

    Parameters
    ----------
    x : float
        Magnitude in SI base units.
    unit : str
        Display unit expression.
    digits : int, default 4
        Number of significant digits (``%g`` format).

    Returns
    -------
    str
        ``"<value> <unit>"``.

    Raises
    ------
    UnitError
        If ``unit`` cannot be parsed.
    """
    return f"{from_si(x, unit):.{digits}g} {unit}".strip()


def _is_quantity(value: Any) -> bool:
    return hasattr(value, "to_base_units") and hasattr(value, "dimensionality")


def _scalar_arg(value: Any, unit: str, name: str) -> Any:
    """One scalar quantity parameter at the public boundary (see :func:`quantity_args`)."""
    if value is None:
        return None
    if isinstance(value, bool) or not (isinstance(value, (numbers.Real, str)) or _is_quantity(value)):
        raise ParameterError(
            f"parameter '{name}' expects a quantity: an SI number, a string with a unit (e.g. '1 {unit}') "
            f"or a pint.Quantity; got {type(value).__name__} {value!r}"
        )
    if isinstance(value, numbers.Real) and not isinstance(value, UserNumber):
        return value  # SI already: unchanged (keeps ints, numpy scalars and their behaviour)
    return as_si(value, unit, name)


def as_si_array(value: Any, unit: str, name: str = "value") -> Any:
    """Convert an array-valued Python-API quantity to SI: numeric arrays are SI and returned unchanged.

    Parameters
    ----------
    value : array_like, str, pint.Quantity or None
        SI numbers (returned as given), a pint quantity (scalar or array; converted to SI base units
        after its dimensions are checked against ``unit``), a single string with a unit, or a sequence
        whose items are any of these (converted item by item).
    unit : str
        The parameter's declared unit (only its dimensions matter).
    name : str
        Parameter name for error messages.

    Returns
    -------
    array_like or None
        The values in SI base units (a list of floats when converted, else ``value`` itself).

    Raises
    ------
    UnitError
        If an item has the wrong dimensions or cannot be parsed.
    ParameterError
        If ``value`` is neither numbers, strings nor quantities.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return as_si(value, unit, name)
    if _is_quantity(value):
        mag = getattr(value, "magnitude", None)
        if isinstance(mag, numbers.Real):
            return as_si(value, unit, name)
        # the dimensions are checked by the scalar rule on one unit of the array's unit
        as_si(1.0 * value.units, unit, name)
        try:
            return value.to_base_units().magnitude
        except Exception as exc:
            raise UnitError(f"parameter '{name}': cannot convert {value!r} to SI: {exc}") from None
    items: Any = None
    if isinstance(value, (list, tuple)):
        items = list(value)
    elif hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "USO" and hasattr(value, "tolist"):
        # a numpy array of unit strings / quantities (dtype U, S or object): converted element by element
        flat = value.tolist()
        items = flat if isinstance(flat, list) else [flat]
        items = [v.decode() if isinstance(v, bytes) else v for v in items]
    if items is not None:
        with_unit = [isinstance(v, str) or _is_quantity(v) or isinstance(v, UserNumber) for v in items]
        if any(with_unit):
            if not all(with_unit):
                bare = next(v for v, u in zip(items, with_unit, strict=True) if not u)
                raise ParameterError(
                    f"parameter '{name}' mixes bare numbers (SI) with values that carry a unit (found {bare!r} "
                    f"next to {items[with_unit.index(True)]!r}): give every element a unit, or none (SI)"
                )
            return [float(_scalar_arg(v, unit, f"{name}[{i}]")) for i, v in enumerate(items)]
    if isinstance(value, (numbers.Real, list, tuple)) or hasattr(value, "__array__"):
        return value
    raise ParameterError(
        f"parameter '{name}' expects an array of quantities (SI numbers, strings with a unit such as '1 {unit}', "
        f"or a pint.Quantity); got {type(value).__name__} {value!r}"
    )


def quantity_args(**units: str) -> Callable[[_F], _F]:
    """Decorate a public function so its quantity parameters accept SI floats, unit strings and pint quantities.

    Parameters
    ----------
    **units : str
        Parameter name -> declared unit (e.g. ``area="cm2"``); a ``[]`` suffix marks an array parameter
        (``currents="A/m2[]"``). Only the unit's dimensions are used; floats stay SI.

    Returns
    -------
    callable
        A decorator. The wrapped function converts those arguments with :func:`as_si` (scalars) or
        :func:`as_si_array` (arrays) before the call, and carries ``__lisse_quantities__`` (the table) and
        ``__lisse_convert__(args, kwargs)`` (the conversion alone, for tests).
    """

    def decorate(fn: _F) -> _F:
        code = fn.__code__
        positional = code.co_varnames[: code.co_argcount]
        unknown = set(units) - set(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
        if unknown:
            raise TypeError(f"quantity_args: {fn.__qualname__} has no parameter(s) {sorted(unknown)}")

        def convert(name: str, value: Any) -> Any:
            unit = units[name]
            if unit.endswith("[]"):
                return as_si_array(value, unit[:-2], name)
            return _scalar_arg(value, unit, name)

        def convert_args(args: tuple, kwargs: dict[str, Any]) -> tuple[tuple, dict[str, Any]]:
            if args:
                args = tuple(
                    convert(positional[i], a) if i < len(positional) and positional[i] in units else a
                    for i, a in enumerate(args)
                )
            for k in kwargs.keys() & units.keys():
                kwargs[k] = convert(k, kwargs[k])
            return args, kwargs

        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = convert_args(args, kwargs)
            return fn(*args, **kwargs)

        wrapper.__lisse_quantities__ = dict(units)  # type: ignore[attr-defined]
        wrapper.__lisse_convert__ = convert_args  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
