"""What the documents tests read and check: the text of a PDF (pdftotext), the text of a
DOCX (python-docx), and the hearings in the states each document needs, driven through
the API as the people would (hearings/tests/flow.py)."""

import io
import re
import subprocess

from docx import Document as open_docx

from courtvcs.hearings.models import Letter
from courtvcs.hearings.tests.answers import ok
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at
from courtvcs.live.services.links import set_site_state

KAZAKH_LETTERS = set("ӘҒҚҢӨҰҮҺІәғқңөұүһі")
# What a template leaves behind when a tag or a value is missing.
LEFTOVERS = ("{{", "}}", "{%", "%}", "[[", "]]", "None", "undefined", "{#")


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext reads it, with lines joined (a line may break after a dash)."""
    assert data.startswith(b"%PDF-"), data[:20]
    # -raw: in the order of the page's content, and a dash at a line's end is kept.
    raw = subprocess.run(["/usr/bin/pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True).stdout.decode("utf-8")
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", raw)).strip()


def pdf_fonts(data: bytes) -> str:
    return subprocess.run(["/usr/bin/pdffonts", "-"], input=data, capture_output=True).stdout.decode()


def docx_text(data: bytes) -> str:
    """Every paragraph of the DOCX, its tables, header and footer, as one line of text."""
    doc = open_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def assert_clean(text: str) -> None:
    for leftover in LEFTOVERS:
        assert leftover not in text, (leftover, text)


def assert_contains(text: str, *needles: str) -> None:
    missing = [n for n in needles if n not in text]
    assert not missing, (missing, text)


def kazakh_letters(text: str) -> set[str]:
    return KAZAKH_LETTERS & set(text)


def generate(api, user, hearing_id, kind, source_id=None, status=201):
    body = {"kind": kind} if source_id is None else {"kind": kind, "source_id": source_id}
    response = api(user).post(f"/hearings/{hearing_id}/documents", body)
    assert response.status_code == status, (response.status_code, response.content.decode())
    return response.json()


def download(api, user, doc, fmt="pdf"):
    response = api(user).get(f"/documents/{doc['id']}/{fmt}")
    assert response.status_code == 200, (response.status_code, response.content)
    return response


def by_language(docs) -> dict:
    return {d["language"]: d for d in docs}


# ---- hearings in the state a document needs --------------------------------------------

def site_of(flow, endpoint):
    return next(s for s in flow.detail()["remote_sites"] if s["endpoint_id"] == endpoint.pk)


def act_drawn_up(world, api, clock) -> tuple[Flow, dict, dict]:
    """R16-R18: connected 09:35; the detention centre is lost and comes back twice, the
    secretary reports the fault 09:40, the technician finds at 09:50 it cannot be fixed,
    the secretary draws up the act at 09:55. Returns (flow, fault, act)."""
    flow = Flow(world, api, clock)
    flow.to("connected")
    site = site_of(flow, world.sizo_room)
    key = f"remote-{site['id']}"
    set_site_state(hearing_id=flow.hearing_id, site=key, state="connected", actor_id=world.secretary.pk)
    clock.move_to(at(3, 9, 40))
    fault = ok(api(world.secretary).post(flow.url("/faults"), {
        "description": "Нет изображения из СИЗО / СИЗО-дан бейне жоқ <кодек & сеть>",
        "remote_site_id": site["id"]}), 201)
    clock.move_to(at(3, 9, 42))
    set_site_state(hearing_id=flow.hearing_id, site=key, state="connected", actor_id=world.technician.pk)
    clock.move_to(at(3, 9, 44))
    set_site_state(hearing_id=flow.hearing_id, site=key, state="lost", actor_id=world.technician.pk)
    clock.move_to(at(3, 9, 50))
    ok(api(world.technician).post(f"/faults/{fault['id']}/resolution", {
        "fixed": False, "resolution": "Кодек СИЗО неисправен, замена не ранее 5 декабря"}))
    clock.move_to(at(3, 9, 55))
    act = ok(api(world.secretary).post(flow.url("/acts"), {"fault_id": fault["id"]}), 201)
    return flow, fault, act


def sign_all(world, api, clock, act_id, capture):
    """The three signatures, 10:00-10:02; the on-commit freezing runs (capture: the
    django_capture_on_commit_callbacks fixture)."""
    for n, who in enumerate((world.office_head, world.technician, world.secretary)):
        clock.move_to(at(3, 10, n))
        with capture(execute=True):
            ok(api(who).post(f"/acts/{act_id}/sign"))


def letters_sent(world, api, clock) -> tuple[Flow, Letter]:
    flow = Flow(world, api, clock)
    flow.to("ready")
    letter = Letter.objects.get(hearing_id=flow.hearing_id)
    return flow, letter
