import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import User
from portal.authorization import (
    Permission,
    Role,
    get_object_or_404_for,
    has_permission,
    held_roles,
    roles_of,
)
from tests.factories import CouncillorFactory, MembershipFactory, PublisherFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make_user", "allowed"),
    [
        (
            lambda: UserFactory(is_superuser=True),
            {
                Permission.ADMINISTER_SITE,
                Permission.VERIFY_ORGANISATIONS,
                Permission.VIEW_ORGANISATION_PRIVATE,
                Permission.VIEW_ORGANISATION_AUDIT,
            },
        ),
        (
            lambda: UserFactory(is_scrutiny_officer=True),
            {Permission.MANAGE_SCRUTINY, Permission.SUBMIT_ASSESSMENT},
        ),
        (lambda: UserFactory(is_evaluator=True), {Permission.SCORE_BIDS}),
        (lambda: CouncillorFactory().user, {Permission.SIGNPOST_OPPORTUNITIES}),
        (
            lambda: MembershipFactory(organisation=PublisherFactory()).user,
            {Permission.PUBLISH_OPPORTUNITIES},
        ),
        (lambda: UserFactory(), set()),
        (lambda: AnonymousUser(), set()),
        (lambda: UserFactory(is_superuser=True, is_active=False), set()),
    ],
    ids=[
        "site admin",
        "scrutiny",
        "evaluator",
        "councillor",
        "commissioner",
        "member",
        "visitor",
        "inactive",
    ],
)
def test_each_role_holds_exactly_its_permissions(make_user, allowed):
    user = make_user()
    held = {permission for permission in Permission if has_permission(user, permission)}
    assert held == allowed


def test_a_person_can_hold_several_roles():
    user = CouncillorFactory(user=UserFactory(is_scrutiny_officer=True)).user
    assert held_roles(user) == [Role.COUNCILLOR, Role.SCRUTINY_OFFICER]
    assert Role.VISITOR in roles_of(user)


def test_has_permission_refuses_anything_but_a_permission():
    with pytest.raises(TypeError):
        has_permission(UserFactory(), "administer_site")


def test_outsiders_get_404_not_403_for_objects_they_cannot_act_on():
    target = UserFactory()
    with pytest.raises(Http404):
        get_object_or_404_for(UserFactory(), Permission.ADMINISTER_SITE, User, pk=target.pk)
    admin = UserFactory(is_superuser=True)
    found = get_object_or_404_for(admin, Permission.ADMINISTER_SITE, User, pk=target.pk)
    assert found == target
    with pytest.raises(Http404):
        get_object_or_404_for(admin, Permission.ADMINISTER_SITE, User, pk=0)
