"""Who may see a hearing, and how a person stands to it (role AND organisation)."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from courtvcs.errors import Forbidden, NotFound, RuleViolation
from courtvcs.orgs.choices import Role

from .models import Hearing, RemoteSite
from .states import ACTIONS, COORDINATOR, COURT, PRESIDING, REMOTE


def _remote_of(org_id, hearing_id: int | None = None, starts: tuple | None = None) -> Q:
    # The ids of the hearings with a remote site there, not a correlated EXISTS: with
    # "court OR EXISTS (...)" SQLite tests every hearing one by one, and PostgreSQL costs
    # the plan so high that it JIT-compiles it (0.6 s at 100,000 hearings; bench/README.md).
    sites = RemoteSite.objects.filter(endpoint__organisation_id=org_id)
    if hearing_id is not None:
        sites = sites.filter(hearing_id=hearing_id)  # one hearing: only its own sites
    if starts is not None:
        # A list of some days: only the sites of hearings on those days, not every remote
        # site the organisation has ever hosted (which grows with the years).
        since, before = starts
        if since is not None:
            sites = sites.filter(hearing__starts_at__gte=since)
        if before is not None:
            sites = sites.filter(hearing__starts_at__lt=before)
    return Q(pk__in=sites.values("hearing_id"))


def visible_hearings(user, base: QuerySet | None = None, *,
                     hearing_id: int | None = None, starts: tuple | None = None) -> QuerySet:
    """The hearings `user` may see. `starts` = (since, before), either None: the caller lists
    only hearings starting then, and the remote-site part need not look further."""
    qs = Hearing.objects.all() if base is None else base
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    org_id = user.organisation_id
    if user.role == Role.DEPARTMENT_COORDINATOR:
        return qs  # The Department coordinates the whole country.
    if user.role == Role.REGIONAL_COORDINATOR:
        return qs.filter(coordinator_org_id=org_id)
    return qs.filter(Q(court_id=org_id) | _remote_of(org_id, hearing_id, starts))


def relations(user, hearing: Hearing) -> set[str]:
    if not user.is_authenticated or user.organisation_id is None:
        return set()
    rel = set()
    if user.organisation_id == hearing.court_id:
        rel.add(COURT)
    if user.pk == hearing.judge_id:
        rel.add(PRESIDING)
    if user.organisation_id == hearing.coordinator_org_id:
        rel.add(COORDINATOR)
    if hearing.remote_sites.filter(endpoint__organisation_id=user.organisation_id).exists():
        rel.add(REMOTE)
    return rel


def may(user, hearing: Hearing, action_name: str) -> bool:
    action = ACTIONS[action_name]
    rel = relations(user, hearing)
    return any(user.role == role and relation in rel for role, relation in action.actors)


def authorize(user, hearing: Hearing, action_name: str) -> None:
    """Raise Forbidden unless `user` may do `action_name` on `hearing` (state not checked)."""
    if user is None:
        if ACTIONS[action_name].system:
            return
        raise Forbidden(_("This action needs a signed-in person."))
    if not may(user, hearing, action_name):
        raise Forbidden(_("Your role and organisation do not allow this action on this hearing."))


def check_state(hearing: Hearing, action_name: str) -> None:
    action = ACTIONS[action_name]
    if action.from_states and hearing.status not in action.from_states:
        raise RuleViolation(
            action.rule,
            _("This cannot be done while the hearing is “%(status)s”.")
            % {"status": hearing.get_status_display()},
        )


def get_visible(user, hearing_id: int, *, for_update: bool = False) -> Hearing:
    qs = Hearing.objects.select_related("court", "courtroom", "judge", "coordinator_org")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    hearing = visible_hearings(user, qs, hearing_id=hearing_id).filter(pk=hearing_id).first()
    if hearing is None:
        raise NotFound(_("No such hearing, or it is not yours to see."))
    return hearing
