"""CP2K (Gaussian and plane waves, GTH pseudopotentials) as a second DFT engine, through ASE's ``cp2k_shell`` driver.

CP2K [Kuehne2020] expands the Kohn-Sham orbitals in atom-centred Gaussians (MOLOPT DZVP basis sets
[VandeVondele2007]) and the density on a plane-wave grid (GPW), with Goedecker-Teter-Hutter pseudopotentials
fitted to PBE [Goedecker1996, Krack2005]. A Gaussian basis makes vacuum cheap and scales to large Gamma-point cells, the
route to 200-400-atom garnet and argyrodite interfaces (not measured here yet). On the 79-atom coherent Li|LiF cell at
the screening level (``benchmarks/dft_engines.py``, one loaded core) CP2K took 23, 30 and 46 SCF iterations for the Li
film, the LiF slab and the interface (4617 s for the three) where GPAW took 11, 9 and 20 (1712 s), and its rigid W_ad
was -0.194 J/m2 against GPAW's -0.240. GPAW stays the default, and the engine
of cell relaxations (its plane-wave stress with the Pulay correction). Both are PBE; their W_ad on the
same interface differ by the basis (the basis-set superposition error of a Gaussian basis raises a binding energy:
not counterpoise-corrected here, so a CP2K W_ad is an upper estimate at the DZVP level).

The program comes from Debian (``apt install cp2k``: the binaries and the ``cp2k-data`` basis and pseudopotential
files; nothing is downloaded at run time). CP2K is GPL-2; it runs as a separate program and stays optional. Every
calculation runs in a working folder lisse owns (a new temporary folder unless ``directory`` is given), never in the
user's current folder.

Settings (:data:`CP2K_LEVELS`): PBE, DZVP-MOLOPT-SR-GTH basis (La from CP2K's UCL file, the others from
BASIS_MOLOPT), GTH-PBE pseudopotentials, density cut-off in Ry with REL_CUTOFF, Monkhorst-Pack k-mesh with the
numbers of points GPAW takes from the level's k-spacing (CP2K's mesh is shifted off Gamma for an even number, GPAW's
is Gamma-centred: the same density of points, not the same points; Gamma only when the mesh is 1 x 1 x 1),
Fermi-Dirac smearing at the level's width, Kerker-damped Pulay mixing (:data:`MIXING`), diagonalisation. Spin-polarised structures (the rule of
:func:`lisse.atomistic.calculators.needs_spin`) are refused: the input for them (unrestricted, each species' starting
moment as its &KIND MAGNETIZATION) let bcc Fe converge non-magnetic (measured, test level), so it is not used until
a moment survives; the papers' materials (Li, LiF, Li2CO3, LLZO, Li6PS5Cl) are closed-shell. The energy is CP2K's, the Mermin free energy E - TS (GPAW's is extrapolated to zero width: compare the
engines' total energies with that in mind; in a W_ad the TS terms of the three structures largely cancel). Slabs and
interfaces get CP2K's surface dipole correction along z [Bengtsson1999], which needs vacuum on both sides: a slab with
less than :data:`MIN_VACUUM_A` per side is padded for the calculation (the c vector alone: positions and the in-plane
cell are returned as calculated). A self-consistent field that does not converge, or a CP2K abort, is an error (CP2K
itself only warns about the first and carries on).

References
----------
Kuehne, Iannuzzi, Del Ben, et al., CP2K: An electronic structure and molecular dynamics software package, J. Chem.
Phys. 152, 194103 (2020), doi:10.1063/5.0007045.
VandeVondele, Hutter, Gaussian basis sets for accurate calculations on molecular systems in gas and condensed phases,
J. Chem. Phys. 127, 114105 (2007), doi:10.1063/1.2770708.
Goedecker, Teter, Hutter, Separable dual-space Gaussian pseudopotentials, Phys. Rev. B 54, 1703 (1996),
doi:10.1103/PhysRevB.54.1703.
Krack, Pseudopotentials for H to Kr optimized for gradient-corrected exchange-correlation functionals, Theor. Chem.
Acc. 114, 145 (2005), doi:10.1007/s00214-005-0655-y.
Bengtsson, Dipole correction for surface supercell calculations, Phys. Rev. B 59, 12301 (1999),
doi:10.1103/PhysRevB.59.12301.
Pulay, Convergence acceleration of iterative sequences. The case of SCF iteration, Chem. Phys. Lett. 73, 393 (1980),
doi:10.1016/0009-2614(80)80396-4.
Kerker, Efficient iteration scheme for self-consistent pseudopotential calculations, Phys. Rev. B 23, 3082 (1981),
doi:10.1103/PhysRevB.23.3082.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import shutil
import tempfile
import uuid
import weakref
from pathlib import Path
from typing import Any, cast

from lisse.atomistic.calculators import (
    D3_SLAB_CONVENTION,
    PURPOSES,
    AtomisticCalculator,
    CalculatorInfo,
    needs_spin,
    starting_moments,
    with_d3,
)
from lisse.citations import Citation, add, register
from lisse.constants import BOLTZMANN, ELEMENTARY_CHARGE
from lisse.errors import CalculationError, MissingDependencyError, ParameterError

__all__ = ["CP2KCalculator", "CP2K_LEVELS", "MIN_VACUUM_A", "abort_message", "cp2k_input", "scf_failures"]

for _c in (
    Citation("Kuehne2020", "Kuehne, Iannuzzi, Del Ben, et al.", "CP2K: An electronic structure and molecular dynamics software package",
             "J. Chem. Phys. 152, 194103", 2020, "10.1063/5.0007045"),
    Citation("VandeVondele2007", "VandeVondele, Hutter", "Gaussian basis sets for accurate calculations on molecular systems in gas and condensed phases",
             "J. Chem. Phys. 127, 114105", 2007, "10.1063/1.2770708"),
    Citation("Goedecker1996", "Goedecker, Teter, Hutter", "Separable dual-space Gaussian pseudopotentials", "Phys. Rev. B 54, 1703", 1996,
             "10.1103/PhysRevB.54.1703"),
    Citation("Krack2005", "Krack", "Pseudopotentials for H to Kr optimized for gradient-corrected exchange-correlation functionals",
             "Theor. Chem. Acc. 114, 145", 2005, "10.1007/s00214-005-0655-y"),
    Citation("Bengtsson1999", "Bengtsson", "Dipole correction for surface supercell calculations", "Phys. Rev. B 59, 12301", 1999,
             "10.1103/PhysRevB.59.12301"),
):
    add(_c)

#: Settings per level: density cut-off and REL_CUTOFF [Ry], k-spacing [1/A] (2 pi included), Fermi-Dirac width [eV],
#: SCF tolerance [Hartree]. "screening" is CP2K's usual production set for DZVP (400/50 Ry); "publication" raises the
#: grid (the basis stays DZVP: Li has no larger MOLOPT-SR set in cp2k-data); "test" is a pipeline check, not converged.
CP2K_LEVELS: dict[str, dict[str, Any]] = {
    "test": {"cutoff_Ry": 300.0, "rel_cutoff_Ry": 40.0, "kspacing_inv_A": 0.4, "smearing_eV": 0.1, "eps_scf_Ha": 1e-6},
    "screening": {"cutoff_Ry": 400.0, "rel_cutoff_Ry": 50.0, "kspacing_inv_A": 0.25, "smearing_eV": 0.1, "eps_scf_Ha": 1e-6},
    "publication": {"cutoff_Ry": 600.0, "rel_cutoff_Ry": 60.0, "kspacing_inv_A": 0.18, "smearing_eV": 0.05, "eps_scf_Ha": 1e-7},
}
#: Density mixing of the self-consistent field (CP2K &SCF/&MIXING keywords): Pulay (DIIS) mixing of the density with
#: Kerker damping of its long-wavelength components (BETA [1/bohr]: a component of wave vector q is mixed with
#: ALPHA q^2/(q^2 + BETA^2)), the standard cure for charge sloshing in metal slabs [Pulay1980, Kerker1981]. Measured on the 27-atom
#: Li(100) film of the coherent Li|LiF cell (test level, 2 x 2 x 1 k-mesh, one loaded core): Pulay ALPHA 0.1, BETA 1.5,
#: NPULAY 8 converged in 28 iterations; Broyden with the same ALPHA, BETA and history still oscillated after 37 (density
#: residual 2e-5 to 3e-4, energy jumping by up to 4e-4 Ha), with or without the dipole correction, with 41 instead of 13
#: added orbitals, and with EPS_DEFAULT 1e-12 (the trajectories were identical to 8 digits: not a precision problem);
#: Broyden ALPHA 0.2 with CP2K's default BETA (0.5) had not converged after 79 iterations at the screening level, where
#: Pulay ALPHA 0.1, BETA 1.5 converged the same film in 23 (3 x 3 k-mesh).
MIXING: tuple[str, ...] = ("METHOD PULAY_MIXING", "ALPHA 0.1", "BETA 1.5", "NPULAY 8")

#: Vacuum [A] a slab gets on each side for CP2K's surface dipole correction (measured on a 4-plane Li(100) slab, test
#: level: CP2K 2023.1 aborts with "Dipole correction needs more vacuum space above the surface" at 5 and 8 A per side,
#: in the fourth SCF iteration, as the density reaches the correction plane; it converges at 10, 12 and 15 A, total
#: energies within 4 meV). A larger slab that still aborts is an error naming the output file.
MIN_VACUUM_A = 10.0
#: Basis and pseudopotential files of cp2k-data searched in this order (La's DZVP-MOLOPT-SR-GTH is in the UCL file).
BASIS_FILES = ("BASIS_MOLOPT", "BASIS_MOLOPT_UCL")
POTENTIAL_FILE = "GTH_POTENTIALS"
BASIS = "DZVP-MOLOPT-SR-GTH"
#: Valence electrons of the GTH-PBE pseudopotentials CP2K picks by the "GTH-PBE" alias (cp2k-data 2023.1), for the
#: number of extra orbitals a smeared calculation needs; an element not listed counts 18 (the most here).
GTH_VALENCE = {"H": 1, "Li": 3, "B": 3, "C": 4, "N": 5, "O": 6, "F": 7, "Na": 9, "Mg": 10, "Al": 3, "Si": 4, "P": 5, "S": 6,
               "Cl": 7, "Ti": 12, "V": 13, "Cr": 14, "Mn": 15, "Fe": 16, "Co": 17, "Ni": 18, "Cu": 11, "Zn": 12, "Ga": 13, "Ge": 4,
               "Zr": 12, "Ag": 11, "In": 13, "Sn": 4, "I": 7, "La": 11, "Ta": 13, "Au": 11}
_NOT_CONVERGED = "SCF run NOT converged"
_ABORT_FIGURE = r"^\s*(\\___/|O/\||/\| \||/ \\|\|)?"
_RY_EV = 13.605693122994  # 1 Ry in eV (CODATA 2018)


def _is_slab(atoms) -> bool:
    from lisse.atomistic.dft import _is_slab as is_slab

    return is_slab(atoms)


def scf_failures(output: str) -> int:
    """How many self-consistent field runs a CP2K output reports as not converged.

    Parameters
    ----------
    output : str
        The text of a CP2K output file.

    Returns
    -------
    int
        The number of ``SCF run NOT converged`` warnings.
    """
    return output.count(_NOT_CONVERGED)


def abort_message(output: str) -> str:
    """The message of the last ``[ABORT]`` box of a CP2K output ("" when there is none).

    Parameters
    ----------
    output : str
        The text of a CP2K output file.

    Returns
    -------
    str
        The abort message, its lines joined (e.g. ``"Dipole correction needs more vacuum space above the surface"``).
    """
    i = output.rfind("[ABORT]")
    if i < 0:
        return ""
    words = []
    for line in output[i:].splitlines()[1:8]:
        text = line.strip().strip("*")
        # the box draws a figure at its left edge (\___/, |, O/|, /| |, / \) and ends with the source file:line
        text = re.sub(_ABORT_FIGURE, "", text).strip()
        text = re.sub(r"\S+\.F:\d+$", "", text).strip()
        if text:
            words.append(text)
    return " ".join(words)


def cp2k_input(atoms, settings: dict[str, Any], spin: bool, guess: Path | None = None) -> str:
    """The CP2K input sections lisse adds to ASE's (``&FORCE_EVAL/&DFT``: files, grid, k-points, SCF, smearing, dipole).

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (Å), as :meth:`CP2KCalculator.prepare` left it.
    settings : dict
        A level of :data:`CP2K_LEVELS` (``rel_cutoff_Ry``, ``kspacing_inv_A``, ``smearing_eV``, ``eps_scf_Ha``).
    spin : bool
        Spin-polarised (unrestricted Kohn-Sham).
    guess : pathlib.Path, optional
        A wave-function file of an earlier run of the same structure and settings (CP2K's ``<project>-RESTART.wfn``, or
        ``.kp`` with k-points), read as the SCF's starting guess (``SCF_GUESS RESTART``); None: CP2K's atomic guess.

    Returns
    -------
    str
        CP2K input text (ASE adds the coordinates, cell, kinds, functional and cut-off).
    """
    from lisse.atomistic.dft import kpoint_mesh

    n_el = sum(GTH_VALENCE.get(s, 18) for s in atoms.get_chemical_symbols())
    added = max(10, math.ceil(0.3 * n_el / 2))  # empty orbitals for the smearing: 30 % of the occupied, at least 10
    t_el = settings["smearing_eV"] * ELEMENTARY_CHARGE / BOLTZMANN  # Fermi-Dirac width as an electronic temperature [K]
    mesh = kpoint_mesh(atoms, settings["kspacing_inv_A"])
    lines = ["&FORCE_EVAL", "  &DFT"]
    lines += [f"    BASIS_SET_FILE_NAME {f}" for f in BASIS_FILES] + [f"    POTENTIAL_FILE_NAME {POTENTIAL_FILE}"]
    if guess is not None:
        lines.append(f"    WFN_RESTART_FILE_NAME {guess}")
    if spin:
        lines.append("    UKS T")
    if _is_slab(atoms):
        lines += ["    SURFACE_DIPOLE_CORRECTION T", "    SURF_DIP_DIR Z"]
    lines += ["    &MGRID", f"      REL_CUTOFF [Ry] {settings['rel_cutoff_Ry']:g}", "    &END MGRID"]
    if mesh != (1, 1, 1):
        lines += ["    &KPOINTS", "      SCHEME MONKHORST-PACK {} {} {}".format(*mesh), "    &END KPOINTS"]
    lines += ["    &SCF", f"      EPS_SCF {settings['eps_scf_Ha']:.1E}", f"      ADDED_MOS {added}"]
    if guess is not None:
        lines.append("      SCF_GUESS RESTART")
    lines += ["      &SMEAR ON", "        METHOD FERMI_DIRAC", f"        ELECTRONIC_TEMPERATURE [K] {t_el:.2f}", "      &END SMEAR",
              "      &DIAGONALIZATION", "        ALGORITHM STANDARD", "      &END DIAGONALIZATION",
              "      &MIXING"] + [f"        {k}" for k in MIXING] + ["      &END MIXING",
              "    &END SCF", "  &END DFT"]
    if spin:
        # ASE's CP2K driver ignores the atoms' initial moments: the starting moment of each species goes into its &KIND
        # (MAGNETIZATION, the initial guess; ASE adds the basis and potential to the same section), else a smeared UKS
        # run starts, and stays, non-magnetic
        moments: dict[str, float] = {}
        for sym, m in zip(atoms.get_chemical_symbols(), starting_moments(atoms)):
            if m and sym not in moments:
                moments[sym] = float(m)
        lines += ["  &SUBSYS"] + [f"    &KIND {sym}\n      MAGNETIZATION {m:g}\n    &END KIND" for sym, m in moments.items()] + ["  &END SUBSYS"]
    lines.append("&END FORCE_EVAL")
    return "\n".join(lines) + "\n"


class CP2KCalculator(AtomisticCalculator):
    """PBE with Gaussian (DZVP-MOLOPT) basis sets and GTH pseudopotentials in CP2K [Kuehne2020] (Debian ``cp2k``; optional).

    See the module docstring for the settings and their sources. The ``cp2k_shell`` program is found on ``PATH``
    (or given as ``command``). Energies in eV, forces in eV/Å, stress in eV/Å3 (ASE's units).

    Parameters
    ----------
    level : {"screening", "publication", "test"}, default "screening"
        The settings (:data:`CP2K_LEVELS`).
    dispersion : {None, "d3"}, default None
        Add Grimme's D3 (zero damping, PBE parameters) from the ``dftd3`` package, as with GPAW.
    spin : bool or None, default None
        Spin polarisation; None: decided per formula as GPAW does (:func:`lisse.atomistic.calculators.needs_spin`).
    directory : str or os.PathLike, optional
        Folder for CP2K's input and output files (created; kept). None: a new temporary folder, removed when the
        calculator is garbage-collected.
    command : str, default "cp2k_shell"
        The CP2K shell program.
    wavefunction_guess : str or os.PathLike, optional
        A wave-function file (``<project>-RESTART.wfn``, or ``.kp`` with k-points) that an earlier, interrupted run of
        the *same* structure and settings wrote, read as the starting guess of the first SCF of each CP2K run
        (``SCF_GUESS RESTART``; later SCFs of a relaxation continue from the previous step as usual). The converged
        energy does not depend on the guess (only the iteration count does; spin-polarised structures, where a guess
        could pick the magnetic state, are refused by this calculator), so its identity and cache key leave it out. It
        pays where the stored wave functions were near self-consistency (a Li slab restarted from its converged run:
        half the iterations or fewer, tested); CP2K's first step after a restart is unmixed, so an SCF interrupted
        early in a charge-sloshing system may restart no better than from atoms (measured on the Li|LLZO interface:
        ``benchmarks/records/README.md``). CP2K accepts a file of another geometry with the same atoms and basis (only
        a worse guess) and stops with an error on a different atom count or basis.

    Raises
    ------
    ParameterError
        Unknown level or dispersion, a ``spin`` other than None/True/False, or a ``wavefunction_guess`` that is not an
        existing file or whose path holds a character CP2K's input reads specially (``!``, ``#``, ``$``, whitespace).

    References
    ----------
    Kuehne, Iannuzzi, Del Ben, et al., CP2K: An electronic structure and molecular dynamics software package, J. Chem.
    Phys. 152, 194103 (2020), doi:10.1063/5.0007045.
    VandeVondele, Hutter, Gaussian basis sets for accurate calculations on molecular systems in gas and condensed
    phases, J. Chem. Phys. 127, 114105 (2007), doi:10.1063/1.2770708.
    Goedecker, Teter, Hutter, Separable dual-space Gaussian pseudopotentials, Phys. Rev. B 54, 1703 (1996),
    doi:10.1103/PhysRevB.54.1703.
    Bengtsson, Dipole correction for surface supercell calculations, Phys. Rev. B 59, 12301 (1999),
    doi:10.1103/PhysRevB.59.12301.
    """

    checkpoint_every = 1  # a DFT ionic step costs seconds to minutes: store every geometry
    min_slab_vacuum_A = 2 * MIN_VACUUM_A  # prepare pads a slab to MIN_VACUUM_A per side

    def __init__(self, level: str = "screening", dispersion: str | None = None, spin: bool | None = None,
                 directory: str | os.PathLike | None = None, command: str = "cp2k_shell",
                 wavefunction_guess: str | os.PathLike | None = None) -> None:
        if level not in CP2K_LEVELS:
            raise ParameterError(f"CP2K level must be one of {sorted(CP2K_LEVELS)}; got {level!r}")
        if dispersion not in (None, "d3"):
            raise ParameterError(f"parameter 'dispersion' must be None or 'd3'; got {dispersion!r}")
        if spin not in (None, True, False):
            raise ParameterError(f"parameter 'spin' must be None (automatic), True or False; got {spin!r}")
        s = dict(CP2K_LEVELS[level])
        s.update({"level": level, "xc": "PBE", "basis": BASIS, "pseudopotentials": "GTH-PBE", "dispersion": dispersion,
                  "d3_damping": "d3zero" if dispersion else None, "spin": spin,
                  "dipole_correction": f"slabs and interfaces (surface dipole correction along z; >= {MIN_VACUUM_A:g} A vacuum per side, padded)",
                  "counterpoise": "none (a Gaussian basis: BSSE not corrected)",
                  "spin_guess": "MAGNETIZATION per &KIND from the starting moments",
                  "kpoints": "Monkhorst-Pack (shifted for even n; GPAW's mesh is Gamma-centred)",
                  "energy": "Mermin free energy E - TS (GPAW reports E extrapolated to zero width)"})
        if dispersion:  # in the identity: CP2K-D3 entries cached while D3 counted a slab's images are not reused
            s["d3_slab"] = D3_SLAB_CONVENTION
        self.level = level
        self.dispersion = dispersion
        self.spin = spin
        self.command = command
        self.settings = s
        # absolute: the shell runs inside it and is handed the files' paths (a relative one would resolve twice)
        self._directory = Path(directory).absolute() if directory is not None else None
        self._tmp: str | None = None
        self.wavefunction_guess = Path(wavefunction_guess).absolute() if wavefunction_guess is not None else None
        if self.wavefunction_guess is not None and not self.wavefunction_guess.is_file():
            raise ParameterError(f"parameter 'wavefunction_guess' must be an existing CP2K wave-function file; got {str(wavefunction_guess)!r} "
                                 f"({self.wavefunction_guess})")
        if self.wavefunction_guess is not None and re.search(r"[!#$\s]", str(self.wavefunction_guess)):
            # CP2K's input parser starts a comment at ! or #, substitutes $VARIABLES and splits at whitespace
            raise ParameterError(f"parameter 'wavefunction_guess' must be a path without '!', '#', '$' or whitespace (CP2K's input reads "
                                 f"them specially); got {str(self.wavefunction_guess)!r}")
        self.info = CalculatorInfo("cp2k", f"PBE{'-D3' if dispersion else ''}/{level}", _cp2k_version(), "dft", 0.0, s)

    def label(self) -> str:
        """Short label ``"cp2k:<level>"`` (``"cp2k:<level>-d3"`` with D3).

        Returns
        -------
        str
            E.g. ``"cp2k:screening"``.
        """
        return f"cp2k:{self.level}{'-d3' if self.dispersion else ''}"

    def for_formula(self, phases) -> CP2KCalculator:
        """This calculator with spin fixed for one formula: on for all when any bulk phase needs it.

        Parameters
        ----------
        phases : sequence of ase.Atoms
            The bulk phases of the formula (Å).

        Returns
        -------
        CP2KCalculator
            Itself when ``spin`` is already True/False, else a copy with ``spin`` fixed (its own cache identity).
        """
        if self.spin is not None:
            return self
        return CP2KCalculator(self.level, self.dispersion, any(needs_spin(a) for a in phases), self._directory, self.command,
                              self.wavefunction_guess)

    def spin_polarised(self, atoms) -> bool:
        """Whether ``atoms`` is computed spin-polarised (``spin``, or the per-structure rule while it is None).

        Parameters
        ----------
        atoms : ase.Atoms
            The structure.

        Returns
        -------
        bool
            True for unrestricted Kohn-Sham.
        """
        return bool(self.spin) if self.spin is not None else needs_spin(atoms)

    def prepare(self, atoms) -> object:
        """Centre a slab in z with at least :data:`MIN_VACUUM_A` of vacuum per side; starting moments when spin-polarised.

        Parameters
        ----------
        atoms : ase.Atoms
            The structure, changed in place.

        Returns
        -------
        object
            What :meth:`restore` needs to undo it.
        """
        c_vec = atoms.cell.array[2].copy()
        mag = atoms.get_initial_magnetic_moments().copy()
        dz = 0.0
        padded = False
        if _is_slab(atoms):
            cell = atoms.cell.array
            z = atoms.positions[:, 2]
            height = float(z.max() - z.min())
            c = max(float(cell[2, 2]), height + 2.0 * MIN_VACUUM_A)
            if c > cell[2, 2]:
                new = cell.copy()
                new[2] = cell[2] * (c / cell[2, 2])
                atoms.set_cell(new, scale_atoms=False)
                padded = True
            dz = 0.5 * c - 0.5 * float(z.max() + z.min())
            atoms.positions[:, 2] += dz
        if self.spin_polarised(atoms) and not mag.any():
            atoms.set_initial_magnetic_moments(starting_moments(atoms))
        return (padded, c_vec, dz, mag)

    def computed_cell(self, atoms) -> Any:
        """The cell CP2K computes ``atoms`` in: :meth:`prepare`'s padding of a slab's c vector, else its own cell.

        The workflows put the film and substrate of a W_ad in this cell, so that all three energies share one cell
        height (review s41: padded one by one, they were computed at 33.25, 27.02 and 25.25 Å).

        Parameters
        ----------
        atoms : ase.Atoms
            The structure (Å); not changed.

        Returns
        -------
        numpy.ndarray
            3x3 cell [Å].
        """
        a = atoms.copy()
        self.prepare(a)
        return a.cell.array.copy()

    def restore(self, atoms, token: object) -> None:
        """Undo :meth:`prepare`: the shift in z, the vacuum padding (only that: a relaxed in-plane cell is kept), the moments.

        Parameters
        ----------
        atoms : ase.Atoms
            The structure, changed in place.
        token : object
            What :meth:`prepare` returned.
        """
        padded, c_vec, dz, mag = cast("tuple[bool, Any, float, Any]", token)
        atoms.positions[:, 2] -= dz
        if padded:  # the padded c vector back to its own length (a cell relaxation changes a and b, not the vacuum)
            cell = atoms.cell.array.copy()
            cell[2] = c_vec
            atoms.set_cell(cell, scale_atoms=False)
        atoms.set_initial_magnetic_moments(mag)

    def release(self, ase_calc) -> None:
        """Stop the ``cp2k_shell`` process of an ASE calculator of :meth:`ase_calculator` (also inside its D3 sum).

        ASE stops the shell only when the calculator is garbage-collected, and it sits in a reference cycle: dropped after
        a calculation, it kept its process, with the memory of the last SCF, until the next cyclic collection (measured:
        still running after ``atoms.calc = None``, gone after ``gc.collect()``; the 80-atom Li film of the Li|LLZO cell
        held 5.5 GB that way while the next calculation started).

        Parameters
        ----------
        ase_calc : ase.calculators.calculator.Calculator or None
            The calculator :meth:`ase_calculator` returned (None: nothing to stop).
        """
        for c in getattr(ase_calc, "calcs", None) or [ase_calc]:  # the D3 sum holds CP2K and D3
            close = getattr(c, "close", None)
            if not callable(close):
                continue
            try:
                close()
            except (AssertionError, OSError, ValueError):
                # a shell that CP2K's abort left behind: ASE's close asserts on its exit code or writes into a closed
                # pipe. Nothing to keep from it (the error that stopped it was raised already): end the process
                child = getattr(getattr(c, "_shell", None), "_child", None)
                if child is not None:
                    child.kill()
                    child.wait()
                c._shell = None

    def __getstate__(self) -> dict:
        """Pickled for a worker process: without the temporary folder (the worker makes its own; the finaliser that
        removes this one stays with this process)."""
        state = dict(self.__dict__)
        state["_tmp"] = None
        return state

    def _workdir(self) -> Path:
        if self._directory is not None:
            self._directory.mkdir(parents=True, exist_ok=True)
            return self._directory
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix="lisse-cp2k-")
            weakref.finalize(self, shutil.rmtree, self._tmp, True)
        return Path(self._tmp)

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        """An ASE CP2K calculator (plus D3 when asked) built for ``atoms``; an SCF that does not converge raises.

        Parameters
        ----------
        atoms : ase.Atoms
            The structure (Å), as :meth:`prepare` left it; required (k-mesh and dipole correction depend on it).
        purpose : {"relax", "relax_cell", "scan", "energy"}, default "energy"
            What the calculation is for (the stress is computed for "relax_cell" only; the settings are the same).

        Returns
        -------
        ase.calculators.calculator.Calculator
            Energies in eV, forces in eV/Å, stress in eV/Å3.

        Raises
        ------
        ParameterError
            No structure given, an unknown ``purpose``, or a spin-polarised structure (not supported yet).
        MissingDependencyError
            CP2K (``cp2k_shell``) is not installed, or D3 without ``dftd3``.

        References
        ----------
        Kuehne, Iannuzzi, Del Ben, et al., CP2K: An electronic structure and molecular dynamics software package, J.
        Chem. Phys. 152, 194103 (2020), doi:10.1063/5.0007045.
        VandeVondele, Hutter, Gaussian basis sets for accurate calculations on molecular systems in gas and condensed
        phases, J. Chem. Phys. 127, 114105 (2007), doi:10.1063/1.2770708.
        Goedecker, Teter, Hutter, Separable dual-space Gaussian pseudopotentials, Phys. Rev. B 54, 1703 (1996),
        doi:10.1103/PhysRevB.54.1703.
        Krack, Pseudopotentials for H to Kr optimized for gradient-corrected exchange-correlation functionals, Theor.
        Chem. Acc. 114, 145 (2005), doi:10.1007/s00214-005-0655-y.
        Perdew, Burke, Ernzerhof, Generalized gradient approximation made simple, Phys. Rev. Lett. 77, 3865 (1996),
        doi:10.1103/PhysRevLett.77.3865.
        Bengtsson, Dipole correction for surface supercell calculations, Phys. Rev. B 59, 12301 (1999),
        doi:10.1103/PhysRevB.59.12301.
        """
        if atoms is None:
            raise ParameterError("the CP2K calculator is built per structure: give atoms (k-mesh and dipole correction depend on the cell)")
        if purpose not in PURPOSES:
            raise ParameterError(f"parameter 'purpose' must be one of {PURPOSES}; got {purpose!r}")
        if self.spin_polarised(atoms):
            raise ParameterError(f"CP2K: spin-polarised structures ({atoms.get_chemical_formula()}) are not supported yet: bcc Fe with UKS and "
                                 "its &KIND MAGNETIZATION converged non-magnetic (measured); use --calculator gpaw")
        if shutil.which(self.command) is None:
            raise MissingDependencyError("cp2k", f"the CP2K DFT calculator (program {self.command!r} not found; Debian: apt install cp2k)", "dft")
        from ase.calculators.cp2k import CP2K

        register("Kuehne2020")
        register("VandeVondele2007")
        register("Goedecker1996")
        register("Krack2005")
        register("Perdew1996")
        if _is_slab(atoms):
            register("Bengtsson1999")
        # a label of its own per calculation (process id + random): copies of this calculator in worker processes
        # share the folder, and each calculation reads its own output for the SCF warnings
        label = str(self._workdir() / f"run-{os.getpid()}-{uuid.uuid4().hex[:12]}")
        s = self.settings
        checked = _checked_cp2k(CP2K)
        # the shell runs in the working folder: CP2K writes its own files (restart, wave functions) named after the
        # input's PROJECT relative to its current folder, and PROJECT takes at most 80 characters (CP2K 2023.1 aborts
        # on a longer one, measured with a folder path of 60 characters), so PROJECT is the file name only
        # (_checked_cp2k) and nothing lands in the user's current folder
        program = shutil.which(self.command) or self.command  # resolved here: a relative path would change meaning in the folder
        command = f"cd {shlex.quote(str(self._workdir()))} && exec {shlex.quote(program)}"
        calc = checked(command=command, label=label, xc="PBE", cutoff=s["cutoff_Ry"] * _RY_EV, basis_set=BASIS,
                       basis_set_file=None, potential_file=None, pseudo_potential="GTH-PBE", max_scf=200,
                       stress_tensor=purpose == "relax_cell", inp=cp2k_input(atoms, s, self.spin_polarised(atoms), self.wavefunction_guess))
        return with_d3(calc, s["d3_damping"]) if self.dispersion == "d3" else calc


def _checked_cp2k(base: Any) -> Any:
    """ASE's CP2K calculator, raising CalculationError when CP2K reports a self-consistent field run as not converged, with
    the input's PROJECT reduced to the label's file name (CP2K takes at most 80 characters; the shell runs in the
    label's folder)."""

    class CheckedCP2K(base):
        def _generate_input(self):
            # ASE names the PROJECT after the label with its folder; the shell runs in that folder (ase_calculator), and
            # CP2K refuses a PROJECT over 80 characters: the file name alone
            return re.sub(r"^(\s*PROJECT )(.+)$", lambda m: m.group(1) + os.path.basename(m.group(2)), super()._generate_input(),
                          flags=re.M)

        def calculate(self, *args, **kwargs):
            out = Path(f"{self.label}.out")
            before = scf_failures(out.read_text(errors="replace")) if out.exists() else 0
            try:
                super().calculate(*args, **kwargs)
            except (AssertionError, ValueError, OSError) as exc:  # ASE's shell driver asserts when CP2K stops (an
                # [ABORT] in its output); a shell that dies mid-answer gives ValueError (an empty number) or a broken pipe
                reason = abort_message(out.read_text(errors="replace")) if out.exists() else ""
                raise CalculationError(f"CP2K stopped{': ' + reason if reason else ''} (see {out})") from exc
            after = scf_failures(out.read_text(errors="replace")) if out.exists() else 0
            if after > before:
                raise CalculationError(f"CP2K: the self-consistent field did not converge in {self.parameters.max_scf} iterations "
                                       f"(see {out}); a non-converged energy is not used")

    return CheckedCP2K


def _cp2k_version() -> str:
    """The Debian package version of CP2K's data (the program's own version needs a run), or "unknown"."""
    for p in (Path("/usr/share/doc/cp2k-data/changelog.Debian.gz"), Path("/usr/share/doc/cp2k/changelog.Debian.gz")):
        if p.exists():
            import gzip

            with gzip.open(p, "rt", errors="replace") as fh:
                first = fh.readline()
            if "(" in first and ")" in first:
                return first[first.index("(") + 1:first.index(")")]
    return "unknown"
