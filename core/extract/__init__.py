"""Agreed actions in a meeting report's text, without a database: pure and deterministic.

``extract(text)`` reads the header (name, date, place) and finds the actions:

1. An action section ("Next steps", "Action items", "Action points", "Agreed actions", "Follow-up",
   "The way forward", or a lead-in such as "agreed on the following next steps:") is the strongest
   signal: each of its items, paragraphs and table rows is a step. Outside such a section, only
   sentences that carry a deadline and a clear action cue are added.
2. Without one, every clause of the document is scored (``core.extract.actions``); a heading such
   as "Decisions", "Conclusions" or "Recommendations" raises the score, "Discussion" lowers it.

Each found action carries its document reference, owners as written, deadline phrase, a
confidence (0..1) and a short reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from core.deadlines import Deadline, find_deadline, parse_deadline
from core.errors import BadInput
from core.extract.actions import is_actor, judge, split_owners
from core.extract.clauses import clauses, quote_spans
from core.extract.header import read_header, read_next_meeting
from core.extract.layout import Block, blocks, clean_lines
from core.extract.reasons import Reason, why_line
from storage.models import Precision

__all__ = ["Action", "Extraction", "Reason", "extract"]

TIER1 = re.compile(
    r"\b(?:next steps?|action items?|action points?|agreed actions?|actions? agreed|"
    r"follow[- ]?up(?: actions?)?|"
    r"(?:the )?way forward|action plan|actions? list|list of actions|to-?dos?|tasks)\b",
    re.IGNORECASE,
)
TIER2 = re.compile(
    r"\b(?:decisions?|conclusions?|recommendations?|outcomes?|resolutions?|agreements?|agreed|decides)\b",
    re.IGNORECASE,
)
NEGATIVE = re.compile(
    r"\b(?:discussion|background|introduction|attendees|attendance|participants|agenda|opening|"
    r"organi[sz]ation of the session|next (?:meeting|session)|dates? and (?:venue|location)|election|"
    r"welcome|apologies|present)\b",
    re.IGNORECASE,
)
THRESHOLD = 0.5
_NO_DATE = {"immediately", "as soon as possible", "asap", "without delay", "at the earliest convenience"}
_WORD = re.compile(r"\w+")


@dataclass
class Action:
    """One action found in the report, everything as written."""

    ref: str
    text: str
    owners: list[str] = field(default_factory=list)
    deadline_phrase: str | None = None
    deadline: Deadline | None = None
    confidence: float = 1.0
    reasons: list[Reason] = field(default_factory=list)  # why it was taken (translated where shown)

    @property
    def why(self) -> str:
        """The reasons in English, one short line ("in 'Next steps' section; owner")."""
        return why_line(self.reasons)


@dataclass
class Extraction:
    name: str | None
    meeting_date: date | None
    place: str | None
    actions: list[Action]
    next_meeting: tuple[str, date] | None = None  # (name, first day) when the report fixes it


def _deadline(
    phrase_source: str, reference: date | None, margin: int, *, whole: bool = False
) -> Deadline | None:
    """The deadline in a sentence (or a whole cell); without a reference date, a phrase that needs
    one ("within 30 days", "next week") stays unresolved instead of counting from today."""

    def read(today: date) -> Deadline | None:
        if whole:
            try:
                return parse_deadline(phrase_source, today=today, meeting_margin_days=margin)
            except BadInput:
                pass
        return find_deadline(phrase_source, today=today, meeting_margin_days=margin)

    found = read(reference or date(2001, 3, 15))
    if found is None:
        return None
    if (
        found.text.lower().strip(" .;,") in _NO_DATE
        or re.sub(r"^(?:by|in|at)\s+", "", found.text.lower().strip(" .;,")) in _NO_DATE
    ):
        return Deadline(found.text, None, Precision.NONE)
    if reference is None:
        other = read(date(2007, 9, 20))
        if other is None or other.due_date != found.due_date:
            return Deadline(found.text, None, Precision.NONE)  # needs the meeting's date
    return found


def _ref_label(label: str) -> str:
    if not label:
        return ""
    if re.fullmatch(r"\d{1,5}", label):
        return f"¶{label}"
    if re.fullmatch(r"\d+(?:\.\d+)+", label):
        return f"§{label}"
    if re.fullmatch(r"[A-Za-z]{1,2}|[ivxlcIVXLC]{1,6}", label):
        return f"({label})"
    return label


def _block_ref(block: Block) -> str:
    if block.lead_label and block.label:
        return f"{_ref_label(block.lead_label)} {_ref_label(block.label)}"
    if block.label:
        if block.style == "num" or block.style == "multi":
            return _ref_label(block.label)
        return f"{_ref_label(block.heading_label)} {_ref_label(block.label)}".strip()
    return _ref_label(block.lead_label or block.heading_label)


def _tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _section_kind(block: Block) -> str:
    """ "action" / "decision" / "negative" / "" for the heading a block sits under."""
    innermost = block.heading.split(" / ")[-1] if block.heading else ""
    if block.lead and TIER1.search(block.lead):
        return "action"
    if innermost and TIER1.search(innermost) and not re.search(r"next meeting", innermost, re.IGNORECASE):
        return "action"
    if innermost and NEGATIVE.search(innermost) and not TIER2.search(innermost):
        return "negative"
    if block.heading and TIER2.search(block.heading):
        return "decision"
    return ""


def _section_steps(doc: list[Block], reference: date | None, margin: int) -> list[tuple[int, Action]]:
    steps: list[tuple[int, Action]] = []
    counters: dict[str, int] = {}
    for block in doc:
        task_table = (
            block.row is not None
            and block.row.header
            and (block.row.owner is not None or block.row.due is not None)
        )
        if block.kind == "heading" or (_section_kind(block) != "action" and not task_table):
            continue  # a table with a responsible or due column is a list of tasks wherever it stands
        if block.kind in ("para", "item") and re.search(r":\s*[-—–]?$", block.text):
            continue  # a lead-in, not a step
        if block.kind == "para" and len(block.text.split()) < 3:
            continue
        innermost = block.heading.split(" / ")[-1] if block.heading else ""
        numbered = re.match(r"^(\d{1,4}(?:\.\d{1,4})*)\.?\s", innermost)
        parent = (
            block.lead_label if block.lead and TIER1.search(block.lead) else numbered[1] if numbered else ""
        )
        counters[parent] = counters.get(parent, 0) + 1
        ref = (
            f"§{parent}.{counters[parent]}"
            if parent and re.fullmatch(r"[\d.]+", parent)
            else block.label
            if block.style == "code"
            else f"#{block.label}"
            if block.label and block.style == "num"
            else f"#{block.lead_label} ({block.label})"
            if block.label
            and block.lead_label
            and block.style in ("close", "paren", "close-roman", "paren-roman")
            else f"#{counters[parent]}"
        )
        text, owners, due_text = block.text, [], None
        if block.row is not None:
            owners = split_owners(block.row.owner) if block.row.owner else []
            due_text = block.row.due
        elif (m := re.search(r"\(([^()]{2,80})\)\s*[.;]?\s*$", text)) and (
            is_actor(m[1]) or not re.search(r"\d", m[1])
        ):
            owners, text = split_owners(m[1]), text[: m.start()].rstrip()
        verdict = judge(text, in_item=True, lead=block.lead)
        if block.kind == "para" and verdict.score <= 0 and _deadline(text, reference, margin) is None:
            continue  # "Thank you all." after the list
        if not owners:
            owners = verdict.owners
        if not owners and block.lead:  # "The Secretariat will: (a) circulate …; (b) organise …"
            last = re.split(r"(?<=[.;])\s+", block.lead.strip())[-1]
            if (
                who := re.match(r"^(?P<who>.{2,80}?)\s+(?:will|shall|should|must|is to|are to)\s*:", last)
            ) and (is_actor(who["who"])):
                owners = split_owners(who["who"])
        deadline: Deadline | None
        if due_text:
            deadline = _deadline(due_text, reference, margin, whole=True) or Deadline(
                due_text, None, Precision.NONE
            )
        else:
            deadline = _deadline(text, reference, margin)
        reasons = [Reason("section", {"heading": (block.heading.split(" / ")[-1] or block.lead)[:40]})]
        if owners:
            reasons.append(Reason("owner_column" if block.row is not None else "owner"))
        action = Action(ref, text, owners, deadline.text if deadline else None, deadline, 0.9, reasons)
        steps.append((block.index, action))
    return steps


def _scattered(
    doc: list[Block], reference: date | None, margin: int, *, strict: bool
) -> list[tuple[int, Action]]:
    found: list[tuple[int, Action]] = []
    for block in doc:
        if block.kind in ("heading", "row"):
            continue
        kind = _section_kind(block)
        if kind == "action":
            continue
        default_owners: list[str] = []
        if m := re.search(r"\brecommend(?:s|ed|ations)?\s+to\s+(?P<who>[A-Z][\w ]{2,60}?)\s*:", block.lead):
            default_owners = split_owners(m["who"])
        quoted = quote_spans(block.text)
        for start, end in clauses(block.text):
            if any(a < start < b for a, b in quoted):
                continue
            clause = block.text[start:end]
            if len(clause.split()) < 4:
                continue
            lead = block.lead
            if (
                start > 0
                and re.match(r"that\s", clause, re.IGNORECASE)
                and re.search(
                    r"\b(?:decided|agreed|resolved|decides|agrees|resolves)\s+that\b", block.text[:start]
                )
            ):
                lead = block.text[:start]  # "It was decided that … by 1 May, and that meetings …"
            verdict = judge(clause, in_item=block.kind == "item" and start == 0, lead=lead)
            if verdict.score <= 0:
                continue
            assert verdict.reason is not None  # a clause scored above 0 has its reason
            score, reasons = verdict.score, [verdict.reason]
            deadline = _deadline(clause, reference, margin)
            if deadline is not None:
                score += 0.15
                reasons.append(Reason("deadline"))
            if kind == "decision":
                score += 0.1
                reasons.insert(0, Reason("under", {"heading": block.heading.split(" / ")[-1][:30]}))
            elif kind == "negative":
                score -= 0.3
            if strict and (deadline is None or ("imperative" not in verdict.why and "'" not in verdict.why)):
                continue
            if strict and re.match(r"'(?:would|should)'", verdict.why):
                continue
            if score < THRESHOLD:
                continue
            owners = verdict.owners or default_owners
            action = Action(
                _block_ref(block),
                clause.rstrip(" ,"),
                owners,
                deadline.text if deadline else None,
                deadline,
                round(min(score, 0.85), 2),
                reasons,
            )
            found.append((block.index, action))
    return found


def _dedupe(found: list[tuple[int, Action]]) -> list[Action]:
    """One step for one action: a sentence found twice (a decision restated in an annex) is kept
    once, the more confident reading. Steps of an action section are never merged together."""
    kept: list[tuple[int, Action, set[str], bool]] = []
    for index, action in sorted(found, key=lambda pair: pair[0]):
        tokens = _tokens(action.text)
        in_section = _in_section(action)
        duplicate = None
        if not in_section or len(found) < 2_000:
            for i, (_, _, other_tokens, other_in_section) in enumerate(kept):
                if in_section and other_in_section:
                    continue  # two steps of the action section are two steps, however alike
                if len(tokens & other_tokens) / (len(tokens | other_tokens) or 1) >= 0.8:
                    duplicate = i
                    break
        if duplicate is None:
            kept.append((index, action, tokens, in_section))
        elif action.confidence > kept[duplicate][1].confidence:
            kept[duplicate] = (index, action, tokens, in_section)
    return [action for _, action, _, _ in kept]


def _in_section(action: Action) -> bool:
    """A step of an action section ("Next steps"): its first reason says so."""
    return bool(action.reasons) and action.reasons[0].code == "section"


def extract(text: str, *, meeting_margin_days: int = 14) -> Extraction:
    """The header and the actions of a report (empty when nothing reads like an action)."""
    lines = clean_lines(text)
    name, when, place = read_header(lines)
    doc = blocks(text)
    section = _section_steps(doc, when, meeting_margin_days)
    scattered = _scattered(doc, when, meeting_margin_days, strict=bool(section))
    actions = _dedupe(section + scattered)
    seen: dict[str, int] = {}
    for number, action in enumerate(actions, start=1):
        action.ref = action.ref or f"#{number}"
        seen[action.ref] = seen.get(action.ref, 0) + 1
        if seen[action.ref] > 1:
            action.ref = f"{action.ref} #{seen[action.ref]}"
        action.ref = action.ref[:50]
    return Extraction(name, when, place, actions, read_next_meeting(lines, when))
