"""Small synthetic inputs for every public figure function of :mod:`lisse.plot` (shared by the plot tests).

``CASES["module.function"]()`` returns ``(args, kwargs, n_axes)``: the call's arguments and how many Axes
the function draws into (1 for ``ax=``, n for ``axes=``; 0 for a function that draws no figure). A new
public plot function without an entry here fails ``test_every_plot_function_has_inputs``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

import numpy as np

PLOT_MODULES_SKIPPED = {"style"}  # helpers, not figure functions


def public_plot_functions() -> dict[str, object]:
    """Every public function defined in a :mod:`lisse.plot` submodule, by ``module.name`` (introspection)."""
    import lisse.plot

    out = {}
    for info in pkgutil.iter_modules(lisse.plot.__path__):
        if info.name.startswith("_") or info.name in PLOT_MODULES_SKIPPED:
            continue
        mod = importlib.import_module(f"lisse.plot.{info.name}")
        for name, obj in vars(mod).items():
            if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != mod.__name__:
                continue
            out[f"{info.name}.{name}"] = obj
    return out


@cache
def _staircase():
    from lisse.analysis.ccd import CCDDetector
    from lisse.sim.synthetic_cycling import ccd_staircase

    rec, _ = ccd_staircase(n_steps=4, j_critical="0.25 mA/cm2", dt="60 s", seed=1)
    det = CCDDetector().fit(rec)
    return rec, det


@cache
def _fullcell():
    from lisse.analysis.fullcell import cycle_table, dqdv_table, voltage_capacity_curves
    from lisse.records.cycling import CyclingRecord

    t = np.arange(0, 4 * 7200, 20.0)
    phase = (t // 3600) % 2
    i = np.where(phase == 0, 1e-3, -1e-3)
    frac = (t % 3600) / 3600
    v = np.where(phase == 0, 3.4 + 0.6 * frac, 4.0 - 0.6 * frac) + 0.05 * np.sin(8 * frac)
    rec = CyclingRecord.from_arrays(t, v, i, active_mass="5 mg")
    return rec, cycle_table(rec), voltage_capacity_curves(rec), dqdv_table(rec)


@cache
def _tafel():
    from lisse.analysis.kinetics import tafel_fit
    from lisse.constants import FARADAY, GAS_CONSTANT

    f = FARADAY / (GAS_CONSTANT * 298.15)
    eta = np.linspace(-0.25, 0.25, 101)
    return tafel_fit(eta, 10 * (np.exp(0.5 * f * eta) - np.exp(-0.5 * f * eta)))


@cache
def _eis():
    from lisse.analysis.eis.derived import drt_map
    from lisse.analysis.eis.drt import DRT
    from lisse.analysis.eis.kk import lin_kk
    from lisse.analysis.eis.synthetic import three_arc_spectrum

    sp = three_arc_spectrum(noise=0.005, seed=2)
    d = DRT().fit(sp)
    return sp, d, lin_kk(sp), drt_map([sp, three_arc_spectrum(noise=0.005, seed=3)])


def series_fit():
    """A :class:`SeriesFit` built from known Arrhenius parameters (no fitting)."""
    from lisse.analysis.eis.temperature import PelletFit, SeriesFit

    kb = 8.617333262e-5
    rows = []
    for t_c in (0.0, 25.0, 50.0, 75.0):
        T = t_c + 273.15
        sb = 1e4 / T * np.exp(-0.30 / (kb * T)) * 100  # S/m
        sg = 1e5 / T * np.exp(-0.45 / (kb * T)) * 100
        rows.append(PelletFit(label=f"{t_c:g}C", temperature=T, r0=5.0, r_bulk=1.0, r_gb=1.0, r_total=2.0, r_bulk_std=0.0,
                              r_gb_std=0.0, r_total_std=0.0, arcs=[], circuit="R0-p(R1,CPE1)-p(R2,CPE2)",
                              median_relative_misfit=0.001, sigma_bulk=sb, sigma_gb=sg, sigma_total=1 / (1 / sb + 1 / sg)))
    arr = {"bulk": {"activation_energy_eV": 0.30, "activation_energy_std_eV": 0.001, "prefactor_S_K_cm": 1e4},
           "grain_boundary": {"activation_energy_eV": 0.45, "activation_energy_std_eV": 0.002, "prefactor_S_K_cm": 1e5},
           "total": None}
    return SeriesFit(rows=rows, arrhenius=arr, form="sigma_T")


@cache
def _interlayer():
    from lisse.sim.interlayer import sweeps
    from lisse.sim.interlayer.fit import SpikeFit
    from lisse.sim.interlayer.lengths import interlayer_lengths
    from lisse.sim.interlayer.model import make_parameters
    from lisse.sim.interlayer.solver2d import solve_2d

    p = make_parameters("lni-5cnt")
    res = interlayer_lengths(p, 10.0, capacity=3.6e4)
    cur = np.array([5.0, 10.0, 20.0])
    sw = sweeps.sweep_current(p, cur, capacity=3.6e4)
    m1 = sweeps.map_current_capacity(p, cur, np.array([1.8e4, 3.6e4]))
    m2 = sweeps.map_conductivities(p, np.array([1e-6, 1e-3, 10.0]), np.array([0.03, 0.3]), 10.0, 3.6e4)
    s2 = solve_2d(p, 10.0, nx=30)
    fit = SpikeFit(coefficient=3.0, currents=cur, spikes=np.array([0.01, 0.015, 0.02]), simulated_length=np.array([6e-3, 4.5e-3, 3e-3]),
                   fitted_length=np.array([6e-3, 4.5e-3, 3e-3]), used=np.ones(3, bool), r_squared=0.99, relative_rms=0.01)
    return p, res, sw, m1, m2, s2, fit


def _frames():
    y, x = np.mgrid[0:24, 0:20]
    frames = [(y < 4 + k + 2 * np.sin(x / 3)).astype(float) for k in range(5)]
    phi_g = np.zeros((24, 20))
    phi_g[12:16, 8:12] = 1.0
    return np.array(frames), [0.0, 1.0, 2.0, 3.0, 4.0], phi_g


@cache
def _micro():
    """A small seeded particle packing with a fibre network (the three phases and the electrolyte)."""
    from lisse.sim.phasefield.microstructure import fibre_network

    return fibre_network((48, 40), 2e-8, 0.1, 5e-8, 4e-7, layer=(2e-7, 7e-7), matrix_porosity=0.4, particle_diameter=1.2e-7, seed=1)


def _thermo_table():
    return {"material": ["Au", "Cu", "Li2O"], "contact_angle_deg": [30.0, 95.0, 120.0], "origin": ["DFT", "exp", "model"]}


def _cell_curves():
    t = np.linspace(0, 50, 20)
    return [{"name": n, "li_thickness_um": t, "gravimetric_Wh_kg": 400 - k * 20 - 2 * t, "volumetric_Wh_L": 1000 - 5 * t,
             "np_ratio": (t + 1) / (10 + 5 * k)} for k, n in enumerate(("NMC811", "LFP"))]


def _cases() -> dict:
    def staircase():
        rec, det = _staircase()
        return (rec, det), {"title": "synthetic staircase"}, 1

    def overpotential():
        _, det = _staircase()
        return (det.half_cycles_,), {"title": "overpotential"}, 1

    def capacity():
        _, ct, _, _ = _fullcell()
        return (ct,), {"per": "mAh_g"}, 1

    def curves():
        _, _, cv, dq = _fullcell()
        return (cv, dq), {"title": "curves"}, 2

    def dqdv():
        return ({"cycle 1": (np.linspace(3, 4, 10), np.ones(10)), "cycle 2": (np.linspace(3, 4, 10), 2 * np.ones(10))},), {}, 1

    def tafel():
        return (_tafel(),), {"title": "Tafel"}, 1

    def nyquist():
        sp, d, _, _ = _eis()
        return (sp, d.z_fit_), {"title": "Nyquist"}, 1

    def bode():
        sp, d, _, _ = _eis()
        return (sp, d.z_fit_), {}, 2

    def kk():
        return (_eis()[2],), {}, 1

    def drt():
        return (_eis()[1],), {}, 1

    def drt_map():
        return (_eis()[3],), {}, 1

    def arrhenius():
        return (series_fit(),), {"title": "Arrhenius"}, 1

    def profile():
        p, res, *_ = _interlayer()
        return (res.solution, p.critical_overpotential), {}, 3

    def il_sweep():
        p, res, sw, *_ = _interlayer()
        return (sw, p.thickness), {"title": "sweep"}, 1

    def cc_map():
        return (_interlayer()[3],), {"title": "map"}, 1

    def sigma_map():
        return (_interlayer()[4],), {"title": "verdict"}, 2

    def field():
        p, *_, s2, _ = _interlayer()
        return (s2, p.critical_overpotential), {"title": "2D"}, 2

    def il_fit():
        return (_interlayer()[6],), {}, 1

    def if_simulation():
        rec, _ = _staircase()
        t = np.asarray(rec.time_s)
        state = {"t_s": t, "contact_fraction_we": 1.0 - 0.5 * t / t[-1], "contact_fraction_ce": 1.0 - 0.2 * t / t[-1], "li_front_we_m": 1e-6 * np.sqrt(t / t[-1])}
        return (rec, state, float(t[-1]) * 0.8), {"title": "simulated"}, 3

    def if_map():
        ccd = np.array([[1.0, 2.0, np.nan], [3.0, 5.0, 8.0]])
        return ({"x_name": "sigma_e", "y_name": "sigma_ion", "x": np.array([1e-4, 1e-3, 1e-2]), "y": np.array([1e-3, 1e-2]),
                 "ccd": ccd, "search_limit_reached": np.array([[False, False, False], [False, False, True]])},), {"title": "map"}, 1

    def if_validation():
        rows = [{"case": "a", "predicted_mA_cm2": 0.2, "published_mA_cm2": 0.16},
                {"case": "b", "predicted_mA_cm2": 0.5, "published_mA_cm2": 0.62, "calibrated": True},
                {"case": "c", "predicted_mA_cm2": None, "published_mA_cm2": 4.0}]
        return (rows,), {}, 1

    def literature():
        from lisse.analysis.literature import published_strategies

        res = {"ccd_mA_cm2": 1.2, "interfacial_resistance_ohm_cm2": 20.0,
               "cycle_life": [{"current_density_mA_cm2": 0.5, "cycle_life_h": 300.0}]}
        return (published_strategies(), res), {}, 2

    def snapshot():
        frames, times, phi = _frames()
        return (frames[-1], phi, 1e-7, 4.0), {"title": "snap", "y_bottom": 1e-6}, 1

    def series():
        frames, times, phi = _frames()
        return (frames, times, phi, 1e-7), {"n": 3, "title": "series", "y_bottom": 1e-6}, 3

    def history():
        rows = [{"time_s": t, "front_mean_um": 1 + t, "tip_um": 1.5 + t, "penetration_depth_um": 0.1 * t} for t in range(5)]
        return (rows,), {"title": "front"}, 1

    def pf_sweep():
        return ({"angles_deg": [60, 90, 120], "penetration_m": [1e-7, 5e-8, 0.0], "theta_c_young_laplace_deg": 95.0},), {}, 1

    def animation():
        frames, times, phi = _frames()
        return (frames[:3], times[:3], phi, 1e-7, None), {"fps": 2}, 0  # path filled in by the caller

    def wetting():
        return (_thermo_table(),), {}, 1

    def micro_view():
        return (_micro(),), {"title": "packing"}, 1

    def _panels():
        frames, times, phi = _frames()
        elyte = np.zeros(phi.shape, dtype=bool)
        elyte[20:] = True
        fib = np.zeros(phi.shape, dtype=bool)
        fib[13:15, 2:10] = True
        return [{"label": lab, "zeta": frames[k], "frames": frames[: k + 1], "times": times[: k + 1], "solid": phi, "dx": 1e-7,
                 "electrolyte": elyte, "electronic": fib if k == 4 else None, "layer_bottom": 1e-6, "layer_top": 2e-6,
                 "note": "rough 0.1 µm"} for lab, k in (("ionic", 2), ("mixed", 3), ("electronic", 4))]

    def comparison():
        return ([{k: v for k, v in p.items() if k not in ("frames", "times")} for p in _panels()],), {"title": "three LNI"}, 3

    def comparison_anim():
        return ([{k: v for k, v in p.items() if k != "zeta"} for p in _panels()],), {"fps": 2}, 0  # path filled in by the caller

    def energy():
        c = _cell_curves()
        return (c, [10.0, 20.0]), {}, 2

    def np_ratio():
        return (_cell_curves(),), {}, 1

    return {
        "cycling.plot_voltage_staircase": staircase, "cycling.plot_overpotential": overpotential,
        "cycling.plot_capacity_ce": capacity, "cycling.plot_curves_dqdv": curves, "cycling.plot_dqdv": dqdv,
        "cycling.plot_tafel": tafel,
        "eis.nyquist": nyquist, "eis.bode": bode, "eis.kk_residuals": kk, "eis.drt": drt, "eis.plot_drt_map": drt_map,
        "eis_temperature.plot_arrhenius": arrhenius,
        "interlayer.profile_figure": profile, "interlayer.sweep_figure": il_sweep,
        "interlayer.current_capacity_map_figure": cc_map, "interlayer.conductivity_map_figure": sigma_map,
        "interlayer.field_figure": field, "interlayer.fit_figure": il_fit,
        "interface.simulation_figure": if_simulation, "interface.ccd_map_figure": if_map,
        "interface.validation_figure": if_validation,
        "literature.literature_comparison": literature,
        "lab.lab_comparison": lambda: (({"Chu2024": [0.5, 1.2, 2.4], "Ji2025": [2.4]}, {"LLZO": [0.3, 0.7], "unknown": [0.5]}, 0.6), {}, 1),
        "phasefield.snapshot_figure": snapshot, "phasefield.series_figure": series, "phasefield.history_figure": history,
        "phasefield.sweep_figure": pf_sweep, "phasefield.save_animation": animation,
        "phasefield.microstructure_figure": micro_view, "phasefield.comparison_figure": comparison,
        "phasefield.comparison_animation": comparison_anim,
        "thermo.wetting_bar": wetting,
        "cell.energy_density_vs_li_thickness": energy, "cell.np_ratio_vs_li_thickness": np_ratio,
    }


CASES = _cases()


def result_objects() -> dict[str, object]:
    """The main result objects with a ``.plot()`` method, fitted on the synthetic data above."""
    from lisse.analysis.eis.circuits import Circuit
    from lisse.analysis.shorts import ShortDetector
    from lisse.sim.synthetic_cycling import long_cycling

    rec, det = _staircase()
    sp, d, kk, m = _eis()
    p, res, sw, m1, m2, s2, fit = _interlayer()
    long_rec, _ = long_cycling(n_cycles=20, seed=2)
    return {
        "CyclingRecord": rec, "CCDDetector": det, "ShortDetector": ShortDetector().fit(long_rec), "TafelFit": _tafel(),
        "EISSpectrum": sp, "DRT": d, "KKResult": kk, "DRTMap": m,
        "Circuit": Circuit("R0-p(R1,CPE1)-p(R2,CPE2)").fit(sp), "SeriesFit": series_fit(),
        "LengthsResult": res, "Solution1D": res.solution, "SpikeFit": fit, "Microstructure": _micro(),
    }
