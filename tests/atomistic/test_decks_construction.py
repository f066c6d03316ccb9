"""DFT decks build the constructions lisse wetting builds: forced supercells, terminations, layer counts, and an ML
run's own cell, registry and gap (``adhesion_jobs(ml_result=...)``, ``lisse atomistic decks --from-ml``)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")

from lisse.atomistic.interfaces import forced_match  # noqa: E402
from lisse.atomistic.slabs import make_slab  # noqa: E402
from lisse.atomistic.structures import bulk  # noqa: E402
from lisse.atomistic.workflows import adhesion_jobs, ml_construction  # noqa: E402
from lisse.errors import ParameterError, ReaderError  # noqa: E402
from lisse.io.dft_decks import read_ml_result  # noqa: E402

RECORDS = Path(__file__).resolve().parents[2] / "benchmarks" / "records"
#: CHGNet+D3 on Ji2025's Li(001) 4x4 | LiF(001) 3x3 cell, 3 Li planes on 2 LiF planes (a real lisse wetting --json run)
JI_LIF_ML = RECORDS / "ji-lif-ml" / "chgnet_0.3.0+d3_slab-references_film3.json"
#: CHGNet+D3 on Ji2025's Li(001) 3x3 | Li2CO3(001) 2x2 cell (slab cells), 3 Li planes on 6 Li2CO3 planes
JI_LI2CO3_ML = RECORDS / "ji-li2co3-ml" / "chgnet_0.3.0+d3_slab-references.json"


def _jobs(**kw):
    return {j.name: j for j in adhesion_jobs(**kw)}


def _canonical(atoms):
    """Symbols and wrapped fractional positions, sorted: the same structure in any atom order or cell image."""
    f = np.round(atoms.get_scaled_positions(wrap=True), 6) % 1.0
    rows = sorted(zip(atoms.get_chemical_symbols(), map(tuple, f)))
    return [r[0] for r in rows], np.array([r[1] for r in rows])


def _gap(interface, n_sub):
    z = interface.positions[:, 2]
    return float(z[n_sub:].min() - z[:n_sub].max())


def test_forced_supercells_build_ji_lif_cell_from_the_lattice_constants():
    """Li(001) 4x4 on LiF(001) 3x3 (conventional cells), 3 | 2 planes: 48 + 72 atoms on the (3 a_LiF)^2 square, Li
    compressed by 3 a_LiF / (4 a_Li) - 1 (the library's experimental lattices, computed here from their cells)."""
    jobs = _jobs(substrate="LiF", film_supercell=(4, 4), substrate_supercell=(3, 3), film_layers=3, substrate_layers=2)
    a_li, a_lif = bulk("Li").cell.lengths()[0], bulk("LiF").cell.lengths()[0]
    it = jobs["interface"].atoms
    assert (len(jobs["film_strained"].atoms), len(jobs["substrate"].atoms), len(it)) == (48, 72, 120)
    cell = it.cell.array[:2, :2]
    assert sorted(np.linalg.norm(cell, axis=1)) == pytest.approx([3 * a_lif] * 2, rel=1e-9)
    assert it.info["area_A2"] == pytest.approx((3 * a_lif) ** 2, rel=1e-9)
    assert it.info["strain"] == pytest.approx(abs(3 * a_lif / (4 * a_li) - 1), rel=1e-9)  # 13.9 %
    for name in ("film_strained", "substrate"):  # the three W_ad structures share the interface's in-plane cell
        assert jobs[name].atoms.cell.array[:2, :2] == pytest.approx(cell, abs=1e-9)
    assert _gap(it, 72) == pytest.approx(2.2, abs=1e-9)  # adhesion_jobs' default gap


def test_the_termination_and_layer_counts_reach_the_decks():
    """Li2CO3(001) has two terminations: the decks' substrate is the slab make_slab builds for the index asked."""
    x = bulk("Li2CO3")
    for k in (0, 1):
        ref = make_slab(x, (0, 0, 1), 6, 15.0, k).repeat((2, 2, 1))  # 2x2 of the slab's own surface cell
        sub = _jobs(substrate="Li2CO3", substrate_miller=(0, 0, 1), film_supercell=(3, 3), substrate_supercell=(2, 2),
                    supercell_cell="slab", substrate_termination=k, film_layers=3, substrate_layers=6)["substrate"].atoms
        assert sub.get_chemical_formula() == ref.get_chemical_formula()

        def top(a):  # the symbols within 0.5 A of the plane that faces Li, and their heights below it
            z = a.positions[:, 2]
            near = z > z.max() - 0.5
            return sorted(a.get_chemical_symbols()[i] for i in np.flatnonzero(near)), np.sort(np.round(z.max() - z, 4))

        (s_sub, dz_sub), (s_ref, dz_ref) = top(sub), top(ref)
        assert s_sub == s_ref
        assert dz_sub == pytest.approx(dz_ref, abs=1e-3)
    t0 = _jobs(substrate="Li2CO3", substrate_miller=(0, 0, 1), film_supercell=(3, 3), substrate_supercell=(2, 2), supercell_cell="slab",
               film_layers=3, substrate_layers=6)["substrate"].atoms
    t1 = _jobs(substrate="Li2CO3", substrate_miller=(0, 0, 1), film_supercell=(3, 3), substrate_supercell=(2, 2), supercell_cell="slab",
               substrate_termination=1, film_layers=3, substrate_layers=6)["substrate"].atoms
    assert not np.allclose(np.sort(t0.positions[:, 2]), np.sort(t1.positions[:, 2]))  # two different slabs, not one twice
    with pytest.raises(ParameterError, match="termination"):
        adhesion_jobs("Li2CO3", (0, 0, 1), substrate_termination=2)


def test_an_ml_run_that_does_not_record_its_termination_planes_is_refused_where_there_are_several():
    """The Li2CO3 record (2026-12-04) gives only an index; on Li2CO3(001) the index can name the other termination on
    another lattice (test below), so the decks refuse rather than guess."""
    ml = read_ml_result(JI_LI2CO3_ML)
    with pytest.raises(ParameterError, match="does not record its termination's planes"):
        adhesion_jobs(**ml_construction(ml), ml_result=ml)


@pytest.mark.parametrize("record", [JI_LIF_ML], ids=["LiF"])
def test_decks_from_a_real_ml_run_rebuild_its_cell_gap_and_registry(record):
    """ml_construction + ml_result: the decks' interface has the ML run's atom count, supercell and relaxed gap; the
    same structure as the decks built from those numbers given by hand (a second route to the same cell). The layer
    counts come from the record's checks."""
    ml = read_ml_result(record)
    kw = ml_construction(ml)
    assert kw["substrate"] == ml["substrate"] and tuple(kw["substrate_miller"]) == tuple(ml["substrate_miller"])
    assert (kw["film_layers"], kw["substrate_layers"]) == (ml["checks"]["film_layers"], ml["checks"]["substrate_layers"]) == (3, 2)
    layers = {"film_layers": 3, "substrate_layers": 2}
    jobs = _jobs(**kw, ml_result=ml)
    it, n_sub = jobs["interface"].atoms, len(jobs["substrate"].atoms)
    assert len(it) == ml["n_atoms_interface"]
    assert _gap(it, n_sub) == pytest.approx(ml["interface_gap_relaxed_A"], abs=1e-9)
    by_hand = _jobs(substrate=kw["substrate"], substrate_miller=kw["substrate_miller"], film_supercell=kw["film_supercell"],
                    substrate_supercell=kw["substrate_supercell"], supercell_cell=kw["supercell_cell"], gap=ml["interface_gap_relaxed_A"],
                    **layers)["interface"].atoms
    assert it.cell.array == pytest.approx(by_hand.cell.array, abs=1e-9)
    (s1, f1), (s2, f2) = _canonical(it), _canonical(by_hand)  # by hand, Li(001) may be turned by 90 degrees: the same atoms
    assert s1 == s2
    assert f1 == pytest.approx(f2, abs=2e-6)


def test_the_ml_run_cell_is_kept_even_when_a_turn_of_it_strains_the_same():
    """Li(001) is square: the four 90-degree turns of the Li 4x4 basis strain it equally, and which one forced_match
    keeps depends on rounding in the lattice (the CHGNet run kept [[4,0],[0,4]]; the experimental lattices pick
    another). The decks use the run's matrices as reported, so its registry shift means what it meant there."""
    ml = read_ml_result(JI_LIF_ML)
    fl, sb = make_slab(bulk("Li"), (1, 0, 0), 3, 15.0), make_slab(bulk("LiF"), (1, 0, 0), 2, 15.0)
    turned = ((0, 4), (-4, 0))
    kept = forced_match(fl, sb, turned, ml["substrate_matrix"], cell="slab", turn_film=False)
    assert kept.film_matrix == turned
    assert forced_match(fl, sb, turned, ml["substrate_matrix"], cell="slab", turn_film=False).strain == pytest.approx(
        forced_match(fl, sb, ml["film_matrix"], ml["substrate_matrix"], cell="slab", turn_film=False).strain, rel=1e-12)
    # a registry shift off the origin goes into the decks' interface as given
    moved = copy.deepcopy(ml)
    # the registry of the lowest SANE start: a lower, insane one is passed over
    moved["starts"] = [{**moved["starts"][0], "shift_A": [0.7, 1.1]},
                       {**moved["starts"][0], "shift_A": [2.0, 2.0], "energy_eV": moved["starts"][0]["energy_eV"] - 5, "sane": False}]
    kw = ml_construction(moved)
    it = _jobs(**kw, ml_result=moved)["interface"].atoms
    assert it.info["shift_A"] == pytest.approx([0.7, 1.1], abs=1e-12)
    it0 = _jobs(**kw, ml_result=ml)["interface"].atoms
    d = (it.positions - it0.positions)[72:]  # the film, moved rigidly by the shift
    assert d[:, :2] == pytest.approx(np.tile([0.7, 1.1], (len(d), 1)), abs=1e-9)
    assert (it.positions - it0.positions)[:72] == pytest.approx(np.zeros((72, 3)), abs=1e-12)


def test_an_ml_run_of_another_construction_is_refused_with_the_difference_named():
    ml = read_ml_result(JI_LIF_ML)
    kw = ml_construction(ml)
    cases = [
        ({"substrate_termination": 1}, "termination"),  # LiF(100) has one termination: make_slab refuses 1
        ({"film_layers": 5}, "has 120 atoms; these decks build 152"),
        ({"film_miller": (1, 1, 1)}, r"its film_miller is \[1, 0, 0\]; these decks build \[1, 1, 1\]"),  # named before any strain
        ({"film_supercell": (3, 3), "substrate_supercell": (2, 2)}, r"forced supercells 4x4,3x3 .*expected forced supercells 3x3,2x2"),
        ({"film_supercell": None, "substrate_supercell": None}, "expected the coherent search"),
        ({"strained": "both"}, "strain on 'film'; expected 'both'"),
        ({"substrate_miller": (1, 1, 0)}, r"substrate_miller is \[1, 0, 0\]"),
    ]
    for change, message in cases:
        with pytest.raises(ParameterError, match=message):
            adhesion_jobs(**(kw | change), ml_result=ml)
    with pytest.raises(ParameterError, match="substrate is 'LiF'"):
        adhesion_jobs(**(kw | {"substrate": "Li2O", "substrate_miller": (1, 0, 0)}), ml_result=ml)
    with pytest.raises(ParameterError, match="expected one work-of-adhesion result.*found no starts"):
        ml_construction({k: v for k, v in ml.items() if k != "starts"})
    with pytest.raises(ParameterError, match="found a list"):
        ml_construction([ml])


def test_ml_construction_takes_the_layer_counts_a_run_records(tmp_path):
    ml = read_ml_result(JI_LIF_ML)
    ml["provenance"]["settings"] |= {"film_layers": 3, "substrate_layers": 2}
    ml.pop("checks")
    kw = ml_construction(ml)
    assert (kw["film_layers"], kw["substrate_layers"]) == (3, 2)
    assert len(_jobs(**kw, ml_result=ml)["interface"].atoms) == 120


def test_read_ml_result_names_the_file_and_what_it_found(tmp_path):
    bad = {"list.json": json.dumps([{"substrate": "LiF"}]), "text.json": "not json", "keys.json": json.dumps({"substrate": "LiF"}),
           "screen.json": json.dumps({"screen": [], "substrates_total": 2}), "digits.json": '{"a": ' + "9" * 5000 + "}",
           "deep.json": "[" * 100000 + "]" * 100000}
    expected = {"list.json": "found a JSON list", "text.json": "found JSONDecodeError", "keys.json": "found no film_miller, substrate_miller, starts",
                "screen.json": "found a screen of several", "digits.json": "found ValueError", "deep.json": "found RecursionError"}
    for name, text in bad.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(ReaderError, match=f"'{tmp_path / name}'.*{expected[name]}"):
            read_ml_result(tmp_path / name)
    with pytest.raises(ReaderError, match="no such file"):
        read_ml_result(tmp_path / "absent.json")
    with pytest.raises(ReaderError, match="found a folder"):
        read_ml_result(tmp_path)


def test_the_termination_is_matched_by_its_planes_not_its_index():
    """Review s52 H1: on Li2CO3(001) scaled by 0.98 (an ML lattice), pymatgen's termination 0 was the experimental
    lattice's termination 1. lisse's order is now the same on every scaled lattice (test_build), but a record written before
    can carry pymatgen's index: an ML run recording its planes gets the decks' matching index whatever index it
    records; the other index is refused, naming it."""
    from lisse.atomistic.slabs import plane_profile, same_plane_profile

    x = bulk("Li2CO3")
    scaled = x.copy()
    scaled.set_cell(x.cell * 0.98, scale_atoms=True)
    ml_planes = plane_profile(make_slab(scaled, (0, 0, 1), 6, 15.0, 1))  # recorded below as index 0 (an older record)
    exp = [plane_profile(make_slab(x, (0, 0, 1), 6, 15.0, k)) for k in (0, 1)]
    assert not same_plane_profile(ml_planes, exp[0]) and same_plane_profile(ml_planes, exp[1])
    ml = read_ml_result(JI_LI2CO3_ML)
    ml["substrate_termination"] = {"index": 0, "n_terminations": 2, "symmetric_planes": True, "planes": ml_planes}
    kw = ml_construction(ml)
    assert kw["substrate_termination"] == 1
    sub = _jobs(**kw, ml_result=ml)["substrate"].atoms
    assert same_plane_profile(plane_profile(sub), ml_planes)
    with pytest.raises(ParameterError, match="termination 0 of these decks does not \\(termination 1 here: give --termination 1\\)"):
        adhesion_jobs(**(kw | {"substrate_termination": 0}), ml_result=ml)


def test_a_coherent_search_ml_run_gets_its_own_cell_not_the_decks_search():
    """Review s52 M6: the ML path of the default (coherent) construction. The 'ML run' is a search on lattices scaled as
    an ML potential's (Li 0.97, LiF 1.01) that kept its second candidate; the decks must build that cell (its substrate
    supercell on the experimental slab), not the first cell their own search finds."""
    from lisse.atomistic.interfaces import lattice_matches

    li, lif = bulk("Li"), bulk("LiF")
    li_s, lif_s = li.copy(), lif.copy()
    li_s.set_cell(li.cell * 0.97, scale_atoms=True)
    lif_s.set_cell(lif.cell * 1.01, scale_atoms=True)
    ml_matches = lattice_matches(make_slab(li_s, (1, 0, 0), 3, 15.0), make_slab(lif_s, (1, 0, 0), 2, 15.0), max_strain=0.06, max_area=130.0)
    fl, sb = make_slab(li, (1, 0, 0), 3, 15.0), make_slab(lif, (1, 0, 0), 2, 15.0)
    decks_first = lattice_matches(fl, sb, max_strain=0.03, max_area=130.0)[0]
    chosen = next(m for m in ml_matches if m.substrate_matrix != decks_first.substrate_matrix)
    ml = {"substrate": "LiF", "film_miller": [1, 0, 0], "substrate_miller": [1, 0, 0], "strained": "film",
          "starts": [{"shift_A": [0.0, 0.0], "energy_eV": -1.0}], "interface_gap_relaxed_A": 2.5,
          "film_matrix": [list(r) for r in chosen.film_matrix], "substrate_matrix": [list(r) for r in chosen.substrate_matrix],
          "substrate_termination": {"index": 0, "n_terminations": 1}, "checks": {"film_layers": 3, "substrate_layers": 2}}
    it = _jobs(**ml_construction(ml), ml_result=ml)["interface"].atoms
    want = np.array(chosen.substrate_matrix) @ sb.cell.array[:2, :2]
    assert it.cell.array[:2, :2] == pytest.approx(want, abs=1e-9)
    assert _gap(it, len(it) - 3 * round(abs(np.linalg.det(np.array(chosen.film_matrix))))) == pytest.approx(2.5, abs=1e-9)


def test_a_hexagonal_net_refuses_the_ml_matrices():
    """Review s52 H2: on Li2O(111) the reduced surface basis turns between 60 and 120 degrees with the lattice constant."""
    ml = {"substrate": "Li2O", "film_miller": [1, 1, 0], "substrate_miller": [1, 1, 1], "strained": "film",
          "starts": [{"shift_A": [0.0, 0.0], "energy_eV": -1.0}], "interface_gap_relaxed_A": 2.5,
          "film_matrix": [[1, 3], [-4, 1]], "substrate_matrix": [[3, -2], [2, 3]]}
    from lisse.atomistic.slabs import plane_profile

    ml["substrate_termination"] = {"index": 0, "n_terminations": 2, "planes": plane_profile(make_slab(bulk("Li2O"), (1, 1, 1), 3, 15.0, 0))}
    with pytest.raises(ParameterError, match="ambiguous on the hexagonal Li2O surface net"):
        adhesion_jobs(**ml_construction(ml), ml_result=ml)


@pytest.mark.parametrize("change, message", [
    ({"starts": []}, "at least one sane start"),
    ({"starts": [{"shift_A": [float("nan"), 0.0], "energy_eV": -1.0}]}, "finite energy_eV and two finite shift_A"),
    ({"starts": [{"shift_A": [0.0], "energy_eV": -1.0}]}, "two finite shift_A"),
    ({"starts": "abc"}, "starts must be a list of objects"),
    ({"interface_gap_relaxed_A": 1e6}, "interface_gap_relaxed_A must be a gap from 0.5 to 6.0 A; found 1000000.0"),
    ({"interface_gap_relaxed_A": None}, "interface_gap_relaxed_A must be a gap"),
    ({"substrate_termination": {"index": "x"}}, "substrate_termination must be an object with a whole-number index"),
    ({"supercells": {"film": [4, 4]}}, "supercells must be"),
    ({"film_miller": None}, "film_miller must be three whole numbers"),
    ({"strained": "sideways"}, "strained must be one of film, substrate, both"),
])
def test_malformed_ml_results_name_the_key(change, message):
    ml = read_ml_result(JI_LIF_ML) | change
    with pytest.raises(ParameterError, match=message):
        adhesion_jobs(**ml_construction(ml), ml_result=ml)


def test_turn_film_false_keeps_a_more_strained_turn_on_a_rectangular_net():
    """On a rectangular substrate the turns of the film basis strain differently: the search turns, turn_film=False not."""
    fl, sb = make_slab(bulk("Li"), (1, 0, 0), 3, 15.0), make_slab(bulk("Li2O"), (1, 1, 0), 2, 15.0)
    given = ((0, 3), (-4, 0))
    kept = forced_match(fl, sb, given, ((3, 0), (0, 2)), cell="slab", turn_film=False)
    turned = forced_match(fl, sb, given, ((3, 0), (0, 2)), cell="slab")
    assert kept.film_matrix == given and turned.film_matrix != given and turned.strain < kept.strain - 0.01


def _cli(capsys, *argv):
    from lisse.cli.main import main

    rc = main(["atomistic", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_cli_decks_from_ml_take_its_construction_and_record_it(tmp_path, capsys):
    """`lisse atomistic decks Li LiF --from-ml FILE`: the construction comes from the run; options given must agree;
    the manifest records what was built and from which run."""
    out = tmp_path / "decks"
    rc, so, se = _cli(capsys, "decks", "Li", "LiF", "--from-ml", str(JI_LIF_ML), "--out", str(out), "--json")
    assert rc == 0, se
    d = json.loads(so)
    assert {j["name"]: j["n_atoms"] for j in d["jobs"]}["interface"] == 120
    man = json.loads((out / "manifest.json").read_text())["meta"]
    assert man["from_ml"]["file"] == str(JI_LIF_ML.resolve()) and len(man["from_ml"]["sha256"]) == 64
    ml = read_ml_result(JI_LIF_ML)
    assert man["built"]["gap_A"] == pytest.approx(ml["interface_gap_relaxed_A"], abs=1e-12)
    assert man["built"]["film_strain_percent"] == pytest.approx(13.94, abs=0.01)  # on the experimental lattices (ML: 9.85)
    assert "max_strain" not in man["construction"]  # no search ran
    assert man["construction"] | {} == d["construction"]
    assert (d["construction"]["film_supercell"], d["construction"]["substrate_supercell"], d["construction"]["film_layers"]) == ([4, 4], [3, 3], 3)
    poscar = (out / "interface" / "POSCAR").read_text().splitlines()
    assert sum(int(n) for n in poscar[6].split()) == 120
    # a layer count the run did not have: exit 2, one line naming the file, nothing written
    rc, so, se = _cli(capsys, "decks", "Li", "LiF", "--from-ml", str(JI_LIF_ML), "--film-layers", "5", "--out", str(tmp_path / "d2"))
    assert rc == 2 and f"--from-ml '{JI_LIF_ML}': its interface has 120 atoms; these decks build 152" in se
    assert len(se.strip().splitlines()) == 1
    rc, so, se = _cli(capsys, "decks", "Li", "LiF", "--from-ml", str(JI_LIF_ML), "--strain-on", "both", "--out", str(tmp_path / "d2"))
    assert rc == 2 and "strain on 'film'; expected 'both'" in se  # an option given wins over the file, and is checked
    rc, so, se = _cli(capsys, "decks", "Li", "LiF", "--supercells", "4x4,3x3", "--max-strain", "5 percent", "--out", str(tmp_path / "d2"))
    assert rc == 2 and "--max-strain: bounds the coherent search" in se
    assert not (tmp_path / "d2").exists()
    rc, so, se = _cli(capsys, "decks", "Li", "Li2O", "--from-ml", str(JI_LIF_ML), "--out", str(tmp_path / "d3"))
    assert rc == 2 and "an ML run of Li|LiF; expected Li|Li2O" in se
    rc, so, se = _cli(capsys, "accuracy", "--supercells", "4x4,3x3")
    assert rc == 2 and "--supercells: applies to 'lisse atomistic decks Li X'" in se
    rc, so, se = _cli(capsys, "decks", "Li", "LiF", "--supercell-cell", "slab", "--out", str(tmp_path / "d4"))
    assert rc == 2 and "--supercell-cell: says what --supercells counts" in se


def test_cli_decks_build_ji_cell_with_forced_supercells(tmp_path, capsys):
    out = tmp_path / "ji"
    rc, so, se = _cli(capsys, "decks", "Li", "LiF", "--supercells", "4x4,3x3", "--film-layers", "3", "--substrate-layers", "2",
                      "--d3", "--encut", "450", "--out", str(out), "--json")
    assert rc == 0, se
    d = json.loads(so)
    assert {j["name"]: j["n_atoms"] for j in d["jobs"]} | {} == {"bulk_Li": 1, "bulk_LiF": 2, "slab_Li_n5": 5, "slab_Li_n7": 7,
                                                                  "film_strained": 48, "substrate": 72, "interface": 120}
    incar = (out / "interface" / "INCAR").read_text()
    assert "ENCUT = 450" in incar and "IVDW = 11" in incar  # D3 (zero damping), as Ji2025
    assert d["construction"]["supercell_cell"] == "conventional" and d["from_ml"] is None
