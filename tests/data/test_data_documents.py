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


def test_bad_front_matter_is_reported(folder):
    """Is invalid front matter reported, with how to fix it?"""
    (folder / "y.md").write_text("---\ntitle: ADR 1: bus: x\n---\ntext\n")
    with pytest.raises(ImportProblem, match="front matter between the --- lines is not valid YAML"):
        load_documents(folder)


def test_two_files_of_one_name_keep_their_extension_in_the_id(folder):
    """Do notes.md and notes.txt both import, as 'notes.md' and 'notes.txt', while other ids stay bare?"""
    (folder / "notes.md").write_text("# Notes\nthe Markdown twin of notes.txt\n")
    docs = {d.id: d for d in load_documents(folder)}
    assert {"notes.md", "notes.txt", "claims-guideline", "runbook"} <= set(docs)
    assert docs["notes.md"].format == "md" and docs["notes.txt"].provenance.source == "notes.txt"


def test_nested_tree_ids_are_relative_paths(tmp_path):
    """Do seven index.md in seven folders import as seven documents with ids like 'topic/index'?"""
    for name in ("", "topic", "howto", "howto/admin", "install", "reference", "contributing"):
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
        (tmp_path / name / "index.md").write_text(f"# {name or 'Home'}\n\nAbout {name or 'everything'}.\n")
    docs = load_documents(tmp_path)
    assert sorted(d.id for d in docs) == ["contributing/index", "howto/admin/index", "howto/index", "index",
                                          "install/index", "reference/index", "topic/index"]
    assert {d.provenance.source for d in docs} >= {"topic/index.md", "index.md"}
    assert next(d for d in docs if d.id == "howto/admin/index").title == "howto/admin"


def test_files_that_are_not_documents_are_left_out_with_a_note(tmp_path):
    """Are requirements.txt, conf.py, images, _build/ and .git/ left out and listed — while requirements.md, a
    plain .txt and a reST page are documents?"""
    (tmp_path / "requirements.md").write_text("# Requirements\n\nA hub needs 1 GB of memory.\n")
    (tmp_path / "requirements.txt").write_text("sphinx>=7\nmyst-parser\n")
    (tmp_path / "conf.py").write_text("project = 'x'\n")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "notes.txt").write_text("Plain notes are a document.\n")
    (tmp_path / "guide.rst").write_text("Install guide\n=============\n\nRun it.\n\nUpgrade\n-------\n\nAgain.\n")
    (tmp_path / "_build").mkdir()
    (tmp_path / "_build" / "index.html").write_text("<p>built</p>")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: main")
    docs = load_documents(tmp_path)
    assert sorted(d.id for d in docs) == ["guide", "notes", "requirements"]
    assert sorted(docs.skipped) == ["_build/index.html: a build or static folder",
                                    "conf.py: not a document type (.py)", "logo.png: not a document type (.png)",
                                    "requirements.txt: a tool's file, not a document"]
    rst = next(d for d in docs if d.id == "guide")
    assert rst.format == "rst" and rst.title == "Install guide"
    assert rst.sections == [("Install guide", "Run it."), ("Upgrade", "Again.")]


def test_empty_or_missing_folder(tmp_path):
    """Does an empty folder, or a path that is no folder, say so?"""
    with pytest.raises(ImportProblem, match="holds no documents"):
        load_documents(tmp_path)
    with pytest.raises(ImportProblem, match="not a folder"):
        load_documents(tmp_path / "missing")
