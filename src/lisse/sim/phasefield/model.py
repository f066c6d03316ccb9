"""Allen–Cahn phase-field model of Li electrodeposition into a porous (interlayer) layer.

Free energy density [J/m3], exactly as written in [Wang2024] (Methods)
and the Butler–Volmer phase-field model of [Chen2015])::

    f = A ζ²(1−ζ)² + (B/2) ζ² φ_g² + ½ k_ζ |∇ζ|² − k_Li ∇ζ·∇φ_g  (+ ½ k_φ |∇φ_g|² + F φ c_Li+)

ζ = 1 is Li metal, ζ = 0 the pore (electrolyte / void); φ_g = 1 the solid particles of the porous
layer (static). The last two terms do not depend on ζ (φ_g is static; the electrochemical term enters
through the Butler–Volmer rate below), so they do not appear in the evolution equation::

    ∂ζ/∂t = −L_σ [ 2Aζ(1−ζ)(1−2ζ) + B ζ φ_g² − k_ζ ∇²(ζ − (k_Li/k_ζ) φ_g) ]
            − L_η h'(ζ) [ exp((1−α) nFη/RT) − (c_Li/c0) exp(−α nFη/RT) ],      h'(ζ) = 30 ζ²(1−ζ)²

η < 0 plates Li (the bracket is negative, so ζ grows). Li+ concentration is not solved: c_Li/c0 = 1.

Notes
-----
Mapping from physical inputs to the phase-field coefficients (all SI):

* Li|pore interface: the 1D equilibrium profile of ``A ζ²(1−ζ)² + ½k_ζ ζ'²`` is
  ``ζ = ½[1 − tanh(x/(√2 δ))]`` with ``δ = √(k_ζ/A)`` and interfacial energy ``γ = √(2 k_ζ A)/6``.
  Given the Li surface energy γ (``lisse.thermo.wetting.DEFAULT_LI_SURFACE_ENERGY`` by default) and
  the interface width δ: ``A = 3√2 γ/δ`` and ``k_ζ = 3√2 γ δ``.
* Kinetics: a planar front obeys exactly ``v = L_η F_BV / ∫ζ'² dx`` (multiply the equation by ζ' and
  integrate), with ``∫ζ'² dx = γ/k_ζ = √2/(6δ)`` for the equilibrium profile. Faraday's law for a flat
  Butler–Volmer interface gives ``v = i0 F_BV V_m/(nF)``, hence ``L_η = i0 V_m / (nF · 3√2 δ)`` [1/s].
* Thermodynamic consistency: in the linear (small η) regime the Butler–Volmer term equals the bulk
  driving force ``Δg = nF|η|/V_m`` acting through h(ζ); that requires ``L_σ = L_η V_m/(RT)``
  [m3/(J s)]. The Gibbs–Thomson (curvature) kinetics are then those of linearised Butler–Volmer.
* ``B`` keeps Li out of the solid particles; it must exceed the largest driving force. Assumed
  ``B = b_ratio · A`` with b_ratio = 10 (assumed: any value ≫ 1 gives the same wetting once k_Li is
  calibrated).
* Wetting: the cross-gradient coefficient k_Li [J/m] sets the Li|solid interfacial energy. The
  contact angle follows from Young's equation ``cos θ = (γ_SE − γ_SL)/γ_LE`` with the three
  interfacial energies computed by minimising the same free energy in 1D (:func:`wall_energies`);
  :func:`k_li_for_contact_angle` inverts this numerically. In this sign convention k_Li < 0 is
  lithiophilic (Li|solid contact lowers the energy) and k_Li > 0 lithiophobic.
* Applied current instead of overpotential: η is found by inverting the flat-interface Butler–Volmer
  law ``i = i0 [exp(−α nFη/RT) − exp((1−α) nFη/RT)]`` (quasi-potentiostatic run at that η).
* Capillary threshold (Young–Laplace): Li enters a pore of width w against the wetting tension when
  ``Δg > −2γ cos θ / w`` (2D slit, one principal curvature), i.e. the transition contact angle is
  ``cos θ_c = −Δg w / (2γ)``; this is :func:`lisse.thermo.wetting.capillary_pressure` with r = w.

Limitations (stated, not hidden): ζ is non-conserved (Allen–Cahn), so Li drawn into wetting pores
by capillarity appears there through the reaction channel (at the L_σ rate) instead of being drawn
from the electrode; Li+ transport (c_Li/c0 = 1) and the reaction source in the potential equation are
not solved; runs at a fixed applied current are run at the flat-front overpotential (potentiostatic).

References
----------
Wang et al., Nature Energy 9 (2024), doi:10.1038/s41560-023-01426-1 [Wang2024].
L. Chen et al., J. Power Sources 300 (2015) 376–385, doi:10.1016/j.jpowsour.2015.09.055 [Chen2015].
S. M. Allen, J. W. Cahn, Acta Metall. 27 (1979) 1085, doi:10.1016/0001-6160(79)90196-2 [AllenCahn1979].
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from lisse.citations import Citation, add, register
from lisse.constants import FARADAY, GAS_CONSTANT
from lisse.electrochem import butler_volmer, butler_volmer_overpotential
from lisse.errors import ConvergenceError, ParameterError
from lisse.params import Param
from lisse.records.display import compact_repr
from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY, capillary_pressure, contact_angle

__all__ = [
    "DEFAULTS",
    "DEFAULTS_SI",
    "MATERIAL_DEFAULTS",
    "material_defaults",
    "PhaseFieldCoefficients",
    "coefficients_from_physical",
    "butler_volmer_factor",
    "overpotential_from_current",
    "wall_energies",
    "contact_angle_from_k_li",
    "k_li_for_contact_angle",
    "capillary_threshold_cos",
    "planar_profile",
    "interfacial_energy",
]

add(Citation("Chen2015", "L. Chen, H. W. Zhang, L. Y. Liang, Z. Liu, Y. Qi, P. Lu, J. Chen, L.-Q. Chen",
             "Modulation of dendritic patterns during electrodeposition: a nonlinear phase-field model",
             "J. Power Sources 300, 376-385", 2015, "10.1016/j.jpowsour.2015.09.055"))
add(Citation("AllenCahn1979", "S. M. Allen, J. W. Cahn",
             "A microscopic theory for antiphase boundary motion and its application to antiphase domain coarsening",
             "Acta Metall. 27, 1085-1095", 1979, "10.1016/0001-6160(79)90196-2"))

#: Default physical inputs with units and sources.
DEFAULTS: dict[str, Param] = {
    "li_surface_energy": Param(DEFAULT_LI_SURFACE_ENERGY, "J/m2", "lisse.thermo.wetting.DEFAULT_LI_SURFACE_ENERGY (from Ji2025 W_ad and theta)"),
    "interface_width": Param(10.0, "nm", "assumed: numerical diffuse-interface width δ = √(k_ζ/A), a few grid cells; physical results need δ ≪ pore size"),
    "exchange_current_density": Param(1.0, "mA/cm2", "assumed: typical Li|solid-electrolyte i0 0.1–10 mA/cm2 (Chu2024 review range)"),
    "transfer_coefficient": Param(0.5, "", "assumed: symmetric Butler–Volmer (Chen2015)"),
    "temperature": Param(298.15, "K", "assumed: room temperature"),
    "b_ratio": Param(10.0, "", "assumed: B = b_ratio·A ≫ driving force keeps Li out of the particles"),
}


#: The same defaults in SI (kept in step with :data:`DEFAULTS` by a test; avoids loading the unit
#: registry on every run). Material data (Li molar volume, conductivities) are not copied here: they come
#: from :mod:`lisse.materials` on first use, see :func:`material_defaults`.
DEFAULTS_SI: dict[str, float] = {
    "li_surface_energy": DEFAULT_LI_SURFACE_ENERGY,
    "interface_width": 10e-9,
    "exchange_current_density": 10.0,
    "transfer_coefficient": 0.5,
    "temperature": 298.15,
    "b_ratio": 10.0,
}


@compact_repr
@dataclass(frozen=True)
class PhaseFieldCoefficients:
    """Phase-field coefficients in SI units.

    Parameters
    ----------
    A : float
        Double-well height [J/m3].
    B : float
        ζ–φ_g coupling [J/m3].
    k_zeta : float
        Gradient coefficient k_ζ [J/m].
    k_li : float
        Cross-gradient (lithiophilicity) coefficient k_Li [J/m]; < 0 lithiophilic.
    L_sigma : float
        Interface (Allen–Cahn) mobility L_σ [m3/(J s)].
    L_eta : float
        Reaction mobility L_η [1/s].
    eta : float
        Applied overpotential η [V] (< 0 plates Li).
    alpha, temperature, n : float
        Transfer coefficient [-], temperature [K], electrons per Li [-] (defaults 0.5, 298.15 K, 1).
    molar_volume : float
        V_m of Li [m3/mol].
    sigma_li, sigma_pore, sigma_particle : float
        Conductivities [S/m] of Li, the pore filling and the particles (potential equation).
    surface_energy, interface_width, contact_angle_deg, exchange_current_density : float
        The physical inputs the coefficients came from (γ [J/m2], δ [m], θ [deg], i0 [A/m2]).
    sources : dict, optional
        Parameter -> source text of the defaults used.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    L. Chen et al., Modulation of dendritic patterns during electrodeposition: a nonlinear phase-field model, J. Power Sources 300, 376-385 (2015), doi:10.1016/j.jpowsour.2015.09.055.
    """

    A: float
    B: float
    k_zeta: float
    k_li: float
    L_sigma: float
    L_eta: float
    eta: float
    alpha: float = 0.5
    temperature: float = 298.15
    n: float = 1.0
    molar_volume: float = field(default_factory=lambda: _material_si("molar_volume"))
    sigma_li: float = field(default_factory=lambda: _material_si("li_conductivity"))
    sigma_pore: float = field(default_factory=lambda: _material_si("pore_conductivity"))
    sigma_particle: float = field(default_factory=lambda: _material_si("particle_conductivity"))
    surface_energy: float = DEFAULT_LI_SURFACE_ENERGY
    interface_width: float = 10e-9
    contact_angle_deg: float = float("nan")
    exchange_current_density: float = 10.0
    sources: dict = field(default_factory=dict, compare=False)

    @property
    def delta(self) -> float:
        """Interface width δ = √(k_ζ/A) [m]."""
        return math.sqrt(self.k_zeta / self.A)

    @property
    def gamma(self) -> float:
        """Li|pore interfacial energy γ = √(2 k_ζ A)/6 [J/m2]."""
        return math.sqrt(2.0 * self.k_zeta * self.A) / 6.0

    @property
    def bv_factor(self) -> float:
        """Butler–Volmer bracket exp((1−α)nFη/RT) − exp(−αnFη/RT) at the applied η [-]."""
        return butler_volmer_factor(self.eta, self.alpha, self.temperature, self.n)

    @property
    def driving_force(self) -> float:
        """Equivalent bulk driving force Δg = −L_η·bracket/L_σ [J/m3] (> 0 plates)."""
        return -self.L_eta * self.bv_factor / self.L_sigma

    def planar_velocity(self) -> float:
        """Sharp-interface velocity of a flat front v = −L_η·bracket·3√2 δ [m/s] (> 0 grows Li).

        Returns
        -------
        float
            v [m s-1].
        """
        return -self.L_eta * self.bv_factor * 3.0 * math.sqrt(2.0) * self.delta

    def to_dict(self) -> dict:
        """The coefficients as a plain dict (SI), without ``sources``.

        Returns
        -------
        dict
            Field name -> SI value.
        """
        d = asdict(self)
        d.pop("sources", None)
        return d


#: Material-data defaults: key -> (library material, property, meaning).
MATERIAL_DEFAULTS: dict[str, tuple[str, str, str]] = {
    "molar_volume": ("Li", "molar_volume", "V_m of Li"),
    "li_conductivity": ("Li", "electronic_conductivity", "conductivity of Li metal"),
    "pore_conductivity": ("LPSC", "ionic_conductivity", "electrolyte filling the pores"),
    "particle_conductivity": ("LNI", "ionic_conductivity", "interlayer particles"),
}


def material_defaults() -> dict[str, Param]:
    """The material-data defaults as :class:`~lisse.params.Param` (value, unit, source) from :mod:`lisse.materials`.

    Returns
    -------
    dict of str to Param
        Key of :data:`MATERIAL_DEFAULTS` -> value with its unit and source.
    """
    from lisse.materials import get_material

    return {k: get_material(m).param(prop) for k, (m, prop, _) in MATERIAL_DEFAULTS.items()}


def _material_si(key: str) -> float:
    from lisse.materials import get_material

    m, prop, _ = MATERIAL_DEFAULTS[key]
    return get_material(m).si(prop)


def _finite_positive(name: str, x: float, unit: str) -> float:
    if not (isinstance(x, (int, float)) and math.isfinite(x) and x > 0):
        raise ParameterError(f"parameter '{name}' must be a positive finite number in {unit}; got {x!r}")
    return float(x)


def butler_volmer_factor(eta: float, alpha: float = 0.5, temperature: float = 298.15, n: float = 1.0) -> float:
    """Butler–Volmer bracket of [Wang2024], exp((1−α)nFη/RT) − exp(−αnFη/RT) [-] (c_Li/c0 = 1).

    The anodic-positive :func:`lisse.electrochem.butler_volmer` per unit i0 with α_a = 1 − α, α_c = α
    (α is the cathodic transfer coefficient); negative while plating.

    Parameters
    ----------
    eta : float
        Overpotential η [V] (< 0 plates).
    alpha : float, default 0.5
        Cathodic transfer coefficient α [-] (dimensionless).
    temperature : float, default 298.15
        Temperature [K].
    n : float, default 1.0
        Number of electrons per Li [-] (dimensionless).

    Returns
    -------
    float
        The bracket [-] (dimensionless).

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    L. Chen et al., Modulation of dendritic patterns during electrodeposition: a nonlinear phase-field model, J. Power Sources 300, 376-385 (2015), doi:10.1016/j.jpowsour.2015.09.055.
    """
    return float(butler_volmer(eta, 1.0, 1.0 - alpha, alpha, temperature, n))


def overpotential_from_current(current_density: float, exchange_current_density: float, alpha: float = 0.5,
                               temperature: float = 298.15, n: float = 1.0) -> float:
    """Overpotential η [V] (< 0) that drives a plating current density i [A/m2] through a flat interface.

    Solves ``i = i0 [exp(−α nFη/RT) − exp((1−α) nFη/RT)]`` for η: plating current is the anodic-positive
    current −i, inverted by :func:`lisse.electrochem.butler_volmer_overpotential` (α_a = 1 − α, α_c = α).

    Parameters
    ----------
    current_density : float
        Plating current density i [A m-2] (> 0).
    exchange_current_density : float
        i0 [A m-2] (> 0).
    alpha : float, default 0.5
        Cathodic transfer coefficient α [-] (dimensionless).
    temperature : float, default 298.15
        Temperature [K].
    n : float, default 1.0
        Number of electrons per Li [-] (dimensionless).

    Returns
    -------
    float
        η [V] (< 0).

    Raises
    ------
    ParameterError
        A current density not positive, or ``alpha`` not in (0, 1).
    """
    i = _finite_positive("current_density", current_density, "A/m2")
    i0 = _finite_positive("exchange_current_density", exchange_current_density, "A/m2")
    if not 0.0 < alpha < 1.0:
        raise ParameterError(f"parameter 'transfer_coefficient' must be in (0, 1); got {alpha!r}")
    return float(butler_volmer_overpotential(-i, i0, 1.0 - alpha, alpha, temperature, n))


def planar_profile(x, delta: float):
    """Equilibrium Li|pore profile ζ(x) = ½[1 − tanh(x/(√2 δ))] (Li at x < 0).

    Parameters
    ----------
    x : array_like
        Position normal to the front [m].
    delta : float
        Interface width δ [m].

    Returns
    -------
    numpy.ndarray
        ζ [-] (dimensionless).

    References
    ----------
    S. M. Allen, J. W. Cahn, Acta Metall. 27, 1085-1095 (1979), doi:10.1016/0001-6160(79)90196-2.
    """
    import numpy as np

    return 0.5 * (1.0 - np.tanh(np.asarray(x) / (math.sqrt(2.0) * delta)))


def interfacial_energy(A: float, k_zeta: float) -> float:
    """Analytic Li|pore interfacial energy γ = √(2 k_ζ A)/6 [J/m2].

    Parameters
    ----------
    A : float
        Double-well height [J m-3].
    k_zeta : float
        Gradient coefficient k_ζ [J m-1].

    Returns
    -------
    float
        γ [J m-2].
    """
    return math.sqrt(2.0 * k_zeta * A) / 6.0


def wall_profile(x, delta_g: float):
    """Static particle field across a flat wall, φ_g = ½[1 + tanh(x/(√2 δ_g))] (solid at x > 0)."""
    import numpy as np

    return 0.5 * (1.0 + np.tanh(np.asarray(x) / (math.sqrt(2.0) * delta_g)))


def _relax_1d(zeta, phi, h, A, B, k, k_li, left, right, tol=1e-11, max_iter=200):
    """Newton solve of the 1D Euler–Lagrange equation with Dirichlet ends (banded Jacobian); returns ζ."""
    import numpy as np
    from scipy.linalg import solve_banded

    n = zeta.size
    z = zeta.copy()
    z[0], z[-1] = left, right
    lap_phi = np.zeros(n)
    lap_phi[1:-1] = (phi[2:] - 2 * phi[1:-1] + phi[:-2]) / h**2
    ab = np.zeros((3, n))
    for _ in range(max_iter):
        lap = np.zeros(n)
        lap[1:-1] = (z[2:] - 2 * z[1:-1] + z[:-2]) / h**2
        r = 2 * A * z * (1 - z) * (1 - 2 * z) + B * z * phi**2 - k * lap + k_li * lap_phi
        r[0] = r[-1] = 0.0
        d = 2 * A * (1 - 6 * z + 6 * z**2) + B * phi**2 + 2 * k / h**2
        d[0] = d[-1] = 1.0
        ab[0, 1:] = -k / h**2  # super-diagonal
        ab[2, :-1] = -k / h**2  # sub-diagonal
        ab[0, 1] = 0.0
        ab[2, -2] = 0.0
        ab[1] = d
        dz = solve_banded((1, 1), ab, -r)
        z += dz
        if np.max(np.abs(dz)) < tol:
            return z
    raise ConvergenceError("1D wall-energy Newton solve did not converge (phase-field wetting calibration)")


def _energy_1d(z, phi, h, A, B, k, k_li):
    import numpy as np

    zf = 0.5 * (z[1:] + z[:-1])
    pf = 0.5 * (phi[1:] + phi[:-1])
    dz = np.diff(z) / h
    dp = np.diff(phi) / h
    f = A * zf**2 * (1 - zf) ** 2 + 0.5 * B * zf**2 * pf**2 + 0.5 * k * dz**2 - k_li * dz * dp
    return float(np.sum(f) * h)


def wall_energies(A: float, B: float, k_zeta: float, k_li: float, delta_g: float, h: float | None = None) -> dict:
    """Interfacial energies [J/m2] of the model at a flat particle wall, by 1D energy minimisation.

    Parameters
    ----------
    A, B : float
        Double-well height and ζ-φ_g coupling [J m-3].
    k_zeta, k_li : float
        Gradient and cross-gradient coefficients [J m-1].
    delta_g : float
        Width of the static particle profile φ_g = ½[1 + tanh(x/(√2 δ_g))] [m].
    h : float, optional
        1D grid spacing [m]; default δ/16 (continuum limit). Pass the simulation's dx to get the
        energies of the discrete model.

    Returns
    -------
    dict
        ``gamma_LE`` (Li|pore, analytic), ``gamma_SL`` (Li|solid), ``gamma_SE`` (pore|solid), ``cos_theta``
        (Young, unclipped).

    Raises
    ------
    ConvergenceError
        The 1D Newton minimisation does not converge.
    """
    import numpy as np

    delta = math.sqrt(k_zeta / A)
    h = delta / 16.0 if h is None else h
    half = 12.0 * max(delta, delta_g)
    x = np.arange(-half, half + 0.5 * h, h)
    phi = wall_profile(x, delta_g)
    e_ref_phi = 0.0
    # Li against the solid: Li bulk on the left (ζ = 1), ζ = 0 deep in the solid.
    z0 = 1.0 - phi
    z_sl = _relax_1d(z0, phi, h, A, B, k_zeta, k_li, 1.0, 0.0)
    # pore against the solid: ζ = 0 far on both sides.
    z_se = _relax_1d(np.zeros_like(x), phi, h, A, B, k_zeta, k_li, 0.0, 0.0)
    g_sl = _energy_1d(z_sl, phi, h, A, B, k_zeta, k_li) - e_ref_phi
    g_se = _energy_1d(z_se, phi, h, A, B, k_zeta, k_li) - e_ref_phi
    g_le = interfacial_energy(A, k_zeta)
    return {"gamma_LE": g_le, "gamma_SL": g_sl, "gamma_SE": g_se, "cos_theta": (g_se - g_sl) / g_le}


def contact_angle_from_k_li(A: float, B: float, k_zeta: float, k_li: float, delta_g: float,
                            h: float | None = None) -> float:
    """Young contact angle [deg] that the model gives for a cross-gradient coefficient k_Li [J/m].

    Parameters
    ----------
    A : float
        Double-well height [J m-3].
    B : float
        ζ-φ_g coupling [J m-3].
    k_zeta : float
        Gradient coefficient k_ζ [J m-1].
    k_li : float
        Cross-gradient coefficient k_Li [J m-1]; < 0 lithiophilic.
    delta_g : float
        Width of the static particle profile φ_g = ½[1 + tanh(x/(√2 δ_g))] [m].
    h : float, optional
        1D grid spacing [m]; default δ/16 (continuum limit).

    Returns
    -------
    float
        θ [deg].

    Raises
    ------
    ConvergenceError
        The 1D Newton minimisation does not converge.
    """
    c = wall_energies(A, B, k_zeta, k_li, delta_g, h)["cos_theta"]
    return math.degrees(math.acos(min(1.0, max(-1.0, c))))


def k_li_for_contact_angle(theta_deg: float, A: float, B: float, k_zeta: float, delta_g: float,
                           h: float | None = None) -> float:
    """Cross-gradient coefficient k_Li [J/m] giving the Young contact angle θ (inverse of the above).

    Parameters
    ----------
    theta_deg : float
        Target Young contact angle θ [deg].
    A : float
        Double-well height [J m-3].
    B : float
        ζ-φ_g coupling [J m-3].
    k_zeta : float
        Gradient coefficient k_ζ [J m-1].
    delta_g : float
        Width of the static particle profile φ_g = ½[1 + tanh(x/(√2 δ_g))] [m].
    h : float, optional
        1D grid spacing [m]; default δ/16 (continuum limit).

    Returns
    -------
    float
        k_Li [J m-1].

    Raises
    ------
    ParameterError
        When θ is outside [0, 180] deg or outside the range the model can reach.
    """
    from scipy.optimize import brentq

    if not (isinstance(theta_deg, (int, float)) and 0.0 <= theta_deg <= 180.0):
        raise ParameterError(f"parameter 'contact_angle' must be between 0 and 180 deg; got {theta_deg!r}")
    target = math.cos(math.radians(theta_deg))
    # cos θ is linear-plus-small-quadratic in k_Li; scale by the natural unit √(k_ζ A)·δ_g.
    unit = math.sqrt(k_zeta * A) * delta_g

    def g(s: float) -> float:
        return wall_energies(A, B, k_zeta, s * unit, delta_g, h)["cos_theta"] - target

    lo, hi = -1.0, 1.0
    glo, ghi = g(lo), g(hi)
    for _ in range(6):
        if glo * ghi <= 0:
            break
        lo, hi = lo * 2, hi * 2
        glo, ghi = g(lo), g(hi)
    else:
        if glo * ghi > 0:
            raise ParameterError(f"contact angle {theta_deg} deg is outside the range the phase-field model reaches "
                                 f"with b_ratio={B / A:.3g} (cos θ {glo + target:.3f} .. {ghi + target:.3f})")
    return float(brentq(g, lo, hi, xtol=1e-8)) * unit


def capillary_threshold_cos(driving_force: float, pore_width: float, surface_energy: float) -> float:
    """Young–Laplace transition cos θ_c = −Δg·w/(2γ): Li enters a slit of width w when cos θ > cos θ_c.

    Uses :func:`lisse.thermo.wetting.capillary_pressure` (2γcosθ/r with r = w, the 2D slit).

    Parameters
    ----------
    driving_force : float
        Bulk driving force Δg [J m-3] (> 0 plates).
    pore_width : float
        Slit width w [m].
    surface_energy : float
        Li|pore interfacial energy γ [J m-2].

    Returns
    -------
    float
        cos θ_c [-] (dimensionless; may lie outside [-1, 1]).

    Raises
    ------
    ParameterError
        ``pore_width`` or ``surface_energy`` not positive.
    """
    _finite_positive("pore_width", pore_width, "m")
    p_unit = capillary_pressure(pore_width, 0.0, surface_energy)  # 2γ/w
    return -driving_force / p_unit


def coefficients_from_physical(
    contact_angle_deg: float | None = None,
    *,
    work_of_adhesion: float | None = None,
    li_surface_energy: float | None = None,
    interface_width: float | None = None,
    exchange_current_density: float | None = None,
    overpotential: float | None = None,
    current_density: float | None = None,
    particle_width: float | None = None,
    b_ratio: float | None = None,
    transfer_coefficient: float | None = None,
    temperature: float | None = None,
    molar_volume: float | None = None,
    sigma_li: float | None = None,
    sigma_pore: float | None = None,
    sigma_particle: float | None = None,
    calibration_h: float | None = None,
) -> PhaseFieldCoefficients:
    """Phase-field coefficients from physical inputs (all SI floats; None takes :data:`DEFAULTS`).

    Parameters
    ----------
    contact_angle_deg : float
        Young contact angle of Li on the particles [deg].
    work_of_adhesion : float
        Alternatively W_ad of Li on the particles [J/m2] (e.g. from DFT slabs); converted with
        :func:`lisse.thermo.wetting.contact_angle` (Young–Dupré, with the same γ). Give exactly one.
    li_surface_energy : float
        γ of the Li|pore interface [J/m2].
    interface_width : float
        δ [m].
    exchange_current_density : float
        i0 [A/m2].
    overpotential, current_density : float
        Applied η [V] (< 0 plates) or plating current density [A/m2] (> 0); exactly one, or neither
        for η = 0.
    particle_width : float
        Width δ_g of the static φ_g profile [m]; default δ.
    b_ratio : float
        B/A [-].
    transfer_coefficient : float, optional
        Cathodic transfer coefficient α [-] (dimensionless, default 0.5).
    temperature : float, optional
        Temperature [K] (default 298.15 K).
    molar_volume : float, optional
        V_m of Li [m3 mol-1] (default from :mod:`lisse.materials`).
    sigma_li, sigma_pore, sigma_particle : float, optional
        Conductivities [S m-1] of Li, the pore filling and the particles (default from :mod:`lisse.materials`).
    calibration_h : float, optional
        1D grid spacing of the wetting calibration [m] (default: continuum, δ/16).

    Returns
    -------
    PhaseFieldCoefficients
        The coefficients (SI) with the physical inputs they came from.

    Raises
    ------
    ParameterError
        Not exactly one of ``contact_angle_deg``/``work_of_adhesion``, both ``overpotential`` and
        ``current_density``, or a value not positive, out of range or unreachable by the model.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    L. Chen et al., Modulation of dendritic patterns during electrodeposition: a nonlinear phase-field model, J. Power Sources 300, 376-385 (2015), doi:10.1016/j.jpowsour.2015.09.055.
    """
    register("Wang2024", "Chen2015")
    d = DEFAULTS_SI
    gamma = _finite_positive("li_surface_energy", d["li_surface_energy"] if li_surface_energy is None else li_surface_energy, "J/m2")
    if work_of_adhesion is not None and contact_angle_deg is None:
        theta_deg = contact_angle(work_of_adhesion, gamma).contact_angle_deg
    elif contact_angle_deg is not None and work_of_adhesion is None:
        theta_deg = contact_angle_deg
    else:
        raise ParameterError("give exactly one of 'contact_angle_deg' and 'work_of_adhesion'")
    delta = _finite_positive("interface_width", d["interface_width"] if interface_width is None else interface_width, "m")
    i0 = _finite_positive("exchange_current_density", d["exchange_current_density"] if exchange_current_density is None else exchange_current_density, "A/m2")
    alpha = d["transfer_coefficient"] if transfer_coefficient is None else float(transfer_coefficient)
    if not 0.0 < alpha < 1.0:
        raise ParameterError(f"parameter 'transfer_coefficient' must be in (0, 1); got {alpha!r}")
    T = _finite_positive("temperature", d["temperature"] if temperature is None else temperature, "K")
    vm = _finite_positive("molar_volume", _material_si("molar_volume") if molar_volume is None else molar_volume, "m3/mol")
    br = _finite_positive("b_ratio", d["b_ratio"] if b_ratio is None else b_ratio, "")
    dg = delta if particle_width is None else _finite_positive("particle_width", particle_width, "m")
    if overpotential is not None and current_density is not None:
        raise ParameterError("give either 'overpotential' or 'current_density', not both")
    if current_density is not None:
        eta = overpotential_from_current(current_density, i0, alpha, T)
    elif overpotential is not None:
        eta = float(overpotential)
        if not math.isfinite(eta) or abs(eta) > 2.0:
            raise ParameterError(f"parameter 'overpotential' must be a finite voltage within ±2 V; got {overpotential!r}")
    else:
        eta = 0.0
    A = 3.0 * math.sqrt(2.0) * gamma / delta
    k = 3.0 * math.sqrt(2.0) * gamma * delta
    B = br * A
    L_eta = i0 * vm / (FARADAY * 3.0 * math.sqrt(2.0) * delta)
    L_sigma = L_eta * vm / (GAS_CONSTANT * T)
    k_li = k_li_for_contact_angle(theta_deg, A, B, k, dg, calibration_h)
    return PhaseFieldCoefficients(
        A=A, B=B, k_zeta=k, k_li=k_li, L_sigma=L_sigma, L_eta=L_eta, eta=eta, alpha=alpha, temperature=T,
        molar_volume=vm,
        sigma_li=_material_si("li_conductivity") if sigma_li is None else _finite_positive("sigma_li", sigma_li, "S/m"),
        sigma_pore=_material_si("pore_conductivity") if sigma_pore is None else _finite_positive("sigma_pore", sigma_pore, "S/m"),
        sigma_particle=_material_si("particle_conductivity") if sigma_particle is None else _finite_positive("sigma_particle", sigma_particle, "S/m"),
        surface_energy=gamma, interface_width=delta, contact_angle_deg=float(theta_deg),
        exchange_current_density=i0, sources={k: p.source for k, p in DEFAULTS.items()},
    )
