"""``lisse gitt``: chemical diffusion coefficient per pulse (Weppner-Huggins)."""

from __future__ import annotations

from lisse.cli._cycling_common import declared_units, format_help, units_help

NAME = "gitt"
HELP = "diffusion coefficient per GITT pulse (Weppner-Huggins)"
DESCRIPTION = (
    "Find every current pulse framed by two rests and apply D = 4/(pi tau) (m_B V_M/(M_B S))^2 (dEs/dEt)^2. "
    "Give the diffusion length L = m_B V_M/(M_B S) with --length, or --active-mass, --molar-volume, --molar-mass "
    "and --area. The short-time condition tau << L^2/D is reported per pulse."
)
EXAMPLES = """  lisse gitt gitt.mpr --length "5 um" --json
  lisse gitt gitt.mpr --active-mass "12 mg" --molar-volume "20.3 cm3/mol" --molar-mass "96.9 g/mol" --area "1.13 cm2"
"""


def add_arguments(parser) -> None:
    parser.add_argument("file")
    parser.add_argument("--format", help=format_help("cycling"))
    parser.add_argument("--units", help=units_help("cycling"))
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--length", "um", "diffusion length m_B V_M/(M_B S), e.g. '5 um'")
    add_quantity(parser, "--active-mass", "mg", "active mass m_B, e.g. '12.5 mg' (with --molar-volume, --molar-mass, --area)", dest="active_mass")
    add_quantity(parser, "--molar-volume", "cm3/mol", "molar volume V_M of the active material, e.g. '20 cm3/mol'", dest="molar_volume")
    add_quantity(parser, "--molar-mass", "g/mol", "molar mass M_B of the active material, e.g. '97 g/mol'", dest="molar_mass")
    add_quantity(parser, "--area", "cm2", "electrode-electrolyte contact area S, e.g. '0.785 cm2'")
    parser.add_argument("--transient", default="sqrt-fit", choices=["sqrt-fit", "endpoints"])
    parser.add_argument("--table", metavar="CSV", help="write the per-pulse table")


def run(args) -> dict:
    import numpy as np

    from lisse.analysis.gitt import gitt_diffusion
    from lisse.io.readers import read_cycling

    rec = read_cycling(args.file, format=args.format, units=declared_units(args.units, "cycling"))
    g = gitt_diffusion(rec, length=args.length, active_mass=args.active_mass, molar_volume=args.molar_volume,
                       molar_mass=args.molar_mass, area=args.area, transient=args.transient)
    d = g["D_cm2_s"].to_numpy(dtype=float)
    measured = np.isfinite(d)  # a pulse whose relaxed voltage did not change measurably has no D (NaN), not D = 0
    out = {"file": args.file, "n_pulses": int(len(g)),
           "D_median_cm2_s": float(np.median(d[measured])) if measured.any() else None,
           "n_pulses_D_measured": int(measured.sum()), "n_pulses_D_not_measurable": int((~measured).sum()),
           "pulses": g[["pulse", "t_start_s", "tau_s", "dEs_V", "dEt_V", "E_relaxed_V", "D_cm2_s", "tau_over_L2_D",
                        "dEs_floor_V", "D_note"]].to_dict(orient="records")}
    if not measured.all():
        out["D_note"] = (f"{int((~measured).sum())} of {len(g)} pulses do not measure D (|ΔE_s| not above the noise/"
                         f"resolution floor): their D is null, and D_median_cm2_s is over the other {int(measured.sum())}")
    if args.table:
        from lisse.cli._cycling_common import atomic_write_text

        out["table"] = atomic_write_text(args.table, g.to_csv(index=False))
    return out
