"""The phase-field outputs say where the field and the pore-entry criterion disagree (independent audit, 2026-12-01).

The lithiophobic preset reported ``penetration_regime: "blocked"`` (Young-Laplace at the breakthrough throat) with Li
0.43 um into its 0.9 um layer at the default grid; and the "any Li" depth came out below the connected one. References:
the definitions (any Li includes the connected front; a warning exactly when Li is deeper than one pore in a layer
called blocked) on hand-made fields and result dicts.
"""

from __future__ import annotations

import numpy as np
import pytest

from lisse.cli.phasefield import field_regime_warnings
from lisse.sim.phasefield.metrics import max_penetration


def test_any_li_is_never_shallower_than_the_connected_front():
    # full Li in 4 cells, the 5th 0.45 full: the zeta = 1/2 crossing (interpolated between cell centres 3.5 and 4.5)
    # lies at 3.5 + 0.5/0.55 = 4.41 cells, above the top face (4 cells) of the last cell with zeta > 1/2
    dx = 10e-9
    z = np.zeros((20, 8))
    z[:4, :] = 1.0
    z[4, :] = 0.45
    connected = max_penetration(z, dx, 0.0, connected=True)
    anyli = max_penetration(z, dx, 0.0, connected=False)
    assert connected > 4 * dx and anyli >= connected
    z[10, 2] = 0.9  # an island above the front: any Li reaches its top face (11 cells), the front does not
    assert max_penetration(z, dx, 0.0, connected=False) == pytest.approx(11 * dx, rel=1e-12)
    assert max_penetration(z, dx, 0.0, connected=True) == pytest.approx(connected, rel=1e-12)


@pytest.mark.parametrize("regime,depth,warn", [("blocked", 0.43, True), ("blocked", 0.15, False),
                                               ("pressure-driven", 0.43, False), ("wicking", 0.9, False)])
def test_a_blocked_layer_with_li_deeper_than_a_pore_is_flagged(regime, depth, warn):
    r = {"penetration_regime": regime, "penetration_any_um": depth, "pore_size_um": 0.19, "pore_fill": 0.18,
         "entry_width_um": 0.0825}
    w = field_regime_warnings(r)
    assert bool(w) is warn
    if warn:
        assert "0.43 um into the layer" in w[0] and "blocked" in w[0] and "--grid" in w[0]
    assert field_regime_warnings({}) == []
