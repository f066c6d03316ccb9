"""Steering circuit fits: initial guesses, fixed parameters and bounds (API, CLI, study), flags on
divergent parameters, and the bulk conductivity from a fitted bulk R.

References: synthetic spectra with known parameters; the analytic conductivity σ = L/(R_b A) of a
synthetic pellet.
"""

from __future__ import annotations

import json
import math

import pytest

from lisse.analysis.eis.circuits import Circuit, parse_parameter_bounds, parse_parameter_values
from lisse.analysis.eis.derived import conductivity_from_fit
from lisse.errors import ParameterError
from lisse.records.spectrum import EISSpectrum

from .eis_testdata import eis_cli as _cli
from .eis_testdata import freq_grid, noisy

TWO = "R0-p(R1,CPE1)-p(R2,CPE2)"
# synthetic pellet: t = 1 mm, A = 1 cm², bulk σ = 1e-4 S/cm -> R_b = 0.1 cm / (1e-4 S/cm · 1 cm²) = 1000 ohm;
# bulk arc at ~250 kHz, grain boundary 3000 ohm at ~2 kHz, series 50 ohm
TRUTH = {"R0": 50.0, "R1": 1000.0, "CPE1_Q": 2e-9, "CPE1_n": 0.92, "R2": 3000.0, "CPE2_Q": 1e-7, "CPE2_n": 0.85}
SIGMA_S_CM = 1e-4


def _pellet(noise=0.003, seed=0):
    f = freq_grid()
    c = Circuit(TWO)
    z = c.impedance(f, [TRUTH[n] for n in c.param_names])
    return EISSpectrum(f, noisy(z, noise, seed=seed) if noise else z)


def test_parse_values_units_and_positional_names():
    c = Circuit(TWO)
    v = parse_parameter_values("R0=100,R1=10 kohm,CPE1_0=1e-9,CPE1_1=0.9", c)
    assert v == {"R0": 100.0, "R1": 1e4, "CPE1_Q": 1e-9, "CPE1_n": 0.9}
    assert parse_parameter_values(["R2=2.5 Mohm", "CPE2_n=0.8"], c) == {"R2": 2.5e6, "CPE2_n": 0.8}
    assert parse_parameter_values({"R1": "1 kohm", "CPE1_Q": 3e-9}, c) == {"R1": 1000.0, "CPE1_Q": 3e-9}
    b = parse_parameter_bounds("R1=10:1e7,CPE1_n=0.5:,R2=1 kohm:10 kohm", c)
    assert b == {"R1": (10.0, 1e7), "CPE1_n": (0.5, math.inf), "R2": (1e3, 1e4)}
    assert parse_parameter_bounds({"R1": [10, 1e7]}, c) == {"R1": (10.0, 1e7)}
    with pytest.raises(ParameterError, match="R3"):
        parse_parameter_values("R3=1", c)
    with pytest.raises(ParameterError, match="ohm"):
        parse_parameter_values("R1=10 nF", c)
    with pytest.raises(ParameterError, match="low < high"):
        parse_parameter_bounds("R1=1e7:10", c)
    with pytest.raises(ParameterError, match="bare number"):
        parse_parameter_values("CPE1_Q=1 nF", c)  # F s^(n-1) has no unit to convert from


def test_fixed_parameter_stays_fixed_and_partial_guess():
    sp = _pellet()
    c = Circuit(TWO, initial_guess={"R1": 800.0}, constants={"CPE1_n": 0.8}).fit(sp)
    assert c.parameters_["CPE1_n"] == 0.8 and c.std_["CPE1_n"] == 0.0
    assert c.stats_["n_free"] == 6
    # the free parameters move (R1 absorbs the wrong n): a fixed parameter really is held
    free = Circuit(TWO).fit(sp)
    assert abs(free.parameters_["CPE1_n"] - TRUTH["CPE1_n"]) < 0.02
    assert abs(free.parameters_["R1"] / TRUTH["R1"] - 1) < 0.02


def test_bounds_respected_and_flagged():
    sp = _pellet()
    c = Circuit(TWO, bounds=parse_parameter_bounds("R1=10:500", Circuit(TWO))).fit(sp)
    assert 10.0 <= c.parameters_["R1"] <= 500.0
    s = c.summary()
    assert "R1" in s["flagged"] and any("at bound" in w for w in s["warnings"])
    # a well-posed fit of the right circuit flags nothing (the flags are not always on)
    assert Circuit(TWO).fit(sp).summary()["flagged"] == []


def test_divergence_flagged():
    """A two-arc circuit on a one-arc spectrum started far away (R2 = 1e20 ohm, CPE2 Q = 1e60): the
    redundant arc runs off (a huge R, a CPE that shorts) and must be flagged."""
    f = freq_grid()
    one = Circuit("R0-p(R1,CPE1)")
    sp = EISSpectrum(f, noisy(one.impedance(f, [10, 1000, 1e-9, 0.9]), 0.003, seed=0))
    g = {"R0": 10, "R1": 1000, "CPE1_Q": 1e-9, "CPE1_n": 0.9, "R2": 1e20, "CPE2_Q": 1e60, "CPE2_n": 0.5}
    s = Circuit(TWO, initial_guess=g).fit(sp).summary()
    assert {"R2", "CPE2_Q"} <= set(s["flagged"]), s["warnings"]
    # the rules themselves, on the values of the issue (R2 = 1.9e22 ohm, CPE Q = 3e78)
    c = Circuit(TWO).fit(_pellet())
    c.parameters_.update(R2=1.9e22, CPE2_Q=3e78)
    fl = c.parameter_flags()
    assert any("implausible" in x for x in fl["R2"]) and any("short" in x for x in fl["CPE2_Q"])
    assert fl["R0"] == [] and fl["R1"] == []


def test_conductivity_from_fitted_bulk_r_matches_analytic():
    sp = _pellet(noise=0.003, seed=2)
    c = Circuit(TWO).fit(sp)
    out = conductivity_from_fit(c, "1 mm", "1 cm2")
    assert out["bulk_element"] == "R1"
    sig, sd = out["conductivity_S_cm"], out["conductivity_std_S_cm"]
    assert sd > 0
    assert abs(sig - SIGMA_S_CM) < max(3 * sd, 0.01 * SIGMA_S_CM)
    assert abs(sig / SIGMA_S_CM - 1) < 0.02
    # sd follows from R1's standard error: sigma * s(R)/R
    assert sd == pytest.approx(sig * c.std_["R1"] / c.parameters_["R1"], rel=1e-12, abs=0)
    # --bulk R2 takes the grain-boundary R instead; the series R0 would be refused only if not a resistor
    out2 = conductivity_from_fit(c, 1e-3, 1e-4, bulk="R2")
    assert out2["conductivity_S_cm"] == pytest.approx(0.1 / c.parameters_["R2"], rel=1e-12, abs=0)
    with pytest.raises(ParameterError, match="resistor"):
        conductivity_from_fit(c, 1e-3, 1e-4, bulk="CPE1_Q")
    assert Circuit("R0-CPE1").bulk_element() == "R0"


def test_cli_initial_fix_bounds_bulk_and_conductivity(tmp_path):
    sp = _pellet(noise=0.003, seed=2)
    p = tmp_path / "pellet.csv"
    p.write_text("".join(f"{a:.12g},{b.real:.12g},{b.imag:.12g}\n" for a, b in zip(sp.frequency, sp.impedance)))
    r = _cli(str(p), "--units", "frequency=Hz,impedance=ohm", "--fit", TWO, "--initial", "R0=40,R1=1.5 kohm,CPE1_0=3e-9",
             "--fix", "CPE2_1=0.85", "--bounds", "R2=1 kohm:10 kohm", "--area", "1 cm2", "--thickness", "1 mm", "--json")
    assert r.returncode == 0, r.stderr
    o = json.loads(r.stdout)["fit"]
    par = {q["name"]: q for q in o["parameters"]}
    assert par["CPE2_n"]["value"] == 0.85 and par["CPE2_n"]["fixed"]
    assert 1e3 <= par["R2"]["value"] <= 1e4
    assert o["bulk_element"] == "R1"
    assert abs(o["conductivity_S_cm"] / SIGMA_S_CM - 1) < 0.02 and o["conductivity_std_S_cm"] > 0
    r = _cli(str(p), "--units", "frequency=Hz,impedance=ohm", "--fit", TWO, "--bulk", "R2", "--area", "1", "--thickness", "1000", "--json")
    assert r.returncode == 0, r.stderr
    o = json.loads(r.stdout)["fit"]
    assert o["bulk_element"] == "R2" and abs(o["conductivity_S_cm"] / (0.1 / TRUTH["R2"]) - 1) < 0.02
    r = _cli(str(p), "--units", "frequency=Hz,impedance=ohm", "--fit", TWO, "--fix", "R9=1")
    assert r.returncode == 2 and "R9" in r.stderr


def test_study_keys_steer_the_fit(tmp_path):
    from lisse.pipeline.registry import StageContext, all_stages

    st = {s.name: s for s in all_stages()}["eis"]
    opts = {"synthetic": True, "circuit": "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", "fix": {"CPE3_n": 0.9},
            "bounds": {"R1": [10, 1e3]}, "initial": "R2=150 ohm"}
    res = st.func(StageContext(study={"eis": opts, "_base_dir": "."}, options=dict(opts), out_dir=tmp_path))
    par = {q["name"]: q for q in res.summary["spectra"][0]["fit"]["parameters"]}
    assert par["CPE3_n"]["value"] == 0.9 and par["CPE3_n"]["fixed"]
    assert 10 <= par["R1"]["value"] <= 1e3
    # the synthetic demo: 100 / 200 / 500 ohm arcs (n = 0.9) -> within 5 %
    assert abs(par["R3"]["value"] / 500 - 1) < 0.05
