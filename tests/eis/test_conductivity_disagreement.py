"""When the DRT's bulk conductivity (R_inf + bulk peaks) and the circuit fit's (its first arc) differ, the output says
so and why (found by an independent audit: a factor 2 apart in one JSON, with no cross-note)."""

from __future__ import annotations

import json

import pytest

from lisse.analysis.eis.workflow import CONDUCTIVITY_DISAGREEMENT_RATIO, _conductivity_disagreement

from .eis_testdata import eis_cli, eis_file


def test_note_only_beyond_the_ratio():
    base = {"bulk_conductivity_S_cm": 1e-3, "bulk_resistance_ohm": 100.0,
            "fit": {"conductivity_S_cm": 1e-3 / CONDUCTIVITY_DISAGREEMENT_RATIO * 0.999, "bulk_element": "R1", "bulk_resistance_ohm": 120.0}}
    note = _conductivity_disagreement(base)
    assert note is not None and note.startswith("the two bulk conductivities differ by x1.20")
    assert "R_inf" in note and "R1 (120 ohm)" in note
    base["fit"]["conductivity_S_cm"] = 1e-3 / CONDUCTIVITY_DISAGREEMENT_RATIO * 1.001
    assert _conductivity_disagreement(base) is None
    assert _conductivity_disagreement({"bulk_conductivity_S_cm": 1e-3}) is None
    assert _conductivity_disagreement({"fit": {"conductivity_S_cm": 1e-3}}) is None


def test_synthetic_three_element_spectrum_is_flagged():
    """pyimpspec's synthetic spectrum R0 = 100, R1 = 200, R2 = 500 ohm: the DRT's bulk is R_inf ~ R0, the circuit's R1."""
    f = eis_file("pyimpspec/data.mpt")
    r = eis_cli(str(f), "--json", "--drt", "--fit", "R0-p(R1,CPE1)-p(R2,CPE2)", "--area", "1", "--thickness", "500")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    d = d[0] if isinstance(d, list) else d
    assert d["fit"]["bulk_resistance_ohm"] == pytest.approx(200.0, rel=1e-3)
    assert d["bulk_resistance_ohm"] == pytest.approx(100.0, rel=0.05)
    assert "differ by x1.9" in d["conductivity_disagreement"] or "differ by x2.0" in d["conductivity_disagreement"]
    text = eis_cli(str(f), "--drt", "--fit", "R0-p(R1,CPE1)-p(R2,CPE2)", "--area", "1", "--thickness", "500").stdout
    assert "  note: the two bulk conductivities differ" in text


def test_drt_total_without_grain_boundary_peak_is_noted():
    """Bulk (1e-7 s) and interface (1e-2 s) arcs only: no grain-boundary peak, so the DRT's bulk + GB resistance is the
    bulk one (10 + 100 ohm), and the note says R_gb was not resolved rather than counting it as a measured 0."""
    from lisse.analysis.eis.workflow import analyse
    from lisse.records.spectrum import EISSpectrum

    from .eis_testdata import freq_grid, three_arc

    f = freq_grid()
    sp = EISSpectrum(f, three_arc(f, rs=(100.0, 500.0), taus=(1e-7, 1e-2)), area=1e-4, thickness=1e-3)
    out, _ = analyse(sp, drt=True, kk=False, fit=None, lam=1e-3)
    assert "grain_boundary" not in out["drt"]["process_resistance_ohm"]
    assert out["bulk_gb_resistance_ohm"] == pytest.approx(110.0, rel=0.03)
    assert "no grain-boundary peak resolved" in out["conductivity_note"]
    assert out["grain_boundary_resolved"] is False and out["bulk_peak_resolved"] is True
    assert "no bulk peak resolved" not in out["conductivity_note"]
    # the text output says what the "bulk+GB" number is
    from lisse.cli.eis import render

    text = render({"label": "x", "n_points": len(f), "frequency_max_Hz": float(max(f)), "frequency_min_Hz": float(min(f)),
                   "reader": "test", **out})
    assert "bulk+GB" in text and "no grain-boundary peak resolved: = bulk" in text
    # an interface arc alone (the bulk arc above f_max): bulk is R_inf, leads included, and the note says so
    sp2 = EISSpectrum(f, three_arc(f, rs=(500.0,), taus=(1e-2,)), area=1e-4, thickness=1e-3)
    out2, _ = analyse(sp2, drt=True, kk=False, fit=None, lam=1e-3)
    assert out2["bulk_peak_resolved"] is False and "bulk = R_inf" in out2["conductivity_note"]
