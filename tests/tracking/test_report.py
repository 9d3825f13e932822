"""The progress report: what it says, its stored PDF, and the pages that serve it."""

import datetime
import os
import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tests.tracking.conftest import make_inquiry, open_next_round
from tracking import actions, pdf, tasks
from tracking.models import Category, ProgressReport, TrackingRound

pytestmark = pytest.mark.django_db

HOSTILE = "Friends groups met. `<script>` is shown as code. <script>alert('boo')</script>"


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def pdf_text(path):
    """The text of the PDF at ``path``, whitespace collapsed, read by poppler's pdftotext."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but pdftotext (poppler-utils) is not installed", pytrace=False)
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(  # noqa: S603 -- a fixed program on a file the test wrote
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def assessment(tracking_round, reference):
    return tracking_round.assessments.get(recommendation__reference=reference)


def submit(tracking_round, reference, by, category, evidence, **dates):
    return actions.submit_assessment(
        assessment=assessment(tracking_round, reference),
        by=by,
        category=category,
        evidence=evidence,
        **dates,
    )


def decide(tracking_round, reference, by, category, **fields):
    return actions.record_decision(
        assessment=assessment(tracking_round, reference), by=by, category=category, **fields
    )


@pytest.fixture
def rounds(inquiry, tracking_round, officer, responsible):
    """Round 1 fully decided (R03 concluded as achieved), round 2 with R01 submitted."""
    today = timezone.localdate()
    submit(tracking_round, "R01", responsible, Category.IN_PROGRESS, "Survey of all parks begun.")
    submit(tracking_round, "R02", responsible, Category.IN_PROGRESS, "Budget bid drafted.")
    submit(tracking_round, "R03", responsible, Category.ACHIEVED, HOSTILE)
    decide(tracking_round, "R01", officer, Category.IN_PROGRESS)
    decide(tracking_round, "R02", officer, Category.IN_PROGRESS, comment="Members want dates.")
    decide(tracking_round, "R03", officer, Category.ACHIEVED)
    second = open_next_round(inquiry, by=officer, meeting_on=today + datetime.timedelta(days=240))
    submit(
        second,
        "R01",
        responsible,
        Category.PROGRESS_MADE,
        "Survey finished; *action plan* next.",
        anticipated_on=today + datetime.timedelta(days=300),
    )
    tracking_round.refresh_from_db()
    second.refresh_from_db()
    return tracking_round, second


def get_made(client, url, capture):
    """GET ``url`` once the PDF it asks for is made: the render is queued when the
    request's work commits, which the test's transaction defers until ``capture`` runs it."""
    with capture(execute=True):
        client.get(url)
    return client.get(url)


def stored_text(tracking_round):
    report = pdf.store_progress_report(tracking_round.pk)
    return pdf_text(report.pdf.path)


def test_pdf_has_the_cover_every_appendix_and_every_recommendation(rounds, inquiry):
    first, second = rounds
    text = stored_text(second)

    assert "Progress report on implementation: Parks and Open Spaces" in text
    assert "Report of: Cabinet Member for Environment" in text
    assert f"First tracking – {first.meeting_on.day} {first.meeting_on:%B %Y}" in text
    for heading in ("Appendix 1", "Appendix 2", "Appendix 3"):
        assert heading in text
    for reference in ("R01", "R02", "R03"):
        assert reference in text
    for category in Category:
        assert f"{category.value}: {category.label}" in text
    assert "Is the Committee satisfied that sufficient progress has been made" in text
    assert "Page 1 of" in text


def test_evidence_is_cumulative_with_a_heading_for_each_round(rounds):
    first, second = rounds
    text = stored_text(second)

    assert f"Update – {first.meeting_on:%B %Y} Survey of all parks begun." in text
    assert f"Update – {second.meeting_on:%B %Y} Survey finished; action plan next." in text
    assert "3 – Not achieved (progress made)" in text
    assert "Not yet submitted" in text  # R02 in round 2


def test_earlier_report_leaves_out_later_evidence(rounds):
    first, _second = rounds
    text = stored_text(first)

    assert "Survey of all parks begun." in text
    assert "Survey finished" not in text
    assert "No recommendations were concluded in earlier rounds." in text


def test_appendix_3_lists_what_earlier_rounds_concluded(rounds, visitor, inquiry):
    _first, second = rounds
    response = visitor.get(reverse("tracking:round_report", args=[inquiry.slug, 2]))

    concluded = response.content.decode().split('id="appendix-3"')[1]
    assert "R03" in concluded
    assert "1 – Achieved (fully)" in concluded
    assert "Round 1" in concluded
    assert "R01" not in concluded


def test_script_in_evidence_is_escaped_on_the_page_and_text_in_the_pdf(rounds, visitor, inquiry):
    first, _second = rounds
    page = visitor.get(reverse("tracking:round_report", args=[inquiry.slug, 1])).content.decode()
    text = stored_text(first)

    assert "&lt;script&gt;" in page
    assert "alert(" not in page
    assert "<script> is shown as code." in text
    assert "alert(" not in text


def test_a_round_with_no_assessments_says_so(tracking_round, visitor, inquiry):
    tracking_round.assessments.all().delete()

    page = visitor.get(reverse("tracking:round_report", args=[inquiry.slug, 1]))

    assert "No recommendations are being tracked in this round." in page.content.decode()
    assert "No recommendations are being tracked in this round." in stored_text(tracking_round)


def test_stored_pdf_is_kept_while_current_and_remade_when_stale(
    tracking_round, responsible, monkeypatch, django_capture_on_commit_callbacks
):
    stored = pdf.store_progress_report(tracking_round.pk)
    with monkeypatch.context() as patch:
        patch.setattr(
            pdf, "render_pdf", lambda _round: pytest.fail("a current PDF was drawn again")
        )
        again = pdf.store_progress_report(tracking_round.pk)

    assert again.generated_at == stored.generated_at
    assert again.pdf.name == stored.pdf.name
    assert again.pdf.name.startswith("tracking/reports/parks-round-1")

    submit(tracking_round, "R01", responsible, Category.IN_PROGRESS, "Rangers hired.")
    with django_capture_on_commit_callbacks(execute=True):
        remade = pdf.store_progress_report(tracking_round.pk)

    tracking_round.refresh_from_db()
    assert not os.path.exists(stored.pdf.path)  # the old file is replaced, not kept
    assert remade.generated_at > stored.generated_at
    assert remade.source_version == tracking_round.version
    assert remade.is_current
    assert "Rangers hired." in pdf_text(remade.pdf.path)
    assert ProgressReport.objects.count() == 1


def test_a_change_while_rendering_leaves_the_pdf_stale(tracking_round, monkeypatch):
    render = pdf.render_pdf

    def render_while_someone_submits(rendered_round):
        TrackingRound.objects.filter(pk=rendered_round.pk).update(version=F("version") + 1)
        return render(rendered_round)

    monkeypatch.setattr(pdf, "render_pdf", render_while_someone_submits)
    version = tracking_round.version

    stored = pdf.store_progress_report(tracking_round.pk)

    assert stored.source_version == version
    assert not ProgressReport.objects.get(pk=stored.pk).is_current


def test_visitor_reads_the_report_page(rounds, visitor, inquiry):
    response = visitor.get(reverse("tracking:round_report", args=[inquiry.slug, 2]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Parks and Open Spaces" in page
    assert reverse("tracking:round_report_pdf", args=[inquiry.slug, 2]) in page
    assert "Recommendations you are tracking today" in page


def test_visitor_gets_the_pdf(tracking_round, visitor, inquiry, django_capture_on_commit_callbacks):
    url = reverse("tracking:round_report_pdf", args=[inquiry.slug, 1])
    response = get_made(visitor, url, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="parks-round-1.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert ProgressReport.objects.get(round=tracking_round).is_current


def test_pdf_not_yet_made_shows_a_page_that_refreshes(
    tracking_round, visitor, inquiry, monkeypatch
):
    monkeypatch.setattr(tasks.make_progress_report, "delay", lambda *args: None)

    response = visitor.get(reverse("tracking:round_report_pdf", args=[inquiry.slug, 1]))

    assert response.status_code == 202
    page = response.content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "The PDF is being made" in page
    assert reverse("tracking:round_report", args=[inquiry.slug, 1]) in page


def test_latest_report_is_the_last_round_with_a_submission(
    tracking_round, visitor, inquiry, officer, responsible, django_capture_on_commit_callbacks
):
    categories = {
        "R01": Category.IN_PROGRESS,
        "R02": Category.IN_PROGRESS,
        "R03": Category.ACHIEVED,
    }
    for reference, category in categories.items():
        submit(tracking_round, reference, responsible, category, "Under way.")
        decide(tracking_round, reference, officer, category)
    second = open_next_round(
        inquiry, by=officer, meeting_on=tracking_round.meeting_on + datetime.timedelta(days=20)
    )
    url = reverse("tracking:latest_report_pdf", args=[inquiry.slug])

    response = get_made(visitor, url, django_capture_on_commit_callbacks)
    assert response["Content-Disposition"] == 'inline; filename="parks-round-1.pdf"'

    submit(second, "R02", responsible, Category.IN_PROGRESS, "Going well.")
    response = get_made(visitor, url, django_capture_on_commit_callbacks)
    assert response["Content-Disposition"] == 'inline; filename="parks-round-2.pdf"'


def test_latest_report_of_a_round_with_no_submission_yet(
    tracking_round, visitor, inquiry, django_capture_on_commit_callbacks
):
    url = reverse("tracking:latest_report_pdf", args=[inquiry.slug])
    response = get_made(visitor, url, django_capture_on_commit_callbacks)

    assert response["Content-Disposition"] == 'inline; filename="parks-round-1.pdf"'


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("tracking:round_report", ["nowhere", 1]),
        ("tracking:round_report", ["parks", 9]),
        ("tracking:round_report_pdf", ["nowhere", 1]),
        ("tracking:round_report_pdf", ["parks", 9]),
        ("tracking:latest_report_pdf", ["nowhere"]),
    ],
)
def test_unknown_inquiry_or_round_is_not_found(tracking_round, visitor, name, args):
    assert visitor.get(reverse(name, args=args)).status_code == 404


def test_latest_report_of_an_untracked_inquiry_is_not_found(officer, responsible, visitor):
    make_inquiry(by=officer, responsible=responsible, title="Libraries", slug="libraries")

    response = visitor.get(reverse("tracking:latest_report_pdf", args=["libraries"]))

    assert response.status_code == 404


def test_the_demo_rounds_pdf_reads_like_the_councils_report(officer, responsible):
    from tracking import demo

    birmingham, _fictional = demo.seed(officer=officer, responsible=responsible)
    text = stored_text(birmingham.rounds.get(number=2))

    assert (
        "Progress report on implementation: Council Commissioning and Third Sector Organisations"
        in text
    )
    assert "To: Corporate Resources Overview and Scrutiny Committee" in text
    assert "First tracking – 27 October 2015" in text
    for heading in ("Appendix 1", "Appendix 2", "Appendix 3"):
        assert heading in text
    for reference in ("R01", "R02", "R03", "R04", "R05"):
        assert reference in text
    for category in Category:
        assert f"{category.value}: {category.label}" in text
    assert "1 – Achieved (fully)" in text and "2 – Achieved (late)" in text
    assert "Update – September 2016" in text
    assert "A weekly email is issued by Corporate Procurement to all BCC Councillors" in text
