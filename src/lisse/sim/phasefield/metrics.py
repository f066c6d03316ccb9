"""Observables of a plated Li field: front height and roughness, penetration, where Li went, inventory error.

Pure functions of fields (no solver state), 2D or 3D, axis 0 the growth axis with the Li anode at small
index; ζ = 1 is Li metal. Definitions (all lengths in m):

* **Front height** h(x) of a lateral column x: the highest ζ = ½ crossing of the Li that is connected
  (face connectivity, ``scipy.ndimage.label``) to the anode's bottom face, linearly interpolated between
  cell centres. Li nucleated inside the layer but not yet connected does not move the front.
* **Front position**: the mean of h over the columns.
* **Front roughness**: the RMS of h − mean(h) over the columns (a sinusoid of amplitude a gives a/√2): the
  roughness of the anode's own front, where tips grow ([Wang2024]'s ionic layer).
* **Deposit height** H(x) and **deposit roughness**: H(x) is the top face of the highest cell with ζ > ½ in
  column x, whether or not that Li is connected to the anode; the deposit roughness is the RMS of H − mean(H).
  This is the plating front of ALL the Li: [Wang2024] call plating "flat" when Li fills the layer from the
  anode as one even front (their mixed LNI–5 % CNT layer, nucleation confined near the anode); in their
  electronic layer Li is deposited at the electrolyte face, a second front, and a column holding Li at the
  face has its plating front there. The anode-connected front roughness alone calls that layer flat because
  little Li reaches its anode side, which is not what "flat plating" means; the deposit roughness counts it.
* **Maximum penetration**: max(0, max_x h(x) − y_ref), with y_ref the layer's bottom (the initial
  anode surface); with ``connected=False`` the deepest cell with ζ > ½ anywhere (e.g. Li nucleated at
  the electrolyte face).
* **Fraction deposited at the electrolyte face**: the newly deposited Li, max(ζ − ζ₀, 0), within the band
  y ≥ y_face − band below the electrolyte face y_face, over the newly deposited Li in the whole domain.
* **Entry (breakthrough) width**: the widest disk/sphere that crosses the layer through its pores
  (:func:`entry_width`); the capillary entry pressure of the layer is Young–Laplace at this throat.
* **Li inventory error** (relative): (L − L_F)/L_F, with L = ∫(ζ − ζ₀) dV/A the planar-equivalent
  thickness of Li gained and L_F = Q V_m/(z F) the thickness Faraday's law gives for the charge Q passed
  per area (plus any stated inflow, e.g. creep through the boundary).
"""

from __future__ import annotations

import math

import numpy as np

from lisse.citations import Citation, add, register
from lisse.constants import FARADAY
from lisse.errors import ParameterError
from lisse.params import check_positive

add(Citation("Katz1986", "A. J. Katz, A. H. Thompson", "Quantitative prediction of permeability in porous rock",
             "Phys. Rev. B 34, 8179-8181", 1986, "10.1103/PhysRevB.34.8179"))

__all__ = [
    "front_heights",
    "front_position",
    "front_roughness",
    "deposit_heights",
    "deposit_roughness",
    "max_penetration",
    "fraction_deposited_at_electrolyte",
    "li_inventory_error",
    "faraday_thickness",
    "interface_metrics",
    "run_metrics",
    "entry_width",
    "regime_warnings",
]


def _field(zeta, name: str = "zeta") -> np.ndarray:
    z = np.asarray(zeta, dtype=float)
    if z.ndim not in (2, 3) or min(z.shape) < 2:
        raise ParameterError(f"parameter '{name}' must be a 2D or 3D array (axis 0 = growth); got shape {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ParameterError(f"parameter '{name}' contains non-finite values")
    return z


def _same(z: np.ndarray, z0, name: str = "zeta0") -> np.ndarray:
    a = _field(z0, name)
    if a.shape != z.shape:
        raise ParameterError(f"parameter '{name}' must have the shape of zeta {z.shape}; got {a.shape}")
    return a


def front_heights(zeta, dx: float) -> np.ndarray:
    """Height h [m] of the anode-connected Li front in every lateral column (see the module notes).

    Parameters
    ----------
    zeta : numpy.ndarray
        Li phase field ζ [-] (dimensionless), shape (ny, nx) or (ny, nx, nz), axis 0 = growth.
    dx : float
        Grid spacing [m].

    Returns
    -------
    numpy.ndarray
        h per column [m], shape (nx,) or (nx, nz); 0 where the column holds no connected Li, ny·dx where
        connected Li reaches the top.

    Raises
    ------
    ParameterError
        ``zeta`` not a finite 2D/3D array or ``dx`` not positive.
    """
    from scipy.ndimage import label

    z = _field(zeta)
    check_positive(dx, "dx", "m")
    ny = z.shape[0]
    lab, _ = label(z > 0.5)
    ids = np.unique(lab[0][lab[0] > 0])
    cols = z.reshape(ny, -1)
    conn = np.isin(lab, ids).reshape(ny, -1) if ids.size else np.zeros_like(cols, dtype=bool)
    h = np.zeros(cols.shape[1])
    has = conn.any(axis=0)
    jt = np.where(has, ny - 1 - np.argmax(conn[::-1], axis=0), -1)  # highest connected cell per column
    for c in np.nonzero(has)[0]:
        j = int(jt[c])
        if j + 1 >= ny:
            h[c] = ny * dx
            continue
        z0, z1 = cols[j, c], cols[j + 1, c]
        frac = min(max((z0 - 0.5) / max(z0 - z1, 1e-12), 0.0), 1.0)
        h[c] = (j + 0.5 + frac) * dx
    return h.reshape(z.shape[1:])


def front_position(zeta, dx: float) -> float:
    """Mean height of the anode-connected Li front [m].

    Parameters
    ----------
    zeta : numpy.ndarray
        Li phase field ζ [-] (dimensionless), axis 0 = growth.
    dx : float
        Grid spacing [m].

    Returns
    -------
    float
        mean_x h(x) [m].
    """
    return float(np.mean(front_heights(zeta, dx)))


def front_roughness(zeta, dx: float) -> float:
    """RMS roughness of the Li front: sqrt(mean_x (h − mean h)²) [m].

    Parameters
    ----------
    zeta : numpy.ndarray
        Li phase field ζ [-] (dimensionless), axis 0 = growth.
    dx : float
        Grid spacing [m].

    Returns
    -------
    float
        Roughness [m] (a sinusoidal front of amplitude a: a/√2).
    """
    h = front_heights(zeta, dx)
    return float(np.sqrt(np.mean((h - h.mean()) ** 2)))


def deposit_heights(zeta, dx: float) -> np.ndarray:
    """Height H [m] of the top of all Li (ζ > ½, connected to the anode or not) in every lateral column.

    See the module notes: the plating front of all the Li, a second front at the electrolyte face included.

    Parameters
    ----------
    zeta : numpy.ndarray
        Li phase field ζ [-] (dimensionless), shape (ny, nx) or (ny, nx, nz), axis 0 = growth.
    dx : float
        Grid spacing [m].

    Returns
    -------
    numpy.ndarray
        H per column [m] (the top face of the highest cell with ζ > ½; 0 where a column holds no Li), shape
        (nx,) or (nx, nz).

    Raises
    ------
    ParameterError
        ``zeta`` not a finite 2D/3D array or ``dx`` not positive.
    """
    z = _field(zeta)
    check_positive(dx, "dx", "m")
    ny = z.shape[0]
    li = (z > 0.5).reshape(ny, -1)
    top = np.where(li.any(axis=0), ny - np.argmax(li[::-1], axis=0), 0)
    return (top * float(dx)).reshape(z.shape[1:])


def deposit_roughness(zeta, dx: float) -> float:
    """RMS roughness of the plating front of all Li, sqrt(mean_x (H − mean H)²) [m] (:func:`deposit_heights`).

    Parameters
    ----------
    zeta : numpy.ndarray
        Li phase field ζ [-] (dimensionless), axis 0 = growth.
    dx : float
        Grid spacing [m].

    Returns
    -------
    float
        Roughness [m]; equal to :func:`front_roughness` (to a cell) when all Li is connected to the anode.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    register("Wang2024")
    h = deposit_heights(zeta, dx)
    return float(np.sqrt(np.mean((h - h.mean()) ** 2)))


def max_penetration(zeta, dx: float, y_ref: float, *, connected: bool = True) -> float:
    """How far Li reaches beyond ``y_ref`` [m]: max(0, max h − y_ref).

    Parameters
    ----------
    zeta : numpy.ndarray
        Li phase field ζ [-] (dimensionless), axis 0 = growth.
    dx : float
        Grid spacing [m].
    y_ref : float
        Reference height [m], e.g. the layer bottom (the initial anode surface).
    connected : bool, default True
        Only Li connected to the anode (the front); False: any cell with ζ > ½ (its top face), and the connected
        front (so the result is never below the connected depth).

    Returns
    -------
    float
        Penetration depth [m] (0 when no Li is beyond ``y_ref``).

    Raises
    ------
    ParameterError
        ``zeta`` not a finite 2D/3D array or ``dx`` not positive.
    """
    if connected:
        top = float(np.max(front_heights(zeta, dx)))
    else:
        z = _field(zeta)
        check_positive(dx, "dx", "m")
        rows = np.nonzero((z > 0.5).reshape(z.shape[0], -1).any(axis=1))[0]
        # any Li includes the connected front, whose zeta = 1/2 crossing is interpolated and may lie up to dx/2 above
        # its cell's top face: without it the "any Li" depth came out below the connected one (independent audit)
        top = max(float(rows[-1] + 1) * dx if rows.size else 0.0, float(np.max(front_heights(zeta, dx))))
    return max(0.0, top - float(y_ref))


def fraction_deposited_at_electrolyte(zeta, zeta0, dx: float, face: float, band: float) -> float:
    """Fraction of the newly deposited Li that lies within ``band`` below the electrolyte face [-].

    Σ max(ζ − ζ₀, 0) over cells with centre y ≥ face − band, divided by the same sum over all cells.

    Parameters
    ----------
    zeta, zeta0 : numpy.ndarray
        Li phase field now and at the start [-] (dimensionless), same shape, axis 0 = growth.
    dx : float
        Grid spacing [m].
    face : float
        Height of the electrolyte face (the top of the interlayer) [m].
    band : float
        Width of the band below the face [m] (> 0).

    Returns
    -------
    float
        The fraction in [0, 1] (dimensionless); NaN when no Li was deposited.

    Raises
    ------
    ParameterError
        Fields of different shapes, non-finite values or a non-positive ``dx`` / ``band``.
    """
    z = _field(zeta)
    z0 = _same(z, zeta0)
    check_positive(dx, "dx", "m")
    check_positive(band, "band", "m")
    new = np.maximum(z - z0, 0.0).reshape(z.shape[0], -1).sum(axis=1)
    total = float(new.sum())
    if total <= 0.0:
        return float("nan")
    y = (np.arange(z.shape[0]) + 0.5) * dx
    return float(new[y >= float(face) - float(band)].sum() / total)


def faraday_thickness(charge_density: float, molar_volume: float | None = None, z: int = 1) -> float:
    """Planar-equivalent Li thickness L_F = Q V_m/(z F) [m] plated by the charge Q per area [C m-2].

    Parameters
    ----------
    charge_density : float
        Charge passed per area Q [C m-2] (> 0 plates).
    molar_volume : float, optional
        V_m [m3 mol-1]; default Li's from :mod:`lisse.materials` (≈ 1.30e-5).
    z : int, default 1
        Charge number (dimensionless).

    Returns
    -------
    float
        L_F [m] (1 mAh/cm² = 3.6e4 C/m² gives ≈ 4.85 µm).

    Raises
    ------
    ParameterError
        A non-finite charge density, a non-positive molar volume or a charge number that is not a positive integer.
    """
    from lisse.thermo.nucleation import li_molar_volume

    q = float(charge_density)
    if not math.isfinite(q):
        raise ParameterError(f"parameter 'charge_density' must be finite (C/m2); got {charge_density!r}")
    if isinstance(z, bool) or not isinstance(z, (int, np.integer)) or z < 1:
        raise ParameterError(f"parameter 'z' must be a positive integer charge number; got {z!r}")
    vm = li_molar_volume() if molar_volume is None else check_positive(float(molar_volume), "molar_volume", "m3/mol")
    return q * vm / (z * FARADAY)


def li_inventory_error(zeta, zeta0, dx: float, charge_density: float, *, molar_volume: float | None = None,
                       inflow: float = 0.0) -> float:
    """Relative Li inventory error (L − L_F)/L_F of the Li gained vs Faraday's law [-].

    L = Σ(ζ − ζ₀) dV / A (A the lateral area), L_F = Q V_m/F + ``inflow``.

    Parameters
    ----------
    zeta, zeta0 : numpy.ndarray
        Li phase field now and at the start [-] (dimensionless), same shape, axis 0 = growth.
    dx : float
        Grid spacing [m].
    charge_density : float
        Charge passed per area Q [C m-2] since ζ₀ (> 0 plates).
    molar_volume : float, optional
        V_m of Li [m3 mol-1]; default Li's from the materials library.
    inflow : float, default 0
        Li added by other routes (e.g. creep through a boundary) as a planar thickness [m].

    Returns
    -------
    float
        (L − L_F)/L_F (dimensionless); NaN when L_F = 0.

    Raises
    ------
    ParameterError
        Fields of different shapes, non-finite values, non-positive ``dx`` or a non-finite charge.
    """
    z = _field(zeta)
    z0 = _same(z, zeta0)
    check_positive(dx, "dx", "m")
    if not math.isfinite(float(charge_density)):
        raise ParameterError(f"parameter 'charge_density' must be finite (C/m2); got {charge_density!r}")
    area_cells = int(np.prod(z.shape[1:]))
    gained = float((z - z0).sum()) * dx / area_cells
    expected = faraday_thickness(charge_density, molar_volume) + float(inflow)
    if expected == 0.0:
        return float("nan")
    return (gained - expected) / expected


def interface_metrics(zeta, zeta0, dx: float, *, layer_bottom: float, layer_top: float, charge_density: float,
                      band: float | None = None, molar_volume: float | None = None, inflow: float = 0.0) -> dict:
    """All observables of the module at once, as a dict with unit-suffixed keys (SI).

    Parameters
    ----------
    zeta, zeta0 : numpy.ndarray
        Li phase field now and at the start [-] (dimensionless), axis 0 = growth.
    dx : float
        Grid spacing [m].
    layer_bottom, layer_top : float
        Interlayer extent [m]: the penetration reference and the electrolyte face.
    charge_density : float
        Charge passed per area [C m-2].
    band : float, optional
        Band below the electrolyte face [m]; default 10 % of the layer thickness (at least 2 dx).
    molar_volume : float, optional
        V_m of Li [m3 mol-1].
    inflow : float, default 0
        Li added by other routes [m].

    Returns
    -------
    dict
        ``front_mean_m``, ``front_roughness_m`` (anode-connected front), ``deposit_roughness_m`` (plating front of all
        Li, :func:`deposit_roughness`), ``penetration_m``, ``penetration_any_m`` (not only the
        connected front), ``fraction_deposited_at_electrolyte``, ``electrolyte_band_m``,
        ``li_gained_m``, ``li_faraday_m`` (Q V_m/(zF) alone), ``li_inflow_m`` (the stated ``inflow``),
        ``li_inventory_error_rel`` ((gained − Faraday − inflow)/(Faraday + inflow)), ``deposit_centroid_m`` (mean height
        of the newly deposited Li, Σ y max(ζ − ζ₀, 0)/Σ max(ζ − ζ₀, 0); NaN when none).

    Raises
    ------
    ParameterError
        Invalid fields or lengths.
    """
    z = _field(zeta)
    z0 = _same(z, zeta0)
    thick = float(layer_top) - float(layer_bottom)
    if not thick > 0:
        raise ParameterError(f"layer_top ({layer_top:g} m) must be above layer_bottom ({layer_bottom:g} m)")
    b = max(0.1 * thick, 2.0 * float(dx)) if band is None else float(band)
    h = front_heights(z, dx)
    lf = faraday_thickness(charge_density, molar_volume) + float(inflow)
    new = np.maximum(z - z0, 0.0).reshape(z.shape[0], -1).sum(axis=1)
    y = (np.arange(z.shape[0]) + 0.5) * float(dx)
    centroid = float((new * y).sum() / new.sum()) if new.sum() > 0 else float("nan")
    return {
        "front_mean_m": float(h.mean()),
        "front_roughness_m": float(np.sqrt(np.mean((h - h.mean()) ** 2))),
        "deposit_roughness_m": deposit_roughness(z, dx),
        "penetration_m": max(0.0, float(h.max()) - float(layer_bottom)),
        "penetration_any_m": max_penetration(z, dx, layer_bottom, connected=False),
        "fraction_deposited_at_electrolyte": fraction_deposited_at_electrolyte(z, z0, dx, layer_top, b),
        "electrolyte_band_m": b,
        "li_gained_m": float((z - z0).sum()) * float(dx) / int(np.prod(z.shape[1:])),
        "li_faraday_m": lf - float(inflow),
        "li_inflow_m": float(inflow),
        "li_inventory_error_rel": li_inventory_error(z, z0, dx, charge_density, molar_volume=molar_volume, inflow=inflow),
        "deposit_centroid_m": centroid,
    }


def run_metrics(solver, zeta0, *, layer_bottom: float, layer_top: float, current_density: float) -> dict:
    """:func:`interface_metrics` of a running solver: its own ``metrics()`` when it has one, else galvanostatic i·t.

    An electrodeposition solver knows its charge passed and the Li exchanged with the anode reservoir and
    returns these keys itself; for the Allen–Cahn solver the charge is ``current_density`` × t and the
    electrolyte face is the layer top.

    Parameters
    ----------
    solver : object
        A phase-field solver (``zeta``, ``dx``, ``t``; optionally ``metrics()``).
    zeta0 : numpy.ndarray
        ζ at t = 0 [-] (dimensionless), for a solver without ``metrics()``.
    layer_bottom, layer_top : float
        Interlayer extent [m].
    current_density : float
        Galvanostatic plating current density [A m-2] (for a solver without ``metrics()``).

    Returns
    -------
    dict
        The keys of :func:`interface_metrics` (plus whatever the solver adds, e.g. ``calibrated_parameters``).
    """
    own = getattr(solver, "metrics", None)
    if callable(own):
        return dict(own())
    m = interface_metrics(solver.zeta, zeta0, solver.dx, layer_bottom=layer_bottom, layer_top=layer_top,
                          charge_density=float(current_density) * float(solver.t))
    calibrated = getattr(solver, "calibrated_parameters", None)
    if calibrated is not None:  # e.g. the Li surface energy's calibrated default ({}: none; no circular validation)
        m["calibrated_parameters"] = dict(calibrated)
    return m


def entry_width(free, dx: float, *, layer_bottom: float, layer_top: float) -> float:
    """Breakthrough pore width w [m]: the widest disk (sphere in 3D) that passes from the layer bottom to its top through the pores.

    The capillary entry pressure of a porous layer is set by the narrowest constriction on the best path,
    not by the mean pore size: Li (a non-wetting fluid when θ > 90°) invades the layer once its pressure
    exceeds 2γ|cos θ|/w at that throat — the percolation (breakthrough) criterion of mercury intrusion
    porosimetry [Katz1986]. Computed by a morphological opening: the pore cells whose distance to the solid
    is at least r, dilated by r, must connect the layer's bottom row to its top row; w = 2r for the largest
    such r.

    Parameters
    ----------
    free : numpy.ndarray
        Free-space indicator [-] (dimensionless; > ½ is pore or Li, e.g. 1 − φ_g), axis 0 = growth.
    dx : float
        Grid spacing [m].
    layer_bottom, layer_top : float
        Interlayer extent along axis 0 [m].

    Returns
    -------
    float
        w [m] (0 when no path of free cells crosses the layer).

    Raises
    ------
    ParameterError
        ``free`` not a finite 2D/3D array, ``dx`` not positive or an empty layer.

    References
    ----------
    A. J. Katz, A. H. Thompson, Quantitative prediction of permeability in porous rock, Phys. Rev. B 34, 8179 (1986), doi:10.1103/PhysRevB.34.8179.
    """
    from scipy.ndimage import binary_dilation, distance_transform_edt, label

    register("Katz1986")
    f = _field(free, "free") > 0.5
    check_positive(dx, "dx", "m")
    j0 = max(0, int(math.floor(float(layer_bottom) / dx)))
    j1 = min(f.shape[0], int(math.ceil(float(layer_top) / dx)))
    if j1 - j0 < 2:
        raise ParameterError(f"the layer {layer_bottom:g}-{layer_top:g} m spans fewer than 2 cells of {dx:g} m")
    band = f[j0:j1]
    dist = distance_transform_edt(band)  # cells to the nearest solid cell

    def crosses(r: float) -> bool:
        core = dist >= r
        if not core.any():
            return False
        k = max(0, int(math.ceil(r)) - 1)
        reach = binary_dilation(core, iterations=k) & band if k > 0 else core
        lab, _ = label(reach)
        ids = np.intersect1d(np.unique(lab[0][lab[0] > 0]), np.unique(lab[-1][lab[-1] > 0]))
        return ids.size > 0

    radii = np.unique(dist[dist > 0])
    lo, hi = 0, radii.size - 1
    if radii.size == 0 or not crosses(float(radii[0])):
        return 0.0
    while lo < hi:  # largest radius that still crosses (crossing is monotone in r)
        mid = (lo + hi + 1) // 2
        if crosses(float(radii[mid])):
            lo = mid
        else:
            hi = mid - 1
    return float(2.0 * radii[lo] * dx) if radii[lo] > 0.5 else float(dx)


def regime_warnings(regime: str | None, depth: float, pore_size: float, *, pore_fill: float = float("nan"),
                    entry_width: float | None = None) -> list[str]:
    """Warnings where the field contradicts the pore-entry regime of a run (Li deeper than a pore into a "blocked" layer).

    The Young-Laplace criterion may call a layer "blocked" while the field has Li deep inside it. An independent audit (2026-12-01) found the lithiophobic preset 0.43 um into its 0.9 um layer at the default grid
    (0.08 / 0.15 / 0.43 um at grids 32 / 64 / 128: the depth is not grid-converged there) while the regime said
    "blocked". The command line and the study's phase-field stage both report these warnings.

    Parameters
    ----------
    regime : str or None
        The run's ``penetration_regime`` (None: no regime computed, no warning).
    depth : float
        Deepest Li above the layer bottom, nucleated or connected (``penetration_any_m``) [m].
    pore_size : float
        Pore size of the layer [m].
    pore_fill : float, optional
        Fraction of the pore volume filled with Li [-] (dimensionless; shown in the text).
    entry_width : float, optional
        Width of the breakthrough throat [m] (shown in the text).

    Returns
    -------
    list of str
        The warnings (empty when the field and the regime agree, or no regime was computed).
    """
    if regime != "blocked" or depth is None or pore_size is None or not depth > pore_size:
        return []
    throat = f"{entry_width * 1e9:.3g} nm" if entry_width is not None and math.isfinite(entry_width) else "its"
    return [f"the field has Li {depth * 1e6:.3g} um into the layer (pore fill {pore_fill:.2g}) although the Young-Laplace "
            f"criterion says 'blocked' at the {throat} throat: Li reached the pores through the diffuse interface, and the "
            "depth changes with the grid (not converged); read the regime, not the depth, for this layer"]
