"""`shiplab data import` and `shiplab data redact`, through click's test runner."""

import json

from click.testing import CliRunner
from datahelp import FIXTURES

from shiplab.data.cli import data


def invoke(*args, input=None):
    return CliRunner().invoke(data, list(map(str, args)), input=input, catch_exceptions=False)


def test_import_summarises_and_writes_redacted_jsonl(tmp_path):
    """Does `import` summarise the export and write normalized, redacted JSON Lines?"""
    out = tmp_path / "items.jsonl"
    result = invoke("import", FIXTURES / "jira.csv", "--out", out, "--redact")
    assert result.exit_code == 0, result.output
    assert "5 items from" in result.output and "(jira)" in result.output
    assert "Bug 2" in result.output and "internal 4, restricted 1" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["key"] for r in records] == ["NVA-1", "NVA-2", "NVA-3", "NVA-4", "NVA-5"]
    assert "anna.weber@example.com" not in out.read_text() and "[EMAIL]" in records[2]["description"]
    assert records[1]["provenance"] == {"source": "jira.csv", "format": "jira", "row": 3, "line": 3,
                                        "original_id": "10002"}


def test_import_with_mapping_to_csv(tmp_path):
    """Does `--format csv --mapping FILE --out x.csv` import a plain CSV and write a safe CSV?"""
    out = tmp_path / "items.csv"
    result = invoke("import", FIXTURES / "generic_semicolon.csv", "--format", "csv", "--mapping",
                    FIXTURES / "generic_mapping.yaml", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("key,summary,") and "Kündigung online" in out.read_text()
    inline = invoke("import", FIXTURES / "generic_semicolon.csv", "--mapping", "key=Ticket,summary=Kurztext")
    assert inline.exit_code == 0 and "2 items" in inline.output


def test_import_documents_folder(tmp_path):
    """Does `import FOLDER --format docs` import the documents and write them out?"""
    out = tmp_path / "docs.jsonl"
    result = invoke("import", FIXTURES / "docs", "--format", "docs", "--out", out)
    assert result.exit_code == 0, result.output
    assert "3 documents" in result.output and "confidential 1, internal 1, restricted 1" in result.output
    assert {json.loads(line)["id"] for line in out.read_text().splitlines()} == {"claims-guideline", "runbook",
                                                                                 "notes"}


def test_bad_export_is_a_sentence_and_writes_nothing(tmp_path):
    """Does a broken export give its message and a non-zero exit, no traceback, and no output file?"""
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(data, ["import", str(FIXTURES / "broken" / "bad_date.csv"), "--out", str(out)])
    assert result.exit_code == 2
    assert "row 3, column 'Created': cannot read the date 'yesterday'" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_redact_argument_stdin_types_and_json():
    """Does `redact` work on an argument and on standard input, by type, and list its finds as JSON?"""
    assert invoke("redact", "Mail anna.weber@example.com please").output == "Mail [EMAIL] please\n"
    assert invoke("redact", input="IBAN DE89 3704 0044 0532 0130 00\n").output == "IBAN [IBAN]\n"
    kept = invoke("redact", "--types", "IBAN", "Anna Weber, DE89370400440532013000").output
    assert kept == "Anna Weber, [IBAN]\n"
    found = json.loads(invoke("redact", "--json", "Call +49 30 1234567").output)
    assert found == [{"start": 5, "end": 19, "type": "PHONE", "value": "+49 30 1234567", "confidence": 0.9}]
    bad = CliRunner().invoke(data, ["redact", "--types", "SHOE_SIZE", "x"])
    assert bad.exit_code == 2 and "unknown SHOE_SIZE" in bad.output


def test_data_import_starts_without_the_heavy_rooms():
    """Does `shiplab data import` run without importing jsonschema's rfc3987_syntax grammar, nbgrader, chromadb or
    langchain (what made every command take seconds to start)?"""
    import subprocess
    import sys

    code = ("import sys, runpy; sys.argv = ['shiplab', 'data', 'import', sys.argv[1]]\n"
            "try:\n    runpy.run_module('shiplab.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('rfc3987_syntax.syntax_helpers', 'jsonschema', 'nbgrader', 'chromadb', 'langchain_core',"
            " 'bs4')"
            " if m in sys.modules]\nprint('HEAVY', heavy)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(FIXTURES / "jira.csv")], capture_output=True, text=True,
                          timeout=60)
    assert "5 items from" in proc.stdout, proc.stdout + proc.stderr
    assert "HEAVY []" in proc.stdout, proc.stdout
