"""The public schedule's filters: a court and a Kazakhstan calendar day (R3)."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The largest id a database column holds: a larger one is no court, not a server error.
MAX_ID = 2**63 - 1


class ScheduleFilter(forms.Form):
    """The feed's filters: `court` (an id, optional: every court) and `day` (YYYY-MM-DD,
    optional: today in Kazakhstan)."""

    court = forms.IntegerField(label=_("Court"), required=False, min_value=1, max_value=MAX_ID,
                               error_messages={"invalid": _("Give the court's number, e.g. 12.")})
    day = forms.DateField(label=_("Day"), required=False, input_formats=["%Y-%m-%d"],
                          error_messages={"invalid": _("Give the day as YYYY-MM-DD, e.g. 2026-12-03.")},
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        away = dt.timedelta(days=settings.COURTVCS_PUBLIC_MAX_DAYS_AWAY)
        self.first_day, self.last_day = today - away, today + away
        self.fields["day"].widget.attrs.update(min=self.first_day.isoformat(), max=self.last_day.isoformat())

    def clean_day(self) -> dt.date:
        day = self.cleaned_data.get("day") or self.today
        if not self.first_day <= day <= self.last_day:
            raise forms.ValidationError(
                _("Choose a day from %(first)s to %(last)s.")
                % {"first": self.first_day.strftime("%d.%m.%Y"), "last": self.last_day.strftime("%d.%m.%Y")})
        return day


class SchedulePageForm(ScheduleFilter):
    """The page's filters: the court is picked from the list of courts, by region."""

    court = forms.TypedChoiceField(label=_("Court"), required=False, coerce=int, empty_value=None,
                                   error_messages={"invalid_choice": _("There is no such court: choose one from the list.")})

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].choices = [("", _("All courts"))] + [
            (region, [(court.pk, court.name) for court in courts]) for region, courts in regions]
