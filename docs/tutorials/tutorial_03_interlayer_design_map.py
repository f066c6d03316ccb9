"""
An interlayer design map
========================

A porous mixed ionic–electronic interlayer between the Li anode and the solid electrolyte (Wang et al.,
Nat. Energy 2024) works when Li nucleates near the anode and the plated Li fits in the pores: the design
rule l_n ≤ l_g < l_i (nucleation length, growth length, thickness). Which currents and capacities does a
given layer survive, and which conductivities should a new layer have?

This tutorial uses :mod:`lisse.sim.interlayer`: the parameters of a preset (with their sources), one
steady solution, a stability map over current density and capacity, and a map over the two
conductivities.
"""

# %%
# Parameters, with where each comes from
# --------------------------------------
# Presets take the conductivities of the LNI–CNT layers from the materials library; every other value
# has a source or is marked *assumed*, and anything can be overridden (SI numbers or strings with units).
from lisse.sim.interlayer import make_parameters

p = make_parameters("lni-5cnt")
print(f"{p.name}: σ_ion = {p.sigma_ion / 100:.3g} S/cm, σ_e = {p.sigma_e / 100:.3g} S/cm, "
      f"thickness = {p.thickness * 1e6:.0f} µm, regime: {p.regime()}")
for key in ("sigma_e", "porosity", "exchange_current", "contact_angle"):
    print(f"  {key}: {p.sources[key]}")

# %%
# One operating point
# -------------------
# Plating 1 mAh/cm² at 1 mA/cm²: the nucleation length, the growth length and the verdict.
from lisse.sim.interlayer import interlayer_lengths

result = interlayer_lengths(p, current="1 mA/cm2", capacity="1 mAh/cm2")
result.as_dict()

# %%
# Stability over current density and capacity
# -------------------------------------------
# One 1D solve per current density; the capacity only changes the growth length. SI inside: A/m² and
# C/m² (1 mA/cm² = 10 A/m², 1 mAh/cm² = 36 000 C/m²).
import numpy as np

from lisse.plot.interlayer import conductivity_map_figure, current_capacity_map_figure
from lisse.sim.interlayer import map_conductivities, map_current_capacity

currents = np.geomspace(0.1, 20, 16) * 10.0  # A/m²
capacities = np.geomspace(0.1, 10, 12) * 3.6e4  # C/m²
cc_map = map_current_capacity(p, currents, capacities)
print(f"{cc_map['stable'].sum()} of {cc_map['stable'].size} (current, capacity) points are stable")
fig = current_capacity_map_figure(cc_map, title="LNI-5% CNT, 90 µm")

# %%
# Which conductivities make a good layer?
# ---------------------------------------
# At 1 mA/cm² and 1 mAh/cm², over σ_e and σ_ion (S/m): the regime (ionic, mixed, electronic) and the
# verdict. A coarse grid keeps this quick; ``lisse interlayer --map`` draws the full one.
sigma_e = np.geomspace(1e-8, 1e-1, 10) * 100.0  # S/m
sigma_ion = np.geomspace(1e-6, 1e-2, 6) * 100.0  # S/m
sigma_map = map_conductivities(p, sigma_e, sigma_ion, current=10.0, capacity=3.6e4)
fig = conductivity_map_figure(sigma_map)
