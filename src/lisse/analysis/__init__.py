"""Analysis of measured data (pure functions and estimators; no file access, printing or plotting).

Importable from here (loaded on first use, so ``import lisse.analysis`` stays cheap):

* cycler records — :func:`analyse_record` (every analysis that applies, as ``lisse cycling``),
  :class:`CCDDetector` (critical current density), :class:`ShortDetector` (shorts and
  runaway polarisation), :func:`classify_cell` (symmetric / full / rest / impedance), the full-cell tables
  (:func:`cycle_table`, :func:`rate_table`, :func:`voltage_capacity_curves`, :func:`dqdv_table`),
  :func:`half_cycles` and :func:`overpotential_summary` (symmetric cells);
* density — :func:`archimedes_density`, :func:`theoretical_density` (rule of mixtures), :func:`porosity_from_density`,
  :func:`archimedes_porosity` (all three at once);
* kinetics — :func:`tafel_fit`, :func:`allen_hickling_fit`, :func:`charge_transfer_resistance`;
  :func:`gitt_diffusion` (Weppner–Huggins);
* :func:`compare_cell` against :func:`published_strategies`;
* impedance — the subpackage :mod:`lisse.analysis.eis` (``DRT``, ``Circuit``, ``lin_kk``, ...).

Estimators (classes) take their settings in the constructor and the data in ``fit``:
``CCDDetector(collapse_ratio=0.3).fit(record)``; functions take the data directly: ``cycle_table(record)``.
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would triple the cost of importing this package
if TYPE_CHECKING:
    from lisse.analysis import eis as eis  # a subpackage, loaded on first use
    from lisse.analysis.ccd import CCDDetector, detect_protocol
    from lisse.analysis.cell_type import CellClassification, classify_cell, classify_record, require_symmetric
    from lisse.analysis.cycling import CyclingAnalysis, analyse_record
    from lisse.analysis.density import (
        ArchimedesResult,
        archimedes_density,
        archimedes_porosity,
        porosity_from_density,
        theoretical_density,
    )
    from lisse.analysis.fullcell import (
        cycle_table,
        derive_cycles,
        dqdv,
        dqdv_table,
        rate_table,
        summarize_cycles,
        voltage_capacity_curves,
    )
    from lisse.analysis.gitt import gitt_diffusion, weppner_huggins_D
    from lisse.analysis.kinetics import TafelFit, allen_hickling_fit, charge_transfer_resistance, lsv_overpotential, tafel_fit
    from lisse.analysis.literature import Strategy, compare_cell, published_strategies
    from lisse.analysis.shorts import ShortDetector
    from lisse.analysis.symmetric import SegmentOptions, half_cycles, overpotential_summary

__all__ = [
    "CCDDetector",
    "detect_protocol",
    "ShortDetector",
    "CellClassification",
    "classify_cell",
    "classify_record",
    "require_symmetric",
    "CyclingAnalysis",
    "analyse_record",
    "ArchimedesResult",
    "archimedes_density",
    "archimedes_porosity",
    "porosity_from_density",
    "theoretical_density",
    "cycle_table",
    "derive_cycles",
    "dqdv",
    "dqdv_table",
    "rate_table",
    "summarize_cycles",
    "voltage_capacity_curves",
    "gitt_diffusion",
    "weppner_huggins_D",
    "TafelFit",
    "allen_hickling_fit",
    "charge_transfer_resistance",
    "lsv_overpotential",
    "tafel_fit",
    "Strategy",
    "compare_cell",
    "published_strategies",
    "SegmentOptions",
    "half_cycles",
    "overpotential_summary",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "CCDDetector": "ccd",
        "detect_protocol": "ccd",
        "ShortDetector": "shorts",
        "CellClassification": "cell_type",
        "classify_cell": "cell_type",
        "classify_record": "cell_type",
        "require_symmetric": "cell_type",
        "CyclingAnalysis": "cycling",
        "analyse_record": "cycling",
        "ArchimedesResult": "density",
        "archimedes_density": "density",
        "archimedes_porosity": "density",
        "porosity_from_density": "density",
        "theoretical_density": "density",
        "cycle_table": "fullcell",
        "derive_cycles": "fullcell",
        "dqdv": "fullcell",
        "dqdv_table": "fullcell",
        "rate_table": "fullcell",
        "summarize_cycles": "fullcell",
        "voltage_capacity_curves": "fullcell",
        "gitt_diffusion": "gitt",
        "weppner_huggins_D": "gitt",
        "TafelFit": "kinetics",
        "allen_hickling_fit": "kinetics",
        "charge_transfer_resistance": "kinetics",
        "lsv_overpotential": "kinetics",
        "tafel_fit": "kinetics",
        "Strategy": "literature",
        "compare_cell": "literature",
        "published_strategies": "literature",
        "SegmentOptions": "symmetric",
        "half_cycles": "symmetric",
        "overpotential_summary": "symmetric",
    },
    submodules=("ccd", "cell_type", "cycling", "density", "eis", "fullcell", "gitt", "kinetics", "literature", "shorts", "symmetric"),
)
