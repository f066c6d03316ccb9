"""Residual weights for impedance fits: the one definition used by circuit fitting, DRT and Kramers–Kronig.

A complex residual ``Z_data - Z_model`` is split into its real and imaginary parts, each multiplied
by a weight [1/ohm] so that the least-squares problem is dimensionless (or, for ``"unit"``, in ohm):

* ``"modulus"``: ``1/|Z|`` on both parts (default; Boukamp's modulus weighting, scale-free);
* ``"unit"``: 1 on both parts (raw residuals in ohm, as DRTtools);
* ``"proportional"``: ``1/|Z'|`` and ``1/|Z''|`` separately, each floored at a fraction of ``|Z|``
  at that point (:data:`PROPORTIONAL_FLOORS`) so that a part crossing zero gets no infinite weight;
* an array of per-point standard deviations ``sigma`` [ohm]: ``1/sigma`` on both parts
  (where the caller allows it).

References
----------
Boukamp, J. Electrochem. Soc. 142, 1885 (1995), doi:10.1149/1.2044210.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lisse.errors import DataValidityError, ParameterError

__all__ = ["WEIGHTINGS", "PROPORTIONAL_FLOORS", "check_weighting", "residual_weights"]

#: The weighting names every impedance fit accepts.
WEIGHTINGS: tuple[str, ...] = ("modulus", "unit", "proportional")

#: ``"proportional"`` floors as fractions of ``|Z|`` at the same point: (real part, imaginary part).
#: The imaginary part goes through zero at the high-frequency intercept, hence the larger floor.
PROPORTIONAL_FLOORS: tuple[float, float] = (1e-12, 1e-3)


def check_weighting(weighting: Any, where: str, *, allow_sigma: bool = False) -> Any:
    """Return ``weighting`` if it is one of :data:`WEIGHTINGS` (or, with ``allow_sigma``, an array); else raise.

    Parameters
    ----------
    weighting : str or array
        The option value: a name of :data:`WEIGHTINGS`, or per-point standard deviations in Ω.
    where : str
        The caller's name for the message (``"Circuit"``, ``"DRT"``).
    allow_sigma : bool, default False
        Accept an array of per-point standard deviations [ohm] (checked against the data in :func:`residual_weights`).

    Returns
    -------
    str or ndarray
        ``weighting`` unchanged (a name, or per-point standard deviations in Ω).

    Raises
    ------
    ParameterError
        If it is not an accepted value.
    """
    if isinstance(weighting, str):
        if weighting not in WEIGHTINGS:
            names = ", ".join(repr(w) for w in WEIGHTINGS)
            extra = " or an array of sigma" if allow_sigma else ""
            raise ParameterError(f"{where} weighting: expected one of {names}{extra}; found {weighting!r}")
        return weighting
    if not allow_sigma:
        raise ParameterError(f"{where} weighting: expected one of {', '.join(repr(w) for w in WEIGHTINGS)}; found {weighting!r}")
    return weighting


def residual_weights(z: np.ndarray, weighting: Any, where: str = "fit") -> tuple[np.ndarray, np.ndarray]:
    """Weights [1/ohm] of the real and imaginary residuals at impedances ``z`` [ohm].

    Parameters
    ----------
    z : ndarray of complex
        Measured impedance [ohm].
    weighting : str or array
        One of :data:`WEIGHTINGS`, or per-point sigma [ohm] of the same shape as ``z``.
    where : str
        The caller's name for error messages.

    Returns
    -------
    (ndarray, ndarray)
        Weights of the real and of the imaginary parts, in 1/Ω (ones, dimensionless, for ``weighting="unit"``).

    Raises
    ------
    ParameterError
        For an unknown weighting or a sigma array of the wrong shape.
    DataValidityError
        For relative weighting of a spectrum with |Z| = 0 somewhere.
    """
    z = np.asarray(z, dtype=complex)
    if isinstance(weighting, str):
        check_weighting(weighting, where)
        if weighting == "unit":
            w = np.ones(z.size)
            return w, w
        mod = np.abs(z)
        if np.any(mod == 0):
            raise DataValidityError(f"{where} weighting '{weighting}': relative weights need |Z| > 0; found |Z| = 0 at "
                                    f"{int(np.sum(mod == 0))} of {z.size} points (a short or a corrupted export?)")
        if weighting == "modulus":
            w = 1.0 / mod
            return w, w
        fr, fi = PROPORTIONAL_FLOORS
        return 1.0 / np.maximum(np.abs(z.real), fr * mod), 1.0 / np.maximum(np.abs(z.imag), fi * mod)
    s = np.asarray(weighting, dtype=float)
    if s.shape != z.shape or np.any(~(s > 0)):
        raise ParameterError(f"{where} weighting: a sigma array must have {z.size} positive entries; found shape {s.shape}")
    return 1.0 / s, 1.0 / s
