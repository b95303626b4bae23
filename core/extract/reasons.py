"""Why a step was taken from a report: a short code with the words quoted from the document.

The extraction stays pure: it records a ``Reason`` (a code and its quotes), never a sentence in
some language. ``str(reason)`` is the English the extraction always wrote ("in 'Next steps'
section", "'will' + owner"), which its own rules and the CLI read; ``translated(tr)`` is the same
reason in the reader's language, the quotes from the document left as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from babel.numbers import format_decimal

from core.i18n import N_, SOURCE_LANGUAGE

# code -> message id; the placeholders hold words quoted from the document (or a number)
REASONS: dict[str, str] = {
    "section": N_("in '{heading}' section"),  # a step of an action section ("Next steps")
    "owner": N_("owner"),  # the step names who does it
    "owner_column": N_("owner column"),  # a table's column names who does it
    "under": N_("under '{heading}'"),  # under a heading such as "Decisions"
    "deadline": N_("deadline"),  # the sentence carries a deadline
    "words": N_("'{words}'"),  # the cue as written: 'will', 'agreed that', 'decided to hold'
    "words_owner": N_("'{words}' + owner"),  # that cue, with an actor before it
    "request_what": N_("'{words}' + what"),  # 'requested' the development of …
    "under_decision": N_("'{words} …' under a decision"),  # "To …" / "that …" items after "decides:"
    "imperative": N_("imperative item"),  # a list item starting with a verb: "Circulate …"
    "action_line": N_("'{words}' line"),  # minutes' "Action: …" lines
    "shortened": N_("shortened from {chars} characters: check it against the report"),
}
SEPARATOR = "; "
MAX_WHY = 80  # the English summary is cut here (as it always was)


class _Gettext(Protocol):
    def gettext(self, message: str) -> str: ...


@dataclass(frozen=True)
class Reason:
    """One cue that made a clause a step: ``code`` (a key of ``REASONS``) and its quotes."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self._fill(REASONS[self.code], SOURCE_LANGUAGE)

    def translated(self, tr: _Gettext) -> str:
        """The reason in ``tr``'s language; the words quoted from the document stay as written."""
        message = REASONS.get(self.code)
        if message is None:  # a code of a newer version, read from a stored preview
            return self.code
        try:
            return self._fill(tr.gettext(message), getattr(tr, "lang", SOURCE_LANGUAGE))
        except (KeyError, IndexError, ValueError):  # a broken translation: the English is still right
            return str(self)

    def _fill(self, message: str, lang: str) -> str:
        if not self.params:
            return message
        values = {
            k: format_decimal(v, locale=lang) if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in self.params.items()
        }
        return message.format(**values)

    def to_json(self) -> list[Any]:
        return [self.code, dict(self.params)]

    @classmethod
    def from_json(cls, data: Any) -> Reason:
        code, params = data
        return cls(str(code), dict(params))


def why_line(reasons: Iterable[Reason]) -> str:
    """The reasons in English, as one short line."""
    return SEPARATOR.join(str(r) for r in reasons)[:MAX_WHY]


def translated(reasons: Iterable[Reason], tr: _Gettext) -> str:
    """The reasons in the reader's language, as one line (not cut: each quote is short already)."""
    return SEPARATOR.join(r.translated(tr) for r in reasons)
