"""Slabs with all distinct terminations, an exact number of atomic layers, and vacuum along z.

A slab is built from pymatgen's :class:`~pymatgen.core.surface.SlabGenerator` (one slab per distinct
termination shift), made orthogonal (c along the surface normal), converted to ASE, trimmed to exactly
``layers`` atomic planes counted from the chosen bottom termination, and re-centred in a cell periodic
in all three directions with the requested vacuum. ``ase.build`` surfaces can come back with
``pbc[2] = False``; lisse slabs are always fully periodic (checked by :func:`lisse.atomistic.sanity.check_slab`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lisse.errors import ParameterError, requires

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ase import Atoms  # ase is imported at run time only inside the functions that need it

__all__ = ["layer_planes", "plane_profile", "termination_planes", "same_plane_profile", "terminations", "make_slab", "set_vacuum", "check_miller", "conventional_surface_matrix", "MAX_MILLER_INDEX",
           "MAX_LAYERS"]

#: Largest Miller index and slab thickness (atomic planes) accepted. Surfaces studied for Li interfaces are
#: low-index ((100), (110), (111), (001)); a (7 0 0) or a 40-plane slab is a typo that builds thousands of atoms.
MAX_MILLER_INDEX = 6
MAX_LAYERS = 40


def check_miller(miller: Sequence[int], name: str = "miller") -> tuple[int, int, int]:
    """Three whole Miller indices, not all zero, each within +-:data:`MAX_MILLER_INDEX`.

    Parameters
    ----------
    miller : sequence of int
        (h, k, l), each a Miller index.
    name : str, default "miller"
        Parameter name in messages.

    Returns
    -------
    tuple of int
        (h, k, l) Miller indices.

    Raises
    ------
    ParameterError
        Not three whole numbers, all zero, or an index beyond :data:`MAX_MILLER_INDEX`.
    """
    try:
        hkl = tuple(int(v) for v in miller)
        whole = all(int(v) == v for v in miller)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"parameter '{name}' must be three whole numbers (h, k, l); got {miller!r}") from None
    if len(hkl) != 3 or not whole:
        raise ParameterError(f"parameter '{name}' must be three whole numbers (h, k, l); got {miller!r}")
    if hkl == (0, 0, 0):
        raise ParameterError(f"parameter '{name}' (0, 0, 0) names no plane; give e.g. (1, 0, 0)")
    if max(abs(v) for v in hkl) > MAX_MILLER_INDEX:
        raise ParameterError(f"parameter '{name}' indices must be within ±{MAX_MILLER_INDEX} (low-index surfaces); got {hkl}")
    return hkl


def check_layers(layers: int, name: str = "layers", low: int = 2) -> int:
    """A number of atomic planes in [low, :data:`MAX_LAYERS`]."""
    from lisse.params import check_count

    return check_count(layers, name, low, MAX_LAYERS, "atomic planes of a slab")


#: Covalent bonds that a slab cut must never break (polyanions such as CO3^2-), with max length in A.
_KEEP_BONDS = {("C", "O"): 1.5, ("N", "O"): 1.5, ("P", "O"): 1.8, ("P", "S"): 2.3, ("S", "O"): 1.7, ("S", "C"): 1.9, ("C", "F"): 1.5}


def _group_z(atoms, z: np.ndarray | None = None) -> np.ndarray:
    """z of every atom (``atoms``' Cartesian z, or the heights ``z`` given), a polyanion's atoms (bonded per ``_KEEP_BONDS``) given their centre's."""
    z = atoms.positions[:, 2].copy() if z is None else np.array(z, dtype=float)
    sym = atoms.get_chemical_symbols()
    pairs = {k for k in _KEEP_BONDS if k[0] in sym and k[1] in sym}
    if not pairs:
        return z
    from ase.neighborlist import neighbor_list

    i, j, d = neighbor_list("ijd", atoms, max(_KEEP_BONDS[p] for p in pairs))
    own = z.copy()
    for a, b, dist in zip(i, j, d):
        key = (sym[a], sym[b])
        if key in pairs and dist <= _KEEP_BONDS[key]:
            z[b] = own[a]  # the ligand b follows its centre a
    return z


def _cluster(z: np.ndarray, tol: float) -> list[np.ndarray]:
    """Indices grouped into planes: sorted values closer than ``tol`` in one group, lowest first."""
    order = np.argsort(z)  # the order layer_planes always used (cached jobs record fixed indices in it)
    planes: list[list[int]] = []
    last = None
    for i in order:
        if last is None or z[i] - last > tol:
            planes.append([int(i)])
        else:
            planes[-1].append(int(i))
        last = z[i]
    return [np.array(p) for p in planes]


def plane_profile(slab: Atoms, tol: float = 0.3) -> list[dict]:
    """The planes of a slab from the top (the side that faces the film): composition and depth as a fraction of the slab.

    A termination's identity that does not depend on the lattice constant: pymatgen's order of a surface's terminations
    changes when the bulk is scaled by a part in a million, so the index of a record written before lisse ordered the
    terminations itself (:func:`terminations`) does not say which termination was built on another lattice (review s52).

    Parameters
    ----------
    slab : ase.Atoms
        The slab (Å).
    tol : float, default 0.3
        Largest z spacing within one plane [Å] (:func:`layer_planes`).

    Returns
    -------
    list of dict
        Per plane, top first: ``composition`` (empirical formula of its atoms) and ``depth_fraction`` (its depth below
        the top plane over the slab's thickness, 0 to 1; dimensionless).
    """
    from ase import Atoms

    planes = layer_planes(slab, tol)
    z = _group_z(slab)
    zs = [float(z[p].mean()) for p in planes]
    thick = max(zs[-1] - zs[0], 1e-12)
    sym = slab.get_chemical_symbols()
    out = []
    for p, zp in zip(reversed(planes), reversed(zs)):
        out.append({"composition": Atoms([sym[i] for i in p]).get_chemical_formula(empirical=True),  # any supercell of the slab alike
                    "depth_fraction": round((zs[-1] - zp) / thick, 4)})
    return out


def same_plane_profile(a: list[dict], b: list[dict], tol: float = 0.02) -> bool:
    """Whether two :func:`plane_profile` lists describe the same termination (compositions equal, depths within ``tol``).

    Parameters
    ----------
    a, b : list of dict
        Plane profiles, top first.
    tol : float, default 0.02
        Largest difference of a plane's depth fraction (dimensionless).

    Returns
    -------
    bool
        True when every plane matches.
    """
    return len(a) == len(b) and all(x["composition"] == y["composition"] and abs(x["depth_fraction"] - y["depth_fraction"]) <= tol
                                     for x, y in zip(a, b))


def layer_planes(atoms: Atoms, tol: float = 0.3) -> list[np.ndarray]:
    """Group atom indices into planes by Cartesian z (clusters closer than ``tol`` A), bottom first.

    Atoms of a polyanion (e.g. the O of CO3) are assigned to the plane of their centre atom, so a slab
    trimmed plane by plane never breaks those bonds.

    Parameters
    ----------
    atoms : ase.Atoms
        The slab (Å).
    tol : float, default 0.3
        Largest z spacing within one plane [Å].

    Returns
    -------
    list of numpy.ndarray
        Atom indices of each plane, bottom first.
    """
    return _cluster(_group_z(atoms), tol)


def set_vacuum(atoms: Atoms, vacuum: float) -> Atoms:
    """Return a copy with c set along z so that ``vacuum`` A separates periodic images; pbc all True.

    Parameters
    ----------
    atoms : ase.Atoms
        The slab (in-plane vectors in xy; Å).
    vacuum : float
        Vacuum thickness [Å].

    Returns
    -------
    ase.Atoms
        A copy, periodic in x, y and z.

    Raises
    ------
    ParameterError
        The in-plane vectors do not lie in the xy plane.
    """
    a = atoms.copy()
    z = a.positions[:, 2]
    thick = float(z.max() - z.min())
    cell = a.cell.array.copy()
    if abs(cell[0, 2]) > 1e-6 or abs(cell[1, 2]) > 1e-6:
        raise ParameterError("slab in-plane vectors must lie in the xy plane")
    cell[2] = [0.0, 0.0, thick + vacuum]
    a.set_cell(cell, scale_atoms=False)
    a.positions[:, 2] += vacuum / 2.0 - z.min()
    a.pbc = True
    a.wrap(pbc=[True, True, False])
    return a


def _gauss_reduce(v: np.ndarray) -> np.ndarray:
    """Lagrange-Gauss reduced, right-handed basis of the 2-D lattice spanned by the rows of ``v`` (same orientation)."""
    b = np.array(v, dtype=float)
    sign = np.sign(b[0, 0] * b[1, 1] - b[0, 1] * b[1, 0])
    for _ in range(200):
        if b[0] @ b[0] > b[1] @ b[1] + 1e-9:
            b = b[::-1].copy()
        mu = round(float(b[0] @ b[1] / (b[0] @ b[0])))
        if mu == 0:
            break
        b[1] -= mu * b[0]
    if np.sign(b[0, 0] * b[1, 1] - b[0, 1] * b[1, 0]) != sign:
        b[1] *= -1
    return b


def _plane_vectors(bulk_atoms: Atoms, miller: Sequence[int]) -> np.ndarray:
    """The two shortest independent lattice vectors of the bulk cell lying in the (hkl) plane, Gauss-reduced (rows, Å)."""
    h, k, ll = miller
    cell = bulk_atoms.cell.array
    rng = range(-6, 7)
    vecs = [np.array([u, v, w]) @ cell for u in rng for v in rng for w in rng if (u, v, w) != (0, 0, 0) and h * u + k * v + ll * w == 0]
    vecs.sort(key=lambda r: float(r @ r))
    r1 = vecs[0]
    r2 = next(r for r in vecs if np.linalg.norm(np.cross(r1, r)) > 1e-6 * float(r1 @ r1))
    for _ in range(100):  # Lagrange-Gauss reduction
        if r1 @ r1 > r2 @ r2 + 1e-9:
            r1, r2 = r2, r1
        mu = round(float(r1 @ r2 / (r1 @ r1)))
        if mu == 0:
            break
        r2 = r2 - mu * r1
    return np.array([r1, r2])


def conventional_surface_matrix(bulk_atoms: Atoms, miller: Sequence[int], slab: Atoms) -> tuple[tuple[int, int], tuple[int, int]]:
    """Integer 2x2 matrix M whose rows, applied to the slab's in-plane cell, give the bulk cell's own surface cell.

    The bulk cell's surface cell is spanned by the two shortest (Gauss-reduced) lattice vectors of the *given* bulk
    cell lying in the (hkl) plane: for a conventional cubic cell and (001) the a x a square, which is what papers mean
    by "LiF(001) 3x3"; the slab's cell (pymatgen, ``primitive=True``) may be smaller (LiF(001): the a/sqrt(2) square).
    M is found by matching lengths and angle (the metric) among integer combinations of the slab's in-plane vectors,
    right-handed; a metrically equivalent choice gives the same strains. Where the reduced basis is left-handed seen
    from the slab's normal (an oblique plane without a mirror: monoclinic Li2CO3(110)), its second vector is reversed,
    a basis of the same surface cell.

    Parameters
    ----------
    bulk_atoms : ase.Atoms
        The bulk cell the slab was cut from (Å); its cell defines the Miller indices and the surface cell.
    miller : sequence of int
        (h, k, l) Miller indices with respect to ``bulk_atoms``' cell.
    slab : ase.Atoms
        The slab (in-plane vectors in xy, Å).

    Returns
    -------
    tuple of tuple of int
        M (rows; dimensionless integers), det M = (bulk surface-cell area) / (slab surface-cell area), a whole number >= 1.

    Raises
    ------
    ParameterError
        No integer combination of the slab's in-plane vectors reproduces the bulk cell's surface cell (the slab was
        not cut from this bulk cell along ``miller``).
    """
    miller = check_miller(miller)
    conv = _plane_vectors(bulk_atoms, miller)
    g11, g22, g12 = float(conv[0] @ conv[0]), float(conv[1] @ conv[1]), float(conv[0] @ conv[1])
    S = slab.cell.array[:2, :2]
    tol = 1e-3 * g11
    rng = range(-8, 9)
    pairs = sorted(((i, j) for i in rng for j in rng if (i, j) != (0, 0)), key=lambda p: (abs(p[0]) + abs(p[1]), -p[0], -p[1]))
    cands = [(np.array(p), np.array(p) @ S) for p in pairs]  # simplest (and positive) combinations first
    first = [(t, v) for t, v in cands if abs(float(v @ v) - g11) < tol]
    second = [(t, v) for t, v in cands if abs(float(v @ v) - g22) < tol]
    for dot in (g12, -g12):  # (conv[0], conv[1]), else (conv[0], -conv[1]): one surface cell, either handedness
        for t1, v1 in first:
            for t2, v2 in second:
                if abs(float(v1 @ v2) - dot) < tol and v1[0] * v2[1] - v1[1] * v2[0] > 1e-9:
                    return ((int(t1[0]), int(t1[1])), (int(t2[0]), int(t2[1])))
    raise ParameterError(f"the {tuple(miller)} surface cell of the bulk cell ({np.sqrt(g11):.3f} x {np.sqrt(g22):.3f} A) is not a supercell of "
                         "this slab's in-plane cell: was the slab cut from this bulk along these Miller indices?")


def _pmg_slabs(bulk_atoms, miller: Sequence[int], thickness: float):
    """The distinct terminations of the ``miller`` surface as pymatgen slabs, in lisse's order."""
    return _distinct_terminations(_every_cut(bulk_atoms, miller, thickness))


def _every_cut(bulk_atoms, miller: Sequence[int], thickness: float):
    """pymatgen's slab at every termination shift, symmetry-equivalent ones included (CO3 bonds kept)."""
    from pymatgen.core.surface import SlabGenerator
    from pymatgen.io.ase import AseAtomsAdaptor

    s = AseAtomsAdaptor.get_structure(bulk_atoms)
    gen = SlabGenerator(s, tuple(int(m) for m in miller), min_slab_size=thickness, min_vacuum_size=10.0, center_slab=True,
                        in_unit_planes=False, primitive=True, max_normal_search=max(abs(int(m)) for m in miller) + 1, reorient_lattice=True)
    present = {el.symbol for el in s.composition.elements}
    # keys typed as pymatgen's (Species | Element | str) pairs: a dict is invariant in its key type
    bonds: dict[tuple[Any, Any], float] = {k: v for k, v in _KEEP_BONDS.items() if k[0] in present and k[1] in present}
    # every cut, pymatgen's symmetry filter off: it keeps the first slab of each group in its input order, which changes
    # where a cut wraps between shift 0 and 1 with the lattice (Li2CO3(001)'s mirror-faced cut at 0.985 of the
    # experimental lattice); _distinct_terminations keeps the smallest shift in [0, 1) instead
    return gen.get_slabs(symmetrize=False, bonds=bonds or None, filter_out_sym_slabs=False)


#: Heights closer than this (fraction of the repeat distance) are one height when listing and ordering atoms: a
#: uniform scaling of the lattice leaves every fractional height unchanged, to floating-point noise (~1e-12).
_SAME_HEIGHT = 1e-6


def _distinct_terminations(slabs: list[Any]) -> list[Any]:
    """One slab per group of symmetry-equivalent terminations, the groups in lisse's order.

    The groups are pymatgen's (``StructureMatcher(ltol=0.1, stol=0.1, primitive_cell=False, scale=False)``, what
    ``SlabGenerator.get_slabs`` filters them with). Of each group the cut with the smallest shift in [0, 1) is kept
    (:func:`_wrapped_shift`: pymatgen's choice, whatever its input order and wherever a cut wraps between 0 and 1),
    and the kept slabs are listed in lisse's order (:func:`_order_key`). Both are fractional, so the slab kept and its
    index are the same on a uniform scaling of the lattice that keeps pymatgen's cuts (its planes grouped within
    0.1 Å). A group can hold a slab and its flipped image (the other face at the bottom): which one is kept follows
    the shift, so a bulk file with another origin can list the flipped one; the listed planes say which.
    """
    from pymatgen.analysis.structure_matcher import StructureMatcher

    if len(slabs) <= 1:
        return list(slabs)
    groups = StructureMatcher(ltol=0.1, stol=0.1, primitive_cell=False, scale=False).group_structures(slabs)
    kept = [min(group, key=_wrapped_shift) for group in groups]
    order = {id(sl): _order_key(sl) for sl in kept}
    return sorted(kept, key=lambda sl: order[id(sl)])


def _order_key(pmg_slab: Any) -> tuple:
    """lisse's order of one termination (pymatgen slab) as a sortable tuple (:func:`_order_tuple`)."""
    key = _termination_key(pmg_slab)
    return _order_tuple(key, _wrapped_shift(pmg_slab))


def _order_tuple(key: list[tuple[str, float]], shift: float) -> tuple:
    """lisse's termination order as a tuple: mirror-faced first, then elements from the bottom, then heights, then shift.

    Terminations whose faces are mirror images for a slab of whole repeats (:func:`_same_planes_both_faces`) come
    first, then the elements of their atoms from the bottom (:func:`_termination_key`), then the atoms' fractional
    heights and pymatgen's shift (:func:`_wrapped_shift`), both in whole multiples of ``_SAME_HEIGHT``: plain tuple
    comparison, so a total order. The shift decides only between cuts with the same atoms at the same heights (one
    termination translated in the plane). Every entry is a fractional coordinate, unchanged by a uniform scaling.

    Parameters
    ----------
    key : list of (str, float)
        :func:`_termination_key` (element, height as a fraction of the repeat distance, dimensionless).
    shift : float
        The cut's shift in [0, 1) (fraction of the repeat, dimensionless).

    Returns
    -------
    tuple
        ``(not mirror-faced, elements, heights as multiples of 1e-6, shift as a multiple of 1e-6)``.
    """
    return (not _same_planes_both_faces(key), tuple(e for e, _ in key), tuple(round(h / _SAME_HEIGHT) for _, h in key),
            round(shift / _SAME_HEIGHT))


def _wrapped_shift(pmg_slab: Any) -> float:
    """pymatgen's termination shift in [0, 1), with 1 - 1e-6 and above as 0 (the same cut of the periodic cell)."""
    s = float(pmg_slab.shift) % 1.0
    return 0.0 if s > 1.0 - _SAME_HEIGHT else s


#: Largest difference of an atom's fractional height from its mirror image's (fraction of the repeat distance) for a
#: termination to have the same planes on both faces. On the eight surfaces of the shipped cells tested
#: (tests/atomistic/test_build.py) the mirror-faced terminations agree to 1e-15 and the others differ by 0.06 of the
#: repeat or more (Li9Al4(100)); 1e-3 admits a file's rounded coordinates (pymatgen's own check allows 0.1 Å). A
#: fraction of the repeat, not Å, so the verdict is the same on any uniform scaling of the lattice.
_MIRROR_TOL = 1e-3


def _same_planes_both_faces(key: list[tuple[str, float]]) -> bool:
    """Whether a slab of whole repeats of this termination (:func:`_termination_key`) has mirror-image faces.

    A slab of n repeats holds the atoms at h + k (k = 0..n-1); mirroring it through its middle maps h + k to
    (lo + hi - h) + (n - 1 - k), with lo and hi the lowest and highest h. So the faces are mirror images (in the
    heights of each element's atoms; in-plane positions are not compared) when, element by element, the heights
    equal lo + hi - h within ``_MIRROR_TOL``.
    """
    h = np.array([x for _, x in key])
    lo, hi = float(h.min()), float(h.max())
    for el in {e for e, _ in key}:
        mine = np.sort([x for e, x in key if e == el])
        if np.abs(mine - np.sort(lo + hi - mine)).max() > _MIRROR_TOL:
            return False
    return True


def _ouc_heights(pmg_slab: Any) -> tuple[Any, np.ndarray, float]:
    """Oriented unit cell of ``pmg_slab`` (ase), each atom's height above the termination's cut [Å] (a polyanion's
    atoms at their centre's), and the repeat distance along the normal [Å]."""
    from pymatgen.io.ase import AseAtomsAdaptor

    ouc = AseAtomsAdaptor.get_atoms(pmg_slab.oriented_unit_cell)
    cell = ouc.cell.array
    repeat = abs(float(np.linalg.det(cell))) / float(np.linalg.norm(np.cross(cell[0], cell[1])))  # d along the normal [A]
    frac_c = ouc.get_scaled_positions(wrap=False)[:, 2]
    return ouc, _group_z(ouc, ((frac_c - float(pmg_slab.shift)) % 1.0) * repeat), repeat


def _termination_key(pmg_slab: Any) -> list[tuple[str, float]]:
    """Every atom of one repeat of a termination, from its bottom: (element, height as a fraction of the repeat).

    The fractional height of an atom is its fractional coordinate along the oriented cell's third vector, so the key
    is the same on a uniform scaling of the lattice with the atoms at their fractional positions (the workflows' bulk,
    the experimental cell scaled to the calculator's volume); no plane grouping in Å enters it, only the polyanion
    bonds (``_KEEP_BONDS``, Å) that give a ligand its centre's height. A bulk relaxed with its internal coordinates free
    (a user's relaxed CIF) moves fractional heights, and can change the order where two terminations' atoms differ in
    height by little. Atoms at one height are listed by element."""
    ouc, z, repeat = _ouc_heights(pmg_slab)
    h = z / repeat
    sym = ouc.get_chemical_symbols()
    order = sorted(range(len(h)), key=lambda i: h[i])
    groups: list[list[int]] = []
    for i in order:  # runs of one height, each run by element
        if groups and h[i] - h[groups[-1][-1]] < _SAME_HEIGHT:
            groups[-1].append(i)
        else:
            groups.append([i])
    return [(sym[i], float(h[i])) for g in groups for i in sorted(g, key=lambda i: sym[i])]


def termination_planes(pmg_slab: Any, tol: float = 0.3) -> list[tuple[str, float]]:
    """The planes of one repeat of a termination, from its bottom: composition and height (fraction of the repeat).

    Computed on the oriented unit cell of a pymatgen slab, cut at its termination shift, so it does not depend on the
    slab's thickness. It describes a termination (``lisse atomistic terminations`` lists it); the order of the
    terminations is lisse's own, by every atom's fractional height (not by these planes, whose grouping within ``tol``
    Å can change with the lattice constant where two planes are ~0.3 Å apart, as in Li9Al4(001)). pymatgen's order
    changes with the lattice constant (for Li2CO3(001), 23 of 61 scalings between 0.97 and 1.03 swap the two), so
    ``termination=K`` on a calculator's relaxed lattice could build another termination than on the experimental one;
    in lisse's order K is the same termination on a uniform scaling of the lattice (atoms at fixed fractional
    positions: the workflows scale the experimental cell to the calculator's volume) that keeps pymatgen's cuts.

    Parameters
    ----------
    pmg_slab : pymatgen.core.surface.Slab
        One of ``SlabGenerator.get_slabs``' slabs (its ``oriented_unit_cell`` and ``shift`` are used).
    tol : float, default 0.3
        Largest spacing within one plane [Å] (:func:`layer_planes`).

    Returns
    -------
    list of tuple
        Per plane, bottom first: (empirical composition, height above the cut as a fraction of the repeat distance,
        dimensionless, 3 decimals). A polyanion's atoms (CO3) count in their centre's plane.
    """
    from ase import Atoms

    ouc, z, repeat = _ouc_heights(pmg_slab)
    sym = ouc.get_chemical_symbols()
    return [(Atoms([sym[i] for i in p]).get_chemical_formula(empirical=True), round(float(z[p].mean()) / repeat, 3))
            for p in _cluster(z, tol)]


@requires("ase", "pymatgen", feature="building slabs")
def terminations(bulk_atoms: Atoms, miller: Sequence[int]) -> list[dict]:
    """List the distinct terminations of the ``miller`` surface: index, bottom-plane composition, shift, symmetry, polarity.

    The terminations are pymatgen's cuts (``SlabGenerator.get_slabs``; bonds of polyanions such as CO3 never
    broken), one per group of symmetry-equivalent cuts (:func:`_distinct_terminations`: the smallest shift; a group
    can hold a slab and its flipped image); each is flagged symmetric (pymatgen: top and bottom equivalent), mirror-
    faced (lisse's check on fractional heights, which orders them) and polar (a dipole across the slab), the filters
    to apply before computing a surface or interface energy. The index is what ``make_slab(..., termination=K)`` and
    ``lisse wetting --termination K`` select. The order is lisse's: mirror-faced terminations first (for a slab of
    whole repeats, the slab a surface energy needs; ``make_slab`` counts planes, so check the built slab's
    ``symmetric_planes``), then by every atom's fractional height (not pymatgen's order, which changes with the
    lattice constant), so K names the same termination on the experimental lattice listed here and on the lattice a
    workflow relaxes it to (the experimental cell scaled to the calculator's volume, keeping pymatgen's cuts).

    Parameters
    ----------
    bulk_atoms : ase.Atoms
        The bulk cell (Å).
    miller : sequence of int
        (h, k, l) Miller indices.

    Returns
    -------
    list of dict
        ``termination`` (index), ``shift`` (pymatgen's fractional shift in [0, 1), dimensionless), ``bottom_plane``
        (composition), ``planes`` (one repeat from the bottom: ``composition`` and ``height_fraction`` of the repeat
        distance, :func:`termination_planes`), ``symmetric`` (pymatgen's), ``mirror_faced`` (lisse's, which orders
        them) and ``polar`` (bool: a dipole across the ~10 Å slab listed, with the oxidation states pymatgen guesses
        for the bulk's composition; None where it guesses none, e.g. the intermetallic Li9Al4).

    Raises
    ------
    ParameterError
        ``miller`` is not three whole indices, not all zero (:func:`check_miller`).
    MissingDependencyError
        ase or pymatgen is not installed.
    """
    miller = check_miller(miller)  # (0, 0, 0) divided by zero inside pymatgen (review s40)
    out = []
    oxidation = _oxidation_states(bulk_atoms)
    for i, sl in enumerate(_pmg_slabs(bulk_atoms, miller, 10.0)):
        out.append({"termination": i, "shift": _wrapped_shift(sl), "bottom_plane": _bottom_composition(sl),
                    "mirror_faced": _same_planes_both_faces(_termination_key(sl)),
                    "planes": [{"composition": c, "height_fraction": h} for c, h in termination_planes(sl)],
                    "symmetric": bool(sl.is_symmetric()), "polar": _is_polar(sl, oxidation)})
    return out


def _oxidation_states(bulk_atoms: Atoms) -> dict[str, float] | None:
    """pymatgen's most likely oxidation state of each element of ``bulk_atoms``' composition (None: no guess)."""
    from pymatgen.core import Composition

    guesses = Composition(bulk_atoms.get_chemical_formula(empirical=True)).oxi_state_guesses()
    return {str(k): float(v) for k, v in guesses[0].items()} if guesses else None


def _is_polar(pmg_slab: Any, oxidation: dict[str, float] | None) -> bool | None:
    """Whether the slab has a dipole across it (pymatgen's ``Slab.is_polar``, on a copy given ``oxidation``)."""
    if oxidation is None:
        return None
    charged = pmg_slab.copy()
    charged.add_oxidation_state_by_element(oxidation)
    return bool(charged.is_polar())  # without oxidation states every charge is 0 and every slab "non-polar"


def _bottom_composition(pmg_slab) -> str:
    from pymatgen.io.ase import AseAtomsAdaptor

    a = AseAtomsAdaptor.get_atoms(pmg_slab.get_orthogonal_c_slab())
    a.wrap()
    planes = layer_planes(_unwrap_slab(a))
    sym = np.array(a.get_chemical_symbols())
    u, c = np.unique(sym[planes[0]], return_counts=True)
    return "".join(f"{x}{n}" for x, n in zip(u, c))


def _unwrap_slab(a):
    """Shift atoms so that the vacuum gap is at the cell boundary (no slab split across z)."""
    a = a.copy()
    frac = a.get_scaled_positions(wrap=True)
    zs = np.sort(frac[:, 2])
    gaps = np.diff(np.concatenate([zs, [zs[0] + 1.0]]))
    k = int(np.argmax(gaps))
    cut = (zs[k] + gaps[k] / 2.0) % 1.0
    frac[:, 2] = (frac[:, 2] - cut) % 1.0
    a.set_scaled_positions(frac)
    return a


@requires("ase", "pymatgen", feature="building slabs")
def make_slab(bulk_atoms: Atoms, miller: Sequence[int], layers: int, vacuum: float = 15.0, termination: int = 0) -> Atoms:
    """Slab of exactly ``layers`` atomic planes of the ``miller`` surface with ``vacuum`` A of vacuum.

    Parameters
    ----------
    bulk_atoms : ase.Atoms
        Bulk cell (relax it with the same calculator first).
    miller : (h, k, l)
        The surface's Miller indices.
    layers : int
        Number of atomic planes (>= 2).
    vacuum : float, default 15.0
        Vacuum thickness [Å] (must exceed the calculator cutoff; see :mod:`lisse.atomistic.sanity`).
    termination : int
        Index into :func:`terminations` (lisse's order, the same termination on a uniform scaling of the lattice
        with the atoms at their fractional positions).

    Returns
    -------
    ase.Atoms
        ``info`` holds miller, layers, termination, n_terminations (how many distinct ones the plane has), area_A2,
        stoichiometric, symmetric_planes.

    Raises
    ------
    ParameterError
        Bad Miller indices, layer count or termination, fewer planes than asked for, or a surface with no termination
        that keeps its polyanions whole (Li2CO3(111)).
    MissingDependencyError
        ase or pymatgen is not installed.
    """
    from pymatgen.io.ase import AseAtomsAdaptor

    miller = check_miller(miller)
    layers = check_layers(layers)
    d_est = abs(bulk_atoms.cell.volume) ** (1 / 3) / max(1, len(bulk_atoms)) ** (1 / 3)
    slabs = _pmg_slabs(bulk_atoms, miller, thickness=(layers + 2) * max(d_est, 1.0) * 2.0)
    if not slabs:
        raise ParameterError(f"the {tuple(miller)} surface of {bulk_atoms.info.get('material', bulk_atoms.get_chemical_formula())} has no termination: every cut "
                             "breaks a polyanion's bonds (C-O, P-S, ...), which lisse keeps whole; choose other Miller indices")
    if not 0 <= termination < len(slabs):
        raise ParameterError(f"parameter 'termination' must be in 0..{len(slabs) - 1} for {tuple(miller)}; got {termination!r}")
    pslab = slabs[termination].get_orthogonal_c_slab()
    a = _unwrap_slab(AseAtomsAdaptor.get_atoms(pslab))
    a.positions[:, 2] -= a.positions[:, 2].min()
    planes = layer_planes(a)
    if len(planes) < layers:
        raise ParameterError(f"could only build {len(planes)} planes for {tuple(miller)}; asked for {layers}")
    keep = np.concatenate(planes[:layers])
    a = a[np.sort(keep)]
    # make the in-plane cell lie in xy (reorient_lattice does this; enforce exactly)
    cell = a.cell.array.copy()
    cell[0, 2] = cell[1, 2] = 0.0
    cell[:2] = _gauss_reduce(cell[:2])  # the same lattice, angle within 60-120 deg (DFT grids/LCAO need it)
    a.set_cell(cell, scale_atoms=False)
    a.wrap(pbc=[True, True, False])
    a = set_vacuum(a, vacuum)
    sym = np.array(a.get_chemical_symbols())
    pl = layer_planes(a)
    comp = lambda idx: tuple(sorted(zip(*np.unique(sym[idx], return_counts=True))))  # noqa: E731
    bulk_counts = dict(zip(*np.unique(bulk_atoms.get_chemical_symbols(), return_counts=True)))
    counts = dict(zip(*np.unique(sym, return_counts=True)))
    ratios = {k: counts.get(k, 0) / v for k, v in bulk_counts.items()}
    stoich = len(set(np.round(list(ratios.values()), 9))) == 1 and set(counts) <= set(bulk_counts)
    n_units = min(ratios.values()) * bulk_atoms.info.get("formula_units", 1) / 1.0
    a.info.update(
        {
            "miller": [int(m) for m in miller],
            "layers": int(layers),
            "termination": int(termination),
            "n_terminations": len(slabs),
            "area_A2": float(np.linalg.norm(np.cross(a.cell[0], a.cell[1]))),
            "stoichiometric": bool(stoich),
            "symmetric_planes": comp(pl[0]) == comp(pl[-1]),
            "formula_units": float(n_units),
            "material": bulk_atoms.info.get("material", a.get_chemical_formula()),
            "vacuum_A": float(vacuum),
            "conventional_surface_matrix": [list(r) for r in conventional_surface_matrix(bulk_atoms, miller, a)],
        }
    )
    return a
