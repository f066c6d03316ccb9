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
    """The data fail a validity test that an analysis depends on; the message names the override.

    Example: a spectrum whose Kramers-Kronig verdict is "fail" given to the DRT or a circuit fit.
    """


class CellTypeError(ValueError, LisseError):
    """A record is not the kind of cell an analysis can judge (e.g. ``ccd`` given a full-cell record).

    Parameters
    ----------
    kind : str
        The detected cell type (one of :data:`lisse.analysis.cell_type.CELL_TYPES`); stored as ``self.kind``.
    reason : str
        The rule that decided, with the measured numbers; stored as ``self.reason``.
    analysis : str
        The analysis that refused the record; stored as ``self.analysis``.
    override : str, default "cell_type='symmetric'"
        How to state the cell type when the classifier is wrong (e.g. ``"--cell-type symmetric"``). Not suggested for a
        record no override can make analysable (:attr:`NOT_OVERRIDABLE`: no rows, no current, an impedance record);
        the message says what to check instead.
    source : str or None, optional
        The file the record came from (named first in the message).
    needs : str, default "a symmetric-cell record"
        What the analysis needs (e.g. ``"a potential sweep (LSV or CV)"``).
    """

    #: Human names of the cell types, for messages ("detected a full cell").
    LABELS = {"empty": "an empty record", "impedance": "an impedance record", "rest": "a rest-only record",
               "symmetric": "a symmetric cell", "ccd": "a symmetric-cell CCD staircase", "fullcell": "a full cell"}

    #: Cell types no override can make analysable, with what to check instead: a classifier can be wrong about a full
    #: or symmetric cell, but a record without rows or current, or an impedance record, has nothing a cycling analysis
    #: could use (stating it is a symmetric cell only moves the refusal further in).
    NOT_OVERRIDABLE = {
        "empty": "no cell-type override applies to a record without rows: check the file",
        "rest": "no cell-type override applies to a record with no current to analyse: check that it is the file you meant and "
                "that its current column was read",
        "impedance": "no cell-type override applies to impedance data: analyse it as a spectrum",
    }

    def __init__(self, kind: str, reason: str, analysis: str, override: str = "cell_type='symmetric'",
                 source: str | None = None, needs: str = "a symmetric-cell record") -> None:
        self.kind, self.reason, self.analysis, self.override, self.source = kind, reason, analysis, override, source
        self.needs = needs
        label = self.LABELS.get(kind, kind)
        where = f"{source}: " if source else ""
        hint = self.NOT_OVERRIDABLE.get(kind, f"if it is one, say so with {override}")
        super().__init__(f"{where}detected {label} ({reason}) \u2014 {analysis} needs {needs} ({hint})")

    def __reduce__(self):
        return (type(self), (self.kind, self.reason, self.analysis, self.override, self.source, self.needs))


class OutputError(OSError, LisseError):
    """A file or folder cannot be written (permission, read-only file system, disk full, file/folder clash).

    Subclasses :class:`OSError` (the builtin it refines); ``filename`` is the path that failed.

    Parameters
    ----------
    message : str
        The whole message (what could not be written, and the system's reason); ``str(err)`` returns it.
    filename : path-like or None, optional
        The path that failed, stored (as ``str``) in ``OSError.filename``.
    errno : int or None, optional
        The system error code (dimensionless), if one is known (``OSError.errno``).
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
        """Build an :class:`OutputError` from an ``OSError``, naming the path and the system's reason.

        Parameters
        ----------
        exc : OSError
            The error raised by the operating system.
        path : path-like or None, optional
            The path to name in the message; default: ``exc.filename`` (``"?"`` if that is unset too).
        action : str, default "write"
            The verb for the message (``"cannot {action} '{path}': {reason}"``).

        Returns
        -------
        OutputError
            The error, with ``errno`` taken from ``exc``; the caller raises it (``raise ... from exc``).
        """
        where = path if path is not None else (exc.filename if exc.filename is not None else "?")
        reason = exc.strerror or str(exc) or type(exc).__name__
        return cls(f"cannot {action} '{where}': {reason}", where, exc.errno)


class NotImplementedFeatureError(NotImplementedError, LisseError):
    """The requested feature is known but not implemented yet."""


class MissingDependencyError(ImportError, LisseError):
    """An optional dependency needed for this feature is not installed.

    Parameters
    ----------
    package : str
        Top-level import name of the missing package (e.g. ``"ase"``).
    feature : str
        What needs it, for the message (e.g. ``"atomistic.relax"``).
    extra : str or None, optional
        The lisse extra that installs it; the message then says ``pip install 'lisse[extra]'``, otherwise
        ``pip install package``.
    """

    def __init__(self, package: str, feature: str, extra: str | None = None) -> None:
        hint = f"pip install 'lisse[{extra}]'" if extra else f"pip install {package}"
        super().__init__(f"{feature} needs the optional package '{package}', which is not installed; install it with: {hint}")
        self.package = package
        self.feature = feature
        self.extra = extra

    def __reduce__(self):  # picklable (an error raised in a worker process travels back whole)
        return (type(self), (self.package, self.feature, self.extra))


class TaskError(RuntimeError):
    """A task of :mod:`lisse.parallel` failed and its exception could not be carried back whole.

    Its exception did not pickle, or the task could not be run at all (its worker died, its item did not
    pickle). A bug, not a problem with the input: the message names the original exception type and carries its
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
    "jax": "gpu",
    "cupy": "gpu",
}


def require(package: str, feature: str, extra: str | None = None):
    """Import and return an optional dependency, or raise :class:`MissingDependencyError`.

    Parameters
    ----------
    package : str
        Import name (dotted names allowed, e.g. ``"ase.io"``).
    feature : str
        What needs the package, for the error message.
    extra : str or None, optional
        The lisse extra that installs it; default: looked up in :data:`OPTIONAL_PACKAGES` from the top-level name.

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    MissingDependencyError
        If the import fails; the message carries the install command.
    """
    import importlib

    try:
        return importlib.import_module(package)
    except ImportError as exc:
        raise MissingDependencyError(package, feature, extra or OPTIONAL_PACKAGES.get(package.split(".")[0])) from exc


def requires(*packages: str, feature: str | None = None):
    """Make a decorator that checks that the optional ``packages`` import before the function runs.

    A missing one raises :class:`MissingDependencyError` with the ``pip install 'lisse[extra]'`` command,
    instead of a bare ``ModuleNotFoundError`` from deep inside the call.

    Parameters
    ----------
    *packages : str
        Import names of the optional packages the decorated function needs.
    feature : str or None, optional
        What needs them, for the message; default: ``"<module>.<function>"`` of the decorated function
        (without the ``lisse.`` prefix).

    Returns
    -------
    callable
        The decorator; it returns a wrapper that calls :func:`require` for each package, then the function.
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
    """Translate a ``ModuleNotFoundError`` of a known optional package into a :class:`MissingDependencyError`.

    Parameters
    ----------
    exc : BaseException
        The caught exception.
    feature : str, default "this command"
        What needed the package, for the message.

    Returns
    -------
    MissingDependencyError or None
        The error to raise (with the install command), or None when ``exc`` is not an ``ImportError`` of a
        package listed in :data:`OPTIONAL_PACKAGES`.
    """
    name = getattr(exc, "name", None)
    if not isinstance(exc, ImportError) or not name:
        return None
    top = name.split(".")[0]
    if top not in OPTIONAL_PACKAGES:
        return None
    return MissingDependencyError(top, feature, OPTIONAL_PACKAGES[top])
