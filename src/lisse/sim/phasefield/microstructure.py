"""Three-phase microstructures of a Li | interlayer | electrolyte stack, in 2D and 3D.

A :class:`Microstructure` holds, on a regular grid with axis 0 the growth axis (Li at small index):

* ``li0`` — the initial Li phase field ζ (1 in the Li anode slab, a tanh profile at its top);
* ``solid`` — a smooth indicator in [0, 1] of the interlayer *solid* (LNI particles, CNT fibres, ...);
* the *pores* of the interlayer are what is neither Li, solid nor electrolyte: **empty** (no ionic or
  electronic conduction; Li can only enter them by growing);
* ``electrolyte`` — boolean mask of the dense solid electrolyte beyond the layer;
* ``sigma_ion``, ``sigma_e`` — per-cell ionic and electronic conductivity [S/m] of the solid that
  occupies the cell (in the electrolyte band: the electrolyte's), so graded, two-layer and fibre
  (electronic phase inside an ionic matrix) interlayers are all one field pair. They are *not*
  multiplied by ``solid``: the solver weights them by the local solid fraction.

Generators (seeded, reproducible, size-bounded by :data:`MAX_CELLS`):

* :func:`particle_packing` — overlapping spheres/discs (Boolean model) or random sequential addition
  (RSA, non-overlapping) to a target porosity and particle size;
* :func:`fibre_network` — random straight or curved fibres (CNT-like) of a given diameter and volume
  fraction, an electronic phase inside an ionic matrix (itself a packing, or dense);
* :func:`graded_layer` — porosity and conductivities varying with depth (linear gradient or two layers).

Every generator reports the achieved porosity and the pore-size distribution of the layer from a
distance transform (:func:`pore_size_distribution`, the continuous PSD of Münch & Holzer 2008).

References
----------
Torquato, Random Heterogeneous Materials, Springer (2002), ch. 3 and 5: Boolean model (overlapping
spheres) porosity ε = exp(−n V) for Poisson centres of number density n and sphere volume V; RSA
jamming coverage 0.547 (discs) and 0.384 (spheres).
B. Münch, L. Holzer, Contradicting geometrical concepts in pore size analysis attained with electron
microscopy and mercury intrusion, J. Am. Ceram. Soc. 91, 4059-4067 (2008), doi:10.1111/j.1551-2916.2008.02736.x
(continuous pore size distribution by morphological opening).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lisse.citations import Citation, add
from lisse.errors import ParameterError
from lisse.params import check_count, check_positive
from lisse.records.display import compact_repr
from lisse.units import quantity_args

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lisse._typing import QuantityLike

__all__ = [
    "MAX_CELLS",
    "MAX_PARTICLES",
    "Microstructure",
    "particle_packing",
    "fibre_network",
    "graded_layer",
    "pore_size_distribution",
    "spans",
    "CNT_SIGMA_E",
]

#: Largest grid (cells) a generator builds: 2048² in 2D or 160³ in 3D (~4.2e6 cells, the phase-field
#: solver's own limit; ~25 float64 solver fields of this size take ~0.8 GB).
MAX_CELLS = 2048 * 2048
#: Most particles or fibre segments painted (each is a local loop over its bounding box).
MAX_PARTICLES = 200_000

#: Electronic conductivity of a CNT bundle [S/m]: assumed 1e4 S/m (multi-wall CNT films and bundles are
#: 1e3-1e5 S/m; only its being >> the matrix's matters for where electrons reach).
CNT_SIGMA_E = 1.0e4
#: Electronic conductivity assumed for an electron-blocking solid (LNI, the dense electrolyte) [S/m]:
#: 1e-8 S/m (≈ 1e-10 S/cm, the order of LiF's [Ji2025]); assumed, no measured LNI value in [Wang2024].
_BLOCKING_SIGMA_E = 1.0e-8

TORQUATO2002 = add(Citation("Torquato2002", "S. Torquato", "Random Heterogeneous Materials: Microstructure and Macroscopic Properties",
                            "Springer, New York", 2002, "10.1007/978-1-4757-6355-3"))
MUNCH2008 = add(Citation("Munch2008", "B. Münch, L. Holzer",
                         "Contradicting geometrical concepts in pore size analysis attained with electron microscopy and mercury intrusion",
                         "J. Am. Ceram. Soc. 91, 4059-4067", 2008, "10.1111/j.1551-2916.2008.02736.x"))


@compact_repr
@dataclass(frozen=True)
class Microstructure:
    """Li anode slab, interlayer solid with empty pores, and dense electrolyte on one grid (axis 0 = growth).

    Parameters
    ----------
    dx : float
        Grid spacing [m] (cubic cells).
    solid : numpy.ndarray of float
        Smooth indicator of the interlayer solid in [0, 1] (dimensionless), shape (ny, nx) or (ny, nx, nz).
    electrolyte : numpy.ndarray of bool
        Dense electrolyte cells (beyond the layer), same shape.
    li0 : numpy.ndarray of float
        Initial Li phase field ζ in [0, 1] (dimensionless): the Li anode slab.
    sigma_ion : numpy.ndarray of float
        Ionic conductivity of the solid occupying each cell [S m-1] (electrolyte cells: the electrolyte's).
    sigma_e : numpy.ndarray of float
        Electronic conductivity of the solid occupying each cell [S m-1].
    pore_size : float
        Characteristic pore diameter of the layer [m]: the median (d50) of the continuous pore-size
        distribution (:func:`pore_size_distribution`); NaN without pores.
    layer_bottom, layer_top : float
        Extent of the interlayer along axis 0 [m] (cell centres at (j + ½) dx).
    porosity : float
        Achieved pore fraction of the layer band from the sharp solid (solid ≥ ½) [-].
    kind : str
        "particles", "fibres", "graded" or "two-layer".
    axis : int, default 0
        Index of the growth axis (always 0).
    electronic : numpy.ndarray of bool, optional
        Resolved electronic sub-phase (fibres) of the solid, or None.
    info : dict
        Generator report: targets, achieved values, counts, ``psd_diameter_m`` / ``psd_fraction``.
    """

    dx: float
    solid: np.ndarray
    electrolyte: np.ndarray
    li0: np.ndarray
    sigma_ion: np.ndarray
    sigma_e: np.ndarray
    pore_size: float
    layer_bottom: float
    layer_top: float
    porosity: float
    kind: str
    axis: int = 0
    electronic: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape (cells), axis 0 the growth axis."""
        return tuple(self.solid.shape)

    @property
    def pore(self) -> np.ndarray:
        """Empty-pore fraction 1 − ζ₀ − solid − electrolyte, clipped to [0, 1] (dimensionless).

        Returns
        -------
        numpy.ndarray
            The pore field of the initial state.
        """
        return np.clip(1.0 - self.li0 - self.solid - self.electrolyte, 0.0, 1.0)

    def depth(self) -> np.ndarray:
        """Cell-centre coordinate along the growth axis [m], shape (ny,).

        Returns
        -------
        numpy.ndarray
            (j + ½)·dx for j = 0 … ny − 1 [m].
        """
        return (np.arange(self.shape[0]) + 0.5) * self.dx

    def band(self) -> np.ndarray:
        """Rows (bool, shape (ny,)) inside the layer, layer_bottom ≤ y ≤ layer_top.

        Returns
        -------
        numpy.ndarray of bool
            The layer band.
        """
        y = self.depth()
        return (y >= self.layer_bottom) & (y <= self.layer_top)

    def plot(self, ax=None):
        """Three-phase view (Li, solid, electronic sub-phase, pore, electrolyte) of a 2D section.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on.

        Returns
        -------
        matplotlib.figure.Figure
            The figure.
        """
        from lisse.records.display import plot_with

        return plot_with("lisse.plot.phasefield:microstructure_figure", self, ax=ax)


# ---------------------------------------------------------------------------------------------- helpers


def _lni_sigma_ion() -> float:
    """Ionic conductivity of dense LNI (Li7N2I) [S/m] from the materials library (3.1e-4 S/cm, [Wang2024])."""
    from lisse.materials import get_material

    return float(get_material("LNI").si("ionic_conductivity"))


def _or_lni(v: float | None, name: str) -> float:
    return _lni_sigma_ion() if v is None else check_positive(v, name, "S/m", allow_zero=True)


def _grid(shape: Sequence[int], dx: float) -> tuple[tuple[int, ...], float]:
    shp = tuple(int(s) for s in shape)
    if len(shp) not in (2, 3):
        raise ParameterError(f"parameter 'shape' must have 2 or 3 entries (2D or 3D); got {tuple(shape)!r}")
    if min(shp) < 4:
        raise ParameterError(f"parameter 'shape' needs at least 4 cells per axis; got {shp}")
    n = int(np.prod(shp))
    if n > MAX_CELLS:
        raise ParameterError(f"grid {'×'.join(map(str, shp))} has {n} cells; the limit is {MAX_CELLS} (2048² or 160³: memory of the solver fields)")
    check_positive(dx, "dx", "m")
    return shp, float(dx)


def _layer(layer: Sequence[float], ny: int, dx: float) -> tuple[float, float]:
    y0, y1 = (float(v) for v in layer)
    if not (0.0 <= y0 < y1 <= ny * dx + 1e-12 * dx):
        raise ParameterError(f"parameter 'layer' must satisfy 0 <= bottom < top <= {ny * dx:g} m (domain height); got ({y0:g}, {y1:g}) m")
    return y0, y1


def _coords(shp: tuple[int, ...], dx: float) -> list[np.ndarray]:
    return [(np.arange(n) + 0.5) * dx for n in shp]


def _paint_balls(mask: np.ndarray, dx: float, centres: np.ndarray, radius: float) -> None:
    """Set cells whose centre lies within ``radius`` of a centre (local bounding boxes; in place)."""
    shp = mask.shape
    rc = radius / dx
    for c in centres:
        ci = c / dx - 0.5  # continuous index of the centre
        lo = [max(0, int(math.floor(ci[a] - rc))) for a in range(len(shp))]
        hi = [min(shp[a], int(math.ceil(ci[a] + rc)) + 1) for a in range(len(shp))]
        if any(h <= lo_ for lo_, h in zip(lo, hi)):
            continue
        axes = [np.arange(lo[a], hi[a]) - ci[a] for a in range(len(shp))]
        r2 = sum(g ** 2 for g in np.meshgrid(*axes, indexing="ij", sparse=True))
        sl = tuple(slice(lo[a], hi[a]) for a in range(len(shp)))
        mask[sl] |= r2 <= rc * rc


def _ball_volume(d: float, ndim: int) -> float:
    return math.pi * d * d / 4.0 if ndim == 2 else math.pi * d ** 3 / 6.0


def _assemble(kind: str, solid_mask: np.ndarray, dx: float, y0: float, y1: float, *, width: float,
              li_top: float | None, electrolyte: bool, sigma_ion_rows: np.ndarray, sigma_e_rows: np.ndarray,
              electrolyte_sigma_ion: float | None, electrolyte_sigma_e: float, electronic: np.ndarray | None = None,
              fibre_sigma_ion: float = 0.0, fibre_sigma_e: float = CNT_SIGMA_E, info: dict | None = None) -> Microstructure:
    from lisse.sim.phasefield.geometry import smooth_indicator
    from lisse.sim.phasefield.model import planar_profile

    shp = solid_mask.shape
    ny = shp[0]
    y = (np.arange(ny) + 0.5) * dx
    band = (y >= y0) & (y <= y1)
    bshape = (ny,) + (1,) * (len(shp) - 1)
    solid_mask = solid_mask & band.reshape(bshape)
    if electronic is not None:
        electronic = electronic & band.reshape(bshape)
        solid_mask = solid_mask | electronic
    solid = smooth_indicator(solid_mask, dx, width)
    solid *= band.reshape(bshape)  # no diffuse solid outside the layer band
    elyte_rows = (y > y1) if electrolyte else np.zeros(ny, dtype=bool)
    elyte = np.broadcast_to(elyte_rows.reshape(bshape), shp).copy()
    top_li = y0 if li_top is None else float(li_top)
    if not 0.0 <= top_li <= y0 + 1e-12 * dx:
        raise ParameterError(f"parameter 'li_top' must be in [0, layer bottom = {y0:g} m]; got {top_li:g} m")
    li_rows = planar_profile(y - top_li, width) if top_li > 0 else np.zeros(ny)  # li_top = 0: no Li slab
    li0 = np.broadcast_to(li_rows.reshape(bshape), shp).copy()
    li0 = np.minimum(li0, 1.0 - solid)  # Li does not overlap the solid
    sig_i = np.broadcast_to(np.asarray(sigma_ion_rows, float).reshape(bshape), shp).copy()
    sig_e = np.broadcast_to(np.asarray(sigma_e_rows, float).reshape(bshape), shp).copy()
    sig_i[elyte] = _or_lni(electrolyte_sigma_ion, "electrolyte_sigma_ion")
    sig_e[elyte] = electrolyte_sigma_e
    if electronic is not None:
        sig_i[electronic] = fibre_sigma_ion
        sig_e[electronic] = fibre_sigma_e
    rows = solid_mask[band]
    porosity = 1.0 - float(rows.mean()) if rows.size else 1.0
    info = dict(info or {})
    pores = ~solid_mask[band]
    d, frac = pore_size_distribution(pores, dx)
    info["psd_diameter_m"] = d.tolist()
    info["psd_fraction"] = frac.tolist()
    d50 = float("nan")
    if pores.any() and frac.size:
        above = np.nonzero(frac >= 0.5)[0]
        d50 = float(d[above[-1]]) if above.size else float(d[0])
    info["porosity"] = porosity
    info["pore_size_d50_m"] = d50
    return Microstructure(dx, solid, elyte, li0, sig_i, sig_e, d50, y0, y1, porosity, kind, 0, electronic, info)


def _rows_profile(values, y: np.ndarray, y0: float, y1: float, name: str, unit: str, *, allow_zero: bool = True) -> np.ndarray:
    """A per-row value: a scalar, a (bottom, top) pair (linear in depth), or a callable of depth [m]."""
    if callable(values):
        out = np.asarray([float(values(v)) for v in y], dtype=float)
    elif np.ndim(values) == 0:
        out = np.full(y.shape, float(values))
    else:
        vals = [float(v) for v in values]
        if len(vals) != 2:
            raise ParameterError(f"parameter '{name}' must be a number, a (bottom, top) pair or a function of depth; got {values!r}")
        t = np.clip((y - y0) / (y1 - y0), 0.0, 1.0)
        out = vals[0] + (vals[1] - vals[0]) * t
    for v in out:
        check_positive(float(v), name, unit, allow_zero=allow_zero)
    return out


def _pair(values, name: str) -> tuple[float, float]:
    """(Li side, electrolyte side) from one number or a pair, each checked >= 0."""
    vals = [float(values)] * 2 if np.ndim(values) == 0 else [float(v) for v in values]
    if len(vals) != 2:
        raise ParameterError(f"parameter '{name}' must be a number or a (Li side, electrolyte side) pair; got {values!r}")
    return check_positive(vals[0], name, "S/m", allow_zero=True), check_positive(vals[1], name, "S/m", allow_zero=True)


# ---------------------------------------------------------------------------------------------- PSD


def pore_size_distribution(pores: np.ndarray, dx: float, n_sizes: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Continuous pore-size distribution by morphological opening with balls (distance transforms).

    A pore cell belongs to pores of diameter ≥ D when a ball of diameter D that lies entirely in the pore
    space covers it (Münch & Holzer 2008). Each opening is two Euclidean distance transforms: centres
    allowed where the distance to the solid is ≥ D/2, then every cell within D/2 of an allowed centre.

    Parameters
    ----------
    pores : numpy.ndarray of bool
        Pore mask, 2D or 3D (the layer band only; cells outside the array count as pore, so a band cut
        from a larger domain does not close its pores at the cut).
    dx : float
        Grid spacing [m].
    n_sizes : int, default 24
        Number of diameters, spaced geometrically from 2 dx to twice the largest inscribed radius.

    Returns
    -------
    diameters : numpy.ndarray
        Pore diameters D [m], increasing.
    fraction : numpy.ndarray
        Fraction of the pore volume in pores of diameter ≥ D (dimensionless; non-increasing, 1 at the
        smallest D unless pores are thinner than 2 dx).

    Raises
    ------
    ParameterError
        ``dx`` not positive or ``n_sizes`` out of [2, 200].

    References
    ----------
    B. Münch, L. Holzer, J. Am. Ceram. Soc. 91, 4059-4067 (2008), doi:10.1111/j.1551-2916.2008.02736.x
    """
    from scipy.ndimage import distance_transform_edt

    from lisse.citations import register

    check_positive(dx, "dx", "m")
    check_count(n_sizes, "n_sizes", 2, 200)
    register("Munch2008")
    pores = np.asarray(pores, dtype=bool)
    total = int(pores.sum())
    if total == 0:
        return np.zeros(0), np.zeros(0)
    if pores.all():
        return np.array([2.0 * dx]), np.array([1.0])
    # distance (cells) from each pore cell to the nearest solid cell centre minus ½: the inscribed radius
    dist = distance_transform_edt(pores)
    rmax = float(dist.max())
    radii = np.unique(np.geomspace(1.0, max(1.0, rmax), int(n_sizes)))
    frac = np.empty(radii.size)
    for k, r in enumerate(radii):
        centres = dist >= r
        if not centres.any():
            frac[k] = 0.0
            continue
        reach = distance_transform_edt(~centres)
        covered = (reach < r) & pores
        frac[k] = covered.sum() / total
    return 2.0 * radii * dx, np.minimum.accumulate(frac)


def spans(mask: np.ndarray, axis: int = 0) -> bool:
    """Whether a connected cluster of ``mask`` touches both faces normal to ``axis`` (face connectivity).

    Parameters
    ----------
    mask : numpy.ndarray of bool
        Phase mask, 2D or 3D.
    axis : int, default 0
        Index of the axis along which spanning is checked.

    Returns
    -------
    bool
        True when one cluster (``scipy.ndimage.label``, nearest-neighbour connectivity) reaches both the
        first and the last slice along ``axis``.
    """
    from scipy.ndimage import label

    m = np.moveaxis(np.asarray(mask, dtype=bool), axis, 0)
    if not m.any():
        return False
    lab, _ = label(m)
    first = set(np.unique(lab[0])) - {0}
    last = set(np.unique(lab[-1])) - {0}
    return bool(first & last)


# ---------------------------------------------------------------------------------------------- generators


def _boolean_centres(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, count: int) -> np.ndarray:
    return lo + (hi - lo) * rng.uniform(size=(count, lo.size))


def _fill_overlapping(shp, dx, y0, y1, d, target_porosity, rng, band_rows, *, density: Callable[[np.ndarray], np.ndarray] | None = None):
    """Add Poisson-distributed balls (centres uniform over the layer grown by r) until the band porosity ≤ target."""
    r = 0.5 * d
    ndim = len(shp)
    lo = np.array([y0 - r] + [-r] * (ndim - 1))
    hi = np.array([y1 + r] + [n * dx + r for n in shp[1:]])
    mask = np.zeros(shp, dtype=bool)
    vol_ext = float(np.prod(hi - lo))
    n_expect = -math.log(max(target_porosity, 1e-12)) / _ball_volume(d, ndim) * vol_ext
    if n_expect > MAX_PARTICLES:
        raise ParameterError(f"porosity {target_porosity:g} with particles of {d:g} m needs ~{n_expect:.3g} particles; "
                             f"the limit is {MAX_PARTICLES} (raise the particle size or shrink the grid)")
    placed = 0
    centres_all = []
    band_n = int(band_rows.sum()) * int(np.prod(shp[1:]))
    batch = max(1, int(0.05 * n_expect))
    while True:
        c = _boolean_centres(rng, lo, hi, batch)
        if density is not None:  # thinning: keep a centre with probability density(y)/max
            keep = rng.uniform(size=batch) < density(c[:, 0])
            c = c[keep]
        # add one at a time near the target so the achieved porosity stops within one ball of it
        for ci in c:
            _paint_balls(mask, dx, ci[None, :], r)
            centres_all.append(ci)
            placed += 1
            if placed % 8 == 0 or placed > 0.9 * n_expect:
                eps = 1.0 - mask[band_rows].sum() / band_n
                if eps <= target_porosity:
                    return mask, np.asarray(centres_all), vol_ext
            if placed > 3 * n_expect + 100 or placed > MAX_PARTICLES:
                raise ParameterError(f"could not reach porosity {target_porosity:g} with {placed} particles of {d:g} m "
                                     f"(the layer is too thin for this particle size?)")


def _rsa(shp, dx, y0, y1, d, target_porosity, rng, max_tries: int):
    r = 0.5 * d
    ndim = len(shp)
    lo = np.array([y0 + r] + [0.0] * (ndim - 1))
    hi = np.array([y1 - r] + [n * dx for n in shp[1:]])
    if np.any(hi <= lo):
        raise ParameterError(f"layer thickness {y1 - y0:g} m is smaller than the particle diameter {d:g} m")
    vol = float(np.prod([y1 - y0] + [n * dx for n in shp[1:]]))
    n_target = int(round((1.0 - target_porosity) * vol / _ball_volume(d, ndim)))
    if n_target > MAX_PARTICLES:
        raise ParameterError(f"{n_target} particles needed; the limit is {MAX_PARTICLES} (raise the particle size or shrink the grid)")
    pts = np.empty((0, ndim))
    tries = 0
    while pts.shape[0] < n_target and tries < max_tries:
        tries += 1
        c = lo + (hi - lo) * rng.uniform(size=ndim)
        if pts.shape[0] and np.min(np.sum((pts - c) ** 2, axis=1)) < d * d:
            continue
        pts = np.vstack([pts, c])
    jam = 0.547 if ndim == 2 else 0.384
    if pts.shape[0] < n_target:
        raise ParameterError(f"random sequential addition jammed at {pts.shape[0]} of {n_target} particles (porosity "
                             f"{target_porosity:g}); non-overlapping random packings jam near {jam:.3f} solid ({ndim}D): "
                             "raise the porosity or use method='overlapping'")
    mask = np.zeros(shp, dtype=bool)
    _paint_balls(mask, dx, pts, r)
    return mask, pts


@quantity_args(dx="m", particle_diameter="m", width="m", li_top="m", sigma_ion="S/m", sigma_e="S/m",
               electrolyte_sigma_ion="S/m", electrolyte_sigma_e="S/m")
def particle_packing(
    shape: Sequence[int],
    dx: QuantityLike,
    porosity: float,
    particle_diameter: QuantityLike,
    *,
    layer: tuple[float, float],
    method: str = "overlapping",
    sigma_ion: QuantityLike | None = None,
    sigma_e: QuantityLike = _BLOCKING_SIGMA_E,
    width: QuantityLike | None = None,
    li_top: QuantityLike | None = None,
    electrolyte: bool = True,
    electrolyte_sigma_ion: QuantityLike | None = None,
    electrolyte_sigma_e: QuantityLike = _BLOCKING_SIGMA_E,
    seed: int = 0,
    max_tries: int = 200_000,
) -> Microstructure:
    """Random packing of equal spheres (3D) or discs (2D) in a layer, to a target porosity; seeded.

    ``method="overlapping"`` (default): the Boolean model — centres uniform (Poisson) over the layer
    grown by one radius on every side, balls clipped to the layer; balls are added until the layer's
    porosity reaches the target (in expectation ε = exp(−n V), n centres per volume, V one ball's volume).
    Reaches any porosity. ``method="rsa"``: random sequential addition of non-overlapping balls inside
    the layer; jams near 0.547 (discs) / 0.384 (spheres) solid fraction [Torquato2002].

    Parameters
    ----------
    shape : sequence of int
        Grid (ny, nx) or (ny, nx, nz), a count of cells per axis; axis 0 the growth axis (Li at small y).
    dx : float
        Grid spacing [m].
    porosity : float
        Target pore fraction of the layer, in (0, 1) (dimensionless).
    particle_diameter : float
        Sphere/disc diameter [m].
    layer : (float, float)
        Extent (bottom, top) of the layer along axis 0 [m].
    method : {"overlapping", "rsa"}, default "overlapping"
        Boolean model or random sequential addition.
    sigma_ion, sigma_e : float
        Ionic and electronic conductivity of the solid [S m-1] (default: dense LNI's ionic conductivity
        from the materials library, 3.1e-4 S/cm [Wang2024], and an assumed electron-blocking 1e-8 S/m).
    width : float, optional
        Diffuse width of the solid indicator [m]; default 1.5 dx.
    li_top : float, optional
        Top of the initial Li slab [m], in [0, layer bottom]; default the layer bottom (Li in contact
        with the layer); 0: no Li.
    electrolyte : bool, default True
        Dense electrolyte above the layer (rows y > top).
    electrolyte_sigma_ion, electrolyte_sigma_e : float
        Conductivities of the dense electrolyte [S m-1] (default LNI from the materials library; blocking 1e-8, assumed).
    seed : int, default 0
        Random seed (same seed, same packing).
    max_tries : int, default 200000
        Number of RSA placement attempts before giving up.

    Returns
    -------
    Microstructure
        ``kind="particles"``; ``info`` holds ``target_porosity``, ``n_particles``, ``number_density_m3``
        (per m³ in 3D, per m² in 2D), ``boolean_porosity`` (exp(−nV), overlapping method), and the PSD.

    Raises
    ------
    ParameterError
        A grid beyond :data:`MAX_CELLS`, the layer outside the grid, a value out of range, or a porosity
        RSA cannot reach.

    References
    ----------
    Torquato2002: S. Torquato, Random Heterogeneous Materials, Springer (2002), doi:10.1007/978-1-4757-6355-3
    """
    from lisse.citations import register

    register("Torquato2002")
    # SI floats after quantity_args (narrowed for the type checker)
    dx = float(dx)
    particle_diameter = float(particle_diameter)
    sigma_e = float(sigma_e)
    electrolyte_sigma_e = float(electrolyte_sigma_e)
    sigma_ion = None if sigma_ion is None else float(sigma_ion)
    width = None if width is None else float(width)
    li_top = None if li_top is None else float(li_top)
    electrolyte_sigma_ion = None if electrolyte_sigma_ion is None else float(electrolyte_sigma_ion)
    shp, dx = _grid(shape, dx)
    if not 0.0 < float(porosity) < 1.0:
        raise ParameterError(f"parameter 'porosity' must be in (0, 1); got {porosity!r}")
    d = check_positive(particle_diameter, "particle_diameter", "m")
    y0, y1 = _layer(layer, shp[0], dx)
    if d < 2.0 * dx:
        raise ParameterError(f"particle_diameter {d:g} m is below 2 dx = {2 * dx:g} m: the grid cannot resolve the particles")
    check_count(seed, "seed", 0, 2**63 - 1)
    rng = np.random.default_rng(seed)
    y = (np.arange(shp[0]) + 0.5) * dx
    band = (y >= y0) & (y <= y1)
    info: dict = {"target_porosity": float(porosity), "particle_diameter_m": d, "method": method}
    if method == "overlapping":
        mask, centres, vol_ext = _fill_overlapping(shp, dx, y0, y1, d, float(porosity), rng, band)
        n = centres.shape[0] / vol_ext
        info.update(n_particles=int(centres.shape[0]), number_density_m3=n,
                    boolean_porosity=math.exp(-n * _ball_volume(d, len(shp))))
    elif method == "rsa":
        mask, centres = _rsa(shp, dx, y0, y1, d, float(porosity), rng, int(max_tries))
        info.update(n_particles=int(centres.shape[0]))
    else:
        raise ParameterError(f"parameter 'method' must be 'overlapping' or 'rsa'; got {method!r}")
    w = 1.5 * dx if width is None else check_positive(width, "width", "m")
    return _assemble("particles", mask, dx, y0, y1, width=w, li_top=li_top, electrolyte=electrolyte,
                     sigma_ion_rows=np.full(shp[0], _or_lni(sigma_ion, "sigma_ion")),
                     sigma_e_rows=np.full(shp[0], check_positive(sigma_e, "sigma_e", "S/m", allow_zero=True)),
                     electrolyte_sigma_ion=electrolyte_sigma_ion, electrolyte_sigma_e=electrolyte_sigma_e, info=info)


def _fibre_path(rng, lo, hi, length, d, curvature, ndim):
    """Points along one fibre: a persistent random walk (straight when ``curvature`` = 0) of step d/2."""
    step = 0.5 * d
    n = max(2, int(math.ceil(length / step)) + 1)
    p = lo + (hi - lo) * rng.uniform(size=ndim)
    v = rng.normal(size=ndim)
    v /= np.linalg.norm(v)
    pts = [p.copy()]
    # start at a random point and walk both ways by half the length
    for sign in (1.0, -1.0):
        q, u = p.copy(), sign * v
        for _ in range(n // 2):
            if curvature > 0:
                u = u + curvature * step * rng.normal(size=ndim)
                u /= np.linalg.norm(u)
            q = q + step * u
            pts.append(q.copy())
    return np.asarray(pts)


@quantity_args(dx="m", fibre_diameter="m", fibre_length="m", particle_diameter="m", width="m", li_top="m",
               sigma_ion="S/m", sigma_e="S/m", fibre_sigma_e="S/m", electrolyte_sigma_ion="S/m", electrolyte_sigma_e="S/m")
def fibre_network(
    shape: Sequence[int],
    dx: QuantityLike,
    volume_fraction: float,
    fibre_diameter: QuantityLike,
    fibre_length: QuantityLike,
    *,
    layer: tuple[float, float],
    curvature: float = 0.0,
    matrix_porosity: float = 0.0,
    particle_diameter: QuantityLike | None = None,
    sigma_ion: QuantityLike | None = None,
    sigma_e: QuantityLike = _BLOCKING_SIGMA_E,
    fibre_sigma_e: QuantityLike = CNT_SIGMA_E,
    width: QuantityLike | None = None,
    li_top: QuantityLike | None = None,
    electrolyte: bool = True,
    electrolyte_sigma_ion: QuantityLike | None = None,
    electrolyte_sigma_e: QuantityLike = _BLOCKING_SIGMA_E,
    seed: int = 0,
) -> Microstructure:
    """CNT-like network: random fibres (electronic) inside an ionic matrix (dense or a particle packing).

    Fibres are isotropic in direction (in the plane in 2D, where a fibre is a strip), straight
    (``curvature`` = 0) or a persistent random walk whose direction diffuses by ``curvature``·√step per
    step [rad m^-1/2]; centres uniform over the layer grown by half a fibre length, fibres clipped to the
    layer. Fibres are added until their volume fraction in the layer reaches ``volume_fraction``.
    Fibre cells carry ``fibre_sigma_e`` and no ionic conductivity; matrix cells carry ``sigma_ion`` /
    ``sigma_e``.

    Parameters
    ----------
    shape : sequence of int
        Grid (ny, nx) or (ny, nx, nz), a count of cells per axis; axis 0 the growth axis.
    dx : float
        Grid spacing [m].
    volume_fraction : float
        Target fibre volume fraction of the layer, in (0, 1) (dimensionless).
    fibre_diameter : float
        Fibre diameter [m] (≥ 2 dx).
    fibre_length : float
        Fibre length along its axis [m].
    layer : (float, float)
        Extent (bottom, top) of the layer along axis 0 [m].
    curvature : float, default 0
        Direction diffusion of curved fibres [rad m^-1/2]; 0 = straight.
    matrix_porosity : float, default 0
        Porosity of the matrix [-] (0: dense; else an overlapping-particle packing, pores empty), in [0, 1).
    particle_diameter : float, optional
        Matrix particle diameter [m]; required when ``matrix_porosity`` > 0.
    sigma_ion, sigma_e : float
        Conductivities of the matrix [S m-1] (default dense LNI from the materials library; electron blocking 1e-8, assumed).
    fibre_sigma_e : float
        Electronic conductivity of a fibre [S m-1] (default :data:`CNT_SIGMA_E`, assumed).
    width : float, optional
        Diffuse width of the solid indicator [m]; default 1.5 dx.
    li_top : float, optional
        Top of the initial Li slab [m]; default the layer bottom.
    electrolyte : bool, default True
        Dense electrolyte above the layer.
    electrolyte_sigma_ion, electrolyte_sigma_e : float
        Conductivities of the dense electrolyte [S m-1].
    seed : int, default 0
        Random seed.

    Returns
    -------
    Microstructure
        ``kind="fibres"`` with ``electronic`` the fibre mask; ``info`` holds ``fibre_volume_fraction``
        (achieved), ``n_fibres``, ``fibres_span_layer`` (a fibre cluster connects the Li side of the layer
        to the electrolyte side, :func:`spans`) and the PSD.

    Raises
    ------
    ParameterError
        A grid beyond :data:`MAX_CELLS`, the layer outside the grid or a value out of range.
    """
    # SI floats after quantity_args (narrowed for the type checker)
    dx = float(dx)
    fibre_diameter = float(fibre_diameter)
    fibre_length = float(fibre_length)
    sigma_e = float(sigma_e)
    fibre_sigma_e = float(fibre_sigma_e)
    electrolyte_sigma_e = float(electrolyte_sigma_e)
    particle_diameter = None if particle_diameter is None else float(particle_diameter)
    sigma_ion = None if sigma_ion is None else float(sigma_ion)
    width = None if width is None else float(width)
    li_top = None if li_top is None else float(li_top)
    electrolyte_sigma_ion = None if electrolyte_sigma_ion is None else float(electrolyte_sigma_ion)
    shp, dx = _grid(shape, dx)
    ndim = len(shp)
    if not 0.0 < float(volume_fraction) < 1.0:
        raise ParameterError(f"parameter 'volume_fraction' must be in (0, 1); got {volume_fraction!r}")
    df = check_positive(fibre_diameter, "fibre_diameter", "m")
    if df < 2.0 * dx:
        raise ParameterError(f"fibre_diameter {df:g} m is below 2 dx = {2 * dx:g} m: the grid cannot resolve the fibres")
    length = check_positive(fibre_length, "fibre_length", "m")
    if length < df:
        raise ParameterError(f"fibre_length {length:g} m is shorter than the fibre diameter {df:g} m")
    check_positive(curvature, "curvature", "rad m-1/2", allow_zero=True)
    y0, y1 = _layer(layer, shp[0], dx)
    check_count(seed, "seed", 0, 2**63 - 1)
    rng = np.random.default_rng(seed)
    y = (np.arange(shp[0]) + 0.5) * dx
    band = (y >= y0) & (y <= y1)
    bshape = (shp[0],) + (1,) * (ndim - 1)
    mp = float(matrix_porosity)
    info: dict = {"target_fibre_volume_fraction": float(volume_fraction), "fibre_diameter_m": df, "fibre_length_m": length,
                  "matrix_porosity_target": mp}
    if not 0.0 <= mp < 1.0:
        raise ParameterError(f"parameter 'matrix_porosity' must be in [0, 1); got {matrix_porosity!r}")
    if mp > 0.0:
        if particle_diameter is None:
            raise ParameterError("parameter 'particle_diameter' is required when matrix_porosity > 0")
        dp = check_positive(particle_diameter, "particle_diameter", "m")
        matrix, _, _ = _fill_overlapping(shp, dx, y0, y1, dp, mp, rng, band)
    else:
        matrix = np.broadcast_to(band.reshape(bshape), shp).copy()
    fib = np.zeros(shp, dtype=bool)
    half = 0.5 * length
    lo = np.array([y0 - half] + [0.0] * (ndim - 1))
    hi = np.array([y1 + half] + [n * dx for n in shp[1:]])
    band_n = int(band.sum()) * int(np.prod(shp[1:]))
    per_fibre = _ball_volume(df, 2) * length if ndim == 3 else df * length
    layer_vol = (y1 - y0) * float(np.prod([n * dx for n in shp[1:]]))
    n_expect = -math.log(1.0 - float(volume_fraction)) * layer_vol / per_fibre * (hi[0] - lo[0]) / (y1 - y0)
    segs = n_expect * (2 * int(length / (0.5 * df)) + 1)
    if segs > 20 * MAX_PARTICLES:
        raise ParameterError(f"fibre fraction {volume_fraction:g} needs ~{n_expect:.3g} fibres of {segs / max(n_expect, 1):.0f} segments; "
                             f"the limit is {20 * MAX_PARTICLES} segments (thicker/shorter fibres or a smaller grid)")
    n_fib = 0
    frac = 0.0
    while frac < float(volume_fraction):
        pts = _fibre_path(rng, lo, hi, length, df, float(curvature), ndim)
        # lateral periodic wrap so the fibre density is uniform across the (mirror-bounded) width
        for a in range(1, ndim):
            pts[:, a] = np.mod(pts[:, a], shp[a] * dx)
        _paint_balls(fib, dx, pts, 0.5 * df)
        n_fib += 1
        frac = float(fib[band].sum()) / band_n
        if n_fib > 3 * n_expect + 50:
            raise ParameterError(f"could not reach fibre fraction {volume_fraction:g} with {n_fib} fibres (layer too thin?)")
    fib &= band.reshape(bshape)
    info.update(n_fibres=n_fib, fibre_volume_fraction=float(fib[band].sum()) / band_n,
                fibres_span_layer=spans(fib[band], 0))
    w = 1.5 * dx if width is None else check_positive(width, "width", "m")
    return _assemble("fibres", matrix, dx, y0, y1, width=w, li_top=li_top, electrolyte=electrolyte,
                     sigma_ion_rows=np.full(shp[0], _or_lni(sigma_ion, "sigma_ion")),
                     sigma_e_rows=np.full(shp[0], check_positive(sigma_e, "sigma_e", "S/m", allow_zero=True)),
                     electrolyte_sigma_ion=electrolyte_sigma_ion, electrolyte_sigma_e=electrolyte_sigma_e,
                     electronic=fib, fibre_sigma_e=check_positive(fibre_sigma_e, "fibre_sigma_e", "S/m"), info=info)


@quantity_args(dx="m", particle_diameter="m", width="m", li_top="m", split="m", electrolyte_sigma_ion="S/m",
               electrolyte_sigma_e="S/m")
def graded_layer(
    shape: Sequence[int],
    dx: QuantityLike,
    porosity,
    particle_diameter: QuantityLike,
    *,
    layer: tuple[float, float],
    sigma_ion=None,
    sigma_e=_BLOCKING_SIGMA_E,
    profile: str = "linear",
    split: QuantityLike | None = None,
    width: QuantityLike | None = None,
    li_top: QuantityLike | None = None,
    electrolyte: bool = True,
    electrolyte_sigma_ion: QuantityLike | None = None,
    electrolyte_sigma_e: QuantityLike = _BLOCKING_SIGMA_E,
    seed: int = 0,
) -> Microstructure:
    """Interlayer whose porosity and conductivities vary with depth: a linear gradient or two layers.

    The solid is an inhomogeneous Boolean model: overlapping balls with a depth-dependent number
    density n(y) = −ln ε(y)/V (V one ball's volume), so the local porosity follows ε(y) (smoothed over
    about one particle diameter). Conductivities are assigned per row.

    Parameters
    ----------
    shape : sequence of int
        Grid (ny, nx) or (ny, nx, nz), a count of cells per axis; axis 0 the growth axis.
    dx : float
        Grid spacing [m].
    porosity : (float, float)
        Porosity (at the Li side, at the electrolyte side), each in (0, 1) (dimensionless).
    particle_diameter : float
        Ball diameter [m].
    layer : (float, float)
        Extent (bottom, top) of the layer along axis 0 [m].
    sigma_ion, sigma_e : float or (float, float)
        Conductivities of the solid [S m-1]: one value, or (Li side, electrolyte side) (default sigma_ion:
        dense LNI from the materials library; sigma_e 1e-8, assumed electron blocking).
    profile : {"linear", "two-layer"}, default "linear"
        Linear in depth, or a step at ``split``.
    split : float, optional
        Depth of the step of a two-layer interlayer [m]; default the middle of the layer.
    width : float, optional
        Diffuse width of the solid indicator [m]; default 1.5 dx.
    li_top : float, optional
        Top of the initial Li slab [m]; default the layer bottom.
    electrolyte : bool, default True
        Dense electrolyte above the layer.
    electrolyte_sigma_ion, electrolyte_sigma_e : float
        Conductivities of the dense electrolyte [S m-1].
    seed : int, default 0
        Random seed.

    Returns
    -------
    Microstructure
        ``kind="graded"`` or ``"two-layer"``; ``info`` holds the targets, the achieved porosity of the
        lower and upper half (``porosity_bottom`` / ``porosity_top``, each away from the other by one
        particle diameter) and the PSD.

    Raises
    ------
    ParameterError
        A grid beyond :data:`MAX_CELLS`, the layer outside the grid or a value out of range.

    References
    ----------
    Torquato2002: S. Torquato, Random Heterogeneous Materials, Springer (2002), doi:10.1007/978-1-4757-6355-3
    """
    from lisse.citations import register

    register("Torquato2002")
    # SI floats after quantity_args (narrowed for the type checker)
    dx = float(dx)
    particle_diameter = float(particle_diameter)
    electrolyte_sigma_e = float(electrolyte_sigma_e)
    width = None if width is None else float(width)
    li_top = None if li_top is None else float(li_top)
    split = None if split is None else float(split)
    electrolyte_sigma_ion = None if electrolyte_sigma_ion is None else float(electrolyte_sigma_ion)
    shp, dx = _grid(shape, dx)
    ndim = len(shp)
    eps = [float(v) for v in (porosity if np.ndim(porosity) else (porosity, porosity))]
    if len(eps) != 2 or not all(0.0 < e < 1.0 for e in eps):
        raise ParameterError(f"parameter 'porosity' must be a (Li side, electrolyte side) pair in (0, 1); got {porosity!r}")
    d = check_positive(particle_diameter, "particle_diameter", "m")
    if d < 2.0 * dx:
        raise ParameterError(f"particle_diameter {d:g} m is below 2 dx = {2 * dx:g} m")
    y0, y1 = _layer(layer, shp[0], dx)
    if profile not in ("linear", "two-layer"):
        raise ParameterError(f"parameter 'profile' must be 'linear' or 'two-layer'; got {profile!r}")
    ys = 0.5 * (y0 + y1) if split is None else float(split)
    if not y0 < ys < y1:
        raise ParameterError(f"parameter 'split' must lie inside the layer ({y0:g}, {y1:g}) m; got {ys:g} m")
    check_count(seed, "seed", 0, 2**63 - 1)
    rng = np.random.default_rng(seed)

    def eps_at(yv):
        yv = np.asarray(yv, dtype=float)
        if profile == "two-layer":
            return np.where(yv < ys, eps[0], eps[1])
        t = np.clip((yv - y0) / (y1 - y0), 0.0, 1.0)
        return eps[0] + (eps[1] - eps[0]) * t

    vball = _ball_volume(d, ndim)
    nmax = max(-math.log(e) for e in eps) / vball
    r = 0.5 * d
    lo = np.array([y0 - r] + [-r] * (ndim - 1))
    hi = np.array([y1 + r] + [n * dx + r for n in shp[1:]])
    vol_ext = float(np.prod(hi - lo))
    n_draw = rng.poisson(nmax * vol_ext)
    if n_draw > 4 * MAX_PARTICLES:
        raise ParameterError(f"~{n_draw} particles needed; the limit is {4 * MAX_PARTICLES} (raise the particle size or shrink the grid)")
    c = _boolean_centres(rng, lo, hi, int(n_draw))
    keep = rng.uniform(size=c.shape[0]) < (-np.log(eps_at(c[:, 0])) / vball) / nmax  # thinning of a Poisson process
    c = c[keep]
    mask = np.zeros(shp, dtype=bool)
    _paint_balls(mask, dx, c, r)
    y = (np.arange(shp[0]) + 0.5) * dx
    if profile == "two-layer":
        si = np.where(y < ys, *_pair(_lni_sigma_ion() if sigma_ion is None else sigma_ion, "sigma_ion"))
        se = np.where(y < ys, *_pair(sigma_e, "sigma_e"))
    else:
        si = _rows_profile(_lni_sigma_ion() if sigma_ion is None else sigma_ion, y, y0, y1, "sigma_ion", "S/m")
        se = _rows_profile(sigma_e, y, y0, y1, "sigma_e", "S/m")
    lower = (y >= y0) & (y <= (ys if profile == "two-layer" else 0.5 * (y0 + y1)) - d)
    upper = (y >= (ys if profile == "two-layer" else 0.5 * (y0 + y1)) + d) & (y <= y1)
    info: dict = {"target_porosity_bottom": eps[0], "target_porosity_top": eps[1], "profile": profile, "split_m": ys,
                  "n_particles": int(c.shape[0]),
                  "porosity_bottom": 1.0 - float(mask[lower].mean()) if lower.any() else float("nan"),
                  "porosity_top": 1.0 - float(mask[upper].mean()) if upper.any() else float("nan")}
    w = 1.5 * dx if width is None else check_positive(width, "width", "m")
    return _assemble("two-layer" if profile == "two-layer" else "graded", mask, dx, y0, y1, width=w, li_top=li_top,
                     electrolyte=electrolyte, sigma_ion_rows=si, sigma_e_rows=se,
                     electrolyte_sigma_ion=electrolyte_sigma_ion, electrolyte_sigma_e=electrolyte_sigma_e, info=info)
