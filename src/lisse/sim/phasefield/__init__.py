"""Allen–Cahn phase-field simulator of Li growth into lithiophilic vs lithiophobic porous layers.

Modules (import them directly; nothing heavy is imported here):

* :mod:`.model` — free energy and evolution equation of [Wang2024], the
  mapping of physical inputs (Li surface energy, contact angle, interface width, exchange current
  density, overpotential or current) to the phase-field coefficients, and the wetting calibration.
* :mod:`.geometry` — the static particle field φ_g (seeded particle layers, slit combs, images).
* :mod:`.solver` — SBDF2 / DCT time stepping (Neumann boundaries) coupled to the potential equation.
* :mod:`.microstructure` — three-phase microstructures (Li | interlayer solid with empty pores |
  electrolyte, per-cell ionic/electronic conductivity): particle packings, fibre networks, graded layers.
* :mod:`.metrics` — front roughness, fraction deposited at the electrolyte face, penetration, Li inventory error.
* :mod:`.electrodeposition` — electrodeposition into an interlayer with empty pores: ionic and
  electronic potentials with a Butler–Volmer source (current focusing), Faraday-exact Li, stack pressure;
  the dispersion relation, current-focusing factor and pore-penetration regime.
* :mod:`.backend` — the array backend of the ζ update (NumPy, JAX or CuPy), chosen at run time.
* :mod:`.presets` — the lithiophilic / lithiophobic presets, the LNI–0.5/5/50 % CNT presets and the contact-angle sweep.

Example
-------
>>> from lisse.sim.phasefield.presets import setup_preset
>>> run = setup_preset("lithiophobic", grid=64)
>>> run.solver.run_until(run.t_end)
>>> run.metrics()["penetration_m"]  # doctest: +SKIP

The entry points are also importable from this package (loaded on first use).
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would triple the cost of importing this package
if TYPE_CHECKING:
    from lisse.sim.phasefield.electrodeposition import (
        ElectrodepositionSolver,
        current_focusing_factor,
        dispersion_growth_rate,
        penetration_regime,
    )
    from lisse.sim.phasefield.metrics import deposit_roughness, front_roughness, interface_metrics, li_inventory_error
    from lisse.sim.phasefield.microstructure import Microstructure, fibre_network, graded_layer, particle_packing
    from lisse.sim.phasefield.model import PhaseFieldCoefficients, coefficients_from_physical
    from lisse.sim.phasefield.presets import RunSetup, setup_preset, setup_run, transition_sweep
    from lisse.sim.phasefield.solver import PhaseFieldSolver

__all__ = [
    "PhaseFieldCoefficients",
    "coefficients_from_physical",
    "RunSetup",
    "setup_preset",
    "setup_run",
    "transition_sweep",
    "PhaseFieldSolver",
    "ElectrodepositionSolver",
    "current_focusing_factor",
    "dispersion_growth_rate",
    "penetration_regime",
    "Microstructure",
    "particle_packing",
    "fibre_network",
    "graded_layer",
    "front_roughness",
    "interface_metrics",
    "deposit_roughness",
    "li_inventory_error",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "PhaseFieldCoefficients": "model",
        "coefficients_from_physical": "model",
        "RunSetup": "presets",
        "setup_preset": "presets",
        "setup_run": "presets",
        "transition_sweep": "presets",
        "PhaseFieldSolver": "solver",
        "ElectrodepositionSolver": "electrodeposition",
        "current_focusing_factor": "electrodeposition",
        "dispersion_growth_rate": "electrodeposition",
        "penetration_regime": "electrodeposition",
        "Microstructure": "microstructure",
        "particle_packing": "microstructure",
        "fibre_network": "microstructure",
        "graded_layer": "microstructure",
        "front_roughness": "metrics",
        "deposit_roughness": "metrics",
        "interface_metrics": "metrics",
        "li_inventory_error": "metrics",
    },
    submodules=("backend", "electrodeposition", "geometry", "metrics", "microstructure", "model", "presets", "solver"),
)
