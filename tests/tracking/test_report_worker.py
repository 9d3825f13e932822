"""The progress report PDF made by a real Celery worker, as in production."""

import time

import pytest
from django.urls import reverse

from tests.tracking.conftest import make_inquiry, open_next_round
from tracking.models import ProgressReport


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_a_worker_makes_the_pdf_while_the_reader_is_told_it_is_coming(
    celery_worker,
    client,
    officer,
    responsible,
):
    inquiry = make_inquiry(by=officer, responsible=responsible, slug="worker-made")
    tracking_round = open_next_round(inquiry, by=officer)
    url = reverse("tracking:round_report_pdf", args=[inquiry.slug, tracking_round.number])

    first = client.get(url)
    # Unless the worker was quicker than this request, the reader is told it is coming.
    if first.status_code == 202:
        assert "being made" in first.content.decode()
    deadline = time.monotonic() + 60
    while not ProgressReport.objects.filter(round=tracking_round).exclude(pdf="").exists():
        assert time.monotonic() < deadline, celery_worker.log()
        time.sleep(0.5)
    response = client.get(url)
    try:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    finally:
        ProgressReport.objects.get(round=tracking_round).pdf.delete(save=False)
