"""Fit statistics that a mutation could silently break: DRT peak frequency, circuit weights, standard errors.

References: the analytic apex of an RC arc (f = 1/(2 pi R C)), residual sums written out here, the scatter of
fits over many noise seeds, and scipy.stats.linregress for the Arrhenius slope error.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lisse.analysis.eis.circuits import Circuit
from lisse.analysis.eis.derived import arrhenius
from lisse.analysis.eis.drt import DRT
from lisse.records.spectrum import EISSpectrum

from .eis_testdata import freq_grid, noisy

R0, R1, C1 = 10.0, 100.0, 1e-6  # tau = R C = 1e-4 s, apex at 1/(2 pi tau) = 1591.5 Hz


def _rc(f, r0=R0, r1=R1, c1=C1):
    return r0 + r1 / (1 + 1j * 2 * np.pi * np.asarray(f) * r1 * c1)


def test_drt_single_rc_peak_at_tau_rc_and_apex_frequency():
    f = freq_grid()
    d = DRT().fit(EISSpectrum(f, _rc(f)))
    assert len(d.peaks_) == 1
    pk = d.peaks_[0]
    assert abs(math.log10(pk.tau_s / (R1 * C1))) < 0.03  # peak tau = RC
    assert pk.resistance_ohm == pytest.approx(R1, rel=0.03)
    # the characteristic frequency is that of the arc's apex (max -Z''), found on a dense grid of the data model
    fd = np.logspace(1, 5, 40001)
    apex = fd[np.argmax(-_rc(fd).imag)]
    assert apex == pytest.approx(1 / (2 * np.pi * R1 * C1), rel=1e-3)
    assert abs(math.log10(pk.frequency_Hz / apex)) < 0.03
    assert pk.frequency_Hz * pk.tau_s == pytest.approx(1 / (2 * np.pi), rel=1e-12)
    assert pk.as_dict()["frequency_Hz"] == pytest.approx(pk.frequency_Hz, rel=1e-12)


def _chi2(z, zf, wr, wi):
    return float(np.sum(((zf.real - z.real) * wr) ** 2 + ((zf.imag - z.imag) * wi) ** 2))


@pytest.mark.parametrize("weighting", ["proportional", "modulus", "unit"])
def test_circuit_chi2_uses_the_stated_weights(weighting):
    # limited range: |Z''| > 1e-3 |Z| everywhere, so no floor applies; noise makes the residuals non-zero
    f = np.logspace(4.5, 1.5, 31)
    z = noisy(_rc(f), 0.01, seed=3)
    c = Circuit("R0-p(R1,C1)", weighting=weighting, initial_guess=[12.0, 80.0, 2e-6]).fit(EISSpectrum(f, z))
    zf = c.z_fit_
    w = {"proportional": (1 / np.abs(z.real), 1 / np.abs(z.imag)), "modulus": (1 / np.abs(z), 1 / np.abs(z)),
         "unit": (np.ones(z.size), np.ones(z.size))}[weighting]
    assert c.stats_["chi2"] == pytest.approx(_chi2(z, zf, *w), rel=1e-6)
    if weighting == "proportional":  # the test discriminates: with Re and Im weights swapped chi2 differs by > 1 %
        assert abs(_chi2(z, zf, w[1], w[0]) / c.stats_["chi2"] - 1) > 0.01


def test_proportional_weighting_follows_noise_on_the_weaker_component():
    """Noise only on Z' proportional to |Z'|, none on Z'': the fit must match the noise-free truth better than with swapped
    weights. Checked through the parameters (R1, C1) against the truth."""
    f = np.logspace(4.5, 1.5, 31)
    z0 = _rc(f)
    rng = np.random.default_rng(7)
    z = z0.real * (1 + 0.03 * rng.standard_normal(f.size)) + 1j * z0.imag * (1 + 0.001 * rng.standard_normal(f.size))
    c = Circuit("R0-p(R1,C1)", weighting="proportional", initial_guess=[12.0, 80.0, 2e-6]).fit(EISSpectrum(f, z))
    # the weights 1/|Z'| and 1/|Z''| let the precise Z'' pin R1 C1
    assert c.parameters_["R1"] * c.parameters_["C1"] == pytest.approx(R1 * C1, rel=0.01)
    # residuals in units of each component's scale are like the noise put in (3 % vs 0.1 %)
    zf = c.z_fit_
    assert np.std((zf.imag - z.imag) / np.abs(z.imag)) < 0.01
    assert np.std((zf.real - z.real) / np.abs(z.real)) > 0.01


def test_circuit_standard_errors_match_scatter_over_seeds():
    """1-sigma from the covariance vs the scatter of 40 fits of independent noise: ratio within [0.7, 1.4]
    (40 seeds: the sample standard deviation itself scatters by ~11 %)."""
    f = freq_grid()[:61]  # 1 MHz .. 1 Hz
    names = ("R0", "R1", "C1")
    vals = {n: [] for n in names}
    stds = {n: [] for n in names}
    for seed in range(40):
        c = Circuit("R0-p(R1,C1)", initial_guess=[12.0, 80.0, 2e-6]).fit(EISSpectrum(f, noisy(_rc(f), 0.01, seed=seed)))
        for n in names:
            vals[n].append(c.parameters_[n])
            stds[n].append(c.std_[n])
    for n, truth in zip(names, (R0, R1, C1)):
        assert np.mean(vals[n]) == pytest.approx(truth, rel=0.01, abs=0), n  # unbiased at this noise
        ratio = np.mean(stds[n]) / np.std(vals[n], ddof=1)
        assert 0.7 < ratio < 1.4, (n, ratio)


@pytest.mark.parametrize("form", ["sigma_T", "sigma"])
def test_arrhenius_standard_error_matches_linregress(form):
    from scipy.stats import linregress

    kB_eV = 8.617333262e-5
    T = np.array([253.15, 273.15, 298.15, 323.15, 353.15, 373.15])
    rng = np.random.default_rng(11)
    sigma = 1e6 / T * np.exp(-0.35 / (kB_eV * T)) * np.exp(0.05 * rng.standard_normal(T.size))
    fit = arrhenius(T, sigma, form=form)
    y = np.log(sigma * T) if form == "sigma_T" else np.log(sigma)
    ref = linregress(1 / T, y)
    assert fit.Ea_eV == pytest.approx(-ref.slope * kB_eV, rel=1e-9)
    assert fit.Ea_std_eV == pytest.approx(ref.stderr * kB_eV, rel=1e-9)
    assert fit.r2 == pytest.approx(ref.rvalue**2, rel=1e-9)
    assert fit.prefactor == pytest.approx(math.exp(ref.intercept), rel=1e-9)
    assert math.isnan(arrhenius(T[:2], sigma[:2]).Ea_std_eV)
