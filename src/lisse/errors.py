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
    "CellTypeError",
    "OutputError",
    "TaskError",
    "TaskInputError",
    "OPTIONAL_PACKAGES",
    "require",
    "requires",
    "DataValidityError",
    "missing_dependency",
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


class DataValidityError(ValueError, LisseError):
    """The data fail a validity test that an analysis depends on (e.g. a spectrum whose Kramers-Kronig
    verdict is "fail" given to the DRT or a circuit fit); the message names the override."""


class CellTypeError(ValueError, LisseError):
    """A record is not the kind of cell an analysis can judge (e.g. ``ccd`` given a full-cell record).

    Attributes
    ----------
    kind : str
        The detected cell type (one of :data:`lisse.analysis.cell_type.CELL_TYPES`).
    reason : str
        The rule that decided, with the measured numbers.
    analysis : str
        The analysis that refused the record.
    override : str
        How to state the cell type when the classifier is wrong (e.g. ``"--cell-type symmetric"``).
    source : str or None
        The file the record came from (named first in the message).
    """

    #: Human names of the cell types, for messages ("detected a full cell").
    LABELS = {"empty": "an empty record", "impedance": "an impedance record", "rest": "a rest-only record",
               "symmetric": "a symmetric cell", "ccd": "a symmetric-cell CCD staircase", "fullcell": "a full cell"}

    def __init__(self, kind: str, reason: str, analysis: str, override: str = "cell_type='symmetric'",
                 source: str | None = None) -> None:
        self.kind, self.reason, self.analysis, self.override, self.source = kind, reason, analysis, override, source
        label = self.LABELS.get(kind, kind)
        where = f"{source}: " if source else ""
        super().__init__(f"{where}detected {label} ({reason}) \u2014 {analysis} needs a symmetric-cell record "
                         f"(if it is one, say so with {override})")

    def __reduce__(self):
        return (type(self), (self.kind, self.reason, self.analysis, self.override, self.source))


class OutputError(OSError, LisseError):
    """A file or folder cannot be written: permission denied, read-only file system, disk full, or a
    file where a folder is expected (or the reverse).

    Subclasses :class:`OSError` (the builtin it refines); ``filename`` is the path that failed.
    """

    def __init__(self, message: str, filename: object | None = None, errno: int | None = None) -> None:
        super().__init__(errno, message, None if filename is None else str(filename))
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        return (type(self), (self.message, self.filename, self.errno))

    @classmethod
    def from_oserror(cls, exc: OSError, path: object | None = None, action: str = "write") -> OutputError:
        """An :class:`OutputError` naming ``path`` (default: the path in ``exc``) and the system's reason."""
        where = path if path is not None else (exc.filename if exc.filename is not None else "?")
        reason = exc.strerror or str(exc) or type(exc).__name__
        return cls(f"cannot {action} '{where}': {reason}", where, exc.errno)


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

    def __reduce__(self):  # picklable (an error raised in a worker process travels back whole)
        return (type(self), (self.package, self.feature, self.extra))


class TaskError(RuntimeError):
    """A task run through :mod:`lisse.parallel` raised an exception that could not be carried back whole
    (it did not pickle), or the task could not be run at all (its worker died, its item did not pickle).

    A bug, not a problem with the input: the message names the original exception type and carries its
    traceback text. See :class:`TaskInputError` for a :class:`LisseError` that could not be carried back.
    """


class TaskInputError(TaskError, LisseError):
    """A task run through :mod:`lisse.parallel` raised a :class:`LisseError` that could not be carried back whole."""


#: Optional packages (top-level import names) and the lisse extra that installs each.
OPTIONAL_PACKAGES: dict[str, str] = {
    "ase": "atomistic",
    "pymatgen": "atomistic",
    "chgnet": "atomistic",
    "torch": "atomistic",
    "sevenn": "sevennet",
    "fastnda": "readers",
    "pyamg": "sim",
    "dask": "distributed",
    "distributed": "distributed",
    "openpyxl": "test",
}


def require(package: str, feature: str, extra: str | None = None):
    """Import and return an optional dependency, or raise :class:`MissingDependencyError`.

    ``extra`` defaults to the lisse extra that installs ``package`` (:data:`OPTIONAL_PACKAGES`).
    """
    import importlib

    try:
        return importlib.import_module(package)
    except ImportError as exc:
        raise MissingDependencyError(package, feature, extra or OPTIONAL_PACKAGES.get(package.split(".")[0])) from exc


def requires(*packages: str, feature: str | None = None):
    """Decorator: check that the optional ``packages`` import before the function runs.

    A missing one raises :class:`MissingDependencyError` with the ``pip install 'lisse[extra]'`` command,
    instead of a bare ``ModuleNotFoundError`` from deep inside the call.
    """
    import functools

    def deco(fn):
        what = feature or f"{fn.__module__.removeprefix('lisse.')}.{fn.__name__}"

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for pkg in packages:
                require(pkg, what)
            return fn(*args, **kwargs)

        return wrapper

    return deco


def missing_dependency(exc: BaseException, feature: str = "this command") -> MissingDependencyError | None:
    """The :class:`MissingDependencyError` for a ``ModuleNotFoundError`` of a known optional package, else None."""
    name = getattr(exc, "name", None)
    if not isinstance(exc, ImportError) or not name:
        return None
    top = name.split(".")[0]
    if top not in OPTIONAL_PACKAGES:
        return None
    return MissingDependencyError(top, feature, OPTIONAL_PACKAGES[top])
