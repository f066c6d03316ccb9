"""Every public callable of the io, sim, atomistic, thermo, pipeline, report and parallel packages has a numpydoc
docstring whose ``Parameters`` section documents every parameter (with a unit for numeric quantities) and whose
``Returns`` section documents what it returns (issue 16, item 3: the API reference is generated from these).

The independent reference is numpydoc's own validator (``numpydoc.validate.validate``), the tool the Sphinx API
reference uses: it compares each docstring with the callable's real signature.

Public means: the names in a module's ``__all__`` (or, where a module has none, the names not starting with ``_``)
that are *defined* in that module (re-exports are checked where they are defined), and the public methods of those
classes (including static and class methods; ``__init__`` is documented in the class docstring, as numpydoc wants).
Modules whose own name starts with ``_`` are private. ``lisse.batch`` and ``lisse.io.resultsdb`` are checked with
their own package's tests.

Unit heuristic (stated, not perfect): a parameter is a *numeric quantity* when its documented type mentions
``float``, ``int``, ``complex``, ``ndarray``/``array``/``ArrayLike`` or ``Quantity`` and not ``bool`` (flags and boolean masks are not quantities).
Its type or description (and likewise a numeric return value's) must then name a unit: a bracketed unit such as ``[K]``, ``[A m-2]`` or ``[-]``, "SI", or one of the words
"dimensionless", "unitless", "count", "number of", "index", "indices", "seed" or "fraction". By convention of this code base
a physical quantity is written PyBaMM-style with its SI unit in square brackets ("Temperature [K]"). A keyword that
names its unit (``temperature_K``, ``asr_bulk_ohm_m2``: the team's rule "SI unless the keyword names its unit") passes.

References: a callable that calls ``lisse.citations.register("Key")`` implements that paper, so its ``References``
section names it (by DOI or the first author's surname, as :mod:`lisse.citations` records it).

Raises heuristic: every :class:`~lisse.errors.LisseError` subclass that a callable raises *itself* (a ``raise`` statement
in its own body, or in ``__init__``/``__post_init__`` for a class) is named in its ``Raises`` section. Errors that
propagate from the functions it calls are not required (the AST cannot see them).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import textwrap
import types

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

PACKAGES = ("lisse.batch", "lisse.io", "lisse.sim", "lisse.atomistic", "lisse.thermo", "lisse.pipeline", "lisse.report", "lisse.parallel")
SKIP_MODULES: tuple[str, ...] = ()
# numpydoc codes that mean an incomplete or malformed API entry (the same set as test_docstrings_core): no docstring
# (GL08), no one-line summary (SS01, SS06), an unknown or misordered section (GL06, GL07), a parameter undocumented
# (PR01), unknown (PR02), out of order (PR03), without a type (PR04), without a description (PR07) or malformed
# (PR10), nothing said about the return value (RT01, RT02, RT03), a generator without Yields (YD01)
REQUIRED_CODES = ("GL08", "SS01", "SS06", "GL06", "GL07", "PR01", "PR02", "PR03", "PR04", "PR07", "PR10", "RT01", "RT02", "RT03",
                  "YD01")
_NUMERIC_TYPE = re.compile(r"\b(float|int|complex|ndarray|array|arraylike|array_like|quantity|number)\b", re.IGNORECASE)
_UNIT_MENTION = re.compile(
    r"\[[^\]]+\]|\bSI\b|\bdimensionless\b|\bunitless\b|\bcount\b|\bnumber of\b|\bindex\b|\bindices\b|\bseed\b|\bfraction\b",
    re.IGNORECASE,
)


_UNIT_TOKENS = frozenset(
    "m m2 m3 cm cm2 cm3 mm um nm s h min V mV K A mA J eV Ry Pa kPa MPa GPa deg rad S C mol g mg kg Hz W Wh mAh ohm per".split()
)


def _name_names_unit(name: str) -> bool:
    """True for keywords that carry their unit as a suffix (``temperature_K``, ``asr_bulk_ohm_m2``, ``v_cutoff_V``)."""
    parts = name.lstrip("*").split("_")
    return any(all(t in _UNIT_TOKENS for t in parts[k:]) and parts[k] != "per" for k in range(1, len(parts)))


def _modules() -> list[types.ModuleType]:
    mods = []
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(pkg_name)
        mods.append(pkg)
        if not hasattr(pkg, "__path__"):
            continue
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg_name + "."):
            name = info.name
            if any(part.startswith("_") for part in name.split(".")) or name.startswith(SKIP_MODULES):
                continue
            mods.append(importlib.import_module(name))
    return mods


def _public_names(mod: types.ModuleType) -> list[str]:
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in vars(mod) if not n.startswith("_")]
    return list(names)


def _is_own(obj: object, mod: types.ModuleType) -> bool:
    return getattr(obj, "__module__", None) == mod.__name__


def public_callables() -> list[str]:
    """Import paths (``module.name`` or ``module.Class.method``) of every public function, class and method."""
    out: list[str] = []
    seen: set[int] = set()
    for mod in _modules():
        for name in _public_names(mod):
            obj = getattr(mod, name, None)
            if obj is None or id(obj) in seen or not _is_own(obj, mod):
                continue
            if inspect.isfunction(obj):
                seen.add(id(obj))
                out.append(f"{mod.__name__}.{name}")
            elif inspect.isclass(obj):
                seen.add(id(obj))
                out.append(f"{mod.__name__}.{name}")
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(member, (staticmethod, classmethod)):
                        member = member.__func__
                    if inspect.isfunction(member):
                        out.append(f"{mod.__name__}.{name}.{attr}")
    return sorted(set(out))


def _returns_something(path: str) -> bool:
    obj = numpydoc_validate.Validator._load_obj(path)
    if inspect.isclass(obj):
        return False
    try:
        ann = inspect.signature(obj).return_annotation
    except (TypeError, ValueError):
        return True
    return ann not in ("None", None, "NoReturn", "Iterator[None]")


def problems(path: str) -> list[str]:
    """numpydoc's errors in ``REQUIRED_CODES`` for ``path`` (RT01/RT03 only where something is returned), and its parse warnings."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = numpydoc_validate.validate(path)
    obj = numpydoc_validate.Validator._load_obj(path)
    protocol = inspect.isclass(obj) and getattr(obj, "_is_protocol", False)
    out = []
    for code, msg in res["errors"]:
        if code not in REQUIRED_CODES:
            continue
        if protocol and code in ("PR01", "PR02"):  # a Protocol's constructor (*args, **kwargs) is not part of its API
            continue
        if code in ("RT01", "RT03") and not _returns_something(path):
            continue
        if code in ("RT01", "RT03") and path.rsplit(".", 1)[-1].startswith("__"):
            continue
        out.append(f"{code} {msg}")
    # a mis-underlined or unknown section: numpydoc warns, and a ``sphinx -W`` docs build fails on it
    out += [f"numpydoc warning: {w.message}" for w in caught if "numpydoc" in str(w.filename)]
    return out


def unit_problems(path: str) -> list[str]:
    """Numeric parameters and return values whose description names no unit (the heuristic in the module docstring)."""
    res = numpydoc_validate.validate(path)
    if res["docstring"] is None or not res["docstring"]:
        return []
    doc = numpydoc_validate.Validator(numpydoc_validate.get_doc_object(numpydoc_validate.Validator._load_obj(path)))
    out = []
    for pname, (ptype, pdesc) in doc.doc_parameters.items():
        if "bool" in ptype.lower():  # flags and masks are not quantities
            continue
        if _name_names_unit(pname):
            continue
        if _NUMERIC_TYPE.search(ptype) and not _UNIT_MENTION.search(ptype + " " + " ".join(pdesc)):
            out.append(f"{pname} : {ptype} names no unit")
    for ret in doc.doc["Returns"]:
        rtype = ret.type or ret.name
        if "bool" in rtype.lower() or _name_names_unit(ret.name or ""):
            continue
        if _NUMERIC_TYPE.search(rtype) and not _UNIT_MENTION.search(rtype + " " + " ".join(ret.desc)):
            out.append(f"returns {rtype} naming no unit")
    return out


CALLABLES = public_callables()


def test_inventory_is_not_empty() -> None:
    # guards against the walk silently finding nothing (e.g. a renamed package)
    assert len(CALLABLES) > 100
    assert "lisse.parallel.run_tasks" in CALLABLES


@pytest.mark.parametrize("path", CALLABLES)
def test_parameters_and_returns_documented(path: str) -> None:
    found = problems(path)
    assert not found, f"{path}: " + "; ".join(found)


def public_properties() -> list[str]:
    """``module.Class.name`` of every public property of the public classes."""
    out = []
    for path in CALLABLES:
        obj = numpydoc_validate.Validator._load_obj(path)
        if inspect.isclass(obj):
            out += [f"{path}.{n}" for n, m in vars(obj).items() if isinstance(m, property) and not n.startswith("_")]
    return out


def test_public_properties_have_a_docstring() -> None:
    # a property's docstring is its API entry: it must say what the value is (and its unit)
    missing = [p for p in public_properties() if not (numpydoc_validate.Validator._load_obj(p.rsplit(".", 1)[0]).__dict__[p.rsplit(".", 1)[1]].__doc__ or "").strip()]
    assert not missing, missing


def _lisse_errors() -> set[str]:
    import lisse.errors as errors

    return {n for n, c in vars(errors).items() if inspect.isclass(c) and issubclass(c, errors.LisseError)}


def raises_problems(path: str) -> list[str]:
    """LisseError subclasses raised directly in the callable's body but not named in its Raises section."""
    obj = numpydoc_validate.Validator._load_obj(path)
    funcs = [getattr(obj, m) for m in ("__init__", "__post_init__") if m in vars(obj)] if inspect.isclass(obj) else [obj]
    known = _lisse_errors()
    raised: set[str] = set()
    for fn in funcs:
        try:
            top = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(fn)))).body[0]
        except (OSError, TypeError):
            continue
        for node in ast.walk(top):
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                name = exc.id if isinstance(exc, ast.Name) else getattr(exc, "attr", None)
                if name in known:
                    raised.add(name)
    if not raised:
        return []
    doc = numpydoc_validate.Validator(numpydoc_validate.get_doc_object(obj))
    documented = " ".join(f"{e.name} {e.type}" for e in doc.doc["Raises"])
    return sorted(f"raises {r} but its Raises section does not name it" for r in raised if r not in documented)


@pytest.mark.parametrize("path", CALLABLES)
def test_raised_lisse_errors_documented(path: str) -> None:
    found = raises_problems(path)
    assert not found, f"{path}: " + "; ".join(found)


def _registered_keys(fn: object) -> list[str]:
    """Citation keys passed as string literals to ``register(...)`` in the callable's own source."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(fn))))
    except (OSError, TypeError):
        return []
    return [a.value for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "register"
            for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


@pytest.mark.parametrize("path", CALLABLES)
def test_cited_code_names_its_papers(path: str) -> None:
    # Code that registers a citation when it runs implements that paper: its References section names each paper
    # by DOI or first author's surname, as lisse.citations (the independent record here) has it.
    from lisse.citations import get

    obj = numpydoc_validate.Validator._load_obj(path)
    keys = [] if inspect.isclass(obj) else _registered_keys(obj)
    if not keys:
        return
    doc = inspect.getdoc(obj) or ""
    assert "References\n----------" in doc, f"{path} registers {keys} but has no References section"
    refs = doc.split("References\n----------", 1)[1].lower()
    for key in keys:
        cit = get(key)
        surname = re.split(r"[,;\s]", cit.authors.strip())[0].lower()
        assert (cit.doi and cit.doi.lower() in refs) or surname in refs, f"{path}: References do not name {key} ({cit.authors})"


@pytest.mark.parametrize("path", CALLABLES)
def test_numeric_parameters_name_a_unit(path: str) -> None:
    found = unit_problems(path)
    assert not found, f"{path}: " + "; ".join(found)


def test_checker_catches_an_undocumented_parameter() -> None:
    # the validator itself, on a function written to fail, so a broken checker cannot pass everything
    import sys

    mod = types.ModuleType("lisse_doccheck_probe")

    def f(temperature: float, n: int) -> float:
        """Summary line.

        Parameters
        ----------
        temperature : float
            The temperature.
        """
        return temperature * n

    f.__module__ = mod.__name__
    mod.f = f  # type: ignore[attr-defined]
    sys.modules[mod.__name__] = mod
    try:
        codes = problems("lisse_doccheck_probe.f")
        assert any(c.startswith("PR01") for c in codes)
        assert any(c.startswith("RT01") for c in codes)
        assert unit_problems("lisse_doccheck_probe.f") == ["temperature : float names no unit"]
        assert _name_names_unit("temperature_K") and _name_names_unit("asr_bulk_ohm_m2") and _name_names_unit("drift_per_C_m2")
        assert not _name_names_unit("n_steps") and not _name_names_unit("seed")
    finally:
        del sys.modules[mod.__name__]
