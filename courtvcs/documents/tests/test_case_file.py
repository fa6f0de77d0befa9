"""R18 (the act "is attached to the case file") and the other papers with it: the case
file page, its downloads, the ZIP with its manifest, who may open them, an
administrator's own templates, and answers to bad input."""

import hashlib
import io
import json
import shutil
import sys
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from docx import Document as new_docx

from courtvcs.documents import rendering
from courtvcs.documents.models import Document
from courtvcs.hearings.models import Letter, TestSession
from courtvcs.hearings.tests.answers import forbidden, not_found, ok
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at

from .helpers import (
    act_drawn_up, assert_clean, assert_contains, by_language, docx_text, download, generate, pdf_text, sign_all,
)


def page(user):
    client = Client()
    client.force_login(user)
    return client


def full_case_file(world, api, clock, capture):
    """An act signed and frozen, drafts of it, the test-session request, the letter and the
    protocol mark: the case file of a hearing that could not be held by VCS."""
    flow, fault, act = act_drawn_up(world, api, clock)
    generate(api, world.secretary, flow.hearing_id, "act", act["id"])  # the draft, version 1
    sign_all(world, api, clock, act["id"], capture)  # frozen, version 2
    [ts] = TestSession.objects.filter(hearing_id=flow.hearing_id)
    generate(api, world.secretary, flow.hearing_id, "test_session_request", ts.pk)
    generate(api, world.secretary, flow.hearing_id, "letter", Letter.objects.get(hearing_id=flow.hearing_id).pk)
    generate(api, world.secretary, flow.hearing_id, "protocol_mark")
    return flow, act


def test_r18_the_case_file_zip_lists_every_document_and_each_sha256_matches_its_file(
        world, api, clock, django_capture_on_commit_callbacks):
    flow, act = full_case_file(world, api, clock, django_capture_on_commit_callbacks)
    rows = list(Document.objects.filter(hearing_id=flow.hearing_id))
    assert len(rows) == 10  # act v1 draft, act v2 frozen, request, letter, mark; each kk and ru

    response = api(world.office_head).get(f"/hearings/{flow.hearing_id}/case-file.zip")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    folder = f"case-file_1-101-2026_hearing-{flow.hearing_id}"
    assert response["Content-Disposition"] == f'attachment; filename="{folder}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    manifest = json.loads(archive.read(f"{folder}/manifest.json"))
    text = archive.read(f"{folder}/manifest.txt").decode("utf-8")
    assert manifest["case_number"] == "1-101/2026" and manifest["hearing_id"] == flow.hearing_id

    entries = manifest["documents"]
    assert len(entries) == 2 * len(rows)  # a PDF and a DOCX of each
    assert {(e["kind"], e["language"], e["version"], e["format"]) for e in entries} == {
        (d.kind, d.language, d.version, fmt) for d in rows for fmt in ("pdf", "docx")}
    stored = {(d.kind, d.source_id, d.language, d.version): d for d in rows}
    for e in entries:
        data = archive.read(f"{folder}/{e['file']}")
        assert hashlib.sha256(data).hexdigest() == e["sha256"], e["file"]
        assert len(data) == e["size"]
        doc = stored[(e["kind"], e["source_id"], e["language"], e["version"])]
        assert e["sha256"] == getattr(doc, f"{e['format']}_sha256")
        assert (e["frozen"], e["draft"]) == (doc.frozen, doc.is_draft)
        assert e["file"] in text and e["sha256"] in text
    acts = {(e["version"], e["frozen"], e["latest"]) for e in entries if e["kind"] == "act"}
    assert acts == {(1, False, False), (2, True, True)}
    assert f"{folder}/documents/1-101-2026_act-{act['id']}_ru_v2.pdf" in archive.namelist()


def test_r18_the_case_file_page_lists_the_documents_makes_them_and_downloads_them(
        world, api, clock, django_capture_on_commit_callbacks):
    flow, fault, act = act_drawn_up(world, api, clock)
    secretary = page(world.secretary)
    console = secretary.get(f"/hearings/{flow.hearing_id}/")
    assert f'href="/hearings/{flow.hearing_id}/documents/"' in console.content.decode()

    body = secretary.get(f"/hearings/{flow.hearing_id}/documents/").content.decode()
    assert "No document in the case file yet." in body
    for kind in ("act", "letter", "test_session_request", "protocol_mark"):
        assert f'value="{kind}"' in body, kind

    response = secretary.post(f"/hearings/{flow.hearing_id}/documents/generate/",
                              {"kind": "act", "source_id": act["id"]})
    assert response.status_code == 302
    response = secretary.post(f"/hearings/{flow.hearing_id}/documents/generate/",
                              {"kind": "protocol_mark", "source_id": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="work"' in body and "<html" not in body  # the HTMX part only
    docs = Document.objects.filter(hearing_id=flow.hearing_id).order_by("id")
    assert [(d.kind, d.language, d.is_draft) for d in docs] == [
        ("act", "kk", True), ("act", "ru", True), ("protocol_mark", "kk", False), ("protocol_mark", "ru", False)]
    for d in docs:
        assert f'href="/documents/{d.pk}/pdf/"' in body and f'href="/documents/{d.pk}/docx/"' in body
        assert d.pdf_sha256[:16] in body

    ru = docs.get(kind="act", language="ru")
    pdf = secretary.get(f"/documents/{ru.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="1-101-2026_act-{act["id"]}_ru_v1.pdf"'
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(pdf.content).hexdigest() == ru.pdf_sha256
    word = secretary.get(f"/documents/{ru.pk}/docx/")
    assert word["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert word["Content-Disposition"].endswith('_ru_v1.docx"')
    assert_contains(docx_text(word.content), "1-101/2026")

    sign_all(world, api, clock, act["id"], django_capture_on_commit_callbacks)
    body = secretary.get(f"/hearings/{flow.hearing_id}/documents/").content.decode()
    assert "Frozen" in body and "(earlier)" in body
    assert f'href="/hearings/{flow.hearing_id}/documents/case-file.zip"' in body


def test_r18_the_case_file_is_the_courts_and_the_addressees_only(world, api, clock):
    flow, fault, act = act_drawn_up(world, api, clock)
    [doc, _] = generate(api, world.secretary, flow.hearing_id, "act", act["id"])
    hid = flow.hearing_id
    # The court's staff read it and make its documents.
    for user in (world.judge, world.office_head, world.technician):
        assert len(ok(api(user).get(f"/hearings/{hid}/documents"))) == 2
        assert download(api, user, doc).status_code == 200
    generate(api, world.technician, hid, "act", act["id"])
    # Another court's secretary does not find the hearing, its documents or its files.
    for path in (f"/hearings/{hid}/documents", f"/documents/{doc['id']}", f"/documents/{doc['id']}/pdf",
                 f"/hearings/{hid}/case-file.zip"):
        not_found(api(world.other_secretary).get(path))
    not_found(api(world.other_secretary).post(f"/hearings/{hid}/documents", {"kind": "act", "source_id": act["id"]}))
    other = page(world.other_secretary)
    for path in (f"/hearings/{hid}/documents/", f"/documents/{doc['id']}/pdf/", f"/hearings/{hid}/documents/case-file.zip"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/hearings/{hid}/documents/generate/", {"kind": "act", "source_id": act["id"]}).status_code == 404
    # The coordinator and the bailiff see the hearing, not its case file (it names the participants).
    for user in (world.coordinator, world.bailiff):
        forbidden(api(user).get(f"/hearings/{hid}/documents"))
        forbidden(api(user).get(f"/documents/{doc['id']}/pdf"))
        forbidden(api(user).get(f"/hearings/{hid}/case-file.zip"))
        forbidden(api(user).post(f"/hearings/{hid}/documents", {"kind": "act", "source_id": act["id"]}))
        assert page(user).get(f"/hearings/{hid}/documents/").status_code == 403
        assert f"/hearings/{hid}/documents/" not in page(user).get(f"/hearings/{hid}/").content.decode()
    # Signed out: asked to sign in.
    assert api(None).get(f"/hearings/{hid}/documents").status_code == 401
    assert Client().get(f"/documents/{doc['id']}/pdf/").status_code == 302


@pytest.mark.parametrize("body, status, field", [
    ({"kind": "minutes", "source_id": 1}, 422, "kind"),
    ({"source_id": 1}, 422, "kind"),
    ({"kind": "act", "source_id": 0}, 422, "source_id"),
    ({"kind": "act", "source_id": "one"}, 422, "source_id"),
    ({"kind": "act", "source_id": 2**70}, 422, "source_id"),
    ({"kind": "act"}, 400, "source_id"),
    ({"kind": "act", "source_id": 999_999}, 400, "source_id"),
    ({"kind": "letter", "source_id": 999_999}, 400, "source_id"),
    ({"kind": "test_session_request", "source_id": 999_999}, 400, "source_id"),
])
def test_r18_bad_input_is_answered_4xx_never_500(world, api, clock, body, status, field):
    flow, fault, act = act_drawn_up(world, api, clock)
    response = api(world.secretary).post(f"/hearings/{flow.hearing_id}/documents", body)
    assert response.status_code == status, response.content
    assert field in response.json()["fields"], response.json()


def test_r18_unknown_documents_formats_and_records_are_4xx(world, api, clock):
    flow, fault, act = act_drawn_up(world, api, clock)
    [doc, _] = generate(api, world.secretary, flow.hearing_id, "act", act["id"])
    secretary = api(world.secretary)
    not_found(secretary.get("/documents/999999/pdf"))
    not_found(secretary.get(f"/documents/{doc['id']}/exe"))
    not_found(secretary.get("/hearings/999999/documents"))
    assert secretary.get("/documents/abc/pdf").status_code in {404, 422}
    assert secretary.post(f"/hearings/{flow.hearing_id}/documents", raw="{not json").status_code == 400
    # Another hearing's act is not a source for this one.
    later = Flow(world, api, clock, starts_at=at(10, 10))
    later.book()
    response = secretary.post(f"/hearings/{later.hearing_id}/documents", {"kind": "act", "source_id": act["id"]})
    assert response.status_code == 400 and "source_id" in response.json()["fields"], response.content
    client = page(world.secretary)
    assert client.get(f"/documents/{doc['id']}/exe/").status_code == 404
    assert client.post(f"/hearings/{flow.hearing_id}/documents/generate/", {"kind": "minutes"}).status_code == 400
    response = client.post(f"/hearings/{later.hearing_id}/documents/generate/",
                           {"kind": "act", "source_id": act["id"]})
    assert response.status_code == 400
    assert "No such act in this hearing." in response.content.decode()


def test_r18_an_administrators_template_replaces_the_default_of_the_same_name(world, api, clock, settings, tmp_path):
    flow, fault, act = act_drawn_up(world, api, clock)
    settings.COURTVCS_DOCUMENT_TEMPLATES_DIR = str(tmp_path)
    (tmp_path / "act.ru.html").write_text(
        '{% extends "_layout.html" %}{% block heading %}<h1>АКТ (ФОРМА СУДА)</h1>{% endblock %}'
        '{% block body %}<p>Дело № {{ hearing.case_number }}: {{ act.reason }}</p>{% endblock %}', encoding="utf-8")
    (tmp_path / "terms.ru.json").write_text('{"draft": "ЧЕРНОВИК", "role": {"secretary": "Секретарь"}}',
                                            encoding="utf-8")
    word = new_docx()
    word.add_paragraph("ОСОБЫЙ БЛАНК {{ hearing.case_number }} {{ terms.draft }} {{ no_such_field }}")
    word.save(tmp_path / "act.ru.docx")

    docs = by_language(generate(api, world.secretary, flow.hearing_id, "act", act["id"]))
    ru = pdf_text(download(api, world.secretary, docs["ru"]).content)
    assert_contains(ru, "АКТ (ФОРМА СУДА)", "Дело № 1-101/2026: Кодек СИЗО неисправен", "ЧЕРНОВИК")
    assert "ПРОЕКТ" not in ru
    # A field the context does not have shows as [[name]] for the administrator to see.
    assert docx_text(download(api, world.secretary, docs["ru"], "docx").content) == \
        "ОСОБЫЙ БЛАНК 1-101/2026 ЧЕРНОВИК [[no_such_field]]"
    # The Kazakh files were not replaced: the defaults are used.
    kk = pdf_text(download(api, world.secretary, docs["kk"]).content)
    assert_clean(kk)
    assert_contains(kk, "ТЕХНИКАЛЫҚ МҮМКІНДІКТІҢ БОЛМАУЫ ТУРАЛЫ АКТ", "ЖОБА")
    # A copied default is a starting point: it renders as the default does.
    shutil.copy(rendering.HTML_DIR / "act.kk.html", tmp_path / "act.kk.html")
    shutil.copy(rendering.DOCX_DIR / "act.kk.docx", tmp_path / "act.kk.docx")
    again = by_language(generate(api, world.secretary, flow.hearing_id, "act", act["id"]))
    assert_clean(pdf_text(download(api, world.secretary, again["kk"]).content))


def test_r18_without_the_pdf_library_making_a_document_is_503_with_a_clear_message(world, api, clock, monkeypatch):
    flow, fault, act = act_drawn_up(world, api, clock)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = api(world.secretary, "ru").post(f"/hearings/{flow.hearing_id}/documents",
                                               {"kind": "act", "source_id": act["id"]})
    assert response.status_code == 503, response.content
    assert "WeasyPrint" in response.json()["detail"]
    response = page(world.secretary).post(f"/hearings/{flow.hearing_id}/documents/generate/",
                                          {"kind": "act", "source_id": act["id"]})
    assert response.status_code == 503 and "WeasyPrint" in response.content.decode()
    assert not Document.objects.exists()


def test_r18_the_case_file_reads_in_a_fixed_number_of_queries(world, api, clock, django_capture_on_commit_callbacks):
    flow, fault, act = act_drawn_up(world, api, clock)
    generate(api, world.secretary, flow.hearing_id, "act", act["id"])
    client = api(world.secretary)
    with CaptureQueriesContext(connection) as few:
        assert len(ok(client.get(f"/hearings/{flow.hearing_id}/documents"))) == 2
    for _ in range(3):
        generate(api, world.secretary, flow.hearing_id, "protocol_mark")
    with CaptureQueriesContext(connection) as many:
        assert len(ok(client.get(f"/hearings/{flow.hearing_id}/documents"))) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_r18_every_default_template_exists_in_both_languages_and_formats():
    from courtvcs.documents.choices import DocumentKind

    for kind in DocumentKind.values:
        for lang in ("kk", "ru"):
            assert (rendering.HTML_DIR / f"{kind}.{lang}.html").is_file()
            assert (rendering.DOCX_DIR / f"{kind}.{lang}.docx").is_file()
            assert (rendering.HTML_DIR / f"terms.{lang}.json").is_file()
