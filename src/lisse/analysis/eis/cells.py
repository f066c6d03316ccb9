r"""Cell types for impedance analysis: the model terms and default DRT process windows of each.

One home for what the cell type changes in an impedance analysis (used by
:class:`~lisse.analysis.eis.drt.DRT`, the ``analyse`` workflow, ``lisse eis --cell`` and the study key
``cell`` of the ``[eis]`` stage):

``symmetric-li``
    Li | solid electrolyte | Li. Processes: bulk, grain boundary, Li|SSE charge transfer, Li|SSE
    interface (transport through the interphase / constriction). Windows after [Ji2025].
``blocking``
    Solid electrolyte between ion-blocking electrodes (stainless steel, Au, C). No charge transfer and
    no Li|SSE interface exist: the spectrum is bulk, grain boundary and the blocking (double-layer)
    response of the electrodes. The DRT gets a **series constant-phase element** (CPE,
    :math:`Z = 1/(Q (j\omega)^n)`, n fitted in [0.5, 1]; n = 1 is an ideal capacitor) for the
    blocking tail: real blocking tails of pressed pellets on steel are not vertical but sit at
    −75° to −85° (n ≈ 0.85–0.95; the LPSCl pellet of hybrid-drt at −25 °C plateaus at −80°, which is
    where hybrid-drt's distribution of phasances peaks [Huang2024]). An ideal series capacitor makes
    the DRT imitate the missing phase with a spurious mega-ohm "process" at the long-τ edge.
``full`` / ``half``
    Li-ion full cell or half cell (composite electrode | separator | counter electrode): bulk ion
    transport, contact / SEI–CEI, electrode charge transfer and solid-state diffusion, windows after the
    time-scale review [Lu2022]. No Li|SSE "interface" label: the DRT cannot tell which electrode a
    charge-transfer peak belongs to, so it is called ``electrode_charge_transfer``.

Windows are half-open ``[low, high)`` in seconds and can always be replaced by the user
(``DRT(processes=...)``, ``lisse eis --process-window NAME=LOW:HIGH``, ``[eis.processes]``).

Blocking windows are derived from the dielectric relaxation time of an ionic conductor, which does not
depend on the sample geometry: :math:`\tau = \varepsilon_0 \varepsilon_r / \sigma`. For
:math:`\varepsilon_r \le 100` a bulk conductivity above 1e-5 S/cm gives τ < 1e-6 s (bulk window);
grain boundaries in the brick-layer model relax with the specific grain-boundary conductivity, two
to three decades below the bulk one [Haile1998], i.e. 1e-6 to 1e-3 s; the electrodes' blocking
response lies beyond 1e-3 s. These windows fail for the fast conductors this toolkit is for: a garnet or argyrodite
with bulk σ ~ 1e-3 S/cm relaxes its bulk at τ ~ 1e-9 s and its grain boundaries two to three decades later, at
1e-7 to 1e-6 s, inside the "bulk" window. So when the pellet's area A and thickness L are known, the peaks of a
``blocking`` cell are told apart by their capacitance C = τ/R instead,
normalised to a cell constant of 1 cm⁻¹, :math:`C^* = C \, (L/A)` (L/A in cm⁻¹; :func:`normalised_capacitance`), against
Irvine's ranges [Irvine1990]: bulk :math:`C^* < 10^{-11}` F (ε_r below ~110), grain boundary
:math:`10^{-11} \le C^* < 10^{-8}` F, and above that a surface layer or the electrodes (``electrode_blocking``)
(:data:`CAPACITANCE_RANGES_F`, :func:`classify_capacitance`). Without the geometry, with user windows, and in the other
cell types, the τ windows decide (a ``symmetric-li`` cell keeps [Ji2025]'s, whose bulk window ends at 1e-7 s; the
``lisse eis-series`` arc fit classifies by capacitance, :mod:`lisse.analysis.eis.temperature`).

References
----------
.. [Ji2025] Ji et al., Nature Communications (2025): τ windows for Li|SSE|Li cells.
.. [Lu2022] Y. Lu, C.-Z. Zhao, J.-Q. Huang, Q. Zhang, "The timescale identification decoupling
   complicated kinetic processes in lithium batteries", Joule 6, 1172 (2022),
   doi:10.1016/j.joule.2022.05.005
.. [Haile1998] S. M. Haile, D. L. West, J. Campbell, "The role of microstructure and processing on the
   proton conducting properties of gadolinium-doped barium cerate", J. Mater. Res. 13, 1576 (1998),
   doi:10.1557/JMR.1998.0219 (brick-layer model: specific grain-boundary conductivity).
.. [Irvine1990] J. T. S. Irvine, D. C. Sinclair, A. R. West, "Electroceramics: characterization by
   impedance spectroscopy", Adv. Mater. 2, 132 (1990), doi:10.1002/adma.19900020304
.. [Huang2024] J. Huang et al., distribution of phasances, Joule (2024); hybrid-drt tutorial
   "Fitting with the distribution of phasances" (same LPSCl pellet).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from lisse.citations import Citation, add
from lisse.errors import ParameterError

__all__ = ["CELL_TYPES", "CellModel", "cell_model", "PROCESS_WINDOWS", "CAPACITANCE_RANGES_F", "classify_capacitance",
           "normalised_capacitance", "CAPACITANCE_CELLS", "AMBIGUOUS_CAPACITANCE_FACTOR"]

add(Citation("Lu2022", "Lu, Zhao, Huang, Zhang", "The timescale identification decoupling complicated kinetic processes in lithium batteries", "Joule 6, 1172", 2022, "10.1016/j.joule.2022.05.005"))
add(Citation("Irvine1990", "Irvine, Sinclair, West", "Electroceramics: characterization by impedance spectroscopy", "Advanced Materials 2, 132", 1990, "10.1002/adma.19900020304"))

#: Cell types accepted everywhere (Python ``cell=``, CLI ``--cell``, study key ``cell``).
CELL_TYPES = ("symmetric-li", "blocking", "full", "half")

_LIION = {
    # time-scale ranges as summarised by [Lu2022], rounded to whole decades (an approximation: the
    # ranges overlap between chemistries and shift with temperature and state of charge): ion transport
    # in electrolyte/separator < 1 µs; contact and SEI/CEI 1 µs - 1 ms; charge transfer 1 ms - 0.1 s;
    # solid-state diffusion beyond.
    "bulk": (0.0, 1e-6),
    "contact_sei": (1e-6, 1e-3),
    "electrode_charge_transfer": (1e-3, 1e-1),
    "diffusion": (1e-1, math.inf),
}

#: Default τ windows [s] per cell type, ``{cell: {process: (low, high)}}`` (see the module notes).
PROCESS_WINDOWS: dict[str, dict[str, tuple[float, float]]] = {
    # [Ji2025]: τ < 1e-7 s bulk; 1e-7–1e-4 s grain boundary; "≈1e-3 s" charge transfer at Li, read as
    # 1e-4 s to 10^-2.5 s; beyond that, Li|SSE interfacial transport.
    "symmetric-li": {
        "bulk": (0.0, 1e-7),
        "grain_boundary": (1e-7, 1e-4),
        "charge_transfer": (1e-4, 10**-2.5),
        "interface": (10**-2.5, math.inf),
    },
    # τ = ε0 εr / σ (module notes): bulk σ > 1e-5 S/cm; grain boundary 2-3 decades slower [Haile1998].
    "blocking": {
        "bulk": (0.0, 1e-6),
        "grain_boundary": (1e-6, 1e-3),
        "electrode_blocking": (1e-3, math.inf),
    },
    "full": dict(_LIION),
    "half": dict(_LIION),
}


#: Upper limits of the normalised capacitance C* = C·(L/A) [F, for L/A = 1 cm⁻¹] per process [Irvine1990] (Table 1:
#: bulk ~1e-12 F, grain boundary 1e-11-1e-8 F, surface layer 1e-9-1e-7 F, sample-electrode interface 1e-7-1e-5 F).
CAPACITANCE_RANGES_F = {"bulk": 1e-11, "grain_boundary": 1e-8}

#: A peak whose normalised capacitance lies within this factor (dimensionless) of a boundary of
#: :data:`CAPACITANCE_RANGES_F` is assigned but named as uncertain: Irvine's ranges are orders of magnitude, the pellet's
#: L/A is often known to ~10 %, and a DRT may split one depressed arc into peaks of different capacitance.
AMBIGUOUS_CAPACITANCE_FACTOR = 2.0

#: Cell types whose DRT peaks are assigned by :func:`classify_capacitance` when the geometry is known (module notes),
#: with the name their cell model gives a peak above the grain-boundary range.
CAPACITANCE_CELLS: dict[str, str] = {"blocking": "electrode_blocking"}


def normalised_capacitance(capacitance: float, thickness: float, area: float) -> float:
    """Capacitance normalised to a cell constant of 1 cm⁻¹, the scale of Irvine's ranges [Irvine1990].

    Parameters
    ----------
    capacitance : float
        Capacitance C of the process [F].
    thickness : float
        Pellet thickness L [m].
    area : float
        Electrode area A [m²].

    Returns
    -------
    float
        :math:`C^* = C (L/A)` with L/A in cm⁻¹ [F] (equal to ε0 ε_r × 1 cm for a parallel-plate bulk response).
    """
    return capacitance * (thickness * 100.0) / (area * 1e4)


def classify_capacitance(c_norm: float) -> str:
    """Name the process of a normalised capacitance by Irvine's ranges [Irvine1990].

    Parameters
    ----------
    c_norm : float
        Normalised capacitance C* [F] (:func:`normalised_capacitance`).

    Returns
    -------
    str
        ``"bulk"`` (C* < 1e-11 F), ``"grain_boundary"`` (< 1e-8 F) or ``"electrode"`` (a surface layer or the
        electrode interface).
    """
    if c_norm < CAPACITANCE_RANGES_F["bulk"]:
        return "bulk"
    if c_norm < CAPACITANCE_RANGES_F["grain_boundary"]:
        return "grain_boundary"
    return "electrode"


@dataclass(frozen=True)
class CellModel:
    """What a cell type changes in the analysis.

    Parameters
    ----------
    name : str
        One of :data:`CELL_TYPES`.
    windows : dict
        Default process τ windows ``{name: (low_s, high_s)}``.
    blocking_element : {"none", "leaky-cpe"}
        Series element for ion-blocking electrodes used by default ("leaky-cpe": constant-phase element with a parallel leakage resistance).
    interfacial : tuple of str
        Processes that are Li|SSE interfacial resistances (used for the interfacial ASR); empty when the
        cell has no such interface.
    citations : tuple of str
        Keys of the sources of the windows.
    """

    name: str
    windows: dict = field(default_factory=dict)
    blocking_element: str = "none"
    interfacial: tuple = ()
    citations: tuple = ()


_MODELS = {
    "symmetric-li": CellModel("symmetric-li", PROCESS_WINDOWS["symmetric-li"], "none", ("charge_transfer", "interface"), ("Ji2025",)),
    "blocking": CellModel("blocking", PROCESS_WINDOWS["blocking"], "leaky-cpe", (), ("Irvine1990",)),
    "full": CellModel("full", PROCESS_WINDOWS["full"], "none", (), ("Lu2022",)),
    "half": CellModel("half", PROCESS_WINDOWS["half"], "none", (), ("Lu2022",)),
}


def cell_model(cell: str) -> CellModel:
    """Return the :class:`CellModel` of a cell type.

    Parameters
    ----------
    cell : str
        One of :data:`CELL_TYPES` (case-insensitive).

    Returns
    -------
    CellModel
        A copy: process τ windows (s), blocking element, interfacial processes and citations.

    Raises
    ------
    ParameterError
        If ``cell`` is unknown.
    """
    key = str(cell).strip().lower()
    if key not in _MODELS:
        raise ParameterError(f"cell: expected one of {', '.join(CELL_TYPES)}; found '{cell}'")
    m = _MODELS[key]
    return CellModel(m.name, dict(m.windows), m.blocking_element, m.interfacial, m.citations)
