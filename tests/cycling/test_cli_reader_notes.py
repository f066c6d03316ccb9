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


def test_header_of_a_file_without_cycle_numbers_counts_half_cycles(tmp_path):
    """A CSV without a cycle column is not '1 cycles' above a failure 'at cycle 5' (found by an independent audit)."""
    import numpy as np

    from lisse.sim.synthetic_cycling import ccd_staircase

    rec, _ = ccd_staircase(failure="hard", j_critical="0.45 mA/cm2", step_capacity="0.2 mAh/cm2", dt="20 s", noise="0.2 mV",
                           area="0.785 cm2", seed=1)
    f = tmp_path / "sym.csv"
    np.savetxt(f, np.column_stack([rec.time_s, rec.voltage_V, rec.current_A * 1e3]), delimiter=",", header="time/s,Ewe/V,I/mA",
               comments="")
    first = run_cli("cycling", str(f)).stdout.splitlines()[0]
    truth = rec.summary()  # the generator's record numbers its cycles (its cycle column)
    assert truth["n_cycles_source"] == "cycle_column"
    n_cycles, n_half = int(truth["n_cycles"]), int(truth["n_half_cycles"])
    assert f"{n_cycles} cycles (counted from its {n_half} half cycles: the file numbers at most one cycle)" in first
    assert " 1 cycles" not in first
