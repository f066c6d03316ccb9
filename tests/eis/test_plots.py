"""Figures: each plot function returns a Figure that shows the data it was given."""

from __future__ import annotations

import numpy as np

from lisse.analysis.eis.derived import drt_map
from lisse.analysis.eis.drt import DRT
from lisse.analysis.eis.kk import lin_kk
from lisse.analysis.eis.synthetic import three_arc_spectrum
from lisse.plot import eis as peis


def test_plots_show_their_data():
    sp = three_arc_spectrum(noise=0.005, seed=2)
    d = DRT().fit(sp)
    fig = peis.nyquist(sp, d.z_fit_)
    line = fig.axes[0].lines[0]
    np.testing.assert_allclose(line.get_xdata(), sp.z_real)
    np.testing.assert_allclose(line.get_ydata(), -sp.z_imag)
    assert len(peis.bode(sp, d.z_fit_).axes) == 2
    k = lin_kk(sp)
    np.testing.assert_allclose(peis.kk_residuals(k).axes[0].lines[0].get_ydata(), 100 * k.residual_real)
    f = peis.drt(d)
    ax = f.axes[0]
    g = ax.lines[0].get_ydata()
    assert np.max(g) == np.max(d.gamma(ax.lines[0].get_xdata()))
    assert len(ax.texts) >= len(d.peaks_)  # peak resistance labels
    m = drt_map([sp, three_arc_spectrum(noise=0.005, seed=3)])
    assert peis.plot_drt_map(m).axes
