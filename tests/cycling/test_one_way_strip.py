"""A half cycle whose polarisation starts low and rises is not a short (found on Singh2022's one-way strip).

Before, the short and CCD detectors judged a first half cycle (or the first step of a staircase) against its own
median: a one-way strip whose polarisation rises when the stripping contact is lost (Singh et al., Cell Rep. Phys.
Sci. 3, 101043 (2022), Fig. 5C: the potential "rises suddenly" after 15.4 h at 0.2 mA/cm2; here from 15 to 290 mV, the
levels lisse's simulator gives for that cell, not read off the figure) spent most of its time near 290 mV, so its own first hour, at 15 mV < 0.3 x 290 mV, read as a hard short at t = 0. The reference
here is the generator: the polarisation is a smooth rise (no fall anywhere), so no collapse may be reported; a real
collapse in the same first half cycle (a fall after the level was reached) must still be.
"""

from __future__ import annotations

import numpy as np
import pytest

from lisse.analysis.ccd import CCDDetector
from lisse.analysis.shorts import ShortDetector
from lisse.records.cycling import CyclingRecord

AREA = 1e-4  # m2 (1 cm2)
J = 2.0  # A/m2 (0.2 mA/cm2)


def _one_way(rise_h: float = 1.0, collapse_h: float | None = None, seed: int = 0) -> CyclingRecord:
    """30.8 h of one-way stripping at J, sampled each minute (polarisation 15 mV, rising to 290 mV around ``rise_h`` as
    a logistic of 0.1 h width), 0.2 mV noise. ``collapse_h``: the polarisation falls to 0.5 mV there and stays (a hard
    short)."""
    rng = np.random.default_rng(seed)
    t1 = np.arange(0.0, 30.8 * 3600.0, 60.0)
    pol = 0.015 + 0.275 / (1.0 + np.exp(-(t1 / 3600.0 - rise_h) / 0.1))
    if collapse_h is not None:
        pol = np.where(t1 / 3600.0 >= collapse_h, 0.0005, pol)
    v = pol + 2e-4 * rng.standard_normal(t1.size)
    return CyclingRecord.from_arrays(t1, v, np.full(t1.size, J * AREA), area=f"{AREA} m2")


@pytest.mark.parametrize("rise_h", [0.5, 1.0, 3.0])
def test_a_rising_one_way_strip_is_not_a_hard_short(rise_h):
    rec = _one_way(rise_h)
    sd = ShortDetector().fit(rec, cell_type="symmetric")
    assert sd.criterion_ != "voltage_collapse" and not sd.short_detected_, (sd.criterion_, sd.failure_time_s_)
    cd = CCDDetector().fit(rec, cell_type="symmetric")
    assert cd.criterion_ != "voltage_collapse", (cd.criterion_, cd.failure_time_s_)


def test_a_collapse_after_the_rise_is_still_a_hard_short_at_its_time():
    rec = _one_way(1.0, collapse_h=25.0)
    sd = ShortDetector().fit(rec, cell_type="symmetric")
    assert sd.criterion_ == "voltage_collapse" and sd.short_detected_
    assert abs(sd.failure_time_s_ / 3600.0 - 25.0) <= 0.25  # the generator's collapse at 25 h, within the median window


def test_the_symmetric_override_does_not_make_impedance_data_a_cycling_test():
    # an EC-Lab PEIS file forced through `lisse ccd --cell-type symmetric` gave a "CCD" of 0.29 mA/cm2 (found by an
    # independent review): the override answers a classifier that takes a symmetric cell for a full cell, nothing else
    from lisse.errors import CellTypeError

    t = np.arange(200.0)
    rec = CyclingRecord.from_arrays(t, 1e-3 * np.sin(t), 1e-4 * np.sin(t), extra={"freq/Hz": np.logspace(6, -1, t.size)},
                                    area="1 cm2")
    for det in (CCDDetector(), ShortDetector()):
        with pytest.raises(CellTypeError, match="impedance"):
            det.fit(rec, cell_type="symmetric")
    empty = CyclingRecord.from_arrays(np.arange(0.0), np.arange(0.0), np.arange(0.0), area="1 cm2")
    with pytest.raises(CellTypeError, match="empty record"):
        CCDDetector().fit(empty, cell_type="symmetric")


def test_lisse_ccd_refuses_a_forced_peis_file_in_one_line():
    from ._shared import cycler_file, run_cli

    f = cycler_file("biologic_peis_Zn_shorted_ec1161.mpr")
    r = run_cli("ccd", str(f), "--area", "1 cm2", "--cell-type", "symmetric", "--json")
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "impedance" in r.stderr and str(f) in r.stderr


def test_the_override_still_takes_cycling_interleaved_with_impedance_scans():
    # independent review: EC-Lab's "EIS every N cycles" files carry a freq/Hz column that is empty on the cycling rows;
    # the override must keep them analysable (the shared biologic_mb_issue149.mpr is such a file)
    rng = np.random.default_rng(0)
    t = np.arange(0.0, 20 * 3600.0, 60.0)
    sgn = np.where((t // 3600.0).astype(int) % 2 == 0, 1.0, -1.0)
    v = sgn * 0.02 + 2e-4 * rng.standard_normal(t.size)
    i = sgn * 1e-4
    freq = np.full(t.size, np.nan)
    scan = (t >= 10 * 3600.0) & (t < 10 * 3600.0 + 20 * 60.0)  # a 20-point impedance scan between two half cycles
    freq[scan] = np.logspace(6, -1, int(scan.sum()))
    i = np.where(scan, 1e-6 * np.sin(t), i)
    rec = CyclingRecord.from_arrays(t, v, i, extra={"freq/Hz": freq}, area="1 cm2")
    d = ShortDetector().fit(rec, cell_type="symmetric")
    assert d.criterion_ == "none" and not d.short_detected_
