"""Lazy public names for lisse's subpackages (PEP 562).

A subpackage's ``__init__`` lists its public names and the submodule each lives in; the submodule is
imported the first time one of its names is used, so ``import lisse.io`` stays as cheap as before
while ``lisse.io.read_cycling`` works. Each ``__init__`` also imports the same names under
``TYPE_CHECKING`` so type checkers and IDEs see them, and lists them in a literal ``__all__``;
``tests/test_public_api.py`` checks that the three lists agree and that every name resolves.
"""

from __future__ import annotations

import sys

# typing (with the collections, re and enum modules it imports) would be most of the cost of `import lisse`;
# annotations are strings here (PEP 563), so the names are needed by type checkers only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


def attach(
    package: str, names: Mapping[str, str], submodules: tuple[str, ...] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module ``__getattr__`` and ``__dir__`` for a package with lazily imported names.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : mapping of str to str
        Public name -> submodule (relative to ``package``) that defines it, e.g.
        ``{"read_cycling": "readers"}``.
    submodules : tuple of str
        Subpackages or modules reachable as attributes (``lisse.analysis.eis``) without being imported
        by the package itself.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)`` to assign at module level. The package also spells out ``__all__``
        as a literal list (type checkers, linters and Sphinx read it without running the package).
    """

    def __getattr__(name: str) -> Any:
        import importlib

        if name in names:
            value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
            setattr(sys.modules[package], name, value)  # later look-ups skip __getattr__
            return value
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(names) | set(submodules))

    return __getattr__, __dir__


def deprecated_aliases(module: str, aliases: Mapping[str, str], removed_in: str) -> Callable[[str], Any]:
    """Module ``__getattr__`` that keeps old public names working for one release, with a warning.

    Parameters
    ----------
    module : str
        The module's ``__name__``.
    aliases : mapping of str to str
        Old name -> new name (both in ``module``).
    removed_in : str
        The release that removes the old names (said in the warning).

    Returns
    -------
    callable
        ``__getattr__`` to assign at module level: ``module.old`` returns ``module.new`` and emits a
        :class:`DeprecationWarning`. Old names are not in ``__all__``, so introspection sees one name per
        function.
    """

    def __getattr__(name: str) -> Any:
        if name in aliases:
            import warnings

            new = aliases[name]
            warnings.warn(
                f"{module}.{name} is deprecated and will be removed in lisse {removed_in}; use {module}.{new}",
                DeprecationWarning,
                stacklevel=2,
            )
            return getattr(sys.modules[module], new)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
