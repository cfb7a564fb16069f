"""Roster import: every bad row reported by line, nothing half-applied, re-import never duplicates."""

import json

import pytest

from shiplab.errors import RosterError
from shiplab import roster

GOOD = """username,full_name,email,role,team,manager
ines,Ines Wagner,ines@x.example,instructor,,
marta,Marta Keller,marta@x.example,manager,,
anna,Anna Berger,anna@x.example,participant,claims,marta
ben,Ben Okafor,ben@x.example,participant,portal,marta
"""


def test_groups_follow_roles_and_teams():
    """Are people put into their role group and their team group?"""
    groups = roster.groups_of(roster.parse(GOOD))
    assert groups["participants"] == ["anna", "ben"]
    assert groups["instructors"] == ["ines"]
    assert groups["managers"] == ["marta"]
    assert groups["team-claims"] == ["anna"] and groups["team-portal"] == ["ben"]


@pytest.mark.parametrize("row, fragment", [
    ("Anna,Anna B,anna@x.example,participant,claims,", "username 'Anna'"),
    ("root;rm,R,r@x.example,participant,claims,", "username 'root;rm'"),
    ("carl,Carl,not-an-email,participant,claims,", "email 'not-an-email'"),
    ("carl,Carl,c@x.example,student,claims,", "role 'student'"),
    ("carl,Carl,c@x.example,participant,,", "a participant needs a team"),
    ("carl,<script>,c@x.example,participant,claims,", "full_name"),
    ("anna,Anna Again,a2@x.example,participant,claims,", "already appears on line 4"),
    ("carl,Carl,c@x.example,participant,claims,ines", "manager 'ines'"),
    ("carl,Carl", "expected 6 columns"),
])
def test_bad_row_is_reported_by_line(row, fragment):
    """Is a bad row reported with its line number and what is wrong?"""
    with pytest.raises(RosterError) as err:
        roster.parse(GOOD + row + "\n", source="r.csv")
    text = str(err.value)
    assert "\n  line 6: " in text, text  # the bad row is the sixth line (header + four good rows before it)
    assert fragment in text, text
    assert "nothing was imported" in text


def test_all_problems_reported_at_once():
    """Are several bad rows all reported in one go?"""
    bad = GOOD + "X,a,b,c,d,e\nY,a,b,c,d,e\n"
    with pytest.raises(RosterError) as err:
        roster.parse(bad)
    assert "line 6" in str(err.value) and "line 7" in str(err.value)
    assert "2 problem(s)" in str(err.value)


def test_missing_columns_are_named():
    """Does a missing column name itself and what was found?"""
    with pytest.raises(RosterError, match="missing column\\(s\\) team, manager; found username"):
        roster.parse("username,full_name,email,role\nanna,A,a@x.example,participant\n")


def test_empty_file():
    """Is an empty file a clear error?"""
    with pytest.raises(RosterError, match="empty"):
        roster.parse("")


def test_bom_and_cp1252(tmp_path):
    """Does a roster saved by Excel (BOM, or Windows-1252) import?"""
    f = tmp_path / "r.csv"
    f.write_bytes(("\ufeff" + GOOD).encode("utf-8"))
    assert len(roster.read(f)) == 4
    f.write_bytes(GOOD.replace("Anna Berger", "Chloé Berger").encode("cp1252"))
    assert any(p.full_name == "Chloé Berger" for p in roster.read(f))


def test_save_is_atomic_and_private(tmp_path):
    """Is the saved roster complete JSON, readable only by its owner, and unchanged by a failed import?"""
    people = roster.parse(GOOD)
    path = roster.save(people, tmp_path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert len(json.loads(path.read_text())["people"]) == 4
    with pytest.raises(RosterError):
        roster.parse(GOOD + "bad row\n")
    assert roster.load(tmp_path) == people
