"""``lisse materials``: list the materials library with units and sources."""

from __future__ import annotations

NAME = "materials"
HELP = "list library materials and their cited properties (units and sources)"
DESCRIPTION = "List the materials library. With a NAME, show every property of that material with its unit and source."
EXAMPLES = """\
  lisse materials
  lisse materials LNI-5CNT
  lisse materials --kind electrolyte --json
"""


def add_arguments(parser) -> None:
    parser.add_argument("name", nargs="?", help="material name or alias (e.g. LLZTO, Li7N2I, NMC811)")
    from lisse.materials.library import KINDS

    parser.add_argument("--kind", choices=list(KINDS), help="only this kind")


def _entry(m) -> dict:
    return {
        "name": m.name,
        "formula": m.formula,
        "kind": m.kind,
        "description": m.description,
        "properties": {
            k: {
                "value": p.value,
                "unit": p.unit,
                "source": p.source,
                **({"temperature_K": p.temperature_K} if p.temperature_K is not None else {}),
                **({"range": list(m.ranges[k])} if k in m.ranges else {}),
                **({"note": p.note} if p.note else {}),
                **({"calibrated_on": p.calibrated_on} if p.calibrated_on else {}),
            }
            for k, p in m.properties.items()
        },
    }


def run(args):
    from lisse.materials import get_material, list_materials

    if args.name:
        return _entry(get_material(args.name))
    return [_entry(m) for m in list_materials(args.kind)]


def _value(p: dict) -> object:
    """The value as the table shows it: a calibrated one is marked ``*`` (the foot lines say what it was fitted to)."""
    from lisse.cli.common import fmt

    return f"{fmt(p['value'])} *" if p.get("calibrated_on") else p["value"]


def _calibrated_foot(items: list[dict]) -> str:
    lines = [f"* {m['name']}.{k} is calibrated, fitted to {p['calibrated_on']}"
             for m in items for k, p in m["properties"].items() if p.get("calibrated_on")]
    return ("\n\n" + "\n".join(lines)) if lines else ""


def render(result) -> str:
    from lisse.cli.common import table

    items = result if isinstance(result, list) else [result]
    if isinstance(result, dict):
        m = result
        head = f"{m['name']} ({m['formula'] or 'composite'}) — {m['kind']}: {m['description']}"
        rows: list[tuple[object, ...]] = [(k, _value(p), p["unit"], p["source"]) for k, p in m["properties"].items()]
        return head + "\n\n" + table(rows, ["property", "value", "unit", "source"]) + _calibrated_foot(items)
    rows = []
    for m in items:
        for k, p in m["properties"].items():
            rows.append((m["name"], k, _value(p), p["unit"], p["source"]))
    return table(rows, ["material", "property", "value", "unit", "source"]) + _calibrated_foot(items)
