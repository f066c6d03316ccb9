"""Simulators: synthetic cycler data with known answers, the interlayer model, the phase-field model.

Importable from here (loaded on first use, so ``import lisse.sim`` stays cheap):

* :class:`SymmetricCellModel`, :func:`ccd_staircase`, :func:`long_cycling`, :func:`symmetric_voltage` —
  synthetic symmetric-cell records whose CCD / short is known (:class:`SyntheticTruth`);
* :mod:`lisse.sim.interface` — transient plate/strip simulator of the Li | (interlayer) | electrolyte interface and its predicted CCD;
* :mod:`lisse.sim.interlayer` — Li nucleation and growth inside a mixed ionic–electronic interlayer;
* :mod:`lisse.sim.phasefield` — Allen–Cahn phase field of Li growth into porous layers.
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would triple the cost of importing this package
if TYPE_CHECKING:
    from lisse.sim import interface as interface  # subpackages, loaded on first use
    from lisse.sim import interlayer as interlayer
    from lisse.sim import phasefield as phasefield
    from lisse.sim.synthetic_cycling import SymmetricCellModel, SyntheticTruth, ccd_staircase, long_cycling, symmetric_voltage

__all__ = [
    "SymmetricCellModel",
    "SyntheticTruth",
    "ccd_staircase",
    "long_cycling",
    "symmetric_voltage",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "SymmetricCellModel": "synthetic_cycling",
        "SyntheticTruth": "synthetic_cycling",
        "ccd_staircase": "synthetic_cycling",
        "long_cycling": "synthetic_cycling",
        "symmetric_voltage": "synthetic_cycling",
    },
    submodules=("interface", "interlayer", "phasefield", "synthetic_cycling"),
)
