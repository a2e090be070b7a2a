"""Errors raised by actions, turned into Chinese messages by views and the API."""


class ActionDenied(PermissionError):
    """The acting user may not do this here (scope or role)."""


class VersionConflict(Exception):
    """The record changed since the user loaded it; carries both versions for the conflict page."""

    def __init__(self, message: str, *, current: dict, submitted: dict):
        super().__init__(message)
        self.current = current
        self.submitted = submitted
