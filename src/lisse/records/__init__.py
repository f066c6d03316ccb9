"""Measurement records: containers for data read from instrument files, in SI units with provenance.

* :class:`CyclingRecord` (:mod:`lisse.records.cycling`) — a galvanostatic/potentiostatic cycler record.
* :class:`EISSpectrum` (:mod:`lisse.records.spectrum`) — one impedance spectrum.

The readers that fill them live in :mod:`lisse.io`; the analyses that use them in :mod:`lisse.analysis`.
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would triple the cost of importing this package
if TYPE_CHECKING:
    from lisse.records.cycling import CyclingRecord, Provenance
    from lisse.records.spectrum import EISSpectrum

__all__ = [
    "CyclingRecord",
    "Provenance",
    "EISSpectrum",
]

__getattr__, __dir__ = attach(
    __name__,
    {"CyclingRecord": "cycling", "Provenance": "cycling", "EISSpectrum": "spectrum"},
    submodules=("cycling", "spectrum"),
)
