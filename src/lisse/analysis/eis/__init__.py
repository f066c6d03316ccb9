"""Impedance analysis: Kramers–Kronig validity, equivalent-circuit fitting, DRT, derived quantities.

Importable from here (loaded on first use, so importing this package stays cheap):

* :class:`DRT` — distribution of relaxation times (``DRT(lambda_=2e-4).fit(spectrum)``), its peaks
  (:class:`DRTPeak`) and :func:`fit_quality`;
* :class:`Circuit` — equivalent circuits (``Circuit("R0-p(R1,CPE1)").fit(spectrum)``), :func:`parse_circuit`;
* :func:`lin_kk` — linear Kramers–Kronig test (``lin_kk(spectrum)``, returns :class:`KKResult`);
* :func:`conductivity`, :func:`conductivity_from_fit`, :func:`arrhenius`, :func:`interfacial_asr`, :func:`drt_map`;
* :func:`fit_pellet`, :func:`temperature_series`, :func:`resolve_temperatures` — a pellet's spectra over temperature to σ(T) and Ea;
* :func:`cell_model` — process windows per cell type; :func:`three_arc_spectrum`, :func:`zarc_series`
  — synthetic spectra with known parameters.

Estimators (``DRT``, ``Circuit``) take their settings in the constructor and the spectrum in ``fit``;
functions (``lin_kk``, ``conductivity``, ...) take the data directly.
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would triple the cost of importing this package
if TYPE_CHECKING:
    from lisse.analysis.eis.cells import CellModel, cell_model
    from lisse.analysis.eis.circuits import Circuit, parse_circuit
    from lisse.analysis.eis.derived import (
        ArrheniusFit,
        DRTMap,
        arrhenius,
        conductivity,
        conductivity_from_fit,
        drt_map,
        interfacial_asr,
    )
    from lisse.analysis.eis.drt import DRT, DRTEdgeWarning, DRTPeak, fit_quality
    from lisse.analysis.eis.drt_uncertainty import DRTBand, linearised_band
    from lisse.analysis.eis.kk import KKResult, lin_kk
    from lisse.analysis.eis.synthetic import three_arc_spectrum, zarc_series
    from lisse.analysis.eis.temperature import (
        PelletFit,
        SeriesFit,
        fit_pellet,
        parse_temperature,
        resolve_temperatures,
        temperature_series,
    )

__all__ = [
    "CellModel",
    "cell_model",
    "Circuit",
    "parse_circuit",
    "ArrheniusFit",
    "DRTMap",
    "arrhenius",
    "conductivity",
    "conductivity_from_fit",
    "drt_map",
    "interfacial_asr",
    "DRT",
    "DRTEdgeWarning",
    "DRTPeak",
    "fit_quality",
    "DRTBand",
    "linearised_band",
    "KKResult",
    "lin_kk",
    "three_arc_spectrum",
    "zarc_series",
    "PelletFit",
    "SeriesFit",
    "fit_pellet",
    "parse_temperature",
    "resolve_temperatures",
    "temperature_series",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "CellModel": "cells",
        "cell_model": "cells",
        "Circuit": "circuits",
        "parse_circuit": "circuits",
        "ArrheniusFit": "derived",
        "DRTMap": "derived",
        "arrhenius": "derived",
        "conductivity": "derived",
        "conductivity_from_fit": "derived",
        "drt_map": "derived",
        "interfacial_asr": "derived",
        "DRT": "drt",
        "DRTEdgeWarning": "drt",
        "DRTPeak": "drt",
        "fit_quality": "drt",
        "DRTBand": "drt_uncertainty",
        "linearised_band": "drt_uncertainty",
        "KKResult": "kk",
        "lin_kk": "kk",
        "three_arc_spectrum": "synthetic",
        "zarc_series": "synthetic",
        "PelletFit": "temperature",
        "SeriesFit": "temperature",
        "fit_pellet": "temperature",
        "parse_temperature": "temperature",
        "resolve_temperatures": "temperature",
        "temperature_series": "temperature",
    },
    submodules=("cells", "circuits", "derived", "drt", "drt_uncertainty", "kk", "synthetic", "temperature", "weighting", "workflow"),
)
