"""Li nucleation and growth inside a mixed ionic-electronic interlayer [Wang2024].

Modules: :mod:`.model` (equations, parameters, presets), :mod:`.solver1d` (steady two-potential
model), :mod:`.lengths` (nucleation / growth lengths and the stability verdict), :mod:`.sweeps`
(current sweeps and stability maps), :mod:`.solver2d` (Li protrusion in 2D), :mod:`.fit`
(l_n = C V_sp / i from measured nucleation spikes). The main entry points are importable from here
and loaded on first use (this package imports nothing heavy):

>>> from lisse.sim.interlayer import make_parameters, interlayer_lengths
>>> p = make_parameters("lni-5cnt")
>>> interlayer_lengths(p, current=10.0, capacity=36.0).stable  # doctest: +SKIP
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would triple the cost of importing this package
if TYPE_CHECKING:
    from lisse.sim.interlayer.fit import SpikeFit, fit_spike_coefficient
    from lisse.sim.interlayer.lengths import LengthsResult, PoreFilling, interlayer_lengths, pore_filling
    from lisse.sim.interlayer.model import InterlayerParameters, make_parameters
    from lisse.sim.interlayer.solver1d import Solution1D, solve_1d
    from lisse.sim.interlayer.solver2d import Protrusion, Solution2D, solve_2d
    from lisse.sim.interlayer.sweeps import (
        CriticalCurrent,
        critical_current,
        map_conductivities,
        map_current_capacity,
        sweep_current,
    )

__all__ = [
    "SpikeFit",
    "fit_spike_coefficient",
    "LengthsResult",
    "interlayer_lengths",
    "PoreFilling",
    "pore_filling",
    "InterlayerParameters",
    "make_parameters",
    "Solution1D",
    "solve_1d",
    "Protrusion",
    "Solution2D",
    "solve_2d",
    "CriticalCurrent",
    "critical_current",
    "map_conductivities",
    "map_current_capacity",
    "sweep_current",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "SpikeFit": "fit",
        "fit_spike_coefficient": "fit",
        "LengthsResult": "lengths",
        "interlayer_lengths": "lengths",
        "PoreFilling": "lengths",
        "pore_filling": "lengths",
        "InterlayerParameters": "model",
        "make_parameters": "model",
        "Solution1D": "solver1d",
        "solve_1d": "solver1d",
        "Protrusion": "solver2d",
        "Solution2D": "solver2d",
        "solve_2d": "solver2d",
        "CriticalCurrent": "sweeps",
        "critical_current": "sweeps",
        "map_conductivities": "sweeps",
        "map_current_capacity": "sweeps",
        "sweep_current": "sweeps",
    },
    submodules=("fit", "lengths", "model", "solver1d", "solver2d", "sweeps"),
)
