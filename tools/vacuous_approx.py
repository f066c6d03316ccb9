"""pytest plugin: list comparisons that an absolute tolerance makes (nearly) vacuous.

Usage: ``PYTHONPATH=src:tools python -m pytest -p vacuous_approx`` writes ``.mutation/vacuous_approx.json``
(or ``$VAC_OUT``): for each test line, comparisons where the absolute tolerance (pytest.approx's default
1e-12, or numpy's atol) dominates the relative one and exceeds 1 % of the expected value, e.g. a 1e-16 J
barrier compared with ``pytest.approx(x, rel=1e-12)``. Review each hit: compare in natural units or pass abs=0.
"""
import atexit
import json
import os
import traceback

import _pytest.approx as pa
import numpy as np

HITS = {}

def _where():
    for fr in reversed(traceback.extract_stack()[:-2]):
        if "/tests/" in fr.filename and "vacuous_plugin" not in fr.filename:
            return f"{fr.filename.split('/tests/')[1]}:{fr.lineno}"
    return None

def _rec(kind, exp, tol, explicit_abs):
    w = _where()
    if w:
        HITS.setdefault(w, []).append((kind, float(exp), float(tol), explicit_abs))

_orig_eq = pa.ApproxScalar.__eq__
def _eq(self, actual):
    try:
        exp = self.expected
        if isinstance(exp, (int, float, np.floating, np.integer)) and exp != 0 and np.isfinite(exp):
            rel = self.rel if self.rel is not None else (1e-6 if self.abs is None else 0)
            ab = self.abs if self.abs is not None else 1e-12
            if ab > abs(rel * exp) and ab >= 0.01 * abs(exp):
                _rec("approx", exp, ab, self.abs is not None)
    except Exception:
        pass
    return _orig_eq(self, actual)
pa.ApproxScalar.__eq__ = _eq

def _wrap(name, default_rtol, default_atol):
    orig = getattr(np, name)
    def f(a, b, rtol=default_rtol, atol=default_atol, equal_nan=False):
        try:
            bb = np.abs(np.asarray(b, dtype=float)).ravel()
            bb = bb[(bb > 0) & np.isfinite(bb)]
            if bb.size and atol > 0:
                m = bb.min()
                if atol > rtol * m and atol >= 0.01 * m:
                    _rec(name, m, atol, True)
        except Exception:
            pass
        return orig(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    setattr(np, name, f)
_wrap("isclose", 1e-5, 1e-8)
_wrap("allclose", 1e-5, 1e-8)
_orig_aac = np.testing.assert_allclose
def _aac(actual, desired, rtol=1e-7, atol=0, *a, **k):
    try:
        bb = np.abs(np.asarray(desired, dtype=float)).ravel()
        bb = bb[(bb > 0) & np.isfinite(bb)]
        if bb.size and atol > 0 and atol > rtol * bb.min() and atol >= 0.01 * bb.min():
            _rec("assert_allclose", bb.min(), atol, True)
    except Exception:
        pass
    return _orig_aac(actual, desired, rtol, atol, *a, **k)
np.testing.assert_allclose = _aac

@atexit.register
def _dump():
    out = os.environ.get("VAC_OUT", ".mutation/vacuous_approx.json")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as fh:
        json.dump(HITS, fh, indent=1)
