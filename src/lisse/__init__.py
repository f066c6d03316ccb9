"""lisse: Li | solid-state electrolyte interface engineering.

``import lisse`` has no side effects and imports no heavy library; submodules are loaded on first
attribute access (PEP 562).
"""

from __future__ import annotations

from lisse.errors import (
    ConvergenceError,
    LisseError,
    MissingDependencyError,
    NotImplementedFeatureError,
    ParameterError,
    ReaderError,
    UnitError,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "LisseError",
    "ParameterError",
    "UnitError",
    "ReaderError",
    "ConvergenceError",
    "MissingDependencyError",
    "NotImplementedFeatureError",
    "get_material",
    "CellDesign",
]

_LAZY = {
    "get_material": ("lisse.materials", "get_material"),
    "CellDesign": ("lisse.cell", "CellDesign"),
}


_SUBPACKAGES = frozenset({
    "analysis", "atomistic", "cell", "citations", "constants", "electrochem", "errors", "io", "materials", "parallel",
    "params", "pipeline", "plot", "records", "report", "sim", "thermo", "units",
})


def __getattr__(name: str) -> object:
    import importlib

    if name in _LAZY:
        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    if name in _SUBPACKAGES:
        return importlib.import_module(f"lisse.{name}")
    raise AttributeError(f"module 'lisse' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBPACKAGES)
