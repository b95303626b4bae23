"""Errors a user can cause. Each carries the short, friendly reply the bot shows; nothing changes."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action; ``str(exc)`` is safe to show the user (plain text)."""


class NotFound(UserError):
    pass


class PermissionDenied(UserError):
    pass


class BadInput(UserError):
    pass
