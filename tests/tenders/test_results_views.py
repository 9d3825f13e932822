# ruff: noqa: F811  (the panel fixtures are imported from tests.tenders.moderating)
"""The results page, its CSV and the evaluation report: hand-checked figures, what is
missing before moderation ends, who may read them, and never stale."""

import csv
import io

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tenders import actions
from tenders.evaluation import evaluation_of, left_out_of
from tenders.models import Consensus, EvaluationReport
from tenders.pdf import report_context
from tests.factories import UserFactory
from tests.tenders.moderating import agree, grow, panel, scored  # noqa: F401

pytestmark = pytest.mark.django_db


def urls(tender):
    reference = tender.opportunity.reference
    return {
        "page": reverse("tenders:results", args=[reference]),
        "csv": reverse("tenders:results_csv", args=[reference]),
        "pdf": reverse("tenders:evaluation_report", args=[reference]),
    }


@pytest.fixture
def moderated(scored, opened_bids, tender):
    """Question 3 has a minimum of 2 and prices under 90% of the mean are abnormally low.

    The bid at 40,000 scores 3 everywhere, the one at 50,000 scores 4, the one at
    60,000 scores 5 but 1 on question 3, so it fails.
    """
    tender.criteria.filter(number=3).update(minimum_score=2)
    tender.abnormally_low_percent = 90
    tender.save()
    cheap, middle, dear = opened_bids
    agree(cheap, scored.chair.user, lambda s: 3)
    agree(middle, scored.chair.user, lambda s: 4)
    agree(dear, scored.chair.user, lambda s: 1 if s.criterion.number == 3 else 5)
    return scored


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


def test_the_results_page_shows_the_hand_worked_figures(
    client, moderated, opened_bids, tender, publisher_member
):
    # Weighted: score ÷ 5 × 20 for each of the four 20% questions; price: 40,000 is the
    # lowest valid price (60,000 failed), so 40,000 ÷ 50,000 × 20 = 16 for the middle bid.
    # Cheap:  quality 3 × 12 = 36, social value 12, price 20: 68.00 (abnormally low:
    #         under 90% of the mean valid price, 45,000 × 0.9 = 40,500).
    # Middle: quality 3 × 16 = 48, social value 16, price 16: 80.00, rank 1, proposed.
    # Dear:   quality 20 + 20 + 4 = 44, social value 20, no price score: 64.00, failed.
    client.force_login(publisher_member)
    response = client.get(urls(tender)["page"])
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    cheap, middle, dear = opened_bids
    for lot in ("Lot 1 area", "Lot 2 area"):
        table = page.split(lot, 1)[1].split("</table>", 1)[0]
        assert table.index(middle.reference) < table.index(cheap.reference)
        assert table.index(cheap.reference) < table.index(dear.reference)
        middle_row = table.split(middle.reference, 1)[1].split("</tr>", 1)[0]
        for text in (">48.00<", ">16.00<", ">80.00<", "Proposed winner"):
            assert text in middle_row
        cheap_row = table.split(cheap.reference, 1)[1].split("</tr>", 1)[0]
        assert ">68.00<" in cheap_row and "Abnormally low price" in cheap_row
        assert "Proposed winner" not in cheap_row
        dear_row = table.split(dear.reference, 1)[1].split("</tr>", 1)[0]
        assert ">64.00<" in dear_row and "Question 3: under its minimum score of 2" in dear_row
        assert ">0.00<" in dear_row
    assert page.count("Proposed winner") == 2


def test_the_csv_has_the_same_figures(client, moderated, opened_bids, tender, publisher_member):
    client.force_login(publisher_member)
    response = client.get(urls(tender)["csv"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    cheap, middle, dear = opened_bids
    assert rows[0][:4] == ["Lot", "Bid", "Organisation", "Price (£)"]
    assert rows[1:4] == [
        [
            "1",
            middle.reference,
            middle.organisation.name,
            "50000.00",
            "48.00",
            "16.00",
            "16.00",
            "80.00",
            "1",
            "",
            "No",
            "Yes",
        ],
        [
            "1",
            cheap.reference,
            cheap.organisation.name,
            "40000.00",
            "36.00",
            "12.00",
            "20.00",
            "68.00",
            "2",
            "",
            "Yes",
            "No",
        ],
        [
            "1",
            dear.reference,
            dear.organisation.name,
            "60000.00",
            "44.00",
            "20.00",
            "0.00",
            "64.00",
            "",
            "question 3",
            "No",
            "No",
        ],
    ]
    assert [row[0] for row in rows[4:]] == ["2", "2", "2"]


def report_html(tender, user):
    """The HTML the evaluation report is drawn from, as ``user`` would get it."""
    evaluation = evaluation_of(tender, user)
    left_out = left_out_of(tender, evaluation)
    return render_to_string(
        "tenders/results/report_pdf.html",
        report_context(tender, evaluation, left_out=left_out),
    )


def test_the_report_has_the_method_panel_results_reasons_and_findings(
    moderated, opened_bids, tender, publisher_member
):
    actions.record_duplication_check(
        bid=opened_bids[0], concern=True, note="Funded by the Lottery too.", by=publisher_member
    )
    html = report_html(tender, publisher_member)
    assert "How bids were scored" in html and "Under its minimum score" not in html
    # Names are escaped: a generated name may have an apostrophe.
    assert f"{escape(str(moderated.chair.user))} (chair)" in html
    assert escape(str(moderated.second.user)) in html
    assert ">80.00<" in html and "Proposed winner" in html
    assert "Question 3: under its minimum score of 2" in html
    assert html.count("Agreed by the panel.") == 3 * 4 * 1  # three bids, four questions
    assert "At moderation, a concern: Funded by the Lottery too." in html
    for bid in opened_bids:
        assert bid.reference in html


def test_before_moderation_ends_the_page_says_what_is_missing(
    client, scored, opened_bids, tender, publisher_member
):
    agree(opened_bids[0], scored.chair.user)
    client.force_login(scored.chair.user)
    page = client.get(urls(tender)["page"]).content.decode()
    assert "8 consensus scores are still to be recorded." in page
    assert reverse("tenders:moderation", args=[tender.opportunity.reference]) in page
    assert "Proposed winner" not in page
    client.force_login(publisher_member)
    page = client.get(urls(tender)["page"]).content.decode()
    assert "The panel's chair records them in moderation." in page
    for download in ("csv", "pdf"):
        response = client.get(urls(tender)[download])
        assert response.status_code == 302 and response.url == urls(tender)["page"]


def test_a_changed_consensus_shows_at_once(client, moderated, opened_bids, tender):
    client.force_login(moderated.chair.user)
    assert ">80.00<" in client.get(urls(tender)["page"]).content.decode()
    cheap, middle, _dear = opened_bids
    question = tender.criteria.get(number=4)
    consensus = Consensus.objects.get(bid=middle, criterion=question)
    actions.record_consensus(
        bid=middle,
        criterion=question,
        score=1,
        reason="Few measurable commitments.",
        revision=consensus.revision,
        by=moderated.chair.user,
    )
    # Social value 1 ÷ 5 × 20 = 4 instead of 16: 68.00, tied with the cheap bid on total;
    # the tie-break (quality) puts the middle bid first still, 48 against 36.
    page = client.get(urls(tender)["page"]).content.decode()
    assert ">80.00<" not in page
    assert page.count(">68.00<") == 4  # both bids, both lots


@pytest.mark.parametrize("who", ["evaluator", "outsider", "undeclared chair"])
def test_only_commissioners_and_the_chair_read_the_results(
    client, moderated, opened_bids, tender, who
):
    user = {
        "evaluator": moderated.first.user,
        "outsider": UserFactory(is_evaluator=True),
        "undeclared chair": moderated.chair.user,
    }[who]
    if who == "undeclared chair":
        moderated.chair.declared_at = None
        moderated.chair.save()
    client.force_login(user)
    for url in urls(tender).values():
        assert client.get(url).status_code == 404


def test_a_visitor_gets_404(client, moderated, tender):
    for url in urls(tender).values():
        assert client.get(url).status_code == 404


def test_a_bid_the_chair_is_conflicted_with_is_in_none_of_them(
    client, moderated, opened_bids, tender
):
    hidden = opened_bids[1]
    moderated.chair.conflicts.add(hidden)
    client.force_login(moderated.chair.user)
    pages = urls(tender)
    page = client.get(pages["page"]).content.decode()
    assert hidden.reference not in page and hidden.organisation.name not in page
    assert "You declared a conflict of interest with 1 bid, so it is left out here." in page
    assert hidden.reference not in client.get(pages["csv"]).content.decode()
    # The chair's report is one of its own, made without the bid (tests/tenders/test_report_pdf.py).
    assert client.get(pages["pdf"]).status_code == 202
    assert EvaluationReport.objects.get(tender=tender).left_out_ids == [hidden.pk]
    html = report_html(tender, moderated.chair.user)
    assert hidden.reference not in html and hidden.organisation.name not in html
    assert "these are not the tender's results" in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        # The report's address answers 202 "being made": its render is queued, not run.
        assert client.get(url).status_code in (200, 202)
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_bids_questions_or_evaluators(
    client, moderated, opened_bids, tender, publisher_member
):
    chair = moderated.chair
    chair.conflicts.set(opened_bids[1:])  # the chair reads one bid
    client.force_login(chair.user)
    small = [_queries(client, url) for url in urls(tender).values()]
    grow(tender, opened_bids, [chair, moderated.first, moderated.second])
    chair.conflicts.clear()  # three bids, six questions, five evaluators
    large = [_queries(client, url) for url in urls(tender).values()]
    assert small == large
    page, csv_file, report = large
    assert max(page, csv_file) <= 20
    assert report <= 30  # asking for the report to be made, and the page saying so


def test_the_tender_page_links_to_the_results_and_each_bid_s_duplication_check(
    client, opened_bids, tender, publisher_member
):
    client.force_login(publisher_member)
    reference = tender.opportunity.reference
    page = client.get(reverse("tenders:tender", args=[reference])).content.decode()
    assert urls(tender)["page"] in page
    for bid in opened_bids:
        assert reverse("tenders:duplication", args=[reference, bid.reference]) in page
