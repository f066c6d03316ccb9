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


def _staircase():
    return staircase("fixed-capacity", start=5.0, increment=5.0, step_capacity=0.2 * 3.6e4, max_current=100.0)


def _model(thickness_um: float, porosity: float):
    return build_model(interlayer="LNI-5CNT", interlayer_thickness=thickness_um * 1e-6, porosity=porosity)


@pytest.mark.parametrize(("thickness_um", "porosity"), [(200.0, 0.2), (120.0, 0.2), (51.4, 0.4)])
def test_ccd_and_failure_do_not_depend_on_the_face_mesh(monkeypatch, thickness_um, porosity):
    # second method as reference: the same prediction on a mesh twice as fine (face cells 1.67 -> 0.83 um at 200 um:
    # wider, then narrower than the 1 um pore diameter). Before: 200 um shorted at 2.5 mA/cm2 (half cycle 9) with 120
    # cells, no failure with 240; 120 um shorted in half cycle 11 with 120 cells, no failure with 240
    m, p = _model(thickness_um, porosity), _staircase()
    out = {}
    for n in (transient.N_CELLS, 2 * transient.N_CELLS):
        with monkeypatch.context() as mp:
            mp.setattr(transient, "N_CELLS", n)
            pred = predict_ccd(m, p)
        sim = pred.simulation
        out[n] = (pred.ccd_A_m2, pred.failing_current_density_A_m2, pred.failure_mode, sim.failure_mode, sim.failure_half_cycle)
    assert out[transient.N_CELLS] == out[2 * transient.N_CELLS]
    if thickness_um == 120.0:  # a face short at both meshes (half cycle 11, 3.0 mA/cm2)
        assert out[transient.N_CELLS][3] == "short"


def test_face_fill_converges_with_the_mesh(monkeypatch):
    # the deepest fill of the face pores by nucleated Li (the confinement measure, _face_li): before 0.73, 0.60, 0.54 um
    # at 60, 120, 240 cells (51.4 um / 0.4, no short); now 0.785, 0.780, 0.778 um
    depths: list[float] = []
    face_li = transient._face_li

    def spy(e):
        d = face_li(e)
        depths.append(d)
        return d

    monkeypatch.setattr(transient, "_face_li", spy)
    m, p = _model(51.4, 0.4), _staircase()
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


def test_face_li_counts_the_li_piled_against_the_face():
    m = _model(51.4, 0.4)
    e = transient._Electrode(m, 4)
    h = 51.4e-6 / 4
    e.s[:] = [0.2, 0.0, 0.5, 0.1]  # Li spread over the two cells at the face (not full), cell 1 empty
    assert transient._face_li(e) == pytest.approx((0.5 + 0.1) * h)  # the Li of cells 2-3; cell 0 is behind an empty one
    e.s[:] = [0.4, 1.0, 0.5, 1.0]  # Li in every cell: cell 0 is the anode's front (the first cell from the anode not full)
    assert transient._face_li(e) == pytest.approx(2.5 * h)
    e.s[:] = [1.0, 0.4, 0.5, 1.0]  # the anode's front has filled cell 0 and is in cell 1
    assert transient._face_li(e) == pytest.approx(1.5 * h)
    e.s[:] = 1.0  # every cell full: the whole layer
    assert transient._face_li(e) == pytest.approx(4 * h)


def test_face_li_does_not_fall_when_li_reaches_the_last_empty_cell():
    """The review's case: nucleated Li spread over the three face cells (0.9 cell widths); the first Li in the last empty
    cell (the anode's) used to switch the count to "full cells from the face plus one partial" and drop it to 0.3."""
    m = _model(51.4, 0.4)
    e = transient._Electrode(m, 4)
    h = 51.4e-6 / 4
    e.s[:] = [0.0, 0.3, 0.3, 0.3]
    before = transient._face_li(e)
    assert before == pytest.approx(0.9 * h, rel=1e-12)
    for fill in (1e-6, 0.5, 0.999):
        e.s[0] = fill
        assert transient._face_li(e) == pytest.approx(before, rel=1e-12)
    e.s[:] = [0.0, 0.3, 0.3, 0.3]
    for k in (1, 2, 3):  # Li added to a cell of the face's run raises the count by its volume
        e.s[k] += 0.2
        assert transient._face_li(e) == pytest.approx(before + 0.2 * h, rel=1e-12)
        before = transient._face_li(e)
