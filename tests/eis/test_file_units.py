"""Impedance CSVs: units from the header or declared; a column with neither is refused.

The reference spectrum is an analytic R + R||C written by the test itself (not read by lisse).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from lisse.errors import ReaderError, UnitError
from lisse.io.eis import read_spectra

F = np.array([1e5, 1e4, 1e3, 1e2, 10.0, 1.0])
Z = 10.0 + 100.0 / (1 + 1j * 2 * np.pi * F * 1e-4)  # ohm


def _write(path, header, f_scale=1.0, z_scale=1.0, sep=","):
    rows = "".join(f"{a * f_scale:.12g}{sep}{b.real * z_scale:.12g}{sep}{b.imag * z_scale:.12g}\n" for a, b in zip(F, Z))
    path.write_text((sep.join(header) + "\n" if header else "") + rows)
    return path


def test_unitless_header_refused_then_declared(tmp_path):
    p = _write(tmp_path / "z.csv", ("freq", "zre", "zim"), f_scale=1e-3, z_scale=1e-3)  # kHz, kOhm
    with pytest.raises(ReaderError) as ei:
        read_spectra(p)
    msg = str(ei.value)
    assert "'freq' (frequency)" in msg and "'zre', 'zim' (impedance)" in msg
    assert '--units "frequency=Hz,impedance=ohm"' in msg and "[eis]" in msg
    s = read_spectra(p, units="frequency=kHz,impedance=kohm")[0]
    np.testing.assert_allclose(s.frequency, F, rtol=1e-11, atol=0)
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-11, atol=0)
    assert s.metadata["declared_units"] == "frequency=kHz,impedance=kohm"


def test_header_units_are_applied_and_checked(tmp_path):
    p = _write(tmp_path / "h.csv", ("Frequency (kHz)", "Zre (kOhm)", "-Zim (kOhm)"), f_scale=1e-3, z_scale=1e-3)
    # '-Zim' means the column holds -Z''; write it so
    lines = p.read_text().splitlines()
    body = [",".join([a, b, str(-float(c))]) for a, b, c in (ln.split(",") for ln in lines[1:])]
    p.write_text("\n".join([lines[0], *body]) + "\n")
    s = read_spectra(p)[0]
    np.testing.assert_allclose(s.frequency, F, rtol=1e-11, atol=0)
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-11, atol=0)
    assert s.metadata["units"] == {"frequency": "kHz", "z_real": "kOhm", "z_imag": "kOhm"}
    assert read_spectra(p, units="impedance=kohm")[0].impedance[0] == pytest.approx(Z[0], rel=1e-11, abs=0)
    with pytest.raises(ReaderError, match="contradicts"):
        read_spectra(p, units="impedance=ohm")


def test_wrong_dimension_in_header_is_refused(tmp_path):
    p = _write(tmp_path / "w.csv", ("freq/Hz", "Zre/mV", "Zim/ohm"))
    with pytest.raises(ReaderError, match="not a resistance"):
        read_spectra(p)


def test_headerless_csv_needs_declared_units(tmp_path):
    p = _write(tmp_path / "n.txt", None, sep="\t")
    with pytest.raises(ReaderError, match="frequency, impedance carry no unit"):
        read_spectra(p)
    s = read_spectra(p, units={"f": "Hz", "z": "ohm"})[0]
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-11, atol=0)
    with pytest.raises(UnitError):
        read_spectra(p, units="frequency=ohm,impedance=ohm")


def test_fixed_format_declared_units_must_agree():
    from .eis_testdata import eis_file

    p = eis_file("impedance.py/exampleDataGamry.DTA")
    a = read_spectra(p)[0]
    b = read_spectra(p, units="frequency=Hz,impedance=ohm")[0]
    np.testing.assert_array_equal(a.impedance, b.impedance)
    with pytest.raises(ReaderError, match="contradicts"):
        read_spectra(p, units="impedance=kohm")


def test_cli_eis_units(tmp_path, cli):
    run_cli = cli
    p = _write(tmp_path / "z.csv", ("freq", "zre", "zim"))
    r = run_cli("eis", str(p), "--json")
    assert r.returncode == 2 and "--units" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    p = _write(tmp_path / "k.csv", ("freq", "zre", "zim"), f_scale=1e-3)  # kHz
    r = run_cli("eis", str(p), "--json", "--units", "frequency=kHz,impedance=ohm")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["n_points"] == len(F)
    assert out["frequency_max_Hz"] == pytest.approx(1e5, rel=1e-12, abs=0)
    assert out["frequency_min_Hz"] == pytest.approx(1.0, rel=1e-12, abs=0)


def test_study_units_key_reaches_the_reader(tmp_path):
    from lisse.pipeline.registry import StageContext, all_stages

    _write(tmp_path / "z.csv", ("freq", "zre", "zim"))
    stage = {s.name: s for s in all_stages()}["eis"]
    opts = {"files": ["z.csv"], "lambda": 1e-3}
    with pytest.raises(ReaderError, match="carry no unit"):
        stage.func(StageContext(study={"eis": opts, "_base_dir": str(tmp_path)}, options=opts, out_dir=tmp_path))
    o = {**opts, "units": {"frequency": "Hz", "impedance": "ohm"}}
    res = stage.func(StageContext(study={"eis": o, "_base_dir": str(tmp_path)}, options=o, out_dir=tmp_path))
    assert res.summary
