"""One error type for everything a person can fix.

A :class:`ShiplabError` carries the sentence a user reads (what was wrong, where, how to fix it) and, separately,
detail for the log. The CLI prints the message and exits non-zero; services render it in their error shape. Bugs are
anything else: they keep their traceback.
"""

from __future__ import annotations


class ShiplabError(Exception):
    """An expected failure with a message a person can act on."""

    def __init__(self, message: str, *, hint: str | None = None, log_message: str | None = None, exit_code: int = 2):
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
