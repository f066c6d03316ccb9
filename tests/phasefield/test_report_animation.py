"""A stage's animation reaches the output folder and the report (embedded as a GIF, not mislabelled as PNG)."""

from __future__ import annotations

import base64

import pytest

pytest.importorskip("matplotlib")


def test_report_embeds_gif_with_its_own_mime():
    from lisse.report.html import ReportSection, render_report

    gif = b"GIF89a" + b"\x00" * 20
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    sec = ReportSection("pf", "PF", "ok", figures=[("anim", gif, "a"), ("still", png, "b")])
    html = render_report("t", "", [sec], [], {})
    assert f"data:image/gif;base64,{base64.b64encode(gif).decode()}" in html
    assert f"data:image/png;base64,{base64.b64encode(png).decode()}" in html


@pytest.mark.slow
def test_evaluate_writes_the_phasefield_animation(tmp_path):
    from lisse.pipeline.evaluate import evaluate
    from lisse.pipeline.study import parse_study

    text = '[study]\nname = "pf"\n[phasefield]\npresets = ["lithiophobic"]\ngrid = 32\n'
    study = parse_study(text)
    res = evaluate(study, tmp_path / "out", study_text=text, progress=False, only=["phasefield"])
    st = res["stages"]["phasefield"]
    assert st["status"] == "ok", st.get("reason")
    gif = tmp_path / "out" / "figures" / "phasefield_phasefield_animation.gif"
    assert gif.read_bytes()[:6] == b"GIF89a"
    assert "figures/phasefield_phasefield_animation.gif" in st["files"]
    assert "data:image/gif;base64," in (tmp_path / "out" / "report.html").read_text()
    assert st["summary"]["lithiophobic_front_roughness_um"] >= 0.0
