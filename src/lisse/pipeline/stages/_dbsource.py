"""Stored results for the stages that read the results database (``from_db = true`` / ``cells = [...]``).

Each stored file comes with its provenance: the database, the file's stored sha256, when and by which
lisse version it was analysed, its settings hash and its cell. A file still on disk whose sha256 no
longer matches the stored one is flagged ``stale`` (its stored results describe other bytes); a file no
longer on disk cannot be checked (``stale`` None, ``present`` false).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["stored_files", "provenance_html", "PROVENANCE_KEYS"]

#: Provenance of a stored file as results.json gives it.
PROVENANCE_KEYS = ("source", "database", "file", "sha256", "analysed_at", "lisse_version", "settings_hash", "cell", "present",
                   "sha256_on_disk", "stale")


def stored_files(study: dict, paths: list[str]) -> list[dict]:
    """``{"file": files row, "tables": {...}, "provenance": {...}}`` of each stored path, in order.

    Raises
    ------
    ParameterError
        The database cannot be opened, or a path has no stored row (the database changed since the study was loaded).
    """
    from lisse.errors import ParameterError
    from lisse.io._readutil import file_sha256
    from lisse.io.resultsdb import ResultsDB

    db_path = study["_database"]["path"]
    out = []
    with ResultsDB(db_path, readonly=True) as db:
        index = {r["path"]: r for r in db.file_index(status=None)}
        for p in paths:
            if p not in index:
                raise ParameterError(f"database '{db_path}': expected a stored row for '{p}'; found none (the database changed "
                                     "since the study was loaded?)")
            got = db.file_results(index[p]["file_id"])
            row = got["file"]
            present = Path(p).is_file()
            on_disk = None
            if present:
                try:
                    on_disk = file_sha256(p)
                except OSError:
                    present = False
            stale = None if on_disk is None else on_disk != row.get("sha256")
            got["provenance"] = {"source": "database", "database": db_path, "file": p, "sha256": row.get("sha256"),
                                 "analysed_at": row.get("analysed_at"), "lisse_version": row.get("lisse_version"),
                                 "settings_hash": row.get("settings_hash"), "cell": row.get("cell"), "present": present,
                                 "sha256_on_disk": on_disk, "stale": stale}
            out.append(got)
    return out


def provenance_html(name: str, prov: dict[str, Any]) -> Any:
    """One report paragraph: where a stored result came from, and the stale warning when its file changed."""
    from lisse.report.html import Markup

    sha = (prov.get("sha256") or "")[:12]
    text = Markup("<p><b>{}</b>: results read from the database <code>{}</code> (file <code>{}</code>, sha256 {}…, analysed {} by "
                  "lisse {}).").format(name, prov["database"], prov["file"], sha, prov.get("analysed_at"), prov.get("lisse_version"))
    if prov.get("stale"):
        text += Markup(" <b>STALE</b>: the file on disk has changed since it was analysed (sha256 now {}…); rerun "
                       "<code>lisse batch</code> on it.").format((prov.get("sha256_on_disk") or "")[:12])
    elif not prov.get("present"):
        text += Markup(" The file is not on disk, so its content could not be checked against the stored hash.")
    return text + Markup("</p>")
