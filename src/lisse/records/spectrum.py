"""Impedance spectrum container: frequency, complex impedance, cell geometry and provenance.

Everything inside is SI: frequency in Hz, impedance in ohm, area in m², thickness in m. The sign
convention is the physical one, ``Z = Z' + j Z''`` with ``Z'' < 0`` for a capacitive arc (instrument
files that store ``-Z''`` are converted by the readers).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from lisse.errors import ParameterError
from lisse.records.display import html_table, plot_with, short

__all__ = ["EISSpectrum"]


@dataclass(frozen=True)
class EISSpectrum:
    """One impedance spectrum.

    Parameters
    ----------
    frequency : array of float
        Measurement frequencies f [Hz], all > 0 and finite (any order; kept as given).
    impedance : array of complex
        Complex impedance Z(f) [ohm], ``Z'' < 0`` for capacitive behaviour.
    area : float or None
        Electrode (cross-section) area A [m²] used for area-specific resistance and conductivity.
    thickness : float or None
        Electrolyte thickness L [m] used for conductivity ``σ = L/(R·A)``.
    temperature : float or None
        Cell temperature [K] if known (for Arrhenius series).
    label : str
        A short name (file stem plus spectrum index for multi-spectrum files).
    metadata : dict
        Provenance: ``source`` (path), ``sha256`` (of the file bytes), ``reader`` (reader name),
        ``index`` (spectrum number inside the file) and any instrument header fields.

    Raises
    ------
    ParameterError
        If the arrays differ in length or are empty, a frequency is not finite and positive, an impedance
        is not finite, or ``area``/``thickness``/``temperature`` is not positive and finite.
    """

    frequency: np.ndarray
    impedance: np.ndarray
    area: float | None = None
    thickness: float | None = None
    temperature: float | None = None
    label: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        f = np.array(self.frequency, dtype=float).ravel()
        z = np.array(self.impedance, dtype=complex).ravel()
        if f.size != z.size:
            raise ParameterError(f"EISSpectrum '{self.label}': frequency has {f.size} points but impedance has {z.size}")
        if f.size < 1:
            raise ParameterError(f"EISSpectrum '{self.label}': expected at least one point, found none")
        if not np.all(np.isfinite(f)) or np.any(f <= 0):
            raise ParameterError(f"EISSpectrum '{self.label}': frequency must be finite and > 0 Hz; found min {np.nanmin(f):g}")
        if not np.all(np.isfinite(z)):
            raise ParameterError(f"EISSpectrum '{self.label}': impedance must be finite; found {int(np.sum(~np.isfinite(z)))} non-finite values")
        for name in ("area", "thickness", "temperature"):
            v = getattr(self, name)
            if v is not None and (not np.isfinite(v) or v <= 0):
                si, shown = {"area": ("m2", "cm2"), "thickness": ("m", "um"), "temperature": ("K", "K")}[name]
                also = f" (= {v / {'m2': 1e-4, 'm': 1e-6}[si]:g} {shown})" if si != "K" and np.isfinite(v) else ""
                raise ParameterError(f"EISSpectrum '{self.label}': {name} must be > 0; found {v!r} {si}{also}")
        f.setflags(write=False)
        z.setflags(write=False)
        object.__setattr__(self, "frequency", f)
        object.__setattr__(self, "impedance", z)
        object.__setattr__(self, "metadata", dict(self.metadata))

    # -- convenience views -------------------------------------------------------------------------
    @property
    def omega(self) -> np.ndarray:
        """Angular frequency ω = 2πf [rad/s]."""
        return 2.0 * np.pi * self.frequency

    @property
    def z_real(self) -> np.ndarray:
        """Z' [ohm]."""
        return self.impedance.real

    @property
    def z_imag(self) -> np.ndarray:
        """Z'' [ohm] (negative for capacitive behaviour)."""
        return self.impedance.imag

    @property
    def modulus(self) -> np.ndarray:
        """|Z| [ohm]."""
        return np.abs(self.impedance)

    @property
    def phase_deg(self) -> np.ndarray:
        """Phase angle of Z [degree]."""
        return np.degrees(np.angle(self.impedance))

    def __len__(self) -> int:
        return int(self.frequency.size)

    def sorted(self, descending: bool = True) -> EISSpectrum:
        """Return a copy ordered by frequency (high to low by default).

        Parameters
        ----------
        descending : bool, default True
            High to low frequency when True, low to high otherwise.

        Returns
        -------
        EISSpectrum
            The reordered copy (metadata kept).
        """
        idx = np.argsort(self.frequency)
        if descending:
            idx = idx[::-1]
        return replace(self, frequency=self.frequency[idx], impedance=self.impedance[idx])

    def with_geometry(self, area: float | None = None, thickness: float | None = None) -> EISSpectrum:
        """Return a copy with area and/or thickness set.

        Parameters
        ----------
        area : float or None, optional
            Electrode area in m²; None keeps the current value.
        thickness : float or None, optional
            Electrolyte thickness in m; None keeps the current value.

        Returns
        -------
        EISSpectrum
            The copy.

        Raises
        ------
        ParameterError
            If a value is not positive and finite.
        """
        return replace(
            self,
            area=self.area if area is None else float(area),
            thickness=self.thickness if thickness is None else float(thickness),
        )

    def area_specific(self) -> np.ndarray:
        """Compute the area-specific impedance ``Z·A``.

        Returns
        -------
        ndarray of complex
            Area-specific impedance in Ω·m².

        Raises
        ------
        ParameterError
            If ``area`` is not set.
        """
        if self.area is None:
            raise ParameterError(f"EISSpectrum '{self.label}': area-specific impedance needs 'area' [m²], which is not set")
        return self.impedance * self.area

    def crop(self, f_min: float | None = None, f_max: float | None = None) -> EISSpectrum:
        """Return a copy restricted to ``f_min <= f <= f_max``.

        Parameters
        ----------
        f_min, f_max : float or None, optional
            Frequency limits in Hz; None: no limit on that side.

        Returns
        -------
        EISSpectrum
            The cropped copy.

        Raises
        ------
        ParameterError
            If no point is left.
        """
        keep = np.ones(len(self), dtype=bool)
        if f_min is not None:
            keep &= self.frequency >= f_min
        if f_max is not None:
            keep &= self.frequency <= f_max
        if not keep.any():
            raise ParameterError(f"EISSpectrum '{self.label}': no point left between {f_min} and {f_max} Hz")
        return replace(self, frequency=self.frequency[keep], impedance=self.impedance[keep])

    # -- display -----------------------------------------------------------------------------------
    def _source(self) -> str:
        src = str(self.metadata.get("source", "") or "")
        return src.replace("\\", "/").rsplit("/", 1)[-1] if src else ""

    def __repr__(self) -> str:
        """One line: label, number of points, frequency and |Z| ranges, source file."""
        f, m = self.frequency, np.abs(self.impedance)
        parts = [f"{len(self)} points", f"{f.min():.3g}–{f.max():.3g} Hz", f"|Z| {m.min():.3g}–{m.max():.3g} Ω"]
        if self.temperature is not None:
            parts.append(f"{self.temperature - 273.15:.1f} °C")
        src = self._source()
        if src:
            parts.append(f"source={short(src, 40)}")
        return f"EISSpectrum({short(self.label, 40)}, {', '.join(parts)})"

    def _repr_html_(self) -> str:
        f, m = self.frequency, np.abs(self.impedance)
        rows = [("label", self.label), ("points", str(len(self))), ("frequency", f"{f.min():.4g} – {f.max():.4g} Hz"),
                ("|Z|", f"{m.min():.4g} – {m.max():.4g} Ω")]
        if self.area is not None:
            rows.append(("area", f"{self.area * 1e4:.4g} cm²"))
        if self.thickness is not None:
            rows.append(("thickness", f"{self.thickness * 1e6:.4g} µm"))
        if self.temperature is not None:
            rows.append(("temperature", f"{self.temperature:.2f} K ({self.temperature - 273.15:.1f} °C)"))
        if self._source():
            rows.append(("source", self._source()))
        if self.metadata.get("reader"):
            rows.append(("reader", str(self.metadata["reader"])))
        return html_table("EISSpectrum", rows)

    def plot(self, kind: str = "nyquist", *, ax=None, axes=None, **kwargs):
        """Plot the spectrum (:mod:`lisse.plot.eis`; matplotlib is imported now, not with lisse).

        Parameters
        ----------
        kind : {"nyquist", "bode"}
            :func:`lisse.plot.eis.nyquist` (one Axes, ``ax=``) or :func:`lisse.plot.eis.bode`
            (two Axes, ``axes=``).
        ax, axes : matplotlib Axes, optional
            Where to draw (default: a new figure).
        **kwargs
            Passed on (``z_fit`` [ohm], ``fit_label``, ``title``, ...).

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (the user's when ``ax``/``axes`` is given).

        Raises
        ------
        ParameterError
            ``kind`` is neither "nyquist" nor "bode".
        """
        if kind == "nyquist":
            return plot_with("lisse.plot.eis:nyquist", self, ax=ax, axes=axes, **kwargs)
        if kind == "bode":
            return plot_with("lisse.plot.eis:bode", self, ax=ax, axes=axes, **kwargs)
        raise ParameterError(f"EISSpectrum.plot kind: expected 'nyquist' or 'bode'; found {kind!r}")

    def to_frame(self):
        """Return the spectrum as a pandas DataFrame.

        Returns
        -------
        pandas.DataFrame
            Columns ``frequency_Hz`` (Hz), ``z_real_ohm`` and ``z_imag_ohm`` (Ω).
        """
        import pandas as pd

        return pd.DataFrame({"frequency_Hz": self.frequency, "z_real_ohm": self.z_real, "z_imag_ohm": self.z_imag})
