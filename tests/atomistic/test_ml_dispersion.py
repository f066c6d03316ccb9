"""An ML potential plus Grimme's D3 (:class:`lisse.atomistic.calculators.DispersionCorrected`).

References: the D3 energy and forces of the ``dftd3`` package called on its own on the same structure (the wrapper must
be the plain sum of the two calculators), the spec <-> label round trip, and, for the work of adhesion, the energy of
the reported interface recomputed here with the calculator: a calculator whose energy reaches across the vacuum takes
the film and substrate in the interface's own cell and checks the vacuum, as DFT does, and an ML potential alone does
neither. The ML part is a Lennard-Jones pair potential standing in for a model, so the tests need no model weights.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("dftd3")

from lisse.atomistic.calculators import AtomisticCalculator, CalculatorInfo, DispersionCorrected, get_calculator, is_long_range  # noqa: E402
from lisse.errors import ParameterError  # noqa: E402


def _pair():
    """A Lennard-Jones pair potential (minimum at 3.0 A, 0.1 eV deep) with energies, forces and stress: its repulsion
    holds the cells open against D3's pull (a potential without it would let a cell relaxation collapse)."""
    from ase.calculators.lj import LennardJones

    return LennardJones(sigma=2.7, epsilon=0.1, rc=6.0, smooth=True)


class FakeML(AtomisticCalculator):
    def __init__(self) -> None:
        self.info = CalculatorInfo("fake-ml", "lj", "0", "ml", 6.0, {"device": "cpu"})

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        return _pair()


def _d3(atoms):
    from dftd3.ase import DFTD3

    a = atoms.copy()
    a.calc = DFTD3(method="PBE", damping="d3zero")
    return a.get_potential_energy(), a.get_forces()


def test_ml_plus_d3_is_the_sum_of_the_ml_potential_and_dftd3():
    from ase.build import bulk

    atoms = bulk("LiF", "rocksalt", a=4.03).repeat(2)
    atoms.rattle(0.05, seed=1)
    calc = DispersionCorrected(FakeML())
    a = atoms.copy()
    a.calc = calc.ase_calculator(a)
    b = atoms.copy()
    b.calc = _pair()
    e_d3, f_d3 = _d3(atoms)
    assert abs(e_d3) > 1.0  # D3 is not negligible here: the sum is tested, not a rounding
    assert a.get_potential_energy() == pytest.approx(b.get_potential_energy() + e_d3, rel=1e-12, abs=0)
    np.testing.assert_allclose(a.get_forces(), b.get_forces() + f_d3, rtol=1e-10, atol=1e-12)
    assert np.abs(f_d3).max() > 1e-3


def test_spec_label_and_identity():
    c = get_calculator("chgnet+d3")
    assert isinstance(c, DispersionCorrected) and c.label() == "chgnet:0.3.0+d3"
    assert get_calculator(c.label()).identity() == c.identity() != get_calculator("chgnet").identity()
    assert get_calculator("chgnet:0.3.0", dispersion="d3").identity() == c.identity()
    assert get_calculator("sevennet", dispersion="d3").label() == "sevennet:7net-0+d3"
    assert c.info.settings["dispersion"] == "d3" and c.info.settings["d3_damping"] == "d3zero" and c.info.kind == "ml"
    assert is_long_range(c) and not is_long_range(get_calculator("chgnet"))
    for bad, kw, msg in (("gpaw+d3", {}, "dispersion='d3'"), ("chgnet", {"dispersion": "d4"}, "'dispersion'"),
                         ("chgnet", {"level": "screening"}, "level")):
        with pytest.raises(ParameterError, match=msg):
            get_calculator(bad, **kw)
    with pytest.raises(ParameterError, match="without dispersion"):
        DispersionCorrected(c)  # D3 twice
    dft = FakeML()
    dft.info = CalculatorInfo("fake-dft", "x", "0", "dft", 0.0, {})
    with pytest.raises(ParameterError, match="ML calculator"):
        DispersionCorrected(dft)


def test_work_of_adhesion_with_d3_takes_one_cell_and_checks_the_vacuum():
    from lisse.atomistic.engine import atoms_from_dict
    from lisse.atomistic.workflows import EV_PER_A2_TO_J_PER_M2, adhesion_workflow

    # forced supercells: the pair potential's own lattices (Li-F at 3 A) match no coherent cell of the search's limits
    kw = dict(substrate_layers=2, film_layers=3, n_starts=1, gaps=(2.2,), n_shift=1, steps=5, vacuum=12.0, sigma_li_layers=(3, 5),
              film_supercell=(2, 2), substrate_supercell=(1, 1), supercell_cell="conventional")
    calc = DispersionCorrected(FakeML())
    r = adhesion_workflow(calc, "LiF", **kw)
    assert r["calculator"] == "fake-ml:lj+d3" and r["dispersion"] == "d3"
    cc = r["common_cell"]
    assert cc is not None
    atoms = atoms_from_dict(r["structure"])
    a = atoms.copy()
    a.calc = calc.ase_calculator(a)
    area = float(np.linalg.norm(np.cross(atoms.cell[0], atoms.cell[1])))
    w = (cc["film_energy_eV"] + cc["substrate_energy_eV"] - a.get_potential_energy()) / area * EV_PER_A2_TO_J_PER_M2
    assert r["work_of_adhesion_J_m2"] == pytest.approx(w, rel=1e-9, abs=0)
    vac = [x for x in r["convergence"] if x["parameter"] == "vacuum_A" and x["change"] is not None]
    assert len(vac) == 1 and r["checks"]["vacuum_change_J_m2"] == pytest.approx(abs(vac[0]["change"]), rel=1e-12, abs=0)
    # the statement for a calculator the accuracy table has no row for
    assert r["uncertainty"]["known"] is False and "fake-ml:lj+d3" in r["uncertainty"]["statement"]
    plain = adhesion_workflow(FakeML(), "LiF", **kw)  # the ML potential alone: no term across the vacuum
    assert plain["common_cell"] is None and plain["checks"]["vacuum_change_J_m2"] is None and plain["dispersion"] is None


def test_the_d3_part_of_a_slab_is_non_periodic_along_z_as_in_the_dft_runs():
    """GPAW makes a slab non-periodic along z before D3 (review s48: ML + D3 kept it periodic, adding the images across
    the vacuum, 0.005-0.007 J/m2 on Ji2025's cell); the D3 part of a slab equals dftd3 on the z-non-periodic copy and
    differs from the periodic one, while a bulk cell stays periodic (the first test)."""
    from ase.build import fcc100

    slab = fcc100("Cu", size=(2, 2, 3), vacuum=4.0)  # 8 A of vacuum: a slab (> 5 A), images 8 A apart
    slab.set_chemical_symbols(["Li"] * len(slab))
    slab.pbc = True
    a = slab.copy()
    a.calc = DispersionCorrected(FakeML()).ase_calculator(a)
    ml = slab.copy()
    ml.calc = _pair()
    open_z = slab.copy()
    open_z.pbc = [True, True, False]
    e_open, f_open = _d3(open_z)
    e_per, _ = _d3(slab)
    assert abs(e_per - e_open) > 1e-4  # the images count here: the test can tell the two apart
    assert a.get_potential_energy() == pytest.approx(ml.get_potential_energy() + e_open, rel=1e-12, abs=0)
    np.testing.assert_allclose(a.get_forces(), ml.get_forces() + f_open, rtol=1e-10, atol=1e-12)


def test_the_dft_d3_wrapper_is_the_same_d3_home():
    """``with_d3`` (GPAW's and CP2K's D3) is DFT + the same slab D3 as ML + D3: a periodic slab (as CP2K keeps one) gets
    dftd3's energy of its z-non-periodic copy, a bulk cell the periodic one; the DFT part is passed through unchanged."""
    from ase.build import bulk, fcc100

    from lisse.atomistic.calculators import with_d3

    slab = fcc100("Cu", size=(2, 2, 3), vacuum=4.0)
    slab.set_chemical_symbols(["Li"] * len(slab))
    slab.pbc = True
    open_z = slab.copy()
    open_z.pbc = [True, True, False]
    for atoms, ref in ((slab, open_z), (bulk("Li", "bcc", a=3.44, cubic=True), None)):
        a, ml = atoms.copy(), atoms.copy()
        a.calc, ml.calc = with_d3(_pair()), _pair()
        e_d3, f_d3 = _d3(atoms if ref is None else ref)
        assert a.get_potential_energy() == pytest.approx(ml.get_potential_energy() + e_d3, rel=1e-12, abs=0)
        np.testing.assert_allclose(a.get_forces(), ml.get_forces() + f_d3, rtol=1e-10, atol=1e-12)
    assert abs(_d3(slab)[0] - _d3(open_z)[0]) > 1e-4  # the two conventions differ here: the test can fail


def test_calculators_whose_d3_convention_changed_carry_it_in_their_identity():
    """ML + D3 and CP2K + D3 counted a slab's images across the vacuum before (review s49): their identity (the cache key)
    names the convention, so such entries are never reused; GPAW's D3 did not change (its slabs were non-periodic along
    z), so its identity, and its stored caches, stay as they were; a run without D3 is untouched."""
    from lisse.atomistic.calculators import D3_SLAB_CONVENTION, GPAWCalculator

    assert DispersionCorrected(FakeML()).info.settings["d3_slab"] == D3_SLAB_CONVENTION == "non-periodic along z"
    assert "d3_slab" not in GPAWCalculator("screening", dispersion="d3").info.settings
    cp2k = pytest.importorskip("lisse.io.cp2k")
    assert cp2k.CP2KCalculator("test", dispersion="d3").info.settings["d3_slab"] == D3_SLAB_CONVENTION
    assert "d3_slab" not in cp2k.CP2KCalculator("test").info.settings
