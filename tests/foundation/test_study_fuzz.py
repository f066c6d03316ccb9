"""Property: any study text ends as exit 0 (valid) or 2 (one-line error) in ``lisse evaluate --check``; never 1, never a hang.

The studies are random TOML built from the real table and key names (so most examples reach the
schema checks of the stages, not just the unknown-key check) with values of every TOML type.
Set ``LISSE_FUZZ_EXAMPLES`` for a longer run.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import signal
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lisse.cli.main import main
from lisse.pipeline.study import study_schema

SCHEMA = study_schema()
TABLES = sorted(SCHEMA)
EXAMPLES = int(os.environ.get("LISSE_FUZZ_EXAMPLES", "50"))

REALISTIC = ["1 mA/cm2", "20 um", "0.785 cm2", "1 mAh/cm2", "1 h", "0.5 J/m2", "110 deg", "-1 um", "0 um", "1,5 um",
             "abc", "", "LiF", "LNI-5CNT", "NCM811", "LLZTO", "auto", "ccd", "gcv", "hard", "lithiophilic", "lni-5cnt",
             "time=s,voltage=V,current=mA", "1e9", "nan um", "inf mA/cm2", "a.mpr", "../x.csv"]

scalars = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 2, 5, 50, 201, 1e9, 0.3, -1, 1.0]),
    st.sampled_from(REALISTIC),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


def _rarely(draw, random_strategy, real_strategy):
    """Mostly a real name (so the example reaches the type checks), one time in eight a random one."""
    return draw(random_strategy) if draw(st.integers(0, 7)) == 0 else draw(real_strategy)


@st.composite
def tables(draw, name: str):
    real = sorted(SCHEMA[name]) or ["x"]
    n = draw(st.integers(0, 4))
    keys = {_rarely(draw, st.text(min_size=1, max_size=10), st.sampled_from(real)) for _ in range(n)}
    return {k: draw(values) for k in keys}


@st.composite
def studies(draw):
    n = draw(st.integers(0, 5))
    names = {_rarely(draw, st.text(min_size=1, max_size=8), st.sampled_from(TABLES)) for _ in range(n)}
    doc = {}
    for n in names:
        if n == "cells":
            doc[n] = draw(st.lists(tables("cells"), min_size=1, max_size=2))
        elif n in SCHEMA:
            doc[n] = draw(tables(n))
        else:
            doc[n] = draw(st.one_of(values, st.dictionaries(st.text(max_size=8), values, max_size=3)))
    return doc


def _q(text: str) -> str:
    """A TOML basic string (JSON escapes, but non-ASCII kept as is: TOML refuses escaped surrogate pairs)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _val(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _q(v)
    if isinstance(v, list):
        return "[" + ", ".join(_val(x) for x in v) + "]"
    return "{" + ", ".join(f"{_q(k)} = {_val(x)}" for k, x in v.items()) + "}"


def to_toml(doc: dict) -> str:
    """TOML text of ``doc``: top-level tables as [headers], [[cells]] as an array of tables."""
    lines = []
    for name, body in doc.items():
        key = _q(name)
        if name == "cells" and isinstance(body, list) and all(isinstance(c, dict) for c in body):
            for c in body:
                lines.append(f"[[{key}]]")
                lines.extend(f"{_q(k)} = {_val(v)}" for k, v in c.items())
        elif isinstance(body, dict):
            lines.append(f"[{key}]")
            lines.extend(f"{_q(k)} = {_val(v)}" for k, v in body.items())
        else:
            lines.insert(0, f"{key} = {_val(body)}")  # a top-level value must come before any table
    return "\n".join(lines) + "\n"


def _alarm(signum, frame):  # pragma: no cover - only on a hang
    raise TimeoutError("lisse evaluate --check took more than 30 s on one study")


def _check(text: str) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "study.toml"
        p.write_text(text, encoding="utf-8", errors="surrogatepass")
        err = io.StringIO()
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(30)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                code = main(["evaluate", str(p), "--check"])
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
    return code, err.getvalue()


def _assert_0_or_2(text: str) -> None:
    code, err = _check(text)
    assert code in (0, 2), f"exit {code} for study:\n{text}\n{err}"
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("lisse: error:"), err


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(studies())
def test_random_study_exits_0_or_2(doc):
    _assert_0_or_2(to_toml(doc))


@settings(max_examples=max(5, EXAMPLES // 3), deadline=None)
@given(st.text(max_size=200))
def test_random_text_exits_0_or_2(text):
    _assert_0_or_2(text)


def test_serialiser_round_trips():
    import tomllib

    doc = {"design": {"points": 5, "target_np": [1.0, 3.0]}, "cells": [{"name": "a\"b\x7f\U0001f600", "li_thickness": "20 um"}],
           "wetting": {"work_of_adhesion": {"LiF": 0.5}}}
    assert tomllib.loads(to_toml(doc)) == doc


SMALL = '[[cells]]\nname = "c"\nli_thickness = "20 um"\ncathode_capacity = "2 mAh/cm2"\n[design]\npoints = 3\n'


@settings(max_examples=max(4, EXAMPLES // 6), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_characters="/\\", blacklist_categories=("Cs",)), max_size=12))
def test_random_out_folder_exits_0_or_2(name):
    """``--out`` inside a scratch folder (no separators, so nothing outside it is touched): exit 0 or 2."""
    with tempfile.TemporaryDirectory() as d:
        study = Path(d) / "study.toml"
        study.write_text(SMALL)
        (Path(d) / "sub").mkdir()
        (Path(d) / "sub" / "user.txt").write_text("mine")
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["evaluate", str(study), "--out", str(Path(d) / name) if name else name, "--no-progress", "--stage", "design"])
        assert code in (0, 2), err.getvalue()
        assert (Path(d) / "sub" / "user.txt").read_text() == "mine"
        assert study.read_text() == SMALL
