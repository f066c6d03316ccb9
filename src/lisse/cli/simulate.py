"""``lisse simulate``: predict the critical current of a Li | interlayer | electrolyte interface (transient simulator).

Three actions: ``ccd`` (one CCD staircase through the simulator, judged by the same CCD/short detectors
as measured files), ``map`` (the predicted CCD over two parameters or against stack pressure) and
``design`` (the thinnest interlayer that holds a target current and capacity). The physics is in
:mod:`lisse.sim.interface`; this module parses, calls and renders.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

NAME = "simulate"
HELP = "transient plate/strip simulator: predicted CCD, CCD maps, interlayer design"
DESCRIPTION = (
    "Simulates the negative side of a symmetric cell (Li | optional interlayer | solid electrolyte) through a galvanostatic "
    "protocol and reports what the cycler would show: the simulated record is judged by the same CCD and short detectors "
    "that analyse measured files, so the predicted CCD follows the measured convention (the last stable step; the first "
    "failing step; 'no failure up to the search limit' is not a CCD). Parameters come from the materials library; a "
    "parameter fitted to an observation is listed as calibrated, with that observation. 'ccd' runs one staircase, 'map' "
    "the CCD over (sigma_e, sigma_ion), (thickness, porosity) or stack pressure, 'design' searches the thinnest interlayer "
    "that holds a target current and capacity."
)
EXAMPLES = """\
  lisse simulate ccd --interlayer LNI-5CNT --interlayer-thickness "90 um" --protocol fixed-time --step-time "1 h" --json
  lisse simulate ccd --interlayer LNI-0.5CNT --interlayer-thickness "90 um" --electrolyte LNI --pressure "1 MPa" --out run/
  lisse simulate ccd --interlayer none --electrolyte LLZTO --surface LLZTO-TfOH --step-capacity "0.2 mAh/cm2" --start 0.1 --increment 0.1
  lisse simulate map --kind conductivity --interlayer LNI-5CNT --interlayer-thickness "90 um" --points 20 --jobs 2 --out maps/
  lisse simulate map --kind pressure --interlayer none --electrolyte LPSC --pressure-range "0.1 MPa" "10 MPa" --json
  lisse simulate design --interlayer LNI-5CNT --target-current "4 mA/cm2" --target-capacity "4 mAh/cm2" --json
"""

_ACTIONS = {
    "ccd": ("predict the CCD of one interface with a current staircase",
            "  lisse simulate ccd --interlayer LNI-5CNT --interlayer-thickness \"90 um\" --protocol fixed-time --step-time \"1 h\" --json\n"
            "  lisse simulate ccd --interlayer none --electrolyte LLZTO --step-capacity \"0.2 mAh/cm2\" --out run/\n"
            "  lisse simulate ccd --interlayer LNI-0.5CNT --interlayer-thickness \"90 um\" --step-time \"1 h\" --points-per-half-cycle 40 --max-points-per-half-cycle 640\n"),
    "map": ("predicted CCD over (sigma_e, sigma_ion), (thickness, porosity) or against stack pressure",
            "  lisse simulate map --kind conductivity --interlayer LNI-5CNT --interlayer-thickness \"90 um\" --points 20 --out maps/\n"
            "  lisse simulate map --kind thickness-porosity --interlayer LNI-5CNT --thickness-range \"10 um\" \"200 um\" --json\n"
            "  lisse simulate map --kind pressure --interlayer none --electrolyte LPSC --json\n"),
    "design": ("the thinnest interlayer that holds a target current and capacity",
               "  lisse simulate design --interlayer LNI-5CNT --target-current \"4 mA/cm2\" --target-capacity \"4 mAh/cm2\" --json\n"),
}

#: Map kinds -> (axes, default ranges in SI, log spacing per axis).
MAP_KINDS = {
    "conductivity": (("sigma_e", "sigma_ion"), ((1e-6, 10.0), (1e-6, 1.0)), (True, True)),
    "thickness-porosity": (("thickness", "porosity"), ((5e-6, 200e-6), (0.1, 0.7)), (True, False)),
    "pressure": (("pressure",), ((0.1e6, 10e6),), (True,)),
}

#: Default points per map axis (a 10 x 10 map is 100 staircase simulations).
DEFAULT_MAP_POINTS = 10
#: Default start and step of a map's staircases [mA/cm2]: coarser than one CCD's 0.1 mA/cm2 because every map point
#: is a whole staircase (20 steps to 10 mA/cm2 instead of 100: about five times cheaper).
MAP_STEP = "0.5"


def _model_arguments(p: Any, *, design: bool = False) -> None:
    from lisse.cli.common import add_quantity

    g = p.add_argument_group("interface (names as 'lisse materials'; quantities take units)")
    g.add_argument("--interlayer", required=True, metavar="MATERIAL",
                   help="interlayer material (e.g. LNI-5CNT, LNI-0.5CNT, LNI-50CNT; LNI-25Mg: graded, built as sub-layers)" + ("" if design else "; 'none': the bare interface"))
    if not design:
        add_quantity(g, "--interlayer-thickness", "um", "interlayer thickness (required unless --interlayer none)")
    g.add_argument("--porosity", type=_fraction, default=None, metavar="X",
                   help="interlayer porosity, 0 < X < 1 (default: from the library, Archimedes density)")
    add_quantity(g, "--interlayer-sigma-ion", "S/cm", "interlayer ionic conductivity (default: the library's; needed for a "
                                                      "material the library has none for, e.g. '1e-9 S/cm')")
    add_quantity(g, "--interlayer-sigma-e", "S/cm", "interlayer electronic conductivity (default: the library's; needed for a "
                                                    "material the library has none for)")
    g.add_argument("--electrolyte", default=None, metavar="NAME", help="solid electrolyte (default: the model's, LNI)")
    g.add_argument("--surface", default=None, metavar="NAME",
                   help="surface treatment / layer of the electrolyte that sets the Li contact (e.g. LLZTO-TfOH, LLZTO-air, "
                        "LACSS; names as 'lisse materials'). Default: none, except a bare LLZTO gets LLZTO-air, the "
                        "untreated (air-exposed) surface of Ji2025's bare cells; 'none': no surface layer at all (the "
                        "electrolyte's own values); the JSON 'interface' says which")
    add_quantity(g, "--pressure", "MPa", "stack pressure (default: the papers' condition from the materials library: "
                                         "LNI 1 MPa (Wang2024), LPSC 6 MPa (Su2024's cells), LLZTO surfaces 0.1 MPa "
                                         "(assumed, coin cell); else 1 MPa; the JSON 'interface' gives the value used "
                                         "and its source)")
    add_quantity(g, "--temperature", "K", "temperature (default: the model's, 298.15 K)")
    kin = g.add_mutually_exclusive_group()
    add_quantity(kin, "--interfacial-resistance", "ohm*cm2",
                 "measured charge-transfer resistance of ONE Li | solid interface (EIS: half the interfacial arc of a "
                 "symmetric cell), used as i0 = RT/(F R_int) (default: the library's value for the surface or "
                 "electrolyte, else an assumed 1 mA/cm2; the JSON 'interface' gives the i0 used and its source)")
    add_quantity(kin, "--exchange-current", "mA/cm2", "measured exchange current density i0 of the Li | solid interface "
                                                      "(Tafel or EIS), instead of --interfacial-resistance")
    add_quantity(g, "--void-depth", "um", "void depth h_v: the Li thickness a stripping half cycle may remove without "
                                          "resupply before the contact is gone (measure it as the Li stripped before the "
                                          "voltage rises in a one-way strip without stack pressure; default 14.9 um, "
                                          "CALIBRATED on Singh2022's one-way strip of Li | Li6PS5Cl; without this option "
                                          "the JSON's 'void_depth_check' gives the CCD with the geometric h_v = 1 um)")
    add_quantity(g, "--li-contact-angle", "deg", "measured contact angle of Li on the solid the Li electrode touches "
                                                 "(sessile drop): the bare electrolyte's surface, or with an interlayer its "
                                                 "face, where it sets the capillary refill of voids (the pores keep the "
                                                 "interlayer's angle) (default: the library's angle for that solid, else "
                                                 "an assumed 90 deg; the JSON 'interface' gives the one used)",
                 dest="contact_angle")
    add_quantity(g, "--li-surface-energy", "J/m2", "Li surface energy sigma_Li in the capillary pressures of void refill and "
                                                   "interlayer entry and in the nucleation barriers (default 0.4245 J/m2, "
                                                   "CALIBRATED on Ji2025's Li|Li2CO3 pair W_ad = 0.09 J/m2 <-> 142 deg and "
                                                   "listed in calibrated_parameters; a DFT-PBE Li(100) value is 0.45-0.50 J/m2)",
                 dest="surface_energy")
    add_quantity(g, "--li-thickness", "um", "Li foil thickness of each electrode; stripping it all is a failure ('li_depleted') "
                                          "(default 50 um, assumed; 1 mAh/cm2 = 4.85 um)")


def _protocol_arguments(p: Any, first: str = "0.1") -> None:
    from lisse.cli.common import add_quantity

    g = p.add_argument_group("CCD staircase (plate then strip at each step)")
    g.add_argument("--protocol", choices=("fixed-time", "fixed-capacity"), default=None,
                   help="fixed time or fixed capacity per half cycle (default: from the step option given, else fixed-capacity)")
    step = g.add_mutually_exclusive_group()
    add_quantity(step, "--step-time", "h", "time per half cycle (fixed-time; default 1 h)")
    add_quantity(step, "--step-capacity", "mAh/cm2", "capacity per half cycle (fixed-capacity; default 0.2 mAh/cm2)")
    add_quantity(g, "--start", "mA/cm2", f"first current density (default {first} mA/cm2)", default=f"{first} mA/cm2")
    add_quantity(g, "--increment", "mA/cm2", f"current density step (default {first} mA/cm2)", default=f"{first} mA/cm2")
    add_quantity(g, "--max-current", "mA/cm2", "search limit: the highest step (default 10 mA/cm2)", default="10 mA/cm2")


def _out_arguments(p: Any, what: str) -> None:
    p.add_argument("--out", default=None, metavar="DIR", help=f"write {what} to DIR (atomically); DIR must be new, empty or made by lisse")
    p.add_argument("--overwrite", action="store_true", help="also write into an --out folder holding other files (written beside them: lisse never replaces a file it did not write)")


def _fraction_for(flag: str) -> Any:
    """An argparse type: a porosity in (0, 1), refused under the option's own name ``flag``."""
    def convert(text: str) -> float:
        from lisse.cli.common import OptionValueError

        try:
            x = float(text)
        except ValueError:
            raise OptionValueError(f"{flag}: expected a number between 0 and 1 (e.g. 0.3); got '{text}'") from None
        if not 0.0 < x < 1.0:
            raise OptionValueError(f"{flag}: expected a number between 0 and 1 (exclusive); got {text}")
        return x

    return convert


_fraction = _fraction_for("--porosity")


def _points(text: str) -> int:
    from lisse.cli.common import OptionValueError

    try:
        return int(text)
    except ValueError:
        raise OptionValueError(f"--points: expected a whole number of points per axis; got '{text}'") from None


def add_arguments(parser) -> None:
    from lisse.cli.common import add_executor_options, add_quantity

    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, (help_, ex) in _ACTIONS.items():
        p = sub.add_parser(name, help=help_, description=f"lisse simulate {name}: {help_}. " + DESCRIPTION,
                           epilog="examples:\n" + ex.rstrip(), formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the result as JSON (keys carry their unit)")
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the full traceback on error")
        _model_arguments(p, design=name == "design")
        if name in ("ccd", "map"):
            _protocol_arguments(p, "0.1" if name == "ccd" else MAP_STEP)
        if name == "ccd":
            p.add_argument("--points-per-half-cycle", type=_half_cycle_points, default=20, metavar="N",
                           help=f"time resolution the simulation starts at (default 20; 5 to {MAX_CLI_POINTS}). The prediction "
                                "is checked at twice it; where the two disagree, the time step is halved again until two "
                                "resolutions read the same failing step ('resolution_check' and its 'ladder' in the JSON)")
            p.add_argument("--max-points-per-half-cycle", type=_ladder_points, default=MAX_LADDER_POINTS, metavar="M",
                           help=f"finest time resolution the time step is halved to (default {MAX_LADDER_POINTS}; 5 to "
                                f"{MAX_SIMULATED_POINTS}; one check at twice --points-per-half-cycle always runs)")
            _out_arguments(p, "the prediction (JSON, with every model parameter and its source), the simulated record and "
                              "state (CSV) and the figure (PNG)")
        if name == "map":
            g = p.add_argument_group("map")
            g.add_argument("--kind", required=True, choices=tuple(MAP_KINDS), help="which parameters the map spans")
            g.add_argument("--points", type=_points, default=DEFAULT_MAP_POINTS, metavar="N",
                           help=f"points per axis (default {DEFAULT_MAP_POINTS}; each point is one staircase simulation)")
            add_quantity(g, "--sigma-e-range", "S/cm", "conductivity map: electronic conductivity range MIN MAX (default 1e-8 to 0.1)", nargs=2)
            add_quantity(g, "--sigma-ion-range", "S/cm", "conductivity map: ionic conductivity range MIN MAX (default 1e-8 to 0.01)", nargs=2)
            add_quantity(g, "--thickness-range", "um", "thickness-porosity map: thickness range MIN MAX (default 5 to 200)", nargs=2)
            g.add_argument("--porosity-range", type=_fraction_for("--porosity-range"), nargs=2, default=None, metavar="X",
                           help="thickness-porosity map: porosity range MIN MAX (default 0.1 to 0.7)")
            add_quantity(g, "--pressure-range", "MPa", "pressure map: stack pressure range MIN MAX (default 0.1 to 10)", nargs=2)
            add_executor_options(g, "map points")
            _out_arguments(p, "the map table (CSV) and figure (PNG)")
        if name == "design":
            g = p.add_argument_group("target")
            add_quantity(g, "--target-current", "mA/cm2", "current density the interlayer must hold", required=True)
            add_quantity(g, "--target-capacity", "mAh/cm2", "areal capacity per half cycle it must hold", required=True)
            g.add_argument("--cycles", type=int, default=5, metavar="N", help="plate/strip cycles each candidate must survive (default 5)")
            add_quantity(g, "--thickness-min", "um", "thinnest candidate (default 1 um)", default="1 um")
            add_quantity(g, "--thickness-max", "um", "thickest candidate: the search bound (default 200 um)", default="200 um")
        p.set_defaults(_parser=p)


# ---------------------------------------------------------------------------------------------------
# building the model and protocol from the options


def _is_none(name: str | None) -> bool:
    return name is not None and name.strip().lower() in ("none", "bare", "")


def model_kwargs(args: Any) -> dict[str, Any]:
    """The :func:`lisse.sim.interface.build_model` keyword arguments of the interface options (SI floats).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options of ``lisse simulate ccd|map|design``.

    Returns
    -------
    dict
        ``interlayer`` (None for a bare interface), and ``interlayer_thickness``, ``porosity``, ``electrolyte``,
        ``pressure``, ``temperature``, ``interlayer_sigma_ion`` and ``interlayer_sigma_e`` [S/m] where given.

    Raises
    ------
    ParameterError
        A thickness, porosity or conductivity given with ``--interlayer none``, or an interlayer without a thickness.
    """
    from lisse.errors import ParameterError

    bare = _is_none(args.interlayer)
    thickness = getattr(args, "interlayer_thickness", None)
    sigmas = {"interlayer_sigma_ion": getattr(args, "interlayer_sigma_ion", None),
              "interlayer_sigma_e": getattr(args, "interlayer_sigma_e", None)}
    if bare:
        for flag, v in (("--interlayer-thickness", thickness), ("--porosity", args.porosity),
                        ("--interlayer-sigma-ion", sigmas["interlayer_sigma_ion"]),
                        ("--interlayer-sigma-e", sigmas["interlayer_sigma_e"])):
            if v is not None:
                raise ParameterError(f"{flag}: expected no value with --interlayer none (the bare interface has no interlayer); "
                                     f"got one")
    elif thickness is None and args.action == "ccd":
        raise ParameterError(f"--interlayer-thickness: required with --interlayer {args.interlayer} (e.g. '90 um'); not given")
    kw: dict[str, Any] = {"interlayer": None if bare else args.interlayer}
    for key, v in (("interlayer_thickness", thickness), ("porosity", args.porosity), ("electrolyte", args.electrolyte),
                   ("surface", args.surface), ("pressure", args.pressure), ("temperature", args.temperature),
                   ("li_thickness", getattr(args, "li_thickness", None)), *sigmas.items(),
                   ("interfacial_resistance", getattr(args, "interfacial_resistance", None)),
                   ("exchange_current", getattr(args, "exchange_current", None)),
                   ("contact_angle", getattr(args, "contact_angle", None)),
                   ("surface_energy", getattr(args, "surface_energy", None)),
                   ("void_depth", getattr(args, "void_depth", None))):
        if v is not None:
            kw[key] = v
    if thickness is not None and thickness <= 0:
        raise ParameterError(f"--interlayer-thickness: expected a positive thickness; got {thickness * 1e6:g} um")
    if "surface" in kw and _is_none(kw["surface"]):
        kw["surface"] = "none"  # build_model's word for no surface layer at all (not even a bare LLZTO's default)
    _check_names(args, bare)
    return kw


def _check_names(args: Any, bare: bool) -> None:
    """Material options named as typed: an unknown name, or a --surface that sets nothing on the Li contact."""
    from lisse.errors import LisseError, ParameterError
    from lisse.materials import get_material

    given = [("--electrolyte", getattr(args, "electrolyte", None))]
    if not bare:
        given += [("--interlayer", part.strip()) for part in str(args.interlayer).split("/")]
    surface = getattr(args, "surface", None)
    for flag, name in given + ([("--surface", surface)] if surface is not None and not _is_none(surface) else []):
        if name is None:
            continue
        try:
            mat = get_material(name)
        except LisseError as exc:
            raise ParameterError(f"{flag}: {exc}") from None
        if flag == "--electrolyte" and not mat.has("ionic_conductivity"):
            raise ParameterError(f"--electrolyte: expected a solid electrolyte with an ionic conductivity in the library (e.g. "
                                 f"LLZTO, LPSC, LNI); got '{name}', which has none")
        if flag == "--surface":
            from lisse.sim.interface.model import refuse_contactless_surface

            refuse_contactless_surface(mat, name, "--surface", ", e.g. LLZTO-TfOH, LACSS; --surface none for the electrolyte's "
                                                               "own surface")


def protocol_kwargs(args: Any) -> dict[str, Any]:
    """The :func:`lisse.sim.interface.staircase` arguments of the protocol options (SI floats).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options of ``lisse simulate ccd|map``.

    Returns
    -------
    dict
        ``kind`` ("fixed-time" | "fixed-capacity"), ``start``, ``increment``, ``max_current`` [A/m2] and
        ``step_time`` [s] or ``step_capacity`` [C/m2].

    Raises
    ------
    ParameterError
        A step option that does not belong to ``--protocol``, or a non-positive start, increment or limit.
    """
    from lisse.errors import ParameterError

    kind = args.protocol
    if kind is None:
        kind = "fixed-time" if args.step_time is not None else "fixed-capacity"
    if kind == "fixed-time" and args.step_capacity is not None:
        raise ParameterError("--step-capacity: does not apply to --protocol fixed-time (give --step-time, e.g. '1 h')")
    if kind == "fixed-capacity" and args.step_time is not None:
        raise ParameterError("--step-time: does not apply to --protocol fixed-capacity (give --step-capacity, e.g. '0.2 mAh/cm2')")
    for flag, v in (("--start", args.start), ("--increment", args.increment), ("--max-current", args.max_current)):
        if not v > 0:
            raise ParameterError(f"{flag}: expected a positive current density; got {v / 10:g} mA/cm2")
    if args.max_current < args.start:
        raise ParameterError(f"--max-current: expected at least --start ({args.start / 10:g} mA/cm2); got {args.max_current / 10:g} mA/cm2")
    ratio = (args.max_current - args.start) / args.increment * (1 + 1e-12)  # as the staircase counts its steps
    n_steps = int(math.floor(ratio)) + 1 if math.isfinite(ratio) and ratio < 1e15 else math.inf
    if n_steps > MAX_STAIRCASE_STEPS:
        raise ParameterError(f"--increment: expected at most {MAX_STAIRCASE_STEPS} steps from --start to --max-current; got "
                             f"{n_steps if math.isfinite(n_steps) else 'more than 1e15'} "
                             f"({args.start / 10:g} to {args.max_current / 10:g} mA/cm2 by {args.increment / 10:g}): use a larger "
                             f"--increment or a smaller --max-current")
    kw: dict[str, Any] = {"kind": kind, "start": args.start, "increment": args.increment, "max_current": args.max_current}
    if kind == "fixed-time":
        kw["step_time"] = 3600.0 if args.step_time is None else args.step_time
    else:
        kw["step_capacity"] = 0.2 * 3.6e4 if args.step_capacity is None else args.step_capacity
    for key in ("step_time", "step_capacity"):
        if key in kw and not kw[key] > 0:
            shown = f"{kw[key] / 3600.0:g} h" if key == "step_time" else f"{kw[key] / 3.6e4:g} mAh/cm2"
            raise ParameterError(f"--{key.replace('_', '-')}: expected a positive value; got {shown}")
    # the simulator's bound on one half cycle (MAX_HALF_CYCLE_S, restated so that --help does not import it; a test keeps
    # them equal), named as typed
    longest = kw.get("step_time", kw.get("step_capacity", 0.0) / kw["start"])
    if longest > MAX_HALF_CYCLE_H * 3600.0:
        if kind == "fixed-time":
            raise ParameterError(f"--step-time: expected at most {MAX_HALF_CYCLE_H:g} h per half cycle; got {longest / 3600:g} h")
        raise ParameterError(f"--start: expected a first step whose half cycle (--step-capacity / --start) lasts at most "
                             f"{MAX_HALF_CYCLE_H:g} h; got {kw['step_capacity'] / 3.6e4:g} mAh/cm2 at {kw['start'] / 10:g} mA/cm2, "
                             f"{longest / 3600:.4g} h")
    return kw


def _staircase(kw: dict[str, Any]) -> Any:
    from lisse.sim.interface import staircase

    kw = dict(kw)
    return staircase(kw.pop("kind"), **kw)


# ---------------------------------------------------------------------------------------------------
# actions


def run(args):
    if args.action == "ccd":
        return _run_ccd(args)
    if args.action == "map":
        return _run_map(args)
    return _run_design(args)


def _progress(args: Any, total: int | None, what: str):
    from lisse.cli.common import progress_bar_for

    return progress_bar_for(args, total, f"lisse simulate: {what}", unit="sim")


def _rung_progress(bar: Any) -> Any:
    """``progress(done, total)`` for the time-step ladder's re-runs: each starts the bar again, labelled by its rung."""
    from lisse.io.progress import progress_callback

    update = progress_callback(bar)
    state = {"last": -1, "rung": 0}

    def report(done: int, total: int) -> None:
        if state["rung"] == 0 or done < state["last"]:  # a new re-run (the ladder's progress restarts at each)
            state["rung"] += 1
            bar.set_postfix_str(f"time-step check {state['rung']} (twice the points of the last)")
        state["last"] = done
        update(done, total)

    return report


def _describe(kw: dict[str, Any]) -> dict[str, Any]:
    """The interface options as JSON-ready display values."""
    out: dict[str, Any] = {"interlayer": kw.get("interlayer") or "none"}
    if "interlayer_thickness" in kw:
        out["interlayer_thickness_um"] = round(kw["interlayer_thickness"] * 1e6, 9)
    for key in ("interlayer_sigma_ion", "interlayer_sigma_e"):  # given on the command line (S/m -> S/cm)
        if key in kw:
            out[f"{key}_S_cm"] = kw[key] / 100.0
    if "porosity" in kw:
        out["porosity"] = kw["porosity"]
    for key in ("electrolyte", "surface"):
        if key in kw:
            out[key] = kw[key]
    if "pressure" in kw:
        out["pressure_MPa"] = round(kw["pressure"] / 1e6, 12)
    if "temperature" in kw:
        out["temperature_K"] = kw["temperature"]
    if "interfacial_resistance" in kw:
        out["interfacial_resistance_ohm_cm2"] = kw["interfacial_resistance"] * 1e4
    if "exchange_current" in kw:
        out["exchange_current_mA_cm2"] = kw["exchange_current"] / 10.0
    if "contact_angle" in kw:
        out["li_contact_angle_deg"] = round(math.degrees(kw["contact_angle"]), 9)
    if "void_depth" in kw:
        out["void_depth_given_um"] = kw["void_depth"] * 1e6
    return out


#: The simulator's coarsest and finest time resolution [points per half cycle]
#: (:data:`lisse.sim.interface.transient.MIN_SIMULATED_POINTS`, ``MAX_SIMULATED_POINTS``; restated so that ``--help`` does
#: not import the simulator, and kept equal by ``tests/interface/test_resolution_check.py``).
MIN_SIMULATED_POINTS = 5
MAX_SIMULATED_POINTS = 10_000

#: Finest ``--points-per-half-cycle``: the time-step check runs at twice it, and the simulator takes at most 10000.
MAX_CLI_POINTS = MAX_SIMULATED_POINTS // 2

#: Default ``--max-points-per-half-cycle`` (:data:`lisse.sim.interface.predict.MAX_LADDER_POINTS`, restated as above).
MAX_LADDER_POINTS = 320

#: Longest half cycle [h] (:data:`lisse.sim.interface.protocol.MAX_HALF_CYCLE_S` / 3600, restated as above).
MAX_HALF_CYCLE_H = 10_000.0

#: Most steps of one staircase (:data:`lisse.sim.interface.protocol.MAX_HALF_CYCLES` / 2 half cycles a step, restated as above).
MAX_STAIRCASE_STEPS = 10_000


def _whole_number(text: str, option: str, low: int, high: int, why: str) -> int:
    """``text`` as a whole number in [low, high] ("1e3" is 1000, as a study's TOML number is); else a one-line error."""
    from lisse.cli.common import OptionValueError

    expected = f"a whole number from {low} to {high}{why}"
    try:
        x = float(text)
    except ValueError:
        raise OptionValueError(f"{option}: expected {expected}; got '{text}'") from None
    if not math.isfinite(x) or x != math.floor(x):
        raise OptionValueError(f"{option}: expected {expected}; got '{text}'")
    if not low <= x <= high:
        raise OptionValueError(f"{option}: expected {expected}; got '{text}'")
    return int(x)


def _half_cycle_points(text: str) -> int:
    return _whole_number(text, "--points-per-half-cycle", MIN_SIMULATED_POINTS, MAX_CLI_POINTS, " (the check runs at twice it)")


def _ladder_points(text: str) -> int:
    return _whole_number(text, "--max-points-per-half-cycle", MIN_SIMULATED_POINTS, MAX_SIMULATED_POINTS, "")


def _model_conditions(model: Any) -> dict[str, Any]:
    """The conditions the model actually uses, with their sources (defaults the user did not give are stated)."""
    v, src = model.values, model.sources
    return {"surface": model.surface or "none", "surface_source": src.get("surface", "none given"),
            "pressure_MPa": round(v["pressure"] / 1e6, 12), "pressure_source": src.get("pressure", ""),
            "li_thickness_um": round(v["li_thickness"] * 1e6, 9), "li_thickness_source": src.get("li_thickness", ""),
            "exchange_current_mA_cm2": v["exchange_current"] / 10.0, "exchange_current_source": src.get("exchange_current", ""),
            "li_contact_angle_deg": round(math.degrees(v["contact_angle"]), 9), "li_contact_angle_source": src.get("contact_angle", ""),
            "li_surface_energy_J_m2": v["surface_energy"], "li_surface_energy_source": src.get("surface_energy", ""),
            "void_depth_um": v["void_depth_ratio"] * v["void_size"] * 1e6, "void_depth_source": src.get("void_depth_ratio", "")}


def _protocol_dict(kw: dict[str, Any]) -> dict[str, Any]:
    d = {"start_mA_cm2": kw["start"] / 10, "increment_mA_cm2": kw["increment"] / 10, "search_limit_mA_cm2": kw["max_current"] / 10}
    if "step_time" in kw:
        d["step_time_h"] = kw["step_time"] / 3600
    else:
        d["step_capacity_mAh_cm2"] = kw["step_capacity"] / 3.6e4
    return d


def _check_foil(model: Any, proto: Any, pkw: dict[str, Any]) -> None:
    """Refuse a staircase whose first half cycle strips the whole foil, naming the options that set both."""
    from lisse.sim.interface.transient import check_foil

    if "step_capacity" in pkw:
        what = f"--step-capacity {pkw['step_capacity'] / 3.6e4:g} mAh/cm2"
    else:
        what = f"--start {pkw['start'] / 10:g} mA/cm2 for --step-time {pkw['step_time'] / 3600:g} h"
    check_foil(model, proto, what=what, foil="--li-thickness")


def _run_ccd(args: Any) -> dict[str, Any]:
    from lisse.sim.interface import build_model, predict_ccd
    from lisse.sim.interface.predict import converge_time_step, resolution_warning, void_depth_check

    mkw = model_kwargs(args)
    pkw = protocol_kwargs(args)
    out = None
    if args.out is not None:  # claim the folder before the work: a refused folder costs nothing
        from lisse.io.outputs import claim_output_folder

        out = claim_output_folder(args.out, overwrite=args.overwrite, outputs=CCD_OUTPUTS)
    model = build_model(**mkw)
    proto = _staircase(pkw)
    _check_foil(model, proto, pkw)
    with _progress(args, None, "CCD staircase") as bar:
        from lisse.io.progress import progress_callback

        pred = predict_ccd(model, proto, progress=progress_callback(bar), points_per_half_cycle=args.points_per_half_cycle)
        # the same staircase at twice the time resolution, halved again until two resolutions read the same failing step:
        # a CCD that moves with the time step is not a number yet
        from lisse.errors import LisseError

        try:  # its failure never drops the prediction (nor its --out files)
            pred, check = converge_time_step(model, proto, pred, max_points_per_half_cycle=args.max_points_per_half_cycle,
                                             progress=_rung_progress(bar))
            warning = resolution_warning(pred, check)
        except LisseError as exc:
            check = {"error": str(exc)}
            warning = f"the time-step check (the same staircase at twice the points) could not run: {exc}"
    result = dict(pred.as_dict())
    result["resolution_check"] = check
    if warning:
        result["warnings"] = [*result.get("warnings", []), warning]
    result["calibrated_parameters"] = list(pred.calibrated_parameters)
    result.setdefault("calibrated_on", {})  # name -> the observation each calibrated parameter was fitted to
    result["interface"] = {**_describe(mkw), **_model_conditions(model)}
    result["staircase"] = _protocol_dict(pkw)
    # the CCD with the geometric void depth (h_v = lambda) beside the calibrated default; null when --void-depth given
    result["void_depth_check"] = void_depth_check(model, proto, points_per_half_cycle=pred.points_per_half_cycle)
    if out is not None:
        result["files"] = _write_ccd(out, pred, result, model)
    return result


#: The files ``simulate ccd --out`` writes (:func:`_write_ccd`).
CCD_OUTPUTS = ("prediction.json", "simulated_record.csv", "simulated_state.csv", "simulated_ccd.png")


def _map_name(kind: str) -> str:
    """Stem of the files ``simulate map --kind KIND --out`` writes."""
    return f"ccd_map_{kind.replace('-', '_')}"


def _write_ccd(out: Any, pred: Any, result: dict[str, Any], model: Any) -> list[str]:
    import io
    import json

    import pandas as pd

    from lisse.io.outputs import atomic_write_text, mark_output_files, save_figure
    from lisse.params import with_calibrated_column
    from lisse.plot.interface import simulation_figure

    sim = pred.simulation
    files = []
    # the prediction itself travels with the record: the --json object, plus every model parameter (SI value, source,
    # calibrated), so a folder kept without the terminal output still names what was calibrated and on what
    params = {k: {"value_si": v, "source": src, "calibrated": cal}
              for k, (v, _unit, src, cal) in model.parameters.items()}
    files.append(str(atomic_write_text(out / CCD_OUTPUTS[0],
                                       json.dumps({**result, "model_parameters": params}, indent=2, default=str) + "\n")))
    rec = sim.record
    # the tables name the calibrated parameters too: a CSV copied out of the folder must not pass as independent
    cal = pred.calibrated_parameters
    buf = io.StringIO()
    pd.DataFrame(with_calibrated_column({"time_s": rec.time_s, "voltage_V": rec.voltage_V, "current_A": rec.current_A},
                                        cal)).to_csv(buf, index=False)
    files.append(str(atomic_write_text(out / CCD_OUTPUTS[1], buf.getvalue())))
    buf = io.StringIO()
    pd.DataFrame(with_calibrated_column(pd.DataFrame(sim.state), cal)).to_csv(buf, index=False)
    files.append(str(atomic_write_text(out / CCD_OUTPUTS[2], buf.getvalue())))
    t_fail = _failure_time(pred)
    d = pred.as_dict()
    ccd, failing = d.get("ccd_mA_cm2"), d.get("failing_current_density_mA_cm2")
    short = (f">= {ccd:.3g} mA/cm2 (search limit)" if failing is None and ccd is not None else
             f"< {failing:.3g} mA/cm2" if ccd is None and failing is not None else
             f"{ccd:.3g} mA/cm2, fails at {failing:.3g}" if ccd is not None else "-")
    fig = simulation_figure(rec, sim.state, t_fail, title=f"predicted CCD {short}", calibrated=pred.calibrated_parameters)
    files.append(str(save_figure(fig, out / CCD_OUTPUTS[3])))
    mark_output_files(out, files)
    return files


def _failure_time(pred: Any) -> float | None:
    """Time of the detected failure [s]: the detector's when the prediction carries one, else the simulator's."""
    t = getattr(pred, "failure_time_s", None)
    if t is None:
        t = getattr(pred.simulation, "failure_time_s", None)
    return None if t is None else float(t)


def _ranges(args: Any, kind: str) -> list[Any]:
    import numpy as np

    from lisse.errors import ParameterError
    from lisse.params import check_count
    from lisse.sim.interface.maps import MAX_AXIS_POINTS

    names, defaults, logs = MAP_KINDS[kind]
    n = check_count(args.points, "--points", 2, MAX_AXIS_POINTS, "each point is one staircase simulation")
    flags = {"sigma_e": "sigma_e_range", "sigma_ion": "sigma_ion_range", "thickness": "thickness_range",
             "porosity": "porosity_range", "pressure": "pressure_range"}
    for other, dest in flags.items():  # a range for an axis this kind does not have would be silently ignored
        if other not in names and getattr(args, dest) is not None:
            raise ParameterError(f"--{dest.replace('_', '-')}: does not apply to --kind {kind} (axes: {', '.join(names)})")
    axes = []
    for name, default, log in zip(names, defaults, logs):
        lo, hi = getattr(args, flags[name]) or default
        if not (0 < lo < hi):
            from lisse.sim.interface.maps import AXES

            unit, scale = AXES[name][1], AXES[name][2]
            raise ParameterError(f"--{flags[name].replace('_', '-')}: expected 0 < MIN < MAX; got {lo / scale:g} and "
                                 f"{hi / scale:g} {unit}".rstrip())
        from lisse.sim.interface.maps import AXES
        from lisse.sim.interface.model import SCHEMA

        spec = SCHEMA.get(AXES[name][0])
        if spec is not None and spec.high is not None and hi > float(spec.high):  # the model's bound, named as typed
            unit, scale = AXES[name][1], AXES[name][2]
            raise ParameterError(f"--{flags[name].replace('_', '-')}: expected MAX at most {float(spec.high) / scale:g} {unit}; "
                                 f"got {hi / scale:g} {unit}".replace("  ", " ").rstrip())
        axes.append(np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n))
    return axes


def _run_map(args: Any) -> dict[str, Any]:
    import io

    import numpy as np
    import pandas as pd

    from lisse.cli.common import executor_kwargs, fmt
    from lisse.errors import ParameterError
    from lisse.io.progress import progress_callback
    from lisse.sim.interface import maps

    mkw = model_kwargs(args)
    pkw = protocol_kwargs(args)
    kind = args.kind
    axes = _ranges(args, kind)
    spanned = {"conductivity": ("interlayer_sigma_e", "interlayer_sigma_ion"), "thickness-porosity": ("interlayer_thickness", "porosity"),
               "pressure": ("pressure",)}[kind]
    for key in spanned:  # the map spans it: a single value would be silently replaced
        if key in mkw:
            flag = {"interlayer_thickness": "--interlayer-thickness", "porosity": "--porosity", "pressure": "--pressure",
                    "interlayer_sigma_e": "--interlayer-sigma-e", "interlayer_sigma_ion": "--interlayer-sigma-ion"}[key]
            raise ParameterError(f"{flag}: not with --kind {kind}, whose map spans it (give its range instead)")
    out = None
    if args.out is not None:
        from lisse.io.outputs import claim_output_folder

        name = _map_name(kind)
        out = claim_output_folder(args.out, overwrite=args.overwrite,
                                  outputs=(f"{name}.csv", f"{name}.png", f"{name}_time_step_check.csv"))
    proto = _staircase(pkw)
    from lisse.sim.interface import build_model

    _check_foil(build_model(**mkw), proto, pkw)  # every point has the same foil and the same first half cycle
    total = int(np.prod([a.size for a in axes]))
    with _progress(args, total, f"{kind} map") as bar:
        run_kw = {"progress": progress_callback(bar), **executor_kwargs(args)}
        if kind == "conductivity":
            m = maps.map_conductivities(mkw, axes[0], axes[1], proto, **run_kw)
        elif kind == "thickness-porosity":
            m = maps.map_thickness_porosity(mkw, axes[0], axes[1], proto, **run_kw)
        else:
            m = maps.map_pressure(mkw, axes[0], proto, **run_kw)
    table = maps.map_table(m)
    conditions = _model_conditions(build_model(**mkw))
    if kind == "pressure":  # the map spans it
        conditions = {k: c for k, c in conditions.items() if not k.startswith("pressure")}
    ccd = np.asarray(m["ccd"], dtype=float)
    result: dict[str, Any] = {
        "kind": kind, "points": total, "protocol": m["protocol"], "interface": {**_describe(mkw), **conditions},
        "staircase": _protocol_dict(pkw),
        "ccd_min_mA_cm2": float(np.nanmin(ccd)) / 10 if np.isfinite(ccd).any() else None,
        "ccd_max_mA_cm2": float(np.nanmax(ccd)) / 10 if np.isfinite(ccd).any() else None,
        "points_at_search_limit": int(np.sum(m["search_limit_reached"])),
        "points_ccd_lower_bound": int(np.sum(maps.ccd_lower_bounds(m))),
        # the smallest CCD is itself only a bound when the point holding it is one
        "ccd_min_is_lower_bound": bool(np.isfinite(ccd).any() and maps.ccd_lower_bounds(m).ravel()[int(np.nanargmin(ccd))]),
        "points_without_stable_step": int(np.sum(~np.isfinite(ccd))),
        "points_not_judged": sum(str(v).startswith("not judged") for v in np.asarray(m["failure_mode"], dtype=object).ravel()),
        "calibrated_parameters": list(m["calibrated_parameters"]),
        "calibrated_on": dict(m.get("calibrated_on") or {}),
        "table": table,
    }
    # the map's own time-step check: a few points re-run at twice their points per half cycle
    audit = maps.resolution_audit_rows(m)
    result["resolution_audit_points"] = len(audit)
    result["resolution_audit_agree"] = sum(r["agrees"] is True for r in audit)
    result["resolution_audit"] = audit
    warnings = []
    for verdict, text in ((False, "read another failing step"), (None, "could not be judged there")):
        hit = [r for r in audit if r["agrees"] is verdict]
        if hit:
            where = "; ".join(", ".join(f"{k} {fmt(v, 3)}" for k, v in r.items() if k not in _AUDIT_READINGS) for r in hit)
            warnings.append(f"{len(hit)} of {len(audit)} map points re-run at twice the time resolution {text} ({where})"
                            + ("" if verdict is None else ": the map's verdicts move with the time step there; check single "
                               "points with lisse simulate ccd --points-per-half-cycle"))
    from lisse.sim.interface.predict import FIRST_STEP_CONTACT_WARNING, STABLE_CONTACT_WARNING

    first = np.asarray(m["contact_fraction_min_first_step"], dtype=float)
    stable = np.asarray(m["contact_fraction_min_stable_steps"], dtype=float)
    # a point whose first step failed read no CCD: its first-step contact is no caveat on a verdict (NaN compares False)
    lost = (np.isfinite(ccd) & (first < FIRST_STEP_CONTACT_WARNING)) | (stable < STABLE_CONTACT_WARNING)
    result["points_contact_lost_before_verdict"] = int(np.sum(lost))
    if lost.any():
        warnings.append(f"{int(np.sum(lost))} of {total} map points read their CCD after the simulated Li contact was lost "
                        f"(below {FIRST_STEP_CONTACT_WARNING:g} in the first step, or below {STABLE_CONTACT_WARNING:g} in steps "
                        "judged stable): there the CCD is the voltage's verdict, not the contact's (columns "
                        "contact_fraction_min_first_step / contact_fraction_min_stable_steps of the table)")
    if warnings:
        result["warnings"] = warnings
    if out is not None:
        from lisse.io.outputs import atomic_write_text, mark_output_files, save_figure
        from lisse.params import with_calibrated_column
        from lisse.plot.interface import ccd_map_figure

        name = _map_name(kind)
        buf = io.StringIO()
        pd.DataFrame(table).to_csv(buf, index=False)
        files = [str(atomic_write_text(out / f"{name}.csv", buf.getvalue()))]
        files.append(str(save_figure(ccd_map_figure(m, f"predicted CCD ({m['protocol']})"), out / f"{name}.png")))
        if audit:  # the map's time-step check beside it
            buf = io.StringIO()
            pd.DataFrame(with_calibrated_column(pd.DataFrame(audit), m["calibrated_parameters"])).to_csv(buf, index=False)
            files.append(str(atomic_write_text(out / f"{name}_time_step_check.csv", buf.getvalue())))
        mark_output_files(out, files)
        result["files"] = files
    return result


#: Keys of a map's resolution-audit row that are readings, not the point's coordinates.
_AUDIT_READINGS = ("index", "ccd_mA_cm2", "failing_current_density_mA_cm2", "ccd_at_twice_the_points_mA_cm2",
                   "failing_current_density_at_twice_the_points_mA_cm2", "points_per_half_cycle", "agrees", "note")


#: Interface options that ``design`` passes on to every candidate's model (the others are its own arguments).
_DESIGN_OVERRIDES = ("surface", "li_thickness", "interlayer_sigma_ion", "interlayer_sigma_e", "interfacial_resistance",
                     "exchange_current", "contact_angle", "surface_energy", "void_depth")


def _run_design(args: Any) -> dict[str, Any]:
    from lisse.cli.common import fmt
    from lisse.errors import ParameterError
    from lisse.io.progress import progress_callback
    from lisse.sim.interface.maps import design_interlayer

    if _is_none(args.interlayer):
        raise ParameterError("--interlayer: expected an interlayer material to size (e.g. LNI-5CNT); got none")
    from lisse.sim.interface import build_model, cycling_protocol
    from lisse.sim.interface.transient import check_foil

    foil = {"li_thickness": args.li_thickness} if getattr(args, "li_thickness", None) is not None else {}
    for opt, val, unit, scale in (("--target-current", args.target_current, "mA/cm2", 10.0),
                                  ("--target-capacity", args.target_capacity, "mAh/cm2", 3.6e4)):
        if not (math.isfinite(val) and val > 0):  # named as typed (the library names its own parameter)
            raise ParameterError(f"{opt}: expected a positive, finite {unit} value; got {val / scale:g} {unit}")
    half = args.target_capacity / args.target_current  # the candidates' half cycle, named by the options that make it
    if half > MAX_HALF_CYCLE_H * 3600.0:
        raise ParameterError(f"--target-capacity / --target-current: expected a half cycle of at most {MAX_HALF_CYCLE_H:g} h; got "
                             f"{args.target_capacity / 3.6e4:g} mAh/cm2 at {args.target_current / 10:g} mA/cm2, {half / 3600:.4g} h")
    check_foil(build_model(interlayer=None, **foil), cycling_protocol(current=args.target_current,
                                                           step_time=args.target_capacity / args.target_current, cycles=1),
               what=f"--target-capacity {args.target_capacity / 3.6e4:g} mAh/cm2", foil="--li-thickness")
    with _progress(args, None, "design search") as bar:
        d = design_interlayer(args.interlayer, args.target_current, args.target_capacity, electrolyte=args.electrolyte,
                              porosity=args.porosity, pressure=args.pressure, temperature=args.temperature,
                              thickness_min=args.thickness_min, thickness_max=args.thickness_max, cycles=args.cycles,
                              overrides={k: val for k, val in model_kwargs(args).items() if k in _DESIGN_OVERRIDES},
                              progress=progress_callback(bar))
    result = d.as_dict()
    chk = result["time_step_check"]
    if chk is not None and "error" in chk:
        result["warnings"].append(f"the design's time-step check (its answer at twice the points) could not run: {chk['error']}")
    elif chk is not None and not chk["agrees"]:
        judged = not str(chk.get("failure_mode") or "").startswith("not judged")
        result["warnings"].append(f"the answer moves with the time step: at {chk['points_per_half_cycle']} points per half cycle "
                                  f"{fmt(chk['thickness_um'], 4)} um "
                                  + (f"fails ({chk.get('failure_mode')})" if judged else f"could not be judged ({chk.get('failure_mode')})")
                                  + " where the search found it to hold: not a safe thickness until a finer search agrees")
    if not result["warnings"]:
        del result["warnings"]
    return result


# ---------------------------------------------------------------------------------------------------
# human output


def _ccd_text(r: dict[str, Any]) -> str:
    from lisse.cli.common import fmt

    ccd, fail = r.get("ccd_mA_cm2"), r.get("failing_current_density_mA_cm2")
    if r.get("failure_mode") == "li_depleted":
        return (f">= {fmt(ccd, 3)} mA/cm2 (a lower bound: the Li foil was stripped away at {fmt(fail, 3)} mA/cm2 before "
                "the interface failed)" if ccd is not None else
                f"none judged (the Li foil was stripped away in the first step, {fmt(fail, 3)} mA/cm2)")
    if fail is None:
        top, limit = r.get("highest_step_mA_cm2"), (r.get("staircase") or {}).get("search_limit_mA_cm2")
        short = top is not None and limit is not None and top < limit * (1 - 1e-9)
        why = f"no failure up to {fmt(top, 3)} mA/cm2, the last step below the search limit" if short else "no failure up to the search limit"
        return f">= {fmt(ccd, 3)} mA/cm2 ({why}: not a CCD)" if ccd is not None else "no step simulated"
    if ccd is None:
        return f"< {fmt(fail, 3)} mA/cm2 (the first step failed)"
    return f"{fmt(ccd, 3)} mA/cm2"


def render(result: dict[str, Any]) -> str:
    from lisse.cli.common import fmt, table

    lines: list[str] = []
    iface = result.get("interface", {})
    if "kind" in result and "table" in result:  # map
        lines.append(f"predicted CCD map ({result['kind']}, {result['points']} points, {result['protocol']} staircase)")
        lines.append(f"  interface          {_iface_text(iface)}")
        lines.append(f"  CCD range          {'>= ' if result.get('ccd_min_is_lower_bound') else ''}{fmt(result['ccd_min_mA_cm2'], 3)} to "
                     f"{'>= ' if result.get('points_ccd_lower_bound', result['points_at_search_limit']) else ''}"
                     f"{fmt(result['ccd_max_mA_cm2'], 3)} mA/cm2")
        lines.append(f"  at search limit    {result['points_at_search_limit']} points (CCD there is a lower bound)")
        foil = result.get("points_ccd_lower_bound", 0) - result["points_at_search_limit"]
        if foil > 0:
            lines.append(f"  Li foil ran out    {foil} points before the interface failed (CCD there is a lower bound)")
        lines.append(f"  no stable step     {result['points_without_stable_step']} points")
        if result.get("resolution_audit_points"):
            lines.append(f"  time step check    {result['resolution_audit_agree']} of {result['resolution_audit_points']} points "
                         "spread over the map read the same failing step at twice the points per half cycle")
        if result.get("points_not_judged"):
            lines.append(f"  not judged         {result['points_not_judged']} points (the detectors could not judge the simulated "
                         "record, or the simulator did not converge; see failure_mode in the table)")
        if result.get("points_contact_lost_before_verdict"):
            lines.append(f"  contact lost       {result['points_contact_lost_before_verdict']} points read after the simulated Li "
                         "contact was lost (see the warning)")
    elif "thickness_um" in result:  # design
        target = f"{fmt(result['target_current_density_mA_cm2'])} mA/cm2 at {fmt(result['target_capacity_mAh_cm2'])} mAh/cm2"
        if result["holds"]:
            lines.append(f"thinnest {result['material']} interlayer holding {target} for {result['cycles']} cycles: "
                         f"{'<= ' if result.get('thickness_is_upper_bound') else ''}{fmt(result['thickness_um'], 3)} um")
        else:
            lines.append(f"no {result['material']} interlayer up to {fmt(result['thickness_max_um'])} um holds {target}")
        lines.append(f"  {result['note']}")
        rows = [[e["thickness_um"], e["holds"], "-" if e.get("contact_fraction_min") is None else fmt(e["contact_fraction_min"], 2),
                 e["failure_mode"] or "-"] for e in result["evaluated"]]
        lines.append(table(rows, ["thickness_um", "holds", "contact_min", "failure_mode"]))
        chk = result.get("time_step_check")
        if chk and "error" in chk:
            lines.append(f"  time step check    could not run: {chk['error']}")
        elif chk:
            below = ("" if chk["thickness_below_um"] is None else
                     f"; {fmt(chk['thickness_below_um'], 4)} um {'fails' if chk['fails_below'] else 'holds'} there"
                     + ("" if chk["fails_below"] else " too (the thinnest may be thinner: the answer errs safe)"))
            lines.append(f"  time step check    at {chk['points_per_half_cycle']} points per half cycle {fmt(chk['thickness_um'], 4)} um "
                         f"{'holds' if chk['holds'] else 'FAILS (see the warning)'}{below}")
    else:  # ccd
        st = result.get("staircase", {})
        step = (f"{fmt(st['step_time_h'])} h per half cycle" if "step_time_h" in st
                else f"{fmt(st.get('step_capacity_mAh_cm2'))} mAh/cm2 per half cycle")
        lines.append(f"predicted CCD (last stable step, {result.get('protocol')} staircase, {step}): {_ccd_text(result)}")
        lines.append(f"  interface          {_iface_text(iface)}")
        fail = result.get("failing_current_density_mA_cm2")
        limit = st.get("search_limit_mA_cm2")
        top = result.get("highest_step_mA_cm2", limit)
        upto = fmt(top) + " mA/cm2" + ("" if top is None or limit is None or top >= limit * (1 - 1e-9)
                                      else f" (the last step; the next would pass the {fmt(limit)} mA/cm2 limit)")
        lines.append(f"  failing step       {fmt(fail, 3) + ' mA/cm2' if fail is not None else 'none up to ' + upto}")
        lines.append(f"  failure mode       {result.get('failure_mode') or '-'}")
        if result.get("resolution_note"):
            lines.append(f"  resolution         {result['resolution_note']}")
        res = result.get("resolution_check")
        if res and "error" in res:
            lines.append(f"  time step check    could not run: {res['error']}")
        elif res:  # the same staircase at twice the time resolution
            lines.append(f"  time step check    {_ccd_text(res)} at {res['points_per_half_cycle']} points per half cycle "
                         f"({'agrees' if res['agrees'] else 'DISAGREES: not converged, see the warning'}; the prediction used "
                         f"{result.get('points_per_half_cycle')})")
        chk = result.get("void_depth_check")
        if chk:  # the calibrated void depth decides many predictions: show the CCD with the geometric one beside it
            lines.append(f"  void depth         {fmt(iface.get('void_depth_um'), 3)} um (calibrated, Singh2022); with the "
                         f"geometric {fmt(chk['void_depth_um'], 3)} um: {_ccd_text(chk)} ({chk.get('failure_mode') or '-'})")
    cal = result.get("calibrated_on") or {}
    names = result.get("calibrated_parameters") or []
    assumed = result.get("assumed_parameters") or []
    assumed_text = (f"{len(assumed)} assumed, not measured: {', '.join(assumed)} (their sources: prediction.json with --out)"
                    if assumed else "")
    if names:
        lines.append("  calibrated parameters (fitted to an observation; not independent predictions):")
        for n in names:
            lines.append(f"    {n}: calibrated on {cal.get(n, 'an observation not named')}")
        if assumed_text:
            lines.append(f"  {assumed_text}")
    elif "calibrated_parameters" in result:
        lines.append("  calibrated parameters: none (no parameter fitted to an observation)" + (f"; {assumed_text}" if assumed_text else ""))
    for w in result.get("warnings", []):
        lines.append(f"  warning: {w}")
    for f in result.get("files", []):
        lines.append(f"  wrote {f}")
    return "\n".join(lines)


def _iface_text(iface: dict[str, Any]) -> str:
    from lisse.cli.common import fmt

    il = iface.get("interlayer", "none")
    parts = ["Li"]
    if il != "none":
        extra = f" {fmt(iface['interlayer_thickness_um'])} um" if "interlayer_thickness_um" in iface else ""
        extra += f" (porosity {fmt(iface['porosity'])})" if "porosity" in iface else ""
        parts.append(f"{il}{extra}")
    surface = iface.get("surface")
    parts.append(iface.get("electrolyte", "default electrolyte") + (f" ({surface} surface)" if surface not in (None, "none") else ""))
    text = " | ".join(parts)
    if "pressure_MPa" in iface:
        text += f", {fmt(iface['pressure_MPa'])} MPa"
    if "exchange_current_mA_cm2" in iface:  # the kinetics used, and whether they were measured or assumed
        src = str(iface.get("exchange_current_source", ""))
        how = "assumed" if src.startswith("assumed") else "given" if src.startswith("user") else "library"
        text += f", i0 {fmt(iface['exchange_current_mA_cm2'])} mA/cm2 ({how})"
    return text
