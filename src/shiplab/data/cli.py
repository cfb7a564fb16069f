"""`shiplab data …`: import a team's export, see what is in it, redact personal data."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from shiplab.clitools import friendly
from shiplab.data import pii
from shiplab.data.api import FORMATS, load_backlog
from shiplab.data.export import items_to_csv, items_to_jsonl, write_atomic
from shiplab.data.readers import DEFAULT_LIMIT


def _mapping(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    path = Path(text)
    if path.is_file():
        import yaml

        return {str(k): str(v) for k, v in (yaml.safe_load(path.read_text()) or {}).items()}
    pairs = [p.split("=", 1) for p in text.split(",") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        raise click.BadParameter("use field=Column pairs separated by commas, e.g. key=ID,summary=Title")
    return {k.strip(): v.strip() for k, v in pairs}


@click.group()
def data():
    """Import backlogs and documents; find and redact personal data."""


@data.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
              help="Which tool exported the file (auto: detected from the content).")
@click.option("--mapping", help="For --format csv: field=Column pairs (key=ID,summary=Title,…) or a YAML file.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the normalized items (.jsonl or .csv).")
@click.option("--redact", is_flag=True, help="Replace personal data in summaries and descriptions with [TYPE].")
@click.option("--max-mb", type=int, default=DEFAULT_LIMIT // 1024 // 1024, show_default=True,
              help="Refuse files larger than this.")
@friendly
def import_(path, fmt, mapping, out, redact, max_mb):
    """Import PATH (Jira CSV, GitHub issues JSON, Azure DevOps CSV, or any CSV with --mapping) and summarise it."""
    from rich.progress import BarColumn, DownloadColumn, Progress

    size = Path(path).stat().st_size
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  disable=size < 5_000_000) as bar:
        task = bar.add_task("reading", total=size)
        items = load_backlog(path, fmt, _mapping(mapping), limit=max_mb * 1024 * 1024,
                             progress=lambda n: bar.update(task, completed=n))
    if redact:
        for it in items:
            it.summary, it.description = pii.redact(it.summary), pii.redact(it.description)
    types = Counter(it.type or "?" for it in items)
    classes = Counter(it.classification for it in items)
    click.echo(f"{len(items)} items from {path} ({items[0].provenance.format if items else fmt}).")
    click.echo("types: " + ", ".join(f"{k} {v}" for k, v in types.most_common()))
    click.echo("classification: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))
    if out:
        text = items_to_csv(items) if out.endswith(".csv") else items_to_jsonl(items)
        write_atomic(Path(out), text)
        click.echo(f"wrote {out}")


@data.command("redact")
@click.argument("text", required=False)
@click.option("--style", type=click.Choice(["tag", "mask", "hash"]), default="tag", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the entities found as JSON.")
def redact_cmd(text, style, as_json):
    """Redact personal data in TEXT (or standard input)."""
    text = text if text is not None else click.get_text_stream("stdin").read()
    if as_json:
        click.echo(json.dumps([e.__dict__ for e in pii.detect(text)], indent=1))
    else:
        click.echo(pii.redact(text, style=style))
