"""``lisse db``: list, query (SQL, read-only) and export the results database of ``lisse batch``."""

from __future__ import annotations

import argparse

NAME = "db"
HELP = "the results database of lisse batch: list tables, query with SQL (read-only), export to Parquet/CSV"
DESCRIPTION = (
    "'list' shows every table of a lisse results database with its row count; 'query' runs one SQL statement on a "
    "read-only connection (a statement that would write is refused) and prints the rows (--json: a list of objects, one "
    "per row, keys = column names); 'export' writes a table to Parquet or CSV (by the file suffix). Tables: files, cycles, "
    "half_cycles, ccd_steps, spectra, drt_peaks, fits, predictions, cells, schema_version; columns carry their unit as a "
    "suffix. A malformed statement is one line on stderr, exit 2."
)
EXAMPLES = """  lisse db list results/lisse.sqlite
  lisse db query results/lisse.sqlite "SELECT path, status, error FROM files WHERE status = 'error'"
  lisse db query lab.sqlite "SELECT f.path, MAX(c.cycle) AS last_cycle FROM cycles c JOIN files f USING (file_id) GROUP BY f.path" --json
  lisse db query lab.sqlite "SELECT path, json_extract(summary_json, '$.short_detection.cycle_life') AS life, json_extract(summary_json, '$.short_detection.cycle_life_is_lower_bound') AS censored FROM files"
  lisse db export lab.sqlite --table cycles --out cycles.parquet
"""


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    specs = {
        "list": ("tables and row counts", "  lisse db list results/lisse.sqlite\n"),
        "query": ("run one SQL statement (read-only) and print the rows",
                  "  lisse db query lab.sqlite \"SELECT path, n_cycles FROM files WHERE status = 'ok'\" --json\n"),
        "export": ("write a table to Parquet or CSV", "  lisse db export lab.sqlite --table cycles --out cycles.parquet\n"),
    }
    for name, (help_, ex) in specs.items():
        p = sub.add_parser(name, help=help_, description=f"lisse db {name}: {help_}. " + DESCRIPTION, epilog="examples:\n" + ex.rstrip(),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the result as JSON")
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the full traceback on error")
        p.add_argument("database", metavar="FILE", help="the results database (SQLite)")
        if name == "query":
            p.add_argument("sql", metavar="SQL", help="one SQL statement, e.g. \"SELECT * FROM files LIMIT 5\"")
        if name == "export":
            p.add_argument("--table", required=True, help="the table to export")
            p.add_argument("--out", required=True, metavar="FILE", help="target file: .parquet or .csv (an existing file is refused)")
        p.set_defaults(_parser=p)


def run(args):
    from pathlib import Path

    from lisse.errors import OutputError
    from lisse.io.resultsdb import ResultsDB

    if args.action == "query":
        return RowStream(args.database, args.sql)
    with ResultsDB(args.database, readonly=True) as db:
        if args.action == "list":
            return {"database": str(args.database), "tables": db.counts()}
        if args.action == "query":
            return db.query(args.sql)
        target = Path(args.out)
        if target.exists():
            raise OutputError(f"'{target}' exists; lisse db export does not overwrite it (remove it or choose another name)", target)
        db.export(args.table, target)
        return {"database": str(args.database), "table": args.table, "out": str(target)}


#: Rows the human table of ``lisse db query`` shows at most (--json and ``lisse db export`` have no limit).
TEXT_MAX_ROWS = 1000
#: Characters of ``db query --json`` output held back before streaming (an error before then prints nothing partial).
JSON_BUFFER_BYTES = 16 * 1024 * 1024


class RowStream:
    """The rows of ``lisse db query``, streamed: memory stays bounded whatever the row count.

    The statement runs when this is made (a malformed one fails at once, nothing printed); the rows are
    read from the database as they are written out, and the database is closed at the end.
    """

    def __init__(self, database: str, sql: str) -> None:
        from lisse.io.resultsdb import ResultsDB, iter_query

        self.db = ResultsDB(database, readonly=True)
        try:
            self.names, self.rows = iter_query(self.db.con, sql)
        except BaseException:
            self.db.close()
            raise

    def write_json(self, fh, *, buffer_bytes: int = JSON_BUFFER_BYTES) -> None:
        """Write the rows as a JSON list of objects, formatted as ``json.dumps(rows, indent=2)`` would.

        The text is built in memory and written to ``fh`` only once complete, so an error while the rows
        are fetched (exit 2) leaves nothing partial on stdout. A result larger than ``buffer_bytes``
        characters is streamed from then on (bounded memory); only an error after that point can leave
        a truncated list (use ``lisse db export`` for results that large).
        """
        import io
        import json

        from lisse.cli.main import jsonable

        buf: io.StringIO | None = io.StringIO()
        size = 0
        try:
            first = True
            for r in self.rows:
                text = json.dumps(jsonable(dict(zip(self.names, r))), indent=2, allow_nan=False).replace("\n", "\n  ")
                chunk = ("[\n  " if first else ",\n  ") + text
                first = False
                if buf is None:
                    fh.write(chunk)
                    continue
                buf.write(chunk)
                size += len(chunk)
                if size > buffer_bytes:  # spill: stream the rest
                    fh.write(buf.getvalue())
                    buf = None
            tail = "[]\n" if first else "\n]\n"
            fh.write(tail if buf is None else buf.getvalue() + tail)
        finally:
            self.db.close()

    def head(self, n: int) -> tuple[list[dict], bool]:
        """The first ``n`` rows as dicts, and whether there were more."""
        import itertools

        try:
            rows = [dict(zip(self.names, r)) for r in itertools.islice(self.rows, n + 1)]
        finally:
            self.db.close()
        return rows[:n], len(rows) > n


def render(result) -> str:
    from lisse.cli.common import table

    more = False
    if isinstance(result, RowStream):
        result, more = result.head(TEXT_MAX_ROWS)
    if isinstance(result, list):
        if not result:
            return "(no rows)"
        cols = list(result[0])
        text = table([[("NULL" if r[c] is None else r[c]) for c in cols] for r in result], cols)
        if more:
            text += f"\n(only the first {TEXT_MAX_ROWS} rows shown; --json prints them all, lisse db export writes a file)"
        return text
    if "tables" in result:
        return table(sorted(result["tables"].items()), ["table", "rows"])
    return f"wrote {result['out']} (table {result['table']})"
