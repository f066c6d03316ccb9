"""One-call analysis of a spectrum (KK, DRT, optional circuit fit, conductivity): used by the CLI and
the evaluate stage so that both report the same numbers."""

from __future__ import annotations

from lisse.records.spectrum import EISSpectrum

__all__ = ["analyse", "parse_windows", "blocking_choice", "export_tables"]


def _auto(flag: str, default: bool) -> bool:
    return default if flag == "auto" else flag == "yes"


def parse_windows(spec) -> dict[str, tuple[float, float]] | None:
    """Read process τ windows from a mapping ``{name: [low_s, high_s]}`` or CLI strings ``"name=low:high"``.

    Parameters
    ----------
    spec : mapping, list of str, str or None
        The windows, bounds in s; an empty ``high`` means infinity (``"interface=3e-3:"``).

    Returns
    -------
    dict of str to (float, float) or None
        Process name -> ``(low, high)`` in s; None for None/empty input.

    Raises
    ------
    ParameterError
        For a malformed entry or ``not 0 <= low < high``.
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


def blocking_choice(capacitance: str, cell: str, phase_low_deg) -> str | None:
    """Choose the DRT's blocking element for a ``capacitance`` option and a cell type.

    ``capacitance`` is "auto", "yes"/"ideal", "no", "cpe" or "leaky-cpe"; "auto" is the cell's own element
    for ``cell="blocking"``; for other cells an ideal series capacitor when the phase at the lowest
    frequencies is below -60° (a blocking tail), else none.

    Parameters
    ----------
    capacitance : str
        The option value.
    cell : str
        The cell type (:data:`lisse.analysis.eis.cells.CELL_TYPES`).
    phase_low_deg : array_like of float
        Phase of Z at the lowest measured frequencies, in degrees.

    Returns
    -------
    str or None
        The value for ``DRT(capacitance=...)`` (None: the cell's default).

    Raises
    ------
    ParameterError
        For an unknown ``capacitance`` option.
    """
    import numpy as np

    from lisse.analysis.eis.cells import cell_model
    from lisse.errors import ParameterError

    model = cell_model(cell)
    key = str(capacitance).strip().lower()
    if key == "auto":
        if model.blocking_element != "none":
            return None
        return "ideal" if bool(np.all(np.asarray(phase_low_deg) < -60)) else "none"
    table = {"yes": "ideal", "ideal": "ideal", "no": "none", "none": "none", "cpe": "cpe", "leaky-cpe": "leaky-cpe"}
    if key not in table:
        raise ParameterError(f"capacitance: expected auto, yes, no, cpe or leaky-cpe; found '{capacitance}'")
    return table[key]


def analyse(sp: EISSpectrum, *, drt: bool, kk: bool, fit: str | None, lam, inductance: str = "auto", capacitance: str = "auto", processes=None,
            cell: str = "symmetric-li", ignore_kk: bool = False, initial=None, fix=None, bounds=None, bulk: str | None = None) -> tuple[dict, dict]:
    """Analyse one spectrum: Kramers–Kronig test, DRT and equivalent-circuit fit.

    ``inductance``: "auto" (when Z'' > 0 at the top frequencies, from the Kramers-Kronig test's flag),
    "yes" or "no". With area and thickness on the spectrum, conductivities follow from σ = L/(R·A) with
    R_bulk = R_inf + DRT bulk peaks and R_total = R_bulk + grain-boundary peaks.

    Kramers-Kronig gate: the Lin-KK verdict (:mod:`lisse.analysis.eis.kk`) is computed for every
    spectrum. When it is "fail" the DRT and the circuit fit are refused with
    :class:`~lisse.errors.DataValidityError` (CLI exit 2) unless ``ignore_kk``; when it is "warn" they
    run and ``out["warnings"]`` says so.

    Parameters
    ----------
    sp : EISSpectrum
        The spectrum (frequency in Hz, impedance in Ω; ``area`` in m² and ``thickness`` in m optional).
    drt : bool
        Compute the DRT.
    kk : bool
        Report the Kramers–Kronig test in the result (it is always computed, for the gate).
    fit : str or None
        Circuit string to fit (e.g. ``"R0-p(R1,CPE1)"``); None: no circuit fit.
    lam : float or str
        The DRT's ``lambda_`` (dimensionless regularisation strength, or ``"gcv"``, ``"lcurve"``, ``"reim"``,
        ``"drttools"``).
    inductance : {"auto", "yes", "no"}, default "auto"
        Series inductance in the DRT.
    capacitance : str, default "auto"
        The DRT's blocking element, see :func:`blocking_choice`.
    processes : mapping or list of str, optional
        τ windows for peak assignment replacing the cell's defaults (see :func:`parse_windows`).
    cell : str, default "symmetric-li"
        Cell type (:mod:`lisse.analysis.eis.cells`): default process windows and, for ``"blocking"``, the
        blocking element of the DRT.
    ignore_kk : bool, default False
        Run the DRT and the fit even when the Kramers–Kronig verdict is "fail".
    initial, fix, bounds : str, list of str or mapping, optional
        Steer the circuit fit: strings such as ``"R1=10 kohm,CPE1_1=0.9"`` / ``"R1=10:1e7"`` or mappings, values
        in SI units unless a unit is given (see :func:`~lisse.analysis.eis.circuits.parse_parameter_values`).
    bulk : str or None, optional
        The fit's bulk resistor (default of :meth:`~lisse.analysis.eis.circuits.Circuit.bulk_element`); with
        area and thickness it gives ``fit.conductivity_S_cm``.

    Returns
    -------
    result : dict
        JSON-able result with unit-suffixed keys (``kk``, ``drt``, ``fit``, conductivities, ``warnings``, ``notes``;
        ``conductivity_disagreement`` when the DRT's and the fit's bulk conductivities differ by more than
        :data:`CONDUCTIVITY_DISAGREEMENT_RATIO`, saying which resistance each takes as the bulk).
    objects : dict
        The fitted objects: ``"kk"`` (:class:`~lisse.analysis.eis.kk.KKResult`), ``"drt"``
        (:class:`~lisse.analysis.eis.drt.DRT`) and ``"fit"`` (:class:`~lisse.analysis.eis.circuits.Circuit`) when computed.

    Raises
    ------
    DataValidityError
        If the Kramers–Kronig verdict is "fail" and ``ignore_kk`` is False.
    ParameterError
        For a bad option (circuit string, windows, steering values, bulk element).
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
    if sp.metadata.get("notes"):
        out["notes"] = list(sp.metadata["notes"])  # the reader's counted skips and truncations
    objs: dict = {"spectrum": sp}
    from lisse.analysis.eis.cells import cell_model

    model = cell_model(cell)
    out["cell"] = model.name
    low = np.argsort(sp.frequency)[:3]
    element = blocking_choice(capacitance, model.name, sp.phase_deg[low])
    # the gate's Voigt circuit has a series capacitance unless the user ruled one out: it is
    # KK-compliant (Schönleber 2014; pyimpspec's default, impedance.py add_cap=True), and without it
    # a battery's low-frequency diffusion tail reads as an 8 % "systematic misfit"
    k = lin_kk(sp, capacitance=str(capacitance).strip().lower() not in ("no", "none"))
    if kk:
        out["kk"] = k.summary()
        # the residuals and the KK-compliant fit, per measured frequency (arrays)
        for key, arr in (("frequency_Hz", k.frequency), ("residual_real", k.residual_real), ("residual_imag", k.residual_imag),
                         ("z_fit_real_ohm", k.z_fit.real), ("z_fit_imag_ohm", k.z_fit.imag)):
            out["kk"].setdefault(key, np.asarray(arr, float).tolist())
        objs["kk"] = k
    if (drt or fit) and k.verdict != "pass":
        what = " and ".join(x for x, on in (("DRT", drt), ("circuit fit", fit)) if on)
        msg = (f"Kramers-Kronig verdict '{k.verdict}' for '{sp.label}': {k.reason}; worst at {k.worst_frequency:.4g} Hz")
        if np.mean(sp.impedance.imag > 0) > 0.8:
            msg += "; Z'' > 0 (inductive) at most frequencies: is the Z'' column's sign (-Z'' vs Z'') read right?"
        if k.verdict == "fail" and not ignore_kk:
            from lisse.errors import DataValidityError

            raise DataValidityError(f"{msg}; the {what} would fit data that no causal, linear, stationary system produces "
                                    "(override with --ignore-kk, study key ignore_kk = true)")
        out.setdefault("warnings", []).append(f"{msg}; the {what} {'ran anyway (ignore_kk)' if k.verdict == 'fail' else 'ran, read it with care'}")
        out["kk_verdict"] = k.verdict
    if drt:
        from lisse.analysis.eis.drt import DRT

        d = DRT(lam, inductance=_auto(inductance, k.flags["inductive_high_frequency"]), capacitance=element, cell=model.name,
                processes=parse_windows(processes))
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
            out["bulk_peak_resolved"] = "bulk" in pr
            out["grain_boundary_resolved"] = "grain_boundary" in pr
            if "bulk" not in pr:  # as fit_pellet says: the bulk arc lies above f_max, R_inf (leads included) stands for it
                out["conductivity_note"] += "; no bulk peak resolved: bulk = R_inf (includes the leads; the bulk arc lies above f_max)"
            if "grain_boundary" not in pr:
                out["conductivity_note"] += "; no grain-boundary peak resolved: total = bulk (R_gb unmeasured, not 0)"
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
    note = _conductivity_disagreement(out)
    if note:
        out["conductivity_disagreement"] = note
    return out, objs


#: Ratio above which the DRT's bulk conductivity and the circuit fit's are reported as disagreeing.
CONDUCTIVITY_DISAGREEMENT_RATIO = 1.2


def _conductivity_disagreement(out: dict) -> str | None:
    """A note when the DRT's and the circuit's bulk conductivities of one spectrum differ by more than 20 %.

    The two take different resistances as the bulk: the DRT the high-frequency intercept R_inf plus its bulk-assigned
    peaks (the bulk arc of a garnet at room temperature lies above the measured frequencies and shows only as R_inf),
    the circuit its first arc's resistor (``fit.bulk_element``). On a spectrum whose bulk arc is measured, R_inf is the
    leads' and contacts' series resistance, and the circuit's number is the bulk one.
    """
    s_drt = out.get("bulk_conductivity_S_cm")
    fit = out.get("fit") or {}
    s_fit = fit.get("conductivity_S_cm")
    if not s_drt or not s_fit or max(s_drt, s_fit) / min(s_drt, s_fit) <= CONDUCTIVITY_DISAGREEMENT_RATIO:
        return None
    return (f"the two bulk conductivities differ by x{max(s_drt, s_fit) / min(s_drt, s_fit):.2f}: "
            f"bulk_conductivity_S_cm {s_drt:.4g} takes R_inf + the DRT's bulk peaks ({out['bulk_resistance_ohm']:.4g} ohm) "
            f"as the bulk, fit.conductivity_S_cm {s_fit:.4g} the circuit's {fit['bulk_element']} "
            f"({fit['bulk_resistance_ohm']:.4g} ohm). Where the bulk arc is measured, R_inf is the series (leads, contacts) "
            f"resistance and the circuit's value is the bulk one; where only its tail shows (a garnet at room "
            f"temperature), R_inf is the bulk")


def export_tables(objs: dict) -> dict:
    """Collect the tables of one analysed spectrum (the ``objs`` of :func:`analyse`).

    Parameters
    ----------
    objs : dict
        The fitted objects returned by :func:`analyse`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``drt_gamma``, ``drt_fit``, ``drt_peaks`` (see :meth:`~lisse.analysis.eis.drt.DRT.tables`) when a
        DRT was computed; ``kk_residuals`` (frequency_Hz, KK fit Z [ohm], relative residuals) when the
        Kramers-Kronig test ran.
    """
    import pandas as pd

    out: dict = {}
    if "drt" in objs:
        for name, df in objs["drt"].tables().items():
            out[f"drt_{name}"] = df
    if "kk" in objs:
        k = objs["kk"]
        out["kk_residuals"] = pd.DataFrame({
            "frequency_Hz": k.frequency,
            "z_kk_real_ohm": k.z_fit.real,
            "z_kk_imag_ohm": k.z_fit.imag,
            "residual_real": k.residual_real,
            "residual_imag": k.residual_imag,
        })
    return out
