"""Sanity checks run before any atomistic number is reported.

Guards against the failure modes seen in practice (issue #3): slabs folded onto each other (atoms far
too close; an ML potential then returns an absurd energy without complaint), cells that are not
periodic along z, vacuum thinner than the potential's cutoff (the slab sees its own image), energies
far from the bulk references, and energies from different calculators mixed in one formula
(:func:`lisse.atomistic.calculators.check_same_calculator`).
"""

from __future__ import annotations

import numpy as np

from lisse.errors import CalculationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ase import Atoms  # ase is imported at run time only inside the functions that need it

__all__ = ["min_distance", "check_distances", "check_periodic", "vacuum_thickness", "check_vacuum", "check_energy_per_atom", "check_slab",
           "density_g_cm3", "check_bulk"]

#: Fraction of the sum of covalent radii below which two atoms count as overlapping.
OVERLAP_FRACTION = 0.6


def min_distance(atoms: Atoms) -> tuple[float, int, int]:
    """Smallest interatomic distance (A, periodic) and the pair of indices.

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (Å).

    Returns
    -------
    tuple of (float, int, int)
        Distance [Å] (inf when no pair within 4 Å) and the two atom indices.
    """
    from ase.neighborlist import neighbor_list

    i, j, d = neighbor_list("ijd", atoms, 4.0)
    if d.size == 0:
        return float("inf"), -1, -1
    k = int(np.argmin(d))
    return float(d[k]), int(i[k]), int(j[k])


def check_distances(atoms: Atoms, fraction: float = OVERLAP_FRACTION, what: str = "structure") -> float:
    """Raise :class:`CalculationError` if any pair is closer than ``fraction`` x (r_cov,i + r_cov,j).

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (Å).
    fraction : float, default OVERLAP_FRACTION
        Fraction of the sum of covalent radii [-] (dimensionless) below which atoms overlap.
    what : str, default "structure"
        Name of the structure in messages.

    Returns
    -------
    float
        The smallest distance [Å].

    Raises
    ------
    CalculationError
        Two atoms overlap.
    """
    from ase.data import covalent_radii
    from ase.neighborlist import neighbor_list

    i, j, d = neighbor_list("ijd", atoms, 4.0)
    if d.size == 0:
        return float("inf")
    z = atoms.numbers
    lim = fraction * (covalent_radii[z[i]] + covalent_radii[z[j]])
    bad = np.nonzero(d < lim)[0]
    if bad.size:
        k = bad[np.argmin(d[bad] / lim[bad])]
        s = atoms.get_chemical_symbols()
        raise CalculationError(
            f"{what}: atoms {i[k]} ({s[i[k]]}) and {j[k]} ({s[j[k]]}) are {d[k]:.2f} A apart, below {lim[k]:.2f} A "
            f"({fraction} x sum of covalent radii): overlapping/folded geometry"
        )
    return float(d.min())


def check_periodic(atoms: Atoms, what: str = "structure") -> None:
    """Require pbc in all three directions with c along z (slab cells from ase.build can lack pbc[2]).

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (Å).
    what : str, default "structure"
        Name of the structure in messages.

    Raises
    ------
    CalculationError
        The cell is not periodic in x, y and z, or c is not along z.
    """
    if not all(atoms.pbc):
        raise CalculationError(f"{what}: cell must be periodic in x, y and z; got pbc={list(map(bool, atoms.pbc))}")
    c = atoms.cell.array
    if abs(c[2, 0]) > 1e-6 or abs(c[2, 1]) > 1e-6 or abs(c[0, 2]) > 1e-6 or abs(c[1, 2]) > 1e-6:
        raise CalculationError(f"{what}: slab cells need a, b in the xy plane and c along z; got cell {c.round(3).tolist()}")


def vacuum_thickness(atoms: Atoms) -> float:
    """Vacuum gap along z between periodic images (A).

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (Å).

    Returns
    -------
    float
        Vacuum [Å].
    """
    z = atoms.positions[:, 2]
    return float(atoms.cell.array[2, 2] - (z.max() - z.min()))


def check_vacuum(atoms: Atoms, cutoff: float, what: str = "slab") -> float:
    """Require vacuum > cutoff (A) of the calculator, so the slab never sees its periodic image.

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (Å).
    cutoff : float
        The calculator's interaction cut-off [Å].
    what : str, default "slab"
        Name of the structure in messages.

    Returns
    -------
    float
        The vacuum [Å].

    Raises
    ------
    CalculationError
        The vacuum does not exceed ``cutoff``.
    """
    v = vacuum_thickness(atoms)
    if not v > cutoff:
        raise CalculationError(f"{what}: vacuum {v:.2f} A must exceed the calculator cutoff {cutoff:.2f} A")
    return v


def check_energy_per_atom(energy: float, atoms: Atoms, reference_per_atom: dict[str, float], tolerance: float = 1.0, what: str = "structure") -> float:
    """Require |E - sum_i mu_i| / N < tolerance (eV/atom), with mu_i bulk reference energies per atom of each element.

    Returns the deviation in eV/atom. A folded or exploded structure typically misses by several eV/atom.

    Parameters
    ----------
    energy : float
        Total energy E [eV].
    atoms : ase.Atoms
        The structure (Å).
    reference_per_atom : dict of str to float
        Bulk reference energy per atom of each element [eV].
    tolerance : float, default 1.0
        Largest allowed deviation [eV/atom].
    what : str, default "structure"
        Name of the structure in messages.

    Returns
    -------
    float
        The deviation [eV/atom] (NaN when an element has no reference).

    Raises
    ------
    CalculationError
        The energy is not finite or deviates more than ``tolerance``.
    """
    if not np.isfinite(energy):
        raise CalculationError(f"{what}: energy is not finite ({energy!r})")
    syms = atoms.get_chemical_symbols()
    missing = set(syms) - set(reference_per_atom)
    if missing:
        return float("nan")
    ref = sum(reference_per_atom[s] for s in syms)
    dev = (energy - ref) / len(atoms)
    if abs(dev) > tolerance:
        raise CalculationError(f"{what}: energy deviates from bulk references by {dev:+.2f} eV/atom (limit {tolerance} eV/atom): absurd energy")
    return float(dev)


def check_slab(atoms: Atoms, cutoff: float, what: str = "slab") -> dict:
    """All geometric checks for a slab/interface: periodicity, vacuum > cutoff, no overlaps.

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (Å).
    cutoff : float
        The calculator's interaction cut-off [Å].
    what : str, default "slab"
        Name of the structure in messages.

    Returns
    -------
    dict
        ``vacuum_A``, ``min_distance_A``, ``periodic``.

    Raises
    ------
    CalculationError
        A check fails.
    """
    check_periodic(atoms, what)
    v = check_vacuum(atoms, cutoff, what)
    d = check_distances(atoms, what=what)
    return {"vacuum_A": v, "min_distance_A": d, "periodic": True}


def density_g_cm3(atoms: Atoms) -> float:
    """Mass density of a periodic cell [g/cm^3] (standard atomic masses of ASE).

    Parameters
    ----------
    atoms : ase.Atoms
        The periodic cell (Å).

    Returns
    -------
    float
        Density [g/cm^3].
    """
    from lisse.constants import AVOGADRO

    mass_g = float(np.sum(atoms.get_masses())) / AVOGADRO
    return mass_g / (atoms.get_volume() * 1e-24)


def check_bulk(atoms: Atoms, density: float | None = None, tolerance: float = 0.05, what: str = "bulk") -> dict:
    """Checks of a bulk cell: periodic, no overlapping atoms, a charge-neutral composition, density near ``density``.

    Charge neutrality: pymatgen finds an assignment of common oxidation states that sums to zero
    (elements and intermetallics pass with all states zero).

    Parameters
    ----------
    atoms : ase.Atoms
        The cell (Å).
    density : float, optional
        Experimental density [g/cm^3] to compare with (skipped when None or NaN).
    tolerance : float, default 0.05
        Largest relative deviation from ``density`` (dimensionless).
    what : str, default "bulk"
        Name of the structure in messages.

    Returns
    -------
    dict
        ``formula``, ``min_distance_A``, ``density_g_cm3``, ``density_deviation`` (relative, NaN without reference),
        ``oxidation_states`` (one neutral assignment, element -> state).

    Raises
    ------
    CalculationError
        Not periodic, overlapping atoms, no charge-neutral assignment, or density off by more than ``tolerance``.
    """
    from pymatgen.core import Composition

    if not all(atoms.pbc):
        raise CalculationError(f"{what}: a bulk cell must be periodic in x, y and z; got pbc={list(map(bool, atoms.pbc))}")
    dmin = check_distances(atoms, what=what)
    comp = Composition(atoms.get_chemical_formula())
    if len(comp.elements) == 1 or all(e.is_metal for e in comp.elements):
        oxi: dict = {str(e): 0 for e in comp.elements}
    else:
        guesses = comp.oxi_state_guesses(max_sites=-1)
        if not guesses:
            raise CalculationError(f"{what}: composition {comp.reduced_formula} has no charge-neutral assignment of common oxidation states")
        oxi = {k: float(v) for k, v in guesses[0].items()}
    rho = density_g_cm3(atoms)
    dev = float("nan")
    if density is not None and np.isfinite(density):
        dev = rho / density - 1.0
        if abs(dev) > tolerance:
            raise CalculationError(f"{what}: density {rho:.3f} g/cm3 deviates {dev * 100:+.1f} % from the experimental {density:.3f} g/cm3 "
                                   f"(limit {tolerance * 100:.0f} %): wrong cell, composition or Z")
    return {"formula": comp.reduced_formula, "min_distance_A": dmin, "density_g_cm3": rho, "density_deviation": dev, "oxidation_states": oxi}
