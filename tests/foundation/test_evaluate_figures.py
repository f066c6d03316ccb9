"""How ``lisse evaluate`` writes figures (PNG 200 dpi, SVG on request, layout once) and shows progress.

The reference for "layout once" is matplotlib itself: a figure saved the ordinary way (``savefig`` with
its constrained layout, which lays the figure out on every save) must give the very same pixels.
"""

from __future__ import annotations

import io
import json
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib.figure import Figure

from lisse.cli.main import main
from lisse.io.outputs import render_figure


def _figure() -> Figure:
    fig = Figure(figsize=(6, 3.5), constrained_layout=True)
    a1, a2 = fig.subplots(1, 2)
    x = np.linspace(0, 10, 200)
    a1.plot(x, np.sin(x) * 1e4, label="a long legend label")
    a1.set_xlabel(r"current density $j$ / mA cm$^{-2}$")
    a1.set_ylabel("a rather long y label (units)")
    a1.legend()
    a2.semilogy(x, np.exp(x))
    a2.set_title("second panel with a title")
    fig.suptitle("suptitle")
    return fig


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_layout_once_gives_the_pixels_of_an_ordinary_savefig():
    import matplotlib.image as mpimg

    ref = io.BytesIO()
    _figure().savefig(ref, format="png", dpi=200)
    fig = _figure()
    engine = fig.get_layout_engine()
    rendered = render_figure(fig, ("png", "svg"))
    png = rendered["png"]
    assert _png_size(png) == (6 * 200, int(3.5 * 200)) == _png_size(ref.getvalue())
    a = mpimg.imread(io.BytesIO(png))
    b = mpimg.imread(io.BytesIO(ref.getvalue()))
    np.testing.assert_array_equal(a, b)
    ET.fromstring(rendered["svg"])  # well-formed SVG
    assert fig.get_layout_engine() is engine  # the figure keeps its layout engine


def _evaluate(tmp_path, *extra, study=None):
    argv = ["evaluate", *([str(study)] if study else []), "--stage", "design", "--out", str(tmp_path / "out"), *extra]
    return main(argv)


def test_png_only_by_default_svg_on_request(tmp_path, capsys):
    assert _evaluate(tmp_path / "a", "--json") == 0
    figs = sorted(p.name for p in (tmp_path / "a" / "out" / "figures").iterdir())
    assert figs and all(f.endswith(".png") for f in figs)
    assert _evaluate(tmp_path / "b", "--json", "--svg") == 0
    figs_b = sorted(p.name for p in (tmp_path / "b" / "out" / "figures").iterdir())
    assert sorted(f for f in figs_b if f.endswith(".svg")) == sorted(f[:-4] + ".svg" for f in figs)
    res = json.loads((tmp_path / "b" / "out" / "results.json").read_text())
    assert any(f.endswith(".svg") for f in res["stages"]["design"]["files"])
    capsys.readouterr()


def test_study_key_svg(tmp_path, capsys):
    from importlib import resources

    text = resources.files("lisse").joinpath("studies", "default.toml").read_text("utf-8")
    study = tmp_path / "s.toml"
    study.write_text(text.replace("[study]\n", "[study]\nsvg = true\n", 1))
    assert _evaluate(tmp_path, "--json", study=study) == 0
    assert list((tmp_path / "out" / "figures").glob("*.svg"))
    capsys.readouterr()


class _TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_stage_bar_on_a_terminal_stays_visible(tmp_path, monkeypatch, capsys):
    err = _TTY()
    monkeypatch.setattr("sys.stderr", err)
    assert _evaluate(tmp_path) == 0
    text = err.getvalue()
    assert "lisse evaluate" in text and "1/1" in text
    last = text.rstrip("\n").split("\r")[-1]
    assert "100%" in last and "1/1" in last  # the finished bar is left on screen (leave=True)
    capsys.readouterr()


@pytest.mark.parametrize("tty", [True, False])
def test_no_bar_under_json_or_without_a_terminal(tmp_path, monkeypatch, capsys, tty):
    err = _TTY() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    assert _evaluate(tmp_path, *(["--json"] if tty else [])) == 0
    assert err.getvalue() == ""
    out = capsys.readouterr().out
    if tty:
        assert isinstance(json.loads(out), dict)
