"""The second deck stage: W_ad of a deck run against the frozen and unrelaxed slab references
(``lisse atomistic decks --slab-references-from RUN``, ``lisse atomistic from-files RUN --slab-references REFS``).

The DFT is played by a model energy, E = sum of per-species constants + MU * sum_i (z_i - mean z)^2 + LAMBDA * cell
height: the z-spread term makes relaxed, frozen and as-built slabs differ, the cell-height term plays a grid error that
only the interface's common cell cancels. The expected rows are computed here from the structures themselves.

pw.x prints positions to ~1e-5 A (alat to 4 decimals in bohr), so structures read back match to TOL_A and the rows to
TOL_W, which is far below the differences between the rows (checked)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")

from lisse.atomistic.workflows import adhesion_jobs  # noqa: E402
from lisse.errors import ParameterError, ReaderError  # noqa: E402
from lisse.io.dft_decks import adhesion_from_files, write_decks, write_slab_reference_decks  # noqa: E402

_spec = importlib.util.spec_from_file_location("qe_fixture", Path(__file__).with_name("qe_fixture.py"))
qe_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(qe_fixture)

EV_A2 = 1.602176634e-19 / 1e-20  # J/m2 per eV/A2
C = {"Li": -1.9, "F": -5.0}  # eV per atom
MU, LAMBDA = 0.1, 0.01  # eV/A2, eV/A
TOL_A, TOL_W = 1e-4, 5e-4  # A, J/m2


def model_energy(atoms) -> float:
    z = atoms.positions[:, 2]
    return float(sum(C[s] for s in atoms.get_chemical_symbols()) + MU * ((z - z.mean()) ** 2).sum() + LAMBDA * atoms.cell[2, 2])


def run_folder(root: Path, structures: dict) -> None:
    """'Run' each deck: a pw.x output with the model energy of the structure it ends with."""
    for name, atoms in structures.items():
        (root / name / "pw.out").write_text(qe_fixture.pw_output(atoms, model_energy(atoms)))


@pytest.fixture()
def run(tmp_path):
    """A finished first stage: Li 3 planes on LiF 2 planes, the film relaxed outwards, the interface's film moved in."""
    jobs = {j.name: j for j in adhesion_jobs("LiF", substrate_layers=2, film_layers=3, li_slab_layers=(3, 5), max_strain=0.06, vacuum=12.0)}
    root = tmp_path / "run"
    write_decks(list(jobs.values()), root, "qe")
    n_sub = jobs["interface"].atoms.info["n_substrate"]
    film = jobs["film_strained"].atoms.copy()
    film.positions[:, 2] += 0.3 * (film.positions[:, 2] - film.positions[:, 2].mean())  # planes 30 % apart more
    it = jobs["interface"].atoms.copy()
    it.positions[n_sub:, 2] += 0.4 + 0.2 * (it.positions[n_sub:, 2] - it.positions[n_sub:, 2].min())  # gap +0.4 A, film expanded
    it.positions[:n_sub, 2] -= 0.05 * (it.positions[:n_sub, 2] - it.positions[:n_sub, 2].min())
    ends = {"film_strained": film, "substrate": jobs["substrate"].atoms, "interface": it}  # sigma_Li: the default (no Li slabs run)
    run_folder(root, ends)
    return root, jobs, ends, n_sub


def test_the_reference_decks_hold_the_right_slabs_and_the_rows_follow_from_their_energies(run, tmp_path):
    root, jobs, ends, n_sub = run
    refs = tmp_path / "refs"
    written = {j.name: j.atoms for j in write_slab_reference_decks(root, refs, "qe")}
    it, area = ends["interface"], jobs["interface"].atoms.info["area_A2"]
    h = it.cell[2, 2]
    for name, atoms in written.items():  # all six in the relaxed interface's cell
        assert atoms.cell.array == pytest.approx(it.cell.array, abs=TOL_A), name
    # frozen: the interface's two parts exactly; unrelaxed: the decks' as-built slabs; common cell: the relaxed ones
    assert written["frozen_film"].positions == pytest.approx(it.positions[n_sub:], abs=TOL_A)
    assert written["frozen_substrate"].positions == pytest.approx(it.positions[:n_sub], abs=TOL_A)
    for name, ref in (("unrelaxed_film", jobs["film_strained"].atoms), ("unrelaxed_substrate", jobs["substrate"].atoms),
                      ("common_cell_film", ends["film_strained"]), ("common_cell_substrate", ends["substrate"])):
        d = written[name].positions - ref.positions
        assert d - d[0] == pytest.approx(np.zeros(d.shape), abs=TOL_A), name  # the slab's own shape, translated
    run_folder(refs, written)
    r = adhesion_from_files(root, "qe", slab_references=refs)
    e_int = model_energy(it)
    # independent arithmetic: energies of the slabs computed here, in the interface's cell height
    spread = lambda a: MU * ((a.positions[:, 2] - a.positions[:, 2].mean()) ** 2).sum() + sum(C[s] for s in a.get_chemical_symbols())  # noqa: E731
    w = {"relaxed": spread(ends["film_strained"]) + spread(ends["substrate"]),
         "frozen": spread(it[n_sub:]) + spread(it[:n_sub]),
         "unrelaxed": spread(jobs["film_strained"].atoms) + spread(jobs["substrate"].atoms)}
    w = {k: (v + 2 * LAMBDA * h - e_int) / area * EV_A2 for k, v in w.items()}
    rows = {x["slab_reference"]: x for x in r["slab_references"]}
    for k in w:
        assert rows[k]["work_of_adhesion_J_m2"] == pytest.approx(w[k], abs=TOL_W), k
    assert r["work_of_separation_J_m2"] == pytest.approx(w["frozen"], abs=TOL_W)
    # the headline stays the first stage's own-cell W_ad; the cell-height term is what moves it to the common cell
    own = (model_energy(ends["film_strained"]) + model_energy(ends["substrate"]) - e_int) / area * EV_A2
    assert r["work_of_adhesion_J_m2"] == pytest.approx(own, abs=TOL_W)
    assert r["common_cell"]["work_of_adhesion_J_m2"] == pytest.approx(w["relaxed"], abs=TOL_W)
    expected_change = LAMBDA * (2 * h - ends["film_strained"].cell[2, 2] - ends["substrate"].cell[2, 2]) / area * EV_A2
    assert r["common_cell"]["change_J_m2"] == pytest.approx(expected_change, abs=TOL_W / 10)
    # the test discriminates: the cell-height term and the three references differ by far more than the tolerances
    assert abs(expected_change) > 10 * TOL_W
    assert min(abs(w["unrelaxed"] - w["relaxed"]), abs(w["frozen"] - w["relaxed"]), abs(w["frozen"] - w["unrelaxed"])) > 10 * TOL_W


def test_reference_decks_of_another_run_or_other_settings_are_refused(run, tmp_path):
    root, jobs, ends, n_sub = run
    refs = tmp_path / "refs"
    written = {j.name: j.atoms for j in write_slab_reference_decks(root, refs, "qe")}
    run_folder(refs, written)
    # the interface rerun since: its energy changed
    moved = ends["interface"].copy()
    moved.positions[-1, 2] += 0.1
    (root / "interface" / "pw.out").write_text(qe_fixture.pw_output(moved, model_energy(moved)))
    with pytest.raises(ReaderError, match="another run, or the interface was rerun"):
        adhesion_from_files(root, "qe", slab_references=refs)
    (root / "interface" / "pw.out").write_text(qe_fixture.pw_output(ends["interface"], model_energy(ends["interface"])))
    man = json.loads((refs / "manifest.json").read_text())
    man["settings"]["encut_eV"] = 400.0
    (refs / "manifest.json").write_text(json.dumps(man))
    with pytest.raises(ReaderError, match="DFT settings differ"):
        adhesion_from_files(root, "qe", slab_references=refs)
    with pytest.raises(ReaderError, match="expected slab-reference decks"):
        adhesion_from_files(root, "qe", slab_references=root)
    with pytest.raises(ParameterError, match="written for 'qe'"):
        write_slab_reference_decks(root, tmp_path / "r2", "vasp")
    (root / "interface" / "pw.out").unlink()
    with pytest.raises(ReaderError, match="no output file|interface"):
        write_slab_reference_decks(root, tmp_path / "r3", "qe")
    assert not (tmp_path / "r3").exists()


def test_cli_second_stage(run, tmp_path, capsys):
    from lisse.cli.main import main

    root, jobs, ends, n_sub = run
    refs = tmp_path / "refs"
    assert main(["atomistic", "decks", "--slab-references-from", str(root), "--code", "qe", "--out", str(refs), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [j["name"] for j in d["jobs"]] == ["common_cell_film", "common_cell_substrate", "frozen_film", "frozen_substrate",
                                              "unrelaxed_film", "unrelaxed_substrate"]
    assert f"--slab-references {refs}" in d["note"]
    for argv, message in ((["--encut", "450"], "--encut"), (["--supercells", "4x4,3x3"], "--supercells"), (["--d3"], "--d3"),
                          (["Li", "LiF"], "'Li LiF'")):
        head = argv if argv[0] == "Li" else []
        tail = [] if head else argv
        assert main(["atomistic", "decks", *head, "--slab-references-from", str(root), "--out", str(tmp_path / "x"), *tail]) == 2
        err = capsys.readouterr().err
        assert "--slab-references-from: the decks take the run's construction and settings" in err and message in err
    assert main(["atomistic", "accuracy", "--slab-references", str(refs)]) == 2
    assert "--slab-references: applies to 'lisse atomistic from-files RUN'" in capsys.readouterr().err
    from ase.io import read

    written = {x["name"]: read(refs / x["name"] / "pw.in", format="espresso-in") for x in d["jobs"]}
    run_folder(refs, written)
    assert main(["atomistic", "from-files", str(root), "--code", "qe", "--slab-references", str(refs), "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert [x["slab_reference"] for x in r["slab_references"]] == ["relaxed", "frozen", "unrelaxed"]
    assert r["work_of_separation_J_m2"] == r["slab_references"][1]["work_of_adhesion_J_m2"]


def test_the_first_stage_warnings_stay_beside_the_reference_rows(run, tmp_path):
    """An interface stopped at 0.5 eV/A is said with or without the slab references (they add rows, not absolution)."""
    root, jobs, ends, n_sub = run
    f = np.zeros((len(ends["interface"]), 3))
    f[0, 2] = 0.5
    (root / "interface" / "pw.out").write_text(qe_fixture.pw_output(ends["interface"], model_energy(ends["interface"]), f))
    refs = tmp_path / "refs"
    run_folder(refs, {j.name: j.atoms for j in write_slab_reference_decks(root, refs, "qe")})
    plain = adhesion_from_files(root, "qe")
    r = adhesion_from_files(root, "qe", slab_references=refs)
    assert any("force target" in w for w in plain["warnings"])
    assert [w for w in plain["warnings"]] == r["warnings"][: len(plain["warnings"])]
    assert r["work_of_adhesion_valid"] is False


def test_vasp_second_stage_puts_every_structure_back_in_the_job_order(tmp_path, monkeypatch):
    """Review s52b: VASP lists atoms by species (Li2CO3: C, Li, O), so every output and deck input must be reordered
    before the interface is cut. The reader is replaced by one that returns the written POSCAR (VASP's order), displaced
    along z as a relaxation would, with the model energy; the cuts must hold only the film's Li and the substrate."""
    from ase.io import read

    import lisse.io.dft_decks as dd

    jobs = {j.name: j for j in adhesion_jobs("Li2CO3", (0, 0, 1), film_supercell=(3, 3), substrate_supercell=(2, 2), supercell_cell="slab",
                                             film_layers=3, substrate_layers=6, li_slab_layers=(3,))}
    root = tmp_path / "run"
    write_decks(list(jobs.values()), root, "vasp")

    def fake_read_output(directory, name, code="vasp"):
        a = read(Path(directory) / name / "POSCAR", format="vasp")
        a.set_constraint()
        a.positions[:, 2] += 0.01 * np.arange(len(a))  # a 'relaxation' that labels each row
        return model_energy_any(a), a, {"file": str(Path(directory) / name / "OUTCAR"), "fmax": 0.0}

    def model_energy_any(a):
        z = a.positions[:, 2]
        return float(-len(a) + MU * ((z - z.mean()) ** 2).sum())

    monkeypatch.setattr(dd, "read_output", fake_read_output)
    refs = {j.name: j.atoms for j in write_slab_reference_decks(root, tmp_path / "refs", "vasp")}
    n_sub = jobs["interface"].atoms.info["n_substrate"]
    assert set(refs["frozen_film"].get_chemical_symbols()) == {"Li"} and len(refs["frozen_film"]) == len(jobs["film_strained"].atoms)
    assert refs["frozen_substrate"].get_chemical_formula() == jobs["substrate"].atoms.get_chemical_formula()
    # the frozen film is the relaxed interface's film in the job's order: the fake relaxation moved row k of the POSCAR
    from lisse.atomistic.dft import vasp_order

    order = vasp_order(jobs["interface"].atoms)
    moved = jobs["interface"].atoms.positions[:, 2].copy()
    moved[order] += 0.01 * np.arange(len(order))
    assert refs["frozen_film"].positions[:, 2] == pytest.approx(moved[n_sub:], abs=2e-5)
    assert refs["unrelaxed_film"].get_chemical_symbols() == jobs["film_strained"].atoms.get_chemical_symbols()
    # a restart that copied its CONTCAR over the as-built POSCAR is caught: the unrelaxed row would equal the relaxed one
    p = root / "film_strained" / "POSCAR"
    p.write_text(p.read_text().replace("Li", "Li ", 1))
    with pytest.raises(ReaderError, match="changed since lisse wrote it"):
        write_slab_reference_decks(root, tmp_path / "refs2", "vasp")


def test_an_output_with_its_species_reordered_is_refused(tmp_path):
    """An output whose atoms are not in the deck's order (another tool re-sorted the species) is refused, not cut wrongly."""
    from lisse.atomistic.dft import deck_manifest, in_job_order

    job = adhesion_jobs("Li2CO3", (0, 0, 1), film_supercell=(3, 3), substrate_supercell=(2, 2), supercell_cell="slab",
                        film_layers=3, substrate_layers=6, li_slab_layers=(3,))[-1]
    entry = deck_manifest([job], "vasp")["jobs"][0]
    resorted = job.atoms[np.argsort(job.atoms.get_chemical_symbols(), kind="stable")[::-1]]  # O, Li, C
    with pytest.raises(ReaderError, match="another order than the deck"):
        in_job_order(entry, resorted, "vasp")
