"""Domain errors: services raise them, views turn them into messages or 4xx answers."""


class DomainError(Exception):
    """A refusal the user can act on; `field` names the form field it concerns, if any."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(DomainError):
    status_code = 403
