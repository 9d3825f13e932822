"""Asking for a progress report's PDF: one render per version, failures shown, officers retry.

The broker is the boundary here: ``queued`` records what would have been sent to
it, unless a test lets tasks run in this process as the embedded default does.
"""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tracking import actions, pdf, tasks
from tracking.models import Category, ProgressReport

pytestmark = pytest.mark.django_db

RENDER_FAILED = "WeasyPrint ran out of memory"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.fixture
def queued(monkeypatch):
    """The renders sent to the broker, as (round id, version); none runs."""
    sent = []
    monkeypatch.setattr(tasks.make_progress_report, "delay", lambda *args: sent.append(tuple(args)))
    return sent


@pytest.fixture
def failing_render(monkeypatch):
    def fail(_round):
        raise MemoryError(RENDER_FAILED)

    monkeypatch.setattr(pdf, "render_pdf", fail)


def _pdf_url(tracking_round):
    return reverse("tracking:round_report_pdf", args=["parks", tracking_round.number])


def _retry_url(tracking_round):
    return reverse("tracking:retry_report_pdf", args=["parks", tracking_round.number])


def _ask(client, tracking_round, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.get(_pdf_url(tracking_round))


def _submit(tracking_round, by, evidence):
    actions.submit_assessment(
        assessment=tracking_round.assessments.get(recommendation__reference="R01"),
        by=by,
        category=Category.IN_PROGRESS,
        evidence=evidence,
    )
    tracking_round.refresh_from_db()


def test_readers_waiting_for_a_pdf_ask_for_it_once(
    client, tracking_round, queued, django_capture_on_commit_callbacks
):
    responses = [_ask(client, tracking_round, django_capture_on_commit_callbacks) for _ in range(5)]

    assert [response.status_code for response in responses] == [202] * 5
    assert "The PDF is being made" in responses[-1].content.decode()
    assert queued == [(tracking_round.pk, tracking_round.version)]


def test_a_change_to_the_round_asks_for_its_new_version_once(
    client, tracking_round, responsible, queued, django_capture_on_commit_callbacks
):
    _ask(client, tracking_round, django_capture_on_commit_callbacks)
    first_version = tracking_round.version
    _submit(tracking_round, responsible, "Rangers hired.")

    for _ in range(3):
        _ask(client, tracking_round, django_capture_on_commit_callbacks)

    assert queued == [
        (tracking_round.pk, first_version),
        (tracking_round.pk, tracking_round.version),
    ]


def test_a_failed_render_is_shown_and_never_asked_for_again(
    client, tracking_round, failing_render, django_capture_on_commit_callbacks
):
    _ask(client, tracking_round, django_capture_on_commit_callbacks)  # the render fails

    first = _ask(client, tracking_round, django_capture_on_commit_callbacks)

    assert first.status_code == 200
    page = first.content.decode()
    assert "The PDF could not be made" in page
    assert reverse("tracking:round_report", args=["parks", 1]) in page
    assert "Try again" not in page
    assert "refresh" not in page
    report = ProgressReport.objects.get(round=tracking_round)
    assert report.failed_at is not None
    assert RENDER_FAILED in report.error

    again = _ask(client, tracking_round, django_capture_on_commit_callbacks)

    assert "The PDF could not be made" in again.content.decode()
    assert ProgressReport.objects.get(round=tracking_round).attempts == 1


def test_an_officer_sees_try_again_and_it_queues_exactly_one_attempt(
    client,
    tracking_round,
    officer,
    failing_render,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    client.force_login(officer)
    _ask(client, tracking_round, django_capture_on_commit_callbacks)  # the render fails
    page = _ask(client, tracking_round, django_capture_on_commit_callbacks).content.decode()
    assert "Try again" in page
    assert _retry_url(tracking_round) in page
    assert RENDER_FAILED in page  # officers are told why
    sent = []
    monkeypatch.setattr(tasks.make_progress_report, "delay", lambda *args: sent.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_retry_url(tracking_round))
        second = client.post(_retry_url(tracking_round))  # a double click

    assert first.status_code == second.status_code == 302
    assert first["Location"] == _pdf_url(tracking_round)
    assert sent == [(tracking_round.pk, tracking_round.version)]
    report = ProgressReport.objects.get(round=tracking_round)
    assert report.failed_at is None and report.error == ""
    assert "The PDF is being made" in client.get(_pdf_url(tracking_round)).content.decode()


def test_a_retry_that_works_serves_the_pdf(
    client, tracking_round, officer, monkeypatch, django_capture_on_commit_callbacks
):
    render = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda _round: (_ for _ in ()).throw(OSError("x")))
    _ask(client, tracking_round, django_capture_on_commit_callbacks)
    monkeypatch.setattr(pdf, "render_pdf", render)
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_retry_url(tracking_round))
    response = client.get(_pdf_url(tracking_round))

    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("persona", ["visitor", "responsible"])
def test_only_officers_may_try_again(
    client, tracking_round, failing_render, persona, request, django_capture_on_commit_callbacks
):
    _ask(client, tracking_round, django_capture_on_commit_callbacks)
    if persona == "responsible":
        client.force_login(request.getfixturevalue("responsible"))

    response = client.post(_retry_url(tracking_round))

    assert response.status_code in {302, 404}
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    assert ProgressReport.objects.get(round=tracking_round).failed_at is not None


def test_try_again_is_a_post(client, tracking_round, officer):
    client.force_login(officer)
    assert client.get(_retry_url(tracking_round)).status_code == 405


def test_a_render_whose_worker_died_is_asked_for_once_more_then_shown_as_failed(
    client, tracking_round, queued, time_machine, django_capture_on_commit_callbacks
):
    _ask(client, tracking_round, django_capture_on_commit_callbacks)
    # A worker picks it up and dies (killed at the hard time limit, or out of memory).
    ProgressReport.objects.filter(round=tracking_round).update(started_at=timezone.now())
    past_limit = datetime.timedelta(seconds=ProgressReport.RENDER_TIME_LIMIT + 60)

    time_machine.move_to(timezone.now() + past_limit)
    assert _ask(client, tracking_round, django_capture_on_commit_callbacks).status_code == 202
    assert len(queued) == 2
    _ask(client, tracking_round, django_capture_on_commit_callbacks)
    assert len(queued) == 2  # asked again once, not on every request

    ProgressReport.objects.filter(round=tracking_round).update(started_at=timezone.now())
    time_machine.move_to(timezone.now() + past_limit)
    page = _ask(client, tracking_round, django_capture_on_commit_callbacks).content.decode()

    assert "The PDF could not be made" in page
    assert len(queued) == 2


def test_a_render_lost_before_it_started_is_asked_for_once_more(
    client, tracking_round, queued, time_machine, django_capture_on_commit_callbacks
):
    _ask(client, tracking_round, django_capture_on_commit_callbacks)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=5))
    _ask(client, tracking_round, django_capture_on_commit_callbacks)
    assert len(queued) == 1  # still waiting its turn behind other work

    time_machine.move_to(timezone.now() + ProgressReport.LOST_AFTER)
    _ask(client, tracking_round, django_capture_on_commit_callbacks)

    assert len(queued) == 2


def test_a_second_delivery_of_the_same_request_does_not_render_again(
    client, tracking_round, queued, django_capture_on_commit_callbacks
):
    _ask(client, tracking_round, django_capture_on_commit_callbacks)
    [(round_id, version)] = queued

    tasks.make_progress_report(round_id, version)
    assert ProgressReport.objects.get(round=tracking_round).pdf
    ProgressReport.objects.filter(round=tracking_round).update(source_version=None, pdf="")

    tasks.make_progress_report(round_id, version)  # the broker delivers it again

    assert not ProgressReport.objects.get(round=tracking_round).pdf


def test_the_pdf_task_has_its_own_time_limits():
    task = tasks.make_progress_report
    assert task.time_limit == ProgressReport.RENDER_TIME_LIMIT
    assert task.soft_time_limit < task.time_limit


def test_with_the_cache_down_a_pdf_not_yet_stored_is_made_not_a_500(
    client, tracking_round, settings, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    asked = _ask(client, tracking_round, django_capture_on_commit_callbacks)
    response = client.get(_pdf_url(tracking_round))

    assert asked.status_code == 202  # made once the request's work is committed
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
