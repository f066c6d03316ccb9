"""Print each surviving mutant of a tools/mutation.sh group as a one-line diff (file, function, - old, + new).

Usage: python tools/mutation_survivors.py .mutation/GROUP
Reads GROUP/survivors.txt and the mutated sources in GROUP/mutants/src (mutmut 3 keeps every mutant as a
function ``x_NAME__mutmut_N`` beside ``x_NAME__mutmut_orig``).
"""

from __future__ import annotations

import ast
import difflib
import sys
from pathlib import Path


def main(work: Path) -> None:
    names = [n for n in (work / "survivors.txt").read_text().split() if n]
    cache: dict[Path, dict[str, str]] = {}
    for name in names:
        mod, func = name.rsplit(".", 1)
        path = work / "mutants" / "src" / Path(*mod.split(".")).with_suffix(".py")
        if path not in cache:
            src = path.read_text()
            lines = src.splitlines()
            tree = ast.parse(src)
            cache[path] = {n.name: "\n".join(lines[n.lineno - 1:n.end_lineno]) for n in ast.walk(tree)
                           if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        funcs = cache[path]
        base = func.rsplit("__mutmut_", 1)[0]
        orig, mut = funcs.get(base + "__mutmut_orig", ""), funcs.get(func, "")
        o = orig.splitlines()[1:]
        m = mut.splitlines()[1:]
        diff = [d for d in difflib.unified_diff(o, m, lineterm="", n=0) if d[:1] in "+-" and d[:3] not in ("---", "+++")]
        short = " | ".join(d.strip()[:140] for d in diff)
        print(f"{name.split('.')[-1]}: {short}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
