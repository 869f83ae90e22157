import datetime as dt

import factory
from django.utils import timezone

from apps.accounts.models import ApiToken, User
from apps.accounts.services import api_token_issue
from apps.core.validators import credit_code_check_char
from apps.organizations.models import Organization
from apps.regions.models import Region
from apps.workers.models import SocialWorker


def valid_credit_code(n: int, kind: str = "52", area: str = "510107") -> str:
    body = f"{kind}{area}{n:09d}"
    return body + credit_code_check_char(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-Secret-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"5101{n:08d}")
    name = factory.Sequence(lambda n: f"地区{n}")
    level = "community"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"成都市测试社会工作服务中心{n}")
    legal_form = "social_service_org"
    credit_code = factory.Sequence(lambda n: valid_credit_code(n + 1))
    registered_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=800))
    region = factory.SubFactory(RegionFactory, level="district")
    salaried_staff = 5
    status = "verified"

    class Params:
        # a social enterprise: a company, registered long enough ago to apply for certification
        enterprise = factory.Trait(
            legal_form="company",
            name=factory.Sequence(lambda n: f"成都玉林邻里社会企业有限公司{n}"),
            registered_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=900)),
        )


class SocialWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialWorker

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"社工{n}")
    level = "intermediate"
    certificate_no = factory.Sequence(lambda n: f"SW2020{n:06d}")
    registered_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3 * 365))
    qualified_since = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3 * 365))
    verified = True


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token issued through ``api_token_issue`` (only its hash is stored)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    label = factory.Sequence(lambda n: f"token {n}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        token, _secret = api_token_issue(**kwargs)
        return token
