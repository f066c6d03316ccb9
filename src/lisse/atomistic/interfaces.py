"""Coherent Li|X interfaces: 2-D lattice-match (strain/area) search, stacking, registry/gap grids.

Notes
-----
Search: for integer supercells P_A (film, Li) and P_B (substrate, X) of the two surface lattices in
Hermite normal form with determinants up to ``max_cells``, both reduced (Lagrange–Gauss), the 2-D
deformation F = B A^-1 that maps the film supercell onto the substrate supercell is split by polar
decomposition F = R U; the strain is the largest |eigenvalue of U - 1|. Candidates within
``max_strain`` are ranked by total atom count, then strain (Zur & McGill, J. Appl. Phys. 55, 378
(1984), doi:10.1063/1.333084). By default Li (soft, bcc) takes all the strain and X keeps the lattice of
the calculator's relaxed bulk; :func:`strain_on` puts the mismatch on X, or splits it, instead.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np

from lisse.citations import Citation, add, register
from lisse.errors import CalculationError, ParameterError, requires

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ase import Atoms  # ase is imported at run time only inside the functions that need it

__all__ = ["LatticeMatch", "lattice_matches", "forced_match", "strain_on", "STRAIN_SIDES", "check_strain_side", "build_interface", "registry_shifts",
           "MAX_FORCED_CELLS"]

#: Largest number of primitive surface cells in one forced supercell (a 20x20 supercell of a 2.8 A cell is
#: already thousands of atoms per slab).
MAX_FORCED_CELLS = 400

add(Citation("Zur1984", "Zur, McGill", "Lattice match: an application to heteroepitaxy", "J. Appl. Phys. 55, 378", 1984, "10.1063/1.333084"))


def _int_matrix(a: np.ndarray) -> tuple[tuple[int, int], tuple[int, int]]:
    """A 2x2 integer matrix as nested tuples (the rows of a supercell matrix)."""
    return ((int(a[0][0]), int(a[0][1])), (int(a[1][0]), int(a[1][1])))


@dataclass(frozen=True)
class LatticeMatch:
    """One coherent supercell pair (2x2 integer matrices act on the rows of the surface cells).

    Parameters
    ----------
    film_matrix : tuple of tuple of int
        2x2 integer supercell matrix of the film's surface cell (dimensionless).
    substrate_matrix : tuple of tuple of int
        2x2 integer supercell matrix of the substrate's surface cell (dimensionless).
    strain : float
        Largest |principal strain| applied to the film [-] (dimensionless fraction).
    principal_strains : tuple of float
        The two principal strains of the film [-] (dimensionless).
    area_A2 : float
        Interface area [Å2]: the substrate supercell's, or the common cell's when the substrate is strained too.
    n_atoms_per_layer_estimate : float
        Estimated number of atoms of film and substrate per unit of slab thickness (sorting key).
    strain_along : tuple of float
        Film strain along its first and second supercell vector (length change) [-] (dimensionless fractions).
    angle_change_deg : float
        Change of the angle between the film's two supercell vectors [deg] (shear).
    strained : {"film", "substrate", "both"}, default "film"
        Which slab takes the lattice mismatch (:func:`strain_on`): the film (Li, soft; the default), the substrate, or
        both, each strained to the mean of the two supercell cells.
    substrate_strain : float, default 0.0
        Largest |principal strain| applied to the substrate [-] (dimensionless fraction).
    substrate_principal_strains : tuple of float, default (0.0, 0.0)
        The two principal strains of the substrate [-] (dimensionless).
    common_cell : tuple of tuple of float or None, default None
        In-plane cell both slabs are strained onto (rows, x and y [Å]); None: the substrate supercell's own cell.

    References
    ----------
    Zur, McGill, Lattice match: an application to heteroepitaxy, J. Appl. Phys. 55, 378 (1984), doi:10.1063/1.333084.
    """

    film_matrix: tuple[tuple[int, int], tuple[int, int]]
    substrate_matrix: tuple[tuple[int, int], tuple[int, int]]
    strain: float  # max |principal strain| applied to the film (fraction)
    principal_strains: tuple[float, float]
    area_A2: float  # interface area: the substrate supercell's, or the common cell's (strain_on)
    n_atoms_per_layer_estimate: float
    strain_along: tuple[float, float] = (float("nan"), float("nan"))
    angle_change_deg: float = float("nan")
    strained: str = "film"
    substrate_strain: float = 0.0
    substrate_principal_strains: tuple[float, float] = (0.0, 0.0)
    common_cell: tuple[tuple[float, float], tuple[float, float]] | None = None

    @property
    def strain_percent(self) -> float:
        """Largest |principal strain| on the film [%] (the substrate's: ``substrate_strain``)."""
        return 100.0 * self.strain

    @property
    def largest_strain(self) -> float:
        """Largest |principal strain| the construction puts on either slab [-] (dimensionless fraction)."""
        return max(self.strain, self.substrate_strain)


def _deformation(baa: np.ndarray, bb: np.ndarray) -> tuple[float, tuple[float, float], tuple[float, float], float] | None:
    """Strain taking the film supercell basis ``baa`` onto the substrate's ``bb`` (rows, A); None if it inverts.

    Returns (largest |principal strain|, principal strains, strain along each vector, angle change in deg).
    """
    F = np.linalg.solve(baa, bb)  # rows: baa @ F = bb  (row-vector convention)
    if np.linalg.det(F) <= 0:
        return None
    ev = np.sqrt(np.clip(np.linalg.eigvalsh(F @ F.T), 0, None)) - 1.0
    along = np.linalg.norm(bb, axis=1) / np.linalg.norm(baa, axis=1) - 1.0
    ang = lambda b: math.degrees(math.acos(float(np.clip(b[0] @ b[1] / (np.linalg.norm(b[0]) * np.linalg.norm(b[1])), -1, 1))))  # noqa: E731
    return float(np.max(np.abs(ev))), (float(ev[0]), float(ev[1])), (float(along[0]), float(along[1])), ang(bb) - ang(baa)


_ROTATIONS = (((1, 0), (0, 1)), ((0, 1), (-1, 0)), ((-1, 0), (0, -1)), ((0, -1), (1, 0)))  # equivalent film bases (90 deg steps)


def _hnf(det: int):
    for a in range(1, det + 1):
        if det % a:
            continue
        d = det // a
        for b in range(a):
            yield np.array([[a, 0], [b, d]])  # rows: a*v1, b*v1 + d*v2


def _reduce(basis: np.ndarray, tmat: np.ndarray):
    """Lagrange–Gauss reduction of a 2-D basis (rows), tracking the integer transform."""
    b = basis.copy()
    t = tmat.copy()
    for _ in range(200):
        if np.dot(b[0], b[0]) > np.dot(b[1], b[1]) + 1e-9:
            b = b[::-1].copy()
            t = t[::-1].copy()
        mu = round(float(np.dot(b[0], b[1]) / np.dot(b[0], b[0])))
        if mu == 0:
            break
        b[1] -= mu * b[0]
        t[1] -= mu * t[0]
    if b[0, 0] * b[1, 1] - b[0, 1] * b[1, 0] < 0:  # right-handed
        b[1] *= -1
        t[1] *= -1
    return b, t


def lattice_matches(film: Atoms, substrate: Atoms, max_strain: float = 0.05, max_cells: int = 16, max_area: float = 130.0, limit: int = 10,
                    strained: str = "film") -> list[LatticeMatch]:
    """Coherent supercell pairs of two slabs (in-plane cells in xy), best (fewest atoms) first.

    Parameters
    ----------
    film, substrate : ase.Atoms
        Slabs from :func:`lisse.atomistic.slabs.make_slab` (film = Li); cells in Å.
    max_strain : float, default 0.05
        Largest principal strain allowed on either slab [-] (dimensionless fraction, 0 to 0.5).
    max_cells : int, default 16
        Largest supercell determinant tried for each lattice (a count of primitive cells).
    max_area : float, default 130.0
        Largest interface area [Å2] (of the common cell the slabs are strained onto).
    limit : int, default 10
        Number of matches returned at most.
    strained : {"film", "substrate", "both"}, default "film"
        Which slab takes the mismatch (:func:`strain_on`); the limits apply to the cells actually built.

    Returns
    -------
    list of LatticeMatch
        Fewest atoms first, then least strain (the larger of the two slabs').

    Raises
    ------
    ParameterError
        ``max_strain`` or ``max_area`` out of range.
    CalculationError
        No match within the limits.

    References
    ----------
    Zur, McGill, Lattice match: an application to heteroepitaxy, J. Appl. Phys. 55, 378 (1984), doi:10.1063/1.333084.
    """
    if not 0.0 < max_strain <= 0.5:
        raise ParameterError(f"parameter 'max_strain' must be a strain between 0 and 0.5 (50 %); got {max_strain!r}")
    if not 0.0 < max_area < float("inf"):
        raise ParameterError(f"parameter 'max_area' must be a finite area > 0 A^2; got {max_area!r}")
    check_strain_side(strained)
    register("Zur1984")
    # with the mismatch elsewhere the substrate's strain is ~e/(1-e) and the area the film's: search wider, judge after
    search_strain = max_strain if strained == "film" else min(0.5, 2.0 * max_strain)
    search_area = max_area if strained == "film" else max_area * (1.0 + 2.0 * max_strain) ** 2
    A0 = film.cell.array[:2, :2]
    B0 = substrate.cell.array[:2, :2]
    area_a, area_b = abs(np.linalg.det(A0)), abs(np.linalg.det(B0))
    per_area_film = len(film) / area_a
    per_area_sub = len(substrate) / area_b
    out: dict[tuple, LatticeMatch] = {}
    for nb in range(1, max_cells + 1):
        if nb * area_b > search_area:
            break
        for na in range(1, max_cells + 1):
            if abs(na * area_a / (nb * area_b) - 1) > 2.5 * search_strain:
                continue
            for pb in _hnf(nb):
                bb, tb = _reduce(pb @ B0, pb)
                for pa in _hnf(na):
                    ba, ta = _reduce(pa @ A0, pa)
                    # try the equivalent film bases (rotations by 90/180/270 deg of the reduced basis)
                    for rot in _ROTATIONS:
                        r = np.array(rot)
                        baa, taa = r @ ba, r @ ta
                        d = _deformation(baa, bb)
                        if d is None or d[0] > search_strain:
                            continue
                        s = d[0]
                        area = nb * area_b
                        key = (round(area, 3), round(s, 4))
                        m = LatticeMatch(_int_matrix(taa), _int_matrix(tb), s, d[1], float(area), float(area * (per_area_film + per_area_sub)), d[2], d[3])
                        if key not in out or out[key].strain > s:
                            out[key] = m
    res = sorted(out.values(), key=lambda m: (m.n_atoms_per_layer_estimate, m.strain))
    if strained != "film":
        res = [m for m in (strain_on(c, film, substrate, strained) for c in res) if m.largest_strain <= max_strain and m.area_A2 <= max_area]
        res.sort(key=lambda m: (m.n_atoms_per_layer_estimate, m.largest_strain))
    if not res:
        raise CalculationError(f"no coherent match with strain <= {max_strain:.1%} and area <= {max_area} A^2; raise max_strain or max_area")
    return res[:limit]


def _supercell_matrix(spec: object, slab: Atoms, cell: str, name: str) -> np.ndarray:
    """Integer 2x2 supercell matrix (rows) on the slab's own in-plane cell from ``(n, m)`` or a 2x2 matrix on ``cell``."""
    try:
        a = np.array(spec, dtype=float)
    except (TypeError, ValueError):
        a = np.array([])
    if a.shape == (2,):
        a = np.diag(a)
    if a.shape != (2, 2) or not np.all(np.isfinite(a)) or np.any(a != np.round(a)):
        raise ParameterError(f"parameter '{name}' must be two whole numbers (n, m) for an n x m supercell, or a 2x2 integer matrix; got {spec!r}")
    m = a.astype(int)
    if round(np.linalg.det(m)) < 1:
        raise ParameterError(f"parameter '{name}' must be a right-handed supercell (determinant >= 1); got {spec!r}")
    if cell == "conventional":
        base = slab.info.get("conventional_surface_matrix")
        if base is None:
            raise ParameterError(f"cell='conventional' needs a slab from lisse.atomistic.slabs.make_slab (info['conventional_surface_matrix']) for '{name}'; "
                                 "pass cell='slab' to count supercells of the slab's own surface cell")
        m = m @ np.array(base, dtype=int)
    n_cells = round(abs(np.linalg.det(m)))
    if n_cells > MAX_FORCED_CELLS:
        raise ParameterError(f"parameter '{name}' {spec!r} makes {n_cells} surface cells; at most {MAX_FORCED_CELLS} are allowed")
    return m


def forced_match(film: Atoms, substrate: Atoms, film_supercell: object = (4, 4), substrate_supercell: object = (3, 3), *,
                 cell: str = "conventional", turn_film: bool = True) -> LatticeMatch:
    """The supercell pair the user fixed (e.g. Li(001) 4x4 on LiF(001) 3x3), with the strain it puts on the film.

    Instead of searching (:func:`lattice_matches`), the in-plane supercells are given: the film supercell is strained
    onto the substrate supercell (Li takes the strain; :func:`strain_on` moves it); of the four equivalent film bases
    (90 degree steps) the one with the least strain is used. Large strains are allowed but stated: ``strain`` (largest
    principal strain), ``principal_strains``, ``strain_along`` each supercell vector and ``angle_change_deg``.

    With ``cell="conventional"`` (default) ``n x m`` counts cells of each bulk's conventional surface cell (the two
    shortest lattice vectors of the bulk cell lying in the plane; :func:`lisse.atomistic.slabs.conventional_surface_matrix`),
    which is what papers mean by "LiF(001) 3x3" (the 4.03 A square, not the 2.85 A primitive one). With ``cell="slab"``
    it counts cells of the slab's own (primitive) surface cell, like :func:`lattice_matches`.

    Parameters
    ----------
    film : ase.Atoms
        The film (Li) slab from :func:`lisse.atomistic.slabs.make_slab` (Å).
    substrate : ase.Atoms
        The substrate slab from :func:`lisse.atomistic.slabs.make_slab` (Å).
    film_supercell : (int, int) or 2x2 int matrix, default (4, 4)
        Film supercell: ``(n, m)`` multiples (count) of the two surface-cell vectors, or an integer matrix (rows; dimensionless).
    substrate_supercell : (int, int) or 2x2 int matrix, default (3, 3)
        Substrate supercell: ``(n, m)`` multiples (count), or an integer matrix (dimensionless).
    cell : {"conventional", "slab"}, default "conventional"
        Which surface cell the supercells count.
    turn_film : bool, default True
        Try the four 90-degree turns of the film basis and keep the least strained; False keeps ``film_supercell`` as
        given (to rebuild a reported ``film_matrix`` exactly: on a square lattice the four turns strain equally, and
        which one wins then depends on rounding in the lattice constants).

    Returns
    -------
    LatticeMatch
        Matrices on the slabs' own cells (ready for :func:`build_interface`), strains [-], interface area [Å2].

    Raises
    ------
    ParameterError
        A supercell that is not two whole numbers or a right-handed integer matrix, more than :data:`MAX_FORCED_CELLS`
        surface cells, an unknown ``cell``, a slab without the conventional-cell record, or a film that would be
        inverted or strained beyond 50 %.

    References
    ----------
    Ji et al., Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type solid-state batteries, Nat. Commun. 15, 9920 (2024), doi:10.1038/s41467-024-54234-w.
    """
    if cell not in ("conventional", "slab"):
        raise ParameterError(f"parameter 'cell' must be 'conventional' or 'slab'; got {cell!r}")
    register("Ji2025")
    pf = _supercell_matrix(film_supercell, film, cell, "film_supercell")
    ps = _supercell_matrix(substrate_supercell, substrate, cell, "substrate_supercell")
    bb = ps @ substrate.cell.array[:2, :2]
    best = None
    for rot in _ROTATIONS if turn_film else _ROTATIONS[:1]:
        tf = np.array(rot) @ pf
        d = _deformation(tf @ film.cell.array[:2, :2], bb)
        if d is not None and (best is None or d[0] < best[1][0]):
            best = (tf, d)
    if best is None or best[1][0] > 0.5:
        found = "inverts the film" if best is None else f"strains the film {best[1][0]:.0%}"
        raise ParameterError(f"supercells film {film_supercell!r} on substrate {substrate_supercell!r} ({cell} cells) {found}; at most 50 % is allowed")
    tf, (s, principal, along, dang) = best
    area = float(abs(np.linalg.det(bb)))
    n_est = len(film) * abs(np.linalg.det(tf)) + len(substrate) * abs(np.linalg.det(ps))
    return LatticeMatch(_int_matrix(tf), _int_matrix(ps), s, principal, area, float(n_est), along, float(dang))


#: Which slab takes the lattice mismatch (:func:`strain_on`).
STRAIN_SIDES = ("film", "substrate", "both")


def check_strain_side(side: str, name: str = "strained") -> str:
    """``side`` checked against :data:`STRAIN_SIDES` (which slab takes the lattice mismatch).

    Parameters
    ----------
    side : str
        The side asked for: ``"film"``, ``"substrate"`` or ``"both"``.
    name : str
        The parameter's name as the caller knows it (``strained``, ``--strain-on``), used in the error.

    Returns
    -------
    str
        ``side`` unchanged.

    Raises
    ------
    ParameterError
        If ``side`` is not one of :data:`STRAIN_SIDES`.
    """
    if side not in STRAIN_SIDES:
        raise ParameterError(f"parameter '{name}' must be one of {', '.join(STRAIN_SIDES)}; got {side!r}")
    return side


def strain_on(match: LatticeMatch, film: Atoms, substrate: Atoms, side: str = "film") -> LatticeMatch:
    """The same supercell pair with the lattice mismatch put on ``side``: the film, the substrate, or both.

    :func:`lattice_matches` and :func:`forced_match` strain the film (Li) onto the substrate supercell: Li is soft
    (bulk modulus ~12 GPa against ~70 GPa for LiF), and a coherent interface of a thin film is strained that way.
    Published cells are not always built so (the mismatch put on the coating, or split evenly between the two slabs),
    and with a large mismatch, such as Li(001) 4x4 on LiF(001) 3x3 (10-16 % either way, depending on the two lattices),
    the choice changes both slabs' structure. Then: ``"substrate"`` strains the substrate supercell onto the film's;
    ``"both"`` strains each onto the mean of the two in-plane cells (row vectors averaged). In both cases the film's cell
    is first turned into the substrate's orientation by the rotation of the polar decomposition of the film-to-substrate
    map, so that the substrate is stretched, not rotated. W_ad stays a difference of energies computed in the one common
    cell (:func:`build_interface`), so the elastic energy of either slab cancels in it.

    Parameters
    ----------
    match : LatticeMatch
        A film-strained pair from :func:`lattice_matches` or :func:`forced_match` on these slabs.
    film, substrate : ase.Atoms
        The slabs the match was made for (Å).
    side : {"film", "substrate", "both"}, default "film"
        Which slab takes the mismatch.

    Returns
    -------
    LatticeMatch
        ``match`` itself for ``"film"``; otherwise a copy with the film's and the substrate's strains [-], the common
        cell [Å] and its area [Å2].

    Raises
    ------
    ParameterError
        An unknown ``side``, or a match that is already strained another way.
    """
    check_strain_side(side, "side")
    if match.strained != "film":
        raise ParameterError(f"parameter 'match': expected a film-strained match to re-strain; got one strained on {match.strained!r}")
    if side == "film":
        return match
    from scipy.linalg import polar

    baa = np.array(match.film_matrix, dtype=float) @ film.cell.array[:2, :2]
    bb = np.array(match.substrate_matrix, dtype=float) @ substrate.cell.array[:2, :2]
    # the film's cell turned (not strained) into the substrate's orientation: baa @ F = bb, F = rotation x stretch
    film_turned = baa @ polar(np.linalg.solve(baa, bb))[0]
    target = film_turned if side == "substrate" else 0.5 * (film_turned + bb)
    df, ds = _deformation(baa, target), _deformation(bb, target)
    if df is None or ds is None:
        raise ParameterError(f"supercells film {match.film_matrix} on substrate {match.substrate_matrix}: the mean cell inverts a slab")
    if side == "substrate":  # the film is only turned: no strain (not the ~1e-16 of the arithmetic)
        df = (0.0, (0.0, 0.0), (0.0, 0.0), 0.0)
    return replace(match, strain=df[0], principal_strains=df[1], strain_along=df[2], angle_change_deg=df[3], strained=side,
                   substrate_strain=ds[0], substrate_principal_strains=ds[1], area_A2=float(abs(np.linalg.det(target))),
                   common_cell=((float(target[0, 0]), float(target[0, 1])), (float(target[1, 0]), float(target[1, 1]))))


def _supercell(slab, m2):
    from ase.build import make_supercell

    P = np.eye(3, dtype=int)
    P[:2, :2] = np.array(m2, dtype=int)
    s = make_supercell(slab, P, wrap=True)
    s.info = dict(slab.info)
    return s


@requires("ase", "pymatgen", feature="building interfaces")
def build_interface(film: Atoms, substrate: Atoms, match: LatticeMatch, gap: float = 2.5, shift: tuple[float, float] = (0.0, 0.0),
                    vacuum: float = 15.0) -> tuple[Atoms, Atoms, Atoms]:
    """Stack the film (Li) on the substrate (X) slab, both in one in-plane cell (the mismatch on ``match.strained``).

    Returns ``(interface, film_strained, substrate_super)``: the interface cell and the two isolated
    slabs in exactly the same in-plane cell (for W_ad). ``shift`` is a Cartesian in-plane translation
    (A) of the film; ``gap`` the distance (A) between the top substrate plane and the bottom film plane.

    Parameters
    ----------
    film : ase.Atoms
        The film (Li) slab (Å).
    substrate : ase.Atoms
        The substrate (X) slab (Å).
    match : LatticeMatch
        The supercell pair (:func:`lattice_matches`).
    gap : float, default 2.5
        Distance between the top substrate plane and the bottom film plane [Å], > 0.5.
    shift : tuple of float, default (0.0, 0.0)
        Cartesian in-plane translation of the film [Å], in the unstrained substrate's frame (a registry of
        :func:`registry_shifts`); mapped onto the common cell when the substrate is strained too (:func:`strain_on`).
    vacuum : float, default 15.0
        Vacuum thickness along z [Å].

    Returns
    -------
    interface : ase.Atoms
        The interface cell (``info``: ``area_A2``, ``gap_A``, ``shift_A``, strains, atom counts).
    film_strained : ase.Atoms
        The strained film alone, in the same in-plane cell.
    substrate_super : ase.Atoms
        The substrate supercell alone, in the same in-plane cell.

    Raises
    ------
    ParameterError
        ``gap`` <= 0.5 Å.
    MissingDependencyError
        ase or pymatgen is not installed.
    """
    if not math.isfinite(gap) or gap <= 0.5:
        raise ParameterError(f"parameter 'gap' must be > 0.5 A; got {gap!r}")
    sub = _supercell(substrate, match.substrate_matrix)
    fil = _supercell(film, match.film_matrix)
    if match.common_cell is not None:  # the substrate takes (part of) the mismatch (strain_on)
        common = np.zeros((2, 3))
        common[:, :2] = np.array(match.common_cell, dtype=float)
        deform = np.linalg.solve(sub.cell.array[:2, :2], common[:, :2])  # rows: old in-plane cell @ deform = common
        mapped = np.asarray(shift[:2], dtype=float) @ deform  # the same registry on the strained substrate
        shift = (float(mapped[0]), float(mapped[1]))
        _impose_in_plane_cell(sub, common)
    # impose the common (by default the substrate's) in-plane cell on the film, keeping fractional in-plane coordinates
    _impose_in_plane_cell(fil, sub.cell.array[:2])
    from lisse.atomistic.slabs import set_vacuum

    zs, zf = sub.positions[:, 2], fil.positions[:, 2]
    t_sub = zs.max() - zs.min()
    t_fil = zf.max() - zf.min()
    iface = sub.copy()
    iface.positions[:, 2] -= zs.min()
    f2 = fil.copy()
    f2.positions[:, 2] += t_sub + gap - zf.min()
    f2.positions[:, 0] += shift[0]
    f2.positions[:, 1] += shift[1]
    iface += f2
    cell = iface.cell.array.copy()
    cell[2] = [0, 0, t_sub + gap + t_fil + vacuum]
    iface.set_cell(cell, scale_atoms=False)
    iface.wrap(pbc=[True, True, False])
    iface = set_vacuum(iface, vacuum)
    area = float(abs(np.linalg.det(sub.cell.array[:2, :2])))
    iface.info = {"area_A2": area, "gap_A": float(gap), "shift_A": [float(shift[0]), float(shift[1])], "strain": match.strain,
                  "principal_strains": list(match.principal_strains), "n_film": len(fil), "n_substrate": len(sub), "vacuum_A": float(vacuum),
                  "strained_side": match.strained, "substrate_strain": match.substrate_strain}
    fil_s = set_vacuum(fil, vacuum)
    fil_s.info.update({"area_A2": area, "strained": bool(match.strain > 0), "strain": match.strain})
    sub_s = set_vacuum(sub, vacuum)
    sub_s.info.update({"area_A2": area, "substrate_strain": match.substrate_strain})
    return iface, fil_s, sub_s


def _impose_in_plane_cell(slab: Atoms, rows: np.ndarray) -> None:
    """Strain ``slab`` in place onto the in-plane cell ``rows`` (2x3, Å), keeping fractional coordinates; z is untouched."""
    frac = slab.get_scaled_positions(wrap=False)
    cell = slab.cell.array.copy()
    cell[:2] = rows
    slab.set_cell(cell, scale_atoms=False)
    slab.set_scaled_positions(frac)
    slab.wrap(pbc=[True, True, False])


def registry_shifts(substrate: Atoms, n: int = 3) -> list[tuple[float, float]]:
    """In-plane shifts on an n x n grid spanning the substrate's primitive surface cell (Cartesian, A).

    Parameters
    ----------
    substrate : ase.Atoms
        The substrate slab (primitive surface cell, Å).
    n : int, default 3
        Number of grid points per direction.

    Returns
    -------
    list of tuple of float
        ``n * n`` Cartesian in-plane shifts [Å].
    """
    a, b = substrate.cell.array[0, :2], substrate.cell.array[1, :2]
    return [tuple((i / n) * a + (j / n) * b) for i, j in itertools.product(range(n), range(n))]
