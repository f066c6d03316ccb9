"""One naming scheme for instrument-file formats, shared by the cycler and impedance readers.

A name is ``vendor-kind`` (``biologic-mpr``, ``neware-nda``, ``gamry-dta``) or ``csv`` for generic
delimited text. The same name means the same file kind in ``lisse ccd/cycling/gitt/tafel --format``
and ``lisse eis --format``; a format holding only one kind of data (a Gamry .DTA impedance file, an
Arbin .res cycler file) is refused by the other reader with a message saying which command reads it.
``units`` says whether the format's specification fixes the units of its columns (``True``) or
whether they come from the header or must be declared (``False``: see :mod:`lisse.io.column_units`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from lisse.errors import ParameterError

__all__ = ["Format", "FORMATS", "names", "check_name", "help_text"]


@dataclass(frozen=True)
class Format:
    """One instrument-file format.

    Parameters
    ----------
    name : str
        The format's name (``vendor-kind`` or ``csv``).
    description : str
        What the format is, for help texts.
    cycling : bool
        Whether it holds cycler data.
    eis : bool
        Whether it holds impedance spectra.
    units : bool
        Whether the format's specification fixes the units of its columns.
    """

    name: str
    description: str
    cycling: bool
    eis: bool
    units: bool  # units fixed by the format's specification


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("biologic-mpr", "BioLogic EC-Lab/BT-Lab binary .mpr", True, True, True),
        Format("biologic-mpt", "BioLogic EC-Lab/BT-Lab text export .mpt", True, True, True),
        Format("neware-nda", "Neware binary .nda/.ndax (or a zip holding one)", True, False, True),
        Format("neware-csv", "Neware BTS CSV export (regular three-level or flat one-header layout)", True, False, True),
        Format("neware-xlsx", "Neware BTS xlsx export", True, False, True),
        Format("arbin-res", "Arbin .res database", True, False, True),
        Format("arbin-csv", "Arbin CSV export", True, False, True),
        Format("arbin-xlsx", "Arbin MITS Pro xlsx export (sheets Channel_<n>_<k>)", True, False, True),
        Format("land-xlsx", "LAND/LANHE xlsx export", True, False, True),
        Format("maccor-txt", "Maccor text export", True, False, True),
        Format("gamry-dta", "Gamry .DTA", False, True, True),
        Format("zplot-z", "Scribner ZPlot .z", False, True, True),
        Format("ivium-idf", "Ivium .idf", False, True, True),
        Format("ivium-ids", "Ivium .ids (several datasets)", False, True, True),
        Format("relaxis-txt", "RelaxIS text export", False, True, True),
        Format("chi-txt", "CH Instruments text export", False, True, True),
        Format("versastudio-par", "VersaStudio .par (Princeton Applied Research)", False, True, True),
        Format("csv", "generic CSV/TSV/TXT; units from the header (time/s, I/mA) or --units", True, True, False),
    )
}

#: names used by lisse 0.1 (not accepted any more; named in the error to help users update scripts)
_RENAMED = {
    "biologic": "biologic-mpr or biologic-mpt",
    "land": "land-xlsx",
    "maccor": "maccor-txt",
    "gamry": "gamry-dta",
    "zplot": "zplot-z",
    "ivium": "ivium-idf",
    "relaxis": "relaxis-txt",
    "chi": "chi-txt",
}


def names(kind: str) -> list[str]:
    """Format names that hold ``kind`` data (``"cycling"`` or ``"eis"``), in table order.

    Parameters
    ----------
    kind : {"cycling", "eis"}
        The kind of data.

    Returns
    -------
    list of str
        Format names.
    """
    return [n for n, f in FORMATS.items() if getattr(f, kind)]


def check_name(name: str, kind: str) -> str:
    """Return ``name`` if it is a format holding ``kind`` data.

    Parameters
    ----------
    name : str
        A format name given by the user.
    kind : {"cycling", "eis"}
        The kind of data the caller reads.

    Returns
    -------
    str
        ``name``, checked.

    Raises
    ------
    ParameterError
        Unknown name (with the renamed lisse 0.1 name or a close match), or a format that holds the
        other kind of data.
    """
    other = {"cycling": ("impedance spectra", "lisse eis"), "eis": ("cycler data", "lisse cycling / ccd / gitt / tafel")}
    ok = names(kind)
    if name in ok:
        return name
    if name in FORMATS:
        what, cmd = other[kind]
        raise ParameterError(f"format '{name}' holds {what}; read it with {cmd}. Formats here: {', '.join(ok)}")
    if name in _RENAMED:
        hint = f" (lisse 0.1 called it '{name}'; it is now {_RENAMED[name]})"
    else:
        close = difflib.get_close_matches(str(name), ok, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise ParameterError(f"unknown file format '{name}'{hint}; expected one of {', '.join(ok)}")


def help_text(kind: str) -> str:
    """The ``--format`` help of the CLI commands reading ``kind`` files.

    Parameters
    ----------
    kind : {"cycling", "eis"}
        The kind of data.

    Returns
    -------
    str
        The help text listing the format names.
    """
    return "force a reader instead of detecting it from the content: " + ", ".join(names(kind))
