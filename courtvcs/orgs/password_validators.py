"""Django's password validators with their texts in this project's catalogue: Django's own
Kazakh catalogue lacks most of them, so a Kazakh-speaking secretary changing a password was
told in English why it was refused. Same checks and codes as Django's; only the words differ
in where they are translated (courtvcs/locale)."""

from django.contrib.auth import password_validation as django_validators
from django.utils.translation import gettext as _, ngettext


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext("This password is too short. It must contain at least %(n)d character.",
                        "This password is too short. It must contain at least %(n)d characters.",
                        self.min_length) % {"n": self.min_length}

    def get_help_text(self):
        return ngettext("Your password must contain at least %(n)d character.",
                        "Your password must contain at least %(n)d characters.",
                        self.min_length) % {"n": self.min_length}


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("The password is too similar to the %(verbose_name)s.")

    def get_help_text(self):
        return _("Your password can’t be too similar to your other personal information.")


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self):
        return _("This password is too common.")

    def get_help_text(self):
        return _("Your password can’t be a commonly used password.")


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self):
        return _("This password is entirely numeric.")

    def get_help_text(self):
        return _("Your password can’t be entirely numeric.")
