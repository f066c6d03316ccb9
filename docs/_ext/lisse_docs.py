"""Sphinx helpers of the lisse documentation: the tutorial figure scraper, the CLI reference directive,
docstring clean-up for reST, and the re-export test used by the API templates.

Kept out of ``conf.py`` so the configuration stays picklable (Sphinx caches it between builds).
"""

from __future__ import annotations

import importlib
import os
import re
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

# -- tutorial figures -------------------------------------------------------------------------------


def figure_scraper(block: Any, block_vars: dict, gallery_conf: dict) -> str:
    """sphinx-gallery image scraper: every matplotlib Figure a tutorial made, through pyplot or not.

    lisse's plot functions return a :class:`matplotlib.figure.Figure` and need not register it with
    pyplot (they leave global matplotlib state alone), so the stock scraper, which asks pyplot, would
    miss them. This one saves pyplot's open figures and every Figure bound to a name in the tutorial,
    each once.
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst

    figures = [plt.figure(n) for n in plt.get_fignums()]
    for value in list(block_vars["example_globals"].values()):
        if isinstance(value, Figure) and not any(value is f for f in figures):
            figures.append(value)
    figures = [f for f in figures if not getattr(f, "_lisse_docs_shown", False)]
    paths = []
    for fig, path in zip(figures, block_vars["image_path_iterator"]):
        fig.savefig(path, dpi=100)
        fig._lisse_docs_shown = True  # a later block must not show it again
        paths.append(path)
    plt.close("all")
    return figure_rst(paths, gallery_conf["src_dir"])


# -- API reference helpers ---------------------------------------------------------------------------


def canonical_name(module: str, name: str) -> str | None:
    """``module.name``'s defining module + name when ``module`` only re-exports it, else None."""
    try:
        obj = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    home = getattr(obj, "__module__", None)
    if not home or home == module or not isinstance(getattr(obj, "__qualname__", None), str):
        return None
    return f"{home}.{obj.__qualname__}"


# -- docstrings written for people, made valid reST ---------------------------------------------------

# lisse's docstrings use "|" as in mathematics (|V|, max|F|), never as reST substitution references:
# every "|" outside literals, roles, literal blocks and tables is escaped so that it shows as written
# spans to leave alone: inline literals, roles (:math:`...`), interpreted text
_CODE = re.compile(r"(``.+?``|:\w+:`[^`]*`|`[^`]*`_?)")
_CITE_DEF = re.compile(r"^\s*\.\. \[([\w.-]+)\]")


def _escape_bars(line: str) -> str:
    parts = _CODE.split(line)
    for i in range(0, len(parts), 2):  # even indexes are outside code spans
        parts[i] = re.sub(r"(?<!\\)\|", r"\\|", parts[i])
    return "".join(parts)


def clean_docstring(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """autodoc-process-docstring: escape "|" (outside literals, math and tables) and link [Key] citations.

    * ``|V|`` (absolute value) would be an undefined reST substitution: every such bar is escaped.
    * ``[Wang2024]`` in the text, with ``.. [Wang2024]`` defined in the same docstring, becomes a citation
      reference ``[Wang2024]_`` (numpydoc renumbers both).
    """
    labels = {m.group(1) for line in lines if (m := _CITE_DEF.match(line))}
    cite = re.compile(r"(?<![\w`])\[(" + "|".join(map(re.escape, sorted(labels))) + r")\](?![_\w(])") if labels else None
    in_block = False
    block_indent = 0
    for k, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if in_block:
            if stripped and indent <= block_indent:
                in_block = False
            else:
                continue
        if stripped.startswith((".. math::", ".. code-block::", ".. code::", ".. sourcecode::")) or (stripped.endswith("::") and not stripped.startswith("..")):
            in_block, block_indent = True, indent
            if not stripped.startswith(".."):
                lines[k] = _escape_bars(line)
            continue
        table_row = stripped.startswith(("+-", "+=", "==")) or (stripped.startswith("|") and stripped.rstrip().endswith("|") and stripped.count("|") > 2)
        if table_row or _CITE_DEF.match(line) or stripped.startswith(">>>"):
            continue  # grid/simple table rows, citation definitions, doctest lines
        line = _escape_bars(line)
        if cite is not None:
            parts = _CODE.split(line)
            for i in range(0, len(parts), 2):
                parts[i] = cite.sub(r"[\1]_", parts[i])
            line = "".join(parts)
        lines[k] = line


# -- the CLI reference ----------------------------------------------------------------------------------


class CliHelp(SphinxDirective):
    """``.. lisse-cli-help::`` -- one section per subcommand holding its ``--help`` text, verbatim.

    The help texts are written for a terminal (aligned columns, ``|V|``, indented examples), so they are
    shown as they print rather than parsed as reST; the parser itself (:func:`lisse.cli.main.build_parser`)
    is the single source.
    """

    has_content = False

    def run(self) -> list[nodes.Node]:
        import argparse

        from lisse.cli.main import build_parser

        old = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "110"  # argparse wraps to the terminal width: fix it
        try:
            parser = build_parser()
            sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
            rst = ["``lisse``", "-" * 9, "", ".. code-block:: text", ""]
            rst += ["   " + ln for ln in parser.format_help().rstrip().splitlines()] + [""]
            helps = {a.dest: a.help for a in sub._choices_actions}
            for name, p in sub.choices.items():
                title = f"``lisse {name}``"
                rst += [title, "-" * len(title), "", _escape_bars(helps.get(name) or ""), "", ".. code-block:: text", ""]
                rst += ["   " + ln for ln in p.format_help().rstrip().splitlines()] + [""]
        finally:
            if old is None:
                os.environ.pop("COLUMNS", None)
            else:
                os.environ["COLUMNS"] = old
        container = nodes.container()
        nested_parse_with_titles(self.state, StringList(rst, source="lisse --help"), container)
        return container.children


def _add_template_helpers(app: Any) -> None:
    # a function in the config cannot be pickled: present only while autosummary writes its stubs
    app.config.autosummary_context = {**app.config.autosummary_context, "canonical_name": canonical_name}


def _remove_template_helpers(app: Any) -> None:
    app.config.autosummary_context = {k: v for k, v in app.config.autosummary_context.items() if k != "canonical_name"}


def setup(app: Any) -> dict:
    app.setup_extension("sphinx.ext.autosummary")
    app.connect("builder-inited", _add_template_helpers, priority=100)  # autosummary generates at 500
    app.connect("builder-inited", _remove_template_helpers, priority=900)
    app.connect("autodoc-process-docstring", clean_docstring, priority=400)  # before numpydoc (500)
    app.add_directive("lisse-cli-help", CliHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
