"""The progress report for the next meeting: every next step's status as of a date, what changed
in the period, and who has been quiet (``build_progress_report``); ``core.documents`` renders it."""

from core.progress.build import build_progress_report, find_source_meeting
from core.progress.model import (
    EARLIEST_AS_OF,
    STATUS_ORDER,
    STATUS_WORD,
    Change,
    ProgressReport,
    QuietParty,
    ReportRow,
    ReportSection,
)

__all__ = [
    "EARLIEST_AS_OF",
    "STATUS_ORDER",
    "STATUS_WORD",
    "Change",
    "ProgressReport",
    "QuietParty",
    "ReportRow",
    "ReportSection",
    "build_progress_report",
    "find_source_meeting",
]
