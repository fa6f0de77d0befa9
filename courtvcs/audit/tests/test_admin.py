"""R5: the administrator sees the sealed log (each entry's place and hash) and can change
none of it; court staff do not see it."""

import pytest

from courtvcs.audit import sealing
from courtvcs.audit.models import AuditLeaf
from courtvcs.audit.services import audit_record
from courtvcs.orgs.tests.factories import UserFactory

URL = "/admin/audit/auditleaf/"


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True, organisation=None, role="")


def test_r5_the_administrator_sees_each_entrys_place_in_the_log_and_cannot_change_it(
        world, client, administrator):
    audit_record(actor=world.secretary, action="probe", obj=world.room)
    sealing.seal()
    leaf = AuditLeaf.objects.get()
    client.force_login(administrator)
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert bytes(leaf.leaf_hash).hex() in body
    assert client.get(f"{URL}add/").status_code == 403
    assert client.post(f"{URL}{leaf.pk}/delete/", {"post": "yes"}).status_code == 403
    client.force_login(world.secretary)
    assert client.get(URL).status_code == 302
