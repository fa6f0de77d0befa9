"""Staff change their own password: the present one, the new one twice (the project's
validators: length, common and breached passwords, similarity to the person), and the
current code of their authenticator, as a full sign-in would ask.

Every other session of the person ends and its room sockets close; this browser stays
signed in, its open hearing pages included.
"""

from django import forms
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from courtvcs.audit.services import audit_record

from . import second_factor, sessions


class OwnPasswordForm(PasswordChangeForm):
    # Django's own texts, in our catalogue: its Kazakh one lacks them (password_validators.py).
    error_messages = {
        "password_incorrect": _("Your present password was entered incorrectly. Enter it again."),
        "password_mismatch": _("The two new passwords do not match."),
    }
    code = forms.CharField(label=_("Code"), max_length=8, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Present password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")
        self.fields["new_password2"].help_text = _("The same new password, to be sure it was typed right.")

    def clean_code(self):
        code = self.cleaned_data.get("code", "")
        if not second_factor.check_code(user=self.user, code=code):
            raise forms.ValidationError(_("The code is wrong or has expired. Enter the current code."))
        return code


@transaction.atomic
def change_own_password(*, request, form: OwnPasswordForm) -> int:
    """Save the new password; returns how many other sessions were ended."""
    user = form.save()
    # As update_session_auth_hash, but keeping the session's key: the person's open hearing
    # pages in this browser hold sockets under that key and must not be cut off.
    request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    request.session.save()
    ended = sessions.end_sessions(user, "password_changed", user, keep=request.session.session_key)
    audit_record(actor=user, action="password_changed", obj=user, after={"other_sessions_ended": ended})
    return ended
