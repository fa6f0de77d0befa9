"""What every HTMX page does with a service call: run it, and turn a domain error into
a message for the person, next to the form that caused it (STYLE habit 4).

A broken Rule (RuleViolation) is shown with its rule and every reason, a wrong field
(InvalidInput) next to that field, a forbidden action as a plain message; the status
code follows the API's (409, 400, 403), so an HTMX swap and a test see the same thing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from courtvcs.errors import DomainError, Forbidden, InvalidInput, NotFound, RuleViolation
from courtvcs.ops.refusals import refused


@dataclass
class Outcome:
    result: object = None
    error: str = ""
    rule: str = ""
    reasons: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    status: int = 200

    @property
    def ok(self) -> bool:
        return not self.error


def attempt(service, /, **kwargs) -> Outcome:
    """Call a service; a domain error becomes an Outcome with what to show."""
    try:
        return Outcome(result=service(**kwargs))
    except NotFound as exc:
        refused(404, exc.message)
        raise Http404(exc.message) from None
    except RuleViolation as exc:
        return Outcome(error=exc.message, rule=exc.rule, reasons=exc.reasons, status=409)
    except InvalidInput as exc:
        return Outcome(error=exc.message, fields=exc.fields, status=400)
    except Forbidden as exc:
        refused(403, exc.message)
        return Outcome(error=exc.message, status=403)
    except DomainError as exc:
        return Outcome(error=exc.message, status=exc.status)


def add_field_errors(form, outcome: Outcome) -> None:
    """Put a service's field messages on the form's own fields (others on the form)."""
    for name, message in outcome.fields.items():
        form.add_error(name if name in form.fields else None, message)


def invalid() -> Outcome:
    """A form that does not even have the right shape (the fields say what is wrong)."""
    from django.utils.translation import gettext as _

    return Outcome(error=_("Please correct the marked fields."), status=400)


def answer(request, outcome: Outcome, *, template: str, part: str, done: str, url_name: str,
           context: Callable[[], dict], **url_kwargs) -> HttpResponse:
    """After a write: a plain post is redirected on success (post/redirect/get); HTMX gets the
    page's `part` again; a refusal gets the page (or part) with what was typed and the
    outcome's status, so the person sees why next to what they did."""
    if outcome.ok and not request.htmx:
        messages.success(request, done)
        return redirect(url_name, **url_kwargs)
    ctx = context()
    if outcome.ok:
        ctx["done"] = done
    response = render(request, f"{template}#{part}" if request.htmx else template, ctx)
    response.status_code = 200 if outcome.ok else outcome.status
    return response
