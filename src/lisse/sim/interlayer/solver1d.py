"""Steady 1D two-potential (ionic / electronic) model of the interlayer, electroneutral limit.

Why Poisson is not resolved
---------------------------
The Debye screening length of a solid Li+ conductor with ~1e27-1e28 mobile ions per m3 is
``lambda_D = sqrt(eps kT / (c e^2)) ~ 0.1 nm`` (eps_r ~ 10-60), while the interlayer is 10-100 um
thick: the ratio is 1e-5 to 1e-6. Solving Poisson across the layer would resolve space-charge layers
five to six orders of magnitude thinner than the domain, with a stiffness of (l_i/lambda_D)^2 ~ 1e11,
and adds nothing: outside those layers the material is electroneutral and charge moves by Ohm's law
in each phase. The double layers are lumped into the Butler–Volmer kinetics, as in porous-electrode
theory [Newman1962]. [Wang2024] coupled Poisson in COMSOL; the electroneutral limit is its outer solution.

Equations (see :mod:`lisse.sim.interlayer.model` for signs)
-------------------------------------------------------------
Nondimensional: ``xi = x/l_i``, ``h = F eta/RT``, ``y = i_ion/i``. Then::

    h'' = -Lambda g(h),          Lambda = (F/RT) l_i^2 a i0 (1/sigma_e + 1/sigma_ion)
    h'(0) = beta_e - (beta_e + beta_i) y0,   y0 = (i0_a/i) g(h(0)),   h'(1) = -beta_i
    beta_e = F l_i i /(RT sigma_e),  beta_i = F l_i i/(RT sigma_ion),   g(h) = exp(-alpha h) - exp((1-alpha) h)

Discretisation: vertex-centred finite volumes on a mesh graded towards both faces (geometric growth
from a first cell that resolves the reaction length ``1/sqrt(Lambda |g'(h)|)``), lumped source;
Newton with a tridiagonal Jacobian (``scipy.linalg.solve_banded``), damped by backtracking, with
continuation in current if the direct Newton does not converge. The discrete scheme conserves
current exactly: the fluxes telescope, so anode deposition + internal deposition = i to the Newton
tolerance. Non-convergence raises :class:`~lisse.errors.ConvergenceError`.

References
----------
Newman and Tobias, J. Electrochem. Soc. 109, 1183 (1962), doi:10.1149/1.2425269.
Wang et al., Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lisse.citations import register
from lisse.electrochem import reduced_butler_volmer, reduced_butler_volmer_slope
from lisse.errors import ConvergenceError, ParameterError
from lisse.records.display import fields_repr, plot_with
from lisse.sim.interlayer.model import _EXP_CAP, InterlayerParameters, nucleation_rate_field
from lisse.units import quantity_args

__all__ = ["Solution1D", "make_mesh", "solve_1d"]


@dataclass
class Solution1D:
    """Steady 1D solution (SI units).

    Parameters
    ----------
    x : ndarray
        Node positions [m], 0 = Li anode, l_i = electrolyte.
    eta : ndarray
        Local overpotential phi_e - phi_ion [V] (negative = cathodic, plating).
    phi_e, phi_ion : ndarray
        Electronic and ionic potentials [V] vs the Li anode.
    i_ion, i_e : ndarray
        Ionic and electronic current densities towards the anode [A/m2].
    deposition_rate : ndarray
        Internal deposition current per volume a j(eta) [A/m3].
    nucleation_rate : ndarray
        Classical nucleation rate J(eta) [1/(m3 s)].
    current : float
        Applied current density i [A/m2].
    anode_current : float
        Current plating on the Li anode face [A/m2].
    internal_current : float
        Current plating on the internal surface [A/m2].
    current_balance_error : float
        |anode + internal - i| / i [-] (dimensionless).
    iterations : int
        Number of Newton iterations used.
    params : InterlayerParameters
        The parameters that were solved.
    """

    x: np.ndarray
    eta: np.ndarray
    phi_e: np.ndarray
    phi_ion: np.ndarray
    i_ion: np.ndarray
    i_e: np.ndarray
    deposition_rate: np.ndarray
    nucleation_rate: np.ndarray
    current: float
    anode_current: float
    internal_current: float
    current_balance_error: float
    iterations: int
    params: InterlayerParameters

    @property
    def interlayer_voltage(self) -> float:
        """phi_ion(l_i) [V]: the polarisation of anode + interlayer seen from the electrolyte side."""
        return float(self.phi_ion[-1])

    def __repr__(self) -> str:
        return fields_repr(self, ["x", "eta", "current", "anode_current", "internal_current", "iterations"])[:-1] + f", params={self.params.name!r})"

    def plot(self, eta_c: float | None = None, *, axes=None, **kwargs):
        """Plot overpotential, currents and deposition across the layer (:func:`lisse.plot.interlayer.profile_figure`).

        Parameters
        ----------
        eta_c : float, optional
            Critical nucleation overpotential [V] (default: that of the solution's parameters).
        axes : sequence of matplotlib.axes.Axes, optional
            Draw into these three matplotlib Axes (default: a new figure).
        **kwargs
            Passed to the plotting function.

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on.
        """
        eta_c = self.params.critical_overpotential if eta_c is None else eta_c
        return plot_with("lisse.plot.interlayer:profile_figure", self, eta_c, axes=axes, **kwargs)


def make_mesh(lam_local: float, n_uniform: int = 200, growth: float = 1.08, resolve: float = 0.1) -> np.ndarray:
    """Nondimensional mesh on [0, 1] graded geometrically towards both faces.

    Parameters
    ----------
    lam_local : float
        Largest local reaction stiffness ``Lambda |g'(h)|`` expected (dimensionless); the first cell
        is ``resolve / sqrt(lam_local)`` so that the thinnest reaction zone holds >= 1/resolve cells.
    n_uniform : int, default 200
        Number of cells of the uniform core.
    growth : float, default 1.08
        Geometric growth factor of the graded parts [-] (dimensionless, 1 < growth < 2).
    resolve : float, default 0.1
        Cell size relative to the thinnest reaction zone [-] (dimensionless).

    Returns
    -------
    numpy.ndarray
        Increasing node positions on [0, 1] [-] (dimensionless; multiply by l_i for metres).

    Raises
    ------
    ParameterError
        ``n_uniform`` < 4 or ``growth`` not in (1, 2).
    """
    if n_uniform < 4 or not (1.0 < growth < 2.0):
        raise ParameterError(f"mesh needs n_uniform >= 4 and 1 < growth < 2; got {n_uniform}, {growth}")
    hu = 1.0 / n_uniform
    hmin = resolve / math.sqrt(max(lam_local, 1e-300))
    hmin = min(max(hmin, 1e-10), hu)
    steps = [0.0]
    h = hmin
    while h < hu and steps[-1] < 0.25:
        steps.append(steps[-1] + h)
        h *= growth
    edge = np.array(steps)
    core = np.linspace(edge[-1], 1.0 - edge[-1], max(2, int(math.ceil((1 - 2 * edge[-1]) / hu)) + 1))
    return np.unique(np.concatenate([edge, core, 1.0 - edge[::-1]]))


class _Problem:
    """Discrete residual and Jacobian for given parameters and current."""

    def __init__(self, p: InterlayerParameters, current: float, xi: np.ndarray, kinetics: str):
        self.p = p
        self.i = current
        self.xi = xi
        self.h = np.diff(xi)
        v = np.empty_like(xi)
        v[0] = self.h[0] / 2
        v[-1] = self.h[-1] / 2
        v[1:-1] = (self.h[:-1] + self.h[1:]) / 2
        self.v = v
        f = p.f_rt
        L = p.thickness
        self.beta_e = f * L * current / p.sigma_e
        self.beta_i = f * L * current / p.sigma_ion
        self.lam = f * L**2 * p.specific_area * p.exchange_current * (1 / p.sigma_e + 1 / p.sigma_ion)
        self.nu = p.specific_area * p.exchange_current * L / current
        self.nu_a = p.anode_exchange_current / current
        self.alpha = p.alpha
        if kinetics not in ("butler-volmer", "linear"):
            raise ParameterError(f"parameter 'kinetics' must be 'butler-volmer' or 'linear'; got {kinetics!r}")
        self.linear = kinetics == "linear"

    def g(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.linear:
            return -h, -np.ones_like(h)
        # reduced Butler–Volmer, cathodic positive: g(h) = -i_anodic/i0 with alpha_a = 1 - alpha, alpha_c = alpha
        a = self.alpha
        return (-reduced_butler_volmer(h, 1.0 - a, a, max_exponent=_EXP_CAP),
                -reduced_butler_volmer_slope(h, 1.0 - a, a, max_exponent=_EXP_CAP))

    def residual(self, hv: np.ndarray, jac: bool = True):
        g, dg = self.g(hv)
        flux = np.diff(hv) / self.h
        y0 = self.nu_a * g[0]
        f_left = self.beta_e - (self.beta_e + self.beta_i) * y0
        r = np.empty_like(hv)
        r[1:-1] = flux[1:] - flux[:-1]
        r[0] = flux[0] - f_left
        r[-1] = -self.beta_i - flux[-1]
        r += self.lam * g * self.v
        if not jac:
            return r, None
        n = hv.size
        ab = np.zeros((3, n))
        inv = 1.0 / self.h
        diag = self.lam * dg * self.v
        diag[:-1] -= inv
        diag[1:] -= inv
        diag[0] += (self.beta_e + self.beta_i) * self.nu_a * dg[0]
        ab[1] = diag
        ab[0, 1:] = inv  # upper: d r_k / d h_{k+1}
        ab[2, :-1] = inv  # lower: d r_{k+1} / d h_k
        return r, ab

    def newton(self, h0: np.ndarray, max_iter: int = 80, tol: float = 1e-11) -> tuple[np.ndarray, int, bool]:
        from scipy.linalg import solve_banded

        hv = h0.copy()
        r, ab = self.residual(hv)
        rn = np.linalg.norm(r, np.inf)
        scale = max(1.0, self.beta_e + self.beta_i)
        for it in range(1, max_iter + 1):
            try:
                dh = solve_banded((1, 1), ab, -r, check_finite=False)
            except (np.linalg.LinAlgError, ValueError):
                return hv, it, False
            if not np.all(np.isfinite(dh)):
                return hv, it, False
            big = np.max(np.abs(dh))
            if big > 20.0:
                dh *= 20.0 / big
            t = 1.0
            while True:
                hn = hv + t * dh
                rn_new, _ = self.residual(hn, jac=False)
                nn = np.linalg.norm(rn_new, np.inf)
                if nn < rn or t < 1e-4:
                    break
                t *= 0.5
            hv = hn
            r, ab = self.residual(hv)
            rn = np.linalg.norm(r, np.inf)
            if t * np.max(np.abs(dh)) < tol * max(1.0, np.max(np.abs(hv))) and rn < 1e-9 * scale:
                return hv, it, True
        return hv, max_iter, False

    def uniform_guess(self) -> np.ndarray:
        """Uniform eta that carries i when internal and anode deposition share one overpotential."""
        cap = self.nu + self.nu_a
        if self.linear:
            return np.full_like(self.xi, -1.0 / cap)
        from lisse.sim.interlayer.model import bv_overpotential

        return np.full_like(self.xi, bv_overpotential(1.0, cap, self.alpha, 1.0))

    def guesses(self) -> list[np.ndarray]:
        """Starting points for Newton: the linear-kinetics solution, then the uniform one, then their blend."""
        lin = self.linear_guess()
        uni = self.uniform_guess()
        out = [lin, uni]
        if np.max(np.abs(lin)) > 2 * abs(uni[0]) + 10:
            out.append(uni + np.clip(lin - lin[0], -20, 20))
        return out

    def linear_guess(self) -> np.ndarray:
        """Solution with linearised kinetics (one linear solve)."""
        from scipy.linalg import solve_banded

        lin, self.linear = self.linear, True
        r, ab = self.residual(np.zeros_like(self.xi))
        self.linear = lin
        return solve_banded((1, 1), ab, -r, check_finite=False)


@quantity_args(current="A/m2")
def solve_1d(
    p: InterlayerParameters,
    current: float,
    *,
    kinetics: str = "butler-volmer",
    mesh: np.ndarray | None = None,
    n_uniform: int = 200,
    initial: np.ndarray | None = None,
    max_iter: int = 80,
) -> Solution1D:
    """Solve the steady 1D interlayer problem at applied (plating) current density ``current``.

    Parameters
    ----------
    p : InterlayerParameters
        Model parameters (SI), e.g. from :func:`~lisse.sim.interlayer.model.make_parameters`.
    current : float
        Galvanostatic plating current density i [A m-2] (> 0).
    kinetics : {"butler-volmer", "linear"}
        Local kinetics on the internal surface and at the anode face; "linear" is the small-signal
        limit used for the Newman-Tobias validation.
    mesh : numpy.ndarray, optional
        Nondimensional node positions on [0, 1] (dimensionless; default: :func:`make_mesh` adapted to the solution).
    n_uniform : int, default 200
        Number of cells of the uniform core of the default mesh.
    initial : numpy.ndarray, optional
        Initial guess of F eta/RT at the mesh nodes (dimensionless; warm start in sweeps).
    max_iter : int, default 80
        Maximum number of Newton iterations per continuation step.

    Returns
    -------
    Solution1D
        Potentials [V], currents [A m-2], rates and the current balance.

    Raises
    ------
    ParameterError
        ``current`` not positive, a bad ``mesh`` or ``kinetics``, or no deposition possible.
    ConvergenceError
        If Newton (with continuation in current) does not converge.

    References
    ----------
    Newman and Tobias, Theoretical analysis of current distribution in porous electrodes, J. Electrochem. Soc. 109, 1183 (1962), doi:10.1149/1.2425269.
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    if not (math.isfinite(current) and current > 0):
        raise ParameterError(f"parameter 'current' must be a positive current density; got {current!r} A/m2 (= {current / 10:g} mA/cm2)")
    register("Newman1962")
    adapt = mesh is None
    if mesh is None:
        lam0 = _Problem(p, current, np.linspace(0, 1, 3), kinetics).lam
        xi = make_mesh(max(lam0, 1.0), n_uniform)
    else:
        xi = np.asarray(mesh, dtype=float)
        if xi.ndim != 1 or xi.size < 3 or abs(xi[0]) > 0 or abs(xi[-1] - 1) > 1e-15 or np.any(np.diff(xi) <= 0):
            raise ParameterError("parameter 'mesh' must be increasing nondimensional nodes from 0 to 1 (>= 3 nodes)")
    if p.specific_area * p.exchange_current <= 0 and p.anode_exchange_current <= 0:
        raise ParameterError("no deposition is possible: specific_area * exchange_current and anode_exchange_current are both zero")
    for _ in range(4):
        prob = _Problem(p, current, xi, kinetics)
        starts = ([initial] if (initial is not None and initial.size == xi.size) else []) + prob.guesses()
        ok = False
        for h0 in starts:
            hv, iters, ok = prob.newton(h0, max_iter)
            if ok:
                break
        if not ok:
            hv, iters, ok = _continuation(p, current, xi, kinetics, max_iter)
        if not ok:
            raise ConvergenceError(
                f"interlayer 1D solver did not converge at i = {current:g} A/m2 ({p.name}: sigma_e = {p.sigma_e:g} S/m, "
                f"sigma_ion = {p.sigma_ion:g} S/m, a*i0 = {p.specific_area * p.exchange_current:g} A/m3) after {iters} Newton iterations"
            )
        if not prob.linear and np.max(np.abs(hv)) * max(p.alpha, 1 - p.alpha) >= 300.0:
            raise ConvergenceError(
                f"interlayer 1D solver: at i = {current:g} A/m2 the local overpotential reaches {np.max(np.abs(hv)) / p.f_rt:.3g} V, beyond the "
                "range where the Butler-Volmer exponentials are evaluated (|alpha F eta/RT| < 300); the parameters are unphysical for this current"
            )
        if not adapt:
            break
        _, dg = prob.g(hv)
        lam_loc = float(np.max(prob.lam * np.abs(dg)))
        need = 0.1 / math.sqrt(max(lam_loc, 1e-300))
        if np.min(prob.h) <= 1.01 * max(need, 1e-10):
            break
        xi_new = make_mesh(max(lam_loc, 1.0) * 1.0, n_uniform)
        initial = np.interp(xi_new, xi, hv)
        xi = xi_new
    return _package(prob, hv, iters)


def _continuation(p, current, xi, kinetics, max_iter):
    hv = None
    ok = False
    iters = 0
    for s in np.geomspace(1e-3, 1.0, 25):
        prob = _Problem(p, current * s, xi, kinetics)
        h0 = prob.guesses()[0] if hv is None else hv
        hv, it, ok = prob.newton(h0, max_iter)
        iters += it
        if not ok:
            return hv, iters, False
    return hv, iters, ok


def _package(prob: _Problem, hv: np.ndarray, iters: int) -> Solution1D:
    p = prob.p
    f = p.f_rt
    L = p.thickness
    g, _ = prob.g(hv)
    y0 = prob.nu_a * g[0]
    src = prob.nu * g * prob.v  # fraction of i deposited in each control volume
    y_face = y0 + np.cumsum(src)[:-1]  # i_ion/i at the faces between nodes (cumulative from the anode)
    # node values of y: anode y0, interior face averages, electrolyte 1
    y_node = np.empty_like(hv)
    y_node[0] = y0
    y_node[-1] = 1.0
    y_node[1:-1] = 0.5 * (y_face[:-1] + y_face[1:])
    psi_e = np.concatenate([[0.0], np.cumsum(prob.beta_e * (1.0 - y_face) * prob.h)])
    psi_i = psi_e - hv
    eta = hv / f
    anode = y0 * prob.i
    internal = float(np.sum(src)) * prob.i
    err = abs(anode + internal - prob.i) / prob.i
    jv = p.specific_area * g * p.exchange_current  # A/m3
    return Solution1D(
        x=prob.xi * L,
        eta=eta,
        phi_e=psi_e / f,
        phi_ion=psi_i / f,
        i_ion=y_node * prob.i,
        i_e=(1.0 - y_node) * prob.i,
        deposition_rate=jv,
        nucleation_rate=nucleation_rate_field(eta, p),
        current=prob.i,
        anode_current=anode,
        internal_current=internal,
        current_balance_error=err,
        iterations=iters,
        params=p,
    )
