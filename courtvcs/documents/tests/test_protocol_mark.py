"""R21: the mark in the hearing protocol that VCS (and mobile VCS) was used: with whom,
the identity checks (R20), the breaks and reconnections (R22), in Astana time.

The hearing of Thursday 3 December 2026, 10:00 Astana time: connected 09:35, the lawyer
joins by mobile VCS at 09:38, identities checked at 09:50, called in at 10:00, the
detention centre's link lost at 10:20 and a technical break declared, the link back at
10:25 and the session resumed at 10:30, closed at 11:00.
"""

from courtvcs.hearings.tests.answers import ok, refused
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at
from courtvcs.live.services.links import set_site_state
from courtvcs.live.services.mobile import exchange_token, issue_link

from .helpers import (
    assert_clean, assert_contains, by_language, docx_text, download, generate, kazakh_letters, pdf_text,
    site_of,
)


def person(flow, role):
    return next(p for p in flow.detail()["participants"] if p["procedural_role"] == role)


def held_with_a_break(world, api, clock) -> Flow:
    flow = Flow(world, api, clock)
    flow.to("connected")
    remote = f"remote-{site_of(flow, world.sizo_room)['id']}"
    defendant, lawyer = person(flow, "defendant"), person(flow, "defence_lawyer")
    set_site_state(hearing_id=flow.hearing_id, site=remote, state="connected", actor_id=world.secretary.pk)
    link, token = issue_link(actor=world.secretary, hearing_id=flow.hearing_id, participant_id=lawyer["id"])
    clock.move_to(at(3, 9, 38))
    exchange_token(token)
    set_site_state(hearing_id=flow.hearing_id, site=f"mobile-{lawyer['id']}", state="connected", actor_id=None)
    clock.move_to(at(3, 9, 50))
    ok(api(world.officer).post(flow.url("/attendance"), {
        "participant_id": defendant["id"], "result": "admitted",
        "document": "Удостоверение личности № 012345678"}), 201)
    ok(api(world.secretary).post(flow.url("/attendance"), {
        "participant_id": lawyer["id"], "result": "admitted", "document": "Удостоверение адвоката № 0042",
        "authority": "ордер № 17"}), 201)
    flow.call_in()
    clock.move_to(at(3, 10, 20))
    set_site_state(hearing_id=flow.hearing_id, site=remote, state="lost", actor_id=None)
    ok(api(world.judge).post(flow.url("/break"), {"reason": "Пропал звук из СИЗО"}))
    clock.move_to(at(3, 10, 25))
    set_site_state(hearing_id=flow.hearing_id, site=remote, state="connected", actor_id=None)
    clock.move_to(at(3, 10, 30))
    ok(api(world.secretary).post(flow.url("/reconnect")))
    clock.move_to(at(3, 11, 0))
    ok(api(world.secretary).post(flow.url("/close")))
    return flow


def _fields(world, lang):
    court = world.court.name_kk if lang == "kk" else world.court.name_ru
    sizo = world.sizo.name_kk if lang == "kk" else world.sizo.name_ru
    return ["1-101/2026", court, sizo, "VCS-1", "03.12.2026 10:00",
            "03.12.2026 09:35",  # connected
            "Серіков Асқар", "Ахметова Дана", "03.12.2026 09:38",  # who; the lawyer joined by mobile VCS
            "03.12.2026 09:50", "Удостоверение личности № 012345678", "Удостоверение адвоката № 0042",
            "ордер № 17", world.officer.display_name, world.secretary.display_name, world.judge.display_name,
            "03.12.2026 10:20", "Пропал звук из СИЗО", "03.12.2026 10:25", "03.12.2026 10:30",  # break (R22)
            "03.12.2026 11:00"]  # closed


WORDS = {
    "ru": ["ОТМЕТКА В ПРОТОКОЛЕ СУДЕБНОГО ЗАСЕДАНИЯ", "видеоконференцсвязи (ВКС)", "мобильной видеоконференцсвязи",
           "пунктом 21 Правил", "подсудимый", "защитник", "посредством ВКС", "посредством мобильной ВКС",
           "личность и полномочия установлены", "перерыв объявлен", "Потеряно соединение со стороной",
           "Соединение со стороной восстановлено", "Председательствующий судья"],
    "kk": ["СОТ ОТЫРЫСЫНЫҢ ХАТТАМАСЫНДАҒЫ БЕЛГІ", "бейнеконференцбайланыс (БКБ)", "мобильді бейнеконференцбайланыс",
           "21-тармағына", "сотталушы", "қорғаушы", "БКБ арқылы", "мобильді БКБ арқылы",
           "жеке басы мен өкілеттігі анықталды", "үзіліс", "Тараппен байланыс үзілді",
           "Тараппен байланыс қалпына келтірілді", "Төрағалық етуші судья"],
}


def test_r21_the_protocol_mark_says_vcs_and_mobile_vcs_were_used_with_whom_checks_and_breaks(world, api, clock):
    flow = held_with_a_break(world, api, clock)
    docs = by_language(generate(api, world.secretary, flow.hearing_id, "protocol_mark"))
    assert set(docs) == {"kk", "ru"}
    for lang, doc in docs.items():
        assert doc["source_id"] is None and doc["frozen"] is False and doc["draft"] is False
        text = pdf_text(download(api, world.secretary, doc).content)
        assert_clean(text)
        assert_contains(text, *_fields(world, lang), *WORDS[lang])
        for utc in ("04:35", "05:20", "05:30", "06:00"):  # the same moments in UTC
            assert utc not in text, utc
        word = docx_text(download(api, world.secretary, doc, "docx").content)
        assert_clean(word)
        assert_contains(word, *_fields(world, lang), *WORDS[lang])
    assert kazakh_letters(pdf_text(download(api, world.secretary, docs["kk"]).content)) >= set("әғқңөұүі")


def test_r21_no_protocol_mark_before_the_hearing_is_connected(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    body = refused(api(world.secretary).post(f"/hearings/{flow.hearing_id}/documents", {"kind": "protocol_mark"}),
                   "R21")
    assert "connected" in body["detail"]


def test_r21_the_protocol_mark_is_about_the_hearing_itself_not_a_record(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("connected")
    response = api(world.secretary).post(f"/hearings/{flow.hearing_id}/documents",
                                         {"kind": "protocol_mark", "source_id": 5})
    assert response.status_code == 400, response.content
    assert "source_id" in response.json()["fields"]
    # Connected, without checks or breaks yet: the mark says so instead of leaving blanks.
    docs = by_language(generate(api, world.secretary, flow.hearing_id, "protocol_mark"))
    text = pdf_text(download(api, world.secretary, docs["ru"]).content)
    assert_clean(text)
    assert_contains(text, "Проверки в системе не зафиксированы.", "Перерывы по техническим причинам не объявлялись.",
                    "03.12.2026 09:35")
    text = pdf_text(download(api, world.secretary, docs["kk"]).content)
    assert_contains(text, "Тексерулер жүйеде тіркелмеген.", "Техникалық себептер бойынша үзіліс жарияланған жоқ.")


def test_r21_a_hearing_held_only_by_mobile_vcs_is_marked_so(world, api, clock):
    flow = Flow(world, api, clock, remote=[])  # a witness and the lawyer, each on their own device
    for step in (flow.book, flow.decide, flow.agree, flow.send_letters, flow.connect, flow.call_in):
        step()
    docs = by_language(generate(api, world.secretary, flow.hearing_id, "protocol_mark"))
    expected = {"ru": ["и мобильной видеоконференцсвязи", "посредством мобильной ВКС", "свидетель", "Иванов Иван"],
                "kk": ["және мобильді бейнеконференцбайланысты", "мобильді БКБ арқылы", "куә", "Иванов Иван"]}
    for lang, doc in docs.items():
        for text in (pdf_text(download(api, world.secretary, doc).content),
                     docx_text(download(api, world.secretary, doc, "docx").content)):
            assert_clean(text)
            assert_contains(text, "1-101/2026", "03.12.2026 09:35", "03.12.2026 10:00", *expected[lang])
