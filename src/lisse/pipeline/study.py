"""Study files: a TOML description of one or more cells and what to compute.

Layout (see the bundled ``lisse/studies/default.toml``)::

    [study]            name, description
    [[cells]]          one table per cell: the keyword arguments of CellDesign.from_inputs
                       (quantities as strings with units) plus ``name``; ``interlayer`` may be a
                       material name (with ``interlayer_thickness``) or a table
                       {material, thickness, porosity, ...}
    [design]           options of the design stage
    [database]         file: a lisse results database (``lisse batch``) that stages with ``from_db = true``
                       or ``cells = [...]`` read their measured results from; predictions are written to it
    [<section>]        options of another stage (each stage declares the section it owns)

File keys (``[cycling] files``, ``[eis] files``) take glob patterns relative to the study file
(``"data/*.mpr"``, ``"runs/**/*.ndax"``), expanded in sorted order when the study is loaded
(:mod:`lisse.pipeline.inputs`); the expansion is kept in ``study["_inputs"]``.

The whole study is checked before any stage runs: every table against its declared schema
(``[study]`` and ``[[cells]]`` here, each stage's section in the stage's ``schema``; see
:func:`study_schema` and ``lisse evaluate --show-schema``). Unknown tables and keys, wrong types,
wrong units and values out of range are :class:`~lisse.errors.ParameterError` naming ``[table] key``,
what was expected and what was found. The typed options of each stage are kept in
``study["_options"][section]``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from lisse.cell import CellDesign
from lisse.cell.design import MATERIAL_KEYS
from lisse.errors import ParameterError, ReaderError
from lisse.materials import get_material
from lisse.params import OptionSpec, describe_spec, unknown_key_error, user_values, validate_options

__all__ = ["load_study", "parse_study", "cell_design", "cell_designs", "study_schema", "DEFAULT_STUDY",
           "STUDY_SCHEMA", "DATABASE_SCHEMA"]

DEFAULT_STUDY = "default.toml"
_CORE_SECTIONS = {"study", "cells", "database"}

#: Keys of the ``[study]`` table.
STUDY_SCHEMA: dict[str, OptionSpec] = {
    "name": OptionSpec.text("title of the study (report heading)", "lisse study"),
    "description": OptionSpec.text("one paragraph under the heading of the report", ""),
    "svg": OptionSpec.boolean("also write each figure as SVG (figures/*.svg) beside the 200 dpi PNG; off by default "
                              "(SVG roughly doubles the time spent on figures; the report embeds the PNGs)", False),
}


#: Keys of the ``[database]`` table.
DATABASE_SCHEMA: dict[str, OptionSpec] = {
    "file": OptionSpec.path("lisse results database (SQLite, written by 'lisse batch'), relative to the study file: "
                            "stages with from_db = true or cells = [...] read their results from it; the compare stage "
                            "places the cell among its cells"),
    "write_predictions": OptionSpec.boolean("write the study's simulator predictions (interlayer critical current) into "
                                            "the database's predictions table, flagged as predicted", True),
}


def _cell_schema() -> dict:
    """Keys of one ``[[cells]]`` table: ``name``, the materials and the quantities of CellDesign.from_inputs."""
    from lisse.cell.design import SCHEMA as CELL_INPUTS

    schema: dict = {"name": OptionSpec.text("cell name (report, tables)")}
    schema.update(CELL_INPUTS)
    for k in MATERIAL_KEYS:
        schema[k] = OptionSpec.text(f"{k.replace('_material', '').replace('_', ' ')} material (a name from 'lisse materials')")
    schema["interlayer"] = OptionSpec.one_of(
        "interlayer material name (with interlayer_thickness / interlayer_porosity) or a table",
        OptionSpec.text("interlayer material name"),
        OptionSpec.table("interlayer {material, thickness, porosity}", keys={
            "material": OptionSpec.text("interlayer material (lisse materials name); required"),
            "thickness": CELL_INPUTS["interlayer_thickness"],
            "porosity": CELL_INPUTS["interlayer_porosity"],
        }),
    )
    return schema


#: Options of a stage table that still act when its results come from the [database] (from_db / cells): the
#: selection itself. Every other option (area, ccd thresholds, kind, format, units, DRT settings, ...) changes the
#: analysis, which the stored results already ran with the batch's settings; none of them only changes presentation.
_DB_SELECTION_KEYS = frozenset({"files", "from_db", "cells", "synthetic"})


def _refuse_inert_db_options(section: str, given: Mapping[str, Any], via: str) -> None:
    """Refuse analysis options the user set in a ``[section]`` that reads stored results (they would be silently ignored).

    Raises
    ------
    ParameterError
        Naming ``[section] KEY`` of the first such option.
    """
    for key in given:
        if key not in _DB_SELECTION_KEYS:
            raise ParameterError(
                f"[{section}] {key}: has no effect with {via} (the stored results were analysed with the batch's settings); "
                f"remove it, or re-run `lisse batch {section}` with it and read the new results"
            )


def load_study(path: str | Path | None = None) -> dict:
    """Read and validate a study file (the bundled default when ``path`` is None).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The study TOML file; None reads the bundled example study.

    Returns
    -------
    dict
        The parsed, checked study (see :func:`parse_study`).

    Raises
    ------
    ReaderError
        The file does not exist, is a folder, is not UTF-8 or not TOML.
    ParameterError
        A table or key of the study is wrong (see :func:`parse_study`).
    """
    if path is None:
        text = resources.files("lisse").joinpath("studies", DEFAULT_STUDY).read_text("utf-8")
        return parse_study(text, source="<bundled default study>", base_dir=None)
    p = Path(path)
    if not p.exists():
        raise ReaderError(f"study file '{p}' does not exist")
    if p.is_dir():
        raise ReaderError(f"study file '{p}' is a folder; expected a .toml file")
    try:
        text = p.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise ReaderError(f"study file '{p}' is not UTF-8 text: {exc}") from None
    return parse_study(text, source=str(p), base_dir=p.resolve().parent)


def parse_study(text: str, source: str = "<string>", base_dir: Path | None = None) -> dict:
    """Parse study TOML text and check the whole study before any stage runs.

    Parameters
    ----------
    text : str
        The TOML text.
    source : str, default "<string>"
        Where it came from, for messages.
    base_dir : Path, optional
        Folder that relative file paths start from (the study file's folder; default the working folder).

    Returns
    -------
    dict
        The TOML tables as read, plus ``_options`` (each present stage section's typed options: SI
        floats for quantities, defaults filled in), ``_source`` and ``_base_dir``.

    Raises
    ------
    ReaderError
        The text is not TOML.
    ParameterError
        One line naming ``[table] key``, what was expected and what was found: unknown table or key
        (with a close-match suggestion), wrong type, unit or range, size limit, missing file, unknown
        material, or a cell that cannot be built.
    """
    from lisse.pipeline.registry import all_stages

    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReaderError(f"study file '{source}' is not valid TOML: {exc}") from None
    stages = [s for s in all_stages() if s.section]
    sections = _CORE_SECTIONS | {s.section for s in stages}
    try:
        for key in data:
            if key not in sections:
                raise unknown_key_error(key, sections, "table")
        cells = data.get("cells", [])
        if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
            raise ParameterError(f"[[cells]]: expected an array of tables ([[cells]] headers); found {_kind(cells)}")
        data["study"] = validate_options(STUDY_SCHEMA, data.get("study", {}), "[study]")
        options: dict[str, dict] = {}
        base = base_dir if base_dir else Path.cwd()
        inputs: dict[str, list] = {}
        database = _check_database(data, base)
        index: list[dict] | None = None
        for st in stages:
            if st.section in data:
                opts = options[st.section] = st.check_options(data[st.section])
                if st.check is not None:
                    st.check(opts)
                st.check_cell_names(opts, cells)
                if opts.get("from_db") or opts.get("cells"):
                    if database is None:
                        key = "from_db" if opts.get("from_db") else "cells"
                        raise ParameterError(f"[{st.section}] {key}: expected a [database] table with 'file' naming the "
                                             "results database to read from; found none")
                    if opts.get("synthetic"):
                        raise ParameterError(f"[{st.section}] synthetic: expected false when the results come from the "
                                             "[database] (from_db / cells); found true")
                    _refuse_inert_db_options(st.section, data[st.section], "from_db" if opts.get("from_db") else "cells")
                    if not opts.get("files") and not opts.get("cells"):
                        raise ParameterError(f"[{st.section}] from_db: expected 'files = [...]' or 'cells = [...]' selecting "
                                             "stored files; found neither")
                    if index is None:
                        index = _database_index(database)
                    from lisse.pipeline.inputs import select_db_files

                    opts["files"] = select_db_files(index, opts, base, f"[{st.section}]", database["file"], st.section, inputs)
                    opts["from_db"] = True
                else:
                    from lisse.pipeline.inputs import expand_files

                    expand_files(st.schema, opts, base, f"[{st.section}]", inputs)
        seen: dict[str, int] = {}
        for i, c in enumerate(cells):
            c.setdefault("name", f"cell {i + 1}")
            name = c["name"]
            if isinstance(name, str) and name in seen:  # results, tables and figures are keyed by cell name
                raise ParameterError(f"[[cells]] name: expected a different name for each cell; found {name!r} for cells "
                                     f"{seen[name] + 1} and {i + 1}")
            if isinstance(name, str):
                seen[name] = i
            cell_design(c)
    except ParameterError as exc:
        raise type(exc)(f"study '{source}': {_printable(str(exc))}") from None
    data["_options"] = options
    data["_inputs"] = inputs
    data["_source"] = source
    # relative paths resolve against the study file's folder (the working folder for the bundled study)
    data["_base_dir"] = str(base_dir) if base_dir else str(Path.cwd())
    return data


def _check_database(data: dict, base: Path) -> dict | None:
    """The typed ``[database]`` table (``file`` made absolute and opened read-only once), or None.

    Raises
    ------
    ParameterError
        ``[database] file``: missing, a folder, a pattern, or not a lisse results database.
    """
    if "database" not in data:
        return None
    db = validate_options(DATABASE_SCHEMA, data["database"], "[database]")
    if "file" not in db:
        raise ParameterError("[database] file: expected the path of a lisse results database; found no 'file' key")
    p = Path(db["file"])
    p = p if p.is_absolute() else base / p
    if not p.is_file():
        found = "a folder" if p.is_dir() else "no such file"
        raise ParameterError(f"[database] file: expected an existing lisse results database (relative paths start at the study's "
                             f"folder {str(base)!r}); found {found} at {str(p)!r}")
    from lisse.io.resultsdb import ResultsDB

    try:
        ResultsDB(p, readonly=True).close()
    except ParameterError as exc:
        raise ParameterError(f"[database] file: {exc}") from None
    db["path"] = str(p)
    data["_database"] = db
    return db


def _database_index(database: dict) -> list[dict]:
    """Every stored file (all statuses) of the study's database, for the from_db selections."""
    from lisse.io.resultsdb import ResultsDB

    with ResultsDB(database["path"], readonly=True) as db:
        return db.file_index(status=None)


def _printable(text: str) -> str:
    """``text`` with unprintable characters (line breaks, controls) written as escapes: one line, always."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _kind(value: Any) -> str:
    from lisse.params import _found

    return _found(value)


def cell_design(cell: dict) -> CellDesign:
    """Check one ``[[cells]]`` table against its schema and build its :class:`CellDesign`.

    Parameters
    ----------
    cell : dict
        One ``[[cells]]`` table as read from TOML: ``name``, material names and quantities (strings with
        units, or bare numbers meaning the display unit shown by ``--show-schema``, e.g. 20 -> 20 um).

    Returns
    -------
    CellDesign
        The cell design (SI values inside).

    Raises
    ------
    ParameterError
        ``[[cells]] 'NAME' key: expected ...; found ...`` for unknown keys, wrong types, units or ranges.
    """
    name = cell.get("name", "?")
    where = f"[[cells]] {name!r}" if isinstance(name, str) else "[[cells]]"
    validate_options(_cell_schema(), cell, where, fill_defaults=False)
    inter = cell.get("interlayer")
    for key, name in [(k, cell.get(k)) for k in MATERIAL_KEYS if k != "interlayer"] + [
            ("interlayer", inter.get("material") if isinstance(inter, dict) else inter)]:
        if isinstance(name, str):
            try:
                get_material(name)
            except ParameterError as exc:
                raise type(exc)(f"{where} {key}: {exc}") from None
    kw = {k: v for k, v in cell.items() if k != "name"}
    inter = kw.get("interlayer")
    if isinstance(inter, dict):
        kw["interlayer"] = inter.get("material")
        if "thickness" in inter:
            kw["interlayer_thickness"] = inter["thickness"]
        if "porosity" in inter:
            kw["interlayer_porosity"] = inter["porosity"]
        if kw["interlayer"] is None:
            raise ParameterError(f"{where} interlayer: expected a table with 'material'; found no 'material' key")
    try:
        return CellDesign.from_inputs(**user_values(kw))  # a bare TOML number means the display unit (20 -> 20 um)
    except ParameterError as exc:
        raise type(exc)(f"{where}: {exc}") from None


def cell_designs(study: dict) -> list[tuple[str, CellDesign]]:
    """(name, design) for every cell of a parsed study.

    Parameters
    ----------
    study : dict
        A parsed study (:func:`load_study` / :func:`parse_study`).

    Returns
    -------
    list of (str, CellDesign)
        One pair per ``[[cells]]`` table, in file order.

    Raises
    ------
    ParameterError
        A cell table is wrong (see :func:`cell_design`).
    """
    return [(c["name"], cell_design(c)) for c in study.get("cells", [])]


def study_schema() -> dict:
    """Every study table's keys with type, unit, range, default and meaning (for ``--show-schema``).

    Returns
    -------
    dict
        ``{table: {key: description dict}}`` for ``study``, ``cells`` and every stage section.
    """
    from lisse.pipeline.registry import all_stages

    out = {"study": {k: describe_spec(v) for k, v in STUDY_SCHEMA.items()},
           "cells": {k: describe_spec(v) for k, v in _cell_schema().items()},
           "database": {k: describe_spec(v) for k, v in DATABASE_SCHEMA.items()}}
    for st in all_stages():
        if st.section:
            out[st.section] = {k: describe_spec(v) for k, v in st.schema.items()}
    return out
