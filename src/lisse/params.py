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
from typing import Any, TypedDict

from lisse.errors import ParameterError
from lisse.units import as_si, from_si, parse_quantity, split_lower_bound, to_si

__all__ = ["Param", "ParamSpec", "OptionSpec", "validate", "validate_options", "describe_spec", "unknown_key_error", "user_values",
           "check_temperature", "check_positive", "check_open_fraction", "check_count", "CALIBRATED_COLUMN", "NO_CALIBRATED_PARAMETER",
           "CALIBRATED_VALUE_RTOL", "is_calibrated_value", "calibrated_names", "calibrated_label", "with_calibrated_column"]


@dataclass(frozen=True)
class Param:
    """A parameter value with its unit and source.

    Parameters
    ----------
    value : float
        Value in ``unit`` (not SI: as printed in the source).
    unit : str
        Unit of ``value`` (pint syntax; "" for dimensionless).
    source : str
        A citation key plus table/figure ("Wang2024 Fig. 2b"), a DOI, or "assumed: <reason>".
    temperature_K : float or None, optional
        Temperature the value refers to, in K, if it depends on temperature.
    note : str, default ""
        Free text (method, conditions).
    calibrated_on : str, default ""
        The observation this value was fitted to (or derived from through another fitted value), for a *calibrated*
        value, which never validates that observation. Empty for a measured or independently computed value.
        ``lisse materials`` marks it, and the interface model (:func:`lisse.sim.interface.build_model`) names it in
        ``calibrated_parameters`` wherever it takes it; other readers of the library (creep law, interlayer and
        phase-field defaults, graded-layer conductivities, cell design, nucleation) read values none of which is marked
        (``tests/foundation/test_library_calibrated.py`` pins the marked set, so marking another one is a deliberate change).

    Raises
    ------
    ParameterError
        If ``source`` is empty (every value needs a citation or an explicit assumption).
    """

    value: float
    unit: str
    source: str
    temperature_K: float | None = None
    note: str = ""
    calibrated_on: str = ""

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
        """Tell whether the value is an assumption rather than a cited measurement.

        Returns
        -------
        bool
            True when ``source`` starts with "assumed".
        """
        return self.source.lower().startswith("assumed")


@dataclass(frozen=True)
class ParamSpec:
    """Declaration of one model parameter.

    Parameters
    ----------
    unit : str
        Display unit: every value must have its dimensions, and a string holding only a number
        (CLI text, a study-file number passed as text) is taken in it. Python numbers are SI.
    doc : str
        One-line meaning.
    default : Any, optional
        Default value (string with unit, SI number, or Param); ``None`` means required.
    low, high : float or None, optional
        Allowed range, in SI units of the quantity (``unit`` converted to SI base units).
    low_inclusive, high_inclusive : bool, default True
        Whether the bounds themselves are allowed.
    source : str, default ""
        Where the default comes from (a citation key or "assumed: <reason>"); free text, not checked.
    extra : dict, optional
        Free metadata for the declaring model; :func:`validate` does not read it.
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

        Parameters
        ----------
        name : str
            The parameter's name, for error messages.
        value : float, str, pint.Quantity, Param or UserNumber
            An SI number, a string with a unit, a pint quantity, a :class:`Param`, or a
            :class:`lisse.units.UserNumber` (a bare user number, taken in :attr:`unit`).

        Returns
        -------
        float
            The value in SI base units.

        Raises
        ------
        UnitError
            If the value has the wrong dimensions or cannot be parsed.
        ParameterError
            If it lies outside ``[low, high]``.
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
    """Build the error for an unknown key, suggesting close matches.

    Parameters
    ----------
    key : str
        The key the user gave.
    allowed : iterable of str
        The known keys.
    what : str, default "parameter"
        What the key names, for the message (``"unknown <what> '<key>'"``).

    Returns
    -------
    ParameterError
        The error (not raised: the caller raises it).
    """
    allowed = sorted(allowed)
    close = difflib.get_close_matches(key, allowed, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else f"; known: {', '.join(allowed)}"
    return ParameterError(f"unknown {what} '{key}'{hint}")


def user_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Prepare user input (a study-file table) for :func:`validate` or ``from_inputs``.

    A bare number typed by a user means the declared display unit (``li_thickness = 20`` is 20 um),
    whereas a Python number means SI. This wraps int/float values in :class:`lisse.units.UserNumber`,
    which :meth:`ParamSpec.convert` takes in the display unit; everything else is passed unchanged.

    Parameters
    ----------
    values : mapping of str to Any
        The table as read from the study file.

    Returns
    -------
    dict of str to Any
        The same keys, numbers wrapped in :class:`~lisse.units.UserNumber`.
    """
    from lisse.units import UserNumber

    return {k: UserNumber(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in values.items()}


def validate(schema: Mapping[str, ParamSpec], values: Mapping[str, Any], context: str = "") -> dict[str, float]:
    """Validate ``values`` against ``schema`` and return SI floats for every declared key.

    Parameters
    ----------
    schema : mapping of str to ParamSpec
        The model's parameter declarations.
    values : mapping of str to Any
        Given values: SI numbers, strings with units, pint quantities, :class:`Param` or
        :class:`lisse.units.UserNumber` (see :func:`user_values`).
    context : str, default ""
        Where the values come from (e.g. a model name), added to error messages.

    Returns
    -------
    dict of str to float
        Every key of ``schema``, in SI base units (defaults filled in).

    Raises
    ------
    ParameterError
        For an unknown key (with a close-match suggestion), a missing required key, or a value out of range.
    UnitError
        For a value with the wrong dimensions.
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


# --------------------------------------------------------------------------------------------------
# Options of study tables (lisse evaluate): typed, bounded, with a display unit for bare numbers
# --------------------------------------------------------------------------------------------------

_KINDS = ("bool", "int", "float", "str", "quantity", "list", "pair", "table", "any")


class OptionBounds(TypedDict, total=False):
    """Range keywords shared by several :class:`OptionSpec` entries (``OptionSpec.number(doc, **bounds)``)."""

    low: float
    high: float
    low_inclusive: bool
    high_inclusive: bool


@dataclass(frozen=True)
class OptionSpec:
    """Declaration of one option of a study table: its type, unit, range, default and meaning.

    Build one with the constructors (:meth:`boolean`, :meth:`integer`, :meth:`number`, :meth:`text`,
    :meth:`quantity`, :meth:`list_of`, :meth:`pair`, :meth:`table`, :meth:`one_of`) and check a table
    with :func:`validate_options`. Quantities come back as SI floats; a bare number is read in the
    declared display ``unit`` (µm for thicknesses, mA/cm² for current densities, ...).

    Parameters
    ----------
    kind : str
        One of ``bool, int, float, str, quantity, list, pair, table, any``.
    doc : str
        One-line meaning.
    default : Any, optional
        Default in the form a user writes it (``"0.785 cm2"``, ``201``); ``None``: optional, absent unless given.
    unit : str, default ""
        Quantities: the unit a bare number means and whose dimensions every value must have.
    low, high : float or None, optional
        Allowed range (SI units for quantities; the number itself for int and float, dimensionless; item count
        for lists and tables).
    low_inclusive, high_inclusive : bool, default True
        Whether the bounds themselves are allowed.
    choices : tuple of str, default ()
        Allowed strings (``str`` kind); empty: any string.
    item : OptionSpec or ParamSpec or None, optional
        Item spec of a list; value spec of a table with free keys (``keys`` None).
    items : tuple of OptionSpec, default ()
        The two item specs of a ``pair``; the alternatives of ``any``.
    keys : mapping or None, optional
        Fixed keys of a table (each an OptionSpec or ParamSpec).
    scalar_ok : bool, default False
        Lists: a single value stands for a one-item list.
    limit_note : str, default ""
        Why the upper bound exists (e.g. "size limit"), added to the range error.
    is_path : bool, default False
        Strings that name a file the study loader checks for.
    lower_bound_ok : bool, default False
        Quantities: a leading ``">="`` (or ``"\u2265"``, ``">"``) marks the value as a lower bound, and
        :meth:`convert` returns ``(SI float, is_lower_bound)`` instead of the float.
    """

    kind: str
    doc: str
    default: Any = None
    unit: str = ""
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    choices: tuple[str, ...] = ()
    item: Any = None
    items: tuple[Any, ...] = ()
    keys: Mapping[str, Any] | None = None
    scalar_ok: bool = False
    limit_note: str = ""
    is_path: bool = False
    lower_bound_ok: bool = False

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"OptionSpec kind must be one of {_KINDS}; got {self.kind!r}")
        if self.lower_bound_ok and self.kind != "quantity":
            raise ValueError(f"OptionSpec lower_bound_ok applies to quantities; got it on kind {self.kind!r}")

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def boolean(cls, doc: str, default: bool | None = None) -> OptionSpec:
        """Declare a true/false option.

        Parameters
        ----------
        doc : str
            One-line meaning.
        default : bool or None, optional
            Default; None: absent unless given.

        Returns
        -------
        OptionSpec
            A spec of kind ``"bool"``.
        """
        return cls("bool", doc, default)

    @classmethod
    def integer(cls, doc: str, default: int | None = None, low: int | None = None, high: int | None = None,
                limit_note: str = "") -> OptionSpec:
        """Declare an integer option (a float with an integral value such as ``1e3`` is accepted) in ``[low, high]``.

        Parameters
        ----------
        doc : str
            One-line meaning.
        default : int or None, optional
            Default (a dimensionless count); None: absent unless given.
        low, high : int or None, optional
            Inclusive bounds (dimensionless); None: unbounded.
        limit_note : str, default ""
            Why the upper bound exists, added to the range error.

        Returns
        -------
        OptionSpec
            A spec of kind ``"int"``.
        """
        return cls("int", doc, default, low=low, high=high, limit_note=limit_note)

    @classmethod
    def number(cls, doc: str, default: float | None = None, low: float | None = None, high: float | None = None,
               low_inclusive: bool = True, high_inclusive: bool = True) -> OptionSpec:
        """Declare a dimensionless real-number option.

        Parameters
        ----------
        doc : str
            One-line meaning.
        default : float or None, optional
            Default (dimensionless); None: absent unless given.
        low, high : float or None, optional
            Bounds (dimensionless); None: unbounded.
        low_inclusive, high_inclusive : bool, default True
            Whether the bounds themselves are allowed.

        Returns
        -------
        OptionSpec
            A spec of kind ``"float"``.
        """
        return cls("float", doc, default, low=low, high=high, low_inclusive=low_inclusive, high_inclusive=high_inclusive)

    @classmethod
    def text(cls, doc: str, default: str | None = None, choices: tuple[str, ...] | list[str] = ()) -> OptionSpec:
        """Declare a string option, optionally one of ``choices``.

        Parameters
        ----------
        doc : str
            One-line meaning.
        default : str or None, optional
            Default; None: absent unless given.
        choices : tuple of str or list of str, default ()
            Allowed values; empty: any string.

        Returns
        -------
        OptionSpec
            A spec of kind ``"str"``.
        """
        return cls("str", doc, default, choices=tuple(choices))

    @classmethod
    def path(cls, doc: str) -> OptionSpec:
        """Declare a file-path option (a string); the study loader checks that the file exists.

        Parameters
        ----------
        doc : str
            One-line meaning.

        Returns
        -------
        OptionSpec
            A spec of kind ``"str"`` with ``is_path`` set.
        """
        return cls("str", doc, is_path=True)

    @classmethod
    def quantity(cls, unit: str, doc: str, default: Any = None, low: float | None = None, high: float | None = None,
                 low_inclusive: bool = True, high_inclusive: bool = True, limit_note: str = "",
                 lower_bound_ok: bool = False) -> OptionSpec:
        """Declare a quantity option: a string with a unit, or a bare number in ``unit``; bounds are SI.

        Parameters
        ----------
        unit : str
            Display unit: a bare number means this unit, and every value must have its dimensions.
        doc : str
            One-line meaning.
        default : str, float or None, optional
            Default as a user writes it (``"20 um"``, or a number in ``unit``); None: absent unless given.
        low, high : float or None, optional
            Bounds in SI units of the quantity; None: unbounded.
        low_inclusive, high_inclusive : bool, default True
            Whether the bounds themselves are allowed.
        limit_note : str, default ""
            Why the upper bound exists, added to the range error.
        lower_bound_ok : bool, default False
            Accept a censored value written ``">=1500 h"`` (also ``"\u2265"``, ``">"``): :meth:`convert` then
            returns ``(SI float, is_lower_bound)`` for every value, marked or not.

        Returns
        -------
        OptionSpec
            A spec of kind ``"quantity"``; :meth:`convert` returns SI floats (pairs with ``lower_bound_ok``).
        """
        return cls("quantity", doc, default, unit=unit, low=low, high=high, low_inclusive=low_inclusive,
                   high_inclusive=high_inclusive, limit_note=limit_note, lower_bound_ok=lower_bound_ok)

    @classmethod
    def list_of(cls, item: Any, doc: str, default: Any = None, min_items: int = 0, max_items: int = 1000,
                scalar_ok: bool = False) -> OptionSpec:
        """Declare a list of ``item`` values with ``min_items`` to ``max_items`` entries.

        Parameters
        ----------
        item : OptionSpec or ParamSpec
            Spec every entry must satisfy.
        doc : str
            One-line meaning.
        default : list or None, optional
            Default; None: absent unless given.
        min_items, max_items : int, default 0 and 1000
            Allowed number of entries (a count).
        scalar_ok : bool, default False
            Whether a single value stands for a one-item list.

        Returns
        -------
        OptionSpec
            A spec of kind ``"list"``.
        """
        return cls("list", doc, default, low=min_items, high=max_items, item=item, scalar_ok=scalar_ok)

    @classmethod
    def pair(cls, first: Any, second: Any, doc: str, default: Any = None) -> OptionSpec:
        """Declare a two-item list ``[first, second]``.

        Parameters
        ----------
        first, second : OptionSpec or ParamSpec
            Specs of the two entries.
        doc : str
            One-line meaning.
        default : list or None, optional
            Default; None: absent unless given.

        Returns
        -------
        OptionSpec
            A spec of kind ``"pair"``.
        """
        return cls("pair", doc, default, items=(first, second))

    @classmethod
    def table(cls, doc: str, keys: Mapping[str, Any] | None = None, values: Any = None, default: Any = None,
              max_items: int = 1000) -> OptionSpec:
        """Declare a table with fixed ``keys`` or free keys whose ``values`` share one spec.

        With fixed keys each key has its own spec and absent keys stay absent.

        Parameters
        ----------
        doc : str
            One-line meaning.
        keys : mapping or None, optional
            ``{key: OptionSpec or ParamSpec}`` for a table with fixed keys.
        values : OptionSpec or ParamSpec or None, optional
            Spec shared by every value of a table with free keys (when ``keys`` is None).
        default : dict or None, optional
            Default; None: absent unless given.
        max_items : int, default 1000
            Largest number of entries of a free-key table (a count; size limit).

        Returns
        -------
        OptionSpec
            A spec of kind ``"table"``.
        """
        return cls("table", doc, default, keys=keys, item=values, high=max_items)

    @classmethod
    def one_of(cls, doc: str, *alternatives: Any, default: Any = None) -> OptionSpec:
        """Declare an option that accepts the first of ``alternatives`` whose type matches the value.

        Parameters
        ----------
        doc : str
            One-line meaning.
        *alternatives : OptionSpec or ParamSpec
            The accepted forms, tried in order.
        default : Any, optional
            Default; None: absent unless given.

        Returns
        -------
        OptionSpec
            A spec of kind ``"any"``.
        """
        return cls("any", doc, default, items=tuple(alternatives))

    # -- checking -------------------------------------------------------------------------------
    def expected(self) -> str:
        """Describe what a valid value looks like, in words (for error messages and ``--show-schema``).

        Returns
        -------
        str
            E.g. ``"a quantity such as '1 um' (bare number: um) between ..."``.
        """
        k = self.kind
        if k == "bool":
            return "true or false"
        if k == "int":
            return f"an integer{_range_text(self.low, self.high)}"
        if k == "float":
            return f"a number{_range_text(self.low, self.high, self.low_inclusive, self.high_inclusive)}"
        if k == "str":
            if self.is_path:
                return "a file path"
            return "one of " + ", ".join(f"'{c}'" for c in self.choices) if self.choices else "a string"
        if k == "quantity":
            rng = _range_text(self.low, self.high, self.low_inclusive, self.high_inclusive, self.unit)
            bound = f", or '>=1 {self.unit}' for a lower bound" if self.lower_bound_ok else ""
            return f"a quantity such as '1 {self.unit}' (bare number: {self.unit}){rng}{bound}"
        if k == "list":
            what = f"a list of {_plural(_spec_expected(self.item))}"
            if self.low is not None and self.low == self.high:
                what = f"a list of {int(self.low)} {_plural(_spec_expected(self.item))}"
            elif self.low or (self.high is not None and self.high < 1000):
                what += f" ({int(self.low or 0)} to {int(self.high)} items)" if self.high is not None else ""
            return what + (" or a single one" if self.scalar_ok else "")
        if k == "pair":
            return f"a list of two values [{_spec_expected(self.items[0])}, {_spec_expected(self.items[1])}]"
        if k == "table":
            if self.keys is not None:
                return "a table with keys " + ", ".join(self.keys)
            return f"a table of name = {_spec_expected(self.item)}"
        return " or ".join(_spec_expected(a) for a in self.items)

    def convert(self, where: str, value: Any) -> Any:
        """Check ``value`` and return its typed form (SI float for quantities, or a pair with ``lower_bound_ok``).

        Parameters
        ----------
        where : str
            The option as the user writes it (``"[design] points"``), for messages.
        value : Any
            The value as read from TOML (or the CLI).

        Returns
        -------
        Any
            bool, int, float (dimensionless), str, SI float (quantities; ``(SI float, is_lower_bound)`` with ``lower_bound_ok``),
            list or dict of converted values.

        Raises
        ------
        ParameterError
            ``"<where>: expected <what>; found <value>"`` (a :class:`UnitError` for a quantity in the wrong unit).
        """
        k = self.kind
        if k == "any":
            for alt in self.items:
                if _type_matches(alt, value):
                    return _convert(alt, where, value)
            raise self._error(where, value)
        if k == "bool":
            if not isinstance(value, bool):
                raise self._error(where, value)
            return value
        if k in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
                raise self._error(where, value)
            if k == "int":
                if isinstance(value, float) and not value.is_integer():
                    raise self._error(where, value)
                value = int(value)
            else:
                value = float(value)
            self._check_range(where, value, value)
            return value
        if k == "str":
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise self._error(where, value)
            return value
        if k == "quantity":
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not _finite(value):
                raise self._error(where, value)
            text, bound = split_lower_bound(value) if self.lower_bound_ok else (value, False)
            x = parse_quantity(text, self.unit, where)  # a bare number (or "20") means the display unit
            self._check_range(where, x, value)
            return (x, bound) if self.lower_bound_ok else x
        if k == "list":
            if self.scalar_ok and not isinstance(value, (list, dict)) and _type_matches(self.item, value):
                value = [value]
            if not isinstance(value, list):
                raise self._error(where, value)
            n = len(value)
            if (self.low is not None and n < self.low) or (self.high is not None and n > self.high):
                if self.low is not None and self.low == self.high:
                    count = f"{int(self.low)}"
                elif self.high is None:
                    count = f"at least {int(self.low or 0)}"
                else:
                    count = f"{int(self.low or 0)} to {int(self.high)}"
                limit = " (size limit)" if self.high is not None and n > self.high and self.low != self.high else ""
                raise ParameterError(f"{where}: expected {count} items{limit}; found {n} items")
            return [_convert(self.item, f"{where}[{i}]", v) for i, v in enumerate(value)]
        if k == "pair":
            if not isinstance(value, list) or len(value) != 2:
                raise self._error(where, value)
            return [_convert(s, f"{where}[{i}]", v) for i, (s, v) in enumerate(zip(self.items, value))]
        # table
        if not isinstance(value, dict):
            raise self._error(where, value)
        if self.keys is not None:
            return validate_options(self.keys, value, where, fill_defaults=False, key_sep=".")
        if self.high is not None and len(value) > self.high:
            raise ParameterError(f"{where}: expected at most {int(self.high)} entries (size limit); found {len(value)}")
        return {str(key): _convert(self.item, f"{where}.{key}", v) for key, v in value.items()}

    def _check_range(self, where: str, x: float, raw: Any) -> None:
        lo_bad = self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive))
        hi_bad = self.high is not None and (x > self.high or (x == self.high and not self.high_inclusive))
        if lo_bad or hi_bad:
            note = f" ({self.limit_note})" if hi_bad and self.limit_note else ""
            rng = _range_text(self.low, self.high, self.low_inclusive, self.high_inclusive, self.unit if self.kind == "quantity" else "")
            raise ParameterError(f"{where}: expected a value{rng}{note}; found {_found(raw)}")

    def _error(self, where: str, value: Any) -> ParameterError:
        return ParameterError(f"{where}: expected {self.expected()}; found {_found(value)}")

    def describe(self) -> dict:
        """Describe the option as JSON-able data: type, unit, range, default, doc (nested for tables).

        Returns
        -------
        dict
            Keys ``type``, ``doc`` and, where set, ``unit``, ``default``, ``keys``.
        """
        d: dict[str, Any] = {"type": self.expected(), "doc": self.doc}
        if self.unit:
            d["unit"] = self.unit
        if self.default is not None:
            d["default"] = self.default
        if self.keys is not None:
            d["keys"] = {k: describe_spec(s) for k, s in self.keys.items()}
        return d


_PLURALS = (("file path", "file paths"), ("integer", "integers"), ("number", "numbers"), ("string", "strings"),
            ("quantity", "quantities"), ("table", "tables"), ("list", "lists"))


def _plural(text: str) -> str:
    """``"a quantity such as ... (bare number: um)"`` -> ``"quantities such as ... (bare numbers: um)"``.

    Only the head noun is made plural, so nested descriptions ("a list of two values [a quantity ...]")
    keep their inner articles.
    """
    for a in ("an ", "a "):
        if text.startswith(a):
            body = text[len(a):]
            for one, many in _PLURALS:
                if body.startswith(one):
                    rest = body[len(one):]
                    if one == "quantity":
                        rest = rest.replace("(bare number:", "(bare numbers:", 1)
                    return many + rest
            return body
    return text


def _range_text(low, high, low_inc: bool = True, high_inc: bool = True, unit: str = "") -> str:
    def f(x):
        if unit:
            return _fmt(x, unit)
        return str(int(x)) if float(x).is_integer() and abs(x) < 1e16 else f"{x:g}"

    if low is not None and high is not None:
        return f" from {f(low)}{'' if low_inc else ' (excluded)'} to {f(high)}{'' if high_inc else ' (excluded)'}"
    if low is not None:
        return f" {'≥' if low_inc else '>'} {f(low)}"
    if high is not None:
        return f" {'≤' if high_inc else '<'} {f(high)}"
    return ""


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) < 60 else f"a string of {len(value)} characters"
    if isinstance(value, int):
        return f"the integer {value}" if abs(value) < 10**30 else f"an integer of {len(str(abs(value)))} digits"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return f"a list of {len(value)} items" if len(repr(value)) > 60 else f"the list {value!r}"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__} value"


def _spec_expected(spec: Any) -> str:
    if isinstance(spec, OptionSpec):
        return spec.expected()
    if isinstance(spec, ParamSpec):
        return f"a quantity in {spec.unit}" if spec.unit else "a number"
    return "a value"


def _type_matches(spec: Any, value: Any) -> bool:
    """Whether ``value`` has the TOML type ``spec`` accepts (not its range)."""
    if isinstance(spec, ParamSpec):
        return isinstance(value, (str, int, float)) and not isinstance(value, bool)
    k = spec.kind
    if k == "bool":
        return isinstance(value, bool)
    if k in ("int", "float"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if k == "str":
        return isinstance(value, str)
    if k == "quantity":
        return isinstance(value, (str, int, float)) and not isinstance(value, bool)
    if k in ("list", "pair"):
        return isinstance(value, list)
    if k == "table":
        return isinstance(value, dict)
    return any(_type_matches(a, value) for a in spec.items)


def _finite(value: Any) -> bool:
    """False for NaN, infinities and integers too large for a float; True for anything else."""
    if isinstance(value, int):
        return abs(value) < 2**1000
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def _convert(spec: Any, where: str, value: Any) -> Any:
    if isinstance(spec, ParamSpec):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not _finite(value):
            raise ParameterError(f"{where}: expected {_spec_expected(spec)}; found {_found(value)}")
        return spec.convert(where, user_values({"v": value})["v"])  # a study number means the display unit
    return spec.convert(where, value)


def describe_spec(spec: Any) -> dict:
    """Describe an :class:`OptionSpec` or :class:`ParamSpec` as JSON-able data.

    Parameters
    ----------
    spec : OptionSpec or ParamSpec
        The declaration.

    Returns
    -------
    dict
        Type, unit, range, default (a ParamSpec's SI default shown in its display unit) and doc.
    """
    if isinstance(spec, OptionSpec):
        return spec.describe()
    d: dict[str, Any] = {"type": _spec_expected(spec) + (f" (bare number: {spec.unit})" if spec.unit else ""), "doc": spec.doc}
    if spec.unit:
        d["unit"] = spec.unit
    rng = _range_text(spec.low, spec.high, spec.low_inclusive, spec.high_inclusive, spec.unit)
    if rng:
        d["range"] = rng.strip()
    if spec.default is not None:
        dflt = spec.default
        if isinstance(dflt, (int, float)) and not isinstance(dflt, bool) and spec.unit:
            dflt = f"{from_si(float(dflt), spec.unit):g} {spec.unit}"  # ParamSpec number defaults are SI
        d["default"] = dflt
    return d


def validate_options(schema: Mapping[str, Any], values: Mapping[str, Any], where: str, fill_defaults: bool = True,
                     key_sep: str = " ") -> dict:
    """Check the table ``values`` (one study table) against ``schema``; return typed values.

    Parameters
    ----------
    schema : mapping
        ``{key: OptionSpec or ParamSpec}``.
    values : mapping
        The table as read from TOML.
    where : str
        The table's name as the user writes it (``"[design]"``); errors name ``"[design] points"``.
    fill_defaults : bool, default True
        Add every key with a default that ``values`` lacks (keys without default stay absent).
    key_sep : str, default " "
        Between ``where`` and a key in messages (``" "`` for a table, ``"."`` for a nested one).

    Returns
    -------
    dict
        ``{key: converted value}``: quantities as SI floats (``(SI float, is_lower_bound)`` pairs for those declared
        ``lower_bound_ok``), the rest typed as declared.

    Raises
    ------
    ParameterError
        Unknown key (with a close-match suggestion), wrong type, value out of range.
    """
    if not isinstance(values, Mapping):
        raise ParameterError(f"{where}: expected a table; found {_found(values)}")
    for key in values:
        if key not in schema:
            raise unknown_key_error(str(key), schema, f"{where} key")
    out: dict[str, Any] = {}
    for key, spec in schema.items():
        name = f"{where}{key_sep}{key}"
        if key in values:
            out[key] = _convert(spec, name, values[key])
        elif fill_defaults and spec.default is not None:
            out[key] = _convert(spec, name, spec.default)
    return out


# --- physical checks shared by the library functions -------------------------------------------------
# Each takes an SI float, returns it as float, and raises ParameterError naming the parameter, what was
# expected and what was found. ``not (inside)`` tests make NaN fail every check.


#: Absolute temperatures lisse accepts [K]. 0 K divides by zero in every k_B T or RT/F, and a tiny positive T
#: underflows k_B T to 0 all the same; 1 K to 10 000 K spans every cell and furnace with room to spare.
TEMPERATURE_RANGE = (1.0, 10_000.0)


def check_temperature(value: float, name: str = "temperature") -> float:
    """Check an absolute temperature [K] within :data:`TEMPERATURE_RANGE` (so > 0 K, and k_B T never underflows).

    Parameters
    ----------
    value : float
        Temperature in K.
    name : str, default "temperature"
        Parameter name for the message.

    Returns
    -------
    float
        ``value`` as a float, in K.

    Raises
    ------
    ParameterError
        If it is not finite or outside :data:`TEMPERATURE_RANGE` (1 K to 10 000 K).
    """
    lo, hi = TEMPERATURE_RANGE
    if not lo <= value <= hi:
        raise ParameterError(f"parameter '{name}' must be an absolute temperature between {lo:g} K and {hi:g} K (above 0 K); got {value!r} K")
    return float(value)


def check_positive(value: float, name: str, unit: str = "", *, allow_zero: bool = False) -> float:
    """Check a finite SI number > 0 (``allow_zero``: >= 0).

    Parameters
    ----------
    value : float
        The value in SI units.
    name : str
        Parameter name for the message.
    unit : str, default ""
        Display unit of the message (e.g. ``"mA/cm2"``): the value found is shown converted from SI into
        it, as the CLI and study files show that quantity.
    allow_zero : bool, default False
        Accept 0.

    Returns
    -------
    float
        ``value`` as a float, in the same SI unit.

    Raises
    ------
    ParameterError
        If it is not finite or not positive.
    """
    is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = is_number and ((0.0 <= value < math.inf) if allow_zero else (0.0 < value < math.inf))
    if not ok:
        rel = "≥ 0" if allow_zero else "> 0"
        found = f"{from_si(value, unit):g} {unit}" if unit and is_number else repr(value)
        raise ParameterError(f"parameter '{name}' must be a finite number {rel}{' ' + unit if unit else ''}; got {found}")
    return float(value)


def check_open_fraction(value: float, name: str) -> float:
    """Check a number strictly between 0 and 1 (e.g. a transfer coefficient alpha).

    Parameters
    ----------
    value : float
        A dimensionless fraction.
    name : str
        Parameter name for the message.

    Returns
    -------
    float
        ``value`` as a float (dimensionless).

    Raises
    ------
    ParameterError
        If it is not in the open interval (0, 1).
    """
    if not (isinstance(value, numbers.Real) and not isinstance(value, bool) and 0.0 < value < 1.0):
        raise ParameterError(f"parameter '{name}' must be between 0 and 1 (exclusive); got {value!r}")
    return float(value)


def check_count(value: Any, name: str, low: int, high: int, why: str = "") -> int:
    """Check an integer in [low, high]; ``why`` explains the upper limit in the message.

    Parameters
    ----------
    value : int or float
        A count (a float must have an integral value).
    name : str
        Parameter name for the message.
    low, high : int
        Inclusive bounds on the count.
    why : str, default ""
        Why the upper limit exists (e.g. "memory"), for the message.

    Returns
    -------
    int
        The count.

    Raises
    ------
    ParameterError
        If it is not a whole number or is out of range.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or not float(value).is_integer():
        raise ParameterError(f"parameter '{name}' must be a whole number between {low} and {high}; got {value!r}")
    n = int(value) if isinstance(value, numbers.Integral) else int(float(value))
    if not low <= n <= high:
        reason = f" ({why})" if why else ""
        raise ParameterError(f"parameter '{name}' must be between {low} and {high}{reason}; got {n}")
    return n


#: Column of every table written for a prediction: the calibrated parameters the prediction rests on.
CALIBRATED_COLUMN = "calibrated_parameters"

#: Relative distance within which a value given by the user is the calibrated value itself [-]: lisse displays its
#: calibrated values to 3-4 significant digits (h_v = 14.9 um for 14.935 um, sigma_Li = 0.4245 J/m2), and a value typed
#: from that display reproduces the calibration target as the default does.
CALIBRATED_VALUE_RTOL = 5e-3


def is_calibrated_value(value: float, calibrated_value: float) -> bool:
    """Whether ``value`` is the calibrated value, typed in (within :data:`CALIBRATED_VALUE_RTOL`), so still calibrated.

    Parameters
    ----------
    value, calibrated_value : float
        The value in use and the calibrated one, in the same (SI) unit.

    Returns
    -------
    bool
        True when every output computed with ``value`` must still name the calibration.
    """
    return math.isclose(float(value), float(calibrated_value), rel_tol=CALIBRATED_VALUE_RTOL, abs_tol=0.0)


#: The cell of :data:`CALIBRATED_COLUMN` when nothing is calibrated (a word, not an empty cell: pandas reads "" as NaN,
#: which would read as "not known").
NO_CALIBRATED_PARAMETER = "none"


def calibrated_names(names: Any) -> list[str]:
    """The calibrated parameter names as a list of str.

    Parameters
    ----------
    names : iterable of str, or str
        Names of parameters fitted to an observation: a list, a string array, a mapping (its keys, in order) or one
        name as a bare string. ``[]`` means none; None is refused (say "none" explicitly, never by omission).

    Returns
    -------
    list of str
        The names, in order.

    Raises
    ------
    TypeError
        ``names`` is None or not iterable.
    """
    if names is None:
        raise TypeError("calibrated parameters: expected the names (an empty list for none); got None")
    if isinstance(names, str):  # one name (iterating it would give its letters)
        return [names]
    if getattr(names, "ndim", 1) == 0:  # a 0-d array holding one name
        return [str(names.item())]
    return [str(n) for n in names]


def calibrated_label(names: Any) -> str:
    """The calibrated parameter names as one table cell: ``;``-separated, ``"none"`` when there are none.

    Parameters
    ----------
    names : iterable of str, or str
        As :func:`calibrated_names`.

    Returns
    -------
    str
        E.g. ``"exchange_current;contact_angle"``, or :data:`NO_CALIBRATED_PARAMETER`.
    """
    return ";".join(calibrated_names(names)) or NO_CALIBRATED_PARAMETER


def with_calibrated_column(columns: Mapping[str, Any], names: Any) -> dict[str, Any]:
    """The columns of a predicted table with :data:`CALIBRATED_COLUMN` appended, the same on every row.

    A parameter fitted to an observation makes every number computed with it not independent of that
    observation, so a table written without the JSON beside it still names it (``"none"``: nothing is
    calibrated). The figures say the same at their foot (:func:`lisse.plot.style.calibrated_note`).

    Parameters
    ----------
    columns : mapping of str to sequence
        Column name -> values (all of one length; a :class:`pandas.DataFrame` works too).
    names : iterable of str, or str
        The calibrated parameters (:func:`calibrated_names`; ``[]`` for none).

    Returns
    -------
    dict
        A new mapping: ``columns`` and :data:`CALIBRATED_COLUMN` (one :func:`calibrated_label` per row).
    """
    out = dict(columns)
    rows = next((len(v) for v in out.values()
                 if not isinstance(v, (str, bytes)) and getattr(v, "ndim", 1) > 0 and hasattr(v, "__len__")),
                1 if out else 0)  # scalar columns: one row
    out[CALIBRATED_COLUMN] = [calibrated_label(names)] * rows
    return out
