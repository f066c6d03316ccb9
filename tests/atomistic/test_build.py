"""Structures, slabs, lattice matching, interfaces, sanity checks, cache, calculator contract (no ML)."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")

from lisse.atomistic.cache import job_key  # noqa: E402
from lisse.atomistic.calculators import CalculatorInfo, check_same_calculator, get_calculator  # noqa: E402
from lisse.atomistic.interfaces import build_interface, lattice_matches  # noqa: E402
from lisse.atomistic.sanity import check_distances, check_energy_per_atom, check_periodic, check_slab, check_vacuum  # noqa: E402
from lisse.atomistic.slabs import layer_planes, make_slab, terminations  # noqa: E402
from lisse.atomistic.structures import bulk  # noqa: E402
from lisse.errors import CalculationError, NotImplementedFeatureError, ParameterError  # noqa: E402
from lisse.io.atomistic_cache import JobCache  # noqa: E402


def test_bulk_structures_from_wyckoff():
    li = bulk("Li")
    assert len(li) == 2 and li.info["spacegroup"] == 229
    # bcc nearest neighbour = a sqrt(3)/2
    from lisse.atomistic.sanity import min_distance

    assert min_distance(li)[0] == pytest.approx(3.5093 * math.sqrt(3) / 2, rel=1e-9)
    lif = bulk("LiF")
    assert lif.get_chemical_formula() == "F4Li4" and min_distance(lif)[0] == pytest.approx(4.027 / 2, rel=1e-9)
    li2o = bulk("Li2O")
    assert min_distance(li2o)[0] == pytest.approx(4.6114 * math.sqrt(3) / 4, rel=1e-9)  # Li-O in antifluorite
    c = bulk("Li2CO3")
    assert c.info["formula_units"] == 4 and c.get_chemical_formula() == "C4Li8O12"
    from ase.neighborlist import neighbor_list

    i, j, d = neighbor_list("ijd", c, 1.5)
    s = np.array(c.get_chemical_symbols())
    co = d[(s[i] == "C") & (s[j] == "O")]
    assert co.size == 12 and co.min() > 1.25 and co.max() < 1.30  # carbonate C-O ~1.28 A
    with pytest.raises(NotImplementedFeatureError, match="garnet"):
        bulk("LLZTO")  # Ta-doped garnet: no ordered Li/Ta cell in the library (LLZO itself is the tetragonal cell)
    with pytest.raises(ParameterError, match="did you mean 'LiCl'"):
        bulk("LiCI")


def test_slab_layers_vacuum_and_periodicity():
    s = make_slab(bulk("Li"), (1, 0, 0), 7, vacuum=15.0)
    assert len(layer_planes(s)) == 7 and len(s) == 7
    assert s.info["area_A2"] == pytest.approx(3.5093**2, rel=1e-9)
    # (100) interplanar spacing of bcc = a/2
    z = sorted(s.positions[:, 2])
    assert np.allclose(np.diff(z), 3.5093 / 2, atol=1e-6)
    check_slab(s, cutoff=6.0)
    assert all(s.pbc)
    f = make_slab(bulk("LiF"), (1, 0, 0), 3)
    assert f.info["stoichiometric"] and f.info["symmetric_planes"] and len(f) == 6
    p = make_slab(bulk("LiF"), (1, 1, 1), 4)  # polar: alternating Li / F planes
    assert not p.info["symmetric_planes"]
    assert len(terminations(bulk("Li2CO3"), (0, 0, 1))) >= 2


def test_lattice_match_li100_on_lif100():
    li = make_slab(bulk("Li"), (1, 0, 0), 3)
    lif = make_slab(bulk("LiF"), (1, 0, 0), 2)
    # hand calculation 1 (fewest atoms within 3 %): Li sqrt5 x sqrt5 R26.6 on the LiF conventional 2x2 cell
    m = lattice_matches(li, lif, max_strain=0.03)[0]
    assert m.strain == pytest.approx(2 * 4.027 / (math.sqrt(5) * 3.5093) - 1, abs=1e-9)
    assert m.area_A2 == pytest.approx(4 * 4.027**2, rel=1e-9)
    # hand calculation 2 (below 2.5 %): Li 3x3 on LiF sqrt13 x sqrt13 R33.7 of the a/sqrt2 surface cell
    m = lattice_matches(li, lif, max_strain=0.025)[0]
    assert m.strain == pytest.approx(1 - math.sqrt(13) * 4.027 / math.sqrt(2) / (3 * 3.5093), abs=1e-9)
    assert m.area_A2 == pytest.approx(13 * 4.027**2 / 2, rel=1e-9)
    it, fil, sub = build_interface(li, lif, m, gap=2.3, vacuum=12.0)
    assert len(it) == len(fil) + len(sub) == 9 * 3 + 13 * 4
    assert np.allclose(fil.cell.array[:2], sub.cell.array[:2])
    z = it.positions[:, 2]
    assert z[len(sub):].min() - z[: len(sub)].max() == pytest.approx(2.3, abs=1e-9)
    check_slab(it, cutoff=6.0)
    with pytest.raises(CalculationError, match="no coherent match"):
        lattice_matches(li, lif, max_strain=0.0001, max_area=40)


def test_sanity_checks_catch_bad_geometry():
    s = make_slab(bulk("Li"), (1, 0, 0), 3, vacuum=4.0)
    with pytest.raises(CalculationError, match="vacuum"):
        check_vacuum(s, cutoff=6.0)
    folded = s.copy()
    folded.positions[1] = folded.positions[0] + [0.3, 0, 0]
    with pytest.raises(CalculationError, match="overlapping"):
        check_distances(folded)
    np_ = s.copy()
    np_.pbc = [True, True, False]
    with pytest.raises(CalculationError, match="periodic"):
        check_periodic(np_)
    refs = {"Li": -1.9}
    assert check_energy_per_atom(-1.9 * 3 + 0.3, s, refs) == pytest.approx(0.1)
    with pytest.raises(CalculationError, match="absurd"):
        check_energy_per_atom(-1.9 * 3 - 30.0, s, refs)


def test_cache_key_and_round_trip(tmp_path):
    a = bulk("Li")
    k1 = job_key("calcA", {"task": "single"}, a)
    b = a.copy()
    b.positions[0, 0] += 1e-3
    assert job_key("calcA", {"task": "single"}, b) != k1
    assert job_key("calcB", {"task": "single"}, a) != k1
    assert job_key("calcA", {"task": "relax"}, a) != k1
    assert job_key("calcA", {"task": "single"}, a.copy()) == k1
    c = JobCache(tmp_path)
    assert c.get(k1) is None
    c.put(k1, {"energy_eV": -3.8})
    assert c.get(k1) == {"energy_eV": -3.8} and c.hits == 1 and c.misses == 1


def test_calculator_contract_never_mixes():
    a = CalculatorInfo("chgnet", "0.3.0", "0.4.2", "ml", 6.0)
    b = CalculatorInfo("sevennet", "7net-0", "0.13.0", "ml", 5.0)
    assert check_same_calculator(a, a.as_dict()) == a
    with pytest.raises(CalculationError, match="mix"):
        check_same_calculator(a, b)
    assert get_calculator("chgnet:r2scan").info.model == "r2scan"
    with pytest.raises(ParameterError, match="unknown calculator"):
        get_calculator("mace")
    with pytest.raises(ParameterError, match="CHGNet model"):
        get_calculator("chgnet:9.9")


def _square(x):
    return x * x


def test_executor_local_serial_and_errors():
    from lisse.atomistic.executors import LocalExecutor, get_executor, run_many

    assert run_many(_square, [{"x": 2}, {"x": 3}]) == [4, 9]
    assert isinstance(get_executor("local:1"), LocalExecutor)
    with pytest.raises(ParameterError, match="unknown executor"):
        get_executor("slurm")
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        from lisse.errors import MissingDependencyError

        with pytest.raises(MissingDependencyError):
            get_executor("dask")


def test_a_termination_index_builds_the_same_planes_on_every_lattice_scaling():
    """pymatgen's order of Li2CO3(001)'s two terminations swaps on 23 of 61 scalings between 0.97 and 1.03 (among them
    0.98 and GPAW PBE-D3's 1.0014), so ``termination=0`` on a calculator's relaxed lattice built the other termination
    than the one listed on the experimental lattice. lisse orders them by every atom's fractional height: index K builds
    the same planes (compositions and depth fractions) on every scaling, and the listing's bottom planes are those of
    the slab built."""
    from lisse.atomistic.slabs import plane_profile, same_plane_profile

    x = bulk("Li2CO3")
    listed = terminations(x, (0, 0, 1))
    ref = [plane_profile(make_slab(x, (0, 0, 1), 6, 15.0, k)) for k in (0, 1)]
    assert not same_plane_profile(ref[0], ref[1])  # two different terminations, not one twice
    for k, t in enumerate(listed):  # the slab's bottom planes (plane_profile lists from the top) are the listing's
        bottom_up = [p["composition"] for p in reversed(ref[k])]
        assert [p["composition"] for p in t["planes"]][:3] == bottom_up[:3]
    for scale in (0.953, 0.972, 0.98, 0.985, 0.99, 1.0013977277014712, 1.005, 1.0125, 1.03):
        s = x.copy()
        s.set_cell(x.cell * scale, scale_atoms=True)
        for k in (0, 1):
            assert same_plane_profile(plane_profile(make_slab(s, (0, 0, 1), 6, 15.0, k)), ref[k]), (scale, k)


def test_the_termination_order_key_does_not_regroup_planes_with_the_lattice():
    """Li9Al4(001) has an Al and a Li plane ~0.3 Å apart: grouped into one plane at 0.97 of the experimental lattice
    (Al / AlLi / Li ...), two at 1.0 (Al / Li / Al / Li ...), so a key of planes grouped in Å changes with the lattice.
    lisse's order key (every atom's fractional height) is the same at both scalings, termination by termination."""
    from lisse.atomistic.slabs import _cluster, _ouc_heights, _pmg_slabs, _termination_key

    x = bulk("Li9Al4")
    small = x.copy()
    small.set_cell(x.cell * 0.97, scale_atoms=True)
    at1, at097 = _pmg_slabs(x, (0, 0, 1), 10.0), _pmg_slabs(small, (0, 0, 1), 10.0)
    assert len(at1) == len(at097) == 7
    planes_in_A = [len(_cluster(_ouc_heights(sl)[1], 0.3)) for sl in (at1[0], at097[0])]
    assert planes_in_A[0] > planes_in_A[1]  # the trap: a 0.3 Å grouping merges two planes on the smaller lattice
    keys = [_termination_key(s) for s in at1]
    assert len({tuple(e for e, _ in k) for k in keys}) == 7  # seven different terminations
    for k1, k097 in zip(keys, (_termination_key(s) for s in at097)):
        assert [e for e, _ in k1] == [e for e, _ in k097]
        np.testing.assert_allclose([h for _, h in k097], [h for _, h in k1], rtol=0, atol=1e-9)


def test_terminations_with_the_same_elements_in_the_same_order_are_ordered_by_height():
    """lisse's termination order: mirror-faced first, then elements from the bottom, then fractional heights (in whole
    multiples of 1e-6: floating-point noise is one height), then the shift; a plain tuple, so a total order."""
    from lisse.atomistic.slabs import _order_tuple

    low = [("Li", 0.1), ("O", 0.30), ("Li", 0.55)]
    high = [("Li", 0.1), ("O", 0.30001), ("Li", 0.55)]
    assert _order_tuple(low, 0.2) < _order_tuple(high, 0.1)
    noisy = [("Li", 0.1), ("O", 0.30 + 1e-12), ("Li", 0.55)]
    assert _order_tuple(low, 0.3) == _order_tuple(noisy, 0.3 + 1e-12)  # one height and one shift to floating-point noise
    assert _order_tuple(noisy, 0.1) < _order_tuple(low, 0.3)  # the same atoms at the same heights: the shift decides
    assert _order_tuple([("Li", 0.1), ("O", 0.9)], 0.0) < _order_tuple([("O", 0.1), ("Li", 0.9)], 0.0)  # elements first
    mirror = [("Li", 0.1), ("O", 0.3), ("Li", 0.5)]  # Li / O / Li: the same faces
    assert _order_tuple(mirror, 0.9) < _order_tuple([("Al", 0.1), ("O", 0.2)], 0.0)  # mirror-faced before all else


def test_the_mirror_faces_check_compares_each_element_s_heights_with_their_mirror_images():
    from lisse.atomistic.slabs import _same_planes_both_faces

    assert _same_planes_both_faces([("Li", 0.1), ("O", 0.3), ("Li", 0.5)])
    assert not _same_planes_both_faces([("Li", 0.1), ("O", 0.6)])  # Li at the bottom, O at the top
    assert _same_planes_both_faces([("Li", 0.1), ("O", 0.3), ("O", 0.4), ("Li", 0.6)])  # Li / O / O / Li
    assert not _same_planes_both_faces([("Li", 0.1), ("O", 0.3), ("Li", 0.4), ("O", 0.6)])  # heights mirror, elements not
    assert _same_planes_both_faces([("Li", 0.1), ("O", 0.3004), ("Li", 0.5)])  # 8e-4 from its mirror image: a file's rounding
    assert not _same_planes_both_faces([("Li", 0.1), ("O", 0.302), ("Li", 0.5)])  # 4e-3 from it: another termination


@pytest.mark.parametrize(("material", "miller"), [("Li2CO3", (0, 0, 1)), ("Li2CO3", (1, 0, 0)), ("Li9Al4", (0, 0, 1)),
                                                  ("Li2O", (1, 1, 1)), ("Li3N", (1, 0, 0)), ("LiCl", (1, 1, 0)), ("LiF", (1, 1, 1)),
                                                  ("Li9Al4", (1, 0, 0))])
def test_the_mirror_faces_criterion_agrees_with_pymatgen_s_slab_symmetry(material, miller):
    """A second method: pymatgen's ``Slab.is_symmetric`` (a space-group operation mapping the slab's top onto its
    bottom, 0.1 Å tolerance) against lisse's lattice-invariant criterion on fractional heights. Li9Al4(100) has an
    asymmetric termination 0.063 of the repeat off its mirror; the bulk gets 2e-5 (fractional) of noise along c, a
    file's rounded coordinates, which must not make a symmetric termination asymmetric."""
    from lisse.atomistic.slabs import _pmg_slabs, _same_planes_both_faces, _termination_key

    x = bulk(material)
    frac = x.get_scaled_positions()
    frac[:, 2] += np.random.default_rng(7).uniform(-2e-5, 2e-5, len(x))
    x.set_scaled_positions(frac)
    flags = [(_same_planes_both_faces(_termination_key(sl)), bool(sl.is_symmetric())) for sl in _pmg_slabs(x, miller, 10.0)]
    assert [ours for ours, _ in flags] == [theirs for _, theirs in flags]
    assert any(ours for ours, _ in flags) == ((material, miller) != ("LiF", (1, 1, 1)))  # LiF(111): only a polar one
    assert flags[0][0] or not any(ours for ours, _ in flags)  # a mirror-faced termination comes first where one exists


def test_the_slab_kept_for_a_symmetry_group_does_not_depend_on_pymatgen_s_order():
    """pymatgen keeps the first cut of a symmetry group in its input order: Li2CO3(001)'s asymmetric group holds cuts
    with CO3 and with Li at the bottom (flipped images), so a reversed order keeps the other face; the mirror-faced
    group's cut at shift 0 is listed at 1 - 1e-16 on some lattices (0.985), where another of its in-plane translations
    comes first. lisse keeps the smallest shift in [0, 1), so neither changes the slabs kept or their order."""
    from lisse.atomistic.slabs import _distinct_terminations, _every_cut, _wrapped_shift

    every = _every_cut(bulk("Li2CO3"), (0, 0, 1), 10.0)
    assert len(every) == 12
    kept = [_wrapped_shift(s) for s in _distinct_terminations(every)]
    assert kept == pytest.approx([0.0, 0.088375], abs=1e-5)  # the mirror-faced one first, then CO3 at the bottom
    assert [_wrapped_shift(s) for s in _distinct_terminations(every[::-1])] == kept
    wrapped = [s.copy() for s in every]  # the cut at shift 0 listed just below 1 (floating-point noise of the wrap)
    for s in wrapped:
        if _wrapped_shift(s) == 0.0:
            s.shift = 1.0 - 1e-12
    assert [_wrapped_shift(s) for s in _distinct_terminations(wrapped[::-1])] == kept


def test_an_oblique_surface_whose_reduced_cell_is_left_handed_gets_its_conventional_cell():
    """Monoclinic Li2CO3(110): the bulk cell's reduced surface basis (6.195 A, 9.460 A at 73.5 deg) is left-handed seen
    from the slab's normal and the plane has no mirror, so no right-handed combination of the slab's vectors had its
    metric and make_slab raised. The surface cell is the same with the second vector reversed: det M = the ratio of
    the two cells' areas, from the bulk cell alone (C-centred: the primitive plane cell is half the conventional one)."""
    from lisse.atomistic.slabs import _plane_vectors

    x = bulk("Li2CO3")
    slab = make_slab(x, (1, 1, 0), 4)
    m = np.array(slab.info["conventional_surface_matrix"])
    conv = _plane_vectors(x, (1, 1, 0))
    v = m @ slab.cell.array[:2, :2]
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), np.linalg.norm(conv, axis=1), rtol=1e-6)
    ratio = np.linalg.norm(np.cross(conv[0], conv[1])) / slab.info["area_A2"]
    assert round(float(np.linalg.det(m))) == round(ratio) == 2


def test_a_surface_no_cut_of_which_keeps_its_polyanions_whole_is_a_clear_error():
    with pytest.raises(ParameterError, match=r"\(1, 1, 1\) surface of Li2CO3 has no termination"):
        make_slab(bulk("Li2CO3"), (1, 1, 1), 4)
    assert terminations(bulk("Li2CO3"), (1, 1, 1)) == []  # the listing says the same (the CLI adds a note)


def test_the_polar_flag_sees_the_dipole_of_a_tasker_type_3_surface():
    """pymatgen's ``Slab.is_polar`` sums oxidation-state charges; the library's structures carry none, so every
    termination was listed non-polar, LiF(111) (alternating Li+ and F- planes, Tasker type 3) included. With
    pymatgen's guessed states: LiF(111) polar, LiF(100) (neutral planes) not, Li2CO3(001)'s mirror-faced termination
    not and its CO3-bottom one polar; an intermetallic (no guess) is None, not a verdict."""
    flags = {(m, hkl): [t["polar"] for t in terminations(bulk(m), hkl)]
             for m, hkl in (("LiF", (1, 1, 1)), ("LiF", (1, 0, 0)), ("Li2CO3", (0, 0, 1)), ("Li9Al4", (0, 0, 1)))}
    assert flags[("LiF", (1, 1, 1))] == [True] and flags[("LiF", (1, 0, 0))] == [False]
    assert flags[("Li2CO3", (0, 0, 1))] == [False, True]
    assert set(flags[("Li9Al4", (0, 0, 1))]) == {None}
