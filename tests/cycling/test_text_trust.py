"""Text cycler exports read right or refused (issue 12): Maccor standard/MIMS exports, generic CSV.

Independent references: a plain pandas parse of the same file converted by hand (Maccor), analytic
charge of a constant-current schedule (variant files built here), hashlib for the provenance hash,
tracemalloc for the memory bound. Reader values are compared at 1e-6 relative.
"""

from __future__ import annotations

import hashlib
import re
import tracemalloc
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from lisse.errors import ReaderError

from ._shared import cycler_file

BEEP = "maccor_beep_PredictionDiagnostics_000151_test.052"
MIMS = "maccor_export_cellpy_002.txt"


def _read(p, **kw):
    from lisse.io.readers import read_cycling

    return read_cycling(p, **kw)


def _notes(rec) -> str:
    return " | ".join(rec.provenance.notes)


# ------------------------------------------------------------------------------------------ Maccor
def _beep_by_hand(path):
    """The beep excerpt parsed by pandas and converted by hand: its own metadata line, tab-separated."""
    df = pd.read_csv(path, sep="\t", skiprows=1, index_col=False, encoding="latin-1")
    df = df.dropna(subset=["Rec#"])
    t_abs = df["Test (Sec)"].to_numpy(float)
    amps = df["Amps"].to_numpy(float)
    ah = df["Amp-hr"].to_numpy(float)
    assert (df["Step"].nunique(), df["Cyc#"].nunique(), set(df["State"])) == (1, 1, {"D"})  # one discharge step
    # one step: charge since the first row = -(Amp-hr - Amp-hr[0]) in C (discharge: negative current)
    return {"t_abs": t_abs, "time_s": t_abs - t_abs[0], "current_A": amps, "voltage_V": df["Volts"].to_numpy(float),
            "charge_C": -(ah - ah[0]) * 3600.0, "cycle": df["Cyc#"].to_numpy(int), "step": df["Step"].to_numpy(int),
            "rec": df["Rec#"].to_numpy(int)}


def test_maccor_standard_export_equals_a_pandas_parse():
    from lisse.io.readers import detect_format

    p = cycler_file(BEEP)
    ref = _beep_by_hand(p)
    assert detect_format(p) == "maccor-txt"
    rec = _read(p)
    assert len(rec) == 333 == ref["t_abs"].size  # PROVENANCE: 333 rows [pandas]
    for col in ("time_s", "current_A", "voltage_V", "charge_C"):
        np.testing.assert_allclose(rec[col], ref[col], rtol=1e-6, atol=0, err_msg=col)
    assert np.all(rec.current_A < 0)  # State D rows, written signed
    np.testing.assert_array_equal(rec["cycle"], ref["cycle"])  # excerpt of Maccor's 0-based Cyc#: kept (37)
    np.testing.assert_array_equal(rec["step"], ref["step"])
    np.testing.assert_array_equal(rec["record"], ref["rec"])
    h = rec.provenance.raw_header
    assert h["test_time_first_row_s"] == pytest.approx(769267.24, rel=1e-12, abs=0)
    assert h["first_record"] == 249791
    assert h["fields"]["Procedure"] == "PredictionDiagnostics_000151.000" and h["fields"]["Date of Test"] == "10/10/2019"
    assert rec.start == datetime(2019, 10, 21, 23, 59, 59, tzinfo=UTC)  # DPt Time of the first row
    notes = _notes(rec)
    assert "769267.24" in notes and "excerpt" in notes and "signed in the file" in notes
    # second method: the trapezoid integral of the current agrees with the carried-over Amp-hr
    assert h["charge_check"]["source"] == "Amp-hr"
    assert h["charge_check"]["max_abs_difference_C"] < 1e-5 * h["charge_check"]["charge_passed_C"]
    assert rec.provenance.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_maccor_mims_export_still_read_with_charge_checked_by_the_integral():
    rec = _read(cycler_file(MIMS))
    assert len(rec) == 7446
    h = rec.provenance.raw_header
    assert h["charge_check"]["source"] == "Cap. [Ah]"
    assert h["charge_check"]["max_abs_difference_C"] < 1e-4 * h["charge_check"]["charge_passed_C"]
    assert rec["cycle"].min() == 0 and "1 subtracted" in _notes(rec)  # 'Cycle C' starts at 1 at Rec 1
    lines = cycler_file(MIMS).read_text("latin-1").splitlines()[15:]
    cyc_c = np.array([int(ln.split("\t")[2]) for ln in lines])
    np.testing.assert_array_equal(rec["cycle"], cyc_c - 1)
    # values against a pandas parse converted by hand (TestTime in min, fixed by the DPT Time clock; Md D negative)
    df = pd.read_csv(cycler_file(MIMS), sep="\t", skiprows=13, encoding="latin-1", index_col=False).dropna(subset=["Rec"])
    assert len(df) == len(rec)
    np.testing.assert_allclose(rec.voltage_V, df["Voltage [V]"].to_numpy(float), rtol=1e-6, atol=0)
    sign = np.where(df["Md"].str.strip() == "D", -1.0, 1.0)
    np.testing.assert_allclose(rec.current_A, sign * df["Current [A]"].to_numpy(float), rtol=1e-6, atol=0)
    tt = df["TestTime"].to_numpy(float)
    np.testing.assert_allclose(rec.time_s, (tt - tt[0]) * 60.0, rtol=1e-6, atol=1e-9)


def _rewrite(src, dst, fn, header_fn=None, sep="\t"):
    """Rewrite the beep export row by row: fn(cells) -> cells (data), header_fn(cells) -> cells (column line)."""
    raw = src.read_bytes().decode("latin-1").split("\r\n")
    out = [raw[0].replace("\t", sep) if sep != "\t" else raw[0]]
    hdr = raw[1].split("\t")
    out.append(sep.join(header_fn(hdr) if header_fn else hdr))
    for ln in raw[2:]:
        if ln.strip():
            out.append(sep.join(fn(ln.split("\t"))))
    dst.write_bytes(("\r\n".join(out) + "\r\n").encode("latin-1"))
    return dst


def _dhms(s, days=True):
    d, r = divmod(round(s * 100), 8640000)
    h, r = divmod(r, 360000)
    m, r = divmod(r, 6000)
    if not days:
        return f"{d * 24 + h}:{m:02d}:{r / 100:05.2f}"
    return f"{d}d {h:02d}:{m:02d}:{r / 100:05.2f}"


@pytest.mark.parametrize("variant", ["unsigned_amps_state", "dhms_text", "hms_text", "comma_separated", "decimal_comma",
                                     "no_metadata_line"])
def test_maccor_variants_read_like_the_standard_export(tmp_path, variant):
    src = cycler_file(BEEP)
    ref = _read(src)
    hdr = src.read_bytes().decode("latin-1").split("\r\n")[1].split("\t")
    it, ia = hdr.index("Test (Sec)"), hdr.index("Amps")
    f = tmp_path / f"{variant}.052"
    if variant == "unsigned_amps_state":  # Amps unsigned, State D gives the sign
        _rewrite(src, f, lambda c: c[:ia] + [c[ia].lstrip("-")] + c[ia + 1 :])
    elif variant in ("dhms_text", "hms_text"):  # TestTime as "8d 21:41:07.24" / "213:41:07.24"
        _rewrite(src, f, lambda c: c[:it] + [_dhms(float(c[it]), variant == "dhms_text")] + c[it + 1 :],
                 lambda h: h[:it] + ["TestTime"] + h[it + 1 :])
    elif variant == "comma_separated":
        _rewrite(src, f, lambda c: c, sep=",")
    elif variant == "decimal_comma":  # tab-separated with decimal commas (cellpy's maccor_txt_four, KIT)
        _rewrite(src, f, lambda c: [x.replace(".", ",") for x in c])
    else:
        f.write_bytes(src.read_bytes().split(b"\r\n", 1)[1])
    rec = _read(f)
    assert len(rec) == len(ref) == 333
    for col in ("time_s", "current_A", "voltage_V", "charge_C", "cycle", "step"):
        np.testing.assert_allclose(rec[col], ref[col], rtol=1e-9, atol=1e-9 if col == "time_s" else 0, err_msg=col)
    if variant == "unsigned_amps_state":
        assert "unsigned" in _notes(rec)
    if variant.endswith("hms_text"):
        assert rec.provenance.raw_header["test_time_first_row_s"] == pytest.approx(769267.24, rel=1e-12, abs=0)


def _synthetic_maccor(path, *, first_cycle=0, unsigned=True, sep="\t", layout="standard"):
    """A complete Maccor export built here: rest, 1 A charge, rest, 0.5 A discharge, 1 s rows.

    Amp-hr restarts at every step (Maccor), so the charge must be carried over the steps. The
    schedule is piecewise constant, so the exact charge is sum(I_k * (t_k - t_{k-1})).
    ``layout="pairs"`` writes the layout of cellpy's ``maccor_001.txt`` (three lines of
    ``key:<TAB>value`` pairs, ``TestTime`` as ``  0d 00:01:5.25`` text, ``Aux #n<TAB> Units`` column
    pairs, a tab at the end of every line).
    """
    plan = [(1, "R", 0.0, 10, first_cycle), (2, "C", 1.0, 100, first_cycle), (3, "R", 0.0, 20, first_cycle + 1),
            (4, "D", -0.5, 100, first_cycle + 1)]
    rows, t, rec = [], 0.0, 1
    for step, state, amps, n, cyc in plan:
        for k in range(n):
            if rows:
                t += 1.0 if layout == "standard" else 1.25
            dt = 1.0 if layout == "standard" else 1.25
            ah = abs(amps) * dt * (k + 1 if rows else 0) / 3600.0
            i_out = abs(amps) if unsigned else amps
            rows.append((rec, cyc, step, t, ah, i_out, 3.0 + 0.001 * rec, state, amps))
            rec += 1
    t0 = datetime(2024, 1, 2, 10, 0, 0)
    if layout == "standard":
        head = ["Today's Date 01/02/2024  Date of Test:\t01/02/2024\t Filename:\tC:\\x.001 Procedure:\tp.000\tComment/Barcode:\tb"]
        cols = ["Rec#", "Cyc#", "Step", "Test (Sec)", "Step (Sec)", "Amp-hr", "Watt-hr", "Amps", "Volts", "State", "ES", "DPt Time"]
        tail = ""
    else:
        head = ["Today's Date:\t02 January 2024\tDate of Test:\t02 January 2024, 10:00:00 AM",
                "Filename:\tcell_01\tTester Channel:\t1", "Procedure:\tp.000\tDescription:\t"]
        cols = ["Rec#", "Cyc#", "Step", "TestTime", "StepTime", "Amp-hr", "Watt-hr", "Amps", "Volts", "State", "ES", "DPt Time",
                "ACImp/Ohms", "DCIR/Ohms", "Aux #1", " Units", "Aux #2", " Units", "VAR1"]
        tail = sep
    lines = [*head, sep.join(cols) + tail]
    for r in rows:
        clock = (t0 + timedelta(seconds=r[3])).strftime("%m/%d/%Y %H:%M:%S")
        if layout == "standard":
            tt = f"{r[3]:.4f}"
            more = []
        else:
            h, rem = divmod(r[3], 3600)
            tt = f"  0d {int(h):02d}:{int(rem // 60):02d}:{rem % 60:g}"
            more = ["0.00000", "0.00000", "-2501.71411", " C  ", "-2526.14868", " C  ", "0.00000"]
        lines.append(sep.join([str(r[0]), str(r[1]), str(r[2]), tt, "0.0000", f"{r[4]:.10f}", "0.0", f"{r[5]:.10f}",
                               f"{r[6]:.8f}", r[7], "0", clock, *more]) + tail)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    t = np.array([r[3] for r in rows])
    i = np.array([r[8] for r in rows])
    exact = np.concatenate([[0.0], np.cumsum(i[1:] * np.diff(t))])
    return t, i, exact, np.array([r[1] for r in rows])


@pytest.mark.parametrize("first_cycle,layout", [(0, "standard"), (1, "standard"), (0, "pairs")])
def test_maccor_charge_carried_over_steps_and_cycles_counted_from_zero(tmp_path, first_cycle, layout):
    f = tmp_path / "synthetic.001"
    t, i, exact, cyc = _synthetic_maccor(f, first_cycle=first_cycle, layout=layout)
    rec = _read(f)
    np.testing.assert_allclose(rec.time_s, t, rtol=0, atol=1e-9)
    np.testing.assert_allclose(rec.current_A, i, rtol=1e-9, atol=0)
    np.testing.assert_allclose(rec["charge_C"], exact, rtol=1e-6, atol=1e-9)
    dt = t[1] - t[0]
    assert rec["charge_C"][-1] == pytest.approx((1.0 - 0.5) * 100 * dt, rel=1e-6, abs=0)  # 1 A x 100 steps in, 0.5 A out
    np.testing.assert_array_equal(rec["cycle"], cyc - first_cycle)  # a file from the test start: base from its first row
    assert ("1 subtracted" in _notes(rec)) == (first_cycle == 1)
    assert rec.provenance.raw_header["charge_check"]["source"] == "Amp-hr"
    if layout == "pairs":
        assert rec.provenance.raw_header["fields"]["Tester Channel"] == "1"
        assert rec.start == datetime(2024, 1, 2, 10, 0, 0, tzinfo=UTC)


def test_maccor_header_only_is_an_empty_record(tmp_path):
    for name in (BEEP, MIMS):
        src = cycler_file(name).read_bytes()
        k = src.index(b"\n", src.index(b"Rec")) + 1
        f = tmp_path / name
        f.write_bytes(src[:k])
        rec = _read(f)
        assert len(rec) == 0 and "no data rows" in _notes(rec)


def test_maccor_detection_does_not_need_md(tmp_path):
    from lisse.io.readers import detect_format

    f = tmp_path / "synthetic.001"
    _synthetic_maccor(f, sep=",")
    assert detect_format(f) == "maccor-txt"
    g = tmp_path / "plain.csv"  # a generic CSV with a record column is not a Maccor export
    g.write_text("Record,time/s,Voltage/V,Current/mA\n1,0,3,1\n2,1,3,1\n")
    assert detect_format(g) == "csv"


# ------------------------------------------------------------------------------------------ generic CSV
def test_generic_csv_cycles_are_zero_based(tmp_path):
    f = tmp_path / "one.csv"
    f.write_text("time/s,Ewe/V,I/mA,cycle\n0,3,1,1\n1,3.1,1,1\n2,3.2,-1,2\n3,3.1,-1,2\n")
    rec = _read(f)
    np.testing.assert_array_equal(rec["cycle"], [0, 0, 1, 1])
    assert "1 subtracted" in _notes(rec)
    g = tmp_path / "zero.csv"
    g.write_text("time/s,Ewe/V,I/mA,cycle number\n0,3,1,0\n1,3.1,1,0\n2,3.2,-1,1\n")
    rec = _read(g)
    np.testing.assert_array_equal(rec["cycle"], [0, 0, 1])
    assert "0-based" in _notes(rec)


@pytest.mark.parametrize("text", ["time/s,Ewe/V,I/mA\n", "time/s,Ewe/V,I/mA", "# cell A\ntime/s,Ewe/V,I/mA\r\n\r\n"])
def test_header_only_csv_is_an_empty_record(tmp_path, text):
    f = tmp_path / "empty.csv"
    f.write_text(text)
    rec = _read(f)
    assert len(rec) == 0 and "no data rows" in _notes(rec)


def test_ocv_records_are_read(tmp_path):
    f = tmp_path / "ocv.csv"
    f.write_text("time,voltage\n0,3.0\n10,3.01\n20,3.02\n")
    rec = _read(f, units="time=s,voltage=V")
    np.testing.assert_array_equal(rec.current_A, [0.0, 0.0, 0.0])
    np.testing.assert_allclose(rec.voltage_V, [3.0, 3.01, 3.02], rtol=1e-12, atol=0)
    assert "open-circuit" in _notes(rec)
    g = tmp_path / "zero.csv"  # a current column that is 0 everywhere needs no unit
    g.write_text("time/s,Ewe/V,current\n0,3.0,0\n10,3.0,0.000\n")
    assert np.all(_read(g).current_A == 0)
    h = tmp_path / "rest_temp.csv"  # a temperature column cannot be the current
    h.write_text("time/s,Ewe/V,T/degC\n0,3.0,25\n10,3.0,25\n")
    assert len(_read(h)) == 2
    bad = tmp_path / "strom.csv"  # an unrecognised unit-less column might be the current: refused
    bad.write_text("time/s,Ewe/V,Strom\n0,3.0,1\n10,3.0,1\n")
    with pytest.raises(ReaderError, match="Strom"):
        _read(bad)
    nz = tmp_path / "nonzero.csv"
    nz.write_text("time/s,Ewe/V,current\n0,3.0,0\n10,3.0,1\n")
    with pytest.raises(ReaderError, match=r"'current' \(current\) carry no unit"):
        _read(nz)


def _fixed_csv(n):
    return "time/s,Ewe/V,I/mA\n" + "".join(f"{k:.1f},{3 + 0.001 * k:.4f},{(-1) ** (k // 10):.3f}\n" for k in range(n))


def test_a_line_cut_short_is_never_a_silently_wrong_value(tmp_path):
    text = _fixed_csv(30)
    full = _read(_write(tmp_path / "full.csv", text))
    ref = pd.read_csv(tmp_path / "full.csv")
    for cut in (len(text) - 1, len(text) - 3, len(text) - 8, len(text) - 12):  # inside the last value / line
        rec = _read(_write(tmp_path / f"cut{cut}.csv", text[:cut]))
        if len(rec) == 30:  # only the final line end was lost: the last value is complete
            assert cut == len(text) - 1
            np.testing.assert_array_equal(rec.current_A, full.current_A)
        else:
            assert len(rec) == 29 and "truncated" in _notes(rec) and "line 31" in _notes(rec)
            np.testing.assert_allclose(rec.current_A, ref["I/mA"].to_numpy()[:29] * 1e-3, rtol=1e-12, atol=0)


def test_a_final_line_without_line_end_in_varying_width_columns(tmp_path):
    """repr() floats (varying width): a final value as wide as the widest above is kept, a cut one dropped with a note."""
    vals = [repr(float(x)) for x in np.random.default_rng(1).normal(size=299)]
    vals.append(max(vals, key=len))
    text = "time/s,Ewe/V,I/mA\n" + "\n".join(f"{k},3.0,{v}" for k, v in enumerate(vals))  # no final line end
    assert len(vals[-1]) == max(len(v) for v in vals)
    rec = _read(_write(tmp_path / "full.csv", text))
    assert len(rec) == 300 and not rec.provenance.notes
    # reference: pandas parsing the complete file (pandas < 3 may differ from float() in the last bit, lisse must not
    # differ from pandas); a cut digit of a 17-digit value changes it by more than 1e-15
    last = pd.read_csv(tmp_path / "full.csv")["I/mA"].to_numpy()[-1] * 1e-3
    assert rec.current_A[-1] == pytest.approx(last, rel=1e-15, abs=0)
    rec = _read(_write(tmp_path / "cut.csv", text[:-3]))
    assert len(rec) == 299 and "truncated" in _notes(rec) and "line 301" in _notes(rec)


def _write(p, text):
    p.write_text(text)
    return p


def test_malformed_rows_are_counted_with_line_numbers(tmp_path):
    lines = _fixed_csv(40).splitlines()
    lines[5] = "4.0,3.004"  # a field missing
    lines[12] = "11.0,x,1.000"  # not a number
    lines[20] = "19.0,3.019,1.000,7"  # a field too many
    rec = _read(_write(tmp_path / "m.csv", "\n".join(lines) + "\n"))
    assert len(rec) == 37
    assert "3 malformed rows skipped at lines 6, 13, 21" in _notes(rec)
    kept = [k for k in range(40) if k not in (4, 11, 19)]
    np.testing.assert_allclose(rec.time_s, np.array(kept, float), rtol=0, atol=0)
    quoted = 'time/s,Ewe/V,I/mA,note\n0,3.0,1.0,"a, b"\n"1","9","3.1","1.0","x"\n2,3.2,1.0,"c"\n'  # line 3: a field too many
    rec = _read(_write(tmp_path / "q.csv", quoted))
    np.testing.assert_array_equal(rec.time_s, [0.0, 2.0])
    assert "1 malformed rows skipped at lines 3" in _notes(rec)
    many = _fixed_csv(40).splitlines()
    for k in range(1, 30):
        many[k] = many[k].replace(",", ";", 1)
    with pytest.raises(ReaderError, match=r"29 of 40 data lines are malformed"):
        _read(_write(tmp_path / "many.csv", "\n".join(many) + "\n"))


def test_blocks_join_without_losing_or_misnumbering_lines(tmp_path, monkeypatch):
    """A file of many blocks (block size forced small) reads like pandas reads it; line numbers stay exact."""
    import lisse.io._delimited as d

    monkeypatch.setattr(d, "BLOCK_BYTES", 4096)
    lines = _fixed_csv(3000).splitlines()
    lines[2500] = "bad,line"  # file line 2501, 2502 after the blank line below
    lines.insert(1200, "")  # a blank line: not a row
    f = _write(tmp_path / "blocks.csv", "\r\n".join(lines) + "\r\n")
    rec = _read(f)
    ref = pd.read_csv(f, skip_blank_lines=True)
    ref = ref[pd.to_numeric(ref["Ewe/V"], errors="coerce").notna()]
    assert len(rec) == len(ref) == 2999
    np.testing.assert_allclose(rec.voltage_V, ref["Ewe/V"].astype(float).to_numpy(), rtol=1e-12, atol=0)
    assert re.search(r"1 malformed rows skipped at lines 2502\b", _notes(rec))
    assert rec.provenance.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()


def test_streamed_csv_peak_memory_within_twice_the_record(tmp_path):
    """Peak traced memory while reading 1 M rows <= 2x the arrays of the record returned (no timing asserted).

    benchmarks/reader_csv_memory.py measures the same at 10 M rows, with RSS.
    """
    n = 1_000_000
    t = np.arange(n) * 0.5
    data = np.column_stack([t, 3 + 0.1 * np.sin(t / 100), np.where((t // 3600) % 2 == 0, 1.0, -1.0)])
    f = tmp_path / "big.csv"
    with open(f, "w") as fh:
        fh.write("time/s,Ewe/V,I/mA\n")
        np.savetxt(fh, data, delimiter=",", fmt=["%.1f", "%.6f", "%.3f"])
    _read(_write(tmp_path / "warm.csv", _fixed_csv(5)))  # imports outside the measurement
    tracemalloc.start()
    try:
        rec = _read(f)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    arrays = rec.df.memory_usage(deep=True, index=False).sum()
    assert len(rec) == n
    assert peak <= 2.0 * arrays, f"peak {peak / 1e6:.1f} MB for {arrays / 1e6:.1f} MB of record arrays"
    np.testing.assert_allclose(rec.time_s[[0, -1]], [0.0, t[-1]], rtol=1e-12, atol=0)


def test_maccor_header_less_test_time_takes_a_declared_unit(tmp_path):
    """Without a clock column a unit-less TestTime is refused, and read once the unit is declared."""
    p = cycler_file(MIMS)
    ref = _read(p)  # unit fixed by the DPt Time clock (min)
    lines = p.read_text("latin-1").splitlines()
    cut = ["\t".join(c for k, c in enumerate(ln.split("\t")) if k != 12) if k >= 13 else ln for k, ln in enumerate(lines)]
    f = tmp_path / "no_clock.txt"
    f.write_text("\n".join(cut) + "\n", "latin-1")
    with pytest.raises(ReaderError, match="no clock column"):
        _read(f)
    rec = _read(f, units="time=min")
    np.testing.assert_allclose(rec.time_s, ref.time_s, rtol=1e-12, atol=0)
    with pytest.raises(ReaderError, match="contradicts"):
        _read(p, units="time=s")  # the clock says min
