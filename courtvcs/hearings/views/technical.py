"""The technical pages: test sessions and faults (R13, R16, R17), acts to sign (R18) and
the letters a remote court or institution receives (R13).

Each page shows a list built by a selector; each button posts to a small view that parses
a form, calls the service through `attempt`, and renders the list again. A refusal comes
back next to the item it concerns, with its rule and the API's status code (409, 400, 403).
Who may press a button is decided by the services; the workflow table (states.py) only
tells the page which buttons to draw.
"""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courtvcs import kztime
from courtvcs.orgs.choices import INSTITUTION_ROLES, Role
from courtvcs.orgs.reauth import recent_sign_in_required
from courtvcs.pages import Outcome, add_field_errors, answer, attempt, invalid

from .. import selectors
from ..choices import ActStatus, Signatory
from ..forms_console import local_datetime, text
from ..services import hearing_day, preparation
from ..services.hearing_day import SIGNATORY_OF_ROLE
from ..states import ACTIONS

# Who opens which page. The technical specialists act on the test-session page; the
# secretary and the institution's officer follow the same requests and results read-only.
TEST_PAGE_ROLES = {Role.COURT_TECHNICIAN, Role.INSTITUTION_TECHNICIAN, Role.SECRETARY, Role.INSTITUTION_OFFICER}
# R18: the three who sign the act.
ACT_PAGE_ROLES = set(SIGNATORY_OF_ROLE)
# R13: the letter goes to these people of the remote court or institution (preparation.send_letters).
LETTER_PAGE_ROLES = {Role.INSTITUTION_OFFICER, Role.INSTITUTION_TECHNICIAN, Role.SECRETARY, Role.COURT_TECHNICIAN}


class ScheduleForm(forms.Form):
    scheduled_at = local_datetime(gettext_lazy("Time of the test session"))


class ResultForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=gettext_lazy("Result"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", gettext_lazy("Passed")), ("no", gettext_lazy("Failed"))])
    notes = text(gettext_lazy("Notes (required when it failed)"))


class FaultOutcomeForm(forms.Form):
    fixed = forms.TypedChoiceField(
        label=gettext_lazy("Outcome"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", gettext_lazy("Fixed")), ("no", gettext_lazy("Cannot be fixed"))])
    resolution = text(gettext_lazy("What was done"), required=True)


def _require_role(user, roles) -> None:
    if user.role not in roles:
        raise PermissionDenied(_("This page is not part of your role's work."))


def _table_allows(user, action_name: str, status: str) -> bool:
    """Whether the workflow table gives this role the action in this state (to draw a button)."""
    action = ACTIONS[action_name]
    return any(user.role == role for role, _rel in action.actors) and (
        not action.from_states or status in action.from_states)


def _submit(form, service, **kwargs) -> Outcome:
    """Call the service with the form's values; its field messages go back on the form."""
    outcome = attempt(service, **kwargs, **form.cleaned_data)
    add_field_errors(form, outcome)
    return outcome


def _answer(request, template: str, build, outcome: Outcome, *, done: str, url_name: str, failed=None):
    return answer(request, outcome, template=template, part="work", done=done, url_name=url_name,
                  context=lambda: build(request) if outcome.ok else build(request, failed=failed))


def _place(items, failed, context) -> None:
    """Put a refused form and its refusal on its item, or at the top when it left the list."""
    if failed is None:
        return
    kind, pk, form, outcome = failed
    for item in items:
        if item.pk == pk and hasattr(item, f"{kind}_form"):
            setattr(item, f"{kind}_form", form)
            item.outcome = outcome
            return
    context["outcome"] = outcome


# ---- test sessions and faults (R13, R16, R17) --------------------------------------------

def _tests_context(request, failed=None) -> dict:
    user = request.user
    now = kztime.now()
    queue = list(selectors.test_session_queue(user).select_related("hearing__courtroom", "technician"))
    for ts in queue:
        ts.overdue = now >= ts.must_be_held_before
        ts.due_soon = not ts.overdue and ts.must_be_held_before - now <= dt.timedelta(days=1)
        ts.may_schedule = _table_allows(user, "schedule_test_session", ts.hearing.status)
        ts.may_record = _table_allows(user, "record_test_result", ts.hearing.status)
        ts.schedule_form = ScheduleForm(prefix=f"s{ts.pk}", initial={"scheduled_at": ts.scheduled_at})
        ts.result_form = ResultForm(prefix=f"r{ts.pk}")
    faults = list(selectors.open_faults(user))
    for fault in faults:
        fault.may_resolve = _table_allows(user, "fix_fault", fault.hearing.status)
        fault.resolve_form = FaultOutcomeForm(prefix=f"f{fault.pk}")
    context = {
        "queue": queue, "faults": faults, "results": list(selectors.finished_test_sessions(user)),
        "acts_waiting": (selectors.acts_awaiting_signature(user).count()
                         if user.role in ACT_PAGE_ROLES else 0),
    }
    # The secretary and the institution's officer see the same lists without the forms.
    context["may_act"] = any(user.role == role for name in ("schedule_test_session", "record_test_result",
                                                               "fix_fault") for role, _rel in ACTIONS[name].actors)
    # A refusal goes next to its item's form, or at the top for one who sees no forms.
    shown = faults if failed and failed[0] == "resolve" else queue
    _place(shown if context["may_act"] else [], failed, context)
    return context


@login_required
def tests(request):
    _require_role(request.user, TEST_PAGE_ROLES)
    return render(request, "hearings/tests.html", _tests_context(request))


@login_required
@require_POST
def test_schedule(request, test_session_id: int):
    _require_role(request.user, TEST_PAGE_ROLES)
    form = ScheduleForm(request.POST, prefix=f"s{test_session_id}")
    outcome = _submit(form, preparation.schedule_test_session, actor=request.user,
                      test_session_id=test_session_id) if form.is_valid() else invalid()
    return _answer(request, "hearings/tests.html", _tests_context, outcome,
                   done=_("The test session is scheduled."), url_name="hearings:tests",
                   failed=("schedule", test_session_id, form, outcome))


@login_required
@require_POST
def test_result(request, test_session_id: int):
    _require_role(request.user, TEST_PAGE_ROLES)
    form = ResultForm(request.POST, prefix=f"r{test_session_id}")
    outcome = _submit(form, preparation.record_test_result, actor=request.user,
                      test_session_id=test_session_id) if form.is_valid() else invalid()
    return _answer(request, "hearings/tests.html", _tests_context, outcome,
                   done=_("The result of the test session is recorded."), url_name="hearings:tests",
                   failed=("result", test_session_id, form, outcome))


@login_required
@require_POST
def fault_resolve(request, fault_id: int):
    _require_role(request.user, TEST_PAGE_ROLES)
    form = FaultOutcomeForm(request.POST, prefix=f"f{fault_id}")
    outcome = _submit(form, hearing_day.resolve_fault, actor=request.user,
                      fault_id=fault_id) if form.is_valid() else invalid()
    return _answer(request, "hearings/tests.html", _tests_context, outcome,
                   done=_("The outcome of the fault is recorded."), url_name="hearings:tests",
                   failed=("resolve", fault_id, form, outcome))


# ---- acts of absence of technical possibility (R18) -------------------------------------

def _acts_context(request, failed=None) -> dict:
    user = request.user
    mine = SIGNATORY_OF_ROLE.get(user.role)
    acts = list(selectors.acts_awaiting_signature(user).order_by("created_at", "id"))
    for act in acts:
        signed = {sig.signatory: sig for sig in act.signatures.all()}
        # R18: three signatures in any order; each row says who has signed and when.
        act.rows = [(label, signed.get(value)) for value, label in Signatory.choices]
        act.awaits_me = mine is not None and act.status == ActStatus.AWAITING_SIGNATURES and mine not in signed
        act.may_sign = act.awaits_me and _table_allows(user, "sign_act", act.hearing.status)
        act.sign_form = None
    context = {"acts": acts, "my_signatory": Signatory(mine).label if mine else ""}
    _place(acts, failed, context)
    return context


@login_required
def acts(request):
    _require_role(request.user, ACT_PAGE_ROLES)
    return render(request, "hearings/acts.html", _acts_context(request))


@login_required
@require_POST
@recent_sign_in_required("hearings:acts")
def act_sign(request, act_id: int):
    _require_role(request.user, ACT_PAGE_ROLES)
    outcome = attempt(hearing_day.sign_act, actor=request.user, act_id=act_id)
    done = _("Your signature is recorded.")
    if outcome.ok and outcome.result.status == ActStatus.SIGNED:
        done = _("The act is signed by all three; the hearing is marked as not held by VCS.")
    return _answer(request, "hearings/acts.html", _acts_context, outcome, done=done,
                   url_name="hearings:acts", failed=("sign", act_id, None, outcome))


# ---- letters (R13) ----------------------------------------------------------------------

def _letters_context(request, failed=None) -> dict:
    user = request.user
    letters = list(selectors.letters_inbox(user)[:200])
    for letter in letters:
        letter.may_acknowledge = letter.acknowledged_at is None and \
            _table_allows(user, "acknowledge_letter", letter.hearing.status)
        letter.acknowledge_form = None
    context = {"letters": letters, "unacknowledged": sum(1 for x in letters if x.acknowledged_at is None)}
    if user.role in INSTITUTION_ROLES:
        # The hearings the institution takes part in, from today on (the rest is history).
        today = kztime.start_of_local_day(kztime.local_date(kztime.now()))
        context["hearings"] = list(selectors.hearing_list(user, date_from=today, limit=100))
    _place(letters, failed, context)
    return context


@login_required
def letters(request):
    _require_role(request.user, LETTER_PAGE_ROLES)
    return render(request, "hearings/letters.html", _letters_context(request))


@login_required
@require_POST
def letter_acknowledge(request, letter_id: int):
    _require_role(request.user, LETTER_PAGE_ROLES)
    outcome = attempt(preparation.acknowledge_letter, actor=request.user, letter_id=letter_id)
    return _answer(request, "hearings/letters.html", _letters_context, outcome,
                   done=_("The letter is acknowledged; the court's secretary is told."),
                   url_name="hearings:letters", failed=("acknowledge", letter_id, None, outcome))


urlpatterns = [
    path("tests/", tests, name="tests"),
    path("tests/<int:test_session_id>/schedule/", test_schedule, name="test_schedule"),
    path("tests/<int:test_session_id>/result/", test_result, name="test_result"),
    path("faults/<int:fault_id>/resolve/", fault_resolve, name="fault_resolve"),
    path("acts/", acts, name="acts"),
    path("acts/<int:act_id>/sign/", act_sign, name="act_sign"),
    path("letters/", letters, name="letters"),
    path("letters/<int:letter_id>/acknowledge/", letter_acknowledge, name="letter_acknowledge"),
]
