"""The lisse exception hierarchy.

Every error lisse raises on purpose derives from :class:`LisseError` and, where it refines a builtin
meaning, from that builtin too (pattern after ``pint.errors``), so ``except ValueError`` keeps working
for callers who do not know lisse.

Messages follow one shape: *what* (the parameter or file), *what was expected*, *what was found*.
"""

from __future__ import annotations

__all__ = [
    "LisseError",
    "ParameterError",
    "UnitError",
    "ReaderError",
    "ConvergenceError",
    "NotImplementedFeatureError",
    "MissingDependencyError",
    "CalculationError",
]


class LisseError(Exception):
    """Root of every error lisse raises deliberately."""


class ParameterError(ValueError, LisseError):
    """A parameter is missing, unknown, misspelled, non-finite or outside its physical range."""


class UnitError(ParameterError):
    """A quantity has the wrong dimensionality, or its unit cannot be parsed.

    Subclasses :class:`ParameterError` (and so ``ValueError``): a wrong unit is a bad parameter value.
    """


class ReaderError(ValueError, LisseError):
    """An input file is missing, empty, truncated, corrupt or of an unknown format."""


class ConvergenceError(RuntimeError, LisseError):
    """A numerical method ran but did not converge to the requested tolerance."""


class CalculationError(RuntimeError, LisseError):
    """A calculation ran but produced a result that fails a sanity check."""


class NotImplementedFeatureError(NotImplementedError, LisseError):
    """The requested feature is known but not implemented yet."""


class MissingDependencyError(ImportError, LisseError):
    """An optional dependency needed for this feature is not installed."""

    def __init__(self, package: str, feature: str, extra: str | None = None) -> None:
        hint = f"pip install 'lisse[{extra}]'" if extra else f"pip install {package}"
        super().__init__(f"{feature} needs the optional package '{package}', which is not installed; install it with: {hint}")
        self.package = package
        self.feature = feature
        self.extra = extra


def require(package: str, feature: str, extra: str | None = None):
    """Import and return an optional dependency, or raise :class:`MissingDependencyError`."""
    import importlib

    try:
        return importlib.import_module(package)
    except ImportError as exc:  # pragma: no cover - depends on environment
        raise MissingDependencyError(package, feature, extra) from exc
