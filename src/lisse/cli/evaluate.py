"""``lisse evaluate``: run a study and write the report folder."""

from __future__ import annotations

NAME = "evaluate"
HELP = "run every applicable stage of a study (default: the bundled example) and write a report folder"
DESCRIPTION = (
    "Run a study file (TOML) through every stage that applies to it — cell design, and the prediction and "
    "analysis stages whose tables the study has — and write results.json, CSV tables, PNG figures (200 dpi; SVG too with --svg) and a "
    "self-contained report.html into the output folder. Without STUDY the bundled default study runs (a "
    "thin-Li garnet cell after Ji2025 and an LNI-CNT interlayer cell after Wang2024)."
)
EXAMPLES = """\
  lisse evaluate                       # bundled default study -> ./lisse-out/
  lisse evaluate --out report-dir      # choose the output folder
  lisse evaluate my_study.toml --out my-report --json
  lisse evaluate --show-default > my_study.toml   # start your own study from the default
  lisse evaluate --list-stages
  lisse evaluate --svg                 # also write every figure as SVG (slower)
  lisse evaluate my_study.toml --check            # validate the study only (exit 0 or 2), write nothing
  lisse evaluate --show-schema                    # every study table's keys: type, unit, range, default

The output folder must be new, empty or one lisse made (it holds the marker file .lisse-output.json);
a rerun replaces it as a whole, so it never mixes two runs' files.
"""


def add_arguments(parser) -> None:
    parser.add_argument("study", nargs="?", help="study TOML file (default: the bundled default study)")
    parser.add_argument("--out", default="lisse-out",
                        help="output folder: new, empty or made by lisse; replaced as a whole when the run ends (default: ./lisse-out)")
    parser.add_argument("--overwrite", action="store_true",
                        help="also accept an --out folder holding files lisse did not write: they are DELETED and replaced by this "
                             "run's outputs when it succeeds (folders with subfolders, the root, home and current folders "
                             "are always refused)")
    parser.add_argument("--check", action="store_true", help="only validate the study (every table against its schema) and exit; writes nothing")
    parser.add_argument("--show-schema", action="store_true", help="print every study table's keys with type, unit, range, default and meaning")
    parser.add_argument("--stage", action="append", dest="stages", metavar="NAME", help="run only this stage (repeatable)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (there is none under --json or when stderr is not a terminal)")
    parser.add_argument("--svg", action="store_true", default=None,
                        help="also write every figure as SVG beside its 200 dpi PNG (default: the study's [study] svg key, else off)")
    parser.add_argument("--show-default", action="store_true", help="print the bundled default study and exit")
    parser.add_argument("--list-stages", action="store_true", help="list the registered stages and exit")


def run(args):
    from pathlib import Path

    if args.show_default:
        from importlib import resources

        return {"default_study_toml": resources.files("lisse").joinpath("studies", "default.toml").read_text("utf-8")}
    if args.list_stages:
        from lisse.pipeline.registry import all_stages

        return [{"name": s.name, "title": s.title, "section": s.section, "needs": list(s.needs), "optional_deps": list(s.optional_deps)} for s in all_stages()]
    if args.show_schema:
        from lisse.pipeline.study import study_schema

        return {"schema": study_schema()}
    from lisse.pipeline.evaluate import evaluate
    from lisse.pipeline.study import load_study

    study = load_study(args.study)
    if args.stages:
        from lisse.params import unknown_key_error
        from lisse.pipeline.registry import all_stages

        known = {s.name for s in all_stages()}
        for name in args.stages:
            if name not in known:
                raise unknown_key_error(name, known, "stage")
    if args.check:
        tables = [k for k in study if not k.startswith("_")]
        files = {f"[{sec}] files": len(o["files"]) for sec, o in (study.get("_options") or {}).items() if isinstance(o.get("files"), list)}
        return {"valid": True, "study": study.get("_source"), "tables": tables, "cells": [c["name"] for c in study.get("cells", [])],
                "files": files, "inputs": study.get("_inputs") or {},
                "database": (study.get("_database") or {}).get("path")}
    if args.study:
        text = Path(args.study).read_text("utf-8")
        if args.overwrite and str(args.out).strip() and Path(args.out).resolve() in Path(args.study).resolve().parents:
            from lisse.errors import ParameterError

            raise ParameterError(f"--out {args.out!r}: expected a folder that does not hold the study file; found {args.study!r} in it "
                                 "(--overwrite would delete it)")
    else:
        from importlib import resources

        text = resources.files("lisse").joinpath("studies", "default.toml").read_text("utf-8")
    doc = evaluate(study, args.out, study_text=text, progress=False if (args.no_progress or args.json) else None, only=args.stages,
                   overwrite=args.overwrite, svg=args.svg)
    out = Path(args.out)
    internal = any(v["status"] == "error" and v["reason"].startswith("internal error") for v in doc["stages"].values())
    failed = any(v["status"] == "error" for v in doc["stages"].values())
    return {
        "out_dir": str(out),
        "report_html": str(out / "report.html"),
        "results_json": str(out / "results.json"),
        "stages": {k: v["status"] for k, v in doc["stages"].items()},
        "errors": {k: v["reason"] for k, v in doc["stages"].items() if v["status"] == "error"},
        # a stage that failed still leaves a complete report, but the run exits non-zero:
        # 2 when every failure is a user or environment problem (a LisseError), 1 when lisse has a bug
        "_exit_code": 1 if internal else 2 if failed else 0,
        # ... and each failed stage is one line on stderr too (the stdout summary or JSON alone left stderr empty)
        "_stderr": [f"stage {k} failed: {v['reason']}" for k, v in doc["stages"].items() if v["status"] == "error"],
    }


def render(r) -> str:
    if "default_study_toml" in r:
        return r["default_study_toml"]
    if isinstance(r, dict) and "schema" in r:
        return _render_schema(r["schema"])
    if isinstance(r, dict) and r.get("valid"):
        files = "".join(f"; {k}: {n} file(s)" for k, n in r.get("files", {}).items())
        return f"study {r['study']} is valid: tables {', '.join(r['tables'])}; cells {', '.join(r['cells']) or '-'}{files}"
    if isinstance(r, list):
        return "\n".join(f"{s['name']:<14} [{s['section'] or '-'}] {s['title']}" for s in r)
    lines = [f"wrote {r['report_html']} and {r['results_json']}"]
    lines += [f"  {k:<14} {v}" for k, v in r["stages"].items()]
    for k, v in r["errors"].items():
        lines.append(f"  error in {k}: {v}")
    return "\n".join(lines)


def _render_schema(schema: dict) -> str:
    lines = []
    for table, keys in schema.items():
        lines.append(f"[[{table}]]" if table == "cells" else f"[{table}]")
        lines.extend(_render_keys(keys, "  "))
        lines.append("")
    return "\n".join(lines)


def _render_keys(keys: dict, indent: str) -> list[str]:
    import json

    lines = []
    for k, d in keys.items():
        extra = []
        if "range" in d:
            extra.append(d["range"])
        if "default" in d:
            extra.append(f"default {json.dumps(d['default'], ensure_ascii=False)}")
        lines.append(f"{indent}{k}: {d['type']}{' (' + '; '.join(extra) + ')' if extra else ''}")
        lines.append(f"{indent}    {d['doc']}")
        if "keys" in d:
            lines.extend(_render_keys(d["keys"], indent + "    "))
    return lines
