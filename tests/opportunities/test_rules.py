"""Where an opportunity must be published, and who must publish it."""

from decimal import Decimal

import pytest

from opportunities import rules
from opportunities.models import Procedure
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

FIND_A_TENDER = "https://www.find-tender.service.gov.uk/"


def _opportunity(value, procedure=Procedure.OPEN, **fields):
    return OpportunityFactory(
        value_low=Decimal(value),
        value_high=Decimal(value),
        value_includes_vat=True,
        procedure=procedure,
        **fields,
    )


@pytest.mark.parametrize(
    ("value", "procedure", "notice"),
    [
        ("50000", Procedure.OPEN, "below-threshold tender notice"),
        ("300000", Procedure.OPEN, "tender notice"),
        ("700000", Procedure.LIGHT_TOUCH, "tender notice"),
    ],
)
def test_the_rules_say_the_commissioner_must_publish_on_find_a_tender(value, procedure, notice):
    """The portal sends nothing to Find a Tender, so it must not say the notice is there."""
    [rule] = [r for r in rules.publication_rules(_opportunity(value, procedure)) if r.find_a_tender]
    assert "also published on Find a Tender" not in rule.explanation
    assert "is published on Find a Tender" not in rule.explanation
    assert "the commissioner must also publish" in rule.explanation
    assert notice in rule.commissioner_must
    assert "this portal does not send" in rule.commissioner_must


def test_below_the_notifiable_threshold_nothing_goes_to_find_a_tender():
    assert not any(r.find_a_tender for r in rules.publication_rules(_opportunity("20000")))


def test_the_page_links_to_find_a_tender_and_says_who_publishes_there(visitor):
    opportunity = _opportunity("50000")
    text = visitor.get(f"/opportunities/{opportunity.reference}/").text
    assert "also published on Find a Tender" not in text
    assert "the commissioner must also publish" in text
    assert f'href="{FIND_A_TENDER}"' in text
    assert "You must publish" not in text  # that is for the commissioner


def test_the_commissioner_previewing_a_draft_is_told_what_to_do(commissioner):
    opportunity = _opportunity("50000", published_at=None, publisher=commissioner.organisation)
    text = commissioner.get(f"/opportunities/{opportunity.reference}/").text
    assert "You must publish a below-threshold tender notice" in text
    assert f'href="{FIND_A_TENDER}"' in text


def test_no_find_a_tender_instruction_when_none_applies(commissioner):
    opportunity = _opportunity("20000", published_at=None, publisher=commissioner.organisation)
    text = commissioner.get(f"/opportunities/{opportunity.reference}/").text
    assert "Find a Tender" not in text
