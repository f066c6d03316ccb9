"""Property: whatever a user types, ``lisse`` ends with exit status 0 (done) or 2 (a one-line error).

Exit 1 ("internal error") is reserved for lisse bugs, so a random option value must never produce it.
The CLI is driven in-process (``lisse.cli.main.main``), which is ~100x faster than a subprocess.
Subcommands that start ML calculations or long simulations are given only options that keep them short
(phasefield runs with ``--max-steps 0``; no ``--sweep``/``--map``/``--two-d`` for the interlayer).

``LISSE_PROPERTY_EXAMPLES`` raises the number of examples (default 60, a few seconds to a minute).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHARED
from lisse.cli.main import build_parser, main


@pytest.fixture(autouse=True)
def _work_in_a_temporary_folder(tmp_path, monkeypatch):
    """Random option values name files (``--db=abc``, ``--out=0.5 m``): let them land in a temporary folder, not the checkout."""
    monkeypatch.chdir(tmp_path)


CYCLERS = SHARED / "data" / "cyclers"
LSV = CYCLERS / "biologic_lsv_ec1150.mpt"
GITT = CYCLERS / "biologic_gitt_bcd_btlab179.mpt"
EIS = CYCLERS / "biologic_peis_ec1133.mpt"

UNITS = ["", " mV", " V", " K", " degC", " um", " nm", " m", " mA/cm2", " A/m2", " J/m2", " deg", " kg", " 1/m^3/s", " cm2", " ohm*cm2",
         " mAh/cm2", " h", " s", " percent", " eV", " mg/cm2", " S/cm", " 1/m"]
SPECIAL = ["", " ", "nan", "NaN", "inf", "-inf", "-0", "0", "1e309", "-1e309", "1e-320", "1,5", "0x10", "abc", "1 2", "--json", "é", "1/0",
           "C/0", "C/2", "0.5C", "5 mV/K", "3 mA/cm2/h", "1e9", "99999999999", "-5", "--", "-"]

_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["0", "1", "-1", "0.5", "2", "1e3", "1e-3", "100", "1e6", "1e30"]),
)
VALUES = st.one_of(
    st.tuples(_numbers, st.sampled_from(UNITS)).map("".join),
    st.sampled_from(SPECIAL),
    st.text(alphabet="0123456789.-+eE ,/abcmVKuμ%*^()", max_size=12),
)

_INTS = st.one_of(st.integers(min_value=-(10**12), max_value=10**12).map(str), st.integers(min_value=-3, max_value=3).map(str),
                  st.sampled_from(["-1", "0", "1", "2", "3", "8", "1000", "100000", "1000000000", "-0"]), VALUES)

# subcommand -> (base argv, options never drawn: they start ML work, long runs, or write plots).
# Every other option of the subcommand's parser is drawn, with values suited to its argparse type.
COMMANDS: dict[str, tuple[list[str], set[str]]] = {
    "cell": (["--li-thickness=20 um", "--cathode-capacity=2 mAh/cm2"], set()),
    "compare": (["--ccd=1 mA/cm2"], set()),
    "nucleation": (["--overpotential=20 mV"], set()),
    "wetting": (["--work-of-adhesion=0.09 J/m2"], {"--calculator", "--cache-dir"}),
    "segregation": (["--surface-energy=0.3 J/m2", "--interface-energy=0.45 J/m2"], {"--calculator", "--cache-dir"}),
    "interlayer": (["--current-density=1 mA/cm2", "--capacity=1 mAh/cm2"], {"--out", "--nx"}),
    "ccd": (["--synthetic"], {"--plot", "--steps-csv", "--format"}),
    "materials": ([], set()),
    "atomistic": (["accuracy"], {"--out"}),
    "phasefield": (["--preset=lithiophilic", "--grid=32", "--max-steps=0", "--no-animation"], {"--out", "--angles", "--grid"}),
}
if LSV.exists():
    COMMANDS["tafel"] = ([str(LSV), "--area=1 cm2"], {"--plot", "--format"})
if GITT.exists():
    COMMANDS["gitt"] = ([str(GITT), "--length=5 um"], {"--table", "--format"})
if EIS.exists():
    COMMANDS["eis"] = ([str(EIS)], {"--plot", "--format", "--fit"})


def _options() -> dict[str, list[tuple[str, int, st.SearchStrategy]]]:
    """(option, nargs, value strategy) of every drawable option, read from the real parser."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found = {}
    for name, (_, skip) in COMMANDS.items():
        opts = []
        for a in sub.choices[name]._actions:
            if not a.option_strings or a.nargs == 0 or a.dest in ("help", "json", "debug"):
                continue
            opt = max(a.option_strings, key=len)
            if opt in skip:
                continue
            if a.choices:
                values = st.one_of(st.sampled_from(sorted(map(str, a.choices))), VALUES)
            elif a.type is int:
                values = _INTS
            else:
                values = VALUES
            opts.append((opt, a.nargs if isinstance(a.nargs, int) else 1, values))
        found[name] = opts
    return found


OPTIONS = _options()

N_EXAMPLES = int(os.environ.get("LISSE_PROPERTY_EXAMPLES", "60"))
WALL_LIMIT_S = 60  # one invocation; a hang (or an unbounded size) shows up as a failure, not a stuck test run


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    """``lisse ARGV`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(WALL_LIMIT_S)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: 2 for a usage error, 0 for --help
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except _Hang:
        pytest.fail(f"lisse {argv} ran longer than {WALL_LIMIT_S} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return code, out.getvalue(), err.getvalue()


@st.composite
def invocations(draw, name: str):
    base = COMMANDS[name][0]
    chosen = draw(st.lists(st.sampled_from(OPTIONS[name]), min_size=1, max_size=2, unique_by=lambda o: o[0]))
    argv = [name, *(b for b in base if b.split("=")[0] not in {o for o, _, _ in chosen})]
    for opt, nargs, values in chosen:
        if nargs == 1:
            argv.append(f"{opt}={draw(values)}")  # "--opt=value": values starting with '-' reach the option
        else:
            argv += [opt, *(draw(values) for _ in range(nargs))]
    return argv


def _check(argv: list[str]) -> None:
    code, out, err = run_in_process(argv)
    assert code in (0, 2), f"lisse {argv} -> exit {code}: {err.strip()[-500:]}"
    if code == 2:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith(("lisse: error:", f"lisse {argv[0]}: error:")), f"lisse {argv}: no one-line error: {err!r}"
    if code == 0 and argv[0] != "phasefield":
        assert out.strip(), f"lisse {argv}: exit 0 without output"


def _property_test(name: str):
    """One hypothesis test per subcommand, so that each gets its share of examples."""
    slow = name == "phasefield"  # ~1 s per example (layer generation and the wetting calibration)
    n = max(3, N_EXAMPLES // 6) if slow else N_EXAMPLES // 2

    @settings(max_examples=n, deadline=timedelta(seconds=WALL_LIMIT_S),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(argv=invocations(name))
    def test(argv, tmp_path_factory):
        if name == "phasefield":
            argv = [*argv, f"--out={tmp_path_factory.mktemp('pf') / 'run'}"]
        _check(argv)

    test.__name__ = test.__qualname__ = f"test_cli_exit_status_is_0_or_2_{name}"
    test.__doc__ = f"``lisse {name}`` with random option values ends with exit 0 or 2, never 1, within {WALL_LIMIT_S} s."
    return test


for _name in COMMANDS:
    globals()[f"test_cli_exit_status_is_0_or_2_{_name}"] = _property_test(_name)


@pytest.mark.parametrize("argv", [
    ["interlayer", "--current-density=1 mA/cm2", "--capacity=1 mAh/cm2", "--sweep", "--points=1000000000"],
    ["interlayer", "--current-density=1 mA/cm2", "--capacity=1 mAh/cm2", "--two-d", "--nx=100000"],
    ["interlayer", "--current-density=1 mA/cm2", "--capacity=1e9 mAh/cm2"],
    ["nucleation", "--overpotential=20 mV", "--temperature=-300 degC"],
    ["nucleation", "--overpotential=20 mV", "--temperature=0 K"],
    ["nucleation", "--overpotential=20 mV", "--work-of-adhesion=-0.1 J/m2"],
    ["ccd", "--synthetic", "--v-cutoff=0 V"],
    ["ccd", "--synthetic", "--seed=-1"],
    ["wetting", "--work-of-adhesion=-0.1"],
    # found by the property test
    ["nucleation", "--overpotential=1e300"],
    ["nucleation", "--overpotential=1e-320"],
    ["nucleation", "--overpotential=20 mV", "--temperature=1e-320"],
    ["nucleation", "--overpotential=20 mV", "--surface-energy=1e300"],
    ["segregation", "--interface-energy=0.45 J/m2", "--surface-energy=0u103"],
    ["nucleation", "--overpotential=--"],
    ["ccd", "--synthetic", "--collapse-ratio=--"],
    ["phasefield", "--preset=lithiophilic", "--grid=32", "--max-steps=0", "--seed=-1", "--out=@TMP"],
])
def test_known_hostile_invocations_exit_2(argv, tmp_path):
    """Cases from issue 10 that were silent wrong numbers or internal errors: now one-line errors naming the limit."""
    argv = [a.replace("@TMP", str(tmp_path / "run")) for a in argv]
    code, out, err = run_in_process(argv)
    assert code == 2, (argv, code, err)
    assert err.count("\n") == 1 and err.startswith("lisse: error:"), err
