"""Writer of faithful minimal pw.x output files for tests.

How made: the layout is copied line by line from a real pw.x 5.3.0 output that ASE ships as
``ase.test.fio.test_espresso.pw_output_text`` (header, ``lattice parameter (alat)``, ``crystal axes``,
``site n. atom positions (alat units)``, ``!    total energy`` in Ry, ``Forces acting on atoms
(Ry/au)``, ``Total force``; the ``number of k points=`` block from ASE's second real output,
``pw_output_cell``, pw.x 7.4), with our structure, energy and forces substituted. Only the blocks ASE's
espresso-out reader parses are kept; the numbers are synthetic (chosen by each test).
"""

from __future__ import annotations

import numpy as np

BOHR = 0.529177210903  # A (CODATA2018)
RY = 13.605693122994  # eV


def pw_output(atoms, energy_eV: float, forces_eV_A=None) -> str:
    alat_bohr = float(np.linalg.norm(atoms.cell[0])) / BOHR
    alat_A = alat_bohr * BOHR
    cell = atoms.cell.array / alat_A
    pos = atoms.positions / alat_A
    f = np.zeros((len(atoms), 3)) if forces_eV_A is None else np.asarray(forces_eV_A)
    f_ry = f / (RY / BOHR)
    species = []
    for s in atoms.get_chemical_symbols():
        if s not in species:
            species.append(s)
    lines = [
        "",
        "     Program PWSCF v.5.3.0 (svn rev. 11974) starts on 19May2016 at  7:48:12 ",
        "",
        "     bravais-lattice index     =            0",
        f"     lattice parameter (alat)  =  {alat_bohr:11.4f}  a.u.",
        f"     unit-cell volume          =  {atoms.get_volume() / BOHR**3:11.4f} (a.u.)^3",
        f"     number of atoms/cell      =  {len(atoms):11d}",
        f"     number of atomic types    =  {len(species):11d}",
        "     kinetic-energy cutoff     =      60.0000  Ry",
        "     Exchange-correlation      = PBE ( 1  4  3  4 0 0)",
        "",
        f"     celldm(1)=  {alat_bohr:9.6f}  celldm(2)=   0.000000  celldm(3)=   0.000000",
        "",
        "     crystal axes: (cart. coord. in units of alat)",
    ]
    for i in range(3):
        lines.append(f"               a({i + 1}) = ( {cell[i, 0]:10.6f} {cell[i, 1]:10.6f} {cell[i, 2]:10.6f} )  ")
    lines += ["", "   Cartesian axes", "", "     site n.     atom                  positions (alat units)"]
    for i, (s, p) in enumerate(zip(atoms.get_chemical_symbols(), pos)):
        lines.append(f"     {i + 1:4d}           {s:2s}  tau({i + 1:4d}) = ( {p[0]:11.7f} {p[1]:11.7f} {p[2]:11.7f}  )")
    lines += [
        "",
        "     number of k points=     1  Gaussian smearing, width (Ry)=  0.0010",
        "                       cart. coord. in units 2pi/alat",
        "        k(    1) = (   0.0000000   0.0000000   0.0000000), wk =   2.0000000",
        "",
        "     End of self-consistent calculation",
        "",
        "     Number of k-points >= 100: set verbosity='high' to print the bands.",
        "",
        f"!    total energy              = {energy_eV / RY:16.8f} Ry",
        f"     Harris-Foulkes estimate   = {energy_eV / RY:16.8f} Ry",
        "     estimated scf accuracy    <          8.1E-11 Ry",
        "",
        "     convergence has been achieved in  23 iterations",
        "",
        "     Forces acting on atoms (Ry/au):",
        "",
    ]
    for i, s in enumerate(atoms.get_chemical_symbols()):
        lines.append(f"     atom {i + 1:4d} type {species.index(s) + 1:2d}   force = {f_ry[i, 0]:14.8f}{f_ry[i, 1]:14.8f}{f_ry[i, 2]:14.8f}")
    lines += ["", f"     Total force = {np.linalg.norm(f_ry):12.6f}     Total SCF correction =     0.000000", "", "     JOB DONE.", ""]
    return "\n".join(lines)
