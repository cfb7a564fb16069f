"""The demo lab — Warm-up: triage a claims ticket: the notebook's source. ``shiplab course render demo`` writes
demo.ipynb from it; the cell headers (``# %% solution <grade_id>``, …) are explained in shiplab.course.authoring. It
holds the solutions and hidden tests: never released.

Each exercise: a markdown task, a solution cell (``### BEGIN/END SOLUTION``), and an autograded test cell with
visible tests and hidden tests (``### BEGIN/END HIDDEN TESTS``), using the checks in ``graders/shiplab_checks.py``.
"""

# %% [markdown] intro
# # Warm-up: triage a claims ticket (20 minutes)
#
# Nordlicht Versicherung's service desk receives about 400 tickets a day. Before anyone builds an AI feature on
# that backlog, the basics must be reliable: **what is the priority, and which team owns the ticket?**
#
# You write two small functions. Each has a test cell below it with *visible* tests (run it as often as you like);
# *hidden* tests check the same behaviour on other inputs when your work is graded, so make the function right,
# not just the examples.
#
# **How to work:** run the first code cell once. Then replace `raise NotImplementedError()` with your code, run the
# cell, and run the test cell under it. When both pass, press *Validate* in the toolbar, then submit from the
# *Assignments* tab. You can submit as often as you like; the last submission counts.

# %% code setup
# Test helpers with messages that say what went wrong (shipped with this lab).
from shiplab_checks import check_raises, check_returns

# %% [markdown] ex1_text
# ## 1. Normalize the priority
#
# Exports from Jira, Azure DevOps and e-mail all spell priority differently. Write `normalize_priority(text)` that
# returns one of `"P1"`, `"P2"`, `"P3"`, `"P4"`:
#
# | means | spelled as (any case, surrounding spaces allowed) |
# |---|---|
# | P1 | `P1`, `Blocker`, `Critical`, `Highest`, `urgent` |
# | P2 | `P2`, `High`, `Major` |
# | P3 | `P3`, `Medium`, `Normal` |
# | P4 | `P4`, `Low`, `Lowest`, `Minor`, `Trivial` |
#
# Anything else raises `ValueError` with a message that **contains the bad value**, so the person importing the
# export can fix it.

# %% solution normalize_priority
def normalize_priority(text):
    """Map a priority as written in an export to P1..P4."""
    ### BEGIN SOLUTION
    table = {
        "P1": ("p1", "blocker", "critical", "highest", "urgent"),
        "P2": ("p2", "high", "major"),
        "P3": ("p3", "medium", "normal"),
        "P4": ("p4", "low", "lowest", "minor", "trivial"),
    }
    key = str(text).strip().lower()
    for level, spellings in table.items():
        if key in spellings:
            return level
    raise ValueError(f"unknown priority {text!r}: use one of P1-P4, Blocker, Critical, High, Medium, Low, ...")
    ### END SOLUTION

# %% tests test_normalize_priority points=3
# Visible tests: run me.
check_returns(normalize_priority, "Critical", expected="P1", hint="Critical is the top priority.")
check_returns(normalize_priority, "  high ", expected="P2", hint="spaces and case must not matter.")
check_returns(normalize_priority, "Normal", expected="P3")
check_returns(normalize_priority, "Trivial", expected="P4")
check_raises(normalize_priority, "soonish", raises=ValueError, contains="soonish",
             hint="an unknown priority raises ValueError naming the bad value.")
print("Exercise 1: visible tests passed.")
### BEGIN HIDDEN TESTS
for spelled, level in [("P1", "P1"), ("p4", "P4"), ("BLOCKER", "P1"), ("urgent", "P1"), ("Major", "P2"),
                       ("Medium", "P3"), ("Lowest", "P4"), ("minor", "P4"), ("\tHIGHEST\n", "P1")]:
    check_returns(normalize_priority, spelled, expected=level, secret=True,
                  hint="every spelling in the table counts, in any case, with spaces around it.")
for unknown_spelling in ("", "P5", "highish", "not set"):
    check_raises(normalize_priority, unknown_spelling, raises=ValueError, contains=unknown_spelling or None,
                 secret=True, hint="only the spellings in the table are priorities; name the bad value.")
### END HIDDEN TESTS

# %% [markdown] ex2_text
# ## 2. Route the ticket to a team
#
# Write `route_ticket(summary)` returning the owning team from the ticket's one-line summary, by keywords
# (case-insensitive; a keyword counts at the start of a word, so `claims` matches `claim`):
#
# | team | when the summary mentions |
# |---|---|
# | `"Claims Intake"` | claim, FNOL, damage, loss adjuster |
# | `"Billing"` | invoice, premium, payment, SEPA, refund |
# | `"Customer Portal"` | login, password, portal, 2FA |
# | `"Triage"` | none of the above |
#
# If a summary matches more than one team, **the first row of the table wins** (a claim about a payment is a claims
# ticket).

# %% solution route_ticket
def route_ticket(summary):
    """Return the team that owns a ticket, from its summary."""
    ### BEGIN SOLUTION
    import re
    rules = [
        ("Claims Intake", ("claim", "fnol", "damage", "loss adjuster")),
        ("Billing", ("invoice", "premium", "payment", "sepa", "refund")),
        ("Customer Portal", ("login", "password", "portal", "2fa")),
    ]
    text = summary.lower()
    for team, words in rules:
        if any(re.search(r"\b" + re.escape(w), text) for w in words):
            return team
    return "Triage"
    ### END SOLUTION

# %% tests test_route_ticket points=3
# Visible tests: run me.
check_returns(route_ticket, "FNOL for hail damage on a parked car", expected="Claims Intake")
check_returns(route_ticket, "Customer charged premium twice in March", expected="Billing")
check_returns(route_ticket, "Cannot reset password on the portal", expected="Customer Portal")
check_returns(route_ticket, "Printer on floor 3 jams", expected="Triage", hint="no keyword: Triage.")
print("Exercise 2: visible tests passed.")
### BEGIN HIDDEN TESTS
hidden_routes = [
    ("Claim payment delayed for policy NV-MOT-1234567", "Claims Intake", "claims win over billing."),
    ("SEPA mandate rejected", "Billing", "keywords are case-insensitive."),
    ("REFUND requested after cancellation", "Billing", "keywords are case-insensitive."),
    ("2FA codes not arriving", "Customer Portal", "every keyword in the table counts."),
    ("Loss adjuster report missing photos", "Claims Intake", "keywords can be two words."),
    ("Claims backlog after the storm", "Claims Intake", "a keyword counts at the start of a word."),
    ("Quarterly planning meeting", "Triage", "no keyword: Triage."),
    ("", "Triage", "an empty summary goes to Triage."),
]
for summary, team, why in hidden_routes:
    check_returns(route_ticket, summary, expected=team, secret=True, hint=why)
### END HIDDEN TESTS

# %% [markdown] wrap_up
# ## Done?
#
# Press *Validate*, then submit in the *Assignments* tab. Your score and feedback appear there after grading.
#
# Keyword rules like these are the **baseline**: later today, every ML or LLM router has to beat them on the same
# tickets, at a cost you can justify.
