"""Run every applicable stage of a study and write the report folder.

Output folder layout::

    results.json          every stage's summary, status and files; citations; provenance
    report.html           self-contained report (figures embedded)
    study.toml            the study that was run (copy of the input text, or the bundled default)
    tables/<stage>_<name>.csv
    figures/<stage>_<name>.png (200 dpi) and, with ``svg`` (``[study] svg = true`` or ``--svg``), .svg;
    figures/<stage>_<name>.gif for a stage's animations

    .lisse-output.json    marker: lisse made this folder (version, run id, every file it holds)

The run writes into a hidden sibling folder that replaces ``out_dir`` at the end
(:func:`lisse.io.outputs.output_folder`): the folder then holds exactly this run's files. A run that
is interrupted or raises before its report is written leaves the previous folder as it was; a run in
which some stages failed still replaces it (its report records each failure and the exit status is
non-zero). A folder with files lisse did not write is refused unless
``overwrite``, and a second run on the same folder at the same time is refused.
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import json
import platform
import sqlite3
from pathlib import Path
from typing import Any

from lisse import __version__
from lisse.citations import cited, collecting
from lisse.errors import LisseError
from lisse.io.outputs import atomic_write_bytes, atomic_write_text, output_folder, render_figure
from lisse.pipeline.registry import StageContext, all_stages
from lisse.report.html import ReportSection, render_report

__all__ = ["evaluate"]


def _jsonable(obj: Any) -> Any:
    import math

    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if hasattr(obj, "tolist"):
        return _jsonable(obj.tolist())
    return str(obj)


def evaluate(study: dict, out_dir: str | Path, study_text: str | None = None, progress: bool | None = None, only: list[str] | None = None,
             overwrite: bool = False, svg: bool | None = None) -> dict:
    """Run the stages that apply to ``study`` and write the report folder.

    Parameters
    ----------
    study : dict
        A parsed study (:func:`lisse.pipeline.study.parse_study`).
    out_dir : path
        Output folder: new, empty or made by lisse; replaced as a whole at the end of the run.
    study_text : str, optional
        Text written to ``study.toml`` in the folder.
    progress : bool, optional
        Show a progress bar of the stages on standard error. None (default): only when standard error is
        a terminal (:func:`lisse.io.progress.progress_enabled`), so a notebook or a script piping its
        output draws none unless asked (``progress=True``).
    only : list of str, optional
        Run only these stages.
    overwrite : bool
        Accept an existing folder with files lisse did not write; they are deleted when the run succeeds.
    svg : bool, optional
        Also write every figure as SVG; None (default) takes ``[study] svg`` (default False).

    Returns
    -------
    dict
        The content of ``results.json``: ``"study"``, ``"stages"``, ``"citations"``, ``"provenance"``.
        A stage's numbers are ``results["stages"][name]["summary"]`` (e.g. ``["cycling"]["summary"]``);
        ``["stages"][name]["status"]`` is ``"ok"``, ``"skipped"`` or ``"error"`` (then ``"reason"`` says why).

    Raises
    ------
    ParameterError
        Unknown stage in ``only``; output folder refused or in use by another run.
    """
    from lisse.io.progress import progress_enabled

    progress = progress_enabled(progress)
    stages = all_stages()
    if only:
        known = {s.name for s in stages}
        for name in only:
            if name not in known:
                from lisse.params import unknown_key_error

                raise unknown_key_error(name, known, "stage")
        stages = [s for s in stages if s.name in only]
    if overwrite:
        _refuse_out_holding_inputs(study, out_dir)
    with output_folder(out_dir, overwrite=overwrite, info={"lisse_version": __version__}) as staging:
        if svg is None:
            svg = bool((study.get("study") or {}).get("svg", False))
        return _run(study, staging, stages, study_text, progress, svg)


def _refuse_out_holding_inputs(study: dict, out_dir: str | Path) -> None:
    """``overwrite`` deletes what the output folder holds: refuse a folder holding a file the study reads.

    Raises
    ------
    ParameterError
        ``out_dir`` is (or contains) the folder of a cycler/impedance file the study names.
    """
    from lisse.errors import ParameterError

    if not str(out_dir).strip():
        return  # output_folder refuses an empty path with its own message
    try:
        target = Path(out_dir).expanduser().resolve()
    except (RuntimeError, ValueError, OSError):
        return  # output_folder refuses an unresolvable path
    from lisse.params import OptionSpec

    src = study.get("_source")
    if isinstance(src, str) and Path(src).is_file() and target in Path(src).resolve().parents:
        raise ParameterError(f"--out {str(out_dir)!r}: expected a folder that does not hold the study file; found {src!r} in it "
                             "(--overwrite would delete it)")
    base = Path(study.get("_base_dir") or Path.cwd())
    options = study.get("_options") or {}
    for st in all_stages():
        opts = options.get(st.section) or {}
        for key, spec in (st.schema or {}).items():
            if key not in opts or not isinstance(spec, OptionSpec):
                continue
            if spec.is_path:
                named = [opts[key]]
            elif spec.kind == "list" and isinstance(spec.item, OptionSpec) and spec.item.is_path:
                named = list(opts[key])
            else:
                continue
            for f in named:
                p = Path(f) if Path(f).is_absolute() else base / f
                if target in p.resolve().parents:
                    raise ParameterError(f"--out {str(out_dir)!r}: expected a folder that does not hold the study's input files; "
                                         f"found [{st.section}] {key} entry {str(f)!r} in it (--overwrite would delete it)")


def _advancing(stages: list, bar: Any):
    """Yield the stages, naming the running one on ``bar`` and advancing it when each is done."""
    for st in stages:
        bar.set_postfix_str(st.name)
        yield st
        bar.update(1)


def _run(study: dict, out: Path, stages: list, study_text: str | None, progress: bool, svg: bool = False) -> dict:
    from lisse.io.progress import progress_bar

    sections: list[ReportSection] = []
    results: dict[str, Any] = {}
    all_keys: set[str] = set()
    pending: list[tuple[str, list[dict]]] = []
    bar = progress_bar(len(stages), desc="lisse evaluate", unit="stage", enabled=progress, leave=True)
    for st in _advancing(stages, bar):
        entry: dict[str, Any] = {"title": st.title}
        reason = _skip_reason(st, study)
        if reason:
            entry.update(status="skipped", reason=reason)
            sections.append(ReportSection(st.name, st.title, "skipped", reason))
            results[st.name] = entry
            continue
        typed = study.get("_options", {}).get(st.section) if st.section else {}
        raw = study.get(st.section, {}) if st.section else {}
        ctx = StageContext(study=study, options=dict(typed if typed is not None else raw), out_dir=out, progress=progress,
                           results={k: v.get("summary", {}) for k, v in results.items() if v.get("status") == "ok"},
                           validated=typed is not None)
        try:
            with collecting() as keys:
                res = st.func(ctx)
        except Exception as exc:  # noqa: BLE001 - one failing stage must not lose the others' results
            # a LisseError says what was expected and found; an exception from elsewhere is named by its class
            entry.update(status="error", reason=str(exc) if isinstance(exc, LisseError) else f"internal error: {type(exc).__name__}: {exc}")
            sections.append(ReportSection(st.name, st.title, "error", entry["reason"]))
            results[st.name] = entry
            continue
        keys |= set(res.citations)
        all_keys |= keys
        files: list[str] = []
        for name, df in res.tables.items():
            rel = f"tables/{st.name}_{name}.csv"
            atomic_write_text(out / rel, df.to_csv(index=False))
            files.append(rel)
        figs: list[tuple[str, bytes, str]] = []
        for name, fig in res.figures.items():
            rendered = render_figure(fig, ("png", "svg") if svg else ("png",))  # 200 dpi PNG; laid out once
            for ext, data in rendered.items():
                rel = f"figures/{st.name}_{name}.{ext}"
                atomic_write_bytes(out / rel, data)
                files.append(rel)
            figs.append((name, rendered["png"], res.figure_captions.get(name, name.replace("_", " "))))
        for name, gif in res.animations.items():
            if bytes(gif[:6]) not in (b"GIF87a", b"GIF89a"):  # a stage bug, not a user problem
                raise TypeError(f"stage {st.name!r}: animation {name!r} is not GIF data")
            rel = f"figures/{st.name}_{name}.gif"
            atomic_write_bytes(out / rel, bytes(gif))
            files.append(rel)
            figs.append((name, bytes(gif), res.figure_captions.get(name, name.replace("_", " "))))
        entry.update(status="ok", summary=res.summary, files=files, citations=sorted(keys))
        if res.predictions:
            pending.append((st.name, res.predictions))
        results[st.name] = entry
        sections.append(ReportSection(st.name, st.title, "ok", html=res.html, tables=res.tables, figures=figs, files=files))

    for name, rows in pending:  # after every stage ran: a run that raises writes no predictions
        results[name]["predictions"] = _write_predictions(study, rows)
    bar.close()
    meta = study.get("study", {})
    provenance = {
        "lisse_version": __version__,
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "study_source": study.get("_source"),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    if study.get("_database"):
        provenance["database"] = study["_database"]["path"]
    doc = {
        "study": {"name": meta.get("name", "lisse study"), "description": meta.get("description", ""), "source": study.get("_source")},
        "stages": results,
        "citations": [{"key": c.key, "text": c.text(), "doi": c.doi} for c in cited(all_keys)],
        "provenance": provenance,
        # the files each glob pattern / database selection named in this run, in order (reproducibility)
        "inputs": study.get("_inputs") or {},
    }
    if study_text is not None:
        if study.get("_inputs"):
            from lisse.pipeline.inputs import describe_inputs

            study_text = study_text.rstrip("\n") + "\n" + describe_inputs(study["_inputs"])
        atomic_write_text(out / "study.toml", study_text)
    atomic_write_text(out / "results.json", json.dumps(_jsonable(doc), indent=2, allow_nan=False))
    report = render_report(
        meta.get("name", "lisse study"),
        meta.get("description", ""),
        sections,
        [c.text() for c in cited(all_keys)],
        provenance,
    )
    atomic_write_text(out / "report.html", report)
    return doc


def _write_predictions(study: dict, rows: list[dict]) -> dict:
    """Write a stage's predictions to the study's ``[database]`` (when named and ``write_predictions``).

    Returns what results.json records: ``{"database", "written"}``, ``{"written": 0, "reason"}`` or
    ``{"written": 0, "error"}`` (a database that cannot be written loses the predictions, not the run).
    """
    db = study.get("_database")
    if not db:
        return {"written": 0, "reason": "the study names no [database]"}
    if not db.get("write_predictions", True):
        return {"written": 0, "reason": "[database] write_predictions = false"}
    from lisse.io.resultsdb import ResultsDB

    try:
        with ResultsDB(db["path"]) as store:
            ids = {c["name"]: c["cell_id"] for c in store.cells()}
            out = []
            for r in rows:
                r = dict(r)
                cell = r.pop("cell", None)
                if cell is not None and cell in ids:
                    r["cell_id"] = ids[cell]
                out.append(r)
            n = store.add_predictions(out)
    except (LisseError, sqlite3.Error) as exc:  # e.g. locked past the busy timeout, read-only file system
        return {"written": 0, "error": f"{type(exc).__name__}: {' '.join(str(exc).split())}"}
    return {"database": db["path"], "written": n}


def _skip_reason(st, study: dict) -> str | None:
    for need in st.needs:
        if not study.get(need):
            return f"skipped: the study has no [{need}] table"
    for dep in st.optional_deps:
        if importlib.util.find_spec(dep) is None:
            return f"skipped: optional package '{dep}' is not installed (pip install it to enable the {st.name} stage)"
    if st.applies is not None:
        return st.applies(study)
    return None
