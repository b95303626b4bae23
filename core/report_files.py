"""Report files -> text: .txt/.md as UTF-8, .docx paragraphs, the text layer of a .pdf.

A DOCX is a zip and a PDF a small program: either can be built to take minutes or gigabytes
to read (a zip bomb, a 2,000-page PDF). So both are read in a child process with a time limit
and a memory cap, after cheap checks of what the file declares (its unzipped size, its page
count), and the text read is capped too. A file over any budget gets a clear reply; the bot
never waits longer than the time budget and its own memory is never at stake. The budgets are
in ``core.limits``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from core import limits
from core.errors import Amount, BadInput
from core.i18n import N_

MAX_REPORT_BYTES = 5 * 1024 * 1024
CHILD_MEMORY_BYTES = 1024 * 1024 * 1024  # address space of the reading process
NEEDS_MEMORY = N_(
    "That file needs more memory to read than I allow. Send a smaller file, or the steps as text."
)
_ROOT = Path(__file__).resolve().parents[1]  # the directory holding the ``core`` package


def too_big(max_bytes: int) -> BadInput:
    return BadInput("That file is too big (max {size} MB).", size=Amount(round(max_bytes / (1024 * 1024), 1)))


def too_long() -> BadInput:
    return BadInput(
        "That report is too long to read (over {chars} characters). Send the part with the next steps.",
        chars=Amount(limits.REPORT_CHARS),
    )


def read_report(
    name: str, content: bytes, max_bytes: int = MAX_REPORT_BYTES, *, seconds: float | None = None
) -> str:
    """The text of a report file, within the size, time (``seconds``, default
    ``limits.REPORT_SECONDS``), page and character budgets."""
    if not content.strip():
        raise BadInput("That file is empty.")
    if len(content) > max_bytes:
        raise too_big(max_bytes)
    suffix = Path(name).suffix.lower()
    if suffix in (".docx", ".pdf"):
        text = _read_in_child(suffix, content, seconds or limits.REPORT_SECONDS)
        if suffix == ".pdf" and not text.strip():
            raise BadInput("That PDF has no text layer (a scan?). Send a text, DOCX or searchable PDF.")
    else:
        text = _plain_text(content)
    if len(text) > limits.REPORT_CHARS:
        raise too_long()
    return text


def _plain_text(content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise BadInput("That doesn't look like a text report. Send .txt, .md, .docx or .pdf.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("That file isn't UTF-8 text. Send .txt, .md, .docx or .pdf.") from None


def _read_in_child(suffix: str, content: bytes, seconds: float) -> str:
    """Run ``extract`` in a fresh interpreter; kill it when the time budget is spent."""
    env = {
        # only what Python needs: the child never sees the bot's token or database password
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(_ROOT),
        "PYTHONIOENCODING": "utf-8",
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "core.report_files", suffix],
            input=content,
            capture_output=True,
            timeout=seconds,
            env=env,
            cwd=_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BadInput(
            "Reading that file took too long (over {seconds} seconds), so I stopped. "
            "Send a smaller file, or the next steps as text.",
            seconds=f"{seconds:g}",
        ) from None
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except ValueError:  # killed (e.g. out of its memory budget) before it could answer
        raise BadInput(NEEDS_MEMORY) from None
    if "error" in answer:  # the child's message id and its parameters: translated where shown
        params = {
            key: Amount(value["amount"]) if isinstance(value, dict) and "amount" in value else value
            for key, value in dict(answer.get("params") or {}).items()
        }
        raise BadInput(str(answer["error"]), **params)
    return str(answer["text"])


def extract(suffix: str, content: bytes) -> str:
    """The text of a DOCX or PDF; raises BadInput for a file over its budgets or unreadable."""
    return _docx_text(content) if suffix == ".docx" else _pdf_text(content)


def _docx_text(content: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BadInput("I can't open that DOCX file.") from None
    if unzipped > limits.REPORT_UNZIPPED_BYTES:
        # a zip bomb, or a document far bigger than any report (the sizes a zip declares are
        # checked against its data as it is read, so a lying header fails as a broken file)
        raise BadInput(
            "That DOCX unpacks to {size} MB (at most {most} MB). Send the report's text instead.",
            size=Amount(round(unzipped / (1024 * 1024))),
            most=limits.REPORT_UNZIPPED_BYTES // (1024 * 1024),
        )
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
    except MemoryError:
        raise
    except Exception:
        raise BadInput("I can't open that DOCX file.") from None
    lines: list[str] = []
    size = 0
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "").lower()
        line = ("- " if "list" in style else "") + paragraph.text
        size += len(line) + 1
        if size > limits.REPORT_CHARS:
            raise too_long()
        lines.append(line)
    return "\n".join(lines)


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        pages = len(reader.pages)
    except MemoryError:
        raise
    except Exception:
        raise BadInput("I can't read that PDF.") from None
    if pages > limits.REPORT_PAGES:
        raise BadInput(
            "That PDF has {pages} pages; I read at most {most}. "
            "Send the part of the report with the next steps.",
            pages=Amount(pages),
            most=limits.REPORT_PAGES,
        )
    parts: list[str] = []
    size = 0
    try:
        for page in reader.pages:
            text = page.extract_text() or ""
            size += len(text) + 1
            if size > limits.REPORT_CHARS:
                raise too_long()
            parts.append(text)
    except (BadInput, MemoryError):
        raise
    except Exception:
        raise BadInput("I can't read that PDF.") from None
    return "\n".join(parts)


def _child_main() -> None:
    """``python -m core.report_files SUFFIX``: the file on stdin, ``{"text"|"error": …}`` on stdout."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):  # not on this platform: the time limit still holds
        pass
    suffix, content = sys.argv[1], sys.stdin.buffer.read()
    answer: dict[str, object]
    try:
        answer = {"text": extract(suffix, content)}
    except BadInput as exc:  # the message id and its parameters, for the bot to translate
        params = {k: {"amount": v.value} if isinstance(v, Amount) else v for k, v in exc.params.items()}
        answer = {"error": exc.message, "params": params}
    except MemoryError:
        answer = {"error": NEEDS_MEMORY}
    sys.stdout.buffer.write(json.dumps(answer).encode("utf-8"))


if __name__ == "__main__":
    _child_main()
