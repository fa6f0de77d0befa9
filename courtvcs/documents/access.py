"""Who may read and who may make a hearing's documents (role AND organisation).

The court hearing the case keeps the case file: its secretary, judges, head of the office
and technical specialist read every document of its hearings and generate them. Another
organisation reads only what is addressed to it: the letter to a remote court or
institution (R13) by the people who make the arrangements there (the institution's
responsible officer, the remote court's secretary), and the suspension notice of an
institution (R24) by that institution's responsible officer, who may also generate it.
Nobody else, coordinators included, reads the case file: it names the participants (R5).
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from courtvcs.errors import Forbidden
from courtvcs.hearings.models import Hearing
from courtvcs.orgs.choices import Role

from .choices import DocumentKind
from .models import Document

COURT_STAFF = frozenset({Role.SECRETARY, Role.JUDGE, Role.OFFICE_HEAD, Role.COURT_TECHNICIAN})
LETTER_READERS = frozenset({Role.INSTITUTION_OFFICER, Role.SECRETARY})
NOTICE_READERS = frozenset({Role.INSTITUTION_OFFICER})


def is_court_staff(user, hearing: Hearing) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or (user.role in COURT_STAFF and user.organisation_id == hearing.court_id)


def may_read(user, hearing: Hearing, kind: str, reader_org_id: int | None) -> bool:
    if is_court_staff(user, hearing):
        return True
    if user is None or not user.is_authenticated or reader_org_id is None:
        return False
    if user.organisation_id != reader_org_id:
        return False
    return (kind == DocumentKind.LETTER and user.role in LETTER_READERS) or \
        (kind == DocumentKind.SUSPENSION_NOTICE and user.role in NOTICE_READERS)


def may_generate(user, hearing: Hearing, kind: str, reader_org_id: int | None) -> bool:
    if is_court_staff(user, hearing):
        return True
    return (user is not None and user.is_authenticated and kind == DocumentKind.SUSPENSION_NOTICE
            and user.role == Role.INSTITUTION_OFFICER and user.organisation_id == reader_org_id)


def authorize_generate_kind(user, hearing: Hearing, kind: str) -> None:
    """Before the record is looked up: a person who may make no document of this kind for the
    hearing learns nothing of its records (issue 7, tests/access/test_write_matrix.py)."""
    if is_court_staff(user, hearing):
        return
    if not (kind == DocumentKind.SUSPENSION_NOTICE and user.role == Role.INSTITUTION_OFFICER):
        raise Forbidden(_("Your role and organisation do not allow you to make this document."))


def authorize_generate(user, hearing: Hearing, kind: str, reader_org_id: int | None) -> None:
    if not may_generate(user, hearing, kind, reader_org_id):
        raise Forbidden(_("Your role and organisation do not allow you to make this document."))


def is_outside_reader(user) -> bool:
    return user is not None and user.is_authenticated and (
        user.role in LETTER_READERS | NOTICE_READERS)


def readable(user, hearing: Hearing, qs: QuerySet | None = None) -> QuerySet:
    """The hearing's documents `user` may read (none for someone with no part in them)."""
    qs = Document.objects.filter(hearing=hearing) if qs is None else qs.filter(hearing=hearing)
    if is_court_staff(user, hearing):
        return qs
    if not is_outside_reader(user):
        return qs.none()
    allowed = Q(pk__in=[])
    if user.role in LETTER_READERS:
        from courtvcs.hearings.models import Letter

        letters = Letter.objects.filter(hearing=hearing, recipient_org_id=user.organisation_id)
        allowed |= Q(kind=DocumentKind.LETTER, source_id__in=letters.values("pk"))
    if user.role in NOTICE_READERS:
        from courtvcs.suspensions.models import SuspendedHearing

        caught = SuspendedHearing.objects.filter(hearing=hearing, suspension__institution_id=user.organisation_id)
        allowed |= Q(kind=DocumentKind.SUSPENSION_NOTICE, source_id__in=caught.values("suspension_id"))
    return qs.filter(allowed)
