"""W_ad against three references for the separated slabs (:func:`lisse.atomistic.workflows.slab_reference_rows`).

Independent references: (1) a bond-counting energy without forces, where nothing relaxes, so the three references
are the same structures and W_ad is 0.1 eV per bond across the interface, counted here from the reported structure;
(2) a Lennard-Jones pair potential that relaxes, with the frozen slabs' energies recomputed here from the reported
interface (a second computation outside the workflow), and the variational order: the relaxation of the strained,
as-built slabs can only lower their energies, so the unrelaxed reference's W_ad lies above the relaxed one.
"""

from __future__ import annotations

import argparse
import math

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")

from ase.calculators.calculator import Calculator, all_changes  # noqa: E402

from lisse.atomistic.calculators import AtomisticCalculator, CalculatorInfo  # noqa: E402

EV_A2 = 16.021766339999997  # J/m2 per eV/A2 (1.602176634e-19 J / 1e-20 m2), written out here


class _Bonds(Calculator):
    """-0.1 eV per pair closer than 3.3 A; no forces (relaxations stop at once)."""

    implemented_properties = ["energy", "free_energy", "forces", "stress"]

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        from ase.neighborlist import neighbor_list

        super().calculate(atoms, properties, system_changes)
        i, _ = neighbor_list("ij", self.atoms, 3.3)
        e = -0.1 * len(i) / 2
        n = len(self.atoms)
        self.results = {"energy": e, "free_energy": e, "forces": np.zeros((n, 3)), "stress": np.zeros(6)}


class Bonds(AtomisticCalculator):
    def __init__(self) -> None:
        self.info = CalculatorInfo("fake-ml", "bonds", "0", "ml", 3.3, {})

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        return _Bonds()


def _pair():
    from ase.calculators.lj import LennardJones

    return LennardJones(sigma=2.7, epsilon=0.1, rc=6.0, smooth=True)


class PairML(AtomisticCalculator):
    def __init__(self) -> None:
        self.info = CalculatorInfo("fake-ml", "lj", "0", "ml", 6.0, {})

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        return _pair()


KW = dict(substrate_layers=2, film_layers=3, n_starts=1, gaps=(2.2,), n_shift=1, max_strain=0.07, max_area=70.0, vacuum=12.0)


def _interface(r):
    from lisse.atomistic.engine import atoms_from_dict

    a = atoms_from_dict(r["structure"])
    n_sub = 2 * a.get_chemical_symbols().count("F")  # stoichiometric LiF slab first, then the Li film
    return a, n_sub


def test_without_relaxation_the_three_references_agree_and_count_the_bonds_across():
    from ase.neighborlist import neighbor_list

    from lisse.atomistic.workflows import adhesion_workflow

    r = adhesion_workflow(Bonds(), "LiF", steps=5, slab_references=True, **KW)
    rows = r["slab_references"]
    assert [x["slab_reference"] for x in rows] == ["relaxed", "frozen", "unrelaxed"]
    a, n_sub = _interface(r)
    i, j = neighbor_list("ij", a, 3.3)
    across = int(np.sum((i < n_sub) & (j >= n_sub)))  # each pair once (i in the substrate, j in the film)
    assert across > 0
    expected = 0.1 * across / r["interface_area_A2"] * EV_A2
    for x in rows:
        assert x["work_of_adhesion_J_m2"] == pytest.approx(expected, rel=1e-9, abs=0), x["slab_reference"]
        assert x["change_from_relaxed_J_m2"] == pytest.approx(0.0, abs=1e-12)
    assert r["work_of_separation_J_m2"] == pytest.approx(expected, rel=1e-9, abs=0)
    assert r["work_of_adhesion_J_m2"] == pytest.approx(expected, rel=1e-9, abs=0)


def test_with_relaxation_frozen_is_recomputed_here_and_unrelaxed_lies_above_relaxed():
    from lisse.atomistic.workflows import SLAB_REFERENCES, adhesion_workflow

    # the pair potential's own lattices match nowhere within the limits: Li 2x2 forced onto LiF 1x1 (the film compressed, as on Ji2025's cell)
    r = adhesion_workflow(PairML(), "LiF", steps=200, fmax=0.01, slab_references=True, film_supercell=(2, 2), substrate_supercell=(1, 1),
                          supercell_cell="conventional", **KW)
    assert abs(r["film_strain_percent"]) > 5.0
    rows = {x["slab_reference"]: x for x in r["slab_references"]}
    assert rows["relaxed"]["work_of_adhesion_J_m2"] == r["work_of_adhesion_J_m2"]
    a, n_sub = _interface(r)
    area = r["interface_area_A2"]

    def energy(atoms):
        b = atoms.copy()
        b.calc = _pair()
        return b.get_potential_energy()

    e_int, e_f, e_s = energy(a), energy(a[n_sub:]), energy(a[:n_sub])
    w_frozen = (e_f + e_s - e_int) / area * EV_A2
    assert rows["frozen"]["work_of_adhesion_J_m2"] == pytest.approx(w_frozen, rel=1e-9, abs=0)
    assert r["work_of_separation_J_m2"] == rows["frozen"]["work_of_adhesion_J_m2"]
    assert (rows["frozen"]["film_energy_eV"], rows["frozen"]["substrate_energy_eV"]) == pytest.approx((e_f, e_s), rel=1e-12, abs=0)
    # relaxation only lowers the as-built slabs' energies (the strained film most): the unrelaxed reference is above
    rise = rows["unrelaxed"]["change_from_relaxed_J_m2"]
    assert rise > 1e-3
    assert rise == pytest.approx(rows["unrelaxed"]["work_of_adhesion_J_m2"] - rows["relaxed"]["work_of_adhesion_J_m2"], rel=1e-12, abs=0)
    assert math.isfinite(rows["frozen"]["change_from_relaxed_J_m2"])
    assert {x["definition"] for x in rows.values()} == set(SLAB_REFERENCES.values())


def test_off_by_default_and_the_cli_passes_the_flag():
    from lisse.atomistic.workflows import adhesion_workflow
    from lisse.cli import wetting

    r = adhesion_workflow(Bonds(), "LiF", steps=5, **KW)
    assert r["slab_references"] is None and r["work_of_separation_J_m2"] is None
    assert r["provenance"]["n_jobs"] == adhesion_workflow(Bonds(), "LiF", steps=5, slab_references=True, **KW)["provenance"]["n_jobs"] - 4
    p = argparse.ArgumentParser()
    wetting.add_arguments(p)
    args = p.parse_args(["Li", "LiF", "--slab-references"])
    assert wetting._workflow_kw(args)["slab_references"] is True
    assert "slab_references" not in wetting._workflow_kw(p.parse_args(["Li", "LiF"]))


def test_the_unrelaxed_reference_grows_with_the_strained_films_thickness():
    """The as-built film's relaxation energy is extensive (each strained plane relaxes): the unrelaxed reference's
    excess over the relaxed W_ad grows with the number of Li planes, and the frozen one's does not."""
    from lisse.atomistic.workflows import adhesion_workflow

    rise = {}
    for n in (3, 5):
        kw = dict(KW, film_layers=n)
        r = adhesion_workflow(PairML(), "LiF", steps=200, fmax=0.01, slab_references=True, film_supercell=(2, 2), substrate_supercell=(1, 1),
                              supercell_cell="conventional", **kw)
        rows = {x["slab_reference"]: x["change_from_relaxed_J_m2"] for x in r["slab_references"]}
        rise[n] = (rows["unrelaxed"], rows["frozen"])
    # per extra plane, about a plane's share of the 3-plane excess: 5 planes carry at least 4/3 of 3 planes' (surfaces apart)
    assert rise[5][0] > 4 / 3 * rise[3][0] > 0
    assert abs(rise[5][1] - rise[3][1]) < 0.25 * rise[3][0]


def _relative(a):
    """Positions relative to the first atom, wrapped in-plane (a rigid translation and the in-plane images removed)."""
    return _in_plane_wrapped(a.positions - a.positions[0], a.cell.array)


def _in_plane_wrapped(d, cell):
    """Displacements [Å] with their in-plane lattice images removed (an atom at fractional 0.5 can round either way)."""
    frac = np.linalg.solve(cell.T, d.T).T
    frac[:, :2] -= np.round(frac[:, :2])
    return frac @ cell


def test_each_reference_computes_the_slabs_it_names_in_the_interfaces_cell(monkeypatch):
    """The jobs' inputs, recorded: frozen = the relaxed interface's two parts; unrelaxed = the as-built slabs that the
    relaxations started from; both in the interface's cell. With a long-range calculator whose energy has a
    cell-height term (a grid error, as in test_common_cell), the relaxed row uses the common-cell energies."""
    import lisse.atomistic.workflows as wf

    class HeightGrid(Calculator):  # the pair potential plus 0.02 eV per atom x sin(2 pi L_z / 0.9 A)
        implemented_properties = ["energy", "free_energy", "forces", "stress"]

        def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
            super().calculate(atoms, properties, system_changes)
            b = self.atoms.copy()
            b.calc = _pair()
            e = b.get_potential_energy() + 0.02 * len(b) * math.sin(2 * math.pi * float(b.cell[2, 2]) / 0.9)
            self.results = {"energy": e, "free_energy": e, "forces": b.get_forces(), "stress": b.get_stress()}

    class LongRange(AtomisticCalculator):
        long_range = True

        def __init__(self) -> None:
            self.info = CalculatorInfo("fake-dft", "lj-grid", "0", "dft", 6.0, {"level": "test"})

        def ase_calculator(self, atoms=None, purpose: str = "energy"):
            return HeightGrid()

    seen: dict = {}
    real = wf.WorkflowContext.run

    def record(self, job, **kw):
        seen[job.name] = job.atoms.copy()
        return real(self, job, **kw)

    monkeypatch.setattr(wf.WorkflowContext, "run", record)
    r = wf.adhesion_workflow(LongRange(), "LiF", steps=200, fmax=0.01, slab_references=True, film_supercell=(2, 2), substrate_supercell=(1, 1),
                             supercell_cell="conventional", **KW)
    rows = {x["slab_reference"]: x for x in r["slab_references"]}
    assert r["common_cell"] is not None
    assert (rows["relaxed"]["film_energy_eV"], rows["relaxed"]["substrate_energy_eV"]) == (r["common_cell"]["film_energy_eV"],
                                                                                         r["common_cell"]["substrate_energy_eV"])
    a, n_sub = _interface(r)
    for name, ref in (("frozen_film", a[n_sub:]), ("frozen_substrate", a[:n_sub]),
                      ("unrelaxed_film", seen["film_strained"]), ("unrelaxed_substrate", seen["substrate"])):
        got = seen[name]
        np.testing.assert_allclose(got.cell.array, a.cell.array, rtol=0, atol=1e-9, err_msg=name)  # the interface's cell
        np.testing.assert_allclose(_in_plane_wrapped(_relative(got) - _relative(ref), a.cell.array), 0.0, rtol=0, atol=1e-9,
                                   err_msg=name)
    # the as-built slabs are not the frozen ones: relaxation moved the atoms
    assert np.abs(_relative(seen["unrelaxed_film"]) - _relative(seen["frozen_film"])).max() > 0.05
    assert np.abs(_relative(seen["unrelaxed_substrate"]) - _relative(seen["frozen_substrate"])).max() > 1e-3
    # W_sep recomputed here, in the interface's cell, with the grid term
    e = {}
    for k, at in (("i", a), ("f", a[n_sub:]), ("s", a[:n_sub])):
        b = at.copy()
        b.calc = HeightGrid()
        e[k] = b.get_potential_energy()
    assert r["work_of_separation_J_m2"] == pytest.approx((e["f"] + e["s"] - e["i"]) / r["interface_area_A2"] * EV_A2, rel=1e-9, abs=0)


def test_frozen_slabs_below_the_relaxed_ones_are_warned_about(monkeypatch):
    """Cut from the relaxed interface, the slabs can only be lower than the slabs relaxed on their own when those
    relaxations stopped above a minimum: beyond the level's tolerance (screening's for an ML level, 0.02 J/m2), a warning."""
    import lisse.atomistic.workflows as wf

    real = wf.slab_reference_rows
    for drop, warned in ((0.05, True), (0.01, False)):
        def lowered(*a, drop=drop, **k):
            rows = real(*a, **k)
            rows[1] = dict(rows[1], work_of_adhesion_J_m2=rows[0]["work_of_adhesion_J_m2"] - drop, change_from_relaxed_J_m2=-drop)
            return rows

        monkeypatch.setattr(wf, "slab_reference_rows", lowered)
        r = wf.adhesion_workflow(Bonds(), "LiF", steps=5, slab_references=True, **KW)
        notes = [w for w in r["warnings"] if "cut from the relaxed interface" in w]
        assert bool(notes) is warned, (drop, r["warnings"])
        if warned:
            assert "0.05 J/m2 lower" in notes[0] and "tolerance 0.02 J/m2" in notes[0]
        assert r["work_of_adhesion_valid"] is True  # a note on the slabs, not a verdict on the interface


def test_the_text_output_names_the_two_other_references():
    from lisse.atomistic.workflows import adhesion_workflow
    from lisse.cli.wetting import render

    r = adhesion_workflow(PairML(), "LiF", steps=200, fmax=0.01, slab_references=True, film_supercell=(2, 2), substrate_supercell=(1, 1),
                          supercell_cell="conventional", **KW)
    text = render(r)
    rows = {x["slab_reference"]: x for x in r["slab_references"]}
    for name in ("frozen", "unrelaxed"):
        x = rows[name]
        assert f"W_ad with {name} slabs: {x['work_of_adhesion_J_m2']:.3f} J/m2 ({x['change_from_relaxed_J_m2']:+.3f})" in text
    assert "with relaxed slabs" not in text  # the relaxed one is the W_ad line itself
    assert "slabs:" not in render(adhesion_workflow(PairML(), "LiF", steps=200, fmax=0.01, film_supercell=(2, 2), substrate_supercell=(1, 1),
                                                    supercell_cell="conventional", **KW))
