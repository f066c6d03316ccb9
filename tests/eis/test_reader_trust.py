"""Impedance readers read real exports right, or refuse them with a clear message.

References are independent of lisse: impedance.py's ``preprocessing.readFile`` (MIT), pyimpspec's
``parse_data`` (GPL-3, test-only), galvani (BioLogic .mpr), ``numpy.loadtxt``, and analytic spectra
written by the tests themselves (R0 + R || C, values computed by hand from the formula). Every shared
file is compared within 1e-9 relative on f, Z', Z'' and in its number of spectra.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lisse.errors import ReaderError
from lisse.io.eis import read_spectra

from .eis_testdata import eis_file

RTOL = 1e-9
F = np.array([1e5, 1e4, 1e3, 1e2, 10.0, 1.0])
Z = 10.0 + 100.0 / (1 + 1j * 2 * np.pi * F * 1e-4)  # ohm, capacitive: Z'' < 0


def _same(spectra, ref, what):
    """ours (list of EISSpectrum) == ref (list of (f, Z)) within RTOL relative, component by component."""
    assert len(spectra) == len(ref), f"{what}: {len(spectra)} spectra, reference {len(ref)}"
    for s, (f, z) in zip(spectra, ref):
        f, z = np.asarray(f, float), np.asarray(z, complex)
        assert len(s) == f.size, f"{what}: {len(s)} points, reference {f.size}"
        np.testing.assert_allclose(s.frequency, f, rtol=RTOL, atol=0, err_msg=what)
        np.testing.assert_allclose(s.impedance.real, z.real, rtol=RTOL, atol=0, err_msg=what)
        np.testing.assert_allclose(s.impedance.imag, z.imag, rtol=RTOL, atol=0, err_msg=what)


# ------------------------------------------------------------------------------------------------
# every shared file against an independent parser
# ------------------------------------------------------------------------------------------------
IMPEDANCE_PY = [
    ("gamry-parser/eispot_data.dta", "gamry"),  # rows starting with spaces: 10 points, not 6
    ("impedance.py/exampleDataGamry.DTA", "gamry"),
    ("pyimpspec/data.dta", "gamry"),
    ("impedance.py/exampleDataZPlot.z", "zplot"),
    ("pyimpspec/data.z", "zplot"),
    ("impedance.py/exampleDataParstat.txt", "parstat"),  # 781 DC rows at f = 0, then 31 impedance points
    ("impedance.py/exampleDataBioLogic.mpt", "biologic"),
    ("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.txt", "biologic"),
]


@pytest.mark.parametrize(("rel", "instrument"), IMPEDANCE_PY)
def test_shared_file_equals_impedance_py(rel, instrument):
    pre = pytest.importorskip("impedance.preprocessing")
    p = eis_file(rel)
    f, z = pre.readFile(str(p), instrument=instrument)
    _same(read_spectra(p), [(f, z)], rel)


PYIMPSPEC = [
    "pyimpspec/data.ids",  # two datasets: both returned
    "pyimpspec/data.idf",
    "pyimpspec/case-multiple-spectra.mpt",  # three sweeps
    "pyimpspec/data.mpt",
    "pyimpspec/data.dta",
    "pyimpspec/data.z",
    "gamry-parser/eispot_data.dta",
    "impedance.py/exampleDataGamry.DTA",
    "impedance.py/exampleDataBioLogic.mpt",
    "impedance.py/exampleDataZPlot.z",
]


@pytest.mark.parametrize("rel", PYIMPSPEC)
def test_shared_file_equals_pyimpspec(rel):
    pyimpspec = pytest.importorskip("pyimpspec")
    p = eis_file(rel)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = [(d.get_frequencies(), d.get_impedances()) for d in pyimpspec.parse_data(str(p))]
    _same(read_spectra(p), ref, rel)


def test_ids_returns_every_dataset():
    sp = read_spectra(eis_file("pyimpspec/data.ids"))
    assert [len(s) for s in sp] == [29, 29]
    assert [s.metadata["index"] for s in sp] == [0, 1]
    assert all(s.metadata["reader"] == "ivium-ids" and s.metadata["n_spectra_in_file"] == 2 for s in sp)


@pytest.mark.parametrize("rel", ["impedance.py/exampleData.csv", "pyDRTtools/LIB_data.txt"])
def test_headerless_files_equal_loadtxt(rel):
    p = eis_file(rel)
    a = np.loadtxt(p, delimiter="," if p.suffix == ".csv" else None)
    with pytest.raises(ReaderError, match="carry no unit"):
        read_spectra(p)
    _same(read_spectra(p, units="frequency=Hz,impedance=ohm"), [(a[:, 0], a[:, 1] + 1j * a[:, 2])], rel)


@pytest.mark.parametrize("rel", ["hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.mpr", "hybrid-drt/PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt"])
def test_mpr_and_relaxis_equal_galvani(rel):
    """RelaxIS writes the .mpr's float32 values in full: both equal galvani's reading of the .mpr."""
    galvani = pytest.importorskip("galvani")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = galvani.MPRfile(str(eis_file("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.mpr"))).data
    f = np.asarray(d["freq/Hz"], float)
    z = np.asarray(d["Re(Z)/Ohm"], float) - 1j * np.asarray(d["-Im(Z)/Ohm"], float)
    s = read_spectra(eis_file(rel))
    if "RelaxIS" in rel:  # RelaxIS sorts by ascending frequency
        order = np.argsort(f)
        f, z = f[order], z[order]
    _same(s, [(f, z)], rel)


def test_parstat_dc_rows_are_counted_not_read():
    s = read_spectra(eis_file("impedance.py/exampleDataParstat.txt"))
    assert len(s) == 1 and len(s[0]) == 31
    assert s[0].metadata["columns_used"] == {"frequency": "Frequency (Hz)", "z_real": "Zre (ohms)", "z_imag": "Zim (ohms)"}
    assert any("781 rows at frequency 0" in n and "lines 2-782" in n for n in s[0].metadata["notes"])
    # PROVENANCE: Zim is Z'' with its physical sign, +0.0175 ohm at 10 kHz, -0.0040 ohm at 10 Hz
    assert s[0].frequency[0] == 1e4 and s[0].z_imag[0] == pytest.approx(0.0175143479976367, rel=1e-12, abs=0)
    assert s[0].frequency[-1] == 10.0 and s[0].z_imag[-1] == pytest.approx(-0.00399791080333837, rel=1e-12, abs=0)


# ------------------------------------------------------------------------------------------------
# crafted variants (written here; the expected Z is the analytic one above)
# ------------------------------------------------------------------------------------------------
def _csv(path, header, cols, sep=","):
    body = "".join(sep.join(c) + "\n" for c in zip(*cols))
    path.write_text(sep.join(header) + "\n" + body, encoding="utf-8")
    return path


def _g(x):
    return [f"{v:.17g}" for v in x]


def test_modulus_phase_csv_gives_complex(tmp_path):
    """A solid-state-cell export: time, current, f, |Z|, phase; Z = |Z| e^{jφ} computed by hand."""
    mod, ph = np.abs(Z), np.degrees(np.angle(Z))
    p = _csv(tmp_path / "polar.csv", ["Time/s", "Current/A", "Frequency/Hz", "|Z|/Ohm", "Phase/deg"],
             [_g(np.arange(6.0)), _g(np.full(6, 1e-3)), _g(F), _g(mod), _g(ph)])
    s = read_spectra(p)[0]
    np.testing.assert_allclose(s.frequency, F, rtol=0, atol=0)
    np.testing.assert_allclose(s.z_real, mod * np.cos(np.radians(ph)), rtol=1e-12, atol=0)
    np.testing.assert_allclose(s.z_imag, mod * np.sin(np.radians(ph)), rtol=1e-12, atol=0)
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-12, atol=0)
    # radians and a '-Phase' column (Nova writes -Phase (°)) give the same
    q = _csv(tmp_path / "polar2.csv", ["Frequency (Hz)", "Z (Ω)", "-Phase (rad)"], [_g(F), _g(mod), _g(-np.angle(Z))])
    np.testing.assert_allclose(read_spectra(q)[0].impedance, Z, rtol=1e-12, atol=0)


def test_minus_z_imag_and_kohm_units(tmp_path):
    p = _csv(tmp_path / "nova.csv", ["Index", "Frequency (kHz)", "Z' (kΩ)", "-Z'' (kΩ)", "Z (kΩ)", "-Phase (°)", "Time (s)"],
             [_g(np.arange(6.0)), _g(F / 1e3), _g(Z.real / 1e3), _g(-Z.imag / 1e3), _g(np.abs(Z) / 1e3),
              _g(-np.degrees(np.angle(Z))), _g(np.arange(6.0) * 3)], sep=";")
    s = read_spectra(p)[0]
    np.testing.assert_allclose(s.frequency, F, rtol=1e-15, atol=0)
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-12, atol=0)
    assert s.metadata["units"]["z_real"] == "kΩ"


def test_minus_sign_on_z_real_is_applied(tmp_path):
    p = _csv(tmp_path / "mre.csv", ["freq/Hz", "-Re(Z)/Ohm", "Im(Z)/Ohm"], [_g(F), _g(-Z.real), _g(Z.imag)])
    np.testing.assert_allclose(read_spectra(p)[0].impedance, Z, rtol=1e-15, atol=0)


@pytest.mark.parametrize("header", [
    ["Potential (V)", "Current (A)", "Elapsed Time (s)", "Frequency (Hz)", "Zre (ohms)", "Zim (ohms)"],
    ["Time/s", "Current/A", "Freq/Hz", "Z'/Ohm", "Z''/Ohm", "Temperature/degC"],
    ["Rec", "Cycle", "TestTime", "Current", "Voltage", "Frequency [Hz]", "Z Real [Ohm]", "Z Imaginary [Ohm]"],
    ["Im (A)", "Re (V)", "Z (mm)", "f (Hz)", "Re(Z) (ohm)", "Im(Z) (ohm)"],  # known names, units of another kind
])
def test_substring_traps_never_become_impedance(tmp_path, header):
    """'time' contains 'im', 'Current' contains 're': such columns beside the real ones are never read as Z."""
    n = len(header)
    cols = [_g(np.arange(6.0) + 7.0 * k) for k in range(n)]  # distinct decoy values in every column
    i_f = next(i for i, h in enumerate(header) if h.lower().startswith(("freq", "f (")))
    cols[i_f], cols[i_f + 1], cols[i_f + 2] = _g(F), _g(Z.real), _g(Z.imag)
    s = read_spectra(_csv(tmp_path / "trap.csv", header, cols, sep="\t"))[0]
    np.testing.assert_allclose(s.frequency, F, rtol=0, atol=0)
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-15, atol=0)


def test_unrecognised_and_ambiguous_headers_are_refused(tmp_path):
    p = _csv(tmp_path / "u.csv", ["Potential (V)", "Current (A)", "Elapsed Time (s)", "X1", "X2"], [_g(F)] * 5)
    with pytest.raises(ReaderError, match=r"cannot tell which columns.*'Potential \(V\)'.*'X2'.*columns="):
        read_spectra(p)
    q = _csv(tmp_path / "a.csv", ["f/Hz", "Zre/ohm", "Z'/ohm", "Zim/ohm"], [_g(F), _g(Z.real), _g(Z.real), _g(Z.imag)])
    with pytest.raises(ReaderError, match=r"ambiguous header: 2 columns could hold Z'"):
        read_spectra(q)
    s = read_spectra(q, columns={"z_real": "Z'/ohm"})[0]  # the user names the column: read
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-15, atol=0)
    r = _csv(tmp_path / "r.csv", ["Hz", "R", "X"], [_g(F), _g(Z.real), _g(-Z.imag)])
    with pytest.raises(ReaderError, match="cannot tell"):
        read_spectra(r)
    s = read_spectra(r, columns="frequency=Hz,z_real=R,-z_imag=X", units="frequency=Hz,impedance=ohm")[0]
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-15, atol=0)


def test_z_imag_sign_contradicting_phase_is_refused(tmp_path):
    p = _csv(tmp_path / "s.csv", ["freq/Hz", "Z'/ohm", "Z''/ohm", "Phase/deg"],
             [_g(F), _g(Z.real), _g(-Z.imag), _g(np.degrees(np.angle(Z)))])  # a '-Z''' column labelled Z''
    with pytest.raises(ReaderError, match="contradicts the phase column"):
        read_spectra(p)


def test_modulus_column_disagreeing_with_real_imag_is_refused(tmp_path):
    p = _csv(tmp_path / "m.csv", ["freq/Hz", "Re/ohm", "Im/ohm", "|Z|/ohm"], [_g(F), _g(Z.real), _g(Z.imag), _g(2 * np.abs(Z))])
    with pytest.raises(ReaderError, match="disagrees with"):
        read_spectra(p)


def test_truncated_mid_number_drops_the_row_with_a_note(tmp_path):
    """CHI export cut inside the last row: never a shorter (wrong) last value."""
    text = "A.C. Impedance\n\nFreq/Hz, Z'/ohm, Z\"/ohm, Z/ohm, Phase/deg\n\n" + "".join(
        f"{a:.3e}, {b.real:.3e}, {b.imag:.3e}, {abs(b):.3e}, {np.degrees(np.angle(b)):.1f}\n" for a, b in zip(F, Z))
    full = tmp_path / "chi.txt"
    full.write_text(text)
    assert len(read_spectra(full)[0]) == 6
    last = text.rstrip("\n").rsplit("\n", 1)[1]
    for cut in (len(last) - 6, last.index(",", last.index(",") + 1) + 5, last.index(",") + 4):
        p = tmp_path / f"cut{cut}.txt"
        p.write_text(text.rstrip("\n")[: len(text.rstrip("\n")) - len(last) + cut])
        s = read_spectra(p)[0]
        assert len(s) == 5, last[:cut]
        np.testing.assert_allclose(s.z_real, [float(f"{v:.3e}") for v in Z[:5].real], rtol=1e-15, atol=0)
        assert any("truncated" in n and "line 10" in n for n in s.metadata["notes"])


def test_truncated_mid_number_csv_without_final_line_break(tmp_path):
    rows = "".join(f"{a:.6e},{b.real:.6e},{b.imag:.6e}\n" for a, b in zip(F, Z))
    p = tmp_path / "t.csv"
    p.write_text("freq/Hz,Zre/ohm,Zim/ohm\n" + rows.rstrip("\n")[:-5])  # '-6.283185e-01' -> '-6.283'
    s = read_spectra(p)[0]
    assert len(s) == 5 and any("truncated" in n for n in s.metadata["notes"])
    p.write_text("freq/Hz,Zre/ohm,Zim/ohm\n" + rows.rstrip("\n"))  # complete, just no final line break
    s = read_spectra(p)[0]
    assert len(s) == 6 and not s.metadata["notes"]


@pytest.mark.parametrize("fmt", ["csv", "zplot", "relaxis", "chi"])
def test_corrupted_middle_row_is_an_error_naming_its_line(tmp_path, fmt):
    def row(a, b, sep):
        return sep.join([f"{a:.6e}", f"{b.real:.6e}", f"{b.imag:.6e}"])

    if fmt == "csv":
        head, sep, name = "freq/Hz,Zre/ohm,Zim/ohm\n", ",", "x.csv"
    elif fmt == "zplot":
        head, sep, name = "ZPLOT2 ASCII\n  Freq(Hz)\tAmpl\tBias\tTime(Sec)\tZ'(a)\tZ''(b)\nEnd Comments\n", "\t", "x.z"
    elif fmt == "relaxis":
        head, sep, name = "RelaxIS 3.0 Spectrum export\nDate: x\nData: Frequency\tData: Z'\tData: Z''\n", "\t", "r.txt"
    else:
        head, sep, name = "A.C. Impedance\n\nFreq/Hz, Z'/ohm, Z\"/ohm\n\n", ", ", "c.txt"

    def line(a, b):
        r = row(a, b, sep).split(sep)
        return sep.join([r[0], "0", "0", "0", r[1], r[2]] if fmt == "zplot" else r)

    body = [line(a, b) for a, b in zip(F, Z)]
    p = tmp_path / name
    p.write_text(head + "\n".join(body) + "\n")
    assert len(read_spectra(p)[0]) == 6
    body[3] = body[3][:5] + "#?" + body[3][7:]
    p.write_text(head + "\n".join(body) + "\n")
    n_head = head.count("\n")
    with pytest.raises(ReaderError, match=rf"line {n_head + 4}\b"):
        read_spectra(p)


def test_gamry_rows_with_leading_spaces_are_read(tmp_path):
    head = "EXPLAIN\nTAG\tEISPOT\nZCURVE\tTABLE\n\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\n\t#\ts\tHz\tohm\tohm\tV\tohm\t°\n"
    rows = [f"\t{k}\t{k}\t{a:.7g}\t{b.real:.7g}\t{b.imag:.7g}\t1\t{abs(b):.7g}\t{np.degrees(np.angle(b)):.7g}" for k, (a, b) in enumerate(zip(F, Z))]
    for k in (2, 3, 5):
        rows[k] = "  " + rows[k].lstrip("\t").replace("\t", " ", 3)
    p = tmp_path / "g.DTA"
    p.write_text(head + "\n".join(rows) + "\nEXPERIMENTABORTED\tTOGGLE\tT\tExperiment Aborted\n", encoding="latin-1")
    s = read_spectra(p)[0]
    assert len(s) == 6
    np.testing.assert_allclose(s.impedance, [complex(float(f"{b.real:.7g}"), float(f"{b.imag:.7g}")) for b in Z], rtol=1e-15, atol=0)
    assert any("aborted" in n for n in s.metadata["notes"])


def test_zplot_for_windows_variant(tmp_path):
    """ZPlot/ZView for Windows (also Autolab's export): quoted header, comma-separated rows."""
    rows = "".join(f"{a:.6g},0,0,0,{b.real:.15g},{b.imag:.15g},0,0,0\n" for a, b in zip(F, Z))
    p = tmp_path / "w.txt"
    p.write_text('"Z60W Data File: Version 1.1"\n""\n0,2,0,1,0.1,10000\n6\n'
                 '"  Freq (Hz)    Ampl     Bias   Time(Sec)   Z\'(a)    Z\'\'(b)    GD   Err   Range"\n' + rows)
    s = read_spectra(p)
    assert len(s) == 1 and s[0].metadata["reader"] == "zplot-z"
    np.testing.assert_allclose(s[0].impedance, [complex(float(f"{b.real:.15g}"), float(f"{b.imag:.15g}")) for b in Z], rtol=1e-15, atol=0)


def test_headerless_file_with_more_than_three_columns_is_refused(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("".join(f"{a},{b.real},{b.imag},{abs(b)}\n" for a, b in zip(F, Z)))
    with pytest.raises(ReaderError, match="no header"):
        read_spectra(p, units="frequency=Hz,impedance=ohm")


def _r(x):
    return repr(float(x))


def test_relaxis_side_by_side_and_stacked_spectra_are_all_returned(tmp_path):
    """Several spectra in one table: side by side (one frequency column each) or one after another."""
    head = "RelaxIS 3.0 Spectrum export\nDate: x\nData: Frequency\tData: Z'\tData: Z''\tData: Frequency\tData: Z'\tData: Z''\n"
    rows = [f"{_r(a)}\t{_r(b.real)}\t{_r(b.imag)}\t" + (f"{_r(a)}\t{_r(2 * b.real)}\t{_r(2 * b.imag)}" if k < 4 else "\t\t")
            for k, (a, b) in enumerate(zip(F, Z))]
    p = tmp_path / "side.txt"
    p.write_text(head + "\n".join(rows) + "\n")
    s = read_spectra(p)
    assert [len(x) for x in s] == [6, 4]
    np.testing.assert_allclose(s[0].impedance, Z, rtol=1e-15, atol=0)
    np.testing.assert_allclose(s[1].impedance, 2 * Z[:4], rtol=1e-15, atol=0)
    head = "RelaxIS 3.0 Spectrum export\nDate: x\nData: Frequency\tData: Z'\tData: Z''\n"
    one = "".join(f"{_r(a)}\t{_r(b.real)}\t{_r(b.imag)}\n" for a, b in zip(F, Z))
    two = "".join(f"{_r(a)}\t{_r(3 * b.real)}\t{_r(3 * b.imag)}\n" for a, b in zip(F, Z))
    q = tmp_path / "stacked.txt"
    q.write_text(head + "DC=0\tModel: A\tspectrum 1\n" + one + "DC=0\tModel: B\tspectrum 2\n" + two)
    s = read_spectra(q)
    assert [len(x) for x in s] == [6, 6]
    np.testing.assert_allclose(s[1].impedance, 3 * Z, rtol=1e-15, atol=0)


def test_units_on_the_line_under_the_names(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text("Pt,Freq,Zreal,Zimag,Zmod\n#,kHz,kohm,kohm,kohm\n"
                 + "".join(f"{k},{_r(a / 1e3)},{_r(b.real / 1e3)},{_r(b.imag / 1e3)},{_r(abs(b) / 1e3)}\n" for k, (a, b) in enumerate(zip(F, Z))))
    s = read_spectra(p)[0]
    np.testing.assert_allclose(s.frequency, F, rtol=1e-15, atol=0)
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-12, atol=0)


def test_eclab_text_cut_mid_number_drops_the_last_row(tmp_path):
    rows = "".join(f"{a:.7E}\t{b.real:.7E}\t{-b.imag:.7E}\n" for a, b in zip(F, Z))
    text = "EC-Lab ASCII FILE\nNb header lines : 4\n\nfreq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\n" + rows
    p = tmp_path / "x.mpt"
    p.write_text(text)
    assert len(read_spectra(p)[0]) == 6
    p.write_text(text.rstrip("\n")[:-6])  # '6.2831828E-02' -> '6.28318'
    s = read_spectra(p)[0]
    assert len(s) == 5 and any("truncated" in n for n in s.metadata["notes"])
    np.testing.assert_allclose(s.z_imag, [float(f"{v:.7E}") for v in Z[:5].imag], rtol=1e-15, atol=0)


def test_text_columns_and_a_preamble_do_not_hide_the_table(tmp_path):
    """A cycler EIS export: metadata lines, then a table whose other columns hold dates and mode letters."""
    pre = "Today's Date 11/29/2026\nFrequency Sweep: Single Sine\nChannel: 3\n\n"
    head = "Rec\tCycle\tDPt Time\tMd\tCurrent [A]\tVoltage [V]\tFrequency [Hz]\tZ Real [Ohm]\tZ Imaginary [Ohm]\n"
    rows = "".join(f"{k}\t1\t11/29/2026 10:0{k}:00\tE\t0.0\t3.7\t{_r(a)}\t{_r(b.real)}\t{_r(b.imag)}\n" for k, (a, b) in enumerate(zip(F, Z)))
    p = tmp_path / "maccor_eis.txt"
    p.write_text(pre + head + rows)
    s = read_spectra(p)[0]
    np.testing.assert_allclose(s.frequency, F, rtol=0, atol=0)
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-15, atol=0)


_SPEC = {"f": lambda: F, "re": lambda: Z.real, "im": lambda: Z.imag, "-im": lambda: -Z.imag, "mod": lambda: np.abs(Z),
         "ph": lambda: np.degrees(np.angle(Z)), "-ph": lambda: -np.degrees(np.angle(Z)), "one": lambda: np.ones(6)}


@pytest.mark.parametrize(("vendor", "columns", "units"), [
    ("EC-Lab", [("freq/Hz", "f"), ("Re(Z)/Ohm", "re"), ("-Im(Z)/Ohm", "-im"), ("|Z|/Ohm", "mod"), ("Phase(Z)/deg", "ph"),
                ("time/s", "x"), ("<Ewe>/V", "x"), ("<I>/mA", "x"), ("Cs/\u00b5F", "x"), ("Re(Y)/Ohm-1", "x"), ("cycle number", "one")], None),
    ("Gamry", [("Pt", "x"), ("Time", "x"), ("Freq", "f"), ("Zreal", "re"), ("Zimag", "im"), ("Zsig", "x"), ("Zmod", "mod"),
               ("Zphz", "ph"), ("Idc", "x"), ("Vdc", "x")], "frequency=Hz,impedance=ohm"),
    ("Nova", [("Index", "x"), ("Frequency (Hz)", "f"), ("Z' (\u03a9)", "re"), ("-Z'' (\u03a9)", "-im"), ("Z (\u03a9)", "mod"),
              ("-Phase (\u00b0)", "-ph"), ("Time (s)", "x")], None),
    ("PalmSens", [("Freq / Hz", "f"), ("Z' / \u03a9", "re"), ("-Z'' / \u03a9", "-im"), ("Z / \u03a9", "mod"), ("-Phase / \u00b0", "-ph")], None),
    ("Zahner", [("Number", "x"), ("Frequency/Hz", "f"), ("Impedance/Ohm", "mod"), ("Phase/deg", "ph"), ("Significance", "x"), ("Time/s", "x")], None),
    ("Ivium", [("Frequency [Hz]", "f"), ("Z' [Ohm]", "re"), ("-Z'' [Ohm]", "-im"), ("Current [A]", "x"), ("Potential [V]", "x")], None),
    ("VersaStudio", [("Segment #", "x"), ("Point #", "x"), ("E(V)", "x"), ("I(A)", "x"), ("Elapsed Time(s)", "x"),
                     ("Frequency(Hz)", "f"), ("E Real", "x"), ("E Imag", "x"), ("I Real", "x"), ("I Imag", "x"), ("Z Real", "re"),
                     ("Z Imag", "im")], "impedance=ohm"),
    ("PowerSuite", [("Frequency", "f"), (" Zre", "re"), (" Zimg", "im")], "frequency=Hz,impedance=ohm"),
    ("Z\u2033 unicode", [("f (Hz)", "f"), ("Z\u2032 (\u03a9)", "re"), ("\u2212Z\u2033 (\u03a9)", "-im")], None),
])
def test_vendor_header_sets(tmp_path, vendor, columns, units):
    cols = [_g(_SPEC[c]() if c in _SPEC else np.arange(6.0) + 100.0 * k) for k, (_, c) in enumerate(columns)]
    p = _csv(tmp_path / "v.txt", [n for n, _ in columns], cols, sep="\t")
    s = read_spectra(p, units=units)[0]
    np.testing.assert_allclose(s.frequency, F, rtol=0, atol=0)
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-12, atol=0)


# ------------------------------------------------------------------------------------------------
# crafted files in other vendors' layouts, read by impedance.py's reader for that layout as well
# ------------------------------------------------------------------------------------------------
def _zw(tmp_path):
    rows = "".join(f"{a:.6g},0,0,0,{b.real:.15g},{b.imag:.15g},0,0,0\n" for a, b in zip(F, Z))
    p = tmp_path / "autolab.txt"
    p.write_text('"Z60W Data File: Version 1.1"\n""\n""\n0,2,0,1,0.1,10000\n6\n'
                 '"  Freq (Hz)    Ampl     Bias   Time(Sec)   Z\'(a)    Z\'\'(b)    GD   Err   Range"\n' + rows)
    return p, "autolab", "zplot-z"


def _chi(tmp_path):
    p = tmp_path / "chi.txt"
    p.write_text("Nov. 29, 2026   10:00:00\nA.C. Impedance\nFile: x.bin\nInstrument Model:  CHI660E\n\nInit E (V) = 0\n\n"
                 "Freq/Hz, Z'/ohm, Z\"/ohm, Z/ohm, Phase/deg\n\n"
                 + "".join(f"{a:.3e}, {b.real:.3e}, {b.imag:.3e}, {abs(b):.3e}, {np.degrees(np.angle(b)):.1f}\n" for a, b in zip(F, Z)))
    return p, "chinstruments", "chi-txt"


def _versastudio(tmp_path):
    defn = ("Segment #, Point #, E(V), I(A), Elapsed Time(s), ADC Sync Input(V), Current Range, Status, E Applied(V), "
            "Frequency(Hz), E Real, E Imag, I Real, I Imag, Z Real, Z Imag, E2 Status, ActionId, AC Amplitude, 0")
    rows = "".join(f"0,{k},0,-3.2E-06,{k + 1.5},-0.0024,5,53,0,{a:.7g},0.01,-0.01,1E-4,-1E-4,{b.real:.7g},{b.imag:.7g},0,21,0.02\n"
                   for k, (a, b) in enumerate(zip(F, Z)))
    p = tmp_path / "v.par"
    p.write_text("<Application>\nName=VersaStudio\n</Application>\n\n<Action0>\nSegments=0\nName=Common\n</Action0>\n\n"
                 "<Action1>\nStart Frequency (Hz)=100000\nSegments=1\nName=Potentiostatic EIS\n</Action1>\n\n"
                 f"<Segment1>\nType=2\nVersion=3\nDefinition={defn}\n{rows}</Segment1>\n\n<Graph1>\nAnalysis=0\n</Graph1>\n")
    return p, "versastudio", "versastudio-par"


def _powersuite(tmp_path):
    p = tmp_path / "ps.txt"
    p.write_text("Frequency\t Zre\t Zimg\n" + "".join(f"{a:.8g}\t {b.real:.8g}\t {b.imag:.8g}\n" for a, b in zip(F, Z)))
    return p, "powersuite", "csv"


@pytest.mark.parametrize("make", [_zw, _chi, _versastudio, _powersuite])
def test_vendor_layouts_equal_impedance_py(tmp_path, make):
    pre = pytest.importorskip("impedance.preprocessing")
    p, instrument, fmt = make(tmp_path)
    f, z = pre.readFile(str(p), instrument=instrument)
    s = read_spectra(p, units="frequency=Hz,impedance=ohm" if fmt == "csv" else None)
    assert s[0].metadata["reader"] == fmt
    _same(s, [(f, z)], instrument)


def test_unitless_check_columns_do_not_block_reading(tmp_path):
    """|Z| and phase beside Z', Z'' only cross-check them: without units they are left out, not a reason to refuse."""
    p = _csv(tmp_path / "c.csv", ["freq/Hz", "Zre/ohm", "Zim/ohm", "|Z|", "Phase"],
             [_g(F), _g(Z.real), _g(Z.imag), _g(np.abs(Z)), _g(np.angle(Z))])
    s = read_spectra(p)[0]
    np.testing.assert_allclose(s.impedance, Z, rtol=1e-15, atol=0)
    assert set(s.metadata["columns_used"]) == {"frequency", "z_real", "z_imag"}
    q = _csv(tmp_path / "d.csv", ["freq/Hz", "|Z|", "Phase"], [_g(F), _g(np.abs(Z)), _g(np.angle(Z))])
    with pytest.raises(ReaderError, match="carry no unit|no unit"):  # |Z| and phase are all there is: units needed
        read_spectra(q)
