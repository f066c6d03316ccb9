"""Coverage of the DRT's nominal 95 % band against analytic γ over synthetic noise repeats.

Independent reference: the analytic distribution of relaxation times of a ZARC (R ‖ CPE,
Z = R/(1 + (jωτ0)^n)) and of a Havriliak–Negami element (Z = R/(1 + (jωτ0)^α)^β), e.g.
Boukamp & Rolle, Solid State Ionics 302, 12 (2017); both are checked here against a direct
quadrature of the DRT integral before use.

Where coverage is counted: grid points with 1/(2π f_max) ≤ τ ≤ 1/(2π f_min), the τ range the
measurement probes. Outside it γ is set by the penalty's extrapolation, not by the data, and no
band can claim coverage there (the three-arc case's bulk peak at τ = 1e-7 s lies just outside).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.integrate import trapezoid  # np.trapezoid needs numpy >= 2; lisse supports numpy >= 1.24

from lisse.analysis.eis.drt import DRT
from lisse.analysis.eis.drt_uncertainty import linearised_band
from lisse.records.spectrum import EISSpectrum

from .eis_testdata import freq_grid, noisy, three_arc

N_REPEATS = 20
NOISE = 0.005  # of |Z| on each part


def gamma_zarc(tau, r, tau0, n):
    """Analytic γ(ln τ) [ohm] of R/(1 + (jωτ0)^n)."""
    x = np.log(tau / tau0)
    return r / (2 * np.pi) * np.sin(n * np.pi) / (np.cosh(n * x) + np.cos(n * np.pi))


def gamma_hn(tau, r, tau0, a, b):
    """Analytic γ(ln τ) [ohm] of R/(1 + (jωτ0)^a)^b (Havriliak–Negami)."""
    y = (tau / tau0) ** a
    th = np.arctan2(np.sin(np.pi * a), y + np.cos(np.pi * a))
    return r / np.pi * y**b * np.sin(b * th) / (y * y + 2 * y * np.cos(np.pi * a) + 1) ** (b / 2)


def z_hn(f, r, tau0, a, b):
    return r / (1 + (1j * 2 * np.pi * f * tau0) ** a) ** b


CASES = {
    # the three-arc spectrum (bulk arc above f_max)
    "three-arc": (
        lambda f: three_arc(f),
        lambda t: sum(gamma_zarc(t, r, t0, 0.9) for r, t0 in zip((100.0, 200.0, 500.0), (1e-7, 1e-5, 1e-2))),
    ),
    # an asymmetric Havriliak–Negami arc next to a broad ZARC
    "hn+zarc": (
        lambda f: 10 + z_hn(f, 100.0, 1e-4, 0.8, 0.6) + 300 / (1 + (1j * 2 * np.pi * f * 1e-1) ** 0.85),
        lambda t: gamma_hn(t, 100.0, 1e-4, 0.8, 0.6) + gamma_zarc(t, 300.0, 1e-1, 0.85),
    ),
}


@pytest.mark.parametrize("kind", ["zarc", "hn"])
def test_analytic_gamma_reproduces_impedance(kind):
    """The reference γ is right: its DRT integral gives back the element's impedance (quadrature)."""
    lt = np.linspace(-60, 60, 120001)
    t = np.exp(lt)
    if kind == "zarc":
        g, zf = gamma_zarc(t, 100.0, 1e-3, 0.9), lambda w: 100 / (1 + (1j * w * 1e-3) ** 0.9)
    else:
        g, zf = gamma_hn(t, 100.0, 1e-3, 0.8, 0.6), lambda w: z_hn(w / (2 * np.pi), 100.0, 1e-3, 0.8, 0.6)
    for w in (10.0, 1e3, 1e5):
        z = trapezoid(g / (1 + 1j * w * t), lt)
        assert abs(z - zf(w)) < 1e-6 * abs(zf(w))


def _repeats(case, **kw):
    zf, gf = CASES[case]
    f = freq_grid()
    z0 = zf(f)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(N_REPEATS):
            d = DRT(**kw).fit(EISSpectrum(f, noisy(z0, NOISE, seed=1000 + seed)))
            out.append(d)
    tau = out[0].tau_
    inside = (tau >= 1 / (2 * math.pi * f.max())) & (tau <= 1 / (2 * math.pi * f.min()))
    return out, gf(tau), inside


@pytest.mark.parametrize("case", list(CASES))
def test_band_coverage_and_width(case):
    """Nominal 95 %: covers the true γ at >= 90 % of the in-range grid points pooled over 20 noise
    repeats, and is not absurdly wide: its mean width is between 1 and 4 times the RMS error of γ̂
    over the repeats (a calibrated Gaussian 95 % band without bias is 3.92 RMS wide)."""
    fits, g_true, inside = _repeats(case)
    hit, width, err = [], [], []
    for d in fits:
        assert np.all(d.gamma_lower_ >= 0) and np.all(d.gamma_upper_ >= d.gamma_lower_)
        hit.append(((g_true >= d.gamma_lower_) & (g_true <= d.gamma_upper_))[inside])
        width.append((d.gamma_upper_ - d.gamma_lower_)[inside])
        err.append((d.gamma_ - g_true)[inside])
    coverage = float(np.mean(hit))
    rms = float(np.sqrt(np.mean(np.square(err))))
    ratio = float(np.mean(width)) / rms
    assert coverage >= 0.90, (coverage, ratio)
    assert 1.0 < ratio < 4.0, (coverage, ratio)


def test_std_matches_scatter_over_repeats():
    """``gamma_std_`` is the noise standard deviation of γ̂: it matches the scatter of γ̂ over the
    repeats (median ratio within 0.6..1.6 where γ is substantial)."""
    fits, g_true, inside = _repeats("three-arc")
    gam = np.array([d.gamma_ for d in fits])
    emp = gam.std(axis=0)
    sd = np.median([d.gamma_std_ for d in fits], axis=0)
    main = inside & (g_true > 0.2 * g_true.max())
    ratio = float(np.median(sd[main] / emp[main]))
    assert 0.6 < ratio < 1.6, ratio


def test_uncentred_band_misses():
    """The reason for the bias term: the same noise σ centred on γ̂ without the bias estimate covers
    less than the 90 % asked above (0.85 here: regularisation bias at the peaks), so that test can fail."""
    fits, g_true, inside = _repeats("three-arc")
    hit = [(np.abs(d.gamma_ - g_true) <= 1.96 * d.gamma_std_)[inside] for d in fits]
    assert float(np.mean(hit)) < 0.90


def test_band_is_fast_and_off_switch():
    f = freq_grid()
    d = DRT(uncertainty=False).fit(EISSpectrum(f, noisy(three_arc(f), NOISE, seed=3)))
    assert d.gamma_lower_ is None and d.gamma_upper_ is None and d.gamma_std_ is None


def test_linearised_band_exact_for_unpenalised_linear_problem():
    """With λ → 0 and a well-posed design the smoother is the identity: no bias, and the band is
    ±1.96·σ·sqrt(diag((AᵀA)^-1)) (ordinary least squares)."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((40, 4))
    x = np.array([1.0, 2.0, 3.0, 4.0])
    b = A @ x + 0.01 * rng.standard_normal(40)
    xh = np.linalg.lstsq(A, b, rcond=None)[0]
    band = linearised_band(A, b, np.eye(4), xh, np.ones(4), 1e-14, np.eye(3), 1)
    s2 = float(np.sum((A @ xh - b) ** 2)) / (40 - 4)
    sd = np.sqrt(s2 * np.diag(np.linalg.inv(A.T @ A)))[1:]
    np.testing.assert_allclose(band.bias, 0.0, atol=1e-9)
    np.testing.assert_allclose(band.std, sd, rtol=1e-6)
    np.testing.assert_allclose(band.upper - band.centre, 1.959964 * sd, rtol=1e-5)


@pytest.mark.parametrize(
    "kw",
    [dict(part="imag"), dict(inductance=True, capacitance=True), dict(basis="pwl"), dict(lambda_="drttools"), dict(weighting="proportional")],
)
def test_band_defined_for_every_option(kw):
    """Every DRT option gets a finite band that brackets its own bias-corrected centre (the imag-only
    design cannot identify R_inf: the pseudo-inverse path)."""
    f = freq_grid()
    z = noisy(three_arc(f) + 1 / (1j * 2 * np.pi * f * 1e-3), NOISE, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = DRT(**kw).fit(EISSpectrum(f, z))
    lo, hi, c = d.gamma_lower_, d.gamma_upper_, np.clip(d.band_.centre, 0, None)
    assert np.isfinite(lo).all() and np.isfinite(hi).all()
    assert np.all(lo <= c + 1e-12) and np.all(c <= hi + 1e-12)
    assert d.band_.level == 0.95


@pytest.mark.parametrize("case", list(CASES))
def test_bias_correction_moves_towards_truth(case):
    """The band's centre (γ̂ minus the estimated regularisation bias) is less biased than γ̂: the RMS
    over the in-range grid of (mean over repeats − analytic γ) drops by more than 10 % (15-20 % here)."""
    fits, g_true, inside = _repeats(case)
    bias_hat = np.mean([d.gamma_ for d in fits], axis=0) - g_true
    bias_centre = np.mean([np.clip(d.band_.centre, 0, None) for d in fits], axis=0) - g_true
    rms = lambda b: float(np.sqrt(np.mean(b[inside] ** 2)))  # noqa: E731
    assert rms(bias_centre) < 0.9 * rms(bias_hat)
