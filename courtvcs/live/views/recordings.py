"""R4: the recording endpoints the courtroom console calls, and the recordings page.

The console (static/courtvcs/live/recorder.js) talks JSON: start, one POST per chunk (the
raw bytes, with X-Chunk-SHA256 and the CSRF token in X-CSRFToken), stop. Errors come back
as {"detail", "rule"} with the service's status (400, 403, 404, 409, 413), never as a
sign-in page. The page lists the recordings of the person's court; the download checks
access on every request and streams the chunks as one WebM file.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from courtvcs.errors import DomainError, NotFound
from courtvcs.orgs.choices import Role
from courtvcs.orgs.reauth import recent_sign_in_required
from courtvcs.pages import attempt

from ..choices import RecordingStatus
from ..services import recordings

PAGE_SIZE = 50


# ---- the console's JSON endpoints ---------------------------------------------------------

def _error(exc: DomainError) -> JsonResponse:
    return JsonResponse(exc.payload(), status=exc.status, json_dumps_params={"ensure_ascii": False})


def _sign_in_first() -> JsonResponse:
    return JsonResponse({"detail": _("Please sign in.")}, status=401)


def _describe(recording) -> dict:
    chunk_zero = reverse("live:recording_chunk", args=[recording.pk, 0])
    return {
        "id": recording.pk,
        "hearing_id": recording.hearing_id,
        "status": recording.status,
        "mime_type": recording.mime_type,
        # The console appends "<seq>/" to this for each chunk.
        "upload_url": chunk_zero[: -len("0/")],
        "stop_url": reverse("live:recording_stop", args=[recording.pk]),
        "next_seq": recording.chunk_count,
        "chunk_count": recording.chunk_count,
        "size_bytes": recording.size_bytes,
        "sha256": recording.sha256,
        "keep_until": recording.keep_until.isoformat() if recording.keep_until else None,
        "chunk_seconds": settings.COURTVCS_RECORDING_CHUNK_SECONDS,
        "max_chunk_bytes": settings.COURTVCS_RECORDING_CHUNK_MAX_BYTES,
    }


@require_POST
def start(request, hearing_id: int):
    if not request.user.is_authenticated:
        return _sign_in_first()
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": _("The request body is not valid JSON.")}, status=400)
    mime_type = body.get("mime_type", "") if isinstance(body, dict) else ""
    try:
        recording = recordings.start_recording(actor=request.user, hearing_id=hearing_id,
                                               mime_type=str(mime_type))
    except DomainError as exc:
        return _error(exc)
    return JsonResponse(_describe(recording))


@require_POST
def chunk(request, recording_id: int, seq: int):
    if not request.user.is_authenticated:
        return _sign_in_first()
    limit = settings.COURTVCS_RECORDING_CHUNK_MAX_BYTES
    too_large = recordings.ChunkTooLarge(
        _("A recording chunk may be at most %(limit)s bytes.") % {"limit": limit})
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _error(too_large)  # refused before a byte of it is read
    # Read the stream, not request.body: the body's own cap (DATA_UPLOAD_MAX_MEMORY_SIZE,
    # 2.5 MB) is meant for forms and is smaller than a chunk may be.
    data = request.read(limit + 1)
    if len(data) > limit:
        return _error(too_large)
    try:
        stored = recordings.store_chunk(actor=request.user, recording_id=recording_id, seq=seq,
                                        data=data,
                                        sha256_hex=request.headers.get("X-Chunk-SHA256", ""))
    except DomainError as exc:
        return _error(exc)
    return JsonResponse({"seq": stored.seq, "sha256": stored.sha256,
                         "size_bytes": stored.size_bytes}, status=201)


@require_POST
def stop(request, recording_id: int):
    if not request.user.is_authenticated:
        return _sign_in_first()
    try:
        recording = recordings.stop_recording(actor=request.user, recording_id=recording_id)
    except DomainError as exc:
        return _error(exc)
    return JsonResponse(_describe(recording))


# ---- the recordings page ------------------------------------------------------------------

def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _hms(span) -> str:
    seconds = max(0, int(span.total_seconds()))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _list_context(request, failed: tuple[int, object] | None = None) -> dict:
    user = request.user
    page = _page_number(request)
    offset = (page - 1) * PAGE_SIZE
    rows = list(recordings.recordings_for(user)[offset:offset + PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    may_destroy = user.role == Role.OFFICE_HEAD
    failed_id, outcome = failed if failed else (None, None)
    for rec in rows:
        rec.duration = _hms(rec.stopped_at - rec.started_at) if rec.stopped_at else ""
        rec.may_download = rec.status != RecordingStatus.DESTROYED and rec.chunk_count > 0
        rec.may_destroy = may_destroy and rec.status == RecordingStatus.COMPLETE
        rec.outcome = None
        if rec.pk == failed_id:
            rec.outcome, outcome = outcome, None  # shown next to its own row
    return {"rows": rows, "page": page, "more": more, "may_destroy": may_destroy,
            "retention_days": settings.COURTVCS_RECORDING_RETENTION_DAYS, "outcome": outcome}


def _require_viewer(user) -> None:
    if not recordings.may_view_recordings(user):
        raise PermissionDenied(_("Recordings are kept for the court's staff."))


@login_required
@require_GET
def recording_list(request):
    _require_viewer(request.user)
    template = "live/recordings.html#work" if request.htmx else "live/recordings.html"
    return render(request, template, _list_context(request))


@login_required
@require_POST
@recent_sign_in_required("live:recordings")
def destroy(request, recording_id: int):
    _require_viewer(request.user)
    outcome = attempt(recordings.destroy_recording, actor=request.user,
                      recording_id=recording_id, reason=request.POST.get("reason", ""))
    if outcome.ok:
        done = _("The recording of case %(case)s was destroyed; the destruction is in the "
                 "audit log.") % {"case": outcome.result.hearing.case_number}
        if not request.htmx:
            messages.success(request, done)
            return redirect("live:recordings")
        context = _list_context(request)
        context["done"] = done
        return render(request, "live/recordings.html#work", context)
    template = "live/recordings.html#work" if request.htmx else "live/recordings.html"
    response = render(request, template, _list_context(request, failed=(recording_id, outcome)))
    response.status_code = outcome.status
    return response


@login_required
@require_GET
@never_cache
def download(request, recording_id: int):
    try:
        recording = recordings.open_for_download(actor=request.user, recording_id=recording_id)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        return HttpResponse(exc.message, status=410 if exc.status == 409 else exc.status,
                            content_type="text/plain; charset=utf-8")
    stream = (recordings.playback_async(recording) if isinstance(request, ASGIRequest)
              else recordings.playback(recording))
    response = StreamingHttpResponse(stream, content_type=recording.mime_type.split(";")[0])
    if recording.status == RecordingStatus.COMPLETE:
        # Only a complete recording has a final size and hash (one under way still grows).
        response["Content-Length"] = str(recording.size_bytes)
        response["X-Recording-SHA256"] = recording.sha256
    response["Content-Disposition"] = f'attachment; filename="{recordings.download_name(recording)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("live/hearings/<int:hearing_id>/recordings/", start, name="recording_start"),
    path("live/recordings/<int:recording_id>/chunks/<int:seq>/", chunk, name="recording_chunk"),
    path("live/recordings/<int:recording_id>/stop/", stop, name="recording_stop"),
    path("live/recordings/", recording_list, name="recordings"),
    path("live/recordings/<int:recording_id>/download/", download, name="recording_download"),
    path("live/recordings/<int:recording_id>/destroy/", destroy, name="recording_destroy"),
]
