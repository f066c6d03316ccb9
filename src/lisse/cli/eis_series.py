"""``lisse eis-series``: a temperature series of impedance spectra -> bulk / grain-boundary σ(T) and Arrhenius Ea.

A command of its own (not ``lisse eis FILE...``) so that ``lisse eis FILE --drt --json`` keeps its
one-file contract and output shape exactly (issue 13, scripted use).
"""

from __future__ import annotations

from lisse.cli._cycling_common import declared_units, format_help, units_help
from lisse.cli.common import fmt

NAME = "eis-series"
HELP = "impedance temperature series: bulk / grain-boundary conductivity vs T, Arrhenius activation energies"
DESCRIPTION = (
    "Read impedance spectra at several temperatures (files, or folders of files), fit each with the pellet "
    "model R0-p(R1,CPE1)-p(R2,CPE2) (plus -CPE3 for ion-blocking electrodes), tell bulk from grain boundary by "
    "the arcs' effective capacitance normalised to a 1 cm^-1 cell constant (bulk < 1e-11 F, grain boundary "
    "1e-11..1e-8 F, electrode above; Irvine, Sinclair & West 1990), and compute sigma_bulk, the apparent "
    "sigma_gb (plus a brick-layer estimate of the specific one) and sigma_total = L/(A R_total), R_total = R0 + bulk + grain-boundary arcs (the low-frequency intercept). "
    "Fits ln(sigma*T) (default) or ln(sigma) against 1/T: Ea with standard error, 95 % interval, prefactor, R^2. "
    "Temperatures come from --temperatures (a CSV table 'file,T' or inline FILE=T; bare numbers deg C), "
    "else the file, else the file name (25C, -25C after '_', m25C, 25degC, 298K)."
)
EXAMPLES = """  lisse eis-series runs/ --area "0.785 cm2" --thickness "0.8 mm" --json
  lisse eis-series p_m20C.mpt p_0C.mpt p_20C.mpt p_40C.mpt --area 0.785 --thickness 800 --plot figs/
  lisse eis-series a.txt b.txt c.txt --temperatures a.txt=25 --temperatures b.txt=40 --temperatures "c.txt=333 K" --area 1 --thickness 1000
  lisse eis-series runs/ --temperatures temps.csv --cell blocking --area 0.785 --thickness 800 --table out/series.csv
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    parser.add_argument("paths", nargs="+", metavar="PATH", help="impedance files, or folders (every .mpr .mpt .dta .z .idf .ids .txt .csv file inside)")
    parser.add_argument("--temperatures", action="append", metavar="TABLE|FILE=T", help="temperature table (CSV: file,T; header unit K or degC, default degC) or inline FILE=T (bare T: degC); repeatable; overrides file and name")
    add_quantity(parser, "--area", "cm2", "electrode area, e.g. '0.785 cm2'")
    add_quantity(parser, "--thickness", "um", "pellet thickness, e.g. '0.78 mm'")
    parser.add_argument("--cell", choices=("symmetric-li", "blocking", "full", "half"), default=None, help="cell type; blocking adds a series CPE3 (default: blocking when the phase at the three lowest frequencies is below -60 deg)")
    parser.add_argument("--form", choices=("sigma_T", "sigma"), default="sigma_T", help="Arrhenius form: ln(sigma*T) (default, hopping) or ln(sigma) against 1/T")
    parser.add_argument("--format", default=None, help=format_help("eis"))
    parser.add_argument("--units", default=None, help=units_help("eis"))
    parser.add_argument("--plot", metavar="DIR", default=None, help="write arrhenius.png and a Nyquist plot with the fit per spectrum into DIR")
    parser.add_argument("--table", metavar="FILE", default=None, help="write the series table: .csv (one row per spectrum, plus FILE_arrhenius.csv) or .json (everything)")


def _cell(v) -> str:
    """A CSV cell: blank where nothing was measured (None, NaN: never the text "nan"), notes joined with "; "."""
    import math

    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.10g}"
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v)
    return str(v)


def _csv(rows, keys) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(keys)
    for r in rows:
        w.writerow([_cell(r.get(k)) for k in keys])
    return buf.getvalue()


ROW_KEYS = ("file", "label", "temperature_K", "temperature_C", "temperature_source", "r0_ohm", "r_bulk_ohm", "r_bulk_std_ohm", "r_gb_ohm", "r_gb_std_ohm", "r_total_ohm",
            "sigma_bulk_S_cm", "sigma_gb_S_cm", "sigma_gb_specific_S_cm", "sigma_total_S_cm", "median_relative_misfit")
ARR_KEYS = ("quantity", "activation_energy_eV", "activation_energy_std_eV", "activation_energy_ci95_low_eV", "activation_energy_ci95_high_eV", "activation_energy_kJ_mol",
            "prefactor", "r2", "n_points", "notes")


def run(args):
    from pathlib import Path

    from lisse.analysis.eis.temperature import resolve_temperatures, temperature_series
    from lisse.cli._cycling_common import atomic_save_figure, atomic_write_text
    from lisse.io.eis import read_spectra
    from lisse.io.temperature_table import series_files, temperature_table

    files = series_files(args.paths)
    table = temperature_table(args.temperatures)
    spectra = []
    for f in files:
        spectra += read_spectra(f, format=args.format, units=declared_units(args.units, "eis"), area=args.area, thickness=args.thickness)
    temps = resolve_temperatures(spectra, table)
    order = sorted(range(len(spectra)), key=lambda i: (temps[i][0], i))  # rows from cold to hot
    spectra, temps = [spectra[i] for i in order], [temps[i] for i in order]
    # kelvin read from the files/table: passed with their unit (plain numbers below 150 K would be refused as degC)
    s = temperature_series(spectra, [f"{t!r} K" for t, _ in temps], cell=args.cell, form=args.form)
    out = s.as_dict()
    for row, sp, (_, src) in zip(out["spectra"], spectra, temps):
        row["file"] = sp.metadata.get("source")
        row["temperature_source"] = src
    area, thickness = spectra[0].area, spectra[0].thickness
    out["geometry"] = {"area_cm2": None if area is None else area * 1e4, "thickness_um": None if thickness is None else thickness * 1e6}
    out["notes"] = [
        "sigma_gb is apparent (pellet geometry L/A); the specific grain-boundary conductivity needs the grain size: sigma_gb_specific_S_cm is the brick-layer estimate (C_bulk/C_gb)",
        "bulk vs grain boundary by normalised capacitance C*=C_eff*L/A: bulk < 1e-11 F, grain boundary 1e-11..1e-8 F (Irvine, Sinclair & West 1990)",
    ]
    if args.table:
        p = Path(args.table)
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.suffix.lower() == ".json":
            import json

            from lisse.cli.main import jsonable

            atomic_write_text(p, json.dumps(jsonable(out), indent=1))
            out["tables"] = [str(p)]
        else:
            arr_rows = []
            for q, a in out["arrhenius"].items():
                if a:
                    pre = a.get("prefactor_S_K_cm", a.get("prefactor_S_cm"))
                    arr_rows.append({"quantity": q, **a, "prefactor": pre, "activation_energy_ci95_low_eV": a["activation_energy_ci95_eV"][0],
                                     "activation_energy_ci95_high_eV": a["activation_energy_ci95_eV"][1]})
            p2 = p.with_name(p.stem + "_arrhenius" + (p.suffix or ".csv"))
            atomic_write_text(p, _csv(out["spectra"], ROW_KEYS))
            unit = "S K/cm" if args.form == "sigma_T" else "S/cm"
            atomic_write_text(p2, f"# prefactor in {unit}; form {args.form}\n" + _csv(arr_rows, ARR_KEYS))
            out["tables"] = [str(p), str(p2)]
    if args.plot:
        from lisse.plot import eis as peis
        from lisse.plot.eis_temperature import plot_arrhenius as arr_fig

        d = Path(args.plot)
        d.mkdir(parents=True, exist_ok=True)
        written = [atomic_save_figure(arr_fig(s), d / "arrhenius.png")]
        for r, sp in zip(s.rows, spectra):
            written.append(atomic_save_figure(peis.nyquist(sp, r._fit.z_fit_, r.circuit, title=f"{sp.label} ({r.temperature - 273.15:.1f} °C)"), d / f"{sp.label.replace('#', '_')}_nyquist.png"))
        out["figures"] = [str(w) for w in written]
    return out


def render(result) -> str:
    import math

    lines = [f"{'spectrum':<28} {'T/°C':>7} {'source':>6} {'R_bulk/Ω':>10} {'R_gb/Ω':>10} {'σ_bulk/S cm-1':>13} {'σ_gb/S cm-1':>12} {'σ_tot/S cm-1':>12}"]

    def g(x):
        return "-" if x is None else f"{fmt(x, 3)}"

    for r in result["spectra"]:
        lines.append(f"{r['label'][:28]:<28} {r['temperature_C']:7.1f} {r['temperature_source']:>6} {r['r_bulk_ohm']:10.4g} {'-' if r['r_gb_ohm'] is None else format(r['r_gb_ohm'], '.4g'):>10} "
                     f"{g(r['sigma_bulk_S_cm']):>13} {g(r['sigma_gb_S_cm']):>12} {g(r['sigma_total_S_cm']):>12}")
        for n in r["notes"]:
            lines.append(f"    note: {n}")
    lines.append(f"Arrhenius ({result['form_note']}):")
    for q, a in result["arrhenius"].items():
        if not a:
            lines.append(f"  {q}: no fit (fewer than two distinct temperatures with a resolved, positive value)")
            continue
        lo, hi = a["activation_energy_ci95_eV"]
        if a["r2"] is None or not math.isfinite(a["r2"]):  # two points: no uncertainty, R^2 undefined
            lines.append(f"  {q}: Ea = {a['activation_energy_eV']:.4f} eV (no uncertainty estimate, R^2 undefined), n = {a['n_points']}")
        else:
            lines.append(f"  {q}: Ea = {a['activation_energy_eV']:.4f} ± {a['activation_energy_std_eV']:.4f} eV (95 % CI {lo:.4f}..{hi:.4f}), "
                         f"R^2 = {a['r2']:.5f}, n = {a['n_points']}")
        for n in a.get("notes", []):
            lines.append(f"    note: {n}")
    for n in result.get("notes", []):
        lines.append(f"note: {n}")
    for k in ("tables", "figures"):
        for p in result.get(k, []):
            lines.append(f"wrote {p}")
    return "\n".join(lines)
