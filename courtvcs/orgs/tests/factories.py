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


# Issue 7: every test person's authenticator holds this key (hex, as django-otp stores it).
TOTP_KEY = "3132333435363738393031323334353637383930"


def give_second_factor(user: User):
    """The person's confirmed authenticator (the test key), created on first use."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", key=TOTP_KEY,
                                               confirmed=True)


def current_code(user: User | None = None, at: float | None = None) -> str:
    """The six digits the person's authenticator shows now (or at `at`, a Unix time)."""
    import time

    from django_otp.oath import TOTP

    key = give_second_factor(user).bin_key if user is not None else bytes.fromhex(TOTP_KEY)
    totp = TOTP(key, step=30, digits=6)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def _verify_forced_login(sender, request, user, **kwargs):
    # Client.force_login signs in through a bare HttpRequest (no path): there the test
    # means "a signed-in member of staff", who has passed the code step too. A real
    # sign-in through the pages or the API still has to give the code.
    if request.path:
        return
    from django_otp import DEVICE_ID_SESSION_KEY

    request.session[DEVICE_ID_SESSION_KEY] = give_second_factor(user).persistent_id


def verify_forced_logins() -> None:
    """Make `Client.force_login(user)` a fully verified sign-in (tests and benchmarks)."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_verify_forced_login, dispatch_uid="courtvcs-test-second-factor")
