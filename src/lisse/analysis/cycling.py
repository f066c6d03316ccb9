"""One-call analysis of a cycler record: the cell type decides which analyses run.

The one home of "what ``lisse cycling`` computes for a record", used by the ``lisse cycling`` CLI and
by ``lisse batch`` (:mod:`lisse.batch`), so that both report the same numbers:

* ``symmetric`` (Li|SSE|Li; :func:`~lisse.analysis.cell_type.classify_cell`): short-circuit detection
  and the half-cycle table (:class:`~lisse.analysis.shorts.ShortDetector`); with ``ccd=True`` and a
  record the classifier calls a CCD staircase (more than two current levels) and an electrode area,
  also the critical current density and its step table (:class:`~lisse.analysis.ccd.CCDDetector`);
* ``fullcell``: the per-cycle table over complete cycles, its summary and the rate table
  (:mod:`lisse.analysis.fullcell`);
* ``impedance``, ``rest``, ``empty``: nothing to analyse (a note says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lisse.analysis.cell_type import CellClassification
from lisse.records.cycling import CyclingRecord

__all__ = ["CyclingAnalysis", "analyse_record"]

_NOTES = {"impedance": "impedance data: analyse with the EIS tools",
          "empty": "the record has no rows: nothing to analyse"}


@dataclass
class CyclingAnalysis:
    """What :func:`analyse_record` found (fields named as the keys of the ``lisse cycling --json`` result).

    Parameters
    ----------
    kind : str
        The cell type analysed (the classifier's, or the caller's override): ``"symmetric"``,
        ``"fullcell"``, ``"impedance"``, ``"rest"``, ``"empty"`` (or ``"none"``: no analysis asked for).
    cell_type : CellClassification
        The classifier's answer and the rule that decided it (``kind`` ``"ccd"`` for a staircase when asked).
    short_detection : dict or None
        :meth:`ShortDetector.summary` (symmetric cells).
    failure_time_h : float or None
        Time of the detected short since the record's first sample [h], symmetric cells.
    half_cycles : pandas.DataFrame or None
        One row per half cycle (symmetric cells).
    fullcell : dict or None
        :func:`~lisse.analysis.fullcell.summarize_cycles` of the cycle table (full cells).
    cycles : pandas.DataFrame or None
        :func:`~lisse.analysis.fullcell.cycle_table` (full cells).
    rate_table : list of dict or None
        :func:`~lisse.analysis.fullcell.rate_table` rows (full cells; an empty list when there is none, with the reason
        in ``rate_table_note``); None for other cell types.
    rate_table_note : str or None
        Why a full cell has no rate table (None when it has one).
    ccd : dict or None
        :meth:`CCDDetector.summary` (CCD staircases with ``ccd=True`` and an area).
    ccd_steps : pandas.DataFrame or None
        :attr:`CCDDetector.steps_`.
    note : str or None
        Why nothing was analysed (impedance, rest, empty records), or why the CCD was not.
    detector : ShortDetector or None
        The fitted short detector, for plotting (:func:`lisse.plot.cycling.plot_voltage_staircase`).
    ccd_detector : CCDDetector or None
        The fitted CCD detector.
    """

    kind: str
    cell_type: CellClassification
    short_detection: dict | None = None
    failure_time_h: float | None = None
    half_cycles: Any = None
    fullcell: dict | None = None
    cycles: Any = None
    rate_table: list | None = None
    rate_table_note: str | None = None
    ccd: dict | None = None
    ccd_steps: Any = None
    note: str | None = None
    detector: Any = field(default=None, repr=False)
    ccd_detector: Any = field(default=None, repr=False)

    @property
    def table(self) -> Any:
        """The main per-row table: half cycles (symmetric) or cycles (full cell); None otherwise."""
        return self.half_cycles if self.kind == "symmetric" else self.cycles


def analyse_record(record: CyclingRecord, *, kind: str = "auto", ce_convention: str = "auto", ccd: bool = False,
                   ccd_options: dict | None = None) -> CyclingAnalysis:
    """Run the analyses that apply to ``record``.

    Parameters
    ----------
    record : CyclingRecord
        The cycler record (SI columns; ``area_m2`` [m²] when known).
    kind : {"auto", "symmetric", "fullcell", "none"}
        ``"auto"``: the classifier's cell type; ``"symmetric"``/``"fullcell"``: the caller states it
        (a misclassified record); ``"none"``: classify only.
    ce_convention : {"auto", "discharge/charge", "charge/discharge"}
        Coulombic-efficiency convention of the full-cell cycle table.
    ccd : bool, default False
        Also detect the critical current density when the record is a CCD staircase (more than two
        current levels, :func:`~lisse.analysis.cell_type.classify_cell` ``staircase=True``) and has an area.
    ccd_options : dict, optional
        Keyword arguments of :class:`~lisse.analysis.ccd.CCDDetector`.

    Returns
    -------
    CyclingAnalysis
        The cell type, the summaries and the per-row tables that apply.

    Raises
    ------
    ParameterError
        ``kind`` is not one of the choices (the analyses raise their own errors, e.g.
        :class:`~lisse.errors.CalculationError` for a record without constant-current half cycles).
    """
    from lisse.analysis.cell_type import classify_cell
    from lisse.errors import ParameterError

    if kind not in ("auto", "symmetric", "fullcell", "none"):
        raise ParameterError(f"kind: expected auto, symmetric, fullcell or none; got {kind!r}")
    found = classify_cell(record, staircase=ccd)
    auto_kind = "symmetric" if found.kind == "ccd" else found.kind
    chosen = auto_kind if kind == "auto" else kind
    out = CyclingAnalysis(kind=chosen, cell_type=found)
    if chosen == "symmetric":
        from lisse.analysis.shorts import ShortDetector

        # kind="symmetric" states the cell type (an override); auto classified it so
        det = ShortDetector().fit(record, cell_type="symmetric")
        out.detector = det
        out.short_detection = det.summary()
        if det.failure_elapsed_s_ is not None:
            out.failure_time_h = det.failure_elapsed_s_ / 3600.0
        out.half_cycles = det.half_cycles_
        if ccd and found.kind == "ccd":
            if record.area_m2 is None:
                out.note = "a CCD staircase, but the record has no electrode area: CCD not computed (give the area)"
            else:
                from lisse.analysis.ccd import CCDDetector

                cd = CCDDetector(**(ccd_options or {})).fit(record, cell_type="symmetric")
                out.ccd_detector = cd
                out.ccd = cd.summary()
                out.ccd_steps = cd.steps_
    elif chosen == "fullcell":
        from lisse.analysis.fullcell import cycle_table, rate_table, summarize_cycles
        from lisse.errors import CalculationError

        ct = cycle_table(record, ce_convention=ce_convention)
        out.cycles = ct
        out.fullcell = summarize_cycles(ct)
        try:
            out.rate_table = rate_table(ct).to_dict(orient="records")
        except CalculationError as exc:  # a record without a complete discharge has no rate table
            out.rate_table = []  # one type for scripts: always a list, the reason beside it
            out.rate_table_note = f"not available: {exc}"
    elif chosen != "none":
        out.note = _NOTES.get(chosen, f"nothing to analyse: {found.reason}" if chosen == "rest" else "")
    return out
