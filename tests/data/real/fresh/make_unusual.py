"""Writes the merely-unusual export files of tests/data/real/fresh/unusual/ (hand-written content, CC0).

Run: python tests/data/real/fresh/make_unusual.py [OUT]   (default: the unusual/ folder beside this file).
`--big` also writes big_10k.csv (10,000 rows, ~1.7 MB; not committed).
"""
import csv
import io
import json
import os
import sys
from pathlib import Path

HEADER = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Priority", "Resolution", "Assignee",
          "Reporter", "Created", "Updated", "Resolved", "Labels", "Labels", "Description"]


def rows(n=12):
    out = []
    for i in range(1, n + 1):
        done = i % 3 == 0
        out.append([f"Checkout fails for café orders #{i}", f"SHOP-{i}", str(10000 + i), "Bug" if i % 2 else "Story",
                    "Done" if done else "In Progress", "Major", "Fixed" if done else "", "", "",
                    f"{i % 28 + 1:02d}/Mar/24 9:{i % 60:02d} AM", f"{i % 28 + 1:02d}/Apr/24 10:00 AM",
                    f"{i % 28 + 1:02d}/Apr/24 10:00 AM" if done else "", "payments", "",
                    f"Steps: open cart, pay with card.\nExpected: receipt €{i},50.\nActual: error 500."])
    return out


def write_csv(path, header, body, *, delimiter=",", encoding="utf-8", newline="\n", bom=False):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    w.writerow(header)
    w.writerows(body)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def main(out: Path, big: bool):
    out.mkdir(parents=True, exist_ok=True)
    base = rows()
    write_csv(out / "jira_bom_crlf.csv", HEADER, base, newline="\r\n", bom=True)
    # Excel in a German/French locale: semicolons, dd.mm.yyyy HH:MM dates
    semi = [r[:9] + [r[9].replace("/Mar/24 9:", ".03.2024 09:").replace(" AM", ""), "",
                     r[11].replace("/Apr/24 10:00 AM", ".04.2024 10:00")] + r[12:] for r in base]
    write_csv(out / "jira_semicolon_excel.csv", HEADER, semi, delimiter=";", newline="\r\n")
    write_csv(out / "jira_cp1252.csv", HEADER, base, encoding="cp1252", newline="\r\n")
    order = [14, 11, 9, 4, 0, 3, 1]  # Description first, Issue key last
    write_csv(out / "jira_column_order.csv", [HEADER[i] for i in order], [[r[i] for i in order] for r in base])
    quoted = [r[:] for r in base]
    quoted[0][0] = 'Summary with "quotes", commas, and\na newline'
    quoted[1][14] = "Line 1\n\n\nLine 4 after blank lines\r\nwindows line\n\"quoted\" ,;\t tab"
    write_csv(out / "jira_quoted_newlines.csv", HEADER, quoted)
    (out / "empty.csv").write_bytes(b"")
    write_csv(out / "jira_header_only.csv", HEADER, [])
    dup = base[:4] + [base[1][:]]
    dup[-1][0] = "A different summary under the same key"
    write_csv(out / "jira_duplicate_keys.csv", HEADER, dup)
    ext = [r[:] for r in base[:4]]
    ext[0][9], ext[0][11], ext[0][4] = "01/Jan/00 12:00 AM", "", "Open"      # two-digit year 00
    ext[1][9], ext[1][11], ext[1][4], ext[1][6] = "15/Mar/99 8:00 AM", "16/Mar/99 8:00 AM", "Done", "Fixed"
    ext[2][9], ext[2][11] = "12/Jan/24 9:00 AM", "11/Jan/24 9:00 AM"          # resolved before created
    ext[3][9], ext[3][4] = "31/Dec/99 11:59 PM", "Open"
    write_csv(out / "jira_extreme_dates.csv", HEADER, ext)
    emo = [r[:] for r in base[:3]]
    emo[0][0], emo[0][12] = "🚀 Launch dark mode 🌙 for 👩‍💻 devs", "ux✨"
    emo[1][14] = "Reported via 📧 by a customer 😡; see screenshot 🖼️. ZWJ: 👨‍👩‍👧‍👦, flags: 🇩🇪🇪🇸"
    write_csv(out / "jira_emoji.csv", HEADER, emo)
    long = [r[:] for r in base[:2]]
    long[0][14] = ("Stack trace follows.\n" + "  at com.shop.Checkout.pay(Checkout.java:42)\n" * 1400)[:60000]
    write_csv(out / "jira_long_description.csv", HEADER, long)
    # Azure DevOps: a flat query export and a tree ("Title 1/2/3") export, as Boards writes them
    ado_h = ["ID", "Work Item Type", "Title", "Assigned To", "State", "Tags", "Created Date", "Changed Date",
             "Closed Date", "Area Path", "Iteration Path", "Description"]
    ado = [["4411", "Bug", "Login button does nothing on Safari", "Alice Chen <alice.chen@contoso.com>", "Closed",
            "web; safari", "3/4/2026 6:55:03 PM", "3/9/2026 3:00:00 PM", "3/9/2026 3:00:00 PM", r"Shop\Web",
            r"Shop\Sprint 9", "<div>Click <b>Log in</b> on Safari 17.</div><div><br></div><ul><li>nothing</li></ul>"],
           ["4412", "User Story", "As a buyer I want Apple Pay", "", "Active", "", "3/5/2026 9:15:00 AM",
            "3/6/2026 9:15:00 AM", "", r"Shop\Payments", r"Shop\Sprint 10", "<p>Add Apple&nbsp;Pay &amp; Google Pay</p>"],
           ["4413", "Task", "Write release notes", "", "Removed", "", "3/6/2026 9:15:00 AM", "3/7/2026 9:15:00 AM",
            "", r"Shop", r"Shop\Sprint 10", ""]]
    write_csv(out / "azure_flat.csv", ado_h, ado, newline="\r\n", bom=True)
    tree_h = ["ID", "Work Item Type", "Title 1", "Title 2", "Title 3", "State", "Area Path", "Created Date"]
    tree = [["100", "Epic", "Checkout revamp", "", "", "Active", "Shop", "1/10/2026 8:00:00 AM"],
            ["101", "Feature", "", "Payments", "", "Active", "Shop", "1/11/2026 8:00:00 AM"],
            ["102", "User Story", "", "", "Pay with card", "Closed", "Shop", "1/12/2026 8:00:00 AM"]]
    write_csv(out / "azure_tree.csv", tree_h, tree, newline="\r\n", bom=True)
    # GitHub: gh issue list --json (camelCase, OPEN/CLOSED), with a BOM, as JSON Lines with a blank line
    gh = [{"number": 7, "title": "Crash on start", "body": "<!-- template: describe the bug -->\nIt crashes.",
           "state": "CLOSED", "stateReason": "COMPLETED", "createdAt": "2026-01-02T10:00:00Z",
           "closedAt": "2026-01-03T10:00:00Z", "labels": [{"name": "bug"}], "author": {"login": "octo"}},
          {"number": 8, "title": "Docs typo", "body": "", "state": "OPEN", "createdAt": "2026-01-04T10:00:00Z",
           "closedAt": None, "labels": [], "author": {"login": "octo"}}]
    (out / "gh_list_bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(gh, ensure_ascii=False).encode())
    (out / "gh_lines_blank.jsonl").write_text("\n".join(json.dumps(x) for x in gh[:1]) + "\n\n" +
                                             json.dumps(gh[1]) + "\n", encoding="utf-8")
    # Jira Cloud "all fields": Status Category says Done, but Resolution/Resolved are empty (the shape of a real
    # Cloud export whose workflow never sets a resolution; 119 of 219 items in the one we found)
    sc_h = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Resolution", "Created", "Updated",
            "Resolved", "Description", "Status Category", "Status Category Changed"]
    sc = [["Crash on Facebook login", "GP-1", "1001", "Bug", "Done", "", "04/Dec/25 3:03 PM", "12/Dec/25 10:08 AM",
           "", "Tapping Login crashes the app.", "Done", "12/Dec/25 10:08 AM"],
          ["Failsafe popup missing", "GP-2", "1002", "Bug", "Done", "Done", "17/Dec/25 10:57 AM", "17/Dec/25 5:04 PM",
           "17/Dec/25 5:04 PM", "No popup in the lobby.", "Done", "17/Dec/25 5:04 PM"],
          ["Old season rewards", "GP-3", "1003", "Task", "Cancelled", "", "01/Dec/25 9:00 AM", "02/Dec/25 9:00 AM",
           "", "Not needed any more.", "Done", "02/Dec/25 9:00 AM"],
          ["Trophy value not refreshed", "GP-4", "1004", "Bug", "Validation", "", "22/Dec/25 2:38 PM",
           "05/Jan/26 6:01 AM", "", "Wallet shows the old value.", "In Progress", "22/Dec/25 3:45 PM"]]
    write_csv(out / "jira_cloud_status_category.csv", sc_h, sc)
    # Jira whose date format is set to M/d/yy: one day > 12 in the column, and a file where every date is ambiguous
    us = [r[:] for r in base[:4]]
    for r, d in zip(us, ["3/5/24 9:04 AM", "3/15/24 9:04 AM", "12/1/24 1:00 PM", "1/2/24 8:00 AM"]):
        r[9] = r[10] = d
        r[11], r[4], r[6] = "", "Open", ""
    write_csv(out / "jira_us_dates.csv", HEADER, us)
    write_csv(out / "jira_us_dates_ambiguous.csv", HEADER, [us[0], us[2], us[3]])
    if big:
        write_csv(out / "big_10k.csv", HEADER, rows(10000))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0]) if args else Path(__file__).parent / "unusual", "--big" in sys.argv)
    os.sys.exit(0)
