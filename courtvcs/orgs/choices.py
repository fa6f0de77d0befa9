from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    SUPREME_COURT = "supreme_court", _("Supreme Court")
    DEPARTMENT = "department", _("Department for ensuring the activity of courts")
    REGIONAL_COURT = "regional_court", _("Regional or equivalent court")
    DISTRICT_COURT = "district_court", _("District or equivalent court")
    DETENTION_CENTRE = "detention_centre", _("Pre-trial detention centre")
    CORRECTIONAL_INSTITUTION = "correctional_institution", _("Correctional institution")


COURT_KINDS = {OrgKind.SUPREME_COURT, OrgKind.REGIONAL_COURT, OrgKind.DISTRICT_COURT}
INSTITUTION_KINDS = {OrgKind.DETENTION_CENTRE, OrgKind.CORRECTIONAL_INSTITUTION}


class Role(models.TextChoices):
    """R7: who takes part in organising and holding a hearing by VCS."""

    JUDGE = "judge", _("Judge")
    SECRETARY = "secretary", _("Hearing secretary")
    BAILIFF = "bailiff", _("Bailiff")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional VCS coordinator")
    DEPARTMENT_COORDINATOR = "department_coordinator", _("Department VCS coordinator")
    COURT_TECHNICIAN = "court_technician", _("Technical specialist")
    OFFICE_HEAD = "office_head", _("Head of the court office")
    INSTITUTION_OFFICER = "institution_officer", _("Institution responsible officer")
    INSTITUTION_TECHNICIAN = "institution_technician", _("Institution technical specialist")


COURT_ROLES = {Role.JUDGE, Role.SECRETARY, Role.BAILIFF, Role.COURT_TECHNICIAN, Role.OFFICE_HEAD}
INSTITUTION_ROLES = {Role.INSTITUTION_OFFICER, Role.INSTITUTION_TECHNICIAN}
TECHNICIAN_ROLES = {Role.COURT_TECHNICIAN, Role.INSTITUTION_TECHNICIAN}

# Which organisations a role may belong to.
ROLE_ORG_KINDS = {
    **{role: COURT_KINDS for role in COURT_ROLES},
    Role.REGIONAL_COORDINATOR: {OrgKind.REGIONAL_COURT},
    Role.DEPARTMENT_COORDINATOR: {OrgKind.DEPARTMENT},
    **{role: INSTITUTION_KINDS for role in INSTITUTION_ROLES},
}


class EndpointKind(models.TextChoices):
    COURTROOM = "courtroom", _("Courtroom")
    VCS_ROOM = "vcs_room", _("VCS room")


class EndpointStatus(models.TextChoices):
    """R14: the technical specialist keeps the equipment operable and says when it is not."""

    OPERABLE = "operable", _("Operable")
    FAULTY = "faulty", _("Faulty")
    MAINTENANCE = "maintenance", _("Under maintenance")


class Language(models.TextChoices):
    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")
    EN = "en", _("English")
