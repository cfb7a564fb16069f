"""Write the sample company's files, deterministically, and a manifest of their hashes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from datetime import datetime
from pathlib import Path

from shiplab.samplegen import backlog, claims, documents, pii
from shiplab.samplegen.docwriters import RENDER

SEED = 20261124
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def jira_date(d: datetime | None) -> str:
    if d is None:
        return ""
    hour = d.hour % 12 or 12
    return f"{d.day:02d}/{MONTHS[d.month - 1]}/{d.year % 100:02d} {hour}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'}"


def jira_csv(items: list[backlog.Item]) -> str:
    """A Jira Cloud CSV export: repeated Component/s, Labels and link columns, as Jira writes them."""
    n_comp = max(len(i.components) for i in items)
    n_lab = max(max(len(i.labels) for i in items), 1)
    n_out = max(max(len(i.duplicates) for i in items), 1)
    inward: dict[str, list[str]] = {}
    for i in items:
        for target in i.duplicates:
            inward.setdefault(target, []).append(i.key)
    n_in = max([len(v) for v in inward.values()] or [1])
    header = (["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Priority", "Resolution", "Assignee",
               "Reporter", "Created", "Updated", "Resolved"] + ["Component/s"] * n_comp + ["Labels"] * n_lab
              + ["Description", "Parent"] + ["Outward issue link (Duplicate)"] * n_out
              + ["Inward issue link (Duplicate)"] * n_in)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    by_key = {i.key: i for i in items}
    for i in items:
        pad = lambda xs, n: list(xs) + [""] * (n - len(xs))  # noqa: E731
        w.writerow([i.summary, i.key, i.id, i.type, i.status, i.priority, i.resolution, i.assignee, i.reporter,
                    jira_date(i.created), jira_date(i.updated), jira_date(i.resolved)]
                   + pad(i.components, n_comp) + pad(i.labels, n_lab)
                   + [i.description, str(by_key[i.parent].id) if i.parent else ""]
                   + pad(i.duplicates, n_out) + pad(inward.get(i.key, []), n_in))
    return buf.getvalue()


def github_json(rng: random.Random, items: list[backlog.Item], n: int = 150) -> str:
    """What `gh issue list --json number,title,body,labels,state,createdAt,closedAt,author,url` prints."""
    chosen = [i for i in items if i.type in ("Bug", "Story")][:n]
    out = []
    for number, i in enumerate(chosen, start=1):
        labels = [{"name": lab} for lab in [i.type.lower(), *i.labels]]
        out.append({"number": number, "title": i.summary, "body": i.description, "labels": labels,
                    "state": "CLOSED" if i.resolved else "OPEN",
                    "createdAt": i.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "closedAt": i.resolved.strftime("%Y-%m-%dT%H:%M:%SZ") if i.resolved else None,
                    "author": {"login": i.reporter.lower().replace(" ", "-")},
                    "url": f"https://git.nordlicht.example/platform/portal/issues/{number}"})
    return json.dumps(out, indent=1, ensure_ascii=False) + "\n"


def azure_csv(items: list[backlog.Item], n: int = 150) -> str:
    """An Azure DevOps query result exported as CSV."""
    types = {"Story": "User Story", "Bug": "Bug", "Incident": "Issue", "Epic": "Epic"}
    states = {"To Do": "New", "In Progress": "Active", "In Review": "Resolved", "Done": "Closed"}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["ID", "Work Item Type", "Title", "State", "Assigned To", "Area Path", "Iteration Path", "Tags",
                "Created Date", "Changed Date", "Description"])
    for idx, i in enumerate(items[-n:], start=4100):
        who = f"{i.assignee} <{i.assignee.lower().replace(' ', '.')}@nordlicht.example>" if i.assignee else ""
        w.writerow([idx, types[i.type], i.summary, states[i.status], who, f"Nordlicht\\{i.components[0]}",
                    f"Nordlicht\\2024\\Sprint {1 + (i.created.timetuple().tm_yday // 14)}", "; ".join(i.labels),
                    f"{i.created.month}/{i.created.day}/{i.created.year} {jira_date(i.created).split(' ', 1)[1]}",
                    f"{i.updated.month}/{i.updated.day}/{i.updated.year} {jira_date(i.updated).split(' ', 1)[1]}",
                    i.description])
    return buf.getvalue()


def document_files(rng: random.Random) -> dict[str, bytes | str]:
    """≥ 40 documents in four formats, their index, and the gold questions answered by their fact sentences."""
    docs = documents.build(rng)
    formats = ["md", "html", "pdf", "docx"]
    out: dict[str, bytes | str] = {}
    index = io.StringIO()
    w = csv.writer(index, lineterminator="\n")
    w.writerow(["id", "file", "title", "doc_type", "classification", "format"])
    for n, doc in enumerate(docs):
        fmt = formats[n % len(formats)]
        out[f"documents/{doc.id}.{fmt}"] = RENDER[fmt](doc)
        w.writerow([doc.id, f"{doc.id}.{fmt}", doc.title, doc.doc_type, doc.classification, fmt])
    out["documents/index.csv"] = index.getvalue()
    questions = []
    for doc in docs:
        for fact in rng.sample(doc.facts, k=min(2, len(doc.facts))):
            questions.append({"question": fact.ask(rng), "answer": fact.answer, "answerable": True,
                              "sources": [{"doc_id": doc.id, "passage": fact.sentence}]})
    rng.shuffle(questions)
    questions += [{"question": q, "answer": "not in the documents", "answerable": False, "sources": []}
                  for q in documents.UNANSWERABLE]
    for i, q in enumerate(questions, start=1):
        q["id"] = f"Q{i:03d}"
    out["gold/questions.jsonl"] = jsonl(questions)
    return out


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)


def files(seed: int = SEED) -> dict[str, bytes]:
    """Every generated file: relative path -> bytes."""
    rng = random.Random(seed)
    items = backlog.generate(random.Random(rng.random()))
    out = {
        "backlog/nordlicht_jira.csv": jira_csv(items),
        "backlog/nordlicht_github_issues.json": github_json(rng, items),
        "backlog/nordlicht_azure_devops.csv": azure_csv(items),
        "extraction/claims.jsonl": jsonl(claims.generate(random.Random(rng.random()))),
        "pii/texts.jsonl": jsonl(pii.generate(random.Random(rng.random()))),
        "pii/backlog_pii.jsonl": jsonl([p for i in items for p in i.pii]),
    }
    out.update(document_files(random.Random(rng.random())))
    return {path: data if isinstance(data, bytes) else data.encode("utf-8") for path, data in out.items()}


def generate(out_dir: Path, seed: int = SEED) -> dict:
    """Write every file under ``out_dir`` and ``manifest.json``; return the manifest."""
    out_dir = Path(out_dir)
    manifest = {"seed": seed, "files": {}}
    for rel, data in sorted(files(seed).items()):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest["files"][rel] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest
