"""One-call analysis of a spectrum (KK, DRT, optional circuit fit, conductivity): used by the CLI and
the evaluate stage so that both report the same numbers."""

from __future__ import annotations

from lisse.records.spectrum import EISSpectrum

__all__ = ["analyse", "parse_windows"]


def _auto(flag: str, default: bool) -> bool:
    return default if flag == "auto" else flag == "yes"


def parse_windows(spec) -> dict[str, tuple[float, float]] | None:
    """Process τ windows from a mapping ``{name: [low_s, high_s]}`` or CLI strings ``"name=low:high"``.

    An empty ``high`` means infinity (``"interface=3e-3:"``). Returns None for None/empty input.
    """
    import math

    from lisse.errors import ParameterError

    if not spec:
        return None
    items = spec.items() if isinstance(spec, dict) else (str(x).split("=", 1) if "=" in str(x) else (str(x), "") for x in spec)
    out: dict[str, tuple[float, float]] = {}
    for name, rng in items:
        try:
            if isinstance(rng, str):
                lo_s, hi_s = rng.split(":")
                lo, hi = float(lo_s or 0.0), (float(hi_s) if hi_s.strip() else math.inf)
            else:
                lo, hi = float(rng[0]), float(rng[1])
        except (ValueError, TypeError, IndexError):
            raise ParameterError(f"process window '{name}': expected low:high in seconds (e.g. bulk=0:1e-6), found {rng!r}") from None
        if not (0 <= lo < hi):
            raise ParameterError(f"process window '{name}': expected 0 <= low < high, found {lo}, {hi}")
        out[str(name).strip()] = (lo, hi)
    return out


def analyse(sp: EISSpectrum, *, drt: bool, kk: bool, fit: str | None, lam, inductance: str = "auto", capacitance: str = "auto", processes=None,
            ignore_kk: bool = False, initial=None, fix=None, bounds=None, bulk: str | None = None) -> tuple[dict, dict]:
    """Analyse one spectrum; returns (JSON-able result, fitted objects).

    ``inductance``/``capacitance``: "auto" (inductance when Z'' > 0 at the top frequencies; series
    capacitance when the phase at the three lowest frequencies is below -60°, i.e. blocking
    electrodes), "yes" or "no". ``processes``: τ windows for peak assignment (see
    :func:`parse_windows`; default the windows after [Ji2025]). With area and thickness on the spectrum, conductivities follow from
    σ = L/(R·A) with R_bulk = R_inf + DRT bulk peaks and R_total = R_bulk + grain-boundary peaks.

    Kramers-Kronig gate: the Lin-KK verdict (:mod:`lisse.analysis.eis.kk`) is computed for every
    spectrum. When it is "fail" the DRT and the circuit fit are refused with
    :class:`~lisse.errors.DataValidityError` (CLI exit 2) unless ``ignore_kk``; when it is "warn" they
    run and ``out["warnings"]`` says so. ``initial``/``fix``/``bounds`` (strings such as
    ``"R1=10 kohm,CPE1_1=0.9"`` / ``"R1=10:1e7"`` or mappings, see
    :func:`~lisse.analysis.eis.circuits.parse_parameter_values`) steer the circuit fit; with area and
    thickness the fit's bulk resistor (``bulk`` or the default of
    :meth:`~lisse.analysis.eis.circuits.Circuit.bulk_element`) gives ``fit.conductivity_S_cm``.
    """
    import numpy as np

    from lisse.analysis.eis.kk import lin_kk

    out: dict = {
        "label": sp.label,
        "index": sp.metadata.get("index", 0),
        "source": sp.metadata.get("source"),
        "sha256": sp.metadata.get("sha256"),
        "reader": sp.metadata.get("reader"),
        "n_points": len(sp),
        "frequency_min_Hz": float(sp.frequency.min()),
        "frequency_max_Hz": float(sp.frequency.max()),
    }
    objs: dict = {"spectrum": sp}
    low = np.argsort(sp.frequency)[:3]
    blocking = _auto(capacitance, bool(np.all(sp.phase_deg[low] < -60)))
    k = lin_kk(sp, capacitance=blocking)
    if kk:
        out["kk"] = k.summary()
        objs["kk"] = k
    if (drt or fit) and k.verdict != "pass":
        what = " and ".join(x for x, on in (("DRT", drt), ("circuit fit", fit)) if on)
        msg = (f"Kramers-Kronig verdict '{k.verdict}' for '{sp.label}': {k.reason}; worst at {k.worst_frequency:.4g} Hz")
        if k.verdict == "fail" and not ignore_kk:
            from lisse.errors import DataValidityError

            raise DataValidityError(f"{msg}; the {what} would fit data that no causal, linear, stationary system produces "
                                    "(override with --ignore-kk, study key ignore_kk = true)")
        out.setdefault("warnings", []).append(f"{msg}; the {what} {'ran anyway (ignore_kk)' if k.verdict == 'fail' else 'ran, read it with care'}")
        out["kk_verdict"] = k.verdict
    if drt:
        from lisse.analysis.eis.drt import DRT

        d = DRT(lam, inductance=_auto(inductance, k.flags["inductive_high_frequency"]), capacitance=blocking, processes=parse_windows(processes))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d.fit(sp)
        out["drt"] = d.summary()
        objs["drt"] = d
        if sp.area is not None and sp.thickness is not None:
            from lisse.analysis.eis.derived import conductivity

            pr = d.process_resistances()
            rb = d.r_inf_ + pr.get("bulk", 0.0)
            rt = rb + pr.get("grain_boundary", 0.0)
            out["geometry"] = {"area_cm2": sp.area * 1e4, "thickness_um": sp.thickness * 1e6}
            out["bulk_resistance_ohm"] = rb
            out["bulk_gb_resistance_ohm"] = rt
            out["bulk_conductivity_S_cm"] = conductivity(rb, sp.thickness, sp.area) / 100 if rb > 0 else None
            out["total_conductivity_S_cm"] = conductivity(rt, sp.thickness, sp.area) / 100 if rt > 0 else None
            out["conductivity_note"] = "bulk = R_inf + DRT bulk peaks; total = bulk + grain-boundary peaks; sigma = L/(R*A)"
    if fit:
        from lisse.analysis.eis.circuits import Circuit, parse_parameter_bounds, parse_parameter_values

        c = Circuit(fit)  # parameter names and units, to read the steering options
        c = Circuit(fit, initial_guess=parse_parameter_values(initial, c, "initial") or None,
                    constants=parse_parameter_values(fix, c, "fix"), bounds=parse_parameter_bounds(bounds, c)).fit(sp)
        out["fit"] = c.summary()
        objs["fit"] = c
        if sp.area is not None and sp.thickness is not None:
            from lisse.analysis.eis.derived import conductivity_from_fit

            out["fit"].update(conductivity_from_fit(c, sp.thickness, sp.area, bulk=bulk))
        elif bulk is not None:
            c.bulk_element(bulk)  # validate the name even without geometry
    return out, objs
