"""A reader's notes (a truncated file, a derived current) reach the text output of ``lisse cycling`` and ``lisse ccd``,
not only their JSON: a person reading the summary of a cut-off file must see that it was cut off."""

from __future__ import annotations

import json

from ._shared import cycler_file, run_cli


def test_truncated_file_is_named_in_text_and_json(tmp_path):
    src = cycler_file("biologic_gcpl_ec1161_aqueous.mpr")
    cut = tmp_path / "cut.mpr"
    cut.write_bytes(src.read_bytes()[:100_000])
    r = run_cli("cycling", str(cut))
    assert r.returncode == 0, r.stderr
    notes = [ln for ln in r.stdout.splitlines() if ln.startswith("  reader note: ")]
    assert any("truncated: the file ends at byte 100000" in ln for ln in notes), r.stdout
    r = run_cli("ccd", str(cut), "--area", "1 cm2", "--cell-type", "symmetric")
    assert r.returncode == 0, r.stderr
    assert "  reader note: truncated: the file ends at byte 100000" in r.stdout
    d = json.loads(run_cli("ccd", str(cut), "--area", "1 cm2", "--cell-type", "symmetric", "--json").stdout)
    assert any(n.startswith("truncated") for n in d["reader_notes"])
    whole = json.loads(run_cli("ccd", str(src), "--area", "1 cm2", "--cell-type", "symmetric", "--json").stdout)
    assert not any(n.startswith("truncated") for n in whole["reader_notes"])
    assert "reader note: truncated" not in run_cli("cycling", str(src)).stdout
