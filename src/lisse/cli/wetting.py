"""``lisse wetting``: Young–Dupré contact angle from W_ad (or the inverse), or the ML workflow Li|X."""

from __future__ import annotations

import math

from lisse.cli.common import fmt

NAME = "wetting"
HELP = "Li wetting of a substrate: Young-Dupre contact angle <-> work of adhesion, or W_ad from an ML or DFT (GPAW) workflow"
DESCRIPTION = (
    "Young-Dupre wetting of Li metal on a substrate X: cos(theta) = W_ad / sigma_Li - 1 (clipped; W_ad >= 2 sigma_Li is "
    "complete wetting, theta = 0). Give --work-of-adhesion for the angle or --contact-angle for W_ad. sigma_Li defaults to "
    "0.4245 J/m2, the value implied by Ji et al. (2025)'s own pair W_ad(Li|Li2CO3) = 0.09 J/m2 <-> 142 deg; override with "
    "--li-surface-energy. With two material names (lisse wetting Li LiF) it runs the atomistic workflow: bulk and slab "
    "relaxations, a coherent Li|X supercell search (strain on Li unless --strain-on), a registry x gap scan, relaxations from several starts "
    "(lowest kept), sanity and convergence checks, and reports W_ad, theta (with the calculator's own sigma_Li), the strain "
    "and the calculator's stated error from the accuracy table. ML numbers are screening grade; use DFT for quantitative work: "
    "--calculator gpaw runs the same workflow with PBE PAW DFT (GPAW, optional extra 'dft'; --level screening|publication, "
    "--dispersion d3), every single point and relaxation cached so an interrupted run resumes; --prerelax chgnet relaxes each "
    "structure with the ML potential first. --supercells 4x4,3x3 fixes the Li and X surface supercells (Ji et al.'s "
    "constructions) instead of the coherent search. The JSON carries calculator, level, strain_percent and the convergence rows."
)
EXAMPLES = """  lisse wetting --work-of-adhesion "0.09 J/m2" --json
  lisse wetting --contact-angle "142 deg" --json
  lisse wetting --work-of-adhesion "0.53 J/m2" --li-surface-energy "0.46 J/m2"
  lisse wetting Li LiF --json                       # CHGNet workflow, cached in ~/.cache/lisse (minutes)
  lisse wetting Li LiF --calculator sevennet --substrate-miller 1 0 0
  lisse wetting Li Li2CO3 --substrate-miller 0 0 1 --substrate-layers 6 --max-strain "3.5 percent"
  lisse wetting Li LiF Li2O Li3N --jobs 3 --json    # screening: one row per substrate, failures are rows
  lisse wetting Li my_llzo.cif --substrate-miller 0 0 1 --termination 1   # your own ordered cell (CIF, POSCAR ...)
  lisse wetting Li LiF Li2O Li3N --scheduler tcp://HOST:8786
  lisse wetting Li LiF --calculator gpaw --level screening --supercells 4x4,3x3 --dispersion d3 --json   # DFT (hours, resumable)
  lisse wetting Li LiF --calculator gpaw --prerelax chgnet --json      # CHGNet pre-relaxation, then DFT relaxations
  lisse wetting Li LiF --calculator chgnet --dispersion d3 --json      # CHGNet + D3: like for like with a PBE-D3 value
  lisse wetting Li LiF Li2O Li3N LiCl --refine-top 2 --refine-calculator gpaw --json   # ML screen, DFT on the best 2
"""


def add_arguments(parser) -> None:
    import argparse

    parser.add_argument("materials", nargs="*", help="'Li X' to run the atomistic workflow for Li on substrate X (e.g. Li LiF); "
                        "'Li X Y ...' screens several substrates (one row each). X is a library name (lisse atomistic structures) "
                        "or a structure file: CIF or any format ASE reads (ordered cells only)")
    from lisse.cli.common import add_executor_options, add_quantity

    add_executor_options(parser, "substrates of a screen (Li X Y ...)")

    g = parser.add_mutually_exclusive_group()
    add_quantity(g, "--work-of-adhesion", "J/m2", 'W_ad with unit, e.g. "0.09 J/m2"')
    add_quantity(g, "--contact-angle", "deg", 'contact angle with unit, e.g. "142 deg"')
    add_quantity(parser, "--li-surface-energy", "J/m2", "sigma_Li (default 0.4245 J/m2, from Ji2025 pair)")
    parser.add_argument("--calculator", default="chgnet", help="calculator of the workflow: chgnet (default), chgnet:r2scan, sevennet (ML), gpaw (DFT, plane waves) or cp2k (DFT, Gaussian basis; Debian cp2k)")
    add_dft_arguments(parser)
    parser.add_argument("--supercells", default=None, metavar="NxN,MxM",
                        help="fix the in-plane supercells of Li and X, e.g. 4x4,3x3 (Li first), instead of the coherent search")
    parser.add_argument("--substrate-miller", nargs=3, type=int, default=[1, 0, 0], metavar=("H", "K", "L"))
    parser.add_argument("--film-miller", nargs=3, type=int, default=[1, 0, 0], metavar=("H", "K", "L"))
    add_quantity(parser, "--max-strain", "", 'largest strain of the coherent search on Li (on either slab with --strain-on), e.g. "3 %%" or 0.03 (default "3 percent")', default="3 percent")
    parser.add_argument("--termination", type=int, default=0, metavar="K",
                        help="substrate termination index: the slab's bottom (default 0; list them with 'lisse atomistic terminations X "
                             "--substrate-miller H K L'); Li meets the top plane, which --substrate-layers sets")
    parser.add_argument("--substrate-layers", type=int, default=3, help="atomic planes of X (default 3; use 6 for Li2CO3(001))")
    parser.add_argument("--film-layers", type=int, default=5, help="atomic planes of Li (default 5)")
    parser.add_argument("--starts", type=int, default=3, help="number of relaxation starts (lowest kept; default 3)")
    parser.add_argument("--fmax", type=float, default=0.05, help="force convergence in eV/A (default 0.05)")
    parser.add_argument("--steps", type=int, default=150, help="largest number of optimiser steps per relaxation (default 150)")
    parser.add_argument("--gaps", type=float, nargs="+", default=[1.8, 2.2, 2.6, 3.0], metavar="A",
                        help="interface gaps of the rigid scan in A (default 1.8 2.2 2.6 3.0)")
    parser.add_argument("--refine-top", type=int, default=None, metavar="K",
                        help="screen (Li X Y ...): after the ML screen, rerun the K substrates with the highest ML W_ad with --refine-calculator")
    parser.add_argument("--refine-calculator", default="gpaw", help="DFT calculator of --refine-top (default gpaw; --level, --dispersion, --cutoff and --relax-mode apply to it)")
    parser.add_argument("--check-convergence", action="store_true",
                        help="DFT: also scan k-spacing, cut-off, film thickness and vacuum of W_ad at the level (many more single points)")
    parser.add_argument("--shifts", type=int, default=2, metavar="N", help="registry shifts per in-plane direction in the rigid scan (default 2)")
    parser.add_argument("--supercell-cell", choices=("conventional", "slab"), default="conventional",
                        help="what --supercells counts: cells of the conventional surface cell (default; 'LiF(001) 3x3' = the 4.03 A "
                             "square) or of the slab's primitive surface cell")
    parser.add_argument("--strain-on", choices=("film", "substrate", "both"), default="film",
                        help="which slab takes the lattice mismatch: Li (default; soft), the substrate X, or both (each strained "
                             "onto the mean cell), for published cells built that way; strain_percent is then the larger of the two "
                             "(film_strain_percent, substrate_strain_percent)")
    parser.add_argument("--slab-references", action="store_true",
                        help="also give W_ad against slabs cut from the relaxed interface (frozen: the ideal work of separation, "
                             "work_of_separation_J_m2) and against the slabs as built, not relaxed (unrelaxed), as some papers "
                             "compute it: four more single points; slab_references lists the three")
    parser.add_argument("--gap-check", action=argparse.BooleanOptionalAction, default=None,
                        help="check that the kept relaxation stopped at a minimum along the film's approach (single points with "
                             "the film moved -/+0.25 A; where a side raises W_ad by > 0.005 J/m2, a second relaxation from the "
                             "parabola's vertex); default: on for DFT, off for ML")
    parser.add_argument("--cache-dir", default=None, help="job cache folder (default $LISSE_CACHE or ~/.cache/lisse); 'none' disables")
    parser.add_argument("--full", action="store_true", help="include the rigid scan and final structure in the JSON")


def _given(args) -> list[str]:
    """The options of this command given other than their defaults (dest names), in the order the parser defines them."""
    import argparse

    parser = argparse.ArgumentParser(add_help=False)
    add_arguments(parser)
    defaults = vars(parser.parse_args([]))
    return [k for k in defaults if k != "materials" and getattr(args, k, defaults[k]) != defaults[k]]


def _flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _refuse_unused(args) -> None:
    """Options that the chosen path would silently ignore are refused, named as typed (review s40)."""
    from lisse.errors import ParameterError

    given = _given(args)
    analytic = ("work_of_adhesion", "contact_angle", "li_surface_energy")
    if not args.materials:  # Young-Dupre from a given W_ad or angle: no workflow runs
        extra = [k for k in given if k not in analytic and not (k == "cache_dir" and str(args.cache_dir).lower() == "none")]
        if extra:
            raise ParameterError(f"{_flag(extra[0])}: applies to the atomistic workflow (lisse wetting Li X), not to "
                                 "--work-of-adhesion/--contact-angle; got it with no materials")
        return
    if "li_surface_energy" in given:
        raise ParameterError("--li-surface-energy: applies to --work-of-adhesion/--contact-angle; the workflow computes sigma_Li "
                             "itself with its calculator (li_surface_energy_J_m2 in its output); got it with materials")
    if "supercell_cell" in given and args.supercells is None:
        raise ParameterError("--supercell-cell: says what --supercells counts; got it without --supercells")
    if "refine_calculator" in given and args.refine_top is None:
        raise ParameterError("--refine-calculator: applies with --refine-top K; got it without")


def run(args):
    import math

    from lisse.errors import ParameterError
    from lisse.thermo.wetting import (
        DEFAULT_LI_SURFACE_ENERGY,
        contact_angle,
        li_surface_energy_labels,
        work_of_adhesion_from_angle,
    )

    sigma = DEFAULT_LI_SURFACE_ENERGY if args.li_surface_energy is None else args.li_surface_energy
    sigma_src = "user (--li-surface-energy)" if args.li_surface_energy is not None else "lisse default: 0.09/(1+cos 142 deg) from Ji2025's W_ad(Li|Li2CO3)/theta pair"
    if args.materials and (args.work_of_adhesion is not None or args.contact_angle is not None):
        raise ParameterError("give either materials (Li X) or --work-of-adhesion/--contact-angle, not both")
    _refuse_unused(args)
    if args.materials:
        if args.work_of_adhesion is not None or args.contact_angle is not None:
            raise ParameterError("give either materials (Li X) or --work-of-adhesion/--contact-angle, not both")
        if len(args.materials) < 2 or args.materials[0] != "Li":
            raise ParameterError(f"materials must be 'Li X' (film Li on substrate X) or 'Li X Y ...'; got {' '.join(args.materials)!r}")
        if len(args.materials) > 2:
            return _screen(args)
        if args.refine_top is not None:
            raise ParameterError("--refine-top needs a screen of several substrates: 'Li X Y ...'")
        return _workflow(args)
    # sigma_Li's default was fitted to Ji2025's Li|Li2CO3 pair (calibrated): the conversion says so
    cal = li_surface_energy_labels(sigma)
    if args.work_of_adhesion is not None:
        w = args.work_of_adhesion
        r = contact_angle(w, sigma)
        return {"work_of_adhesion_J_m2": w, "contact_angle_deg": r.contact_angle_deg, "li_surface_energy_J_m2": sigma,
                "li_surface_energy_source": sigma_src, "regime": r.regime, "clipped": r.clipped, **cal}
    if args.contact_angle is not None:
        th = math.degrees(args.contact_angle)
        w = work_of_adhesion_from_angle(th, sigma)
        r = contact_angle(w, sigma)
        return {"contact_angle_deg": th, "work_of_adhesion_J_m2": w, "li_surface_energy_J_m2": sigma, "li_surface_energy_source": sigma_src,
                "regime": r.regime, **cal}
    raise ParameterError("nothing to do: give --work-of-adhesion, --contact-angle, or two materials 'Li X'")


def add_dft_arguments(parser) -> None:
    """The DFT options shared by wetting and segregation: --level, --dispersion, --cutoff, --relax-mode, --prerelax,
    --prerelax-steps, --dft-log."""
    parser.add_argument("--level", choices=("screening", "publication", "test"), default=None,
                        help="DFT level with --calculator gpaw or cp2k (default screening; 'test' is a quick pipeline check, not converged)")
    parser.add_argument("--dispersion", choices=("d3",), default=None, help="add Grimme D3 dispersion (PBE parameters, zero damping) to --calculator gpaw or cp2k, or to an ML "
                             "potential (chgnet, sevennet: trained without dispersion; compare it with a PBE-D3 reference)")
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--cutoff", "eV", 'plane-wave cut-off of the DFT energies, overriding the level\'s (e.g. "450 eV" as Ji2025; with --calculator gpaw)')
    parser.add_argument("--relax-mode", choices=("pw", "lcao"), default=None,
                        help="basis of the position relaxations and rigid scans with --calculator (or --refine-calculator) gpaw, "
                             "overriding the level's (pw): 'lcao' (dzp) is cheaper per ionic step for large cells, not for small "
                             "slabs with many k-points; every reported energy stays a plane-wave single point on the relaxed "
                             "geometry, and fmax/converged judge the LCAO forces. Cell and cell-height relaxations (bulk cells, "
                             "segregation's X|Li|X cells) stay plane waves: LCAO has no stress")
    parser.add_argument("--prerelax", default=None, metavar="ML",
                        help="relax every structure with this ML calculator (e.g. chgnet; chgnet+d3 adds D3, as a PBE-D3 run's "
                             "dispersion pulls the film) before the DFT relaxation (with --calculator gpaw or cp2k)")
    parser.add_argument("--prerelax-steps", type=int, default=None, metavar="N",
                        help="step cap of the --prerelax relaxations of slabs and interfaces (default: each relaxation's own "
                             "cap, --steps where the command has it; bulk relaxations keep their own). A DFT relaxation that "
                             "stopped unconverged at --steps continues when rerun with more --steps; keep --prerelax-steps at "
                             "the first run's --steps so that it starts from the same ML geometry")
    parser.add_argument("--dft-log", default=None, metavar="FILE",
                        help="append GPAW's text output of every DFT calculation (SCF iterations, energies, forces) to FILE, each "
                             "after a header naming it, to follow a long run with 'tail -f FILE' (with --calculator or "
                             "--refine-calculator gpaw; never overwritten)")


def make_calculator(args, spec: str | None = None):
    """The calculator of ``--calculator`` (or ``spec``) with ``--level``, ``--dispersion``, ``--cutoff`` and ``--relax-mode`` (a LisseError
    when they do not apply)."""
    from lisse.atomistic.calculators import get_calculator
    from lisse.constants import ELEMENTARY_CHARGE
    from lisse.errors import ParameterError

    name = args.calculator if spec is None else spec
    opt = "--calculator" if spec is None else "--refine-calculator"  # the option that chose it, named in messages
    cutoff = getattr(args, "cutoff", None)
    relax_mode = getattr(args, "relax_mode", None)
    log = _dft_log(args)
    base, _, model = str(name).partition(":")
    if log is not None and base != "gpaw":
        raise ParameterError(f"--dft-log: expected {opt} gpaw (the log is GPAW's own output); found {opt} {name!r}")
    if base == "cp2k":  # the second DFT engine runs an external program: its adapter lives in lisse.io
        from lisse.io.cp2k import CP2KCalculator

        level = getattr(args, "level", None)
        if level is not None and model and level != model:
            raise ParameterError(f"calculator '{name}' names level {model!r} but --level {level!r} was given")
        if cutoff is not None:
            raise ParameterError(f"--cutoff: the plane-wave cut-off of {opt} gpaw; got {opt} {name!r}, whose density grid is set by --level")
        if relax_mode is not None:
            raise ParameterError(f"--relax-mode: GPAW's relaxation basis (pw or lcao), for {opt} gpaw; got {opt} {name!r}, which "
                                 "always runs Gaussian orbitals (GPW)")
        return CP2KCalculator(level or model or "screening", dispersion=getattr(args, "dispersion", None))
    calc = get_calculator(name, level=getattr(args, "level", None), dispersion=getattr(args, "dispersion", None))
    if log is not None:  # (base is gpaw: a GPAWCalculator)
        from lisse.atomistic.calculators import GPAWCalculator

        assert isinstance(calc, GPAWCalculator)
        calc = calc.variant(txt=log)
    if cutoff is None and relax_mode is None:
        return calc
    variant = getattr(calc, "variant", None)
    if variant is None:
        flag = "--cutoff" if cutoff is not None else "--relax-mode"
        raise ParameterError(f"{flag}: applies to the DFT calculator gpaw only ({opt} gpaw); got {opt} {name!r}")
    if cutoff is not None and not cutoff > 0:  # named as typed (the calculator would name its own 'ecut')
        raise ParameterError(f"--cutoff: expected a positive plane-wave cut-off; got {cutoff / ELEMENTARY_CHARGE:g} eV")
    return variant(ecut=None if cutoff is None else cutoff / ELEMENTARY_CHARGE, relax_mode=relax_mode)  # SI (J) -> eV


def _dft_log(args) -> str | None:
    """``--dft-log FILE`` checked before any work, as an absolute path; None when not given.

    FILE must be new, empty or an earlier lisse GPAW log (it starts with
    :data:`lisse.atomistic.calculators.GPAW_LOG_HEADER`): any other file, e.g. a structure the same command reads,
    is refused, not appended to. Parallel jobs (``--jobs`` > 1, ``--scheduler``) are refused: their logs would
    interleave line by line in one file.
    """
    import os
    from pathlib import Path

    from lisse.atomistic.calculators import GPAW_LOG_HEADER
    from lisse.errors import OutputError, ParameterError

    text = getattr(args, "dft_log", None)
    if text is None:
        return None
    if not str(text).strip():
        raise ParameterError("--dft-log: expected a file name; found an empty one")
    if getattr(args, "jobs", 1) != 1 or getattr(args, "scheduler", None):
        raise ParameterError("--dft-log: expected one job at a time (parallel calculations would interleave their logs in one "
                             f"file); found --jobs {getattr(args, 'jobs', 1)}" + (f" --scheduler {args.scheduler}" if args.scheduler else ""))
    p = Path(text).expanduser().resolve()
    if p.is_dir():
        raise ParameterError(f"--dft-log {text!r}: expected a file to append GPAW's log to; found a folder")
    if not p.parent.is_dir():
        raise ParameterError(f"--dft-log {text!r}: expected a file in an existing folder; found no folder '{p.parent}'")
    if p.exists():
        with open(p, encoding="utf-8", errors="replace") as fh:
            head = fh.read(len(GPAW_LOG_HEADER) + 64).lstrip()
        if head and not head.startswith(GPAW_LOG_HEADER):
            raise ParameterError(f"--dft-log {text!r}: expected a new file or an earlier lisse GPAW log (appended to); found "
                                 "another file, which lisse does not write into")
    if not os.access(p if p.exists() else p.parent, os.W_OK):
        raise OutputError(f"--dft-log {text!r}: expected a file lisse can append to; found it (or its folder) read-only", p)
    return str(p)


def parse_supercells(text: str | None):
    """``"4x4,3x3"`` -> ((4, 4), (3, 3)); None -> None; a ParameterError naming --supercells otherwise."""
    import re

    from lisse.errors import ParameterError

    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*,\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if m is None:
        raise ParameterError(f"--supercells must be two in-plane supercells 'NxN,MxM' (Li first, then X), e.g. 4x4,3x3; got {text!r}")
    n = [int(g) for g in m.groups()]
    if not all(1 <= k <= 12 for k in n):
        raise ParameterError(f"--supercells: each repetition must be a whole number from 1 to 12; got {text!r}")
    return (n[0], n[1]), (n[2], n[3])


def job_cache(args):
    """The job cache of ``--cache-dir`` (None for 'none'); a path that is a file is refused before any job runs."""
    from pathlib import Path

    from lisse.errors import ParameterError
    from lisse.io.atomistic_cache import JobCache, default_cache_dir

    if (args.cache_dir or "").lower() == "none":
        return None
    folder = Path(args.cache_dir or default_cache_dir()).expanduser()
    blocker = next((a for a in (folder, *folder.parents) if a.exists() and not a.is_dir()), None)
    if blocker is not None:
        where = "" if blocker == folder else f" ('{blocker}' is a file)"
        raise ParameterError(f"--cache-dir {str(folder)!r}: expected a folder for the job cache (or 'none'); found a file{where}")
    return JobCache(folder)



def check_workflow_counts(args) -> None:
    """--starts, --shifts, --steps and --fmax named as typed (the workflows name their own parameters)."""
    from lisse.errors import ParameterError

    for flag, val, low, high in (("--starts", getattr(args, "starts", None), 1, 50), ("--shifts", getattr(args, "shifts", None), 1, 10),
                                 ("--steps", getattr(args, "steps", None), 0, 100_000),
                                 ("--prerelax-steps", getattr(args, "prerelax_steps", None), 0, 100_000)):
        if val is not None and not low <= val <= high:
            raise ParameterError(f"{flag}: expected a whole number from {low} to {high}; got {val}")
    fmax = getattr(args, "fmax", None)
    if fmax is not None and not (fmax > 0 and fmax < float("inf")):
        raise ParameterError(f"--fmax: expected a positive force in eV/A; got {fmax:g}")


def _workflow_kw(args) -> dict:
    check_workflow_counts(args)
    kw = dict(film="Li", substrate_miller=tuple(args.substrate_miller), film_miller=tuple(args.film_miller),
              substrate_layers=args.substrate_layers, film_layers=args.film_layers, max_strain=args.max_strain, substrate_termination=args.termination,
              n_starts=args.starts, fmax=args.fmax, steps=args.steps, gaps=tuple(args.gaps), n_shift=args.shifts)
    sc = parse_supercells(args.supercells)
    if sc is not None:
        kw.update(film_supercell=sc[0], substrate_supercell=sc[1], supercell_cell=args.supercell_cell)
    if args.prerelax is not None:
        kw["prerelax"] = args.prerelax
    if args.prerelax_steps is not None:
        if args.prerelax is None:
            from lisse.errors import ParameterError

            raise ParameterError("--prerelax-steps: applies with --prerelax ML; got it without")
        kw["prerelax_steps"] = args.prerelax_steps
    if getattr(args, "strain_on", "film") != "film":
        kw["strained"] = args.strain_on
    if args.check_convergence:
        kw["check_convergence"] = True
    if getattr(args, "slab_references", False):
        kw["slab_references"] = True
    if getattr(args, "gap_check", None) is not None:
        kw["gap_check"] = args.gap_check
    return kw


def _gap_check_lines(g: dict | None) -> list[str]:
    """The gap check's rounds (:func:`lisse.atomistic.workflows.film_gap_check`), a line or two each; none when not run."""
    if g is None:
        return []
    lines = []
    for k, r in enumerate(g["rounds"], 1):
        sides = ", ".join(f"{p['offset_A']:+.2f} A: " + (f"not computed ({p.get('skipped')})" if p["adhesion_change_J_m2"] is None
                                                         else f"{p['adhesion_change_J_m2']:+.4f}") for p in r["points"])
        lines.append(f"  gap check {k} (W_ad change with the film moved rigidly, in the relaxation's settings, J/m2): {sides}; "
                     + ("at a minimum" if r["at_minimum"] else f"NOT at a minimum (gain > {g['threshold_J_m2']} J/m2)"))
        again = r["relaxed_again"]
        if again is not None:
            lines.append(f"  relaxed again from {again['from_offset_A']:+.3f} A: W_ad {again['adhesion_change_J_m2']:+.4f} J/m2 (final energies), "
                         f"{again['n_steps']} steps, converged {again['converged']}, "
                         + ("kept" if again["kept"] else "not kept" + (f" ({again['problem']})" if again["problem"] else " (higher energy)")))
    return lines


def _strain_text(res: dict) -> str:
    """"strain on Li 12.07 %", or both slabs' strains when the substrate took (part of) the mismatch (--strain-on)."""
    if res.get("strained", "film") == "film":
        return f"strain on Li {res['strain_percent']:.2f} %"
    return (f"strain on Li {res['film_strain_percent']:.2f} % and on {res['substrate']} {res['substrate_strain_percent']:.2f} % "
            f"(--strain-on {res['strained']})")


def _valid_adhesion(row: dict) -> bool:
    """Whether a screen row holds a valid, finite W_ad (not failed, not flagged ``work_of_adhesion_valid: false``)."""
    res = row.get("result")
    if row.get("status") != "ok" or res is None or res.get("work_of_adhesion_valid") is False:
        return False
    w = res.get("work_of_adhesion_J_m2")
    return isinstance(w, (int, float)) and math.isfinite(w)


def refine_candidates(rows: list[dict], k: int) -> list[str]:
    """The ``k`` substrates of a screen with the highest W_ad (best wetting first); failed or invalid rows never qualify.

    A row the workflow flags ``work_of_adhesion_valid: false`` (Li sunk into the substrate: the number is a reaction
    energy, not a W_ad) or whose W_ad is not finite is not ranked: its high "W_ad" would otherwise win.
    """
    ok = [r for r in rows if _valid_adhesion(r)]
    ok.sort(key=lambda r: -r["result"]["work_of_adhesion_J_m2"])
    return [r["substrate"] for r in ok[:k]]


def _screen(args) -> dict:
    from lisse.atomistic.calculators import get_calculator
    from lisse.atomistic.executors import adhesion_screen
    from lisse.cli.common import executor_kwargs
    from lisse.errors import ParameterError

    refine = args.refine_top is not None
    kw = _workflow_kw(args)
    if refine:  # --level/--dispersion/--prerelax belong to the refining DFT calculator; the screen runs the ML one
        if not 1 <= args.refine_top <= len(args.materials) - 1:
            raise ParameterError(f"--refine-top must be a whole number from 1 to the number of substrates ({len(args.materials) - 1}); got {args.refine_top}")
        rcalc = make_calculator(args, args.refine_calculator)
        calc = get_calculator(args.calculator)
        if calc.info.kind != "ml" or rcalc.info.kind != "dft":
            raise ParameterError(f"--refine-top screens with an ML --calculator and refines with a DFT --refine-calculator; got {args.calculator!r} "
                                 f"and {args.refine_calculator!r}")
        screen_kw = {k: v for k, v in kw.items() if k not in ("prerelax", "prerelax_steps", "check_convergence", "slab_references")}  # the DFT rows' options
    else:
        calc = make_calculator(args)  # validates --level/--dispersion
        screen_kw = kw
    # ML calculators travel by their label (each worker loads its own; the label keeps "+d3": review s48, --dispersion d3
    # was dropped when the name was passed)
    rows = adhesion_screen(args.materials[1:], calc if calc.info.kind == "dft" else calc.label(), job_cache(args), **executor_kwargs(args), **screen_kw)
    out: dict = {"screen": rows, "substrates_total": len(rows), "substrates_ok": sum(r["status"] == "ok" for r in rows),
                 "substrates_failed": sum(r["status"] == "error" for r in rows)}
    if refine:
        best = refine_candidates(rows, args.refine_top)
        ml_w = {r["substrate"]: r["result"]["work_of_adhesion_J_m2"] for r in rows if r["substrate"] in best}
        ref = adhesion_screen(best, rcalc, job_cache(args), **executor_kwargs(args), **kw) if best else []
        for r in ref:
            r["ml_work_of_adhesion_J_m2"] = ml_w[r["substrate"]]
        out["refined"] = ref
        invalid = [r["substrate"] for r in rows if r["status"] == "ok" and not _valid_adhesion(r)]
        out["refine_note"] = (f"ML ({calc.label()}) over all substrates, then DFT ({rcalc.label()}) on the {len(best)} with the highest ML W_ad; "
                              "rank by the DFT numbers (ML W_ad is screening grade)"
                              + (f"; not ranked (no valid ML W_ad): {', '.join(invalid)}" if invalid else ""))
        out["refine_not_ranked"] = invalid
    if not args.full:
        for r in rows + out.get("refined", []):
            if r["result"] is not None:
                r["result"].pop("structure", None)
                r["result"].pop("rigid_scan", None)
    failed = [r for r in rows + out.get("refined", []) if r["status"] == "error"]
    if failed:  # the screen is printed, but its exit status says that rows failed (as lisse evaluate does for stages)
        out["_exit_code"] = 1 if any(not r.get("user_error") for r in failed) else 2  # 1: a lisse bug, as lisse evaluate
        out["_stderr"] = [f"substrate {r['substrate']!r} failed: {r['error']}" for r in failed]
    return out


def _workflow(args) -> dict:
    from lisse.atomistic.workflows import adhesion_workflow
    from lisse.cli.common import progress_bar_for

    cache = job_cache(args)
    kw = _workflow_kw(args)
    calc = make_calculator(args)

    bar = progress_bar_for(args, None, "lisse wetting", unit="job", leave=True)

    def progress(r):  # a job finished: a bar on a terminal stderr (stdout carries the result), nothing under --json
        bar.set_postfix_str(f"{r.name} ({len(r.atoms)} atoms){' [cached]' if r.cached else ''}", refresh=False)
        bar.update(1)

    with bar:
        res = adhesion_workflow(calc, args.materials[1], cache=cache, on_job=progress, **kw)
    if not args.full:
        res.pop("structure", None)
        res.pop("rigid_scan", None)
    return res


def _or_na(x: float | None) -> str:
    """A measured change as text, ``n/a`` where it was not measured (never a zero that reads as converged)."""
    return "n/a" if x is None else f"{x:.4f}"


def _spread_text(res: dict) -> str:
    """The start-to-start spread of W_ad, or why there is none (one sane relaxation start measures no spread)."""
    spread = res.get("start_to_start_spread_J_m2")
    if spread is None:
        return f"not measured ({res.get('n_starts_sane', 1)} sane start)"
    return f"{spread:.3f} J/m2 over {res.get('n_starts_sane', 'several')} starts"


def render(res) -> str:
    if "screen" in res:
        lines = [f"{'substrate':10s} {'W_ad J/m2':>10s} {'theta deg':>10s}  regime / error"]
        for r in res["screen"]:
            if r["status"] == "ok":
                x = r["result"]
                # "not a work of adhesion" only where the workflow says so; other warnings (a sigma_Li slab: the angle) are notes
                label = "not a work of adhesion" if x.get("work_of_adhesion_valid") is False else "note"
                flag = f"  ({label}: " + "; ".join(x["warnings"]) + ")" if x.get("warnings") else ""
                lines.append(f"{r['substrate']:10s} {x['work_of_adhesion_J_m2']:10.3f} {x['contact_angle_deg']:10.1f}  {x['regime']}{flag}")
            else:
                lines.append(f"{r['substrate']:10s} {'-':>10s} {'-':>10s}  ERROR {r['error_type']}: {r['error']}")
        lines.append(f"{res['substrates_ok']} of {res['substrates_total']} substrates done, {res['substrates_failed']} failed")
        if "refined" in res:
            lines.append(f"refined: {res['refine_note']}")
            for r in res["refined"]:
                x = r["result"]
                dft = f"{x['work_of_adhesion_J_m2']:10.3f} {x['contact_angle_deg']:10.1f}" if r["status"] == "ok" else f"ERROR {r['error_type']}: {r['error']}"
                lines.append(f"{r['substrate']:10s} ML {r['ml_work_of_adhesion_J_m2']:8.3f} -> DFT {dft}")
            notes = {str(n) for r in res["refined"] if (n := ((r.get("result") or {}).get("prerelax") or {}).get("dispersion_note"))}
            lines += [f"NOTE: {n}" for n in sorted(notes)]
        return "\n".join(lines)
    if "substrate" in res:
        u = res.get("uncertainty", {})
        c = res["checks"]
        lines = [f"calculator {res.get('calculator')}" + (f", level {res['level']}" if res.get("level") else "")]
        lines += [
            f"Li{tuple(res['film_miller'])} | {res['substrate']}{tuple(res['substrate_miller'])}  ({res['provenance']['calculator']['name']}:{res['provenance']['calculator']['model']})",
            f"  W_ad = {res['work_of_adhesion_J_m2']:.3f} J/m2   theta = {res['contact_angle_deg']:.1f} deg ({res['regime']})  with sigma_Li = {res['li_surface_energy_J_m2']:.3f} J/m2 (same calculator)",
            f"  theta with lisse default sigma_Li {res['default_li_surface_energy_J_m2']:.4f} J/m2 (calibrated on Ji2025's Li|Li2CO3 "
            f"pair): {res['contact_angle_deg_default_sigma']:.1f} deg",
            f"  {_strain_text(res)}, area {res['interface_area_A2']:.1f} A2, {res['n_atoms_interface']} atoms; start-to-start spread {_spread_text(res)}",
            "  convergence: sigma_Li thickness change {} J/m2; +vacuum change {} J/m2; vacuum {:.1f} A > cutoff {:.1f} A; "
            "all relaxations converged to {} eV/A: {}".format(
                _or_na(c["li_surface_energy_thickness_change_J_m2"]),
                _or_na(c["vacuum_change_J_m2"]),
                c["vacuum_vs_cutoff_A"][0], c["vacuum_vs_cutoff_A"][1], c["fmax_target_eV_A"], c["all_relaxations_converged"])
            + ("" if res.get("li_surface_energy_converged", True) else " (film, substrate, interface; sigma_Li's Li slabs: False)"),
            *[f"  W_ad with {r['slab_reference']} slabs: {r['work_of_adhesion_J_m2']:.3f} J/m2 ({r['change_from_relaxed_J_m2']:+.3f})"
              for r in (res.get("slab_references") or [])[1:]],
            *_gap_check_lines(res.get("gap_check")),
            f"  stated uncertainty: {u.get('statement', 'n/a')}",
            *[f"  convergence: {r['quantity']} at {r['parameter']} = {r['value']}: {r['result']:.4f}"
              + ("" if r["change"] is None else f" (change {r['change']:+.4f}, tolerance {r['tolerance']}: {'ok' if r['converged'] else 'NOT converged'})")
              for r in res.get("convergence", [])],
            f"  wall time {res['provenance']['wall_s']:.0f} s, {res['provenance']['n_cached']}/{res['provenance']['n_jobs']} jobs from cache",
            *[f"  WARNING: {w}" for w in res.get("warnings", [])],
            *([f"  NOTE: {(res.get('prerelax') or {})['dispersion_note']}"] if (res.get("prerelax") or {}).get("dispersion_note") else []),
        ]
        return "\n".join(lines)
    if "contact_angle_deg" in res and "regime" in res:
        return (f"W_ad = {fmt(res['work_of_adhesion_J_m2'], 4)} J/m2  <->  theta = {res['contact_angle_deg']:.2f} deg ({res['regime']}); "
                f"sigma_Li = {res['li_surface_energy_J_m2']:.4f} J/m2 [{res['li_surface_energy_source']}]"
                + ("; calibrated: sigma_Li, fitted to " + res["calibrated_on"]["li_surface_energy"] if res.get("calibrated_parameters") else ""))
    from lisse.cli.common import render_auto

    return render_auto(res)
