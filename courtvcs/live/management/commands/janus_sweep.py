"""Close Janus rooms whose call is over, destroy leftover rooms, revoke stray tokens.

The task worker does this every COURTVCS_JANUS_SWEEP_MINUTES where Janus servers are
configured (live/tasks.py sweep_janus_rooms, started by catch_up); this command runs it
once, now: a test session that finished, or a hearing changed while a Janus server was
unreachable, leaves its room open until then.
"""

from django.core.management.base import BaseCommand

from courtvcs.live.janus.services import sweep


class Command(BaseCommand):
    help = "Close finished Janus rooms and revoke their tokens on every server of the pool."

    def handle(self, *args, **options):
        done = sweep()
        self.stdout.write("Janus sweep: {closed} room(s) closed, {leftovers} leftover(s) destroyed, "
                          "{tokens} token(s) revoked".format(**done))
