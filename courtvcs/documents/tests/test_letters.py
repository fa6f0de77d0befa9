"""R13: the test-session request to the technical specialist and the letter to the
institution, as documents in Kazakh and Russian; the institution reads the letter
addressed to it and nothing else of the case file.

The judge decides on Tuesday 1 December 2026 at 09:00; the test session is held on
2 December at 09:30; the hearing is on 3 December at 10:00 Astana time.
"""

from courtvcs.hearings.models import TestSession
from courtvcs.hearings.tests.answers import forbidden, not_found, ok
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at

from .helpers import (
    assert_clean, assert_contains, by_language, docx_text, download, generate, kazakh_letters, letters_sent,
    pdf_text,
)


def _names(world, lang):
    court = world.court.name_kk if lang == "kk" else world.court.name_ru
    sizo = world.sizo.name_kk if lang == "kk" else world.sizo.name_ru
    return court, sizo


def test_r13_the_test_session_request_names_the_site_the_deadline_and_what_became_of_it(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("tested")
    [ts] = TestSession.objects.filter(hearing_id=flow.hearing_id)
    docs = by_language(generate(api, world.secretary, flow.hearing_id, "test_session_request", ts.pk))
    words = {
        "ru": ["ЗАЯВКА", "о необходимости проведения тестового сеанса видеоконференцсвязи", "пунктом 13 Правил",
               "не позднее чем за сутки до даты судебного заседания", "проведён, связь работоспособна",
               "Техническому специалисту", "Секретарь судебного заседания"],
        "kk": ["ӨТІНІМ", "бейнеконференцбайланыстың тестілік сеансын өткізу қажеттілігі туралы", "13-тармағына",
               "сот отырысы күнінен кемінде бір тәулік бұрын", "өткізілді, байланыс жұмысқа қабілетті",
               "Техникалық маманға", "Сот отырысының хатшысы"],
    }
    for lang, doc in docs.items():
        court, sizo = _names(world, lang)
        fields = ["1-101/2026", court, sizo, "VCS-1", "03.12.2026 10:00", "01.12.2026 09:00",  # decided, requested
                  "02.12.2026", "02.12.2026 09:30",  # the last day; scheduled and held
                  world.secretary.display_name, world.judge.display_name, world.technician.display_name]
        for text in (pdf_text(download(api, world.secretary, doc).content),
                     docx_text(download(api, world.secretary, doc, "docx").content)):
            assert_clean(text)
            assert_contains(text, *fields, *words[lang])
    assert len(kazakh_letters(pdf_text(download(api, world.secretary, docs["kk"]).content))) >= 7


def test_r13_the_letter_names_the_hearing_the_people_the_arrangements_and_the_acknowledgement(world, api, clock):
    flow, letter = letters_sent(world, api, clock)
    clock.move_to(at(2, 11, 15))
    ok(api(world.officer).post(f"/letters/{letter.pk}/acknowledge"))
    docs = by_language(generate(api, world.secretary, flow.hearing_id, "letter", letter.pk))
    words = {
        "ru": ["О проведении судебного заседания с применением видеоконференцсвязи", "пунктом 13 Правил",
               "видеоконференцсвязи (ВКС)", "обеспечить явку (доставку)", "установить личность", "подсудимый",
               "Исх. №", "Отметка о получении"],
        "kk": ["Бейнеконференцбайланысты қолдана отырып сот отырысын өткізу туралы", "13-тармағына",
               "бейнеконференцбайланыс (БКБ)", "келуін (жеткізілуін) қамтамасыз ету", "жеке басын анықтау",
               "сотталушы", "Шығыс №", "Алғаны туралы белгі"],
    }
    for lang, doc in docs.items():
        court, sizo = _names(world, lang)
        fields = ["1-101/2026", court, sizo, "VCS-1", "03.12.2026 10:00",
                  "03.12.2026 09:30",  # be there 30 minutes before
                  "02.12.2026 09:30",  # the test session held
                  "Серіков Асқар", world.judge.display_name, world.secretary.display_name,
                  "02.12.2026 11:15", world.officer.display_name]  # acknowledged
        for text in (pdf_text(download(api, world.secretary, doc).content),
                     docx_text(download(api, world.secretary, doc, "docx").content)):
            assert_clean(text)
            assert_contains(text, *fields, *words[lang])
            # The letter is for the detention centre: the mobile lawyer is not its business.
            assert "Ахметова Дана" not in text


def test_r13_the_institution_reads_the_letter_addressed_to_it_and_nothing_else(world, api, clock):
    flow, letter = letters_sent(world, api, clock)
    [ts] = TestSession.objects.filter(hearing_id=flow.hearing_id)
    letter_docs = generate(api, world.secretary, flow.hearing_id, "letter", letter.pk)
    request_docs = generate(api, world.secretary, flow.hearing_id, "test_session_request", ts.pk)

    listed = ok(api(world.officer).get(f"/hearings/{flow.hearing_id}/documents"))
    assert sorted(d["id"] for d in listed) == sorted(d["id"] for d in letter_docs)
    assert download(api, world.officer, letter_docs[0]).status_code == 200
    forbidden(api(world.officer).get(f"/documents/{request_docs[0]['id']}/pdf"))
    forbidden(api(world.officer).get(f"/documents/{request_docs[0]['id']}"))
    # The officer reads the letter but makes none; the institution's technician reads nothing.
    forbidden(api(world.officer).post(f"/hearings/{flow.hearing_id}/documents", {"kind": "letter",
                                                                                "source_id": letter.pk}))
    forbidden(api(world.sizo_technician).get(f"/hearings/{flow.hearing_id}/documents"))
    # Another institution does not even see the hearing.
    not_found(api(world.other_officer).get(f"/hearings/{flow.hearing_id}/documents"))
    not_found(api(world.other_officer).get(f"/documents/{letter_docs[0]['id']}/pdf"))
