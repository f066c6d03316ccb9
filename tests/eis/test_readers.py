"""Readers: every shared spectrum is read; the same spectrum in four formats gives the same data."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from lisse.errors import ReaderError
from lisse.io.eis import detect_format, read_spectra

from .eis_testdata import eis_file


def test_four_pyimpspec_formats_identical():
    ref = read_spectra(eis_file("pyimpspec/data.mpt"))
    assert len(ref) == 1 and len(ref[0]) == 29
    for name in ("data.dta", "data.z", "data.idf"):
        sp = read_spectra(eis_file(f"pyimpspec/{name}"))
        assert len(sp) == 1
        # identical up to the number of digits each format stores (Ivium keeps 6 significant digits)
        np.testing.assert_allclose(sp[0].frequency, ref[0].frequency, rtol=1e-5)
        np.testing.assert_allclose(sp[0].impedance.real, ref[0].impedance.real, rtol=1e-5)
        np.testing.assert_allclose(sp[0].impedance.imag, ref[0].impedance.imag, rtol=1e-5)
    # |Z| range stated in PROVENANCE.md: 112-652 ohm, 10 kHz -> 1 Hz, capacitive (Z'' < 0)
    m = ref[0].modulus
    assert m.min() == pytest.approx(112.2, abs=0.1) and m.max() == pytest.approx(651.8, abs=0.1)
    assert ref[0].frequency[0] == 1e4 and ref[0].frequency[-1] == 1.0
    assert np.all(ref[0].z_imag < 0)


def test_multiple_spectra_mpt_gives_three():
    sp = read_spectra(eis_file("pyimpspec/case-multiple-spectra.mpt"))
    assert [len(s) for s in sp] == [29, 29, 29]
    assert [s.metadata["index"] for s in sp] == [0, 1, 2]
    for s in sp:
        assert s.frequency[0] == pytest.approx(1e4) and s.frequency[-1] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "rel,fmt,n,f0,f1",
    [
        ("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.txt", "biologic-mpt", 79, 7.0e6, 0.1),
        ("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt", "relaxis-txt", 79, 0.1, 7.0e6),
        ("impedance.py/exampleData.csv", "csv", 66, None, None),
        ("impedance.py/exampleDataBioLogic.mpt", "biologic-mpt", 43, 1e3, 16.9e-3),
        ("impedance.py/exampleDataGamry.DTA", "gamry-dta", 72, 200e3, 15.9e-3),
        ("impedance.py/exampleDataZPlot.z", "zplot-z", 21, 300e3, 3e3),
        ("pyDRTtools/LIB_data.txt", "csv", 107, None, None),
    ],
)
def test_shared_files(rel, fmt, n, f0, f1):
    p = eis_file(rel)
    # the two header-less CSV files carry no units: they are refused until the units are declared
    units = "frequency=Hz,impedance=ohm" if fmt == "csv" else None
    if units:
        with pytest.raises(ReaderError, match="carry no unit"):
            read_spectra(p)
    sp = read_spectra(p, units=units)
    assert len(sp) == 1
    s = sp[0]
    assert s.metadata["reader"] == fmt == detect_format(p)
    assert len(s) == n
    assert s.metadata["sha256"] == hashlib.sha256(p.read_bytes()).hexdigest()
    if f0 is not None:
        assert s.frequency[0] == pytest.approx(f0, rel=0.01)
        assert s.frequency[-1] == pytest.approx(f1, rel=0.01)


def test_relaxis_equals_ecLab_export():
    a = read_spectra(eis_file("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.txt"))[0].sorted()
    b = read_spectra(eis_file("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt"))[0].sorted()
    np.testing.assert_allclose(a.frequency, b.frequency, rtol=1e-6)
    np.testing.assert_allclose(a.impedance, b.impedance, rtol=1e-6)
    # PROVENANCE: |Z| 462 ohm -> 8.3 Mohm
    assert a.modulus.min() == pytest.approx(462.3, abs=0.1)
    assert a.modulus.max() == pytest.approx(8.29e6, rel=0.01)


def test_inductive_points_keep_sign():
    s = read_spectra(eis_file("pyDRTtools/LIB_data.txt"), units="frequency=Hz,impedance=ohm")[0]
    assert s.frequency[0] > s.frequency[-1]
    assert s.z_imag[0] > 0  # inductive at high frequency (PROVENANCE.md)
    assert s.z_imag[-1] < 0


def test_chi_and_csv_header_sign(tmp_path):
    f = np.array([1e5, 1e3, 10.0])
    z = 10 + 100 / (1 + 1j * 2 * np.pi * f * 1e-4)
    chi = tmp_path / "chi.txt"
    chi.write_text(
        "Nov. 23, 2026   10:00:00\nA.C. Impedance\nFile: x.bin\n\nInit E (V) = 0\n\n"
        "Freq/Hz, Z'/ohm, Z\"/ohm, Z/ohm, Phase/deg\n\n"
        + "".join(f"{a:.6e}, {b.real:.6e}, {b.imag:.6e}, {abs(b):.6e}, {np.degrees(np.angle(b)):.3f}\n" for a, b in zip(f, z))
    )
    s = read_spectra(chi)[0]
    assert s.metadata["reader"] == "chi-txt"
    np.testing.assert_allclose(s.impedance, z, rtol=1e-6)
    csv = tmp_path / "x.csv"
    csv.write_text("freq_Hz;Zre_ohm;-Zim_ohm\n" + "".join(f"{a};{b.real};{-b.imag}\n" for a, b in zip(f, z)))
    s = read_spectra(csv, area="1 cm2", thickness="1 mm")[0]
    np.testing.assert_allclose(s.impedance, z, rtol=1e-12)
    assert s.area == pytest.approx(1e-4, rel=1e-12, abs=0) and s.thickness == pytest.approx(1e-3, rel=1e-12, abs=0)
    s = read_spectra(csv, area=1e-4, thickness=1e-3)[0]  # Python numbers are SI (m2, m)
    assert s.area == pytest.approx(1e-4, rel=1e-12, abs=0) and s.thickness == pytest.approx(1e-3, rel=1e-12, abs=0)


def test_bad_files(tmp_path):
    with pytest.raises(ReaderError, match="does not exist"):
        read_spectra(tmp_path / "missing.csv")
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(ReaderError, match="empty"):
        read_spectra(empty)
    two = tmp_path / "two.csv"
    two.write_text("1,2\n3,4\n")
    with pytest.raises(ReaderError, match="3 numeric columns"):
        read_spectra(two)
    trunc = tmp_path / "t.idf"
    trunc.write_text("Method=Impedance\nprimary_data\n3\n5\n1 2 3\n")
    with pytest.raises(ReaderError, match="announces 5 rows"):
        read_spectra(trunc)
    g = tmp_path / "g.DTA"
    g.write_text("EXPLAIN\nTAG\tCV\n")
    with pytest.raises(ReaderError, match="ZCURVE"):
        read_spectra(g)


def test_biologic_mpr_equals_mpt_export():
    a = read_spectra(eis_file("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.mpr"))
    b = read_spectra(eis_file("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.txt"))
    assert len(a) == 1 and len(a[0]) == 79 and a[0].metadata["reader"] == "biologic-mpr"
    # the text export rounds to 8 significant digits
    np.testing.assert_allclose(a[0].frequency, b[0].frequency, rtol=1e-6)
    np.testing.assert_allclose(a[0].impedance, b[0].impedance, rtol=1e-6)


def test_mpt_without_impedance_columns(tmp_path):
    p = tmp_path / "cv.mpt"
    p.write_text("EC-Lab ASCII FILE\nNb header lines : 4\n\ntime/s\tEwe/V\tI/mA\n0\t1\t2\n1\t1.1\t2.1\n")
    with pytest.raises(ReaderError, match="impedance columns"):
        read_spectra(p)


@pytest.mark.parametrize(
    "rel",
    [
        "pyimpspec/data.mpt",
        "pyimpspec/data.dta",
        "pyimpspec/data.z",
        "pyimpspec/data.idf",
        "hybrid-drt/PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt",
        "hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.mpr",
        "impedance.py/exampleData.csv",
    ],
)
@pytest.mark.filterwarnings("ignore")  # damaged .mpr files also warn about unknown columns
def test_damaged_files_raise_reader_error_only(rel, tmp_path):
    """Truncated or byte-flipped copies either read or raise ReaderError, never anything else."""
    p = eis_file(rel)
    data = p.read_bytes()
    rng = np.random.default_rng(5)
    variants = [data[: int(len(data) * q)] for q in (0.02, 0.3, 0.6, 0.95)]
    for _ in range(8):
        b = bytearray(data)
        for i in rng.integers(0, len(b), size=int(rng.choice([1, 10, 60]))):
            b[i] = int(rng.integers(0, 256))
        variants.append(bytes(b))
    for k, v in enumerate(variants):
        q = tmp_path / f"v{k}{p.suffix}"
        q.write_bytes(v)
        try:
            out = read_spectra(q, units="frequency=Hz,impedance=ohm" if p.suffix == ".csv" else None)
        except ReaderError:
            continue
        assert all(len(s) >= 1 for s in out)


@pytest.mark.parametrize("name", ["junk.csv", "junk.txt", "junk"])
def test_binary_file_is_named_binary(tmp_path, name):
    """A binary file of no impedance format (no NUL bytes: a damaged export) is named binary, not read as a table."""
    import random

    rng = random.Random(3)
    data = bytes(rng.randrange(1, 256) for _ in range(3000))
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(ReaderError, match=r"^'.*junk(\.csv|\.txt)?' is a binary file of no known impedance format"):
        read_spectra(f)
    with pytest.raises(ReaderError, match="binary file"):
        read_spectra(f, format="csv")
    assert f.read_bytes() == data


def test_modulo_bat_file_impedance_from_modulus_and_phase():
    """An EC-Lab Modulo Bat sequence (galvanostatic and impedance steps in one .mpr) logs freq/Hz, |Z|/Ohm and
    Phase(Z)/deg, not Re/Im, and its DC rows with freq = 0: lisse reads the 16 sweeps of 13 points, Z = |Z| exp(i phase),
    checked against galvani's independent parse of the same file. Before, it said the file held no impedance columns."""
    from .eis_testdata import SHARED

    p = SHARED / "data" / "cyclers" / "biologic_mb_issue149.mpr"
    if not p.is_file():
        pytest.skip(f"shared data file {p} not available")
    galvani = pytest.importorskip("galvani.BioLogic")
    d = galvani.MPRfile(str(p)).data
    keep = d["freq/Hz"] > 0
    f_ref = np.asarray(d["freq/Hz"][keep], float)
    z_ref = np.asarray(d["|Z|/Ohm"][keep], float) * np.exp(1j * np.deg2rad(np.asarray(d["Phase(Z)/deg"][keep], float)))
    spectra = read_spectra(p)
    assert [len(s) for s in spectra] == [13] * 16 and sum(len(s) for s in spectra) == keep.sum() == 208
    f = np.concatenate([s.frequency for s in spectra])
    z = np.concatenate([s.impedance for s in spectra])
    np.testing.assert_array_equal(f, f_ref)
    np.testing.assert_allclose(z, z_ref, rtol=1e-6, atol=0)
    assert (z.imag < 0).all()  # capacitive: the phase of Z is negative, -Im(Z) > 0
    notes = spectra[0].metadata["notes"]
    assert any("Phase(Z)/deg" in n for n in notes) and any("kept the 208 of 564 rows" in n for n in notes)
