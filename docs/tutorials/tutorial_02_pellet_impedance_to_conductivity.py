"""
A pellet's impedance to conductivity and activation energy
==========================================================

A solid-electrolyte pellet between ion-blocking electrodes, measured by impedance at several
temperatures: the bulk and grain-boundary arcs give σ_bulk, σ_gb and σ_total at each temperature, and
their Arrhenius plots give the activation energies.

This tutorial generates the spectra from a known Arrhenius law (so the recovered Ea can be compared
with the true one), writes one CSV file per temperature with the temperature in the file name, reads
them with :func:`lisse.io.read_spectra <lisse.io.eis.read_spectra>`, and fits the series with
:func:`lisse.analysis.eis.temperature.temperature_series`.
"""

# %%
# The pellet and its true parameters
# ----------------------------------
# A 1 mm pellet with 1 cm² electrodes (cell constant L/A = 0.1 cm⁻¹). Bulk and grain boundary follow
# the hopping form σT = A·exp(−Ea/k_B·T) with Ea_bulk = 0.30 eV and Ea_gb = 0.45 eV. Each is an R‖CPE
# arc whose capacitance, normalised to a 1 cm⁻¹ cell constant, is typical of its process (bulk 5 pF,
# grain boundary 1 nF; Irvine, Sinclair & West 1990); the blocking electrodes add a CPE tail.
import math
import tempfile
from pathlib import Path

import numpy as np

K_B = 8.617333262e-5  # Boltzmann constant [eV/K] (CODATA 2018, exact)
EA_BULK, EA_GB = 0.30, 0.45  # eV: the answer
SIGMA25_BULK, SIGMA25_GB = 1e-5, 3e-6  # S/cm at 25 °C
L_CM, A_CM2 = 0.1, 1.0  # thickness [cm], electrode area [cm²]


def sigma(T, Ea, sigma25):
    """σ [S/cm] at T [K] from σT = A exp(−Ea / k_B T), anchored at 25 °C."""
    A = sigma25 * 298.15 * math.exp(Ea / (K_B * 298.15))
    return A / T * math.exp(-Ea / (K_B * T))


def pellet_impedance(T, rng, noise=0.005):
    """Z [Ω] of R0 + (R_b‖CPE_b) + (R_gb‖CPE_gb) + CPE_electrode, 7 MHz to 0.1 Hz, 0.5 % noise."""
    f = np.logspace(math.log10(7e6), -1, 80)
    jw = 2j * np.pi * f
    Rb, Rg = L_CM / (A_CM2 * sigma(T, EA_BULK, SIGMA25_BULK)), L_CM / (A_CM2 * sigma(T, EA_GB, SIGMA25_GB))
    Cb, Cg = 5e-12 * A_CM2 / L_CM, 1e-9 * A_CM2 / L_CM
    nb, ng = 0.95, 0.85
    Qb, Qg = Cb**nb * Rb ** (nb - 1), Cg**ng * Rg ** (ng - 1)  # so that C_eff = Q^(1/n) R^((1-n)/n) = C
    z = 5.0 + Rb / (1 + Rb * Qb * jw**nb) + Rg / (1 + Rg * Qg * jw**ng) + 1 / (2e-6 * jw**0.9)
    z = z + noise * np.abs(z) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
    return f, z


# %%
# One file per temperature
# ------------------------
# Impedance software exports frequency, Z' and −Z''. The unit is in the header here; the temperature
# is in the file name (``_m20C`` is −20 °C), which is where lisse finds it when nothing else says.
rng = np.random.default_rng(7)
workdir = Path(tempfile.mkdtemp(prefix="lisse-tutorial-02-"))
for t_c in (-20, 0, 20, 40, 60):
    f, z = pellet_impedance(t_c + 273.15, rng)
    name = f"LLZO_pellet_{'m' if t_c < 0 else ''}{abs(t_c)}C.csv"
    lines = ["freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm"] + [f"{a:.6g},{b.real:.6g},{-b.imag:.6g}" for a, b in zip(f, z)]
    (workdir / name).write_text("\n".join(lines) + "\n")
print(sorted(p.name for p in workdir.iterdir()))

# %%
# Read the spectra and their temperatures
# ---------------------------------------
import lisse.io
from lisse.analysis.eis import temperature_series
from lisse.analysis.eis.temperature import resolve_temperatures

spectra = [sp for path in sorted(workdir.glob("*.csv")) for sp in lisse.io.read_spectra(path)]
temperatures = resolve_temperatures(spectra)  # [(T [K], where it came from), ...]
for sp, (T, source) in sorted(zip(spectra, temperatures), key=lambda pair: pair[1][0]):
    print(f"{sp.label:22s} {T - 273.15:6.1f} °C (from the {source})")

# %%
# Fit the series
# --------------
# Each spectrum is fitted with R0-p(R1,CPE1)-p(R2,CPE2)-CPE3 (ion-blocking electrodes are detected);
# each arc is called bulk or grain boundary by its normalised capacitance. Geometry is SI: m², m.
series = temperature_series(spectra, [T for T, _ in temperatures], area=A_CM2 * 1e-4, thickness=L_CM * 1e-2)
for row in sorted(series.rows, key=lambda r: r.temperature):
    print(f"{row.temperature - 273.15:6.1f} °C  σ_bulk = {row.sigma_bulk / 100:.3g} S/cm  σ_gb = {row.sigma_gb / 100:.3g} S/cm  "
          f"(true {sigma(row.temperature, EA_BULK, SIGMA25_BULK):.3g}, {sigma(row.temperature, EA_GB, SIGMA25_GB):.3g})")

# %%
# Recovered vs true activation energies
# -------------------------------------
# The 95 % interval uses Student's t with n − 2 degrees of freedom.
for key, true in (("bulk", EA_BULK), ("grain_boundary", EA_GB)):
    fit = series.arrhenius[key]
    lo, hi = fit["activation_energy_ci95_eV"]
    print(f"{key:15s} Ea = {fit['activation_energy_eV']:.4f} ± {fit['activation_energy_std_eV']:.4f} eV "
          f"(95 %: {lo:.3f}–{hi:.3f}), true {true:.2f} eV")
    assert abs(fit["activation_energy_eV"] - true) < 0.01

# %%
# The Arrhenius plot
# ------------------
from lisse.plot.eis_temperature import arrhenius

fig = arrhenius(series, title="LLZO pellet, blocking electrodes")

# %%
# Clean up the temporary folder.
import shutil

shutil.rmtree(workdir)
