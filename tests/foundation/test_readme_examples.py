"""Every Python code block of the README runs.

Blocks are taken from the README itself (```python fences), so an example that drifts from the API fails
here. A block that cannot run in a test must say so right above its fence with
``<!-- not executed: REASON -->``; the test then checks that a reason is given and skips it.
Blocks run in order in one namespace (as a reader pasting them into one notebook would), in a fresh
working folder that holds the files the README names:

* ``sym.csv`` — a symmetric-cell CCD staircase (``time/s,Ewe/V,I/mA``) from :func:`lisse.sim.ccd_staircase`
  with its critical current density known (5 A/m² = 0.5 mA/cm²);
* ``pellet.csv`` — three (R ‖ CPE) arcs plus R0 (``freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm``) from
  :func:`lisse.analysis.eis.three_arc_spectrum`.

After the blocks run, a few of their results are checked against those known answers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
_SKIP = re.compile(r"<!--\s*not executed:\s*(?P<reason>.*?)\s*-->")


def readme_blocks() -> list[tuple[int, str, str | None]]:
    """(line number of the first code line, code, skip reason or None) of every ```python block of the README."""
    lines = README.read_text(encoding="utf-8").splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```python":
            start = i + 1
            end = start
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            above = "\n".join(lines[max(0, i - 2):i])
            skip = _SKIP.search(above)
            out.append((start + 1, "\n".join(lines[start:end]) + "\n", skip.group("reason") if skip else None))
            i = end
        i += 1
    return out


def _write_inputs(folder: Path) -> None:
    from lisse.analysis.eis import three_arc_spectrum
    from lisse.sim import ccd_staircase

    rec, truth = ccd_staircase(j_critical="0.55 mA/cm2", seed=1)
    assert truth.ccd_A_m2 == 5.0
    rows = np.column_stack([rec.time_s, rec.voltage_V, rec.current_A * 1e3])
    np.savetxt(folder / "sym.csv", rows, delimiter=",", header="time/s,Ewe/V,I/mA", comments="", fmt="%.10g")
    s = three_arc_spectrum(noise=0.002, seed=3)
    rows = np.column_stack([s.frequency, s.impedance.real, -s.impedance.imag])
    np.savetxt(folder / "pellet.csv", rows, delimiter=",", header="freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm", comments="", fmt="%.12g")


def test_readme_has_python_blocks():
    blocks = readme_blocks()
    assert len(blocks) >= 3
    for line, _code, reason in blocks:
        assert reason is None or reason.strip(), f"README line {line}: 'not executed' needs a reason"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write_inputs(tmp_path)
    namespace: dict = {"__name__": "__readme__"}
    ran = 0
    for line, code, reason in readme_blocks():
        if reason is not None:
            continue
        try:
            exec(compile(code, f"README.md:{line}", "exec"), namespace)
        except Exception as e:  # name the block: the traceback's file name carries its README line
            raise AssertionError(f"README block at line {line} failed: {type(e).__name__}: {e}") from e
        ran += 1
    assert ran >= 3
    # the blocks' results against the answers known by construction
    if "ccd" in namespace:
        assert namespace["ccd"].ccd_A_m2_ == pytest.approx(5.0, rel=1e-9, abs=0)
    if "drt" in namespace:
        taus = sorted(p.tau_s for p in namespace["drt"].peaks_)
        for tau in (1e-5, 1e-2):  # the two arcs inside the measured range (three_arc_spectrum)
            assert min(abs(np.log10(t / tau)) for t in taus) < 0.1


def test_skip_marker_is_recognised(tmp_path, monkeypatch):
    text = "intro\n<!-- not executed: needs an instrument -->\n```python\nraise SystemExit\n```\n"
    (tmp_path / "R.md").write_text(text)
    monkeypatch.setattr(sys.modules[__name__], "README", tmp_path / "R.md")
    [(line, code, reason)] = readme_blocks()
    assert reason == "needs an instrument" and "SystemExit" in code and line == 4
