"""The progress report as files and as a chat summary: ``render_docx``, ``render_pdf`` (bytes) and
``render_summary`` (plain text). Each takes a ``core.progress.ProgressReport`` and nothing else."""

from core.documents.docx import render_docx
from core.documents.markdown import render_summary
from core.documents.pdf import render_pdf

__all__ = ["render_docx", "render_pdf", "render_summary"]
