"""The domain errors that services raise and the API and pages translate.

A Rule that is broken raises RuleViolation (409, naming the rule); an action the user's
role or organisation does not allow raises Forbidden (403); input that is well-formed
but wrong raises InvalidInput (400) with field messages.
"""

from collections.abc import Sequence


class DomainError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(str(message))
        self.message = str(message)

    def payload(self) -> dict:
        return {"detail": self.message}


class RuleViolation(DomainError):
    """An action the Rules do not allow. `rule` is the point's id, e.g. "R13"."""

    status = 409

    def __init__(self, rule: str, message: str, reasons: Sequence[str] = (), *,
                 extra: dict | None = None):
        self.rule = rule
        self.reasons = [str(r) for r in reasons]
        # Machine-readable details a client can act on (e.g. the conflicting bookings).
        self.extra = extra or {}
        super().__init__(f"{rule}: {message}")

    def payload(self) -> dict:
        body = {"detail": self.message, "rule": self.rule}
        if self.reasons:
            body["reasons"] = self.reasons
        return {**body, **self.extra}


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class InvalidInput(DomainError):
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}

    def payload(self) -> dict:
        body = {"detail": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class SecondFactorRequired(Forbidden):
    """Issue 7: the password alone does not sign a member of staff in; `code` tells the
    client to ask for the authenticator code (or to send the person to enrol in a browser)."""

    def __init__(self, message: str, code: str = "second_factor_required"):
        super().__init__(message)
        self.code = code

    def payload(self) -> dict:
        return {"detail": self.message, "code": self.code}
