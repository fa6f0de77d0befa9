"""The case file page of a hearing: its documents with their downloads, a button to make
each document the records give, and the whole case file as a ZIP (R13, R18, R21, R24)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from courtvcs.errors import DomainError, Forbidden, NotFound
from courtvcs.pages import answer, attempt, invalid

from . import selectors, services
from .api import file_response
from .choices import DocumentKind


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(choices=DocumentKind.choices)
    source_id = forms.IntegerField(min_value=0, max_value=2**62, required=False)


def _page(request, hearing_id: int) -> dict:
    try:
        return selectors.case_file_page(request.user, hearing_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None


@login_required
def case_file(request, hearing_id: int):
    return render(request, "documents/case_file.html", _page(request, hearing_id))


@login_required
@require_POST
def generate(request, hearing_id: int):
    _page(request, hearing_id)  # 404 / 403 before anything else
    form = GenerateForm(request.POST)
    if form.is_valid():
        outcome = attempt(services.generate, actor=request.user, hearing_id=hearing_id,
                          kind=form.cleaned_data["kind"], source_id=form.cleaned_data["source_id"] or None)
    else:
        outcome = invalid()
    done = _("The document is made in Kazakh and Russian and attached to the case file.")
    if outcome.ok and outcome.result and outcome.result[0].frozen:
        done = _("The signed act is made in Kazakh and Russian and frozen: its SHA-256 is kept.")
    return answer(request, outcome, template="documents/case_file.html", part="work", done=done,
                  url_name="documents:case_file", hearing_id=hearing_id,
                  context=lambda: {**_page(request, hearing_id), "outcome": outcome})


def _file(request, produce):
    try:
        return produce()
    except NotFound:
        raise Http404 from None
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
@never_cache
def download(request, document_id: int, fmt: str):
    def produce():
        data, name, content_type, doc = selectors.for_download(request.user, document_id, fmt)
        return file_response(data, name, content_type, getattr(doc, f"{fmt}_sha256"))

    return _file(request, produce)


@login_required
@require_GET
@never_cache
def case_file_zip(request, hearing_id: int):
    def produce():
        data, name = selectors.case_file_zip(request.user, hearing_id)
        return file_response(data, name, "application/zip")

    return _file(request, produce)


urlpatterns = [
    path("hearings/<int:hearing_id>/documents/", case_file, name="case_file"),
    path("hearings/<int:hearing_id>/documents/generate/", generate, name="generate"),
    path("hearings/<int:hearing_id>/documents/case-file.zip", case_file_zip, name="case_file_zip"),
    path("documents/<int:document_id>/<slug:fmt>/", download, name="download"),
]
