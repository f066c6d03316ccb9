"""Stages of ``lisse evaluate``: one registered function each, with declared inputs and outputs.

A stage lives in a module under :mod:`lisse.pipeline.stages` (discovered automatically) and is
declared with :func:`stage`::

    @stage("design", title="Cell design", section="design", order=10,
           needs=("cells",), optional_deps=())
    def design_stage(ctx: StageContext) -> StageResult: ...

* ``section``: the top-level study-file table the stage owns (its options); the study loader rejects
  unknown tables with a close-match suggestion.
* ``needs``: study tables that must be present for the stage to run; a stage whose needs are not met
  is skipped with the reason recorded in ``results.json``.
* ``optional_deps``: importable packages the stage needs; when one is missing the stage is skipped
  with a clear message instead of failing the run.
* ``applies(study) -> str | None``: optional extra check returning a skip reason.
* ``check(options)``: optional check across keys of the typed options, run with the schema check.
* ``schema``: ``{key: OptionSpec or ParamSpec}`` of the section's options (:mod:`lisse.params`). The
  study loader checks the whole study against every stage's schema before any stage runs (unknown keys,
  types, units, ranges, list-vs-scalar); the stage receives the typed options in ``ctx.options``
  (SI floats for quantities, defaults filled in, optional keys without default absent).

A stage returns a :class:`StageResult`: a JSON-able ``summary`` (goes into ``results.json``),
``tables`` (name -> pandas DataFrame, written as CSV), ``figures`` (name -> matplotlib Figure, written
as PNG and SVG), ``animations`` (name -> GIF bytes, written as .gif and embedded), an HTML ``section`` body, the citation keys it used and its simulator ``predictions``
(written to the study's ``[database]`` by the runner). Stages never write files
themselves; the runner does, atomically.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Stage", "StageContext", "StageResult", "stage", "all_stages"]


@dataclass
class StageContext:
    """What a stage receives: the parsed study, its own options table, and where outputs go.

    Parameters
    ----------
    study : Study
        The parsed study (:func:`lisse.pipeline.study.load_study`).
    options : dict
        The stage's own options table (typed SI values once ``validated``).
    out_dir : pathlib.Path
        Output folder of the run.
    progress : bool, default True
        Whether the stage may report progress.
    results : dict, optional
        Summaries of the stages that already ran (name -> summary dict).
    validated : bool, default False
        True when ``options`` were already checked against the stage's schema.
    """

    study: Any
    options: dict
    out_dir: Path
    progress: bool = True
    #: Summaries of the stages that already ran (name -> summary dict), for stages that build on others.
    results: dict = field(default_factory=dict)
    #: True when ``options`` were already checked against the stage's schema (typed values); a stage
    #: called with raw options (``validated=False``) checks them itself first.
    validated: bool = False


@dataclass
class StageResult:
    """What a stage returns; the runner writes it (atomically) and puts it in the report.

    Parameters
    ----------
    summary : dict, optional
        JSON-able summary, written into ``results.json`` (keys carry their unit as suffix).
    tables : dict of str to pandas.DataFrame, optional
        Tables, written as CSV, by name.
    figures : dict of str to matplotlib.figure.Figure, optional
        Figures, written as PNG (and SVG), by name.
    html : str, default ""
        The report section body (:class:`~lisse.report.html.Markup`; a plain ``str`` is escaped).
    citations : set of str, optional
        Citation keys (:mod:`lisse.citations`) the stage used.
    figure_captions : dict of str to str, optional
        Caption per figure name.
    predictions : list of dict, optional
        Simulator predictions for the study's results database (rows of its ``predictions`` table:
        ``source``, ``quantity``, ``value``, ``unit``, ``kind``, ``parameters_json``, and ``cell``, a cell
        name linked when the database knows it). The runner writes them; stages never write files.
    animations : dict of str to bytes, optional
        Animated GIFs (the bytes of the file), by name: written as ``figures/<stage>_<name>.gif`` and
        embedded in the report after the figures, captioned from ``figure_captions``.
    """

    summary: dict = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    html: str = ""
    citations: set[str] = field(default_factory=set)
    figure_captions: dict[str, str] = field(default_factory=dict)
    predictions: list[dict] = field(default_factory=list)
    animations: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Stage:
    """A registered stage of ``lisse evaluate`` (made by :func:`stage`).

    Parameters
    ----------
    name : str
        Stage name (unique).
    func : callable
        ``func(ctx: StageContext) -> StageResult``, checking raw options first.
    title : str
        Human title (report section heading).
    section : str or None
        The study-file table the stage owns.
    order : int
        Run order index (ascending; ties by name).
    needs : tuple of str
        Study tables that must be present for the stage to run.
    optional_deps : tuple of str
        Importable packages the stage needs; missing ones skip the stage.
    applies : callable, optional
        ``applies(study) -> str | None``; a returned string is a skip reason.
    schema : mapping, optional
        ``{key: OptionSpec or ParamSpec}`` of the section's options (:mod:`lisse.params`).
    check : callable, optional
        Check across keys of the typed options; raises ParameterError.
    cell_keyed : tuple of str
        Options that are tables keyed by the names of the study's ``[[cells]]`` (checked when the study loads:
        :func:`check_cell_names`).
    """

    name: str
    func: Callable[[StageContext], StageResult]
    title: str
    section: str | None
    order: int
    needs: tuple[str, ...]
    optional_deps: tuple[str, ...]
    applies: Callable[[Any], str | None] | None = None
    schema: Mapping[str, Any] = field(default_factory=dict)
    #: Optional check across keys of the typed options (e.g. "i_min < i_max"); raises ParameterError.
    check: Callable[[dict], None] | None = None
    cell_keyed: tuple[str, ...] = ()

    def check_cell_names(self, options: Mapping[str, Any], cells: Any) -> None:
        """Refuse a :attr:`cell_keyed` table naming a cell the study does not have (a misspelled name is ignored otherwise).

        Parameters
        ----------
        options : mapping
            The section's options.
        cells : list of dict
            The study's ``[[cells]]`` tables.

        Raises
        ------
        ParameterError
            A key of such a table is not the name of one of ``cells``.
        """
        from lisse.errors import ParameterError

        # an unnamed cell is 'cell K' (its 1-based place), as the study loader names it
        names = {str(c.get("name", f"cell {i + 1}")) for i, c in enumerate(cells or []) if isinstance(c, dict)}
        for key in self.cell_keyed:
            unknown = sorted(set(options.get(key) or {}) - names)
            if unknown:
                raise ParameterError(f"[{self.section}] {key}: expected names of the study's [[cells]] "
                                     f"({', '.join(sorted(names)) or 'none'}); found {', '.join(repr(u) for u in unknown)}")

    def check_options(self, options: Mapping[str, Any] | None) -> dict:
        """The section's options checked against :attr:`schema` and typed.

        Parameters
        ----------
        options : mapping or None
            The raw options table from the study file (None = empty).

        Returns
        -------
        dict
            Typed options: SI floats for quantities, defaults filled in.

        Raises
        ------
        ParameterError
            An unknown key, a wrong type or unit, or a value out of range.
        """
        from lisse.params import validate_options

        return validate_options(self.schema, options or {}, f"[{self.section or self.name}]")


_REGISTRY: dict[str, Stage] = {}


def stage(
    name: str,
    *,
    title: str,
    section: str | None = None,
    order: int = 100,
    needs: tuple[str, ...] = (),
    optional_deps: tuple[str, ...] = (),
    applies: Callable[[Any], str | None] | None = None,
    schema: Mapping[str, Any] | None = None,
    check: Callable[[dict], None] | None = None,
    cell_keyed: tuple[str, ...] = (),
) -> Callable[[Callable[[StageContext], StageResult]], Callable[[StageContext], StageResult]]:
    """Register a stage function (decorator).

    Parameters
    ----------
    name : str
        Stage name (unique; key in ``results.json``).
    title : str
        Human title (report section heading).
    section : str, optional
        The study-file table the stage owns (its options).
    order : int, default 100
        Run order index (ascending).
    needs : tuple of str, default ()
        Study tables that must be present for the stage to run.
    optional_deps : tuple of str, default ()
        Importable packages the stage needs; when one is missing the stage is skipped.
    applies : callable, optional
        ``applies(study) -> str | None``; a returned string is a skip reason.
    schema : mapping, optional
        ``{key: OptionSpec or ParamSpec}`` of the section's options.
    check : callable, optional
        Check across keys of the typed options; raises ParameterError.
    cell_keyed : tuple of str, default ()
        Options that are tables keyed by cell names (:meth:`Stage.check_cell_names`).

    Returns
    -------
    callable
        The decorator; it registers the function and returns a wrapper that checks raw options first.
    """

    def deco(func: Callable[[StageContext], StageResult]) -> Callable[[StageContext], StageResult]:
        @functools.wraps(func)
        def checked(ctx: StageContext) -> StageResult:
            if not ctx.validated:
                opts = _REGISTRY[name].check_options(ctx.options)
                if check is not None:
                    check(opts)
                ctx = dataclasses.replace(ctx, options=opts, validated=True)
            _REGISTRY[name].check_cell_names(ctx.options, (ctx.study or {}).get("cells") if isinstance(ctx.study, dict) else None)
            return func(ctx)

        _REGISTRY[name] = Stage(name, checked, title, section, order, tuple(needs), tuple(optional_deps), applies, dict(schema or {}), check,
                                tuple(cell_keyed))
        return checked

    return deco


def all_stages() -> list[Stage]:
    """Every registered stage, in run order (imports the stage modules on first call).

    Returns
    -------
    list of Stage
        Sorted by ``(order, name)``.
    """
    import lisse.pipeline.stages as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"lisse.pipeline.stages.{info.name}")
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.name))
