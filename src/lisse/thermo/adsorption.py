"""Li adsorption energy on a slab, referenced to bulk Li (not the isolated atom).

Notes
-----
[Su2024] defines ``E_ad = E_total - (E_slab + E_atom)``; more negative means easier Li
nucleation on that surface. With ML potentials the isolated-atom energy is unreliable (no isolated
atoms in their training data), so lisse references the adatom to bulk Li by default::

    E_ad = E_total - E_slab - n_ad mu_Li,   mu_Li = E_bulk(Li)/atom

which differs from the atom-referenced value by the cohesive energy of Li (1.63 eV/atom, [Kittel2005])
and preserves the ranking between substrates. ``E_ad < 0`` vs bulk Li means the adatom binds to the
substrate more strongly than to Li itself (lithiophilic nucleation site).

References
----------
Su et al., Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
"""

from __future__ import annotations

import math

from lisse.citations import Citation, add, register
from lisse.errors import ParameterError

__all__ = ["adsorption_energy", "LI_COHESIVE_ENERGY_EV"]

add(Citation("Kittel2005", "Kittel", "Introduction to Solid State Physics, 8th edition (Table 3.1, cohesive energies)", "Wiley", 2005, None))

#: Cohesive energy of bcc Li [eV/atom], Kittel 8th ed. Table 3.1 (1.63 eV/atom).
LI_COHESIVE_ENERGY_EV = 1.63


def adsorption_energy(e_total: float, e_slab: float, e_reference: float, n_adsorbed: int = 1) -> float:
    """Adsorption energy per adsorbed atom [same energy unit as inputs].

    ``(E_total - E_slab - n_ad E_ref) / n_ad``; ``e_reference`` is the energy per Li of the reference
    state: bulk Li per atom (recommended, default in the workflows) or the isolated atom ([Su2024]).

    Parameters
    ----------
    e_total : float
        Total energy of the slab with the adsorbed Li [eV or J; any energy unit, the same for all three energies].
    e_slab : float
        Total energy of the clean slab [same energy unit].
    e_reference : float
        Energy per Li of the reference state [same energy unit]: bulk Li per atom (recommended) or the isolated atom.
    n_adsorbed : int, default 1
        Number of adsorbed Li atoms in the cell (count).

    Returns
    -------
    float
        Adsorption energy per adsorbed atom [same energy unit as the inputs]; negative = binds more strongly than to the reference.

    Raises
    ------
    ParameterError
        An energy is not finite, or ``n_adsorbed`` is not a positive integer.

    References
    ----------
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    for n, v in (("e_total", e_total), ("e_slab", e_slab), ("e_reference", e_reference)):
        if not math.isfinite(v):
            raise ParameterError(f"parameter '{n}' must be finite; got {v!r}")
    if int(n_adsorbed) != n_adsorbed or n_adsorbed < 1:
        raise ParameterError(f"parameter 'n_adsorbed' must be a positive integer; got {n_adsorbed!r}")
    register("Su2024")
    return (e_total - e_slab - n_adsorbed * e_reference) / n_adsorbed
