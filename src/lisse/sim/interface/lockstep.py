"""Many interlayer simulations of one protocol advanced together, their per-substep logic as array operations.

:func:`lisse.sim.interface.transient.simulate` advances one cell in Python, substep by substep; a map runs hundreds
of such cells, and its cost was the Python work per substep and cell (the interlayer solves were already stacked,
``transient._drive``). Here the state of P cells (both electrodes, N interlayer cells each) lives in arrays of shape
(P, 2) and (P, 2, N), and each round advances every running cell by one substep with the same operations, in the
same order, as :func:`transient._simulation` (so each cell's record equals its own ``simulate`` bit for bit; the rare
events — pore entry, a nucleation event, Li pushed back from the electrolyte face, Li depletion — are handled per cell
by the same helper functions). Cells move on their own time grids (a substep cut by a nucleation crossing or the
contact runaway ends early for that cell only) and in their own half cycles.

Only cells with an interlayer and the same solver constants (alpha, F/RT) go together; :func:`simulate_many`
hands any other cell to ``transient._drive``.
"""

from __future__ import annotations

import math

import numpy as np

from lisse.citations import register
from lisse.constants import FARADAY, GAS_CONSTANT
from lisse.materials import get_material
from lisse.sim.interface.layer import _solve_batch_arrays
from lisse.sim.interface.model import (
    MPA,
    InterfaceModel,
    _supply_terms,
    creep_strain_rate,
    flaw_critical_pressure,
    void_face_wiring_current,
)
from lisse.sim.interface.protocol import Protocol
from lisse.sim.interface.transient import (
    _DF_MAX_LAYER,
    _DF_REL_RECOVERY,
    _DT_FLOOR,
    _FACE_PORE_DIAMETERS,
    _NUCLEUS_PORE_DIAMETERS,
    _PLUG_PORE_DIAMETERS,
    _SEED_FRONT,
    _SEED_NUCLEI,
    Simulation,
    _carry_back,
    _carry_overflow,
    _layer_terms,
    _record_and_state,
)
from lisse.thermo.nucleation import barrier_coefficient, critical_overpotential, li_molar_volume
from lisse.thermo.wetting import capillary_pressure

_CUTOFF, _SHORT, _DEPLETED = 1, 2, 3
_MODE_NAMES = {0: None, _CUTOFF: "cutoff", _SHORT: "short", _DEPLETED: "li_depleted"}


def _pow(base: np.ndarray, exponent: np.ndarray | float) -> np.ndarray:
    """``base ** exponent`` element by element with Python floats (the C library's pow, as the per-cell simulator's
    scalar code computes it: numpy's vector power may differ from it in the last bit on some processors)."""
    b = np.asarray(base, dtype=float)
    e = np.broadcast_to(np.asarray(exponent, dtype=float), b.shape)
    return np.array([x ** y for x, y in zip(b.ravel().tolist(), e.ravel().tolist())], dtype=float).reshape(b.shape)


def _exp(x: np.ndarray) -> np.ndarray:
    """``math.exp`` element by element (as :func:`_pow`: the per-cell simulator's scalar exponentials)."""
    a = np.asarray(x, dtype=float)
    return np.array([math.exp(v) for v in a.ravel().tolist()], dtype=float).reshape(a.shape)


def _hold_up_v(f: np.ndarray, removal: np.ndarray, diff: np.ndarray, creep: np.ndarray, n: np.ndarray, lam: np.ndarray,
               f_min: np.ndarray) -> np.ndarray:
    """transient._hold_up element by element (the same bisection steps for each element)."""
    r0 = removal - f_min * diff
    r0 = np.where(creep > 0.0, r0 - lam * creep * _pow(f_min, 1.0 - n), r0)
    done0 = r0 >= 0.0
    c_creep, m = lam * creep, 1.0 - n
    lo, hi = f_min.copy(), np.array(f, dtype=float)
    act = ~done0 & (hi - lo > 1e-5)
    while act.any():
        mid = 0.5 * (lo + hi)
        rate = removal - mid * diff
        rate = np.where(creep > 0.0, rate - c_creep * _pow(mid, m), rate)
        up = rate > 0.0
        hi = np.where(act & up, mid, hi)
        lo = np.where(act & ~up, mid, lo)
        act &= hi - lo > 1e-5
    return np.where(done0, f_min, hi)


class _Point:
    """Constants and event lists of one cell (scalars used by the per-cell rare-event code)."""

    def __init__(self, model: InterfaceModel, n_cells: int) -> None:
        v = model.values
        self.model = model
        self.v = v
        self.notes: list[str] = []
        self.events: list[tuple[float, str, int, float | None]] = []
        self.lt = v["interlayer_thickness"]
        h = np.full(n_cells, self.lt / n_cells)
        self.h = h
        self.x_lo = np.array([float(h[:k].sum()) for k in range(n_cells)])
        self.h_list = [float(x) for x in h]


def _eligible(model: InterfaceModel) -> bool:
    return bool(model.has_interlayer)


def simulate_many(models: list[InterfaceModel], protocol: Protocol, points_per_half_cycle: int = 20,
                  n_cells: int = 120) -> list[Simulation | BaseException]:
    """Simulate each model under ``protocol``, the cells with an interlayer advanced together (:class:`_Lockstep`).

    Each result equals :func:`lisse.sim.interface.transient.simulate` of its model (no progress callback) bit for bit
    on the development machine (``tests/interface/test_lockstep.py``); cells without an interlayer go to the per-cell
    simulator (``transient._drive``).

    Parameters
    ----------
    models : list of InterfaceModel
        The cells.
    protocol : Protocol
        One galvanostatic protocol for all.
    points_per_half_cycle : int
        Number of nominal substeps per half cycle (as :func:`~lisse.sim.interface.transient.simulate`).
    n_cells : int
        Number of interlayer mesh cells.

    Returns
    -------
    list
        Per model, its :class:`~lisse.sim.interface.transient.Simulation`, or the exception that stopped it (an
        interlayer solve that did not converge).
    """
    from lisse.sim.interface.transient import _drive, _simulation

    out: list[Simulation | BaseException | None] = [None] * len(models)
    groups: dict[tuple[float, float], list[int]] = {}
    rest = []
    for k, m in enumerate(models):
        if _eligible(m):
            v = m.values
            groups.setdefault((v["alpha"], FARADAY / (GAS_CONSTANT * v["temperature"])), []).append(k)
        else:
            rest.append(k)
    if rest:
        for k, r in zip(rest, _drive([_simulation(models[k], protocol, None, points_per_half_cycle, n_cells) for k in rest])):
            out[k] = r
    for keys in groups.values():
        try:
            results = _Lockstep([models[k] for k in keys], protocol, points_per_half_cycle, n_cells).run()
        except Exception:  # noqa: BLE001 - an error other than a solve's (e.g. an overflow in one cell's contact law):
            # the per-cell simulator gives each cell its own result or error (the lockstep raises where it would)
            results = _drive([_simulation(models[k], protocol, None, points_per_half_cycle, n_cells) for k in keys])
        for k, r in zip(keys, results):
            out[k] = r
    return [r if r is not None else RuntimeError("simulation did not finish") for r in out]


class _Lockstep:
    """The state of P interlayer cells and the round that advances them (see the module docstring)."""

    def __init__(self, models: list[InterfaceModel], protocol: Protocol, npts: int, n_cells: int) -> None:
        register("Kasemchainan2019")
        register("Wang2024")
        self.protocol = protocol
        self.npts = npts
        self.N = N = n_cells
        P = self.P = len(models)
        self.pts = [_Point(m, n_cells) for m in models]
        vals = [m.values for m in models]

        def col(key: str) -> np.ndarray:
            return np.array([v[key] for v in vals], dtype=float)

        v0 = vals[0]
        self.f_rt = FARADAY / (GAS_CONSTANT * v0["temperature"])
        self.alpha = v0["alpha"]
        self.vm = li_molar_volume()
        self.sigma_li = get_material("Li").si("electronic_conductivity")
        self.i0 = col("exchange_current")
        self.r_bulk = col("electrolyte_thickness") / col("electrolyte_conductivity")
        self.p_flaw = np.array([flaw_critical_pressure(m) for m in models])
        self.lam = col("void_size")
        self.li_foil = col("li_thickness")
        self.eps = col("porosity")
        self.h = np.stack([p.h for p in self.pts])
        self.x_lo = np.stack([p.x_lo for p in self.pts])
        si0, se0 = [], []
        for m, p in zip(models, self.pts):
            xc = (np.arange(n_cells) + 0.5) * p.lt / n_cells
            a, b = m.sigma_profile(xc)
            si0.append(a)
            se0.append(b)
        self.si0, self.se0 = np.stack(si0), np.stack(se0)
        self.electron_ratio = np.minimum(1.0, self.se0 / self.sigma_li)
        self.p_entry = np.array([-capillary_pressure(v["pore_radius"], math.degrees(v["interlayer_contact_angle"]), v["surface_energy"])
                                 for v in vals])
        self.pore_radius = col("pore_radius")
        self.a_li = 3.0 * self.eps / self.pore_radius
        self.n_c = col("nucleation_density")
        self.j0n = col("nucleation_prefactor")
        theta_nuc = [math.degrees(v["nucleation_contact_angle"]) for v in vals]
        self.face_depth = np.array([min(_FACE_PORE_DIAMETERS * 2.0 * v["pore_radius"], v["interlayer_thickness"]) for v in vals])
        zones = []
        for pt, d in zip(self.pts, self.face_depth):  # transient._face_li's cell widths inside the face zone
            x_hi = np.cumsum(pt.h)
            zones.append(np.clip(x_hi - np.maximum(x_hi - pt.h, float(x_hi[-1]) - float(d)), 0.0, None))
        self.face_zone = np.stack(zones)
        self.nucleus_depth = [min(_NUCLEUS_PORE_DIAMETERS * 2.0 * v["pore_radius"], v["interlayer_thickness"]) for v in vals]
        total = float(np.sum(protocol.duration))
        self.eta_skip = np.array([critical_overpotential(v["surface_energy"], th, v["nucleation_prefactor"],
                                                         1e-30 * v["nucleation_density"] / total, v["temperature"])
                                  for v, th in zip(vals, theta_nuc)])
        self.b_nuc = np.array([barrier_coefficient(v["surface_energy"], th, v["temperature"]) for v, th in zip(vals, theta_nuc)])
        self.creep_1mpa = np.array([creep_strain_rate(MPA, m) for m in models])
        terms = [_supply_terms(m) for m in models]
        self.diff = np.array([t[0] for t in terms])
        self.creep = np.array([t[1] for t in terms])
        self.n_exp_void = np.array([t[2] for t in terms])
        self.j_wire = np.array([void_face_wiring_current(m) for m in models])
        self.n_exp = col("creep_exponent")
        self.h_v = col("void_depth_ratio") * self.lam
        self.min_contact = col("min_contact")
        self.cutoff = col("voltage_cutoff")
        self.shunt = col("shunt_resistance")
        # state
        self.delta = np.zeros((P, 2))
        self.li = np.zeros((P, 2))
        self.entered = np.zeros((P, 2), dtype=bool)
        self.s = np.zeros((P, 2, N))
        self.nuclei = np.zeros((P, 2, N))
        self.seed = np.zeros((P, 2, N), dtype=np.int8)
        self.wall = np.zeros((P, 2, N))
        self.phi = np.ones((P, 2))
        self.eta = np.zeros((P, 2, N))
        self.has_eta = np.zeros((P, 2), dtype=bool)
        self.eta_prev = np.zeros((P, 2, N))
        self.has_prev = np.zeros((P, 2), dtype=bool)
        self.eta_j = np.zeros((P, 2))
        self.sol_eta = np.zeros((P, 2, N))
        self.sol_cell = np.zeros((P, 2, N))
        self.sol_anode = np.zeros((P, 2))
        self.sol_volt = np.zeros((P, 2))
        self.sol_iter = np.zeros((P, 2), dtype=int)
        self.has_sol = np.zeros((P, 2), dtype=bool)
        # control
        self.t_starts = np.concatenate([[0.0], np.cumsum(protocol.duration)])
        self.hc = np.zeros(P, dtype=int)
        self.kk = np.zeros(P, dtype=int)
        self.t_sub = np.zeros(P)
        self.at_end = np.zeros(P, dtype=bool)  # the next round samples the end of the half cycle
        self.running = np.ones(P, dtype=bool)
        self.error: list[BaseException | None] = [None] * P
        self.shorted = np.zeros(P, dtype=bool)
        self.fail_t = np.full(P, np.nan)
        self.fail_mode = np.zeros(P, dtype=int)
        self.fail_hc = np.full(P, -1)
        self.stop_after = np.full(P, -1)
        self.rows: list[tuple[np.ndarray, ...]] = []
        self.cur = np.asarray(protocol.current_density, dtype=float)
        self.dur = np.asarray(protocol.duration, dtype=float)
        self.step_of = np.asarray(protocol.step, dtype=np.int64)
        self.seq = 0

    # ------------------------------------------------------------------ helpers

    def contact(self, q: np.ndarray, e: np.ndarray | int) -> np.ndarray:
        """Contact fraction of electrode(s) ``e`` of cells ``q`` (``_Electrode.contact``)."""
        return np.maximum(1.0 - self.delta[q, e] / self.h_v[q], self.min_contact[q])

    def stopped(self, q: np.ndarray) -> np.ndarray:
        m = self.fail_mode[q]
        return (m == _CUTOFF) | (m == _DEPLETED)

    def solve(self, q: np.ndarray) -> np.ndarray:
        """The layers of cells ``q`` at their present current (both electrodes); sets eta/sol; returns the voltage."""
        hc = self.hc[q]
        j = self.cur[hc]
        jabs = np.abs(j)
        plate = (j >= 0).astype(int)  # 0 if j < 0
        jl = np.empty((q.size, 2))
        jl[:, 0] = np.where(plate == 0, jabs, -jabs)
        jl[:, 1] = np.where(plate == 0, -jabs, jabs)
        i0 = self.i0[q]
        anode_i0 = np.stack([i0 * self.contact(q, 0), i0 * self.contact(q, 1)], axis=1)
        guess = np.empty((q.size, 2, self.N))
        has, prev = self.has_eta[q], self.has_prev[q]
        lin = has & prev & (self.eta_j[q] == jl)
        eta_q = self.eta[q]
        guess[:] = np.nan
        g_lin = 2.0 * eta_q - self.eta_prev[q]
        guess = np.where(lin[:, :, None], g_lin, np.where(has[:, :, None], eta_q, guess))
        phi = self.phi[q]
        s, seed, wall = self.s[q], self.seed[q], self.wall[q]
        B = 2 * q.size
        h2 = np.repeat(self.h[q], 2, axis=0)
        se0, si0 = np.repeat(self.se0[q], 2, axis=0), np.repeat(self.si0[q], 2, axis=0)
        eps = np.repeat(self.eps[q], 2)[:, None]
        a_li = np.repeat(self.a_li[q], 2)[:, None]
        i02 = np.repeat(i0, 2)[:, None]
        jl_f = jl.reshape(B)
        sig_e, sig_i, ai0 = _layer_terms(s.reshape(B, -1), seed.reshape(B, -1), phi.reshape(B, 1), jl_f, se0, si0, eps, a_li, i02,
                                         self.sigma_li, wall.reshape(B, -1))
        eta, _ion, cell, anode, volt, iters = _solve_batch_arrays(h2, sig_e, sig_i, ai0, jl_f, anode_i0.reshape(B), self.alpha,
                                                                  self.f_rt, guess.reshape(B, -1))
        # e.eta_prev = e.eta if e.eta_j == jloc else None; e.eta, e.eta_j = sol.eta, jloc
        same = has & (self.eta_j[q] == jl)
        self.eta_prev[q] = eta_q
        self.has_prev[q] = same
        self.eta[q] = eta.reshape(q.size, 2, -1)
        self.has_eta[q] = True
        self.eta_j[q] = jl
        self.sol_eta[q] = eta.reshape(q.size, 2, -1)
        self.sol_cell[q] = cell.reshape(q.size, 2, -1)
        self.sol_anode[q] = anode.reshape(q.size, 2)
        self.sol_volt[q] = volt.reshape(q.size, 2)
        self.sol_iter[q] = iters.reshape(q.size, 2)
        self.has_sol[q] = True
        pol = volt.reshape(q.size, 2)
        r = np.arange(q.size)
        return np.copysign(jabs * self.r_bulk[q] + pol[r, plate] - pol[r, 1 - plate], j)

    def voltage(self, q: np.ndarray) -> np.ndarray:
        """Cycler voltage of cells ``q`` (a shorted cell: I x shunt)."""
        volt = np.empty(q.size)
        sh = self.shorted[q]
        if sh.any():
            qs = q[sh]
            volt[sh] = self.cur[self.hc[qs]] * self.shunt[qs]
        if (~sh).any():
            volt[~sh] = self.solve(q[~sh])
        return volt

    def sample(self, q: np.ndarray, t: np.ndarray, volt: np.ndarray) -> np.ndarray:
        """Record samples of cells ``q`` at times ``t`` (transient's ``sample``); returns the voltages written."""
        hc = self.hc[q]
        j = self.cur[hc]
        hit = ~self.shorted[q] & (np.abs(volt) >= self.cutoff[q]) & np.isnan(self.fail_t[q])
        if hit.any():
            volt = volt.copy()
            for k in np.flatnonzero(hit):
                p = int(q[k])
                cut = float(self.cutoff[p])
                volt[k] = math.copysign(cut, float(volt[k]))
                tk = float(t[k])
                self.fail_t[p], self.fail_mode[p], self.fail_hc[p] = tk, _CUTOFF, int(hc[k])
                self.pts[p].events.append((tk, "cutoff", -1, None))
                self.pts[p].notes.append(f"voltage cut-off {self.pts[p].v['voltage_cutoff']:g} V reached at t = {tk:.6g} s")
        cols = [q.astype(float), t, j, volt, self.contact(q, 0), self.contact(q, 1)]
        for e in (0, 1):
            s = self.s[q, e]
            li = self.li[q, e]
            has = np.count_nonzero(s, axis=1) > 0
            front = np.zeros(q.size)
            li_out = li + 0.0
            if has.any():
                kh = np.flatnonzero(has)
                qk = q[kh]
                sk = s[kh]
                last = sk.shape[1] - 1 - (sk > 0.0)[:, ::-1].argmax(axis=1)
                front[kh] = self.x_lo[qk, last] + np.minimum(sk[np.arange(kh.size), last], 1.0) * self.h[qk, last]
                eps, phi = self.eps[qk], self.phi[qk, e]
                for i, p in enumerate(qk):  # s @ h as transient's pore_li computes it (a BLAS dot per cell)
                    li_out[kh[i]] = li[kh[i]] + float(sk[i] @ self.h[p]) * eps[i] * phi[i]
            cols += [front, li_out]
        cols += [hc.astype(float), self.step_of[hc].astype(float), np.full(q.size, float(self.seq))]
        self.seq += 1
        self.rows.append(tuple(cols))
        return volt

    # ------------------------------------------------------------------ the round

    def run(self) -> list[Simulation | BaseException]:
        from lisse.errors import ConvergenceError

        while self.running.any():
            q = np.flatnonzero(self.running)
            try:
                volt = self.voltage(q)
            except ConvergenceError:
                volt = np.empty(q.size)
                ok = np.ones(q.size, dtype=bool)
                for k, p in enumerate(q):
                    try:
                        volt[k] = self.voltage(np.array([p]))[0]
                    except ConvergenceError as exc:
                        self.error[p] = exc
                        self.running[p] = False
                        ok[k] = False
                q, volt = q[ok], volt[ok]
            end = self.at_end[q]
            if end.any():
                self.end_of_half_cycle(q[end], volt[end])
            if (~end).any():
                self.substep(q[~end], volt[~end])
        allrows = np.concatenate([np.stack(r, axis=1) for r in self.rows]) if self.rows else np.zeros((0, 13))
        order = np.lexsort((allrows[:, 12], allrows[:, 0]))  # by cell, then in the order written
        allrows = allrows[order]
        bounds = np.searchsorted(allrows[:, 0], np.arange(self.P + 1) - 0.5)
        return [self.result(p, allrows[bounds[p]:bounds[p + 1]]) for p in range(self.P)]

    def end_of_half_cycle(self, q: np.ndarray, volt: np.ndarray) -> None:
        hc = self.hc[q]
        self.sample(q, self.t_starts[hc + 1], volt)
        for p in q:
            p = int(p)
            if self.fail_mode[p] in (_CUTOFF, _DEPLETED):
                self.running[p] = False
                continue
            self.after_half_cycle(p)

    def after_half_cycle(self, p: int) -> None:
        """The end of half cycle ``hc`` of cell ``p`` (its last sample written, not stopped): the cycler's stop rule."""
        hc = int(self.hc[p])
        protocol = self.protocol
        if self.fail_hc[p] >= 0 and self.stop_after[p] < 0:
            s_fail = int(protocol.step[self.fail_hc[p]])
            later = np.flatnonzero(protocol.step > s_fail + 1)
            self.stop_after[p] = int(later[0]) - 1 if later.size else protocol.n_half_cycles - 1
        if (self.stop_after[p] >= 0 and hc >= self.stop_after[p]) or hc + 1 >= protocol.n_half_cycles:
            self.running[p] = False
            return
        self.hc[p] = hc + 1
        self.kk[p] = 0
        self.t_sub[p] = float(self.t_starts[hc + 1])
        self.at_end[p] = False

    def substep(self, q: np.ndarray, volt: np.ndarray) -> None:
        self.sample(q, self.t_sub[q], volt)
        stop = self.stopped(q)
        for p in q[stop]:  # a cut-off at the substep's start: the record ends (no end-of-half-cycle sample)
            self.running[int(p)] = False
        q = q[~stop]
        if q.size == 0:
            return
        npts = self.npts
        hc = self.hc[q]
        j = self.cur[hc]
        jabs = np.abs(j)
        plate = (j >= 0).astype(int)
        t0 = self.t_starts[hc]
        dt_nom = self.dur[hc] / npts
        kk = self.kk[q]
        t_sub = self.t_sub[q]
        t_nom = t0 + (kk + 1) * dt_nom
        dt = np.where(t_sub == t0 + kk * dt_nom, dt_nom, t_nom - t_sub)
        cut = np.zeros(q.size, dtype=bool)
        r = np.arange(q.size)
        live_sh = ~self.shorted[q]
        # nucleation rates of the plating electrode's empty cells (transient: the first passage cut)
        s_p = self.s[q, plate]
        seed_p = self.seed[q, plate]
        eta_p = self.sol_eta[q, plate]
        empty = (s_p <= 0.0) & (seed_p == 0)
        has_empty = empty.any(axis=1)
        with np.errstate(invalid="ignore"):
            min_eta = np.where(empty, eta_p, np.inf).min(axis=1)
        go = live_sh & self.has_sol[q, plate] & has_empty & (-min_eta > self.eta_skip[q])
        live = empty & (eta_p < 0.0) & go[:, None]
        rate = np.zeros_like(eta_p)
        if live.any():
            rows_, cols_ = np.nonzero(live)
            x = -eta_p[rows_, cols_]
            pq = q[rows_]
            with np.errstate(over="ignore", divide="ignore", under="ignore"):
                rate[rows_, cols_] = self.electron_ratio[pq, cols_] * (self.j0n[pq] * np.exp(-self.b_nuc[pq] / x**2))
        pos = rate > 0.0
        self.rate_plate = rate  # (q, N), 0 where no rate
        self.rates_on = go.copy()
        any_pos = pos.any(axis=1)
        if any_pos.any():
            gap = self.n_c[q][:, None] - self.nuclei[q, plate]
            near = pos & (gap <= rate * (dt * (1.0 + 1e-9))[:, None])
            cand = any_pos & near.any(axis=1)
            if cand.any():
                with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                    t_cross = np.where(pos, gap / np.where(pos, rate, 1.0), np.inf).min(axis=1)
                hit = cand & (t_cross < dt)
                dt = np.where(hit, np.maximum(t_cross, 1e-9 * dt_nom), dt)
                cut |= hit
        # contact recovery of the plating electrode while its nucleation rates are frozen (transient: the recovery cut)
        if any_pos.any():
            k = np.flatnonzero(any_pos)
            qk, pk = q[k], plate[k]
            f = self.contact(qk, pk)
            room = 1.0 - f > _DF_MAX_LAYER
            if room.any():
                k, qk, pk, f = k[room], qk[room], pk[room], f[room]
                face = np.where(self.has_sol[qk, pk], self.sol_anode[qk, pk], 0.0)
                wired = (self.phi[qk, pk] >= 1.0) & ((self.s[qk, pk, 0] > 0.0) | (jabs[k] <= self.j_wire[qk]))
                refill = np.where((face > 0.0) & wired, face * self.vm / FARADAY, 0.0)
                creep = self.creep[qk]
                rise = f * self.diff[qk] + (1.0 - f) * refill
                rise = np.where(creep > 0.0, rise + self.lam[qk] * creep * _pow(f, 1.0 - self.n_exp_void[qk]), rise)
                df_ok = np.minimum(_DF_MAX_LAYER, _DF_REL_RECOVERY * f)
                h_v = self.h_v[qk]
                hit = rise * dt[k] > df_ok * h_v
                if hit.any():
                    kh = k[hit]
                    dt[kh] = np.minimum(dt[kh], np.maximum(df_ok[hit] * h_v[hit] / rise[hit], _DT_FLOOR * dt_nom[kh]))
                    cut[kh] = True
        # contact runaway of the stripping electrode
        strip_e = 1 - plate
        face = np.where(self.has_sol[q, strip_e], -self.sol_anode[q, strip_e], 0.0)
        chk = live_sh & (face > 0.0)
        if chk.any():
            k = np.flatnonzero(chk)
            qk, ek = q[k], strip_e[k]
            f = self.contact(qk, ek)
            removal = face[k] * self.vm / FARADAY
            lam, diff, creep, n = self.lam[qk], self.diff[qk], self.creep[qk], self.n_exp_void[qk]
            rate_v = removal - f * diff
            rate_v = np.where(creep > 0.0, rate_v - lam * creep * _pow(f, 1.0 - n), rate_v)
            h_v = self.h_v[qk]
            fast = rate_v * dt[k] > _DF_MAX_LAYER * h_v
            if fast.any():
                kf = k[fast]
                qf = q[kf]
                held = _hold_up_v(f[fast], removal[fast], diff[fast], creep[fast], n[fast], lam[fast], self.min_contact[qf])
                go_cut = f[fast] - held > _DF_MAX_LAYER
                if go_cut.any():
                    kc = kf[go_cut]
                    rv = rate_v[fast][go_cut]
                    dt[kc] = np.minimum(dt[kc], np.maximum(_DF_MAX_LAYER * self.h_v[q[kc]] / rv, _DT_FLOOR * dt_nom[kc]))
                    cut[kc] = True
        early = cut & (t_sub + dt < t_nom)
        t_now = np.where(early, t_sub + dt, t_nom)
        self.kk[q] = np.where(early, kk, kk + 1)
        self.t_sub[q] = t_now
        broke = np.zeros(q.size, dtype=bool)
        for e in (0, 1):
            self.update_electrode(q, e, j, jabs, plate, dt, t_now, hc, broke, r)
        # after the substep
        stop = self.stopped(q)
        for p in q[stop]:
            self.running[int(p)] = False
        fin = ~stop & (self.kk[q] >= npts)
        self.at_end[q[fin]] = True

    def update_electrode(self, q: np.ndarray, e: int, j: np.ndarray, jabs: np.ndarray, plate: np.ndarray, dt: np.ndarray,
                         t_now: np.ndarray, hc: np.ndarray, broke: np.ndarray, r: np.ndarray) -> None:
        vm = self.vm
        act = ~broke
        if not act.any():
            return
        qa = q[act]
        ka = np.flatnonzero(act)
        jloc = np.where(plate[ka] == e, jabs[ka], -jabs[ka])
        dt_a = dt[ka]
        sh = self.shorted[qa]
        face_cur = np.where(sh, 0.0, self.sol_anode[qa, e])
        has_li = np.count_nonzero(self.s[qa, e], axis=1) > 0
        pore = ~sh & ~((self.sol_iter[qa, e] == 0) & ~has_li)
        if pore.any():
            kp = np.flatnonzero(pore)
            qp = qa[kp]
            s_old = self.s[qp, e]
            cap = self.h[qp] * (self.eps[qp] * self.phi[qp, e])[:, None]
            dsdt = self.sol_cell[qp, e] * (vm / FARADAY) / cap
            dtp = dt_a[kp][:, None]
            snew = s_old + dsdt * dtp  # cell currents held over the substep; a cell run dry is clipped below
            for i in np.flatnonzero(jloc[kp] > 0):
                p = int(qp[i])
                row = snew[i]
                if np.count_nonzero(row[:-1] > 1.0):
                    row = _carry_overflow(row, cap[i])
                if row[-1] > 1.0 and self.seed[p, e, -1] & _SEED_NUCLEI:
                    row = _carry_back(row, cap[i])
                snew[i] = row
            bad = (snew.min(axis=1) < 0.0) | (snew.max(axis=1) > 1.0)
            if bad.any():
                kb = np.flatnonzero(bad)
                clipped = np.minimum(np.maximum(snew[kb], 0.0), 1.0)
                face_cur[kp[kb]] += np.sum((snew[kb] - clipped) * cap[kb], axis=1) * FARADAY / (vm * dt_a[kp][kb])
                snew[kb] = clipped
            self.s[qp, e] = snew
            full = snew[:, :-1] >= 1.0 - 1e-12
            if full.any():
                sd = self.seed[qp, e]
                sd[:, 1:] |= np.where(full, _SEED_FRONT, 0).astype(np.int8)
                self.seed[qp, e] = sd
        li = self.li[qa, e] + face_cur * dt_a * vm / FARADAY
        self.li[qa, e] = li
        dep = (li <= -self.li_foil[qa]) & np.isnan(self.fail_t[qa])
        if dep.any():
            for i in np.flatnonzero(dep):
                p = int(qa[i])
                fc, dti, tn = float(face_cur[i]), float(dt_a[i]), float(t_now[ka[i]])
                foil = float(self.li_foil[p])
                t_dep = tn - dti + (foil + float(self.li[p, e]) - fc * dti * vm / FARADAY) / (-fc * vm / FARADAY)
                self.li[p, e] = -foil
                self.fail_t[p], self.fail_mode[p], self.fail_hc[p] = t_dep, _DEPLETED, int(hc[ka[i]])
                self.pts[p].events.append((t_dep, "li_depleted", e, None))
                self.pts[p].notes.append(f"Li depleted at t = {t_dep:.6g} s: electrode {e} has stripped its {foil * 1e6:.4g} um Li foil")
                self.sample(np.array([p]), np.array([t_dep]), np.array([math.copysign(float(self.cutoff[p]), float(j[ka[i]]))]))
                broke[ka[i]] = True
            keep = ~dep
            qa, ka, jloc, dt_a, face_cur = qa[keep], ka[keep], jloc[keep], dt_a[keep], face_cur[keep]
            if qa.size == 0:
                return
        strip_v = np.maximum(-face_cur, 0.0) * vm / FARADAY
        f = self.contact(qa, e)
        wired = (self.phi[qa, e] >= 1.0) & ((self.s[qa, e, 0] > 0.0) | (jloc <= self.j_wire[qa]))
        refill = np.where((face_cur > 0.0) & wired, face_cur * vm / FARADAY, 0.0)
        self.advance_void(qa, e, strip_v, dt_a, refill)
        # the hold-up clamp of a stripping contact above the critical stripping current
        st = strip_v > 0.0
        if st.any():
            k = np.flatnonzero(st)
            qk = qa[k]
            sv = strip_v[k]
            lam, diff, creep, n = self.lam[qk], self.diff[qk], self.creep[qk], self.n_exp_void[qk]
            rate1 = sv - 1.0 * diff
            rate1 = np.where(creep > 0.0, rate1 - lam * creep * _pow(np.ones(n.size), 1.0 - n), rate1)
            above = rate1 > 0.0
            if above.any():
                k, qk, sv = k[above], qk[above], sv[above]
                lam, diff, creep, n = lam[above], diff[above], creep[above], n[above]
                f_min = self.min_contact[qk]
                f_star = _hold_up_v(np.ones(k.size), sv, diff, creep, n, lam, f_min)
                fi = f[k]
                lo_f = np.where(fi >= f_star, f_star, fi)
                hi_f = np.where(fi >= f_star, fi, f_star)
                h_v = self.h_v[qk]
                f_now = np.maximum(1.0 - self.delta[qk, e] / h_v, f_min)
                f_new = np.minimum(np.maximum(f_now, lo_f), hi_f)
                slope = -diff + lam * creep * (n - 1.0) * _pow(f_star, -n)
                near = (slope > 0.0) & (np.abs(fi - f_star) <= _DF_MAX_LAYER)
                if near.any():  # (the exponential only where the per-cell code takes it: it cannot overflow there)
                    f_new[near] = f_star[near] + (fi[near] - f_star[near]) * _exp(-dt_a[k][near] * slope[near] / h_v[near])
                self.delta[qk, e] = np.where(f_new > f_min, h_v * (1.0 - f_new), self.delta[qk, e])
        # plating electrode, not shorted: pore entry, nucleation, the electrolyte face
        pl = (jloc > 0) & ~self.shorted[qa]
        if pl.any():
            k = np.flatnonzero(pl)
            self.plating_events(qa[k], ka[k], e, jloc[k], f[k], dt_a[k], t_now, hc)

    def advance_void(self, qa: np.ndarray, e: int, removal: np.ndarray, dt: np.ndarray, refill: np.ndarray) -> None:
        """``model._advance_void`` for cells ``qa`` (the same operations, element by element)."""
        h = self.h_v[qa]
        lam = self.lam[qa]
        delta = self.delta[qa, e]
        delta_max = h * (1.0 - self.min_contact[qa])
        v_lim = self.diff[qa]
        a = removal - v_lim
        b = (v_lim - refill) / h
        x = b * dt
        small = np.abs(x) < 1e-12
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            c = delta + a / b
            big = c * _exp(np.minimum(x, 700.0)) - a / b
        new = np.where(small, delta + (a + b * delta) * dt, big)
        delta = np.minimum(np.maximum(new, 0.0), delta_max)
        creep_rate, n = self.creep[qa], self.n_exp_void[qa]
        cr = (creep_rate > 0.0) & (delta > 0.0)
        if cr.any():
            k = np.flatnonzero(cr)
            hk = h[k]
            fk = 1.0 - delta[k] / hk
            fk = _pow(_pow(fk, n[k]) + n[k] * (lam[k] / hk) * creep_rate[k] * dt[k], 1.0 / n[k])
            delta[k] = np.maximum(hk * (1.0 - np.minimum(fk, 1.0)), 0.0)
        self.delta[qa, e] = delta

    def plating_events(self, qk: np.ndarray, kr: np.ndarray, e: int, jloc: np.ndarray, f: np.ndarray, dt: np.ndarray,
                       t_now_r: np.ndarray, hc_r: np.ndarray) -> None:
        """Pore entry, nucleation and the electrolyte-face short of the plating electrode ``e`` of cells ``qk`` (transient's
        code, the tests as array operations and each event per cell); ``kr`` are the cells' places in the round."""
        vm = self.vm
        # pore entry at the anode face
        p_entry = self.p_entry[qk]
        wired = (self.phi[qk, e] >= 1.0) & ((self.s[qk, e, 0] > 0.0) | (jloc <= self.j_wire[qk]))
        cand = ~self.entered[qk, e] & (self.seed[qk, e, 0] == 0) & ((p_entry <= 0.0) | ~wired)
        if cand.any():
            i = np.flatnonzero(cand)
            qi = qk[i]
            eta0 = np.abs(self.sol_eta[qi, e, 0])
            rate = jloc[i] / f[i] * vm / FARADAY / self.pore_radius[qi]
            flow = MPA * _pow(rate / self.creep_1mpa[qi], 1.0 / self.n_exp[qi])
            p_li = np.minimum(FARADAY * eta0 / vm, flow)
            for m in np.flatnonzero(p_li > p_entry[i]):
                p = int(qi[m])
                pt = self.pts[p]
                t_now = float(t_now_r[kr[i[m]]])
                pe = float(p_entry[i[m]])
                self.entered[p, e] = True
                pt.events.append((t_now, "pore_entry", e, 0.0))
                self.phi[p, e] = float(f[i[m]]) if pe > 0 else 1.0
                self.seed[p, e, 0] |= _SEED_FRONT
                self.enter_plug(p, e, min(_PLUG_PORE_DIAMETERS * 2.0 * pt.v["pore_radius"], pt.lt), float(self.eps[p]))
                pt.notes.append(f"Li enters the interlayer pores at t = {t_now:.6g} s (electrode {e}, Li pressure "
                                f"{float(p_li[m]) / MPA:.3g} MPa > entry {pe / MPA:.3g} MPa, filament fraction {self.phi[p, e]:.3g})")
        # nucleation (rates of the substep's start, the cells still empty after its update)
        on = self.rates_on[kr]
        if on.any():
            i = np.flatnonzero(on)
            qi = qk[i]
            s, seed = self.s[qi, e], self.seed[qi, e]
            empty = (s <= 0.0) & (seed == 0)
            rate = self.rate_plate[kr[i]]
            grow = empty & (rate > 0.0)
            nuc = self.nuclei[qi, e]
            nuc = np.where(grow, nuc + rate * dt[i][:, None], nuc)
            self.nuclei[qi, e] = nuc
            new = empty & (nuc >= (self.n_c[qi] * (1.0 - 1e-9))[:, None])
            for m in np.flatnonzero(new.any(axis=1)):
                p = int(qi[m])
                pt = self.pts[p]
                t_now = float(t_now_r[kr[i[m]]])
                self.seed_nuclei(p, e, new[m])
                n_cells = self.N
                depth = float(np.argmax(new[m]) + 0.5) * pt.lt / n_cells
                pt.events.append((t_now, "nucleation", e, depth))
                pt.notes.append(f"Li nucleates in the interlayer at t = {t_now:.6g} s, depth "
                                f"{float(np.argmax(new[m]) + 0.5) * pt.lt / n_cells * 1e6:.3g} um (electrode {e})")
        # Li at the electrolyte face: confined, and pressed at the flaw pressure
        s = self.s[qk, e]
        nuc_face = (self.seed[qk, e, -1] & _SEED_NUCLEI) > 0
        depth = self.face_depth[qk]
        confined = s[:, -1] >= 1.0 - 1e-9
        if nuc_face.any():
            i = np.flatnonzero(nuc_face)
            zone = self.face_zone[qk[i]]
            face_li = np.add.reduce(np.minimum(np.maximum(s[i], 0.0) * self.h[qk[i]], zone), axis=1)
            confined[i] = face_li >= depth[i] * (1.0 - 1e-9)
        confined &= np.isnan(self.fail_t[qk])
        if confined.any():
            i = np.flatnonzero(confined)
            qi = qk[i]
            eta_l = np.abs(self.sol_eta[qi, e, -1])
            press = FARADAY * eta_l / vm
            for m in np.flatnonzero(press >= self.p_flaw[qi]):
                p = int(qi[m])
                pt = self.pts[p]
                t_now = float(t_now_r[kr[i[m]]])
                p_flaw = float(self.p_flaw[p])
                self.shorted[p] = True
                self.fail_t[p], self.fail_mode[p], self.fail_hc[p] = t_now, _SHORT, int(hc_r[kr[i[m]]])
                pt.events.append((t_now, "short", e, pt.lt))
                pt.notes.append(f"short at t = {t_now:.6g} s: Li at the electrolyte face of the interlayer (electrode {e}) "
                                f"builds F|eta|/V_m = {float(press[m]) / MPA:.4g} MPa >= flaw opening pressure "
                                f"{p_flaw / MPA:.4g} MPa")

    def enter_plug(self, p: int, e: int, plug: float, eps: float) -> None:
        """transient._enter_plug on cell ``p``'s electrode ``e``."""
        h = self.h[p]
        s = self.s[p, e]
        x_hi = np.cumsum(h)
        share = np.clip((plug - (x_hi - h)) / h, 0.0, 1.0)
        s_new = np.maximum(s, share)
        self.li[p, e] -= float((s_new - s) @ h) * eps * float(self.phi[p, e])
        s[:] = s_new
        self.seed[p, e] |= np.where(share > 0.0, _SEED_FRONT, 0).astype(np.int8)

    def seed_nuclei(self, p: int, e: int, new: np.ndarray) -> None:
        """transient._seed_nuclei on cell ``p``'s electrode ``e``."""
        pt = self.pts[p]
        depth, lt = self.nucleus_depth[p], pt.lt
        x_lo = pt.x_lo
        h = pt.h
        x_hi = x_lo + h
        wall, seed = self.wall[p, e], self.seed[p, e]
        for k in np.flatnonzero(new):
            lo = x_lo[k] + 0.5 * pt.h_list[k] - 0.5 * depth
            lo = min(max(lo, 0.0), lt - depth)
            share = np.clip(np.minimum(x_hi, lo + depth) - np.maximum(x_lo, lo), 0.0, None) / h
            hit = share > 1e-9
            wall[hit] = np.maximum(wall[hit], np.minimum(share[hit], 1.0))
            seed[hit] |= _SEED_NUCLEI

    # ------------------------------------------------------------------ results

    def result(self, p: int, mine: np.ndarray) -> Simulation | BaseException:
        if self.error[p] is not None:
            return self.error[p]  # type: ignore[return-value]
        rec, state = _record_and_state(mine[:, 1:12])  # the columns after the cell index, before the sequence number
        mode = _MODE_NAMES[int(self.fail_mode[p])]
        ft = None if math.isnan(self.fail_t[p]) else float(self.fail_t[p])
        fh = None if self.fail_hc[p] < 0 else int(self.fail_hc[p])
        pt = self.pts[p]
        return Simulation(record=rec, state=state, failure_time_s=ft, failure_mode=mode, failure_half_cycle=fh, model=pt.model,
                          protocol=self.protocol, notes=pt.notes, events=pt.events)

