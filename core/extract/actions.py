"""Is a clause an action the meeting agreed on? A score (0..1), a short reason and its owners.

The cues, each worth a fixed amount (no learning, same answer every time):
- a request to someone: "requested / invited / encouraged / urged / advised X to …" (owner X),
  "Governments are recommended to …", "requested the development of …";
- a decision that something shall happen: "decided / agreed / recommended that X should / be …",
  "decided / agreed / undertook to …";
- an actor and a modal: "The Secretariat will …", "each Government should …", "… will be submitted
  by the Co-Chairs" (a passive names its owner after "by");
- "To …" / "That …" items under a "decides:" lead-in; an imperative list item ("Circulate …").
Against: notes of information, scheduling of sessions, elections and appointments,
interpretations, questions, speakers' own requests in a discussion, quoted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.extract.clauses import mask_quotes
from core.extract.reasons import Reason

_DET = r"(?:the|a|an|its|their|this|that|these|those|such|any|all|each|every|further|other)"
_REQUEST_VERB = (
    r"requested|requests|request|invited|invites|invite|encouraged|encourages|encourage|urged|urges|urge|"
    r"called upon|calls upon|call upon|asked|asks|tasked|tasks|mandated|mandates|instructed|instructs|"
    r"advised|advises|advise|directed|directs|recommended|recommends|authori[sz]ed|authori[sz]es"
)
_REQUEST_TO = re.compile(
    r"\b(?P<verb>" + _REQUEST_VERB + r")\s+(?!that\b|to\b|by\b)"
    r"(?P<obj>(?:(?!\b(?:which|who|whom|whose|that)\b)[^;:.]){2,150}?)\s+to\s+"
    # a split infinitive ("to further strengthen", "to also consider") is still a request
    r"(?:(?:further|also|duly|urgently)\s+)?(?!" + _DET + r"\b)(?P<action>[a-z][a-z-]+)\b",
    re.IGNORECASE,
)
# "reiterate its request to the Secretary-General, in his capacity as Chair, to explore …"
_REQUEST_NOUN_TO = re.compile(
    r"\b(?:its|their|the|a)\s+(?:\w+\s+)?(?:request|invitation|call)\s+to\s+"
    r"(?P<obj>(?:the\s+)?[A-Z][^;:.]{1,120}?)\s+to\s+(?!" + _DET + r"\b)(?P<action>[a-z][a-z-]+)\b"
)
_PASSIVE_REQUEST = re.compile(
    r"\b(?:is|are|was|were|be|been)\s+(?:also\s+|further\s+)?(?:requested|invited|encouraged|urged|"
    r"recommended|asked|called upon|tasked|mandated)\s+to\s+(?P<action>[a-z]+)",
    re.IGNORECASE,
)
_REQUEST_NOUN = re.compile(r"\b(?:requested|requests|request)\s+(?:the|a|an)\s+(?!\w+\s+to\b)", re.IGNORECASE)
_THAT = re.compile(
    r"\b(?P<verb>requested|requests|recommended|recommends|advised|advises|decided|decides|agreed|agrees|"
    r"resolved|resolves|undertakes|undertook|expected|understood|stipulated)\s+"
    r"(?:[^;.]{0,30}?[\s,])?that,?\s+(?P<rest>.+)",
    re.IGNORECASE,
)
_DECIDED_TO = re.compile(
    r"\b(?P<verb>decided|decides|agreed|agrees|resolved|resolves|undertook|undertakes|committed|"
    r"commit|commits|pledged|pledges|determined)\s+to\s+(?P<action>[a-z]+)",
    re.IGNORECASE,
)
_MODAL = re.compile(
    r"\b(?P<modal>will|shall|should|must|would|is to|are to|is required to|are required to|has to|have to|"
    r"needs to|need to)(?:,[^,]{1,60},)?\s+(?P<neg>not\s+|no longer\s+|never\s+)?(?P<next>[\w-]+)"
    r"(?:\s+(?P<after>[\w-]+))?",
    re.IGNORECASE,
)
_MODALS = {"will", "shall", "should", "must", "would", "is to", "are to"}
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had)\b", re.IGNORECASE)
# a relative clause between commas (or to the end): its verbs say what something is, not whether
# the clause is an action ("…, which is a core value of the system, …")
_RELATIVE = re.compile(r",\s*(?:which|who|whom|whose|where)\b[^,;]*(?:[,;]|$)", re.IGNORECASE)
_SUBORDINATE = re.compile(
    r"\b(?:where|which|who|whom|whose|when|if|whether|as|once|until|unless|because|since|although|"
    r"while|how|why)\b",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(
    r"^(?:review|check|contact|draft|add|provide|prepare|circulate|share|send|submit|organi[sz]e|develop|"
    r"update|finali[sz]e|complete|have|propose|publish|convene|establish|ensure|consider|identify|invite|"
    r"collect|compile|distribute|coordinate|report|present|set|schedule|arrange|create|implement|"
    r"conduct|launch|continue|explore|seek|engage|inform|confirm|nominate|designate|translate|upload|"
    r"post|write|respond|reach|liaise|assess|evaluate|analy[sz]e|map|study|investigate|follow|"
    r"circulate|issue|produce|hold|organi[sz]e|agree|approve|define|clarify|align|revise|amend|"
    r"extend|strengthen|promote|support|mobili[sz]e|fund|host|reply|revert|notify|register|prepare)\b",
    re.IGNORECASE,
)
_NOTING = re.compile(
    r"^(?:also\s+|further\s+)?(?:noted|notes|took note|takes note|welcomed|welcomes|expressed|commended|"
    r"emphasi[sz]ed|stressed|recogni[sz]ed|acknowledged|underlined|endorsed|adopted|approved|supported|"
    r"thanked|appreciated|reaffirmed|underscored|considered|reviewed|was informed|were informed|"
    r"was also informed)\b",
    re.IGNORECASE,
)
_SCHEDULING = re.compile(
    r"\b(?:session|conference|(?:next|[a-z]+(?:st|nd|rd|th)|first|second|third)\s+meeting)\b[^;]{0,120}?"
    r"\b(?:be held|held|take place|"
    r"took place|convened?|suspended|resumed?)\b"
    r"|\b(?:to hold|decided to hold|hold)\s+the\s+[^;]{0,60}?\b(?:session|conference)\b"
    r"|\bdates? and (?:venue|location|place)\b|\bsession will take place\b",
    re.IGNORECASE,
)
_APPOINTMENT = re.compile(
    r"\b(?:elect|elects|elected|appoint|appoints|appointed|co-?\s?chaired by|chaired by|nominated as|"
    r"designated as)\b|(?<!capacity )\bas (?:president|(?:vice-)?chair|rapporteur|coordinator|"
    r"(?:\w+ )?focal point|(?:\w+ )?facilitators?)\b",
    re.IGNORECASE,
)
_INTERPRETATION = re.compile(r"\b(?:interpreted|construed|understood to mean)\b", re.IGNORECASE)
_RECORD = re.compile(r"\b(?:on|for) the record\b", re.IGNORECASE)
# "it could be argued", not "programmes which might be expected to be completed"
_SPECULATIVE = re.compile(
    r"(?<!which )(?<!that )(?<!who )\b(?:could|might|may)\s+(?:be\s+)?(?:expected|said|argued|assumed)\b",
    re.IGNORECASE,
)
# an event happening, not someone doing something: "Both parts will take place in Rome"
_EVENT = re.compile(r"\b(?:take place|be held|occur|happen)\b", re.IGNORECASE)
# no change: "decided to maintain the current deadlines", "remain as per current practice"
_STATUS_QUO = re.compile(
    r"\b(?:maintain|retain|keep|remain)\b[^;.]{0,50}?\b(?:current|existing|present|usual)\b"
    r"|\bremains?\s+unchanged\b",
    re.IGNORECASE,
)
# a standing norm for how something is done, not a task: "that informal meetings be focused on …"
_NORM = re.compile(
    r"\bbe\s+(?:\w+ly\s+)?(?:accompanied|focused|focussed|based|guided|governed|limited|restricted)\s+"
    r"(?:by|on|upon|to)\b",
    re.IGNORECASE,
)
# the report speaking about itself: "The decisions in the present report will be implemented …"
_ABOUT_REPORT = re.compile(
    r"^(?:the\s+)?(?:decisions?|recommendations?|conclusions?)\b[^;.]{0,40}?\b(?:in|of|contained in)\s+"
    r"(?:this|the present|the current)\s+(?:report|document)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\bwhether\b|\bquestion (?:was|were) raised\b|\?", re.IGNORECASE)
_SPEAKER = re.compile(
    r"^(?:in (?:closing|response|conclusion),?\s+)?(?:the\s+)?(?:chair(?:person|man|woman)?|president|"
    r"co-chairs?|members|delegations?|delegates|all delegates|participants|speakers?|representatives?|"
    r"several|some|many|one|a delegation|another delegation|he|she|they|(?:mr|ms|mrs|dr)\.?\s+\w+)\b",
    re.IGNORECASE,
)
_PARTICIPLE = re.compile(
    r"(?:ed|en|wn|ught|ept|ade|held|sent|set|put|done|paid|built|run|led|met|made|shared|given|"
    r"taken|chosen|kept|spent|sought|brought|won|hung|shown|begun|laid)$",
    re.IGNORECASE,
)
_AGENT = re.compile(
    r"\bby\s+(?P<agent>(?!\d)[^,;.()]+?)(?=\s+(?:by|before|in|at|on|after|through|with|to|not later|"
    r"no later|within|during|for|following|under|from|when|if|as|and then)\b|[,;.()]|$)",
    re.IGNORECASE,
)
_LED_BY = re.compile(
    r"\b(?:under the leadership of|led by|coordinated by|under(?=\s+the\s+[^;,.]{0,40}?\b(?:group|team|"
    r"committee|bureau|secretariat|presidency)\b))\s+(?P<who>[^;.()]+)",
    re.IGNORECASE,
)
_ACTOR_WORDS = re.compile(
    r"\b(?:secretariat|bureau|chair(?:s|man|person)?|co-chairs?|committee|commission|board|council|"
    r"assembly|secretary-general|director(?:-general)?|president|rapporteurs?|co-rapporteurs?|members?|"
    r"states|parties|partners|governments?|countries|country|delegations?|teams?|groups?|task force|"
    r"unit|office|division|agency|agencies|organi[sz]ations?|entities|functions|authors|participants|"
    r"officials|ministers?|ministry|department|heads|coordinators?|facilitators?|focal points?|experts|"
    r"network|centre|center|institute|plenary|secretary|chairmanship|presidency|signatories|"
    r"administration|authorit(?:y|ies)|industries|panel|forum|observers?|consultants?|staff|"
    r"representatives?|delegation)\b",
    re.IGNORECASE,
)
_LEADING_DET = re.compile(
    r"^(?:(?:" + _DET + r"|another|both|two|three|also|further|then)\s+)+", re.IGNORECASE
)


# minutes' action lines: "Action: Secretariat to circulate …", "ACTION – Chair to write …"
_ACTION_LABEL = re.compile(
    r"^(?:actions?(?:\s+(?:items?|points?))?|to-?dos?|follow-?up)\s*(?:\d{1,3}\s*)?[:–—-]\s*", re.IGNORECASE
)
_VERB_IN_SUBJECT = re.compile(
    r"\b(?:will|shall|should|would|must|may|can|is|are|was|were|has|have|had|been|"
    + _REQUEST_VERB
    + r"|decided|decides|agreed|agrees|noted|notes|welcomed|welcomes)\b",
    re.IGNORECASE,
)
_TO_DO = re.compile(r"^(?P<who>[^,;:()]{2,80}?)\s+to\s+(?!be\b)(?P<verb>[a-z]+)\b")


@dataclass
class Verdict:
    """How much a clause reads like an agreed action, why, and who it names as owners."""

    score: float = 0.0
    reason: Reason | None = None
    owners: list[str] = field(default_factory=list)

    @property
    def why(self) -> str:
        """The reason in English ("'will' + owner"), as the rules below read it."""
        return str(self.reason) if self.reason is not None else ""


def is_actor(phrase: str) -> bool:
    """A body, role, country or person: "the Bureau", "Member States", "William Wright", "JIU"."""
    phrase = phrase.strip()
    if not phrase or phrase[0].isdigit() or len(phrase) > 120:
        return False
    if re.match(r"(?:in|as|with|for|on|at|through|including|notably|possibly|if|when)\b", phrase):
        return False  # "in his capacity as Chair": an aside, not a second owner
    head = re.split(
        r"\s+(?:of|for|on|in|with|from|at|to|under|regarding|between|among)\s+", phrase, maxsplit=1
    )[0]
    if _ACTOR_WORDS.search(head):
        return True
    words = _LEADING_DET.sub("", head + " ").split()
    if len(words) == 1 and words[0].lower() in ("this", "that", "it", "there", "these", "those", "such"):
        return False
    return bool(words) and all(w[0].isupper() or w[0].isdigit() or w in ("and", "of", "de") for w in words)


_LEADING_THAT = re.compile(r"^(?:that|That|THAT)\s+(?=\S)")  # "That States Parties will …": a conjunction
_TRAILING_MODAL = re.compile(
    r"(?:\s+(?:will|shall|should|would|may|might|must|can|could|is|are|be|not|also|further))+$", re.IGNORECASE
)  # "by member Governments should, at the option of …"


def clean_owner(phrase: str) -> str:
    """An owner as a party would be named: no aside in parentheses, no "the", no conjunction
    ("That States Parties") or modal ("member Governments should") the sentence left on it."""
    phrase = re.sub(r"\([^)]*\)", "", phrase)
    phrase = re.split(
        r",\s|\s+(?:in (?:the course|line|accordance|consultation)|with (?:the )?support)\b", phrase
    )[0]
    phrase = _LEADING_THAT.sub("", " ".join(phrase.split()))
    phrase = _TRAILING_MODAL.sub("", phrase.rstrip(" ,;:."))
    phrase = re.sub(r"^(?:the|The)\s+", "", phrase).strip(" ,;:.")
    return phrase


# "Tom Kralidis (Chair, Expert Team on Metadata)", "Ms. Ana Silva (Brazil)": who the person is
_PERSON_ASIDE = re.compile(
    r"(?P<person>\b(?:(?:Mr|Ms|Mrs|Dr|Prof|H\.E)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]*){1,3})\s*\([^()]{1,120}\)"
)


_ORGANISATION = re.compile(
    r"\b(?:programme|program|nations|fund|bank|union|foundation|association|federation|university|"
    r"college|company|corporation|council|commission|initiative|alliance|network|service|bureau|"
    r"government|republic|kingdom|states)\b",
    re.IGNORECASE,
)


def without_titles(text: str) -> str:
    """``text`` without the parenthesised title or affiliation after a person's name, so that
    "Tom Kralidis (Chair, …) will present" names Tom Kralidis, not the Chair, as its owner."""

    def drop(m: re.Match[str]) -> str:
        aside = m[0][len(m["person"]) :].strip()[1:-1].strip()
        if (
            _ACTOR_WORDS.search(m["person"])
            or _ORGANISATION.search(m["person"])
            or re.fullmatch(r"[A-Z][A-Z0-9&.-]{1,11}", aside)  # "World Food Programme (WFP)": its short name
        ):
            return m[0]
        return m["person"]

    return _PERSON_ASIDE.sub(drop, text)


def split_owners(phrase: str) -> list[str]:
    """'UNODC and the task team' -> both; 'States Parties and signatories' stays one if a part isn't
    an actor on its own."""
    raw = re.sub(r"\([^)]*\)", "", phrase)
    parts = [clean_owner(p) for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*/\s*", raw) if p.strip()]
    if len(parts) > 1 and all(p and is_actor(p) for p in parts):
        return parts
    phrase = clean_owner(phrase)
    return [phrase] if phrase else []


def _subject(before: str) -> str:
    """The grammatical subject just before a verb: after the last "that", comma or colon."""
    before = re.sub(r"\s*\([^()]*\)", "", before)
    part = re.split(r"\bthat\b|[,:;—–]\s|\bthen\b", before)[-1]
    return part.strip()


def _owners_from(text: str) -> list[str]:
    found: list[str] = []
    for m in _LED_BY.finditer(text):
        found += [o for o in split_owners(m["who"]) if is_actor(o)]
    return found


def judge(clause: str, *, in_item: bool, lead: str) -> Verdict:
    """Score one clause; ``lead`` is the lead-in it continues ("The Meeting of States Parties decides:")."""
    masked = mask_quotes(clause)
    text = re.sub(r"^(?:[a-z][\w .-]{0,40}:\s+)", "", masked) if in_item else masked  # "frequency: …"
    best = Verdict()

    def offer(score: float, reason: Reason, owners: list[str]) -> None:
        nonlocal best
        if score > best.score:
            best = Verdict(score, reason, owners)

    owners_all: list[str] = []

    def owners_too(found: list[str]) -> None:
        owners_all.extend(o for o in found if o not in owners_all)

    modals = [m for m in _MODAL.finditer(text) if not m["neg"]]
    negated = next((m for m in _MODAL.finditer(text) if m["neg"]), None)
    modal = next((m for m in modals if is_actor(_subject(text[: m.start()]))), modals[0] if modals else None)
    if modal and not (negated and negated.start() < modal.start()):
        subject = _subject(text[: modal.start()])
        nxt, after = modal["next"].lower(), (modal["after"] or "")
        passive = nxt in ("be", "been") and bool(_PARTICIPLE.search(after))
        stative = nxt in ("be", "been", "have") and not passive
        strength = {"would": 0.45, "should": 0.55}.get(modal["modal"].lower(), 0.6)
        if subject and not stative and not _SUBORDINATE.search(subject):
            owners = split_owners(subject) if is_actor(subject) and not passive else []
            if passive and (agent := _AGENT.search(text, modal.end())) and is_actor(agent["agent"]):
                owners = split_owners(agent["agent"])
            score = strength + (0.1 if owners else 0) - (0.05 if passive else 0)
            owners_too(owners)
            offer(
                score, Reason("words_owner" if owners else "words", {"words": modal["modal"].lower()}), owners
            )
    if (m := _REQUEST_TO.search(text)) and not (modal and modal.start() < m.start() and best.score):
        obj = m["obj"]
        owners = split_owners(obj) if is_actor(clean_owner(obj)) else []
        owners_too(owners)
        offer(0.75, Reason("words", {"words": f"{m['verb'].lower()} … to {m['action'].lower()}"}), owners)
    if m := _PASSIVE_REQUEST.search(text):
        subject = _subject(text[: m.start()])
        owners = split_owners(subject) if is_actor(subject) else []
        owners_too(owners)
        offer(0.75, Reason("words", {"words": f"{m[0].split()[1].lower()} to"}), owners)
    if m := _THAT.search(text):
        rest, verb = m["rest"], m["verb"].lower()
        first_modal = _MODAL.search(rest)
        finite = _FINITE.search(_RELATIVE.sub(" ", rest))  # "…, which is a core value," aside
        committed = verb in ("undertakes", "undertook")
        if first_modal and first_modal["neg"]:
            pass
        elif committed or not finite or (first_modal and first_modal.start() < finite.start()):
            caps = re.match(r"^((?:the\s+)?[A-Z][\w-]*(?:\s+(?:[A-Z][\w-]*|of|the|and|or))*)", rest)
            if first_modal:
                head = _subject(rest[: first_modal.start()])
            elif caps and is_actor(caps[1]):
                head = caps[1]
            else:
                head = rest.split(",")[0] if "," in rest[:150] else ""
            owners = split_owners(head) if is_actor(head.strip()) else []
            if committed:
                owners = split_owners(_subject(text[: m.start()]))
            if inner := (_REQUEST_TO.search(rest) or _REQUEST_NOUN_TO.search(rest)):
                owners += [o for o in split_owners(inner["obj"]) if is_actor(o) and o not in owners]
            if (
                first_modal
                and first_modal["next"].lower() == "be"
                and (agent := _AGENT.search(rest, first_modal.end()))
                and is_actor(agent["agent"])
            ):
                owners = split_owners(agent["agent"])
            elif (
                not first_modal
                and (be := re.search(r"\bbe\s+[a-z]+(?:ed|en)\b", rest))
                and (agent := _AGENT.search(rest, be.end()))
                and is_actor(agent["agent"])
            ):
                owners = split_owners(agent["agent"])  # "agreed that the meeting be convened by Ghana"
            owners_too(owners)
            offer(
                0.5 if verb in ("expected", "understood") else 0.7,
                Reason("words", {"words": f"{verb} that"}),
                owners,
            )
    if m := _DECIDED_TO.search(text):
        subject = _subject(text[: m.start()])
        subject = re.sub(r"\s+(?:was|were|is|are|has|have|had)$", "", subject)
        owners = split_owners(subject) if is_actor(subject) and not _SPEAKER.match(subject) else []
        if m["action"].lower() not in (
            "note",
            "take",
            "hold",
            "elect",
            "appoint",
            "adopt",
            "approve",
        ) and not (_SUBORDINATE.search(subject) or re.search(r"\b(?:which|who|that)\b", subject)):
            owners_too(owners)
            offer(0.7, Reason("words", {"words": f"{m['verb'].lower()} to {m['action'].lower()}"}), owners)
    if m := _REQUEST_NOUN.search(text):
        offer(0.6, Reason("request_what", {"words": "requested"}), [])
    stripped = text.strip()
    last_lead = re.split(r"(?<=[.;])\s+", lead.strip())[-1] if lead else ""
    deciding = re.search(
        r"\b(?:decides?|decided|agreed?|agrees|resolves?|resolved|recommends?|recommended|recommendations?)\b",
        last_lead,
        re.IGNORECASE,
    )
    if deciding and in_item and re.match(r"^to\s+[a-z]+", stripped, re.IGNORECASE):
        offer(0.65, Reason("under_decision", {"words": "To"}), [])
    if deciding and (that := re.match(r"^that\s+(?P<rest>.+)", stripped, re.IGNORECASE)):
        rest = that["rest"]
        first_modal, finite = _MODAL.search(rest), _FINITE.search(rest)
        if not finite or (first_modal and first_modal.start() < finite.start()):
            agent = _AGENT.search(rest)
            owners = split_owners(agent["agent"]) if agent and is_actor(agent["agent"]) else []
            owners_too(owners)
            offer(0.65, Reason("under_decision", {"words": "that"}), owners)
    if in_item and _IMPERATIVE.match(stripped):
        offer(0.35, Reason("imperative"), [])
    labelled = _ACTION_LABEL.match(stripped)
    task = stripped[labelled.end() :] if labelled else stripped
    if (
        (labelled or in_item)
        and (m := _TO_DO.match(task))
        and len(m["who"].split()) <= 5
        and not re.fullmatch(_DET, m["verb"], re.IGNORECASE)
        and is_actor(m["who"])
        and not _SUBORDINATE.search(m["who"])
        and not _VERB_IN_SUBJECT.search(m["who"])
    ):
        owners = split_owners(m["who"])
        owners_too(owners)
        offer(
            0.8 if labelled else 0.65, Reason("words", {"words": f"{m['who'][:20]} to {m['verb']}"}), owners
        )
    elif labelled and len(task.split()) >= 3:
        offer(0.6, Reason("action_line", {"words": "Action:"}), [])
    best.owners = owners_all or best.owners

    if best.score:
        best.owners += [o for o in _owners_from(clause) if o not in best.owners]
        penalties = [
            (_NOTING.match(stripped) and "'noted'" not in best.why and not _REQUEST_TO.search(text), 0.3),
            (_SCHEDULING.search(text) and not best.owners, 0.6),  # "… be convened by Ceylon" is a task
            (_APPOINTMENT.search(text), 0.6),
            (_INTERPRETATION.search(text), 0.6),
            (_QUESTION.search(text), 0.4),
            (_SPEAKER.match(stripped) and "will" not in best.why, 0.3),
            (_RECORD.search(text), 0.6),
            (_SPECULATIVE.search(text), 0.3),
            (_EVENT.search(text) and best.why.startswith("'") and best.why.split("'")[1] in _MODALS, 0.3),
            (_STATUS_QUO.search(text), 0.4),
            (_NORM.search(text) and not best.owners, 0.4),
            (_ABOUT_REPORT.match(stripped), 0.5),
        ]
        for hit, cost in penalties:
            if hit:
                best.score -= cost
    return best
