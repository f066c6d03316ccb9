"""Unchecked inputs found in review: each must raise ParameterError naming the parameter (not hang, divide by zero or
carry NaN into a simulation)."""

from __future__ import annotations

import numpy as np
import pytest

from lisse.errors import ParameterError


def test_nucleation_onset_refuses_a_huge_grid_before_simulating():
    from lisse.sim.interface import build_model, nucleation_onset

    m = build_model("LNI-5CNT", electrolyte="LNI")
    with pytest.raises(ParameterError, match=r"increment.*limit is 1000|limit is 1000.*increment"):
        nucleation_onset(m, start=1e-6, increment=1e-6, max_current=100.0)  # ~1e8 grid points


@pytest.mark.parametrize("kw,name", [({"start": 0.0}, "start"), ({"increment": float("nan")}, "increment"),
                                     ({"max_current": -1.0}, "max_current"), ({"step_time": 0.0}, "step_time")])
def test_nucleation_onset_names_the_bad_parameter(kw, name):
    from lisse.sim.interface import build_model, nucleation_onset

    m = build_model("LNI-5CNT", electrolyte="LNI")
    with pytest.raises(ParameterError, match=f"'{name}'"):
        nucleation_onset(m, **kw)


@pytest.mark.parametrize("f", [0.0, -0.1, 1.5, float("nan")])
def test_supply_velocity_refuses_a_contact_fraction_outside_0_1(f):
    from lisse.sim.interface import build_model
    from lisse.sim.interface.model import supply_velocity

    m = build_model(None, electrolyte="LPSC")
    with pytest.raises(ParameterError, match="'contact_fraction'.*got"):
        supply_velocity(f, m)


def test_protocol_refuses_nan_or_non_positive_durations_and_mismatched_arrays():
    from lisse.sim.interface import Protocol

    j, k = np.array([-1.0, 1.0]), np.array([0, 0])
    for bad in (np.array([3600.0, np.nan]), np.array([3600.0, 0.0]), np.array([np.inf, 1.0])):
        with pytest.raises(ParameterError, match="'duration'.*half cycle"):
            Protocol("cycling", j, bad, k)
    with pytest.raises(ParameterError, match="'current_density'"):
        Protocol("cycling", np.array([np.nan, 1.0]), np.array([1.0, 1.0]), k)
    with pytest.raises(ParameterError, match="equal"):
        Protocol("cycling", j, np.array([1.0]), k)
    assert Protocol("cycling", j, np.array([1.0, 2.0]), k).n_half_cycles == 2  # a valid one still builds
