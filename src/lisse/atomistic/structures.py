"""Bulk crystal structures built from space group + Wyckoff positions, each with its source.

The lattice constants are experimental starting values; workflows relax them with the calculator
in use (so that slabs are unstrained *for that calculator*) and report the relaxed value.

Materials not yet covered (LLZO/LLZTO garnet with partial Li occupancy, Li6PS5Cl/LPSC argyrodite with
S/Cl disorder, Li9Al4, LNI) raise :class:`~lisse.errors.NotImplementedFeatureError`: they need an
ordered supercell model that is not written yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lisse.citations import Citation, add, register
from lisse.errors import NotImplementedFeatureError, ParameterError, requires

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ase import Atoms  # ase is imported at run time only inside the functions that need it

__all__ = ["CrystalData", "CRYSTALS", "bulk", "available", "check_material"]

for _c in (
    Citation("Wyckoff1963", "Wyckoff", "Crystal Structures, 2nd edition, vol. 1", "Interscience, New York", 1963, None),
    Citation("Idemoto1998", "Idemoto, Richardson, Koura, Kohara, Loong", "Crystal structure of (LixK1-x)2CO3 (x = 0, 0.43, 0.5, 0.62, 1) by neutron powder diffraction analysis", "J. Phys. Chem. Solids 59, 363", 1998, "10.1016/S0022-3697(97)00213-6"),
    Citation("Rabenau1976", "Rabenau, Schulz", "Re-evaluation of the lithium nitride structure", "J. Less-Common Met. 50, 155", 1976, "10.1016/0022-5088(76)90263-7"),
):
    add(_c)


@dataclass(frozen=True)
class CrystalData:
    """Space group, Wyckoff sites and cell parameters of one crystal (lengths in Angstrom, angles deg).

    Parameters
    ----------
    formula : str
        Chemical formula.
    spacegroup : int
        International space-group number (an index, 1 to 230).
    symbols : tuple of str
        Element of each Wyckoff site.
    basis : tuple of (float, float, float)
        Fractional coordinates of each site (dimensionless).
    cellpar : tuple of float
        a, b, c [Å] and alpha, beta, gamma [deg].
    wyckoff : tuple of str
        Wyckoff letter of each site.
    source : str
        Description of the structure and its source.
    citation : str
        Citation key (:mod:`lisse.citations`).
    atoms_per_formula_unit : int
        Number of atoms per formula unit.
    note : str, default ""
        Remarks on the data.
    setting : int, default 1
        Space-group setting index (ASE ``crystal``).
    extra : dict, optional
        Further keywords for ASE ``crystal``.

    References
    ----------
    Wyckoff, Crystal Structures, 2nd edition, vol. 1, Interscience, New York (1963).
    Rabenau, Schulz, Re-evaluation of the lithium nitride structure, J. Less-Common Met. 50, 155 (1976), doi:10.1016/0022-5088(76)90263-7.
    Idemoto, Richardson, Koura, Kohara, Loong, J. Phys. Chem. Solids 59, 363 (1998), doi:10.1016/S0022-3697(97)00213-6.
    """

    formula: str
    spacegroup: int
    symbols: tuple[str, ...]
    basis: tuple[tuple[float, float, float], ...]
    cellpar: tuple[float, float, float, float, float, float]
    wyckoff: tuple[str, ...]
    source: str
    citation: str
    atoms_per_formula_unit: int
    note: str = ""
    setting: int = 1
    extra: dict = field(default_factory=dict)


CRYSTALS: dict[str, CrystalData] = {
    "Li": CrystalData(
        "Li", 229, ("Li",), ((0.0, 0.0, 0.0),), (3.5093, 3.5093, 3.5093, 90, 90, 90), ("2a",),
        "bcc Li (Im-3m), a = 3.5093 A at room temperature [Wyckoff1963]", "Wyckoff1963", 1,
    ),
    "LiF": CrystalData(
        "LiF", 225, ("Li", "F"), ((0.0, 0.0, 0.0), (0.5, 0.5, 0.5)), (4.0270, 4.0270, 4.0270, 90, 90, 90), ("4a", "4b"),
        "rock salt LiF (Fm-3m), a = 4.027 A [Wyckoff1963]", "Wyckoff1963", 2,
    ),
    "LiCl": CrystalData(
        "LiCl", 225, ("Li", "Cl"), ((0.0, 0.0, 0.0), (0.5, 0.5, 0.5)), (5.1295, 5.1295, 5.1295, 90, 90, 90), ("4a", "4b"),
        "rock salt LiCl (Fm-3m), a = 5.1295 A [Wyckoff1963]", "Wyckoff1963", 2,
    ),
    "Li2O": CrystalData(
        "Li2O", 225, ("O", "Li"), ((0.0, 0.0, 0.0), (0.25, 0.25, 0.25)), (4.6114, 4.6114, 4.6114, 90, 90, 90), ("4a", "8c"),
        "antifluorite Li2O (Fm-3m), a = 4.6114 A [Wyckoff1963]", "Wyckoff1963", 3,
    ),
    "Li3N": CrystalData(
        "Li3N", 191, ("N", "Li", "Li"), ((0.0, 0.0, 0.0), (0.0, 0.0, 0.5), (1 / 3, 2 / 3, 0.0)), (3.648, 3.648, 3.875, 90, 90, 120),
        ("1a", "1b", "2c"), "alpha-Li3N (P6/mmm), a = 3.648 A, c = 3.875 A [Rabenau1976]", "Rabenau1976", 4,
    ),
    "Li2CO3": CrystalData(
        "Li2CO3", 15, ("Li", "C", "O", "O"),
        ((0.1965, 0.4484, 0.8338), (0.0, 0.0657, 0.25), (0.0, 0.3213, 0.25), (0.1459, -0.0635, 0.3127)),
        (8.3593, 4.9725, 6.1946, 90, 114.83, 90), ("8f", "4e", "4e", "8f"),
        "zabuyelite Li2CO3 (C2/c), a = 8.359, b = 4.973, c = 6.195 A, beta = 114.83 deg, neutron powder data [Idemoto1998]",
        "Idemoto1998", 6,
        note="positions as tabulated for x = 1 in [Idemoto1998]; built cell gives C-O 1.271 and 1.286 A, Li-O 1.89-2.03 A (checked in tests)",
    ),
}

_NOT_YET = {
    "LLZO": "garnet Li7La3Zr2O12 (Ia-3d/I41acd) needs an ordered model of the partially occupied Li 24d/96h sites",
    "LLZTO": "Ta-doped garnet needs an ordered Li/Ta supercell",
    "LPSC": "argyrodite Li6PS5Cl (F-43m) has S/Cl site disorder; an ordered supercell is not written yet",
    "Li6PS5Cl": "argyrodite Li6PS5Cl (F-43m) has S/Cl site disorder; an ordered supercell is not written yet",
    "Li9Al4": "monoclinic Li9Al4 (C2/m, 26 atoms) Wyckoff data not entered yet",
    "LNI": "Li7N2I needs its cubic anti-fluorite-derived ordered model",
}


def check_material(name: str) -> None:
    """Raise the error :func:`bulk` would raise for ``name``, without building anything (ase not needed).

    Parameters
    ----------
    name : str
        Material name.

    Raises
    ------
    NotImplementedFeatureError
        The material is known but its structure is not written yet.
    ParameterError
        Unknown name (with a close match).
    """
    if name in _NOT_YET:
        raise NotImplementedFeatureError(f"bulk structure for '{name}' is not implemented yet: {_NOT_YET[name]}")
    if name not in CRYSTALS:
        import difflib

        close = difflib.get_close_matches(str(name), list(CRYSTALS) + list(_NOT_YET), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ParameterError(f"unknown crystal '{name}'{hint}; available: {', '.join(available())}")


def available() -> list[str]:
    """Names of the materials for which :func:`bulk` can build a structure.

    Returns
    -------
    list of str
        Sorted material names.
    """
    return sorted(CRYSTALS)


@requires("ase", "pymatgen", feature="building bulk crystals")
def bulk(name: str, primitive: bool = False) -> Atoms:
    """Build the conventional (or primitive) bulk cell of a library material as ASE ``Atoms``.

    Parameters
    ----------
    name : str
        Material name (``"Li"``, ``"LiF"``, ``"LiCl"``, ``"Li2O"``, ``"Li3N"``, ``"Li2CO3"``).
    primitive : bool
        Return the primitive cell (via spglib through pymatgen) instead of the conventional one.

    Returns
    -------
    ase.Atoms
        With ``info["source"]``, ``info["spacegroup"]`` and ``info["formula_units"]``.

    Raises
    ------
    ParameterError
        Unknown material (with a close match).
    NotImplementedFeatureError
        The material is known but its structure is not written yet.
    MissingDependencyError
        ase or pymatgen is not installed.
    """
    if name in _NOT_YET:
        raise NotImplementedFeatureError(f"bulk structure for '{name}' is not implemented yet: {_NOT_YET[name]}")
    if name not in CRYSTALS:
        import difflib

        close = difflib.get_close_matches(name, list(CRYSTALS) + list(_NOT_YET), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ParameterError(f"unknown crystal '{name}'{hint}; available: {', '.join(available())}")
    from ase.spacegroup import crystal

    d = CRYSTALS[name]
    atoms = crystal(list(d.symbols), basis=[list(b) for b in d.basis], spacegroup=d.spacegroup, cellpar=list(d.cellpar), setting=d.setting, primitive_cell=False)
    if primitive:
        from pymatgen.io.ase import AseAtomsAdaptor

        s = AseAtomsAdaptor.get_structure(atoms).get_primitive_structure()
        atoms = AseAtomsAdaptor.get_atoms(s)
    register(d.citation)
    n_fu = len(atoms) / d.atoms_per_formula_unit
    if abs(n_fu - round(n_fu)) > 1e-9:
        raise ParameterError(f"built {name} cell has {len(atoms)} atoms, not a multiple of {d.atoms_per_formula_unit} per formula unit")
    atoms.info.update({"material": name, "source": d.source, "spacegroup": d.spacegroup, "formula_units": int(round(n_fu))})
    atoms.pbc = True
    return atoms
