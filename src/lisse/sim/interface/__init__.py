"""Transient plate/strip simulator of the Li | (interlayer) | solid-electrolyte interface (issue 11).

Modules: :mod:`.model` (parameters and closed-form laws: creep, critical stripping current, flaw criterion),
:mod:`.protocol` (staircases, cycling), :mod:`.layer` (quasi-steady interlayer potentials), :mod:`.transient`
(the transient simulation and its cycler record), :mod:`.maps` (CCD maps and the interlayer design search),
:mod:`.calibration` (the calibrated parameter, recomputed), :mod:`.coupling` (current focusing at a rough front, from the
phase field), :mod:`.predict` (CCD from the simulated record by the same
:class:`~lisse.analysis.ccd.CCDDetector` used on measured files). Loaded on first use:

>>> from lisse.sim.interface import build_model, staircase, predict_ccd
>>> pred = predict_ccd(build_model("LNI-5CNT"), staircase("fixed-time", start=1.0, increment=1.0))  # doctest: +SKIP
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lisse.sim.interface.calibration import CalibrationResult, calibrate
    from lisse.sim.interface.cases import EXTRA_CASES, VALIDATION_CASES, ValidationCase, validation_case
    from lisse.sim.interface.coupling import focused_current_density, protrusion_focusing
    from lisse.sim.interface.layer import LayerSolution, solve_layer
    from lisse.sim.interface.maps import (
        InterlayerDesign,
        design_interlayer,
        map_conductivities,
        map_pressure,
        map_table,
        map_thickness_porosity,
    )
    from lisse.sim.interface.model import (
        InterfaceModel,
        advance_void_volume,
        build_model,
        contact_closure,
        contact_loss_time,
        contact_supply_limit,
        creep_strain_rate,
        critical_stripping_current,
        flaw_critical_pressure,
        void_depth,
        void_face_wiring_current,
        void_merge_depth_ratio,
    )
    from lisse.sim.interface.predict import (
        CCDPrediction,
        converge_time_step,
        nucleation_onset,
        predict_ccd,
        resolution_check,
        void_depth_check,
    )
    from lisse.sim.interface.protocol import Protocol, cycling_protocol, staircase
    from lisse.sim.interface.transient import Simulation, simulate

__all__ = [
    "CalibrationResult",
    "calibrate",
    "protrusion_focusing",
    "focused_current_density",
    "EXTRA_CASES",
    "VALIDATION_CASES",
    "ValidationCase",
    "validation_case",
    "LayerSolution",
    "solve_layer",
    "InterlayerDesign",
    "design_interlayer",
    "map_conductivities",
    "map_pressure",
    "map_table",
    "map_thickness_porosity",
    "InterfaceModel",
    "build_model",
    "contact_closure",
    "contact_loss_time",
    "contact_supply_limit",
    "advance_void_volume",
    "void_depth",
    "void_face_wiring_current",
    "void_merge_depth_ratio",
    "creep_strain_rate",
    "critical_stripping_current",
    "flaw_critical_pressure",
    "CCDPrediction",
    "predict_ccd",
    "resolution_check",
    "converge_time_step",
    "void_depth_check",
    "nucleation_onset",
    "Protocol",
    "cycling_protocol",
    "staircase",
    "Simulation",
    "simulate",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "CalibrationResult": "calibration",
        "calibrate": "calibration",
        "protrusion_focusing": "coupling",
        "focused_current_density": "coupling",
        "EXTRA_CASES": "cases",
        "VALIDATION_CASES": "cases",
        "ValidationCase": "cases",
        "validation_case": "cases",
        "InterlayerDesign": "maps",
        "design_interlayer": "maps",
        "map_conductivities": "maps",
        "map_pressure": "maps",
        "map_table": "maps",
        "map_thickness_porosity": "maps",
        "LayerSolution": "layer",
        "solve_layer": "layer",
        "InterfaceModel": "model",
        "build_model": "model",
        "contact_closure": "model",
        "contact_loss_time": "model",
        "contact_supply_limit": "model",
        "advance_void_volume": "model",
        "void_depth": "model",
        "void_merge_depth_ratio": "model",
        "void_face_wiring_current": "model",
        "creep_strain_rate": "model",
        "critical_stripping_current": "model",
        "flaw_critical_pressure": "model",
        "CCDPrediction": "predict",
        "predict_ccd": "predict",
        "resolution_check": "predict",
        "converge_time_step": "predict",
        "void_depth_check": "predict",
        "nucleation_onset": "predict",
        "Protocol": "protocol",
        "cycling_protocol": "protocol",
        "staircase": "protocol",
        "Simulation": "transient",
        "simulate": "transient",
    },
    submodules=("calibration", "cases", "coupling", "layer", "maps", "model", "predict", "protocol", "transient"),
)
