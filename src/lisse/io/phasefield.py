"""Checkpoints and front-history CSV of phase-field runs (NumPy ``.npz``, written atomically).

A checkpoint holds the solver state (:meth:`lisse.sim.phasefield.solver.PhaseFieldSolver.state`),
the run settings and the history recorded so far, so ``lisse phasefield --resume`` continues an
interrupted run from its last checkpoint.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import ParameterError, ReaderError
from lisse.io.outputs import atomic_write_bytes, atomic_write_text
from lisse.params import CALIBRATED_COLUMN, calibrated_label

__all__ = ["save_checkpoint", "load_checkpoint", "write_history_csv", "refuse_existing_checkpoint", "HISTORY_COLUMNS",
           "REQUIRED_STATE", "REQUIRED_STATE_ELECTRODEPOSITION", "REQUIRED_SETTINGS"]

#: Solver state entries a checkpoint must hold to be resumed (Allen–Cahn solver; an electrodeposition
#: state, ``kind = "electrodeposition"``, needs :data:`REQUIRED_STATE_ELECTRODEPOSITION`).
REQUIRED_STATE = ("zeta", "phi_g", "dx", "t", "step", "coefficients")
#: Entries of an electrodeposition solver state (its own parameters are checked by its ``from_state``).
REQUIRED_STATE_ELECTRODEPOSITION = ("zeta", "zeta0", "dx", "t", "step", "kind")
#: Run settings a checkpoint must hold to be resumed (written by ``lisse phasefield``).
REQUIRED_SETTINGS = ("t_end_s", "layer_bottom_m", "layer_top_m", "layer_porosity", "layer_pore_size_m", "frames")

HISTORY_COLUMNS = ("step", "time_s", "front_mean_um", "tip_um", "penetration_depth_um", "li_thickness_um", "pore_fill",
                   "front_roughness_um", "fraction_deposited_at_electrolyte", "li_inventory_error_rel")
_FORMAT = "lisse-phasefield-checkpoint-1"


def save_checkpoint(path: str | os.PathLike, state: dict, *, settings: dict | None = None,
                    history: list[dict] | None = None, frames: np.ndarray | None = None,
                    frame_times: list[float] | None = None) -> Path:
    """Write a checkpoint atomically (temp file + ``os.replace``).

    Parameters
    ----------
    path : path
        Target ``.npz`` file.
    state : dict
        Solver state: numpy arrays, numbers, and a ``coefficients`` dict.
    settings, history : optional
        JSON-able run settings and the list of history rows.
    frames, frame_times : optional
        Stack of ζ snapshots (float32) and their times [s], for the animation.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        The file cannot be written.
    """
    arrays: dict[str, np.ndarray] = {}
    meta: dict = {"format": _FORMAT}
    for k, v in state.items():
        if v is None:
            continue
        if isinstance(v, np.ndarray):
            arrays[f"state_{k}"] = v
        else:
            meta[f"state_{k}"] = v
    meta["settings"] = settings or {}
    meta["history"] = history or []
    meta["frame_times"] = list(frame_times or [])
    if frames is not None:
        arrays["frames"] = np.asarray(frames, dtype=np.float32)
    arrays["meta_json"] = np.frombuffer(json.dumps(meta, default=_default).encode("utf-8"), dtype=np.uint8)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]  # numpy's stub: a **dict could name allow_pickle
    return atomic_write_bytes(path, buf.getvalue())


def _default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, (tuple, set)):
        return list(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def load_checkpoint(path: str | os.PathLike, required_settings: tuple[str, ...] = ()) -> dict:
    """Read a checkpoint; returns ``{"state", "settings", "history", "frames", "frame_times"}``.

    The solver-state entries of :data:`REQUIRED_STATE` must be present, and the settings named in
    ``required_settings`` (``lisse phasefield --resume`` passes :data:`REQUIRED_SETTINGS`).

    Parameters
    ----------
    path : str or os.PathLike
        The ``.npz`` checkpoint.
    required_settings : tuple of str, default ()
        Settings that must be present.

    Returns
    -------
    dict
        ``state`` (solver state, SI), ``settings``, ``history``, ``frames`` (ζ snapshots, dimensionless) and ``frame_times`` [s].

    Raises
    ------
    ReaderError
        Missing file, not a lisse phase-field checkpoint, or a checkpoint missing required entries.
    """
    from lisse.io._readutil import check_path, reading

    path = Path(path)
    what = "phase-field checkpoint"
    check_path(path, what)
    with reading(path, f"{what} (.npz)"):  # damaged zip/npy bytes, bad JSON, unreadable file -> ReaderError
        with np.load(path, allow_pickle=False) as z:
            if not hasattr(z, "files"):
                raise ReaderError(f"checkpoint file {str(path)!r}: expected a .npz archive, found a single .npy array")
            data = {k: z[k] for k in z.files}
        if "meta_json" not in data:
            raise ReaderError(f"checkpoint file {str(path)!r} has no 'meta_json' entry (not a lisse phase-field checkpoint)")
        meta = json.loads(bytes(data.pop("meta_json")).decode("utf-8"))
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise ReaderError(f"checkpoint file {str(path)!r} has format {found!r}; expected {_FORMAT!r} (written by another "
                          "lisse version or another program: start a new run with --overwrite)")
    missing = [k for k in ("settings", "history", "frame_times") if k not in meta]
    if missing:
        raise ReaderError(f"checkpoint file {str(path)!r} lacks the entries {missing} (damaged or from another lisse version: "
                          "start a new run with --overwrite)")
    for key, kind in (("settings", dict), ("history", list), ("frame_times", list)):
        if not isinstance(meta.get(key), kind):
            raise ReaderError(f"checkpoint file {str(path)!r}: expected '{key}' as a {kind.__name__}; found "
                              f"{type(meta.get(key)).__name__} (damaged checkpoint: start a new run with --overwrite)")
    state = {k[6:]: v for k, v in data.items() if k.startswith("state_")}
    state.update({k[6:]: v for k, v in meta.items() if k.startswith("state_")})
    needed = REQUIRED_STATE_ELECTRODEPOSITION if state.get("kind") == "electrodeposition" else REQUIRED_STATE
    missing = [k for k in needed if k not in state] + [f"settings.{k}" for k in required_settings if k not in meta["settings"]]
    if missing:
        raise ReaderError(f"checkpoint file {str(path)!r}: expected the entries {', '.join(missing)}; found them missing "
                          "(damaged or foreign checkpoint: start a new run with --overwrite)")
    _check_content(path, meta, state, tuple(required_settings))
    return {"state": state, "settings": meta["settings"], "history": meta["history"],
            "frames": data.get("frames"), "frame_times": meta["frame_times"]}


def _check_content(path: Path, meta: dict, state: dict, required_settings: tuple[str, ...]) -> None:
    """Refuse a checkpoint whose entries are present but wrong (edited by hand, or written by another program)."""
    def bad(what: str) -> ReaderError:
        return ReaderError(f"checkpoint file {str(path)!r}: {what} (damaged or foreign checkpoint: start a new run with --overwrite)")

    if state.get("kind") != "electrodeposition":
        if not isinstance(state["coefficients"], dict):
            raise bad("expected the solver state 'coefficients' as a table; found " + type(state["coefficients"]).__name__)
        from dataclasses import fields

        from lisse.sim.phasefield.model import PhaseFieldCoefficients

        unknown = sorted(set(state["coefficients"]) - {f.name for f in fields(PhaseFieldCoefficients)})
        if unknown:
            raise bad(f"unknown phase-field coefficients {unknown}")
    zeta = np.asarray(state["zeta"])
    phi = np.asarray(state.get("phi_g", state.get("zeta0")))
    if zeta.ndim not in (2, 3) or zeta.shape != phi.shape or not np.issubdtype(zeta.dtype, np.floating):
        raise bad(f"expected 'zeta' and 'phi_g' (or 'zeta0') as float grids of one 2D/3D shape; found {zeta.shape} and {phi.shape}")
    for k in required_settings + ("dx", "t", "step"):
        v = meta["settings"][k] if k in required_settings else state[k]
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number, np.ndarray)) or not np.all(np.isfinite(v)):
            raise bad(f"'{k}' should be a finite number; found {v!r}")


def refuse_existing_checkpoint(path: str | os.PathLike, *, overwrite: bool = False) -> None:
    """Refuse to start a new run whose checkpoint would replace an existing one.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint a new run would write.
    overwrite : bool, default False
        Allow replacing it.

    Raises
    ------
    ParameterError
        ``path`` exists and ``overwrite`` is False (continue it with ``--resume`` or pass ``--overwrite``).
    """
    p = Path(path)
    if p.exists() and not overwrite:
        raise ParameterError(f"--out {str(p.parent)!r}: expected no checkpoint of an earlier run; found {p.name} "
                             "(continue that run with --resume, or pass --overwrite to start a new one over it)")


def write_history_csv(path: str | os.PathLike, rows: list[dict], calibrated: Any) -> Path:
    """Write the front history atomically: one row per record, columns :data:`HISTORY_COLUMNS` and ``calibrated_parameters``.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    rows : list of dict
        History rows with the keys :data:`HISTORY_COLUMNS` (values in the unit each column name carries); a
        key missing from a row (a checkpoint of an older version) or a NaN is written as an empty cell.
    calibrated : iterable of str
        The run's calibrated parameters (the solver's ``calibrated_parameters``; ``[]`` for none), written on every
        row as a last column ``calibrated_parameters`` (:func:`lisse.params.calibrated_label`: ``none`` when none).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        The file cannot be written.
    """
    label = calibrated_label(calibrated)
    if any(ch in label for ch in ',"\n'):  # a CSV cell that needs quoting
        label = '"' + label.replace('"', '""') + '"'
    lines = [",".join((*HISTORY_COLUMNS, CALIBRATED_COLUMN))]
    for r in rows:
        cells = []
        for c in HISTORY_COLUMNS:
            v = r.get(c)
            if v is None or (isinstance(v, float) and v != v):
                cells.append("")
            else:
                cells.append(f"{v:.10g}" if isinstance(v, float) else str(v))
        lines.append(",".join((*cells, label)))
    return atomic_write_text(path, "\n".join(lines) + "\n")
