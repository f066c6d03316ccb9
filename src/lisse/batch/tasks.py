"""The per-file task of a batch: read one file, analyse it, return its rows (runs in a worker process).

:func:`analyse_file` is a picklable module-level function of one argument, as
:func:`lisse.parallel.iter_tasks` needs. It never touches the database: the parent process writes
what it returns (single writer per batch). A problem with the file raises a
:class:`~lisse.errors.LisseError` (the batch turns it into an error row); only what it returns is
stored.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from lisse.errors import LisseError, ParameterError, ReaderError

__all__ = ["BatchSettings", "analyse_file", "ANALYSES"]

#: What a batch can be asked to do: a cycler analysis, an impedance analysis, or either per file.
ANALYSES = ("cycling", "eis", "auto")
#: Impedance formats that hold no cycler data (a file of one of them is an impedance file).
_EIS_ONLY = ("gamry-dta", "zplot-z", "ivium-idf", "ivium-ids", "relaxis-txt", "chi-txt", "versastudio-par")


#: Revision of the analyses a batch stores (part of the settings digest): raised when a release changes the numbers an
#: unchanged file gets, so that a resumed batch re-analyses the files stored before instead of mixing two meanings in
#: one database (found by an independent review). 2 (2026-12-01): cycle counts from the half cycles of files that number
#: no cycles, always-list cycle and rate tables, current-density columns, short/CCD detectors judging early half cycles.
ANALYSIS_REVISION = 2


@dataclass(frozen=True)
class BatchSettings:
    """The analysis settings of a batch, applied to every file (all numbers SI).

    Parameters
    ----------
    analysis : {"cycling", "eis", "auto"}
        ``"auto"`` chooses per file (impedance formats and impedance records -> ``eis``).
    format, units : str, optional
        Force a reader / declare column units (as ``lisse cycling --format/--units``).
    area : float, optional
        Electrode area [m²] (cycler and impedance files).
    active_mass : float, optional
        Active mass [kg].
    loading : float, optional
        Areal loading [kg/m²].
    thickness : float, optional
        Electrolyte thickness [m] (impedance: conductivities).
    kind : {"auto", "symmetric", "fullcell", "none"}
        Cell type of cycler files (``"auto"``: the classifier's).
    ce_convention : str
        Coulombic-efficiency convention of full cells.
    ccd : bool
        Detect the critical current density of symmetric-cell CCD staircases (needs ``area``).
    ccd_options : dict
        Keyword arguments of :class:`~lisse.analysis.ccd.CCDDetector`.
    drt : bool
        Compute the DRT of each spectrum (its peaks go to ``drt_peaks``).
    lam : str or float
        DRT regularisation (as ``lisse eis --lambda``): a dimensionless number or a method name.
    cell : str
        Impedance cell type (as ``lisse eis --cell``).
    fit : str, optional
        Equivalent circuit to fit to each spectrum (its parameters go to ``fits``).
    ignore_kk : bool
        Run the DRT / fit of spectra whose Kramers-Kronig verdict is "fail".

    Raises
    ------
    ParameterError
        ``analysis`` is not one of :data:`ANALYSES`.
    """

    analysis: str = "cycling"
    format: str | None = None
    units: str | None = None
    area: float | None = None
    active_mass: float | None = None
    loading: float | None = None
    thickness: float | None = None
    kind: str = "auto"
    ce_convention: str = "auto"
    ccd: bool = True
    ccd_options: dict = field(default_factory=dict)
    drt: bool = True
    lam: str | float = "2e-4"
    cell: str = "symmetric-li"
    fit: str | None = None
    ignore_kk: bool = False

    def __post_init__(self) -> None:
        if self.analysis not in ANALYSES:
            raise ParameterError(f"analysis: expected one of {', '.join(ANALYSES)}; got {self.analysis!r}")
        # settings that would fail every file are refused here, before a batch writes one error row per file
        import math

        units = {"area": "m²", "active_mass": "kg", "loading": "kg/m²", "thickness": "m"}
        for name, unit in units.items():
            v = getattr(self, name)
            if v is not None and not (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0):
                raise ParameterError(f"{name}: expected a positive value (in {unit}); got {v!r}")
        lam = self.lam
        try:
            ok = math.isfinite(float(lam)) and float(lam) > 0
        except (TypeError, ValueError):
            ok = isinstance(lam, str) and (lam in ("gcv", "lcurve", "reim") or lam.lower() == "drttools")
        if not ok:
            raise ParameterError(f"lambda: expected a number > 0 or one of gcv, lcurve, reim, drttools; got {lam!r}")
        if self.fit is not None:  # a malformed circuit (raises ParameterError naming it)
            from lisse.analysis.eis.circuits import Circuit

            Circuit(self.fit)

    def as_dict(self) -> dict:
        """The settings as plain data.

        Returns
        -------
        dict
            JSON-able ``{field: value}`` (numbers SI).
        """
        return asdict(self)

    def digest(self) -> str:
        """The settings hash stored with each file: a file is re-analysed when it changes.

        Returns
        -------
        str
            sha256 hex digest of the settings, the database schema version and :data:`ANALYSIS_REVISION`.
        """
        import hashlib

        from lisse.io.resultsdb import SCHEMA_VERSION

        text = json.dumps({"settings": self.as_dict(), "schema": SCHEMA_VERSION, "analysis": ANALYSIS_REVISION}, sort_keys=True,
                          default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def analyse_file(task: dict) -> dict:
    """Analyse one file; returns ``{"file": files columns, "tables": {table: rows}, "cell": cells columns}``.

    The cell is named ``task["cell"]`` when given (``lisse batch`` passes the file's path relative to the
    common folder of the batch's files, without suffix: ``run1/cell01``), else after the file's stem
    (``cell07.mpr`` -> ``cell07``); it carries the cell type the classifier found and the geometry of the settings.

    Parameters
    ----------
    task : dict
        ``path`` (str), ``settings`` (:meth:`BatchSettings.as_dict`), optional ``cell`` (the cell's name).

    Returns
    -------
    dict
        ``file`` (columns of the ``files`` table), ``tables`` (``{table: rows}``), ``cell`` (columns of ``cells``).

    Raises
    ------
    LisseError
        The file cannot be read or analysed (corrupt, unsupported, empty, ...).
    """
    t0 = time.perf_counter()
    s = BatchSettings(**task["settings"])
    path = task["path"]
    if s.analysis == "eis":
        out = _eis_or_skip_cycler(path, s)
    elif s.analysis == "cycling":
        out = _cycling_or_skip_eis(path, s)
    else:
        out = _auto(path, s)
    out["file"]["analysis_s"] = time.perf_counter() - t0
    from pathlib import Path

    kind = {"ccd": "symmetric"}.get(out["file"].get("cell_kind"), out["file"].get("cell_kind"))
    out["cell"] = {"name": task.get("cell") or Path(path).stem, "kind": None if kind in ("impedance", "empty", "rest") else kind,
                   "area_cm2": None if s.area is None else s.area * 1e4,
                   "active_mass_mg": None if s.active_mass is None else s.active_mass * 1e6,
                   "loading_mg_cm2": None if s.loading is None else s.loading * 100.0,
                   "thickness_um": None if s.thickness is None else s.thickness * 1e6}
    return out


def _cycling_or_skip_eis(path: str, s: BatchSettings) -> dict:
    """The cycler analysis of ``path``; a file no cycler reader takes but an impedance reader does is "skipped"
    (impedance data in a cycler batch, as when a cycler reader finds impedance data); any other file is an error."""
    try:
        return _cycling(path, s)
    except ReaderError as cyc_exc:
        try:
            from lisse.io.eis import read_spectra

            spectra = read_spectra(path)
        except LisseError:
            raise cyc_exc from None
        if not spectra:
            raise
        meta = spectra[0].metadata
        prov = {"source": meta.get("source"), "sha256": meta.get("sha256"), "reader": meta.get("reader"), "notes": meta.get("notes", [])}
        return {"file": {"analysis": "cycling", "reader": meta.get("reader"), "format": meta.get("reader"),
                         "provenance_json": _dumps(prov), "cell_kind": "impedance", "n_spectra": len(spectra), "status": "skipped",
                         "error": "impedance data in a cycler batch: analyse it with lisse batch eis (or lisse batch auto)"},
                "tables": {}}


def _eis_or_skip_cycler(path: str, s: BatchSettings) -> dict:
    """The impedance analysis of ``path``; a file no impedance reader takes but a cycler reader does is "skipped"
    (cycler data in an impedance batch), as a cycler batch skips impedance files; any other file is an error."""
    try:
        return _eis(path, s)
    except ReaderError as eis_exc:
        try:
            from lisse.analysis.cell_type import classify_cell
            from lisse.io.readers import detect_format, read_cycling

            fmt = detect_format(path)
            rec = read_cycling(path, format=fmt)
            kind = classify_cell(rec).kind
        except LisseError:
            raise eis_exc from None
        if kind == "impedance":
            raise
        prov = rec.summary().get("provenance", {})
        return {"file": {"analysis": "eis", "reader": prov.get("reader"), "format": fmt, "provenance_json": _dumps(prov),
                         "cell_kind": kind, "status": "skipped",
                         "error": "cycler data in an impedance batch: analyse it with lisse batch cycling (or lisse batch auto)"},
                "tables": {}}


def _auto(path: str, s: BatchSettings) -> dict:
    from lisse.io.eis import detect_format as eis_format

    fmt = s.format or eis_format(path)
    if fmt in _EIS_ONLY:
        return _eis(path, s)
    try:
        out = _cycling(path, s)
    except ReaderError as cyc_exc:
        try:
            return _eis(path, s)
        except LisseError:
            raise cyc_exc from None
    if out["file"].get("cell_kind") == "impedance":
        return _eis(path, s)
    return out


def _dumps(obj: Any) -> str:
    """JSON text of ``obj`` (numpy scalars to numbers, NaN to null)."""
    import math

    def clean(x: Any) -> Any:
        if isinstance(x, dict):
            return {str(k): clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        if isinstance(x, float):
            return x if math.isfinite(x) else None
        if hasattr(x, "item") and not isinstance(x, (str, bytes)):
            try:
                return clean(x.item())
            except (ValueError, AttributeError):
                return str(x)
        if x is None or isinstance(x, (str, int, bool)):
            return x
        return str(x)

    return json.dumps(clean(obj), allow_nan=False)


def _cycling(path: str, s: BatchSettings) -> dict:
    from lisse.analysis.cycling import analyse_record
    from lisse.io.readers import detect_format, read_cycling

    meta = {k: v for k in ("area", "active_mass", "loading") if (v := getattr(s, k)) is not None}
    fmt = s.format or detect_format(path)
    rec = read_cycling(path, format=fmt, units=s.units, **meta)
    res = analyse_record(rec, kind=s.kind, ce_convention=s.ce_convention, ccd=s.ccd, ccd_options=s.ccd_options)
    summ = rec.summary()
    prov = summ.pop("provenance")
    file = {"analysis": "cycling", "reader": prov.get("reader"), "format": fmt, "provenance_json": _dumps(prov),
            "cell_kind": res.cell_type.kind, "cell_kind_reason": res.cell_type.reason, "n_rows": summ.get("rows"),
            "duration_h": summ.get("duration_h"), "n_cycles": summ.get("n_cycles"), "failure_time_h": res.failure_time_h,
            "status": "ok"}
    summary: dict[str, Any] = {"record": summ, "kind": res.kind}
    tables: dict[str, Any] = {}
    if res.kind == "impedance" or (res.kind not in ("symmetric", "fullcell") and res.cell_type.kind == "impedance"):
        file["status"] = "skipped"
        file["error"] = "impedance data in a cycler batch: analyse it with lisse batch eis (or lisse batch auto)"
    if res.short_detection is not None:
        summary["short_detection"] = res.short_detection
        hc = res.half_cycles.reset_index(drop=True).copy()
        hc.insert(0, "half_cycle", range(len(hc)))
        tables["half_cycles"] = hc
    if res.fullcell is not None:
        summary["fullcell"] = res.fullcell
        summary["rate_table"] = res.rate_table
        summary["rate_table_note"] = res.rate_table_note
        tables["cycles"] = res.cycles
    if res.ccd is not None:
        summary["ccd"] = res.ccd
        file["ccd_mA_cm2"] = res.ccd.get("ccd_mA_cm2")
        lb = res.ccd.get("ccd_is_lower_bound")
        file["ccd_is_lower_bound"] = None if lb is None else bool(lb)  # the cell never failed: CCD >= the value
        tables["ccd_steps"] = res.ccd_steps
    if res.note:
        summary["note"] = res.note
    file["summary_json"] = _dumps(summary)
    return {"file": file, "tables": tables}


def _eis(path: str, s: BatchSettings) -> dict:
    from lisse.analysis.eis.workflow import analyse
    from lisse.io.eis import read_spectra

    lam: Any = s.lam
    try:
        lam = float(lam)
    except (TypeError, ValueError):
        pass
    spectra = read_spectra(path, format=s.format, units=s.units, area=s.area, thickness=s.thickness)
    if not spectra:
        raise ReaderError(f"'{path}': no impedance spectrum in the file")
    rows, peaks, fits, errors = [], [], [], []
    for i, sp in enumerate(spectra):
        row: dict[str, Any] = {"spectrum": i, "label": sp.label, "n_points": len(sp), "frequency_min_Hz": float(sp.frequency.min()),
                               "frequency_max_Hz": float(sp.frequency.max()), "temperature_K": sp.temperature,
                               "area_cm2": None if sp.area is None else sp.area * 1e4,
                               "thickness_um": None if sp.thickness is None else sp.thickness * 1e6, "status": "ok"}
        try:
            out, _ = analyse(sp, drt=s.drt, kk=True, fit=s.fit, lam=lam, cell=s.cell, ignore_kk=s.ignore_kk)
        except LisseError as exc:  # e.g. the Kramers-Kronig gate: this spectrum's error, not the file's
            row.update(status="error", error=" ".join(str(exc).split()))
            if row["error"].startswith("Kramers-Kronig verdict 'fail'"):  # the gate refused the DRT / fit
                row["kk_verdict"] = "fail"
            errors.append(row["error"])
            rows.append(row)
            continue
        kk = out.get("kk", {})
        row.update(kk_verdict=kk.get("verdict"), kk_max_relative_residual=kk.get("max_relative_residual"))
        if "drt" in out:
            d = out["drt"]
            row.update(drt_lambda=d.get("lambda"), drt_r_inf_ohm=d.get("r_inf_ohm"), drt_max_relative_misfit=d.get("max_relative_misfit"),
                       drt_fit_quality=d.get("fit_quality"), n_drt_peaks=len(d.get("peaks", [])),
                       bulk_resistance_ohm=out.get("bulk_resistance_ohm"), bulk_conductivity_S_cm=out.get("bulk_conductivity_S_cm"),
                       total_conductivity_S_cm=out.get("total_conductivity_S_cm"))
            for k, p in enumerate(d.get("peaks", [])):
                peaks.append({"spectrum": i, "peak": k, **{c: p.get(c) for c in ("tau_s", "frequency_Hz", "resistance_ohm",
                                                                                   "capacitance_F", "process")}})
        if "fit" in out:
            f = out["fit"]
            row.update(fit_circuit=f.get("circuit"), fit_median_relative_misfit=f.get("stats", {}).get("median_relative_misfit"))
            for p in f.get("parameters", []):
                fits.append({"spectrum": i, "circuit": f.get("circuit"), "parameter": p.get("name"), "value": p.get("value"),
                             "std": p.get("std"), "unit": p.get("unit"), "at_bound": p.get("at_bound")})
        if out.get("warnings"):
            row["error"] = "; ".join(out["warnings"])
        rows.append(row)
    meta = spectra[0].metadata
    prov = {"source": meta.get("source"), "sha256": meta.get("sha256"), "reader": meta.get("reader"), "notes": meta.get("notes", [])}
    file = {"analysis": "eis", "reader": meta.get("reader"), "format": meta.get("reader"), "provenance_json": _dumps(prov),
            "cell_kind": "impedance", "n_spectra": len(spectra), "status": "ok",
            "summary_json": _dumps({"n_spectra": len(spectra), "n_spectra_failed": len(errors), "cell": s.cell})}
    if errors and len(errors) == len(spectra):
        file.update(status="error", error_type="DataValidityError",
                    error=f"all {len(spectra)} spectra failed; the first: {errors[0]}")
    return {"file": file, "tables": {"spectra": rows, "drt_peaks": peaks, "fits": fits}}
