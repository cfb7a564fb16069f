"""Backlogs and documents, from whatever a team exports, into one model — with personal data found and classed.

Importers (:mod:`~shiplab.data.jira`, :mod:`~shiplab.data.github`, :mod:`~shiplab.data.azure`,
:mod:`~shiplab.data.mapped_csv`, :mod:`~shiplab.data.documents`) turn an export into :class:`BacklogItem` or
:class:`Document` records, each with its provenance (file, format, row, line, original id). An import is
all-or-nothing: every row is checked first and one :class:`ImportProblem` lists everything wrong, by row and column,
with how to fix it. :mod:`~shiplab.data.pii` finds personal data (validated, not bare patterns) and
:mod:`~shiplab.data.classify` tags each record with its class for the governance policy. :mod:`~shiplab.data.export`
writes CSV that spreadsheets cannot run as formulas, atomically. Start with :func:`load_backlog`.
"""

from shiplab.data.api import (find_user_backlog, load_backlog, load_documents, load_sample_backlog,
                              load_sample_documents)
from shiplab.data.errors import ImportProblem
from shiplab.data.model import BacklogItem, Document, Provenance

__all__ = ["BacklogItem", "Document", "ImportProblem", "Provenance", "find_user_backlog", "load_backlog",
           "load_documents", "load_sample_backlog", "load_sample_documents"]
