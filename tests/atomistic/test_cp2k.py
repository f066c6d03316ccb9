"""The CP2K DFT engine (issue 17 item 1, second engine): its input, its error handling, and a tiny real PBE check.

The cheap tests build inputs and parse outputs (no CP2K run). The slow tests run CP2K (Debian ``cp2k``) on bcc Li:
the PBE lattice constant from an equation of state against the published all-electron PBE value, and the force
against a central finite difference of the energy (a second method). Skipped when ``cp2k_shell`` is not installed.
"""

from __future__ import annotations

import argparse
import math
import shlex
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ase")
pytestmark = pytest.mark.atomistic

from lisse.errors import CalculationError, MissingDependencyError, ParameterError  # noqa: E402
from lisse.io.cp2k import CP2K_LEVELS, MIN_VACUUM_A, CP2KCalculator, abort_message, cp2k_input, scf_failures  # noqa: E402

#: PBE lattice constant of bcc Li [A], all-electron (WIEN2k): Haas, Tran, Blaha, Phys. Rev. B 79, 085104 (2009).
LI_A_PBE_HAAS2009 = 3.429
needs_cp2k = pytest.mark.skipif(shutil.which("cp2k_shell") is None, reason="CP2K (cp2k_shell) not installed")

#: An [ABORT] box as CP2K 2023.1 prints it (copied from a run that had too little vacuum for the dipole correction).
ABORT_BOX = """     4 Broy./Diag. 0.20E+00    0.7     0.00712131       -29.8398826381 -3.78E-02

 *******************************************************************************
 *   ___                                                                       *
 *  /   \\                                                                      *
 * [ABORT]                                                                     *
 *  \\___/       Dipole correction needs more vacuum space above the surface    *
 *    |                                                                        *
 *  O/|                                                                        *
 * /| |                                                                        *
 * / \\                                                    surface_dipole.F:198 *
 *******************************************************************************
"""


def _li_bulk(a=3.44):
    from ase.build import bulk

    return bulk("Li", "bcc", a=a, cubic=True)


def _li_slab(vacuum=3.0):
    from ase.build import bcc100

    return bcc100("Li", (1, 1, 4), a=3.44, vacuum=vacuum)


def test_input_has_the_level_settings_smearing_kpoints_and_dipole_correction():
    s = CP2K_LEVELS["screening"]
    bulk = cp2k_input(_li_bulk(), s, spin=False)
    # Fermi-Dirac 0.1 eV as an electronic temperature: 0.1 eV / k_B = 1160.45 K
    t = float(bulk.split("ELECTRONIC_TEMPERATURE [K]")[1].split()[0])
    assert t == pytest.approx(1160.45, abs=0.01)
    assert "SURFACE_DIPOLE_CORRECTION" not in bulk and "UKS" not in bulk
    # k-mesh from the k-spacing: |b| = 2 pi / 3.44 A = 1.827 1/A, / 0.25 -> 8 per direction
    assert "SCHEME MONKHORST-PACK 8 8 8" in bulk
    assert "REL_CUTOFF [Ry] 50" in bulk and "BASIS_SET_FILE_NAME BASIS_MOLOPT_UCL" in bulk
    slab = cp2k_input(_li_slab(), s, spin=True)
    assert "SURFACE_DIPOLE_CORRECTION T" in slab and "SURF_DIP_DIR Z" in slab and "UKS T" in slab
    assert "SCHEME MONKHORST-PACK 8 8 1" in slab  # one k-point along the slab normal
    # a cell so large that the mesh is Gamma only: no k-point section (CP2K's Gamma-only code path)
    from ase.build import bulk as ase_bulk

    big = ase_bulk("Li", "bcc", a=3.44, cubic=True).repeat((8, 8, 8))
    assert "&KPOINTS" not in cp2k_input(big, s, spin=False)


def test_extra_orbitals_for_the_smearing_follow_the_valence_electrons():
    s = CP2K_LEVELS["test"]
    big = _li_bulk().repeat((5, 5, 5))  # 250 Li, 3 valence electrons each (GTH-PBE-q3): 375 occupied, 30 % -> 113
    assert "ADDED_MOS 113" in cp2k_input(big, s, spin=False)
    assert "ADDED_MOS 10" in cp2k_input(_li_bulk(), s, spin=False)  # the floor


def test_scf_failures_and_abort_message_are_read_from_the_output():
    assert scf_failures("x\n *** WARNING in qs_scf.F:601 :: SCF run NOT converged ***\ny\n") == 1
    assert scf_failures("SCF run converged in 12 steps") == 0
    assert abort_message(ABORT_BOX) == "Dipole correction needs more vacuum space above the surface"
    assert abort_message("no box here") == ""


def test_prepare_pads_a_slab_to_the_minimum_vacuum_and_restore_undoes_it_exactly():
    c = CP2KCalculator("test")
    a = _li_slab(vacuum=3.0)
    pos0, cell0 = a.positions.copy(), a.cell.array.copy()
    tok = c.prepare(a)
    z = a.positions[:, 2]
    assert z.min() == pytest.approx(MIN_VACUUM_A, abs=1e-9)  # centred, MIN_VACUUM_A below ...
    assert a.cell.array[2, 2] - z.max() == pytest.approx(MIN_VACUUM_A, abs=1e-9)  # ... and above
    c.restore(a, tok)
    assert np.array_equal(a.cell.array, cell0) and np.allclose(a.positions, pos0, atol=1e-12, rtol=0)
    b = _li_slab(vacuum=12.0)  # enough vacuum already: the cell is kept
    c_old = b.cell.array.copy()
    c.prepare(b)
    assert np.array_equal(b.cell.array, c_old)
    # the cell it computes in, without touching the structure (the workflows put a W_ad's film and substrate in it)
    d = _li_slab(vacuum=3.0)
    pos_d, cell_d = d.positions.copy(), d.cell.array.copy()
    cc = c.computed_cell(d)
    assert cc[2, 2] == pytest.approx(float(np.ptp(d.positions[:, 2])) + 2 * MIN_VACUUM_A, abs=1e-9)
    assert np.array_equal(cc[:2], cell_d[:2]) and np.array_equal(d.cell.array, cell_d) and np.array_equal(d.positions, pos_d)
    assert np.array_equal(c.computed_cell(_li_slab(vacuum=25.0)), _li_slab(vacuum=25.0).cell.array)


def test_bad_settings_and_missing_program_are_clear_errors():
    with pytest.raises(ParameterError, match="level"):
        CP2KCalculator("ultra")
    with pytest.raises(ParameterError, match="dispersion"):
        CP2KCalculator(dispersion="d4")
    with pytest.raises(ParameterError, match="give atoms"):
        CP2KCalculator("test").ase_calculator(None)
    with pytest.raises(MissingDependencyError, match="apt install cp2k"):
        CP2KCalculator("test", command="no-such-cp2k-shell").ase_calculator(_li_bulk())
    from lisse.atomistic.calculators import get_calculator

    with pytest.raises(ParameterError, match="lisse.io.cp2k"):
        get_calculator("cp2k")


def test_the_command_line_builds_cp2k_and_refuses_a_plane_wave_cutoff():
    from lisse.cli.wetting import make_calculator

    ns = argparse.Namespace(calculator="cp2k", level="test", dispersion="d3", cutoff=None)
    c = make_calculator(ns)
    assert isinstance(c, CP2KCalculator) and c.label() == "cp2k:test-d3" and c.info.kind == "dft"
    with pytest.raises(ParameterError, match="cut-off"):
        make_calculator(argparse.Namespace(calculator="cp2k", level=None, dispersion=None, cutoff=450 * 1.602176634e-19))
    with pytest.raises(ParameterError, match="names level"):
        make_calculator(argparse.Namespace(calculator="cp2k:publication", level="test", dispersion=None, cutoff=None))


def test_identity_changes_with_the_settings():
    assert CP2KCalculator("test").identity() != CP2KCalculator("screening").identity()
    assert CP2KCalculator("test").identity() != CP2KCalculator("test", dispersion="d3").identity()
    assert CP2KCalculator("test").identity() == CP2KCalculator("test").identity()


@needs_cp2k
@pytest.mark.slow
def test_cp2k_li_lattice_constant_matches_all_electron_pbe():
    """bcc Li, test level: a Birch-Murnaghan fit over five volumes gives a within 1.5 % of the all-electron PBE
    3.429 A (Haas 2009); GTH pseudopotential + DZVP basis at 300 Ry is not converged, hence the wider tolerance
    than GPAW's 1 %."""
    from ase.eos import EquationOfState

    c = CP2KCalculator("test")
    vols, ens = [], []
    for a0 in np.linspace(3.30, 3.56, 5):
        at = _li_bulk(a0)
        tok = c.prepare(at)
        at.calc = c.ase_calculator(at, "energy")
        ens.append(at.get_potential_energy())
        vols.append(at.get_volume())
        c.restore(at, tok)
    v0, _, _ = EquationOfState(vols, ens, eos="birchmurnaghan").fit()
    assert v0 ** (1 / 3) == pytest.approx(LI_A_PBE_HAAS2009, rel=0.015)


@needs_cp2k
@pytest.mark.slow
def test_cp2k_force_equals_the_finite_difference_of_its_energy(tmp_path, monkeypatch):
    """Second method: the analytic force on a displaced Li atom against -dE/dx from energies at +-0.01 A. Run in a
    folder given relative to the current one, whose absolute path is longer than CP2K's 80-character PROJECT limit (both
    aborted before), from a current folder that must stay empty (CP2K's own files belong in the working folder)."""
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    c = CP2KCalculator("test", directory=Path("..") / ("a-long-folder-name-" * 5))  # relative, and long once absolute
    base = _li_bulk()
    base.positions[1, 0] += 0.08

    def energy_and_force(atoms):
        atoms.calc = c.ase_calculator(atoms, "energy")
        return atoms.get_potential_energy(), atoms.get_forces()[1, 0]

    _, f = energy_and_force(base.copy())
    h = 0.01
    plus, minus = base.copy(), base.copy()
    plus.positions[1, 0] += h
    minus.positions[1, 0] -= h
    ep, _ = energy_and_force(plus)
    em, _ = energy_and_force(minus)
    f_fd = -(ep - em) / (2 * h)
    assert abs(f) > 0.05  # the displacement gives a real restoring force (eV/A)
    assert f == pytest.approx(f_fd, rel=0.03, abs=0)
    assert math.copysign(1.0, f) == -1.0  # pushed back towards the lattice site
    assert list(here.iterdir()) == []


def test_a_non_converged_scf_is_an_error_not_a_number(tmp_path, monkeypatch):
    """CP2K only warns about a non-converged SCF; the adapter must raise (checked with a stand-in shell run)."""
    import lisse.io.cp2k as mod

    class FakeBase:
        def __init__(self, **kw):
            self.label = kw["label"]
            self.parameters = argparse.Namespace(max_scf=kw["max_scf"])

        def calculate(self, *args, **kwargs):
            with open(f"{self.label}.out", "a") as fh:
                fh.write(" *** WARNING in qs_scf.F:601 :: SCF run NOT converged ***\n")

    calc = mod._checked_cp2k(FakeBase)(label=str(tmp_path / "run0001"), max_scf=200)
    with pytest.raises(CalculationError, match="did not converge in 200"):
        calc.calculate()

    class AbortingBase(FakeBase):
        def calculate(self, *args, **kwargs):
            with open(f"{self.label}.out", "w") as fh:
                fh.write(ABORT_BOX)
            raise AssertionError

    with pytest.raises(CalculationError, match="needs more vacuum"):
        mod._checked_cp2k(AbortingBase)(label=str(tmp_path / "run0002"), max_scf=200).calculate()


def test_a_converged_run_after_a_failed_one_is_not_an_error(tmp_path):
    """Only a warning written by THIS calculation counts (the output file accumulates every run of the shell)."""
    import lisse.io.cp2k as mod

    class Base:
        def __init__(self, **kw):
            self.label = kw["label"]
            self.parameters = argparse.Namespace(max_scf=kw["max_scf"])
            self.calls = []

        def calculate(self, *args, **kwargs):
            self.calls.append((args, kwargs))
            with open(f"{self.label}.out", "a") as fh:
                fh.write(" SCF run converged in 12 steps\n")

    (tmp_path / "run0001.out").write_text(" *** WARNING in qs_scf.F:601 :: SCF run NOT converged ***\n")
    calc = mod._checked_cp2k(Base)(label=str(tmp_path / "run0001"), max_scf=50)
    calc.calculate("atoms", properties=["energy"])  # no new warning: no error
    assert calc.calls == [(("atoms",), {"properties": ["energy"]})]  # arguments handed through unchanged


def test_the_last_abort_box_is_the_one_reported_and_a_long_message_keeps_its_words():
    two = ABORT_BOX.replace("Dipole correction needs more vacuum space above the surface", "first problem") + ABORT_BOX.replace(
        "Dipole correction needs more vacuum space above the surface    *", "SCF run NOT converged: stopping the      *\n"
        " *             calculation after 50 iterations                                 *")
    assert abort_message(two) == "SCF run NOT converged: stopping the calculation after 50 iterations"
    assert abort_message("[ABORT]\n *  \\___/       at the start of the text\n") == "at the start of the text"


def test_the_input_parses_as_cp2k_sections_with_every_setting_in_its_place():
    """ASE's own CP2K input parser (a second reader) finds each keyword in its section."""
    from ase.calculators.cp2k import parse_input

    root = parse_input(cp2k_input(_li_slab(), CP2K_LEVELS["publication"], spin=True))
    dft = root.get_subsection("FORCE_EVAL/DFT")
    kw = [k.split()[0] for k in dft.keywords]
    assert kw.count("BASIS_SET_FILE_NAME") == 2 and "POTENTIAL_FILE_NAME" in kw and "UKS" in kw
    assert "SURFACE_DIPOLE_CORRECTION T" in dft.keywords and "SURF_DIP_DIR Z" in dft.keywords
    assert root.get_subsection("FORCE_EVAL/DFT/MGRID").keywords == ["REL_CUTOFF [Ry] 60"]
    assert root.get_subsection("FORCE_EVAL/DFT/KPOINTS").keywords == ["SCHEME MONKHORST-PACK 11 11 1"]
    scf = root.get_subsection("FORCE_EVAL/DFT/SCF")
    assert "EPS_SCF 1.0E-07" in scf.keywords
    smear = root.get_subsection("FORCE_EVAL/DFT/SCF/SMEAR")
    assert smear.params == "ON" and "METHOD FERMI_DIRAC" in smear.keywords
    # 0.05 eV / k_B = 580.23 K at the publication level
    assert float(next(k for k in smear.keywords if k.startswith("ELECTRONIC_TEMPERATURE")).split()[-1]) == pytest.approx(580.23, abs=0.01)
    assert root.get_subsection("FORCE_EVAL/DFT/SCF/MIXING").keywords == ["METHOD PULAY_MIXING", "ALPHA 0.1", "BETA 1.5", "NPULAY 8"]
    assert root.get_subsection("FORCE_EVAL/DFT/SCF/DIAGONALIZATION").keywords == ["ALGORITHM STANDARD"]


def test_the_ase_calculator_carries_the_level_and_is_wrapped_with_d3(tmp_path, monkeypatch):
    """Built, not run: the ASE CP2K calculator's parameters (cut-off in eV, basis, pseudopotentials, stress only for a
    cell relaxation, lisse's input) and the D3 wrapper."""
    import ase.calculators.cp2k as ase_cp2k

    import lisse.io.cp2k as mod

    class NoShell:  # ASE starts cp2k_shell when the calculator is built: a stand-in, so nothing runs here
        version = 8.0

        def __init__(self, command, debug):
            self.command = command

        def close(self):
            pass

    monkeypatch.setattr(ase_cp2k, "Cp2kShell", NoShell)
    monkeypatch.setattr(mod.shutil, "which", lambda cmd: "/usr/bin/" + cmd)
    c = CP2KCalculator("screening", directory=tmp_path / "w", command="my_cp2k_shell")
    a = _li_bulk()
    calc = c.ase_calculator(a, "energy")
    p = calc.parameters
    # the shell runs in the working folder (CP2K's own files land there, not in the user's current folder)
    assert calc.command == f"cd {shlex.quote(str(tmp_path / 'w'))} && exec /usr/bin/my_cp2k_shell"
    # a relative folder is made absolute (the shell runs inside it and gets the files' paths), quoted for the shell
    monkeypatch.chdir(tmp_path)
    rel = CP2KCalculator("test", directory="rel dir", command="my_cp2k_shell").ase_calculator(a)
    assert Path(rel.label).parent == tmp_path / "rel dir"
    assert rel.command == f"cd '{tmp_path / 'rel dir'}' && exec /usr/bin/my_cp2k_shell"
    assert p["cutoff"] == pytest.approx(400 * 13.605693122994, rel=1e-12) and p["xc"] == "PBE"
    assert p["basis_set"] == "DZVP-MOLOPT-SR-GTH" and p["pseudo_potential"] == "GTH-PBE"
    assert p["basis_set_file"] is None and p["potential_file"] is None and p["max_scf"] == 200
    assert p["stress_tensor"] is False and c.ase_calculator(a, "relax_cell").parameters["stress_tensor"] is True
    assert p["inp"] == cp2k_input(a, c.settings, spin=False)
    assert calc.label.startswith(str(tmp_path / "w" / "run-")) and (tmp_path / "w").is_dir()
    assert c.ase_calculator(a).label != calc.label  # each calculation its own files (copies in workers share the folder)
    # CP2K aborts on a PROJECT over 80 characters: a deep folder keeps the file name only
    deep = CP2KCalculator("test", directory=tmp_path / ("a-long-folder-name-" * 6), command="my_cp2k_shell").ase_calculator(a)
    deep.atoms = a.copy()
    projects = [ln.split()[1] for ln in deep._generate_input().splitlines() if ln.strip().startswith("PROJECT ")]
    assert projects == [Path(deep.label).name] and len(deep.label) > 80 and len(projects[0]) <= 80
    with pytest.raises(ParameterError, match="purpose"):
        c.ase_calculator(a, "md")
    pytest.importorskip("dftd3")
    from ase.calculators.mixing import SumCalculator

    d3 = CP2KCalculator("test", dispersion="d3", directory=tmp_path / "w").ase_calculator(a)
    assert isinstance(d3, SumCalculator)
    assert CP2KCalculator("test", dispersion="d3").settings["d3_damping"] == "d3zero"
    assert CP2KCalculator("test").settings["d3_damping"] is None
    assert CP2KCalculator("test", dispersion="d3").info.model == "PBE-D3/test" and CP2KCalculator("test").info.model == "PBE/test"


def test_spin_and_bulk_prepare():
    from ase.build import bulk as ase_bulk

    c = CP2KCalculator("test")
    a = _li_bulk()
    pos0, cell0 = a.positions.copy(), a.cell.array.copy()
    tok = c.prepare(a)  # a bulk crystal is left as it is
    assert np.array_equal(a.positions, pos0) and np.array_equal(a.cell.array, cell0)
    assert not a.get_initial_magnetic_moments().any()  # closed shell, no moments
    c.restore(a, tok)
    assert np.array_equal(a.positions, pos0)
    nio = ase_bulk("NiO", "rocksalt", a=4.17)  # magnetic species: spin-polarised with starting moments
    tok = c.prepare(nio)
    assert c.spin_polarised(nio) and nio.get_initial_magnetic_moments().tolist() == [1.0, 0.0]
    # ... which reach CP2K as the species' &KIND MAGNETIZATION (ASE's driver ignores the atoms' moments)
    from ase.calculators.cp2k import parse_input

    kinds = {k.params: k.keywords for k in parse_input(cp2k_input(nio, CP2K_LEVELS["test"], spin=True)).get_subsection(
        "FORCE_EVAL/SUBSYS").subsections if k.name == "KIND"}
    assert kinds == {"Ni": ["MAGNETIZATION 1"]}
    assert "&SUBSYS" not in cp2k_input(nio, CP2K_LEVELS["test"], spin=False)
    c.restore(nio, tok)
    assert not nio.get_initial_magnetic_moments().any()
    assert not CP2KCalculator("test", spin=False).spin_polarised(nio) and CP2KCalculator("test", spin=True).spin_polarised(a)
    assert c.for_formula([nio]).spin is True and c.for_formula([a]).spin is False


def test_version_is_the_debian_package_version():
    """Second source: dpkg's record of the installed package."""
    import subprocess

    from lisse.io.cp2k import _cp2k_version

    if shutil.which("dpkg-query") is None:
        pytest.skip("no dpkg")
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "cp2k-data"], capture_output=True, text=True)
    expected = r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else "unknown"
    assert _cp2k_version() == expected


def test_a_relaxed_cell_survives_restore_and_only_the_padding_is_undone():
    """run_job relaxes the cell through prepare/calculate/restore: the relaxed cell must be what is stored (a stand-in
    EMT calculator in place of CP2K: bulk Cu from a = 3.9 A relaxes to EMT's 3.59 A)."""
    from ase.build import bulk as ase_bulk
    from ase.calculators.emt import EMT

    from lisse.atomistic.engine import Job, run_job

    class EMTViaCP2K(CP2KCalculator):
        def ase_calculator(self, atoms=None, purpose="energy"):
            return EMT()

    c = EMTViaCP2K("test")
    a = ase_bulk("Cu", "fcc", a=3.9, cubic=True)
    res = run_job(c, Job("bulk_Cu", a, task="relax_cell", fmax=0.01, steps=200))
    a_relaxed = res.atoms.cell.lengths()[0]
    assert a_relaxed == pytest.approx(3.59, abs=0.02)  # EMT's Cu lattice constant, not the 3.9 A it started from
    # the stored structure's energy is the reported one (the cell and the positions belong together)
    check = res.atoms.copy()
    check.calc = EMT()
    assert check.get_potential_energy() == pytest.approx(res.energy_eV, abs=1e-6)
    # a padded slab gets its own c vector back after the calculation, its positions as calculated
    s = _li_slab(vacuum=3.0)
    c0, z0 = s.cell.array.copy(), s.positions[:, 2].copy()
    tok = c.prepare(s)
    s.positions[:, 0] += 0.1  # "relaxed" in-plane
    c.restore(s, tok)
    assert np.array_equal(s.cell.array, c0) and np.allclose(s.positions[:, 2], z0, atol=1e-12, rtol=0)


def test_a_pickled_calculator_makes_its_own_temporary_folder():
    import pickle

    c = CP2KCalculator("test")
    d = c._workdir()
    clone = pickle.loads(pickle.dumps(c))
    assert clone._tmp is None and d.is_dir()
    assert clone._workdir() != d and clone.identity() == c.identity()



def test_a_spin_polarised_structure_is_refused_not_computed_non_magnetic(monkeypatch):
    """Measured (CP2K 2023.1, test level): bcc Fe with UKS, smearing and MAGNETIZATION 1 in its &KIND converged to an
    integrated absolute spin density of 7e-6 (PBE: ~2.2 mu_B per atom). Until a moment survives, CP2K refuses
    spin-polarised structures instead of returning a non-magnetic energy."""
    from ase.build import bulk as ase_bulk

    import lisse.io.cp2k as mod

    monkeypatch.setattr(mod.shutil, "which", lambda cmd: "/usr/bin/" + cmd)
    with pytest.raises(ParameterError, match="spin-polarised"):
        CP2KCalculator("test").ase_calculator(ase_bulk("Fe", "bcc", a=2.83))
    with pytest.raises(ParameterError, match="spin-polarised"):
        CP2KCalculator("test", spin=True).ase_calculator(_li_bulk())


@needs_cp2k
def test_release_stops_the_cp2k_shell_that_dropping_the_calculator_leaves_running(tmp_path):
    """ASE's CP2K calculator sits in a reference cycle: dropped after a calculation, its cp2k_shell process (with the
    memory of the last SCF, GBs for a 100-atom cell) ran on until a cyclic garbage collection. ``release`` stops it, and
    run_job releases every calculation's calculator."""
    import gc
    import os
    import subprocess

    from lisse.atomistic.engine import Job, run_job

    def children() -> int:
        return len(subprocess.run(["pgrep", "-P", str(os.getpid())], capture_output=True, text=True).stdout.split())

    gc.collect()
    base = children()  # other tests' processes of this worker, if any
    gc.disable()  # no collection may stop the shell behind the test's back
    try:
        c = CP2KCalculator("test", directory=tmp_path)
        at = _li_bulk()
        at.calc = c.ase_calculator(at, "energy")
        at.get_potential_energy()
        assert children() == base + 1
        ase_calc, at.calc = at.calc, None
        assert children() == base + 1  # dropped, still running (the leak this guards against)
        c.release(ase_calc)
        assert children() == base
        c.release(ase_calc)  # twice is harmless
        del ase_calc
        r = run_job(c, Job("sp", _li_bulk(), "single"))
        assert np.isfinite(r.energy_eV) and children() == base
    finally:
        gc.enable()


def test_release_ends_a_shell_that_cp2k_aborted():
    """A shell whose CP2K stopped on an error cannot take ASE's EXIT (its close asserts on the exit code): release ends
    the process instead of raising over the error that stopped it."""

    class Child:
        killed = waited = False

        def kill(self):
            self.killed = True

        def wait(self):
            self.waited = True

    class Shell:
        _child = Child()

    class Aborted:
        _shell = Shell()

        def close(self):
            raise AssertionError("cp2k_shell exited with 1")

    a = Aborted()
    child = a._shell._child
    CP2KCalculator("test").release(a)
    assert child.killed and child.waited and a._shell is None
    CP2KCalculator("test").release(None)  # nothing to stop


def test_a_wavefunction_guess_goes_into_the_input_and_a_missing_file_is_refused(tmp_path):
    from ase.calculators.cp2k import parse_input

    wfn = tmp_path / "run-RESTART.kp"
    wfn.write_bytes(b"")
    root = parse_input(cp2k_input(_li_slab(), CP2K_LEVELS["test"], spin=False, guess=wfn))
    assert f"WFN_RESTART_FILE_NAME {wfn}" in root.get_subsection("FORCE_EVAL/DFT").keywords
    assert "SCF_GUESS RESTART" in root.get_subsection("FORCE_EVAL/DFT/SCF").keywords
    plain = parse_input(cp2k_input(_li_slab(), CP2K_LEVELS["test"], spin=False))
    assert not any(k.startswith(("WFN_RESTART", "SCF_GUESS")) for s in ("FORCE_EVAL/DFT", "FORCE_EVAL/DFT/SCF")
                   for k in plain.get_subsection(s).keywords)
    with pytest.raises(ParameterError, match="wavefunction_guess.*no-such"):
        CP2KCalculator("test", wavefunction_guess=tmp_path / "no-such-RESTART.kp")
    odd = tmp_path / "a!b-RESTART.kp"  # CP2K's input would read '!b-RESTART.kp' as a comment
    odd.write_bytes(b"")
    with pytest.raises(ParameterError, match="without '!'"):
        CP2KCalculator("test", wavefunction_guess=odd)
    # the guess does not change what is computed: same identity (cache key), kept through for_formula
    c = CP2KCalculator("test", wavefunction_guess=wfn)
    assert c.info == CP2KCalculator("test").info
    assert c.for_formula([_li_bulk()]).wavefunction_guess == wfn


@needs_cp2k
def test_an_scf_started_from_an_earlier_runs_wavefunction_converges_to_the_same_energy_in_fewer_iterations(tmp_path):
    """Resuming a long SCF: a Li slab (k-points, so CP2K's .kp restart file) computed from the atomic guess, then again
    from the first run's wave functions: the same energy to 1e-5 eV (the SCF's own tolerance), in fewer iterations."""
    import re

    def run(c, folder):
        at = _li_slab()
        tok = c.prepare(at)
        at.calc = c.ase_calculator(at, "energy")
        try:
            e = at.get_potential_energy()
        finally:
            c.release(at.calc)
        c.restore(at, tok)
        out = next(folder.glob("run-*.out")).read_text()
        return e, int(re.findall(r"SCF run converged in\s+(\d+) steps", out)[-1])

    e0, n0 = run(CP2KCalculator("test", directory=tmp_path / "a"), tmp_path / "a")
    (wfn,) = (tmp_path / "a").glob("run-*-RESTART.kp")
    e1, n1 = run(CP2KCalculator("test", directory=tmp_path / "b", wavefunction_guess=wfn), tmp_path / "b")
    assert abs(e1 - e0) < 1e-5
    assert n0 >= 5 and n1 <= n0 // 2, (n0, n1)
