"""Errors a command-line user sees name the option they typed (``--length``, ``--lambda``), not only the Python
keyword (``length=``, ``lambda_``); a negative length or area is refused by name, in its display unit."""

from __future__ import annotations

import numpy as np
import pytest

from lisse.errors import ParameterError
from lisse.records.cycling import CyclingRecord

from ._shared import cycler_file, run_cli


def _pulses():
    t = np.arange(0, 3000.0, 10.0)
    i = np.where((t >= 1000) & (t < 1600), 1e-4, 0.0)
    v = 3.7 + 0.01 * (i > 0) + 1e-6 * t
    return CyclingRecord.from_arrays(t, v, i)


def test_gitt_length_messages():
    from lisse.analysis.gitt import gitt_diffusion

    rec = _pulses()
    with pytest.raises(ParameterError, match=r"--length, or length= in Python.*--active-mass, --molar-volume, --molar-mass, --area"):
        gitt_diffusion(rec)
    with pytest.raises(ParameterError, match=r"parameter 'length' must be a finite number > 0 um; got -5 um"):
        gitt_diffusion(rec, length="-5 um")
    with pytest.raises(ParameterError, match=r"parameter 'area' must be a finite number > 0 cm2"):
        gitt_diffusion(rec, active_mass="10 mg", molar_volume="20 cm3/mol", molar_mass="100 g/mol", area="-1.13 cm2")


def test_drt_lambda_message_names_the_option():
    f = cycler_file("biologic_peis_ec1133.mpt")
    r = run_cli("eis", str(f), "--drt", "--ignore-kk", "--lambda", "0")
    assert r.returncode == 2 and "--lambda" in r.stderr and len(r.stderr.strip().splitlines()) == 1
