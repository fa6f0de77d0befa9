"""R3: how the public reads a hearing: its public state and the operability of its VCS.

Pure functions of what the selectors fetch, shared by the public page, the feeds and the
outbox, so that all of them say the same thing about a hearing.
"""

from collections.abc import Iterable

from courtvcs.hearings.choices import HearingStatus as S, TestSessionStatus as T
from courtvcs.orgs.choices import EndpointStatus

from .choices import PUBLIC_STATE_OF, VcsStatus

# The hearing was held by VCS (what broke afterwards is another day's news) ...
HELD = frozenset({S.CLOSED, S.ADJOURNED})
# ... or its call is up: the VCS demonstrably works.
CONNECTED = frozenset({S.CONNECTED, S.IN_SESSION})
# The VCS did not, or cannot now, work: R17 impossibility, R22 technical break, R24 suspension.
FAILED = frozenset({S.VCS_FAILED, S.NOT_HELD, S.TECHNICAL_BREAK, S.SUSPENDED})


def public_state(status: str) -> str | None:
    """The public state of a workflow status; None when the hearing is not published."""
    return PUBLIC_STATE_OF.get(status)


def vcs_status(*, status: str, courtroom_status: str, open_fault: bool,
               site_tests: Iterable[str | None]) -> str:
    """The operability of the hearing's VCS.

    `site_tests` holds, for each remote site of the hearing, the status of its latest test
    session that was not cancelled (None when none was requested yet). A hearing with no
    remote site (mobile VCS only) needs no test session (R13).
    """
    if status in HELD:
        return VcsStatus.OPERATIONAL
    if status in FAILED or courtroom_status != EndpointStatus.OPERABLE or open_fault:
        return VcsStatus.PROBLEM
    if status in CONNECTED:
        return VcsStatus.OPERATIONAL
    tests = list(site_tests)
    if any(t == T.FAILED for t in tests):
        return VcsStatus.PROBLEM
    if all(t == T.PASSED for t in tests):
        return VcsStatus.OPERATIONAL
    return VcsStatus.TEST_PENDING
