"""The evaluation gate, tried on every URL of the portal once a tender is evaluated and
its award decided.

A tender with two lots has four submitted bids, each marked in every part (answers,
a commitment, funding, a partner, a file: ``crawl.mark``); bid X, the cheapest, is
from an organisation with an unmistakable name. A panel of three declares (one
member, "the conflicted evaluator", declares a conflict with X), scores every bid
it may read, and the chair moderates them all, recording a duplication finding on
X; the notice of intention awards lot 1 to X and lot 2 to another bid, the
assessment summaries go out, and X's lead asks for a consortium change. All of it
through ``tenders.actions``.

What may reach the conflicted evaluator. Nothing of X: not its reference, nor its
markers, nor the hashes of its versions, nor its price (as the pages and the CSV
write it), nor the reasons the others gave its scores, on any page, export or
report, as a member of the panel and again as its chair. One exception, exactly:
their own evaluation page (``tenders:evaluation``) names X's *organisation*, in
the list of bidders they declared a conflict with, since that is what they
declared; it shows nothing else of X, and the test checks that it does name it.

The same holds for a commissioner of the publisher who sits on the panel and
declared a conflict with X. Beyond that: an evaluator not on the panel reaches no
page of the tender, a member who does not chair reaches only the evaluation pages,
bidders read only their own assessment summary, and the scores of an evaluator who
declares a conflict with a bid after scoring it are shown nowhere and wait for
nothing.

The PDFs: WeasyPrint compresses a PDF's text and no PDF reader is installed, so
``write_pdf`` is replaced by one returning the HTML it was given. That HTML is
exactly what the PDF shows, and it passes through the same code. The evaluation
report is made by a task and stored; a reader who is told it is being made gets
it once it is made (``_get``).

The public registry of organisations (``/organisations/``) names every organisation,
X's among them, whether it bid or not, so the name is not looked for there; its
profiles (routes with a ``slug``) are left out, and ``test_sealed_box`` checks
that the registry says nothing of bids. The same goes for the form a commissioner
records a contract with (``/contracts/record/``): its supplier list is the registry's.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse
from django.utils.html import escape

from organisations.models import MembershipRole, Organisation
from tenders import actions
from tenders import pdf as report_pdf
from tenders.models import (
    AwardDecision,
    BidAttachment,
    BidPartner,
    BidVersion,
    ChangeKind,
    Consensus,
    DuplicationFinding,
    EvaluationReport,
    ScoreSheet,
)
from tenders.views import summaries as summaries_views
from tests.factories import MembershipFactory, UserFactory
from tests.tenders import crawl, panels
from tests.tenders.conftest import submitted_bids

# Pages that list every organisation in the registry, whether it bid or not, and the
# open data, which names every tenderer to everyone once the box is opened (OCDS).
NAMES_EVERY_ORGANISATION = ("/organisations/", "/contracts/record/", "/api/ocds/")

pytestmark = pytest.mark.django_db

MARKER = "GATEMARKER"
X_NAME = "Quillwort Conflicted Trust"
# The bids' prices for each lot; X's, the second, is the lowest.
PRICES = ["50000", "43217", "60000", "70000"]

# The pages a panel member who does not chair reaches on their tender.
MEMBER_PAGES = {"evaluation", "score_bid", "scored_attachment"}
# The chair reaches these too; the award, the panel, the log and the method are the
# commissioners' alone.
CHAIR_PAGES = MEMBER_PAGES | {
    "moderation",
    "moderate_bid",
    "duplication",
    "results",
    "results_csv",
    "evaluation_report",
    "retry_evaluation_report",
    "consortium_changes",
    "consortium_evidence",
}


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def pdf_as_html(monkeypatch):
    """The HTML each PDF view draws its PDF from, in place of the PDF (see above)."""
    for module in (report_pdf, summaries_views):
        monkeypatch.setattr(module, "write_pdf", lambda html, **kwargs: html.encode())


def _admin_of(bid):
    return bid.organisation.memberships.get(role=MembershipRole.ADMIN).user


def _prices_of(bid):
    """X's price per lot as the pages (``43,217.00``) and the CSV (``43217.00``) write it."""
    totals = {}
    for line in bid.current_version.content["prices"]:
        totals[line["lot"]] = totals.get(line["lot"], Decimal(0)) + Decimal(line["total"])
    return [form for total in totals.values() for form in (f"{total:,.2f}", f"{total:.2f}")]


def _secrets(bid, tag):
    """What nobody kept from ``bid`` may read: its reference, its marker (in every part,
    and in the evaluators', the chair's and the consortium change's words), its
    versions' hashes and its price."""
    return [
        bid.reference,
        tag,
        *BidVersion.objects.filter(bid=bid).values_list("sha256", flat=True),
        *_prices_of(bid),
    ]


def _score_and_moderate(tender, panel, tags):
    """Each member scores every bid they may read; the chair agrees each score."""
    for member in panel:
        for bid in actions.scorable_bids(member):
            panels.score_all(member, bid, reason=f"Scored {tags[bid.pk]}reason")
    chair = panel[0]
    for bid in actions.scorable_bids(chair):
        for slot in panels.slots(chair, bid):
            actions.record_consensus(
                bid=bid,
                criterion=slot.criterion,
                lot=slot.lot,
                score=3,
                reason=f"Agreed {tags[bid.pk]}consensus",
                revision=0,
                by=chair.user,
            )


@pytest.fixture
def evaluated(tender, publisher_member, time_machine):
    """The tender of this module's docstring, every step taken."""
    commissioner = publisher_member
    bids = submitted_bids(tender, PRICES)
    x = bids[1]
    Organisation.objects.filter(pk=x.organisation_id).update(name=X_NAME)
    tags = {}
    for n, bid in enumerate(bids):
        tags[bid.pk] = f"{MARKER}{n}"
        bid.organisation.refresh_from_db()
        crawl.mark(bid, tags[bid.pk])  # submitted again: the new name is frozen too
        bid.refresh_from_db()
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=commissioner)
    tender.refresh_from_db()

    chair, conflicted, third = (
        actions.declare_interests(member=member, by=member.user, **declared)
        for member, declared in (
            (panels.seat(tender, commissioner, chair=True), {}),
            (
                panels.seat(tender, commissioner),
                {"conflicts": [x], "declaration": "My sister is one of its trustees."},
            ),
            (panels.seat(tender, commissioner), {}),
        )
    )
    _score_and_moderate(tender, [chair, conflicted, third], tags)
    actions.record_duplication_check(
        bid=x, concern=True, note=f"Funded twice? {tags[x.pk]}duplication", by=chair.user
    )

    lot_1, lot_2 = tender.opportunity.lots.order_by("number")
    for lot, winner in ((lot_1, x), (lot_2, bids[0])):
        actions.send_intention(
            tender=tender, lot=lot, winners=[winner], reason="Best value.", by=commissioner
        )
    actions.send_assessment_summaries()
    actions.ask_consortium_change(
        bid=x,
        by=_admin_of(x),
        kind=ChangeKind.ADD,
        justification=f"We need help {tags[x.pk]}change",
        evidence=SimpleUploadedFile(f"{tags[x.pk]}evidence.pdf", b"%PDF-1.4 letters"),
        name=f"{tags[x.pk]}joining",
        identifier="7777777",
        share_percent=5,
    )
    return SimpleNamespace(
        tender=tender,
        bids=bids,
        x=x,
        tags=tags,
        commissioner=commissioner,
        chair=chair,
        conflicted=conflicted,
        third=third,
    )


def _urls(evaluated):
    """Every URL of the portal filled in with the evaluated tender's real ids."""
    tender = evaluated.tender
    opportunity = tender.opportunity
    references = [bid.reference for bid in evaluated.bids]
    ids = {
        "partnerships": BidPartner.objects.filter(bid__in=evaluated.bids),
        "attachments": BidAttachment.objects.filter(bid__in=evaluated.bids),
        "files": BidAttachment.objects.filter(bid__in=evaluated.bids),
        "tender/questions": tender.criteria.all(),
        "tender/prices": tender.price_lines.all(),
        "tender/panel": tender.panel.all(),
        "tender/consortium-changes": evaluated.x.consortium_changes.all(),
        "tender/award": AwardDecision.objects.filter(tender=tender),
    }

    def values_of(route, name):
        if name == "reference":
            return references if route.startswith("bids/") else [opportunity.reference]
        if name == "bid_reference":
            return references
        if name == "pk":
            for part, queryset in ids.items():
                if f"{part}/" in route:
                    return list(queryset.values_list("pk", flat=True))
            return None  # an id of something else (an inquiry, a week): nothing of a bid
        return {
            "criterion_pk": list(tender.criteria.values_list("pk", flat=True)),
            "lot_pk": list(opportunity.lots.values_list("pk", flat=True)),
            "number": [1, 2, 3],
        }.get(name)

    return sorted(crawl.fill(crawl.routes(), values_of))


def _get(client, url):
    """GET ``url``; if it answered 202 (the evaluation report being made), make what is
    asked for as a worker would and GET it again, to read what was made.

    A render asked for while the fixtures moderated was queued on a commit that
    never comes in a test's transaction, so it is made here."""
    response = client.get(url)
    if response.status_code == 202:
        for pk, version in EvaluationReport.objects.filter(
            started_at__isnull=True, failed_at__isnull=True
        ).values_list("pk", "requested_version"):
            report_pdf.render_requested(pk, version)
        response = client.get(url)
    return response


def _crawl(user, urls, *, post=True):
    """``{url: (status, body)}`` for ``user`` (None: a visitor) requesting every URL.

    A tender page that takes only POST (405 to a GET) is posted to, empty, unless
    ``post`` is false: for anyone it is not for, that must be 404 too, and change
    nothing. (Not the others: a post to sign out would end the crawl.)
    """
    client = Client()
    if user is not None:
        client.force_login(user)
    pages = {}
    for url in urls:
        response = _get(client, url)
        if response.status_code == 405 and post and "/tender/" in url:
            response = client.post(url)
        pages[url] = (response.status_code, crawl.body_of(response))
    return pages


def _found(pages, secrets):
    """``[(url, secret)]`` for each secret any page holds."""
    return [(url, s) for url, (_status, body) in pages.items() for s in secrets if s in body]


def _tender_pages(evaluated, urls):
    prefix = f"/opportunities/{evaluated.tender.opportunity.reference}/tender/"
    return [url for url in urls if url.startswith(prefix)]


def _reached(pages, urls):
    """The names of the routes of ``urls`` that answered anything but 404 (or 405 to a
    GET, for a page not posted to)."""
    return {resolve(url).url_name for url in urls if pages[url][0] not in {404, 405}}


def _writes(bid):
    """What evaluating ``bid`` has written: score sheets, consensus scores, findings."""
    return (
        ScoreSheet.objects.filter(bid=bid).count(),
        list(Consensus.objects.filter(bid=bid).values_list("revision", flat=True)),
        list(DuplicationFinding.objects.filter(bid=bid).values_list("pk", "note")),
    )


def test_nothing_of_a_conflicted_bid_reaches_its_evaluator_on_any_page(evaluated):
    x, tag = evaluated.x, evaluated.tags[evaluated.x.pk]
    secrets = _secrets(x, tag)
    urls = _urls(evaluated)
    own_page = reverse("tenders:evaluation", args=[evaluated.tender.opportunity.reference])
    conflicted = evaluated.conflicted.user

    # The commissioner reads X in the results, the CSV and the report: the checks can fail.
    results = [u for u in urls if "/results/" in u and "/try-again/" not in u]
    commissioner = _crawl(evaluated.commissioner, results, post=False)
    assert {url for url, _secret in _found(commissioner, [x.reference, tag])} == set(results)
    assert _found(commissioner, _prices_of(x))

    as_member = _crawl(conflicted, urls)
    evaluated.conflicted = actions.make_chair(
        member=evaluated.conflicted, by=evaluated.commissioner
    )
    as_chair = _crawl(conflicted, urls)
    print(f"{len(urls)} URLs, twice")

    # The only consortium change is X's: its evidence is hidden from them as chair.
    as_conflicted_chair = CHAIR_PAGES - {"consortium_evidence"}
    for pages, reached in ((as_member, MEMBER_PAGES), (as_chair, as_conflicted_chair)):
        assert _reached(pages, _tender_pages(evaluated, urls)) == reached
        assert _found(pages, secrets) == []
        named = [url for url, (_status, body) in pages.items() if X_NAME in body]
        assert [url for url in named if not url.startswith(NAMES_EVERY_ORGANISATION)] == [own_page]
        # The gate hides X alone: they do read the other bids.
        others = [bid.reference for bid in evaluated.bids if bid != x]
        assert {secret for _url, secret in _found(pages, others)} == set(others)

    # Posting to every page naming X, as its chair, is refused and writes nothing.
    before = _writes(x)
    client = Client()
    client.force_login(conflicted)
    for url in (u for u in urls if x.reference in u):
        response = client.post(url, {"slot": "q1-0", "score": "0", "reason": "x", "note": "x"})
        assert response.status_code in {404, 405}, url
    assert _writes(x) == before


def test_a_commissioner_on_the_panel_with_a_conflict_reads_nothing_of_that_bid(evaluated):
    """A commissioner of the publisher who sits on the panel and declared a conflict
    with X: the tender page lists the other bids only; the award page and the log,
    which name every bid, are 404 for them."""
    tender, x = evaluated.tender, evaluated.x
    officer = MembershipFactory(
        organisation=tender.opportunity.publisher, role=MembershipRole.MEMBER
    ).user
    officer.is_evaluator = True
    officer.save()
    seat = actions.add_panel_member(
        tender=tender, email=officer.email, role="officer", by=evaluated.commissioner
    )
    actions.declare_interests(
        member=seat, by=officer, conflicts=[x], declaration="My sister is one of its trustees."
    )
    urls = _urls(evaluated)
    pages = _crawl(officer, urls, post=False)

    assert _found(pages, _secrets(x, evaluated.tags[x.pk])) == []
    named = [url for url, (_status, body) in pages.items() if X_NAME in body]
    own_page = reverse("tenders:evaluation", args=[tender.opportunity.reference])
    assert [url for url in named if not url.startswith(NAMES_EVERY_ORGANISATION)] == [own_page]
    reached = _reached(pages, _tender_pages(evaluated, urls))
    assert {"tender", "submitted_bid"} <= reached
    assert reached.isdisjoint({"award", "log"})
    others = [bid.reference for bid in evaluated.bids if bid != x]
    tender_page = pages[reverse("tenders:tender", args=[tender.opportunity.reference])][1]
    assert all(reference in tender_page for reference in others)


def test_evaluators_reach_only_the_pages_of_their_seat(evaluated):
    urls = _urls(evaluated)
    tender_pages = _tender_pages(evaluated, urls)
    secrets = [secret for bid in evaluated.bids for secret in _secrets(bid, evaluated.tags[bid.pk])]

    outsider = _crawl(UserFactory(is_evaluator=True), urls)
    assert _reached(outsider, tender_pages) == set()
    assert _found(outsider, secrets) == []
    assert outsider[reverse("tenders:evaluations")][0] == 200
    client = Client()
    client.force_login(UserFactory(is_evaluator=True))
    for url in tender_pages:
        assert client.post(url, {"score": "0", "reason": "x"}).status_code in {404, 405}, url

    member = _crawl(evaluated.third.user, tender_pages)
    assert _reached(member, tender_pages) == MEMBER_PAGES
    chair = _crawl(evaluated.chair.user, tender_pages)
    assert _reached(chair, tender_pages) == CHAIR_PAGES
    # The commissioners' pages, 404 for the chair: they are reached by a commissioner.
    commissioner = _crawl(evaluated.commissioner, tender_pages, post=False)
    assert {"award", "panel", "log", "submitted_bid"} <= _reached(commissioner, tender_pages)


def test_bidders_read_only_their_own_assessment_summary(evaluated):
    def summaries(bid):
        return [
            reverse("tenders:bid_summary", args=[bid.reference]),
            reverse("tenders:bid_summary_pdf", args=[bid.reference]),
        ]

    every = [url for bid in evaluated.bids for url in summaries(bid)]
    for bid in evaluated.bids:
        pages = _crawl(_admin_of(bid), every)
        for url, (status, body) in pages.items():
            assert status == (200 if url in summaries(bid) else 404), url
            if status == 200:
                assert f"Agreed {evaluated.tags[bid.pk]}consensus" in body
    visitor = Client()
    for url in every:
        response = visitor.get(url)
        assert response.status_code in {302, 404}, url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url


def test_a_bidder_sees_nothing_of_the_other_bids_anywhere(evaluated):
    """Bid 2 lost both lots. Its administrator reads the winners' scores in its summary
    (and their names: the notice of intention names them), never another bid's
    reference, words or files."""
    loser = evaluated.bids[2]
    secrets = [
        secret
        for bid in evaluated.bids
        if bid != loser
        for secret in (bid.reference, evaluated.tags[bid.pk], *_prices_of(bid))
    ]
    pages = _crawl(_admin_of(loser), _urls(evaluated))
    assert _found(pages, secrets) == []
    assert _found(pages, [loser.reference, evaluated.tags[loser.pk]])


LATE_REASON = "Hopeless, says the evaluator who knew them."


@pytest.fixture
def late_conflict(tender, opened_bids):
    """A chair and two evaluators, declared without conflict. The chair and "late" score
    bid Y (late a 0 everywhere, with ``LATE_REASON``), then late declares a conflict
    with Y; "other" has not scored Y yet."""
    commissioner = tender.opportunity.publisher.memberships.get().user
    chair, late, other = (
        actions.declare_interests(member=member, by=member.user)
        for member in (
            panels.seat(tender, commissioner, chair=True),
            panels.seat(tender, commissioner),
            panels.seat(tender, commissioner),
        )
    )
    y = opened_bids[0]
    panels.score_all(chair, y, reason="Reason from the chair.")
    panels.score_all(late, y, score=0, reason=LATE_REASON)
    late = actions.declare_interests(
        member=late, by=late.user, conflicts=[y], declaration="My brother has just joined it."
    )
    return SimpleNamespace(
        tender=tender, bids=opened_bids, y=y, chair=chair, late=late, other=other, by=commissioner
    )


def _page(user, url):
    client = Client()
    client.force_login(user)
    response = _get(client, url)
    assert response.status_code == 200, url
    return crawl.body_of(response)


def test_scores_given_before_a_further_conflict_do_not_count(late_conflict):
    """Scores from an evaluator who declared a conflict with a bid after scoring it are
    not shown when it is moderated, nor to the other evaluators, nor in the report,
    and moderation waits for the others, not for them."""
    case = late_conflict
    y, late, other, chair = case.y, case.late, case.other, case.chair
    reference = case.tender.opportunity.reference
    moderation = reverse("tenders:moderate_bid", args=[reference, y.reference])
    late_name, other_name = escape(late.user), escape(other.user)

    waiting = _page(chair.user, moderation)
    assert other_name in waiting and late_name not in waiting
    slot = panels.slots(chair, y)[0]
    with pytest.raises(ValidationError) as refused:
        actions.record_consensus(
            bid=y,
            criterion=slot.criterion,
            lot=slot.lot,
            score=3,
            reason="Agreed.",
            revision=0,
            by=chair.user,
        )
    refusal = str(refused.value)
    assert str(other.user) in refusal and str(late.user) not in refusal

    panels.score_all(other, y)
    for page in (
        _page(chair.user, moderation),
        _page(other.user, reverse("tenders:score_bid", args=[reference, y.reference])),
    ):
        assert "Reason from the chair." in page
        assert LATE_REASON not in page and late_name not in page
        assert "lowest" not in page  # 3 and 3: no disagreement without late's 0

    for member in (late, other, chair):
        for bid in actions.scorable_bids(member).exclude(pk=y.pk):
            panels.score_all(member, bid)
    for bid in case.bids:
        for slot in panels.slots(chair, bid):
            actions.record_consensus(
                bid=bid,
                criterion=slot.criterion,
                lot=slot.lot,
                score=3,
                reason="Agreed.",
                revision=0,
                by=chair.user,
            )
    report = _page(case.by, reverse("tenders:evaluation_report", args=[reference]))
    assert f"{y.organisation.name} ({y.reference})" in report  # late's declared conflict
    assert LATE_REASON not in report
