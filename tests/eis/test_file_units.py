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


@pytest.mark.parametrize(("header", "declared"), [("omega (rad/s)", None), ("Angular frequency (rad/s)", None), ("w", "frequency=rad/s,impedance=ohm")])
def test_angular_frequency_is_divided_by_two_pi(tmp_path, header, declared):
    """pint counts the radian as dimensionless: 6283.185 rad/s must become 1000 Hz, not 6283 Hz."""
    from lisse.io.eis import read_spectra

    f = tmp_path / "omega.csv"
    zh = "Zre,Zim" if declared else "Zre (ohm),Zim (ohm)"
    f.write_text(f"{header},{zh}\n6283.185307179586,100,-1\n628.3185307179586,110,-5\n62.83185307179586,140,-20\n")
    s = read_spectra(f, units=declared)[0]
    np.testing.assert_allclose(sorted(s.frequency), [10.0, 100.0, 1000.0], rtol=1e-12, atol=0)


def test_cli_bulk_conductivity_in_S_cm(tmp_path, capsys):
    """sigma_bulk = L / (R_bulk A) by hand in cm: 780 um = 0.078 cm, 0.785 cm2; R_bulk ~ R0 + the 1e-7 s arc = 110 ohm."""
    from lisse.analysis.eis.synthetic import three_arc_spectrum
    from lisse.cli.main import main

    sp = three_arc_spectrum()
    p = tmp_path / "arc.csv"
    np.savetxt(p, np.column_stack([sp.frequency, sp.impedance.real, sp.impedance.imag]), delimiter=",",
               header="freq/Hz,Zre/Ohm,Zim/Ohm", comments="", fmt="%.12g")
    assert main(["eis", str(p), "--drt", "--area", "0.785", "--thickness", "780", "--json"]) == 0
    o = json.loads(capsys.readouterr().out)
    assert o["bulk_resistance_ohm"] == pytest.approx(110.0, rel=0.1)
    assert o["bulk_conductivity_S_cm"] == pytest.approx(0.078 / (o["bulk_resistance_ohm"] * 0.785), rel=1e-9, abs=0)
    assert o["total_conductivity_S_cm"] == pytest.approx(0.078 / (o["bulk_gb_resistance_ohm"] * 0.785), rel=1e-9, abs=0)


def test_eis_thousands_separators_beside_decimal_points_are_refused(tmp_path):
    """A tab file with '1,000' Hz next to '100.5' ohm: refuse rather than read 1 Hz."""
    f = tmp_path / "thou.txt"
    f.write_text("freq/Hz\tZre/Ohm\tZim/Ohm\n1,000\t100.5\t-3.2\n100\t110.1\t-5.0\n10\t140.2\t-20.0\n")
    with pytest.raises(ReaderError, match=r"thou\.txt.*'100\.5'.*'1,000'"):
        read_spectra(f)
    g = tmp_path / "dc.txt"
    g.write_text("freq/Hz\tZre/Ohm\tZim/Ohm\n1000\t100,5\t-3,2\n100\t110,1\t-5\n10\t140,2\t-20\n")
    np.testing.assert_allclose(sorted(read_spectra(g)[0].frequency), [10.0, 100.0, 1000.0], rtol=0, atol=0)


@pytest.mark.parametrize("head", [("Time (s)", "Frequency (Hz)", "Z Real (ohm)", "-Z Imaginary (ohm)"),
                                  ("Elapsed time/s", "f/Hz", "Re Z/Ohm", "-Im Z/Ohm")])
def test_a_time_column_is_never_taken_for_z_imag(tmp_path, head):
    """'im' is a substring of 'time': the time column must not be read as Z'' (the file was refused)."""
    p = tmp_path / "with_time.csv"
    p.write_text(",".join(head) + "\n" + "".join(f"{k},{a:.12g},{b.real:.12g},{-b.imag:.12g}\n"
                                                  for k, (a, b) in enumerate(zip(F, Z))))
    sp = read_spectra(p)[0]
    np.testing.assert_allclose(sp.frequency, F, rtol=1e-10)
    np.testing.assert_allclose(sp.z_imag, Z.imag, rtol=1e-10)
    np.testing.assert_allclose(sp.z_real, Z.real, rtol=1e-10)


def test_study_geometry_reaches_the_demo_spectrum_and_the_report(tmp_path):
    """The [eis] stage: the study's area and thickness apply to the built-in synthetic spectrum too (the bundled study
    set them 'for conductivity' and got none), and report.html shows the conductivities and every warning and note that
    results.json holds (found by an independent audit). Hand check: sigma_bulk = L/(R_bulk A) with L = 600 um =
    0.06 cm, A = 0.785 cm2 and R_bulk = R_inf + the DRT's bulk peaks ~ 10 + 100 ohm."""
    from lisse.pipeline.registry import StageContext, all_stages

    stage = {s.name: s for s in all_stages()}["eis"]
    opts = {"synthetic": True, "area": "0.785 cm2", "thickness": "600 um"}
    res = stage.func(StageContext(study={"eis": opts, "_base_dir": str(tmp_path)}, options=opts, out_dir=tmp_path))
    (out,) = res.summary["spectra"]
    assert out["bulk_resistance_ohm"] == pytest.approx(110.0, rel=0.05)
    assert out["bulk_conductivity_S_cm"] == pytest.approx(0.06 / (out["bulk_resistance_ohm"] * 0.785), rel=1e-9, abs=0)
    html = str(res.html)
    assert f"{out['bulk_conductivity_S_cm']:.4g}" in html and f"{out['total_conductivity_S_cm']:.4g}" in html
    assert f"{out['interfacial_asr']['asr_ohm_cm2']:.4g}" in html


def test_the_warnings_of_a_real_pellet_reach_the_report(tmp_path):
    """The warnings of a real blocking-cell pellet reach report.html: its Kramers-Kronig 'warn' and the peaks that its
    capacitance assigns to the grain boundary (results.json had them, the report did not: independent audit)."""
    from lisse.pipeline.registry import StageContext, all_stages

    from .eis_testdata import eis_file

    stage = {s.name: s for s in all_stages()}["eis"]

    o = {"files": [str(eis_file("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.txt"))], "cell": "blocking", "area": "0.785 cm2",
         "thickness": "780 um"}
    res = stage.func(StageContext(study={"eis": o, "_base_dir": str(tmp_path)}, options=o, out_dir=tmp_path))
    (out,) = res.summary["spectra"]
    html = str(res.html)
    assert "Kramers-Kronig verdict &#x27;warn&#x27;" in html or "Kramers-Kronig verdict &#39;warn&#39;" in html
    assert out["drt"]["process_assignment"].startswith("capacitance") and "by its capacitance (Irvine1990)" in html
    assert f"{out['bulk_conductivity_S_cm']:.4g}" in html
