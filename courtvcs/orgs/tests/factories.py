import factory

from courtvcs.orgs.choices import EndpointKind, OrgKind, Role
from courtvcs.orgs.models import District, Endpoint, Organisation, Region, User

PASSWORD = "courtvcs-test-pass"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"region-{n}")
    name_kk = factory.LazyAttribute(lambda o: f"{o.code} облысы")
    name_ru = factory.LazyAttribute(lambda o: f"область {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"{o.code} region")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"district-{n}")
    name_kk = factory.LazyAttribute(lambda o: f"{o.code} ауданы")
    name_ru = factory.LazyAttribute(lambda o: f"район {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"{o.code} district")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"org-{n}")
    kind = OrgKind.DISTRICT_COURT
    district = factory.SubFactory(DistrictFactory)
    region = factory.LazyAttribute(lambda o: o.district.region)
    name_kk = factory.LazyAttribute(lambda o: f"{o.code} соты")
    name_ru = factory.LazyAttribute(lambda o: f"Суд {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"{o.code} court")


class EndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endpoint

    organisation = factory.SubFactory(OrganisationFactory)
    kind = EndpointKind.COURTROOM
    room_number = factory.Sequence(lambda n: str(100 + n))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Name{n}")
    last_name = factory.Sequence(lambda n: f"Surname{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.kz")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SECRETARY
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()
