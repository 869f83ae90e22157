"""``users_with_role``: the one answer to "who holds this role here" that notifications, reviewer
pools and the CMS admin ask."""

from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.accounts.selectors import users_with_role
from apps.organizations.models import Organization
from tests.factories.core import OrganizationFactory, RegionFactory, UserFactory


def _member(role, **scope):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, **scope)
    return user


def test_a_scope_narrows_to_that_organization_and_no_scope_is_anywhere(db):
    ours, theirs = OrganizationFactory(), OrganizationFactory()
    admin = _member(Role.ORG_ADMIN, organization=ours)
    other_admin = _member(Role.ORG_ADMIN, organization=theirs)
    member = _member(Role.ORG_MEMBER, organization=ours)
    assert set(users_with_role(Role.ORG_ADMIN, organization=ours)) == {admin}
    assert set(users_with_role(Role.ORG_ADMIN, organization=ours.pk)) == {admin}
    assert set(users_with_role(Role.ORG_ADMIN)) == {admin, other_admin}
    assert set(users_with_role((Role.ORG_ADMIN, Role.ORG_MEMBER), organization=[ours.pk])) == {admin, member}
    assert set(users_with_role(Role.ORG_ADMIN, organization=Organization.objects.values("pk"))) == {
        admin,
        other_admin,
    }


def test_an_ended_membership_holds_no_role_and_each_user_comes_once(db):
    ours, theirs = OrganizationFactory(), OrganizationFactory()
    admin = _member(Role.ORG_ADMIN, organization=ours)
    Membership.objects.create(user=admin, role=Role.ORG_ADMIN, organization=theirs)
    former = _member(Role.ORG_ADMIN, organization=ours)
    Membership.objects.filter(user=former).update(ended_at=timezone.now())
    assert list(users_with_role(Role.ORG_ADMIN)) == [admin]


def test_a_scope_of_none_matches_no_officer_rather_than_every_officer(db):
    # An escalation to a community's street when the community has none reaches nobody.
    officer = _member(Role.STREET_OFFICER, region=RegionFactory(level="street"))
    assert set(users_with_role(Role.STREET_OFFICER)) == {officer}
    assert not users_with_role(Role.STREET_OFFICER, region=None).exists()


def test_platform_staff_are_the_staff_members_and_the_active_superusers(db):
    staff = _member(Role.PLATFORM_STAFF)
    root = User.objects.create(username="root", is_superuser=True)
    User.objects.create(username="former-root", is_superuser=True, is_active=False)
    assert set(users_with_role(Role.PLATFORM_STAFF)) == {staff, root}
