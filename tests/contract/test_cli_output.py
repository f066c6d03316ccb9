"""Output contract of EVERY subcommand: human text by default, exactly one JSON document with ``--json``.

The subcommands are discovered from the real parser, so a new command is covered the day it is added.
Each runs with a cheap valid argument set: ``CHEAP`` names one per command; a command not listed runs
with no arguments (``DEFAULT``). For each:

- without ``--json``: exit 0, text on stdout that does not parse as JSON, and no float noise (no number
  printed with more than 6 significant digits, e.g. 7.500000000000001);
- with ``--json`` after the subcommand and before it (``lisse --json cell ...``, the form of the usage
  line): exit 0, stdout is exactly one JSON object or list, its keys are snake_case (a unit suffix and a
  physics symbol keep their capitals: ``ccd_mA_cm2``, ``D_cm2_s``), and both positions give the same document shape;
- stderr under ``--json`` holds no progress bar (no carriage-return redraws).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SHARED
from lisse.cli.main import build_parser, main

CYCLERS = SHARED / "data" / "cyclers"


def _shared(name: str) -> str:
    p = CYCLERS / name
    if not p.exists():
        pytest.skip(f"shared data not available: {p}")
    return str(p)


def _eis_series(tmp: Path) -> str:
    """Three pellet spectra R0 + (R_b || C_b) + blocking C at 25/45/65 °C (temperature in the name)."""
    import numpy as np

    d = tmp / "series"
    d.mkdir(exist_ok=True)
    f = np.logspace(6.5, -1, 60)
    for tc, rb in ((25, 1e4), (45, 4e3), (65, 1.8e3)):
        jw = 2j * np.pi * f
        z = 5.0 + rb / (1 + rb * 5e-11 * jw) + 1 / (2e-6 * jw)
        rows = "\n".join(f"{float(a)!r}\t{float(b.real)!r}\t{float(-b.imag)!r}" for a, b in zip(f, z))
        (d / f"pellet_{tc}C.mpt").write_text(f"EC-Lab ASCII FILE\nNb header lines : 4\n\nfreq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\n{rows}\n")
    return str(d)


def _gitt(tmp: Path) -> str:
    """Three 60 s current pulses framed by 20 min rests; E rises as sqrt(t) in a pulse and relaxes after."""
    import numpy as np

    t, e, i, e0 = [], [], [], 3.80
    now = 0.0
    for _ in range(3):
        for dt, cur in ((1200.0, 0.0), (60.0, 1.0)):
            ts = np.linspace(0, dt, 121)[1:]
            t += list(now + ts)
            i += [cur] * ts.size
            e += list(e0 + (0.01 + 2e-3 * np.sqrt(ts) if cur else 0 * ts))
            now += dt
        e0 += 4e-3
    f = tmp / "gitt.csv"
    np.savetxt(f, np.column_stack([t, e, i]), delimiter=",", header="time/s,Ewe/V,I/mA", comments="", fmt="%.12g")
    return str(f)


def _results_db(tmp: Path) -> str:
    """An empty lisse results database (lisse.io.resultsdb creates the schema)."""
    from lisse.io.resultsdb import ResultsDB

    db = tmp / "results.sqlite"
    with ResultsDB(db):
        pass
    return str(db)


# command -> function(tmp_path, run_index) -> argv after the command name. Cheap: each run takes seconds.
CHEAP: dict[str, Callable[[Path, int], list[str]]] = {
    "cell": lambda t, i: ["--li-thickness", "7.5 um", "--cathode-capacity", "1.5 mAh/cm2", "--c-rate", "C/3"],
    "compare": lambda t, i: ["--ccd", "1 mA/cm2", "--cycle-life", "0.2 mA/cm2", "1500 h"],
    "nucleation": lambda t, i: ["--overpotential", "20 mV", "--contact-angle", "142 deg"],
    "segregation": lambda t, i: ["--surface-energy", "0.3 J/m2", "--interface-energy", "0.45 J/m2"],
    "wetting": lambda t, i: ["--work-of-adhesion", "0.09 J/m2"],
    "stability": lambda t, i: ["Li", "Li2CO3", "--calculator", "none"],
    "interlayer": lambda t, i: ["--preset", "lni-5cnt", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2"],
    "ccd": lambda t, i: ["--synthetic", "--failure", "soft"],
    "materials": lambda t, i: ["--kind", "electrolyte"],
    "density": lambda t, i: ["--dry-mass", "251.3 mg", "--immersed-mass", "170 mg", "--composition", "LNI=0.95,CNT=0.05"],
    "atomistic": lambda t, i: ["structures"],
    "phasefield": lambda t, i: ["--preset", "lithiophilic", "--grid", "32", "--max-steps", "2", "--no-animation", "--out", str(t / f"pf{i}")],
    "evaluate": lambda t, i: ["--list-stages"],
    "tafel": lambda t, i: [_shared("biologic_lsv_ec1150.mpt"), "--area", "1 cm2"],
    "gitt": lambda t, i: [_gitt(t), "--length", "5 um", "--area", "1 cm2"],
    "eis": lambda t, i: [_shared("biologic_peis_ec1133.mpt"), "--kk"],
    "eis-series": lambda t, i: [_eis_series(t), "--area", "1 cm2", "--thickness", "1 mm"],
    "cycling": lambda t, i: [_shared("biologic_gcpl_5cycles_2-3.8V_C24.mpr")],
    # issue 15 (team decision 1); used once those commands exist
    "batch": lambda t, i: ["cycling", _shared("biologic_gcpl_5cycles_2-3.8V_C24.mpr"), "--db", str(t / f"b{i}.sqlite"), "--out", str(t / f"out{i}")],
    "db": lambda t, i: ["query", _results_db(t), "SELECT 1 AS one"],
}


def DEFAULT(t: Path, i: int) -> list[str]:
    return []


def _subcommands() -> list[str]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


# snake_case words; a physics symbol (D, dEs) and a unit suffix (mA_cm2) keep their capitals
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$")
# Keys that are data, not field names: materials, stage and file names, calculators, parameter names.
_DATA_KEY_PARENTS = {"properties", "stages", "errors", "arrhenius", "files", "figures", "tables", "meta", "counts", "by_calculator",
                     "parameters", "fit_windows_mV", "r2", "n_points", "citations", "schema", "keys"}
_NUMBER = re.compile(r"(?<![\w.])-?(\d+\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def _bad_keys(doc, parent: str = "") -> list[str]:
    bad = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            if parent not in _DATA_KEY_PARENTS and not _KEY.match(str(k)):
                bad.append(f"{parent}.{k}")
            bad += _bad_keys(v, str(k))
    elif isinstance(doc, list):
        for v in doc:
            bad += _bad_keys(v, parent)
    return bad


def _shape(doc):
    if isinstance(doc, dict):
        return {k: _shape(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [type(doc).__name__, len(doc)]
    return type(doc).__name__ if doc is not None else "null"


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # usage errors
        code = exc.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.mark.parametrize("command", _subcommands())
def test_output_contract(command, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = CHEAP.get(command, DEFAULT)
    code, out, err = _run(capsys, [command, *args(tmp_path, 0)])
    assert code == 0, f"'lisse {command}' with the cheap args failed (add them to CHEAP): {err}"
    assert out.strip(), f"'lisse {command}' printed nothing"
    with pytest.raises(ValueError):
        json.loads(out)  # human text, not JSON, without --json
    noisy = [m.group(0) for m in _NUMBER.finditer(out) if len(m.group(1).replace(".", "").lstrip("0")) > 6 and "." in m.group(1)]
    assert not noisy, f"'lisse {command}' prints numbers with float noise: {noisy[:5]}"

    docs = []
    for argv in ([command, *args(tmp_path, 1), "--json"], ["--json", command, *args(tmp_path, 2)]):
        code, out, err = _run(capsys, argv)
        assert code == 0, err
        doc = json.loads(out)  # exactly one document: json.loads refuses trailing text
        assert isinstance(doc, (dict, list)) and doc
        assert not _bad_keys(doc), f"non-snake_case keys in 'lisse {' '.join(argv)}': {_bad_keys(doc)[:5]}"
        assert "\r" not in err, "a progress bar was drawn under --json"
        docs.append(doc)
    assert _top_keys(docs[0]) == _top_keys(docs[1]), "'lisse --json CMD' and 'lisse CMD --json' differ"


def _top_keys(doc):
    return sorted(doc) if isinstance(doc, dict) else [sorted(d) if isinstance(d, dict) else type(d).__name__ for d in doc]


def test_every_command_in_cheap_exists_or_is_planned():
    planned = {"batch", "db"}  # issue 15
    assert set(CHEAP) - set(_subcommands()) <= planned
