"""R24: the institution's responsible officer declares and lifts a suspension of VCS, and
sees the current and past suspensions of the institution with the hearings they caught.

The officer acts; the other people see the suspensions that concern them read-only (the
institution's own, or for a court those that caught its hearings, selectors.suspensions_of).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from courtvcs.orgs.choices import Role
from courtvcs.pages import Outcome, add_field_errors, answer, attempt

from . import selectors, services
from .choices import SuspensionReason

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class DeclareForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason (R24)"),
                               choices=[("", gettext_lazy("Choose the situation"))] + SuspensionReason.choices)
    starts_at = forms.DateTimeField(label=gettext_lazy("From"), required=False, widget=LOCAL_INPUT,
                                    input_formats=LOCAL_FORMATS,
                                    help_text=gettext_lazy("Leave empty to suspend from now."))
    expected_end_at = forms.DateTimeField(label=gettext_lazy("Expected end"), required=False, widget=LOCAL_INPUT,
                                          input_formats=LOCAL_FORMATS,
                                          help_text=gettext_lazy("If known. The suspension lasts until you lift it."))
    details = forms.CharField(label=gettext_lazy("Details"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))


def _may_declare(user) -> bool:
    # Display only: services.declare and services.lift decide (R24).
    return user.role == Role.INSTITUTION_OFFICER


def _context(request, *, form=None, failed=None) -> dict:
    user = request.user
    if user.organisation_id is None and not user.is_superuser:
        raise PermissionDenied(_("Suspensions belong to an institution."))
    items = list(selectors.suspensions_with_hearings(user))
    may_declare = _may_declare(user)
    for s in items:
        s.may_lift = may_declare and s.lifted_at is None and s.institution_id == user.organisation_id
        s.outcome = None
    context = {
        "current": [s for s in items if s.lifted_at is None],
        "past": [s for s in items if s.lifted_at is not None],
        "may_declare": may_declare,
        "form": form or DeclareForm(),
    }
    if failed is not None:
        pk, outcome = failed
        target = next((s for s in items if s.pk == pk), None)
        if target is None:
            context["outcome"] = outcome
        else:
            target.outcome = outcome
    return context


def _answer(request, outcome: Outcome, *, done: str, form=None, failed=None):
    def refused_context():
        context = _context(request, form=form, failed=failed)
        if failed is None:
            # A refused declaration is shown by its form, or at the top for one who has no form.
            context["declare_outcome" if context["may_declare"] else "outcome"] = outcome
        return context

    return answer(request, outcome, template="suspensions/list.html", part="work", done=done,
                  url_name="suspensions:list",
                  context=lambda: _context(request) if outcome.ok else refused_context())


@login_required
def suspension_list(request):
    return render(request, "suspensions/list.html", _context(request))


@login_required
@require_POST
def declare(request):
    form = DeclareForm(request.POST)
    if form.is_valid():
        outcome = attempt(services.declare, actor=request.user, **form.cleaned_data)
        add_field_errors(form, outcome)
    else:
        outcome = Outcome(error=_("Please correct the marked fields."), status=400)
    done = ""
    if outcome.ok:
        n = outcome.result.hearings.count()
        done = ngettext("The suspension is declared; %(n)s hearing is suspended and its court is told.",
                        "The suspension is declared; %(n)s hearings are suspended and their courts are told.",
                        n) % {"n": n}
    return _answer(request, outcome, done=done, form=form)


@login_required
@require_POST
def lift(request, suspension_id: int):
    outcome = attempt(services.lift, actor=request.user, suspension_id=suspension_id)
    return _answer(request, outcome, failed=(suspension_id, outcome),
                   done=_("The suspension is lifted; its hearings go back to their secretaries for review."))


urlpatterns = [
    path("suspensions/", suspension_list, name="list"),
    path("suspensions/declare/", declare, name="declare"),
    path("suspensions/<int:suspension_id>/lift/", lift, name="lift"),
]
