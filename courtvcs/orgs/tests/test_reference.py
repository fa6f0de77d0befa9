from collections import Counter

import pytest

from courtvcs.orgs.choices import OrgKind
from courtvcs.orgs.models import Endpoint, Organisation, Region
from courtvcs.orgs.reference import load_reference

KAZAKH_LETTERS = set("ӘҒҚҢӨҰҮҺІәғқңөұүһі")


@pytest.mark.django_db
def test_r2_reference_data_covers_every_region_with_its_courts_and_a_detention_centre():
    counts = load_reference()
    assert counts["regions"] == 20
    assert Region.objects.filter(is_city=True).count() == 3
    assert set(Region.objects.filter(is_city=True).values_list("code", flat=True)) == {
        "astana", "almaty", "shymkent"}
    assert Organisation.objects.filter(kind=OrgKind.SUPREME_COURT).count() == 1
    assert Organisation.objects.filter(kind=OrgKind.DEPARTMENT).count() == 1
    for region in Region.objects.all():
        kinds = Counter(Organisation.objects.filter(region=region).values_list("kind", flat=True))
        assert kinds[OrgKind.REGIONAL_COURT] >= 1, region.code
        assert kinds[OrgKind.DISTRICT_COURT] >= 2, region.code
        assert kinds[OrgKind.DETENTION_CENTRE] >= 1, region.code
    # The coordinator of a district court's region sits at its regional court (R11).
    for court in Organisation.objects.filter(kind=OrgKind.DISTRICT_COURT).select_related("parent"):
        assert court.parent.kind == OrgKind.REGIONAL_COURT and court.parent.region_id == court.region_id
    # Every court and institution can take part in VCS.
    without = Organisation.objects.exclude(kind=OrgKind.DEPARTMENT).exclude(
        pk__in=Endpoint.objects.values("organisation_id"))
    assert list(without) == []


@pytest.mark.django_db
def test_r2_reference_names_come_in_three_languages_with_kazakh_letters():
    load_reference()
    orgs = list(Organisation.objects.all())
    assert all(o.name_kk and o.name_ru and o.name_en for o in orgs)
    assert sum(bool(KAZAKH_LETTERS & set(o.name_kk)) for o in orgs) > len(orgs) // 2


@pytest.mark.django_db
def test_reference_data_loads_again_without_duplicates():
    first = load_reference()
    assert load_reference() == first
    assert Organisation.objects.count() == first["organisations"]
