"""Errors a question raises when what was asked cannot be answered as asked (the CLI prints one line, exit 2)."""

from __future__ import annotations


class QuestionError(ValueError):
    """A request the library refuses, in words a user can act on: a destination above the cap, a start
    that is not education, a role the session does not know in that sense."""
