"""R18: the act of absence of technical possibility as a document: filled from the fault
report and the timeline, in Kazakh and Russian, a visible draft until the three have
signed, frozen at the third signature (its SHA-256 kept), and a later generation is a new
version that leaves the frozen one as it was.

The hearing starts on Thursday 3 December 2026 at 10:00 Astana time (05:00 UTC); the
fault is reported at 09:40, found unfixable at 09:50, the act drawn up at 09:55 and signed
at 10:00, 10:01 and 10:02.
"""

import hashlib
import sys

import pytest
from django.db import DatabaseError, transaction

from courtvcs.audit.models import AuditEntry
from courtvcs.documents import services
from courtvcs.documents.models import Document
from courtvcs.hearings.tests.answers import ok
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at

from .helpers import (
    act_drawn_up, assert_clean, assert_contains, by_language, docx_text, download, generate,
    kazakh_letters, pdf_fonts, pdf_text, sign_all,
)

KAZAKH_IN_TEXT = set("әғқңөұүі")


def _fields(world, lang):
    """What the act must name, in the document's language."""
    court = world.court.name_kk if lang == "kk" else world.court.name_ru
    sizo = world.sizo.name_kk if lang == "kk" else world.sizo.name_ru
    return ["1-101/2026", court, sizo, "VCS-1", "03.12.2026 10:00",  # the hearing, in Astana time
            "03.12.2026 09:40", "Нет изображения из СИЗО / СИЗО-дан бейне жоқ <кодек & сеть>",  # who, when, what
            world.secretary.display_name, world.judge.display_name,
            "03.12.2026 09:42", "03.12.2026 09:44", "03.12.2026 09:50",  # what was tried
            world.technician.display_name, "Кодек СИЗО неисправен, замена не ранее 5 декабря",  # why
            "03.12.2026 09:55"]


WORDS = {
    "ru": ["акт об отсутствии технической возможности", "видеоконференцсвязи (ВКС)", "пунктом 18 Правил",
           "Соединение со стороной восстановлено", "Потеряно соединение со стороной",
           "Заведующий канцелярией суда", "Секретарь судебного заседания", "Технический специалист",
           "Акт приобщается к материалам дела"],
    "kk": ["техникалық мүмкіндіктің болмауы туралы акт", "бейнеконференцбайланыс (БКБ)", "18-тармағына",
           "Тараппен байланыс қалпына келтірілді", "Тараппен байланыс үзілді",
           "Сот кеңсесінің меңгерушісі", "Сот отырысының хатшысы", "Техникалық маман",
           "Акт іс материалдарына қоса тіркеледі"],
}
DRAFT = {"ru": "ПРОЕКТ", "kk": "ЖОБА"}


def test_r18_the_act_tells_who_reported_when_what_was_tried_and_why_in_kazakh_and_russian(world, api, clock):
    flow, fault, act = act_drawn_up(world, api, clock)
    docs = by_language(generate(api, world.secretary, flow.hearing_id, "act", act["id"]))
    assert set(docs) == {"kk", "ru"}
    for lang, doc in docs.items():
        assert (doc["kind"], doc["source_id"], doc["version"]) == ("act", act["id"], 1)
        pdf = download(api, world.secretary, doc).content
        text = pdf_text(pdf)
        assert_clean(text)
        assert_contains(text, *_fields(world, lang), *WORDS[lang])
        # Kazakhstan time, never UTC (10:00 Astana is 05:00 UTC; the report 09:40 is 04:40).
        assert "05:00" not in text and "04:40" not in text
        # Every glyph comes from DejaVu, which has the Kazakh letters.
        fonts = [line.split()[0] for line in pdf_fonts(pdf).splitlines()[2:] if line.strip()]
        assert fonts and all("DejaVu" in f for f in fonts), fonts

        word = docx_text(download(api, world.secretary, doc, "docx").content)
        assert_clean(word)
        assert_contains(word, *_fields(world, lang), *WORDS[lang])
    kk = pdf_text(download(api, world.secretary, docs["kk"]).content)
    assert kazakh_letters(kk) >= KAZAKH_IN_TEXT, kazakh_letters(kk)


def test_r18_an_act_not_yet_signed_by_all_three_is_a_visible_draft_and_not_frozen(world, api, clock):
    flow, fault, act = act_drawn_up(world, api, clock)
    ok(api(world.office_head).post(f"/acts/{act['id']}/sign"))
    docs = by_language(generate(api, world.secretary, flow.hearing_id, "act", act["id"]))
    for lang, doc in docs.items():
        assert doc["draft"] is True and doc["frozen"] is False and doc["frozen_at"] is None
        text = pdf_text(download(api, world.secretary, doc).content)
        assert_contains(text, DRAFT[lang], world.office_head.display_name)
        # The two still to sign have blank lines, not names.
        signatures = text.split(WORDS[lang][-1])[-1]
        assert world.office_head.display_name in signatures
        assert world.technician.display_name not in signatures
        assert_contains(docx_text(download(api, world.secretary, doc, "docx").content), DRAFT[lang])


def test_r18_the_third_signature_freezes_the_act_and_keeps_the_sha256_of_its_pdf(
        world, api, clock, django_capture_on_commit_callbacks):
    flow, fault, act = act_drawn_up(world, api, clock)
    sign_all(world, api, clock, act["id"], django_capture_on_commit_callbacks)
    assert flow.detail()["status"] == "not_held"

    docs = by_language(ok(api(world.secretary).get(f"/hearings/{flow.hearing_id}/documents")))
    assert set(docs) == {"kk", "ru"}
    for lang, doc in docs.items():
        assert doc["kind"] == "act" and doc["version"] == 1
        assert doc["frozen"] is True and doc["draft"] is False
        assert doc["frozen_at"].startswith("2026-12-03T05:02")  # the third signature, 10:02 Astana
        assert doc["created_by_id"] == world.secretary.pk  # the one who signed last
        response = download(api, world.secretary, doc)
        assert hashlib.sha256(response.content).hexdigest() == doc["pdf_sha256"]
        assert response["X-Content-SHA256"] == doc["pdf_sha256"]
        row = Document.objects.get(pk=doc["id"])
        assert row.pdf_sha256 == hashlib.sha256(bytes(row.pdf)).hexdigest()
        assert row.docx_sha256 == hashlib.sha256(bytes(row.docx)).hexdigest()
        text = pdf_text(response.content)
        assert_clean(text)
        # Each of the three blocks shows who signed and when; no draft mark any more.
        assert_contains(text, world.office_head.display_name, world.technician.display_name,
                        world.secretary.display_name, "03.12.2026 10:00", "03.12.2026 10:01", "03.12.2026 10:02")
        assert DRAFT[lang] not in text
    assert AuditEntry.objects.filter(action="document_frozen", rule="R18", hearing_id=flow.hearing_id).count() == 2


def test_r18_regenerating_a_frozen_act_makes_version_2_and_leaves_version_1_byte_identical(
        world, api, clock, django_capture_on_commit_callbacks):
    flow, fault, act = act_drawn_up(world, api, clock)
    sign_all(world, api, clock, act["id"], django_capture_on_commit_callbacks)
    first = {d.language: (bytes(d.pdf), bytes(d.docx), d.pdf_sha256, d.frozen_at)
             for d in Document.objects.filter(hearing_id=flow.hearing_id, kind="act", version=1)}
    assert set(first) == {"kk", "ru"}

    clock.move_to(at(3, 11))
    again = by_language(generate(api, world.office_head, flow.hearing_id, "act", act["id"]))
    assert {d["version"] for d in again.values()} == {2}
    assert all(d["frozen"] for d in again.values())  # still the signed act
    for lang, (pdf, docx, sha, frozen_at) in first.items():
        v1 = Document.objects.get(hearing_id=flow.hearing_id, kind="act", language=lang, version=1)
        assert bytes(v1.pdf) == pdf and bytes(v1.docx) == docx
        assert v1.pdf_sha256 == sha and v1.frozen_at == frozen_at
        assert hashlib.sha256(download(api, world.secretary, {"id": v1.pk}).content).hexdigest() == sha
        assert "· версия 2 ·" in pdf_text(download(api, world.secretary, again["ru"]).content)
    # Signing again does not freeze again: the act keeps its frozen version 1.
    assert services.freeze_act(act_id=act["id"])[0].version == 1
    assert Document.objects.filter(hearing_id=flow.hearing_id, kind="act").count() == 4


def test_r18_the_database_refuses_to_change_a_frozen_document(world, api, clock, django_capture_on_commit_callbacks):
    flow, fault, act = act_drawn_up(world, api, clock)
    sign_all(world, api, clock, act["id"], django_capture_on_commit_callbacks)
    frozen = Document.objects.filter(hearing_id=flow.hearing_id, frozen=True).first()
    for change in ({"pdf": b"%PDF-forged"}, {"pdf_sha256": "0" * 64}, {"frozen": False, "frozen_at": None}):
        with pytest.raises(DatabaseError), transaction.atomic():
            Document.objects.filter(pk=frozen.pk).update(**change)
    frozen.refresh_from_db()
    assert frozen.pdf_sha256 == hashlib.sha256(bytes(frozen.pdf)).hexdigest()


def test_r18_signing_stands_when_the_pdf_library_is_missing_and_the_act_is_frozen_later(
        world, api, clock, django_capture_on_commit_callbacks, monkeypatch):
    flow, fault, act = act_drawn_up(world, api, clock)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` fails as without Pango
    sign_all(world, api, clock, act["id"], django_capture_on_commit_callbacks)
    assert flow.detail()["status"] == "not_held"
    assert not Document.objects.filter(hearing_id=flow.hearing_id).exists()

    response = api(world.secretary).post(f"/hearings/{flow.hearing_id}/documents",
                                         {"kind": "act", "source_id": act["id"]})
    assert response.status_code == 503, response.content
    assert "WeasyPrint" in response.json()["detail"]

    monkeypatch.undo()
    assert services.freeze_signed_acts() == 1
    docs = Document.objects.filter(hearing_id=flow.hearing_id, kind="act")
    assert sorted((d.language, d.version, d.frozen) for d in docs) == [("kk", 1, True), ("ru", 1, True)]
    assert services.freeze_signed_acts() == 0


def test_r18_an_act_for_a_start_delayed_without_a_fault_says_so(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    clock.move_to(at(3, 10, 20))
    act = ok(api(world.secretary).post(flow.url("/acts"), {
        "reason": "Подсудимый не доставлен в помещение ВКС / Сотталушы БКБ үй-жайына жеткізілмеді"}), 201)
    docs = by_language(generate(api, world.secretary, flow.hearing_id, "act", act["id"]))
    expected = {"ru": "Сообщение о неисправности оборудования не подавалось",
                "kk": "Жабдықтың ақаулығы туралы хабарлама берілген жоқ"}
    for lang, doc in docs.items():
        for text in (pdf_text(download(api, world.secretary, doc).content),
                     docx_text(download(api, world.secretary, doc, "docx").content)):
            assert_clean(text)
            assert_contains(text, expected[lang], "Подсудимый не доставлен в помещение ВКС", "03.12.2026 10:20",
                            "1-101/2026", DRAFT[lang])
