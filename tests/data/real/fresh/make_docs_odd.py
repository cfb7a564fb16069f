"""Builds two odd documentation trees in a scratch folder (hand-written content, CC0); nothing here is committed.

Run: .venv/bin/python tests/data/real/fresh/make_docs_odd.py OUT
  OUT/odd/  symlinks out of the tree (/etc/passwd, /etc/shadow, a file outside), a dangling link, a link loop,
            BOM + CRLF, Windows-1252, front matter, empty and blank files, a PNG named .md, a 24 MB .md,
            setup.md beside setup.html, index.md beside index.rst, HTML with nav/script/footer, a Unicode folder.
  OUT/bin/  a DOCX with a table, a text PDF (two pages), a PDF without text, a truncated PDF, a .docx that is
            not a zip, a .zip.  (needs python-docx and reportlab, which shiplab's environment has)
Symlinks are not committed on purpose: a test walking tests/data must not read /etc/shadow.
"""
import os
import random
import sys
import zipfile
from pathlib import Path


def odd(root: Path):
    outside = root.parent / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.md").write_text("SECRET outside the tree: root password hunter2\n")
    for sub in ("guide", "api/v1", "_build/html", ".git", "node_modules/pkg", "Ünïcode Ordner"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    g = root / "guide"
    (g / "frontmatter.md").write_text("---\ntitle: Front Matter Title\nauthor: Jane Roe\n---\n\n"
                                      "# Heading After Front Matter\n\nThe deploy key rotates every 90 days.\n")
    (g / "bom_crlf.md").write_bytes(b"\xef\xbb\xbf# BOM Heading\r\n\r\nThe backup runs at 02:00 UTC.\r\n")
    (g / "latin1.md").write_bytes("# Latin-1 Überschrift\n\nDie Größe des Caches beträgt 5 GB.\n".encode("cp1252"))
    (g / "empty.md").write_bytes(b"")
    (g / "blank.md").write_text("\n\n   \n")
    (g / "screenshot.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (g / "setup.md").write_text("# Guide MD\n")
    (g / "setup.html").write_text("<html><body><h1>Guide HTML</h1><p>setup html</p></body></html>")
    rnd = random.Random(1)
    words = ["alpha", "beta", "gamma", "delta", "cache", "deploy", "token"]
    with open(root / "api" / "huge.md", "w") as f:
        f.write("# Huge\n\n")
        for _ in range(400_000):
            f.write(" ".join(rnd.choice(words) for _ in range(10)) + "\n")
    (root / "api" / "index.md").write_text("# Index md\n")
    (root / "api" / "index.rst").write_text("Index rst\n=========\n\nrst body\n")
    (root / "api" / "v1" / "limits.html").write_text(
        '<!DOCTYPE html><html><head><title>API v1</title><style>body{color:red}</style><script>var token="abc";'
        "</script></head><body><nav>Home | Docs | Blog</nav><main><h1>Rate limits</h1><p>Each client may send 100 "
        "requests per minute.</p></main><footer>© 2026</footer></body></html>")
    (root / "_build" / "html" / "built.md").write_text("# Built\n")
    (root / "node_modules" / "pkg" / "README.md").write_text("# npm readme\n")
    (root / "Ünïcode Ordner" / "Übersicht Prozesse.md").write_text("# Übersicht\n")
    for link, target in [(g / "link_outside.md", outside / "secret.md"), (root / "linked_dir", outside),
                         (root / "passwd.md", Path("/etc/passwd")), (root / "shadow.md", Path("/etc/shadow")),
                         (root / "loop", Path("..")), (root / "dangling.md", Path("/nonexistent/x.md"))]:
        if not link.is_symlink():
            os.symlink(target, link)


def binary(root: Path):
    import docx
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    root.mkdir(parents=True, exist_ok=True)
    d = docx.Document()
    d.add_heading("Onboarding runbook", 1)
    d.add_paragraph("New engineers get VPN access from the IT desk within two days.")
    t = d.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "System", (0, 1): "Owner", (1, 0): "Billing", (1, 1): "Team Kappa"}.items():
        t.cell(r, c).text = text
    d.save(root / "runbook.docx")
    c = canvas.Canvas(str(root / "policy.pdf"), pagesize=A4)
    c.drawString(72, 800, "Travel policy")
    c.drawString(72, 780, "Economy class for flights under six hours.")
    c.showPage()
    c.drawString(72, 800, "Page two: hotels up to EUR 150 per night.")
    c.save()
    c = canvas.Canvas(str(root / "scanned.pdf"), pagesize=A4)
    c.rect(50, 50, 200, 200, fill=1)
    c.save()
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n")
    (root / "fake.docx").write_bytes(b"this is not a zip")
    with zipfile.ZipFile(root / "export.zip", "w") as z:
        z.writestr("a.md", "# zipped")


if __name__ == "__main__":
    out = Path(sys.argv[1])
    odd(out / "odd")
    binary(out / "bin")
    print(f"wrote {out}/odd and {out}/bin")
