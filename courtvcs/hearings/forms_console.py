"""The forms of the hearing page: one per action of the workflow table (states.py).

Each ConsoleAction pairs a Django form (shape only) with the service call it makes;
the Rules themselves stay in the services.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import AttendanceResult, NextSittingMode
from .services import adjournment, agreement, hearing_day, preparation

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def local_datetime(label, required=True):
    return forms.DateTimeField(label=label, required=required, widget=LOCAL_INPUT,
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


def text(label, required=False, rows=2):
    return forms.CharField(label=label, required=required, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": rows}))


class EmptyForm(forms.Form):
    pass


class DecisionForm(forms.Form):
    hold_by_vcs = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Hold the hearing by VCS")), ("no", _("Do not hold it by VCS"))])
    reason = text(_("Reason (required when refusing)"))


class AgreementForm(forms.Form):
    answer = forms.ChoiceField(label=_("Answer"), widget=forms.RadioSelect, choices=[
        ("agree", _("Agree")), ("refuse", _("Refuse")), ("propose", _("Propose another time"))])
    reason = text(_("Reason"))
    proposed_starts_at = local_datetime(_("Proposed start"), required=False)


class ProposalForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("The proposed time"), coerce=lambda v: v == "yes",
                                    widget=forms.RadioSelect,
                                    choices=[("yes", _("Accept")), ("no", _("Decline"))])


class FaultForm(forms.Form):
    description = text(_("What is wrong"), required=True, rows=3)
    remote_site_id = forms.TypedChoiceField(label=_("Where"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, hearing=None, **kwargs):
        super().__init__(*args, **kwargs)
        sites = [(s.pk, f"{s.endpoint.organisation.name}, {s.endpoint.room_number}")
                 for s in (hearing.remote_sites.all() if hearing else [])]
        self.fields["remote_site_id"].choices = [("", _("The courtroom"))] + sites


class FaultResolutionForm(forms.Form):
    fault_id = forms.IntegerField(widget=forms.HiddenInput)
    fixed = forms.TypedChoiceField(label=_("Result"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                   choices=[("yes", _("Fixed")), ("no", _("Cannot be fixed"))])
    resolution = text(_("What was done"), required=True)


class ActForm(forms.Form):
    reason = text(_("Reason for the act"))
    fault_id = forms.TypedChoiceField(label=_("From the fault"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, hearing=None, **kwargs):
        super().__init__(*args, **kwargs)
        faults = [(f.pk, f.description[:60]) for f in (hearing.faults.all() if hearing else [])]
        self.fields["fault_id"].choices = [("", _("Other reason (delayed start)"))] + faults


class SignForm(forms.Form):
    act_id = forms.IntegerField(widget=forms.HiddenInput)


class LetterForm(forms.Form):
    letter_id = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    participant_id = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Result"), choices=AttendanceResult.choices)
    document = forms.CharField(label=_("Identity document seen"), required=False, max_length=255)
    authority = forms.CharField(label=_("Authority checked"), required=False, max_length=255)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = text(_("Reason"))


class RequiredReasonForm(forms.Form):
    reason = text(_("Reason"), required=True)


class StartForm(forms.Form):
    starts_at = local_datetime(_("New start"))


class ResumeForm(forms.Form):
    starts_at = local_datetime(_("New start (optional)"), required=False)


class AdjournForm(forms.Form):
    reason = text(_("Reason"))
    next_starts_at = local_datetime(_("Next sitting (if set)"), required=False)

    def __init__(self, *args, hearing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(hearing.participants.all()) if hearing else []
        places = [("", "—")] + [(o.pk, o.name) for o in vcs_places(hearing)] if self.people else []
        for p in self.people:
            self.fields[f"mode_{p.pk}"] = forms.ChoiceField(
                label=p.full_name, required=False,
                choices=[("", _("Not asked"))] + list(NextSittingMode.choices))
            # R23: "by VCS from a named court" names the court or institution.
            self.fields[f"org_{p.pk}"] = forms.TypedChoiceField(
                label=_("%(name)s: by VCS from") % {"name": p.full_name}, required=False,
                coerce=int, empty_value=None, choices=places)

    def choices(self):
        return [adjournment.ModeChoice(participant_id=p.pk, mode=self.cleaned_data[f"mode_{p.pk}"],
                                       from_org_id=self.cleaned_data.get(f"org_{p.pk}"))
                for p in self.people if self.cleaned_data.get(f"mode_{p.pk}")]


def vcs_places(hearing):
    """Courts and institutions other than the hearing's own court that have a VCS endpoint."""
    from courtvcs.orgs.models import Organisation

    places = Organisation.objects.filter(endpoints__isnull=False).exclude(pk=hearing.court_id).distinct()
    return sorted(places, key=lambda o: o.name)  # by the name in the reader's language


@dataclass(frozen=True)
class ConsoleAction:
    name: str               # the workflow action (states.py) that must be allowed
    label: str
    form: type[forms.Form]
    run: Callable           # run(u=actor, h=hearing, d=cleaned_data, f=form) -> result
    danger: bool = False
    # Seldom needed and weighty: kept behind "More actions" so it is not pressed by mistake.
    rare: bool = False


def _by_id(model_set, pk):
    return next(o for o in model_set if o.pk == pk)


ACTIONS = {a.name: a for a in [
    ConsoleAction("decide", _("Decide"), DecisionForm, lambda *, u, h, d, f: agreement.decide(
        actor=u, hearing_id=h.pk, hold_by_vcs=d["hold_by_vcs"], reason=d["reason"])),
    ConsoleAction("agree", _("Answer the request"), AgreementForm, lambda *, u, h, d, f: agreement.coordinator_answer(
        actor=u, hearing_id=h.pk, answer=d["answer"], reason=d["reason"],
        proposed_starts_at=d["proposed_starts_at"])),
    ConsoleAction("accept_proposal", _("Answer the proposal"), ProposalForm,
                  lambda *, u, h, d, f: agreement.answer_proposal(actor=u, hearing_id=h.pk, accept=d["accept"])),
    ConsoleAction("request_test_session", _("Request the test session"), EmptyForm,
                  lambda *, u, h, d, f: preparation.request_test_sessions(actor=u, hearing_id=h.pk)),
    ConsoleAction("send_letters", _("Send the letters"), EmptyForm,
                  lambda *, u, h, d, f: preparation.send_letters(actor=u, hearing_id=h.pk)),
    ConsoleAction("acknowledge_letter", _("Acknowledge"), LetterForm,
                  lambda *, u, h, d, f: preparation.acknowledge_letter(actor=u, letter_id=d["letter_id"])),
    ConsoleAction("connect", _("Connect"), EmptyForm,
                  lambda *, u, h, d, f: hearing_day.connect(actor=u, hearing_id=h.pk)),
    ConsoleAction("report_fault", _("Report a fault"), FaultForm, lambda *, u, h, d, f: hearing_day.report_fault(
        actor=u, hearing_id=h.pk, description=d["description"], remote_site_id=d["remote_site_id"])),
    ConsoleAction("fix_fault", _("Record the outcome"), FaultResolutionForm,
                  lambda *, u, h, d, f: hearing_day.resolve_fault(actor=u, fault_id=d["fault_id"], fixed=d["fixed"],
                                                               resolution=d["resolution"])),
    ConsoleAction("draw_up_act", _("Draw up the act"), ActForm, lambda *, u, h, d, f: hearing_day.draw_up_act(
        actor=u, hearing_id=h.pk, reason=d["reason"], fault_id=d["fault_id"]), rare=True),
    ConsoleAction("sign_act", _("Sign the act"), SignForm,
                  lambda *, u, h, d, f: hearing_day.sign_act(actor=u, act_id=d["act_id"])),
    ConsoleAction("call_in", _("Call in"), EmptyForm,
                  lambda *, u, h, d, f: hearing_day.call_in(actor=u, hearing_id=h.pk)),
    ConsoleAction("check_attendance", _("Record the check"), AttendanceForm,
                  lambda *, u, h, d, f: hearing_day.check_attendance(actor=u, hearing_id=h.pk, **d)),
    ConsoleAction("declare_break", _("Declare a technical break"), ReasonForm,
                  lambda *, u, h, d, f: hearing_day.declare_break(actor=u, hearing_id=h.pk, reason=d["reason"])),
    ConsoleAction("reconnect", _("Reconnect"), EmptyForm,
                  lambda *, u, h, d, f: hearing_day.reconnect(actor=u, hearing_id=h.pk)),
    ConsoleAction("adjourn", _("Adjourn"), AdjournForm, lambda *, u, h, d, f: adjournment.adjourn(
        actor=u, hearing_id=h.pk, reason=d["reason"], choices=f.choices(),
        next_starts_at=d["next_starts_at"])),
    ConsoleAction("reschedule", _("Send the new date for agreement"), StartForm,
                  lambda *, u, h, d, f: adjournment.reschedule(actor=u, hearing_id=h.pk, starts_at=d["starts_at"])),
    ConsoleAction("resume", _("Resume"), ResumeForm, lambda *, u, h, d, f: adjournment.resume_after_suspension(
        actor=u, hearing_id=h.pk, starts_at=d["starts_at"])),
    ConsoleAction("close", _("Close the session"), EmptyForm,
                  lambda *, u, h, d, f: hearing_day.close(actor=u, hearing_id=h.pk)),
    ConsoleAction("cancel", _("Cancel the hearing"), RequiredReasonForm,
                  lambda *, u, h, d, f: adjournment.cancel(actor=u, hearing_id=h.pk, reason=d["reason"]),
                  danger=True, rare=True),
]}

# Workflow actions that share one form on the page.
SAME_FORM = {"reject": "decide", "refuse": "agree", "propose": "agree", "decline_proposal": "accept_proposal",
             "vcs_impossible": "fix_fault", "resume_undecided": "resume"}


def make_form(action: ConsoleAction, hearing, data=None, initial=None, prefix=None):
    # Several forms on one page have a "reason": each keeps its own ids so labels stay right.
    kwargs = {"data": data, "initial": initial, "prefix": prefix, "auto_id": f"{action.name}-%s"}
    if action.form in (FaultForm, ActForm, AdjournForm):
        kwargs["hearing"] = hearing
    return action.form(**kwargs)
