"""Circuit grammar, element limits, analytic Jacobians against finite differences, fitting."""

from __future__ import annotations

import numpy as np
import pytest

from lisse.analysis.eis.circuits import ELEMENTS, Circuit, parse_circuit
from lisse.errors import ParameterError
from lisse.records.spectrum import EISSpectrum

from .eis_testdata import freq_grid, noisy, three_arc

F = np.logspace(6, -2, 41)
PARAMS = {
    "R": [50.0],
    "C": [2e-6],
    "L": [3e-7],
    "CPE": [1e-5, 0.8],
    "W": [30.0],
    "Wo": [80.0, 0.5],
    "Ws": [80.0, 0.5],
    "G": [40.0, 1e-3],
    "HN": [100.0, 1e-4, 0.8, 0.6],
    "TLM": [60.0, 300.0, 1e-5, 0.85],
}


def _fd_check(c, p, f=F):
    z, J = c.jacobian(f, p)
    for k in range(len(p)):
        h = 1e-6 * abs(p[k])
        pp, pm = np.array(p, float), np.array(p, float)
        pp[k] += h
        pm[k] -= h
        fd = (c.impedance(f, pp) - c.impedance(f, pm)) / (2 * h)
        np.testing.assert_allclose(J[:, k], fd, rtol=1e-5, atol=1e-7 * np.abs(z).max() / abs(p[k]))


@pytest.mark.parametrize("prefix", sorted(ELEMENTS))
def test_element_jacobian_fd(prefix):
    _fd_check(Circuit(f"{prefix}1"), PARAMS[prefix])


def test_composite_jacobian_fd():
    c = Circuit("R0-L0-p(R1,CPE1)-p(R2-Wo1,C1)-p(HN1,G1)-Ws1-TLM1-W1")
    p = []
    for _, et in c._elements:
        p += PARAMS[et.prefix]
    _fd_check(c, p)


def test_element_limits():
    w = 2 * np.pi * np.array([1e-6, 1e7])
    f = w / (2 * np.pi)
    R, tau = 80.0, 0.5
    # finite Warburg, open end: Z -> R/(j w tau) + R/3 at low f; both -> R/sqrt(j w tau) at high f
    zo = Circuit("Wo1").impedance(f, [R, tau])
    assert zo[0] - R / (1j * w[0] * tau) == pytest.approx(R / 3, rel=1e-4)
    zs = Circuit("Ws1").impedance(f, [R, tau])
    assert zs[0] == pytest.approx(R, rel=1e-5)
    for z in (zo[1], zs[1]):
        assert z == pytest.approx(R / np.sqrt(1j * w[1] * tau), rel=1e-6)
    # Havriliak-Negami with alpha = beta = 1 is a Debye relaxation R/(1 + j w tau)
    ff = np.logspace(-2, 6, 9)
    np.testing.assert_allclose(Circuit("HN1").impedance(ff, [100, 1e-3, 1, 1]), 100 / (1 + 1j * 2 * np.pi * ff * 1e-3), rtol=1e-12)
    # Gerischer -> R at low f
    assert Circuit("G1").impedance([1e-9], [40, 1e-3])[0] == pytest.approx(40, rel=1e-6)
    # transmission line, blocking interface (huge Rct, n = 1): Z -> Rion/3 + 1/(j w C) at low f
    zt = Circuit("TLM1").impedance([1e-4], [60, 1e25, 1e-5, 1.0])[0]
    w0 = 2 * np.pi * 1e-4
    assert zt - 1 / (1j * w0 * 1e-5) == pytest.approx(60 / 3, rel=1e-3)
    # CPE with n = 1 is a capacitor; W equals sigma*sqrt(2)/sqrt(j w)
    np.testing.assert_allclose(Circuit("CPE1").impedance(ff, [1e-5, 1.0]), Circuit("C1").impedance(ff, [1e-5]), rtol=1e-12)
    np.testing.assert_allclose(Circuit("W1").impedance(ff, [30]), 30 * np.sqrt(2) / np.sqrt(1j * 2 * np.pi * ff), rtol=1e-12)


def test_series_parallel_algebra():
    c = Circuit("R0-p(R1,C1)")
    ff = np.logspace(-1, 5, 7)
    z = c.impedance(ff, [10, 100, 1e-6])
    np.testing.assert_allclose(z, 10 + 1 / (1 / 100 + 1j * 2 * np.pi * ff * 1e-6), rtol=1e-12)


def _truth3():
    t = {"R0": 10.0}
    for i, (r, tau) in enumerate(zip((100.0, 200.0, 500.0), (1e-7, 1e-5, 1e-2)), 1):
        t[f"R{i}"], t[f"CPE{i}_Q"], t[f"CPE{i}_n"] = r, tau**0.9 / r, 0.9
    return t


def test_fit_three_arcs_noise_free_auto_start():
    f = freq_grid()
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)").fit(EISSpectrum(f, three_arc(f)))
    for k, v in _truth3().items():
        assert c.parameters_[k] == pytest.approx(v, rel=0.02), k
    assert c.stats_["median_relative_misfit"] < 1e-6


def test_fit_uncertainty_matches_scatter():
    f = freq_grid()
    vals, stds = [], []
    for seed in range(8):
        c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)").fit(EISSpectrum(f, noisy(three_arc(f), 0.005, seed=seed)))
        vals.append(c.parameters_["R2"])
        stds.append(c.std_["R2"])
        assert c.stats_["median_relative_misfit"] < 0.01
    ratio = np.mean(stds) / np.std(vals, ddof=1)
    assert 0.4 < ratio < 2.5


def test_randles_with_finite_warburg():
    f = np.logspace(5, -2, 50)
    truth = [15.0, 120.0, 80.0, 2.0, 2e-5, 0.92]
    c = Circuit("R0-p(R1-Wo1,CPE1)")
    z = c.impedance(f, truth)
    c.fit(EISSpectrum(f, z))
    for n, v in zip(c.param_names, truth):
        assert c.parameters_[n] == pytest.approx(v, rel=0.02), n


def test_constants_and_bounds():
    f = freq_grid()
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", constants={"R0": 12.0}, bounds={"CPE1_n": (0.5, 0.85)})
    c.fit(EISSpectrum(f, three_arc(f)))
    assert c.parameters_["R0"] == 12.0 and c.std_["R0"] == 0.0
    assert 0.5 <= c.parameters_["CPE1_n"] <= 0.85
    assert c.summary()["parameters"][0]["fixed"] is True


def test_initial_guess_dict():
    f = freq_grid()
    t = _truth3()
    g = {k: v * 1.3 for k, v in t.items()}
    g.update({k: 0.85 for k in g if k.endswith("_n")})
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", initial_guess=g).fit(f, three_arc(f))
    for k, v in t.items():
        assert c.parameters_[k] == pytest.approx(v, rel=0.02)


@pytest.mark.parametrize(
    "bad,match",
    [
        ("R0-p(R1,C1", "expected"),
        ("R0-X1", "unknown element"),
        ("R0-R0", "used twice"),
        ("__import__('os').system('x')", "unexpected|unknown"),
        ("p(R1)", "two branches"),
        ("", "non-empty"),
        ("R0--R1", "expected an element"),
    ],
)
def test_parser_errors(bad, match):
    with pytest.raises(ParameterError, match=match):
        parse_circuit(bad)


def test_bad_parameter_names():
    with pytest.raises(ParameterError, match="did you mean"):
        Circuit("R0-p(R1,CPE1)", constants={"CPE1_m": 0.9})


@pytest.mark.parametrize("weighting", ["unit", "proportional", "sigma"])
def test_weighting_options(weighting):
    f = freq_grid()
    z = three_arc(f)
    w = 0.01 * np.abs(z) if weighting == "sigma" else weighting
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", weighting=w).fit(EISSpectrum(f, z))
    for k, v in _truth3().items():
        assert c.parameters_[k] == pytest.approx(v, rel=0.02), k
    with pytest.raises(ParameterError, match="sigma"):
        Circuit("R0-p(R1,C1)", weighting=np.ones(3)).fit(f, z)


def test_at_bound_flag():
    f = freq_grid()
    c = Circuit("R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", bounds={"CPE1_n": (0.5, 0.85)}).fit(EISSpectrum(f, three_arc(f)))
    flags = {p["name"]: p["at_bound"] for p in c.summary()["parameters"]}
    assert flags["CPE1_n"] is True
    assert flags["R2"] is False
