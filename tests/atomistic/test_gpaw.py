"""The GPAW DFT calculator path (issue 17 item 1): settings per structure, and a tiny real DFT check.

The cheap tests check how calculators are built (no SCF). The slow tests run GPAW on bcc Li and compare the PBE
lattice constant with the published all-electron PBE value, and run ``lisse wetting ... --calculator gpaw --level
test`` end to end (keys, units, finiteness, a rerun served by the cache). Skipped when gpaw is not installed.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")
pytestmark = pytest.mark.atomistic

from lisse.atomistic.calculators import GPAW_LEVELS, GPAWCalculator, get_calculator  # noqa: E402
from lisse.errors import ParameterError  # noqa: E402

#: PBE lattice constant of bcc Li [A], all-electron (WIEN2k), no zero-point correction: Haas, Tran, Blaha,
#: Phys. Rev. B 79, 085104 (2009), table of lattice constants (Li: PBE 3.429 A; experiment corrected for
#: zero-point anharmonic expansion 3.451 A).
LI_A_PBE_HAAS2009 = 3.429


def _li_bulk(a=3.44):
    from ase.build import bulk

    return bulk("Li", "bcc", a=a)


def _li_slab():
    from lisse.atomistic.slabs import make_slab
    from lisse.atomistic.structures import bulk

    return make_slab(bulk("Li"), (1, 0, 0), 5, 10.0)


def test_settings_are_built_per_structure():
    c = GPAWCalculator("screening")
    pb, ps = c.gpaw_parameters(_li_bulk(), "energy"), c.gpaw_parameters(_li_slab(), "energy")
    assert pb["mode"] == {"name": "pw", "ecut": GPAW_LEVELS["screening"]["ecut_eV"]} and pb["xc"] == "PBE" and pb["txt"] is None
    # k-mesh from the k-spacing: |b| = 2 pi sqrt(2)/a for the bcc primitive cell (2 pi included, as VASP's KSPACING)
    n = math.ceil(2 * math.pi * math.sqrt(2) / 3.44 / GPAW_LEVELS["screening"]["kspacing_inv_A"])
    assert pb["kpts"]["size"] == (n, n, n) and pb["kpts"]["gamma"]
    assert "poissonsolver" not in pb
    # a slab: one k-point along the vacuum direction and a dipole layer
    assert ps["kpts"]["size"][2] == 1 and ps["kpts"]["size"][0] > 1
    assert ps["poissonsolver"] == {"dipolelayer": "xy"}
    lc = GPAWCalculator("screening", relax_mode="lcao").gpaw_parameters(_li_slab(), "relax")
    assert lc["mode"] == "lcao" and lc["basis"] == "dzp"
    # a cell relaxation needs the stress: plane waves even when relaxations run in LCAO
    assert GPAWCalculator("screening", relax_mode="lcao").gpaw_parameters(_li_bulk(), "relax_cell")["mode"]["name"] == "pw"
    assert GPAWCalculator("screening", relax_mode="lcao").final_single_point("relax")
    assert not GPAWCalculator("screening").final_single_point("relax")


def test_the_publication_level_tightens_the_scf_criteria_and_screening_keeps_gpaws():
    """review s41 F9: GPAW's default energy criterion is 0.5 meV per valence electron (0.12 eV for an 80-atom Li|LiF cell).
    Publication sets energy and density ten times tighter; screening keeps the defaults, and with them the cache identity
    of every recorded screening run (a new key in its settings would start those runs over)."""
    assert GPAWCalculator("publication").gpaw_parameters(_li_slab(), "energy")["convergence"] == {"energy": 5e-5, "density": 1e-5}
    for level in ("test", "screening"):
        assert "convergence" not in GPAWCalculator(level).gpaw_parameters(_li_slab(), "energy")
        assert not any(k.startswith("scf_") for k in GPAWCalculator(level).info.settings)
    assert GPAWCalculator("publication").info.settings["scf_density"] == 1e-5  # part of the identity


def test_prepare_makes_a_slab_non_periodic_along_z_and_restore_undoes_it():
    c = GPAWCalculator("test")
    s = _li_slab()
    s.positions[:, 2] += 3.0  # off-centre
    a = s.copy()
    tok = c.prepare(a)
    assert list(a.pbc) == [True, True, False]
    z = a.positions[:, 2]
    assert 0.5 * (z.min() + z.max()) == pytest.approx(0.5 * a.cell[2, 2], abs=1e-9)  # centred: away from the zero boundary
    c.restore(a, tok)
    assert np.array_equal(a.pbc, s.pbc) and np.allclose(a.positions, s.positions, atol=1e-12, rtol=0)
    b = _li_bulk()
    tok = c.prepare(b)
    assert b.pbc.all()


def test_identity_separates_settings_and_names_resolve():
    ids = {GPAWCalculator(level).identity() for level in GPAW_LEVELS}
    ids.add(GPAWCalculator("screening", dispersion="d3").identity())
    ids.add(GPAWCalculator("screening", kspacing=0.2).identity())
    ids.add(GPAWCalculator("screening", relax_mode="lcao").identity())
    assert len(ids) == len(GPAW_LEVELS) + 3
    assert get_calculator("gpaw").label() == "gpaw:screening"
    assert get_calculator("gpaw:publication").info.settings["ecut_eV"] == GPAW_LEVELS["publication"]["ecut_eV"]
    assert get_calculator("gpaw", level="test", dispersion="d3").label() == "gpaw:test-d3"
    assert get_calculator("gpaw").info.kind == "dft"
    for bad in (dict(spec="gpaw:fast"), dict(spec="gpaw:test", level="publication"), dict(spec="chgnet", level="screening"),
                dict(spec="gpaw", dispersion="d4")):
        with pytest.raises(ParameterError):
            get_calculator(**bad)
    with pytest.raises(ParameterError, match="kspacing"):
        GPAWCalculator(kspacing=-1)
    with pytest.raises(ParameterError, match="atoms"):
        GPAWCalculator().ase_calculator()


def test_spin_where_needed():
    from ase import Atoms

    c = GPAWCalculator("test")
    assert not c.spin_polarised(_li_slab())  # a metal: its odd electron count is a band effect
    assert c.spin_polarised(Atoms("LiO", positions=[[0, 0, 0], [1.6, 0, 0]], cell=[8, 8, 8]))  # an unpaired electron
    assert c.spin_polarised(Atoms("Fe", cell=[3, 3, 3], pbc=True))
    assert not GPAWCalculator("test", spin=False).spin_polarised(Atoms("Fe", cell=[3, 3, 3], pbc=True))


def test_spin_is_decided_once_per_formula():
    """Ji's Li(001)3x3 | Li2CO3(001)2x2 cell: the interface has an odd electron count (27 Li film atoms) and a
    non-metal, its isolated slabs do not; the three W_ad energies must still share one spin setting (rev-17)."""
    from ase import Atoms

    from lisse.atomistic.interfaces import build_interface, forced_match
    from lisse.atomistic.slabs import make_slab
    from lisse.atomistic.structures import bulk
    from lisse.atomistic.workflows import _ctx, method_keys

    fl, sb = make_slab(bulk("Li"), (0, 0, 1), 3, 10.0), make_slab(bulk("Li2CO3"), (0, 0, 1), 6, 10.0)
    it, fi, su = build_interface(fl, sb, forced_match(fl, sb, (3, 3), (2, 2), cell="slab"), gap=2.0, vacuum=10.0)
    assert int(sum(it.numbers)) % 2 == 1  # the case the per-structure rule gets wrong
    ctx = _ctx(GPAWCalculator("test"), None, phases=("Li", "Li2CO3"))
    spins = {ctx.calculator.gpaw_parameters(a, "energy")["spinpol"] for a in (it, fi, su)}
    assert spins == {False}  # a metal on a closed-shell insulator: the odd count is a band effect of the metal
    assert ctx.calculator.info.settings["spin"] is False and method_keys(ctx)["spin_polarised"] is False
    assert method_keys(ctx)["relax_mode"] == "pw"  # the output says which forces judged the relaxations
    assert method_keys(_ctx(GPAWCalculator("test", relax_mode="lcao"), None, phases=("Li",)))["relax_mode"] == "lcao"
    # a phase with an unpaired electron (LiO2: 3 + 2 x 8 = 19 electrons per formula unit) turns spin on for ALL structures
    lio2 = Atoms("LiO2", positions=[[0, 0, 0], [1.6, 0, 0], [2.9, 0, 0]], cell=[8, 8, 8], pbc=True)
    on = GPAWCalculator("test").for_formula([bulk("Li"), lio2])
    assert {on.gpaw_parameters(a, "energy")["spinpol"] for a in (it, fi, su)} == {True}
    # the choice enters the cache identity; a fixed choice is kept by an inner workflow sharing the context
    assert on.identity() != ctx.calculator.identity() != GPAWCalculator("test").identity()
    fixed = GPAWCalculator("test", spin=False)
    assert fixed.for_formula([lio2]) is fixed  # an explicit choice is kept


def test_d3_is_added_with_pbe_zero_damping():
    """dispersion="d3" adds Grimme's D3 (PBE, zero damping = VASP IVDW=11, as Ji2025) to GPAW: no SCF needed.

    Reference: the dftd3 package's own DFTD3(method="PBE", damping="d3zero") on the same cell (-0.0991 eV for
    one bcc Li atom at a = 3.44 A); Becke-Johnson damping gives -0.168 eV, so a wrong damping fails too.
    """
    pytest.importorskip("gpaw")
    pytest.importorskip("dftd3")
    from ase.calculators.mixing import SumCalculator
    from dftd3.ase import DFTD3

    a = _li_bulk()
    calc = GPAWCalculator("test", dispersion="d3").ase_calculator(a, "energy").inner  # inside the symmetry guard
    assert isinstance(calc, SumCalculator)
    members, weights = calc.mixer.calcs, calc.mixer.weights
    assert len(members) == 2 and type(members[0]).__module__.startswith("gpaw") and list(weights) == [1, 1]
    ref, got = a.copy(), a.copy()
    ref.calc, got.calc = DFTD3(method="PBE", damping="d3zero"), members[1]
    e_ref = ref.get_potential_energy()
    assert e_ref == pytest.approx(-0.0991, abs=2e-3)  # sanity of the reference itself (measured with dftd3 1.x)
    assert got.get_potential_energy() == pytest.approx(e_ref, abs=1e-9, rel=0)
    assert not isinstance(GPAWCalculator("test").ase_calculator(a, "energy").inner, SumCalculator)  # no dispersion: GPAW alone


@pytest.mark.slow
def test_li_pbe_lattice_constant_matches_haas2009():
    pytest.importorskip("gpaw")
    from ase.eos import EquationOfState

    from lisse.atomistic.workflows import WorkflowContext, relax_bulk

    c = GPAWCalculator("screening")
    vols, ens = [], []
    for a in np.linspace(3.36, 3.50, 5):
        at = _li_bulk(a)
        at.calc = c.ase_calculator(at, "energy")
        vols.append(at.get_volume())
        ens.append(at.get_potential_energy())
    v0, _, _ = EquationOfState(vols, ens, eos="birchmurnaghan").fit()
    a_eos = (2 * v0) ** (1 / 3)  # primitive bcc cell holds half the cubic cell
    assert a_eos == pytest.approx(LI_A_PBE_HAAS2009, rel=0.01)
    # second method: the stress-driven cell relaxation of the workflows agrees with the EOS fit
    r = relax_bulk(WorkflowContext(c), "Li")
    a_rel = (2 * r["atoms"].get_volume()) ** (1 / 3)
    assert a_rel == pytest.approx(a_eos, rel=0.005)


def test_a_cell_that_breaks_gpaw_symmetry_analysis_runs_without_symmetry():
    """A CHGNet-relaxed 5-plane Li(100) slab (positions symmetric to ~1e-7 A) makes GPAW 26 raise
    SymmetryAnalysisBug before any SCF; the calculator falls back to symmetry="off" and gives the energy, equal to
    the one of the exactly symmetric slab to within the SCF tolerance (second structure: the symmetrised positions)."""
    pytest.importorskip("gpaw")
    from ase import Atoms

    cell = [[3.3696774745, 0.0, 0.0], [5.4188546688e-16, 3.3696774745, 0.0], [0.0, 0.0, 18.739354949]]
    pos = [[5.0987757383e-08, 5.0556244071e-08, 7.7835760998], [1.6848387398, 1.6848387373, 5.9412158596],
           [-1.1568626948e-07, 1.0786707754e-07, 10.955770291], [1.6848387998, 1.6848385684, 9.3696804353],
           [1.6848387371, 1.6848387371, 12.798144706]]
    c = GPAWCalculator("test")
    energies, offs = [], []
    for p in (pos, [[round(x / 1.6848387371) * 1.6848387371 if i < 2 else x for i, x in enumerate(r)] for r in pos]):
        a = Atoms("Li5", positions=p, cell=cell, pbc=True)
        c.prepare(a)
        a.calc = c.ase_calculator(a, "energy")
        energies.append(a.get_potential_energy())
        offs.append(a.calc.symmetry_off)
    assert offs == [True, False]  # the fallback was needed for the noisy slab only
    assert energies[0] == pytest.approx(energies[1], abs=2e-3, rel=0)


@pytest.mark.parametrize("error", ["SymmetryAnalysisBug", "SymmetryBrokenError", "RuntimeError"])
def test_symmetry_errors_fall_back_and_others_propagate(error):
    """The guard repeats a calculation without symmetry after GPAW's two symmetry errors (matched by name) and only
    after those: a stand-in calculator raises the named error while its symmetry is on."""
    from ase.build import bulk
    from ase.calculators.calculator import Calculator

    from lisse.atomistic.calculators import symmetry_guarded

    exc_type = type(error, (Exception,), {})

    class Stub(Calculator):
        implemented_properties = ["energy", "forces"]

        def __init__(self, symmetric):
            super().__init__()
            self.symmetric = symmetric

        def calculate(self, atoms=None, properties=("energy",), system_changes=()):
            super().calculate(atoms, properties, system_changes)
            if self.symmetric:
                raise exc_type("symmetry")
            self.results = {"energy": -1.5, "forces": np.zeros((len(self.atoms), 3))}

    a = bulk("Li", "bcc", a=3.44)
    a.calc = symmetry_guarded(lambda: Stub(True), lambda: Stub(False))
    if error == "RuntimeError":
        with pytest.raises(exc_type):
            a.get_potential_energy()
        return
    assert a.get_potential_energy() == -1.5
    assert a.calc.symmetry_off is True
    np.testing.assert_array_equal(a.get_forces(), np.zeros((1, 3)))


@pytest.mark.slow
def test_lif_cell_relaxation_removes_the_pulay_stress():
    """LiF's hard F setup gives GPAW a large Pulay stress (its own ``dedecut`` correction is ignored in GPAW 26): the
    stress-driven cell relaxation must land where the fixed-cut-off energy is lowest (second method: an EOS fit)."""
    pytest.importorskip("gpaw")
    from ase.build import bulk
    from ase.eos import EquationOfState

    from lisse.atomistic.workflows import WorkflowContext, relax_bulk

    c = GPAWCalculator("test", ecut=450.0)  # the test level's k-mesh; its 300 eV leave E(V) too jagged to have a minimum
    vols, ens = [], []
    for a in np.linspace(3.90, 4.20, 7):
        at = bulk("LiF", "rocksalt", a=a)
        at.calc = c.ase_calculator(at, "energy")
        vols.append(at.get_volume())
        ens.append(at.get_potential_energy())
    v0, _, _ = EquationOfState(vols, ens, eos="birchmurnaghan").fit()
    a_eos = (4 * v0) ** (1 / 3)  # the primitive rocksalt cell holds a quarter of the cubic cell
    assert 3.98 < a_eos < 4.15  # PBE at a fixed cut-off: near the converged PBE 4.06 A
    at = bulk("LiF", "rocksalt", a=4.03)
    calc = c.ase_calculator(at, "relax_cell")
    at.calc = calc
    at.get_stress()
    assert calc.pulay_stress_eV_A3 > 0.05  # the error being removed is large (about +0.15 eV/A3 at 450 eV)
    r = relax_bulk(WorkflowContext(c), "LiF")
    a_rel = (4 * r["atoms"].get_volume()) ** (1 / 3)
    assert a_rel == pytest.approx(a_eos, rel=0.005)


@pytest.mark.slow
def test_wetting_cli_with_gpaw_end_to_end(tmp_path):
    """`lisse wetting Li Li --calculator gpaw --level test`: keys, units, the cleavage identity, and a rerun from the cache.

    Li on Li(100) with zero strain is the one interface with an exact answer: separating a crystal along a plane costs
    twice its surface energy, W_ad = 2 sigma_Li, and the Young-Dupre angle is 0 (complete wetting). sigma_Li comes from
    another part of the workflow (the 5/7/9-plane slab fit) than W_ad (two 3-plane slabs and their interface), so the
    identity checks the energies, areas and the eV/A2 -> J/m2 conversion together. ~50 s CPU.
    """
    pytest.importorskip("gpaw")
    import os

    cmd = [sys.executable, "-m", "lisse", "wetting", "Li", "Li", "--calculator", "gpaw", "--level", "test", "--starts", "1", "--fmax", "0.1",
           "--steps", "10", "--film-layers", "3", "--substrate-layers", "3", "--gaps", "1.7", "--shifts", "2", "--cache-dir", str(tmp_path), "--json"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    assert p.returncode == 0, p.stderr[-2000:]
    r = json.loads(p.stdout)
    for k in ("work_of_adhesion_J_m2", "contact_angle_deg", "calculator", "level", "convergence", "strain_percent"):
        assert k in r
    assert r["calculator"] == "gpaw:test" and r["level"] == "test" and r["strain_percent"] == pytest.approx(0.0, abs=1e-6)
    assert math.isfinite(r["work_of_adhesion_J_m2"])
    # PBE Li(100) surface energy ~0.46 J/m2 (Tran et al., Sci. Data 3, 160080 (2016)); the CI level is coarse: a wide window
    sigma = r["li_surface_energy_J_m2"]
    assert 0.3 < sigma < 0.7
    # the cleavage identity W_ad(Li|Li) = 2 sigma_Li (thin 3|3 slabs vs the thickness fit: 10 %)
    assert r["work_of_adhesion_J_m2"] == pytest.approx(2 * sigma, rel=0.10)
    assert r["contact_angle_deg"] < 20.0
    assert isinstance(r["convergence"], list) and r["convergence"]
    assert {"quantity", "parameter", "value", "result", "change", "tolerance", "converged"} <= set(r["convergence"][0])
    vac = [x for x in r["convergence"] if x["parameter"] == "vacuum_A" and x["change"] is not None]
    assert vac and abs(vac[0]["change"]) < 0.01  # 5 A more vacuum changes W_ad by < 0.01 J/m2 (dipole layer, no slab interaction)
    assert r["provenance"]["calculator"]["kind"] == "dft" and r["provenance"]["n_cached"] < r["provenance"]["n_jobs"]
    # rerun: every job comes from the cache, same numbers
    p2 = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert p2.returncode == 0, p2.stderr[-2000:]
    r2 = json.loads(p2.stdout)
    assert r2["provenance"]["n_cached"] == r2["provenance"]["n_jobs"] and r2["work_of_adhesion_J_m2"] == r["work_of_adhesion_J_m2"]


@pytest.mark.slow
def test_surface_energy_workflow_adds_the_convergence_scans():
    pytest.importorskip("gpaw")
    from lisse.atomistic.workflows import surface_energy_workflow

    r = surface_energy_workflow("gpaw:test", "Li", (1, 0, 0), (3, 4, 5), vacuum=8.0, check_convergence=True)
    params = {x["parameter"] for x in r["convergence"]}
    assert {"layers", "kspacing_inv_A", "cutoff_eV", "vacuum_A"} <= params
    assert all(math.isfinite(x["result"]) and 0.2 < x["result"] < 0.8 for x in r["convergence"])  # Li(100): ~0.46 J/m2 (Tran 2016)
    # a finer cut-off barely moves a Li surface energy (soft PAW setup): the scan must say converged
    cut = [x for x in r["convergence"] if x["parameter"] == "cutoff_eV" and x["change"] is not None]
    assert cut and all(x["converged"] for x in cut)


def test_the_gpaw_log_is_appended_per_calculation_and_never_truncated(tmp_path):
    """txt: each calculation appends its GPAW log after a header naming it; what was in the file stays; the log does
    not change the calculator's identity and the calculator still pickles (process executors)."""
    pytest.importorskip("gpaw")
    import pickle

    log = tmp_path / "gpaw.log"
    log.write_text("the user's earlier lines\n")
    c = GPAWCalculator("test", kspacing=1.0).variant(txt=str(log))
    assert c.info == GPAWCalculator("test", kspacing=1.0).info  # same identity (cache key) with or without the log
    for a in (_li_bulk(3.44), _li_bulk(3.40)):
        a.calc = c.ase_calculator(a, "energy")
        a.get_potential_energy()
    text = log.read_text()
    assert text.startswith("the user's earlier lines\n")
    assert text.count("===== lisse: GPAW energy of Li (1 atoms), gpaw:test") == 2
    assert text.splitlines()[1].startswith("===== lisse: GPAW energy")  # the header opens each calculation's log
    assert text.count("Converged in") == 2  # GPAW's own SCF report follows each header
    assert pickle.loads(pickle.dumps(c)).txt == str(log)
    fh = c.__dict__["_log_fh"]
    c.release(None)  # after a job: closed, reopened (appending) by the next calculation
    assert fh.closed and "_log_fh" not in c.__dict__
    a = _li_bulk(3.42)
    a.calc = c.ase_calculator(a, "energy")
    a.get_potential_energy()
    assert log.read_text().startswith(text) and log.read_text().count("===== lisse: GPAW energy") == 3
    assert c.gpaw_parameters(a, "energy")["txt"] is None  # the file name never reaches GPAW (it would truncate it)
