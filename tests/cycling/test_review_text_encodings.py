"""Text exports lisse does not read are refused with the reason, not misread.

Found in review (issue 12): a CSV in UTF-16 (Excel's "Unicode Text" export) was called "a binary file of no
known cycler format"; a CSV with CR-only line ends (classic Mac OS) was read as one header line and refused
because "the header names the column(s) '-0.0500', '0.0500' more than once".
"""

from __future__ import annotations

import pytest

from lisse.errors import ReaderError
from lisse.io.readers import read_cycling

TEXT = "time/s,Ewe/V,I/mA\n" + "".join(f"{t},{0.05 if t % 200 < 100 else -0.05},{1 if t % 200 < 100 else -1}\n" for t in range(0, 2000, 10))


@pytest.mark.parametrize("enc", ["utf-16", "utf-16-be"])
def test_utf16_text_is_named(enc, tmp_path):
    f = tmp_path / "u16.csv"
    data = TEXT.encode(enc)
    f.write_bytes(data if enc == "utf-16" else b"\xfe\xff" + data)
    with pytest.raises(ReaderError, match="UTF-16"):
        read_cycling(f)


def test_cr_only_line_ends_are_named(tmp_path):
    f = tmp_path / "mac.csv"
    f.write_bytes(TEXT.replace("\n", "\r").encode())
    with pytest.raises(ReaderError, match="CR"):
        read_cycling(f)


# Found in review (stop 29): a corrupt binary file without NUL bytes (e.g. a damaged .mpr) went to the text reader,
# which refused it by quoting ~300 characters of binary "header".
@pytest.mark.parametrize("name", ["damaged.mpr", "damaged.csv"])
def test_binary_without_nul_bytes_is_named(name, tmp_path):
    import random

    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(3000))  # no NUL byte; ~11 % control bytes
    assert b"\x00" not in data
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(ReaderError, match=r"^'.*damaged\.(mpr|csv)' is a binary file of no known cycler format"):
        read_cycling(f)
    with pytest.raises(ReaderError, match="looks binary"):
        read_cycling(f, format="csv")
    assert f.read_bytes() == data


def test_latin1_text_with_form_feed_and_eof_mark_still_reads(tmp_path):
    """The binary test spares what real exports hold: accented latin-1 letters, a form feed, a DOS end-of-file mark."""
    f = tmp_path / "latin1.csv"
    text = "# cellule \xe9lectrolyte \xb0C\x0c\ntime/s,Ewe/V,I/mA\n" + TEXT.split("\n", 1)[1]
    f.write_bytes(text.encode("latin-1") + b"\x1a")
    rec = read_cycling(f)
    assert len(rec) == 200


@pytest.mark.parametrize(("head", "binary"), [
    (b"a,b\n1,2\n" * 100, False),
    (b"a,b\n1,2\n" * 100 + b"\x00", True),           # one NUL
    (b"x" * 997 + b"\x01\x02", False),              # two control bytes: not enough to call it binary
    (b"x" * 98 + b"\x01\x02", False),               # two of 100 (2 %): still under the floor of three
    (b"x" * 290 + b"\x01\x02\x03", True),            # three, over 1 % of 293
    (b"x" * 396 + b"\x01\x02\x03\x04", False),      # four of 400: exactly 1 %, not more
    (b"x" * 395 + b"\x01\x02\x03\x04", True),       # four of 399
    (b"x" * 395 + b"\t\n\r\x0c\x0b\x1a" * 10, False),  # tab, LF, CR, FF, VT, SUB are text
    (b"x" * 395 + b"\x1b\x7f\x08\x1f", True),         # ESC, DEL, BS, US are not
])
def test_looks_binary_threshold(head, binary):
    from lisse.io._readutil import looks_binary

    assert looks_binary(head) is binary
