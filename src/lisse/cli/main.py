"""The ``lisse`` command line: one thin module per subcommand, discovered automatically.

A subcommand is a module in :mod:`lisse.cli` that defines

``NAME`` (str), ``HELP`` (one line), ``DESCRIPTION`` (paragraph), ``EXAMPLES`` (worked examples),
``add_arguments(parser)``, ``run(args) -> dict | list[dict]`` and optionally ``render(result) -> str``.
A result dict may carry ``_exit_code`` (the exit status of a run that finished with errors) and ``_stderr``
(lines reported on stderr as ``lisse: error: LINE``, one each); neither is printed with the result.

Module top levels import nothing heavy; physics and I/O are imported inside ``run``. Every
subcommand accepts ``--json`` (print the result as one JSON object or list) and ``--debug`` (full
traceback on error). Errors print as one line on stderr with a non-zero exit status: 2 for a
:class:`~lisse.errors.LisseError` (bad input) and for environment problems (an ``OSError`` such as
permission denied or disk full, named with its path; a missing optional package, named with its
install command), 1 for an unexpected internal error (a lisse bug).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import math
import pkgutil
import sys
from types import ModuleType
from typing import Any, NoReturn

_SKIP = {"main", "common"}

#: Worked examples of ``lisse --help``: predict, measure, design, compare (each parses; those without a file run).
EXAMPLES = """\
  lisse simulate ccd --interlayer LNI-5CNT --interlayer-thickness "90 um" --json   # predict: CCD of Li | interlayer | SSE
  lisse wetting --work-of-adhesion "0.53 J/m2" --json                              # predict: Li contact angle (Young-Dupre)
  lisse interlayer --preset lni-5cnt --current-density "1 mA/cm2" --capacity "1 mAh/cm2" --json  # predict: where Li plates
  lisse ccd staircase.mpr --area "0.785 cm2" --json                                # measure: CCD from a cycler file
  lisse eis spectrum.mpr --drt --json                                              # measure: DRT peaks of an impedance file
  lisse cell --li-thickness "20 um" --cathode-capacity "2.2 mAh/cm2" --json        # design: N/P, excess Li, energy density
  lisse compare --ccd "1.2 mA/cm2" --electrolyte LLZO                              # compare: against the published strategies
  lisse evaluate my_study.toml --out report/                                       # all of it for a study file, as a report"""


def _commands() -> dict[str, ModuleType]:
    import lisse.cli as pkg

    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name in _SKIP or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"lisse.cli.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "run"):
            found[mod.NAME] = mod
    return dict(sorted(found.items()))


def jsonable(obj: Any) -> Any:
    """Convert numpy scalars/arrays, paths and non-finite floats to JSON-safe values (NaN -> null)."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if hasattr(obj, "tolist"):
        return jsonable(obj.tolist())
    if hasattr(obj, "__fspath__"):
        return str(obj)
    if hasattr(obj, "item"):
        return jsonable(obj.item())
    return str(obj)


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line (exit 2), like every other lisse error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    from lisse import __version__

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print the result as JSON (keys carry their unit as a suffix)")
    common.add_argument("--debug", action="store_true", help="show the full traceback on error")
    # The subcommands take the same flags; SUPPRESS keeps a flag given before the subcommand
    # ('lisse --json cell ...') from being reset to False by the subparser's default.
    sub_common = _Parser(add_help=False)
    sub_common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the result as JSON (keys carry their unit as a suffix)")
    sub_common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the full traceback on error")
    parser = _Parser(
        prog="lisse",
        description="lisse: Li | solid-state electrolyte interface engineering — predict, measure, design, compare.",
        epilog="examples:\n" + EXAMPLES + "\n\nRun 'lisse COMMAND --help' for a command's options and worked examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"lisse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, mod in _commands().items():
        p = sub.add_parser(
            name,
            help=mod.HELP,
            description=getattr(mod, "DESCRIPTION", mod.HELP),
            epilog="examples:\n" + getattr(mod, "EXAMPLES", "").rstrip(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[sub_common],
        )
        mod.add_arguments(p)
        p.set_defaults(_module=mod, _parser=p)
    return parser


def _check_single_values(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse ``--option=--``: argparse drops the ``--`` and stores an empty list unconverted (CPython quirk)."""
    from lisse.errors import ParameterError

    for a in parser._actions:
        if not a.option_strings or a.nargs is not None:
            continue
        v = getattr(args, a.dest, None)
        items = v if isinstance(a, argparse._AppendAction) and isinstance(v, list) else [v]
        if any(isinstance(x, list) for x in items):
            raise ParameterError(f"option {max(a.option_strings, key=len)} expects one value; got '--' (an empty value)")


def option_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """The option that sets each parameter of a (sub)command: ``{name: longest flag}``.

    A parameter is known by the option's ``dest`` (``"cathode_material"`` -> ``"--cathode"``) and by its flag written as
    a Python name (``"thickness"`` -> ``"--thickness"`` where the dest is ``"par_thickness"``); a dest wins a clash.
    Positional arguments and ``--help`` are left out, and so is a negating flag for its own dest (``--no-ccd`` does not
    stand for the parameter ``ccd``).
    """
    actions = [a for a in parser._actions if a.option_strings and a.dest not in (argparse.SUPPRESS, "help")]
    names: dict[str, str] = {}
    for a in actions:
        flag = max(a.option_strings, key=len)
        if flag.startswith("--no-") and a.dest == flag[5:].replace("-", "_"):
            continue  # "ccd" is set by "--no-ccd": naming that flag for the parameter would say the opposite (review)
        names.setdefault(a.dest, flag)
    for a in actions:
        for flag in a.option_strings:
            if flag.startswith("--"):
                names.setdefault(flag[2:].replace("-", "_"), flag)
    return names


def in_option_terms(message: str, parser: argparse.ArgumentParser) -> str:
    """A library error message in the command line's terms: each parameter it names becomes the option that sets it.

    Library errors name Python parameters (``parameter 'li_thickness' must be ≥ 0 um``, ``pass interlayer_sigma_ion=...``);
    a command passes its options to the library under their ``dest`` names, so the parser maps each name back to its
    flag: ``parameter '--li-thickness' must be ≥ 0 um`` (the form the unit parser already uses for options),
    ``--jobs: expected ...`` (a message led by the name), ``pass --interlayer-sigma-ion ...``. Names the command has no
    option for are left as they are.

    Parameters
    ----------
    message : str
        The error message (one line).
    parser : argparse.ArgumentParser
        The parser of the subcommand (or nested action) that ran.

    Returns
    -------
    str
        The message with the mapped names replaced.
    """
    import re

    names = option_names(parser)

    def flag(m: re.Match) -> str:
        return m.group(0).replace(m.group(1), names[m.group(1)], 1) if m.group(1) in names else m.group(0)

    if re.search(r"parameter '[A-Za-z_]\w*'", message):
        # "parameter 'cathode_capacity' (mAh/cm2) or 'cathode_loading' (mg/cm2) is required": every quoted parameter name
        # (snake_case, or one the parser knows after "parameter"), never a quoted value such as a path
        message = re.sub(r"parameter '([A-Za-z_]\w*)'", flag, message)
        message = re.sub(r"'([a-z][a-z0-9]*(?:_[a-z0-9]+)+)'", flag, message)
    # a message led by the parameter it is about: "jobs: expected a whole number ..." -> "--jobs: expected ..."
    message = re.sub(r"^([a-z][a-z0-9_]*): ", lambda m: f"{names[m.group(1)]}: " if m.group(1) in names else m.group(0), message)
    # a keyword suggestion of the Python API: "pass interlayer_sigma_ion=... (S/cm)" -> "pass --interlayer-sigma-ion ... (S/cm)"
    return re.sub(r"\bpass ([a-z]\w*)=", lambda m: f"pass {names[m.group(1)]} " if m.group(1) in names else m.group(0), message)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``lisse`` script; returns the exit status."""
    from lisse.errors import LisseError

    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    sub_parser: argparse.ArgumentParser | None = None  # the subcommand's, once parsed: its options name the library's parameters
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        sub_parser = getattr(args, "_parser", None)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        mod = args._module
        _check_single_values(args._parser, args)
        with _fewer_gc_passes():
            result = mod.run(args)
        code = 0
        errors: list[str] = []
        if isinstance(result, dict) and ("_exit_code" in result or "_stderr" in result):
            result = dict(result)
            code = int(result.pop("_exit_code", 0))
            errors = [str(e) for e in result.pop("_stderr", [])]
        if args.json and hasattr(result, "write_json"):  # a streamed result (lisse db query): bounded memory
            result.write_json(sys.stdout)
        elif args.json:
            sys.stdout.write(json.dumps(jsonable(result), indent=2, allow_nan=False) + "\n")
        else:
            from lisse.cli.common import render_auto

            render = getattr(mod, "render", None) or render_auto
            text = render(result)
            if text:
                sys.stdout.write(text.rstrip() + "\n")
        for line in errors:  # a run that finished with errors (a failed evaluate stage): one line each on stderr
            sys.stderr.write(f"lisse: error: {' '.join(line.split())}\n")
        return code
    except LisseError as exc:
        if debug:
            raise
        msg = str(exc).replace("\n", " ")
        if sub_parser is not None:
            msg = in_option_terms(msg, sub_parser)
        sys.stderr.write(f"lisse: error: {msg}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("lisse: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except ImportError as exc:
        from lisse.errors import missing_dependency

        command = next((a for a in argv if not a.startswith("-")), "")
        dep = missing_dependency(exc, f"lisse {command}".strip())
        if debug:
            raise
        if dep is None:
            return _internal(exc)
        sys.stderr.write(f"lisse: error: {dep}\n")
        return 2
    except OSError as exc:  # the environment refused: permission, disk full, read-only, no such folder
        if debug:
            raise
        from lisse.errors import OutputError

        msg = str(OutputError.from_oserror(exc, action="use")) if exc.filename is not None else f"{exc.strerror or exc}"
        sys.stderr.write(f"lisse: error: {msg}\n")
        return 2
    except Exception as exc:  # noqa: BLE001 - last-resort one-line report
        if debug:
            raise
        return _internal(exc)


@contextlib.contextmanager
def _fewer_gc_passes():
    """Run a command with the cyclic garbage collector passing less often; the old thresholds come back after.

    A command builds many long-lived objects (matplotlib artists, parsed records) and few reference
    cycles; with Python's default thresholds the collector rescans them thousands of times (about 6 % of
    ``lisse evaluate``'s CPU). Only the command's own run is affected, never a library user's process.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 100_000), max(old[1], 50), max(old[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _internal(exc: BaseException) -> int:
    """Report a lisse bug (exit 1)."""
    sys.stderr.write(f"lisse: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)\n")
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
