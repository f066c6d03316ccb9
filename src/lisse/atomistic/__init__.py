"""Atomistic workflows: structures, slabs, coherent interfaces, calculators (CHGNet, SevenNet,
GPAW DFT, DFT-from-files), sanity checks, content-hash caching, and the wetting / surface / interface /
segregation / adsorption workflows. Heavy imports (ase, pymatgen, torch) happen inside the modules
that need them; ``import lisse.atomistic`` itself is light.
"""
