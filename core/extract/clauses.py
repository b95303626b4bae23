"""Sentences and clauses of a paragraph, with their offsets.

A decision paragraph often packs several actions into one sentence ("Noted the concerns … and
requested the Working Group to …, and encouraged Member States to …"): it is cut before each
coordinated reporting verb, at semicolons, at "and that", and around a parenthesis that holds an
action of its own. Text inside quotation marks is cited text, never an action of the meeting.
"""

from __future__ import annotations

import itertools
import re

_ABBREVIATIONS = {
    "mr",
    "ms",
    "mrs",
    "dr",
    "no",
    "nos",
    "st",
    "para",
    "paras",
    "e.g",
    "i.e",
    "etc",
    "art",
    "vol",
}
_ABBREVIATIONS |= {
    "sect",
    "cf",
    "u.s",
    "u.k",
    "fig",
    "p",
    "pp",
    "inc",
    "ltd",
    "co",
    "jr",
    "sr",
    "prof",
    "gen",
}
REPORTING = (
    r"requested|requests|invited|invites|encouraged|encourages|urged|urges|called upon|calls upon|"
    r"decided|decides|agreed|agrees|advised|advises|recommended|recommends|tasked|mandated|asked|"
    r"instructed|noted|notes|took note|takes note|welcomed|welcomes|endorsed|endorses|approved|"
    r"approves|commended|commends|emphasized|emphasised|stressed|stresses|recognized|recognised|"
    r"recognizes|expressed|expresses|supported|supports|acknowledged|underlined|reiterated|"
    r"reaffirmed|adopted|adopts|resolved|resolves|directed|authorized|authorised"
)
_COORDINATED = re.compile(
    r"(?:,\s*|\s+)and\s+(?:(?:in that context|in this context|in this regard|in that regard|also|further|"
    r"then|subsequently|accordingly|therefore)\s*,?\s+)?(?=(?:" + REPORTING + r")\b)"
    r"|(?:,\s*|\s+)and\s+(?=that\s)",
    re.IGNORECASE,
)
_PAREN_ACTION = re.compile(r"\((?:noting|provided|on condition|it being understood)?\s*that\s+([^()]{20,})\)")
_QUOTE = re.compile(r"“[^”]*”|\"[^\"]*\"")


_OPENING_STRAIGHT = re.compile(r'(?:^|(?<=[\s(\[:]))"(?=\w)')


def _unclosed(text: str, spans: list[tuple[int, int]]) -> int:
    """Where a quotation opens that doesn't close in ``text`` (it goes on past it), or -1: a last
    curly “ after the last ”, or a straight " that opens (after a space, before a word) unpaired."""
    opened = text.rfind("“")
    if opened > text.rfind("”") and not any(a <= opened < b for a, b in spans):
        return opened
    straight = [
        m.start() for m in _OPENING_STRAIGHT.finditer(text) if not any(a <= m.start() < b for a, b in spans)
    ]
    return straight[-1] if straight else -1


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Where the quoted passages are (an unclosed quote runs to the end)."""
    spans = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
    if (opened := _unclosed(text, spans)) >= 0:
        spans.append((opened, len(text)))
    return spans


def mask_quotes(text: str) -> str:
    """The same text with quoted passages blanked out (same length), for finding verbs."""
    spans = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
    masked = _QUOTE.sub(lambda m: "“" + " " * (len(m[0]) - 2) + "”", text)
    if (opened := _unclosed(text, spans)) >= 0:  # a quotation that goes on past this clause
        masked = masked[: opened + 1] + " " * (len(masked) - opened - 1)
    return masked


def _sentence_ends(text: str) -> list[int]:
    ends = []
    for m in re.finditer(r"[.!?](?=\s+[A-Z“\"(‘'])", text):
        word = re.search(r"([\w.]+)$", text[: m.start()])
        if word and (word[1].lower() in _ABBREVIATIONS or len(word[1]) == 1):
            continue
        ends.append(m.end())
    return ends


_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|shall|should|would|must|may|can|could|might|do|does|"
    r"did|to\s+[a-z]+)\b|\b(?:" + REPORTING + r")\b",
    re.IGNORECASE,
)


def _fragment(text: str, start: int, sentence_ends: set[int]) -> bool:
    """A stray semicolon before a piece with no verb ("… from the United Nations; its Regional
    Commissions and other sources.") joins it to the clause before instead of cutting there."""
    semicolon = text.find(";", start)
    end = min([i for i in (semicolon, *sentence_ends) if i > start], default=len(text))
    piece = text[start:end].strip()
    return bool(piece) and piece[0].islower() and not _VERBISH.search(piece)


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of ``text``, in order."""
    cuts: set[int] = set(_sentence_ends(text))
    masked = mask_quotes(text)
    for m in re.finditer(r";\s*", masked):
        if not _fragment(masked, m.end(), cuts):
            cuts.add(m.end())
    for m in _COORDINATED.finditer(masked):
        cuts.add(m.start())
        cuts.add(m.end())
    spans: list[tuple[int, int]] = []
    outer: list[tuple[int, int]] = []
    for m in _PAREN_ACTION.finditer(masked):
        spans.append((m.start(1), m.end(1)))
        outer.append((m.start(), m.end()))
        cuts.add(m.start())
        cuts.add(m.end())
    bounds = sorted({0, len(text), *cuts})
    for start, end in itertools.pairwise(bounds):
        if any(a <= start and end <= b for a, b in outer):
            continue
        spans.append((start, end))
    out = []
    for start, end in sorted(spans):
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip(" ,;(—–-"))
        # a bare connective left between two cuts ("and", "and in that context") is not a clause
        trail = len(piece.rstrip(" ,(—–-"))
        if trail - lead >= 1:
            start, end = start + lead, start + trail
            if re.fullmatch(r"(?:and|or|but)(?:\s+\w+){0,3}", text[start:end], re.IGNORECASE):
                continue
            out.append((start, end))
    return out
