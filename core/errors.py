"""Errors a user can cause. Each carries the short, friendly reply the bot shows; nothing changes.

The message is an English message id (extracted for the catalogs: ``pybabel extract -k BadInput``
…) with ``str.format`` placeholders filled from keyword arguments, so the handler that shows it can
translate it into the reader's language: ``exc.translated(tr)``. ``str(exc)`` is the English text
(logs, the CLI). A quantity passed as ``Amount(n)`` is written in the reader's locale
("1,000,000" / "1 000 000"); item numbers and the like are plain ints. A parameter that is
itself a message (a status word) is passed as ``Term(N_(…))`` and translated too.
"""

from __future__ import annotations

from typing import Protocol

from babel.numbers import format_decimal


class _Gettext(Protocol):
    def gettext(self, message: str) -> str: ...


class Term(str):
    """A placeholder value that is itself a message id: translated with the message."""


class Amount:
    """A quantity for a placeholder (not an item number): written in the reader's locale,
    "1,000,000" / "1 000 000" / "1.000.000", "1.5" / "1,5"."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Amount({self.value!r})"


class UserError(Exception):
    """Bad input or a refused action; ``str(exc)`` is safe to show the user (plain text)."""

    def __init__(self, message: str, /, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**self._values(None)) if params else message)

    def _values(self, tr: _Gettext | None) -> dict[str, object]:
        """The parameters for the reader: terms translated, numbers in their locale (1 000 000)."""
        lang = getattr(tr, "lang", "en")
        values: dict[str, object] = {}
        for key, value in self.params.items():
            if isinstance(value, Term):
                values[key] = tr.gettext(value) if tr is not None else str(value)
            elif isinstance(value, Amount):
                values[key] = format_decimal(value.value, locale=lang)
            else:
                values[key] = value
        return values

    def translated(self, tr: _Gettext) -> str:
        """The message in the reader's language (a message already translated passes unchanged)."""
        text = tr.gettext(self.message)
        if not self.params:
            return text
        try:
            return text.format(**self._values(tr))
        except (KeyError, IndexError, ValueError):  # a broken translation: the English is still right
            return str(self)


class NotFound(UserError):
    pass


class PermissionDenied(UserError):
    pass


class BadInput(UserError):
    pass
