"""Graded composite interlayers: mixing laws and the sub-layer stack of a composition profile (pure functions).

A graded layer (Wang2024's LNI-25 % Mg: an ion conductor with a metal filler whose content changes through the
thickness) is simulated as ``N`` uniform sub-layers. Each sub-layer's filler volume fraction is the profile's
average over it, and its conductivities follow from two mixing laws:

Mass -> volume fraction (densities ``rho_f`` of the filler, ``rho_m`` of the matrix)::

    phi = (w / rho_f) / (w / rho_f + (1 - w) / rho_m)

Electronic conductivity: McLachlan's general effective medium (GEM) equation for a conductor of volume fraction
``phi`` (conductivity ``sigma_h``) in a poorer matrix (``sigma_l``), percolation threshold ``phi_c`` and exponent ``t``
(McLachlan 1987; McLachlan, Blaszkiewicz and Newnham 1990)::

    (1 - phi) (sigma_l^(1/t) - sigma^(1/t)) / (sigma_l^(1/t) + A sigma^(1/t))
        + phi (sigma_h^(1/t) - sigma^(1/t)) / (sigma_h^(1/t) + A sigma^(1/t)) = 0,    A = (1 - phi_c) / phi_c

It is a quadratic in ``s = sigma^(1/t)`` (:func:`gem_conductivity` takes its positive root). Limits: ``sigma_l`` at
``phi = 0``, ``sigma_h`` at ``phi = 1``; for ``sigma_l -> 0`` and ``phi > phi_c`` the percolation law
``sigma_h ((phi - phi_c) / (1 - phi_c))^t``. ``phi_c = 0.16``: the critical volume fraction of 3D continuum
percolation of the conducting phase (Scher and Zallen 1970); ``t = 2.0``: the universal 3D conductivity exponent
(Stauffer and Aharony 1994, t ~ 2.0; McLachlan 1990 find t ~ 1.6-2 in metal-insulator composites).

Ionic conductivity: the filler is taken to carry no Li+ (no Li-Mg alloying on the time scale of a half cycle), and
the matrix's Li+ path is obstructed as in a Bruggeman medium with non-conducting inclusions (Bruggeman 1935)::

    sigma_ion = sigma_ion,m (1 - phi)^1.5

Li contact angle of the layer's faces: Cassie's area average (Cassie 1948) with the filler's area fraction of a random
section equal to its volume fraction, the rule the library already uses for the LNI-CNT layers::

    cos(theta) = phi cos(theta_f) + (1 - phi) cos(theta_m)

The composition profile from the Li anode (``xi = 0``) to the electrolyte (``xi = 1``) keeps the mean filler volume
fraction ``phi_bar`` of the stated mass fraction: ``"linear"`` ``phi = 2 phi_bar (1 - xi)`` (filler-rich, electron-
conducting and lithiophilic at the Li side, insulating at the electrolyte: the gradient design of the mixed-conducting
interlayer literature, Wang2024, and the LiF-LiAl gradients reviewed by Chu2024), ``"reversed"`` ``2 phi_bar xi`` and
``"uniform"`` ``phi_bar``. The sub-layer averages of a linear profile are its midpoint values, so the stack keeps
``phi_bar`` exactly.

References
----------
McLachlan, J. Phys. C: Solid State Phys. 20, 865 (1987), doi:10.1088/0022-3719/20/7/004.
McLachlan, Blaszkiewicz and Newnham, J. Am. Ceram. Soc. 73, 2187 (1990), doi:10.1111/j.1151-2916.1990.tb07576.x.
Scher and Zallen, J. Chem. Phys. 53, 3759 (1970), doi:10.1063/1.1674565.
Stauffer and Aharony, Introduction to Percolation Theory, 2nd ed., Taylor & Francis (1994).
Bruggeman, Ann. Phys. 416, 636 (1935), doi:10.1002/andp.19354160705.
Cassie, Discuss. Faraday Soc. 3, 11 (1948), doi:10.1039/df9480300011.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from lisse.citations import Citation, add, register
from lisse.errors import ParameterError
from lisse.units import quantity_args

__all__ = [
    "GradedComposite",
    "SubLayer",
    "GradedStack",
    "GRADED_COMPOSITES",
    "PROFILES",
    "filler_volume_fraction",
    "gem_conductivity",
    "bruggeman_conductivity",
    "cassie_contact_angle",
    "graded_composite",
    "graded_stack",
]

for _c in (
    Citation("McLachlan1987", "McLachlan, D. S.", "An equation for the conductivity of binary mixtures with anisotropic grain "
             "structures", "J. Phys. C: Solid State Phys. 20, 865-877", 1987, "10.1088/0022-3719/20/7/004"),
    Citation("McLachlan1990", "McLachlan, D. S.; Blaszkiewicz, M.; Newnham, R. E.", "Electrical resistivity of composites",
             "J. Am. Ceram. Soc. 73, 2187-2203", 1990, "10.1111/j.1151-2916.1990.tb07576.x"),
    Citation("ScherZallen1970", "Scher, H.; Zallen, R.", "Critical density in percolation processes", "J. Chem. Phys. 53, 3759-3761",
             1970, "10.1063/1.1674565"),
    Citation("Stauffer1994", "Stauffer, D.; Aharony, A.", "Introduction to Percolation Theory, 2nd edition", "Taylor & Francis", 1994),
    Citation("Bruggeman1935", "Bruggeman, D. A. G.", "Berechnung verschiedener physikalischer Konstanten von heterogenen Substanzen",
             "Ann. Phys. 416, 636-664", 1935, "10.1002/andp.19354160705"),
    Citation("Cassie1948", "Cassie, A. B. D.", "Contact angles", "Discuss. Faraday Soc. 3, 11-16", 1948, "10.1039/df9480300011"),
):
    add(_c)

#: Composition profiles through the thickness (Li anode side first): see the module notes.
PROFILES: tuple[str, ...] = ("linear", "reversed", "uniform")


def filler_volume_fraction(mass_fraction: float, filler_density: float, matrix_density: float) -> float:
    """Volume fraction of a filler in a dense two-phase mixture from its mass fraction and the two densities.

    ``phi = (w/rho_f) / (w/rho_f + (1 - w)/rho_m)``.

    Parameters
    ----------
    mass_fraction : float
        Filler mass fraction w [-], in [0, 1].
    filler_density : float
        Filler density rho_f [any unit, the same as ``matrix_density``], > 0.
    matrix_density : float
        Matrix density rho_m [same unit], > 0.

    Returns
    -------
    float
        phi [-].

    Raises
    ------
    ParameterError
        ``mass_fraction`` outside [0, 1] or a density that is not positive.
    """
    if not 0.0 <= mass_fraction <= 1.0:
        raise ParameterError(f"parameter 'mass_fraction' must be in [0, 1]; got {mass_fraction!r}")
    if not (filler_density > 0 and matrix_density > 0):
        raise ParameterError(f"densities must be > 0; got filler {filler_density!r}, matrix {matrix_density!r}")
    vf = mass_fraction / filler_density
    return vf / (vf + (1.0 - mass_fraction) / matrix_density)


@quantity_args(sigma_matrix="S/m", sigma_filler="S/m")
def gem_conductivity(phi: float, sigma_matrix: float, sigma_filler: float, percolation_threshold: float = 0.16,
                     exponent: float = 2.0) -> float:
    """Conductivity [S/m] of a two-phase mixture by McLachlan's general effective medium (GEM) equation.

    Solves ``(1-phi)(a - s)/(a + A s) + phi (b - s)/(b + A s) = 0`` for ``s = sigma^(1/t)`` with ``a = sigma_matrix^(1/t)``,
    ``b = sigma_filler^(1/t)``, ``A = (1 - phi_c)/phi_c``: ``A s^2 - B s - a b = 0``,
    ``B = (1-phi)(A a - b) + phi (A b - a)``, positive root ``s = 2 a b / (sqrt(B^2 + 4 A a b) - B)`` (the form without
    cancellation when B < 0). Limits: ``sigma_matrix`` at phi = 0, ``sigma_filler`` at phi = 1; for ``sigma_matrix -> 0``
    and phi > phi_c the percolation law ``sigma_filler ((phi - phi_c)/(1 - phi_c))^t``.

    Parameters
    ----------
    phi : float
        Volume fraction of the filler (the better conductor) [-], in [0, 1].
    sigma_matrix : float [S/m] or str
        Conductivity of the matrix (the poorer conductor), > 0.
    sigma_filler : float [S/m] or str
        Conductivity of the filler, >= ``sigma_matrix``.
    percolation_threshold : float
        Critical volume fraction phi_c of the filler [-], in (0, 1); default 0.16 (3D, Scher and Zallen 1970).
    exponent : float
        Percolation exponent t [-], > 0; default 2.0 (3D universal value, Stauffer and Aharony 1994).

    Returns
    -------
    float
        sigma [S/m].

    Raises
    ------
    ParameterError
        phi outside [0, 1], phi_c outside (0, 1), t <= 0, a conductivity that is not positive, or
        ``sigma_filler < sigma_matrix``.

    References
    ----------
    McLachlan, J. Phys. C 20, 865 (1987), doi:10.1088/0022-3719/20/7/004.
    Scher and Zallen, J. Chem. Phys. 53, 3759 (1970), doi:10.1063/1.1674565.
    """
    if not 0.0 <= phi <= 1.0:
        raise ParameterError(f"parameter 'phi' must be a volume fraction in [0, 1]; got {phi!r}")
    if not 0.0 < percolation_threshold < 1.0:
        raise ParameterError(f"parameter 'percolation_threshold' must be in (0, 1); got {percolation_threshold!r}")
    if not exponent > 0:
        raise ParameterError(f"parameter 'exponent' must be > 0; got {exponent!r}")
    if not (sigma_matrix > 0 and sigma_filler >= sigma_matrix):
        raise ParameterError(f"conductivities must satisfy 0 < sigma_matrix <= sigma_filler; got {sigma_matrix!r} and {sigma_filler!r} S/m")
    register("McLachlan1987", "ScherZallen1970")
    a = sigma_matrix ** (1.0 / exponent)
    b = sigma_filler ** (1.0 / exponent)
    big_a = (1.0 - percolation_threshold) / percolation_threshold
    big_b = (1.0 - phi) * (big_a * a - b) + phi * (big_a * b - a)
    root = math.sqrt(big_b * big_b + 4.0 * big_a * a * b)
    s = (big_b + root) / (2.0 * big_a) if big_b >= 0 else 2.0 * a * b / (root - big_b)
    return float(min(max(s, a), b) ** exponent)


@quantity_args(sigma="S/m")
def bruggeman_conductivity(sigma: float, blocking_fraction: float, exponent: float = 1.5) -> float:
    """Conductivity [S/m] of a conductor obstructed by non-conducting inclusions: ``sigma (1 - phi)^n`` (Bruggeman 1935).

    Parameters
    ----------
    sigma : float [S/m] or str
        Conductivity of the conducting phase alone, >= 0.
    blocking_fraction : float
        Volume fraction phi of the non-conducting inclusions [-], in [0, 1].
    exponent : float
        Bruggeman exponent n [-], > 0; 1.5 for spheres.

    Returns
    -------
    float
        Effective conductivity [S/m].

    Raises
    ------
    ParameterError
        ``blocking_fraction`` outside [0, 1], a negative ``sigma`` or ``exponent`` <= 0.

    References
    ----------
    Bruggeman, Ann. Phys. 416, 636 (1935), doi:10.1002/andp.19354160705.
    """
    if not 0.0 <= blocking_fraction <= 1.0:
        raise ParameterError(f"parameter 'blocking_fraction' must be in [0, 1]; got {blocking_fraction!r}")
    if not (sigma >= 0 and exponent > 0):
        raise ParameterError(f"need sigma >= 0 and exponent > 0; got {sigma!r} S/m and {exponent!r}")
    register("Bruggeman1935")
    return float(sigma * (1.0 - blocking_fraction) ** exponent)


def cassie_contact_angle(fraction: float, theta_a: float, theta_b: float) -> float:
    """Cassie (area-averaged) contact angle [deg] on a surface of two phases: ``cos t = f cos t_a + (1 - f) cos t_b``.

    Parameters
    ----------
    fraction : float
        Area fraction f of phase a [-], in [0, 1].
    theta_a : float
        Young contact angle on phase a [deg], in [0, 180].
    theta_b : float
        Young contact angle on phase b [deg], in [0, 180].

    Returns
    -------
    float
        Contact angle [deg].

    Raises
    ------
    ParameterError
        A fraction outside [0, 1] or an angle outside [0, 180] deg.

    References
    ----------
    Cassie, Discuss. Faraday Soc. 3, 11 (1948), doi:10.1039/df9480300011.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ParameterError(f"parameter 'fraction' must be in [0, 1]; got {fraction!r}")
    for nm, th in (("theta_a", theta_a), ("theta_b", theta_b)):
        if not 0.0 <= th <= 180.0:
            raise ParameterError(f"parameter '{nm}' must be a contact angle in [0, 180] deg; got {th!r}")
    register("Cassie1948")
    c = fraction * math.cos(math.radians(theta_a)) + (1.0 - fraction) * math.cos(math.radians(theta_b))
    return math.degrees(math.acos(min(1.0, max(-1.0, c))))


@dataclass(frozen=True)
class GradedComposite:
    """A graded matrix-filler interlayer: composition, profile and the assumptions of its mixing laws.

    The densities, the filler's conductivity and Li contact angle, and the matrix's ionic conductivity come from the
    materials library (:func:`lisse.materials.get_material`); what the library does not hold is a field here, with
    its source in ``sources``.

    Parameters
    ----------
    name : str
        Library name of the layer (``"LNI-25Mg"``).
    matrix : str
        Library name of the ion-conducting matrix (``"LNI"``).
    filler : str
        Library name of the electron-conducting filler (``"Mg"``).
    filler_mass_fraction : float
        Mean filler mass fraction w [-] of the whole layer.
    profile : str, default "linear"
        One of :data:`PROFILES` (Li anode side first).
    n_layers : int, default 10
        Number N of uniform sub-layers (a count), 1 to 500.
    percolation_threshold : float, default 0.16
        phi_c of the GEM law [-].
    percolation_exponent : float, default 2.0
        t of the GEM law [-].
    bruggeman_exponent : float, default 1.5
        Exponent of the matrix's ionic path [-].
    matrix_sigma_e : float, default 1e-7
        Electronic conductivity of the matrix [S/m].
    matrix_contact_angle : float, default 120.0
        Young contact angle of Li on the matrix [deg].
    sources : dict of str to str
        Where each assumption comes from.

    Raises
    ------
    ParameterError
        An unknown profile, ``n_layers`` outside [1, 500] or a mass fraction outside (0, 1).
    """

    name: str
    matrix: str
    filler: str
    filler_mass_fraction: float
    profile: str = "linear"
    n_layers: int = 10
    percolation_threshold: float = 0.16
    percolation_exponent: float = 2.0
    bruggeman_exponent: float = 1.5
    matrix_sigma_e: float = 1e-7
    matrix_contact_angle: float = 120.0
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ParameterError(f"graded layer '{self.name}': profile must be one of {list(PROFILES)}; got '{self.profile}'")
        if not (isinstance(self.n_layers, int) and 1 <= self.n_layers <= 500):
            raise ParameterError(f"graded layer '{self.name}': n_layers must be an integer in [1, 500]; got {self.n_layers!r}")
        if not 0.0 < self.filler_mass_fraction < 1.0:
            raise ParameterError(f"graded layer '{self.name}': filler_mass_fraction must be in (0, 1); got {self.filler_mass_fraction!r}")

    def with_(self, **changes: object) -> GradedComposite:
        """A copy with some fields replaced (for sensitivity runs: ``profile``, ``n_layers``, ``percolation_threshold`` ...).

        Parameters
        ----------
        **changes
            Fields of :class:`GradedComposite`.

        Returns
        -------
        GradedComposite
            The new spec (validated); changed fields are marked ``"user"`` in its sources.
        """
        src = dict(self.sources)
        src.update({k: "user" for k in changes})
        return replace(self, sources=src, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SubLayer:
    """One uniform sub-layer of a graded stack.

    Parameters
    ----------
    name : str
        ``"NAME[k/N]"`` (k = 1 at the Li anode).
    thickness_fraction : float
        Its share of the layer thickness [-].
    filler_volume_fraction : float
        Mean filler volume fraction over the sub-layer [-].
    sigma_ion : float
        Ionic conductivity [S/m].
    sigma_e : float
        Electronic conductivity [S/m].
    """

    name: str
    thickness_fraction: float
    filler_volume_fraction: float
    sigma_ion: float
    sigma_e: float


@dataclass(frozen=True)
class GradedStack:
    """The sub-layers of a graded layer (Li anode first) and what follows from its profile.

    Parameters
    ----------
    composite : GradedComposite
        The spec it was built from.
    sublayers : tuple of SubLayer
        The stack, Li anode side first.
    mean_filler_volume_fraction : float
        phi_bar [-] from the stated mass fraction.
    face_filler_volume_fraction : float
        Filler volume fraction at the Li-side face (xi = 0) [-].
    face_contact_angle : float
        Cassie Li contact angle of the Li-side face [deg].
    sources : dict of str to str
        Source of every input (library values and assumptions).
    """

    composite: GradedComposite
    sublayers: tuple[SubLayer, ...]
    mean_filler_volume_fraction: float
    face_filler_volume_fraction: float
    face_contact_angle: float
    sources: dict[str, str]

    def describe(self) -> str:
        """One line: the profile, phi_bar, the face fractions and the conductivity range (for model sources).

        Returns
        -------
        str
            Human-readable summary.
        """
        c = self.composite
        se = [s.sigma_e * 0.01 for s in self.sublayers]
        si = [s.sigma_ion * 0.01 for s in self.sublayers]
        return (f"graded {c.name}: {c.filler_mass_fraction * 100:g} wt% {c.filler} in {c.matrix} (phi_bar = "
                f"{self.mean_filler_volume_fraction:.4f}), profile '{c.profile}' in {c.n_layers} sub-layers (Li side first); "
                f"sigma_e {se[0]:.3g} -> {se[-1]:.3g} S/cm (GEM, phi_c = {c.percolation_threshold:g}, t = {c.percolation_exponent:g}), "
                f"sigma_ion {si[0]:.3g} -> {si[-1]:.3g} S/cm (Bruggeman n = {c.bruggeman_exponent:g}); "
                f"Li-side face: phi = {self.face_filler_volume_fraction:.3f}, Cassie angle {self.face_contact_angle:.1f} deg")


def _profile(composite: GradedComposite, phi_bar: float, xi0: float, xi1: float) -> float:
    """Mean filler volume fraction of the profile over [xi0, xi1] (exact for the linear profiles: the midpoint)."""
    xm = 0.5 * (xi0 + xi1)
    if composite.profile == "linear":
        return 2.0 * phi_bar * (1.0 - xm)
    if composite.profile == "reversed":
        return 2.0 * phi_bar * xm
    return phi_bar


def graded_stack(composite: GradedComposite | str, n_layers: int | None = None) -> GradedStack:
    """Build the N uniform sub-layers of a graded layer from its composition profile and the two mixing laws.

    See the module notes for the equations: the mean filler volume fraction ``phi_bar`` from the mass fraction and
    the library densities; the profile's mean over each sub-layer; ``sigma_e`` by :func:`gem_conductivity` between the
    matrix's ``matrix_sigma_e`` and the filler's library electronic conductivity; ``sigma_ion`` by
    :func:`bruggeman_conductivity` of the matrix's library ionic conductivity; the Li-side face's Cassie angle
    (:func:`cassie_contact_angle`) between the filler's library ``li_contact_angle`` and ``matrix_contact_angle``.

    Parameters
    ----------
    composite : GradedComposite or str
        The spec, or the library name of one in :data:`GRADED_COMPOSITES`.
    n_layers : int, optional
        Number of sub-layers (None: the spec's ``n_layers``).

    Returns
    -------
    GradedStack
        The stack (thickness fractions sum to 1; the thickness-weighted filler fraction is ``phi_bar``).

    Raises
    ------
    ParameterError
        An unknown name, a profile that would need a filler fraction above 1 (2 phi_bar > 1), or a library value
        that is missing.

    References
    ----------
    McLachlan, J. Phys. C 20, 865 (1987), doi:10.1088/0022-3719/20/7/004.
    Bruggeman, Ann. Phys. 416, 636 (1935), doi:10.1002/andp.19354160705.
    Cassie, Discuss. Faraday Soc. 3, 11 (1948), doi:10.1039/df9480300011.
    """
    from lisse.materials.library import get_material

    if isinstance(composite, str):
        spec = graded_composite(composite)
        if spec is None:
            raise ParameterError(f"'{composite}' is not a graded layer; known: {', '.join(sorted(GRADED_COMPOSITES))}")
        composite = spec
    if n_layers is not None:
        composite = composite.with_(n_layers=int(n_layers))
    c = composite
    m, f = get_material(c.matrix), get_material(c.filler)
    phi_bar = filler_volume_fraction(c.filler_mass_fraction, f.si("density"), m.si("density"))
    if c.profile != "uniform" and 2.0 * phi_bar > 1.0:
        raise ParameterError(f"graded layer '{c.name}': a '{c.profile}' profile with mean filler volume fraction {phi_bar:.3f} "
                             "needs 2 phi_bar <= 1 at its rich face; use profile 'uniform' or a smaller mass fraction")
    sig_ion_m = m.si("ionic_conductivity")
    sig_e_f = f.si("electronic_conductivity")
    theta_f = math.degrees(f.si("li_contact_angle"))
    n = c.n_layers
    subs = []
    for k in range(n):
        phi = _profile(c, phi_bar, k / n, (k + 1) / n)
        subs.append(SubLayer(f"{c.name}[{k + 1}/{n}]", 1.0 / n, phi,
                             bruggeman_conductivity(sig_ion_m, phi, c.bruggeman_exponent),
                             gem_conductivity(phi, c.matrix_sigma_e, sig_e_f, c.percolation_threshold, c.percolation_exponent)))
    phi_face = _profile(c, phi_bar, 0.0, 0.0)
    sources = dict(c.sources)
    sources.update({
        "matrix_density": f"{m.param('density').source} (materials library: {m.name})",
        "filler_density": f"{f.param('density').source} (materials library: {f.name})",
        "matrix_sigma_ion": f"{m.param('ionic_conductivity').source} (materials library: {m.name})",
        "filler_sigma_e": f"{f.param('electronic_conductivity').source} (materials library: {f.name})",
        "filler_contact_angle": f"{f.param('li_contact_angle').source} (materials library: {f.name})",
    })
    return GradedStack(c, tuple(subs), phi_bar, phi_face, cassie_contact_angle(phi_face, theta_f, c.matrix_contact_angle), sources)


_LNI_MG_SOURCES = {
    "filler_mass_fraction": "Wang2024 (LNI-25% Mg: 25 wt% Mg on average)",
    "profile": "assumed (no Mg profile in the text of Wang2024 available to lisse): linear in Mg volume fraction from "
               "2 phi_bar at the Li side to 0 at the electrolyte side, the gradient design of mixed-conducting interlayers "
               "(electron-conducting, lithiophilic alloy at the Li side, electronically insulating at the electrolyte; "
               "Wang2024, Chu2024's LiF-LiAl gradients)",
    "n_layers": "assumed: 10 sub-layers (the result is checked unchanged at 20)",
    "percolation_threshold": "ScherZallen1970: critical volume fraction ~0.16 of 3D continuum percolation",
    "percolation_exponent": "Stauffer1994: 3D conductivity exponent t ~ 2.0 (McLachlan1990: 1.6-2 in metal-insulator composites)",
    "bruggeman_exponent": "Bruggeman1935 (spherical inclusions); Mg carries no Li+ and Li-Mg alloying is not modelled (assumed)",
    "matrix_sigma_e": "assumed: 1e-9 S/cm for Li7N2I without CNT (no measured value found; below Wang2024's least-doped "
                      "LNI-0.5% CNT, 6.7e-8 S/cm)",
    "matrix_contact_angle": "assumed: 120 deg, the library's angle of Li on LNI (Wang2024 call LNI lithiophobic but give no "
                            "angle; the LNI-CNT Cassie angles use it too)",
}

#: Graded layers the materials library names, by library name.
GRADED_COMPOSITES: dict[str, GradedComposite] = {
    "LNI-25Mg": GradedComposite("LNI-25Mg", "LNI", "Mg", 0.25, sources=_LNI_MG_SOURCES),
}


def graded_composite(name: str) -> GradedComposite | None:
    """The graded-layer spec of a library name (case-insensitive), or None when the material is not graded.

    Parameters
    ----------
    name : str
        Library name (``"LNI-25Mg"``).

    Returns
    -------
    GradedComposite or None
        The spec.
    """
    from lisse.materials.library import get_material

    try:
        key = get_material(str(name).strip()).name  # aliases (LNI-25%Mg) resolve too
    except ParameterError:
        return None
    return GRADED_COMPOSITES.get(key)
