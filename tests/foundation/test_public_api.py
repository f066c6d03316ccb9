"""The public API: entry points at the top of each subpackage, loaded lazily; the estimator convention.

* Every name a subpackage lists in ``__all__`` resolves, is the object its defining module holds, and is
  the same list the package imports for type checkers (its ``if TYPE_CHECKING:`` block, parsed here).
* ``import lisse.io`` (and the other subpackages) imports none of numpy, pandas, scipy, matplotlib, pint:
  the names are loaded on first use (checked in a fresh interpreter).
* Every estimator (a public class with ``fit``) refuses measured data passed to its constructor with a
  ``ParameterError`` that shows the right call, instead of a numpy ``TypeError`` from deep inside.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lisse.errors import ParameterError

SRC = Path(__file__).resolve().parents[2] / "src"
LAZY_PACKAGES = [
    "lisse.io", "lisse.analysis", "lisse.analysis.eis", "lisse.cell", "lisse.sim", "lisse.sim.interlayer",
    "lisse.sim.phasefield", "lisse.records", "lisse.pipeline",
]


def _type_checking_imports(package: str) -> dict[str, str]:
    """name -> defining module, from the ``if TYPE_CHECKING:`` block of the package's ``__init__.py``."""
    path = SRC.joinpath(*package.split("."), "__init__.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module, ast.dump(imp)
                for alias in imp.names:
                    out[alias.asname or alias.name] = imp.module
    return out


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_lazy_names_resolve_and_agree_with_type_checking_block(package):
    pkg = importlib.import_module(package)
    typed = _type_checking_imports(package)
    submodules = {n for n, mod in typed.items() if mod == package}  # `from lisse.sim import interlayer as interlayer`
    assert sorted(set(typed) - submodules) == sorted(pkg.__all__), "the TYPE_CHECKING imports and __all__ differ"
    assert len(set(pkg.__all__)) == len(pkg.__all__)
    for name in pkg.__all__:
        obj = getattr(pkg, name)
        assert obj is getattr(importlib.import_module(typed[name]), name), f"{package}.{name}"
        assert name in dir(pkg)
    for name in submodules:
        assert getattr(pkg, name) is importlib.import_module(f"{package}.{name}")
    with pytest.raises(AttributeError, match="no_such_name"):
        pkg.no_such_name  # noqa: B018


def test_readme_entry_points():
    import lisse.analysis
    import lisse.analysis.eis
    import lisse.io
    import lisse.io.eis
    import lisse.io.readers

    assert lisse.io.read_cycling is lisse.io.readers.read_cycling
    assert lisse.io.read_spectra is lisse.io.eis.read_spectra
    for name in ("CCDDetector", "ShortDetector", "classify_cell", "cycle_table", "rate_table", "voltage_capacity_curves",
                 "dqdv_table", "tafel_fit", "allen_hickling_fit", "gitt_diffusion"):
        assert callable(getattr(lisse.analysis, name)), name
    for name in ("DRT", "Circuit", "lin_kk", "conductivity", "arrhenius", "temperature_series"):
        assert callable(getattr(lisse.analysis.eis, name)), name
    assert lisse.analysis.eis is sys.modules["lisse.analysis.eis"]


def test_importing_subpackages_stays_light():
    code = ("import sys\n"
            "import lisse, lisse.io, lisse.analysis, lisse.analysis.eis, lisse.cell, lisse.sim, lisse.records, lisse.pipeline\n"
            "heavy = ('numpy', 'pandas', 'scipy', 'matplotlib', 'pint', 'pyarrow', 'tqdm')\n"
            "print(' '.join(sorted(m for m in heavy if m in sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(SRC)}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"importing the subpackages pulled in: {out.stdout.strip()}"


def _estimators() -> list[type]:
    import lisse.analysis
    import lisse.analysis.eis

    found = []
    for pkg in (lisse.analysis, lisse.analysis.eis):
        for name in pkg.__all__:
            obj = getattr(pkg, name)
            if inspect.isclass(obj) and callable(getattr(obj, "fit", None)):
                found.append(obj)
    return found


def _data_for(cls: type):
    """The data ``cls.fit`` takes (by the name of its first parameter): a record or a spectrum."""
    first = next(iter(list(inspect.signature(cls.fit).parameters)[1:]))
    if first == "record":
        from lisse.sim import ccd_staircase

        return ccd_staircase(n_steps=3, seed=2)[0]
    assert first == "spectrum", f"{cls.__name__}.fit({first}, ...): name the data 'record' or 'spectrum'"
    from lisse.analysis.eis import three_arc_spectrum

    return three_arc_spectrum()


def test_all_estimators_found():
    names = {c.__name__ for c in _estimators()}
    assert {"DRT", "Circuit", "CCDDetector", "ShortDetector"} <= names


@pytest.mark.parametrize("cls", _estimators(), ids=lambda c: c.__name__)
def test_estimator_refuses_data_in_constructor(cls):
    data = _data_for(cls)
    what = "spectrum" if type(data).__name__ == "EISSpectrum" else "record"
    attempts = [((data,), {})]
    if what == "spectrum":
        attempts.append(((data.frequency,), {}))  # DRT(f, ...) / Circuit(f, ...): arrays of the data
    for args, kwargs in attempts:
        with pytest.raises(ParameterError) as ei:
            cls(*args, **kwargs)
        msg = str(ei.value)
        if args[0] is data:
            assert f"{cls.__name__} takes its settings in the constructor and the {what} in fit(): " in msg, msg
            assert f".fit({what})" in msg
    # the same data in fit() is accepted
    assert isinstance(cls(*(("R0-p(R1,CPE1)",) if cls.__name__ == "Circuit" else ())).fit(data), cls)


def test_drt_message_names_the_call():
    from lisse.analysis.eis import DRT, three_arc_spectrum

    with pytest.raises(ParameterError, match=r"^DRT takes its settings in the constructor and the spectrum in fit\(\): "
                                             r"DRT\(lambda_=\.\.\.\)\.fit\(spectrum\)"):
        DRT(three_arc_spectrum())
    with pytest.raises(ParameterError, match="expected an EISSpectrum"):
        DRT().fit(np.ones(10))


@pytest.mark.parametrize("name", ["CCDDetector", "ShortDetector"])
def test_detector_settings_must_be_numbers(name):
    import lisse.analysis

    cls = getattr(lisse.analysis, name)
    with pytest.raises(ParameterError, match=rf"{name}\.collapse_ratio: expected a number"):
        cls(collapse_ratio="0.3")
    with pytest.raises(ParameterError, match=rf"{name}\.window: expected a number"):
        cls(window=True)
    assert cls(collapse_ratio=np.float64(0.2), window=np.int64(7)).window == 7


@pytest.mark.parametrize(("module", "old", "new"), [
    ("lisse.plot.eis_temperature", "arrhenius", "plot_arrhenius"),
    ("lisse.plot.eis", "drt_map", "plot_drt_map"),
])
def test_renamed_plot_functions_keep_a_deprecated_alias(module, old, new):
    """Plot functions no longer share a name with the analysis function they draw; the old name warns for one release."""
    mod = importlib.import_module(module)
    assert new in mod.__all__ and old not in mod.__all__
    with pytest.warns(DeprecationWarning, match=new):
        assert getattr(mod, old) is getattr(mod, new)


def test_pipeline_entry_points_and_quiet_default():
    import inspect

    import lisse.pipeline
    from lisse.pipeline.evaluate import evaluate  # importing the submodule must not hide the function
    from lisse.pipeline.study import load_study

    assert lisse.pipeline.evaluate is evaluate and lisse.pipeline.load_study is load_study
    # a library call draws no bar unless asked or stderr is a terminal (lisse.io.progress.progress_enabled)
    assert inspect.signature(evaluate).parameters["progress"].default is None
    assert "resolve_temperatures" in importlib.import_module("lisse.analysis.eis").__all__
