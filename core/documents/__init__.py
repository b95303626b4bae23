"""The progress report as files and as text: ``render_docx``, ``render_pdf`` (bytes),
``render_summary`` (plain text for a chat) and ``render_markdown`` (the whole report). Each takes
a ``core.progress.ProgressReport`` and nothing else."""

from core.documents.docx import render_docx
from core.documents.markdown import render_markdown, render_summary
from core.documents.pdf import render_pdf

__all__ = ["render_docx", "render_markdown", "render_pdf", "render_summary"]
