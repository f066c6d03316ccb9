"""Every public function and method of the core packages has a complete numpydoc docstring (issue 16, item 3).

Public means: the names in a module's ``__all__`` (or, for a module without one, the names not starting
with ``_``), defined in lisse, and the public methods and properties of public classes. Each is checked with
:func:`numpydoc.validate.validate` (the validator the numpydoc Sphinx extension uses) for:

* GL08 no docstring, SS01/SS06 no one-line summary, GL06/GL07 unknown or misordered section, and any
  warning numpydoc's parser emits (it fails a ``sphinx -W`` build);
* PR01 a parameter not documented (parameters whose names start with ``_`` are private), PR02 a documented parameter that does not exist, PR03 wrong order,
  PR04 a parameter without a type, PR07 a parameter without a description, PR10 malformed ``name : type``;
* RT01 no ``Returns`` section where the code returns a value, RT02/RT03 a return value without its
  type or description; YD01 no ``Yields`` section for a generator.

Units (a heuristic, stated here so that it can be argued with): a documented parameter or return value
is a *numeric quantity* when its type names ``float``, ``int``, ``ndarray``/``array_like``/``array`` or
``Quantity`` (``bool`` alone is not). Its type and description must then either state a unit -- a unit
symbol after "in", "per" or "(" (``in K``, ``(Ω m²)``, ``in 1/h``), anything in square brackets (``[V]``,
``[decades]``), a symbol joined by ``/``, ``·``, ``^``, ``²``/``³``/``⁻`` (``A/m²``, ``mA cm⁻²``), a unit
word (seconds, kelvin, ...) or "in ``unit``" (the unit another parameter names) -- or say that the number
has none or is a count: "dimensionless", "unitless", "fraction", "ratio", "relative", "count", "number of",
"index", "seed", "multiple of", "standard deviations", "points", "bins", "decades", "same unit as", ...
The check is lenient on the form and strict on presence: a float without a stated unit fails.

Raises: a LisseError subclass the code raises itself (``raise ParameterError(...)`` in its body, or in a
class's ``__init__``/``__post_init__``) is named in the docstring's ``Raises`` section.

References: a public function that calls ``lisse.citations.register("Key")`` implements that paper, so
its docstring has a ``References`` section naming the paper by DOI or first author (as the registry has it).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
import warnings

import pytest

nv = pytest.importorskip("numpydoc.validate", reason="numpydoc is in the test and docs extras")

PACKAGES = ("lisse.analysis", "lisse.records", "lisse.cell", "lisse.electrochem", "lisse.units", "lisse.params",
            "lisse.materials", "lisse.errors", "lisse.citations", "lisse.constants")

#: numpydoc error codes that fail the test (see the module docstring).
REQUIRED = ("GL08", "SS01", "SS06", "GL06", "GL07", "PR01", "PR02", "PR03", "PR04", "PR07", "PR10", "RT01", "RT02", "RT03",
            "YD01")


def _modules(root: str):
    mod = importlib.import_module(root)
    yield mod
    if hasattr(mod, "__path__"):
        for info in pkgutil.walk_packages(mod.__path__, root + "."):
            if not info.name.rsplit(".", 1)[-1].startswith("_"):
                yield importlib.import_module(info.name)


def public_callables(roots=PACKAGES) -> list[str]:
    """Dotted names (defining module + qualname) of every public function, class, method and property."""
    seen: set[str] = set()
    names: list[str] = []
    for root in roots:
        for mod in _modules(root):
            exported = getattr(mod, "__all__", None)
            if exported is None:
                exported = [n for n in vars(mod) if not n.startswith("_")]
            for attr in exported:
                obj = getattr(mod, attr)
                if not (inspect.isfunction(inspect.unwrap(obj)) or inspect.isclass(obj)):  # unwrap: lru_cache
                    continue
                if not getattr(obj, "__module__", "").startswith("lisse."):
                    continue
                dotted = f"{obj.__module__}.{obj.__qualname__}"
                if dotted in seen:
                    continue
                seen.add(dotted)
                names.append(dotted)
                if inspect.isclass(obj):
                    for member, value in vars(obj).items():
                        if member.startswith("_"):
                            continue
                        fn = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
                        if inspect.isfunction(inspect.unwrap(fn)) or isinstance(fn, (property, functools.cached_property)):
                            names.append(f"{dotted}.{member}")
    return names


NAMES = public_callables()

_NUMERIC_TYPE = re.compile(r"\b(float|int|ndarray|array_like|arraylike|array|quantity|usernumber)\b", re.IGNORECASE)
_UNIT = (r"(?:[kmMGTµμunpc]?(?:m|s|A|V|K|J|eV|Pa|Ω|ohm|S|mol|C|F|H|N|W|Wh|Ah|Hz|g|h|min|L)|°C|mAh|wt%|at%|%)")
_UNIT_RE = re.compile(
    rf"(?:\bin\s+|\bper\s+|\()\s*(?:1\s*/\s*)?{_UNIT}(?![A-Za-z])"  # "in K", "per s", "(Ω m²)"
    r"|\[[^\]]+\]"  # any bracketed unit: "[V]", "[decades]", "[1]"
    r"|\bin\s+``\w+``"  # "in ``unit``": the unit another parameter names
    rf"|{_UNIT}\s*(?:/|·|\^|[²³⁻¹])"  # "A/m²", "mA cm⁻²", "m^2"
    r"|(?i:\b(?:seconds?|hours?|minutes?|metres?|meters?|volts?|kelvin|amperes?|joules?|hertz|siemens|ohms?|pascals?"
    r"|electronvolts?|coulombs?|farads?|moles?|grams?|degrees?|radians?)\b)"
    r"|(?i:\b(?:dimensionless|unitless|no unit|fraction|ratio|relative|count|number of|index|indices|seed|percent"
    r"|same units? as|any unit|units? of|unit of|in the unit|si|multiplier|factor|exponent|digits|years?|decades?"
    r"|points?|bins?|steps?|cycles?|samples?|multiple of|standard (?:deviations?|errors?)|σ)\b)",
)


def _is_quantity(type_: str) -> bool:
    t = type_.strip().lower()
    return bool(_NUMERIC_TYPE.search(t)) and not re.fullmatch(r"bool(, optional)?", t)


def test_the_walk_finds_the_public_api():
    # A guard against the walk silently finding nothing (e.g. a renamed package).
    assert len(NAMES) > 150
    for expected in ("lisse.analysis.eis.drt.DRT.fit", "lisse.records.spectrum.EISSpectrum", "lisse.units.to_si",
                     "lisse.cell.design.CellDesign", "lisse.errors.require", "lisse.analysis.gitt.weppner_huggins_D"):
        assert expected in NAMES


def _private_only(code: str, msg: str) -> bool:
    """A PR01 about private parameters only (``_fit``: a dataclass field callers never pass) is no gap."""
    import ast

    if code != "PR01":
        return False
    missing = ast.literal_eval(msg[msg.index("{"):msg.rindex("}") + 1])
    return all(p.startswith("_") for p in missing)


@pytest.mark.parametrize("name", NAMES)
def test_numpydoc_sections_complete(name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = nv.validate(name)
    errors = [f"{code} {msg}" for code, msg in result["errors"] if code in REQUIRED and not _private_only(code, msg)]
    # numpydoc's parse warnings (a mis-underlined or unknown section) become errors in a ``sphinx -W`` build
    errors += [f"numpydoc warning: {w.message}" for w in caught if "numpydoc" in str(w.filename)]
    assert not errors, f"{name}:\n  " + "\n  ".join(errors)


@pytest.mark.parametrize("name", NAMES)
def test_numeric_parameters_state_units(name):
    obj = nv.Validator._load_obj(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(obj, property):
            obj = obj.fget
        elif isinstance(obj, functools.cached_property):
            obj = obj.func
        doc = nv.get_doc_object(obj)
    missing = []
    for param in doc["Parameters"]:
        if _is_quantity(param.type) and not _UNIT_RE.search(param.type + " " + " ".join(param.desc)):
            missing.append(f"{param.name} : {param.type} -- {' '.join(param.desc)[:90]!r}")
    for ret in doc["Returns"]:  # an unnamed return value has its type in ``name``
        if _is_quantity(ret.type or ret.name) and not _UNIT_RE.search(f"{ret.name} {ret.type} " + " ".join(ret.desc)):
            missing.append(f"returns {ret.name} {ret.type} -- {' '.join(ret.desc)[:90]!r}")
    head = f"{name}: numeric parameters or returns without a unit (or 'dimensionless'/a count):\n  "
    assert not missing, head + "\n  ".join(missing)


def test_unit_heuristic_is_not_vacuous():
    # The heuristic must reject a float described without a unit and accept the usual forms.
    assert _is_quantity("float") and _is_quantity("ndarray of float") and _is_quantity("int, optional")
    assert not _is_quantity("bool") and not _is_quantity("str")
    for text in ("Current density in A/m².", "Temperature [K].", "Areal resistance (Ω m²).", "Dimensionless weight.",
                 "Number of iterations.", "Rate in mA cm⁻².", "Time in seconds."):
        assert _UNIT_RE.search(text), text
    for text in ("The current density.", "Temperature of the cell.", "A threshold for detection."):
        assert not _UNIT_RE.search(text), text


def _registered_keys(obj) -> list[str]:
    """Citation keys a function passes as string literals to ``lisse.citations.register`` (its source)."""
    import ast
    import textwrap

    try:
        source = textwrap.dedent(inspect.getsource(inspect.unwrap(obj)))
    except (OSError, TypeError):
        return []
    keys = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "register":
            keys += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return keys


@pytest.mark.parametrize("name", NAMES)
def test_cited_code_has_references(name):
    # A public function that registers a citation when it runs implements that paper: its docstring must
    # say so in a References section that names each paper by its DOI or its first author's surname, as
    # the citation registry (lisse.citations, the independent reference here) records them.
    from lisse.citations import get

    obj = nv.Validator._load_obj(name)
    if inspect.isclass(obj) or isinstance(obj, property):
        return
    keys = _registered_keys(obj)
    if not keys:
        return
    doc = inspect.getdoc(obj) or ""
    assert re.search(r"^References\n-{10}", doc, re.MULTILINE), f"{name} registers {keys} but has no References section"
    refs = doc.split("References\n----------", 1)[1]
    for key in keys:
        cit = get(key)
        surname = re.split(r"[,;\s]", cit.authors.strip())[0]
        named = (cit.doi and cit.doi.lower() in refs.lower()) or surname in refs
        assert named, f"{name}: References do not name {key} ({cit.authors})"


def _source(obj) -> str:
    import textwrap

    try:
        return textwrap.dedent(inspect.getsource(inspect.unwrap(obj)))
    except (OSError, TypeError):
        return ""


def _lisse_errors_raised(obj) -> set[str]:
    """Names of the LisseError subclasses a function (or a class's ``__init__``/``__post_init__``) raises itself."""
    import ast

    import lisse.errors as errors_module

    lisse_errors = {n for n, v in vars(errors_module).items() if isinstance(v, type) and issubclass(v, errors_module.LisseError)}
    if inspect.isclass(obj):
        source = "\n".join(_source(f) for f in (vars(obj).get("__init__"), vars(obj).get("__post_init__")) if f)
    else:
        source = _source(obj)
    raised: set[str] = set()
    for node in ast.walk(ast.parse(source)) if source else ():
        if isinstance(node, ast.Raise) and node.exc is not None:
            func = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = getattr(func, "id", getattr(func, "attr", None))
            if name in lisse_errors:
                raised.add(name)
            elif name == "unknown_key_error":  # lisse.params: builds a ParameterError
                raised.add("ParameterError")
    return raised


@pytest.mark.parametrize("name", NAMES)
def test_raised_lisse_errors_documented(name):
    # A LisseError the code raises itself (a ``raise ParameterError(...)`` in its body) is part of its contract:
    # the docstring's Raises section names it. Errors raised by callees are not required (they are listed where
    # the docstring knows them).
    obj = nv.Validator._load_obj(name)
    if isinstance(obj, property):
        obj = obj.fget
    raised = _lisse_errors_raised(obj)
    if not raised:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = nv.get_doc_object(obj)
    documented = " ".join(f"{r.name} {r.type}" for r in doc["Raises"])
    missing = sorted(e for e in raised if e not in documented)
    assert not missing, f"{name} raises {missing} but its Raises section does not say so"
