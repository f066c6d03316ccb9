"""Compare a cell against published Li|SSE interface strategies ([Chu2024] Table 1; [Ji2025], [Su2024], [Wang2024]).

The bundled table (``literature.toml``) holds [Ji2025], [Su2024], [Wang2024] headline results and
[Chu2024] Table 1 (16 LLZO interface strategies): interfacial resistance (ohm cm2), critical current
density (mA/cm2) and symmetric-cell cycle life (h) at given current densities.

Ranking rules (stated, simple, reproducible):

* CCD and interfacial resistance: the fraction of published strategies the cell beats (higher CCD,
  lower resistance), over the strategies that report the quantity and can be decided: a published CCD reported
  as a lower bound ("> 4.0") is beaten by no value (the true CCD may be higher) and beats every lower one; a cell
  above such a bound, or equal to a published CCD, is "undecided" against it (``ccd_undecided``, left out of the
  percentile). The step capacity of
  each published CCD is listed with it (``ccd_compared``): a CCD at 0.2 mAh/cm2 per step is not the same test as one
  at 6 mAh/cm2.
* Cycle life at current density i: compared with strategies tested at a current within a factor of
  ``current_window`` (default 2) of i. A cell "beats" a strategy when it lasted at least as long at a higher
  current, or longer at the same or a higher current; it is "outlasted" in the mirror case; anything else (equal
  lives at equal currents, longer life at a lower current) is "undecided". A published life reported as a lower
  bound ("> 700 h") is beaten by no life (only outlasting it is decided).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import cast

from lisse.analysis.ranking import decide
from lisse.citations import register
from lisse.errors import ParameterError
from lisse.units import quantity_args

__all__ = ["Strategy", "published_strategies", "compare_cell"]


@dataclass(frozen=True)
class Strategy:
    """One published Li|SSE interface strategy and its headline results (a row of ``literature.toml``).

    Values are in the units their names carry (the units papers report), not SI.

    Parameters
    ----------
    name : str
        Short name of the strategy (e.g. the interlayer).
    electrolyte : str
        Solid-electrolyte family (``"LLZO"``, ``"LLZTO"``, ``"LPSC"``).
    source : str
        Citation key (``Chu2024`` Table 1, ``Ji2025``, ``Su2024``, ``Wang2024``).
    interfacial_resistance_ohm_cm2 : float or None, optional
        Interfacial area-specific resistance in Ω cm².
    ccd_mA_cm2 : float or None, optional
        Critical current density in mA/cm².
    ccd_step_capacity_mAh_cm2 : float or None, optional
        Areal capacity per CCD step in mAh/cm², where reported.
    cycle_life : tuple of (float, float), optional
        ``(current density in mA/cm², symmetric-cell life in hours)`` pairs.
    note : str, default ""
        Free-text caveats (e.g. "cycle lives are lower bounds").
    ccd_lower_bound : bool, default False
        The paper reports the CCD as a lower bound (no failure up to it).
    cycle_life_lower_bound : bool, default False
        The paper reports the cycle lives as lower bounds (still cycling when stopped).
    """
    name: str
    electrolyte: str
    source: str
    interfacial_resistance_ohm_cm2: float | None = None
    ccd_mA_cm2: float | None = None
    ccd_step_capacity_mAh_cm2: float | None = None
    cycle_life: tuple[tuple[float, float], ...] = field(default_factory=tuple)
    note: str = ""
    ccd_lower_bound: bool = False
    cycle_life_lower_bound: bool = False


@lru_cache(maxsize=1)
def published_strategies() -> tuple[Strategy, ...]:
    """The bundled literature table."""
    data = tomllib.loads(resources.files("lisse.analysis").joinpath("literature.toml").read_text("utf-8"))
    out = []
    for row in data["strategy"]:
        row = dict(row)
        row["cycle_life"] = tuple((float(i), float(h)) for i, h in row.get("cycle_life", []))
        out.append(Strategy(**row))
    return tuple(out)


def _check(name: str, x: float, si: str, shown: str) -> float:
    """``x`` [``si``] if positive and finite; the error shows it in ``si`` and in the display unit ``shown``."""
    if not math.isfinite(x) or x <= 0:
        from lisse.units import format_quantity

        got = f"{x!r} {si}" + (f" (= {format_quantity(x, shown)})" if math.isfinite(x) else "")
        raise ParameterError(f"parameter '{name}' must be positive and finite; got {got}")
    return float(x)


@quantity_args(ccd="mA/cm2", interfacial_resistance="ohm*cm2")
def compare_cell(
    ccd: float | None = None,
    interfacial_resistance: float | None = None,
    cycle_life: list[tuple[float, float]] | None = None,
    electrolyte: str | None = None,
    current_window: float = 2.0,
    ccd_is_lower_bound: bool = False,
    cycle_life_is_lower_bound: bool | Sequence[bool] = False,
) -> dict:
    """Place a cell among published strategies.

    Parameters
    ----------
    ccd : float, optional
        Critical current density [A/m2].
    interfacial_resistance : float, optional
        Area-specific interfacial resistance [ohm m2].
    cycle_life : list of (float, float), optional
        ``(current density in A/m², life in s)`` pairs of the cell's symmetric-cell cycling.
    electrolyte : str, optional
        Restrict to strategies on this electrolyte family (LLZO includes LLZTO).
    current_window : float, default 2.0
        Cycle lives are compared within this factor of current density.
    ccd_is_lower_bound : bool, default False
        ``ccd`` is only a lower bound (the cell never failed up to it): it beats only lower measured CCDs; every
        published CCD at or above it is undecided (:mod:`lisse.analysis.ranking`).
    cycle_life_is_lower_bound : bool or sequence of bool, default False
        The cell had not failed at the end of its record (one flag, or one per ``cycle_life`` pair): its life is at
        least the duration, so it beats shorter published lives but is never "outlasted" (a longer published life is
        undecided).

    Returns
    -------
    dict
        Unit-suffixed percentiles and the strategies beaten / not beaten. With ``interfacial_resistance``:
        ``interfacial_resistance_compared`` (how many published strategies of the family give one) and, when none does,
        ``interfacial_resistance_percentile`` and ``interfacial_resistance_best_published_ohm_cm2`` None.

    Raises
    ------
    ParameterError
        For a non-positive value, ``current_window`` <= 1, or an electrolyte with no published strategy.

    References
    ----------
    .. [1] Chu et al., "Optimization strategies for key interfaces of LLZO-based solid-state lithium metal
       batteries", Materials Chemistry Frontiers (2024), doi:10.1039/d3qm01111a (Table 1).
    .. [2] Ji et al., Nature Communications (2025); Su et al., Nature Communications 15 (2024),
       doi:10.1038/s41467-024-48585-7; Wang et al., Nature Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    ccd_ma = None if ccd is None else _check("ccd", ccd, "A/m2", "mA/cm2") / 10.0  # A/m2 -> mA/cm2
    r_ohm_cm2 = None if interfacial_resistance is None else _check("interfacial_resistance", interfacial_resistance, "ohm*m2", "ohm*cm2") * 1e4
    if not (current_window > 1):
        raise ParameterError(f"parameter 'current_window' must be > 1; got {current_window!r}")
    pool = list(published_strategies())
    if electrolyte:
        fam = electrolyte.upper().replace("LLZTO", "LLZO")
        pool = [s for s in pool if s.electrolyte.upper().replace("LLZTO", "LLZO") == fam]
        if not pool:
            known = sorted({s.electrolyte.upper().replace("LLZTO", "LLZO") for s in published_strategies()})
            raise ParameterError(f"no published strategy on electrolyte '{electrolyte}'; known: {', '.join(known)} (LLZO includes LLZTO)")
    register(*sorted({s.source for s in pool}))
    out: dict = {"n_strategies": len(pool)}
    if ccd_ma is not None:
        rows_ccd = [s for s in pool if s.ccd_mA_cm2 is not None]
        if not rows_ccd:
            raise ParameterError(f"no published CCD on electrolyte '{electrolyte}' to compare with")
        best = max(rows_ccd, key=lambda s: s.ccd_mA_cm2 or 0.0)
        verdict = [decide(ccd_ma, ccd_is_lower_bound, s.ccd_mA_cm2 or 0.0, s.ccd_lower_bound) for s in rows_ccd]
        beaten = [s for s, d in zip(rows_ccd, verdict) if d > 0]
        undecided = [s for s, d in zip(rows_ccd, verdict) if d == 0]
        decided = len(rows_ccd) - len(undecided)

        def label(s: Strategy) -> str:
            step = "" if s.ccd_step_capacity_mAh_cm2 is None else f" at {s.ccd_step_capacity_mAh_cm2:g} mAh/cm2 per step"
            return f"{s.name} ({'> ' if s.ccd_lower_bound else ''}{s.ccd_mA_cm2:g} mA/cm2{step})"

        out.update(
            ccd_mA_cm2=ccd_ma,
            ccd_is_lower_bound=bool(ccd_is_lower_bound),
            ccd_percentile=100.0 * len(beaten) / decided if decided else None,
            ccd_best_published_mA_cm2=best.ccd_mA_cm2,
            ccd_best_published_strategy=best.name,
            ccd_best_published_is_lower_bound=best.ccd_lower_bound,
            ccd_best_published_step_capacity_mAh_cm2=best.ccd_step_capacity_mAh_cm2,
            ccd_compared=[label(s) for s in rows_ccd],
            ccd_undecided=[label(s) for s in undecided],
        )
    if r_ohm_cm2 is not None:
        resistances = [s.interfacial_resistance_ohm_cm2 for s in pool if s.interfacial_resistance_ohm_cm2 is not None]
        out.update(
            interfacial_resistance_ohm_cm2=r_ohm_cm2,
            # no published strategy of this family with a resistance: no rank (review s48: ZeroDivisionError)
            interfacial_resistance_percentile=100.0 * sum(r_ohm_cm2 < r for r in resistances) / len(resistances) if resistances else None,
            interfacial_resistance_best_published_ohm_cm2=min(resistances) if resistances else None,
            interfacial_resistance_compared=len(resistances),
        )
    if cycle_life:
        rows = []
        flags = cycle_life_is_lower_bound  # one flag (also a numpy bool) or one per pair (a list or an array)
        seq = cast("Sequence[bool]", flags) if hasattr(flags, "__len__") else [bool(flags)] * len(cycle_life)
        bounds = [bool(b) for b in seq]
        if len(bounds) != len(cycle_life):
            raise ParameterError(f"parameter 'cycle_life_is_lower_bound': expected one flag or {len(cycle_life)}; got {len(bounds)}")
        for (i_si, life_s), censored in zip(cycle_life, bounds):
            i = _check("cycle_life current density", i_si, "A/m2", "mA/cm2") / 10.0
            h = _check("cycle_life duration", life_s, "s", "h") / 3600.0
            near = [(s, ii, hh) for s in pool for ii, hh in s.cycle_life if i / current_window <= ii <= i * current_window]
            beats, loses, unsettled = [], [], []
            for s, ii, hh in near:
                text = f"{s.name} ({'> ' if s.cycle_life_lower_bound else ''}{hh:g} h at {ii:g} mA/cm2)"
                if ((ii > i and hh >= h) or (ii >= i and hh > h)) and not censored:
                    loses.append(text)  # a lower bound only makes the published life longer; this cell's own, its own
                elif ((i > ii and h >= hh) or (i >= ii and h > hh)) and not s.cycle_life_lower_bound:
                    beats.append(text)
                else:
                    unsettled.append(text)
            rows.append({"current_density_mA_cm2": i, "cycle_life_h": h, "cycle_life_is_lower_bound": censored, "n_compared": len(near), "beats": beats,
                         "outlasted_by": loses, "undecided": unsettled})
        out["cycle_life"] = rows
    return out
