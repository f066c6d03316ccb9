"""Defects found in review (rev-diff), now fixed. Independent reference: the simulation's own failure event (a short by
the Porz flaw criterion, checked by hand in test_maps_design.py::test_design_candidate_that_shorts_in_cycling_does_not_hold;
a cut-off by the voltage limit), which the detector cannot see on the first step of a staircase."""

from __future__ import annotations


def test_staircase_that_shorts_on_its_first_step_has_no_ccd():
    from lisse.sim.interface import build_model, predict_ccd, staircase

    # a 1 um flaw opens at ~0.46 mA/cm2 at full contact (see the next test); fast self-diffusion keeps the contact full
    m = build_model(None, electrolyte="LPSC", pressure="6 MPa", flaw_size="1 um", self_diffusivity="1e-7 cm2/s")
    pred = predict_ccd(m, staircase("fixed-capacity", start=20.0, increment=1.0, step_capacity=7200.0, max_current=23.0))
    assert pred.simulation.failure_mode == "short" and pred.simulation.failure_half_cycle == 0
    assert pred.ccd_A_m2 is None and pred.failing_current_density_A_m2 == 20.0 and not pred.search_limit_reached
    assert pred.failure_mode == "short (simulated)"


def test_staircase_that_shorts_on_a_later_step_reports_the_step_before():
    from lisse.sim.interface import build_model, predict_ccd, staircase

    # a 1 um flaw needs p_Li = K_Ic/(1.12 sqrt(pi a)) = 126 MPa, i.e. eta = p V_m/F = 17 mV (V_m = 13.0 cm3/mol):
    # 2RT/F asinh(j/2i0) = 17 mV at i0 = 6.9 A/m2 gives j = 4.6 A/m2, so the 1 A/m2 steps fail at 5 A/m2 at the latest
    m = build_model(None, electrolyte="LPSC", pressure="6 MPa", flaw_size="1 um")
    pred = predict_ccd(m, staircase("fixed-capacity", start=1.0, increment=1.0, step_capacity=3600.0, max_current=8.0))
    sim = pred.simulation
    assert sim.failure_mode == "short"
    j_fail = abs(sim.protocol.current_density[sim.failure_half_cycle])
    assert 1.0 < j_fail <= 5.0
    assert pred.failing_current_density_A_m2 is not None and pred.failing_current_density_A_m2 <= j_fail
    assert pred.ccd_A_m2 is not None and pred.ccd_A_m2 < pred.failing_current_density_A_m2 and not pred.search_limit_reached


def test_cutoff_at_once_is_a_failure_of_the_first_step_not_an_error():
    from lisse.sim.interface import build_model, predict_ccd, staircase

    # 1 mV cut-off: the ohmic drop alone (2 A/m2 x 500 um / 0.1 S/m-order electrolyte) exceeds it at once
    m = build_model(None, electrolyte="LPSC", pressure="6 MPa", voltage_cutoff="0.001 V", flaw_size="0.01 um")
    pred = predict_ccd(m, staircase("fixed-capacity", start=20.0, increment=1.0, step_capacity=7200.0, max_current=23.0))
    assert pred.simulation.failure_mode == "cutoff" and pred.simulation.failure_half_cycle == 0
    assert pred.ccd_A_m2 is None and pred.failing_current_density_A_m2 == 20.0 and not pred.search_limit_reached
    assert pred.failure_mode == "cutoff (simulated)"
