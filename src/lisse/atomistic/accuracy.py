"""The shipped accuracy table: ML calculators vs published DFT numbers (``accuracy.toml``).

Every ML result carries the matching row as its stated uncertainty (:func:`stated_uncertainty`). The
ML values in the table were measured with lisse's own workflows on the machine and settings recorded
in the file; DFT values carry their source.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from lisse.errors import ParameterError

__all__ = ["load_table", "rows", "rankings", "error_summary", "stated_uncertainty", "built_as", "BundledWorkOfAdhesion", "bundled_work_of_adhesion",
           "unit_key_suffix", "NO_DFT_NOTE"]

#: The ``note`` of a row whose system has no DFT value in the table (``dft_value``, ``error`` and ``relative_error`` are null).
NO_DFT_NOTE = ("no DFT reference for {system} in lisse's table (none computed with lisse's DFT workflow, none transcribed "
               "from a publication): dft_value, error and relative_error are null; the ML values are for comparing "
               "the calculators with each other only")


@lru_cache(maxsize=1)
def load_table() -> dict:
    """Parse ``lisse/atomistic/accuracy.toml``."""
    text = resources.files("lisse.atomistic").joinpath("accuracy.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def unit_key_suffix(unit: str) -> str:
    """The JSON key suffix of a unit: ``"J/m2"`` -> ``"J_m2"``, ``"deg"`` -> ``"deg"``, ``"eV/atom"`` -> ``"eV_per_atom"``.

    Parameters
    ----------
    unit : str
        A unit as the table writes it (``unit`` of an entry or a literature value).

    Returns
    -------
    str
        The suffix for keys such as ``ml_value_J_m2``: per-atom as ``_per_atom``, every other run of non-alphanumeric
        characters as one underscore.
    """
    import re

    return re.sub(r"[^0-9A-Za-z]+", "_", unit.replace("/atom", " per atom")).strip("_")


def _regime(w: float, sigma: float) -> str:
    from lisse.thermo.wetting import contact_angle

    return contact_angle(w, sigma, allow_negative=True).regime


def _ml_sigma(t: dict, calc: str) -> float | None:
    for e in t.get("entry", []):
        if e["quantity"] == "surface_energy" and e["system"] == "Li(100)":
            v = e.get("ml", {}).get(calc, {}).get("value")
            return float(v) if v is not None else None
    return None


def _dft_sigma(t: dict) -> float | None:
    """The table's DFT sigma_Li(100) [J/m2] (computed here), or None."""
    for e in t.get("entry", []):
        if e["quantity"] == "surface_energy" and e["system"] == "Li(100)":
            v = e.get("dft_value")
            return float(v) if v is not None else None
    return None


def rows(calculator: str | None = None) -> list[dict]:
    """Flat rows (one per calculator x quantity x system) with ML value, DFT value, error and sources.

    Work-of-adhesion rows also carry the wetting regime each side implies — ML W_ad with the same
    calculator's sigma_Li(100), DFT W_ad with the table's DFT sigma_Li(100) (PBE, computed here; published W_ad rows
    were computed with other codes and, for Ji2025, D3) — and ``regime_agrees``; a calculator that calls a lithiophilic
    phase lithiophobic (or the reverse) is flagged there. No calibrated value enters the comparison (lisse's default
    sigma_Li was fitted to Ji2025's Li|Li2CO3 pair, one of the rows compared).

    Parameters
    ----------
    calculator : str, optional
        Only this calculator (``"name:model"``, e.g. ``"chgnet:0.3.0"``); default all.

    Returns
    -------
    list of dict
        ``quantity``, ``system``, ``construction`` (how the structures were built, where the table says),
        ``same_construction`` (True when the DFT value was computed here on the construction of the ML values),
        ``built_with`` (that construction in the workflow's terms, where the table gives it: see :func:`built_as`),
        ``default`` (the row quoted for a system when no row was built as the run was), ``dft_functional`` (the
        functional of the DFT value, e.g. ``"PBE"``, ``"PBE-D3(zero)"``; the ML models are trained on PBE(+U) without
        dispersion), and where the DFT value has a dispersion term whose part the table gives (``dft_dispersion_part``:
        the dispersion energy alone on the same DFT structures) the like-for-like comparison of an ML value without
        dispersion: ``dft_value_without_dispersion`` (DFT minus that part) and ``error_without_dispersion`` (ML minus
        it; all three also with the unit in the key; None where they do not apply),
        ``unit`` (the row's unit, e.g. J/m2), ``calculator``, ``ml_value``,
        ``dft_value``, ``error`` (ML - DFT, same unit), the same three with the unit in the key (``ml_value_J_m2``,
        ``dft_value_J_m2``, ``error_J_m2``; suffix from :func:`unit_key_suffix`), sources, ``note`` (says why
        ``dft_value`` is null where it is: :data:`NO_DFT_NOTE`) and, for W_ad, the wetting regimes (``ml_regime``,
        ``dft_regime``, ``regime_agrees``) with the sigma_Li each used (``ml_li_surface_energy_J_m2``,
        ``dft_li_surface_energy_J_m2``).

    Raises
    ------
    ParameterError
        The table has no rows for ``calculator``.
    """
    t = load_table()
    dft_sig = _dft_sigma(t)
    out = []
    for e in t.get("entry", []):
        dft = e.get("dft_value")
        for calc, v in e.get("ml", {}).items():
            if calculator is not None and calc != calculator:
                continue
            val = v.get("value")
            err = (val - dft) if (val is not None and dft is not None) else None
            # like for like: an ML model trained on PBE(+U) carries no dispersion (an ML value computed with one says
            # so: dispersion = "d3"), so where the DFT value includes a dispersion term the row also compares with the
            # DFT value without it (dft_dispersion_part: the dispersion energy alone on the same DFT structures)
            disp = e.get("dft_dispersion_part")
            dft_nd = (dft - disp) if (dft is not None and disp is not None and not v.get("dispersion")) else None
            err_nd = (val - dft_nd) if (val is not None and dft_nd is not None) else None
            sfx = unit_key_suffix(e["unit"])
            note = v.get("note", e.get("note", ""))
            if dft is None:
                note = "; ".join(n for n in (NO_DFT_NOTE.format(system=e["system"]), note) if n)
            out.append({
                "quantity": e["quantity"], "system": e["system"], "construction": e.get("construction", ""),
                "same_construction": bool(e.get("same_construction", False)), "built_with": dict(e.get("built_with", {})),
                "default": bool(e.get("default", False)), "dft_functional": e.get("dft_functional", ""),
                "unit": e["unit"], "calculator": calc,
                "ml_value": val, "dft_value": dft, "error": err,
                f"ml_value_{sfx}": val, f"dft_value_{sfx}": dft, f"error_{sfx}": err,
                "dft_dispersion_part": disp, "dft_value_without_dispersion": dft_nd, "error_without_dispersion": err_nd,
                f"dft_dispersion_part_{sfx}": disp, f"dft_value_without_dispersion_{sfx}": dft_nd, f"error_without_dispersion_{sfx}": err_nd,
                "relative_error": (err / dft) if (err is not None and dft) else None,
                "dft_source": e.get("dft_source", ""), "ml_measured": v.get("measured", ""), "note": note,
                "protocol_differs": e.get("protocol_differs", ""),
            })
            if e["quantity"] == "work_of_adhesion" and val is not None and dft is not None:
                sig = _ml_sigma(t, calc)
                if sig is not None and dft_sig is not None:
                    mr, dr = _regime(val, sig), _regime(dft, dft_sig)
                    philic = ("complete wetting", "lithiophilic")
                    out[-1].update({"ml_regime": mr, "dft_regime": dr, "regime_agrees": (mr in philic) == (dr in philic),
                                    "ml_li_surface_energy_J_m2": sig, "dft_li_surface_energy_J_m2": dft_sig})
    if calculator is not None and not out:
        known = sorted({c for e in t.get("entry", []) for c in e.get("ml", {})})
        raise ParameterError(f"no accuracy rows for calculator '{calculator}'; the table has: {', '.join(known)}")
    return out


def rankings(quantity: str = "work_of_adhesion", construction: str | None = None) -> list[dict]:
    """Pairwise ranking check per calculator: does the ML order of two systems match the DFT order?

    Returns one dict per calculator with the flipped pairs (ML says A > B where DFT says A < B). Only rows of the same
    ``construction`` are paired (a DFT value of one construction is not ranked against another's).

    Parameters
    ----------
    quantity : str, default "work_of_adhesion"
        The quantity whose ranking is checked.
    construction : str, optional
        Only rows of this construction (``""``: the rows that name none); default every construction, each ranked
        within itself.

    Returns
    -------
    list of dict
        ``calculator``, ``quantity``, ``n_systems`` (distinct systems), ``n_rows`` (rows with an ML and a DFT value: a
        system computed on two constructions counts twice), ``n_pairs`` (pairs of one construction ranked),
        ``ranking_correct`` (None when no pair could be ranked)
        and ``flipped_pairs``.
    """
    by: dict[str, list[dict]] = {}
    for r in rows():
        if (r["quantity"] == quantity and r["ml_value"] is not None and r["dft_value"] is not None
                and (construction is None or r["construction"] == construction)):
            by.setdefault(r["calculator"], []).append(r)
    out = []
    for calc, rs in by.items():
        flips = []
        pairs = 0
        for i in range(len(rs)):
            for j in range(i + 1, len(rs)):
                a, b = rs[i], rs[j]
                if a["construction"] != b["construction"]:
                    continue
                pairs += 1
                if (a["ml_value"] - b["ml_value"]) * (a["dft_value"] - b["dft_value"]) < 0:
                    flips.append(f"{a['system']} vs {b['system']}: ML {a['ml_value']:.3g} vs {b['ml_value']:.3g}, DFT {a['dft_value']:.3g} vs {b['dft_value']:.3g}")
        ok = None if pairs == 0 else not flips  # None: no two systems of one construction to rank
        out.append({"calculator": calc, "quantity": quantity, "n_systems": len({r["system"] for r in rs}), "n_rows": len(rs),
                    "n_pairs": pairs, "ranking_correct": ok,
                    "flipped_pairs": flips})
    return out


#: How a row's DFT source begins when lisse computed it (GPAW, with lisse's own workflows): :func:`error_summary`'s rows.
COMPUTED_HERE = "computed here"


def error_summary(calculator: str | None = None) -> list[dict]:
    """Each calculator's error against the DFT references computed here, per quantity and material: its stated error.

    Only rows whose DFT value lisse computed (GPAW, the source starting with :data:`COMPUTED_HERE`) count: a published
    value was computed on another construction with another code (Ji2025's W_ad is not reproduced on its own cell), so
    its difference is not the model's error; those rows are counted apart (``published_rows_not_counted``, and how many
    of them the model puts in the wrong wetting regime). Each row's like-for-like error is used: a model without
    dispersion (trained on PBE) against a PBE-D3 value is compared with that value less its D3 part (PBE energies at
    the PBE-D3 geometry, ``error_without_dispersion``); the error against the full PBE-D3 value is given beside it
    (``mean_error_vs_dft_with_dispersion``), since D3 is most of that W_ad. Rows of one material pool its facets and
    constructions (Li(100) with Li(110); Li|LiF on two cells: one interface, not two). A reference's own convergence is
    in its row's ``dft_source``.

    Parameters
    ----------
    calculator : str, optional
        Only this calculator (``"name:model"``, with ``"+d3"`` where D3 was added); default all.

    Returns
    -------
    list of dict
        One per calculator, quantity and material (``"Li"``, ``"LiF"``, ``"Li|LiF"``): ``calculator``, ``quantity``,
        ``material``, ``unit``, ``n_rows``, ``systems``, ``references`` (what each row was compared with),
        ``mean_abs_error``, ``max_abs_error``, ``mean_error`` (the bias, ML - DFT), ``mean_error_vs_dft_with_dispersion``
        (None unless a reference had dispersion taken out), the four with the unit in the key
        (``mean_abs_error_J_m2`` ...), ``notes`` (protocols that differ between the ML and DFT values; a model trained
        on another functional than the reference's), ``published_rows_not_counted`` and
        ``published_rows_wrong_regime``. A model with published rows only has ``n_rows`` 0 and null errors.
    """
    by: dict[tuple[str, str, str], list[dict]] = {}
    published: dict[tuple[str, str, str], list[dict]] = {}
    for r in rows(calculator):
        if r["ml_value"] is None or r["dft_value"] is None:
            continue
        material = _material(r["system"])
        (by if r["dft_source"].startswith(COMPUTED_HERE) else published).setdefault((r["calculator"], r["quantity"], material), []).append(r)
    out = []
    for k in sorted(set(by) | set(published), key=lambda k: (k[1], k[2], k[0])):
        calc, quantity, material = k
        rs, pub = by.get(k, []), published.get(k, [])
        unit = (rs or pub)[0]["unit"]
        sfx = unit_key_suffix(unit)
        errs = [r["error_without_dispersion"] if r["error_without_dispersion"] is not None else r["error"] for r in rs]
        full = [r["error"] for r in rs if r["error_without_dispersion"] is not None]
        mae = sum(abs(e) for e in errs) / len(errs) if errs else None
        mx = max(abs(e) for e in errs) if errs else None
        bias = sum(errs) / len(errs) if errs else None
        bias_full = sum(full) / len(full) if full else None
        notes = sorted({r["protocol_differs"] for r in rs if r["protocol_differs"]})
        if "r2scan" in calc.lower() and rs:
            notes.append("this model is trained on r2SCAN, the references are PBE: its error includes the functionals' difference")
        out.append({"calculator": calc, "quantity": quantity, "material": material, "unit": unit, "n_rows": len(rs),
                    "systems": [r["system"] + (f" ({r['construction'].split(':')[0]})" if r["construction"] else "") for r in rs],
                    "references": [(f"{r['dft_functional']} less its dispersion part" if r["error_without_dispersion"] is not None
                                    else r["dft_functional"] or "PBE") for r in rs],
                    "mean_abs_error": mae, "max_abs_error": mx, "mean_error": bias, "mean_error_vs_dft_with_dispersion": bias_full,
                    f"mean_abs_error_{sfx}": mae, f"max_abs_error_{sfx}": mx, f"mean_error_{sfx}": bias,
                    f"mean_error_vs_dft_with_dispersion_{sfx}": bias_full, "notes": notes,
                    "published_rows_not_counted": len(pub),
                    "published_rows_wrong_regime": sum(1 for r in pub if r.get("regime_agrees") is False)})
    return out


def _material(system: str) -> str:
    """A row's material without facets: ``"Li(100)"`` -> ``"Li"``, ``"Li(100)|LiF(100)"`` -> ``"Li|LiF"``."""
    import re

    return re.sub(r"\([^)]*\)", "", system)


def built_as(row: dict, build: dict | None) -> bool:
    """Whether an accuracy-table row was built as a run was: every key of the row's ``built_with`` has the run's value.

    Parameters
    ----------
    row : dict
        A row of :func:`rows` (or a table entry).
    build : dict or None
        The run's construction in the keys of the table's ``built_with`` (``supercells``: ``"4x4,3x3"`` or ``"coherent
        search"``, ``supercell_cell``, ``film_layers``, ``substrate_layers``, ``strained`` (absent: ``"film"``), ...).

    Returns
    -------
    bool
        False when either side names no construction.
    """
    want = row.get("built_with") or {}
    if build is not None and build.get("strained", "film") != want.get("strained", "film"):
        return False  # which slab took the mismatch: a row that names none was built with Li strained
    return bool(want) and build is not None and all(k in build and build[k] == v for k, v in want.items())


def stated_uncertainty(calculator, quantity: str, system: str, build: dict | None = None) -> dict:
    """The accuracy-table row for ``calculator`` (object or 'name:model'), ``quantity`` and ``system``.

    Among a system's rows it prefers one with a DFT value, then the one built as the run was (``build``, see
    :func:`built_as`), then one whose DFT value was computed on the ML value's own construction, then the row the
    table marks ``default``. Falls back to the calculator's largest error on that quantity for other systems, and says
    so.

    Parameters
    ----------
    calculator : AtomisticCalculator or str
        The calculator, or its label ``"name:model"``.
    quantity : str
        ``"work_of_adhesion"``, ``"surface_energy"``, ...
    system : str
        The system (e.g. ``"Li|LiF"``, ``"Li(100)"``).
    build : dict, optional
        The run's construction (keys of the table's ``built_with``); default: none named.

    Returns
    -------
    dict
        The table row (values in the row's ``unit``) with ``known``, ``built_as_this_run`` and a one-line
        ``statement``.

    Raises
    ------
    ParameterError
        The table has rows for the calculator and quantity but none that can be compared.
    """
    label = calculator.label() if hasattr(calculator, "label") else str(calculator)
    if ":" not in label:  # a bare name (its default model), with or without "+d3"
        base, plus, rest = label.partition("+")
        label = {"chgnet": "chgnet:0.3.0", "sevennet": "sevennet:7net-0"}.get(base, base) + plus + rest
    rs = [r for r in rows() if r["calculator"] == label and r["quantity"] == quantity]  # none: unvalidated, not an error
    if not rs:
        return {"calculator": label, "quantity": quantity, "system": system, "known": False, "built_as_this_run": False,
                "statement": f"no accuracy data for {label} on {quantity}; treat as unvalidated screening"}
    exact = [r for r in rs if r["system"] == system]
    if exact:  # prefer a DFT reference computed on the ML value's own construction (like for like)
        exact.sort(key=lambda r: (r["dft_value"] is None, not built_as(r, build), not r["same_construction"], not r["default"]))
        r = {**exact[0], "built_as_this_run": built_as(exact[0], build)}
        if r["dft_value"] is None:
            return {**r, "known": False, "statement": f"{label} {quantity} for {system}: no DFT reference stored; ML value {r['ml_value']:.3g} {r['unit']} is unvalidated"}
        built = f" on {r['construction']}" if r["construction"] else ""
        functional = f" ({r['dft_functional']})" if r["dft_functional"] else ""
        msg = (f"{label} {quantity} for {system}{built}: ML {r['ml_value']:.3g} vs DFT{functional} {r['dft_value']:.3g} {r['unit']} "
               f"(error {r['error']:+.3g}")
        if r["error_without_dispersion"] is not None:  # the like-for-like comparison first, before the long source
            msg += (f"; like for like, without dispersion (this ML model has none): DFT {r['dft_value_without_dispersion']:.3f} "
                    f"on the PBE-D3 structures (dispersion part {r['dft_dispersion_part']:.3f}), error {r['error_without_dispersion']:+.3f}")
        msg += f"; {r['dft_source']})"
        if r.get("regime_agrees") is False:
            msg += f"; WARNING: this calculator calls the interface {r['ml_regime']} where DFT says {r['dft_regime']}"
        # only pairs of the returned row's own construction (another construction's DFT numbers would read as this row's)
        bad = [k for k in rankings(quantity, r["construction"]) if k["calculator"] == label and k["ranking_correct"] is False]
        if bad:
            msg += f"; WARNING: it ranks {'; '.join(bad[0]['flipped_pairs'])} in the wrong order"
        return {**r, "known": True, "statement": msg}
    worst = max((r for r in rs if r["error"] is not None), key=lambda r: abs(r["error"]), default=None)
    if worst is None:
        raise ParameterError(f"accuracy table has no comparable row for {label} {quantity}")
    return {**worst, "known": False, "built_as_this_run": False, "system_requested": system,
            "statement": f"no DFT comparison for {system}; largest known {quantity} error of {label} is {worst['error']:+.3g} {worst['unit']} ({worst['system']})"}


@dataclass(frozen=True)
class BundledWorkOfAdhesion:
    """A W_ad of Li on a substrate from the bundled table.

    Parameters
    ----------
    value_J_m2 : float
        Work of adhesion [J/m2].
    origin : str
        ``"published DFT"``, ``"published angle"`` (converted with Young–Dupré) or ``"ML screening (<calculator>)"``.
    source : str
        The citation (or the lisse measurement) the value comes from.
    """

    value_J_m2: float
    origin: str
    source: str


def bundled_work_of_adhesion(material: str, *, use_ml: bool = True, li_surface_energy: float | None = None) -> BundledWorkOfAdhesion | None:
    """W_ad of Li on ``material`` from the bundled table, or None when it holds no value.

    Order: a published DFT W_ad; a published contact angle, converted with ``W_ad = sigma_Li (1 + cos theta)``
    (``li_surface_energy`` [J/m2], default :data:`lisse.thermo.wetting.DEFAULT_LI_SURFACE_ENERGY`); then, only
    with ``use_ml``, a value measured with lisse's ML calculators (screening grade). Matches the substrate
    name or one of its aliases.

    Parameters
    ----------
    material : str
        Substrate name (or an alias).
    use_ml : bool, default True
        Also accept lisse's ML screening values.
    li_surface_energy : float, optional
        sigma_Li for converting a published contact angle [J m-2].

    Returns
    -------
    BundledWorkOfAdhesion or None
        The value [J m-2] with its origin and source, or None.

    References
    ----------
    Young-Dupré conversion: see :mod:`lisse.thermo.wetting` (Ji et al., Nat. Commun. 2025).
    """
    from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY, work_of_adhesion_from_angle

    sigma = DEFAULT_LI_SURFACE_ENERGY if li_surface_energy is None else li_surface_energy
    t = load_table()
    for e in t.get("literature", []):
        if e.get("substrate") != material and material not in e.get("aliases", []):
            continue
        alias = "" if e.get("substrate") == material else f" (value for {e['substrate']})"
        if e.get("quantity") == "work_of_adhesion":
            return BundledWorkOfAdhesion(float(e["value"]), "published DFT", e.get("source", "") + alias)
        if e.get("quantity") == "contact_angle":
            w = work_of_adhesion_from_angle(float(e["value"]), sigma)
            return BundledWorkOfAdhesion(w, "published angle", f"{e.get('source', '')}{alias}; W_ad = sigma_Li (1 + cos {e['value']} deg)")
    if use_ml:
        for e in t.get("entry", []):
            if e.get("quantity") == "work_of_adhesion" and e.get("system", "").split("|")[-1].split("(")[0] == material:
                for calc, v in e.get("ml", {}).items():
                    if v.get("value") is not None:
                        return BundledWorkOfAdhesion(float(v["value"]), f"ML screening ({calc})",
                                                     f"measured with lisse: {v.get('measured', '')}; DFT reference {e.get('dft_value')} J/m2")
    return None
