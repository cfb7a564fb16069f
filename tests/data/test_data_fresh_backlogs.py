"""The backlog importers on the fresh real material of the attack on issue 17 (tests/data/real/fresh/, sources and
licences in its README): Jira's Status Category, Jira in the UI's language, US dates told from the column, and the
small things a participant must be told."""

import csv
import io
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from shiplab.data import ImportProblem, load_backlog

FRESH = Path(__file__).resolve().parent / "real" / "fresh"
UNUSUAL = FRESH / "unusual"
UTC = timezone.utc


def _without(path: Path, column: str, out: Path) -> Path:
    """A copy of a CSV without one column (as Jira writes it when the column is not in the view)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    i = rows[0].index(column)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def test_jira_cloud_done_category_counts_done_with_empty_resolution(tmp_path):
    """Do GP-1 (Done) and GP-3 (Cancelled), whose Status Category is Done but whose Resolution/Resolved are empty,
    count resolved — dated when the category changed — while GP-4 (In Progress) stays open, with a note?"""
    items = load_backlog(UNUSUAL / "jira_cloud_status_category.csv")
    got = {i.key: i.resolved for i in items}
    assert got == {"GP-1": datetime(2025, 12, 12, 10, 8, tzinfo=UTC), "GP-2": datetime(2025, 12, 17, 17, 4, tzinfo=UTC),
                   "GP-3": datetime(2025, 12, 2, 9, 0, tzinfo=UTC), "GP-4": None}
    assert any("2 issues counted resolved from 'Status Category'" in n for n in items.notes), items.notes


def test_jira_cloud_same_answer_with_or_without_an_empty_resolved_column(tmp_path):
    """Does dropping the empty Resolved column (or the Status Category column) leave which issues are done as it
    was, so that what Jira happened to include does not change the answer?"""
    full = load_backlog(UNUSUAL / "jira_cloud_status_category.csv")
    no_resolved = load_backlog(_without(UNUSUAL / "jira_cloud_status_category.csv", "Resolved", tmp_path / "a.csv"))
    no_category = load_backlog(_without(tmp_path / "a.csv", "Status Category", tmp_path / "b.csv"))
    done = [i.key for i in full if i.resolved]
    assert done == ["GP-1", "GP-2", "GP-3"]
    assert [i.key for i in no_resolved if i.resolved] == done
    assert [i.key for i in no_category if i.resolved] == done, "Cancelled is a closing status on its own too"


def test_status_category_decides_over_the_status_name():
    """Does a known to-do/in-progress category keep an item open whatever its status is called, and a done one
    (in Spanish, German, French or Portuguese) close it?"""
    from shiplab.data.resolution import says_resolved

    assert not says_resolved("Closed-ish", "", "In Progress") and not says_resolved("Done", "", "Por hacer")
    assert all(says_resolved("Aborted", "", c) for c in ("Done", "Listo", "Fertig", "Terminé", "Itens concluídos"))
    assert says_resolved("Aborted") and not says_resolved("Validation")


def test_azure_removed_is_not_open():
    """Is Azure DevOps work item 4413 (State Removed, no Closed Date) counted resolved — not open — with a note
    that says closed or removed and the date column actually used?"""
    items = load_backlog(UNUSUAL / "azure_flat.csv")
    by = {i.key: i for i in items}
    assert by["4413"].status == "Removed" and by["4413"].resolved is not None and by["4412"].resolved is None
    assert any("(closed or removed), dated by 'Changed Date'" in n for n in items.notes), items.notes
    tree = load_backlog(UNUSUAL / "azure_tree.csv")
    assert any("the file has no 'Changed Date'" in n for n in tree.notes), tree.notes


def test_spanish_jira_cloud_export_imports_without_a_mapping():
    """Does fleetbase's Jira Cloud export with Spanish headers (Resumen, Clave de incidencia, Creada, three Etiquetas)
    import on its own to exactly what its committed mapping.yaml gives, and say the language it read?"""
    folder = FRESH / "jira-cloud-es"
    auto = load_backlog(folder / "Jira.csv")
    mapped = load_backlog(folder / "Jira.csv", "csv", folder / "mapping.yaml")
    assert auto.format == "jira" and len(auto) == 15 == len(mapped)
    for a, m in zip(auto, mapped):
        assert (a.key, a.summary, a.type, a.status, a.created, a.resolved, a.labels, a.description) == \
               (m.key, m.summary, m.type, m.status, m.created, m.resolved, m.labels, m.description)
    assert auto[0].key == "LIPU-144" and auto[0].created.year == 2025
    assert any(len(i.labels) > 1 for i in auto), "the three Etiquetas columns are merged"
    assert any("UI language 'es'" in n for n in auto.notes)


@pytest.mark.parametrize("lang,names", [
    ("de", ["Zusammenfassung", "Vorgangsschlüssel", "Vorgangstyp", "Status", "Erstellt", "Erledigt", "Stichwörter"]),
    ("fr", ["Résumé", "Clé de ticket", "Type de ticket", "État", "Création", "Résolue", "Priorité"]),
    ("pt", ["Resumo", "Chave da item", "Tipo de item", "Status", "Criado", "Resolvido", "Responsável"]),
])
def test_jira_headers_in_german_french_portuguese(tmp_path, lang, names):
    """Do Jira's German, French and Portuguese column names (as real exports write them) import as Jira, with the
    resolved date read from the localized Resolved column?"""
    f = tmp_path / f"jira_{lang}.csv"
    f.write_text(",".join(names) + "\nLogin kaputt,AB-1,Bug,Done,04/Dec/25 3:03 PM,05/Dec/25 9:00 AM,"
                 + ("x" if lang == "de" else "Ana") + "\n", encoding="utf-8")
    items = load_backlog(f)
    assert items.format == "jira" and items[0].key == "AB-1" and items[0].summary == "Login kaputt"
    assert items[0].resolved == datetime(2025, 12, 5, 9, 0, tzinfo=UTC)


def test_jira_in_an_unknown_language_names_it_and_shows_the_mapping(tmp_path):
    """Is a Jira export in a language shiplab does not read (Italian headers over the real Spanish file) told as a
    Jira export, with the mapping file to write — not 'export it again unchanged', and never 'Parent summary'?"""
    rows = list(csv.reader(io.StringIO((FRESH / "jira-cloud-es" / "Jira.csv").read_text(encoding="utf-8"))))
    rename = {"Resumen": "Riepilogo", "Clave de incidencia": "Chiave", "Estado": "Stato"}
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[rename.get(h, h) for h in rows[0]]] + rows[1:])
    home = tmp_path / "home"
    (home / "backlog").mkdir(parents=True)
    (home / "backlog" / "Jira.csv").write_text(buf.getvalue(), encoding="utf-8")
    from shiplab.data import find_user_backlog

    with pytest.raises(ImportProblem) as exc:
        find_user_backlog(home)
    assert "a Jira export whose column names shiplab does not know" in exc.value.reason
    assert "mapping.yaml" in exc.value.hint and "summary: " in exc.value.hint
    assert "export it again" not in exc.value.hint
    with pytest.raises(ImportProblem) as exc:
        load_backlog(home / "backlog" / "Jira.csv", "jira")
    assert "Parent summary" not in exc.value.hint
    shutil.copy(FRESH / "jira-cloud-es" / "mapping.yaml", home / "backlog" / "mapping.yaml")
    mapping = home / "backlog" / "mapping.yaml"
    text = mapping.read_text()
    for es, it in rename.items():
        text = text.replace(es, it)
    mapping.write_text(text)
    assert len(find_user_backlog(home)) == 15, "with the mapping it imports"


def test_us_dates_month_first_proved_by_one_value():
    """Is jira_us_dates.csv read month-first — 3/15/24 proves it — so 3/5/24 is 5 March and 12/1/24 is 1 December?"""
    items = {i.key: i for i in load_backlog(UNUSUAL / "jira_us_dates.csv")}
    assert items["SHOP-1"].created == datetime(2024, 3, 5, 9, 4, tzinfo=UTC)
    assert items["SHOP-2"].created == datetime(2024, 3, 15, 9, 4, tzinfo=UTC)
    assert items["SHOP-3"].created == datetime(2024, 12, 1, 13, 0, tzinfo=UTC)


def test_ambiguous_us_dates_are_refused_with_both_formats(tmp_path):
    """Is jira_us_dates_ambiguous.csv (no number above 12) refused — in ~/backlog too — with the two formats to
    choose from, and imported month-first once --date-format says so?"""
    with pytest.raises(ImportProblem) as exc:
        load_backlog(UNUSUAL / "jira_us_dates_ambiguous.csv")
    assert "cannot tell whether the dates" in exc.value.reason and exc.value.column == "Created"
    assert "--date-format '%m/%d/%y %I:%M %p' (month first" in exc.value.hint
    assert "--date-format '%d/%m/%y %I:%M %p' (day first)" in exc.value.hint
    home = tmp_path
    (home / "backlog").mkdir()
    shutil.copy(UNUSUAL / "jira_us_dates_ambiguous.csv", home / "backlog" / "export.csv")
    from shiplab.data import find_user_backlog

    with pytest.raises(ImportProblem, match="cannot tell whether the dates"):
        find_user_backlog(home)
    (home / "backlog" / "mapping.yaml").write_text("date_format: '%m/%d/%y %I:%M %p'\n")
    items = {i.key: i for i in find_user_backlog(home)}
    assert items["SHOP-3"].created == datetime(2024, 12, 1, 13, 0, tzinfo=UTC)


def test_unreadable_date_hint_follows_the_evidence(tmp_path):
    """Does a bad date in a month-first file get a month-first --date-format hint (not the day-first one)?"""
    text = (UNUSUAL / "jira_us_dates.csv").read_text(encoding="utf-8").replace("1/2/24 8:00 AM", "13/31/24 8:00 AM", 1)
    f = tmp_path / "bad.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ImportProblem) as exc:
        load_backlog(f)
    assert "--date-format '%m/%d/%y %I:%M %p'" in str(exc.value) and "'%d/%m/%Y %H:%M'" not in str(exc.value)


def test_a_stray_date_in_another_style_is_noted(tmp_path):
    """Is a 03/05/24 among 12/Mar/24 dates read but noted, so mixed styles do not pass without a word?"""
    f = tmp_path / "mixed.csv"
    f.write_text("Summary,Issue key,Issue Type,Status,Created\nA,B-1,Bug,Open,12/Mar/24 9:15 AM\n"
                 "B,B-2,Bug,Open,14/Mar/24 9:15 AM\nC,B-3,Bug,Open,03/05/24\n", encoding="utf-8")
    items = load_backlog(f)
    assert any("1 date written in another style" in n and "day-first" in n for n in items.notes), items.notes


def test_azure_ambiguous_dates_read_its_default_way_with_a_note():
    """Is azure_flat.csv (every number ≤ 12) read month-first as Azure DevOps' default — and told so, with the
    day-first format to use otherwise?"""
    items = load_backlog(UNUSUAL / "azure_flat.csv")
    assert {i.key: i for i in items}["4411"].created == datetime(2026, 3, 4, 18, 55, 3, tzinfo=UTC)
    assert any("read month-first" in n and "--date-format '%d/%m/%Y %I:%M:%S %p'" in n for n in items.notes)


def test_resolved_before_created_is_noted():
    """Is SHOP-3 of jira_extreme_dates.csv, resolved before it was created, named in a note?"""
    items = load_backlog(UNUSUAL / "jira_extreme_dates.csv")
    assert any("resolved before" in n and "SHOP-3" in n for n in items.notes), items.notes


def test_backlog_folder_says_which_file_and_what_to_do_with_a_spreadsheet(tmp_path):
    """Does ~/backlog with an export.xlsx say to save it as CSV (not 'no export'), and with two exports name the one
    imported and the one not?"""
    import os

    from shiplab.data import find_user_backlog

    folder = tmp_path / "backlog"
    folder.mkdir()
    (folder / "export.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ImportProblem, match="a spreadsheet") as exc:
        find_user_backlog(tmp_path)
    assert "CSV UTF-8" in exc.value.hint
    shutil.copy(FRESH / "jira-cloud-es" / "Jira.csv", folder / "jira.csv")
    shutil.copy(UNUSUAL / "gh_list_bom.json", folder / "issues.json")
    os.utime(folder / "jira.csv", (1_000_000_000, 1_000_000_000))
    items = find_user_backlog(tmp_path)
    assert items.format == "github"
    assert any("imported the newest, issues.json; not jira.csv" in n for n in items.notes), items.notes


def test_out_does_not_create_folders(tmp_path):
    """Does `--out` into a folder that does not exist refuse (exit 2) and create nothing?"""
    from click.testing import CliRunner

    from shiplab.cli import main

    out = tmp_path / "nope" / "deeper" / "x.jsonl"
    result = CliRunner().invoke(main, ["data", "import", str(UNUSUAL / "jira_us_dates.csv"), "--out", str(out)])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "nope").exists()
