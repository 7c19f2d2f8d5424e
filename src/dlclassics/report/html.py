"""The tour's HTML report: one section per family with a results table and its plots.

The page is a single self-describing file; images sit beside it as PNG and are linked
relatively, so the folder can be zipped or served as is.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dlclassics.io import write_text


@dataclass(frozen=True, kw_only=True)
class ResultRow:
    what: str  # e.g. "test accuracy (Fashion-MNIST, 10,000 images)"
    ours: str  # measured in this run, formatted
    reference: str  # the figure we compare with, and where it comes from
    ok: bool | None = None  # target met? None = informational


@dataclass(frozen=True, kw_only=True)
class Section:
    title: str
    summary: str
    rows: Sequence[ResultRow] = ()
    images: Sequence[Path] = ()
    seconds: float = 0.0
    command: str = ""  # the command that reproduces the section on its own
    notes: Sequence[str] = field(default_factory=tuple)


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 4px 10px; } th { background: #f3f3f3; }
.ok { color: #1a7f37; } .miss { color: #cf222e; }
img { max-width: 100%; border: 1px solid #eee; margin: 6px 0; }
code { background: #f6f8fa; padding: 1px 4px; }
"""


def _mark(ok: bool | None) -> str:
    if ok is None:
        return ""
    return '<span class="ok">✓ met</span>' if ok else '<span class="miss">✗ missed</span>'


def render(sections: Sequence[Section], out_dir: Path, *, title: str, header: str) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>{html.escape(header)}</p>",
        f"<p>Generated {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}.</p>",
    ]
    for section in sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2><p>{html.escape(section.summary)}</p>")
        if section.command:
            parts.append(f"<p>Reproduce: <code>{html.escape(section.command)}</code></p>")
        if section.rows:
            parts.append(
                "<table><tr><th>measure</th><th>this run</th><th>reference</th><th></th></tr>"
            )
            for row in section.rows:
                cells = (html.escape(row.what), html.escape(row.ours), html.escape(row.reference))
                parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells))
                parts.append(f"<td>{_mark(row.ok)}</td></tr>")
            parts.append("</table>")
        for note in section.notes:
            parts.append(f"<p>{html.escape(note)}</p>")
        for image in section.images:
            rel = os.path.relpath(image, out_dir)
            parts.append(f"<img src='{html.escape(rel)}' alt='{html.escape(image.stem)}'>")
        parts.append(f"<p><small>{section.seconds:.1f} s</small></p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(sections: Sequence[Section], out_dir: Path, *, title: str, header: str) -> Path:
    path = out_dir / "report.html"
    write_text(path, render(sections, out_dir, title=title, header=header))
    return path
