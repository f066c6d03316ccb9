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
