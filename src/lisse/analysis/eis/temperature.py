r"""Temperature series of impedance spectra: bulk / grain-boundary split, σ(T) and Arrhenius energies.

Per spectrum the pellet model ``R0-p(R1,CPE1)-p(R2,CPE2)`` (plus ``-CPE3`` for ion-blocking electrodes)
is fitted (:class:`~lisse.analysis.eis.circuits.Circuit`, starting points from the DRT). Each R‖CPE
arc gets its effective capacitance (Brug / Hsu–Mansfeld for an R‖CPE element)

.. math:: C_\mathrm{eff} = Q^{1/n} R^{(1-n)/n},

normalised to a cell constant of 1 cm⁻¹, :math:`C^* = C_\mathrm{eff}\,L/A` (L/A in cm⁻¹), and is
assigned by the capacitance ranges of Irvine, Sinclair & West [Irvine1990]: bulk
:math:`C^* < 10^{-11}` F, grain boundary :math:`10^{-11} \le C^* < 10^{-8}` F, electrode / surface
layer above (not part of the electrolyte's conductivity). R_bulk is the diameter of the bulk-like
arc(s) [Irvine1990]; the high-frequency intercept R0 (leads, contacts) is reported but not counted,
with a note when it exceeds 5 % of R_bulk. When no arc is bulk-like the bulk semicircle lies above
f_max and R0 *is* the bulk resistance (plus leads). (The DRT route of
:func:`lisse.analysis.eis.workflow.analyse` counts R_inf with the bulk; the difference is R0.)

Conductivities (σ = L/(R·A), :func:`~lisse.analysis.eis.derived.conductivity`):

* σ_bulk = L/(A R_bulk); σ_total = L/(A R_total) with R_total = R0 + R_bulk arcs + R_gb arcs, the
  whole electrolyte resistance up to the electrode response (the low-frequency intercept, as usually
  reported: it keeps a faster unresolved process in R0 and the leads, typically ~1 ohm);
* σ_gb is the **apparent** (macroscopic) grain-boundary conductivity L/(A R_gb). The specific one
  needs the grain-boundary volume fraction (grain size d and boundary thickness δ); in the brick-layer
  model δ/d ≈ C_bulk/C_gb, so when both arcs are resolved
  :math:`\sigma_{gb,sp} \approx (L/A)(C_\mathrm{bulk}/C_\mathrm{gb})/R_\mathrm{gb}` is also reported
  [Haile1998] — an estimate, valid only for that model.

The Arrhenius fit is :func:`~lisse.analysis.eis.derived.arrhenius` (σT form by default, the hopping
form σT = A exp(−Ea/k_B T)); the standard error of Ea is the ordinary-least-squares one and the 95 %
interval uses Student's t with n − 2 degrees of freedom.

Temperatures come from (first found) an explicit table, the spectrum itself (``EISSpectrum.temperature``
or ``metadata["temperature_K"]`` set by a reader), or the file name (:func:`temperature_from_name`).

References
----------
J. T. S. Irvine, D. C. Sinclair, A. R. West, "Electroceramics: characterization by impedance
spectroscopy", Adv. Mater. 2, 132 (1990), doi:10.1002/adma.19900020304.
S. M. Haile, D. L. West, J. Campbell, "The role of microstructure and processing on the proton
conducting properties of gadolinium-doped barium cerate", J. Mater. Res. 13, 1576 (1998),
doi:10.1557/JMR.1998.0219.
G. J. Brug et al., J. Electroanal. Chem. 176, 275 (1984), doi:10.1016/S0022-0728(84)80324-1;
C. H. Hsu, F. Mansfeld, Corrosion 57, 747 (2001), doi:10.5006/1.3280607.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from lisse.analysis._estimator import check_spectra, read_hint
from lisse.analysis.eis.cells import CAPACITANCE_RANGES_F, classify_capacitance  # one home of Irvine's ranges (and its citation)
from lisse.analysis.eis.derived import kelvin_numbers_guard
from lisse.citations import Citation, add, register
from lisse.errors import ParameterError
from lisse.records.display import compact_repr, html_table, plot_with
from lisse.records.spectrum import EISSpectrum
from lisse.units import quantity_args

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from lisse._typing import QuantityLike
    from lisse.analysis.eis.circuits import Circuit

__all__ = [
    "temperature_from_name",
    "parse_temperature",
    "resolve_temperatures",
    "CAPACITANCE_RANGES_F",
    "PelletFit",
    "fit_pellet",
    "SeriesFit",
    "temperature_series",
]

add(Citation("Haile1998", "Haile, West, Campbell", "The role of microstructure and processing on the proton conducting properties of gadolinium-doped barium cerate", "J. Mater. Res. 13, 1576", 1998, "10.1557/JMR.1998.0219"))


_ZERO_C = 273.15
# a temperature token in a file name: optional sign (m / minus / '-' after a separator), a number and a unit
_NAME_T = re.compile(
    r"(?:^|(?<=[_\s(=\-.,]))"  # token start: start of name or a separator
    r"(?P<sign>m|minus|-)?(?P<num>\d+(?:[.p]\d+)?)\s?(?P<unit>degC|deg_C|°C|C|K)"
    r"(?=$|[_\s)\-.,#])",
    re.IGNORECASE,
)


def temperature_from_name(name: str) -> float | None:
    """Read the temperature written in a file name, or None when the name carries none.

    Recognised tokens (delimited by the start/end of the name or ``_ - . , space ( ) # =``):
    ``25C``, ``25degC``, ``25°C``, ``298K``, ``298.15K``, ``m25C`` / ``minus25C`` (−25 °C), and
    ``-25C`` when the ``-`` follows a separator (``pellet_-25C`` is −25 °C; ``LLZO-25C`` is +25 °C, the
    ``-`` being a separator). A C-rate written like a temperature (``0.1C``) is read as one: use a
    temperature table then.

    Parameters
    ----------
    name : str
        File name or stem.

    Returns
    -------
    float or None
        Absolute temperature in K.

    Raises
    ------
    ParameterError
        If the name holds two different temperatures.
    """
    stem = str(name)
    found = []
    for m in _NAME_T.finditer(stem):
        sign = (m.group("sign") or "").lower()
        start = m.start()
        if sign == "-" and start > 0 and stem[start - 1].isalnum():
            sign = ""  # 'LLZO-25C': the '-' separates, it is no minus sign
        v = float(m.group("num").replace("p", ".").replace("P", "."))
        if sign in ("m", "minus", "-"):
            v = -v
        T = v if m.group("unit").upper() == "K" else v + _ZERO_C
        if T <= 0:
            continue
        found.append((round(T, 6), m.group(0)))
    vals = sorted({t for t, _ in found})
    if not vals:
        return None
    if len(vals) > 1:
        toks = ", ".join(repr(s) for _, s in found)
        raise ParameterError(f"temperature from file name '{name}': expected one temperature, found several ({toks}); give a temperature table")
    return vals[0]


def parse_temperature(value: QuantityLike, where: str = "temperature") -> float:
    """Read a temperature from a number or text; a bare number is °C (``"25"``, ``"-25 degC"``, ``"298 K"``, ``"25C"``).

    Parameters
    ----------
    value : float, int or str
        The temperature; a bare number (or numeric string) is in °C, text may carry ``K`` or ``degC``/``C``.
    where : str, default "temperature"
        What the value is, for error messages.

    Returns
    -------
    float
        Absolute temperature in K.

    Raises
    ------
    UnitError
        If the text is not a temperature.
    ParameterError
        If the temperature is not above 0 K.
    """
    from lisse.units import parse_quantity

    text = str(value).strip()
    m = re.fullmatch(r"(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*(°C|C|degC|K)", text)
    if m:
        text = f"{m.group(1)} {'K' if m.group(2) == 'K' else 'degC'}"
    T = parse_quantity(text, "degC", where)  # raises UnitError (a ParameterError) on text that is no temperature
    if not (math.isfinite(T) and T > 0):
        raise ParameterError(f"{where}: expected a temperature above 0 K, found {value!r}")
    return float(T)


def _keys(sp: EISSpectrum) -> list[str]:
    from pathlib import PurePath

    src = sp.metadata.get("source") or ""
    out = [sp.label]
    if src:
        p = PurePath(str(src))
        out += [str(src), p.name, p.stem]
    return [k for k in out if k]


def resolve_temperatures(spectra: Sequence[EISSpectrum], table: dict | None = None, *, tolerance_K: float = 0.01) -> list[tuple[float, str]]:
    """Find the temperature and its source ("table", "file", "name") for every spectrum.

    Rules: a table entry that matches no spectrum, a spectrum matched by two table keys with different
    temperatures, a file temperature that contradicts the name, or a spectrum with no temperature at all
    raise ParameterError naming the spectrum.

    Parameters
    ----------
    spectra : sequence of EISSpectrum
        The spectra, with their labels and any temperature read from the file (``temperature``, K).
    table : dict, optional
        ``{key: T}`` with T in K (:mod:`lisse.io.temperature_table` reads one with :func:`parse_temperature`),
        where a key is a spectrum
        label (``stem`` or ``stem#k``), a file name, a file stem or a path as given; explicit, so it takes
        precedence.
    tolerance_K : float, default 0.01
        Two sources giving the same spectrum temperatures further apart than this (in K) conflict.

    Returns
    -------
    list of (float, str)
        ``(temperature in K, source)`` per spectrum, in order.

    Raises
    ------
    ParameterError
        For an unused or conflicting table entry, a file/name conflict, or a spectrum without a temperature.
    """
    spectra = check_spectra(spectra, "resolve_temperatures")
    table = dict(table or {})
    used: set[str] = set()
    out = []
    for sp in spectra:
        keys = _keys(sp)
        hits = {k: table[k] for k in keys if k in table}
        used.update(hits)
        if len({round(v, 6) for v in hits.values()}) > 1:
            raise ParameterError(f"temperature table: spectrum '{sp.label}' is given conflicting temperatures {', '.join(f'{k}={v:.2f} K' for k, v in hits.items())}")
        file_T = sp.temperature if sp.temperature is not None else sp.metadata.get("temperature_K")
        src = sp.metadata.get("source") or sp.label
        from pathlib import PurePath

        name_T = temperature_from_name(PurePath(str(src)).stem) if src else None
        if hits:
            out.append((float(next(iter(hits.values()))), "table"))
            continue
        if file_T is not None:
            if name_T is not None and abs(float(file_T) - name_T) > max(tolerance_K, 2.0):
                raise ParameterError(
                    f"temperature of '{sp.label}': the file says {float(file_T):.2f} K but its name says {name_T:.2f} K; give a temperature table to decide"
                )
            out.append((float(file_T), "file"))
            continue
        if name_T is not None:
            out.append((name_T, "name"))
            continue
        raise ParameterError(f"temperature of '{sp.label}': expected it in the file, the file name (e.g. '_25C', '_298K', '_m25C') or a temperature table; found none")
    unused = sorted(set(table) - used)
    if unused:
        known = ", ".join(sorted({k for sp in spectra for k in _keys(sp)[:3]}))
        raise ParameterError(f"temperature table: entries {', '.join(unused)} match no spectrum (spectra: {known})")
    return out


# ------------------------------------------------------------------------------------------------
# per-spectrum pellet fit
# ------------------------------------------------------------------------------------------------
@compact_repr
@dataclass
class PelletFit:
    """Bulk / grain-boundary resistances of one spectrum (SI: ohm, F, S/m).

    Parameters
    ----------
    label : str
        The spectrum's label.
    temperature : float or None
        Temperature in K, if known.
    r0 : float
        High-frequency intercept (leads, contacts) in Ω; reported, not counted.
    r_bulk, r_total : float
        Bulk and total electrolyte resistance in Ω.
    r_gb : float or None
        Grain-boundary resistance in Ω; None when no arc is grain-boundary-like (not resolved, not 0 Ω).
    r_bulk_std, r_total_std : float
        Standard errors of R_bulk and R_total in Ω.
    r_gb_std : float or None
        Standard error of R_gb in Ω; None with R_gb.
    arcs : list of dict
        Per R‖CPE arc: ``name``, ``resistance_ohm``, ``capacitance_F`` (effective),
        ``capacitance_normalised_F`` (C·L/A, L/A in cm⁻¹; None without geometry), ``process``.
    circuit : str
        The fitted circuit string.
    median_relative_misfit : float
        Median |Z_fit − Z|/|Z| (dimensionless).
    sigma_bulk, sigma_gb, sigma_total : float or None, optional
        Conductivities σ = L/(R A) in S/m (None without geometry).
    sigma_gb_specific : float or None, optional
        Specific grain-boundary conductivity in S/m from the brick-layer estimate [Haile1998].
    notes : list of str, optional
        Assumptions and caveats (e.g. capacitances classified un-normalised).
    """

    label: str
    temperature: float | None
    r0: float
    r_bulk: float
    r_gb: float | None
    r_total: float
    r_bulk_std: float
    r_gb_std: float | None
    r_total_std: float
    arcs: list
    circuit: str
    median_relative_misfit: float
    sigma_bulk: float | None = None
    sigma_gb: float | None = None
    sigma_total: float | None = None
    sigma_gb_specific: float | None = None
    notes: list = field(default_factory=list)
    _fit: Circuit | None = field(default=None, repr=False, compare=False)  # the fitted circuit, for figures

    def as_dict(self) -> dict:
        """Return a JSON-able row; conductivities in S/cm as the keys say.

        Returns
        -------
        dict
            Unit-suffixed keys (``r_bulk_ohm``, ``sigma_bulk_S_cm``, ``temperature_K`` ...); ``r_gb_ohm`` and
            ``r_gb_std_ohm`` are None when no grain-boundary arc was resolved.
        """

        def scm(x):
            return None if x is None else x / 100.0

        return {
            "label": self.label,
            "temperature_K": self.temperature,
            "temperature_C": None if self.temperature is None else self.temperature - _ZERO_C,
            "r0_ohm": self.r0,
            "r_bulk_ohm": self.r_bulk,
            "r_bulk_std_ohm": self.r_bulk_std,
            "r_gb_ohm": self.r_gb,
            "r_gb_std_ohm": self.r_gb_std,
            "r_total_ohm": self.r_total,
            "r_total_std_ohm": self.r_total_std,
            "sigma_bulk_S_cm": scm(self.sigma_bulk),
            "sigma_gb_S_cm": scm(self.sigma_gb),
            "sigma_gb_specific_S_cm": scm(self.sigma_gb_specific),
            "sigma_total_S_cm": scm(self.sigma_total),
            "circuit": self.circuit,
            "median_relative_misfit": self.median_relative_misfit,
            "arcs": self.arcs,
            "notes": list(self.notes),
        }


def _is_blocking(sp: EISSpectrum) -> bool:
    """The blocking-tail rule of the DRT workflow (phase below -60° at the three lowest frequencies)."""
    from lisse.analysis.eis.workflow import blocking_choice

    low = np.argsort(sp.frequency)[:3]
    return blocking_choice("auto", "symmetric-li", sp.phase_deg[low]) != "none"


@quantity_args(area="cm2", thickness="um", temperature="K")
def fit_pellet(sp: EISSpectrum, *, cell: str | None = None, area: QuantityLike | None = None, thickness: QuantityLike | None = None, temperature: QuantityLike | None = None) -> PelletFit:
    """Fit the pellet model to one spectrum and split bulk from grain boundary by capacitance.

    Parameters
    ----------
    sp : EISSpectrum
        The measured spectrum (frequency in Hz, impedance in Ω).
    cell : {"blocking", "symmetric-li", "full", "half"} or None, optional
        ``"blocking"`` adds the series CPE3 of ion-blocking electrodes; None decides from the data
        (phase below −60° at the three lowest frequencies, as the DRT's automatic series capacitance).
    area, thickness : float, str or pint.Quantity, optional
        Electrode area [m²] and pellet thickness [m] as SI floats or with a unit (``"1 cm2"``)
        (default: the spectrum's own). Without them no
        conductivity, and capacitances are classified un-normalised (noted).
    temperature : float, optional
        Temperature in K, carried into the result.

    Returns
    -------
    PelletFit
        Resistances in Ω, conductivities in S/m, the arcs and their assignment.

    Raises
    ------
    ParameterError
        For an unknown ``cell`` or bad geometry.
    ConvergenceError
        If the circuit fit does not converge.

    References
    ----------
    .. [1] J. T. S. Irvine, D. C. Sinclair, A. R. West, "Electroceramics: characterization by impedance
       spectroscopy", Adv. Mater. 2, 132 (1990), doi:10.1002/adma.19900020304 (capacitance ranges).
    .. [2] S. M. Haile, D. L. West, J. Campbell, J. Mater. Res. 13, 1576 (1998), doi:10.1557/JMR.1998.0219
       (specific grain-boundary conductivity, brick-layer model).
    .. [3] G. J. Brug et al., J. Electroanal. Chem. 176, 275 (1984), doi:10.1016/S0022-0728(84)80324-1
       (effective capacitance of an R‖CPE arc).
    """
    from lisse.analysis.eis.circuits import Circuit
    from lisse.analysis.eis.derived import conductivity

    if not isinstance(sp, EISSpectrum):
        raise ParameterError(f"fit_pellet: expected an EISSpectrum, found {type(sp).__name__}{read_hint(sp, 'lisse.io.read_spectrum')}")
    register("Irvine1990")
    from lisse.analysis.eis.cells import cell_model

    A = sp.area if area is None else float(area)
    L = sp.thickness if thickness is None else float(thickness)
    blocking = _is_blocking(sp) if cell is None else cell_model(cell).blocking_element != "none"
    circuit = "R0-p(R1,CPE1)-p(R2,CPE2)" + ("-CPE3" if blocking else "")
    c = Circuit(circuit, bounds={"CPE1_n": (0.5, 1.0), "CPE2_n": (0.5, 1.0)}).fit(sp)
    p, cov, names = c.parameters_, c.cov_, c.param_names
    notes = []
    at_bound = [n_ for i, n_ in enumerate(names) if c._at_bound(i)]
    if at_bound:
        notes.append(f"parameters at a bound (their standard errors are not meaningful): {', '.join(at_bound)}")
    cell_const_cm = None if (A is None or L is None) else (L * 100) / (A * 1e4)
    if cell_const_cm is None:
        notes.append("no area/thickness: capacitances classified un-normalised (cell constant taken as 1 cm^-1)")
    arcs = []
    for k in (1, 2):
        R, Q, n = p[f"R{k}"], p[f"CPE{k}_Q"], p[f"CPE{k}_n"]
        Ceff = Q ** (1 / n) * R ** ((1 - n) / n)
        Cn = Ceff * (cell_const_cm if cell_const_cm is not None else 1.0)
        arcs.append({"name": f"R{k}", "resistance_ohm": R, "cpe_Q": Q, "cpe_n": n, "capacitance_F": Ceff, "capacitance_normalised_F": Cn if cell_const_cm is not None else None,
                     "tau_s": R * Ceff, "process": classify_capacitance(Cn)})
    idx = {n_: i for i, n_ in enumerate(names)}

    def summed(members):
        ii = [idx[m] for m in members]
        val = sum(p[m] for m in members)
        var = float(np.sum(cov[np.ix_(ii, ii)])) if ii else 0.0
        return val, math.sqrt(max(var, 0.0))

    bulk = [a["name"] for a in arcs if a["process"] == "bulk"]
    gb = [a["name"] for a in arcs if a["process"] == "grain_boundary"]
    if not bulk:
        bulk = ["R0"]
        notes.append("no bulk-like arc (C* < 1e-11 F): the bulk semicircle lies above f_max; R_bulk = R0 (includes leads)")
    else:
        rb0 = sum(p[m] for m in bulk)
        if p["R0"] > 0.05 * rb0:
            notes.append(f"R0 = {p['R0']:.4g} ohm ({100 * p['R0'] / rb0:.0f} % of R_bulk) is not in R_bulk (leads/contacts, or a faster process above f_max) but is in R_total")
    if len(bulk) > 1:
        notes.append("both arcs are bulk-like; their resistances are summed")
    if len(gb) > 1:
        notes.append("both arcs are grain-boundary-like; their resistances are summed")
    if not gb:
        notes.append("no grain-boundary-like arc (1e-11 <= C* < 1e-8 F): R_gb not resolved (None, not 0 ohm), sigma_gb not reported; "
                     "R_total = R0 + bulk")
    rb, rb_sd = summed(bulk)
    rg, rg_sd = summed(gb) if gb else (None, None)  # unresolved: unmeasured, not a measured 0 ohm
    total = sorted(set(["R0"] + bulk + gb))
    rt, rt_sd = summed(total)
    res = PelletFit(label=sp.label, temperature=None if temperature is None else float(temperature), r0=p["R0"], r_bulk=rb, r_gb=rg, r_total=rt, r_bulk_std=rb_sd, r_gb_std=rg_sd, r_total_std=rt_sd, arcs=arcs, circuit=circuit,
                    median_relative_misfit=c.stats_["median_relative_misfit"], notes=notes)
    if A is not None and L is not None:
        res.sigma_bulk = conductivity(rb, L, A) if rb > 0 else None
        res.sigma_total = conductivity(rt, L, A) if rt > 0 else None
        if rg is not None and rg > 0:
            res.sigma_gb = conductivity(rg, L, A)
            cb = [a["capacitance_F"] for a in arcs if a["process"] == "bulk"]
            cg = [a["capacitance_F"] for a in arcs if a["process"] == "grain_boundary"]
            if len(cb) == 1 and len(cg) == 1:
                register("Haile1998")
                res.sigma_gb_specific = res.sigma_gb * cb[0] / cg[0]
    res._fit = c  # the fitted Circuit, for figures
    return res


# ------------------------------------------------------------------------------------------------
# the series
# ------------------------------------------------------------------------------------------------
@dataclass
class SeriesFit:
    """A temperature series: per-spectrum rows (:class:`PelletFit`) and Arrhenius fits per quantity.

    Parameters
    ----------
    rows : list of PelletFit
        One fit per spectrum.
    arrhenius : dict
        Quantity (``sigma_bulk``, ``sigma_gb``, ``sigma_total``) -> Arrhenius fit (activation energy in eV
        and kJ/mol with its standard error and 95 % interval, prefactor in S K/cm or S/cm, R², point count,
        temperature range in K, notes; from two points the error, interval and R² are NaN: not measured), or
        None with fewer than two usable temperatures.
    form : str
        ``"sigma_T"`` or ``"sigma"``: the Arrhenius form fitted.
    """

    rows: list
    arrhenius: dict
    form: str

    def _ea(self) -> list[tuple[str, str]]:
        return [(k, f"{v['activation_energy_eV']:.3f} ± {v['activation_energy_std_eV']:.2g} eV" if math.isfinite(v["activation_energy_std_eV"])
                 else f"{v['activation_energy_eV']:.3f} eV ({v['n_points']} points, no uncertainty)") for k, v in self.arrhenius.items() if v]

    def __repr__(self) -> str:
        t = [r.temperature for r in self.rows if r.temperature is not None]
        span = f", {min(t) - _ZERO_C:.0f}..{max(t) - _ZERO_C:.0f} °C" if t else ""
        ea = ", ".join(f"Ea_{k}={v}" for k, v in self._ea())
        return f"SeriesFit({len(self.rows)} spectra{span}, form={self.form!r}{', ' + ea if ea else ''})"

    def _repr_html_(self) -> str:
        rows = [("spectra", str(len(self.rows))), ("form", self.form)] + [(f"Ea ({k.replace('_', ' ')})", v) for k, v in self._ea()]
        return html_table("Arrhenius series", rows)

    def plot(self, *, ax=None, **kwargs):
        """Arrhenius plot of the series (:func:`lisse.plot.eis_temperature.plot_arrhenius`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Draw into this matplotlib Axes (default: a new figure).
        **kwargs
            Passed on (``title``).

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (:func:`lisse.plot.eis_temperature.plot_arrhenius`).
        """
        return plot_with("lisse.plot.eis_temperature:plot_arrhenius", self, ax=ax, **kwargs)

    def as_dict(self) -> dict:
        """Return the series as JSON-able data.

        Returns
        -------
        dict
            ``form``, ``form_note``, ``spectra`` (rows), ``arrhenius``, ``temperature_K`` and the conductivities
            ``sigma_bulk_S_cm``, ``sigma_gb_S_cm``, ``sigma_total_S_cm`` (S/cm).
        """
        return {
            "form": self.form,
            "form_note": "ln(sigma*T) = ln(A) - Ea/(k_B T)" if self.form == "sigma_T" else "ln(sigma) = ln(A) - Ea/(k_B T)",
            "spectra": [r.as_dict() for r in self.rows],
            "arrhenius": self.arrhenius,
            "temperature_K": [r.temperature for r in self.rows],
            "sigma_bulk_S_cm": [None if r.sigma_bulk is None else r.sigma_bulk / 100 for r in self.rows],
            "sigma_gb_S_cm": [None if r.sigma_gb is None else r.sigma_gb / 100 for r in self.rows],
            "sigma_total_S_cm": [None if r.sigma_total is None else r.sigma_total / 100 for r in self.rows],
        }


def _arrhenius_entry(T, s, form: str) -> dict | None:
    from scipy.special import stdtrit  # = scipy.stats.t.ppf(q, df), without scipy.stats' ~0.5 s import

    from lisse.analysis.eis.derived import arrhenius

    ok = [(a, b) for a, b in zip(T, s) if b is not None and b > 0]
    if len({round(a, 6) for a, _ in ok}) < 2:
        return None
    Tv = np.array([a for a, _ in ok])
    sv = np.array([b for _, b in ok])
    # kelvin already converted (maybe from strings below 150 K): the unguarded function (no plain-number guard)
    fit = arrhenius.__wrapped__(Tv, sv, form=form)  # type: ignore[attr-defined]
    n = Tv.size
    half = float(stdtrit(n - 2, 0.975) * fit.Ea_std_eV) if n > 2 else float("nan")
    # prefactor: arrhenius() works in S/m; report in S/cm (times K for the sigma_T form)
    pre_key = "prefactor_S_K_cm" if form == "sigma_T" else "prefactor_S_cm"
    return {
        "activation_energy_eV": fit.Ea_eV,
        "activation_energy_std_eV": fit.Ea_std_eV,
        "activation_energy_ci95_eV": [fit.Ea_eV - half, fit.Ea_eV + half],
        "activation_energy_kJ_mol": fit.Ea_kJ_mol,
        pre_key: fit.prefactor / 100.0,
        "r2": fit.r2,
        "n_points": int(n),
        "temperature_range_K": [float(Tv.min()), float(Tv.max())],
        "notes": list(fit.notes),
    }


@kelvin_numbers_guard("temperatures")
@quantity_args(temperatures="K[]", area="cm2", thickness="um")
def temperature_series(spectra: Sequence[EISSpectrum], temperatures: Sequence[QuantityLike] | None = None, *, area: QuantityLike | None = None, thickness: QuantityLike | None = None, cell: str | None = None, form: str = "sigma_T") -> SeriesFit:
    """Fit every spectrum (:func:`fit_pellet`) and the Arrhenius law of σ_bulk, σ_gb and σ_total.

    Parameters
    ----------
    spectra : sequence of EISSpectrum
        The spectra of one pellet at several temperatures.
    temperatures : sequence of float, str or pint.Quantity, optional
        Temperatures, one per spectrum: floats in K, strings with a unit (``"25 degC"``) or a pint
        quantity. None (default): each spectrum's own, from the file or its name
        (:func:`resolve_temperatures`); a spectrum without one raises ParameterError saying how to give it.
    area, thickness : float, str or pint.Quantity, optional
        Electrode area (float: m²) and pellet thickness (float: m), or strings with a unit (``"1 cm2"``,
        ``"500 um"``); default each spectrum's own. Required (conductivity needs them).
    cell : str, optional
        As in :func:`fit_pellet`; None: blocking for the whole series when any spectrum looks blocking
        (the electrodes do not change with temperature; a cold spectrum may not reach the tail).
    form : {"sigma_T", "sigma"}, default "sigma_T"
        Arrhenius form (σT default: the hopping form).

    Returns
    -------
    SeriesFit
        Per-spectrum fits and the Arrhenius fits.

    Raises
    ------
    ParameterError
        For a length mismatch, an unknown ``form``, fewer than two distinct temperatures or missing geometry.

    References
    ----------
    .. [1] J. T. S. Irvine, D. C. Sinclair, A. R. West, "Electroceramics: characterization by impedance
       spectroscopy", Adv. Mater. 2, 132 (1990), doi:10.1002/adma.19900020304 (capacitance ranges).
    """
    spectra = check_spectra(spectra, "temperature_series")
    if temperatures is None:
        try:
            T = [t for t, _ in resolve_temperatures(spectra)]
        except ParameterError as exc:
            raise ParameterError(
                f"temperature_series: no temperatures given and {exc}; pass temperatures=[...] (K, or strings such as "
                f"'25 degC'), or T from lisse.analysis.eis.resolve_temperatures(spectra, table)"
            ) from None
    else:
        T = [float(x) for x in temperatures]
    if len(T) != len(spectra):
        raise ParameterError(f"temperature_series: expected one temperature per spectrum, found {len(T)} for {len(spectra)} spectra")
    if form not in ("sigma_T", "sigma"):
        raise ParameterError(f"temperature_series form: expected 'sigma_T' or 'sigma', found {form!r}")
    if len({round(x, 6) for x in T}) < 2:
        only = ", ".join(sorted({f"{x:.2f} K" for x in T})) or "none"
        raise ParameterError(f"temperature series: expected spectra at >= 2 distinct temperatures (>= 3 for an uncertainty), found {len(spectra)} spectra at {only}")
    for sp in spectra:
        if (area is None and sp.area is None) or (thickness is None and sp.thickness is None):
            raise ParameterError(f"temperature series: '{sp.label}' has no area/thickness; give --area and --thickness (conductivity sigma = L/(R*A))")
    if cell is None:
        # one cell, one model: the blocking tail may fall below f_min at the coldest temperatures, so a
        # series is blocking when any of its spectra is
        cell = "blocking" if any(_is_blocking(sp) for sp in spectra) else "symmetric-li"
    rows = [fit_pellet(sp, cell=cell, area=area, thickness=thickness, temperature=t) for sp, t in zip(spectra, T)]
    arr = {}
    for key, attr in (("bulk", "sigma_bulk"), ("grain_boundary", "sigma_gb"), ("total", "sigma_total")):
        arr[key] = _arrhenius_entry([r.temperature for r in rows], [getattr(r, attr) for r in rows], form)
    no_gb = [r for r in rows if r.r_gb is None]
    if no_gb and len(no_gb) < len(rows):  # a grain-boundary arc at some temperatures only: the fits say so
        where = ", ".join(r.label if r.temperature is None else f"{r.temperature - _ZERO_C:.4g} °C" for r in no_gb)
        for key, what in (("grain_boundary", "fitted over the other temperatures only"),
                          ("total", "sigma_total there is R0 + bulk, elsewhere R0 + bulk + grain boundary")):
            entry = arr[key]
            if entry is not None:
                entry["notes"].append(f"no grain-boundary arc resolved at {len(no_gb)} of {len(rows)} temperatures ({where}): {what}")
    return SeriesFit(rows=rows, arrhenius=arr, form=form)
