"""Regression tests from the issue-13 review: hostile inputs and the KK gate on real spectra."""

from __future__ import annotations

import json

import numpy as np
import pytest

from .eis_testdata import eis_file
from .test_cli_stage import _cli


def _write(path, f, z):
    with open(path, "w") as h:
        h.write("freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm\n")
        for a, b in zip(f, z):
            h.write(f"{float(a)!r},{float(b.real)!r},{float(-b.imag)!r}\n")
    return str(path)


def test_blocking_cell_without_blocking_response_renders(tmp_path):
    """A spectrum with no capacitive tail under --cell blocking: the CPE vanishes (Q = inf, JSON None);
    the text report says so instead of crashing with an internal error (exit 1)."""
    f = np.logspace(5, -1, 31)
    p = _write(tmp_path / "ind.csv", f, 1j * 2 * np.pi * f * 1e-6)
    r = _cli(p, "--drt", "--cell", "blocking")
    assert r.returncode == 0, r.stderr
    assert "blocking element" in r.stdout


def test_zero_impedance_is_a_data_error_not_a_crash(tmp_path):
    """|Z| = 0 cannot be weighted by 1/|Z|: a clear error (exit 2), not LinAlgError (exit 1)."""
    f = np.logspace(5, -1, 31)
    z = 10 + 100 / (1 + 1j * 2 * np.pi * f * 1e-4)
    z[4] = 0
    p = _write(tmp_path / "zero.csv", f, z)
    for args in (("--kk",), ("--drt",), ("--fit", "R0-p(R1,C1)")):
        r = _cli(p, *args)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert "internal error" not in r.stderr


def test_reader_notes_reach_the_cli(tmp_path):
    """Rows the reader skips (frequency 0, the DC part of a Parstat run) are counted in a note that
    the CLI reports (JSON key ``notes`` and the text report), so no row is dropped silently."""
    r = _cli(str(eis_file("impedance.py/exampleDataParstat.txt")), "--json")
    assert r.returncode == 0, r.stderr
    notes = json.loads(r.stdout)["notes"]
    assert any("781 rows at frequency 0 skipped" in n for n in notes), notes
    r = _cli(str(eis_file("impedance.py/exampleDataParstat.txt")))
    assert "781 rows at frequency 0 skipped" in r.stdout


def test_kk_gate_accepts_battery_with_diffusion_tail():
    """impedance.py's Li-ion example (66 points, a diffusion tail at -22 deg down to 3 mHz) is
    KK-consistent once the Voigt circuit has a series capacitance (impedance.py linKK add_cap=True:
    max residual 0.37 %); without it Lin-KK leaves 8 % at 3 mHz and the gate refused the DRT."""
    r = _cli(str(eis_file("impedance.py/exampleData.csv")), "--units", "frequency=Hz,impedance=ohm", "--kk", "--drt", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["kk"]["verdict"] == "pass", out["kk"]["verdict_reason"]
    assert out["kk"]["max_relative_residual"] < 0.01


def test_cli_and_study_use_the_benchmarked_default_lambda():
    """The DRT default λ was chosen on the 20-seed distribution (README, benchmarks/eis_drt.py); the
    CLI and the [eis] stage use that default, not the former 1e-4."""
    import inspect

    from lisse.analysis.eis.drt import DRT
    from lisse.pipeline.stages.eis import SCHEMA

    default = inspect.signature(DRT).parameters["lambda_"].default
    r = _cli(str(eis_file("pyimpspec/data.mpt")), "--drt", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["drt"]["lambda"] == default
    assert SCHEMA["lambda"].default == default


def test_kk_refusal_of_a_sign_flipped_spectrum_names_the_sign(tmp_path):
    """-Z'' written under a Z'' header (every point inductive): the KK gate refuses it, and the message
    points at the sign convention rather than only at drift or non-linearity."""
    f = np.logspace(5, -1, 31)
    z = 10 + 100 / (1 + 1j * 2 * np.pi * f * 1e-4) + 200 / (1 + (1j * 2 * np.pi * f * 1e-2) ** 0.9)
    p = _write(tmp_path / "flip.csv", f, np.conj(z))
    r = _cli(p, "--drt")
    assert r.returncode == 2
    assert "sign" in r.stderr, r.stderr


def test_refusal_prints_plain_numbers_and_repeated_frequencies_are_noted(tmp_path):
    """A negative frequency is named with a plain number (not numpy's repr); a repeated frequency gets a note."""
    from lisse.errors import ReaderError
    from lisse.io.eis import read_spectra

    p = tmp_path / "neg.csv"
    p.write_text("freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm\n100,10,1\n-10,11,2\n1,12,3\n")
    with pytest.raises(ReaderError) as exc:
        read_spectra(p)
    assert "f = -10.0 Hz" in str(exc.value) and "np." not in str(exc.value)
    p = tmp_path / "dup.csv"
    p.write_text("freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm\n100,10,1\n10,11,2\n10,11.1,2.1\n1,12,3\n")
    sp = read_spectra(p)[0]
    assert len(sp) == 4 and any("1 frequencies appear more than once" in n for n in sp.metadata["notes"])
