"""Neware files read right or refused (issue 12): values against an independent parser, cumulative charge,
truncation, zip bombs, flat CSV / xlsx exports.

Independent references:

* NewareNDA (BSD-3, its own struct parser) for .nda/.ndax. It refuses nda version 26 ("not yet supported")
  although fastnda reads v26 with its v29 record layout; for that file the test hands NewareNDA a copy
  whose version byte says 29, so NewareNDA's v29 parser reads the same bytes independently.
  NewareNDA's ``Time`` is the step time and its capacities are the per-step charge/discharge counters;
  the test carries both over steps with pandas (its own code, not lisse's) to get total time and charge.
* pandas' ``read_csv`` plus unit conversions written out by hand for the flat CSV export.
* The step rows of the "regular" CSV export (end-of-step capacities, an independent level of the file).
* The trapezoid integral of the current (a conservation check on the charge counters).

Tolerance for reader values: 1e-6 relative to the column's largest magnitude (both parsers go through
float32 for voltage, current and capacity, so element-wise agreement is ~1e-7 of the scale).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lisse.errors import ReaderError

from ._shared import cycler_file

BINARY = ["neware_fastnda_SIM.nda.zip", "neware_nda_v26.nda.zip", "neware_ndc16_ZZZZZZZZTEST.ndax", "neware_BTS85_700k_rows.ndax"]
RTOL = 1e-6


def _close(actual, expected, what):
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    assert a.shape == e.shape, what
    scale = max(float(np.max(np.abs(e))) if e.size else 0.0, 1e-300)
    np.testing.assert_allclose(a, e, rtol=RTOL, atol=RTOL * scale, err_msg=what)


def _unzipped(src: Path, tmp: Path) -> Path:
    if src.suffix.lower() != ".zip":
        return src
    with zipfile.ZipFile(src) as zf:
        name = next(n for n in zf.namelist() if n.lower().endswith(".nda"))
        return Path(zf.extract(name, tmp))


def _newarenda(src: Path, tmp: Path):
    newarenda = pytest.importorskip("NewareNDA")
    p = _unzipped(src, tmp)
    if p.suffix == ".nda":
        b = bytearray(p.read_bytes())
        if b[14] == 26:  # see the module docstring: same record layout as v29
            b[14] = 29
        q = tmp / ("nw_" + p.name)
        q.write_bytes(bytes(b))
        p = q
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NewareNDA's pandas deprecation warnings (inplace=True)
        return newarenda.read(str(p), log_level="ERROR")


def _carry(x, step):
    """Per-step counter -> running total: add the end values of all earlier steps (pandas groupby)."""
    import pandas as pd

    s = pd.Series(np.asarray(x, dtype=float))
    g = pd.Series(np.asarray(step))
    ends = s.groupby(g, sort=False).last()
    return (s + g.map(ends.cumsum().shift(1, fill_value=0.0))).to_numpy()


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if "700k" in n else n for n in BINARY])
def test_binary_files_match_newarenda(name, tmp_path):
    """time, voltage, current, cumulative charge, step and cycle equal NewareNDA's on every shared binary file."""
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling

    src = cycler_file(name)
    ref = _newarenda(src, tmp_path)
    rec = read_cycling(src)
    assert len(rec) == len(ref)
    _close(rec.time_s, _carry(ref["Time"], ref["Step"]), "time_s vs NewareNDA step time carried over steps")
    _close(rec.voltage_V, ref["Voltage"], "voltage_V")
    _close(rec.current_A, ref["Current(mA)"].to_numpy() * 1e-3, "current_A")
    q_ref = _carry((ref["Charge_Capacity(mAh)"] - ref["Discharge_Capacity(mAh)"]).to_numpy() * 3.6, ref["Step"])
    _close(rec["charge_C"], q_ref, "charge_C vs NewareNDA (charge - discharge counters, carried over steps)")
    np.testing.assert_array_equal(rec["step"], ref["Step"].to_numpy())
    np.testing.assert_array_equal(rec["cycle"], ref["Cycle"].to_numpy() - 1)  # NewareNDA counts from 1
    assert any("cycle = Neware cycle - 1" in n for n in rec.provenance.notes)


def test_sim_charge_is_cumulative_through_zero_current_and_sign_changes():
    """PROVENANCE: the SIM file's cumulative charge ends at +6009 C and peaks at +6015 C (it ended at 0 C)."""
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling

    rec = read_cycling(cycler_file("neware_fastnda_SIM.nda.zip"))
    q, i = rec["charge_C"], rec.current_A
    assert q[-1] == pytest.approx(6009.2, abs=0.5)
    assert q.max() == pytest.approx(6014.6, abs=0.5)
    zero = np.flatnonzero(i == 0)
    assert zero.size > 1000 and np.all(np.abs(q[zero]) >= 0)  # rows at zero current exist ...
    late = zero[zero > 3 * len(q) // 4]
    assert late.size > 100 and np.all(q[late] > 4000)  # ... and do not reset the charge to 0 (the old |capacity|*sign(I))
    # within a SIM step the current changes sign and the charge goes both ways without jumps
    step = rec["step"]
    same = step[1:] == step[:-1]
    dq = np.diff(q)[same]
    assert (dq > 0).any() and (dq < 0).any()
    # the counters move with the current: where both ends of an interval carry a current of one sign
    # (away from the sign changes the 10 ms sampling cannot resolve) the charge moves that way
    both_pos = (i[1:] > 0) & (i[:-1] > 0)
    both_neg = (i[1:] < 0) & (i[:-1] < 0)
    assert np.mean(np.diff(q)[both_pos & np.r_[same]] >= 0) > 0.99
    assert np.mean(np.diff(q)[both_neg & np.r_[same]] <= 0) > 0.99


def test_ndax_charge_follows_the_current_integral():
    """Conservation: the counters' cumulative charge tracks the trapezoid integral of the current (1 s sampling)."""
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling
    from lisse.records.cycling import integrate_charge

    rec = read_cycling(cycler_file("neware_BTS85_700k_rows.ndax"))
    q = rec["charge_C"]
    trap = integrate_charge(rec.time_s, rec.current_A)
    assert np.max(np.abs(q - trap)) < 1e-3 * np.max(np.abs(q))
    assert np.ptp(q) > 3.0  # 22 cycles of ~1 mAh: a real signal, not a flat zero


def test_regular_csv_export_charge_matches_its_step_rows():
    """The BTS regular export: the record rows' cumulative charge at each step's end equals the running sum of the
    step rows' Capacity(Ah) signed by their Step Type (an independent level of the file), within its 5-decimal rounding."""
    from lisse.io.readers import read_cycling

    p = cycler_file("neware_export_cellpy_ife.csv")
    rec = read_cycling(p)
    lines = p.read_bytes().decode("latin-1").splitlines()
    steps = [ln.split(",") for ln in lines[3:] if ln.startswith(",") and not ln.startswith(",,")]
    assert lines[1].split(",")[3] == "Step Type" and lines[1].split(",")[5] == "Capacity(Ah)"

    def sign(t: str) -> int:
        t = t.replace(" ", "").lower()
        return -1 if "dchg" in t else (1 if "chg" in t else 0)

    q_steps = np.cumsum([sign(f[3]) * float(f[5]) * 3600.0 for f in steps])
    q, st = rec["charge_C"], rec["step"]
    ends = np.array([q[np.flatnonzero(st == int(f[2]))[-1]] for f in steps])
    rounding = 0.5e-5 * 3600.0 * np.arange(1, len(steps) + 1)  # half a unit of the 5th decimal in Ah, per step
    assert np.all(np.abs(ends - q_steps) <= rounding)
    assert q.min() < -500 and np.ptp(q) > 1000  # discharge steps count negative (capacity column is unsigned)


# ------------------------------------------------------------------------------------------- truncation


def _cut(src: Path, n: int, dest: Path) -> Path:
    dest.write_bytes(src.read_bytes()[:n])
    return dest


@pytest.mark.parametrize("frac", [0.0000015, 0.0003, 0.0026, 0.01, 0.25, 0.5, 0.75, 0.999])
def test_truncated_nda_is_refused_or_says_truncated(frac, tmp_path):
    """A raw .nda cut anywhere: a ReaderError, or fewer rows *with* a note saying truncated and at which byte."""
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling

    full_path = _unzipped(cycler_file("neware_fastnda_SIM.nda.zip"), tmp_path)
    n_full = len(read_cycling(full_path))
    size = full_path.stat().st_size
    cut = _cut(full_path, max(1, int(size * frac)), tmp_path / "cut.nda")
    try:
        rec = read_cycling(cut)
    except ReaderError as exc:
        assert "truncated" in str(exc) or "could not read" in str(exc)
        return
    notes = [n for n in rec.provenance.notes if "truncated" in n]
    assert len(rec) < n_full and notes and f"{cut.stat().st_size:,}" in notes[0]


def test_truncated_at_a_record_boundary_is_still_noticed(tmp_path):
    """Cut exactly between two 86-byte records (no partial record left): the header's data length says so."""
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling

    full_path = _unzipped(cycler_file("neware_fastnda_SIM.nda.zip"), tmp_path)
    rec = read_cycling(_cut(full_path, full_path.stat().st_size - 86 * 100, tmp_path / "cut.nda"))
    assert len(rec) == 108642 - 100
    assert any("truncated" in n and "ends at byte" in n for n in rec.provenance.notes)


def test_untruncated_files_have_no_truncation_note(tmp_path):
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling

    for name in ("neware_fastnda_SIM.nda.zip", "neware_nda_v26.nda.zip"):
        rec = read_cycling(cycler_file(name))
        assert not any("truncated" in n for n in rec.provenance.notes)


@pytest.mark.parametrize("name", ["neware_nda_v26.nda.zip", "neware_ndc16_ZZZZZZZZTEST.ndax"])
@pytest.mark.parametrize("frac", [0.1, 0.5, 0.9, 0.9999])
def test_truncated_archives_are_refused(name, frac, tmp_path):
    """A cut .nda.zip / .ndax loses its zip directory: ReaderError, never fewer rows."""
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling

    src = cycler_file(name)
    cut = _cut(src, int(src.stat().st_size * frac), tmp_path / src.name)
    with pytest.raises(ReaderError):
        read_cycling(cut)


def test_damaged_member_fails_its_crc(tmp_path):
    """One flipped byte inside the compressed .nda of a .nda.zip: zipfile's CRC-32 check refuses it."""
    pytest.importorskip("fastnda")
    from lisse.io.neware import read_nda

    src = cycler_file("neware_fastnda_SIM.nda.zip")
    b = bytearray(src.read_bytes())
    b[len(b) // 2] ^= 0x01
    bad = tmp_path / "bad.nda.zip"
    bad.write_bytes(bytes(b))
    with pytest.raises(ReaderError):
        read_nda(bad)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2])
def test_truncated_nda_inside_an_intact_zip_says_truncated(method, tmp_path):
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling

    nda = _unzipped(cycler_file("neware_fastnda_SIM.nda.zip"), tmp_path)
    z = tmp_path / "cut.nda.zip"
    with zipfile.ZipFile(z, "w", method) as zf:
        zf.writestr("SIM.nda", nda.read_bytes()[: nda.stat().st_size // 3])
    rec = read_cycling(z)
    assert 0 < len(rec) < 108642 and any("truncated" in n for n in rec.provenance.notes)
    if method == zipfile.ZIP_BZIP2:
        return  # read through zipfile (not lisse's own inflater); compressing the whole file takes seconds
    full = tmp_path / "full.nda.zip"
    with zipfile.ZipFile(full, "w", method) as zf:
        zf.write(nda, "SIM.nda")
    whole = read_cycling(full)
    assert len(whole) == 108642 and not any("truncated" in n for n in whole.provenance.notes)
    np.testing.assert_array_equal(whole["charge_C"][: len(rec)], rec["charge_C"])


# ------------------------------------------------------------------------------------------- zip bombs


def _zeros_zip(path: Path, member: str, n_bytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(member, "w") as fh:
        chunk = b"\0" * (1 << 20)
        for _ in range(n_bytes // len(chunk)):
            fh.write(chunk)
    return path


def test_zip_bomb_refused_before_extraction(tmp_path, monkeypatch):
    """A small zip declaring a huge member is refused from its directory, naming the cap, with nothing extracted."""
    from lisse.io import neware

    monkeypatch.setattr(neware, "UNZIP_RATIO_FLOOR", 4 << 20)  # small caps so the test zip stays small
    monkeypatch.setattr(neware, "MAX_UNZIP_RATIO", 20)
    bomb = _zeros_zip(tmp_path / "bomb.nda.zip", "x.nda", 64 << 20)  # 64 MiB of zeros in ~65 KB
    assert bomb.stat().st_size < 200_000
    made = []
    monkeypatch.setattr(neware.tempfile, "TemporaryDirectory", lambda *a, **k: made.append(1) or pytest.fail("extracted"))
    pytest.importorskip("fastnda")
    with pytest.raises(ReaderError, match=r"at most [\d,]+ bytes.*MAX_UNZIPPED_BYTES"):
        neware.read_nda(bomb)
    assert not made


def test_zip_bomb_with_a_lying_size_is_refused(tmp_path):
    """The member claims 1000 bytes but inflates to 8 MiB: zipfile stops at the declared size and the CRC-32
    check fails, so the declared size is never trusted alone."""
    pytest.importorskip("fastnda")
    from lisse.io.neware import read_nda

    bomb = _zeros_zip(tmp_path / "liar.nda.zip", "x.nda", 8 << 20)
    b = bytearray(bomb.read_bytes())
    local, central = b.find(b"PK\x03\x04"), b.find(b"PK\x01\x02")
    assert struct.unpack_from("<I", b, central + 24)[0] == 8 << 20
    struct.pack_into("<I", b, local + 22, 1000)  # uncompressed size in the local header
    struct.pack_into("<I", b, central + 24, 1000)  # ... and in the central directory, which zipfile uses
    bomb.write_bytes(bytes(b))
    with zipfile.ZipFile(bomb) as zf:
        assert zf.infolist()[0].file_size == 1000
    with pytest.raises(ReaderError, match="(?i)crc|corrupt"):
        read_nda(bomb)


def test_streaming_cap_holds_whatever_the_size_declared(tmp_path, monkeypatch):
    """Declared 1000 bytes, cap 1 MiB, actual 8 MiB: the byte count while inflating stops it at the cap."""
    pytest.importorskip("fastnda")
    from lisse.io import neware

    bomb = _zeros_zip(tmp_path / "liar.nda.zip", "x.nda", 8 << 20)
    b = bytearray(bomb.read_bytes())
    struct.pack_into("<I", b, b.find(b"PK\x01\x02") + 24, 1000)
    bomb.write_bytes(bytes(b))
    monkeypatch.setattr(neware, "UNZIP_RATIO_FLOOR", 1 << 20)
    monkeypatch.setattr(neware, "MAX_UNZIP_RATIO", 1)
    with pytest.raises(ReaderError, match=r"decompresses to more than 1,048,576 bytes"):
        neware.read_nda(bomb)


def test_ndax_bomb_refused(tmp_path, monkeypatch):
    from lisse.io import neware

    pytest.importorskip("fastnda")
    monkeypatch.setattr(neware, "UNZIP_RATIO_FLOOR", 2 << 20)
    monkeypatch.setattr(neware, "MAX_UNZIP_RATIO", 10)
    p = _zeros_zip(tmp_path / "bomb.ndax", "data.ndc", 32 << 20)
    with pytest.raises(ReaderError, match="decompresses at most"):
        neware.read_nda(p)


def test_unzip_limit_constants():
    from lisse.io import neware

    assert neware.MAX_UNZIPPED_BYTES == 4 * 2**30
    assert neware.unzip_limit(1 << 20) == neware.UNZIP_RATIO_FLOOR  # 1 MB archive: 256 MiB, not 1 GB
    assert neware.unzip_limit(10**9) == neware.MAX_UNZIPPED_BYTES
    assert neware.unzip_limit(10 << 20) == 100 * (10 << 20)


def test_real_archives_are_far_below_the_cap():
    for name in ("neware_nda_v26.nda.zip", "neware_fastnda_SIM.nda.zip", "neware_BTS85_700k_rows.ndax"):
        p = cycler_file(name)
        from lisse.io.neware import unzip_limit

        with zipfile.ZipFile(p) as zf:
            assert sum(i.file_size for i in zf.infolist()) < unzip_limit(p.stat().st_size) / 10


# ------------------------------------------------------------------------------------------- flat exports


def _hms(s: str) -> float:
    h, m, sec = s.split(":")
    return int(h) * 3600 + int(m) * 60 + float(sec)


def test_flat_csv_export_equals_pandas_by_hand():
    """The shared flat export (latin-1 µ): detected as neware-csv, every column equal to pandas + hand conversion."""
    import pandas as pd

    from lisse.io.readers import detect_format, read_cycling

    p = cycler_file("neware_fastnda_interp-test_export.csv")
    assert detect_format(p) == "neware-csv"
    rec = read_cycling(p)
    df = pd.read_csv(p, encoding="latin-1", index_col=False)
    assert len(rec) == len(df) == 333
    np.testing.assert_array_equal(rec.time_s, [_hms(s) for s in df["Total Time"]])
    np.testing.assert_array_equal(rec.voltage_V, df["Voltage(mV)"].to_numpy() * 1e-3)
    np.testing.assert_array_equal(rec.current_A, df["Current(\u00b5A)"].to_numpy() * 1e-6)
    np.testing.assert_array_equal(rec["cycle"], df["Cycle Index"].to_numpy() - 1)
    np.testing.assert_array_equal(rec["step"], df["Step Index"].to_numpy())
    assert rec.provenance.raw_header["units"] == {"time": "h:mm:ss", "voltage": "mV", "current": "\u00b5A", "charge": "mAs"}
    assert rec.start is not None and rec.start.isoformat().startswith("2025-06-17T09:26:39.383")


def _flat_rows():
    """A rest - charge - rest - discharge - rest sequence over two cycles; step Time restarts, Total Time runs on."""
    rows = []
    total, dp = 0.0, 0
    plan = [(1, "Rest", 0.0), (2, "CC_Chg", 500.0), (3, "Rest", 0.0), (4, "CC_DChg", -400.0), (5, "Rest", 0.0)]
    for cycle in (1, 2):
        for step, kind, i_uA in plan:
            chg = dchg = 0.0
            for k in range(6):
                t_step = 10.0 * k
                if k:
                    total += 10.0
                    if i_uA > 0:
                        chg += i_uA * 1e-3 * 10.0  # mA*s
                    elif i_uA < 0:
                        dchg += -i_uA * 1e-3 * 10.0
                dp += 1
                rows.append(dict(dp=dp, cycle=cycle, step=step, kind=kind, t=t_step, total=total, i=i_uA,
                                 v=3000.0 + (cycle - 1) * 5 + step + 0.1 * k, chg=chg, dchg=dchg))
    return rows


def _fmt_hms(x: float) -> str:
    return f"{int(x // 3600):02d}:{int(x % 3600 // 60):02d}:{x % 60:06.3f}"


def _expected(rows):
    t = np.array([r["total"] for r in rows])
    v = np.array([r["v"] for r in rows]) * 1e-3
    i = np.array([r["i"] for r in rows]) * 1e-6
    net = (np.array([r["chg"] for r in rows]) - np.array([r["dchg"] for r in rows])) * 1e-3  # mAs -> C
    key = [(r["cycle"], r["step"]) for r in rows]
    label = np.cumsum([0] + [int(a != b) for a, b in zip(key[1:], key[:-1], strict=True)])
    return t, v, i, _carry(net, label)


def test_flat_csv_total_time_units_and_cumulative_charge(tmp_path):
    """A flat export with charge and discharge steps: time from Total Time (not the step Time), µA/mV/mAs from the
    header, charge carried over steps, cycles 0-based; compared with values converted by hand."""
    from lisse.io.readers import detect_format, read_cycling

    rows = _flat_rows()
    head = "DataPoint,Cycle Index,Step Index,Step Type,Time,Total Time,Current(\u00b5A),Voltage(mV),Capacity(mAs),Chg. Cap.(mAs),DChg. Cap.(mAs),Date,\n"
    body = "".join(
        f"{r['dp']},{r['cycle']},{r['step']},{r['kind']},{_fmt_hms(r['t'])},{_fmt_hms(r['total'])},{r['i']:g},{r['v']:.1f},"
        f"{r['chg'] + r['dchg']:g},{r['chg']:g},{r['dchg']:g},2025-06-17 09:26:39,\n" for r in rows)
    p = tmp_path / "flat.csv"
    p.write_bytes((head + body).encode("latin-1"))
    assert detect_format(p) == "neware-csv"
    rec = read_cycling(p)
    t, v, i, q = _expected(rows)
    _close(rec.time_s, t, "time")
    _close(rec.voltage_V, v, "voltage")
    _close(rec.current_A, i, "current")
    _close(rec["charge_C"], q, "charge")
    assert rec["charge_C"][-1] == pytest.approx(2 * (500e-6 - 400e-6) * 50.0, abs=1e-12)  # 2 cycles of 50 s each way
    np.testing.assert_array_equal(rec["cycle"], [r["cycle"] - 1 for r in rows])


def test_flat_export_other_spellings_and_xlsx(tmp_path):
    """Cumulative Time in seconds, Current(mA), Voltage(V), Chg./DChg. Cap.(mAh): the same numbers, by the header;
    and the same columns in an xlsx sheet with another name."""
    openpyxl = pytest.importorskip("openpyxl")
    from lisse.io.readers import detect_format, read_cycling

    rows = _flat_rows()
    names = ["DataPoint", "Cycle Index", "Step Index", "Step Type", "Time(s)", "Cumulative Time(s)", "Current(mA)",
             "Voltage(V)", "Chg. Cap.(mAh)", "DChg. Cap.(mAh)", "Date"]
    data = [[r["dp"], r["cycle"], r["step"], r["kind"], r["t"], r["total"], r["i"] * 1e-3, r["v"] * 1e-3,
             r["chg"] / 3600.0, r["dchg"] / 3600.0, "2025-06-17 09:26:39"] for r in rows]
    p = tmp_path / "flat2.csv"
    p.write_text(",".join(names) + "\n" + "".join(",".join(repr(x) if isinstance(x, float) else str(x) for x in d) + "\n" for d in data))
    t, v, i, q = _expected(rows)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Detail_73_3_1"
    ws.append(names)
    for d in data:
        ws.append(d)
    x = tmp_path / "flat.xlsx"
    wb.save(x)
    assert detect_format(p) == "neware-csv" and detect_format(x) == "neware-xlsx"
    for f in (p, x):
        rec = read_cycling(f)
        _close(rec.time_s, t, f"time {f.name}")
        _close(rec.voltage_V, v, f"voltage {f.name}")
        _close(rec.current_A, i, f"current {f.name}")
        _close(rec["charge_C"], q, f"charge {f.name}")


def test_flat_csv_with_only_the_step_time_is_refused(tmp_path):
    from lisse.io.neware import read_neware_csv

    p = tmp_path / "steptime.csv"
    p.write_text("DataPoint,Cycle Index,Step Index,Time,Current(mA),Voltage(V)\n1,1,1,00:00:00,0,3.0\n2,1,1,00:00:01,0,3.0\n")
    with pytest.raises(ReaderError, match="Total Time"):
        read_neware_csv(p)


def test_flat_csv_truncated_mid_row_is_refused(tmp_path):
    from lisse.io.readers import read_cycling

    src = cycler_file("neware_fastnda_interp-test_export.csv")
    b = src.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(b[: b.rfind(b"\n", 0, len(b) - 10) + 40])
    with pytest.raises(ReaderError, match="truncated"):
        read_cycling(cut)


def test_arbin_csv_is_not_taken_for_a_neware_flat_export():
    from lisse.io.readers import detect_format

    assert detect_format(cycler_file("arbin_export_beep_CH33.csv")) == "arbin-csv"


def test_xlsx_record_sheet_capacity_signed_by_the_current(tmp_path):
    """A record sheet with one unsigned Capacity(mAh) column and no step type: the sign comes from the current."""
    openpyxl = pytest.importorskip("openpyxl")
    from lisse.io.readers import read_cycling

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "record"
    ws.append(["DataPoint", "Step Index", "Total Time", "Current(mA)", "Voltage(V)", "Capacity(mAh)"])
    for k in range(20):
        step, i, cap = (1, 2.0, 2.0 * 10 * k / 3600) if k < 10 else (2, -1.0, 1.0 * 10 * (k - 10) / 3600)
        ws.append([k + 1, step, _fmt_hms(10.0 * k), i, 3.0, cap])
    f = tmp_path / "rec.xlsx"
    wb.save(f)
    rec = read_cycling(f)
    q = rec["charge_C"]
    _close(q[:10], 2e-3 * 10 * np.arange(10), "charge step")
    _close(q[10:], 2e-3 * 90 - 1e-3 * 10 * np.arange(10), "discharge step")


def test_carried_step_counter():
    from lisse.io._readutil import carried_step_counter

    q = carried_step_counter(np.array([0.0, 1.0, 2.0, 0.0, -1.0, 0.5, 0.0, 3.0]), np.array([1, 1, 1, 2, 2, 2, 3, 3]))
    np.testing.assert_array_equal(q, [0.0, 1.0, 2.0, 2.0, 1.0, 2.5, 2.5, 5.5])
    many = np.arange(1000) // 2  # > 256 steps: the vectorised branch
    np.testing.assert_array_equal(carried_step_counter(np.ones(1000), many), 1 + many)



def test_flat_csv_in_utf8_with_a_bom(tmp_path):
    """The same export saved as UTF-8 with a byte-order mark: detected and read to the same numbers."""
    from lisse.io.readers import detect_format, read_cycling

    src = cycler_file("neware_fastnda_interp-test_export.csv")
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + src.read_bytes().decode("latin-1").encode("utf-8"))
    assert detect_format(p) == "neware-csv"
    a, b = read_cycling(p), read_cycling(src)
    for col in ("time_s", "voltage_V", "current_A", "charge_C", "step", "cycle"):
        np.testing.assert_array_equal(a[col], b[col])


def test_regular_csv_damaged_row_prefix_is_counted_not_dropped_silently(tmp_path):
    """A record row whose ',,' prefix is damaged is neither data nor a step/cycle row: it is skipped with a counted
    note naming its line (it was dropped without a word)."""
    from lisse.io.readers import read_cycling

    src = cycler_file("neware_export_cellpy_ife.csv")
    lines = src.read_bytes().decode("latin-1").split("\n")
    k = next(j for j, ln in enumerate(lines) if j > 100 and ln.startswith(",,"))
    lines[k] = ",X" + lines[k][2:]
    p = tmp_path / "damaged.csv"
    p.write_bytes("\n".join(lines).encode("latin-1"))
    rec = read_cycling(p)
    assert len(rec) == 9295 - 1
    assert any(f"1 malformed rows skipped at lines {k + 1}" in n for n in rec.provenance.notes)


def test_flat_csv_missing_records_are_noted(tmp_path):
    """DataPoint numbers every record: a row removed from the middle of the export is reported, not hidden."""
    from lisse.io.readers import read_cycling

    src = cycler_file("neware_fastnda_interp-test_export.csv")
    lines = src.read_bytes().split(b"\n")
    del lines[100:103]  # data rows 100-102 (DataPoint 100, 101, 102; line 0 is the header)
    p = tmp_path / "gap.csv"
    p.write_bytes(b"\n".join(lines))
    rec = read_cycling(p)
    assert len(rec) == 330
    assert any("not consecutive at 1 places (first after data row 99; 3 record numbers absent)" in n for n in rec.provenance.notes)


def test_ndax_member_with_a_lying_size_fails_its_crc(tmp_path):
    """An .ndax whose data.ndc declares fewer bytes than it holds: zipfile (inside fastnda) stops at the declared
    size and the CRC-32 check fails -> ReaderError (one line), not a shorter record."""
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling

    src = cycler_file("neware_ndc16_ZZZZZZZZTEST.ndax")
    b = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("data.ndc")
    k = 0
    while (k := b.find(b"PK\x01\x02", k)) != -1:  # the central directory entry of data.ndc
        n = struct.unpack_from("<H", b, k + 28)[0]
        if bytes(b[k + 46:k + 46 + n]) == b"data.ndc":
            struct.pack_into("<I", b, k + 24, info.file_size // 2)
        k += 4
    p = tmp_path / "liar.ndax"
    p.write_bytes(bytes(b))
    with pytest.raises(ReaderError) as err:
        read_cycling(p)
    assert "\n" not in str(err.value)
