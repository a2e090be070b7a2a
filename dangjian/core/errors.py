"""Errors raised by actions, turned into Chinese messages by views and the API."""


class ActionDenied(PermissionError):
    """The acting user may not do this here (scope or role). Every refusal raised while serving a
    request is noted, and audited once the response is made (core.refusals)."""

    def __init__(self, *args):
        super().__init__(*args)
        from .context import note_refusal

        note_refusal(str(args[0]) if args else "无权操作")


class VersionConflict(Exception):
    """The record changed since the user loaded it; carries both versions for the conflict page."""

    def __init__(self, message: str, *, current: dict, submitted: dict):
        super().__init__(message)
        self.current = current
        self.submitted = submitted
