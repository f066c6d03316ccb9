"""Synthetic impedance spectra with known truth (for tests, benchmarks and the demo study)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lisse.records.spectrum import EISSpectrum

__all__ = ["zarc_series", "three_arc_spectrum", "THREE_ARC_TRUTH"]

#: The three-arc case of the impedance issue: R0 = 10 ohm plus (R || CPE) arcs of 100/200/500 ohm,
#: n = 0.9, tau = 1e-7/1e-5/1e-2 s (bulk, grain boundary, interface).
THREE_ARC_TRUTH: dict[str, Any] = {"r0_ohm": 10.0, "r_ohm": (100.0, 200.0, 500.0), "tau_s": (1e-7, 1e-5, 1e-2), "n": 0.9}


def zarc_series(frequency: ArrayLike, r0: float, rs: Sequence[float], taus: Sequence[float], n: float = 0.9,
                inductance: float = 0.0) -> np.ndarray:
    """Compute Z of R0 + jωL + Σ R_k/(1 + (jωτ_k)^n) (each term an R ‖ CPE with Q = τ^n/R).

    Parameters
    ----------
    frequency : array_like of float
        Frequencies in Hz.
    r0 : float
        Series resistance in Ω.
    rs : sequence of float
        Arc resistances R_k in Ω.
    taus : sequence of float
        Arc time constants τ_k in s (same length as ``rs``).
    n : float, default 0.9
        CPE exponent (dimensionless, 0 < n <= 1).
    inductance : float, default 0.0
        Series inductance L in H.

    Returns
    -------
    ndarray of complex
        Impedance in Ω.
    """
    w = 2 * np.pi * np.asarray(frequency, float)
    z = np.full(w.shape, r0, dtype=complex) + 1j * w * inductance
    for r, t in zip(rs, taus):
        z = z + r / (1 + (1j * w * t) ** n)
    return z


def three_arc_spectrum(noise: float = 0.0, seed: int = 0, points_per_decade: int = 10) -> EISSpectrum:
    """Build the issue's three-arc spectrum, 1 MHz to 0.1 Hz, with optional Gaussian noise ``noise``·|Z| per part.

    The parameters are :data:`THREE_ARC_TRUTH` (R0 = 10 Ω; R = 100, 200, 500 Ω; τ = 1e-7, 1e-5, 1e-2 s; n = 0.9).

    Parameters
    ----------
    noise : float, default 0.0
        Relative noise level (a fraction of |Z|, dimensionless), added to real and imaginary parts.
    seed : int, default 0
        Random seed of the noise.
    points_per_decade : int, default 10
        Number of frequencies per decade.

    Returns
    -------
    EISSpectrum
        The spectrum; ``metadata["truth"]`` holds the parameters.
    """
    f = np.logspace(6, -1, 7 * points_per_decade + 1)
    t = THREE_ARC_TRUTH
    z = zarc_series(f, t["r0_ohm"], t["r_ohm"], t["tau_s"], t["n"])
    if noise:
        rng = np.random.default_rng(seed)
        z = z + noise * np.abs(z) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
    return EISSpectrum(f, z, label="synthetic-three-arc", metadata={"source": "lisse.analysis.eis.synthetic", "truth": dict(t), "noise": noise})
