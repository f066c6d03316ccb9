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
from lisse.sim.interlayer.model import bv_current_and_derivative, bv_overpotential
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
    return _solve(np.asarray(h, dtype=float), np.asarray(sigma_e, dtype=float), np.asarray(sigma_ion, dtype=float),
                  np.asarray(ai0, dtype=float), float(current), float(anode_i0), float(alpha), float(f_rt), eta_guess, tol,
                  max_iter)


def _solve(h: np.ndarray, sigma_e: np.ndarray, sigma_ion: np.ndarray, ai0: np.ndarray, current: float, anode_i0: float,
           alpha: float, f_rt: float, eta_guess: np.ndarray | None = None, tol: float = 1e-10, max_iter: int = 60) -> LayerSolution:
    """:func:`solve_layer` on SI arrays, without the unit conversion (one layer; see :func:`_solve_batch`)."""
    return _solve_batch(h[None, :], sigma_e[None, :], sigma_ion[None, :], ai0[None, :], np.array([current], dtype=float),
                        np.array([anode_i0], dtype=float), alpha, f_rt, None if eta_guess is None else np.asarray(eta_guess)[None, :],
                        tol, max_iter)[0]


def _solve_batch(h: np.ndarray, sigma_e: np.ndarray, sigma_ion: np.ndarray, ai0: np.ndarray, current: np.ndarray,
                 anode_i0: np.ndarray, alpha: float, f_rt: float, eta_guess: np.ndarray | None = None, tol: float = 1e-10,
                 max_iter: int = 60) -> list[LayerSolution]:
    """:func:`_solve_batch_arrays` as one :class:`LayerSolution` per block."""
    eta, ion, cell, anode, volt, iters = _solve_batch_arrays(h, sigma_e, sigma_ion, ai0, current, anode_i0, alpha, f_rt,
                                                             eta_guess, tol, max_iter)
    return [LayerSolution(eta=eta[b], ionic_current=ion[b], cell_current=cell[b], anode_current=float(anode[b]),
                          voltage=float(volt[b]), iterations=int(iters[b])) for b in range(eta.shape[0])]


def _solve_batch_arrays(h: np.ndarray, sigma_e: np.ndarray, sigma_ion: np.ndarray, ai0: np.ndarray, current: np.ndarray,
                        anode_i0: np.ndarray, alpha: float, f_rt: float, eta_guess: np.ndarray | None = None,
                        tol: float = 1e-10, max_iter: int = 60) -> tuple[np.ndarray, ...]:
    """Solve B independent layers at once (the transient simulator's inner loop: both electrodes of a cell per call).

    Every argument of :func:`solve_layer` with a leading axis of length B (``h``, ``sigma_e``, ``sigma_ion``, ``ai0``,
    ``eta_guess``: B x N; ``current``, ``anode_i0``: B). The B tridiagonal Newton systems are stacked into one
    tridiagonal system with no coupling between the blocks (LAPACK ``gtsv``), and the Butler–Volmer value and slope
    are evaluated in one call over all cells: the same equations, damping (per block) and convergence test (every block)
    as a single solve, at about the Python overhead of one. A layer with no Li inside (ai0 = 0 everywhere) has the
    closed-form solution below; it starts Newton there and is converged at once.

    Returns
    -------
    tuple of ndarray
        ``eta``, ``ionic_current``, ``cell_current`` (B x N), ``anode_current``, ``voltage``, ``iterations`` (B): the
        fields of :class:`LayerSolution` by block.

    Raises
    ------
    ConvergenceError
        Newton did not converge in ``max_iter`` iterations.
    """
    from scipy.linalg.lapack import dgtsv

    nb, n = h.shape
    hd = 0.25 * (h[:, 1:] + h[:, :-1])  # half the distance between cell centres
    rse, rsi = 1.0 / sigma_e, 1.0 / sigma_ion
    d_se = hd * (rse[:, 1:] + rse[:, :-1])  # distance / harmonic-mean face conductivity
    d_si = hd * (rsi[:, 1:] + rsi[:, :-1])
    i = np.asarray(current, dtype=float)
    a0 = np.asarray(anode_i0, dtype=float)
    scale = np.maximum(np.abs(i), 1e-12)
    # no Li inside a layer: the whole current reaches the anode face and the ionic current is uniform, so the equations
    # above integrate in closed form (eta_0 from Butler-Volmer, then the ohmic ionic drop): the solution Newton converges to
    closed = ~(ai0 > 0).any(axis=1) & (a0 > 0)
    guess = None if eta_guess is None else np.array(eta_guess, dtype=float)
    need = closed | (np.ones(nb, dtype=bool) if guess is None else np.isnan(guess[:, 0]))  # a NaN row: no guess
    eta_cf = ion_cf = cell_cf = None
    if need.any():
        eta0 = np.zeros(nb)
        inv = need & (a0 > 0)
        if inv.any():
            eta0[inv] = bv_overpotential(i[inv], a0[inv], alpha, f_rt)
        eta_cf = eta0[:, None] - np.concatenate([np.zeros((nb, 1)), np.cumsum(d_si * i[:, None], axis=1)], axis=1)
        v_cf = -eta0 + np.sum(d_si, axis=1) * i + 0.5 * (h[:, 0] * rsi[:, 0] + h[:, -1] * rsi[:, -1]) * i
        ion_cf, cell_cf = np.repeat(i[:, None], n, axis=1), np.zeros((nb, n))  # closed form: uniform ionic current, no cell current
        if closed.all():
            return eta_cf, ion_cf, cell_cf, i.copy(), v_cf, np.zeros(nb, dtype=int)
        eta = eta_cf if guess is None else np.where(need[:, None], eta_cf, guess)
    else:
        eta = guess
    w = h * ai0
    c1 = d_se * i[:, None]
    dsei = d_se + d_si
    lim = 4.0 / f_rt  # at most ~0.1 V per iteration
    m2 = 2 * n
    # Newton runs on the blocks still iterating only (rows ``ix`` of the batch; the per-block arrays below are those rows):
    # a block stops where it converges, so its iterates, and the solution, are those of solving it alone whatever else is
    # in the batch (the stacked system has no coupling between blocks); closed-form blocks are never iterated. The
    # converged blocks' values go to the full arrays (eta_all, cur_all, g_all) as they stop.
    ix = np.flatnonzero(~closed)
    eta_all = eta.copy()
    cur_all = np.zeros((nb, n))
    g_all = np.zeros((nb, n))
    iters = np.zeros(nb, dtype=int)
    eta = eta[ix]
    w_a, a0_a, i_a, c1_a, dsei_a, scale_a = w[ix], a0[ix], i[ix], c1[ix], dsei[ix], scale[ix]
    g, dg = bv_current_and_derivative(eta, 1.0, alpha, f_rt)
    # initial face currents I_0..I_n-1 consistent with eta
    cur = i_a[:, None] - np.cumsum((w_a * g)[:, ::-1], axis=1)[:, ::-1]
    # unknowns interleaved per block, z = [I_0, eta_0, I_1, eta_1, ...]; equations ordered so that the Jacobian is
    # tridiagonal: row 0 anode face (I_0, eta_0); row 2k+1 cell balance k (I_k, eta_k, I_k+1); row 2k potential step k
    # (eta_k-1, I_k, eta_k); the blocks follow each other with zero coupling
    err = np.inf
    for it in range(1, max_iter + 1):
        if it > 1:
            g, dg = bv_current_and_derivative(eta, 1.0, alpha, f_rt)
        na = ix.size
        wg = w_a * g
        res = np.empty((na, m2))
        res[:, 0] = cur[:, 0] - a0_a * g[:, 0]
        res[:, 1:m2 - 1:2] = cur[:, 1:] - cur[:, :-1] - wg[:, :-1]
        res[:, m2 - 1] = i_a - cur[:, -1] - wg[:, -1]
        res[:, 2::2] = eta[:, 1:] - eta[:, :-1] - c1_a + dsei_a * cur[:, 1:]
        errs = np.maximum(np.abs(res[:, 0]), np.abs(res[:, 1::2]).max(axis=1)) / scale_a
        if it > 1:
            done = errs < tol
            if n > 1:
                done &= np.abs(res[:, 2::2]).max(axis=1) < 1e-12
            if done.any():
                rows = ix[done]
                eta_all[rows], cur_all[rows], g_all[rows], iters[rows] = eta[done], cur[done], g[done], it
                if done.all():
                    break
                keep = ~done
                ix, eta, cur, g, dg, res, errs = ix[keep], eta[keep], cur[keep], g[keep], dg[keep], res[keep], errs[keep]
                w_a, a0_a, i_a, c1_a, dsei_a, scale_a = w_a[keep], a0_a[keep], i_a[keep], c1_a[keep], dsei_a[keep], scale_a[keep]
                na = ix.size
        err = float(errs.max())
        # J[r+1, r]: dR_cell_k/dI_k (r = 2k), dR_pot_k+1/deta_k (r = 2k+1); J[r, r+1]: dR_cell_k/dI_k+1 (r = 2k+1),
        # dR_pot_k/deta_k (r = 2k >= 2); the last of each block 0 (no coupling to the next block)
        sub = np.full((na, m2), -1.0)
        sub[:, -1] = 0.0
        sup = np.ones((na, m2))
        sup[:, -1] = 0.0
        sup[:, 0] = -a0_a * dg[:, 0]     # row 0 of each block, col 1 (eta_0)
        diag = np.empty((na, m2))
        diag[:, 0] = 1.0                 # row 0, col 0 (I_0)
        diag[:, 2::2] = dsei_a           # J[2k, 2k] = dR_pot_k/dI_k
        diag[:, 1::2] = -w_a * dg        # J[2k+1, 2k+1] = dR_cell_k/deta_k
        step = dgtsv(sub.ravel()[:-1], diag.ravel(), sup.ravel()[:-1], -res.ravel(), overwrite_dl=1, overwrite_d=1,
                     overwrite_du=1, overwrite_b=1)[3].reshape(na, m2)
        de = step[:, 1::2]
        fac = np.minimum(1.0, lim / np.maximum(np.abs(de).max(axis=1), 1e-300))[:, None]
        eta = eta + fac * de
        cur = cur + fac * step[:, 0::2]
    else:
        raise ConvergenceError(f"interlayer solver: Newton did not converge in {max_iter} iterations (residual {err:.3g})")
    eta, cur = eta_all, cur_all
    cell = w * g_all
    # phi_ion at the electrolyte face: -eta_0 at the first centre, then the ohmic rise of the ionic phase
    volt = (-eta[:, 0] + np.sum(d_si * cur[:, 1:], axis=1) + 0.5 * h[:, 0] * cur[:, 0] * rsi[:, 0]
            + 0.5 * h[:, -1] * i * rsi[:, -1])
    anode = cur[:, 0].copy()
    if closed.any():  # closed-form blocks: their closed form (never iterated)
        assert eta_cf is not None and ion_cf is not None and cell_cf is not None
        c = closed[:, None]
        eta, cur, cell = np.where(c, eta_cf, eta), np.where(c, ion_cf, cur), np.where(c, cell_cf, cell)
        anode, volt = np.where(closed, i, anode), np.where(closed, v_cf, volt)
    return eta, cur, cell, anode, volt, iters
