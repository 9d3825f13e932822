import re

import pytest
from django.core import mail

from organisations import actions
from organisations.models import MembershipRole
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "words"),
    [(MembershipRole.MEMBER, "as a member."), (MembershipRole.ADMIN, "as an administrator.")],
)
def test_the_invitation_and_its_page_name_the_role_as_people_say_it(
    role, words, client, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(role=MembershipRole.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_member(
            organisation=admin.organisation, email="new@example.org", role=role, by=admin.user
        )
    [message] = mail.outbox
    assert words in " ".join(message.body.split())
    path = re.search(r"https?://[^/\s]+(/organisations/invitations/\S+)", message.body).group(1)
    client.force_login(UserFactory(email="new@example.org"))
    assert words in client.get(path).text
