"""Errors a user can cause. Each carries the short, friendly reply the bot shows; nothing changes.

The message is an English message id (extracted for the catalogs: ``pybabel extract -k BadInput``
…) with ``str.format`` placeholders filled from keyword arguments, so the handler that shows it can
translate it into the reader's language: ``exc.translated(tr)``. ``str(exc)`` is the English text
(logs, the CLI). A parameter that is itself a message (a status word) is passed as ``Term(N_(…))``
and translated too.
"""

from __future__ import annotations

from typing import Protocol


class _Gettext(Protocol):
    def gettext(self, message: str) -> str: ...


class Term(str):
    """A placeholder value that is itself a message id: translated with the message."""


class UserError(Exception):
    """Bad input or a refused action; ``str(exc)`` is safe to show the user (plain text)."""

    def __init__(self, message: str, /, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**params) if params else message)

    def translated(self, tr: _Gettext) -> str:
        """The message in the reader's language (a message already translated passes unchanged)."""
        text = tr.gettext(self.message)
        if not self.params:
            return text
        values = {k: tr.gettext(v) if isinstance(v, Term) else v for k, v in self.params.items()}
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):  # a broken translation: the English is still right
            return str(self)


class NotFound(UserError):
    pass


class PermissionDenied(UserError):
    pass


class BadInput(UserError):
    pass
