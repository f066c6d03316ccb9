"""Physical constants in SI units.

Values are the exact SI-2019 defining constants and CODATA 2018 recommended values
(Tiesinga et al., Rev. Mod. Phys. 93, 025010 (2021), doi:10.1103/RevModPhys.93.025010).
"""

from __future__ import annotations

CODATA_VERSION = "CODATA 2018 / SI 2019"

ELEMENTARY_CHARGE = 1.602176634e-19  # C, exact
AVOGADRO = 6.02214076e23  # 1/mol, exact
BOLTZMANN = 1.380649e-23  # J/K, exact
FARADAY = ELEMENTARY_CHARGE * AVOGADRO  # C/mol = 96485.33212...
GAS_CONSTANT = BOLTZMANN * AVOGADRO  # J/(mol K) = 8.314462618...
VACUUM_PERMITTIVITY = 8.8541878128e-12  # F/m, CODATA 2018
ZERO_CELSIUS = 273.15  # K
ROOM_TEMPERATURE = 298.15  # K (25 degC), the reference temperature used throughout lisse
LI_MELTING_POINT = 453.65  # K (180.5 degC), CRC Handbook of Chemistry and Physics: the models of solid Li end here
LOWEST_CELL_TEMPERATURE = 200.0  # K (-73 degC): assumed lower bound of the temperatures lisse's cell models accept
EV = ELEMENTARY_CHARGE  # J per eV
ANGSTROM = 1e-10  # m
