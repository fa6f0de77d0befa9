"""The live part of a hearing: personal links for mobile VCS and recordings (R4, R17, R20).

Who is in a room and how each link fares is kept by the signalling consumer while the
call lasts; what must outlive it (site states, quality changes, breaks) goes to the
hearing's records and timeline.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import RecordingSource, RecordingStatus

USER = settings.AUTH_USER_MODEL


class MobileLink(models.Model):
    """A mobile-VCS participant's personal link to one hearing (R17, R20).

    Only the SHA-256 of the token is kept: whoever reads the database cannot join.
    """

    hearing = models.ForeignKey("hearings.Hearing", on_delete=models.CASCADE,
                                related_name="mobile_links")
    participant = models.ForeignKey("hearings.Participant", on_delete=models.CASCADE,
                                    related_name="mobile_links")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    first_used_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live link per participant: issuing a new one revokes the old.
            models.UniqueConstraint(fields=["participant"], condition=Q(revoked_at__isnull=True),
                                    name="one_live_mobile_link_per_participant"),
        ]


class Recording(models.Model):
    """R4: the hearing's recording: uploaded by the courtroom console in chunks, or made by
    the server (a Janus VideoRoom's recording of one site, converted to one WebM file)."""

    hearing = models.ForeignKey("hearings.Hearing", on_delete=models.PROTECT,
                                related_name="recordings")
    status = models.CharField(max_length=12, choices=RecordingStatus.choices,
                              default=RecordingStatus.RECORDING)
    mime_type = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    # None for a recording made by the server: nobody started it.
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    stopped_at = models.DateTimeField(null=True, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    chunk_count = models.PositiveIntegerField(default=0)
    # SHA-256 over the chunks' hashes in order, set when the recording is complete.
    sha256 = models.CharField(max_length=64, blank=True)
    keep_until = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    destroyed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    # Who made it: the courtroom console (browser) or the server (Janus, one file per site).
    source = models.CharField(max_length=8, choices=RecordingSource.choices,
                              default=RecordingSource.CONSOLE)
    # A server recording is one site's: "courtroom", "remote-<id>", "mobile-<participant id>"
    # and the label the other sites saw on its tile (no personal data).
    site = models.CharField(max_length=64, blank=True)
    site_label = models.CharField(max_length=200, blank=True)
    # A server recording's origin (SHA-256 of its Janus rec_dir and feed id): attached once.
    server_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "keep_until"])]
        constraints = [
            models.UniqueConstraint(fields=["server_key"], condition=~Q(server_key=""),
                                    name="server_recording_attached_once"),
            models.CheckConstraint(condition=Q(status__in=RecordingStatus.values),
                                   name="recording_status_valid"),
            models.CheckConstraint(condition=~Q(status=RecordingStatus.DESTROYED)
                                   | Q(destroyed_at__isnull=False),
                                   name="recording_destroyed_has_time"),
        ]


class RecordingChunk(models.Model):
    """One piece of a recording as uploaded; the pieces in order make the media file."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    stored_at = models.DateTimeField()
    # Relative to settings.COURTVCS_RECORDINGS_DIR; the name is chosen by the server.
    path = models.CharField(max_length=255)

    class Meta:
        ordering = ["recording", "seq"]
        constraints = [models.UniqueConstraint(fields=["recording", "seq"],
                                               name="recording_chunk_once_per_seq")]


class JanusRoom(models.Model):
    """A VideoRoom on one Janus server of the pool, carrying one hearing's (or test
    session's) call when the Janus plane serves it (courtvcs/live/janus.py).

    Every application node reads the room from here, so whichever node a page reaches
    finds the same Janus room. The room's secret (to edit or destroy it) never leaves the
    server side; the PIN goes to the seated pages only, with a per-participant token.
    """

    room = models.CharField(max_length=40)  # the signalling room: "hearing-12", "test-5"
    hearing = models.ForeignKey("hearings.Hearing", on_delete=models.CASCADE, related_name="janus_rooms")
    test_session = models.ForeignKey("hearings.TestSession", on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="janus_rooms")
    server = models.CharField(max_length=64)  # the name of the pool entry (COURTVCS_JANUS_SERVERS)
    janus_room_id = models.BigIntegerField()
    secret = models.CharField(max_length=64)
    pin = models.CharField(max_length=32)
    sites = models.PositiveSmallIntegerField(default=2)  # the sites the room carries: its load
    record = models.BooleanField(default=False)
    rec_dir = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["server", "closed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["room"], condition=Q(closed_at__isnull=True),
                                    name="one_open_janus_room_per_room"),
            models.UniqueConstraint(fields=["server", "janus_room_id"],
                                    name="janus_room_id_once_per_server"),
        ]

    def __str__(self):
        return f"{self.room} on {self.server} ({self.janus_room_id})"
