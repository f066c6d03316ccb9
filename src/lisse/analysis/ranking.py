"""One rule for placing a value among others when some values are only bounds (the lab and the literature comparison).

A critical current measured on a staircase is known only to a step, and a cell that never failed has only a lower bound
(it held at least that much). Placing a cell among others therefore has three outcomes per pair, not two:

* the cell certainly beats the other (its value is better and the other's is a measured value, or the other is
  measured and worse than the cell's bound),
* the other certainly beats the cell (the other's value, or bound, is better than the cell's measured value),
* undecided: equal values (both failed at the same step of a staircase: neither is better), or a bound that does not
  settle the pair (a bound below the other's value, or two bounds).

``percentile`` is the share of the *decided* others the cell beats, in percent; ``rank`` is 1 + the number of others
that certainly beat it (1 = best; a bound above the cell counts). This is the rule of
:func:`lisse.analysis.literature.compare_cell` and :func:`lisse.analysis.lab.place_in_lab`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from lisse.errors import ParameterError

__all__ = ["decide", "place"]


def decide(value: float, value_is_bound: bool, other: float, other_is_bound: bool, *, higher_is_better: bool = True) -> int:
    """Which of two values is certainly better.

    Parameters
    ----------
    value : float
        The cell's value (e.g. CCD in mA/cm²).
    value_is_bound : bool
        ``value`` is only a bound on the good side (for a CCD: the true value is at least this).
    other : float
        The other value, in the unit of ``value``.
    other_is_bound : bool
        ``other`` is only a bound on the good side.
    higher_is_better : bool
        True for a CCD or a cycle life, False for an overpotential or a resistance.

    Returns
    -------
    int
        +1: ``value`` certainly beats ``other``; -1: ``other`` certainly beats ``value``; 0: undecided (a count).
    """
    s = 1.0 if higher_is_better else -1.0
    a, b = s * value, s * other  # higher is better from here on; a bound means "at least this good"
    if a > b and not other_is_bound:
        return 1
    if b > a and not value_is_bound:
        return -1
    return 0


def place(value: float, others: Iterable[tuple[float, bool]], *, value_is_bound: bool = False,
          higher_is_better: bool = True) -> dict:
    """Place ``value`` among ``others`` by :func:`decide`.

    Parameters
    ----------
    value : float
        The cell's value (unit of the others').
    others : iterable of (float, bool)
        The other values (in the unit of ``value``) with their bound flags.
    value_is_bound : bool
        The cell's value is only a bound on the good side.
    higher_is_better : bool
        True for a CCD, False for an overpotential.

    Returns
    -------
    dict
        ``n_compared``, ``n_beaten`` (others the cell certainly beats), ``n_better`` (others that certainly beat it),
        ``n_undecided``, ``n_tied`` (undecided because equal and both measured) - all counts; ``percentile`` (share of
        the decided others beaten, %, None when none is decided) and ``rank`` (1 + ``n_better``).

    Raises
    ------
    ParameterError
        ``value`` not finite.
    """
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParameterError(f"comparison value: expected a finite number; found {value!r}")
    beaten = better = undecided = tied = n = 0
    for v, bound in others:
        n += 1
        d = decide(value, value_is_bound, v, bound, higher_is_better=higher_is_better)
        if d > 0:
            beaten += 1
        elif d < 0:
            better += 1
        else:
            undecided += 1
            tied += int(v == value and not bound and not value_is_bound)
    decided = beaten + better
    return {"n_compared": n, "n_beaten": beaten, "n_better": better, "n_undecided": undecided, "n_tied": tied,
            "percentile": 100.0 * beaten / decided if decided else None, "rank": better + 1}
