"""Temperature series (`lisse eis-series`): σ_bulk, σ_gb, σ_total vs T and Arrhenius Ea with uncertainty.

Reference: synthetic pellet spectra at five temperatures generated here from a known Arrhenius law
(σT form; Ea_bulk = 0.30 eV, Ea_gb = 0.45 eV, σ at 25 °C 1e-5 and 3e-6 S/cm; bulk C* = 5e-12 F and
grain-boundary C* = 1e-9 F for a 1 cm^-1 cell constant, Irvine et al. 1990), 0.5 % Gaussian noise on
Z' and Z'' (relative to |Z|), written as EC-Lab .mpt text files and read back by lisse.
"""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from lisse.analysis.eis.temperature import fit_pellet, resolve_temperatures, temperature_from_name
from lisse.cli.main import main
from lisse.errors import ParameterError
from lisse.records.spectrum import EISSpectrum

from .eis_testdata import eis_file

K_B_EV = 8.617333262e-5  # Boltzmann constant [eV/K], CODATA 2018 (exact), written out: independent of lisse
EA_BULK, EA_GB = 0.30, 0.45  # eV
S25_BULK, S25_GB = 1e-5, 3e-6  # S/cm at 298.15 K (gb: apparent, pellet geometry)
L_CM, A_CM2 = 0.1, 1.0  # 1 mm pellet, 1 cm2 electrodes: cell constant 0.1 cm^-1
T_C = (-20.0, 0.0, 20.0, 40.0, 60.0)
NAMES = ("pellet_m20C", "pellet_0C", "pellet_20C", "pellet_40C", "pellet_60C")


def sigma_true(T, Ea, s25):
    """σ [S/cm] from σT = A exp(-Ea/k_B T), anchored at 25 °C."""
    A = s25 * 298.15 * math.exp(Ea / (K_B_EV * 298.15))
    return A / T * math.exp(-Ea / (K_B_EV * T))


def pellet_z(T, rng, blocking=True, noise=0.005):
    """Z [ohm] of R0 + (R_b || CPE_b) + (R_gb || CPE_gb) [+ blocking CPE] at 7 MHz..0.1 Hz, 80 points."""
    f = np.logspace(math.log10(7e6), -1, 80)
    jw = 1j * 2 * np.pi * f
    Rb = L_CM / (A_CM2 * sigma_true(T, EA_BULK, S25_BULK))
    Rg = L_CM / (A_CM2 * sigma_true(T, EA_GB, S25_GB))
    Cb, Cg = 5e-12 * A_CM2 / L_CM, 1e-9 * A_CM2 / L_CM  # measured C from the normalised C*
    nb, ng = 0.95, 0.85
    Qb, Qg = Cb**nb * Rb ** (nb - 1), Cg**ng * Rg ** (ng - 1)  # C_eff = Q^(1/n) R^((1-n)/n)
    z = 5.0 + Rb / (1 + Rb * Qb * jw**nb) + Rg / (1 + Rg * Qg * jw**ng)
    if blocking:
        z = z + 1 / (2e-6 * jw**0.9)
    z = z + noise * np.abs(z) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
    return f, z


def write_mpt(path, f, z):
    lines = ["EC-Lab ASCII FILE", "Nb header lines : 4", "", "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm"]
    lines += [f"{float(a)!r}\t{float(b.real)!r}\t{float(-b.imag)!r}" for a, b in zip(f, z)]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def series_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("series")
    rng = np.random.default_rng(20261129)
    for name, tc in zip(NAMES, T_C):
        f, z = pellet_z(tc + 273.15, rng)
        write_mpt(d / f"{name}.mpt", f, z)
    return d


def _run(capsys, *argv):
    code = main(["eis-series", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def series_result(series_dir, tmp_path_factory):
    import contextlib
    import io

    out_dir = tmp_path_factory.mktemp("out")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["eis-series", str(series_dir), "--area", "1", "--thickness", "1000", "--json", "--table", str(out_dir / "series.csv"), "--plot", str(out_dir / "figs")])
    assert code == 0
    return json.loads(buf.getvalue()), out_dir


def test_series_recovers_activation_energies_within_three_std(series_result):
    out, _ = series_result
    for key, true in (("bulk", EA_BULK), ("grain_boundary", EA_GB)):
        a = out["arrhenius"][key]
        assert a["n_points"] == 5
        # tolerance: 0.01 eV absolute, and the stated standard error is consistent with the error
        assert abs(a["activation_energy_eV"] - true) < 0.01, (key, a)
        assert 0 < a["activation_energy_std_eV"] < 0.01
        assert abs(a["activation_energy_eV"] - true) < 3 * a["activation_energy_std_eV"], (key, a)
        lo, hi = a["activation_energy_ci95_eV"]
        assert lo < a["activation_energy_eV"] < hi
    # σT prefactor of the bulk: A = σ25 * 298.15 * exp(Ea/(k_B 298.15)), within 15 % (an Ea error of
    # 0.003 eV moves it by ~12 % at 1/T ~ 3.4e-3 K^-1)
    A_true = S25_BULK * 298.15 * math.exp(EA_BULK / (K_B_EV * 298.15))
    assert out["arrhenius"]["bulk"]["prefactor_S_K_cm"] == pytest.approx(A_true, rel=0.15)


def test_series_conductivities_and_split(series_result):
    out, _ = series_result
    rows = out["spectra"]
    assert [r["temperature_source"] for r in rows] == ["name"] * 5
    got_T = sorted(r["temperature_K"] for r in rows)
    np.testing.assert_allclose(got_T, [t + 273.15 for t in T_C], rtol=0, atol=1e-9)
    for r in rows:
        T = r["temperature_K"]
        sb, sg = sigma_true(T, EA_BULK, S25_BULK), sigma_true(T, EA_GB, S25_GB)
        # bulk within 3 %; gb within 12 % (at -20 °C the gb arc runs into the blocking tail)
        assert r["sigma_bulk_S_cm"] == pytest.approx(sb, rel=0.03, abs=0)
        assert r["sigma_gb_S_cm"] == pytest.approx(sg, rel=0.12, abs=0)
        assert r["sigma_total_S_cm"] == pytest.approx(1 / (1 / sb + 1 / sg), rel=0.12, abs=0)
        procs = sorted(a["process"] for a in r["arcs"])
        assert procs == ["bulk", "grain_boundary"]
        cn = {a["process"]: a["capacitance_normalised_F"] for a in r["arcs"]}
        assert cn["bulk"] == pytest.approx(5e-12, rel=0.2, abs=0)
        assert cn["grain_boundary"] == pytest.approx(1e-9, rel=0.3, abs=0)
        # brick-layer specific σ_gb = σ_gb,apparent * C_b/C_gb (here 5e-3 of the apparent one)
        assert r["sigma_gb_specific_S_cm"] == pytest.approx(r["sigma_gb_S_cm"] * 5e-3, rel=0.35, abs=0)


def test_series_table_and_figure_written(series_result):
    out, d = series_result
    with open(d / "series.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5
    assert {"temperature_K", "sigma_bulk_S_cm", "sigma_gb_S_cm", "sigma_total_S_cm"} <= set(rows[0])
    by_T = {round(float(r["temperature_K"]), 2): float(r["sigma_bulk_S_cm"]) for r in rows}
    assert by_T[293.15] == pytest.approx(sigma_true(293.15, EA_BULK, S25_BULK), rel=0.03, abs=0)
    with open(d / "series_arrhenius.csv") as fh:
        arr = {r["quantity"]: r for r in csv.DictReader(line for line in fh if not line.startswith("#"))}
    assert float(arr["bulk"]["activation_energy_eV"]) == pytest.approx(out["arrhenius"]["bulk"]["activation_energy_eV"], rel=1e-9, abs=0)
    assert "activation_energy_std_eV" in arr["grain_boundary"]
    assert (d / "figs" / "arrhenius.png").stat().st_size > 5000


def test_sigma_form_changes_energy_by_about_kT():
    """ln σ vs 1/T of σT-law data gives Ea - k_B T̄ (T̄ ~ 293 K: ~0.025 eV less)."""
    from lisse.analysis.eis.temperature import temperature_series

    rng = np.random.default_rng(3)
    sps = [EISSpectrum(*pellet_z(t + 273.15, rng, noise=0.0), label=f"s{i}") for i, t in enumerate(T_C)]
    Ts = [t + 273.15 for t in T_C]
    a = temperature_series(sps, Ts, area=1e-4, thickness=1e-3, form="sigma").arrhenius["bulk"]
    b = temperature_series(sps, Ts, area=1e-4, thickness=1e-3, form="sigma_T").arrhenius["bulk"]
    assert b["activation_energy_eV"] == pytest.approx(EA_BULK, abs=1e-3)
    assert b["activation_energy_eV"] - a["activation_energy_eV"] == pytest.approx(K_B_EV * 293, abs=0.003)


@pytest.mark.parametrize(
    "name,T",
    [
        ("PEIS_LPSCl_IonBlocking_-25C", 248.15),
        ("pellet_25C", 298.15),
        ("pellet_m25C", 248.15),
        ("pellet_minus25C", 248.15),
        ("pellet_25degC", 298.15),
        ("pellet 298K", 298.0),
        ("pellet_298.15K_run2", 298.15),
        ("LLZO-25C", 298.15),  # '-' after a letter is a separator
        ("PEIS_TSeq7_-25C_#51_C01", 248.15),
        ("LPSCl_pellet", None),
        ("film25C", None),
    ],
)
def test_temperature_from_name(name, T):
    got = temperature_from_name(name)
    if T is None:
        assert got is None
    else:
        assert got == pytest.approx(T, abs=1e-9)


def test_name_with_two_temperatures_is_refused():
    with pytest.raises(ParameterError, match="several"):
        temperature_from_name("cool_25C_to_60C")


def _sp(label, T=None):
    f = np.logspace(5, 0, 11)
    return EISSpectrum(f, 100 - 10j * np.ones(11), temperature=T, label=label, metadata={"source": f"/x/{label}.mpt"})


def test_resolve_table_file_name_precedence_and_conflicts():
    sps = [_sp("a_25C"), _sp("b", T=310.0), _sp("c_40C")]
    got = resolve_temperatures(sps, {"a_25C.mpt": 300.0})
    assert got == [(300.0, "table"), (310.0, "file"), (pytest.approx(313.15), "name")]
    with pytest.raises(ParameterError, match="conflicting"):
        resolve_temperatures(sps, {"a_25C.mpt": 300.0, "a_25C": 301.0})
    with pytest.raises(ParameterError, match="match no spectrum"):
        resolve_temperatures(sps, {"zzz.mpt": 300.0})
    with pytest.raises(ParameterError, match="'d'.*found none"):
        resolve_temperatures([_sp("d")])
    with pytest.raises(ParameterError, match="file says 330.00 K but its name says 298.15 K"):
        resolve_temperatures([_sp("e_25C", T=330.0)])


def test_cli_table_inline_and_refusals(series_dir, tmp_path, capsys):
    files = sorted(series_dir.glob("*.mpt"))
    # a table overrides the names; header unit K
    tab = tmp_path / "temps.csv"
    tab.write_text("file,T/K\n" + "".join(f"{p.name},{t + 273.15 + 1.0}\n" for p, t in zip([series_dir / f"{n}.mpt" for n in NAMES], T_C)))
    code, out, err = _run(capsys, *files, "--temperatures", tab, "--area", "1", "--thickness", "1000", "--json")
    assert code == 0, err
    res = json.loads(out)
    assert {r["temperature_source"] for r in res["spectra"]} == {"table"}
    assert sorted(r["temperature_K"] for r in res["spectra"]) == pytest.approx([t + 274.15 for t in T_C], abs=1e-9)
    # inline: bare number is deg C; the same file twice with different values is refused
    code, out, err = _run(capsys, *files, "--temperatures", "pellet_0C.mpt=0", "--temperatures", "pellet_0C.mpt=5", "--area", "1", "--thickness", "1000")
    assert code == 2 and "two temperatures" in err and len(err.strip().splitlines()) == 1
    # one temperature only
    code, out, err = _run(capsys, series_dir / "pellet_0C.mpt", "--area", "1", "--thickness", "1000")
    assert code == 2 and ">= 2 distinct temperatures" in err and len(err.strip().splitlines()) == 1
    # a file whose temperature is unknown
    nameless = tmp_path / "pellet.mpt"
    nameless.write_bytes((series_dir / "pellet_0C.mpt").read_bytes())
    code, out, err = _run(capsys, nameless, series_dir / "pellet_20C.mpt", "--area", "1", "--thickness", "1000")
    assert code == 2 and "temperature of 'pellet'" in err and len(err.strip().splitlines()) == 1
    # no geometry
    code, out, err = _run(capsys, *files)
    assert code == 2 and "--area and --thickness" in err


def test_real_blocking_pellet_minus25C(capsys):
    """The LPSCl | steel pellet at -25 °C: temperature from its name; one temperature -> refused as a series."""
    p = eis_file("hybrid-drt/PEIS_LPSCl_IonBlocking_-25C.txt")
    code, out, err = _run(capsys, p, "--area", "0.785", "--thickness", "780")
    assert code == 2 and "248.15 K" in err and ">= 2 distinct temperatures" in err
    from lisse.io.eis import read_spectrum

    sp = read_spectrum(p, area="0.785 cm2", thickness="0.78 mm")
    r = fit_pellet(sp, temperature=temperature_from_name(p.stem))
    assert r.circuit.endswith("-CPE3")  # blocking detected from the low-frequency phase
    assert r.median_relative_misfit < 0.05
    # R_total is the low-frequency intercept of the electrolyte: R0 + arcs (R0 ~ 170 ohm is not bulk-arc)
    # no grain-boundary-like arc here: R_gb is unresolved (None), not a measured 0 ohm
    assert r.r_gb is None and any("R_gb not resolved" in n for n in r.notes)
    assert r.r_total == pytest.approx(r.r0 + r.r_bulk, rel=1e-12, abs=0)
    assert r.r0 > 0.05 * r.r_bulk and any("is not in R_bulk" in n for n in r.notes)
    assert r.sigma_total == pytest.approx(0.78e-3 / (0.785e-4 * r.r_total), rel=1e-9, abs=0)
    assert r.sigma_bulk == pytest.approx(0.78e-3 / (0.785e-4 * r.r_bulk), rel=1e-9, abs=0)


def test_bulk_arc_above_fmax_gives_r_bulk_from_intercept():
    """A fast (sulfide-like) pellet: the bulk arc (τ = 2e-10 s, ~800 MHz) lies above f_max = 7 MHz, so
    R_bulk is the high-frequency intercept R0 = 5 + 200 ohm; the gb arc (800 ohm, C* = 1e-9 F) is resolved."""
    rng = np.random.default_rng(5)
    f = np.logspace(math.log10(7e6), -1, 80)
    jw = 1j * 2 * np.pi * f
    Rb, Rg, Cb, Cg = 200.0, 800.0, 1e-12, 1e-8  # C [F] measured, cell constant 0.1 cm^-1
    Qg = Cg**0.85 * Rg ** (0.85 - 1)
    z = 5 + Rb / (1 + Rb * Cb * jw) + Rg / (1 + Rg * Qg * jw**0.85) + 1 / (2e-6 * jw**0.9)
    z = z + 0.005 * np.abs(z) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
    r = fit_pellet(EISSpectrum(f, z), area=1e-4, thickness=1e-3)
    assert r.r_bulk == pytest.approx(205.0, rel=0.03, abs=0)
    assert r.r_gb == pytest.approx(800.0, rel=0.03, abs=0)
    assert any("no bulk-like arc" in n for n in r.notes)
    assert r.sigma_bulk == pytest.approx(1e-3 / (205.0 * 1e-4), rel=0.03, abs=0)  # S/m


@pytest.mark.parametrize("text,T", [("25", 298.15), ("-25", 248.15), ("25C", 298.15), ("-25 degC", 248.15), ("298 K", 298.0), ("298K", 298.0)])
def test_parse_temperature_bare_is_celsius(text, T):
    from lisse.analysis.eis.temperature import parse_temperature

    assert parse_temperature(text) == pytest.approx(T, abs=1e-9)


@pytest.mark.parametrize("text", ["abc", "25 m", "-300"])
def test_parse_temperature_refuses(text):
    from lisse.analysis.eis.temperature import parse_temperature

    with pytest.raises(ParameterError):
        parse_temperature(text)


def test_table_file_degC_header_and_json_table(series_dir, tmp_path, capsys):
    tab = tmp_path / "t.csv"
    tab.write_text("file;T (degC)\n".replace(";", ",") + "".join(f"{n}.mpt,{t}\n" for n, t in zip(NAMES, T_C)))
    code, out, err = _run(capsys, series_dir, "--temperatures", tab, "--area", "1", "--thickness", "1000", "--form", "sigma", "--table", tmp_path / "s.json")
    assert code == 0, err
    d = json.loads((tmp_path / "s.json").read_text())
    assert d["form"] == "sigma" and "prefactor_S_cm" in d["arrhenius"]["bulk"]
    assert d["temperature_K"] == pytest.approx([t + 273.15 for t in T_C], abs=1e-9)
    assert all(r["temperature_source"] == "table" for r in d["spectra"])


def _write_mpt_with_temperature(path, f, z, t_c):
    """EC-Lab text export with the instrument's ``Temperature/°C`` column (latin-1, as EC-Lab writes it)."""
    lines = ["EC-Lab ASCII FILE", "Nb header lines : 4", "", "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\tTemperature/\u00b0C"]
    lines += [f"{float(a)!r}\t{float(b.real)!r}\t{float(-b.imag)!r}\t{float(t)!r}" for a, b, t in zip(f, z, t_c)]
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))


def test_temperature_logged_in_the_file_is_read_and_used(tmp_path, capsys):
    """EC-Lab's Temperature/°C column gives each spectrum its mean temperature [K]; no probe (constant 0 °C) gives none."""
    from lisse.io.eis import read_spectra

    rng = np.random.default_rng(7)
    files = []
    for k, tc in enumerate((-20.0, 20.0, 60.0)):
        f, z = pellet_z(tc + 273.15, rng)
        wobble = 0.3 * np.sin(np.arange(f.size))  # a thermostat holding +-0.3 K
        p = tmp_path / f"run{k}.mpt"  # names carry no temperature
        _write_mpt_with_temperature(p, f, z, tc + wobble)
        files.append(p)
        sp = read_spectra(p)[0]
        assert sp.temperature == pytest.approx(tc + 273.15 + wobble.mean(), rel=0, abs=1e-9)
    code, out, err = _run(capsys, *files, "--area", "1", "--thickness", "1000", "--json")
    assert code == 0, err
    res = json.loads(out)
    assert {r["temperature_source"] for r in res["spectra"]} == {"file"}
    assert res["arrhenius"]["bulk"]["activation_energy_eV"] == pytest.approx(EA_BULK, abs=0.02)
    # an absent probe: EC-Lab logs exactly 0 °C on every row -> no temperature, and a drifting one is noted
    f, z = pellet_z(298.15, rng)
    p = tmp_path / "noprobe.mpt"
    _write_mpt_with_temperature(p, f, z, np.zeros(f.size))
    assert read_spectra(p)[0].temperature is None
    _write_mpt_with_temperature(p, f, z, np.linspace(20.0, 26.0, f.size))
    sp = read_spectra(p)[0]
    assert sp.temperature == pytest.approx(296.15, rel=0, abs=1e-9)
    assert any("spread 6.0 K" in n for n in sp.metadata["notes"])


def _bulk_and_electrode_z(Rb, rng):
    """Z [ohm] of 5 ohm + bulk arc (C* = 5e-12 F) + electrode arc (2 kohm, C* = 1e-6 F): no grain-boundary arc."""
    f = np.logspace(math.log10(7e6), -1, 80)
    jw = 1j * 2 * np.pi * f
    Cb, Ce = 5e-12 / 0.1, 1e-6 / 0.1  # measured C [F] from C* at the cell constant 0.1 cm^-1
    z = 5.0 + Rb / (1 + Rb * Cb * jw) + 2000.0 / (1 + 2000.0 * Ce * jw**0.9)
    return f, z + 0.002 * np.abs(z) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))


def test_no_grain_boundary_arc_is_unresolved_not_zero(tmp_path, capsys):
    """Bulk + electrode arcs only: R_gb and its std are None (not 0 ohm), R_total = R0 + R_bulk = 5 + Rb
    (the electrode arc not counted), sigma_gb None; the series' JSON has null, its table a blank, its text '-'."""
    rng = np.random.default_rng(11)
    r = fit_pellet(EISSpectrum(*_bulk_and_electrode_z(1000.0, rng)), area=1e-4, thickness=1e-3, cell="symmetric-li")
    assert r.r_gb is None and r.r_gb_std is None and r.sigma_gb is None
    assert r.r_total == pytest.approx(1005.0, rel=0.02, abs=0)
    assert r.sigma_total == pytest.approx(1e-3 / (1e-4 * 1005.0), rel=0.02, abs=0)  # S/m
    assert r.as_dict()["r_gb_ohm"] is None and any("R_gb not resolved" in n for n in r.notes)
    files = []
    for tc, Rb in ((0.0, 2000.0), (20.0, 1000.0), (40.0, 500.0)):
        p = tmp_path / f"nogb_{tc:.0f}C.mpt"
        write_mpt(p, *_bulk_and_electrode_z(Rb, rng))
        files.append(p)
    code, out, err = _run(capsys, *files, "--area", "1", "--thickness", "1000", "--cell", "symmetric-li", "--table", tmp_path / "s.csv")
    assert code == 0, err
    rows = [line.split() for line in out.splitlines() if line.startswith("nogb_")]
    assert len(rows) == 3 and all(row[4] == "-" for row in rows), out  # the R_gb column
    assert "grain_boundary: no fit" in out and "R_gb not resolved" in out
    with open(tmp_path / "s.csv") as fh:
        assert [row["r_gb_ohm"] for row in csv.DictReader(fh)] == ["", "", ""]
    code, out, err = _run(capsys, *files, "--area", "1", "--thickness", "1000", "--cell", "symmetric-li", "--json")
    res = json.loads(out)
    assert [s["r_gb_ohm"] for s in res["spectra"]] == [None, None, None] and res["arrhenius"]["grain_boundary"] is None


def test_two_temperature_series_reports_no_r2_and_no_uncertainty(series_dir, capsys, tmp_path):
    """Two spectra (0 and 40 °C): each Arrhenius line passes through both points, so R^2 and the error of Ea are
    null in the JSON (not 1 and not 0) with a note, and the text says so instead of printing R^2 = 1.00000."""
    files = [series_dir / "pellet_0C.mpt", series_dir / "pellet_40C.mpt"]
    code, out, err = _run(capsys, *files, "--area", "1", "--thickness", "1000", "--json")
    assert code == 0, err
    for key in ("bulk", "grain_boundary", "total"):
        a = json.loads(out)["arrhenius"][key]
        assert a["n_points"] == 2 and a["r2"] is None and a["activation_energy_std_eV"] is None, (key, a)
        assert a["activation_energy_ci95_eV"] == [None, None] and any("two points" in n for n in a["notes"])
    code, out, err = _run(capsys, *files, "--area", "1", "--thickness", "1000")
    assert code == 0, err
    assert "R^2 = 1.0" not in out and out.count("no uncertainty estimate, R^2 undefined") == 3
    # the Arrhenius CSV: blank cells where nothing was measured (never the text "nan"), the note kept
    import csv

    code, out, err = _run(capsys, *files, "--area", "1", "--thickness", "1000", "--table", tmp_path / "two.csv")
    assert code == 0, err
    text = (tmp_path / "two_arrhenius.csv").read_text()
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert len(rows) == 3 and all(r["r2"] == "" and r["activation_energy_std_eV"] == "" for r in rows)
    assert all("two points" in r["notes"] for r in rows) and "nan" not in text


def test_a_grain_boundary_arc_at_some_temperatures_only_is_said_on_the_fits(series_dir, tmp_path, capsys):
    """Three pellet spectra with a grain-boundary arc and one (60 °C) without: the GB Arrhenius fit is over three
    temperatures and says the fourth is missing; the total's fit says its sigma mixes R0 + bulk there with R0 + bulk + GB."""
    files = sorted(series_dir.glob("*.mpt"))[:3]
    p = tmp_path / "nogb_60C.mpt"
    write_mpt(p, *_bulk_and_electrode_z(300.0, np.random.default_rng(5)))
    code, out, err = _run(capsys, *files, p, "--area", "1", "--thickness", "1000", "--cell", "symmetric-li", "--json")
    assert code == 0, err
    res = json.loads(out)
    arr, missing = res["arrhenius"], [s for s in res["spectra"] if s["r_gb_ohm"] is None]
    assert any(s["label"].startswith("nogb_60C") for s in missing) and 1 <= len(missing) < 4
    assert arr["grain_boundary"]["n_points"] == 4 - len(missing)
    said = f"no grain-boundary arc resolved at {len(missing)} of 4 temperatures ("
    assert any(said in n and "60 °C" in n for n in arr["grain_boundary"]["notes"])
    assert any(said in n and "R0 + bulk, elsewhere R0 + bulk + grain boundary" in n for n in arr["total"]["notes"])
    assert not any("grain-boundary arc" in n for n in arr["bulk"]["notes"])
