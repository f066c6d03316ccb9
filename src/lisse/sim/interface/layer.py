"""Quasi-steady two-potential solver of an interlayer with position-dependent properties.

The steady solver of :mod:`lisse.sim.interlayer.solver1d` takes uniform conductivities and deposits on every
internal surface; the transient simulator needs sigma_e(x), sigma_ion(x) that change as pores fill with Li
(graded and two-layer interlayers too) and a reaction only where Li exists. Same equations (electroneutral,
Ohm's law in each phase, Butler–Volmer; see :mod:`lisse.sim.interlayer.model`)::

    dI/dx = a(x) j(eta),     d eta/dx = (i - I)/sigma_e(x) - I/sigma_ion(x),   I(l_i) = i,
    I(0) = i0_a f_c g(eta(0))                                            (Li anode face)

discretised by finite volumes (cell-centred eta, face currents I) and solved by Newton on the 2N unknowns.
With uniform properties and Li on every internal surface it reduces to :func:`~lisse.sim.interlayer.solver1d.solve_1d`
(tested against it). Currents are positive towards the Li anode (plating).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lisse.errors import ConvergenceError
from lisse.sim.interlayer.model import bv_current, bv_derivative, bv_overpotential
from lisse.units import quantity_args

__all__ = ["LayerSolution", "solve_layer"]


@dataclass
class LayerSolution:
    """Quasi-steady interlayer state.

    Parameters
    ----------
    eta : numpy.ndarray
        Cell overpotentials [V] (negative = plating).
    ionic_current : numpy.ndarray
        Ionic current density at the N faces 0..N-1 [A/m2] (face N carries the applied current).
    cell_current : numpy.ndarray
        Current deposited in each cell [A/m2 of geometric area] (negative = stripped).
    anode_current : float
        Current plating on the Li anode face [A/m2].
    voltage : float
        phi_ion at the electrolyte face vs the Li anode [V] (positive while plating).
    iterations : int
        Number of Newton iterations (0: closed form, no Li inside the layer).
    """

    eta: np.ndarray
    ionic_current: np.ndarray
    cell_current: np.ndarray
    anode_current: float
    voltage: float
    iterations: int


@quantity_args(current="A/m2", anode_i0="A/m2", sigma_e="S/m[]", sigma_ion="S/m[]")
def solve_layer(h: np.ndarray, sigma_e: np.ndarray, sigma_ion: np.ndarray, ai0: np.ndarray, current: float, anode_i0: float,
                alpha: float, f_rt: float, eta_guess: np.ndarray | None = None, tol: float = 1e-10,
                max_iter: int = 60) -> LayerSolution:
    """Solve the quasi-steady interlayer potentials for one applied current.

    Parameters
    ----------
    h : numpy.ndarray
        Cell widths [m] from the anode (x = 0) to the electrolyte.
    sigma_e, sigma_ion : numpy.ndarray
        Electronic / ionic conductivity of each cell [S/m].
    ai0 : numpy.ndarray
        Reactive area x exchange current of each cell [A/m3] (0 where there is no Li).
    current : float
        Applied current density [A/m2] (positive = plating on this electrode's side).
    anode_i0 : float
        Exchange current of the Li anode face times its contact fraction [A/m2].
    alpha : float
        Cathodic transfer coefficient [-] (dimensionless).
    f_rt : float
        F/(RT) [1/V].
    eta_guess : numpy.ndarray, optional
        Starting overpotentials [V] (a previous solution).
    tol : float
        Convergence tolerance on the residual, relative to |current| (dimensionless).
    max_iter : int
        Largest number of Newton iterations.

    Returns
    -------
    LayerSolution
        The solution.

    Raises
    ------
    ConvergenceError
        Newton did not converge.
    """
    n = h.size
    xc = np.cumsum(h) - 0.5 * h
    d = np.diff(xc)
    se_f = 2.0 / (1.0 / sigma_e[1:] + 1.0 / sigma_e[:-1])
    si_f = 2.0 / (1.0 / sigma_ion[1:] + 1.0 / sigma_ion[:-1])
    i = float(current)
    scale = max(abs(i), 1e-12)
    if anode_i0 > 0 and not np.any(ai0 > 0):
        # no Li inside the layer: the whole current reaches the anode face and the ionic current is uniform, so the
        # equations above integrate in closed form (eta_0 from Butler-Volmer, then the ohmic ionic drop): the same
        # solution Newton converges to, without iterating (most substeps before Li enters or nucleates)
        eta0 = bv_overpotential(i, anode_i0, alpha, f_rt)
        drop = d * i / si_f
        eta = eta0 - np.concatenate([[0.0], np.cumsum(drop)])
        v = -eta0 + float(np.sum(drop)) + 0.5 * h[0] * i / sigma_ion[0] + 0.5 * h[-1] * i / sigma_ion[-1]
        return LayerSolution(eta=eta, ionic_current=np.full(n, i), cell_current=np.zeros(n), anode_current=i, voltage=v,
                             iterations=0)
    if eta_guess is None:
        eta0 = bv_overpotential(i, anode_i0, alpha, f_rt) if anode_i0 > 0 else 0.0
        eta = eta0 - np.concatenate([[0.0], np.cumsum(d * i / si_f)])
    else:
        eta = np.array(eta_guess, dtype=float)
    # initial face currents I_0..I_n-1 consistent with eta
    w = h * ai0
    dep = w * bv_current(eta, 1.0, alpha, f_rt)
    cur = i - np.concatenate([np.cumsum(dep[::-1])[::-1]])
    # unknowns interleaved, z = [I_0, eta_0, I_1, eta_1, ...]; equations ordered so that the Jacobian is tridiagonal:
    # row 0 anode face (I_0, eta_0); row 2k+1 cell balance k (I_k, eta_k, I_k+1); row 2k potential step k (eta_k-1, I_k, eta_k)
    from scipy.linalg import solve_banded

    m2 = 2 * n
    ab = np.zeros((3, m2))
    res = np.zeros(m2)
    k = np.arange(n)
    km = np.arange(1, n)
    err = float("inf")
    for it in range(1, max_iter + 1):
        g = bv_current(eta, 1.0, alpha, f_rt)
        dg = bv_derivative(eta, 1.0, alpha, f_rt)
        nxt = np.append(cur[1:], i)
        res[0] = cur[0] - anode_i0 * g[0]
        res[2 * k + 1] = nxt - cur - w * g
        res[2 * km] = eta[1:] - eta[:-1] - d * ((i - cur[1:]) / se_f - cur[1:] / si_f)
        err = float(np.max(np.abs(res[0::2][:1]))) / scale
        err = max(err, float(np.max(np.abs(res[1::2]))) / scale)
        if it > 1 and err < tol and (n == 1 or float(np.max(np.abs(res[2::2]))) < 1e-12):
            break
        ab[:] = 0.0
        # ab[1 + r - c, c] = J[r, c]
        ab[1, 0] = 1.0                      # row 0, col 0 (I_0)
        ab[0, 1] = -anode_i0 * dg[0]        # row 0, col 1 (eta_0)
        r = 2 * k + 1                       # cell rows
        ab[2, 2 * k] = -1.0                 # J[r, r-1] = dR/dI_k
        ab[1, 2 * k + 1] = -w * dg          # J[r, r] = dR/deta_k
        ab[0, 2 * k[:-1] + 2] = 1.0         # J[r, r+1] = dR/dI_k+1
        rr = 2 * km                         # potential rows
        ab[2, rr - 1] = -1.0                # J[rr, rr-1] = dR/deta_k-1
        ab[1, rr] = d * (1.0 / se_f + 1.0 / si_f)  # J[rr, rr] = dR/dI_k
        ab[0, rr + 1] = 1.0                 # J[rr, rr+1] = dR/deta_k
        del r
        step = solve_banded((1, 1), ab, -res, check_finite=False)
        de = step[1::2]
        lim = 4.0 / f_rt  # at most ~0.1 V per iteration
        fac = min(1.0, lim / max(float(np.max(np.abs(de))), 1e-300))
        eta = eta + fac * de
        cur = cur + fac * step[0::2]
    else:
        raise ConvergenceError(f"interlayer solver: Newton did not converge in {max_iter} iterations (residual {err:.3g})")
    g = bv_current(eta, 1.0, alpha, f_rt)
    cell = w * g
    # phi_ion at the electrolyte face: -eta_0 at the first centre, then the ohmic rise of the ionic phase
    v = -eta[0] + float(np.sum(d * cur[1:] / si_f)) + 0.5 * h[0] * cur[0] / sigma_ion[0] + 0.5 * h[-1] * i / sigma_ion[-1]
    return LayerSolution(eta=eta, ionic_current=cur, cell_current=cell, anode_current=float(cur[0]), voltage=v, iterations=it)
