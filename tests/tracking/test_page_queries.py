"""The tracking pages run as many queries for a large inquiry as for a small one."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.formats import date_in_words
from tests.tracking.test_summaries import make_varied
from tracking.models import Assessment, Inquiry

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as run:
        response = client.get(url)
    assert response.status_code == 200
    return len(run.captured_queries), response.content.decode()


def test_an_inquiry_page_takes_the_same_queries_whatever_its_size(client):
    make_varied(8, inquiries=10)
    inquiries = Inquiry.objects.annotate(n=Count("recommendations__assessments")).order_by("n")
    smallest = inquiries.filter(n__gt=0).first()
    largest = inquiries.last()
    assert largest.n > 2 * smallest.n
    small, _page = _queries(client, reverse("tracking:inquiry", args=[smallest.slug]))
    large, page = _queries(client, reverse("tracking:inquiry", args=[largest.slug]))
    assert small == large
    # Every assessment is shown under its own round.
    for assessment in Assessment.objects.filter(round__inquiry=largest).select_related(
        "round__committee"
    ):
        tracking_round = assessment.round
        assert (
            f"Round {tracking_round.number}: {tracking_round.committee.name}, "
            f"{date_in_words(tracking_round.meeting_on)}" in page
        )


def test_the_inquiry_list_takes_the_same_queries_whatever_the_size(client):
    make_varied(9, inquiries=2)
    small, _page = _queries(client, reverse("tracking:list"))
    make_varied(10, inquiries=12)
    large, _page = _queries(client, reverse("tracking:list"))
    assert small == large
