"""Fuzzing every reader: truncation, flipped bytes, empty files and wrong formats raise ReaderError only.

A flipped byte inside a numeric field can legitimately yield a readable file with one different number,
and a text file cut between two lines is a valid shorter file (text formats carry no row count);
those cases may return a record. Everything else must be a ReaderError; no other exception escapes.
Binary .mpr files declare their sizes, so every truncation of one is detected.

This property is not true by construction: the readers' guard (``lisse.io._readutil.reading``) converts
only what a parser raises on bad bytes (``parse_errors()``: ValueError, struct.error, zlib/zip/XML
errors ...) and OSError; a TypeError, AttributeError, KeyError or IndexError escaping here would fail
the test (``test_reader_errors.py`` shows that an injected bug is not reported as a ReaderError).

The second half (``test_shared_file_*``) mutates every shared cycler file and reads it through
``read_cycling``: a ReaderError, a record noted as truncated, identical data, or (byte flips) the same rows
with changed values; never silently fewer rows. Its rules and the ``PENDING`` table are described there.
"""

from __future__ import annotations

import re
import shutil
import warnings
import zipfile

import numpy as np
import pytest

from lisse.errors import ReaderError
from lisse.records.cycling import CyclingRecord

from ._shared import cycler_file


def _readers():
    from lisse.io import arbin, biologic, land, maccor, neware, readers
    from lisse.io.csv_generic import read_csv_generic

    return {
        "mpr": (biologic.read_biologic, "biologic_peis_ec1133.mpr"),
        "mpr_new": (biologic.read_biologic, "biologic_peis_Zn_shorted_ec1161.mpr"),
        "mpt": (biologic.read_biologic, "biologic_peis_ec1133.mpt"),
        "ndax": (neware.read_nda, "neware_ndc16_ZZZZZZZZTEST.ndax"),
        "neware_csv": (neware.read_neware_csv, "neware_export_cellpy_ife.csv"),
        "arbin_res": (arbin.read_arbin_res, "arbin_navani_example.res"),
        "arbin_csv": (arbin.read_arbin_csv, "arbin_export_beep_CH33.csv"),
        "maccor": (maccor.read_maccor, "maccor_export_cellpy_002.txt"),
        "land": (land.read_land, "land_lanhe_style_export_cellpy.xlsx"),
        "generic": (read_csv_generic, "arbin_export_beep_CH33.csv"),
        "auto": (readers.read_cycling, "biologic_gcpl_ec1161_aqueous.mpr"),
    }


KINDS = ["mpr", "mpr_new", "mpt", "ndax", "neware_csv", "arbin_res", "arbin_csv", "maccor", "land", "generic", "auto"]


def _setup(kind):
    if kind == "ndax":
        pytest.importorskip("fastnda")
    if kind == "arbin_res" and shutil.which("mdb-export") is None:
        pytest.skip("mdbtools not installed")
    func, name = _readers()[kind]
    return func, cycler_file(name)


def _call(func, path):
    """'error' (ReaderError), 'noted' (a record whose notes say it is truncated) or 'ok' (a plain record).

    Anything else fails the test. A truncated file read as its readable part with a "truncated" note counts
    as detected, like a ReaderError (issue 12, team decision 2).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            rec = func(path)
        except ReaderError:
            return "error"
    assert isinstance(rec, CyclingRecord)
    if any("truncat" in n.lower() for n in rec.provenance.notes):
        return "noted"
    return "ok"


_DETECTED = ("error", "noted")


@pytest.mark.parametrize("kind", KINDS)
def test_empty_file(kind, tmp_path):
    func, src = _setup(kind)
    f = tmp_path / ("empty" + src.suffix)
    f.write_bytes(b"")
    with pytest.raises(ReaderError, match="empty"):
        func(f)


@pytest.mark.parametrize("kind", KINDS)
def test_missing_file(kind, tmp_path):
    func, src = _setup(kind)
    with pytest.raises(ReaderError, match="does not exist"):
        func(tmp_path / ("nope" + src.suffix))


@pytest.mark.parametrize("kind", KINDS)
def test_truncated(kind, tmp_path):
    func, src = _setup(kind)
    data = src.read_bytes()
    outcomes = []
    for cut in (60, int(0.2 * len(data)) + 3, int(0.5 * len(data)) + 5, len(data) - 7):
        f = tmp_path / (f"cut{cut}" + src.suffix)
        f.write_bytes(data[:cut])
        outcomes.append(_call(func, f))
    detected = [o in _DETECTED for o in outcomes]
    if kind in ("mpr", "mpr_new", "auto", "ndax", "land", "arbin_res"):  # self-describing binary containers
        assert all(detected), outcomes
    else:
        assert detected[0], outcomes  # cut inside the header
        assert sum(detected) >= 3, outcomes  # cuts inside a row are detected from the short last row


@pytest.mark.parametrize("kind", KINDS)
def test_flipped_bytes(kind, tmp_path):
    func, src = _setup(kind)
    data = src.read_bytes()
    import zlib

    rng = np.random.default_rng(zlib.crc32(kind.encode()))  # deterministic across processes
    outcomes = []
    for k in range(6):
        b = bytearray(data)
        pos = rng.integers(0, len(b), size=1 + 8 * (k % 2))  # single flips and bursts
        if k == 0:
            pos = np.arange(0, min(64, len(b)))  # wreck the signature / header
        for p in pos:
            b[p] ^= 0xFF
        f = tmp_path / (f"flip{k}" + src.suffix)
        f.write_bytes(bytes(b))
        outcomes.append(_call(func, f))
    if kind in ("mpr", "mpr_new", "auto", "arbin_res", "mpt", "neware_csv"):  # zip-based ndax/xlsx use the central directory at the end
        assert outcomes[0] == "error"  # a wrecked signature / header is always detected
    # text formats whose first lines are free-form metadata (Maccor, Arbin CSV, generic CSV) may still be read


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("auto", "generic")])
def test_wrong_format(kind, tmp_path):
    """Another vendor's file (or random bytes) given to this reader."""
    func, src = _setup(kind)
    other = cycler_file("maccor_export_cellpy_002.txt" if kind != "maccor" else "biologic_peis_ec1133.mpt")
    f = tmp_path / ("wrong" + src.suffix)
    f.write_bytes(other.read_bytes()[:20000])
    with pytest.raises(ReaderError):
        func(f)
    g = tmp_path / ("noise" + src.suffix)
    g.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(ReaderError):
        func(g)


def test_auto_detection_ignores_wrong_extension(tmp_path):
    from lisse.io.readers import read_cycling

    src = cycler_file("biologic_gcpl_ec1161_aqueous.mpt")
    f = tmp_path / "renamed.csv"
    f.write_bytes(src.read_bytes())
    assert len(read_cycling(f)) == 2767
    g = tmp_path / "binary.xyz"
    g.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(ReaderError, match="no known cycler format"):
        read_cycling(g)


def test_bad_metadata_is_a_unit_error_not_reader_error():
    from lisse.errors import UnitError
    from lisse.io.readers import read_cycling

    with pytest.raises(UnitError):
        read_cycling(cycler_file("biologic_peis_ec1133.mpr"), area="3 mA")


# =====================================================================================================
# Every shared cycler file, through read_cycling (issue 12, "Done when" item 2)
# =====================================================================================================
#
# For each file: 10 truncations (spread over the file, one inside the first data row / page, one a byte
# short of the end), 6 seeded byte flips (one in the first data row / page, one in the header, three
# single bytes and one 8-byte burst in the data) and an empty file. Each mutation must give
#   - a ReaderError, or
#   - a record whose provenance notes say "truncat..." (truncations) - the readable part, or
#   - data identical to the intact file's (time, voltage, current, charge, step, cycle; same rows), or
#   - (byte flips only) the same number of rows with changed values: a flipped digit is a changed number
#     in formats without checksums. Zip-based files (.ndax, .nda.zip, .xlsx) carry a CRC-32 per member,
#     so a flip there must be refused or leave the data identical.
# A record with fewer (or more) rows than the intact file fails unless a note says why ("truncated",
# "malformed ... skipped"). No exception other than ReaderError may escape.
#
# Text formats carry no row count, so a text file cut exactly at a line end, or inside a line's last
# field, is a well-formed shorter file that no reader can tell from a complete one. Text cuts are
# therefore placed before the last field separator of the line they fall in (the last row is then short);
# the cut a byte short of the end is kept as is: for files ending with a newline it must give identical
# data, and for files without a final newline (EC-Lab .mpt) it shortens the last number, which is accepted
# as a changed value in the last row.
#
# The 700k-row .ndax (about 1 s a read) and the LAND xlsx (about 1.5 s a read) are marked slow.

#: every shared file with cycler data, read through read_cycling (the EIS-only Gamry/CHI files and the
#: Arbin *_Metadata.csv companions are not cycler files; a companion is copied beside its mutated data file)
SHARED_CYCLER_FILES = [
    "arbin_beep_FastCharge_000025_CH8.csv",
    "arbin_cellpy_20160805_test001_45_cc_01.res",
    "arbin_cellpy_20160805_test001_45_cc_01_truncated76.res",
    "arbin_export_beep_CH33.csv",
    "arbin_navani_bs542_Channel_11.xlsx",
    "arbin_navani_example.res",
    "biologic_gcpl_5cycles_2-3.8V_C24.mpr",
    "biologic_gcpl_ec1161_aqueous.mpr",
    "biologic_gcpl_ec1161_aqueous.mpt",
    "biologic_gitt_bcd_btlab179.mpr",
    "biologic_gitt_bcd_btlab179.mpt",
    "biologic_lsv_ec1150.mpt",
    "biologic_mb_issue149.mpr",
    "biologic_ocv.mpr",
    "biologic_ocv.mpt",
    "biologic_peis_Zn_shorted_ec1161.mpr",
    "biologic_peis_Zn_shorted_ec1161.mpt",
    "biologic_peis_ec1133.mpr",
    "biologic_peis_ec1133.mpt",
    "biologic_wait.mpt",
    "land_lanhe_style_export_cellpy.xlsx",
    "maccor_beep_PredictionDiagnostics_000151_test.052",
    "maccor_export_cellpy_002.txt",
    "neware_BTS85_700k_rows.ndax",
    "neware_export_cellpy_ife.csv",
    "neware_fastnda_SIM.nda.zip",
    "neware_fastnda_interp-test_export.csv",
    "neware_nda_v26.nda.zip",
    "neware_ndc16_ZZZZZZZZTEST.ndax",
]
SLOW_FILES = {"neware_BTS85_700k_rows.ndax", "land_lanhe_style_export_cellpy.xlsx"}

# -----------------------------------------------------------------------------------------------------
# PENDING: (file, mutation) -> reason; mutation is "truncate", "flip" or "empty". Delete an entry once
# the named branch is merged into main.
PENDING: dict[tuple[str, str], str] = {}
# -----------------------------------------------------------------------------------------------------

_CORE = ("time_s", "voltage_V", "current_A", "charge_C", "step", "cycle")


def _shared_params(mutation: str):
    out = []
    for name in SHARED_CYCLER_FILES:
        marks = [pytest.mark.slow] if name in SLOW_FILES else []
        if (name, mutation) in PENDING:
            marks.append(pytest.mark.xfail(strict=False, reason=PENDING[(name, mutation)]))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def _needs(name: str) -> None:
    if name.startswith("neware_") and name.endswith((".ndax", ".zip")):
        pytest.importorskip("fastnda")
    if name.endswith(".res") and shutil.which("mdb-export") is None:
        pytest.skip("mdbtools not installed")


def _is_text(data: bytes) -> bool:
    return not data.startswith(b"PK") and b"\x00" not in data[:4096]


def _first_data_offset(name: str, data: bytes) -> int:
    """Byte offset a few bytes into the first data row (text) or the first data page / member (binary)."""
    if data.startswith(b"PK"):  # zip: inside the compressed data of the largest member
        import io as _io

        with zipfile.ZipFile(_io.BytesIO(data)) as zf:
            info = max(zf.infolist(), key=lambda i: i.compress_size)
        off = info.header_offset
        n_name = int.from_bytes(data[off + 26: off + 28], "little")
        n_extra = int.from_bytes(data[off + 28: off + 30], "little")
        return off + 30 + n_name + n_extra + 50
    if data.startswith(b"BIO-LOGIC MODULAR FILE"):
        return data.find(b"VMP data") + 128
    if b"Standard Jet DB" in data[:32]:  # Jet 4 pages of 4096 bytes; a data page starts 0x01 0x01
        for page in range(1, len(data) // 4096):
            if data[page * 4096: page * 4096 + 2] == b"\x01\x01":
                return page * 4096 + 100
        return 4096 + 100
    lines = data.splitlines(keepends=True)
    m = re.search(rb"Nb header lines\s*:\s*(\d+)", data[:200])
    if m:
        k = int(m.group(1))
    else:
        k = next((j for j, ln in enumerate(lines) if j > 0 and re.match(rb"\s*,{0,2}-?\d", ln)), 1)
    return min(sum(len(ln) for ln in lines[:k]) + 3, len(data) - 1)


def _text_cut(data: bytes, cut: int) -> int:
    """Move a cut in a text file before the last field separator of its line (see the comment above)."""
    start = data.rfind(b"\n", 0, cut) + 1
    end = data.find(b"\n", cut)
    end = len(data) if end < 0 else end
    line = data[start:end]
    seps = [m.start() for m in re.finditer(rb"[\t,;]", line)]
    if not seps:
        return max(start + 1, min(cut, end - 1))
    return min(max(cut, start + 1), start + seps[-1])


def _cut_offsets(name: str, data: bytes) -> list[int]:
    n = len(data)
    first = _first_data_offset(name, data)
    cuts = [16, first] + [int(f * n) for f in (0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9)]
    if _is_text(data):
        cuts = [_text_cut(data, c) for c in cuts]
    return sorted({min(max(c, 1), n - 2) for c in cuts}) + [n - 1]


def _intact(name: str):
    """The intact file's record (cached per test session run) or the ReaderError it raises."""
    from lisse.io.readers import read_cycling

    if name not in _INTACT:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                _INTACT[name] = read_cycling(cycler_file(name))
            except ReaderError as exc:
                _INTACT[name] = exc
    return _INTACT[name]


_INTACT: dict = {}


def _intact_or_skip(name: str):
    intact = _intact(name)
    if isinstance(intact, ReaderError):  # nothing to compare a mutation with (test_parity says whether it should read)
        pytest.skip(f"the intact file is refused on this branch: {intact}")
    return intact


def _mutated_read(name: str, payload: bytes, folder):
    """Write ``payload`` under the file's own name (with its companion, if any) and read it."""
    from lisse.io.readers import read_cycling

    folder.mkdir(parents=True, exist_ok=True)
    f = folder / name
    f.write_bytes(payload)
    companion = cycler_file(name).with_name(cycler_file(name).stem + "_Metadata.csv")
    if companion.is_file():
        shutil.copyfile(companion, folder / companion.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return read_cycling(f)
        except ReaderError as exc:
            return exc


def _same_data(a, b) -> bool:
    if len(a) != len(b):
        return False
    return all(np.array_equal(np.asarray(a[c]), np.asarray(b[c]), equal_nan=np.asarray(a[c]).dtype.kind == "f") for c in _CORE)


def _only_last_row_differs(a, b) -> bool:
    if len(a) != len(b) or len(a) == 0:
        return False
    return all(np.array_equal(np.asarray(a[c])[:-1], np.asarray(b[c])[:-1], equal_nan=np.asarray(a[c]).dtype.kind == "f") for c in _CORE)


def _notes(rec) -> str:
    return " ".join(rec.provenance.notes).lower()


def _judge(kind: str, what: str, got, intact, data: bytes) -> str | None:
    """None when the outcome is acceptable, else a one-line description of the violation."""
    if isinstance(got, ReaderError):
        return None
    if isinstance(intact, ReaderError):
        return f"{what}: read ({len(got)} rows) although the intact file is refused ({intact})"
    if _same_data(got, intact):
        return None
    notes = _notes(got)
    if kind == "truncate" and "truncat" in notes:
        return None
    rows = f"{len(got)} of {len(intact)} rows"
    if len(got) != len(intact):
        if kind == "flip" and re.search(r"truncat|malformed|skipped", notes):
            return None
        return f"{what}: {rows}, notes {got.provenance.notes!r} (silent row {'loss' if len(got) < len(intact) else 'gain'})"
    if kind == "truncate":
        if what.endswith(f"@{len(data) - 1}") and _is_text(data) and not data.endswith(b"\n") and _only_last_row_differs(got, intact):
            return None  # the last number lost its last digit: see the comment above
        return f"{what}: {rows} but changed values and no truncation note"
    if data.startswith(b"PK"):
        return f"{what}: values changed in a zip member without a CRC error"
    return None  # a flipped byte changed a value; same rows


@pytest.mark.parametrize("name", _shared_params("truncate"))
def test_shared_file_truncated(name, tmp_path):
    _needs(name)
    data = cycler_file(name).read_bytes()
    intact = _intact_or_skip(name)
    bad = []
    for cut in _cut_offsets(name, data):
        got = _mutated_read(name, data[:cut], tmp_path / f"cut{cut}")
        msg = _judge("truncate", f"cut@{cut}", got, intact, data)
        if msg:
            bad.append(msg)
    assert not bad, f"{name} ({len(data)} bytes): " + " | ".join(bad)


@pytest.mark.parametrize("name", _shared_params("flip"))
def test_shared_file_flipped_bytes(name, tmp_path):
    import zlib

    _needs(name)
    data = cycler_file(name).read_bytes()
    intact = _intact_or_skip(name)
    rng = np.random.default_rng(zlib.crc32(name.encode()))  # seeded by the file name: reproducible
    first = _first_data_offset(name, data)
    positions = [
        [first + 3],  # the first data row / page
        [int(rng.integers(0, max(first, 1)))],  # the header
        [int(rng.integers(first, len(data)))],
        [int(rng.integers(first, len(data)))],
        [int(rng.integers(first, len(data)))],
        sorted(int(p) for p in rng.integers(first, len(data), size=8)),  # a burst over the data
    ]
    bad = []
    for k, pos in enumerate(positions):
        b = bytearray(data)
        for p in pos:
            b[min(p, len(b) - 1)] ^= int(rng.integers(1, 256))
        got = _mutated_read(name, bytes(b), tmp_path / f"flip{k}")
        msg = _judge("flip", f"flip{k}@{pos}", got, intact, data)
        if msg:
            bad.append(msg)
    assert not bad, f"{name}: " + " | ".join(bad)


@pytest.mark.parametrize("name", _shared_params("empty"))
def test_shared_file_emptied(name, tmp_path):
    _needs(name)
    got = _mutated_read(name, b"", tmp_path)
    assert isinstance(got, ReaderError), f"empty {name} read as a record of {len(got)} rows"
    assert "empty" in str(got), str(got)
