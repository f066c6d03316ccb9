"""Sphinx configuration of the lisse documentation (build it with ``bash docs/build.sh``).

Why Sphinx: lisse's docstrings are numpydoc, the format of numpy, scipy, pandas, matplotlib and the rest
of the scientific Python stack; ``numpydoc`` renders them completely, ``autosummary`` generates the API
reference from them (one page per public object, recursively over every module), and
``sphinx-gallery`` executes the tutorials -- plain Python scripts users can also run with ``python`` or
download as notebooks -- and fails the build when one raises. MkDocs' mkdocstrings renders numpydoc
less completely (cross-references, the Attributes/Notes/References sections) and has no executed
plain-script gallery.

The build is offline: intersphinx links to the Python/numpy/scipy/pandas/matplotlib docs are fetched
only with ``LISSE_DOCS_INTERSPHINX=1``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))  # document the working tree, installed or not
sys.path.insert(0, str(HERE / "_ext"))  # lisse_docs: scraper, CLI directive, docstring clean-up

import lisse  # noqa: E402

project = "lisse"
author = "lisse developers"
copyright = "lisse developers, BSD-3-Clause"
version = release = lisse.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "lisse_docs",
]
if os.environ.get("LISSE_DOCS_INTERSPHINX") == "1":  # needs the network at build time: off by default
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "pandas": ("https://pandas.pydata.org/docs", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
    }

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "tutorials/GALLERY_HEADER.rst", "**/sg_execution_times.rst", "sg_execution_times.rst"]

# -- API reference: autosummary + numpydoc ---------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autosummary_ignore_module_all = False  # a module's __all__ is its public API
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters section carries types and units
autodoc_mock_imports: list[str] = []
numpydoc_show_class_members = False  # the class template lists members; avoids duplicate stubs
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()  # docstring coverage is checked by tests, not by the build

# -- Tutorials: sphinx-gallery executes docs/tutorials/tutorial_*.py ------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["tutorials"],
    "gallery_dirs": ["auto_tutorials"],
    "filename_pattern": r"tutorial_\d+",  # execute every tutorial
    "ignore_pattern": r"__init__\.py|/_",
    "image_scrapers": ("lisse_docs.figure_scraper",),  # also Figures made without pyplot
    "reset_modules": ("matplotlib",),
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": True,
    "remove_config_comments": True,
    "only_warn_on_example_error": False,  # a tutorial that raises fails the build
    "abort_on_example_error": False,  # ... after running the others, so one build reports every broken one
    "capture_repr": ("_repr_html_", "__repr__"),
    "show_memory": False,
    "min_reported_time": 1,
    "matplotlib_animations": False,
    "default_thumb_file": None,
}

# -- Markdown (the user guide includes README sections) -------------------------------------------
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "myst.xref_missing"]

# -- HTML -----------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"lisse {release}"
html_theme_options = {
    "navigation_depth": 3,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path: list[str] = []
html_show_sourcelink = False


def _changelog_placeholder(app, docname, source):
    """The changelog page includes ../CHANGELOG.md; a checkout without one gets a one-line page instead."""
    if docname == "changelog" and not (ROOT / "CHANGELOG.md").exists():
        source[0] = "# Changelog\n\nThis checkout has no `CHANGELOG.md` yet.\n"


def setup(app):
    app.connect("source-read", _changelog_placeholder)
