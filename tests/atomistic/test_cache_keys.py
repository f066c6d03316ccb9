"""The job cache's key and input record: every input that changes a calculation changes the key, and nothing else does.

A key that ignored the task (a relaxation served as a single point), the constraints (a slab with its bottom planes
fixed served for a free one) or the periodicity would silently hand back another calculation's energy; a key that
changed with the order of a task's settings would recompute hours of DFT for nothing.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

pytest.importorskip("ase")


def _cell():
    from ase import Atoms

    # positions inside a 1e-6 A rounding interval (x.xxxxxx2), so a move below 2e-7 A cannot cross its boundary
    return Atoms("Li2F", positions=[[0.1000002, 0.2000002, 0.3000002], [1.7000002, 1.7000002, 1.7000002], [0.9000002, 2.1000002, 3.0000002]],
                 cell=[[3.4000002, 0, 0], [0, 3.4000002, 0], [0, 0, 20.0000002]], pbc=[True, True, False])


TASK = {"task": "relax", "fmax_eV_A": 0.05, "steps": 40}


def test_job_key_changes_with_every_input_that_changes_the_calculation():
    from ase.constraints import FixAtoms

    from lisse.atomistic.cache import job_key

    a = _cell()
    base = job_key("gpaw-id", TASK, a)
    assert len(base) == 64 and int(base, 16) >= 0
    variants = {
        "identity": job_key("gpaw-id2", TASK, a),
        "task": job_key("gpaw-id", {**TASK, "task": "single"}, a),
        "fmax": job_key("gpaw-id", {**TASK, "fmax_eV_A": 0.02}, a),
        "other object": job_key("gpaw-id", {**TASK, "steps": object()}, a),  # not JSON: hashed as its text
    }
    b = a.copy()
    b.numbers[2] = 8  # F -> O
    variants["numbers"] = job_key("gpaw-id", TASK, b)
    b = a.copy()
    b.positions[1, 2] += 2e-6  # beyond the 1e-6 A rounding
    variants["positions"] = job_key("gpaw-id", TASK, b)
    b = a.copy()
    b.cell[2, 2] += 2e-6
    variants["cell"] = job_key("gpaw-id", TASK, b)
    b = a.copy()
    b.pbc = True
    variants["pbc"] = job_key("gpaw-id", TASK, b)
    b = a.copy()
    b.set_constraint(FixAtoms(indices=[0]))
    variants["fixed"] = job_key("gpaw-id", TASK, b)
    b2 = a.copy()
    b2.set_constraint(FixAtoms(indices=[1]))
    variants["fixed other"] = job_key("gpaw-id", TASK, b2)
    assert all(v != base for v in variants.values()), [k for k, v in variants.items() if v == base]
    assert len(set(variants.values())) == len(variants)


def test_job_key_ignores_what_does_not_change_the_calculation():
    from ase.constraints import FixAtoms

    from lisse.atomistic.cache import job_key

    a = _cell()
    base = job_key("gpaw-id", TASK, a)
    assert job_key("gpaw-id", dict(reversed(list(TASK.items()))), a) == base  # order of the task's settings
    # a numpy scalar is the same setting as the Python number (np.float64 is a float; np.int64 and np.bool_ are not)
    assert job_key("gpaw-id", {**TASK, "steps": np.int64(40), "fmax_eV_A": np.float32(0.5)}, a) == \
        job_key("gpaw-id", {**TASK, "fmax_eV_A": 0.5}, a)
    assert job_key("gpaw-id", {**TASK, "flag": np.bool_(True)}, a) == job_key("gpaw-id", {**TASK, "flag": True}, a)
    b = a.copy()
    b.positions += 1.5e-7  # float noise below the 1e-6 A rounding
    b.cell[2, 2] += 1.5e-7
    assert job_key("gpaw-id", TASK, b) == base
    c, d = a.copy(), a.copy()
    c.set_constraint(FixAtoms(indices=[2, 0]))
    d.set_constraint([FixAtoms(indices=[0]), FixAtoms(indices=[2])])
    assert job_key("gpaw-id", TASK, c) == job_key("gpaw-id", TASK, d)  # the same atoms fixed, however it was said


def test_job_input_records_what_the_key_hashes_and_survives_json():
    from ase.constraints import FixAtoms

    from lisse.atomistic.cache import input_distance, job_input

    a = _cell()
    a.set_constraint(FixAtoms(indices=[2, 0]))
    rec = job_input("gpaw-id", {"task": "relax", "when": np.float64(0.5), "steps": np.int64(40)}, a)
    assert rec["identity"] == "gpaw-id" and rec["numbers"] == [3, 3, 9] and rec["pbc"] == [True, True, False]
    assert rec["fixed"] == [0, 2]
    assert list(rec["task"]) == ["steps", "task", "when"] and rec["task"]["when"] == 0.5 and rec["task"]["steps"] == 40
    assert np.array_equal(rec["positions"], a.positions) and np.array_equal(rec["cell"], a.cell.array)
    back = json.loads(json.dumps(rec))  # what a cache file gives back
    assert back == rec and input_distance(back, rec) == 0.0
    assert isinstance(back["positions"][0][0], float) and isinstance(back["numbers"][0], int)


@pytest.mark.parametrize("field, value", [("pbc", [True, True, True]), ("fixed", [0]), ("task", {"task": "single"})])
def test_input_distance_refuses_a_record_of_another_job(field, value):
    from lisse.atomistic.cache import input_distance, job_input

    rec = job_input("gpaw-id", TASK, _cell())
    assert input_distance({**rec, field: value}, rec) is None


def test_input_distance_is_the_largest_move_of_positions_or_cell():
    from lisse.atomistic.cache import input_distance, job_input

    a = _cell()
    rec = job_input("gpaw-id", TASK, a)
    b = a.copy()
    b.positions[2, 0] -= 3e-5
    b.positions[0, 1] += 1e-5
    assert input_distance(job_input("gpaw-id", TASK, b), rec) == pytest.approx(3e-5, rel=1e-6, abs=0)
    b.cell[0, 0] += 7e-5
    assert input_distance(job_input("gpaw-id", TASK, b), rec) == pytest.approx(7e-5, rel=1e-6, abs=0)
    stored = {**rec, "positions": "not numbers"}
    assert input_distance(stored, rec) is None
    stored = {k: v for k, v in rec.items() if k != "cell"}
    assert input_distance(stored, rec) is None
    stored = {**rec, "positions": [[0.0, 0.0]] * 3}  # wrong shape
    assert input_distance(stored, rec) is None
    stored = {**rec, "cell": [[3.4, 0, 0], [0, 3.4, 0]]}
    assert input_distance(stored, rec) is None
    stored = {**rec, "positions": [["0.1", "0.2", "x"]] * 3}  # text where numbers belong
    assert input_distance(stored, rec) is None
    far = {**rec, "positions": [[1e308, 0.0, 0.0]] * 3}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflowing difference is no match, and no RuntimeWarning on the way
        assert input_distance(far, {**rec, "positions": [[-1e308, 0.0, 0.0]] * 3}) is None


def test_input_distance_of_an_empty_cell_is_the_cell_change():
    from ase import Atoms

    from lisse.atomistic.cache import input_distance, job_input

    rec = job_input("id", TASK, Atoms(cell=[3.0, 3.0, 3.0], pbc=True))
    assert input_distance(job_input("id", TASK, Atoms(cell=[3.0, 3.0, 3.00002], pbc=True)), rec) == pytest.approx(2e-5, rel=1e-6, abs=0)


def test_a_cache_entry_of_the_wrong_shape_is_named_with_what_was_found():
    from lisse.atomistic.cache import check_job_entry
    from lisse.errors import ReaderError

    good = {"energy_eV": -1.0, "atoms": {"numbers": [3], "positions": [[0, 0, 0]], "cell": [[3, 0, 0], [0, 3, 0], [0, 0, 3]], "pbc": [1, 1, 1]},
            "converged": True, "fmax_final_eV_A": None, "n_steps": 0, "wall_s": 0.1}
    with pytest.raises(ReaderError, match=r"expected a JSON object, found list"):
        check_job_entry("e.json", [good])
    with pytest.raises(ReaderError, match=r"key 'energy_eV' should be int/float, found str"):
        check_job_entry("e.json", {**good, "energy_eV": "-1.0"})
    with pytest.raises(ReaderError, match=r"key 'n_steps' should be int, found bool"):
        check_job_entry("e.json", {**good, "n_steps": True})


def test_job_key_takes_the_fixed_atoms_as_a_set_and_a_rounded_zero_unsigned():
    """Seen 2026-12-06: 1e-15 Å of float noise permuted the order in which a flat plane's fixed atoms were listed, and a
    stored result was computed again. The order of ``task['fixed']`` and the sign of a coordinate that rounds to zero
    say nothing about the calculation; a different set of fixed atoms does."""
    from ase.constraints import FixAtoms

    from lisse.atomistic.cache import job_key, legacy_job_key

    a = _cell()
    a.set_constraint(FixAtoms(indices=[2, 0]))
    listed = {**TASK, "fixed": [2, 0]}
    base = job_key("gpaw-id", listed, a)
    assert job_key("gpaw-id", {**TASK, "fixed": [0, 2]}, a) == base
    assert job_key("gpaw-id", {**TASK, "fixed": (0, 2)}, a) == base  # a tuple is written as JSON's list
    assert job_key("gpaw-id", {**TASK, "fixed": [0, 1]}, a) != base
    assert job_key("gpaw-id", {**TASK, "fixed": [0, 2, 2]}, a) != base
    assert legacy_job_key("gpaw-id", {**TASK, "fixed": [0, 2]}, a) != legacy_job_key("gpaw-id", listed, a)
    b, c = a.copy(), a.copy()
    b.positions[0, 0], c.positions[0, 0] = -1e-12, 1e-12  # both round to zero; -0.0 has other bytes than +0.0
    assert job_key("gpaw-id", listed, b) == job_key("gpaw-id", listed, c) != base
    assert legacy_job_key("gpaw-id", listed, b) != legacy_job_key("gpaw-id", listed, c)
    b.cell[0, 1], c.cell[0, 1] = -1e-12, 1e-12
    assert job_key("gpaw-id", listed, b) == job_key("gpaw-id", listed, c)


def test_legacy_job_key_is_the_key_entries_were_stored_under_until_2026_12_06():
    """The hash of ``job_key`` as of commit 9765914, computed with that commit's code: entries stored since the first
    DFT records are filed under it, and a change of it would lose them all."""
    from ase import Atoms
    from ase.constraints import FixAtoms

    from lisse.atomistic.cache import legacy_job_key

    a = Atoms("Li2F", positions=[[-1e-12, 0.2000002, 0.3000002], [1.7000002, 1.7000002, 1.7000002], [0.9000002, 2.1000002, 3.0000002]],
              cell=[[3.4000002, 0, 0], [0, 3.4000002, 0], [0, 0, 20.0000002]], pbc=[True, True, False])
    a.set_constraint(FixAtoms(indices=[2, 0]))
    task = {"task": "relax", "fmax_eV_A": 0.05, "steps": 40, "fixed": [2, 0]}
    assert legacy_job_key("gpaw-id", task, a) == "36f646f03143b2dfde2e85dd46e93dc6815087282574c6ec14eba62baa2cc69b"
