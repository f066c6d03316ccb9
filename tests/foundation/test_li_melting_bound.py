"""Every cell model that grows or strips solid Li refuses temperatures at which Li is liquid (453.65 K, CRC Handbook).

The interface simulator already did (creep and diffusion laws of a solid); the interlayer model (classical nucleation of
solid Li) and the electrodeposition phase field accepted up to 2000 K and computed a number for a liquid anode.
"""

from __future__ import annotations

import pytest

from lisse.constants import LI_MELTING_POINT, LOWEST_CELL_TEMPERATURE
from lisse.errors import ParameterError
from lisse.params import validate
from lisse.sim.interface.model import SCHEMA as INTERFACE_SCHEMA
from lisse.sim.interlayer.model import SCHEMA as INTERLAYER_SCHEMA


def _schemas():
    out = [("interface", INTERFACE_SCHEMA), ("interlayer", INTERLAYER_SCHEMA)]
    try:
        from lisse.sim.phasefield.electrodeposition import SCHEMA as PF_SCHEMA
    except ImportError:  # pragma: no cover - the phase field's optional dependencies
        return out
    return out + [("electrodeposition", PF_SCHEMA)]


@pytest.mark.parametrize(("name", "schema"), _schemas())
def test_temperature_bounds_are_solid_lithium(name, schema):
    spec = {"temperature": schema["temperature"]}
    assert LI_MELTING_POINT == 453.65 and LOWEST_CELL_TEMPERATURE == 200.0
    assert validate(spec, {"temperature": "180 degC"})["temperature"] == pytest.approx(453.15, abs=1e-9)
    assert validate(spec, {"temperature": "453.65 K"})["temperature"] == pytest.approx(453.65, abs=1e-9)
    for bad in ("181 degC", "1000 K", "150 K"):
        with pytest.raises(ParameterError, match="temperature"):
            validate(spec, {"temperature": bad}, name)
