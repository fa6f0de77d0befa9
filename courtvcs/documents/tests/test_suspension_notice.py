"""R24: the notice that VCS is suspended at an institution, for each hearing it catches,
made by the institution's responsible officer or the court, in Kazakh and Russian."""

from courtvcs.hearings.tests.answers import ok
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at

from .helpers import (
    assert_clean, assert_contains, by_language, docx_text, download, generate, kazakh_letters, pdf_text,
)

WORDS = {
    "ru": ["УВЕДОМЛЕНИЕ", "о приостановлении проведения видеоконференцсвязи", "пунктом 24 Правил",
           "массовые беспорядки", "до отмены приостановления", "Ответственный сотрудник учреждения"],
    "kk": ["ХАБАРЛАМА", "бейнеконференцбайланыс өткізуді тоқтата тұру туралы", "24-тармағына",
           "жаппай тәртіпсіздіктер", "тоқтата тұру алынғанға дейін", "Мекеменің жауапты қызметкері"],
}
LIFTED = {"ru": "Приостановление отменено 04.12.2026 12:00", "kk": "Тоқтата тұру 04.12.2026 12:00 алынды"}


def suspended(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    clock.move_to(at(2, 14))
    suspension = ok(api(world.officer).post("/suspensions", {
        "reason": "mass_riot", "details": "Беспорядки в корпусе № 2",
        "starts_at": at(2, 14).isoformat(), "expected_end_at": at(5, 18).isoformat()}), 201)
    assert suspension["hearing_ids"] == [flow.hearing_id]
    return flow, suspension


def test_r24_the_notice_says_why_since_when_until_when_and_which_hearing(world, api, clock):
    flow, suspension = suspended(world, api, clock)
    docs = by_language(generate(api, world.officer, flow.hearing_id, "suspension_notice", suspension["id"]))
    for lang, doc in docs.items():
        court = world.court.name_kk if lang == "kk" else world.court.name_ru
        sizo = world.sizo.name_kk if lang == "kk" else world.sizo.name_ru
        fields = ["1-101/2026", court, sizo, "VCS-1", "03.12.2026 10:00", "02.12.2026 14:00", "05.12.2026 18:00",
                  "Беспорядки в корпусе № 2", world.officer.display_name, world.judge.display_name]
        for text in (pdf_text(download(api, world.officer, doc).content),
                     docx_text(download(api, world.officer, doc, "docx").content)):
            assert_clean(text)
            assert_contains(text, *fields, *WORDS[lang])
            assert LIFTED[lang] not in text
        assert "09:00" not in pdf_text(download(api, world.officer, doc).content)  # 14:00 Astana in UTC
    assert len(kazakh_letters(pdf_text(download(api, world.officer, docs["kk"]).content))) >= 7
    # The court has it in the case file too.
    listed = ok(api(world.secretary).get(f"/hearings/{flow.hearing_id}/documents"))
    assert {d["id"] for d in listed} == {d["id"] for d in docs.values()}


def test_r24_a_notice_made_after_the_lifting_says_when_it_was_lifted(world, api, clock):
    flow, suspension = suspended(world, api, clock)
    clock.move_to(at(4, 12))
    ok(api(world.officer).post(f"/suspensions/{suspension['id']}/lift"))
    docs = by_language(generate(api, world.secretary, flow.hearing_id, "suspension_notice", suspension["id"]))
    for lang, doc in docs.items():
        text = pdf_text(download(api, world.secretary, doc).content)
        assert_clean(text)
        assert_contains(text, LIFTED[lang], world.officer.display_name)


def test_r24_only_the_suspended_institution_and_the_court_make_or_read_the_notice(world, api, clock):
    flow, suspension = suspended(world, api, clock)
    url = f"/hearings/{flow.hearing_id}/documents"
    body = {"kind": "suspension_notice", "source_id": suspension["id"]}
    assert api(world.other_officer).post(url, body).status_code == 404  # not their hearing at all
    assert api(world.sizo_technician).post(url, body).status_code == 403
    assert api(world.coordinator).post(url, body).status_code == 403
    docs = generate(api, world.secretary, flow.hearing_id, "suspension_notice", suspension["id"])
    assert download(api, world.officer, docs[0]).status_code == 200
    # A suspension that did not catch this hearing is not a source for it.
    response = api(world.secretary).post(url, {"kind": "suspension_notice", "source_id": suspension["id"] + 1})
    assert response.status_code == 400 and "source_id" in response.json()["fields"], response.content
