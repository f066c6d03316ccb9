"""Chemical formulas and molar masses.

Standard atomic weights (abridged, conventional values) from IUPAC CIAAW 2021,
Prohaska et al., Pure Appl. Chem. 94, 573 (2022), doi:10.1515/pac-2019-0603.
"""

from __future__ import annotations

import re

from lisse.errors import ParameterError

ATOMIC_WEIGHT_G_MOL: dict[str, float] = {
    "H": 1.008, "Li": 6.94, "B": 10.81, "C": 12.011, "N": 14.007, "O": 15.999, "F": 18.998,
    "Na": 22.990, "Mg": 24.305, "Al": 26.982, "Si": 28.085, "P": 30.974, "S": 32.06, "Cl": 35.45,
    "K": 39.098, "Ti": 47.867, "Mn": 54.938, "Fe": 55.845, "Co": 58.933, "Ni": 58.693, "Cu": 63.546,
    "Zn": 65.38, "Ga": 69.723, "Ge": 72.630, "Zr": 91.224, "Nb": 92.906, "Ag": 107.87, "In": 114.82,
    "Sn": 118.71, "I": 126.90, "La": 138.91, "Ta": 180.95, "W": 183.84, "Au": 196.97, "Bi": 208.98,
}

_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*\.?\d*)|(\()|(\))(\d*\.?\d*)")


def parse_formula(formula: str) -> dict[str, float]:
    """Parse a formula like ``Li6.4La3Zr1.4Ta0.6O12`` or ``Ca(OH)2`` into element counts.

    Parameters
    ----------
    formula : str
        Chemical formula (element symbols, optional counts, nested parentheses).

    Returns
    -------
    dict of str to float
        Element symbol -> number of atoms per formula unit (a count, may be fractional).

    Raises
    ------
    ParameterError
        If the formula cannot be parsed, names an unknown element or has unbalanced parentheses.
    """
    stack: list[dict[str, float]] = [{}]
    pos = 0
    for m in _TOKEN.finditer(formula):
        if m.start() != pos:
            raise ParameterError(f"cannot parse formula '{formula}' at position {pos}")
        pos = m.end()
        el, n, lpar, rpar, rn = m.groups()
        if el:
            if el not in ATOMIC_WEIGHT_G_MOL:
                raise ParameterError(f"formula '{formula}': unknown element '{el}'")
            stack[-1][el] = stack[-1].get(el, 0.0) + (float(n) if n else 1.0)
        elif lpar:
            stack.append({})
        elif rpar:
            if len(stack) == 1:
                raise ParameterError(f"formula '{formula}': unbalanced ')'")
            grp = stack.pop()
            k = float(rn) if rn else 1.0
            for e, c in grp.items():
                stack[-1][e] = stack[-1].get(e, 0.0) + c * k
    if pos != len(formula) or len(stack) != 1 or not stack[0]:
        raise ParameterError(f"cannot parse formula '{formula}'")
    return stack[0]


def molar_mass(formula: str) -> float:
    """Compute the molar mass of a formula unit from standard atomic weights.

    Parameters
    ----------
    formula : str
        Chemical formula, e.g. ``"Li6.4La3Zr1.4Ta0.6O12"`` (fractional counts and parentheses allowed).

    Returns
    -------
    float
        Molar mass in kg/mol.

    Raises
    ------
    ParameterError
        If the formula cannot be parsed or names an unknown element.

    References
    ----------
    .. [1] T. Prohaska et al., "Standard atomic weights of the elements 2021", Pure Appl. Chem. 94, 573 (2022),
       doi:10.1515/pac-2019-0603 (``IUPAC2021``).
    """
    return sum(ATOMIC_WEIGHT_G_MOL[e] * n for e, n in parse_formula(formula).items()) * 1e-3
