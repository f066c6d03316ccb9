r"""Distribution of relaxation times (DRT) by regularised non-negative least squares.

Model
-----
.. math::

    Z(\omega) = R_\infty + j\omega L + Z_{block}(\omega)
              + \int_{-\infty}^{\infty} \frac{\gamma(\ln\tau)}{1 + j\omega\tau}\,d\ln\tau ,
    \qquad \gamma(\ln\tau) = \sum_k x_k\,\phi(\ln\tau - \ln\tau_k)

where the optional blocking term :math:`Z_{block}` is an ideal capacitor :math:`1/(j\omega C)`, a
constant-phase element :math:`1/(Q(j\omega)^n)` or a CPE with a parallel leakage resistance (the
default of ``cell="blocking"``, see :mod:`lisse.analysis.eis.cells`), with a Gaussian radial basis :math:`\phi(y) = e^{-(\varepsilon y)^2}` or piecewise-linear hats on a
grid :math:`\tau_k` that is **independent of the data**: it sits on whole decades (``ppd`` points per
decade, aligned to powers of ten) and extends ``extend_decades`` (≥ 1) beyond
:math:`[1/(2\pi f_{max}), 1/(2\pi f_{min})]` on both sides, so arcs whose characteristic frequency
lies above the top measured frequency (solid-electrolyte bulk arcs) still get a place on the grid.

The coefficients minimise :math:`\|W(Ax - Z)\|^2 + \lambda\,x^T M x` subject to :math:`x \ge 0`, where
:math:`M_{kl} = \int \phi_k^{(m)}\phi_l^{(m)}\,d\ln\tau` penalises the m-th derivative (m = 0, 1, 2)
of γ, as in DRTtools [Wan2015]_. The problem is solved as one stacked NNLS problem
(``scipy.optimize.nnls``). The kernel entries depend only on :math:`\ln(\omega\tau_k)`, so they are
tabulated once per basis shape and interpolated, which makes the set-up cost negligible.

λ is chosen by generalised cross-validation (GCV), the L-curve corner, Re–Im cross-validation
[Saccoccio2014]_ (fit the real part, predict the imaginary part and vice versa), or fixed.
``lambda_="drttools"`` reproduces the DRTtools setting used by [Ji2025]_: Gaussian RBF with
FWHM coefficient 0.5, combined Re+Im, first-derivative penalty, λ = 1e-3, unweighted residuals in ohm,
no inductance. λ selection solves the constrained NNLS problem on a coarse grid (1e-7 to 1e-1, two
points per decade) and scores each solution: GCV with the effective number of parameters of the free
set, the L-curve corner (maximum curvature), or the Re-Im cross-validation error.

Uncertainty band: a nominal 95 % pointwise confidence band for γ that includes the regularisation
bias (``gamma_lower_``, ``gamma_upper_``; :mod:`lisse.analysis.eis.drt_uncertainty`): the NNLS
estimator is linearised as a regularised smoother, its bias is estimated by re-solving on the
fitted spectrum (iterated bootstrap bias correction) and the band is centred on the corrected γ
with the noise and the uncertain part of the bias in its width. ``gamma_std_`` is the noise
standard deviation of γ̂ alone (the scatter over noise repeats). Coverage is tested on synthetic
repeats with analytic γ (``tests/eis/test_drt_band.py``).

Peaks of γ are detected, then deconvolved by a least-squares fit of one Gaussian (in ln τ) per peak.
Each peak's resistance is the integral of γ weighted by that peak's share of the Gaussian mixture
(so the peak resistances add up to the total polarisation resistance); the bare Gaussian area is
reported too. Peaks are assigned to processes by τ windows (defaults after [Ji2025]).

References
----------
.. [Wan2015] T. H. Wan, M. Saccoccio, C. Chen, F. Ciucci, "Influence of the discretization methods on
   the distribution of relaxation times deconvolution: implementing radial basis functions with
   DRTtools", Electrochim. Acta 184, 483 (2015), doi:10.1016/j.electacta.2015.09.097
.. [Saccoccio2014] M. Saccoccio, T. H. Wan, C. Chen, F. Ciucci, "Optimal regularization in
   distribution of relaxation times applied to electrochemical impedance spectroscopy: ridge and lasso
   regression methods - a theoretical and experimental study", Electrochim. Acta 147, 470 (2014),
   doi:10.1016/j.electacta.2014.09.058
.. [Ji2025] Ji et al., Nature Communications (2025): DRT settings (Gaussian RBF, Re+Im, 1st-derivative
   penalty, λ = 1e-3) and τ windows for process assignment.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lisse.analysis._estimator import read_hint, refuse_data
from lisse.analysis.eis.cells import CELL_TYPES, PROCESS_WINDOWS, cell_model
from lisse.analysis.eis.drt_uncertainty import BAND_LEVEL  # nominal coverage of gamma_lower_/gamma_upper_
from lisse.analysis.eis.weighting import check_weighting, residual_weights
from lisse.citations import Citation, add, register
from lisse.errors import CalculationError, ParameterError
from lisse.records.display import html_table, plot_with, short
from lisse.records.spectrum import EISSpectrum

__all__ = ["DRT", "DRTPeak", "DEFAULT_PROCESS_WINDOWS", "assign_process", "DRTEdgeWarning", "FIT_QUALITY_THRESHOLDS", "fit_quality",
           "BAND_LEVEL", "CELL_TYPES"]

add(Citation("Wan2015", "Wan, Saccoccio, Chen, Ciucci", "Influence of the discretization methods on the distribution of relaxation times deconvolution: implementing radial basis functions with DRTtools", "Electrochimica Acta 184, 483", 2015, "10.1016/j.electacta.2015.09.097"))
add(Citation("Saccoccio2014", "Saccoccio, Wan, Chen, Ciucci", "Optimal regularization in distribution of relaxation times applied to electrochemical impedance spectroscopy: ridge and lasso regression methods", "Electrochimica Acta 147, 470", 2014, "10.1016/j.electacta.2014.09.058"))

#: Default τ windows [s] of a symmetric Li|SSE|Li cell (after [Ji2025]); the windows of every cell type
#: are in :data:`lisse.analysis.eis.cells.PROCESS_WINDOWS`.
DEFAULT_PROCESS_WINDOWS: dict[str, tuple[float, float]] = PROCESS_WINDOWS["symmetric-li"]

#: Fit-quality verdict on the **maximum** relative misfit |Z_fit − Z|/|Z| over all points (fractions):
#: "good" below 1 %, "acceptable" below 3 %, "poor" otherwise. The maximum, not the median, because
#: a model that misses one feature (e.g. a blocking tail) can still have a small median misfit.
FIT_QUALITY_THRESHOLDS: dict[str, float] = {"good": 0.01, "acceptable": 0.03}



def fit_quality(max_relative_misfit: float) -> str:
    """Grade a maximum relative misfit "good" / "acceptable" / "poor" (see :data:`FIT_QUALITY_THRESHOLDS`).

    Parameters
    ----------
    max_relative_misfit : float
        Largest |Z_fit − Z|/|Z| over the spectrum (dimensionless).

    Returns
    -------
    str
        ``"good"``, ``"acceptable"`` or ``"poor"``.
    """
    if max_relative_misfit < FIT_QUALITY_THRESHOLDS["good"]:
        return "good"
    if max_relative_misfit < FIT_QUALITY_THRESHOLDS["acceptable"]:
        return "acceptable"
    return "poor"


class DRTEdgeWarning(UserWarning):
    """DRT weight piles up at an edge of the τ grid (the grid or the data range is too short)."""


def assign_process(tau: float, windows: dict[str, tuple[float, float]] | None = None) -> str:
    """Name the process whose τ window ``[low, high)`` contains ``tau``, else ``"unassigned"``.

    Parameters
    ----------
    tau : float
        Relaxation time in s.
    windows : dict of str to (float, float), optional
        Process name -> ``(low, high)`` τ window in s; default :data:`DEFAULT_PROCESS_WINDOWS` (after [Ji2025]).

    Returns
    -------
    str
        The first process whose window contains ``tau``, or ``"unassigned"``.
    """
    for name, (lo, hi) in (windows or DEFAULT_PROCESS_WINDOWS).items():
        if lo <= tau < hi:
            return name
    return "unassigned"


# ------------------------------------------------------------------------------------------------
# basis functions and tabulated kernels
# ------------------------------------------------------------------------------------------------
_U_STEP = 0.005
_U_MAX = 60.0


def _basis_shape(basis: str, eps: float, delta: float, y: np.ndarray) -> np.ndarray:
    if basis == "gaussian":
        return np.exp(-((eps * y) ** 2))
    return np.clip(1.0 - np.abs(y) / delta, 0.0, None)


def _basis_support(basis: str, eps: float, delta: float) -> float:
    return 7.0 / eps if basis == "gaussian" else delta


@lru_cache(maxsize=16)
def _kernel_table(basis: str, eps: float, delta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tabulate g_re(u), g_im(u) for u = ln(ω τ_k): the response of one basis function."""
    h = _U_STEP
    s = _basis_support(basis, eps, delta)
    ny = int(math.ceil(s / h))
    y = np.arange(-ny, ny + 1) * h
    w = _basis_shape(basis, eps, delta, y) * h
    u = np.arange(-_U_MAX, _U_MAX + h / 2, h)
    # evaluate K(u + y) on the extended grid, then correlate with the basis weights
    ue = np.arange(-_U_MAX - ny * h, _U_MAX + ny * h + h / 2, h)
    a = np.exp(np.clip(ue, -700, 700))
    kr = 1.0 / (1.0 + a * a)
    ki = -a / (1.0 + a * a)
    g_re = np.correlate(kr, w, mode="valid")
    g_im = np.correlate(ki, w, mode="valid")
    n = min(u.size, g_re.size)
    return u[:n], g_re[:n], g_im[:n]


@lru_cache(maxsize=32)
def _penalty(basis: str, eps: float, delta: float, k: int, order: int) -> np.ndarray:
    """Gram matrix M_kl = ∫ φ_k^(m) φ_l^(m) dy of the m-th derivative of the basis (y = ln τ)."""
    if basis == "gaussian":
        # analytic: for phi = exp(-(eps y)^2), int phi(y-a) phi(y-b) dy = sqrt(pi/2)/eps * exp(-eps^2 d^2 / 2)
        # and the m-th derivative Gram is (-1)^m d^{2m}/dd^{2m} of that (d = a - b).
        d = (np.arange(k)[:, None] - np.arange(k)[None, :]) * delta
        e2 = eps * eps
        g = math.sqrt(math.pi / 2.0) / eps * np.exp(-e2 * d * d / 2.0)
        if order == 0:
            return g
        if order == 1:
            # -d2/dd2 exp(-e2 d^2/2) = (e2 - e2^2 d^2) exp(...)
            return g * (e2 - e2 * e2 * d * d)
        # d4/dd4 exp(-a d^2), a = e2/2: (16a^4 d^4 - 48 a^3 d^2 + 12 a^2) exp
        a = e2 / 2.0
        return g * (16 * a**4 * d**4 - 48 * a**3 * d**2 + 12 * a**2)
    # piecewise linear: gamma is linear between nodes; finite-difference penalties
    if order == 0:
        main = np.full(k, 2.0 / 3.0 * delta)
        off = np.full(k - 1, delta / 6.0)
        return np.diag(main) + np.diag(off, 1) + np.diag(off, -1)
    D = np.diff(np.eye(k), n=order, axis=0) / delta**order
    return D.T @ D * delta


@lru_cache(maxsize=32)
def _sqrt_psd_cached(basis: str, eps: float, delta: float, k: int, order: int) -> np.ndarray:
    return _sqrt_psd(_penalty(basis, eps, delta, k, order))


def _sqrt_psd(m: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh((m + m.T) / 2.0)
    w = np.clip(w, 0.0, None)
    return (v * np.sqrt(w)).T


def _blocking_element(capacitance, default: str) -> str:
    """Normalise the ``capacitance`` option to "none", "ideal", "cpe" or "leaky-cpe"."""
    if capacitance is None:
        return default
    if isinstance(capacitance, (bool, np.bool_)):
        return "ideal" if capacitance else "none"
    key = str(capacitance).strip().lower()
    aliases = {"none": "none", "no": "none", "ideal": "ideal", "capacitor": "ideal", "yes": "ideal", "cpe": "cpe",
               "leaky-cpe": "leaky-cpe", "leaky_cpe": "leaky-cpe"}
    if key not in aliases:
        raise ParameterError(f"DRT capacitance: expected False/True or one of 'none', 'ideal', 'cpe', 'leaky-cpe'; found {capacitance!r}")
    return aliases[key]


def _projected_lm(resid, jac, p, lo, hi, max_iter: int = 60, tol: float = 1e-10) -> np.ndarray:
    """Levenberg-Marquardt with steps projected onto the box [lo, hi] (small dense problems).

    Used for the Gaussian deconvolution of DRT peaks (a handful of parameters): a plain NumPy loop
    is an order of magnitude cheaper than a general trust-region solver here.
    """
    r = resid(p)
    cost = float(r @ r)
    mu = 1e-3
    for _ in range(max_iter):
        J = jac(p)
        g = J.T @ r
        H = J.T @ J
        dH = np.diag(H).copy()
        dH[dH <= 0] = 1.0
        improved = False
        for _ in range(12):
            try:
                step = np.linalg.solve(H + mu * np.diag(dH), -g)
            except np.linalg.LinAlgError:
                mu *= 10
                continue
            p_new = np.clip(p + step, lo, hi)
            r_new = resid(p_new)
            c_new = float(r_new @ r_new)
            if c_new < cost:
                improved = True
                rel = (cost - c_new) / max(cost, 1e-300)
                p, r, cost = p_new, r_new, c_new
                mu = max(mu / 3, 1e-12)
                break
            mu *= 4
        if not improved or rel < tol:
            break
    return p


# ------------------------------------------------------------------------------------------------
# results
# ------------------------------------------------------------------------------------------------
@dataclass
class DRTPeak:
    """One deconvolved DRT peak.

    Parameters
    ----------
    tau_s : float
        Peak relaxation time τ [s] (centre of the fitted Gaussian in ln τ).
    resistance_ohm : float
        Resistance of the process [ohm]: ∫γ·share d ln τ (shares from the Gaussian mixture).
    gaussian_area_ohm : float
        Area of the fitted Gaussian alone [ohm].
    width_decades : float
        Standard deviation of the Gaussian [decades of τ].
    process : str
        Assigned process name (see :data:`DEFAULT_PROCESS_WINDOWS`).
    """

    tau_s: float
    resistance_ohm: float
    gaussian_area_ohm: float
    width_decades: float
    process: str

    @property
    def frequency_Hz(self) -> float:
        """Characteristic frequency 1/(2πτ) [Hz]."""
        return 1.0 / (2.0 * math.pi * self.tau_s)

    @property
    def capacitance_F(self) -> float:
        """Equivalent capacitance τ/R [F] (compare with Irvine's ranges, :mod:`lisse.analysis.eis.cells`)."""
        return self.tau_s / self.resistance_ohm if self.resistance_ohm > 0 else math.inf

    def as_dict(self) -> dict:
        """Return the peak as JSON-able data (unit-suffixed keys).

        Returns
        -------
        dict
            ``tau_s``, ``frequency_Hz``, ``resistance_ohm`` and the other fields of the peak.
        """
        return {
            "tau_s": self.tau_s,
            "frequency_Hz": self.frequency_Hz,
            "resistance_ohm": self.resistance_ohm,
            "capacitance_F": self.capacitance_F,
            "gaussian_area_ohm": self.gaussian_area_ohm,
            "width_decades": self.width_decades,
            "process": self.process,
        }


@dataclass
class _Design:
    A: np.ndarray  # weighted, stacked [re; im] design (n_rows x n_cols)
    b: np.ndarray
    R: np.ndarray  # penalty root (n_pen x n_cols)
    M: np.ndarray  # full penalty (n_cols x n_cols)
    scale: np.ndarray  # column scaling


_LAMBDA_GRID_NNLS = np.logspace(-7, -1, 13)
#: Peaks whose resistance is at most this fraction of the total DRT resistance are not reported.
_ZERO_PEAK_FRACTION = 1e-6
#: Largest standard deviation of a deconvolved peak [ln τ] (about one decade): wider Gaussians are not
#: peaks but a background, and their share of the mixture would take resistance from the real peaks.
_MAX_PEAK_SIGMA = 2.5


class DRT:
    r"""Distribution of relaxation times by regularised NNLS (estimator style: ``fit`` returns self).

    Parameters
    ----------
    lambda_ : float or {"gcv", "lcurve", "reim", "drttools"}
        Regularisation strength, or how to choose it. A number is scale-free for the weighted
        residuals (the penalty acts on γ/median|Z|). The default 2e-4 won on the distribution over
        20 noise seeds of ``benchmarks/eis_drt.py --sweep`` (three arcs with 0.5 % and 1 % noise, arcs
        inside the range) against the former 1e-4: more seeds with all peaks, fewer spurious peaks,
        worst-seed R error 16/9/3 % against 33/53/11 % (0.5 % noise). A second-derivative penalty
        (``order=2``) did as well on those synthetic spectra but broke the bulk/grain-boundary split of
        the real blocking-electrode pellet (``tests/eis/test_drt.py::test_lpscl_pellet_misfit``). ``"gcv"``, ``"lcurve"`` and ``"reim"`` select λ from 1e-7..1e-1 with the constrained
        solution at each λ (13 NNLS solves, tens of ms; with noise-free data GCV goes to the lower
        end, as it should; on noisy data GCV and Re-Im CV vary with the noise realisation and can
        under-regularise, the L-curve corner was stable in the tests). ``"drttools"`` applies the DRTtools setting of
        [Ji2025]: Gaussian RBF (FWHM coefficient 0.5), combined Re+Im, 1st-derivative penalty,
        λ = 1e-3, unweighted residuals, no inductance (overrides the matching options).
    basis : {"gaussian", "pwl"}
        Gaussian radial basis functions or piecewise-linear hats.
    fwhm_coeff : float
        Gaussian shape: FWHM = grid spacing / fwhm_coeff (DRTtools' "FWHM coefficient").
    ppd : int
        Grid points per decade of τ.
    extend_decades : float
        How far the τ grid extends beyond 1/(2π f_max) and 1/(2π f_min) [decades]; at least 1.
    part : {"combined", "real", "imag"}
        Which part(s) of Z are fitted.
    order : {0, 1, 2}
        Derivative of γ penalised.
    weighting : {"modulus", "unit", "proportional"}
        Residual weights (:mod:`lisse.analysis.eis.weighting`): 1/|Z| (default), 1 (raw ohm, as DRTtools)
        or 1/|Z'|, 1/|Z''| separately.
    inductance : bool
        Include a series inductance L [H] (Z'' > 0 at the top frequencies: cables, current collectors).
    capacitance : bool or {"none", "ideal", "cpe", "leaky-cpe"}, optional
        Series element for blocking electrodes: none (False), an ideal capacitor C [F] (True,
        "ideal"), a constant-phase element :math:`1/(Q (j\omega)^n)` ("cpe", Q [F·s^(n-1)], n in
        [0.5, 1] fitted unless ``cpe_n`` is given), or that CPE in parallel with a leakage resistance,
        :math:`R_{leak}/(1 + R_{leak} Q (j\omega)^n)` ("leaky-cpe": an electrode that blocks ions
        but passes a small DC current, electronic conduction of the electrolyte or a side reaction;
        R_leak → ∞ is the plain CPE). The amplitude (1/Q or R_leak) is one more non-negative NNLS
        column; n (and the leakage time constant :math:`(R_{leak}Q)^{1/n}`) are found by a bounded
        search on the regularised objective (variable projection). Default (None): the cell type's
        element (``"leaky-cpe"`` for ``cell="blocking"``, none otherwise).
    cpe_n : float, optional
        Fix the CPE exponent instead of fitting it.
    cell : {"symmetric-li", "blocking", "full", "half"}
        Cell type (:mod:`lisse.analysis.eis.cells`): sets the default process windows and, for
        ``"blocking"``, a series constant-phase element for the ion-blocking electrodes.
    processes : dict, optional
        Process windows ``{name: (tau_low_s, tau_high_s)}`` replacing the cell type's defaults
        (:data:`lisse.analysis.eis.cells.PROCESS_WINDOWS`).
    peak_threshold : float
        Minimum peak height relative to the highest peak for detection.
    peak_prominence : float
        Minimum peak prominence relative to the highest peak.
    min_peak_fraction : float
        Peaks whose estimated area is below this fraction of the total polarisation resistance are
        treated as ringing of the inversion and merged into their neighbours, unless ...
    local_peak_fraction : float
        ... their area is at least this fraction of the local |Z(ω = 1/τ)| (so that a small arc in
        a low-impedance region, such as a solid electrolyte's bulk arc next to a mega-ohm blocking
        tail, is kept).
    resolved_fraction : float
        Peaks whose resistance is below this fraction of the local |Z(ω = 1/τ)| change the spectrum
        by less than a good measurement's relative noise (0.1–1 %) and are not reported (e.g. a few
        hundred ohm under a mega-ohm blocking tail, where the inversion is not identifiable).
    uncertainty : bool, default True
        Compute the bias-aware confidence band of γ (``gamma_lower_``, ``gamma_upper_``, ``band_``;
        :mod:`lisse.analysis.eis.drt_uncertainty`).

    Raises
    ------
    ParameterError
        For an option out of range or not among its choices (checked here, before any data).

    References
    ----------
    .. [1] T. H. Wan, M. Saccoccio, C. Chen, F. Ciucci, Electrochim. Acta 184, 483 (2015),
       doi:10.1016/j.electacta.2015.09.097.
    .. [2] M. Saccoccio, T. H. Wan, C. Chen, F. Ciucci, Electrochim. Acta 147, 470 (2014),
       doi:10.1016/j.electacta.2014.09.058.
    """

    # fitted attributes whose type is not fixed by their first assignment in fit()
    cpe_q_: float | None
    cpe_n_: float | None
    leak_resistance_: float | None
    warnings_: list[str]
    gamma_std_: np.ndarray | None
    gamma_lower_: np.ndarray | None
    gamma_upper_: np.ndarray | None

    def __init__(
        self,
        lambda_: float | str = 2e-4,
        *,
        basis: str = "gaussian",
        fwhm_coeff: float = 0.5,
        ppd: int = 10,
        extend_decades: float = 1.0,
        part: str = "combined",
        order: int = 1,
        weighting: str = "modulus",
        inductance: bool = False,
        capacitance: bool | str | None = None,
        cpe_n: float | None = None,
        cell: str = "symmetric-li",
        processes: dict[str, tuple[float, float]] | None = None,
        peak_threshold: float = 0.01,
        peak_prominence: float = 0.02,
        min_peak_fraction: float = 0.05,
        local_peak_fraction: float = 0.25,
        resolved_fraction: float = 0.01,
        uncertainty: bool = True,
    ) -> None:
        settings = {k: v for k, v in locals().items() if k != "self"}
        refuse_data("DRT", "spectrum", "DRT(lambda_=...).fit(spectrum)",
                    scalars=tuple(k for k in settings if k not in ("processes", "capacitance", "cell")), **settings)
        if isinstance(lambda_, str) and lambda_.lower() == "drttools":
            basis, fwhm_coeff, part, order, weighting, inductance = "gaussian", 0.5, "combined", 1, "unit", False
            lambda_ = 1e-3
        if isinstance(lambda_, str):
            if lambda_ not in ("gcv", "lcurve", "reim"):
                raise ParameterError(f"DRT regularisation lambda (--lambda; lambda_ in Python): expected a number > 0 or one of 'gcv', 'lcurve', 'reim', 'drttools'; found '{lambda_}'")
        elif not (np.isfinite(lambda_) and lambda_ > 0):
            raise ParameterError(f"DRT regularisation lambda (--lambda; lambda_ in Python): expected a number > 0; found {lambda_!r}")
        if basis not in ("gaussian", "pwl"):
            raise ParameterError(f"DRT basis: expected 'gaussian' or 'pwl'; found '{basis}'")
        if part not in ("combined", "real", "imag"):
            raise ParameterError(f"DRT part: expected 'combined', 'real' or 'imag'; found '{part}'")
        if order not in (0, 1, 2):
            raise ParameterError(f"DRT order: expected 0, 1 or 2; found {order!r}")
        check_weighting(weighting, "DRT")
        if extend_decades < 1.0:
            raise ParameterError(f"DRT extend_decades: expected >= 1 decade beyond the measured range; found {extend_decades}")
        if not (2 <= int(ppd) <= 50):
            raise ParameterError(f"DRT ppd: expected 2..50 points per decade; found {ppd}")
        if not (0.05 <= fwhm_coeff <= 5):
            raise ParameterError(f"DRT fwhm_coeff: expected 0.05..5; found {fwhm_coeff}")
        self.lambda_ = lambda_
        self.basis = basis
        self.fwhm_coeff = float(fwhm_coeff)
        self.ppd = int(ppd)
        self.extend_decades = float(extend_decades)
        self.part = part
        self.order = int(order)
        self.weighting = weighting
        model = cell_model(cell)
        self.cell = model.name
        self.inductance = bool(inductance)
        self.blocking_element = _blocking_element(capacitance, model.blocking_element)
        self.capacitance = self.blocking_element != "none"
        if cpe_n is not None and not (0.5 <= float(cpe_n) <= 1.0):
            raise ParameterError(f"DRT cpe_n: expected a CPE exponent in [0.5, 1]; found {cpe_n!r}")
        self.cpe_n = None if cpe_n is None else float(cpe_n)
        self._cpe_n = 1.0 if self.cpe_n is None else self.cpe_n
        self._leak_tau = 1.0
        self.processes = dict(processes) if processes is not None else dict(model.windows)
        self._user_windows = processes is not None
        self.peak_threshold = float(peak_threshold)
        self.peak_prominence = float(peak_prominence)
        self.min_peak_fraction = float(min_peak_fraction)
        self.local_peak_fraction = float(local_peak_fraction)
        self.resolved_fraction = float(resolved_fraction)
        self.uncertainty = bool(uncertainty)

    # -- grid ----------------------------------------------------------------------------------
    def tau_grid(self, frequency: np.ndarray) -> np.ndarray:
        """Build the τ grid on whole decades, covering the data range plus ``extend_decades`` each side.

        Parameters
        ----------
        frequency : ndarray
            Measured frequencies in Hz.

        Returns
        -------
        ndarray
            τ grid in s, ``ppd`` points per decade aligned to powers of ten, spanning
            ``[1/(2π f_max), 1/(2π f_min)]`` extended by ``extend_decades``.
        """
        f = np.asarray(frequency, float)
        lo = math.log10(1.0 / (2 * math.pi * f.max())) - self.extend_decades
        hi = math.log10(1.0 / (2 * math.pi * f.min())) + self.extend_decades
        k0 = math.floor(lo * self.ppd)
        k1 = math.ceil(hi * self.ppd)
        return 10.0 ** (np.arange(k0, k1 + 1) / self.ppd)

    @property
    def _delta(self) -> float:
        return math.log(10.0) / self.ppd

    @property
    def _eps(self) -> float:
        return self.fwhm_coeff * 2.0 * math.sqrt(math.log(2.0)) / self._delta

    def basis_matrix(self, tau_eval: np.ndarray) -> np.ndarray:
        """Evaluate the basis: ``Φ[i, k] = φ(ln τ_i - ln τ_k)``, so that ``γ(tau_eval) = Φ @ coefficients``.

        Parameters
        ----------
        tau_eval : ndarray
            Relaxation times in s at which to evaluate the basis (after :meth:`fit`, which sets the grid).

        Returns
        -------
        ndarray
            Φ of shape ``(len(tau_eval), len(tau_))``, dimensionless.
        """
        y = np.log(np.asarray(tau_eval))[:, None] - np.log(self.tau_)[None, :]
        return _basis_shape(self.basis, self._eps, self._delta, y)

    def _kernel(self, omega: np.ndarray, tau: np.ndarray) -> np.ndarray:
        u_tab, gre, gim = _kernel_table(self.basis, round(self._eps, 12), round(self._delta, 12))
        u = np.log(omega)[:, None] + np.log(tau)[None, :]
        return np.interp(u, u_tab, gre) + 1j * np.interp(u, u_tab, gim)

    def _columns(self, omega: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """Complex design matrix [R_inf, (L), (1/C), basis...] in ohm per unit parameter."""
        cols = [np.ones_like(omega, dtype=complex)]
        names = ["R_inf"]
        if self.inductance:
            cols.append(1j * omega)
            names.append("L")
        if self.blocking_element == "ideal":
            cols.append(-1j / omega)  # parameter is the elastance 1/C [1/F]
            names.append("inv_C")
        elif self.blocking_element in ("cpe", "leaky-cpe"):
            cols.append(self._blocking_column(omega))
            names.append("inv_Q" if self.blocking_element == "cpe" else "R_leak")
        K = self._kernel(omega, self.tau_)
        return np.column_stack(cols + [K]), names

    def _blocking_column(self, omega: np.ndarray) -> np.ndarray:
        """Column of the CPE (parameter 1/Q) or of the leaky CPE (parameter R_leak [ohm])."""
        if self.blocking_element == "cpe":
            return (1j * omega) ** (-self._cpe_n)
        return 1.0 / (1.0 + (1j * omega * self._leak_tau) ** self._cpe_n)

    # -- fitting -------------------------------------------------------------------------------
    def _weights(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return residual_weights(z, self.weighting, "DRT")

    def _design(self, Ac: np.ndarray, z: np.ndarray, part: str) -> _Design:
        wr, wi = self._weights(z)
        rows, rhs = [], []
        if part in ("combined", "real"):
            rows.append(Ac.real * wr[:, None])
            rhs.append(z.real * wr)
        if part in ("combined", "imag"):
            rows.append(Ac.imag * wi[:, None])
            rhs.append(z.imag * wi)
        A = np.vstack(rows)
        b = np.concatenate(rhs)
        scale = np.linalg.norm(A, axis=0)
        scale[scale == 0] = 1.0
        n_extra = Ac.shape[1] - self.tau_.size
        Mg = _penalty(self.basis, round(self._eps, 12), round(self._delta, 12), self.tau_.size, self.order)
        M = np.zeros((Ac.shape[1], Ac.shape[1]))
        M[n_extra:, n_extra:] = Mg
        # scale-free λ: with weighted (relative) residuals the penalty acts on γ / median|Z|, so a given
        # λ means the same for a 1-ohm and a 1-Mohm cell (median |Z|: robust to a blocking tail); unweighted residuals (DRTtools) stay in ohm.
        zs = 1.0 if self.weighting == "unit" else float(np.median(np.abs(z)))
        Mg = Mg / zs**2
        Rg = _sqrt_psd_cached(self.basis, round(self._eps, 12), round(self._delta, 12), self.tau_.size, self.order) / zs
        R = np.zeros((Rg.shape[0], Ac.shape[1]))
        R[:, n_extra:] = Rg
        return _Design(A / scale, b, R / scale, M / np.outer(scale, scale), scale)

    def _nnls_path(self, d: _Design, lams: np.ndarray) -> list[np.ndarray]:
        from scipy.optimize import nnls

        out = []
        zeros = np.zeros(d.R.shape[0])
        for lam in lams:
            A = np.vstack([d.A, math.sqrt(lam) * d.R])
            out.append(nnls(A, np.concatenate([d.b, zeros]), maxiter=50 * A.shape[1])[0])
        return out

    def _select_lambda_nnls(self, Ac: np.ndarray, z: np.ndarray) -> tuple[float, dict]:
        """λ on a coarse grid with the constrained (NNLS) solution at every λ.

        GCV uses the effective number of parameters of the free (non-zero) set,
        tr[A_F (A_F^T A_F + λ M_F)^-1 A_F^T]; Re-Im cross-validation fits the real part and scores the
        prediction of the imaginary part and vice versa (real part compared up to a constant, which
        Z'' does not determine).
        """
        lam = _LAMBDA_GRID_NNLS
        if self.lambda_ == "lcurve":
            d = self._design(Ac, z, self.part)
            xs = self._nnls_path(d, lam)
            res = np.array([max(float(np.sum((d.A @ x - d.b) ** 2)), 1e-300) for x in xs])
            pen = np.array([max(float(np.sum((d.R @ x) ** 2)), 1e-300) for x in xs])
            # corner of the L-curve: maximum curvature of (log residual, log penalty) against log λ
            t = np.log(lam)
            xr, yp = np.log(res), np.log(pen)
            dx, dy = np.gradient(xr, t), np.gradient(yp, t)
            ddx, ddy = np.gradient(dx, t), np.gradient(dy, t)
            kappa = (dx * ddy - ddx * dy) / np.maximum((dx * dx + dy * dy) ** 1.5, 1e-300)
            i = int(np.argmax(kappa[1:-1])) + 1
            return float(lam[i]), {"criterion": "lcurve", "lambdas": lam, "score": kappa}
        if self.lambda_ == "gcv":
            d = self._design(Ac, z, self.part)
            xs = self._nnls_path(d, lam)
            n = d.b.size
            score = np.empty(lam.size)
            for i, (lv, x) in enumerate(zip(lam, xs)):
                r = d.A @ x - d.b
                free = x > 0
                Af = d.A[:, free]
                H = Af.T @ Af + lv * (d.R[:, free].T @ d.R[:, free])
                try:
                    tr = float(np.trace(np.linalg.solve(H, Af.T @ Af)))
                except np.linalg.LinAlgError:
                    tr = float(free.sum())
                score[i] = n * float(r @ r) / max(n - tr, 1e-9) ** 2
            i = int(np.argmin(score))
            return float(lam[i]), {"criterion": "gcv", "lambdas": lam, "score": score}
        dre = self._design(Ac, z, "real")
        dim = self._design(Ac, z, "imag")
        wr, wi = self._weights(z)
        score = np.zeros(lam.size)
        for dfit, target, w, take in ((dre, z.imag, wi, "imag"), (dim, z.real, wr, "real")):
            xs = self._nnls_path(dfit, lam)
            for i, x in enumerate(xs):
                pred = (Ac.imag if take == "imag" else Ac.real) @ (x / dfit.scale)
                r = (pred - target) * w
                if take == "real":
                    r = r - r.mean()
                score[i] += float(r @ r)
        i = int(np.argmin(score))
        return float(lam[i]), {"criterion": "reim", "lambdas": lam, "score": score}

    def _select_lambda(self, Ac: np.ndarray, z: np.ndarray) -> tuple[float, dict]:
        return self._select_lambda_nnls(Ac, z)

    def fit(self, spectrum: EISSpectrum) -> DRT:
        """Fit the DRT of ``spectrum``.

        Sets ``tau_`` [s] (grid), ``gamma_`` [ohm] (γ at the grid points, per unit ln τ),
        ``coef_``, ``r_inf_`` [ohm], ``inductance_`` [H] (None without ``inductance``: not fitted),
        ``capacitance_`` [F] (ideal series capacitor; inf without one), ``cpe_q_`` [F·s^(n-1)] and ``cpe_n_`` (series CPE; None without one),
        ``lambda_value_``, ``z_fit_`` [ohm], ``relative_misfit_`` (|Z_fit − Z|/|Z| per point),
        ``max_relative_misfit_``, ``median_relative_misfit_``, ``fit_quality_`` (see
        :func:`fit_quality`), ``peaks_`` (list of :class:`DRTPeak`), ``gamma_std_`` (noise
        standard deviation of γ [ohm]), ``gamma_lower_``/``gamma_upper_`` (nominal 95 % band [ohm])
        and ``band_`` (see module notes; None without ``uncertainty``), ``warnings_``.

        Parameters
        ----------
        spectrum : EISSpectrum
            The measured spectrum (frequency in Hz, impedance in Ω); at least 5 points.

        Returns
        -------
        DRT
            ``self``, fitted.

        Raises
        ------
        ParameterError
            If ``spectrum`` is not an :class:`EISSpectrum` or has fewer than 5 points.

        References
        ----------
        .. [1] T. H. Wan, M. Saccoccio, C. Chen, F. Ciucci, Electrochim. Acta 184, 483 (2015),
           doi:10.1016/j.electacta.2015.09.097 (DRTtools: RBF discretisation, derivative penalties).
        .. [2] M. Saccoccio, T. H. Wan, C. Chen, F. Ciucci, Electrochim. Acta 147, 470 (2014),
           doi:10.1016/j.electacta.2014.09.058 (choice of λ, Re-Im cross-validation).
        """
        register("Wan2015")
        if not isinstance(spectrum, EISSpectrum):
            raise ParameterError(f"DRT.fit: expected an EISSpectrum (lisse.io.read_spectrum(path), or "
                                 f"EISSpectrum(frequency=f_Hz, impedance=Z_ohm) for arrays); found {type(spectrum).__name__}"
                                 f"{read_hint(spectrum, 'lisse.io.read_spectrum')}")
        if len(spectrum) < 5:
            raise ParameterError(f"DRT.fit: spectrum '{spectrum.label}' has {len(spectrum)} points; at least 5 are needed")
        f = spectrum.frequency
        z = spectrum.impedance
        omega = 2 * np.pi * f
        self.tau_ = self.tau_grid(f)
        search_n = self.blocking_element in ("cpe", "leaky-cpe")
        if search_n:
            self._search_blocking(omega, z, 1e-4 if isinstance(self.lambda_, str) else float(self.lambda_))
        Ac, names = self._columns(omega)
        self.param_names_ = names
        if isinstance(self.lambda_, str):
            register("Saccoccio2014")
            lam, info = self._select_lambda(Ac, z)
            if search_n:
                self._search_blocking(omega, z, lam)
                Ac, names = self._columns(omega)
        else:
            lam, info = float(self.lambda_), {"criterion": "fixed"}
        self.lambda_value_ = lam
        self.lambda_info_ = info
        d = self._design(Ac, z, self.part)
        self._solve(d, lam)
        x = self.coef_full_
        n_extra = len(names)
        self.coef_ = x[n_extra:]
        self.r_inf_ = float(x[0])
        self.inductance_ = float(x[names.index("L")]) if "L" in names else None  # no inductor in the model: not fitted
        self.capacitance_ = float(1.0 / x[names.index("inv_C")]) if "inv_C" in names and x[names.index("inv_C")] > 0 else math.inf
        self.leak_resistance_ = None
        if "inv_Q" in names:
            iq = float(x[names.index("inv_Q")])
            self.cpe_q_ = 1.0 / iq if iq > 0 else math.inf
            self.cpe_n_ = float(self._cpe_n)
        elif "R_leak" in names:
            rl = float(x[names.index("R_leak")])
            self.cpe_n_ = float(self._cpe_n)
            self.cpe_q_ = self._leak_tau**self._cpe_n / rl if rl > 0 else math.inf
            # a leakage time constant at the top of its search range means "no leakage resolved"
            self.leak_resistance_ = rl if self._leak_resolved else None
        else:
            self.cpe_q_, self.cpe_n_ = None, None
        z_fit = Ac @ x
        if self.part == "imag":  # R_inf unidentified by Z'': least-squares offset on Z'
            wr, _ = self._weights(z)
            off = float(np.sum(wr**2 * (z.real - z_fit.real)) / np.sum(wr**2))
            self.r_inf_ += off
            self.coef_full_[0] += off
            z_fit = z_fit + off
        self.z_fit_ = z_fit
        self.frequency_ = f.copy()
        self.z_ = z.copy()
        rel = np.abs(z_fit - z) / np.abs(z)
        self.relative_misfit_ = rel
        self.median_relative_misfit_ = float(np.median(rel))
        self.max_relative_misfit_ = float(np.max(rel))
        self.fit_quality_ = fit_quality(self.max_relative_misfit_)
        Phi = self.basis_matrix(self.tau_)
        self.gamma_ = Phi @ self.coef_
        self.polarization_resistance_ = float(self.coef_.sum() * self._basis_area())
        self.warnings_ = []
        self._edge_check()
        self.gamma_std_, self.gamma_lower_, self.gamma_upper_ = self._band(d, lam) if self.uncertainty else (None, None, None)
        self.peaks_ = self._peaks()
        self.process_assignment_ = "tau windows"
        self._assign_by_capacitance(spectrum)
        self._outside_check()
        self.spectrum_ = spectrum
        return self

    def _assign_by_capacitance(self, spectrum: EISSpectrum) -> None:
        """Relabel bulk and grain-boundary peaks by their normalised capacitance where the geometry is known.

        For the cell types of :data:`lisse.analysis.eis.cells.CAPACITANCE_CELLS` (blocking) with the default windows and
        the spectrum's area and thickness, every peak takes the process of its capacitance C* = (τ/R)(L/A) by Irvine's
        ranges (:mod:`lisse.analysis.eis.cells`): the τ windows put the grain boundaries of a fast conductor
        (τ ~ 1e-7-1e-6 s) into the bulk. Each relabelled peak, and each peak within a factor
        :data:`~lisse.analysis.eis.cells.AMBIGUOUS_CAPACITANCE_FACTOR` of a boundary, is named in :attr:`warnings_`.
        """
        from lisse.analysis.eis.cells import (
            AMBIGUOUS_CAPACITANCE_FACTOR,
            CAPACITANCE_CELLS,
            CAPACITANCE_RANGES_F,
            classify_capacitance,
            normalised_capacitance,
        )

        area, thickness = getattr(spectrum, "area", None), getattr(spectrum, "thickness", None)
        if self._user_windows or self.cell not in CAPACITANCE_CELLS or not area or not thickness:
            return
        above = CAPACITANCE_CELLS[self.cell]
        self.process_assignment_ = ("capacitance C* = (tau/R)(L/A) against Irvine1990's ranges (bulk < 1e-11 F, grain "
                                    f"boundary < 1e-8 F, {above} above)")
        for p in self.peaks_:
            c_norm = normalised_capacitance(p.capacitance_F, thickness, area)
            name = classify_capacitance(c_norm)
            name = above if name == "electrode" else name
            edge = next((b for b in CAPACITANCE_RANGES_F.values() if b / AMBIGUOUS_CAPACITANCE_FACTOR < c_norm < b * AMBIGUOUS_CAPACITANCE_FACTOR), None)
            if edge is not None:  # a factor 2 of capacitance (a geometry or a peak split) would move it across
                self.warnings_.append(f"DRT: the peak at tau = {p.tau_s:.3g} s (R = {p.resistance_ohm:.4g} ohm, C* = {c_norm:.3g} F) "
                                      f"lies within a factor {AMBIGUOUS_CAPACITANCE_FACTOR:g} of Irvine1990's boundary at "
                                      f"{edge:g} F: its assignment to {name}, and the conductivities that count it, are uncertain")
            if name != p.process:
                self.warnings_.append(f"DRT: the peak at tau = {p.tau_s:.3g} s (C = {p.capacitance_F:.3g} F, C* = {c_norm:.3g} F "
                                      f"for L/A = 1 cm^-1) is assigned to {name} by its capacitance (Irvine1990), not to "
                                      f"{p.process} by its tau window")
                p.process = name

    def _outside_check(self) -> None:
        """Warn for each peak more than a factor 3 (half a decade) outside the measured range tau = 1/(2 pi f) (the grid
        extends beyond it by ``extend_decades``): the data do not resolve such a peak; it stands for the spectrum's tail
        beyond the highest (short tau) or lowest (long tau) measured frequency, and its resistance is that tail's (a bulk
        arc half a decade beyond f_max: R_inf + R_bulk is fixed to 5 %, the split between them is not)."""
        f = self.frequency_
        lo, hi = 1.0 / (2 * np.pi * float(f.max())), 1.0 / (2 * np.pi * float(f.min()))
        for p in self.peaks_:
            if p.tau_s < lo / 3 or p.tau_s > 3 * hi:
                beyond = "highest" if p.tau_s < lo else "lowest"
                msg = (f"DRT: the peak at tau = {p.tau_s:.3g} s (R = {p.resistance_ohm:.4g} ohm, assigned to {p.process}) lies "
                       f"outside the measured range tau = {lo:.3g}-{hi:.3g} s (1/(2 pi f)): the data do not resolve it; it "
                       f"stands for the spectrum's tail beyond its {beyond} frequency")
                self.warnings_.append(msg)
                warnings.warn(msg, DRTEdgeWarning, stacklevel=3)

    def _basis_area(self) -> float:
        if self.basis == "gaussian":
            return math.sqrt(math.pi) / self._eps
        return self._delta

    def _solve(self, d: _Design, lam: float) -> None:
        from scipy.optimize import nnls

        A = np.vstack([d.A, math.sqrt(lam) * d.R])
        b = np.concatenate([d.b, np.zeros(d.R.shape[0])])
        try:
            xs, _ = nnls(A, b, maxiter=50 * A.shape[1])
        except RuntimeError as exc:  # pragma: no cover - scipy gives up only on pathological input
            raise CalculationError(f"DRT: the NNLS solver did not converge ({exc})") from None
        self._xs = xs
        self.coef_full_ = xs / d.scale

    def _search_blocking(self, omega: np.ndarray, z: np.ndarray, lam: float) -> None:
        """Exponent n in [0.5, 1] (and, for "leaky-cpe", the leakage time constant) of the blocking
        element minimising the regularised objective ||W(Ax − Z)||² + λ x^T M x.

        For fixed shape parameters the problem is the usual NNLS one (the element's amplitude is one
        more non-negative column), so the shape is found by a bounded search over the NNLS optimum
        (variable projection): a coarse grid, then Nelder-Mead (the NNLS optimum is
        only piecewise smooth in the shape parameters). The leakage time constant is searched from
        a decade below 1/(2π f_min) to eight decades above it (there the element is a plain CPE).
        """
        from scipy.optimize import minimize, nnls

        fixed_n = self.cpe_n
        Ac, names = self._columns(omega)  # the kernel once; only the blocking column changes
        j = len(names) - 1

        def objective(p) -> float:
            self._cpe_n = float(p[0]) if fixed_n is None else fixed_n
            if len(p) > 1:
                self._leak_tau = 10.0 ** float(p[1])
            Ac[:, j] = self._blocking_column(omega)
            d = self._design(Ac, z, self.part)
            A = np.vstack([d.A, math.sqrt(lam) * d.R])
            b = np.concatenate([d.b, np.zeros(d.R.shape[0])])
            rnorm = nnls(A, b, maxiter=50 * A.shape[1])[1]
            return float(rnorm) ** 2

        n_grid = (0.75, 0.85, 0.95, 1.0) if fixed_n is None else (fixed_n,)
        bounds = [(0.5, 1.0)]
        if self.blocking_element == "leaky-cpe":
            t_low = math.log10(1.0 / (2 * math.pi * float(np.min(omega) / (2 * math.pi)))) - 1.0
            t_grid = t_low + np.arange(0.0, 9.5, 1.5)
            bounds.append((t_low, t_low + 9.0))
            start: tuple[float, ...] = min(((n, t) for n in n_grid for t in t_grid), key=objective)
        else:
            start = (min(n_grid, key=lambda n: objective((n,))),)
        if fixed_n is None or len(bounds) > 1:
            x0 = np.array(start, float)
            simplex = np.vstack([x0] + [x0 + np.eye(len(x0))[i] * (0.05 if i == 0 else 0.5) * (-1 if i == 0 and x0[0] > 0.95 else 1)
                                        for i in range(len(x0))])
            res = minimize(objective, x0, method="Nelder-Mead", bounds=bounds,
                           options={"initial_simplex": simplex, "xatol": 2e-3, "fatol": 1e-9, "maxfev": 60})
            best = res.x if res.fun <= objective(start) else np.array(start, float)
        else:
            best = np.array(start, float)
        objective(best)  # leave the chosen shape set
        # the leakage is resolved by the data only when its time constant lies within two decades of the
        # slowest measured time scale; beyond that the element is a plain CPE and R_leak is not reported
        self._leak_resolved = len(best) > 1 and 10.0 ** best[1] <= 100.0 / float(np.min(omega))

    def _band(self, d: _Design, lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(std, lower, upper) of γ on the τ grid [ohm]: the nominal 95 % bias-aware band of
        :mod:`lisse.analysis.eis.drt_uncertainty` (also kept whole as ``band_``)."""
        from lisse.analysis.eis.drt_uncertainty import linearised_band

        self.band_ = linearised_band(d.A, d.b, d.R, self._xs, d.scale, lam, self.basis_matrix(self.tau_), len(self.param_names_))
        return self.band_.std, self.band_.lower, self.band_.upper

    def _edge_check(self) -> None:
        """Warn when weight piles up at a grid edge: γ rises towards the edge and the edge
        half-decade holds a noticeable share (> 5 %) of the distribution, or γ at the outermost
        point is still above 10 % of its maximum."""
        g = self.coef_
        total = g.sum()
        if total <= 0:
            return
        n_edge = max(2, self.ppd // 2)
        gmax = self.gamma_.max()
        for side, sl, end, inner in (("short-τ", slice(0, n_edge), 0, n_edge), ("long-τ", slice(-n_edge, None), -1, -n_edge - 1)):
            frac = g[sl].sum() / total
            rising = self.gamma_[end] >= self.gamma_[inner]
            if (rising and frac > 0.05) or self.gamma_[end] > 0.1 * gmax:
                missing = []
                if side == "short-τ" and not self.inductance:
                    missing.append("an inductance (inductance=True)")
                if side == "long-τ" and self.blocking_element == "none":
                    missing.append("a blocking element (cell='blocking')")
                msg = (
                    f"DRT: γ piles up at the {side} edge of the τ grid ({100 * frac:.1f} % of the distribution in the "
                    "last half decade); the grid (extend_decades) or the measured frequency range may be too short"
                    + (f", or {' / '.join(missing)} is missing" if missing else "")
                )
                self.warnings_.append(msg)
                warnings.warn(msg, DRTEdgeWarning, stacklevel=3)

    def gamma(self, tau: np.ndarray) -> np.ndarray:
        """Evaluate γ(τ) on any τ (after :meth:`fit`).

        Parameters
        ----------
        tau : ndarray
            Relaxation times in s.

        Returns
        -------
        ndarray
            γ in Ω (per unit ln τ).
        """
        return self.basis_matrix(np.asarray(tau, float)) @ self.coef_

    def predict(self, frequency: np.ndarray) -> np.ndarray:
        """Compute the model impedance at ``frequency`` (after :meth:`fit`).

        Parameters
        ----------
        frequency : ndarray
            Frequencies in Hz.

        Returns
        -------
        ndarray of complex
            Model impedance in Ω (R∞, inductance, series blocking term and the DRT integral).
        """
        omega = 2 * np.pi * np.asarray(frequency, float)
        Ac, _ = self._columns(omega)
        return Ac @ self.coef_full_

    # -- peaks -------------------------------------------------------------------------------
    def _peaks(self) -> list[DRTPeak]:
        from lisse.analysis._peaks import find_peaks  # scipy.signal.find_peaks without its scipy.stats import

        if self.gamma_.size == 0:
            return []

        lt = np.log(self.tau_)
        fine = np.linspace(lt[0], lt[-1], 4 * lt.size)
        g = self.basis_matrix(np.exp(fine)) @ self.coef_
        gmax = float(g.max()) if g.size else 0.0
        if gmax <= 0:
            return []
        dy = fine[1] - fine[0]
        total = float(g.sum() * dy)
        # local impedance scale |Z(ω = 1/τ)|: a kilo-ohm bulk arc next to a mega-ohm blocking tail
        # is still a peak; thresholds apply to γ relative to the local |Z| as well as globally
        lw = np.log(2 * np.pi * self.frequency_)
        order = np.argsort(lw)
        zloc = np.interp(-fine, lw[order], np.abs(self.z_)[order])
        gn = g / zloc
        gnmax = float(gn.max())
        cand = set()
        for arr, amax in ((g, gmax), (gn, gnmax)):
            ii, _ = find_peaks(np.concatenate([[0.0], arr, [0.0]]), height=self.peak_threshold * amax, prominence=self.peak_prominence * amax)
            cand.update((ii - 1).tolist())
        idx = np.array(sorted(cand), dtype=int)
        if idx.size == 0:
            return []
        # merge candidates closer than two grid spacings (the same peak found on both scales)
        merged = [idx[0]]
        for i in idx[1:]:
            if fine[i] - fine[merged[-1]] < 2 * self._delta:
                if g[i] > g[merged[-1]]:
                    merged[-1] = i
            else:
                merged.append(i)
        idx = np.array(merged, dtype=int)
        # initial widths from half-height crossings; minor peaks (ringing of the regularised
        # inversion) whose estimated area is below min_peak_fraction of both the total polarisation
        # and the local |Z| are merged into their neighbours
        s0 = np.empty(idx.size)
        for j, i in enumerate(idx):
            half = g[i] / 2
            lft = i
            while lft > 0 and g[lft] > half:
                lft -= 1
            rgt = i
            while rgt < g.size - 1 and g[rgt] > half:
                rgt += 1
            s0[j] = max((fine[rgt] - fine[lft]) / 2.355, self._delta / 2)
        area0 = g[idx] * s0 * math.sqrt(2 * math.pi)
        keep = (area0 >= self.min_peak_fraction * total) | (area0 >= self.local_peak_fraction * zloc[idx])
        if not keep.any():
            keep[np.argmax(area0)] = True
        idx, s0 = idx[keep], s0[keep]
        npk = idx.size
        h0, mu0 = g[idx], fine[idx]

        def comps(p):
            h, mu, s = p[:npk, None], p[npk : 2 * npk, None], p[2 * npk :, None]
            e = np.exp(-0.5 * ((fine[None, :] - mu) / s) ** 2)
            return h, mu, s, e

        wfit = 1.0 / (zloc * gnmax)  # fit γ relative to the local |Z|, like the detection

        def resid(p):
            h, _, _, e = comps(p)
            return ((h * e).sum(0) - g) * wfit

        def jac(p):
            h, mu, s, e = comps(p)
            dmu = h * e * (fine[None, :] - mu) / s**2
            ds = h * e * (fine[None, :] - mu) ** 2 / s**3
            return np.vstack([e, dmu, ds]).T * wfit[:, None]

        p0 = np.concatenate([h0, mu0, s0])
        lo = np.concatenate([np.zeros(npk), mu0 - 1.5, np.full(npk, self._delta / 4)])
        hi = np.concatenate([np.full(npk, 10 * gmax), mu0 + 1.5, np.full(npk, _MAX_PEAK_SIGMA)])
        p = _projected_lm(resid, jac, np.clip(p0, lo, hi), lo, hi)
        # merge Gaussians that converged onto the same peak (closer than their mean width)
        hs, ms, ss = list(p[:npk]), list(p[npk : 2 * npk]), list(p[2 * npk :])
        k = 0
        order_k = np.argsort(ms)
        hs, ms, ss = [hs[i] for i in order_k], [ms[i] for i in order_k], [ss[i] for i in order_k]
        while k < len(ms) - 1:
            if ms[k + 1] - ms[k] < 0.5 * (ss[k] + ss[k + 1]):
                a1, a2 = hs[k] * ss[k], hs[k + 1] * ss[k + 1]
                mu_new = (a1 * ms[k] + a2 * ms[k + 1]) / (a1 + a2)
                s_new = math.sqrt((a1 * (ss[k] ** 2 + (ms[k] - mu_new) ** 2) + a2 * (ss[k + 1] ** 2 + (ms[k + 1] - mu_new) ** 2)) / (a1 + a2))
                hs[k], ms[k], ss[k] = (a1 + a2) / s_new, mu_new, s_new
                del hs[k + 1], ms[k + 1], ss[k + 1]
            else:
                k += 1
        npk = len(ms)
        p = np.array(hs + ms + ss)
        h, mu, sg, e = comps(p)
        cm = h * e
        tot = cm.sum(0)
        share = np.where(tot > 0, cm / np.where(tot > 0, tot, 1.0), 1.0 / npk)
        peaks = []
        r_total = max(float(np.sum(g) * dy), 0.0)
        for k in range(npk):
            tau = float(math.exp(p[npk + k]))
            r_k = float(np.sum(g * share[k]) * dy)
            if not r_k > _ZERO_PEAK_FRACTION * r_total:  # a Gaussian driven to zero height is no process
                continue
            z_here = float(np.interp(-math.log(tau), lw[order], np.abs(self.z_)[order]))
            if r_k < self.resolved_fraction * z_here:  # below what the data resolve
                continue
            peaks.append(
                DRTPeak(
                    tau_s=tau,
                    resistance_ohm=r_k,
                    gaussian_area_ohm=float(p[k] * p[2 * npk + k] * math.sqrt(2 * math.pi)),
                    width_decades=float(p[2 * npk + k] / math.log(10)),
                    process=assign_process(tau, self.processes),
                )
            )
        peaks.sort(key=lambda pk: pk.tau_s)
        return peaks

    # -- display -------------------------------------------------------------------------------
    def _changed(self) -> dict:
        default = DRT()
        keys = ("lambda_", "basis", "fwhm_coeff", "ppd", "extend_decades", "part", "order", "weighting", "cell", "inductance",
                "blocking_element", "cpe_n", "uncertainty")
        out = {"lambda_": self.lambda_, "cell": self.cell}
        out.update({k: getattr(self, k) for k in keys if getattr(self, k) != getattr(default, k)})
        return out

    def __repr__(self) -> str:
        """The settings that differ from the defaults and, once fitted, the peaks and misfit (one line)."""
        params = ", ".join(f"{k}={short(v, 24)}" for k, v in self._changed().items())
        if not hasattr(self, "peaks_"):
            return f"DRT({params}; not fitted)"
        peaks = ", ".join(f"{p.process} {p.resistance_ohm:.3g} Ω" for p in self.peaks_[:4]) + (" …" if len(self.peaks_) > 4 else "")
        text = (f"DRT({params}; fitted: {len(self.peaks_)} peaks [{peaks}], "
                f"misfit {100 * self.median_relative_misfit_:.2g} % ({self.fit_quality_}))")
        return text if len(text) <= 200 else text[:198] + "…)"

    def _repr_html_(self) -> str:
        rows = [(k, short(v, 40)) for k, v in self._changed().items()]
        if hasattr(self, "peaks_"):
            rows.append(("λ used", f"{self.lambda_value_:.3g}"))
            rows += [(f"peak {k + 1}: {p.process}", f"R = {p.resistance_ohm:.4g} Ω, τ = {p.tau_s:.3g} s, C = {p.capacitance_F:.3g} F")
                     for k, p in enumerate(self.peaks_)]
            rows.append(("median misfit", f"{100 * self.median_relative_misfit_:.3g} % ({self.fit_quality_})"))
        return html_table("DRT" + ("" if hasattr(self, "peaks_") else " (not fitted)"), rows)

    def plot(self, kind: str = "drt", *, ax=None, axes=None, **kwargs):
        """Plot the fit (:mod:`lisse.plot.eis`); returns the Figure.

        Parameters
        ----------
        kind : {"drt", "nyquist", "bode"}
            γ(τ) with peaks and band (:func:`lisse.plot.eis.drt`), or the data with the DRT model
            (:func:`lisse.plot.eis.nyquist`, :func:`lisse.plot.eis.bode` with ``axes=``).
        ax, axes : matplotlib Axes, optional
            Where to draw (default: a new figure).
        **kwargs
            Passed on (``yscale``, ``title``, ...).

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (the user's when ``ax``/``axes`` is given).

        Raises
        ------
        ParameterError
            The DRT is not fitted, or ``kind`` is unknown.
        """
        if not hasattr(self, "peaks_"):
            raise ParameterError("DRT.plot: fit() the DRT first")
        if kind == "drt":
            return plot_with("lisse.plot.eis:drt", self, ax=ax, axes=axes, **kwargs)
        kwargs.setdefault("fit_label", "DRT model")
        if kind == "nyquist":
            return plot_with("lisse.plot.eis:nyquist", self.spectrum_, self.z_fit_, ax=ax, axes=axes, **kwargs)
        if kind == "bode":
            return plot_with("lisse.plot.eis:bode", self.spectrum_, self.z_fit_, ax=ax, axes=axes, **kwargs)
        raise ParameterError(f"DRT.plot kind: expected 'drt', 'nyquist' or 'bode'; found {kind!r}")

    # -- summaries ---------------------------------------------------------------------------
    def tables(self) -> dict:
        """Return the fit as pandas tables with unit-suffixed columns (after :meth:`fit`).

        Returns
        -------
        dict of str to pandas.DataFrame
            ``gamma``: tau_s, gamma_ohm, gamma_lower_ohm, gamma_upper_ohm (grid; band of nominal coverage
            :data:`BAND_LEVEL`); ``fit``: frequency_Hz, measured and fitted Z' and Z'' [ohm], relative misfit;
            ``peaks``: one row per reported peak.
        """
        import pandas as pd

        lo = self.gamma_lower_ if self.gamma_lower_ is not None else np.full_like(self.gamma_, np.nan)
        hi = self.gamma_upper_ if self.gamma_upper_ is not None else np.full_like(self.gamma_, np.nan)
        gamma = pd.DataFrame({"tau_s": self.tau_, "gamma_ohm": self.gamma_, "gamma_lower_ohm": lo, "gamma_upper_ohm": hi})
        fit = pd.DataFrame({
            "frequency_Hz": self.frequency_,
            "z_real_ohm": self.z_.real,
            "z_imag_ohm": self.z_.imag,
            "z_fit_real_ohm": self.z_fit_.real,
            "z_fit_imag_ohm": self.z_fit_.imag,
            "relative_misfit": self.relative_misfit_,
        })
        cols = ["tau_s", "frequency_Hz", "resistance_ohm", "capacitance_F", "gaussian_area_ohm", "width_decades", "process"]
        peaks = pd.DataFrame([p.as_dict() for p in self.peaks_], columns=cols)
        return {"gamma": gamma, "fit": fit, "peaks": peaks}

    def process_resistances(self) -> dict[str, float]:
        """Sum the peak resistances per assigned process.

        Returns
        -------
        dict of str to float
            Process name -> resistance in Ω.
        """
        out: dict[str, float] = {}
        for pk in self.peaks_:
            out[pk.process] = out.get(pk.process, 0.0) + pk.resistance_ohm
        return out

    def summary(self) -> dict:
        """Summarise the fit as JSON-able data with unit-suffixed keys.

        Returns
        -------
        dict
            Scalars (``inductance_H`` None without an inductor: not fitted), the peaks, and the arrays
            ``tau_s``, ``gamma_ohm``, ``gamma_lower_ohm``, ``gamma_upper_ohm`` (grid values; band of nominal
            coverage ``band_level``; None without the band), ``frequency_Hz``, ``z_fit_real_ohm``,
            ``z_fit_imag_ohm`` and ``relative_misfit`` (at the measured frequencies).
        """
        lower = None if self.gamma_lower_ is None else self.gamma_lower_.tolist()
        upper = None if self.gamma_upper_ is None else self.gamma_upper_.tolist()
        return {
            "cell": self.cell,
            "peaks": [p.as_dict() for p in self.peaks_],
            "median_relative_misfit": self.median_relative_misfit_,
            "max_relative_misfit": self.max_relative_misfit_,
            "fit_quality": self.fit_quality_,
            "fit_quality_thresholds": dict(FIT_QUALITY_THRESHOLDS),
            "r_inf_ohm": self.r_inf_,
            "inductance_H": self.inductance_,
            "blocking_element": self.blocking_element,
            "capacitance_F": self.capacitance_ if math.isfinite(self.capacitance_) else None,
            "cpe_q_F_s_n_minus_1": self.cpe_q_ if self.cpe_q_ is None or math.isfinite(self.cpe_q_) else None,
            "cpe_n": self.cpe_n_,
            "leak_resistance_ohm": self.leak_resistance_,
            "process_windows_s": {k: [lo, hi if math.isfinite(hi) else None] for k, (lo, hi) in self.processes.items()},
            "process_assignment": self.process_assignment_,
            "polarization_resistance_ohm": self.polarization_resistance_,
            "lambda": self.lambda_value_,
            "lambda_method": self.lambda_info_["criterion"],
            "process_resistance_ohm": self.process_resistances(),
            "tau_min_s": float(self.tau_[0]),
            "tau_max_s": float(self.tau_[-1]),
            "warnings": list(self.warnings_),
            "band_level": BAND_LEVEL,
            "tau_s": self.tau_.tolist(),
            "gamma_ohm": self.gamma_.tolist(),
            "gamma_lower_ohm": lower,
            "gamma_upper_ohm": upper,
            "frequency_Hz": self.frequency_.tolist(),
            "z_fit_real_ohm": self.z_fit_.real.tolist(),
            "z_fit_imag_ohm": self.z_fit_.imag.tolist(),
            "relative_misfit": self.relative_misfit_.tolist(),
        }
