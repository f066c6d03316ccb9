"""Shared matplotlib setup (Agg backend, a consistent look)."""

from __future__ import annotations


def pyplot():
    """Import matplotlib with the non-interactive Agg backend and return ``matplotlib.pyplot``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3, "font.size": 9, "svg.hashsalt": "lisse", "svg.fonttype": "none"})
    return plt
