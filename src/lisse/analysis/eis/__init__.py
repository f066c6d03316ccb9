"""Impedance analysis: Kramers–Kronig validity, equivalent-circuit fitting, DRT, derived quantities.

Submodules are imported on demand (``from lisse.analysis.eis.drt import DRT``) so that importing
this package stays cheap.
"""
