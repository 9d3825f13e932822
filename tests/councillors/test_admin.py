"""What site admins see of the digest in the admin site: everything, editable nowhere."""

import re

import pytest
from django.urls import reverse

from councillors import actions
from councillors.actions.preferences import unsubscribe
from councillors.actions.signposting import signpost
from tests.councillors.test_sending import WorkerDied, trouble  # noqa: F401 (the fixture)
from tests.factories import CouncillorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MODELS = ["digestrun", "digest", "digestpreference", "signposting"]


@pytest.fixture
def recorded(now, ward_councillor, live_opportunities, wards):
    """A week's run with a councillor without wards, a councillor who turned the digest off
    after it went, and a signposting."""
    CouncillorFactory(full_name="Nora Wardless", email="nora@example.org", wards=[])
    run = actions.start_run(now=now, enqueue=False)
    for batch in actions.pending_batches(run):
        actions.send_batch(run_id=run.pk, digest_ids=batch, now=now)
    unsubscribe(councillor=ward_councillor)
    group = OrganisationFactory(
        name="Aston Youth Trust", ward=wards["Aston"], email="hello@astonyouth.example"
    )
    signpost(
        councillor=ward_councillor,
        by=ward_councillor.user,
        opportunity=live_opportunities["Youth club in Aston"],
        organisation=group,
        note="This suits your Friday club.",
    )
    return run


def test_a_site_admin_reads_the_run_its_digests_preferences_and_signpostings(site_admin, recorded):
    page = site_admin.get(reverse("admin:councillors_digestrun_change", args=[recorded.pk]))
    assert page.status_code == 200
    assert "Nora Wardless" in page.text and "No wards: sent without the ward section" in page.text

    lists = {
        model: site_admin.get(reverse(f"admin:councillors_{model}_changelist")) for model in MODELS
    }
    assert all(response.status_code == 200 for response in lists.values())
    assert "Jane Doe" in lists["digest"].text and "Nora Wardless" in lists["digest"].text
    assert "Jane Doe" in lists["digestpreference"].text
    assert "Aston Youth Trust" in lists["signposting"].text


@pytest.mark.parametrize("model", MODELS)
def test_nothing_can_be_added_changed_or_deleted_there(site_admin, recorded, model):
    assert site_admin.get(reverse(f"admin:councillors_{model}_add")).status_code == 403
    changelist = site_admin.get(reverse(f"admin:councillors_{model}_changelist"))
    assert 'name="action"' not in changelist.text  # no "delete selected"


def test_a_site_admin_sees_which_digests_were_possibly_sent_twice(
    site_admin,
    now,
    ward_councillor,
    live_opportunities,
    trouble,  # noqa: F811
):
    CouncillorFactory(full_name="Nora Wardless", email="nora@example.org")
    # The worker dies just after the mail server took Jane Doe's digest; it is resumed.
    trouble.dies_after.add(ward_councillor.email)
    run = actions.start_run(now=now, enqueue=False)
    with pytest.raises(WorkerDied):
        actions.send_batch(run_id=run.pk, digest_ids=actions.pending_batches(run)[0], now=now)
    trouble.dies_after.clear()
    for batch in actions.pending_batches(run):
        actions.send_batch(run_id=run.pk, digest_ids=batch, now=now)

    run_page = site_admin.get(reverse("admin:councillors_digestrun_change", args=[run.pk]))
    runs = site_admin.get(reverse("admin:councillors_digestrun_changelist"))
    digests = site_admin.get(
        reverse("admin:councillors_digest_changelist") + "?possibly_sent_twice__exact=1"
    )

    assert re.search(
        r"field-possibly_sent_twice.*?Possibly sent twice.*?readonly\">1<", run_page.text, re.S
    )
    assert "Possibly sent twice" in runs.text
    assert "Jane Doe" in digests.text and "Nora Wardless" not in digests.text
