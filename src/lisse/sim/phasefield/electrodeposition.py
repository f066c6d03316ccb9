"""Electrodeposition phase field: two potentials, Butler–Volmer source, Faraday-exact Li, empty pores, stack pressure.

Fields on a regular 2D/3D grid, axis 0 the growth axis (the Li current collector at y = 0, the dense
electrolyte at the top): ζ (Li metal, evolving), the static interlayer solid ``s`` and electrolyte ``e``
(:class:`lisse.sim.phasefield.microstructure.Microstructure`); the rest is **empty pore** (no conduction).

Charge (electroneutral, quasi-static; [Newman2004] ch. 22 porous-electrode form, resolved on the grid)::

    −∇·(σ_e ∇φ_e)   = −q(η),      −∇·(σ_ion ∇φ_ion) = +q(η),      η = φ_e − φ_ion,
    q(η) = i_BV(η) · [a_Li + a_nuc · n(η)]                                     [A m-3, anodic > 0]

with i_BV the Butler–Volmer law of :func:`lisse.electrochem.butler_volmer` (i0, α). Conductivities: σ_e =
h_e(ζ) σ_Li + (1 − h_e) s σ_e,solid with h_e = h(ζ)·clip((ζ − 0.01)/0.02) (h = ζ³(10 − 15ζ + 6ζ²); linear, not
geometric, so the reaction zone is not pinned to grid cells; the exponential tail ζ < 0.03 of the diffuse
profile does not conduct, or it would wire an electron-blocking layer), times a percolation factor
clip((ζ_body − ζ_c)/(½ − ζ_c)) with ζ_body the largest ζ within 3δ (the reach of the conducting tail of a front) and ζ_c = :data:`LI_PERCOLATION`: dispersed,
sub-resolution nuclei (ζ < ζ_c all around) are isolated clusters and carry no electrons between them (otherwise
a trace of Li spread over a poorly electronic layer would put all of it at the anode potential and nucleation
would run away through it; with it, the reaction stays within the Newman–Tobias reaction length of the
electron source, as the steady model :func:`lisse.sim.interlayer.solver1d.solve_1d` predicts), σ_ion = s σ_ion,solid + e σ_el
(per cell; pores conduct neither, a floor 1e-8·σ_el keeps the matrix regular). Reaction sites
(diffuse-interface area densities [1/m]): a_Li = √2 ζ r/δ · c_near with r = max(1 − φ_g − ζ, 0) the volume
a cell has left for Li (r = 1 − ζ in free space, so a_Li is the equilibrium |∇ζ|, ∫ dn = 1 across a front)
where the Li front lies within ~δ of an ion conductor (c_near = min(1, 2 G_δ*(s + e)), G_δ a Gaussian of
width δ): plated Li fills the free (pore) volume of a cell and no more, never the solid (without r, ~30 % of
the deposit ended inside the particles, since the B exclusion relaxes far slower than plating); and
a_nuc = 2|∇s| r (1 − e) on free solid surfaces, gated by a smooth
nucleation step n(η) = ½[1 + tanh((−η − η_n)/w_n)] (Li nucleates on a surface only beyond the
nucleation overpotential η_n and only where the solid delivers electrons: that is what σ_e decides).
Boundaries: φ_e = 0 on the collector face (y = 0), the applied current i enters the electrolyte face
(−σ_ion ∂φ_ion/∂n = i); zero flux elsewhere. The nonlinear system is solved by Newton's method; its
Jacobian [[A_e + D, −D], [−D, A_ion + D]] (D = diag ∂q/∂η ≥ 0) is symmetric positive definite, solved
on 2D and small 3D grids by CG with exact (Cholesky) factors of its two diagonal blocks, or sparse-direct, and by CG with
a block-Jacobi smoothed-aggregation AMG preconditioner
(pyamg; one hierarchy per potential) on large ones, with the metal wired to the collector held as one equipotential
(see "Potential solve" below). Tips nearer the
electrolyte see a smaller ionic resistance and so draw more current (current focusing); surfaces that
electrons reach through the solid plate Li without touching the anode.

Li (ζ), per step, split into three parts:

1. Capillarity and wetting: the Allen–Cahn terms of :mod:`lisse.sim.phasefield.model` (double well, solid
   coupling B, cross-gradient k_Li from the contact angle), semi-implicit in DCT space, plus the stack
   pressure p as a chemical-potential term ``+L_σ p h'(ζ)`` (Li under the stack load is at p V_m above Li
   at a free surface, so it creeps into pores when p exceeds the capillary entry pressure 2γ|cos θ|/w,
   :func:`penetration_regime`). A numerical profile term b[∂ₙₙζ − 2ζ(1 − ζ)(1 − 2ζ)/δ²] in free space (the
   counter-term form of [SunBeckermann2007]: zero on the equilibrium profile whatever its curvature, made
   Li-neutral) keeps the diffuse front's shape while the reaction moves it; b is set from the fastest
   reaction (the physical L_σ tied to i0 relaxes a µm-wide profile ~1e3 times slower than the front moves).
2. Reaction: ``ζ += Δt · R``, ``R = −q V_m/(zF)`` from the last potential solve, rescaled so that
   ``∫R dV = i A V_m/(zF)`` exactly (galvanostatic; the rescaling only removes the solver tolerance, reported
   as ``charge_balance_error``). Between potential solves the local current per site area, i_BV(η), is kept
   and re-applied to the moving sites a(ζ) every step. Li is created only where charge is transferred, in the amount Faraday's law
   gives.
3. Conservation of the capillary part: the Li body connected to the collector is open to the anode bulk
   below the domain (a reservoir at the stack pressure: Li creeps in, or Li plated at a buried contact
   pushes back into the anode); its exchange is counted exactly in :attr:`reservoir_inflow_m`. Li islands not
   connected to the anode (nuclei) are closed: a Lagrange multiplier λ·ζ(1 − ζ) (the volume-conserving
   Allen–Cahn of [RubinsteinSternberg1992] with the weight of [BrasselBretin2011]) removes their net change.

Hence ``∫ζ dV/A = ∫ζ₀ dV/A + Q V_m/(zF) + reservoir_inflow`` to round-off (:meth:`li_inventory`).

Potential schedule. The potentials are quasi-static (the charge relaxation time ε/σ is far below a second; the
front moves nm per step), so they are re-solved only when they have gone stale: every ``potential_every`` steps
(fixed), or, with ``potential_tol`` = ε, error-controlled. At every solve the reaction current the lagged kinetics had
put on the moved sites is compared with the fresh one; their L1 distance over the applied current, the *misplaced
current* m (``potential_info["misplaced_current"]``), is the schedule's error over the interval just ended, and the
next interval is the last one times min(2, 0.7 ε/m) (doubling while m ≤ 0.35 ε; at most 2000 steps). A solve is also
forced when the lagged kinetics carry a total current more than g·ε off the applied one (sites appeared or vanished) or
ζ changed by more than 0.5 in a cell (its conduction switched); the drift guard g starts at 1 and adapts by the same
factor as the interval within [1, 4] (a drift of the total that the rescaling to Faraday's total removes misplaces
little: on the lni-5cnt layer at 1 µA/cm² the guard at g = 1 forced ~70 % of the solves while the measured m stayed
below 0.1 ε; with the adaptive guard half as many solves, m still ≤ 0.8 ε after the start-up transient, which misplaces
3–11 % even when solving every step). Newton then stops once the charge residual (current
created or lost per cell, summed over the grid) is below ε/10 of the applied current: usually after one step, i.e.
Butler–Volmer linearised about the last solution. The misplaced current grows from 0 to at most ~ε over an
interval, so ~ε/2 of the plated Li is misplaced and ζ stays within an L1 distance ε·∫|ζ − ζ₀| of the every-step
solution (tested with ε = 0.01: measured 0.004; the fixed 4-step schedule: 0.012). Measured on the LNI presets at
grid 64 against re-solving every step (before the free-volume reaction sites): ``potential_every=4`` 1.0–2.8 % (L1 of
ζ relative to its change), ``potential_tol=0.01`` 0.1–0.6 %.

Potential solve. The Li body wired to the collector (face-connected cells with σ_e ≥ σ_c = 10⁻² σ_Li that touch the
face y = 0) is one equipotential at the collector's φ_e = 0 (``metal_equipotential``, default on): its φ_e unknowns and
equations leave the Jacobian (identity rows; the current the reaction delivers to it flows to the collector). This
drops the metal's own ohmic potential, at most j_max ℓ/σ_c along a path ℓ inside it (j_max the largest current
density in the metal), i.e. a relative error of η of at most f ℓ/(σ_c R) with f the current focusing and R = |η|/i
≥ ~R_ct the interface's area resistance: 10 · 20 µm/(1.1e5 S/m · 2.4e-3 Ω m²) ≈ 8e-7 for the LNI presets
(i0 = 1 mA/cm²), at any current in the linear kinetic regime. Tested against the resolved-metal solve (σ_Li on the
grid, SuperLU): η, the reaction current and ζ agree to 1e-6 (measured 3e-9). Metal islands not wired to the
collector stay resolved. Holding the metal also removes the 1e9 conductivity contrast from the system: with it,
block-Jacobi smoothed-aggregation AMG converges (66 CG iterations to 1e-8 at 128²; without it, no convergence in 300).

With the optional extra ``fast`` (scikit-sparse: CHOLMOD, LGPL) each Newton step is CG on the Jacobi-scaled coupled
system preconditioned by exact supernodal Cholesky factors of its two diagonal blocks, A_e + D (held metal: identity
rows) and A_ion + D (block Jacobi; ``linear_solver="direct"``, the default): after scaling, the coupling D is small
where the conductors carry the current (≤ 3e-3 on the LNI layers), so CG needs 3-5 iterations. Each block has one
symbolic analysis (METIS) per solver on its full stencil pattern. The electronic block is factorised at every update:
where Li fills a pore its σ_e changes by 1e9 and an earlier factor is useless (> 300 iterations). The ionic block is
static but where Li fills an ion conductor's pore, so its factor is kept across updates (3-5 iterations with a factor
800 steps old at 256²) and refreshed only when CG slows down. CG stops at a charge residual of 10 % of Newton's
threshold (an inexact Newton step: Newton still tests the true residual; module constants ``_BLOCK_*``). Once the held
metal is a quarter of the electronic block, its identity rows are left out of that factor (same elimination order,
restricted). At 256² (lni-5cnt, 10⁴ steps plating 4 µm) an update costs 0.19-0.24 s CPU against 0.40-0.44 s for one
CHOLMOD factorisation of the whole coupled Jacobian (``linear_solver="coupled"``, the previous default, itself 0.42 s
against 1.0 s with SuperLU and the resolved metal), measured side by side at load ~4-5
(``benchmarks/phasefield_electrodeposition.py``); with SuperLU factors 0.32 s against 0.92 s. Without scikit-sparse,
SuperLU factorises the coupled Jacobian with a geometric nested-dissection order. An earlier update's coupled factor
is a poor CG preconditioner even with the metal held (at 128², CG preconditioned by the factor of a solve 70 steps
earlier stalls beyond 300 iterations): the electronic rows of cells that Li fills change by orders of magnitude. 3D grids beyond 40³ use the AMG path, up to 64³ (measured: an lni-5cnt
particle layer at 64³, 1 mA/cm², 25 steps to t = 1412 s, 1.9 µm plated, 25 solves: 167 s CPU, 0.69 GB peak memory,
Faraday error 7e-16; one core shared at load ~10).

Array backends. ``backend="jax"|"cupy"`` runs the ζ update of this section (the DCT step, the Allen–Cahn, pressure and
profile terms, the site densities and the Faraday-scaled source) on JAX (compiled with ``jax.jit``) or CuPy arrays; the
potential solve above stays on the host (SciPy sparse) and ζ crosses to it once per solve
(:mod:`lisse.sim.phasefield.backend`: the design and the measured transfer cost). NumPy (default, float64) runs the same
expressions through a fused kernel (:mod:`lisse.sim.phasefield._fused_step`: preallocated work arrays, per-solve
constants, no temporaries; equal to the generic path to round-off, tested) — 1.5–1.7x faster per step between solves
(256², one core: ~2.2–2.5 ms against ~3.4–4.5 ms, measured side by side under load with
``benchmarks/phasefield_electrodeposition.py --zeta``); float32 runs take the generic path.

Linear stability (validated in the tests): a flat Li front advancing at i into an ohmic ion conductor
σ with linearised kinetics R_ct = 1/(∂i/∂η) is unstable to a mode cos(kx) at the rate
``ω = (V_m/zF) · i · K/(1 + σ K R_ct) − L_σ k_ζ k²`` with K = k tanh(k L) (L: front to the current-feeding
face); the first term is the reaction-limited (ohmic) electrodeposition dispersion relation (derived in the
docstring of :func:`dispersion_growth_rate`; cf. [Sundstrom1995]), the second the model's capillary
relaxation.

References
----------
J. Newman, K. E. Thomas-Alyea, Electrochemical Systems, 3rd ed., Wiley (2004) [Newman2004].
J. Rubinstein, P. Sternberg, IMA J. Appl. Math. 48 (1992) 249, doi:10.1093/imamat/48.3.249 [RubinsteinSternberg1992].
M. Brassel, E. Bretin, Math. Methods Appl. Sci. 34 (2011) 1157, doi:10.1002/mma.1426 [BrasselBretin2011].
L.-G. Sundström, F. H. Bark, Electrochim. Acta 40 (1995) 599 [Sundstrom1995].
Y. Sun, C. Beckermann, J. Comput. Phys. 220 (2007) 626, doi:10.1016/j.jcp.2006.05.025 [SunBeckermann2007].
Wang et al., Nature Energy 9 (2024), doi:10.1038/s41560-023-01426-1 [Wang2024].
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from lisse.citations import Citation, add, register
from lisse.constants import FARADAY, LI_MELTING_POINT, LOWEST_CELL_TEMPERATURE
from lisse.electrochem import butler_volmer, butler_volmer_slope
from lisse.errors import ConvergenceError, ParameterError
from lisse.params import ParamSpec, validate
from lisse.sim.phasefield._fused_step import FusedStep, axpy
from lisse.sim.phasefield.backend import DeviceCache, HostMirror, get_backend, iadd, idiv, isub, masked_sum, set_device
from lisse.sim.phasefield.solver import _dct_symbol, _face_stiffness, laplacian  # one home for both phase-field solvers
from lisse.thermo.wetting import (
    DEFAULT_LI_SURFACE_ENERGY,
    LI_SURFACE_ENERGY_CALIBRATION,
    capillary_pressure,
    li_surface_energy_is_calibrated,
)
from lisse.units import quantity_args

__all__ = [
    "SCHEMA",
    "SOURCES",
    "MAX_CELLS",
    "LI_PERCOLATION",
    "ElectrodepositionSolver",
    "dispersion_growth_rate",
    "current_focusing_factor",
    "penetration_regime",
]

add(Citation("RubinsteinSternberg1992", "J. Rubinstein, P. Sternberg", "Nonlocal reaction-diffusion equations and nucleation",
             "IMA J. Appl. Math. 48, 249-264", 1992, "10.1093/imamat/48.3.249"))
add(Citation("BrasselBretin2011", "M. Brassel, E. Bretin", "A modified phase field approximation for mean curvature flow with conservation of the volume",
             "Math. Methods Appl. Sci. 34, 1157-1180", 2011, "10.1002/mma.1426"))
add(Citation("Sundstrom1995", "L.-G. Sundström, F. H. Bark", "On morphological instability during electrodeposition with a stagnant binary electrolyte",
             "Electrochim. Acta 40, 599-614", 1995, ""))
add(Citation("SunBeckermann2007", "Y. Sun, C. Beckermann", "Sharp interface tracking using the phase-field equation",
             "J. Comput. Phys. 220, 626-653", 2007, "10.1016/j.jcp.2006.05.025"))
add(Citation("Newman2004", "J. Newman, K. E. Thomas-Alyea", "Electrochemical Systems, 3rd ed.", "Wiley, Hoboken", 2004, ""))

#: Largest grid a solver accepts (cells): 2048² or 160³ (the coupled potential system has 2 unknowns a cell).
MAX_CELLS = 2048 * 2048
# 3D: a sparse factorisation of the coupled system fills as n^4.3 and takes time as n^5.5 on an n³ grid (SuperLU,
# measured under load: 16³ 1.6 s / 3.1e6 nonzeros, 24³ 17 s / 1.9e7, 32³ 80 s / 6.5e7); 40³ is ~2 GB and minutes per
# solve, so beyond 40³ the potentials are solved by AMG-preconditioned CG (memory linear in the cells), up to 64³
_MAX_DIRECT_3D = 40**3
_MAX_CELLS_3D = 64**3
# reused-factorisation solve of the potentials (ElectrodepositionSolver._direct_reuse): CG preconditioned by an
# earlier LU factor; relative residual tolerance (of the Jacobi-scaled system), iteration cap, and the iteration
# count of the last solve above which the factor is refreshed before the next one
_PCG_RTOL = 1e-10
_PCG_MAX = 15
_PCG_REFACTOR = 8
# block solve of the potentials (ElectrodepositionSolver._block_solve): CG on the coupled Jacobi-scaled system preconditioned
# by exact CHOLMOD factors of its two diagonal blocks (block Jacobi). The electronic block is factorised at every potential
# update (its rows change by up to 1e9 where Li fills a pore: a kept factor needs > 300 CG iterations); the ionic block's
# factor is kept across updates and refreshed (with the electronic one) only when the last CG needed more than
# _BLOCK_REFACTOR iterations beyond the count of the last solve with a fresh ionic factor (measured at 256², lni-5cnt,
# 1 µA/cm²: 3-5 iterations to 1e-10 with a fresh ionic factor, 3-5 with one kept over 800 steps and 30 updates; one CG
# iteration costs ~1/6 of a block factorisation there).
# CG stops at the Jacobi-scaled relative residual _PCG_RTOL (fixed schedule: the solution then agrees with the coupled
# factorisation to ~1e-9) or, with potential_tol ε, once the linear residual's charge (current created or lost per cell,
# summed, over the applied current: the measure of Newton's stopping test, threshold ε/10) is below _BLOCK_CHARGE · ε/10.
# This is an inexact Newton method (Dembo, Eisenstat, Steihaug, SIAM J. Numer. Anal. 19, 400 (1982)): Newton's test is
# still made on the true nonlinear residual after the step, so the accuracy it guarantees is unchanged; the linear
# residual uses at most 10 % of that threshold (at ε = 0.01: 1e-4 of the applied current), so a single Newton step still
# passes whenever the linearisation error stays below the other 90 %. (256², lni-5cnt: 3-5 CG iterations instead of the
# 6-8 a 1e-3 fraction needs.) More than _BLOCK_MAX iterations with fresh factors: the coupled factorisation of
# _direct_reuse instead (and for the next _BLOCK_SKIP updates).
_BLOCK_REFACTOR = 4
_BLOCK_MAX = 30
_BLOCK_CHARGE = 1e-1
# ... and the fraction of held-metal (identity) rows of the electronic block from which its factor leaves them out (256²,
# CHOLMOD: 16 % held, 0.086 s against 0.093 s, less than the ~15 ms the restricted matrix and its analysis cost; 39 %
# held, 0.07 s against 0.10-0.13 s and triangular solves 3-5 ms against 7 ms)
_BLOCK_HELD = 0.25
_BLOCK_SKIP = 10
# metal equipotential (ElectrodepositionSolver.metal_equipotential): cells whose electronic conductivity is at least this
# fraction of σ_Li and that belong to the metal body touching the collector are held at φ_e = 0 (module notes: error bound)
_METAL_FRACTION = 1e-2
# adaptive potential schedule (``potential_tol``): the most steps between two solves, and the largest change of ζ in any
# cell since the last solve before a solve is forced (a cell that crosses the conduction/percolation switch of
# :meth:`ElectrodepositionSolver.conductivities` changes the potentials where the lagged kinetics cannot see it)
_MAX_INTERVAL = 2000
_ZETA_GUARD = 0.5
# ... and the bounds of the drift guard g (a solve is forced when the lagged kinetics carry a total current more than g off
# the applied one), in units of potential_tol: g adapts from the misplaced current measured at each solve, as the interval
_LAG_GUARD = (1.0, 4.0)

#: Li volume fraction ζ_c [-] below which dispersed Li (sub-resolution nuclei) does not conduct electrons: the
#: percolation threshold 1/d of a random conductor/insulator mixture in the symmetric effective-medium theory, 1/3 in
#: 3D (D. A. G. Bruggeman, Ann. Phys. 24, 636 (1935); R. Landauer, J. Appl. Phys. 23, 779 (1952)); taken in 2D as well
#: (assumed: the 2D value 1/2 is the diffuse front's own mid-point, where the metal starts anyway).
LI_PERCOLATION = 1.0 / 3.0

#: Model parameters (units, ranges); Python numbers are SI.
SCHEMA: dict[str, ParamSpec] = {
    "exchange_current_density": ParamSpec("mA/cm2", "exchange current density i0 of Li|ion conductor contacts and nucleation sites", "1 mA/cm2",
                                          low=0.0, low_inclusive=False),
    "transfer_coefficient": ParamSpec("", "cathodic transfer coefficient alpha", 0.5, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False),
    "temperature": ParamSpec("K", "temperature (200 K up to Li's melting point, 453.65 K: the deposit is solid Li)", 298.15,
                             low=LOWEST_CELL_TEMPERATURE, high=LI_MELTING_POINT),
    "li_surface_energy": ParamSpec("J/m2", "Li surface energy gamma", DEFAULT_LI_SURFACE_ENERGY, low=0.0, high=10.0, low_inclusive=False),
    "contact_angle": ParamSpec("deg", "Young contact angle of Li on the solid", "90 deg", low=0.0, high=math.pi),
    "b_ratio": ParamSpec("", "B/A: solid exclusion strength", 5.0, low=1.0),
    "nucleation_overpotential": ParamSpec("mV", "cathodic overpotential eta_n beyond which Li nucleates on a bare solid surface", "30 mV", low=0.0),
    "nucleation_width": ParamSpec("mV", "width w_n of the smooth nucleation step", "5 mV", low=0.0, low_inclusive=False),
    "stack_pressure": ParamSpec("MPa", "stack pressure p on the Li anode", "0 MPa", low=0.0, high=1e9),
    "li_conductivity": ParamSpec("S/m", "electronic conductivity of Li metal", "1.1e7 S/m", low=0.0, low_inclusive=False),
}

#: Where each default comes from.
SOURCES: dict[str, str] = {
    "exchange_current_density": "assumed: 1 mA/cm2, mid of the Li|solid-electrolyte range 0.1-10 mA/cm2 (Chu2024 review; Su2024 measure 0.69-1.11)",
    "transfer_coefficient": "assumed: symmetric charge transfer",
    "temperature": "Wang2024 (25 degC tests)",
    "li_surface_energy": "calibrated: lisse.thermo.wetting.DEFAULT_LI_SURFACE_ENERGY (fitted to Ji2025's W_ad/theta pair for "
    "Li|Li2CO3: LI_SURFACE_ENERGY_CALIBRATION); reported in calibrated_parameters while it is that value",
    "contact_angle": "assumed: 90 deg (neutral); the lithiophilic/lithiophobic presets set 30/140 deg after Ji2025",
    "b_ratio": "assumed: any B >> driving force keeps Li out of the solid (as the Allen-Cahn presets)",
    "nucleation_overpotential": "assumed: 30 mV, the order of Li nucleation overpotentials on Cu (Yan et al., Nat. Energy 1, 16010 (2016); "
                                "Pei et al., Nano Lett. 17, 1132 (2017): tens of mV)",
    "nucleation_width": "assumed: numerical smoothing of the nucleation step (a sixth of eta_n)",
    "stack_pressure": "Wang2024 cells run at about 1 MPa (presets); 0 here",
    "li_conductivity": "CRC Handbook (Li metal, 1.1e7 S/m at 298 K)",
}

_H2_MAX = 30.0 * 2.0 * ((3 - math.sqrt(3)) / 6) * ((3 + math.sqrt(3)) / 6) * (math.sqrt(3) / 3)  # max|h''|, h' = 30ζ²(1−ζ)²


def _pos(name: str, x: float, unit: str) -> float:
    if not (isinstance(x, (int, float, np.floating)) and math.isfinite(float(x)) and float(x) > 0):
        raise ParameterError(f"parameter '{name}' must be a positive finite number in {unit}; got {x!r}")
    return float(x)


def _grad_norm(a: np.ndarray, dx: float) -> np.ndarray:
    """|∇a| by central differences (one-sided at the faces) [unit of a per m]."""
    g2 = np.zeros_like(a)
    for ax in range(a.ndim):
        g = np.gradient(a, dx, axis=ax)
        g2 += g * g
    return np.sqrt(g2)


def _stiffness(sigma: np.ndarray, dx: float, dirichlet_bottom: bool):
    """Finite-volume −∇·σ∇ [S m-3] (harmonic face means), zero flux except φ = 0 on the bottom face if asked."""
    matrix, _ = _face_stiffness(sigma, dirichlet=("bottom",) if dirichlet_bottom else ())
    return matrix / dx**2


class _Stencil:
    """The fixed CSR pattern of the finite-volume −∇·σ∇ of :func:`_stiffness` on one grid, filled per call without sorting.

    The pattern (every face of the 5-/7-point stencil plus the diagonal; sorted indices, canonical CSR) and the
    position of each face coupling and of each diagonal entry in it are built once; :meth:`matrix` then only
    computes the harmonic face means and scatters them (bincount for the diagonal). Same matrix as :func:`_stiffness`
    (the same face means; the diagonal sums in another order, i.e. equal to round-off).
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        import scipy.sparse as sp

        n = int(np.prod(shape))
        idx = np.arange(n).reshape(shape)
        self.shape, self.n = shape, n
        self.faces: list[tuple[tuple[slice, ...], tuple[slice, ...]]] = []
        fa, fb = [], []
        for ax in range(len(shape)):
            a = [slice(None)] * len(shape)
            b = [slice(None)] * len(shape)
            a[ax], b[ax] = slice(None, -1), slice(1, None)
            self.faces.append((tuple(a), tuple(b)))
            fa.append(idx[tuple(a)].ravel())
            fb.append(idx[tuple(b)].ravel())
        self.fa, self.fb = np.concatenate(fa), np.concatenate(fb)
        nf = self.fa.size
        rows = np.concatenate([self.fa, self.fb, np.arange(n)])
        cols = np.concatenate([self.fb, self.fa, np.arange(n)])
        marker = sp.csr_matrix((np.arange(1, 2 * nf + n + 1, dtype=float), (rows, cols)), shape=(n, n))
        marker.sort_indices()
        self.indptr, self.indices = marker.indptr.copy(), marker.indices.copy()
        self.order = marker.data.astype(np.intp) - 1  # entry k of the CSR data is entry order[k] of [−c, −c, diag]
        self.rows = np.repeat(np.arange(n), np.diff(self.indptr))
        self.diag_pos = np.flatnonzero(self.indices == self.rows)
        self.bottom = idx[0].ravel()

    def data(self, sigma: np.ndarray, dx: float, dirichlet_bottom: bool) -> np.ndarray:
        """CSR data [S m-3] of −∇·σ∇ on the pattern (φ = 0 half a cell below the bottom face if asked)."""
        cf = np.concatenate([(2.0 * sigma[a] * sigma[b] / (sigma[a] + sigma[b])).ravel() for a, b in self.faces])
        diag = np.bincount(self.fa, cf, self.n) + np.bincount(self.fb, cf, self.n)
        if dirichlet_bottom:
            diag[self.bottom] += 2.0 * sigma.reshape(self.n)[self.bottom]
        return np.concatenate([-cf, -cf, diag])[self.order] / dx**2

    def csr(self, data: np.ndarray) -> Any:
        """The CSR matrix with this pattern and ``data`` (the index arrays are shared: do not modify them)."""
        import scipy.sparse as sp

        m = sp.csr_matrix((data, self.indices, self.indptr), shape=(self.n, self.n))
        m.has_sorted_indices = True
        return m

    def csc(self, data: np.ndarray) -> Any:
        """The same matrix as :meth:`csr` in CSC form (the matrices are symmetric: the same arrays, read by columns)."""
        import scipy.sparse as sp

        m = sp.csc_matrix((data, self.indices, self.indptr), shape=(self.n, self.n))
        m.has_sorted_indices = True
        return m


def _block_pcg(es: Any, is_: Any, cs: np.ndarray, b: np.ndarray, prec: Callable[[np.ndarray], np.ndarray], s: np.ndarray,
               atol1: float | None, rtol: float, maxiter: int) -> tuple[np.ndarray, int, bool]:
    """Preconditioned CG on the 2 × 2 block system [[E, diag c], [diag c, I]] y = b (applied block-wise, never assembled).

    Stops when ‖r‖₂ ≤ rtol ‖b‖₂ (the system's own, Jacobi-scaled, residual r) or, given ``atol1``, when the unscaled
    residual r/s has a 1-norm ≤ atol1. Returns (y, iterations, converged).
    """
    n = es.shape[0]
    y = np.zeros_like(b)
    r = b.copy()
    bnorm = float(np.linalg.norm(b))
    if bnorm == 0.0:
        return y, 0, True
    z = prec(r)
    p = z.copy()
    rz = float(r @ z)
    q = np.empty_like(b)
    for k in range(1, maxiter + 1):
        q[:n] = es @ p[:n] + cs * p[n:]
        q[n:] = cs * p[:n] + is_ @ p[n:]
        alpha = rz / float(p @ q)
        y += alpha * p
        r -= alpha * q
        if float(np.linalg.norm(r)) <= rtol * bnorm or (atol1 is not None and float(np.abs(r / s).sum()) <= atol1):
            return y, k, True
        z = prec(r)
        rz_new = float(r @ z)
        p *= rz_new / rz
        p += z
        rz = rz_new
    return y, maxiter, False


def _nested_dissection(shape: tuple[int, ...]) -> np.ndarray:
    """Geometric nested-dissection elimination order of the cells of a regular grid (2D or 3D).

    The grid is cut across its longest axis by a one-cell separator, the halves ordered recursively, the
    separator last (George 1973): the sparse LU fill of a 5-/7-point operator grows as N log N (2D) instead of
    the ~N^1.5 of a band or of COLAMD on a grid.
    """
    idx = np.arange(int(np.prod(shape))).reshape(shape)
    out: list[np.ndarray] = []
    stack: list[tuple[np.ndarray, bool]] = [(idx, False)]
    while stack:  # iterative post-order: children, then the separator
        block, done = stack.pop()
        if done or block.size <= 32:
            out.append(block.ravel())
            continue
        ax = int(np.argmax(block.shape))
        m = block.shape[ax] // 2
        lo = np.take(block, np.arange(m), axis=ax)
        sep = np.take(block, [m], axis=ax)
        hi = np.take(block, np.arange(m + 1, block.shape[ax]), axis=ax)
        stack += [(sep, True), (hi, False), (lo, False)]
    return np.concatenate(out)


def _collector_metal(sig_e: np.ndarray, threshold: float) -> np.ndarray:
    """Cells of the metal body wired to the collector: connected cells with σ_e ≥ threshold touching the face y = 0.

    Face-connected components (the 5-/7-point stencil of the stiffness matrix) of ``sig_e >= threshold`` [S/m]
    that contain a cell of the first row of axis 0, as a boolean mask of the grid.
    """
    from scipy.ndimage import label

    metal = sig_e >= threshold
    if not metal[0].any():
        return np.zeros(sig_e.shape, dtype=bool)
    lab, _ = label(metal)
    ids = np.unique(lab[0][lab[0] > 0])
    return np.isin(lab, ids)


def _cholmod() -> Any:
    """scikit-sparse's CHOLMOD ``analyze`` (supernodal Cholesky), or None when the optional extra is not installed."""
    try:
        from sksparse.cholmod import analyze
    except ImportError:  # optional extra 'fast' (scikit-sparse, LGPL CHOLMOD): SuperLU fallback
        return None
    return analyze


#: Smallest non-zero plating current the solver takes [A m-2] (1e-13 mA/cm2, far below any cycler's resolution): below
#: it the cell currents underflow (1e-320 A/m2 once divided the charge balance by 0, found by the CLI property test).
MIN_CURRENT_DENSITY = 1e-12


class ElectrodepositionSolver:
    """Li electrodeposition into an interlayer with empty pores: ζ coupled to ionic and electronic potentials.

    See the module notes for the equations. Galvanostatic: the applied current density is delivered
    exactly (Faraday), its distribution follows the two potentials.

    Parameters
    ----------
    micro : Microstructure
        :class:`lisse.sim.phasefield.microstructure.Microstructure` (or any object with ``dx`` [m], ``solid``,
        ``electrolyte``, ``li0``, ``sigma_ion`` and ``sigma_e`` [S m-1] arrays or scalars, ``axis`` = 0; optional
        ``layer_bottom``/``layer_top`` [m]).
    params : dict, optional
        Model parameters (keys of :data:`SCHEMA`; numbers SI, or strings/quantities with units).
    current_density : float
        Applied plating current density [A m-2] (>= 0; 0 runs capillarity and pressure only).
    interface_width : float, optional
        Diffuse interface width δ [m]; default 1.5 dx.
    electrolyte_blocks : bool, default True
        Li cannot grow into the dense electrolyte (a solid); False makes it a liquid-like ion conductor that
        Li displaces (linear-stability test geometry).
    potential_every : int, default 4
        Number of steps between potential solves (fixed schedule); with ``potential_tol`` the first interval only.
    potential_tol : float, optional
        Error-controlled (adaptive) potential schedule [-] (dimensionless): the potentials are re-solved when the
        reaction current the lagged kinetics put on the moving sites is expected to differ from a fresh solve by this
        fraction of the applied current (L1, measured at every solve as ``potential_info["misplaced_current"]``; the
        interval to the next solve grows or shrinks with the ratio tolerance/measured, at most
        2000 steps), or when ζ changed by more than 0.5 in any cell since the last solve. Each solve
        then stops Newton once the charge residual is below a tenth of the tolerance (usually after one
        step: Butler–Volmer linearised about the last solution) and uses CG tolerance 1e-8 on the reused factor. Default
        None: the fixed schedule ``potential_every``.
    max_dzeta : float, default 0.05
        Largest change of ζ by the reaction in one step [-] (dimensionless): bounds Δt.
    cfl : float, default 0.5
        Δt as a fraction of the explicit limit of the capillary terms [-] (dimensionless).
    dt_max : float, optional
        Upper bound of Δt [s].
    newton_tol : float, default 1e-6
        Newton stops when the largest update of η = φ_e − φ_ion at reaction sites is below this [V].
    linear_solver : {"auto", "direct", "coupled", "superlu", "amg"}, default "auto"
        Linear solver of each Newton step ("auto": sparse direct up to 300 000 unknowns (150 000 cells) in 2D and 40³ in
        3D: "direct", CG on the coupled system preconditioned by exact factors of its two diagonal blocks (CHOLMOD Cholesky
        with scikit-sparse installed, optional extra ``fast``, else SuperLU; the ionic one kept across updates; the coupled
        factorisation when CG stalls); "coupled" factorises the whole coupled system (CHOLMOD supernodal Cholesky with one
        symbolic analysis per solver, the previous default, else SuperLU), "superlu" always with SuperLU in nested-dissection
        order; either reused as CG preconditioner over the Newton steps of one update. Beyond that CG preconditioned by
        one smoothed-aggregation AMG hierarchy per potential (block Jacobi; "amg"), falling back to SuperLU when CG stalls,
        except in 3D beyond 40³).
    dtype : {"float64", "float32"}, default "float64"
        Precision of the ζ update.
    backend : {"numpy", "jax", "cupy"}, default "numpy"
        Array backend of the ζ update, site densities and reaction source (:mod:`lisse.sim.phasefield.backend`; the
        potential solve stays on the host). ``zeta``, ``R`` and ``reaction_current`` then read as read-only NumPy
        copies; assign a new array to change them.
    metal_equipotential : bool, default True
        Hold the Li metal wired to the collector (σ_e ≥ 10⁻² σ_Li) at φ_e = 0 instead of resolving its ohmic drop (module
        notes: relative error of η below ~1e-6; False is the previous, resolved and ill-conditioned, solve).
    calibrated_parameters : dict, optional
        Parameters in ``params`` whose value was fitted to an observation: name -> that observation. Reported
        by :meth:`metrics` (and kept by :meth:`state`) so that no output uses them as evidence for what they were fitted to.

    Raises
    ------
    ParameterError
        Inconsistent arrays, a grid beyond :data:`MAX_CELLS` (64³ in 3D; 40³ for the direct solvers), an axis other than 0,
        a parameter out of range, or an unknown backend.
    MissingDependencyError
        ``backend`` is "jax" or "cupy" and that package is not installed (extra ``gpu``).

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    J. Rubinstein, P. Sternberg, Nonlocal reaction-diffusion equations and nucleation, IMA J. Appl. Math. 48, 249-264 (1992), doi:10.1093/imamat/48.3.249.
    M. Brassel, E. Bretin, A modified phase field approximation for mean curvature flow with conservation of the volume, Math. Methods Appl. Sci. 34, 1157-1180 (2011), doi:10.1002/mma.1426.
    Y. Sun, C. Beckermann, Sharp interface tracking using the phase-field equation, J. Comput. Phys. 220, 626-653 (2007), doi:10.1016/j.jcp.2006.05.025.
    J. Newman, K. E. Thomas-Alyea, Electrochemical Systems, 3rd ed., Wiley (2004).
    """

    kind = "electrodeposition"
    # fields on the backend's arrays, read on the host as NumPy (lisse.sim.phasefield.backend.HostMirror)
    zeta = HostMirror()
    R = HostMirror()
    reaction_current = HostMirror()
    _dev_zeta: Any  # their device arrays (set by HostMirror / set_device)
    _dev_R: Any
    _dev_reaction_current: Any

    def __init__(self, micro: Any, params: dict | None = None, *, current_density: float, interface_width: float | None = None,
                 electrolyte_blocks: bool = True, potential_every: int = 4, potential_tol: float | None = None, max_dzeta: float = 0.05,
                 cfl: float = 0.5, dt_max: float | None = None, newton_tol: float = 1e-6, linear_solver: str = "auto",
                 dtype: str = "float64", backend: str = "numpy", metal_equipotential: bool = True,
                 calibrated_parameters: dict[str, str] | None = None) -> None:
        from lisse.sim.phasefield.model import coefficients_from_physical

        register("Wang2024", "RubinsteinSternberg1992", "BrasselBretin2011", "SunBeckermann2007", "Newman2004")
        if dtype not in ("float64", "float32"):
            raise ParameterError(f"parameter 'dtype' must be 'float64' or 'float32'; got {dtype!r}")
        if linear_solver not in ("auto", "direct", "coupled", "superlu", "amg"):
            raise ParameterError(f"parameter 'linear_solver' must be auto, direct, coupled, superlu or amg; got {linear_solver!r}")
        if int(getattr(micro, "axis", 0)) != 0:
            raise ParameterError(f"the growth axis must be 0; got axis={micro.axis!r}")
        self._bk = get_backend(backend)
        self.backend = backend
        self._dc = DeviceCache(self._bk)
        self._update_fn: Callable[..., Any] | None = None  # _spectral_update and _source, compiled on JAX
        self._source_fn: Callable[..., Any] | None = None
        self.micro = micro
        self.dx = _pos("dx", micro.dx, "m")
        z0 = np.array(micro.li0, dtype=float)
        if z0.ndim not in (2, 3):
            raise ParameterError(f"the microstructure must be 2D or 3D; got {z0.ndim}D")
        if z0.size > MAX_CELLS:
            raise ParameterError(f"grid {z0.shape} has {z0.size} cells; the limit is {MAX_CELLS} (2048² or 160³: memory of the coupled potential solve)")
        if z0.ndim == 3 and z0.size > _MAX_CELLS_3D:
            raise ParameterError(f"3D grid {z0.shape} has {z0.size} cells; the limit is {_MAX_CELLS_3D} (64³): each potential solve runs "
                                 "AMG-preconditioned CG on 2 unknowns a cell (~1 min per solve at 64³ on one core)")
        if z0.ndim == 3 and z0.size > _MAX_DIRECT_3D and linear_solver in ("direct", "coupled", "superlu"):
            raise ParameterError(f"3D grid {z0.shape} has {z0.size} cells; the limit of linear_solver={linear_solver!r} is {_MAX_DIRECT_3D} "
                                 "(40³: the sparse factor of the coupled system needs ~2 GB and minutes there); use 'auto' or 'amg'")
        shape = z0.shape

        def field_of(name: str, value) -> np.ndarray:
            a = np.broadcast_to(np.asarray(value, dtype=float), shape).copy() if np.ndim(value) == 0 or np.shape(value) == shape else None
            if a is None:
                raise ParameterError(f"microstructure field '{name}' has shape {np.shape(value)}; expected {shape}")
            if not np.all(np.isfinite(a)):
                raise ParameterError(f"microstructure field '{name}' must be finite")
            return a

        self.solid = np.clip(field_of("solid", micro.solid), 0.0, 1.0)
        el_mask = field_of("electrolyte", micro.electrolyte) > 0.5
        self.sigma_ion_solid = field_of("sigma_ion", micro.sigma_ion)
        self.sigma_e_solid = field_of("sigma_e", micro.sigma_e)
        if np.any(self.sigma_ion_solid < 0) or np.any(self.sigma_e_solid < 0):
            raise ParameterError("microstructure conductivities 'sigma_ion'/'sigma_e' must be >= 0 S/m")
        i_app = float(current_density)
        if not (math.isfinite(i_app) and i_app >= 0):
            raise ParameterError(f"parameter 'current_density' must be a plating current >= 0 A/m2; got {current_density!r}")
        if 0 < i_app < MIN_CURRENT_DENSITY:  # a subnormal current underflowed the charge balance to 0 (ZeroDivisionError)
            raise ParameterError(f"parameter 'current_density' must be 0 or at least {MIN_CURRENT_DENSITY:g} A/m2 "
                                 f"({MIN_CURRENT_DENSITY / 10:g} mA/cm2); got {i_app!r} A/m2")
        self.current_density = i_app
        self.p = validate(SCHEMA, params or {}, "the electrodeposition model")
        self.calibrated_parameters = {str(k): str(v) for k, v in (calibrated_parameters or {}).items()}
        if li_surface_energy_is_calibrated(self.p["li_surface_energy"]):  # sigma_Li's default (or it typed in) is fitted
            self.calibrated_parameters.setdefault("li_surface_energy", LI_SURFACE_ENERGY_CALIBRATION)
        else:  # the user's own sigma: a label handed over (a preset's, a checkpoint's) no longer applies
            self.calibrated_parameters.pop("li_surface_energy", None)
        delta = 1.5 * self.dx if interface_width is None else _pos("interface_width", interface_width, "m")
        from lisse.sim.phasefield.geometry import smooth_indicator

        self.electrolyte = smooth_indicator(el_mask, self.dx, delta) if el_mask.any() else np.zeros(shape)
        self.electrolyte_blocks = bool(electrolyte_blocks)
        self.phi_g = np.clip(self.solid + (self.electrolyte if self.electrolyte_blocks else 0.0), 0.0, 1.0)
        self.c = coefficients_from_physical(
            math.degrees(self.p["contact_angle"]), li_surface_energy=self.p["li_surface_energy"], interface_width=delta,
            exchange_current_density=self.p["exchange_current_density"], particle_width=delta, b_ratio=self.p["b_ratio"],
            transfer_coefficient=self.p["transfer_coefficient"], temperature=self.p["temperature"], sigma_li=self.p["li_conductivity"],
            calibration_h=self.dx)
        self.molar_volume = self.c.molar_volume
        self.dtype = np.dtype(dtype)
        self.zeta = z0.astype(self.dtype)
        self.zeta0 = z0.copy()
        self.t = 0.0
        self.step_count = 0
        self.charge_passed = 0.0
        self.reservoir_inflow_m = 0.0
        self.potential_every = int(potential_every)
        if self.potential_every < 1:
            raise ParameterError(f"parameter 'potential_every' must be >= 1; got {potential_every!r}")
        self.max_dzeta = _pos("max_dzeta", max_dzeta, "")
        self.newton_tol = _pos("newton_tol", newton_tol, "V")
        self.potential_tol = None if potential_tol is None else _pos("potential_tol", potential_tol, "")
        if self.potential_tol is not None and self.potential_tol >= 1.0:
            raise ParameterError(f"parameter 'potential_tol' must be a fraction of the applied current in (0, 1); got {potential_tol!r}")
        # adaptive schedule state: step of the last solve, interval to the next one, ζ at the last solve, and the ratio
        # (applied / carried) by which the lagged kinetics were last rescaled
        self._solve_step = 0
        self._interval = self.potential_every
        self._zeta_solved = np.array(z0, dtype=self.dtype)
        self._lag_scale = 1.0
        self._lag_guard = _LAG_GUARD[0]
        self._lag_guard_bounds = _LAG_GUARD
        self.potential_solves = 0
        self.linear_solver = linear_solver
        self.metal_equipotential = bool(metal_equipotential)
        self._dt_max = None if dt_max is None else _pos("dt_max", dt_max, "s")
        c = self.c
        self._k2 = _dct_symbol(shape, self.dx)
        self._den: np.ndarray | None = None
        self.profile_mobility = 0.0
        self._ac_rate = c.L_sigma * (2.0 * c.A + c.B * float((self.phi_g**2).max()))
        self._cfl = _pos("cfl", cfl, "")
        self._wet = (-c.L_sigma * c.k_li * laplacian(self.phi_g, self.dx)).astype(self.dtype)
        self._LsB = (c.L_sigma * c.B * self.phi_g**2).astype(self.dtype)
        self._sigma_el = float(np.max(self.sigma_ion_solid[el_mask])) if el_mask.any() else float(np.max(self.sigma_ion_solid))
        self._floor = 1e-8 * max(self._sigma_el, 1e-12)
        self._area_cells = int(np.prod(shape[1:]))
        # static site fields. Li front cells within ~δ of an ion conductor (the Li|solid|pore contact line), on the
        # free side (1 − φ_g): plated Li goes into free space, never into the solid. Free solid surface for
        # nucleation: 2|∇s|(1 − s) (∫ dn = 1 across a wall), not on the electrolyte.
        from scipy.ndimage import gaussian_filter

        if self.electrolyte_blocks:
            cond = np.clip(self.solid + self.electrolyte, 0.0, 1.0)
            self._near_ion = np.clip(2.0 * gaussian_filter(cond, delta / self.dx, mode="nearest"), 0.0, 1.0)
        else:
            self._near_ion = np.ones(shape)
        self._free = 1.0 - self.phi_g  # volume a cell offers to Li (pore + Li); the solid and a blocking electrolyte take none
        self._surface = 2.0 * _grad_norm(self.solid, self.dx) * (1.0 - self.electrolyte)
        self.phi_e = np.zeros(shape)
        self.phi_ion = np.zeros(shape)
        self.R = np.zeros(shape, dtype=self.dtype)
        self._ibv = np.zeros(shape, dtype=self.dtype)
        self._ibv_nuc = np.zeros(shape, dtype=self.dtype)
        self.reaction_current = np.zeros(shape)  # q [A m-3], anodic > 0
        # NaN until a potential solve measures it (zero current never solves): never a "perfect" 0.0 (audit s49)
        self.charge_balance_error = math.nan
        self.potential_info: dict = {}
        self._islands = np.zeros(shape, dtype=bool)
        self._ml: Any = None
        self._lu: Any = None  # reused SuperLU factor of the scaled Jacobian (see _direct_reuse) and its scaling
        self._lu_s = np.ones(0)
        self._lu_iters = 0
        self._lu_update = -1
        self._perm: np.ndarray | None = None
        self._symbolic: Any = None  # CHOLMOD symbolic factor of the fixed Jacobian pattern (analysed once per solver)
        self._stencil: _Stencil | None = None  # CSR pattern of the stiffness matrices (built once)
        # block solve (_block_solve): CHOLMOD factors of the electronic and ionic blocks (one symbolic analysis each, on the
        # full stencil pattern), the scaling each was factorised with, the update of the electronic one, the iterations
        # of the last CG, and the number of updates to leave to the coupled factorisation after a block failure
        self._chol: dict[str, Any] = {}  # CHOLMOD factors of the blocks "e" and "i" (analysed once, factorised in place)
        self._chol_order: dict[str, np.ndarray] = {}  # their fill-reducing orders
        self._nd_order: np.ndarray | None = None  # nested-dissection order of the cells (SuperLU blocks)
        self._fe: Callable[[np.ndarray], np.ndarray] | None = None  # solves with the current block factors
        self._fi: Callable[[np.ndarray], np.ndarray] | None = None
        self._fe_s = np.ones(0)
        self._fi_s = np.ones(0)
        self._fe_update = -1
        self._blk_iters = 0
        self._blk_base = 0
        self._blk_skip = 0
        self._entry_width: float | None = None  # breakthrough pore width of the layer (pore_entry), computed once
        # NumPy float64: the fused kernel of the ζ update (same expressions, preallocated arrays; _fused_step notes);
        # None runs the backend-generic reference path (JAX, CuPy, float32, or set by hand to compare)
        self._fused: FusedStep | None = FusedStep(self) if self._bk.is_numpy and self.dtype == np.float64 else None
        if self.current_density > 0:
            self.update_potential()
        self._update_islands()
        self._set_dt()

    # ------------------------------------------------------------------ parameters / fields
    @property
    def pressure(self) -> float:
        """Stack pressure p [Pa]."""
        return self.p["stack_pressure"]

    @property
    def potential_solver(self) -> str | None:
        """The linear solver of the last potential solve, for reports; None before the first solve.

        ``"amg"`` (AMG-preconditioned CG), or ``"direct"`` with the factorisation behind it, e.g.
        ``"direct (cholmod-block)"`` (block-Jacobi CG on exact block factors) or ``"direct (superlu)"``.
        """
        method = self.potential_info.get("linear_solver")
        kind = self.potential_info.get("factorisation")
        if method == "direct" and kind:
            return f"direct ({kind})"
        return method

    def _h(self, z: np.ndarray) -> np.ndarray:
        zc = np.clip(z, 0.0, 1.0)
        return zc**3 * (10.0 - 15.0 * zc + 6.0 * zc * zc)

    def conductivities(self) -> tuple[np.ndarray, np.ndarray]:
        """Electronic and ionic conductivity fields (σ_e, σ_ion) [S/m] of the current state (module notes).

        Returns
        -------
        tuple of numpy.ndarray
            σ_e and σ_ion [S m-1] on the grid.
        """
        from scipy.ndimage import grey_dilation

        z = self.zeta.astype(float)
        h = self._h(z)
        host_e = self.solid * self.sigma_e_solid + self._floor
        # linear in h (a geometric mean would pin the reaction zone to grid cells and distort current focusing), but
        # Li conducts only where ζ > 0.03: the exponential tail of the diffuse profile (ζ ~ 1e-3 a few δ away would
        # still be 1e2 S/m) must not wire up an electron-blocking layer
        he = h * np.clip((z - 0.01) / 0.02, 0.0, 1.0)
        # percolation: Li conducts as a metal only where it belongs to a resolved Li body (ζ ≥ ζ_c somewhere within
        # 3δ: the front and its diffuse shell, a grown nucleus); sub-resolution nuclei (ζ < ζ_c all around) are
        # dispersed clusters that do not carry electrons between them, or they would wire a poorly electronic
        # layer to the anode potential and spread nucleation through all of it
        r = max(1, int(math.ceil(3.0 * self.c.delta / self.dx)))
        z_body = grey_dilation(z, size=(2 * r + 1,) * z.ndim, mode="nearest")
        he = he * np.clip((z_body - LI_PERCOLATION) / (0.5 - LI_PERCOLATION), 0.0, 1.0)
        sig_e = he * self.c.sigma_li + (1.0 - he) * host_e
        el = self.electrolyte
        ion = self.solid * self.sigma_ion_solid + el * self.sigma_ion_solid * (1.0 - self.solid)
        if not self.electrolyte_blocks:
            ion = ion * (1.0 - h)
        return sig_e, ion + self._floor

    def site_densities(self) -> tuple[np.ndarray, np.ndarray]:
        """Reaction-site area densities (a_Li, a_nuc) [1/m] of the current state (module notes).

        Returns
        -------
        tuple of numpy.ndarray
            a_Li (Li|ion-conductor contact) and a_nuc (free solid surface) [m-1].
        """
        return self._sites(np, self.zeta, self._free, self._near_ion, self._surface)

    def _sites(self, xp: Any, zeta: Any, free: Any, near_ion: Any, surface: Any) -> tuple[Any, Any]:
        """(a_Li, a_nuc) [1/m] on the arrays of namespace ``xp`` (NumPy on the host, or the ζ-update backend)."""
        z = xp.clip(zeta.astype(float), 0.0, 1.0)
        # the room a cell has left for new Li, r = max(1 − φ_g − ζ, 0): plated Li fills the free (pore) volume of a
        # cell and no more (in free space r = 1 − ζ). Without it a wall cell kept plating after its pore volume was
        # full, and ~30 % of the deposit ended up inside the solid (the B exclusion relaxes far slower than plating)
        room = xp.clip(free - z, 0.0, 1.0)
        a_li = (math.sqrt(2.0) / self.c.delta) * z * room * near_ion  # |∇ζ| of the equilibrium profile: ∫ a_li dn = 1
        a_nuc = surface * room
        return a_li, a_nuc

    # ------------------------------------------------------------------ potentials
    def _reaction(self, eta: np.ndarray, a_li: np.ndarray, a_nuc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self.p
        ibv, n = self._kinetics(eta)
        dibv = butler_volmer_slope(eta, p["exchange_current_density"], 1.0 - p["transfer_coefficient"], p["transfer_coefficient"],
                                   p["temperature"], max_exponent=60.0)
        wn = p["nucleation_width"]
        arg = np.clip((-eta - p["nucleation_overpotential"]) / wn, -40.0, 40.0)
        dn = -0.5 / np.cosh(arg) ** 2 / wn
        q = ibv * (a_li + a_nuc * n)
        dq = np.maximum(dibv * (a_li + a_nuc * n) + ibv * a_nuc * dn, 0.0)
        return q, dq

    def _linear_solve(self, J, r: np.ndarray) -> np.ndarray:
        import scipy.sparse as sp
        import scipy.sparse.linalg as spla

        d = J.diagonal()
        s = 1.0 / np.sqrt(d)
        S = sp.diags(s)
        Js = (S @ J @ S).tocsc()
        b = r * s
        method = self.linear_solver
        if method == "auto":
            method = "direct"
            if J.shape[0] > 300_000 or (self.zeta.ndim == 3 and self.zeta.size > _MAX_DIRECT_3D):
                try:
                    import pyamg  # noqa: F401

                    method = "amg"
                except ImportError:
                    method = "direct"
        if method == "amg":
            import pyamg

            n = Js.shape[0] // 2
            if self._ml is None:  # block-Jacobi: one smoothed-aggregation hierarchy per potential (the coupled
                # system converges ~8x slower under one hierarchy); rebuilt at each potential update
                Jr = Js.tocsr()
                self._ml = [pyamg.smoothed_aggregation_solver(Jr[:n, :n].tocsr(), symmetry="hermitian", max_coarse=300),
                            pyamg.smoothed_aggregation_solver(Jr[n:, n:].tocsr(), symmetry="hermitian", max_coarse=300)]
            pe_, pi_ = self._ml[0].aspreconditioner(), self._ml[1].aspreconditioner()
            M = spla.LinearOperator(Js.shape, lambda v: np.concatenate([pe_ @ v[:n], pi_ @ v[n:]]))
            x, info = spla.cg(Js, b, rtol=1e-10, maxiter=200, M=M)
            if info != 0:
                self._ml = None
                if self.zeta.ndim == 3 and self.zeta.size > _MAX_DIRECT_3D:
                    raise ConvergenceError(f"electrodeposition potential solve: AMG-preconditioned CG did not reach 1e-10 in 200 iterations "
                                           f"on the {self.zeta.shape} grid, beyond the {_MAX_DIRECT_3D}-cell limit of the direct fallback")
                x = spla.spsolve(Js, b)
                method = "direct"
        else:
            x = self._direct_reuse(Js, b, s)
        self.potential_info["linear_solver"] = method
        return x * s

    def _direct_reuse(self, Js, b: np.ndarray, s: np.ndarray) -> np.ndarray:
        """Solve the Jacobi-scaled system ``Js y = b`` with a reused sparse LU factorisation.

        The factorisation of an earlier Jacobian (of this or of a previous potential update: the sites move little
        between updates) preconditions CG on the current one (the Jacobian is symmetric positive definite: two
        conduction stiffness matrices plus the positive semi-definite Butler–Volmer coupling). When CG needs more
        than ``_PCG_MAX`` iterations, or the last solve needed more than ``_PCG_REFACTOR`` (the factor has gone
        stale), the current Jacobian is factorised afresh (SuperLU, the two potentials
        of a cell side by side, cells in geometric nested-dissection order, symmetric mode: the system is SPD) and solved directly.
        """
        import scipy.sparse.linalg as spla

        info = self.potential_info
        # adaptive schedule: solves lie tens of steps apart, over which cells switch between metal and pore (a 1e9 change
        # of their conductivity), so an earlier update's factor needs more CG iterations than a fresh factorisation
        # costs; it is reused only within the Newton iterations of one update
        fresh = self.potential_tol is None or self._lu_update == self.potential_solves
        if self._lu is not None and self._lu_iters <= _PCG_REFACTOR and fresh:
            lu, w = self._lu, self._lu_s / s  # Js⁻¹ ≈ S⁻¹ S_old Js_old⁻¹ S_old S⁻¹

            def prec(v: np.ndarray) -> np.ndarray:
                return w * lu.solve(w * v)

            count = [0]

            def cb(_x: np.ndarray) -> None:
                count[0] += 1

            M = spla.LinearOperator(Js.shape, prec)
            rtol = _PCG_RTOL if self.potential_tol is None else 1e-8
            y, ok = spla.cg(Js, b, rtol=rtol, maxiter=_PCG_MAX, M=M, callback=cb)
            self._lu_iters = count[0]
            info["pcg_iterations"] = info.get("pcg_iterations", 0) + count[0]
            if ok == 0:
                return y
        n = Js.shape[0] // 2
        analyze = _cholmod() if self.linear_solver in ("auto", "direct", "coupled") else None
        if analyze is not None:
            from sksparse.cholmod import CholmodError

            if self._symbolic is None:
                # one symbolic analysis per solver: every Jacobian's pattern lies inside that of the full 5-/7-point
                # stencils of both potentials plus the full coupling diagonals (CHOLMOD factorises a matrix whose
                # pattern is a subset of the analysed one), so each solve pays only the numeric factorisation
                import scipy.sparse as sp

                a = _stiffness(np.ones(self.zeta.shape), 1.0, True)
                eye = sp.identity(n, format="csr")
                template = sp.bmat([[a + eye, -eye], [-eye, a + eye]], format="csc")
                try:
                    self._symbolic = analyze(template, mode="supernodal", ordering_method="metis")
                except CholmodError:  # a CHOLMOD built without METIS
                    self._symbolic = analyze(template, mode="supernodal", ordering_method="amd")
            factor = self._symbolic
            try:
                factor.cholesky_inplace(Js.tocsc())
            except CholmodError:  # not numerically positive definite: the pivoting LU below
                self._symbolic = None
            else:
                class _Cholesky:
                    def solve(self, v: np.ndarray) -> np.ndarray:
                        return factor(v)

                self._lu = _Cholesky()
                self._lu_s = s.copy()
                self._lu_iters = 0
                self._lu_update = self.potential_solves
                info["factorisations"] = info.get("factorisations", 0) + 1
                info["factorisation"] = "cholmod"
                return self._lu.solve(b)
        if self._perm is None or self._perm.size != 2 * n:  # both potentials of a cell side by side, cells nested-dissected
            order = _nested_dissection(self.zeta.shape)
            self._perm = np.empty(2 * n, dtype=np.intp)
            self._perm[0::2] = order
            self._perm[1::2] = order + n
        perm = self._perm
        Jp = Js.tocsr()[perm][:, perm].tocsc()
        lu = spla.splu(Jp, permc_spec="NATURAL", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
        pinv = np.empty_like(perm)
        pinv[perm] = np.arange(perm.size)

        class _Permuted:  # the factor in the original unknown order
            def solve(self, v: np.ndarray) -> np.ndarray:
                return lu.solve(v[perm])[pinv]

        self._lu = _Permuted()
        self._lu_s = s.copy()
        self._lu_iters = 0
        self._lu_update = self.potential_solves
        info["factorisations"] = info.get("factorisations", 0) + 1
        info["factorisation"] = "superlu"
        return self._lu.solve(b)

    def _solve_method(self) -> str:
        """The linear solver of this update: "block" (the CHOLMOD block path), "amg", or "coupled" (:meth:`_linear_solve`)."""
        method = self.linear_solver
        if method == "auto":
            method = "direct"
            if 2 * self.zeta.size > 300_000 or (self.zeta.ndim == 3 and self.zeta.size > _MAX_DIRECT_3D):
                try:
                    import pyamg  # noqa: F401

                    method = "amg"
                except ImportError:
                    method = "direct"
        if method == "direct":
            method = "block" if self._blk_skip == 0 else "coupled"
        return method

    def _block_factor(self, which: str, data: np.ndarray, keep: np.ndarray | None = None) -> Callable[[np.ndarray], np.ndarray]:
        """Factorise one diagonal block (CSR ``data`` on :attr:`_stencil`'s pattern, SPD); returns its solve.

        CHOLMOD (scikit-sparse): one supernodal symbolic analysis (METIS) per block and solver on the full stencil
        pattern, numeric factorisation in place. Without it: SuperLU in symmetric mode on the cells in geometric
        nested-dissection order. ``keep`` (bool per row): the other rows are identity rows (the held metal, Jacobi-scaled);
        when they are at least ``_BLOCK_HELD`` of the block, the factor covers only the kept rows, in the same elimination
        order restricted to them (CHOLMOD: a symbolic analysis in that given order per call, ~5 ms at 256²), and the
        solve passes the identity rows through. Raises ``ArithmeticError`` when the block is not numerically positive
        definite.
        """
        import scipy.sparse.linalg as spla

        st = self._stencil
        assert st is not None
        analyze = _cholmod()
        if analyze is not None:
            from sksparse.cholmod import CholmodError

            if which not in self._chol:
                template = st.csc(st.data(np.ones(st.shape), 1.0, True))  # every entry of the stencil, positive definite
                try:
                    self._chol[which] = analyze(template, mode="supernodal", ordering_method="metis")
                except CholmodError:  # a CHOLMOD built without METIS
                    self._chol[which] = analyze(template, mode="supernodal", ordering_method="amd")
                self._chol_order[which] = np.asarray(self._chol[which].P())
            factor = self._chol[which]
            try:
                if keep is None or keep.mean() > 1.0 - _BLOCK_HELD:
                    factor.cholesky_inplace(st.csc(data))
                    return factor
                base = self._chol_order[which]
                order = base[keep[base]]
                a = st.csr(data)[order][:, order].tocsc()
                part = analyze(a, mode="supernodal", ordering_method="natural")
                part.cholesky_inplace(a)
            except CholmodError as exc:
                raise ArithmeticError(str(exc)) from exc

            def solve_part(v: np.ndarray) -> np.ndarray:
                out = v.copy()
                out[order] = part(v[order])
                return out

            return solve_part
        if self._nd_order is None:
            self._nd_order = _nested_dissection(st.shape)
        perm = self._nd_order
        if keep is not None and keep.mean() <= 1.0 - _BLOCK_HELD:
            perm = perm[keep[perm]]
        try:
            lu = spla.splu(st.csr(data)[perm][:, perm].tocsc(), permc_spec="NATURAL", diag_pivot_thresh=0.0,
                           options={"SymmetricMode": True})
        except RuntimeError as exc:  # exactly singular
            raise ArithmeticError(str(exc)) from exc

        def solve(v: np.ndarray) -> np.ndarray:
            out = v.copy()
            out[perm] = lu.solve(v[perm])
            return out

        return solve

    def _block_solve(self, eh: np.ndarray, ai: np.ndarray, dq: np.ndarray, keep_e: np.ndarray, rhs: np.ndarray,
                     atol1: float | None) -> np.ndarray | None:
        """One Newton step's linear solve by CG with exact block-Jacobi factors (the default, ``linear_solver="direct"``).

        The Jacobian [[A_e + D, −D], [−D, A_ion + D]] (held metal: identity rows/columns in the electronic block; ``eh``
        and ``ai`` the CSR data of A_e with those rows and of A_ion on :attr:`_stencil`'s pattern) is Jacobi-scaled to
        unit diagonal; its coupling is then D/√((A_e + D)_kk (A_ion + D)_kk), small where the conductors carry the
        current (≤ 3e-3 on the LNI layers), so CG preconditioned by the two diagonal blocks' factors
        (:meth:`_block_factor`: CHOLMOD, else SuperLU) converges in a few iterations; each block factorises in ~0.25 of
        the coupled system's time (256², CHOLMOD: 0.09 s vs 0.39 s). The electronic factor is fresh at each update; the
        ionic one is kept across updates (σ_ion is static but where Li fills an ion conductor's pore, which the kept
        factor preconditions well: module constants ``_BLOCK_*``). Returns the Newton update, or None when CG fails
        with fresh factors or a block is not numerically positive definite (the caller then factorises the coupled
        system).
        """
        st = self._stencil
        assert st is not None
        n, dp, info = st.n, st.diag_pos, self.potential_info
        e = eh.copy()
        e[dp] += keep_e * dq
        i = ai.copy()
        i[dp] += dq
        se, si = 1.0 / np.sqrt(e[dp]), 1.0 / np.sqrt(i[dp])
        e *= se[st.rows] * se[st.indices]
        i *= si[st.rows] * si[st.indices]
        es, is_ = st.csr(e), st.csr(i)
        cs = -keep_e * dq * se * si
        s = np.concatenate([se, si])
        b = rhs * s
        stale = self._blk_iters > self._blk_base + _BLOCK_REFACTOR
        fresh_e = self._fe is None or self._fe_update != self.potential_solves or stale
        fresh_i = self._fi is None or stale
        kind = "cholmod-block" if _cholmod() is not None else "superlu-block"
        for _ in range(2):
            try:
                if fresh_e:
                    self._fe, self._fe_s, self._fe_update = self._block_factor("e", e, keep_e > 0), se.copy(), self.potential_solves
                    info["factorisations"] = info.get("factorisations", 0) + 1
                if fresh_i:
                    self._fi, self._fi_s = self._block_factor("i", i), si.copy()
                    info["factorisations"] = info.get("factorisations", 0) + 1
            except ArithmeticError:  # not numerically positive definite: the coupled path (its own fallback: pivoting LU)
                self._fe = self._fi = None
                break
            fe, fi = self._fe, self._fi
            assert fe is not None and fi is not None
            we, wi = self._fe_s / se, self._fi_s / si  # a factor of S_old A_old S_old preconditions S A S

            def prec(v: np.ndarray, fe: Any = fe, fi: Any = fi, we: np.ndarray = we, wi: np.ndarray = wi) -> np.ndarray:
                out = np.empty_like(v)
                out[:n] = we * fe(we * v[:n])
                out[n:] = wi * fi(wi * v[n:])
                return out

            y, its, ok = _block_pcg(es, is_, cs, b, prec, s, atol1, _PCG_RTOL, _BLOCK_MAX)
            self._blk_iters = its
            if fresh_i:  # the iterations a fresh ionic factor needs: the reference of the staleness test
                self._blk_base = its
            info["pcg_iterations"] = info.get("pcg_iterations", 0) + its
            if ok:
                info["factorisation"], info["linear_solver"] = kind, "direct"
                if not fresh_i:
                    info["ionic_factor_kept"] = info.get("ionic_factor_kept", 0) + 1
                return y * s
            if fresh_e and fresh_i:
                break
            fresh_e = fresh_i = True
        self._blk_skip = _BLOCK_SKIP
        self._fi = None
        return None

    def update_potential(self) -> None:
        """Solve the two potentials (Newton) and refresh the reaction source R [1/s].

        Raises
        ------
        ConvergenceError
            Newton does not converge in 30 iterations, or the reaction cannot carry the applied current.
        """
        import scipy.sparse as sp

        if self.current_density <= 0:
            self.R = np.zeros(self.zeta.shape, dtype=self.dtype)  # assigned, not in place: R may live on an array backend
            self._solve_step = self.step_count
            return
        q_lag = self._lagged_current() if self.potential_solves > 0 else None
        shape = self.zeta.shape
        n = self.zeta.size
        dx = self.dx
        sig_e, sig_i = self.conductivities()
        if self._stencil is None:
            self._stencil = _Stencil(shape)
        st = self._stencil
        ae, ai = st.data(sig_e, dx, True), st.data(sig_i, dx, False)  # = _stiffness(σ, dx, bottom) on a fixed pattern
        Ae, Ai = st.csr(ae), st.csr(ai)
        a_li, a_nuc = self.site_densities()
        a_li, a_nuc = a_li.ravel(), a_nuc.ravel()
        b = np.zeros(n)
        top = np.arange(n).reshape(shape)[-1].ravel()
        b[top] = self.current_density / dx
        pe, pi = self.phi_e.ravel().copy(), self.phi_ion.ravel().copy()
        # metal equipotential: the Li body wired to the collector is held at φ_e = 0 (its φ_e unknowns and equations
        # leave the system; the current reaching it flows to the collector), see the module notes for the error bound
        if self.metal_equipotential:
            fixed = _collector_metal(sig_e, _METAL_FRACTION * self.c.sigma_li).ravel()
        else:
            fixed = np.zeros(n, dtype=bool)
        pe[fixed] = 0.0
        keep_e = (~fixed).astype(float)
        eh = ae * keep_e[st.rows] * keep_e[st.indices]  # held metal: identity rows and columns (the pattern stays)
        eh[st.diag_pos] += fixed
        method = self._solve_method()
        self._blk_skip = max(0, self._blk_skip - 1)
        self._ml = None
        upd = math.inf
        a_tot = a_li + a_nuc
        sites = a_tot > 1e-3 * float(a_tot.max()) if a_tot.size and float(a_tot.max()) > 0 else np.zeros(n, dtype=bool)
        diag_e, diag_i = ae[st.diag_pos], ai[st.diag_pos]

        def residual(pe_, pi_):
            q_, dq_ = self._reaction(pe_ - pi_, a_li, a_nuc)
            re_ = Ae @ pe_ + q_
            re_[fixed] = 0.0
            ri_ = Ai @ pi_ - q_ - b
            merit = float(np.sum(re_ * re_ / (diag_e + dq_)) + np.sum(ri_ * ri_ / (diag_i + dq_)))  # Jacobi-scaled
            return re_, ri_, dq_, merit

        re, ri, dq, merit = residual(pe, pi)
        max_it = 60
        iterations = 0
        i_total = self.current_density * self._area_cells * dx ** (len(shape) - 1)
        dv = dx ** len(shape)
        charge_residual = math.inf
        # the block CG's charge stop (module constants _BLOCK_*): a fraction _BLOCK_CHARGE of Newton's charge-residual threshold
        atol1 = None if self.potential_tol is None else _BLOCK_CHARGE * 0.1 * self.potential_tol * i_total / dv
        for iterations in range(max_it):  # noqa: B007 (the count is reported)
            if upd <= self.newton_tol:
                break
            if self.potential_tol is not None and iterations > 0:
                # error-controlled Newton: the charge residual (current created or lost per cell, summed) as a
                # fraction of the applied current; below a tenth of the schedule's tolerance the kinetics are accurate
                charge_residual = float(np.abs(re).sum() + np.abs(ri).sum()) * dv / i_total
                if charge_residual <= 0.1 * self.potential_tol:
                    break
            rhs = -np.concatenate([re, ri])
            delta = self._block_solve(eh, ai, dq, keep_e, rhs, atol1) if method == "block" and self._blk_skip == 0 else None
            if delta is None:  # the coupled Jacobian (held metal: identity rows and columns)
                dk = sp.diags(keep_e * dq)
                J = sp.bmat([[st.csr(eh) + dk, -dk], [-dk, Ai + sp.diags(dq)]], format="csr")
                delta = self._linear_solve(J, rhs)
            de, di = delta[:n], delta[n:]
            step = min(1.0, 0.05 / max(1e-300, float(np.max(np.abs(de - di)))))  # limit the change of η to 50 mV per iteration
            for _ in range(12):  # backtracking on the scaled residual (the nucleation switch makes q(η) stiff)
                r_new = residual(pe + step * de, pi + step * di)
                if r_new[3] <= merit or step < 1e-3:
                    break
                step *= 0.5
            pe += step * de
            pi += step * di
            re, ri, dq, merit = r_new
            upd = step * float(np.max(np.abs(de - di)[sites])) if sites.any() else 0.0
        else:
            raise ConvergenceError(f"electrodeposition potential solve: Newton did not converge in {max_it} iterations (last update {upd:.3g} V, "
                                   f"tolerance {self.newton_tol:.3g} V)")
        self.phi_e, self.phi_ion = pe.reshape(shape), pi.reshape(shape)
        eta = (pe - pi).reshape(shape)
        q, _ = self._reaction(eta.ravel(), a_li, a_nuc)
        total = -float(q.sum()) * dx ** len(shape)
        self.charge_balance_error = total / (self.current_density * self._area_cells * dx ** (len(shape) - 1)) - 1.0
        # the local current per reaction area, kept between solves: the sites move with ζ, each step (_refresh_source)
        ibv, nuc = self._kinetics(eta)
        self._ibv = ibv.astype(self.dtype)
        self._ibv_nuc = (ibv * nuc).astype(self.dtype)
        self._refresh_source()
        self.potential_solves += 1
        info = {"newton_iterations": iterations, "last_update_V": upd, "charge_balance_error": self.charge_balance_error,
                "solves": self.potential_solves, "equipotential_metal_cells": int(fixed.sum())}
        if q_lag is not None:
            # the fraction of the applied current the lagged kinetics had put on the wrong sites (L1 distance of the
            # reaction-current fields): the error of the schedule over the interval just ended
            misplaced = float(np.abs(self.reaction_current - q_lag).sum()) * dv / i_total
            info["misplaced_current"] = misplaced
            if self.potential_tol is not None:
                n_last = max(1, self.step_count - self._solve_step)
                fac = 2.0 if misplaced <= 0.35 * self.potential_tol else max(0.2, 0.7 * self.potential_tol / misplaced)
                self._interval = int(min(_MAX_INTERVAL, max(1, math.floor(n_last * fac))))
                # the drift guard adapts by the same factor: a drift of the total current that the rescaling to
                # Faraday's total removes misplaces little (measured ~0.1 of the drift on the LNI layers), so it may
                # grow while the measured misplaced current stays below the tolerance, and shrinks when it does not
                lo, hi = self._lag_guard_bounds
                self._lag_guard = float(min(hi, max(lo, self._lag_guard * fac)))
        if self.potential_tol is not None and math.isfinite(charge_residual):
            info["charge_residual"] = charge_residual
        self.potential_info.update(info)
        self._solve_step = self.step_count
        self._zeta_solved = self.zeta.copy()

    def _kinetics(self, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self.p
        ibv = butler_volmer(eta, p["exchange_current_density"], 1.0 - p["transfer_coefficient"], p["transfer_coefficient"], p["temperature"],
                            max_exponent=60.0)
        arg = np.clip((-eta - p["nucleation_overpotential"]) / p["nucleation_width"], -40.0, 40.0)
        return ibv, 0.5 * (1.0 + np.tanh(arg))

    def _lagged_current(self) -> np.ndarray:
        """The reaction current [A m-3] the last solve's kinetics put on the current sites, scaled to the applied total."""
        a_li, a_nuc = self.site_densities()
        q = (self._ibv * a_li + self._ibv_nuc * a_nuc).astype(float)
        total = -float(q.sum()) * self.dx ** q.ndim
        target = self.current_density * self._area_cells * self.dx ** (q.ndim - 1)
        return q * (target / total) if total > 0 else q

    def _refresh_source(self) -> None:
        """R = −q V_m/F on the current ζ with the last solve's kinetics, scaled to Faraday's total exactly (on the backend)."""
        bk, dc = self._bk, self._dc
        target = self.current_density * self._area_cells * self.dx ** (self.zeta0.ndim - 1)
        with bk.scope():
            if self._fused is not None:
                rc, r, total = self._fused.source(self._dev_zeta, self._ibv, self._ibv_nuc, target)
                if not math.isfinite(total):  # _step's finiteness check relies on a finite source
                    raise ConvergenceError(f"electrodeposition step at t={self.t:.4g} s produced a non-finite reaction source")
            else:
                if self._source_fn is None:
                    self._source_fn = bk.jit(self._source)
                rc, r, total = self._source_fn(self._dev_zeta, dc.get("ibv", self._ibv), dc.get("ibv_nuc", self._ibv_nuc),
                                               dc.get("free", self._free), dc.get("near_ion", self._near_ion), dc.get("surface", self._surface))
            total = float(total)
            if not total > 0:
                raise ConvergenceError("electrodeposition: no reaction site carries the applied current")
            self._lag_scale = target / total
            set_device(self, "reaction_current", rc)
            set_device(self, "R", r)

    def _source(self, z: Any, ibv: Any, ibv_nuc: Any, free: Any, near_ion: Any, surface: Any) -> tuple[Any, Any, Any]:
        """Pure part of :meth:`_refresh_source` (compiled on JAX): (q scaled to the applied current [A m-3], R [1/s], total [A])."""
        a_li, a_nuc = self._sites(self._bk.xp, z, free, near_ion, surface)
        q = ibv * a_li + ibv_nuc * a_nuc
        dv = self.dx ** q.ndim
        total = -(q.sum(dtype=float)) * dv
        target = self.current_density * self._area_cells * self.dx ** (q.ndim - 1)
        rc = q * (target / total)
        return rc, (-rc * (self.molar_volume / FARADAY)).astype(self.dtype), total

    def _potential_due(self) -> bool:
        """Whether the potentials are re-solved before this step (fixed or error-controlled schedule)."""
        if self.potential_tol is None:
            return self.step_count % self.potential_every == 0
        if self.step_count - self._solve_step >= self._interval:
            return True
        # the lagged kinetics carry a total current off the applied one by more than the tolerance (sites appeared or
        # vanished), or a cell changed enough to switch its conduction: the potentials are stale
        if abs(self._lag_scale - 1.0) > self._lag_guard * self.potential_tol:
            return True
        if self._fused is not None:  # one pass into a work array, then its extremes (no temporaries)
            d = np.subtract(self._dev_zeta, self._zeta_solved, out=self._fused.t)
            return max(float(d.max()), -float(d.min())) > _ZETA_GUARD
        return float(np.max(np.abs(self.zeta - self._zeta_solved))) > _ZETA_GUARD

    # ------------------------------------------------------------------ ζ update
    def _update_islands(self) -> None:
        from scipy.ndimage import binary_dilation, label

        lab, nlab = label(self.zeta > 0.5)
        if nlab <= 1 and (nlab == 0 or np.any(lab[0] > 0)):
            self._islands = np.zeros(self.zeta.shape, dtype=bool)
            return
        conn_ids = np.unique(lab[0][lab[0] > 0])
        conn = np.isin(lab, conn_ids)
        it = max(2, int(math.ceil(3.0 * self.c.delta / self.dx)))
        near_conn = binary_dilation(conn, iterations=it)
        islands = (lab > 0) & ~conn
        self._islands = binary_dilation(islands, iterations=it) & ~near_conn

    def _set_dt(self) -> None:
        bk = self._bk
        dt = self._cfl / self._ac_rate
        with bk.scope():
            rmax = float(bk.xp.max(bk.xp.abs(self._dev_R)))
        if rmax > 0:
            dt = min(dt, self.max_dzeta / rmax)
        if self._dt_max is not None:
            dt = min(dt, self._dt_max)
        self.dt = dt
        # profile-restoring (counter-term) mobility b [m2/s]: relaxes the front profile ~5x faster than the
        # fastest reaction moves it by one width (v_max = 2√2 δ R_max); zero without current.
        self.profile_mobility = 5.0 * math.sqrt(2.0) * self.c.delta**2 * rmax
        self._build_den()

    def _build_den(self) -> None:
        bk = self._bk
        with bk.scope():
            self._den = (1.0 + self.dt * (self.c.L_sigma * self.c.k_zeta + self.profile_mobility) * self._dc.get("k2", self._k2)).astype(self.dtype)

    def _profile_term(self, z: Any, b: Any) -> Any:
        """Explicit part of b[∂_nn ζ − 2ζ(1−ζ)(1−2ζ)/δ²] − b∇²ζ (the b∇²ζ^{n+1} part is implicit) [1/s].

        Zero on the equilibrium profile ζ = ½[1 − tanh(n/(√2δ))] whatever the curvature (the counter-term of
        [SunBeckermann2007]): it keeps the diffuse front's shape while the reaction moves it, without moving it;
        its net integral is removed so that it neither creates nor destroys Li. ``z`` and the result are arrays of
        the solver's backend (call inside its scope); ``b`` is the profile mobility [m2/s].
        """
        bk = self._bk
        xp = bk.xp
        dx = self.dx
        nd = z.ndim
        p = xp.pad(z, 1, mode="edge")
        core = tuple([slice(1, -1)] * nd)
        grads, second = [], []
        for ax in range(nd):
            hi = list(core)
            lo = list(core)
            hi[ax] = slice(2, None)
            lo[ax] = slice(None, -2)
            grads.append((p[tuple(hi)] - p[tuple(lo)]) / (2 * dx))
            second.append((p[tuple(hi)] - 2 * z + p[tuple(lo)]) / dx**2)
        g2 = sum(g * g for g in grads)
        lap = sum(second)
        reg = g2 + (1e-6 / dx) ** 2
        dnn = sum(grads[a] ** 2 * second[a] for a in range(nd))
        for a in range(nd):
            for c in range(a + 1, nd):
                sl = [slice(1, -1)] * nd
                def sh(da, dc, sl=sl, a=a, c=c):
                    s2 = list(sl)
                    s2[a] = slice(1 + da, p.shape[a] - 1 + da)
                    s2[c] = slice(1 + dc, p.shape[c] - 1 + dc)
                    return p[tuple(s2)]
                hxy = (sh(1, 1) - sh(1, -1) - sh(-1, 1) + sh(-1, -1)) / (4 * dx * dx)
                dnn = dnn + 2.0 * grads[a] * grads[c] * hxy
        dnn = dnn / reg
        d2 = self.c.delta**2
        free = self._dc.get("free", self._free)  # only in free space: at a wall the profile is the wetting (B, k_Li) one
        out = b * free * (dnn - 2.0 * z * (1.0 - z) * (1.0 - 2.0 * z) / d2)
        # numerical shape fixer: made Li-neutral (its integral, including the implicit b∇² part whose integral is
        # zero under Neumann boundaries, is removed with the weight ζ(1−ζ)), so it moves no Li to or from the reservoir
        w = xp.clip(z, 0.0, 1.0)
        w = w * (1.0 - w) * free
        if bk.mutable:
            sw = float(w.sum())
            if sw > 0:
                out = isub(bk, out, (float((out - b * lap).sum()) / sw) * w)
        else:  # traceable (jit): no host round trip
            sw = w.sum()
            out = out - xp.where(sw > 0, (out - b * lap).sum() / xp.where(sw > 0, sw, 1.0), 0.0) * w
        return out - b * lap

    def _spectral_update(self, z: Any, dt: Any, b: Any, den: Any) -> Any:
        """The capillary/pressure/profile part of one step, solved in DCT space: ζ after the Allen–Cahn update.

        A pure function of the backend's arrays (compiled once with ``jax.jit`` on JAX: Δt, b and the denominator are
        arguments, so a new Δt does not recompile). ``dt`` [s], ``b`` the profile mobility [m2/s], ``den`` the DCT
        denominator 1 + Δt (L_σ k_ζ + b) K². Returns ζ after the update and its change summed over the grid (the
        reservoir exchange before the island correction).
        """
        bk = self._bk
        rhs = z + dt * self._ac_terms(z)
        if not bk.mutable or b > 0:  # traced b (jit): always computed (b = 0 adds exactly 0)
            rhs = iadd(bk, rhs, dt * self._profile_term(z, b))
        zh = bk.dctn(rhs)
        zh = idiv(bk, zh, den)
        z_ac = bk.idctn(zh).astype(self.dtype)
        return z_ac, (z_ac - z).sum(dtype=float)

    def _ac_terms(self, z: Any) -> Any:
        """Double well, solid exclusion, wetting source and stack pressure [1/s] on the backend's arrays (inside its scope)."""
        bk = self._bk
        dc = self._dc
        c = self.c
        q = z * (1.0 - z)
        out = (-2.0 * c.A * c.L_sigma) * q * (1.0 - 2.0 * z)
        out = isub(bk, out, dc.get("LsB", self._LsB) * z)
        out = iadd(bk, out, dc.get("wet", self._wet))
        if self.pressure > 0:
            out = iadd(bk, out, (30.0 * c.L_sigma * self.pressure) * q * q * dc.get("free", self._free))
        return out

    def step(self, n: int = 1, *, t_stop: float | None = None) -> None:
        """Advance n time steps (potentials re-solved every ``potential_every`` steps, or when stale under ``potential_tol``).

        Parameters
        ----------
        n : int, default 1
            Number of time steps.
        t_stop : float, optional
            Time not to step past [s]: a step that would cross it is shortened to land on it exactly (Δt itself is
            kept for the following steps), and no step is taken once t has reached it.

        Raises
        ------
        ConvergenceError
            A potential solve fails or ζ stops being finite.
        """
        bk = self._bk
        with bk.scope():
            self._step(int(n), math.inf if t_stop is None else float(t_stop))

    def _step(self, n: int, stop: float) -> None:
        bk = self._bk
        xp = bk.xp
        nd = self.zeta0.ndim  # (not self.zeta: on a device backend reading it copies ζ to the host)
        cell = self.dx**nd
        per_area = cell / (self._area_cells * self.dx ** (nd - 1))
        if self._update_fn is None:
            self._update_fn = bk.jit(self._spectral_update)
        update = self._update_fn
        fused = self._fused
        for _ in range(n):
            if self.t >= stop * (1 - 1e-12):
                break
            solved = self.step_count > 0 and self._potential_due()
            if solved:
                if self.current_density > 0:
                    self.update_potential()
                self._update_islands()
                self._set_dt()
            z = self._dev_zeta
            dt = self.dt
            den = self._den
            last = self.t + dt >= stop
            if last:  # land on t_stop (after _set_dt, which may have lengthened the step)
                dt = stop - self.t
                den = 1.0 + dt * (self.c.L_sigma * self.c.k_zeta + self.profile_mobility) * self._dc.get("k2", self._k2)
            if fused is not None:
                z_ac, dsum = self._fused_update(fused, z, dt, den)
            else:
                z_ac, dsum = update(z, dt, self.profile_mobility, den)
                if self._islands.any():
                    change = z_ac - z
                    isl = self._dc.get("islands", self._islands)
                    w = z_ac * (1.0 - z_ac) * isl
                    sw = float(w.sum())
                    if sw > 0:
                        z_ac = isub(bk, z_ac, (float(masked_sum(bk, change, isl)) / sw) * w)
                        change = z_ac - z
                        dsum = change.sum(dtype=float)
            self.reservoir_inflow_m += float(dsum) * per_area
            if self.current_density > 0:
                if not solved:
                    self._refresh_source()
                R = self._dev_R
                if fused is not None and R.dtype == np.float64 and R.flags.c_contiguous and R.shape == z_ac.shape:
                    axpy(dt, R, z_ac)  # z_ac is the fused path's own C-contiguous array
                else:
                    z_ac = iadd(bk, z_ac, dt * R)
            # fused: ζ was finite, so Σ(ζ_new − ζ) is finite exactly when every cell of ζ_new is (barring an overflow of
            # the sum, |ζ| ~ 1e304), and the source's total was checked finite in _refresh_source: no extra pass
            if not (math.isfinite(float(dsum)) if fused is not None else bool(xp.all(xp.isfinite(z_ac)))):
                raise ConvergenceError(f"electrodeposition step at t={self.t:.4g} s produced non-finite values")
            set_device(self, "zeta", z_ac)
            self.t = stop if last else self.t + dt
            self.charge_passed += self.current_density * dt
            self.step_count += 1

    def _fused_update(self, fused: FusedStep, z: np.ndarray, dt: float, den: Any) -> tuple[np.ndarray, float]:
        """NumPy float64: :meth:`_spectral_update` plus the island correction of :meth:`_step` (the fused kernel)."""
        zh = self._bk.dctn(fused.rhs(z, dt, self.profile_mobility, self.pressure))
        zh *= fused.inverse(den)
        z_ac = self._bk.idctn(zh)
        if not z_ac.flags.c_contiguous:
            z_ac = np.ascontiguousarray(z_ac)
        if self._islands.any():  # closed Li islands keep their volume: on their cells only
            fused.islands(z_ac, z, self._islands)
        ch = np.subtract(z_ac, z, out=fused.t)
        return z_ac, float(ch.sum())

    def run_until(self, t_end: float, callback: Callable[[ElectrodepositionSolver], None] | None = None, every: int | None = None,
                  progress: Callable[[int, int], None] | None = None, max_steps: int | None = None) -> None:
        """Step until t = t_end [s] (the last step shortened to land on t_end exactly).

        Parameters
        ----------
        t_end : float
            End time [s].
        callback : callable, optional
            ``callback(solver)`` every ``every`` steps.
        every : int, optional
            Number of steps between callbacks.
        progress : callable, optional
            ``progress(done, total)`` in milli-fractions of the time span (never prints).
        max_steps : int, optional
            Number of steps (``step_count``) at which to stop earlier (an interrupted run; continuing it with
            :meth:`state`/:meth:`from_state` gives the uninterrupted result).

        Raises
        ------
        ConvergenceError
            A step fails (see :meth:`step`).
        """
        t_start = self.t
        span = max(t_end - t_start, 1e-300)
        while self.t < t_end * (1 - 1e-12) and (max_steps is None or self.step_count < max_steps):
            self.step(1, t_stop=t_end)
            if callback is not None and every and self.step_count % every == 0:
                callback(self)
            if progress is not None:
                progress(int(1000 * min(1.0, (self.t - t_start) / span)), 1000)

    # ------------------------------------------------------------------ diagnostics
    def li_inventory(self) -> dict:
        """Li accounting: Li in the domain vs initial + Faraday + reservoir exchange (planar-equivalent thicknesses).

        Returns
        -------
        dict
            ``li_m`` (∫ζ dV / A), ``li_initial_m``, ``plated_faraday_m`` (Q V_m/F), ``reservoir_inflow_m``,
            ``expected_m`` and ``error_rel`` ((li − expected)/plated_faraday; NaN before any charge) [m, -].
        """
        area = self._area_cells
        li = float(self.zeta.sum(dtype=float)) * self.dx / area
        li0 = float(self.zeta0.sum()) * self.dx / area
        lf = self.charge_passed * self.molar_volume / FARADAY
        exp = li0 + lf + self.reservoir_inflow_m
        return {"li_m": li, "li_initial_m": li0, "plated_faraday_m": lf, "reservoir_inflow_m": self.reservoir_inflow_m,
                "expected_m": exp, "error_rel": (li - exp) / lf if lf > 0 else float("nan")}

    def focusing_factor(self) -> float:
        """Current-focusing factor: the largest local plating current per reactive area over the mean [-].

        Taken over cells carrying 1 % or more of the peak reaction density (the diffuse interface core).

        Returns
        -------
        float
            max/mean of −q/a over active sites (dimensionless); NaN without current.
        """
        if self.current_density <= 0:
            return float("nan")
        a_li, a_nuc = self.site_densities()
        a = a_li + a_nuc
        q = -self.reaction_current
        act = (q > 0.01 * float(q.max())) & (a > 0)
        if not act.any():
            return float("nan")
        loc = q[act] / a[act]
        w = q[act]
        return float(loc.max() / (np.sum(loc * w) / np.sum(w)))

    def metrics(self) -> dict:
        """Morphology and inventory observables (:func:`lisse.sim.phasefield.metrics.interface_metrics`) plus solver diagnostics.

        Returns
        -------
        dict
            The keys of ``interface_metrics`` (SI suffixed) plus ``focusing_factor``, ``charge_balance_error`` (NaN
            before the first potential solve: not measured),
            ``reservoir_inflow_m``, ``li_inventory_error_rel`` (this solver's own accounting, with the reservoir
            exchange) and ``calibrated_parameters`` (the constructor's: name -> the observation it was fitted to).
        """
        from lisse.sim.phasefield.metrics import interface_metrics

        y0 = float(getattr(self.micro, "layer_bottom", 0.0))
        y1 = float(getattr(self.micro, "layer_top", self.zeta.shape[0] * self.dx))
        m = interface_metrics(self.zeta.astype(float), self.zeta0, self.dx, layer_bottom=y0, layer_top=y1,
                              charge_density=self.charge_passed, molar_volume=self.molar_volume,
                              inflow=self.reservoir_inflow_m)
        m["focusing_factor"] = self.focusing_factor()
        m["charge_balance_error"] = self.charge_balance_error
        m["reservoir_inflow_m"] = self.reservoir_inflow_m
        m.update(self.pore_entry())
        m["calibrated_parameters"] = dict(self.calibrated_parameters)
        return m

    def pore_entry(self) -> dict:
        """Whether Li can enter the layer's pores: :func:`penetration_regime` at the layer's breakthrough width.

        The width is the widest path across the layer (:func:`lisse.sim.phasefield.metrics.entry_width` of the free
        space 1 − φ_g); the driving pressure is the stack pressure plus zF|η|/V_m with η the Butler–Volmer plating
        overpotential of a flat front at the applied current (the meniscus is a reaction site: Li plates there).

        Returns
        -------
        dict
            ``penetration_regime`` ("wicking", "pressure-driven" or "blocked"), ``entry_width_m``, ``entry_pressure_Pa``,
            ``driving_pressure_Pa``, ``plating_overpotential_V`` and ``critical_stack_pressure_Pa`` (the regime
            boundary: the stack pressure above which Li enters, max(0, p_c − zF|η|/V_m); 0 when θ ≤ 90°).
        """
        from lisse.electrochem import butler_volmer_overpotential
        from lisse.sim.phasefield.metrics import entry_width

        if self._entry_width is None:
            y0 = float(getattr(self.micro, "layer_bottom", 0.0))
            y1 = float(getattr(self.micro, "layer_top", self.zeta.shape[0] * self.dx))
            self._entry_width = entry_width(1.0 - self.solid, self.dx, layer_bottom=y0, layer_top=y1)
        w = float(self._entry_width)
        p = self.p
        al = p["transfer_coefficient"]
        eta = (float(butler_volmer_overpotential(-self.current_density, p["exchange_current_density"], 1.0 - al, al, p["temperature"]))
               if self.current_density > 0 else 0.0)
        theta = math.degrees(p["contact_angle"])
        electro = FARADAY * abs(eta) / self.molar_volume
        if w <= 0:  # no path of free cells crosses the layer at this resolution
            wick = math.cos(p["contact_angle"]) >= 0
            return {"penetration_regime": "wicking" if wick else "blocked", "entry_width_m": 0.0,
                    "entry_pressure_Pa": 0.0 if wick else math.inf, "driving_pressure_Pa": self.pressure + electro,
                    "plating_overpotential_V": eta, "critical_stack_pressure_Pa": 0.0 if wick else math.inf}
        r = penetration_regime(w, theta, pressure=self.pressure, overpotential=eta, surface_energy=p["li_surface_energy"],
                               molar_volume=self.molar_volume)
        return {"penetration_regime": r["regime"], "entry_width_m": w, "entry_pressure_Pa": r["entry_pressure_Pa"],
                "driving_pressure_Pa": r["driving_pressure_Pa"], "plating_overpotential_V": eta,
                "critical_stack_pressure_Pa": max(0.0, r["entry_pressure_Pa"] - electro)}

    def state(self) -> dict:
        """Everything needed to continue the run (arrays and scalars, SI; no file I/O).

        Returns
        -------
        dict
            ``kind``, ``zeta``, ``zeta0``, ``phi_e``/``phi_ion`` [V], ``t`` [s], ``step``, ``dt`` [s], ``dx`` [m],
            ``charge_C_m2``, ``reservoir_inflow_m``, ``current_density`` [A m-2], ``params`` (SI), and the fields the
            steps between two potential solves use (``profile_mobility`` [m2 s-1], ``ibv``/``ibv_nuc`` [A m-2],
            ``islands``, ``reaction_current`` [A m-3], ``charge_balance_error``) and the adaptive schedule's
            (``potential_tol``, ``solve_step``, ``potential_interval``, ``zeta_solved``, ``lag_scale``, ``potential_solves``, ``lag_guard``),
            and ``calibrated_parameters``.
        """
        return {"kind": self.kind, "zeta": self.zeta.copy(), "zeta0": self.zeta0.copy(), "phi_e": self.phi_e.copy(),
                "phi_ion": self.phi_ion.copy(), "t": self.t, "step": self.step_count, "dt": self.dt, "dx": self.dx,
                "charge_C_m2": self.charge_passed, "reservoir_inflow_m": self.reservoir_inflow_m,
                "current_density": self.current_density, "params": dict(self.p), "interface_width": self.c.delta,
                "electrolyte_blocks": self.electrolyte_blocks, "potential_every": self.potential_every,
                # what the steps between two potential solves use (kinetics of the last solve, Δt, profile mobility,
                # island mask): restored as they were, so that a resumed run repeats the uninterrupted one exactly
                "profile_mobility": self.profile_mobility, "ibv": np.asarray(self._ibv, dtype=float).copy(),
                "ibv_nuc": np.asarray(self._ibv_nuc, dtype=float).copy(), "islands": self._islands.astype(np.uint8),
                "reaction_current": self.reaction_current.copy(), "charge_balance_error": self.charge_balance_error,
                # the adaptive schedule (potential_tol): last solve, next interval, ζ then, and the last rescaling
                "potential_tol": self.potential_tol, "solve_step": self._solve_step, "potential_interval": self._interval,
                "zeta_solved": self._zeta_solved.copy(), "lag_scale": self._lag_scale, "potential_solves": self.potential_solves,
                "lag_guard": self._lag_guard, "calibrated_parameters": dict(self.calibrated_parameters)}

    @classmethod
    def from_state(cls, micro: Any, state: dict, **kw: Any) -> ElectrodepositionSolver:
        """Rebuild a solver on ``micro`` from :meth:`state` and continue where it stopped.

        Parameters
        ----------
        micro : Microstructure
            The microstructure of the run.
        state : dict
            A :meth:`state` dict.
        **kw
            Further constructor options.

        Returns
        -------
        ElectrodepositionSolver
            The restored solver.
        """
        if state.get("potential_tol") is not None and "potential_tol" not in kw:
            kw["potential_tol"] = float(state["potential_tol"])
        if state.get("calibrated_parameters") and "calibrated_parameters" not in kw:
            kw["calibrated_parameters"] = dict(state["calibrated_parameters"])
        s = cls(micro, state["params"], current_density=float(state["current_density"]), interface_width=float(state["interface_width"]),
                electrolyte_blocks=bool(state.get("electrolyte_blocks", True)), potential_every=int(state.get("potential_every", 4)), **kw)
        s.zeta = np.array(state["zeta"], dtype=s.dtype)
        s.zeta0 = np.array(state["zeta0"], dtype=float)
        s.phi_e = np.array(state["phi_e"], dtype=float)
        s.phi_ion = np.array(state["phi_ion"], dtype=float)
        s.t = float(state["t"])
        s.step_count = int(state["step"])
        s.charge_passed = float(state["charge_C_m2"])
        s.reservoir_inflow_m = float(state["reservoir_inflow_m"])
        if all(k in state for k in ("dt", "profile_mobility", "ibv", "ibv_nuc", "islands", "reaction_current")):
            s._ibv = np.array(state["ibv"], dtype=s.dtype)
            s._ibv_nuc = np.array(state["ibv_nuc"], dtype=s.dtype)
            s._islands = np.array(state["islands"]).astype(bool)
            s.reaction_current = np.array(state["reaction_current"], dtype=float)
            s.R = (-s.reaction_current * (s.molar_volume / FARADAY)).astype(s.dtype)
            s.charge_balance_error = float(state.get("charge_balance_error", math.nan))  # not stored: not known
            s.dt = float(state["dt"])
            s.profile_mobility = float(state["profile_mobility"])
            s._build_den()
            if "zeta_solved" in state:
                s._solve_step = int(state["solve_step"])
                s._interval = int(state["potential_interval"])
                s._zeta_solved = np.array(state["zeta_solved"], dtype=s.dtype)
                s._lag_scale = float(state["lag_scale"])
                s._lag_guard = float(state.get("lag_guard", _LAG_GUARD[0]))
                s.potential_solves = int(state["potential_solves"])
        else:  # an older state without the between-solve fields: continue from a fresh solve (not bit-exact)
            if s.current_density > 0:
                s.update_potential()
            s._update_islands()
            s._set_dt()
        return s

    def __repr__(self) -> str:
        shape = "×".join(str(n) for n in self.zeta.shape)
        return (f"ElectrodepositionSolver({shape} grid, dx={self.dx * 1e9:.3g} nm, i={self.current_density * 0.1:.3g} mA/cm2, "
                f"t={self.t:.4g} s, steps={self.step_count})")


# ---------------------------------------------------------------------------------------------- analytic relations

@quantity_args(wavenumber="1/m", current_density="A/m2", conductivity="S/m", charge_transfer_resistance="ohm*m2", distance="m",
               molar_volume="m3/mol", capillary_mobility="m2/s")
def dispersion_growth_rate(wavenumber: float, current_density: float, conductivity: float, charge_transfer_resistance: float,
                           distance: float = math.inf, *, molar_volume: float | None = None, capillary_mobility: float = 0.0) -> float:
    """Growth rate ω [1/s] of a cos(kx) perturbation of a flat Li front plating into an ohmic ion conductor.

    Reaction-limited interface (linearised kinetics, area resistance R_ct), ohmic electrolyte of
    conductivity σ, current fed at a parallel face a distance L ahead of the front, metal equipotential.
    With the potential ψ = B cos(kx) cosh(k(L − y)) of the perturbation, the flux condition at the front and
    δi = (δφ_ion)/R_ct give δi/ε = i K/(1 + σ K R_ct), K = k tanh(kL), hence::

        ω = (V_m/F) · i · K/(1 + σ K R_ct) − M k²

    (M = ``capillary_mobility``: a capillary relaxation v = −M κ, e.g. L_σ k_ζ of the phase field). For
    σKR_ct ≫ 1 the rate saturates at V_m i/(F σ R_ct); for kL → ∞ K = k ([Sundstrom1995], ohmic,
    reaction-limited limit without concentration polarisation).

    Parameters
    ----------
    wavenumber : float
        k [m-1] (> 0).
    current_density : float
        Plating current density i [A m-2].
    conductivity : float
        Ionic conductivity σ ahead of the front [S m-1].
    charge_transfer_resistance : float
        Area-specific R_ct = (∂i/∂η)⁻¹ at the operating point [Ω m2].
    distance : float, default inf
        L, front to the current-feeding face [m].
    molar_volume : float, optional
        V_m [m3 mol-1]; default Li's.
    capillary_mobility : float, default 0
        M [m2 s-1].

    Returns
    -------
    float
        ω [s-1] (> 0 grows).

    Raises
    ------
    ParameterError
        A non-positive k, σ or R_ct.

    References
    ----------
    L.-G. Sundström, F. H. Bark, On morphological instability during electrodeposition with a stagnant binary electrolyte, Electrochim. Acta 40, 599-614 (1995).
    """
    from lisse.thermo.nucleation import li_molar_volume

    register("Sundstrom1995")
    k = _pos("wavenumber", wavenumber, "1/m")
    s = _pos("conductivity", conductivity, "S/m")
    r = _pos("charge_transfer_resistance", charge_transfer_resistance, "ohm m2")
    vm = li_molar_volume() if molar_volume is None else _pos("molar_volume", molar_volume, "m3/mol")
    K = k * math.tanh(k * distance) if math.isfinite(distance) else k
    return vm / FARADAY * float(current_density) * K / (1.0 + s * K * r) - float(capillary_mobility) * k * k


@quantity_args(amplitude="m", wavelength="m", current_density="A/m2", conductivity="S/m", exchange_current_density="A/m2",
               temperature="K", surface_energy="J/m2", molar_volume="m3/mol")
def current_focusing_factor(amplitude: float, wavelength: float, current_density: float, conductivity: float,
                            exchange_current_density: float, *, temperature: float = 298.15, transfer_coefficient: float = 0.5,
                            surface_energy: float = DEFAULT_LI_SURFACE_ENERGY, molar_volume: float | None = None) -> float:
    """Tip current over mean current of a shallow sinusoidal Li protrusion (linear theory) [-].

    For a front y = a cos(2πx/λ) plating at mean current i into an ohmic ion conductor σ with Butler–Volmer
    kinetics (R_ct = 1/(∂i/∂η) at the flat-front overpotential) and Gibbs–Thomson capillarity
    (Γ = γ V_m/F), the tip current is ``i_tip/i = 1 + a k (1 − σ Γ k²/i)/(1 + σ k R_ct)`` (k = 2π/λ, first order
    in a k; see :func:`dispersion_growth_rate` for the derivation). Meant for 1D interface simulators
    (issue 11) as the local current amplification at a protrusion of known size; > 1 focuses, < 1 smooths.

    Parameters
    ----------
    amplitude : float
        Protrusion amplitude a [m] (valid for a k ≲ 0.3).
    wavelength : float
        Lateral size λ [m].
    current_density : float
        Mean plating current density i [A m-2] (> 0).
    conductivity : float
        Ionic conductivity σ [S m-1].
    exchange_current_density : float
        i0 [A m-2].
    temperature : float, default 298.15
        T [K].
    transfer_coefficient : float, default 0.5
        Cathodic α [-] (dimensionless).
    surface_energy : float, default DEFAULT_LI_SURFACE_ENERGY
        γ [J m-2].
    molar_volume : float, optional
        V_m [m3 mol-1]; default Li's.

    Returns
    -------
    float
        i_tip / i [-] (dimensionless).

    Raises
    ------
    ParameterError
        A non-positive length, current, conductivity or exchange current.

    References
    ----------
    L.-G. Sundström, F. H. Bark, On morphological instability during electrodeposition with a stagnant binary electrolyte, Electrochim. Acta 40, 599-614 (1995).
    """
    from lisse.electrochem import butler_volmer_overpotential
    from lisse.thermo.nucleation import li_molar_volume

    register("Sundstrom1995")
    a = float(amplitude)
    if not (math.isfinite(a) and a >= 0):
        raise ParameterError(f"parameter 'amplitude' must be >= 0 m; got {amplitude!r}")
    lam = _pos("wavelength", wavelength, "m")
    i = _pos("current_density", current_density, "A/m2")
    s = _pos("conductivity", conductivity, "S/m")
    i0 = _pos("exchange_current_density", exchange_current_density, "A/m2")
    vm = li_molar_volume() if molar_volume is None else _pos("molar_volume", molar_volume, "m3/mol")
    al = float(transfer_coefficient)
    eta = float(butler_volmer_overpotential(-i, i0, 1.0 - al, al, temperature))
    rct = 1.0 / float(butler_volmer_slope(eta, i0, 1.0 - al, al, temperature))
    k = 2.0 * math.pi / lam
    gam = float(surface_energy) * vm / FARADAY
    return 1.0 + a * k * (1.0 - s * gam * k * k / i) / (1.0 + s * k * rct)


@quantity_args(pore_width="m", pressure="Pa", overpotential="V", surface_energy="J/m2", molar_volume="m3/mol")
def penetration_regime(pore_width: float, contact_angle_deg: float, *, pressure: float = 0.0, overpotential: float = 0.0,
                       surface_energy: float = DEFAULT_LI_SURFACE_ENERGY, molar_volume: float | None = None, slit: bool = True) -> dict:
    """Whether Li enters a pore: driving pressure (stack + electrochemical) vs the capillary entry pressure.

    Entry pressure p_c = max(0, −2γ cos θ / r) with r = w for a 2D slit of width w (one principal curvature)
    or r = w/2 for a cylindrical pore of diameter w (:func:`lisse.thermo.wetting.capillary_pressure`, Young–Laplace).
    Driving pressure p_d = p + zF|η|/V_m when Li plates at the meniscus at overpotential η (0 when the pore
    holds no reaction site: empty pores in an electron-blocking layer). Li penetrates when p_d > p_c; the
    regime boundary is the critical width w_c = 2γ|cos θ|/p_d (slit; pores narrower than w_c block).

    Parameters
    ----------
    pore_width : float
        Slit width or pore diameter w [m].
    contact_angle_deg : float
        Contact angle of Li on the pore wall [deg], in [0, 180].
    pressure : float, default 0
        Stack pressure p acting on the Li [Pa].
    overpotential : float, default 0
        Local plating overpotential at the meniscus [V] (sign ignored).
    surface_energy : float, default DEFAULT_LI_SURFACE_ENERGY
        γ [J m-2].
    molar_volume : float, optional
        V_m [m3 mol-1]; default Li's.
    slit : bool, default True
        2D slit (True) or cylindrical pore (False).

    Returns
    -------
    dict
        ``entry_pressure_Pa``, ``driving_pressure_Pa``, ``penetrates`` (bool), ``critical_width_m`` (inf when
        θ ≤ 90° or no driving pressure blocks nothing / everything: see notes), ``regime`` ("wicking",
        "pressure-driven" or "blocked").

    Raises
    ------
    ParameterError
        A non-positive width or surface energy, a negative pressure, or an angle outside [0, 180].
    """
    from lisse.thermo.nucleation import li_molar_volume

    w = _pos("pore_width", pore_width, "m")
    g = _pos("surface_energy", surface_energy, "J/m2")
    p = float(pressure)
    if not (math.isfinite(p) and p >= 0):
        raise ParameterError(f"parameter 'pressure' must be >= 0 Pa; got {pressure!r}")
    vm = li_molar_volume() if molar_volume is None else _pos("molar_volume", molar_volume, "m3/mol")
    r = w if slit else 0.5 * w
    pc = -capillary_pressure(r, contact_angle_deg, g)
    pd = p + FARADAY * abs(float(overpotential)) / vm
    cos = math.cos(math.radians(contact_angle_deg))
    if cos >= 0:
        regime, wc = "wicking", math.inf
    else:
        wc = (2.0 * g * abs(cos) / pd) * (1.0 if slit else 2.0) if pd > 0 else math.inf
        regime = "pressure-driven" if pd > pc else "blocked"
    return {"entry_pressure_Pa": max(0.0, pc), "driving_pressure_Pa": pd, "penetrates": bool(pd > pc or cos >= 0),
            "critical_width_m": wc, "regime": regime}
