"""Fuzzing every reader: truncation, flipped bytes, empty files and wrong formats raise ReaderError only.

A flipped byte inside a numeric field can legitimately yield a readable file with one different number,
and a text file cut between two lines is a valid shorter file (text formats carry no row count);
those cases may return a record. Everything else must be a ReaderError; no other exception escapes.
Binary .mpr files declare their sizes, so every truncation of one is detected.

This property is not true by construction: the readers' guard (``lisse.io._readutil.reading``) converts
only what a parser raises on bad bytes (``parse_errors()``: ValueError, struct.error, zlib/zip/XML
errors ...) and OSError; a TypeError, AttributeError, KeyError or IndexError escaping here would fail
the test (``test_reader_errors.py`` shows that an injected bug is not reported as a ReaderError).
"""

from __future__ import annotations

import shutil
import warnings

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
    """Return 'ok' (a valid record), 'truncated' (a record whose notes say so) or 'error' (ReaderError);
    anything else fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            rec = func(path)
        except ReaderError:
            return "error"
    assert isinstance(rec, CyclingRecord)
    assert len(rec) > 0
    return "truncated" if any("truncated" in n for n in rec.provenance.notes) else "ok"


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
    noticed = [o != "ok" for o in outcomes]  # a ReaderError or the readable part with a "truncated" note
    if kind in ("mpr", "mpr_new", "auto", "ndax", "land", "arbin_res"):  # self-describing binary containers
        assert all(noticed), outcomes
    else:
        assert outcomes[0] == "error"  # cut inside the header
        assert sum(noticed) >= 3, outcomes  # cuts inside a row are detected from the short last row


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
