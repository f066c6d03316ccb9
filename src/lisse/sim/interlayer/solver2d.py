"""2D steady two-potential model: a Li protrusion (triangle) entering the interlayer [Wang2024].

Geometry: a periodic array of triangular Li protrusions (base ``base``, height ``height``) standing
on the Li anode (``x = 0``) and pointing into the interlayer towards the electrolyte
(``x = l_i``); one period of width ``width`` is modelled with symmetry (no-flux) side walls.

Equations (electroneutral, per unit depth; see :mod:`lisse.sim.interlayer.model` for the 1D form and signs)::

    div(sigma_ion grad phi_ion) = a j(eta),   div(sigma_e grad phi_e) = -a j(eta),   eta = phi_e - phi_ion

Boundary conditions: electrolyte face ``x = l_i``: ionic current density i towards the anode,
no electronic current; Li surfaces (flat anode and protrusion): ``phi_e = 0`` and the ionic current
into the Li is ``i0_a g(eta_s)`` with ``eta_s = -phi_ion(face)``, the face potential eliminated through
the ionic half-cell resistance (``phi_face = phi_P - F d/sigma_ion``, solved per face by Newton);
side walls: no flux.

Discretisation: cell-centred finite volumes on a uniform structured grid; cells whose centre lies
inside the triangle are Li (staircase boundary); two-point fluxes; Newton with the sparse Jacobian
factorised by SuperLU (``scipy.sparse.linalg.splu``), started from the linear-kinetics solution and
damped by backtracking. Fields returned: local overpotential, internal deposition rate a j [A/m3],
nucleation rate J [1/(m3 s)] and the plating flux on every Li face. :func:`convergence_study`
repeats the solve on refined grids and reports the change of the scalar outputs.

References
----------
Wang et al., Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1 (COMSOL model with a Li protrusion).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lisse.citations import register
from lisse.errors import ConvergenceError, ParameterError
from lisse.records.display import fields_repr, plot_with
from lisse.sim.interlayer.model import InterlayerParameters, bv_current, bv_derivative, nucleation_rate_field

__all__ = ["Protrusion", "Solution2D", "solve_2d", "convergence_study", "MAX_CELLS"]

#: Most grid cells of a 2D solve (nx * ny). The convergence study's finest level is 180 x 80 = 14 400 cells;
#: 200 000 cells keeps the sparse Newton solve (two unknowns per cell) within ~2 GB.
MAX_CELLS = 200_000


@dataclass(frozen=True)
class Protrusion:
    """Triangular Li protrusion and the modelled period (SI, m).

    Parameters
    ----------
    height : float
        Protrusion height into the interlayer [m] (default 15 um).
    base : float
        Base width on the anode [m] (default 10 um).
    width : float
        Period (protrusion spacing) [m] (default 40 um).
    """

    height: float = 15e-6
    base: float = 10e-6
    width: float = 40e-6

    def check(self, thickness: float) -> None:
        """Check the geometry against the interlayer thickness.

        Parameters
        ----------
        thickness : float
            Interlayer thickness l_i [m].

        Raises
        ------
        ParameterError
            A length is not positive, the height reaches the electrolyte, or the base exceeds the period.
        """
        for k in ("height", "base", "width"):
            v = getattr(self, k)
            if not (math.isfinite(v) and v > 0):
                raise ParameterError(f"protrusion '{k}' must be a positive length in m; got {v!r}")
        if self.height >= thickness:
            raise ParameterError(f"protrusion height {self.height:g} m must be below the interlayer thickness {thickness:g} m")
        if self.base > self.width:
            raise ParameterError(f"protrusion base {self.base:g} m must not exceed the period width {self.width:g} m")


@dataclass
class Solution2D:
    """2D solution on an (nx, ny) grid; arrays are indexed [i_x, j_y]; NaN inside Li.

    Parameters
    ----------
    x, y : ndarray
        Cell-centre coordinates [m] (depth from the anode, lateral).
    li : ndarray of bool
        Mask of the Li cells (protrusion), dimensionless.
    eta, phi_e, phi_ion : ndarray
        Overpotential and potentials [V].
    deposition_rate : ndarray
        Internal deposition a j [A/m3].
    nucleation_rate : ndarray
        J [1/(m3 s)].
    surface_flux : ndarray
        Plating current density on each Li face [A/m2]; ``surface_x``, ``surface_y``: face centres [m];
        ``surface_kind``: 0 flat anode, 1 protrusion.
    surface_x : numpy.ndarray
        x of the Li face centres [m].
    surface_y : numpy.ndarray
        y of the Li face centres [m].
    surface_kind : numpy.ndarray
        Face kind index: 0 flat anode, 1 protrusion.
    current : float
        Applied current density [A m-2].
    iterations : int
        Number of Newton iterations used.
    metrics : dict
        tip_flux_ratio (mean flux on the protrusion's top faces / mean flux on the flat anode far from it),
        tip_flux_over_applied (mean tip flux / applied current density), eta_electrolyte (V, mean overpotential
        in the cells at the electrolyte face),
        surface_fraction (current plated on Li / applied), internal_fraction, deposition_centroid (m, depth of the
        internal deposition), nucleating_fraction (interlayer area fraction with -eta >= eta_c),
        eta_max (V, most cathodic overpotential), current_balance_error.
    """

    x: np.ndarray
    y: np.ndarray
    li: np.ndarray
    eta: np.ndarray
    phi_e: np.ndarray
    phi_ion: np.ndarray
    deposition_rate: np.ndarray
    nucleation_rate: np.ndarray
    surface_flux: np.ndarray
    surface_x: np.ndarray
    surface_y: np.ndarray
    surface_kind: np.ndarray
    current: float
    iterations: int
    metrics: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return fields_repr(self, ["x", "y", "current", "iterations", "metrics"])

    def plot(self, eta_c: float, *, axes=None, **kwargs):
        """Plot the deposition and nucleation fields (:func:`lisse.plot.interlayer.field_figure`).

        Parameters
        ----------
        eta_c : float
            Critical nucleation overpotential [V] (drawn as a contour).
        axes : sequence of matplotlib.axes.Axes, optional
            Draw into these two matplotlib Axes (default: a new figure).
        **kwargs
            Passed to the plotting function.

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on.
        """
        return plot_with("lisse.plot.interlayer:field_figure", self, eta_c, axes=axes, **kwargs)


def _geometry(p: InterlayerParameters, prot: Protrusion, nx: int, ny: int):
    L, W = p.thickness, prot.width
    dx, dy = L / nx, W / ny
    xc = (np.arange(nx) + 0.5) * dx
    yc = (np.arange(ny) + 0.5) * dy
    X, Y = np.meshgrid(xc, yc, indexing="ij")
    half = prot.base / 2
    li = X <= prot.height * (1.0 - np.abs(Y - W / 2) / half)
    return dx, dy, xc, yc, li


def solve_2d(
    p: InterlayerParameters,
    current: float,
    protrusion: Protrusion | None = None,
    nx: int = 90,
    ny: int | None = None,
    max_iter: int = 60,
    tol: float = 1e-10,
) -> Solution2D:
    """Solve the 2D protrusion problem at plating current density ``current`` [A/m2].

    Parameters
    ----------
    p : InterlayerParameters
        Model parameters (SI).
    current : float
        Applied current density [A m-2] (> 0).
    protrusion : Protrusion, optional
        Geometry [m] (default :class:`Protrusion()`).
    nx : int, default 90
        Number of cells across the thickness.
    ny : int, optional
        Number of cells across the period (default keeps square cells).
    max_iter : int, default 60
        Maximum number of Newton iterations.
    tol : float, default 1e-10
        Newton tolerance on the scaled residual [-] (dimensionless).

    Returns
    -------
    Solution2D
        Fields [V, A m-3, m-3 s-1], Li-face fluxes [A m-2] and scalar metrics.

    Raises
    ------
    ParameterError
        Bad geometry, current or grid size (at most :data:`MAX_CELLS` cells).
    ConvergenceError
        When Newton does not converge.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1. (COMSOL model with a Li protrusion).
    """
    import scipy.sparse as sp
    from scipy.sparse.linalg import splu

    prot = protrusion or Protrusion()
    prot.check(p.thickness)
    if not (math.isfinite(current) and current > 0):
        raise ParameterError(f"parameter 'current' must be a positive current density; got {current!r} A/m2 (= {current / 10:g} mA/cm2)")
    if isinstance(nx, bool) or not isinstance(nx, (int, np.integer)) or (ny is not None and not isinstance(ny, (int, np.integer))):
        raise ParameterError(f"parameters 'nx' and 'ny' must be whole numbers of cells; got {nx!r}, {ny!r}")
    if not 8 <= nx <= MAX_CELLS // 4:
        raise ParameterError(f"parameter 'nx' must be between 8 and {MAX_CELLS // 4} cells; got {nx}")
    if ny is None:
        ny = max(4, int(round(nx * prot.width / p.thickness)))
    if nx < 8 or ny < 4:
        raise ParameterError(f"grid too coarse: need nx >= 8 and ny >= 4; got {nx}, {ny}")
    if nx * ny > MAX_CELLS:
        raise ParameterError(f"the 2D grid {nx} x {ny} has {nx * ny} cells; the limit is {MAX_CELLS} (lower 'nx', or the period width "
                             f"relative to the thickness)")
    register("Wang2024")
    dx, dy, xc, yc, li = _geometry(p, prot, nx, ny)
    act = ~li
    idx = -np.ones((nx, ny), dtype=int)
    idx[act] = np.arange(int(act.sum()))
    n = int(act.sum())
    vol = dx * dy

    # internal faces (conduction) and Li faces
    rows, cols, gcoef = [], [], []
    li_cell, li_area, li_dist, li_x, li_y, li_kind = [], [], [], [], [], []
    # x-faces between (i, j) and (i+1, j)
    a, b = idx[:-1, :], idx[1:, :]
    both = (a >= 0) & (b >= 0)
    rows.append(a[both])
    cols.append(b[both])
    gcoef.append(np.full(int(both.sum()), dy / dx))
    lo_li = (a < 0) & (b >= 0)  # Li below an active cell: top face of the protrusion
    ii, jj = np.nonzero(lo_li)
    li_cell.append(b[lo_li])
    li_area.append(np.full(ii.size, dy))
    li_dist.append(np.full(ii.size, dx / 2))
    li_x.append((ii + 1) * dx)
    li_y.append(yc[jj])
    li_kind.append(np.ones(ii.size, dtype=int))
    # bottom boundary: flat anode
    bot = idx[0, :] >= 0
    li_cell.append(idx[0, bot])
    li_area.append(np.full(int(bot.sum()), dy))
    li_dist.append(np.full(int(bot.sum()), dx / 2))
    li_x.append(np.zeros(int(bot.sum())))
    li_y.append(yc[bot])
    li_kind.append(np.zeros(int(bot.sum()), dtype=int))
    # y-faces between (i, j) and (i, j+1)
    a, b = idx[:, :-1], idx[:, 1:]
    both = (a >= 0) & (b >= 0)
    rows.append(a[both])
    cols.append(b[both])
    gcoef.append(np.full(int(both.sum()), dx / dy))
    for act_side, li_side, xf_off in (((a >= 0) & (b < 0), a, 0.5), ((a < 0) & (b >= 0), b, -0.5)):
        ii, jj = np.nonzero(act_side)
        li_cell.append(li_side[act_side])
        li_area.append(np.full(ii.size, dx))
        li_dist.append(np.full(ii.size, dy / 2))
        li_x.append(xc[ii])
        li_y.append(yc[jj] + xf_off * dy if xf_off > 0 else yc[jj + 1] - 0.5 * dy)
        li_kind.append(np.ones(ii.size, dtype=int))
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    gc = np.concatenate(gcoef)
    lc = np.concatenate(li_cell)
    la = np.concatenate(li_area)
    ld = np.concatenate(li_dist)
    lx, ly, lk = np.concatenate(li_x), np.concatenate(li_y), np.concatenate(li_kind)
    # graph Laplacian (sum of g (phi_q - phi_p)) for unit conductivity
    lap = sp.coo_matrix((np.concatenate([gc, gc, -gc, -gc]), (np.concatenate([r, c, r, c]), np.concatenate([c, r, r, c]))), shape=(n, n)).tocsr()
    top = np.zeros(n)
    top_cells = idx[-1, :][idx[-1, :] >= 0]
    top[top_cells] = current * dy
    dir_e = np.bincount(lc, weights=la / ld, minlength=n)  # electronic Dirichlet conductance (phi_e = 0 on Li)
    f = p.f_rt
    ai0 = p.specific_area * p.exchange_current

    def residual(u, linear=False):
        pi, pe = u[:n], u[n:]
        eta = pe - pi
        if linear:
            j = -ai0 * f * eta
            dj = np.full(n, -ai0 * f)
        else:
            j = p.specific_area * bv_current(eta, p.exchange_current, p.alpha, f)
            dj = p.specific_area * bv_derivative(eta, p.exchange_current, p.alpha, f)
        # Li-face flux F with the ionic half-cell between the cell centre and the face:
        # eta_s = -phi_face = -phi_P + r F (r = d/sigma_ion), F = bv(eta_s); k(eta_s) = eta_s + phi_P - r bv(eta_s) = 0
        # is increasing and (cathodic side) concave, so Newton from eta_s = -phi_P converges monotonically.
        rr = ld / p.sigma_ion
        i0a = p.anode_exchange_current
        es = -pi[lc]
        if linear:
            es = -pi[lc] / (1.0 + rr * i0a * f)
            gs = -i0a * f * es
            dbv = np.full(lc.size, -i0a * f)
        else:
            for _ in range(60):
                bv = bv_current(es, i0a, p.alpha, f)
                dbv = bv_derivative(es, i0a, p.alpha, f)
                step = (es + pi[lc] - rr * bv) / (1.0 - rr * dbv)
                es = es - step
                if np.max(np.abs(step)) * f < 1e-13:
                    break
            gs = bv_current(es, i0a, p.alpha, f)
            dbv = bv_derivative(es, i0a, p.alpha, f)
        dgs = dbv / (1.0 - rr * dbv)  # = -dF/dphi_P
        surf = np.bincount(lc, weights=gs * la, minlength=n)
        r_i = p.sigma_ion * (lap @ pi) + top - surf - j * vol
        r_e = p.sigma_e * (lap @ pe) - p.sigma_e * dir_e * pe + j * vol
        dsurf = np.bincount(lc, weights=dgs * la, minlength=n)  # = -d surf / d phi_ion
        jv = dj * vol
        jac = sp.bmat(
            [
                [p.sigma_ion * lap + sp.diags(dsurf + jv), sp.diags(-jv)],
                [sp.diags(-jv), p.sigma_e * lap - sp.diags(p.sigma_e * dir_e - jv)],
            ],
            format="csc",
        )
        return np.concatenate([r_i, r_e]), jac, j, gs

    scale = current * prot.width
    u = np.zeros(2 * n)
    res, jac, _, _ = residual(u, linear=True)
    u = splu(jac).solve(-res)
    eta_lin = (u[n:] - u[:n]) * f
    if np.max(np.abs(eta_lin)) > 60:
        # linear kinetics overshoot (weak exchange currents): start from the uniform Butler-Volmer overpotential instead
        from lisse.sim.interlayer.model import bv_overpotential

        cap = (ai0 * (vol * n) + p.anode_exchange_current * float(np.sum(la))) / scale
        u = np.concatenate([np.full(n, -bv_overpotential(1.0, cap, p.alpha, 1.0) / f), np.zeros(n)])
    res, jac, j, gs = residual(u)
    rn = np.max(np.abs(res))
    ok = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported after the loop)
        du = splu(jac).solve(-res)
        if not np.all(np.isfinite(du)):
            break
        big = np.max(np.abs(du)) * f
        if big > 20:
            du *= 20 / big
        t = 1.0
        while True:
            un = u + t * du
            rnew = residual(un)
            nn = np.max(np.abs(rnew[0]))
            if nn < rn or t < 1e-4:
                break
            t *= 0.5
        u = un
        res, jac, j, gs = rnew
        rn = nn
        if t * np.max(np.abs(du)) * f < tol * max(1.0, np.max(np.abs(u)) * f) and rn < 1e-9 * scale:
            ok = True
            break
    if ok and np.max(np.abs(u[n:] - u[:n])) * f * max(p.alpha, 1 - p.alpha) >= 300.0:
        raise ConvergenceError(f"interlayer 2D solver: the local overpotential leaves the range where Butler-Volmer is evaluated at i = {current:g} A/m2")
    if not ok:
        raise ConvergenceError(
            f"interlayer 2D solver did not converge at i = {current:g} A/m2 on a {nx}x{ny} grid after {it} Newton iterations "
            f"(residual {rn / scale:.2e} of the applied current)"
        )
    pi, pe = u[:n], u[n:]
    eta_c = p.critical_overpotential

    def field2d(v):
        out = np.full((nx, ny), np.nan)
        out[act] = v
        return out

    eta = pe - pi
    surf_total = float(np.sum(gs * la))
    internal_total = float(np.sum(j) * vol)
    tip_faces = (lk == 1) & (lx >= lx[lk == 1].max() - 1e-12) if np.any(lk == 1) else np.zeros(lc.size, bool)
    far = (lk == 0) & (np.abs(ly - prot.width / 2) >= 0.75 * prot.width / 2)
    tip_ratio = float(np.mean(gs[tip_faces]) / np.mean(gs[far])) if tip_faces.any() and far.any() else float("nan")
    xs = np.broadcast_to(xc[:, None], (nx, ny))[act]
    centroid = float(np.sum(j * xs) / np.sum(j)) if np.sum(j) > 0 else float("nan")
    top_row = eta.copy()
    eta_top = float(np.mean(field2d(top_row)[-1, :]))
    metrics = {
        "tip_flux_ratio": tip_ratio,
        "tip_flux_over_applied": float(np.mean(gs[tip_faces]) / current) if tip_faces.any() else float("nan"),
        "eta_electrolyte": eta_top,
        "surface_fraction": surf_total / scale,
        "internal_fraction": internal_total / scale,
        "deposition_centroid": centroid,
        "nucleating_fraction": float(np.mean(-eta >= eta_c)),
        "eta_max": float(np.min(eta)),
        "current_balance_error": abs(surf_total + internal_total - scale) / scale,
    }
    return Solution2D(
        x=xc,
        y=yc,
        li=li,
        eta=field2d(eta),
        phi_e=field2d(pe),
        phi_ion=field2d(pi),
        deposition_rate=field2d(j),
        nucleation_rate=field2d(nucleation_rate_field(eta, p)),
        surface_flux=gs,
        surface_x=lx,
        surface_y=ly,
        surface_kind=lk,
        current=current,
        iterations=it,
        metrics=metrics,
    )


def convergence_study(p: InterlayerParameters, current: float, protrusion: Protrusion | None = None, levels: tuple[int, ...] = (45, 90, 180),
                      progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """Solve on successively refined grids (``nx`` in ``levels``) and report the scalar metrics.

    Returns one dict per level with ``nx``, ``ny``, ``cells``, the metrics, and ``rel_change`` (the
    largest relative change of tip_flux_ratio, surface_fraction and deposition_centroid against the previous level).

    Parameters
    ----------
    p : InterlayerParameters
        Model parameters (SI).
    current : float
        Applied current density [A m-2] (> 0).
    protrusion : Protrusion, optional
        Geometry [m] (default :class:`Protrusion()`).
    levels : sequence of int, default (45, 90, 180)
        Number of cells ``nx`` across the thickness at each level.
    progress : callable, optional
        ``progress(done, total)`` after each level (for a progress bar; never prints).

    Returns
    -------
    list of dict
        One per level (see above); lengths in m, fluxes relative (dimensionless).

    Raises
    ------
    ParameterError
        Bad geometry, current or grid size.
    ConvergenceError
        When Newton does not converge at some level.
    """
    out: list[dict] = []
    prev = None
    keys = ("tip_flux_ratio", "surface_fraction", "deposition_centroid")
    for nx in levels:
        s = solve_2d(p, current, protrusion, nx=nx)
        row = {"nx": nx, "ny": s.y.size, "cells": int(s.x.size * s.y.size), "iterations": s.iterations, **s.metrics}
        if prev is not None:
            row["rel_change"] = max(abs(row[k] - prev[k]) / max(abs(prev[k]), 1e-30) for k in keys)
        else:
            row["rel_change"] = float("nan")
        out.append(row)
        prev = row
        if progress is not None:
            progress(len(out), len(levels))
    return out
