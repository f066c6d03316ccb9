"""Notebook-safe plotting (issue 16): lisse's figures leave matplotlib's global state alone, draw into the
user's Axes when given, show every colour in a legend, clip no text; results have short reprs.

The independent reference for "unchanged" is the state recorded before the calls in the same fresh
process (backend name, every rcParams value, pyplot's figure numbers); for "not clipped", the figure's
own pixel box.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"

sys.path.insert(0, str(HERE))
import plot_inputs as pi  # noqa: E402

_STATE_SCRIPT = r"""
import json, os, sys, tempfile, warnings
sys.path.insert(0, HERE)
import matplotlib
matplotlib.use("svg")  # headless but not Agg
import matplotlib.pyplot as plt
from cycler import cycler

matplotlib.rcParams.update({"axes.grid": False, "font.size": 13.5, "lines.linewidth": 3.25, "savefig.dpi": 72.0,
                            "legend.frameon": True, "image.cmap": "gray", "figure.dpi": 64.0,
                            "axes.prop_cycle": cycler(color=["#123456", "#654321", "#abcdef"])})
user_fig, user_ax = plt.subplots()  # the user's own open figure
user_ax.plot([0, 1], [0, 1])
backend = matplotlib.get_backend()
before = {k: repr(v) for k, v in matplotlib.rcParams.items()}
figs_before = plt.get_fignums()

import plot_inputs as pi
from lisse.io.outputs import render_figure, save_figure

called, plotted, errors = [], [], []
tmp = tempfile.mkdtemp()
for name, func in sorted(pi.public_plot_functions().items()):
    try:
        args, kwargs, n = pi.CASES[name]()
        if n == 0:
            args = args[:4] + (os.path.join(tmp, "anim.gif"),)
        fig = func(*args, **kwargs)
        if n:
            render_figure(fig, ("png", "svg"))
        called.append(name)
    except Exception as exc:  # reported below, so that one failure does not hide the others
        errors.append(f"{name}: {type(exc).__name__}: {exc}")
for name, obj in pi.result_objects().items():
    try:
        fig = obj.plot()
        save_figure(fig, os.path.join(tmp, name + ".png"), svg=True)
        plotted.append(name)
    except Exception as exc:
        errors.append(f"{name}.plot(): {type(exc).__name__}: {exc}")

after = {k: repr(v) for k, v in matplotlib.rcParams.items()}
print("RESULT" + json.dumps({
    "backend_before": backend, "backend_after": matplotlib.get_backend(),
    "changed": sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)),
    "figs_before": figs_before, "figs_after": plt.get_fignums(),
    "called": called, "plotted": plotted, "errors": errors,
}))
"""


def test_every_plot_function_has_inputs():
    """Introspection finds every public figure function; each has a synthetic case (so none escapes the state test)."""
    found = set(pi.public_plot_functions())
    assert found, "no plot functions found"
    assert found == set(pi.CASES), f"missing cases: {sorted(found - set(pi.CASES))}; stale: {sorted(set(pi.CASES) - found)}"


def test_plotting_leaves_backend_rcparams_and_pyplot_alone():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env.pop("MPLBACKEND", None)
    proc = subprocess.run([sys.executable, "-c", f"HERE = {str(HERE)!r}\n" + _STATE_SCRIPT], capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT")][-1]
    res = json.loads(line[len("RESULT"):])
    assert not res["errors"], "\n".join(res["errors"])
    assert set(res["called"]) == set(pi.public_plot_functions())
    assert set(res["plotted"]) == set(pi.result_objects())
    assert res["backend_before"] == "svg"
    assert res["backend_after"] == res["backend_before"]
    assert res["changed"] == [], f"rcParams changed by lisse: {res['changed']}"
    assert res["figs_after"] == res["figs_before"], "lisse left figures open in pyplot"


def test_lisse_style_restores_rcparams_even_on_error():
    import matplotlib

    from lisse.plot.style import lisse_style

    before = dict(matplotlib.rcParams)
    with pytest.raises(RuntimeError):
        with lisse_style():
            assert matplotlib.rcParams["axes.grid"] is True
            raise RuntimeError("boom")
    assert dict(matplotlib.rcParams) == before


def _user_figure(n: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(14, 8))
    FigureCanvasAgg(fig)
    gs = fig.add_gridspec(2, max(n, 1))
    axes = [fig.add_subplot(gs[0, k]) for k in range(n)]
    other = fig.add_subplot(gs[1, :])
    other.plot([0, 1], [1, 0])
    return fig, axes, other


@pytest.mark.parametrize("name", sorted(pi.CASES))
def test_draws_into_the_users_axes(name):
    func = pi.public_plot_functions()[name]
    args, kwargs, n = pi.CASES[name]()
    if n == 0:
        pytest.skip("writes a file, draws no figure")
    params = inspect.signature(func).parameters
    fig, axes, other = _user_figure(n)
    fig.canvas.draw()
    where = other.get_position().bounds
    if n == 1:
        assert "ax" in params and params["ax"].default is None
        out = func(*args, ax=axes[0], **kwargs)
    else:
        assert "axes" in params and params["axes"].default is None
        out = func(*args, axes=axes, **kwargs)
    assert out is fig
    assert fig.get_layout_engine() is None, "lisse set a layout engine on the user's figure"
    fig.canvas.draw()
    assert other.get_position().bounds == pytest.approx(where, abs=1e-12), "the user's other Axes moved"
    for ax in axes:
        assert ax.lines or ax.collections or ax.images or ax.patches, f"nothing drawn into {ax}"


def test_wrong_number_of_axes_is_refused():
    from lisse.errors import ParameterError
    from lisse.plot.eis import bode

    sp = pi._eis()[0]
    fig, axes, _ = _user_figure(3)
    with pytest.raises(ParameterError, match="expected 2 matplotlib Axes"):
        bode(sp, axes=axes)


def _texts_drawn(fig):
    """Every Text artist the renderer draws (tick labels only of the ticks inside the view)."""
    from matplotlib.text import Text

    all_ticks, drawn_ticks = set(), set()
    every, todo = [], list(fig.axes)
    while todo:  # with child Axes (secondary axes, insets)
        ax = todo.pop()
        every.append(ax)
        todo += list(getattr(ax, "child_axes", []))
    for ax in every:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())  # in the axis's own units, as the tick locations
            for t in axis.get_major_ticks() + axis.get_minor_ticks():
                all_ticks |= {id(t.label1), id(t.label2)}
                loc = t.get_loc()
                if loc is not None and np.isfinite(loc) and lo - 1e-9 * abs(lo) <= loc <= hi + 1e-9 * abs(hi):
                    drawn_ticks |= {id(t.label1), id(t.label2)}
    out = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        if id(t) in all_ticks and id(t) not in drawn_ticks:
            continue
        if hasattr(t, "_check_xy") and not t._check_xy(fig.canvas.get_renderer()):
            continue  # an annotation of a point outside the axes: not drawn
        out.append(t)
    return out


@pytest.mark.parametrize("name", sorted(pi.CASES))
def test_no_text_is_clipped(name):
    args, kwargs, n = pi.CASES[name]()
    if n == 0:
        pytest.skip("writes a file, draws no figure")
    from lisse.io.outputs import render_figure

    fig = pi.public_plot_functions()[name](*args, **kwargs)
    render_figure(fig, ("png",))
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    w, h = fig.bbox.width, fig.bbox.height
    bad = []
    for t in _texts_drawn(fig):
        bb = t.get_window_extent(r)
        if bb.x0 < -0.5 or bb.y0 < -0.5 or bb.x1 > w + 0.5 or bb.y1 > h + 0.5:
            bad.append(f"{t.get_text()!r} at {bb.bounds} (outside the figure)")
        clip = _clip_extent(t)
        if clip is not None and (bb.x0 < clip.x0 - 0.5 or bb.y0 < clip.y0 - 0.5 or bb.x1 > clip.x1 + 0.5 or bb.y1 > clip.y1 + 0.5):
            bad.append(f"{t.get_text()!r} at {bb.bounds} (cut by its axes {clip.bounds})")
    assert not bad, f"{name}: clipped text in the {w:.0f}x{h:.0f} px figure: {bad}"


def _clip_extent(t):
    """The pixel box a text is clipped to (its clip box or clip path), or None when it is not clipped."""
    if not t.get_clip_on():
        return None
    box = t.get_clip_box()
    path = t.get_clip_path()
    if path is not None:
        ext = path.get_fully_transformed_path().get_extents()
        return ext if box is None else type(ext).intersection(ext, box)
    return box


def test_drt_legend_covers_no_peak_label():
    from lisse.plot.eis import drt

    fig = drt(pi._eis()[1])
    fig.canvas.draw() if hasattr(fig.canvas, "get_renderer") else None
    from lisse.io.outputs import render_figure

    render_figure(fig, ("png",))
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    leg = ax.get_legend().get_window_extent(r)
    labels = [t for t in ax.texts if t.get_text().endswith("Ω")]
    assert len(labels) == len(pi._eis()[1].peaks_)
    for t in labels:
        assert not leg.overlaps(t.get_window_extent(r)), f"legend covers peak label {t.get_text()!r}"
    # and it names the colour of every peak's process
    names = {t.get_text() for t in ax.get_legend().get_texts()}
    for p in pi._eis()[1].peaks_:
        assert f"peak: {p.process.replace('_', ' ')}" in names


def _colour_key(c) -> tuple:
    from matplotlib.colors import to_rgb

    return tuple(np.round(to_rgb(c), 3))


def test_literature_figure_legend_names_every_colour():
    from lisse.analysis.literature import published_strategies
    from lisse.plot.literature import literature_comparison

    args, kwargs, _ = pi.CASES["literature.literature_comparison"]()
    fig = literature_comparison(*args, **kwargs)
    used = set()
    for ax in fig.axes:
        for coll in ax.collections:
            for fc in coll.get_facecolors():
                used.add(_colour_key(fc))
    legend_colours = set()
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None:
            continue
        for hnd in leg.legend_handles:
            c = hnd.get_markerfacecolor() if hasattr(hnd, "get_markerfacecolor") else hnd.get_facecolor()
            legend_colours.add(_colour_key(c))
    assert used, "no points drawn"
    assert used <= legend_colours, f"colours without a legend entry: {used - legend_colours}"
    sources = {s.source for s in published_strategies()}
    texts = {t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()}
    assert sources <= texts


def test_saved_png_is_200_dpi(tmp_path):
    from PIL import Image

    from lisse.io.outputs import FIGURE_DPI, save_figure
    from lisse.plot.eis import nyquist

    fig = nyquist(pi._eis()[0])
    p = save_figure(fig, tmp_path / "n.png", svg=True)
    assert FIGURE_DPI == 200
    with Image.open(p) as im:
        dpi = im.info["dpi"]
        size = im.size
    assert dpi[0] == pytest.approx(200, abs=0.5)
    w_in, h_in = fig.get_size_inches()
    assert size == (round(w_in * 200), round(h_in * 200))
    assert (tmp_path / "n.svg").read_text("utf-8").lstrip().startswith("<?xml")


def test_render_lays_out_once_and_keeps_the_engine():
    from lisse.io.outputs import render_figure
    from lisse.plot.eis import bode

    fig = bode(*pi.CASES["eis.bode"]()[0])
    engine = fig.get_layout_engine()
    out = render_figure(fig, ("png", "svg", "pdf"))
    assert set(out) == {"png", "svg", "pdf"} and all(len(b) > 1000 for b in out.values())
    assert fig.get_layout_engine() is engine


# -- reprs -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results():
    return pi.result_objects()


def test_reprs_are_one_short_line(results):
    for name, obj in results.items():
        r = repr(obj)
        assert "\n" not in r, f"{name}: multi-line repr"
        assert len(r) <= 200, f"{name}: repr of {len(r)} characters: {r[:120]}…"
        assert " at 0x" not in r, f"{name}: default object repr"
        assert r.startswith(type(obj).__name__ + "("), r


def test_spectrum_repr_says_points_range_and_source():
    sp = pi._eis()[0]
    r = repr(sp)
    assert f"{len(sp)} points" in r
    assert "0.1–1e+06 Hz" in r
    assert "source=" in r


def test_circuit_and_drt_show_their_model(results):
    from lisse.analysis.eis.circuits import Circuit
    from lisse.analysis.eis.drt import DRT

    assert repr(Circuit("R0-p(R1,C1)")) == "Circuit('R0-p(R1,C1)', not fitted)"
    c = repr(results["Circuit"])
    assert "R0-p(R1,CPE1)-p(R2,CPE2)" in c and "R0=" in c and "misfit" in c
    assert repr(DRT()).startswith("DRT(lambda_=0.0002, cell='symmetric-li'; not fitted")
    d = results["DRT"]
    assert f"{len(d.peaks_)} peaks" in repr(d)


def test_html_reprs_are_tables(results):
    for name in ("CyclingRecord", "CCDDetector", "ShortDetector", "TafelFit", "EISSpectrum", "DRT", "KKResult", "Circuit",
                 "SeriesFit", "LengthsResult"):
        h = results[name]._repr_html_()
        assert h.startswith("<table>") and h.endswith("</table>") and len(h) < 5000, name


def test_plot_methods_of_simulation_results_need_no_pyplot():
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    p, res, sw, m1, m2, s2, fit = pi._interlayer()
    n_open = len(plt.get_fignums())
    assert isinstance(s2.plot(p.critical_overpotential), Figure)
    assert isinstance(res.plot(), Figure) and len(res.plot().axes) == 3
    assert len(plt.get_fignums()) == n_open
    assert len(repr(s2)) <= 200 and "\n" not in repr(s2)


def test_literature_figure_draws_an_arrow_up_only_for_a_life_that_had_not_failed():
    """A censored cycle life (">=720 h"), the cell's or a published one, is drawn with an arrow from its point upward, and
    a legend entry says so; a measured one gets neither. The arrow of the longest life is drawn too (review s50: an
    annotation whose tip left the axes was silently skipped)."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgba
    from matplotlib.text import Annotation

    from lisse.analysis.literature import Strategy, published_strategies
    from lisse.plot.literature import literature_comparison

    def arrows(bounds, strategies, h=300.0):
        res = {"ccd_mA_cm2": 1.2, "cycle_life": [{"current_density_mA_cm2": 0.5 + k, "cycle_life_h": h, "cycle_life_is_lower_bound": b}
                                                 for k, b in enumerate(bounds)]}
        fig = literature_comparison(strategies, res)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        ann = [a for a in fig.axes[1].texts if isinstance(a, Annotation) and a.arrow_patch is not None]
        labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
        out = [(a.xy, a.xyann, to_rgba(a.arrow_patch.get_edgecolor()) == to_rgba("crimson"), a._check_xy(renderer)) for a in ann]
        plt.close(fig)
        return out, any("had not failed" in x for x in labels)

    measured = [s for s in published_strategies() if not s.cycle_life_lower_bound]
    assert arrows([False, False], measured) == ([], False)
    drawn, legend = arrows([False, True], measured)
    assert legend and drawn == [((1.5, 600.0), (1.5, 300.0), True, True)]  # from the point (1.5 mA/cm2, 300 h) up, drawn
    top = max(h for s in published_strategies() for _i, h in s.cycle_life)
    drawn, _ = arrows([True], measured, h=top * 1.5)  # the longest life on the figure: its arrow's tip leaves the old range
    assert [d[3] for d in drawn] == [True]
    pub = Strategy(name="P", electrolyte="LLZO", source="Ji2025", ccd_mA_cm2=None, interfacial_resistance_ohm_cm2=None,
                   cycle_life=((0.2, 1000.0),), cycle_life_lower_bound=True)
    drawn, legend = arrows([False], [*measured, pub])
    assert legend and [(d[0], d[2]) for d in drawn] == [((0.2, 2000.0), False)]  # a published bound: its own colour
