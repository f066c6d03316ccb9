"""CyclingRecord: validation, SI units, sign convention, provenance, columnar export."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lisse.errors import ParameterError, ReaderError
from lisse.records.cycling import CyclingRecord, half_cycle_index, integrate_charge

from ._shared import cycler_file


def test_from_arrays_fills_charge_and_half_cycles():
    t = np.arange(0, 400.0, 1.0)
    i = np.where(t < 100, 1e-3, np.where(t < 200, 0.0, -1e-3))
    rec = CyclingRecord.from_arrays(t, np.zeros_like(t), i, area="0.5 cm2", active_mass=2e-6, loading="4 mg/cm2")
    # trapezoid: +1 mA over 0..99 s (0.099 C) plus the two half-steps at the switches (+0.5 mC, -0.5 mC),
    # then -1 mA over 200..399 s (-0.199 C): -0.1 C in all
    assert rec["charge_C"][99] == pytest.approx(0.099, rel=1e-9)
    assert rec["charge_C"][-1] == pytest.approx(-0.1, abs=1e-9)
    assert list(np.unique(rec["half_cycle"])) == [0, 1]  # the rest belongs to the first half cycle
    assert rec.area_m2 == pytest.approx(0.5e-4) and rec.active_mass_kg == pytest.approx(2e-6)
    assert rec.loading_kg_m2 == pytest.approx(4e-6 / 1e-4)
    s = rec.summary()
    assert s["area_cm2"] == pytest.approx(0.5) and s["active_mass_mg"] == pytest.approx(2.0) and s["rows"] == 400


def test_validation_errors():
    t = np.arange(5.0)
    with pytest.raises(ParameterError, match="non-decreasing"):
        CyclingRecord.from_arrays(t[::-1], t, t)
    with pytest.raises(ParameterError, match="equal length"):
        CyclingRecord.from_arrays(t, t[:3], t)
    with pytest.raises(ParameterError, match="timezone"):
        CyclingRecord.from_arrays(t, t, t, start=datetime(2024, 1, 1))
    with pytest.raises(ParameterError):
        CyclingRecord.from_arrays(t, t, t, area="-1 cm2")
    with pytest.raises(ParameterError, match="area"):
        CyclingRecord.from_arrays(t, t, t).current_density_A_m2()


def test_arrow_export_keeps_columns_and_metadata():
    import json

    rec = CyclingRecord.from_arrays(np.arange(3.0), np.ones(3), np.ones(3), start=datetime(2024, 5, 1, tzinfo=UTC))
    tab = rec.to_arrow()
    assert tab.num_rows == 3 and "voltage_V" in tab.column_names
    meta = json.loads(tab.schema.metadata[b"lisse.cycling"])
    assert meta["start"].startswith("2024-05-01")


def test_integrate_and_half_cycle_helpers():
    t = np.linspace(0, 10, 11)
    np.testing.assert_allclose(integrate_charge(t, np.full(11, 2.0))[-1], 20.0)
    np.testing.assert_array_equal(half_cycle_index(np.array([0, 1, 1, 0, -1, -1, 1])), [0, 0, 0, 0, 1, 1, 2])


def test_reader_provenance_and_units_biologic():
    from lisse.io.readers import read_cycling

    p = cycler_file("biologic_gcpl_ec1161_aqueous.mpt")
    rec = read_cycling(p, area="1 cm2")
    import hashlib

    assert rec.provenance.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    assert rec.provenance.raw_header["fields"]["Device"].startswith("VMP3")
    # SI: the file's control current is 0.068 mA; lisse stores A
    assert np.nanmax(np.abs(rec.current_A)) == pytest.approx(0.068e-3, rel=0.01)
    assert rec.active_mass_kg == pytest.approx(0.79e-6)  # from the header, mg -> kg
    assert rec.start == datetime(2025, 5, 28, 14, 23, 16, 145000, tzinfo=UTC)


def test_unzipped_nda_read_directly(tmp_path):
    pytest.importorskip("fastnda")
    import zipfile

    from lisse.io.readers import detect_format, read_cycling

    with zipfile.ZipFile(cycler_file("neware_nda_v26.nda.zip")) as zf:
        name = zf.namelist()[0]
        f = tmp_path / "x.nda"
        f.write_bytes(zf.read(name))
    assert detect_format(f) == "neware-nda"
    assert len(read_cycling(f)) == 222330


def test_options_for_other_readers_rejected():
    from lisse.io.readers import read_cycling

    with pytest.raises(ParameterError, match="mapping"):
        read_cycling(cycler_file("biologic_peis_ec1133.mpr"), mapping={"time": "t"})


_MPR_BYTES: dict[str, bytes] = {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pos=st.floats(0, 1), val=st.integers(0, 255), cut=st.one_of(st.none(), st.floats(0, 1)))
def test_mpr_random_mutations_raise_only_reader_error(tmp_path_factory, pos, val, cut):
    """Random byte replacement and truncation of a real .mpr: a record, a record whose notes say it is
    truncated (then fewer rows), or a ReaderError; nothing else."""
    import warnings

    from lisse.io.biologic import read_biologic

    if "b" not in _MPR_BYTES:
        _MPR_BYTES["b"] = cycler_file("biologic_peis_Zn_shorted_ec1161.mpr").read_bytes()
    b = bytearray(_MPR_BYTES["b"])
    b[int(pos * (len(b) - 1))] = val
    if cut is not None:
        b = b[: int(cut * len(b))]
    f = tmp_path_factory.mktemp("m") / "x.mpr"
    f.write_bytes(bytes(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            rec = read_biologic(f)
        except ReaderError:
            return
    if any("truncated" in n for n in rec.provenance.notes):
        assert len(rec) <= 32
    else:
        assert len(rec) == 32


def test_mpt_header_area_used_unless_given():
    from lisse.io.readers import read_cycling

    p = cycler_file("biologic_peis_Zn_shorted_ec1161.mpt")  # header: 113.100 mm2 (12 mm disc)
    assert read_cycling(p).area_m2 == pytest.approx(113.1e-6)
    assert read_cycling(p, area="2 cm2").area_m2 == pytest.approx(2e-4, rel=1e-12, abs=0)
    assert read_cycling(p, area=2e-4).area_m2 == pytest.approx(2e-4, rel=1e-12, abs=0)  # Python numbers are SI (m2)
    assert read_cycling(cycler_file("biologic_gcpl_ec1161_aqueous.mpt")).area_m2 is None  # 0.001 cm2 = unset


def test_cycle_count_from_half_cycles_when_the_record_numbers_no_cycles():
    """n_cycles comes from the cycle column when it numbers cycles, else from the half cycles (pairs 2k, 2k+1), and the
    summary says which (audit: a 50-cycle CSV without a cycle column reported n_cycles = 1 beside 100 half cycles)."""
    t = np.arange(0.0, 7 * 100.0, 1.0)
    i = np.where((t // 100) % 2 == 0, 1e-3, -1e-3)  # 7 half cycles of 100 s: 3 cycles and a half (hand count: 4)
    s = CyclingRecord.from_arrays(t, 0.01 * np.sign(i), i).summary()
    assert (s["n_cycles"], s["n_half_cycles"]) == (4, 7)
    assert s["n_cycles_source"] == "half_cycles"
    numbered = CyclingRecord.from_arrays(t, 0.01 * np.sign(i), i, cycle=(t // 200).astype(int)).summary()
    assert (numbered["n_cycles"], numbered["n_cycles_source"]) == (4, "cycle_column")
    # the instrument's numbering wins where it numbers more than one cycle, even against the half cycles
    two = CyclingRecord.from_arrays(t, 0.01 * np.sign(i), i, cycle=(t >= 600).astype(int)).summary()
    assert (two["n_cycles"], two["n_cycles_source"]) == (2, "cycle_column")
    # one instrument step whose current flips every 20 s (a drive/pulse profile) is not 35 half cycles of cycling
    step = np.zeros(t.size, dtype=int)
    step[t >= 300] = 1
    pulses = np.where((t // 20) % 2 == 0, 1e-3, -1e-3)
    drive = CyclingRecord.from_arrays(t, 0.01 * np.sign(pulses), np.where(t < 300, 1e-3, pulses), step=step).summary()
    assert drive["n_half_cycles"] > 2 and (drive["n_cycles"], drive["n_cycles_source"]) == (1, "cycle_column")
    e = np.empty(0)
    assert {k: CyclingRecord.from_arrays(e, e, e).summary()[k] for k in ("n_cycles", "n_cycles_source")} == {
        "n_cycles": 0, "n_cycles_source": "none"}
