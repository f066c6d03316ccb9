"""Static particle field φ_g of a porous layer: random particles, a slit comb, or an image.

Arrays are indexed ``[y, x]`` (axis 0 is the growth direction: Li at small y). φ_g is built from the
signed distance d to the solid (``scipy.ndimage.distance_transform_edt``) as
``φ_g = ½[1 + tanh(d/(√2 δ_g))]``, the same profile the wetting calibration in
:mod:`lisse.sim.phasefield.model` assumes, so the contact angle is consistent with the geometry.

Notes
-----
Pore size and particle size of a random packing of discs are linked by the hydraulic diameter
``d_h = 4·(pore area)/(wetted perimeter) = ε d / (1 − ε)`` (ε porosity, d particle diameter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lisse.errors import ParameterError
from lisse.params import check_count
from lisse.records.display import compact_repr

__all__ = ["Layer", "smooth_indicator", "particle_layer", "slit_layer", "layer_from_image", "particle_diameter_from_pore_size"]


@compact_repr
@dataclass(frozen=True)
class Layer:
    """A porous layer on a grid.

    Parameters
    ----------
    phi_g : numpy.ndarray
        Static particle field φ_g in [0, 1] (dimensionless), shape (ny, nx).
    dx : float
        Grid spacing [m].
    y_bottom, y_top : float
        The layer occupies y_bottom ≤ y ≤ y_top [m] (y of a cell centre is (j + ½)·dx).
    porosity : float
        Pore fraction inside the layer, from the sharp (φ_g < ½) field [-].
    pore_size : float
        Characteristic pore size [m] (hydraulic diameter, or the slit width).
    kind : str
        "particles", "slits" or "image".
    """

    phi_g: np.ndarray
    dx: float
    y_bottom: float
    y_top: float
    porosity: float
    pore_size: float
    kind: str


def _check_pos(name: str, x: float, unit: str) -> float:
    if not (isinstance(x, (int, float, np.floating)) and math.isfinite(x) and x > 0):
        raise ParameterError(f"parameter '{name}' must be a positive finite number in {unit}; got {x!r}")
    return float(x)


def smooth_indicator(solid: np.ndarray, dx: float, width: float) -> np.ndarray:
    """Diffuse particle field from a boolean solid mask: ½[1 + tanh(d/(√2 δ_g))], d signed distance [m].

    Parameters
    ----------
    solid : numpy.ndarray of bool
        Solid mask (dimensionless), shape (ny, nx).
    dx : float
        Grid spacing [m].
    width : float
        Diffuse width δ_g [m].

    Returns
    -------
    numpy.ndarray
        φ_g in [0, 1] (dimensionless), same shape as ``solid``.
    """
    from scipy.ndimage import distance_transform_edt

    solid = np.asarray(solid, dtype=bool)
    if solid.all():
        return np.ones(solid.shape)
    if not solid.any():
        return np.zeros(solid.shape)
    d_out = distance_transform_edt(~solid) * dx  # distance from pore cells to the solid
    d_in = distance_transform_edt(solid) * dx
    d = np.where(solid, d_in - 0.5 * dx, -(d_out - 0.5 * dx))
    return 0.5 * (1.0 + np.tanh(d / (math.sqrt(2.0) * width)))


def particle_diameter_from_pore_size(pore_size: float, porosity: float) -> float:
    """Particle diameter d = d_h (1 − ε)/ε [m] that gives hydraulic pore diameter d_h at porosity ε.

    Parameters
    ----------
    pore_size : float
        Hydraulic pore diameter d_h [m].
    porosity : float
        Porosity ε [-] (dimensionless), in (0, 1).

    Returns
    -------
    float
        Particle diameter [m].

    Raises
    ------
    ParameterError
        ``pore_size`` not positive or ``porosity`` not in (0, 1).
    """
    _check_pos("pore_size", pore_size, "m")
    if not 0.0 < porosity < 1.0:
        raise ParameterError(f"parameter 'porosity' must be in (0, 1); got {porosity!r}")
    return pore_size * (1.0 - porosity) / porosity


def particle_layer(
    shape: tuple[int, int],
    dx: float,
    porosity: float,
    *,
    particle_diameter: float | None = None,
    pore_size: float | None = None,
    layer: tuple[float, float],
    width: float,
    seed: int = 0,
    min_gap: float | None = None,
    arrangement: str = "jittered",
    jitter: float = 0.8,
    max_tries: int = 20_000,
) -> Layer:
    """Random layer of equal non-overlapping discs, seeded and reproducible.

    ``arrangement="jittered"`` (default): a staggered (near-hexagonal) packing; the rows of the
    hexagonal spacing ``a = d √(π / (2√3 (1 − ε)))`` that fit the layer are spread over it and the
    number of discs per row is set by the target porosity; each disc is displaced at random by up to
    ``jitter · (throat − min_gap)/2`` (so discs never overlap or close a throat). ``"rsa"``: random
    sequential addition (looser; jams near 45 % solid).

    Parameters
    ----------
    shape : (ny, nx)
        Grid shape.
    dx : float
        Grid spacing [m].
    porosity : float
        Target pore fraction in the layer (RSA of discs jams near 0.45 solid, so porosity ≥ 0.5).
    particle_diameter, pore_size : float
        Disc diameter [m], or the hydraulic pore size [m] (converted with
        :func:`particle_diameter_from_pore_size`); give exactly one.
    layer : (y_bottom, y_top)
        Extent of the layer along y [m]; discs lie entirely inside it.
    width : float
        Diffuse width δ_g of φ_g [m].
    seed : int
        Random seed (same seed, same layer).
    min_gap : float
        Smallest surface-to-surface gap between discs [m]; default 2 δ_g (capped at the hexagonal
        throat a − d) so the jitter does not close pores.
    arrangement : {"jittered", "rsa"}, default "jittered"
        Staggered packing with random displacements, or random sequential addition.
    jitter : float, default 0.8
        Displacement amplitude as a fraction of the free throat [-] (dimensionless).
    max_tries : int, default 20000
        Number of RSA placement attempts before giving up.

    Returns
    -------
    Layer
        φ_g on the grid with the layer's extent [m], porosity (dimensionless) and pore size [m].

    Raises
    ------
    ParameterError
        A length not positive, the layer outside the grid, or an unreachable geometry.
    """
    ny, nx = (int(s) for s in shape)
    _check_pos("dx", dx, "m")
    _check_pos("width", width, "m")
    if not 0.0 < porosity < 1.0:
        raise ParameterError(f"parameter 'porosity' must be in (0, 1); got {porosity!r}")
    if particle_diameter is not None and pore_size is None:
        d = particle_diameter
    elif pore_size is not None and particle_diameter is None:
        d = particle_diameter_from_pore_size(pore_size, porosity)
    else:
        raise ParameterError("give exactly one of 'particle_diameter' and 'pore_size'")
    d = _check_pos("particle_diameter", d, "m")
    y0, y1 = (float(v) for v in layer)
    if not (0 <= y0 < y1 <= ny * dx):
        raise ParameterError(f"parameter 'layer' must satisfy 0 <= y_bottom < y_top <= {ny * dx:g} m; got {layer!r}")
    r = 0.5 * d
    if y1 - y0 < d:
        raise ParameterError(f"layer thickness {y1 - y0:g} m is smaller than the particle diameter {d:g} m")
    gap = 2.0 * width if min_gap is None else float(min_gap)
    if arrangement not in ("jittered", "rsa"):
        raise ParameterError(f"parameter 'arrangement' must be 'jittered' or 'rsa'; got {arrangement!r}")
    check_count(seed, "seed", 0, 2**63 - 1)
    rng = np.random.default_rng(seed)
    width_x = nx * dx
    area = width_x * (y1 - y0)
    target_solid = (1.0 - porosity) * area
    centres: list[tuple[float, float]] = []
    solid_area = 0.0
    if arrangement == "jittered":
        a = d * math.sqrt(math.pi / (2.0 * math.sqrt(3.0) * (1.0 - porosity)))
        ay0 = a * math.sqrt(3.0) / 2.0
        nrows = max(1, int(math.floor((y1 - y0 - d) / ay0)) + 1)
        ay = (y1 - y0 - d) / (nrows - 1) if nrows > 1 else 0.0
        n_target = target_solid / (math.pi * r * r)
        m = max(1, int(round(n_target / nrows)))
        ax_ = width_x / m
        throat = min(ax_, math.hypot(0.5 * ax_, ay) if nrows > 1 else ax_) - d
        if min_gap is None:
            gap = min(gap, max(0.0, throat))
        free = throat - gap
        if free < 0:
            raise ParameterError(f"porosity {porosity:g} is too low for discs of {d:g} m with throats of at least "
                                 f"{gap:g} m (throat {throat:g} m); raise the porosity or lower min_gap")
        yoff = y0 + r
        amp = 0.5 * jitter * free
        for i in range(nrows):
            # even rows at (j + ½)·ax, odd rows at j·ax including the half discs on x = 0 and x = W,
            # so the mirror (Neumann) side walls continue the staggered pattern without a wide gap
            for j in range(m + (i % 2)):
                cx = (j + 0.5 * (1 - i % 2)) * ax_
                rho = amp * math.sqrt(rng.uniform())
                ang = rng.uniform(0.0, 2.0 * math.pi)
                cy = min(max(yoff + i * ay + rho * math.sin(ang), y0 + r), y1 - r)
                centres.append((cx + rho * math.cos(ang), cy))
        solid_area = target_solid
    else:
        tries = 0
        pts = np.empty((0, 2))
        while solid_area < target_solid and tries < max_tries:
            tries += 1
            cx = rng.uniform(0.0, width_x)
            cy = rng.uniform(y0 + r, y1 - r)
            if pts.shape[0] and np.min((pts[:, 0] - cx) ** 2 + (pts[:, 1] - cy) ** 2) < (d + gap) ** 2:
                continue
            pts = np.vstack([pts, [cx, cy]])
            centres.append((cx, cy))
            solid_area += math.pi * r * r
    if solid_area < 0.8 * target_solid:
        raise ParameterError(
            f"could not place discs of {d:g} m to porosity {porosity:g} (reached {1 - solid_area / area:.3f}); "
            "raise the porosity, lower the particle size or the min_gap")
    yy = (np.arange(ny) + 0.5) * dx
    xx = (np.arange(nx) + 0.5) * dx
    Y, X = np.meshgrid(yy, xx, indexing="ij")
    solid = np.zeros((ny, nx), dtype=bool)
    for cx, cy in centres:
        solid |= (X - cx) ** 2 + (Y - cy) ** 2 <= r * r
    phi = smooth_indicator(solid, dx, width)
    band = (yy >= y0) & (yy <= y1)
    eps = 1.0 - float(solid[band].mean())
    return Layer(phi, dx, y0, y1, eps, eps * d / (1.0 - eps), "particles")


def slit_layer(shape: tuple[int, int], dx: float, *, pore_width: float, wall_width: float,
               layer: tuple[float, float], width: float) -> Layer:
    """Regular comb of solid walls (along y) separated by straight slits of width ``pore_width`` [m].

    The first slit is centred at x = 0 (a mirror plane of the Neumann boundary), so a domain of width
    (pore_width + wall_width)·m holds m slit periods.

    Parameters
    ----------
    shape : (int, int)
        Grid shape (ny, nx), a count of cells.
    dx : float
        Grid spacing [m].
    pore_width : float
        Slit width [m].
    wall_width : float
        Solid wall width [m].
    layer : (float, float)
        Extent (y_bottom, y_top) of the layer along y [m].
    width : float
        Diffuse width δ_g of φ_g [m].

    Returns
    -------
    Layer
        φ_g on the grid with the layer's extent [m], porosity (dimensionless) and pore size [m].

    Raises
    ------
    ParameterError
        A length not positive, the layer outside the grid, or an unreachable geometry.
    """
    ny, nx = (int(s) for s in shape)
    _check_pos("pore_width", pore_width, "m")
    _check_pos("wall_width", wall_width, "m")
    y0, y1 = (float(v) for v in layer)
    if not (0 <= y0 < y1 <= ny * dx):
        raise ParameterError(f"parameter 'layer' must satisfy 0 <= y_bottom < y_top <= {ny * dx:g} m; got {layer!r}")
    yy = (np.arange(ny) + 0.5) * dx
    xx = (np.arange(nx) + 0.5) * dx
    period = pore_width + wall_width
    xm = np.mod(xx, period)
    in_wall = (xm >= 0.5 * pore_width) & (xm < 0.5 * pore_width + wall_width)
    in_band = (yy >= y0) & (yy <= y1)
    solid = in_band[:, None] & in_wall[None, :]
    phi = smooth_indicator(solid, dx, width)
    eps = 1.0 - float(solid[in_band].mean())
    return Layer(phi, dx, y0, y1, eps, float(pore_width), "slits")


def layer_from_image(image, dx: float, *, width: float, threshold: float = 0.5, solid_is_bright: bool = True,
                     layer: tuple[float, float] | None = None) -> Layer:
    """Layer from a 2D image array (e.g. a segmented SEM/CT slice), row 0 at the Li side.

    Parameters
    ----------
    image : array_like, shape (ny, nx)
        Grey values (any unit) or a boolean solid mask [-]; not modified.
    dx : float
        Pixel size [m].
    width : float
        Diffuse width δ_g [m].
    threshold : float
        Pixels above (``solid_is_bright``) or below this value, as a fraction of the image's range, are solid.
    solid_is_bright : bool, default True
        Whether solid pixels are the bright ones.
    layer : (y_bottom, y_top), optional
        Extent of the layer [m]; default the rows that contain solid.

    Returns
    -------
    Layer
        φ_g on the grid with the layer's extent [m], porosity (dimensionless) and pore size [m].

    Raises
    ------
    ParameterError
        A length not positive, the layer outside the grid, or an unreachable geometry.
    """
    img = np.asarray(image, dtype=float)
    if img.ndim != 2 or min(img.shape) < 4:
        raise ParameterError(f"parameter 'image' must be a 2D array of at least 4×4 pixels; got shape {img.shape}")
    if not np.all(np.isfinite(img)):
        raise ParameterError("parameter 'image' contains non-finite values")
    lo, hi = float(img.min()), float(img.max())
    norm = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
    solid = norm > threshold if solid_is_bright else norm < threshold
    phi = smooth_indicator(solid, dx, width)
    rows = np.nonzero(solid.any(axis=1))[0]
    if layer is None:
        if rows.size == 0:
            raise ParameterError("parameter 'image' has no solid pixels at this threshold")
        layer = (rows[0] * dx, (rows[-1] + 1) * dx)
    y0, y1 = layer
    yy = (np.arange(img.shape[0]) + 0.5) * dx
    band = (yy >= y0) & (yy <= y1)
    eps = 1.0 - float(solid[band].mean()) if band.any() else 1.0
    # hydraulic diameter 4·pore area / perimeter, perimeter counted on the pixel grid
    per = (np.count_nonzero(solid[band][:, 1:] != solid[band][:, :-1]) + np.count_nonzero(solid[band][1:] != solid[band][:-1])) * dx
    pore = 4.0 * eps * band.sum() * img.shape[1] * dx * dx / per if per > 0 else float("nan")
    return Layer(phi, dx, float(y0), float(y1), eps, pore, "image")
