"""The measured files a study names: glob patterns expanded, or rows selected from the results database.

Every study key that names measured files (a path option, or a list of them: ``[cycling] files``,
``[eis] files``) accepts glob patterns relative to the study file's folder (``"data/*.mpr"``,
``"runs/**/*.ndax"``; ``**`` spans folders). A pattern is expanded in sorted order when the study is
loaded; a pattern that matches nothing, or patterns matching more than :data:`MAX_STUDY_FILES` files,
are a :class:`~lisse.errors.ParameterError` naming ``[table] key`` and the pattern. The expanded list
replaces the patterns in the typed options and is recorded (pattern -> files) in ``study["_inputs"]``,
which ``lisse evaluate`` writes into ``results.json`` and ``study.toml`` so a run can be repeated on
exactly the same files.

A stage table with ``from_db = true`` (or ``cells = [...]``) takes its files from the results database
named by the study's ``[database] file`` instead of the disk: ``files`` entries (paths or patterns)
select stored files by absolute path, ``cells`` entries (names or patterns) select every stored file
of the matching cells; both must match at least one ``ok`` file of the stage's analysis.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lisse.errors import ParameterError
from lisse.params import OptionSpec

__all__ = ["MAX_STUDY_FILES", "GLOB_CHARS", "is_pattern", "path_keys", "expand_files", "select_db_files", "describe_inputs"]

#: Most files one study key may name after its patterns are expanded (size limit).
MAX_STUDY_FILES = 10_000
#: Characters that make a study path a glob pattern.
GLOB_CHARS = frozenset("*?[")


def is_pattern(text: str, base: Path) -> bool:
    """True when ``text`` holds glob characters and does not name an existing path literally.

    Parameters
    ----------
    text : str
        A path as the study writes it.
    base : Path
        The study's folder (relative paths start there).

    Returns
    -------
    bool
        Whether the study path is a pattern to expand.
    """
    if not any(c in GLOB_CHARS for c in text):
        return False
    p = Path(text)
    return not (p if p.is_absolute() else base / p).exists()


def path_keys(schema: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """The schema's options that name files.

    Parameters
    ----------
    schema : dict
        A stage's ``{key: OptionSpec}``.

    Returns
    -------
    list of (str, bool)
        ``(key, is_list)``: a path option, or a list of paths.
    """
    out = []
    for key, spec in schema.items():
        if not isinstance(spec, OptionSpec):
            continue
        if spec.is_path:
            out.append((key, False))
        elif spec.kind == "list" and isinstance(spec.item, OptionSpec) and spec.item.is_path:
            out.append((key, True))
    return out


def _shown(p: Path, base: Path) -> str:
    """``p`` relative to ``base`` when inside it (POSIX separators), else absolute."""
    try:
        return p.relative_to(base).as_posix()
    except ValueError:
        return str(p)


def _capped_glob(pattern: str, limit: int) -> list[str]:
    """The files ``pattern`` matches (recursive ``**``), sorted; at most ``limit`` of them.

    The matches are streamed (``glob.iglob``) and the walk stops at ``limit`` files, so a pattern such as
    ``/**/*`` cannot build a list of the whole disk before the size limit is checked.
    """
    hits: list[str] = []
    for h in glob.iglob(pattern, recursive=True):
        if Path(h).is_file():
            hits.append(h)
            if len(hits) >= limit:
                break
    return sorted(hits)


def expand_files(schema: Mapping[str, Any], options: dict, base: Path, where: str, inputs: dict) -> None:
    """Expand the glob patterns of ``options``' file keys in place and check every named file exists.

    Parameters
    ----------
    schema : dict
        The table's schema (file keys are found by :func:`path_keys`).
    options : dict
        The typed options; a file key's value is replaced by the expanded list (a scalar path key must
        match exactly one file).
    base : Path
        The study's folder (relative paths start there).
    where : str
        ``"[cycling]"``, for messages.
    inputs : dict
        Receives ``{"[table] key": [{"pattern": ..., "files": [...]}, ...]}`` for every expanded pattern.

    Raises
    ------
    ParameterError
        A missing file, a pattern matching nothing, more than :data:`MAX_STUDY_FILES` files.
    """
    for key, is_list in path_keys(schema):
        if key not in options:
            continue
        values = list(options[key]) if is_list else [options[key]]
        out: list[str] = []
        seen: set[str] = set()
        record = []
        for i, value in enumerate(values):
            name = f"{where} {key}[{i}]" if is_list else f"{where} {key}"
            if is_pattern(value, base):
                full = value if Path(value).is_absolute() else str(base / value)
                hits = _capped_glob(full, MAX_STUDY_FILES + 1)
                if not hits:
                    raise ParameterError(f"{name}: expected the pattern {value!r} to match files (relative to the study's folder "
                                         f"{str(base)!r}); it matches none")
                shown = [_shown(Path(h), base) for h in hits]
                record.append({"pattern": value, "files": shown})
                for s in shown:
                    if s not in seen:
                        seen.add(s)
                        out.append(s)
            else:
                p = Path(value)
                p = p if p.is_absolute() else base / p
                if not p.is_file():
                    found = "a folder" if p.is_dir() else "no such file"
                    raise ParameterError(f"{name}: expected an existing file (relative paths start at the study's folder "
                                         f"{str(base)!r}); found {found} at {str(p)!r}")
                if value not in seen:  # a file named twice (or also matched by a pattern) is analysed once
                    seen.add(value)
                    out.append(value)
            if len(out) > MAX_STUDY_FILES:
                raise ParameterError(f"{where} {key}: expected at most {MAX_STUDY_FILES} files (size limit); the entries up to "
                                     f"{value!r} already name {len(out)}")
        if record:
            inputs[f"{where} {key}"] = record
        if is_list:
            options[key] = out
        elif len(out) != 1:
            raise ParameterError(f"{where} {key}: expected one file; the pattern {values[0]!r} matches {len(out)}")
        else:
            options[key] = out[0]


def _abs(text: str, base: Path) -> str:
    """Absolute normalised path as ``lisse batch`` stores it (``~`` expanded, links kept)."""
    p = os.path.expanduser(text)
    return os.path.abspath(p if os.path.isabs(p) else os.path.join(base, p))


def _glob_match(path: str, pattern: str) -> bool:
    """Glob match of a stored path (``**/`` spans zero or more folders; ``*`` here spans separators too)."""
    return fnmatch.fnmatchcase(path, pattern) or ("**/" in pattern and fnmatch.fnmatchcase(path, pattern.replace("**/", "")))


def select_db_files(index: list[dict], options: dict, base: Path, where: str, db_name: str, analysis: str,
                    inputs: dict) -> list[str]:
    """The stored paths a ``from_db`` stage table selects, in order (``files`` entries, then ``cells``).

    Parameters
    ----------
    index : list of dict
        :meth:`lisse.io.resultsdb.ResultsDB.file_index` rows of every status and analysis.
    options : dict
        The table's typed options (``files``, ``cells``).
    base : Path
        The study's folder.
    where : str
        ``"[cycling]"``, for messages.
    db_name : str
        The database as the study names it, for messages.
    analysis : str
        The analysis the stage needs (``cycling`` or ``eis``).
    inputs : dict
        Receives ``{"[table] key": [{"pattern": ..., "files": [...]}]}`` for every entry.

    Returns
    -------
    list of str
        The selected stored (absolute) paths, each once.

    Raises
    ------
    ParameterError
        An entry that selects no ``ok`` file of ``analysis``; more than :data:`MAX_STUDY_FILES` files.
    """
    ok = [r for r in index if r["status"] == "ok" and r["analysis"] == analysis]
    by_path = {r["path"]: r for r in index}
    out: dict[str, None] = {}
    for key in ("files", "cells"):
        record = []
        for i, value in enumerate(options.get(key) or []):
            name = f"{where} {key}[{i}]"
            if key == "files":
                target = _abs(value, base)
                if any(c in GLOB_CHARS for c in value):
                    hits = [r["path"] for r in ok if _glob_match(r["path"], target)]
                elif target in by_path:
                    row = by_path[target]
                    if row["status"] != "ok" or row["analysis"] != analysis:
                        what = (f"status {row['status']!r}" if row["status"] != "ok" else f"analysis {row['analysis']!r}")
                        raise ParameterError(f"{name}: expected a file with {analysis} results in the database {db_name!r}; "
                                             f"found {what} for {target!r}")
                    hits = [target]
                else:
                    hits = []
            else:
                hits = [r["path"] for r in ok if r.get("cell") is not None and fnmatch.fnmatchcase(r["cell"], value)]
            if not hits:
                known = sorted({r["cell"] for r in ok if r.get("cell")}) if key == "cells" else []
                hint = f" (cells with {analysis} results: {', '.join(known[:8])}{', ...' if len(known) > 8 else ''})" if known else ""
                what = f"stored path {_abs(value, base)!r}" if key == "files" else f"cell name {value!r}"
                raise ParameterError(f"{name}: expected the {what} to match a file with {analysis} results in the database "
                                     f"{db_name!r} (lisse batch {analysis}); it matches none{hint}")
            record.append({"pattern": value, "files": hits})
            for h in hits:
                out.setdefault(h, None)
            if len(out) > MAX_STUDY_FILES:
                raise ParameterError(f"{where} {key}: expected at most {MAX_STUDY_FILES} files (size limit); the entries up to "
                                     f"{value!r} already select {len(out)}")
        if record:
            inputs[f"{where} {key}"] = [{**r, "source": "database"} for r in record]
    return list(out)


def describe_inputs(inputs: dict[str, Any]) -> str:
    """TOML comment lines listing each expanded pattern's files (appended to the run's ``study.toml``).

    Parameters
    ----------
    inputs : dict
        ``study["_inputs"]``: ``{"[table] key": [{"pattern", "files", "source"?}, ...]}``.

    Returns
    -------
    str
        Comment lines (a study with them appended reads as the same TOML).
    """
    lines = ["", "# --- lisse evaluate: the files each pattern named when this study ran (in order) ---"]
    for key, rows in inputs.items():
        for r in rows:
            src = " (results database)" if r.get("source") == "database" else ""
            lines.append(f"# {key} {r['pattern']!r}{src}: {len(r['files'])} file(s)")
            lines.extend(f"#   {f}" for f in r["files"])
    return "\n".join(lines) + "\n"
