"""xlsx reading: refusal of crafted files (time, peak memory) and an Arbin export read by lisse vs openpyxl.

Run: PYTHONPATH=src python benchmarks/xlsx_bounds.py [repeats]

Prints, over the repeats, min / median / max wall time and the tracemalloc peak of
1. lisse refusing the issue-12 crafted xlsx (one cell at ZZ500000, ~1.4 KB), without and with a <dimension>;
2. ``read_cycling`` on ``arbin_navani_bs542_Channel_11.xlsx`` (4526 rows) and, as the anchor in the same run,
   openpyxl (read-only, values) iterating the same sheet; the ratio lisse / openpyxl of the medians.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from lisse.errors import ReaderError

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "cyclers"
ARBIN_XLSX = SHARED / "arbin_navani_bs542_Channel_11.xlsx"
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       '<sheet name="Channel_1_1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
         'Target="worksheets/sheet1.xml"/></Relationships>')


def crafted(path: Path, dimension: str) -> Path:
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'{dimension}<sheetData><row r="500000"><c r="ZZ500000"><v>1</v></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def measure(func, repeats: int) -> tuple[list[float], float]:
    times, peak = [], 0.0
    for _ in range(repeats):
        tracemalloc.start()
        t = time.perf_counter()
        func()
        times.append(time.perf_counter() - t)
        peak = max(peak, tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    return times, peak


def show(label: str, times: list[float], peak: float) -> float:
    med = statistics.median(times)
    print(f"{label:55s} min {min(times) * 1e3:8.1f} ms  median {med * 1e3:8.1f} ms  max {max(times) * 1e3:8.1f} ms  peak {peak:7.1f} MB")
    return med


def main(repeats: int) -> None:
    import openpyxl
    import pandas  # noqa: F401  (imported before measuring)

    from lisse.io._xlsx import read_sheet_frame
    from lisse.io.readers import read_cycling

    with tempfile.TemporaryDirectory() as d:
        for dim in ("", '<dimension ref="A1:ZZ500000"/>'):
            f = crafted(Path(d) / "zz.xlsx", dim)

            def refuse(f=f):
                try:
                    read_sheet_frame(f, "Channel_1_1")
                except ReaderError:
                    return
                raise AssertionError("crafted xlsx was not refused")

            show(f"refuse ZZ500000 ({f.stat().st_size} B, {'with' if dim else 'no'} <dimension>)", *measure(refuse, repeats))
    if not ARBIN_XLSX.is_file():
        print(f"{ARBIN_XLSX} not found: skipping the read comparison")
        return
    read_cycling(ARBIN_XLSX)  # warm imports

    def anchor():
        wb = openpyxl.load_workbook(ARBIN_XLSX, read_only=True, data_only=True)
        rows = list(wb["Channel_11_1"].iter_rows(values_only=True))
        wb.close()
        return rows

    a = show("openpyxl read-only values, Channel_11_1 (anchor)", *measure(anchor, repeats))
    b = show("lisse read_cycling (record incl. sha256)", *measure(lambda: read_cycling(ARBIN_XLSX), repeats))
    print(f"ratio lisse / openpyxl (medians): {b / a:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
