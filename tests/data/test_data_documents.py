"""A folder of documents in every supported format into Document records: titles, sections, classes."""

import shutil

import pytest
from datahelp import FIXTURES

from shiplab.data import ImportProblem, load_documents


@pytest.fixture
def folder(tmp_path):
    """The committed md/html/txt fixtures plus a PDF and a DOCX made here (binary files are built, not stored)."""
    shutil.copytree(FIXTURES / "docs", tmp_path, dirs_exist_ok=True)
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "wording.pdf"))
    c.setTitle("Motor policy wording")
    c.setSubject("classification: public")
    c.drawString(72, 720, "Section 4: The excess for glass damage is EUR 150.")
    c.save()
    import docx

    d = docx.Document()
    d.core_properties.title, d.core_properties.category = "ADR 7", "adr"
    d.add_heading("ADR 7: Event bus", level=1)
    d.add_paragraph("We use one event bus for claims events.")
    d.add_heading("Consequences", level=2)
    d.add_paragraph("Every service publishes its own events.")
    d.save(str(tmp_path / "adr-007.docx"))
    return tmp_path


def test_every_format_with_titles_sections_and_classes(folder):
    """Do md, html, txt, pdf and docx all read, with titles, sections, doc types and classes?"""
    docs = {d.id: d for d in load_documents(folder)}
    assert set(docs) == {"claims-guideline", "runbook", "notes", "wording", "adr-007"}
    md = docs["claims-guideline"]
    assert (md.title, md.doc_type, md.classification, md.format) == \
        ("Claims guideline: motor", "claims_guideline", "confidential", "md")
    assert md.sections == [("Approval limits", "Handlers approve up to EUR 5,000 alone."),
                           ("Second signature", "Above that, a team lead signs.")]
    assert md.section("Second signature") == "Above that, a team lead signs." and md.section("nope") == ""
    html = docs["runbook"]
    assert html.title == "Portal runbook" and html.doc_type == "runbook"
    assert "color: red" not in html.text and "var x" not in html.text and "systemctl restart portal" in html.text
    assert [h for h, _ in html.sections] == ["Restart", "Check"]
    pdf = docs["wording"]
    assert "excess for glass damage is EUR 150" in pdf.text
    assert (pdf.title, pdf.classification) == ("Motor policy wording", "public")
    assert docs["adr-007"].sections == [("ADR 7: Event bus", "We use one event bus for claims events."),
                                        ("Consequences", "Every service publishes its own events.")]
    assert docs["adr-007"].doc_type == "adr"
    assert docs["notes"].classification == "restricted", "personal data in the text outranks the default"
    assert docs["notes"].provenance.source == "notes.txt" and docs["notes"].provenance.format == "txt"


def test_corrupt_file_named_and_skippable(folder):
    """Is a corrupt PDF reported by name with nothing imported — and can the rest be imported on request?"""
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(ImportProblem) as err:
        load_documents(folder)
    assert "broken.pdf: cannot read this PDF file" in str(err.value)
    assert len(load_documents(folder, skip_bad=True)) == 5


def test_unknown_classification_lists_the_allowed_ones(folder):
    """Is an unknown classification refused, naming the four allowed classes?"""
    (folder / "x.md").write_text("---\nclassification: secret\n---\ntext\n")
    with pytest.raises(ImportProblem, match="'secret' is not one of public, internal, confidential, restricted"):
        load_documents(folder)


def test_bad_front_matter_and_duplicate_ids(folder):
    """Are invalid front matter and two files with one id both reported, with how to fix them?"""
    (folder / "y.md").write_text("---\ntitle: ADR 1: bus: x\n---\ntext\n")
    with pytest.raises(ImportProblem, match="front matter between the --- lines is not valid YAML"):
        load_documents(folder)
    (folder / "y.md").unlink()
    (folder / "notes.md").write_text("# Notes\nsame id as notes.txt\n")
    with pytest.raises(ImportProblem) as err:
        load_documents(folder)
    assert "share the id 'notes'" in str(err.value) and "rename one of them" in str(err.value)


def test_empty_or_missing_folder(tmp_path):
    """Does an empty folder, or a path that is no folder, say so?"""
    with pytest.raises(ImportProblem, match="holds no documents"):
        load_documents(tmp_path)
    with pytest.raises(ImportProblem, match="not a folder"):
        load_documents(tmp_path / "missing")
