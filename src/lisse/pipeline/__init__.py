"""Studies to report folders: the ``lisse evaluate`` pipeline as a Python API.

The entry points are importable from here (loaded on first use, so ``import lisse.pipeline`` stays cheap):

* :func:`load_study` / :func:`parse_study` — a study TOML file (or text; None: the bundled default) to a
  validated study dict;
* :func:`evaluate` — run every applicable stage and write the report folder; returns the content of
  ``results.json``.

For example::

    from lisse.pipeline import evaluate, load_study

    results = evaluate(load_study(), "out")      # the bundled default study; no bars unless stderr is a terminal
    results["stages"]["cycling"]["status"]       # "ok", "skipped" or "error"
    results["stages"]["cycling"]["summary"]      # the stage's numbers

Each stage's entry is ``results["stages"][name]`` with ``status`` (``"ok"``, ``"skipped"``, ``"error"``),
``reason`` (when not ok), ``summary`` (the stage's numbers, JSON keys with unit suffixes such as
``ccd_mA_cm2``), ``files`` and ``citations``.
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would triple the cost of importing this package
if TYPE_CHECKING:
    from lisse.pipeline.evaluate import evaluate
    from lisse.pipeline.study import load_study, parse_study

__all__ = ["evaluate", "load_study", "parse_study"]

__getattr__, __dir__ = attach(
    __name__,
    {"evaluate": "evaluate", "load_study": "study", "parse_study": "study"},
)


def _keep_function_over_submodule() -> None:
    """``lisse.pipeline.evaluate`` is the function, although a submodule has the same name.

    Importing the submodule ``lisse.pipeline.evaluate`` (as ``from lisse.pipeline.evaluate import ...``
    does) makes the import system bind it as this package's attribute, hiding the function; this
    package's module type binds the submodule's function instead. ``sys.modules`` keeps the submodule.
    """
    import sys
    import types

    class _Package(types.ModuleType):
        def __setattr__(self, name: str, value: object) -> None:
            if name == "evaluate" and isinstance(value, types.ModuleType):
                value = value.evaluate
            super().__setattr__(name, value)

    sys.modules[__name__].__class__ = _Package


_keep_function_over_submodule()
