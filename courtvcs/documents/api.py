"""The case file over JSON (R13, R18, R21, R24): list a hearing's documents, generate one
in both languages, download a PDF or DOCX, download the whole case file as a ZIP."""

import datetime as dt

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Router, Schema, Status

from . import selectors, services
from .choices import DocumentKind

router = Router(tags=["documents (R13, R18, R21, R24)"])


class DocumentOut(Schema):
    id: int
    hearing_id: int
    kind: str
    source_id: int | None
    language: str
    version: int
    draft: bool = Field(alias="is_draft")
    frozen: bool
    frozen_at: dt.datetime | None
    created_at: dt.datetime
    created_by_id: int | None
    pdf_sha256: str
    pdf_size: int
    docx_sha256: str
    docx_size: int
    pdf_url: str
    docx_url: str

    @staticmethod
    def resolve_source_id(obj) -> int | None:
        return obj.source_id or None  # the protocol mark is about the hearing itself

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return f"/api/documents/{obj.pk}/pdf"

    @staticmethod
    def resolve_docx_url(obj) -> str:
        return f"/api/documents/{obj.pk}/docx"


class GenerateIn(Schema):
    kind: DocumentKind
    # The test session, letter, act or suspension the document is about; none for the protocol mark.
    source_id: int | None = Field(None, ge=1)


def file_response(data: bytes, name: str, content_type: str, sha256: str = "") -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if sha256:
        response["X-Content-SHA256"] = sha256
    return response


@router.get("/hearings/{hearing_id}/documents", response=list[DocumentOut])
def list_documents(request, hearing_id: int):
    """The hearing's case file: every version of every document you may read."""
    return selectors.documents(request.user, hearing_id)


@router.post("/hearings/{hearing_id}/documents", response={201: list[DocumentOut]})
def generate(request, hearing_id: int, payload: GenerateIn):
    """Make the document in Kazakh and Russian (PDF and DOCX), as a new version of each."""
    return Status(201, services.generate(actor=request.user, hearing_id=hearing_id, kind=payload.kind,
                                         source_id=payload.source_id))


@router.get("/documents/{document_id}", response=DocumentOut)
def get_document(request, document_id: int):
    return selectors.one(request.user, document_id)


@router.get("/documents/{document_id}/{fmt}")
def download(request, document_id: int, fmt: str):
    """The PDF or the DOCX (fmt: pdf, docx)."""
    data, name, content_type, doc = selectors.for_download(request.user, document_id, fmt)
    return file_response(data, name, content_type, getattr(doc, f"{fmt}_sha256"))


@router.get("/hearings/{hearing_id}/case-file.zip")
def case_file_zip(request, hearing_id: int):
    """Every document you may read, with manifest.json and manifest.txt (SHA-256 of each file)."""
    data, name = selectors.case_file_zip(request.user, hearing_id)
    return file_response(data, name, "application/zip")
