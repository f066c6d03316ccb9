"""Chemical stability of a Li | X interface: reaction energy of Li with X and the products, offline.

The reaction of the metal with a coating or electrolyte X is found on the convex hull of the Li–X
chemical system (pymatgen :class:`~pymatgen.analysis.phase_diagram.PhaseDiagram` and
:class:`~pymatgen.analysis.interface_reactions.InterfacialReactivity`, the pseudo-binary method of
Richards et al. 2016 and Zhu, He & Mo 2015): for every mixing ratio x of Li in ``x Li + (1-x) X`` the
hull gives the equilibrium products; the most negative reaction energy over x (eV per atom of the
reactant mixture) is reported with its balanced reaction.

Energies, one source per compound, each reported in ``reference``:

* **experimental** formation enthalpies (298 K, eV per formula unit) shipped with pymatgen in
  ``pymatgen/analysis/compatibility/exp_compounds.json.gz`` (2135 compounds: LiF, Li2O, Li2CO3, LiCl,
  Li2S, Li3N, La2O3, ZrO2, Li2ZrO3 ...; compiled from Kubaschewski and NIST-JANAF tables by Wang et
  al. 2021), used for every compound they cover, with their stated uncertainty;
* **ML** (CHGNet or SevenNet, cell-relaxed) for the lisse library compounds without experimental data
  (LLZO, Li6PS5Cl, Li3P, Li9Al4 ...). Their formation enthalpy is taken against element references
  *fitted* to experiment where the element is a gas or molecular solid (O from Li2O, F from LiF, Cl
  from LiCl, S from Li2S, N from Li3N; the fitted elemental-phase reference idea of Stevanović et
  al. 2012) and against the ML elemental solid otherwise (Li, P, C, Al, La, Zr). A reaction between
  ML compounds and fitted-reference binaries therefore reduces to a pure ML reaction energy; the
  fitted references are reported as ``calibrated_parameters`` (never validated against the enthalpy
  they were fitted to). ML formation energies carry 0.03–0.1 eV/atom error (issue 17; the accuracy of
  universal potentials on formation energies); 0.1 eV/atom is used as the bound.
* **DFT** (``calculator="gpaw"``, PBE): the same construction with DFT energies. Its bound is the mean absolute
  error of GGA formation energies against 1,670 experimental ones with fitted elemental references, 0.096 eV/atom
  (Kirklin et al. 2015, OQMD; of which 0.082 eV/atom is the spread between experiments themselves), not the ML one.
  The bound used and its source are in the output (``error_bound``).

The verdict is ``"stable"`` (no reaction on the hull, and the closest reaction - against the hull of the
other phases - costs more than its error bound), ``"reacts: products ..."`` when the reaction energy exceeds
the error bound, or ``"within the method's error"`` otherwise (LLZO's near-zero margin with ML energies). The error bound is the
linear (worst-case) sum over the reaction of |coefficient| x uncertainty of each compound's formation
enthalpy, per atom of the reactant mixture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lisse.citations import Citation, add, register
from lisse.errors import ParameterError, requires

__all__ = ["ML_ERROR_EV_PER_ATOM", "DFT_ERROR_EV_PER_ATOM", "ERROR_BOUND_SOURCES", "FITTED_REFERENCES", "EnergyEntry", "StabilityResult", "experimental_enthalpies", "reaction_with_metal"]

for _c in (
    Citation("Richards2016", "Richards, Miara, Wang, Kim, Ceder", "Interface stability in solid-state batteries", "Chem. Mater. 28, 266", 2016, "10.1021/acs.chemmater.5b04082"),
    Citation("Zhu2015", "Zhu, He, Mo", "Origin of outstanding stability in the lithium solid electrolyte materials: insights from thermodynamic analyses based on first-principles calculations",
             "ACS Appl. Mater. Interfaces 7, 23685", 2015, "10.1021/acsami.5b07517"),
    Citation("Wang2021", "Wang, Kingsbury, McDermott, Horton, Jain, Ong, Dwaraknath, Persson", "A framework for quantifying uncertainty in DFT energy corrections",
             "Sci. Rep. 11, 15496", 2021, "10.1038/s41598-021-94550-5"),
    Citation("Stevanovic2012", "Stevanović, Lany, Zhang, Zunger", "Correcting density functional theory for accurate predictions of compound enthalpies of formation: fitted elemental-phase reference energies",
             "Phys. Rev. B 85, 115104", 2012, "10.1103/PhysRevB.85.115104"),
    Citation("Kirklin2015", "Kirklin, Saal, Meredig, Thompson, Doak, Aykol, Ruehl, Wolverton",
             "The Open Quantum Materials Database (OQMD): assessing the accuracy of DFT formation energies", "npj Comput. Mater. 1, 15010", 2015,
             "10.1038/npjcompumats.2015.10"),
    Citation("Ong2008", "Ong, Wang, Kang, Ceder", "Li-Fe-P-O2 phase diagram from first principles calculations", "Chem. Mater. 20, 1798", 2008, "10.1021/cm702327g"),
):
    add(_c)

#: Error bound of ML (universal potential) formation energies [eV/atom]: the upper end of the 0.03–0.1 eV/atom measured in issue 17.
ML_ERROR_EV_PER_ATOM = 0.1

#: Error bound of PBE (GGA) formation energies with fitted elemental references [eV/atom] (a mean, used as a per-compound
#: bound: one compound can be off by more): the mean absolute error against
#: 1,670 experimental formation energies of Kirklin et al. 2015 (npj Comput. Mater. 1, 15010, abstract: "apparent mean absolute
#: error ... 0.096 eV/atom"; the same paper finds 0.082 eV/atom between different experiments for the same compounds).
DFT_ERROR_EV_PER_ATOM = 0.096

#: Source statement of each error bound, by calculator kind (JSON ``error_bound.source``).
ERROR_BOUND_SOURCES = {
    "ml": "ML (universal potential) formation energies: 0.1 eV/atom, the upper end of the 0.03-0.1 eV/atom measured against experiment in lisse issue 17",
    "dft": ("PBE formation energies with fitted elemental references: 0.096 eV/atom, the mean absolute error against 1,670 experimental "
            "formation energies [Kirklin2015] (0.082 eV/atom of it is the spread between experiments); a mean error used as a bound per "
            "compound, so a single compound can be off by more"),
}

#: Uncertainty [eV per formula unit] assumed for an experimental enthalpy whose table entry has none (NaN):
#: the largest stated uncertainty among the Li binaries of the table is ~0.07 eV/f.u. (Li2ZrO3); assumed, rounded up.
EXP_UNCERTAINTY_DEFAULT_EV = 0.1

#: Element -> Li binary with an experimental enthalpy from which the element's ML reference energy is fitted
#: (gaseous or molecular standard states that universal potentials describe poorly).
FITTED_REFERENCES: dict[str, str] = {"O": "Li2O", "F": "LiF", "Cl": "LiCl", "S": "Li2S", "N": "Li3N"}


_EXP_SOURCE = "experimental formation enthalpy at 298 K, pymatgen exp_compounds.json.gz [Wang2021]"


@dataclass(frozen=True)
class EnergyEntry:
    """The formation enthalpy of one compound and where it comes from.

    Parameters
    ----------
    formula : str
        Reduced formula (pymatgen), e.g. ``"Li2CO3"``.
    formation_enthalpy_eV_per_fu : float
        Formation enthalpy from the elements in their standard states [eV per formula unit].
    uncertainty_eV_per_fu : float
        Its uncertainty [eV per formula unit].
    source : str
        ``"experimental"``, ``"element"``, ``"ml"`` or ``"dft"``.
    detail : str
        Human-readable origin (table, calculator, fitted references).
    """

    formula: str
    formation_enthalpy_eV_per_fu: float
    uncertainty_eV_per_fu: float
    source: str
    detail: str

    def as_dict(self) -> dict:
        """JSON form.

        Returns
        -------
        dict
            ``formula``, ``formation_enthalpy_eV_per_fu``, ``uncertainty_eV_per_fu``, ``source``, ``detail``.
        """
        return {"formula": self.formula, "formation_enthalpy_eV_per_fu": self.formation_enthalpy_eV_per_fu,
                "uncertainty_eV_per_fu": self.uncertainty_eV_per_fu, "source": self.source, "detail": self.detail}


@dataclass
class StabilityResult:
    """Reaction of a metal with a material X on the convex hull of their chemical system.

    Parameters
    ----------
    metal : str
        The metal (element symbol), e.g. ``"Li"``.
    material : str
        X as given.
    formula : str
        Reduced formula of X.
    reaction_energy_eV_per_atom : float
        Most negative reaction energy over the mixing ratio [eV per atom of the reactant mixture]; 0 when X is stable against the metal.
    reaction : str
        Balanced reaction at that ratio (``"no reaction"`` when stable).
    products : list of str
        Reduced formulas of the products (empty when stable).
    metal_atom_fraction : float or None
        Atom fraction of the metal in the reactant mixture at the minimum (dimensionless); None when nothing reacts.
    reaction_energy_eV_per_formula_unit : float
        The same reaction energy per formula unit of X [eV] (0 when nothing reacts, as per atom).
    uncertainty_eV_per_atom : float
        Error bound of the reaction energy [eV/atom] (linear sum over the compounds of the reaction).
    verdict : str
        ``"stable"``, ``"reacts: products ..."`` or ``"within the method's error"``.
    entries : list of EnergyEntry
        Every energy used, with its source.
    calibrated_parameters : list of dict
        Element references fitted to experimental enthalpies (ML path only).
    calculator : dict or None
        The ML calculator used (None when every energy is experimental).
    kinks : list of dict
        Every kink of the reaction-energy curve: ``metal_atom_fraction``, ``reaction_energy_eV_per_atom``, ``reaction``.
    stability_margin_eV_per_atom : float or None
        For a stable X: the smallest energy [eV/atom of mixture] a reaction with the metal (or X's decomposition)
        would cost against the hull of the other phases; compared with ``uncertainty_eV_per_atom`` for the verdict.
        An upper bound: a phase missing from the hull (e.g. a Zr suboxide for LLZO, whose closest reaction here
        leaves Zr metal) can only lower it.
    closest_reaction : str or None
        That reaction (atom fractions).
    products_with_excess_metal : list of str
        The phases in equilibrium with the metal itself (the last kink before pure metal): what a layer in contact with
        Li metal ends as when Li keeps coming (e.g. Li2O + LiC for Li2CO3, where the most negative reaction per atom
        leaves C). Empty when the material is stable against the metal.
    """

    metal: str
    material: str
    formula: str
    reaction_energy_eV_per_atom: float
    reaction: str
    products: list[str]
    metal_atom_fraction: float | None
    reaction_energy_eV_per_formula_unit: float
    uncertainty_eV_per_atom: float
    verdict: str
    entries: list[EnergyEntry]
    calibrated_parameters: list[dict] = field(default_factory=list)
    calculator: dict | None = None
    kinks: list[dict] = field(default_factory=list)
    stability_margin_eV_per_atom: float | None = None
    closest_reaction: str | None = None
    products_with_excess_metal: list[str] = field(default_factory=list)

    @property
    def error_bound(self) -> dict:
        """Which per-compound error the bound ``uncertainty_eV_per_atom`` is built from, and its source.

        Returns
        -------
        dict
            ``kind`` (``"dft"``, ``"ml"`` or ``"experimental"``: the computed energies' kind, experimental when none was
            computed), ``per_compound_eV_per_atom`` (the formation-energy error of a computed compound [eV/atom]; None for
            experimental only) and ``source``.
        """
        kinds = {e.source for e in self.entries} & {"ml", "dft"}
        if not kinds:
            return {"kind": "experimental", "per_compound_eV_per_atom": None,
                    "source": "stated uncertainties of the experimental formation enthalpies [Wang2021]"}
        kind = "dft" if kinds == {"dft"} else "ml"
        per = DFT_ERROR_EV_PER_ATOM if kind == "dft" else ML_ERROR_EV_PER_ATOM
        return {"kind": kind, "per_compound_eV_per_atom": per,
                "source": ERROR_BOUND_SOURCES[kind] + "; experimental enthalpies with their stated uncertainties [Wang2021]"}

    @property
    def stable(self) -> bool:
        """True when no reaction with the metal lowers the energy.

        Returns
        -------
        bool
            ``reaction_energy_eV_per_atom == 0`` (to 1e-9 eV/atom).
        """
        return self.reaction_energy_eV_per_atom > -1e-9

    def as_dict(self) -> dict:
        """JSON form (the ``lisse stability --json`` document).

        Returns
        -------
        dict
            The fields, with ``reference`` holding the energies used and their sources; ``stable`` is the verdict (True
            stable, False reacts, None within the method's error), ``stable_on_computed_hull`` the computed energy's sign
            alone (:attr:`stable`).
        """
        src = sorted({e.source for e in self.entries})
        return {
            "metal": self.metal, "material": self.material, "formula": self.formula,
            "reaction_energy_eV_per_atom": self.reaction_energy_eV_per_atom,
            "reaction_energy_eV_per_formula_unit": self.reaction_energy_eV_per_formula_unit,
            "reaction": self.reaction, "products": list(self.products), "metal_atom_fraction": self.metal_atom_fraction,
            "uncertainty_eV_per_atom": self.uncertainty_eV_per_atom, "error_bound": self.error_bound,
            # the verdict as a boolean: True "stable", False "reacts", None "within the method's error" (undecided); the
            # sign of the computed energy alone is stable_on_computed_hull
            "stable": True if self.verdict == "stable" else (False if self.verdict.startswith("reacts") else None),
            "stable_on_computed_hull": self.stable, "verdict": self.verdict,
            "reference": {"sources": src, "energies": [e.as_dict() for e in self.entries],
                          "method": "convex hull of the formation enthalpies (pymatgen PhaseDiagram + InterfacialReactivity) [Ong2008, Richards2016]"},
            "calibrated_parameters": list(self.calibrated_parameters),
            "calculator": self.calculator,
            "kinks": list(self.kinks),
            "stability_margin_eV_per_atom": self.stability_margin_eV_per_atom,
            "closest_reaction": self.closest_reaction,
            "products_with_excess_metal": list(self.products_with_excess_metal),
        }


def _exp_file():
    from importlib.resources import files

    return files("pymatgen.analysis.compatibility").joinpath("exp_compounds.json.gz")


@requires("pymatgen", feature="experimental formation enthalpies")
def experimental_enthalpies() -> dict[str, tuple[float, float]]:
    """The experimental formation enthalpies that pymatgen ships offline, by reduced formula.

    Returns
    -------
    dict of str to (float, float)
        Reduced formula -> (formation enthalpy [eV per reduced formula unit], uncertainty [eV per formula unit];
        NaN in the table replaced by ``EXP_UNCERTAINTY_DEFAULT_EV``, assumed).

    Raises
    ------
    MissingDependencyError
        pymatgen is not installed.

    References
    ----------
    Wang et al., Sci. Rep. 11, 15496 (2021), doi:10.1038/s41598-021-94550-5.
    """
    out = dict(_experimental_enthalpies())
    register("Wang2021")
    return out


@lru_cache(maxsize=1)
def _experimental_enthalpies() -> dict[str, tuple[float, float]]:
    import gzip
    import json

    from pymatgen.core import Composition

    with _exp_file().open("rb") as fh:
        rows = json.load(gzip.open(fh))
    out: dict[str, tuple[float, float]] = {}
    for r in rows:
        comp = Composition(r["formula"])
        red, factor = comp.get_reduced_formula_and_factor()
        h = float(r["exp energy"]) / factor
        u = r.get("uncertainty")
        u = EXP_UNCERTAINTY_DEFAULT_EV if u is None or not math.isfinite(float(u)) else float(u)
        u /= factor
        if red not in out or h < out[red][0]:  # one entry per formula: the most stable polymorph
            out[red] = (h, u)
    return out


def _composition(name: str, what: str):
    from pymatgen.core import Composition

    from lisse.atomistic.structures import ALIASES

    formula = ALIASES.get(name, name)
    try:
        comp = Composition(formula)
    except Exception as exc:  # pymatgen raises ValueError/KeyError/CompositionError for non-formulas
        raise ParameterError(f"{what} '{name}': not a chemical formula or known material name ({', '.join(ALIASES)}); {exc}") from None
    if comp.num_atoms <= 0:
        raise ParameterError(f"{what} '{name}': empty composition")
    from pymatgen.core import Element

    bad = [getattr(e, "symbol", str(e)) for e in comp.elements if not isinstance(e, Element)]
    if bad:
        raise ParameterError(f"{what} '{name}': unknown element(s) {', '.join(bad)}")
    return comp


def _ml_entries(calculator: Any, cache: Any, on_job: Any, chemsys: set[str], exp: dict, need: list[tuple[str, Any]]) -> tuple[list[EnergyEntry], list[dict], dict]:
    """Formation enthalpies of compounds without experimental data, from ML energies and fitted references.

    ``need`` holds (label, library name or ase.Atoms of a user structure).
    """
    from pymatgen.core import Composition

    from lisse.atomistic.engine import Job
    from lisse.atomistic.structures import CRYSTALS
    from lisse.atomistic.workflows import _ctx, relax_bulk
    from lisse.errors import CalculationError

    ctx = _ctx(calculator, cache, phases=[m for _, m in need])
    if on_job is not None:
        ctx.on_job = on_job
    energy_per_fu: dict[str, float] = {}

    def e_fu(material: Any, label: str) -> float:
        if label not in energy_per_fu:
            if isinstance(material, str):
                energy_per_fu[label] = float(relax_bulk(ctx, material)["energy_per_fu_eV"])
            else:
                r = ctx.run(Job(f"bulk_user_{label}", material, "relax_cell", fmax=0.01, steps=300), prerelax_cap=300)
                if not r.converged:
                    raise CalculationError(f"bulk relaxation of the user structure {label} did not converge (fmax {r.fmax_final_eV_A:.3f} > 0.01 eV/A)")
                energy_per_fu[label] = float(r.energy_eV) / Composition(material.get_chemical_formula()).get_reduced_formula_and_factor()[1]
        return energy_per_fu[label]

    mu: dict[str, float] = {}
    calibrated: list[dict] = []
    for el in sorted(chemsys):  # elemental solids first (Li is needed by the fitted ones)
        if el in FITTED_REFERENCES:
            continue
        if el not in CRYSTALS:
            raise ParameterError(f"element {el}: no elemental crystal in the lisse library for its ML reference energy "
                                 f"(library: {', '.join(sorted(CRYSTALS))}); the ML path needs one")
        mu[el] = e_fu(el, el)
    for el in sorted(chemsys & set(FITTED_REFERENCES)):
        ref = FITTED_REFERENCES[el]
        comp = Composition(ref)
        others = {str(k): v for k, v in comp.items() if str(k) != el}
        missing = [o for o in others if o not in mu]
        for o in missing:  # e.g. Li for an O reference when Li is not in the system (never for Li|X, kept general)
            mu[o] = e_fu(o, o)
        h_exp = exp[comp.reduced_formula][0]
        mu[el] = (e_fu(ref, ref) - sum(n * mu[o] for o, n in others.items()) - h_exp) / comp[el]
        calibrated.append({"name": f"mu_{el}", "value_eV_per_atom": mu[el], "fitted_to": f"experimental formation enthalpy of {ref} ({h_exp:.4f} eV/f.u.) [Wang2021]",
                           "method": "fitted elemental-phase reference [Stevanovic2012]"})
    register("Stevanovic2012")
    out = []
    for label, material in need:
        formula = CRYSTALS[material].formula if isinstance(material, str) else material.get_chemical_formula()
        comp = Composition(formula)
        red, factor = comp.get_reduced_formula_and_factor()
        h = e_fu(material, label) - sum(v / factor * mu[str(k)] for k, v in comp.items())
        n_atoms = comp.num_atoms / factor
        where = f"the lisse '{material}' cell" if isinstance(material, str) else f"the user structure {label}"
        kind = "ml" if ctx.calculator.info.kind == "ml" else "dft"
        bound = ML_ERROR_EV_PER_ATOM if kind == "ml" else DFT_ERROR_EV_PER_ATOM
        out.append(EnergyEntry(red, h, bound * n_atoms, kind,
                               f"{ctx.calculator.label()} cell-relaxed energy of {where} minus fitted/ML element references"))
    return out, calibrated, ctx.calculator.info.as_dict()


def _closest_reaction(entries: list[EnergyEntry], metal: str, x_red: str) -> tuple[float, str, float]:
    """How far a stable X is from reacting: the smallest energy a reaction x metal + (1-x) X -> products would cost.

    The products come from the hull of every phase except X (so X's own tie lines are gone); the margin is
    min over the critical mixing ratios 0 <= x < 1 of E_hull(mixture) - (1 - x) H_X, per atom of mixture (>= 0 for a
    stable X; x = 0 is X's decomposition into the other phases). Returns (margin, reaction text, error bound of that reaction).
    """
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition

    by_formula = {Composition(e.formula).reduced_formula: e for e in entries}  # elements: "F" is "F2" in pymatgen
    by_formula.update({e.formula: e for e in entries})

    def u_atom(formula: str) -> float:
        e = by_formula[formula]
        return e.uncertainty_eV_per_fu / Composition(e.formula).num_atoms

    pd2 = PhaseDiagram([PDEntry(Composition(e.formula), e.formation_enthalpy_eV_per_fu, name=e.formula) for e in entries if e.formula != x_red])
    c_m = Composition(metal).fractional_composition
    c_x = Composition(x_red).fractional_composition
    h_x = by_formula[x_red].formation_enthalpy_eV_per_fu / Composition(x_red).num_atoms
    best: tuple[float, str, float] | None = None
    for c in pd2.get_critical_compositions(c_x, c_m):
        xm = (c[metal] - c_x[metal]) / (1.0 - c_x[metal]) if c_x[metal] < 1 else 0.0
        if xm > 1 - 1e-9:
            continue
        xm = max(xm, 0.0)
        margin = float(pd2.get_hull_energy_per_atom(c)) - (1.0 - xm) * h_x
        decomp = pd2.get_decomposition(c)
        prods = {ent.composition.reduced_formula: float(f) for ent, f in decomp.items() if f > 1e-9}
        sig = (1.0 - xm) * u_atom(x_red) + sum(f * u_atom(p) for p, f in prods.items())
        left = f"{1.0 - xm:.4g} {x_red}" + (f" + {xm:.4g} {metal}" if xm > 1e-9 else "")
        text = left + " -> " + " + ".join(f"{f:.4g} {p}" for p, f in sorted(prods.items())) + " (atom fractions)"
        if best is None or margin < best[0]:
            best = (margin, text, sig)
    assert best is not None  # x = 0 is always a critical composition
    return best


@requires("pymatgen", feature="interface stability")
def reaction_with_metal(material: Any, metal: str = "Li", calculator: Any = "chgnet", cache: Any = None, on_job: Any = None) -> StabilityResult:
    """Reaction energy and products of ``metal`` with ``material`` on the convex hull, and a stability verdict.

    Parameters
    ----------
    material : str, path, ase.Atoms or pymatgen Structure
        Chemical formula (``"Li2CO3"``, ``"Li6PS5Cl"``), library name (``"LPSC"``), or a user structure (CIF or any
        file ASE reads, ``ase.Atoms``, pymatgen ``Structure``); a structure's own energy is computed with the ML
        calculator when its formula has no experimental enthalpy.
    metal : str, default "Li"
        The metal electrode (one element).
    calculator : str or AtomisticCalculator or None, default "chgnet"
        ML calculator for compounds without experimental enthalpy; used only when one is needed.
        None refuses such compounds instead.
    cache : ResultCache, optional
        Job cache for the ML relaxations (e.g. ``lisse.io.atomistic_cache.JobCache(folder)``).
    on_job : callable, optional
        ``on_job(JobResult)`` after every ML job (progress).

    Returns
    -------
    StabilityResult
        Reaction energy [eV/atom of reactant mixture], products, verdict and every energy with its source.

    Raises
    ------
    ParameterError
        ``metal`` is not one element, ``material`` is no formula or contains no element besides the metal,
        or a compound needs an ML energy that cannot be computed (no calculator, no library structure).
    ReaderError
        A structure file cannot be read or has partially occupied sites.
    CalculationError
        An ML relaxation does not converge.
    MissingDependencyError
        pymatgen (or, on the ML path, ase/the calculator's package) is not installed.

    References
    ----------
    Richards, Miara, Wang, Kim, Ceder, Chem. Mater. 28, 266 (2016), doi:10.1021/acs.chemmater.5b04082.
    Zhu, He, Mo, ACS Appl. Mater. Interfaces 7, 23685 (2015), doi:10.1021/acsami.5b07517.
    Ong, Wang, Kang, Ceder, Chem. Mater. 20, 1798 (2008), doi:10.1021/cm702327g.
    Kirklin, Saal, Meredig, Thompson, Doak, Aykol, Ruehl, Wolverton, npj Comput. Mater. 1, 15010 (2015), doi:10.1038/npjcompumats.2015.10 (DFT error bound).
    """
    import warnings

    from pymatgen.analysis.interface_reactions import InterfacialReactivity
    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition

    from lisse.atomistic.structures import CRYSTALS, is_structure_input, load_structure

    m = _composition(metal, "metal")
    if len(m.elements) != 1:
        raise ParameterError(f"metal '{metal}': expected one element (e.g. Li); got {m.reduced_formula}")
    metal_el = str(m.elements[0])
    user_atoms = None
    if is_structure_input(material):
        user_atoms = load_structure(material)
        x = Composition(user_atoms.get_chemical_formula())
        material_label = str(user_atoms.info.get("material", x.reduced_formula))
    else:
        x = _composition(str(material), "material")
        material_label = str(material)
    chemsys = {str(e) for e in x.elements} | {metal_el}
    if len(chemsys) < 2:
        raise ParameterError(f"material '{material}': needs an element besides {metal_el}")
    exp = experimental_enthalpies()
    entries: list[EnergyEntry] = [EnergyEntry(el, 0.0, 0.0, "element", "element in its standard state (zero by definition)") for el in sorted(chemsys)]
    for red, (h, u) in sorted(exp.items()):
        els = {str(e) for e in Composition(red).elements}
        if len(els) > 1 and els <= chemsys:
            entries.append(EnergyEntry(red, h, u, "experimental", _EXP_SOURCE))
    have = {e.formula for e in entries}
    need: list[tuple[str, Any]] = []
    x_red = x.reduced_formula
    lib_by_formula = {Composition(d.formula).reduced_formula: k for k, d in CRYSTALS.items()}
    if x_red not in have:
        if user_atoms is not None:
            need.append((material_label, user_atoms))
        elif x_red in lib_by_formula:
            need.append((lib_by_formula[x_red], lib_by_formula[x_red]))
        else:
            raise ParameterError(f"material '{material}' ({x_red}): no experimental formation enthalpy in pymatgen's table and no ordered cell in the "
                                 f"lisse library to compute one (library: {', '.join(sorted(CRYSTALS))}); give its structure as a file (CIF or any format ASE reads)")
    calibrated: list[dict] = []
    calc_info = None
    if need:
        if calculator is None:
            raise ParameterError(f"material '{material}' ({x_red}): no experimental formation enthalpy in pymatgen's table; give an ML calculator "
                                 "(e.g. 'chgnet', with its 0.03-0.1 eV/atom error) to compute it")
        # other library compounds of the chemical system without experimental data compete too (e.g. Li3P for Li-P-S-Cl)
        for red, k in sorted(lib_by_formula.items()):
            els = {str(e) for e in Composition(red).elements}
            if len(els) > 1 and els <= chemsys and red not in have and red != x_red:
                need.append((k, k))
        ml, calibrated, calc_info = _ml_entries(calculator, cache, on_job, chemsys, exp, need)
        entries += ml
    pd_entries = [PDEntry(Composition(e.formula), e.formation_enthalpy_eV_per_fu, name=e.formula) for e in entries]
    pd = PhaseDiagram(pd_entries)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ir = InterfacialReactivity(Composition(metal_el), Composition(x_red), pd, norm=True, use_hull_energy=False)
        kinks = ir.get_kinks()
    # keyed by pymatgen's reduced formula, as the reaction names its compounds (an element entry "N" is "N2" there)
    by_formula = {Composition(e.formula).reduced_formula: e for e in entries}
    kink_rows = [{"metal_atom_fraction": float(k[1]), "reaction_energy_eV_per_atom": float(k[2]), "reaction": str(k[3])} for k in kinks]
    best = min(kinks, key=lambda k: k[2])
    e_min = float(best[2])
    register("Richards2016", "Zhu2015", "Ong2008")
    if any(e.source == "dft" for e in entries):
        register("Kirklin2015")
    if e_min > -1e-9:
        margin, closest, sig = _closest_reaction(entries, metal_el, x_red)
        verdict = "stable" if margin > sig else "within the method's error"
        # no reaction: no mixing ratio has a minimum (None, never "0.0 = pure X"); its energy is 0 per atom and per unit
        return StabilityResult(metal_el, material_label, x_red, 0.0, "no reaction", [], None, 0.0, sig, verdict, entries, calibrated, calc_info, kink_rows,
                               stability_margin_eV_per_atom=margin, closest_reaction=closest)
    rxn = best[3]
    n_x = abs(rxn.get_coeff(Composition(x_red)))
    n_atoms = sum(abs(rxn.get_coeff(c)) * c.num_atoms for c in rxn.reactants)
    e_fu = e_min * n_atoms / n_x
    sigma = 0.0
    for c in list(rxn.reactants) + list(rxn.products):
        ent = by_formula[c.reduced_formula]
        sigma += abs(rxn.get_coeff(c)) * ent.uncertainty_eV_per_fu * c.num_atoms / Composition(ent.formula).num_atoms
    sigma /= n_atoms
    products = [c.reduced_formula for c in rxn.products]
    metal_red = Composition(metal_el).reduced_formula
    rich = [k for k in kinks if float(k[1]) < 1 - 1e-9 and float(k[2]) < -1e-9]
    excess = [c.reduced_formula for c in max(rich, key=lambda k: float(k[1]))[3].products] if rich else []
    excess = [c for c in excess if c != metal_red]
    if metal_red in products:
        # the metal comes OUT: not a reaction with the metal but the material's own decomposition on the hull (e.g. an
        # ML-computed Li9Al4 against pymatgen's experimental Li173Al77, the same phase within 0.1 at.%: the "reaction
        # energy" is then the calculator's error for that phase)
        others = [c for c in products if c != metal_red]
        what = (f"{x_red} is above the hull of {' + '.join(others)} + {metal_red} by {-e_min:.3g} eV/atom: its own "
                f"decomposition, not a reaction with {metal_red}")
        verdict = f"decomposes on its own ({what})" if -e_min > sigma else f"within the method's error ({what})"
        return StabilityResult(metal_el, material_label, x_red, e_min, str(rxn), products, float(best[1]), e_fu, sigma, verdict,
                               entries, calibrated, calc_info, kink_rows)
    verdict = f"reacts: products {' + '.join(products)}" if -e_min > sigma else "within the method's error"
    return StabilityResult(metal_el, material_label, x_red, e_min, str(rxn), products, float(best[1]), e_fu, sigma, verdict, entries, calibrated, calc_info, kink_rows,
                           products_with_excess_metal=excess)
