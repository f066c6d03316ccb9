"""Bulk crystal structures built from space group + Wyckoff positions, each with its source.

The lattice constants are experimental starting values; workflows relax them with the calculator
in use (so that slabs are unstrained *for that calculator*) and report the relaxed value.

The garnet is tetragonal Li7La3Zr2O12 (alias ``LLZO``; the ordered polymorph, Awaka et al. 2009; coordinates from a
public ordered cell, see its ``source``). Li9Al4 is the monoclinic intermetallic (C2/m) of the Li-Al-Cl surface layer. The
argyrodite Li6PS5Cl (alias ``LPSC``) is an ordered model: full S/Cl order (Cl on 4a, S2- on 4c) and
Li on one site of each half-occupied 48h doublet, the translation-invariant choice of lowest Ewald energy
(see :data:`CRYSTALS` and :func:`bulk`). Every entry carries the experimental density it is checked against
(:func:`lisse.atomistic.sanity.check_bulk`).

Materials not yet covered (Ta-doped LLZTO, LiCF3SO3, LNI) raise
:class:`~lisse.errors.NotImplementedFeatureError`; give their structure as a file instead
(:func:`load_structure`: CIF or any format ASE reads, an ``ase.Atoms`` or a pymatgen ``Structure``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lisse.citations import Citation, add, register
from lisse.errors import NotImplementedFeatureError, ParameterError, ReaderError, requires

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ase import Atoms  # ase is imported at run time only inside the functions that need it

__all__ = ["CrystalData", "CRYSTALS", "ALIASES", "ARGYRODITE_48H_CHOICE", "bulk", "available", "check_material", "load_structure", "is_structure_input", "material_label"]

for _c in (
    Citation("Wyckoff1963", "Wyckoff", "Crystal Structures, 2nd edition, vol. 1", "Interscience, New York", 1963, None),
    Citation("Idemoto1998", "Idemoto, Richardson, Koura, Kohara, Loong", "Crystal structure of (LixK1-x)2CO3 (x = 0, 0.43, 0.5, 0.62, 1) by neutron powder diffraction analysis", "J. Phys. Chem. Solids 59, 363", 1998, "10.1016/S0022-3697(97)00213-6"),
    Citation("Deiseroth2008", "Deiseroth, Kong, Eckert, Vannahme, Reiner, Zaiss, Schlosser", "Li6PS5X: a class of crystalline Li-rich solids with an unusually high Li+ mobility",
             "Angew. Chem. Int. Ed. 47, 755", 2008, "10.1002/anie.200703900"),
    Citation("Kraft2017", "Kraft, Culver, Ohno, Hori, Zeier", "Influence of lattice polarizability on the ionic conductivity in the lithium superionic argyrodites Li6PS5X (X = Cl, Br, I)",
             "J. Am. Chem. Soc. 139, 10909", 2017, "10.1021/jacs.7b06327"),
    Citation("Awaka2009", "Awaka, Kijima, Hayakawa, Akimoto", "Synthesis and structure analysis of tetragonal Li7La3Zr2O12 with the garnet-related type structure",
             "J. Solid State Chem. 182, 2046", 2009, "10.1016/j.jssc.2009.05.020"),
    Citation("Brown1965", "Brown, Rundqvist", "Refinement of the crystal structure of black phosphorus", "Acta Cryst. 19, 684", 1965, "10.1107/S0365110X65004140"),
    Citation("Dong2007", "Dong, DiSalvo", "Reinvestigation of trilithium phosphide, Li3P", "Acta Cryst. E 63, i97", 2007, "10.1107/S1600536807012172"),
    Citation("Rabenau1976", "Rabenau, Schulz", "Re-evaluation of the lithium nitride structure", "J. Less-Common Met. 50, 155", 1976, "10.1016/0022-5088(76)90263-7"),
    Citation("Hansen1968", "Hansen, Smith", "The crystal structure of Li9Al4", "Acta Cryst. B 24, 913", 1968, None),
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
    density_g_cm3 : float, default nan
        Experimental density [g/cm^3] the built cell is checked against (NaN: none known).
    density_source : str, default ""
        Where that density comes from.
    ordering : str, default ""
        Ordering applied to a partially occupied site after the build (``"argyrodite_48h"``: keep one Li of each
        48h doublet, translation-invariant choice of lowest Ewald energy).

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
    density_g_cm3: float = float("nan")
    density_source: str = ""
    ordering: str = ""


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
        note=("positions as tabulated for x = 1 in [Idemoto1998]; built cell gives C-O 1.271 and 1.286 A, Li-O 1.89-2.03 A (checked in tests); "
              "agrees with the second refinement COD 9008283 (Effenberger & Zemann 1979: c 6.1975 A, Li z 0.8344) within 0.05 % and 0.001"),
    ),
}

#: Experimental room-temperature densities [g/cm^3] of the entries above [CRC2016] (Li3N 1.27-1.30; the low end).
_DENSITY_CRC = {"Li": 0.534, "LiF": 2.64, "LiCl": 2.07, "Li2O": 2.013, "Li3N": 1.27, "Li2CO3": 2.11}
for _k, _rho in _DENSITY_CRC.items():
    CRYSTALS[_k] = replace(CRYSTALS[_k], density_g_cm3=_rho, density_source="CRC Handbook [CRC2016]")

CRYSTALS.update({
    "Li2S": CrystalData(
        "Li2S", 225, ("S", "Li"), ((0.0, 0.0, 0.0), (0.25, 0.25, 0.25)), (5.708, 5.708, 5.708, 90, 90, 90), ("4a", "8c"),
        "antifluorite Li2S (Fm-3m), a = 5.708 A [Wyckoff1963]", "Wyckoff1963", 3,
        density_g_cm3=1.66, density_source="CRC Handbook [CRC2016]",
    ),
    "Li3P": CrystalData(
        "Li3P", 194, ("P", "Li", "Li"), ((1 / 3, 2 / 3, 0.25), (0.0, 0.0, 0.25), (1 / 3, 2 / 3, 0.583)), (4.273, 4.273, 7.594, 90, 90, 120),
        ("2c", "2b", "4f"), "hexagonal Li3P (P63/mmc, Na3As type), a = 4.273 A, c = 7.594 A, Li 4f z = 0.583 [Dong2007]", "Dong2007", 4,
        note="z(Li 4f) is within 0.001 of the ideal Na3As-type value 7/12; the calculator relaxes it",
        density_g_cm3=1.43, density_source="X-ray density of the cited cell (checks composition and Z, not the cell)",
    ),
    "P": CrystalData(
        "P", 64, ("P",), ((0.0, 0.10168, 0.08056),), (3.3136, 10.478, 4.3763, 90, 90, 90), ("8f",),
        "black phosphorus (Cmce), a = 3.3136, b = 10.478, c = 4.3763 A, P 8f (0, 0.10168, 0.08056) [Brown1965]", "Brown1965", 1,
        density_g_cm3=2.69, density_source="CRC Handbook, black P [CRC2016]",
    ),
    "Al": CrystalData(
        "Al", 225, ("Al",), ((0.0, 0.0, 0.0),), (4.0495, 4.0495, 4.0495, 90, 90, 90), ("4a",),
        "fcc Al (Fm-3m), a = 4.0495 A [Wyckoff1963]", "Wyckoff1963", 1, density_g_cm3=2.70, density_source="CRC Handbook [CRC2016]",
    ),
    "C": CrystalData(
        "C", 194, ("C", "C"), ((0.0, 0.0, 0.25), (1 / 3, 2 / 3, 0.25)), (2.464, 2.464, 6.711, 90, 90, 120), ("2b", "2c"),
        "hexagonal graphite (P63/mmc), a = 2.464, c = 6.711 A [Wyckoff1963]", "Wyckoff1963", 1,
        density_g_cm3=2.26, density_source="X-ray density of ideal graphite (CRC lists 2.2 for polycrystalline graphite) [CRC2016]",
    ),
    "Zr": CrystalData(
        "Zr", 194, ("Zr",), ((1 / 3, 2 / 3, 0.25),), (3.232, 3.232, 5.147, 90, 90, 120), ("2c",),
        "hcp alpha-Zr (P63/mmc), a = 3.232, c = 5.147 A [Wyckoff1963]", "Wyckoff1963", 1, density_g_cm3=6.52, density_source="CRC Handbook [CRC2016]",
    ),
    "La": CrystalData(
        "La", 194, ("La", "La"), ((0.0, 0.0, 0.0), (1 / 3, 2 / 3, 0.25)), (3.770, 3.770, 12.159, 90, 90, 120), ("2a", "2c"),
        "dhcp alpha-La (P63/mmc), a = 3.770, c = 12.159 A [Wyckoff1963]", "Wyckoff1963", 1, density_g_cm3=6.15, density_source="CRC Handbook [CRC2016]",
    ),
    "Li6PS5Cl": CrystalData(
        "Li6PS5Cl", 216, ("P", "S", "S", "Cl", "Li"),
        ((0.5, 0.5, 0.5), (0.62, 0.62, 0.62), (0.25, 0.25, 0.25), (0.0, 0.0, 0.0), (0.318, 0.318, 0.023)),
        (9.85, 9.85, 9.85, 90, 90, 90), ("4b", "16e", "4c", "4a", "48h"),
        "argyrodite Li6PS5Cl (F-43m), a = 9.85 A [Deiseroth2008]; ordered model: PS4 on 4b/16e, S2- on 4c, Cl on 4a (full S/Cl order, "
        "the end member of the partial 4a/4c exchange), Li on one site of each half-occupied 48h doublet (24 of 48), the "
        "translation-invariant choice of lowest Ewald energy; 16e x and 48h (x, x, z) close to the refinements of [Deiseroth2008, Kraft2017]",
        "Deiseroth2008", 13,
        note=("positions checked by bond lengths: P-S 2.05 A, Li-S 2.43/2.48 A, Li-Cl 2.55 A, Li-Li 48h doublet 1.89 A, and against "
              "the public average cell github.com/mcs-cice/IonExplorer2 examples/Li6PS5Cl.cif (commit 1feb370; FINDSYM, a = 10.28 A, "
              "not experimental): S 16e x 0.6155 (here 0.62) and the 48h doublet centre 24g x 0.0231 (here 0.023) agree within 0.005; "
              "the 48h split and a = 9.85 A are not verified against Deiseroth's or Kraft's refinement (no public copy found); "
              "the real material has ~10-60 % S/Cl site exchange depending on synthesis: the full order is a model choice"),
        density_g_cm3=1.86, density_source="X-ray density of the cited cell (checks composition and Z, not the cell)",
        ordering="argyrodite_48h",
    ),
    "Li7La3Zr2O12": CrystalData(
        "Li7La3Zr2O12", 142, ("La", "La", "Zr", "O", "O", "O", "Li", "Li", "Li"),
        ((0.0, 0.25, 0.125), (0.12737, 0.0, 0.25), (0.0, 0.0, 0.0),
         (0.276770, 0.099183, 0.196236), (0.194517, 0.284616, 0.096296), (0.102443, 0.195037, 0.284333),
         (0.0, 0.25, 0.375), (0.181211, 0.431211, 0.125), (0.419484, 0.087534, 0.194143)),
        (13.134, 13.134, 12.663, 90, 90, 90), ("8b", "16e", "16c", "32g", "32g", "32g", "8a", "16f", "32g"),
        "tetragonal garnet Li7La3Zr2O12 (I41/acd, origin choice 2), a = 13.134, c = 12.663 A [Awaka2009]: the ordered LLZO polymorph "
        "(Li fully ordered on tetrahedral 8a and octahedral 16f + 32g; the cubic Al/Ta/Ga-stabilised LLZO of the papers is Li-disordered); "
        "fractional coordinates of all sites from the ordered cell github.com/bjmorgan/hofmann examples/Li7La3Zr2O12.cif (commit b28f60e; "
        "identical in mcs-cice/IonExplorer2), shifted by (0, 1/4, 3/8) from its origin to origin choice 2",
        "Awaka2009", 24, setting=2,
        note=("the coordinate source is a pymatgen-written DFT-relaxed cell (a = 13.236, c = 12.702 A, likely a Materials Project "
              "export of Awaka's structure), not Awaka's refined values: its framework agrees with the values previously recalled "
              "from [Awaka2009] within 0.005, its Li 16f/32g differ from the octahedral-void centres used before by 0.009/0.039; "
              "the lattice constants are the room-temperature values of [Awaka2009] as recalled (not re-read from the paper). "
              "ZrO6 2.09-2.13 A, LaO8 2.47-2.65 A (checked in tests)"),
        density_g_cm3=5.107, density_source="X-ray density of the cited cell (checks composition and Z, not the cell)",
    ),
    "Li9Al4": CrystalData(
        "Li9Al4", 12, ("Li", "Li", "Li", "Li", "Li", "Al", "Al"),
        ((0.232895, 0.0, 0.842594), (0.307941, 0.0, 0.472885), (0.043552, 0.5, 0.325860), (0.0, 0.0, 0.0),
         (0.414098, 0.5, 0.359347), (0.114294, 0.5, 0.934058), (0.150820, 0.0, 0.216684)),
        (18.690068, 4.471006, 5.368439, 90, 105.239845, 90), ("4i", "4i", "4i", "2a", "4i", "4i", "4i"),
        "monoclinic Li9Al4 (C2/m, Z = 2, 26 atoms; structure type of [Hansen1968]); cell and positions from the primitive cell "
        "github.com/seshasaibehara/casm-alloy-manager tests/input_files/Li9Al4_primitive.vasp (commit b9d0625), standardised "
        "to the conventional C2/m cell (unique axis b) with spglib (symprec 1e-3)",
        "Hansen1968", 13,
        note=("the source cell is a 0 K DFT-relaxed cell (functional not stated in the file): a, beta and the volume (432.8 A^3) are "
              "~3 % below the room-temperature experiment; Al-Al zigzag chains 2.69 A, shortest Li-Al 2.71 A, Li-Li 2.68 A"),
        density_g_cm3=1.27,
        density_source=("X-ray density of the experimental cell of [Hansen1968] (V ~ 446 A^3, Z = 2), recalled, not re-read from "
                        "the paper; the stored DFT cell is 2.9 % denser"),
    ),
})

#: Other names of library materials.
ALIASES = {"LPSC": "Li6PS5Cl", "LLZO": "Li7La3Zr2O12"}

_NOT_YET = {
    "LLZTO": "Ta-doped garnet needs an ordered Li/Ta supercell (give an ordered cell as a file: CIF or any format ASE reads)",
    "LiCF3SO3": "lithium triflate (P21/c, 36 atoms): no public coordinate source found yet (give a CIF of it as a file)",
    "LNI": "Li7N2I needs its cubic anti-fluorite-derived ordered model",
}


def check_material(name: str) -> None:
    """Raise the error :func:`bulk` would raise for ``name``, without building anything (ase not needed).

    Parameters
    ----------
    name : str
        Material name, or a structure file (only its existence is checked).

    Raises
    ------
    NotImplementedFeatureError
        The material is known but its structure is not written yet.
    ParameterError
        Unknown name (with a close match).
    """
    if is_structure_input(name):
        import os

        if isinstance(name, (str, os.PathLike)) and not os.path.isfile(name):
            raise ParameterError(f"structure file '{os.fspath(name)}' does not exist")
        return
    name = ALIASES.get(name, name)
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

    A user structure (file path, ``ase.Atoms`` or pymatgen ``Structure``) is accepted in place of a name and
    read with :func:`load_structure`.

    Parameters
    ----------
    name : str
        Material name (:func:`available`; ``"LPSC"`` is ``"Li6PS5Cl"``).
    primitive : bool
        Return the primitive cell (via spglib through pymatgen) instead of the conventional one.

    Returns
    -------
    ase.Atoms
        With ``info["source"]``, ``info["spacegroup"]`` and ``info["formula_units"]``.

    Raises
    ------
    ParameterError
        Unknown material (with a close match), or a structure file that does not exist.
    ReaderError
        A structure file that cannot be read or has partially occupied sites.
    NotImplementedFeatureError
        The material is known but its structure is not written yet.
    MissingDependencyError
        ase or pymatgen is not installed.
    """
    if is_structure_input(name):
        atoms = load_structure(name)
        if primitive:
            from pymatgen.io.ase import AseAtomsAdaptor

            info = dict(atoms.info)
            s = AseAtomsAdaptor.get_structure(atoms).get_primitive_structure()
            atoms = AseAtomsAdaptor.get_atoms(s)
            atoms.info.update(info)
            atoms.info["formula_units"] = _formula_units(atoms)
        return atoms
    name = ALIASES.get(name, name)
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
    if d.ordering == "argyrodite_48h":
        atoms = _order_48h_doublets(atoms)
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


#: The member kept in each of the six 48h-doublet classes of the argyrodite cell: the first lowest-Ewald-energy choice
#: found by ``_order_48h_doublets(atoms, choice=None)`` (24 of the 64 choices tie, symmetry-equivalent; recomputed in the tests).
ARGYRODITE_48H_CHOICE = (0, 0, 1, 1, 0, 0)


def _order_48h_doublets(atoms: Atoms, choice: tuple[int, ...] | None = ARGYRODITE_48H_CHOICE) -> Atoms:
    """Keep one Li of each 48h doublet (pairs < 2.2 A apart): the translation-invariant choice of lowest Ewald energy.

    The doublets fall into classes related by the F lattice translations; the same member (same displacement from
    the doublet centre) is kept in every doublet of a class, so the result is periodic in the primitive cell too.
    Formal charges Li+1, P+5, S-2, Cl-1. Ties are broken by enumeration order (deterministic). ``choice`` given:
    keep that member per class without the Ewald search (64 Ewald sums take seconds); the returned ``info`` holds
    ``ordering_choice`` (and ``ewald_energy_eV`` after a search).
    """
    import itertools

    import numpy as np
    from pymatgen.analysis.ewald import EwaldSummation
    from pymatgen.io.ase import AseAtomsAdaptor

    sym = np.array(atoms.get_chemical_symbols())
    li = np.nonzero(sym == "Li")[0]
    d = atoms.get_all_distances(mic=True)
    pairs = []
    seen: set[int] = set()
    for i in li:
        if int(i) in seen:
            continue
        others = [j for j in li if j != i]
        j = int(others[int(np.argmin(d[i, others]))])
        if d[i, j] > 2.2 or j in seen:
            raise ParameterError(f"argyrodite ordering: Li {i} has no 48h doublet partner within 2.2 A")
        pairs.append((int(i), j))
        seen |= {int(i), j}
    frac = atoms.get_scaled_positions()
    f_trans = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])

    def key(v):
        return min(tuple(np.round(np.mod(v + t, 1.0), 3) % 1.0) for t in f_trans)

    classes: dict[tuple, list[tuple[int, int]]] = {}
    for p_a, p_b in pairs:
        dv = frac[p_a] - frac[p_b]
        dv -= np.round(dv)
        mid = frac[p_b] + dv / 2
        # orient every pair alike: the member whose displacement from the centre has the larger (x, y, z) tuple first
        first, second = (p_a, p_b) if tuple(np.round(dv, 3)) > tuple(np.round(-dv, 3)) else (p_b, p_a)
        classes.setdefault(key(mid), []).append((first, second))
    groups = [classes[k] for k in sorted(classes)]
    oxi = {"Li": 1, "P": 5, "S": -2, "Cl": -1}
    best = None
    options = [tuple(choice)] if choice is not None else list(itertools.product((0, 1), repeat=len(groups)))
    for ch in options:
        if len(ch) != len(groups):
            raise ParameterError(f"argyrodite ordering: choice needs {len(groups)} entries (one per doublet class); got {ch}")
        drop = {p[1 - c] for g, c in zip(groups, ch) for p in g}
        trial = atoms[[k for k in range(len(atoms)) if k not in drop]]
        e = float("nan")
        if choice is None:
            st = AseAtomsAdaptor.get_structure(trial)
            st.add_oxidation_state_by_element({k: v for k, v in oxi.items() if k in set(trial.get_chemical_symbols())})
            e = EwaldSummation(st).total_energy
        if best is None or e < best[0] - 1e-4:  # ties (symmetry-equivalent choices): the first one found
            best = (e, trial, ch)
    assert best is not None
    out = best[1]
    out.info.update(atoms.info)
    out.info["ordering_choice"] = tuple(best[2])
    if choice is None:
        out.info["ewald_energy_eV"] = best[0]
    return out


def is_structure_input(obj: object) -> bool:
    """True when ``obj`` is a user structure rather than a library name.

    A user structure is an ``ase.Atoms``, a pymatgen ``Structure``, a path object, or a string naming an
    existing file, ending in a structure-file suffix or holding a path separator.

    Parameters
    ----------
    obj : object
        A material argument.

    Returns
    -------
    bool
        Whether :func:`load_structure` should handle it.
    """
    import os

    if hasattr(obj, "get_chemical_symbols") or hasattr(obj, "is_ordered") or hasattr(obj, "__fspath__"):
        return True
    if isinstance(obj, str):
        low = obj.lower()
        return os.path.isfile(obj) or low.endswith((".cif", ".vasp", ".xyz", ".extxyz", ".traj", ".json", ".xsf", ".pdb", ".cell", ".res", ".in")) \
            or os.path.basename(low) in ("poscar", "contcar") or os.sep in obj
    return False


def _ordered_or_raise(structure, what: str) -> None:
    """Raise ReaderError naming the first site with partial occupancy or mixed species."""
    if structure.is_ordered:
        return
    for i, site in enumerate(structure):
        if not site.is_ordered:
            occ = ", ".join(f"{sp} {amt:.3g}" for sp, amt in site.species.items())
            label = f"#{i}" + (f" ({site.label})" if getattr(site, "label", None) and ":" not in str(site.label) else "")
            raise ReaderError(f"{what}: site {label} at fractional {tuple(round(float(x), 4) for x in site.frac_coords)} is disordered "
                              f"(partial occupancy: {occ}); give an ordered cell (e.g. an ordered supercell from enumeration)")


@requires("ase", "pymatgen", feature="reading user structures")
def load_structure(source: object, name: str | None = None) -> Atoms:
    """A user structure as periodic ``ase.Atoms``: a CIF, pymatgen JSON or any file ASE reads, ``ase.Atoms`` or a ``Structure``.

    CIF files are read with pymatgen, which keeps occupancies, so a disordered site is refused by name instead
    of being silently rounded into overlapping atoms. The result passes the geometric checks of
    :func:`lisse.atomistic.sanity.check_bulk` (no density reference).

    Parameters
    ----------
    source : str, path, ase.Atoms or pymatgen.core.Structure
        The structure or the file holding it (positions in Å).
    name : str, optional
        Label used in messages and ``info["material"]`` (default: the file stem or the reduced formula).

    Returns
    -------
    ase.Atoms
        A copy with ``info["material"]``, ``info["source"]``, ``info["formula_units"]`` (of the reduced formula).

    Raises
    ------
    ParameterError
        The file does not exist, or the object is not a structure.
    ReaderError
        The file cannot be read, holds no atoms, is not periodic in 3D, or has partially occupied sites (named).
    CalculationError
        Overlapping atoms or a composition without a charge-neutral assignment of oxidation states.
    MissingDependencyError
        ase or pymatgen is not installed.
    """
    import os
    import warnings

    from pymatgen.core import Composition, Structure
    from pymatgen.io.ase import AseAtomsAdaptor

    from lisse.atomistic.sanity import check_bulk

    if hasattr(source, "get_chemical_symbols"):
        atoms = source.copy()  # type: ignore[attr-defined]
        label, where = name or None, "ase.Atoms given"
    elif isinstance(source, Structure):
        label, where = name or None, "pymatgen Structure given"
        _ordered_or_raise(source, f"structure {label or source.composition.reduced_formula}")
        atoms = AseAtomsAdaptor.get_atoms(source)
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        label, where = name or os.path.splitext(os.path.basename(path))[0], f"file {path}"
        if not os.path.isfile(path):
            raise ParameterError(f"structure file '{path}' does not exist (give a CIF or any file ASE reads, or a library name: {', '.join(available())})")
        try:
            if path.lower().endswith(".cif"):
                from pymatgen.io.cif import CifParser

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    structures = CifParser(path, occupancy_tolerance=1.0).parse_structures(primitive=False)
                if not structures:
                    raise ValueError("no structure in the file")
                _ordered_or_raise(structures[0], f"structure file '{path}'")
                atoms = AseAtomsAdaptor.get_atoms(structures[0])
            elif path.lower().endswith(".json") and _is_pymatgen_json(path):
                # pymatgen's own serialisation (Structure.as_dict() / to(filename="x.json")): ASE reads only its database JSON
                st = Structure.from_file(path)
                _ordered_or_raise(st, f"structure file '{path}'")
                atoms = AseAtomsAdaptor.get_atoms(st)
            else:
                from ase.io import read

                atoms = read(path)
        except ReaderError:
            raise
        except Exception as exc:  # any parser failure of ase/pymatgen: one line naming the file
            raise ReaderError(f"structure file '{path}': cannot be read as a crystal structure ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
        if isinstance(atoms, list):
            atoms = atoms[-1]
    else:
        raise ParameterError(f"material must be a library name, a structure file, an ase.Atoms or a pymatgen Structure; got {type(source).__name__}")
    what = f"structure {label or ''} ({where})".replace("  ", " ")
    if len(atoms) == 0:
        raise ReaderError(f"{what}: holds no atoms")
    if not all(atoms.pbc) or atoms.cell.rank < 3:
        raise ReaderError(f"{what}: needs a 3D periodic cell; got pbc={list(map(bool, atoms.pbc))}, cell rank {atoms.cell.rank}")
    occ = atoms.info.get("occupancy")
    if occ:
        for tag, d in occ.items():
            if any(v < 1 - 1e-6 for v in d.values()) or len(d) > 1:
                raise ReaderError(f"{what}: site with tag {tag} is disordered (occupancy {d}); give an ordered cell")
    check_bulk(atoms, None, what=what)
    comp = Composition(atoms.get_chemical_formula())
    red, factor = comp.get_reduced_formula_and_factor()
    atoms.info.update({"material": label or red, "source": f"user structure ({where})", "formula_units": int(round(factor))})
    atoms.pbc = True
    return atoms


def _is_pymatgen_json(path: str) -> bool:
    """Whether a JSON file is a pymatgen ``Structure`` (its ``"@class"``); read at most 64 MiB."""
    import json
    import os

    if os.path.getsize(path) > 64 * 2**20:
        return False
    try:
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
    except (OSError, ValueError):
        return False
    return isinstance(d, dict) and d.get("@class") == "Structure"


def _formula_units(atoms: Atoms) -> int:
    """Number of reduced formula units in the cell."""
    from pymatgen.core import Composition

    return int(round(Composition(atoms.get_chemical_formula()).get_reduced_formula_and_factor()[1]))


def material_label(material: object) -> str:
    """Short name of a material argument for job names and messages.

    Parameters
    ----------
    material : str, path, ase.Atoms or pymatgen Structure
        A library name or a user structure.

    Returns
    -------
    str
        The library name; a file's stem (characters other than letters, digits, ``_``, ``-`` and ``.``
        replaced by ``_``); an object's reduced formula.
    """
    import os
    import re

    if isinstance(material, str) and not is_structure_input(material):
        return ALIASES.get(material, material)
    if isinstance(material, (str, os.PathLike)):
        return re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.splitext(os.path.basename(os.fspath(material)))[0]) or "structure"
    if hasattr(material, "get_chemical_formula"):
        from pymatgen.core import Composition

        return Composition(material.get_chemical_formula()).reduced_formula
    if hasattr(material, "composition"):
        return str(material.composition.reduced_formula)
    return str(material)
