"""Calibration of the interface model's one fitted parameter per material system, computed, never typed in.

:data:`lisse.sim.interface.model.CALIBRATIONS` stores, per material system, the calibrated parameter, its value,
the validation case (:mod:`lisse.sim.interface.cases`) whose published number it was fitted to and the bisection
bracket. :func:`calibrate` recomputes the value from that case with the case's own protocol, so that a change of
any other model input (a materials-library value, a law) shows up as a stored value that no longer reproduces its
target (``tests/interface/test_calibration.py``). The observation is never used to validate the calibration.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lisse.errors import CalculationError, ParameterError
from lisse.records.display import fields_repr

__all__ = ["CalibrationResult", "calibrate"]


@dataclass(frozen=True)
class CalibrationResult:
    """The outcome of :func:`calibrate`.

    Parameters
    ----------
    system : str
        Material system (a key of :data:`lisse.sim.interface.model.CALIBRATIONS`).
    parameter : str
        The calibrated model parameter.
    value : float
        Calibrated value in SI units (for ``flaw_size`` [m]): the geometric middle of ``interval``.
    interval : tuple of float
        (lowest, highest) value [SI] that reproduces the target, each to the bisection's relative tolerance.
    case : str
        Key of the validation case the value was fitted to.
    target_A_m2 : float
        The published number of that case [A/m2].
    evaluations : int
        Number of simulations run (a count, dimensionless).
    """

    system: str
    parameter: str
    value: float
    interval: tuple[float, float]
    case: str
    target_A_m2: float
    evaluations: int

    def __repr__(self) -> str:
        return fields_repr(self, ["system", "parameter", "value", "interval", "case", "target_A_m2"])


def calibrate(system: str, rtol: float = 0.01, progress: Callable[[int, int], None] | None = None) -> CalibrationResult:
    """Recompute the calibrated parameter of ``system`` by bisection against its validation case.

    The case's cell (electrolyte, surface, pressure, temperature) runs the case's own staircase (search limit two
    steps above the published CCD) through :func:`~lisse.sim.interface.predict.predict_ccd` with the parameter set
    by hand (so no stored calibration enters). The predicted CCD must fall with the parameter (a larger flaw opens
    at a lower Li pressure, Porz2017). Two bisections on a log scale find the edges of the interval of values whose
    predicted CCD equals the published one; the result is its geometric middle.

    Parameters
    ----------
    system : str
        A key of :data:`lisse.sim.interface.model.CALIBRATIONS` (empty at present: no material system is calibrated).
    rtol : float
        Relative width [-] at which each bisection stops (0 < rtol < 1).
    progress : callable, optional
        ``progress(done, total)`` per simulation (total is an upper bound).

    Returns
    -------
    CalibrationResult
        The value, the interval that reproduces the target and the case.

    Raises
    ------
    ParameterError
        An unknown system or a bad ``rtol``.
    CalculationError
        The bracket does not contain the target (the CCD is not above it at the low end and below it at the high
        end), or no value reproduces it (the CCD jumps over the published step).

    References
    ----------
    Porz et al., Adv. Energy Mater. 7, 1701003 (2017), doi:10.1002/aenm.201701003.
    """
    from lisse.sim.interface.cases import validation_case
    from lisse.sim.interface.model import CALIBRATIONS, build_model
    from lisse.sim.interface.predict import predict_ccd
    from lisse.sim.interface.protocol import staircase

    if system not in CALIBRATIONS:
        raise ParameterError(f"parameter 'system' must be one of {sorted(CALIBRATIONS)}; got {system!r}")
    if not (isinstance(rtol, (int, float)) and 0.0 < rtol < 1.0):
        raise ParameterError(f"parameter 'rtol' must be a relative tolerance in (0, 1); got {rtol!r}")
    cal = CALIBRATIONS[system]
    case = validation_case(cal.case)
    if not case.is_staircase or case.kind != "ccd" or case.increment is None:
        raise ParameterError(f"calibration of {system}: case '{case.key}' must be a CCD staircase")
    target, inc = case.value, case.increment
    kw = case.protocol_kwargs()
    kind = kw.pop("kind")
    proto = staircase(kind, max_current=target + 2.0 * inc, **kw)
    lo0, hi0 = cal.bracket
    n_max = 4 + 2 * math.ceil(math.log2(math.log(hi0 / lo0) / math.log1p(rtol)))
    seen: dict[float, float] = {}

    def ccd(x: float) -> float:
        if x not in seen:
            over: dict[str, Any] = {cal.parameter: x}
            m = build_model(None, electrolyte=case.electrolyte, pressure=case.pressure, temperature=case.temperature,
                            surface=case.surface, **over)
            pred = predict_ccd(m, proto)
            seen[x] = 0.0 if pred.ccd_A_m2 is None else float(pred.ccd_A_m2)
            if progress is not None:
                progress(len(seen), n_max)
        return seen[x]

    tol = 1e-6 * inc

    def edge(above: Callable[[float], bool]) -> float:
        """Largest value whose CCD still satisfies ``above`` (the CCD falls with the value), to ``rtol``."""
        good = max((x for x, c in seen.items() if above(c)), default=lo0)
        bad = min((x for x, c in seen.items() if not above(c)), default=hi0)
        while bad / good > 1.0 + rtol:
            mid = math.sqrt(good * bad)
            if above(ccd(mid)):
                good = mid
            else:
                bad = mid
        return good

    if not (ccd(lo0) > target + tol and ccd(hi0) < target - tol):
        raise CalculationError(f"calibration of {system}: {cal.parameter} in [{lo0:g}, {hi0:g}] does not bracket the CCD "
                               f"{target / 10:g} mA/cm2 of case '{case.key}' (CCD {ccd(lo0) / 10:g} and {ccd(hi0) / 10:g} mA/cm2)")
    top = edge(lambda c: c >= target - tol)  # largest value still reaching the published CCD
    bottom = edge(lambda c: c > target + tol)  # largest value that still exceeds it
    if not abs(ccd(top) - target) <= tol:
        raise CalculationError(f"calibration of {system}: no {cal.parameter} reproduces the CCD {target / 10:g} mA/cm2 of case "
                               f"'{case.key}' (the predicted CCD jumps over that step)")
    return CalibrationResult(system=system, parameter=cal.parameter, value=math.sqrt(top * bottom), interval=(bottom, top),
                             case=case.key, target_A_m2=target, evaluations=len(seen))
