"""Peaks of a sampled curve by height and prominence: :func:`scipy.signal.find_peaks` semantics.

``scipy.signal`` imports ``scipy.stats`` (about half a second of CPU at every ``lisse`` start that finds
DRT peaks); this is the subset lisse uses, the same algorithm (plateau midpoints, prominence from the
lowest point on each side before a higher sample), checked against SciPy in
``tests/eis/test_peaks_vs_scipy.py``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["find_peaks"]


def _local_maxima(x: np.ndarray) -> np.ndarray:
    """Indices of local maxima; a flat top counts once, at its middle (left + right) // 2."""
    peaks = []
    i, i_max = 1, x.size - 1
    while i < i_max:
        if x[i - 1] < x[i]:
            ahead = i + 1
            while ahead < i_max and x[ahead] == x[i]:
                ahead += 1
            if x[ahead] < x[i]:
                peaks.append((i + ahead - 1) // 2)
                i = ahead
        i += 1
    return np.asarray(peaks, dtype=np.intp)


def _prominence(x: np.ndarray, peak: int) -> float:
    """Height of ``x[peak]`` above the higher of the lowest points reached on each side before a higher sample."""
    top = x[peak]
    i, left = peak, top
    while i >= 0 and x[i] <= top:
        left = min(left, x[i])
        i -= 1
    i, right = peak, top
    while i < x.size and x[i] <= top:
        right = min(right, x[i])
        i += 1
    return float(top - max(left, right))


def find_peaks(x, height: float | None = None, prominence: float | None = None) -> tuple[np.ndarray, dict]:
    """Indices of the peaks of ``x`` at least ``height`` high and ``prominence`` prominent.

    Parameters
    ----------
    x : array_like
        1D samples (NaN-free).
    height, prominence : float, optional
        Lower bounds (same unit as ``x``); None: no bound.

    Returns
    -------
    peaks : ndarray of int
        Peak indices, ascending.
    properties : dict
        ``peak_heights`` and ``prominences`` of the returned peaks (when the bound was given).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"find_peaks expects a 1D array; got shape {x.shape}")
    peaks = _local_maxima(x)
    props: dict[str, np.ndarray] = {}
    if height is not None:
        keep = x[peaks] >= height
        peaks = peaks[keep]
        props["peak_heights"] = x[peaks]
    if prominence is not None:
        prom = np.array([_prominence(x, int(p)) for p in peaks], dtype=float)
        keep = prom >= prominence
        peaks = peaks[keep]
        props = {k: v[keep] for k, v in props.items()}
        props["prominences"] = prom[keep]
    return peaks, props
