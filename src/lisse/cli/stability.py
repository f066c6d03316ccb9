"""``lisse stability``: does Li react with a coating or electrolyte X? Reaction energy, products and a verdict."""

from __future__ import annotations

from lisse.cli.common import fmt

NAME = "stability"
HELP = "chemical stability of a Li|X interface: reaction energy of Li with X and the products (convex hull, offline)"
DESCRIPTION = (
    "Reaction of the metal with X on the convex hull of their chemical system (pymatgen PhaseDiagram and "
    "InterfacialReactivity, the pseudo-binary method of Richards 2016 / Zhu 2015): the most negative reaction energy over the "
    "mixing ratio, in eV per atom of the reactant mixture, with the balanced reaction and its products. Formation enthalpies "
    "are pymatgen's shipped experimental values (298 K) wherever they exist; compounds without one (LLZO, Li6PS5Cl, Li3P ...) "
    "are computed with the ML calculator (cell relaxation of the lisse library cell; element references for O, F, Cl, S, N "
    "fitted to Li2O, LiF, LiCl, Li2S, Li3N) and carry its 0.1 eV/atom error bound. 'reference' lists every energy with its "
    "source. Verdict: stable (the closest reaction costs more than its error bound), reacts (|energy| above the error "
    "bound), or within the method's error. X may be a structure file (CIF or any format ASE reads). No network access."
)
EXAMPLES = """  lisse stability Li Li2CO3 --json          # experimental enthalpies: 4 Li + Li2CO3 -> 3 Li2O + C
  lisse stability Li LiF                    # stable
  lisse stability Li Li6PS5Cl --json        # ML (CHGNet) energies for Li6PS5Cl and Li3P (minutes, cached)
  lisse stability Li LLZO --calculator sevennet   # tetragonal LLZO cell: within the ML error (near-zero margin)
  lisse stability Li my_cell.cif            # your own ordered structure (ML energy when no experimental enthalpy)
"""


def add_arguments(parser) -> None:
    parser.add_argument("metal", help="the metal electrode, e.g. Li")
    parser.add_argument("material", help="coating or electrolyte X: a formula (Li2CO3, Li6PS5Cl) or library name (LLZO, LPSC)")
    parser.add_argument("--calculator", default="chgnet",
                        help="calculator for compounds without experimental enthalpy: chgnet (default), chgnet:r2scan, sevennet, "
                             "gpaw or cp2k (DFT); 'none' refuses them. Used only when needed.")
    parser.add_argument("--level", choices=("screening", "publication", "test"), default=None,
                        help="DFT level with --calculator gpaw or cp2k (default screening)")
    parser.add_argument("--dispersion", choices=("d3",), default=None, help="add Grimme D3 dispersion (with --calculator gpaw; not with an ML calculator, whose error bound was measured without it)")
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--cutoff", "eV", 'plane-wave cut-off, overriding the level\'s (e.g. "450 eV"; with --calculator gpaw)')
    parser.add_argument("--cache-dir", default=None, help="folder of the ML job cache (default ~/.cache/lisse)")


def run(args) -> dict:
    from lisse.atomistic.stability import reaction_with_metal

    calc = None
    if str(args.calculator).lower() != "none":
        from lisse.cli.wetting import make_calculator

        calc = make_calculator(args)
        if calc.info.kind == "ml" and calc.info.settings.get("dispersion"):  # --dispersion d3 or chgnet+d3
            from lisse.errors import ParameterError

            # the ML error bound of reaction energies was measured without D3: no stated error would apply (review s48)
            raise ParameterError("--dispersion: applies to --calculator gpaw in lisse stability; the ML reaction-energy error bound "
                                 f"was measured without D3; got --calculator {args.calculator!r}")
    cache = None
    on_job = None
    if calc is not None:
        from lisse.cli.wetting import job_cache

        cache = job_cache(args)
    from lisse.cli.common import progress_bar_for

    with progress_bar_for(args, None, "lisse stability", unit="job", leave=False) as bar:
        def on_job(job):  # an ML job finished: advance the bar (a terminal only; nothing under --json)
            bar.set_postfix_str(f"{job.name}{' [cached]' if job.cached else ''}", refresh=False)
            bar.update(1)

        res = reaction_with_metal(args.material, metal=args.metal, calculator=calc, cache=cache, on_job=on_job)
    out = res.as_dict()
    out["level"] = calc.info.settings.get("level") if calc is not None and calc.info.kind == "dft" and res.calculator else None
    return out


def render(res: dict) -> str:
    lines = [f"{res['metal']} | {res['formula']}: {res['verdict']}"]
    if res["products"]:
        lines.append(f"  reaction: {res['reaction']}")
        lines.append(f"  reaction energy {fmt(res['reaction_energy_eV_per_atom'], 4)} eV/atom of reactants "
                     f"({fmt(res['reaction_energy_eV_per_formula_unit'], 4)} eV per {res['formula']}), error bound {fmt(res['uncertainty_eV_per_atom'], 3)} eV/atom")
        rich = res.get("products_with_excess_metal") or []
        if rich and sorted(rich) != sorted(res["products"]):
            lines.append(f"  with excess {res['metal']} (a layer on the metal): {' + '.join(rich)}")
    if res.get("stability_margin_eV_per_atom") is not None:
        lines.append(f"  closest reaction costs {fmt(res['stability_margin_eV_per_atom'], 3)} eV/atom (error bound {fmt(res['uncertainty_eV_per_atom'], 3)} eV/atom): "
                     f"{res['closest_reaction']}")
        lines.append("  (an upper bound: a phase missing from the hull, e.g. a suboxide of a reduced metal, can only lower it)")
    lines.append("  energies used:")
    for e in res["reference"]["energies"]:
        if e["source"] != "element":
            lines.append(f"    {e['formula']:14s} {fmt(e['formation_enthalpy_eV_per_fu'], 5):>10s} eV/f.u.  +- {fmt(e['uncertainty_eV_per_fu'], 2)}  {e['source']}")
    for c in res["calibrated_parameters"]:
        lines.append(f"  calibrated: {c['name']} = {fmt(c['value_eV_per_atom'], 5)} eV/atom, fitted to the {c['fitted_to']}")
    eb = res.get("error_bound") or {}
    if eb:
        lines.append(f"  error bound from: {eb['source']}")
    if res["calculator"]:
        kind = "DFT" if eb.get("kind") == "dft" else "ML"
        lines.append(f"  {kind} calculator: {res['calculator'].get('name')}:{res['calculator'].get('model')}" + (f", level {res['level']}" if res.get("level") else ""))
    return "\n".join(lines)
