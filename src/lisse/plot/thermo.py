"""Plots for interface thermodynamics (functions return matplotlib Figures)."""

from __future__ import annotations

__all__ = ["wetting_bar"]


def wetting_bar(table):
    """Horizontal bars of the Young–Dupré contact angle per material, with the 90 deg line.

    ``table`` has columns ``material``, ``contact_angle_deg`` and ``origin``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * max(1, len(table))))
    colors = ["tab:blue" if a < 90 else "tab:red" for a in table["contact_angle_deg"]]
    labels = [f"{m} ({o})" for m, o in zip(table["material"], table["origin"])]
    ax.barh(labels, table["contact_angle_deg"], color=colors)
    ax.axvline(90.0, color="k", lw=1, ls="--")
    ax.set_xlim(0, 180)
    ax.set_xlabel("contact angle of Li (deg)")
    ax.text(0.25, 1.02, "lithiophilic", ha="center", va="bottom", fontsize=8, transform=ax.transAxes)
    ax.text(0.75, 1.02, "lithiophobic", ha="center", va="bottom", fontsize=8, transform=ax.transAxes)
    fig.tight_layout()
    return fig
