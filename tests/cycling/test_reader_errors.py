"""Readers blame the file only for what a parser raises on bad bytes; a lisse bug stays a bug.

Also: missing files, folders and unreadable files are ReaderErrors naming the path (the tests run as
root, where chmod 000 does not stop reads, so the permission error is injected), and the cycler and
impedance readers share one set of format names.
"""

from __future__ import annotations

import errno
import pathlib

import pytest

from lisse.errors import ParameterError, ReaderError

from ._shared import cycler_file, run_cli


def _eis_file(rel):
    p = cycler_file("biologic_peis_ec1133.mpt").parents[1] / "eis" / rel
    if not p.is_file():
        pytest.skip(f"shared file {rel} not available")
    return p


# ---------------------------------------------------------------- an injected bug is not "a corrupt file"
@pytest.mark.parametrize("exc", [TypeError, AttributeError, NameError, KeyError, IndexError])
def test_bug_in_mpr_parser_propagates(monkeypatch, exc):
    from lisse.io import biologic
    from lisse.io.readers import read_cycling

    def buggy(*a, **k):
        raise exc("injected lisse bug")

    monkeypatch.setattr(biologic, "_modules", buggy)
    with pytest.raises(exc, match="injected lisse bug") as ei:
        read_cycling(cycler_file("biologic_peis_ec1133.mpr"))
    assert not isinstance(ei.value, ReaderError)


def test_bug_in_csv_reader_propagates(monkeypatch, tmp_path):
    from lisse.io import csv_generic
    from lisse.io.readers import read_cycling

    f = tmp_path / "x.csv"
    f.write_text("time/s,Ewe/V,I/mA\n0,1,1\n1,1,1\n")

    def buggy(names):
        raise AttributeError("'NoneType' object has no attribute 'group' (injected)")

    monkeypatch.setattr(csv_generic, "recognise_columns", buggy)
    with pytest.raises(AttributeError, match="injected"):
        read_cycling(f)


def test_parse_error_still_becomes_reader_error(monkeypatch):
    """Control: the guard does convert what a parser raises on bad bytes (here a struct error)."""
    import struct

    from lisse.io import biologic
    from lisse.io.readers import read_cycling

    def short_buffer(*a, **k):
        raise struct.error("unpack_from requires a buffer of at least 8 bytes")

    monkeypatch.setattr(biologic, "_modules", short_buffer)
    p = cycler_file("biologic_peis_ec1133.mpr")
    with pytest.raises(ReaderError, match="corrupt, truncated") as ei:
        read_cycling(p)
    assert str(p) in str(ei.value)


def test_bug_in_eis_parser_propagates(monkeypatch):
    from lisse.io import eis

    def buggy(text, src):
        raise TypeError("unsupported operand (injected)")

    monkeypatch.setitem(eis._TEXT_READERS, "gamry-dta", buggy)
    with pytest.raises(TypeError, match="injected"):
        eis.read_spectra(_eis_file("impedance.py/exampleDataGamry.DTA"))

    def bad_bytes(text, src):
        raise ValueError("could not convert string to float: 'x'")

    monkeypatch.setitem(eis._TEXT_READERS, "gamry-dta", bad_bytes)
    with pytest.raises(ReaderError, match="exampleDataGamry.DTA"):
        eis.read_spectra(_eis_file("impedance.py/exampleDataGamry.DTA"))


# ---------------------------------------------------------------- missing, folder, unreadable
def test_missing_file_and_folder_name_the_path(tmp_path):
    from lisse.io.eis import read_spectra
    from lisse.io.readers import read_cycling

    for read in (read_cycling, read_spectra):
        with pytest.raises(ReaderError, match="does not exist") as ei:
            read(tmp_path / "nope.csv")
        assert str(tmp_path / "nope.csv") in str(ei.value)
        with pytest.raises(ReaderError, match="is a directory") as ei:
            read(tmp_path)
        assert str(tmp_path) in str(ei.value)
    with pytest.raises(ReaderError, match="is a directory"):
        read_cycling(tmp_path, format="csv")


def test_permission_denied_names_the_path(monkeypatch, tmp_path):
    from lisse.io.eis import read_spectra
    from lisse.io.readers import read_cycling

    f = tmp_path / "locked.csv"
    f.write_text("time/s,Ewe/V,I/mA\n0,1,1\n1,1,1\n")
    g = tmp_path / "locked_eis.csv"
    g.write_text("freq/Hz,Zre/ohm,Zim/ohm\n1000,1,-1\n100,2,-2\n")

    def denied(self, *a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "read_bytes", denied)
    monkeypatch.setattr(pathlib.Path, "open", denied)  # the streamed text readers open the file
    with pytest.raises(ReaderError, match="Permission denied") as ei:
        read_cycling(f)
    assert str(f) in str(ei.value)
    with pytest.raises(ReaderError, match="Permission denied") as ei:
        read_spectra(g)
    assert str(g) in str(ei.value)


def test_cli_folder_is_exit2_one_line(tmp_path):
    r = run_cli("ccd", str(tmp_path), "--area", "1 cm2")
    assert r.returncode == 2 and "is a directory" in r.stderr and str(tmp_path) in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = run_cli("eis", str(tmp_path / "missing.mpt"))
    assert r.returncode == 2 and "does not exist" in r.stderr


# ---------------------------------------------------------------- one format-name scheme
def test_one_format_name_scheme_for_both_readers(tmp_path):
    from lisse.io import formats
    from lisse.io.eis import FORMATS as EIS_FORMATS
    from lisse.io.eis import read_spectra
    from lisse.io.readers import READERS, detect_format, read_cycling

    assert set(READERS) == set(formats.names("cycling"))
    assert set(EIS_FORMATS) == set(formats.names("eis"))
    assert {"biologic-mpr", "biologic-mpt", "csv"} <= set(READERS) & set(EIS_FORMATS)
    mpr = cycler_file("biologic_peis_ec1133.mpr")
    assert detect_format(mpr) == "biologic-mpr"
    assert len(read_cycling(mpr, format="biologic-mpr")) == 32
    assert len(read_spectra(mpr, format="biologic-mpr")[0]) == 32
    with pytest.raises(ParameterError, match="biologic-mpr or biologic-mpt"):
        read_cycling(mpr, format="biologic")  # lisse 0.1's name: the message gives the new one
    with pytest.raises(ParameterError, match="gamry-dta"):
        read_spectra(mpr, format="gamry")
    with pytest.raises(ParameterError, match="impedance spectra; read it with lisse eis"):
        read_cycling(mpr, format="gamry-dta")
    with pytest.raises(ParameterError, match="cycler data"):
        read_spectra(mpr, format="neware-nda")
    with pytest.raises(ParameterError, match="did you mean 'neware-csv'"):
        read_cycling(mpr, format="neware-cvs")


def test_help_lists_the_format_names_and_units_option():
    for cmd, names in (("ccd", ("biologic-mpr", "neware-nda", "maccor-txt", "csv")), ("eis", ("gamry-dta", "zplot-z", "biologic-mpt", "csv"))):
        r = run_cli(cmd, "--help")
        assert r.returncode == 0
        text = " ".join(r.stdout.split())
        for n in names:
            assert n in text, (cmd, n)
        assert "--units" in text
    for cmd in ("cycling", "gitt", "tafel"):
        assert "--units" in run_cli(cmd, "--help").stdout


def test_format_specific_reader_refuses_units_keyword():
    from lisse.io.biologic import read_biologic

    with pytest.raises(ParameterError, match="fixes its units"):
        read_biologic(cycler_file("biologic_peis_ec1133.mpr"), units="current=mA")


def test_forced_biologic_format_names_the_kind_it_expected(tmp_path):
    """A forced ``biologic-mpr`` on a text file (or ``-mpt`` on a binary one) names the kind asked for, not the other."""
    from lisse.io.biologic import read_biologic
    from lisse.io.readers import read_cycling

    text = tmp_path / "export.mpr"  # a CSV under the binary extension
    text.write_text("time/s,Ewe/V,I/mA\n0,3.1,0.1\n1,3.2,0.1\n")
    with pytest.raises(ReaderError, match=r"is not a BioLogic \.mpr file: it does not start with 'BIO-LOGIC MODULAR FILE'"):
        read_cycling(text, format="biologic-mpr")
    r = run_cli("ccd", str(text), "--format", "biologic-mpr", "--area", "1 cm2")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "not a BioLogic .mpr file" in r.stderr and str(text) in r.stderr and ".mpt" not in r.stderr
    mpr = cycler_file("biologic_peis_ec1133.mpr")
    with pytest.raises(ReaderError, match=r"is not a BioLogic \.mpt file: it is a binary \.mpr file"):
        read_cycling(mpr, format="biologic-mpt")
    mpt = cycler_file("biologic_peis_ec1133.mpt")
    with pytest.raises(ReaderError, match=r"is not a BioLogic \.mpr file"):
        read_cycling(mpt, format="biologic-mpr")
    # forced and detected agree on the right kind; detection is unchanged
    for f, fmt in ((mpr, "biologic-mpr"), (mpt, "biologic-mpt")):
        assert read_cycling(f, format=fmt)["voltage_V"].tolist() == read_cycling(f)["voltage_V"].tolist()
    with pytest.raises(ParameterError, match="parameter 'kind'"):
        read_biologic(mpr, kind="mpx")


def test_impedance_text_given_to_a_cycler_command_says_so(tmp_path):
    """A Gamry .DTA, a CHI .txt or a CSV with a frequency and no time column, read as a cycler file, is named as
    impedance data with the command that reads it (before: 'cannot recognise the time column ... pass mapping=')."""
    from lisse.io.readers import read_cycling

    z = tmp_path / "z.csv"
    z.write_text("Freq/Hz,Zre/Ohm,Zim/Ohm\n1000,10,-1\n100,12,-3\n")
    with pytest.raises(ReaderError, match=r"is impedance data \(a frequency column, no time column\), not a cycler record: read it with `lisse eis`"):
        read_cycling(z)
    plain = tmp_path / "ab.csv"
    plain.write_text("a,b\n1,2\n3,4\n")
    with pytest.raises(ReaderError, match=r"name them with their units in the header \(e.g. 'time/s'"):
        read_cycling(plain)
    r = run_cli("ccd", str(z), "--area", "1 cm2")
    assert r.returncode == 2 and "lisse eis" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    for name, kind in (("gamry_eis_impedancepy.DTA", "gamry-dta"), ("chi_eis_impedancepy.txt", "chi-txt")):
        with pytest.raises(ReaderError, match=f"is a {kind} impedance export, not a cycler record"):
            read_cycling(cycler_file(name))


def test_a_gamry_file_without_impedance_is_not_called_impedance(tmp_path):
    """Every Gamry .DTA starts with EXPLAIN: an LSV export (no ZCURVE table) is not named impedance data (found in
    review)."""
    from lisse.io.readers import read_cycling

    f = tmp_path / "lsv.DTA"
    f.write_text("EXPLAIN\nTAG\tLSV\nTITLE\tLABEL\tLinear Sweep\tTest &Identifier\nCURVE\tTABLE\n\tPt\tT\tVf\tIm\n\t#\ts\tV vs. Ref.\tA\n"
                 "\t0\t0.1\t0.0\t1e-6\n\t1\t0.2\t0.001\t2e-6\n")
    with pytest.raises(ReaderError) as ei:
        read_cycling(f)
    assert "impedance" not in str(ei.value)
