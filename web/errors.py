"""What a failed request shows: the library's one-line message and a 400 or 404, never a stack trace.

The CLI turns the same exceptions into one line on stderr and exit 2 (cli/app.py); here they become the
same line on the page (or `{"error": ...}` for `/api/...`) with the status that says whose problem it is.
"""

from __future__ import annotations

from dataclasses import dataclass


class BadInput(ValueError):
    """A form field the page refuses before asking the library (an unknown band, a missing role).
    `field` names the form control, so the page can show the message next to it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class TooLarge(BadInput):
    """An upload over the size limit."""


class NotKnown(BadInput):
    """A name in a form field that the library does not know (shown as 404, next to the field)."""


@dataclass(frozen=True)
class Failure:
    status: int
    message: str
    field: str | None = None


def failure_of(err: Exception) -> Failure | None:
    """The status and message for an error a user can act on; None for a bug (shown as a plain 500)."""
    from frameworks.errors import LibraryError, one_line
    from graph.embeddings import ModelUnavailable
    from graph.errors import StoreError
    from graph.lookup import NotFound
    from pathways.errors import QuestionError

    if isinstance(err, TooLarge):
        return Failure(413, str(err), err.field)
    if isinstance(err, NotKnown):
        return Failure(404, str(err), err.field)
    if isinstance(err, BadInput):
        return Failure(400, str(err), err.field)
    if isinstance(err, NotFound):
        return Failure(404, str(err))
    if isinstance(err, QuestionError):
        return Failure(400, str(err))
    if isinstance(err, LibraryError):
        return Failure(400, "; ".join(one_line(str(p)) for p in err.problems))
    if isinstance(err, (ModelUnavailable, StoreError)):
        return Failure(503, str(err))
    return None


def user_failure(err: Exception) -> Failure:
    """The Failure a page shows for `err`; a bug (no Failure) is raised again, to show as a plain 500."""
    failure = failure_of(err)
    if failure is None:
        raise err
    return failure
