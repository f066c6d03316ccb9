"""Butler–Volmer electrode kinetics: the one implementation every model and analysis in lisse calls.

Sign convention
---------------
**Anodic current is positive** and the overpotential is the electrode potential minus the electrolyte
potential minus the equilibrium potential, ``eta = phi_s - phi_e - U`` [V]. For ``n`` electrons::

    i = i0 [exp(alpha_a n F eta / RT) - exp(-alpha_c n F eta / RT)]        [A/m2]

so ``eta > 0`` oxidises (Li -> Li+ + e-, stripping) and ``eta < 0`` reduces (plating). ``alpha_c``
defaults to ``1 - alpha_a`` (one elementary step). Models that count plating (cathodic) current as
positive call these functions with ``i_cathodic = -i`` and say so where they call.

Limits (used by the tests): at small ``|eta|`` the law is linear, ``i = eta / R_ct`` with the
charge-transfer resistance ``R_ct = RT / (n F i0)`` [Ohm m2]; far from equilibrium one exponential
dominates and the Tafel slopes are ``ln(10) RT / (alpha_a n F)`` (anodic) and
``ln(10) RT / (alpha_c n F)`` (cathodic) [V/decade].

Inverse: for ``alpha_a = alpha_c = alpha`` the law is ``i = 2 i0 sinh(alpha n F eta / RT)`` with the
closed-form inverse ``eta = RT / (alpha n F) asinh(i / (2 i0))`` (Bard and Faulkner 2001, eq. 3.4.11
for alpha = 1/2); for general ``alpha`` the inverse is found by safeguarded Newton iteration inside
an analytic bracket, vectorised over ``i``.

The functions take numpy arrays or floats. ``reduced_*`` functions are the dimensionless core
(``x = n F eta / RT``, ``y = i / i0``) for solvers that work in reduced variables.

References
----------
Bard and Faulkner, Electrochemical Methods, 2nd ed. (Wiley, 2001), ch. 3 (Butler–Volmer, Tafel).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from lisse.constants import FARADAY, GAS_CONSTANT, ROOM_TEMPERATURE
from lisse.errors import ConvergenceError, ParameterError
from lisse.params import check_open_fraction, check_positive, check_temperature

if TYPE_CHECKING:  # numpy is imported inside the functions: CLI modules import their callers to build parsers
    import numpy as np
    from numpy.typing import ArrayLike

__all__ = [
    "faraday_over_rt",
    "reduced_butler_volmer",
    "reduced_butler_volmer_slope",
    "reduced_butler_volmer_with_slope",
    "reduced_overpotential",
    "butler_volmer",
    "butler_volmer_slope",
    "butler_volmer_overpotential",
    "symmetric_overpotential",
    "charge_transfer_resistance",
    "exchange_current_from_resistance",
    "tafel_slope",
]


def _alphas(alpha_a: float, alpha_c: float | None) -> tuple[float, float]:
    ac = 1.0 - alpha_a if alpha_c is None else alpha_c
    return check_open_fraction(alpha_a, "alpha_a"), check_open_fraction(ac, "alpha_c")


def faraday_over_rt(temperature: float = ROOM_TEMPERATURE, n: float = 1.0) -> float:
    """Compute ``f = n F / (R T)`` in 1/V (38.92 1/V at 298.15 K, n = 1).

    Parameters
    ----------
    temperature : float, default 298.15
        Absolute temperature in K (checked against :data:`lisse.params.TEMPERATURE_RANGE`).
    n : float, default 1
        Number of electrons transferred per reaction (dimensionless, > 0).

    Returns
    -------
    float
        ``n F / (R T)`` in 1/V (F, R from :mod:`lisse.constants`, CODATA 2018).

    Raises
    ------
    ParameterError
        If ``temperature`` is outside the allowed range or ``n`` is not positive.
    """
    return check_positive(n, "n") * FARADAY / (GAS_CONSTANT * check_temperature(temperature, "temperature"))


def _exp(x, max_exponent: float | None, minus_one: bool = False):
    import numpy as np

    x = x if max_exponent is None else np.clip(x, -max_exponent, max_exponent)
    return np.expm1(x) if minus_one else np.exp(x)


def reduced_butler_volmer(x: ArrayLike, alpha_a: float, alpha_c: float | None = None, *, max_exponent: float | None = None) -> np.ndarray:
    """Evaluate the dimensionless Butler–Volmer law ``y = exp(alpha_a x) - exp(-alpha_c x)`` (anodic positive).

    Parameters
    ----------
    x : float or array_like
        Reduced overpotential ``n F eta / (R T)`` (dimensionless).
    alpha_a, alpha_c : float
        Anodic and cathodic transfer coefficients in (0, 1), dimensionless; ``alpha_c`` defaults to ``1 - alpha_a``.
    max_exponent : float, optional
        Clip each (dimensionless) exponent to ``±max_exponent`` (for Newton solvers whose trial iterates stray
        far from the solution; the solution itself must lie inside). None: no clipping.

    Returns
    -------
    ndarray
        ``i / i0`` (dimensionless), computed with ``expm1`` so that it has no cancellation near equilibrium.

    Raises
    ------
    ParameterError
        If a transfer coefficient is outside (0, 1).

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), ch. 3.
    """
    import numpy as np

    aa, ac = _alphas(alpha_a, alpha_c)
    x = np.asarray(x, dtype=float)
    # (e^a - 1) - (e^-c - 1): the same number, without cancellation near equilibrium
    return _exp(aa * x, max_exponent, True) - _exp(-ac * x, max_exponent, True)


def reduced_butler_volmer_slope(x: ArrayLike, alpha_a: float, alpha_c: float | None = None, *, max_exponent: float | None = None) -> np.ndarray:
    """Evaluate ``dy/dx = alpha_a exp(alpha_a x) + alpha_c exp(-alpha_c x)`` of :func:`reduced_butler_volmer`.

    Parameters
    ----------
    x : float or array_like
        Reduced overpotential ``n F eta / (R T)`` (dimensionless).
    alpha_a, alpha_c : float
        Anodic and cathodic transfer coefficients in (0, 1), dimensionless; ``alpha_c`` defaults to ``1 - alpha_a``.
    max_exponent : float, optional
        Clip each (dimensionless) exponent to ``±max_exponent``; None: no clipping.

    Returns
    -------
    ndarray
        ``dy/dx`` (dimensionless), same shape as ``x``.

    Raises
    ------
    ParameterError
        If a transfer coefficient is outside (0, 1).
    """
    import numpy as np

    aa, ac = _alphas(alpha_a, alpha_c)
    x = np.asarray(x, dtype=float)
    return aa * _exp(aa * x, max_exponent) + ac * _exp(-ac * x, max_exponent)


def reduced_butler_volmer_with_slope(x: ArrayLike, alpha_a: float, alpha_c: float | None = None, *,
                                     max_exponent: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Evaluate :func:`reduced_butler_volmer` and :func:`reduced_butler_volmer_slope` together (one pass, for Newton loops).

    Parameters
    ----------
    x : float or array_like
        Reduced overpotential ``n F eta / (R T)`` (dimensionless).
    alpha_a, alpha_c : float
        Anodic and cathodic transfer coefficients in (0, 1), dimensionless; ``alpha_c`` defaults to ``1 - alpha_a``.
    max_exponent : float, optional
        Clip each (dimensionless) exponent to ``±max_exponent``; None: no clipping.

    Returns
    -------
    tuple of ndarray
        ``(y, dy/dx)``, both dimensionless, equal to the two functions' results.

    Raises
    ------
    ParameterError
        If a transfer coefficient is outside (0, 1).
    """
    import numpy as np

    aa, ac = _alphas(alpha_a, alpha_c)
    x = np.asarray(x, dtype=float)
    xa, xc = aa * x, -ac * x
    if max_exponent is not None and x.size and float(np.abs(x).max()) * max(aa, ac) > max_exponent:
        xa = np.clip(xa, -max_exponent, max_exponent)
        xc = np.clip(xc, -max_exponent, max_exponent)
    ema, emc = np.expm1(xa), np.expm1(xc)
    return ema - emc, aa * (ema + 1.0) + ac * (emc + 1.0)


def _positive_root(y, aa: float, ac: float, tol: float, max_iter: int):
    """Solve ``exp(aa x) - exp(-ac x) = y`` for ``y > 0`` (so ``x > 0``), elementwise.

    Works on ``G(x) = aa x + ln(1 - exp(-(aa + ac) x)) - ln y`` (increasing, concave, no overflow) with
    Newton steps kept inside the bracket ``[max(0, ln(y)/aa), ln(1 + y)/aa]`` and bisection otherwise.
    """
    import numpy as np

    s = aa + ac
    lny = np.log(y)
    lo = np.maximum(0.0, lny / aa)
    hi = np.log1p(y) / aa
    x = np.clip(np.arcsinh(y / 2.0) / (0.5 * s), lo, hi)  # symmetric estimate, kept in the bracket
    x = np.where((x <= lo) | (x >= hi), 0.5 * (lo + hi), x)
    for _ in range(max_iter):
        em = -np.expm1(-s * x)  # 1 - exp(-s x) > 0 for x > 0
        g = aa * x + np.log(em) - lny
        dg = aa + s * (1.0 - em) / em
        lo = np.where(g < 0, x, lo)
        hi = np.where(g > 0, x, hi)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            step = g / dg
        newton = x - step
        converged = (g == 0) | (np.abs(step) <= tol * np.abs(x))
        bad = ~np.isfinite(newton) | (newton < lo) | (newton > hi)
        x = np.where(converged & np.isfinite(newton), newton, np.where(converged, x, np.where(bad, 0.5 * (lo + hi), newton)))
        if np.all(converged):
            return x
    raise ConvergenceError(f"Butler-Volmer inverse did not converge in {max_iter} iterations (alpha_a = {aa}, alpha_c = {ac})")


def reduced_overpotential(y: ArrayLike, alpha_a: float, alpha_c: float | None = None, *, tol: float = 1e-14, max_iter: int = 200) -> np.ndarray:
    """Invert :func:`reduced_butler_volmer`: the reduced overpotential ``x`` carrying ``y = i/i0``.

    Closed form ``x = asinh(y/2) / alpha`` when ``alpha_a == alpha_c == alpha``; otherwise safeguarded
    Newton iteration inside an analytic bracket (vectorised; converges for every finite ``y``).

    Parameters
    ----------
    y : float or array_like
        ``i / i0`` (dimensionless), anodic positive.
    alpha_a, alpha_c : float
        Transfer coefficients in (0, 1), dimensionless; ``alpha_c`` defaults to ``1 - alpha_a``.
    tol : float, default 1e-14
        Relative tolerance (dimensionless): stop when the Newton step is below ``tol |x|`` (the last step
        then leaves an error ~ step^2).
    max_iter : int, default 200
        Maximum number of Newton iterations.

    Returns
    -------
    ndarray
        ``n F eta / (R T)`` (dimensionless), same shape as ``y``.

    Raises
    ------
    ParameterError
        If ``y`` is not finite or a transfer coefficient is outside (0, 1).
    ConvergenceError
        If Newton iteration does not converge within ``max_iter``.

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), ch. 3.
    """
    import numpy as np

    aa, ac = _alphas(alpha_a, alpha_c)
    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)):
        raise ParameterError("Butler-Volmer inverse: the current density must be finite")
    if aa == ac:
        return np.arcsinh(y / 2.0) / aa
    out = np.zeros_like(y)
    pos, neg = y > 0, y < 0
    if np.any(pos):
        out[pos] = _positive_root(y[pos], aa, ac, tol, max_iter)
    if np.any(neg):  # -i(eta; aa, ac) = i(-eta; ac, aa)
        out[neg] = -_positive_root(-y[neg], ac, aa, tol, max_iter)
    return out


def butler_volmer(eta: ArrayLike, i0: float, alpha_a: float = 0.5, alpha_c: float | None = None, temperature: float = ROOM_TEMPERATURE,
                  n: float = 1.0, *, max_exponent: float | None = None) -> np.ndarray:
    """Compute the Butler–Volmer current density ``i = i0 [exp(alpha_a nF eta/RT) - exp(-alpha_c nF eta/RT)]``.

    Parameters
    ----------
    eta : float or array_like
        Overpotential ``phi_s - phi_e - U`` in V.
    i0 : float
        Exchange current density in A/m² (any area-specific current unit: ``i`` comes out in it).
    alpha_a : float, default 0.5
        Anodic transfer coefficient in (0, 1), dimensionless.
    alpha_c : float or None, optional
        Cathodic transfer coefficient in (0, 1), dimensionless; default ``1 - alpha_a``.
    temperature : float, default 298.15
        Absolute temperature in K (checked against :data:`lisse.params.TEMPERATURE_RANGE`).
    n : float, default 1
        Number of electrons transferred per reaction (dimensionless, > 0).
    max_exponent : float, optional
        Clip the dimensionless exponents, see :func:`reduced_butler_volmer`.

    Returns
    -------
    ndarray
        Current density, **anodic positive**, in the unit of ``i0`` (A/m² for SI input).

    Raises
    ------
    ParameterError
        For a transfer coefficient outside (0, 1), a non-positive ``n`` or an out-of-range temperature.

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), ch. 3.
    """
    import numpy as np

    return i0 * reduced_butler_volmer(np.asarray(eta, dtype=float) * faraday_over_rt(temperature, n), alpha_a, alpha_c,
                                      max_exponent=max_exponent)


def butler_volmer_slope(eta: ArrayLike, i0: float, alpha_a: float = 0.5, alpha_c: float | None = None, temperature: float = ROOM_TEMPERATURE,
                        n: float = 1.0, *, max_exponent: float | None = None) -> np.ndarray:
    """Compute ``di/deta`` of :func:`butler_volmer`; at ``eta = 0`` it is ``1/R_ct = n F i0/(R T)``.

    Parameters
    ----------
    eta : float or array_like
        Overpotential in V.
    i0 : float
        Exchange current density in A/m².
    alpha_a : float, default 0.5
        Anodic transfer coefficient in (0, 1), dimensionless.
    alpha_c : float or None, optional
        Cathodic transfer coefficient in (0, 1), dimensionless; default ``1 - alpha_a``.
    temperature : float, default 298.15
        Absolute temperature in K (checked against :data:`lisse.params.TEMPERATURE_RANGE`).
    n : float, default 1
        Number of electrons transferred per reaction (dimensionless, > 0).
    max_exponent : float, optional
        Clip the dimensionless exponents, see :func:`reduced_butler_volmer`.

    Returns
    -------
    ndarray
        ``di/deta`` in A/(m² V) (unit of ``i0`` per volt).

    Raises
    ------
    ParameterError
        For out-of-range transfer coefficients, ``n`` or temperature.

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), ch. 3.
    """
    import numpy as np

    f = faraday_over_rt(temperature, n)
    return i0 * f * reduced_butler_volmer_slope(np.asarray(eta, dtype=float) * f, alpha_a, alpha_c, max_exponent=max_exponent)


def butler_volmer_overpotential(i: ArrayLike, i0: float, alpha_a: float = 0.5, alpha_c: float | None = None,
                                temperature: float = ROOM_TEMPERATURE, n: float = 1.0) -> np.ndarray:
    """Compute the overpotential ``eta`` that carries current density ``i`` (inverse of :func:`butler_volmer`).

    Closed-form asinh for ``alpha_a == alpha_c``, bracketed Newton otherwise (see
    :func:`reduced_overpotential`). Vectorised over ``i``.

    Parameters
    ----------
    i : float or array_like
        Current density, anodic positive, in the unit of ``i0`` (A/m² for SI).
    i0 : float
        Exchange current density in A/m² (> 0).
    alpha_a : float, default 0.5
        Anodic transfer coefficient in (0, 1), dimensionless.
    alpha_c : float or None, optional
        Cathodic transfer coefficient in (0, 1), dimensionless; default ``1 - alpha_a``.
    temperature : float, default 298.15
        Absolute temperature in K (checked against :data:`lisse.params.TEMPERATURE_RANGE`).
    n : float, default 1
        Number of electrons transferred per reaction (dimensionless, > 0).

    Returns
    -------
    ndarray
        Overpotential ``eta`` in V, same shape as ``i``.

    Raises
    ------
    ParameterError
        If ``i0`` is not positive, ``i`` not finite, or another parameter is out of range.
    ConvergenceError
        If the Newton iteration fails (it should not for finite input).

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), ch. 3.
    """
    check_positive(i0, "i0")
    return reduced_overpotential(_as_array(i) / i0, alpha_a, alpha_c) / faraday_over_rt(temperature, n)


def symmetric_overpotential(i: ArrayLike, i0: float, alpha: float = 0.5, temperature: float = ROOM_TEMPERATURE, n: float = 1.0) -> np.ndarray:
    """Compute the closed-form inverse for ``alpha_a = alpha_c = alpha``: ``eta = RT/(alpha n F) asinh(i/(2 i0))``.

    With ``alpha = 1/2``: ``eta = (2RT/nF) asinh(i/(2 i0))`` (Bard and Faulkner 2001, eq. 3.4.11).

    Parameters
    ----------
    i : float or array_like
        Current density, anodic positive, in the unit of ``i0`` (A/m² for SI).
    i0 : float
        Exchange current density in A/m² (> 0).
    alpha : float, default 0.5
        Symmetric transfer coefficient in (0, 1), dimensionless.
    temperature : float, default 298.15
        Absolute temperature in K (checked against :data:`lisse.params.TEMPERATURE_RANGE`).
    n : float, default 1
        Number of electrons transferred per reaction (dimensionless, > 0).

    Returns
    -------
    ndarray
        Overpotential in V.

    Raises
    ------
    ParameterError
        If ``i0`` is not positive or another parameter is out of range.

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), ch. 3, eq. 3.4.11.
    """
    import numpy as np

    check_positive(i0, "i0")
    _alphas(alpha, alpha)
    return np.arcsinh(_as_array(i) / (2.0 * i0)) / (alpha * faraday_over_rt(temperature, n))


def charge_transfer_resistance(i0: float, temperature: float = ROOM_TEMPERATURE, n: float = 1.0) -> float:
    """Compute the area-specific charge-transfer resistance ``R_ct = RT/(n F i0)``.

    The slope ``d eta / d i`` of the Butler–Volmer law at equilibrium, whatever ``alpha``.

    Parameters
    ----------
    i0 : float
        Exchange current density in A/m² (> 0).
    temperature : float, default 298.15
        Absolute temperature in K (checked against :data:`lisse.params.TEMPERATURE_RANGE`).
    n : float, default 1
        Number of electrons transferred per reaction (dimensionless, > 0).

    Returns
    -------
    float
        ``R_ct`` in Ω m².

    Raises
    ------
    ParameterError
        If ``i0`` is not positive or temperature/``n`` out of range.

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), ch. 3.
    """
    return 1.0 / (faraday_over_rt(temperature, n) * check_positive(i0, "i0", "A/m2"))


def exchange_current_from_resistance(r_ct: float, temperature: float = ROOM_TEMPERATURE, n: float = 1.0) -> float:
    """Compute the exchange current density ``i0 = RT/(n F R_ct)`` of an interface from its charge-transfer resistance.

    The inverse of :func:`charge_transfer_resistance`: the linearised Butler–Volmer law near equilibrium, whatever
    ``alpha``. ``R_ct`` is the area-specific resistance of ONE interface (a symmetric Li | SE | Li cell's interfacial
    impedance arc holds two: halve it first).

    Parameters
    ----------
    r_ct : float
        Area-specific charge-transfer resistance of one interface in Ω m² (> 0; 1 Ω cm² = 1e-4 Ω m²).
    temperature : float, default 298.15
        Absolute temperature in K (checked against :data:`lisse.params.TEMPERATURE_RANGE`).
    n : float, default 1
        Number of electrons transferred per reaction (dimensionless, > 0).

    Returns
    -------
    float
        ``i0`` in A/m² (1 mA/cm² = 10 A/m²).

    Raises
    ------
    ParameterError
        If ``r_ct`` is not positive or temperature/``n`` out of range.

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), ch. 3.
    """
    return 1.0 / (faraday_over_rt(temperature, n) * check_positive(r_ct, "r_ct", "ohm*m2"))


def tafel_slope(alpha: float, temperature: float = ROOM_TEMPERATURE, n: float = 1.0) -> float:
    """Compute the Tafel slope ``ln(10) RT/(alpha n F)`` of the branch with transfer coefficient ``alpha``.

    Parameters
    ----------
    alpha : float
        Transfer coefficient of the branch (``alpha_a`` anodic, ``alpha_c`` cathodic), in (0, 1), dimensionless.
    temperature : float, default 298.15
        Absolute temperature in K (checked against :data:`lisse.params.TEMPERATURE_RANGE`).
    n : float, default 1
        Number of electrons transferred per reaction (dimensionless, > 0).

    Returns
    -------
    float
        Tafel slope in V/decade (0.118 V/decade for alpha = 0.5 at 298.15 K).

    Raises
    ------
    ParameterError
        If ``alpha`` is outside (0, 1) or temperature/``n`` out of range.

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), ch. 3.
    """
    a, _ = _alphas(alpha, alpha)
    return math.log(10.0) / (a * faraday_over_rt(temperature, n))


def _as_array(x):
    import numpy as np

    return np.asarray(x, dtype=float)
