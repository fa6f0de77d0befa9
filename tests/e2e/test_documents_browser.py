"""R18, R21 in the browser: from the hearing page to its case file, the act frozen at its
third signature, the protocol mark made with one button, and the case file downloaded as
a ZIP whose manifest matches its files."""

import hashlib
import io
import json
import zipfile

import pytest

from courtvcs.documents.models import Document
from courtvcs.documents.tests.helpers import act_drawn_up
from courtvcs.hearings.tests.answers import ok
from courtvcs.hearings.tests.world import at

pytestmark = pytest.mark.django_db(transaction=True)


def test_r18_r21_the_secretary_opens_the_case_file_makes_the_protocol_mark_and_downloads_it_all(
        world, api, clock, person):
    flow, fault, act = act_drawn_up(world, api, clock)
    for n, who in enumerate((world.office_head, world.technician, world.secretary)):
        clock.move_to(at(3, 10, n))
        ok(api(who).post(f"/acts/{act['id']}/sign"))  # committed: the third one freezes the act
    assert Document.objects.filter(hearing_id=flow.hearing_id, kind="act", frozen=True).count() == 2

    secretary = person(world.secretary, "ru")
    page = secretary.go(f"/hearings/{flow.hearing_id}/")
    page.click(f"a[href='/hearings/{flow.hearing_id}/documents/']")
    page.wait_for_selector("tr[data-document]")
    assert page.locator("tr[data-document]").count() == 2
    secretary.shot("case-file-with-the-frozen-act")

    page.click("tr[data-kind=protocol_mark] button[type=submit]")
    page.wait_for_selector("p.done")
    assert page.locator("tr[data-document]").count() == 4
    secretary.shot("protocol-mark-made")

    with page.expect_download() as download:
        page.click(f"a[href='/hearings/{flow.hearing_id}/documents/case-file.zip']")
    data = open(download.value.path(), "rb").read()
    archive = zipfile.ZipFile(io.BytesIO(data))
    [manifest_name] = [n for n in archive.namelist() if n.endswith("manifest.json")]
    folder = manifest_name.rsplit("/", 1)[0]
    manifest = json.loads(archive.read(manifest_name))
    assert len(manifest["documents"]) == 8
    for entry in manifest["documents"]:
        assert hashlib.sha256(archive.read(f"{folder}/{entry['file']}")).hexdigest() == entry["sha256"]

    with page.expect_download() as pdf:
        page.locator("tr[data-document] a", has_text="PDF").first.click()
    assert pdf.value.suggested_filename.startswith("1-101-2026_act-")
