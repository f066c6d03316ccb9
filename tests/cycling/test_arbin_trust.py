"""Arbin .res/CSV/xlsx read right or refused, and xlsx files that cannot make lisse allocate without bound (issue 12).

Independent references: ``mdb-export``/``mdb-count`` (mdbtools) with pandas for ``.res``; pandas for CSV;
openpyxl for xlsx; the trapezoid integral of the current as a second method for the charge.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from lisse.errors import ReaderError

from ._shared import cycler_file

RES = ["arbin_navani_example.res", "arbin_cellpy_20160805_test001_45_cc_01.res"]
REL = 1e-6


def _mdbtools():
    if shutil.which("mdb-export") is None or shutil.which("mdb-count") is None:
        pytest.skip("mdbtools (mdb-export, mdb-count) not installed")


def _mdb_frame(path, table="Channel_Normal_Table"):
    """The table as mdb-export writes it, parsed by pandas and put in Data_Point order."""
    import pandas as pd

    out = subprocess.run(["mdb-export", str(path), table], capture_output=True, check=True).stdout.decode("latin-1")
    df = pd.read_csv(io.StringIO(out))
    return df.sort_values(["Test_ID", "Data_Point"], kind="stable").reset_index(drop=True) if "Data_Point" in df else df


def _trapezoid(t, i):
    return np.concatenate([[0.0], np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))])


def _charge_by_cycle_totals(df):
    """Cumulative charge (C) at the last row of each cycle, summed from the per-cycle totals of Arbin's counters."""
    last = df.groupby("Cycle_Index", sort=False).tail(1)
    totals = (last["Charge_Capacity"] - last["Discharge_Capacity"]).to_numpy() * 3600.0
    q0 = (df["Charge_Capacity"].iloc[0] - df["Discharge_Capacity"].iloc[0]) * 3600.0
    return last.index.to_numpy(), np.cumsum(totals) - q0


# --------------------------------------------------------------------------------------------------- charge


@pytest.mark.parametrize("name", RES)
def test_res_charge_is_cumulative_over_cycles(name):
    """charge_C carries Arbin's per-cycle counters over their restarts: equal to the sum of mdb-export's per-cycle
    totals at every cycle end (1e-6 relative) and to the trapezoid integral of the current (1 % of the throughput)."""
    _mdbtools()
    from lisse.io.arbin import read_arbin_res

    p = cycler_file(name)
    ref = _mdb_frame(p)
    assert (np.diff(ref["Charge_Capacity"]) < 0).sum() >= 3  # the counters do restart in this file
    rec = read_arbin_res(p)
    assert len(rec) == len(ref)
    q = rec["charge_C"]
    rows, expected = _charge_by_cycle_totals(ref)
    scale = np.abs(expected).max()
    np.testing.assert_allclose(q[rows], expected, rtol=0, atol=REL * scale)
    trap = _trapezoid(ref["Test_Time"].to_numpy(float), ref["Current"].to_numpy(float))
    throughput = np.abs(np.diff(trap)).sum()
    assert np.abs(q - trap).max() <= 0.01 * throughput
    np.testing.assert_array_equal(rec["cycle"], ref["Cycle_Index"].to_numpy() - 1)  # 0-based
    for ours, theirs in [("time_s", "Test_Time"), ("voltage_V", "Voltage"), ("current_A", "Current")]:
        np.testing.assert_allclose(rec[ours], ref[theirs], rtol=REL, atol=0)
    ole = float(_mdb_frame(p, "Global_Table")["Start_DateTime"].iloc[0])  # days since 1899-12-30, local time
    assert abs(rec.start - (datetime(1899, 12, 30, tzinfo=UTC) + timedelta(days=ole))) < timedelta(milliseconds=1)


def test_csv_charge_is_cumulative_over_cycles(tmp_path):
    """The CSV path keeps the same contract: an Arbin CSV holding the .res rows (with per-cycle restarts) gives the .res charge."""
    _mdbtools()
    from lisse.io.arbin import read_arbin_csv, read_arbin_res

    p = cycler_file(RES[1])
    ref = _mdb_frame(p)
    f = tmp_path / "cellpy_export.csv"
    ref.drop(columns=["DateTime"]).to_csv(f, index=False)
    rec = read_arbin_csv(f)
    rows, expected = _charge_by_cycle_totals(ref)
    np.testing.assert_allclose(rec["charge_C"][rows], expected, rtol=0, atol=REL * np.abs(expected).max())
    np.testing.assert_allclose(rec["charge_C"], read_arbin_res(p)["charge_C"], rtol=0, atol=1e-9)


# --------------------------------------------------------------------------------------------------- truncation


def _same_as_intact(rec, full):
    cols = ["time_s", "voltage_V", "current_A", "charge_C", "cycle", "step"]
    return len(rec) == len(full) and np.array_equal(rec.df[cols].to_numpy(), full.df[cols].to_numpy())


def test_shared_truncated_res_is_flagged():
    """76 % of a .res: mdb-export still returns every row, so only the page structure shows the damage."""
    _mdbtools()
    from lisse.io.arbin import read_arbin_res

    cut = cycler_file("arbin_cellpy_20160805_test001_45_cc_01_truncated76.res")
    full = read_arbin_res(cycler_file("arbin_cellpy_20160805_test001_45_cc_01.res"))
    assert cut.stat().st_size % 4096  # not a whole number of Jet 4 pages
    try:
        rec = read_arbin_res(cut)
    except ReaderError as exc:
        assert "truncated" in str(exc)
        return
    notes = [n for n in rec.provenance.notes if "truncated" in n]
    assert notes and str(cut.stat().st_size) in notes[0]  # says where
    assert _same_as_intact(rec, full)
    assert len(_mdb_frame(cut)) == len(full)  # the independent parser sees every row too


@pytest.mark.parametrize("frac", [0.2, 0.45, 0.6, 0.75, 0.9, 0.95, 0.99, 0.999])
@pytest.mark.parametrize("aligned", [False, True], ids=["mid-page", "page-aligned"])
def test_cut_res_is_refused_or_flagged(tmp_path, frac, aligned):
    """A .res cut anywhere: ReaderError, or all rows with a 'truncated' note, or identical data; never fewer rows."""
    _mdbtools()
    from lisse.io.arbin import read_arbin_res

    src = cycler_file(RES[0])
    data = src.read_bytes()
    n = int(len(data) * frac)
    n -= n % 4096 if aligned else 0
    f = tmp_path / "cut.res"
    f.write_bytes(data[:n])
    full = read_arbin_res(src)
    try:
        rec = read_arbin_res(f)
    except ReaderError as exc:
        assert str(f) in str(exc) and "\n" not in str(exc)
        return
    assert _same_as_intact(rec, full), f"{len(rec)} of {len(full)} rows or changed values, notes {rec.provenance.notes}"
    if n % 4096:
        assert any("truncated" in x and str(n) in x for x in rec.provenance.notes)


def test_res_rows_missing_is_an_error(tmp_path):
    """The issue's case: a cut .res that mdb-export reads as 1760 of the 2150 rows the table declares."""
    _mdbtools()
    from lisse.io.arbin import read_arbin_res

    src = cycler_file(RES[0])
    f = tmp_path / "cut.res"
    f.write_bytes(src.read_bytes()[:479232])
    declared = int(subprocess.run(["mdb-count", str(f), "Channel_Normal_Table"], capture_output=True, check=True).stdout)
    assert declared == 2150 and len(_mdb_frame(f)) < declared
    with pytest.raises(ReaderError, match=r"truncated.*declares 2150 rows"):
        read_arbin_res(f)


# --------------------------------------------------------------------------------------------------- CSV start


def test_csv_start_with_lower_case_metadata():
    """FastCharge: the rows' DateTime puts Test_Time 10.0024 s at 2017-05-13 03:14:03.47 UTC (PROVENANCE), so
    record.start (the wall-clock time of time_s == 0) is that minus 10.0024 s; the metadata disagrees and is noted."""
    import pandas as pd

    from lisse.io.arbin import read_arbin_csv

    p = cycler_file("arbin_beep_FastCharge_000025_CH8.csv")
    ref = pd.read_csv(p)
    rec = read_arbin_csv(p)
    first = datetime.fromtimestamp(float(ref["DateTime"].iloc[0]), tz=UTC)
    assert abs(first - datetime(2017, 5, 13, 3, 14, 3, 470000, tzinfo=UTC)) < timedelta(milliseconds=10)
    assert abs(rec.start - (first - timedelta(seconds=float(ref["Test_Time"].iloc[0])))) < timedelta(microseconds=10)
    assert rec.provenance.raw_header["metadata_file"]["first_start_datetime"] == 1494645214
    assert any("First_Start_DateTime" in n and "2017-05-13T03:13:34" in n for n in rec.provenance.notes)
    np.testing.assert_allclose(rec.time_s, ref["Test_Time"], rtol=REL, atol=0)
    np.testing.assert_allclose(rec.voltage_V, ref["Voltage"], rtol=REL, atol=0)


@pytest.mark.parametrize("case", ["lower", "upper"])
def test_csv_start_from_metadata_when_rows_have_no_time_stamp(tmp_path, case):
    """Without a DateTime column the metadata's first_start_datetime (any case) is the start."""
    import pandas as pd

    from lisse.io.arbin import read_arbin_csv

    src = cycler_file("arbin_beep_FastCharge_000025_CH8.csv")
    meta = cycler_file("arbin_beep_FastCharge_000025_CH8_Metadata.csv")
    pd.read_csv(src).drop(columns=["DateTime"]).to_csv(tmp_path / "x.csv", index=False)
    m = pd.read_csv(meta)
    m.columns = [c.upper() if case == "upper" else c for c in m.columns]
    m.to_csv(tmp_path / "x_Metadata.csv", index=False)
    rec = read_arbin_csv(tmp_path / "x.csv")
    assert rec.start == datetime.fromtimestamp(1494645214, tz=UTC)


def test_csv_start_from_rows_without_metadata(tmp_path):
    """No metadata file: the start comes from the rows' DateTime (CH33: Test_Time 0 at 1494377253.17)."""
    import pandas as pd

    from lisse.io.arbin import read_arbin_csv

    src = cycler_file("arbin_export_beep_CH33.csv")
    ref = pd.read_csv(src)
    f = tmp_path / "alone.csv"
    f.write_bytes(src.read_bytes())
    rec = read_arbin_csv(f)
    want = float(ref["DateTime"].iloc[0]) - float(ref["Test_Time"].iloc[0])
    assert abs(rec.start.timestamp() - want) < 1e-5


# --------------------------------------------------------------------------------------------------- xlsx


def _openpyxl_rows(path, sheet):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    return list(rows[0]), rows[1:]


def _col(head, rows, name):
    return np.array([r[head.index(name)] for r in rows], dtype=float)


def test_arbin_xlsx_equals_openpyxl():
    from lisse.io.readers import detect_format, read_cycling

    p = cycler_file("arbin_navani_bs542_Channel_11.xlsx")
    head, rows = _openpyxl_rows(p, "Channel_11_1")
    assert detect_format(p) == "arbin-xlsx"
    rec = read_cycling(p)
    assert len(rec) == len(rows) == 4526
    for ours, theirs in [("time_s", "Test_Time(s)"), ("voltage_V", "Voltage(V)"), ("current_A", "Current(A)")]:
        np.testing.assert_allclose(rec[ours], _col(head, rows, theirs), rtol=REL, atol=0)
    q = (_col(head, rows, "Charge_Capacity(Ah)") - _col(head, rows, "Discharge_Capacity(Ah)")) * 3600.0
    np.testing.assert_allclose(rec["charge_C"], q - q[0], rtol=0, atol=REL * np.abs(q).max())
    np.testing.assert_array_equal(rec["step"], _col(head, rows, "Step_Index"))
    np.testing.assert_array_equal(rec["cycle"], _col(head, rows, "Cycle_Index") - 1)
    first = rows[0][head.index("Date_Time")].replace(tzinfo=UTC)  # local wall-clock time, labelled UTC
    want = first - timedelta(seconds=rows[0][head.index("Test_Time(s)")])
    assert abs(rec.start - want) < timedelta(milliseconds=1)  # openpyxl rounds to the millisecond


def _split_workbook(src, out, sheets):
    """A copy of the real export whose channel data are spread over ``sheets`` {name: (first row, last row)}."""
    openpyxl = pytest.importorskip("openpyxl")
    head, rows = _openpyxl_rows(src, "Channel_11_1")
    wb = openpyxl.Workbook()
    wb.active.title = "Global_Info"
    wb.active.append(["Channel", "Start DateTime"])
    wb.active.append([11, datetime(2020, 10, 19, 11, 33, 31)])
    for name, (a, b) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(head)
        for r in rows[a:b]:
            ws.append(list(r))
    wb.save(out)
    return rows


def test_arbin_xlsx_split_channel_sheets_are_concatenated(tmp_path):
    from lisse.io.arbin import read_arbin_xlsx

    src = cycler_file("arbin_navani_bs542_Channel_11.xlsx")
    f = tmp_path / "split.xlsx"
    # written out of order on purpose: the parts are joined by their number, not their position
    _split_workbook(src, f, {"Channel_11_2": (2000, 3500), "Channel_11_1": (0, 2000), "Channel_11_3": (3500, None)})
    ref = read_arbin_xlsx(src)
    rec = read_arbin_xlsx(f)
    assert len(rec) == len(ref) == 4526
    for c in ("time_s", "voltage_V", "current_A", "charge_C", "cycle", "step"):
        np.testing.assert_allclose(rec[c], ref[c], rtol=REL, atol=0)
    assert rec.provenance.raw_header["data_sheets"] == ["Channel_11_1", "Channel_11_2", "Channel_11_3"]


def test_arbin_xlsx_several_channels_need_a_choice(tmp_path):
    from lisse.io.readers import read_cycling

    src = cycler_file("arbin_navani_bs542_Channel_11.xlsx")
    f = tmp_path / "two.xlsx"
    _split_workbook(src, f, {"Channel_3_1": (0, 100), "Channel_11_1": (0, None)})
    with pytest.raises(ReaderError, match=r"2 channels \(3, 11\).*channel="):
        read_cycling(f)
    assert len(read_cycling(f, channel=11)) == 4526
    assert len(read_cycling(f, channel="3")) == 100
    with pytest.raises(ReaderError, match="no channel '7'"):
        read_cycling(f, channel=7)


# --------------------------------------------------------------------------------------------------- bounded xlsx

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/></Types>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       '<sheet name="Channel_1_1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
           'Target="worksheets/sheet1.xml"/></Relationships>')


def _crafted(path, sheet_data, dimension="", shared=None):
    xml = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f"{dimension}<sheetData>{sheet_data}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WBRELS)
        z.writestr("xl/worksheets/sheet1.xml", xml)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return path


def _refused_without_allocating(func, *args, match):
    import tracemalloc

    import pandas  # noqa: F401  (imported before measuring: its import is not the reader's allocation)

    tracemalloc.start()
    try:
        with pytest.raises(ReaderError, match=match):
            func(*args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50e6, f"peak {peak / 1e6:.0f} MB before refusing"


@pytest.mark.parametrize("dimension", ["", '<dimension ref="A1:ZZ500000"/>'], ids=["no-dimension", "dimension"])
def test_crafted_far_cell_is_refused_before_allocating(tmp_path, dimension):
    """The issue's 1.4 KB xlsx with one cell at ZZ500000 (a 351 M-cell grid): refused by the caps, not allocated."""
    from lisse.io import _xlsx
    from lisse.io.readers import read_cycling

    f = _crafted(tmp_path / "zz.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>Test_Time(s)</t></is></c></row>'
                                       '<row r="500000"><c r="ZZ500000"><v>1</v></c></row>', dimension)
    assert f.stat().st_size < 2000
    assert 500000 * 702 > _xlsx.MAX_CELLS
    for func in (_xlsx.read_sheet, _xlsx.read_sheet_frame):
        _refused_without_allocating(func, f, "Channel_1_1", match="351000000 cells")
    _refused_without_allocating(read_cycling, f, match="351000000 cells")


def test_crafted_cell_beyond_excel_limits_is_refused(tmp_path):
    from lisse.io import _xlsx

    f = _crafted(tmp_path / "far.xlsx", '<row r="2000000"><c r="A2000000"><v>1</v></c></row>')
    _refused_without_allocating(_xlsx.read_sheet_frame, f, "Channel_1_1", match="outside the 1048576 rows")


def test_crafted_sparse_grid_is_refused(tmp_path):
    """Under MAX_CELLS but two cells spanning 64 columns × 1 M rows: refused as far sparser than its cells."""
    from lisse.io import _xlsx

    f = _crafted(tmp_path / "sparse.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000"><c r="BL1000000"><v>1</v></c></row>')
    assert 1_000_000 * 64 <= _xlsx.MAX_CELLS
    _refused_without_allocating(_xlsx.read_sheet_frame, f, "Channel_1_1", match="sparser")


@pytest.mark.parametrize("member", ["sheet", "sharedStrings"])
def test_zip_bomb_member_is_refused(tmp_path, monkeypatch, member):
    """A member that inflates past the cap (caps lowered here so the bomb stays small) is refused before it is read."""
    from lisse.io import _xlsx

    monkeypatch.setattr(_xlsx, "MAX_SHEET_BYTES", 4 * 1024**2)
    monkeypatch.setattr(_xlsx, "MAX_PART_BYTES", 4 * 1024**2)
    pad = " " * (16 * 1024**2)  # 16 MB of blanks compress to ~16 KB
    if member == "sheet":
        f = _crafted(tmp_path / "bomb.xlsx", f'<row r="1"><c r="A1"><v>1</v></c></row>{pad}')
    else:
        f = _crafted(tmp_path / "bomb.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=f"<sst><si><t>x</t></si>{pad}</sst>")
    assert f.stat().st_size < 100_000
    _refused_without_allocating(_xlsx.read_sheet_frame, f, "Channel_1_1", match="zip bomb")


def test_bounded_reader_still_reads_every_cell_markup(tmp_path):
    """Cells written with attributes in another order or with whitespace are read, not skipped."""
    from lisse.io import _xlsx

    f = _crafted(tmp_path / "odd.xlsx", '<row r="1"><c t="inlineStr" r="A1"><is><t>a</t></is></c><c r="B1" t="s"><v>0</v></c></row>'
                                        '<row r="2"><c s="1" r="A2">\n  <v>1.5</v>\n</c><c r="B2" t="b"><v>1</v></c></row>',
                 shared='<sst><si><t>b</t></si></sst>')
    grid = _xlsx.read_sheet(f, "Channel_1_1")
    assert grid.tolist() == [["a", "b"], [1.5, True]]


def test_mits_pro_csv_export_with_text_date_time(tmp_path):
    """The MITS Pro layout (Date_Time text, units in the names, no Data_Point) as CSV: detected as Arbin, values equal
    openpyxl's reading of the xlsx export, start from the first Date_Time minus its Test_Time."""
    from lisse.io.readers import detect_format, read_cycling

    src = cycler_file("arbin_navani_bs542_Channel_11.xlsx")
    head, rows = _openpyxl_rows(src, "Channel_11_1")
    k = head.index("Date_Time")
    lines = [",".join(head)]
    for r in rows:
        cells = ["" if v is None else (v.strftime("%m/%d/%Y %H:%M:%S.%f")[:-3] if j == k else repr(v)) for j, v in enumerate(r)]
        lines.append(",".join(cells))
    f = tmp_path / "mits.csv"
    f.write_text("\n".join(lines) + "\n")
    assert detect_format(f) == "arbin-csv"
    rec = read_cycling(f)
    assert len(rec) == 4526
    np.testing.assert_allclose(rec.current_A, _col(head, rows, "Current(A)"), rtol=REL, atol=0)
    np.testing.assert_allclose(rec.time_s, _col(head, rows, "Test_Time(s)"), rtol=REL, atol=0)
    want = rows[0][k].replace(tzinfo=UTC) - timedelta(seconds=rows[0][head.index("Test_Time(s)")])
    assert abs(rec.start - want) < timedelta(milliseconds=1)


def test_older_arbin_sheet_names_split_in_parts(tmp_path):
    """Older exports name the data sheets Channel_1-005_1, Channel_1-005_2 ... (with an Info sheet)."""
    from lisse.io.readers import detect_format, read_cycling

    src = cycler_file("arbin_navani_bs542_Channel_11.xlsx")
    f = tmp_path / "old.xlsx"
    _split_workbook(src, f, {"Channel_1-005_1": (0, 3000), "Channel_1-005_2": (3000, None), "Statistics_1-005": (0, 2)})
    assert detect_format(f) == "arbin-xlsx"
    rec = read_cycling(f)
    ref = read_cycling(src)
    assert len(rec) == 4526
    np.testing.assert_allclose(rec["charge_C"], ref["charge_C"], rtol=0, atol=REL * np.abs(ref["charge_C"]).max())
    assert rec.provenance.raw_header["channel"] == "1-005"


def test_bounded_reader_reads_prefixed_markup(tmp_path):
    """Sheets whose main namespace is bound to a prefix (<x:row><x:c>, as the OpenXML SDK writes) are read, not empty."""
    from lisse.io import _xlsx

    f = tmp_path / "prefixed.xlsx"
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{ns}"><x:sheetData>'
             '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row><x:row r="2"><x:c r="A2"><x:v>2.5</x:v></x:c></x:row>'
             "</x:sheetData></x:worksheet>")
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WBRELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", f'<x:sst xmlns:x="{ns}"><x:si><x:t>Voltage(V)</x:t></x:si></x:sst>')
    assert _xlsx.read_sheet(f, "Channel_1_1").tolist() == [["Voltage(V)"], [2.5]]


def test_csv_malformed_value_is_an_error(tmp_path):
    """A text value in a number column is an error naming the row, not a silent NaN."""
    from lisse.io.arbin import read_arbin_csv

    lines = cycler_file("arbin_export_beep_CH33.csv").read_text().splitlines()
    cells = lines[11].split(",")
    cells[7] = "3.2x"  # Voltage
    lines[11] = ",".join(cells)
    f = tmp_path / "bad.csv"
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReaderError, match=r"1 values of column Voltage are not numbers \(first '3.2x' in data row 11\)"):
        read_arbin_csv(f)


def test_csv_missing_required_value_is_a_counted_skip(tmp_path):
    """A row with an empty Voltage cell is skipped with a counted note naming its line, never a silent NaN."""
    from lisse.io.arbin import read_arbin_csv

    lines = cycler_file("arbin_export_beep_CH33.csv").read_text().splitlines()
    cells = lines[11].split(",")
    cells[7] = ""  # Voltage
    lines[11] = ",".join(cells)
    f = tmp_path / "blank.csv"
    f.write_text("\n".join(lines) + "\n")
    rec = read_arbin_csv(f)
    assert len(rec.time_s) == len(lines) - 2  # header and the blanked row
    assert np.isfinite(rec.voltage_V).all()
    assert any("1 malformed rows skipped at lines 12" in n for n in rec.provenance.notes)
