"""Semi-implicit DCT (Neumann) time stepping of the Allen–Cahn Li model, coupled to the potential.

Scheme: second-order semi-implicit backward differentiation (SBDF2; the first step and every step
after a change of Δt or of the potential are first-order IMEX Euler) with the gradient term implicit
in DCT space ([ChenShen1998]; stabilisation after [ShenYang2010])::

    (1 + ⅔Δt (L_σ k_ζ K² + S)) ζ̂^{n+1} = DCT[ (4ζ^n − ζ^{n−1})/3 + ⅔Δt (2N^n − N^{n−1} + S(2ζ^n − ζ^{n−1})) ]

N(ζ) collects every term except the gradient term: the double well, the B coupling, the
cross-gradient source −L_σ k_Li ∇²φ_g and the Butler–Volmer term −L_η h'(ζ) F_BV(η(x)). K² is the
symbol of the 5-point Laplacian under the type-II DCT, 2(1 − cos(π m/N))/Δx² per axis, so the
boundaries are zero-flux (Neumann) and the spatial error is O(Δx²). (A first-order IMEX step slows
fronts by ~0.3 L_σAΔt relative; SBDF2 removes that error at the same cost.)

Stability criterion
-------------------
The gradient term is implicit (no Δx² limit). The explicit part is stable when
``Δt · max|∂N/∂ζ| ≤ 1`` (SBDF2 extrapolation; 2 for the Euler step) with
``max|∂N/∂ζ| ≤ L_σ (2A + B max φ_g²) + L_η · 5.7735 · max|F_BV|`` (5.7735 = max|h''|). The default time
step is ``cfl / max|∂N/∂ζ|`` with cfl = 0.5 and S = 0 (no added damping, so fronts move at the right
speed). A user Δt above the limit switches on the stabiliser S = max|∂N/∂ζ| (S ≥ ½ max|∂N/∂ζ| makes the
first-order step unconditionally energy stable [ShenYang2010]; with the full bound SBDF2 stays bounded,
checked in the tests at 10× the limit) at the price of an O(SΔt) time error. The stiff
Butler–Volmer exponentials enter only through F_BV(η), evaluated once per potential update, and their
ζ-derivative is included in the bound, so large overpotentials shrink Δt instead of blowing up. A step
whose largest change of ζ exceeds ``max_dzeta`` is repeated with half the step (adaptive safeguard);
Δt is recomputed after every potential update.

Potential
---------
Every ``potential_every`` steps ``∇·(σ(ζ, φ_g) ∇φ) = 0`` is solved (cell-centred finite volumes,
harmonic face means) with a log-linear (geometric) interpolation
ln σ = h(ζ) ln σ_Li + (1 − h(ζ)) [(1 − φ_g) ln σ_pore + φ_g ln σ_particle], h = ζ³(10 − 15ζ + 6ζ²). (A linear
interpolation would make the far tail of the diffuse Li profile, ζ ~ 1e-3, metallic compared with the
electrolyte and widen the Li conductor by several δ; the geometric one switches at ζ ≈ 0.3.)
φ = η_applied on the bottom face (the Li current collector) and 0 on the top face (electrolyte
reference), zero flux on the sides. The local overpotential in the Butler–Volmer term is η(x) = φ(x).
The Li/electrolyte contrast is ~1e9, so the system is Jacobi-scaled and solved by conjugate gradients
with a smoothed-aggregation AMG preconditioner (pyamg) when installed, else ILU-preconditioned
BiCGSTAB, else a sparse direct solve. Li connected to the collector is then equipotential and sees
the applied η; Li islands cut off from it float to the electrolyte potential and stop growing.
The Li+ concentration and the reaction source term of the potential equation are not solved
(c_Li/c0 = 1).

References
----------
L.-Q. Chen, J. Shen, Comput. Phys. Commun. 108 (1998) 147, doi:10.1016/S0010-4655(97)00115-X [ChenShen1998].
J. Shen, X. Yang, Discrete Contin. Dyn. Syst. A 28 (2010) 1669, doi:10.3934/dcds.2010.28.1669 [ShenYang2010].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lisse.citations import Citation, add, register
from lisse.electrochem import butler_volmer
from lisse.errors import ConvergenceError, ParameterError
from lisse.records.display import plot_with
from lisse.sim.phasefield.backend import DeviceCache, HostMirror, get_backend, iadd, idiv, imul, isub, set_device
from lisse.sim.phasefield.model import PhaseFieldCoefficients

__all__ = ["PhaseFieldSolver", "front_metrics", "laplacian", "H2_MAX"]

add(Citation("ChenShen1998", "L.-Q. Chen, J. Shen", "Applications of semi-implicit Fourier-spectral method to phase field equations",
             "Comput. Phys. Commun. 108, 147-158", 1998, "10.1016/S0010-4655(97)00115-X"))
add(Citation("ShenYang2010", "J. Shen, X. Yang", "Numerical approximations of Allen-Cahn and Cahn-Hilliard equations",
             "Discrete Contin. Dyn. Syst. A 28, 1669-1691", 2010, "10.3934/dcds.2010.28.1669"))

#: max over ζ in [0, 1] of |h''(ζ)| for h'(ζ) = 30 ζ²(1−ζ)².
H2_MAX = 30.0 * 2.0 * ((3 - math.sqrt(3)) / 6) * ((3 + math.sqrt(3)) / 6) * (math.sqrt(3) / 3)


def laplacian(a: np.ndarray, dx: float) -> np.ndarray:
    """5-point (2D) / 7-point (3D) Laplacian with mirror (zero-flux) boundaries [1/m2].

    Parameters
    ----------
    a : numpy.ndarray
        Field on a regular 1-3D grid [any unit].
    dx : float
        Grid spacing [m].

    Returns
    -------
    numpy.ndarray
        ∇²a [unit of a per m2].
    """
    p = np.pad(a, 1, mode="edge")
    out = -2.0 * a.ndim * a
    for ax in range(a.ndim):
        sl_p = [slice(1, -1)] * a.ndim
        sl_m = [slice(1, -1)] * a.ndim
        sl_p[ax] = slice(2, None)
        sl_m[ax] = slice(None, -2)
        out = out + p[tuple(sl_p)] + p[tuple(sl_m)]
    return out / dx**2


def _dct_symbol(shape: tuple[int, ...], dx: float) -> np.ndarray:
    k2 = np.zeros(shape)
    for ax, n in enumerate(shape):
        lam = (2.0 - 2.0 * np.cos(np.pi * np.arange(n) / n)) / dx**2
        sh = [1] * len(shape)
        sh[ax] = n
        k2 = k2 + lam.reshape(sh)
    return k2


def _face_stiffness(sigma: np.ndarray, dirichlet: tuple[str, ...] = ()):
    """Finite-volume matrix of −∇·σ∇ on a unit-spacing grid (harmonic face means; divide by dx² for SI).

    Faces of the box are zero-flux, except those named in ``dirichlet`` (``"bottom"``: first index of axis 0,
    ``"top"``: last), where φ = 0 half a cell outside adds 2σ to the diagonal. One assembly for both phase-field
    solvers (the Allen–Cahn potential and the two potentials of :mod:`.electrodeposition`).

    Parameters
    ----------
    sigma : numpy.ndarray
        Cell conductivities [S/m], 2D or 3D.
    dirichlet : tuple of str
        Faces held at φ = 0: any of ``"bottom"``, ``"top"``.

    Returns
    -------
    tuple
        The CSR matrix [S/m] and its diagonal (numpy array) [S/m].
    """
    import scipy.sparse as sp

    n = sigma.size
    idx = np.arange(n).reshape(sigma.shape)
    rows, cols, vals = [], [], []
    diag = np.zeros(n)
    for ax in range(sigma.ndim):
        a = [slice(None)] * sigma.ndim
        b = [slice(None)] * sigma.ndim
        a[ax] = slice(None, -1)
        b[ax] = slice(1, None)
        sa, sb = sigma[tuple(a)], sigma[tuple(b)]
        cface = (2.0 * sa * sb / (sa + sb)).ravel()
        ia, ib = idx[tuple(a)].ravel(), idx[tuple(b)].ravel()
        rows += [ia, ib]
        cols += [ib, ia]
        vals += [-cface, -cface]
        np.add.at(diag, ia, cface)
        np.add.at(diag, ib, cface)
    for face in dirichlet:
        k = {"bottom": 0, "top": -1}[face]
        np.add.at(diag, idx[k].ravel(), 2.0 * sigma[k].ravel())
    rows.append(np.arange(n))
    cols.append(np.arange(n))
    vals.append(diag)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)), diag


def front_metrics(zeta: np.ndarray, phi_g: np.ndarray, dx: float, y_bottom: float, y_top: float | None = None) -> dict:
    """Li front observables (2D/3D, axis 0 = y, Li at the bottom).

    Parameters
    ----------
    zeta : numpy.ndarray
        Phase field ζ [-] (dimensionless), axis 0 = y.
    phi_g : numpy.ndarray
        Static particle field φ_g [-] (dimensionless), same shape.
    dx : float
        Grid spacing [m].
    y_bottom : float
        Bottom of the porous layer [m].
    y_top : float, optional
        Top of the porous layer [m]; default the domain top.

    Returns
    -------
    dict
        ``li_thickness_m`` (planar-equivalent Li thickness ∫ζ/area), ``tip_m`` (highest y of the Li
        region ζ > ½ connected to the bottom, interpolated), ``front_mean_m`` (mean over columns of the
        first ζ = ½ crossing from the bottom), ``penetration_m`` (max(0, tip − y_bottom)) and
        ``pore_fill`` (Li fraction of the pore space of the layer band).
    """
    from scipy.ndimage import label

    ny = zeta.shape[0]
    cols = zeta.reshape(ny, -1)
    area = cols.shape[1] * dx
    thick = float(zeta.sum() * dx ** zeta.ndim / area)
    # first crossing per column
    below = cols < 0.5
    first = np.where(below.any(axis=0), below.argmax(axis=0), ny)
    fy = np.empty(cols.shape[1])
    for c in range(cols.shape[1]):
        j = first[c]
        if j == 0:
            fy[c] = 0.0
        elif j >= ny:
            fy[c] = ny * dx
        else:
            z0, z1 = cols[j - 1, c], cols[j, c]
            fy[c] = (j - 0.5 + (z0 - 0.5) / (z0 - z1)) * dx
    lab, _ = label(zeta > 0.5)
    bottom_ids = np.unique(lab[0][lab[0] > 0])
    tip = 0.0
    if bottom_ids.size:
        conn = np.isin(lab, bottom_ids).reshape(ny, -1)
        rows = np.nonzero(conn.any(axis=1))[0]
        jt = int(rows[-1])
        tip = (jt + 1.0) * dx
        if jt + 1 < ny:
            c = conn[jt]
            z0 = cols[jt][c]
            z1 = cols[jt + 1][c]
            frac = np.clip((z0 - 0.5) / np.maximum(z0 - z1, 1e-12), 0.0, 1.0)
            tip = (jt + 0.5 + float(frac.max())) * dx
    yy = (np.arange(ny) + 0.5) * dx
    top = ny * dx if y_top is None else y_top
    band = (yy >= y_bottom) & (yy <= top)
    pores = 1.0 - phi_g.reshape(ny, -1)[band]
    fill = float((cols[band] * pores).sum() / pores.sum()) if pores.sum() > 0 else float("nan")
    return {
        "li_thickness_m": thick,
        "tip_m": float(tip),
        "front_mean_m": float(fy.mean()),
        "penetration_m": float(max(0.0, tip - y_bottom)),
        "pore_fill": fill,
    }


@dataclass
class _PotentialSolver:
    method: str = "auto"
    tol: float = 1e-8
    _ml: Any = None  # pyamg multilevel solver (pyamg is untyped), reused between solves
    _uses: int = 0
    last_iterations: int = 0
    info: dict = field(default_factory=dict)


class PhaseFieldSolver:
    """Allen–Cahn Li electrodeposition on a regular grid (2D or 3D), NumPy/SciPy backend.

    Parameters
    ----------
    coeffs : PhaseFieldCoefficients
        From :func:`lisse.sim.phasefield.model.coefficients_from_physical` (or built directly).
    zeta : numpy.ndarray
        Initial phase field ζ [-] (dimensionless; 1 = Li), copied, not modified.
    phi_g : numpy.ndarray
        Static particle field φ_g [-] (dimensionless), same shape (zeros for no particles).
    dx : float
        Grid spacing [m].
    dt : float, optional
        Time step [s]; default ``cfl / max|∂N/∂ζ|`` (see module notes).
    cfl : float, default 0.5
        Default step as a fraction of 1/max|∂N/∂ζ| [-] (dimensionless; ≤ 1 is stable without stabilisation).
    stabilization : float, optional
        S [1/s]; default 0, or max|∂N/∂ζ| when ``dt`` exceeds the explicit bound.
    solve_potential : bool, default False
        Couple the potential equation (needs Li at the bottom face).
    potential_every : int, default 10
        Number of steps between potential solves.
    potential_method : {"auto", "amg", "ilu", "direct"}, default "auto"
        Linear solver for the potential ("auto": AMG if pyamg is installed, else ILU-BiCGSTAB).
    potential_tol : float, default 1e-10
        Relative tolerance of the iterative potential solve [-] (dimensionless).
    max_dzeta : float, default 0.2
        Largest change of ζ per step [-] (dimensionless) before the step is repeated with Δt/2.
    t0 : float, default 0.0
        Initial time [s] (restarts).
    step0 : int, default 0
        Initial step count (restarts).
    dtype : {"float64", "float32"}, default "float64"
        Field precision; float32 halves the cost of the transforms (about 1e-6 relative round-off).
    backend : {"numpy", "jax", "cupy"}, default "numpy"
        Array backend of the ζ update (:mod:`lisse.sim.phasefield.backend`; the potential solve stays on the host);
        ``zeta`` then reads as a read-only NumPy copy (assign a new array to change it).

    Raises
    ------
    ParameterError
        Shapes differ or fields are not finite, ``dx`` not positive, or an unknown option or backend.
    MissingDependencyError
        ``backend`` is "jax" or "cupy" and that package is not installed (extra ``gpu``).

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    L. Chen et al., Modulation of dendritic patterns during electrodeposition: a nonlinear phase-field model, J. Power Sources 300, 376-385 (2015), doi:10.1016/j.jpowsour.2015.09.055.
    L.-Q. Chen, J. Shen, Applications of semi-implicit Fourier-spectral method to phase field equations, Comput. Phys. Commun. 108, 147-158 (1998), doi:10.1016/S0010-4655(97)00115-X.
    J. Shen, X. Yang, Numerical approximations of Allen-Cahn and Cahn-Hilliard equations, Discrete Contin. Dyn. Syst. A 28, 1669-1691 (2010), doi:10.3934/dcds.2010.28.1669.
    """

    zeta = HostMirror()  # on the backend's arrays, read on the host as NumPy
    _dev_zeta: Any  # its device array (set by HostMirror / set_device)

    def __init__(self, coeffs: PhaseFieldCoefficients, zeta: np.ndarray, phi_g: np.ndarray, dx: float, *,
                 dt: float | None = None, cfl: float = 0.5, stabilization: float | None = None,
                 solve_potential: bool = False, potential_every: int = 10, potential_method: str = "auto",
                 potential_tol: float = 1e-10, max_dzeta: float = 0.2, t0: float = 0.0, step0: int = 0,
                 dtype: str = "float64", backend: str = "numpy") -> None:
        register("Wang2024", "Chen2015", "ChenShen1998")
        self._bk = get_backend(backend)
        self.backend = backend
        self._dc = DeviceCache(self._bk)
        if dtype not in ("float64", "float32"):
            raise ParameterError(f"parameter 'dtype' must be 'float64' or 'float32'; got {dtype!r}")
        self.dtype = np.dtype(dtype)
        zeta = np.array(zeta, dtype=self.dtype)
        phi_g = np.array(phi_g, dtype=self.dtype)
        if zeta.ndim not in (1, 2, 3) or zeta.shape != phi_g.shape:
            raise ParameterError(f"'zeta' and 'phi_g' must be 1-3D arrays of the same shape; got {zeta.shape} and {phi_g.shape}")
        if not (np.all(np.isfinite(zeta)) and np.all(np.isfinite(phi_g))):
            raise ParameterError("'zeta' and 'phi_g' must be finite")
        if not (isinstance(dx, (int, float)) and math.isfinite(dx) and dx > 0):
            raise ParameterError(f"parameter 'dx' must be a positive length in m; got {dx!r}")
        if potential_method not in ("auto", "amg", "ilu", "direct"):
            raise ParameterError(f"parameter 'potential_method' must be auto, amg, ilu or direct; got {potential_method!r}")
        if int(potential_every) < 1:
            raise ParameterError(f"parameter 'potential_every' must be >= 1; got {potential_every!r}")
        self.c = coeffs
        self.zeta = zeta
        self.phi_g = phi_g
        self.dx = float(dx)
        self.t = float(t0)
        self.step_count = int(step0)
        self.solve_potential = bool(solve_potential)
        self.potential_every = int(potential_every)
        self.max_dzeta = float(max_dzeta)
        self._pot = _PotentialSolver(potential_method, potential_tol)
        self._k2 = _dct_symbol(zeta.shape, self.dx).astype(self.dtype)
        self._phi2 = phi_g**2
        self._src = (-coeffs.L_sigma * coeffs.k_li * laplacian(phi_g, self.dx)).astype(self.dtype)
        self._has_src = bool(np.any(self._src != 0.0))
        self._LsB_phi2 = (coeffs.L_sigma * coeffs.B * self._phi2).astype(self.dtype)
        self._has_particles = bool(np.any(self._LsB_phi2 != 0.0))
        self.potential = np.full(zeta.shape, coeffs.eta)
        self._F: float | np.ndarray = coeffs.bv_factor  # scalar or array
        if self.solve_potential:
            self.update_potential()
        self._user_dt = dt
        self._user_S = stabilization
        self._cfl = float(cfl)
        self._set_dt()

    # ------------------------------------------------------------------ time step
    def max_rate_derivative(self) -> float:
        """Upper bound of |∂N/∂ζ| [1/s] (the stability criterion's denominator).

        Returns
        -------
        float
            max|∂N/∂ζ| [s-1].
        """
        c = self.c
        fmax = float(np.max(np.abs(self._F)))
        return c.L_sigma * (2.0 * c.A + c.B * float(self._phi2.max())) + c.L_eta * H2_MAX * fmax

    def _set_dt(self) -> None:
        m = self.max_rate_derivative()
        limit = 1.0 / m
        if self._user_dt is None:
            self.dt = self._cfl / m
        else:
            if not (math.isfinite(self._user_dt) and self._user_dt > 0):
                raise ParameterError(f"parameter 'dt' must be a positive time in s; got {self._user_dt!r}")
            self.dt = float(self._user_dt)
        if self._user_S is not None:
            self.S = float(self._user_S)
        else:
            self.S = 0.0 if self.dt <= limit else m
        self._build_denominator()

    def _build_denominator(self) -> None:
        with self._bk.scope():
            lin = self.c.L_sigma * self.c.k_zeta * self._dc.get("k2", self._k2) + self.S
            self._den1 = (1.0 + self.dt * lin).astype(self.dtype)
            self._den2 = (1.0 + (2.0 * self.dt / 3.0) * lin).astype(self.dtype)
        self._prev: tuple[Any, Any] | None = None  # step size changed: restart the BDF2 history with one Euler step

    @property
    def calibrated_parameters(self) -> dict[str, str]:
        """Parameters fitted to an observation that this run rests on: name -> that observation.

        The Li surface energy γ sets the capillary energy scale (``A``, ``k_ζ``); its default
        (:data:`lisse.thermo.wetting.DEFAULT_LI_SURFACE_ENERGY`) is calibrated on Ji2025's W_ad/θ pair.

        Returns
        -------
        dict of str to str
            ``{"li_surface_energy": observation}`` while γ is that default (or it typed in), else empty.
        """
        from lisse.thermo.wetting import li_surface_energy_labels

        return dict(li_surface_energy_labels(self.c.gamma)["calibrated_on"])  # the gamma the coefficients encode

    @property
    def potential_solver(self) -> str | None:
        """The linear solver of the last potential solve (``"amg"``, ``"ilu"`` or ``"direct"``), for reports.

        None when no potential solve ran (``solve_potential=False``: a uniform overpotential).
        """
        return self._pot.info.get("method")

    @property
    def explicit_dt_limit(self) -> float:
        """1 / max|∂N/∂ζ| [s]: the largest stable SBDF2 step without stabilisation."""
        return 1.0 / self.max_rate_derivative()

    def rate(self, z: np.ndarray) -> np.ndarray:
        """N(ζ): every term of ∂ζ/∂t except the (implicit) gradient term [1/s].

        Parameters
        ----------
        z : numpy.ndarray
            Phase field ζ [-] (dimensionless), an array of the solver's backend.

        Returns
        -------
        numpy.ndarray
            N(ζ) [s-1] (an array of the solver's backend).
        """
        bk, dc = self._bk, self._dc
        c = self.c
        with bk.scope():
            q = 1.0 - z
            q = imul(bk, q, z)  # ζ(1−ζ)
            out = 1.0 - 2.0 * z
            out = imul(bk, out, q)
            out = imul(bk, out, -2.0 * c.A * c.L_sigma)
            if self._has_particles:
                out = isub(bk, out, dc.get("LsB_phi2", self._LsB_phi2) * z)
            q = imul(bk, q, q)
            q = imul(bk, q, dc.get("F", self._F))
            q = imul(bk, q, 30.0 * c.L_eta)
            out = isub(bk, out, q)
            if self._has_src:
                out = iadd(bk, out, dc.get("src", self._src))
            return out

    def _advance(self, z: Any) -> tuple[Any, Any]:
        """One step on the backend's arrays; returns (ζ^{n+1}, N(ζ^n)). SBDF2 when the previous step is known, else IMEX Euler."""
        bk = self._bk
        dt = self.dt
        n_now = self.rate(z)
        if self._prev is None:
            rhs = n_now + self.S * z if self.S else n_now.copy()
            rhs = imul(bk, rhs, dt)
            rhs = iadd(bk, rhs, z)
            den = self._den1
        else:
            z_old, n_old = self._prev
            rhs = 2.0 * n_now
            rhs = isub(bk, rhs, n_old)
            if self.S:
                rhs = iadd(bk, rhs, self.S * (2.0 * z - z_old))
            rhs = imul(bk, rhs, 2.0 * dt / 3.0)
            rhs = iadd(bk, rhs, (4.0 / 3.0) * z)
            rhs = isub(bk, rhs, z_old / 3.0)
            den = self._den2
        zh = bk.dctn(rhs)
        zh = idiv(bk, zh, den)
        return bk.idctn(zh), n_now

    def step(self, n: int = 1) -> None:
        """Advance n time steps.

        Parameters
        ----------
        n : int, default 1
            Number of time steps.

        Raises
        ------
        ConvergenceError
            A step still exceeds ``max_dzeta`` after halving Δt 20 times, or the potential solve fails.
        """
        with self._bk.scope():
            self._step(int(n))

    def _step(self, n: int) -> None:
        xp = self._bk.xp
        for _ in range(n):
            if self.solve_potential and self.step_count % self.potential_every == 0 and self.step_count > 0:
                self.update_potential()
                self._set_dt_keep()
                self._build_denominator()
            z = self._dev_zeta
            new, n_now = self._advance(z)
            tries = 0
            while not bool(xp.all(xp.isfinite(new))) or float(xp.max(xp.abs(new - z))) > self.max_dzeta:
                tries += 1
                if tries > 20:
                    raise ConvergenceError(f"phase-field step at t={self.t:.4g} s did not meet max_dzeta={self.max_dzeta} "
                                           "even with the step halved 20 times")
                self.dt *= 0.5
                self._build_denominator()
                new, n_now = self._advance(z)
            self._prev = (z, n_now)
            set_device(self, "zeta", new)
            self.t += self.dt
            self.step_count += 1

    def _set_dt_keep(self) -> None:
        m = self.max_rate_derivative()
        if self._user_dt is None:
            self.dt = self._cfl / m
        if self._user_S is None:
            self.S = 0.0 if self.dt <= 1.0 / m else m

    def run_until(self, t_end: float, callback=None, every: int | None = None) -> None:
        """Step until t ≥ t_end [s]; ``callback(self)`` is called every ``every`` steps.

        Parameters
        ----------
        t_end : float
            End time [s].
        callback : callable, optional
            ``callback(solver)``, called every ``every`` steps (e.g. to record frames or report progress).
        every : int, optional
            Number of steps between callbacks.

        Raises
        ------
        ConvergenceError
            A step or potential solve fails (see :meth:`step`).
        """
        while self.t < t_end * (1 - 1e-12):
            remaining = t_end - self.t
            if remaining < self.dt:
                saved = self.dt
                self.dt = remaining
                self._build_denominator()
                self.step(1)
                self.dt = saved
                self._build_denominator()
                break
            else:
                self.step(1)
            if callback is not None and every and self.step_count % every == 0:
                callback(self)

    # ------------------------------------------------------------------ potential
    def conductivity(self) -> np.ndarray:
        """σ(ζ, φ_g) [S/m] of the potential equation (geometric interpolation, see module notes).

        Returns
        -------
        numpy.ndarray
            σ [S m-1] on the grid.
        """
        c = self.c
        z = np.clip(self.zeta.astype(float), 0.0, 1.0)
        h = z**3 * (10.0 - 15.0 * z + 6.0 * z * z)
        p = np.clip(self.phi_g.astype(float), 0.0, 1.0)
        log_host = (1.0 - p) * math.log(c.sigma_pore) + p * math.log(c.sigma_particle)
        return np.exp(h * math.log(c.sigma_li) + (1.0 - h) * log_host)

    def _assemble(self, sigma: np.ndarray):
        M, diag = _face_stiffness(sigma, dirichlet=("bottom", "top"))
        shape = sigma.shape
        idx = np.arange(sigma.size).reshape(shape)
        rhs = np.zeros(sigma.size)
        rhs[idx[0].ravel()] += 2.0 * sigma[0].ravel() * self.c.eta
        return M, rhs, diag

    def update_potential(self) -> None:
        """Solve ∇·(σ∇φ) = 0 and refresh the local Butler–Volmer factor F_BV(η = φ).

        Raises
        ------
        ParameterError
            The grid is 1D (the potential coupling needs 2D or 3D).
        ConvergenceError
            The linear solve does not reach its tolerance.
        """
        import scipy.sparse as sp
        import scipy.sparse.linalg as spla

        if self.zeta.ndim < 2:
            raise ParameterError("the potential coupling needs a 2D or 3D grid")
        M, rhs, diag = self._assemble(self.conductivity())
        s = 1.0 / np.sqrt(diag)
        D = sp.diags(s)
        Ms = (D @ M @ D).tocsr()
        bs = rhs * s
        x0 = self.potential.ravel() / s
        P = self._pot
        method = P.method
        if method == "auto":
            try:
                import pyamg  # noqa: F401

                method = "amg"
            except ImportError:
                method = "ilu"
        its = [0]

        def cb(_x):
            its[0] += 1

        atol = P.tol * float(np.linalg.norm(bs))
        x = None
        if method == "amg":
            import pyamg

            if P._ml is None or P.last_iterations > 40:
                P._ml = pyamg.smoothed_aggregation_solver(Ms, symmetry="hermitian", max_coarse=200)
            x, info = spla.cg(Ms, bs, x0=x0, rtol=0.0, atol=atol, maxiter=200, M=P._ml.aspreconditioner(), callback=cb)
            if info != 0:
                P._ml = None
                x = None
        elif method == "ilu":
            ilu = spla.spilu(Ms.tocsc(), drop_tol=1e-5, fill_factor=10)
            prec = spla.LinearOperator(Ms.shape, ilu.solve)
            x, info = spla.bicgstab(Ms, bs, x0=x0, rtol=0.0, atol=atol, maxiter=500, M=prec, callback=cb)
            if info != 0:
                x = None
        if x is None:
            method = "direct"
            x = spla.spsolve(Ms.tocsc(), bs)
        res = float(np.linalg.norm(Ms @ x - bs))
        if not np.isfinite(res) or res > 1e3 * max(atol, 1e-300):
            raise ConvergenceError(f"potential solve ({method}) residual {res:.3g} > tolerance {atol:.3g}")
        P.last_iterations = its[0]
        P.info = {"method": method, "iterations": its[0], "residual": res}
        self.potential = (x * s).reshape(self.zeta.shape)
        c = self.c  # the model's bracket is the anodic-positive i/i0 with alpha_a = 1 - alpha, alpha_c = alpha
        self._F = butler_volmer(self.potential, 1.0, 1.0 - c.alpha, c.alpha, c.temperature, c.n).astype(self.dtype)
        self._prev = None

    # ------------------------------------------------------------------ diagnostics / state
    def free_energy(self) -> float:
        """Total free energy [J per unit depth in 2D, J in 3D] (φ_g-only terms excluded).

        Returns
        -------
        float
            Free energy [J m-1] in 2D (per unit depth), [J] in 3D.
        """
        c = self.c
        z = self.zeta
        dv = self.dx**z.ndim
        f = c.A * z**2 * (1 - z) ** 2 + 0.5 * c.B * z**2 * self._phi2
        e = float(f.sum() * dv)
        for ax in range(z.ndim):
            dz = np.diff(z, axis=ax) / self.dx
            dp = np.diff(self.phi_g, axis=ax) / self.dx
            e += float((0.5 * c.k_zeta * dz**2 - c.k_li * dz * dp).sum() * dv)
        return e

    def __repr__(self) -> str:
        shape = "×".join(str(n) for n in self.zeta.shape)
        return (f"PhaseFieldSolver({shape} grid, dx={self.dx * 1e9:.3g} nm, t={self.t:.4g} s, steps={self.step_count}, "
                f"dt={self.dt:.3g} s, Li fraction={float(np.mean(self.zeta)):.3f})")

    def plot(self, *, ax=None, y_bottom: float | None = None, **kwargs):
        """Plot the current ζ field of a 2D run (:func:`lisse.plot.phasefield.snapshot_figure`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Draw into this matplotlib Axes (default: a new figure).
        y_bottom : float, optional
            Height of the layer's bottom boundary [m] (dashed line).
        **kwargs
            Passed to the plotting function (``title``).

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on.

        Raises
        ------
        ParameterError
            The run is not 2D.
        """
        if self.zeta.ndim != 2:
            raise ParameterError(f"PhaseFieldSolver.plot draws 2D fields; this run is {self.zeta.ndim}D")
        return plot_with("lisse.plot.phasefield:snapshot_figure", self.zeta, self.phi_g, self.dx, self.t, y_bottom=y_bottom, ax=ax, **kwargs)

    def state(self) -> dict:
        """Everything needed to restart: arrays and scalars (no file I/O here).

        Returns
        -------
        dict
            Arrays (ζ, φ_g, potential [V]) and scalars (t [s], step, dt [s], dx [m], ...) and the coefficients (SI).
        """
        return {
            "zeta": self.zeta.copy(), "phi_g": self.phi_g.copy(), "potential": self.potential.copy(),
            "t": self.t, "step": self.step_count, "dt": self.dt, "dx": self.dx, "S": self.S,
            "solve_potential": self.solve_potential, "potential_every": self.potential_every,
            "dtype": str(self.dtype), "zeta_prev": None if self._prev is None else np.array(self._bk.to_numpy(self._prev[0])),
            "coefficients": self.c.to_dict(),
        }

    @classmethod
    def from_state(cls, state: dict, coeffs: PhaseFieldCoefficients | None = None, **kw) -> PhaseFieldSolver:
        """Rebuild a solver from :meth:`state`; continuing it reproduces the uninterrupted run.

        The saved potential, time step, stabiliser and BDF2 history are restored as they were.

        Parameters
        ----------
        state : dict
            A :meth:`state` dict (SI).
        coeffs : PhaseFieldCoefficients, optional
            Coefficients to use instead of the saved ones.
        **kw
            Further constructor options (e.g. ``dt`` [s], ``potential_method``).

        Returns
        -------
        PhaseFieldSolver
            The restored solver.
        """
        if coeffs is None:
            coeffs = PhaseFieldCoefficients(**state["coefficients"])
        s = cls(coeffs, state["zeta"], state["phi_g"], float(state["dx"]), t0=float(state["t"]),
                step0=int(state["step"]), solve_potential=False,
                potential_every=int(state.get("potential_every", 10)), dtype=str(state.get("dtype", "float64")), **kw)
        if bool(state.get("solve_potential", False)):
            s.solve_potential = True
            s.potential = np.array(state["potential"], dtype=float)
            c = s.c
            s._F = butler_volmer(s.potential, 1.0, 1.0 - c.alpha, c.alpha, c.temperature, c.n).astype(s.dtype)
        if "dt" in state and "dt" not in kw:
            s.dt = float(state["dt"])
            s.S = float(state.get("S", s.S))
            s._build_denominator()
        zp = state.get("zeta_prev")
        if zp is not None and np.ndim(zp) == s.zeta.ndim:
            zp = s._bk.asarray(np.array(zp, dtype=s.dtype))
            s._prev = (zp, s.rate(zp))
        return s
