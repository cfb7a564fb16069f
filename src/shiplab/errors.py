"""One error type for everything a person can fix.

A :class:`ShiplabError` carries the sentence a user reads (what was wrong, where, how to fix it) and, separately,
detail for the log. The CLI prints the message and exits with its code from :class:`Exit`; services render it in
their error shape. Bugs are anything else: they keep their traceback.

Every ``shiplab`` command, and every ``python -m shiplab.…`` entry point, exits with a code of one table
(:class:`Exit`, documented in the README's section on the ``shiplab`` command):

==  ===================  =====================================================================================
0   ``OK``               done
1   ``BUG``              an unexpected error: Python's traceback is printed (please report it)
2   ``REFUSED``          nothing was done: a usage error (click's own code for it) or a :class:`ShiplabError`
                         (a bad setting, roster row, lab id, a port in use …) — the message says how to fix it
3   ``SOME_FAILED``      a batch ran, and some of its items failed (labs, participants): the report names them
4   ``HIDDEN_TESTS``     hidden tests showed in what participants get: removed, and the step stopped
==  ===================  =====================================================================================

``shiplab up`` ends with the hub's own exit code.
"""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """The exit codes of every shiplab command (see the module docstring)."""

    OK = 0
    BUG = 1
    REFUSED = 2
    SOME_FAILED = 3
    HIDDEN_TESTS = 4


class ShiplabError(Exception):
    """An expected failure with a message a person can act on."""

    def __init__(self, message: str, *, hint: str | None = None, log_message: str | None = None,
                 exit_code: int = Exit.REFUSED):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.log_message = log_message or message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message}\n  How to fix: {self.hint}" if self.hint else self.message


class SettingsError(ShiplabError):
    """A setting in the shiplab settings file is wrong."""


class RosterError(ShiplabError):
    """A roster file has bad rows; nothing was applied."""
