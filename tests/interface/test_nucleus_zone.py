"""Li nucleated in an interlayer cell plates on the walls of one pore diameter of pores, not of the whole cell.

A nucleated cell used to plate on all its pore walls (area a_li h): the Li plated next to the electrolyte face grew with
the cell width h, so the face short of thick layers depended on the mesh (LNI-5CNT, 0.2 mAh/cm2 steps: 200 um / porosity
0.2, cells 1.67 um wide at 120 cells, shorted at 2.5 mA/cm2 with 120 cells and not to 10 mA/cm2 with 240; 120 um / 0.2
shorted in half cycle 11 with 120 cells and not with 240; at 51.4 um / 0.4 the deepest face fill was 0.73, 0.60, 0.54,
0.51 um at 60-480 cells). Now a nucleation event seeds the pores one pore diameter deep around the cell (assumed: the Li
grown from a nucleus covers the walls of the pore it formed in), whatever the cell width.
"""

from __future__ import annotations

import numpy as np
import pytest

from lisse.sim.interface import build_model, predict_ccd, simulate, staircase, transient


def _staircase(max_current: float = 100.0):
    return staircase("fixed-capacity", start=5.0, increment=5.0, step_capacity=0.2 * 3.6e4, max_current=max_current)


def _model(thickness_um: float, porosity: float, **kw):
    return build_model(interlayer="LNI-5CNT", interlayer_thickness=thickness_um * 1e-6, porosity=porosity, **kw)


@pytest.mark.parametrize(("thickness_um", "porosity"), [(200.0, 0.2), (120.0, 0.2), (51.4, 0.4)])
def test_ccd_and_failure_do_not_depend_on_the_face_mesh(monkeypatch, thickness_um, porosity):
    # second method as reference: the same prediction on a mesh twice as fine (face cells 1.67 -> 0.83 um at 200 um:
    # wider, then narrower than the 1 um pore diameter). Before: 200 um shorted at 2.5 mA/cm2 (half cycle 9) with 120
    # cells, no failure with 240; 120 um shorted in half cycle 11 with 120 cells, no failure with 240
    # 120 um runs to 15 mA/cm2: its face short comes at 10.5 (half cycle 41) at 20 and 40 points per half cycle, and in
    # the 10 mA/cm2 half cycle 39 from 80 points (held cell currents on stripping; the exponential decay used before
    # left nucleated Li in the face pores and shorted at 9.0, half cycle 35, at 20 points, 9.5 at 80, 10 at 320)
    m, p = _model(thickness_um, porosity), _staircase(150.0 if thickness_um == 120.0 else 100.0)
    out = {}
    for n in (transient.N_CELLS, 2 * transient.N_CELLS):
        with monkeypatch.context() as mp:
            mp.setattr(transient, "N_CELLS", n)
            pred = predict_ccd(m, p)
        sim = pred.simulation
        out[n] = (pred.ccd_A_m2, pred.failing_current_density_A_m2, pred.failure_mode, sim.failure_mode, sim.failure_half_cycle)
    assert out[transient.N_CELLS] == out[2 * transient.N_CELLS]
    if thickness_um == 120.0:  # a face short at both meshes (half cycle 41, 10.5 mA/cm2)
        assert out[transient.N_CELLS][3:] == ("short", 41)


def test_face_fill_converges_with_the_mesh(monkeypatch):
    # the deepest fill of the face pores by nucleated Li (the confinement measure, _face_li): before 0.73, 0.60, 0.54 um
    # at 60, 120, 240 cells (51.4 um / 0.4, no short); now 0.785, 0.780, 0.778 um
    depths: list[float] = []
    face_li = transient._face_li

    def spy(e, depth):
        d = face_li(e, depth)
        depths.append(d)
        return d

    monkeypatch.setattr(transient, "_face_li", spy)
    # the geometric void depth h_v = 1 um: with the calibrated 14.9 um nothing nucleates at the face on this staircase
    m, p = _model(51.4, 0.4, void_depth="1 um"), _staircase()
    deepest = {}
    for n in (60, 120, 240):
        depths.clear()
        simulate(m, p, n_cells=n)
        deepest[n] = max(depths)
    assert deepest[60] == pytest.approx(deepest[240], rel=0.02)
    assert deepest[120] == pytest.approx(deepest[240], rel=0.01)


@pytest.mark.parametrize("n_cells", [7, 60, 120, 480])
@pytest.mark.parametrize("where", ["face", "anode", "middle"])
def test_nucleus_zone_is_one_pore_diameter_whatever_the_mesh(n_cells, where):
    # the pore walls seeded by one nucleation event: one pore diameter of depth (wall share x width summed), inside the
    # layer, on any mesh (cells narrower or wider than the pore); the seed moves no Li
    m = _model(51.4, 0.4)
    lt, depth = 51.4e-6, 1e-6
    e = transient._Electrode(m, n_cells)
    e.s[:] = 0.3 * np.linspace(0.0, 1.0, n_cells)
    li_before = e.pore_li(0.4)
    k = {"face": n_cells - 1, "anode": 0, "middle": n_cells // 2}[where]
    new = np.zeros(n_cells, dtype=bool)
    new[k] = True
    transient._seed_nuclei(e, new, depth, lt)
    seeded = (e.seed & transient._SEED_NUCLEI) > 0
    assert seeded[k]
    assert float(e.wall @ e.h) == pytest.approx(depth, rel=1e-9)
    assert np.all(e.wall[~seeded] == 0.0) and np.all((e.wall[seeded] > 0.0) & (e.wall[seeded] <= 1.0))
    assert e.pore_li(0.4) == li_before  # Li volume conserved: seeding moves no Li
    if where == "face":  # the face pores: the zone ends at the electrolyte face
        assert seeded[-1] and float(e.wall[-1]) == pytest.approx(min(1.0, depth / (lt / n_cells)))


def test_face_li_counts_the_li_volume_in_the_face_pores():
    m = _model(51.4, 0.4)
    e = transient._Electrode(m, 4)
    h = 51.4e-6 / 4
    e.s[:] = [0.2, 0.0, 0.5, 0.1]
    # a zone of 1.5 cells: all of cell 3 and half of cell 2 (whose Li, 0.5 h, fits its 0.5 h inside the zone)
    assert transient._face_li(e, 1.5 * h) == pytest.approx((0.1 + 0.5) * h, rel=1e-12)
    assert transient._face_li(e, 1.0 * h) == pytest.approx(0.1 * h, rel=1e-12)  # cell 3 only
    # a zone inside one cell: that cell's Li up to the zone's depth (a coarse mesh judges the volume, not the fill)
    assert transient._face_li(e, 0.05 * h) == pytest.approx(0.05 * h, rel=1e-12)
    assert transient._face_li(e, 0.2 * h) == pytest.approx(0.1 * h, rel=1e-12)
    e.s[:] = 1.0  # every cell full: the zone is full whatever its depth
    for d in (0.3 * h, 2.5 * h, 4 * h):
        assert transient._face_li(e, d) == pytest.approx(d, rel=1e-12)


def test_face_li_grows_with_every_li_volume_added_to_the_zone():
    """The review's cases: Li reaching the last empty cell (fills 0, .3, .3, .3 -> 1e-6, ...) lowered the old count
    from 0.9 to 0.3 cell widths, and the anode front filling the cells behind the face Li (1, 1, 1, .6) lowered the
    first rewrite's to 0. The measure may only grow as Li is added anywhere, and not at all outside the zone."""
    m = _model(51.4, 0.4)
    e = transient._Electrode(m, 4)
    h = 51.4e-6 / 4
    d = 2.5 * h
    e.s[:] = [0.0, 0.3, 0.3, 0.3]
    before = transient._face_li(e, d)
    assert before == pytest.approx(0.9 * h, rel=1e-12)  # cell 1: its 0.3 h of Li fits the 0.5 h inside the zone
    for fill in (1e-6, 0.5, 1.0):  # cell 0 is outside the zone
        e.s[0] = fill
        assert transient._face_li(e, d) == pytest.approx(before, rel=1e-12)
    for s in ([1.0, 1.0, 0.3, 0.3], [1.0, 1.0, 1.0, 0.6], [1.0, 1.0, 1.0, 1.0]):
        e.s[:] = s
        now = transient._face_li(e, d)
        assert now >= before - 1e-18
        before = now
    assert before == pytest.approx(d, rel=1e-12)
    e.s[:] = [0.0, 0.3, 0.3, 0.3]
    before = transient._face_li(e, d)
    for k, add in ((2, 0.2), (3, 0.2)):  # Li added inside the zone raises the count by its volume
        e.s[k] += add
        assert transient._face_li(e, d) == pytest.approx(before + add * h, rel=1e-12)
        before = transient._face_li(e, d)
