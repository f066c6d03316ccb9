"""Measurement records: containers for data read from instrument files, in SI units with provenance.

* :class:`lisse.records.cycling.CyclingRecord` — a galvanostatic/potentiostatic cycler record.
* :class:`lisse.records.spectrum.EISSpectrum` — one impedance spectrum.

The readers that fill them live in :mod:`lisse.io`; the analyses that use them in :mod:`lisse.analysis`.
"""
