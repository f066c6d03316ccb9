"""``lisse evaluate``: run a study and write the report folder."""

from __future__ import annotations

NAME = "evaluate"
HELP = "run every applicable stage of a study (default: the bundled example) and write a report folder"
DESCRIPTION = (
    "Run a study file (TOML) through every stage that applies to it — cell design, and the prediction and "
    "analysis stages whose tables the study has — and write results.json, CSV tables, PNG+SVG figures and a "
    "self-contained report.html into the output folder. Without STUDY the bundled default study runs (a "
    "thin-Li garnet cell after Ji2025 and an LNI-CNT interlayer cell after Wang2024)."
)
EXAMPLES = """\
  lisse evaluate                       # bundled default study -> ./lisse-out/
  lisse evaluate --out report-dir      # choose the output folder
  lisse evaluate my_study.toml --out my-report --json
  lisse evaluate --show-default > my_study.toml   # start your own study from the default
  lisse evaluate --list-stages
"""


def add_arguments(parser) -> None:
    parser.add_argument("study", nargs="?", help="study TOML file (default: the bundled default study)")
    parser.add_argument("--out", default="lisse-out", help="output folder (default: ./lisse-out)")
    parser.add_argument("--stage", action="append", dest="stages", metavar="NAME", help="run only this stage (repeatable)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
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
    from lisse.pipeline.evaluate import evaluate
    from lisse.pipeline.study import load_study

    study = load_study(args.study)
    if args.study:
        text = Path(args.study).read_text("utf-8")
    else:
        from importlib import resources

        text = resources.files("lisse").joinpath("studies", "default.toml").read_text("utf-8")
    doc = evaluate(study, args.out, study_text=text, progress=not (args.no_progress or args.json), only=args.stages)
    out = Path(args.out)
    return {
        "out_dir": str(out),
        "report_html": str(out / "report.html"),
        "results_json": str(out / "results.json"),
        "stages": {k: v["status"] for k, v in doc["stages"].items()},
        "errors": {k: v["reason"] for k, v in doc["stages"].items() if v["status"] == "error"},
        # a stage that failed still leaves a complete report, but the run exits non-zero: 2 when every failure is a
        # user or environment problem (a LisseError), 1 when a stage hit a lisse bug ("internal error: ...")
        "_exit_code": _exit_code(doc["stages"]),
    }


def _exit_code(stages: dict) -> int:
    failed = [v for v in stages.values() if v["status"] == "error"]
    if not failed:
        return 0
    return 1 if any(str(v.get("reason", "")).startswith("internal error") for v in failed) else 2


def render(r) -> str:
    if "default_study_toml" in r:
        return r["default_study_toml"]
    if isinstance(r, list):
        return "\n".join(f"{s['name']:<14} [{s['section'] or '-'}] {s['title']}" for s in r)
    lines = [f"wrote {r['report_html']} and {r['results_json']}"]
    lines += [f"  {k:<14} {v}" for k, v in r["stages"].items()]
    for k, v in r["errors"].items():
        lines.append(f"  error in {k}: {v}")
    return "\n".join(lines)
