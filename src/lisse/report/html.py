"""A self-contained HTML report: inline CSS, figures embedded as base64 PNG, tables inline.

Escaping happens here, in one place: every string of the report is escaped, except a stage's HTML body
when it is :class:`Markup` (markupsafe). Stages build their bodies with ``Markup("<p>{}</p>").format(x)``,
which escapes every argument, so user text (study, cell, material and file names, messages) reaches
the report as text, never as markup. A body passed as a plain ``str`` is shown escaped, as text.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

__all__ = ["Markup", "ReportSection", "render_report", "CONVERGENCE_COLUMNS", "convergence_table_html"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #5b7bb4;padding-bottom:.2em}h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #ddd}
h3{font-size:1.05em}table{border-collapse:collapse;margin:.6em 0;font-size:.85em}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left}
th{background:#f3f5f9}figure{margin:1em 0}figcaption{font-size:.85em;color:#555}img{max-width:100%}
.status{display:inline-block;padding:.1em .5em;border-radius:.3em;font-size:.8em;margin-left:.5em}
.ok{background:#dff0d8}.skipped{background:#f0f0f0}.error{background:#f2dede}.bar{height:12px}
.muted{color:#666;font-size:.85em}code{background:#f5f5f5;padding:0 .2em}
"""


@dataclass
class ReportSection:
    """One stage's contribution to the report.

    Parameters
    ----------
    name : str
        Stage name; also the section's HTML anchor.
    title : str
        Section heading.
    status : str
        ``"ok"``, ``"skipped"`` or ``"error"``.
    reason : str, default ""
        Why the stage was skipped or failed (shown instead of the body when ``status`` is not ``"ok"``).
    html : str, default ""
        The section body; a :class:`Markup` is inserted as HTML, a plain ``str`` is escaped and shown as text.
    tables : dict of str to pandas.DataFrame, optional
        Tables shown inline (first 12 rows), by name.
    figures : list of (str, bytes, str), optional
        ``(name, PNG or GIF bytes, caption)`` per figure, embedded as base64 (GIF recognised by its header).
    files : list of str, optional
        Output files of the stage, listed under the section.
    """

    name: str
    title: str
    status: str  # ok | skipped | error
    reason: str = ""
    html: str = ""  # Markup; a plain str is escaped
    tables: dict[str, Any] = field(default_factory=dict)  # name -> pandas DataFrame
    figures: list[tuple[str, bytes, str]] = field(default_factory=list)  # (name, png bytes, caption)
    files: list[str] = field(default_factory=list)


def _table_html(df, max_rows: int = 12) -> str:
    shown = df.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = []
    for _, r in shown.iterrows():
        cells = []
        for v in r.values:
            if isinstance(v, float):
                cells.append(f"<td>{v:.4g}</td>")
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p class='muted'>{len(df) - max_rows} more rows in the CSV.</p>" if len(df) > max_rows else ""
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


#: Columns of a convergence table, in order (the keys of :mod:`lisse.atomistic.convergence` rows).
CONVERGENCE_COLUMNS = ("quantity", "parameter", "value", "result", "change", "tolerance", "converged", "unit")


def _cell(v: Any) -> str:
    """One convergence-table cell as escaped text: numbers to 4 significant digits, None as a dash, lists joined."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_cell(x) for x in v)
    return html.escape(str(v))


def convergence_table_html(rows: list[dict], caption: str = "") -> Markup:
    """Every row of a convergence table (quantity, parameter, value, result, change, tolerance, converged, unit) as HTML.

    Unlike the stage tables (first 12 rows), all rows are shown: a convergence table is read whole. A row that is not
    converged is marked in the ``converged`` column ("no"); a missing change or tolerance is a dash.

    Parameters
    ----------
    rows : list of dict
        Rows as :class:`lisse.atomistic.convergence.ConvergenceResult` and the wetting workflows write them (JSON
        ``convergence``); missing keys show as a dash, other keys are ignored.
    caption : str, default ""
        Caption above the table (escaped).

    Returns
    -------
    Markup
        The table (every string escaped).
    """
    head = "".join(f"<th>{c}</th>" for c in CONVERGENCE_COLUMNS)
    body = []
    for r in rows:
        cls = " class='error'" if r.get("converged") is False else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in CONVERGENCE_COLUMNS) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return Markup(f"<table class='convergence'>{cap}<tr>{head}</tr>{''.join(body)}</table>")


def render_report(title: str, intro: str, sections: list[ReportSection], citations: list[str], provenance: dict) -> str:
    """Render the whole report as one HTML string.

    Parameters
    ----------
    title : str
        Report title (``<title>`` and heading; escaped).
    intro : str
        Introductory paragraph (escaped).
    sections : list of ReportSection
        The sections, in order.
    citations : list of str
        Formatted references, listed in a numbered References section.
    provenance : dict
        Key/value pairs (versions, inputs, hashes) shown in the Provenance table.

    Returns
    -------
    str
        A complete, self-contained HTML document (inline CSS, base64 figures).
    """
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"]
    parts.append(f"<h1>{html.escape(title)}</h1><p>{html.escape(intro)}</p>")
    parts.append("<ul>")
    for s in sections:
        parts.append(f"<li><a href='#{s.name}'>{html.escape(s.title)}</a><span class='status {s.status}'>{s.status}</span></li>")
    parts.append("</ul>")
    for s in sections:
        parts.append(f"<h2 id='{s.name}'>{html.escape(s.title)}<span class='status {s.status}'>{s.status}</span></h2>")
        if s.status != "ok":
            parts.append(f"<p>{html.escape(s.reason)}</p>")
            continue
        parts.append(str(escape(s.html)))
        for name, png, caption in s.figures:
            b64 = base64.b64encode(png).decode("ascii")
            mime = "image/gif" if png[:6] in (b"GIF87a", b"GIF89a") else "image/png"
            parts.append(f"<figure><img alt='{html.escape(name)}' src='data:{mime};base64,{b64}'><figcaption>{html.escape(caption)}</figcaption></figure>")
        for name, df in s.tables.items():
            parts.append(f"<h3>Table: {html.escape(name)}</h3><div style='overflow-x:auto'>{_table_html(df)}</div>")
        if s.files:
            parts.append("<p class='muted'>Files: " + ", ".join(f"<code>{html.escape(f)}</code>" for f in s.files) + "</p>")
    parts.append("<h2 id='references'>References</h2><ol>")
    parts.extend(f"<li>{html.escape(c)}</li>" for c in citations)
    parts.append("</ol><h2>Provenance</h2><table>")
    parts.extend(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in provenance.items())
    parts.append("</table></body></html>")
    return "\n".join(parts)
