"""Every instrument file in ../shared/data/cyclers is read with the row count in its PROVENANCE.md."""

from __future__ import annotations

import shutil
import warnings
from datetime import UTC, datetime

import numpy as np
import pytest

from lisse.errors import ReaderError

from ._shared import cycler_file

# (file, rows per PROVENANCE.md [established parsers], detected format)
FILES = [
    ("biologic_gcpl_ec1161_aqueous.mpr", 2767, "biologic-mpr"),
    ("biologic_gcpl_ec1161_aqueous.mpt", 2767, "biologic-mpt"),
    ("biologic_gcpl_5cycles_2-3.8V_C24.mpr", 46102, "biologic-mpr"),
    ("biologic_peis_Zn_shorted_ec1161.mpr", 32, "biologic-mpr"),
    ("biologic_peis_Zn_shorted_ec1161.mpt", 32, "biologic-mpt"),
    ("biologic_peis_ec1133.mpr", 32, "biologic-mpr"),
    ("biologic_peis_ec1133.mpt", 32, "biologic-mpt"),
    ("biologic_gitt_bcd_btlab179.mpr", 2550, "biologic-mpr"),
    ("biologic_gitt_bcd_btlab179.mpt", 2550, "biologic-mpt"),
    ("biologic_lsv_ec1150.mpt", 999, "biologic-mpt"),
    ("neware_BTS85_700k_rows.ndax", 699677, "neware-nda"),
    ("neware_ndc16_ZZZZZZZZTEST.ndax", 301, "neware-nda"),
    ("neware_nda_v26.nda.zip", 222330, "neware-nda"),
    ("arbin_navani_example.res", 2150, "arbin-res"),
    ("arbin_cellpy_20160805_test001_45_cc_01.res", 10261, "arbin-res"),
    ("arbin_export_beep_CH33.csv", 287, "arbin-csv"),
    ("land_lanhe_style_export_cellpy.xlsx", 16538, "land-xlsx"),
]


def _needs(fmt):
    if fmt == "neware-nda":
        pytest.importorskip("fastnda")
    if fmt == "arbin-res" and shutil.which("mdb-export") is None:
        pytest.skip("mdbtools (mdb-export) not installed")
    if fmt == "land-xlsx":
        pytest.importorskip("openpyxl")


@pytest.mark.parametrize("name,rows,fmt", FILES, ids=[f[0] for f in FILES])
def test_row_count_matches_provenance(name, rows, fmt):
    from lisse.io.readers import detect_format, read_cycling

    p = cycler_file(name)
    _needs(fmt)
    assert detect_format(p) == fmt
    rec = read_cycling(p)
    assert len(rec) == rows
    t = rec.time_s
    assert np.all(np.isfinite(t)) and np.all(np.diff(t) >= 0)
    assert rec.provenance.sha256 and len(rec.provenance.sha256) == 64
    assert rec.provenance.reader.startswith("lisse.io.")
    assert "lisse" in rec.provenance.reader_version
    assert rec.start is None or rec.start.tzinfo is not None


def test_neware_csv_three_levels_line_accounting():
    """PROVENANCE gives 9398 lines: 3 header lines + cycle rows + step rows + record rows."""
    from lisse.io.readers import read_cycling

    p = cycler_file("neware_export_cellpy_ife.csv")
    lines = p.read_bytes().decode("latin-1").splitlines()
    assert len(lines) == 9398
    rec = read_cycling(p)
    n_step = sum(1 for ln in lines[3:] if ln.startswith(",") and not ln.startswith(",,"))
    n_cycle = sum(1 for ln in lines[3:] if ln.strip() and not ln.startswith(","))
    assert 3 + n_cycle + n_step + len(rec) == 9398
    assert rec.provenance.raw_header["n_record_rows"] == len(rec) == 9295
    # record rows carry the current in A: step 'CC_DChg' rows are negative
    assert rec.current_A.min() == pytest.approx(-0.5, rel=1e-6)


def test_maccor_line_accounting_and_sign():
    from lisse.io.readers import read_cycling

    p = cycler_file("maccor_export_cellpy_002.txt")
    lines = p.read_bytes().splitlines()
    assert len(lines) == 7461
    rec = read_cycling(p)
    assert len(rec) == 7446  # 7461 lines minus 12 header lines, a blank, the column line and a blank
    assert rec.provenance.raw_header["n_data_rows"] == 7446
    mode = np.array([ln.split(b"\t")[10] for ln in lines[15:]])
    i = rec.current_A
    assert np.all(i[mode == b"D"] <= 0) and np.all(i[mode == b"C"] >= 0)


def test_land_cycle_table_and_sign():
    pytest.importorskip("openpyxl")
    from lisse.io.land import read_land

    rec = read_land(cycler_file("land_lanhe_style_export_cellpy.xlsx"))
    assert len(rec.provenance.raw_header["cycle_table"]["Cycle"]) == 14
    tech = rec["technique"]
    assert np.all(rec.current_A[tech == "RateD"] < 0) and np.all(rec.current_A[tech == "RateC"] > 0)


@pytest.mark.parametrize(
    "stem", ["biologic_gcpl_ec1161_aqueous", "biologic_peis_ec1133", "biologic_peis_Zn_shorted_ec1161", "biologic_gitt_bcd_btlab179"]
)
def test_mpr_and_mpt_agree_column_by_column(stem):
    """Independent binary and text paths give the same numbers for every shared column."""
    from lisse.io.biologic import read_mpr, read_mpt

    cols, h = read_mpr(cycler_file(stem + ".mpr"))
    df, ht = read_mpt(cycler_file(stem + ".mpt"))
    shared = [c for c in cols if c in df.columns]
    if stem == "biologic_gitt_bcd_btlab179":  # BT-Lab exports Ewe as Ecell/V
        assert "Ecell/V" in df.columns
        np.testing.assert_allclose(cols["Ewe/V"], df["Ecell/V"].to_numpy(), rtol=1e-6)
    assert len(shared) >= 10
    for c in shared:
        np.testing.assert_allclose(np.asarray(cols[c], float), df[c].to_numpy(), rtol=2e-7, atol=1e-12, err_msg=c)
    assert h["start"] == ht["start"]


def test_mpr_impedance_columns_for_eis_reuse():
    from lisse.io.biologic import read_mpr

    cols, h = read_mpr(cycler_file("biologic_peis_ec1133.mpr"))
    for c in ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg", "cycle number"):
        assert c in cols
    z = cols["Re(Z)/Ohm"] - 1j * cols["-Im(Z)/Ohm"]
    # |Z| and phase columns are consistent with Re/Im (an internal-consistency check of the layout)
    np.testing.assert_allclose(np.abs(z), cols["|Z|/Ohm"], rtol=1e-5)
    np.testing.assert_allclose(np.degrees(np.angle(z)), cols["Phase(Z)/deg"], atol=1e-3)
    assert h["technique"] == "PEIS"
    assert h["start"] == datetime(2021, 3, 2, 16, 17, 59, tzinfo=UTC)


def test_mpr_flags_and_mpt_mode_agree():
    from lisse.io.biologic import read_mpr, read_mpt

    cols, _ = read_mpr(cycler_file("biologic_gcpl_ec1161_aqueous.mpr"))
    df, _ = read_mpt(cycler_file("biologic_gcpl_ec1161_aqueous.mpt"))
    for c in ("mode", "ox/red", "error", "control changes", "Ns changes", "counter inc."):
        np.testing.assert_array_equal(cols[c], df[c].to_numpy().astype(np.uint8), err_msg=c)


def test_gcpl_current_without_I_column_matches_charge_counting():
    """The C/24 file has no I/mA column; the current lisse derives must integrate to (Q-Qo)."""
    from lisse.io.biologic import read_biologic

    rec = read_biologic(cycler_file("biologic_gcpl_5cycles_2-3.8V_C24.mpr"))
    q_int = np.concatenate([[0], np.cumsum(0.5 * (rec.current_A[1:] + rec.current_A[:-1]) * np.diff(rec.time_s))])
    q_file = rec["charge_C"] - rec["charge_C"][0]
    assert np.max(np.abs(q_int - q_file)) < 0.01 * np.max(np.abs(q_file))


def test_unknown_mpr_column_warns_and_keeps_known(tmp_path):
    """Rename one known column ID to an unknown one: a warning, and all other columns intact."""
    import struct

    from lisse.io.biologic import UnknownColumnWarning, read_mpr

    src = cycler_file("biologic_peis_ec1133.mpr")
    b = bytearray(src.read_bytes())
    i = b.find(b"MODULEVMP data")
    data0 = i + 6 + 35 + 16  # old-style header
    ids_off = data0 + 5
    (first_id,) = struct.unpack_from("<H", b, ids_off)
    assert first_id == 32  # freq/Hz, f4
    struct.pack_into("<H", b, ids_off, 9999)
    f = tmp_path / "x.mpr"
    f.write_bytes(bytes(b))
    ref, _ = read_mpr(src)
    with pytest.warns(UnknownColumnWarning, match="9999"):
        cols, h = read_mpr(f)
    assert h["unknown_column_ids"] == [9999]
    assert "freq/Hz" not in cols
    for c in ("Re(Z)/Ohm", "-Im(Z)/Ohm", "time/s", "cycle number"):
        np.testing.assert_array_equal(cols[c], ref[c])


def test_mpt_decimal_comma_crlf_latin1(tmp_path):
    from lisse.io.biologic import read_mpt

    src = cycler_file("biologic_lsv_ec1150.mpt")
    df0, _ = read_mpt(src)
    text = src.read_bytes().decode("latin-1")
    head, _, body = text.partition("mode\tox/red")
    body = "mode\tox/red" + body
    lines = body.splitlines()
    conv = "\r\n".join([lines[0]] + [ln.replace(".", ",") for ln in lines[1:]])
    f = tmp_path / "comma.mpt"
    f.write_bytes((head.replace("\n", "\r\n") + conv).encode("latin-1"))
    df, h = read_mpt(f)
    assert h["decimal"] == ","
    assert len(df) == len(df0)
    np.testing.assert_allclose(df["Ewe/V"], df0["Ewe/V"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f.write_bytes(f.read_bytes().decode("latin-1").encode("utf-8"))
        df2, h2 = read_mpt(f)
    assert h2["encoding"] == "utf-8" and len(df2) == len(df0)


def test_generic_csv_recognised_without_mapping(tmp_path):
    from lisse.io.readers import read_cycling

    f = tmp_path / "cell.csv"
    f.write_text("time/s,Ewe/V,I/mA\n0,0.010,0.785\n10,0.011,0.785\n20,0.012,-0.785\n")
    rec = read_cycling(f, area="0.785 cm2")
    np.testing.assert_allclose(rec.current_A, [0.785e-3, 0.785e-3, -0.785e-3])
    np.testing.assert_allclose(rec.current_density_A_m2(), [10.0, 10.0, -10.0])  # 1 mA/cm2 = 10 A/m2
    assert list(rec["half_cycle"]) == [0, 0, 1]


def test_generic_csv_units_and_mapping(tmp_path):
    from lisse.io.csv_generic import read_csv_generic

    f = tmp_path / "x.txt"
    f.write_text("Zeit (h);U [mV];Strom (uA)\n0;1000,5;2\n0,5;1001;2\n")
    rec = read_csv_generic(f, mapping={"time": ("Zeit (h)", "h"), "voltage": "U [mV]", "current": "Strom (uA)"})
    np.testing.assert_allclose(rec.time_s, [0, 1800])
    np.testing.assert_allclose(rec.voltage_V, [1.0005, 1.001])
    np.testing.assert_allclose(rec.current_A, [2e-6, 2e-6])
    g = tmp_path / "bad.csv"
    g.write_text("time/s,Ewe/V,I/kg\n0,1,1\n")
    with pytest.raises(ReaderError, match="not a current unit"):
        read_csv_generic(g)


def test_arbin_res_missing_mdbtools_message(monkeypatch):
    from lisse.errors import MissingDependencyError
    from lisse.io import arbin

    p = cycler_file("arbin_navani_example.res")
    monkeypatch.setattr(arbin.shutil, "which", lambda name: None)
    with pytest.raises(MissingDependencyError, match="apt-get install mdbtools"):
        arbin.read_arbin_res(p)


def test_neware_xlsx_record_sheet(tmp_path):
    """A BTS-style xlsx written here (no public file exists): lisse's own xlsx reader and the Neware mapping."""
    openpyxl = pytest.importorskip("openpyxl")
    from lisse.io.readers import detect_format, read_cycling

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "record"
    ws.append(["DataPoint", "Total Time", "Current(mA)", "Voltage(V)", "Date"])
    for k in range(50):
        ws.append([k + 1, f"00:{k // 60:02d}:{k % 60:02d}", 2.5 if k < 25 else -2.5, 3.0 + 0.01 * k, "2024-01-02 03:04:05"])
    f = tmp_path / "bts.xlsx"
    wb.save(f)
    assert detect_format(f) == "neware-xlsx"
    rec = read_cycling(f)
    assert len(rec) == 50
    np.testing.assert_allclose(rec.time_s, np.arange(50.0))
    np.testing.assert_allclose(rec.current_A[:25], 2.5e-3)
    assert rec.start == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    g = tmp_path / "cut.xlsx"
    g.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    with pytest.raises(ReaderError):
        read_cycling(g)


def test_missing_fastnda_message(monkeypatch):
    import sys

    from lisse.errors import MissingDependencyError
    from lisse.io.readers import read_cycling

    p = cycler_file("neware_ndc16_ZZZZZZZZTEST.ndax")
    monkeypatch.setitem(sys.modules, "fastnda", None)
    with pytest.raises(MissingDependencyError, match="fastnda"):
        read_cycling(p)


@pytest.mark.parametrize(("current_header", "time_header", "i_factor", "t_factor"), [
    ("Current(mA)", "TestTime/Sec", 1.0, 1.0),
    ("Current [uA]", "TestTime/Sec", 1e-3, 1.0),  # same numbers in uA: 1000x smaller current
    ("Current/mA", "TestTime(min)", 1.0, 60.0),
])
def test_land_header_units_in_any_spelling(tmp_path, current_header, time_header, i_factor, t_factor):
    """The unit in a LAND column header is read whatever its bracket style (it was only read after a slash)."""
    openpyxl = pytest.importorskip("openpyxl")
    from lisse.io.land import read_land

    src = cycler_file("land_lanhe_style_export_cellpy.xlsx")
    ref = read_land(src)
    wb = openpyxl.load_workbook(src)
    ws = wb["Record-Tab"]
    for cell in ws[1]:
        if cell.value == "Current/mA":
            cell.value = current_header
        elif cell.value == "TestTime/Sec":
            cell.value = time_header
    out = tmp_path / "renamed.xlsx"
    wb.save(out)
    rec = read_land(out)
    np.testing.assert_allclose(rec.current_A, ref.current_A * i_factor, rtol=1e-12, atol=0)
    np.testing.assert_allclose(rec.time_s, ref.time_s * t_factor, rtol=1e-12, atol=0)


def test_maccor_header_less_test_time_unit_from_the_clock(tmp_path):
    """cellpy's Maccor export writes TestTime in minutes without saying so; the DPt Time clock fixes the unit."""
    from datetime import datetime

    from lisse.errors import ReaderError
    from lisse.io.readers import read_cycling

    p = cycler_file("maccor_export_cellpy_002.txt")
    rec = read_cycling(p)
    rows = [ln.split("\t") for ln in p.read_text("latin-1").splitlines()[15:] if ln.strip()]
    clock = [datetime.strptime(r[12].strip(), "%m/%d/%Y %I:%M:%S %p") for r in (rows[0], rows[-1])]
    elapsed_s = (clock[1] - clock[0]).total_seconds()  # independent: the wall clock of the first and last rows
    assert rec.time_s[-1] - rec.time_s[0] == pytest.approx(elapsed_s, abs=2.0)  # two clock readings of 1 s resolution (60x off before)
    assert any("read in min" in n for n in rec.provenance.notes)
    # without the clock column the unit cannot be known: refused, naming how to declare it
    lines = p.read_text("latin-1").splitlines()
    cut = ["\t".join(c for k, c in enumerate(ln.split("\t")) if k != 12) if k >= 13 else ln for k, ln in enumerate(lines)]
    f = tmp_path / "no_clock.txt"
    f.write_text("\n".join(cut), "latin-1")
    with pytest.raises(ReaderError, match="no unit in its header.*--units time=s or time=min"):
        read_cycling(f)
