# ruff: noqa: F811  (the panel fixtures are imported from tests.tenders.moderating)
"""The evaluation report as a stored PDF: made by a task once moderation is complete or
when first asked, served from the file while current, made again after a change,
its being made and its failure said plainly, a failed render retried, and read
only by those who read the results.

The broker is the boundary: ``queued`` records the renders sent to it, unless a
test lets tasks run in this process (on commit), as the embedded default does.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from tenders import actions, pdf, tasks
from tenders.models import Consensus, EvaluationReport, Tender
from tests.factories import MembershipFactory, PublisherFactory, UserFactory
from tests.tenders.moderating import agree, panel, scored  # noqa: F401

pytestmark = pytest.mark.django_db

RENDER_FAILED = "WeasyPrint ran out of memory"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def moderated(scored, opened_bids):
    for bid in opened_bids:
        agree(bid, scored.chair.user)
    return scored


@pytest.fixture
def queued(monkeypatch):
    """The renders sent to the broker, as (report id, version); none runs."""
    sent = []
    monkeypatch.setattr(
        tasks.make_evaluation_report, "delay", lambda *args: sent.append(tuple(args))
    )
    return sent


@pytest.fixture
def failing_render(monkeypatch):
    def fail(*_args):
        raise MemoryError(RENDER_FAILED)

    monkeypatch.setattr(pdf, "render_pdf", fail)


def _pdf_url(tender):
    return reverse("tenders:evaluation_report", args=[tender.opportunity.reference])


def _retry_url(tender):
    return reverse("tenders:retry_evaluation_report", args=[tender.opportunity.reference])


def _results_url(tender):
    return reverse("tenders:results", args=[tender.opportunity.reference])


def _get(client, url, capture):
    """GET ``url`` and run what it queued on commit (the render, with Celery eager).

    Outside a test's transaction that runs before the view looks again, so the first
    reader gets the PDF; here it runs after the response, which says "being made"."""
    with capture(execute=True):
        return client.get(url)


def _made(client, url, capture):
    """The response to the next GET of ``url`` once the first has had it made."""
    assert _get(client, url, capture).status_code == 202
    return _get(client, url, capture)


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _version(tender):
    return Tender.objects.get(pk=tender.pk).evaluation_version


def _change_a_score(moderated, bid, tender, capture=None):
    question = tender.criteria.get(number=4)
    consensus = Consensus.objects.filter(bid=bid, criterion=question).order_by("pk").first()
    record = lambda: actions.record_consensus(  # noqa: E731
        bid=bid,
        criterion=question,
        lot=consensus.lot,
        score=1,
        reason="Few measurable commitments.",
        revision=consensus.revision,
        by=moderated.chair.user,
    )
    if capture is None:
        return record()
    with capture(execute=True):
        return record()


def test_the_report_is_made_stored_and_served_from_the_file(
    client, moderated, tender, publisher_member, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(publisher_member)
    response = _made(client, _pdf_url(tender), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{tender.opportunity.reference}-evaluation-report.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    made = _body(response)
    assert made.startswith(b"%PDF-")
    report = EvaluationReport.objects.get(tender=tender)
    assert report.left_out == "" and report.source_version == _version(tender)
    assert report.pdf.name.startswith("tenders/reports/")
    # Served from the stored file: nothing is drawn again while it is current.
    monkeypatch.setattr(pdf, "render_pdf", lambda *args: pytest.fail("drawn again"))
    again = _get(client, _pdf_url(tender), django_capture_on_commit_callbacks)
    assert again.status_code == 200 and _body(again) == made
    page = client.get(_results_url(tender)).content.decode()
    assert "Download the evaluation report (PDF)" in page


def test_the_whole_report_is_made_when_the_last_consensus_score_is_recorded(
    moderated, opened_bids, tender, django_capture_on_commit_callbacks
):
    last = Consensus.objects.filter(bid=opened_bids[-1]).order_by("pk").last()
    slot = {"bid": last.bid, "criterion": last.criterion, "lot": last.lot}
    last.delete()
    assert not EvaluationReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_consensus(
            **slot, score=3, reason="Agreed.", revision=0, by=moderated.chair.user
        )
    report = EvaluationReport.objects.get(tender=tender, left_out="")
    assert report.pdf and report.source_version == _version(tender)


def test_nothing_is_made_while_scores_are_missing(
    scored, opened_bids, tender, django_capture_on_commit_callbacks
):
    question = tender.criteria.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_consensus(
            bid=opened_bids[0],
            criterion=question,
            lot=None if not question.per_lot else tender.opportunity.lots.first(),
            score=3,
            reason="Agreed.",
            revision=0,
            by=scored.chair.user,
        )
    assert not EvaluationReport.objects.exists()


def test_a_changed_consensus_score_makes_the_stored_report_stale_and_it_is_made_again(
    client,
    moderated,
    opened_bids,
    tender,
    publisher_member,
    django_capture_on_commit_callbacks,
    queued,
):
    client.force_login(publisher_member)
    report = actions.request_evaluation_report(tender)
    pdf.render_requested(report.pk, report.requested_version)
    report.refresh_from_db()
    old_name, old_version = report.pdf.name, report.source_version
    assert client.get(_pdf_url(tender)).status_code == 200

    _change_a_score(moderated, opened_bids[1], tender, django_capture_on_commit_callbacks)
    new_version = _version(tender)
    assert new_version > old_version
    # The change asked for the report again at once, for the new version.
    assert queued[-1] == (report.pk, new_version)
    stale = client.get(_pdf_url(tender))
    assert stale.status_code == 202  # never the old figures
    assert "The PDF is being made" in stale.content.decode()
    assert "is being made from these scores" in client.get(_results_url(tender)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        pdf.render_requested(report.pk, new_version)
    report.refresh_from_db()
    assert report.source_version == new_version and report.pdf.name != old_name
    assert not report.pdf.storage.exists(old_name)  # removed once the new one is stored
    assert client.get(_pdf_url(tender)).status_code == 200


def test_while_it_is_being_made_readers_are_told_and_it_is_asked_for_once(
    client, moderated, tender, publisher_member, django_capture_on_commit_callbacks, queued
):
    client.force_login(publisher_member)
    page = client.get(_results_url(tender)).content.decode()
    assert "Make the evaluation report (PDF)" in page
    responses = [
        _get(client, _pdf_url(tender), django_capture_on_commit_callbacks) for _ in range(3)
    ]
    assert [response.status_code for response in responses] == [202] * 3
    waiting = responses[-1].content.decode()
    assert "The PDF is being made" in waiting
    assert 'http-equiv="refresh"' in waiting and "Check now" in waiting
    assert _results_url(tender) in waiting  # the results on the web instead
    assert "no-store" in responses[-1]["Cache-Control"]
    report = EvaluationReport.objects.get(tender=tender)
    assert queued == [(report.pk, _version(tender))]
    page = client.get(_results_url(tender)).content.decode()
    assert "The evaluation report (PDF) is being made from these scores." in page
    assert "Download the evaluation report (PDF)" not in page


def test_a_failed_render_is_shown_recorded_and_not_asked_for_again(
    client,
    moderated,
    tender,
    publisher_member,
    django_capture_on_commit_callbacks,
    failing_render,
):
    client.force_login(publisher_member)
    response = _made(client, _pdf_url(tender), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The PDF could not be made" in page and RENDER_FAILED in page
    assert "Try again" in page and _retry_url(tender) in page
    report = EvaluationReport.objects.get(tender=tender)
    assert report.failed_at is not None and RENDER_FAILED in report.error
    assert report.attempts == 1
    results = client.get(_results_url(tender)).content.decode()
    assert "The evaluation report (PDF) could not be made." in results
    # Asking again does not render again: the failure stands until someone retries.
    again = _get(client, _pdf_url(tender), django_capture_on_commit_callbacks)
    assert "The PDF could not be made" in again.content.decode()
    report.refresh_from_db()
    assert report.attempts == 1


def test_a_failed_render_is_retried_once_and_then_served(
    client,
    moderated,
    tender,
    publisher_member,
    django_capture_on_commit_callbacks,
    monkeypatch,
    queued,
):
    real, calls = pdf.render_pdf, []

    def fails_once(*args):
        calls.append(args)
        if len(calls) == 1:
            raise OSError("No space left on device")
        return real(*args)

    monkeypatch.setattr(pdf, "render_pdf", fails_once)
    client.force_login(publisher_member)
    report = actions.request_evaluation_report(tender)
    pdf.render_requested(report.pk, report.requested_version)
    assert EvaluationReport.objects.get(pk=report.pk).failed_at is not None
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_retry_url(tender))
    assert response.status_code == 302 and response.url == _pdf_url(tender)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_retry_url(tender))  # a second click queues nothing more
    assert queued == [(report.pk, _version(tender))]
    report.refresh_from_db()
    assert report.failed_at is None and report.error == ""
    assert client.get(_pdf_url(tender)).status_code == 202
    pdf.render_requested(*queued[0])
    served = client.get(_pdf_url(tender))
    assert served.status_code == 200 and _body(served).startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["evaluator", "bidder", "other commissioner", "outsider"])
def test_only_those_who_read_the_results_get_the_report_or_retry_it(
    client, moderated, opened_bids, tender, who, django_capture_on_commit_callbacks
):
    report = actions.request_evaluation_report(tender)
    pdf.store_evaluation_report(report.pk)  # stored and current: still not theirs
    EvaluationReport.objects.filter(pk=report.pk).update(failed_at=timezone.now())
    user = {
        "evaluator": lambda: moderated.first.user,
        "bidder": lambda: opened_bids[0].created_by,
        "other commissioner": lambda: MembershipFactory(organisation=PublisherFactory()).user,
        "outsider": lambda: UserFactory(is_evaluator=True),
    }[who]()
    client.force_login(user)
    assert _get(client, _pdf_url(tender), django_capture_on_commit_callbacks).status_code == 404
    assert client.post(_retry_url(tender)).status_code == 404
    with pytest.raises(PermissionError):
        actions.retry_evaluation_report(tender=tender, by=user)


def test_a_visitor_gets_404(client, moderated, tender):
    report = actions.request_evaluation_report(tender)
    pdf.store_evaluation_report(report.pk)
    assert client.get(_pdf_url(tender)).status_code == 404
    assert client.post(_retry_url(tender)).status_code == 404


def test_the_stored_file_has_no_public_address(client, moderated, tender, settings):
    report = actions.request_evaluation_report(tender)
    report = pdf.store_evaluation_report(report.pk)
    assert not getattr(settings, "MEDIA_URL", "").strip("/")  # no URL prefix serves files
    for prefix in ("/media/", "/"):
        assert client.get(prefix + report.pdf.name).status_code == 404


def test_a_reader_with_conflicts_gets_a_report_of_their_own(
    client, moderated, opened_bids, tender, publisher_member, django_capture_on_commit_callbacks
):
    hidden = opened_bids[1]
    moderated.chair.conflicts.add(hidden)
    client.force_login(publisher_member)
    whole = _body(_made(client, _pdf_url(tender), django_capture_on_commit_callbacks))
    client.force_login(moderated.chair.user)
    own = _made(client, _pdf_url(tender), django_capture_on_commit_callbacks)
    assert own.status_code == 200 and _body(own) != whole
    reports = EvaluationReport.objects.filter(tender=tender).order_by("pk")
    assert [r.left_out_ids for r in reports] == [[], [hidden.pk]]
    html = pdf.report_context(
        tender, pdf.evaluation_without(tender, [hidden.pk]), left_out=[hidden.pk]
    )
    assert hidden not in [entry["bid"] for entry in html["bids"]] and html["hidden"] == 1
