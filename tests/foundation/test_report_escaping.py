"""User text in report.html is escaped: study, cell, material and file names, and error messages."""

from __future__ import annotations

import contextlib
import io
import shutil

from conftest import shared_path
from lisse.cli.main import main
from lisse.report.html import Markup, ReportSection, render_report

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def test_markup_in_names_reaches_the_report_as_text(tmp_path):
    src = shared_path("data", "cyclers", "arbin_beep_FastCharge_000025_CH8.csv")
    data = f"{XSS}.csv"
    shutil.copy(src, tmp_path / data)
    study = tmp_path / "study.toml"
    study.write_text(
        f'[study]\nname = "S {XSS}"\ndescription = "D {XSS}"\n'
        f'[[cells]]\nname = "C {XSS}"\nli_thickness = "20 um"\ncathode_capacity = "2 mAh/cm2"\n'
        f'[design]\npoints = 5\n'
        f'[wetting]\nmaterials = ["M {XSS}"]\n'
        f'[interlayer]\nmaterial = "IL {XSS}"\nsweep = false\nmap = false\n'
        f'[cycling]\nfiles = ["{data}"]\nkind = "fullcell"\narea = "1 cm2"\n'
    )
    out = tmp_path / "out"
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["evaluate", str(study), "--out", str(out), "--no-progress",
                     "--stage", "design", "--stage", "wetting", "--stage", "interlayer", "--stage", "cycling"])
    assert code == 2, err.getvalue()  # the interlayer stage fails on the unknown material: a user mistake
    html = (out / "report.html").read_text("utf-8")
    assert "<img src=x" not in html and "onerror=alert(1)>" not in html
    for prefix in ("S ", "D ", "C ", "M ", "IL "):  # study name, description, cell, material, error message
        assert prefix + ESCAPED in html, prefix
    assert f"<b>{ESCAPED}</b>" in html  # the cycling file name in the stage's own HTML
    assert f"<figcaption>{ESCAPED}: charge" in html


def test_plain_string_body_is_shown_as_text():
    sec = ReportSection("x", "X", "ok", html=f"<p>{XSS}</p>")
    html = render_report("t", "i", [sec], [], {})
    assert "<p>&lt;img" not in html and "&lt;p&gt;&lt;img" in html
    sec = ReportSection("x", "X", "ok", html=Markup("<p>{}</p>").format(XSS))
    html = render_report("t", "i", [sec], [], {})
    assert f"<p>{ESCAPED}</p>" in html
