"""Cache and resume per calculation (issue 17 item 2): an interrupted relaxation continues from its last geometry.

A fake "DFT" backend (ASE's EMT potential behind the calculator contract, kind "dft", checkpointing every step) is
killed after k force calls; the rerun must start from the checkpointed geometry, not from the start, take the
remaining steps only, and end at the same minimum as an uninterrupted run (the independent reference).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")

from ase.build import fcc111  # noqa: E402
from ase.calculators.emt import EMT  # noqa: E402

from lisse.atomistic.calculators import AtomisticCalculator, CalculatorInfo  # noqa: E402
from lisse.atomistic.engine import Job, run_job  # noqa: E402
from lisse.errors import ReaderError  # noqa: E402
from lisse.io.atomistic_cache import JobCache  # noqa: E402


class Killed(RuntimeError):
    pass


class FlakyEMT(AtomisticCalculator):
    """EMT as a checkpointing 'DFT' backend that dies after ``fail_after`` energy/force evaluations."""

    checkpoint_every = 1

    def __init__(self, fail_after: int | None = None) -> None:
        self.info = CalculatorInfo("fake-dft", "emt", "0", "dft", 0.0, {"level": "test"})
        self.fail_after = fail_after
        self.calls = 0
        self.first_positions = None
        self.purposes: list[str] = []

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        outer = self
        self.purposes.append(purpose)

        class _EMT(EMT):
            def calculate(self, atoms=None, properties=("energy",), system_changes=()):
                outer.calls += 1
                if outer.first_positions is None:
                    outer.first_positions = atoms.positions.copy()
                if outer.fail_after is not None and outer.calls > outer.fail_after:
                    raise Killed("killed (simulated)")
                super().calculate(atoms, properties, system_changes)

        return _EMT()


def _slab():
    a = fcc111("Cu", (2, 2, 3), vacuum=6.0)
    a.pbc = True
    a.rattle(0.08, seed=3)
    return a


def test_interrupted_relaxation_resumes_from_its_last_geometry(tmp_path):
    job = Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3))
    ref = run_job(FlakyEMT(), job, JobCache(tmp_path / "ref"))  # uninterrupted, its own cache
    assert ref.converged and ref.n_steps > 8

    cache = JobCache(tmp_path / "run")
    k = 6
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=k), job, cache)
    assert [p.name.endswith("-partial.json") for p in (tmp_path / "run").iterdir()] == [True]  # only the checkpoint exists
    again = FlakyEMT()
    r = run_job(again, job, cache)
    assert not r.cached
    assert r.resumed_from_step == k - 1  # the step that was computing when killed is redone
    # it started at the checkpointed geometry, not at the job's start
    assert np.abs(again.first_positions - job.atoms.positions).max() > 1e-3
    assert again.calls < ref.n_steps + 1  # fewer evaluations than a fresh start
    assert r.n_steps >= r.resumed_from_step
    assert r.converged
    # the checkpoint is removed once the final result is stored (no stale files grow the cache)
    assert [p.name.endswith("-partial.json") for p in (tmp_path / "run").iterdir()] == [False]
    assert not [p for p in (tmp_path / "ref").iterdir() if p.name.endswith("-partial.json")]
    # the same minimum as the uninterrupted run (independent reference): energy and geometry
    assert r.energy_eV == pytest.approx(ref.energy_eV, abs=2e-3)
    assert np.abs(r.atoms.positions - ref.atoms.positions).max() < 0.05
    # and the finished job is now a plain cache hit
    r3 = run_job(FlakyEMT(fail_after=0), job, cache)
    assert r3.cached and r3.energy_eV == r.energy_eV


def test_checkpoint_is_ignored_when_it_does_not_match(tmp_path):
    job = Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200)
    cache = JobCache(tmp_path)
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=3), job, cache)
    part = next(p for p in tmp_path.iterdir() if p.name.endswith("-partial.json"))
    part.write_text('{"atoms": {"numbers": [1], "positions": [[0, 0, 0]], "cell": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "pbc": [1, 1, 1]}, "n_steps": 2}')
    again = FlakyEMT()
    r = run_job(again, job, cache)
    assert r.resumed_from_step == 0 and np.allclose(again.first_positions, job.atoms.positions)


def test_purposes_follow_the_task():
    calc = FlakyEMT()
    a = _slab()
    run_job(calc, Job("sp", a, "single"))
    run_job(calc, Job("scan", a, "single", purpose="scan"))
    run_job(calc, Job("rx", a, "relax", steps=1))
    assert calc.purposes == ["energy", "scan", "relax"]


class MLEMT(FlakyEMT):
    """The same EMT potential labelled as an ML backend (the pre-relaxer)."""

    checkpoint_every = 0

    def __init__(self) -> None:
        super().__init__()
        self.info = CalculatorInfo("fake-ml", "emt", "0", "ml", 6.0, {})


def test_ml_prerelaxation_then_dft_relaxation_from_the_ml_geometry(tmp_path):
    from lisse.atomistic.workflows import WorkflowContext, method_keys

    job = Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3))
    alone = run_job(FlakyEMT(), job)  # DFT from the start: the steps a pre-relaxation can save
    dft = FlakyEMT()
    ctx = WorkflowContext(dft, JobCache(tmp_path), prerelax=MLEMT())
    r = ctx.run(job)
    # the pre-relaxer found the minimum of the same potential: the DFT relaxation starts there and has next to nothing left
    assert r.prerelax is not None and r.prerelax["n_steps"] >= alone.n_steps - 1 and r.prerelax["converged"]
    assert r.n_steps <= 1 < alone.n_steps
    assert np.abs(dft.first_positions - job.atoms.positions).max() > 1e-3  # DFT started from the ML geometry
    assert r.energy_eV == pytest.approx(alone.energy_eV, abs=2e-3)
    keys = method_keys(ctx)
    assert keys["prerelax"]["dft_steps_after_prerelax"] == r.n_steps and keys["prerelax"]["ml_steps"] == r.prerelax["n_steps"]
    assert [j.calculator["name"] for j in ctx.jobs] == ["fake-dft"]  # ML energies never enter the DFT job log
    assert [j.calculator["name"] for j in ctx.prerelax_jobs] == ["fake-ml"]
    # same dispersion (none) on both sides: no note; a D3 DFT calculator pre-relaxed without D3 gets one naming both
    assert keys["prerelax"]["dispersion"] is None and "dispersion_note" not in keys["prerelax"]
    dft.info = CalculatorInfo("fake-dft", "emt", "0", "dft", 6.0, {**dft.info.settings, "dispersion": "d3"})
    note = method_keys(ctx)["prerelax"]["dispersion_note"]
    assert "pre-relaxation (no dispersion) and the DFT calculator (d3) differ" in note


def test_level_key_names_the_dft_level_or_the_ml_screening_grade(tmp_path):
    """Every workflow output's ``level``: the DFT calculator's own level, and "ml-screening" for an ML calculator (whose
    stated error is the output's ``uncertainty``) — never None, so a script can tell the grade of a W_ad."""
    from lisse.atomistic.workflows import ML_LEVEL, WorkflowContext, method_keys

    assert method_keys(WorkflowContext(FlakyEMT(), JobCache(tmp_path)))["level"] == "test"
    assert ML_LEVEL == "ml-screening" and method_keys(WorkflowContext(MLEMT(), JobCache(tmp_path)))["level"] == "ml-screening"


class ReleasingEMT(FlakyEMT):
    """FlakyEMT that records which ASE calculators run_job hands back to ``release``."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__(fail_after)
        self.made: list = []
        self.released: list = []

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        c = super().ase_calculator(atoms, purpose)
        self.made.append(c)
        return c

    def release(self, ase_calc) -> None:
        self.released.append(ase_calc)


def test_run_job_releases_each_ase_calculator_after_success_and_failure():
    """A DFT code's process (CP2K's shell) is stopped with its calculation, not left to the garbage collector: run_job
    hands every ASE calculator it built back to ``release`` once, also when the calculation fails."""
    calc = ReleasingEMT()
    run_job(calc, Job("sp", _slab(), "single"))
    run_job(calc, Job("rx", _slab(), "relax", steps=2))
    assert len(calc.made) == 2 and [id(c) for c in calc.released] == [id(c) for c in calc.made]
    failing = ReleasingEMT(fail_after=1)
    with pytest.raises(Killed):
        run_job(failing, Job("rx", _slab(), "relax", steps=5))
    assert len(failing.made) == 1 and [id(c) for c in failing.released] == [id(failing.made[0])]


def _moved(atoms, dx: float):
    """``atoms`` with every coordinate shifted by ``dx`` Å (what a dependency update's float noise does to a built slab)."""
    b = atoms.copy()
    b.positions = b.positions + dx
    return b


def test_a_dft_job_moved_by_float_noise_is_served_from_the_cache_and_says_by_how_much(tmp_path):
    """Seen 2026-12-02: after a fresh install the rebuilt LiF substrate of Ji2025's cell differed by ~1e-6 Å, its key
    (rounded at 1e-6 Å) changed and a 4400 s DFT relaxation was about to run again. A DFT job whose input lies within
    NEAR_MATCH_TOL_A of a stored one is served from it; one just beyond is recomputed; so is an ML job (cheap)."""
    from lisse.atomistic.cache import NEAR_MATCH_TOL_A

    cache = JobCache(tmp_path)
    job = Job("cu_slab", _slab(), "relax", fmax=0.05, steps=200, fixed=(0, 1, 2, 3))
    first = run_job(FlakyEMT(), job, cache)
    assert not first.cached and first.cache_near_match_A is None

    noisy = Job("cu_slab", _moved(job.atoms, 3e-6), "relax", fmax=0.05, steps=200, fixed=(0, 1, 2, 3))
    served = run_job(FlakyEMT(fail_after=0), noisy, cache)  # any evaluation would raise
    assert served.cached and served.energy_eV == first.energy_eV
    assert served.cache_near_match_A == pytest.approx(3e-6, rel=1e-3)
    assert served.summary()["cache_near_match_A"] == served.cache_near_match_A

    far = Job("cu_slab", _moved(job.atoms, 2 * NEAR_MATCH_TOL_A), "relax", fmax=0.05, steps=200, fixed=(0, 1, 2, 3))
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=0), far, cache)
    other_task = Job("cu_slab", noisy.atoms, "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3))
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=0), other_task, cache)
    other_fixed = Job("cu_slab", noisy.atoms, "relax", fmax=0.05, steps=200, fixed=(0, 1, 2))
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=0), other_fixed, cache)
    other_calc = FlakyEMT(fail_after=0)
    other_calc.info = CalculatorInfo("fake-dft", "emt", "1", "dft", 0.0, {"level": "test"})  # another version: another identity
    with pytest.raises(Killed):
        run_job(other_calc, noisy, cache)
    ml = MLEMT()
    ml.fail_after = 0
    run_job(MLEMT(), job, cache)
    with pytest.raises(Killed):
        run_job(ml, noisy, cache)  # ML jobs stay exact-key: recomputing them costs seconds


def test_an_interrupted_dft_relaxation_moved_by_float_noise_resumes_from_its_checkpoint(tmp_path):
    cache = JobCache(tmp_path)
    job = Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3))
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=6), job, cache)
    noisy = Job("cu_slab", _moved(job.atoms, -4e-6), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3))
    again = FlakyEMT()
    r = run_job(again, noisy, cache)
    assert r.resumed_from_step == 5 and r.converged
    assert not [p for p in tmp_path.iterdir() if p.name.endswith("-partial.json")]  # the old checkpoint went too


def _keys(calc, job):
    """``job``'s key and legacy key under ``calc`` (as :func:`run_job` computes them)."""
    from ase.constraints import FixAtoms

    from lisse.atomistic.cache import job_key, legacy_job_key

    a = job.atoms.copy()
    if job.fixed:
        a.set_constraint(FixAtoms(indices=list(job.fixed)))
    settings = job.settings()
    if calc.info.kind != "dft":
        settings.pop("purpose", None)
    return job_key(calc.identity(), settings, a), legacy_job_key(calc.identity(), settings, a)


class DictCache:
    """A cache with only the protocol's get/put (no near lookup)."""

    def __init__(self) -> None:
        self.entries: dict = {}

    def get(self, key):
        return self.entries.get(key)

    def put(self, key, value) -> None:
        self.entries[key] = value


def test_a_job_listing_its_fixed_atoms_in_another_order_is_the_same_job(tmp_path):
    """Seen 2026-12-06: the rebuilt LiF substrate of Ji2025's cell listed its 36 fixed atoms in another order (an argsort
    of heights equal to 1e-15 Å within a plane), its key missed, its CHGNet pre-relaxation ran again and so nearly did
    its DFT relaxation. The same set of fixed atoms is the same job, for ML and DFT alike: served, resumed; another set
    is computed."""
    for calc in (FlakyEMT, MLEMT):
        cache = JobCache(tmp_path / calc.__name__)
        first = run_job(calc(), Job("cu_slab", _slab(), "relax", fmax=0.05, steps=200, fixed=(3, 1, 2, 0)), cache)
        assert not first.cached
        again = calc()
        again.fail_after = 0  # any evaluation would raise
        served = run_job(again, Job("cu_slab", _slab(), "relax", fmax=0.05, steps=200, fixed=(0, 1, 2, 3)), cache)
        assert served.cached and served.energy_eV == first.energy_eV and served.cache_near_match_A is None  # the same key
        with pytest.raises(Killed):  # another set of fixed atoms: computed
            run_job(again, Job("cu_slab", _slab(), "relax", fmax=0.05, steps=200, fixed=(0, 1, 2, 4)), cache)

    run = JobCache(tmp_path / "run")
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=6), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(2, 0, 3, 1)), run)
    r = run_job(FlakyEMT(), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)), run)
    assert r.resumed_from_step == 5 and r.converged


def test_entries_stored_under_the_legacy_key_are_still_found(tmp_path):
    """Entries written before 2026-12-06 are filed under :func:`legacy_job_key` (the fixed atoms in the order given):
    the same job finds them exactly (ML and DFT); a DFT job listing the same atoms in another order finds them by the
    near lookup, which compares the sets; a checkpoint under the legacy key is resumed, also by a cache without
    ``near``, and removed once the result is stored (by a cache that can ``discard``)."""
    listed = Job("cu_slab", _slab(), "relax", fmax=0.05, steps=200, fixed=(3, 1, 2, 0))
    for calc in (FlakyEMT, MLEMT):
        folder = tmp_path / calc.__name__
        first = run_job(calc(), listed, JobCache(folder))
        key, old = _keys(calc(), listed)
        assert key != old  # the order is in the legacy key only
        (folder / f"{key}.json").rename(folder / f"{old}.json")
        again = calc()
        again.fail_after = 0
        served = run_job(again, listed, JobCache(folder))
        assert served.cached and served.energy_eV == first.energy_eV and served.cache_near_match_A is None
        permuted = Job("cu_slab", _slab(), "relax", fmax=0.05, steps=200, fixed=(0, 1, 2, 3))
        if calc is FlakyEMT:
            near = run_job(again, permuted, JobCache(folder))
            assert near.cached and near.energy_eV == first.energy_eV and near.cache_near_match_A == 0.0
        else:
            with pytest.raises(Killed):  # ML jobs have no near lookup: an old entry under another order is recomputed
                run_job(again, permuted, JobCache(folder))
        (folder / f"{old}.json").write_text('{"energy_eV": "not a number"}')
        with pytest.raises(ReaderError, match=old):  # a damaged legacy entry is named by its own file
            run_job(again, listed, JobCache(folder))

    job = Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(2, 0, 3, 1))
    key, old = _keys(FlakyEMT(), job)
    for cache in (JobCache(tmp_path / "ckpt"), DictCache()):
        with pytest.raises(Killed):
            run_job(FlakyEMT(fail_after=6), job, cache)
        if isinstance(cache, DictCache):
            cache.entries[f"{old}-partial"] = cache.entries.pop(f"{key}-partial")
        else:
            (tmp_path / "ckpt" / f"{key}-partial.json").rename(tmp_path / "ckpt" / f"{old}-partial.json")
        r = run_job(FlakyEMT(), job, cache)
        assert r.resumed_from_step == 5 and r.converged
        if isinstance(cache, JobCache):  # a cache without ``discard`` keeps its checkpoints (the protocol's get/put)
            assert [p.stem for p in (tmp_path / "ckpt").iterdir()] == [key]  # the result, under the new key, alone


def test_entries_under_the_legacy_key_of_a_rounded_negative_zero_are_still_found(tmp_path):
    """Most stored entries whose key changed on 2026-12-06 hold no fixed atoms: a coordinate of float noise below zero
    rounded to -0.0, which the new key hashes as +0.0 (review helper-150). A single point with a purpose (dropped from
    an ML job's key) and a relaxation's checkpoint, with no fixed atoms, stored under the legacy key are found."""
    a = _slab()
    a.positions[5, 0] = -1e-9  # rounds to -0.0
    for calc in (FlakyEMT, MLEMT):
        folder = tmp_path / calc.__name__
        job = Job("cu_slab", a, "single", purpose="scan")
        first = run_job(calc(), job, JobCache(folder))
        key, old = _keys(calc(), job)
        assert key != old
        (folder / f"{key}.json").rename(folder / f"{old}.json")
        again = calc()
        again.fail_after = 0
        served = run_job(again, job, JobCache(folder))
        assert served.cached and served.energy_eV == first.energy_eV

    job = Job("cu_slab", a, "relax", fmax=0.02, steps=200)
    key, old = _keys(FlakyEMT(), job)
    assert key != old
    cache = DictCache()  # no near lookup: only the legacy checkpoint key finds it
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=6), job, cache)
    cache.entries[f"{old}-partial"] = cache.entries.pop(f"{key}-partial")
    r = run_job(FlakyEMT(), job, cache)
    assert r.resumed_from_step == 5 and r.converged


def test_input_distance_compares_the_fixed_atoms_of_the_task_as_a_set():
    from lisse.atomistic.cache import input_distance, job_input

    a = _slab()
    want = job_input("id", {"task": "relax", "fmax": 0.05, "steps": 80, "fixed": [1, 3, 0, 2]}, a)
    for steps, rule in ((80, False), (40, True)):
        permuted = job_input("id", {"task": "relax", "fmax": 0.05, "steps": steps, "fixed": [3, 0, 2, 1]}, a)
        assert input_distance(permuted, want, other_steps=rule) == 0.0
        other = job_input("id", {"task": "relax", "fmax": 0.05, "steps": steps, "fixed": [0, 1, 2, 4]}, a)
        assert input_distance(other, want, other_steps=rule) is None
        repeated = job_input("id", {"task": "relax", "fmax": 0.05, "steps": steps, "fixed": [0, 1, 2, 3, 3]}, a)
        assert input_distance(repeated, want, other_steps=rule) is None  # a list is compared in order, not deduplicated
        assert permuted["task"]["fixed"] == [3, 0, 2, 1] and want["task"]["fixed"] == [1, 3, 0, 2]  # compared, not changed


def test_input_distance_is_none_for_records_of_another_job():
    from lisse.atomistic.cache import input_distance, job_input

    a = _slab()
    rec = job_input("id", {"task": "relax"}, a)
    assert input_distance(rec, rec) == 0.0
    assert input_distance(None, rec) is None and input_distance({"identity": "id"}, rec) is None
    b = a.copy()
    b.numbers[0] = 1
    assert input_distance(job_input("id", {"task": "relax"}, b), rec) is None
    assert input_distance(job_input("id2", {"task": "relax"}, a), rec) is None
    assert input_distance(job_input("id", {"task": "relax"}, a[:-1]), rec) is None
    c = a.copy()
    c.cell[2, 2] += 0.5
    assert input_distance(job_input("id", {"task": "relax"}, c), rec) == pytest.approx(0.5)
    bad = job_input("id", {"task": "relax"}, a)
    bad["cell"][2][2] = float("nan")  # a NaN compares as "no difference": never a match (diff review D8)
    assert input_distance(bad, rec) is None and input_distance(rec, bad) is None


def test_a_relaxation_stopped_at_its_step_cap_continues_when_run_with_more_steps(tmp_path):
    """A DFT relaxation that hit ``steps`` unconverged (hours of work) continues from its last geometry when the same
    job is run with a higher cap, instead of starting again; it ends at the minimum of an uncapped run (the
    independent reference), and a converged result, another fmax or a lower cap is never continued."""
    import json

    ref = run_job(FlakyEMT(), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)), JobCache(tmp_path / "ref"))
    cache = JobCache(tmp_path / "run")
    capped = run_job(FlakyEMT(), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=4, fixed=(0, 1, 2, 3)), cache)
    assert not capped.converged and capped.n_steps == 4
    more = FlakyEMT()
    r = run_job(more, Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)), cache)
    assert not r.cached and r.resumed_from_step == 4 and r.converged
    np.testing.assert_allclose(more.first_positions, capped.atoms.positions, rtol=0, atol=1e-9)  # where the cap stopped it
    assert r.energy_eV == pytest.approx(ref.energy_eV, abs=2e-3)
    stored = [json.loads(p.read_text()) for p in (tmp_path / "run").iterdir()]
    assert sorted(d.get("continued_from") is not None for d in stored) == [False, True]
    # a relaxation that converged within a job's cap is that job's result, whatever cap it ran with: no evaluation
    for cap in (300, ref.n_steps):
        served = run_job(FlakyEMT(fail_after=0), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=cap, fixed=(0, 1, 2, 3)),
                         JobCache(tmp_path / "ref"))
        assert served.cached and served.energy_eV == ref.energy_eV
    with pytest.raises(Killed):  # a cap below its step count would have stopped it earlier: computed
        run_job(FlakyEMT(fail_after=0), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=ref.n_steps - 1, fixed=(0, 1, 2, 3)),
                JobCache(tmp_path / "ref"))
    # another fmax is another job, and a lower cap is not "more steps"
    for job in (Job("cu_slab", _slab(), "relax", fmax=0.05, steps=200, fixed=(0, 1, 2, 3)),
                Job("cu_slab", _slab(), "relax", fmax=0.02, steps=3, fixed=(0, 1, 2, 3))):
        other = FlakyEMT()
        run_job(other, job, cache)
        np.testing.assert_allclose(other.first_positions, _slab().positions, rtol=0, atol=1e-9)


def test_input_distance_with_other_steps_needs_the_same_task_but_the_cap():
    from lisse.atomistic.cache import input_distance, job_input

    a = _slab()
    want = job_input("id", {"task": "relax", "fmax": 0.05, "steps": 80}, a)
    for steps in (40, 80, 120):
        assert input_distance(job_input("id", {"task": "relax", "fmax": 0.05, "steps": steps}, a), want, other_steps=True) == 0.0
    assert input_distance(job_input("id", {"task": "relax", "fmax": 0.05, "steps": 40}, a), want) is None  # not the same job
    for task in ({"task": "relax", "fmax": 0.02, "steps": 40}, {"task": "relax_cell", "fmax": 0.05, "steps": 40},
                 {"task": "relax", "fmax": 0.05, "steps": "40"}, {"task": "relax", "fmax": 0.05}):
        assert input_distance(job_input("id", task, a), want, other_steps=True) is None, task


def test_a_prerelaxed_dft_relaxation_stopped_at_its_cap_continues_with_the_prerelaxation_cap_kept(tmp_path):
    """With an ML pre-relaxer, the DFT relaxation starts from the ML geometry, which depends on the ML step cap. A
    rerun with more ``steps`` and ``prerelax_steps`` at the first run's cap gets the same ML geometry, so the DFT
    relaxation that stopped at its cap continues; without it, the ML relaxation runs further and the DFT one starts
    afresh from another geometry."""
    from lisse.atomistic.workflows import WorkflowContext, _ctx, method_keys
    from lisse.errors import ParameterError

    cache = JobCache(tmp_path)
    first = WorkflowContext(FlakyEMT(), cache, prerelax=MLEMT()).run(Job("cu_slab", _slab(), "relax", fmax=0.02, steps=2, fixed=(0, 1, 2, 3)))
    assert not first.converged and first.n_steps == 2 and not first.prerelax["converged"]
    ctx = WorkflowContext(FlakyEMT(), cache, prerelax=MLEMT(), prerelax_steps=2)
    again = ctx.run(Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)))
    assert again.prerelax["cached"] and again.resumed_from_step == 2 and again.converged
    np.testing.assert_allclose(ctx.calculator.first_positions, first.atoms.positions, rtol=0, atol=1e-9)
    assert method_keys(ctx)["prerelax"]["step_cap"] == 2
    plain = WorkflowContext(FlakyEMT(), cache, prerelax=MLEMT())  # the ML cap follows steps: another start, from scratch
    fresh = plain.run(Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)))
    assert not fresh.prerelax["cached"] and fresh.resumed_from_step == 0 and method_keys(plain)["prerelax"]["step_cap"] is None
    with pytest.raises(ParameterError, match="'prerelax_steps' applies with a pre-relaxation"):
        _ctx(FlakyEMT(), None, prerelax_steps=5)
    with pytest.raises(ParameterError, match="whole number from 0 to 100000; got -1"):
        _ctx(FlakyEMT(), None, prerelax="chgnet", prerelax_steps=-1)


def _strained_cu(stretch: tuple[float, float, float]):
    """Cubic Cu, four atoms on their lattice sites (zero forces by symmetry), with the cell stretched: only the stress drives it."""
    from ase.build import bulk

    a = bulk("Cu", "fcc", a=3.6, cubic=True)
    a.set_cell(a.cell.array * np.asarray(stretch)[:, None], scale_atoms=True)
    return a


@pytest.mark.parametrize(("task", "stretch"), [("relax_cell", (1.04, 1.04, 1.04)), ("relax_z", (1.0, 1.0, 1.05))])
def test_a_cell_relaxation_stopped_at_its_cap_with_the_stress_unconverged_is_not_converged(tmp_path, task, stretch):
    """The forces are zero from the first step; only the stress is off. A cell relaxation stopped at its cap is not
    converged (it was, on forces alone: review s55 H1), so a rerun with more steps continues it instead of serving it,
    and ends where an uncapped run ends (the reference: cell lengths)."""
    ref = run_job(FlakyEMT(), Job("cu", _strained_cu(stretch), task, fmax=0.01, steps=300), JobCache(tmp_path / "ref"))
    assert ref.converged and ref.n_steps > 2
    cache = JobCache(tmp_path / "run")
    capped = run_job(FlakyEMT(), Job("cu", _strained_cu(stretch), task, fmax=0.01, steps=1), cache)
    assert capped.fmax_final_eV_A < 1e-8 and not capped.converged
    r = run_job(FlakyEMT(), Job("cu", _strained_cu(stretch), task, fmax=0.01, steps=300), cache)
    assert not r.cached and r.resumed_from_step == 1 and r.converged and r.continued_from is not None
    assert r.summary()["continued_from"] == r.continued_from
    np.testing.assert_allclose(r.atoms.cell.lengths(), ref.atoms.cell.lengths(), rtol=0, atol=2e-3)
    assert abs(r.atoms.cell.lengths()[2] - 3.6 * stretch[2]) > 0.05  # it moved: the reference is not the start


def test_a_cell_relaxation_stored_as_converged_at_its_own_cap_by_the_old_rule_is_not_converged(tmp_path):
    """Entries written before the fix (no ``criterion``) called a cell relaxation converged on forces alone: one that
    ended exactly at its cap may have stopped there with the stress off. At its own cap it is served as not converged;
    at a higher cap it is continued (review s56 M1/M2)."""
    import json

    cache = JobCache(tmp_path)
    first = run_job(FlakyEMT(), Job("cu", _strained_cu((1.04, 1.04, 1.04)), "relax_cell", fmax=0.01, steps=1), cache)
    (p,) = tmp_path.iterdir()
    entry = json.loads(p.read_text())
    assert entry["criterion"] == "optimizer"
    entry["converged"] = True  # as the old rule stored it
    del entry["criterion"]
    p.write_text(json.dumps(entry))
    same = run_job(FlakyEMT(fail_after=0), Job("cu", _strained_cu((1.04, 1.04, 1.04)), "relax_cell", fmax=0.01, steps=1), cache)
    assert same.cached and not same.converged
    r = run_job(FlakyEMT(), Job("cu", _strained_cu((1.04, 1.04, 1.04)), "relax_cell", fmax=0.01, steps=300), cache)
    assert not r.cached and r.converged and r.resumed_from_step == 1 and r.continued_from == p.name[:-5]
    assert first.n_steps == 1
    # the old rule's entry below its cap, and a new entry at its cap with its own (stress) verdict, keep their verdict
    entry["n_steps"] = 0
    p.write_text(json.dumps(entry))
    assert run_job(FlakyEMT(fail_after=0), Job("cu", _strained_cu((1.04, 1.04, 1.04)), "relax_cell", fmax=0.01, steps=1), cache).converged


def test_near_prefers_a_converged_entry_then_the_furthest_run_then_the_closest(tmp_path):
    """Every entry within the tolerance stands for the job (review s56 L2: a nearer entry beat a further-run one that
    differed by float noise, and the steps it had taken were repeated)."""
    from lisse.atomistic.cache import job_input

    a = _slab()
    want = job_input("id", {"task": "relax", "fmax": 0.05, "steps": 80}, a)
    cache = JobCache(tmp_path)
    noisy = a.copy()
    noisy.positions[0, 0] += 1e-7
    far = a.copy()
    far.positions[0, 0] += 1e-4

    def put(key, atoms, steps, n, converged=False):
        cache.put(key, {"n_steps": n, "converged": converged, "input": job_input("id", {"task": "relax", "fmax": 0.05, "steps": steps}, atoms)})

    put("z_close_short", a, 3, 3)
    put("m_noisy_long", noisy, 30, 30)
    assert cache.near(want, 1e-3, other_steps=True)[0] == "m_noisy_long"
    put("b_far_long", far, 30, 30)  # as far run, further away (and first in the folder's order): the closer of the two
    assert cache.near(want, 1e-3, other_steps=True)[0] == "m_noisy_long"
    put("y_far_longer", far, 31, 31)
    assert cache.near(want, 1e-3, other_steps=True)[0] == "y_far_longer"
    put("c_far_converged", far, 80, 12, converged=True)  # a converged run stands before any unconverged one
    assert cache.near(want, 1e-3, other_steps=True)[0] == "c_far_converged"
    assert cache.near(want, 1e-5, other_steps=True)[0] == "m_noisy_long"  # beyond the tolerance: none of the far ones


def test_near_does_not_rank_an_old_cell_relaxation_of_unknown_verdict_as_converged(tmp_path):
    """Review s57: an entry stored before cell relaxations recorded ``criterion`` that ended at its cap says converged
    on forces alone; ``near`` must not prefer it to a run that converged (or one that went further)."""
    from lisse.atomistic.cache import job_input

    a = _strained_cu((1.04, 1.04, 1.04))
    want = job_input("id", {"task": "relax_cell", "fmax": 0.05, "steps": 3}, a)
    noisy = a.copy()
    noisy.positions[0, 0] += 1e-7
    cache = JobCache(tmp_path)
    cache.put("a_old_at_cap", {"n_steps": 3, "converged": True, "input": job_input("id", {"task": "relax_cell", "fmax": 0.05, "steps": 3}, a)})
    cache.put("b_converged", {"n_steps": 2, "converged": True, "criterion": "optimizer", "input": job_input("id", {"task": "relax_cell", "fmax": 0.05, "steps": 3}, noisy)})
    assert cache.near(want, 1e-3)[0] == "b_converged"
    want8 = job_input("id", {"task": "relax_cell", "fmax": 0.05, "steps": 20}, a)
    cache.put("c_stopped_at_8", {"n_steps": 8, "converged": False, "criterion": "optimizer", "input": job_input("id", {"task": "relax_cell", "fmax": 0.05, "steps": 8}, noisy)})
    from lisse.atomistic.engine import _stopped_below  # what run_job asks near for: runs to continue

    assert cache.near(want8, 1e-3, other_steps=True, accept=lambda d: _stopped_below(d, 20))[0] == "c_stopped_at_8"


def test_a_stored_run_that_went_further_than_a_checkpoint_is_continued_and_the_checkpoint_removed(tmp_path):
    """Review s56 L1: a run capped at 40 killed at step 5, beside a finished (unconverged) run capped at 10: a rerun
    capped at 40 goes on from step 10, not 5, and ends where an uninterrupted run does; the checkpoint goes."""
    import json

    job = lambda steps: Job("cu_slab", _slab(), "relax", fmax=0.02, steps=steps, fixed=(0, 1, 2, 3))  # noqa: E731
    cache = JobCache(tmp_path)
    ten = run_job(FlakyEMT(), job(10), cache)
    assert not ten.converged and ten.n_steps == 10
    key10 = next(p.name[:-5] for p in tmp_path.iterdir())
    killed = JobCache(tmp_path / "killed")
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=6), job(40), killed)
    (part,) = (tmp_path / "killed").iterdir()
    checkpoint = json.loads(part.read_text())
    assert checkpoint["n_steps"] == 5
    checkpoint["continued_from"] = "somewhere-else"  # a losing checkpoint's origin must not be claimed
    (tmp_path / part.name).write_text(json.dumps(checkpoint))
    part.unlink()
    r = run_job(FlakyEMT(), job(40), cache)
    assert r.resumed_from_step == 10 and r.continued_from == key10 and r.converged
    assert not [p for p in tmp_path.iterdir() if p.name.endswith("-partial.json")]
    # the checkpoint wins where it went further (a continuation of the stored run, interrupted in turn)
    again = JobCache(tmp_path / "again")
    run_job(FlakyEMT(), job(2), again)
    key2 = next(p.name[:-5] for p in (tmp_path / "again").iterdir())
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=6), job(40), again)
    r2 = run_job(FlakyEMT(), job(40), again)
    assert r2.resumed_from_step == 2 + 5 and r2.continued_from == key2 and r2.converged


def test_of_a_checkpoint_and_a_stored_run_at_the_same_step_the_checkpoint_is_resumed(tmp_path):
    """Equal steps: the checkpoint (it may be the stored run's own continuation) keeps its origin."""
    import json

    job = lambda steps: Job("cu_slab", _slab(), "relax", fmax=0.02, steps=steps, fixed=(0, 1, 2, 3))  # noqa: E731
    cache = JobCache(tmp_path)
    run_job(FlakyEMT(), job(4), cache)
    other = JobCache(tmp_path / "o")
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=5), job(40), other)
    (part,) = (tmp_path / "o").iterdir()
    checkpoint = json.loads(part.read_text())
    assert checkpoint["n_steps"] == 4
    checkpoint["continued_from"] = "its-origin"
    (tmp_path / part.name).write_text(json.dumps(checkpoint))
    part.unlink()
    r = run_job(FlakyEMT(), job(40), cache)
    assert r.resumed_from_step == 4 and r.continued_from == "its-origin"


def test_a_stored_run_whose_geometry_cannot_be_used_does_not_displace_a_checkpoint(tmp_path):
    """A stopped run with more steps but atoms of another order (hand-edited, or written by another program) is not a
    start: the checkpoint is resumed."""
    import json

    job = lambda steps: Job("cu_slab", _slab(), "relax", fmax=0.02, steps=steps, fixed=(0, 1, 2, 3))  # noqa: E731
    cache = JobCache(tmp_path)
    run_job(FlakyEMT(), job(10), cache)
    (stored,) = tmp_path.iterdir()
    entry = json.loads(stored.read_text())
    entry["atoms"]["numbers"][0] = 1
    stored.write_text(json.dumps(entry))
    other = JobCache(tmp_path / "o")
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=7), job(40), other)
    (part,) = (tmp_path / "o").iterdir()
    part.rename(tmp_path / part.name)
    r = run_job(FlakyEMT(), job(40), cache)
    assert r.resumed_from_step == 6 and r.continued_from is None and r.converged


def test_a_converged_run_under_another_cap_is_served_before_an_unconverged_one_of_this_cap(tmp_path):
    """Two stored runs of the same relaxation, each a float away from the job (within 1e-5 A): one stopped unconverged at this job's
    cap, one converged within it under another cap (a resumed run, whose path differs: its step count is set by hand
    here): the converged one is the job's result."""
    import json

    def job(steps, shift):
        atoms = _slab()
        atoms.positions[5, 0] += shift
        return Job("cu_slab", atoms, "relax", fmax=0.02, steps=steps, fixed=(0, 1, 2, 3))

    cache = JobCache(tmp_path)
    capped = run_job(FlakyEMT(), job(8, 3e-6), cache)
    assert not capped.converged
    done = run_job(FlakyEMT(), job(200, 0.0), cache)
    assert done.converged and done.continued_from is not None
    (stored,) = [p for p in tmp_path.iterdir() if json.loads(p.read_text())["converged"]]
    entry = json.loads(stored.read_text())
    entry["n_steps"] = 7
    stored.write_text(json.dumps(entry))
    served = run_job(FlakyEMT(fail_after=0), job(8, 6e-6), cache)  # keys round to 1e-6 A: a near match
    assert served.cached and served.converged and served.n_steps == 7
    assert served.energy_eV == done.energy_eV
    exact = run_job(FlakyEMT(fail_after=0), job(8, 3e-6), cache)  # the unconverged run's own key: the same rule
    assert exact.cached and exact.converged and exact.n_steps == 7
    own = run_job(FlakyEMT(fail_after=0), job(200, 0.0), cache)  # a converged entry under the job's own key is itself
    assert own.cached and own.cache_near_match_A is None


def test_an_unusable_start_that_went_furthest_does_not_hide_a_usable_one(tmp_path):
    """Review s57: near returns one entry, so an unusable geometry ranked first must not hide the usable ones (the
    relaxation would start again from step 0, and for DFT redo hours)."""
    import json

    job = lambda steps: Job("cu_slab", _slab(), "relax", fmax=0.02, steps=steps, fixed=(0, 1, 2, 3))  # noqa: E731

    def spoil(path):
        entry = json.loads(path.read_text())
        entry["atoms"]["numbers"][0] = 1
        path.write_text(json.dumps(entry))

    stored = JobCache(tmp_path / "stored")  # stopped runs: cap 4 usable, cap 8 spoilt
    for cap in (4, 8):
        run_job(FlakyEMT(), job(cap), stored)
    spoil(next(p for p in (tmp_path / "stored").iterdir() if json.loads(p.read_text())["n_steps"] == 8))
    assert run_job(FlakyEMT(), job(200), stored).resumed_from_step == 4
    parts = JobCache(tmp_path / "parts")  # checkpoints: step 4 of a cap-40 run usable, step 8 of a cap-60 run spoilt
    (tmp_path / "parts").mkdir()
    for cap, calls in ((40, 5), (60, 9)):
        with pytest.raises(Killed):
            run_job(FlakyEMT(fail_after=calls), job(cap), JobCache(tmp_path / f"run{cap}"))
        (part,) = (tmp_path / f"run{cap}").iterdir()
        part.rename(tmp_path / "parts" / part.name)
    spoil(next(p for p in (tmp_path / "parts").iterdir() if json.loads(p.read_text())["n_steps"] == 8))
    r = run_job(FlakyEMT(), job(200), parts)
    assert r.resumed_from_step == 4 and r.converged


def test_a_checkpoint_under_a_lower_cap_is_resumed_with_a_higher_one_and_then_removed(tmp_path):
    """A relaxation killed while running with ``steps=40`` resumes from its checkpoint when rerun with ``steps=200``
    (its path up to the checkpoint does not depend on the cap), and the old checkpoint goes once the result is stored."""
    cache = JobCache(tmp_path)
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=6), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=40, fixed=(0, 1, 2, 3)), cache)
    assert [p.name.endswith("-partial.json") for p in tmp_path.iterdir()] == [True]
    r = run_job(FlakyEMT(), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)), cache)
    assert r.resumed_from_step == 5 and r.converged
    assert [p.name.endswith("-partial.json") for p in tmp_path.iterdir()] == [False]
    # a checkpoint at or past a job's cap is not resumed by it (that job would have stopped there or before)
    other = JobCache(tmp_path / "other")
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=6), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=40, fixed=(0, 1, 2, 3)), other)
    low = FlakyEMT()
    r5 = run_job(low, Job("cu_slab", _slab(), "relax", fmax=0.02, steps=5, fixed=(0, 1, 2, 3)), other)
    np.testing.assert_allclose(low.first_positions, _slab().positions, rtol=0, atol=1e-9)
    assert r5.resumed_from_step == 0 and r5.n_steps == 5


def test_of_several_stopped_runs_the_furthest_is_continued_and_an_interrupted_continuation_keeps_its_origin(tmp_path):
    cache = JobCache(tmp_path)
    for cap in (4, 2):  # the furthest written first and last: the choice must not follow the folder's order
        run_job(FlakyEMT(), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=cap, fixed=(0, 1, 2, 3)), cache)
    keys = {json_steps: p.name[:-5] for p in tmp_path.iterdir() for json_steps in [__import__("json").loads(p.read_text())["n_steps"]]}
    with pytest.raises(Killed):
        run_job(FlakyEMT(fail_after=3), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)), cache)
    r = run_job(FlakyEMT(), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)), cache)
    assert r.resumed_from_step == 4 + 2 and r.continued_from == keys[4] and r.converged
    served = run_job(FlakyEMT(fail_after=0), Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)), cache)
    assert served.cached and served.continued_from == keys[4]


def test_a_bulk_relaxation_keeps_its_own_prerelaxation_cap(tmp_path, monkeypatch):
    """``prerelax_steps`` caps the pre-relaxations of the workflow's slabs and interfaces; the bulk's keeps its own cap,
    so a rerun with ``--prerelax-steps`` starts the bulk (and everything built on it) from the same ML geometry
    (review s55 H2)."""
    from lisse.atomistic.engine import JobResult
    from lisse.atomistic.workflows import WorkflowContext, relax_bulk

    ctx = WorkflowContext(FlakyEMT(), JobCache(tmp_path), prerelax=MLEMT(), prerelax_steps=2)
    slab = ctx.run(Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)))
    assert slab.prerelax["n_steps"] == 2
    own = ctx.run(Job("cu_slab", _slab(), "relax", fmax=0.02, steps=200, fixed=(0, 1, 2, 3)), prerelax_cap=200)
    assert own.prerelax["converged"] and own.prerelax["n_steps"] > 2
    seen = {}

    def spy(self, job, prerelax_cap=None):
        seen[job.name] = prerelax_cap
        return JobResult(job.name, -1.0, job.atoms.copy(), True, 0.0, 1, 0.0, False, {})

    monkeypatch.setattr(WorkflowContext, "run", spy)
    relax_bulk(ctx, "Li", steps=123)
    assert seen == {"bulk_Li": 123}


def test_prerelax_options_beside_a_workflow_context_are_an_error():
    from lisse.atomistic.workflows import WorkflowContext, _ctx
    from lisse.errors import ParameterError

    ctx = WorkflowContext(FlakyEMT(), None)
    assert _ctx(ctx, None) is ctx
    for kw in ({"prerelax": "chgnet"}, {"prerelax_steps": 3}):
        with pytest.raises(ParameterError, match="set on the WorkflowContext"):
            _ctx(ctx, None, **kw)


class CountingCache(JobCache):
    """A JobCache that counts the reads of its folder's entries (the near lookup's cost)."""

    def __init__(self, directory) -> None:
        super().__init__(directory)
        self.entry_reads = 0

    def snapshot(self, wanted, tol_A):
        s = super().snapshot(wanted, tol_A)
        self.entry_reads += len(list(self.directory.glob("*.json"))) if self.directory.is_dir() else 0
        return s


def test_a_dft_miss_reads_the_cache_folder_once_and_answers_as_separate_reads_would(tmp_path):
    """Review s57 Low: a DFT job used to read every entry up to five times on a miss (hit, converged-elsewhere,
    three resume questions). One snapshot answers all five; it must give what the separate reads gave: the stored
    run capped at 10 is continued, and a job whose exact key hits reads nothing."""
    job = lambda steps: Job("cu_slab", _slab(), "relax", fmax=0.02, steps=steps, fixed=(0, 1, 2, 3))  # noqa: E731
    cache = CountingCache(tmp_path)
    run_job(FlakyEMT(), job(10), cache)
    for i in range(3):  # other jobs' entries in the same folder (the default folder is shared)
        run_job(FlakyEMT(), Job(f"other{i}", _slab()[: 4 + i], "single"), cache)
    n_entries = len(list(tmp_path.glob("*.json")))
    cache.entry_reads = 0
    r = run_job(FlakyEMT(), job(40), cache)
    assert r.resumed_from_step == 10 and r.converged
    assert cache.entry_reads == n_entries  # one pass over the folder, not five
    cache.entry_reads = 0
    assert run_job(FlakyEMT(), job(40), cache).cached and cache.entry_reads == 0  # an exact converged hit: no scan


def test_a_snapshot_refuses_a_question_it_was_not_taken_for(tmp_path):
    from lisse.atomistic.cache import job_input
    from lisse.errors import ParameterError

    want = job_input({"name": "x"}, {"task": "single"}, _slab())
    snap = JobCache(tmp_path).snapshot(want, 1e-3)
    assert snap.near(want, 1e-3) is None and snap.near(want, 1e-4) is None
    with pytest.raises(ParameterError, match="tol_A.*0.001 A"):
        snap.near(want, 1e-2)  # a wider tolerance would miss entries the snapshot dropped
    other = job_input({"name": "y"}, {"task": "single"}, _slab())
    with pytest.raises(ParameterError, match="wanted"):
        snap.near(other, 1e-3)


def test_run_job_checks_its_dependencies():
    """Review s58 H: a helper inserted above run_job took its @requires decorator (no MissingDependencyError)."""
    from lisse.atomistic.engine import run_job

    assert hasattr(run_job, "__wrapped__")


def test_one_snapshot_answers_every_question_as_the_folder_read_each_time_would(tmp_path):
    """Review s58 M: ties (first in the folder's order), checkpoints, other caps, far entries, entries matched by one rule
    only, and a smaller tolerance than the snapshot's, each asked of one snapshot and of the folder itself."""
    from lisse.atomistic.cache import job_input

    a = _slab()
    want = job_input("id", {"task": "relax", "fmax": 0.05, "steps": 40}, a)
    cache = JobCache(tmp_path)

    def moved(dx):
        b = a.copy()
        b.positions[0, 0] += dx
        return b

    def put(key, dx, steps, n, converged=False, task="relax"):
        cache.put(key, {"n_steps": n, "converged": converged, "input": job_input("id", {"task": task, "fmax": 0.05, "steps": steps}, moved(dx))})

    put("a_tie", 2e-5, 40, 5)
    put("b_tie", 2e-5, 40, 5)  # equal in every way to a_tie, later in the folder
    put("c_near_more", 8e-5, 40, 6)  # further along, but only within the wider tolerance
    put("d_other_cap", 1e-6, 20, 20)  # matched by the any-cap rule only
    put("e_far", 5e-3, 40, 50)
    put("f_cell", 0.0, 40, 9, task="relax_z")  # another task: never
    put("g_tie-partial", 1e-6, 40, 3)
    put("h_tie-partial", 1e-6, 40, 3)
    put("i_cap-partial", 0.0, 20, 4)
    (tmp_path / "j_list.json").write_text("[1, 2]")  # not an object: skipped
    snap = cache.snapshot(want, 1e-4)
    questions = [dict(), dict(other_steps=True), dict(partial=True), dict(partial=True, other_steps=True),
                 dict(other_steps=True, accept=lambda d: d["n_steps"] < 20)]
    expected = {1e-4: ["c_near_more", "d_other_cap", "g_tie-partial", "i_cap-partial", "c_near_more"],
                5e-5: ["a_tie", "d_other_cap", "g_tie-partial", "i_cap-partial", "a_tie"]}
    for tol, keys in expected.items():
        for q, key in zip(questions, keys, strict=True):
            assert snap.near(want, tol, **q)[0] == key == cache.near(want, tol, **q)[0], (tol, q)
    assert snap.near(want, 1e-7) is None  # every entry is further than that
