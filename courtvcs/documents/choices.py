from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """The papers the Rules produce; each is generated from the hearing's records."""

    TEST_SESSION_REQUEST = "test_session_request", _("Test-session request (R13)")
    LETTER = "letter", _("Letter to the remote court or institution (R13)")
    ACT = "act", _("Act of absence of technical possibility (R18)")
    PROTOCOL_MARK = "protocol_mark", _("Protocol mark: VCS used (R21)")
    SUSPENSION_NOTICE = "suspension_notice", _("Suspension notice (R24)")


class DocumentLanguage(models.TextChoices):
    """Court documents come in the state language and in Russian, both at once."""

    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")


RULE_OF_KIND = {
    DocumentKind.TEST_SESSION_REQUEST: "R13",
    DocumentKind.LETTER: "R13",
    DocumentKind.ACT: "R18",
    DocumentKind.PROTOCOL_MARK: "R21",
    DocumentKind.SUSPENSION_NOTICE: "R24",
}

# The protocol mark is about the hearing itself; every other kind is about one record
# (the test session, the letter, the act, the suspension), named by its id.
HEARING_LEVEL_KINDS = frozenset({DocumentKind.PROTOCOL_MARK})

# Short names for file names in downloads and in the case file's ZIP.
FILE_STEM = {
    DocumentKind.TEST_SESSION_REQUEST: "test-session-request",
    DocumentKind.LETTER: "letter",
    DocumentKind.ACT: "act",
    DocumentKind.PROTOCOL_MARK: "protocol-mark",
    DocumentKind.SUSPENSION_NOTICE: "suspension-notice",
}
