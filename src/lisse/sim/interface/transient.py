"""Transient plate/strip simulation of a symmetric Li | (interlayer) | SSE | (interlayer) | Li cell.

State of each of the two electrodes (0 = working, 1 = counter), advanced in substeps of each half cycle:

* ``delta`` — void volume per area at the Li | solid contact; contact fraction ``f_c = 1 - delta/h_v`` (void depth
  ``h_v = void_depth_ratio x lambda``)
  (floored at ``min_contact``), evolved implicitly by the stripping / creep / self-diffusion balance of
  :mod:`lisse.sim.interface.model` (Kasemchainan2019, Krauskopf2019, LePage2019);
* the Li metal inventory (thickness change) of the electrode, Faraday's law ``dL/dt = -j V_m / F`` split
  between the anode face and the Li inside the interlayer;
* with an interlayer: the Li fill fraction ``s(x)`` of its pores (mesh of ``n_cells`` cells, default :data:`N_CELLS`), nuclei ``N(x)``
  accumulated at the classical nucleation rate with the electron factor
  ``c_e/c_e,Li = sigma_e/sigma_e,Li`` (Drude, n = sigma/(e mu), equal electron mobility assumed in the layer and
  in Li metal), the fraction of the pore cross-section that the growing Li occupies (1 for Li grown from
  nuclei spread over the layer; the contact fraction at entry for filaments pushed into the pores of a
  lithiophobic layer). Nucleation is a first passage: a substep ends where the first empty cell reaches the nucleus
  density (the rate frozen over the substep), so that the cell of the largest rate nucleates first and the Li seeded
  there relieves the others, independently of the substep length. Li enters the pores at the anode face when pushed
  in (pressure above the capillary entry pressure) or drawn in (pores it wets, contact angle < 90 deg, e.g. the
  Cassie angle of the LNI-50CNT composite in the materials library).

The pore front (assumed physics, stated because no source models a Li-filled interlayer this way): Li in a pore
reacts where it wets the pore wall (Li | skeleton contact, area ``a_li = 3 eps / r_p`` per volume for spherical pores,
times the filled share ``s`` of the cell); Li plated on the walls of a full pore has nowhere to go but the open pore
volume ahead and is extruded there by creep (:func:`_carry_overflow`; the back-pressure of that flow,
``sigma_flow V_m / F`` ~ 1 mV at 10 MPa, is neglected). So the front at ``x_f`` is fed by the wall area ``a_li x_f``
behind it, which the mesh only samples: the front speed converges as the cells shrink. Before, a full cell took no Li
and the front was fed by the front cell alone (area ``a_li h``), so it slowed as the mesh was refined (the graded LNI-25Mg
layer shorted at 0.85 h with 60 cells, 8.35 h with 960). Li metal carries no Li+: a cell's ionic conductivity is the
skeleton's whether its pores are filled or not. Li entering from the anode face fills one pore diameter of the pores at
once (:data:`_PLUG_PORE_DIAMETERS`: a Li body spanning a pore is at least as long as the pore is wide), taken from the
foil. Li nucleated in a cell sits on the walls of the pores it nucleated in, one pore diameter deep whatever the cell
width (:data:`_NUCLEUS_PORE_DIAMETERS`, assumed: a nucleus forms in a pore and the Li grown from it covers that pore's
walls; :func:`_seed_nuclei`), and plates on all of them; a cell strips only the Li it holds, on its wetted share (exact
exponential decay over a substep). Before, a nucleated cell plated on its whole wall area ``a_li h``: the seed was as
large as the cell, and the Li that reached the electrolyte face converged only slowly with the cell width (LNI-5CNT,
51.4 um, porosity 0.4: deepest face fill 0.73, 0.60, 0.54, 0.51 um at 60, 120, 240, 480 cells; now 0.785, 0.780, 0.778,
0.778 um).

Potentials are quasi-steady at each substep (charge relaxes in nanoseconds, the state in minutes):
:func:`lisse.sim.interface.layer.solve_layer` with Li-bearing cells reactive and Li-filled pores conducting
electrons in parallel (``sigma_e + eps phi s sigma_Li``).

Cell voltage (what the cycler records): ``V = sign(I) [ |j| L/sigma + U_plating + U_stripping ]`` with, per
electrode, the charge-transfer overpotential at the local current ``j/f_c`` (Butler–Volmer,
:mod:`lisse.electrochem`) plus the constriction resistance, or the interlayer potential drop. On a short
(:func:`~lisse.sim.interface.model.flaw_critical_pressure` exceeded by the Li pressure ``F|eta|/V_m`` where Li
touches the dense electrolyte) the voltage is ``I x shunt_resistance`` from then on; at ``|V| >= voltage_cutoff``
the record ends, as a cycler stops.

Li at the electrolyte face of an interlayer builds that pressure only where it is confined (assumed physics, as the
pore front above): a nucleus in an open pore grows into the pore, not into the electrolyte. A front grown from the
anode face is confined once it fills the last cell. Li nucleated at the face is confined once its volume per area,
piled against the face, fills the pores that touch the electrolyte, ``eps phi d`` with
``d = min(2 r_p x`` :data:`_FACE_PORE_DIAMETERS` ``, L)`` (:func:`_face_li`: the Li volume inside the last ``d`` of
the layer, which the nucleus zone may spread over several cells or which may lie inside one); Li plated in a full face pore is
extruded into the open pores behind it (:func:`_carry_back`). Before, the face Li had to fill the last mesh cell,
``eps L / n_cells``: with 0.2 mAh/cm2 half cycles, whose ~0.25 um of face Li the reverse half cycle strips back, that
put a cliff in the LNI-5CNT thickness x porosity CCD map at ``eps L / 120 ~ 0.25 um`` that moved with the mesh.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from lisse.citations import register
from lisse.constants import FARADAY, GAS_CONSTANT
from lisse.materials import get_material
from lisse.records.cycling import CyclingRecord, Provenance
from lisse.records.display import fields_repr
from lisse.sim.interface.layer import LayerSolution, _solve_batch
from lisse.sim.interface.model import (
    MPA,
    InterfaceModel,
    _advance_void,
    _supply_terms,
    contact_supply_limit,
    creep_strain_rate,
    flaw_critical_pressure,
    void_face_wiring_current,
)
from lisse.sim.interface.protocol import Protocol
from lisse.sim.interlayer.model import bv_overpotential
from lisse.thermo.nucleation import _rate_from_barrier, barrier_coefficient, critical_overpotential, li_molar_volume
from lisse.thermo.wetting import capillary_pressure

__all__ = ["Simulation", "simulate", "check_foil", "logged_record", "RECORD_AREA_M2", "LOG_INTERVAL_S", "LOG_MIN_SAMPLES",
           "LOG_MAX_SAMPLES"]

#: Electrode area written on the simulated record (1 cm2).
RECORD_AREA_M2 = 1e-4

#: Logging interval of the simulated cycler [s] (:func:`logged_record`): the detectors judge a simulated record as a
#: cycler logging every 10 s would have written it (assumed: cyclers log every 1-60 s; Wang2024, Ji2025 and Su2024 do
#: not state theirs). The detectors' windows count samples (a 5-sample rolling median), so a record judged at the
#: simulator's own substeps was judged more sharply the finer the time step: Wang2024's LNI-50CNT staircase read 0.76,
#: 0.74, 0.72, 0.70, 0.66, 0.64 mA/cm2 at 20-640 points per half cycle from one and the same end-of-step excursion
#: (about 100 s; invisible at 180 s spacing, fully seen at 6 s).
LOG_INTERVAL_S = 10.0

#: Fewest samples the simulated cycler logs per half cycle (:func:`logged_record`): a half cycle shorter than
#: LOG_MIN_SAMPLES x LOG_INTERVAL_S is logged at duration / LOG_MIN_SAMPLES (cyclers also log on a voltage change).
LOG_MIN_SAMPLES = 20

#: Most samples the simulated cycler logs over a whole record (:func:`logged_record`; bounds memory and the detectors'
#: work on long cycling, e.g. 10000 h of 0.5 h half cycles at 10 s would be 3.6 million): where the fixed grid would
#: exceed it, every half cycle's interval is stretched by the same factor (the record still depends on the protocol only).
LOG_MAX_SAMPLES = 1_000_000

#: Default number of interlayer mesh cells of :func:`simulate` and :func:`~lisse.sim.interface.predict.predict_ccd`.
#: Every validation row but one is the same at 120, 240 and 480 cells; LNI-50CNT reads 0.68 mA/cm2 at 120 and 0.70 at 240
#: and 480 (2026-12-02; 0.62 at 60 cells and 0.78 from 120 before the time-step fixes of :func:`logged_record`).
N_CELLS = 120

#: Kinds of Li seed in a pore cell (bit flags of ``_Electrode.seed``): the front entered it (Li that grows as a plug from
#: the Li behind it), or Li nucleated in it (nuclei spread over the cell's pore walls).
_SEED_FRONT = 1
_SEED_NUCLEI = 2

#: Simulated failures after which the record ends (the cycler stops at its voltage limit).
_STOPS = ("cutoff", "li_depleted")

#: Largest fall of the stripping electrode's contact fraction over one substep [-]: a substep whose predicted fall (rate
#: at its start) is larger ends early (the contact-runaway cut of :func:`simulate`). Measured on bare Li | LPSC at 6 MPa
#: (0.1 mA/cm2 steps of 0.5 mAh/cm2, flaw 0.03 um): without the cut (or with 0.2) the detected CCD is 0.9, 1.0, 0.8, 0.8
#: mA/cm2 at 10, 20, 40, 160 points; with 0.1 or 0.05 it is 0.8 at all four, but the simulated short still comes one
#: plating half cycle later at 10-20 points (105525-105576 s vs 103654 s); with 0.02 it is at 103726 s at 10 and 20
#: points, 103654 s at 160 (0.07 %), for ~10 % more record samples at 20 points.
_DF_MAX = 0.02

#: The same for an electrode behind an interlayer [-]: each cut substep costs a layer solve there (bare electrodes cost
#: next to nothing). Measured: the LNI-5CNT 0.5 mA/cm2 x 1 h staircase shorts in the 4.0 mA/cm2 half cycle at 10-160
#: points with 0.05 as with 0.02, and the 20 x 20 thickness-porosity map keeps its cost (0.02 doubled it: twice the
#: substeps in its 0.2 mAh/cm2 half cycles); 0.1 and above leave the short step-dependent (3.5 at 160 points, 4.0 at 20).
_DF_MAX_LAYER = 0.05

#: Largest relative rise of the plating electrode's contact fraction over one substep while Li can nucleate in its
#: interlayer [-] (the recovery cut of :func:`simulate`; also at most :data:`_DF_MAX_LAYER` in absolute terms).
_DF_REL_RECOVERY = 0.25

#: Shortest substep the contact-runaway cut may take, as a fraction of the nominal substep [-] (bounds its cost).
_DT_FLOOR = 1e-4


@dataclass
class Simulation:
    """Result of :func:`simulate`.

    Parameters
    ----------
    record : CyclingRecord
        Simulated cycler record (time [s], voltage [V], current [A]; 1 cm2 area).
    state : pandas.DataFrame
        Internal state over time: ``t_s``, ``current_density_A_m2``, ``voltage_V``, ``contact_fraction_we``,
        ``contact_fraction_ce``, ``li_front_we_m``, ``li_front_ce_m``, ``li_we_m``, ``li_ce_m`` (Li inventory change),
        ``step``, ``half_cycle``.
    failure_time_s : float or None
        Time of the simulated failure (short or cut-off); None if none.
    failure_mode : str or None
        ``"short"``, ``"cutoff"`` (runaway polarisation), ``"li_depleted"`` (an electrode stripped its whole Li foil,
        ``li_thickness``; the record ends at the voltage limit) or None.
    failure_half_cycle : int or None
        Index of the half cycle of the failure.
    model : InterfaceModel
        The simulated model.
    protocol : Protocol
        The protocol run.
    notes : list of str
        Events (pore entry, nucleation, Li at the electrolyte) with their times, as text.
    events : list of tuple
        The same events as ``(time [s], kind, electrode index, depth [m] or None)``; kinds ``"pore_entry"``,
        ``"nucleation"``, ``"short"``, ``"cutoff"``, ``"li_depleted"``.
    """

    record: CyclingRecord
    state: Any
    failure_time_s: float | None
    failure_mode: str | None
    failure_half_cycle: int | None
    model: InterfaceModel
    protocol: Protocol
    notes: list[str] = field(default_factory=list)
    events: list[tuple[float, str, int, float | None]] = field(default_factory=list)

    def __repr__(self) -> str:
        return fields_repr(self, ["failure_time_s", "failure_mode", "failure_half_cycle"])

    @property
    def failure_current_density_A_m2(self) -> float | None:
        """|j| of the half cycle that failed [A/m2] (None without failure)."""
        if self.failure_half_cycle is None:
            return None
        return float(abs(self.protocol.current_density[self.failure_half_cycle]))


class _Electrode:
    """Mutable state of one electrode."""

    def __init__(self, model: InterfaceModel, n_cells: int) -> None:
        v = model.values
        self.delta = 0.0
        # the contact law's constants (contact() is called several times per substep)
        self.lam = v["void_size"]
        self.h_void = v["void_depth_ratio"] * self.lam
        self.min_contact = v["min_contact"]
        self.li = 0.0  # Li metal thickness change at the anode face [m]
        self.layer = model.has_interlayer
        self.entered = False
        self.touching = not self.layer  # Li touches the dense electrolyte
        if self.layer:
            lt = v["interlayer_thickness"]
            self.h = np.full(n_cells, lt / n_cells)
            # depth of each cell's start and its width, as floats, for _front (x_lo[k] is sum(h[:k]) exactly as summed there)
            self.x_lo = [float(self.h[:k].sum()) for k in range(n_cells)]
            self.h_list = [float(x) for x in self.h]
            self.s = np.zeros(n_cells)  # fraction of pore volume filled with Li
            self.nuclei = np.zeros(n_cells)
            # Li entered here (_SEED_FRONT) or nucleated here (_SEED_NUCLEI): reactive even while s = 0
            self.seed = np.zeros(n_cells, dtype=np.int8)
            # share of each cell's pore walls that Li nucleated there covers (_seed_nuclei): 0 where none nucleated
            self.wall = np.zeros(n_cells)
            self.face_zone: dict[float, np.ndarray] = {}  # _face_li's cell widths inside a face zone, by its depth
            self.phi = 1.0  # fraction of the pore cross-section the Li grows in
            self.eta: np.ndarray | None = None
            self.eta_prev: np.ndarray | None = None  # the solution one substep earlier in the same half cycle
            self.eta_j = 0.0  # the current density eta was solved for
        self.sol: LayerSolution | None = None  # the interlayer's solution of the current substep (interlayer only)

    def contact(self, model: InterfaceModel) -> float:
        """Contact fraction f_c = max(1 - delta/h_v, f_min) [-] (``model`` is the one the electrode was built for)."""
        return max(1.0 - self.delta / self.h_void, self.min_contact)

    def face_wired(self, j_plate: float, j_wire: float) -> bool:
        """Whether the interlayer's faces inside the voids take plated Li at the plating current density ``j_plate`` [A/m2].

        True when Li is spread over the face cell's pores (not a filament) or the layer's electrons reach the middle
        of a void at this current (``j_plate <= j_wire``, :func:`lisse.sim.interface.model.void_face_wiring_current`).
        """
        return self.layer and self.phi >= 1.0 and (bool(self.s[0] > 0.0) or j_plate <= j_wire)

    def pore_li(self, eps: float) -> float:
        """Li volume per area inside the interlayer [m]."""
        return float(self.s @ self.h) * eps * self.phi if self.layer else 0.0


def _supply_function(model: InterfaceModel) -> Callable[[float], float]:
    """:func:`~lisse.sim.interface.model.supply_velocity` (``f_c v_lim``) with v_lim evaluated once."""
    v_lim = contact_supply_limit(model)

    def supply(f: float) -> float:
        return f * v_lim

    return supply


def _contact_step(e: _Electrode, strip_rate: float, dt: float, model: InterfaceModel,
                  terms: tuple[float, float, float] | None = None, refill: float = 0.0) -> None:
    """Step of the void volume under the contact law (:func:`~lisse.sim.interface.model.advance_void_volume`).

    ``terms`` are the model's (v_diff, void-scale creep rate, n), evaluated once per simulation by the caller;
    ``refill`` [m/s] is the plating velocity at a wired interlayer face (:meth:`_Electrode.face_wired`), else 0.
    """
    h = e.h_void  # the void depth h_v (:func:`~lisse.sim.interface.model.void_depth`)
    diff, creep_rate, n = terms if terms is not None else _supply_terms(model)
    e.delta = _advance_void(e.delta, strip_rate, dt, diff, e.lam, h * (1.0 - e.min_contact), creep_rate, n, refill, h)


def _void_rate(f: float, removal: float, terms: tuple[float, float, float], lam: float) -> float:
    """``d delta/dt`` [m/s] of the contact law at contact fraction ``f`` while stripping (the terms of :func:`_contact_step`,
    no refill): ``removal - f v_diff - lam eps_dot f^(1-n)``."""
    diff, creep_rate, n = terms
    rate = removal - f * diff
    if creep_rate > 0.0:
        rate -= lam * creep_rate * f ** (1.0 - n)
    return rate


def _recovery_rate(f: float, e: _Electrode, j_wire: float, j_plate: float, vm: float, terms: tuple[float, float, float],
                   lam: float) -> float:
    """``-d delta/dt`` [m/s] of the plating electrode's contact law at contact fraction ``f`` (the terms of
    :func:`_contact_step` without removal): ``f v_diff + (1 - f) r_p + lam eps_dot f^(1-n)``, ``r_p`` the plating velocity
    at the interlayer face inside the voids where it is wired (:meth:`_Electrode.face_wired`), else 0."""
    diff, creep_rate, n = terms
    face = e.sol.anode_current if (e.layer and e.sol is not None) else 0.0
    refill = face * vm / FARADAY if face > 0.0 and e.face_wired(j_plate, j_wire) else 0.0
    rate = f * diff + (1.0 - f) * refill
    if creep_rate > 0.0:
        rate += lam * creep_rate * f ** (1.0 - n)
    return rate


def _hold_up(f: float, removal: float, terms: tuple[float, float, float], lam: float, f_min: float) -> float:
    """Contact fraction in [f_min, f] where :func:`_void_rate` crosses zero (the stripping contact's hold-up), by
    bisection; ``f_min`` where the rate is still positive there (nothing holds the contact up)."""
    if _void_rate(f_min, removal, terms, lam) >= 0.0:
        return f_min
    diff, creep_rate, n = terms
    c_creep, m = lam * creep_rate, 1.0 - n  # _void_rate inlined (the same operations in the same order)
    lo, hi = f_min, f
    while hi - lo > 1e-5:  # well below any contact step of the cut
        mid = 0.5 * (lo + hi)
        rate = removal - mid * diff
        if creep_rate > 0.0:
            rate -= c_creep * mid ** m
        if rate > 0.0:
            hi = mid
        else:
            lo = mid
    return hi


#: Length of the Li plug that enters a pore from the anode face, in pore diameters [-]. Assumed: a Li body in a pore
#: that is continuous with the foil and spans the pore's cross-section (a meniscus) cannot be shorter than the pore is
#: wide. It sets the wetted wall area that feeds the front when it starts (a_li phi x_front grows from a_li phi
#: x_plug): without a physical length there the start was one cell's area, and the front's start depended on the mesh.
_PLUG_PORE_DIAMETERS = 1.0


def _enter_plug(e: _Electrode, plug: float, eps: float) -> None:
    """Fill the pores of ``e`` from the anode face to the depth ``plug`` [m] with Li taken from its foil (Li entering
    the pores, :data:`_PLUG_PORE_DIAMETERS`); Li volume is conserved (the foil loses what the pores gain)."""
    x_hi = np.cumsum(e.h)
    share = np.clip((plug - (x_hi - e.h)) / e.h, 0.0, 1.0)  # share of each cell inside the plug
    s_new = np.maximum(e.s, share)
    e.li -= float((s_new - e.s) @ e.h) * eps * e.phi
    e.s[:] = s_new
    e.seed |= np.where(share > 0.0, _SEED_FRONT, 0).astype(np.int8)


def _front(e: _Electrode) -> float:
    """Depth of the deepest Li in the pores of ``e`` [m]: the cells before the last Li-bearing one plus its filled share
    (the sharp front's position for Li grown from the face; 0 without Li in the pores)."""
    li = e.s > 0.0
    if not np.count_nonzero(li):
        return 0.0
    k = li.size - 1 - int(li[::-1].argmax())  # the last Li-bearing cell
    return e.x_lo[k] + min(float(e.s[k]), 1.0) * e.h_list[k]


def _carry_overflow(s: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Move the Li that overfills a pore cell on into the next cells (the front grows on within the substep).

    Without this the front could cross at most one cell per substep (a cell became reactive only at the next
    substep), a first-order lag in the front position that made the short time depend on the step size. Li volume
    is conserved; what overfills the last cell is left there as s > 1 (the caller carries Li nucleated at the face
    back into the open pores behind it, :func:`_carry_back`, and sends what no pore takes to the foil).
    """
    s = s.copy()
    over = 0.0
    n = s.size
    k = int(np.argmax(s > 1.0))
    last = int(n - 1 - np.argmax(s[::-1] > 1.0))
    while k < n - 1:
        vol = s[k] * cap[k] + over
        if vol > cap[k]:
            over = vol - cap[k]
            s[k] = 1.0
        else:
            s[k] = vol / cap[k]
            over = 0.0
            if k >= last:
                break
        k += 1
    if k == n - 1:
        s[k] += over / cap[k]
    return s


#: Depth of the pores that touch the dense electrolyte, in pore diameters [-]: Li nucleated at the electrolyte face is
#: confined there (builds the plating pressure ``F|eta|/V_m`` against the electrolyte) once it fills this depth of pores
#: (:func:`_face_li`). Assumed, as :data:`_PLUG_PORE_DIAMETERS`: the pores of the face are as deep as they are wide.
_FACE_PORE_DIAMETERS = 1.0


def _carry_back(s: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Move the Li that overfills the last pore cell (at the electrolyte face) back into the open pores behind it.

    Li plated in a full pore at the electrolyte face has nowhere to go but the open pore volume behind it (the
    electrolyte side is closed) and is extruded there by creep: the rule :func:`_carry_overflow` applies ahead of the
    front, applied behind the face. So the Li piled against the face grows back from it by its volume, whatever the
    mesh (before, a full last cell sent its excess to the foil, and whether the face Li was confined depended on the
    width of that cell). Li volume is conserved; what no open cell takes is left in the last cell as ``s > 1``.
    """
    s = s.copy()
    over = (s[-1] - 1.0) * cap[-1]
    if over <= 0.0:
        return s
    s[-1] = 1.0
    for k in range(s.size - 2, -1, -1):
        room = (1.0 - s[k]) * cap[k]
        if room <= 0.0:
            continue
        take = min(room, over)
        s[k] = 1.0 if take == room else s[k] + take / cap[k]
        over -= take
        if over <= 0.0:
            break
    if over > 0.0:
        s[-1] += over / cap[-1]
    return s


def _face_li(e: _Electrode, depth: float) -> float:
    """Li volume per pore area [m] in the face pores of ``e``: the ``depth`` of the layer next to the electrolyte.

    Li nucleated at the electrolyte face is confined there (it can build the plating pressure against the electrolyte)
    once it fills the pores that touch the electrolyte, ``depth`` deep (:data:`_FACE_PORE_DIAMETERS`), which the
    caller checks as ``_face_li(e, depth) >= depth``. The model spreads that Li over the walls of the pores it sits in
    (:func:`_seed_nuclei`, a zone as deep as ``depth`` that may span several cells, or lie inside one) and extrudes what
    overfills the last cell into the open pores behind it (:func:`_carry_back`), so the measure is the Li volume inside
    the zone: each cell counts its Li volume ``s h`` up to the part of its width inside the zone (a cell's Li plates on
    the walls the zone covers first). It grows with every Li volume added to the zone and does not depend on the cell
    width (a cell wider than the zone counts its Li up to ``depth``). Where the Li came from does not matter: Li of the
    anode's front that fills the face pores is confined too. Before, the count ran from the face back to the first
    empty cell, or, with Li in every cell, over the full cells from the face plus one partial cell, and adding Li could
    lower it (0.9 to 0.3 cell widths for fills 0, 0.3, 0.3, 0.3 -> 1e-6, 0.3, 0.3, 0.3).

    Parameters
    ----------
    e : _Electrode
        An electrode with an interlayer (fills ``s`` [-], cell widths ``h`` [m]).
    depth : float
        Depth of the face pores [m], > 0 and at most the layer thickness.

    Returns
    -------
    float
        Li volume per pore area in the zone [m], between 0 and ``depth``.
    """
    inside = e.face_zone.get(depth)
    if inside is None:  # the width of each cell inside the zone (fixed per electrode and depth: computed once)
        x_hi = np.cumsum(e.h)
        lt = float(x_hi[-1])
        inside = e.face_zone[depth] = np.clip(x_hi - np.maximum(x_hi - e.h, lt - depth), 0.0, None)
    return float(np.add.reduce(np.minimum(np.maximum(e.s, 0.0) * e.h, inside)))  # np.sum, np.clip(s, 0, None) without their wrappers


#: Depth of the pores that Li nucleated in a cell seeds, in pore diameters [-]. Assumed, as :data:`_PLUG_PORE_DIAMETERS`:
#: a nucleus forms in a pore (nucleus density ~ 1 per um3, about one per pore) and the Li grown from it covers the walls
#: of that pore, as deep as it is wide, whatever the cell width (:func:`_seed_nuclei`).
_NUCLEUS_PORE_DIAMETERS = 1.0


def _seed_nuclei(e: _Electrode, new: np.ndarray, depth: float, lt: float) -> None:
    """Seed the pores around each cell of ``e`` flagged in ``new`` (it reached the nucleus density) with nucleated Li.

    The Li grown from a nucleus sits on the walls of the pore it formed in (:data:`_NUCLEUS_PORE_DIAMETERS`): a zone
    ``depth`` deep centred on the cell, shifted to lie inside the layer ``[0, lt]`` (at the electrolyte face: the face
    pores). Each cell the zone overlaps is flagged nucleated (:data:`_SEED_NUCLEI`: reactive at once, no more nucleation
    there) and gets the share of its walls the zone covers (``e.wall``), on which it plates (:func:`_layer_terms`).
    Before, a nucleated cell plated on all its walls, area ``a_li h``: the Li plated next to the electrolyte face, and
    the face short, depended on the cell width ``h`` (LNI-5CNT, 200 um, porosity 0.2: a short at 2.5 mA/cm2 with 120
    cells, none to 10 mA/cm2 with 240). Moves no Li.
    """
    x_lo = np.asarray(e.x_lo)
    x_hi = x_lo + e.h
    for k in np.flatnonzero(new):
        lo = x_lo[k] + 0.5 * e.h_list[k] - 0.5 * depth
        lo = min(max(lo, 0.0), lt - depth)
        share = np.clip(np.minimum(x_hi, lo + depth) - np.maximum(x_lo, lo), 0.0, None) / e.h
        hit = share > 1e-9  # a sliver of rounding is no overlap
        e.wall[hit] = np.maximum(e.wall[hit], np.minimum(share[hit], 1.0))
        e.seed[hit] |= _SEED_NUCLEI


#: Coarsest and finest time resolution :func:`simulate` runs at [points per half cycle]: below 5 a half cycle's contact and
#: pore front are not resolved at all; 10000 bounds the cost (a 90 um LNI-50CNT staircase of 50 steps takes ~9 s at 320,
#: so minutes at 10000). The ladder of :func:`lisse.sim.interface.predict.converge_time_step` agreed by 320 in every case
#: measured (2026-12-02: the validation table, 40 random cases).
MIN_SIMULATED_POINTS = 5
MAX_SIMULATED_POINTS = 10_000


def check_foil(model: InterfaceModel, protocol: Protocol, *, what: str | None = None, foil: str = "li_thickness") -> None:
    """Refuse a protocol whose first half cycle strips more Li than an electrode's foil holds.

    One half cycle of a symmetric cell strips ``|j| t V_m / F`` of Li from one electrode (Faraday's law; 4.85 um per
    mAh/cm2). Where the very first half cycle already strips the whole foil, nothing about the interface can be
    judged: the record ends at its first samples and a detector would misread it, so
    :func:`~lisse.sim.interface.predict.predict_ccd` refuses it (:func:`simulate` itself runs it: the depletion is
    its ``"li_depleted"`` failure). A later step that strips the foil is a result: ``predict_ccd`` reports the CCD
    below it as a lower bound.

    Parameters
    ----------
    model : InterfaceModel
        Supplies the foil thickness ``li_thickness`` [m] of each electrode.
    protocol : Protocol
        The protocol about to be simulated.
    what : str, optional
        How the caller names the first half cycle in the error (e.g. the command-line options that set it).
    foil : str, default "li_thickness"
        How the caller names the foil thickness in the error.

    Raises
    ------
    ParameterError
        The first half cycle's capacity exceeds the foil's.
    """
    from lisse.errors import ParameterError

    if protocol.current_density.size == 0:  # pragma: no cover - Protocol refuses empty arrays
        return
    q = abs(float(protocol.current_density[0])) * float(protocol.duration[0])  # [C/m2]
    depth = q * li_molar_volume() / FARADAY  # [m]
    foil_m = float(model.values["li_thickness"])
    if depth > foil_m:
        first = what or (f"the protocol's first half cycle ({abs(float(protocol.current_density[0])) / 10:g} mA/cm2 for "
                         f"{float(protocol.duration[0]) / 3600:.4g} h)")
        raise ParameterError(f"{first}: {q / 3.6e4:.4g} mAh/cm2 strips {depth * 1e6:.4g} um of Li in one half cycle, more "
                             f"than the {foil_m * 1e6:.4g} um Li foil of each electrode ({foil}); give a thicker foil or a "
                             "smaller capacity per half cycle")


def simulate(model: InterfaceModel, protocol: Protocol, progress: Callable[[int, int], None] | None = None, *,
             points_per_half_cycle: int = 20, n_cells: int | None = None) -> Simulation:
    """Simulate a symmetric cell under ``protocol``; return the cycler record and the internal state.

    Parameters
    ----------
    model : InterfaceModel
        The interface model (:func:`~lisse.sim.interface.model.build_model`).
    protocol : Protocol
        Galvanostatic protocol (:func:`~lisse.sim.interface.protocol.staircase`, ``cycling_protocol``).
    progress : callable, optional
        Called as ``progress(done, total)`` after each half cycle.
    points_per_half_cycle : int
        Number of nominal substeps per half cycle; the record has a sample at the start of each (the first at the
        current switch) and one at the half cycle's end. Cost grows linearly with it. A substep ends early where the
        first empty interlayer cell reaches the nucleus density (nucleation is a first passage: its rate is frozen over
        the substep, so the crossing time is exact for it), and the record gets a sample there; the Li seeded at that
        cell then relieves the overpotential of the others (before, the cells crossing within one substep were all
        seeded at once and the default 20 points failed a staircase step later than 40-240). The LNI-50CNT staircase (0.02 mA/cm2 steps of 1 h, 120 cells) reads a CCD of 0.68,
        0.66, 0.64, 0.64 mA/cm2 at 20, 40, 80, 160 points (judged on :func:`logged_record`; each pore cell's current held
        over a substep). Before both (the detectors reading the substeps, pore cells decaying exponentially at a current
        frozen per wetted area) it read 0.76 (erratic), 0.74, 0.72, 0.70, 0.66, 0.64 at 20-640. A substep also ends early where the stripping electrode's contact fraction
        would fall by more than 0.02 over it (0.05 behind an interlayer; rate of the contact law at its start; shortest
        substep 1e-4 of the nominal), with a record sample there, and the contact after a stripping substep is kept
        between its start and the hold-up (where void-scale creep balances the removal): the stripping contact running away to its creep hold-up above the critical
        stripping current is resolved whatever this knob. Without it bare Li | LPSC at 6 MPa (flaw 0.03 um) read a CCD
        of 0.9, 1.0, 0.8, 0.8 mA/cm2 at 10, 20, 40, 160 points; with it 0.8 at all four, short at 103726 s (10, 20
        points) vs 103654 s (160). The 90 um LNI-5CNT staircase (0.5 mA/cm2 steps of 1 h) shorts by a nucleus at the
        electrolyte face in the 4.0 mA/cm2 plating half cycle at 10-160 points with 60 cells (50940, 50828 s at 20,
        160); without the cut and the hold-up clamp it shorted at 3.5 at every resolution (the stripped contact left
        above its hold-up). With 120 or 240 cells it shorts at 4.0 with 20-80 points but at 3.5 with 160-320 (open).
    n_cells : int
        Number of interlayer mesh cells; None: :data:`N_CELLS` (120). The pore front is mesh-independent (it is fed by
        the wetted wall area behind it): the graded LNI-25Mg front at 300-900 s is the same at 30-960 cells, the
        LNI-50CNT CCD 0.78 mA/cm2 at 120, 240, 480 cells (0.62 at 60: the pore-wall reaction zone, ~2 um at
        the LNI-50CNT ionic conductivity, wants cells below ~1 um). So is the Li nucleated at the electrolyte face (a
        nucleation event seeds one pore diameter of pores, :func:`_seed_nuclei`): the LNI-5CNT 0.2 mAh/cm2 staircase at
        200 um / porosity 0.2 (cells 3.3-0.42 um, wider and narrower than the 1 um pore) holds to 10 mA/cm2 at 60-480
        cells, 120 um / 0.2 shorts in half cycle 11 at 120 and 240. The cost of one run hardly depends on it (15 to
        240 cells within x1.3: the solver's cost is per call, not per cell).

    Returns
    -------
    Simulation
        Record, state, failure time and mode.

    References
    ----------
    Kasemchainan et al., Nat. Mater. 18, 1105 (2019), doi:10.1038/s41563-019-0438-9.
    Porz et al., Adv. Energy Mater. 7, 1701003 (2017), doi:10.1002/aenm.201701003.
    Wang et al., Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    from lisse.params import check_count

    check_count(points_per_half_cycle, "points_per_half_cycle", MIN_SIMULATED_POINTS, MAX_SIMULATED_POINTS)
    n_cells = N_CELLS if n_cells is None else n_cells
    check_count(n_cells, "n_cells", 3, 2000)
    out = _drive([_simulation(model, protocol, progress, points_per_half_cycle, n_cells)])[0]
    if isinstance(out, BaseException):
        raise out
    return out


class _Request(NamedTuple):
    """One interlayer solve a running simulation asks for: the state of both electrodes (2 rows) and its constants;
    :func:`_solve_requests` turns a stack of them into conductivities and reaction terms and solves them together."""

    h: np.ndarray          # cell widths [m], 2 x N
    s: np.ndarray          # pore fill fraction, 2 x N
    seed: np.ndarray       # Li entered / nucleated (int8 flags _SEED_FRONT, _SEED_NUCLEI), 2 x N
    phi: np.ndarray        # fraction of the pore cross-section the Li grows in, 2 x 1
    current: np.ndarray    # local current density [A/m2] (> 0 plates), 2
    anode_i0: np.ndarray   # exchange current of the anode face x contact fraction [A/m2], 2
    se0: np.ndarray        # layer electronic conductivity [S/m], 2 x N
    si0: np.ndarray        # layer ionic conductivity [S/m], 2 x N
    eps: np.ndarray        # porosity, 2 x 1
    a_li: np.ndarray       # Li | pore wall area per volume [1/m], 2 x 1
    i0: np.ndarray         # exchange current density [A/m2], 2 x 1
    sigma_li: float        # electronic conductivity of Li [S/m]
    alpha: float
    f_rt: float
    guess: np.ndarray      # starting overpotentials [V] (NaN rows: none), 2 x N
    wall: np.ndarray       # share of each cell's pore walls covered by Li nucleated there (_seed_nuclei), 2 x N


def _layer_terms(s: np.ndarray, seed: np.ndarray, phi: np.ndarray, jl: np.ndarray, se0: np.ndarray, si0: np.ndarray,
                 eps: np.ndarray, a_li: np.ndarray, i0: np.ndarray, sigma_li: float,
                 wall: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Conductivities and reaction term of interlayer cells from their Li content (rows: electrodes of one or many runs)."""
    # Li in pores conducts electrons in parallel with the layer; a cell where Li nucleated or the front entered is
    # wired from the start (contiguous Li, counted as 1 % filled), else its Li could not take electrons
    fill = np.where(seed > 0, np.maximum(s, 1e-2), s)
    sig_e = se0 + eps * phi * fill * sigma_li
    # Li+ moves through the layer's skeleton only: Li metal in the pores carries no ions, so the ionic conductivity of a
    # cell does not change as its pores fill (no shortcut through the filled region)
    sig_i = si0
    # Li in the pores reacts where it wets the pore walls (Li | skeleton contact): the filled share of a cell, area
    # a_li phi s per volume (the front crosses a cell continuously: no step in V as it enters the next one). Full pores
    # react too: Li plated there is extruded by creep to the open pore volume at the front (_carry_overflow), so the
    # front is fed by the whole wetted wall area behind it, a_li phi x_front, which does not depend on the mesh. Li grown
    # from nuclei sits on the walls of the pores it nucleated in, one pore diameter deep (_seed_nuclei: the share
    # ``wall`` of each cell those pores take), and plates on all of them (a_li phi wall, as nuclei-grown Li is spread over
    # those walls, not a plug), or on its filled share once that is larger; a cell the front entered takes plated Li from
    # its 1 % share on. A cell strips only the Li it holds, on its wetted share
    plate_area = np.maximum(fill, wall)
    ai0 = a_li * phi * np.where((jl > 0)[:, None], plate_area, s) * i0
    return sig_e, sig_i, ai0


#: Fields of a :class:`_Request` that stay the same over a simulation (cell widths, the layer's conductivities, porosity,
#: wall area, exchange current): :func:`_drive` stacks them once per set of batched runs.
_CONSTANT_FIELDS = (0, 6, 7, 8, 9, 10)


def _stack_constants(reqs: list[_Request]) -> tuple[np.ndarray, ...]:
    """The :data:`_CONSTANT_FIELDS` of several requests, each stacked along the rows."""
    return tuple(np.concatenate([r[k] for r in reqs]) for k in _CONSTANT_FIELDS)


def _solve_requests(reqs: list[_Request], constants: tuple[np.ndarray, ...] | None = None) -> list[LayerSolution]:
    """Solve the layers of several requests (of one shape and kinetics) in one stacked call; ``constants`` are their
    :func:`_stack_constants` when the caller has them already."""
    if len(reqs) == 1:
        r = reqs[0]
        sig_e, sig_i, ai0 = _layer_terms(r.s, r.seed, r.phi, r.current, r.se0, r.si0, r.eps, r.a_li, r.i0, r.sigma_li, r.wall)
        return _solve_batch(r.h, sig_e, sig_i, ai0, r.current, r.anode_i0, r.alpha, r.f_rt, r.guess)

    def cat(k: int) -> np.ndarray:
        return np.concatenate([r[k] for r in reqs])

    h, se0, si0, eps, a_li, i0 = constants if constants is not None else _stack_constants(reqs)
    jl = cat(4)
    sig_e, sig_i, ai0 = _layer_terms(cat(1), cat(2), cat(3), jl, se0, si0, eps, a_li, i0, reqs[0].sigma_li, cat(15))
    return _solve_batch(h, sig_e, sig_i, ai0, jl, cat(5), reqs[0].alpha, reqs[0].f_rt, cat(14))


def _drive(gens: list[Generator[_Request, list[LayerSolution], Simulation]]) -> list[Simulation | BaseException]:
    """Run simulations in lockstep: each round, every running one asks for one interlayer solve; the requests of equal
    shape and kinetics are solved in one stacked call (``layer._solve_batch``; a block's solution does not depend on the
    others in the batch, so a simulation run here equals the same one run alone). Returns each Simulation, or the
    exception that stopped it (a solve that does not converge is retried alone, and its error goes to its own run).
    """
    from lisse.errors import ConvergenceError

    results: list[Simulation | BaseException | None] = [None] * len(gens)
    pending: dict[int, _Request] = {}

    def advance(k: int, send: Any = None, error: BaseException | None = None) -> None:
        try:
            if error is not None:
                pending[k] = gens[k].throw(error)
            else:
                pending[k] = gens[k].send(send) if send is not None else next(gens[k])
        except StopIteration as stop:
            pending.pop(k, None)
            results[k] = stop.value
        except Exception as exc:  # noqa: BLE001 - handed to the caller with the run it stopped
            pending.pop(k, None)
            results[k] = exc

    for k in range(len(gens)):
        advance(k)
    # the stacked constant fields of each group's runs (by group and its member runs: a run's constants never change, and
    # the members change only as runs end)
    constants: dict[tuple[Any, ...], tuple[tuple[int, ...], tuple[np.ndarray, ...]]] = {}
    while pending:
        groups: dict[tuple[Any, ...], list[int]] = {}
        for k, r in pending.items():
            groups.setdefault((r.h.shape, r.alpha, r.f_rt, r.sigma_li), []).append(k)
        for group, keys in groups.items():
            reqs = [pending[k] for k in keys]
            members = tuple(keys)
            cached = constants.get(group)
            if len(reqs) > 1 and (cached is None or cached[0] != members):
                cached = constants[group] = (members, _stack_constants(reqs))
            try:
                sols = _solve_requests(reqs, cached[1] if cached is not None and len(reqs) > 1 else None)
            except ConvergenceError as exc:
                if len(keys) == 1:
                    advance(keys[0], error=exc)
                    continue
                for k in keys:  # find the run(s) that do not converge: solve each alone
                    r = pending[k]
                    try:
                        one = _solve_requests([r])
                    except ConvergenceError as exc_k:
                        advance(k, error=exc_k)
                    else:
                        advance(k, one)
                continue
            for n, k in enumerate(keys):
                advance(k, sols[2 * n:2 * n + 2])
    return [r if r is not None else RuntimeError("simulation did not finish") for r in results]


def logged_record(sim: Simulation, interval: float = LOG_INTERVAL_S, min_samples: int = LOG_MIN_SAMPLES,
                  max_samples: int = LOG_MAX_SAMPLES) -> CyclingRecord:
    """The simulated record as a cycler logging at a fixed interval would have written it.

    Within each half cycle the voltage is interpolated linearly between the simulator's samples at
    ``t0, t0 + dt_log, ...`` and at the half cycle's end, with ``dt_log = min(interval, duration / min_samples)``
    (stretched by one factor for every half cycle where the record would pass ``max_samples``); the current is the half
    cycle's. The simulator's samples sit at its substeps (nominal points per half cycle, plus cuts
    at events), so judging them directly made a detector whose windows count samples sharper the finer the time step;
    on a fixed logging grid the verdict depends on the simulated trajectory only, and converges with it.

    Parameters
    ----------
    sim : Simulation
        A simulation (:func:`simulate`).
    interval : float [s]
        The logging interval (default :data:`LOG_INTERVAL_S`).
    min_samples : int
        Fewest number of samples per half cycle (default :data:`LOG_MIN_SAMPLES`).
    max_samples : int
        Largest number of samples of the whole record (default :data:`LOG_MAX_SAMPLES`).

    Returns
    -------
    CyclingRecord
        Time [s], voltage [V], current [A], step, cycle and half cycle; area :data:`RECORD_AREA_M2`; the same provenance.
        A half cycle the simulation ended in (a failure) is logged up to its last sample.

    Raises
    ------
    ParameterError
        A non-positive or non-finite interval, ``min_samples`` below 2, or ``max_samples`` below 1000.
    """
    from lisse.params import check_count, check_positive

    check_positive(interval, "interval", "s")
    check_count(min_samples, "min_samples", 2, 10_000)
    check_count(max_samples, "max_samples", 1000, 100_000_000)
    rec = sim.record
    t, volt, cur = rec.time_s, rec.voltage_V, rec.current_A
    hc = sim.state["half_cycle"].to_numpy()
    step = sim.state["step"].to_numpy()
    if t.size < 2:
        return rec
    parts: list[tuple[np.ndarray, ...]] = []
    starts = np.r_[0, np.flatnonzero(np.diff(hc)) + 1]
    ends = np.r_[starts[1:], t.size]
    span = t[ends - 1] - t[starts]  # each half cycle's logged duration (up to its last sample)
    with np.errstate(divide="ignore"):
        dt_logs = np.where(span > 0, np.minimum(interval, span / min_samples), np.inf)
        intervals = float(np.sum(np.where(span > 0, span / dt_logs, 0.0)))
    # each half cycle logs ceil(span / dt) + 1 <= span / dt + 2 samples; a record cannot have fewer than 2 per half cycle
    stretch = max(1.0, intervals / max(max_samples - 2 * starts.size, 1))
    # a failure (a short, the foil run out, the cut-off) is a jump at its event time, written as the sample there: the
    # voltage before it is held at the last sample's, not ramped over the substep that ended in it (whose width is the
    # time step's)
    jumps = np.array(sorted(te for te, kind, _idx, _depth in sim.events if kind in ("short", "li_depleted", "cutoff")))
    for a, b, dt_log in zip(starts.tolist(), ends.tolist(), (dt_logs * stretch).tolist()):
        tt, vs = t[a:b], volt[a:b]
        if b - a < 2 or tt[-1] <= tt[0]:
            grid, vv = tt, vs
        else:
            n = int(np.ceil((tt[-1] - tt[0]) / dt_log * (1 - 1e-12)))  # grid points before the end
            grid = np.r_[tt[0] + dt_log * np.arange(n), tt[-1]]
            inside = jumps[(jumps > tt[0]) & (jumps <= tt[-1])] if jumps.size else jumps
            if inside.size:
                at = np.searchsorted(tt, inside, side="left")  # the event's own sample (the first at or after it)
                prev = np.maximum(at - 1, 0)
                hold = inside - 1e-9 * (inside - tt[prev])  # just before the event, still at the previous level
                ok = tt[prev] < hold
                tt = np.insert(tt, at[ok], hold[ok])
                vs = np.insert(vs, at[ok], vs[prev[ok]])
            vv = np.interp(grid, tt, vs)
        ones = np.ones(grid.size)
        parts.append((grid, vv, cur[a] * ones, step[a] * ones, hc[a] * ones))
    tl, vl, il, sl, hl = (np.concatenate(c) for c in zip(*parts))
    h = hl.astype(np.int64)
    return CyclingRecord.from_arrays(tl, vl, il, step=sl.astype(np.int64), cycle=h // 2, half_cycle=h, area=RECORD_AREA_M2,
                                     provenance=rec.provenance)


def _record_and_state(samples: np.ndarray) -> tuple[CyclingRecord, Any]:
    """The simulated cycler record and the state table from the record samples, one row per sample: t [s], j [A/m2],
    V [V], contact fractions (working, counter), Li front and Li inventory change of the working electrode, the same of
    the counter electrode [m], half cycle, step (the last two exact integers as floats)."""
    import pandas as pd

    cols = samples.T.copy()  # (a sample's floats unchanged)
    t, jj, volt_a = cols[0], cols[1], cols[2]
    hc_a = cols[9].astype(np.int64)
    step_a = cols[10].astype(np.int64)
    rec = CyclingRecord.from_arrays(t, volt_a, jj * RECORD_AREA_M2, step=step_a, cycle=hc_a // 2, half_cycle=hc_a, area=RECORD_AREA_M2,
                                    provenance=Provenance(source="simulated", reader="lisse.sim.interface.transient", reader_version="1"))
    state = pd.DataFrame({
        "t_s": t, "current_density_A_m2": jj, "voltage_V": volt_a,
        "contact_fraction_we": cols[3], "contact_fraction_ce": cols[4],
        "li_front_we_m": cols[5], "li_front_ce_m": cols[7],
        "li_we_m": cols[6], "li_ce_m": cols[8],
        "step": step_a, "half_cycle": hc_a,
    })
    return rec, state


def _simulation(model: InterfaceModel, protocol: Protocol, progress: Callable[[int, int], None] | None, points_per_half_cycle: int,
                n_cells: int) -> Generator[_Request, list[LayerSolution], Simulation]:
    """The body of :func:`simulate` as a generator: it yields each interlayer solve it needs and receives the solutions
    (so that :func:`_drive` can batch the solves of many simulations); it returns the :class:`Simulation`."""

    register("Kasemchainan2019")
    v = model.values
    T = v["temperature"]
    f_rt = FARADAY / (GAS_CONSTANT * T)
    vm = li_molar_volume()
    alpha = v["alpha"]
    i0 = v["exchange_current"]
    r_bulk = v["electrolyte_thickness"] / v["electrolyte_conductivity"]
    p_flaw = flaw_critical_pressure(model)
    lam = v["void_size"]
    a_spot = 0.5 * lam
    li_foil = v["li_thickness"]
    electrodes = [_Electrode(model, n_cells), _Electrode(model, n_cells)]
    eps = v["porosity"]
    if model.has_interlayer:
        register("Wang2024")
        sigma_li = get_material("Li").si("electronic_conductivity")
        xc = (np.arange(n_cells) + 0.5) * v["interlayer_thickness"] / n_cells
        si0, se0 = model.sigma_profile(xc)  # uniform, two-layer or graded sigma_ion(x), sigma_e(x)
        electron_ratio = np.minimum(1.0, se0 / sigma_li)  # c_e/c_e,Li per cell (Drude, equal mobilities: assumed)
        theta_il = math.degrees(v["interlayer_contact_angle"])
        p_entry = -capillary_pressure(v["pore_radius"], theta_il, v["surface_energy"])  # > 0: pressure needed to enter
        a_li = 3.0 * eps / v["pore_radius"]  # Li | pore wall area per volume when Li is present (assumed spherical pores)
        n_c = v["nucleation_density"]
        j0n = v["nucleation_prefactor"]
        theta_nuc = math.degrees(v["nucleation_contact_angle"])
        gamma = v["surface_energy"]
        lt = v["interlayer_thickness"]
        face_depth = min(_FACE_PORE_DIAMETERS * 2.0 * v["pore_radius"], lt)  # the face pores Li nucleated there fills
        h2 = np.stack([electrodes[0].h, electrodes[1].h])
        # both electrodes' fill fractions and seeds live in one 2 x N array each (e.s, e.seed are its rows, updated in
        # place), so a solve request needs no stacking
        s2, seed2, wall2 = np.zeros((2, n_cells)), np.zeros((2, n_cells), dtype=np.int8), np.zeros((2, n_cells))
        for k, e in enumerate(electrodes):
            e.s, e.seed, e.wall = s2[k], seed2[k], wall2[k]
        nucleus_depth = min(_NUCLEUS_PORE_DIAMETERS * 2.0 * v["pore_radius"], lt)  # the pores a nucleation event seeds
        se02, si02 = np.stack([se0, se0]), np.stack([si0, si0])  # per-run constants of a request (see _Request)
        eps2, a_li2, i02 = np.full((2, 1), eps), np.full((2, 1), a_li), np.full((2, 1), i0)
        eta_skip = critical_overpotential(gamma, theta_nuc, j0n, 1e-30 * n_c / float(np.sum(protocol.duration)), T)
        b_nuc = barrier_coefficient(gamma, theta_nuc, T)  # B [V^2] of the nucleation rate law, once
    creep_1mpa = creep_strain_rate(MPA, model)
    supply_terms = _supply_terms(model)
    j_wire = void_face_wiring_current(model) if model.has_interlayer else 0.0
    n_exp = v["creep_exponent"]
    h_v = v["void_depth_ratio"] * lam  # void depth: f_c = 1 - delta/h_v
    hold_up_full: dict[float, float] = {}  # _hold_up(1, removal) by removal rate [m/s]

    npts = points_per_half_cycle
    n_hc = protocol.n_half_cycles
    # one row per record sample: t, j, V, f0, f1, front0, li0, front1, li1, half cycle, step (a tuple per sample costs a
    # fraction of eleven list appends; the columns are taken apart at the end)
    rows: list[tuple[float, ...]] = []
    step_of = [int(x) for x in protocol.step]
    notes: list[str] = []
    events: list[tuple[float, str, int, float | None]] = []
    t_now = 0.0
    fail_t: float | None = None
    fail_mode: str | None = None
    fail_hc: int | None = None
    shorted = False
    stop_after: int | None = None

    def electrode_polarisation(e: _Electrode, jloc: float) -> tuple[float, float]:
        """Signed polarisation [V] (positive while plating) and the current at the anode face [A/m2]; jloc > 0 plates."""
        f = e.contact(model)
        if not e.layer:
            eta = -bv_overpotential(jloc / f, i0, alpha, f_rt)  # cathodic magnitude when plating
            r_con = math.pi * a_spot * (1.0 - math.sqrt(f)) ** 1.5 / (2.0 * v["electrolyte_conductivity"] * f)
            return eta + jloc * r_con, jloc
        raise AssertionError("interlayer electrodes are solved together by layer_polarisation")  # pragma: no cover

    def layer_polarisation(jlocs: tuple[float, float]) -> Generator[_Request, list[LayerSolution], list[float]]:
        """:func:`electrode_polarisation` of both interlayer electrodes: yields their solve request (one batched call)."""
        e0, e1 = electrodes
        phi2 = np.array([[e0.phi], [e1.phi]])
        jl = np.array(jlocs)
        # i0 x the contact fraction of each anode face (_Electrode.contact), as floats: the products of i0 * fc
        anode_i0 = np.array([i0 * max(1.0 - e0.delta / e0.h_void, e0.min_contact), i0 * max(1.0 - e1.delta / e1.h_void, e1.min_contact)])
        guess = np.empty((2, n_cells))
        for k, (e, jloc) in enumerate(zip(electrodes, jlocs)):
            row = guess[k]
            if e.eta is None:
                row.fill(np.nan)  # NaN: no guess (the solver starts from the closed form)
            elif e.eta_prev is not None and e.eta_j == jloc:
                # linear predictor within a half cycle (fewer Newton iterations, same solution): 2 eta - eta_prev
                np.multiply(e.eta, 2.0, out=row)
                np.subtract(row, e.eta_prev, out=row)
            else:
                row[:] = e.eta
        sols = yield _Request(h2, s2, seed2, phi2, jl, anode_i0, se02, si02, eps2, a_li2, i02, sigma_li, alpha, f_rt, guess, wall2)
        for e, jloc, sol in zip(electrodes, jlocs, sols):
            e.eta_prev = e.eta if e.eta_j == jloc else None
            e.eta, e.eta_j = sol.eta, jloc
            e.sol = sol
        return [sol.voltage for sol in sols]

    def cell_voltage(j: float) -> Generator[_Request, list[LayerSolution], float]:
        """Cycler voltage [V] of the present state at current density j (sets each interlayer electrode's solution)."""
        if shorted:
            return j * v["shunt_resistance"]
        jabs = abs(j)
        plate_idx = 0 if j < 0 else 1
        if model.has_interlayer:
            pol = yield from layer_polarisation((jabs, -jabs) if plate_idx == 0 else (-jabs, jabs))
        else:
            pol = [0.0, 0.0]
            for idx, e in enumerate(electrodes):
                pol[idx], _ = electrode_polarisation(e, jabs if idx == plate_idx else -jabs)
        return math.copysign(jabs * r_bulk + pol[plate_idx] - pol[1 - plate_idx], j)

    def sample(t: float, j: float, volt: float, hc: int) -> float:
        """Write one record/state sample (the state at time t); returns the voltage written (clipped at a cut-off)."""
        nonlocal fail_t, fail_mode, fail_hc
        if not shorted and abs(volt) >= v["voltage_cutoff"] and fail_t is None:
            volt = math.copysign(v["voltage_cutoff"], volt)
            fail_t, fail_mode, fail_hc = t, "cutoff", hc
            events.append((t, "cutoff", -1, None))
            notes.append(f"voltage cut-off {v['voltage_cutoff']:g} V reached at t = {t:.6g} s")
        e0, e1 = electrodes
        # (np.count_nonzero for ndarray.any() in the per-substep code: the same truth value, a third of the cost on these
        # short arrays); no Li in the pores (or no layer): front 0, pore Li 0 (what _front and pore_li return, without
        # the work)
        if e0.layer and np.count_nonzero(e0.s):
            front0, li0 = _front(e0), e0.li + e0.pore_li(eps)
        else:
            front0, li0 = 0.0, (e0.li + 0.0 if e0.layer else e0.li)
        if e1.layer and np.count_nonzero(e1.s):
            front1, li1 = _front(e1), e1.li + e1.pore_li(eps)
        else:
            front1, li1 = 0.0, (e1.li + 0.0 if e1.layer else e1.li)
        # the contact fractions as _Electrode.contact computes them
        rows.append((t, j, volt, max(1.0 - e0.delta / e0.h_void, e0.min_contact), max(1.0 - e1.delta / e1.h_void, e1.min_contact),
                     front0, li0, front1, li1, hc, step_of[hc]))
        return volt

    # the record a cycler writes: a sample at the start of every half cycle (at the current switch, with the new
    # current and the state reached), one per substep, and one at its end (the old current, the final state), so a
    # switch has two samples at one time and the record integrates to the protocol's charge exactly
    t_starts = np.concatenate([[0.0], np.cumsum(protocol.duration)])
    for hc in range(n_hc):
        j = float(protocol.current_density[hc])
        dur = float(protocol.duration[hc])
        dt = dur / npts
        jabs = abs(j)
        plate_idx = 0 if j < 0 else 1  # current < 0: the working electrode plates
        t0_hc = float(t_starts[hc])
        dt_nom = dt
        kk = 0  # index of the nominal substep boundary the present substep ends on
        t_sub = t0_hc  # start of the present substep (off the nominal grid after a nucleation event)
        while kk < npts:
            sample(t_sub, j, (yield from cell_voltage(j)), hc)
            if fail_mode in _STOPS:
                break
            t_nom = t0_hc + (kk + 1) * dt_nom
            dt = dt_nom if t_sub == t0_hc + kk * dt_nom else t_nom - t_sub
            # nucleation is a first passage: the substep ends where the first empty cell reaches the nucleus density
            # (its rate frozen over the substep), so that the Li seeded there relieves the overpotential of the others
            # before they nucleate too. Without this, the cells that crossed within one substep were all seeded at once
            # and the seeded band (and the short that follows) depended on the step size.
            rates: list[tuple[np.ndarray, np.ndarray] | None] = [None, None]  # (cells, nucleation rate [1/(m3 s)])
            cut = False  # whether a nucleation crossing or the contact runaway ends this substep before the nominal boundary
            if model.has_interlayer and not shorted:
                for idx, e in enumerate(electrodes):
                    sol = e.sol
                    if idx != plate_idx or sol is None:
                        continue
                    empty = (e.s <= 0.0) & (e.seed == 0)
                    eta_empty = sol.eta[empty]
                    # below eta_skip the rate cannot add 1e-30 of a nucleus density over the whole protocol: skipping
                    # the evaluation there leaves every nucleation event where it was
                    if eta_empty.size and -float(eta_empty.min()) > eta_skip:  # max(-eta) over the empty cells
                        # nucleation_rate(max(-eta, 0), gamma, theta_nuc, j0n, T) with its checks and barrier done once
                        # above (eta of a converged solve is finite)
                        # (evaluated on the empty cells under a cathodic overpotential only: the rate is 0 elsewhere;
                        # kept as the cells with a positive rate and their rates)
                        live = (empty & (sol.eta < 0.0)).nonzero()[0]
                        rate_live = electron_ratio[live] * _rate_from_barrier(-sol.eta[live], b_nuc, j0n)
                        pos = rate_live > 0.0
                        rates[idx] = (live[pos], rate_live[pos])
                        # a crossing within the substep needs n_c - nuclei < rate dt somewhere, checked without the
                        # division (IEEE rounding is monotone: fl(gap/rate) < dt implies gap <= fl(rate dt); the 1e-9
                        # margin is belt and braces); only then is the crossing time computed
                        gap = n_c - e.nuclei[live[pos]]
                        if np.count_nonzero(pos) and np.count_nonzero(gap <= rate_live[pos] * (dt * (1.0 + 1e-9))):
                            with np.errstate(over="ignore"):  # a rate of ~1e-300 crosses at t = inf: no crossing
                                t_cross = float((gap / rate_live[pos]).min())
                            if t_cross < dt:
                                dt, cut = max(t_cross, 1e-9 * dt_nom), True
            # contact recovery under nucleation: the nucleation rates above are frozen at the plating electrode's contact at
            # the substep start, and the focused current that drives them falls as that contact recovers (plating refill of
            # the voids, diffusion and void-scale creep). Where the contact would rise by more than _DF_MAX_LAYER over the
            # substep it ends there, so the nuclei accumulated do not depend on the step size (LNI-5CNT 90 um, 0.5 mA/cm2
            # x 1 h steps, h_v = 14.9 um: nucleation and short in the 2.5 mA/cm2 plating half cycle at 10-20 points, in the
            # 3.0 one at 40-320, before this cut)
            live_rates = rates[plate_idx]
            if live_rates is not None and live_rates[0].size and not shorted:
                e = electrodes[plate_idx]
                f = e.contact(model)
                if 1.0 - f > _DF_MAX_LAYER:
                    rise = _recovery_rate(f, e, j_wire, jabs, vm, supply_terms, lam)
                    df_ok = min(_DF_MAX_LAYER, _DF_REL_RECOVERY * f)  # the focused current j/f_c moves with f_c's ratio
                    if rise * dt > df_ok * h_v:
                        dt, cut = min(dt, max(df_ok * h_v / rise, _DT_FLOOR * dt_nom)), True
            # contact runaway: the substep also ends where the stripping electrode's contact fraction would fall by more
            # than _DF_MAX, predicted from the contact law's rate at the substep start (the terms of _contact_step:
            # d delta/dt = r - f v_diff - lam eps_dot f^(1-n), df/dt = -(d delta/dt)/h_v). Above the critical stripping
            # current the contact runs away to its creep hold-up within a fraction of a substep; without the cut the
            # focused current j/f_c on the next plating, and the detectors' reading of the excursion, depended on the
            # step size (bare Li | LPSC at 6 MPa: CCD 1.0 mA/cm2 at 20 points, 0.8 at 40-160)
            if not shorted:
                e = electrodes[1 - plate_idx]
                if e.layer:
                    face = -e.sol.anode_current if e.sol is not None else 0.0
                else:
                    face = jabs
                if face > 0.0:
                    f = e.contact(model)
                    removal = face * vm / FARADAY
                    rate = _void_rate(f, removal, supply_terms, lam)
                    # the fall is bounded by the hold-up (where creep at the contact stress balances the removal): near
                    # it the rate at the start overstates the fall, and a cut there would only chase the split's ripple
                    df_max = _DF_MAX_LAYER if e.layer else _DF_MAX
                    if rate * dt > df_max * h_v and f - _hold_up(f, removal, supply_terms, lam, v["min_contact"]) > df_max:
                        dt, cut = min(dt, max(df_max * h_v / rate, _DT_FLOOR * dt_nom)), True
            if cut and t_sub + dt < t_nom:
                t_now = t_sub + dt
            else:  # the nominal boundary, exactly (no floating-point sliver of a substep)
                t_now, kk = t_nom, kk + 1
            t_sub = t_now
            # --- state updates (Faraday, contact, pores, nucleation) ---
            for idx, e in enumerate(electrodes):
                jloc = jabs if idx == plate_idx else -jabs
                if shorted:
                    face_cur, cell_cur = 0.0, None
                elif e.layer:
                    sol = e.sol
                    assert sol is not None  # set by electrode_polarisation (this substep, or the last one before a short)
                    face_cur, cell_cur = sol.anode_current, sol.cell_current
                    if sol.iterations == 0 and not np.count_nonzero(e.s):
                        # the closed-form solution (no Li reacts in the layer: cell currents 0) of a layer without Li in
                        # its pores: the update below would leave every fill fraction and seed as it is
                        cell_cur = None
                else:
                    face_cur, cell_cur = jloc, None
                if cell_cur is not None:
                    cap = e.h * (eps * e.phi)
                    dsdt = cell_cur * (vm / FARADAY) / cap
                    # each cell's current is held over the substep (plating and stripping alike); a stripping cell that
                    # runs dry within it is clipped at s = 0 below, and the charge it could not give comes from the anode
                    # face (the applied current is fixed). The exact decay s e^(-k dt) of a current frozen per wetted area
                    # (k = -ds/dt / s), used before, left Li in the pores that the next solve strips: it under-stripped
                    # the pores and over-stripped the face by O(dt) every half cycle, a ratchet that moved Wang2024's
                    # LNI-50CNT pore Li by 30 % at 20 points per half cycle (3.24 um against 2.43 converged after 44 half
                    # cycles); held cell currents err the other way by less (1.99 at 20 points, 2.33 at 80, 2.40 at 320,
                    # 2.41 at 640; the decay: 3.24, 2.65, 2.48, 2.45), and the readings settle at 40 points instead of 320
                    snew = e.s + dsdt * dt
                    if jloc > 0 and np.count_nonzero(snew[:-1] > 1.0):
                        snew = _carry_overflow(snew, cap)
                    if jloc > 0 and snew[-1] > 1.0 and e.seed[-1] & _SEED_NUCLEI:
                        # Li nucleated at the electrolyte face that overfills its cell is extruded back into the open pores
                        snew = _carry_back(snew, cap)
                    if snew.min() < 0.0 or snew.max() > 1.0:
                        clipped = np.minimum(np.maximum(snew, 0.0), 1.0)
                        face_cur += float(np.sum((snew - clipped) * cap)) * FARADAY / (vm * dt)
                        snew = clipped
                    e.s[:] = snew  # in place: e.s is a row of s2 (see below)
                    # a filled cell is metal: the Li front moves on into the next cell (growth from the front)
                    full = snew[:-1] >= 1.0 - 1e-12
                    if np.count_nonzero(full):
                        e.seed[1:] |= np.where(full, _SEED_FRONT, 0).astype(np.int8)
                e.li += face_cur * dt * vm / FARADAY
                if e.li <= -li_foil and fail_t is None:
                    # the foil is stripped away (Faraday: dL/dt = -j V_m/F): the electrode has no Li left to give, the
                    # cycler's voltage runs to its limit; the time is where the inventory reached zero within the substep
                    t_dep = t_now - dt + (li_foil + e.li - face_cur * dt * vm / FARADAY) / (-face_cur * vm / FARADAY)
                    e.li = -li_foil
                    fail_t, fail_mode, fail_hc = t_dep, "li_depleted", hc
                    events.append((t_dep, "li_depleted", idx, None))
                    notes.append(f"Li depleted at t = {t_dep:.6g} s: electrode {idx} has stripped its {li_foil * 1e6:.4g} um Li foil")
                    sample(t_dep, j, math.copysign(v["voltage_cutoff"], j), hc)
                    break
                strip = max(-face_cur, 0.0) * vm / FARADAY
                # the criteria below are judged with the contact the polarisation was computed with (the start of the
                # substep): on plating the contact recovers within the substep, so the focused current j/f_c is largest at
                # its start, and judging it after the update would let a coarse step miss an event that a fine one finds
                f = e.contact(model)
                # plating refills the voids where the layer's face inside them is wired (its area share 1 - f_c of the face current)
                refill = face_cur * vm / FARADAY if face_cur > 0.0 and e.face_wired(jloc, j_wire) else 0.0
                _contact_step(e, strip, dt, model, supply_terms, refill)
                if strip > 0.0 and _void_rate(1.0, strip, supply_terms, lam) > 0.0:
                    # above the critical stripping current the exact trajectory of this scalar, autonomous law (removal
                    # frozen over the substep) falls monotonically towards the hold-up and never crosses it; the Lie
                    # split of _advance_void does not know that (over a long substep its creep part, integrated at the
                    # full rate from the clipped contact, overshoots above the hold-up): clamp it into [hold-up, start]
                    f_star = hold_up_full.get(strip)
                    if f_star is None:  # a pure function of the removal rate: the same one recurs over a half cycle
                        f_star = hold_up_full[strip] = _hold_up(1.0, strip, supply_terms, lam, v["min_contact"])
                    lo_f, hi_f = (f_star, f) if f >= f_star else (f, f_star)
                    f_new = min(max(e.contact(model), lo_f), hi_f)
                    # Near the hold-up the exact trajectory relaxes onto it with the time constant tau = h_v / s, s = the
                    # slope d(removal - supply)/df there (linearised law). The split's fixed point lies O(dt) above the
                    # hold-up, and tau (~1 s for LNI-5CNT at 3 mA/cm2) is far below any substep: measured, the contact at the
                    # end of a 1 h stripping half cycle was 0.032/0.026/0.022/0.020 at 20/40/160/640 points against the
                    # hold-up 0.0141, and the LNI-5CNT short moved with it. Within _DF_MAX_LAYER of the hold-up the contact
                    # now follows the linearised exact solution (the same at every step size).
                    diff_, creep_, n_ = supply_terms
                    slope = -diff_ + lam * creep_ * (n_ - 1.0) * f_star ** (-n_)
                    if slope > 0.0 and abs(f - f_star) <= _DF_MAX_LAYER:
                        f_new = f_star + (f - f_star) * math.exp(-dt * slope / h_v)
                    e.delta = h_v * (1.0 - f_new) if f_new > v["min_contact"] else e.delta
                if shorted:
                    continue
                if jloc > 0 and not e.layer:
                    eta_c = -bv_overpotential(jloc / f, i0, alpha, f_rt)
                    if FARADAY * eta_c / vm >= p_flaw and fail_t is None:
                        shorted = True
                        fail_t, fail_mode, fail_hc = t_now, "short", hc
                        events.append((t_now, "short", idx, None))
                        notes.append(f"short at t = {t_now:.6g} s: Li pressure F|eta|/V_m = {FARADAY * eta_c / vm / MPA:.4g} MPa on the "
                                     f"contact (f_c = {f:.3g}) >= flaw opening pressure {p_flaw / MPA:.4g} MPa")
                if e.layer and jloc > 0:
                    sol = e.sol
                    assert sol is not None  # set by electrode_polarisation (this substep, or the last one before a short)
                    # pore entry at the anode face by Li pushed into the pores (lithiophobic layer; not where the face is
                    # wired: plated Li spreads over the face instead of being pushed in as a filament), or drawn into them
                    # by capillarity where the pores wet (p_entry <= 0: a composite face with theta < 90 deg, e.g. LNI-50CNT,
                    # whether wired or not). The Li that entered is spread (phi = 1) and wired through the CNTs: it strips
                    # from the pores on the next stripping, not only from the planar contact
                    if not e.entered and not e.seed[0] and (p_entry <= 0.0 or not e.face_wired(jloc, j_wire)):
                        eta0 = abs(float(sol.eta[0]))
                        rate = jloc / f * vm / FARADAY / v["pore_radius"]
                        flow = MPA * (rate / creep_1mpa) ** (1.0 / n_exp)
                        # the overpressure plating builds in Li at a contact, F|eta|/V_m, capped by the creep flow stress at
                        # the filling strain rate (the stack pressure itself is carried by the solid skeleton)
                        p_li = min(FARADAY * eta0 / vm, flow)
                        if p_li > p_entry:
                            e.entered = True
                            events.append((t_now, "pore_entry", idx, 0.0))
                            e.phi = f if p_entry > 0 else 1.0
                            e.seed[0] |= _SEED_FRONT
                            _enter_plug(e, min(_PLUG_PORE_DIAMETERS * 2.0 * v["pore_radius"], lt), eps)
                            notes.append(f"Li enters the interlayer pores at t = {t_now:.6g} s (electrode {idx}, Li pressure "
                                         f"{p_li / MPA:.3g} MPa > entry {p_entry / MPA:.3g} MPa, filament fraction {e.phi:.3g})")
                    # nucleation with the electron factor (rates of empty cells, evaluated above with the substep's start
                    # solution; the substep ends at the first crossing)
                    rate_k = rates[idx]
                    if rate_k is not None:
                        empty = (e.s <= 0.0) & (e.seed == 0)
                        cells, rate_c = rate_k
                        grow = empty[cells]  # still empty after this substep's update
                        e.nuclei[cells[grow]] += rate_c[grow] * dt
                        new = empty & (e.nuclei >= n_c * (1.0 - 1e-9))
                        if np.count_nonzero(new):
                            _seed_nuclei(e, new, nucleus_depth, lt)
                            events.append((t_now, "nucleation", idx, float(np.argmax(new) + 0.5) * lt / n_cells))
                            notes.append(f"Li nucleates in the interlayer at t = {t_now:.6g} s, depth "
                                         f"{float(np.argmax(new) + 0.5) * lt / n_cells * 1e6:.3g} um (electrode {idx})")
                    # Li at the electrolyte face: the flaw criterion of the dense electrolyte
                    # Li at the electrolyte face builds pressure only once it is confined there (a nucleus in an open pore
                    # grows into the pore, not into the electrolyte): a front grown from the anode face has filled the
                    # last cell; Li nucleated at the face fills the pores that touch it, _FACE_PORE_DIAMETERS pore
                    # diameters deep (the Li volume inside those pores, _face_li: a physical depth, not the last cell's
                    # width, which had made the short depend on the mesh)
                    if e.seed[-1] & _SEED_NUCLEI:
                        confined = _face_li(e, face_depth) >= face_depth * (1.0 - 1e-9)
                    else:
                        confined = e.s[-1] >= 1.0 - 1e-9
                    if confined and fail_t is None:
                        eta_l = abs(float(sol.eta[-1]))
                        if FARADAY * eta_l / vm >= p_flaw:
                            shorted = True
                            fail_t, fail_mode, fail_hc = t_now, "short", hc
                            events.append((t_now, "short", idx, lt))
                            notes.append(f"short at t = {t_now:.6g} s: Li at the electrolyte face of the interlayer (electrode {idx}) "
                                         f"builds F|eta|/V_m = {FARADAY * eta_l / vm / MPA:.4g} MPa >= flaw opening pressure "
                                         f"{p_flaw / MPA:.4g} MPa")
            if fail_mode in _STOPS:
                break
        if fail_mode not in _STOPS:
            sample(float(t_starts[hc + 1]), j, (yield from cell_voltage(j)), hc)
        if progress is not None:
            progress(hc + 1, n_hc)
        if fail_mode in _STOPS:
            break
        if fail_hc is not None and stop_after is None:
            # a cycler runs on: keep the failing step and the next one in the record, then stop
            s_fail = int(protocol.step[fail_hc])
            later = np.flatnonzero(protocol.step > s_fail + 1)
            stop_after = int(later[0]) - 1 if later.size else n_hc - 1
        if stop_after is not None and hc >= stop_after:
            break
    rec, state = _record_and_state(np.array(rows, dtype=float).reshape(-1, 11))
    return Simulation(record=rec, state=state, failure_time_s=fail_t, failure_mode=fail_mode, failure_half_cycle=fail_hc, model=model,
                      protocol=protocol, notes=notes, events=events)
