"""A stand-in for the simulator's entry points, for testing the plumbing around them (CLI, maps, design, stage).

The fake interface fails at a known current density ``threshold(kwargs)``: a staircase's CCD is the last
step at or below it, its failing step the first above it; a constant-current protocol holds when its current
is at or below it. The plumbing must report exactly that: an answer derived by hand from the threshold is the
independent reference of the tests. Installed with ``install(monkeypatch)``; never a fallback in ``src``.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np


def threshold(kw: dict) -> float:
    """Failing current density [A/m2]: grows with thickness, sigma_ion and pressure (a made-up law)."""
    t = kw.get("interlayer_thickness", 50e-6) if kw.get("interlayer") else 10e-6
    treated = 10.0 if "TfOH" in str(kw.get("surface")) else 1.0  # a treated surface holds ten times more
    return treated * 10.0 * (t / 50e-6) * math.sqrt(kw.get("interlayer_sigma_ion", 1.0)) * (kw.get("pressure", 1e6) / 1e6) ** 0.5


def build_model(**kw):
    if kw.get("interlayer") == "NOPE":
        from lisse.errors import ParameterError

        raise ParameterError("interlayer: expected a material of 'lisse materials'; found 'NOPE'")
    params = {"i0": (10.0, "A/m2", "assumed (calibrated): fitted to Wang2024 Fig. 3 CCD 0.62 mA/cm2 (case wang2024-lni-50cnt-90um)", True),
              "interlayer_sigma_e": (kw.get("interlayer_sigma_e", 0.03), "S/m", "Wang2024 Table 1", False)}
    cal = ["i0"] if kw.get("interlayer") else []
    i0, i0_src = kw.get("exchange_current", 10.0), "user" if "exchange_current" in kw else "assumed"
    if "interfacial_resistance" in kw:  # RT/F = 25.69 mV at 298.15 K
        i0, i0_src = 0.025693 / kw["interfacial_resistance"], "user: from R_int"
    values = {"pressure": kw.get("pressure", 1e6), "li_thickness": kw.get("li_thickness", 50e-6), "exchange_current": i0,
              "contact_angle": kw.get("contact_angle", math.pi / 2), "void_size": 1e-6, "surface_energy": kw.get("surface_energy", 0.4245),
              "void_depth_ratio": kw["void_depth"] / 1e-6 if "void_depth" in kw else 1.0}
    sources = {"pressure": "user" if "pressure" in kw else "default", "li_thickness": "user" if "li_thickness" in kw else "assumed",
               "exchange_current": i0_src, "contact_angle": "user" if "contact_angle" in kw else "assumed",
               "surface_energy": "user" if "surface_energy" in kw else "calibrated (fake)",
               # a given depth: the CLI's void_depth_check (a second, real simulation) is then skipped
               "void_depth_ratio": "user (fake)"}
    return SimpleNamespace(kw=kw, parameters=params, calibrated_parameters=cal, calibrated={k: params[k][2] for k in cal},
                           values=values, sources=sources, surface=kw.get("surface"))


def staircase(kind, start=1.0, increment=1.0, step_time=None, step_capacity=None, max_current=100.0, half_cycles_per_step=2):
    if not start > 0:
        from lisse.errors import ParameterError

        raise ParameterError(f"start: expected a positive current density; got {start}")
    first = (step_time or 3600.0) if step_capacity is None else step_capacity / start  # the first half cycle [s]
    steps = start + increment * np.arange(int(round((max_current - start) / increment)) + 1)
    return SimpleNamespace(kind=kind, start=start, increment=increment, step_time=step_time, step_capacity=step_capacity,
                           max_current=max_current, current_density=np.array([start]), duration=np.array([first]),
                           step_currents=steps)


def cycling_protocol(current, step_time, cycles):
    return SimpleNamespace(kind="cycling", current=current, step_time=step_time, cycles=cycles,
                           current_density=np.array([current]), duration=np.array([step_time]))


def expected_ccd(kw: dict, proto) -> tuple[float | None, float | None]:
    """(last stable step, first failing step) [A/m2] of the staircase for the fake threshold."""
    steps = proto.start + proto.increment * np.arange(int(round((proto.max_current - proto.start) / proto.increment)) + 1)
    thr = threshold(kw)
    ok = steps[steps <= thr]
    bad = steps[steps > thr]
    return (float(ok[-1]) if ok.size else None), (float(bad[0]) if bad.size else None)


def predict_ccd(model, proto, progress=None, points_per_half_cycle=20):  # (no time step: the points change nothing)
    kw = model.kw
    if kw.get("interlayer_sigma_ion", 1.0) < 1e-3:  # stands for a record the detectors cannot judge
        from lisse.errors import CalculationError

        raise CalculationError("CCD detection: the record has no constant-current half cycles")
    if kw.get("interlayer_sigma_e", 1.0) < 1e-5:  # stands for a point where the interlayer solver does not converge
        from lisse.errors import ConvergenceError

        raise ConvergenceError("interlayer solver: Newton did not converge in 60 iterations (residual 4.1e+15)")
    t = np.linspace(0.0, 3600.0, 50)
    record = SimpleNamespace(time_s=t, voltage_V=0.01 + 0 * t, current_A=1e-4 + 0 * t, area_m2=1e-4,
                             current_density_A_m2=lambda: 1.0 + 0 * t)
    steps = (np.array([proto.current]) if proto.kind == "cycling" else
             proto.start + proto.increment * np.arange(int(round((proto.max_current - proto.start) / proto.increment)) + 1))
    sim = SimpleNamespace(record=record, state={"t_s": t, "contact_fraction": 1 - t / 7200, "li_front_m": 1e-7 * t},
                          failure_time_s=None, failure_mode=None, protocol=SimpleNamespace(step_currents=steps), model=model)
    if proto.kind == "cycling":
        fails = proto.current > threshold(kw)
        ccd, failing = (None, proto.current) if fails else (proto.current, None)
    else:
        ccd, failing = expected_ccd(kw, proto)
    mode = None if failing is None else "contact_loss"
    if failing is not None:
        sim.failure_time_s = 3000.0
    if progress is not None:
        progress(1, 1)
    cal = list(model.calibrated_parameters)
    proto_name = proto.kind

    def as_dict():
        return {"ccd_mA_cm2": None if ccd is None else ccd / 10, "failing_current_density_mA_cm2": None if failing is None else failing / 10,
                "search_limit_reached": failing is None, "failure_mode": mode, "protocol": proto_name,
                "calibrated_parameters": cal, "calibrated_on": {k: model.parameters[k][2] for k in cal}}

    return SimpleNamespace(ccd_A_m2=ccd, failing_current_density_A_m2=failing, search_limit_reached=failing is None,
                           failure_mode=mode, protocol=proto_name, calibrated_parameters=cal, simulation=sim, as_dict=as_dict,
                           foil_limited=False, points_per_half_cycle=points_per_half_cycle, resolution_note=None,
                           contact_fraction_min=float(np.min(1 - t / 7200)))


def nucleation_onset(model, step_time=3600.0, start=0.5, increment=0.5, max_current=100.0):
    """Fake onset: half the failing threshold, on the grid (None above max_current)."""
    j = start
    while j <= max_current:
        if j >= threshold(model.kw) / 2:
            return j
        j += increment
    return None


def resolution_check(model, proto, pred):
    """Fake time-step check: the fake has no time step, so twice the points reads the same step."""
    d = pred.as_dict()
    return {"points_per_half_cycle": 40, "agrees": True, "steps_apart": None if pred.failing_current_density_A_m2 is None else 0,
            **{k: d[k] for k in ("ccd_mA_cm2", "failing_current_density_mA_cm2", "search_limit_reached", "failure_mode")}}


def converge_time_step(model, proto, pred, max_points_per_half_cycle=320, progress=None):
    """Fake time-step ladder: one check (``predict.resolution_check``, so that a test's replacement of it is seen)."""
    import lisse.sim.interface.predict as predict

    chk = predict.resolution_check(model, proto, pred)
    return pred, {**chk, "ladder": [], "converged": bool(chk["agrees"])}


def install(monkeypatch) -> None:
    """Replace the simulator's entry points in :mod:`lisse.sim.interface` by the fake ones."""
    import lisse.sim.interface as iface
    import lisse.sim.interface.predict as predict

    for name in ("build_model", "staircase", "cycling_protocol", "predict_ccd", "nucleation_onset"):
        monkeypatch.setattr(iface, name, globals()[name], raising=False)
    monkeypatch.setattr(predict, "resolution_check", resolution_check)
    monkeypatch.setattr(predict, "converge_time_step", converge_time_step)


def erratic_first_judgement(monkeypatch) -> list[int]:
    """Make the first verdict on each model read ``erratic_voltage`` (the real simulator and detectors otherwise), so that
    ``predict_ccd``'s re-judging at finer time steps can be tested: on the simulated cycler's fixed logging grid no
    validation case reads erratic any more (2026-12-02). Returns the points per half cycle of each simulation run."""
    import lisse.sim.interface.predict as predict

    real_judge, real_simulate = predict._judge, predict.simulate
    judged: set[int] = set()
    points: list[int] = []

    def simulate(model, protocol, progress=None, *, points_per_half_cycle=20, **kw):
        points.append(points_per_half_cycle)
        return real_simulate(model, protocol, progress, points_per_half_cycle=points_per_half_cycle, **kw)

    def judge(model, protocol, sim):
        pred = real_judge(model, protocol, sim)
        if id(model) not in judged:
            judged.add(id(model))
            pred.failure_mode = "erratic_voltage"
        return pred

    monkeypatch.setattr(predict, "_judge", judge)
    monkeypatch.setattr(predict, "simulate", simulate)
    return points
