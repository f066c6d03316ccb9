"""The shipped accuracy table: ML calculators vs published DFT numbers (``accuracy.toml``).

Every ML result carries the matching row as its stated uncertainty (:func:`stated_uncertainty`). The
ML values in the table were measured with lisse's own workflows on the machine and settings recorded
in the file; DFT values carry their source.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from lisse.errors import ParameterError

__all__ = ["load_table", "rows", "stated_uncertainty"]


@lru_cache(maxsize=1)
def load_table() -> dict:
    """Parse ``lisse/atomistic/accuracy.toml``."""
    text = resources.files("lisse.atomistic").joinpath("accuracy.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def rows(calculator: str | None = None) -> list[dict]:
    """Flat rows (one per calculator x quantity x system) with ML value, DFT value, error and sources."""
    t = load_table()
    out = []
    for e in t.get("entry", []):
        dft = e.get("dft_value")
        for calc, v in e.get("ml", {}).items():
            if calculator is not None and calc != calculator:
                continue
            val = v.get("value")
            err = (val - dft) if (val is not None and dft is not None) else None
            out.append({
                "quantity": e["quantity"], "system": e["system"], "unit": e["unit"], "calculator": calc,
                "ml_value": val, "dft_value": dft, "error": err,
                "relative_error": (err / dft) if (err is not None and dft) else None,
                "dft_source": e.get("dft_source", ""), "ml_measured": v.get("measured", ""), "note": v.get("note", e.get("note", "")),
            })
    return out


def stated_uncertainty(calculator, quantity: str, system: str) -> dict:
    """The accuracy-table row for ``calculator`` (object or 'name:model'), ``quantity`` and ``system``.

    Falls back to the calculator's largest error on that quantity for other systems, and says so.
    """
    label = calculator.label() if hasattr(calculator, "label") else str(calculator)
    if ":" not in label:
        label = {"chgnet": "chgnet:0.3.0", "sevennet": "sevennet:7net-0"}.get(label, label)
    rs = [r for r in rows(label) if r["quantity"] == quantity]
    if not rs:
        return {"calculator": label, "quantity": quantity, "system": system, "known": False,
                "statement": f"no accuracy data for {label} on {quantity}; treat as unvalidated screening"}
    exact = [r for r in rs if r["system"] == system]
    if exact:
        r = exact[0]
        return {**r, "known": True, "statement": f"{label} {quantity} for {system}: ML {r['ml_value']:.3g} vs DFT {r['dft_value']:.3g} {r['unit']} ({r['dft_source']})"}
    worst = max((r for r in rs if r["error"] is not None), key=lambda r: abs(r["error"]), default=None)
    if worst is None:
        raise ParameterError(f"accuracy table has no comparable row for {label} {quantity}")
    return {**worst, "known": False, "system_requested": system,
            "statement": f"no DFT comparison for {system}; largest known {quantity} error of {label} is {worst['error']:+.3g} {worst['unit']} ({worst['system']})"}
