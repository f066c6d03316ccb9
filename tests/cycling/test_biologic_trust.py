"""BioLogic .mpr/.mpt read right or refused (issue 12), against independent references.

References: galvani 0.5 (its own .mpr parser, GPL, test-only), a plain pandas tab parse of the .mpt
with the file's decimal separator, EC-Lab's own ``<I>/mA`` export (the .mpt of an .mpr pair), hashlib,
and conservation of charge. Reader values: 1e-6 relative (most agree exactly).
"""

from __future__ import annotations

import hashlib
import re
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
from tests.cycling._shared import CYCLERS, cycler_file

from lisse.errors import ReaderError

RTOL = 1e-6
EIS = CYCLERS.parent / "eis"


def _files(pattern: str) -> list[Path]:
    out = sorted(CYCLERS.glob(pattern)) + sorted(EIS.glob(f"*/{pattern}"))
    return out or [CYCLERS / f"missing-{pattern}"]


MPR_FILES = _files("*.mpr")
MPT_FILES = _files("*.mpt")


def _exists(p: Path) -> Path:
    if not p.is_file():
        pytest.skip(f"shared file {p.name} not available")
    return p


def _close(a, b, what: str) -> None:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, what
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=0, equal_nan=True, err_msg=what)


def _galvani(p: Path):
    gb = pytest.importorskip("galvani.BioLogic")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gb.MPRfile(str(p))
    except NotImplementedError as exc:  # galvani 0.5 does not know every column ID (e.g. 215)
        pytest.skip(f"galvani cannot read {p.name}: {exc}")


def _pandas_mpt(p: Path):
    """A plain pandas parse of an .mpt: skip the declared header lines, tab-separated, file's decimal mark."""
    import pandas as pd

    raw = p.read_bytes()
    m = re.search(rb"Nb header lines\s*:\s*(\d+)", raw[:400])
    nh = int(m.group(1))
    body = b"\n".join(raw.splitlines()[nh:])
    decimal = "," if re.search(rb"\d,\d", body[:20000]) and not re.search(rb"\d\.\d", body[:20000]) else "."
    df = pd.read_csv(p, sep="\t", skiprows=nh - 1, header=0, decimal=decimal, encoding="latin-1")
    df.columns = [c.replace("\u03bc", "\u00b5").replace("\ufffd", "\u00b5").strip() for c in df.columns]
    return df.loc[:, [c for c in df.columns if c and not c.startswith("Unnamed")]]


def _cycling_readable(p: Path):
    from lisse.io.biologic import read_biologic

    try:
        return read_biologic(p)
    except ReaderError as exc:
        pytest.fail(f"{p.name} refused: {exc}")


# ----------------------------------------------------------------------------- every shared file


@pytest.mark.parametrize("path", MPR_FILES, ids=lambda p: p.name)
def test_mpr_columns_and_record_equal_galvani(path):
    """Every column galvani decodes is equal in lisse's .mpr reader, and the record's SI columns are
    galvani's values converted (time, Ewe, I, (Q-Qo) without restarts)."""
    from lisse.io.biologic import read_mpr

    p = _exists(path)
    g = _galvani(p)
    cols, h = read_mpr(p)
    assert h["n_read"] == h["n_points"] == len(g.data)
    for name in g.data.dtype.names:
        if name == "flags":
            continue
        _close(cols[name], g.data[name], f"{p.name}: {name}")
    for flag in g.flags_dict:
        if flag in cols:
            np.testing.assert_array_equal(cols[flag], g.get_flag(flag).astype(np.uint8), err_msg=flag)
    rec = _cycling_readable(p)
    names = g.data.dtype.names
    assert len(rec) == len(g.data)
    _close(rec.time_s, g.data["time/s"], "time_s")
    _close(rec.voltage_V, g.data[next(c for c in ("Ewe/V", "<Ewe>/V") if c in names)], "voltage_V")
    icol = next((c for c in ("I/mA", "<I>/mA") if c in names), None)
    if icol is not None:
        _close(rec.current_A, g.data[icol] * 1e-3, "current_A")
    if "(Q-Qo)/mA.h" in names and not any("restarts" in n for n in rec.provenance.notes):
        _close(rec["charge_C"], g.data["(Q-Qo)/mA.h"] * 3.6, "charge_C")


@pytest.mark.parametrize("path", MPT_FILES, ids=lambda p: p.name)
def test_mpt_columns_and_record_equal_plain_pandas_parse(path):
    from lisse.io.biologic import read_mpt

    p = _exists(path)
    ref = _pandas_mpt(p)
    df, h = read_mpt(p)
    assert len(df) == len(ref)
    shared = [c for c in ref.columns if c in df.columns]
    assert len(shared) >= min(4, len(ref.columns))
    for c in shared:
        _close(df[c].to_numpy(), ref[c].to_numpy(dtype=np.float64), f"{p.name}: {c}")
    if "time/s" not in ref.columns:
        return
    rec = _cycling_readable(p)
    assert len(rec) == len(ref)
    _close(rec.time_s, ref["time/s"], "time_s")
    vcol = next(c for c in ("Ewe/V", "Ecell/V", "<Ewe>/V") if c in ref.columns)
    _close(rec.voltage_V, ref[vcol], "voltage_V")
    icol = next((c for c in ("I/mA", "<I>/mA") if c in ref.columns), None)
    if icol is not None:
        _close(rec.current_A, ref[icol] * 1e-3, "current_A")
    if "(Q-Qo)/mA.h" in ref.columns and not any("restarts" in n for n in rec.provenance.notes):
        _close(rec["charge_C"], ref["(Q-Qo)/mA.h"] * 3.6, "charge_C")


@pytest.mark.parametrize("path", MPR_FILES + MPT_FILES, ids=lambda p: p.name)
def test_provenance_hash_is_of_the_file_bytes(path):
    from lisse.io._readutil import read_buffer_hashed, read_bytes_hashed

    p = _exists(path)
    data, sha = read_bytes_hashed(p)
    assert data == p.read_bytes() and sha == hashlib.sha256(p.read_bytes()).hexdigest()
    view, sha2 = read_buffer_hashed(p)
    assert view.tobytes() == data and sha2 == sha and view.readonly
    if p.name == "biologic_wait.mpt" or "time/s" in p.read_bytes()[:20000].decode("latin-1"):
        assert _cycling_readable(p).provenance.sha256 == sha


# ----------------------------------------------------------------------------- OCV, wait, newer IDs


@pytest.mark.parametrize("suffix", [".mpr", ".mpt"])
def test_ocv_record_has_zero_current_and_says_so(suffix):
    from lisse.io.biologic import read_biologic

    p = cycler_file("biologic_ocv" + suffix)
    rec = read_biologic(p)
    assert len(rec) == 602  # PROVENANCE: 602 rows (galvani & yadg)
    assert np.all(rec.current_A == 0.0) and np.all(rec["charge_C"] == 0.0)
    assert any("no current column" in n and "OCV" in n for n in rec.provenance.notes)
    ref = _pandas_mpt(cycler_file("biologic_ocv.mpt"))
    _close(rec.voltage_V, ref["Ewe/V"], "Ewe")
    _close(rec.time_s, ref["time/s"], "time")
    assert 0.25 < rec.voltage_V.min() and rec.voltage_V.max() < 0.47  # PROVENANCE: 0.256-0.467 V


def test_no_current_no_charge_not_a_rest_is_refused(tmp_path):
    """An OCV layout whose technique is not a rest and whose rows are not all rest: an unknown layout."""
    from lisse.io.biologic import read_biologic

    text = cycler_file("biologic_ocv.mpt").read_bytes()
    text = text.replace(b"Open Circuit Voltage", b"Some Future Technique")
    lines = text.split(b"\n")
    nh = int(re.search(rb"Nb header lines\s*:\s*(\d+)", text).group(1))
    lines[nh] = b"1" + lines[nh][1:]  # one row in CC mode (mode 1), no current column
    f = tmp_path / "x.mpt"
    f.write_bytes(b"\n".join(lines))
    with pytest.raises(ReaderError, match="no current column"):
        read_biologic(f)


def test_wait_header_only_is_an_empty_record():
    """54 header lines counting the column-name line, which ends the file without a newline: complete."""
    from lisse.io.biologic import read_biologic, read_mpt
    from lisse.records.cycling import NO_DATA_NOTE

    p = cycler_file("biologic_wait.mpt")
    df, h = read_mpt(p)
    assert len(df) == 0 and h["n_header_lines"] == 54
    assert list(df.columns) == ["mode", "error", "time/s", "Ewe/V", "I/mA", "Ece/V", "P/W", "Ewe-Ece/V"]
    rec = read_biologic(p)
    assert len(rec) == 0 and rec.empty
    assert NO_DATA_NOTE in rec.provenance.notes and "no data rows" in NO_DATA_NOTE
    assert not any("truncated" in n for n in rec.provenance.notes)
    s = rec.summary()
    assert s["rows"] == 0 and s["voltage_min_V"] is None and s["n_cycles"] == 0


def test_wait_header_cut_short_is_truncated(tmp_path):
    from lisse.io.biologic import read_biologic

    raw = cycler_file("biologic_wait.mpt").read_bytes()
    for cut in (len(raw) - 12, raw.rfind(b"\n"), len(raw) // 2):
        f = tmp_path / "w.mpt"
        f.write_bytes(raw[:cut])
        with pytest.raises(ReaderError, match="truncated"):
            read_biologic(f)


def test_mpr_with_zero_points_is_an_empty_record(tmp_path):
    """An .mpr whose data module declares 0 points (and holds no row bytes) is complete: empty record."""
    from lisse.io.biologic import _data_layout, _modules, read_biologic

    src = cycler_file("biologic_ocv.mpr")
    raw = src.read_bytes()
    mods, _ = _modules(raw, src)
    dm = next(m for m in mods if m["short"].startswith("VMP data"))
    _, _, offset = _data_layout(dm, src)
    head = bytearray(raw[: dm["offset"] + offset])
    struct.pack_into("<I", head, dm["offset"], 0)  # n_points
    struct.pack_into("<I", head, dm["offset"] - (20 if dm["new_header"] else 16), offset)  # module length
    f = tmp_path / "empty.mpr"
    f.write_bytes(bytes(head) + raw[dm["offset"] + dm["length"] :])
    rec = read_biologic(f)
    assert len(rec) == 0 and any("no data rows" in n for n in rec.provenance.notes)
    assert not any("truncated" in n for n in rec.provenance.notes)
    struct.pack_into("<I", head, dm["offset"] - (20 if dm["new_header"] else 16), offset + 13)
    f.write_bytes(bytes(head) + b"\0" * 13 + raw[dm["offset"] + dm["length"] :])  # 0 points but a row's bytes
    with pytest.raises(ReaderError, match="declares 0 points"):
        read_biologic(f)


def test_mb_issue149_newer_ids_equal_galvani():
    """IDs 486-497 (|Ewe hN|, |I hN|) decode; every column equals galvani's."""
    from lisse.io.biologic import read_mpr

    p = cycler_file("biologic_mb_issue149.mpr")
    cols, h = read_mpr(p)
    assert h["n_points"] == 564 and h["unknown_column_ids"] == []
    assert set(range(486, 498)) <= set(h["column_ids"])
    g = _galvani(p)
    for k in range(2, 8):
        for name in (f"|Ewe h{k}|/V", f"|I h{k}|/A"):
            _close(cols[name], g.data[name], name)
    assert h["column_units"]["|I h2|/A"] == "A" and h["column_units"]["|Ewe h7|/V"] == "V"


def test_mb_issue149_charge_carried_over_qqo_restarts():
    """EC-Lab's Q-Qo restarts from 0 in a modulo-bat loop; the record's charge carries on (conservation):
    every step of charge_C equals galvani's Q-Qo step, except at the restarts where it equals dq."""
    p = cycler_file("biologic_mb_issue149.mpr")
    g = _galvani(p)
    rec = _cycling_readable(p)
    q = g.data["(Q-Qo)/mA.h"] * 3.6
    dq = g.data["dq/mA.h"] * 3.6
    restarts = np.flatnonzero((q[1:] == 0) & (q[:-1] != 0)) + 1
    assert restarts.size >= 1
    step = np.diff(rec["charge_C"])
    expect = np.diff(q)
    expect[restarts - 1] = dq[restarts]
    np.testing.assert_allclose(step, expect, rtol=RTOL, atol=1e-15)
    assert rec["charge_C"][0] == q[0]
    assert any("restarts" in n for n in rec.provenance.notes)


def _patched_ids(src: Path, tmp_path: Path, old_new: dict[int, int]) -> Path:
    from lisse.io.biologic import _data_layout, _modules

    b = bytearray(src.read_bytes())
    mods, _ = _modules(bytes(b), src)
    dm = next(m for m in mods if m["short"].startswith("VMP data"))
    n, ids, _ = _data_layout(dm, src)
    id_off = dm["offset"] + (6 if dm["new_header"] else 5)
    for k, cid in enumerate(ids):
        if cid in old_new:
            struct.pack_into("<H", b, id_off + 2 * k, old_new[cid])
    f = tmp_path / src.name
    f.write_bytes(bytes(b))
    return f


def test_current_eclab_ids_883_884_438_decode_by_low_byte(tmp_path):
    """EC-Lab >= 11.3 IDs are the older ID + k*256 (yadg: "column id modulo 256"): 883 = 115 + 768 and
    884 = 116 + 768 (Energy ce charge/discharge, f8), 438 = 182 + 256 (step time, f8). Writing them into
    a real file in place of same-width f8 columns must read the same numbers under the new names."""
    from lisse.io.biologic import column_spec, read_mpr

    assert column_spec(883)[:2] == ("Energy ce charge/W.h", "<f8")
    assert column_spec(884)[:2] == ("Energy ce discharge/W.h", "<f8")
    assert column_spec(438)[:2] == ("step time/s", "<f8")
    src = cycler_file("biologic_gcpl_ec1161_aqueous.mpr")  # 123/124 Energy charge/discharge (f8), 7 dq (f8)
    ref, _ = read_mpr(src)
    f = _patched_ids(src, tmp_path, {123: 883, 124: 884, 7: 438})
    cols, h = read_mpr(f)
    assert h["unknown_column_ids"] == []
    np.testing.assert_array_equal(cols["Energy ce charge/W.h"], ref["Energy charge/W.h"])
    np.testing.assert_array_equal(cols["Energy ce discharge/W.h"], ref["Energy discharge/W.h"])
    np.testing.assert_array_equal(cols["step time/s"], ref["dq/mA.h"])


def test_several_unknown_ids_refused_with_the_list(tmp_path):
    from lisse.io.biologic import read_biologic

    f = _patched_ids(cycler_file("biologic_gcpl_ec1161_aqueous.mpr"), tmp_path, {123: 9001, 124: 9002})
    with pytest.raises(ReaderError, match=r"\[9001, 9002\]"):
        read_biologic(f)


# ----------------------------------------------------------------------------- current without an I column


def test_derived_current_equals_eclab_export():
    """The .mpr has no current column; EC-Lab's .mpt export of it has <I>/mA. lisse's derived current
    agrees with EC-Lab's to 1e-12 relative on every row (measured: 2e-16)."""
    from lisse.io.biologic import read_biologic

    rec = read_biologic(cycler_file("biologic_gcpl_ec1161_aqueous.mpr"))
    ref = _pandas_mpt(cycler_file("biologic_gcpl_ec1161_aqueous.mpt"))
    i_eclab = ref["<I>/mA"].to_numpy() * 1e-3
    np.testing.assert_allclose(rec.current_A, i_eclab, rtol=1e-12, atol=0)
    assert any("no current column" in n and "dq/mA.h" in n for n in rec.provenance.notes)


def test_derived_current_integrates_to_the_charge_counter():
    """Conservation: sum of I·dt over each row's own interval equals EC-Lab's Q-Qo (46,102 rows, C/24)."""
    from lisse.io.biologic import read_biologic

    rec = read_biologic(cycler_file("biologic_gcpl_5cycles_2-3.8V_C24.mpr"))
    i, t, q = rec.current_A, rec.time_s, rec["charge_C"]
    q_int = q[0] + np.concatenate([[0.0], np.cumsum(i[1:] * np.diff(t))])
    np.testing.assert_allclose(q_int, q, rtol=0, atol=RTOL * np.max(np.abs(q)))


# ----------------------------------------------------------------------------- truncation


def test_mpr_cut_in_data_module_keeps_whole_rows_with_note(tmp_path):
    from lisse.io.biologic import read_biologic, read_mpr

    src = cycler_file("biologic_gcpl_ec1161_aqueous.mpr")
    full = read_biologic(src)
    raw = src.read_bytes()
    for frac in (0.3, 0.71, 0.9):
        cut = int(frac * len(raw))
        f = tmp_path / "cut.mpr"
        f.write_bytes(raw[:cut])
        with pytest.raises(ReaderError, match="truncated"):
            read_mpr(f)
        try:
            rec = read_biologic(f)
        except ReaderError as exc:
            assert "truncated" in str(exc)
            continue
        note = next(n for n in rec.provenance.notes if "truncated" in n)
        if len(rec) < len(full):
            assert f"byte {cut}" in note
        assert 0 < len(rec) <= len(full)
        for c in ("time_s", "voltage_V", "current_A", "charge_C"):
            np.testing.assert_array_equal(rec[c], full[c][: len(rec)])


def test_mpr_cut_after_data_keeps_all_rows_with_note(tmp_path):
    from lisse.io.biologic import read_biologic

    src = cycler_file("biologic_ocv.mpr")
    raw = src.read_bytes()
    f = tmp_path / "cut.mpr"
    f.write_bytes(raw[:-100])  # inside the LOG module, after the data
    rec = read_biologic(f)
    assert len(rec) == 602
    assert any("truncated" in n and f"byte {len(raw) - 100}" in n for n in rec.provenance.notes)


@pytest.mark.parametrize("stem", ["biologic_gcpl_ec1161_aqueous", "biologic_ocv", "biologic_lsv_ec1150"])
def test_mpt_cut_last_line_is_never_a_silently_wrong_value(tmp_path, stem):
    """Cut the text anywhere in its last two lines: the record is the prefix of complete rows (a
    "truncated" note when a cut line was dropped) or the full file; never a changed last value."""
    from lisse.io.biologic import read_biologic, read_mpt

    src = cycler_file(stem + ".mpt")
    raw = src.read_bytes().rstrip(b"\r\n")
    ref = _pandas_mpt(src)
    n = len(ref)
    start = raw.rfind(b"\n", 0, raw.rfind(b"\n"))
    for cut in range(start + 1, len(raw) + 1, max(1, (len(raw) - start) // 40)):
        f = tmp_path / "cut.mpt"
        f.write_bytes(raw[:cut])
        rec = read_biologic(f)
        truncated = any("truncated" in x for x in rec.provenance.notes)
        assert len(rec) in (n - 2, n - 1, n)
        _close(rec.time_s, ref["time/s"].to_numpy()[: len(rec)], f"time, cut at {cut}")
        _close(rec.voltage_V, ref[next(c for c in ("Ewe/V", "Ecell/V") if c in ref)].to_numpy()[: len(rec)], f"E, cut at {cut}")
        if truncated:
            with pytest.raises(ReaderError, match="truncated"):
                read_mpt(f)


def test_mpt_single_row_cut_is_refused(tmp_path):
    """With one data row there is no row before to compare with: the row's own number formats tell
    (EC-Lab writes every float column as d.dddE+ddd); a cut last number is refused, never read short."""
    from lisse.io.biologic import read_biologic

    raw = cycler_file("biologic_ocv.mpt").read_bytes()
    nh = int(re.search(rb"Nb header lines\s*:\s*(\d+)", raw).group(1))
    one = b"\n".join(raw.split(b"\n")[: nh + 1])
    ref = _pandas_mpt(cycler_file("biologic_ocv.mpt"))
    f = tmp_path / "one.mpt"
    f.write_bytes(one)
    rec = read_biologic(f)
    assert len(rec) == 1 and rec.voltage_V[0] == ref["Ewe/V"].iloc[0]
    for cut in range(len(one) - 16, len(one)):
        f.write_bytes(one[:cut])
        with pytest.raises(ReaderError, match="truncated"):
            read_biologic(f)


def test_readutil_empty_record_and_hash(tmp_path):
    from lisse.io._readutil import build_record
    from lisse.records.cycling import NO_DATA_NOTE, CyclingRecord

    f = tmp_path / "x.csv"
    f.write_text("time,voltage,current\n")
    rec = build_record(f, "test", [], [], [])
    assert len(rec) == 0 and NO_DATA_NOTE in rec.provenance.notes
    assert rec.provenance.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    empty = CyclingRecord.from_arrays(np.zeros(0), np.zeros(0), np.zeros(0))
    assert empty.empty and empty.summary()["rows"] == 0 and empty.to_arrow().num_rows == 0
