"""Progress on long commands: a bar on a terminal's stderr; nothing under ``--json`` or without a terminal.

The terminal is faked by replacing ``sys.stderr`` with a text buffer whose ``isatty()`` is True (the one
test :func:`lisse.io.progress.progress_enabled` makes). Long atomistic workflows are replaced by a fake
that reports three finished jobs through the workflow's ``on_job`` callback, as the real one does.
"""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest

from lisse.cli.main import main

IL = ["interlayer", "--preset", "lni-5cnt", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2"]

# case -> (argv (tmp_path -> list), text the bar shows)
CASES = {
    "interlayer-sweep": (lambda t: [*IL, "--sweep", "--points", "6"], "lisse interlayer: sweep"),
    "interlayer-map": (lambda t: [*IL, "--map"], "lisse interlayer: conductivity map"),
    "interlayer-critical": (lambda t: [*IL, "--critical-current"], "lisse interlayer: critical current"),
    "phasefield-run": (lambda t: ["phasefield", "--preset", "lithiophilic", "--grid", "32", "--frames", "3", "--no-animation",
                                  "--max-steps", "40", "--out", str(t / "pf")], "lisse phasefield: lithiophilic"),
    "phasefield-sweep": (lambda t: ["phasefield", "--sweep", "--angles", "90,150", "--out", str(t / "sw")], "lisse phasefield: sweep"),
    "wetting-workflow": (lambda t: ["wetting", "Li", "LiF", "--cache-dir", "none"], "lisse wetting"),
    "segregation-workflow": (lambda t: ["segregation", "LiF", "--cache-dir", str(t / "cache")], "lisse segregation"),
    "evaluate": (lambda t: ["evaluate", "--stage", "design", "--out", str(t / "ev")], "lisse evaluate"),
}


class _TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _fake_workflows(monkeypatch):
    """Atomistic workflows stand in for ML relaxations: three jobs reported through on_job."""
    import lisse.atomistic.workflows as wf

    def fake(*args, on_job=None, **kw):
        for k in range(3):
            on_job(SimpleNamespace(name=f"job{k}", atoms=[0] * 4, cached=False, energy_eV=-1.0))
        return {"fake": True, "n_jobs": 3}

    monkeypatch.setattr(wf, "adhesion_workflow", fake)
    monkeypatch.setattr(wf, "segregation_workflow", fake)


def _run(monkeypatch, capsys, argv, tty: bool) -> tuple[int, str, str]:
    err = _TTY() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    code = main(argv)
    return code, capsys.readouterr().out, err.getvalue()


@pytest.mark.parametrize("case", sorted(CASES))
def test_bar_on_a_terminal(case, tmp_path, monkeypatch, capsys):
    argv, desc = CASES[case]
    code, out, err = _run(monkeypatch, capsys, argv(tmp_path), tty=True)
    assert code == 0, err
    assert desc in err, err[-500:]
    assert "\r" in err  # tqdm redraws in place
    assert out.strip() and desc not in out  # the bar is not on stdout


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("mode", ["json-on-terminal", "not-a-terminal"])
def test_quiet_under_json_or_without_terminal(case, mode, tmp_path, monkeypatch, capsys):
    argv, _ = CASES[case]
    extra = ["--json"] if mode == "json-on-terminal" else []
    code, out, err = _run(monkeypatch, capsys, [*argv(tmp_path), *extra], tty=mode == "json-on-terminal")
    assert code == 0, err
    assert err == ""
    if extra:
        doc = json.loads(out)  # exactly one JSON document on stdout
        assert isinstance(doc, (dict, list))


def test_silent_bar_has_the_interface_and_needs_no_tqdm():
    import subprocess
    import sys

    from lisse.io.progress import progress_bar, progress_callback

    with progress_bar(None, "x", enabled=False) as bar:
        cb = progress_callback(bar)
        cb(3, 10)
        cb(10, 10)
        bar.set_postfix_str("done")
    assert (bar.n, bar.total) == (10, 10)
    code = "import sys; from lisse.io.progress import progress_bar; progress_bar(5, enabled=False).update(); print('tqdm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
