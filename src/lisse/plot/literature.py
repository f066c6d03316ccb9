"""Figures placing a cell among published strategies."""

from __future__ import annotations

from lisse.plot.style import pyplot


def literature_comparison(strategies, result: dict, label: str = "this cell"):
    """Two panels: CCD vs interfacial resistance, and cycle life vs current density (log-log)."""
    plt = pyplot()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9.5, 3.8), constrained_layout=True)
    colors = {"Chu2024": "C0", "Ji2025": "C1", "Su2024": "C2", "Wang2024": "C4"}
    seen = set()
    for s in strategies:
        c = colors.get(s.source, "C7")
        lab = s.source if s.source not in seen else None
        seen.add(s.source)
        if s.ccd_mA_cm2 is not None and s.interfacial_resistance_ohm_cm2 is not None:
            a1.scatter(s.interfacial_resistance_ohm_cm2, s.ccd_mA_cm2, color=c, s=18, label=lab)
            a1.annotate(s.name, (s.interfacial_resistance_ohm_cm2, s.ccd_mA_cm2), fontsize=6, xytext=(2, 2), textcoords="offset points")
        for i, h in s.cycle_life:
            a2.scatter(i, h, color=c, s=16, label=lab if lab and not (s.ccd_mA_cm2 is not None and s.interfacial_resistance_ohm_cm2 is not None) else None)
    if "ccd_mA_cm2" in result and "interfacial_resistance_ohm_cm2" in result:
        a1.scatter(result["interfacial_resistance_ohm_cm2"], result["ccd_mA_cm2"], marker="*", s=160, color="crimson", label=label, zorder=5)
    elif "ccd_mA_cm2" in result:
        a1.axhline(result["ccd_mA_cm2"], color="crimson", ls="--", label=f"{label} CCD")
    for row in result.get("cycle_life", []):
        a2.scatter(row["current_density_mA_cm2"], row["cycle_life_h"], marker="*", s=160, color="crimson", zorder=5)
    a1.set(xscale="log", xlabel="interfacial resistance (Ω·cm²)", ylabel="CCD (mA/cm²)", title="CCD vs interfacial resistance (Chu2024 Table 1)")
    a2.set(xscale="log", yscale="log", xlabel="current density (mA/cm²)", ylabel="symmetric-cell cycle life (h)", title="cycle life")
    a1.legend(fontsize=7)
    return fig
