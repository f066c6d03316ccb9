"""Acceptance review of issue 16, as a notebook user meets lisse: a file path passed where loaded data is
expected, result reprs, and the other slips found while using the library end to end.

The references are the issue's own rules: a user mistake is a one-line ``LisseError`` naming what was expected
and what was found (never a raw ``AttributeError``/``ValueError`` from inside), and a repr is one short line.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from lisse.errors import LisseError

_DATA_PARAMS = {"record": "lisse.io.read_cycling", "spectrum": "lisse.io.read_spectrum", "sp": "lisse.io.read_spectrum",
                "spectra": "lisse.io.read_spectra"}


def _data_functions():
    """Every public function of ``lisse.analysis`` and ``lisse.analysis.eis`` whose first argument is loaded data."""
    import lisse.analysis
    import lisse.analysis.eis

    out = []
    for mod in (lisse.analysis, lisse.analysis.eis):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                params = list(inspect.signature(obj).parameters)
                if params and params[0] in _DATA_PARAMS:
                    out.append(pytest.param(obj, params[0], id=f"{mod.__name__}.{name}"))
    return out


@pytest.mark.parametrize(("func", "param"), _data_functions())
@pytest.mark.parametrize("path", ["cell.mpr", Path("cell.mpr")], ids=["str", "Path"])
def test_path_instead_of_data_is_a_lisse_error_naming_the_reader(func, param, path):
    """``classify_cell("cell.mpr")`` raised AttributeError: 'str' object has no attribute 'columns'."""
    extra = {"analysis": "CCD", "cycle": 1, "temperatures": [300.0]}
    required = [p for p in list(inspect.signature(func).parameters.values())[1:]
                if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    with pytest.raises(LisseError) as exc:
        func(path, **{p.name: extra[p.name] for p in required})
    text = str(exc.value)
    assert "\n" not in text
    assert _DATA_PARAMS[param] in text and "cell.mpr" in text


@pytest.mark.parametrize("make", ["CCDDetector", "ShortDetector", "DRT", "Circuit"])
def test_estimator_fit_on_a_path_names_the_reader(make):
    from lisse.analysis import CCDDetector, ShortDetector
    from lisse.analysis.eis import DRT, Circuit

    est = {"CCDDetector": CCDDetector, "ShortDetector": ShortDetector, "DRT": DRT,
           "Circuit": lambda: Circuit("R0-p(R1,CPE1)")}[make]()
    reader = "read_spectrum" if make in ("DRT", "Circuit") else "read_cycling"
    with pytest.raises(LisseError, match=reader):
        est.fit("cell.file")


def test_circuit_fit_on_a_path_with_impedance_is_a_lisse_error():
    """``Circuit.fit("x.csv", z)`` reached ``np.asarray("x.csv", float)``: a raw ValueError."""
    from lisse.analysis.eis import Circuit

    with pytest.raises(LisseError, match="read_spectrum"):
        Circuit("R0-p(R1,CPE1)").fit("x.csv", [1 + 1j, 2 + 2j])


def test_synthetic_truth_repr_is_one_short_line():
    """The README's ``rec, truth = ccd_staircase(...)``: truth's repr dumped every list (1.3 kB)."""
    from lisse.records.display import MAX_REPR
    from lisse.sim import ccd_staircase, long_cycling

    for _, truth in (ccd_staircase(j_critical="0.55 mA/cm2", seed=1), long_cycling(n_cycles=20, seed=2)):
        text = repr(truth)
        assert len(text) <= MAX_REPR and "\n" not in text and " at 0x" not in text, text
        assert text.startswith("SyntheticTruth(")


def test_cell_design_and_material_reprs_are_short_with_display_units():
    """``CellDesign`` printed 421 characters of SI floats and nested dataclasses, a ``Material`` 911 characters.

    Reference: the design's own SI attributes converted by hand (1 mAh/cm² = 36 000 C/m², 1 Wh/kg = 3600 J/kg).
    """
    import lisse
    from lisse.cell import CellDesign

    d = CellDesign.from_inputs(li_thickness="7.54 um", cathode_capacity="1.5 mAh/cm2")
    text = repr(d)
    assert len(text) <= 120 and "\n" not in text, text
    assert "7.54 µm" in text and "1.5 mAh/cm²" in text and f"{d.np_ratio:.4g}" in text
    assert f"{d.gravimetric_energy_density / 3600:.4g} Wh/kg" in text
    page = d._repr_html_()
    assert page.startswith("<table>") and page.endswith("</table>") and "Wh/L" in page
    for name in ("LLZTO", "Cu", "NCM811"):
        text = repr(lisse.get_material(name))
        assert len(text) <= 120 and name in text, text


def test_simulation_inputs_and_setups_have_short_reprs():
    """Interlayer parameters (2.4 kB), a phase-field run setup and layer (its φ_g array printed), the phase-field
    coefficients (1 kB) were dumped in full when a notebook cell ended with them."""
    from lisse.records.display import MAX_REPR
    from lisse.sim.interlayer import make_parameters
    from lisse.sim.phasefield import coefficients_from_physical, setup_preset

    p = make_parameters(preset="lni-5cnt")
    setup = setup_preset("lithiophilic")
    for obj in (p, setup, setup.layer, coefficients_from_physical(contact_angle_deg=30.0)):
        text = repr(obj)
        assert len(text) <= MAX_REPR and "\n" not in text and "array(" not in text and " at 0x" not in text, text
    assert f"l_i={p.thickness * 1e6:.4g} µm" in repr(p) and repr(p).startswith("InterlayerParameters('lni-5cnt'")


def _axis_texts(fig):
    """Every tick label and axis label drawn in ``fig`` (the text a legend must not sit on)."""
    out = []
    for a in fig.axes:
        for axis in (a.xaxis, a.yaxis):
            if axis.label.get_visible() and axis.label.get_text():
                out.append(axis.label)
            out += [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
    return out


def _legend_overlaps(name):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import plot_inputs as pi

    from lisse.io.outputs import render_figure

    args, kwargs, n = pi.CASES[name]()
    if n == 0:
        pytest.skip("writes a file, draws no figure")
    fig = pi.public_plot_functions()[name](*args, **kwargs)
    render_figure(fig, ("png",))
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    legends = [a.get_legend() for a in fig.axes if a.get_legend() is not None] + list(fig.legends)
    bad = []
    for leg in legends:
        box = leg.get_window_extent(r)
        for t in _axis_texts(fig):
            tb = t.get_window_extent(r)
            if tb.width > 0 and box.overlaps(tb):
                bad.append(f"legend {[x.get_text() for x in leg.get_texts()][:3]} covers {t.get_text()!r}")
    return bad


def _case_names():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import plot_inputs as pi

    return sorted(pi.CASES)


@pytest.mark.parametrize("name", _case_names())
def test_no_legend_covers_a_tick_or_axis_label(name):
    """With a twin y axis (voltage + current, capacity + CE) the legend right of the axes sat on the right axis'
    tick labels and label ('1.00', 'current density'). Reference: the drawn pixel boxes of the figure's texts."""
    bad = _legend_overlaps(name)
    assert not bad, f"{name}: {bad}"


@pytest.mark.parametrize("name", _case_names())
def test_axis_labels_give_units_one_way(name):
    """Issue 16 asks for a consistent style across capabilities: cycling, interlayer and cell figures write
    "quantity (unit)", the impedance figures wrote "quantity / unit" (``τ / s``, ``Z' / Ω``). One convention:
    an axis label never puts its unit after " / " (a ratio inside ln(...) is a formula, not a unit)."""
    import re
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import plot_inputs as pi

    args, kwargs, n = pi.CASES[name]()
    if n == 0:
        pytest.skip("writes a file, draws no figure")
    fig = pi.public_plot_functions()[name](*args, **kwargs)
    labels = [axis.label.get_text() for a in fig.axes for axis in (a.xaxis, a.yaxis)]
    bad = [t for t in labels if re.search(r"\S / \S", re.sub(r"ln\([^)]*\)", "", t))]
    assert not bad, f"{name}: {bad}"


@pytest.mark.parametrize("name", _case_names())
def test_wrong_axes_argument_is_a_lisse_error(name):
    """``ax=`` given a list of Axes, a numpy array from ``plt.subplots(1, 2)`` or a Figure, or ``ax=`` to a
    multi-panel figure (``axes=`` to a one-panel one), raised AttributeError/TypeError from inside matplotlib."""
    import sys

    from matplotlib.figure import Figure

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import plot_inputs as pi

    func = pi.public_plot_functions()[name]
    args, kwargs, n = pi.CASES[name]()
    if n == 0:
        pytest.skip("writes a file, draws no figure")
    kwargs = {k: v for k, v in kwargs.items() if k not in ("ax", "axes")}
    user = Figure()
    a, b = user.subplots(1, 2)
    takes = "ax" if "ax" in inspect.signature(func).parameters else "axes"
    wrong = [{"ax": [a, b]}, {"ax": user}] if takes == "ax" else [{"axes": user}, {"ax": a}]
    if takes == "ax":
        wrong.append({"axes": [a]})
    for bad in wrong:
        with pytest.raises(LisseError):
            func(*args, **kwargs, **bad)


def test_result_plot_does_not_ignore_the_users_axes():
    """``spectrum.plot("bode", ax=ax)`` drew a new figure and ignored ``ax`` (the bode panels take ``axes=``)."""
    from matplotlib.figure import Figure

    from lisse.analysis.eis import DRT, Circuit, three_arc_spectrum

    s = three_arc_spectrum(noise=0.0)
    user = Figure()
    ax = user.add_subplot()
    for obj in (s, DRT().fit(s), Circuit("R0-p(R1,CPE1)-p(R2,CPE2)").fit(s)):
        with pytest.raises(LisseError, match="axes="):
            obj.plot("bode", ax=ax)
        a1, a2 = Figure().subplots(2, 1)
        assert obj.plot("bode", axes=[a1, a2]) is a1.figure
        assert obj.plot("nyquist", ax=ax) is user


@pytest.mark.parametrize("name", _case_names())
def test_plot_function_given_a_path_is_a_lisse_error(name):
    """``lisse.plot.cycling.plot_voltage_staircase("cell.mpr")`` (every plot function given a file path instead
    of the data) raised AttributeError from inside."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import plot_inputs as pi

    args, kwargs, n = pi.CASES[name]()
    if n == 0:
        pytest.skip("writes a file, draws no figure")
    with pytest.raises(LisseError, match="cell.mpr"):
        pi.public_plot_functions()[name]("cell.mpr", *args[1:], **kwargs)
