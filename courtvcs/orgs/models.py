from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courtvcs.localized import NamedInThreeLanguages

from .choices import EndpointKind, EndpointStatus, Language, OrgKind, Role


class Region(NamedInThreeLanguages):
    """One of the 17 regions or 3 cities of republican significance."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_city = models.BooleanField(_("city of republican significance"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class District(NamedInThreeLanguages):
    """A district or city within a region: where a person is or lives (R26)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts",
                               verbose_name=_("region"))
    code = models.SlugField(_("code"), max_length=60, unique=True)

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Organisation(NamedInThreeLanguages):
    """A court, the Department, or a detention centre / correctional institution (R2, R7)."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations",
                               verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="organisations",
                                 verbose_name=_("district"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("higher organisation"))
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["region__code", "kind", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrgKind.values), name="org_kind_valid"),
        ]

    @property
    def is_court(self) -> bool:
        return self.kind in {OrgKind.SUPREME_COURT, OrgKind.REGIONAL_COURT, OrgKind.DISTRICT_COURT}

    @property
    def is_institution(self) -> bool:
        return self.kind in {OrgKind.DETENTION_CENTRE, OrgKind.CORRECTIONAL_INSTITUTION}


class Endpoint(models.Model):
    """A courtroom or an institution's VCS room with VCS equipment (R3, R10, R14)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="endpoints", verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=16, choices=EndpointKind.choices)
    room_number = models.CharField(_("room number"), max_length=20)
    status = models.CharField(_("operability"), max_length=16, choices=EndpointStatus.choices,
                              default=EndpointStatus.OPERABLE)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "room_number"]
        verbose_name = _("VCS endpoint")
        verbose_name_plural = _("VCS endpoints")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "room_number"],
                                    name="endpoint_room_unique_per_org"),
            models.CheckConstraint(condition=Q(status__in=EndpointStatus.values),
                                   name="endpoint_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.room_number}"


class EndpointStatusChange(models.Model):
    """History of an endpoint's operability (R14)."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="status_history")
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey("orgs.User", on_delete=models.PROTECT, null=True, blank=True)
    from_status = models.CharField(max_length=16, choices=EndpointStatus.choices)
    to_status = models.CharField(max_length=16, choices=EndpointStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class EndpointBlock(models.Model):
    """A period when an endpoint cannot be booked (maintenance)."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="blocks")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey("orgs.User", on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["endpoint", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="endpoint_block_ends_after_start"),
        ]


class User(AbstractUser):
    """A person of a court, the Department or an institution, with one role (R7-R9)."""

    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="people", verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    language = models.CharField(_("interface language"), max_length=2, choices=Language.choices,
                                blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # Everyone but an administrator works for an organisation in a role.
            models.CheckConstraint(
                condition=Q(is_superuser=True) | (Q(organisation__isnull=False) & ~Q(role="")),
                name="user_has_org_and_role",
            ),
            models.CheckConstraint(condition=Q(role="") | Q(role__in=Role.values),
                                   name="user_role_valid"),
        ]

    @property
    def display_name(self) -> str:
        parts = [self.last_name, self.first_name, self.middle_name]
        return " ".join(p for p in parts if p) or self.username


class UserSession(models.Model):
    """Issue 7: which sessions a member of staff holds, so they can all be ended at once
    (courtvcs.orgs.sessions.end_sessions). Written at sign-in, removed at sign-out."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    started_at = models.DateTimeField()
