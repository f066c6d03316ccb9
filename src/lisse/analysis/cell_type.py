"""What kind of cycling record this is, from the data alone (used by ``lisse cycling`` and the cycling stage).

Rules (stated, not hidden):

* a ``freq/Hz`` column: impedance data;
* no current above 2 % of its maximum in at least 10 rows: a rest record;
* a symmetric Li|SSE|Li cell polarises symmetrically around 0 V: the median ``|V|`` while current flows
  is below 0.5 V and the voltage has the sign of the current in more than 80 % of those rows;
  with ``staircase=True`` such a record with more than two current levels (levels 5 % apart) is a
  CCD staircase;
* anything else is a full cell.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["CELL_TYPES", "classify_record", "current_levels"]

#: Every answer :func:`classify_record` can give.
CELL_TYPES = ("impedance", "rest", "symmetric", "ccd", "fullcell")

_ACTIVE_FRACTION = 0.02  # |i| above this fraction of max |i| counts as current flowing
_LEVEL_RATIO = 1.05  # currents closer than 5 % are one level


def current_levels(record: Any) -> int:
    """Number of distinct current magnitudes (5 % apart) while current flows [-]."""
    i = np.abs(np.asarray(record.current_A, dtype=float))
    i = i[i > _ACTIVE_FRACTION * i.max()] if i.size and i.max() > 0 else i
    if i.size == 0:
        return 0
    return int(np.unique(np.round(np.log(i) / np.log(_LEVEL_RATIO))).size)


def classify_record(record: Any, *, staircase: bool = False) -> str:
    """``"impedance"``, ``"rest"``, ``"symmetric"``, ``"ccd"`` (only with ``staircase``) or ``"fullcell"``.

    Parameters
    ----------
    record : CyclingRecord
        The measured record (SI columns ``current_A`` and ``voltage_V``).
    staircase : bool
        Tell a stepped-current symmetric record (CCD staircase, more than two levels) from a constant-current one.
    """
    if "freq/Hz" in record.columns:
        return "impedance"
    i = np.asarray(record.current_A, dtype=float)
    v = np.asarray(record.voltage_V, dtype=float)
    imax = np.max(np.abs(i)) if len(i) else 0.0
    act = np.abs(i) > _ACTIVE_FRACTION * imax
    if imax == 0 or act.sum() < 10:
        return "rest"
    if np.median(np.abs(v[act])) < 0.5 and np.mean(np.sign(v[act]) == np.sign(i[act])) > 0.8:
        return "ccd" if staircase and current_levels(record) > 2 else "symmetric"
    return "fullcell"
