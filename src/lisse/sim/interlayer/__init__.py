"""Li nucleation and growth inside a mixed ionic-electronic interlayer [Wang2024].

Modules: :mod:`.model` (equations, parameters, presets), :mod:`.solver1d` (steady two-potential
model), :mod:`.lengths` (nucleation / growth lengths and the stability verdict), :mod:`.sweeps`
(current sweeps and stability maps), :mod:`.solver2d` (Li protrusion in 2D), :mod:`.fit`
(l_n = C V_sp / i from measured nucleation spikes). Import the submodules directly; this package
imports nothing heavy.
"""
