"""Telegram's HTML parse mode: turn HTML into plain text + entities, or fail as Telegram does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# tag -> entity type; Telegram accepts exactly these.
_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^>]*)?)>")
_END_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTR = re.compile(r"""\s*([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


class EntityParseError(ValueError):
    """The description Telegram answers with (after 'Bad Request: ')."""


@dataclass
class _Open:
    tag: str
    offset: int
    attrs: dict[str, str]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _unescape(fragment: str, byte_offset: int) -> str:
    out = []
    pos = 0
    while True:
        amp = fragment.find("&", pos)
        if amp < 0:
            out.append(fragment[pos:])
            return "".join(out)
        out.append(fragment[pos:amp])
        match = _ENTITY.match(fragment, amp)
        if match is None:
            raise EntityParseError(
                f"can't parse entities: Character '&' is reserved and must be escaped with "
                f"&amp; at byte offset {byte_offset + len(fragment[:amp].encode())}"
            )
        if match[1] or match[2]:
            code = int(match[1]) if match[1] else int(match[2], 16)
            if not 0 < code <= 0x10FFFF:
                raise EntityParseError("can't parse entities: Unsupported HTML entity")
            out.append(chr(code))
        elif match[3] in _NAMED:
            out.append(_NAMED[match[3]])
        else:
            raise EntityParseError(
                f'can\'t parse entities: Unsupported HTML entity "&{match[3]};" at byte offset '
                f"{byte_offset + len(fragment[:amp].encode())}"
            )
        pos = match.end()


def _attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        if match[1]:
            value = match[2] if match[2] is not None else match[3] if match[3] is not None else match[4]
            attrs[match[1].lower()] = value or ""
    return attrs


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and Telegram entities (offsets in UTF-16 code units) for HTML ``text``."""
    plain: list[str] = []
    plain_len = 0  # in UTF-16 units
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    while pos < len(text):
        lt = text.find("<", pos)
        chunk = text[pos:] if lt < 0 else text[pos:lt]
        if chunk:
            piece = _unescape(chunk, len(text[:pos].encode()))
            plain.append(piece)
            plain_len += utf16_len(piece)
        if lt < 0:
            break
        byte_offset = len(text[:lt].encode())
        if end := _END_TAG.match(text, lt):
            tag = end[1].lower()
            if not stack:
                raise EntityParseError(
                    f"can't parse entities: Unexpected end tag at byte offset {byte_offset}"
                )
            if stack[-1].tag != tag:
                raise EntityParseError(
                    f"can't parse entities: Unmatched end tag at byte offset {byte_offset}, "
                    f'expected "</{stack[-1].tag}>", found "</{tag}>"'
                )
            opened = stack.pop()
            length = plain_len - opened.offset
            if length > 0:
                entities.append(_entity(opened, length))
            pos = end.end()
            continue
        if start := _START_TAG.match(text, lt):
            tag = start[1].lower()
            if tag not in _TAGS:
                raise EntityParseError(
                    f'can\'t parse entities: Unsupported start tag "{tag}" at byte offset {byte_offset}'
                )
            attrs = _attrs(start[2])
            if tag == "span" and attrs.get("class") != "tg-spoiler":
                raise EntityParseError(
                    'can\'t parse entities: Tag "span" must have class "tg-spoiler" '
                    f"at byte offset {byte_offset}"
                )
            if tag == "a" and not attrs.get("href"):
                raise EntityParseError(
                    f'can\'t parse entities: Tag "a" must have href at byte offset {byte_offset}'
                )
            stack.append(_Open(tag, plain_len, attrs))
            pos = start.end()
            continue
        raise EntityParseError(
            f'can\'t parse entities: Unsupported start tag "" at byte offset {byte_offset}'
            if text[lt + 1 : lt + 2].strip()
            else f"can't parse entities: Character '<' is reserved at byte offset {byte_offset}"
        )
    if stack:
        raise EntityParseError(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1].tag}\""
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    text = "".join(plain)
    utf16 = text.encode("utf-16-le")
    for entity in entities:
        if entity["type"] == "text_mention":  # Telegram sends the mentioned user with the entity
            start, end = 2 * entity["offset"], 2 * (entity["offset"] + entity["length"])
            entity["user"]["first_name"] = utf16[start:end].decode("utf-16-le")
    return text, entities


def _entity(opened: _Open, length: int) -> dict[str, Any]:
    entity: dict[str, Any] = {"type": _TAGS[opened.tag], "offset": opened.offset, "length": length}
    if opened.tag == "a":
        href = opened.attrs["href"]
        if href.startswith("tg://user?id="):
            user_id = href.removeprefix("tg://user?id=")
            if not user_id.isdigit():
                raise EntityParseError(f"can't parse entities: wrong user identifier in {href!r}")
            user = {"id": int(user_id), "is_bot": False, "first_name": ""}
            entity = {"type": "text_mention", "offset": opened.offset, "length": length, "user": user}
        else:
            entity["url"] = href
    elif opened.tag == "pre" and opened.attrs.get("language"):
        entity["language"] = opened.attrs["language"]
    elif opened.tag == "blockquote" and "expandable" in opened.attrs:
        entity["type"] = "expandable_blockquote"
    elif opened.tag == "tg-emoji":
        entity["custom_emoji_id"] = opened.attrs.get("emoji-id", "")
    return entity
