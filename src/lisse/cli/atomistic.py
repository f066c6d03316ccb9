"""``lisse atomistic``: accuracy table, DFT input decks, DFT read-back, bulk structures."""

from __future__ import annotations

NAME = "atomistic"
HELP = "atomistic tools: ML accuracy table, write VASP/QE decks for a Li|X workflow, read DFT outputs back"
DESCRIPTION = (
    "accuracy: the shipped table of each ML calculator's values against published DFT numbers (with sources), the stated "
    "uncertainty attached to every ML result. decks: write complete VASP (INCAR/POSCAR/KPOINTS + POTCAR.spec; POTCARs are "
    "licensed and not shipped) or Quantum ESPRESSO (pw.in) decks for every structure of the Li|X work-of-adhesion workflow. "
    "from-files: read the finished runs (vasprun.xml/OUTCAR or pw.x output, one folder per job) and compute W_ad, sigma_Li "
    "and the contact angle from the same DFT. structures: list the bulk crystals lisse can build. terminations: every "
    "distinct termination of X (--substrate-miller) with its bottom plane, symmetric and polar flags (select one with "
    "lisse wetting --termination K)."
)
EXAMPLES = """  lisse atomistic accuracy --json
  lisse atomistic accuracy --calculator chgnet:0.3.0
  lisse atomistic decks Li LiF --code vasp --out dft_LiF
  lisse atomistic decks Li LiF --supercells 4x4,3x3 --film-layers 3 --substrate-layers 2 --d3 --encut 450 --out dft_ji   # Ji2025's cell
  lisse wetting Li LiF --json > ml.json && lisse atomistic decks Li LiF --from-ml ml.json --out dft_from_ml   # ML registry and gap as the start
  lisse atomistic from-files dft_LiF --code vasp --json
  lisse atomistic decks --slab-references-from dft_LiF --out dft_LiF_refs   # after dft_LiF ran: frozen / unrelaxed slabs
  lisse atomistic from-files dft_LiF --slab-references dft_LiF_refs --json   # adds slab_references, work_of_separation_J_m2
  lisse atomistic structures
  lisse atomistic terminations Li2CO3 --substrate-miller 0 0 1 --json
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    parser.add_argument("action", choices=["accuracy", "decks", "from-files", "structures", "terminations"])
    parser.add_argument("args", nargs="*", help="decks: 'Li X'; from-files: the deck folder; terminations: X (a library name or structure file)")
    parser.add_argument("--calculator", default=None, help="accuracy: only this calculator (e.g. chgnet:0.3.0)")
    parser.add_argument("--code", default="vasp", choices=["vasp", "qe", "both"])
    parser.add_argument("--out", default=None, help="decks: output folder (must not exist or be empty)")
    add_quantity(parser, "--encut", "eV", "plane-wave cutoff for VASP (default 520 eV)")
    parser.add_argument("--d3", action="store_true", help="add D3 dispersion (used by Ji2025)")
    parser.add_argument("--substrate-miller", nargs=3, type=int, default=None, metavar=("H", "K", "L"),
                        help="Miller indices of X (default 1 0 0)")
    parser.add_argument("--strain-on", choices=("film", "substrate", "both"), default=None,
                        help="decks: which slab takes the lattice mismatch (default Li; as lisse wetting --strain-on)")
    # the construction options of lisse wetting, so that the decks build the interface a wetting run builds
    parser.add_argument("--film-miller", nargs=3, type=int, default=None, metavar=("H", "K", "L"), help="decks: Miller indices of Li (default 1 0 0)")
    parser.add_argument("--supercells", default=None, metavar="NxN,MxM",
                        help="decks: fix the in-plane supercells of Li and X, e.g. 4x4,3x3 (as lisse wetting --supercells)")
    parser.add_argument("--supercell-cell", choices=("conventional", "slab"), default=None,
                        help="decks: what --supercells counts (default conventional; as lisse wetting --supercell-cell)")
    parser.add_argument("--termination", type=int, default=None, metavar="K", help="decks: substrate termination index (default 0)")
    parser.add_argument("--film-layers", type=int, default=None, help="decks: atomic planes of Li in the interface (default 5)")
    parser.add_argument("--substrate-layers", type=int, default=None, help="decks: atomic planes of X (default 3; use 6 for Li2CO3(001))")
    add_quantity(parser, "--max-strain", "", 'decks: largest strain of the coherent search (default "3 percent")')
    parser.add_argument("--slab-references-from", default=None, metavar="RUN",
                        help="decks: the second stage after a deck run RUN has finished: single points of the relaxed slabs in the "
                             "interface's cell and of the frozen and unrelaxed slab references (as lisse wetting --slab-references), "
                             "with RUN's settings; then lisse atomistic from-files RUN --slab-references OUT")
    parser.add_argument("--slab-references", default=None, metavar="FOLDER",
                        help="from-files: the finished decks of --slab-references-from: adds slab_references, "
                             "work_of_separation_J_m2 and common_cell")
    parser.add_argument("--from-ml", default=None, metavar="FILE",
                        help="decks: start from an ML run saved with 'lisse wetting Li X --json > FILE': its registry and relaxed "
                             "gap, on its construction (millers, supercells, strain side, termination, layers); options given "
                             "here must agree with it")
    add_quantity(parser, "--li-surface-energy", "J/m2", "from-files: sigma_Li to use when no Li slab outputs exist")


def run(args):
    from lisse.errors import ParameterError

    construction = ("strain_on", "film_miller", "supercells", "supercell_cell", "termination", "film_layers", "substrate_layers",
                    "max_strain", "from_ml")
    if args.substrate_miller is not None and args.action not in ("decks", "terminations"):
        raise ParameterError(f"--substrate-miller: applies to decks and terminations; got it with {args.action!r}")
    if args.max_strain is not None and (args.supercells is not None or args.from_ml is not None):
        raise ParameterError("--max-strain: bounds the coherent search; with --supercells or --from-ml no search runs")
    for dest in (*construction, "slab_references_from"):
        if getattr(args, dest) is not None and args.action != "decks":
            raise ParameterError(f"--{dest.replace('_', '-')}: applies to 'lisse atomistic decks Li X'; got it with {args.action!r}")
    if args.slab_references is not None and args.action != "from-files":
        raise ParameterError(f"--slab-references: applies to 'lisse atomistic from-files RUN'; got it with {args.action!r}")
    if args.slab_references_from is not None:  # the second stage takes everything from the run
        given = [d for d in (*construction, "encut", "substrate_miller") if getattr(args, d) is not None] + (["d3"] if args.d3 else [])
        if given or args.args:
            what = f"--{given[0].replace('_', '-')}" if given else repr(" ".join(args.args))
            raise ParameterError(f"--slab-references-from: the decks take the run's construction and settings; got {what} too")

    if args.action == "accuracy":
        from lisse.atomistic.accuracy import error_summary, load_table, rankings, rows, unit_key_suffix

        t = load_table()
        rk = [r for r in rankings() if args.calculator is None or r["calculator"] == args.calculator]
        # keys carry their unit (value_J_m2, value_deg) beside the old value + unit pair
        lit = [{**x, f"value_{unit_key_suffix(x['unit'])}": x["value"]} if "value" in x and "unit" in x else x
               for x in t.get("literature", [])]
        return {"rows": rows(args.calculator), "rankings": rk, "error_summary": error_summary(args.calculator), "literature": lit,
                "meta": t.get("meta", {})}
    if args.action == "structures":
        from lisse.atomistic.structures import _NOT_YET, ALIASES, CRYSTALS

        alias = {v: k for k, v in ALIASES.items()}
        return {"available": [{"material": k, "alias": alias.get(k), "spacegroup": v.spacegroup, "wyckoff": list(v.wyckoff), "source": v.source,
                               "density_g_cm3": v.density_g_cm3, "density_source": v.density_source} for k, v in CRYSTALS.items()],
                "not_yet": [{"material": k, "reason": r} for k, r in _NOT_YET.items()],
                "user_structures": "any other material: give a structure file (CIF or any format ASE reads) where a name is accepted"}
    if args.action == "terminations":
        from lisse.atomistic.slabs import terminations
        from lisse.atomistic.structures import bulk

        if len(args.args) != 1:
            raise ParameterError(f"terminations needs one material X; got {' '.join(args.args)!r}")
        from lisse.atomistic.slabs import check_miller

        miller = check_miller(tuple(args.substrate_miller or (1, 0, 0)), "--substrate-miller")  # before the bulk is built
        listed = terminations(bulk(args.args[0]), miller)
        listing = {"material": args.args[0], "miller": list(miller), "terminations": listed}
        if not listed:
            listing["note"] = "no termination: every cut of this plane breaks a polyanion's bonds (C-O, P-S, ...), which lisse keeps whole"
        return listing
    if args.action == "decks":
        from pathlib import Path

        from lisse.atomistic.dft import DFTSettings
        from lisse.atomistic.workflows import adhesion_jobs
        from lisse.constants import ELEMENTARY_CHARGE
        from lisse.io.dft_decks import write_decks, write_slab_reference_decks

        if args.slab_references_from is None and (len(args.args) != 2 or args.args[0] != "Li"):
            raise ParameterError(f"decks needs 'Li X'; got {' '.join(args.args)!r}")
        if not args.out:
            raise ParameterError("decks needs --out FOLDER")
        out = Path(args.out)
        if out.exists() and any(out.iterdir()):
            raise ParameterError(f"--out folder '{out}' exists and is not empty; lisse never overwrites run folders")
        if args.slab_references_from is not None:
            code = "vasp" if args.code == "both" else args.code
            refs = write_slab_reference_decks(args.slab_references_from, out, code)
            return {"folder": str(out), "code": code, "run": str(args.slab_references_from),
                    "jobs": [{"name": j.name, "task": j.task, "n_atoms": len(j.atoms)} for j in refs],
                    "note": f"Run each folder (single points), then: lisse atomistic from-files {args.slab_references_from} "
                            f"--code {code} --slab-references {out}"}
        s = DFTSettings(d3=args.d3) if args.encut is None else DFTSettings(encut_eV=args.encut / ELEMENTARY_CHARGE, d3=args.d3)
        kw, ml = _deck_construction(args)
        try:
            jobs = adhesion_jobs(args.args[1], ml_result=ml, **kw)
        except ParameterError as exc:  # the ML run's values are named by the file they came from
            if ml is not None and "'ml_result'" in str(exc):
                raise ParameterError(str(exc).replace("parameter 'ml_result'", f"--from-ml '{args.from_ml}'")) from exc
            raise
        it = next(j.atoms for j in jobs if j.name == "interface")
        built = {"film_strain_percent": 100 * float(it.info.get("strain", 0.0)),
                 "substrate_strain_percent": 100 * float(it.info.get("substrate_strain", 0.0)),
                 "gap_A": float(it.info["gap_A"]), "shift_A": [float(v) for v in it.info["shift_A"]], "area_A2": float(it.info["area_A2"]),
                 "n_atoms_interface": len(it)}
        meta = {"workflow": "adhesion", "substrate": args.args[1], "construction": _jsonable_construction(kw, ml is not None), "built": built}
        if kw.get("strained", "film") != "film":
            meta["strained"] = kw["strained"]
        if args.from_ml is not None:
            import hashlib

            meta["from_ml"] = {"file": str(Path(args.from_ml).resolve()),
                               "sha256": hashlib.sha256(Path(args.from_ml).read_bytes()).hexdigest()}
        write_decks(jobs, out, args.code, s, meta=meta)
        return {"folder": str(out), "code": args.code, "construction": meta["construction"], "built": built, "from_ml": meta.get("from_ml"),
                "jobs": [{"name": j.name, "task": j.task, "n_atoms": len(j.atoms)} for j in jobs],
                "note": "VASP: concatenate the PAW_PBE POTCARs listed in each POTCAR.spec; QE: put the named UPF files in ./pseudo. "
                        "Run each folder, then: lisse atomistic from-files " + str(out)}
    if args.action == "from-files":
        from lisse.io.dft_decks import adhesion_from_files

        if len(args.args) != 1:
            raise ParameterError("from-files needs the deck folder")
        code = "vasp" if args.code == "both" else args.code
        sigma = args.li_surface_energy
        return adhesion_from_files(args.args[0], code, sigma, slab_references=args.slab_references)
    raise ParameterError(f"unknown action {args.action!r}")


def _deck_construction(args) -> tuple[dict, dict | None]:
    """adhesion_jobs keyword arguments from the options given (and, with --from-ml, the ML run's construction)."""
    from lisse.cli.wetting import parse_supercells
    from lisse.errors import ParameterError

    given: dict = {}
    if args.substrate_miller is not None:
        given["substrate_miller"] = tuple(args.substrate_miller)
    if args.film_miller is not None:
        given["film_miller"] = tuple(args.film_miller)
    if args.strain_on is not None:
        given["strained"] = args.strain_on
    sc = parse_supercells(args.supercells)
    if sc is not None:
        given.update(film_supercell=sc[0], substrate_supercell=sc[1])
    if args.supercell_cell is not None:
        if sc is None:
            raise ParameterError("--supercell-cell: says what --supercells counts; got it without --supercells")
        given["supercell_cell"] = args.supercell_cell
    for dest, arg in (("termination", "substrate_termination"), ("film_layers", "film_layers"), ("substrate_layers", "substrate_layers"),
                      ("max_strain", "max_strain")):
        if getattr(args, dest) is not None:
            given[arg] = getattr(args, dest)
    if args.from_ml is None:
        return given, None
    from lisse.atomistic.workflows import ml_construction
    from lisse.io.dft_decks import read_ml_result

    ml = read_ml_result(args.from_ml)
    if ml["substrate"] != args.args[1]:
        raise ParameterError(f"--from-ml '{args.from_ml}': an ML run of Li|{ml['substrate']}; expected Li|{args.args[1]} as the decks asked")
    try:
        kw = ml_construction(ml)
    except ParameterError as exc:
        raise ParameterError(str(exc).replace("parameter 'ml_result'", f"--from-ml '{args.from_ml}'")) from exc
    kw.pop("substrate")
    return kw | given, ml  # what is given here wins; adhesion_jobs refuses it if it differs from the ML run's construction


def _jsonable_construction(kw: dict, from_ml: bool = False) -> dict:
    """The construction the decks were built with: adhesion_jobs' defaults, overridden by ``kw`` (tuples as lists)."""
    import inspect

    from lisse.atomistic.workflows import adhesion_jobs

    keys = ("substrate_miller", "film_miller", "strained", "film_supercell", "substrate_supercell", "supercell_cell",
            "substrate_termination", "film_layers", "substrate_layers", "max_strain")
    full = {k: p.default for k, p in inspect.signature(adhesion_jobs).parameters.items() if k in keys} | kw
    if full.get("film_supercell") is not None or from_ml:  # no coherent search ran: its limit played no part
        full.pop("max_strain", None)
        full.pop("max_area", None)
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in sorted(full.items())}


def render(res) -> str:
    if "rows" in res:
        lines = [f"{'calculator':19s} {'quantity':18s} {'system':22s} {'ML':>8s} {'DFT':>8s} {'error':>8s}  DFT source"]
        for r in res["rows"]:
            f = lambda x: f"{x:8.3f}" if isinstance(x, (int, float)) else f"{'-':>8s}"  # noqa: E731
            flag = ""
            if r.get("regime_agrees") is False:
                flag = f"  [WRONG REGIME: ML {r['ml_regime']}, DFT {r['dft_regime']}]"
            if r.get("same_construction"):  # DFT computed here on the ML value's own construction
                flag = "  [same construction: " + str(r.get("construction", ""))[:50] + "]" + flag
            if r.get("error_without_dispersion") is not None:  # like for like: DFT without its dispersion part
                flag += (f"  [without dispersion: DFT {r['dft_value_without_dispersion']:.3f}, "
                         f"error {r['error_without_dispersion']:+.3f}]")
            lines.append(f"{r['calculator']:19s} {r['quantity']:18s} {r['system']:22s} {f(r['ml_value'])} {f(r['dft_value'])} {f(r['error'])}  {r['dft_source'][:60]}{flag}")
        for k in res.get("rankings", []):
            verdict = {True: "correct", None: "n/a (no two systems of one construction)"}.get(k["ranking_correct"]) or "WRONG: " + "; ".join(k["flipped_pairs"])
            lines.append(f"ranking of {k['quantity']} over {k.get('n_pairs', 0)} pair(s) of one construction, {k['calculator']}: {verdict}")
        if res.get("error_summary"):
            lines.append("error against the DFT computed here (GPAW, like for like; published values not counted):")
        for e in res.get("error_summary", []):
            head = f"  {e['calculator']:21s} {e['quantity']:17s} {e['material']:10s} n={e['n_rows']}"
            if e["n_rows"]:
                head += (f"  mean |error| {e['mean_abs_error']:.3f}  max {e['max_abs_error']:.3f}  bias {e['mean_error']:+.3f} {e['unit']}"
                         f"  vs {', '.join(sorted(set(e['references'])))}")
                if e["mean_error_vs_dft_with_dispersion"] is not None:
                    head += f" (bias vs the value with dispersion {e['mean_error_vs_dft_with_dispersion']:+.3f})"
            if e["published_rows_not_counted"]:
                head += (f"; {e['published_rows_not_counted']} published row(s) not counted"
                         f" ({e['published_rows_wrong_regime']} in the wrong wetting regime)")
            lines.append(head)
            lines.extend(f"      note: {n}" for n in e["notes"])
        return "\n".join(lines)
    from lisse.cli.common import render_auto

    return render_auto(res)
