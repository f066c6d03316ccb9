"""lisse: Li | solid-state electrolyte interface engineering.

``import lisse`` has no side effects and imports no heavy library; submodules are loaded on first
attribute access (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import Any

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    if name in {"materials", "cell", "thermo", "sim", "analysis", "atomistic", "io", "plot", "report", "units", "params", "citations"}:
        return importlib.import_module(f"lisse.{name}")
    raise AttributeError(f"module 'lisse' has no attribute '{name}'")
