"""Write the sample company's files, deterministically, and a manifest of their hashes.

One seeded ``random.Random`` hands each part its own child generator, so changing one part (say, the claims)
does not reshuffle the others. Nothing depends on time, locale or hash order; PDF and DOCX bytes are fixed by
``docwriters``. ``generate`` writes the files and ``manifest.json``; ``files`` returns them without writing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from pathlib import Path

from shiplab.samplegen import backlog, claims, corpus, exports, pii_texts, questions
from shiplab.samplegen.docwriters import RENDER

SEED = 20261124
FORMATS = ["md", "html", "pdf", "docx"]


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)


def document_files(rng: random.Random) -> dict[str, bytes | str]:
    """The documents in four formats (rotating, so each kind appears in several), their index and the gold set."""
    docs = corpus.build(rng)
    out: dict[str, bytes | str] = {}
    index = io.StringIO()
    w = csv.writer(index, lineterminator="\n")
    w.writerow(["id", "file", "title", "doc_type", "classification", "format"])
    for n, doc in enumerate(docs):
        fmt = FORMATS[n % len(FORMATS)]
        out[f"documents/{doc.id}.{fmt}"] = RENDER[fmt](doc)
        w.writerow([doc.id, f"{doc.id}.{fmt}", doc.title, doc.doc_type, doc.classification, fmt])
    out["documents/index.csv"] = index.getvalue()
    out["gold/questions.jsonl"] = jsonl(questions.gold_questions(rng, docs))
    return out


def files(seed: int = SEED) -> dict[str, bytes]:
    """Every generated file: path relative to the output folder -> bytes."""
    rng = random.Random(seed)
    child = [random.Random(rng.getrandbits(64)) for _ in range(6)]
    items = backlog.generate(child[0])
    out: dict[str, bytes | str] = {
        "backlog/nordlicht_jira.csv": exports.jira_csv(items),
        "backlog/nordlicht_github_issues.json": exports.github_json(child[1], items),
        "backlog/nordlicht_azure_devops.csv": exports.azure_csv(child[2], items),
        "extraction/claims.jsonl": jsonl(claims.generate(child[3])),
        "pii/texts.jsonl": jsonl(pii_texts.generate(child[4])),
        "pii/backlog_pii.jsonl": jsonl([p for i in items for p in i.pii]),
    }
    out.update(document_files(child[5]))
    return {path: data if isinstance(data, bytes) else data.encode("utf-8") for path, data in out.items()}


def manifest_of(seed: int, data: dict[str, bytes]) -> dict:
    return {"seed": seed, "regenerate": "python -m shiplab.samplegen --out datasets",
            "files": {rel: {"sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)}
                      for rel, b in sorted(data.items())}}


def generate(out_dir: Path, seed: int = SEED) -> dict:
    """Write every file under ``out_dir`` and ``manifest.json``; return the manifest. Safe to re-run: files this
    generator owns are overwritten, generated files it no longer makes are removed, nothing else is touched."""
    out_dir = Path(out_dir)
    data = files(seed)
    old = out_dir / "manifest.json"
    if old.is_file():
        try:
            stale = set(json.loads(old.read_text()).get("files", {})) - set(data)
        except (ValueError, AttributeError):
            stale = set()
        for rel in stale:
            (out_dir / rel).unlink(missing_ok=True)
    for rel, b in data.items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b)
    manifest = manifest_of(seed, data)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
