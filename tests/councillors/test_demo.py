"""The demo digest: Cllr Priya Sandhu's last three weeks and signpostings, and the
imported councillors whose problems every run records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from councillors import actions, demo
from councillors.models import Digest, DigestPreference, DigestRun, Signposting
from home import demo as portal_demo
from organisations.models import Councillor

pytestmark = pytest.mark.django_db

# Thursday 3 December 2026, 10am in London: ISO week 2026-W49.
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
# The three weeks before it, newest first, and their Mondays.
PAST_WEEKS = {
    "2026-W48": datetime.date(2026, 11, 23),
    "2026-W47": datetime.date(2026, 11, 16),
    "2026-W46": datetime.date(2026, 11, 9),
}
PRIYA = "councillor@example.org"


@pytest.fixture
def users(time_machine):
    """The whole portal demo, seeded at ``NOW``; the demo accounts by email."""
    time_machine.move_to(NOW)
    return portal_demo.seed()


@pytest.fixture
def priya(client, users):
    """Cllr Priya Sandhu (Ladywood and Nechells), signed in."""
    client.force_login(users[PRIYA])
    return client


def digest_of_priya(week):
    return Digest.objects.get(councillor__email=PRIYA, week=week)


def counts():
    return {
        "councillors": list(Councillor.objects.values_list("full_name", "email", "party")),
        "preferences": list(DigestPreference.objects.values_list("councillor", "updated_at")),
        "runs": list(
            DigestRun.objects.order_by("pk").values_list("week", "started_at", "eligible", "sent")
        ),
        "digests": list(Digest.objects.order_by("pk").values_list("pk", "sent_at", "html")),
        "signpostings": list(Signposting.objects.order_by("pk").values_list("pk", "sent_at")),
    }


def test_seeding_twice_changes_nothing(users):
    before = counts()
    demo.seed(councillor=users[PRIYA].councillor, site_admin=users["admin@example.org"])
    assert counts() == before
    assert len(before["councillors"]) == 6
    assert len(before["runs"]) == 3
    assert len(before["signpostings"]) == 2


def test_priya_reads_the_digests_of_the_three_weeks_before_this_one(priya):
    response = priya.get(reverse("councillors:digests"))
    assert response.status_code == 200
    for monday in PAST_WEEKS.values():
        assert f"{monday.day} November 2026" in response.text
    assert "30 November 2026" not in response.text
    for week in PAST_WEEKS:
        response = priya.get(reverse("councillors:digest", args=[week]))
        assert response.status_code == 200
        assert "Community lunch clubs for older people" in response.text
    assert priya.get(reverse("councillors:digest", args=["2026-W49"])).status_code == 404


def test_each_past_digest_lists_what_was_open_that_monday(users):
    # Bids for the ex-offenders' service closed at midday on Friday 13 November.
    ex_offenders = "Supporting People: housing support for ex-offenders"
    assert ex_offenders in digest_of_priya("2026-W46").text
    assert ex_offenders not in digest_of_priya("2026-W47").text
    for week, monday in PAST_WEEKS.items():
        digest = digest_of_priya(week)
        # Sent by the run at 7am that Monday (GMT in November), which took four seconds.
        assert digest.sent_at == datetime.datetime.combine(
            monday, datetime.time(7, 0, 4), tzinfo=datetime.UTC
        )
        # Her wards' opportunities come first, in the text and the HTML alike.
        for sent in (digest.text, digest.html):
            assert sent.index("Community lunch clubs for older people") < sent.index(
                "Holiday activities and food programme"
            )


def test_this_weeks_digest_is_left_to_the_hourly_job(users):
    assert not Digest.objects.filter(week="2026-W49").exists()
    run = actions.start_run(now=timezone.now(), enqueue=False)
    assert run.week == "2026-W49"
    assert digest_of_priya("2026-W49").run == run


def test_every_run_records_the_imported_councillors_without_wards_or_email(client, users):
    runs = DigestRun.objects.order_by("week")
    assert [run.week for run in runs] == sorted(PAST_WEEKS)
    for run in runs:
        assert (run.eligible, run.sent, run.failed, run.skipped) == (6, 5, 0, 1)
        assert timezone.localtime(run.started_at).strftime("%A %H:%M") == "Monday 07:00"
        assert run.finished_at is not None
        assert {problem["councillor"] for problem in run.problems} == {
            "Gurpreet Dhillon",
            "Eileen Walsh",
        }
    client.force_login(users["admin@example.org"])
    response = client.get(reverse("admin:councillors_digestrun_change", args=[runs[0].pk]))
    assert "Gurpreet Dhillon</a>: No wards: sent without the ward section" in response.text
    assert "Eileen Walsh</a>: No email address" in response.text


def test_priya_sent_two_open_opportunities_to_groups_in_her_wards(priya):
    response = priya.get(reverse("councillors:signposting_log"))
    assert "Ladywood Lunch Club" in response.text
    assert "Nechells Community Food Co-op" in response.text
    for signposting in Signposting.objects.select_related("opportunity", "organisation"):
        assert signposting.opportunity.is_open
        assert signposting.organisation.ward.name in {"Ladywood", "Nechells"}
        assert signposting.recipients >= 1
        assert signposting.opportunity.published_at < signposting.sent_at < NOW


def test_priya_gets_the_digest_on_mondays_at_7am(priya):
    response = priya.get(reverse("councillors:preferences"))
    assert "You get the digest every Monday at 7am (UK time)." in response.text
    assert DigestPreference.objects.get(councillor__email=PRIYA).enabled


@pytest.mark.django_db(transaction=True)
def test_seeding_sends_no_email(time_machine, mailoutbox):
    # Committed for real, so the signpostings' emails go when they would in `bin/run`.
    time_machine.move_to(NOW)
    portal_demo.seed()
    assert Digest.objects.filter(sent_at__isnull=False).count() == 15
    assert Signposting.objects.count() == 2
    assert mailoutbox == []
