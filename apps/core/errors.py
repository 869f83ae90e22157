"""One application error type, mapped to one API error shape (see apps.core.api.exception_handler)."""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the domain refused the action.

    ``field_errors`` maps field names to messages (400 on those fields); without them the
    message is reported as ``{"detail": message}``.
    """

    status_code = 400

    def __init__(self, message: str = "", *, field_errors: dict[str, list[str] | str] | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field_errors = {
            field: [str(m) for m in (msgs if isinstance(msgs, list | tuple) else [msgs])]
            for field, msgs in (field_errors or {}).items()
        }


class ValidationFailed(ApplicationError):
    status_code = 400


class StateConflict(ApplicationError):
    """The object's state or a deadline forbids the action (HTTP 409)."""

    status_code = 409


class PermissionDenied(ApplicationError):
    """The user may see the object but not do this (HTTP 403)."""

    status_code = 403


class NotFound(ApplicationError):
    """The object does not exist or the user may not see it (HTTP 404). Never say which."""

    status_code = 404
