"""Allen–Cahn phase-field simulator of Li growth into lithiophilic vs lithiophobic porous layers.

Modules (import them directly; nothing heavy is imported here):

* :mod:`.model` — free energy and evolution equation of [Wang2024], the
  mapping of physical inputs (Li surface energy, contact angle, interface width, exchange current
  density, overpotential or current) to the phase-field coefficients, and the wetting calibration.
* :mod:`.geometry` — the static particle field φ_g (seeded particle layers, slit combs, images).
* :mod:`.solver` — SBDF2 / DCT time stepping (Neumann boundaries) coupled to the potential equation.
* :mod:`.presets` — the lithiophilic / lithiophobic presets and the contact-angle sweep.

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
    },
    submodules=("geometry", "model", "presets", "solver"),
)
