"""Independent readers of the shared cycler files, the reference for ``test_parity.py``.

Every function here reads one vendor format with a parser that is *not* lisse's (galvani, NewareNDA,
``mdb-export``, pandas, openpyxl, the ``csv`` module) and returns the columns a
:class:`~lisse.records.cycling.CyclingRecord` holds, in SI units and with the record's conventions,
worked out from the vendors' documented semantics. Nothing here imports ``lisse.io``: a reader bug in
lisse cannot leak into its own reference. (fastnda, which lisse wraps, appears only in
:func:`neware_nda_fastnda_raw`, for the one file no other parser reads; it is marked as not independent.)

Returned dict (numpy arrays, one entry per data row)
----------------------------------------------------
``time_s``     the instrument's test time (s); the test compares ``t - t[0]`` ("time from start")
``voltage_V``  V
``current_A``  A, positive = anodic at the working electrode (charge of a full cell with the positive
               electrode as WE); BioLogic, Neware, Arbin, LAND and the standard Maccor export write it
               signed that way already; the cellpy-style Maccor export writes |I| and a mode ``Md``
               (C / D / R), and discharge (D) rows are made negative
``charge_C``   charge passed since the first row, with the sign of the current integral, never reset:
               see :func:`accumulate`
``step``       the instrument's step number (0 when the file has none)
``cycle``      0-based cycle index: instruments counting from 1 (Neware, Arbin, LAND, Maccor ``Cycle C``)
               minus 1; BioLogic's ``cycle number`` and Maccor's ``Cyc#`` count from 0 and are kept
``n_rows``     number of data rows (int)

How charge is derived (:func:`accumulate`)
------------------------------------------
Cyclers write charge as *counters* that restart now and then: Neware per step (``Charge_Capacity`` and
``Discharge_Capacity``, both >= 0), Arbin per cycle (same pair), LAND per half cycle (one unsigned
``Capacity``), Maccor per step (one unsigned ``Amp-hr``). The increment of a counter between rows k-1 and k
is ``c[k] - c[k-1]``, or ``c[k]`` itself where the counter restarted (it decreased, or a documented
restart boundary such as a new Neware step lies between the rows). The record's charge is the running sum
of ``(increment of the charge counter) - (increment of the discharge counter)``, or, for a single unsigned
counter, the increment times the sign of the current (Maccor: of the mode; Neware regular export: of the
step type), starting at 0 on the first row. BioLogic writes a running total ``(Q-Qo)`` that never
restarts except when a sequence loops (it is then set to exactly 0 and carried over, see
:func:`_carry_restarts`); the record's charge is that running total minus its first value.

Current of a BioLogic GCPL ``.mpr`` without an ``I/mA`` column: EC-Lab exports ``<I>/mA`` for such files
as the charge increment ``dq`` of the row over the time since the previous row (checked on the shared
``biologic_gcpl_ec1161_aqueous`` pair: the .mpt's ``<I>/mA`` equals ``dq/dt`` from the .mpr to 2e-16), with
0 on the first row; :func:`biologic_mpr_galvani` does the same. A file with no current and no charge column
(OCV) has zero current and zero charge.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np

__all__ = [
    "accumulate",
    "biologic_mpr_galvani",
    "biologic_mpt_plain",
    "neware_nda_newarenda",
    "neware_nda_fastnda_raw",
    "neware_regular_csv",
    "neware_flat_csv",
    "arbin_res_mdb",
    "arbin_csv_pandas",
    "arbin_xlsx_openpyxl",
    "maccor_standard_pandas",
    "maccor_cellpy_txt_pandas",
    "land_xlsx_openpyxl",
]


def _result(t, v, i, q, step=None, cycle=None) -> dict:
    t = np.asarray(t, dtype=float)
    n = t.size
    return {
        "time_s": t,
        "voltage_V": np.asarray(v, dtype=float),
        "current_A": np.asarray(i, dtype=float),
        "charge_C": np.asarray(q, dtype=float),
        "step": np.zeros(n, np.int64) if step is None else np.asarray(step, dtype=np.int64),
        "cycle": np.zeros(n, np.int64) if cycle is None else np.asarray(cycle, dtype=np.int64),
        "n_rows": n,
    }


def counter_increments(c, restart=None) -> np.ndarray:
    """Increments of a restarting counter: ``c[k] - c[k-1]``, or ``c[k]`` where it restarted.

    Parameters
    ----------
    c : array
        The counter (any unit), >= 0 and non-decreasing between restarts.
    restart : bool array, optional
        True at rows that begin a documented restart period (e.g. the first row of a new step);
        a decrease of the counter is always taken as a restart.

    Returns
    -------
    ndarray, same length, first element 0.
    """
    c = np.asarray(c, dtype=float)
    inc = np.zeros(c.size)
    if c.size < 2:
        return inc
    d = np.diff(c)
    new = d < 0
    if restart is not None:
        new |= np.asarray(restart, bool)[1:]
    inc[1:] = np.where(new, c[1:], d)
    return inc


def accumulate(*, charge=None, discharge=None, unsigned=None, sign=None, restart=None) -> np.ndarray:
    """Charge since the first row (counter units) from restarting counters, never reset.

    Either a ``charge``/``discharge`` counter pair (the result is their increments' difference, summed)
    or one ``unsigned`` counter whose increments take ``sign`` (+1/-1/0 per row).
    """
    if unsigned is not None:
        inc = counter_increments(unsigned, restart) * np.asarray(sign, dtype=float)
    else:
        inc = counter_increments(charge, restart) - counter_increments(discharge, restart)
    return np.cumsum(inc)


def _new_block(x) -> np.ndarray:
    """True where ``x`` differs from the previous row (a new step): the rows that start a counter period."""
    x = np.asarray(x)
    out = np.zeros(x.size, bool)
    out[1:] = x[1:] != x[:-1]
    return out


def _hms(values) -> np.ndarray:
    """'27:55:43' or '00:30:00.000' (hours may exceed 24) -> seconds."""
    out = np.empty(len(values))
    for k, s in enumerate(values):
        h, m, sec = str(s).strip().split(":")
        out[k] = int(h) * 3600 + int(m) * 60 + float(sec)
    return out


# ------------------------------------------------------------------------------------------- BioLogic


def _carry_restarts(q: np.ndarray) -> np.ndarray:
    """``(Q-Qo)`` made cumulative over its restarts.

    ``(Q-Qo)`` is a signed running total, so a decrease is no restart; but EC-Lab sets it back to exactly 0
    when a sequence loops back (``biologic_mb_issue149.mpr``: rows 141, 282, 423, where ``Ns`` returns to 0).
    A signed float total that lands on exactly 0.0 right after a non-zero value is such a restart; the
    value before it is carried over.
    """
    if q.size < 2:
        return q
    restart = np.zeros(q.size, bool)
    restart[1:] = (q[1:] == 0.0) & (q[:-1] != 0.0)
    inc = np.zeros(q.size)
    inc[1:] = np.where(restart[1:], q[1:], np.diff(q))
    return q[0] + np.cumsum(inc)


def _biologic_columns(cols: dict, n: int) -> dict:
    """EC-Lab column names -> record columns (shared by the .mpr and .mpt references)."""
    t = np.asarray(cols["time/s"], float)
    vname = next(k for k in ("Ewe/V", "Ecell/V", "<Ewe>/V") if k in cols)
    v = np.asarray(cols[vname], float)
    if "(Q-Qo)/mA.h" in cols:
        q = _carry_restarts(np.asarray(cols["(Q-Qo)/mA.h"], float) * 3.6)
    elif "(Q-Qo)/C" in cols:
        q = _carry_restarts(np.asarray(cols["(Q-Qo)/C"], float))
    else:
        q = np.zeros(n)
    iname = next((k for k in ("I/mA", "<I>/mA") if k in cols), None)
    if iname is not None:
        i = np.asarray(cols[iname], float) * 1e-3
    elif "dq/mA.h" in cols:
        dq = np.asarray(cols["dq/mA.h"], float) * 3.6  # C
        dt = np.diff(t)
        i = np.zeros(n)
        if n > 1:
            i[1:] = np.divide(dq[1:], dt, out=np.zeros(n - 1), where=dt > 0)
    else:  # OCV: no current, no charge
        i = np.zeros(n)
    step = np.asarray(cols["Ns"], float).astype(np.int64) if "Ns" in cols else None
    if "cycle number" in cols:
        cycle = np.asarray(cols["cycle number"], float).astype(np.int64)
    elif "half cycle" in cols:  # EC-Lab "Charge/Discharge alternance": two half cycles make a cycle
        cycle = np.asarray(cols["half cycle"], float).astype(np.int64) // 2
    else:
        cycle = None
    return _result(t, v, i, q - (q[0] if n else 0.0), step, cycle)


def biologic_mpr_galvani(path: str | Path) -> dict:
    """BioLogic ``.mpr`` through galvani's ``MPRfile`` (galvani 0.5, GPL)."""
    from galvani.BioLogic import MPRfile

    data = MPRfile(str(path)).data
    cols = {name: data[name] for name in data.dtype.names}
    return _biologic_columns(cols, len(data))


def biologic_mpt_plain(path: str | Path) -> dict:
    """BioLogic ``.mpt`` (EC-Lab/BT-Lab ASCII export) with the ``csv`` module.

    Layout: latin-1 text; line 2 ``Nb header lines : N``; line N holds the tab-separated column names
    and the data follow. A decimal comma (EC-Lab in some locales) is turned into a point.
    """
    text = Path(path).read_bytes().decode("latin-1")
    lines = text.splitlines()
    m = re.match(r"Nb header lines\s*:\s*(\d+)", lines[1])
    n_header = int(m.group(1))
    names = lines[n_header - 1].rstrip("\t").split("\t")
    rows = [ln.rstrip("\t").split("\t") for ln in lines[n_header:] if ln.strip()]
    comma = any("," in f and "." not in f for f in (rows[0] if rows else []))
    cols = {}
    for k, name in enumerate(names):
        vals = [r[k].replace(",", ".") if comma else r[k] for r in rows]
        cols[name] = np.array(vals, dtype=float) if rows else np.zeros(0)
    return _biologic_columns(cols, len(rows))


# --------------------------------------------------------------------------------------------- Neware


def _unzip_single(path: Path, tmp_dir: Path) -> Path:
    if zipfile.is_zipfile(path) and path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            (name,) = [n for n in zf.namelist() if n.lower().endswith((".nda", ".ndax"))]
            return Path(zf.extract(name, tmp_dir))
    return path


def neware_nda_newarenda(path: str | Path, tmp_dir: str | Path) -> dict:
    """Neware ``.nda``/``.ndax`` (a ``.nda.zip`` is unzipped into ``tmp_dir`` first) through NewareNDA.

    NewareNDA gives per row: ``Time`` = *step* time (s), ``Step`` = running step number, ``Cycle`` (Neware's
    "charge first" cycle count, from 1), ``Current(mA)``, ``Voltage``, and the per-step counters
    ``Charge_Capacity(mAh)`` / ``Discharge_Capacity(mAh)`` (both restart at 0 in each step). Test time is
    the step time plus the durations of the steps before (the last step time of each completed step).
    """
    import NewareNDA

    f = _unzip_single(Path(path), Path(tmp_dir))
    df = NewareNDA.read(str(f), log_level="ERROR")
    step = df["Step"].to_numpy().astype(np.int64)
    ts = df["Time"].to_numpy().astype(float)
    new = _new_block(step)
    t = np.cumsum(counter_increments(ts, new))  # the same bookkeeping as for charge
    q = accumulate(charge=df["Charge_Capacity(mAh)"].to_numpy().astype(float),
                   discharge=df["Discharge_Capacity(mAh)"].to_numpy().astype(float), restart=new) * 3.6
    return _result(t + (ts[0] if ts.size else 0.0), df["Voltage"].to_numpy(), df["Current(mA)"].to_numpy().astype(float) * 1e-3,
                   q, step, df["Cycle"].to_numpy().astype(np.int64) - 1)


def neware_nda_fastnda_raw(path: str | Path, tmp_dir: str | Path) -> dict:
    """NOT INDEPENDENT: fastnda's raw columns (lisse's own backend) for files NewareNDA cannot read.

    Used only for ``nda`` version 26 (NewareNDA: "not yet supported"). It still checks lisse's own
    arithmetic on top of fastnda (units, cumulative charge from the per-step net ``capacity_mAh``, cycle base).
    """
    import fastnda

    f = _unzip_single(Path(path), Path(tmp_dir))
    df = fastnda.read(str(f))
    step = df["step_count"].to_numpy().astype(np.int64)
    cap = df["capacity_mAh"].to_numpy().astype(float)  # net (charge - discharge) capacity of the step
    inc = np.zeros(cap.size)
    new = _new_block(step)
    if cap.size > 1:
        inc[1:] = np.where(new[1:], cap[1:], np.diff(cap))
    return _result(df["total_time_s"].to_numpy(), df["voltage_V"].to_numpy(), df["current_mA"].to_numpy().astype(float) * 1e-3,
                   np.cumsum(inc) * 3.6, step, df["cycle_count"].to_numpy().astype(np.int64) - 1)


def neware_regular_csv(path: str | Path) -> dict:
    """Neware BTS "regular" CSV export: cycle rows, ``,``-prefixed step rows, ``,,``-prefixed record rows.

    Record rows carry ``Total Time`` (h:mm:ss), ``Current(A)``, ``Voltage(V)`` and an unsigned per-step
    ``Capacity(Ah)``; the enclosing step row gives the running ``Step Number`` and the ``Step Type``
    (``... Chg`` positive, ``... DChg`` negative, else the sign of the current); the cycle row its
    ``Cycle Index`` (from 1).
    """
    text = Path(path).read_bytes().decode("latin-1")
    rows = list(csv.reader(io.StringIO(text)))
    rec_names = rows[2][2:]
    data, steps, cycles, signs = [], [], [], []
    cyc = stp = 0
    stype = ""
    for r in rows[3:]:
        if not r:
            continue
        if r[0] == "" and len(r) > 1 and r[1] == "":
            data.append(r[2:2 + len(rec_names)])
            steps.append(stp)
            cycles.append(cyc)
            signs.append(-1.0 if "DChg" in stype else 1.0 if "Chg" in stype else np.nan)
        elif r[0] == "":
            stp, stype = int(r[2]), r[3]
        else:
            cyc = int(r[0])
    col = {n: [d[k] for d in data] for k, n in enumerate(rec_names)}
    i = np.array(col["Current(A)"], float)
    sign = np.array(signs)
    sign = np.where(np.isnan(sign), np.sign(i), sign)
    steps = np.array(steps)
    q = accumulate(unsigned=np.array(col["Capacity(Ah)"], float), sign=sign, restart=_new_block(steps)) * 3600.0
    return _result(_hms(col["Total Time"]), np.array(col["Voltage(V)"], float), i, q, steps, np.array(cycles) - 1)


def neware_flat_csv(path: str | Path) -> dict:
    """Neware BTS "flat" CSV export (one header row), read with pandas.

    Units from the column names (``Current(µA)``, ``Voltage(mV)``, ``Chg. Cap.(mAs)``...); time from
    ``Total Time`` (h:mm:ss.fff; ``Time`` is the step time); per-step charge/discharge counters;
    ``Cycle Index`` from 1.
    """
    import pandas as pd

    df = pd.read_csv(path, encoding="latin-1", dtype=str)
    df.columns = [c.strip() for c in df.columns]
    scale = {"A": 1.0, "mA": 1e-3, "µA": 1e-6, "uA": 1e-6, "V": 1.0, "mV": 1e-3, "Ah": 3600.0, "mAh": 3.6, "As": 1.0, "mAs": 1e-3}

    def unit_col(prefix):
        name = next(c for c in df.columns if re.fullmatch(re.escape(prefix) + r"\((.+)\)", c))
        unit = re.fullmatch(re.escape(prefix) + r"\((.+)\)", name).group(1)
        return df[name].astype(float).to_numpy() * scale[unit]

    step = df["Step Index"].astype(int).to_numpy()
    q = accumulate(charge=unit_col("Chg. Cap."), discharge=unit_col("DChg. Cap."), restart=_new_block(step))
    return _result(_hms(df["Total Time"]), unit_col("Voltage"), unit_col("Current"), q, step, df["Cycle Index"].astype(int).to_numpy() - 1)


# ---------------------------------------------------------------------------------------------- Arbin


def _arbin_frame(df, rename: dict | None = None) -> dict:
    """Arbin columns (s, V, A, Ah; ``Charge_Capacity``/``Discharge_Capacity`` restart each cycle)."""
    import pandas as pd

    if rename:
        df = df.rename(columns=rename)
    t = pd.to_numeric(df["Test_Time"]).to_numpy(float)
    q = accumulate(charge=pd.to_numeric(df["Charge_Capacity"]).to_numpy(float),
                   discharge=pd.to_numeric(df["Discharge_Capacity"]).to_numpy(float)) * 3600.0
    step = cycle = None
    if "Step_Index" in df.columns and df["Step_Index"].notna().all():
        step = pd.to_numeric(df["Step_Index"]).to_numpy().astype(np.int64)
    if "Cycle_Index" in df.columns and df["Cycle_Index"].notna().all():
        # Arbin counts cycles from 1; rows logged before the schedule's first cycle carry 0: both are cycle 0
        cycle = np.maximum(pd.to_numeric(df["Cycle_Index"]).to_numpy().astype(np.int64) - 1, 0)
    return _result(t, pd.to_numeric(df["Voltage"]).to_numpy(float), pd.to_numeric(df["Current"]).to_numpy(float), q, step, cycle)


def arbin_res_mdb(path: str | Path) -> dict:
    """Arbin ``.res`` (Jet database): table ``Channel_Normal_Table`` through the ``mdb-export`` program."""
    import pandas as pd

    out = subprocess.run([shutil.which("mdb-export") or "mdb-export", str(path), "Channel_Normal_Table"],
                         capture_output=True, check=True, timeout=300).stdout
    df = pd.read_csv(io.BytesIO(out))
    df = df.sort_values(["Test_ID", "Data_Point"], kind="stable")
    return _arbin_frame(df)


def arbin_csv_pandas(path: str | Path) -> dict:
    """Arbin CSV export (``Data_Point, Test_Time, ..., Current, Voltage, Charge_Capacity, ...``)."""
    import pandas as pd

    df = pd.read_csv(path, encoding="latin-1")
    df.columns = [c.strip() for c in df.columns]
    return _arbin_frame(df)


def arbin_xlsx_openpyxl(path: str | Path) -> dict:
    """Arbin MITS Pro xlsx export: the ``Channel_*`` data sheets (in workbook order) through openpyxl."""
    import openpyxl
    import pandas as pd

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    frames = []
    for ws in wb.worksheets:
        if not ws.title.lower().startswith("channel"):
            continue
        it = ws.iter_rows(values_only=True)
        names = [str(c) for c in next(it)]
        frames.append(pd.DataFrame([r for r in it if any(x is not None for x in r)], columns=names))
    wb.close()
    df = pd.concat(frames, ignore_index=True)
    rename = {c: re.sub(r"\(.*\)$", "", c) for c in df.columns}  # 'Test_Time(s)' -> 'Test_Time' (s, V, A, Ah)
    return _arbin_frame(df, rename)


# --------------------------------------------------------------------------------------------- Maccor


def maccor_standard_pandas(path: str | Path) -> dict:
    """Standard Maccor export (``Rec# Cyc# Step Test (Sec) ... Amp-hr ... Amps Volts State ...``).

    Line 1 is a free-text title, line 2 the tab-separated column names. ``Amps`` is signed (discharge
    negative); ``Amp-hr`` is unsigned and restarts with each step; ``Cyc#`` counts from 0.
    """
    import pandas as pd

    df = pd.read_csv(path, sep="\t", skiprows=1, encoding="latin-1", index_col=False)
    df.columns = [c.strip() for c in df.columns]
    i = df["Amps"].to_numpy(float)
    state = df["State"].astype(str).str.strip().to_numpy()
    sign = np.where(state == "D", -1.0, np.where(state == "C", 1.0, np.sign(i)))
    step = df["Step"].to_numpy().astype(np.int64)
    q = accumulate(unsigned=df["Amp-hr"].to_numpy(float), sign=sign, restart=_new_block(step)) * 3600.0
    return _result(df["Test (Sec)"].to_numpy(float), df["Volts"].to_numpy(float), i, q, step, df["Cyc#"].to_numpy().astype(np.int64))


def maccor_cellpy_txt_pandas(path: str | Path) -> dict:
    """Maccor text export in cellpy's test layout (``Rec  Cycle P  Cycle C  Step  TestTime ... Md ... DPT Time``).

    ``Current [A]`` is unsigned and ``Md`` gives the direction (D negative, R rest); ``Cap. [Ah]`` is an
    unsigned counter; ``Cycle C`` counts from 1. ``TestTime`` has no unit in its name: the unit is fixed
    here from the ``DPT Time`` wall clock (the clock span over the TestTime span, rounded to 1, 60 or 3600).
    """
    import pandas as pd

    text = Path(path).read_bytes().decode("latin-1")
    lines = text.splitlines()
    k = next(n for n, ln in enumerate(lines) if ln.startswith("Rec\t"))
    df = pd.read_csv(io.StringIO("\n".join(lines[k:])), sep="\t", index_col=False, skip_blank_lines=True)
    df.columns = [c.strip() for c in df.columns]
    clock = [datetime.strptime(s.strip(), "%m/%d/%Y %I:%M:%S %p") for s in df["DPT Time"]]
    span_clock = (clock[-1] - clock[0]).total_seconds()
    tt = df["TestTime"].to_numpy(float)
    ratio = span_clock / (tt[-1] - tt[0])
    unit = min((1.0, 60.0, 3600.0), key=lambda u: abs(ratio / u - 1))
    md = df["Md"].astype(str).str.strip().to_numpy()
    a = df["Current [A]"].to_numpy(float)
    i = np.where(md == "D", -np.abs(a), np.where(md == "C", np.abs(a), np.where(md == "R", 0.0, a)))
    sign = np.where(md == "D", -1.0, np.where(md == "C", 1.0, 0.0))
    step = df["Step"].to_numpy().astype(np.int64)
    q = accumulate(unsigned=df["Cap. [Ah]"].to_numpy(float), sign=sign) * 3600.0
    return _result(tt * unit, df["Voltage [V]"].to_numpy(float), i, q, step, df["Cycle C"].to_numpy().astype(np.int64) - 1)


# ----------------------------------------------------------------------------------------------- LAND


def land_xlsx_openpyxl(path: str | Path) -> dict:
    """LAND/LANHE xlsx export: sheet ``Record-Tab`` through openpyxl.

    ``TestTime/Sec``, ``Voltage/V``, signed ``Current/mA``, an unsigned ``Capacity/mAh`` counter that runs
    over a half cycle and restarts when the direction changes, ``Cycle-Index`` and ``Step-Index`` from 1.
    """
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb["Record-Tab"]
    it = ws.iter_rows(values_only=True)
    names = list(next(it))
    rows = [r for r in it if r and r[0] is not None]
    wb.close()
    col = {n: np.array([r[k] for r in rows]) for k, n in enumerate(names) if n}
    i = col["Current/mA"].astype(float) * 1e-3
    q = accumulate(unsigned=col["Capacity/mAh"].astype(float), sign=np.sign(i)) * 3.6
    return _result(col["TestTime/Sec"].astype(float), col["Voltage/V"].astype(float), i, q,
                   col["Step-Index"].astype(np.int64), col["Cycle-Index"].astype(np.int64) - 1)
