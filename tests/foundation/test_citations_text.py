"""User-visible text cites papers, never the team's internal documents (issue 10, item 8)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from lisse.cli.main import build_parser

SRC = Path(__file__).resolve().parents[2] / "src" / "lisse"
FORBIDDEN = re.compile(r"BRIEF|(?i:science brief|\bthe brief\b)")


def _find(text: str) -> list[str]:
    return [m.group(0) for m in FORBIDDEN.finditer(text)]


def _text_files() -> list[Path]:
    out = []
    for p in sorted(SRC.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".so", ".png", ".npz"}:
            out.append(p)
    return out


def _helps(parser: argparse.ArgumentParser, prog: str = "lisse") -> dict[str, str]:
    """``--help`` text of the parser and of every (nested) subcommand."""
    out = {prog: parser.format_help()}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.update(_helps(sub, f"{prog} {name}"))
    return out


def test_files_checked_include_help_report_and_data():
    names = {p.name for p in _text_files()}
    # the scan must reach Python sources, the TOML data files and the default study
    assert {"main.py", "accuracy.toml", "literature.toml", "default.toml", "Su2024.toml"} <= names


@pytest.mark.parametrize("path", _text_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_internal_document_in_source_files(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        pytest.skip("binary file")
    hits = [f"{i}: {line.strip()}" for i, line in enumerate(text.splitlines(), 1) if _find(line)]
    assert not hits, f"{path.relative_to(SRC)} cites an internal document:\n" + "\n".join(hits)


def test_no_internal_document_in_any_help():
    helps = _helps(build_parser())
    assert len(helps) > 10  # every subcommand was reached
    bad = {prog: _find(text) for prog, text in helps.items() if _find(text)}
    assert not bad, f"--help texts cite an internal document: {bad}"


def test_pattern_catches_the_old_wordings():
    for s in ("(BRIEF §4)", "the science brief", "with the brief's corrections", "BRIEF.md section 2"):
        assert _find(s), s
    assert not _find("a brief summary")  # ordinary English is allowed
