"""A text export cut inside the last value of a line must not be read as a complete, shorter file.

Found in review (issue 12): an Arbin CSV cut at 37 % of its length ends in ``...,0.0,29`` where the line
holds ``...,0.0,29.631678``; the reader returned the row with a temperature of 29 °C and no note.
The same class of cut for every comma-separated export read through pandas (Arbin CSV, Neware flat and
regular CSV): a ReaderError, or the complete lines only with a note that says "truncated" — never a row
whose last number was silently shortened.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest

from lisse.errors import ReaderError
from lisse.io.readers import read_cycling

from ._shared import cycler_file

FILES = [
    "arbin_beep_FastCharge_000025_CH8.csv",
    "arbin_export_beep_CH33.csv",
    "neware_fastnda_interp-test_export.csv",
    "neware_export_cellpy_ife.csv",
]


def _line_ends(data: bytes) -> np.ndarray:
    return np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))


@pytest.mark.parametrize("name", FILES)
def test_cut_inside_the_last_value_is_noticed(name, tmp_path):
    src = cycler_file(name)
    data = src.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = read_cycling(src)
    ends = _line_ends(data)
    checked = 0
    for k in np.linspace(len(ends) // 3, len(ends) - 2, 4).astype(int):
        e = int(ends[k])
        line = data[ends[k - 1] + 1 : e].rstrip(b"\r")
        body = line.rstrip(b",")  # Neware's flat export ends its lines with an empty field
        last = body.rsplit(b",", 1)[-1]
        if b"." not in last or len(last) < 4:  # cut a decimal number in its middle
            continue
        cut = int(ends[k - 1]) + 1 + len(body) - len(last) // 2
        dst = tmp_path / src.name
        dst.write_bytes(data[:cut])
        for meta in src.parent.glob(src.stem + "_Metadata*"):
            shutil.copy(meta, tmp_path / meta.name)
        checked += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rec = read_cycling(dst)
        except ReaderError:
            continue
        if any("truncated" in n for n in rec.provenance.notes):
            continue
        for c in rec.columns:  # no note: every value must be the complete file's
            a, b = np.asarray(rec[c]), np.asarray(full[c])[: len(rec)]
            same = np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
            assert same, f"{name} cut at byte {cut}: column {c} differs from the complete file and no 'truncated' note"
    assert checked
