"""Units of the columns in cycler and impedance files: the one parser of declared units.

A generic text file (CSV/TSV/TXT) says nothing about its units unless its header does
(``time/s``, ``Current (mA)``, ``Z' [kOhm]``). lisse never guesses them: a column lacking a unit is
refused unless the user declares it, with the CLI option ``--units "time=s,voltage=V,current=mA"``,
the study key ``units`` (the same text, or a table ``{time = "s", ...}``), or the Python keyword
``units=`` (the text, or a mapping role -> unit). Formats whose specification fixes the units
(BioLogic, Neware, Arbin, Maccor, LAND, Gamry, ZPlot, Ivium, RelaxIS, CH Instruments) need no
declaration; a declared unit that contradicts the file's own is an error.

Roles and the dimension their unit must have:

=============  ==========  ===============================================
role           SI unit     aliases
=============  ==========  ===============================================
``time``       s           ``t``
``voltage``    V           ``v``, ``potential``, ``e``
``current``    A           ``i``
``charge``     C           ``q``, ``capacity`` (mAh is a charge)
``frequency``  Hz          ``f``, ``freq``
``impedance``  ohm         ``z`` (both Z' and Z'')
=============  ==========  ===============================================
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from lisse.errors import ParameterError, UnitError

__all__ = [
    "CYCLING_ROLES",
    "EIS_ROLES",
    "parse_units",
    "unit_factor",
    "normalise_unit",
    "missing_units_message",
    "check_declared_against_file",
]

#: cycler-file roles that carry a physical unit -> SI unit
CYCLING_ROLES: dict[str, str] = {"time": "s", "voltage": "V", "current": "A", "charge": "C"}
#: impedance-file roles -> SI unit
EIS_ROLES: dict[str, str] = {"frequency": "Hz", "impedance": "ohm"}

_ALIASES = {
    "t": "time",
    "v": "voltage",
    "e": "voltage",
    "potential": "voltage",
    "i": "current",
    "q": "charge",
    "capacity": "charge",
    "f": "frequency",
    "freq": "frequency",
    "z": "impedance",
}
#: the example unit shown in hints, per role
_EXAMPLE = {"time": "s", "voltage": "V", "current": "mA", "charge": "mAh", "frequency": "Hz", "impedance": "ohm"}
_KIND = {"time": "a time", "voltage": "a voltage", "current": "a current", "charge": "a charge",
         "frequency": "a frequency", "impedance": "a resistance"}


def normalise_unit(unit: str) -> str:
    """Spellings found in instrument headers -> a unit :mod:`lisse.units` parses.

    ``'Ohm'``, ``'ohms'``, ``'Ω'`` -> ``'ohm'``; ``'hz'`` -> ``'Hz'``; ``'mA.h'`` -> ``'mAh'``; ``'mAs'`` -> ``'mA*s'``;
    ``'sec'`` -> ``'s'``; ``'Min'`` -> ``'min'``; ``'Hr'`` -> ``'h'``; ``'Amps'`` -> ``'A'``; ``'Volts'`` -> ``'V'``;
    the micro-sign variants -> ``'u'``; the minus sign U+2212 -> ``'-'``.

    Parameters
    ----------
    unit : str
        A unit as written in an instrument header.

    Returns
    -------
    str
        The unit in a spelling :mod:`lisse.units` parses.
    """
    u = unit.strip().replace("\u03bc", "u").replace("\u00b5", "u").replace("\ufffd", "u").replace("\u03a9", "ohm")
    u = u.replace("\u2212", "-")  # the minus sign of 'mA cm\u22122' as typeset
    u = re.sub(r"(?i)ohms?\b", "ohm", u)
    u = re.sub(r"(?i)(?<![A-Za-z])([kMmu]?)hz\b", lambda m: m.group(1) + "Hz", u)
    u = u.replace("mA.h", "mAh").replace("A.h", "Ah")
    u = re.sub(r"^([munpk]?)A\.?s$", r"\1A*s", u)  # Neware's mAs: pint would read 'As' as attoseconds
    u = re.sub(r"(?i)^secs?$", "s", u)
    u = re.sub(r"(?i)^mins?$", "min", u)
    u = re.sub(r"(?i)^(hrs?|hours?)$", "h", u)
    u = re.sub(r"(?i)^amps?$", "A", u)
    u = re.sub(r"(?i)^volts?$", "V", u)
    return u


def unit_factor(unit: str, role: str, roles: Mapping[str, str], what: str) -> float:
    """Factor that converts a value in ``unit`` to the SI unit of ``role``.

    Parameters
    ----------
    unit : str
        The unit values are given in (e.g. ``"mA"``).
    role : str
        The column role (``time``, ``voltage``, ``current``, ``charge``, ``frequency``, ``impedance``).
    roles : mapping of str to str
        Role -> SI unit: :data:`CYCLING_ROLES` or :data:`EIS_ROLES`.
    what : str
        Where the unit came from, for messages.

    Returns
    -------
    float
        Multiply values in ``unit`` by this to get the role's SI unit (e.g. 1e-3 for mA -> A); angular
        frequency [rad s-1] is converted to Hz.

    Raises
    ------
    UnitError
        ``unit`` cannot be parsed or is not of the role's dimension (``what`` names the source).
    """
    from lisse.units import to_si

    si = roles[role]
    try:
        factor = to_si(f"1 {normalise_unit(unit)}", si, what)
    except UnitError:
        raise UnitError(
            f"{what}: '{unit}' is not {_KIND[role]} unit (expected e.g. {_EXAMPLE[role]} for {role})"
        ) from None
    if role == "frequency":
        # pint counts the radian as dimensionless, so 1 rad/s would pass as 1 Hz; an angular frequency
        # omega [rad/s] is f = omega / (2 pi) [Hz]: convert through turns (cycles) per second
        from lisse.units import ureg

        q = ureg().Quantity(1.0, normalise_unit(unit))
        if "radian" in str(q.to_base_units().units):
            factor = float(q.to("turn/s").magnitude)
    return factor


def _role(name: str, roles: Mapping[str, str], source: str) -> str:
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in roles:
        close = difflib.get_close_matches(key, list(roles) + list(_ALIASES), n=1)
        hint = f" (did you mean '{_ALIASES.get(close[0], close[0])}'?)" if close else ""
        raise ParameterError(f"{source}: unknown column role '{name}'{hint}; expected one of {', '.join(roles)}")
    return key


def parse_units(spec: Any, roles: Mapping[str, str] = CYCLING_ROLES, *, source: str = "units") -> dict[str, str]:
    """Parse declared column units into ``{role: unit}``.

    Parameters
    ----------
    spec : str, mapping or None
        ``"time=s,voltage=V,current=mA"`` (CLI ``--units`` and the study key ``units``), or a mapping
        ``{"time": "s", "current": "mA"}`` (Python, or a TOML table). ``None`` or ``""`` declares nothing.
    roles : mapping
        The roles that may be declared and their SI units: :data:`CYCLING_ROLES` or :data:`EIS_ROLES`.
    source : str
        How the user wrote it (``"--units"``, ``"[cycling] units"``), named in error messages.

    Returns
    -------
    dict of str to str
        role -> unit as written (validated: parseable and of the role's dimension).

    Raises
    ------
    ParameterError
        Malformed text, an unknown role (with a close match), a role given twice.
    UnitError
        A unit that cannot be parsed or has the wrong dimension (``current=mV``).
    """
    if spec is None:
        return {}
    example = ",".join(f"{r}={_EXAMPLE[r]}" for r in roles)
    if isinstance(spec, str):
        items: list[tuple[str, Any]] = []
        for part in spec.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise ParameterError(f"{source}: expected role=unit pairs separated by commas, e.g. \"{example}\"; found '{part.strip()}'")
            k, _, v = part.partition("=")
            items.append((k, v))
    elif isinstance(spec, Mapping):
        items = list(spec.items())
    else:
        raise ParameterError(f"{source}: expected a text like \"{example}\" or a table of role = unit; found {type(spec).__name__} {spec!r}")
    out: dict[str, str] = {}
    for k, v in items:
        if not isinstance(k, str) or not isinstance(v, str) or not v.strip():
            raise ParameterError(f"{source}: expected role = unit text, e.g. \"{example}\"; found {k!r} = {v!r}")
        role = _role(k, roles, source)
        if role in out:
            raise ParameterError(f"{source}: the unit of '{role}' is given twice")
        unit_factor(v.strip(), role, roles, f"{source} {role}")
        out[role] = v.strip()
    return out


def format_units(units: Mapping[str, str]) -> str:
    """``{"time": "s", "current": "mA"}`` -> ``"time=s,current=mA"`` (the ``--units`` text)."""
    return ",".join(f"{k}={v}" for k, v in units.items())


def missing_units_message(path: Any, missing: Mapping[str, str], roles: Mapping[str, str], study_table: str) -> str:
    """One-line refusal: which columns lack a unit and how to declare them.

    ``missing`` maps role -> the column's name in the file (``""`` for a file without a header).

    Parameters
    ----------
    path : str or pathlib.Path
        The file, named in the message.
    missing : mapping of str to str
        Role -> the column's name in the file.
    roles : mapping of str to str
        Role -> SI unit: :data:`CYCLING_ROLES` or :data:`EIS_ROLES`.
    study_table : str
        The study-file table to name (``cycling`` or ``eis``).

    Returns
    -------
    str
        The message.
    """
    cols = ", ".join(f"'{c}' ({r})" if c else r for r, c in missing.items())
    decl = ",".join(f"{r}={_EXAMPLE[r]}" for r in roles if r in missing or r != "charge")  # charge only when it is missing
    return (
        f"'{path}': the column(s) {cols} carry no unit and this format does not define one; "
        f"declare the units, e.g. --units \"{decl}\" (study: units = \"{decl}\" in [{study_table}]; Python: units=...), "
        f"or write them in the header (e.g. '{_header_example(next(iter(missing)))}')"
    )


def _header_example(role: str) -> str:
    return {"time": "time/s", "voltage": "Ewe/V", "current": "I/mA", "charge": "Q/mAh",
            "frequency": "freq/Hz", "impedance": "Re(Z)/Ohm"}[role]


def check_declared_against_file(path: Any, declared: Mapping[str, str], file_units: Mapping[str, str],
                                roles: Mapping[str, str]) -> None:
    """A declared unit must agree with the unit the file itself states for that role.

    Roles absent from ``file_units`` are not checked (the file does not have that column).

    Parameters
    ----------
    path : str or pathlib.Path
        The file, named in the message.
    declared : mapping of str to str
        Role -> unit declared by the user.
    file_units : mapping of str to str
        Role -> unit the file states.
    roles : mapping of str to str
        Role -> SI unit: :data:`CYCLING_ROLES` or :data:`EIS_ROLES`.

    Raises
    ------
    lisse.errors.ReaderError
        A declared unit converts differently from the file's (``current=A`` for an ``I/mA`` column).
    UnitError
        A unit cannot be parsed or has the wrong dimension.
    """
    from lisse.errors import ReaderError

    for role, unit in declared.items():
        fu = file_units.get(role)
        if fu is None:
            continue
        a = unit_factor(unit, role, roles, f"declared unit of {role}")
        b = unit_factor(fu, role, roles, f"'{path}' unit of {role}")
        if abs(a - b) > 1e-12 * max(abs(a), abs(b)):
            raise ReaderError(
                f"'{path}': the declared unit {role}={unit} contradicts the file, whose {role} column is in {fu}; "
                f"drop {role} from the declared units or correct it"
            )
