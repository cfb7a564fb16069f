"""`shiplab data …`: import a team's export (or a folder of documents), see what is in it, redact personal data.

    shiplab data import backlog.csv --out items.jsonl --redact
    shiplab data import export.csv --format csv --mapping mapping.yaml --out items.csv
    shiplab data import docs/ --format docs --out docs.jsonl
    shiplab data import cloud.csv --date-format "%d/%m/%Y %H:%M" --skip-bad
    shiplab data import server.csv --locale de
    echo "Call Anna Weber on +49 30 1234567" | shiplab data redact

Start-up is kept short: this module imports only what reading an export needs; rich is imported when a progress bar
is shown, and nothing here imports the hub, the course or the RAG stack.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from shiplab.clitools import friendly
from shiplab.data import pii
from shiplab.data.api import FORMATS, load_documents, read_backlog
from shiplab.data.export import write_records
from shiplab.data.readers import DEFAULT_LIMIT

BAR_FROM_BYTES = 2_000_000  # smaller files import in well under a second: no bar
GROUPED = ("hidden", "a build or static folder", "not a document type", "a tool's file")  # summed by reason


def _mapping(value: str | None):
    """A YAML file, or inline ``field=Column`` pairs separated by commas."""
    if not value or Path(value).is_file():
        return value
    pairs = [p.split("=", 1) for p in value.split(",") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        raise click.BadParameter("give a YAML file, or field=Column pairs such as key=ID,summary=Title",
                                 param_hint="--mapping")
    return {k.strip(): v.strip() for k, v in pairs}


def _progress(total_hint: int):
    """A rich progress bar fed by the loaders' ``progress(stage, done, total)`` (hidden for small imports)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True,
                   disable=total_hint < BAR_FROM_BYTES)
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total or None)
        bar.update(tasks[stage], completed=done, total=total or None)

    return bar, update


def _redact_item(it, style):
    it.summary, it.description = pii.redact(it.summary, style=style), pii.redact(it.description, style=style)


def _redact_doc(doc, style):
    doc.text = pii.redact(doc.text, style=style)
    doc.sections = [(h, pii.redact(t, style=style)) for h, t in doc.sections]


@click.group()
def data():
    """Import backlogs and documents; find and redact personal data."""


@data.command("import")
@click.argument("path", type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS + ("docs",)), default="auto", show_default=True,
              help="Which tool exported PATH (auto: told from the content; docs: PATH is a folder of documents).")
@click.option("--mapping", help="For --format csv: a YAML file of 'field: Column' lines, or key=ID,summary=Title,…")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write the normalized records to this .jsonl or .csv file (written whole or not at all).")
@click.option("--redact", is_flag=True, help="Replace personal data in the written text with [TYPE] tags.")
@click.option("--style", type=click.Choice(pii.STYLES), default="tag", show_default=True,
              help="How --redact replaces personal data.")
@click.option("--skip-bad", is_flag=True,
              help="Leave out bad rows (or unreadable documents), listing each with how to fix it; without it one bad "
                   "row refuses the whole file.")
@click.option("--date-format", help="How the export writes dates when the column does not tell: '%d/%m/%Y %H:%M' or "
                                    "'dd/MMM/yy h:mm a' (Jira's style).")
@click.option("--locale", help="Language of month names in dates (de, fr, es, it, nl, pt, pl, sv, da): 22/Mär/14.")
@click.option("--max-mb", type=float, default=DEFAULT_LIMIT / 1024 / 1024, show_default=True,
              help="Refuse export files, or any file of a documents folder, larger than this.")
@click.option("--tz", default="UTC", show_default=True, help="Time zone of export times that carry none.")
@friendly
def import_(path, fmt, mapping, out, redact, style, skip_bad, date_format, locale, max_mb, tz):
    """Import PATH — a Jira CSV, GitHub issues JSON (also JSON Lines or --paginate pages), Azure DevOps CSV, any CSV
    with --mapping, or a folder of documents (md, rst, txt, html, pdf, docx; nested folders) — check it whole, and
    summarise it."""
    path = Path(path)
    docs = fmt == "docs" or (fmt == "auto" and path.is_dir())
    size = (sum(p.lstat().st_size for p in path.rglob("*") if not p.is_symlink() and p.is_file()) if path.is_dir()
            else path.stat().st_size)
    bar, update = _progress(size)
    with bar:
        if docs:
            records = load_documents(path, update, skip_bad=skip_bad, limit=int(max_mb * 1024 * 1024))
        else:
            records, fmt = read_backlog(path, fmt, _mapping(mapping), update, limit=int(max_mb * 1024 * 1024), tz=tz,
                                        date_format=date_format, locale=locale, skip_bad=skip_bad)
    if redact:
        for r in records:
            (_redact_doc if docs else _redact_item)(r, style)
    kinds = Counter((r.format if docs else r.type) or "?" for r in records)
    classes = Counter(r.classification for r in records)
    click.echo(f"{len(records)} {'documents' if docs else 'items'} from {path} ({'documents' if docs else fmt}).")
    click.echo(("formats: " if docs else "types: ") + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    click.echo("classification: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))
    if docs:
        grouped = [s for s in records.skipped if s.split(": ", 1)[1].startswith(GROUPED)]
        if grouped:
            why = Counter(s.split(": ", 1)[1] for s in grouped)
            click.echo(f"left out {len(grouped)} files that are not documents: "
                       + ", ".join(f"{k} {v}" for k, v in why.most_common()))
        for s in records.skipped:  # links, stubs: each by name
            if s not in grouped:
                click.echo(f"note: {s}")
        for p in records.problems:
            click.echo(f"skipped (unreadable): {p}")
    else:
        if records.skipped:
            rows = len({p.row for p in records.skipped})
            click.echo(f"left out {rows} row{'s' if rows > 1 else ''} with problems:")
            for p in records.skipped[:20]:
                click.echo(f"  - {p.advice()}")
            if len(records.skipped) > 20:
                click.echo(f"  … and {len(records.skipped) - 20} more")
        for note in records.notes:
            click.echo(f"note: {note}")
    if out:
        write_records(out, records)
        click.echo(f"wrote {out}" + (" (personal data redacted)" if redact else ""))


@data.command("redact")
@click.argument("text", required=False)
@click.option("--file", "infile", type=click.File("r", encoding="utf-8"), help="Read the text from this file.")
@click.option("--style", type=click.Choice(pii.STYLES), default="tag", show_default=True,
              help="tag: [IBAN]; mask: *****; hash: [IBAN:3f2a9c], the same for the same value.")
@click.option("--types", default=",".join(pii.TYPES), show_default=True,
              help="Which kinds of personal data, comma-separated.")
@click.option("--json", "as_json", is_flag=True, help="Print what was found (type, position, value) as JSON.")
def redact_cmd(text, infile, style, types, as_json):
    """Redact personal data in TEXT (or --file, or standard input)."""
    wanted = tuple(t.strip().upper() for t in types.split(",") if t.strip())
    unknown = [t for t in wanted if t not in pii.TYPES]
    if unknown:
        raise click.BadParameter(f"unknown {', '.join(unknown)}; use {', '.join(pii.TYPES)}", param_hint="--types")
    if text is None:
        text = (infile or sys.stdin).read()
    if as_json:
        click.echo(json.dumps([e.__dict__ for e in pii.detect(text, wanted)], ensure_ascii=False, indent=1))
    else:
        click.echo(pii.redact(text, wanted, style), nl=not text.endswith("\n"))
