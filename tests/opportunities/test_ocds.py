"""An opportunity's OCDS releases: published, amended (a document too) and cancelled,
through the publishing actions (opportunities.ocds)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opendata.models import Release
from opendata.ocds import ocid
from opportunities.actions import publishing
from opportunities.actions.documents import add_document
from opportunities.models import CpvCode, Lot
from tests.factories import MembershipFactory, OpportunityFactory, PublisherFactory

pytestmark = pytest.mark.django_db


def releases(opportunity):
    rows = Release.objects.filter(ocid=ocid(opportunity.reference)).order_by("number")
    return [row.release for row in rows]


@pytest.fixture
def commissioner():
    return MembershipFactory(organisation=PublisherFactory(name="Adult Social Care")).user


@pytest.fixture
def draft(commissioner):
    opportunity = OpportunityFactory(
        publisher=commissioner.memberships.get().organisation,
        published_at=None,
        value_low=Decimal("40000"),
        value_high=Decimal("60000"),
        contract_start=datetime.date(2027, 4, 1),
        duration_months=24,
        contact_name="Joanne Pryce",
        contact_email="joanne.pryce@example.org",
        short_window_reason="Urgent: the current service ends in March.",
    )
    # The CPV list is loaded by a migration.
    opportunity.cpv_codes.set(CpvCode.objects.filter(code__in=["85312000-9", "85320000-8"]))
    for number in (1, 2):
        Lot.objects.create(
            opportunity=opportunity, number=number, title=f"Area {number}", value=Decimal(30000)
        )
    return opportunity


def test_nothing_is_published_for_a_draft(draft):
    assert releases(draft) == []


def test_publishing_releases_the_tender_with_lots_values_cpv_and_periods(draft, commissioner):
    publishing.publish(opportunity=draft, by=commissioner)

    [release] = releases(draft)
    tender = release["tender"]
    assert release["tag"] == ["tender"]
    assert release["ocid"] == f"ocds-local0-{draft.reference}"
    assert release["id"] == f"ocds-local0-{draft.reference}-01"
    assert release["buyer"]["name"] == "Adult Social Care"
    assert tender["status"] == "active"
    assert tender["value"] == {"amount": 60000, "currency": "GBP"}
    assert tender["minValue"] == {"amount": 40000, "currency": "GBP"}
    assert [lot["id"] for lot in tender["lots"]] == ["1", "2"]
    assert [item["relatedLot"] for item in tender["items"]] == ["1", "2"]
    assert tender["items"][0]["classification"] == {
        "scheme": "CPV",
        "id": "85312000",
        "description": "Social work services without accommodation",
    }
    assert tender["items"][0]["additionalClassifications"][0]["id"] == "85320000"
    assert tender["contractPeriod"] == {
        "startDate": "2027-03-31T23:00:00Z",
        "endDate": "2029-03-31T22:59:59Z",
    }
    assert "Joanne" not in str(release) and "@" not in str(release)


def test_each_amendment_and_document_is_a_tender_amendment(draft, commissioner):
    publishing.publish(opportunity=draft, by=commissioner)
    publishing.amend(
        opportunity=draft, by=commissioner, what_changed="The value went up.", value_high=70000
    )
    add_document(
        opportunity=draft,
        by=commissioner,
        title="Specification",
        file=SimpleUploadedFile("spec.pdf", b"%PDF-1.4 spec", content_type="application/pdf"),
    )

    _first, amended, documented = releases(draft)
    assert amended["tag"] == documented["tag"] == ["tenderAmendment"]
    assert amended["tender"]["value"]["amount"] == 70000
    assert [a["description"] for a in documented["tender"]["amendments"]] == [
        "The value went up.",
        "Document added: Specification",
    ]
    assert documented["tender"]["documents"][-1]["title"] == "Specification"


def test_cancelling_releases_a_cancelled_tender(draft, commissioner):
    publishing.publish(opportunity=draft, by=commissioner)
    publishing.cancel(opportunity=draft, by=commissioner, reason="The service is no longer needed.")

    *_earlier, cancelled = releases(draft)
    assert cancelled["tag"] == ["tenderCancellation"]
    assert cancelled["tender"]["status"] == "cancelled"
    assert {lot["status"] for lot in cancelled["tender"]["lots"]} == {"cancelled"}
