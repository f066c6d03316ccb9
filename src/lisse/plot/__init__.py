"""Plotting: functions that take results and return matplotlib Figures.

Every public function of the submodules (:mod:`~lisse.plot.cycling`, :mod:`~lisse.plot.eis`,
:mod:`~lisse.plot.eis_temperature`, :mod:`~lisse.plot.interlayer`, :mod:`~lisse.plot.literature`,
:mod:`~lisse.plot.phasefield`, :mod:`~lisse.plot.thermo`, :mod:`~lisse.plot.cell`) takes ``ax=None``
(or ``axes=None`` for multi-panel figures), returns the :class:`matplotlib.figure.Figure` and leaves the
global matplotlib state (backend, ``rcParams``, pyplot's figure list) as it found it; lisse's look is
:func:`lisse.plot.style.lisse_style`. matplotlib is imported only when a submodule is.
"""
