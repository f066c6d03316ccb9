"""Study files: a TOML description of one or more cells and what to compute.

Layout (see the bundled ``lisse/studies/default.toml``)::

    [study]            name, description
    [[cells]]          one table per cell: the keyword arguments of CellDesign.from_inputs
                       (quantities as strings with units) plus ``name``; ``interlayer`` may be a
                       material name (with ``interlayer_thickness``) or a table
                       {material, thickness, porosity, ...}
    [design]           options of the design stage
    [<section>]        options of another stage (each stage declares the section it owns)

Unknown top-level tables and unknown cell keys are errors with a close-match suggestion.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from lisse.cell import CellDesign
from lisse.errors import ParameterError, ReaderError
from lisse.params import unknown_key_error, user_values

__all__ = ["load_study", "parse_study", "cell_designs", "DEFAULT_STUDY"]

DEFAULT_STUDY = "default.toml"
_CORE_SECTIONS = {"study", "cells"}


def load_study(path: str | Path | None = None) -> dict:
    """Read and validate a study file (the bundled default when ``path`` is None)."""
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
    """Parse study TOML text, check its tables against the registered stages and build every cell."""
    from lisse.pipeline.registry import all_stages

    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReaderError(f"study file '{source}' is not valid TOML: {exc}") from None
    sections = _CORE_SECTIONS | {s.section for s in all_stages() if s.section}
    for key in data:
        if key not in sections:
            raise unknown_key_error(key, sections, f"table in study '{source}'")
    cells = data.get("cells", [])
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise ParameterError(f"study '{source}': 'cells' must be an array of tables ([[cells]])")
    for i, c in enumerate(cells):
        c.setdefault("name", f"cell {i + 1}")
        try:
            cell_design(c)
        except ParameterError as exc:
            raise type(exc)(f"study '{source}', cell '{c['name']}': {exc}") from None
    data.setdefault("study", {})
    data["_source"] = source
    # relative paths resolve against the study file's folder (the working folder for the bundled study)
    data["_base_dir"] = str(base_dir) if base_dir else str(Path.cwd())
    return data


def cell_design(cell: dict) -> CellDesign:
    """Build the :class:`CellDesign` of one study cell table."""
    kw = {k: v for k, v in cell.items() if k != "name"}
    inter = kw.get("interlayer")
    if isinstance(inter, dict):
        kw["interlayer"] = inter.get("material")
        if "thickness" in inter:
            kw["interlayer_thickness"] = inter["thickness"]
        if "porosity" in inter:
            kw["interlayer_porosity"] = inter["porosity"]
        if kw["interlayer"] is None:
            raise ParameterError("the [cells.interlayer] table needs 'material'")
    return CellDesign.from_inputs(**user_values(kw))  # a bare TOML number means the display unit (20 -> 20 um)


def cell_designs(study: dict) -> list[tuple[str, CellDesign]]:
    """(name, design) for every cell of a parsed study."""
    return [(c["name"], cell_design(c)) for c in study.get("cells", [])]
