"""Convergence checks (lisse.atomistic.convergence) against analytic fake energy functions with known limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")

from lisse.atomistic.convergence import (  # noqa: E402
    LEVELS,
    ConvergenceLevel,
    adhesion_convergence,
    fiorentini_methfessel,
    surface_energy_convergence,
)
from lisse.atomistic.structures import bulk  # noqa: E402
from lisse.constants import ELEMENTARY_CHARGE  # noqa: E402
from lisse.errors import ParameterError  # noqa: E402

J = ELEMENTARY_CHARGE / 1e-20  # eV/A^2 -> J/m^2
E_B = -1.9  # eV per Li atom
G0 = 0.45  # J/m^2, the converged surface energy of the fake
A_K, C_CUT, B_VAC, D_N = 0.2, 0.05, 0.5, 0.05


def gamma_settings(s):
    """The fake's surface energy at given electronic/vacuum settings (J/m^2), before finite-thickness terms."""
    return G0 + A_K * s["kspacing_inv_A"] ** 2 + C_CUT * (300.0 / s["cutoff_eV"]) ** 2 + B_VAC * math.exp(-s["vacuum_A"] / 2.0)


def fake_slab_energy(atoms, s):
    """E = N e_b + 2A [gamma(settings) + D exp(-N)]: a bulk-like slope plus a surface term decaying with thickness."""
    n = len(atoms)  # Li(100) 1x1: one atom per plane
    area = abs(np.linalg.det(atoms.cell.array[:2, :2]))
    assert s["layers"] == n
    return n * E_B + 2 * area * (gamma_settings(s) + D_N * math.exp(-n)) / J


def fm_exact(n1, n2, s):
    """Fiorentini-Methfessel two-slab value of the fake, derived by hand from its formula."""
    return gamma_settings(s) + D_N * (math.exp(-n2) - n2 * (math.exp(-n2) - math.exp(-n1)) / (n2 - n1))


def test_fiorentini_methfessel_is_immune_to_an_inconsistent_bulk_reference():
    area = 12.0
    n = np.array([3, 5, 7, 9])
    e = n * E_B + 2 * area * G0 / J
    g, eb = fiorentini_methfessel(n, e, area)
    assert g == pytest.approx(G0, rel=1e-12) and eb == pytest.approx(E_B, rel=1e-12)
    # a bulk energy off by 5 meV/atom makes the single-slab value drift linearly with thickness; FM does not
    naive = (e - n * (E_B - 0.005)) / (2 * area) * J
    assert naive[-1] - naive[0] > 0.015 and g == pytest.approx(G0, rel=1e-12)
    with pytest.raises(ParameterError, match="2 slabs"):
        fiorentini_methfessel([3, 3], [1.0, 2.0], area)


def test_surface_energy_rows_follow_the_analytic_fake():
    li = bulk("Li")
    res = surface_energy_convergence(fake_slab_energy, li, (1, 0, 0), "screening")
    lv = LEVELS["screening"]
    base = lv.base
    by = {}
    for r in res.rows:
        by.setdefault(r["parameter"], []).append(r)
    # every row is the hand-derived two-slab value at that setting
    for v, r in zip(lv.scans["kspacing_inv_A"], by["kspacing_inv_A"]):
        assert r["result"] == pytest.approx(fm_exact(3, 5, {**base, "kspacing_inv_A": v}), rel=1e-9)
    for (n1, n2), r in zip([(3, 5), (5, 7)], by["layers"]):
        assert r["value"] == n2 and r["result"] == pytest.approx(fm_exact(n1, n2, base), rel=1e-9)
    # k: 0.35 -> 0.25 changes gamma by A (0.25^2 - 0.35^2) = -0.012 J/m2 (> 2 %), 0.25 -> 0.18 by -0.0060 (< 2 %)
    k = by["kspacing_inv_A"]
    assert k[1]["change"] == pytest.approx(A_K * (0.25**2 - 0.35**2), rel=1e-6) and k[1]["converged"] is False
    assert k[2]["change"] == pytest.approx(A_K * (0.18**2 - 0.25**2), rel=1e-6) and k[2]["converged"] is True
    # cut-off: 400 -> 500 still changes gamma by 0.0101 J/m2 > 2 % of 0.47: not converged at the base 400 eV
    assert res.not_converged == ["cutoff_eV"] and res.converged is False
    assert by["cutoff_eV"][2]["change"] == pytest.approx(C_CUT * ((300 / 500) ** 2 - (300 / 400) ** 2), rel=1e-6)
    assert res.value == pytest.approx(fm_exact(3, 5, base), rel=1e-9)
    assert set(by) == {"kspacing_inv_A", "cutoff_eV", "layers", "vacuum_A"}
    assert all(set(r) >= {"quantity", "parameter", "value", "result", "change", "tolerance", "converged"} for r in res.rows)
    # the tolerance is 2 % of the row's own value
    assert k[1]["tolerance"] == pytest.approx(0.02 * k[1]["result"], rel=1e-12)
    # the base point is computed once, shared by the scans (3 + 2 + 2 + 2 new slab pairs - overlaps)
    assert res.n_evaluations < sum(2 * len(v) for v in lv.scans.values())


def test_thickness_converges_to_the_known_limit_at_publication_level():
    res = surface_energy_convergence(fake_slab_energy, bulk("Li"), (1, 0, 0), "publication",
                                     scans={"cutoff_eV": (500.0, 2000.0, 4000.0)}, base={"cutoff_eV": 2000.0})
    lay = [r for r in res.rows if r["parameter"] == "layers"]
    limit = gamma_settings(res.settings)
    err = [abs(r["result"] - limit) for r in lay]
    assert err == sorted(err, reverse=True) and err[-1] < 1e-4  # decays towards the analytic limit
    assert "layers" not in res.not_converged


def test_adhesion_rows_and_base_value():
    from ase import Atoms

    W0 = 0.53

    def w_of(s):
        return W0 + 0.3 * s["kspacing_inv_A"] ** 2 + 0.2 * math.exp(-s["layers"]) + 0.1 * math.exp(-s["vacuum_A"])

    def build(s):
        cell = [[3.0, 0, 0], [0, 4.0, 0], [0, 0, 20.0 + s["vacuum_A"]]]
        n = int(s["layers"])
        film = Atoms("Li" * n, positions=[[0, 0, 10 + 1.7 * i] for i in range(n)], cell=cell, pbc=True)
        sub = Atoms("LiF", positions=[[0, 0, 5.0], [1.5, 2.0, 5.0]], cell=cell, pbc=True)
        it = sub + film
        it.info["area_A2"] = 12.0
        return it, film, sub

    def energy(atoms, s):
        n_li = atoms.get_chemical_symbols().count("Li")
        has_f = "F" in atoms.get_chemical_symbols()
        e = -1.9 * n_li - 5.0 * has_f
        if has_f and n_li > 1:  # the interface: bound by W_ad
            e -= w_of(s) * 12.0 / J
        return e

    res = adhesion_convergence(energy, build, "screening", scans={"cutoff_eV": (400.0, 500.0)})
    assert res.value == pytest.approx(w_of(res.settings), rel=1e-12)
    k = [r for r in res.rows if r["parameter"] == "kspacing_inv_A"]
    assert [r["result"] for r in k] == pytest.approx([w_of({**res.settings, "kspacing_inv_A": v}) for v in (0.35, 0.25, 0.18)], rel=1e-12)
    assert k[2]["tolerance"] == 0.02 and k[2]["converged"] is True  # 0.3 (0.18^2 - 0.25^2) = -0.009
    assert res.converged is True


@pytest.mark.parametrize(("kw", "msg"), [({"level": "draft"}, "level"), ({"base": {"kspacing_inv_A": 0.3}}, "not one of"),
                                        ({"scans": {"layers": (3, 5)}}, "at least 3"), ({"scans": {"smearing": (0.1, 0.05)}}, "unknown"),
                                        ({"base": {"layers": 3}}, "thinnest"),
                                        ({"level": ConvergenceLevel("empty", 0.02, 0.05, scans={}, base={})}, "no parameter to scan")])
def test_bad_inputs_are_refused(kw, msg):
    with pytest.raises(ParameterError, match=msg):
        surface_energy_convergence(fake_slab_energy, bulk("Li"), (1, 0, 0), **kw)


def test_calculator_energy_wraps_a_lisse_calculator():
    from ase.calculators.lj import LennardJones

    from lisse.atomistic.convergence import calculator_energy

    seen = []

    class Calc:
        def __init__(self, s):
            self.sigma = s["sigma"]

        def prepare(self, atoms):
            seen.append("prepare")
            return "token"

        def restore(self, atoms, token):
            seen.append(token)

        def ase_calculator(self, atoms=None, purpose="energy"):
            assert purpose == "energy"
            return LennardJones(sigma=self.sigma, epsilon=1.0, rc=10.0)

    li = bulk("Li")
    e = calculator_energy(Calc)(li, {"sigma": 2.5})
    ref = li.copy()
    ref.calc = LennardJones(sigma=2.5, epsilon=1.0, rc=10.0)
    assert e == pytest.approx(ref.get_potential_energy(), rel=1e-12) and seen == ["prepare", "token"]
    assert li.calc is None  # the caller's structure is untouched


def test_first_row_of_each_scan_has_no_change_and_rows_carry_their_unit():
    res = surface_energy_convergence(fake_slab_energy, bulk("Li"), (1, 0, 0), "screening")
    first = {}
    for r in res.rows:
        first.setdefault(r["parameter"], r)
    # nothing precedes the first value of a scan: no change and no verdict (not a change to the last row of the scan)
    assert all(r["change"] is None and r["converged"] is None for r in first.values())
    assert {r["unit"] for r in res.rows} == {"J/m2"}


def test_a_base_at_the_finest_scanned_value_is_not_called_converged():
    # the fake's k change 0.25 -> 0.18 is inside 2 %, but with the base at 0.18 nothing finer was computed to judge it
    res = surface_energy_convergence(fake_slab_energy, bulk("Li"), (1, 0, 0), "screening", base={"kspacing_inv_A": 0.18})
    assert "kspacing_inv_A" in res.not_converged


@pytest.mark.parametrize(("n", "e", "area", "msg"), [
    ([3, 5], [1.0], 12.0, "2 slabs"),                          # one energy short
    ([3, 5], [1.0, float("nan")], 12.0, "finite"),             # a failed calculation
    ([3, 5], [1.0, 2.0], 0.0, "area_A2"),                      # no face
    ([3, 5], [1.0, 2.0], float("inf"), "area_A2"),
])
def test_fiorentini_methfessel_refuses_bad_input(n, e, area, msg):
    with pytest.raises(ParameterError, match=msg):
        fiorentini_methfessel(n, e, area)


def test_fiorentini_methfessel_accepts_a_small_face():
    # a 0.5 A^2 face is unphysical but a valid number: the formula holds for any positive area
    n = np.array([3.0, 5.0])
    g, _ = fiorentini_methfessel(n, n * E_B + 2 * 0.5 * G0 / J, 0.5)
    assert g == pytest.approx(G0, rel=1e-12)


def test_scans_build_the_vacuum_they_claim_and_report_progress():
    seen = {}

    def energy(atoms, s):
        # the slab geometry, not only the settings dict, must carry the scanned vacuum: c = thickness + vacuum
        z = atoms.positions[:, 2]
        seen.setdefault((len(atoms), s["vacuum_A"]), atoms.cell.array[2, 2] - (z.max() - z.min()))
        return fake_slab_energy(atoms, s)

    calls = []
    res = surface_energy_convergence(energy, bulk("Li"), (1, 0, 0), "screening", progress=lambda d, t: calls.append((d, t)))
    assert seen and all(v == pytest.approx(vac, abs=1e-6) for (_, vac), v in seen.items())
    assert calls and calls[-1][0] == calls[-1][1] > 0 and all(d <= t for d, t in calls)
    assert res.quantity.startswith("surface_energy Li") and res.quantity.endswith("(100)") and res.level == "screening"
    for r in res.rows:  # every row's tolerance is the level's 2 % of that row's own value, layer rows included
        assert r["tolerance"] == pytest.approx(0.02 * abs(r["result"]), rel=1e-12)


def test_level_around_centres_every_scan_on_the_production_settings():
    from lisse.atomistic.convergence import level_around

    lv = level_around("screening", 0.25, 450.0, 3, 12.0, substrate_layers=2)
    assert (lv.name, lv.work_of_adhesion_tol_J_m2, lv.surface_energy_rel_tol) == ("screening", 0.02, 0.02)
    assert lv.scans == {"kspacing_inv_A": (0.35, 0.25, 0.18), "cutoff_eV": (350.0, 450.0, 550.0), "layers": (2, 3, 5),
                        "vacuum_A": (10.0, 12.0, 15.0), "substrate_layers": (2, 4)}
    assert lv.base == {"kspacing_inv_A": 0.25, "cutoff_eV": 450.0, "layers": 3, "vacuum_A": 12.0, "substrate_layers": 2}
    thin = level_around("publication", 0.18, 250.0, 2, 7.0)
    assert thin.work_of_adhesion_tol_J_m2 == 0.005 and thin.scans["layers"] == (2, 4, 6) and thin.scans["cutoff_eV"] == (250.0, 350.0)
    assert thin.scans["vacuum_A"] == (7.0, 10.0) and "substrate_layers" not in thin.scans
    assert level_around("screening", 0.25, 400.0, 4, 10.0).scans["layers"] == (2, 4, 6)
    assert level_around("test", 0.4, 300.0, 5, 8.0).work_of_adhesion_tol_J_m2 == 0.05
    with pytest.raises(ParameterError, match="thinner"):
        level_around("screening", 0.25, 400.0, 2, 10.0, thickest=True)
    with pytest.raises(ParameterError, match="layers"):
        level_around("screening", 0.25, 400.0, 0, 10.0)


def test_a_substrate_thickness_scan_does_not_compute_the_unchanged_film_again():
    from ase import Atoms

    seen = []

    def build(s):
        cell = [[3.0, 0, 0], [0, 4.0, 0], [0, 0, 20.0 + s["vacuum_A"]]]
        film = Atoms("Li" * int(s["layers"]), positions=[[0, 0, 10 + 1.7 * i] for i in range(int(s["layers"]))], cell=cell, pbc=True)
        m = int(s["substrate_layers"])
        sub = Atoms("LiF" * m, positions=[[0.1 * i, 0, 1.0 + 0.5 * i] for i in range(2 * m)], cell=cell, pbc=True)
        return sub + film, film, sub

    def energy(atoms, s):
        seen.append(len(atoms))
        return -1.0 * len(atoms)

    res = adhesion_convergence(energy, build, "screening", scans={"kspacing_inv_A": (0.25, 0.18), "cutoff_eV": (400.0, 500.0),
                                                                  "layers": (3, 5, 7), "vacuum_A": (10.0, 13.0), "substrate_layers": (2, 4)},
                               base={"kspacing_inv_A": 0.25, "cutoff_eV": 400.0, "layers": 5, "vacuum_A": 10.0, "substrate_layers": 2})
    # distinct (structure, electronic settings): base 3 + k 3 + cut 3 + layers 2x2 (films and interfaces; the substrate is the base one)
    # + vacuum 3 + substrate 2 (its interface and substrate; the film is the base one)
    assert res.n_evaluations == len(seen) == 3 + 3 + 3 + 4 + 3 + 2
