"""Domain errors raised by services; the API and pages turn them into 4xx responses with the message."""


class DomainError(Exception):
    http_status = 400
    code = "invalid"

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def field_errors(self):
        """{field: [messages]}: every field the error names (one, unless several inputs were wrong at once)."""
        return {self.field: [self.message]} if self.field else {}


class InvalidInput(DomainError):
    http_status = 400
    code = "invalid"


class InvalidInputs(InvalidInput):
    """Several inputs wrong at once: every one is named, so a form shows all its errors in one go."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("；".join(e.message for e in self.errors), field=self.errors[0].field)

    @property
    def field_errors(self):
        merged = {}
        for error in self.errors:
            for field, messages in error.field_errors.items():
                merged.setdefault(field, []).extend(messages)
        return merged


def every_input(*steps):
    """Run each validation step (a callable); their results in order, or one InvalidInputs naming every input that
    failed, not just the first."""
    results, failed = [], []
    for step in steps:
        try:
            results.append(step())
        except InvalidInput as error:
            failed.append(error)
    if failed:
        raise failed[0] if len(failed) == 1 else InvalidInputs(failed)
    return results


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
