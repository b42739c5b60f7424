"""Domain errors raised by services; the API and pages turn them into 4xx responses with the message."""


class DomainError(Exception):
    http_status = 400
    code = "invalid"

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    http_status = 400
    code = "invalid"


class NotPermitted(DomainError):
    http_status = 403
    code = "forbidden"


class NotFoundInScope(DomainError):
    http_status = 404
    code = "not_found"


class InvalidTransition(DomainError):
    http_status = 409
    code = "conflict"


class ActionBlocked(InvalidTransition):
    """The action is the user's to take, but something else on the order must happen first; pages say what."""


class Unprocessable(DomainError):
    """Well formed, but contradicts what the same user sent before (an Idempotency-Key reused for another body)."""

    http_status = 422
    code = "unprocessable"
