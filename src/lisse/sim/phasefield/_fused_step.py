"""Fused NumPy kernel of the electrodeposition ζ update (the steps between two potential solves).

:class:`lisse.sim.phasefield.electrodeposition.ElectrodepositionSolver` writes its ζ update once, against an array
namespace (``_spectral_update``, ``_ac_terms``, ``_profile_term``, ``_source``, ``_sites``): readable, traceable by
``jax.jit``, and the reference. On NumPy that form costs ~80 full-grid temporaries a step (3.4–4.6 ms at 256², one
core, measured before this kernel). This module evaluates the same expressions on float64 NumPy arrays with
preallocated work arrays, ``out=`` ufuncs and products that change only at a potential solve (or with Δt) computed
once; the semi-implicit DCT solve itself is unchanged. What is rearranged (all exact in real arithmetic, so results
differ from the reference by round-off only; ``tests/phasefield/test_fused_step.py`` holds ζ, the reaction source,
the reservoir exchange and the schedule to the reference path within 1e-12 relative after hundreds of steps):

* undivided differences: with G_a = ζ_{i+1} − ζ_{i−1}, S_a = ζ_{i+1} − 2ζ_i + ζ_{i−1} (edge-clamped: the Neumann
  ``pad(mode="edge")`` stencil of the reference) and H_ac the edge-clamped central difference along a of G_c,
  ∂ₙₙζ = [Σ_a G_a² S_a + ½ Σ_{a<c} G_a G_c H_ac] / (Δx² (Σ_a G_a² + 4·10⁻¹²)) — the reference's
  (Σ g_a² s_a + 2Σ g_a g_c h_ac)/(|∇ζ|² + (10⁻⁶/Δx)²) with g = G/2Δx, s = S/Δx², h = H/4Δx²;
* the double-well product z(1 − z)(1 − 2z) is shared by the Allen–Cahn and the profile terms, and the Li-neutral
  weight clip(ζ)(1 − clip(ζ)) is clip(ζ(1 − ζ), 0, 1) (equal for every ζ);
* differences along an axis are taken on the flat array (one contiguous pass) and the two faces of that axis,
  where the flat pass wraps, are overwritten with the one-sided values;
* the reaction source i_BV a_Li + i_nuc a_nuc = room·(ζ_c K₁ + K₂) with K₁ = (√2/δ) c_near i_BV and
  K₂ = |∇s|-surface · i_nuc fixed between solves;
* the Li-neutral profile correction uses Σ(out − b∇²ζ) = Σ out (the edge-clamped Laplacian telescopes to a zero sum;
  the reference sums its round-off);
* Δt is folded into the coefficient arrays (rebuilt when Δt, b or p change, i.e. at a potential solve), the DCT
  denominator is applied as a product with its inverse, and y += a·x runs as one BLAS daxpy pass (:func:`axpy`).

Float32 runs and the JAX/CuPy backends keep the reference path.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.linalg.blas import daxpy

from lisse.constants import FARADAY

_EPS_G2 = 4e-12  # (1e-6/Δx)² · 4Δx²: the reference's regularisation of |∇ζ|² in undivided units


def axpy(a: float, x: np.ndarray, y: np.ndarray) -> None:
    """y += a·x in place, one pass (BLAS daxpy; x and y C-contiguous float64 of one size).

    NumPy needs two passes and a temporary (a·x, then the sum): at 256² 50 µs against 22 µs (measured, one core).
    """
    r = daxpy(x.reshape(-1), y.reshape(-1), a=a)
    if not np.shares_memory(r, y):  # pragma: no cover (f2py copies only a non-contiguous or mistyped y)
        y[...] = r.reshape(y.shape)


class FusedStep:
    """Work arrays and per-solve constants of the NumPy ζ update of one solver (float64 only)."""

    def __init__(self, solver: Any) -> None:
        s = solver
        shape = tuple(s.zeta0.shape)
        self.shape = shape
        self.nd = len(shape)
        self.size = int(np.prod(shape))
        self.dx = float(s.dx)
        c = s.c
        self.inv_d2 = 1.0 / c.delta**2
        self.k_dw = -2.0 * c.A * c.L_sigma  # Allen–Cahn double well: k_dw ζ(1−ζ)(1−2ζ)
        self.free = np.ascontiguousarray(s._free, dtype=float)
        self.LsB = np.ascontiguousarray(s._LsB, dtype=float)
        self.wet = np.ascontiguousarray(s._wet, dtype=float)
        self.L_sigma = c.L_sigma
        self._key: tuple[float, float, float] | None = None  # (Δt, b, p) of the coefficient arrays
        self.li_site = (math.sqrt(2.0) / c.delta) * np.asarray(s._near_ion, dtype=float)
        self.surface = np.asarray(s._surface, dtype=float)
        self.strides = [int(np.prod(shape[a + 1:])) for a in range(self.nd)]
        # index tuples of the two faces of each axis and their neighbours
        self.faces = []
        for a in range(self.nd):
            def at(i: int, a: int = a) -> tuple:
                return (slice(None),) * a + (i,)
            self.faces.append((at(0), at(1), at(-1), at(-2)))
        e = lambda: np.empty(shape)  # noqa: E731
        self.q, self.P, self.t, self.w, self.num, self.Q, self.L = e(), e(), e(), e(), e(), e(), e()
        self.G = [e() for _ in range(self.nd)]
        self.S = [e() for _ in range(self.nd)]
        self.H = e()
        self.d = np.empty(self.size)
        self.zc, self.room, self.qs = e(), e(), e()
        self._b: float | None = None  # profile constants cached for this b
        self._den: tuple[Any, np.ndarray] | None = None  # DCT denominator object and its inverse
        self._kin: tuple[Any, Any] | None = None  # (ibv, ibv_nuc) objects the source constants were built from
        self._isl: tuple[Any, np.ndarray] | None = None  # island mask object and its flat cell indices
        self.dv = self.dx**self.nd
        self.r_per_q = -(s.molar_volume / FARADAY)

    # ------------------------------------------------------------------ differences
    def _diffs(self, z: np.ndarray, a: int, G: np.ndarray, S: np.ndarray) -> None:
        """G = ζ_{i+1} − ζ_{i−1}, S = (ζ_{i+1} − ζ_i) − (ζ_i − ζ_{i−1}) along axis a, edge-clamped (in place)."""
        m, n = self.strides[a], self.size
        zf, Gf, Sf = z.reshape(-1), G.reshape(-1), S.reshape(-1)
        d = self.d[: n - m]
        np.subtract(zf[m:], zf[:-m], out=d)
        np.subtract(zf[2 * m:], zf[:-2 * m], out=Gf[m:n - m])
        np.subtract(d[m:], d[:-m], out=Sf[m:n - m])
        lo, lo1, hi, hi1 = self.faces[a]
        np.subtract(z[lo1], z[lo], out=G[lo])  # one-sided at the faces (the flat pass wrapped there)
        S[lo] = G[lo]
        np.subtract(z[hi], z[hi1], out=G[hi])
        # (not np.negative(G[hi], out=S[hi]): NumPy 2.4.6 writes a strided 2D ``out`` view of a 3D array as if it
        # were contiguous for that ufunc, measured here; subtract handles it)
        np.subtract(z[hi1], z[hi], out=S[hi])

    def _central(self, g: np.ndarray, a: int, out: np.ndarray) -> None:
        """out = g_{i+1} − g_{i−1} along axis a, edge-clamped."""
        m, n = self.strides[a], self.size
        gf, of = g.reshape(-1), out.reshape(-1)
        np.subtract(gf[2 * m:], gf[:-2 * m], out=of[m:n - m])
        lo, lo1, hi, hi1 = self.faces[a]
        np.subtract(g[lo1], g[lo], out=out[lo])
        np.subtract(g[hi], g[hi1], out=out[hi])

    # ------------------------------------------------------------------ the explicit right-hand side
    def _constants(self, dt: float, b: float, pressure: float) -> None:
        """Coefficient arrays of :meth:`rhs` with Δt folded in (rebuilt when Δt, b or p change: at a potential solve)."""
        key = (dt, b, pressure)
        if key == self._key:
            return
        free = self.free
        c1 = b / self.dx**2
        c2 = 2.0 * b * self.inv_d2
        self.dt_c1, self.dt_c2 = dt * c1, dt * c2
        self.f_nn = (dt * c1) * free  # Δt·b·free/Δx²: multiplies Δx²∂ₙₙζ
        # Δt·(double well of the Allen–Cahn terms − b·free·2/δ² of the profile term): both multiply ζ(1−ζ)(1−2ζ)
        self.k_p = dt * self.k_dw - (dt * c2) * free if b > 0 else np.full(self.shape, dt * self.k_dw)
        self.keep = 1.0 - dt * self.LsB  # ζ − Δt·L_σBφ_g²ζ
        self.dt_wet = dt * self.wet
        self.dt_pf = (dt * 30.0 * self.L_sigma * pressure) * free if pressure > 0 else None
        self._key = key

    def rhs(self, z: np.ndarray, dt: float, b: float, pressure: float) -> np.ndarray:
        """ζ + Δt·(Allen–Cahn, pressure and profile terms) [-]: the reference's ``z + dt*_ac_terms(z) + dt*_profile_term(z, b)``.

        ``dt`` [s], ``b`` the profile mobility [m2/s], ``pressure`` the stack pressure [Pa]. Returns a new array (the
        DCT may overwrite it).
        """
        self._constants(dt, b, pressure)
        q, P, t = self.q, self.P, self.t
        np.subtract(1.0, z, out=q)
        q *= z  # ζ(1 − ζ)
        np.multiply(z, -2.0, out=P)
        P += 1.0
        P *= q  # ζ(1 − ζ)(1 − 2ζ)
        if b > 0:
            out = self._profile(z)
            np.multiply(P, self.k_p, out=t)
            out += t
        else:
            out = np.multiply(P, self.k_p)
        np.multiply(z, self.keep, out=t)
        out += t
        out += self.dt_wet
        if self.dt_pf is not None:
            np.multiply(q, q, out=t)
            t *= self.dt_pf
            out += t
        return out

    def _profile(self, z: np.ndarray) -> np.ndarray:
        """Δt × the reference's ``_profile_term(z, b)`` without its double-well part (in ``k_p``), in a new array.

        Needs ``q`` and ``P`` of :meth:`rhs` and the constants of :meth:`_constants`.
        """
        nd, G, S, num, Q, t = self.nd, self.G, self.S, self.num, self.Q, self.t
        for a in range(nd):
            self._diffs(z, a, G[a], S[a])
        np.multiply(G[0], G[0], out=num)
        np.add(num, _EPS_G2, out=Q)
        num *= S[0]
        for a in range(1, nd):
            np.multiply(G[a], G[a], out=t)
            Q += t
            t *= S[a]
            num += t
        H = self.H
        for a in range(nd):
            for c in range(a + 1, nd):
                self._central(G[c], a, H)  # 4Δx² ∂_a∂_c ζ
                np.multiply(G[a], G[c], out=t)
                t *= H
                axpy(0.5, t, num)
        num /= Q  # Δx² ∂ₙₙζ
        out = np.multiply(num, self.f_nn)  # Δt·b·free·∂ₙₙζ
        L = self.L
        np.add(S[0], S[1], out=L)
        for a in range(2, nd):
            L += S[a]  # Δx² ∇²ζ
        w = self.w
        np.clip(self.q, 0.0, 1.0, out=w)  # = max(ζ(1 − ζ), 0): ζ(1 − ζ) ≤ ¼
        w *= self.free  # clip(ζ)(1 − clip(ζ))·free
        sw = float(w.sum())
        if sw > 0:
            # Li-neutral: Σ of the whole profile term, Δt·b·[free·(∂ₙₙζ − 2ζ(1−ζ)(1−2ζ)/δ²) − ∇²ζ], is removed
            # (Σ∇²ζ of the Neumann stencil telescopes to 0: the reference's round-off-sized b·Σ∇²ζ is left out)
            total = float(out.sum()) - self.dt_c2 * float(np.dot(self.P.reshape(-1), self.free.reshape(-1)))
            axpy(-total / sw, w, out)
        axpy(-self.dt_c1, L, out)
        return out

    def inverse(self, den: np.ndarray) -> np.ndarray:
        """1/den, cached on the denominator object (it changes with Δt only)."""
        if self._den is None or self._den[0] is not den:
            self._den = (den, 1.0 / den)
        return self._den[1]

    # ------------------------------------------------------------------ islands
    def islands(self, z_ac: np.ndarray, z: np.ndarray, islands: np.ndarray) -> None:
        """The reference's island correction on ``z_ac`` (in place, C-contiguous): closed Li islands keep their volume.

        ``z_ac −= [Σ_isl (z_ac − z) / Σ_isl w] w`` with w = z_ac(1 − z_ac) on the island cells only (their indices are
        cached on the mask object).
        """
        if self._isl is None or self._isl[0] is not islands:
            self._isl = (islands, np.flatnonzero(islands))
        idx = self._isl[1]
        flat = z_ac.reshape(-1)
        zi = flat.take(idx)
        w = zi * (1.0 - zi)
        sw = float(w.sum())
        if sw > 0:
            flat.put(idx, zi - (float((zi - z.reshape(-1).take(idx)).sum()) / sw) * w)

    # ------------------------------------------------------------------ reaction source
    def source(self, z: np.ndarray, ibv: np.ndarray, ibv_nuc: np.ndarray, target: float) -> tuple[np.ndarray, np.ndarray, float]:
        """The reference's ``_source``: (q scaled to ``target`` [A m-3], R [1/s], unscaled total [A]).

        ``ibv``/``ibv_nuc`` the last solve's current per site area [A m-2], ``target`` the applied current [A].
        """
        if self._kin is None or self._kin[0] is not ibv or self._kin[1] is not ibv_nuc:
            self.K1 = self.li_site * ibv
            self.K2 = self.surface * ibv_nuc
            self._kin = (ibv, ibv_nuc)
        zc, room, q = self.zc, self.room, self.qs
        np.clip(z, 0.0, 1.0, out=zc)
        np.subtract(self.free, zc, out=room)
        np.clip(room, 0.0, 1.0, out=room)  # (clip: ~2.5x faster than np.maximum with a scalar, measured)
        np.multiply(zc, self.K1, out=q)
        q += self.K2
        q *= room
        total = -float(q.sum()) * self.dv
        rc = np.multiply(q, target / total if total > 0 else math.nan)  # the caller raises when total ≤ 0
        return rc, np.multiply(rc, self.r_per_q), total
