"""Print pip constraints that pin every base dependency of pyproject.toml to its declared lower bound.

``numpy>=1.24`` becomes ``numpy==1.24``: installing lisse with these constraints gives the oldest
versions lisse claims to support, which the minimum-versions CI job (tools/min_versions.sh) tests.
A dependency without a ``>=`` bound is an error (every base dependency must declare its floor).

    python tools/min_constraints.py [pyproject.toml] > constraints.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$")


def min_constraints(pyproject: Path) -> list[str]:
    """``name==floor`` for every entry of ``[project].dependencies``."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    out = []
    for dep in deps:
        m = _REQ.match(dep.split(";")[0])
        if m is None:
            raise SystemExit(f"cannot parse dependency {dep!r}")
        name, spec = m.group(1), m.group(3)
        floor = [s.strip()[2:].strip() for s in spec.split(",") if s.strip().startswith(">=")]
        if not floor:
            raise SystemExit(f"base dependency {dep!r} declares no lower bound (>=)")
        out.append(f"{name}=={floor[0]}")
    return out


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "pyproject.toml"
    print("\n".join(min_constraints(path)))
