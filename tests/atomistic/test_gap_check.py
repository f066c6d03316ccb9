"""The gap check: a relaxed interface whose film stopped on a slope along its approach is found and relaxed again.

A synthetic potential makes the answer exact: the energy is ``K/2 (zbar - z0)^2`` of the film's mean height ``zbar``,
so every film atom feels ``K (z0 - zbar) / n`` (small) while the film as a whole feels ``K (z0 - zbar)`` (large): the
shape of a dispersion-held film's pull. The parabola through three probe energies is then exact, so the second
relaxation must start at ``z0`` (the analytic minimum) and the W_ad gain must be ``K/2 d^2 / A``.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")

from ase.build import fcc100  # noqa: E402
from ase.calculators.calculator import Calculator, all_changes  # noqa: E402

from lisse.atomistic.calculators import AtomisticCalculator, CalculatorInfo  # noqa: E402
from lisse.atomistic.engine import JobResult  # noqa: E402
from lisse.atomistic.workflows import (  # noqa: E402
    EV_PER_A2_TO_J_PER_M2,
    GAP_CHECK_GAIN_J_M2,
    GAP_CHECK_MAX_MOVE_A,
    GAP_CHECK_STEP_A,
    WorkflowContext,
    film_gap_check,
)
from lisse.errors import CalculationError  # noqa: E402

N_SUB = 12  # three 2x2 planes of substrate below three of film


class _Well(Calculator):
    implemented_properties = ["energy", "free_energy", "forces"]

    def __init__(self, z0: float, k: float) -> None:
        super().__init__()
        self.z0, self.k = z0, k

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        z = self.atoms.positions[N_SUB:, 2]
        d = float(z.mean()) - self.z0
        f = np.zeros((len(self.atoms), 3))
        f[N_SUB:, 2] = -self.k * d / len(z)
        e = 0.5 * self.k * d * d
        self.results = {"energy": e, "free_energy": e, "forces": f}


class Well(AtomisticCalculator):
    def __init__(self, z0: float, k: float) -> None:
        self.info = CalculatorInfo("fake", "well", "0", "ml", 0.0, {"z0": z0, "k": k})
        self.z0, self.k = z0, k

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        return _Well(self.z0, self.k)


def _interface():
    a = fcc100("Cu", (2, 2, 6), vacuum=8.0)
    a.pbc = True
    order = np.argsort(a.positions[:, 2], kind="stable")  # substrate (lowest three planes) first
    return a[order]


def _stopped_at(calc: Well, atoms, offset: float, converged: bool = True) -> JobResult:
    """A 'relaxed' interface whose film sits ``offset`` above the minimum (where a loose force criterion let it stop)."""
    a = atoms.copy()
    a.positions[N_SUB:, 2] += offset
    e = 0.5 * calc.k * offset**2
    return JobResult("interface_start0", e, a, converged, calc.k * abs(offset) / (len(a) - N_SUB), 3, 0.0, False, calc.info.as_dict(),
                     {"task": "relax", "fmax": 0.05, "steps": 3, "fixed": []})


def _area(a) -> float:
    return float(np.linalg.norm(np.cross(a.cell[0], a.cell[1])))


def _ok(r) -> None:
    return None


def test_a_film_stopped_on_a_slope_is_moved_to_the_minimum_and_the_gain_is_exact():
    base = _interface()
    z0 = float(base.positions[N_SUB:, 2].mean())
    calc = Well(z0, k=2.0)
    d = 0.6  # per-atom force 2 * 0.6 / 12 = 0.1 eV/A; with fmax 0.2 a relaxation stops here
    relaxed = _stopped_at(calc, base, d)
    ctx = WorkflowContext(calc)
    got, rec = film_gap_check(ctx, relaxed, N_SUB, _area(base), 0.2, 20, tuple(range(4)), _ok)
    r1, r2 = rec["rounds"]
    # round 1: the probes are the analytic energies K/2 (d -/+ h)^2 - K/2 d^2, as W_ad changes
    h = GAP_CHECK_STEP_A
    for p, s in zip(r1["points"], (-h, h), strict=True):
        de = 0.5 * calc.k * ((d + s) ** 2 - d**2)
        assert p["offset_A"] == s and p["energy_change_eV"] == pytest.approx(de, rel=1e-9, abs=0)
        assert p["adhesion_change_J_m2"] == pytest.approx(-de / _area(base) * EV_PER_A2_TO_J_PER_M2, rel=1e-9, abs=0)
    assert not r1["at_minimum"]
    again = r1["relaxed_again"]
    assert again["from_offset_A"] == pytest.approx(-d, abs=1e-9)  # the vertex of an exact parabola: the minimum
    assert again["kept"] and again["problem"] == ""
    assert again["adhesion_change_J_m2"] == pytest.approx(0.5 * calc.k * d * d / _area(base) * EV_PER_A2_TO_J_PER_M2, rel=1e-6, abs=0)
    assert got is not relaxed and abs(float(got.atoms.positions[N_SUB:, 2].mean()) - z0) < 1e-6
    assert np.allclose(got.atoms.positions[:N_SUB], base.positions[:N_SUB], atol=0)  # the substrate is not moved
    # round 2 checks the second relaxation: both sides higher, so at a minimum, and no third relaxation
    assert r2["at_minimum"] and r2["relaxed_again"] is None and rec["at_minimum"]
    assert [j.name for j in ctx.jobs].count("interface_start0_from_gap-0.600") == 1
    assert sum(j.name.endswith("_from_gap-0.600") for j in ctx.jobs) == 1


def test_a_film_at_its_minimum_is_left_alone():
    base = _interface()
    calc = Well(float(base.positions[N_SUB:, 2].mean()), k=2.0)
    relaxed = _stopped_at(calc, base, 0.0)
    ctx = WorkflowContext(calc)
    got, rec = film_gap_check(ctx, relaxed, N_SUB, _area(base), 0.2, 20, (), _ok)
    assert got is relaxed and rec["at_minimum"] and len(rec["rounds"]) == 1 and rec["rounds"][0]["relaxed_again"] is None
    assert [j.settings["task"] for j in ctx.jobs] == ["single", "single"]  # the two probes, no relaxation


def test_a_gain_below_the_threshold_is_no_reason_to_relax_again():
    base = _interface()
    area = _area(base)
    # choose K so that the better probe gains just below / above the threshold: gain(d) = K/2 ((d)^2 - (d - h)^2) / A
    d = 0.3
    unit = 0.5 * ((d**2) - (d - GAP_CHECK_STEP_A) ** 2) / area * EV_PER_A2_TO_J_PER_M2  # per unit K
    for k, relaxes in ((0.9 * GAP_CHECK_GAIN_J_M2 / unit, False), (1.1 * GAP_CHECK_GAIN_J_M2 / unit, True)):
        calc = Well(float(base.positions[N_SUB:, 2].mean()), k=k)
        _, rec = film_gap_check(WorkflowContext(calc), _stopped_at(calc, base, d), N_SUB, area, 0.2, 20, (), _ok)
        assert (rec["rounds"][0]["relaxed_again"] is not None) is relaxes


def test_a_far_vertex_is_clamped_and_a_second_round_still_off_says_so():
    base = _interface()
    z0 = float(base.positions[N_SUB:, 2].mean())
    calc = Well(z0, k=0.5)
    d = 2.0  # per-atom 0.5 * 1.0 / 12 = 0.04 eV/A below fmax 0.05 once moved: the second relaxation takes no step
    ctx = WorkflowContext(calc)
    got, rec = film_gap_check(ctx, _stopped_at(calc, base, d), N_SUB, _area(base), 0.05, 20, (), _ok)
    r1, r2 = rec["rounds"]
    assert r1["relaxed_again"]["from_offset_A"] == pytest.approx(-GAP_CHECK_MAX_MOVE_A, abs=1e-12)
    assert r1["relaxed_again"]["kept"] and r1["relaxed_again"]["n_steps"] == 0
    assert float(got.atoms.positions[N_SUB:, 2].mean()) - z0 == pytest.approx(d - GAP_CHECK_MAX_MOVE_A, abs=1e-9)
    assert not r2["at_minimum"] and r2["relaxed_again"] is None and not rec["at_minimum"]


def test_an_insane_second_relaxation_is_not_kept():
    base = _interface()
    calc = Well(float(base.positions[N_SUB:, 2].mean()), k=2.0)
    relaxed = _stopped_at(calc, base, 0.6)

    def insane(r):
        raise CalculationError("atoms 3 and 17 overlap")

    got, rec = film_gap_check(WorkflowContext(calc), relaxed, N_SUB, _area(base), 0.2, 20, (), insane)
    again = rec["rounds"][0]["relaxed_again"]
    assert got is relaxed and not again["kept"] and "overlap" in again["problem"] and not rec["at_minimum"]
    assert len(rec["rounds"]) == 1


def test_a_probe_that_overlaps_atoms_is_skipped_not_computed():
    base = _interface()
    base.positions[N_SUB:, :2] += base.positions[N_SUB - 1, :2] - base.positions[N_SUB, :2]  # film atop the substrate's top atoms
    calc = Well(float(base.positions[N_SUB:, 2].mean()), k=2.0)
    relaxed = _stopped_at(calc, base, -0.2)  # atop pairs 1.605 A apart (no overlap); 0.25 A lower they overlap (< 1.58 A)
    ctx = WorkflowContext(calc)
    _, rec = film_gap_check(ctx, relaxed, N_SUB, _area(base), 0.2, 20, (), _ok)
    below, above = rec["rounds"][0]["points"]
    assert below["energy_change_eV"] is None and below["adhesion_change_J_m2"] is None and above["energy_change_eV"] is not None
    assert below["skipped"] == "atoms overlap" and above["skipped"] is None
    assert "interface_start0_gap-0.25" not in [j.name for j in ctx.jobs] and "interface_start0_gap+0.25" in [j.name for j in ctx.jobs]
    assert rec["rounds"][0]["relaxed_again"]["from_offset_A"] == GAP_CHECK_STEP_A  # one side: go there (no parabola)


def test_the_second_relaxation_is_not_ml_prerelaxed_back():
    """A DFT workflow with --prerelax would send the moved film through the ML potential first, which pulls it back
    to where the ML minimum is: the moved start must reach the main calculator as moved."""
    base = _interface()
    z0 = float(base.positions[N_SUB:, 2].mean())
    calc = Well(z0, k=2.0)
    pulls_back = Well(z0 + 0.6, k=200.0)  # an 'ML' potential whose minimum is where the relaxation stopped
    ctx = WorkflowContext(calc, prerelax=pulls_back)
    got, rec = film_gap_check(ctx, _stopped_at(calc, base, 0.6), N_SUB, _area(base), 0.2, 20, (), _ok)
    assert not ctx.prerelax_jobs and rec["rounds"][0]["relaxed_again"]["kept"]
    assert abs(float(got.atoms.positions[N_SUB:, 2].mean()) - z0) < 1e-6


def test_the_record_is_json_able():
    import json

    base = _interface()
    calc = Well(float(base.positions[N_SUB:, 2].mean()), k=2.0)
    _, rec = film_gap_check(WorkflowContext(calc), _stopped_at(calc, base, 0.6), N_SUB, _area(base), 0.2, 20, (), _ok)
    assert json.loads(json.dumps(rec)) == rec


class ScanElsewhere(Well):
    """Probes ('scan' purpose) see a well 0.6 A lower than the relaxation does: the second relaxation ends higher."""

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        return _Well(self.z0 - 0.6 if purpose == "scan" else self.z0, self.k)


def test_a_second_relaxation_that_ends_higher_is_not_kept():
    base = _interface()
    calc = ScanElsewhere(float(base.positions[N_SUB:, 2].mean()), k=2.0)
    relaxed = _stopped_at(calc, base, 0.0)  # at the relaxation's own minimum; the probes' minimum is 0.6 A lower
    relaxed.relax_energy_eV = 0.5 * calc.k * 0.6**2  # the probes' energy of this point
    got, rec = film_gap_check(WorkflowContext(calc), relaxed, N_SUB, _area(base), 0.2, 20, (), _ok)
    again = rec["rounds"][0]["relaxed_again"]
    assert again["energy_change_eV"] > 0 and not again["kept"] and again["problem"] == ""
    assert got is relaxed and not rec["at_minimum"] and len(rec["rounds"]) == 1


def test_a_vertex_that_overlaps_atoms_falls_back_to_the_lower_probe():
    base = _interface()
    base.positions[N_SUB:, :2] += base.positions[N_SUB - 1, :2] - base.positions[N_SUB, :2]  # atop pairs: 1.805 A apart
    # overlap below 0.6 x 2 x 1.32 = 1.584 A: offsets under -0.221 A. The well's minimum (-0.5 A) lies there; the film
    # stopped at +0.1 A, so both probes (-0.15, +0.35) are computed and the vertex (-0.5) overlaps
    calc = Well(float(base.positions[N_SUB:, 2].mean()) - 0.5, k=2.0)
    relaxed = _stopped_at(calc, base, 0.1)
    relaxed.energy_eV = 0.5 * calc.k * 0.6**2
    _, rec = film_gap_check(WorkflowContext(calc), relaxed, N_SUB, _area(base), 0.2, 20, (), _ok)
    assert all(p["energy_change_eV"] is not None for p in rec["rounds"][0]["points"])
    assert rec["rounds"][0]["relaxed_again"]["from_offset_A"] == -GAP_CHECK_STEP_A


def test_the_text_report_says_each_round_and_the_second_relaxation():
    from lisse.cli.wetting import _gap_check_lines

    base = _interface()
    calc = Well(float(base.positions[N_SUB:, 2].mean()), k=2.0)
    _, rec = film_gap_check(WorkflowContext(calc), _stopped_at(calc, base, 0.6), N_SUB, _area(base), 0.2, 20, (), _ok)
    lines = _gap_check_lines(rec)
    assert len(lines) == 3 and "gap check 1" in lines[0] and "NOT at a minimum" in lines[0]
    gain = rec["rounds"][0]["points"][0]["adhesion_change_J_m2"]
    assert f"-0.25 A: {gain:+.4f}" in lines[0]
    assert lines[1].startswith("  relaxed again from -0.600 A") and lines[1].endswith("kept")
    assert "gap check 2" in lines[2] and lines[2].endswith("at a minimum")
    assert _gap_check_lines(None) == []


def test_a_relaxation_stopped_at_its_cap_is_only_probed():
    base = _interface()
    calc = Well(float(base.positions[N_SUB:, 2].mean()), k=2.0)
    ctx = WorkflowContext(calc)
    got, rec = film_gap_check(ctx, _stopped_at(calc, base, 0.6, converged=False), N_SUB, _area(base), 0.2, 20, (), _ok)
    assert not rec["at_minimum"] and rec["rounds"][0]["relaxed_again"] is None and len(rec["rounds"]) == 1
    assert [j.settings["task"] for j in ctx.jobs] == ["single", "single"]


def test_a_second_relaxation_that_stops_at_its_cap_is_not_kept():
    base = _interface()
    calc = Well(float(base.positions[N_SUB:, 2].mean()), k=2.0)
    relaxed = _stopped_at(calc, base, 2.0)  # the vertex is clamped 1 A short of the minimum: forces 0.17 eV/A per atom there
    got, rec = film_gap_check(WorkflowContext(calc), relaxed, N_SUB, _area(base), 0.05, 0, (), _ok)
    again = rec["rounds"][0]["relaxed_again"]
    assert again["energy_change_eV"] < 0 and not again["converged"] and not again["kept"]
    assert again["problem"] == "did not reach 0.05 eV/A in 0 steps" and got is relaxed


class GridWell(Well):
    """The well as a 'DFT' backend: its relaxation's own energy is not trusted for the probes' comparison."""

    def __init__(self, z0: float, k: float) -> None:
        super().__init__(z0, k)
        self.info = CalculatorInfo("fake-dft", "well", "0", "dft", 0.0, {"z0": z0, "k": k})


def test_a_dft_check_compares_the_probes_with_a_single_point_of_the_relaxed_geometry():
    base = _interface()
    calc = GridWell(float(base.positions[N_SUB:, 2].mean()), k=2.0)
    relaxed = _stopped_at(calc, base, 0.6)
    relaxed.relax_energy_eV = -50.0  # e.g. computed on the grid placed for the relaxation's start: must not be used
    ctx = WorkflowContext(calc)
    got, rec = film_gap_check(ctx, relaxed, N_SUB, _area(base), 0.2, 20, (), _ok)
    assert ctx.jobs[0].name == "interface_start0_gap+0.00" and ctx.jobs[0].settings["purpose"] == "scan"
    de = 0.5 * calc.k * ((0.6 - GAP_CHECK_STEP_A) ** 2 - 0.6**2)
    assert rec["rounds"][0]["points"][0]["energy_change_eV"] == pytest.approx(de, rel=1e-9, abs=0)
    assert rec["rounds"][0]["relaxed_again"]["kept"] and rec["at_minimum"]


class PaddingWell(Well):
    """A backend that computes a structure with less than ``pad`` A of vacuum in a taller cell (CP2K pads slabs)."""

    def __init__(self, z0: float, k: float, pad: float) -> None:
        super().__init__(z0, k)
        self.pad = pad

    def computed_cell(self, atoms):
        cell = atoms.cell.array.copy()
        vac = cell[2, 2] - float(np.ptp(atoms.positions[:, 2]))
        if vac < self.pad:
            cell[2, 2] += self.pad - vac
        return cell


def test_a_probe_the_backend_would_compute_in_a_padded_cell_is_skipped():
    base = _interface()
    vac = float(base.cell[2, 2] - np.ptp(base.positions[:, 2]))
    calc = PaddingWell(float(base.positions[N_SUB:, 2].mean()), k=2.0, pad=vac - 0.1)  # the film 0.25 A up: padded
    ctx = WorkflowContext(calc)
    _, rec = film_gap_check(ctx, _stopped_at(calc, base, 0.0), N_SUB, _area(base), 0.2, 20, (), _ok)
    below, above = rec["rounds"][0]["points"]
    assert above["energy_change_eV"] is None and above["skipped"].startswith("the backend would pad")
    assert below["energy_change_eV"] is not None and below["skipped"] is None
    assert "interface_start0_gap+0.25" not in [j.name for j in ctx.jobs]
