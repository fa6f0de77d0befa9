"""The forms of the secretary's booking pages (R10, R23): shape only.

Whether a slot is technically possible, whether a judge or courtroom belongs to the court
and every other Rule stay in services/booking.py and services/agreement.py; these forms
parse what was typed and offer the choices the selectors give.
"""

import itertools

from django import forms
from django.core.validators import RegexValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from courtvcs import kztime
from courtvcs.orgs.choices import OrgKind

from .choices import Basis, Category, HearingStatus, Instance, ParticipationMode, PetitionForm, ProceduralRole
from .forms_console import local_datetime
from .models import Hearing, Participant, Petition
from .services.booking import INSTANCES_BY_COURT


def _label(model, name: str):
    """The model field's own (translated) name, as the form's label."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _endpoint_label(endpoint) -> str:
    return f"{endpoint.organisation.name} — {endpoint.room_number}"


def grouped_endpoints(endpoints) -> list:
    """Endpoints as <optgroup>s "Region · Organisation", in the order the selector gives."""
    return [(f"{org.region.name} · {org.name}", [(e.pk, _endpoint_label(e)) for e in group])
            for org, group in itertools.groupby(endpoints, key=lambda e: e.organisation)]


def grouped_organisations(orgs) -> list:
    return [(region.name, [(o.pk, o.name) for o in group])
            for region, group in itertools.groupby(orgs, key=lambda o: o.region)]


class AvailabilityForm(forms.Form):
    """The fields that decide whether the endpoints are free (R10): read on every change."""

    courtroom_id = forms.TypedChoiceField(label=_label(Hearing, "courtroom"), coerce=int)
    starts_at = local_datetime(_("Start (Kazakhstan time)"))
    duration_minutes = forms.IntegerField(label=_label(Hearing, "duration_minutes"), min_value=5,
                                          max_value=720, initial=60)
    remote_endpoint_ids = forms.TypedMultipleChoiceField(
        label=_("Remote sites"), coerce=int, required=False,
        help_text=_("Endpoints of other courts and institutions. Type in the search box to narrow "
                    "the list; hold Ctrl (⌘ on a Mac) to choose several."))

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courtroom_id"].choices = [("", "—")] + [(e.pk, e.room_number) for e in choices["courtrooms"]]
        self.remote_labels = {}
        groups = grouped_endpoints(choices["remote"])
        for _group, options in groups:
            self.remote_labels.update(options)
        self.fields["remote_endpoint_ids"].choices = groups
        for name in ("courtroom_id", "starts_at", "duration_minutes", "remote_endpoint_ids"):
            # These fields ask the page for a fresh availability check when they change.
            self.fields[name].widget.attrs["data-availability"] = "1"
        self.fields["remote_endpoint_ids"].widget.attrs["size"] = 10

    def chosen_remote(self) -> list[tuple[int, str]]:
        """The remote sites picked so far (valid or not yet), for the participants' selects."""
        raw = self.data.getlist(self.add_prefix("remote_endpoint_ids")) if self.is_bound else []
        chosen = []
        for value in raw:
            try:
                pk = int(value)
            except (TypeError, ValueError):
                continue
            if pk in self.remote_labels:
                chosen.append((pk, self.remote_labels[pk]))
        return chosen


class BookingForm(AvailabilityForm):
    case_number = forms.CharField(label=_label(Hearing, "case_number"), max_length=64)
    category = forms.ChoiceField(label=_label(Hearing, "category"), choices=Category.choices)
    instance = forms.ChoiceField(label=_label(Hearing, "instance"))
    judge_id = forms.TypedChoiceField(label=_label(Hearing, "judge"), coerce=int)
    basis = forms.ChoiceField(label=_label(Hearing, "basis"), choices=Basis.choices, widget=forms.RadioSelect,
                              initial=Basis.COURT_INITIATIVE)
    petition_id = forms.TypedChoiceField(label=_("Petition"), coerce=int, required=False, empty_value=None,
                                         help_text=_("Only when the hearing is held on a petition."))

    field_order = ["case_number", "category", "instance", "courtroom_id", "judge_id", "starts_at",
                   "duration_minutes", "remote_endpoint_ids", "basis", "petition_id"]

    def __init__(self, *args, court, choices: dict, **kwargs):
        super().__init__(*args, choices=choices, **kwargs)
        instances = INSTANCES_BY_COURT.get(court.kind, set())
        self.fields["instance"].choices = [(v, label) for v, label in Instance.choices if v in instances]
        if court.kind == OrgKind.SUPREME_COURT:
            self.fields["instance"].initial = Instance.CASSATION
        self.fields["judge_id"].choices = [("", "—")] + [(j.pk, j.display_name) for j in choices["judges"]]
        self.fields["petition_id"].choices = [("", "—")] + [
            (p.pk, f"{p.case_number} — {p.petitioner_name} ({kztime.local(p.filed_at):%d.%m.%Y}, "
                   f"{p.get_status_display()})")
            for p in choices["petitions"]]


class ParticipantForm(forms.Form):
    """One person taking part; an untouched row is left out."""

    full_name = forms.CharField(label=_label(Participant, "full_name"), min_length=2, max_length=255)
    procedural_role = forms.ChoiceField(label=_label(Participant, "procedural_role"),
                                        choices=[("", "—")] + ProceduralRole.choices)
    mode = forms.ChoiceField(label=_label(Participant, "mode"), choices=ParticipationMode.choices,
                             initial=ParticipationMode.COURTROOM)
    remote_endpoint_id = forms.TypedChoiceField(label=_("Remote site"), coerce=int, required=False,
                                                empty_value=None)
    phone = forms.CharField(label=_label(Participant, "phone"), required=False, max_length=32,
                            validators=[RegexValidator(r"^[0-9+() \-]*$", _("Digits, spaces, + ( ) and - only."))],
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_label(Participant, "email"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, remote: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["remote_endpoint_id"]
        # The hearing's own remote sites; the page's script keeps them in step with the list above.
        field.choices = [("", "—")] + list(remote or [])
        field.widget.attrs["data-remote-site"] = "1"


class BaseParticipantFormSet(forms.BaseFormSet):
    def __init__(self, *args, remote: list | None = None, **kwargs):
        self.remote = remote or []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "remote": self.remote}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, renderer=self.renderer, remote=self.remote)
        self.add_fields(form, None)
        return form

    def filled(self) -> list[tuple[int, ParticipantForm]]:
        """(row index, form) of the rows someone typed into."""
        return [(i, f) for i, f in enumerate(self.forms) if f.has_changed()]


ParticipantFormSet = forms.formset_factory(ParticipantForm, formset=BaseParticipantFormSet, extra=2,
                                           max_num=50, validate_max=True)
PARTICIPANTS_PREFIX = "participants"


class PetitionFilingForm(forms.Form):
    """R10, R23: a petition to take part by VCS, as agreement.file_petition takes it."""

    case_number = forms.CharField(label=_label(Petition, "case_number"), max_length=64)
    petitioner_name = forms.CharField(label=_label(Petition, "petitioner_name"), min_length=2, max_length=255)
    petitioner_role = forms.ChoiceField(label=_label(Petition, "petitioner_role"),
                                        choices=[("", "—")] + ProceduralRole.choices)
    form = forms.ChoiceField(label=_label(Petition, "form"), choices=PetitionForm.choices,
                             widget=forms.RadioSelect, initial=PetitionForm.WRITTEN)
    requested_org_id = forms.TypedChoiceField(label=_label(Petition, "requested_org"), coerce=int,
                                              required=False, empty_value=None)
    mobile_vcs = forms.BooleanField(label=_label(Petition, "mobile_vcs"), required=False)
    filed_at = local_datetime(_("Filed at (Kazakhstan time; empty for now)"), required=False)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_org_id"].choices = [("", "—")] + grouped_organisations(places)


class HearingFilterForm(forms.Form):
    """The day list's filters: Kazakhstan calendar days and a state."""

    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    status = forms.ChoiceField(label=_label(Hearing, "status"), required=False,
                               choices=[("", _("Any state"))] + HearingStatus.choices)
