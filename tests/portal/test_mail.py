import ast
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from organisations import actions as registry
from organisations.models import MembershipRole
from portal.mail import MAX_SUBJECT_LENGTH, one_line, subject_line
from tests.factories import MembershipFactory, OrganisationFactory
from tests.workers import REPO

INJECTION = "AB x\nBcc: y@example.org"


def test_a_newline_cannot_add_a_header(settings):
    settings.SERVICE_NAME = "Commissioning portal"
    subject = subject_line(INJECTION)
    assert subject == "AB x Bcc: y@example.org – Commissioning portal"

    EmailMessage(subject=subject, body="Hello", to=["reader@example.org"]).send()
    [message] = mail.outbox
    sent = message.message()
    assert sent["Bcc"] is None
    assert message.recipients() == ["reader@example.org"]
    assert "\n" not in sent["Subject"] and "\r" not in sent["Subject"]


@pytest.mark.parametrize(
    "separator",
    ["\r\n", "\r", "\n", "\t", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"],
)
def test_every_line_break_and_control_character_becomes_one_space(separator):
    assert one_line(f"  Youth{separator}{separator} work {separator}") == "Youth work"


def test_ordinary_text_is_kept_as_typed():
    assert one_line("Sanitation – ‘Aston’ & Nechells: £50,000") == (
        "Sanitation – ‘Aston’ & Nechells: £50,000"
    )
    assert one_line("خدمات الشباب") == "خدمات الشباب"


def test_a_long_subject_is_cut_short_with_an_ellipsis(settings):
    settings.SERVICE_NAME = "Portal"
    subject = subject_line("word " * 200)
    headline = subject.removesuffix(" – Portal")
    assert len(headline) == MAX_SUBJECT_LENGTH
    assert headline.endswith("…")


@pytest.mark.django_db
def test_an_invitation_to_an_organisation_named_with_a_newline_is_sent(
    django_capture_on_commit_callbacks,
):
    admin = MembershipFactory(
        organisation=OrganisationFactory(name="Aston\nBcc: everyone@example.org"),
        role=MembershipRole.ADMIN,
    )
    with django_capture_on_commit_callbacks(execute=True):
        registry.invite_member(
            organisation=admin.organisation, email="new@example.org", by=admin.user
        )
    [message] = mail.outbox
    assert message.subject.startswith("Join Aston Bcc: everyone@example.org – ")
    assert message.message()["Bcc"] is None
    assert message.recipients() == ["new@example.org"]


# Modules that send mail without building a subject themselves, and why.
SUBJECT_BUILT_ELSEWHERE = {
    # Sends the digest that councillors/render.py built, subject and all.
    "councillors/actions/sending.py",
    # The helper itself: send_each builds every subject with subject_line.
    "portal/mail.py",
}
APPS = [
    "accounts",
    "commissioning",
    "councillors",
    "opportunities",
    "organisations",
    "portal",
    "tenders",
    "tracking",
]


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_every_module_that_sends_mail_builds_its_subjects_with_the_helper():
    senders = {}
    for app in APPS:
        for path in sorted(Path(REPO, app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            modules = set(_imports(ast.parse(path.read_text())))
            if "django.core.mail" in modules:
                senders[path.relative_to(REPO).as_posix()] = modules
    assert "opportunities/emails.py" in senders  # the search finds what it looks for
    unsafe = [
        path
        for path, modules in senders.items()
        if "portal.mail" not in modules and path not in SUBJECT_BUILT_ELSEWHERE
    ]
    assert unsafe == []
