"""A folder of documents in every supported format, and the `shiplab data` command."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shiplab.data import ImportProblem, load_documents

DATASETS = Path(__file__).resolve().parents[2] / "datasets"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "claims-guideline.md").write_text(
        "---\ntitle: Claims guideline\ndoc_type: guideline\nclassification: internal\n---\n# Approval limits\n"
        "Handlers approve up to EUR 5,000 alone.\n## Second signature\nAbove that, a team lead signs.\n")
    (tmp_path / "runbook.html").write_text(
        "<html><head><title>Portal runbook</title><style>p{}</style></head><body><h1>Restart</h1>"
        "<p>Restart the portal with <b>systemctl</b>.</p><h2>Check</h2><p>Open /health.</p></body></html>")
    (tmp_path / "notes.txt").write_text("Plain notes about hail claims.")
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "wording.pdf"))
    c.setTitle("Motor policy wording")
    c.drawString(72, 720, "Section 4: The excess for glass damage is EUR 150.")
    c.save()
    import docx

    d = docx.Document()
    d.add_heading("ADR 7: Event bus", level=1)
    d.add_paragraph("We use one event bus for claims events.")
    d.save(str(tmp_path / "adr-007.docx"))
    return tmp_path


def test_every_format_reads_with_sections(folder):
    """Do md, html, txt, pdf and docx all read, with titles, sections and front-matter classes?"""
    docs = {d.id: d for d in load_documents(folder)}
    assert set(docs) == {"claims-guideline", "runbook", "notes", "wording", "adr-007"}
    md = docs["claims-guideline"]
    assert md.title == "Claims guideline" and md.doc_type == "guideline"
    assert ("Second signature", "Above that, a team lead signs.") in md.sections
    assert docs["runbook"].title == "Portal runbook" and "p{}" not in docs["runbook"].text
    assert [h for h, _ in docs["runbook"].sections] == ["Restart", "Check"]
    assert "excess for glass damage is EUR 150" in docs["wording"].text and docs["wording"].title == "Motor policy wording"
    assert docs["adr-007"].sections == [("ADR 7: Event bus", "We use one event bus for claims events.")]


def test_corrupt_file_is_named_and_can_be_skipped(folder):
    """Is a corrupt PDF reported by name (nothing imported), and can it be skipped on request?"""
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(ImportProblem, match="broken.pdf"):
        load_documents(folder)
    assert len(load_documents(folder, skip_bad=True)) == 5


def test_bad_front_matter_class(folder):
    """Is an unknown classification in front matter refused with the allowed values?"""
    (folder / "x.md").write_text("---\nclassification: secret\n---\ntext\n")
    with pytest.raises(ImportProblem, match="public, internal, confidential, restricted"):
        load_documents(folder)


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "shiplab.cli", "data", *args], capture_output=True, text=True,
                          input=stdin, timeout=120)


def test_cli_import_summarises_and_writes(tmp_path):
    """Does `shiplab data import` summarise the export and write normalized JSON Lines?"""
    out = tmp_path / "items.jsonl"
    proc = run("import", str(DATASETS / "backlog" / "nordlicht_jira.csv"), "--out", str(out), "--redact")
    assert proc.returncode == 0, proc.stderr
    assert "1100 items" in proc.stdout and "restricted" in proc.stdout
    first = json.loads(out.read_text().splitlines()[0])
    assert first["key"] == "NVA-1" and first["provenance"]["format"] == "jira"
    assert "@example" not in out.read_text(), "--redact must remove e-mail addresses"


def test_cli_bad_file_is_one_sentence(tmp_path):
    """Does a bad export give a clear message and a non-zero exit, without a traceback?"""
    bad = tmp_path / "team.csv"
    bad.write_text("a,b\n1,2\n")
    proc = run("import", str(bad))
    assert proc.returncode != 0 and "cannot tell which tool exported" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_redact_stdin():
    """Does `shiplab data redact` read standard input?"""
    proc = run("redact", stdin="Mail anna.weber@example.com please")
    assert proc.stdout.strip() == "Mail [EMAIL] please"
